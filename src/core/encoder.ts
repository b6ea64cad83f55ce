// IEC 61162-450 datagram encoder (sender side of §7.2).
//
// Datagram = "UdPbC\0" + lines; line = TAG block + sentence + CR LF, with
//   TAG block = \s:<SFI>,n:<1..999>[,c:<unix seconds>][,d:<SFI>]*HH\
// The line count n runs per source SFI and wraps 999 -> 1; checksums are upper-case
// two-digit hex; the TAG block stays within 80 characters and the datagram within
// 1472 bytes. One sentence per datagram (lowest latency, and what the receivers in
// the wild handle best).
//
// Overlong sentences: a strict receiver discards a whole datagram whose sentence
// exceeds 82 characters (79 after the start character), and IEC 61162-1 allows only
// printable ASCII. RDSS sentences break both rules (long TXR payloads, raw GB2312
// in Chinese mode). Policy "carry" (default) sends such a sentence as a group of
// proprietary carrier sentences that every strict receiver accepts:
//   \g:<line>-<total>-<code>,s:<SFI>,n:<n>*HH\$P<MFR>S,<total>,<line>,<code>,<chunk>*HH
// where the chunks, concatenated and un-escaped, are the original sentence byte for
// byte, from its '$' to its own "*hh" (so its own checksum verifies the reassembly).
// Bytes that are reserved or not printable ASCII ($ ! * \ ^ ~, < 0x20, >= 0x7F) are
// written as IEC 61162-1 "^HH" escapes; an escape is never split between chunks.
// The group code (1..99) cycles per SFI. "verbatim" forwards the sentence unchanged
// (legacy listeners), "drop" drops it; each case is counted.

import { asciiBytes, hexValue } from "../nmea/checksum";
import {
  addTally,
  type ByteHelpers,
  COUNT_ACCESSORS,
  COUNTS,
  FC_BYTES,
  FC_ENCODED,
  FC_LINES,
  FC_SENTENCES,
  FW_COUNTS,
  FW_LINE,
  FW_SFI,
  FW_TALLY,
  forwardBlock,
  type ResizableStore,
  tsBytes,
} from "./bytes";
import type { OverlongPolicy } from "./config";
import type { Clock } from "./io";
import { MAX_DATAGRAM, sfiKeyOf } from "./tagblock";

export const MAX_TAG_BLOCK = 80;
/** Longest sentence a strict receiver accepts, without CR LF ('$' + 79). */
export const MAX_SENTENCE = 80;
/** Carrier formatter letter after the manufacturer mnemonic: $P<MFR>S. */
export const CARRIER_SUFFIX = "S";

export interface EncoderCounters {
  /** Sentences handed to encode(). */
  sentences: number;
  datagrams: number;
  bytes: number;
  overlongCarried: number;
  overlongVerbatim: number;
  overlongDropped: number;
  /** Carrier lines sent for carried sentences. */
  carrierLines: number;
}

export interface EncoderOptions {
  sfi: string;
  clock: Clock;
  /** Add c: (UNIX seconds). */
  tagTime?: boolean;
  overlong?: OverlongPolicy;
  /** Manufacturer mnemonic for the carrier sentence (3 letters). */
  propMfr?: string;
  /** Receives each finished datagram: out[0..length) is valid only during the call. */
  onDatagram(bytes: Uint8Array, length: number): void;
  /**
   * How the callback gets a view of exactly the datagram's length without a new
   * object per datagram (ECMA-419 write() sends a whole buffer):
   * - "resize" (default; the board): a resizable ArrayBuffer shrunk to the datagram
   *   for the call. Free on XS; on V8 a resize costs ~400 ns.
   * - "cache": one fixed view per datagram length, made once and reused. Fast on V8;
   *   on XS each cached view keeps 4 slots, so it is not for the board.
   * Engines without resizable ArrayBuffers use "cache".
   */
  datagramViews?: DatagramViews;
  /**
   * Formatter -> most data fields its sentence has, for sentences whose last field
   * is free text (Beidou TXR/TXA: the decoder table's textField). A comma inside
   * such a text cannot be told from a delimiter; a sentence with more fields than
   * this is not strictly carriable (docs/framing.md).
   */
  fieldLimits?: Readonly<Record<string, number>>;
  /** Byte loops: native on the board (src/native/bytes.c), TypeScript otherwise. */
  bytes?: ByteHelpers;
  /**
   * The gateway's forward block (src/core/bytes.ts FW_*), where its loop writes lines too:
   * the line count, the SFI and the counts sentences, datagrams, bytes and lines live there.
   */
  block?: Uint32Array;
}

