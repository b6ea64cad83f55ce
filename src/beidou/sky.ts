// Satellites in view from GSV: id, elevation, azimuth and C/N0 per satellite and system,
// for the web page's sky plot and signal bars (/api/status `sky`).
//
// Hot path: a third of a terminal's sentences are GSV, so each one costs a few typed
// array writes: sentence 1 of a system's GSV group starts a fresh list for that system
// (no search, no allocation); the following sentences append. The last complete list
// stays readable while the next one is filled. Only one signal per system is kept (the
// first the terminal sends, e.g. B1I; NMEA 4.10 repeats the satellites per signal with
// other C/N0 values, which would double every mark).

import type { GSV } from "./sentences/gsv";

/** Systems by NMEA 4.11 ID (0 unknown .. 6 NavIC), as kind.ts numbers them. */
const SYSTEMS = 7;
/** Satellites kept per system (BDS alone often shows 20+ in East Asia). */
export const SKY_PER_SYSTEM = 32;

export class SkyView {
  /**
   * Two lists per system: entry ((s * 2 + bank) * SKY_PER_SYSTEM + k) is satellite k of
   * system s in that bank. One bank is shown (`shown`) while the other is filled, so a
   * reader never sees half of one group and half of the next. NaN: not given.
   */
  readonly id = new Int16Array(SYSTEMS * 2 * SKY_PER_SYSTEM);
  readonly elevation = new Float32Array(SYSTEMS * 2 * SKY_PER_SYSTEM);
  readonly azimuth = new Float32Array(SYSTEMS * 2 * SKY_PER_SYSTEM);
  readonly snr = new Float32Array(SYSTEMS * 2 * SKY_PER_SYSTEM);
  /** Bank shown per system, and its satellite count. */
  readonly shown = new Uint8Array(SYSTEMS);
  readonly count = new Int16Array(SYSTEMS);
  /** Satellites in the bank being filled, per system. */
  readonly filling = new Int16Array(SYSTEMS);
  /** Time the shown list was completed, per system (ms); NaN: never. */
  readonly at = new Float64Array(SYSTEMS).fill(NaN);
  /** Signal ID the lists follow per system (-1: none seen yet; an absent signal ID is 0). */
  readonly signal = new Int8Array(SYSTEMS).fill(-1);

  /** One decoded GSV sentence of system `sys`. */
  add(sys: number, g: GSV, now: number): void {
    const sig = g.signalId === g.signalId ? g.signalId : 0;
    const want = this.signal[sys];
    if (want >= 0 && sig !== want) return;
    if (g.sentenceNumber === 1) {
      this.filling[sys] = 0;
      this.signal[sys] = sig;
    } else if (want < 0) return; // a group's tail before its first sentence
    let k = this.filling[sys];
    const base = (sys * 2 + (this.shown[sys] ^ 1)) * SKY_PER_SYSTEM;
    const n = g.count;
    for (let i = 0; i < n && k < SKY_PER_SYSTEM; i++, k++) {
      this.id[base + k] = g.id[i];
      this.elevation[base + k] = g.elevation[i];
      this.azimuth[base + k] = g.azimuth[i];
      this.snr[base + k] = g.snr[i];
    }
    this.filling[sys] = k;
    if (g.sentenceNumber !== g.totalSentences) return;
    // The group's last sentence: the filled bank is complete and becomes the one shown.
    this.shown[sys] ^= 1;
    this.count[sys] = k;
    this.filling[sys] = 0;
    this.at[sys] = now;
  }

  /**
   * Per system name, one [id, elevation, azimuth, C/N0] per satellite (null: not given):
   * compact JSON for the board's page. Systems not heard for `maxAgeMs` are left out.
   */
  report(now: number, names: readonly string[], maxAgeMs: number): Record<string, Array<Array<number | null>>> {
    const out: Record<string, Array<Array<number | null>>> = {};
    for (let s = 0; s < SYSTEMS; s++) {
      if (!(now - this.at[s] <= maxAgeMs) || this.count[s] === 0) continue;
      const base = (s * 2 + this.shown[s]) * SKY_PER_SYSTEM;
      const list: Array<Array<number | null>> = [];
      for (let k = 0; k < this.count[s]; k++) {
        const e = this.elevation[base + k],
          a = this.azimuth[base + k],
          c = this.snr[base + k];
        list.push([this.id[base + k], e === e ? e : null, a === a ? a : null, c === c ? c : null]);
      }
      out[names[s]] = list;
    }
    return out;
  }
}
