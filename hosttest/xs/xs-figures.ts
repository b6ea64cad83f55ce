// XS figures for the firmware: run the gateway over the whole NMEA corpus on XS and
// write bench/out/xs-figures.json. `node dist/hosttest/xs/xs-figures.js` prints
// them; the XS test suite calls writeXsFigures() too, and the benchmark helper can.

import * as fs from "node:fs";
import * as path from "node:path";
import { NMEA_CORPUS } from "../lib/paths";
import { chunkStream } from "./chunking";
import { commandPlan, type HeapFigure, measureGatewayOnXs, repoRoot, type XsFigures } from "./xs-harness";
import { OP_GC, OP_INIT } from "./xs-host";
import { runMessagesOnXsh, rv32Binary } from "./xsh";

export const FIGURES_FILE = path.join(repoRoot, "bench", "out", "xs-figures.json");

/** The corpus as UART chunks, the same chunking as the XS gateway test. */
export function corpusChunks(): Uint8Array[] {
  const dir = NMEA_CORPUS;
  const chunks: Uint8Array[] = [];
  fs.readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .forEach((f, i) => {
      chunks.push(...chunkStream(new Uint8Array(fs.readFileSync(path.join(dir, f))), 1000 + i));
    });
  return chunks;
}

/** Corpus chunks fed to the firmware on the RV32 host before its live heap is read (see measureLive32). */
export const LIVE32_CHUNKS = 200;

/**
 * The gateway's own live heap at the board's sizes: the firmware wiring (native byte
 * helpers, as on the board) on XS built for rv32imc — the ESP32-C3's instruction set, a
 * 32-bit XS with the board's 16-byte slots and 8-byte chunk headers — under QEMU: started,
 * fed the first LIVE32_CHUNKS corpus chunks, collected; minus the same run with the UART
 * bytes dropped. xsnap's 64-bit figure (gatewayOwn) counts 32-byte slots inside arrays and
 * 16-byte chunk headers, so its chunk bytes are only an upper bound. Undefined with the
 * reason when no RV32 host can be built here.
 */
export function measureLive32(all: Uint8Array[]): { live?: HeapFigure; reason?: string } {
  const bin = rv32Binary();
  if (!bin.path) return { reason: bin.reason };
  const chunks = all.slice(0, LIVE32_CHUNKS);
  const run = (mode: "gateway" | "discard"): HeapFigure => {
    const text = JSON.stringify({ mode, capture: false, config: { tagTime: true } });
    const init = new Uint8Array(1 + text.length);
    init[0] = OP_INIT;
    for (let i = 0; i < text.length; i++) init[1 + i] = text.charCodeAt(i);
    const kinds = ["init"],
      messages: Uint8Array[] = [init];
    for (const step of commandPlan(chunks, {})) {
      kinds.push(step.kind);
      messages.push(step.message);
    }
    kinds.push("gc");
    messages.push(new Uint8Array([OP_GC]));
    // Each command's change of slots / chunk bytes in use; summed: the live heap after
    // the last collection minus the one before the first command (the same in both runs).
    const r = runMessagesOnXsh(kinds, messages, { native: true, rv32: true });
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    return { slots: sum(r.slots), chunkBytes: sum(r.chunks) };
  };
  const gw = run("gateway"),
    base = run("discard");
  return { live: { slots: gw.slots - base.slots, chunkBytes: gw.chunkBytes - base.chunkBytes } };
}

/** Adds the 32-bit live heap to xsnap's figures, or a note on why there is none. */
export function addLive32(figures: XsFigures, chunks: Uint8Array[]): XsFigures {
  const l32 = measureLive32(chunks);
  if (l32.live) figures.live32 = l32.live;
  else figures.notes.push(`no 32-bit live heap (${l32.reason}): the chunk figure is xsnap's 64-bit upper bound`);
  return figures;
}

export async function writeXsFigures(file = FIGURES_FILE): Promise<XsFigures> {
  const chunks = corpusChunks();
  const figures = addLive32(await measureGatewayOnXs(chunks), chunks);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ measuredAt: new Date().toISOString(), ...figures }, null, 2) + "\n");
  return figures;
}

/**
 * XS creation sizes for the board from the figures. Preloaded modules' code and tables
 * are in flash, so only the running objects count:
 *
 *   live       the gateway's own live heap, measured: slots from xsnap over the whole corpus
 *              (a slot count is the same at any word size), chunk bytes at the board's sizes
 *              (measureLive32) plus what the live heap grew by over the whole corpus on xsnap
 *              (gatewayGrowth, 64-bit: an upper bound; 0 in the runs so far: everything is
 *              made at start). Without the RV32 host, xsnap's 64-bit chunk bytes (upper bound).
 *   estimates  platform objects (link, UDP, console port, timers, web server) and Moddable's
 *              own runtime objects, not measurable on the host; the console's output queue at
 *              its bound (ConsolePort maxQueued).
 *   margin     1.2 over both: with incremental 0, XS collects when a heap is full and aborts
 *              only when the live heap does not fit, so the room above the live heap is for
 *              what the corpus does not reach (a full event log, web sessions, a status
 *              answer being built) and sets how often the collector runs: the gateway
 *              allocates a few bytes per sentence (slotsPerSentence, chunkBytesPerSentence),
 *              so ~20 % free lasts many seconds at the worst rate below.
 *   garbage    1 s of slot and 0.25 s of chunk allocation at the worst steady rate: the
 *              terminal line at 115200 baud carrying 70-byte sentences back to back
 *              (~165 sentences/s). ESP32 slots are 16 bytes.
 */
