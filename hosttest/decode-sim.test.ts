// `bd450 decode` on simulator output (the built-in RNSS + RDSS 2.1 mix): typed records
// for every unit, no field errors, messages decoded (GB2312 on the host), state filled.
// Also the CLI itself on a file with a 4.0 frame, and its --help.

import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hexToBytes } from "../src/beidou/rdss40";
import { DecodeSession } from "../src/cli/decode";
import { BuiltinMix } from "../src/sim/mix";

const repoRoot = path.resolve(__dirname, "../..");

describe("decode: simulator output", () => {
  it("decodes 120 epochs of the built-in mix with no field errors", () => {
    const mix = new BuiltinMix({ noiseEvery: 7 });
    const recs: Array<Record<string, any>> = [];
    const s = new DecodeSession((l) => recs.push(JSON.parse(l)));
    for (let e = 0; e < 120; e++) for (const u of mix.next()) s.feed(u, Date.UTC(2026, 10, 25) + e * 1000);
    s.finish();
    const c = s.countsObject();
    for (const k of ["GGA", "RMC", "GSA", "GSV", "ZDA", "BSI", "ICI", "TXR", "FKI", "ZTI", "DWR"])
      assert.ok(c[k] > 0, `mix has ${k}: ${JSON.stringify(c)}`);
    assert.deepEqual(
      recs.filter((r) => r.error),
      [],
    );
    assert.ok(
      recs.filter((r) => !r.valid).every((r) => r.reason === "badChecksum"),
      "only the injected noise is rejected",
    );
    const texts = recs.filter((r) => r.kind === "TXR").map((r) => r.text);
    assert.ok(texts.includes("你好，北斗"), texts.join("|"));
    const snap = s.state.snapshot(Date.UTC(2026, 10, 25) + 120000) as any;
    assert.equal(snap.card.card, "0242286");
    assert.ok(snap.rnss.lat > 22 && snap.rnss.lon > 114);
    assert.ok(s.events.some((e) => e.code === "message.received"));
  });

  it("bd450 decode FILE prints one JSON line per unit and counts on stderr", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-decode-"));
    try {
      const f = path.join(dir, "in.bin");
      fs.writeFileSync(
        f,
        Buffer.concat([
          Buffer.from("$BDBSI,02,08,0,3,0,0,0,0,0,3,0,0*54\r\n$BDBSI,02,08,0,3,0,0,0,0,0,3,0,0*55\r\n"),
          Buffer.from(
            hexToBytes("24 44 57 58 58 00 1F 1F FA 66 08 00 00 00 0B 1C 32 47 76 05 2F 07 18 22 35 06 00 14 00 0A 8D"),
          ),
          Buffer.from("$BDFKI,TXA,N,Y,0,0000*04\r\n"),
        ]),
      );
      const r = require("node:child_process").spawnSync(
        process.execPath,
        [path.join(repoRoot, "dist/src/cli/main.js"), "decode", f],
        { encoding: "utf8" },
      );
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout
        .trim()
        .split("\n")
        .map((l: string) => JSON.parse(l));
      assert.deepEqual(
        lines.map((l: any) => [l.valid, l.kind ?? l.reason]),
        [
          [true, "BSI"],
          [false, "badChecksum"],
          [true, "DWXX"],
          [true, "FKI"],
        ],
      );
      assert.deepEqual(lines[0].beams, [0, 3, 0, 0, 0, 0, 0, 3, 0, 0]);
      assert.equal(lines[2].raw.slice(0, 14), "24 44 57 58 58");
      assert.match(lines[2].text, /^\$BDDWR,1,2095718,112850\.71,/);
      assert.deepEqual([lines[3].command, lines[3].accepted], ["TXA", false]);
      const counts = JSON.parse(r.stderr.trim().split("\n")[0]).counts;
      assert.deepEqual(counts, { BSI: 1, FKI: 1, "frame DWXX": 1, "reject badChecksum": 1 });
      const help = execFileSync(process.execPath, [path.join(repoRoot, "dist/src/cli/main.js"), "decode", "--help"], {
        encoding: "utf8",
      });
      assert.match(help, /usage: bd450 decode/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
