// Bounded fuzz run for `npm test`: every target of hosttest/fuzz/targets.ts with its
// testRuns cases (>= 10^4 in total; `npm run fuzz -- --runs N` runs millions).
// A fixed seed per target keeps CI reproducible; BD450_FUZZ_SEED varies it.
import fc from "fast-check";
import { TARGETS, cleanupFuzz } from "./fuzz/targets";
import { material } from "./fuzz/material";

describe("fuzz (fast-check): no exception, nothing lost, counters add up", function () {
  this.timeout(120000);
  before(() => { material(); });
  after(() => cleanupFuzz());
  const base = Number(process.env.BD450_FUZZ_SEED ?? 450);
  let total = 0;
  // The seed of a target depends on its name only, so adding or reordering targets changes nothing.
  const seedOf = (name: string) => { let h = base; for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0; return h; };
  TARGETS.forEach((t) => {
    it(`${t.name} (${t.testRuns} cases): ${t.claim}`, () => {
      fc.assert(t.property(), { numRuns: t.testRuns, seed: seedOf(t.name) });
      total += t.testRuns;
    });
  });
  it("ran at least 10^4 cases in total", () => {
    if (total < 10000) throw new Error(`only ${total} cases`);
  });
});
