// Shared pieces of the benchmarks: the corpus (hosttest/corpus, in the repository, found
// through hosttest/lib/paths.ts as the tests find it), the gateway as the benches drive it
// (no serial port, no socket opened), statistics helpers.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NMEA_CORPUS } from "../hosttest/lib/paths";
import { App } from "../src/app/assemble";
import { defaultRoutes } from "../src/beidou/table";
import { loadSettings } from "../src/console/persist";
import { makeConfig } from "../src/core/config";
import { Gateway } from "../src/core/gateway";
import type { Clock, Timers } from "../src/core/io";
import { decodeGb2312 } from "../src/platform/node/gb2312";
import { fixedClock } from "../src/platform/node/host";
import { SettingsFile } from "../src/platform/node/settings-file";
import { NodeUDP } from "../src/platform/node/udp";

/** Repository root (dist/bench -> ../..). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const BENCH_DIR = path.join(REPO_ROOT, "bench");
/** Fixed wall clock for the c: TAG parameter (2026-01-01T00:00:00Z). */
export const EPOCH_MS = 1767225600000;
/** Bytes per Gateway.feed call: the size the serial path drains at once (RX_CHUNK in src/core/gateway.ts). */
export const FEED_CHUNK = 512;

/** Every corpus log (not SOURCES.md), concatenated in name order, as the terminal would send them. */
export function loadCorpus(): { bytes: Uint8Array; files: number } {
  const names = fs
    .readdirSync(NMEA_CORPUS)
    .filter((f) => f !== "SOURCES.md")
    .sort();
  const parts = names.map((f) => fs.readFileSync(path.join(NMEA_CORPUS, f)));
  return { bytes: new Uint8Array(Buffer.concat(parts)), files: names.length };
}

export interface BenchGateway {
  gateway: Gateway;
  /** Datagrams and their bytes seen by onDatagram (kept observable so nothing is optimised away). */
  sink: { datagrams: number; bytes: number; check: number };
}

/** The production Gateway as the Node host configures it, no serial and no socket: datagrams end in onDatagram. */
export function benchGateway(
  onSentence?: (bytes: Uint8Array, length: number) => void,
  clock: Clock = fixedClock(EPOCH_MS),
): BenchGateway {
  const sink = { datagrams: 0, bytes: 0, check: 0 };
  const gateway = new Gateway({
    config: makeConfig(),
    clock,
    // As the Node host runs it (src/cli/gateway.ts): cached exact-length datagram views,
    // because V8's ArrayBuffer.resize (the board's allocation-free choice) costs ~400 ns.
    datagramViews: "cache",
    routes: defaultRoutes(),
    onUnit: onSentence
      ? (kind, bytes, length) => {
          if (kind === "sentence") onSentence(bytes, length);
        }
      : undefined,
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
 * The whole gateway as `bd450 gateway` runs it: the same portable assembly (src/app/assemble.ts
 * App: Beidou sentence and 4.0 frame decoders, device state, network side and its hooks) with
 * the same Node pieces as src/cli/gateway.ts (NodeUDP, "cache" datagram views, GB2312 text,
 * default settings from an absent settings file), fed through gateway.feed(): no serial port,
 * and start() is never called, so no socket is opened and each datagram ends in the
 * assembly's onDatagram hook as after a send. No console (the CLI's is optional too).
 */
export function assembledGateway(clock: Clock = fixedClock(EPOCH_MS)): BenchGateway {
  const store = new SettingsFile(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bd450-bench-")), "no-settings-file"));
  const loaded = loadSettings(store);
  const app = new App({
    config: loaded.config,
    settings: { store, loaded },
    clock,
    timers: NO_TIMERS,
    log: () => undefined,
    udp: { io: NodeUDP, interface: loaded.config.iface },
    datagramViews: "cache",
    beidou: { decodeText: decodeGb2312 },
    hostname: os.hostname(),
    platform: { reboot: () => undefined },
  });
  const c = app.gateway.encoderCounters;
  return {
    gateway: app.gateway,
    sink: {
      get datagrams() {
        return c.datagrams;
      },
      get bytes() {
        return c.bytes;
      },
      get check() {
        return c.bytes & 0xff;
      },
    },
  };
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
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
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
  return {
    median: median(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    q1: quantile(xs, 0.25),
    q3: quantile(xs, 0.75),
    samples: xs,
  };
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
