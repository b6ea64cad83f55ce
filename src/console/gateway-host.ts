// ConsoleHost over the running Gateway and the Beidou device state: the one
// implementation the board and the Linux host share. Platform specifics (how to
// reboot, heap figures, network link) come in as options.
//
// Settings: `set` changes the record shown by `show config`; the schema
// (src/settings/settings.ts, `apply`) says which keys the running gateway takes at
// once: those are written into the running config and the components re-read it
// (`retune`); the others wait for `save` + `reboot`. Nothing is stored until `save`.

import { addr7, hms, SYSTEM_NAMES } from "../beidou/kind";
import type { DeviceState } from "../beidou/state";
import type { GatewayConfig } from "../core/config";
import type { LogEvent } from "../core/eventlog";
import type { Gateway } from "../core/gateway";
import { zero } from "../core/helpers";
import type { Clock, SettingsStore } from "../core/io";
import { isLive, type SettingKey, type SettingValue, validateConfig } from "../settings/settings";
import type { ApplyResult, ConsoleHost, FixReport, StatusReport } from "./host";
import type { LoadedSettings } from "./persist";
import { saveSettings } from "./persist";

/** NaN (not known yet) -> undefined: absent from the status report. */
function known(v: number): number | undefined {
  return v === v ? v : undefined;
}

export interface GatewayConsoleHostOptions {
  gateway: Gateway;
  /** Beidou device state (BeidouWiring.state); without it fix/beam/card show "not connected". */
  state?: DeviceState;
  store: SettingsStore;
  /** What the loader returned (unknown keys are shown and kept). */
  loaded: LoadedSettings;
  clock: Clock;
  reboot(): void;
  /**
   * Make the running components take the live settings just written into
   * gateway.config (throws when one cannot). Default: the gateway's own (Gateway.retune);
   * the assembly adds the network side and the device state.
   */
  retune?(): void;
  /** Heap figures where the platform reports them. */
  heap?(): { used?: number; free?: number; peak?: number } | undefined;
  /** One line on the wall clock's source (platforms that set it themselves). */
  clockSource?(): string;
  /** Network link state and address as the platform knows them. */
  network?(): { link: string; address: string };
  /** Received datagrams per group and receive errors, once a network receiver runs. */
  received?(): { in: Record<string, number>; errors: Record<string, number> };
  /** Zero the network side's counters too (`counters reset`). */
  resetNetwork?(): void;
  /** Active alerts from the alert manager, when one runs (the rule: src/beidou/alerts.ts, src/core/netside.ts). */
  alerts?(): ReadonlyArray<{ id: string; state: string; text: string }>;
  /** Acknowledge one of those alerts by its id; returns the refusal reason or undefined. */
  acknowledge?(id: string): string | undefined;
}

const GGA_QUALITY = [
  "invalid",
  "GNSS fix",
  "differential",
  "PPS",
  "RTK fixed",
  "RTK float",
  "estimated",
  "manual",
  "simulation",
];

export class GatewayConsoleHost implements ConsoleHost {
  private config: GatewayConfig;
  private readonly o: GatewayConsoleHostOptions;
  /**
   * What `save` writes: the settings as loaded from the store plus every key set through
   * applyConfig (console, web). The running record may differ: a run's command-line
   * options (`--interface`, `--ttl`) apply to that run only and are never saved.
   */
  private toSave: GatewayConfig;
  private setKeys: SettingKey[] = [];

  constructor(options: GatewayConsoleHostOptions) {
    this.o = options;
    this.config = { ...options.gateway.config };
    this.toSave = { ...options.loaded.config };
  }

  getConfig(): GatewayConfig {
    return { ...this.config };
  }

  applyConfig(next: GatewayConfig, changed: readonly SettingKey[]): ApplyResult {
    const gw = this.o.gateway;
    const running = gw.config as unknown as Record<string, SettingValue>;
    const rec = next as unknown as Record<string, SettingValue>;
    const before = { ...running };
    for (const k of changed) if (isLive(k)) running[k] = rec[k];
    try {
      if (this.o.retune) this.o.retune();
      else gw.retune();
    } catch (e) {
      // A refusal leaves everything as it was.
      for (const k of changed) running[k] = before[k];
      if (this.o.retune) this.o.retune();
      else gw.retune();
      return { error: (e as Error).message };
    }
    this.config = { ...next };
    const save = this.toSave as unknown as Record<string, SettingValue>;
    for (const k of changed) {
      save[k] = rec[k];
      if (this.setKeys.indexOf(k) < 0) this.setKeys.push(k);
    }
    return {};
  }

