// Strict IEC 61162-450 datagram receiver, shared by the gateway (commands, ACN),
// `bd450 listen` and the passive checker `bd450 check`.
//
// Rules (docs/iec61162-450.md §5, clause numbers of Ed.3 FDIS as cited there):
//  1. more than 1472 bytes -> discard "oversize" (§6.2.4)
//  2. 6-byte token with NUL: UdPbC parsed; RaUdP/RrUdP/NkPgN/RrTcP recognised and
//     counted, not parsed as text ("other-token"); anything else -> "header" (§7.1.1/2)
//  3. lines end in CR LF (B.5); 4. each line: zero or more TAG blocks (checksum
//  mandatory, <= 82 chars accepted) then a sentence (<= 79 chars after `$`/`!`,
//  valid checksum) or nothing (TAG-only line)
//  6. ANY syntax error discards the COMPLETE datagram (§7.2.4): lines are validated
//     in a first pass and delivered only when the whole datagram is valid
//  7. the conformant s: closest to the sentence is the source; none -> the sentence
//     is ignored and counted (§7.2.3.4)
//  8. n: 1..999 per source SFI: gaps and duplicates counted, duplicates dropped;
//     d: for another SFI ignored when filtering is on (normative wording UNCONFIRMED).
//
// Hot path: no allocation per datagram after warm-up. Sentence records are pooled and
// the verdict object is reused: callers that keep anything past the next receive()
// must copy it (sentenceText() makes a string).

import { hexValue, latin1, xorRange } from "../nmea/checksum";
import {
  MAX_DATAGRAM,
  NOTE_C_MS,
  NOTE_LOWER_HEX_SENTENCE,
  NOTE_UNPADDED_CHECKSUM,
  newTagFields,
  parseTagBlock,
  resetTagFields,
  sfiKeyOf,
  sfiString,
  TAG_OK,
  type TagFields,
} from "./tagblock";

/** Characters after the start delimiter up to CR, `*hh` included (82 - `$` - CR LF). */
export const MAX_SENTENCE_BODY = 79;

/**
 * Discard reasons: stable names (used in JSON output, logs and tests), the counter
 * that counts them, and what they mean. One row per reason.
 */
export const DISCARD_REASONS = [
  ["oversize", "oversize", "datagram longer than 1472 bytes"],
  ["header", "header", "first 6 bytes are not a known 5-character token followed by NUL"],
  ["other-token", "otherToken", "RaUdP/RrUdP/NkPgN/RrTcP datagram: recognised, not a sentence datagram"],
  ["empty", "empty", "UdPbC header with nothing after it"],
  ["line-framing", "lineFraming", "a line not terminated by CR LF, a bare CR or LF, or an empty line"],
  ["tag-framing", "tagFraming", "TAG block without its closing backslash"],
  ["tag-too-long", "tagTooLong", "TAG block longer than 82 characters including both backslashes"],
  ["tag-format", "tagFormat", "TAG block checksum *hh missing or not two hex digits"],
  ["tag-checksum", "tagChecksum", "TAG block checksum does not match"],
  [
    "tag-syntax",
    "tagSyntax",
    "TAG parameter list empty, pair without ':', bad code, empty value, or a byte outside printable ASCII",
  ],
  [
    "sentence-format",
    "sentenceFormat",
    "sentence not starting with $ or !, bad address field, missing *hh, or a byte outside printable ASCII",
  ],
  ["sentence-too-long", "sentenceTooLong", "more than 79 characters after the start delimiter (82 with $ and CR LF)"],
  ["sentence-checksum", "sentenceChecksum", "sentence checksum does not match"],
] as const;

export type DiscardReason = (typeof DISCARD_REASONS)[number][0];

/** What happened to one well-formed sentence of an accepted datagram. */
export type SentenceStatus =
  | "ok" // delivered to onSentence
  | "tag-only" // TAG-block-only line (Annex B.5 case 1): nothing to deliver
  | "no-source" // no conformant s: (§7.2.3.4), ignored
  | "own-source" // our own SFI looped back, ignored
  | "duplicate" // (source, n) seen within the window, dropped
  | "other-destination"; // d: names another SFI and filtering is on

