// TCQ — send a short message (BDS-3 RSMC, host -> terminal): the TXA of BDS-3.
// `$CCTCQ,destination,frequencyPoint,inboundAck,codeType,data,sendFrequency*hh`
// frequencyPoint 1-5 (Lf0-Lf4), inboundAck 1 no / 2 yes, codeType 1-5 as TCI, sendFrequency
// 0 = once. The data field is not the last one: it cannot carry raw commas.

import { buildSentence, CommandError, exactFields, intIn, userAddress } from "../command";
import type { Fields } from "../fields";
import { addr7, n, type SentenceKind } from "../kind";
import { Content, contentJson, contentText } from "./content";
import { BDS3_CONTENT_MAX, contentError, tcqContent } from "./tci";
import { messageBits, type TxaOptions, textBytes } from "./txa";

export class TCQ {
  destinationId = NaN;
  frequencyPoint = NaN;
  inboundAck = NaN;
  codeType = NaN;
  sendFrequency = NaN;
  /** The TXR transfer mode the data was read in (0 Chinese, 1 code, 2 mixed). */
  mode = NaN;
  readonly content = new Content(BDS3_CONTENT_MAX);
}

export const TCQ_KIND: SentenceKind<TCQ> = {
  kind: "TCQ",
  group: "RCOM",
  create: () => new TCQ(),
  decode(f: Fields, t: TCQ): string | null {
    if (f.count !== 6) return "TCQ needs 6 fields";
    if (!f.digits(1) || f.len(1) > 7) return "TCQ destination not a user address";
    t.destinationId = f.ints[1];
    t.frequencyPoint = f.ints[2];
    if (!(t.frequencyPoint >= 1 && t.frequencyPoint <= 5)) return "TCQ frequency point not 1-5";
    t.inboundAck = f.ints[3];
    if (t.inboundAck !== 1 && t.inboundAck !== 2) return "TCQ inbound acknowledgement not 1/2";
    t.codeType = f.ints[4];
    if (!(t.codeType >= 1 && t.codeType <= 5)) return "TCQ code type not 1-5";
    t.sendFrequency = f.ints[6];
    if (!(t.sendFrequency >= 0)) return "TCQ send frequency not a number";
    // The data is field 5, not the last: read it up to its comma.
    const bodyEnd = f.bodyEnd;
    f.bodyEnd = f.end[5];
    t.mode = tcqContent(f, 5, t.codeType, t.content);
    f.bodyEnd = bodyEnd;
    if (contentError === null && t.content.length === 0) return "TCQ message is empty";
    return contentError;
  },
  json: (t, ctx) => ({
    family: "bds3",
    to: addr7(t.destinationId),
    frequencyPoint: n(t.frequencyPoint),
    inboundAck: t.inboundAck === 2,
    codeType: n(t.codeType),
    mode: n(t.mode),
    sendFrequency: n(t.sendFrequency),
    ...contentJson(t.content),
    text: t.codeType >= 4 ? null : (contentText(t.content, ctx.decodeText) ?? null),
  }),
  reencode(t: TCQ, f: Fields): Uint8Array {
    exactFields(f, 6, "TCQ");
    const q = {
      to: f.str(1),
      frequencyPoint: t.frequencyPoint,
      ack: t.inboundAck === 2,
      sendFrequency: t.sendFrequency,
    };
    const data = f.str(5);
    if (t.codeType === 2) return encodeTCQ({ ...q, codeType: 2, hex: data });
    if (t.codeType !== 1 && t.codeType !== 3)
      throw new CommandError(`TCQ code type must be 1, 2 or 3 (4/5 compressed are not forwarded), not ${t.codeType}`);
    return encodeTCQ({ ...q, codeType: t.codeType, data: hexPairs(data, "TCQ") });
  },
};

