// Bridge alert management (BAM) alert source: the gateway's own alerts as
// IEC 61924-2 / IEC 62923 sentences on the BAM1 group.
//
//   raise/clear/acknowledge/silence -> alert state machine -> ALF (on every change)
//   tick() -> ALC cyclic list while alerts are active, HBT heartbeat
//   ACN (alert command) addressed to us (d: = own SFI) -> state change, or ARC (refused)
//
// Field lists: docs/iec61162-450.md §7.2 (from EsDemo's headers citing 61924-2 Ed.1).
// Items marked UNCONFIRMED there are options here. Portable: no timers of its own;
// the gateway calls tick() about once a second and gives a send callback
// (gateway.forwardTo(BAM1, ...)). Sentences are produced as bytes without TAG block:
// the 450 encoder adds s:/n:/c: (and d: for answers).
//
// Alert identifiers (table in docs/network-side.md, keep in sync). IEC 62923-2 defines standard
// identifiers for some sensor alerts, but their numbers are not in any source we
// could check, so all gateway alerts use the proprietary range 10000..9999999,
// which requires a manufacturer mnemonic (option `manufacturer`, config propMfr):
//
//   id     priority  category  text                    raised when
//   10001-10004                                       the attached device's alerts (src/beidou/alerts.ts)
//   10005  C         B         UART CHECKSUM ERRORS    rejected lines above alCsumPct % over one minute
//   10006  C         B         UART QUEUE OVERFLOW     commands for the terminal dropped (queue full)
//   10007  W         B         DUPLICATE SFI           a datagram with our SFI that this gateway did not send
//   10008  W         B         NETWORK SEND FAILING    UDP sends failed within the last 5 s (link down, no route)
//   10009  C         B         OUTPUT RATE LIMITED     maxRate dropped sentences within the last 10 s (docs/filters.md)
//   10010  C         B         TERMINAL DATA LOST      the terminal UART's receive buffer overflowed within the last minute

import { asciiBytes, withChecksum } from "../nmea/checksum";
import { pad2 } from "./helpers";
import type { Clock } from "./io";

export type AlertPriority = "E" | "A" | "W" | "C"; // emergency alarm, alarm, warning, caution
export type AlertCategory = "A" | "B" | "C";
/** ALF alert states: V active-unacknowledged, S active-silenced, A active-acknowledged,
 *  O active-responsibility transferred, U rectified-unacknowledged, N normal. */
export type AlertState = "V" | "S" | "A" | "O" | "U" | "N";
/** ACN/ARC commands: A acknowledge, Q request/repeat information, O responsibility transfer, S silence. */
export type AlertCommand = "A" | "Q" | "O" | "S";

export interface AlertDefinition {
  /** Stable key used by the gateway code (e.g. "terminalSilent"). */
  key: string;
  /** Alert identifier: 10000..9999999 proprietary (manufacturer mnemonic sent), else standard (mnemonic null). */
  id: number;
  priority: AlertPriority;
  category: AlertCategory;
  /** Alert text: upper-case ASCII without 61162-1 reserved characters; length checked. */
  text: string;
}

export const GATEWAY_ALERTS: ReadonlyArray<AlertDefinition> = [
  { key: "checksumRate", id: 10005, priority: "C", category: "B", text: "UART CHECKSUM ERRORS" },
  { key: "uartOverflow", id: 10006, priority: "C", category: "B", text: "UART QUEUE OVERFLOW" },
  { key: "sfiCollision", id: 10007, priority: "W", category: "B", text: "DUPLICATE SFI ON NETWORK" },
  { key: "netSend", id: 10008, priority: "W", category: "B", text: "NETWORK SEND FAILING" },
  { key: "rateLimit", id: 10009, priority: "C", category: "B", text: "OUTPUT RATE LIMITED" },
  { key: "uartRxLost", id: 10010, priority: "C", category: "B", text: "TERMINAL DATA LOST" },
];

