// RDSS 4.0 TXXX — communication information, a received short message (terminal -> host; 2.1: TXR).
//   10 information (bit 5 code/mixed, 3 express), 11-13 sender, 14 hour, 15 minute, 16-17 bit length,
//   18.. message (A4 + bytes mixed, hex digits code, GB2312 Chinese), then the CRC flag

import { pad2 } from "../../core/helpers";
import { asciiBytes, HEX_DIGITS } from "../../nmea/checksum";
import { addr7, type JsonContext } from "../kind";
import { CONTENT_MAX, contentHex, contentText, MODE_CHINESE, MODE_CODE, MODE_MIXED } from "../sentences/content";
import { be16, be24, encodeFrame, type Frame40, type FrameKind, rawSafe, u16, u24, W } from "./frame";

const A_TXR = asciiBytes("BDTXR"),
  T_A4 = asciiBytes("A4");

/** Message body shared by TXXX and TXSQ: bit length at i, data follows at j. */
export function decodeMessage(b: Uint8Array, n: number, j: number, codeBit: boolean, f: Frame40): string | null {
  const c = f.content;
  c.bytes = b;
  c.start = j;
  c.length = 0;
  c.oddNibble = false;
  c.positionReport = false;
  const bits = f.bitLength;
  let bytes = (bits + 7) >> 3;
  if (j + bytes > n) return "message longer than the frame";
  if (bytes > CONTENT_MAX) return "message too long";
  c.end = j + bytes;
  let k = j;
  if (codeBit) {
    const first = bytes > 0 ? b[j] : 0;
    if (first === 0xa4) {
      f.mode = MODE_MIXED;
      k++;
      bytes--;
    } else if (first === 0xa0 || first === 0xa1) {
      f.mode = 3;
      c.positionReport = true;
    } else if (first === 0xa2) f.mode = 4;
    else {
      f.mode = MODE_CODE;
      c.oddNibble = (bits >> 2) % 2 === 1;
    }
  } else f.mode = MODE_CHINESE;
  for (let x = 0; x < bytes; x++) c.data[x] = b[k + x];
  c.length = bytes;
  return null;
}

/** The message of TXXX and TXSQ as JSON (text when the bytes are text). */
export function messageJson(f: Frame40, ctx: JsonContext): Record<string, unknown> {
  return {
    bits: f.bitLength,
    mode: f.mode,
    data: contentHex(f.content),
    text: f.mode <= MODE_MIXED ? (contentText(f.content, ctx.decodeText) ?? null) : null,
  };
}

export const TXXX_FRAME: FrameKind = {
  name: "TXXX",
  decode(b, n, f) {
    if (n < 19) return "TXXX too short";
    f.info = b[10];
    f.peerAddress = u24(b, 11);
    f.hour = b[14];
    f.minute = b[15];
    f.bitLength = u16(b, 16);
    const e = decodeMessage(b, n - 2, 18, (f.info & 0x20) !== 0, f);
    if (e) return e;
    f.crcFlag = b[n - 2];
    if (f.content.end !== n - 2) return "TXXX length field disagrees with the frame length";
    return null;
  },
  toText(f, out) {
    const c = f.content;
    const raw = f.mode === MODE_CHINESE && rawSafe(c);
    const w = W.begin(out, A_TXR)
      .field(f.info & 0x08 ? 2 : 1)
      .field(f.peerAddress, 7)
      .field(raw ? 0 : f.mode === MODE_CODE ? 1 : 2)
      .comma();
    if (f.hour < 24 && f.minute < 60) w.uint(f.hour, 2).uint(f.minute, 2);
    w.comma();
    if (raw) for (let k = 0; k < c.length; k++) w.byte(c.data[k]);
    else if (f.mode === MODE_CODE) {
      const digits = f.bitLength >> 2;
      for (let k = 0; k < digits; k++) w.byte(HEX_DIGITS[k & 1 ? c.data[k >> 1] & 15 : c.data[k >> 1] >> 4]);
    } else {
      // Mixed, position report, A2 and unsafe Chinese bytes: "A4" + hex (lossless, cannot break framing).
      w.bytes(T_A4);
      for (let k = 0; k < c.length; k++) w.hexByte(c.data[k]);
    }
    return w.finish();
  },
  json: (f, ctx) => ({
    from: addr7(f.peerAddress),
    express: (f.info & 0x08) !== 0,
    sendTime: pad2(f.hour) + ":" + pad2(f.minute),
    ...messageJson(f, ctx),
    crcOk: f.crcFlag === 0,
  }),
};

/** Message bytes and bit length of TXXX and TXSQ: mode 2 mixed (A4 + bytes), 1 code (`nibbles` hex digits), 0 Chinese. */
export function messageBody(o: { mode: 0 | 1 | 2; data: ArrayLike<number>; nibbles?: number }): {
  body: number[];
  bits: number;
} {
  const body = Array.from(o.data);
  if (o.mode === 2) body.unshift(0xa4);
  const bits = o.mode === 1 ? (o.nibbles ?? o.data.length * 2) * 4 : body.length * 8;
  return { body, bits };
}

/** TXXX: mode 0 Chinese (raw bytes), 1 code (`nibbles` hex digits), 2 mixed (A4 + bytes). */
export function encodeTXXX(
  user: number,
  o: {
    from: number;
    hour: number;
    minute: number;
    mode: 0 | 1 | 2;
    data: ArrayLike<number>;
    nibbles?: number;
    express?: boolean;
  },
): Uint8Array {
  const { body, bits } = messageBody(o);
  const info = 0x40 | (o.mode > 0 ? 0x20 : 0) | (o.express ? 0x08 : 0);
  return encodeFrame("TXXX", user, [info, ...be24(o.from), o.hour, o.minute, ...be16(bits), ...body, 0]);
}
