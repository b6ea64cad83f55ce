// The gateway's network side (IEC 61162-450 issue 4): what arrives from the network
// and what the gateway reports about itself.
//
//   UDP (cmdGroups + CAM1/CAM2) -> strict receiver (own SFI: d: filter, own-source drop)
//     -> `$CC...` command gate: cmdFwd on? d: = own SFI? source in cmdAllow?
//        -> re-encoded by the Beidou command encoders -> gateway.sendToTerminal (bounded queue)
//        answers from the terminal (FKI/ICI/DWR/TXR) -> d: = requesting SFI (destinationFor)
//     -> `$--ACN` -> alert manager (accepted only with d: = own SFI; ARC when refused)
//   tick (1 s): alert conditions from gateway/device state -> ALF/ALC/HBT on BAM1
//   own datagrams -> optional legacy plain NMEA over UDP (TAG blocks stripped)
//   events -> optional RFC 5424 syslog over UDP
//
// Portable: IO classes come in as options (ECMA-419 UDP), timers through Timers.

import type { GatewayConfig } from "./config";
import type { Clock, LogSink, Timers, UDPClass, UDPInstance } from "./io";
import type { Gateway } from "./gateway";
import { latin1 } from "./checksum";
import { GROUPS, BAM1, groupIndex } from "./groups";
import { Iec450Receiver, ReceivedSentence, sentenceText } from "./receiver";
import { AlertManager } from "./alerts";
import { stripTagBlocks, sfiKeyOf } from "./tagblock";
import { syslogBytes, SeverityName } from "./syslog";
import {
  CommandError, encodeBSS, encodeDWA, encodeICA, encodeRMO, encodeTXA, encodeWAA,
} from "../beidou/encode";

/** The part of the Beidou device state the alerts read (src/beidou/state.ts DeviceState fits). */
export interface DeviceStatus {
  /** Wall-clock ms of the last valid RNSS fix, NaN when none. */
  lastValidFixAt: number;
  cardKnown: boolean;
  cardPresent: boolean;
  /** RDSS beam powers, -1 unknown. */
  beams: ArrayLike<number>;
  beamsAt: number;
}

export interface NetworkSideOptions {
  gateway: Gateway;
  clock: Clock;
  timers?: Timers;
  /** ECMA-419 UDP class for the receive sockets, the legacy output and syslog. */
  udp?: { io: UDPClass; interface?: string };
  /** Beidou device state (alerts "no fix", "card absent", "beams lost" need it). */
  device?: DeviceStatus;
  /** Syslog HOSTNAME (default: the gateway SFI). */
  hostname?: string;
  log?: LogSink;
  /** Seconds an answer from the terminal is routed back to the SFI that sent the command. Default 60. */
  answerWindow?: number;
  /** Commands accepted per source per second (the UART is slow; a flood only fills the queue). Default 5. */
  commandRate?: number;
}

/** Command rejection reasons (stable names; counters and log). */
export const COMMAND_REJECTS = [
  ["disabled", "command forwarding is off (cmdFwd)"],
  ["not-addressed", "d: missing or not the gateway's own SFI"],
  ["source-not-allowed", "source SFI not in cmdAllow"],
  ["unsupported", "not a command the Beidou encoders know (ICA RMO BSS DWA WAA TXA)"],
  ["invalid", "rejected by the Beidou command encoder (field values)"],
  ["rate", "more than commandRate commands per second from one source"],
] as const;
export type CommandReject = (typeof COMMAND_REJECTS)[number][0];

export interface NetworkSideCounters {
  commandsAccepted: number;
  commandsRejected: number;
  rejects: Record<CommandReject, number>;
  /** Sentences received that are neither commands nor ACN (ignored). */
  otherSentences: number;
  answersAddressed: number;
  legacyDatagrams: number;
  /** Sentences carrying our own SFI that this gateway did not send (another device uses our SFI). */
  sfiCollisions: number;
  syslogMessages: number;
  sendErrors: number;
}

/** Answer formatter -> command formatters it answers (FKI names its command in a field). */
const ANSWERS: Record<string, string[]> = {
  ICI: ["ICA"],
  DWR: ["DWA", "WBA"],
  TXR: ["TXA"],
};

