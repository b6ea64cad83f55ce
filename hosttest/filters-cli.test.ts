// bd450 wrap --outFilter/--maxRate over the real corpus, judged by an independent
// count (a tiny line parser and filter written here, not the gateway's framer or
// filter), and the offline `bd450 config` / `bd450 spec` commands.

import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BIN, corpusLogs } from "./lib/paths";

function bd450(args: string[], input?: Buffer, env?: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, maxBuffer: 256 << 20, env: env ?? process.env });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

// ---- the independent oracle --------------------------------------------------------

/**
 * Checksum-valid sentences of a log, in order: per line (CR, LF or CR LF), the text from
 * the last '$' or '!', `$ADDR[,fields]*hh` with printable fields and a matching XOR,
 * at most 1024 characters (the gateway's default maxLine). Written for this corpus, not general.
 */
function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const k = Math.max(line.lastIndexOf("$"), line.lastIndexOf("!"));
    if (k < 0) continue;
    const s = line.slice(k);
    const m = /^[$!][A-Z0-9]{2,}(,[\x20-\x7e]*)?\*([0-9A-Fa-f]{2})$/.exec(s);
    if (!m || s.length > 1024) continue;
    const body = s.slice(1, -3);
    if (body.includes("*") || body.includes("\\")) continue;
    let x = 0;
    for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
    if (x === parseInt(m[2], 16)) out.push(s);
  }
  return out;
}

function address(s: string): string {
  return /^[$!]([A-Z0-9]+)/.exec(s)![1];
}

/**
 * The wrap data clock, restated: ms of UTC elapsed since the first GGA/RMC time
 * (hhmmss[.f]), unwrapped over midnight, holding on a step back.
 */
class DataTime {
  ms = 0;
  last = -1;
  see(s: string): void {
    const m = /^\$[A-Z0-9]{2}(GGA|RMC),(\d\d)(\d\d)(\d\d)(\.\d*)?[,*]/.exec(s);
    if (!m || +m[2] > 23 || +m[3] > 59 || +m[4] > 60) return;
    const t = (+m[2] * 3600 + +m[3] * 60 + +m[4]) * 1000 + Math.round(Number("0" + (m[5] ?? "")) * 1000);
    if (this.last >= 0) {
      let step = t - this.last;
      if (step < -43200000) step += 86400000;
      if (step > 0) this.ms += step;
    }
    this.last = t;
  }
}

/** The test's own statement of `!GSV,GGA/5,RMC@2,!GP*`: decision for each sentence in order. */
function expectedPasses(list: string[]): { passed: string[]; perRule: number[][] } {
  const clock = new DataTime();
  const perRule = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ]; // [passed, blocked]
  let ggaSeen = 0;
  let rmcDue = -Infinity;
  const passed: string[] = [];
  for (const s of list) {
    clock.see(s);
    const a = address(s);
    const proprietary = a[0] === "P";
    const f = proprietary ? "" : a.slice(2, 5);
    let ok = true;
    if (f === "GSV") {
      ok = false;
      perRule[0][1]++;
    } else if (f === "GGA") {
      ok = ggaSeen++ % 5 === 0;
      perRule[1][ok ? 0 : 1]++;
    } else if (f === "RMC") {
      // At most one per 2 s: due times step by 2 s; up to 0.2 s early still passes.
      const now = clock.ms;
      ok = now >= rmcDue - 200;
      if (ok) rmcDue = Math.max(rmcDue + 2000, now + 2000);
      perRule[2][ok ? 0 : 1]++;
    } else if (a.startsWith("GP")) {
      ok = false;
      perRule[3][1]++;
    }
    if (ok) passed.push(a);
  }
  return { passed, perRule };
}

/** Addresses of the sentences in wrap's output (carried overlong sentences: from line 1 of the carrier group). */
function outputAddresses(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    const hex = line.split(" ")[2];
    const text = Buffer.from(hex, "hex").toString("latin1").slice(6);
    for (const l of text.split("\r\n")) {
      if (l === "") continue;
      const sentence = l.slice(l.lastIndexOf("\\") + 1);
      const carrier = /^\$P[A-Z]{3}S,(\d+),(\d+),\d+,(.*)\*[0-9A-F]{2}$/.exec(sentence);
      if (carrier) {
        if (carrier[2] === "1") out.push(/^\^2[41]([A-Z0-9]+)/.exec(carrier[3])![1]);
      } else out.push(address(sentence));
    }
  }
  return out;
}

