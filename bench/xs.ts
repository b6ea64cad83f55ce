// The gateway core on Moddable's XS engine (@agoric/xsnap), through the XS harness
// (hosttest/xs/xs-harness.ts): compute meter and allocation per forwarded sentence,
// the gateway's own heap, and a calibration of the compute meter against wall time
// on this host, from which the ESP32 load follows under a stated speed ratio.

import { spawnSync } from "node:child_process";
import * as fs from "fs";
import * as path from "path";
import * as speed from "../hosttest/xs/esp32-speed";
import { addLive32, corpusChunks, recommendCreation, SIZING } from "../hosttest/xs/xs-figures";
import { bundle, measureGatewayOnXs, type XsFigures, XsWorker } from "../hosttest/xs/xs-harness";
import { computeOnXsh, epochStream, runCommandsOnXsh, runRealtimeOnXsh, XSH_DIR, xshBinary } from "../hosttest/xs/xsh";
import {
  benchGateway,
  EPOCH_MS,
  FEED_CHUNK,
  feedAll,
  forwardedSentences,
  loadCorpus,
  REPO_ROOT,
  round,
} from "./common";

/**
 * ASSUMPTION (not measured: there is no board on this machine). XS bytecode runs this
 * many times slower on one 240 MHz ESP32 (Xtensa LX6) core than on one core of this
 * host: 100-250x, most likely 150x (the team reference note docs "xs-esp32-speed.md" (not in this repo): MicroPython,
 * also a C bytecode interpreter run from flash and built -Os, measures a median 146x;
 * hosttest/xs/esp32-speed.ts has the sources). Measure on a board (Time.ticks around
 * Gateway.feed) to replace this number.
 */
export const ESP32_SLOWDOWN = speed.ESP32_SLOWDOWN;
/** A continuous 115200-baud stream of 82-character sentences (80 + CR LF, 8N1: 10 bits/byte). */
export const STREAM = { baud: 115200, sentenceBytes: 82 };
/** ESP32 UART RX FIFO (bytes) and the time it takes to fill at 115200 baud. */
export const FIFO_BYTES = 128;

/**
 * Worker script: the core gateway fed straight (no harness host), for the meter-to-time
 * calibration. Inputs arrive as commands: [0][u32 size] starts a new input, [1][bytes...] appends.
 */
function calibrationScript(): string {
  return bundle(
    ["src/core/gateway", "src/core/config"],
    `
  const { Gateway } = require("src/core/gateway");
  const { makeConfig } = require("src/core/config");
  const inputs = [];
  let filling, fill = 0;
  const empty = new ArrayBuffer(0);
  globalThis.handleCommand = function (message) {
    const m = new Uint8Array(message);
    if (m[0] === 0) {
      filling = new Uint8Array(((m[1] << 24) | (m[2] << 16) | (m[3] << 8) | m[4]) >>> 0);
      fill = 0;
      inputs.push(filling);
    } else {
      filling.set(m.subarray(1), fill);
      fill += m.length - 1;
    }
    return empty;
  };
  const clock = { now() { return ${EPOCH_MS}; }, monotonic() { return 0; } };
  const sink = { datagrams: 0, check: 0 };
  const gw = new Gateway({ config: makeConfig(), clock, onDatagram(b, n) { sink.datagrams++; sink.check ^= b[n - 3]; } });
  globalThis.bench = {
    run(which, passes) {
      const input = inputs[which];
      for (let p = 0; p < passes; p++)
        for (let i = 0; i < input.length; i += ${FEED_CHUNK}) gw.feed(input, i, i + ${FEED_CHUNK} < input.length ? i + ${FEED_CHUNK} : input.length);
    },
  };`,
  );
}

/** Hand `bytes` to a worker whose script takes inputs as [0][u32 size] then [1][bytes...] commands. */
export async function sendInput(w: XsWorker, bytes: Uint8Array): Promise<void> {
  const n = bytes.length;
  await w.command(new Uint8Array([0, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]));
  for (let i = 0; i < n; i += 60000) {
    const part = bytes.subarray(i, Math.min(n, i + 60000));
    const m = new Uint8Array(1 + part.length);
    m[0] = 1;
    m.set(part, 1);
    await w.command(m);
  }
}

