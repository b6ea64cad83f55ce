// Raw-text short messages (issue 15): a $BDTXR whose text is raw GB2312 and ASCII
// as the sender typed it, with '$', '!', '*', ',', '\', '^', '~' inside, must be
// framed as one sentence. Lines are built here with this file's own XOR, hex and
// GB2312 table (from Node's gb18030 decoder), not with the core's helpers.
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { SentenceFramer } from "../src/core/framer";

// ---------------------------------------------------------------------------------
// independent builders

function xorOf(b: ArrayLike<number>): number {
  let x = 0;
  for (let i = 0; i < b.length; i++) x ^= b[i];
  return x;
}

const HEXCHARS = "0123456789ABCDEF";

/** start + body + '*' + two upper-case hex digits of the XOR of body. */
function line(body: ArrayLike<number>, start = "$"): Uint8Array {
  const x = xorOf(body);
  return Uint8Array.from([start.charCodeAt(0), ...Array.from(body), 0x2a, HEXCHARS.charCodeAt(x >> 4), HEXCHARS.charCodeAt(x & 15)]);
}

/** char -> GB2312 bytes, from Node's decoder over the whole GB2312 double-byte range. */
const GB2312: Map<string, number[]> = (() => {
  const m = new Map<string, number[]>();
  const d = new TextDecoder("gb18030");
  for (let hi = 0xa1; hi <= 0xf7; hi++) {
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      const ch = d.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && ch !== "\ufffd" && !m.has(ch)) m.set(ch, [hi, lo]);
    }
  }
  return m;
})();

function gb(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 0x80) out.push(c);
    else {
      const b = GB2312.get(ch);
      if (!b) throw new Error(`no GB2312 code for ${ch}`);
      out.push(...b);
    }
  }
  return out;
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

function str(b: ArrayLike<number>): string {
  return Buffer.from(Uint8Array.from(Array.from(b))).toString("latin1");
}

/** The message of the issue and public integration code. */
export const ISSUE_TEXT = "北斗模块通信测试[混发模式]-!@#%^&*()~1234567890_ABC.";
/** Its GB2312 bytes, written down once from a GB2312 encoder outside this project. */
const ISSUE_TEXT_GB2312 =
  "b1b1b6b7c4a3bfe9cda8d0c5b2e2cad45bbbecb7a2c4a3cabd5d2d214023255e262a28297e313233343536373839305f4142432e";

/** $BDTXR (beidou.md §4.6) with raw text as the content field. */
function rawTxr(text: number[], mode = "2"): Uint8Array {
  return line([...ascii(`BDTXR,1,0179773,${mode},,`), ...text]);
}

// ---------------------------------------------------------------------------------

interface Run { sentences: string[]; rejects: string[]; f: SentenceFramer }

function run(input: Uint8Array, cuts: number[] = [], maxLength?: number): Run {
  const r: Run = { sentences: [], rejects: [], f: undefined as unknown as SentenceFramer };
  r.f = new SentenceFramer({
    maxLength,
    onSentence: (b, n) => r.sentences.push(str(b.subarray(0, n))),
    onReject: (reason) => r.rejects.push(reason),
  });
  let at = 0;
  for (const c of [...cuts, input.length]) {
    r.f.feed(input, at, c);
    at = c;
  }
  r.f.flush();
  const c = r.f.counters;
  assert.equal(c.units, c.sentences + c.frames + c.rejected, "units = sentences + frames + rejected");
  return r;
}

function cat(...parts: Array<ArrayLike<number>>): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

const CRLF = [13, 10];

