// bd450 gateway: the real gateway as a Linux service on a real serial port.
// Same portable Gateway as the firmware, given the Node ECMA-419 adapters.

import * as os from "node:os";
import { App } from "../app/assemble";
import { loadSettings } from "../console/persist";
import { type ConsoleIO, openConsoleIO } from "../platform/node/console-io";
import { decodeGb2312 } from "../platform/node/gb2312";
import { nodeClock, nodeTimers } from "../platform/node/host";
import { NodeSerial } from "../platform/node/serial";
import { defaultSettingsPath, SettingsFile } from "../platform/node/settings-file";
import { NodeUDP } from "../platform/node/udp";
import { HostWeb, parseWebAddress } from "../platform/node/web";
import { validateConfig } from "../settings/settings";
import { formatUsage, type OptionSpec, parseCommand, UsageError } from "./args";
import { CONFIG_FILE_OPTION, CONFIG_OPTIONS, configFromOptions, stopTrigger } from "./common";

const SPEC: Record<string, OptionSpec> = {
  serial: { type: "string", arg: "PATH", help: "serial device of the Beidou terminal, e.g. /dev/ttyUSB0" },
  baud: { type: "number", help: "UART baud rate (default: from the settings file, else 115200)" },
  interface: { type: "string", arg: "ADDR", help: "IPv4 address of the interface for multicast (default: OS route)" },
  ttl: { type: "number", help: "multicast TTL (default: from the settings file, else 1)" },
  console: { type: "string", arg: "PATH|stdio", help: "serial console on a tty/pty PATH, or on this terminal (stdio)" },
  config: CONFIG_FILE_OPTION,
  ...CONFIG_OPTIONS,
  stats: {
    type: "number",
    arg: "SECONDS",
    help: "print counters as a JSON line on stderr every SECONDS (0: off)",
    default: 0,
  },
  duration: { type: "number", arg: "SECONDS", help: "stop after SECONDS (0: run until SIGINT/SIGTERM)", default: 0 },
  web: {
    type: "string",
    arg: "ADDR:PORT",
    help: "serve the web page on this unicast address (needs the webPass setting), e.g. 127.0.0.1:8450",
  },
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

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage);
  if (!parsed) return 0;
  const { options } = parsed;
  if (!options.serial) throw new UsageError("--serial PATH is required");
  const settingsPath = options.config ? String(options.config) : defaultSettingsPath();
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let io: ConsoleIO | undefined;
  const webAt = options.web !== undefined ? parseWebAddress(String(options.web)) : undefined;
  if (webAt && "error" in webAt) throw new UsageError(webAt.error);
  const web = webAt ? new HostWeb(webAt.address, webAt.port, log) : undefined;

  // Settings file + explicit options -> a record that passes every schema rule.
  const configure = () => {
    const store = new SettingsFile(settingsPath);
    const loaded = loadSettings(store);
    // A copy: the options are this run's; loaded.config stays what the file holds (what save keeps).
    const config = configFromOptions(options, { ...loaded.config });
    if (options["startup-cmds"] !== undefined) config.startupCmds = Boolean(options["startup-cmds"]);
    const errors = validateConfig(config);
    if (errors.length) throw new UsageError(`invalid configuration: ${errors.join("; ")}`);
    return { store, loaded, config };
  };
  const boot = ({ store, loaded, config }: ReturnType<typeof configure>) => {
    const app = new App({
      config,
      settings: { store, loaded },
      clock: nodeClock,
      timers: nodeTimers,
      log,
      serial: { io: NodeSerial, device: String(options.serial), baud: config.baud },
      udp: { io: NodeUDP, interface: config.iface },
      // V8: cached exact-length views are ~20x cheaper than resizing an ArrayBuffer.
      datagramViews: "cache",
      // Host: Chinese-mode (GB2312) short messages are decoded to Unicode in the device state.
      beidou: { decodeText: decodeGb2312 },
      hostname: os.hostname(),
      platform: {
        heap: () => ({ used: process.memoryUsage().heapUsed }),
        network: () => hostNetwork(config.iface),
        // Outside the console's own call: the console prints "rebooting..." first.
        reboot: () => setImmediate(reboot),
      },
      console: io ? { channel: io, banner: `bd450 gateway ${config.sfi} console` } : undefined,
      services: web ? [(a) => web.service(a)] : undefined,
      problems: [
        ...store.problems.map((p) => ["settings.file", p] as const),
        ...loaded.problems.map((p) => ["settings.bad", p] as const),
      ],
    });
    app.start();
    log(
      `gateway: ${options.serial} @ ${config.baud} baud -> 450 multicast as ${config.sfi}${config.iface ? " via " + config.iface : ""}; settings ${settingsPath}`,
    );
    return app;
  };
  // Console `reboot`: the gateway restarts in-process with the stored settings (the
  // console device stays open, as a USB console survives a board reset on the PC side).
  const reboot = () => {
    log("gateway: reboot requested (console or web page)");
    let next: ReturnType<typeof configure>;
    try {
      next = configure();
    } catch (e) {
      log(`gateway: reboot refused, stored settings invalid: ${(e as Error).message}`);
      return;
    }
    app.stop();
    app = boot(next);
  };

  const first = configure();
  // Listening before the start line is printed: a stop sent on seeing it must find a handler.
  const trigger = stopTrigger(Number(options.duration));
  if (options.console) io = openConsoleIO({ target: String(options.console), log });
  let app = boot(first);

  const every = Number(options.stats);
  const statsTimer =
    every > 0
      ? setInterval(() => process.stderr.write(JSON.stringify(app.snapshot()) + "\n"), every * 1000)
      : undefined;
  const why = await trigger.reason;
  trigger.dispose();
  if (statsTimer) clearInterval(statsTimer);
  app.stop();
  io?.close();
  await web?.close();
  log(`gateway stopped (${why})`);
  process.stderr.write(JSON.stringify({ final: true, ...app.snapshot() }) + "\n");
  return 0;
}
