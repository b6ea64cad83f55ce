// Streaming sentence framer for the Beidou terminal's UART stream.
//
// Fed byte chunks of any size (UART drivers deliver arbitrary splits). A text unit
// starts on '$' or '!' and ends on CR or LF (so CR LF, LF and CR CR LF all work).
// Checksums are checked over bytes because RDSS text may carry raw GB2312 bytes
// >= 0x80.
//
// Start characters inside a line (docs/framing.md): some Beidou terminals put a
// short message into $BDTXR as raw text, so '$', '!', '*', ',' and '\' may stand
// inside the fields. A start character inside a unit therefore does not cut it:
// the framer keeps the earlier candidate and records the later start. At the line
// end it takes the EARLIEST start from which the rest of the line is a valid
// sentence (address of 2+ upper-case letters/digits, checksum from the last "*HH"
// over everything before it); each start before that one is a `truncated` unit, as
// before. If none is valid, the candidates before the last start are `truncated`
// and the last one gets the usual verdict; so noise followed by a real sentence
// still gives that sentence (unless the whole line happens to validate too: a 1 in
// 256 chance the doc discusses). The line limit bounds it all: when the buffer is
// full, the earliest candidate (which can no longer be valid) is dropped as
// `truncated`. A control byte ends the line as before (`badCharacter`, or an RDSS
// 4.0 frame starting at the last start). Parsing is in place in one buffer.
//
// RDSS 4.0 binary frames also begin with '$': '$' + 4-letter command + 16-bit
// big-endian total length + payload + XOR of all preceding bytes. They are told
// apart from text by a known command followed by a control byte (the length's high
// byte). If a supposed frame fails its length or XOR check, the bytes after its '$'
// are framed again, so a text sentence hidden inside a false frame is not lost.
//
// Every unit ends in exactly one callback: onSentence, onFrame or onReject, and
// the counters satisfy: units = sentences + frames + rejected, rejected = sum of
// the reasons. The views passed to callbacks are the framer's own buffer: valid
// only during the callback (no per-sentence allocation).

import { BANG, COMMA, CR, DOLLAR, LF, STAR } from "../nmea/chars";
import { hexByte } from "../nmea/checksum";
import { frameKey } from "../nmea/keys";
import {
  addTally,
  type ByteHelpers,
  FRAME_MORE,
  FW_JS,
  FW_LEN,
  FW_TALLY,
  TALLY_LENGTH,
  TALLY_NOISE,
  TALLY_REJECTED,
  TALLY_SENTENCES,
  TALLY_UNITS,
  tsBytes,
} from "./bytes";

export type RejectReason =
  | "badChecksum" // *HH present but wrong, or not two hex digits
  | "noChecksum" // no *HH at the end
  | "tooLong" // longer than maxLength; cut and skipped to the next start
  | "badCharacter" // control character inside a unit, or '*' / '\\' inside the address
  | "truncated" // a later start character gave the sentence (or the line ended without one), or end of input
  | "badAddress" // address field not 2+ upper-case letters/digits
  | "binaryLength" // RDSS 4.0 frame with an impossible length field
  | "binaryChecksum"; // RDSS 4.0 frame whose XOR does not match

export const REJECT_REASONS: ReadonlyArray<RejectReason> = [
  "badChecksum",
  "noChecksum",
  "tooLong",
  "badCharacter",
  "truncated",
  "badAddress",
  "binaryLength",
  "binaryChecksum",
];

export interface FramerCounters {
  /** Bytes fed. */
  bytes: number;
  /** Bytes outside any unit (binary protocols, line noise). */
  noiseBytes: number;
  /** Units: candidate lines resolved (a start character inside a delivered sentence is not a unit of its own). */
  units: number;
  sentences: number;
  frames: number;
  rejected: number;
  badChecksum: number;
  noChecksum: number;
  tooLong: number;
  badCharacter: number;
  truncated: number;
  badAddress: number;
  binaryLength: number;
  binaryChecksum: number;
}