// Policies as constants for the per-sentence comparisons: on XS a string literal in
// evaluated bytecode is copied into a new chunk each time it runs.
const DROP: OverlongPolicy = "drop",
  CARRY: OverlongPolicy = "carry";

export type DatagramViews = "resize" | "cache";

/** d: as bytes (answers only, rare: a small array each), or undefined. */
function destinationBytes(destination: string | undefined): Uint8Array | undefined {
  if (destination === undefined) return undefined;
  const dest = new Uint8Array(destination.length);
  for (let i = 0; i < dest.length; i++) dest[i] = destination.charCodeAt(i) & 0x7f;
  return dest;
}

/** The datagram header "UdPbC\0". */
const UDPBC = new Uint8Array([0x55, 0x64, 0x50, 0x62, 0x43, 0]);

function makeResizable(max: number): ResizableStore | undefined {
  const AB = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ResizableStore;
  const b = new AB(max, { maxByteLength: max });
  return typeof b.resize === "function" ? b : undefined;
}

/**
 * True when a strict IEC 61162-450 receiver would accept the sentence as it is:
 * at most 80 characters of printable ASCII, and none of the characters IEC 61162-1
 * reserves ('$' '!' '*' '\\' '~', and '^' unless it starts a "^HH" escape) between
 * the start character and the checksum. The framer delivers such sentences when
 * their checksum holds (raw-text short messages, docs/framing.md); they go out
 * carried (or verbatim/dropped, per the overlong policy).
 */
export function isStrictlyCarriable(bytes: Uint8Array, length: number): boolean {
  if (length > MAX_SENTENCE) return false;
  const star = length - 3;
  for (let i = 1; i < length; i++) {
    const c = bytes[i];
    if (c < 0x20 || c >= 0x7f) return false;
    if (
      i < star &&
      (c === 0x24 ||
        c === 0x21 ||
        c === 0x2a ||
        c === 0x5c ||
        c === 0x7e ||
        (c === 0x5e && (hexValue(bytes[i + 1]) < 0 || hexValue(bytes[i + 2]) < 0 || i + 2 >= star)))
    )
      return false;
  }
  return true;
}

export class Iec450Encoder {
  // The fields the common path reads come first: on XS a `this.` field is found by a
  // walk along the instance's property list.
  /** The line count (FW_LINE) and the SFI (FW_SFI) live here, and the 64-bit counts from FW_COUNTS. */
  private readonly block: Uint32Array;
  private readonly counts: Uint32Array;
  tagTime: boolean;
  private readonly clock: Clock;
  /** sentences, datagrams and bytes are accessors over the block's counts (the gateway's loop adds to them). */
  readonly counters: EncoderCounters;
  /**
   * Datagram buffer. Where the engine has ES2024 resizable ArrayBuffers (XS, V8),
   * `out` is a length-tracking view that emit() resizes to the datagram's exact
   * length for the callback, so the socket gets the whole buffer without a new view
   * object per datagram (a subarray costs 4 slots on XS, every sentence).
   */
  readonly store: ResizableStore | undefined;
  /** The datagram buffer (the gateway's forward loop writes lines into it too). */
  readonly out: Uint8Array;
  /** "cache" mode: views of out[0..length), by length. */
  private readonly views: Array<Uint8Array | undefined> | undefined;
  /** Six bytes of the block, rewritten in place by retune (line() holds it). */
  private readonly sfi: Uint8Array;
  private carrierAddress: Uint8Array = new Uint8Array(0);
  private readonly onDatagram: EncoderOptions["onDatagram"];
  overlong: OverlongPolicy;
  private groupCode = 0;
  /** fieldLimits by formatter packed into 24 bits (no string per sentence). */
  private readonly fieldLimits: Map<number, number> | undefined;
  /** 1 at the first letter of each limited formatter (tooManyFields' quick answer). */
  private readonly limitFirst = new Uint8Array(256);
  private readonly bytes: ByteHelpers;

