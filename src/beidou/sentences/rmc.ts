// RMC — recommended minimum. `$--RMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,sog,cog,ddmmyy,mv,a[,mode[,navstatus]]*hh`
//   1 UTC time hhmmss.ss   2 status: A valid, V warning
//   3-4 latitude ddmm.mm, N/S   5-6 longitude dddmm.mm, E/W
//   7 speed over ground, knots   8 course over ground, degrees true   9 date ddmmyy
//   10-11 magnetic variation, degrees, E/W (W negative)   12 mode indicator (2.3+)
//   13 navigational status (4.10)

import type { Fields } from "../fields";
import { ch, hms, Located, locatedError, locatedReasons, n, r, type SentenceKind } from "../kind";
import type { FixTarget } from "../targets";

export class RMC extends Located {
  /** 'A' valid, 'V' warning. */
  status = 0;
  /** Knots. */
  speedOverGround = NaN;
  /** Degrees true. */
  courseOverGround = NaN;
  day = NaN;
  month = NaN;
  /** Four digits (two-digit years are 20yy). */
  year = NaN;
  /** Degrees, east positive. */
  magneticVariation = NaN;
  /** NMEA 2.3 mode indicator letter, 0 when absent. */
  mode = 0;
  /** NMEA 4.1 navigational status letter, 0 when absent. */
  navStatus = 0;
}

const MALFORMED = locatedReasons("RMC");

export const RMC_KIND: SentenceKind<RMC> = {
  kind: "RMC",
  group: "NAVD",
  create: () => new RMC(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FixTarget, m: RMC, _talker: number, now: number): void {
    st.fixTime = m.time;
    if (m.year === m.year) {
      st.fixYear = m.year;
      st.fixMonth = m.month;
      st.fixDay = m.day;
    }
    if (m.status === 0x41 && m.latitude === m.latitude) {
      st.position(m.latitude, m.longitude, now);
      st.speedKnots = m.speedOverGround;
      st.courseTrue = m.courseOverGround;
    }
  },
  decode(f: Fields, m: RMC, stateOnly = false): string | null {
    if (f.count < 9) return "RMC needs at least 9 fields";
    m.time = f.times[1];
    m.status = f.chars[2];
    m.latitude = f.lats[3];
    m.longitude = f.lons[5];
    m.speedOverGround = f.nums[7];
    m.courseOverGround = f.nums[8];
    m.day = m.month = m.year = NaN;
    // f.digits(9) without its call and byte loop: an integer field (digits, optional sign)
    // is digits only when its first byte is no sign.
    const d = f.ints[9];
    if (d === d && f.len(9) === 6 && (f.bytes[f.start[9]] & 0xf0) === 0x30) {
      m.day = Math.floor(d / 10000);
      m.month = Math.floor(d / 100) % 100;
      m.year = 2000 + (d % 100);
      if (m.day < 1 || m.day > 31 || m.month < 1 || m.month > 12) return "RMC date malformed";
    } else if (f.chars[9] !== 0) return "RMC date malformed";
    // State-only (kind.ts): apply reads none of these.
    if (!stateOnly) {
      m.magneticVariation = f.nums[10];
      const mvh = f.chars[11];
      if (mvh === 0x57) m.magneticVariation = -m.magneticVariation;
      m.mode = f.letter(12);
      m.navStatus = f.letter(13);
    }
    if (m.status !== 0x41 && m.status !== 0x56) return "RMC status not A/V";
    return m.time !== m.time || m.latitude !== m.latitude || m.longitude !== m.longitude
      ? locatedError(f, 1, 3, MALFORMED)
      : null;
  },
  json: (m) => ({
    time: hms(m.time),
    positionValid: m.status === 0x41,
    status: ch(m.status),
    lat: r(m.latitude, 8),
    lon: r(m.longitude, 8),
    speed_kn: n(m.speedOverGround),
    course_deg: n(m.courseOverGround),
    date: m.year === m.year ? m.year + "-" + String(100 + m.month).slice(1) + "-" + String(100 + m.day).slice(1) : null,
    magneticVariation_deg: n(m.magneticVariation),
    mode: ch(m.mode),
    navStatus: ch(m.navStatus),
  }),
};
