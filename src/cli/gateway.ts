// bd450 gateway: the real gateway as a Linux service on a real serial port.
// Same portable Gateway as the firmware, given the Node ECMA-419 adapters.

import * as os from "os";
import { Gateway, type GatewayOptions } from "../core/gateway";
import type { GatewayConfig } from "../core/config";
import type { Clock, LogSink, Timers, UDPClass } from "../core/io";
import { NetworkSide } from "../core/netside";
import { GROUPS } from "../core/groups";
import { gatewayHooks } from "../beidou/wiring";
import { Console } from "../console/console";
import { GatewayConsoleHost } from "../console/gateway-host";
import { loadSettings } from "../console/persist";
import { validateConfig } from "../console/settings";
import { nodeClock, nodeTimers } from "../platform/node/host";
import { NodeSerial } from "../platform/node/serial";
import { NodeUDP } from "../platform/node/udp";
import { decodeGb2312 } from "../platform/node/gb2312";
import { openConsoleIO, type ConsoleIO } from "../platform/node/console-io";
import { SettingsFile, defaultSettingsPath } from "../platform/node/settings-file";
import { formatUsage, parseArgs, UsageError, type OptionSpec } from "./args";
import { CONFIG_OPTIONS, configFromOptions } from "./common";

const SPEC: Record<string, OptionSpec> = {
  serial: { type: "string", arg: "PATH", help: "serial device of the Beidou terminal, e.g. /dev/ttyUSB0" },
  baud: { type: "number", help: "UART baud rate (default: from the settings file, else 115200)" },
  interface: { type: "string", arg: "ADDR", help: "IPv4 address of the interface for multicast (default: OS route)" },
  ttl: { type: "number", help: "multicast TTL (default: from the settings file, else 1)" },
  console: { type: "string", arg: "PATH|stdio", help: "serial console on a tty/pty PATH, or on this terminal (stdio)" },
  config: { type: "string", arg: "FILE", help: "settings file (default: $XDG_CONFIG_HOME/bd450/config or ~/.config/bd450/config)" },
  ...CONFIG_OPTIONS,
  stats: { type: "number", arg: "SECONDS", help: "print counters as a JSON line on stderr every SECONDS (0: off)", default: 0 },
  duration: { type: "number", arg: "SECONDS", help: "stop after SECONDS (0: run until SIGINT/SIGTERM)", default: 0 },
  "startup-cmds": { type: "boolean", help: "send ICA and RMO to the terminal at start-up (--no-startup-cmds to skip)" },
};

export const usage = formatUsage(
  "bd450 gateway --serial PATH [--baud N] [--sfi XX0000] [--interface ADDR] [options]",
  "Read the Beidou terminal on PATH and send every valid sentence as IEC 61162-450\n" +
    "UDP multicast (UdPbC, TAG s:/n:/c:). Stops cleanly on SIGINT/SIGTERM and prints\n" +
    "its counters. Events (serial lost, send failures) are logged on stderr.\n" +
    "Settings load from the settings file (--config); options given here override them\n" +
    "for this run. --console opens the configuration console (help, show config, set,\n" +
    "save, status, ...) on a serial device or pty, e.g. the far end of\n" +
    "  socat pty,raw,echo=0,link=/tmp/con pty,raw,echo=0,link=/tmp/con-user\n" +
    "reached with: picocom /tmp/con-user (or screen /tmp/con-user 115200).",
  SPEC,
);

/** Link state of the multicast interface as the host sees it (console `status`). */
function hostNetwork(iface: string): { link: string; address: string } {
  if (!iface) return { link: "OS routing (no interface pinned)", address: "OS default route" };
  for (const [name, addrs] of Object.entries(os.networkInterfaces()))
    for (const a of addrs ?? []) if (a.address === iface) return { link: `up (${name})`, address: iface };
  return { link: "down: address not configured on this host", address: iface };
}

const ALERT_STATES: Record<string, string> = {
  V: "active, unacknowledged", S: "active, silenced", A: "active, acknowledged", O: "active, responsibility transferred", U: "rectified, unacknowledged",
};