  constructor(options: EncoderOptions) {
    const block = (this.block = options.block ?? forwardBlock(new Map())),
      counts = (this.counts = block.subarray(FW_COUNTS, FW_TALLY));
    this.sfi = new Uint8Array(block.buffer, block.byteOffset + 4 * FW_SFI, 6);
    const c = {} as EncoderCounters;
    Object.defineProperty(c, COUNTS, { value: counts });
    Object.defineProperty(c, "sentences", COUNT_ACCESSORS[FC_SENTENCES]);
    Object.defineProperty(c, "datagrams", COUNT_ACCESSORS[FC_ENCODED]);
    Object.defineProperty(c, "bytes", COUNT_ACCESSORS[FC_BYTES]);
    c.overlongCarried = 0;
    c.overlongVerbatim = 0;
    c.overlongDropped = 0;
    c.carrierLines = 0;
    this.counters = c;
    this.store = options.datagramViews === "cache" ? undefined : makeResizable(MAX_DATAGRAM);
    this.out = this.store ? new Uint8Array(this.store as unknown as ArrayBuffer) : new Uint8Array(MAX_DATAGRAM);
    this.views = this.store ? undefined : [];
    this.clock = options.clock;
    this.tagTime = true;
    this.overlong = CARRY;
    this.retune(options);
    this.onDatagram = options.onDatagram;
    this.bytes = options.bytes ?? tsBytes;
    const limits = options.fieldLimits ? Object.keys(options.fieldLimits) : [];
    this.fieldLimits = limits.length ? new Map() : undefined;
    for (const f of limits) {
      if (!/^[A-Z0-9]{3}$/.test(f))
        throw new RangeError(`field limit formatter "${f}" must be 3 upper-case letters/digits`);
      this.fieldLimits!.set(
        (f.charCodeAt(0) << 16) | (f.charCodeAt(1) << 8) | f.charCodeAt(2),
        options.fieldLimits![f],
      );
      this.limitFirst[f.charCodeAt(0)] = 1;
    }
  }

  /**
   * encode()'s first path: the one-line datagram of a sentence without d: in the datagram
   * buffer (see datagram()), counted; returns its length, or 0, with nothing written or
   * counted, when the sentence takes the other paths (overlong policy, field limits).
   * (The gateway's common path does the same in bytes.forwardText.)
   */
  private line(bytes: Uint8Array, length: number): number {
    const block = this.block,
      fieldLimits = this.fieldLimits;
    // Field limits: most sentences have a 5-character address whose formatter starts with a
    // letter no limited formatter starts with, decided here on two bytes.
    if (
      fieldLimits !== undefined &&
      (bytes[6] !== 0x2c || this.limitFirst[bytes[3]] !== 0) &&
      this.tooManyFields(bytes, length)
    )
      return 0;
    // TAG block, checks and copy in one native call; the line count is taken only on success.
    const next = block[FW_LINE] >= 999 ? 1 : block[FW_LINE] + 1;
    const seconds = this.tagTime ? this.clock.now() / 1000 : -1;
    const n = this.bytes.writeLine(this.out, this.sfi, next, seconds, bytes, length, this.store);
    if (n === 0) return 0;
    block[FW_LINE] = next;
    const counts = this.counts;
    addTally(counts, FC_LINES, 1);
    addTally(counts, FC_SENTENCES, 1);
    addTally(counts, FC_ENCODED, 1);
    addTally(counts, FC_BYTES, n);
    return n;
  }

  /**
   * With a resizable buffer, the datagram's view: line() leaves it sized to its datagram,
   * so it is datagram(n) without a call. Undefined with "cache" views.
   */
  get sizedView(): Uint8Array | undefined {
    return this.store ? this.out : undefined;
  }

  /** The datagram line() wrote, as a view of exactly its `length` bytes. */
  datagram(length: number): Uint8Array {
    if (this.store) return this.out;
    const views = this.views!;
    let view = views[length];
    if (view === undefined) views[length] = view = new Uint8Array(this.out.buffer, 0, length);
    return view;
  }

  /** More commas than the formatter's field limit allows (raw text with commas in its last field)? */
  private tooManyFields(bytes: Uint8Array, length: number): boolean {
    const limits = this.fieldLimits!;
    // The first ',' after the start (TypedArray indexOf: one native call on XS, not a loop per byte).
    let k = bytes.indexOf(0x2c, 1);
    if (k < 4 || k >= length) return false;
    const limit = limits.get((bytes[k - 3] << 16) | (bytes[k - 2] << 8) | bytes[k - 1]);
    if (limit === undefined) return false;
    let fields = 0;
    for (const end = length - 3; k < end; k++) if (bytes[k] === 0x2c) fields++;
    return fields > limit;
  }

