// DWA — RDSS position request (RDSS 2.1, host -> terminal):
// `$CCDWA,userId,urgent,heightMode,heightType,height,antH,pressure,temp,freq*hh`
//   1 user address (7 digits; 0 = this terminal)   2 urgent: A urgent, V normal
//   3 height mode 0-3                              4 height type: H high altitude, L normal
//   5 height, m                                    6 antenna height, m
//   7 air pressure, Pa                             8 temperature, °C
//   9 request interval, s (0 = single request)

import { buildSentence, CommandError, exactFields, intIn, numberField, optional, userAddress } from "../command";
import type { Fields } from "../fields";
import { addr7, ch, n, type SentenceKind } from "../kind";

export class DWA {
  userId = NaN;
  /** 'A' urgent, 'V' normal. */
  urgent = 0;
  /** 0 with height, 1 without, 2 measure-height-1, 3 measure-height-2. */
  heightMode = NaN;
  /** 'H' high-altitude user, 'L' normal. */
  heightType = 0;
  /** Metres. */
  height = NaN;
  antennaHeight = NaN;
  /** Pa. */
  pressure = NaN;
  /** °C. */
  temperature = NaN;
  /** Seconds, 0 = single request. */
  frequency = NaN;
}

export const DWA_KIND: SentenceKind<DWA> = {
  kind: "DWA",
  create: () => new DWA(),
  decode(f: Fields, d: DWA): string | null {
    if (f.count < 9) return "DWA needs 9 fields";
    if (!f.digits(1)) return "DWA user address not digits";
    d.userId = f.ints[1];
    d.urgent = f.chars[2];
    d.heightMode = f.ints[3];
    d.heightType = f.chars[4];
    d.height = f.nums[5];
    d.antennaHeight = f.nums[6];
    d.pressure = f.nums[7];
    d.temperature = f.nums[8];
    d.frequency = f.nums[9];
    if (d.urgent !== 0x41 && d.urgent !== 0x56) return "DWA urgent flag not A/V";
    if (!(d.heightMode >= 0 && d.heightMode <= 3)) return "DWA height mode not 0-3";
    if (d.heightType !== 0x48 && d.heightType !== 0x4c) return "DWA height type not H/L";
    return null;
  },
  json: (d) => ({
    card: addr7(d.userId),
    urgent: d.urgent === 0x41,
    heightMode: n(d.heightMode),
    heightType: ch(d.heightType),
    height_m: n(d.height),
    antennaHeight_m: n(d.antennaHeight),
    pressure_Pa: n(d.pressure),
    temperature_C: n(d.temperature),
    interval_s: n(d.frequency),
  }),
  reencode(d: DWA, f: Fields): Uint8Array {
    exactFields(f, 9, "DWA");
    return encodeDWA({
      user: f.str(1),
      urgent: d.urgent === 0x41,
      heightMode: d.heightMode,
      highAltitude: d.heightType === 0x48,
      height: optional(d.height),
      antennaHeight: optional(d.antennaHeight),
      pressure: optional(d.pressure),
      temperature: optional(d.temperature),
      interval: optional(d.frequency),
    });
  },
};

export interface DwaRequest {
  /** 0 / omitted = this terminal. */
  user?: number | string;
  urgent?: boolean;
  /** 0 with height, 1 without, 2 measure-height-1, 3 measure-height-2. */
  heightMode: number;
  /** High-altitude user (H) or normal (L). */
  highAltitude?: boolean;
  height?: number;
  antennaHeight?: number;
  /** Pa. */
  pressure?: number;
  /** °C. */
  temperature?: number;
  /** Seconds, 0 = single request. */
  interval?: number;
}

/** `$CCDWA,userId,urgent,heightMode,heightType,height,antH,pressure,temp,freq` — RDSS position request. */
export function encodeDWA(q: DwaRequest): Uint8Array {
  intIn(q.heightMode, 0, 3, "DWA height mode");
  if ((q.heightMode === 0 || q.heightMode === 3) && q.height === undefined)
    throw new CommandError("DWA height modes 0 and 3 need a height");
  return buildSentence("CCDWA", [
    userAddress(q.user ?? 0, "DWA user address"),
    q.urgent ? "A" : "V",
    String(q.heightMode),
    q.highAltitude ? "H" : "L",
    numberField(q.height, "DWA height (m)", -9999, 99999, 1),
    numberField(q.antennaHeight ?? 0, "DWA antenna height (m)", 0, 9999, 1),
    numberField(q.pressure, "DWA air pressure (Pa)", 0, 200000, 0),
    numberField(q.temperature, "DWA temperature (°C)", -99, 99, 1),
    numberField(q.interval ?? 0, "DWA request interval (s)", 0, 65535, 0),
  ]);
}