/** Receiver counters: one numeric field per category (the NF error log, Ed.2 4.3.3). */
export interface ReceiverCounters {
  datagrams: number;
  accepted: number;
  discarded: number;
  // discard reasons (see DISCARD_REASONS)
  oversize: number;
  header: number;
  otherToken: number;
  empty: number;
  lineFraming: number;
  tagFraming: number;
  tagTooLong: number;
  tagFormat: number;
  tagChecksum: number;
  tagSyntax: number;
  sentenceFormat: number;
  sentenceTooLong: number;
  sentenceChecksum: number;
  // recognised non-sentence tokens
  tokenRaUdP: number;
  tokenRrUdP: number;
  tokenNkPgN: number;
  tokenRrTcP: number;
  // per sentence, in accepted datagrams
  sentences: number;
  delivered: number;
  tagOnly: number;
  noSource: number;
  ownSource: number;
  duplicates: number;
  otherDestination: number;
  /** Sentences missing according to n: gaps (sum of gap sizes). */
  gapLost: number;
  /** Number of gaps seen. */
  gaps: number;
  /** n values that arrived late (behind the newest, within the window, not seen before). */
  reordered: number;
  /** A source's line count back at 1 mid-sequence: the sender restarted (not counted as loss). */
  restarts: number;
  /** Tolerated faults. */
  lowerHex: number;
  cMilliseconds: number;
  /** Sources forgotten because the source table was full. */
  sourcesEvicted: number;
}

export function newCounters(): ReceiverCounters {
  return {
    datagrams: 0,
    accepted: 0,
    discarded: 0,
    oversize: 0,
    header: 0,
    otherToken: 0,
    empty: 0,
    lineFraming: 0,
    tagFraming: 0,
    tagTooLong: 0,
    tagFormat: 0,
    tagChecksum: 0,
    tagSyntax: 0,
    sentenceFormat: 0,
    sentenceTooLong: 0,
    sentenceChecksum: 0,
    tokenRaUdP: 0,
    tokenRrUdP: 0,
    tokenNkPgN: 0,
    tokenRrTcP: 0,
    sentences: 0,
    delivered: 0,
    tagOnly: 0,
    noSource: 0,
    ownSource: 0,
    duplicates: 0,
    otherDestination: 0,
    gapLost: 0,
    gaps: 0,
    reordered: 0,
    restarts: 0,
    lowerHex: 0,
    cMilliseconds: 0,
    sourcesEvicted: 0,
  };
}

/** One line of an accepted datagram. Pooled: valid until the next receive(). */
export interface ReceivedSentence {
  status: SentenceStatus;
  /** Source SFI (interned string), or null. */
  source: string | null;
  /** Line count 1..999, or -1. */
  n: number;
  /** d: value as sent (conformant or not), or null. */
  destination: string | null;
  /** g: line-total-code, -1 when absent. */
  groupLine: number;
  groupTotal: number;
  groupCode: number;
  /** c: as sent (NaN when absent) and in seconds (ms values divided by 1000). */
  timeRaw: number;
  time: number;
  timeInMs: boolean;
  /** Number of TAG blocks in front of the sentence. */
  tagBlocks: number;
  /** Offsets into `bytes`: TAG blocks [tagStart, tagEnd), sentence [start, end) without CR LF. */
  bytes: Uint8Array;
  tagStart: number;
  tagEnd: number;
  start: number;
  end: number;
  /** Note bit flags (tagblock.ts NOTE_*). */
  notes: number;
  /** Transmission group index given to receive() (0 when unknown). */
  group: number;
  /** Internal: packed SFIs. */
  sourceKey: number;
  destKey: number;
}

/** Verdict of one datagram. Reused by the receiver: copy what you keep. */
export interface Verdict {
  verdict: "accept" | "discard";
  reason: DiscardReason | null;
  /** Token of the datagram ("UdPbC", "RrUdP", ...) or null when the header is invalid. */
  token: string | null;
  /** Line (1-based) where the syntax error was found, 0 when not line-related. */
  line: number;
  /** Accepted datagrams: all lines; discarded: empty. */
  sentences: ReceivedSentence[];
  /** Notes of the datagram (union of the lines', plus NOTE_UNPADDED_CHECKSUM on discard). */
  notes: number;
}

