// The suite's own check that every test ran an assertion (hosttest/lib/assert-count.ts,
// loaded by .mocharc.json): mocha run on a small fixture must fail exactly the tests
// whose assertions did not run.

import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { assertionCount, noAssertionsExpected } from "./lib/assert-count";
import { REPO_ROOT } from "./lib/paths";

const FIXTURE = `
const assert = require("node:assert/strict");
const { noAssertionsExpected } = require(${JSON.stringify(path.join(__dirname, "lib", "assert-count.js"))});
describe("fixture", () => {
  it("EMPTY", () => {});
  it("ASSERTS", () => assert.equal(1, 1));
  it("ASYNC-EMPTY", async () => { await new Promise((r) => setImmediate(r)); });
  it("LOOP-OVER-NOTHING", () => { for (const x of []) assert.ok(x); });
  it("MATCH", () => assert.match("abc", /b/));
  it("EXEMPT", () => noAssertionsExpected("the fixture says why"));
  it("SKIPPED", function () { this.skip(); });
});
`;

describe("assert-count: a test whose assertions did not run fails", () => {
  it("counts the assertions of the running test", () => {
    assert.equal(assertionCount(), 0);
    assert.ok(true);
    assert.equal(assertionCount(), 2);
  });

  it("fails the empty, async-empty and loop-over-nothing tests of a fixture, and only those", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-assert-count-"));
    try {
      const file = path.join(dir, "fixture.test.js");
      fs.writeFileSync(file, FIXTURE);
      const r = spawnSync(
        process.execPath,
        [path.join(REPO_ROOT, "node_modules", "mocha", "bin", "mocha.js"), "--reporter", "json", file],
        { cwd: REPO_ROOT, encoding: "utf8" },
      );
      const report = JSON.parse(r.stdout) as {
        failures: Array<{ title: string; err: { message: string } }>;
        passes: Array<{ title: string }>;
        pending: Array<{ title: string }>;
      };
      assert.deepEqual(report.failures.map((f) => f.title).sort(), ["ASYNC-EMPTY", "EMPTY", "LOOP-OVER-NOTHING"]);
      for (const f of report.failures) assert.match(f.err.message, /no assertion ran in this test/);
      assert.deepEqual(report.passes.map((p) => p.title).sort(), ["ASSERTS", "EXEMPT", "MATCH"]);
      assert.deepEqual(
        report.pending.map((p) => p.title),
        ["SKIPPED"],
      );
      assert.equal(r.status, 3, "mocha's exit status is the number of failures");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("noAssertionsExpected needs a reason", () => {
    assert.throws(() => noAssertionsExpected(""), /needs a reason/);
  });
});
