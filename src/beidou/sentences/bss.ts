// BSS — beam setting (RDSS 2.1, host -> terminal): `$CCBSS,resp,td*hh`
//   1 response beam 1-10 (empty: automatic)
//   2 time-difference beam 1-10 (empty: automatic)

import { buildSentence, exactFields, intIn, optional } from "../command";
import type { Fields } from "../fields";
import { n, type SentenceKind } from "../kind";

export class BSS {
  /** Response and time-difference beam, 1-10; NaN = automatic (empty field). */
  responseBeam = NaN;
  timeDifferenceBeam = NaN;
}

export const BSS_KIND: SentenceKind<BSS> = {
  kind: "BSS",
  create: () => new BSS(),
  decode(f: Fields, b: BSS): string | null {
    if (f.count < 2) return "BSS needs 2 fields";
    b.responseBeam = f.ints[1];
    b.timeDifferenceBeam = f.ints[2];
    if (f.chars[1] !== 0 && !(b.responseBeam >= 0 && b.responseBeam <= 10)) return "BSS beam not 0-10";
    if (f.chars[2] !== 0 && !(b.timeDifferenceBeam >= 0 && b.timeDifferenceBeam <= 10)) return "BSS beam not 0-10";
    return null;
  },
  json: (b) => ({ responseBeam: n(b.responseBeam), timeDifferenceBeam: n(b.timeDifferenceBeam) }),
  reencode(b: BSS, f: Fields): Uint8Array {
    exactFields(f, 2, "BSS");
    return encodeBSS(optional(b.responseBeam) ?? null, optional(b.timeDifferenceBeam) ?? null);
  },
};

/** `$CCBSS,resp,td` — response / time-difference beam 1-10; null or undefined = automatic. */
export function encodeBSS(responseBeam?: number | null, timeDifferenceBeam?: number | null): Uint8Array {
  const b = (v: number | null | undefined, what: string) =>
    v === null || v === undefined ? "" : String(intIn(v, 0, 10, what)).padStart(2, "0");
  return buildSentence("CCBSS", [
    b(responseBeam, "BSS response beam"),
    b(timeDifferenceBeam, "BSS time-difference beam"),
  ]);
}
