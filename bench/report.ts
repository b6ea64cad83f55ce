// biome-ignore-all lint/suspicious/noExplicitAny: the results object is loose JSON read from bench/out
// bench/results.md (tables) and bench/results.svg (plots) from the results object.

import * as fs from "node:fs";
import { filterMarkdown } from "./filter";

/** Fixed decimals with thousands separators (not toLocaleString: SES, loaded for xsnap, tames it). */
function fmt(x: number | null | undefined, d = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  const [int, frac] = Math.abs(x).toFixed(d).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return (x < 0 ? "-" : "") + grouped + (frac ? "." + frac : "");
}
const pct = (x: number | null | undefined, d = 1): string =>
  x === null || x === undefined ? "n/a" : `${fmt(x * 100, d)} %`;
const verdict = (met: boolean | null | undefined): string =>
  met === null || met === undefined ? "not measured" : met ? "**met**" : "**missed**";

export function writeMarkdown(file: string, r: any): void {
  const n = r.node,
    t = n.throughput,
    x = r.xs,
    l = r.latency,
    m = r.run.machine;
  const lines: string[] = [];
  lines.push("# bd450 benchmark results", "");
  lines.push(
    `Measured ${r.run.date} with \`${r.run.command}\` in ${fmt(r.run.durationSeconds, 0)} s on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. ` +
      `Load average at start ${r.run.loadAverageAtStart.join(" / ")}, at end ${r.run.loadAverageAtEnd.join(" / ")} (a shared machine: other jobs ran at the same time, so read the figures as ranges).`,
    "",
  );
  lines.push("Raw figures: [`results.json`](results.json); plots: [`results.svg`](results.svg).", "");

  lines.push("## Summary against the targets", "");
  lines.push("| what | measured | target | verdict |", "|---|---|---|---|");
  lines.push(
    `| Node throughput, **decoders on** (the gateway as \`bd450 gateway\` assembles it) vs nmea-simple on the same bytes, per CPU second (median of ${t.gateway.samples.length} repetitions) | ${fmt(n.sentencesPerCpuSecond)} vs ${fmt(n.nmeaSimpleSentencesPerCpuSecond)} sentences = **${fmt(n.ratio, 2)}x** (by wall time ${fmt(n.ratioWallTime, 2)}x) | >= 10x | ${verdict(r.targets.throughputRatio.met)} |`,
  );
  lines.push(
    `| Node throughput, framing + 450 encoding only (no decoders), same peer, per CPU second | ${fmt(n.framingOnly.sentencesPerCpuSecond)} sentences = ${fmt(n.framingOnly.ratio, 2)}x (vs nmea-simple on pre-split strings: ${fmt(n.framingOnly.ratioVsPreSplitStrings, 2)}x) | (second line, no target) | |`,
  );
  if (n.ratioVsGpsd !== null && n.ratioVsGpsd !== undefined)
    lines.push(
      `| Daemons, real IO: \`bd450 gateway\` vs gpsd 3.22, sentences its client received per CPU second of the daemon (median of ${n.daemons.bd450.runs.length} runs each) | ${fmt(n.gatewaySentencesPerCpuSecond)} vs ${fmt(n.gpsdSentencesPerCpuSecond)} = **${fmt(n.ratioVsGpsd, 2)}x** | >= 2x | ${verdict(r.targets.daemonRatioVsGpsd.met)} |`,
    );
  else
    lines.push(
      `| Daemons, real IO: \`bd450 gateway\` vs gpsd 3.22 | not measured in this run (see Errors) | >= 2x | not measured |`,
    );
  lines.push(
    `| Node allocation per forwarded sentence (steady state), framing + encoding | **${fmt(n.bytesAllocatedPerSentence, 1)} B** (nmea-simple: ${fmt(n.nmeaSimpleBytesAllocatedPerSentence)} B) | about 0 | ${verdict(r.targets.nodeAllocation.met)} |`,
  );
  if (n.gatewayBytesAllocatedPerSentence !== undefined)
    lines.push(
      `| Node allocation per forwarded sentence, decoders on (gateway assembly, fixed clock) | **${fmt(n.gatewayBytesAllocatedPerSentence, 1)} B** (by V8's sampling heap profiler: heap numbers for the doubles the decoders parse (fields.ts parseDecimal, coord) and the device state stores; XS keeps numbers unboxed, see section 3) | (no target) | |`,
    );
  if (x) {
    lines.push(
      `| XS allocation per forwarded sentence (ESP32 sizes: 16-byte slots + chunk bytes) | **${fmt(x.bytesAllocatedPerSentence, 1)} B** (${fmt(x.slotsPerSentence, 2)} slots + ${fmt(x.chunkBytesPerSentence, 1)} chunk bytes) | <= 16 B | ${verdict(r.targets.xsAllocation.met)} |`,
    );
    if (x.native?.stages) {
      const nv = x.native;
      lines.push(
        `| XS compute per forwarded sentence, native helpers (XS test host, SDK meter) | **${fmt(nv.computePerSentence)}** (TypeScript loops on the same build: ${fmt(nv.computePerSentenceTypeScript)}); native helpers ${fmt(nv.nativeInstructionsPerSentence)} x86 instructions/sentence (valgrind) | <= 3,000 | ${verdict(r.targets.xsCompute.met)} |`,
      );
      lines.push(
        `| Longest JS stall without loss, 115200 baud (real-time model, 8 KB ring) | **${fmt(nv.stallToleranceMs.ring115200)} ms** (921600: ${fmt(nv.stallToleranceMs.ring921600)} ms; 128-byte FIFO: ${fmt(nv.stallToleranceMs.fifo115200)} ms) | >= 100 ms | ${verdict(r.targets.stall100ms115200.met)} |`,
      );
    }
    const v = x.rv32?.instructionsPerSentence ? x.rv32 : undefined;
    if (v)
      lines.push(
        `| RV32 instructions per forwarded sentence (XS for rv32imc under QEMU, exact count) | **${fmt(v.instructionsPerSentence)}** (XS interpreter ${fmt(v.interpreterInstructionsPerSentence)}, native helpers ${fmt(v.nativeInstructionsPerSentence)}; core gateway alone ${fmt(v.coreOnlyInstructionsPerSentence)}) | (held by a CI bound) | |`,
        `| ESP32 core share, 115200 baud of 82-byte sentences (${fmt(v.sentencesPerSecond, 1)}/s), from the RV32 count x CoreMark cycles per instruction | **${pct(v.coreShare.esp32.share)}** @240 MHz (${fmt(v.cyclesPerInstruction.esp32.used, 2)} cycles/instruction; ${pct(v.coreShare.esp32.shareLowestCpi)} at the lowest CPI of the CoreMark builds); ESP32-C3 @160 MHz: ${pct(v.coreShare.esp32c3.share)} (${fmt(v.cyclesPerInstruction.esp32c3.used, 2)} cycles/instruction) | < 5 % | ${verdict(r.targets.esp32CoreShare.met)} |`,
      );
    else
      lines.push(
        `| ESP32 core share, 115200 baud of 82-char sentences (${fmt(x.esp32.sentencesPerSecond, 0)}/s) | **${pct(x.esp32.central.coreShare)}** (assumed ${x.esp32.central.slowdown}x slower than this host; ${pct(x.esp32.low.coreShare)} at ${x.esp32.low.slowdown}x, ${pct(x.esp32.high.coreShare)} at ${x.esp32.high.slowdown}x) | < 5 % | ${verdict(r.targets.esp32CoreShare.met)} |`,
      );
  }
  if (l) {
    const b = l.burst921600;
    lines.push(
      `| End-to-end latency p99 (pty -> gateway process -> multicast -> listener) | 115200: **${fmt(l.p99Ms, 2)} ms**${b ? `; 921600 burst: **${fmt(b.all.p99Ms, 2)} ms**` : ""} | < 2 ms | ${verdict(r.targets.latencyP99.met)} |`,
    );
  }
  lines.push("");

  lines.push("## 1. Throughput on Node", "");
  lines.push(
    "Input: the whole NMEA corpus (`hosttest/corpus/nmea`, " +
      fmt(t.gateway.bytesPerPass) +
      " bytes per pass, about half of them binary noise that must be skipped), replayed in 512-byte slices. " +
      "**Headline, decoders on:** bd450 as `bd450 gateway` runs it (the same assembly, `App` in `src/app/assemble.ts`, with the CLI's Node pieces: framing, checksum, Beidou sentence and 4.0 frame decoders, device state, routing, IEC 61162-450 datagrams, network-side hooks; host clock; no serial port and no socket opened). " +
      "nmea-simple gets the same 512-byte slices and does what a Node program reading the port with it does: text decode, line split, lines not starting with `$`/`!` skipped, `parseNmeaSentence` in try/catch; its rate counts the " +
      fmt(t.nmeaSimpleSameBytes.sentencesPerPass) +
      " sentences bd450 finds in the same bytes, so the ratio is the ratio of times per pass " +
      `(nmea-simple parsed ${fmt(t.nmeaSimpleSameBytes.parsed)} lines per pass and threw on ${fmt(t.nmeaSimpleSameBytes.thrown)}: unknown types, bad checksums, sentences run together in noise).`,
    "",
  );
  lines.push("| subject | median sentences/s | min | max | IQR |", "|---|---|---|---|---|");
  const row = (name: string, s: any) =>
    lines.push(`| ${name} | ${fmt(s.median)} | ${fmt(s.min)} | ${fmt(s.max)} | ${fmt(s.q1)} - ${fmt(s.q3)} |`);
  row("**bd450, decoders on** (gateway assembly), whole corpus", t.gateway);
  row("**nmea-simple, same bytes** (split + parse)", t.nmeaSimpleSameBytes);
  row("bd450, framing + encoding only (core Gateway, no decoders, fixed clock)", t.bd450);
  row(
    `nmea-simple, pre-split strings of the forwarded sentences (${fmt(t.nmeaSimple.thrown)} of ${fmt(t.nmeaSimple.sentencesPerPass)} throw: unknown types)`,
    t.nmeaSimple,
  );
  row("bd450, decoders on, clean stream (the forwarded sentences only, CR LF)", t.gatewayCleanStream);
  row("nmea-simple, pre-split, only the sentences it parses", t.nmeaSimpleParsedOnly);
  lines.push(
    "",
    `The table is by wall time, which on a shared machine also counts the time a process waits for a core; the ratios are taken by process CPU time (user + system, all threads; V8's GC helper threads count against nmea-simple, the subject that allocates): ` +
      `decoders on ${fmt(t.byCpuTime.gateway.median)} vs nmea-simple on the same bytes ${fmt(t.byCpuTime.nmeaSimpleSameBytes.median)} sentences per CPU second = **${fmt(n.ratio, 2)}x** (worst bd450 repetition over best nmea-simple one: ${fmt(t.ratioMinOverMax, 2)}x); ` +
      `framing only ${fmt(t.byCpuTime.bd450.median)} = ${fmt(n.framingOnly.ratio, 2)}x; framing only vs pre-split strings ${fmt(n.framingOnly.ratioVsPreSplitStrings, 2)}x. ` +
      `By wall time: decoders on ${fmt(n.ratioWallTime, 2)}x, framing only ${fmt(n.framingOnly.ratioWallTime, 2)}x; decoders on, clean stream vs pre-split parsed-only ${fmt(t.ratioCleanStreamVsParsedOnly, 2)}x.`,
    "",
  );
  if (r.profile) {
    lines.push(
      `Where the time goes, decoders on (\`node --cpu-prof\` of \`node-child.js profile-gateway\`, self time by source file, ${fmt(r.profile.seconds, 1)} s profiled):`,
      "",
    );
    lines.push("| part | share of samples | files |", "|---|---|---|");
    for (const g of r.profile.groups) lines.push(`| ${g.name} | ${pct(g.share)} | ${g.files.join(", ")} |`);
    lines.push("");
  }

  lines.push("## 1b. Daemon against daemon: `bd450 gateway` vs gpsd (real IO)", "");
  const d = n.daemons;
  if (d) {
    lines.push(
      `The same stream (the corpus x ${d.copies} = ${fmt(d.bytes)} bytes) written by \`cat\` as fast as a socat pty takes it, to each daemon in turn, inside one private network namespace: ` +
        "`bd450 gateway` (multicast on lo; its client, `bench/count-listener.js`, counts datagrams, one per terminal sentence) and gpsd 3.22 (`gpsd -N -n -b -D0` on 127.0.0.1 and a private port; its client `gpspipe -r` gets the raw NMEA, lines counted). " +
        "CPU = utime + stime of the daemon process, all its threads, from `/proc/<pid>/stat`, from the writer's start until the client has seen nothing new for 1 s after the writer finished.",
      "",
    );
    lines.push(
      "| daemon | run | client received | daemon CPU s (user + system) | sentences per CPU s | wall s | notes |",
      "|---|---|---|---|---|---|---|",
    );
    for (const [name, side] of [
      ["bd450 gateway", d.bd450],
      ["gpsd", d.gpsd],
    ] as const)
      side.runs.forEach((x: any, i: number) => {
        const th = Object.entries(x.threads ?? {})
          .map(([k, v]: [string, any]) => `${k} ${fmt(v.user, 2)} + ${fmt(v.system, 2)}`)
          .join("; ");
        const dd = x.daemon ?? {};
        const note =
          dd.forwarded !== undefined
            ? `forwarded ${fmt(dd.forwarded)}, sent ${fmt(dd.datagramsSent)}, client drops ${fmt(dd.clientReceiveBufferDrops)}; threads: ${th}`
            : `threads: ${th}`;
        lines.push(
          `| ${name} | ${i + 1} | ${fmt(x.sentences)} | ${fmt(x.cpuSeconds, 2)} (${fmt(x.userSeconds, 2)} + ${fmt(x.systemSeconds, 2)}) | ${fmt(x.sentencesPerCpuSecond)} | ${fmt(x.wallSeconds, 2)} | ${note} |`,
        );
      });
    lines.push(
      "",
      `Median: bd450 ${fmt(n.gatewaySentencesPerCpuSecond)} vs gpsd ${fmt(n.gpsdSentencesPerCpuSecond)} sentences per CPU second = **${fmt(n.ratioVsGpsd, 2)}x** (target >= 2x: ${verdict(r.targets.daemonRatioVsGpsd.met)}). ` +
        `Per sentence: bd450 ${fmt(1e6 / n.gatewaySentencesPerCpuSecond, 1)} µs of CPU against ${fmt(1e6 / n.sentencesPerCpuSecond, 1)} µs for the same work in process (section 1) (the rest is IO: the serial read path, and per datagram one \`dgram\` send through Node's JavaScript and C++ layers and one system call that also delivers the multicast to the listener on lo; see the user/system split and the threads); gpsd ${fmt(1e6 / n.gpsdSentencesPerCpuSecond, 1)} µs.`,
      "",
    );
    const pr = d.bd450Profile;
    if (pr) {
      lines.push(
        `Where the gateway process's time goes (one more run of the same stream under V8's CPU profiler, not counted above: main-thread samples, ${fmt(pr.busySeconds, 2)} s busy for ${fmt(pr.sentences)} sentences, start-up included):`,
        "",
      );
      lines.push("| part | share of busy samples | µs per sentence |", "|---|---|---|");
      for (const g of pr.groups) lines.push(`| ${g.name} | ${pct(g.share)} | ${fmt(g.microsecondsPerSentence, 1)} |`);
      lines.push("");
    }
  } else lines.push("Not measured in this run (see Errors).", "");

  lines.push("## 2. Allocation on Node", "");
  const a = n.allocation;
  lines.push(
    "Bytes allocated = used heap after - used heap before + bytes freed by every collection in between (`v8.GCProfiler`), after 3 warm-up passes. " +
      (a.calibration
        ? `Calibration: ${fmt(a.calibration.measuredBytes)} bytes measured for ${fmt(a.calibration.expectedBytes)} expected (ratio ${a.calibration.ratio}).`
        : ""),
    "",
  );
  lines.push(
    "| subject | sentences | bytes allocated | per sentence | collections | live heap after GC, start -> end |",
    "|---|---|---|---|---|---|",
  );
  for (const [name, s] of [
    ["bd450 framing + encoding (fixed clock)", a.bd450],
    ["bd450 decoders on (gateway assembly, fixed clock)", a.gateway],
    ["nmea-simple (pre-split strings)", a.nmeaSimple],
    ["bd450 framing + encoding with the host clock (Date.now, performance.now)", a.bd450HostClock],
  ] as const)
    if (s)
      lines.push(
        `| ${name} | ${fmt(s.sentences)} | ${fmt(s.bytes)} | **${fmt(s.bytesPerSentence, 1)}** | ${s.collections} | ${fmt(s.liveHeapStart)} -> ${fmt(s.liveHeapEnd)} |`,
      );
  lines.push(
    "",
    "No datagram is copied here (no socket): the host UDP adapter copies each datagram once for `dgram` (`Buffer.from`), which is the datagram itself. " +
      "With the real host clock, the doubles returned by `Date.now()`/`performance.now()` for each sentence (the `c:` time in the encoder, `lastUnitTime` in the gateway) are boxed as heap numbers on V8; on XS numbers never allocate.",
    "",
  );

  lines.push("## 3. On the XS engine (Moddable's engine, @agoric/xsnap)", "");
  if (x) {
    const h = x.harness,
      c = x.coreOnly,
      cal = x.calibration,
      e = x.esp32;
    lines.push(
      `Through the XS harness (\`hosttest/xs/xs-harness.ts\`, \`measureGatewayOnXs\`): the whole corpus behind an ESP32-like 128-byte UART FIFO, the gateway wired as the firmware does (Beidou decoders, device state, console), host cost subtracted.`,
      "",
    );
    lines.push("| figure | firmware wiring | gateway core only |", "|---|---|---|");
    lines.push(
      `| compute (XS meter units) per forwarded sentence | ${fmt(x.computePerSentence)} | ${fmt(c.computePerSentence)} |`,
    );
    lines.push(`| slots per sentence | ${fmt(x.slotsPerSentence, 2)} | ${fmt(c.slotsPerSentence, 2)} |`);
    lines.push(
      `| chunk bytes per sentence | ${fmt(x.chunkBytesPerSentence, 1)} | ${fmt(c.chunkBytesPerSentence, 1)} |`,
    );
    lines.push(
      `| bytes per sentence on ESP32 (slot = 16 B) | **${fmt(x.bytesAllocatedPerSentence, 1)}** | ${fmt(c.bytesPerSentenceEsp32, 1)} |`,
    );
    lines.push(
      `| gateway's own live heap (ESP32 sizes) | **${fmt(x.peakHeapBytes)} B** | ${fmt(c.gatewayOwnHeapBytesEsp32)} B |`,
    );
    lines.push("", `Harness notes: ${(h.notes ?? []).join("; ")}.`, "");
    const cr = x.creation;
    if (cr) {
      const z = cr.sizing,
        rec = cr.recommended;
      lines.push(
        `**XS creation sizes** (the rule \`recommendCreation\` in \`hosttest/xs/xs-figures.ts\`, which the XS test holds \`manifest.json\` to): live heap of the running gateway (own objects) ${fmt(cr.liveGatewayOwn.slots)} slots + ${fmt(rec.liveChunkBytes ?? cr.liveGatewayOwn.chunkBytes)} chunk bytes (${rec.chunkSource ?? "xsnap 64-bit"}); ` +
          `modules' own heap if they were not preloaded ${fmt(cr.liveModulesOwn.slots)} slots + ${fmt(cr.liveModulesOwn.chunkBytes)} bytes (why they are preloaded). ` +
          `Slots = (live + ${z.platformSlots} platform + ${z.runtimeSlots} runtime, both estimates) x ${z.margin} + ${z.slotGarbageSeconds} s of garbage at ${fmt(rec.sentencesPerSecond, 0)} sentences/s (${z.baud} baud of ${z.sentenceBytes}-byte sentences); ` +
          `chunks = (live + ${fmt(z.consoleQueueBytes)} console queue + ${fmt(z.platformChunkBytes)} platform) x ${z.margin} + ${z.chunkGarbageSeconds} s of garbage. ` +
          `This run calls for **${fmt(rec.heapSlots)} slots and ${fmt(rec.chunkBytes)} chunk bytes**; \`manifest.json\` gives ${fmt(cr.manifest.heapSlots)} slots and ${fmt(cr.manifest.chunkBytes)} bytes.`,
        "",
      );
    }
    lines.push(
      `Meter to time: the core alone in xsnap over the corpus costs ${fmt(cal.corpus.computePerByte, 0)} units/byte and ${fmt(cal.corpus.hostNsPerComputeUnitMin, 2)} ns/unit here (least disturbed of 5 runs; median ${fmt(cal.corpus.hostNsPerComputeUnit, 2)}) ` +
        `(clean stream: ${fmt(cal.cleanStream.computePerByte, 0)} units/byte, ${fmt(cal.cleanStream.computePerSentence)} units/sentence, ${fmt(cal.cleanStream.hostMicrosecondsPerSentence, 1)} µs/sentence). ` +
        `So one forwarded sentence (firmware wiring) takes ${fmt(e.hostMicrosecondsPerSentence, 1)} µs of XS time on this host.`,
      "",
    );
    lines.push(
      `**ESP32 (assumption, not measured on a board):** ${e.assumption}. A continuous ${e.stream} is ${fmt(e.sentencesPerSecond, 1)} sentences/s; the 128-byte RX FIFO fills in ${fmt(e.fifoFillMs, 2)} ms.`,
      "",
    );
    lines.push(
      "| slowdown vs this host | µs per sentence (firmware, corpus) | core share | core only, clean 82-byte sentences | full FIFO (2 sentence ends) | FIFO headroom |",
      "|---|---|---|---|---|---|",
    );
    for (const k of ["low", "central", "high"]) {
      const v = e[k];
      lines.push(
        `| ${v.slowdown}x | ${fmt(v.microsecondsPerSentence, 0)} | ${pct(v.coreShare)} | ${fmt(v.microsecondsPerSentenceCleanStream, 0)} µs, ${pct(v.coreShareCleanStream)} | ${fmt(v.microsecondsPerFullFifo / 1000, 2)} ms | ${fmt(v.fifoHeadroom, 1)}x |`,
      );
    }
    const b = x.breakdownPerSentence;
    if (b) {
      lines.push(
        "",
        `Where the XS compute goes (core alone, clean stream, units per sentence of ${fmt(b.bytes / b.sentences, 1)} bytes; deterministic counts): ` +
          `framer ${fmt(b.framer)}, encoder ${fmt(b.encoder)}, router ${fmt(b.router)}. For scale, one pure-JavaScript read of every byte costs ${fmt(b.readEveryByte)} and one XOR over the sentence ${fmt(b.xorEverySentence)}: ` +
          `the framer costs about ${fmt(b.framer / b.readEveryByte, 1)} such passes and the encoder ${fmt(b.encoder / b.readEveryByte, 1)}.`,
      );
    }
    const nv = x.native;
    if (nv?.stages) {
      lines.push(
        "",
        `**The firmware path** (XS test host: the SDK's XS with metering, native byte helpers, whole corpus, host cost subtracted): **${fmt(nv.computePerSentence)} units per forwarded sentence**; ` +
          `the core gateway alone (framer, router, encoder, sending) ${fmt(nv.computePerSentenceCoreOnly)}, so the Beidou decoders, device state, network side and console add ${fmt(nv.computePerSentence - nv.computePerSentenceCoreOnly)}. ` +
          `Per stage, by wrapping each stage's entry method and reading the meter around it (\`computeOnXsh(..., { profile: true })\`; the wrappers cost units too, so the stages add up to more than the total):`,
        "",
        "| stage | units per sentence (profiled) |",
        "|---|---|",
      );
      for (const [k, v] of Object.entries(nv.stages as Record<string, number>)) lines.push(`| ${k} | ${fmt(v)} |`);
    }
    const v = x.rv32?.instructionsPerSentence ? x.rv32 : undefined;
    if (v) {
      lines.push(
        "",
        `**In RV32 instructions** (issue 24; \`bench/rv32.ts\`): ${v.method}`,
        "",
        `Counter check: ${fmt(v.sanity.turns)} turns of a 2-instruction loop counted ${fmt(v.sanity.counted)} (expected ${fmt(v.sanity.expected)}: ${v.sanity.exact ? "exact" : "NOT exact"}). ${fmt(v.sentences)} forwarded sentences measured.`,
        "",
        "| figure (per forwarded sentence) | firmware wiring | gateway core only |",
        "|---|---|---|",
        `| RV32 instructions, total | **${fmt(v.instructionsPerSentence)}** | ${fmt(v.coreOnlyInstructionsPerSentence)} |`,
        `| of which inside the native helpers | ${fmt(v.nativeInstructionsPerSentence)} | ${fmt(v.coreOnlyNativeInstructionsPerSentence)} |`,
        `| of which the XS interpreter (and the engine's C) | ${fmt(v.interpreterInstructionsPerSentence)} | ${fmt(v.coreOnlyInstructionsPerSentence - v.coreOnlyNativeInstructionsPerSentence)} |`,
        `| heap allocated on the 32-bit build (16-byte slots + chunk bytes) | ${fmt(v.bytesAllocatedPerSentence, 1)} B | ${fmt(v.coreOnlyBytesAllocatedPerSentence, 1)} B |`,
        "",
        "Per stage (profiled: each stage's entry method wrapped, the counter read around it; the wrappers' own instructions are included, so the stages add up to more than the total). Since the common path frames, routes and encodes a sentence in one native call (`forwardText`) from the gateway's read loop, and the Beidou hook decodes the hot kinds in one (`fixes.c`), the wrapped methods see only the rare JS paths: nearly all of the cost lands in the last row (docs/board-performance.md splits it by stubbing steps out instead):",
        "",
        "| stage | RV32 instructions per sentence (profiled) |",
        "|---|---|",
      );
      for (const [k, n] of Object.entries(v.stages as Record<string, number>)) lines.push(`| ${k} | ${fmt(n)} |`);
      lines.push(
        "",
        `**Instructions to cycles (CoreMark).** CoreMark (EEMBC, \`../shared/coremark\`, port \`bench/coremark-rv32/\`) built for rv32imc and counted under the same QEMU (${fmt(v.coremark.iterations)} iterations, CRCs validated by CoreMark), RV32 instructions per iteration by build:`,
        "",
        "| CoreMark build | RV32 instructions / iteration | ESP32-C3 cycles / instruction | ESP32 cycles / instruction |",
        "|---|---|---|---|",
      );
      for (const [b, n] of Object.entries(v.coremark.instructionsPerIteration as Record<string, number>))
        lines.push(
          `| ${b} (\`${v.coremark.flags[b]}\`) | ${fmt(n)} | ${fmt(v.cyclesPerInstruction.esp32c3.perBuild[b], 3)} | ${fmt(v.cyclesPerInstruction.esp32.perBuild[b], 3)} |`,
        );
      lines.push(
        "",
        `Cycles per iteration on a chip = 10^6 / its CoreMark/MHz: ${v.chips.esp32c3.source}; ${v.chips.esp32.source}. ` +
          "The datasheets do not give the compiler flags of those scores, so the build with the fewest instructions per iteration (the highest cycles per instruction) is used, which does not understate the share; " +
          "for the ESP32 (Xtensa LX6) the figure is cycles per RV32-equivalent instruction of the same C. Not included: flash cache misses (XS runs from flash through the cache; CoreMark fits in it), interrupts and the UART/network drivers.",
        "",
        "| chip | cycles / instruction used | cycles per sentence | core share at the stream | core gateway alone |",
        "|---|---|---|---|---|",
      );
      for (const chip of ["esp32c3", "esp32"])
        lines.push(
          `| ${v.chips[chip].name} | ${fmt(v.cyclesPerInstruction[chip].used, 3)} (${v.cyclesPerInstruction[chip].usedBuild}) | ${fmt(v.coreShare[chip].cyclesPerSentence)} | **${pct(v.coreShare[chip].share)}** (${pct(v.coreShare[chip].shareLowestCpi)} at the lowest CPI) | ${pct(v.coreShareCoreOnly[chip])} |`,
        );
      if (v.cleanStream)
        lines.push(
          "",
          `**A clean terminal stream** beside the corpus (the corpus's valid sentences of <= 80 bytes, 16 per epoch, back to back, ${fmt(v.cleanStream.bytesPerSentence, 1)} bytes per sentence, chunked as the corpus; the corpus carries ~210 bytes per forwarded sentence with its noise, so ~1.7 UART reads each): **${fmt(v.cleanStream.instructionsPerSentence)}** RV32 instructions per sentence (native ${fmt(v.cleanStream.nativeInstructionsPerSentence)}, ${fmt(v.cleanStream.sentences)} sentences), at the 82-byte stream's rate **${pct(v.cleanStream.coreShare.esp32)}** of the ESP32 @240 MHz and ${pct(v.cleanStream.coreShare.esp32c3)} of the ESP32-C3 @160 MHz. The target is judged on the corpus figure above.`,
        );
    }
    lines.push(
      "",
      "The handler keeps up with the FIFO when the work for one FIFO's worth of bytes (at most two sentence ends in 128 bytes) finishes before the next 128 bytes arrive; headroom below 1x means bytes are lost on the board (the ESP32 serial driver has no software buffer).",
      "",
    );
  } else lines.push("Not measured in this run.", "");

  lines.push("## 4. End-to-end latency (host simulation)", "");
  if (l) {
    lines.push(
      "A socat pty written at the byte rate of the baud by the bench (time stamp when the sentence's CR is in the pty) -> the real `bd450 gateway` process -> UDP multicast on the loopback of a private network namespace (`unshare -rn`) -> listener sockets in the writing process (same clock). Datagrams mapped to sentences by the `n:` line count, each checked by content.",
      "",
    );
    lines.push(
      "| run | sentences | matched | p50 | p90 | p99 | max | p99 after the first 100 |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const [name, s] of [
      ["115200 baud, continuous", l.baud115200],
      ["921600 baud, burst", l.burst921600],
    ] as const) {
      if (!s) continue;
      lines.push(
        `| ${name} (${fmt(s.sentencesPerSecond, 0)} sentences/s) | ${fmt(s.sentences)} | ${fmt(s.matched)} | ${fmt(s.all.p50Ms, 3)} ms | ${fmt(s.all.p90Ms, 3)} ms | ${fmt(s.all.p99Ms, 3)} ms | ${fmt(s.all.maxMs, 2)} ms | ${fmt(s.afterWarmup.p99Ms, 3)} ms |`,
      );
    }
    lines.push("");
  } else lines.push("Not measured in this run.", "");

  lines.push("## 5. Scale of cost", "");
  lines.push("A cold process per size; the corpus replayed 1x, 10x, 100x through one gateway.", "");
  lines.push(
    "| copies | input bytes | sentences | wall s | CPU s | ns/sentence (wall, CPU) | bytes allocated/sentence | live heap after GC, start -> end |",
    "|---|---|---|---|---|---|---|---|",
  );
  for (const s of n.scale)
    lines.push(
      `| ${s.copies}x | ${fmt(s.inputBytes)} | ${fmt(s.sentences)} | ${fmt(s.seconds, 3)} | ${fmt(s.cpuSeconds, 3)} | ${fmt(s.nanosecondsPerSentence, 0)}, ${fmt(s.cpuNanosecondsPerSentence, 0)} | ${fmt(s.bytesPerSentence, 1)} | ${fmt(s.liveHeapStart)} -> ${fmt(s.liveHeapEnd)} (${s.liveHeapGrowth >= 0 ? "+" : ""}${fmt(s.liveHeapGrowth)}) |`,
    );
  const sc = n.scale as any[];
  if (sc.length >= 2) {
    const a10 = sc[sc.length - 2],
      a100 = sc[sc.length - 1];
    const growth = Math.max(...sc.map((v: any) => v.liveHeapGrowth));
    lines.push(
      "",
      `At 1x the time and allocation include JIT warm-up. From ${a10.copies}x to ${a100.copies}x the input grows ${a100.copies / a10.copies}x and the CPU time ${fmt(a100.cpuSeconds / a10.cpuSeconds, 2)}x ` +
        `(${fmt(a10.cpuNanosecondsPerSentence, 0)} -> ${fmt(a100.cpuNanosecondsPerSentence, 0)} CPU ns/sentence; wall time ${fmt(a100.seconds / a10.seconds, 2)}x); allocation per sentence ${fmt(a10.bytesPerSentence, 2)} -> ${fmt(a100.bytesPerSentence, 2)} B; ` +
        `the live heap after GC grows by at most ${fmt(growth)} bytes whatever the input size (the gateway's buffers and the compiled code), i.e. memory stays flat.`,
      "",
    );
  }
  lines.push(...filterMarkdown(r.filter));
  if (r.run.errors.length) lines.push("## Errors", "", ...r.run.errors.map((e: string) => `- ${e}`), "");
  fs.writeFileSync(file, lines.join("\n"));
}