/**
 * Where the XS compute goes, per forwarded sentence of the clean stream (deterministic
 * meter counts): the framer alone, the router, the encoder alone, and two reference
 * loops - one read of every byte, and one XOR over every sentence - that show what a
 * single pure-JavaScript pass over the bytes costs on XS.
 */
function breakdownScript(): string {
  return bundle(
    ["src/core/framer", "src/core/encoder", "src/core/router", "src/nmea/checksum"],
    `
  const { SentenceFramer } = require("src/core/framer");
  const { Iec450Encoder } = require("src/core/encoder");
  const { Router } = require("src/core/router");
  const { xorRange } = require("src/nmea/checksum");
  let input, fill = 0, count = 0;
  const empty = new ArrayBuffer(0);
  globalThis.handleCommand = function (message) {
    const m = new Uint8Array(message);
    if (m[0] === 0) { input = new Uint8Array(((m[1] << 24) | (m[2] << 16) | (m[3] << 8) | m[4]) >>> 0); fill = 0; }
    else { input.set(m.subarray(1), fill); fill += m.length - 1; }
    return empty;
  };
  const sentences = [];
  const collector = new SentenceFramer({ maxLength: 300, onSentence(b, n) { sentences.push(b.slice(0, n)); } });
  const framer = new SentenceFramer({ maxLength: 300, onSentence(b, n) { count++; } });
  const router = new Router("");
  const encoder = new Iec450Encoder({ sfi: "BD0001", clock: { now() { return ${EPOCH_MS}; }, monotonic() { return 0; } }, onDatagram(b, n) { count++; } });
  globalThis.parts = {
    collect() { for (let i = 0; i < input.length; i += ${FEED_CHUNK}) collector.feed(input, i, Math.min(input.length, i + ${FEED_CHUNK})); },
    readEveryByte() { for (let i = 0; i < input.length; i += ${FEED_CHUNK}) for (let k = i, e = Math.min(input.length, i + ${FEED_CHUNK}); k < e; k++) count += input[k]; },
    framer() { for (let i = 0; i < input.length; i += ${FEED_CHUNK}) framer.feed(input, i, Math.min(input.length, i + ${FEED_CHUNK})); },
    router() { for (let i = 0; i < sentences.length; i++) count += router.route(sentences[i], sentences[i].length); },
    xorEverySentence() { for (let i = 0; i < sentences.length; i++) count += xorRange(sentences[i], 1, sentences[i].length - 3); },
    encoder() { for (let i = 0; i < sentences.length; i++) encoder.encode(sentences[i], sentences[i].length); },
  };`,
  );
}

export async function breakdown(clean: Uint8Array, sentences: number): Promise<Record<string, number>> {
  const w = await XsWorker.start(breakdownScript());
  try {
    await sendInput(w, clean);
    await w.evaluate("parts.collect()");
    const out: Record<string, number> = { sentences, bytes: clean.length };
    for (const part of ["readEveryByte", "framer", "router", "xorEverySentence", "encoder"]) {
      await w.evaluate(`parts.${part}()`); // warm-up
      const m = await w.evaluate(`parts.${part}()`);
      out[part] = round(m.compute / sentences, 0);
    }
    return out;
  } finally {
    await w.close();
  }
}

export interface XsBench {
  /** JS compute units per forwarded sentence with the native helpers in place (XS test host); the TypeScript path's figure when the host cannot be built. */
  computePerSentence: number;
  /** The XS test host's figures (native helpers, real-time receive model, valgrind count), or why they are missing. */
  native: XsNative | { unavailable: string };
  bytesAllocatedPerSentence: number | null;
  slotsPerSentence: number;
  chunkBytesPerSentence: number | null;
  peakHeapBytes: number;
  harness: unknown;
  coreOnly: Record<string, unknown>;
  calibration: Record<string, unknown>;
  breakdown: Record<string, number>;
  esp32: Record<string, unknown>;
  /** XS creation sizes the measured figures call for (hosttest/xs/xs-figures.ts recommendCreation) against manifest.json. */
  creation: Record<string, unknown>;
}

interface CalInput {
  name: string;
  bytes: Uint8Array;
  sentences: number;
  passes: number;
}

