// Firmware entry (Moddable runs the default export of the main module after setup;
// on Linux, lin/main.c calls it). Platform specifics come from platform/host (the
// manifest maps it to esp32/host or lin/host per target).
//
// Nothing here runs at module load, so the module may be preloaded. Start-up order:
// settings (NVS) -> gateway with the terminal UART (drained from the first byte,
// cable or not) -> Ethernet (static 172.16/12 address or DHCP) -> UDP socket when
// the link is ready -> console on its own UART. Every failure is logged and
// retried; none stops the UART path.

import { App } from "app/assemble";
import { loadSettings } from "console/persist";
import type { GatewayConfig } from "core/config";
import Instrumentation from "instrumentation";
import nativeBytes from "native/bytes";
import nativeFixes from "native/fixes";
import { log as hostLog, hostName, restart, Serial, TerminalSerial } from "platform/host";
import { defaultConfig, setSecretHasher, validateConfig } from "settings/settings";
import { passwordHasher } from "web/password";
import { readBoard, type UartPins } from "./board";
import { ConsolePort } from "./console-port";
import { EthernetLink } from "./link";
import { PreferenceSettings } from "./settings";
import { ModdableClock, ModdableTimers, utcOf } from "./timers";
import { type LinkUdpStats, linkUdpClass } from "./udp";
import { boardWebService, moddableWebCrypto } from "./web";

/** NVS namespace of bd450's settings. */
export const SETTINGS_DOMAIN = "bd450";

function log(line: string): void {
  hostLog(line);
}

/** Network keys whose default comes from the board file until the user saves settings. */
const BOARD_NETWORK_KEYS = ["ipMode", "ipAddr", "ipMask", "ipGateway"] as const;

/**
 * Pick the terminal UART: the board's (UART0 on the header pins) unless a debug or
 * instrumented build holds it ("port in use"), then the alternate one.
 */
function terminalPins(primary: UartPins, alternate: UartPins, baud: number): { pins: UartPins; note?: string } {
  try {
    new TerminalSerial({ ...primary, baud, format: "buffer" }).close();
    return { pins: primary };
  } catch (e) {
    return {
      pins: alternate,
      note: `terminal UART${primary.port} unavailable (${(e as Error).message}); using UART${alternate.port} RX ${alternate.receive} TX ${alternate.transmit}`,
    };
  }
}

function heapFigures(): { used?: number } | undefined {
  const slots = Instrumentation.map("XS Slot Heap Used");
  const chunks = Instrumentation.map("XS Chunk Heap Used");
  if (slots === undefined || chunks === undefined) return undefined;
  const s = Instrumentation.get(slots),
    c = Instrumentation.get(chunks);
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
  // Only the gateway (TAG c:, its event-log stamps) runs on the terminal-corrected wall clock.
  // The device state, network side and console compare wall times with each other (fix age,
  // the no-fix alert): they keep the uncorrected one, which never steps under them.
  const ageClock = { now: () => Date.now(), monotonic: () => clock.monotonic() };
  const link = new EthernetLink(
    { mode: config.ipMode, address: config.ipAddr, mask: config.ipMask, gateway: config.ipGateway },
    timers,
    log,
  );
  const udpStats: LinkUdpStats = { opens: 0, openFailures: 0, joinFailures: 0 };
  const port = new ConsolePort({ io: Serial, ...board.console });
  const app = new App({
    config,
    settings: { store, loaded },
    clock: ageClock,
    utcClock: clock,
    timers,
    log,
    // The platform's terminal serial (platform/host): on ESP32 ECMA-419 serial with an
    // interrupt-filled receive buffer (src/native/esp32/serial-ring) — Moddable's own Serial
    // reads the 128-byte FIFO directly, ~11 ms of data at 115200; on Linux the tty by path.
    // Its receive ring is sized from the baud rate there (serial-ring-core.c ringDefaultBytes:
    // 150 ms of line, at least 8 KB, so a 100 ms flash write loses nothing at 921600).
    serial: { io: TerminalSerial, ...term.pins, baud: config.baud },
    // The hot path's byte loops in C (src/native/bytes.c).
    bytes: nativeBytes,
    // The Beidou side's hot kinds decoded and applied in one call (src/native/fixes.c).
    beidou: { fixes: nativeFixes },
    // Sending socket and network side, through the link-aware UDP class.
    udp: { io: linkUdpClass(link, timers, log, udpStats) },
    platform: {
      reboot: restart,
      heap: heapFigures,
      clockSource: () =>
        clock.source === ""
          ? "not set (no valid RMC/ZDA from the terminal yet; no SNTP server setting)"
          : `set from the ${clock.source}'s RMC/ZDA, now ${new Date(clock.now()).toISOString()}`,
      network: () => ({
        link: `${link.state} (udp opens ${udpStats.opens}, open failures ${udpStats.openFailures})`,
        address: link.address() || (config.ipMode === "static" ? config.ipAddr + " (not up)" : "dhcp (none yet)"),
      }),
    },
    console: { channel: port, banner: `bd450 ${config.sfi} on ${board.name} console` },
    // Web page: only with a password, on a unicast TCP port (never a 450 group).
    services: [(a) => boardWebService(a, clock, timers)],
    problems: [
      ...board.problems.map((p) => ["board.config", p] as const),
      ...loaded.problems.map((p) => ["settings.bad", p] as const),
      ...invalid.map((p) => ["settings.bad", `${p}; running on defaults`] as const),
      ...(term.note ? [["serial.port", term.note] as const] : []),
    ],
  });
  try {
    port.open();
  } catch (e) {
    app.events.add(
      "console.port",
      `console ${board.console.device ?? "UART" + board.console.port} failed: ${(e as Error).message}`,
    );
  }
  app.start();
  // The wall clock (TAG c:) from the terminal's own time: RMC/ZDA date and time while the
  // RNSS fix is valid (checked once a second; steps only when off by more than 1 s).
  const st = app.beidou.state;
  timers.set(
    () => {
      if (!(Date.now() - st.lastValidFixAt < 1500)) return;
      const utc = utcOf(st.fixYear, st.fixMonth, st.fixDay, st.fixTime);
      const before = clock.now();
      if (clock.setFrom(utc, "terminal"))
        app.events.add(
          "clock.set",
          `clock set from the terminal's time (was off by ${Math.round((utc - before) / 1000)} s)`,
        );
    },
    1000,
    true,
  );
  link.onChange((state) =>
    app.events.add("net.link", `Ethernet ${state}${state === "ready" ? " " + link.address() : ""}`),
  );
  link.start();
  log(
    `bd450 (${hostName}): terminal ${term.pins.device ?? "UART" + term.pins.port} @ ${config.baud}, console ${board.console.device ?? (board.name === "lin" ? "none" : "UART" + board.console.port)}, ${config.ipMode === "static" ? config.ipAddr : "dhcp"}`,
  );
}
