// bd450 gateway: the real gateway as a Linux service on a real serial port.
// Same portable Gateway as the firmware, given the Node ECMA-419 adapters.

import { Gateway } from "../core/gateway";
import { nodeClock, nodeTimers } from "../platform/node/host";
import { NodeSerial } from "../platform/node/serial";
import { NodeUDP } from "../platform/node/udp";
import { formatUsage, parseArgs, UsageError, type OptionSpec } from "./args";
import { beidouHooks, CONFIG_OPTIONS, configFromOptions } from "./common";

const SPEC: Record<string, OptionSpec> = {
  serial: { type: "string", arg: "PATH", help: "serial device of the Beidou terminal, e.g. /dev/ttyUSB0" },
  baud: { type: "number", help: "UART baud rate", default: 115200 },
  interface: { type: "string", arg: "ADDR", help: "IPv4 address of the interface for multicast (default: OS route)" },
  ttl: { type: "number", help: "multicast TTL", default: 1 },
  ...CONFIG_OPTIONS,
  stats: { type: "number", arg: "SECONDS", help: "print counters as a JSON line on stderr every SECONDS (0: off)", default: 0 },
  duration: { type: "number", arg: "SECONDS", help: "stop after SECONDS (0: run until SIGINT/SIGTERM)", default: 0 },
  "startup-cmds": { type: "boolean", help: "send ICA and RMO to the terminal at start-up (--no-startup-cmds to skip)" },
};

export const usage = formatUsage(
  "bd450 gateway --serial PATH [--baud N] [--sfi XX0000] [--interface ADDR] [options]",
  "Read the Beidou terminal on PATH and send every valid sentence as IEC 61162-450\n" +
    "UDP multicast (UdPbC, TAG s:/n:/c:). Stops cleanly on SIGINT/SIGTERM and prints\n" +
    "its counters. Events (serial lost, send failures) are logged on stderr.",
  SPEC,
);

export async function run(argv: string[]): Promise<number> {
  const { options, help } = parseArgs(argv, SPEC);
  if (help) { process.stdout.write(usage); return 0; }
  if (!options.serial) throw new UsageError("--serial PATH is required");
  const config = configFromOptions(options);
  if (options["startup-cmds"] !== undefined) config.startupCmds = Boolean(options["startup-cmds"]);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const gw = new Gateway({
    config,
    clock: nodeClock,
    timers: nodeTimers,
    log,
    ...beidouHooks(),
    serial: { io: NodeSerial, device: String(options.serial), baud: config.baud },
    udp: { io: NodeUDP, interface: config.iface || undefined, timeToLive: config.ttl },
  });
  gw.start();
  log(`gateway: ${options.serial} @ ${config.baud} baud -> 450 multicast as ${config.sfi}${config.iface ? " via " + config.iface : ""}`);
  if (config.startupCmds) {
    // Ask for the IC card and enable beam status output (issue: start-up commands).
    gw.sendToTerminal("$CCICA,0,00*7B");
    gw.sendToTerminal("$CCRMO,BSI,2,10*17");
  }

  return new Promise<number>((resolve) => {
    let statsTimer: NodeJS.Timeout | undefined;
    let stopTimer: NodeJS.Timeout | undefined;
    const stop = (why: string) => {
      if (statsTimer) clearInterval(statsTimer);
      if (stopTimer) clearTimeout(stopTimer);
      process.off("SIGINT", onSig);
      process.off("SIGTERM", onSig);
      gw.stop();
      log(`gateway stopped (${why})`);
      process.stderr.write(JSON.stringify({ final: true, ...gw.snapshot() }) + "\n");
      resolve(0);
    };
    const onSig = (sig: string) => stop(sig);
    process.on("SIGINT", onSig);
    process.on("SIGTERM", onSig);
    const every = Number(options.stats);
    if (every > 0) statsTimer = setInterval(() => process.stderr.write(JSON.stringify(gw.snapshot()) + "\n"), every * 1000);
    const d = Number(options.duration);
    if (d > 0) stopTimer = setTimeout(() => stop("duration"), d * 1000);
  });
}