export interface ReceiverOptions {
  /** Own SFI: enables d: filtering and own-source suppression. */
  ownSfi?: string;
  /** Ignore sentences whose d: names another SFI (default true; needs ownSfi). The checker turns it off. */
  destinationFilter?: boolean;
  /** Ignore sentences from our own SFI (multicast loopback). Default true when ownSfi is set. */
  ignoreOwnSource?: boolean;
  /** Number of recent n values remembered per source for duplicate detection (default 32, max 500). */
  dedupWindow?: number;
  /** Key line counts per (source, group) instead of per source (UNCONFIRMED which one senders use). */
  dedupPerGroup?: boolean;
  /** Most sources tracked at once (default 64); the least recently seen is forgotten beyond it. */
  maxSources?: number;
  /** Called for each sentence with status "ok", after the whole datagram was validated. */
  onSentence?(sentence: ReceivedSentence): void;
  /** Called once per datagram with the verdict (also for discards). */
  onVerdict?(verdict: Verdict, bytes: Uint8Array, length: number): void;
}

/** Per-source line-count state and statistics. */
export interface SourceState {
  sfi: string;
  group: number;
  key: number;
  /** Newest n seen, -1 before the first. */
  lastN: number;
  ring: Uint16Array;
  ringPos: number;
  datagrams: number;
  sentences: number;
  gaps: number;
  gapLost: number;
  duplicates: number;
  reordered: number;
  /** Times the line count went back to 1 mid-sequence (the sender restarted). */
  restarts: number;
  /** Notes seen on this source's sentences (OR of NOTE_* bits). */
  notes: number;
  /** First n seen (the check tool reports sources starting at 0/1). */
  firstN: number;
  lastSeen: number;
  /** Receive tick of the last datagram counted for this source. */
  lastDatagram: number;
}

const TOKENS = ["UdPbC", "RaUdP", "RrUdP", "NkPgN", "RrTcP"];
const TOKEN_BYTES = TOKENS.map((t) => {
  const b = new Uint8Array(5);
  for (let i = 0; i < 5; i++) b[i] = t.charCodeAt(i);
  return b;
});
const TOKEN_COUNTERS: ReadonlyArray<keyof ReceiverCounters> = [
  "datagrams",
  "tokenRaUdP",
  "tokenRrUdP",
  "tokenNkPgN",
  "tokenRrTcP",
];

/** Index in TOKENS of the 6-byte header at bytes[0..6), or -1. */
export function headerToken(bytes: Uint8Array, length: number): number {
  if (length < 6 || bytes[5] !== 0) return -1;
  for (let t = 0; t < TOKEN_BYTES.length; t++) {
    const tb = TOKEN_BYTES[t];
    if (bytes[0] === tb[0] && bytes[1] === tb[1] && bytes[2] === tb[2] && bytes[3] === tb[3] && bytes[4] === tb[4])
      return t;
  }
  return -1;
}

const TAG_REASONS: ReadonlyArray<DiscardReason | null> = [
  null,
  "tag-framing",
  "tag-too-long",
  "tag-format",
  "tag-checksum",
  "tag-syntax",
];

function counterOf(reason: DiscardReason): keyof ReceiverCounters {
  // Indexed loop: for-of would allocate an iterator per discarded datagram on XS.
  for (let i = 0; i < DISCARD_REASONS.length; i++) if (DISCARD_REASONS[i][0] === reason) return DISCARD_REASONS[i][1];
  throw new Error("unknown reason " + reason);
}

function newRecord(): ReceivedSentence {
  return {
    status: "ok",
    source: null,
    n: -1,
    destination: null,
    groupLine: -1,
    groupTotal: -1,
    groupCode: -1,
    timeRaw: NaN,
    time: NaN,
    timeInMs: false,
    tagBlocks: 0,
    bytes: new Uint8Array(0),
    tagStart: 0,
    tagEnd: 0,
    start: 0,
    end: 0,
    notes: 0,
    group: 0,
    sourceKey: -1,
    destKey: -1,
  };
}

/** Sentence text (without CR LF) of a record; "" for a TAG-only line. Allocates. */
export function sentenceText(s: ReceivedSentence): string {
  return latin1(s.bytes, s.start, s.end);
}