/**
 * Compute units against wall time on this host: the core alone over an input, in one
 * evaluate per run (the empty-evaluate round trip subtracted), median of 5 runs.
 */
async function calibrate(inputs: CalInput[]): Promise<Record<string, unknown>> {
  const w = await XsWorker.start(calibrationScript());
  try {
    for (const inp of inputs) await sendInput(w, inp.bytes);
    const e0 = performance.now();
    for (let i = 0; i < 20; i++) await w.evaluate("0");
    const emptyMs = (performance.now() - e0) / 20;
    const out: Record<string, unknown> = { emptyEvaluateMs: round(emptyMs, 3) };
    for (const [k, inp] of inputs.entries()) {
      await w.evaluate(`bench.run(${k}, 1)`); // warm-up (first-use allocations)
      const ns: number[] = [],
        compute: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        const m = await w.evaluate(`bench.run(${k}, ${inp.passes})`);
        ns.push(((performance.now() - t0 - emptyMs) * 1e6) / m.compute);
        compute.push(m.compute);
      }
      ns.sort((a, b) => a - b);
      compute.sort((a, b) => a - b);
      const sentences = inp.sentences * inp.passes;
      out[inp.name] = {
        bytesPerPass: inp.bytes.length,
        sentencesPerPass: inp.sentences,
        passes: inp.passes,
        computePerSentence: round(compute[2] / sentences, 1),
        computePerByte: round(compute[2] / (inp.bytes.length * inp.passes), 2),
        hostNsPerComputeUnit: round(ns[2], 4),
        hostNsPerComputeUnitMin: round(ns[0], 4),
        hostNsPerComputeUnitMax: round(ns[4], 4),
        hostMicrosecondsPerSentence: round(((compute[2] / sentences) * ns[2]) / 1000, 3),
      };
    }
    return out;
  } finally {
    await w.close();
  }
}

/** The forwarded sentences of `bytes` re-joined with CR LF: the stream of a clean terminal. */
function cleanStream(bytes: Uint8Array): Uint8Array {
  const list = forwardedSentences(bytes);
  return new Uint8Array(Buffer.from(list.map((l) => l + "\r\n").join(""), "latin1"));
}

function forwardedCount(bytes: Uint8Array): number {
  const { gateway } = benchGateway();
  feedAll(gateway, bytes);
  return gateway.counters.forwarded;
}

export interface XsNative {
  computePerSentence: number;
  /** The same run with the TypeScript byte loops (the Node path's code) on the same XS build. */
  computePerSentenceTypeScript: number;
  /**
   * The same run with the core gateway alone (framer, router, encoder, sending; no Beidou
   * decoders, device state, network side or console): what those add is the difference.
   */
  computePerSentenceCoreOnly: number;
  /** Per-stage units per sentence (wrappers' own cost included: the sum exceeds computePerSentence). */
  stages: Record<string, number>;
  bytesAllocatedPerSentence: number;
  slotsPerSentence: number;
  chunkBytesPerSentence: number;
  /** x86-64 instructions executed inside the native helpers per sentence (valgrind callgrind, deterministic). */
  nativeInstructionsPerSentence: number | null;
  nativeInstructionsNote: string;
  /** XS units per second of this host on the firmware wiring (wall time of whole runs, so a lower bound). */
  hostUnitsPerSecond: number;
  stallToleranceMs: Record<string, number>;
  stallToleranceNote: string;
}

/** Instructions inside xs_bd450_* per forwarded sentence: callgrind over part of the corpus (instrumented runs are ~50x slower). */
function nativeInstructions(chunks: Uint8Array[]): { perSentence: number | null; note: string } {
  if (spawnSync("valgrind", ["--version"]).status !== 0) return { perSentence: null, note: "valgrind not installed" };
  const part = chunks.slice(0, Math.ceil(chunks.length / 8));
  const out = path.join(XSH_DIR, `callgrind-${process.pid}.out`);
  const run = (wrap: string[]) => runCommandsOnXsh(part, { native: true, capture: false, wrap });
  const r = run([
    "valgrind",
    "--tool=callgrind",
    "--collect-atstart=no",
    "--toggle-collect=xs_bd450_*",
    `--callgrind-out-file=${out}`,
  ]);
  const text = fs.readFileSync(out, "utf8");
  fs.rmSync(out, { force: true });
  const m = /^(?:summary|totals):\s*(\d+)/m.exec(text);
  const forwarded = ((b: Uint8Array) => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0)(
    r.replies[r.kinds.lastIndexOf("feed")],
  );
  if (!m || !forwarded) return { perSentence: null, note: "callgrind output not understood" };
  return {
    perSentence: Number(m[1]) / forwarded,
    note: `callgrind Ir inside xs_bd450_* (argument checks included) over the first ${part.length} of ${chunks.length} corpus chunks, ${forwarded} sentences`,
  };
}

