// The byte loops of the hot path behind one small API, so that the board can run
// them as native code (C with xsmc: src/native/bytes.c, declared for XS in
// src/native/bytes.js) while Node and the tests run these TypeScript versions,
// which are the reference: the native ones must give byte-identical results
// (hosttest/xs/native-sameness.test.ts). The framer, the 450 encoder and the
// network side take a `bytes` option; without it they use `tsBytes`.
//
// On XS every interpreted byte costs several bytecodes (a sentence of 70 bytes is
// read, checked and copied several times); a native call costs a dozen units
// whatever its length. The functions are shaped so that one call does one whole
// pass: few calls per sentence, no repeated scans of the same bytes.

import { BACKSLASH, BANG, COMMA, DOLLAR, STAR } from "../nmea/chars";
import { HEX_DIGITS, hexValue } from "../nmea/checksum";

export interface ByteHelpers {
  /**
   * Copy printable text bytes (0x20..0xFF except 0x7F, '$', '!') from
   * bytes[start..end) to buf[len..) until another byte or a full buf. Returns the
   * index in `bytes` where it stopped (the new len is len + (result - start)).
   */
  scanText(bytes: Uint8Array, start: number, end: number, buf: Uint8Array, len: number): number;
  /**
   * A text unit buf[0..n) ended by a line end: 0 when it is a valid sentence
   * (two-digit checksum right, address of 2+ upper-case letters/digits up to the
   * first ','), otherwise the reject code (REJECT_REASONS index + 1).
   */
  checkSentence(buf: Uint8Array, n: number): number;
  /**
   * The framer's common path, line after line, in one call (src/core/framer.ts).
   * io[0] is the length of the text unit in buf, 0 between units. Between units it
   * skips bytes[start..) to a start character ('$' or '!'), adding the bytes skipped
   * other than CR and LF to the tally's noise, and begins a unit with it (buf[0];
   * units). Then it copies text bytes as scanText does. At a CR or LF ending the
   * unit (consumed), checkSentence's verdict: a sentence (counted in sentences)
   * stops it with io[1] = 0; a reject is counted (rejected and its reason)
   * and stops it with its code, unless `quiet` (a framer without an onReject
   * callback): then it goes on with the next unit, and so it does after a control
   * byte that ends a unit (consumed; badCharacter) unless that byte may start an
   * RDSS 4.0 frame (5 bytes from '$'), and, quiet, after a start character right after
   * the unit's own ("$$GGA,..."): the first is a truncated unit (counted), the second
   * begins the next (the JS framer's later-start rule gives the same). It also stops at:
   * - the end of the input: io[1] = FRAME_MORE;
   * - any other byte (a start or control character), or a full buf: not consumed;
   *   io[1] = FRAME_OTHER.
   * io[0] = the unit's length then. Returns the index in `bytes` where it stopped.
   * `io`: the bytes of two 16-bit numbers in platform order (xsmc takes byte arrays);
   * `tally`: the bytes of TALLY_LENGTH 64-bit counts (the framer's counters), added to.
   */
  frameText: typeof frameText;
  /**
   * Index the comma-separated fields of bytes[1..bodyEnd) into `table`: start
   * offsets as 16-bit numbers in platform byte order (little-endian on every bd450
   * target) at table[0..), end offsets from table[2 * (max + 1)..). Field 0 is the
   * address. Returns the number of data fields (the last field's index), or -1
   * when there are more than `max` (the first `max` are indexed).
   * With `numbers` (NUMBER_TABLE_BYTES_PER_FIELD * (max + 1) bytes or more, platform
   * order: xsmc takes byte arrays only), m = max + 1, for each indexed field i:
   * - doubles i, m + i, 2m + i: its `decimal`, `integer` and time of day (hhmmss[.s+]
   *   as seconds);
   * - doubles 3m + i and 4m + i: the latitude and the longitude it gives with the
   *   hemisphere letter of field i + 1 ([+-]d+mm[.m+] as degrees; N/S up to 90 for a
   *   latitude, E/W up to 180 for a longitude; S and W negative), NaN otherwise;
   * - 16-bit integer at byte 40m + 2i: its character code when it is one byte long,
   *   0 when empty, -1 when longer;
   * and NaN (character 0) for the slots past the last indexed field: decoders read
   * these tables instead of making one call per field.
   */
  fieldIndex(bytes: Uint8Array, bodyEnd: number, table: Uint8Array, max: number, numbers?: Uint8Array): number;
  /**
   * A run of ID fields in fieldIndex's number table `numbers` (m = max + 1): fields
   * from, from + step, ... below `to`, each an integer lo..999 (its integer double,
   * m + i) or empty (NaN with character 0). The valid ones are counted, the first
   * `cap` written to `ids` (16-bit, platform order; undefined: not written) and their
   * field index to `at` (when given). Returns the count, or -1 - count at the first
   * field that is neither. One call for a run of slots (on XS a typed-array read, a
   * test and a write per slot cost thousands of RV32 instructions).
   */
  fieldIds: typeof fieldIds;
  /**
   * For c < n: double idx[c] + off of `numbers` (platform order) as a whole number
   * (Math.round) when within lo..hi, else `none`, written at out[width * (at + c)] as a
   * `width`-byte (1 or 2) signed integer, little-endian. lo, hi and none within
   * -32768..32767. Returns n. One call for a column of values (a table of satellites).
   */
  wholes: typeof wholes;
  /**
   * [+-]digits[.digits] in bytes[a..b) as a number (the mantissa accumulated digit by
   * digit in doubles, then divided by 10^fraction digits); NaN when empty or malformed.
   */
  decimal(bytes: Uint8Array, a: number, b: number): number;
  /** [+-]digits in bytes[a..b) as a number; NaN when empty or malformed. */
  integer(bytes: Uint8Array, a: number, b: number): number;
  /** XOR of bytes[start..end). */
  xor(bytes: Uint8Array, start: number, end: number): number;
  /**
   * Carrier chunking: the end of the chunk of src[from..length) that fits `budget`
   * bytes once escaped (a reserved byte takes 3, as ^HH; an escape is never split).
   */
  chunkEnd(src: Uint8Array, from: number, length: number, budget: number): number;
  /** Write src[from..to) escaped (reserved bytes as ^HH) at out[p]; returns the new end. */
  escape(out: Uint8Array, p: number, src: Uint8Array, from: number, to: number): number;
  /**
   * The one-line datagram "UdPbC\0\s:<sfi>,n:<line>[,c:<seconds>]*HH\<sentence>\r\n"
   * in out (seconds < 0: no c:; else its whole part). With `store` (see ResizableStore)
   * the buffer is sized to the datagram. Returns its length, or 0 when the sentence is
   * not strictly carriable (isStrictlyCarriable, src/core/encoder.ts: over 80 bytes,
   * a byte outside 0x20..0x7E after the start character, or a reserved character
   * in the fields).
   */
  writeLine(
    out: Uint8Array,
    sfi: Uint8Array,
    line: number,
    seconds: number,
    sentence: Uint8Array,
    length: number,
    store?: ResizableStore,
  ): number;
  /**
   * A TAG block "\\[g:<gLine>-<gTotal>-<gCode>,]s:<sfi>,n:<line>[,c:<seconds>][,d:<dest>]*HH\\"
   * at out[p] (gTotal <= 0: no g:; seconds < 0: no c:, else its whole part; no dest: no
   * d:), as writeLine writes it; numbers are non-negative integers. Returns its end.
   */
  tagBlock: typeof tagBlock;
  /**
   * The gateway's common path in one call (src/core/gateway.ts): frameText's framing of
   * bytes[start..end) into buf (unit length at block FW_LEN, the framer's tally at
   * FW_TALLY; F_QUIET as frameText's quiet; bytes consumed added to the tally's bytes),
   * and for a valid sentence (units heard counted) the forward of the plain case
   * (F_FORWARD): the route (the block's default table, $P... and unknown to MISC), the
   * one-line datagram as writeLine writes it into out (store sized to it) with the next
   * line count (FW_LINE, 1..999 wrapping) and the block's SFI, and the counts (forwarded,
   * datagrams, perGroup, encoder sentences/datagrams/bytes, lines). Returns
   * consumed * 1024 + group * 32 + action; the action is frameText's code (FRAME_MORE,
   * FRAME_OTHER, or a reject when not quiet: its length at FW_N), or:
   * - A_SENT: the datagram (its length at FW_N) is ready for the socket on `group`;
   * - A_SENT_UNIT (F_UNIT and F_QUIET): as A_SENT, and the call framed on to the next
   *   sentence (length at FW_PENDING), for onUnit; the next call forwards it. (With those
   *   flags an A_SENT means the call framed on to the end of the input or to FRAME_OTHER's
   *   byte: the unit so far is kept at FW_LEN);
   * - A_UNIT (F_UNIT): the sentence (length at FW_N) is for onUnit; the next call forwards it;
   * - A_FORWARD: the sentence (length at FW_N) takes the JS path: group 0 without F_FORWARD
   *   (nothing counted but heard), else counted as forwarded on `group` but not strictly
   *   carriable or over its field limit (the encoder's other paths);
   * - A_JS: FW_LEN is FW_JS (the framer's JS path has the unit): nothing done;
   * - A_ASK (F_ASK, after A_UNIT's turn): the sentence (length at FW_N) is kept for the
   *   next call, which forwards it with the flags and seconds the caller then gives (so the
   *   caller reads the clock and its settings only for a read that completes a sentence).
   * Stops after FW_MAX_SPAN bytes.
   */
  forwardText: typeof forwardText;
  /**
   * One carrier line at out[p]: tagBlock's TAG block (g:gLine-gTotal-gCode), then the
   * carrier sentence `<address><gTotal>,<gLine>,<gCode>,<src[from..to) escaped>*HH` (the
   * checksum over what follows the address's start character) and CR LF. Returns its end.
   */
  carrierLine: typeof carrierLine;
}

