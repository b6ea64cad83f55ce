// An independent strict IEC 61162-450 reader for the tests.
//
// Written separately from src/core/receiver.ts and on purpose in a different style
// (latin-1 strings and regular expressions instead of a byte state machine), so
// that the gateway's output is judged by code that does not share its bugs. It
// throws on anything a strict receiver would discard (450 doc §5), and returns the
// lines otherwise.

export interface StrictLine {
  tags: Record<string, string>;
  source: string;
  n: number | undefined;
  sentence: string;
}

const SFI = /^[A-Za-z]{2}[0-9]{4}$/;

function xor(s: string): number {
  let x = 0;
  for (let i = 0; i < s.length; i++) x ^= s.charCodeAt(i);
  return x;
}

export class StrictReadError extends Error {}

/** Read one datagram; `options.sendLimits` also applies the sender limits (TAG <= 80, upper-case hex). */
export function readDatagram(bytes: Uint8Array, options: { sendLimits?: boolean } = {}): StrictLine[] {
  if (bytes.length > 1472) throw new StrictReadError(`datagram of ${bytes.length} bytes exceeds 1472`);
  const text = Buffer.from(bytes).toString("latin1");
  if (text.slice(0, 6) !== "UdPbC\0") throw new StrictReadError(`bad header ${JSON.stringify(text.slice(0, 6))}`);
  const body = text.slice(6);
  if (!body.endsWith("\r\n")) throw new StrictReadError("last line not terminated by CR LF");
  const lines = body.slice(0, -2).split("\r\n");
  const out: StrictLine[] = [];
  for (const line of lines) {
    if (/[\r\n]/.test(line)) throw new StrictReadError("bare CR or LF inside a line");
    let rest = line;
    const tags: Record<string, string> = {};
    let source: string | undefined;
    let n: number | undefined;
    let blocks = 0;
    while (rest.startsWith("\\")) {
      const close = rest.indexOf("\\", 1);
      if (close < 0) throw new StrictReadError("TAG block not closed");
      const block = rest.slice(0, close + 1);
      if (block.length > (options.sendLimits ? 80 : 82))
        throw new StrictReadError(`TAG block of ${block.length} characters`);
      const m = /^\\(.+)\*([0-9A-Fa-f]{2})\\$/.exec(block);
      if (!m) throw new StrictReadError(`TAG block without *hh: ${block}`);
      if (options.sendLimits && !/^[0-9A-F]{2}$/.test(m[2]))
        throw new StrictReadError(`lower-case TAG checksum ${m[2]}`);
      if (xor(m[1]) !== parseInt(m[2], 16)) throw new StrictReadError(`TAG checksum ${m[2]} wrong for ${m[1]}`);
      for (const pair of m[1].split(",")) {
        const pm = /^([A-Za-z0-9]+):(.+)$/.exec(pair);
        if (!pm) throw new StrictReadError(`TAG parameter ${JSON.stringify(pair)}`);
        tags[pm[1]] = pm[2];
        // The conformant s: / n: closest to the sentence wins: later blocks overwrite.
        if (pm[1] === "s" && SFI.test(pm[2])) source = pm[2];
        if (pm[1] === "n") {
          if (!/^[0-9]{1,3}$/.test(pm[2]) || +pm[2] < 1) throw new StrictReadError(`n:${pm[2]} outside 1..999`);
          n = +pm[2];
        }
      }
      rest = rest.slice(close + 1);
      blocks++;
    }
    if (rest === "" && blocks > 0) continue; // TAG-only line
    const sm = /^([$!])([^*]*)\*([0-9A-Fa-f]{2})$/.exec(rest);
    if (!sm) throw new StrictReadError(`not a sentence: ${JSON.stringify(rest)}`);
    if (rest.length + 2 > 82) throw new StrictReadError(`sentence of ${rest.length + 2} characters with CR LF`);
    if (/[^\x20-\x7e]/.test(rest)) throw new StrictReadError("sentence with characters outside printable ASCII");
    if (xor(sm[2]) !== parseInt(sm[3], 16)) throw new StrictReadError(`sentence checksum wrong: ${rest}`);
    if (!source) throw new StrictReadError(`no conformant s: for ${rest}`);
    out.push({ tags, source, n, sentence: rest });
  }
  return out;
}