/**
 * The counters in the order of the framer's tally (src/core/bytes.ts TALLY_*): the
 * native frameText adds to them as doubles by index, with no property lookups.
 */
export const FRAMER_COUNTERS: ReadonlyArray<keyof FramerCounters> = [
  "bytes",
  "noiseBytes",
  "units",
  "sentences",
  "frames",
  "rejected",
  ...REJECT_REASONS,
];
const TALLY_FRAMES = 4; // bytes at 0 (feed adds to it inline)
/** Tally index of each reason (TALLY_REJECTED + its reject code). */
const REASON_INDEX = Object.fromEntries(REJECT_REASONS.map((r, i) => [r, TALLY_REJECTED + 1 + i])) as Record<
  RejectReason,
  number
>;

/** Where a counters object keeps its tally (not enumerable, so not a counter). */
const TALLY = Symbol("tally");
type TallyHolder = { [TALLY]: Uint32Array };

/**
 * One getter and setter per counter, made once for all framers and shared (per-framer
 * closures cost the board hundreds of heap slots): each reads or sets its 64-bit
 * count in the tally of `this`.
 */
const TALLY_ACCESSORS: PropertyDescriptorMap = {};
for (let i = 0; i < FRAMER_COUNTERS.length; i++)
  TALLY_ACCESSORS[FRAMER_COUNTERS[i]] = {
    get(this: TallyHolder) {
      const t = this[TALLY];
      return t[2 * i] + t[2 * i + 1] * 4294967296;
    },
    set(this: TallyHolder, v: number) {
      const t = this[TALLY],
        hi = Math.floor(v / 4294967296);
      t[2 * i + 1] = hi;
      t[2 * i] = v - hi * 4294967296;
    },
    enumerable: true,
  };

/**
 * The counters as a plain-looking object over the tally: each one an own enumerable
 * accessor (so keys, spread, JSON and assignment work), read and set where someone
 * looks (status, the device state's tick), while the hot path adds to the tally.
 */
function tallyCounters(tally: Uint32Array): FramerCounters {
  const c = Object.defineProperties({}, TALLY_ACCESSORS) as FramerCounters;
  Object.defineProperty(c, TALLY, { value: tally });
  return c;
}

export function newFramerCounters(): FramerCounters {
  return {
    bytes: 0,
    noiseBytes: 0,
    units: 0,
    sentences: 0,
    frames: 0,
    rejected: 0,
    badChecksum: 0,
    noChecksum: 0,
    tooLong: 0,
    badCharacter: 0,
    truncated: 0,
    badAddress: 0,
    binaryLength: 0,
    binaryChecksum: 0,
  };
}

export interface FramerOptions {
  /** Longest text unit in bytes from the start character to the checksum (RDSS 2.1: 300). */
  maxLength?: number;
  /** Recognise RDSS 4.0 binary frames (default true), those that begin with one of `frameCommands`. */
  binaryFrames?: boolean;
  /**
   * The RDSS 4.0 commands that tell a binary frame from text ('$' + command + a control
   * byte), as nmea/keys frameKeyOf keys: the Beidou layer's set (beidou/table.ts
   * RDSS40_COMMAND_KEYS, made once at load); none by default: core names no Beidou command.
   */
  frameCommands?: ReadonlySet<number>;
  onSentence(bytes: Uint8Array, length: number): void;
  onFrame?(bytes: Uint8Array, length: number): void;
  onReject?(reason: RejectReason, bytes: Uint8Array, length: number): void;
  /** Byte loops: native on the board (src/native/bytes.c), TypeScript otherwise. */
  bytes?: ByteHelpers;
  /**
   * The gateway's forward block (src/core/bytes.ts FW_*): the tally is its FW_TALLY
   * words, and its FW_LEN holds the unit while the gateway's loop has the common path (resume).
   */
  block?: Uint32Array;
}