/**
 * An ES2024 resizable ArrayBuffer (the project's lib is ES2022). Given to writeLine
 * as the buffer under a length-tracking `out`, it is left sized to the datagram when
 * the result is > 0 (unspecified on 0), so the socket gets the whole buffer.
 */
export interface ResizableStore {
  resize(byteLength: number): void;
  readonly maxByteLength: number;
}

/** Reject codes of checkSentence (REJECT_REASONS index + 1, src/core/framer.ts). */
/** Bytes per field slot of fieldIndex's number table: five doubles and a 16-bit character. */
export const NUMBER_TABLE_BYTES_PER_FIELD = 42;

/** frameText's io[1] besides a line end's verdict (0, or a reject code 1..8). */
export const FRAME_MORE = 14,
  FRAME_OTHER = 15;

export const CODE_BAD_CHECKSUM = 1,
  CODE_NO_CHECKSUM = 2,
  CODE_BAD_CHARACTER = 4,
  CODE_TRUNCATED = 5,
  CODE_BAD_ADDRESS = 6;

function hunt(bytes: Uint8Array, start: number, end: number, tally: Uint32Array): number {
  let i = start,
    noise = 0;
  while (i < end) {
    const c = bytes[i];
    if (c === DOLLAR || c === BANG) break;
    if (c !== 0x0d && c !== 0x0a) noise++;
    i++;
  }
  if (noise) addTally(tally, TALLY_NOISE, noise);
  return i;
}

function scanText(bytes: Uint8Array, start: number, end: number, buf: Uint8Array, len: number): number {
  const max = buf.length;
  let i = start;
  while (i < end && len < max) {
    const c = bytes[i];
    if (c < 0x20 || c === 0x7f || c === DOLLAR || c === BANG) break;
    buf[len++] = c;
    i++;
  }
  return i;
}

