// Bounded fuzz run for `npm test`: every target of hosttest/fuzz/targets.ts with its
// testRuns cases (>= 10^4 in total; `npm run fuzz -- --runs N` runs millions).
// A fixed seed per target keeps CI reproducible; BD450_FUZZ_SEED varies it.
// The counts asserted are the cases fast-check reports it really ran (fc.check's
// numRuns), not the numbers asked for.
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { material } from "./fuzz/material";
import { cleanupFuzz, TARGETS } from "./fuzz/targets";

describe("fuzz (fast-check): no exception, nothing lost, counters add up", function () {
  this.timeout(120000);
  before(() => {
    material();
  });
  after(() => cleanupFuzz());
  const base = Number(process.env.BD450_FUZZ_SEED ?? 450);
  let total = 0;
  // The seed of a target depends on its name only, so adding or reordering targets changes nothing.
  const seedOf = (name: string) => {
    let h = base;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
    return h;
  };
  TARGETS.forEach((t) => {
    it(`${t.name} (${t.testRuns} cases): ${t.claim}`, () => {
      const r = fc.check(t.property(), { numRuns: t.testRuns, seed: seedOf(t.name) });
      assert.equal(r.failed, false, fc.defaultReportMessage(r) ?? `${t.name} failed`);
      assert.deepEqual(
        { runs: r.numRuns, skips: r.numSkips, interrupted: r.interrupted },
        { runs: t.testRuns, skips: 0, interrupted: false },
        `${t.name}: the cases fast-check ran`,
      );
      total += r.numRuns;
      // A target whose inputs never reach both outcomes proves little: it says what it saw.
      const seen = t.coverage?.();
      assert.ok(!seen, `${t.name}: ${seen}`);
    });
  });
  it("ran at least 10^4 cases in total (as counted by fast-check)", () => {
    assert.ok(total >= 10000, `only ${total} cases`);
  });
});
