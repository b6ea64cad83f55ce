// The portable core keeps nothing per sentence or per datagram: 300 000 UART sentences
// (with noise and 4.0 frames) and a million hostile datagrams through framer, decoders,
// device state, router, encoder, strict receiver and command gate, heap measured after
// a full GC (hosttest/soak/heap.ts run with node --expose-gc), with V8's optimizing
// compilers off: their code and its feedback and deoptimization data live in the same heap
// and come and go by a few hundred kB with the JIT's timing (a sample taken while a hot
// function was being re-optimized stood 320 kB above its neighbours, failing a leak-free
// run). What a leak grows, reachable objects, is the same without them, and the series is
// then flat to a few kB, so the bounds are tighter than with the JIT on.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "./lib/paths";

describe("soak (heap): the core's heap stays flat under sustained load", function () {
  this.timeout(120000);
  it("300 000 sentences + 1 000 000 datagrams: heap after GC grows < 128 kB after warm-up and is flat (< 64 kB) over the second half", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--expose-gc",
        "--no-opt",
        "--no-maglev",
        path.join(REPO_ROOT, "dist", "hosttest", "soak", "heap.js"),
        "--sentences",
        "300000",
      ],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    if (process.env.BD450_VERBOSE) console.log(JSON.stringify(o));
    assert.ok(o.sentences > 250000 && o.datagramsIn > 900000, JSON.stringify(o));
    assert.ok(o.commandsAccepted > 0 && o.uartQueue <= 16 && o.uartDropped > 0, "the UART queue bound was exercised");
    assert.ok(o.growthKB < 128, `heap grew ${o.growthKB} kB after warm-up: ${o.heapSeriesKB.join(" ")}`);
    const half = o.heapSeriesKB.slice(Math.floor(o.heapSeriesKB.length / 2));
    assert.ok(Math.max(...half) - Math.min(...half) < 64, `second half not flat: ${half.join(" ")}`);
  });
});
