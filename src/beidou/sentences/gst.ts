// GST — pseudorange noise statistics. `$--GST,hhmmss.ss,rms,smaj,smin,orient,σlat,σlon,σalt*hh`
//   1 UTC time hhmmss.ss   2 RMS of the pseudorange residuals, m
//   3 error ellipse semi-major axis, m (1 sigma)   4 semi-minor axis, m   5 orientation of the semi-major axis, degrees true
//   6 latitude error, m (1 sigma)   7 longitude error, m (1 sigma)   8 altitude error, m (1 sigma)

import type { Fields } from "../fields";
import { hms, n, type SentenceKind } from "../kind";

export class GST {
  time = NaN;
  /** RMS of the pseudorange residuals, metres. */
  rms = NaN;
  /** Error ellipse semi-major / semi-minor axis (1σ), metres; orientation degrees true. */
  semiMajor = NaN;
  semiMinor = NaN;
  orientation = NaN;
  /** 1σ errors, metres. */
  sigmaLatitude = NaN;
  sigmaLongitude = NaN;
  sigmaAltitude = NaN;
}

export const GST_KIND: SentenceKind<GST> = {
  kind: "GST",
  group: "NAVD",
  create: () => new GST(),
  decode(f: Fields, g: GST): string | null {
    if (f.count < 8) return "GST needs 8 fields";
    g.time = f.times[1];
    g.rms = f.nums[2];
    g.semiMajor = f.nums[3];
    g.semiMinor = f.nums[4];
    g.orientation = f.nums[5];
    g.sigmaLatitude = f.nums[6];
    g.sigmaLongitude = f.nums[7];
    g.sigmaAltitude = f.nums[8];
    if (g.time !== g.time && f.chars[1] !== 0) return "GST time malformed";
    return null;
  },
  json: (g) => ({
    time: hms(g.time),
    rms_m: n(g.rms),
    semiMajor_m: n(g.semiMajor),
    semiMinor_m: n(g.semiMinor),
    orientation_deg: n(g.orientation),
    sigmaLat_m: n(g.sigmaLatitude),
    sigmaLon_m: n(g.sigmaLongitude),
    sigmaAlt_m: n(g.sigmaAltitude),
  }),
};
