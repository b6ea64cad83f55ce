// RDSS 4.0 DWXX — positioning information (terminal -> host; 2.1: DWR).
//   10 information (bit 5 other user, 4 key, 3 precision, 2 urgent, 1 multi-value, 0 height type),
//   11-13 query address, 14-17 time h m s cs, 18-21 longitude d m s ds, 22-25 latitude d m s ds,
//   26-27 height (bit 14 negative), 28-29 height anomaly

import { pad2 } from "../../core/helpers";
import { asciiBytes } from "../../nmea/checksum";
import { addr7, hms, r as round } from "../kind";
import { be24, encodeFrame, type FrameKind, height14, u24, W, writeCoord } from "./frame";

const A_DWR = asciiBytes("BDDWR");

function dms(b: Uint8Array, i: number): number {
  return b[i] + b[i + 1] / 60 + (b[i + 2] + b[i + 3] / 10) / 3600;
}

export const DWXX_FRAME: FrameKind = {
  name: "DWXX",
  decode(b, n, f) {
    if (n < 31) return "DWXX too short";
    f.info = b[10];
    f.queryAddress = u24(b, 11);
    if (b[14] > 23 || b[15] > 59 || b[16] > 60 || b[17] > 99) return "DWXX time out of range";
    f.time = b[14] * 3600 + b[15] * 60 + b[16] + b[17] / 100;
    if (b[19] > 59 || b[20] > 59 || b[21] > 9 || b[23] > 59 || b[24] > 59 || b[25] > 9)
      return "DWXX position out of range";
    f.longitude = f.west ? -dms(b, 18) : dms(b, 18);
    f.latitude = f.south ? -dms(b, 22) : dms(b, 22);
    f.height = height14(b, 26);
    f.heightAnomaly = height14(b, 28);
    return null;
  },
  toText(f, out) {
    const w = W.begin(out, A_DWR)
      .field(f.info & 0x20 ? 2 : 1)
      .field(f.userAddress, 7)
      .comma();
    const cs = Math.round(f.time * 100);
    w.uint(Math.floor(cs / 360000), 2)
      .uint(Math.floor(cs / 6000) % 60, 2)
      .uint(Math.floor(cs / 100) % 60, 2)
      .byte(0x2e)
      .uint(cs % 100, 2)
      .comma();
    writeCoord(w, f.latitude, false);
    w.letter(f.south ? 0x53 : 0x4e).comma();
    writeCoord(w, f.longitude, true);
    w.letter(f.west ? 0x57 : 0x45).comma();
    w.int(f.height).letter(0x4d).comma().int(f.heightAnomaly).letter(0x4d);
    return w
      .field((f.info >> 3) & 1)
      .letter(f.info & 4 ? 0x41 : 0x56)
      .letter(f.info & 2 ? 0x41 : 0x56)
      .letter(f.info & 1 ? 0x48 : 0x4c)
      .finish();
  },
  json: (f) => ({
    queryAddress: addr7(f.queryAddress),
    otherUser: (f.info & 0x20) !== 0,
    key: (f.info & 0x10) !== 0,
    precision: (f.info >> 3) & 1,
    urgent: (f.info & 4) !== 0,
    multiValue: (f.info & 2) !== 0,
    heightType: f.info & 1 ? "H" : "L",
    time: hms(f.time),
    lat: round(f.latitude, 8),
    lon: round(f.longitude, 8),
    latDMS: dmsString(f.latitude),
    lonDMS: dmsString(f.longitude),
    height_m: f.height,
    heightAnomaly_m: f.heightAnomaly,
  }),
};

function dmsString(v: number): string {
  const t = Math.round(v * 36000);
  const d = Math.floor(t / 36000),
    m = Math.floor(t / 600) % 60,
    s = (t % 600) / 10;
  return d + "°" + pad2(m) + "'" + (s < 10 ? "0" : "") + s.toFixed(1) + '"';
}

export function toDms(v: number): number[] {
  const t = Math.round(Math.abs(v) * 36000);
  return [Math.floor(t / 36000), Math.floor(t / 600) % 60, Math.floor(t / 10) % 60, t % 10];
}

export function h14(v: number): number[] {
  const m = Math.min(Math.abs(Math.round(v)), 0x3fff);
  return [(v < 0 ? 0x40 : 0) | (m >> 8), m & 255];
}

export function encodeDWXX(
  user: number,
  o: {
    info?: number;
    queryAddress?: number;
    time: number;
    latitude: number;
    longitude: number;
    height: number;
    heightAnomaly: number;
  },
): Uint8Array {
  const cs = Math.round(o.time * 100);
  return encodeFrame("DWXX", user, [
    o.info ?? 0,
    ...be24(o.queryAddress ?? 0),
    Math.floor(cs / 360000),
    Math.floor(cs / 6000) % 60,
    Math.floor(cs / 100) % 60,
    cs % 100,
    ...toDms(o.longitude),
    ...toDms(o.latitude),
    ...h14(o.height),
    ...h14(o.heightAnomaly),
  ]);
}