/** Packed formatters (3 letters -> number) of the answers: FKI and the ANSWERS keys. */
const KEY_FKI = 0x464b49, KEY_ICI = 0x494349, KEY_DWR = 0x445752, KEY_TXR = 0x545852;

interface Pending {
  sfi: string;
  at: number;
}

function num(s: string, what: string): number {
  if (!/^-?[0-9]+(\.[0-9]+)?$/.test(s)) throw new CommandError(`${what}: "${s}" is not a number`);
  return Number(s);
}

function optNum(s: string, what: string): number | undefined {
  return s === "" ? undefined : num(s, what);
}

/** ddmm.mmmm + hemisphere -> signed degrees. */
function coord(v: string, h: string, lon: boolean): number {
  if (!(lon ? /^[0-9]{5}\.[0-9]+$/ : /^[0-9]{4}\.[0-9]+$/).test(v)) throw new CommandError(`bad ${lon ? "longitude" : "latitude"} "${v}"`);
  const d = Number(v.slice(0, lon ? 3 : 2));
  const m = Number(v.slice(lon ? 3 : 2));
  const deg = d + m / 60;
  if (lon ? h !== "E" && h !== "W" : h !== "N" && h !== "S") throw new CommandError(`bad hemisphere "${h}"`);
  return h === "W" || h === "S" ? -deg : deg;
}

function hhmmss(v: string): number {
  const m = /^([0-9]{2})([0-9]{2})([0-9]{2}(\.[0-9]+)?)$/.exec(v);
  if (!m) throw new CommandError(`bad time "${v}"`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/**
 * Re-encode a `$CC...` command received from the network with the Beidou command
 * encoders. Returns the encoder's bytes (what goes to the UART), or throws
 * CommandError. Unknown formatters throw with `unsupported` set.
 */
export function reencodeCommand(text: string): Uint8Array {
  const star = text.lastIndexOf("*");
  const f = text.slice(1, star < 0 ? text.length : star).split(",");
  const address = f[0];
  const a = (i: number) => (i < f.length ? f[i] : "");
  const expect = (n: number) => {
    if (f.length !== n + 1) throw new CommandError(`${address} needs ${n} fields, got ${f.length - 1}`);
  };
  switch (address) {
    case "CCICA":
      expect(2);
      return encodeICA(num(a(1), "ICA type"), num(a(2), "ICA frame"));
    case "CCRMO":
      expect(3);
      return encodeRMO(a(1), num(a(2), "RMO mode"), a(3) === "" ? 0 : num(a(3), "RMO interval"));
    case "CCBSS":
      expect(2);
      return encodeBSS(a(1) === "" ? null : num(a(1), "BSS response beam"), a(2) === "" ? null : num(a(2), "BSS time-difference beam"));
    case "CCDWA":
      expect(9);
      if (a(2) !== "A" && a(2) !== "V") throw new CommandError(`DWA urgent flag must be A or V, not "${a(2)}"`);
      if (a(4) !== "H" && a(4) !== "L") throw new CommandError(`DWA height type must be H or L, not "${a(4)}"`);
      return encodeDWA({
        user: a(1), urgent: a(2) === "A", heightMode: num(a(3), "DWA height mode"), highAltitude: a(4) === "H",
        height: optNum(a(5), "DWA height"), antennaHeight: optNum(a(6), "DWA antenna height"),
        pressure: optNum(a(7), "DWA pressure"), temperature: optNum(a(8), "DWA temperature"), interval: optNum(a(9), "DWA interval"),
      });
    case "CCWAA":
      expect(10);
      if (a(1) !== "1" || a(10) !== "M") throw new CommandError("WAA: only position report type 1 in metres is supported");
      return encodeWAA({
        interval: num(a(2), "WAA interval"), to: a(3), time: hhmmss(a(4)),
        latitude: coord(a(5), a(6), false), longitude: coord(a(7), a(8), true), height: num(a(9), "WAA height"),
      });
    case "CCTXA": {
      expect(4);
      if (a(2) !== "0" && a(2) !== "1") throw new CommandError(`TXA communication type must be 0 or 1, not "${a(2)}"`);
      const mode = num(a(3), "TXA mode");
      const content = a(4);
      const urgent = a(2) === "0";
      if (mode === 1) return encodeTXA({ to: a(1), urgent, mode: 1, hex: content });
      if (mode === 2) {
        if (!/^A4([0-9A-Fa-f]{2})+$/.test(content)) throw new CommandError("TXA mixed mode content must be A4 followed by hex byte pairs");
        const data = new Uint8Array((content.length - 2) / 2);
        for (let i = 0; i < data.length; i++) data[i] = parseInt(content.substr(2 + 2 * i, 2), 16);
        return encodeTXA({ to: a(1), urgent, mode: 2, data });
      }
      if (mode === 0) {
        // Chinese mode: GB2312 bytes arrive as IEC 61162-1 ^hh escapes (a 450 sentence is
        // printable ASCII); the terminal gets the raw bytes, checked again by the encoder.
        const data: number[] = [];
        for (let i = 0; i < content.length; i++) {
          const c = content.charCodeAt(i);
          if (c === 0x5e) {
            const h = /^[0-9A-Fa-f]{2}$/.test(content.substr(i + 1, 2)) ? parseInt(content.substr(i + 1, 2), 16) : -1;
            if (h < 0) throw new CommandError("TXA: '^' must be followed by two hex digits");
            data.push(h);
            i += 2;
          } else data.push(c & 0xff);
        }
        return encodeTXA({ to: a(1), urgent, mode: 0, data: Uint8Array.from(data) });
      }
      throw new CommandError(`TXA mode must be 0, 1 or 2, not ${mode}`);
    }
  }
  const e = new CommandError(`${address} is not a command the gateway forwards`);
  (e as CommandError & { unsupported?: boolean }).unsupported = true;
  throw e;
}

function parseHostPort(v: string): { address: string; port: number } | null {
  const m = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})$/.exec(v.trim());
  if (!m) return null;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { address: m[1], port } : null;
}

