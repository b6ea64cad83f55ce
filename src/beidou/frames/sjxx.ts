// RDSS 4.0 SJXX — time information (terminal -> host; 2.1: ZDA, RDSS form).
//   10-11 year, 12 month, 13 day, 14 hour, 15 minute, 16 second

import { pad2 } from "../../core/helpers";
import { asciiBytes } from "../../nmea/checksum";
import { hms } from "../kind";
import { be16, encodeFrame, type FrameKind, u16, W } from "./frame";

const A_ZDA = asciiBytes("BDZDA"),
  T_00 = asciiBytes(".00");

export const SJXX_FRAME: FrameKind = {
  name: "SJXX",
  decode(b, n, f) {
    if (n < 18) return "SJXX too short";
    f.year = u16(b, 10);
    f.month = b[12];
    f.day = b[13];
    f.hour = b[14];
    f.minute = b[15];
    f.second = b[16];
    if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59 || f.second > 60)
      return "SJXX date/time out of range";
    f.time = f.hour * 3600 + f.minute * 60 + f.second;
    return null;
  },
  toText(f, out) {
    return W.begin(out, A_ZDA)
      .field(0)
      .field(f.hour, 2)
      .uint(f.minute, 2)
      .uint(f.second, 2)
      .bytes(T_00)
      .field(f.day, 2)
      .field(f.month, 2)
      .field(f.year, 4)
      .commas(6)
      .finish();
  },
  json: (f) => ({
    date: f.year + "-" + pad2(f.month) + "-" + pad2(f.day),
    time: hms(f.time),
  }),
};

export function encodeSJXX(
  user: number,
  d: { year: number; month: number; day: number; hour: number; minute: number; second: number },
): Uint8Array {
  return encodeFrame("SJXX", user, [...be16(d.year), d.month, d.day, d.hour, d.minute, d.second]);
}
