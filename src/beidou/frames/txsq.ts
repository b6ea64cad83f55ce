// RDSS 4.0 TXSQ — communication request, a short message to send (host -> terminal; 2.1: TXA).
//   10 information (bits 7-5 class 010 message / 011 query, 2 normal, 1 code/mixed), 11-13 destination,
//   14-15 bit length, 16 acknowledgement, 17.. message

import { addr7 } from "../kind";
import { be16, be24, encodeFrame, type FrameKind, u16, u24 } from "./frame";
import { decodeMessage, messageBody, messageJson } from "./txxx";

export const TXSQ_FRAME: FrameKind = {
  name: "TXSQ",
  decode(b, n, f) {
    if (n < 18) return "TXSQ too short";
    f.info = b[10];
    if (f.info >> 5 !== 2) {
      f.mode = 0;
      f.peerAddress = u24(b, 11);
      f.content.length = 0;
      return f.info >> 5 === 3 ? null : "TXSQ information class not 010/011";
    }
    f.peerAddress = u24(b, 11);
    f.bitLength = u16(b, 14);
    f.ack = b[16];
    const e = decodeMessage(b, n - 1, 17, (f.info & 0x02) !== 0, f);
    if (e) return e;
    if (f.content.end !== n - 1) return "TXSQ length field disagrees with the frame length";
    return null;
  },
  json: (f, ctx) => ({
    to: addr7(f.peerAddress),
    query: f.info >> 5 === 3,
    urgent: ((f.info >> 2) & 3) === 0,
    ...messageJson(f, ctx),
  }),
};

/** TXSQ communication request (mode 1 code: data = hex digits string; 2 mixed: bytes; 0 Chinese: bytes). */
export function encodeTXSQ(
  user: number,
  o: { to: number; urgent: boolean; mode: 0 | 1 | 2; data: ArrayLike<number>; nibbles?: number; ack?: boolean },
): Uint8Array {
  const { body, bits } = messageBody(o);
  const info = 0x40 | (o.urgent ? 0 : 0x04) | (o.mode > 0 ? 0x02 : 0);
  return encodeFrame("TXSQ", user, [info, ...be24(o.to), ...be16(bits), o.ack ? 1 : 0, ...body]);
}
