// The Moddable adapters (src/platform/moddable settings, timers, clock and Ethernet link) on XS, over
// stand-ins for Moddable's `preference`, `timer` and `time` modules that follow the
// documented ESP32 behaviour (NVS: 15-character names, "float unsupported", a write
// per set; Timer: one-shot timers freed after firing). The adapters are compiled
// from their TypeScript here (the main build excludes src/platform/moddable).

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { bundle, repoRoot, XsWorker } from "./xs-harness";

function compile(file: string): string {
  const source = fs.readFileSync(path.join(repoRoot, file), "utf8");
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false },
  }).outputText;
}

/** ESP32 `preference` as documented: NVS namespace/key <= 15 chars, int32/string/boolean/ArrayBuffer, writes counted. */
const PREFERENCE = `"use strict";
const store = new Map();
class Preference {
  static set(domain, key, value) {
    if (domain.length > 15) throw new Error("nvs_open fail");
    if (key.length > 15) throw new Error("nvs set fail");
    if (typeof value === "number" && (value | 0) !== value) throw new Error("float unsupported");
    if (!(typeof value === "number" || typeof value === "string" || typeof value === "boolean" || value instanceof ArrayBuffer)) throw new Error("unsupported type");
    Preference.writes++;
    store.set(domain + "/" + key, value);
  }
  static get(domain, key) { return store.get(domain + "/" + key); }
  static delete(domain, key) { if (store.delete(domain + "/" + key)) Preference.writes++; }
  static keys(domain) { const out = []; for (const k of store.keys()) if (k.startsWith(domain + "/")) out.push(k.slice(domain.length + 1)); return out; }
}
Preference.writes = 0;
exports.default = Preference;`;

/** Moddable Timer: callbacks get the timer; a one-shot timer is freed after firing and clearing a freed timer throws. */
const TIMER = `"use strict";
let now = 0;
const live = [];
class Timer {
  static set(cb, interval = 0, repeat = 0) { const t = { cb, due: now + interval, repeat, freed: false }; live.push(t); return t; }
  static repeat(cb, interval) { return Timer.set(cb, interval, interval); }
  static clear(t) { if (t === undefined || t === null) return; if (t.freed) throw new Error("timer already freed"); t.freed = true; }
  static advance(ms) {
    now += ms;
    for (;;) {
      const t = live.find((x) => !x.freed && x.due <= now);
      if (!t) break;
      if (t.repeat) t.due += t.repeat; else t.freed = true;
      t.cb(t);
    }
  }
}
exports.default = Timer;`;

const TIME = `"use strict";
class Time { static get ticks() { return Time.value; } }
Time.value = 1000;
exports.default = Time;`;

/**
 * platform/host with a stand-in of ECMA-419 embedded:network/interface/ethernet as Moddable's
 * ESP32 module behaves when no PHY answers (modules/io/ethernet/esp32/ethernet-esp32.c): the
 * constructor does not throw, configure() throws "not initialized". `failures` starts fail.
 * With `throws` set it behaves as bd450's W5500 module (src/platform/moddable/esp32/w5500):
 * the constructor throws, naming the step, and nothing is left to close.
 */
const HOST = `"use strict";
const made = [];
class Ethernet {
  constructor(o) {
    if (Ethernet.throws && Ethernet.failures > 0) { Ethernet.failures--; throw new Error("W5500 start failed at driver install (chip not answering?): ESP_ERR_INVALID_VERSION"); }
    this.o = o; this.failed = Ethernet.failures-- > 0; this.closed = false; this.connection = 200; this.configured = null; made.push(this);
  }
  configure(c) { if (this.failed) throw new Error("not initialized"); this.configured = c; }
  connect() { this.connected = true; }
  close() { this.closed = true; }
  get address() { return this.configured && this.configured.static ? this.configured.static.address : undefined; }
  link(connection) { this.connection = connection; this.o.onChanged("connection"); }
}
Ethernet.failures = 0;
Ethernet.throws = false;
exports.EthernetDevice = Ethernet;
exports.hostHasEthernet = true;
exports.made = made;`;

async function runOnXs(main: string): Promise<any> {
  const script = bundle(
    [],
    `
    function report(v) {
      const s = JSON.stringify(v), b = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
      host.issueCommand(b.buffer);
    }
    function error(f) { try { f(); return "no error"; } catch (e) { return e.name + ": " + e.message; } }
    try { report({ ok: (function () { ${main} })() }); }
    catch (e) { report({ error: String(e && e.name) + ": " + String(e && e.message) }); }`,
    [
      { id: "preference", source: PREFERENCE },
      { id: "timer", source: TIMER },
      { id: "time", source: TIME },
      { id: "src/platform/moddable/settings", source: compile("src/platform/moddable/settings.ts") },
      { id: "src/platform/moddable/timers", source: compile("src/platform/moddable/timers.ts") },
      { id: "platform/host", source: HOST },
      { id: "src/platform/moddable/link", source: compile("src/platform/moddable/link.ts") },
    ],
  );
  const w = await XsWorker.start(script);
  const out = w.takeFlushed();
  await w.close();
  assert.equal(out.length, 1);
  const r = JSON.parse(String.fromCharCode(...out[0]));
  assert.equal(r.error, undefined, r.error);
  return r.ok;
}

