// RDSS 4.0 ICJC — IC card check (host -> terminal; 2.1: ICA). 10 frame number.

import { encodeFrame, type FrameKind } from "./frame";

// Host -> terminal frames (the simulator answers them; decode shows them).
export const ICJC_FRAME: FrameKind = {
  name: "ICJC",
  decode(b, n, f) {
    if (n < 12) return "ICJC too short";
    f.frameNumber = b[10];
    return null;
  },
  json: (f) => ({ frameNumber: f.frameNumber }),
};

export function encodeICJC(user: number, frame = 0): Uint8Array {
  return encodeFrame("ICJC", user, [frame]);
}