/** TAG blocks of a record as text. Allocates. */
export function tagText(s: ReceivedSentence): string {
  return latin1(s.bytes, s.tagStart, s.tagEnd);
}

export class Iec450Receiver {
  readonly counters: ReceiverCounters = newCounters();
  private ownKey: number;
  private destinationFilter: boolean;
  private readonly ignoreOwn: boolean;
  private readonly window: number;
  private readonly perGroup: boolean;
  private readonly maxSources: number;
  private readonly onSentence?: (s: ReceivedSentence) => void;
  private readonly onVerdict?: (v: Verdict, bytes: Uint8Array, length: number) => void;
  private readonly pool: ReceivedSentence[] = [];
  private readonly fields: TagFields = newTagFields();
  private readonly sources = new Map<number, SourceState>();
  private tick = 0;
  private readonly result: Verdict = {
    verdict: "discard",
    reason: null,
    token: null,
    line: 0,
    sentences: [],
    notes: 0,
  };

  /** A new own SFI (live setting sfi): the d: filter and own-source drop use it from the next datagram. */
  setOwnSfi(sfi: string): void {
    const key = sfiKeyOf(sfi);
    if (key < 0) throw new RangeError("ownSfi is not a conformant SFI (ccxxxx): " + sfi);
    this.ownKey = key;
  }

  constructor(options: ReceiverOptions = {}) {
    this.ownKey = options.ownSfi ? sfiKeyOf(options.ownSfi) : -1;
    if (options.ownSfi && this.ownKey < 0)
      throw new RangeError("ownSfi is not a conformant SFI (ccxxxx): " + options.ownSfi);
    this.destinationFilter = options.destinationFilter ?? true;
    this.ignoreOwn = options.ignoreOwnSource ?? true;
    const w = options.dedupWindow ?? 32;
    if (!(w >= 1 && w <= 500)) throw new RangeError("dedupWindow must be 1..500");
    this.window = w | 0;
    this.perGroup = options.dedupPerGroup ?? false;
    this.maxSources = options.maxSources ?? 64;
    this.onSentence = options.onSentence;
    this.onVerdict = options.onVerdict;
  }

  /** Turn d: filtering on or off at run time (the passive checker runs with it off). */
  setDestinationFilter(on: boolean): void {
    this.destinationFilter = on;
  }

  /** Per-source state, for reports. */
  sourceStates(): SourceState[] {
    return Array.from(this.sources.values());
  }

