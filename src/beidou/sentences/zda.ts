// ZDA — time and date (RNSS form). `$--ZDA,hhmmss.ss,dd,mm,yyyy,zh,zm*hh`.
//   1 UTC time hhmmss.ss   2 day 01-31   3 month 01-12   4 year (4 digits)
//   5 local zone hours -13..13   6 local zone minutes
// The RDSS terminal sends a different `$BDZDA` (zdardss.ts); the table tells them apart by field 1.

import type { Fields } from "../fields";
import { hms, n, type SentenceKind } from "../kind";
import type { FixTarget } from "../targets";

export class ZDA {
  time = NaN;
  day = NaN;
  month = NaN;
  year = NaN;
  /** Local zone hours (-13..13) and minutes; NaN when empty. */
  zoneHours = NaN;
  zoneMinutes = NaN;
}

/**
 * Time, date and zone from field `at` on (`hhmmss.ss,dd,mm,yyyy,zh,zm`): shared by the
 * RNSS form (at 1) and the RDSS form (at 2). Returns what is malformed, or null.
 */
export function decodeTimeDate(f: Fields, at: number, z: ZDA): string | null {
  z.time = f.times[at];
  z.day = f.ints[at + 1];
  z.month = f.ints[at + 2];
  z.year = f.ints[at + 3];
  z.zoneHours = f.ints[at + 4];
  z.zoneMinutes = f.ints[at + 5];
  if (z.time !== z.time && f.chars[at] !== 0) return "time malformed";
  if (f.chars[at + 1] !== 0 && !(z.day >= 1 && z.day <= 31)) return "day out of range";
  if (f.chars[at + 2] !== 0 && !(z.month >= 1 && z.month <= 12)) return "month out of range";
  return null;
}

export const ZDA_KIND: SentenceKind<ZDA> = {
  kind: "ZDA",
  group: "NAVD",
  create: () => new ZDA(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FixTarget, z: ZDA, _talker: number, _now: number): void {
    st.fixTime = z.time;
    st.fixYear = z.year;
    st.fixMonth = z.month;
    st.fixDay = z.day;
  },
  decode(f: Fields, z: ZDA): string | null {
    if (f.count < 4) return "ZDA needs at least 4 fields";
    const bad = decodeTimeDate(f, 1, z);
    if (bad) return "ZDA " + bad;
    if (f.chars[4] !== 0 && f.len(4) !== 4) return "ZDA year is not 4 digits";
    if (f.chars[5] !== 0 && !(z.zoneHours >= -13 && z.zoneHours <= 13)) return "ZDA zone hours out of range";
    return null;
  },
  json: (z) => ({
    time: hms(z.time),
    day: n(z.day),
    month: n(z.month),
    year: n(z.year),
    zoneHours: n(z.zoneHours),
    zoneMinutes: n(z.zoneMinutes),
  }),
};
