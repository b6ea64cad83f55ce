// IEC 61162-450 / 61162-1 TAG block PARSING, in place over the datagram bytes.
// (The encoder lives in encoder.ts.) One call validates one `\...*hh\` block and
// folds its parameters into a reusable TagFields record, so a line with several
// blocks ends with the values of the block CLOSEST to the sentence (Ed.3 §7.2.3.2:
// the conformant s: nearest the sentence wins; the same rule is applied to n, d, g, c).
// Nothing here allocates except when a new SFI string is interned or a t: text is met.

import { hexValue, xorRange } from "../nmea/checksum";

/** Largest 450 datagram, 6-byte header included (Ed.3 §6.2.4): 1500 - 20 (IPv4) - 8 (UDP). */
export const MAX_DATAGRAM = 1472;

/** Results of parseTagBlock. Non-zero values are datagram discard reasons. */
export const TAG_OK = 0;
/** No closing `\` before the end of the line. */
export const TAG_FRAMING = 1;
/** More than TAG_MAX_ACCEPT characters including both `\`. */
export const TAG_TOO_LONG = 2;
/** `*hh` missing or not exactly two hex digits. */
export const TAG_FORMAT = 3;
/** XOR of the parameter list differs from `hh`. */
export const TAG_CHECKSUM = 4;
/** Empty list, pair without `:`, bad code characters, empty code or value, a byte outside printable ASCII. */
export const TAG_SYNTAX = 5;

/** A sender must send <= 80 characters including both `\` (Annex B.3)... */
export const TAG_MAX_SEND = 80;
/** ...a receiver accepts up to 82 (implementations disagree; doc §1.3 "safe rule"). */
export const TAG_MAX_ACCEPT = 82;

// Notes: facts about a line that are not errors but that an integrator wants to know
// (the `check` tool reports them). Bit flags so that the hot path does not allocate.
export const NOTE_LOWER_HEX_TAG = 1 << 0;
export const NOTE_LOWER_HEX_SENTENCE = 1 << 1;
export const NOTE_N_ZERO = 1 << 2;
export const NOTE_N_INVALID = 1 << 3;
export const NOTE_C_MS = 1 << 4;
export const NOTE_C_INVALID = 1 << 5;
export const NOTE_G_INVALID = 1 << 6;
export const NOTE_S_NONCONFORMANT = 1 << 7;
export const NOTE_D_NONCONFORMANT = 1 << 8;
export const NOTE_TAG_OVER_80 = 1 << 9;
export const NOTE_UNPADDED_CHECKSUM = 1 << 10;
export const NOTE_UNKNOWN_CODE = 1 << 11;

/** Stable note names, index = bit number. */
export const NOTE_NAMES: ReadonlyArray<string> = [
  "lower-case-tag-checksum",
  "lower-case-sentence-checksum",
  "n-zero",
  "n-invalid",
  "c-milliseconds",
  "c-invalid",
  "g-invalid",
  "s-nonconformant",
  "d-nonconformant",
  "tag-over-80",
  "unpadded-checksum",
  "unknown-tag-code",
];

/** Names of the notes set in `mask`. */
export function noteNames(mask: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < NOTE_NAMES.length; i++) if (mask & (1 << i)) out.push(NOTE_NAMES[i]);
  return out;
}

/** Values gathered from the TAG blocks in front of one sentence (reused; see resetTagFields). */
export interface TagFields {
  /** Packed conformant source SFI (see sfiKey), or -1. */
  sourceKey: number;
  /** Line count 1..999, or -1 when absent / not conformant. */
  n: number;
  /** Destination: packed SFI when conformant, else -1; the raw value range is kept for reporting. */
  destKey: number;
  destStart: number;
  destEnd: number;
  /** g: line-total-code, -1 when absent or malformed. */
  gLine: number;
  gTotal: number;
  gCode: number;
  /** c: value exactly as sent (seconds or ms), NaN when absent. */
  cRaw: number;
  /** t: text range, -1 when absent. */
  tStart: number;
  tEnd: number;
  /** Number of TAG blocks and the span they cover. */
  blocks: number;
  start: number;
  end: number;
  notes: number;
}

