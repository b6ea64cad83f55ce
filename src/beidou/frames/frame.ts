// RDSS 4.0 binary frames, the parts every frame kind shares: the decoded frame record
// (Frame40), the kind contract (FrameKind), big-endian field readers, the allocation-free
// writer of the 2.1 text a frame converts to, and the frame encoder. One module per frame
// kind (frames/icxx.ts, ...) holds its layout; src/beidou/table.ts lists them; the framing
// and the FrameDecoder are in src/beidou/rdss40.ts.
//
// Assumptions, all UNCONFIRMED (4.0 carries no hemisphere, no card serial, and the
// vendors disagree on FKXX): positions are north/east; the ICI serial field is left
// empty; DWXX bit 5 set means a position of another user (DWR type 2); TXXX bit 3 set
// means an express message (TXR type 2); FKXX result 0 means accepted, result 4 means
// "frequency not reached" with a little-endian 32-bit wait in seconds, and other
// results carry the 4-letter command; the SJXX layout is year(2) month day hour
// minute second. Hemispheres and the FKXX result codes are configurable (Rdss40Options).

import { HEX_DIGITS } from "../../nmea/checksum";
import type { JsonContext } from "../kind";
import { Content } from "../sentences/content";

export interface Rdss40Options {
  /** 4.0 positions carry no hemisphere (UNCONFIRMED default: north / east). */
  latitudeHemisphere?: "N" | "S";
  longitudeHemisphere?: "E" | "W";
  /** FKXX result codes (UNCONFIRMED defaults: 0 accepted, 4 frequency not reached with a wait). */
  fkxxAccepted?: number;
  fkxxWait?: number;
}

export class Frame40 {
  /** Assumptions in force (set by the FrameDecoder). */
  south = false;
  west = false;
  fkxxAccepted = 0;
  fkxxWait = 4;
  /** Command, 4 letters packed big-endian. */
  command = 0;
  /** Command as text (a constant from the table for known frames: no allocation). */
  name = "";
  userAddress = 0;
  /** Null or why the payload could not be decoded. */
  error: string | null = null;

  // ICXX / ICJC
  frameNumber = 0;
  broadcastId = 0;
  userType = 0;
  serviceInterval = 0;
  level = 0;
  encryption = 0;
  subordinateCount = 0;
  readonly subordinates = new Int32Array(100);
  subordinateListed = 0;
  // ZJXX / GLZK
  icState = 0;
  hardwareState = 0;
  batteryState = 0;
  inboundState = 0;
  readonly power = new Uint8Array(6);
  // DWXX / DWSQ
  info = 0;
  queryAddress = 0;
  /** Seconds since midnight. */
  time = NaN;
  /** Decimal degrees (north/east assumed). */
  latitude = NaN;
  longitude = NaN;
  /** Metres. */
  height = 0;
  heightAnomaly = 0;
  antennaHeight = 0;
  pressure = 0;
  temperature = 0;
  // TXXX / TXSQ
  peerAddress = 0;
  hour = 0;
  minute = 0;
  bitLength = 0;
  /** 0 Chinese, 1 code, 2 mixed (A4), 3 position report (A0/A1), 4 A2. */
  mode = 0;
  readonly content = new Content();
  crcFlag = 0;
  ack = 0;
  // FKXX
  result = 0;
  readonly resultBytes = new Uint8Array(4);
  wait = 0;
  // SJXX
  year = 0;
  month = 0;
  day = 0;
  second = 0;
  // XTZJ / GLJC interval
  interval = 0;
}

export interface FrameKind {
  name: string;
  decode(b: Uint8Array, n: number, f: Frame40): string | null;
  /** Write the 2.1 text sentence (with `*HH`, no CR LF) into out; returns its length or 0. */
  toText?(f: Frame40, out: Uint8Array): number;
  json(f: Frame40, ctx: JsonContext): Record<string, unknown>;
}