// ---------------------------------------------------------------------------
// SVG: three panels. Plain SVG 1.1, no scripts, no external fonts.

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function writeSvg(file: string, r: any): void {
  const W = 960,
    H = 330,
    out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  const text = (x: number, y: number, s: string, o = "") =>
    out.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${o}>${esc(s)}</text>`);

  // Panel 1: throughput bars with min-max whiskers.
  {
    const x0 = 60,
      y0 = 40,
      _w = 220,
      h = 220;
    text(x0, 20, "Node throughput (sentences per CPU second)", 'font-weight="bold"');
    const t = r.node.throughput;
    const c = t.byCpuTime;
    const bars = [
      ["bd450 dec.", c.gateway, "#2b6cb0"],
      ["n-s bytes", c.nmeaSimpleSameBytes, "#c05621"],
      ["bd450 fr.", c.bd450, "#63b3ed"],
      ["n-s split", c.nmeaSimple, "#f6ad55"],
    ] as const;
    const max = Math.max(...bars.map((b) => b[1].max)) * 1.1;
    axisY(out, x0, y0, h, max);
    bars.forEach(([name, s, color], i) => {
      const bx = x0 + 10 + i * 52,
        bw = 36;
      const y = (v: number) => y0 + h - (v / max) * h;
      out.push(
        `<rect x="${bx}" y="${y(s.median).toFixed(1)}" width="${bw}" height="${(y0 + h - y(s.median)).toFixed(1)}" fill="${color}"/>`,
      );
      out.push(
        `<line x1="${bx + bw / 2}" x2="${bx + bw / 2}" y1="${y(s.min).toFixed(1)}" y2="${y(s.max).toFixed(1)}" stroke="black"/>`,
      );
      text(bx + bw / 2, y0 + h + 14, name, 'text-anchor="middle" font-size="9"');
    });
    text(
      x0,
      y0 + h + 32,
      `decoders on ${r.node.ratio}x, framing only ${r.node.framingOnly.ratio}x (same bytes); whiskers min-max`,
      'font-size="10"',
    );
  }
  // Panel 2: scale - ns/sentence and live heap vs copies.
  {
    const x0 = 380,
      y0 = 40,
      w = 220,
      h = 220;
    text(x0, 20, "Scale: cost per sentence, live heap", 'font-weight="bold"');
    const s = r.node.scale as any[];
    const nsOf = (v: any): number => v.cpuNanosecondsPerSentence ?? v.nanosecondsPerSentence;
    const maxNs = Math.max(...s.map(nsOf)) * 1.2;
    const maxHeap = Math.max(...s.map((v) => Math.max(v.liveHeapStart, v.liveHeapEnd))) * 1.2;
    axisY(out, x0, y0, h, maxNs, "ns");
    s.forEach((v, i) => {
      const bx = x0 + 15 + i * 70;
      const y = (val: number, m: number) => y0 + h - (val / m) * h;
      out.push(
        `<rect x="${bx}" y="${y(nsOf(v), maxNs).toFixed(1)}" width="26" height="${(y0 + h - y(nsOf(v), maxNs)).toFixed(1)}" fill="#2b6cb0"/>`,
      );
      out.push(
        `<rect x="${bx + 28}" y="${y(v.liveHeapEnd, maxHeap).toFixed(1)}" width="26" height="${(y0 + h - y(v.liveHeapEnd, maxHeap)).toFixed(1)}" fill="#9ae6b4"/>`,
      );
      text(bx + 27, y0 + h + 14, `${v.copies}x`, 'text-anchor="middle"');
      text(
        bx + 41,
        y(v.liveHeapEnd, maxHeap) - 3,
        `${(v.liveHeapEnd / 1e6).toFixed(1)}MB`,
        'text-anchor="middle" font-size="8"',
      );
    });
    text(x0, y0 + h + 32, "blue: CPU ns/sentence; green: live heap after GC at end", 'font-size="10"');
    void w;
  }
  // Panel 3: latency percentiles.
  {
    const x0 = 700,
      y0 = 40,
      h = 220;
    text(x0 - 20, 20, "End-to-end latency (ms)", 'font-weight="bold"');
    const l = r.latency;
    if (l) {
      const runs = [
        ["115200", l.baud115200],
        ["921600 burst", l.burst921600],
      ].filter((x) => x[1]) as Array<[string, any]>;
      const keys = ["p50Ms", "p90Ms", "p99Ms", "maxMs"];
      const max = Math.max(2.5, ...runs.map(([, s]) => s.all.maxMs)) * 1.1;
      axisY(out, x0, y0, h, max, "ms");
      const yv = (v: number) => y0 + h - (v / max) * h;
      out.push(
        `<line x1="${x0}" x2="${x0 + 240}" y1="${yv(2).toFixed(1)}" y2="${yv(2).toFixed(1)}" stroke="red" stroke-dasharray="4 3"/>`,
      );
      text(x0 + 200, yv(2) - 3, "2 ms", 'fill="red" font-size="9"');
      const colors = ["#2b6cb0", "#c05621"];
      runs.forEach(([name, s], ri) => {
        keys.forEach((k, ki) => {
          const bx = x0 + 10 + ki * 58 + ri * 22;
          out.push(
            `<rect x="${bx}" y="${yv(s.all[k]).toFixed(1)}" width="20" height="${(y0 + h - yv(s.all[k])).toFixed(1)}" fill="${colors[ri]}"/>`,
          );
        });
        text(x0 + 10 + ri * 120, y0 + h + 32, `■ ${name}`, `fill="${colors[ri]}" font-size="10"`);
      });
      keys.forEach((k, ki) => {
        text(x0 + 31 + ki * 58, y0 + h + 14, k.replace("Ms", ""), 'text-anchor="middle"');
      });
    } else text(x0, 120, "not measured");
  }
  out.push(
    `<text x="10" y="${H - 6}" font-size="9" fill="#555">${esc(`bd450 bench ${r.run.date}, ${r.run.machine.cpu}, ${r.run.machine.cores} cores, Node ${r.run.machine.node}; load ${r.run.loadAverageAtStart.join("/")}`)}</text>`,
  );
  out.push("</svg>");
  fs.writeFileSync(file, out.join("\n") + "\n");
}

function axisY(out: string[], x0: number, y0: number, h: number, max: number, unit = ""): void {
  out.push(`<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y0 + h}" stroke="#333"/>`);
  out.push(`<line x1="${x0}" x2="${x0 + 240}" y1="${y0 + h}" y2="${y0 + h}" stroke="#333"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4,
      y = y0 + h - (h * i) / 4;
    const label =
      v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)}k` : v.toFixed(v < 10 ? 1 : 0);
    out.push(
      `<text x="${x0 - 4}" y="${(y + 3).toFixed(1)}" text-anchor="end" font-size="9">${label}${unit && i === 4 ? " " + unit : ""}</text>`,
    );
    out.push(`<line x1="${x0}" x2="${x0 + 240}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eee"/>`);
  }
}
