// bd450 wrap: offline conversion for integrators. Reads a byte stream (a log of
// the terminal's UART) and writes exactly the datagrams the gateway would send,
// one line per datagram: "GROUP ADDRESS:PORT HEX". Counters go to stderr as JSON.
//
// Time offline: c: comes from --unix-time (or now); the gateway's monotonic clock,
// which @S filter rules and maxRate read, is the data's own time (DataClock): the
// UTC time of the GGA and RMC sentences seen so far. A log replays its own timeline,
// deterministically, however fast it is read (docs/filters.md).

import { gatewayHooks } from "../beidou/wiring";
import { Gateway } from "../core/gateway";
import { GROUPS } from "../core/groups";
import type { Clock } from "../core/io";
import { fixedClock, nodeClock } from "../platform/node/host";
import { validateConfig } from "../settings/settings";
import { formatUsage, type OptionSpec, parseCommand } from "./args";
import { CONFIG_OPTIONS, configFromOptions, readInput } from "./common";

const DAY_MS = 86400000;

/**
 * Monotonic time from the data: milliseconds of UTC time elapsed since the first
 * GGA/RMC time field (hhmmss[.s*]) of the stream; 0 before it. Steps across midnight
 * are unwrapped; a step back (a log restarting) holds the clock. now() is the wall clock given.
 */
export class DataClock implements Clock {
  private ms = 0;
  private last = -1;
  constructor(private readonly wall: Clock) {}

  now(): number {
    return this.wall.now();
  }

  monotonic(): number {
    return this.ms;
  }

  /** Every sentence from the terminal, before it is routed and filtered. */
  note(b: Uint8Array, length: number): void {
    if (length < 14 || b[6] !== 0x2c) return;
    const gga = b[3] === 0x47 && b[4] === 0x47 && b[5] === 0x41,
      rmc = b[3] === 0x52 && b[4] === 0x4d && b[5] === 0x43;
    if (!gga && !rmc) return;
    let d = 0;
    for (let i = 7; i < 13; i++) {
      const c = b[i] - 0x30;
      if (c < 0 || c > 9) return;
      d = d * 10 + c;
    }
    let frac = 0,
      scale = 1000,
      i = 13;
    if (b[i] === 0x2e)
      for (i++; i < length && b[i] >= 0x30 && b[i] <= 0x39; i++) {
        scale /= 10;
        frac += (b[i] - 0x30) * scale;
      }
    if (i < length && b[i] !== 0x2c && b[i] !== 0x2a) return;
    const hh = Math.floor(d / 10000),
      mm = Math.floor(d / 100) % 100,
      ss = d % 100;
    if (hh > 23 || mm > 59 || ss > 60) return;
    const t = (hh * 3600 + mm * 60 + ss) * 1000 + Math.round(frac);
    if (this.last >= 0) {
      let step = t - this.last;
      if (step < -DAY_MS / 2) step += DAY_MS;
      if (step > 0) this.ms += step;
    }
    this.last = t;
  }
}

const SPEC: Record<string, OptionSpec> = {
  ...CONFIG_OPTIONS,
  "unix-time": { type: "number", arg: "SECONDS", help: "fixed c: time for reproducible output (default: now)" },
  chunk: {
    type: "number",
    arg: "BYTES",
    help: "feed the framer in chunks of this size (as a UART would)",
    default: 4096,
  },
};

export const usage = formatUsage(
  "bd450 wrap [options] [FILE|-]",
  "Convert a byte stream into the IEC 61162-450 datagrams the gateway would send:\n" +
    "one line per datagram, GROUP ADDRESS:PORT HEX; then one JSON line of counters on stderr.",
  SPEC,
);

const HEX = "0123456789abcdef";

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage);
  if (!parsed) return 0;
  const { options, positional } = parsed;
  const config = configFromOptions(options);
  const errors = validateConfig(config);
  if (errors.length) throw new Error(`invalid configuration: ${errors.join("; ")}`);
  const input = await readInput(positional[0]);
  const clock = new DataClock(
    options["unix-time"] !== undefined ? fixedClock(Number(options["unix-time"]) * 1000) : nodeClock,
  );
  const hooks = gatewayHooks();
  const out: string[] = [];
  let pending = 0;
  const gw = new Gateway({
    config,
    clock,
    datagramViews: "cache",
    // The same decoders as the gateway: RDSS 4.0 frames go out as their 2.1 text.
    onUnit(kind, bytes, length) {
      if (kind === "sentence") clock.note(bytes, length);
      hooks.onUnit(kind, bytes, length);
    },
    convertFrame: hooks.convertFrame,
    frameCommands: hooks.frameCommands,
    fieldLimits: hooks.fieldLimits,
    routes: hooks.routes,
    onDatagram(bytes, length, group) {
      const g = GROUPS[group];
      let hex = "";
      for (let i = 0; i < length; i++) hex += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
      out.push(`${g.name} ${g.address}:${g.port} ${hex}\n`);
      if (++pending >= 512) {
        process.stdout.write(out.join(""));
        out.length = 0;
        pending = 0;
      }
    },
  });
  const chunk = Math.max(1, Number(options.chunk));
  for (let i = 0; i < input.length; i += chunk) gw.feed(input, i, Math.min(input.length, i + chunk));
  gw.framer.flush();
  process.stdout.write(out.join(""));
  process.stderr.write(JSON.stringify(gw.snapshot()) + "\n");
  return 0;
}
