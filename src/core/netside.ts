// The gateway's network side (IEC 61162-450 issue 4): what arrives from the network
// and what the gateway reports about itself. One part per concern (src/core/net/):
//
//   UDP (cmdGroups + CAM1/CAM2) -> strict receiver (own SFI: d: filter, own-source drop;
//     own-SFI lines we did not send: SFI collision, net/own-lines.ts)
//     -> `$CC...` -> command gate (net/command-gate.ts) -> gateway.sendToTerminal;
//        answers from the terminal -> d: = requesting SFI (net/answers.ts, destinationFor)
//     -> `$--ACN` -> alert manager (accepted only with d: = own SFI; ARC when refused)
//   tick (1 s): alert conditions from gateway/device state -> ALF/ALC/HBT on BAM1
//   own datagrams -> optional legacy plain NMEA over UDP; events -> optional syslog (net/outputs.ts)
//
// The parts the gateway's hooks call (answer routes, legacy, syslog) exist
// before the gateway (NetworkParts), so an assembly can build them first and hand
// their hooks to the Gateway; this class then adds what needs the gateway.
// Portable: IO classes come in as options (ECMA-419 UDP), timers through Timers.

import { type AlertDefinition, AlertManager, GATEWAY_ALERTS } from "./alerts";
import type { GatewayConfig } from "./config";
import type { Gateway } from "./gateway";
import { BAM1, GROUPS, groupIndex } from "./groups";
import type { Clock, Timers, UDPClass, UDPInstance } from "./io";
import { AnswerRoutes, type AnswerRule } from "./net/answers";
import { type CommandEncoder, CommandGate } from "./net/command-gate";
import { type NetworkSideCounters, networkCounters } from "./net/counters";
import { LegacyOutput, SyslogOutput } from "./net/outputs";
import { OwnLines } from "./net/own-lines";
import { Iec450Receiver, type ReceivedSentence, sentenceText } from "./receiver";

export { COMMAND_REJECTS, type CommandReject, type NetworkSideCounters } from "./net/counters";

/** What a device alert rule reads once a second. */
export interface DeviceAlertInput {
  /** Wall-clock ms now. */
  readonly wall: number;
  /** Seconds since the network side started. */
  readonly uptime: number;
  /** Seconds since the last valid unit from the terminal (since start-up when none came yet). */
  readonly silence: number;
  readonly config: GatewayConfig;
}

/** Alerts about the attached device (src/beidou/alerts.ts): their definitions and the one rule for them. */
export interface DeviceAlerts {
  readonly definitions: ReadonlyArray<AlertDefinition>;
  /** The alert that says the device is silent: the heartbeat reports "not normal" while it is active. */
  readonly silentKey?: string;
  /** Once a second: raise or clear each of the device's alerts through `set`. */
  check(t: DeviceAlertInput, set: (key: string, on: boolean) => void): void;
}

/** The parts whose hooks the Gateway calls: built before it. */
export interface NetworkParts {
  counters: NetworkSideCounters;
  answers: AnswerRoutes;
  legacy: LegacyOutput;
  syslog: SyslogOutput;
}

export function networkParts(o: {
  clock: Clock;
  config: GatewayConfig;
  hostname?: string;
  answerWindow?: number;
  /** Which terminal sentences answer which commands (src/beidou/table.ts answeredCommands). */
  answered?: AnswerRule;
}): NetworkParts {
  const counters = networkCounters();
  const config = o.config;
  return {
    counters,
    answers: new AnswerRoutes({ clock: o.clock, counters, answerWindow: o.answerWindow, answered: o.answered }),
    legacy: new LegacyOutput(counters),
    syslog: new SyslogOutput({ clock: o.clock, counters, hostname: () => o.hostname ?? config.sfi }),
  };
}

export interface NetworkSideOptions {
  gateway: Gateway;
  clock: Clock;
  timers?: Timers;
  /** ECMA-419 UDP class for the receive sockets, the legacy output and syslog. */
  udp?: { io: UDPClass; interface?: string };
  /** The device's alerts (src/beidou/alerts.ts beidouAlerts), beside the gateway's own. */
  deviceAlerts?: DeviceAlerts;
  /** Syslog HOSTNAME (default: the gateway SFI). */
  hostname?: string;
  /** Seconds an answer from the terminal is routed back to the SFI that sent the command. Default 60. */
  answerWindow?: number;
  /** Which terminal sentences answer which commands (src/beidou/table.ts answeredCommands), for parts made here. */
  answered?: AnswerRule;
  /** Commands accepted per source per second (the UART is slow; a flood only fills the queue). Default 5. */
  commandRate?: number;
  /** The terminal's command encoder (src/beidou/reencode.ts); without it every command is "unsupported". */
  encodeCommand?: CommandEncoder;
  /** Parts already handed to the gateway's hooks (see networkParts); made here when absent. */
  parts?: NetworkParts;
}

