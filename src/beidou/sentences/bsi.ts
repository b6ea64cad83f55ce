// BSI — beam status (RDSS 2.1, terminal -> host). `$BDBSI,respBeam,tdBeam,p1,...,p10*hh`
// Powers 0 (none/weakest) .. 4 (strongest); 2.1 reports 10 beams (4.0's GLZK had 6).
//   1 response beam 1-10 (0/empty: none)
//   2 time-difference beam 1-10 (0/empty: none)
//   3-12 power of beams 1-10, 0-4 (empty: not reported)

import type { Fields } from "../fields";
import { n, type SentenceKind } from "../kind";
import type { BeamTarget } from "../targets";

export const BEAMS = 10;

/** The first `count` beam powers as JSON (empty fields: null); BSI and ZTI. */
export function beamsJson(power: Int8Array, count: number): Array<number | null> {
  return Array.from(power.subarray(0, count), (p) => (p < 0 ? null : p));
}

export class BSI {
  /** Response beam and time-difference beam, 1-10 (0 none). */
  responseBeam = NaN;
  timeDifferenceBeam = NaN;
  /** Power per beam, -1 when the field is empty. */
  readonly power = new Int8Array(BEAMS);
}

export const BSI_KIND: SentenceKind<BSI> = {
  kind: "BSI",
  create: () => new BSI(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: BeamTarget, b: BSI, _talker: number, now: number): void {
    st.responseBeam = b.responseBeam;
    st.timeDifferenceBeam = b.timeDifferenceBeam;
    st.setBeams(b.power, BEAMS, now);
  },
  decode(f: Fields, b: BSI): string | null {
    if (f.count < 2 + BEAMS) return "BSI needs 12 fields";
    b.responseBeam = f.ints[1];
    b.timeDifferenceBeam = f.ints[2];
    for (let k = 0; k < BEAMS; k++) {
      if (f.empty(3 + k)) {
        b.power[k] = -1;
        continue;
      }
      const p = f.int(3 + k);
      if (!(p >= 0 && p <= 4)) return "BSI beam power not 0-4";
      b.power[k] = p;
    }
    if (f.chars[1] !== 0 && !(b.responseBeam >= 0 && b.responseBeam <= 10)) return "BSI response beam not 0-10";
    if (f.chars[2] !== 0 && !(b.timeDifferenceBeam >= 0 && b.timeDifferenceBeam <= 10))
      return "BSI time-difference beam not 0-10";
    return null;
  },
  json: (b) => ({
    responseBeam: n(b.responseBeam),
    timeDifferenceBeam: n(b.timeDifferenceBeam),
    beams: beamsJson(b.power, BEAMS),
  }),
};
