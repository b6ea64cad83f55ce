// ICI — local IC card / crypto module information (RDSS 2.1, terminal -> host).
// `$BDICI,userId,serial,broadcastId,feature,freq,level,encrypt,subCount*hh`; no card: all zeros.
//   1 user address (7 digits; 0 = no card)   2 serial number   3 broadcast address   4 user feature 0-7
//   5 service frequency (minimum interval), s   6 communication level 1-4   7 encryption: E encrypted, N not
//   8 number of subordinate users

import type { Fields } from "../fields";
import { addr7, ch, n, type SentenceKind } from "../kind";
import type { CardTarget } from "../targets";

export class ICI {
  /** User ID (card number, 7 digits). */
  userId = NaN;
  serialNumber = NaN;
  broadcastId = NaN;
  /** 0 command terminal, 1-3 class-1/2/3 user, 4-7 the same with identity authentication. */
  userFeature = NaN;
  /** Service frequency: minimum seconds between transmissions. */
  serviceInterval = NaN;
  /** Communication level 1-4 (sets the maximum message length). */
  level = NaN;
  /** 'E' encrypted, 'N' not. */
  encryption = 0;
  subordinates = NaN;
  /** True for the no-card answer (user ID 0). */
  noCard = false;
}

export const ICI_KIND: SentenceKind<ICI> = {
  kind: "ICI",
  create: () => new ICI(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: CardTarget, c: ICI, _talker: number, now: number): void {
    st.card(c, now);
  },
  decode(f: Fields, c: ICI): string | null {
    if (f.count < 8) return "ICI needs 8 fields";
    if (!f.digits(1)) return "ICI user ID not digits";
    c.userId = f.ints[1];
    c.serialNumber = f.ints[2];
    c.broadcastId = f.ints[3];
    c.userFeature = f.ints[4];
    c.serviceInterval = f.ints[5];
    c.level = f.ints[6];
    c.encryption = f.chars[7];
    c.subordinates = f.ints[8];
    c.noCard = c.userId === 0;
    if (!c.noCard && !(c.level >= 1 && c.level <= 4)) return "ICI communication level not 1-4";
    if (!(c.serviceInterval >= 0)) return "ICI service frequency malformed";
    return null;
  },
  json: (c) => ({
    card: addr7(c.userId),
    cardPresent: !c.noCard,
    serial: c.serialNumber === c.serialNumber ? String(c.serialNumber).padStart(8, "0") : null,
    broadcastId: addr7(c.broadcastId),
    userFeature: n(c.userFeature),
    serviceInterval_s: n(c.serviceInterval),
    level: n(c.level),
    encrypted: c.encryption === 0x45,
    encryption: ch(c.encryption),
    subordinates: n(c.subordinates),
  }),
};