  /** Take new settings: the next datagram carries them (live settings sfi, tagTime, overlong, propMfr). */
  retune(o: Pick<EncoderOptions, "sfi" | "tagTime" | "overlong" | "propMfr">): void {
    if (sfiKeyOf(o.sfi) < 0)
      throw new RangeError(`SFI "${o.sfi}" is not of the form ccxxxx (two letters, four digits)`);
    const mfr = o.propMfr ?? "XBD";
    if (!/^[A-Z]{3}$/.test(mfr))
      throw new RangeError(`manufacturer mnemonic "${mfr}" must be three upper-case letters`);
    this.sfi.set(asciiBytes(o.sfi.toUpperCase()));
    this.carrierAddress = asciiBytes("$P" + mfr + CARRIER_SUFFIX + ",");
    this.tagTime = o.tagTime ?? true;
    this.overlong = o.overlong ?? CARRY;
  }

  /** n: of the last line sent (1..999, 0 before the first). */
  get lastLine(): number {
    return this.block[FW_LINE];
  }

  /** Lines sent in all, never reset: the duplicate-SFI check counts back from lastLine with it (src/core/net/own-lines.ts). */
  get linesSent(): number {
    return this.counts[2 * FC_LINES] + this.counts[2 * FC_LINES + 1] * 4294967296;
  }

  /** Next line count, 1..999 wrapping. */
  private nextLine(): number {
    const b = this.block;
    b[FW_LINE] = b[FW_LINE] >= 999 ? 1 : b[FW_LINE] + 1;
    addTally(this.counts, FC_LINES, 1);
    return b[FW_LINE];
  }

  /**
   * Encode one checksum-valid sentence (bytes[0..length), no CR LF) and emit its
   * datagram(s). `destination` adds d:<SFI>. Returns the number of datagrams emitted.
   */
  encode(bytes: Uint8Array, length: number, destination?: string): number {
    if (destination === undefined) {
      const n = this.line(bytes, length);
      if (n > 0) {
        this.onDatagram(this.datagram(n), n);
        return 1;
      }
      // line() is 0 exactly when the sentence is not strictly carriable or over its field limit.
      return this.encodeOther(bytes, length, undefined, true);
    }
    const overlong =
      !isStrictlyCarriable(bytes, length) || (this.fieldLimits !== undefined && this.tooManyFields(bytes, length));
    return this.encodeOther(bytes, length, destination, overlong);
  }

  /**
   * encode's other paths: `overlong` (not strictly carriable, or over its field limit) takes
   * the overlong policy; else the line with d:. The gateway's forward loop calls it for a
   * sentence forwardText found overlong (no second check over its bytes: on XS a JS loop
   * over a long sentence costs hundreds of thousands of RV32 instructions).
   */
  encodeOther(bytes: Uint8Array, length: number, destination: string | undefined, overlong: boolean): number {
    addTally(this.counts, FC_SENTENCES, 1);
    if (overlong) {
      if (this.overlong === DROP) {
        this.counters.overlongDropped++;
        return 0;
      }
      if (this.overlong === CARRY) {
        this.counters.overlongCarried++;
        return this.carry(bytes, length, destination);
      }
      this.counters.overlongVerbatim++;
    }
    const o = this.out;
    let p = this.header();
    p = this.tagBlock(p, 0, 0, destination, this.tagTime ? this.clock.now() / 1000 : -1);
    // A byte loop, not set(subarray): the subarray view was a heap object per sentence
    // (measured by bench/: ~90 B/sentence on Node, and half the throughput).
    for (let i = 0; i < length; i++) o[p + i] = bytes[i];
    p += length;
    o[p++] = 0x0d;
    o[p++] = 0x0a;
    this.emit(p);
    return 1;
  }

  /** Start a datagram on the other paths: the whole buffer again (line() leaves it sized to its datagram). */
  private header(): number {
    if (this.store) this.store.resize(MAX_DATAGRAM);
    this.out.set(UDPBC); // one call, not six typed-array writes (each ~1,000 RV32 instructions on XS)
    return 6;
  }

  private emit(length: number): void {
    addTally(this.counts, FC_ENCODED, 1);
    addTally(this.counts, FC_BYTES, length);
    if (this.store) this.store.resize(length);
    this.onDatagram(this.datagram(length), length);
  }

  /**
   * Write a TAG block at p (one helper call); `line`/`total` > 0 adds g:line-total-code;
   * `seconds` < 0: no c:. Returns the new end.
   */
  private tagBlock(p: number, line: number, total: number, destination: string | undefined, seconds: number): number {
    const dest = destinationBytes(destination);
    return this.bytes.tagBlock(this.out, p, this.sfi, this.nextLine(), seconds, line, total, this.groupCode, dest);
  }