export class NetworkSide {
  readonly receiver: Iec450Receiver;
  readonly alerts: AlertManager;
  readonly counters: NetworkSideCounters;
  readonly parts: NetworkParts;
  /** Our own line counts, from the encoder's numbering (duplicate-SFI check). */
  readonly ownLines: OwnLines;
  /** Datagrams received per transmission group index (1..GROUPS.length-1), for the console's status. */
  readonly perGroupIn: number[] = new Array<number>(GROUPS.length).fill(0);
  /** cmdGroups names that are not transmission groups (logged at start). */
  readonly unknownGroups: string[] = [];
  private readonly o: NetworkSideOptions;
  private readonly gw: Gateway;
  private readonly config: GatewayConfig;
  private readonly answers: AnswerRoutes;
  private readonly gate: CommandGate;
  private readonly sockets: UDPInstance[] = [];
  private timer: unknown;
  private readonly startedAt: number;
  private readonly onSocketError = (e?: Error) => this.sendFailed(e);
  // Checksum-rate window: one sample per tick (1 s), 60 samples.
  private readonly csumUnits = new Float64Array(61);
  private readonly csumErrors = new Float64Array(61);
  private csumPos = 0;
  /** The device alert rule's input, reused each tick. */
  private readonly alertInput: { wall: number; uptime: number; silence: number; config: GatewayConfig } = {
    wall: 0,
    uptime: 0,
    silence: 0,
    config: undefined as unknown as GatewayConfig,
  };
  private readonly setAlert = (key: string, on: boolean) => this.alerts.set(key, on);
  private csumFilled = 0;
  private lastCollisionAt = -Infinity;
  private collisionLoggedAt = -Infinity;
  private lastUartDropped = 0;
  private lastUartDropAt = -Infinity;
  private lastSendErrors = 0;
  private lastSendErrorAt = -Infinity;
  private lastRateDropped = 0;
  private lastRateDropAt = -Infinity;
  private lastRxOverflows = 0;
  private lastRxOverflowAt = -Infinity;

  constructor(options: NetworkSideOptions) {
    this.o = options;
    this.gw = options.gateway;
    this.config = options.gateway.config;
    this.startedAt = options.clock.monotonic();
    this.parts =
      options.parts ??
      networkParts({
        clock: options.clock,
        config: this.config,
        hostname: options.hostname,
        answerWindow: options.answerWindow,
        answered: options.answered,
      });
    this.counters = this.parts.counters;
    this.answers = this.parts.answers;
    this.ownLines = new OwnLines(options.clock, options.gateway.encoder);
    this.receiver = new Iec450Receiver({
      ownSfi: this.config.sfi,
      destinationFilter: true,
      ignoreOwnSource: true,
      onSentence: (s) => this.onSentence(s),
    });
    this.alerts = new AlertManager({
      ...alertIdentity(this.config),
      clock: options.clock,
      send: (b, n, d) => this.gw.forwardTo(BAM1, b, n, d),
      onEvent: (code, text) => this.event(code, text),
      definitions: options.deviceAlerts ? [...options.deviceAlerts.definitions, ...GATEWAY_ALERTS] : GATEWAY_ALERTS,
    });
    this.gate = new CommandGate({
      config: this.config,
      clock: options.clock,
      counters: this.counters,
      answers: this.answers,
      encode: options.encodeCommand,
      commandRate: options.commandRate,
      inFilter: this.gw.inFilter,
      toTerminal: (bytes) => this.gw.sendToTerminal(bytes),
      event: (code, text) => this.event(code, text),
    });
    this.lastUartDropped = this.gw.counters.uartDropped;
    this.lastSendErrors = this.gw.counters.sendErrors;
    this.lastRateDropped = this.gw.counters.rateDropped;
  }

  /**
   * Take the live settings now in the gateway's config: the receiver's own SFI and
   * the alert sentences' talker, manufacturer, SFI and heartbeat interval. cmdFwd,
   * cmdAllow and the alert thresholds are read at each use.
   */
  retune(): void {
    this.receiver.setOwnSfi(this.config.sfi);
    this.alerts.retune(alertIdentity(this.config));
  }

