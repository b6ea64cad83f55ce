// `npm run bench`: speed, memory and latency of bd450 against nmea-simple (in process)
// and gpsd (daemon against daemon), on Node and on the XS engine, in one run. Writes bench/results.json, bench/results.md and
// bench/results.svg. Never fails on a number: it reports (exit code 0 unless a
// measurement could not run at all).
//
//   node dist/bench/run.js [--quick] [--skip-xs] [--skip-latency] [--skip-daemons]

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runInNetns } from "../hosttest/lib/netns";
import { BENCH_DIR, FEED_CHUNK, machine, median, quantile, round, type Spread, spread } from "./common";
import { runFilterBench } from "./filter";
import { profileGateway } from "./profile";
import { writeMarkdown, writeSvg } from "./report";
import { type Rv32Bench, runRv32Bench } from "./rv32";
import { ESP32_SLOWDOWN, runXsBench, type XsBench } from "./xs";

const CHILD = path.join(__dirname, "node-child.js");
const LATENCY_CHILD = path.join(__dirname, "latency-child.js");
const DAEMONS_CHILD = path.join(__dirname, "daemons-child.js");

function log(s: string): void {
  process.stderr.write(s + "\n");
}

/** One measurement in a fresh Node process with --expose-gc. */
function child(args: string[], nodeFlags: string[] = []): Promise<any> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", ...nodeFlags, CHILD, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "",
      err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`node-child ${args.join(" ")} exited ${code}: ${err.slice(-2000)}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!));
    });
  });
}

function rateSpread(rates: number[]): Spread {
  const s = spread(rates);
  return { ...s, samples: s.samples.map((x) => Math.round(x)) };
}

function summarizeLatency(r: any, warmup: number) {
  const all: number[] = r.latenciesMs;
  const steady = all.slice(warmup);
  const pct = (xs: number[]) => ({
    p50Ms: round(quantile(xs, 0.5), 3),
    p90Ms: round(quantile(xs, 0.9), 3),
    p99Ms: round(quantile(xs, 0.99), 3),
    maxMs: round(Math.max(...xs), 3),
    minMs: round(Math.min(...xs), 3),
    count: xs.length,
  });
  return {
    baud: r.baud,
    sentences: r.sentences,
    bytes: r.bytes,
    writeSeconds: round(r.writeSeconds, 3),
    sentencesPerSecond: round(r.sentencesPerSecond, 1),
    datagrams: r.datagrams,
    matched: r.matched,
    extra: r.extra,
    mismatched: r.mismatched,
    unparsed: r.unparsed,
    gateway: r.gateway,
    all: pct(all),
    afterWarmup: { skipped: warmup, ...pct(steady) },
    histogramMs: histogram(all),
  };
}

function histogram(xs: number[]): Array<[number, number]> {
  const edges = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, Infinity];
  const counts = edges.map(() => 0);
  for (const x of xs) counts[edges.findIndex((e) => x <= e)]++;
  return edges.map((e, i) => [e === Infinity ? -1 : e, counts[i]] as [number, number]);
}

async function latency(baud: number, count: number): Promise<any> {
  const res = await runInNetns(process.execPath, [LATENCY_CHILD, String(baud), String(count)], { timeoutMs: 120000 });
  if (res.code !== 0) throw new Error(`latency run at ${baud} failed (${res.code}): ${res.stderr.slice(-2000)}`);
  return JSON.parse(res.stdout.trim().split("\n").pop()!);
}

/** Both daemons fed the same stream in a private network namespace (bench/daemons-child.ts). */
async function daemons(copies: number, reps: number): Promise<any> {
  for (const tool of ["gpsd", "gpspipe"])
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
      throw new Error(
        `${tool} is not installed (sh scripts/ensure-bench-deps.sh, run by npm run bench, installs gpsd and gpsd-clients as root)`,
      );
  const res = await runInNetns(process.execPath, [DAEMONS_CHILD, String(copies), String(reps)], { timeoutMs: 900000 });
  if (res.code !== 0) throw new Error(`daemon run failed (${res.code}): ${res.stderr.slice(-2000)}`);
  const r = JSON.parse(res.stdout.trim().split("\n").pop()!);
  const side = (runs: any[]) => {
    const rates = runs.map((x) => x.sentencesPerCpuSecond);
    return { sentencesPerCpuSecond: rateSpread(rates), runs };
  };
  return { ...r, bd450: side(r.bd450), gpsd: side(r.gpsd) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes("--quick");
  const reps = quick ? 5 : 7;
  const started = Date.now();
  const load0 = os.loadavg();
  const errors: string[] = [];
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      const msg = `${what}: ${(e as Error)?.message ?? String(e)}`;
      log("  FAILED " + msg);
      errors.push(msg);
      return undefined;
    }
  };

  log("bench: allocation method calibration");
  const calibration = await attempt("calibration", () => child(["calibrate"]));

  log(`bench: throughput on Node (${reps} repetitions each, fresh process per subject)`);
  // Headline: the gateway as `bd450 gateway` assembles it (decoders on) against nmea-simple on the same bytes.
  const tGw = await child(["throughput-gateway", String(reps)]);
  const tNsBytes = await child(["throughput-nmea-simple-bytes", String(reps)]);
  // Second lines: framing + encoding only, and nmea-simple on pre-split strings (its most favourable case).
  const tBd = await child(["throughput-bd450", String(reps)]);
  const tNs = await child(["throughput-nmea-simple", String(reps)]);
  const tClean = await child(["throughput-gateway-clean", String(reps)]);
  const tNsParsed = await child(["throughput-nmea-simple-parsed", String(reps)]);
  const gw = rateSpread(tGw.rates),
    nsBytes = rateSpread(tNsBytes.rates);
  const bd = rateSpread(tBd.rates),
    ns = rateSpread(tNs.rates),
    clean = rateSpread(tClean.rates),
    nsParsed = rateSpread(tNsParsed.rates);
  const gwCpu = rateSpread(tGw.cpuRates),
    nsBytesCpu = rateSpread(tNsBytes.cpuRates),
    bdCpu = rateSpread(tBd.cpuRates),
    nsCpu = rateSpread(tNs.cpuRates);

  log("bench: where the time goes, decoders on (node --cpu-prof)");
  const profile = await attempt("profile", () => profileGateway(CHILD, quick ? 1500 : 3000));

  log("bench: allocation on Node (v8.GCProfiler accounting)");
  const aBd = await child(["alloc-bd450", quick ? "5" : "20"]);
  const aNs = await child(["alloc-nmea-simple", quick ? "1" : "3"]);
  const aBdReal = await child(["alloc-bd450-realclock", quick ? "5" : "20"]);
  const aGw = await child(["alloc-gateway", quick ? "5" : "20"]);

  log("bench: scale 1x, 10x, 100x the corpus (cold process each)");
  const scale: any[] = [];
  for (const k of quick ? [1, 10] : [1, 10, 100]) scale.push(await child(["scale", String(k)]));

  let xs: XsBench | undefined;
  if (!argv.includes("--skip-xs")) {
    log("bench: XS engine");
    xs = await attempt("xs", () => runXsBench(log));
  }
  // Issue 24: the same firmware path counted in RV32 instructions (XS for rv32imc under QEMU).
  let rv32: Rv32Bench | { unavailable: string } | undefined;
  if (!argv.includes("--skip-xs")) {
    log("bench: RV32 instruction counts (XS for rv32imc under qemu-system-riscv32 -icount)");
    rv32 = await attempt("rv32", () => runRv32Bench(log));
  }
  const rv32ok = rv32 && "instructionsPerSentence" in rv32 ? rv32 : undefined;
  const filter = argv.includes("--skip-xs") ? undefined : await attempt("filter", () => runFilterBench(log));

  let dm: any;
  if (!argv.includes("--skip-daemons")) {
    log("bench: daemon against daemon, bd450 gateway vs gpsd (private network namespace)");
    dm = await attempt("daemons", () => daemons(quick ? 2 : 4, quick ? 1 : 3));
  }

  let lat115: any, lat921: any;
  if (!argv.includes("--skip-latency")) {
    log("bench: end-to-end latency, 115200 baud (private network namespace)");
    lat115 = await attempt("latency 115200", async () =>
      summarizeLatency(await latency(115200, quick ? 600 : 2000), 100),
    );
    log("bench: end-to-end latency, 921600-baud burst (private network namespace)");
    lat921 = await attempt("latency 921600", async () =>
      summarizeLatency(await latency(921600, quick ? 1000 : 3000), 100),
    );
  }

  // Ratios by process CPU time: on a shared machine wall time also counts the time a process
  // waits for a core (V8's GC helper threads count against nmea-simple, the subject that allocates).
  const ratio = gwCpu.median / nsBytesCpu.median;
  const framingRatio = bdCpu.median / nsBytesCpu.median;
  const gwDaemon = dm ? dm.bd450.sentencesPerCpuSecond.median : null,
    gpsdDaemon = dm ? dm.gpsd.sentencesPerCpuSecond.median : null;
  const ratioVsGpsd = dm ? gwDaemon / gpsdDaemon : null;
  const results = {
    node: {
      // Headline: decoders on (the gateway as `bd450 gateway` assembles it) vs nmea-simple on the same bytes.
      decoders: true,
      ratioBasis: "process CPU time",
      sentencesPerCpuSecond: Math.round(gwCpu.median),
      nmeaSimpleSentencesPerCpuSecond: Math.round(nsBytesCpu.median),
      ratio: round(ratio, 2),
      sentencesPerSecond: Math.round(gw.median),
      nmeaSimpleSentencesPerSecond: Math.round(nsBytes.median),
      ratioWallTime: round(gw.median / nsBytes.median, 2),
      framingOnly: {
        decoders: false,
        sentencesPerCpuSecond: Math.round(bdCpu.median),
        ratio: round(framingRatio, 2),
        ratioVsPreSplitStrings: round(bdCpu.median / nsCpu.median, 2),
        sentencesPerSecond: Math.round(bd.median),
        ratioWallTime: round(bd.median / nsBytes.median, 2),
      },
      // Daemon against daemon (real IO): sentences the client received per CPU second of the daemon.
      gatewaySentencesPerCpuSecond: gwDaemon === null ? null : Math.round(gwDaemon),
      gpsdSentencesPerCpuSecond: gpsdDaemon === null ? null : Math.round(gpsdDaemon),
      ratioVsGpsd: ratioVsGpsd === null ? null : round(ratioVsGpsd, 2),
      bytesAllocatedPerSentence: round(aBd.bytesPerSentence, 2),
      gatewayBytesAllocatedPerSentence: round(aGw.bytesPerSentence, 2),
      nmeaSimpleBytesAllocatedPerSentence: round(aNs.bytesPerSentence, 1),
      throughput: {
        gateway: {
          ...gw,
          passesPerRep: tGw.passesPerRep,
          sentencesPerPass: tGw.sentencesPerPass,
          bytesPerPass: tGw.bytesPerPass,
        },
        nmeaSimpleSameBytes: {
          ...nsBytes,
          passesPerRep: tNsBytes.passesPerRep,
          sentencesPerPass: tNsBytes.sentencesPerPass,
          bytesPerPass: tNsBytes.bytesPerPass,
          parsed: tNsBytes.parsed,
          thrown: tNsBytes.thrown,
        },
        bd450: {
          ...bd,
          passesPerRep: tBd.passesPerRep,
          sentencesPerPass: tBd.sentencesPerPass,
          bytesPerPass: tBd.bytesPerPass,
        },
        nmeaSimple: {
          ...ns,
          passesPerRep: tNs.passesPerRep,
          sentencesPerPass: tNs.sentencesPerPass,
          parsed: tNs.parsed,
          thrown: tNs.thrown,
        },
        gatewayCleanStream: {
          ...clean,
          passesPerRep: tClean.passesPerRep,
          sentencesPerPass: tClean.sentencesPerPass,
          bytesPerPass: tClean.bytesPerPass,
        },
        nmeaSimpleParsedOnly: { ...nsParsed, sentencesPerPass: tNsParsed.sentencesPerPass },
        ratioCleanStreamVsParsedOnly: round(clean.median / nsParsed.median, 2),
        ratioMinOverMax: round(gwCpu.min / nsBytesCpu.max, 2),
        byCpuTime: {
          gateway: gwCpu,
          nmeaSimpleSameBytes: nsBytesCpu,
          ratio: round(gwCpu.median / nsBytesCpu.median, 2),
          bd450: bdCpu,
          nmeaSimple: nsCpu,
          framingOnlyRatio: round(bdCpu.median / nsBytesCpu.median, 2),
        },
      },
      daemons: dm ?? null,
      allocation: { bd450: aBd, nmeaSimple: aNs, bd450HostClock: aBdReal, gateway: aGw, calibration },
      scale: scale.map((s) => ({
        copies: s.copies,
        inputBytes: s.inputBytes,
        sentences: s.sentences,
        seconds: round(s.seconds, 4),
        sentencesPerSecond: Math.round(s.sentencesPerSecond),
        nanosecondsPerSentence: round((s.seconds * 1e9) / s.sentences, 1),
        cpuSeconds: round(s.cpuSeconds, 4),
        cpuNanosecondsPerSentence: round((s.cpuSeconds * 1e9) / s.sentences, 1),
        bytesAllocated: s.bytesAllocated,
        bytesPerSentence: round(s.bytesPerSentence, 2),
        collections: s.collections,
        liveHeapStart: s.liveHeapStart,
        liveHeapEnd: s.liveHeapEnd,
        liveHeapGrowth: s.liveHeapGrowth,
      })),
    },
    profile: profile ?? null,
    xs: xs
      ? {
          computePerSentence: Math.round(xs.computePerSentence),
          // Issue 16: native helpers (XS test host), their valgrind instruction count, the receive path's stall tolerance.
          nativeInstructionsPerSentence:
            "nativeInstructionsPerSentence" in xs.native ? xs.native.nativeInstructionsPerSentence : null,
          stallToleranceMs: "stallToleranceMs" in xs.native ? xs.native.stallToleranceMs.ring115200 : null,
          native: xs.native,
          bytesAllocatedPerSentence:
            xs.bytesAllocatedPerSentence === null ? null : round(xs.bytesAllocatedPerSentence, 1),
          peakHeapBytes: xs.peakHeapBytes,
          slotsPerSentence: round(xs.slotsPerSentence, 3),
          chunkBytesPerSentence: xs.chunkBytesPerSentence === null ? null : round(xs.chunkBytesPerSentence, 1),
          esp32: xs.esp32,
          rv32: rv32 ?? null,
          calibration: xs.calibration,
          breakdownPerSentence: xs.breakdown,
          harness: xs.harness,
          coreOnly: xs.coreOnly,
          creation: xs.creation,
        }
      : null,
    latency: lat115
      ? {
          p50Ms: lat115.all.p50Ms,
          p99Ms: lat115.all.p99Ms,
          maxMs: lat115.all.maxMs,
          baud115200: lat115,
          burst921600: lat921 ?? null,
        }
      : null,
    targets: {
      throughputRatio: { target: ">= 10 (decoders on, same bytes)", met: ratio >= 10 },
      daemonRatioVsGpsd: { target: ">= 2", met: ratioVsGpsd === null ? null : ratioVsGpsd >= 2 },
      nodeAllocation: { target: "about 0 bytes/sentence beyond the datagram", met: aBd.bytesPerSentence < 1 },
      xsCompute: { target: "<= 3000 units/sentence", met: xs ? xs.computePerSentence <= 3000 : null },
      stall100ms115200: {
        target: "no byte lost in a 100 ms JS stall at 115200",
        met: xs && "stallToleranceMs" in xs.native ? xs.native.stallToleranceMs.ring115200 >= 100 : null,
      },
      xsAllocation: {
        target: "<= 16 bytes/sentence",
        met: xs && xs.bytesAllocatedPerSentence !== null ? xs.bytesAllocatedPerSentence <= 16 : null,
      },
      // From the RV32 count and CoreMark (issue 24) when measured; else the old 150x estimate.
      esp32CoreShare: {
        target: "< 5 % of one ESP32 core @240 MHz (115200-baud stream of 82-byte sentences)",
        met: rv32ok ? rv32ok.coreShare.esp32.share < 0.05 : xs ? (xs.esp32 as any).central.coreShare < 0.05 : null,
      },
      latencyP99: { target: "< 2 ms", met: lat115 ? lat115.all.p99Ms < 2 && (!lat921 || lat921.all.p99Ms < 2) : null },
    },
    run: {
      date: new Date(started).toISOString(),
      durationSeconds: round((Date.now() - started) / 1000, 1),
      command: "npm run bench",
      quick,
      machine: machine(),
      loadAverageAtStart: load0.map((x) => round(x, 2)),
      loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
      esp32SlowdownAssumption: ESP32_SLOWDOWN,
      feedChunkBytes: FEED_CHUNK,
      errors,
    },
    method: {
      throughput:
        "Headline (decoders on): the gateway as `bd450 gateway` assembles it (src/app/assemble.ts App with the CLI's Node pieces: Beidou decoders, device state, network side and its hooks; default settings, host clock; no serial, start() never called so no socket) fed the concatenated corpus in 512-byte slices, replayed; nmea-simple on the same 512-byte slices: decoded to text, split into lines, lines not starting with $ or ! skipped, the rest through parseNmeaSentence in try/catch; its rate counts the sentences the gateway finds in the same bytes (so the ratio is a ratio of times per pass). Framing only: the core Gateway without decoders, fixed clock. Pre-split: nmea-simple over the forwarded sentences as strings (line splitting not charged to it). Each subject in its own process, 3 warm-up passes, then repetitions of >= 400 ms with gc() before each; median and spread over repetitions. Ratios are of medians by process CPU time (user + system, all threads: V8's GC helpers count against the subject that allocates); wall-time rates are given too.",
      daemons:
        "bench/daemons-child.ts in a private network namespace: the corpus x copies written by cat as fast as the pty takes it -> socat pty -> `bd450 gateway` (multicast on lo -> bench/count-listener.js, datagrams counted) or `gpsd -N -n -b -D0 -S <port>` (127.0.0.1 only, no control socket, no D-Bus) -> `gpspipe -r` (NMEA lines counted); CPU = utime + stime of the daemon process (all threads) from /proc/<pid>/stat between the writer's start and 1 s of client silence after the writer ended; runs alternate bd450 / gpsd.",
      allocation:
        "bytes allocated = used heap after - used heap before + bytes freed by every collection in between (v8.GCProfiler before/after usedHeapSize); steady state after 3 warm-up passes; checked by a calibration run of known arrays.",
      xs: "hosttest/xs/xs-harness.ts measureGatewayOnXs over the corpus (firmware wiring, ESP32-like UART FIFO host, host cost subtracted); compute units converted to host time by running the core alone in xsnap and timing it; host -> ESP32 by the stated slowdown assumption.",
      latency:
        "pty written at the byte rate of the baud by this process (synchronous writes, time stamp when the sentence's CR is in the pty) -> socat -> bd450 gateway process -> multicast on lo of a private namespace -> listener in the writing process; mapped by n: line count and checked by content.",
      scale:
        "fresh process per size: live heap after gc() before and after, allocation over the whole run (JIT warm-up included at 1x).",
    },
  };
  (results as Record<string, unknown>).filter = filter;
  void median;
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(path.join(BENCH_DIR, "results.json"), JSON.stringify(results, null, 2) + "\n");
  writeMarkdown(path.join(BENCH_DIR, "results.md"), results);
  writeSvg(path.join(BENCH_DIR, "results.svg"), results);
  log(
    `bench: wrote bench/results.json, bench/results.md, bench/results.svg in ${round((Date.now() - started) / 1000, 1)} s`,
  );
  log(
    `  Node, decoders on: bd450 ${Math.round(gwCpu.median)} sentences per CPU second vs nmea-simple on the same bytes ${Math.round(nsBytesCpu.median)} (x${round(ratio, 2)}); framing only ${Math.round(bdCpu.median)} (x${round(framingRatio, 2)}); ${round(aBd.bytesPerSentence, 2)} B/sentence vs ${round(aNs.bytesPerSentence, 0)}`,
  );
  if (dm)
    log(
      `  daemons: bd450 gateway ${Math.round(gwDaemon)} vs gpsd ${Math.round(gpsdDaemon)} sentences per CPU second (x${round(ratioVsGpsd!, 2)})`,
    );
  if (xs)
    log(
      `  XS: ${Math.round(xs.computePerSentence)} compute/sentence, ${xs.bytesAllocatedPerSentence === null ? "n/a" : round(xs.bytesAllocatedPerSentence, 1)} B/sentence, gateway heap ${xs.peakHeapBytes} B; ESP32 share ${round((xs.esp32 as any).central.coreShare * 100, 1)} % (assumed ${ESP32_SLOWDOWN.central}x slower than this host)`,
    );
  if (lat115)
    log(
      `  latency 115200: p50 ${lat115.all.p50Ms} ms p99 ${lat115.all.p99Ms} ms max ${lat115.all.maxMs} ms` +
        (lat921 ? `; 921600 burst: p50 ${lat921.all.p50Ms} p99 ${lat921.all.p99Ms} max ${lat921.all.maxMs}` : ""),
    );
}

main().catch((e) => {
  // After @endo/init (loaded for xsnap) error stacks may be empty: print name and message too.
  log(`bench failed: ${e?.name ?? "Error"}: ${e?.message ?? String(e)}\n${e?.stack ?? ""}`);
  process.exit(1);
});
