// RDSS 4.0 ICXX — IC card information (terminal -> host; 2.1: ICI, or ICZ for the subordinate list).
//   10 frame number; frame 0: 11-13 broadcast address, 14 user type, 15-16 service interval s,
//   17 communication level, 18 encryption, 19-20 subordinate count; frame >0: 3-byte subordinate addresses

import { asciiBytes } from "../../nmea/checksum";
import { addr7 } from "../kind";
import { be16, be24, encodeFrame, type FrameKind, u16, u24, W } from "./frame";

const A_ICI = asciiBytes("BDICI"),
  A_ICZ = asciiBytes("BDICZ");

export const ICXX_FRAME: FrameKind = {
  name: "ICXX",
  decode(b, n, f) {
    if (n < 12) return "ICXX too short";
    f.frameNumber = b[10];
    f.subordinateListed = 0;
    if (f.frameNumber === 0) {
      if (n < 22) return "ICXX frame 0 too short";
      f.broadcastId = u24(b, 11);
      f.userType = b[14];
      f.serviceInterval = u16(b, 15);
      f.level = b[17];
      f.encryption = b[18];
      f.subordinateCount = u16(b, 19);
      if (f.userAddress !== 0 && (f.level < 1 || f.level > 4)) return "ICXX communication level not 1-4";
    } else {
      let k = 11;
      while (k + 3 <= n - 1 && f.subordinateListed < f.subordinates.length) {
        f.subordinates[f.subordinateListed++] = u24(b, k);
        k += 3;
      }
    }
    return null;
  },
  toText(f, out) {
    if (f.frameNumber === 0) {
      return W.begin(out, A_ICI)
        .field(f.userAddress, 7)
        .comma()
        .field(f.broadcastId, 7)
        .field(f.userType)
        .field(f.serviceInterval)
        .field(f.level)
        .letter(f.encryption ? 0x45 : 0x4e)
        .field(f.subordinateCount)
        .finish();
    }
    const w = W.begin(out, A_ICZ).field(f.subordinateListed);
    for (let k = 0; k < f.subordinateListed && k < 40; k++) w.field(f.subordinates[k], 7);
    return w.finish();
  },
  json: (f) =>
    f.frameNumber === 0
      ? {
          frameNumber: 0,
          broadcastId: addr7(f.broadcastId),
          userType: f.userType,
          serviceInterval_s: f.serviceInterval,
          level: f.level,
          encrypted: f.encryption !== 0,
          subordinates: f.subordinateCount,
        }
      : {
          frameNumber: f.frameNumber,
          subordinates: Array.from(f.subordinates.subarray(0, f.subordinateListed), (a) => addr7(a)),
        },
};

export function encodeICXX(
  user: number,
  o: {
    broadcastId: number;
    userType: number;
    serviceInterval: number;
    level: number;
    encrypted: boolean;
    subordinates: number;
  },
): Uint8Array {
  return encodeFrame("ICXX", user, [
    0,
    ...be24(o.broadcastId),
    o.userType,
    ...be16(o.serviceInterval),
    o.level,
    o.encrypted ? 1 : 0,
    ...be16(o.subordinates),
  ]);
}