export interface AlertManagerOptions {
  clock: Clock;
  /** Talker of the sentences (e.g. the first two characters of the gateway SFI). */
  talker: string;
  /** Manufacturer mnemonic for proprietary alert identifiers (3 characters). */
  manufacturer: string;
  /** Own SFI: ACN is accepted only when its d: equals it. */
  ownSfi: string;
  /** Sends one sentence (bytes, no CR LF) on BAM1; `destination` sets d:. */
  send(sentence: Uint8Array, length: number, destination?: string): void;
  /** HBT interval, s (0: no heartbeat). Default 60. */
  hbtInterval?: number;
  /** Send the first HBT on the first tick instead of one interval after start-up. Default false. */
  hbtAtStart?: boolean;
  /** ALC interval while alerts are active, s (0: no ALC). Default 30 (UNCONFIRMED). */
  alcInterval?: number;
  /** Repeat ALF of every active alert this often, s (0: only on change and on Q). Default 0 (UNCONFIRMED). */
  alfRepeat?: number;
  /** Caution-priority alerts need no acknowledgement: raised directly in state A (UNCONFIRMED). Default true. */
  cautionsUnacknowledged?: boolean;
  definitions?: ReadonlyArray<AlertDefinition>;
  /** State changes and refusals, for the system log. */
  onEvent?(code: string, text: string): void;
}

export interface AlertCounters {
  raised: number;
  cleared: number;
  alf: number;
  alc: number;
  hbt: number;
  arc: number;
  acnAccepted: number;
  acnRefused: number;
  /** ACN not for us (no d:, other d:), not a command, or malformed. */
  acnIgnored: number;
}

interface ActiveAlert {
  def: AlertDefinition;
  instance: number;
  state: AlertState;
  revision: number;
  /** Wall-clock ms of the last state change. */
  changed: number;
}

/** hhmmss.ss (UTC) of a wall-clock time in ms. */
export function utcTime(ms: number): string {
  const day = ((Math.floor(ms / 10) % 8640000) + 8640000) % 8640000; // centiseconds of the day
  const h = Math.floor(day / 360000);
  const m = Math.floor(day / 6000) % 60;
  const s = Math.floor(day / 100) % 60;
  const cs = day % 100;
  return pad2(h) + pad2(m) + pad2(s) + "." + pad2(cs);
}

const RESERVED = /[^\x20-\x7e]|[,*$!\\^~]/;

// States compared on every raise()/clear() (the network side calls them once a second
// for each condition) as constants: on XS a string literal in evaluated bytecode is
// copied into a new chunk each time it runs.
const STATE_N: AlertState = "N",
  STATE_U: AlertState = "U";
const MAX_SENTENCE = 80; // 82 with CR LF

export class AlertManager {
  readonly counters: AlertCounters = {
    raised: 0,
    cleared: 0,
    alf: 0,
    alc: 0,
    hbt: 0,
    arc: 0,
    acnAccepted: 0,
    acnRefused: 0,
    acnIgnored: 0,
  };
  /** Equipment status sent in HBT: A normal, V not normal (the gateway sets it). */
  heartbeatStatus: "A" | "V" = "A";
  private o: AlertManagerOptions;
  private readonly defs = new Map<string, AlertDefinition>();
  private readonly alerts = new Map<string, ActiveAlert>();
  /** "id:1" map key per alert key, built once: instance 1 is the common case, no string per call. */
  private readonly firstKeys = new Map<string, string>();
  /**
   * Instance 1 of each defined alert by its key (null until first raised): set() tells a
   * level that changes nothing with one lookup instead of three (def, map key, alert).
   */
  private readonly firstAlerts = new Map<string, ActiveAlert | null>();
  /** Alerts not in state N (kept by change()), so tick() needs no iterator to know. */
  private activeCount = 0;
  private alfSeq = 0;
  private alcSeq = 0;
  private hbtSeq = 0;
  private nextHbt = 0;
  private nextAlc = 0;
  private nextAlf = 0;

  constructor(options: AlertManagerOptions) {
    this.o = options;
    this.retune(options);
    for (const d of options.definitions ?? GATEWAY_ALERTS) {
      if (!(d.id >= 100 && d.id <= 9999999 && Math.floor(d.id) === d.id))
        throw new RangeError(`alert ${d.key}: identifier ${d.id} out of range`);
      if (RESERVED.test(d.text)) throw new RangeError(`alert ${d.key}: text has reserved or non-printable characters`);
      // Worst case: 6-digit instance, 2-digit revision.
      const worst = this.alfText(d, 999999, 99, "V", 0);
      if (worst.length > MAX_SENTENCE)
        throw new RangeError(
          `alert ${d.key}: ALF would be ${worst.length} characters (> ${MAX_SENTENCE}); shorten the text`,
        );
      if (this.defs.has(d.key)) throw new RangeError(`alert ${d.key} defined twice`);
      this.defs.set(d.key, d);
      this.firstKeys.set(d.key, d.id + ":1");
      this.firstAlerts.set(d.key, null);
    }
    const now = options.clock.monotonic();
    // First heartbeat one interval after start-up (a source that dies at once never
    // looked alive); hbtAtStart sends one on the first tick instead.
    this.nextHbt = options.hbtAtStart ? now : now + (options.hbtInterval ?? 60) * 1000;
    this.nextAlc = now;
    this.nextAlf = now;
  }

