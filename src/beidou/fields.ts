// In-place field access over one sentence's bytes.
//
// The framer hands over a reused byte view; decoders must not split it into
// strings (per-sentence garbage on a heap of tens of KB). Fields.scan() records
// the start/end offset of each comma-separated field in two preallocated
// tables, and the accessors parse numbers straight from the bytes. Only the
// cold paths (CLI, logging, text of TXT) build strings.
//
// Field numbering follows the standards' tables: field 0 is the address
// (talker + formatter, e.g. "GNGGA"), field 1 the first data field.

/** Most fields any supported sentence carries (ICZ: 41; GSA with 16 slots: 22). */
export const MAX_FIELDS = 64;
/** The same, module-local: on XS an exported constant is a property read per use (scan, per sentence). */
const MAX = MAX_FIELDS;

import { type ByteHelpers, NUMBER_TABLE_BYTES_PER_FIELD, tsBytes } from "../core/bytes";
import { hexValue } from "../nmea/checksum";

const EMPTY = new Uint8Array(0);

export class Fields {
  bytes: Uint8Array = EMPTY;
  /** Number of data fields (the highest valid index). */
  count = 0;
  /** Offset of the body end: the `*` of the checksum, or the sentence length. */
  bodyEnd = 0;
  /** start[] then end[] in one buffer, so that one native call fills both (ByteHelpers.fieldIndex). */
  private readonly table = new Uint8Array(4 * (MAX_FIELDS + 1));
  readonly start = new Uint16Array(this.table.buffer, 0, MAX_FIELDS + 1);
  readonly end = new Uint16Array(this.table.buffer, 2 * (MAX_FIELDS + 1), MAX_FIELDS + 1);
  /** The number tables, filled by the same call as the index (ByteHelpers.fieldIndex). */
  private readonly numberBytes = new Uint8Array(NUMBER_TABLE_BYTES_PER_FIELD * (MAX_FIELDS + 1));
  /**
   * Field i as a decimal (num(i)), NaN when empty, malformed or absent, for i <= MAX_FIELDS.
   * Decoders read these tables directly where i is a constant or bounded by count: on XS
   * a call per field cost ~30 units, a table read ~6.
   */
  readonly nums = new Float64Array(this.numberBytes.buffer, 0, MAX_FIELDS + 1);
  /** Field i as an integer (int(i)), NaN when empty, malformed or absent, for i <= MAX_FIELDS. */
  readonly ints = new Float64Array(this.numberBytes.buffer, 8 * (MAX_FIELDS + 1), MAX_FIELDS + 1);
  /** Field i as a UTC time of day in seconds (time(i)), NaN when empty, malformed or absent. */
  readonly times = new Float64Array(this.numberBytes.buffer, 16 * (MAX_FIELDS + 1), MAX_FIELDS + 1);
  /** Field i with field i + 1 as N/S: signed decimal degrees (coord(i, false)), else NaN. */
  readonly lats = new Float64Array(this.numberBytes.buffer, 24 * (MAX_FIELDS + 1), MAX_FIELDS + 1);
  /** Field i with field i + 1 as E/W: signed decimal degrees (coord(i, true)), else NaN. */
  readonly lons = new Float64Array(this.numberBytes.buffer, 32 * (MAX_FIELDS + 1), MAX_FIELDS + 1);
  /** Field i's character when it is one byte long (char(i)), 0 when empty or absent, -1 when longer. */
  readonly chars = new Int16Array(this.numberBytes.buffer, 40 * (MAX_FIELDS + 1), MAX_FIELDS + 1);
  private readonly helpers: ByteHelpers;

  /** `bytes`: the byte loops (native on the board, src/native/bytes.c); default TypeScript. */
  constructor(bytes: ByteHelpers = tsBytes) {
    this.helpers = bytes;
  }

