// The Beidou wiring's native sentence path (src/native/fixes.c) on a real XS build
// (the XS test host, scripts/build-xs-host.sh):
//  1. Over the whole NMEA corpus, the wiring with the native path gives the device
//     state a DeviceState fed by Node's full decode has (snapshot, sky view, satellites
//     in view, events) at many points, and the decoder's counters of Node's wiring.
//  2. In one XS machine, a wiring with the native path and one without (the JS path, its
//     reference) fed the same corpus lines, mutated byte by byte: after every sentence the
//     state's cells, the decoder's counters, the sky view and the events must be equal.
// A wrong value written by the C (or a sentence it takes that it should leave) fails both.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SYSTEM_NAMES } from "../../src/beidou/kind";
import type { BeidouWiring } from "../../src/beidou/wiring";
import { againstFullDecode, nmeaCorpusFiles } from "../lib/full-decode";
import { skipBecause } from "../lib/skip";
import { NATIVE_BYTES_JS, runXsh, XSH_DIR, xshBinary, xshBundle } from "./xsh";

const EVERY = 53;

/** Per file: a wiring fed sentence by sentence (37 ms apart, a tick every 101), a record every EVERY. */
const FEED = `
  const { BeidouWiring } = require("src/beidou/wiring");
  const { SentenceFramer } = require("src/core/framer");
  const { SYSTEM_NAMES } = require("src/beidou/kind");
  function feed(text, fixes, record) {
    let now = Date.UTC(2026, 0, 1), sentences = 0;
    const events = [];
    const w = new BeidouWiring({ clock: { now: () => now }, bytes: ${NATIVE_BYTES_JS}, fixes });
    w.attach({ events: { add: (c, t) => events.push(c + " " + t) } });
    const framer = new SentenceFramer({
      maxLength: 1024,
      onSentence: (b, n) => {
        now += 37;
        w.onUnit("sentence", b, n);
        if (++sentences % ${EVERY} === 0) record(w, now, events);
        if (sentences % 101 === 0) w.state.tick(now);
      },
    });
    framer.feed(text);
    record(w, now, events);
  }
`;

function record(w: BeidouWiring, now: number, events: string[]): string {
  return JSON.stringify({
    snapshot: w.state.snapshot(now),
    sky: w.state.sky.report(now, SYSTEM_NAMES, 1e12),
    inView: Array.from(w.state.satellitesInView),
    units: w.state.units,
    events,
    counts: Array.from(w.sentences.counts),
    errors: Array.from(w.sentences.errors),
  });
}

