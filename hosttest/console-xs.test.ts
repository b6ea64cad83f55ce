// The console on Moddable's XS engine (@agoric/xsnap, board-absent globals removed):
// one scripted session (typed bytes, terminal answers, timeouts, settings load and
// save) runs on XS and on Node; the terminal output, the stored settings and the
// sentences sent must be identical.

import { strict as assert } from "node:assert";
import * as path from "path";
import { REPO_ROOT } from "./lib/paths";
import { bundle, XsWorker } from "./xs/xs-harness";

/** A function body taking `require`; returns the session transcript. Plain ES, no host globals. */
const SESSION = `
  const Console = require("src/console/console").Console;
  const persist = require("src/console/persist");
  const store = {
    m: new Map(),
    get(k) { return this.m.get(k); }, set(k, v) { this.m.set(k, v); }, delete(k) { this.m.delete(k); },
    keys() { return Array.from(this.m.keys()); }, commit() { this.commits = (this.commits || 0) + 1; },
  };
  store.m.set("ttl", "bad");          // wrongly typed: default + logged
  store.m.set("hbtInterval", 30);     // valid: kept
  store.m.set("futureKey", 3);        // newer version: kept
  const logged = [];
  const loaded = persist.loadSettings(store, function (c, t) { logged.push(c + " " + t); });
  let config = loaded.config;
  const T0 = 1764072000000;
  const events = [{ time: T0, code: "boot", text: "started" }, { time: T0 + 61000, code: "card.present", text: "IC card 0242286" }];
  const sent = [];
  const host = {
    getConfig() { return Object.assign({}, config); },
    applyConfig(c) { config = Object.assign({}, c); return undefined; },
    save() { persist.saveSettings(store, config); return undefined; },
    reboot() { events.push({ time: T0, code: "reboot", text: "requested" }); },
    status() {
      return {
        uptimeS: 3725.5, rnss: { lat: 22.5, lon: -114.25, time: "08:00:00", quality: "GNSS fix", satellites: 12, hdop: 0.8, ageS: 1.5 },
        rdss: null, beams: { response: 2, timeDiff: 8, power: [0, 3, 0, 0, 0, 0, 0, 3, 0, 0], ageS: 2 }, card: null,
        terminal: { link: "receiving", bytes: 1000, sentences: 20, rejects: { badChecksum: 2, tooLong: 0 }, lastSentenceAgeS: 0.5 },
        alerts: [{ id: "10001", state: "active", text: "BDS TERMINAL SILENT" }],
      };
    },
    log(n) { return events.slice(-n); },
    resetCounters() {},
    sendCommand(b) { let s = ""; for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]); sent.push(s); return undefined; },
    unknownSettings() { return loaded.unknown; },
  };
  let out = "";
  const due = [];
  const timers = { set(cb) { due.push(cb); return due.length; }, clear(h) { due[h - 1] = null; } };
  const con = new Console({
    host, write(b) { for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i]); },
    clock: { now() { return T0; }, monotonic() { return 0; } }, timers, banner: "bd450 session",
  });
  function bytes(s) { const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b; }
  function type(s) { con.receive(bytes(s)); }
  function answer(body) {
    let x = 0;
    for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
    const b = bytes("$" + body + "*" + "0123456789ABCDEF"[x >> 4] + "0123456789ABCDEF"[x & 15]);
    con.terminalSentence(b, b.length);
  }
  function fire() { for (let i = 0; i < due.length; i++) { const cb = due[i]; due[i] = null; if (cb) cb(); } }
  con.start();
  type("help\\r\\nhelp set ttl\\rshow config\\rset ttl 0\\rset ttl 5 sfi bd0002 groupMap TXR=USR1\\r");
  type("set ipAddr 10.0.0.1\\rset cmdFwd on\\rset baud 12345\\rsav\\x08ve\\r\\x1b[A\\x1b[Dstatus\\rlog 5\\r");
  type("card\\r"); answer("BDFKI,TXA,Y,Y,0,0040"); answer("BDICI,0242286,00242286,0000011,6,60,3,N,0");
  type("msg 179773 hello there\\r"); answer("BDFKI,TXA,N,Y,1,0035");
  type("locate\\r"); answer("BDFKI,DWA,Y,Y,0,0060"); type("sta"); answer("BDDWR,1,0242286,021549.65,2240.4051,N,11402.5601,E,47,M,-3,M,1,V,V,L");
  type("\\x15output BSI on 5\\r"); fire();
  type("output ZZ on 5\\rdefaults\\rreboot\\rshow config\\r" + "x".repeat(230) + "\\rreboot now\\r");
  return { out, logged, stored: Array.from(store.m.entries()), sent, commits: store.commits || 0 };
`;