export function newTagFields(): TagFields {
  const f = {} as TagFields;
  resetTagFields(f, 0);
  return f;
}

export function resetTagFields(f: TagFields, at: number): void {
  f.sourceKey = -1;
  f.n = -1;
  f.destKey = -1;
  f.destStart = -1;
  f.destEnd = -1;
  f.gLine = -1;
  f.gTotal = -1;
  f.gCode = -1;
  f.cRaw = NaN;
  f.tStart = -1;
  f.tEnd = -1;
  f.blocks = 0;
  f.start = at;
  f.end = at;
  f.notes = 0;
}

// --- SFI packing: `ccxxxx` -> integer, so per-source state is keyed without strings.

function letterIndex(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  return -1;
}

/**
 * Packed key of the SFI at bytes[start..end) if it matches ^[A-Za-z]{2}[0-9]{4}$, else -1:
 * the one SFI format check. Either case is accepted on receive, as the radar
 * implementations do (docs/iec61162-450.md §3); this gateway's own SFI is upper case
 * (settings normalize it, sfiError insists).
 */
export function sfiKey(bytes: Uint8Array, start: number, end: number): number {
  if (end - start !== 6) return -1;
  const a = letterIndex(bytes[start]);
  const b = letterIndex(bytes[start + 1]);
  if (a < 0 || b < 0) return -1;
  let d = 0;
  for (let i = start + 2; i < end; i++) {
    const c = bytes[i] - 0x30;
    if (c < 0 || c > 9) return -1;
    d = d * 10 + c;
  }
  return (a * 52 + b) * 10000 + d;
}

