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
  /** RDSS beam powers, -1 unknown. */
  readonly beams: ArrayLike<number>;
  readonly beamsAt: number;
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
      set(AL_TERMINAL_SILENT, c.alSilentS > 0 && t.silence > c.alSilentS);
      const d = device;
      if (!d) return;
      const sinceFix = d.lastValidFixAt === d.lastValidFixAt ? (t.wall - d.lastValidFixAt) / 1000 : t.uptime;
      set(AL_NO_FIX, c.alNoFixS > 0 && sinceFix > c.alNoFixS);
      set(AL_CARD_ABSENT, d.cardKnown && !d.cardPresent);
      let known = 0,
        up = 0;
      for (let i = 0; i < d.beams.length; i++)
        if (d.beams[i] >= 0) {
          known++;
          if (d.beams[i] > 0) up++;
        }
      set(AL_BEAMS_LOST, d.beamsAt === d.beamsAt && known > 0 && up === 0);
    },
  };
}
