// TXA — send a short message (RDSS 2.1, host -> terminal): `$CCTXA,destId,commType,mode,content*hh`
//   1 destination user address (1-7 digits)
//   2 communication type: 0 express (urgent), 1 normal
//   3 transfer mode: 0 Chinese (GB2312), 1 code (hex digits), 2 mixed ("A4" + bytes as hex)
//   4 content, as TXR's (content.ts); free text to the checksum
// Text for Chinese mode (GB2312) comes from an injected encoder (the host builds one from
// its ICU tables; the board has none).

import { buildSentence, CommandError, describe, exactFields, forbiddenByte, userAddress } from "../command";
import type { Fields } from "../fields";
import { addr7, n, type SentenceKind } from "../kind";
import { Content, contentJson, contentText, decodeContent } from "./content";

export class TXA {
  destinationId = NaN;
  /** 0 express (urgent), 1 normal. */
  commType = NaN;
  mode = NaN;
  readonly content = new Content();
}

export const TXA_KIND: SentenceKind<TXA> = {
  kind: "TXA",
  group: "RCOM",
  textField: 4,
  create: () => new TXA(),
  decode(f: Fields, t: TXA): string | null {
    if (f.count < 4) return "TXA needs 4 fields";
    if (!f.digits(1)) return "TXA destination address not digits";
    t.destinationId = f.ints[1];
    t.commType = f.ints[2];
    if (t.commType !== 0 && t.commType !== 1) return "TXA communication type not 0/1";
    t.mode = f.ints[3];
    return decodeContent(f, 4, t.mode, t.content);
  },
  json: (t, ctx) => ({
    to: addr7(t.destinationId),
    commType: n(t.commType),
    urgent: t.commType === 0,
    mode: n(t.mode),
    ...contentJson(t.content),
    text: contentText(t.content, ctx.decodeText) ?? null,
  }),
  reencode(t: TXA, f: Fields): Uint8Array {
    exactFields(f, 4, "TXA");
    const to = f.str(1);
    const urgent = t.commType === 0;
    const content = f.str(4);
    if (t.mode === 1) return encodeTXA({ to, urgent, mode: 1, hex: content });
    if (t.mode === 2) {
      if (!/^A4([0-9A-Fa-f]{2})+$/.test(content))
        throw new CommandError("TXA mixed mode content must be A4 followed by hex byte pairs");
      const data = new Uint8Array((content.length - 2) / 2);
      for (let i = 0; i < data.length; i++) data[i] = parseInt(content.substr(2 + 2 * i, 2), 16);
      return encodeTXA({ to, urgent, mode: 2, data });
    }
    // Chinese mode: the terminal gets the raw bytes, checked again by the encoder.
    return encodeTXA({ to, urgent, mode: 0, data: escapedBytes(content) });
  },
};

/**
 * Maximum message bits per communication level (ICI field 6), index = level.
 * UNCONFIRMED: the per-level limits are not in any available source; these defaults
 * (level 4 = the 1680 bits of [S4]'s encoder) are configurable.
 */
export const DEFAULT_LEVEL_BITS: ReadonlyArray<number> = [0, 140, 360, 560, 1680];

export interface TxaOptions {
  /** Text -> GB2312 bytes (host); must throw or return undefined for characters GB2312 lacks. */
  encodeText?(text: string): Uint8Array | undefined;
  /** Card communication level when known (ICI field 6): capacity is checked against it. */
  level?: number;
  levelBits?: ReadonlyArray<number>;
  /** Longest sentence the terminal accepts, bytes (RDSS 2.1: 300). */
  maxLine?: number;
}

export interface TxaRequest {
  /** Destination user address (card number), 1-7 digits. */
  to: number | string;
  /** Express (urgent) message: communication type 0; default normal (1). */
  urgent?: boolean;
  /** 0 Chinese (GB2312), 1 code (hex digits), 2 mixed (A4 + bytes as hex). */
  mode: 0 | 1 | 2;
  /** Message text (mode 0: via encodeText; mode 2: latin-1/ASCII or via encodeText when non-ASCII). */
  text?: string;
  /** Message bytes (modes 0 and 2). */
  data?: Uint8Array;
  /** Hex digits (mode 1). */
  hex?: string;
}

/** Message bits the way [S11] counts them: Chinese 14 bits per character, code 4 per digit, mixed 8 per byte + 8. */
export function messageBits(mode: 0 | 1 | 2, content: Uint8Array): number {
  if (mode === 1) return content.length * 4;
  if (mode === 2) return ((content.length - 2) / 2) * 8 + 8;
  let bits = 0;
  for (let i = 0; i < content.length; i++) {
    if (content[i] >= 0x80 && i + 1 < content.length) {
      bits += 14;
      i++;
    } else bits += 8; // ASCII inside Chinese mode: UNCONFIRMED, counted as a full byte
  }
  return bits;
}