describe("the Beidou wiring's native sentence path (fixes.c) on a real XS build", function () {
  this.timeout(600000);

  before(function () {
    const bin = xshBinary();
    if (!bin.path) skipBecause(this, bin.reason ?? "no XS test host");
  });

  it("whole corpus: the device state of Node's full decode, the counters of Node's wiring", () => {
    const files = nmeaCorpusFiles();
    const out = runXsh(
      xshBundle(
        ["src/beidou/wiring", "src/core/framer", "src/beidou/kind"],
        `${FEED}
      const files = ${JSON.stringify(files)};
      let taken = 0, calls = 0;
      const fx = XSH.native.xs_bd450_fix_apply;
      const fixes = (b, n, c, k) => { calls++; const r = fx(b, n, c, k); if (r === 0) taken++; return r; };
      for (const file of files)
        feed(new Uint8Array(XSH.readFile(file)), fixes, (w, now, events) => XSH.print(JSON.stringify({
          snapshot: w.state.snapshot(now), sky: w.state.sky.report(now, SYSTEM_NAMES, 1e12),
          inView: Array.from(w.state.satellitesInView), units: w.state.units, events,
          counts: Array.from(w.sentences.counts), errors: Array.from(w.sentences.errors) })));
      XSH.print("taken " + taken + " of " + calls);
    `,
      ),
    );
    const lines = out.trim().split("\n");
    const m = /^taken (\d+) of (\d+)$/.exec(lines.pop() ?? "");
    assert.ok(m, "the XS run ends with its count");
    // Most sentences take the native path (else this would test the JS path against itself).
    assert.ok(+m[1] > 0.85 * +m[2], `native path took ${m[1]} of ${m[2]} sentences`);
    let k = 0;
    for (const file of files)
      againstFullDecode(file, EVERY, ({ wiring: w, full, now, sentences, events, fullEvents }) => {
        const where = `${path.basename(file)} after ${sentences} sentences`;
        const xs = JSON.parse(lines[k++]);
        const node = JSON.parse(record(w, now, events));
        const reference = {
          ...node,
          snapshot: JSON.parse(JSON.stringify(full.snapshot(now))),
          sky: JSON.parse(JSON.stringify(full.sky.report(now, SYSTEM_NAMES, 1e12))),
          inView: Array.from(full.satellitesInView),
          events: fullEvents,
        };
        assert.deepEqual(xs, reference, where);
      });
    assert.equal(k, lines.length, "as many records as on Node");
    assert.ok(k > 100, `${k} records`);
  });

  it("mutated corpus lines: after every sentence the same cells, counters, sky view and events as the JS path", () => {
    const file = path.join(XSH_DIR, `fixes-lines-${process.pid}.txt`);
    const text = nmeaCorpusFiles()
      .map((f) => fs.readFileSync(f, "latin1"))
      .join("\n");
    fs.writeFileSync(file, Buffer.from(text, "latin1"));
    try {
      const out = runXsh(
        xshBundle(
          ["src/beidou/wiring", "src/beidou/kind"],
          `
      const { BeidouWiring } = require("src/beidou/wiring");
      const { SYSTEM_NAMES } = require("src/beidou/kind");
      const text = new Uint8Array(XSH.readFile(${JSON.stringify(file)}));
      const lines = [];
      for (let s = 0, i = 0; i <= text.length; i++) if (i === text.length || text[i] === 10) { if (i - s > 1) lines.push(text.slice(s, text[i - 1] === 13 ? i - 1 : i)); s = i + 1; }
      let seed = 4242;
      const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
      const special = [0x24, 0x2c, 0x2a, 0x2e, 0x2d, 0x2b, 0x30, 0x31, 0x32, 0x36, 0x39, 0x41, 0x4e, 0x53, 0x45, 0x57, 0x56, 0x54, 0x50, 0x51, 0x00, 0xff];
      function mutate(src) {
        const b = new Uint8Array(src.length + rnd(3));
        b.set(src.subarray(0, Math.min(src.length, b.length)));
        const edits = 1 + rnd(3);
        for (let k = 0; k < edits; k++) b[rnd(b.length)] = rnd(3) ? special[rnd(special.length)] : rnd(256);
        return b;
      }
      let now = Date.UTC(2026, 0, 1);
      const clock = { now: () => now };
      const ea = [], eb = [];
      let taken = 0;
      const fx = XSH.native.xs_bd450_fix_apply;
      const a = new BeidouWiring({ clock, bytes: ${NATIVE_BYTES_JS}, fixes: (b, n, c, k) => { const r = fx(b, n, c, k); if (r === 0) taken++; return r; } });
      const b = new BeidouWiring({ clock, bytes: ${NATIVE_BYTES_JS} });
      a.attach({ events: { add: (c, t) => ea.push(c + " " + t) } });
      b.attach({ events: { add: (c, t) => eb.push(c + " " + t) } });
      const failures = [];
      let checks = 0;
      for (let t = 0; t < 3 * lines.length && failures.length < 5; t++) {
        const src = lines[t % lines.length];
        const line = rnd(3) ? src : mutate(src);
        // Time moves on so that the sky view takes some groups and skips others; sometimes a
        // silence (the "terminal silent" and "no fix" edges the native path leaves to JS).
        now += rnd(50) === 0 ? 40000 : 37;
        a.onUnit("sentence", line, line.length);
        b.onUnit("sentence", line, line.length);
        if (t % 97 === 0) { a.state.tick(now); b.state.tick(now); }
        // Every byte of the state's cells (the sky view's lists and the decoder's counters among them) but the native unit count (8..15).
        const ca = a.state.cellBytes, cb = b.state.cellBytes;
        let bad = "";
        for (let i = 0; i < ca.length; i++) if ((i < 8 || i > 15) && ca[i] !== cb[i]) { bad += " cell byte " + i + ": " + ca[i] + " vs " + cb[i]; break; }
        const ta = a.sentences.tallyBytes, tb = b.sentences.tallyBytes;
        for (let i = 0; i < ta.length; i++) if (ta[i] !== tb[i]) { bad += " tallies"; break; }
        if (ea.length !== eb.length || ea[ea.length - 1] !== eb[eb.length - 1]) bad += " events";
        if (t % 11 === 0 && JSON.stringify(a.state.sky.report(now, SYSTEM_NAMES, 1e12)) !== JSON.stringify(b.state.sky.report(now, SYSTEM_NAMES, 1e12))) bad += " sky";
        checks++;
        if (bad) failures.push(bad + " after " + String.fromCharCode.apply(null, Array.from(line)));
      }
      XSH.print(JSON.stringify({ checks, taken, failures }));
    `,
        ),
      );
      const r = JSON.parse(out.trim().split("\n").pop() ?? "{}");
      assert.deepEqual(r.failures, []);
      assert.ok(r.checks > 30000, `${r.checks} sentences`);
      assert.ok(r.taken > 0.7 * r.checks, `native path took ${r.taken} of ${r.checks}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
