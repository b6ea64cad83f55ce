// Sentence decoder: one validated sentence (bytes from the framer) -> a typed record.
//
// Allocation-free on the hot path: the field table and one record per sentence kind
// are created once per decoder; each call overwrites them. The result is valid
// until the next call (like the framer's byte view).

import { Fields, MAX_FIELDS } from "./fields";
import type { JsonContext, SentenceKind } from "./kind";
import { pack3, unpack3 } from "./kind";
import { DECODER_TABLE, TableRow } from "./table";

/** Sentence classes that have no decoder. */
export const KIND_UNKNOWN = "unknown", KIND_PROPRIETARY = "proprietary";

export class DecodedSentence {
  /** Talker, 2 letters packed (0 for proprietary or malformed addresses). */
  talker = 0;
  /** Formatter, 3 letters packed (0 when the address is not talker + 3 letters). */
  formatter = 0;
  /** Sentence kind ("GGA", "ZDA-RDSS", ...) or KIND_UNKNOWN / KIND_PROPRIETARY. */
  kind: string = KIND_UNKNOWN;
  /** The kind's record (undefined for unknown/proprietary). */
  record: unknown = undefined;
  sentenceKind: SentenceKind<unknown> | undefined = undefined;
  /** Null, or why the fields could not be decoded (the sentence itself is still valid and forwarded). */
  error: string | null = null;
  /** Field access for this sentence (unknown sentences, logging). */
  fields!: Fields;
}

interface Slot {
  row: TableRow;
  records: unknown[];
}

export class SentenceDecoder {
  readonly fields = new Fields();
  readonly result = new DecodedSentence();
  private slots = new Map<number, Slot>();
  /** Decoded sentences per kind, and field errors per kind. */
  readonly counts = new Map<string, number>();
  readonly errors = new Map<string, number>();

  constructor(table: ReadonlyArray<TableRow> = DECODER_TABLE) {
    for (const row of table) {
      const f = row.formatter;
      this.slots.set(pack3(f.charCodeAt(0), f.charCodeAt(1), f.charCodeAt(2)), { row, records: row.kinds.map((k) => k.create()) });
    }
    this.result.fields = this.fields;
  }

  /** Decode bytes[0..length): `$` or `!`, address, fields, optional `*HH` (checksum already verified). */
  decode(bytes: Uint8Array, length: number): DecodedSentence {
    const res = this.result;
    const f = this.fields;
    res.record = undefined;
    res.sentenceKind = undefined;
    res.error = null;
    res.talker = 0;
    res.formatter = 0;
    const scanned = f.scan(bytes, length);
    const a = f.start[0];
    const alen = f.end[0] - a;
    // `$PQGSV`/`$PQGSA`: Quectel sends BeiDou satellites under a "PQ" talker (gpsd nmeaid_to_prn quirk).
    const pq = alen === 5 && bytes[a] === 0x50 && bytes[a + 1] === 0x51 && bytes[a + 2] === 0x47 && bytes[a + 3] === 0x53 &&
      (bytes[a + 4] === 0x56 || bytes[a + 4] === 0x41);
    if (alen >= 2 && bytes[a] === 0x50 && bytes[0] === 0x24 && !pq) {
      // `$P` + manufacturer: proprietary (IEC 61162-1)
      res.kind = KIND_PROPRIETARY;
      this.bump(this.counts, KIND_PROPRIETARY);
      return res;
    }
    if (alen !== 5 || !isUpper(bytes[a]) || !isUpperOrDigit(bytes[a + 1])) {
      res.kind = KIND_UNKNOWN; // `$SNRSTAT`, `$GNGGAH`, `!AIVDM`...: forwarded, not decoded
      this.bump(this.counts, KIND_UNKNOWN);
      return res;
    }
    const formatter = pack3(bytes[a + 2], bytes[a + 3], bytes[a + 4]);
    const slot = this.slots.get(formatter);
    // Past MAX_FIELDS only a free-text last field (raw-text message with commas) can still be read.
    if (!scanned && !(slot && slot.row.kinds.length === 1 && (slot.row.kinds[0].textField ?? MAX_FIELDS) < MAX_FIELDS)) {
      res.kind = KIND_UNKNOWN;
      res.error = "too many fields";
      this.bump(this.errors, KIND_UNKNOWN);
      return res;
    }
    res.talker = (bytes[a] << 8) | bytes[a + 1];
    res.formatter = formatter;
    if (!slot || bytes[0] !== 0x24) {
      res.kind = KIND_UNKNOWN;
      this.bump(this.counts, KIND_UNKNOWN);
      return res;
    }
    const idx = slot.row.select ? slot.row.select(f) : 0;
    const kind = slot.row.kinds[idx];
    const rec = slot.records[idx];
    res.kind = kind.kind;
    res.sentenceKind = kind;
    res.record = rec;
    res.error = kind.decode(f, rec);
    this.bump(res.error ? this.errors : this.counts, kind.kind);
    return res;
  }

  private bump(m: Map<string, number>, k: string): void {
    m.set(k, (m.get(k) ?? 0) + 1);
  }
}

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
function isUpperOrDigit(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

export function talkerString(t: number): string {
  return t ? String.fromCharCode(t >> 8, t & 0xff) : "";
}

/** JSON view of the last decoded sentence (cold path). */
export function sentenceJson(d: DecodedSentence, ctx: JsonContext = {}): Record<string, unknown> {
  const f = d.fields;
  const o: Record<string, unknown> = {};
  if (d.kind === KIND_PROPRIETARY) {
    const addr = f.str(0);
    o.talker = "P";
    o.formatter = addr.slice(1);
    o.kind = d.kind;
    o.fields = allFields(f);
    return o;
  }
  if (d.kind === KIND_UNKNOWN) {
    const addr = f.str(0);
    o.talker = d.talker ? talkerString(d.talker) : null;
    o.formatter = d.formatter ? unpack3(d.formatter) : addr;
    o.kind = d.kind;
    o.fields = allFields(f);
    if (d.error) o.error = d.error;
    return o;
  }
  o.talker = talkerString(d.talker);
  o.formatter = unpack3(d.formatter);
  o.kind = d.kind;
  if (d.error) {
    o.error = d.error;
    o.fields = f.strings();
    return o;
  }
  const body = d.sentenceKind!.json(d.record, ctx);
  for (const k in body) if (body[k] !== undefined) o[k] = body[k];
  return o;
}

/** Every data field as a string, however many (cold path; the hot-path table stops at MAX_FIELDS). */
function allFields(f: Fields): string[] {
  let s = "";
  for (let k = f.start[0]; k < f.bodyEnd; k++) s += String.fromCharCode(f.bytes[k]);
  return s.split(",").slice(1);
}
