// One Node measurement per process (so that one subject's JIT state and heap do not
// colour the other's): `node --expose-gc dist/bench/node-child.js MODE [ARG]`.
// Prints one JSON object on stdout.
//
// Allocation method: bytes allocated = (used heap at the end - used heap at the
// start) + the bytes every garbage collection in between freed, taken from
// v8.GCProfiler (Node >= 18.15), which records the used heap size before and after
// each collection. Nothing leaves the heap except through a collection, so the sum
// is the allocation, whether or not collections happened in the window. Checked by
// a calibration run that allocates a known number of arrays of known size.

import * as fs from "fs";
import * as inspector from "inspector";
import { parseNmeaSentence } from "nmea-simple";
import * as v8 from "v8";
import { nodeClock } from "../src/platform/node/host";
import {
  assembledGateway,
  type BenchGateway,
  benchGateway,
  FEED_CHUNK,
  feedAll,
  forwardedSentences,
  loadCorpus,
  round,
} from "./common";

declare const gc: () => void;

interface Allocation {
  bytes: number;
  collections: number;
  scavenges: number;
}

function usedHeap(): number {
  return v8.getHeapStatistics().used_heap_size;
}

function measureAllocation(fn: () => void): Allocation {
  const profiler = new v8.GCProfiler();
  profiler.start();
  const u0 = usedHeap();
  fn();
  const u1 = usedHeap();
  const r = profiler.stop() as unknown as {
    statistics: Array<{
      gcType: string;
      beforeGC: { heapStatistics: { usedHeapSize: number } };
      afterGC: { heapStatistics: { usedHeapSize: number } };
    }>;
  };
  let freed = 0,
    scavenges = 0;
  for (const s of r.statistics) {
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    if (s.gcType === "Scavenge") scavenges++;
  }
  return { bytes: u1 - u0 + freed, collections: r.statistics.length, scavenges };
}

/** Used heap after a full collection (twice: weak references and finalizers settle). */
function liveHeap(): number {
  gc();
  gc();
  return usedHeap();
}

const corpus = loadCorpus().bytes;
let keep = 0; // results kept observable

/** Calibration: 20000 holey arrays of 1000 elements = JSArray (4 words) + FixedArray (2 + 1000 words) each. */
function calibration(): Record<string, number> {
  const n = 20000,
    len = 1000;
  const expected = n * (4 * 8 + (2 + len) * 8);
  let last: unknown[] = [];
  const a = measureAllocation(() => {
    for (let i = 0; i < n; i++) last = new Array(len);
  });
  keep += last.length;
  return {
    expectedBytes: expected,
    measuredBytes: a.bytes,
    ratio: round(a.bytes / expected, 4),
    collections: a.collections,
  };
}

/**
 * Process CPU seconds since c0 (user + system). On a shared machine this leaves out the time the
 * process waited for a core; it includes V8's helper threads (parallel GC), which counts against
 * nmea-simple, the subject that allocates.
 */
function cpuSeconds(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
}

function repsFor(oneRun: () => number, minMs: number): number {
  const t0 = performance.now();
  oneRun();
  const dt = performance.now() - t0;
  return Math.max(1, Math.ceil(minMs / Math.max(dt, 0.001)));
}

/**
 * nmea-simple given the same bytes as the gateway, as a Node program reads a serial port
 * with it: the 512-byte chunks decoded to text, split into lines (CR LF or LF), lines that
 * do not start with '$' or '!' skipped without a call, the rest parsed in try/catch.
 */
function nmeaSimpleBytesPass(chunks: Buffer[]): { ok: number; thrown: number } {
  let ok = 0,
    thrown = 0,
    rest = "";
  for (let c = 0; c < chunks.length; c++) {
    const lines = (rest + chunks[c].toString("latin1")).split("\n");
    rest = lines.pop()!;
    for (let i = 0; i < lines.length; i++) {
      let l = lines[i];
      const c0 = l.charCodeAt(0);
      if (c0 !== 0x24 && c0 !== 0x21) continue;
      if (l.charCodeAt(l.length - 1) === 0x0d) l = l.slice(0, -1);
      try {
        keep += parseNmeaSentence(l).sentenceId.length;
        ok++;
      } catch {
        thrown++;
      }
    }
  }
  return { ok, thrown };
}

/**
 * The repetition scheme of every throughput subject: `reps` timed repetitions of
 * `passes` passes each, gc() before each; sentence rates by wall time and by process
 * CPU time. `pass` returns the sentences it counted.
 */