function checkSentence(b: Uint8Array, n: number): number {
  if (n < 4) return n === 1 ? CODE_TRUNCATED : CODE_NO_CHECKSUM;
  const last = n - 3;
  if (b[last] !== STAR) return b[n - 2] === STAR || b[n - 1] === STAR ? CODE_BAD_CHECKSUM : CODE_NO_CHECKSUM;
  const h = hexValue(b[n - 2]),
    l = hexValue(b[n - 1]);
  if (h < 0 || l < 0) return CODE_BAD_CHECKSUM;
  // One pass: the checksum, and the address (up to the first ',') checked on the way.
  let x = 0,
    k = 1,
    verdict = 0;
  for (; k < last; k++) {
    const a = b[k];
    x ^= a;
    if (a === COMMA) break;
    if (verdict === 0 && !((a >= 0x41 && a <= 0x5a) || (a >= 0x30 && a <= 0x39)))
      verdict = a === STAR || a === BACKSLASH ? CODE_BAD_CHARACTER : CODE_BAD_ADDRESS;
  }
  if (verdict === 0 && k < 3) verdict = CODE_BAD_ADDRESS;
  for (k++; k < last; k++) x ^= b[k];
  // The checksum verdict comes first, as the reasons are ranked.
  if (((h << 4) | l) !== x) return CODE_BAD_CHECKSUM;
  return verdict;
}

/** The 16-bit view of the last io buffer seen (the framer reuses one): created once, not per call. */
let lastIo: Uint8Array | undefined, lastIo16: Uint16Array | undefined;

/**
 * frameText's tally: the framer's counters (src/core/framer.ts FRAMER_COUNTERS:
 * bytes, noiseBytes, units, sentences, frames, rejected, then the reasons) by index,
 * each a 64-bit count as two 32-bit words, low first (a Uint32Array's bytes), so that
 * the native helper adds to them with integer adds and no property lookups. A reject
 * code k counts at TALLY_REJECTED + k.
 */
export const TALLY_NOISE = 1,
  TALLY_UNITS = 2,
  TALLY_SENTENCES = 3,
  TALLY_REJECTED = 5,
  TALLY_LENGTH = 14;

/** tally[k] += n (n >= 0), with the carry into the high word. */
export function addTally(tally: Uint32Array, k: number, n: number): void {
  const lo = tally[2 * k] + n;
  if (lo > 0xffffffff) {
    tally[2 * k] = lo - 4294967296;
    tally[2 * k + 1]++;
  } else tally[2 * k] = lo;
}

/** The Uint32Array view of the last tally seen (the framer reuses one). */
let lastTally: Uint8Array | undefined, lastTally32: Uint32Array | undefined;

/** frameCore's unit length and result code (module variables: no object per call). */
let coreLen = 0,
  coreCode = 0;

/** frameText's loop over a Uint32Array tally: sets coreLen and coreCode, returns where it stopped. */
function frameCore(
  bytes: Uint8Array,
  i: number,
  end: number,
  buf: Uint8Array,
  len: number,
  t: Uint32Array,
  quiet: boolean | undefined,
): number {
  let code: number;
  for (;;) {
    if (len === 0) {
      i = hunt(bytes, i, end, t);
      if (i >= end) {
        code = FRAME_MORE;
        break;
      }
      buf[0] = bytes[i++];
      len = 1;
      addTally(t, TALLY_UNITS, 1);
    }
    const stop = scanText(bytes, i, end, buf, len);
    len += stop - i;
    i = stop;
    if (i >= end) {
      code = FRAME_MORE;
      break;
    }
    const c = bytes[i];
    if (c === 0x0d || c === 0x0a) {
      i++;
      code = checkSentence(buf, len);
      if (code === 0) {
        addTally(t, TALLY_SENTENCES, 1);
        break;
      }
      addTally(t, TALLY_REJECTED, 1);
      addTally(t, TALLY_REJECTED + code, 1);
      if (!quiet) break;
      len = 0;
      continue;
    }
    // A control byte ends the unit (badCharacter), unless it may start an RDSS 4.0 frame: the framer decides that.
    if (quiet && (c < 0x20 || c === 0x7f) && !(len === 5 && c < 0x20 && buf[0] === DOLLAR)) {
      i++;
      addTally(t, TALLY_REJECTED, 1);
      addTally(t, TALLY_REJECTED + CODE_BAD_CHARACTER, 1);
      len = 0;
      continue;
    }
    // "$$GGA,...": a start character right after the unit's own (quiet) makes the first a
    // truncated unit, as the framer's later-start rule decides it at the line end (the first
    // candidate has no address: SentenceFramer.endText), so the line stays on this path.
    if (quiet && len === 1 && (c === DOLLAR || c === BANG)) {
      i++;
      addTally(t, TALLY_REJECTED, 1);
      addTally(t, TALLY_REJECTED + CODE_TRUNCATED, 1);
      addTally(t, TALLY_UNITS, 1);
      buf[0] = c;
      continue;
    }
    code = FRAME_OTHER;
    break;
  }
  coreLen = len;
  coreCode = code;
  return i;
}

function frameText(
  bytes: Uint8Array,
  start: number,
  end: number,
  buf: Uint8Array,
  io: Uint8Array,
  tally: Uint8Array,
  quiet?: boolean,
): number {
  if (io !== lastIo) {
    if (io.length < 4 || (io.byteOffset & 1) !== 0) throw new RangeError("out of range");
    lastIo = io;
    lastIo16 = new Uint16Array(io.buffer, io.byteOffset, 2);
  }
  const io16 = lastIo16!;
  if (tally !== lastTally) {
    if (tally.length < 8 * TALLY_LENGTH || (tally.byteOffset & 3) !== 0) throw new RangeError("out of range");
    lastTally = tally;
    lastTally32 = new Uint32Array(tally.buffer, tally.byteOffset, 2 * TALLY_LENGTH);
  }
  const max = buf.length,
    len = io16[0];
  if (start < 0 || end > bytes.length || len > max || max < 1) throw new RangeError("out of range");
  const i = frameCore(bytes, start, end, buf, len, lastTally32!, quiet);
  io16[0] = coreLen;
  io16[1] = coreCode;
  return i;
}