function onNode(): unknown {
  const req = (id: string) => require(path.join(REPO_ROOT, "dist", id));
  return new Function("require", SESSION)(req);
}

async function onXs(): Promise<unknown> {
  const script = bundle(
    ["src/console/console", "src/console/persist"],
    `
    const s = JSON.stringify((function () { ${SESSION} })());
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
    host.issueCommand(b.buffer);`,
  );
  const w = await XsWorker.start(script);
  const results = w.takeFlushed();
  await w.close();
  assert.equal(results.length, 1, "the XS session reported once");
  return JSON.parse(String.fromCharCode(...results[0]));
}

describe("console on the XS engine", function () {
  this.timeout(60000);

  it("a whole session gives byte-identical output, stored settings and sent sentences on XS and Node", async () => {
    const node = JSON.parse(JSON.stringify(onNode())) as {
      out: string;
      logged: string[];
      stored: [string, unknown][];
      sent: string[];
      commits: number;
    };
    const xs = await onXs();
    assert.deepEqual(xs, node);
    // ...and the session did what it should (so the comparison is not of two empty runs).
    assert.match(node.out, /^bd450 session\r\ntype help for commands\r\nbd450> help\r\ncommands:/);
    assert.match(node.out, /ttl 0 breaks rule: ttl 1\.\.255\r\nnothing changed/);
    assert.match(node.out, /ipMode static needs a 450 fixed address/);
    assert.match(node.out, /command forwarding needs a non-empty cmdAllow/);
    assert.match(node.out, /baud not supported/);
    assert.match(node.out, /bd450> sav\x08 \x08ve\r\nsaved\r\n/);
    assert.match(node.out, /RNSS fix +22\.500000 N 114\.250000 W at 08:00:00 UTC/);
    assert.match(node.out, /2025-11-25T12:01:01Z card.present +IC card 0242286/);
    assert.match(node.out, /IC card 0242286, serial 00242286, service interval 60 s/);
    assert.match(node.out, /TXA refused by the terminal \(transmit-inhibit 1\); wait 35 s/);
    assert.match(node.out, /RDSS position of 0242286: 22\.67342N 114\.04267E[^\r]*\r\nbd450> sta/);
    assert.match(node.out, /error: output: no FKI answer from the terminal within 10 s/);
    assert.match(node.out, /"ZZ" breaks rule: SENTENCE is a 3-letter sentence formatter/);
    assert.match(node.out, /error: unsaved changes/);
    assert.match(node.out, /line longer than 200 characters, discarded/);
    assert.match(node.out, /rebooting\.\.\./);
    assert.ok(node.logged.some((l) => /^settings\.bad ttl stored string/.test(l)));
    assert.ok(node.logged.some((l) => /^settings\.unknown kept 1 setting\(s\).*futureKey/.test(l)));
    const stored = new Map(node.stored);
    assert.equal(stored.get("ttl"), 5);
    assert.equal(stored.get("sfi"), "BD0002");
    assert.equal(stored.get("hbtInterval"), 30);
    assert.equal(stored.get("futureKey"), 3);
    assert.deepEqual(
      node.sent.map((s) => s.slice(0, 6)),
      ["$CCICA", "$CCTXA", "$CCDWA", "$CCRMO"],
    );
    assert.equal(node.sent[1], "$CCTXA,0179773,1,2,A468656C6C6F207468657265*70");
  });
});