  /** New identity or heartbeat interval (live settings sfi, propMfr, hbtInterval); the next sentence uses them. */
  retune(o: Pick<AlertManagerOptions, "talker" | "manufacturer" | "ownSfi" | "hbtInterval">): void {
    if (!/^[A-Z]{2}$/.test(o.talker)) throw new RangeError("talker must be two upper-case letters: " + o.talker);
    if (!/^[A-Z]{3}$/.test(o.manufacturer))
      throw new RangeError("manufacturer mnemonic must be three upper-case letters: " + o.manufacturer);
    const hbt = o.hbtInterval ?? 60;
    if (hbt !== (this.o.hbtInterval ?? 60)) this.nextHbt = this.o.clock.monotonic() + hbt * 1000;
    this.o = { ...this.o, talker: o.talker, manufacturer: o.manufacturer, ownSfi: o.ownSfi, hbtInterval: hbt };
  }

  /** Raise an alert (no-op when already active). Returns true when the state changed. */
  raise(key: string, instance = 1): boolean {
    const def = this.def(key);
    const k = this.alertKey(key, def, instance);
    const a = this.alerts.get(k);
    if (a && a.state !== STATE_N && a.state !== STATE_U) return false;
    const caution = def.priority === "C" && (this.o.cautionsUnacknowledged ?? true);
    const next: ActiveAlert = a ?? { def, instance, state: "N", revision: 0, changed: 0 };
    this.alerts.set(k, next);
    if (instance === 1) this.firstAlerts.set(key, next);
    this.counters.raised++;
    this.change(next, caution ? "A" : "V");
    return true;
  }

  /**
   * A condition's level for instance 1 (the network side, once a second per condition):
   * raise() when on, clear() when off; a level the alert already has changes nothing.
   */
  set(key: string, on: boolean): void {
    const a = this.firstAlerts.get(key);
    if (a === null && !on) return; // never raised: nothing to clear
    if (a) {
      const s = a.state;
      // raise() is a no-op unless the state is N or U, clear() unless it is neither.
      if (on === (s !== STATE_N && s !== STATE_U)) return;
    }
    if (on) this.raise(key);
    else this.clear(key);
  }

  /** The condition is gone (rectified). Returns true when the state changed. */
  clear(key: string, instance = 1): boolean {
    const def = this.def(key);
    const a = this.alerts.get(this.alertKey(key, def, instance));
    if (!a || a.state === STATE_N || a.state === STATE_U) return false;
    // Alarms must still be acknowledged after rectification; warnings and cautions go back to normal.
    const alarm = def.priority === "E" || def.priority === "A";
    this.counters.cleared++;
    this.change(a, alarm && (a.state === "V" || a.state === "S") ? "U" : "N");
    return true;
  }

  /** Local acknowledge (console). Returns the refusal reason, or null when accepted. */
  acknowledge(key: string, instance = 1): string | null {
    const def = this.def(key);
    return this.command(def.id, instance, "A");
  }

  /** Local silence (console). Returns the refusal reason, or null when accepted. */
  silence(key: string, instance = 1): string | null {
    const def = this.def(key);
    return this.command(def.id, instance, "S");
  }

  isActive(key: string, instance = 1): boolean {
    if (instance === 1) {
      // One lookup (the network side asks once a second for the heartbeat's status).
      const first = this.firstAlerts.get(key);
      if (first !== undefined) return first !== null && first.state !== STATE_N;
    }
    const a = this.alerts.get(this.alertKey(key, this.def(key), instance));
    return !!a && a.state !== STATE_N;
  }

  state(key: string, instance = 1): AlertState {
    const a = this.alerts.get(this.def(key).id + ":" + instance);
    return a ? a.state : "N";
  }

