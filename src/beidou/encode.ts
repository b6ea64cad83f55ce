// Host -> terminal RDSS 2.1 command encoders, with validation and clear errors.
//
// Every value is checked before a byte is written, and the finished sentence is
// scanned once more: no field can inject `$ * , \ ! ~`, CR, LF or any other
// control byte into the UART stream. Text for Chinese mode (GB2312) comes from an
// injected encoder (the host builds one from its ICU tables; the board has none).
// Results are sentence bytes with `*HH` and without CR LF (Gateway.sendToTerminal adds it).

import { writeHex2, xorRange } from "../nmea/checksum";

export class CommandError extends Error {
  /** Set when the formatter is not a command the gateway forwards (counted apart from bad field values). */
  unsupported?: boolean;
  /** Set when the command belongs to the other terminal family and has no same-meaning counterpart. */
  family?: boolean;
}

/**
 * Maximum message bits per communication level (ICI field 6), index = level.
 * UNCONFIRMED: the per-level limits are not in any available source; these defaults
 * (level 4 = the 1680 bits of [S4]'s encoder) are configurable.
 */
export const DEFAULT_LEVEL_BITS: ReadonlyArray<number> = [0, 140, 360, 560, 1680];

export interface TxaOptions {
  /** Text -> GB2312 bytes (host); must throw or return undefined for characters GB2312 lacks. */
  encodeText?(text: string): Uint8Array | undefined;
  /** Card communication level when known (ICI field 6): capacity is checked against it. */
  level?: number;
  levelBits?: ReadonlyArray<number>;
  /** Longest sentence the terminal accepts, bytes (RDSS 2.1: 300). */
  maxLine?: number;
}

export interface TxaRequest {
  /** Destination user address (card number), 1-7 digits. */
  to: number | string;
  /** Express (urgent) message: communication type 0; default normal (1). */
  urgent?: boolean;
  /** 0 Chinese (GB2312), 1 code (hex digits), 2 mixed (A4 + bytes as hex). */
  mode: 0 | 1 | 2;
  /** Message text (mode 0: via encodeText; mode 2: latin-1/ASCII or via encodeText when non-ASCII). */
  text?: string;
  /** Message bytes (modes 0 and 2). */
  data?: Uint8Array;
  /** Hex digits (mode 1). */
  hex?: string;
}

/** Bytes the UART stream must never carry inside a field. */
export function forbiddenByte(c: number): boolean {
  return c < 0x20 || c === 0x24 || c === 0x2a || c === 0x2c || c === 0x5c || c === 0x21 || c === 0x7e || c === 0x7f;
}

function describe(c: number): string {
  if (c === 0x0d) return "CR";
  if (c === 0x0a) return "LF";
  if (c < 0x20 || c === 0x7f) return "control byte 0x" + (c < 16 ? "0" : "") + c.toString(16);
  return "'" + String.fromCharCode(c) + "'";
}

function userAddress(v: number | string, what: string): string {
  const s = typeof v === "number" ? String(v) : v;
  if (!/^[0-9]{1,7}$/.test(s))
    throw new CommandError(`${what} must be a user address of 1-7 digits, not "${String(v)}"`);
  return s.padStart(7, "0");
}

function intIn(v: number, lo: number, hi: number, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
    throw new CommandError(`${what} must be an integer ${lo}-${hi}, not ${String(v)}`);
  return v;
}

function numberField(v: number | undefined, what: string, lo: number, hi: number, decimals: number): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi)
    throw new CommandError(`${what} must be a number ${lo}..${hi}, not ${String(v)}`);
  const s = decimals > 0 ? v.toFixed(decimals).replace(/\.?0+$/, "") : String(Math.round(v));
  return s === "-0" ? "0" : s;
}