// Reasons as constants: rejects can be frequent (binary protocols mixed into the
// stream give a reject per stray '$'), and on XS a string literal in evaluated
// bytecode is copied into a new chunk each time it runs.
const TOO_LONG: RejectReason = "tooLong",
  BAD_CHARACTER: RejectReason = "badCharacter",
  TRUNCATED: RejectReason = "truncated",
  BINARY_LENGTH: RejectReason = "binaryLength",
  BINARY_CHECKSUM: RejectReason = "binaryChecksum";

const HUNT = 0,
  TEXT = 1,
  BINARY = 2,
  SKIP = 3;
/** Smallest 4.0 frame: '$' + command(4) + length(2) + user address(3) + XOR(1). */
const MIN_FRAME = 11;
/** No RDSS 4.0 command known: no frame is recognised. */
const NO_COMMANDS: ReadonlySet<number> = new Set<number>();

export class SentenceFramer {
  // The fields feed() reads first (on XS a `this.` field is found by a walk along the
  // instance's property list).
  /** Bytes to frame again after a false binary frame, consumed before the caller's chunk. */
  private replayStart = 0;
  private replayEnd = 0;
  private state = HUNT;
  /** Index in buf of the last start character of the line (0: none after the first). */
  private lastStart = 0;
  private len = 0;
  /** The gateway's forward block (FramerOptions.block), or undefined. */
  private readonly block: Uint32Array | undefined;
  /** The counters (FRAMER_COUNTERS order) as 64-bit counts (low, high word); its bytes go to frameText. */
  private readonly tally: Uint32Array;
  /** frameText's in/out: the unit's length and the result code (ByteHelpers.frameText). */
  private readonly io = new Uint16Array(2);
  private readonly bytes: ByteHelpers;
  /** The unit's bytes (the gateway's forward loop frames into it too). */
  readonly buf: Uint8Array;
  private readonly ioBytes = new Uint8Array(this.io.buffer);
  private readonly tallyBytes: Uint8Array;
  /** No onReject: frameText counts the common rejects and goes on (no return to JS per reject). */
  private readonly quiet: boolean;
  private readonly onSentence: FramerOptions["onSentence"];
  private readonly onReject?: FramerOptions["onReject"];
  readonly counters: FramerCounters;
  readonly maxLength: number;
  private readonly binaryFrames: boolean;
  /** FramerOptions.frameCommands (read on a rare path: a control byte after '$' + 4 bytes). */
  private readonly commandKeys: ReadonlySet<number>;
  private frameLength = 0;
  private readonly replay: Uint8Array;
  private readonly onFrame?: FramerOptions["onFrame"];

  constructor(options: FramerOptions) {
    this.maxLength = options.maxLength ?? 300;
    if (!(this.maxLength >= 16 && this.maxLength <= 65535)) throw new RangeError("maxLength must be 16..65535");
    this.binaryFrames = options.binaryFrames ?? true;
    this.commandKeys = options.frameCommands ?? NO_COMMANDS;
    this.buf = new Uint8Array(this.maxLength);
    this.replay = new Uint8Array(this.maxLength * 2);
    this.onSentence = options.onSentence;
    this.onFrame = options.onFrame;
    this.onReject = options.onReject;
    this.quiet = options.onReject === undefined;
    this.bytes = options.bytes ?? tsBytes;
    const block = (this.block = options.block);
    this.tally = block ? block.subarray(FW_TALLY, FW_TALLY + 2 * TALLY_LENGTH) : new Uint32Array(2 * TALLY_LENGTH);
    this.tallyBytes = new Uint8Array(this.tally.buffer, this.tally.byteOffset, this.tally.byteLength);
    this.counters = tallyCounters(this.tally);
  }