  /** Alerts not in state N, for status displays. */
  active(): Array<{
    key: string;
    id: number;
    instance: number;
    state: AlertState;
    priority: AlertPriority;
    text: string;
    revision: number;
    since: number;
  }> {
    const out = [];
    for (const a of this.alerts.values()) {
      if (a.state !== "N")
        out.push({
          key: a.def.key,
          id: a.def.id,
          instance: a.instance,
          state: a.state,
          priority: a.def.priority,
          text: a.def.text,
          revision: a.revision,
          since: a.changed,
        });
    }
    return out;
  }

  /**
   * An ACN sentence received from the network (text without CR LF), with the d: of
   * its TAG block. Accepted only when d: is our own SFI. Returns what happened.
   */
  handleAcn(sentence: string, destination: string | null, source: string | null): "accepted" | "refused" | "ignored" {
    if (destination !== this.o.ownSfi) {
      this.counters.acnIgnored++;
      return "ignored";
    }
    const star = sentence.lastIndexOf("*");
    const f = (star > 0 ? sentence.slice(0, star) : sentence).split(",");
    // $--ACN,time,mfr,id,instance,command,status
    if (f.length !== 7 || !/^[$][A-Z]{2}ACN$/.test(f[0]) || f[6] !== "C" || !/^[AQOS]$/.test(f[5])) {
      this.counters.acnIgnored++;
      this.o.onEvent?.("alert.acn", `malformed ACN from ${source ?? "?"} ignored: ${sentence}`);
      return "ignored";
    }
    const cmd = f[5] as AlertCommand;
    const id = f[3] === "" ? -1 : Number(f[3]);
    const instance = f[4] === "" ? 1 : Number(f[4]);
    const def = this.byId(id);
    // Manufacturer mnemonic must match for proprietary identifiers, and be empty for standard ones.
    const mfrOk = def ? (def.id >= 10000 ? f[2] === this.o.manufacturer : f[2] === "") : false;
    if (cmd === "Q" && id === -1) {
      for (const a of this.alerts.values()) if (a.state !== "N") this.sendAlf(a);
      this.counters.acnAccepted++;
      return "accepted";
    }
    const why =
      !def || !mfrOk || !(instance >= 1 && instance <= 999999) ? "unknown alert" : this.command(def.id, instance, cmd);
    if (why === null) {
      this.counters.acnAccepted++;
      this.o.onEvent?.("alert.acn", `ACN ${cmd} for ${f[3]}.${instance} from ${source ?? "?"} accepted`);
      return "accepted";
    }
    this.counters.acnRefused++;
    this.sendArc(f[2], f[3], f[4], cmd, source);
    this.o.onEvent?.("alert.arc", `ACN ${cmd} for ${f[2]}/${f[3]}.${f[4]} from ${source ?? "?"} refused: ${why}`);
    return "refused";
  }

  /** Periodic work: call about once a second. */
  tick(): void {
    const now = this.o.clock.monotonic();
    const hbt = this.o.hbtInterval ?? 60;
    if (hbt > 0 && now >= this.nextHbt) {
      this.nextHbt = now + hbt * 1000;
      this.sendHbt(hbt);
    }
    const alc = this.o.alcInterval ?? 30;
    if (alc > 0 && now >= this.nextAlc) {
      if (this.activeCount > 0) {
        this.nextAlc = now + alc * 1000;
        this.sendAlc();
      }
    }
    const rep = this.o.alfRepeat ?? 0;
    if (rep > 0 && now >= this.nextAlf) {
      this.nextAlf = now + rep * 1000;
      for (const a of this.alerts.values()) if (a.state !== "N") this.sendAlf(a);
    }
  }

  // --- state machine --------------------------------------------------------

  /** Apply a command; null when accepted, else the refusal reason. */
  private command(id: number, instance: number, cmd: AlertCommand): string | null {
    const a = this.alerts.get(id + ":" + instance);
    if (!a || a.state === "N") return "alert not active";
    switch (cmd) {
      case "Q":
        this.sendAlf(a);
        return null;
      case "A":
        // Category A alerts are acknowledged only at the task station, not remotely (IEC 62923-1).
        if (a.def.category === "A") return "category A alert cannot be acknowledged remotely";
        if (a.state === "A") return null;
        this.change(a, a.state === "U" ? "N" : "A");
        return null;
      case "S":
        if (a.state !== "V") return "only an active-unacknowledged alert can be silenced";
        this.change(a, "S");
        return null;
      case "O":
        if (a.state === "U") return "rectified alert: responsibility cannot be transferred";
        if (a.def.category === "A") return "category A alert: responsibility cannot be transferred";
        if (a.state === "O") return null;
        this.change(a, "O");
        return null;
    }
    return "unknown command";
  }