/**
 * The forward block (ByteHelpers.forwardText): the state of the gateway's common path as
 * 32-bit words (platform order), so that one native call frames, routes, writes and
 * counts a sentence with no property lookups:
 * - FW_LEN: the length of the text unit in the framer's buffer while the call has the
 *   framer's common path (0 between units); FW_JS while the framer's JS path has it;
 * - FW_N: the length of the sentence (A_UNIT, A_FORWARD, a reject) or datagram (A_SENT)
 *   of the last stop;
 * - FW_PENDING: length of the sentence given to onUnit (A_UNIT, A_SENT_UNIT), to forward at the next call;
 * - FW_LINE: the encoder's line count n: (0 before the first line, then 1..999);
 * - FW_SFI: the SFI's 6 bytes (from byte 4 * FW_SFI);
 * - FW_ROUTES, FW_LIMITS: the number of route and field-limit entries at FW_TABLE;
 * - FW_COUNTS: FC_LENGTH 64-bit counts (low word first): FC_* below;
 * - FW_TALLY: the framer's tally (TALLY_*);
 * - FW_TABLE: the routes, formatter key (24 bits) * 256 + group, ascending; then the
 *   field limits, formatter key * 256 + most data fields, ascending.
 */
export const FW_LEN = 0,
  FW_N = 1,
  FW_PENDING = 2,
  FW_LINE = 3,
  FW_SFI = 4,
  FW_ROUTES = 6,
  FW_LIMITS = 7,
  FW_COUNTS = 8;
/** FW_LEN while the framer's JS path has the unit (forwardText returns A_JS at once). */
export const FW_JS = 0xffffffff;
/** The counts of the block (64-bit, at FW_COUNTS + 2k): units heard, the gateway's and the encoder's counters, perGroup. */
export const FC_HEARD = 0,
  FC_FORWARDED = 1,
  FC_DATAGRAMS = 2,
  FC_SENTENCES = 3,
  FC_ENCODED = 4,
  FC_BYTES = 5,
  FC_LINES = 6,
  FC_PER_GROUP = 7,
  /** perGroup's 21 slots (group index 0..20). */
  FC_LENGTH = FC_PER_GROUP + 21;
export const FW_TALLY = FW_COUNTS + 2 * FC_LENGTH,
  FW_TABLE = FW_TALLY + 2 * TALLY_LENGTH;

/** forwardText's flags: forward in the plain case (no answers awaited, no override rules, filter off, maxRate 0). */
export const F_FORWARD = 1,
  /** Stop at each sentence for onUnit (A_UNIT) before forwarding it. */
  F_UNIT = 2,
  /** No onReject: rejects are counted and framing goes on (frameText's quiet). */
  F_QUIET = 4,
  /** The other flags and `seconds` are not known yet: stop with A_ASK before forwarding. */
  F_ASK = 8;
/** forwardText's actions (result & 31) besides frameText's codes (a reject 1..8, FRAME_MORE, FRAME_OTHER). */
export const A_SENT = 16,
  A_UNIT = 17,
  A_FORWARD = 18,
  A_JS = 19,
  A_ASK = 20,
  A_SENT_UNIT = 21;
/** Most bytes one forwardText call consumes: the count fits the result's high bits. */
export const FW_MAX_SPAN = 0x1fffff;

/** Where a counters object keeps its 64-bit counts (not enumerable, so not a counter). */
export const COUNTS = Symbol("counts");
type CountsHolder = { [COUNTS]: Uint32Array };

/**
 * One getter and setter per count of the block (FC_*), made once at load and shared by
 * every counters object (per-object closures cost the board heap slots): each reads or
 * sets its 64-bit count in `this[COUNTS]` (the block's counts, from FW_COUNTS).
 */
export const COUNT_ACCESSORS: ReadonlyArray<PropertyDescriptor> = Array.from({ length: FC_LENGTH }, (_, k) => ({
  get(this: CountsHolder) {
    // The high word is 0 below 2^32: no double arithmetic then (software on RV32; the XS
    // test harness reads forwarded after every UART chunk).
    const t = this[COUNTS],
      hi = t[2 * k + 1];
    return hi === 0 ? t[2 * k] : t[2 * k] + hi * 4294967296;
  },
  set(this: CountsHolder, v: number) {
    const t = this[COUNTS],
      hi = Math.floor(v / 4294967296);
    t[2 * k + 1] = hi;
    t[2 * k] = v - hi * 4294967296;
  },
  enumerable: true,
}));

/**
 * A forward block for these routes (formatter key -> group 1..31) and field limits
 * (formatter key -> most data fields 0..255), FW_LEN = FW_JS.
 */
export function forwardBlock(routes: ReadonlyMap<number, number>, limits?: ReadonlyMap<number, number>): Uint32Array {
  const r = [...routes].sort((a, b) => a[0] - b[0]),
    l = limits ? [...limits].sort((a, b) => a[0] - b[0]) : [];
  const w = new Uint32Array(FW_TABLE + r.length + l.length);
  w[FW_LEN] = FW_JS;
  w[FW_ROUTES] = r.length;
  w[FW_LIMITS] = l.length;
  let k = FW_TABLE;
  for (const [key, v] of [...r, ...l]) {
    if (!(key >= 0 && key < 0x1000000 && v >= 0 && v <= 255)) throw new RangeError("route or limit out of range");
    w[k++] = key * 256 + v;
  }
  return w;
}

