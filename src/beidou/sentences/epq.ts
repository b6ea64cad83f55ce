// EPQ — BDS-3 emergency / position report request (host -> terminal), answered by FKI + EPI:
// `$CCEPQ,card,model,frequency,speed,urgency,elevation,sosType,times`
//   1 card        user address (7 digits; 0 = this terminal)
//   2 model       number (UNCONFIRMED)
//   3 frequency   number (UNCONFIRMED)
//   4 speed       number (UNCONFIRMED)
//   5 urgency     number (UNCONFIRMED)
//   6 elevation   number (UNCONFIRMED)
//   7 sosType     number (UNCONFIRMED)
//   8 times       number (UNCONFIRMED)
// Field meanings past the card are UNCONFIRMED (the team's BDS-3 terminal notes, summed up in docs/protocol.md): numbers are
// checked as numbers, nothing more. Decoded for the simulator and the tests; the encoder is what the
// console, the start-up and the network translation use.

import { buildSentence, numberField, optional, userAddress } from "../command";
import type { Fields } from "../fields";
import { addr7, n, type SentenceKind } from "../kind";

export const EPQ_FIELDS = 8;

/** Fields 2-8 by name, in order (values[k] is field k + 2). */
const EPQ_NUMBERS = ["model", "frequency", "speed", "urgency", "elevation", "sosType", "times"] as const;

export class EPQ {
  userId = NaN;
  /** Fields 2-8 as numbers (NaN when empty): model, frequency, speed, urgency, elevation, sosType, times. */
  readonly values = new Float64Array(EPQ_FIELDS - 1);
}

export const EPQ_KIND: SentenceKind<EPQ> = {
  kind: "EPQ",
  create: () => new EPQ(),
  decode(f: Fields, q: EPQ): string | null {
    if (f.count !== EPQ_FIELDS) return "EPQ needs 8 fields";
    if (!f.digits(1) || f.len(1) > 7) return "EPQ card not a user address";
    q.userId = f.ints[1];
    for (let k = 2; k <= EPQ_FIELDS; k++) {
      const v = f.nums[k];
      if (v !== v && f.chars[k] !== 0) return "EPQ field not a number";
      q.values[k - 2] = v;
    }
    return null;
  },
  json: (q) => {
    const o: Record<string, unknown> = { family: "bds3", card: addr7(q.userId) };
    for (let k = 0; k < EPQ_NUMBERS.length; k++) o[EPQ_NUMBERS[k]] = n(q.values[k]);
    return o;
  },
  reencode(q: EPQ, f: Fields): Uint8Array {
    const r: EpqRequest = { card: f.str(1) };
    for (let k = 0; k < EPQ_NUMBERS.length; k++) r[EPQ_NUMBERS[k]] = optional(q.values[k]);
    return encodeEPQ(r);
  },
};

export interface EpqRequest {
  /** Card (user address); 0 / omitted = this terminal. */
  card?: number | string;
  /** The other fields (meanings UNCONFIRMED): non-negative numbers, empty when omitted. */
  model?: number;
  frequency?: number;
  speed?: number;
  urgency?: number;
  elevation?: number;
  sosType?: number;
  times?: number;
}

/** `$CCEPQ,card,model,frequency,speed,urgency,elevation,sosType,times` — BDS-3 emergency / position report request. */
export function encodeEPQ(q: EpqRequest = {}): Uint8Array {
  const f = (v: number | undefined, what: string) => numberField(v, `EPQ ${what}`, 0, 99999, 2);
  return buildSentence("CCEPQ", [
    userAddress(q.card ?? 0, "EPQ card"),
    f(q.model, "model"),
    f(q.frequency, "frequency"),
    f(q.speed, "speed"),
    f(q.urgency, "urgency"),
    f(q.elevation, "elevation"),
    f(q.sosType, "SOS type"),
    f(q.times, "times"),
  ]);
}
