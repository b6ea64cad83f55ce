// ICR — BDS-3 card query (host -> terminal), answered by ICP: `$CCICR,type,reserved`
//   1 type       0 own IC card, 1 group, 2 subordinate users, 3 IC module mode
//   2 reserved   "00"
// Field meanings past the card are UNCONFIRMED (the team's BDS-3 terminal notes, summed up in docs/protocol.md): numbers are
// checked as numbers, nothing more. Decoded for the simulator and the tests; the encoder is what the
// console, the start-up and the network translation use.

import { buildSentence, exactFields, intIn } from "../command";
import type { Fields } from "../fields";
import { n, type SentenceKind } from "../kind";

export class ICR {
  type = NaN;
}

export const ICR_KIND: SentenceKind<ICR> = {
  kind: "ICR",
  create: () => new ICR(),
  decode(f: Fields, c: ICR): string | null {
    if (f.count < 1) return "ICR needs a query type";
    c.type = f.ints[1];
    if (!(c.type >= 0 && c.type <= 3)) return "ICR query type not 0-3";
    return null;
  },
  json: (c) => ({ family: "bds3", type: n(c.type) }),
  reencode(c: ICR, f: Fields): Uint8Array {
    exactFields(f, 2, "ICR");
    return encodeICR(c.type);
  },
};

/** `$CCICR,type,00` — BDS-3 card query; type 0 own IC card, 1 group, 2 subordinate users, 3 IC module mode. */
export function encodeICR(type = 0): Uint8Array {
  intIn(type, 0, 3, "ICR query type");
  return buildSentence("CCICR", [String(type), "00"]);
}
