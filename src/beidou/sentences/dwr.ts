// DWR — RDSS position result (terminal -> host).
// `$BDDWR,type,userId,hhmmss.ss,lat,N/S,lon,E/W,h,M,anomaly,M,prec,urgent,multi,hType*hh`
//   1 position type: 1 own fix, 2/3 other / subordinate user (UNCONFIRMED)
//   2 user address (7 digits)         3 UTC time hhmmss.ss
//   4-5 latitude ddmm.mmmm, N/S       6-7 longitude dddmm.mmmm, E/W
//   8-9 geodetic height, M (metres)   10-11 height anomaly, M (metres)
//   12 precision indication 0/1      13 urgent: A urgent, V normal
//   14 multi-value solution: A yes, V no   15 height type: H high altitude, L normal

import type { Fields } from "../fields";
import { addr7, ch, Located, locatedError, locatedJson, locatedReasons, n, type SentenceKind } from "../kind";
import type { RdssFixTarget } from "../targets";

export class DWR extends Located {
  positionType = NaN;
  userId = NaN;
  /** Geodetic height and height anomaly, metres. */
  height = NaN;
  heightAnomaly = NaN;
  /** Precision indication 0/1. */
  precision = NaN;
  /** 'A' urgent, 'V' normal. */
  urgent = 0;
  /** 'A' multi-value solution, 'V' not. */
  multiValue = 0;
  /** 'H' high-altitude user, 'L' normal. */
  heightType = 0;
}

const MALFORMED = locatedReasons("DWR");

export const DWR_KIND: SentenceKind<DWR> = {
  kind: "DWR",
  group: "NAVD",
  create: () => new DWR(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: RdssFixTarget, w: DWR, _talker: number, now: number): void {
    st.rdssUser = w.userId;
    st.rdssTime = w.time;
    st.rdssLatitude = w.latitude;
    st.rdssLongitude = w.longitude;
    st.rdssHeight = w.height;
    st.rdssAt = now;
  },
  decode(f: Fields, d: DWR): string | null {
    if (f.count < 11) return "DWR needs at least 11 fields";
    d.positionType = f.ints[1];
    if (!f.digits(2)) return "DWR user address not digits";
    d.userId = f.ints[2];
    d.time = f.times[3];
    d.latitude = f.lats[4];
    d.longitude = f.lons[6];
    d.height = f.nums[8];
    d.heightAnomaly = f.nums[10];
    d.precision = f.ints[12];
    d.urgent = f.chars[13];
    d.multiValue = f.chars[14];
    d.heightType = f.chars[15];
    return d.time !== d.time || d.latitude !== d.latitude || d.longitude !== d.longitude
      ? locatedError(f, 3, 4, MALFORMED)
      : null;
  },
  json: (d) => ({
    positionType: n(d.positionType),
    card: addr7(d.userId),
    ...locatedJson(d),
    height_m: n(d.height),
    heightAnomaly_m: n(d.heightAnomaly),
    precision: n(d.precision),
    urgent: d.urgent === 0x41,
    multiValue: d.multiValue === 0x41,
    heightType: ch(d.heightType),
  }),
};
