// GSA — DOP and active satellites. `$--GSA,M/A,1/2/3,s1,...,s12,PDOP,HDOP,VDOP[,sysid]*hh`
//   1 selection mode: M manual, A automatic   2 fix mode: 1 none, 2 2D, 3 3D
//   3-14 satellite IDs used (12 slots; BDS-3 variants send more)
//   then PDOP, HDOP, VDOP, [TDOP (SiRF)], [system ID (4.11), a hex digit]
// Vendor variants seen on BeiDou receivers: more than 12 slots (BDS-3), a 4th DOP
// (SiRF TriG, probably TDOP) and the NMEA 4.11 system ID. The trailing fields are
// told apart by form: an integer without a decimal point after the DOPs is the
// system ID; a 4th decimal field after 12+ slots is the extra DOP.

import type { Fields } from "../fields";
import { ch, n, type SentenceKind, SYS_BDS, SYS_UNKNOWN, SYSTEM_NAMES, satSystem, talkerSystem } from "../kind";
import type { FixTarget } from "../targets";

export const GSA_MAX_SLOTS = 32;

export class GSA {
  /** 'M' manual, 'A' automatic. */
  selectionMode = 0;
  /** 1 no fix, 2 2D, 3 3D. */
  fixMode = NaN;
  /** Satellite IDs of the non-empty slots. */
  readonly satellites = new Int16Array(GSA_MAX_SLOTS);
  satelliteCount = 0;
  /** Number of slots in the sentence (12 in the standard). */
  slots = 0;
  pdop = NaN;
  hdop = NaN;
  vdop = NaN;
  /** 4th DOP of the SiRF variant (probably TDOP). */
  tdop = NaN;
  /** NMEA 4.11 system ID (4 = BDS), NaN when absent. */
  systemId = NaN;
}

function hasDot(f: Fields, i: number): boolean {
  if (i > f.count || i < 0) return false;
  // TypedArray indexOf: one native call on XS instead of two method calls per byte.
  const k = f.bytes.indexOf(0x2e, f.start[i]);
  return k >= 0 && k < f.end[i];
}

export const GSA_KIND: SentenceKind<GSA> = {
  kind: "GSA",
  group: "NAVD",
  create: () => new GSA(),
  /** What this sentence tells the device (targets.ts; DeviceState implements it). */
  apply(st: FixTarget, g: GSA, talker: number, _now: number): void {
    const t = talkerSystem(talker);
    let sys = g.systemId === g.systemId ? g.systemId : t;
    if (sys === SYS_UNKNOWN && talker === 0x5051) sys = SYS_BDS; // PQGSA
    if (sys > 0 && sys < 7) st.satellitesUsed[sys] = g.satelliteCount;
    else if (g.satelliteCount > 0) {
      // GN GSA without system ID: classify each satellite by its number.
      const c0 = st.satellitesUsed;
      let first = true;
      for (let k = 0; k < g.satelliteCount; k++) {
        const s = satSystem(SYS_UNKNOWN, g.satellites[k], false);
        if (first) {
          for (let j = 0; j < 7; j++) c0[j] = 0;
          first = false;
        }
        c0[s]++;
      }
    }
  },
  decode(f: Fields, g: GSA, stateOnly = false): string | null {
    if (f.count < 5) return "GSA needs at least 5 fields";
    g.fixMode = f.ints[2];
    // State-only (kind.ts): apply reads the system ID and the satellites, not the mode or DOPs.
    if (!stateOnly) g.selectionMode = f.chars[1];
    let end = f.count;
    g.systemId = NaN;
    g.tdop = NaN;
    // System ID: a short integer (hex digit allowed) after at least 12 slots + 3 DOPs.
    // A one-character field is its own dot test (no hasDot call, the usual system ID).
    const last = f.chars[end];
    if (end >= 18 && last !== 0 && (last > 0 ? last !== 0x2e : f.len(end) <= 2 && !hasDot(f, end))) {
      // One decimal digit, the usual system ID, from the character table (f.hex is a call and a loop on XS).
      g.systemId = last >= 0x30 && last <= 0x39 ? last - 0x30 : f.hex(end);
      end--;
    }
    let dop = end - 2; // PDOP field index
    if (end - 6 >= 12 && hasDot(f, end - 3) && hasDot(f, end)) {
      // 4 decimal fields after 12+ slots: PDOP, HDOP, VDOP, TDOP (SiRF).
      dop = end - 3;
      g.tdop = f.nums[end];
    }
    if (!stateOnly) {
      g.pdop = f.nums[dop];
      g.hdop = f.nums[dop + 1];
      g.vdop = f.nums[dop + 2];
      g.slots = dop - 3;
    }
    // Tables and the count in locals: a property read fewer per slot on XS.
    const ints = f.ints,
      chars = f.chars,
      sats = g.satellites;
    // apply reads the IDs only without a system ID 1-6: state-only, they are then only
    // counted (a typed-array write per satellite saved on XS; most GSA carry a system ID).
    const listed = !stateOnly || !(g.systemId >= 1 && g.systemId <= 6);
    const max = GSA_MAX_SLOTS; // a local: on XS an exported constant is a property read per use
    let count = 0;
    for (let i = 3; i < dop; i++) {
      const id = ints[i];
      // A valid ID first (the usual slot: one test); else NaN with character 0 is an empty slot.
      if (id >= 0 && id <= 999) {
        if (count < max) {
          if (listed) sats[count] = id;
          count++;
        }
      } else if (id === id || chars[i] !== 0) {
        g.satelliteCount = count;
        return "GSA satellite ID malformed";
      }
    }
    g.satelliteCount = count;
    if (g.fixMode === g.fixMode && !(g.fixMode >= 1 && g.fixMode <= 3)) return "GSA fix mode not 1-3";
    return null;
  },
  json: (g) => ({
    selectionMode: ch(g.selectionMode),
    fixMode: n(g.fixMode),
    satellites: Array.from(g.satellites.subarray(0, g.satelliteCount)),
    pdop: n(g.pdop),
    hdop: n(g.hdop),
    vdop: n(g.vdop),
    tdop: n(g.tdop) ?? undefined,
    systemId: n(g.systemId),
    system: g.systemId === g.systemId ? (SYSTEM_NAMES[g.systemId] ?? null) : null,
  }),
};