/** Packed key of an SFI string, or -1 when not conformant. */
export function sfiKeyOf(sfi: string): number {
  if (sfi.length !== 6) return -1;
  const b = new Uint8Array(6);
  for (let i = 0; i < 6; i++) b[i] = sfi.charCodeAt(i) & 0xff;
  return sfiKey(b, 0, 6);
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const interned = new Map<number, string>();
/** Bound on interned SFI strings: a hostile network could otherwise grow the map without end. */
const INTERN_MAX = 512;

/** The SFI string of a packed key (interned: the same string object every time for known SFIs). */
export function sfiString(key: number): string {
  const hit = interned.get(key);
  if (hit !== undefined) return hit;
  const d = key % 10000;
  const ab = (key - d) / 10000;
  const s = LETTERS[(ab / 52) | 0] + LETTERS[ab % 52] + String(10000 + d).slice(1);
  if (interned.size < INTERN_MAX) interned.set(key, s);
  return s;
}

function isCodeChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Unsigned decimal at bytes[start..end), or -1 when empty/not all digits/too long. */
export function parseUint(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Decimal with an optional fraction (c: may carry one), or NaN. */
function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let v = 0;
  let i = start;
  let digits = 0;
  for (; i < end && bytes[i] !== 0x2e; i++) {
    const c = bytes[i] - 0x30;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
    digits++;
  }
  if (i < end) {
    let scale = 0.1;
    for (i++; i < end; i++) {
      const c = bytes[i] - 0x30;
      if (c < 0 || c > 9) return NaN;
      v += c * scale;
      scale /= 10;
      digits++;
    }
  }
  return digits === 0 || digits > 20 ? NaN : v;
}

/** c: values above this are taken as milliseconds (year 5138 in seconds; 1973 in ms). */
export const C_MS_THRESHOLD = 1e11;

/**
 * Parse the TAG block that starts with `\` at bytes[start]; the line ends at `lineEnd`
 * (the CR). On TAG_OK, `out.end` is the index after the closing `\` and the parameters
 * are folded into `out` (later blocks override earlier ones). On an error, `out.end`
 * and the fields are unspecified; `out.notes` may carry NOTE_UNPADDED_CHECKSUM.
 */
export function parseTagBlock(bytes: Uint8Array, start: number, lineEnd: number, out: TagFields): number {
  // Closing delimiter.
  let close = -1;
  for (let i = start + 1; i < lineEnd; i++) {
    if (bytes[i] === 0x5c) {
      close = i;
      break;
    }
  }
  if (close < 0) return TAG_FRAMING;
  const len = close - start + 1;
  if (len > TAG_MAX_ACCEPT) return TAG_TOO_LONG;
  // `*hh` immediately before the closing `\`.
  const star = close - 3;
  if (star <= start || bytes[star] !== 0x2a) {
    if (close - 2 > start && bytes[close - 2] === 0x2a && hexValue(bytes[close - 1]) >= 0)
      out.notes |= NOTE_UNPADDED_CHECKSUM;
    return TAG_FORMAT;
  }
  const h = hexValue(bytes[star + 1]);
  const l = hexValue(bytes[star + 2]);
  if (h < 0 || l < 0) return TAG_FORMAT;
  if (xorRange(bytes, start + 1, star) !== ((h << 4) | l)) return TAG_CHECKSUM;
  if (bytes[star + 1] >= 0x61 || bytes[star + 2] >= 0x61) out.notes |= NOTE_LOWER_HEX_TAG;
  if (len > TAG_MAX_SEND) out.notes |= NOTE_TAG_OVER_80;
  // Parameter list: code:value pairs separated by commas, all non-empty.
  if (star === start + 1) return TAG_SYNTAX;
  let p = start + 1;
  while (p <= star) {
    let comma = p;
    while (comma < star && bytes[comma] !== 0x2c) comma++;
    // Pair is bytes[p..comma).
    let colon = p;
    while (colon < comma && isCodeChar(bytes[colon])) colon++;
    if (colon === p || colon >= comma || bytes[colon] !== 0x3a || colon + 1 >= comma) return TAG_SYNTAX;
    for (let i = colon + 1; i < comma; i++) {
      const c = bytes[i];
      // 61162-1 characters are printable ASCII; `*` only as the checksum delimiter.
      if (c < 0x20 || c >= 0x7f || c === 0x2a) return TAG_SYNTAX;
    }
    if (colon - p === 1) applyParam(bytes, bytes[p], colon + 1, comma, out);
    else out.notes |= NOTE_UNKNOWN_CODE;
    if (comma === star) break;
    p = comma + 1;
    if (p === star) return TAG_SYNTAX; // trailing comma: empty pair
  }
  if (out.blocks === 0) out.start = start;
  out.blocks++;
  out.end = close + 1;
  return TAG_OK;
}

function applyParam(bytes: Uint8Array, code: number, vs: number, ve: number, out: TagFields): void {
  switch (code) {
    case 0x73: {
      // s: source. Non-conformant values (e.g. a bare MMSI) are skipped (Ed.3 §7.2.3.2).
      const k = sfiKey(bytes, vs, ve);
      if (k >= 0) out.sourceKey = k;
      else out.notes |= NOTE_S_NONCONFORMANT;
      break;
    }
    case 0x6e: {
      // n: line count 1..999 (Ed.3 §7.2.3.6); n:0 is a common sender bug, noted separately.
      const v = parseUint(bytes, vs, ve);
      if (v >= 1 && v <= 999) out.n = v;
      else out.notes |= v === 0 ? NOTE_N_ZERO : NOTE_N_INVALID;
      break;
    }
    case 0x64: {
      out.destStart = vs;
      out.destEnd = ve;
      out.destKey = sfiKey(bytes, vs, ve);
      if (out.destKey < 0) out.notes |= NOTE_D_NONCONFORMANT;
      break;
    }
    case 0x67: {
      // g: line-total-code, code 1..99 (Ed.3 §7.2.3.3).
      let d1 = vs;
      while (d1 < ve && bytes[d1] !== 0x2d) d1++;
      let d2 = d1 + 1;
      while (d2 < ve && bytes[d2] !== 0x2d) d2++;
      const line = parseUint(bytes, vs, d1);
      const total = d1 < ve ? parseUint(bytes, d1 + 1, d2) : -1;
      const gc = d2 < ve ? parseUint(bytes, d2 + 1, ve) : -1;
      if (line >= 1 && total >= line && gc >= 1 && gc <= 99) {
        out.gLine = line;
        out.gTotal = total;
        out.gCode = gc;
      } else {
        out.gLine = out.gTotal = out.gCode = -1;
        out.notes |= NOTE_G_INVALID;
      }
      break;
    }
    case 0x63: {
      // c: UNIX time; 61162-1 says seconds (UNCONFIRMED), the field often carries ms.
      const v = parseDecimal(bytes, vs, ve);
      if (v === v) {
        out.cRaw = v;
        if (v >= C_MS_THRESHOLD) out.notes |= NOTE_C_MS;
      } else out.notes |= NOTE_C_INVALID;
      break;
    }
    case 0x74:
      out.tStart = vs;
      out.tEnd = ve;
      break;
    case 0x61:
    case 0x72:
    case 0x78:
    case 0x7a:
      // a, r, x, z: defined in Table B.1 (Ed.3); accepted, not interpreted.
      break;
    default:
      out.notes |= NOTE_UNKNOWN_CODE;
  }
}

/** One parameter of a TAG block, for tools (not the hot path). */
export interface TagParam {
  code: string;
  value: string;
}

/** All code:value pairs of the (already validated) TAG blocks in bytes[start..end), in order. */
export function listTagParams(bytes: Uint8Array, start: number, end: number): TagParam[] {
  const out: TagParam[] = [];
  let i = start;
  while (i < end && bytes[i] === 0x5c) {
    let close = i + 1;
    while (close < end && bytes[close] !== 0x5c) close++;
    const star = close - 3;
    let p = i + 1;
    while (p < star) {
      let comma = p;
      while (comma < star && bytes[comma] !== 0x2c) comma++;
      let colon = p;
      while (colon < comma && bytes[colon] !== 0x3a) colon++;
      let code = "";
      for (let k = p; k < colon; k++) code += String.fromCharCode(bytes[k]);
      let value = "";
      for (let k = colon + 1; k < comma; k++) value += String.fromCharCode(bytes[k]);
      out.push({ code, value });
      p = comma + 1;
    }
    i = close + 1;
  }
  return out;
}

/**
 * Plain IEC 61162-1 lines of a UdPbC datagram: every line's leading TAG blocks
 * removed, CR LF kept, TAG-only lines dropped. Writes into `out`, returns the
 * length (0 when the header is not UdPbC). For the legacy output, fed with the
 * gateway's own (already valid) datagrams; `out` must be at least `length` bytes.
 */
export function stripTagBlocks(bytes: Uint8Array, length: number, out: Uint8Array): number {
  if (
    length < 6 ||
    bytes[0] !== 0x55 ||
    bytes[1] !== 0x64 ||
    bytes[2] !== 0x50 ||
    bytes[3] !== 0x62 ||
    bytes[4] !== 0x43 ||
    bytes[5] !== 0
  )
    return 0;
  let o = 0;
  let p = 6;
  while (p < length) {
    let end = p;
    while (end < length && bytes[end] !== 0x0a) end++;
    end = end < length ? end + 1 : length; // include LF
    let q = p;
    while (q < end && bytes[q] === 0x5c) {
      let close = q + 1;
      while (close < end && bytes[close] !== 0x5c) close++;
      q = close + 1;
    }
    if (q < end && bytes[q] !== 0x0d && bytes[q] !== 0x0a) {
      for (let i = q; i < end; i++) out[o++] = bytes[i];
    }
    p = end;
  }
  return o;
}
