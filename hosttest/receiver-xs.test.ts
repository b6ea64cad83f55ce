// The 450 receiver, pcap reader, alerts and syslog formatter on XS (Moddable's engine,
// via @agoric/xsnap): same verdicts as on Node for every corpus capture, and no heap
// growth per datagram on the hot path after warm-up.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readPcap } from "../src/core/pcap";
import { Iec450Receiver, sentenceText } from "../src/core/receiver";
import { asciiBytes, xorRange } from "../src/nmea/checksum";
import { IEC450_CORPUS } from "./lib/paths";
import { bundle, XsWorker } from "./xs/xs-harness";

const corpus = IEC450_CORPUS;

function tag(params: string): string {
  const x = xorRange(asciiBytes(params), 0, params.length);
  return "\\" + params + "*" + x.toString(16).toUpperCase().padStart(2, "0") + "\\";
}

const REPORT = `
  function report(v) {
    const s = JSON.stringify(v), b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
    host.issueCommand(b.buffer);
  }`;

/** The same judgement on both engines: verdict, reason, token, sentences. */
const JUDGE = `
  function judge(R, rx, bytes) {
    const v = rx.receive(bytes);
    return { verdict: v.verdict, reason: v.reason, token: v.token, notes: v.notes,
      sentences: v.sentences.map((s) => ({ source: s.source, n: s.n, d: s.destination, status: s.status, text: R.sentenceText(s) })) };
  }`;