export const SIZING = {
  baud: 115200,
  sentenceBytes: 70,
  platformSlots: 400,
  runtimeSlots: 1000,
  consoleQueueBytes: 8192,
  platformChunkBytes: 10240,
  margin: 1.2,
  slotGarbageSeconds: 1,
  chunkGarbageSeconds: 0.25,
};

export function recommendCreation(f: XsFigures): {
  heapSlots: number;
  chunkBytes: number;
  sentencesPerSecond: number;
  liveChunkBytes: number;
  chunkSource: string;
} {
  const rate = SIZING.baud / 10 / SIZING.sentenceBytes;
  const live = f.gatewayOwn;
  const slots =
    (live.slots + SIZING.platformSlots + SIZING.runtimeSlots) * SIZING.margin +
    f.slotsPerSentence * rate * SIZING.slotGarbageSeconds;
  const liveChunkBytes = f.live32 ? f.live32.chunkBytes + f.gatewayGrowth.chunkBytes : live.chunkBytes;
  const chunkPer = f.chunkBytesPerSentence ?? 0;
  const chunks =
    (liveChunkBytes + SIZING.consoleQueueBytes + SIZING.platformChunkBytes) * SIZING.margin +
    chunkPer * rate * SIZING.chunkGarbageSeconds;
  const roundUp = (x: number, q: number) => Math.ceil(x / q) * q;
  return {
    heapSlots: roundUp(slots, 128),
    chunkBytes: roundUp(chunks, 1024),
    sentencesPerSecond: rate,
    liveChunkBytes,
    chunkSource: f.live32 ? "32-bit XS (RV32 host) + growth" : "xsnap 64-bit (upper bound)",
  };
}

export function formatFigures(f: XsFigures): string {
  const r = (x: number | null, d = 1) => (x === null ? "n/a" : x.toFixed(d));
  return [
    `XS figures (${f.engine}), ${f.sentencesMeasured} forwarded sentences in ${f.feedCommandsMeasured} commands:`,
    `  compute per sentence      ${r(f.computePerSentence, 0)} XS meter units`,
    `  allocated per sentence    ${r(f.slotsPerSentence, 2)} slots + ${r(f.chunkBytesPerSentence)} chunk bytes = ${r(f.bytesPerSentenceEsp32)} B on ESP32 (16-byte slots), ${r(f.bytesPerSentenceHost)} B here`,
    `  live heap, gateway own    ${f.gatewayOwn.slots} slots, ${f.gatewayOwn.chunkBytes} chunk bytes (xsnap, 64-bit; grew ${f.gatewayGrowth.slots} slots, ${f.gatewayGrowth.chunkBytes} bytes over the run)`,
    `  live heap, 32-bit XS      ${f.live32 ? `${f.live32.slots} slots, ${f.live32.chunkBytes} chunk bytes = ${f.live32.slots * 16 + f.live32.chunkBytes} B on the board (RV32 host, first ${LIVE32_CHUNKS} chunks)` : "n/a"}`,
    `  live heap, modules own    ${f.modulesOwn.slots} slots, ${f.modulesOwn.chunkBytes} chunk bytes (upper bound: bytecode is in flash on the board)`,
    `  live heap, whole machine  ${f.live.gatewayPeak.slots} slots, ${f.live.gatewayPeak.chunkBytes} chunk bytes (empty machine: ${f.live.empty.slots} slots, ${f.live.empty.chunkBytes} bytes)`,
    `  peak slot count           ${f.peakHeapCount} (garbage included)`,
    ...f.notes.map((n) => "  note: " + n),
    (() => {
      const r = recommendCreation(f);
      return `  creation for ESP32        heap.initial >= ${r.heapSlots} slots, chunk.initial >= ${r.chunkBytes} bytes (live chunks ${r.liveChunkBytes} B from ${r.chunkSource}; at ${r.sentencesPerSecond.toFixed(0)} sentences/s)`;
    })(),
  ].join("\n");
}

if (require.main === module) {
  writeXsFigures().then(
    (f) => {
      console.log(formatFigures(f));
      console.log(`written to ${path.relative(process.cwd(), FIGURES_FILE)}`);
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
