// TCI — received short message (BDS-3 RSMC, terminal -> host): the TXR of BDS-3.
// `$BDTCI,sender,receiver,frequencyPoint,hhmmss,codeType,flag,data*hh`
//   1 sender address (7 digits)   2 receiver address (7 digits)   3 frequency point 1-5 (Lf0-Lf4, UNCONFIRMED)
//   4 UTC time hhmmss   5 code type 1-5   6 flag   7 data (to the checksum)
// codeType: 1 Chinese (GB2312), 2 code (hex), 3 mixed, 4 compressed Chinese, 5 compressed code.
// The data is the last field (raw text may carry commas). What the data field holds per code
// type is UNCONFIRMED: hex is read as hex, anything else as the bytes sent (tcqContent); the
// message lands in the same content model as TXR (content.ts: GB2312, code/hex, mixed).
// Field order differs between implementations (sender and receiver the other way round): both
// are 7-digit addresses, and the device state, which knows the own card, swaps them when the
// receiver is not the own card but the sender is. Either oddity is a counted deviation, never
// a reject.

import type { Fields } from "../fields";
import { addr7, hms, n, type SentenceKind } from "../kind";
import type { Bds3Target } from "../targets";
import { Content, contentJson, contentText, decodeContent, MODE_CHINESE, MODE_CODE, MODE_MIXED } from "./content";

/** Longest BDS-3 message in bytes: 14,000 bits (regional short message). */
export const BDS3_CONTENT_MAX = 1750;

/** Code types (field 5). */
export const CODE_CHINESE = 1,
  CODE_HEX = 2,
  CODE_MIXED = 3;

export class TCI {
  senderId = NaN;
  receiverId = NaN;
  /** 1-5 = Lf0-Lf4 (UNCONFIRMED). */
  frequencyPoint = NaN;
  /** Seconds since midnight. */
  time = NaN;
  codeType = NaN;
  flag = NaN;
  /** The TXR transfer mode the content was read in (0 Chinese, 1 code, 2 mixed): one content model. */
  mode = NaN;
  readonly content = new Content(BDS3_CONTENT_MAX);
  deviation: string | null = null;
}

const NOT_ADDRESSES = "TCI sender/receiver not 7-digit addresses";

/** A 7-digit user address in field i. */
function address7(f: Fields, i: number): boolean {
  return f.len(i) === 7 && f.digits(i);
}

/**
 * Read a BDS-3 data field (TCI, TCQ) of code type `codeType` into `c`; returns the TXR mode it
 * was read in, or -1 with `c` holding the error in `error`. Chinese and compressed types come as
 * hex on the terminals seen (UNCONFIRMED): all-hex data is read as hex, other data as the bytes
 * sent (raw GB2312, like TXR Chinese mode). Mixed data starting "A4" is read like TXR mixed mode.
 */
export function tcqContent(f: Fields, i: number, codeType: number, c: Content): number {
  let mode = MODE_CODE;
  if (codeType === CODE_MIXED && f.len(i) >= 2 && f.at(i, 0) === 0x41 && f.at(i, 1) === 0x34) mode = MODE_MIXED;
  else if (codeType === CODE_CHINESE) {
    mode = MODE_CHINESE;
    // Hex when every byte to the body end is a hex digit and the count is even.
    const b = f.bytes;
    const a = f.start[i],
      e = f.bodyEnd;
    let hex = e > a && ((e - a) & 1) === 0;
    for (let k = a; hex && k < e; k++) {
      const x = b[k];
      hex = (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x46) || (x >= 0x61 && x <= 0x66);
    }
    if (hex) mode = MODE_CODE;
  }
  contentError = decodeContent(f, i, mode, c);
  return codeType === CODE_CHINESE ? MODE_CHINESE : mode;
}

/** The error of the last tcqContent call (null when none): a module variable, no allocation. */
export let contentError: string | null = null;

export const TCI_KIND: SentenceKind<TCI> = {
  kind: "TCI",
  group: "RCOM",
  textField: 7,
  create: () => new TCI(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: Bds3Target, t: TCI, _talker: number, now: number): void {
    st.tciMessage(t, now);
  },
  decode(f: Fields, t: TCI): string | null {
    if (f.count < 7) return "TCI needs 7 fields";
    // Not 7-digit addresses (a terminal that trims leading zeros, or another layout): read
    // what is digits, count the deviation, keep the message.
    t.deviation = address7(f, 1) && address7(f, 2) ? null : NOT_ADDRESSES;
    t.senderId = f.digits(1) ? f.ints[1] : NaN;
    t.receiverId = f.digits(2) ? f.ints[2] : NaN;
    t.frequencyPoint = f.ints[3];
    t.time = f.times[4];
    t.codeType = f.ints[5];
    t.flag = f.ints[6];
    if (!(t.codeType >= 1 && t.codeType <= 5)) return "TCI code type not 1-5";
    t.mode = tcqContent(f, 7, t.codeType, t.content);
    return contentError;
  },
  json: (t, ctx) => ({
    family: "bds3",
    from: addr7(t.senderId),
    to: addr7(t.receiverId),
    frequencyPoint: n(t.frequencyPoint),
    time: hms(t.time),
    codeType: n(t.codeType),
    flag: n(t.flag),
    mode: n(t.mode),
    ...contentJson(t.content),
    positionReport: t.content.positionReport,
    // Compressed types: the compression is not public, so no text.
    text: t.codeType >= 4 ? null : (contentText(t.content, ctx.decodeText) ?? null),
    deviation: t.deviation ?? undefined,
  }),
};
