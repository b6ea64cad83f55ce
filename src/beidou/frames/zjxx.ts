// RDSS 4.0 ZJXX — self-check information (terminal -> host; 2.1: ZTI).
//   10 IC state, 11 hardware state, 12 battery, 13 inbound state, 14-19 the six beam powers 0-4

import { asciiBytes } from "../../nmea/checksum";
import { encodeFrame, type FrameKind, W } from "./frame";
import { beamBytes, beamFields, beams } from "./glzk";

const A_ZTI = asciiBytes("BDZTI");

export const ZJXX_FRAME: FrameKind = {
  name: "ZJXX",
  decode(b, n, f) {
    if (n < 21) return "ZJXX too short";
    f.icState = b[10];
    f.hardwareState = b[11];
    f.batteryState = b[12];
    f.inboundState = b[13];
    return beams(b, 14, f);
  },
  toText(f, out) {
    const w = W.begin(out, A_ZTI).field(f.icState).field(f.hardwareState).field(f.batteryState).field(f.inboundState);
    return beamFields(w, f);
  },
  json: (f) => ({
    icState: f.icState,
    hardwareState: f.hardwareState,
    batteryState: f.batteryState,
    inboundState: f.inboundState,
    beams: Array.from(f.power),
  }),
};

export function encodeZJXX(
  user: number,
  ic: number,
  hw: number,
  battery: number,
  inbound: number,
  power: ArrayLike<number>,
): Uint8Array {
  return encodeFrame("ZJXX", user, [ic, hw, battery, inbound, ...beamBytes(power)]);
}