/** The value of `key` in the block's ascending table at words [from, from + count), or -1. */
function lookup(w: Uint32Array, from: number, count: number, key: number): number {
  let lo = from,
    hi = from + count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1,
      k = w[mid] >>> 8;
    if (k === key) return w[mid] & 255;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Encoder.tooManyFields on the block's limit table: more commas than the formatter's limit? */
function tooManyFields(w: Uint32Array, b: Uint8Array, length: number): boolean {
  let k = 1;
  while (k < length && b[k] !== COMMA) k++;
  if (k < 4 || k >= length) return false;
  const limit = lookup(w, FW_TABLE + w[FW_ROUTES], w[FW_LIMITS], (b[k - 3] << 16) | (b[k - 2] << 8) | b[k - 1]);
  if (limit < 0) return false;
  let fields = 0;
  for (const end = length - 3; k < end; k++) if (b[k] === COMMA) fields++;
  return fields > limit;
}

/** The 64-bit count at words k, k + 1 plus one (addTally's n = 1: the Node path's count updates). */
function bump(w: Uint32Array, k: number): void {
  const lo = w[k] + 1;
  if (lo === 4294967296) {
    w[k] = 0;
    w[k + 1]++;
  } else w[k] = lo;
}

/** The words and SFI views of the last block seen (the gateway reuses one). */
let lastBlock: Uint8Array | undefined,
  lastWords: Uint32Array | undefined,
  lastSfi: Uint8Array | undefined,
  lastFramerTally: Uint32Array | undefined;

function forwardText(
  bytes: Uint8Array,
  start: number,
  end: number,
  buf: Uint8Array,
  block: Uint8Array,
  out: Uint8Array,
  store: ResizableStore | undefined,
  seconds: number,
  flags: number,
): number {
  if (block !== lastBlock) {
    if (block.length < 4 * FW_TABLE || (block.byteOffset & 3) !== 0) throw new RangeError("out of range");
    const w = new Uint32Array(block.buffer, block.byteOffset, block.length >> 2);
    if (4 * (FW_TABLE + w[FW_ROUTES] + w[FW_LIMITS]) > block.length) throw new RangeError("out of range");
    lastBlock = block;
    lastWords = w;
    lastSfi = new Uint8Array(block.buffer, block.byteOffset + 4 * FW_SFI, 6);
    lastFramerTally = w.subarray(FW_TALLY, FW_TALLY + 2 * TALLY_LENGTH);
  }
  const w = lastWords!;
  const len = w[FW_LEN];
  if (len === FW_JS) return A_JS;
  if (start < 0 || end > bytes.length || len > buf.length || buf.length < 1) throw new RangeError("out of range");
  if (end - start > FW_MAX_SPAN) end = start + FW_MAX_SPAN;
  let i = start,
    n = w[FW_PENDING];
  if (n > 0) {
    if (n > buf.length) throw new RangeError("out of range");
    w[FW_PENDING] = 0;
  } else {
    const t = lastFramerTally!;
    i = frameCore(bytes, start, end, buf, len, t, (flags & F_QUIET) !== 0);
    addTally(t, 0, i - start);
    const code = coreCode;
    n = coreLen;
    if (code !== 0) {
      if (code >= FRAME_MORE) w[FW_LEN] = n;
      else {
        w[FW_LEN] = 0;
        w[FW_N] = n;
      }
      return (i - start) * 1024 + code;
    }
    w[FW_LEN] = 0;
    addTally(w, FW_COUNTS / 2 + FC_HEARD, 1);
    if ((flags & F_UNIT) !== 0) {
      w[FW_PENDING] = w[FW_N] = n;
      return (i - start) * 1024 + A_UNIT;
    }
  }
  const consumed = (i - start) * 1024;
  w[FW_N] = n;
  if ((flags & F_ASK) !== 0) {
    w[FW_PENDING] = n;
    return consumed + A_ASK;
  }
  if ((flags & F_FORWARD) === 0) return consumed + A_FORWARD;
  // Router.route without override rules: the formatter's default, else MISC ($P... too).
  let g = 1;
  if (n >= 6 && buf[1] !== 0x50) {
    const d = lookup(w, FW_TABLE, w[FW_ROUTES], (buf[3] << 16) | (buf[4] << 8) | buf[5]);
    if (d >= 0) g = d;
  }
  const c = FW_COUNTS / 2;
  addTally(w, c + FC_FORWARDED, 1);
  if (w[FW_LIMITS] > 0 && tooManyFields(w, buf, n)) return consumed + g * 32 + A_FORWARD;
  const line = w[FW_LINE] >= 999 ? 1 : w[FW_LINE] + 1;
  const p = writeLine(out, lastSfi!, line, seconds, buf, n, store);
  if (p === 0) return consumed + g * 32 + A_FORWARD;
  w[FW_LINE] = line;
  w[FW_N] = p;
  bump(w, FW_COUNTS + 2 * FC_LINES);
  bump(w, FW_COUNTS + 2 * FC_SENTENCES);
  bump(w, FW_COUNTS + 2 * FC_ENCODED);
  addTally(w, c + FC_BYTES, p);
  bump(w, FW_COUNTS + 2 * FC_DATAGRAMS);
  bump(w, FW_COUNTS + 2 * (FC_PER_GROUP + g));
  // F_UNIT, quiet: frame on to the next unit (the caller writes the datagram, then gives
  // that sentence to onUnit): a call fewer per sentence, and none for the read's tail.
  if ((flags & (F_UNIT | F_QUIET)) === (F_UNIT | F_QUIET) && i < end) {
    const t = lastFramerTally!,
      j = frameCore(bytes, i, end, buf, 0, t, true);
    addTally(t, 0, j - i);
    const next = (j - start) * 1024 + g * 32;
    if (coreCode === 0) {
      w[FW_LEN] = 0;
      w[FW_PENDING] = coreLen;
      addTally(w, FW_COUNTS / 2 + FC_HEARD, 1);
      return next + A_SENT_UNIT;
    }
    w[FW_LEN] = coreLen; // FRAME_MORE or FRAME_OTHER: quiet stops at no reject
    return next + A_SENT;
  }
  return consumed + g * 32 + A_SENT;
}

/** One double and its bytes (platform order), to store a double into a byte table without allocating. */
const f64 = new Float64Array(1),
  f64Bytes = new Uint8Array(f64.buffer);
/** The doubles view of the last number table seen (Fields reuses one): created once, not per call. */
let lastNumbers: Uint8Array | undefined, lastDoubles: Float64Array | undefined;

/** A Float64Array over `bytes` when its offset allows (cached), else undefined. */
function doublesOf(bytes: Uint8Array): Float64Array | undefined {
  if (bytes === lastNumbers) return lastDoubles;
  lastNumbers = bytes;
  lastDoubles =
    (bytes.byteOffset & 7) === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length >> 3) : undefined;
  return lastDoubles;
}

