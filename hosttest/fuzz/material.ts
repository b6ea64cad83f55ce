// Raw material for the fuzz targets, read once from the corpus (hosttest/corpus):
// real receiver lines (valid and invalid) from the NMEA corpus, RDSS lines from the
// built-in terminal mix (long TXR, raw GB2312), and 450 datagrams from the pcap
// corpus.

import * as fs from "fs";
import * as path from "path";
import { makeConfig } from "../../src/core/config";
import { Gateway } from "../../src/core/gateway";
import { readPcap } from "../../src/core/pcap";
import { fixedClock } from "../../src/platform/node/host";
import { BuiltinMix } from "../../src/sim/mix";
import { corpusLogs, IEC450_CORPUS } from "../lib/paths";
import { referenceSentences } from "../lib/strict-reader";

export interface Material {
  /** Checksum-valid sentences (no line end), distinct, corpus + RDSS mix. */
  valid: Uint8Array[];
  /** Every non-empty line of the corpus logs as it was (valid or not, no line end). */
  lines: Uint8Array[];
  /** UDP payloads of the iec450 pcap corpus (conformant and not). */
  captures: Uint8Array[];
  /** Datagrams the gateway's encoder made from corpus sentences (all conformant). */
  encoded: Uint8Array[];
}

let cached: Material | undefined;

function latin1Bytes(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, "latin1"));
}

export function material(): Material {
  if (cached) return cached;
  const validSet = new Set<string>();
  const lineSet = new Set<string>();
  for (const file of corpusLogs()) {
    const data = fs.readFileSync(file);
    for (const s of referenceSentences(data, 300)) validSet.add(s);
    for (const l of data.toString("latin1").split(/\r?\n|\r/)) if (l.length > 0 && l.length < 400) lineSet.add(l);
  }
  const mix = new BuiltinMix({ noiseEvery: 3 });
  const mixBytes: Uint8Array[] = [];
  for (let e = 0; e < 121; e++) mixBytes.push(...mix.next());
  const mixAll = Buffer.concat(mixBytes);
  for (const s of referenceSentences(mixAll, 300)) validSet.add(s);
  // Keep the pool moderate: every distinct sentence kind is represented many times over.
  const valid = Array.from(validSet).slice(0, 20000).map(latin1Bytes);
  const lines = Array.from(lineSet).slice(0, 20000).map(latin1Bytes);

  const captures: Uint8Array[] = [];
  for (const f of fs
    .readdirSync(IEC450_CORPUS)
    .filter((n) => n.endsWith(".pcap"))
    .sort()) {
    readPcap(new Uint8Array(fs.readFileSync(path.join(IEC450_CORPUS, f))), (p) =>
      captures.push(Uint8Array.from(p.payload)),
    );
  }

  // Encoder output for a few thousand real sentences (carriage of long/GB2312 ones included).
  const encoded: Uint8Array[] = [];
  const gw = new Gateway({
    config: makeConfig({ sfi: "GP0042" }),
    clock: fixedClock(1700000000000),
    onDatagram: (b, n) => encoded.push(b.slice(0, n)),
  });
  for (let i = 0; i < valid.length && encoded.length < 3000; i += 5) gw.forward(valid[i], valid[i].length);
  cached = { valid, lines, captures, encoded };
  return cached;
}
