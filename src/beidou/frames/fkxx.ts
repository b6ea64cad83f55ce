// RDSS 4.0 FKXX — feedback information (terminal -> host; 2.1: FKI).
//   10 result (UNCONFIRMED: 0 accepted, 4 frequency not reached), 11-14 the 4-letter command answered,
//   or with result 4 the wait in seconds, 32-bit little-endian

import { asciiBytes } from "../../nmea/checksum";
import { frameKey, frameKeyOf } from "../../nmea/keys";
import { encodeFrame, type Frame40, type FrameKind, W } from "./frame";

const A_FKI = asciiBytes("BDFKI"),
  CMD_TXA = asciiBytes("TXA");

/** 4.0 host command -> the 2.1 command name FKI reports (for FKXX conversion). */
const COMMAND_21: ReadonlyArray<readonly [number, Uint8Array]> = (
  [
    ["TXSQ", "TXA"],
    ["DWSQ", "DWA"],
    ["ICJC", "ICA"],
    ["XTZJ", "ZTI"],
    ["GLJC", "RMO"],
    ["BSSZ", "BSS"],
    ["DSSQ", "DSA"],
    ["JSZL", "JSZ"],
    ["SJSC", "SJX"],
    ["LZSZ", "LZM"],
    ["GXZX", "GXM"],
  ] as const
).map(([c4, c3]) => [frameKeyOf(c4), asciiBytes(c3)] as const);

export const FKXX_FRAME: FrameKind = {
  name: "FKXX",
  decode(b, n, f) {
    if (n < 16) return "FKXX too short";
    f.result = b[10];
    for (let k = 0; k < 4; k++) f.resultBytes[k] = b[11 + k];
    f.wait = f.result === f.fkxxWait ? ((b[14] << 24) | (b[13] << 16) | (b[12] << 8) | b[11]) >>> 0 : 0;
    return null;
  },
  toText(f, out) {
    const w = W.begin(out, A_FKI)
      .comma()
      .bytes(fkxxCommand(f))
      .letter(f.result === f.fkxxAccepted ? 0x59 : 0x4e)
      .letter(f.result === f.fkxxWait ? 0x4e : 0x59)
      .field(f.result === f.fkxxAccepted || f.result === f.fkxxWait ? 0 : 1)
      .comma();
    const wt = Math.min(f.wait, 99 * 60 + 59);
    w.uint(Math.floor(wt / 60), 2).uint(wt % 60, 2);
    return w.finish();
  },
  json: (f) => ({
    result: f.result,
    accepted: f.result === f.fkxxAccepted,
    answers: String.fromCharCode(...fkxxCommand(f)),
    wait_s: f.wait,
    resultHex: Array.from(f.resultBytes, (v) => (v < 16 ? "0" : "") + v.toString(16)).join(""),
  }),
};

/** The 2.1 command name an FKXX answers ("TXA" when only a wait time is given: the service interval governs transmissions). */
function fkxxCommand(f: Frame40): Uint8Array {
  const b = f.resultBytes;
  if (f.result !== f.fkxxWait) {
    const k = frameKey(b[0], b[1], b[2], b[3]);
    for (let i = 0; i < COMMAND_21.length; i++) if (COMMAND_21[i][0] === k) return COMMAND_21[i][1];
  }
  return CMD_TXA;
}

/** FKXX: result 0 accepted for `command` (4.0 name), result 4 = frequency not reached with `wait` s. */
export function encodeFKXX(user: number, result: number, command: string, wait = 0): Uint8Array {
  const extra =
    result === 4
      ? [wait & 255, (wait >> 8) & 255, (wait >> 16) & 255, (wait >>> 24) & 255]
      : Array.from(command.padEnd(4, " ").slice(0, 4), (c) => c.charCodeAt(0));
  return encodeFrame("FKXX", user, [result, ...extra]);
}
