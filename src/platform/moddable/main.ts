// Firmware entry (Moddable runs the default export of the main module after setup).
//
// Nothing here runs at module load, so the module may be preloaded. Start-up order:
// settings (NVS) -> gateway with the terminal UART (drained from the first byte,
// cable or not) -> Ethernet (static 172.16/12 address or DHCP) -> UDP socket when
// the link is ready -> console on its own UART. Every failure is logged and
// retried; none stops the UART path.

import Instrumentation from "instrumentation";
import { Gateway } from "core/gateway";
import { NetworkSide } from "core/netside";
import type { GatewayConfig } from "core/config";
import type { SerialClass } from "core/io";
import { gatewayHooks, UNIT_SENTENCE } from "beidou/wiring";
import { Console } from "console/console";
import { GatewayConsoleHost } from "console/gateway-host";
import { loadSettings } from "console/persist";
import { defaultConfig, setSecretHasher, validateConfig } from "console/settings";
import { passwordHasher } from "web/password";
import { readBoard, type UartPins } from "./board";
import { ConsolePort } from "./console-port";
import { EthernetLink } from "./link";
import { PreferenceSettings } from "./settings";
import { ModdableClock, ModdableTimers } from "./timers";
import { linkUdpClass, type LinkUdpStats } from "./udp";
import { moddableWebCrypto, startBoardWeb } from "./web";

/** NVS namespace of bd450's settings. */
export const SETTINGS_DOMAIN = "bd450";

function log(line: string): void {
  trace(line + "\n");
}

/** Network keys whose default comes from the board file until the user saves settings. */
const BOARD_NETWORK_KEYS = ["ipMode", "ipAddr", "ipMask", "ipGateway"] as const;

/**
 * Pick the terminal UART: the board's (UART0 on the header pins) unless a debug or
 * instrumented build holds it ("port in use"), then the alternate one.
 */
function terminalPins(primary: UartPins, alternate: UartPins, baud: number): { pins: UartPins; note?: string } {
  try {
    new device.io.Serial({ ...primary, baud, format: "buffer" }).close();
    return { pins: primary };
  } catch (e) {
    return { pins: alternate, note: `terminal UART${primary.port} unavailable (${(e as Error).message}); using UART${alternate.port} RX ${alternate.receive} TX ${alternate.transmit}` };
  }
}

function heapFigures(): { used?: number } | undefined {
  const slots = Instrumentation.map("XS Slot Heap Used");
  const chunks = Instrumentation.map("XS Chunk Heap Used");
  if (slots === undefined || chunks === undefined) return undefined;
  const s = Instrumentation.get(slots), c = Instrumentation.get(chunks);
  return s === undefined || c === undefined ? undefined : { used: s + c };
}

