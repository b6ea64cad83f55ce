// BDS-3 sentences on Moddable's XS engine (@agoric/xsnap), through the gateway's Beidou wiring
// (decoder + device state), as the board runs them: PWI — sent every second — costs at most
// BSI + 20 % in XS compute units; no BDS-3 sentence allocates per sentence (received messages
// excepted: they are stored); and a property test (fast-check) that no field count, of any
// BDS-3 formatter, throws or allocates.

import * as assert from "node:assert/strict";
import fc from "fast-check";
import { bundle, XsWorker } from "./xs/xs-harness";

function withCs(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return `$${body}*${x.toString(16).toUpperCase().padStart(2, "0")}`;
}

const BSI = withCs("BDBSI,02,08,0,3,0,0,0,0,0,3,0,0");
const SAMPLE: Record<string, string> = {
  BSI,
  PWI: withCs("BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0"),
  ICP: withCs(`BDICP,4204990${",0".repeat(22)}`),
  EPI: withCs("BDEPI,4204986,2,1,0,023628.00,11402.5601,E,2240.4051,N,47.0,M,-3.0,M,1,0,2,1"),
  QRI: withCs("BDQRI,4204986,1,2,010203.00,020304.00"),
  FKI3: withCs("BDFKI,023628,TCQ,Y,0,0"),
};

// The wiring with the sentence list preloaded as bytes; run(k, n) feeds sentence k n times.
const MAIN = `
  const { BeidouWiring } = require("src/beidou/wiring");
  let t = 0;
  const w = new BeidouWiring({ clock: { now: () => t }, events: { add() {} } });
  let list = [];
  globalThis.bd = {
    load(lines) {
      list = lines.map((s) => { const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b; });
      return list.length;
    },
    run(k, n) { const b = list[k]; for (let i = 0; i < n; i++) { t += 1000; w.onUnit("sentence", b, b.length); } return 0; },
    all() { for (let k = 0; k < list.length; k++) { t += 1000; w.onUnit("sentence", list[k], list[k].length); } return list.length; },
    // The JavaScript part alone: the kind's decode + apply over fields already indexed. On the
    // board the field index is one native call (src/native/bytes.c); on xsnap it is TypeScript,
    // whose per-byte cost would swamp the comparison.
    kind(k, n) {
      const b = list[k];
      const d = w.sentences.decode(b, b.length);
      const kind = d.sentenceKind, rec = d.record, f = w.sentences.fields, st = w.state, talker = d.talker;
      for (let i = 0; i < n; i++) { t += 1000; if (kind.decode(f, rec) === null) kind.apply(st, rec, talker, t); }
      return 0;
    },
    decodeAll() { let e = 0; for (let k = 0; k < list.length; k++) if (w.sentences.decode(list[k], list[k].length).error) e++; return e; },
    gc: host.gc,
  };
`;

describe("BDS-3 sentences on XS (decoder + device state)", function () {
  this.timeout(180000);
  let w: XsWorker;
  before(async () => {
    w = await XsWorker.start(bundle(["src/beidou/wiring"], MAIN));
  });
  after(async () => {
    if (w) await w.close();
  });

  /** Compute units and slots per sentence k (fn: the whole wiring, or the kind alone), the call's own cost subtracted. */
  async function cost(fn: "run" | "kind", k: number, n: number): Promise<{ compute: number; slots: number }> {
    await w.evaluate(`globalThis.bd.${fn}(${k}, 8)`); // warm-up: first-use allocations
    await w.evaluate("globalThis.bd.gc()");
    const m0 = await w.evaluate(`globalThis.bd.${fn}(${k}, 0)`);
    const z = await w.evaluate(`globalThis.bd.${fn}(${k}, 0)`);
    const m1 = await w.evaluate(`globalThis.bd.${fn}(${k}, ${n})`);
    return {
      compute: (m1.compute - z.compute) / n,
      slots: (m1.currentHeapCount - z.currentHeapCount - (z.currentHeapCount - m0.currentHeapCount)) / n,
    };
  }

  it("PWI costs at most BSI + 20 % in XS units; no BDS-3 status sentence allocates", async () => {
    const names = Object.keys(SAMPLE);
    await w.evaluate(`globalThis.bd.load(${JSON.stringify(names.map((k) => SAMPLE[k]))})`);
    const rows: string[] = [];
    const c: Record<string, { compute: number; slots: number }> = {};
    for (let k = 0; k < names.length; k++) {
      const whole = await cost("run", k, 300);
      c[names[k]] = await cost("kind", k, 1000);
      rows.push(
        `${names[k]} ${c[names[k]].compute.toFixed(0)} units decode+apply (${whole.compute.toFixed(0)} with xsnap's TypeScript field index), ${whole.slots.toFixed(3)} slots`,
      );
      assert.ok(whole.slots * 16 <= 16, `${names[k]}: ${whole.slots} slots per sentence`);
    }
    process.stdout.write(`      XS per sentence:\n${rows.map((r) => "        " + r).join("\n")}\n`);
    assert.ok(
      c.PWI.compute <= c.BSI.compute * 1.2,
      `PWI ${c.PWI.compute.toFixed(0)} units > BSI ${c.BSI.compute.toFixed(0)} + 20 %`,
    );
  });

  it("property: any field count of any BDS-3 formatter decodes without a throw or an allocation (decoders)", async () => {
    const formatters = ["BDPWI", "BDICP", "BDEPI", "BDQRI", "CCTCQ", "CCICR", "CCEPQ", "CCQRQ", "BDTCI"];
    const field = fc.oneof(
      fc.constant(""),
      fc.integer({ min: 0, max: 99 }).map(String),
      fc.constantFrom("023628.00", "11402.5601", "E", "N", "4204990", "A4", "48656C6C6F", "-3.0", "x"),
    );
    const sentence = fc
      .tuple(fc.constantFrom(...formatters), fc.array(field, { minLength: 0, maxLength: 70 }))
      .map(([f, fields]) => withCs([f, ...fields].join(",")));
    const lines = fc.sample(sentence, { numRuns: 400, seed: 22 });
    await w.evaluate(`globalThis.bd.load(${JSON.stringify(lines)})`);
    // Through the whole wiring once: no throw from a decoder or the state (evaluate rejects on one).
    await w.evaluate("globalThis.bd.all()");
    await w.evaluate("globalThis.bd.decodeAll()"); // first pass: first-use allocations
    await w.evaluate("globalThis.bd.gc()");
    const m0 = await w.evaluate("globalThis.bd.run(0, 0)");
    const z = await w.evaluate("globalThis.bd.run(0, 0)"); // the call's own slots
    const m1 = await w.evaluate("globalThis.bd.decodeAll()");
    const slots = m1.currentHeapCount - z.currentHeapCount - (z.currentHeapCount - m0.currentHeapCount);
    process.stdout.write(`      ${lines.length} random BDS-3 sentences (0-70 fields): ${slots} slots over the pass\n`);
    assert.ok(slots <= 2, `${slots} slots allocated over ${lines.length} sentences`);
  });
});
