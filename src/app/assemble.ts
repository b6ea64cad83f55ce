// The whole gateway, assembled once: terminal path (Gateway), Beidou decoding and
// device state, network side (commands, answers, alerts, legacy UDP, syslog),
// console host and console. Portable: the platforms (Node CLI, the board's main,
// the XS harness, the Moddable Linux build) give their IO classes, clock, timers,
// settings store and a few host facts, and nothing else.
//
// Built in dependency order, so no part needs a reference filled in later:
//   event log -> syslog / legacy / answer routes (what the Gateway's hooks call)
//   -> Beidou wiring (needs the event log) -> Gateway -> NetworkSide -> console host -> console.
// One edge points back: the console sends commands through the gateway and hears the
// terminal's answers from it; the Beidou wiring reaches it through `listener`, a
// slot filled when the console is made (TerminalListener, src/beidou/wiring.ts).

import { beidouAlerts } from "../beidou/alerts";
import { reencodeCommand } from "../beidou/reencode";
import { answeredCommands, defaultRoutes, RDSS40_COMMAND_KEYS, TEXT_FIELD_LIMITS } from "../beidou/table";
import { BeidouWiring, type BeidouWiringOptions, startupCommandsFor } from "../beidou/wiring";
import { Console } from "../console/console";
import { GatewayConsoleHost } from "../console/gateway-host";
import type { LoadedSettings } from "../console/persist";
import type { ByteHelpers } from "../core/bytes";
import type { GatewayConfig } from "../core/config";
import type { DatagramViews } from "../core/encoder";
import { EventLog } from "../core/eventlog";
import { Gateway, type GatewayOptions } from "../core/gateway";
import { GROUPS } from "../core/groups";
import { zero } from "../core/helpers";
import type { Clock, SettingsStore, Timers, UDPClass } from "../core/io";
import { NetworkSide, networkParts } from "../core/netside";
import { routeTable } from "../core/router";

/** A byte channel to the console user (serial port, pty, stdio, a web socket...). */
export interface ConsoleChannel {
  /** Bytes for the user's terminal. */
  write(bytes: Uint8Array): void;
  /** The assembly connects the console's input here; the channel calls it with typed bytes. */
  connect(input: (bytes: Uint8Array, start: number, end: number) => void): void;
}

/** What the platform knows that the portable code cannot (console `status`, `reboot`). */
export interface PlatformFacts {
  /** Restart the gateway (board reset; in-process restart on the host). */
  reboot(): void;
  heap?(): { used?: number; free?: number; peak?: number } | undefined;
  network?(): { link: string; address: string };
  /** One line on where the wall clock comes from (console `status`), when the platform sets it. */
  clockSource?(): string;
}

/** An extra service run with the gateway (a web page, a metrics exporter...). */
export interface AppService {
  start?(): void;
  stop?(): void;
}

export interface AppOptions {
  /** The running configuration; it has passed every schema rule (validateConfig). */
  config: GatewayConfig;
  /** Where `save` writes, and what the loader returned (unknown keys are kept). */
  settings: { store: SettingsStore; loaded: LoadedSettings };
  clock: Clock;
  /**
   * Wall clock for the gateway's TAG c: and its event-log stamps when it differs from `clock`
   * (the board corrects it from the terminal's RMC/ZDA: a step that ages measured on `clock`
   * — fix age, the no-fix alert — must not see). Default: `clock`.
   */
  utcClock?: Clock;
  timers: Timers;
  /** Every system-log event as one "code: text" line (trace, stderr, a test's hash). */
  log(line: string): void;
  /** Terminal UART: ECMA-419 Serial class + its options (baud comes from config when absent). */
  serial?: GatewayOptions["serial"];
  /** ECMA-419 UDP class for the sending socket and the network side's sockets. */
  udp?: { io: UDPClass; interface?: string };
  /** See EncoderOptions.datagramViews ("cache" on Node). */
  datagramViews?: DatagramViews;
  /** The hot path's byte loops: the board passes its native ones (src/native/bytes.js); default TypeScript. */
  bytes?: ByteHelpers;
  /** Beidou decoding options beyond the alert thresholds (e.g. decodeText: GB2312 on the host). */
  beidou?: Omit<BeidouWiringOptions, "clock" | "events" | "silentAfter" | "noFixAfter" | "checksumPercent">;
  /** Syslog HOSTNAME (default: the SFI). */
  hostname?: string;
  platform: PlatformFacts;
  /** The serial console, when this build has one. */
  console?: { channel: ConsoleChannel; banner: string };
  /** Extra services, made once the gateway exists; started after it, stopped before it. */
  services?: ReadonlyArray<(app: App) => AppService>;
  /** Settings-file and board problems, logged as events before start. */
  problems?: ReadonlyArray<readonly [code: string, text: string]>;
}