/** Assemble `$` + fields joined by ',' + `*HH` from byte fields, re-checking every byte. */
export function buildSentence(address: string, fields: ReadonlyArray<string | Uint8Array>): Uint8Array {
  if (!/^[A-Z]{2}[A-Z]{3}$/.test(address)) throw new CommandError(`bad sentence address "${address}"`);
  let n = 1 + address.length;
  for (const f of fields) n += 1 + f.length;
  const out = new Uint8Array(n + 3);
  let k = 0;
  out[k++] = 0x24;
  for (let i = 0; i < address.length; i++) out[k++] = address.charCodeAt(i);
  fields.forEach((f, idx) => {
    out[k++] = 0x2c;
    for (let i = 0; i < f.length; i++) {
      const c = typeof f === "string" ? f.charCodeAt(i) : f[i];
      if (c > 0xff || forbiddenByte(c))
        throw new CommandError(
          `field ${idx + 1} of ${address} contains ${describe(c & 0xffff)}, which would break the sentence framing`,
        );
      out[k++] = c;
    }
  });
  const x = xorRange(out, 1, k);
  out[k++] = 0x2a;
  writeHex2(out, k, x);
  return out;
}

/** `$CCICA,type,frame` — card check; type 0 this terminal, 1 subordinate users. */
export function encodeICA(type = 0, frame = 0): Uint8Array {
  intIn(type, 0, 1, "ICA type");
  intIn(frame, 0, 99, "ICA frame number");
  return buildSentence("CCICA", [String(type), String(frame).padStart(2, "0")]);
}

/** `$CCRMO,name,mode,freq` — output control. mode 1 disable, 2 enable, 3 disable all, 4 enable all. */
export function encodeRMO(sentence: string, mode: number, interval = 0): Uint8Array {
  intIn(mode, 1, 4, "RMO mode");
  if (mode <= 2 && !/^[A-Z]{3}$/.test(sentence))
    throw new CommandError(`RMO mode ${mode} needs a 3-letter sentence name, not "${sentence}"`);
  if (mode >= 3 && sentence !== "" && !/^[A-Z]{3}$/.test(sentence))
    throw new CommandError(`RMO sentence name must be 3 letters or empty, not "${sentence}"`);
  return buildSentence("CCRMO", [sentence, String(mode), numberField(interval, "RMO output interval", 0, 65535, 1)]);
}

/** `$CCBSS,resp,td` — response / time-difference beam 1-10; null or undefined = automatic. */
export function encodeBSS(responseBeam?: number | null, timeDifferenceBeam?: number | null): Uint8Array {
  const b = (v: number | null | undefined, what: string) =>
    v === null || v === undefined ? "" : String(intIn(v, 0, 10, what)).padStart(2, "0");
  return buildSentence("CCBSS", [
    b(responseBeam, "BSS response beam"),
    b(timeDifferenceBeam, "BSS time-difference beam"),
  ]);
}

export interface DwaRequest {
  /** 0 / omitted = this terminal. */
  user?: number | string;
  urgent?: boolean;
  /** 0 with height, 1 without, 2 measure-height-1, 3 measure-height-2. */
  heightMode: number;
  /** High-altitude user (H) or normal (L). */
  highAltitude?: boolean;
  height?: number;
  antennaHeight?: number;
  /** Pa. */
  pressure?: number;
  /** °C. */
  temperature?: number;
  /** Seconds, 0 = single request. */
  interval?: number;
}

/** `$CCDWA,userId,urgent,heightMode,heightType,height,antH,pressure,temp,freq` — RDSS position request. */
export function encodeDWA(q: DwaRequest): Uint8Array {
  intIn(q.heightMode, 0, 3, "DWA height mode");
  if ((q.heightMode === 0 || q.heightMode === 3) && q.height === undefined)
    throw new CommandError("DWA height modes 0 and 3 need a height");
  return buildSentence("CCDWA", [
    userAddress(q.user ?? 0, "DWA user address"),
    q.urgent ? "A" : "V",
    String(q.heightMode),
    q.highAltitude ? "H" : "L",
    numberField(q.height, "DWA height (m)", -9999, 99999, 1),
    numberField(q.antennaHeight ?? 0, "DWA antenna height (m)", 0, 9999, 1),
    numberField(q.pressure, "DWA air pressure (Pa)", 0, 200000, 0),
    numberField(q.temperature, "DWA temperature (°C)", -99, 99, 1),
    numberField(q.interval ?? 0, "DWA request interval (s)", 0, 65535, 0),
  ]);
}

export interface WaaRequest {
  /** Report interval, seconds (0 = once). */
  interval: number;
  to: number | string;
  /** UTC seconds since midnight. */
  time: number;
  latitude: number;
  longitude: number;
  /** Metres. */
  height: number;
}

