// bd450 gateway: the real gateway as a Linux service on a real serial port.
// Same portable Gateway as the firmware, given the Node ECMA-419 adapters.

import * as os from "os";
import { Gateway } from "../core/gateway";
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
import { WebApp } from "../web/app";
import { nodeWebCrypto } from "../platform/node/web-crypto";
import { hostPages, parseWebAddress, startNodeWeb, type NodeWebServer } from "../platform/node/web";

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
  web: { type: "string", arg: "ADDR:PORT", help: "serve the web page on this unicast address (needs the webPass setting), e.g. 127.0.0.1:8450" },
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

/** Alert id as status lists it ("10001 terminalSilent", "10001.2 ..."), and acknowledge by that id. */
function alertId(a: { id: number; instance: number; key: string }): string {
  return `${a.id}${a.instance > 1 ? "." + a.instance : ""} ${a.key}`;
}

function acknowledgeAlert(side: NetworkSide, id: string): string | undefined {
  for (const a of side.alerts.active()) if (alertId(a) === id) return side.alerts.acknowledge(a.key, a.instance) ?? undefined;
  return "no such active alert";
}

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
  // Web page (--web): the listener outlives an in-process reboot; each boot brings its own WebApp.
  const webAt = options.web !== undefined ? parseWebAddress(String(options.web)) : undefined;
  if (webAt && "error" in webAt) throw new UsageError(webAt.error);
  let web: WebApp | undefined;
  let webServer: NodeWebServer | undefined;
  const pages = webAt ? hostPages() : undefined;

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
    // Host: Chinese-mode (GB2312) short messages are decoded to Unicode in the device state.
    const hooks = gatewayHooks({ silentAfter: config.alSilentS, noFixAfter: config.alNoFixS, checksumPercent: config.alCsumPct, decodeText: decodeGb2312 });
    gw = new Gateway({
      config,
      clock: nodeClock,
      timers: nodeTimers,
      log,
      onUnit: (kind, bytes, length, reason) => {
        hooks.onUnit(kind, bytes, length, reason);
        // Answers to console terminal operations (FKI, ICI, DWR).
        if (kind === "sentence" && con) con.terminalSentence(bytes, length);
      },
      // V8: cached exact-length views are ~20x cheaper than resizing an ArrayBuffer.
      datagramViews: "cache",
      // A 4.0 terminal answers in binary frames: their 2.1 text form goes to the console too.
      convertFrame: (frame, length, out) => {
        const n = hooks.convertFrame(frame, length, out);
        if (n > 0 && con) con.terminalSentence(out, n);
        return n;
      },
      serial: { io: NodeSerial, device: String(options.serial), baud: config.baud },
      udp: { io: NodeUDP, interface: config.iface || undefined, timeToLive: config.ttl },
      // Network side (issue 4): answers to network commands carry d:, legacy plain copy.
      destinationFor: (b, n) => net?.destinationFor(b, n),
      onDatagram: (b, n) => net?.onDatagram(b, n),
    });
    hooks.attach({ events: gw.events, timers: nodeTimers });
    net = new NetworkSide({
      gateway: gw, clock: nodeClock, timers: nodeTimers, device: hooks.wiring.state, hostname: os.hostname(),
      udp: { io: NodeUDP, interface: config.iface || undefined },
    });
    const side = net;
    detach = () => { hooks.wiring.detach(); side.stop(); };
    for (const p of store.problems) gw.events.add("settings.file", p);
    for (const p of loaded.problems) gw.events.add("settings.bad", p);
    gw.start();
    side.start();
    log(`gateway: ${options.serial} @ ${config.baud} baud -> 450 multicast as ${config.sfi}${config.iface ? " via " + config.iface : ""}; settings ${settingsPath}`);
    // Start-up commands (ICA, RMO) are sent by the core's start() when config.startupCmds is on.
    const host = new GatewayConsoleHost({
      gateway: gw, state: hooks.wiring.state, store, loaded, clock: nodeClock,
      heap: () => ({ used: process.memoryUsage().heapUsed }),
      network: () => hostNetwork(config.iface),
      // Network side (issue 4): receive counters and the BAM alert list.
      received: () => receivedCounts(side),
      resetNetwork: () => resetNetworkCounters(side),
      alerts: () => side.alerts.active().map((a) => ({ id: alertId(a), state: ALERT_STATES[a.state] ?? a.state, text: a.text })),
      acknowledge: (id) => acknowledgeAlert(side, id),
      // Outside the caller's own call: the console prints "rebooting..." first.
      reboot: () => setImmediate(reboot),
    });
    if (io) {
      const out = io;
      con = new Console({ host, write: (b) => out.write(b), clock: nodeClock, timers: nodeTimers, banner: `bd450 gateway ${config.sfi} console` });
      con.start();
    }
    if (webAt && pages) {
      const events = gw.events;
      web = new WebApp({ host, crypto: nodeWebCrypto, page: pages, clock: nodeClock, timers: nodeTimers, log: (code, text) => events.add(code, text) });
      syncWeb(webAt);
    }
  };
  // No password, no web server: listen only while webPass is set (checked at each boot).
  const syncWeb = (at: { address: string; port: number }) => {
    const want = web?.enabled ?? false;
    if (want && !webServer) {
      startNodeWeb(() => web, at.address, at.port).then(
        (srv) => { webServer = srv; log(`web: page at http://${srv.address}:${srv.port}/`); },
        (e: Error) => {
          log(`web: cannot listen on ${at.address}:${at.port}: ${e.message}`);
          gw.events.add("web.listen", `web page on ${at.address}:${at.port} failed: ${e.message}`);
        },
      );
    } else if (!want) {
      if (webServer) { void webServer.close(); webServer = undefined; }
      gw.events.add("web.off", "web page off: no webPass set (set webPass on the console or with bd450 config set)");
      log("web: off, no webPass set");
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
    web?.stop();
    web = undefined;
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
      web?.stop();
      void webServer?.close();
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