export default function main(): void {
  // `set webPass ...` on the console stores a salted PBKDF2 hash made with the SDK's crypt modules.
  setSecretHasher(passwordHasher(moddableWebCrypto));
  const board = readBoard();
  const clock = new ModdableClock();
  const timers = new ModdableTimers();
  const store = new PreferenceSettings(SETTINGS_DOMAIN);
  const loaded = loadSettings(store);
  let config: GatewayConfig = loaded.config;
  const stored = new Set(store.keys());
  const rec = config as unknown as Record<string, string>;
  for (const k of BOARD_NETWORK_KEYS) if (!stored.has(k)) rec[k] = board[k];
  if (!stored.has("baud")) config.baud = board.terminalBaud;
  const invalid = validateConfig(config);
  if (invalid.length) {
    // Stored settings that break a rule must not brick the gateway: run on defaults.
    config = defaultConfig();
    const d = config as unknown as Record<string, string>;
    for (const k of BOARD_NETWORK_KEYS) d[k] = board[k];
    config.baud = board.terminalBaud;
  }

  const term = terminalPins(board.terminal, board.terminalAlt, config.baud);
  const hooks = gatewayHooks({ clock, silentAfter: config.alSilentS, noFixAfter: config.alNoFixS, checksumPercent: config.alCsumPct });
  const link = new EthernetLink(
    { mode: config.ipMode, address: config.ipAddr, mask: config.ipMask, gateway: config.ipGateway },
    timers,
    log,
  );
  const udpStats: LinkUdpStats = { opens: 0, openFailures: 0, joinFailures: 0 };
  let con: Console | undefined;
  let net: NetworkSide | undefined;

  const gw = new Gateway({
    config,
    clock,
    timers,
    // Every log line also goes to syslog when configured (network side, issue 4).
    log: (line) => { log(line); net?.logLine(line); },
    // Answers to network commands carry d: = requesting SFI; optional legacy plain copy.
    destinationFor: (b, n) => net?.destinationFor(b, n),
    onDatagram: (b, n) => net?.onDatagram(b, n),
    onUnit: (kind, bytes, length, reason) => {
      hooks.onUnit(kind, bytes, length, reason);
      if (kind === UNIT_SENTENCE && con) con.terminalSentence(bytes, length);
    },
    convertFrame: hooks.convertFrame,
    // Moddable's Serial has the ECMA-419 shape the core declares; the option types
    // differ only in what each side makes optional.
    serial: { io: device.io.Serial as unknown as SerialClass, ...term.pins, baud: config.baud },
    udp: { io: linkUdpClass(link, timers, log, udpStats), timeToLive: config.ttl },
  });
  hooks.attach({ events: gw.events, timers });
  // Network side: command groups + CAM1/CAM2 received through the same link-aware UDP class.
  net = new NetworkSide({ gateway: gw, clock, timers, device: hooks.wiring.state, udp: { io: linkUdpClass(link, timers, log, udpStats) } });
  for (const p of board.problems) gw.events.add("board.config", p);
  for (const p of loaded.problems) gw.events.add("settings.bad", p);
  for (const p of invalid) gw.events.add("settings.bad", `${p}; running on defaults`);
  if (term.note) gw.events.add("serial.port", term.note);
  gw.start();
  net.start();
  link.onChange((state) => gw.events.add("net.link", `Ethernet ${state}${state === "ready" ? " " + link.address() : ""}`));
  link.start();

  const port = new ConsolePort({
    ...board.console,
    onInput: (bytes, length) => con?.receive(bytes, 0, length),
  });
  const host = new GatewayConsoleHost({
    gateway: gw,
    state: hooks.wiring.state,
    store,
    loaded,
    clock,
    reboot: () => System.restart(),
    heap: heapFigures,
    network: () => ({
      link: `${link.state} (udp opens ${udpStats.opens}, open failures ${udpStats.openFailures})`,
      address: link.address() || (config.ipMode === "static" ? config.ipAddr + " (not up)" : "dhcp (none yet)"),
    }),
  });
  con = new Console({
    host,
    write: (b) => port.write(b),
    clock,
    timers,
    banner: `bd450 ${config.sfi} on ${board.name} console`,
  });
  try {
    port.open();
    con.start();
  } catch (e) {
    gw.events.add("console.port", `console UART${board.console.port} failed: ${(e as Error).message}`);
  }
  // Web page: only with a password, on a unicast TCP port (never a 450 group).
  if (config.webPort > 0 && config.webPass !== "") {
    try {
      startBoardWeb({ host, clock, timers, port: config.webPort, log: (code, text) => gw.events.add(code, text) });
      gw.events.add("web", `web page on TCP port ${config.webPort}`);
    } catch (e) {
      gw.events.add("web.listen", `web page on TCP port ${config.webPort} failed: ${(e as Error).message}`);
    }
  } else gw.events.add("web.off", config.webPass === "" ? "web page off: no webPass set" : "web page off: webPort 0");
  log(`bd450: terminal UART${term.pins.port} @ ${config.baud}, console UART${board.console.port}, ${config.ipMode === "static" ? config.ipAddr : "dhcp"}`);
}
