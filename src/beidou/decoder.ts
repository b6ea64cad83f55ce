// Sentence decoder: one validated sentence (bytes from the framer) -> a typed record.
//
// Allocation-free on the hot path: the field table and one record per sentence kind
// are created once per decoder; each call overwrites them. The result is valid
// until the next call (like the framer's byte view).

import type { ByteHelpers } from "../core/bytes";
import { formatterKeyOf, formatterName } from "../nmea/keys";
import { Fields, MAX_FIELDS } from "./fields";
import type { JsonContext, SentenceKind } from "./kind";
import { DECODER_TABLE, type TableRow } from "./table";
import type { DeviceTarget } from "./targets";

/** Sentence classes that have no decoder. */
export const KIND_UNKNOWN = "unknown",
  KIND_PROPRIETARY = "proprietary";
const TALLY_PROPRIETARY = 0,
  TALLY_UNKNOWN = 2;
/** A constant: on XS a string literal in evaluated bytecode is copied into a new chunk each time it runs. */
const TOO_MANY_FIELDS = "too many fields";

/**
 * The formatters the board's native sentence path (src/native/fixes.c) decodes, in its
 * order: their counters' places are the last entries of the decoder's counters (tallies).
 * The first kind of each row (ZDA: the RNSS form; the RDSS form goes to the JS path).
 */
export const NATIVE_KINDS: ReadonlyArray<string> = [
  "GGA",
  "RMC",
  "GLL",
  "VTG",
  "ZDA",
  "GSA",
  "GSV",
  "GST",
  "GBS",
  "GNS",
  "TXT",
];

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

/** What applyTo feeds: the sentence modules' target plus the unit count (DeviceState). */
export interface StateSink extends DeviceTarget {
  unit(now: number): void;
}

interface Slot {
  /** The row's kinds and select, copied here: one property read fewer each per sentence on XS. */
  kinds: ReadonlyArray<SentenceKind<unknown>>;
  select: TableRow["select"];
  /** Some kind of the row tells the device state something (SentenceKind.apply). */
  applied: boolean;
  records: unknown[];
  /**
   * Index of the first kind's counter in tallies (decoded; + 1 errors); kind k's is
   * tally + 2k. A number, not an array per row: fewer slots on the board's heap.
   */
  tally: number;
}

export class SentenceDecoder {
  readonly fields: Fields;
  readonly result = new DecodedSentence();
  private slots = new Map<number, Slot>();
  /**
   * Counters per kind, two per name (decoded, errors), bumped by index: a Map with
   * string keys per sentence cost a hash lookup and a store on the hot path (XS).
   */
  private readonly names: string[] = [KIND_PROPRIETARY, KIND_UNKNOWN];
  /**
   * A typed array once the table is read (fixed size: the board's native sentence path
   * bumps it, src/native/fixes.c), ending with, per NATIVE_KINDS entry, its kind's first
   * counter (-1: no decoder; -2: a decoder with no apply, so not tallied).
   */
  private tallies: Float64Array;
  /** The counters as bytes (the native path's twin test compares them). */
  readonly tallyBytes: Uint8Array;

  /** Decoded sentences per kind (built on request). */
  get counts(): Map<string, number> {
    return this.tallyMap(0);
  }

  /** Field errors per kind (built on request). */
  get errors(): Map<string, number> {
    return this.tallyMap(1);
  }

  private tallyMap(which: number): Map<string, number> {
    const m = new Map<string, number>();
    for (let i = 0; i < this.names.length; i++)
      if (this.tallies[2 * i + which]) m.set(this.names[i], this.tallies[2 * i + which]);
    return m;
  }

  private tallyIndex(name: string): number {
    let i = this.names.indexOf(name);
    if (i < 0) {
      i = this.names.length;
      this.names.push(name);
    }
    return 2 * i;
  }

  /** The counters of a row's kinds, consecutive (kind names are unique): the first one's index. */
  private rowTally(kinds: ReadonlyArray<SentenceKind<unknown>>): number {
    const first = this.tallyIndex(kinds[0].kind);
    for (let k = 1; k < kinds.length; k++)
      if (this.tallyIndex(kinds[k].kind) !== first + 2 * k) throw new Error(`kind ${kinds[k].kind} named twice`);
    return first;
  }

  /** Doubles the counters of a decoder over `table` take (the `tallies` argument's least length). */
  static tallyRoom(table: ReadonlyArray<TableRow> = DECODER_TABLE): number {
    const names = new Set<string>([KIND_PROPRIETARY, KIND_UNKNOWN]);
    for (const row of table) for (const k of row.kinds) names.add(k.kind);
    return 2 * names.size + NATIVE_KINDS.length;
  }

