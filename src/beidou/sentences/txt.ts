// TXT — text transmission. `$--TXT,total,num,textId,text*hh` (field meanings UNCONFIRMED, consistent
// with every sampled log). The text stays in the sentence bytes: the record keeps its offsets.
//   1 total sentences   2 sentence number   3 text identifier   4 text (to the checksum)

import { asciiBytes } from "../../nmea/checksum";
import type { Fields } from "../fields";
import { n, type SentenceKind } from "../kind";
import type { StatusTarget } from "../targets";

export class TXT {
  totalSentences = NaN;
  sentenceNumber = NaN;
  /** 00 error, 01 warning, 02 notice, 07 user (vendor-variant). */
  textId = NaN;
  /** The text as bytes of the current sentence (valid during the callback only). */
  bytes: Uint8Array = new Uint8Array(0);
  textStart = 0;
  textEnd = 0;
}

const ANTENNA_OPEN = asciiBytes("ANTENNA OPEN"),
  ANTENNA_SHORT = asciiBytes("ANTENNA SHORT"),
  ANTENNA_OK = asciiBytes("ANTENNA OK"),
  OPEN = asciiBytes("OPEN");

export const TXT_KIND: SentenceKind<TXT> = {
  kind: "TXT",
  create: () => new TXT(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: StatusTarget, x: TXT, _talker: number, _now: number): void {
    if (txtContains(x, ANTENNA_OPEN) || txtContains(x, ANTENNA_SHORT)) {
      if (!st.antennaBad)
        st.event("antenna.fault", "receiver reports " + (txtContains(x, OPEN) ? "antenna open" : "antenna short"));
      st.antennaBad = true;
    } else if (txtContains(x, ANTENNA_OK) && st.antennaBad) {
      st.antennaBad = false;
      st.event("antenna.ok", "receiver reports antenna OK");
    }
  },
  decode(f: Fields, t: TXT): string | null {
    if (f.count < 4) return "TXT needs 4 fields (total, number, text ID, text)";
    t.totalSentences = f.ints[1];
    t.sentenceNumber = f.ints[2];
    t.textId = f.ints[3];
    // Text may itself contain commas in malformed output: take everything after field 3.
    t.bytes = f.bytes;
    t.textStart = f.start[4];
    t.textEnd = f.bodyEnd;
    if (t.totalSentences !== t.totalSentences || t.sentenceNumber !== t.sentenceNumber)
      return "TXT sentence numbers malformed";
    return null;
  },
  json: (t) => {
    let s = "";
    for (let k = t.textStart; k < t.textEnd; k++) s += String.fromCharCode(t.bytes[k]);
    return { totalSentences: n(t.totalSentences), sentenceNumber: n(t.sentenceNumber), textId: n(t.textId), text: s };
  },
};

/** True when the TXT text contains `word` (upper-case ASCII bytes; allocation-free). */
export function txtContains(t: TXT, word: Uint8Array): boolean {
  // `word` is bytes, not a string: on XS, charCodeAt on a primitive string allocates a wrapper (measured).
  const L = word.length;
  const b = t.bytes;
  for (let k = t.textStart; k + L <= t.textEnd; k++) {
    let j = 0;
    while (j < L) {
      let c = b[k + j];
      if (c >= 0x61 && c <= 0x7a) c -= 0x20;
      if (c !== word[j]) break;
      j++;
    }
    if (j === L) return true;
  }
  return false;
}
