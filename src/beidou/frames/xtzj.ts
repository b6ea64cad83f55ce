// RDSS 4.0 XTZJ — system self-check request (host -> terminal). 10-11 interval s.

import { type FrameKind, u16 } from "./frame";

export const XTZJ_FRAME: FrameKind = {
  name: "XTZJ",
  decode(b, n, f) {
    if (n < 13) return "XTZJ too short";
    f.interval = u16(b, 10);
    return null;
  },
  json: (f) => ({ interval_s: f.interval }),
};
