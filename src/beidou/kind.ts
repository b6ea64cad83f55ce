// The contract of a sentence module (marnav style: one small module per sentence kind,
// fields named after the standard, a numbered field list in its header; docs/protocol.md
// "Adding a sentence or a frame") and the helpers the modules share.

import { pad2 } from "../core/helpers";
import type { Fields } from "./fields";
import type { DeviceTarget } from "./targets";

/** Cold-path helpers handed to json(): host-only text decoding is injected, never imported. */
export interface JsonContext {
  /** GB2312 (or GB18030) bytes to text; undefined when the bytes are not valid text. */
  decodeText?(bytes: Uint8Array): string | undefined;
}

/** One sentence kind: a preallocated record, an in-place decoder and a JSON view. */
export interface SentenceKind<R> {
  /** Kind name, unique: the formatter, or formatter + form ("ZDA-RDSS", "FKI-BDS3"). */
  readonly kind: string;
  /**
   * IEC 61162-450 transmission group this sentence goes to by default (a group name,
   * e.g. "NAVD"); absent: MISC. The installer's groupMap overrides it.
   */
  readonly group?: string;
  /**
   * Index of a last field that is free text running to the checksum '*' (TXR/TXA
   * message content, which raw text may fill with commas): the standard's number
   * of data fields. A sentence with more is sent carried (docs/framing.md).
   */
  readonly textField?: number;
  /** A fresh record; each decoder instance owns one and reuses it for every sentence. */
  create(): R;
  /**
   * Fill `r` from the fields; returns null, or a short reason when the fields are malformed.
   * `stateOnly` (SentenceDecoder.applyTo, the board's hot path): the same checks and result,
   * but `r` need hold only what `apply` reads (json is not called on it).
   */
  decode(f: Fields, r: R, stateOnly?: boolean): string | null;
  /** Plain object for `bd450 decode` (allocates: cold path). */
  json(r: R, ctx: JsonContext): Record<string, unknown>;
  /**
   * What the sentence tells the device (position, beams, card, feedback, ...); absent:
   * nothing. A module declares only the narrow interface it writes (targets.ts), never
   * the state itself. Per sentence: allocation-free, returns nothing.
   */
  apply?(target: DeviceTarget, r: R, talker: number, now: number): void;
  /**
   * Commands (host -> terminal): the command written again by the module's encoder from
   * a decoded record (checked value by value; throws CommandError). reencodeCommand
   * (reencode.ts) goes through the table to it.
   */
  reencode?(r: R, f: Fields): Uint8Array;
}

/**
 * Terminal families as bits of DeviceState.familySeen (its target methods set them): a BDS-2 (RDSS 2.1) sentence (BSI, ICI, TXR)
 * or a BDS-3 one (PWI, ICP, TCI, EPI, QRI) was seen. A BDS-3 terminal may also speak 2.1 when
 * switched on (`$CCRMO,TXR,2,1`), so any BDS-3 sentence makes the terminal BDS-3.
 */
export const FAMILY_BDS2 = 1,
  FAMILY_BDS3 = 2;

/** The three-letter formatter a kind decodes: its name up to the form ("ZDA-RDSS" -> "ZDA"). */
export function kindFormatter(k: SentenceKind<unknown>): string {
  return k.kind.slice(0, 3);
}

/**
 * Time and position of a sentence that reports one (GGA, GNS, RMC, GLL, DWR, WAA): the
 * record part they share, with its check (locatedError) and its JSON.
 */
export class Located {
  /** UTC time of the fix, seconds since midnight. */
  time = NaN;
  /** Signed decimal degrees. */
  latitude = NaN;
  longitude = NaN;
}

/** A sentence's reasons for a malformed time or position, built once: a reject allocates nothing. */
export interface LocatedReasons {
  readonly time: string;
  readonly position: string;
}

export function locatedReasons(name: string): LocatedReasons {
  return { time: name + " time malformed", position: name + " position malformed" };
}

/**
 * Why the time (field t) or the position (fields p..p+3) is malformed (the first in field
 * order), or null when each is valid or empty. It reads the field tables the record was
 * filled from, not the record: one shape on every call (a load over six record classes is
 * megamorphic on V8 and boxes the doubles). Decoders call it only when the record's time,
 * latitude or longitude is NaN: a good sentence pays three self-compares.
 */