export function u16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}
export function u24(b: Uint8Array, i: number): number {
  return (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
}
/** Height: bit 14 = negative, 14-bit magnitude [S4]. */
export function height14(b: Uint8Array, i: number): number {
  const m = ((b[i] & 0x3f) << 8) | b[i + 1];
  return b[i] & 0x40 ? -m : m;
}

// ---- text writer (2.1 sentences from frames; allocation-free) ----------------

export class Writer {
  out!: Uint8Array;
  n = 0;
  ok = true;
  begin(out: Uint8Array, address: Uint8Array): this {
    this.out = out;
    this.n = 0;
    this.ok = true;
    this.byte(0x24);
    this.bytes(address);
    return this;
  }
  byte(c: number): this {
    if (this.n < this.out.length) this.out[this.n++] = c;
    else this.ok = false;
    return this;
  }
  bytes(s: Uint8Array): this {
    for (let i = 0; i < s.length; i++) this.byte(s[i]);
    return this;
  }
  comma(): this {
    return this.byte(0x2c);
  }
  /** `count` commas: empty fields. */
  commas(count: number): this {
    for (let k = 0; k < count; k++) this.byte(0x2c);
    return this;
  }
  /** The next field, one character: a comma, then `c`. */
  letter(c: number): this {
    return this.byte(0x2c).byte(c);
  }
  /** The next field: a comma, then `v` as an unsigned integer (zero-padded to `width`). */
  field(v: number, width = 1): this {
    return this.byte(0x2c).uint(v, width);
  }
  /** Unsigned integer, zero-padded to `width` digits. */
  uint(v: number, width = 1): this {
    v = Math.floor(Math.abs(v));
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    for (let k = digits; k < width; k++) this.byte(0x30);
    for (let k = digits - 1; k >= 0; k--) this.byte(0x30 + (Math.floor(v / 10 ** k) % 10));
    return this;
  }
  int(v: number): this {
    if (v < 0) this.byte(0x2d);
    return this.uint(v);
  }
  /** Fixed-point with `d` decimals. */
  fixed(v: number, intWidth: number, d: number): this {
    const p = 10 ** d;
    const m = Math.round(Math.abs(v) * p);
    if (v < 0 && m) this.byte(0x2d);
    this.uint(Math.floor(m / p), intWidth);
    if (d > 0) this.byte(0x2e).uint(m % p, d);
    return this;
  }
  hexByte(v: number): this {
    return this.byte(HEX_DIGITS[(v >> 4) & 15]).byte(HEX_DIGITS[v & 15]);
  }
  finish(): number {
    let x = 0;
    for (let i = 1; i < this.n; i++) x ^= this.out[i];
    this.byte(0x2a).hexByte(x);
    return this.ok ? this.n : 0;
  }
}

/** The one writer every frame kind writes its 2.1 text with (frames are converted one at a time). */
export const W = new Writer();

/** Degrees -> ddmm.mmmm (lat) / dddmm.mmmm (lon). */
export function writeCoord(w: Writer, deg: number, lon: boolean): void {
  const a = Math.abs(deg);
  let d = Math.floor(a);
  let m = Math.round((a - d) * 60 * 10000) / 10000;
  if (m >= 60) {
    d++;
    m -= 60;
  }
  w.uint(d, lon ? 3 : 2).fixed(m, 2, 4);
}

/** Bytes safe as raw Chinese-mode content: no framing characters, no controls. */
export function rawSafe(c: Content): boolean {
  for (let k = 0; k < c.length; k++) {
    const v = c.data[k];
    if (v < 0x20 || v === 0x24 || v === 0x2a || v === 0x2c || v === 0x21 || v === 0x5c || v === 0x7e || v === 0x7f)
      return false;
  }
  return true;
}

// ---- frame encoding (simulator, tests) --------------------------------------

/** Build a complete frame: '$' + command + length + user address + payload + XOR. */
export function encodeFrame(command: string, userAddress: number, payload: ArrayLike<number>): Uint8Array {
  if (!/^[A-Z]{4}$/.test(command))
    throw new RangeError(`RDSS 4.0 command must be 4 upper-case letters, not "${command}"`);
  if (!(userAddress >= 0 && userAddress <= 0xffffff)) throw new RangeError("user address must fit 24 bits");
  const n = 11 + payload.length;
  if (n > 0xffff) throw new RangeError("frame too long");
  const b = new Uint8Array(n);
  b[0] = 0x24;
  for (let i = 0; i < 4; i++) b[1 + i] = command.charCodeAt(i);
  b.set(be16(n), 5);
  b.set(be24(userAddress), 7);
  for (let i = 0; i < payload.length; i++) b[10 + i] = payload[i];
  let x = 0;
  for (let i = 0; i < n - 1; i++) x ^= b[i];
  b[n - 1] = x;
  return b;
}

/** `v` as 3 bytes, big-endian (user addresses). */
export function be24(v: number): number[] {
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** `v` as 2 bytes, big-endian (lengths, intervals). */
export function be16(v: number): number[] {
  return [(v >> 8) & 255, v & 255];
}
