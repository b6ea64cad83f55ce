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
  return Uint8Array.from([
    start.charCodeAt(0),
    ...Array.from(body),
    0x2a,
    HEXCHARS.charCodeAt(x >> 4),
    HEXCHARS.charCodeAt(x & 15),
  ]);
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
const ISSUE_TEXT = "北斗模块通信测试[混发模式]-!@#%^&*()~1234567890_ABC.";
/** Its GB2312 bytes, written down once from a GB2312 encoder outside this project. */
const ISSUE_TEXT_GB2312 =
  "b1b1b6b7c4a3bfe9cda8d0c5b2e2cad45bbbecb7a2c4a3cabd5d2d214023255e262a28297e313233343536373839305f4142432e";

/** $BDTXR (beidou.md §4.6) with raw text as the content field. */
function rawTxr(text: number[], mode = "2"): Uint8Array {
  return line([...ascii(`BDTXR,1,0179773,${mode},,`), ...text]);
}

// ---------------------------------------------------------------------------------

interface Run {
  sentences: string[];
  rejects: string[];
  f: SentenceFramer;
}

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
    const quiet = fc
      .array(
        fc.integer({ min: 0, max: 255 }).filter((c) => c !== 0x24 && c !== 0x21),
        { maxLength: 30 },
      )
      .map((a) => [...a, 10]);
    fc.assert(
      fc.property(
        fc.constantFrom(82, 300, 1024),
        fc.constantFrom("$", "!"),
        fc.array(addrChar, { minLength: 2, maxLength: 6 }),
        fc.array(textByte, { maxLength: 1100 }),
        quiet,
        quiet,
        fc.array(fc.nat(), { maxLength: 4 }),
        (max, start, addr, text, pre, post, cutSeeds) => {
          const body = [...addr, 0x2c, ...text].slice(0, max - 4);
          if (body.length < 3) return;
          const s = line(body, start);
          const input = cat(pre, s, CRLF, post);
          const cuts = cutSeeds.map((k) => k % (input.length + 1)).sort((a, b) => a - b);
          const r = run(input, cuts, max);
          assert.deepEqual(r.sentences, [str(s)]);
        },
      ),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------
// On the wire, decoding, console: through the real CLI (wrap, decode, listen).

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SentenceDecoder } from "../src/beidou/decoder";
import { contentText } from "../src/beidou/sentences/content";
import type { TXR } from "../src/beidou/sentences/txr";
import { TEXT_FIELD_LIMITS } from "../src/beidou/table";
import { BeidouWiring } from "../src/beidou/wiring";
import { Console } from "../src/console/console";
import { GatewayConsoleHost } from "../src/console/gateway-host";
import { loadSettings } from "../src/console/persist";
import { makeConfig } from "../src/core/config";
import { Gateway } from "../src/core/gateway";
import { MemoryStore } from "./lib/memory-store";
import { runInNetns } from "./lib/netns";
import { readDatagram, StrictStream } from "./lib/strict-reader";

const BIN = path.join(path.resolve(__dirname, "../.."), "bin", "bd450.js");

/** Raw-text TXR lines for the wire: [line, message text (Unicode), goes out carried?]. */
const WIRE: Array<[Uint8Array, string, boolean]> = [
  [rawTxr(gb(ISSUE_TEXT)), ISSUE_TEXT, true],
  ...["$", "!", "*", "\\", "~", "^"].map((ch): [Uint8Array, string, boolean] => [
    rawTxr(ascii(`a${ch}b`), "1"),
    `a${ch}b`,
    true,
  ]),
  [rawTxr(ascii("hello, world"), "1"), "hello, world", true], // a comma: more fields than TXR has
  [rawTxr(ascii("^41 is an escape"), "1"), "^41 is an escape", false], // '^HH' is allowed as it is
  [rawTxr(ascii("plain text"), "1"), "plain text", false], // nothing reserved: sent as it is
];

function wireInput(): Uint8Array {
  // Each line after noise without a line end, so framing joins and splits are exercised too.
  return cat(...WIRE.flatMap(([l]) => [ascii("$GPGGA,12"), l, CRLF]));
}

