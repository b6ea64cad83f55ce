// QRQ — BDS-3 query (host -> terminal; meaning UNCONFIRMED), answered by QRI: `$CCQRQ,card,type`
//   1 card   user address (7 digits)
//   2 type   number (UNCONFIRMED)
// Field meanings past the card are UNCONFIRMED (the team's BDS-3 terminal notes, summed up in docs/protocol.md): numbers are
// checked as numbers, nothing more. Decoded for the simulator and the tests; the encoder is what the
// console, the start-up and the network translation use.

import { buildSentence, exactFields, intIn, userAddress } from "../command";
import type { Fields } from "../fields";
import { addr7, n, type SentenceKind } from "../kind";

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

/** `$CCQRQ,card,type` — BDS-3 query (meaning UNCONFIRMED), answered by QRI. */
export function encodeQRQ(card: number | string, type: number): Uint8Array {
  return buildSentence("CCQRQ", [userAddress(card, "QRQ card"), String(intIn(type, 0, 99, "QRQ type"))]);
}