/**
 * Follows one source's datagrams: checks that n runs 1..999 without gaps or
 * repeats (wrapping 999 -> 1), and reassembles carried overlong sentences
 * ($P<MFR>S groups with g:) back into the original text.
 */
export class StrictStream {
  lastN: number | undefined;
  gaps = 0;
  private pending = new Map<string, string[]>();

  /** Returns the sentences (original text) completed by this line, in order. */
  accept(line: StrictLine): string[] {
    if (line.n !== undefined) {
      if (this.lastN !== undefined) {
        const expected = this.lastN >= 999 ? 1 : this.lastN + 1;
        if (line.n !== expected) this.gaps++;
      }
      this.lastN = line.n;
    }
    const g = line.tags.g;
    if (!g) return [line.sentence];
    const gm = /^(\d+)-(\d+)-(\d+)$/.exec(g);
    if (!gm) throw new StrictReadError(`bad g: ${g}`);
    const [lineNo, total, code] = [+gm[1], +gm[2], gm[3]];
    const cm = /^\$P[A-Z]{3}S,(\d+),(\d+),(\d+),(.*)\*[0-9A-F]{2}$/.exec(line.sentence);
    if (!cm) throw new StrictReadError(`grouped line is not a carrier sentence: ${line.sentence}`);
    if (+cm[1] !== total || +cm[2] !== lineNo || cm[3] !== code)
      throw new StrictReadError(`carrier fields disagree with g:${g}`);
    const parts = this.pending.get(code) ?? [];
    parts[lineNo - 1] = cm[4].replace(/\^([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    this.pending.set(code, parts);
    if (lineNo !== total) return [];
    for (let i = 0; i < total; i++)
      if (parts[i] === undefined) throw new StrictReadError(`carrier group ${code} misses line ${i + 1}`);
    this.pending.delete(code);
    return [parts.join("")];
  }
}

/**
 * The valid sentences of a raw byte stream, found independently of the framer.
 * The stream is cut into lines at control bytes; only a line ended by CR or LF
 * can hold a sentence. Within a line, every '$' or '!' starts a candidate running
 * to the line end; the EARLIEST candidate that is at most `maxLength` bytes, has
 * an address of 2+ upper-case letters/digits (up to the first ',' or the checksum)
 * and a correct checksum taken from the LAST "*hh" is the line's sentence (its
 * fields may hold '$', '!', '*', '\', bytes >= 0x80: raw-text messages). Returns
 * latin-1 strings in stream order. Default `maxLength`: the gateway's default maxLine, 1024.
 */
export function referenceSentences(bytes: Uint8Array, maxLength = 1024): string[] {
  const text = Buffer.from(bytes).toString("latin1");
  const out: string[] = [];
  const shape = /^[$!]([A-Z0-9]{2,}(?:,[\s\S]*)?)\*([0-9A-Fa-f]{2})$/;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f) continue;
    const line = text.slice(from, i);
    from = i + 1;
    if (c !== 0x0d && c !== 0x0a) continue; // cut by a control byte
    for (let s = 0; s < line.length; s++) {
      if (line[s] !== "$" && line[s] !== "!") continue;
      const cand = line.slice(s);
      if (cand.length > maxLength) continue;
      const m = shape.exec(cand);
      if (m && xor(m[1]) === parseInt(m[2], 16)) {
        out.push(cand);
        break;
      }
    }
  }
  return out;
}

/**
 * What a sender wrote to a terminal UART, judged with the reference extractor above
 * (not the core's framer): the bytes must be whole valid sentences, each ended by
 * CR LF, and nothing else. Returns the sentences and every piece that is not one
 * (a bad line, or bytes after the last CR LF).
 */
export function uartSentences(bytes: Uint8Array | number[], maxLength = 1024): { sentences: string[]; bad: string[] } {
  const text = Buffer.from(bytes as Uint8Array).toString("latin1");
  const parts = text.split("\r\n");
  const tail = parts.pop()!;
  const sentences: string[] = [],
    bad: string[] = [];
  for (const p of parts) {
    const r = referenceSentences(Buffer.from(p + "\r\n", "latin1"), maxLength);
    if (r.length === 1 && r[0] === p) sentences.push(p);
    else bad.push(p);
  }
  if (tail !== "") bad.push(tail);
  return { sentences, bad };
}