const SEVERITY_BY_PREFIX: Array<[string, SeverityName]> = [
  ["serial.", "err"], ["net.", "err"], ["uart.", "warning"], ["alert.", "warning"], ["terminal.", "warning"],
  ["cmd.", "notice"], ["reject.", "notice"],
];

export class NetworkSide {
  readonly receiver: Iec450Receiver;
  readonly alerts: AlertManager;
  readonly counters: NetworkSideCounters = {
    commandsAccepted: 0, commandsRejected: 0,
    rejects: { disabled: 0, "not-addressed": 0, "source-not-allowed": 0, unsupported: 0, invalid: 0, rate: 0 },
    otherSentences: 0, answersAddressed: 0, legacyDatagrams: 0, sfiCollisions: 0, syslogMessages: 0, sendErrors: 0,
  };
  /** Datagrams received per transmission group index (1..GROUPS.length-1), for the console's status. */
  readonly perGroupIn: number[] = new Array<number>(GROUPS.length).fill(0);
  private readonly o: NetworkSideOptions;
  private readonly gw: Gateway;
  private readonly config: GatewayConfig;
  private readonly sockets: UDPInstance[] = [];
  private legacy?: { socket: UDPInstance; address: string; port: number };
  private syslog?: { socket: UDPInstance; address: string; port: number };
  private readonly pending = new Map<string, Pending>();
  private readonly rate = new Map<string, { second: number; count: number }>();
  private readonly rejectLoggedAt: Record<string, number> = {};
  private timer: unknown;
  private readonly legacyBuf = new Uint8Array(1472);
  private readonly startedAt: number;
  // Checksum-rate window: one sample per tick (1 s), 60 samples.
  private readonly csumUnits = new Float64Array(61);
  private readonly csumErrors = new Float64Array(61);
  private csumPos = 0;
  private csumFilled = 0;
  // SFI collision check: when each line count was last sent by us (monotonic ms), from onDatagram.
  private readonly sentAt = new Float64Array(1000).fill(-Infinity);
  /** n: values of one datagram's lines (ownLines; a datagram of 1472 bytes has far fewer than 128 lines). */
  private readonly lineCounts = new Uint8Array(256);
  private lastCollisionAt = -Infinity;
  private collisionLoggedAt = -Infinity;
  private lastUartDropped = 0;
  private lastUartDropAt = -Infinity;
  private lastRxOverflows = 0;
  private lastRxOverflowAt = -Infinity;
  private lastSendErrors = 0;
  private lastSendErrorAt = -Infinity;

