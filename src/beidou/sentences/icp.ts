// ICP — card information (BDS-3 RSMC, terminal -> host), the answer to `$CCICR`: the ICI of BDS-3.
// `$BDICP,userAddress,...` — field 1 is the own user address (card number; 0 = no card); open
// code shows about 22 more fields (system number, message length level, service frequency, ...)
// whose positions are UNCONFIRMED: they are kept raw (JSON `fields`), not interpreted. Fewer
// fields than the notes' 23 are decoded as far as they go and marked as a deviation (counted).
//   1 own user address (card number; 0 = no card)
//   2-23 kept raw, positions UNCONFIRMED

import type { Fields } from "../fields";
import { addr7, type SentenceKind } from "../kind";
import type { Bds3Target } from "../targets";

/** Fields open implementations show (UNCONFIRMED). */
export const ICP_FIELDS = 23;

export class ICP {
  /** Own user address (card number). */
  userId = NaN;
  /** True for the no-card answer (address 0). */
  noCard = false;
  /** The card's fields the state reads (shared with ICI); unknown in ICP: NaN / 0. */
  readonly serialNumber = NaN;
  readonly serviceInterval = NaN;
  readonly level = NaN;
  readonly encryption = 0;
  /** Data fields in the sentence. */
  fieldCount = 0;
  /** The sentence's fields, for the JSON view right after decode (cold path; reused per sentence). */
  raw: Fields | undefined = undefined;
  deviation: string | null = null;
}

const FEWER = "ICP fewer fields than the notes' 23";

export const ICP_KIND: SentenceKind<ICP> = {
  kind: "ICP",
  create: () => new ICP(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: Bds3Target, c: ICP, _talker: number, now: number): void {
    st.cardBds3(c, now);
  },
  decode(f: Fields, c: ICP): string | null {
    if (f.count < 1 || !f.digits(1)) return "ICP user address not digits";
    c.userId = f.ints[1];
    c.noCard = c.userId === 0;
    c.fieldCount = f.count;
    c.raw = f;
    c.deviation = f.count < ICP_FIELDS ? FEWER : null;
    return null;
  },
  json: (c) => ({
    family: "bds3",
    card: addr7(c.userId),
    cardPresent: !c.noCard,
    // Positions past field 1 are UNCONFIRMED: shown as sent, not interpreted.
    fields: c.raw ? c.raw.strings().slice(1) : [],
    deviation: c.deviation ?? undefined,
  }),
};
