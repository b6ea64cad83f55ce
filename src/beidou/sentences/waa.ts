// WAA — position report 1 (RDSS 2.1, both directions; `$CCWAA` is the command to send one):
// `$xxWAA,infoType,freq,userId,hhmmss.ss,lat,N/S,lon,E/W,h,M*hh`
//   1 information type: 0 report received by this terminal (3 = sender), 1 sent (3 = destination)
//   2 report interval, s (empty for received reports)   3 user address (7 digits)
//   4 UTC time hhmmss.ss    5-6 latitude, N/S    7-8 longitude, E/W
//   9 height               10 unit, M

import { buildSentence, CommandError, coordField, exactFields, numberField, timeField, userAddress } from "../command";
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
  reencode(w: WAA, f: Fields): Uint8Array {
    exactFields(f, 10, "WAA");
    if (w.infoType !== 1 || f.str(10) !== "M")
      throw new CommandError("WAA: only position report type 1 in metres is supported");
    return encodeWAA({
      interval: w.frequency,
      to: f.str(3),
      time: w.time,
      latitude: w.latitude,
      longitude: w.longitude,
      height: w.height,
    });
  },
};

export interface WaaRequest {
  /** Report interval, seconds (0 = once). */
  interval: number;
  to: number | string;
  /** UTC seconds since midnight. */
  time: number;
  latitude: number;
  longitude: number;
  /** Metres. */
  height: number;
}

/** `$CCWAA,1,freq,dest,hhmmss.ss,lat,N/S,lon,E/W,h,M` — send own position (position report 1). */
export function encodeWAA(q: WaaRequest): Uint8Array {
  const [lat, ns] = coordField(q.latitude, false);
  const [lon, ew] = coordField(q.longitude, true);
  return buildSentence("CCWAA", [
    "1",
    numberField(q.interval, "WAA report interval (s)", 0, 65535, 0),
    userAddress(q.to, "WAA destination"),
    timeField(q.time),
    lat,
    ns,
    lon,
    ew,
    numberField(q.height, "WAA height (m)", -9999, 99999, 1),
    "M",
  ]);
}
