// The gateway on Moddable's XS engine: every NMEA corpus log through the XS-hosted
// UART, datagrams byte-identical to the same run on Node, and the XS figures.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { NMEA_CORPUS } from "../lib/paths";
import { chunkStream } from "./chunking";
import { type Datagram, type RunResult, repoRoot, runGatewayOnNode, XsGatewaySession } from "./xs-harness";

const corpus = NMEA_CORPUS;

function logs(): { name: string; data: Uint8Array }[] {
  return fs
    .readdirSync(corpus)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((name) => ({ name, data: new Uint8Array(fs.readFileSync(path.join(corpus, name))) }));
}

function same(a: Datagram[], b: Datagram[]): string | undefined {
  if (a.length !== b.length) return `${a.length} datagrams on XS, ${b.length} on Node`;
  for (let i = 0; i < a.length; i++) {
    if (a[i].address !== b[i].address || a[i].port !== b[i].port)
      return `datagram ${i}: ${a[i].address}:${a[i].port} vs ${b[i].address}:${b[i].port}`;
    if (Buffer.compare(Buffer.from(a[i].bytes), Buffer.from(b[i].bytes)) !== 0)
      return `datagram ${i} differs:\n XS:   ${Buffer.from(a[i].bytes).toString("latin1")}\n Node: ${Buffer.from(b[i].bytes).toString("latin1")}`;
  }
  return undefined;
}

describe("gateway on XS (the firmware's JavaScript on Moddable's engine)", function () {
  this.timeout(120000);
  let session: XsGatewaySession;
  const all = logs();
  const totals = { datagrams: 0, forwarded: 0, bytes: 0 };

  before(async () => {
    assert.ok(all.length >= 30, `corpus at ${corpus} has ${all.length} logs`);
    session = await XsGatewaySession.start();
  });
  after(async () => {
    if (session) await session.close();
  });

  for (const [i, log] of all.entries()) {
    it(`${log.name}: datagrams byte-identical to Node`, async () => {
      const chunks = chunkStream(log.data, 1000 + i);
      const options = { config: { tagTime: true } };
      const xs: RunResult = await session.run(chunks, options);
      const node = await runGatewayOnNode(chunks, options);
      const diff = same(xs.datagrams, node.datagrams);
      assert.equal(diff, undefined, diff);
      assert.deepEqual(xs.stats, node.stats);
      const g = xs.stats.gateway;
      // Every byte reached the framer, none was lost in the FIFO model.
      assert.equal(xs.stats.rxOverflow, 0);
      assert.equal(g.bytesIn, log.data.length);
      assert.equal(g.datagrams, xs.datagrams.length);
      assert.equal(g.sendErrors, 0);
      totals.datagrams += xs.datagrams.length;
      totals.forwarded += g.forwarded;
      totals.bytes += log.data.length;
    });
  }

  it("forwarded traffic from the corpus as a whole", () => {
    assert.ok(totals.forwarded > 1000, `forwarded ${totals.forwarded}`);
    assert.ok(totals.datagrams >= totals.forwarded);
  });

  it("gives the same datagrams whatever the UART chunking (1-byte reads vs bursts)", async () => {
    const log = all.find((l) => l.data.length > 20000) ?? all[0];
    const data = log.data.subarray(0, 20000);
    const ones: Uint8Array[] = [];
    for (let i = 0; i < data.length; i++) ones.push(data.subarray(i, i + 1));
    // c: follows the line time, which rounds differently per chunking: compare without it.
    const a = await session.run(ones, { chunksPerCommand: 2000, config: { tagTime: false } });
    const b = await session.run(chunkStream(data, 7, 600), { config: { tagTime: false } });
    assert.equal(same(a.datagrams, b.datagrams), undefined);
    assert.ok(a.datagrams.length > 0);
  });
});

describe("XS figures (compute and allocation per forwarded sentence, heap)", function () {
  this.timeout(120000);

  it("measures the gateway over the corpus and writes bench/out/xs-figures.json", async () => {
    const { writeXsFigures, formatFigures, recommendCreation, FIGURES_FILE } = await import("./xs-figures");
    const f = await writeXsFigures();
    console.log(formatFigures(f).replace(/^/gm, "      "));
    assert.ok(fs.existsSync(FIGURES_FILE));
    assert.ok(f.sentencesMeasured > 1000, `measured ${f.sentencesMeasured} sentences`);
    assert.ok(f.computePerSentence > 0 && Number.isFinite(f.computePerSentence));
    assert.ok(f.slotsPerSentence >= 0 && Number.isFinite(f.slotsPerSentence));
    assert.ok(f.gatewayOwn.slots > 0 && f.gatewayOwn.chunkBytes > 0, "the running gateway holds some heap");
    assert.ok(f.live.gatewayPeak.slots > f.live.empty.slots);
    // The reserved XS heap must not grow while the gateway runs in steady state.
    assert.equal(f.allocateMeter.after, f.allocateMeter.before);
    // manifest.json's creation sizes must cover what these figures call for.
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "manifest.json"), "utf8"));
    const r = recommendCreation(f);
    assert.ok(
      manifest.creation.heap.initial >= r.heapSlots,
      `heap.initial ${manifest.creation.heap.initial} < ${r.heapSlots} slots`,
    );
    // Chunk bytes at the board's sizes need the 32-bit XS (RV32 host): xsnap's 64-bit figure
    // is only an upper bound, above what the board holds.
    if (f.live32) {
      assert.ok(f.live32.slots > 0 && f.live32.chunkBytes > 0, "the 32-bit run holds some heap");
      assert.ok(
        f.live32.chunkBytes <= f.gatewayOwn.chunkBytes,
        `32-bit chunk bytes ${f.live32.chunkBytes} above xsnap's 64-bit ${f.gatewayOwn.chunkBytes}`,
      );
      assert.ok(
        manifest.creation.chunk.initial >= r.chunkBytes,
        `chunk.initial ${manifest.creation.chunk.initial} < ${r.chunkBytes} bytes`,
      );
    } else console.log(`      chunk.initial not checked: ${f.notes.find((n) => n.startsWith("no 32-bit"))}`);
  });
});