  save(): string | undefined {
    // The record saved is not the running one when options overrode keys: check it too.
    const problems = validateConfig(this.toSave);
    if (problems.length) return "the settings to store break a rule: " + problems.join("; ");
    try {
      saveSettings(this.o.store, this.toSave, this.setKeys);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  reboot(): void {
    this.o.reboot();
  }

  unknownSettings(): Record<string, SettingValue> {
    return this.o.loaded.unknown;
  }

  log(count: number): LogEvent[] {
    return this.o.gateway.events.recent(count);
  }

  resetCounters(): void {
    const gw = this.o.gateway;
    zero(gw.framer.counters);
    zero(gw.encoder.counters);
    zero(gw.counters);
    gw.outFilter.resetCounters();
    gw.inFilter.resetCounters();
    if (this.o.state) this.o.state.checksumErrors = 0;
    if (this.o.resetNetwork) this.o.resetNetwork();
    gw.events.add("console", "counters reset from the console");
  }

  acknowledgeAlert(id: string): string | undefined {
    if (!this.o.acknowledge) return "no alert manager in this build";
    return this.o.acknowledge(id);
  }

  terminalFamily(): string {
    return this.o.state ? this.o.state.family : "unknown";
  }

  sendCommand(sentence: Uint8Array): string | undefined {
    if (this.o.state && sentence.length > 6)
      this.o.state.noteSent(String.fromCharCode(sentence[3], sentence[4], sentence[5]), this.o.clock.now());
    if (!this.o.gateway.sendToTerminal(sentence))
      this.o.gateway.events.add("console", "UART queue was full: the oldest queued command was dropped");
    return undefined;
  }

  status(): StatusReport {
    const gw = this.o.gateway;
    const now = this.o.clock.now();
    const snap = gw.snapshot() as {
      rejects: Record<string, number>;
      perGroup: Record<string, number>;
      sendErrors: number;
      rateDroppedPerGroup: Record<string, number>;
    };
    const f = gw.framer.counters;
    const st = this.o.state;
    const silence = gw.silenceSeconds();
    const c = gw.counters;
    let link = silence === Infinity ? "no data yet" : st?.silent ? "silent" : "receiving";
    if (c.serialErrors) link += `, ${c.serialErrors} serial errors, ${c.serialReopens} reopens`;
    const age = (at: number) => (at === at ? Math.max(0, (now - at) / 1000) : undefined);
    // A position fix known since `at` (NaN: none yet).
    const fix = (at: number, time: number, lat: number, lon: number, height: number): FixReport | null =>
      at === at ? { time: hms(time) ?? undefined, lat, lon, heightM: known(height), ageS: age(at) } : null;
    const r: StatusReport = {
      uptimeS: (this.o.clock.monotonic() - gw.startTime) / 1000,
      terminal: {
        link,
        bytes: f.bytes,
        sentences: f.sentences + f.frames,
        rejects: snap.rejects,
        lastSentenceAgeS: silence === Infinity ? undefined : silence,
        uartQueued: c.uartQueued,
        uartDropped: c.uartDropped,
        rxOverflows: c.uartRxOverflows,
      },
    };
    const heap = this.o.heap ? this.o.heap() : undefined;
    if (heap) r.heap = heap;
    if (this.o.clockSource) r.clock = this.o.clockSource();
    const net = this.o.network
      ? this.o.network()
      : { link: "unknown", address: this.config.iface || "OS default route" };
    const rx = this.o.received ? this.o.received() : undefined;
    const errors: Record<string, number> = { sendErrors: snap.sendErrors };
    if (rx) for (const k in rx.errors) errors[k] = rx.errors[k];
    r.network = {
      link: net.link,
      address: net.address,
      out: snap.perGroup,
      own: gw.counters.own,
      in: rx ? rx.in : undefined,
      errors,
    };
    r.filters = {
      out: gw.outFilter.counts(),
      in: gw.inFilter.counts(),
      maxRate: gw.config.maxRate,
      rateDropped: snap.rateDroppedPerGroup as Record<string, number>,
    };
    if (st) {
      const rnss = fix(st.lastValidFixAt, st.fixTime, st.latitude, st.longitude, st.altitude);
      if (rnss) {
        rnss.quality = st.quality === st.quality ? (GGA_QUALITY[st.quality] ?? "quality " + st.quality) : undefined;
        rnss.satellites = known(st.satellitesUsedTotal);
        rnss.hdop = known(st.hdop);
      }
      r.rnss = rnss;
      // A system whose list was not renewed for 15 s (three renewals) has left the view.
      r.sky = st.sky.report(now, SYSTEM_NAMES, 15000);
      const rdss = fix(st.rdssAt, st.rdssTime, st.rdssLatitude, st.rdssLongitude, st.rdssHeight);
      if (rdss) rdss.source = "card " + (addr7(st.rdssUser) ?? "?");
      r.rdss = rdss;
      if (st.beamsAt === st.beamsAt && st.pwiAt !== st.beamsAt) {
        const power: number[] = [];
        for (let i = 0; i < st.beams.length; i++) if (st.beams[i] >= 0) power.push(st.beams[i]);
        r.beams = { response: st.responseBeam, timeDiff: st.timeDifferenceBeam, power, ageS: age(st.beamsAt) };
      } else r.beams = null;
      if (st.pwiAt === st.pwiAt) {
        const beams = (n: number, id: Int16Array, sig: Int16Array, per: number) => {
          const out: Array<{ beam: number; signal: number[] }> = [];
          for (let k = 0; k < n; k++)
            out.push({ beam: id[k], signal: Array.from(sig.subarray(per * k, per * k + per)) });
          return out;
        };
        r.pwi = {
          bds2: beams(st.pwiBeams2, st.pwiId2, st.pwiSignal2, 2),
          bds3: beams(st.pwiBeams3, st.pwiId3, st.pwiSignal3, 3),
          ageS: age(st.pwiAt),
        };
      } else r.pwi = null;
      if (r.terminal) {
        r.terminal.family = st.family;
        if (st.familyOverride) r.terminal.familyDetected = st.detectedFamily;
      }
      r.card = !st.cardKnown
        ? null
        : !st.cardPresent
          ? { userId: "none (no IC card)", ageS: age(st.cardAt) }
          : {
              userId: addr7(st.cardNumber) ?? "?",
              // ICP (BDS-3) gives the card number only: the rest unknown, not shown.
              serial: st.cardSerial === st.cardSerial ? String(st.cardSerial).padStart(8, "0") : undefined,
              frequencyS: known(st.serviceInterval),
              level: known(st.level),
              encrypted: st.cardSerial === st.cardSerial ? st.encrypted : undefined,
              ageS: age(st.cardAt),
            };
    }
    // The alert manager's list (src/app/assemble.ts); a host without one lists none.
    if (this.o.alerts) r.alerts = this.o.alerts();
    return r;
  }
}