/** Longest stall with no byte lost, by bisection over the real-time model (stall at the start of an epoch's burst). */
function stallTolerance(capacity: number, baud: number, unitsPerSecond: number): number {
  const epochs = epochStream(24);
  const lost = (ms: number) =>
    runRealtimeOnXsh(
      epochs,
      { unitsPerSecond, capacity, epochMs: 1000, stalls: ms > 0 ? [{ atMs: 4000, ms }] : [] },
      { native: true, baud },
    ).result.lostBytes > 0;
  if (lost(0)) return 0;
  let lo = 0,
    hi = 19000;
  if (!lost(hi)) return hi;
  while (hi - lo > 2) {
    const mid = (lo + hi) / 2;
    if (lost(mid)) hi = mid;
    else lo = mid;
  }
  return Math.floor(lo);
}

export async function runXsNativeBench(log: (s: string) => void): Promise<XsNative | { unavailable: string }> {
  const bin = xshBinary();
  if (!bin.path) return { unavailable: bin.reason ?? "XS test host not built" };
  const chunks = corpusChunks();
  log("  XS test host (SDK xs/ built with metering + native helpers): compute, allocation, stages");
  const nat = computeOnXsh(chunks, { native: true });
  // Host speed on this workload: the units of one whole run over its wall time (start-up
  // and file transfer included, so a lower bound), the second of two identical runs.
  const units = runCommandsOnXsh(chunks, { native: true, capture: false }).meters.reduce((a, b) => a + b, 0);
  const t1 = performance.now();
  runCommandsOnXsh(chunks, { native: true, capture: false });
  const hostUnitsPerSecond = units / ((performance.now() - t1) / 1000);
  const ts = computeOnXsh(chunks, {});
  const core = computeOnXsh(chunks, { native: true, firmware: false });
  const prof = computeOnXsh(chunks, { native: true, profile: true });
  log("  XS test host: native instruction count (valgrind callgrind)");
  const ni = nativeInstructions(chunks);
  log("  XS test host: stall tolerance (real-time receive model)");
  const ups = speed.ESP32_UNITS_PER_SECOND.central;
  const stall = {
    ring115200: stallTolerance(speed.RING_BYTES, 115200, ups),
    ring921600: stallTolerance(speed.RING_BYTES, 921600, ups),
    fifo115200: stallTolerance(speed.FIFO_BYTES, 115200, ups),
    ringContinuous115200: round((speed.RING_BYTES * 1000) / 11520, 1),
    ringContinuous921600: round((speed.RING_BYTES * 1000) / 92160, 1),
    fifoContinuous115200: round((speed.FIFO_BYTES * 1000) / 11520, 1),
  };
  // The host's own FIFO work is charged to "host UART" and subtracted through "other": show the net.
  const stages = { ...(prof.stages ?? {}) };
  if (stages["host UART"] !== undefined && stages.other !== undefined) {
    stages["UART drain (gateway) + other"] = stages["host UART"] + stages.other;
    delete stages["host UART"];
    delete stages.other;
  }
  return {
    computePerSentence: round(nat.computePerSentence, 0),
    computePerSentenceTypeScript: round(ts.computePerSentence, 0),
    computePerSentenceCoreOnly: round(core.computePerSentence, 0),
    stages,
    bytesAllocatedPerSentence: round(nat.bytesPerSentenceEsp32, 2),
    slotsPerSentence: round(nat.slotsPerSentence, 3),
    chunkBytesPerSentence: round(nat.chunkBytesPerSentence, 2),
    nativeInstructionsPerSentence: ni.perSentence === null ? null : round(ni.perSentence, 0),
    nativeInstructionsNote: ni.note,
    hostUnitsPerSecond: Math.round(hostUnitsPerSecond),
    stallToleranceMs: stall,
    stallToleranceNote: `ring${speed.RING_BYTES}/fifo${speed.FIFO_BYTES}: longest single JS stall with no byte lost, real-time model (hosttest/xs/xs-host.ts), terminal sending 16 sentences per 1 s epoch back to back, stall at the start of a burst, ESP32 at ${Math.round(ups)} units/s (central); *Continuous*: the buffer's time at the full line rate from empty (capacity / (baud / 10)). 0 = bytes lost even without a stall`,
  };
}