function coordField(v: number, lon: boolean): [string, string] {
  const lim = lon ? 180 : 90;
  if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > lim)
    throw new CommandError(`${lon ? "longitude" : "latitude"} must be within ±${lim}°, not ${String(v)}`);
  const a = Math.abs(v);
  let d = Math.floor(a);
  let m = Math.round((a - d) * 600000) / 10000;
  if (m >= 60) {
    d++;
    m -= 60;
  }
  const s = String(d).padStart(lon ? 3 : 2, "0") + m.toFixed(4).padStart(7, "0");
  return [s, lon ? (v < 0 ? "W" : "E") : v < 0 ? "S" : "N"];
}

function timeField(t: number): string {
  if (typeof t !== "number" || !(t >= 0 && t < 86400))
    throw new CommandError(`time must be 0-86399.99 seconds since midnight, not ${String(t)}`);
  const cs = Math.round(t * 100);
  const h = Math.floor(cs / 360000),
    m = Math.floor(cs / 6000) % 60,
    s = Math.floor(cs / 100) % 60;
  return (
    String(h).padStart(2, "0") +
    String(m).padStart(2, "0") +
    String(s).padStart(2, "0") +
    "." +
    String(cs % 100).padStart(2, "0")
  );
}

/** `$CCWAA,1,freq,dest,hhmmss.ss,lat,N/S,lon,E/W,h,M` — send own position (position report 1). */
export function encodeWAA(q: WaaRequest): Uint8Array {
  const [lat, ns] = coordField(q.latitude, false);
  const [lon, ew] = coordField(q.longitude, true);
  return buildSentence("CCWAA", [
    "1",
    numberField(q.interval, "WAA report interval (s)", 0, 65535, 0),
    userAddress(q.to, "WAA destination"),
    timeField(q.time),
    lat,
    ns,
    lon,
    ew,
    numberField(q.height, "WAA height (m)", -9999, 99999, 1),
    "M",
  ]);
}

/** Message bits the way [S11] counts them: Chinese 14 bits per character, code 4 per digit, mixed 8 per byte + 8. */
export function messageBits(mode: 0 | 1 | 2, content: Uint8Array): number {
  if (mode === 1) return content.length * 4;
  if (mode === 2) return ((content.length - 2) / 2) * 8 + 8;
  let bits = 0;
  for (let i = 0; i < content.length; i++) {
    if (content[i] >= 0x80 && i + 1 < content.length) {
      bits += 14;
      i++;
    } else bits += 8; // ASCII inside Chinese mode: UNCONFIRMED, counted as a full byte
  }
  return bits;
}

const HEXCH = "0123456789ABCDEF";

/** `$CCTXA,destId,commType,mode,content` — short message request. */
export function encodeTXA(q: TxaRequest, o: TxaOptions = {}): Uint8Array {
  const to = userAddress(q.to, "TXA destination");
  if (q.mode !== 0 && q.mode !== 1 && q.mode !== 2)
    throw new CommandError(`TXA transfer mode must be 0 (Chinese), 1 (code) or 2 (mixed), not ${String(q.mode)}`);
  let content: Uint8Array;
  if (q.mode === 1) {
    const h = q.hex ?? "";
    if (q.text !== undefined || q.data !== undefined)
      throw new CommandError("TXA code mode (1) takes hex digits (hex), not text or data");
    if (!/^[0-9A-Fa-f]+$/.test(h)) throw new CommandError(`TXA code mode content must be hex digits, not "${h}"`);
    content = new Uint8Array(h.length);
    for (let i = 0; i < h.length; i++) content[i] = h.toUpperCase().charCodeAt(i);
  } else {
    let bytes: Uint8Array;
    if (q.data !== undefined) bytes = q.data;
    else if (q.text !== undefined) bytes = textBytes(q.text, q.mode, o);
    else throw new CommandError("TXA needs text or data");
    if (bytes.length === 0) throw new CommandError("TXA message is empty");
    if (q.mode === 2) {
      content = new Uint8Array(2 + bytes.length * 2);
      content[0] = 0x41;
      content[1] = 0x34; // "A4"
      for (let i = 0; i < bytes.length; i++) {
        content[2 + 2 * i] = HEXCH.charCodeAt(bytes[i] >> 4);
        content[3 + 2 * i] = HEXCH.charCodeAt(bytes[i] & 15);
      }
    } else {
      for (let i = 0; i < bytes.length; i++) {
        if (forbiddenByte(bytes[i]))
          throw new CommandError(
            `TXA Chinese mode cannot carry ${describe(bytes[i])} (it would break the sentence framing); send it in mixed mode (2)`,
          );
      }
      content = bytes;
    }
  }
  if (content.length === 0) throw new CommandError("TXA message is empty");
  const bits = messageBits(q.mode, content);
  if (o.level !== undefined) {
    const table = o.levelBits ?? DEFAULT_LEVEL_BITS;
    const max = table[o.level];
    if (!(max > 0)) throw new CommandError(`no message capacity known for communication level ${o.level}`);
    if (bits > max)
      throw new CommandError(`TXA message is ${bits} bits; the card's level ${o.level} allows ${max} bits`);
  }
  const s = buildSentence("CCTXA", [to, q.urgent ? "0" : "1", String(q.mode), content]);
  const maxLine = o.maxLine ?? 300;
  if (s.length > maxLine)
    throw new CommandError(`TXA sentence would be ${s.length} bytes; the terminal accepts at most ${maxLine}`);
  return s;
}

