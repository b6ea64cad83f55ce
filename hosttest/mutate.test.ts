// The mutation check runs with every `npm test` (issue 26: its script guards every change):
// scripts/mutate.js plants its one-line bugs one at a time in a copy of the tree, and each
// must fail the test file written for it. A refactor that moves an anchor makes the script
// stop with "the mutants no longer fit the code", and this test with it, so the planted
// bugs follow the code instead of going stale.

import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "./lib/paths";

describe("mutation check (scripts/mutate.js)", function () {
  this.timeout(15 * 60 * 1000);

  it("every planted bug is caught by the test file written for it", () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "mutate.js")], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, `mutate.js exited ${r.status}:\n${out.slice(-4000)}`);
    const m = /mutate: all (\d+) planted bugs caught/.exec(out);
    assert.ok(m, `no verdict line:\n${out.slice(-2000)}`);
    assert.ok(Number(m[1]) >= 14, `only ${m[1]} planted bugs ran`);
  });
});
