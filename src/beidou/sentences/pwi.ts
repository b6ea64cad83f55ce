// PWI — beams and power (BDS-3 RSMC, terminal -> host, every second): the BSI of BDS-3.
// `$BDPWI,hhmmss.ss,n2,{id,s1,s2}×n2,n3,{id,s1,s2,s3}×n3*hh` (the team's BDS-3 notes; docs/protocol.md).
//   1 UTC time hhmmss.ss (000000.00 = none)   2 n2, BDS-2 beam count
//   3+3k beam ID   4+3k signal 1   5+3k signal 2 (k = 0..n2-1)
//   then n3, BDS-3 beam count, and per beam: ID, signal 1, signal 2, signal 3
// n2 BDS-2 RDSS beams with two signal values each, n3 BDS-3 beams with three; time 000000.00 = none.
// The layout is from open code, not from GB/T 44086.2 (UNCONFIRMED): a count that runs past the
// fields is decoded as far as the fields go and marked as a deviation (counted), never rejected.

import type { Fields } from "../fields";
import { hms, type SentenceKind } from "../kind";
import type { Bds3Target } from "../targets";

/** Beams kept per family: 10 BDS-2 RDSS beams; BDS-3 beams as many as 64 fields can hold. */
export const PWI_BDS2_BEAMS = 10,
  PWI_BDS3_BEAMS = 15;

export class PWI {
  /** Seconds since midnight, NaN when empty or 000000.00 (no time yet). */
  time = NaN;
  /** Beams present (after clamping to the fields and the capacity). */
  count2 = 0;
  count3 = 0;
  /** Beam ids and signal values, flat: beam k at id[k], signal[2k..2k+1] (BDS-2) or [3k..3k+2] (BDS-3); -1 empty. */
  readonly id2 = new Int16Array(PWI_BDS2_BEAMS);
  readonly signal2 = new Int16Array(2 * PWI_BDS2_BEAMS);
  readonly id3 = new Int16Array(PWI_BDS3_BEAMS);
  readonly signal3 = new Int16Array(3 * PWI_BDS3_BEAMS);
  /** Null, or how the sentence differs from the notes' layout (decoded as far as known). */
  deviation: string | null = null;
}

// Constants: on XS an evaluated string literal is copied into a new chunk each time it runs.
const SHORT = "PWI beam count runs past the fields",
  TOO_MANY = "PWI more beams than kept",
  EXTRA = "PWI fields after the beams";

/** A signal value: -1 when empty or not a number (tolerated). */
function sig(v: number): number {
  return v === v ? v : -1;
}

export const PWI_KIND: SentenceKind<PWI> = {
  kind: "PWI",
  create: () => new PWI(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: Bds3Target, p: PWI, _talker: number, now: number): void {
    st.setPwiBeams(p, now);
  },
  decode(f: Fields, p: PWI): string | null {
    const c = f.count;
    if (c < 2) return "PWI needs at least 2 fields";
    const t = f.times[1];
    p.time = t === 0 ? NaN : t;
    if (t !== t && f.chars[1] !== 0) return "PWI time malformed";
    let dev: string | null = null;
    let n = f.ints[2];
    if (!(n >= 0 && n <= 99)) return "PWI BDS-2 beam count not a number";
    let k = 3;
    if (k + 3 * n > c + 1) {
      n = ((c + 1 - k) / 3) | 0;
      dev = SHORT;
    }
    if (n > PWI_BDS2_BEAMS) {
      n = PWI_BDS2_BEAMS;
      dev = TOO_MANY;
    }
    const ints = f.ints;
    for (let b = 0; b < n; b++, k += 3) {
      p.id2[b] = sig(ints[k]);
      p.signal2[2 * b] = sig(ints[k + 1]);
      p.signal2[2 * b + 1] = sig(ints[k + 2]);
    }
    p.count2 = n;
    if (dev === null) {
      n = k <= c ? ints[k] : 0; // absent n3: a BDS-2-only terminal (tolerated)
      if (!(n >= 0 && n <= 99)) return "PWI BDS-3 beam count not a number";
      k++;
      if (k + 4 * n > c + 1) {
        n = ((c + 1 - k) / 4) | 0;
        dev = SHORT;
      }
      if (n > PWI_BDS3_BEAMS) {
        n = PWI_BDS3_BEAMS;
        dev = TOO_MANY;
      }
      for (let b = 0; b < n; b++, k += 4) {
        p.id3[b] = sig(ints[k]);
        p.signal3[3 * b] = sig(ints[k + 1]);
        p.signal3[3 * b + 1] = sig(ints[k + 2]);
        p.signal3[3 * b + 2] = sig(ints[k + 3]);
      }
      p.count3 = n;
      if (dev === null && k <= c) dev = EXTRA;
    } else p.count3 = 0;
    p.deviation = dev;
    return null;
  },
  json: (p) => {
    const b2: Array<{ beam: number | null; signal: Array<number | null> }> = [];
    for (let b = 0; b < p.count2; b++)
      b2.push({ beam: nn(p.id2[b]), signal: [nn(p.signal2[2 * b]), nn(p.signal2[2 * b + 1])] });
    const b3: Array<{ beam: number | null; signal: Array<number | null> }> = [];
    for (let b = 0; b < p.count3; b++)
      b3.push({
        beam: nn(p.id3[b]),
        signal: [nn(p.signal3[3 * b]), nn(p.signal3[3 * b + 1]), nn(p.signal3[3 * b + 2])],
      });
    return { family: "bds3", time: hms(p.time), bds2Beams: b2, bds3Beams: b3, deviation: p.deviation ?? undefined };
  },
};

function nn(v: number): number | null {
  return v < 0 ? null : v;
}
