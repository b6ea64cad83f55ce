// GBS — GNSS satellite fault detection (RAIM). `$--GBS,hhmmss.ss,errLat,errLon,errAlt,svid,prob,bias,stddev[,sysid,sigid]*hh`
//   1 UTC time hhmmss.ss     2 expected latitude error, m    3 expected longitude error, m
//   4 expected altitude error, m   5 ID of the most likely failed satellite
//   6 probability of missed detection   7 bias estimate of that satellite, m
//   8 standard deviation of the bias, m   9 system ID (4.11)   10 signal ID (4.11)

import type { Fields } from "../fields";
import { hms, n, type SentenceKind } from "../kind";

export class GBS {
  time = NaN;
  /** Expected 1σ errors, metres. */
  errorLatitude = NaN;
  errorLongitude = NaN;
  errorAltitude = NaN;
  /** Most likely failed satellite. */
  failedSatellite = NaN;
  probability = NaN;
  /** Estimated bias on that satellite and its standard deviation, metres. */
  bias = NaN;
  biasStdDev = NaN;
  systemId = NaN;
  signalId = NaN;
}

export const GBS_KIND: SentenceKind<GBS> = {
  kind: "GBS",
  group: "NAVD",
  create: () => new GBS(),
  decode(f: Fields, g: GBS): string | null {
    if (f.count < 8) return "GBS needs at least 8 fields";
    g.time = f.times[1];
    g.errorLatitude = f.nums[2];
    g.errorLongitude = f.nums[3];
    g.errorAltitude = f.nums[4];
    g.failedSatellite = f.ints[5];
    g.probability = f.nums[6];
    g.bias = f.nums[7];
    g.biasStdDev = f.nums[8];
    g.systemId = f.hex(9);
    g.signalId = f.hex(10);
    if (g.time !== g.time && f.chars[1] !== 0) return "GBS time malformed";
    return null;
  },
  json: (g) => ({
    time: hms(g.time),
    errorLat_m: n(g.errorLatitude),
    errorLon_m: n(g.errorLongitude),
    errorAlt_m: n(g.errorAltitude),
    failedSatellite: n(g.failedSatellite),
    probability: n(g.probability),
    bias_m: n(g.bias),
    biasStdDev_m: n(g.biasStdDev),
    systemId: n(g.systemId),
    signalId: n(g.signalId),
  }),
};
