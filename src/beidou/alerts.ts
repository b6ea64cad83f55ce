// The Beidou terminal's alerts for bridge alert management (BAM, IEC 61924-2): their ids
// and texts, and the one rule that raises and clears them, read once a second by the
// network side (src/core/netside.ts, option deviceAlerts). Core knows only the gateway's
// own alerts (src/core/alerts.ts GATEWAY_ALERTS); ids here are in the same proprietary
// range (docs/network-side.md lists them all).
//
//   id     priority  category  text                    raised when
//   10001  W         B         BDS TERMINAL SILENT     no valid unit from the terminal for alSilentS s
//   10002  W         B         NO BDS POSITION FIX     no position fix for alNoFixS s
//   10003  W         B         BDS IC CARD ABSENT      the terminal reports no IC card (ICI/ICA answer)
//   10004  W         B         ALL RDSS BEAMS LOST     every RDSS beam at power 0 (BSI)

import type { AlertDefinition } from "../core/alerts";
import type { DeviceAlertInput, DeviceAlerts } from "../core/netside";

export const BEIDOU_ALERTS: ReadonlyArray<AlertDefinition> = [
  { key: "terminalSilent", id: 10001, priority: "W", category: "B", text: "BDS TERMINAL SILENT" },
  { key: "noFix", id: 10002, priority: "W", category: "B", text: "NO BDS POSITION FIX" },
  { key: "cardAbsent", id: 10003, priority: "W", category: "B", text: "BDS IC CARD ABSENT" },
  { key: "beamsLost", id: 10004, priority: "W", category: "B", text: "ALL RDSS BEAMS LOST" },
];

/** The part of the device state the alerts read (DeviceState fits). */
export interface DeviceAlertStatus {
  /** Wall-clock ms of the last valid RNSS fix, NaN when none. */
  readonly lastValidFixAt: number;
  readonly cardKnown: boolean;
  readonly cardPresent: boolean;
  /** Every reported RDSS beam at power 0 (BSI) or signal 0 (PWI): DeviceState keeps it by beamsLostNow. */
  readonly beamsLost: boolean;
}

// The one rule for the terminal's conditions. The alerts here are its levels; DeviceState's
// log events (terminal.silent, rnss.nofix, card.absent, beams.lost) are its edges, so the log
// and the BAM alerts cannot disagree about when a condition holds.

/** A time limit from the settings (alSilentS, alNoFixS): `limitS` 0 turns the condition off. */
export function pastLimit(elapsedMs: number, limitS: number): boolean {
  return limitS > 0 && elapsedMs > limitS * 1000;
}

/** Card absent: the terminal answered (ICI/ICP) and reported no card. */
export function cardAbsentNow(cardKnown: boolean, cardPresent: boolean): boolean {
  return cardKnown && !cardPresent;
}

/** All beams lost: some beam was reported (`reported`) and none is up. */
export function beamsLostNow(reported: boolean, up: boolean): boolean {
  return reported && !up;
}

// Alert keys as constants: on XS a string literal in evaluated bytecode is copied into a new chunk each time it runs.
const AL_TERMINAL_SILENT = "terminalSilent",
  AL_NO_FIX = "noFix",
  AL_CARD_ABSENT = "cardAbsent",
  AL_BEAMS_LOST = "beamsLost";

/**
 * The terminal's alerts over a device state. Without one (a gateway wired without
 * decoders) only "terminal silent" is judged, from the gateway's own silence.
 */
export function beidouAlerts(device?: DeviceAlertStatus): DeviceAlerts {
  return {
    definitions: BEIDOU_ALERTS,
    silentKey: AL_TERMINAL_SILENT,
    check(t: DeviceAlertInput, set: (key: string, on: boolean) => void): void {
      const c = t.config;
      // Terminal silent: nothing valid for alSilentS (counting from start-up when nothing came yet).
      set(AL_TERMINAL_SILENT, pastLimit(t.silence * 1000, c.alSilentS));
      const d = device;
      if (!d) return;
      const sinceFix = d.lastValidFixAt === d.lastValidFixAt ? t.wall - d.lastValidFixAt : t.uptime * 1000;
      set(AL_NO_FIX, pastLimit(sinceFix, c.alNoFixS));
      set(AL_CARD_ABSENT, cardAbsentNow(d.cardKnown, d.cardPresent));
      set(AL_BEAMS_LOST, d.beamsLost);
    },
  };
}