/** A 16-bit offset as fieldIndex stores it (little-endian; the native twin reads them back the same way). */
function u16(table: Uint8Array, at: number): number {
  return table[at] | (table[at + 1] << 8);
}

/** A one-byte field's character from the table fieldIndex writes (0 empty, -1 longer: neither is a letter). */
function charOf(numbers: Uint8Array, at: number): number {
  return numbers[at + 1] === 0 ? numbers[at] : 0;
}

function hasDot(bytes: Uint8Array, a: number, b: number): boolean {
  for (let k = a; k < b; k++) if (bytes[k] === 0x2e) return true;
  return false;
}

function put(bytes: Uint8Array, d: Float64Array | undefined, i: number, v: number): void {
  if (d) d[i] = v;
  else {
    f64[0] = v;
    bytes.set(f64Bytes, 8 * i);
  }
}

/** Double i of a number table (aligned: a view; else through f64, as put writes them). */
function getDouble(bytes: Uint8Array, d: Float64Array | undefined, i: number): number {
  if (d) return d[i];
  for (let k = 0; k < 8; k++) f64Bytes[k] = bytes[8 * i + k];
  return f64[0];
}

function fieldIds(
  numbers: Uint8Array,
  max: number,
  from: number,
  to: number,
  step: number,
  lo: number,
  ids: Uint8Array | undefined,
  cap: number,
  at: Uint8Array | undefined,
): number {
  const m = max + 1;
  if (
    max < 0 ||
    numbers.length < NUMBER_TABLE_BYTES_PER_FIELD * m ||
    from < 0 ||
    to > m ||
    step < 1 ||
    lo < 0 ||
    lo > 999 ||
    cap < 0 ||
    (ids !== undefined && ids.length < 2 * cap) ||
    (at !== undefined && at.length < cap)
  )
    throw new RangeError("out of range");
  const d = doublesOf(numbers),
    charsAt = 40 * m;
  let count = 0;
  for (let i = from; i < to; i += step) {
    const id = getDouble(numbers, d, m + i);
    if (id >= lo && id <= 999) {
      if (count < cap) {
        // 16 bits little-endian: the platform order of every bd450 target.
        if (ids !== undefined) {
          ids[2 * count] = id & 255;
          ids[2 * count + 1] = id >> 8;
        }
        if (at !== undefined) at[count] = i;
        count++;
      }
    } else if (id === id || numbers[charsAt + 2 * i] !== 0 || numbers[charsAt + 2 * i + 1] !== 0) return -1 - count;
  }
  return count;
}

function wholes(
  numbers: Uint8Array,
  idx: Uint8Array,
  off: number,
  n: number,
  lo: number,
  hi: number,
  none: number,
  out: Uint8Array,
  at: number,
  width: number,
): number {
  if (
    n < 0 ||
    idx.length < n ||
    (width !== 1 && width !== 2) ||
    at < 0 ||
    out.length < width * (at + n) ||
    !(lo >= -32768 && lo <= 32767 && hi >= -32768 && hi <= 32767 && none >= -32768 && none <= 32767)
  )
    throw new RangeError("out of range");
  const d = doublesOf(numbers);
  for (let c = 0; c < n; c++) {
    const j = idx[c] + off;
    if (j < 0 || 8 * j + 8 > numbers.length) throw new RangeError("out of range");
    const v = getDouble(numbers, d, j);
    const w = v >= lo && v <= hi ? Math.round(v) : none;
    const p = width * (at + c);
    out[p] = w & 255;
    if (width === 2) out[p + 1] = (w >> 8) & 255;
  }
  return n;
}

