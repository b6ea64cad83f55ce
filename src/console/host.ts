// What the console needs from the gateway: the ConsoleHost contract. The gateway
// (or a test) implements it; the console never reaches into gateway internals, so it
// runs unchanged on the board, on Node and in tests.

import type { GatewayConfig } from "../core/config";
import type { LogEvent } from "../core/eventlog";
import type { SettingKey, SettingValue } from "../settings/settings";

export interface ApplyResult {
  /** The gateway refused the record (e.g. it could not rebuild a component). Nothing changed. */
  error?: string;
}

/**
 * Status as the console shows it. A section left `undefined` means its data source is
 * not connected in this build (the console says so); `null` means connected but no
 * data received yet ("no fix yet").
 */
export interface StatusReport {
  uptimeS: number;
  /** Heap figures where the platform reports them (Moddable release builds do not). */
  heap?: { used?: number; free?: number; peak?: number };
  /** Where the wall clock (TAG c:) comes from, where the platform says (board: the terminal's RMC/ZDA). */
  clock?: string;
  terminal?: {
    /** "open", "closed", "reopening"... */
    link: string;
    bytes: number;
    sentences: number;
    /** Rejected units by reason (badChecksum, tooLong, ...). */
    rejects: Record<string, number>;
    /** Seconds since the last valid sentence; undefined when none yet. */
    lastSentenceAgeS?: number;
    /** Host -> terminal queue figures. */
    uartQueued?: number;
    uartDropped?: number;
    /** Receive overflows of the terminal UART (bytes lost before they were read). */
    rxOverflows?: number;
    /** Sentence family: "bds2", "bds3" or "unknown" (setting terminalFamily, else detected). */
    family?: string;
    /** The family the terminal's sentences show, when the setting overrides it. */
    familyDetected?: string;
  };
  rnss?: FixReport | null;
  rdss?: FixReport | null;
  /**
   * Satellites in view from GSV, per system name: [id, elevation °, azimuth °, C/N0 dB-Hz]
   * each (null: not given). Undefined: no device state in this build.
   */
  sky?: Record<string, Array<Array<number | null>>>;
  beams?: { response: number; timeDiff: number; power: readonly number[]; ageS?: number } | null;
  /** BDS-3 PWI beams (kept apart from BSI's): id and signal values per beam, per family. */
  pwi?: {
    bds2: ReadonlyArray<{ beam: number; signal: readonly number[] }>;
    bds3: ReadonlyArray<{ beam: number; signal: readonly number[] }>;
    ageS?: number;
  } | null;
  card?: {
    userId: string;
    serial?: string;
    feature?: number;
    frequencyS?: number;
    level?: number;
    encrypted?: boolean;
    ageS?: number;
  } | null;
  network?: {
    link: string;
    address: string;
    /** Datagrams sent and received per transmission group name; `in` undefined: no receiver in this build. */
    out: Record<string, number>;
    /** Of the sentences sent, the gateway's own (alerts, answers to network commands), not the terminal's. */
    own?: number;
    in?: Record<string, number>;
    /** Errors by kind (sendErrors, rejected datagrams by reason, ...). */
    errors: Record<string, number>;
  };
  /** Active or unacknowledged alerts. */
  alerts?: ReadonlyArray<{ id: string; state: string; text: string }>;
  /** Output and input filter counts per rule, and the maxRate ceiling (docs/filters.md). */
  filters?: {
    out: ReadonlyArray<{ rule: string; passed: number; blocked: number }>;
    in: ReadonlyArray<{ rule: string; passed: number; blocked: number }>;
    /** maxRate (0: off) and sentences it dropped per group name. */
    maxRate: number;
    rateDropped: Record<string, number>;
  };
}

export interface FixReport {
  /** UTC time of the fix, as the sentence gave it (hh:mm:ss). */
  time?: string;
  lat: number;
  lon: number;
  /** Fix quality / mode text (e.g. "GPS fix", "RTK", "RDSS"). */
  quality?: string;
  satellites?: number;
  hdop?: number;
  heightM?: number;
  ageS?: number;
  /** Talker + formatter the fix came from, e.g. "GNGGA", "BDDWR". */
  source?: string;
}

export interface ConsoleHost {
  /** The running configuration. */
  getConfig(): GatewayConfig;
  /** Take a record that passed every schema rule into use (in memory, not saved). */
  applyConfig(config: GatewayConfig, changed: readonly SettingKey[]): ApplyResult | undefined;
  /** Persist the running configuration atomically; returns an error text or undefined. */
  save(): string | undefined;
  /** Restart the gateway (the board resets; the host process re-executes). */
  reboot(): void;
  status(): StatusReport;
  /** The newest `count` system log events, oldest first. */
  log(count: number): LogEvent[];
  resetCounters(): void;
  /**
   * Queue a sentence (with or without CR LF) for the terminal UART. Returns an error
   * text when it was refused. Undefined member: no terminal link in this build.
   */
  sendCommand?(sentence: Uint8Array): string | undefined;
  /** The terminal's family ("bds2", "bds3", "unknown"): terminal operations speak it. Undefined member: BDS-2. */
  terminalFamily?(): string;
  /** Acknowledge an active alert by the id status() lists; returns the refusal reason, or undefined when done. Undefined member: no alert manager. */
  acknowledgeAlert?(id: string): string | undefined;
  /** Settings from a newer version kept in the store (shown by `show config`). */
  unknownSettings?(): Record<string, SettingValue>;
}
