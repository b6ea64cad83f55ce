// Satellites in view from GSV: id, elevation, azimuth and C/N0 per satellite and system,
// for the web page's sky plot and signal bars (/api/status `sky`).
//
// Hot path: a third of a terminal's sentences are GSV, so most cost one comparison: a
// system's list is renewed from one whole GSV group every few seconds (typed array
// writes, no search, no allocation) and the groups between are skipped. The last
// complete list stays readable while the next one is filled. Only one signal per system is kept (the
// first the terminal sends, e.g. B1I; NMEA 4.10 repeats the satellites per signal with
// other C/N0 values, which would double every mark).

import { MAX_FIELDS } from "./fields";
import type { SkySentence } from "./targets";

/** Systems by NMEA 4.11 ID (0 unknown .. 6 NavIC), as kind.ts numbers them. */
const SYSTEMS = 7;
/** Satellites kept per system (BDS alone often shows 20+ in East Asia). */
export const SKY_PER_SYSTEM = 32;
/** A system's list is renewed at most this often (ms). */
export const SKY_EVERY_MS = 4000;

/** Stored for "not given" (NMEA GSV gives whole degrees and dB-Hz; none of these is valid). */
const NONE = -128;
/** Where the integer table starts in a field table (Fields.ints: doubles MAX_FIELDS + 1 on). */
const INTS = MAX_FIELDS + 1,
  PER = SKY_PER_SYSTEM;

/**
 * A GSV value as a whole number within [lo, hi] (NMEA 0183 GSV: elevation 0..90 degrees,
 * azimuth 0..359, C/N0 0..99 dB-Hz: whole numbers), else NONE.
 */
function whole(v: number, lo: number, hi: number): number {
  return v >= lo && v <= hi ? Math.round(v) : NONE;
}

/**
 * Where a sky view keeps its arrays in its buffer (bytes from its base, 8-aligned): the
 * board's native sentence path (src/native/fixes.c) writes them too. Change both together.
 * Doubles: filling, at[0..6], fillCount; then signal, count, the 16-bit and 8-bit lists.
 */
const S_SIGNAL = 72,
  S_COUNT = 80,
  S_ID = 96,
  S_AZIMUTH = S_ID + 2 * SYSTEMS * PER,
  S_FILL_ID = S_AZIMUTH + 2 * SYSTEMS * PER,
  S_FILL_AZIMUTH = S_FILL_ID + 2 * PER,
  S_ELEVATION = S_FILL_AZIMUTH + 2 * PER,
  S_SNR = S_ELEVATION + SYSTEMS * PER,
  S_FILL_ELEVATION = S_SNR + SYSTEMS * PER,
  S_FILL_SNR = S_FILL_ELEVATION + PER;
/** Bytes a sky view takes in its buffer. */
export const SKY_BYTES = S_FILL_SNR + PER;

export class SkyView {
  /**
   * The list shown per system: entry (s * SKY_PER_SYSTEM + k) is satellite k of system s;
   * small integer arrays, since GSV carries whole degrees and dB-Hz (RAM on the board:
   * the XS creation of manifest.json). NONE: not given.
   */
  readonly id: Int16Array;
  readonly elevation: Int8Array;
  readonly azimuth: Int16Array;
  readonly snr: Int8Array;
  /**
   * The group being copied (one at a time: `filling`), moved into its system's list once
   * complete, so a reader never sees half of one group and half of the next.
   */
  private readonly fillId: Int16Array;
  private readonly fillElevation: Int8Array;
  private readonly fillAzimuth: Int16Array;
  private readonly fillSnr: Int8Array;
  /** The same as bytes, for the native column copy (xsmc takes byte arrays only). */
  private readonly fillIdBytes: Uint8Array;
  private readonly fillElevationBytes: Uint8Array;
  private readonly fillAzimuthBytes: Uint8Array;
  private readonly fillSnrBytes: Uint8Array;
  /** Satellite count of each shown list. */
  readonly count: Int16Array;
  /** Time the shown list was completed, per system (ms); NaN: never. */
  readonly at: Float64Array;
  /** Signal ID the lists follow per system (-1: none seen yet; an absent signal ID is 0). */
  readonly signal: Int8Array;
  /** filling, at[0..6], fillCount. */
  private readonly cells: Float64Array;

  /**
   * `buffer` from byte `base` (8-aligned, SKY_BYTES): where the device state keeps the sky
   * view (DeviceState.cells, which the board's native sentence path writes); default its own.
   */
  constructor(buffer: ArrayBuffer = new ArrayBuffer(SKY_BYTES), base = 0) {
    const n = SYSTEMS * PER;
    this.cells = new Float64Array(buffer, base, 9);
    this.cells.fill(NaN);
    this.cells[0] = -1;
    this.cells[8] = 0;
    this.at = new Float64Array(buffer, base + 8, SYSTEMS);
    this.signal = new Int8Array(buffer, base + S_SIGNAL, SYSTEMS).fill(-1);
    this.count = new Int16Array(buffer, base + S_COUNT, SYSTEMS);
    this.id = new Int16Array(buffer, base + S_ID, n);
    this.azimuth = new Int16Array(buffer, base + S_AZIMUTH, n);
    this.fillId = new Int16Array(buffer, base + S_FILL_ID, PER);
    this.fillAzimuth = new Int16Array(buffer, base + S_FILL_AZIMUTH, PER);
    this.elevation = new Int8Array(buffer, base + S_ELEVATION, n);
    this.snr = new Int8Array(buffer, base + S_SNR, n);
    this.fillElevation = new Int8Array(buffer, base + S_FILL_ELEVATION, PER);
    this.fillSnr = new Int8Array(buffer, base + S_FILL_SNR, PER);
    this.fillIdBytes = new Uint8Array(buffer, base + S_FILL_ID, 2 * PER);
    this.fillAzimuthBytes = new Uint8Array(buffer, base + S_FILL_AZIMUTH, 2 * PER);
    this.fillElevationBytes = new Uint8Array(buffer, base + S_FILL_ELEVATION, PER);
    this.fillSnrBytes = new Uint8Array(buffer, base + S_FILL_SNR, PER);
  }

