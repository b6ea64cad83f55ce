// The firmware's TypeScript step (scripts/fw-tsc.js, issue 23 point 4): one tsc program per
// target stands in for mcconfig's one tsc per module. Checked against the makefile itself:
// its list of TypeScript modules (read here from the xsc rules, independently of fw-tsc's own
// parsing) is the list fw-tsc emits; make finds every tsc target up to date afterwards; and
// for three modules the makefile's own per-module tsc command, run again, writes byte for
// byte what fw-tsc wrote (the .js and its .js.map). Pending when no Moddable SDK is present.

import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, "scripts", "firmware.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sdkPath, cachePath } = require(script) as { sdkPath(): { ok: boolean; path: string }; cachePath(): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { tscRules } = require(path.join(root, "scripts", "fw-tsc.js")) as {
  tscRules(tmpDir: string): { rules: Array<{ out: string; source: string; tsconfig: string }> };
};

const TARGET = "esp32/wt32_eth01";

describe("firmware TypeScript: one program per target (scripts/fw-tsc.js) = the makefile's tsc per module", function () {
  this.timeout(20 * 60 * 1000);
  const sdk = sdkPath();
  let tmpDir = "";

  before(function () {
    if (!sdk.ok) {
      process.stdout.write(`      pending: no Moddable SDK at ${sdk.path}; set MODDABLE\n`);
      this.skip();
    }
    const r = spawnSync(process.execPath, [script, "--json", TARGET], { encoding: "utf8", maxBuffer: 64 << 20 });
    const result = JSON.parse(r.stdout).results[TARGET];
    assert.ok(result.ok, `${TARGET} failed at ${result.step}:\n${result.out}`);
    tmpDir = result.tmpDir;
    assert.match(r.stderr, new RegExp(`firmware: ${TARGET} tsc [0-9.]+ s`), "a progress line for the tsc stage");
  });

  it("emits exactly the modules the makefile compiles with tsc, and make finds them all up to date", () => {
    const makefile = fs.readFileSync(path.join(tmpDir, "makefile"), "utf8");
    // The xsc rules whose input is a tsc output: one per TypeScript module.
    const fromXsc = [...makefile.matchAll(/^\$\(MODULES_DIR\)\/\S+\.xsb: \$\(TMP_DIR\)(\/tsc\/\S+\.js)$/gm)].map((m) =>
      path.join(tmpDir, m[1]),
    );
    const emitted = tscRules(tmpDir).rules.map((r) => r.out);
    assert.ok(fromXsc.length > 50, `${fromXsc.length} TypeScript modules in the makefile`);
    assert.deepEqual([...emitted].sort(), [...fromXsc].sort());
    for (const f of fromXsc) assert.ok(fs.existsSync(f) && fs.existsSync(`${f}.map`), f);
    const q = spawnSync("make", ["-q", "-f", "bd450-pre-idf.mk", ...fromXsc], { cwd: tmpDir, encoding: "utf8" });
    assert.equal(q.status, 0, `make says some tsc target is out of date:\n${q.stdout}${q.stderr}`);
  });

  it("the makefile's own per-module tsc writes the same .js and .js.map bytes for three modules", () => {
    const tsc = path.join(cachePath(), "tsc6", "tsc");
    const rules = tscRules(tmpDir).rules;
    const pick = ["/src/core/alerts.ts", "/src/platform/moddable/main.ts", "/src/beidou/sentences/gsv.ts"];
    for (const end of pick) {
      const rule = rules.find((r) => r.source.endsWith(end));
      assert.ok(rule, `module ${end} in the makefile`);
      const files = [rule.out, `${rule.out}.map`];
      const before = files.map((f) => ({ text: fs.readFileSync(f, "utf8"), stat: fs.statSync(f) }));
      const r = spawnSync(tsc, ["-p", rule.tsconfig], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      files.forEach((f, i) => {
        assert.equal(fs.readFileSync(f, "utf8"), before[i].text, `${f} differs from the per-module tsc's`);
        fs.utimesSync(f, before[i].stat.atime, before[i].stat.mtime); // the build stays warm
      });
    }
  });
});
