// GSV — satellites in view. `$--GSV,total,num,inview,{id,elev,az,snr}x0..4[,signalId]*hh`
//   1 total sentences 1-9   2 sentence number   3 satellites in view
//   4+4k satellite ID   5+4k elevation, degrees   6+4k azimuth, degrees true   7+4k SNR, dB-Hz (k = 0..3)
//   then [signal ID (4.10)], [system ID (Quectel PQGSV)]
// The NMEA 4.10 signal ID is the field left over after the 4-field groups; it may be
// a hex digit (u-blox `...,B*02`). Unlike nmea-simple, it is never read as a satellite.

import type { Fields } from "../fields";
import { n, type SentenceKind, SYS_BDS, SYS_UNKNOWN, satSystem, talkerSystem } from "../kind";
import type { FixTarget } from "../targets";

/** The standard allows 4 groups; a few vendors send more. */
export const GSV_MAX_SATS = 8;

export class GSV {
  totalSentences = NaN;
  sentenceNumber = NaN;
  satellitesInView = NaN;
  count = 0;
  readonly id = new Int16Array(GSV_MAX_SATS);
  /** Degrees, NaN when empty. */
  readonly elevation = new Float64Array(GSV_MAX_SATS);
  readonly azimuth = new Float64Array(GSV_MAX_SATS);
  /** C/N0 dB-Hz, NaN when the satellite is not tracked. */
  readonly snr = new Float64Array(GSV_MAX_SATS);
  /** NMEA 4.10 signal ID, NaN when absent. */
  signalId = NaN;
  /** System ID after the signal ID (Quectel PQGSV), NaN when absent. */
  systemId = NaN;
  /**
   * Decoded state-only (kind.ts): elevation, azimuth and C/N0 not copied yet; they are
   * still in these fields' tables, satellite c's group at field `slot[c]` (gsvDetails).
   */
  pending: Fields | undefined = undefined;
  readonly slot = new Uint8Array(GSV_MAX_SATS);
}

/**
 * Copy a state-only GSV's elevation, azimuth and C/N0 from its fields (the same
 * sentence's: called from apply or json, before the next sentence is indexed). The
 * sky view takes a group every few seconds per system: the other groups' details are
 * never read, and their copies cost most of a GSV's decode on XS.
 */
function gsvDetails(g: GSV): void {
  const f = g.pending;
  if (f === undefined) return;
  g.pending = undefined;
  const nums = f.nums,
    slot = g.slot,
    elevation = g.elevation,
    azimuth = g.azimuth,
    snr = g.snr,
    n = g.count;
  for (let c = 0; c < n; c++) {
    const i = slot[c];
    elevation[c] = nums[i + 1];
    azimuth[c] = nums[i + 2];
    snr[c] = nums[i + 3];
  }
}

/**
 * True when bytes[0..length) is a `$--GSV` sentence whose sentence number (field 2) is
 * one digit 2-9 after a one-character field 1: its apply does nothing unless the sky
 * view is copying a group (a malformed one is not applied either). The Beidou wiring
 * then leaves it undecoded (src/beidou/wiring.ts): a quarter of the sentences, each a
 * field index and a decode on the board, for nothing. Byte reads only, no call.
 */
export function isLaterGsv(bytes: Uint8Array, length: number): boolean {
  if (length < 10 || bytes[0] !== 0x24 || bytes[6] !== 0x2c || bytes[8] !== 0x2c) return false;
  if (bytes[3] !== 0x47 || bytes[4] !== 0x53 || bytes[5] !== 0x56) return false;
  const c = bytes[9];
  if (c < 0x32 || c > 0x39) return false;
  const e = length > 10 ? bytes[10] : 0x2c;
  return e === 0x2c || e === 0x2a;
}