describe("Moddable adapters on XS", function () {
  this.timeout(30000);

  it("PreferenceSettings: NVS rules, staged writes, only changed keys reach flash", async () => {
    const r = await runOnXs(`
      const Preference = require("preference").default;
      const { PreferenceSettings } = require("src/platform/moddable/settings");
      const s = new PreferenceSettings("bd450");
      const out = {};
      out.longKey = error(() => s.set("sixteen-chars-ky", 1));
      out.float = error(() => s.set("ttl", 1.5));
      out.object = error(() => s.set("sfi", {}));
      out.longDomain = error(() => new PreferenceSettings("a-domain-too-long"));
      s.set("sfi", "BD0042"); s.set("ttl", 2); s.set("cmdFwd", true);
      out.beforeCommit = { writes: Preference.writes, sfi: s.get("sfi"), stored: Preference.get("bd450", "sfi") === undefined };
      s.commit();
      out.afterCommit = { writes: Preference.writes, sfi: Preference.get("bd450", "sfi"), ttl: Preference.get("bd450", "ttl"), pending: s.pending };
      s.set("sfi", "BD0042"); s.set("ttl", 3);
      s.commit();
      out.unchangedNotRewritten = Preference.writes;
      s.delete("cmdFwd");
      out.deletedStaged = { get: s.get("cmdFwd"), keys: s.keys().sort() };
      s.commit();
      out.deleted = { stored: Preference.get("bd450", "cmdFwd"), writes: Preference.writes };
      Preference.set("bd450", "blob", new ArrayBuffer(4));
      out.blob = s.get("blob");
      return out;
    `);
    assert.match(r.longKey, /RangeError: key "sixteen-chars-ky" must be 1\.\.15 characters/);
    assert.match(r.float, /RangeError: setting ttl: 1\.5 is not an int32/);
    assert.match(r.object, /TypeError: setting sfi: object values cannot be stored/);
    assert.match(r.longDomain, /RangeError: domain "a-domain-too-long"/);
    assert.deepEqual(r.beforeCommit, { writes: 0, sfi: "BD0042", stored: true });
    assert.deepEqual(r.afterCommit, { writes: 3, sfi: "BD0042", ttl: 2, pending: 0 });
    assert.equal(r.unchangedNotRewritten, 4, "only ttl changed");
    assert.deepEqual(r.deletedStaged, { keys: ["sfi", "ttl"] });
    assert.deepEqual(r.deleted, { writes: 5 });
    assert.equal(r.blob, undefined);
  });

  it("ModdableTimers: one-shot fires once and is not cleared twice; repeat runs until cleared", async () => {
    const r = await runOnXs(`
      const Timer = require("timer").default;
      const { ModdableTimers } = require("src/platform/moddable/timers");
      const t = new ModdableTimers();
      let once = 0, every = 0;
      const h1 = t.set(() => once++, 100, false);
      const h2 = t.set(() => every++, 50, true);
      Timer.advance(60);
      const early = { once, every };
      Timer.advance(100);
      const fired = { once, every };
      const clearFired = error(() => t.clear(h1));
      t.clear(h2);
      Timer.advance(500);
      const h3 = t.set(() => once++, 10, false);
      t.clear(h3);
      Timer.advance(100);
      return { early, fired, clearFired, after: { once, every }, clearUndefined: error(() => t.clear(undefined)) };
    `);
    assert.deepEqual(r.early, { once: 0, every: 1 });
    assert.deepEqual(r.fired, { once: 1, every: 3 });
    assert.equal(r.clearFired, "no error");
    assert.deepEqual(r.after, { once: 1, every: 3 });
    assert.equal(r.clearUndefined, "no error");
  });

  it("ModdableClock: monotonic from Time.ticks, never backwards across a counter wrap", async () => {
    const r = await runOnXs(`
      const Time = require("time").default;
      const { ModdableClock } = require("src/platform/moddable/timers");
      const c = new ModdableClock();
      const out = [c.monotonic()];
      Time.value += 250; out.push(c.monotonic());
      Time.value = 5; out.push(c.monotonic());          // wrapped
      Time.value = 105; out.push(c.monotonic());
      return { out, wall: typeof c.now() };
    `);
    assert.deepEqual(r.out, [0, 250, 250, 350]);
    assert.equal(r.wall, "number");
  });

  it("ModdableClock.setFrom: the terminal's RMC/ZDA time sets the wall clock; no step within 1 s; no fix date, no step", async () => {
    const r = await runOnXs(`
      const { ModdableClock, utcOf } = require("src/platform/moddable/timers");
      const c = new ModdableClock();
      const t = utcOf(2026, 11, 25, 8 * 3600 + 30.5);
      const out = { utc: t, bad: [utcOf(NaN, 1, 1, 0), utcOf(2026, 13, 1, 0), utcOf(2026, 1, 1, 90000)].map((x) => x === x) };
      out.nan = c.setFrom(NaN, "terminal");
      out.before2000 = c.setFrom(Date.UTC(1999, 0, 1), "terminal");
      out.source0 = c.source;
      out.first = c.setFrom(t, "terminal");
      out.close = Math.abs(c.now() - t) < 1000;
      out.again = c.setFrom(t + 500, "terminal");
      out.far = c.setFrom(t + 5000, "terminal");
      out.after = Math.abs(c.now() - (t + 5000)) < 1000;
      out.source = c.source;
      return out;
    `);
    assert.equal(r.utc, Date.UTC(2026, 10, 25, 8, 0, 30, 500));
    assert.deepEqual(r.bad, [false, false, false]);
    assert.deepEqual([r.nan, r.before2000, r.source0], [false, false, ""]);
    assert.deepEqual(
      [r.first, r.close, r.again, r.far, r.after, r.source],
      [true, true, false, true, true, "terminal"],
    );
  });

  it("EthernetLink: a failed start is closed and retried after 5 s doubling to 5 min; link states from the connection codes", async () => {
    const r = await runOnXs(`
      const host = require("platform/host");
      const { EthernetLink, retryDelay } = require("src/platform/moddable/link");
      host.EthernetDevice.failures = 3;
      const waits = [];
      let pending;
      const timers = { set(cb, ms, repeat) { waits.push(ms); pending = cb; return {}; }, clear() {} };
      const lines = [], states = [];
      const link = new EthernetLink({ mode: "static", address: "172.16.1.45", mask: "255.255.0.0", gateway: "" }, timers, (l) => lines.push(l));
      link.onChange((s) => states.push(s));
      link.start();
      for (let i = 0; i < 3; i++) pending();
      const made = host.made;
      const eth = made[made.length - 1];
      eth.link(400);            // link up, static address: ready
      const ready = { state: link.state, address: link.address() };
      eth.link(200);
      return { waits, failures: link.startFailures, made: made.length, closed: made.map((e) => e.closed), configured: eth.configured,
        ready, states, caps: [retryDelay(1), retryDelay(2), retryDelay(7), retryDelay(8), retryDelay(100)], lastLine: lines[3] };
    `);
    assert.deepEqual(r.waits, [5000, 10000, 20000], "retries back off");
    assert.equal(r.failures, 3);
    assert.equal(r.made, 4);
    assert.deepEqual(
      r.closed,
      [true, true, true, false],
      "each failed object is closed (its native side freed), the working one kept",
    );
    assert.deepEqual(r.configured, { static: { address: "172.16.1.45", mask: "255.255.0.0", gateway: "0.0.0.0" } });
    assert.deepEqual(r.ready, { state: "ready", address: "172.16.1.45" });
    assert.deepEqual(r.states, ["ready", "down"]);
    assert.deepEqual(r.caps, [5000, 10000, 300000, 300000, 300000]);
    assert.match(r.lastLine, /ethernet: started \(172\.16\.1\.45\)/);
  });

  it("EthernetLink on a W5500 that does not answer (the constructor throws): a log line and back-off per attempt, up when the chip answers", async () => {
    const r = await runOnXs(`
      const host = require("platform/host");
      const { EthernetLink } = require("src/platform/moddable/link");
      host.EthernetDevice.throws = true;
      host.EthernetDevice.failures = 4;
      const waits = [];
      let pending;
      const timers = { set(cb, ms, repeat) { waits.push(ms); pending = cb; return {}; }, clear() {} };
      const lines = [];
      const link = new EthernetLink({ mode: "static", address: "172.16.1.47", mask: "255.255.0.0", gateway: "" }, timers, (l) => lines.push(l));
      link.start();
      for (let i = 0; i < 4; i++) pending();
      const made = host.made;
      made[made.length - 1].link(400);
      return { waits, failures: link.startFailures, made: made.length, lines, state: link.state };
    `);
    assert.deepEqual(r.waits, [5000, 10000, 20000, 40000]);
    assert.equal(r.failures, 4);
    assert.equal(r.made, 1, "only the attempt that started made an object");
    assert.deepEqual(
      r.lines.slice(0, 4),
      [1, 2, 3, 4].map(
        (n) =>
          `ethernet: start failed (W5500 start failed at driver install (chip not answering?): ESP_ERR_INVALID_VERSION); attempt ${n}, retrying in ${[5, 10, 20, 40][n - 1]} s`,
      ),
    );
    assert.equal(r.state, "ready");
  });
});
