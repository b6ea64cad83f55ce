// Short soak for `npm test` (the long one: `npm run soak -- --minutes N`): the real
// gateway process inside a private namespace at the full 115200-baud byte rate with a
// 921600-baud burst, under a flood of 1000 hostile datagrams/s on the groups it joins.
import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "./lib/paths";
import type { SoakResult } from "./soak/run";

function runSoak(args: string[]): Promise<{ code: number | null; result: SoakResult; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "hosttest", "soak", "run.js"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "",
      err = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => {
      c.kill("SIGKILL");
      reject(new Error("soak timed out\n" + err));
    }, 120000);
    c.on("exit", (code) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith('{"minutes"'));
      if (!line) return reject(new Error(`no result (exit ${code})\n${out}\n${err}`));
      resolve({ code, result: JSON.parse(line), stderr: err });
    });
  });
}

describe("soak (short): 115200 baud + 921600 burst under a datagram flood, nothing lost", function () {
  this.timeout(150000);
  let r: SoakResult;
  let code: number | null;
  before(async () => {
    const res = await runSoak(["--minutes", "0.4", "--burst", "4", "--flood", "1000", "--quiet"]);
    r = res.result;
    code = res.code;
    if (process.env.BD450_VERBOSE) console.log(JSON.stringify(r, null, 1));
  });

  it("every valid sentence the terminal wrote arrived once, byte-identical, in order, without n gaps", () => {
    assert.ok(r.validSentencesSent > 5000, `${r.validSentencesSent} sentences`);
    assert.equal(r.lost, 0);
    assert.equal(r.extra, 0);
    assert.equal(r.delivered, r.validSentencesSent);
    assert.ok(r.inOrderIdentical);
    assert.equal(r.nGaps, 0);
    assert.equal(r.nDuplicates, 0);
    assert.equal(r.gateway!.sentencesIn, r.validSentencesSent);
    assert.equal(r.gateway!.unitsIn, r.gateway!.sentencesIn + r.gateway!.framesIn + r.gateway!.rejected);
    assert.ok(r.gateway!.rejected > 0, "the line noise was rejected and counted");
    assert.equal(code, 0);
  });

  it("the flood was rejected by reason and counted, and only allowed, addressed commands within the rate reached the UART", () => {
    const n = r.gateway!.network;
    assert.ok(r.flood.sent > 15000, `${r.flood.sent} flood datagrams`);
    const rx = n.receiver;
    for (const k of [
      "oversize",
      "header",
      "otherToken",
      "tagChecksum",
      "sentenceFormat",
      "ownSource",
      "otherDestination",
    ])
      assert.ok(rx[k] > 0, `${k} counted`);
    assert.ok(n.rejects["source-not-allowed"] > 0 && n.rejects.rate > 0, JSON.stringify(n.rejects));
    // 5 commands per second from the one allowed source, over the run (+1 s of slack at each end).
    assert.ok(
      n.commandsAccepted > 0 && n.commandsAccepted <= 5 * (r.minutes * 60 + 6),
      `${n.commandsAccepted} accepted`,
    );
    assert.equal(r.uart.hostBad, 0, "the gateway wrote only whole valid sentences to the terminal");
    assert.equal(r.uart.hostSentences, r.gateway!.uartWritten);
    assert.equal(r.gateway!.uartQueued, n.commandsAccepted + 2, "start-up ICA + RMO, then the accepted commands");
    assert.ok(r.uart.maxQueueLength <= r.uart.queueBound);
  });

  it("the UART path kept its rate: terminal -> listener latency p99 below 1 s under the flood", () => {
    assert.ok(r.latencyMs && r.latencyMs.p99 < 1000, JSON.stringify(r.latencyMs));
  });

  it("gateway memory stayed bounded (RSS from /proc, peak < 200 MB)", () => {
    assert.ok(r.memory, "memory sampled");
    assert.ok(r.memory!.peakRssMB < 200, JSON.stringify(r.memory));
  });
});