  constructor(options: NetworkSideOptions) {
    this.o = options;
    this.gw = options.gateway;
    this.config = options.gateway.config;
    this.startedAt = options.clock.monotonic();
    this.receiver = new Iec450Receiver({
      ownSfi: this.config.sfi,
      destinationFilter: true,
      ignoreOwnSource: true,
      onSentence: (s) => this.onSentence(s),
    });
    const sfi = this.config.sfi;
    this.alerts = new AlertManager({
      clock: options.clock,
      talker: /^[A-Z]{2}/.test(sfi) ? sfi.slice(0, 2) : "BD",
      manufacturer: /^[A-Z]{3}$/.test(this.config.propMfr) ? this.config.propMfr : "XBD",
      ownSfi: sfi,
      hbtInterval: this.config.hbtInterval,
      send: (b, n, d) => this.gw.forwardTo(BAM1, b, n, d),
      onEvent: (code, text) => this.event(code, text),
    });
    this.lastUartDropped = this.gw.counters.uartDropped;
    this.lastSendErrors = this.gw.counters.sendErrors;
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

  /** cmdGroups names that are not transmission groups (logged at start). */
  readonly unknownGroups: string[] = [];

  start(): void {
    const udp = this.o.udp;
    if (udp) {
      const groups = this.listenGroups();
      if (this.unknownGroups.length) this.event("net.config", `cmdGroups: unknown group ${this.unknownGroups.join(", ")} ignored`);
      for (const g of groups) {
        const grp = GROUPS[g];
        const self = this;
        const sock: UDPInstance = new udp.io({
          port: grp.port, reuseAddr: true, interface: udp.interface,
          onReadable() {
            for (let d = sock.read(); d; d = sock.read()) self.receive(new Uint8Array(d), d.byteLength, g, d.address);
          },
          onError(e?: Error) {
            self.sendFailed(e);
          },
        });
        if (sock.add) sock.add(grp.address);
        this.sockets.push(sock);
      }
      const legacy = parseHostPort(this.config.legacyUdp);
      if (legacy) this.legacy = { socket: new udp.io({ interface: udp.interface, onError: (e?: Error) => this.sendFailed(e) }), ...legacy };
      else if (this.config.legacyUdp) this.event("net.config", `legacyUdp "${this.config.legacyUdp}" is not ADDRESS:PORT; legacy output off`);
      const sys = parseHostPort(this.config.syslog);
      if (sys) this.syslog = { socket: new udp.io({ interface: udp.interface, onError: (e?: Error) => this.sendFailed(e) }), ...sys };
      else if (this.config.syslog) this.event("net.config", `syslog "${this.config.syslog}" is not ADDRESS:PORT; syslog off`);
    }
    if (this.o.timers && this.timer === undefined) this.timer = this.o.timers.set(() => this.tick(), 1000, true);
  }

  stop(): void {
    if (this.o.timers && this.timer !== undefined) this.o.timers.clear(this.timer);
    this.timer = undefined;
    for (const s of this.sockets) try { s.close(); } catch { /* closed */ }
    this.sockets.length = 0;
    for (const x of [this.legacy, this.syslog]) if (x) try { x.socket.close(); } catch { /* closed */ }
    this.legacy = this.syslog = undefined;
  }

  /** One datagram from the network (sockets call this; tests may too). */
  receive(bytes: Uint8Array, length: number, group: number, from?: string): void {
    if (group > 0 && group < this.perGroupIn.length) this.perGroupIn[group]++;
    const v = this.receiver.receive(bytes, length, group);
    if (v.verdict !== "accept") return;
    // Our own SFI comes back through multicast loopback: fine when we sent that line
    // count in the last SFI_RECENT_MS, else another device is using our SFI
    // (recommendation of the 450 doc §6.4, UNCONFIRMED as a rule). Without n it cannot be ours.
    const now = this.o.clock.monotonic();
    for (let i = 0; i < v.sentences.length; i++) {
      const s = v.sentences[i];
      if (s.status !== "own-source") continue;
      if (s.n >= 1 && now - this.sentAt[s.n] <= SFI_RECENT_MS) continue;
      this.counters.sfiCollisions++;
      this.lastCollisionAt = now;
      if (now - this.collisionLoggedAt >= 60000) {
        this.collisionLoggedAt = now;
        this.event("net.sfi", `a datagram with this gateway's SFI ${this.config.sfi} that it did not send${from ? " from " + from : ""} (n:${s.n >= 1 ? s.n : "none"}); is another device configured with the same SFI?`);
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
      this.command(s);
      return;
    }
    this.counters.otherSentences++;
  }

  private command(s: ReceivedSentence): void {
    const text = sentenceText(s);
    const source = s.source ?? "?";
    if (!this.config.cmdFwd) return this.reject("disabled", source, text);
    if (s.destination === null || s.destKey !== sfiKeyOf(this.config.sfi)) return this.reject("not-addressed", source, text);
    const allow = this.config.cmdAllow.split(",").map((x) => x.trim().toUpperCase());
    if (allow.indexOf(source.toUpperCase()) < 0) return this.reject("source-not-allowed", source, text);
    const second = Math.floor(this.o.clock.monotonic() / 1000);
    const r = this.rate.get(source) ?? { second, count: 0 };
    if (r.second !== second) { r.second = second; r.count = 0; }
    if (++r.count > (this.o.commandRate ?? 5)) { this.rate.set(source, r); return this.reject("rate", source, text); }
    this.rate.set(source, r);
    let bytes: Uint8Array;
    try {
      bytes = reencodeCommand(text);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      return this.reject((e as CommandError & { unsupported?: boolean }).unsupported ? "unsupported" : "invalid", source, text, e.message);
    }
    this.pending.set(text.slice(3, 6), { sfi: source, at: this.o.clock.monotonic() });
    this.counters.commandsAccepted++;
    this.gw.sendToTerminal(bytes);
  }

  private reject(reason: CommandReject, source: string, text: string, detail?: string): void {
    this.counters.commandsRejected++;
    this.counters.rejects[reason]++;
    // At most one log line per reason per second: a flood is counted, not logged line by line.
    const now = this.o.clock.monotonic();
    if (!(now - (this.rejectLoggedAt[reason] ?? -Infinity) < 1000)) {
      this.rejectLoggedAt[reason] = now;
      this.event("cmd.reject", `command from ${source} rejected (${reason}${detail ? ": " + detail : ""}): ${text.replace(/[^\x20-\x7e]/g, "?").slice(0, 90)}`);
    }
  }

  /**
   * Gateway hook (GatewayOptions.destinationFor): the d: for a sentence from the
   * terminal — the SFI whose command it answers, within answerWindow.
   */
  destinationFor(bytes: Uint8Array, length: number): string | undefined {
    if (length < 7 || this.pending.size === 0) return undefined;
    // While a command awaits its answer every sentence comes here: rule out the
    // non-answers on the bytes, before any string is built (XS allocates each one).
    const key = (bytes[3] << 16) | (bytes[4] << 8) | bytes[5];
    if (key !== KEY_FKI && key !== KEY_ICI && key !== KEY_DWR && key !== KEY_TXR) return undefined;
    const formatter = latin1(bytes, 3, 6);
    let cmds: string[] | undefined;
    if (key === KEY_FKI) {
      // 2.1: FKI,cmd,...; BDS-3: FKI,hhmmss,cmd,...
      const text = latin1(bytes, 0, Math.min(length, 40));
      const f = text.split(",");
      const c = /^[A-Z]{3}$/.test(f[1] ?? "") ? f[1] : /^[A-Z]{3}$/.test(f[2] ?? "") ? f[2] : "";
      cmds = c ? [c] : undefined;
    } else cmds = ANSWERS[formatter];
    if (!cmds) return undefined;
    const now = this.o.clock.monotonic();
    const window = (this.o.answerWindow ?? 60) * 1000;
    let best: Pending | undefined;
    for (const c of cmds) {
      const p = this.pending.get(c);
      if (p && now - p.at <= window && (!best || p.at > best.at)) best = p;
    }
    if (!best) return undefined;
    this.counters.answersAddressed++;
    return best.sfi;
  }

  /** Gateway hook (GatewayOptions.onDatagram): legacy plain NMEA copy of each datagram sent. */
  onDatagram(bytes: Uint8Array, length: number): void {
    this.noteSent(bytes, length);
    const l = this.legacy;
    if (!l) return;
    const n = stripTagBlocks(bytes, length, this.legacyBuf);
    if (n === 0) return;
    try {
      l.socket.write(this.legacyBuf.subarray(0, n), l.address, l.port);
      this.counters.legacyDatagrams++;
    } catch (e) {
      this.sendFailed(e);
    }
  }

  /**
   * Remember the line counts of a datagram we sent (the TAG block of each line). Runs
   * for every datagram: the lines are our own encoder's (one TAG block, checksum
   * right), so n: is read directly instead of validating the whole block.
   */
  private noteSent(bytes: Uint8Array, length: number): void {
    const lines = this.lineCounts;
    const count = this.gw.bytes.ownLines(bytes, length, lines);
    if (count === 0) return;
    const now = this.o.clock.monotonic();
    for (let k = 0; k < count; k++) this.sentAt[(lines[2 * k] << 8) | lines[2 * k + 1]] = now;
  }

  /** An event for the system log (the gateway's event log; its log sink feeds logLine). */
  event(code: string, text: string): void {
    this.gw.events.add(code, text);
  }

  /**
   * A line of the gateway's log sink ("code: text", as GatewayOptions.log receives
   * events): the host/board wires its log here so every event also goes to syslog.
   */
  logLine(line: string): void {
    if (!this.syslog) return; // no syslog configured: nothing to split (a match allocates)
    const m = /^([A-Za-z0-9_.-]{1,32}): ([\s\S]*)$/.exec(line);
    if (m) this.toSyslog(m[1], m[2]);
    else this.toSyslog("log", line);
  }

  /** Send one event to syslog when configured (RFC 5424 over UDP). */
  toSyslog(code: string, text: string): void {
    const s = this.syslog;
    if (!s) return;
    let severity: SeverityName = "info";
    for (const [p, sev] of SEVERITY_BY_PREFIX) if (code.startsWith(p)) { severity = sev; break; }
    try {
      s.socket.write(syslogBytes({
        time: this.o.clock.now(), severity, hostname: this.o.hostname ?? this.config.sfi, appName: "bd450",
        msgId: code, message: text,
      }), s.address, s.port);
      this.counters.syslogMessages++;
    } catch (e) {
      this.counters.sendErrors++;
    }
  }

  private sendFailed(e: unknown): void {
    this.counters.sendErrors++;
    if (this.counters.sendErrors === 1 || this.counters.sendErrors % 100 === 0)
      this.gw.events.add("net.error", `network side socket error (${this.counters.sendErrors} so far): ${e instanceof Error ? e.message : String(e)}`);
  }

  /** Once a second: alert conditions, then the alert manager's periodic sentences. */
  tick(): void {
    const c = this.config;
    const now = this.o.clock.monotonic();
    const uptime = (now - this.startedAt) / 1000;
    const a = this.alerts;
    // Terminal silent: nothing valid for alSilentS (counting from start-up when nothing came yet).
    const silence = this.gw.lastUnitTime === 0 ? uptime : this.gw.silenceSeconds();
    set(a, AL_TERMINAL_SILENT, c.alSilentS > 0 && silence > c.alSilentS);
    const d = this.o.device;
    if (d) {
      const wall = this.o.clock.now();
      const sinceFix = d.lastValidFixAt === d.lastValidFixAt ? (wall - d.lastValidFixAt) / 1000 : uptime;
      set(a, AL_NO_FIX, c.alNoFixS > 0 && sinceFix > c.alNoFixS);
      set(a, AL_CARD_ABSENT, d.cardKnown && !d.cardPresent);
      let known = 0, up = 0;
      for (let i = 0; i < d.beams.length; i++) if (d.beams[i] >= 0) { known++; if (d.beams[i] > 0) up++; }
      set(a, AL_BEAMS_LOST, d.beamsAt === d.beamsAt && known > 0 && up === 0);
    }
    // Checksum error rate over the last minute.
    const f = this.gw.framerCounters;
    const newest = this.csumPos;
    this.csumUnits[newest] = f.sentences + f.badChecksum;
    this.csumErrors[newest] = f.badChecksum;
    this.csumPos = (newest + 1) % 61;
    if (this.csumFilled < 61) this.csumFilled++;
    // Full ring: the next write position holds the sample from 60 ticks ago.
    const oldest = this.csumFilled < 61 ? 0 : this.csumPos;
    const units = this.csumUnits[newest] - this.csumUnits[oldest];
    const errs = this.csumErrors[newest] - this.csumErrors[oldest];
    if (units >= 10) set(a, AL_CHECKSUM_RATE, (errs * 100) / units > c.alCsumPct);
    else if (units === 0) set(a, AL_CHECKSUM_RATE, false);
    // UART queue overflow: active while commands were dropped within the last minute.
    const dropped = this.gw.counters.uartDropped;
    if (dropped !== this.lastUartDropped) {
      this.lastUartDropped = dropped;
      this.lastUartDropAt = now;
    }
    set(a, AL_UART_OVERFLOW, now - this.lastUartDropAt < 60000);
    set(a, AL_SFI_COLLISION, now - this.lastCollisionAt < 60000);
    // Network sends failing (link down, route gone): active while sends failed within
    // the last 5 s; the ALF of the raise cannot get out while the link is down, the ALC
    // and the clearing ALF go out once it is back.
    const sendErrors = this.gw.counters.sendErrors;
    if (sendErrors !== this.lastSendErrors) {
      this.lastSendErrors = sendErrors;
      this.lastSendErrorAt = now;
    }
    set(a, AL_NET_SEND, now - this.lastSendErrorAt < 5000);
    // Terminal bytes lost in the receive path (serial driver overflow): active for a minute after.
    const rxLost = this.gw.counters.uartRxOverflows;
    if (rxLost !== this.lastRxOverflows) {
      this.lastRxOverflows = rxLost;
      this.lastRxOverflowAt = now;
    }
    set(a, AL_UART_RX_LOST, now - this.lastRxOverflowAt < 60000);
    a.heartbeatStatus = a.isActive(AL_TERMINAL_SILENT) ? HBT_NOT_NORMAL : HBT_NORMAL;
    a.tick();
    // Forget expired answer routes.
    const window = (this.o.answerWindow ?? 60) * 1000;
    if (this.pending.size > 0) for (const [k, p] of this.pending) if (now - p.at > window) this.pending.delete(k);
  }

  snapshot(): Record<string, unknown> {
    return { ...this.counters, rejects: { ...this.counters.rejects }, receiver: { ...this.receiver.counters }, alerts: { ...this.alerts.counters }, activeAlerts: this.alerts.active().map((x) => `${x.id}:${x.state}`) };
  }
}

// Alert keys and HBT statuses used by tick() once a second, as constants: on XS a string
// literal in evaluated bytecode is copied into a new chunk each time it runs.
const AL_TERMINAL_SILENT = "terminalSilent", AL_NO_FIX = "noFix", AL_CARD_ABSENT = "cardAbsent", AL_BEAMS_LOST = "beamsLost",
  AL_CHECKSUM_RATE = "checksumRate", AL_UART_OVERFLOW = "uartOverflow", AL_SFI_COLLISION = "sfiCollision", AL_NET_SEND = "netSend",
  AL_UART_RX_LOST = "uartRxLost";
const HBT_NORMAL = "A", HBT_NOT_NORMAL = "V";

/** An own-SFI line whose n we sent within this time is our own loopback. */
const SFI_RECENT_MS = 10000;

function set(a: AlertManager, key: string, on: boolean): void {
  if (on) a.raise(key);
  else a.clear(key);
}
