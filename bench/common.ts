// Shared pieces of the benchmarks: the corpus (where the tests find it: hosttest/lib/paths.ts),
// the gateway as the benches drive it (no serial, no socket opened), statistics helpers.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Gateway } from "../src/core/gateway";
import { makeConfig } from "../src/core/config";
import { fixedClock } from "../src/platform/node/host";
import { NodeUDP } from "../src/platform/node/udp";
import { assembleGateway } from "../src/cli/gateway";
import type { Clock, Timers } from "../src/core/io";
import { NMEA_CORPUS } from "../hosttest/lib/paths";

/** Repository root (dist/bench -> ../..). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const BENCH_DIR = path.join(REPO_ROOT, "bench");
/** Fixed wall clock for the c: TAG parameter (2026-01-01T00:00:00Z). */
export const EPOCH_MS = 1767225600000;
/** Bytes per Gateway.feed call: the size the serial path drains at once (RX_CHUNK in src/core/gateway.ts). */
export const FEED_CHUNK = 512;

/** Every corpus log (not SOURCES.md), concatenated in name order, as the terminal would send them. */
export function loadCorpus(): { bytes: Uint8Array; files: number } {
  const names = fs.readdirSync(NMEA_CORPUS).filter((f) => f !== "SOURCES.md").sort();
  const parts = names.map((f) => fs.readFileSync(path.join(NMEA_CORPUS, f)));
  return { bytes: new Uint8Array(Buffer.concat(parts)), files: names.length };
}

export interface BenchGateway {
  gateway: Gateway;
  /** Datagrams and their bytes seen by onDatagram (kept observable so nothing is optimised away). */
  sink: { datagrams: number; bytes: number; check: number };
}

/** The production Gateway as the Node host configures it, no serial and no socket: datagrams end in onDatagram. */
export function benchGateway(onSentence?: (bytes: Uint8Array, length: number) => void, clock: Clock = fixedClock(EPOCH_MS)): BenchGateway {
  const sink = { datagrams: 0, bytes: 0, check: 0 };
  const gateway = new Gateway({
    config: makeConfig(),
    clock,
    // As the Node host runs it (src/cli/gateway.ts): cached exact-length datagram views,
    // because V8's ArrayBuffer.resize (the board's allocation-free choice) costs ~400 ns.
    datagramViews: "cache",
    onUnit: onSentence ? (kind, bytes, length) => { if (kind === "sentence") onSentence(bytes, length); } : undefined,
    onDatagram(bytes, length) {
      sink.datagrams++;
      sink.bytes += length;
      sink.check ^= bytes[length - 3];
    },
  });
  return { gateway, sink };
}

/** Timers that never fire: the 1 s state and alert ticks are not per-sentence work, and a bench child must be able to exit. */
const NO_TIMERS: Timers = { set: () => 0, clear: () => undefined };

/**
 * The whole gateway as `bd450 gateway` assembles it (src/cli/gateway.ts assembleGateway:
 * Beidou sentence and 4.0 frame decoders, device state, network side hooks), default
 * configuration, fed through gateway.feed(): no serial port, and start() is never called,
 * so no socket is opened and datagrams end in the network side's onDatagram (as after a send).
 */
export function assembledGateway(clock: Clock = fixedClock(EPOCH_MS)): BenchGateway {
  const a = assembleGateway(makeConfig(), { clock, timers: NO_TIMERS, udp: { io: NodeUDP } });
  // The gateway's datagram counters stand for the sink (onDatagram belongs to the network side here).
  const c = a.gateway.encoderCounters;
  return { gateway: a.gateway, sink: { get datagrams() { return c.datagrams; }, get bytes() { return c.bytes; }, get check() { return c.bytes & 0xff; } } };
}

/** Feed `bytes` through the gateway in FEED_CHUNK slices. */
export function feedAll(gw: Gateway, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += FEED_CHUNK) gw.feed(bytes, i, Math.min(bytes.length, i + FEED_CHUNK));
}

/** The checksum-valid sentences the gateway forwards from the corpus, as strings (latin-1, no CR LF). */
export function forwardedSentences(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const { gateway } = benchGateway((b, n) => out.push(Buffer.from(b.subarray(0, n)).toString("latin1")));
  feedAll(gateway, bytes);
  gateway.framer.flush();
  return out;
}

export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile (q in 0..1). */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  samples: number[];
}

export function spread(xs: number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75), samples: xs };
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
  };
}

/** Round to `d` significant-ish decimals for the JSON (keeps it readable). */
export function round(x: number, d = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
