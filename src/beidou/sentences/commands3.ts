// Host -> terminal BDS-3 RSMC commands besides TCQ, decoded (the simulator reads them, and the
// encoders are tested by decoding what they wrote):
//   `$CCICR,type,reserved`      card query: 0 own IC card, 1 group, 2 subordinate users, 3 IC module mode
//   `$CCEPQ,card,model,frequency,speed,urgency,elevation,sosType,times`   emergency / position report request
//   `$CCQRQ,card,type`          query (meaning UNCONFIRMED)
// Field meanings past the card are UNCONFIRMED: numbers are checked as numbers, nothing more.

import { buildSentence, exactFields, intIn, numberField, optional, userAddress } from "../command";
import type { Fields } from "../fields";
import { addr7, n, type SentenceKind } from "../kind";

export class ICR {
  type = NaN;
}

export const ICR_KIND: SentenceKind<ICR> = {
  kind: "ICR",
  create: () => new ICR(),
  decode(f: Fields, c: ICR): string | null {
    if (f.count < 1) return "ICR needs a query type";
    c.type = f.ints[1];
    if (!(c.type >= 0 && c.type <= 3)) return "ICR query type not 0-3";
    return null;
  },
  json: (c) => ({ family: "bds3", type: n(c.type) }),
  reencode(c: ICR, f: Fields): Uint8Array {
    exactFields(f, 2, "ICR");
    return encodeICR(c.type);
  },
};

export const EPQ_FIELDS = 8;

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
    const v = (k: number) => n(q.values[k]);
    return {
      family: "bds3",
      card: addr7(q.userId),
      model: v(0),
      frequency: v(1),
      speed: v(2),
      urgency: v(3),
      elevation: v(4),
      sosType: v(5),
      times: v(6),
    };
  },
  reencode(q: EPQ, f: Fields): Uint8Array {
    const v = (k: number) => optional(q.values[k]);
    return encodeEPQ({
      card: f.str(1),
      model: v(0),
      frequency: v(1),
      speed: v(2),
      urgency: v(3),
      elevation: v(4),
      sosType: v(5),
      times: v(6),
    });
  },
};

export class QRQ {
  userId = NaN;
  type = NaN;
}

export const QRQ_KIND: SentenceKind<QRQ> = {
  kind: "QRQ",
  create: () => new QRQ(),
  decode(f: Fields, q: QRQ): string | null {
    if (f.count !== 2) return "QRQ needs 2 fields";
    if (!f.digits(1) || f.len(1) > 7) return "QRQ card not a user address";
    q.userId = f.ints[1];
    q.type = f.ints[2];
    if (!(q.type >= 0)) return "QRQ type not a number";
    return null;
  },
  json: (q) => ({ family: "bds3", card: addr7(q.userId), type: n(q.type) }),
  reencode(q: QRQ, f: Fields): Uint8Array {
    exactFields(f, 2, "QRQ");
    return encodeQRQ(f.str(1), q.type);
  },
};

/** `$CCICR,type,00` — BDS-3 card query; type 0 own IC card, 1 group, 2 subordinate users, 3 IC module mode. */
export function encodeICR(type = 0): Uint8Array {
  intIn(type, 0, 3, "ICR query type");
  return buildSentence("CCICR", [String(type), "00"]);
}

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

/** `$CCQRQ,card,type` — BDS-3 query (meaning UNCONFIRMED), answered by QRI. */
export function encodeQRQ(card: number | string, type: number): Uint8Array {
  return buildSentence("CCQRQ", [userAddress(card, "QRQ card"), String(intIn(type, 0, 99, "QRQ type"))]);
}