  /**
   * Judge one datagram (bytes[0..length)). `group` is the transmission group index it
   * arrived on (0 when unknown). Returns the reused verdict object.
   */
  receive(bytes: Uint8Array, length: number = bytes.length, group = 0): Verdict {
    const c = this.counters;
    const v = this.result;
    v.sentences.length = 0;
    v.line = 0;
    v.notes = 0;
    v.token = null;
    c.datagrams++;
    if (length > bytes.length) length = bytes.length;
    if (length > MAX_DATAGRAM) return this.discard("oversize", bytes, length);
    const t = headerToken(bytes, length);
    if (t < 0) return this.discard("header", bytes, length);
    v.token = TOKENS[t];
    if (t > 0) {
      c[TOKEN_COUNTERS[t]]++;
      return this.discard("other-token", bytes, length);
    }
    if (length === 6) return this.discard("empty", bytes, length);
    // First pass: validate every line; record positions in pooled records.
    let count = 0;
    let p = 6;
    let line = 0;
    const f = this.fields;
    while (p < length) {
      line++;
      // Find CR LF.
      let cr = p;
      while (cr < length && bytes[cr] !== 0x0d && bytes[cr] !== 0x0a) cr++;
      if (cr >= length - 1 || bytes[cr] !== 0x0d || bytes[cr + 1] !== 0x0a || cr === p) {
        v.line = line;
        return this.discard("line-framing", bytes, length);
      }
      resetTagFields(f, p);
      let q = p;
      while (q < cr && bytes[q] === 0x5c) {
        const r = parseTagBlock(bytes, q, cr, f);
        if (r !== TAG_OK) {
          v.line = line;
          v.notes |= f.notes & NOTE_UNPADDED_CHECKSUM;
          return this.discard(TAG_REASONS[r] as DiscardReason, bytes, length);
        }
        q = f.end;
      }
      let notes = f.notes;
      const start = q;
      let end = q;
      if (q < cr) {
        // Sentence: `$`/`!`, address field, ..., `*hh`, nothing else.
        const lead = bytes[q];
        if (lead !== 0x24 && lead !== 0x21) {
          v.line = line;
          return this.discard("sentence-format", bytes, length);
        }
        if (cr - q - 1 > MAX_SENTENCE_BODY) {
          v.line = line;
          return this.discard("sentence-too-long", bytes, length);
        }
        const star = cr - 3;
        if (star <= q || bytes[star] !== 0x2a) {
          v.line = line;
          if (cr - 2 > q && bytes[cr - 2] === 0x2a && hexValue(bytes[cr - 1]) >= 0) v.notes |= NOTE_UNPADDED_CHECKSUM;
          return this.discard("sentence-format", bytes, length);
        }
        const h = hexValue(bytes[star + 1]);
        const l = hexValue(bytes[star + 2]);
        if (h < 0 || l < 0 || !addressOk(bytes, q + 1, star) || !bodyOk(bytes, q + 1, star)) {
          v.line = line;
          return this.discard("sentence-format", bytes, length);
        }
        if (xorRange(bytes, q + 1, star) !== ((h << 4) | l)) {
          v.line = line;
          return this.discard("sentence-checksum", bytes, length);
        }
        if (bytes[star + 1] >= 0x61 || bytes[star + 2] >= 0x61) notes |= NOTE_LOWER_HEX_SENTENCE;
        end = cr;
      } else if (f.blocks === 0) {
        v.line = line;
        return this.discard("line-framing", bytes, length);
      }
      const s = count < this.pool.length ? this.pool[count] : (this.pool[count] = newRecord());
      count++;
      s.bytes = bytes;
      s.tagStart = f.blocks > 0 ? f.start : p;
      s.tagEnd = f.blocks > 0 ? f.end : p;
      s.tagBlocks = f.blocks;
      s.start = start;
      s.end = end;
      s.sourceKey = f.sourceKey;
      s.n = f.n;
      s.destKey = f.destKey;
      s.destination =
        f.destStart >= 0 ? (f.destKey >= 0 ? sfiString(f.destKey) : latin1(bytes, f.destStart, f.destEnd)) : null;
      s.groupLine = f.gLine;
      s.groupTotal = f.gTotal;
      s.groupCode = f.gCode;
      s.timeRaw = f.cRaw;
      s.timeInMs = (notes & NOTE_C_MS) !== 0;
      s.time = s.timeInMs ? f.cRaw / 1000 : f.cRaw;
      s.notes = notes;
      s.group = group;
      p = cr + 2;
    }
    // Second pass: the datagram is valid; decide the fate of each line and deliver.
    c.accepted++;
    v.verdict = "accept";
    v.reason = null;
    const tick = ++this.tick;
    for (let i = 0; i < count; i++) {
      const s = this.pool[i];
      v.sentences.push(s);
      v.notes |= s.notes;
      if (s.notes & ((1 << 0) | (1 << 1))) c.lowerHex++;
      if (s.timeInMs) c.cMilliseconds++;
      s.source = s.sourceKey >= 0 ? sfiString(s.sourceKey) : null;
      if (s.start === s.end) {
        s.status = "tag-only";
        c.tagOnly++;
        continue;
      }
      c.sentences++;
      if (s.sourceKey < 0) {
        s.status = "no-source";
        c.noSource++;
        continue;
      }
      if (this.ignoreOwn && s.sourceKey === this.ownKey) {
        s.status = "own-source";
        c.ownSource++;
        continue;
      }
      const st = this.source(s.sourceKey, this.perGroup ? group : 0, tick);
      st.notes |= s.notes;
      st.sentences++;
      if (st.lastDatagram !== tick) {
        st.datagrams++;
        st.lastDatagram = tick;
      }
      if (s.n >= 0 && !this.track(st, s.n)) {
        s.status = "duplicate";
        c.duplicates++;
        continue;
      }
      if (this.destinationFilter && this.ownKey >= 0 && s.destination !== null && s.destKey !== this.ownKey) {
        s.status = "other-destination";
        c.otherDestination++;
        continue;
      }
      s.status = "ok";
      c.delivered++;
    }
    if (this.onVerdict) this.onVerdict(v, bytes, length);
    if (this.onSentence) {
      for (let i = 0; i < count; i++) if (this.pool[i].status === "ok") this.onSentence(this.pool[i]);
    }
    return v;
  }

