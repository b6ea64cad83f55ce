// XS figures for the firmware: run the gateway over the whole NMEA corpus on XS and
// write bench/out/xs-figures.json. `node dist/hosttest/xs/xs-figures.js` prints
// them; the XS test suite calls writeXsFigures() too, and the benchmark helper can.

import * as fs from "node:fs";
import * as path from "node:path";
import { NMEA_CORPUS } from "../lib/paths";
import { chunkStream } from "./chunking";
import { measureGatewayOnXs, repoRoot, type XsFigures } from "./xs-harness";

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

export async function writeXsFigures(file = FIGURES_FILE): Promise<XsFigures> {
  const figures = await measureGatewayOnXs(corpusChunks());
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ measuredAt: new Date().toISOString(), ...figures }, null, 2) + "\n");
  return figures;
}

/**
 * XS creation sizes for the board from the figures (preloaded modules: their code
 * and tables are in flash, so only the running objects count). Assumptions, each
 * a named constant: the terminal line at 115200 baud carrying 70-byte sentences
 * back to back (the worst steady rate, ~165 sentences/s); platform objects (link,
 * UDP, console port, timers) and Moddable's own runtime objects, not measurable on
 * the host; a 1.5 margin; room for 1 s of slot garbage and 0.25 s of chunk garbage
 * at that rate between collections. ESP32 slots are 16 bytes.
 */
export const SIZING = {
  baud: 115200,
  sentenceBytes: 70,
  platformSlots: 400,
  runtimeSlots: 1000,
  consoleQueueBytes: 8192,
  platformChunkBytes: 10240,
  margin: 1.5,
  slotGarbageSeconds: 1,
  chunkGarbageSeconds: 0.25,
};

export function recommendCreation(f: XsFigures): { heapSlots: number; chunkBytes: number; sentencesPerSecond: number } {
  const rate = SIZING.baud / 10 / SIZING.sentenceBytes;
  const live = f.gatewayOwn;
  const slots =
    (live.slots + SIZING.platformSlots + SIZING.runtimeSlots) * SIZING.margin +
    f.slotsPerSentence * rate * SIZING.slotGarbageSeconds;
  const chunkPer = f.chunkBytesPerSentence ?? 0;
  const chunks =
    (live.chunkBytes + SIZING.consoleQueueBytes + SIZING.platformChunkBytes) * SIZING.margin +
    chunkPer * rate * SIZING.chunkGarbageSeconds;
  const roundUp = (x: number, q: number) => Math.ceil(x / q) * q;
  return { heapSlots: roundUp(slots, 512), chunkBytes: roundUp(chunks, 4096), sentencesPerSecond: rate };
}

export function formatFigures(f: XsFigures): string {
  const r = (x: number | null, d = 1) => (x === null ? "n/a" : x.toFixed(d));
  return [
    `XS figures (${f.engine}), ${f.sentencesMeasured} forwarded sentences in ${f.feedCommandsMeasured} commands:`,
    `  compute per sentence      ${r(f.computePerSentence, 0)} XS meter units`,
    `  allocated per sentence    ${r(f.slotsPerSentence, 2)} slots + ${r(f.chunkBytesPerSentence)} chunk bytes = ${r(f.bytesPerSentenceEsp32)} B on ESP32 (16-byte slots), ${r(f.bytesPerSentenceHost)} B here`,
    `  live heap, gateway own    ${f.gatewayOwn.slots} slots, ${f.gatewayOwn.chunkBytes} chunk bytes`,
    `  live heap, modules own    ${f.modulesOwn.slots} slots, ${f.modulesOwn.chunkBytes} chunk bytes (upper bound: bytecode is in flash on the board)`,
    `  live heap, whole machine  ${f.live.gatewayPeak.slots} slots, ${f.live.gatewayPeak.chunkBytes} chunk bytes (empty machine: ${f.live.empty.slots} slots, ${f.live.empty.chunkBytes} bytes)`,
    `  peak slot count           ${f.peakHeapCount} (garbage included)`,
    ...f.notes.map((n) => "  note: " + n),
    (() => {
      const r = recommendCreation(f);
      return `  creation for ESP32        heap.initial >= ${r.heapSlots} slots, chunk.initial >= ${r.chunkBytes} bytes (at ${r.sentencesPerSecond.toFixed(0)} sentences/s)`;
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
