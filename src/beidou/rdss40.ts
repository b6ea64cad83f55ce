// RDSS 4.0 binary frames: '$' + 4-letter command + 16-bit big-endian total length +
// 24-bit user address + payload + XOR of all preceding bytes (framed and checked by
// src/core/framer.ts). Payload layouts after [S4] (beidou.md §5.3). Each
// terminal -> host frame is also converted to the equivalent RDSS 2.1 text sentence,
// so that IEC 61162-450 listeners see text.
//
// Assumptions, all UNCONFIRMED (4.0 carries no hemisphere, no card serial, and the
// vendors disagree on FKXX): positions are north/east; the ICI serial field is left
// empty; DWXX bit 5 set means a position of another user (DWR type 2); TXXX bit 3 set
// means an express message (TXR type 2); FKXX result 0 means accepted, result 4 means
// "frequency not reached" with a little-endian 32-bit wait in seconds, and other
// results carry the 4-letter command; the SJXX layout is year(2) month day hour
// minute second. Hemispheres and the FKXX result codes are configurable (Rdss40Options).

import { asciiBytes, HEX_DIGITS, hexValue } from "../nmea/checksum";
import { frameKey, frameKeyOf } from "../nmea/keys";
import type { JsonContext } from "./kind";
import { addr7, hms, pad2, r as round } from "./kind";
import {
  CONTENT_MAX,
  Content,
  contentHex,
  contentText,
  MODE_CHINESE,
  MODE_CODE,
  MODE_MIXED,
} from "./sentences/content";

// ASCII constants as bytes, built once: on XS a method call on a primitive string (charCodeAt) allocates a wrapper.
const A_ICI = asciiBytes("BDICI"),
  A_ICZ = asciiBytes("BDICZ"),
  A_ZTI = asciiBytes("BDZTI"),
  A_BSI = asciiBytes("BDBSI"),
  A_DWR = asciiBytes("BDDWR");
const A_TXR = asciiBytes("BDTXR"),
  A_FKI = asciiBytes("BDFKI"),
  A_ZDA = asciiBytes("BDZDA"),
  T_A4 = asciiBytes("A4"),
  T_00 = asciiBytes(".00");
const CMD_TXA = asciiBytes("TXA");

/** 4.0 host command -> the 2.1 command name FKI reports (for FKXX conversion). */
const COMMAND_21: ReadonlyArray<readonly [number, Uint8Array]> = (
  [
    ["TXSQ", "TXA"],
    ["DWSQ", "DWA"],
    ["ICJC", "ICA"],
    ["XTZJ", "ZTI"],
    ["GLJC", "RMO"],
    ["BSSZ", "BSS"],
    ["DSSQ", "DSA"],
    ["JSZL", "JSZ"],
    ["SJSC", "SJX"],
    ["LZSZ", "LZM"],
    ["GXZX", "GXM"],
  ] as const
).map(([c4, c3]) => [frameKeyOf(c4), asciiBytes(c3)] as const);

/** The 4.0 assumptions, configurable because no source confirms them. */
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

interface FrameKind {
  name: string;
  decode(b: Uint8Array, n: number, f: Frame40): string | null;
  /** Write the 2.1 text sentence (with `*HH`, no CR LF) into out; returns its length or 0. */
  toText?(f: Frame40, out: Uint8Array): number;
  json(f: Frame40, ctx: JsonContext): Record<string, unknown>;
}