/** Console `status` network figures from the network side: datagrams in per group, receive and command errors. */
function receivedCounts(side: NetworkSide): { in: Record<string, number>; errors: Record<string, number> } {
  const r = side.receiver.counters;
  const inPerGroup: Record<string, number> = {};
  for (let g = 1; g < side.perGroupIn.length; g++) if (side.perGroupIn[g]) inPerGroup[GROUPS[g].name] = side.perGroupIn[g];
  const errors: Record<string, number> = { discarded: r.discarded, commandsRejected: side.counters.commandsRejected, netSendErrors: side.counters.sendErrors };
  return { in: inPerGroup, errors };
}

/** `counters reset` on the console: the network side's counters too. */
function resetNetworkCounters(side: NetworkSide): void {
  const zero = (o: Record<string, unknown>) => { for (const k in o) if (typeof o[k] === "number") o[k] = 0; };
  zero(side.counters as unknown as Record<string, unknown>);
  zero(side.counters.rejects as unknown as Record<string, unknown>);
  zero(side.receiver.counters as unknown as Record<string, unknown>);
  side.perGroupIn.fill(0);
}

/** The gateway as this command assembles it (also measured by bench/, without serial and without opening sockets). */
export interface GatewayAssembly {
  gateway: Gateway;
  hooks: ReturnType<typeof gatewayHooks>;
  net: NetworkSide;
}

/**
 * Gateway + Beidou decoders and device state + network side, wired as `bd450 gateway`
 * runs them. Nothing is opened here: `gateway.start()` / `net.start()` open the serial
 * port and the sockets. bench/ feeds `gateway.feed()` directly to measure this same wiring.
 */
export function assembleGateway(config: GatewayConfig, p: {
  clock: Clock; timers: Timers; log?: LogSink;
  serial?: GatewayOptions["serial"];
  udp: { io: UDPClass; interface?: string; timeToLive?: number };
  terminalSentence?: (bytes: Uint8Array, length: number) => void;
}): GatewayAssembly {
  // Host: Chinese-mode (GB2312) short messages are decoded to Unicode in the device state.
  const hooks = gatewayHooks({ silentAfter: config.alSilentS, noFixAfter: config.alNoFixS, checksumPercent: config.alCsumPct, decodeText: decodeGb2312, clock: p.clock });
  const toConsole = p.terminalSentence;
  let net: NetworkSide | undefined;
  const gateway = new Gateway({
    config,
    clock: p.clock,
    timers: p.timers,
    log: p.log,
    onUnit: (kind, bytes, length, reason) => {
      hooks.onUnit(kind, bytes, length, reason);
      if (kind === "sentence" && toConsole) toConsole(bytes, length);
    },
    // V8: cached exact-length views are ~20x cheaper than resizing an ArrayBuffer.
    datagramViews: "cache",
    // A 4.0 terminal answers in binary frames: their 2.1 text form goes to the console too.
    convertFrame: (frame, length, out) => {
      const n = hooks.convertFrame(frame, length, out);
      if (n > 0 && toConsole) toConsole(out, n);
      return n;
    },
    serial: p.serial,
    udp: p.udp,
    // Network side (issue 4): answers to network commands carry d:, legacy plain copy.
    destinationFor: (b, n) => net?.destinationFor(b, n),
    onDatagram: (b, n) => net?.onDatagram(b, n),
  });
  hooks.attach({ events: gateway.events, timers: p.timers });
  net = new NetworkSide({
    gateway, clock: p.clock, timers: p.timers, device: hooks.wiring.state, hostname: os.hostname(),
    udp: { io: p.udp.io, interface: p.udp.interface },
  });
  return { gateway, hooks, net };
}