function timedReps(
  reps: number,
  passes: number,
  pass: () => number,
): { rates: number[]; cpuRates: number[]; perPass: number } {
  const rates: number[] = [],
    cpuRates: number[] = [];
  let perPass = 0;
  for (let r = 0; r < reps; r++) {
    gc();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    for (let p = 0; p < passes; p++) n += pass();
    const dt = (performance.now() - t0) / 1000;
    rates.push(n / dt);
    cpuRates.push(n / cpuSeconds(c0));
    perPass = n / passes;
  }
  return { rates, cpuRates, perPass };
}

/** Same bytes, same repetition scheme as throughputBd450; the rate counts the sentences bd450 finds in those bytes. */
function throughputNmeaSimpleBytes(reps: number, minMs: number) {
  const chunks: Buffer[] = [];
  for (let i = 0; i < corpus.length; i += FEED_CHUNK)
    chunks.push(Buffer.from(corpus.buffer, corpus.byteOffset + i, Math.min(FEED_CHUNK, corpus.length - i)));
  const sentencesInBytes = forwardedSentences(corpus).length;
  let last = { ok: 0, thrown: 0 };
  for (let i = 0; i < 3; i++) last = nmeaSimpleBytesPass(chunks);
  const passes = repsFor(() => nmeaSimpleBytesPass(chunks).ok, minMs);
  const { rates, cpuRates } = timedReps(reps, passes, () => {
    last = nmeaSimpleBytesPass(chunks);
    return sentencesInBytes;
  });
  return {
    rates,
    cpuRates,
    passesPerRep: passes,
    sentencesPerPass: sentencesInBytes,
    bytesPerPass: corpus.length,
    parsed: last.ok,
    thrown: last.thrown,
  };
}

/** The forwarded sentences re-joined with CR LF: what a terminal without noise would send. */
function cleanStream(): Uint8Array {
  return new Uint8Array(
    Buffer.from(
      forwardedSentences(corpus)
        .map((l) => l + "\r\n")
        .join(""),
      "latin1",
    ),
  );
}

function throughputBd450(
  reps: number,
  minMs: number,
  input: Uint8Array,
  make: () => BenchGateway = () => benchGateway(),
) {
  const { gateway, sink } = make();
  const pass = () => {
    const f = gateway.counters.forwarded;
    feedAll(gateway, input);
    return gateway.counters.forwarded - f;
  };
  for (let i = 0; i < 3; i++) pass(); // warm-up: JIT
  const passes = repsFor(pass, minMs);
  const { rates, cpuRates, perPass: sentences } = timedReps(reps, passes, pass);
  keep += sink.check;
  return {
    rates,
    cpuRates,
    passesPerRep: passes,
    sentencesPerPass: sentences,
    bytesPerPass: input.length,
    datagramsPerPass: sink.datagrams / (3 + 1 + passes * reps),
  };
}

function nmeaSimplePass(list: string[]): { ok: number; thrown: number } {
  let ok = 0,
    thrown = 0;
  for (let i = 0; i < list.length; i++) {
    try {
      const p = parseNmeaSentence(list[i]);
      keep += p.sentenceId.length;
      ok++;
    } catch {
      thrown++;
    }
  }
  return { ok, thrown };
}

function throughputNmeaSimple(reps: number, minMs: number, parsedOnly: boolean) {
  let list = forwardedSentences(corpus);
  const all = list.length;
  if (parsedOnly)
    list = list.filter((s) => {
      try {
        parseNmeaSentence(s);
        return true;
      } catch {
        return false;
      }
    });
  let last = { ok: 0, thrown: 0 };
  for (let i = 0; i < 3; i++) last = nmeaSimplePass(list);
  const passes = repsFor(() => nmeaSimplePass(list).ok, minMs);
  const { rates, cpuRates } = timedReps(reps, passes, () => {
    last = nmeaSimplePass(list);
    return list.length;
  });
  return {
    rates,
    cpuRates,
    passesPerRep: passes,
    sentencesPerPass: list.length,
    forwardedSentences: all,
    parsed: last.ok,
    thrown: last.thrown,
  };
}

function allocBd450(passes: number, realClock = false, assembled = false) {
  const { gateway } = assembled ? assembledGateway() : benchGateway(undefined, realClock ? nodeClock : undefined);
  for (let i = 0; i < 3; i++) feedAll(gateway, corpus); // warm-up: JIT, first-use allocations
  const f0 = gateway.counters.forwarded;
  const live0 = liveHeap();
  const a = measureAllocation(() => {
    for (let p = 0; p < passes; p++) feedAll(gateway, corpus);
  });
  const sentences = gateway.counters.forwarded - f0;
  const live1 = liveHeap();
  return {
    sentences,
    bytes: a.bytes,
    bytesPerSentence: a.bytes / sentences,
    collections: a.collections,
    liveHeapStart: live0,
    liveHeapEnd: live1,
  };
}

