// What `save` stores (issue 23 point 1): the settings as loaded plus what was set through
// the console, the web page or `bd450 config set` — never a value that only ran (a
// command-line option such as --interface or --ttl) and no default pinned into the file.
// The store is read back directly; the expected contents are written out here.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { applySettings, saveChecked } from "../src/console/apply";
import { GatewayConsoleHost } from "../src/console/gateway-host";
import { loadSettings } from "../src/console/persist";
import { Gateway } from "../src/core/gateway";
import { nodeClock } from "../src/platform/node/host";
import { buildCandidate, defaultConfig } from "../src/settings/settings";
import { MemoryStore } from "./lib/memory-store";
import { BIN } from "./lib/paths";

describe("save stores only what was set through it (issue 23 point 1)", () => {
  it("the shared save path (console save, web /api/save): options that only ran stay out", () => {
    const store = new MemoryStore();
    store.set("ttl", 7);
    const loaded = loadSettings(store);
    // A run started with --interface 127.0.0.1 --ttl 9 (as bd450 gateway builds its record).
    const gw = new Gateway({ config: { ...loaded.config, iface: "127.0.0.1", ttl: 9 }, clock: nodeClock });
    const host = new GatewayConsoleHost({ gateway: gw, store, loaded, clock: nodeClock, reboot() {} });
    assert.equal(host.getConfig().iface, "127.0.0.1");
    const set = applySettings(host, [["sfi", "BD0042"]]);
    assert.ok(!("errors" in set), JSON.stringify(set));
    assert.equal(saveChecked(host), undefined);
    assert.deepEqual(Object.fromEntries(store.values), { ttl: 7, sfi: "BD0042" });
    // Setting an overridden key on purpose stores it.
    applySettings(host, [["ttl", "12"]]);
    assert.equal(saveChecked(host), undefined);
    assert.deepEqual(Object.fromEntries(store.values), { ttl: 12, sfi: "BD0042" });
  });

  it("bd450 config set writes the keys named (and those already in the file), no defaults", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-save-"));
    const file = path.join(dir, "config");
    try {
      const run = (...args: string[]) => spawnSync(process.execPath, [BIN, "config", "--config", file, ...args]);
      assert.equal(run("set", "sfi", "BD0042").status, 0);
      assert.equal(run("set", "ttl", "3").status, 0);
      const keys = fs
        .readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => (JSON.parse(l) as { k: string }).k);
      assert.deepEqual(keys, ["sfi", "ttl"]);
      // The CLI names its own command for the list of settings (issue 23.7).
      const bad = run("set", "nokey", "1");
      assert.equal(bad.status, 1);
      assert.match(bad.stderr.toString(), /"nokey" breaks rule: unknown setting \(bd450 config show lists them\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("one wording for a broken rule: KEY VALUE breaks rule: RULE (issue 23.7)", () => {
    const err = (pairs: [string, string][]) => {
      const r = buildCandidate(defaultConfig(), pairs);
      return "errors" in r ? r.errors[0] : "accepted";
    };
    assert.match(err([["ttl", "999"]]), /^ttl 999 breaks rule: ttl 1\.\.255/);
    assert.match(err([["sfi", "BD12"]]), /^sfi "BD12" breaks rule: SFI format/);
    assert.match(
      err([
        ["ipMode", "static"],
        ["ipAddr", "10.0.0.1"],
      ]),
      /^ipAddr "10\.0\.0\.1" breaks rule: /,
    );
    assert.match(err([["cmdFwd", "on"]]), /^cmdFwd on breaks rule: /);
    // Without a hasher installed (as here) or with one: the key, no value (a password is not echoed).
    assert.match(err([["webPass", "short"]]), /^webPass breaks rule: /);
  });
});
