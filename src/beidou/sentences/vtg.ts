// VTG — course and speed. `$--VTG,cogT,T,cogM,M,sogN,N,sogK,K[,mode]*hh`; the older form has no
// unit letters (`$--VTG,cogT,cogM,sogN,sogK`): told apart by field 2 being `T`.
//   1-2 course over ground, degrees, T   3-4 course over ground, degrees, M (magnetic)
//   5-6 speed over ground, knots, N   7-8 speed over ground, km/h, K   9 mode indicator (2.3+)
//   older form: 1 course true   2 course magnetic   3 speed, knots   4 speed, km/h

import type { Fields } from "../fields";
import { ch, n, type SentenceKind } from "../kind";
import type { FixTarget } from "../targets";

export class VTG {
  /** Degrees true / magnetic. */
  courseTrue = NaN;
  courseMagnetic = NaN;
  /** Knots and km/h. */
  speedKnots = NaN;
  speedKmh = NaN;
  mode = 0;
  /** True for the old form without unit letters. */
  legacy = false;
}

export const VTG_KIND: SentenceKind<VTG> = {
  kind: "VTG",
  group: "NAVD",
  create: () => new VTG(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FixTarget, v: VTG, _talker: number, _now: number): void {
    if (v.speedKnots === v.speedKnots) st.speedKnots = v.speedKnots;
    if (v.courseTrue === v.courseTrue) st.courseTrue = v.courseTrue;
  },
  decode(f: Fields, v: VTG, stateOnly = false): string | null {
    v.legacy = f.count < 8 && f.chars[2] !== 0x54;
    if (v.legacy) {
      if (f.count < 4) return "VTG needs 4 or 8 fields";
      v.courseTrue = f.nums[1];
      v.courseMagnetic = f.nums[2];
      v.speedKnots = f.nums[3];
      v.speedKmh = f.nums[4];
      v.mode = 0;
      return null;
    }
    if (f.count < 8) return "VTG needs at least 8 fields";
    v.courseTrue = f.nums[1];
    v.speedKnots = f.nums[5];
    // State-only (kind.ts): apply reads course and speed only.
    if (!stateOnly) {
      v.courseMagnetic = f.nums[3];
      v.speedKmh = f.nums[7];
      v.mode = f.letter(9);
    }
    if (v.speedKnots !== v.speedKnots && f.chars[5] !== 0) return "VTG speed malformed";
    return null;
  },
  json: (v) => ({
    courseTrue_deg: n(v.courseTrue),
    courseMagnetic_deg: n(v.courseMagnetic),
    speed_kn: n(v.speedKnots),
    speed_kmh: n(v.speedKmh),
    mode: ch(v.mode),
    legacyForm: v.legacy,
  }),
};