  /** Take the unit back from the gateway's forward loop (block FW_LEN) before the JS path runs. */
  private adopt(): void {
    const block = this.block!,
      n = block[FW_LEN];
    block[FW_LEN] = FW_JS;
    this.len = n;
    this.state = n > 0 ? TEXT : HUNT;
    this.lastStart = 0;
  }

  /**
   * The rest of feed for the gateway's forward loop (src/core/gateway.ts), which runs the
   * common path itself (bytes.forwardText): from bytes[i] (`other`: the unusual byte that
   * call stopped at, stepped first) until the common path applies again, which it hands
   * back (block FW_LEN), or the input is used up. Counts the bytes it took; returns where it stopped.
   */
  resume(bytes: Uint8Array, i: number, end: number, other: boolean): number {
    const block = this.block!,
      from = i;
    if (block[FW_LEN] !== FW_JS) this.adopt();
    if (other) this.step(bytes[i++]);
    for (;;) {
      if (this.replayStart < this.replayEnd) {
        this.step(this.replay[this.replayStart++]);
        continue;
      }
      const st = this.state;
      if (st === HUNT || (st === TEXT && this.lastStart === 0)) {
        block[FW_LEN] = st === HUNT ? 0 : this.len;
        break;
      }
      if (i >= end) break;
      if (st === TEXT) i = this.scanLine(bytes, i, end);
      else this.step(bytes[i++]);
    }
    addTally(this.tally, 0, i - from);
    return i;
  }

  /** In a line with a later start character (raw text): printable bytes in one call, then the byte that stopped it. */
  private scanLine(bytes: Uint8Array, i: number, end: number): number {
    const stop = this.bytes.scanText(bytes, i, end, this.buf, this.len);
    this.len += stop - i;
    i = stop;
    if (i < end) {
      const c = bytes[i++];
      if (c === CR || c === LF) this.endText();
      else this.step(c);
    }
    return i;
  }

  /** Frame bytes[start..end). */
  feed(bytes: Uint8Array, start = 0, end = bytes.length): void {
    if (this.block !== undefined && this.block[FW_LEN] !== FW_JS) this.adopt();
    // addTally(TALLY_BYTES) inlined: a call fewer per UART read on the board.
    const t = this.tally,
      fed = t[0] + (end - start);
    if (fed > 0xffffffff) {
      t[0] = fed - 4294967296;
      t[1]++;
    } else t[0] = fed;
    const io = this.io;
    let i = start;
    for (;;) {
      if (this.replayStart < this.replayEnd) {
        this.step(this.replay[this.replayStart++]);
        continue;
      }
      if (i >= end) break;
      const st = this.state;
      if (st === HUNT || (st === TEXT && this.lastStart === 0)) {
        // The common path, one call per line (on the board one native call, not a
        // dozen JS steps): hunt, start, text and the line end's verdict, line after
        // line. Anything unusual (start or control characters inside a line, the
        // length limit, RDSS 4.0 detection) stops it and is left to step(), byte by
        // byte. It never fills the replay buffer, so it may go on without the checks above.
        let len = st === HUNT ? 0 : this.len;
        if (len === 0) this.lastStart = 0; // a unit the helper begins has no later start yet
        // Locals: read once for the lines of this chunk (each `this.` read is a walk on XS).
        const frameText = this.bytes.frameText,
          buf = this.buf,
          ioBytes = this.ioBytes,
          tallyBytes = this.tallyBytes,
          quiet = this.quiet;
        for (;;) {
          io[0] = len;
          // It counts units, sentences, noise and (the line ends') rejects itself; quiet:
          // with no onReject to call, rejects are counted there and framing goes on.
          i = frameText(bytes, i, end, buf, ioBytes, tallyBytes, quiet);
          const n = io[0],
            code = io[1];
          if (code >= FRAME_MORE) {
            this.len = n;
            this.state = n > 0 ? TEXT : HUNT;
            if (code === FRAME_MORE) return; // the input is used up
            this.step(bytes[i++]);
            break;
          }
          // A line end: the unit is a sentence, or (not quiet) rejected.
          this.state = HUNT;
          this.len = 0;
          if (code === 0) this.onSentence(buf, n);
          else if (this.onReject) this.onReject(REJECT_REASONS[code - 1], buf, n);
          if (i >= end) return;
          len = 0;
        }
        continue;
      }
      if (st === TEXT) {
        // A line with a later start character in it (raw text): printable ASCII or
        // 8-bit text (GB2312), but not a start character, one call per run.
        i = this.scanLine(bytes, i, end);
        continue;
      }
      this.step(bytes[i++]);
    }
  }

