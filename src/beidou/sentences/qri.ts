// QRI — query result (BDS-3 RSMC, terminal -> host), the answer to `$CCQRQ`.
// `$BDQRI,card,type,n,t1,...,tn*hh` with up to 7 UTC times. What is queried is UNCONFIRMED:
//   1 card (user address)   2 query type (UNCONFIRMED)   3 time count n, 0-99 (7 kept)
//   4..3+n UTC times hhmmss.ss
// the fields are decoded as numbers and times and shown, nothing else reads them.

import type { Fields } from "../fields";
import { addr7, hms, n, type SentenceKind } from "../kind";
import type { Bds3Target } from "../targets";

export const QRI_TIMES = 7;

export class QRI {
  userId = NaN;
  type = NaN;
  count = 0;
  /** Seconds since midnight, NaN when empty or malformed. */
  readonly times = new Float64Array(QRI_TIMES);
  deviation: string | null = null;
}

const FEWER = "QRI fewer times than its count",
  MORE = "QRI more than 7 times";

export const QRI_KIND: SentenceKind<QRI> = {
  kind: "QRI",
  create: () => new QRI(),
  apply(st: Bds3Target, q: QRI): void {
    st.bds3(q.deviation);
  },
  decode(f: Fields, q: QRI): string | null {
    if (f.count < 3) return "QRI needs at least 3 fields";
    q.userId = f.digits(1) ? f.ints[1] : NaN;
    q.type = f.ints[2];
    let c = f.ints[3];
    if (!(c >= 0 && c <= 99)) return "QRI count not a number";
    q.deviation = null;
    if (c > QRI_TIMES) {
      c = QRI_TIMES;
      q.deviation = MORE;
    }
    if (3 + c > f.count) {
      c = f.count - 3;
      q.deviation = FEWER;
    }
    for (let k = 0; k < c; k++) q.times[k] = f.times[4 + k];
    q.count = c;
    return null;
  },
  json: (q) => ({
    family: "bds3",
    card: addr7(q.userId),
    type: n(q.type),
    times: Array.from(q.times.subarray(0, q.count), hms),
    deviation: q.deviation ?? undefined,
  }),
};