// The corpus, one stream: every log except one whose binary (UBX) bytes run into
// NMEA lines, where the framer's restart rules are beyond this parser.
function corpusStream(): Buffer {
  const parts: Buffer[] = [];
  for (const f of corpusLogs()) {
    if (path.basename(f) === "semuconsulting-pyubx2__pygpsdata-MIXED2.log") continue;
    parts.push(fs.readFileSync(f), Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

describe("bd450 wrap --outFilter / --maxRate on the corpus", function () {
  this.timeout(120000);
  let stream: Buffer;
  let list: string[];
  before(() => {
    stream = corpusStream();
    list = sentencesOf(stream.toString("latin1"));
  });

  it("without a filter: the parser and the gateway agree sentence by sentence (the oracle is sound)", () => {
    const r = bd450(["wrap", "--unix-time", "1700000000", "-"], stream);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(outputAddresses(r.stdout), list.map(address));
    assert.ok(list.length > 15000, String(list.length));
  });

  it("'!GSV,GGA/5,RMC@2,!GP*' passes exactly the sentences the independent count expects, counted per rule", () => {
    const r = bd450(["wrap", "--unix-time", "1700000000", "--outFilter", "!GSV,GGA/5,RMC@2,!GP*", "-"], stream);
    assert.equal(r.code, 0, r.stderr);
    const exp = expectedPasses(list);
    const got = outputAddresses(r.stdout);
    assert.equal(got.length, exp.passed.length);
    assert.deepEqual(got, exp.passed);
    const snap = JSON.parse(r.stderr.trim().split("\n").pop()!);
    assert.deepEqual(
      snap.outFilter.map((c: { passed: number; blocked: number }) => [c.passed, c.blocked]),
      exp.perRule,
    );
    assert.equal(snap.filtered, list.length - exp.passed.length);
    // Every rule had work to do in this corpus (the test is not vacuous).
    for (const [p, b] of exp.perRule.slice(1, 3)) assert.ok(p > 100 && b > 100, JSON.stringify(exp.perRule));
    assert.ok(exp.perRule[0][1] > 5000 && exp.perRule[3][1] > 1000, JSON.stringify(exp.perRule));
    process.stdout.write(
      `      corpus: ${list.length} sentences, ${exp.passed.length} pass; per rule [passed, blocked] ${JSON.stringify(exp.perRule)}\n`,
    );
  });

  it("the issue's example: --outFilter '!GSV,GGA/5' on one log", () => {
    const file = corpusLogs().find((f) => f.endsWith("ntpsec-gpsd__ublox-neo-m9n-nmea.log"))!;
    const r = bd450(["wrap", "--outFilter", "!GSV,GGA/5", file]);
    assert.equal(r.code, 0, r.stderr);
    const all = sentencesOf(fs.readFileSync(file, "latin1")).map(address);
    let gga = 0;
    const expected = all.filter((a) => a.slice(2, 5) !== "GSV" && (a.slice(2, 5) !== "GGA" || gga++ % 5 === 0));
    assert.deepEqual(outputAddresses(r.stdout), expected);
    assert.ok(all.length - expected.length > 100);
  });

  it("--maxRate: per group and data second, the newest beyond N are dropped", () => {
    const file = corpusLogs().find((f) => f.endsWith("ntpsec-gpsd__ublox-zed-f9p-nmea.log"))!;
    const r = bd450(["wrap", "--maxRate", "5", file]);
    assert.equal(r.code, 0, r.stderr);
    // Independent: group by the data second and the formatter's group (NAVD for every
    // routed NMEA position/satellite sentence of this log, MISC for the rest).
    const navd = new Set([
      "GGA",
      "RMC",
      "GLL",
      "GNS",
      "VTG",
      "GSA",
      "GSV",
      "GST",
      "GBS",
      "GRS",
      "DTM",
      "ZDA",
      "HDT",
      "THS",
      "ROT",
      "VLW",
      "DHV",
      "DWR",
      "WAA",
    ]);
    const clock = new DataTime();
    const used = new Map<string, number>();
    const expected: string[] = [];
    for (const s of sentencesOf(fs.readFileSync(file, "latin1"))) {
      clock.see(s);
      const a = address(s);
      const g = a[0] !== "P" && navd.has(a.slice(2, 5)) ? "NAVD" : "MISC";
      const key = g + Math.floor(clock.ms / 1000);
      const n = used.get(key) ?? 0;
      if (n < 5) {
        used.set(key, n + 1);
        expected.push(a);
      }
    }
    assert.deepEqual(outputAddresses(r.stdout), expected);
    const snap = JSON.parse(r.stderr.trim().split("\n").pop()!);
    assert.ok(snap.rateDropped > 100, String(snap.rateDropped));
  });

  it("a bad rule on the command line is refused with the rule named (exit 1)", () => {
    const r = bd450(["wrap", "--outFilter", "!GSV,GGA/0", "-"], Buffer.from(""));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /outFilter breaks rule: rule 2 "GGA\/0": \/N needs a whole number/);
    const m = bd450(["wrap", "--maxRate", "fast", "-"], Buffer.from(""));
    assert.equal(m.code, 1);
    assert.match(m.stderr, /maxRate "fast" breaks rule: maxRate is an integer/);
  });
});

describe("bd450 config and bd450 spec", function () {
  this.timeout(60000);
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-config-"));
    file = path.join(dir, "config");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("set writes through the schema, atomically (no temporary left), and show reads it back", () => {
    const r = bd450(["config", "--config", file, "set", "outFilter", "!gsv, gga/5", "maxRate", "20", "sfi", "bd0042"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /outFilter = !GSV,GGA\/5\nmaxRate = 20\nsfi = BD0042\nsaved to /);
    assert.deepEqual(fs.readdirSync(dir), ["config"]);
    const lines = fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const v = (k: string) => lines.find((l) => l.k === k)?.v;
    assert.equal(v("outFilter"), "!GSV,GGA/5");
    assert.equal(v("maxRate"), 20);
    assert.equal(v("sfi"), "BD0042");
    const s = bd450(["config", "--config", file, "show"]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^outFilter +!GSV,GGA\/5 +text/m);
    assert.match(s.stdout, /^maxRate +20 +int/m);
    assert.match(s.stdout, /^ttl +1 +int +1\.\.255 \[restart\]$/m);
  });

  it("refuses a bad value with the console's error text and leaves the file untouched", () => {
    bd450(["config", "--config", file, "set", "ttl", "3"]);
    const before = fs.readFileSync(file);
    const r = bd450(["config", "--config", file, "set", "ttl", "4", "outFilter", "GSV@0"]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `error: outFilter breaks rule: rule 1 "GSV@0": @S needs seconds from 0.001 to 86400\nnothing changed in ${path.resolve(file)}\n`,
    );
    assert.deepEqual(fs.readFileSync(file), before);
    const x = bd450(["config", "--config", file, "set", "cmdFwd", "on"]);
    assert.equal(x.code, 1);
    assert.match(x.stderr, /^error: cmdFwd on breaks rule: command forwarding needs a non-empty cmdAllow/);
    const u = bd450(["config", "--config", file, "set", "nosuch", "1"]);
    assert.match(u.stderr, /"nosuch" breaks rule: unknown setting/);
    assert.equal(bd450(["config", "--config", file, "set", "ttl"]).code, 2);
    assert.equal(bd450(["config", "--config", file, "frob"]).code, 2);
  });

  it("defaults writes every setting back to its default and keeps unknown keys", () => {
    fs.writeFileSync(file, '{"bd450":"settings","version":1}\n{"k":"ttl","v":7}\n{"k":"futureKey","v":"x"}\n');
    const r = bd450(["config", "--config", file, "defaults"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.find((l) => l.k === "ttl").v, 1);
    assert.equal(lines.find((l) => l.k === "futureKey").v, "x");
  });

  it("spec: text and JSON from the settings file; options override", () => {
    bd450([
      "config",
      "--config",
      file,
      "set",
      "outFilter",
      "!GSV,GGA/5",
      "maxRate",
      "10",
      "cmdAllow",
      "EI0001",
      "cmdFwd",
      "on",
      "inFilter",
      "TXA@60",
    ]);
    const t = bd450(["spec", "--config", file]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /^SFI +BD0001$/m);
    assert.match(t.stdout, /^max datagram +1472 bytes/m);
    assert.match(t.stdout, /^max output rate +30 sentences\/s of terminal data \(maxRate 10\/s per group\)/m);
    assert.match(t.stdout, /^ {2}UART bound +11520 bytes\/s: 1047 sentences\/s of 11 bytes, 140\/s of 82 bytes$/m);
    assert.match(t.stdout, /^ {4}from EI0001, addressed d:BD0001, at most 5\/s per source, inFilter TXA@60$/m);
    const j = bd450(["spec", "--config", file, "--json", "--sfi", "GN0007", "--overlong", "drop"]);
    assert.equal(j.code, 0, j.stderr);
    const spec = JSON.parse(j.stdout);
    assert.equal(spec.sfi, "GN0007");
    assert.equal(spec.ttl, 1);
    assert.equal(spec.maxDatagramBytes, 6 + 42 + 80 + 2);
    const navd = spec.transmit.find((g: { name: string }) => g.name === "NAVD");
    assert.equal(navd.address, "239.192.0.4");
    assert.equal(navd.port, 60004);
    assert.equal(navd.maxRate, 10);
    assert.deepEqual(navd.sentences.slice(0, 2), [{ sentence: "GGA", filter: "1 in 5" }, { sentence: "RMC" }]);
    assert.deepEqual(
      navd.sentences.find((s: { sentence: string }) => s.sentence === "GSV"),
      { sentence: "GSV", filter: "blocked" },
    );
    assert.deepEqual(
      spec.tagFields.map((f: { field: string }) => f.field),
      ["s", "n", "c", "d"],
    );
    assert.deepEqual(spec.receive.commands.sentences, [
      "$CCICA",
      "$CCRMO",
      "$CCBSS",
      "$CCDWA",
      "$CCWAA",
      "$CCTXA",
      // BDS-3 commands (issue 22): accepted too, in the terminal's family or translated
      "$CCTCQ",
      "$CCICR",
      "$CCEPQ",
      "$CCQRQ",
    ]);
    assert.deepEqual(spec.receive.commands.from, ["EI0001"]);
    assert.deepEqual(
      spec.receive.groups.map((g: { name: string }) => g.name),
      ["RCOM", "CAM1", "CAM2"],
    );
  });
});
