// Where things are, for tests: the repo root and the read-only shared/ folder beside it
// (CI clones the repo elsewhere with a copy of shared/ next to it).
import * as path from "path";
import * as fs from "fs";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const SHARED = path.resolve(REPO_ROOT, "..", "shared");
export const NMEA_CORPUS = path.join(SHARED, "corpus", "nmea");
export const IEC450_CORPUS = path.join(SHARED, "corpus", "iec450");
export const BIN = path.join(REPO_ROOT, "bin", "bd450.js");

/** The corpus logs (every file but SOURCES.md), sorted. */
export function corpusLogs(): string[] {
  return fs.readdirSync(NMEA_CORPUS).filter((f) => f !== "SOURCES.md").sort().map((f) => path.join(NMEA_CORPUS, f));
}