function textBytes(text: string, mode: 0 | 2, o: TxaOptions): Uint8Array {
  let ascii = true;
  for (let i = 0; i < text.length; i++)
    if (text.charCodeAt(i) > 0x7e) {
      ascii = false;
      break;
    }
  if (ascii && (mode === 2 || !o.encodeText)) {
    const b = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
    return b;
  }
  if (!o.encodeText)
    throw new CommandError("no GB2312 encoder available on this platform: send non-ASCII text as data bytes");
  let b: Uint8Array | undefined;
  try {
    b = o.encodeText(text);
  } catch (e) {
    throw new CommandError(`text cannot be encoded in GB2312: ${(e as Error).message}`);
  }
  if (!b) throw new CommandError("text cannot be encoded in GB2312");
  return b;
}

// ---- BDS-3 RSMC commands (GB/T 44086.2 as seen in open code; ../shared/docs/bds3-terminal.md)

/** Longest BDS-3 regional short message, bits (14,000: about 1,000 Chinese characters). */
export const BDS3_MESSAGE_BITS = 14000;

export interface TcqRequest {
  /** Destination user address (card number), 1-7 digits. */
  to: number | string;
  /** 1 Chinese (GB2312), 2 code (hex digits), 3 mixed (bytes as hex). */
  codeType: 1 | 2 | 3;
  /** Text (1: via encodeText, ASCII as is; 3: ASCII, or via encodeText). */
  text?: string;
  /** Message bytes (1 and 3). */
  data?: Uint8Array;
  /** Hex digits (2). */
  hex?: string;
  /** Frequency point 1-5 (Lf0-Lf4); default 2, as in the open examples (UNCONFIRMED). */
  frequencyPoint?: number;
  /** Ask for an inbound acknowledgement (field 3: 2 yes, 1 no); default no. */
  ack?: boolean;
  /** Send frequency, seconds (0 = once, the default). */
  sendFrequency?: number;
}

/**
 * `$CCTCQ,dest,frequencyPoint,inboundAck,codeType,data,sendFrequency` — BDS-3 short message (the
 * TXA of BDS-3). The data field is hex for every code type (the GB2312 or ASCII bytes two hex
 * digits each; code type 2: the digits as given), as the open examples send it (UNCONFIRMED):
 * hex cannot break the framing, so no byte needs refusing.
 */
