// Short-message content as carried in TXA / TXR field "content" [S3][S11]:
//   mode 0 Chinese: raw GB2312 bytes (>= 0x80) in the sentence;
//   mode 1 code:    hex digits, 4 bits each; an odd count leaves a half byte;
//   mode 2 mixed:   "A4" then the payload bytes as hex ("A4A0..." is a position report).
// Some terminals put a code/mixed message in as raw text instead (GB2312 and ASCII as
// typed, docs/framing.md): content that cannot be hex for its mode (a byte that is not
// a hex digit, or mixed mode without "A4") is taken as raw text, like Chinese mode.
// The content is the last field: it runs to the checksum '*', commas included.
// Decoded bytes go to a preallocated buffer owned by the record.

import { hexValue } from "../../nmea/checksum";
import type { Fields } from "../fields";
import type { MessageContent } from "../targets";

/** Longest content in bytes (2.1 sentences are capped at 300 bytes; S3 holds 420). */
export const CONTENT_MAX = 420;

export const MODE_CHINESE = 0,
  MODE_CODE = 1,
  MODE_MIXED = 2;

export class Content {
  /** The field as sent: offsets into the current sentence (valid during the callback only). */
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** Decoded message bytes (capacity: CONTENT_MAX for 2.1; BDS-3 TCI/TCQ hold more). */
  readonly data: Uint8Array;
  length = 0;
  /** Code mode with an odd digit count: the last byte's low nibble is padding. */
  oddNibble = false;
  /** Mixed mode payload starting with A0 (position report). */
  positionReport = false;
  /** Code/mixed mode sent as raw text rather than hex (data = the bytes as sent). */
  rawText = false;

  constructor(capacity = CONTENT_MAX) {
    this.data = new Uint8Array(capacity);
  }
}

const TOO_LONG = "message content too long";

/** Copy the content as sent (Chinese mode, raw text). */
function copyRaw(c: Content): string | null {
  const n = c.end - c.start;
  if (n > c.data.length) return TOO_LONG;
  const b = c.bytes;
  for (let k = 0; k < n; k++) c.data[k] = b[c.start + k];
  c.length = n;
  return null;
}

/** Decode field i of f in transfer mode `mode` into c; returns null or an error reason. */
export function decodeContent(f: Fields, i: number, mode: number, c: Content): string | null {
  c.bytes = f.bytes;
  c.start = f.start[i];
  // Content is the last field: a Chinese text may carry raw commas in broken encoders; keep to the body end.
  c.end = f.bodyEnd;
  c.length = 0;
  c.oddNibble = false;
  c.positionReport = false;
  c.rawText = false;
  const b = f.bytes;
  if (mode === MODE_CHINESE) return copyRaw(c);
  if (mode !== MODE_CODE && mode !== MODE_MIXED) return "transfer mode not 0, 1 or 2";
  let k = c.start;
  let hex = true;
  for (let j = k; j < c.end; j++)
    if (hexValue(b[j]) < 0) {
      hex = false;
      break;
    }
  if (mode === MODE_MIXED && (c.end - k < 2 || hexValue(b[k]) !== 10 || hexValue(b[k + 1]) !== 4)) hex = false;
  if (!hex && c.end > c.start) {
    c.rawText = true;
    return copyRaw(c);
  }
  if (mode === MODE_MIXED) {
    if (!hex) return "mixed-mode content does not start with A4"; // empty
    k += 2;
  }
  const digits = c.end - k;
  if ((digits + 1) >> 1 > c.data.length) return TOO_LONG;
  if (mode === MODE_MIXED && digits & 1) return "mixed-mode content has an odd number of hex digits";
  let n = 0;
  for (; k + 1 < c.end; k += 2) {
    c.data[n++] = (hexValue(b[k]) << 4) | hexValue(b[k + 1]);
  }
  if (k < c.end) {
    c.data[n++] = hexValue(b[k]) << 4;
    c.oddNibble = true;
  }
  c.length = n;
  c.positionReport = mode === MODE_MIXED && n > 0 && c.data[0] === 0xa0;
  return null;
}

/** Content as sent (latin-1: one code unit per byte, lossless). */
/** The content fields of TXA and TXR as JSON (the text view is added by each: after positionReport in TXR). */
export function contentJson(c: Content): Record<string, unknown> {
  return { payload: contentRaw(c), data: contentHex(c), oddNibble: c.oddNibble, rawText: c.rawText };
}

export function contentRaw(c: Content): string {
  let s = "";
  for (let k = c.start; k < c.end; k++) s += String.fromCharCode(c.bytes[k]);
  return s;
}

export function contentHex(c: Content): string {
  let s = "";
  for (let k = 0; k < c.length; k++) s += (c.data[k] < 16 ? "0" : "") + c.data[k].toString(16).toUpperCase();
  return c.oddNibble ? s.slice(0, -1) : s;
}

/** Printable ASCII text, or undefined when the bytes are not all printable ASCII. */
export function asciiText(data: Uint8Array, length: number): string | undefined {
  for (let k = 0; k < length; k++) {
    const c = data[k];
    if ((c < 0x20 || c > 0x7e) && c !== 0x0d && c !== 0x0a) return undefined;
  }
  // Built in pieces of 32: a string per piece instead of one per character (XS makes a
  // new string for every concatenation: a 420-byte message left ~90 KB of garbage);
  // the piece size bounds the arguments pushed on the stack.
  let s = "";
  for (let k = 0; k < length; k += 32) {
    s += String.fromCharCode.apply(null, data.subarray(k, k + 32 < length ? k + 32 : length) as unknown as number[]);
  }
  return s;
}

/** Text of decoded content: ASCII directly, otherwise the injected GB2312 decoder (host). */
export function contentText(c: MessageContent, decodeText?: (b: Uint8Array) => string | undefined): string | undefined {
  if (c.oddNibble) return undefined;
  const a = asciiText(c.data, c.length);
  if (a !== undefined) return a;
  return decodeText ? decodeText(c.data.slice(0, c.length)) : undefined;
}