describe("450 receiver on XS", function () {
  this.timeout(60000);

  it("corpus captures and constructed datagrams: same verdicts on XS as on Node", async () => {
    const files = fs
      .readdirSync(corpus)
      .filter((f) => f.endsWith(".pcap"))
      .sort();
    const caps = files.map((f) => Array.from(fs.readFileSync(path.join(corpus, f))));
    const extra = [
      "UdPbC\0" + tag("s:GP0001,n:1") + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n",
      "UdPbC\0" + tag("d:EI0001,s:SK0001,n:999") + "$SKXDR,C,21.5,C,AIRTEMP*18\r\n",
      "UdPbC\0" + tag("s:GP0001,n:1") + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n", // duplicate
      "UdPbC\0\\s:GP0001*00\\$GPZDA,1*00\r\n",
      "RaUdP\0xxxx",
    ].map((s) => Array.from(asciiBytes(s)));
    // Node side.
    const nodeOut: unknown[] = [];
    const R = { sentenceText };
    const judge = new Function("R", "rx", "bytes", JUDGE + "return judge(R, rx, bytes);") as (
      r: unknown,
      rx: Iec450Receiver,
      b: Uint8Array,
    ) => unknown;
    const rx = new Iec450Receiver({ ownSfi: "BD0001" });
    for (const c of caps) readPcap(new Uint8Array(c), (p) => nodeOut.push(judge(R, rx, p.payload)));
    for (const e of extra) nodeOut.push(judge(R, rx, new Uint8Array(e)));
    // XS side.
    const script = bundle(
      ["src/core/receiver", "src/core/pcap"],
      `${REPORT}${JUDGE}
      const R = require("src/core/receiver"), P = require("src/core/pcap");
      const rx = new R.Iec450Receiver({ ownSfi: "BD0001" });
      const out = [];
      for (const c of ${JSON.stringify(caps)}) P.readPcap(new Uint8Array(c), (p) => out.push(judge(R, rx, p.payload)));
      for (const e of ${JSON.stringify(extra)}) out.push(judge(R, rx, new Uint8Array(e)));
      report({ out, counters: rx.counters });`,
    );
    const w = await XsWorker.start(script);
    const got = w.takeFlushed();
    await w.close();
    assert.equal(got.length, 1);
    const xs = JSON.parse(String.fromCharCode(...got[0]));
    assert.deepEqual(xs.out, nodeOut);
    assert.deepEqual(xs.counters, rx.counters);
    assert.equal(xs.counters.tagChecksum, 2);
    assert.equal(xs.counters.duplicates, 1);
  });

  it("no heap growth per datagram after warm-up (9-sentence datagrams, n advancing)", async () => {
    // 111 datagrams of 9 sentences = 999 lines: n runs 1..999 and wraps, as on a ship.
    const dgrams: number[][] = [];
    let n = 0;
    for (let d = 0; d < 111; d++) {
      let body = "UdPbC\0";
      for (let k = 0; k < 9; k++) {
        n = (n % 999) + 1;
        body += tag(`s:IN0001,n:${n},c:1700000000`) + "$INROT,-0.00,A*3C\r\n";
      }
      dgrams.push(Array.from(asciiBytes(body)));
    }
    const script = bundle(
      ["src/core/receiver"],
      `${REPORT}
      const R = require("src/core/receiver");
      let delivered = 0;
      const rx = new R.Iec450Receiver({ ownSfi: "BD0001", onSentence: (s) => { if (s.n > 0) delivered++; } });
      const ds = ${JSON.stringify(dgrams)}.map((a) => new Uint8Array(a));
      globalThis.__run = function (count) { for (let i = 0; i < count; i++) rx.receive(ds[i % ds.length]); };
      const bad = [new Uint8Array(10), ds[0].slice(0, ds[0].length - 1), ds[1].map((b, i) => (i === 20 ? 0x5a : b))];
      globalThis.__bad = function (count) { for (let i = 0; i < count; i++) rx.receive(bad[i % 3]); };
      globalThis.__nop = function (count) { let x = 0; for (let i = 0; i < count; i++) x += ds[i % ds.length].length; return x; };
      globalThis.__state = function () { report({ delivered, counters: rx.counters }); };`,
    );
    const w = await XsWorker.start(script);
    try {
      // Live slots (XS heap count) before and after: garbage made per datagram would show
      // as growth (the heap is large, so no collection runs in between).
      await w.evaluate("__run(1110); __bad(30)"); // warm-up: pools, source table, interned SFI
      const base0 = (await w.evaluate("__nop(1)")).currentHeapCount;
      const base1 = (await w.evaluate("__nop(4440)")).currentHeapCount;
      const before = (await w.evaluate("__nop(1)")).currentHeapCount;
      const after = (await w.evaluate("__run(4440)")).currentHeapCount;
      const afterBad = (await w.evaluate("__bad(4440)")).currentHeapCount;
      const idle = base1 - base0; // cost of one evaluate() itself
      await w.evaluate("__state()");
      const st = JSON.parse(String.fromCharCode(...w.takeFlushed()[0]));
      assert.equal(st.counters.accepted, 5550);
      assert.equal(st.counters.delivered, 49950);
      assert.equal(st.counters.gaps, 0);
      // The datagrams repeat every 999 lines; within the 32-line window nothing repeats.
      assert.equal(st.counters.duplicates, 0);
      assert.equal(st.counters.discarded, 4470);
      if (process.env.BD450_VERBOSE)
        console.log(
          `      XS live slots: +${after - before} over 4440 accepted datagrams (39960 sentences), +${afterBad - after} over 4440 discarded, evaluate() alone +${idle}`,
        );
      assert.ok(after - before <= idle + 20, `slots grew by ${after - before} over 4440 accepted datagrams`);
      assert.ok(afterBad - after <= idle + 20, `slots grew by ${afterBad - after} over 4440 discarded datagrams`);
    } finally {
      await w.close();
    }
  });

  it("alerts and syslog run on XS and produce the same sentences as on Node", async () => {
    const script = bundle(
      ["src/core/alerts", "src/core/syslog", "src/beidou/alerts"],
      `${REPORT}
      const A = require("src/core/alerts"), S = require("src/core/syslog"), B = require("src/beidou/alerts");
      let wall = Date.UTC(2026, 10, 25, 13, 5, 7, 250), mono = 0;
      const sent = [];
      const am = new A.AlertManager({ clock: { now: () => wall, monotonic: () => mono }, talker: "BD", manufacturer: "XBD", ownSfi: "BD0001",
        hbtInterval: 1, definitions: A.GATEWAY_ALERTS.concat(B.BEIDOU_ALERTS),
        send: (b, n, d) => { let s = ""; for (let i = 0; i < n; i++) s += String.fromCharCode(b[i]); sent.push([s, d || null]); } });
      am.raise("terminalSilent"); mono += 1000; am.tick(); am.handleAcn("$CMACN,130507.25,XBD,10001,1,A,C*00", "BD0001", "CM0001");
      am.handleAcn("$CMACN,130507.25,XBD,10009,1,A,C*00", "BD0001", "CM0001"); am.clear("terminalSilent");
      const sys = S.formatSyslog({ time: wall, severity: "warning", hostname: "h", appName: "bd450", msgId: "alert.x", structuredData: { "a@1": { k: "v]" } }, message: "m" });
      report({ sent, sys });`,
    );
    const w = await XsWorker.start(script);
    const got = w.takeFlushed();
    await w.close();
    const xs = JSON.parse(String.fromCharCode(...got[0]));
    // Node reference.
    const { AlertManager, GATEWAY_ALERTS } = await import("../src/core/alerts");
    const { BEIDOU_ALERTS } = await import("../src/beidou/alerts");
    const { formatSyslog } = await import("../src/core/syslog");
    let wall = Date.UTC(2026, 10, 25, 13, 5, 7, 250),
      mono = 0;
    const sent: Array<[string, string | null]> = [];
    const am = new AlertManager({
      clock: { now: () => wall, monotonic: () => mono },
      talker: "BD",
      manufacturer: "XBD",
      ownSfi: "BD0001",
      hbtInterval: 1,
      // The Beidou alerts (10001-10004) come from beidou, as the assembly passes them.
      definitions: [...GATEWAY_ALERTS, ...BEIDOU_ALERTS],
      send: (b, n, d) => sent.push([String.fromCharCode(...b.subarray(0, n)), d ?? null]),
    });
    am.raise("terminalSilent");
    mono += 1000;
    am.tick();
    am.handleAcn("$CMACN,130507.25,XBD,10001,1,A,C*00", "BD0001", "CM0001");
    am.handleAcn("$CMACN,130507.25,XBD,10009,1,A,C*00", "BD0001", "CM0001");
    am.clear("terminalSilent");
    void wall;
    assert.deepEqual(xs.sent, sent);
    assert.ok(sent.some(([s]) => s.startsWith("$BDARC,")) && sent.some(([s]) => s.startsWith("$BDHBT,")));
    assert.equal(
      xs.sys,
      formatSyslog({
        time: wall,
        severity: "warning",
        hostname: "h",
        appName: "bd450",
        msgId: "alert.x",
        structuredData: { "a@1": { k: "v]" } },
        message: "m",
      }),
    );
  });
});