  private change(a: ActiveAlert, state: AlertState): void {
    const from = a.state;
    if (from === STATE_N && state !== STATE_N) this.activeCount++;
    else if (from !== STATE_N && state === STATE_N) this.activeCount--;
    a.state = state;
    a.revision = a.revision >= 99 ? 1 : a.revision + 1;
    a.changed = this.o.clock.now();
    this.sendAlf(a);
    this.o.onEvent?.("alert." + a.def.key, `${a.def.id} ${a.def.text}: ${from} -> ${state}`);
  }

  /** Map key of an alert instance: "id:instance". */
  private alertKey(key: string, def: AlertDefinition, instance: number): string {
    return instance === 1 ? this.firstKeys.get(key)! : def.id + ":" + instance;
  }

  private def(key: string): AlertDefinition {
    const d = this.defs.get(key);
    if (!d) throw new RangeError("unknown alert " + key);
    return d;
  }

  private byId(id: number): AlertDefinition | undefined {
    for (const d of this.defs.values()) if (d.id === id) return d;
    return undefined;
  }

  // --- sentences ------------------------------------------------------------

  private mfr(d: AlertDefinition): string {
    return d.id >= 10000 ? this.o.manufacturer : "";
  }

  /** $--ALF,1,1,seq,time,category,priority,state,mfr,id,instance,revision,escalation,text */
  private alfText(d: AlertDefinition, instance: number, revision: number, state: AlertState, changed: number): string {
    // Escalation counter: always 0 — escalation is the CAM's job (not done by this source).
    return withChecksum(
      `$${this.o.talker}ALF,1,1,${this.alfSeq},${utcTime(changed)},${d.category},${d.priority},${state},` +
        `${this.mfr(d)},${d.id},${instance},${revision},0,${d.text}`,
    );
  }

  private sendAlf(a: ActiveAlert): void {
    const s = this.alfText(a.def, a.instance, a.revision, a.state, a.changed);
    this.alfSeq = (this.alfSeq + 1) % 10;
    this.counters.alf++;
    this.emit(s);
  }

  private sendAlc(): void {
    const entries: string[] = [];
    for (const a of this.alerts.values())
      if (a.state !== "N") entries.push(`${this.mfr(a.def)},${a.def.id},${a.instance},${a.revision}`);
    // Pack as many entries per sentence as fit in 82 characters.
    const pages: string[][] = [[]];
    const base = `$${this.o.talker}ALC,99,99,99,9,`.length + 3;
    let len = base;
    for (const e of entries) {
      const page = pages[pages.length - 1];
      if (page.length > 0 && len + e.length + 1 > MAX_SENTENCE) {
        pages.push([e]);
        len = base + e.length + 1;
      } else {
        page.push(e);
        len += e.length + 1;
      }
    }
    const seq = pad2(this.alcSeq);
    this.alcSeq = (this.alcSeq + 1) % 100;
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i];
      this.counters.alc++;
      this.emit(
        withChecksum(
          `$${this.o.talker}ALC,${pad2(pages.length)},${pad2(i + 1)},${seq},${p.length}${p.length ? "," + p.join(",") : ""}`,
        ),
      );
    }
  }

  private sendHbt(interval: number): void {
    this.counters.hbt++;
    const s = withChecksum(`$${this.o.talker}HBT,${interval},${this.heartbeatStatus},${this.hbtSeq}`);
    this.hbtSeq = (this.hbtSeq + 1) % 10;
    this.emit(s);
  }

  /** $--ARC,time,mfr,id,instance,command — sent to the SFI whose command was refused. */
  private sendArc(mfr: string, id: string, instance: string, cmd: AlertCommand, source: string | null): void {
    this.counters.arc++;
    const safe = (v: string) => (RESERVED.test(v) ? "" : v.slice(0, 10));
    this.emit(
      withChecksum(
        `$${this.o.talker}ARC,${utcTime(this.o.clock.now())},${safe(mfr)},${safe(id)},${safe(instance)},${cmd}`,
      ),
      source ?? undefined,
    );
  }

  private emit(s: string, destination?: string): void {
    const b = asciiBytes(s);
    this.o.send(b, b.length, destination);
  }
}
