// XS figures for the firmware: run the gateway over the whole NMEA corpus on XS and
// write bench/out/xs-figures.json. `node dist/hosttest/xs/xs-figures.js` prints
// them; the XS test suite calls writeXsFigures() too, and the benchmark helper can.

import * as fs from "node:fs";
import * as path from "node:path";
import { chunkStream } from "./chunking";
import { XsFigures, measureGatewayOnXs, repoRoot } from "./xs-harness";

export const FIGURES_FILE = path.join(repoRoot, "bench", "out", "xs-figures.json");

/** The corpus as UART chunks, the same chunking as the XS gateway test. */
export function corpusChunks(): Uint8Array[] {
  const dir = path.resolve(repoRoot, "../shared/corpus/nmea");
  const chunks: Uint8Array[] = [];
  fs.readdirSync(dir).filter((f) => f.endsWith(".log")).sort().forEach((f, i) => {
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
  ].join("\n");
}

if (require.main === module) {
  writeXsFigures().then((f) => {
    console.log(formatFigures(f));
    console.log(`written to ${path.relative(process.cwd(), FIGURES_FILE)}`);
  }, (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
