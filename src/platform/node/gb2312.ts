// GB2312 text codec for the host (Node's full ICU): RDSS Chinese-mode messages carry
// raw GB2312 bytes. Decoding uses TextDecoder("gb18030"), a superset; encoding uses a
// reverse map built once from the GB2312 code range (rows 0xA1-0xF7, cells 0xA1-0xFE),
// because TextEncoder only writes UTF-8. The portable core never imports this: it is
// injected (decodeText / encodeText options) by the host CLI, gateway and simulator.

import { TextDecoder } from "util";

let decoder: TextDecoder | undefined;
let reverse: Map<string, number> | undefined;

/** GB2312/GB18030 bytes -> text, or undefined when the bytes are not valid. */
export function decodeGb2312(bytes: Uint8Array): string | undefined {
  try {
    decoder ??= new TextDecoder("gb18030", { fatal: true });
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function buildReverse(): Map<string, number> {
  const d = new TextDecoder("gb18030", { fatal: true });
  const m = new Map<string, number>();
  const pair = new Uint8Array(2);
  for (let hi = 0xa1; hi <= 0xf7; hi++) {
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      pair[0] = hi;
      pair[1] = lo;
      let ch: string;
      try {
        ch = d.decode(pair);
      } catch {
        continue;
      }
      // Unassigned GB2312 cells decode to user-defined (PUA) code points in GB18030: skip them.
      const cp = ch.codePointAt(0)!;
      if (ch.length !== 1 || (cp >= 0xe000 && cp <= 0xf8ff)) continue;
      if (!m.has(ch)) m.set(ch, (hi << 8) | lo);
    }
  }
  return m;
}

/** Number of characters in the reverse map (for tests). */
export function gb2312Size(): number {
  reverse ??= buildReverse();
  return reverse.size;
}

/** Text -> GB2312 bytes (ASCII passes through); throws naming the first character GB2312 lacks. */
export function encodeGb2312(text: string): Uint8Array {
  reverse ??= buildReverse();
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    const code = reverse.get(ch);
    if (code === undefined)
      throw new Error(`character "${ch}" (U+${c.toString(16).toUpperCase().padStart(4, "0")}) is not in GB2312`);
    out.push(code >> 8, code & 0xff);
  }
  return Uint8Array.from(out);
}