/** `bd450 wrap` the bytes; returns the datagrams. */
function wrap(input: Uint8Array, chunk: number): Uint8Array[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-rawtext-"));
  try {
    const file = path.join(dir, "in.bin");
    fs.writeFileSync(file, input);
    const r = spawnSync(process.execPath, [BIN, "wrap", "--unix-time", "1700000000", "--chunk", String(chunk), file], {
      encoding: "latin1",
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout
      .trim()
      .split("\n")
      .map((l) => Uint8Array.from(Buffer.from(l.split(" ")[2], "hex")));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("raw-text messages: wire, decoding, console", function () {
  this.timeout(30000);

  it("the Beidou field limits are TXR 5 and TXA 4 (beidou.md §4.6), and BDS-3 TCI 7 (its data is the 7th and last field)", () => {
    assert.deepEqual(TEXT_FIELD_LIMITS, { TXR: 5, TXA: 4, TCI: 7 });
  });

  it("bd450 wrap: every datagram passes the strict reader; reassembled, the lines are byte-identical; reserved ones carried", () => {
    const want = WIRE.map(([l]) => str(l));
    for (const chunk of [1, 7, 4096]) {
      const stream = new StrictStream();
      const got: string[] = [];
      const carried: boolean[] = [];
      for (const d of wrap(wireInput(), chunk)) {
        for (const l of readDatagram(d, { sendLimits: true })) {
          const out = stream.accept(l);
          if (out.length) carried.push(l.tags.g !== undefined);
          got.push(...out);
        }
      }
      assert.deepEqual(got, want, `chunk ${chunk}`);
      assert.deepEqual(
        carried,
        WIRE.map((w) => w[2]),
        `chunk ${chunk}: carried or as it is`,
      );
    }
  });

  it("the gateway core gives the same (no fieldLimits: a TXR with commas goes out as it is)", () => {
    const run = (fieldLimits?: Readonly<Record<string, number>>) => {
      const lines: Array<{ g?: string; s: string }> = [];
      const gw = new Gateway({
        config: makeConfig({ sfi: "BD0001", tagTime: false }),
        clock: { now: () => 0, monotonic: () => 0 },
        fieldLimits,
        onDatagram: (b, n) => {
          for (const l of readDatagram(b.slice(0, n), { sendLimits: true })) lines.push({ g: l.tags.g, s: l.sentence });
        },
      });
      const comma = rawTxr(ascii("hello, world"), "1");
      gw.feed(cat(comma, CRLF));
      return lines;
    };
    assert.equal(run().length, 1);
    assert.equal(run()[0].g, undefined);
    assert.ok(run(TEXT_FIELD_LIMITS)[0].g, "carried with the Beidou field limits");
  });

  it("bd450 decode gives the message text (GB2312 -> Unicode) for raw-text and hex TXR lines", () => {
    const hexLine = line(ascii("BDTXR,1,0179773,2,,A468656C6C6F"));
    const input = cat(wireInput(), hexLine, CRLF);
    const r = spawnSync(process.execPath, [BIN, "decode", "-"], { input, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const txr = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((o) => o.valid && o.kind === "TXR");
    assert.deepEqual(
      txr.map((o) => o.text),
      [...WIRE.map((w) => w[1]), "hello"],
    );
    assert.deepEqual(
      txr.map((o) => o.rawText),
      [...WIRE.map(() => true), false],
    );
    assert.ok(txr.every((o) => o.error === undefined));
  });

  it("the TXR decoder takes the text to the last '*': commas, '*', past the 64-field table; all-hex stays hex", () => {
    const dec = new SentenceDecoder();
    const text = (s: Uint8Array) => {
      const d = dec.decode(s, s.length);
      assert.equal(d.error, null, str(s));
      return contentText((d.record as TXR).content, (b) => new TextDecoder("gb18030").decode(b));
    };
    const many = "a,".repeat(100) + "*end";
    assert.equal(text(rawTxr(ascii(many), "1")), many);
    assert.equal(text(rawTxr(gb("北,斗*"), "0")), "北,斗*");
    assert.equal(text(rawTxr(ascii("3132"), "1")), "12", "all hex in code mode is hex");
    assert.equal(text(rawTxr(ascii("A43132"), "2")), "12");
    assert.equal(text(rawTxr(ascii("3132"), "2")), "3132", "mixed mode without A4 is raw text");
    const empty = rawTxr([], "2");
    assert.equal(dec.decode(empty, empty.length).error, "mixed-mode content does not start with A4");
  });

  it("the device state and the console's log show the text (7-bit console: \\uXXXX for non-ASCII)", () => {
    const wiring = new BeidouWiring({
      clock: { now: () => 0 },
      decodeText: (b) => new TextDecoder("gb18030").decode(b),
    });
    const clock = { now: () => Date.UTC(2026, 10, 30, 9, 0, 0), monotonic: () => 0 };
    const store = new MemoryStore();
    const loaded = loadSettings(store);
    const gw = new Gateway({ config: loaded.config, clock, onUnit: wiring.onUnit, fieldLimits: TEXT_FIELD_LIMITS });
    wiring.attach({ events: gw.events, rejects: gw.framerCounters });
    gw.feed(cat(ascii("$GP"), rawTxr(gb(ISSUE_TEXT)), CRLF));
    assert.equal(wiring.state.messages.at(-1)!.text, ISSUE_TEXT);
    const host = new GatewayConsoleHost({
      gateway: gw,
      state: wiring.state,
      store,
      loaded,
      clock,
      reboot: () => undefined,
    });
    let out = "";
    const con = new Console({ host, write: (b) => (out += String.fromCharCode(...b)), clock });
    con.execute("log");
    const escaped = Array.from(ISSUE_TEXT, (c) =>
      c.charCodeAt(0) > 0x7e ? "\\u" + c.charCodeAt(0).toString(16).toUpperCase() : c,
    ).join("");
    assert.ok(out.includes("short message from 0179773: " + escaped), out);
    assert.ok(/^[\x00-\x7f]*$/.test(out), "console output stays 7-bit");
  });

  it("bd450 listen reassembles the carried lines byte for byte and shows the GB2312 text", async function () {
    const probe = spawnSync("unshare", ["-rn", "true"]);
    if (probe.status !== 0) {
      // The wrap test above still checks the reassembly with the strict reader.
      this.test!.title += " — SKIPPED: no user/network namespaces (unshare -rn) on this machine";
      this.skip();
    }
    const datagrams = wrap(wireInput(), 4096);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-rawtext-listen-"));
    try {
      const list = path.join(dir, "list.json");
      fs.writeFileSync(list, JSON.stringify(datagrams.map((d) => Buffer.from(d).toString("hex"))));
      // The sender waits for the event (listen's socket joined RCOM, from /proc/net/igmp),
      // not a fixed time, and sends each datagram when the previous one has been handed over.
      const sender = `
        const dgram = require("dgram");
        const { waitFor, igmpUsers } = require(${JSON.stringify(path.join(__dirname, "lib", "wait.js"))});
        const list = JSON.parse(require("fs").readFileSync(${JSON.stringify(list)}, "utf8"));
        const s = dgram.createSocket("udp4");
        s.bind(async () => {
          s.setMulticastInterface("127.0.0.1");
          await waitFor("listen joined RCOM", 10000, () => igmpUsers("239.192.0.6") > 0);
          for (const hex of list) await new Promise((r) => s.send(Buffer.from(hex, "hex"), 60006, "239.192.0.6", r));
          s.close();
        });`;
      fs.writeFileSync(path.join(dir, "send.js"), sender);
      const script = `"${process.execPath}" "${BIN}" listen --group RCOM --interface 127.0.0.1 --count ${datagrams.length} --duration 15 --json --stats 0 > "${dir}/out" 2> "${dir}/err" &
        L=$!; "${process.execPath}" "${dir}/send.js"; wait $L; echo "rc=$?"`;
      const r = await runInNetns("sh", ["-c", script], { timeoutMs: 25000 });
      assert.match(r.stdout, /rc=0/, r.stdout + r.stderr + fs.readFileSync(path.join(dir, "err"), "utf8"));
      const lines = fs
        .readFileSync(path.join(dir, "out"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .filter((o) => o.sentence);
      assert.deepEqual(
        lines.map((o) => o.sentence),
        WIRE.map(([l]) => str(l)),
      );
      assert.equal(lines[0].text, `$BDTXR,1,0179773,2,,${ISSUE_TEXT}*${str(rawTxr(gb(ISSUE_TEXT))).slice(-2)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