  /** Groups the gateway listens on: cmdGroups plus CAM1/CAM2 (ACN from the central alert management). */
  listenGroups(): number[] {
    const out: number[] = [];
    for (const raw of (this.config.cmdGroups + ",CAM1,CAM2").split(",")) {
      const name = raw.trim();
      if (name === "") continue;
      const g = groupIndex(name);
      if (!g) this.unknownGroups.push(name);
      else if (out.indexOf(g) < 0) out.push(g);
    }
    return out;
  }

  start(): void {
    const udp = this.o.udp;
    if (udp) {
      const groups = this.listenGroups();
      if (this.unknownGroups.length)
        this.event("net.config", `cmdGroups: unknown group ${this.unknownGroups.join(", ")} ignored`);
      for (const g of groups) {
        const grp = GROUPS[g];
        const self = this;
        const sock: UDPInstance = new udp.io({
          port: grp.port,
          reuseAddr: true,
          interface: udp.interface,
          onReadable() {
            for (let d = sock.read(); d; d = sock.read()) self.receive(new Uint8Array(d), d.byteLength, g, d.address);
          },
          onError: this.onSocketError,
        });
        if (sock.add) sock.add(grp.address);
        this.sockets.push(sock);
      }
      for (const problem of [
        this.parts.legacy.open(udp, this.config.legacyUdp, "legacyUdp", this.onSocketError),
        this.parts.syslog.open(udp, this.config.syslog, "syslog", this.onSocketError),
      ])
        if (problem) this.event("net.config", problem);
    }
    if (this.o.timers && this.timer === undefined) this.timer = this.o.timers.set(() => this.tick(), 1000, true);
  }

  stop(): void {
    if (this.o.timers && this.timer !== undefined) this.o.timers.clear(this.timer);
    this.timer = undefined;
    for (const s of this.sockets)
      try {
        s.close();
      } catch {
        /* closed */
      }
    this.sockets.length = 0;
    this.parts.legacy.close();
    this.parts.syslog.close();
  }

  /** One datagram from the network (sockets call this; tests may too). */
  receive(bytes: Uint8Array, length: number, group: number, from?: string): void {
    if (group > 0 && group < this.perGroupIn.length) this.perGroupIn[group]++;
    const v = this.receiver.receive(bytes, length, group);
    if (v.verdict !== "accept") return;
    const now = this.o.clock.monotonic();
    for (let i = 0; i < v.sentences.length; i++) {
      const s = v.sentences[i];
      if (s.status !== "own-source" || this.ownLines.isOurs(s.n)) continue;
      // Without n it cannot be ours.
      this.counters.sfiCollisions++;
      this.lastCollisionAt = now;
      if (now - this.collisionLoggedAt >= 60000) {
        this.collisionLoggedAt = now;
        this.event(
          "net.sfi",
          `a datagram with this gateway's SFI ${this.config.sfi} that it did not send${from ? " from " + from : ""} (n:${s.n >= 1 ? s.n : "none"}); is another device configured with the same SFI?`,
        );
      }
      this.alerts.raise(AL_SFI_COLLISION);
    }
  }

  private onSentence(s: ReceivedSentence): void {
    const b = s.bytes;
    const st = s.start;
    // Formatter at st+3..st+5 (talker at st+1..st+2).
    if (s.end - st >= 6 && b[st + 3] === 0x41 && b[st + 4] === 0x43 && b[st + 5] === 0x4e) {
      this.alerts.handleAcn(sentenceText(s), s.destination, s.source);
      return;
    }
    if (s.end - st >= 6 && b[st] === 0x24 && b[st + 1] === 0x43 && b[st + 2] === 0x43) {
      this.gate.command(sentenceText(s), s.source, s.destination === null ? null : s.destKey);
      return;
    }
    this.counters.otherSentences++;
  }

  /** An event for the system log (the gateway's event log; its log sink feeds syslog). */
  event(code: string, text: string): void {
    this.gw.events.add(code, text);
  }

  private sendFailed(e: unknown): void {
    this.counters.sendErrors++;
    if (this.counters.sendErrors === 1 || this.counters.sendErrors % 100 === 0)
      this.gw.events.add(
        "net.error",
        `network side socket error (${this.counters.sendErrors} so far): ${e instanceof Error ? e.message : String(e)}`,
      );
  }

