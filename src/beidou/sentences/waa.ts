// WAA — position report 1 (both directions). `$xxWAA,infoType,freq,userId,hhmmss.ss,lat,N/S,lon,E/W,h,M*hh`
// infoType 0 = report received by this terminal (userId = sender), 1 = sent (userId = destination).

import type { Fields } from "../fields";
import { addr7, Located, locatedError, locatedJson, locatedReasons, n, type SentenceKind } from "../kind";
import type { StatusTarget } from "../targets";

export class WAA extends Located {
  infoType = NaN;
  /** Report interval, seconds (empty for received reports). */
  frequency = NaN;
  userId = NaN;
  /** Metres. */
  height = NaN;
}

const MALFORMED = locatedReasons("WAA");

export const WAA_KIND: SentenceKind<WAA> = {
  kind: "WAA",
  group: "NAVD",
  create: () => new WAA(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: StatusTarget, w: WAA, _talker: number, _now: number): void {
    if (w.infoType === 0)
      st.event(
        "rdss.position",
        `position report from ${addr7(w.userId)}: ${w.latitude.toFixed(5)}, ${w.longitude.toFixed(5)}`,
      );
  },
  decode(f: Fields, w: WAA): string | null {
    if (f.count < 9) return "WAA needs at least 9 fields";
    w.infoType = f.ints[1];
    if (w.infoType !== 0 && w.infoType !== 1) return "WAA information type not 0/1";
    w.frequency = f.nums[2];
    if (!f.digits(3)) return "WAA user address not digits";
    w.userId = f.ints[3];
    w.time = f.times[4];
    w.latitude = f.lats[5];
    w.longitude = f.lons[7];
    w.height = f.nums[9];
    return w.time !== w.time || w.latitude !== w.latitude || w.longitude !== w.longitude
      ? locatedError(f, 4, 5, MALFORMED)
      : null;
  },
  json: (w) => ({
    infoType: n(w.infoType),
    received: w.infoType === 0,
    interval_s: n(w.frequency),
    card: addr7(w.userId),
    ...locatedJson(w),
    height_m: n(w.height),
  }),
};