  /** End of input: a unit still open is truncated. */
  flush(): void {
    if (this.block !== undefined && this.block[FW_LEN] !== FW_JS) this.adopt();
    // An unfinished 4.0 frame may be a false one hiding text: frame its bytes again.
    while (this.state === BINARY) {
      this.falseFrame(TRUNCATED);
      this.feed(this.buf, 0, 0);
    }
    if (this.state === TEXT) {
      while (this.lastStart > 0) this.dropFirst();
      this.reject(TRUNCATED);
    }
    this.state = HUNT;
    this.len = 0;
  }

  private step(c: number): void {
    const st = this.state;
    if (st === HUNT || st === SKIP) {
      if (c === DOLLAR || c === BANG) return this.begin(c);
      if (st === SKIP) {
        if (c === CR || c === LF) this.state = HUNT;
        return;
      }
      if (c !== CR && c !== LF) addTally(this.tally, TALLY_NOISE, 1);
      return;
    }
    if (st === BINARY) {
      this.buf[this.len++] = c;
      if (this.len === 7) {
        this.frameLength = (this.buf[5] << 8) | c;
        if (this.frameLength < MIN_FRAME || this.frameLength > this.buf.length) return this.falseFrame(BINARY_LENGTH);
      } else if (this.len > 7 && this.len === this.frameLength) {
        const n = this.len;
        if (this.bytes.xor(this.buf, 0, n - 1) !== this.buf[n - 1]) return this.falseFrame(BINARY_CHECKSUM);
        addTally(this.tally, TALLY_FRAMES, 1);
        this.state = HUNT;
        this.len = 0;
        if (this.onFrame) this.onFrame(this.buf, n);
      }
      return;
    }
    // TEXT
    if (c === CR || c === LF) return this.endText();
    const max = this.buf.length;
    if (c === DOLLAR || c === BANG) {
      // Kept inside the line: raw text may hold it. Decided at the line end.
      if (this.len >= max) {
        this.makeRoom();
        if (this.len >= max) {
          this.reject(TRUNCATED);
          return this.begin(c);
        }
      }
      this.lastStart = this.len;
      this.buf[this.len++] = c;
      return;
    }
    if (c < 0x20 || c === 0x7f) {
      // A control byte ends the line: no candidate before the last start survives it.
      while (this.lastStart > 0) this.dropFirst();
      if (
        this.len === 5 &&
        this.binaryFrames &&
        c < 0x20 &&
        this.buf[0] === DOLLAR &&
        this.commandKeys.has(frameKey(this.buf[1], this.buf[2], this.buf[3], this.buf[4]))
      ) {
        this.state = BINARY;
        this.buf[this.len++] = c;
        return;
      }
      this.reject(BAD_CHARACTER);
      this.state = HUNT;
      return;
    }
    if (this.len >= max) {
      this.makeRoom();
      if (this.len >= max) {
        this.reject(TOO_LONG);
        this.state = SKIP;
        return;
      }
    }
    this.buf[this.len++] = c;
  }

  private begin(c: number): void {
    addTally(this.tally, TALLY_UNITS, 1);
    this.buf[0] = c;
    this.len = 1;
    this.lastStart = 0;
    this.state = TEXT;
  }

