import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { COMMANDS } from "../src/cli/main";
import { BIN, NMEA_CORPUS } from "./lib/paths";
import { readDatagram, referenceSentences, StrictStream } from "./lib/strict-reader";

function bd450(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe("bd450 CLI", function () {
  this.timeout(60000);

  it("answers --help on every subcommand with a usage text and exit 0", () => {
    const top = bd450(["--help"]);
    assert.equal(top.code, 0);
    for (const name of Object.keys(COMMANDS)) {
      const r = bd450([name, "--help"]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`usage: bd450 ${name}`), name);
    }
  });

  it("rejects unknown commands and options with a clear message and exit 2", () => {
    const a = bd450(["frobnicate"]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown command "frobnicate"/);
    const b = bd450(["wrap", "--sfii", "X"]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /unknown option --sfii/);
    const c = bd450(["gateway"]);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /--serial PATH is required/);
    const d = bd450(["wrap", "--sfi", "BAD"], Buffer.from("$GPZDA,120000.00,01,01,2024,00,00*61\r\n"));
    assert.equal(d.code, 1);
    assert.match(d.stderr, /ccxxxx/);
  });

  it("wrap: one 'GROUP ADDRESS:PORT HEX' line per datagram, counters on stderr, strict-reader clean", () => {
    const file = path.join(NMEA_CORPUS, "ntpsec-gpsd__st-teseo-liv4f.log");
    const r = bd450(["wrap", "--sfi", "GN0007", "--unix-time", "1700000000", file]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    const expected = referenceSentences(new Uint8Array(fs.readFileSync(file)));
    assert.equal(lines.length, expected.length);
    const stream = new StrictStream();
    const got: string[] = [];
    for (const l of lines) {
      const m = /^([A-Z0-9]{4}) (239\.192\.0\.(\d+)):(\d+) ([0-9a-f]+)$/.exec(l);
      assert.ok(m, l);
      assert.equal(Number(m[4]), 60000 + Number(m[3]));
      for (const s of readDatagram(Buffer.from(m[5], "hex"), { sendLimits: true })) {
        assert.equal(s.source, "GN0007");
        assert.equal(s.tags.c, "1700000000");
        got.push(...stream.accept(s));
      }
    }
    assert.deepEqual(got, expected);
    const counters = JSON.parse(r.stderr.trim().split("\n").pop()!);
    assert.equal(counters.sentencesIn, expected.length);
    assert.equal(counters.datagrams, lines.length);
    assert.equal(counters.rejects.truncated, 330); // the $$ prefixes of this receiver
    assert.equal(counters.unitsIn, counters.sentencesIn + counters.framesIn + counters.rejected);
  });

  it("wrap sends an RDSS 4.0 frame as its 2.1 text sentence (reference DWXX frame)", () => {
    const frame = Buffer.from("2444575858001f1ffa66080000000b1c324776052f07182235060014000a8d", "hex");
    const r = bd450(["wrap", "--no-time", "-"], frame);
    assert.equal(r.code, 0, r.stderr);
    const [group, , hex] = r.stdout.trim().split(" ");
    assert.equal(group, "NAVD");
    const lines = readDatagram(Buffer.from(hex, "hex"), { sendLimits: true });
    assert.match(lines[0].sentence, /^\$BDDWR,1,2095718,112850\.71,2434\.8933,N,11805\.7950,E,20,M,10,M,/);
  });

  it("wrap reads standard input and honours --no-time and --group-map", () => {
    const r = bd450(
      ["wrap", "--no-time", "--group-map", "ZDA=TIME", "-"],
      Buffer.from("$GPZDA,120000.00,01,01,2024,00,00*61\r\n"),
    );
    assert.equal(r.code, 0, r.stderr);
    const [group, addr, hex] = r.stdout.trim().split(" ");
    assert.equal(group, "TIME");
    assert.equal(addr, "239.192.0.7:60007");
    assert.equal(
      Buffer.from(hex, "hex").toString("latin1"),
      "UdPbC\0\\s:BD0001,n:1*07\\$GPZDA,120000.00,01,01,2024,00,00*61\r\n",
    );
  });
});