  /**
   * Index the fields of bytes[0..length) (`$` or `!` at 0, optional `*HH` at the end).
   * Returns false when the sentence has more than MAX_FIELDS fields. `numbers` false:
   * the offsets only (str, strings, len, at, digits, hex); the number tables (nums,
   * ints, times, lats, lons, chars and their accessors) keep the previous sentence's
   * values: for sentences nothing decodes (the number tables are most of the native cost).
   */
  scan(bytes: Uint8Array, length: number, numbers = true): boolean {
    this.bytes = bytes;
    let bodyEnd = length;
    if (length >= 3 && bytes[length - 3] === 0x2a) bodyEnd = length - 3;
    this.bodyEnd = bodyEnd;
    const n = this.helpers.fieldIndex(bytes, bodyEnd, this.table, MAX, numbers ? this.numberBytes : undefined);
    if (n >= 0) {
      this.count = n;
      return true;
    }
    // More than MAX_FIELDS fields: the last slot is not indexed (its numbers are NaN).
    this.count = MAX;
    return false;
  }

  /** Field length in bytes (0 when absent or empty). */
  len(i: number): number {
    return i > this.count ? 0 : this.end[i] - this.start[i];
  }

  empty(i: number): boolean {
    return i > this.count || this.chars[i] === 0;
  }

  /** Character code of a one-character field, 0 when empty or absent, -1 when longer. */
  char(i: number): number {
    return i > this.count ? 0 : this.chars[i];
  }

  /** Character code of an optional one-letter field (mode, status): 0 when empty, absent or longer. */
  letter(i: number): number {
    const c = i > this.count ? 0 : this.chars[i];
    return c > 0 ? c : 0;
  }

  /** Byte at position k of field i (no bounds check beyond the field). */
  at(i: number, k: number): number {
    return this.bytes[this.start[i] + k];
  }

  /** True when field i is 1+ decimal digits only. */
  digits(i: number): boolean {
    if (i > this.count) return false;
    const a = this.start[i],
      b = this.end[i];
    if (a === b) return false;
    for (let k = a; k < b; k++) {
      const c = this.bytes[k];
      if (c < 0x30 || c > 0x39) return false;
    }
    return true;
  }

  /** Decimal number with optional sign and fraction; NaN when empty or malformed. */
  num(i: number): number {
    return i > this.count ? NaN : this.nums[i];
  }

  /** Integer (optional sign, digits only); NaN when empty or malformed. */
  int(i: number): number {
    return i > this.count ? NaN : this.ints[i];
  }

  /** Unsigned hexadecimal integer (upper or lower case); NaN when empty or malformed. */
  hex(i: number): number {
    if (i > this.count) return NaN;
    const a = this.start[i],
      b = this.end[i];
    if (a === b || b - a > 8) return NaN;
    let v = 0;
    for (let k = a; k < b; k++) {
      const d = hexValue(this.bytes[k]);
      if (d < 0) return NaN;
      v = v * 16 + d;
    }
    return v;
  }

  /**
   * UTC time `hhmmss[.sss]` as seconds since midnight; NaN when empty or malformed.
   * Seconds up to 60 are accepted (leap second).
   */
  time(i: number): number {
    return i > this.count ? NaN : this.times[i];
  }

  /**
   * Latitude (`ddmm.mmmm`, deg 2 digits) or longitude (`dddmm.mmmm`) with its hemisphere field
   * at i+1, as signed decimal degrees; NaN when empty or malformed. A leading minus together
   * with a hemisphere letter (Unicore UM981 defect) is read as the magnitude with that hemisphere.
   */
  coord(i: number, isLon: boolean): number {
    return i >= this.count ? NaN : isLon ? this.lons[i] : this.lats[i];
  }

  /** Field as a latin-1 string (cold path: allocates). */
  str(i: number): string {
    if (i > this.count) return "";
    let s = "";
    for (let k = this.start[i]; k < this.end[i]; k++) s += String.fromCharCode(this.bytes[k]);
    return s;
  }

  /** All data fields as strings (cold path, unknown sentences). */
  strings(): string[] {
    const out: string[] = [];
    for (let i = 1; i <= this.count; i++) out.push(this.str(i));
    return out;
  }
}
