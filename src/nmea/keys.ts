// Formatter and talker keys: a sentence's three-letter formatter (GGA, FKI, ...), its
// two-letter talker and a 4.0 frame's four-letter command packed into one number, so
// that the per-sentence code compares and looks up numbers, never strings (on XS
// every string built is a heap chunk).

const charCodeAt = String.prototype.charCodeAt;

/** Three formatter letters -> 24-bit key. */
export function formatterKey(a: number, b: number, c: number): number {
  return (a << 16) | (b << 8) | c;
}

/** Key of a formatter given as text ("GGA"); for tables built once, not per sentence. */
export function formatterKeyOf(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length && i < 3; i++) v = (v << 8) | (charCodeAt.call(s, i) & 0xff);
  return v;
}

/** Key of the formatter of the sentence in bytes (`$ttfff,...`, formatter at 3..5). */
export function sentenceFormatterKey(bytes: Uint8Array): number {
  return (bytes[3] << 16) | (bytes[4] << 8) | bytes[5];
}

/** The formatter text of a key ("" for 0). */
export function formatterName(v: number): string {
  if (!v) return "";
  let s = "";
  for (let sh = 16; sh >= 0; sh -= 8) {
    const c = (v >> sh) & 0xff;
    if (c) s += String.fromCharCode(c);
  }
  return s;
}

/** Two talker letters -> 16-bit key. */
export function talkerKey(a: number, b: number): number {
  return (a << 8) | b;
}

/** Four command letters of an RDSS 4.0 frame (`$TXSQ...`) -> unsigned 32-bit key. */
export function frameKey(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Key of a 4.0 command given as text ("TXSQ"). */
export function frameKeyOf(s: string): number {
  return frameKey(charCodeAt.call(s, 0), charCodeAt.call(s, 1), charCodeAt.call(s, 2), charCodeAt.call(s, 3));
}