/** Hex byte pairs -> bytes (network commands carry BDS-3 data as hex). */
export function hexPairs(h: string, what: string): Uint8Array {
  if (!/^([0-9A-Fa-f]{2})+$/.test(h)) throw new CommandError(`${what} data must be hex byte pairs`);
  const data = new Uint8Array(h.length >> 1);
  for (let i = 0; i < data.length; i++) data[i] = parseInt(h.substr(2 * i, 2), 16);
  return data;
}

const HEXCH = "0123456789ABCDEF";

/** Longest BDS-3 regional short message, bits (14,000: about 1,000 Chinese characters). */
export const BDS3_MESSAGE_BITS = 14000;

export interface TcqRequest {
  /** Destination user address (card number), 1-7 digits. */
  to: number | string;
  /** 1 Chinese (GB2312), 2 code (hex digits), 3 mixed (bytes as hex). */
  codeType: 1 | 2 | 3;
  /** Text (1: via encodeText, ASCII as is; 3: ASCII, or via encodeText). */
  text?: string;
  /** Message bytes (1 and 3). */
  data?: Uint8Array;
  /** Hex digits (2). */
  hex?: string;
  /** Frequency point 1-5 (Lf0-Lf4); default 2, as in the open examples (UNCONFIRMED). */
  frequencyPoint?: number;
  /** Ask for an inbound acknowledgement (field 3: 2 yes, 1 no); default no. */
  ack?: boolean;
  /** Send frequency, seconds (0 = once, the default). */
  sendFrequency?: number;
}

/**
 * `$CCTCQ,dest,frequencyPoint,inboundAck,codeType,data,sendFrequency` — BDS-3 short message (the
 * TXA of BDS-3). The data field is hex for every code type (the GB2312 or ASCII bytes two hex
 * digits each; code type 2: the digits as given), as the open examples send it (UNCONFIRMED):
 * hex cannot break the framing, so no byte needs refusing.
 */
export function encodeTCQ(q: TcqRequest, o: TxaOptions = {}): Uint8Array {
  const to = userAddress(q.to, "TCQ destination");
  if (q.codeType !== 1 && q.codeType !== 2 && q.codeType !== 3)
    throw new CommandError(`TCQ code type must be 1 (Chinese), 2 (code) or 3 (mixed), not ${String(q.codeType)}`);
  const fp = intIn(q.frequencyPoint ?? 2, 1, 5, "TCQ frequency point");
  const freq = intIn(q.sendFrequency ?? 0, 0, 65535, "TCQ send frequency");
  let hex: string;
  let bits: number;
  if (q.codeType === 2) {
    if (q.text !== undefined || q.data !== undefined)
      throw new CommandError("TCQ code type 2 takes hex digits (hex), not text or data");
    const h = q.hex ?? "";
    if (!/^[0-9A-Fa-f]+$/.test(h)) throw new CommandError(`TCQ code type 2 content must be hex digits, not "${h}"`);
    hex = h.toUpperCase();
    bits = hex.length * 4;
  } else {
    let bytes: Uint8Array;
    if (q.data !== undefined) bytes = q.data;
    else if (q.text !== undefined) bytes = textBytes(q.text, q.codeType === 1 ? 0 : 2, o);
    else throw new CommandError("TCQ needs text or data");
    hex = "";
    for (let i = 0; i < bytes.length; i++) hex += HEXCH[bytes[i] >> 4] + HEXCH[bytes[i] & 15];
    bits = q.codeType === 1 ? messageBits(0, bytes) : bytes.length * 8;
  }
  if (hex.length === 0) throw new CommandError("TCQ message is empty");
  if (bits > BDS3_MESSAGE_BITS)
    throw new CommandError(`TCQ message is ${bits} bits; a BDS-3 short message holds at most ${BDS3_MESSAGE_BITS}`);
  const s = buildSentence("CCTCQ", [to, String(fp), q.ack ? "2" : "1", String(q.codeType), hex, String(freq)]);
  const maxLine = o.maxLine ?? 1024;
  if (s.length > maxLine)
    throw new CommandError(`TCQ sentence would be ${s.length} bytes; the terminal accepts at most ${maxLine}`);
  return s;
}
