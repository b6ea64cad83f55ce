// Router: talker + sentence formatter -> IEC 61162-450 transmission group.
//
// The standard assigns groups by system function, not by sentence; the talker
// tables in open implementations are vendor convention (450 doc §4.3). A Beidou
// terminal is one SF emitting navigation, time, radio-communication and status
// sentences, so bd450 routes by sentence formatter: each decoded sentence module names
// its default group (src/beidou: SentenceKind.group, handed in as `routes`), the
// table below covers the standard sentences forwarded without a decoder, and the
// installer overrides both with `groupMap` rules:
//   "TXR=RCOM"   formatter rule        "BDGSV=SATD"  talker+formatter rule
//   "GP*=USR1"   talker rule           rules separated by ';' (or ',' / spaces)
// Precedence: talker+formatter override, talker override, formatter override,
// then the default formatter table, then MISC.
// Lookup is allocation-free: keys are numbers built from the address bytes.

import { formatterKey, formatterKeyOf, talkerKey } from "../nmea/keys";
import { BAM1, groupIndex, MISC, NAVD } from "./groups";

/**
 * Default groups of the standard sentences forwarded without a decoder. The terminal's
 * own sentences (decoded or not) come in as `routes` (src/beidou/table.ts defaultRoutes).
 */
export const DEFAULT_ROUTES: ReadonlyArray<readonly [string, number]> = [
  // Navigation data that a receiver may send besides what bd450 decodes.
  ["GRS", NAVD],
  ["DTM", NAVD],
  ["HDT", NAVD],
  ["THS", NAVD],
  ["ROT", NAVD],
  ["VLW", NAVD],
  ["DHV", NAVD],
  // Bridge alert management.
  ["ALF", BAM1],
  ["ALC", BAM1],
  ["ARC", BAM1],
  ["HBT", BAM1],
  ["ALR", BAM1],
  // Anything else not in `routes` falls through to MISC.
];

export class RouteError extends Error {}

/** Routes as given to a Router: [formatter, group index] pairs, or a table made by routeTable. */
export type Routes = ReadonlyArray<readonly [string, number]> | ReadonlyMap<number, number>;

/**
 * Default group per formatter key: DEFAULT_ROUTES, then `routes`. Made once at module load by
 * an assembly (src/app/assemble.ts): on the board that is at preload, so the table sits in
 * flash instead of every Router's share of the XS heap.
 */
export function routeTable(routes: ReadonlyArray<readonly [string, number]> = []): ReadonlyMap<number, number> {
  const m = new Map<number, number>();
  for (const [f, g] of DEFAULT_ROUTES) m.set(formatterKeyOf(f), g);
  for (const [f, g] of routes) m.set(formatterKeyOf(f), g);
  return m;
}

export class Router {
  /**
   * No override rules (the usual case): the group is the formatter's default, read from
   * `defaults` (the gateway's common path does it in forwardText, from the table the
   * gateway builds out of `defaults`). First field: on XS a
   * field is found by a walk along the instance's property list.
   */
  plain = true;
  /** Formatter key (formatterKey: 24 bits) -> default group index (routeTable's; never replaced). */
  readonly defaults: ReadonlyMap<number, number>;
  private formatterOverride = new Map<number, number>();
  private talkerOverride = new Map<number, number>();
  /** talker (16 bits) * 2^24 + formatter (24 bits); below 2^53, exact in a double. */
  private exactOverride = new Map<number, number>();
  /** Whether any talker / formatter override exists: on XS each Map lookup or `size` read is a native call per sentence. */
  private hasExact = false;
  private hasTalker = false;
  private hasFormatter = false;

  /** `routes`: default groups of the decoded sentences (src/beidou/table.ts defaultRoutes). */
  constructor(groupMap = "", routes: Routes = []) {
    this.defaults = routes instanceof Map ? routes : routeTable(routes as ReadonlyArray<readonly [string, number]>);
    this.apply(groupMap);
  }

  /** Parse and install override rules; throws RouteError naming the bad rule. Nothing changes on error. */
  apply(groupMap: string): void {
    const exact = new Map<number, number>(),
      talker = new Map<number, number>(),
      formatter = new Map<number, number>();
    for (const raw of groupMap.split(/[;,\s]+/)) {
      if (raw === "") continue;
      const eq = raw.indexOf("=");
      if (eq < 0) throw new RouteError(`group rule "${raw}": expected KEY=GROUP`);
      const key = raw.slice(0, eq).toUpperCase();
      const g = groupIndex(raw.slice(eq + 1));
      if (g === 0) throw new RouteError(`group rule "${raw}": unknown group "${raw.slice(eq + 1)}"`);
      if (!/^[A-Z0-9]{2}\*$|^[A-Z0-9]{3}$|^[A-Z0-9]{5}$/.test(key))
        throw new RouteError(
          `group rule "${raw}": key must be a formatter (GSV), talker+formatter (BDGSV) or talker* (GP*)`,
        );
      const c = (i: number) => key.charCodeAt(i);
      if (key.length === 3 && key[2] === "*") talker.set(talkerKey(c(0), c(1)), g);
      else if (key.length === 3) formatter.set(formatterKey(c(0), c(1), c(2)), g);
      else exact.set(talkerKey(c(0), c(1)) * 16777216 + formatterKey(c(2), c(3), c(4)), g);
    }
    this.exactOverride = exact;
    this.talkerOverride = talker;
    this.formatterOverride = formatter;
    this.hasExact = exact.size > 0;
    this.hasTalker = talker.size > 0;
    this.hasFormatter = formatter.size > 0;
    this.plain = !this.hasExact && !this.hasTalker && !this.hasFormatter;
  }

  /**
   * Group index for the sentence in bytes[0..length): bytes[0] is '$' or '!',
   * the address starts at bytes[1]. Proprietary ($P...) and short addresses go to
   * the talker rule or MISC.
   */
  route(bytes: Uint8Array, length: number): number {
    // No override rules (the usual case): the formatter's default group, on few bytecodes.
    if (this.plain && length >= 6 && bytes[1] !== 0x50) {
      const d = this.defaults.get((bytes[3] << 16) | (bytes[4] << 8) | bytes[5]);
      return d !== undefined ? d : MISC;
    }
    if (length < 3) return MISC;
    const tk = (bytes[1] << 8) | bytes[2]; // talkerKey, inlined (one call fewer per sentence on XS)
    const proprietary = bytes[1] === 0x50; // 'P'
    if (!proprietary && length >= 6) {
      const fk = (bytes[3] << 16) | (bytes[4] << 8) | bytes[5]; // formatterKey, inlined
      // The exact key is above 2^31, so on V8 each get() boxes it as a heap number
      // (~16 B per sentence, measured by bench/): skip the lookup when no such rule exists.
      if (this.hasExact) {
        const e = this.exactOverride.get(tk * 16777216 + fk);
        if (e !== undefined) return e;
      }
      if (this.hasTalker) {
        const t = this.talkerOverride.get(tk);
        if (t !== undefined) return t;
      }
      if (this.hasFormatter) {
        const f = this.formatterOverride.get(fk);
        if (f !== undefined) return f;
      }
      const d = this.defaults.get(fk);
      return d !== undefined ? d : MISC;
    }
    if (!this.hasTalker) return MISC;
    const t = this.talkerOverride.get(tk);
    return t !== undefined ? t : MISC;
  }
}