const ALERT_STATES: Record<string, string> = {
  V: "active, unacknowledged",
  S: "active, silenced",
  A: "active, acknowledged",
  O: "active, responsibility transferred",
  U: "rectified, unacknowledged",
};

/** The decoded sentences' default groups as the router's table, made once at module load (preload: in flash on the board). */
const ROUTES = routeTable(defaultRoutes());

/** Alert id as status lists it: "10001 terminalSilent", "10001.2 ..." for a second instance. */
function alertId(a: { id: number; instance: number; key: string }): string {
  return `${a.id}${a.instance > 1 ? "." + a.instance : ""} ${a.key}`;
}

export class App {
  readonly config: GatewayConfig;
  readonly events: EventLog;
  readonly beidou: BeidouWiring;
  readonly gateway: Gateway;
  readonly network: NetworkSide;
  /** The ConsoleHost over this gateway: the console and any other front end (web) use it. */
  readonly host: GatewayConsoleHost;
  readonly console?: Console;
  readonly services: AppService[] = [];
  private readonly o: AppOptions;

  constructor(o: AppOptions) {
    this.o = o;
    const { config, clock, timers } = o;
    this.config = config;
    const udp = o.udp ? { io: o.udp.io, interface: o.udp.interface || undefined } : undefined;
    const parts = networkParts({ clock, config, hostname: o.hostname, answered: answeredCommands });
    const utc = o.utcClock ?? clock;
    this.events = new EventLog({
      clock: utc,
      capacity: 64,
      onEvent: (e) => {
        o.log(`${e.code}: ${e.text}`);
        parts.syslog.send(e.code, e.text);
      },
    });
    this.beidou = new BeidouWiring({
      ...o.beidou,
      clock,
      events: this.events,
      bytes: o.bytes,
      silentAfter: config.alSilentS,
      noFixAfter: config.alNoFixS,
      checksumPercent: config.alCsumPct,
    });
    const beidou = this.beidou;
    beidou.state.setFamily(config.terminalFamily);
    this.gateway = new Gateway({
      config,
      clock: utc,
      timers,
      events: this.events,
      serial: o.serial,
      udp: udp ? { ...udp, timeToLive: config.ttl } : undefined,
      datagramViews: o.datagramViews,
      bytes: o.bytes,
      onUnit: beidou.onUnit,
      unitClock: clock, // the state's (it stamps fixes with onUnit's `now`), not `utc`
      convertFrame: beidou.convertFrame,
      frameCommands: RDSS40_COMMAND_KEYS,
      // Raw-text short messages: a TXR/TXA with commas in its text is carried (issue 15).
      fieldLimits: TEXT_FIELD_LIMITS,
      routes: ROUTES,
      // ICR to a BDS-3 terminal, ICA + RMO BSI otherwise (asked at each start and replug).
      startupCommands: () => startupCommandsFor(beidou.state.family),
      // Answers to network commands carry d: = the requesting SFI.
      answers: parts.answers,
      // The plain copy for legacy listeners; legacyUdp takes effect at a restart, so
      // when it is off there is no hook at all (a call per datagram on the board).
      onDatagram: config.legacyUdp ? parts.legacy.send : undefined,
    });
    this.network = new NetworkSide({
      gateway: this.gateway,
      clock,
      timers,
      deviceAlerts: beidouAlerts(beidou.state),
      hostname: o.hostname,
      udp,
      // Commands go out in the terminal's family (setting terminalFamily, else what it sends).
      encodeCommand: (text) => reencodeCommand(text, beidou.state.family),
      parts,
    });
    const net = this.network;
    this.host = new GatewayConsoleHost({
      gateway: this.gateway,
      state: beidou.state,
      store: o.settings.store,
      loaded: o.settings.loaded,
      clock,
      reboot: o.platform.reboot,
      heap: o.platform.heap,
      network: o.platform.network,
      clockSource: o.platform.clockSource,
      retune: () => this.retune(),
      received: () => receivedCounts(net),
      resetNetwork: () => resetNetworkCounters(net),
      alerts: () =>
        net.alerts.active().map((a) => ({ id: alertId(a), state: ALERT_STATES[a.state] ?? a.state, text: a.text })),
      // Acknowledge from a front end (the web page) by the id the alert list shows.
      acknowledge: (id) => {
        for (const a of net.alerts.active())
          if (alertId(a) === id) return net.alerts.acknowledge(a.key, a.instance) ?? undefined;
        return "no such active alert";
      },
    });
    if (o.console) {
      const channel = o.console.channel;
      const con = new Console({
        host: this.host,
        write: (b) => channel.write(b),
        clock,
        timers,
        banner: o.console.banner,
      });
      channel.connect((bytes, start, end) => con.receive(bytes, start, end));
      this.console = con;
      beidou.listener = con;
    }
    for (const make of o.services ?? []) this.services.push(make(this));
  }

