// GNS — GNSS fix data. `$--GNS,hhmmss.ss,lat,N,lon,E,mode,nsat,HDOP,alt,geoidsep,age,refid[,navstatus]*hh`
// The mode field has one letter per constellation: GPS, GLONASS, Galileo, BDS, QZSS, NavIC.
//   1 UTC time hhmmss.ss       2-3 latitude ddmm.mm, N/S     4-5 longitude dddmm.mm, E/W
//   6 mode letters (one per constellation)   7 satellites used   8 HDOP
//   9 antenna altitude above MSL, m   10 geoid separation, m   11 age of differential data, s
//   12 differential reference station ID   13 navigational status (4.10)

import type { Fields } from "../fields";
import { ch, locatedError, locatedJson, locatedReasons, type SentenceKind } from "../kind";
import type { FixTarget } from "../targets";
import { Fix, fixJson } from "./gga";

export class GNS extends Fix {
  /** Mode letters packed one per byte, index 0 = GPS; modeLength letters. */
  readonly mode = new Uint8Array(8);
  modeLength = 0;
  navStatus = 0;
}

const MALFORMED = locatedReasons("GNS");

export const GNS_KIND: SentenceKind<GNS> = {
  kind: "GNS",
  group: "NAVD",
  create: () => new GNS(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FixTarget, g: GNS, _talker: number, now: number): void {
    if (g.latitude === g.latitude && g.modeLength > 0 && g.mode[0] !== 0x4e) st.position(g.latitude, g.longitude, now);
  },
  decode(f: Fields, g: GNS, stateOnly = false): string | null {
    if (f.count < 12) return "GNS needs at least 12 fields";
    g.time = f.times[1];
    g.latitude = f.lats[2];
    g.longitude = f.lons[4];
    const ml = f.len(6);
    if (ml > 8) return "GNS mode field too long";
    g.modeLength = ml;
    // State-only (kind.ts): apply reads the position and the first mode letter only.
    if (stateOnly) {
      if (ml > 0) g.mode[0] = f.at(6, 0);
    } else {
      for (let k = 0; k < ml; k++) g.mode[k] = f.at(6, k);
      g.satellitesUsed = f.ints[7];
      g.hdop = f.nums[8];
      g.altitude = f.nums[9];
      g.geoidSeparation = f.nums[10];
      g.dgpsAge = f.nums[11];
      g.dgpsStation = f.ints[12];
      g.navStatus = f.letter(13);
    }
    return g.time !== g.time || g.latitude !== g.latitude || g.longitude !== g.longitude
      ? locatedError(f, 1, 2, MALFORMED)
      : null;
  },
  json: (g) => {
    let mode = "";
    for (let k = 0; k < g.modeLength; k++) mode += String.fromCharCode(g.mode[k]);
    return {
      ...locatedJson(g),
      mode,
      bdsMode: g.modeLength >= 4 ? mode[3] : null,
      ...fixJson(g),
      navStatus: ch(g.navStatus),
    };
  },
};
