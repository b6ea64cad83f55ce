// Streaming sentence framer for the Beidou terminal's UART stream.
//
// Fed byte chunks of any size (UART drivers deliver arbitrary splits). A text unit
// starts on '$' or '!' and ends on CR or LF (so CR LF, LF and CR CR LF all work);
// a start character inside a unit restarts framing there, so garbage can never
// swallow the sentence that follows it. Checksums are checked over bytes because
// RDSS text may carry raw GB2312 bytes >= 0x80.
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

import { tsBytes, type ByteHelpers } from "./bytes";

export type RejectReason =
  | "badChecksum" // *HH present but wrong, or not two hex digits
  | "noChecksum" // no *HH at the end
  | "tooLong" // longer than maxLength; cut and skipped to the next start
  | "badCharacter" // control character inside a unit, or '*' / '\\' inside the fields
  | "truncated" // a new start character (or end of input) before the line end
  | "badAddress" // address field not 2+ upper-case letters/digits
  | "binaryLength" // RDSS 4.0 frame with an impossible length field
  | "binaryChecksum"; // RDSS 4.0 frame whose XOR does not match

export const REJECT_REASONS: ReadonlyArray<RejectReason> = [
  "badChecksum", "noChecksum", "tooLong", "badCharacter", "truncated", "badAddress", "binaryLength", "binaryChecksum",
];

