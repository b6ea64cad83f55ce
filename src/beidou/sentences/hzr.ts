// HZR — message receipts (RDSS 2.1, terminal -> host). `$BDHZR,userId,n,{sendHHMM,receiptHHMM}xn*hh`, n = 0-5.
//   1 user address (digits)   2 receipt count n, 0-5
//   3+2k send time hhmm   4+2k receipt time hhmm (k = 0..n-1)

import type { Fields } from "../fields";
import { addr7, n, type SentenceKind } from "../kind";
import { hhmm, hhmmString } from "./txr";

export class HZR {
  userId = NaN;
  count = 0;
  /** Minutes since midnight, NaN when empty. */
  readonly sendTime = new Float64Array(5);
  readonly receiptTime = new Float64Array(5);
}

export const HZR_KIND: SentenceKind<HZR> = {
  kind: "HZR",
  group: "RCOM",
  create: () => new HZR(),
  decode(f: Fields, h: HZR): string | null {
    if (f.count < 2) return "HZR needs at least 2 fields";
    if (!f.digits(1)) return "HZR user address not digits";
    h.userId = f.ints[1];
    const c = f.ints[2];
    if (!(c >= 0 && c <= 5)) return "HZR receipt count not 0-5";
    if (f.count < 2 + 2 * c) return "HZR has fewer receipts than announced";
    for (let k = 0; k < c; k++) {
      const s = hhmm(f, 3 + 2 * k),
        t = hhmm(f, 4 + 2 * k);
      if (s < 0 || t < 0) return "HZR time not hhmm";
      h.sendTime[k] = s;
      h.receiptTime[k] = t;
    }
    h.count = c;
    return null;
  },
  json: (h) => {
    const receipts: Array<Record<string, unknown>> = [];
    for (let k = 0; k < h.count; k++)
      receipts.push({ sent: hhmmString(h.sendTime[k]), receipt: hhmmString(h.receiptTime[k]) });
    return { card: addr7(h.userId), count: n(h.count), receipts };
  },
};
