// Small helpers more than one layer needs, written once (core is below all of them).

/** Two digits, zero-padded (times, dates). */
export function pad2(v: number): string {
  return v < 10 ? "0" + v : String(v);
}

/**
 * Zero every number of a counters object, and fill every array of numbers with 0
 * (console and network `counters reset`).
 */
export function zero(o: object): void {
  const r = o as Record<string, unknown>;
  for (const k in r) {
    const v = r[k];
    if (typeof v === "number") r[k] = 0;
    else if (Array.isArray(v)) v.fill(0);
  }
}

const fromString = (ArrayBuffer as unknown as { fromString?(s: string): ArrayBuffer }).fromString;

/**
 * UTF-8 bytes of a string (no TextEncoder on the board): Moddable's native
 * ArrayBuffer.fromString where it exists, else a loop; a lone surrogate becomes U+FFFD.
 */
export function utf8(s: string): Uint8Array {
  if (fromString) return new Uint8Array(fromString(s));
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}