  private carry(bytes: Uint8Array, length: number, destination?: string): number {
    this.groupCode = this.groupCode >= 99 ? 1 : this.groupCode + 1;
    // Chunk budget per line: 80 - "$PXBDS," - "tt,ll,cc," - "*HH".
    const fixed = this.carrierAddress.length + 3;
    // First pass: count lines (the total goes into every line).
    let total = 0;
    for (let i = 0; i < length; ) {
      total++;
      i = this.bytes.chunkEnd(bytes, i, length, MAX_SENTENCE - fixed - this.headerFieldsLength(total, total));
    }
    if (total > 99) {
      // Cannot happen with maxLength <= 300 (worst case 900 escaped bytes / ~58 per line); guard anyway.
      this.counters.overlongDropped++;
      return 0;
    }
    let datagrams = 0;
    // The clock once per sentence (a read costs ~2,700 RV32 instructions on XS): its lines carry one c:.
    const seconds = this.tagTime ? this.clock.now() / 1000 : -1,
      dest = destinationBytes(destination);
    let p = this.header();
    let linesInDatagram = 0;
    let i = 0;
    for (let line = 1; line <= total; line++) {
      const end = this.bytes.chunkEnd(bytes, i, length, MAX_SENTENCE - fixed - this.headerFieldsLength(total, line));
      // Worst case of this line: TAG (<= 80) + sentence (<= 80) + CR LF.
      if (linesInDatagram > 0 && p + MAX_TAG_BLOCK + MAX_SENTENCE + 2 > MAX_DATAGRAM) {
        this.emit(p);
        datagrams++;
        p = this.header();
        linesInDatagram = 0;
      }
      // TAG block and carrier sentence in one helper call (in JS, ~60,000 RV32 instructions a line on XS).
      p = this.bytes.carrierLine(
        this.out,
        p,
        this.sfi,
        this.nextLine(),
        seconds,
        line,
        total,
        this.groupCode,
        dest,
        this.carrierAddress,
        bytes,
        i,
        end,
      );
      this.counters.carrierLines++;
      linesInDatagram++;
      i = end;
    }
    this.emit(p);
    return datagrams + 1;
  }

  /** Length of "<total>,<line>,<code>," for the carrier (all three are 1..99). */
  private headerFieldsLength(total: number, line: number): number {
    return (total >= 10 ? 2 : 1) + (line >= 10 ? 2 : 1) + (this.groupCode >= 10 ? 2 : 1) + 3;
  }
}

/**
 * Reassembles carried sentences (for listeners and tests): feed carrier sentences
 * (text, with or without TAG blocks) of one source; returns the original sentence
 * bytes when a group is complete, otherwise undefined.
 */
export class CarrierReassembler {
  private parts: Array<Uint8Array | undefined> = [];
  private code = -1;
  private total = 0;

  /** `sentence` is one carrier sentence "$PXBDS,t,l,c,chunk*HH" (checksum already verified). */
  add(sentence: Uint8Array, length: number): Uint8Array | undefined {
    // Fields: address, total, line, code, chunk (the chunk may itself contain commas).
    let f = 0,
      k = 0;
    const starts = [0, 0, 0, 0];
    for (; k < length && f < 4; k++) if (sentence[k] === 0x2c) starts[f++] = k + 1;
    if (f < 4) return undefined;
    const num = (from: number) => {
      let v = 0;
      for (let j = from; sentence[j] !== 0x2c; j++) v = v * 10 + (sentence[j] - 0x30);
      return v;
    };
    const total = num(starts[0]),
      line = num(starts[1]),
      code = num(starts[2]);
    if (total < 1 || total > 99 || line < 1 || line > total) return undefined; // not a carrier line
    if (code !== this.code || total !== this.total) {
      this.parts = [];
      this.code = code;
      this.total = total;
    }
    const chunk: number[] = [];
    for (let j = starts[3]; j < length - 3; j++) {
      if (sentence[j] === 0x5e) {
        const h = parseInt(String.fromCharCode(sentence[j + 1], sentence[j + 2]), 16);
        chunk.push(h);
        j += 2;
      } else chunk.push(sentence[j]);
    }
    this.parts[line - 1] = Uint8Array.from(chunk);
    for (let i = 0; i < total; i++) if (!this.parts[i]) return undefined;
    let n = 0;
    for (let i = 0; i < total; i++) n += this.parts[i]!.length;
    const out = new Uint8Array(n);
    let p = 0;
    for (let i = 0; i < total; i++) {
      out.set(this.parts[i]!, p);
      p += this.parts[i]!.length;
    }
    this.parts = [];
    this.code = -1;
    return out;
  }
}