function fieldIndex(bytes: Uint8Array, bodyEnd: number, table: Uint8Array, max: number, numbers?: Uint8Array): number {
  const ends = 2 * (max + 1);
  if (table.length < 2 * ends || (numbers !== undefined && numbers.length < NUMBER_TABLE_BYTES_PER_FIELD * (max + 1)))
    throw new RangeError("out of range");
  let n = 0,
    s = 1,
    over = false;
  for (;;) {
    // TypedArray indexOf is native: one call per field instead of interpreted work per byte (XS).
    const i = bytes.indexOf(COMMA, s);
    if (i < 0 || i >= bodyEnd) break;
    if (n >= max) {
      over = true;
      break;
    }
    table[2 * n] = s & 255;
    table[2 * n + 1] = s >> 8;
    table[ends + 2 * n] = i & 255;
    table[ends + 2 * n + 1] = i >> 8;
    n++;
    s = i + 1;
  }
  if (!over) {
    table[2 * n] = s & 255;
    table[2 * n + 1] = s >> 8;
    table[ends + 2 * n] = bodyEnd & 255;
    table[ends + 2 * n + 1] = bodyEnd >> 8;
  }
  if (numbers !== undefined) {
    const last = over ? n - 1 : n,
      m = max + 1,
      charsAt = 40 * m;
    const d = doublesOf(numbers);
    // Characters first: a coordinate takes its hemisphere letter from the next field.
    for (let k = 0; k < m; k++) {
      const a = u16(table, 2 * k),
        len = k <= last ? u16(table, ends + 2 * k) - a : 0;
      const c = len === 0 ? 0 : len === 1 ? bytes[a] : -1;
      // 16 bits little-endian: the platform order of every bd450 target.
      numbers[charsAt + 2 * k] = c & 255;
      numbers[charsAt + 2 * k + 1] = (c >> 8) & 255;
    }
    for (let k = 0; k <= last; k++) {
      const a = u16(table, 2 * k),
        b = u16(table, ends + 2 * k);
      // integer() is decimal() on a field without '.': one parse for both.
      const v = decimal(bytes, a, b);
      put(numbers, d, k, v);
      put(numbers, d, m + k, v === v && !hasDot(bytes, a, b) ? v : NaN);
      // A time needs 6+ bytes, a coordinate 3+: most fields are shorter (cheap on the Node path).
      put(numbers, d, 2 * m + k, b - a >= 6 ? timeOfDay(bytes, a, b) : NaN);
      const h = k < last ? charOf(numbers, charsAt + 2 * k + 2) : 0;
      const deg = b - a >= 3 && h !== 0 ? coordMagnitude(bytes, a, b) : NaN;
      put(numbers, d, 3 * m + k, (h === 0x4e || h === 0x53) && deg <= 90 ? (h === 0x53 ? -deg : deg) : NaN);
      put(numbers, d, 4 * m + k, (h === 0x45 || h === 0x57) && deg <= 180 ? (h === 0x57 ? -deg : deg) : NaN);
    }
    for (let t = 0; t < 5; t++) {
      if (d) d.fill(NaN, t * m + last + 1, (t + 1) * m);
      else for (let k = last + 1; k < m; k++) put(numbers, d, t * m + k, NaN);
    }
  }
  return over ? -1 : n;
}

function twoDigits(b: Uint8Array, k: number): number {
  const h = b[k] - 0x30,
    l = b[k + 1] - 0x30;
  if (h < 0 || h > 9 || l < 0 || l > 9) return -1;
  return h * 10 + l;
}

/** UTC time `hhmmss[.sss]` in bytes[a..b) as seconds since midnight (seconds up to 60: leap second); NaN when malformed. */
function timeOfDay(bytes: Uint8Array, a: number, b: number): number {
  if (b - a < 6) return NaN;
  const hh = twoDigits(bytes, a),
    mm = twoDigits(bytes, a + 2);
  if (hh < 0 || mm < 0 || hh > 23 || mm > 59) return NaN;
  const ss = decimal(bytes, a + 4, b);
  if (!(ss >= 0 && ss < 61) || bytes[a + 4] < 0x30 || bytes[a + 4] > 0x39) return NaN;
  return hh * 3600 + mm * 60 + ss;
}

/**
 * Latitude/longitude magnitude `[+-]d+mm[.m+]` in bytes[a..b) as degrees (degrees are
 * everything before the last two integer digits of the minutes); NaN when malformed.
 */
function coordMagnitude(bytes: Uint8Array, a: number, b: number): number {
  if (a >= b) return NaN;
  let k = a;
  if (bytes[k] === 0x2d || bytes[k] === 0x2b) k++;
  let dot = b;
  for (let j = k; j < b; j++)
    if (bytes[j] === 0x2e) {
      dot = j;
      break;
    }
  if (dot - k < 3) return NaN;
  let deg = 0;
  for (let j = k; j < dot - 2; j++) {
    const c = bytes[j];
    if (c < 0x30 || c > 0x39) return NaN;
    deg = deg * 10 + (c - 0x30);
  }
  const min = decimal(bytes, dot - 2, b);
  if (!(min >= 0 && min < 60)) return NaN;
  return deg + min / 60;
}

/** 10^n for n = 0..22: all exactly representable, so mantissa / POW10[n] is correctly rounded like parseFloat. */
const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

function decimal(bytes: Uint8Array, a: number, b: number): number {
  if (a >= b) return NaN;
  let k = a,
    neg = false;
  const c0 = bytes[k];
  if (c0 === 0x2d || c0 === 0x2b) {
    neg = c0 === 0x2d;
    k++;
  }
  let m = 0,
    frac = -1,
    nd = 0;
  for (; k < b; k++) {
    const c = bytes[k];
    if (c === 0x2e) {
      if (frac >= 0) return NaN;
      frac = 0;
      continue;
    }
    if (c < 0x30 || c > 0x39) return NaN;
    m = m * 10 + (c - 0x30);
    nd++;
    if (frac >= 0) frac++;
  }
  if (nd === 0) return NaN;
  const v = frac > 0 ? (frac <= 22 ? m / POW10[frac] : m / 10 ** frac) : m;
  return neg ? -v : v;
}

/** An integer is a decimal without a '.' (the same double operations, so the same result). */
function integer(bytes: Uint8Array, a: number, b: number): number {
  return hasDot(bytes, a, b) ? NaN : decimal(bytes, a, b);
}

function xor(bytes: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i];
  return x;
}

/** True when a byte must be escaped inside a carrier chunk (IEC 61162-1 reserved or not printable ASCII). */
function reserved(c: number): boolean {
  return c < 0x20 || c >= 0x7f || c === 0x24 || c === 0x21 || c === 0x2a || c === 0x5c || c === 0x5e || c === 0x7e;
}

function chunkEnd(src: Uint8Array, from: number, length: number, budget: number): number {
  let i = from,
    used = 0;
  while (i < length) {
    const size = reserved(src[i]) ? 3 : 1;
    if (used + size > budget) break;
    used += size;
    i++;
  }
  return i;
}

function escapeReserved(out: Uint8Array, p: number, src: Uint8Array, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const c = src[k];
    if (reserved(c)) {
      out[p++] = 0x5e; // '^'
      out[p++] = HEX_DIGITS[c >> 4];
      out[p++] = HEX_DIGITS[c & 15];
    } else out[p++] = c;
  }
  return p;
}

/** c: digits of the last `seconds` written (they change once a second, not per sentence). */
/** c: of the last second written (it changes once a second; the sentences come by the hundred). */
const secondsDigits = new Uint8Array(20);
let secondsCached = -1,
  secondsLength = 0;

