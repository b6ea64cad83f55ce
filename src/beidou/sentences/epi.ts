// EPI — emergency search-and-rescue / position report (BDS-3 RSMC, terminal -> host), the answer
// to `$CCEPQ`; routed like DWR (group NAVD, the device state's RDSS fix).
// Notes' field list: card, frequencyPoint, urgency, reportMode, hhmmss.ss, lon, E/W, lat, N/S,
// elevation, unit, anomaly, unit, precision, multiValue, sosSubType, sosIndication (17 fields).
// The notes' template has one field fewer before the time. Both are UNCONFIRMED, so the time is
// looked for in fields 5, then 4 (a time followed by a coordinate and its hemisphere), and the
// position read longitude first, or latitude first when the hemisphere letters say so; any
// layout other than the 17-field list is decoded as far as known and marked as a deviation.
// The 17-field list, numbered:
//   1 card (user address)   2 frequency point   3 urgency   4 report mode (absent in the template form)
//   5 UTC time hhmmss.ss    6-7 longitude dddmm.mm, E/W    8-9 latitude ddmm.mm, N/S
//   10-11 elevation, unit (metres)   12-13 height anomaly, unit (metres)   14 precision
//   15 multi-value flag     16 SOS sub-type    17 SOS indication

import type { Fields } from "../fields";
import { addr7, ch, Located, locatedJson, n, type SentenceKind } from "../kind";
import type { EmergencyTarget } from "../targets";

export class EPI extends Located {
  userId = NaN;
  frequencyPoint = NaN;
  urgency = NaN;
  reportMode = NaN;
  /** Metres. */
  height = NaN;
  heightAnomaly = NaN;
  precision = NaN;
  multiValue = NaN;
  sosType = NaN;
  /** SOS indication (UNCONFIRMED: a number or a short text), as a number; NaN when not one. */
  sos = NaN;
  /** Field index of the time (5 in the notes' list). */
  timeField = 5;
  deviation: string | null = null;
  raw: Fields | undefined = undefined;
}

const OTHER_LAYOUT = "EPI time not in field 5 (other layout)",
  LAT_FIRST = "EPI latitude before longitude";

/** Field k is an E/W (isLon) or N/S hemisphere letter. */
function hemisphere(f: Fields, k: number, isLon: boolean): boolean {
  const c = f.chars[k];
  return isLon ? c === 0x45 || c === 0x57 : c === 0x4e || c === 0x53;
}

export const EPI_KIND: SentenceKind<EPI> = {
  kind: "EPI",
  group: "NAVD",
  create: () => new EPI(),
  /** What this sentence tells the device (targets.ts): the RDSS fix, as DWR does. */
  apply(st: EmergencyTarget, e: EPI, _talker: number, now: number): void {
    st.rdssUser = e.userId;
    st.rdssTime = e.time;
    st.rdssLatitude = e.latitude;
    st.rdssLongitude = e.longitude;
    st.rdssHeight = e.height;
    st.rdssAt = now;
    st.rdssSosType = e.sosType;
    st.rdssSos = e.sos;
    st.bds3(e.deviation);
  },
  decode(f: Fields, e: EPI): string | null {
    if (f.count < 9) return "EPI needs at least 9 fields";
    let t = 5;
    if (!(hemisphere(f, 7, true) || hemisphere(f, 7, false))) {
      t = 4;
      if (!(hemisphere(f, 6, true) || hemisphere(f, 6, false))) return "EPI position not found";
    }
    e.deviation = t === 5 ? null : OTHER_LAYOUT;
    e.timeField = t;
    e.raw = f;
    e.userId = f.digits(1) ? f.ints[1] : NaN;
    e.frequencyPoint = f.ints[2];
    e.urgency = f.ints[3];
    e.reportMode = t === 5 ? f.ints[4] : NaN;
    e.time = f.times[t];
    if (hemisphere(f, t + 2, true)) {
      e.longitude = f.lons[t + 1];
      e.latitude = f.lats[t + 3];
    } else {
      e.latitude = f.lats[t + 1];
      e.longitude = f.lons[t + 3];
      e.deviation = LAT_FIRST;
    }
    e.height = f.nums[t + 5];
    e.heightAnomaly = f.nums[t + 7];
    e.precision = f.ints[t + 9];
    e.multiValue = f.ints[t + 10];
    e.sosType = f.ints[t + 11];
    e.sos = f.ints[t + 12];
    if (e.time !== e.time && f.chars[t] !== 0) return "EPI time malformed";
    if (e.latitude !== e.latitude || e.longitude !== e.longitude) return "EPI position malformed";
    return null;
  },
  json: (e) => {
    const t = e.timeField;
    const raw = e.raw;
    return {
      family: "bds3",
      card: addr7(e.userId),
      frequencyPoint: n(e.frequencyPoint),
      urgency: n(e.urgency),
      reportMode: n(e.reportMode),
      ...locatedJson(e),
      height_m: n(e.height),
      heightUnit: raw ? ch(raw.letter(t + 6)) : null,
      heightAnomaly_m: n(e.heightAnomaly),
      precision: n(e.precision),
      multiValue: n(e.multiValue),
      sosType: n(e.sosType),
      // Shown as sent: its meaning is UNCONFIRMED.
      sosIndication: raw && t + 12 <= raw.count ? raw.str(t + 12) : null,
      deviation: e.deviation ?? undefined,
    };
  },
};
