// ZDA, RDSS form — RDSS time output (terminal -> host) [S11]:
// `$BDZDA,mode,hhmmss.ss,dd,mm,yyyy,zh,zm,x,x,x,flag*hh`, e.g. `$BDZDA,3,000329.00,01,01,2006,-08,00,00,00,00,N*0F`.
//   1 mode (one digit)   2 UTC time hhmmss.ss   3 day   4 month   5 year (4 digits)
//   6 local zone hours   7 local zone minutes   8-10 numbers (UNCONFIRMED)   11 flag letter
// Fields beyond 2-7 are UNCONFIRMED (probably correction time/value); kept as numbers.
// Told apart from the RNSS ZDA by field 1: one digit here, hhmmss there.

import type { Fields } from "../fields";
import { ch, n, type SentenceKind } from "../kind";
import { decodeTimeDate, ZDA, ZDA_KIND } from "./zda";

/** The RNSS ZDA's fields, one field later, plus a mode before them and four after. */
export class ZDARDSS extends ZDA {
  mode = NaN;
  /** Fields 8-10, meaning UNCONFIRMED. */
  extra1 = NaN;
  extra2 = NaN;
  extra3 = NaN;
  flag = 0;
}

export const ZDA_RDSS_KIND: SentenceKind<ZDARDSS> = {
  kind: "ZDA-RDSS",
  group: "NAVD",
  create: () => new ZDARDSS(),
  decode(f: Fields, z: ZDARDSS): string | null {
    if (f.count < 5) return "RDSS ZDA needs at least 5 fields";
    z.mode = f.ints[1];
    const bad = decodeTimeDate(f, 2, z);
    z.extra1 = f.nums[8];
    z.extra2 = f.nums[9];
    z.extra3 = f.nums[10];
    z.flag = f.letter(11);
    return bad ? "RDSS ZDA " + bad : null;
  },
  json: (z, ctx) => ({
    form: "RDSS",
    mode: n(z.mode),
    ...ZDA_KIND.json(z, ctx),
    extra: [n(z.extra1), n(z.extra2), n(z.extra3)],
    flag: ch(z.flag),
  }),
};

/** Field 1 of the RDSS ZDA is a one-digit mode; the RNSS ZDA has hhmmss there. */
export function isRdssZda(f: Fields): boolean {
  return f.len(1) === 1;
}
