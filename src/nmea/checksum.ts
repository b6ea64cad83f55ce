// IEC 61162-1 checksum helpers over bytes (not string code units: RDSS text may
// carry raw GB2312 bytes >= 0x80, which a string round-trip would corrupt).

const HEX = "0123456789ABCDEF";
/** Upper-case hex digit codes, indexed by nibble. */
export const HEX_DIGITS: Uint8Array = (() => {
  const a = new Uint8Array(16);
  for (let i = 0; i < 16; i++) a[i] = HEX.charCodeAt(i);
  return a;
})();

/** XOR of bytes[start..end) — the sentence and TAG block checksum. */
export function xorRange(bytes: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i];
  return x;
}

/** Value of one hex digit code (upper or lower case), or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Two hex digits at bytes[i], bytes[i+1] as a byte, or -1 when either is not hex. */
export function hexByte(bytes: Uint8Array, i: number): number {
  const h = hexValue(bytes[i]);
  const l = hexValue(bytes[i + 1]);
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}

/** Write `value` as two upper-case hex digits at out[i]. */
export function writeHex2(out: Uint8Array, i: number, value: number): void {
  out[i] = HEX_DIGITS[(value >> 4) & 15];
  out[i + 1] = HEX_DIGITS[value & 15];
}

const charCodeAt = String.prototype.charCodeAt;

/** ASCII/latin-1 bytes of a string (for tests, CLI and command encoders, not the hot path). */
export function asciiBytes(s: string): Uint8Array {
  // On XS every property access on a primitive string (s.length, s.charCodeAt) makes a
  // String wrapper object (2 slots); charCodeAt.call does not. The alert manager builds
  // its HBT/ALC/ALF sentences through here: two wrappers per character otherwise.
  const n = s.length;
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = charCodeAt.call(s, i) & 0xff;
  return b;
}

/** Bytes as a latin-1 string (each byte one code unit); lossless for any byte. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Checksum a sentence given as text without `*HH`, e.g. "$CCICA,0,00" -> "$CCICA,0,00*7B". */
export function withChecksum(sentence: string): string {
  const b = asciiBytes(sentence);
  const x = xorRange(b, 1, b.length);
  return sentence + "*" + String.fromCharCode(HEX_DIGITS[(x >> 4) & 15], HEX_DIGITS[x & 15]);
}