  /**
   * `bytes`: the byte loops for the field index (native on the board); default TypeScript.
   * `tallies`: where the counters live (the Beidou wiring: after the device state's cells,
   * one buffer for the native path), at least tallyRoom(table) long; default their own.
   */
  constructor(table: ReadonlyArray<TableRow> = DECODER_TABLE, bytes?: ByteHelpers, tallies?: Float64Array) {
    this.fields = new Fields(bytes);
    for (const row of table) {
      const f = row.formatter;
      this.slots.set(formatterKeyOf(f), {
        kinds: row.kinds as ReadonlyArray<SentenceKind<unknown>>,
        select: row.select,
        applied: row.kinds.some((k) => k.apply !== undefined),
        records: row.kinds.map((k) => k.create()),
        tally: this.rowTally(row.kinds),
      });
    }
    this.result.fields = this.fields;
    const n = 2 * this.names.length,
      t = tallies ?? new Float64Array(n + NATIVE_KINDS.length),
      last = t.length - NATIVE_KINDS.length;
    if (last < n) throw new Error("tallies: too short");
    t.fill(0);
    // The kinds' places at the end (the native path finds them there, fixes.c).
    for (let k = 0; k < NATIVE_KINDS.length; k++) {
      const slot = this.slots.get(formatterKeyOf(NATIVE_KINDS[k]));
      t[last + k] = slot === undefined ? -1 : slot.applied ? slot.tally : -2;
    }
    this.tallies = t;
    this.tallyBytes = new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
  }

  /**
   * Decode bytes[0..length): `$` or `!`, address, fields, optional `*HH` (checksum already verified).
   *
   * `stateOnly` (the Beidou wiring feeding the device state): only what the state reads
   * is decoded. A kind with no `apply` is named (kind, talker, formatter; record
   * undefined, error null) but its fields are not read, and a proprietary or unknown
   * sentence whose talker is not BD is not indexed (`fields` then still shows an
   * earlier sentence); neither is tallied. Either way DeviceState.onSentence does with
   * the result what it did with the full decode: count the unit.
   */
  decode(bytes: Uint8Array, length: number, stateOnly = false): DecodedSentence {
    const f = this.fields;
    // The address (field 0) runs from 1 to the first comma or the body's end: read here,
    // before the fields are indexed, so that only sentences with a decoder pay for the
    // number tables (most of the native cost).
    const bodyEnd = length >= 3 && bytes[length - 3] === 0x2a ? length - 3 : length;
    // Usually a 5-letter address: a comma at 6 ends it unless one comes earlier, which only
    // the cold paths below must rule out (c0 and c1 are checked as letters or digits, a
    // decodable formatter as letters). indexOf costs thousands of RV32 instructions.
    const guessed = bodyEnd >= 6 && bytes[6] === 0x2c;
    let e = 6;
    if (!guessed) {
      e = bytes.indexOf(0x2c, 1);
      if (e < 0 || e > bodyEnd) e = bodyEnd;
    }
    // isUpper / isUpperOrDigit and formatterKey inlined: a call each per sentence on XS.
    const c0 = bytes[1],
      c1 = bytes[2];
    // With a guessed end a comma at 2 makes the address one byte long (alen 1).
    const alen = guessed && c1 === 0x2c ? 1 : e - 1;
    if (c0 === 0x50 && alen >= 2 && bytes[0] === 0x24) {
      // `$PQGSV`/`$PQGSA`: Quectel sends BeiDou satellites under a "PQ" talker (gpsd nmeaid_to_prn quirk).
      const pq =
        alen === 5 && c1 === 0x51 && bytes[3] === 0x47 && bytes[4] === 0x53 && (bytes[5] === 0x56 || bytes[5] === 0x41);
      // `$P` + manufacturer: proprietary (IEC 61162-1)
      if (!pq) {
        if (!stateOnly) f.scan(bytes, length, false);
        return this.undecoded(KIND_PROPRIETARY, TALLY_PROPRIETARY, 0, 0, null);
      }
    }
    // `$SNRSTAT`, `$GNGGAH`, `!AIVDM`...: forwarded, not decoded
    if (alen !== 5 || !(c0 >= 0x41 && c0 <= 0x5a) || !((c1 >= 0x41 && c1 <= 0x5a) || (c1 >= 0x30 && c1 <= 0x39))) {
      if (!stateOnly) f.scan(bytes, length, false);
      return this.undecoded(KIND_UNKNOWN, TALLY_UNKNOWN, 0, 0, null);
    }
    const formatter = (bytes[3] << 16) | (bytes[4] << 8) | bytes[5];
    const talker = (c0 << 8) | c1;
    const slot = this.slots.get(formatter);
    const decodable = slot !== undefined && bytes[0] === 0x24;
    // A guessed address end with a comma inside the formatter: not talker + 3 letters after all.
    if (!decodable && guessed && (bytes[3] === 0x2c || bytes[4] === 0x2c || bytes[5] === 0x2c)) {
      if (!stateOnly) f.scan(bytes, length, false);
      return this.undecoded(KIND_UNKNOWN, TALLY_UNKNOWN, 0, 0, null);
    }
    const res = this.result;
    if (stateOnly && (decodable ? !slot.applied : talker !== 0x4244)) {
      // Nothing for the state but the unit (an unknown $BD sentence is logged: indexed below).
      res.talker = talker;
      res.formatter = formatter;
      res.kind = decodable ? slot.kinds[0].kind : KIND_UNKNOWN;
      res.sentenceKind = undefined;
      res.record = undefined;
      res.error = null;
      return res;
    }
    const scanned = f.scan(bytes, length, decodable);
    // Past MAX_FIELDS only a free-text last field (raw-text message with commas) can still be read.
    if (!scanned && !(slot && slot.kinds.length === 1 && (slot.kinds[0].textField ?? MAX_FIELDS) < MAX_FIELDS))
      return this.undecoded(KIND_UNKNOWN, TALLY_UNKNOWN + 1, 0, 0, TOO_MANY_FIELDS);
    if (!decodable) return this.undecoded(KIND_UNKNOWN, TALLY_UNKNOWN, talker, formatter, null);
    // A decoded kind sets every field of the result (no reset first: fewer writes per sentence on XS).
    const idx = slot.select ? slot.select(f) : 0;
    const kind = slot.kinds[idx];
    const rec = slot.records[idx];
    res.talker = talker;
    res.formatter = formatter;
    res.kind = kind.kind;
    res.sentenceKind = kind;
    res.record = rec;
    res.error = kind.decode(f, rec);
    this.tallies[slot.tally + 2 * idx + (res.error ? 1 : 0)]++;
    return res;
  }