export const GSV_KIND: SentenceKind<GSV> = {
  kind: "GSV",
  group: "NAVD",
  create: () => new GSV(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FixTarget, g: GSV, talker: number, now: number): void {
    if (g.sentenceNumber !== 1) {
      // The rest of a group: copied only while the sky view takes this group.
      if (st.sky.filling >= 0) {
        gsvDetails(g);
        st.sky.more(g, now);
      }
      return;
    }
    const t = talkerSystem(talker);
    let sys = g.systemId === g.systemId && g.systemId < 7 ? g.systemId : t;
    if (sys === SYS_UNKNOWN)
      sys =
        g.count > 0 ? satSystem(SYS_UNKNOWN, g.id[0], talker === 0x5051) : talker === 0x5051 ? SYS_BDS : SYS_UNKNOWN;
    st.satellitesInView[sys] = g.satellitesInView;
    if (st.sky.begin(sys, g, now)) {
      gsvDetails(g);
      st.sky.more(g, now);
    }
  },
  decode(f: Fields, g: GSV, stateOnly = false): string | null {
    if (f.count < 3) return "GSV needs at least 3 fields";
    g.totalSentences = f.ints[1];
    g.sentenceNumber = f.ints[2];
    g.satellitesInView = f.ints[3];
    const rest = f.count - 3;
    const groups = rest >> 2;
    const extra = rest & 3;
    if (extra === 3) return "GSV satellite group incomplete";
    // extra 1: NMEA 4.10 signal ID; extra 2: signal ID + system ID (Quectel `$PQGSV,...,0,4`).
    const sig = f.count - extra + 1;
    g.signalId = NaN;
    if (extra >= 1) {
      // One decimal digit, the usual signal ID, from the character table (f.hex is a call and a loop on XS).
      const c = f.chars[sig];
      g.signalId = c >= 0x30 && c <= 0x39 ? c - 0x30 : f.hex(sig);
    }
    g.systemId = extra === 2 ? f.hex(f.count) : NaN;
    if (extra >= 1 && g.signalId !== g.signalId && f.chars[sig] !== 0) return "GSV signal ID malformed";
    if (extra === 2 && !(g.systemId >= 1 && g.systemId <= 15)) return "GSV satellite group incomplete";
    if (groups > GSV_MAX_SATS) return "GSV has too many satellites";
    if (
      !(g.totalSentences >= 1 && g.totalSentences <= 9) ||
      !(g.sentenceNumber >= 1 && g.sentenceNumber <= g.totalSentences)
    )
      return "GSV sentence numbers out of range";
    if (!(g.satellitesInView >= 0)) return "GSV satellites in view malformed";
    // Tables in locals: a property read fewer per access on XS (a third of the sentences are GSV).
    const ints = f.ints,
      nums = f.nums,
      chars = f.chars,
      ids = g.id,
      elevation = g.elevation,
      azimuth = g.azimuth,
      snr = g.snr,
      slot = g.slot,
      end = 4 + 4 * groups;
    let c = 0;
    for (let i = 4; i < end; i += 4) {
      const id = ints[i];
      // A valid ID first (the usual group: one test); else NaN with character 0 is an empty slot.
      if (!(id >= 1 && id <= 999)) {
        if (id === id || chars[i] !== 0) return "GSV satellite ID malformed";
        continue;
      }
      ids[c] = id;
      if (stateOnly) slot[c] = i;
      else {
        elevation[c] = nums[i + 1];
        azimuth[c] = nums[i + 2];
        snr[c] = nums[i + 3];
      }
      c++;
    }
    g.count = c;
    g.pending = stateOnly ? f : undefined;
    return null;
  },
  json: (g) => {
    gsvDetails(g);
    const sats: Array<Record<string, unknown>> = [];
    for (let k = 0; k < g.count; k++)
      sats.push({ id: g.id[k], elevation_deg: n(g.elevation[k]), azimuth_deg: n(g.azimuth[k]), snr_dBHz: n(g.snr[k]) });
    return {
      totalSentences: n(g.totalSentences),
      sentenceNumber: n(g.sentenceNumber),
      satellitesInView: n(g.satellitesInView),
      satellites: sats,
      signalId: n(g.signalId),
      systemId: n(g.systemId) ?? undefined,
    };
  },
};