/** A non-negative integer in decimal at o[p]; returns the end. */
export function writeDecimal(o: Uint8Array, p: number, v: number): number {
  let digits = 1;
  for (let t = 10; t <= v; t *= 10) digits++;
  for (let i = p + digits - 1; i > p; i--) {
    // `| 0` below 2^31: an operator, where Math.floor is a call (per digit, on XS).
    const q = v < 2147483648 ? (v / 10) | 0 : Math.floor(v / 10);
    o[i] = 0x30 + (v - q * 10);
    v = q;
  }
  o[p] = 0x30 + v;
  return p + digits;
}

function tagBlock(
  out: Uint8Array,
  p: number,
  sfi: Uint8Array,
  line: number,
  seconds: number,
  gLine: number,
  gTotal: number,
  gCode: number,
  dest?: Uint8Array,
): number {
  out[p++] = BACKSLASH;
  const start = p;
  if (gTotal > 0) {
    out[p++] = 0x67;
    out[p++] = 0x3a; // g:
    p = writeDecimal(out, p, gLine);
    out[p++] = 0x2d;
    p = writeDecimal(out, p, gTotal);
    out[p++] = 0x2d;
    p = writeDecimal(out, p, gCode);
    out[p++] = COMMA;
  }
  out[p++] = 0x73;
  out[p++] = 0x3a; // s:
  for (let i = 0; i < sfi.length; i++) out[p++] = sfi[i];
  out[p++] = COMMA;
  out[p++] = 0x6e;
  out[p++] = 0x3a; // ,n:
  p = writeDecimal(out, p, line);
  if (seconds >= 0) {
    const whole = Math.floor(seconds);
    if (whole !== secondsCached) {
      secondsCached = whole;
      secondsDigits[0] = COMMA;
      secondsDigits[1] = 0x63;
      secondsDigits[2] = 0x3a; // ,c:
      secondsLength = writeDecimal(secondsDigits, 3, whole);
    }
    for (let i = 0; i < secondsLength; i++) out[p++] = secondsDigits[i];
  }
  if (dest) {
    out[p++] = COMMA;
    out[p++] = 0x64;
    out[p++] = 0x3a; // ,d:
    for (let i = 0; i < dest.length; i++) out[p++] = dest[i];
  }
  const x = xor(out, start, p);
  out[p++] = STAR;
  out[p++] = HEX_DIGITS[x >> 4];
  out[p++] = HEX_DIGITS[x & 15];
  out[p++] = BACKSLASH;
  return p;
}

function writeLine(
  out: Uint8Array,
  sfi: Uint8Array,
  line: number,
  seconds: number,
  s: Uint8Array,
  length: number,
  store?: ResizableStore,
): number {
  if (length > 80) return 0;
  // Room for any line; sized to the datagram below (the native twin sizes it once, up front).
  if (store) store.resize(store.maxByteLength);
  // The TAG block first (its length is known before the sentence), then the sentence
  // copied and checked in one pass; a failed check costs a rewrite on the slow path.
  out[0] = 0x55;
  out[1] = 0x64;
  out[2] = 0x50;
  out[3] = 0x62;
  out[4] = 0x43;
  out[5] = 0; // UdPbC\0
  let p = tagBlock(out, 6, sfi, line, seconds, 0, 0, 0);
  if (length > 0) out[p] = s[0];
  const star = length - 3;
  for (let i = 1; i < length; i++) {
    const c = s[i];
    if (c < 0x20 || c >= 0x7f) return 0;
    // Reserved characters in the fields ('^' only as the start of a ^HH escape).
    if (
      i < star &&
      (c === DOLLAR ||
        c === BANG ||
        c === STAR ||
        c === BACKSLASH ||
        c === 0x7e ||
        (c === 0x5e && (i + 2 >= star || hexValue(s[i + 1]) < 0 || hexValue(s[i + 2]) < 0)))
    )
      return 0;
    out[p + i] = c;
  }
  p += length;
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  if (store) store.resize(p);
  return p;
}

function carrierLine(
  out: Uint8Array,
  p: number,
  sfi: Uint8Array,
  line: number,
  seconds: number,
  gLine: number,
  gTotal: number,
  gCode: number,
  dest: Uint8Array | undefined,
  address: Uint8Array,
  src: Uint8Array,
  from: number,
  to: number,
): number {
  if (
    p < 0 ||
    line < 0 ||
    gLine < 0 ||
    gLine > 99 ||
    gTotal < 1 ||
    gTotal > 99 ||
    gCode < 0 ||
    gCode > 99 ||
    sfi.length > 64 ||
    (dest !== undefined && dest.length > 64) ||
    address.length > 64 ||
    from < 0 ||
    to > src.length
  )
    throw new RangeError("out of range");
  p = tagBlock(out, p, sfi, line, seconds, gLine, gTotal, gCode, dest);
  const start = p;
  for (let i = 0; i < address.length; i++) out[p++] = address[i];
  p = writeDecimal(out, p, gTotal);
  out[p++] = COMMA;
  p = writeDecimal(out, p, gLine);
  out[p++] = COMMA;
  p = writeDecimal(out, p, gCode);
  out[p++] = COMMA;
  p = escapeReserved(out, p, src, from, to);
  const x = xor(out, start + 1, p);
  out[p++] = STAR;
  out[p++] = HEX_DIGITS[x >> 4];
  out[p++] = HEX_DIGITS[x & 15];
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return p;
}

/** The reference implementation (and the Node path). */
export const tsBytes: ByteHelpers = Object.freeze({
  frameText,
  scanText,
  checkSentence,
  fieldIndex,
  fieldIds,
  wholes,
  decimal,
  integer,
  xor,
  chunkEnd,
  escape: escapeReserved,
  writeLine,
  tagBlock,
  forwardText,
  carrierLine,
});