function u16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}
function u24(b: Uint8Array, i: number): number {
  return (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
}
/** Height: bit 14 = negative, 14-bit magnitude [S4]. */
function height14(b: Uint8Array, i: number): number {
  const m = ((b[i] & 0x3f) << 8) | b[i + 1];
  return b[i] & 0x40 ? -m : m;
}

// ---- text writer (2.1 sentences from frames; allocation-free) ----------------

class Writer {
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

const W = new Writer();

/** Degrees -> ddmm.mmmm (lat) / dddmm.mmmm (lon). */
function writeCoord(w: Writer, deg: number, lon: boolean): void {
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
function rawSafe(c: Content): boolean {
  for (let k = 0; k < c.length; k++) {
    const v = c.data[k];
    if (v < 0x20 || v === 0x24 || v === 0x2a || v === 0x2c || v === 0x21 || v === 0x5c || v === 0x7e || v === 0x7f)
      return false;
  }
  return true;
}

// ---- frame kinds ------------------------------------------------------------

const ICXX: FrameKind = {
  name: "ICXX",
  decode(b, n, f) {
    if (n < 12) return "ICXX too short";
    f.frameNumber = b[10];
    f.subordinateListed = 0;
    if (f.frameNumber === 0) {
      if (n < 22) return "ICXX frame 0 too short";
      f.broadcastId = u24(b, 11);
      f.userType = b[14];
      f.serviceInterval = u16(b, 15);
      f.level = b[17];
      f.encryption = b[18];
      f.subordinateCount = u16(b, 19);
      if (f.userAddress !== 0 && (f.level < 1 || f.level > 4)) return "ICXX communication level not 1-4";
    } else {
      let k = 11;
      while (k + 3 <= n - 1 && f.subordinateListed < f.subordinates.length) {
        f.subordinates[f.subordinateListed++] = u24(b, k);
        k += 3;
      }
    }
    return null;
  },
  toText(f, out) {
    if (f.frameNumber === 0) {
      return W.begin(out, A_ICI)
        .field(f.userAddress, 7)
        .comma()
        .field(f.broadcastId, 7)
        .field(f.userType)
        .field(f.serviceInterval)
        .field(f.level)
        .letter(f.encryption ? 0x45 : 0x4e)
        .field(f.subordinateCount)
        .finish();
    }
    const w = W.begin(out, A_ICZ).field(f.subordinateListed);
    for (let k = 0; k < f.subordinateListed && k < 40; k++) w.field(f.subordinates[k], 7);
    return w.finish();
  },
  json: (f) =>
    f.frameNumber === 0
      ? {
          frameNumber: 0,
          broadcastId: addr7(f.broadcastId),
          userType: f.userType,
          serviceInterval_s: f.serviceInterval,
          level: f.level,
          encrypted: f.encryption !== 0,
          subordinates: f.subordinateCount,
        }
      : {
          frameNumber: f.frameNumber,
          subordinates: Array.from(f.subordinates.subarray(0, f.subordinateListed), (a) => addr7(a)),
        },
};

/** Six beam powers (0-4); returns an error when one is out of range. */
function beams(b: Uint8Array, i: number, f: Frame40): string | null {
  for (let k = 0; k < 6; k++) {
    if (b[i + k] > 4) return "beam power not 0-4";
    f.power[k] = b[i + k];
  }
  return null;
}

const ZJXX: FrameKind = {
  name: "ZJXX",
  decode(b, n, f) {
    if (n < 21) return "ZJXX too short";
    f.icState = b[10];
    f.hardwareState = b[11];
    f.batteryState = b[12];
    f.inboundState = b[13];
    return beams(b, 14, f);
  },
  toText(f, out) {
    const w = W.begin(out, A_ZTI).field(f.icState).field(f.hardwareState).field(f.batteryState).field(f.inboundState);
    return beamFields(w, f);
  },
  json: (f) => ({
    icState: f.icState,
    hardwareState: f.hardwareState,
    batteryState: f.batteryState,
    inboundState: f.inboundState,
    beams: Array.from(f.power),
  }),
};

/** The six beam powers and the four empty fields after them (ZTI, BSI), then the checksum. */
function beamFields(w: Writer, f: Frame40): number {
  for (let k = 0; k < 6; k++) w.field(f.power[k]);
  return w.commas(4).finish();
}

const GLZK: FrameKind = {
  name: "GLZK",
  decode(b, n, f) {
    if (n < 17) return "GLZK too short";
    return beams(b, 10, f);
  },
  toText(f, out) {
    return beamFields(W.begin(out, A_BSI).commas(2), f);
  },
  json: (f) => ({ beams: Array.from(f.power) }),
};

function dms(b: Uint8Array, i: number): number {
  return b[i] + b[i + 1] / 60 + (b[i + 2] + b[i + 3] / 10) / 3600;
}

const DWXX: FrameKind = {
  name: "DWXX",
  decode(b, n, f) {
    if (n < 31) return "DWXX too short";
    f.info = b[10];
    f.queryAddress = u24(b, 11);
    if (b[14] > 23 || b[15] > 59 || b[16] > 60 || b[17] > 99) return "DWXX time out of range";
    f.time = b[14] * 3600 + b[15] * 60 + b[16] + b[17] / 100;
    if (b[19] > 59 || b[20] > 59 || b[21] > 9 || b[23] > 59 || b[24] > 59 || b[25] > 9)
      return "DWXX position out of range";
    f.longitude = f.west ? -dms(b, 18) : dms(b, 18);
    f.latitude = f.south ? -dms(b, 22) : dms(b, 22);
    f.height = height14(b, 26);
    f.heightAnomaly = height14(b, 28);
    return null;
  },
  toText(f, out) {
    const w = W.begin(out, A_DWR)
      .field(f.info & 0x20 ? 2 : 1)
      .field(f.userAddress, 7)
      .comma();
    const cs = Math.round(f.time * 100);
    w.uint(Math.floor(cs / 360000), 2)
      .uint(Math.floor(cs / 6000) % 60, 2)
      .uint(Math.floor(cs / 100) % 60, 2)
      .byte(0x2e)
      .uint(cs % 100, 2)
      .comma();
    writeCoord(w, f.latitude, false);
    w.letter(f.south ? 0x53 : 0x4e).comma();
    writeCoord(w, f.longitude, true);
    w.letter(f.west ? 0x57 : 0x45).comma();
    w.int(f.height).letter(0x4d).comma().int(f.heightAnomaly).letter(0x4d);
    return w
      .field((f.info >> 3) & 1)
      .letter(f.info & 4 ? 0x41 : 0x56)
      .letter(f.info & 2 ? 0x41 : 0x56)
      .letter(f.info & 1 ? 0x48 : 0x4c)
      .finish();
  },
  json: (f) => ({
    queryAddress: addr7(f.queryAddress),
    otherUser: (f.info & 0x20) !== 0,
    key: (f.info & 0x10) !== 0,
    precision: (f.info >> 3) & 1,
    urgent: (f.info & 4) !== 0,
    multiValue: (f.info & 2) !== 0,
    heightType: f.info & 1 ? "H" : "L",
    time: hms(f.time),
    lat: round(f.latitude, 8),
    lon: round(f.longitude, 8),
    latDMS: dmsString(f.latitude),
    lonDMS: dmsString(f.longitude),
    height_m: f.height,
    heightAnomaly_m: f.heightAnomaly,
  }),
};

function dmsString(v: number): string {
  const t = Math.round(v * 36000);
  const d = Math.floor(t / 36000),
    m = Math.floor(t / 600) % 60,
    s = (t % 600) / 10;
  return d + "°" + pad2(m) + "'" + (s < 10 ? "0" : "") + s.toFixed(1) + '"';
}

/** Message body shared by TXXX and TXSQ: bit length at i, data follows at j. */
function decodeMessage(b: Uint8Array, n: number, j: number, codeBit: boolean, f: Frame40): string | null {
  const c = f.content;
  c.bytes = b;
  c.start = j;
  c.length = 0;
  c.oddNibble = false;
  c.positionReport = false;
  const bits = f.bitLength;
  let bytes = (bits + 7) >> 3;
  if (j + bytes > n) return "message longer than the frame";
  if (bytes > CONTENT_MAX) return "message too long";
  c.end = j + bytes;
  let k = j;
  if (codeBit) {
    const first = bytes > 0 ? b[j] : 0;
    if (first === 0xa4) {
      f.mode = MODE_MIXED;
      k++;
      bytes--;
    } else if (first === 0xa0 || first === 0xa1) {
      f.mode = 3;
      c.positionReport = true;
    } else if (first === 0xa2) f.mode = 4;
    else {
      f.mode = MODE_CODE;
      c.oddNibble = (bits >> 2) % 2 === 1;
    }
  } else f.mode = MODE_CHINESE;
  for (let x = 0; x < bytes; x++) c.data[x] = b[k + x];
  c.length = bytes;
  return null;
}

/** The message of TXXX and TXSQ as JSON (text when the bytes are text). */
function messageJson(f: Frame40, ctx: JsonContext): Record<string, unknown> {
  return {
    bits: f.bitLength,
    mode: f.mode,
    data: contentHex(f.content),
    text: f.mode <= MODE_MIXED ? (contentText(f.content, ctx.decodeText) ?? null) : null,
  };
}

const TXXX: FrameKind = {
  name: "TXXX",
  decode(b, n, f) {
    if (n < 19) return "TXXX too short";
    f.info = b[10];
    f.peerAddress = u24(b, 11);
    f.hour = b[14];
    f.minute = b[15];
    f.bitLength = u16(b, 16);
    const e = decodeMessage(b, n - 2, 18, (f.info & 0x20) !== 0, f);
    if (e) return e;
    f.crcFlag = b[n - 2];
    if (f.content.end !== n - 2) return "TXXX length field disagrees with the frame length";
    return null;
  },
  toText(f, out) {
    const c = f.content;
    const raw = f.mode === MODE_CHINESE && rawSafe(c);
    const w = W.begin(out, A_TXR)
      .field(f.info & 0x08 ? 2 : 1)
      .field(f.peerAddress, 7)
      .field(raw ? 0 : f.mode === MODE_CODE ? 1 : 2)
      .comma();
    if (f.hour < 24 && f.minute < 60) w.uint(f.hour, 2).uint(f.minute, 2);
    w.comma();
    if (raw) for (let k = 0; k < c.length; k++) w.byte(c.data[k]);
    else if (f.mode === MODE_CODE) {
      const digits = f.bitLength >> 2;
      for (let k = 0; k < digits; k++) w.byte(HEX_DIGITS[k & 1 ? c.data[k >> 1] & 15 : c.data[k >> 1] >> 4]);
    } else {
      // Mixed, position report, A2 and unsafe Chinese bytes: "A4" + hex (lossless, cannot break framing).
      w.bytes(T_A4);
      for (let k = 0; k < c.length; k++) w.hexByte(c.data[k]);
    }
    return w.finish();
  },
  json: (f, ctx) => ({
    from: addr7(f.peerAddress),
    express: (f.info & 0x08) !== 0,
    sendTime: pad2(f.hour) + ":" + pad2(f.minute),
    ...messageJson(f, ctx),
    crcOk: f.crcFlag === 0,
  }),
};

const FKXX: FrameKind = {
  name: "FKXX",
  decode(b, n, f) {
    if (n < 16) return "FKXX too short";
    f.result = b[10];
    for (let k = 0; k < 4; k++) f.resultBytes[k] = b[11 + k];
    f.wait = f.result === f.fkxxWait ? ((b[14] << 24) | (b[13] << 16) | (b[12] << 8) | b[11]) >>> 0 : 0;
    return null;
  },
  toText(f, out) {
    const w = W.begin(out, A_FKI)
      .comma()
      .bytes(fkxxCommand(f))
      .letter(f.result === f.fkxxAccepted ? 0x59 : 0x4e)
      .letter(f.result === f.fkxxWait ? 0x4e : 0x59)
      .field(f.result === f.fkxxAccepted || f.result === f.fkxxWait ? 0 : 1)
      .comma();
    const wt = Math.min(f.wait, 99 * 60 + 59);
    w.uint(Math.floor(wt / 60), 2).uint(wt % 60, 2);
    return w.finish();
  },
  json: (f) => ({
    result: f.result,
    accepted: f.result === f.fkxxAccepted,
    answers: String.fromCharCode(...fkxxCommand(f)),
    wait_s: f.wait,
    resultHex: Array.from(f.resultBytes, (v) => (v < 16 ? "0" : "") + v.toString(16)).join(""),
  }),
};

/** The 2.1 command name an FKXX answers ("TXA" when only a wait time is given: the service interval governs transmissions). */
function fkxxCommand(f: Frame40): Uint8Array {
  const b = f.resultBytes;
  if (f.result !== f.fkxxWait) {
    const k = frameKey(b[0], b[1], b[2], b[3]);
    for (let i = 0; i < COMMAND_21.length; i++) if (COMMAND_21[i][0] === k) return COMMAND_21[i][1];
  }
  return CMD_TXA;
}

const SJXX: FrameKind = {
  name: "SJXX",
  decode(b, n, f) {
    if (n < 18) return "SJXX too short";
    f.year = u16(b, 10);
    f.month = b[12];
    f.day = b[13];
    f.hour = b[14];
    f.minute = b[15];
    f.second = b[16];
    if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59 || f.second > 60)
      return "SJXX date/time out of range";
    f.time = f.hour * 3600 + f.minute * 60 + f.second;
    return null;
  },
  toText(f, out) {
    return W.begin(out, A_ZDA)
      .field(0)
      .field(f.hour, 2)
      .uint(f.minute, 2)
      .uint(f.second, 2)
      .bytes(T_00)
      .field(f.day, 2)
      .field(f.month, 2)
      .field(f.year, 4)
      .commas(6)
      .finish();
  },
  json: (f) => ({
    date: f.year + "-" + pad2(f.month) + "-" + pad2(f.day),
    time: hms(f.time),
  }),
};

// Host -> terminal frames (the simulator answers them; decode shows them).
const ICJC: FrameKind = {
  name: "ICJC",
  decode(b, n, f) {
    if (n < 12) return "ICJC too short";
    f.frameNumber = b[10];
    return null;
  },
  json: (f) => ({ frameNumber: f.frameNumber }),
};

const XTZJ: FrameKind = {
  name: "XTZJ",
  decode(b, n, f) {
    if (n < 13) return "XTZJ too short";
    f.interval = u16(b, 10);
    return null;
  },
  json: (f) => ({ interval_s: f.interval }),
};

const DWSQ: FrameKind = {
  name: "DWSQ",
  decode(b, n, f) {
    if (n < 22) return "DWSQ too short";
    f.info = b[10];
    f.height = ((b[11] << 24) >> 16) | b[12];
    f.antennaHeight = u16(b, 13);
    f.pressure = (b[15] << 12) | (b[16] << 4) | (b[17] >> 4);
    const t = ((b[17] & 7) << 8) | b[18];
    f.temperature = b[17] & 8 ? -t : t;
    f.interval = u16(b, 19);
    return null;
  },
  json: (f) => ({
    urgent: (f.info & 0x20) !== 0,
    heightMode: (f.info >> 2) & 3,
    highAltitude: (f.info & 1) !== 0,
    height_m: f.height,
    antennaHeight_m: f.antennaHeight,
    pressure_hPa: f.pressure / 10,
    temperature_C: f.temperature / 10,
    interval_s: f.interval,
  }),
};

const TXSQ: FrameKind = {
  name: "TXSQ",
  decode(b, n, f) {
    if (n < 18) return "TXSQ too short";
    f.info = b[10];
    if (f.info >> 5 !== 2) {
      f.mode = 0;
      f.peerAddress = u24(b, 11);
      f.content.length = 0;
      return f.info >> 5 === 3 ? null : "TXSQ information class not 010/011";
    }
    f.peerAddress = u24(b, 11);
    f.bitLength = u16(b, 14);
    f.ack = b[16];
    const e = decodeMessage(b, n - 1, 17, (f.info & 0x02) !== 0, f);
    if (e) return e;
    if (f.content.end !== n - 1) return "TXSQ length field disagrees with the frame length";
    return null;
  },
  json: (f, ctx) => ({
    to: addr7(f.peerAddress),
    query: f.info >> 5 === 3,
    urgent: ((f.info >> 2) & 3) === 0,
    ...messageJson(f, ctx),
  }),
};

export const FRAME_TABLE: ReadonlyArray<FrameKind> = [ICXX, ZJXX, GLZK, DWXX, TXXX, FKXX, SJXX, ICJC, XTZJ, DWSQ, TXSQ];

export class FrameDecoder {
  readonly frame = new Frame40();
  private kinds = new Map<number, FrameKind>();
  private kind: FrameKind | undefined;
  readonly counts = new Map<string, number>();

  constructor(options: Rdss40Options = {}) {
    for (const k of FRAME_TABLE) this.kinds.set(frameKeyOf(k.name), k);
    const f = this.frame;
    f.south = options.latitudeHemisphere === "S";
    f.west = options.longitudeHemisphere === "W";
    f.fkxxAccepted = options.fkxxAccepted ?? 0;
    f.fkxxWait = options.fkxxWait ?? 4;
  }

  /** Decode a validated frame (length and XOR already checked by the framer). */
  decode(bytes: Uint8Array, length: number): Frame40 {
    const f = this.frame;
    f.command = frameKey(bytes[1], bytes[2], bytes[3], bytes[4]);
    f.userAddress = length >= 10 ? u24(bytes, 7) : 0;
    const k = this.kinds.get(f.command);
    this.kind = k;
    f.name = k ? k.name : "";
    f.error = k ? (length < 11 ? "frame too short" : k.decode(bytes, length, f)) : null;
    const name = k ? k.name : "other";
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    return f;
  }

  /** Known frame kind of the last decode (undefined: a frame without decoder). */
  get known(): boolean {
    return this.kind !== undefined;
  }

  /** 2.1 text sentence for the last decoded frame into out (with `*HH`, no CR LF); 0 when none. */
  toText(out: Uint8Array): number {
    const k = this.kind;
    if (!k || !k.toText || this.frame.error) return 0;
    return k.toText(this.frame, out);
  }

  /** JSON view of the last decoded frame (cold path). */
  json(bytes: Uint8Array, length: number, ctx: JsonContext = {}): Record<string, unknown> {
    const f = this.frame;
    const o: Record<string, unknown> = {
      command: String.fromCharCode(bytes[1], bytes[2], bytes[3], bytes[4]),
      kind: this.kind ? this.kind.name : "unknown",
      user: addr7(f.userAddress),
    };
    if (f.error) o.error = f.error;
    else if (this.kind) {
      // Every decoded frame names the card it came from or goes to: the user address again.
      o.card = o.user;
      Object.assign(o, this.kind.json(f, ctx));
    }
    return o;
  }
}

// ---- frame encoders (simulator, tests) --------------------------------------

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
function be24(v: number): number[] {
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** `v` as 2 bytes, big-endian (lengths, intervals). */
function be16(v: number): number[] {
  return [(v >> 8) & 255, v & 255];
}

export function encodeICXX(
  user: number,
  o: {
    broadcastId: number;
    userType: number;
    serviceInterval: number;
    level: number;
    encrypted: boolean;
    subordinates: number;
  },
): Uint8Array {
  return encodeFrame("ICXX", user, [
    0,
    ...be24(o.broadcastId),
    o.userType,
    ...be16(o.serviceInterval),
    o.level,
    o.encrypted ? 1 : 0,
    ...be16(o.subordinates),
  ]);
}

export function encodeZJXX(
  user: number,
  ic: number,
  hw: number,
  battery: number,
  inbound: number,
  power: ArrayLike<number>,
): Uint8Array {
  return encodeFrame("ZJXX", user, [ic, hw, battery, inbound, ...beamBytes(power)]);
}

/** The six beam powers of ZJXX and GLZK. */
function beamBytes(power: ArrayLike<number>): number[] {
  return Array.from({ length: 6 }, (_, k) => power[k]);
}

export function encodeGLZK(user: number, power: ArrayLike<number>): Uint8Array {
  return encodeFrame("GLZK", user, beamBytes(power));
}

function toDms(v: number): number[] {
  const t = Math.round(Math.abs(v) * 36000);
  return [Math.floor(t / 36000), Math.floor(t / 600) % 60, Math.floor(t / 10) % 60, t % 10];
}
function h14(v: number): number[] {
  const m = Math.min(Math.abs(Math.round(v)), 0x3fff);
  return [(v < 0 ? 0x40 : 0) | (m >> 8), m & 255];
}

export function encodeDWXX(
  user: number,
  o: {
    info?: number;
    queryAddress?: number;
    time: number;
    latitude: number;
    longitude: number;
    height: number;
    heightAnomaly: number;
  },
): Uint8Array {
  const cs = Math.round(o.time * 100);
  return encodeFrame("DWXX", user, [
    o.info ?? 0,
    ...be24(o.queryAddress ?? 0),
    Math.floor(cs / 360000),
    Math.floor(cs / 6000) % 60,
    Math.floor(cs / 100) % 60,
    cs % 100,
    ...toDms(o.longitude),
    ...toDms(o.latitude),
    ...h14(o.height),
    ...h14(o.heightAnomaly),
  ]);
}

/** Message bytes and bit length of TXXX and TXSQ: mode 2 mixed (A4 + bytes), 1 code (`nibbles` hex digits), 0 Chinese. */
function messageBody(o: { mode: 0 | 1 | 2; data: ArrayLike<number>; nibbles?: number }): {
  body: number[];
  bits: number;
} {
  const body = Array.from(o.data);
  if (o.mode === 2) body.unshift(0xa4);
  const bits = o.mode === 1 ? (o.nibbles ?? o.data.length * 2) * 4 : body.length * 8;
  return { body, bits };
}

/** TXXX: mode 0 Chinese (raw bytes), 1 code (`nibbles` hex digits), 2 mixed (A4 + bytes). */
export function encodeTXXX(
  user: number,
  o: {
    from: number;
    hour: number;
    minute: number;
    mode: 0 | 1 | 2;
    data: ArrayLike<number>;
    nibbles?: number;
    express?: boolean;
  },
): Uint8Array {
  const { body, bits } = messageBody(o);
  const info = 0x40 | (o.mode > 0 ? 0x20 : 0) | (o.express ? 0x08 : 0);
  return encodeFrame("TXXX", user, [info, ...be24(o.from), o.hour, o.minute, ...be16(bits), ...body, 0]);
}

/** FKXX: result 0 accepted for `command` (4.0 name), result 4 = frequency not reached with `wait` s. */
export function encodeFKXX(user: number, result: number, command: string, wait = 0): Uint8Array {
  const extra =
    result === 4
      ? [wait & 255, (wait >> 8) & 255, (wait >> 16) & 255, (wait >>> 24) & 255]
      : Array.from(command.padEnd(4, " ").slice(0, 4), (c) => c.charCodeAt(0));
  return encodeFrame("FKXX", user, [result, ...extra]);
}

export function encodeSJXX(
  user: number,
  d: { year: number; month: number; day: number; hour: number; minute: number; second: number },
): Uint8Array {
  return encodeFrame("SJXX", user, [...be16(d.year), d.month, d.day, d.hour, d.minute, d.second]);
}

export function encodeICJC(user: number, frame = 0): Uint8Array {
  return encodeFrame("ICJC", user, [frame]);
}

/** TXSQ communication request (mode 1 code: data = hex digits string; 2 mixed: bytes; 0 Chinese: bytes). */
export function encodeTXSQ(
  user: number,
  o: { to: number; urgent: boolean; mode: 0 | 1 | 2; data: ArrayLike<number>; nibbles?: number; ack?: boolean },
): Uint8Array {
  const { body, bits } = messageBody(o);
  const info = 0x40 | (o.urgent ? 0 : 0x04) | (o.mode > 0 ? 0x02 : 0);
  return encodeFrame("TXSQ", user, [info, ...be24(o.to), ...be16(bits), o.ack ? 1 : 0, ...body]);
}

/** Hex text ("24 49 43 ...") -> bytes, for tests and the CLI. */
export function hexToBytes(s: string): Uint8Array {
  const t = s.replace(/[^0-9A-Fa-f]/g, "");
  const b = new Uint8Array(t.length >> 1);
  for (let i = 0; i < b.length; i++) b[i] = (hexValue(t.charCodeAt(2 * i)) << 4) | hexValue(t.charCodeAt(2 * i + 1));
  return b;
}
