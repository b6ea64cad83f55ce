// ZDA — time and date (RNSS form). `$--ZDA,hhmmss.ss,dd,mm,yyyy,zh,zm*hh`.
// The RDSS terminal sends a different `$BDZDA` (zdardss.ts); the table tells them apart by field 1.

import type { Fields } from "../fields";
import { SentenceKind, n, hms } from "../kind";

export class ZDA {
  time = NaN;
  day = NaN;
  month = NaN;
  year = NaN;
  /** Local zone hours (-13..13) and minutes; NaN when empty. */
  zoneHours = NaN;
  zoneMinutes = NaN;
}

export const ZDA_KIND: SentenceKind<ZDA> = {
  kind: "ZDA",
  formatter: "ZDA",
  create: () => new ZDA(),
  decode(f: Fields, z: ZDA): string | null {
    if (f.count < 4) return "ZDA needs at least 4 fields";
    z.time = f.time(1);
    z.day = f.int(2);
    z.month = f.int(3);
    z.year = f.int(4);
    z.zoneHours = f.int(5);
    z.zoneMinutes = f.int(6);
    if (!f.empty(1) && z.time !== z.time) return "ZDA time malformed";
    if (!f.empty(2) && !(z.day >= 1 && z.day <= 31)) return "ZDA day out of range";
    if (!f.empty(3) && !(z.month >= 1 && z.month <= 12)) return "ZDA month out of range";
    if (!f.empty(4) && f.len(4) !== 4) return "ZDA year is not 4 digits";
    if (!f.empty(5) && !(z.zoneHours >= -13 && z.zoneHours <= 13)) return "ZDA zone hours out of range";
    return null;
  },
  json: (z) => ({ time: hms(z.time), day: n(z.day), month: n(z.month), year: n(z.year), zoneHours: n(z.zoneHours), zoneMinutes: n(z.zoneMinutes) }),
};