function allocNmeaSimple(passes: number) {
  const list = forwardedSentences(corpus);
  for (let i = 0; i < 3; i++) nmeaSimplePass(list);
  const live0 = liveHeap();
  const a = measureAllocation(() => {
    for (let p = 0; p < passes; p++) nmeaSimplePass(list);
  });
  const sentences = list.length * passes;
  return {
    sentences,
    bytes: a.bytes,
    bytesPerSentence: a.bytes / sentences,
    collections: a.collections,
    liveHeapStart: live0,
    liveHeapEnd: liveHeap(),
  };
}

/** Cold process, corpus replayed k times through one fresh gateway: time, allocation, live heap before/after. */
function scale(k: number) {
  const live0 = liveHeap();
  const { gateway } = benchGateway();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const a = measureAllocation(() => {
    for (let p = 0; p < k; p++) feedAll(gateway, corpus);
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  const sentences = gateway.counters.forwarded;
  const live1 = liveHeap();
  return {
    copies: k,
    inputBytes: corpus.length * k,
    sentences,
    seconds,
    cpuSeconds: cpu,
    sentencesPerSecond: sentences / seconds,
    bytesAllocated: a.bytes,
    bytesPerSentence: a.bytes / sentences,
    collections: a.collections,
    liveHeapStart: live0,
    liveHeapEnd: live1,
    liveHeapGrowth: live1 - live0,
  };
}

/**
 * CPU profile (V8 sampling profiler, as `node --cpu-prof`, through the inspector so that
 * start-up and JIT warm-up stay out) of the assembled gateway over the corpus for about
 * `ms` milliseconds; the profile is written to `file`.
 */
async function profileGateway(ms: number, file: string) {
  const { gateway } = assembledGateway(nodeClock);
  for (let i = 0; i < 3; i++) feedAll(gateway, corpus);
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  const f0 = gateway.counters.forwarded;
  const t0 = performance.now();
  let passes = 0;
  while (performance.now() - t0 < ms) {
    feedAll(gateway, corpus);
    passes++;
  }
  const { profile } = await post("Profiler.stop");
  session.disconnect();
  fs.writeFileSync(file, JSON.stringify(profile));
  return { passes, forwarded: gateway.counters.forwarded - f0 };
}

async function main(): Promise<void> {
  const [mode, arg, arg2] = process.argv.slice(2);
  let out: unknown;
  switch (mode) {
    case "profile-gateway":
      out = await profileGateway(Number(arg ?? 3000), arg2);
      break;
    case "calibrate":
      out = calibration();
      break;
    // As `bd450 gateway` runs: its assembly (decoders, device state, network side hooks), host clock.
    case "throughput-gateway":
      out = throughputBd450(Number(arg ?? 7), 400, corpus, () => assembledGateway(nodeClock));
      break;
    case "throughput-gateway-clean":
      out = throughputBd450(Number(arg ?? 7), 400, cleanStream(), () => assembledGateway(nodeClock));
      break;
    case "throughput-nmea-simple-bytes":
      out = throughputNmeaSimpleBytes(Number(arg ?? 7), 400);
      break;
    case "alloc-gateway":
      out = allocBd450(Number(arg ?? 20), false, true);
      break;
    // Framing and encoding only: the core Gateway without decoders, fixed clock.
    case "throughput-bd450":
      out = throughputBd450(Number(arg ?? 7), 400, corpus);
      break;
    case "throughput-bd450-clean":
      out = throughputBd450(Number(arg ?? 7), 400, cleanStream());
      break;
    case "throughput-nmea-simple":
      out = throughputNmeaSimple(Number(arg ?? 7), 400, false);
      break;
    case "throughput-nmea-simple-parsed":
      out = throughputNmeaSimple(Number(arg ?? 7), 400, true);
      break;
    case "alloc-bd450":
      out = allocBd450(Number(arg ?? 20));
      break;
    case "alloc-bd450-realclock":
      out = allocBd450(Number(arg ?? 20), true);
      break;
    case "alloc-nmea-simple":
      out = allocNmeaSimple(Number(arg ?? 3));
      break;
    case "scale":
      out = scale(Number(arg ?? 1));
      break;
    default:
      throw new Error(`unknown mode ${mode}`);
  }
  process.stdout.write(JSON.stringify({ mode, ...(out as object), keep: keep & 1 }) + "\n");
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
