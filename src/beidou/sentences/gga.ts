// GGA — GNSS fix data. `$--GGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,q,nn,h.h,a.a,M,g.g,M,age,sta*hh`
//   1 UTC time hhmmss.ss       2-3 latitude ddmm.mm, N/S     4-5 longitude dddmm.mm, E/W
//   6 quality indicator (GGA.quality)   7 satellites used   8 HDOP
//   9-10 antenna altitude above MSL, M (metres)   11-12 geoid separation, M (metres)
//   13 age of differential data, s   14 differential reference station ID

import type { Fields } from "../fields";
import { Located, locatedError, locatedJson, locatedReasons, n, type SentenceKind } from "../kind";
import type { FixTarget } from "../targets";

/** The fix data GGA and GNS share (gns.ts). */
export class Fix extends Located {
  satellitesUsed = NaN;
  hdop = NaN;
  /** Antenna altitude above mean sea level, metres. */
  altitude = NaN;
  /** Geoid separation, metres. */
  geoidSeparation = NaN;
  /** Age of differential data, seconds. */
  dgpsAge = NaN;
  dgpsStation = NaN;
}

/** The shared fix data as JSON (GGA and GNS). */
export function fixJson(g: Fix): Record<string, number | null> {
  return {
    satellitesUsed: n(g.satellitesUsed),
    hdop: n(g.hdop),
    altitude_m: n(g.altitude),
    geoidSeparation_m: n(g.geoidSeparation),
    dgpsAge_s: n(g.dgpsAge),
    dgpsStation: n(g.dgpsStation),
  };
}

export class GGA extends Fix {
  /** 0 invalid, 1 GNSS, 2 DGNSS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning, 7 manual, 8 simulation. */
  quality = NaN;
}

const MALFORMED = locatedReasons("GGA");

export const GGA_KIND: SentenceKind<GGA> = {
  kind: "GGA",
  group: "NAVD",
  create: () => new GGA(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FixTarget, g: GGA, _talker: number, now: number): void {
    st.fixTime = g.time;
    st.quality = g.quality;
    st.hdop = g.hdop;
    st.altitude = g.altitude;
    st.satellitesUsedTotal = g.satellitesUsed;
    if (g.quality > 0 && g.latitude === g.latitude) st.position(g.latitude, g.longitude, now);
    else st.fixAt = now;
  },
  decode(f: Fields, g: GGA, stateOnly = false): string | null {
    if (f.count < 9) return "GGA needs at least 9 fields";
    g.time = f.times[1];
    g.latitude = f.lats[2];
    g.longitude = f.lons[4];
    g.quality = f.ints[6];
    g.satellitesUsed = f.ints[7];
    g.hdop = f.nums[8];
    g.altitude = f.nums[9];
    // State-only (kind.ts): apply reads none of these.
    if (!stateOnly) {
      g.geoidSeparation = f.nums[11];
      g.dgpsAge = f.nums[13];
      g.dgpsStation = f.ints[14];
    }
    const bad =
      g.time !== g.time || g.latitude !== g.latitude || g.longitude !== g.longitude
        ? locatedError(f, 1, 2, MALFORMED)
        : null;
    if (bad) return bad;
    if (f.chars[6] !== 0 && !(g.quality >= 0 && g.quality <= 9)) return "GGA quality malformed";
    return null;
  },
  json: (g) => ({ ...locatedJson(g), quality: n(g.quality), ...fixJson(g) }),
};