  /** Once a second: alert conditions, then the alert manager's periodic sentences. */
  tick(): void {
    this.ownLines.stamp();
    const c = this.config;
    const now = this.o.clock.monotonic();
    const uptime = (now - this.startedAt) / 1000;
    const a = this.alerts;
    const dev = this.o.deviceAlerts;
    if (dev) {
      const t = this.alertInput;
      t.wall = this.o.clock.now();
      t.uptime = uptime;
      t.silence = this.gw.lastUnitTime === 0 ? uptime : this.gw.silenceSeconds();
      t.config = c;
      dev.check(t, this.setAlert);
    }
    // Checksum error rate over the last minute.
    // Each framer counter read once: they are accessors over its 64-bit tally.
    const f = this.gw.framerCounters,
      badChecksum = f.badChecksum;
    const newest = this.csumPos;
    this.csumUnits[newest] = f.sentences + badChecksum;
    this.csumErrors[newest] = badChecksum;
    this.csumPos = (newest + 1) % 61;
    if (this.csumFilled < 61) this.csumFilled++;
    // Full ring: the next write position holds the sample from 60 ticks ago.
    const oldest = this.csumFilled < 61 ? 0 : this.csumPos;
    const units = this.csumUnits[newest] - this.csumUnits[oldest];
    const errs = this.csumErrors[newest] - this.csumErrors[oldest];
    if (units >= 10) a.set(AL_CHECKSUM_RATE, (errs * 100) / units > c.alCsumPct);
    else if (units === 0) a.set(AL_CHECKSUM_RATE, false);
    // UART queue overflow: active while commands were dropped within the last minute.
    const dropped = this.gw.counters.uartDropped;
    if (dropped !== this.lastUartDropped) {
      this.lastUartDropped = dropped;
      this.lastUartDropAt = now;
    }
    a.set(AL_UART_OVERFLOW, now - this.lastUartDropAt < 60000);
    a.set(AL_SFI_COLLISION, now - this.lastCollisionAt < 60000);
    // Network sends failing (link down, route gone): active while sends failed within
    // the last 5 s; the ALF of the raise cannot get out while the link is down, the ALC
    // and the clearing ALF go out once it is back.
    const sendErrors = this.gw.counters.sendErrors;
    if (sendErrors !== this.lastSendErrors) {
      this.lastSendErrors = sendErrors;
      this.lastSendErrorAt = now;
    }
    a.set(AL_NET_SEND, now - this.lastSendErrorAt < 5000);
    // Terminal bytes lost in the receive path (serial driver overflow): active for a minute after.
    const rxLost = this.gw.counters.uartRxOverflows;
    if (rxLost !== this.lastRxOverflows) {
      this.lastRxOverflows = rxLost;
      this.lastRxOverflowAt = now;
    }
    a.set(AL_UART_RX_LOST, now - this.lastRxOverflowAt < 60000);
    // maxRate ceiling: active while sentences were dropped within the last 10 s (one
    // alert for the whole overload, not one per burst of a 1 Hz stream).
    const rateDropped = this.gw.counters.rateDropped;
    if (rateDropped !== this.lastRateDropped) {
      this.lastRateDropped = rateDropped;
      this.lastRateDropAt = now;
    }
    a.set(AL_RATE_LIMIT, now - this.lastRateDropAt < RATE_ALERT_HOLD_MS);
    a.heartbeatStatus = dev?.silentKey && a.isActive(dev.silentKey) ? HBT_NOT_NORMAL : HBT_NORMAL;
    a.tick();
    this.answers.expire();
  }

  snapshot(): Record<string, unknown> {
    return {
      ...this.counters,
      rejects: { ...this.counters.rejects },
      receiver: { ...this.receiver.counters },
      alerts: { ...this.alerts.counters },
      activeAlerts: this.alerts.active().map((x) => `${x.id}:${x.state}`),
    };
  }
}

// Alert keys and HBT statuses used by tick() once a second, as constants: on XS a string
// literal in evaluated bytecode is copied into a new chunk each time it runs.
const AL_CHECKSUM_RATE = "checksumRate",
  AL_UART_OVERFLOW = "uartOverflow",
  AL_SFI_COLLISION = "sfiCollision",
  AL_NET_SEND = "netSend",
  AL_RATE_LIMIT = "rateLimit",
  AL_UART_RX_LOST = "uartRxLost";
/** The rate-limit alert stays active this long after the last drop. */
const RATE_ALERT_HOLD_MS = 10000;
const HBT_NORMAL = "A",
  HBT_NOT_NORMAL = "V";

/** Who the alert sentences say they are, from the settings. */
function alertIdentity(c: GatewayConfig) {
  return {
    talker: TALKER.test(c.sfi) ? c.sfi.slice(0, 2) : "BD",
    manufacturer: MFR.test(c.propMfr) ? c.propMfr : "XBD",
    ownSfi: c.sfi,
    hbtInterval: c.hbtInterval,
  };
}
const TALKER = /^[A-Z]{2}/,
  MFR = /^[A-Z]{3}$/;
