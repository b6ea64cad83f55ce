// RDSS 4.0 GLZK — power status (terminal -> host; 2.1: BSI). 10-15 the six beam powers 0-4.

import { asciiBytes } from "../../nmea/checksum";
import { encodeFrame, type Frame40, type FrameKind, W, type Writer } from "./frame";

const A_BSI = asciiBytes("BDBSI");

/** Six beam powers (0-4); returns an error when one is out of range. */
export function beams(b: Uint8Array, i: number, f: Frame40): string | null {
  for (let k = 0; k < 6; k++) {
    if (b[i + k] > 4) return "beam power not 0-4";
    f.power[k] = b[i + k];
  }
  return null;
}

/** The six beam powers and the four empty fields after them (ZTI, BSI), then the checksum. */
export function beamFields(w: Writer, f: Frame40): number {
  for (let k = 0; k < 6; k++) w.field(f.power[k]);
  return w.commas(4).finish();
}

export const GLZK_FRAME: FrameKind = {
  name: "GLZK",
  decode(b, n, f) {
    if (n < 17) return "GLZK too short";
    return beams(b, 10, f);
  },
  toText(f, out) {
    return beamFields(W.begin(out, A_BSI).commas(2), f);
  },
  json: (f) => ({ beams: Array.from(f.power) }),
};

/** The six beam powers of ZJXX and GLZK. */
export function beamBytes(power: ArrayLike<number>): number[] {
  return Array.from({ length: 6 }, (_, k) => power[k]);
}

export function encodeGLZK(user: number, power: ArrayLike<number>): Uint8Array {
  return encodeFrame("GLZK", user, beamBytes(power));
}
