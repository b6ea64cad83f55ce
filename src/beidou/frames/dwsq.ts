// RDSS 4.0 DWSQ — positioning request (host -> terminal; 2.1: DWA).
//   10 information (bit 5 urgent, 3-2 height mode, 0 high altitude), 11-12 height, 13-14 antenna height,
//   15-17 pressure (20 bits, 0.1 hPa), 17-18 temperature (12 bits, bit 11 negative, 0.1 °C), 19-20 interval s

import { type FrameKind, u16 } from "./frame";

export const DWSQ_FRAME: FrameKind = {
  name: "DWSQ",
  decode(b, n, f) {
    if (n < 22) return "DWSQ too short";
    f.info = b[10];
    f.height = ((b[11] << 24) >> 16) | b[12];
    f.antennaHeight = u16(b, 13);
    f.pressure = (b[15] << 12) | (b[16] << 4) | (b[17] >> 4);
    const t = ((b[17] & 7) << 8) | b[18];
    f.temperature = b[17] & 8 ? -t : t;
    f.interval = u16(b, 19);
    return null;
  },
  json: (f) => ({
    urgent: (f.info & 0x20) !== 0,
    heightMode: (f.info >> 2) & 3,
    highAltitude: (f.info & 1) !== 0,
    height_m: f.height,
    antennaHeight_m: f.antennaHeight,
    pressure_hPa: f.pressure / 10,
    temperature_C: f.temperature / 10,
    interval_s: f.interval,
  }),
};