  private discard(reason: DiscardReason, bytes: Uint8Array, length: number): Verdict {
    const v = this.result;
    v.verdict = "discard";
    v.reason = reason;
    v.sentences.length = 0;
    this.counters.discarded++;
    this.counters[counterOf(reason)]++;
    if (this.onVerdict) this.onVerdict(v, bytes, length);
    return v;
  }

  private source(key: number, group: number, tick: number): SourceState {
    const k = group > 0 ? key * 64 + group : key;
    let st = this.sources.get(k);
    if (st === undefined) {
      if (this.sources.size >= this.maxSources) {
        // Forget the least recently seen source (rare: only with more senders than slots).
        let oldK = -1;
        let oldT = Infinity;
        for (const [kk, ss] of this.sources)
          if (ss.lastSeen < oldT) {
            oldT = ss.lastSeen;
            oldK = kk;
          }
        this.sources.delete(oldK);
        this.counters.sourcesEvicted++;
      }
      st = {
        sfi: sfiString(key),
        group,
        key,
        lastN: -1,
        ring: new Uint16Array(this.window),
        ringPos: 0,
        datagrams: 0,
        sentences: 0,
        gaps: 0,
        gapLost: 0,
        duplicates: 0,
        reordered: 0,
        restarts: 0,
        notes: 0,
        firstN: -1,
        lastSeen: tick,
        lastDatagram: 0,
      };
      this.sources.set(k, st);
    }
    st.lastSeen = tick;
    return st;
  }

  /** Record line count `n` for a source; false when it is a duplicate. */
  private track(st: SourceState, n: number): boolean {
    const ring = st.ring;
    // n:1 after a newest count beyond the window (so not a copy of a recent 1) and not the
    // 999 -> 1 wrap: the sender's line counter started again (a gateway restart). The new
    // sequence is tracked from here; the jump is not loss, and older n values are not duplicates.
    if (n === 1 && st.lastN > this.window && st.lastN !== 999) {
      st.restarts++;
      this.counters.restarts++;
      ring.fill(0);
      ring[0] = 1;
      st.ringPos = 1 % ring.length;
      st.lastN = 1;
      return true;
    }
    for (let i = 0; i < ring.length; i++) {
      if (ring[i] === n) {
        st.duplicates++;
        return false;
      }
    }
    ring[st.ringPos] = n;
    st.ringPos = (st.ringPos + 1) % ring.length;
    if (st.lastN < 0) {
      st.firstN = n;
      st.lastN = n;
      return true;
    }
    // Forward distance on the 1..999 circle.
    const d = (n - st.lastN + 999) % 999;
    if (d === 1) {
      st.lastN = n;
    } else if (d > 999 - this.window) {
      // Behind the newest by less than the window and not a duplicate: late arrival.
      st.reordered++;
      this.counters.reordered++;
    } else {
      st.gaps++;
      st.gapLost += d - 1;
      this.counters.gaps++;
      this.counters.gapLost += d - 1;
      st.lastN = n;
    }
    return true;
  }
}

/** Address field: 2..? alphanumerics up to the first comma (or `*`). */
function addressOk(bytes: Uint8Array, start: number, star: number): boolean {
  let i = start;
  while (i < star && bytes[i] !== 0x2c) {
    const c = bytes[i];
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) return false;
    i++;
  }
  return i - start >= 2;
}

/**
 * Printable ASCII only (61162-1; 8-bit text must be escaped with ^hh by the sender),
 * no `\` (TAG delimiter), no second start delimiter and no `*` in the body.
 */
function bodyOk(bytes: Uint8Array, start: number, star: number): boolean {
  for (let i = start; i < star; i++) {
    const c = bytes[i];
    if (c < 0x20 || c >= 0x7f || c === 0x5c || c === 0x24 || c === 0x21 || c === 0x2a) return false;
  }
  return true;
}