export interface FramerCounters {
  /** Bytes fed. */
  bytes: number;
  /** Bytes outside any unit (binary protocols, line noise). */
  noiseBytes: number;
  /** Units started ('$'/'!' seen in hunting state, or restarts). */
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

export function newFramerCounters(): FramerCounters {
  return {
    bytes: 0, noiseBytes: 0, units: 0, sentences: 0, frames: 0, rejected: 0,
    badChecksum: 0, noChecksum: 0, tooLong: 0, badCharacter: 0, truncated: 0, badAddress: 0,
    binaryLength: 0, binaryChecksum: 0,
  };
}

/** RDSS 4.0 commands (both directions and vendor frames) from the reference, beidou.md §5.2. */
export const RDSS40_COMMANDS: ReadonlyArray<string> = [
  "GLJC", "DWSQ", "TXSQ", "DSSQ", "ICJC", "XTZJ", "SJSC", "BBDQ", "XHDQ", "JSZL", "BSSZ", "GXZX", "GXZR", "GXDQ",
  "LZSZ", "LZDQ", "JJZH", "CKSC", "WMCS", "HXSZ", "DHSQ", "SCSC", "ZBZH", "GBXX", "GYXX",
  "GLZK", "DWXX", "TXXX", "TXHZ", "ICXX", "ZJXX", "SJXX", "BBXX", "XHXX", "GLXX", "FKXX",
  "KLSB", "DHSC", "DSJG", "SCSJ", "ZBSC", "GBSC", "GYSC", "ZHQR", "LZXX",
  "RZCW", "BJLZ", "DQGK", "BHXX", "SSXX", "KZXX", "DSXX", "SZXX", "DSLX", "BJWZ", "FPGA", "BDSZ", "GPSP", "GPSX",
];

export interface FramerOptions {
  /** Longest text unit in bytes from the start character to the checksum (RDSS 2.1: 300). */
  maxLength?: number;
  /** Recognise RDSS 4.0 binary frames (default true). */
  binaryFrames?: boolean;
  onSentence(bytes: Uint8Array, length: number): void;
  onFrame?(bytes: Uint8Array, length: number): void;
  onReject?(reason: RejectReason, bytes: Uint8Array, length: number): void;
  /** Byte loops: native on the board (src/native/bytes.c), TypeScript otherwise. */
  bytes?: ByteHelpers;
}

// Reasons as constants: rejects can be frequent (binary protocols mixed into the
// stream give a reject per stray '$'), and on XS a string literal in evaluated
// bytecode is copied into a new chunk each time it runs.
const TOO_LONG: RejectReason = "tooLong", BAD_CHARACTER: RejectReason = "badCharacter", TRUNCATED: RejectReason = "truncated",
  BINARY_LENGTH: RejectReason = "binaryLength", BINARY_CHECKSUM: RejectReason = "binaryChecksum";

const HUNT = 0, TEXT = 1, BINARY = 2, SKIP = 3;
const DOLLAR = 0x24, BANG = 0x21, CR = 0x0d, LF = 0x0a;
/** Smallest 4.0 frame: '$' + command(4) + length(2) + user address(3) + XOR(1). */
const MIN_FRAME = 11;

function commandKey(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

const COMMAND_KEYS: Set<number> = new Set(
  RDSS40_COMMANDS.map((c) => commandKey(c.charCodeAt(0), c.charCodeAt(1), c.charCodeAt(2), c.charCodeAt(3))),
);

export class SentenceFramer {
  readonly counters: FramerCounters = newFramerCounters();
  readonly maxLength: number;
  private readonly binaryFrames: boolean;
  private readonly buf: Uint8Array;
  private len = 0;
  private state = HUNT;
  private frameLength = 0;
  /** Bytes to frame again after a false binary frame, consumed before the caller's chunk. */
  private readonly replay: Uint8Array;
  private replayStart = 0;
  private replayEnd = 0;
  private readonly onSentence: FramerOptions["onSentence"];
  private readonly onFrame?: FramerOptions["onFrame"];
  private readonly onReject?: FramerOptions["onReject"];
  private readonly bytes: ByteHelpers;

  constructor(options: FramerOptions) {
    this.maxLength = options.maxLength ?? 300;
    if (!(this.maxLength >= 16 && this.maxLength <= 65535)) throw new RangeError("maxLength must be 16..65535");
    this.binaryFrames = options.binaryFrames ?? true;
    this.buf = new Uint8Array(this.maxLength);
    this.replay = new Uint8Array(this.maxLength * 2);
    this.onSentence = options.onSentence;
    this.onFrame = options.onFrame;
    this.onReject = options.onReject;
    this.bytes = options.bytes ?? tsBytes;
  }

  /** Frame bytes[start..end). */
  feed(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.counters.bytes += end - start;
    let i = start;
    for (;;) {
      if (this.replayStart < this.replayEnd) {
        this.step(this.replay[this.replayStart++]);
        continue;
      }
      if (i >= end) break;
      // Fast paths for the two states nearly every byte is in; anything unusual
      // (line ends, control bytes, start characters, the length limit, RDSS 4.0
      // detection, skipping) is left to step(), byte by byte.
      const st = this.state;
      if (st === HUNT) {
        let noise = 0;
        while (i < end) {
          const c = bytes[i];
          if (c === DOLLAR || c === BANG) break;
          if (c !== CR && c !== LF) noise++;
          i++;
        }
        this.counters.noiseBytes += noise;
        if (i < end) this.begin(bytes[i++]);
        continue;
      }
      if (st === TEXT) {
        // Printable ASCII or 8-bit text (GB2312), but not a start character: one call per run.
        const stop = this.bytes.scanText(bytes, i, end, this.buf, this.len);
        this.len += stop - i;
        i = stop;
        if (i < end) this.step(bytes[i++]);
        continue;
      }
      this.step(bytes[i++]);
    }
  }

  /** End of input: a unit still open is truncated. */
  flush(): void {
    // An unfinished 4.0 frame may be a false one hiding text: frame its bytes again.
    while (this.state === BINARY) {
      this.falseFrame(TRUNCATED);
      this.feed(this.buf, 0, 0);
    }
    if (this.state === TEXT) this.reject(TRUNCATED);
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
      if (c !== CR && c !== LF) this.counters.noiseBytes++;
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
        this.counters.frames++;
        this.state = HUNT;
        this.len = 0;
        if (this.onFrame) this.onFrame(this.buf, n);
      }
      return;
    }
    // TEXT
    if (c === CR || c === LF) return this.endText();
    if (c === DOLLAR || c === BANG) {
      this.reject(TRUNCATED);
      return this.begin(c);
    }
    if (this.len === 5 && this.binaryFrames && c < 0x20 && this.buf[0] === DOLLAR &&
        COMMAND_KEYS.has(commandKey(this.buf[1], this.buf[2], this.buf[3], this.buf[4]))) {
      this.state = BINARY;
      this.buf[this.len++] = c;
      return;
    }
    if (c < 0x20 || c === 0x7f) {
      this.reject(BAD_CHARACTER);
      this.state = HUNT;
      return;
    }
    if (this.len >= this.buf.length) {
      this.reject(TOO_LONG);
      this.state = SKIP;
      return;
    }
    this.buf[this.len++] = c;
  }

  private begin(c: number): void {
    this.counters.units++;
    this.buf[0] = c;
    this.len = 1;
    this.state = TEXT;
  }

  private endText(): void {
    const b = this.buf, n = this.len;
    this.state = HUNT;
    // Checksum, address, and no '*' / '\' in the fields ('*' and '\' are delimiters:
    // inside the fields they would corrupt the sentence for every receiver downstream).
    const code = this.bytes.checkSentence(b, n);
    if (code !== 0) return this.reject(REJECT_REASONS[code - 1]);
    this.counters.sentences++;
    this.len = 0;
    this.onSentence(b, n);
  }

  private reject(reason: RejectReason): void {
    const n = this.len;
    this.counters.rejected++;
    this.counters[reason]++;
    this.len = 0;
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