export function encodeTCQ(q: TcqRequest, o: TxaOptions = {}): Uint8Array {
  const to = userAddress(q.to, "TCQ destination");
  if (q.codeType !== 1 && q.codeType !== 2 && q.codeType !== 3)
    throw new CommandError(`TCQ code type must be 1 (Chinese), 2 (code) or 3 (mixed), not ${String(q.codeType)}`);
  const fp = intIn(q.frequencyPoint ?? 2, 1, 5, "TCQ frequency point");
  const freq = intIn(q.sendFrequency ?? 0, 0, 65535, "TCQ send frequency");
  let hex: string;
  let bits: number;
  if (q.codeType === 2) {
    if (q.text !== undefined || q.data !== undefined)
      throw new CommandError("TCQ code type 2 takes hex digits (hex), not text or data");
    const h = q.hex ?? "";
    if (!/^[0-9A-Fa-f]+$/.test(h)) throw new CommandError(`TCQ code type 2 content must be hex digits, not "${h}"`);
    hex = h.toUpperCase();
    bits = hex.length * 4;
  } else {
    let bytes: Uint8Array;
    if (q.data !== undefined) bytes = q.data;
    else if (q.text !== undefined) bytes = textBytes(q.text, q.codeType === 1 ? 0 : 2, o);
    else throw new CommandError("TCQ needs text or data");
    hex = "";
    for (let i = 0; i < bytes.length; i++) hex += HEXCH[bytes[i] >> 4] + HEXCH[bytes[i] & 15];
    bits = q.codeType === 1 ? messageBits(0, bytes) : bytes.length * 8;
  }
  if (hex.length === 0) throw new CommandError("TCQ message is empty");
  if (bits > BDS3_MESSAGE_BITS)
    throw new CommandError(`TCQ message is ${bits} bits; a BDS-3 short message holds at most ${BDS3_MESSAGE_BITS}`);
  const s = buildSentence("CCTCQ", [to, String(fp), q.ack ? "2" : "1", String(q.codeType), hex, String(freq)]);
  const maxLine = o.maxLine ?? 1024;
  if (s.length > maxLine)
    throw new CommandError(`TCQ sentence would be ${s.length} bytes; the terminal accepts at most ${maxLine}`);
  return s;
}

/** `$CCICR,type,00` — BDS-3 card query; type 0 own IC card, 1 group, 2 subordinate users, 3 IC module mode. */
export function encodeICR(type = 0): Uint8Array {
  intIn(type, 0, 3, "ICR query type");
  return buildSentence("CCICR", [String(type), "00"]);
}

export interface EpqRequest {
  /** Card (user address); 0 / omitted = this terminal. */
  card?: number | string;
  /** The other fields (meanings UNCONFIRMED): non-negative numbers, empty when omitted. */
  model?: number;
  frequency?: number;
  speed?: number;
  urgency?: number;
  elevation?: number;
  sosType?: number;
  times?: number;
}

/** `$CCEPQ,card,model,frequency,speed,urgency,elevation,sosType,times` — BDS-3 emergency / position report request. */
export function encodeEPQ(q: EpqRequest = {}): Uint8Array {
  const f = (v: number | undefined, what: string) => numberField(v, `EPQ ${what}`, 0, 99999, 2);
  return buildSentence("CCEPQ", [
    userAddress(q.card ?? 0, "EPQ card"),
    f(q.model, "model"),
    f(q.frequency, "frequency"),
    f(q.speed, "speed"),
    f(q.urgency, "urgency"),
    f(q.elevation, "elevation"),
    f(q.sosType, "SOS type"),
    f(q.times, "times"),
  ]);
}

/** `$CCQRQ,card,type` — BDS-3 query (meaning UNCONFIRMED), answered by QRI. */
export function encodeQRQ(card: number | string, type: number): Uint8Array {
  return buildSentence("CCQRQ", [userAddress(card, "QRQ card"), String(intIn(type, 0, 99, "QRQ type"))]);
}

/**
 * Start-up commands for the terminal's family (DeviceState.family): a BDS-3 terminal gets the
 * card query ICR (its beams come as PWI every second unasked); a BDS-2 one, or one not heard
 * yet, the card check ICA and BSI every 10 s. Built once: the gateway asks at each use.
 */
const STARTUP_BDS2: ReadonlyArray<string> = [latin1String(encodeICA(0, 0)), latin1String(encodeRMO("BSI", 2, 10))];
const STARTUP_BDS3: ReadonlyArray<string> = [latin1String(encodeICR(0))];

export function startupCommands(family: string): ReadonlyArray<string> {
  return family === "bds3" ? STARTUP_BDS3 : STARTUP_BDS2;
}

function latin1String(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
