// TCQ — send a short message (BDS-3 RSMC, host -> terminal): the TXA of BDS-3.
// `$CCTCQ,destination,frequencyPoint,inboundAck,codeType,data,sendFrequency*hh`
// frequencyPoint 1-5 (Lf0-Lf4), inboundAck 1 no / 2 yes, codeType 1-5 as TCI, sendFrequency
// 0 = once. The data field is not the last one: it cannot carry raw commas.

import type { Fields } from "../fields";
import { addr7, n, type SentenceKind } from "../kind";
import { Content, contentJson, contentText } from "./content";
import { BDS3_CONTENT_MAX, contentError, tcqContent } from "./tci";

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
};