export function locatedError(f: Fields, t: number, p: number, reasons: LocatedReasons): string | null {
  const time = f.times[t];
  const lat = f.lats[p];
  const lon = f.lons[p + 2];
  const badTime = time !== time && f.chars[t] !== 0 ? reasons.time : null;
  const badPosition =
    (lat !== lat && f.chars[p] !== 0) || (lon !== lon && f.chars[p + 2] !== 0) ? reasons.position : null;
  return t < p ? (badTime ?? badPosition) : (badPosition ?? badTime);
}

// ---- JSON helpers ----------------------------------------------------------

/** Time, latitude and longitude as JSON. */
export function locatedJson(l: Located): { time: string | null; lat: number | null; lon: number | null } {
  return { time: hms(l.time), lat: r(l.latitude, 8), lon: r(l.longitude, 8) };
}

/** NaN -> null (JSON has no NaN). */
export function n(v: number): number | null {
  return v === v ? v : null;
}

/** Round to `d` decimals (for derived values such as decimal degrees), NaN -> null. */
export function r(v: number, d: number): number | null {
  if (v !== v) return null;
  const p = 10 ** d;
  return Math.round(v * p) / p;
}

/** Character code -> one-letter string, 0 -> null. */
export function ch(c: number): string | null {
  return c > 0 ? String.fromCharCode(c) : null;
}

/** Seconds since midnight -> "hh:mm:ss.sss" (trailing zero decimals trimmed), NaN -> null. */
export function hms(sec: number): string | null {
  if (sec !== sec) return null;
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3600000),
    m = Math.floor((ms % 3600000) / 60000),
    s = Math.floor((ms % 60000) / 1000);
  const f = ms % 1000;
  let out = pad2(h) + ":" + pad2(m) + ":" + pad2(s);
  if (f)
    out +=
      "." +
      String(f + 1000)
        .slice(1)
        .replace(/0+$/, "");
  return out;
}

/** 7-digit user address (card number) as a string, NaN -> null. */
export function addr7(v: number): string | null {
  if (v !== v) return null;
  const s = String(v);
  return s.length >= 7 ? s : "0000000".slice(s.length) + s;
}

// The NMEA layer for the sentence modules (on XS a module resolves one "../" only,
// so src/beidou/sentences/* reach it through here).
export { hexValue } from "../nmea/checksum";
export { formatterKey, formatterName } from "../nmea/keys";

/** NMEA 4.11 system IDs (also used as indexes of the per-system counters). */
export const SYS_UNKNOWN = 0,
  SYS_GPS = 1,
  SYS_GLONASS = 2,
  SYS_GALILEO = 3,
  SYS_BDS = 4,
  SYS_QZSS = 5,
  SYS_NAVIC = 6;
export const SYSTEM_NAMES = ["unknown", "GPS", "GLONASS", "Galileo", "BDS", "QZSS", "NavIC"];

/** System of a talker (packed 2 letters), SYS_UNKNOWN for GN and others. */
export function talkerSystem(talker: number): number {
  switch (talker) {
    case 0x4750:
      return SYS_GPS; // GP
    case 0x474c:
      return SYS_GLONASS; // GL
    case 0x4741:
      return SYS_GALILEO; // GA
    case 0x4244:
    case 0x4742:
      return SYS_BDS; // BD, GB
    case 0x475a:
    case 0x515a:
      return SYS_QZSS; // GQ, QZ
    case 0x4749:
    case 0x494d:
      return SYS_NAVIC; // GI, IM (seen in the corpus)
    default:
      return SYS_UNKNOWN;
  }
}

/**
 * System of a satellite number seen under a combined or unknown talker (GN, PQ), after
 * gpsd's nmeaid_to_prn ranges: 1-32 GPS, 33-64 SBAS (reported unknown), 65-96 GLONASS,
 * 193-200 QZSS, 201-264 and 401-437 BDS, 301-336 Galileo.
 */
export function satSystem(talkerSys: number, id: number, pq: boolean): number {
  if (talkerSys !== SYS_UNKNOWN) return talkerSys;
  if (id >= 401 && id <= 437) return SYS_BDS;
  if (id >= 201 && id <= 264) return SYS_BDS;
  if (pq) return id >= 193 && id <= 200 ? SYS_QZSS : SYS_BDS; // Quectel PQGSV/PQGSA quirk
  if (id >= 1 && id <= 32) return SYS_GPS;
  if (id >= 65 && id <= 96) return SYS_GLONASS;
  if (id >= 193 && id <= 200) return SYS_QZSS;
  if (id >= 301 && id <= 336) return SYS_GALILEO;
  return SYS_UNKNOWN;
}
