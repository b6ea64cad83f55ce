// TXR — received short message (RDSS 2.1, terminal -> host).
// `$BDTXR,infoType,senderId,mode,sendTime,content*hh`
//   1 information type 1-5   2 sender address (digits)   3 transfer mode: 0 Chinese, 1 code, 2 mixed
//   4 send time hhmm   5 content (content.ts; free text to the checksum)
// infoType: 1 normal, 2 express, 3 broadcast, 4 latest-stored query result, 5 query-by-sender result.
// sendTime `hhmm`: empty for types 1-3 (BDS-3 terminals fill it anyway).

import { pad2 } from "../../core/helpers";
import type { Fields } from "../fields";
import { addr7, n, type SentenceKind } from "../kind";
import type { MessageTarget } from "../targets";
import { Content, contentJson, contentText, decodeContent } from "./content";

export class TXR {
  infoType = NaN;
  senderId = NaN;
  /** Transfer mode: 0 Chinese, 1 code, 2 mixed. */
  mode = NaN;
  /** hhmm as minutes since midnight, NaN when empty. */
  sendTime = NaN;
  readonly content = new Content();
}

export function hhmm(f: Fields, i: number): number {
  if (f.empty(i)) return NaN;
  if (f.len(i) !== 4 || !f.digits(i)) return -1;
  const v = f.int(i);
  const h = Math.floor(v / 100),
    m = v % 100;
  return h > 23 || m > 59 ? -1 : h * 60 + m;
}

export function hhmmString(v: number): string | null {
  return v === v ? pad2(Math.floor(v / 60)) + ":" + pad2(v % 60) : null;
}

export const TXR_KIND: SentenceKind<TXR> = {
  kind: "TXR",
  group: "RCOM",
  textField: 5,
  create: () => new TXR(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: MessageTarget, x: TXR, _talker: number, now: number): void {
    st.message(x.senderId, x.infoType, x.mode, x.content, now);
  },
  decode(f: Fields, t: TXR): string | null {
    if (f.count < 5) return "TXR needs 5 fields";
    t.infoType = f.ints[1];
    if (!(t.infoType >= 1 && t.infoType <= 5)) return "TXR information type not 1-5";
    if (!f.digits(2)) return "TXR sender address not digits";
    t.senderId = f.ints[2];
    t.mode = f.ints[3];
    t.sendTime = hhmm(f, 4);
    if (t.sendTime < 0) return "TXR send time not hhmm";
    return decodeContent(f, 5, t.mode, t.content);
  },
  json: (t, ctx) => ({
    infoType: n(t.infoType),
    from: addr7(t.senderId),
    mode: n(t.mode),
    sendTime: hhmmString(t.sendTime),
    ...contentJson(t.content),
    positionReport: t.content.positionReport,
    text: contentText(t.content, ctx.decodeText) ?? null,
  }),
};