  /** Satellites copied so far into the group being filled. */
  private get fillCount(): number {
    return this.cells[8];
  }
  private set fillCount(v: number) {
    this.cells[8] = v;
  }

  /** System whose group is being copied, -1: none (the group is skipped). Read by GSV's apply. */
  get filling(): number {
    return this.cells[0];
  }
  set filling(v: number) {
    this.cells[0] = v;
  }

  /**
   * Sentence 1 of a GSV group of system `sys`. A system's list is renewed at most every
   * SKY_EVERY_MS: the sky moves slowly, and each skipped group costs the hot path only a
   * comparison per sentence (the XS per-sentence bound, hosttest/xs/xs-native-bounds).
   * True when this group is taken (`filling` is then `sys`): the caller then passes the
   * sentence to more(). GSV's apply copies a sentence's details from its fields only
   * then (gsv.ts).
   */
  begin(sys: number, g: SkySentence, now: number): boolean {
    const sig = g.signalId === g.signalId ? g.signalId : 0;
    const want = this.signal[sys];
    if ((want >= 0 && sig !== want) || now - this.at[sys] < SKY_EVERY_MS) {
      this.filling = -1;
      return false;
    }
    this.signal[sys] = sig;
    this.filling = sys;
    this.fillCount = 0;
    return true;
  }

  /** A following sentence of the group being copied (GSV's apply calls it only when `filling` >= 0). */
  more(g: SkySentence, now: number): void {
    const sys = this.filling;
    let k = this.fillCount;
    const n = g.count,
      f = g.pending;
    if (f !== undefined) {
      // Decoded state-only: each column straight from the field table, one native call
      // each (on XS the loop below costs ~20,000 RV32 instructions a satellite). The IDs
      // are valid (1-999) integers there; whole() leaves them as they are.
      const h = f.helpers,
        t = f.numberBytes,
        slot = g.slot as Uint8Array,
        c = n < PER - k ? n : PER - k;
      h.wholes(t, slot, INTS, c, 1, 999, NONE, this.fillIdBytes, k, 2);
      h.wholes(t, slot, 1, c, -90, 90, NONE, this.fillElevationBytes, k, 1);
      h.wholes(t, slot, 2, c, 0, 360, NONE, this.fillAzimuthBytes, k, 2);
      h.wholes(t, slot, 3, c, 0, 127, NONE, this.fillSnrBytes, k, 1);
      k += c;
    } else
      for (let i = 0; i < n && k < SKY_PER_SYSTEM; i++, k++) {
        this.fillId[k] = g.id[i];
        this.fillElevation[k] = whole(g.elevation[i], -90, 90);
        this.fillAzimuth[k] = whole(g.azimuth[i], 0, 360);
        this.fillSnr[k] = whole(g.snr[i], 0, 127);
      }
    this.fillCount = k;
    if (g.sentenceNumber !== g.totalSentences) return;
    // The group's last sentence: the list is complete and replaces the one shown.
    const base = sys * SKY_PER_SYSTEM;
    for (let j = 0; j < k; j++) {
      this.id[base + j] = this.fillId[j];
      this.elevation[base + j] = this.fillElevation[j];
      this.azimuth[base + j] = this.fillAzimuth[j];
      this.snr[base + j] = this.fillSnr[j];
    }
    this.count[sys] = k;
    this.at[sys] = now;
    this.filling = -1;
  }

  /**
   * Per system name, one [id, elevation, azimuth, C/N0] per satellite (null: not given):
   * compact JSON for the board's page. Systems not heard for `maxAgeMs` are left out.
   */
  report(now: number, names: readonly string[], maxAgeMs: number): Record<string, Array<Array<number | null>>> {
    const out: Record<string, Array<Array<number | null>>> = {};
    for (let s = 0; s < SYSTEMS; s++) {
      if (!(now - this.at[s] <= maxAgeMs) || this.count[s] === 0) continue;
      const base = s * SKY_PER_SYSTEM;
      const list: Array<Array<number | null>> = [];
      for (let k = 0; k < this.count[s]; k++) {
        const e = this.elevation[base + k],
          a = this.azimuth[base + k],
          c = this.snr[base + k];
        list.push([this.id[base + k], e !== NONE ? e : null, a !== NONE ? a : null, c !== NONE ? c : null]);
      }
      out[names[s]] = list;
    }
    return out;
  }
}