const HEXCH = "0123456789ABCDEF";

/** `$CCTXA,destId,commType,mode,content` — short message request. */
export function encodeTXA(q: TxaRequest, o: TxaOptions = {}): Uint8Array {
  const to = userAddress(q.to, "TXA destination");
  if (q.mode !== 0 && q.mode !== 1 && q.mode !== 2)
    throw new CommandError(`TXA transfer mode must be 0 (Chinese), 1 (code) or 2 (mixed), not ${String(q.mode)}`);
  let content: Uint8Array;
  if (q.mode === 1) {
    const h = q.hex ?? "";
    if (q.text !== undefined || q.data !== undefined)
      throw new CommandError("TXA code mode (1) takes hex digits (hex), not text or data");
    if (!/^[0-9A-Fa-f]+$/.test(h)) throw new CommandError(`TXA code mode content must be hex digits, not "${h}"`);
    content = new Uint8Array(h.length);
    for (let i = 0; i < h.length; i++) content[i] = h.toUpperCase().charCodeAt(i);
  } else {
    let bytes: Uint8Array;
    if (q.data !== undefined) bytes = q.data;
    else if (q.text !== undefined) bytes = textBytes(q.text, q.mode, o);
    else throw new CommandError("TXA needs text or data");
    if (bytes.length === 0) throw new CommandError("TXA message is empty");
    if (q.mode === 2) {
      content = new Uint8Array(2 + bytes.length * 2);
      content[0] = 0x41;
      content[1] = 0x34; // "A4"
      for (let i = 0; i < bytes.length; i++) {
        content[2 + 2 * i] = HEXCH.charCodeAt(bytes[i] >> 4);
        content[3 + 2 * i] = HEXCH.charCodeAt(bytes[i] & 15);
      }
    } else {
      for (let i = 0; i < bytes.length; i++) {
        if (forbiddenByte(bytes[i]))
          throw new CommandError(
            `TXA Chinese mode cannot carry ${describe(bytes[i])} (it would break the sentence framing); send it in mixed mode (2)`,
          );
      }
      content = bytes;
    }
  }
  if (content.length === 0) throw new CommandError("TXA message is empty");
  const bits = messageBits(q.mode, content);
  if (o.level !== undefined) {
    const table = o.levelBits ?? DEFAULT_LEVEL_BITS;
    const max = table[o.level];
    if (!(max > 0)) throw new CommandError(`no message capacity known for communication level ${o.level}`);
    if (bits > max)
      throw new CommandError(`TXA message is ${bits} bits; the card's level ${o.level} allows ${max} bits`);
  }
  const s = buildSentence("CCTXA", [to, q.urgent ? "0" : "1", String(q.mode), content]);
  const maxLine = o.maxLine ?? 300;
  if (s.length > maxLine)
    throw new CommandError(`TXA sentence would be ${s.length} bytes; the terminal accepts at most ${maxLine}`);
  return s;
}

export function textBytes(text: string, mode: 0 | 2, o: TxaOptions): Uint8Array {
  let ascii = true;
  for (let i = 0; i < text.length; i++)
    if (text.charCodeAt(i) > 0x7e) {
      ascii = false;
      break;
    }
  if (ascii && (mode === 2 || !o.encodeText)) {
    const b = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
    return b;
  }
  if (!o.encodeText)
    throw new CommandError("no GB2312 encoder available on this platform: send non-ASCII text as data bytes");
  let b: Uint8Array | undefined;
  try {
    b = o.encodeText(text);
  } catch (e) {
    throw new CommandError(`text cannot be encoded in GB2312: ${(e as Error).message}`);
  }
  if (!b) throw new CommandError("text cannot be encoded in GB2312");
  return b;
}

/**
 * Chinese-mode content from the network: GB2312 bytes arrive as IEC 61162-1 ^hh escapes (a 450
 * sentence is printable ASCII); the raw bytes go on (TXA, and TCQ when translated).
 */
export function escapedBytes(content: string): Uint8Array {
  const data: number[] = [];
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c === 0x5e) {
      const h = /^[0-9A-Fa-f]{2}$/.test(content.substr(i + 1, 2)) ? parseInt(content.substr(i + 1, 2), 16) : -1;
      if (h < 0) throw new CommandError("TXA: '^' must be followed by two hex digits");
      data.push(h);
      i += 2;
    } else data.push(c & 0xff);
  }
  return Uint8Array.from(data);
}