  /** The buffer is full: drop the earliest candidates (longer than the limit, so never valid). */
  private makeRoom(): void {
    while (this.len >= this.buf.length && this.lastStart > 0) this.dropFirst();
  }

  /**
   * Split off the line's first candidate, up to the next start character, as a
   * `truncated` unit (what it is when a later start wins) and move the rest to the
   * front of the buffer. Returns the number of bytes dropped. Needs lastStart > 0.
   */
  private dropFirst(): number {
    const b = this.buf;
    let p = 1;
    while (b[p] !== DOLLAR && b[p] !== BANG) p++;
    addTally(this.tally, TALLY_UNITS, 1);
    this.count(TRUNCATED, p);
    b.copyWithin(0, p, this.len);
    this.len -= p;
    this.lastStart -= p;
    return p;
  }

  /**
   * Index of the earliest start character from which buf[..len) is a valid
   * sentence, or -1. One pass: the XOR from start s is the whole line's XOR with
   * the XOR of buf[1..s] taken out.
   */
  private firstValidStart(): number {
    const b = this.buf,
      n = this.len,
      end = n - 3;
    if (n < 4 || b[end] !== STAR) return -1;
    const sum = hexByte(b, n - 2);
    if (sum < 0) return -1;
    const total = this.bytes.xor(b, 1, end);
    let head = 0;
    for (let s = 0; s < end; s++) {
      const c = b[s];
      if (s > 0) head ^= c;
      if ((s === 0 || c === DOLLAR || c === BANG) && (total ^ head) === sum && this.addressEnd(s, end) > s + 2)
        return s;
    }
    return -1;
  }

  /** End of the address (upper-case letters and digits) after buf[s], or -1 at any other byte. */
  private addressEnd(s: number, end: number): number {
    const b = this.buf;
    let k = s + 1;
    while (k < end && b[k] !== COMMA) {
      const a = b[k];
      if (!((a >= 0x41 && a <= 0x5a) || (a >= 0x30 && a <= 0x39))) return -1;
      k++;
    }
    return k;
  }

  private endText(): void {
    if (this.lastStart > 0) {
      // Earliest valid candidate, else the last start gets the usual verdict.
      let j = this.firstValidStart();
      if (j < 0) j = this.lastStart;
      while (j > 0) j -= this.dropFirst();
    }
    const b = this.buf,
      n = this.len;
    this.state = HUNT;
    // Checksum, and the address (upper-case letters and digits up to the first ','
    // or the checksum). The fields after it may hold anything but control bytes
    // (raw-text messages); the encoder decides how such a sentence goes on the wire.
    const code = this.bytes.checkSentence(b, n);
    if (code !== 0) return this.reject(REJECT_REASONS[code - 1]);
    addTally(this.tally, TALLY_SENTENCES, 1);
    this.len = 0;
    this.onSentence(b, n);
  }

  /** Reject the whole buffer as one unit. */
  private reject(reason: RejectReason): void {
    const n = this.len;
    this.len = 0;
    this.count(reason, n);
  }

  private count(reason: RejectReason, n: number): void {
    addTally(this.tally, TALLY_REJECTED, 1);
    addTally(this.tally, REASON_INDEX[reason], 1);
    if (this.onReject) this.onReject(reason, this.buf, n);
  }

  /** A '$' that looked like a 4.0 frame was not one: reject it, then frame its bytes again. */
  private falseFrame(reason: RejectReason): void {
    const n = this.len;
    // Put buf[1..n) in front of whatever is still waiting in the replay buffer.
    const waiting = this.replayEnd - this.replayStart;
    const m = n - 1;
    if (this.replayStart >= m) {
      this.replayStart -= m;
    } else {
      this.replay.copyWithin(m, this.replayStart, this.replayEnd);
      this.replayStart = 0;
      this.replayEnd = m + waiting;
    }
    this.replay.set(this.buf.subarray(1, n), this.replayStart);
    this.state = HUNT;
    this.reject(reason);
  }
}
