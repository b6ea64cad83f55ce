// bd450 wrap: offline conversion for integrators. Reads a byte stream (a log of
// the terminal's UART) and writes exactly the datagrams the gateway would send,
// one line per datagram: "GROUP ADDRESS:PORT HEX". Counters go to stderr as JSON.

import { Gateway } from "../core/gateway";
import { GROUPS } from "../core/groups";
import { fixedClock, nodeClock } from "../platform/node/host";
import { formatUsage, parseArgs, type OptionSpec } from "./args";
import { gatewayHooks } from "../beidou/wiring";
import { CONFIG_OPTIONS, configFromOptions, readInput } from "./common";

const SPEC: Record<string, OptionSpec> = {
  ...CONFIG_OPTIONS,
  "unix-time": { type: "number", arg: "SECONDS", help: "fixed c: time for reproducible output (default: now)" },
  chunk: { type: "number", arg: "BYTES", help: "feed the framer in chunks of this size (as a UART would)", default: 4096 },
};

export const usage = formatUsage(
  "bd450 wrap [options] [FILE|-]",
  "Convert a byte stream into the IEC 61162-450 datagrams the gateway would send:\n" +
    "one line per datagram, GROUP ADDRESS:PORT HEX; then one JSON line of counters on stderr.",
  SPEC,
);

const HEX = "0123456789abcdef";

export async function run(argv: string[]): Promise<number> {
  const { options, positional, help } = parseArgs(argv, SPEC);
  if (help) { process.stdout.write(usage); return 0; }
  const config = configFromOptions(options);
  const input = await readInput(positional[0]);
  const clock = options["unix-time"] !== undefined ? fixedClock(Number(options["unix-time"]) * 1000) : nodeClock;
  const hooks = gatewayHooks();
  const out: string[] = [];
  let pending = 0;
  const gw = new Gateway({
    config, clock, datagramViews: "cache",
    // The same decoders as the gateway: RDSS 4.0 frames go out as their 2.1 text.
    onUnit: hooks.onUnit, convertFrame: hooks.convertFrame, fieldLimits: hooks.fieldLimits,
    onDatagram(bytes, length, group) {
      const g = GROUPS[group];
      let hex = "";
      for (let i = 0; i < length; i++) hex += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
      out.push(`${g.name} ${g.address}:${g.port} ${hex}\n`);
      if (++pending >= 512) { process.stdout.write(out.join("")); out.length = 0; pending = 0; }
    },
  });
  const chunk = Math.max(1, Number(options.chunk));
  for (let i = 0; i < input.length; i += chunk) gw.feed(input, i, Math.min(input.length, i + chunk));
  gw.framer.flush();
  process.stdout.write(out.join(""));
  process.stderr.write(JSON.stringify(gw.snapshot()) + "\n");
  return 0;
}
