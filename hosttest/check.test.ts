// bd450 check: the passive conformance checker, as a process (exit codes, stdin) and
// as a function (summary contents).

import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { check, InputError, parseHexLines, readDatagrams } from "../src/cli/check";
import { asciiBytes, withChecksum, xorRange } from "../src/nmea/checksum";
import { IEC450_CORPUS } from "./lib/paths";

const repoRoot = path.resolve(__dirname, "../..");
const corpus = IEC450_CORPUS;
const BIN = path.join(repoRoot, "bin", "bd450.js");

function bd450(args: string[], input?: string | Uint8Array) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: "latin1", timeout: 20000 });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lines: r.stdout.startsWith("{")
      ? r.stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [],
  };
}

function tag(params: string, lower = false): string {
  const x = xorRange(asciiBytes(params), 0, params.length).toString(16).padStart(2, "0");
  return "\\" + params + "*" + (lower ? x : x.toUpperCase()) + "\\";
}

function hex(s: string): string {
  let h = "";
  for (let i = 0; i < s.length; i++) h += (s.charCodeAt(i) & 255).toString(16).padStart(2, "0");
  return h;
}

const ZDA = "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";

describe("bd450 check", () => {
  const expected: Record<string, [string, string | null, number]> = {
    "iec-61162-450-nmea.pcap": ["accept", null, 1],
    "iec-61162-450-nmea-multitag.pcap": ["accept", null, 1],
    "iec-61162-450-nmea-multisentence.pcap": ["accept", null, 8],
    "iec-61162-450-nmea-wrong-tag-chcksm.pcap": ["discard", "tag-checksum", 0],
    "iec-61162-450-nmea-tag-too-long.pcap": ["discard", "tag-too-long", 0],
    "iec-61162-450-nmea-sentence-too-long.pcap": ["discard", "sentence-too-long", 0],
    "iec-61162-450-binary-type1.pcap": ["discard", "other-token", 0],
    "iec-61162-450-binary-type2.pcap": ["discard", "other-token", 0],
  };

  it("every corpus capture: the verdict SOURCES.md states, exit 0", () => {
    const files = fs
      .readdirSync(corpus)
      .filter((f) => f.endsWith(".pcap"))
      .sort();
    assert.deepEqual(files, Object.keys(expected).sort());
    for (const f of files) {
      const r = bd450(["check", path.join(corpus, f)]);
      assert.equal(r.code, 0, f + " " + r.stderr);
      const verdicts = r.lines.filter((l) => l.verdict);
      assert.ok(verdicts.length >= 1, f);
      const [verdict, reason, sentences] = expected[f];
      for (const v of verdicts) {
        assert.equal(v.verdict, verdict, f);
        assert.equal(v.reason, reason, f);
      }
      assert.equal(verdicts[0].sentences.length, sentences, f);
      if (f.includes("multitag"))
        assert.deepEqual([verdicts[0].sentences[0].source, verdicts[0].sentences[0].destination], ["HE0001", "HE0002"]);
      if (f.includes("binary")) assert.equal(verdicts[0].token, "RrUdP");
      const total = r.lines.find((l) => l.summary === "total");
      assert.equal(total.datagrams, verdicts.length);
    }
  });

  it("multisentence capture: summary has IN0001, n 881..888, c: in ms noted", () => {
    const r = bd450(["check", "--summary", path.join(corpus, "iec-61162-450-nmea-multisentence.pcap")]);
    assert.equal(r.lines.filter((l) => l.verdict).length, 0, "--summary prints no datagram lines");
    const s = r.lines.find((l) => l.summary === "source" && l.sfi === "IN0001");
    assert.equal(s.sentences, 8);
    assert.equal(s.nFirst, 881);
    assert.equal(s.nLast, 888);
    assert.equal(s.nGaps, 0);
    assert.ok(
      s.notes.some((n: string) => /milliseconds.*: 8$/.test(n)),
      JSON.stringify(s.notes),
    );
  });

  it("hex input from stdin: gaps, duplicates, field faults per source", () => {
    const lines = [
      "# a comment line, then blank",
      "",
      hex("UdPbC\0" + tag("s:SK0001,n:0,c:1700000000123", true) + ZDA), // codekilo-style: n:0, ms, lower case
      hex("UdPbC\0" + tag("s:SK0001,n:1") + ZDA),
      hex("UdPbC\0" + tag("s:SK0001,n:1") + ZDA), // duplicate
      hex("UdPbC\0" + tag("s:SK0001,n:4") + ZDA), // gap of 2
      hex("UdPbC\0" + tag("s:GP0001,n:1") + "$GPZDA,120000.00,01,01,2024,00,00*62\r\n"), // bad sentence checksum
      "55 64 50 62 43 00 " + hex(tag("s:GP0001,n:2") + ZDA).replace(/(..)/g, "$1 "), // spaced hex
      hex("UdPbC\0" + tag("d:BD0001,s:EI0001,n:5") + withChecksum("$CCICA,0,00") + "\r\n"),
      "RCOM 239.192.0.6:60006 " + hex("UdPbC\0" + tag("s:GP0001,n:3") + ZDA), // bd450 wrap output
      hex("UdPbC\0" + (tag("s:AB0001,n:1") + ZDA).repeat(30)), // > 1472 bytes
    ];
    const r = bd450(["check", "-"], lines.join("\n") + "\n");
    assert.equal(r.code, 0, r.stderr);
    const v = r.lines.filter((l) => l.verdict);
    assert.equal(v.length, 9);
    assert.deepEqual(
      v.map((x) => x.reason),
      [null, null, null, null, "sentence-checksum", null, null, null, "oversize"],
    );
    assert.equal(v[0].line, 3);
    assert.deepEqual(v[2].sentences[0].status, "duplicate");
    assert.equal(v[6].sentences[0].destination, "BD0001", "d: reported, not filtered");
    assert.equal(v[6].sentences[0].status, "ok");
    assert.equal(v[7].dst, "239.192.0.6:60006");
    assert.deepEqual(v[0].sentences[0].c, { raw: 1700000000123, seconds: 1700000000.123, unit: "ms" });
    const sk = r.lines.find((l) => l.sfi === "SK0001");
    assert.equal(sk.datagrams, 4);
    assert.equal(sk.duplicates, 1);
    assert.equal(sk.nGaps, 1);
    assert.equal(sk.nLost, 2);
    const notes = sk.notes.join("|");
    assert.match(notes, /lower-case TAG block checksum/);
    assert.match(notes, /n:0 sent/);
    assert.match(notes, /milliseconds/);
    const gp = r.lines.find((l) => l.sfi === "GP0001");
    assert.deepEqual(gp.discards, { "sentence-checksum": 1 });
    assert.equal(gp.datagrams, 3);
    const ab = r.lines.find((l) => l.sfi === "AB0001");
    assert.deepEqual(ab.discards, { oversize: 1 });
    assert.ok(ab.notes.some((n: string) => /oversize/.test(n)));
  });

  it("unpadded checksums (codekilo toString(16)) are discarded and noted", () => {
    // Find a TAG block whose checksum is below 16.
    let params = "";
    for (let k = 1; k < 5000; k++) {
      params = "s:SK0001,n:" + ((k % 999) + 1) + ",t:" + k.toString(36);
      if (xorRange(asciiBytes(params), 0, params.length) < 16) break;
    }
    const x = xorRange(asciiBytes(params), 0, params.length);
    assert.ok(x < 16, "test construction");
    const out: string[] = [];
    check(parseHexLines(hex("UdPbC\0\\" + params + "*" + x.toString(16) + "\\" + ZDA)), (l) => out.push(l));
    const lines = out.map((l) => JSON.parse(l));
    assert.equal(lines[0].reason, "tag-format");
    assert.deepEqual(lines[0].notes, ["unpadded-checksum"]);
    const sk = lines.find((l) => l.sfi === "SK0001");
    assert.ok(
      sk.notes.some((n: string) => /zero-padded/.test(n)),
      JSON.stringify(sk),
    );
  });

  it("a sender restart (line count back at 1) is reported as a restart, not as loss (issue 23.7)", () => {
    // 300 datagrams (n:1..300), the gateway restarts, 40 more (n:1..40); then the 999 -> 1 wrap is no restart.
    const lines: string[] = [];
    for (let n = 1; n <= 300; n++) lines.push(hex("UdPbC\0" + tag(`s:RS0001,n:${n}`) + ZDA));
    for (let n = 1; n <= 40; n++) lines.push(hex("UdPbC\0" + tag(`s:RS0001,n:${n}`) + ZDA));
    for (const n of [998, 999, 1, 2]) lines.push(hex("UdPbC\0" + tag(`s:WR0001,n:${n}`) + ZDA));
    const r = bd450(["check", "--summary", "-"], lines.join("\n") + "\n");
    assert.equal(r.code, 0, r.stderr);
    const rs = r.lines.find((l) => l.sfi === "RS0001");
    assert.equal(rs.sentences, 340);
    assert.equal(rs.nLost, 0, "no loss: every datagram arrived");
    assert.equal(rs.nGaps, 0);
    assert.equal(rs.duplicates, 0, "the new sequence's n values are not duplicates of the old");
    assert.equal(rs.nRestarts, 1);
    assert.match(rs.notes.join("|"), /line count restarted at 1 1 time\(s\)/);
    const wr = r.lines.find((l) => l.sfi === "WR0001");
    assert.deepEqual([wr.nRestarts, wr.nLost, wr.duplicates], [0, 0, 0]);
  });

  it("unreadable input: exit 2 with a clear message", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-check-"));
    try {
      const junk = path.join(dir, "junk.bin");
      fs.writeFileSync(junk, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
      let r = bd450(["check", junk]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /neither a pcap file nor hex text/);
      r = bd450(["check", path.join(dir, "missing.pcap")]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /cannot read .*missing\.pcap/);
      const ng = path.join(dir, "x.pcapng");
      fs.writeFileSync(ng, Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(40).fill(0)]));
      r = bd450(["check", ng]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /pcapng/);
      r = bd450(["check", "-"], "5564506243\nnot hex at all\n");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /line 2: not a hex datagram/);
      r = bd450(["check", "--bogus", "x"]);
      assert.equal(r.code, 2);
      r = bd450(["check", "--help"]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /usage: bd450 check/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("readDatagrams: odd-length hex is an input error, empty text is zero datagrams", () => {
    assert.throws(() => readDatagrams(asciiBytes("556450624\n")), InputError);
    assert.equal(readDatagrams(asciiBytes("\n# nothing\n")).length, 0);
  });
});
