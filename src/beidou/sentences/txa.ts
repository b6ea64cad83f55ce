// TXA — send a short message (RDSS 2.1, host -> terminal). `$CCTXA,destId,commType,mode,content*hh`
// commType 0 express/urgent, 1 normal; content as TXR (content.ts).

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
};