  /** The running components take the live settings now in `config` (console `set`, a web form). */
  retune(): void {
    const c = this.config;
    this.gateway.retune();
    this.network.retune();
    this.beidou.state.setThresholds({ silentAfter: c.alSilentS, noFixAfter: c.alNoFixS, checksumPercent: c.alCsumPct });
    this.beidou.state.setFamily(c.terminalFamily);
  }

  /** Log the start-up problems, start the terminal path, the network side, the console and the services. */
  start(): void {
    for (const [code, text] of this.o.problems ?? []) this.events.add(code, text);
    this.beidou.attach({ timers: this.o.timers, rejects: this.gateway.framerCounters });
    this.gateway.start();
    this.network.start();
    if (this.console) this.console.start();
    for (const s of this.services) if (s.start) s.start();
  }

  stop(): void {
    for (const s of this.services) if (s.stop) s.stop();
    if (this.console) this.console.close();
    this.beidou.listener = undefined;
    this.gateway.stop();
    this.beidou.detach();
    this.network.stop();
  }

  /** All counters as one plain object (--stats, the final line), with the terminal family as `status` shows it. */
  snapshot(): Record<string, unknown> {
    const st = this.beidou.state;
    return {
      ...this.gateway.snapshot(),
      network: this.network.snapshot(),
      // In force (the setting, else detected), detected, and the setting terminalFamily.
      terminal: { family: st.family, familyDetected: st.detectedFamily, familySetting: this.config.terminalFamily },
    };
  }
}

/** Console `status` network figures from the network side: datagrams in per group, receive and command errors. */
function receivedCounts(side: NetworkSide): { in: Record<string, number>; errors: Record<string, number> } {
  const inPerGroup: Record<string, number> = {};
  for (let g = 1; g < side.perGroupIn.length; g++)
    if (side.perGroupIn[g]) inPerGroup[GROUPS[g].name] = side.perGroupIn[g];
  return {
    in: inPerGroup,
    errors: {
      discarded: side.receiver.counters.discarded,
      commandsRejected: side.counters.commandsRejected,
      netSendErrors: side.counters.sendErrors,
    },
  };
}

/** `counters reset` on the console: the network side's counters too. */
function resetNetworkCounters(side: NetworkSide): void {
  zero(side.counters);
  zero(side.counters.rejects);
  zero(side.receiver.counters);
  side.perGroupIn.fill(0);
}