/** What the XS test enforces (manifest.json >= the rule), with the figures of this run. */
function creation(figures: XsFigures): Record<string, unknown> {
  const rec = recommendCreation(figures);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "manifest.json"), "utf8")).creation ?? {};
  return {
    recommended: rec,
    sizing: SIZING,
    manifest: { heapSlots: manifest.heap?.initial ?? null, chunkBytes: manifest.chunk?.initial ?? null },
    liveGatewayOwn: figures.gatewayOwn,
    liveModulesOwn: figures.modulesOwn,
    liveMachine: figures.live,
  };
}

export async function runXsBench(log: (s: string) => void): Promise<XsBench> {
  const { bytes } = loadCorpus();
  const clean = cleanStream(bytes);
  log(
    "  XS: harness figures, firmware wiring (gateway + Beidou decoders + device state + console, behind the ESP32-like UART FIFO)",
  );
  const figures = addLive32(await measureGatewayOnXs(corpusChunks()), corpusChunks());
  const f = figures as unknown as Record<string, any>;
  log("  XS: harness figures, gateway core only");
  // Optional: a harness failure here must not lose the firmware figures.
  let core: Record<string, any> = {};
  let coreError: string | undefined;
  try {
    core = (await measureGatewayOnXs(corpusChunks(), { firmware: false })) as unknown as Record<string, any>;
  } catch (e) {
    coreError = (e as Error)?.message ?? String(e);
    log("  XS: gateway core only FAILED (harness): " + coreError);
  }
  log("  XS: compute-meter calibration against wall time");
  // The core is deterministic: the same sentence counts on both engines (the XS tests check datagram identity).
  const cal = await calibrate([
    { name: "corpus", bytes, sentences: forwardedCount(bytes), passes: 2 },
    { name: "cleanStream", bytes: clean, sentences: forwardedCount(clean), passes: 3 },
  ]);
  log("  XS: where the compute goes (clean stream, per sentence)");
  const parts = await breakdown(clean, forwardedCount(clean));
  const own = f.gatewayOwn ?? { slots: NaN, chunkBytes: NaN };
  const peakHeapBytes = own.slots * 16 + own.chunkBytes;
  let native: XsNative | { unavailable: string };
  try {
    native = await runXsNativeBench(log);
  } catch (e) {
    native = { unavailable: (e as Error)?.message ?? String(e) };
    log("  XS test host FAILED: " + (native as { unavailable: string }).unavailable);
  }
  const nat = "computePerSentence" in native ? native : undefined;
  const computePerSentence: number = nat ? nat.computePerSentence : f.computePerSentence;
  const corpusCal = cal.corpus as Record<string, number>;
  const cleanCal = cal.cleanStream as Record<string, number>;
  // The least disturbed run (minimum ns/unit) estimates the host's XS speed best on a shared machine.
  const nsPerUnit = corpusCal.hostNsPerComputeUnitMin;
  // Conservative per-sentence cost: the firmware-wiring harness figure over the noisy corpus (its noise
  // bytes are framed too and charged to the sentences). The core alone on a clean stream, scaled to
  // 82-byte sentences, is the lower bound (no decoders).
  const hostUsWorst = (computePerSentence * nsPerUnit) / 1000;
  const hostUsClean = (cleanCal.computePerByte * STREAM.sentenceBytes * cleanCal.hostNsPerComputeUnitMin) / 1000;
  const sentencesPerSecond = STREAM.baud / 10 / STREAM.sentenceBytes;
  const fifoMs = (FIFO_BYTES * 10 * 1000) / STREAM.baud;
  // ESP32 time per sentence: JS units at the assumed ESP32 units/s (this host's measured
  // rate on this workload over the slowdown) plus the native helpers' instructions.
  const hostUps = nat ? nat.hostUnitsPerSecond : speed.HOST_UNITS_PER_SECOND;
  const nativeUs = (slow: number) => {
    const ips =
      slow === ESP32_SLOWDOWN.low
        ? speed.ESP32_NATIVE_INSTRUCTIONS_PER_SECOND.fast
        : slow === ESP32_SLOWDOWN.high
          ? speed.ESP32_NATIVE_INSTRUCTIONS_PER_SECOND.slow
          : speed.ESP32_NATIVE_INSTRUCTIONS_PER_SECOND.central;
    return nat && nat.nativeInstructionsPerSentence !== null ? (nat.nativeInstructionsPerSentence / ips) * 1e6 : 0;
  };
  const perCase = (slow: number) => {
    const jsUs = (computePerSentence / (hostUps / slow)) * 1e6;
    const worst = jsUs + nativeUs(slow),
      typical = hostUsClean * slow;
    return {
      slowdown: slow,
      microsecondsPerSentence: round(worst, 1),
      coreShare: round((worst * sentencesPerSecond) / 1e6, 4),
      microsecondsPerSentenceCleanStream: round(typical, 1),
      coreShareCleanStream: round((typical * sentencesPerSecond) / 1e6, 4),
      // One full 128-byte FIFO holds the ends of at most two 82-byte sentences.
      microsecondsPerFullFifo: round(worst * 2, 1),
      fifoHeadroom: round((fifoMs * 1000) / (worst * 2), 1),
    };
  };
  const esp32 = {
    assumption: `XS on one 240 MHz ESP32 core runs ${ESP32_SLOWDOWN.central}x slower than on one core of this host (range ${ESP32_SLOWDOWN.low}x-${ESP32_SLOWDOWN.high}x; xs-esp32-speed.md: MicroPython proxy, median 146x), i.e. ${Math.round(hostUps / ESP32_SLOWDOWN.central)} units/s from this host's ${Math.round(hostUps)} units/s on this workload; native helpers at ${speed.ESP32_NATIVE_INSTRUCTIONS_PER_SECOND.slow / 1e6}-${speed.ESP32_NATIVE_INSTRUCTIONS_PER_SECOND.fast / 1e6} M x86-equivalent instructions/s (CoreMark 63-89x); not measured on a board`,
    hostUnitsPerSecond: Math.round(hostUps),
    stream: `${STREAM.baud} baud 8N1, ${STREAM.sentenceBytes}-byte sentences`,
    sentencesPerSecond: round(sentencesPerSecond, 2),
    fifoFillMs: round(fifoMs, 2),
    hostNsPerComputeUnit: nsPerUnit,
    hostMicrosecondsPerSentence: round(hostUsWorst, 3),
    hostMicrosecondsPerSentenceCleanStream: round(hostUsClean, 3),
    central: perCase(ESP32_SLOWDOWN.central),
    low: perCase(ESP32_SLOWDOWN.low),
    high: perCase(ESP32_SLOWDOWN.high),
  };
  return {
    computePerSentence,
    native,
    bytesAllocatedPerSentence: f.bytesPerSentenceEsp32,
    slotsPerSentence: f.slotsPerSentence,
    chunkBytesPerSentence: f.chunkBytesPerSentence,
    peakHeapBytes,
    harness: figures,
    coreOnly:
      coreError !== undefined
        ? { error: coreError }
        : {
            computePerSentence: round(core.computePerSentence, 1),
            slotsPerSentence: round(core.slotsPerSentence, 3),
            chunkBytesPerSentence: core.chunkBytesPerSentence === null ? null : round(core.chunkBytesPerSentence, 1),
            bytesPerSentenceEsp32: core.bytesPerSentenceEsp32 === null ? null : round(core.bytesPerSentenceEsp32, 1),
            gatewayOwnHeapBytesEsp32: core.gatewayOwn ? core.gatewayOwn.slots * 16 + core.gatewayOwn.chunkBytes : null,
            notes: core.notes,
          },
    calibration: cal,
    breakdown: parts,
    esp32,
    creation: creation(figures),
  };
}