export async function run(argv: string[]): Promise<number> {
  const { options, help } = parseArgs(argv, SPEC);
  if (help) { process.stdout.write(usage); return 0; }
  if (!options.serial) throw new UsageError("--serial PATH is required");
  const settingsPath = options.config ? String(options.config) : defaultSettingsPath();
  let net: NetworkSide | undefined;
  const log = (line: string) => {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
    net?.logLine(line); // syslog copy when configured
  };
  let gw!: Gateway;
  let detach = () => {};
  let con: Console | undefined;
  let io: ConsoleIO | undefined;

  // Settings file + explicit options -> a record that passes every schema rule.
  const configure = () => {
    const store = new SettingsFile(settingsPath);
    const loaded = loadSettings(store);
    const config = configFromOptions(options, loaded.config);
    if (options["startup-cmds"] !== undefined) config.startupCmds = Boolean(options["startup-cmds"]);
    const errors = validateConfig(config);
    if (errors.length) throw new UsageError(`invalid configuration: ${errors.join("; ")}`);
    return { store, loaded, config };
  };
  const boot = (s: ReturnType<typeof configure>) => {
    const { store, loaded, config } = s;
    const a = assembleGateway(config, {
      clock: nodeClock, timers: nodeTimers, log,
      serial: { io: NodeSerial, device: String(options.serial), baud: config.baud },
      udp: { io: NodeUDP, interface: config.iface || undefined, timeToLive: config.ttl },
      // Answers to console terminal operations (FKI, ICI, DWR; 4.0 frames as their 2.1 text).
      terminalSentence: (b, n) => con?.terminalSentence(b, n),
    });
    gw = a.gateway;
    net = a.net;
    const hooks = a.hooks;
    const side = net;
    detach = () => { hooks.wiring.detach(); side.stop(); };
    for (const p of store.problems) gw.events.add("settings.file", p);
    for (const p of loaded.problems) gw.events.add("settings.bad", p);
    gw.start();
    side.start();
    log(`gateway: ${options.serial} @ ${config.baud} baud -> 450 multicast as ${config.sfi}${config.iface ? " via " + config.iface : ""}; settings ${settingsPath}`);
    // Start-up commands (ICA, RMO) are sent by the core's start() when config.startupCmds is on.
    if (io) {
      const out = io;
      const host = new GatewayConsoleHost({
        gateway: gw, state: hooks.wiring.state, store, loaded, clock: nodeClock,
        heap: () => ({ used: process.memoryUsage().heapUsed }),
        network: () => hostNetwork(config.iface),
        // Network side (issue 4): receive counters and the BAM alert list.
        received: () => receivedCounts(side),
        resetNetwork: () => resetNetworkCounters(side),
        alerts: () => side.alerts.active().map((a) => ({ id: `${a.id}${a.instance > 1 ? "." + a.instance : ""} ${a.key}`, state: ALERT_STATES[a.state] ?? a.state, text: a.text })),
        // Outside the console's own call: the console prints "rebooting..." first.
        reboot: () => setImmediate(reboot),
      });
      con = new Console({ host, write: (b) => out.write(b), clock: nodeClock, timers: nodeTimers, banner: `bd450 gateway ${config.sfi} console` });
      con.start();
    }
  };
  // Console `reboot`: the gateway restarts in-process with the stored settings (the
  // console device stays open, as a USB console survives a board reset on the PC side).
  const reboot = () => {
    log("gateway: reboot requested from the console");
    let next: ReturnType<typeof configure>;
    try {
      next = configure();
    } catch (e) {
      log(`gateway: reboot refused, stored settings invalid: ${(e as Error).message}`);
      return;
    }
    gw.stop();
    detach();
    con?.close();
    con = undefined;
    boot(next);
  };

  const first = configure();
  if (options.console) io = openConsoleIO({ target: String(options.console), onData: (b) => con?.receive(b), log });
  boot(first);

  return new Promise<number>((resolve) => {
    let statsTimer: NodeJS.Timeout | undefined;
    let stopTimer: NodeJS.Timeout | undefined;
    const stop = (why: string) => {
      if (statsTimer) clearInterval(statsTimer);
      if (stopTimer) clearTimeout(stopTimer);
      process.off("SIGINT", onSig);
      process.off("SIGTERM", onSig);
      gw.stop();
      detach();
      io?.close();
      log(`gateway stopped (${why})`);
      process.stderr.write(JSON.stringify({ final: true, ...gw.snapshot(), network: net?.snapshot() }) + "\n");
      resolve(0);
    };
    const onSig = (sig: string) => stop(sig);
    process.on("SIGINT", onSig);
    process.on("SIGTERM", onSig);
    const every = Number(options.stats);
    if (every > 0) statsTimer = setInterval(() => process.stderr.write(JSON.stringify({ ...gw.snapshot(), network: net?.snapshot() }) + "\n"), every * 1000);
    const d = Number(options.duration);
    if (d > 0) stopTimer = setTimeout(() => stop("duration"), d * 1000);
  });
}