describe("raw-text messages: framing", () => {
  it("the GB2312 bytes of the issue's text agree with the table written down elsewhere", () => {
    assert.equal(Buffer.from(gb(ISSUE_TEXT)).toString("hex"), ISSUE_TEXT_GB2312);
  });

  it("delivers the issue's raw-text TXR ('!', '*', '$'-free GB2312 text) whole, at every split point", () => {
    const s = rawTxr(gb(ISSUE_TEXT));
    const input = cat(s, CRLF);
    for (let a = 0; a <= input.length; a++) {
      const r = run(input, [a]);
      assert.deepEqual(r.sentences, [str(s)], `split at ${a}`);
      assert.deepEqual(r.rejects, [], `split at ${a}`);
    }
    for (const chunk of [1, 2, 3, 7]) {
      const cuts: number[] = [];
      for (let i = chunk; i < input.length; i += chunk) cuts.push(i);
      assert.deepEqual(run(input, cuts).sentences, [str(s)], `chunk ${chunk}`);
    }
  });

  it("delivers raw text with each reserved character, anywhere in the text, at every split point", () => {
    for (const ch of ["$", "!", "*", ",", "\\", "^", "~"]) {
      for (const text of [`${ch}abc`, `ab${ch}c`, `abc${ch}`, `${ch}${ch}`, `$GPGGA,1${ch}*00`, `北${ch}斗*`]) {
        const s = rawTxr(gb(text));
        const input = cat(s, CRLF, s, [10]);
        for (let a = 0; a <= input.length; a++) {
          const r = run(input, [a]);
          assert.deepEqual(r.sentences, [str(s), str(s)], `${JSON.stringify(text)} split at ${a}`);
          assert.deepEqual(r.rejects, []);
        }
      }
    }
  });

  it("delivers it after noise: no line end, a truncated sentence, binary bytes, '$$'", () => {
    const s = rawTxr(gb(ISSUE_TEXT));
    const noises = [
      ascii("garbage no start"),
      ascii("$GPGGA,1234"), // cut short, no line end
      ascii("!AB"),
      ascii("$$"),
      [0xb5, 0x62, 0x01, 0x07, 0x24, 0x00, 0x24, 0x47, 0x0d, 0xff, 0x24, 0x10, 0x0a, 0x80], // UBX-like with '$'
      [0x24, 0xb1, 0xb1, 0x21], // '$' + GB2312 + '!'
    ];
    for (const n of noises) {
      const input = cat(n, s, CRLF);
      for (let a = 0; a <= input.length; a++) {
        const r = run(input, [a]);
        assert.deepEqual(r.sentences, [str(s)], `${JSON.stringify(str(n))} split at ${a}`);
      }
    }
  });

  it("noise followed by a real sentence still gives the sentence, and the noise is counted truncated", () => {
    const real = line(ascii("GPGGA,052345.77,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,"));
    for (const n of ["$GPGGA,05", "$", "!!", "$GP$GN,1"]) {
      const r = run(cat(ascii(n), real, CRLF));
      assert.deepEqual(r.sentences, [str(real)], n);
      assert.equal(r.f.counters.truncated, (n.match(/[$!]/g) ?? []).length, n);
      assert.equal(r.f.counters.units, r.f.counters.truncated + 1);
    }
  });

  it("an invalid line with a start inside: earlier parts truncated, the last part gets its verdict", () => {
    // The tail "!cd*HH" has a right checksum but a lower-case address; the whole line's is wrong.
    const bad = cat(ascii("$BDTXR,1,0179773,2,,ab"), line(ascii("cd"), "!"), CRLF);
    assert.notEqual(xorOf(ascii("BDTXR,1,0179773,2,,ab!")), 0);
    const r = run(bad);
    assert.deepEqual(r.sentences, []);
    assert.deepEqual(r.rejects, ["truncated", "badAddress"]);
    const bad2 = cat(ascii("$BDTXR,1,0179773,2,,ab$GPXYZ,1*00"), CRLF);
    assert.deepEqual(run(bad2).rejects, ["truncated", "badChecksum"]);
  });

  it("a control byte still ends the line, so the candidates before it are lost (as before)", () => {
    const s = rawTxr(ascii("a\tb!c"));
    const r = run(cat(s, CRLF));
    assert.deepEqual(r.sentences, []);
    // "!c*HH" after the tab carries the whole line's checksum, wrong for "c".
    assert.deepEqual(r.rejects, ["badCharacter", "badChecksum"]);
  });

  it("keeps to the line limit: a full-length raw line passes, one byte more is tooLong, long noise before it is dropped", () => {
    const head = ascii("BDTXR,1,0179773,2,,");
    const fill = (k: number) => Array.from({ length: k }, (_, i) => [0x24, 0x21, 0xb1, 0x2a, 0x41][i % 5]);
    const exact = rawTxr(fill(300 - 4 - head.length));
    assert.equal(exact.length, 300);
    assert.deepEqual(run(cat(exact, CRLF)).sentences, [str(exact)]);
    const over = rawTxr(fill(301 - 4 - head.length));
    const r = run(cat(over, CRLF));
    assert.deepEqual(r.sentences, []);
    assert.equal(r.f.counters.tooLong + r.f.counters.truncated > 0, true);
    // 250 bytes of noise starting with '$' and no line end, then a 100-byte raw line:
    // together over the limit, so the noise is dropped and the line comes out.
    const s = rawTxr(fill(100 - 4 - head.length));
    const noise = [0x24, ...ascii("x".repeat(249))];
    for (const cut of [0, 250, 260, 349]) {
      const r2 = run(cat(noise, s, CRLF), [cut]);
      assert.deepEqual(r2.sentences, [str(s)], `cut ${cut}`);
      assert.equal(r2.f.counters.truncated, 1);
    }
  });

  it("property: any checksum-valid line up to the limit is delivered exactly once, whatever it contains", () => {
    // Any byte a line may hold (no control bytes: they end a line), biased to the reserved ones.
    const textByte = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(0x24, 0x21, 0x2a, 0x2c, 0x5c, 0x5e, 0x7e) },
      { weight: 2, arbitrary: fc.integer({ min: 0xa1, max: 0xfe }) },
      { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f) },
    );
    const addrChar = fc.constantFrom(...ascii("ABCDGNPRTXZ0123456789"));
    // Noise that cannot start a unit, ending in a line end or control byte.
    const quiet = fc.array(fc.integer({ min: 0, max: 255 }).filter((c) => c !== 0x24 && c !== 0x21), { maxLength: 30 })
      .map((a) => [...a, 10]);
    fc.assert(fc.property(
      fc.constantFrom(82, 300, 1024), fc.constantFrom("$", "!"),
      fc.array(addrChar, { minLength: 2, maxLength: 6 }), fc.array(textByte, { maxLength: 1100 }),
      quiet, quiet, fc.array(fc.nat(), { maxLength: 4 }),
      (max, start, addr, text, pre, post, cutSeeds) => {
        const body = [...addr, 0x2c, ...text].slice(0, max - 4);
        if (body.length < 3) return;
        const s = line(body, start);
        const input = cat(pre, s, CRLF, post);
        const cuts = cutSeeds.map((k) => k % (input.length + 1)).sort((a, b) => a - b);
        const r = run(input, cuts, max);
        assert.deepEqual(r.sentences, [str(s)]);
      }), { numRuns: 400 });
  });
});