  /**
   * decode(bytes, length, true) and DeviceState.onSentence in one (the Beidou wiring's hot
   * path): for the usual address (`$`, talker, a formatter with a decoder, comma at 6) it
   * counts the unit, decodes and applies the sentence, tallies as decode does, and returns
   * true; `result` is not written (nothing on the board reads it). Otherwise it does
   * nothing and returns false: the caller takes the general path. On XS this saves the
   * result's writes and reads, a call and the address checks the common case never needs.
   */
  applyTo(bytes: Uint8Array, length: number, st: StateSink, now: number): boolean {
    if (bytes[6] !== 0x2c || bytes[0] !== 0x24) return false;
    const c0 = bytes[1],
      c1 = bytes[2];
    if (!(c0 >= 0x41 && c0 <= 0x5a) || !((c1 >= 0x41 && c1 <= 0x5a) || (c1 >= 0x30 && c1 <= 0x39))) return false;
    const b3 = bytes[3],
      b4 = bytes[4],
      b5 = bytes[5];
    // A `P` talker decodes only as Quectel's `$PQGSV`/`$PQGSA` (decode: proprietary otherwise).
    if (c0 === 0x50 && (c1 !== 0x51 || b3 !== 0x47 || b4 !== 0x53 || (b5 !== 0x56 && b5 !== 0x41))) return false;
    // A comma in the formatter matches no slot (formatters are letters).
    const slot = this.slots.get((b3 << 16) | (b4 << 8) | b5);
    if (slot === undefined) return false;
    st.unit(now);
    if (!slot.applied) return true; // named, not read, not tallied (decode, state-only)
    const f = this.fields;
    if (
      !f.scan(bytes, length, true) &&
      !(slot.kinds.length === 1 && (slot.kinds[0].textField ?? MAX_FIELDS) < MAX_FIELDS)
    ) {
      this.tallies[TALLY_UNKNOWN + 1]++;
      return true;
    }
    const idx = slot.select ? slot.select(f) : 0;
    const kind = slot.kinds[idx];
    const rec = slot.records[idx];
    const error = kind.decode(f, rec, true);
    this.tallies[slot.tally + 2 * idx + (error ? 1 : 0)]++;
    if (error === null && kind.apply !== undefined) kind.apply(st, rec, (c0 << 8) | c1, now);
    return true;
  }

  /** A sentence with no decoder (proprietary, unknown, or too many fields): counted, no record. */
  private undecoded(
    kind: string,
    tally: number,
    talker: number,
    formatter: number,
    error: string | null,
  ): DecodedSentence {
    const res = this.result;
    res.kind = kind;
    res.talker = talker;
    res.formatter = formatter;
    res.record = undefined;
    res.sentenceKind = undefined;
    res.error = error;
    this.tallies[tally]++;
    return res;
  }
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
    o.formatter = d.formatter ? formatterName(d.formatter) : addr;
    o.kind = d.kind;
    o.fields = allFields(f);
    if (d.error) o.error = d.error;
    return o;
  }
  o.talker = talkerString(d.talker);
  o.formatter = formatterName(d.formatter);
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
