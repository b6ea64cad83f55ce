// Where things are, for tests: the repo root and the test corpus the repository carries
// (hosttest/corpus: byte-identical copies of third-party logs and captures, see its README).

import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const CORPUS = path.join(REPO_ROOT, "hosttest", "corpus");
export const NMEA_CORPUS = path.join(CORPUS, "nmea");
export const IEC450_CORPUS = path.join(CORPUS, "iec450");
export const BIN = path.join(REPO_ROOT, "bin", "bd450.js");

/** The corpus logs (receiver output: .log and .ubx; not SOURCES.md), sorted. */
export function corpusLogs(): string[] {
  return fs
    .readdirSync(NMEA_CORPUS)
    .filter((f) => /\.(log|ubx)$/.test(f))
    .sort()
    .map((f) => path.join(NMEA_CORPUS, f));
}
