// GLL — geographic position. `$--GLL,llll.ll,a,yyyyy.yy,a,hhmmss.ss,A[,mode]*hh`
//   1-2 latitude ddmm.mm, N/S   3-4 longitude dddmm.mm, E/W   5 UTC time hhmmss.ss
//   6 status: A valid, V invalid   7 mode indicator (NMEA 2.3+)

import type { Fields } from "../fields";
import { ch, hms, Located, locatedError, locatedReasons, r, type SentenceKind } from "../kind";
import type { FixTarget } from "../targets";

export class GLL extends Located {
  /** 'A' valid, 'V' not valid. */
  status = 0;
  mode = 0;
}

const MALFORMED = locatedReasons("GLL");

export const GLL_KIND: SentenceKind<GLL> = {
  kind: "GLL",
  group: "NAVD",
  create: () => new GLL(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FixTarget, g: GLL, _talker: number, now: number): void {
    if (g.status === 0x41 && g.latitude === g.latitude) st.position(g.latitude, g.longitude, now);
  },
  decode(f: Fields, g: GLL): string | null {
    if (f.count < 6) return "GLL needs at least 6 fields";
    g.latitude = f.lats[1];
    g.longitude = f.lons[3];
    g.time = f.times[5];
    g.status = f.chars[6];
    g.mode = f.letter(7);
    return g.time !== g.time || g.latitude !== g.latitude || g.longitude !== g.longitude
      ? locatedError(f, 5, 1, MALFORMED)
      : null;
  },
  json: (g) => ({
    lat: r(g.latitude, 8),
    lon: r(g.longitude, 8),
    time: hms(g.time),
    positionValid: g.status === 0x41,
    status: ch(g.status),
    mode: ch(g.mode),
  }),
};
