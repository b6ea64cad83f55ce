// Sentence filter: an ordered list of rules `[!]PATTERN[/N|@S]`, comma separated,
// used as the output filter (`outFilter`, terminal -> network) and as the input
// filter (`inFilter`, network commands -> terminal). docs/filters.md is the reference.
//
//   PATTERN  GSV    formatter, any talker          !    block what matches
//            BDGSV  talker + formatter             /N   pass one in N of what matches
//            GP*    talker, any formatter          @S   pass at most one per S seconds
//            *      every sentence                 (none) pass what matches
//
// The first rule whose pattern matches decides; a sentence no rule matches passes.
// Rules are compiled once, when the setting is installed, into flat typed arrays;
// matching reads the address bytes of the sentence in place and allocates nothing
// (it runs for every sentence on the board). Proprietary sentences ($P...) have no
// formatter: like the router (router.ts), only talker rules (`PX*`) and `*` match them.

import type { Clock } from "./io";

export class FilterError extends Error {}

/** Longest rule list (MiniPlex-class multiplexers offer 50 rules). */
export const MAX_RULES = 50;
const MAX_EVERY = 65535;
const MAX_INTERVAL_S = 86400;

// Actions, one byte per rule.
const PASS = 0,
  BLOCK = 1,
  EVERY = 2,
  INTERVAL = 3;
// -1 in a key array: the rule does not look at that part of the address.
const ANY = -1;

/** Per-rule counters as `status` shows them. */
export interface FilterRuleCount {
  rule: string;
  passed: number;
  blocked: number;
}

interface Compiled {
  text: string;
  labels: string[];
  talker: Int32Array;
  formatter: Int32Array;
  action: Uint8Array;
  /** N for /N, the interval in ms for @S. */
  arg: Float64Array;
}

function ruleError(index: number, raw: string, why: string): FilterError {
  return new FilterError(`rule ${index} "${raw}": ${why}`);
}

const ALNUM = /^[A-Z0-9]+$/;

/**
 * Parse and check a rule list; throws FilterError naming the first bad rule
 * (position and text). Empty text: no rules. Spaces are ignored, letters upper-cased.
 */
function canonical(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}

function compile(text: string): Compiled {
  const canon = canonical(text);
  const items = canon === "" ? [] : canon.split(",");
  if (items.length > MAX_RULES) throw new FilterError(`${items.length} rules: at most ${MAX_RULES}`);
  const n = items.length;
  const c: Compiled = {
    text: canon,
    labels: [],
    talker: new Int32Array(n),
    formatter: new Int32Array(n),
    action: new Uint8Array(n),
    arg: new Float64Array(n),
  };
  const patterns: string[] = [];
  for (let i = 0; i < n; i++) {
    const raw = items[i];
    const at = i + 1;
    if (raw === "") throw ruleError(at, raw, "empty rule (two commas, or a comma at an end)");
    let body = raw;
    let action = PASS;
    let arg = 0;
    if (body[0] === "!") {
      action = BLOCK;
      body = body.slice(1);
    }
    const slash = body.indexOf("/"),
      atSign = body.indexOf("@");
    if (slash >= 0 && atSign >= 0) throw ruleError(at, raw, "one of /N or @S, not both");
    if (slash >= 0 || atSign >= 0) {
      if (action === BLOCK) throw ruleError(at, raw, "a blocking rule (!) takes no /N or @S");
      const cut = slash >= 0 ? slash : atSign;
      const value = body.slice(cut + 1);
      body = body.slice(0, cut);
      if (slash >= 0) {
        if (!/^[0-9]{1,5}$/.test(value) || Number(value) < 1 || Number(value) > MAX_EVERY)
          throw ruleError(at, raw, `/N needs a whole number N from 1 to ${MAX_EVERY}`);
        action = EVERY;
        arg = Number(value);
      } else {
        if (!/^([0-9]{1,5}(\.[0-9]{0,3})?|\.[0-9]{1,3})$/.test(value))
          throw ruleError(at, raw, "@S needs seconds, e.g. @1 or @0.5 (at most 3 decimals)");
        const ms = Math.round(Number(value) * 1000);
        if (ms < 1 || ms > MAX_INTERVAL_S * 1000)
          throw ruleError(at, raw, `@S needs seconds from 0.001 to ${MAX_INTERVAL_S}`);
        action = INTERVAL;
        arg = ms;
      }
    }
    let talker = ANY,
      formatter = ANY;
    if (body === "*") {
      // every sentence
    } else if (body.length === 3 && body[2] === "*" && ALNUM.test(body.slice(0, 2))) {
      talker = (body.charCodeAt(0) << 8) | body.charCodeAt(1);
    } else if (body.length === 3 && ALNUM.test(body)) {
      formatter = (body.charCodeAt(0) << 16) | (body.charCodeAt(1) << 8) | body.charCodeAt(2);
    } else if (body.length === 5 && ALNUM.test(body)) {
      talker = (body.charCodeAt(0) << 8) | body.charCodeAt(1);
      formatter = (body.charCodeAt(2) << 16) | (body.charCodeAt(3) << 8) | body.charCodeAt(4);
    } else {
      throw ruleError(at, raw, "pattern must be a formatter (GSV), talker+formatter (BDGSV), talker* (GP*) or *");
    }
    const earlier = patterns.indexOf(body);
    if (earlier >= 0)
      throw ruleError(
        at,
        raw,
        `never applies: rule ${earlier + 1} "${items[earlier]}" has the same pattern and decides first`,
      );
    if (patterns.indexOf("*") >= 0)
      throw ruleError(at, raw, `never applies: rule ${patterns.indexOf("*") + 1} "*" matches every sentence first`);
    patterns.push(body);
    c.labels.push(raw);
    c.talker[i] = talker;
    c.formatter[i] = formatter;
    c.action[i] = action;
    c.arg[i] = arg;
  }
  return c;
}

/** Check a rule list without installing it: the error text, or undefined when valid. */
export function filterError(text: string): string | undefined {
  try {
    compile(text);
    return undefined;
  } catch (e) {
    if (e instanceof FilterError) return e.message;
    throw e;
  }
}

/** What a rule does, for the interface declaration (spec.ts). */
export interface FilterRuleInfo {
  rule: string;
  /** Talker (2 letters) or "" for any; formatter (3 letters) or "" for any. */
  talker: string;
  formatter: string;
  action: "pass" | "block" | "every" | "interval";
  /** N for every, seconds for interval. */
  value: number;
}

export interface SentenceFilterOptions {
  /** Monotonic time for @S rules (read only when an @S rule matches). */
  clock: Clock;
  rules?: string;
}

/** No rules (the default, and usually both filters): one shared set, no arrays per filter (heap slots on the board). */
const NO_RULES = compile("");
const NO_COUNTS = new Float64Array(0);

export class SentenceFilter {
  /**
   * Any rule installed? Read by the gateway before calling pass(): no call per sentence
   * when there are none (the default). First field: on XS a field is found by a walk
   * along the instance's property list.
   */
  active = false;
  private readonly clock: Clock;
  private c: Compiled = NO_RULES;
  private passedCount = NO_COUNTS;
  private blockedCount = NO_COUNTS;
  /** /N: position in the cycle; @S: monotonic ms when the next pass is due. */
  private phase = NO_COUNTS;

  constructor(options: SentenceFilterOptions) {
    this.clock = options.clock;
    this.set(options.rules ?? "");
  }

  /** Install a new rule list (counters and decimation state start over). Throws FilterError; nothing changes then. */
  set(text: string): void {
    const c = canonical(text) === "" ? NO_RULES : compile(text);
    const n = c.action.length;
    this.c = c;
    this.active = n > 0;
    if (n === 0) {
      this.passedCount = this.blockedCount = this.phase = NO_COUNTS;
      return;
    }
    this.passedCount = new Float64Array(n);
    this.blockedCount = new Float64Array(n);
    this.phase = new Float64Array(n).fill(-Infinity);
    for (let i = 0; i < n; i++) if (c.action[i] === EVERY) this.phase[i] = 0;
  }

  /** Install `text` when its rules differ from the installed ones (else keep counters and state). Throws like set(). */
  update(text: string): void {
    if (canonical(text) !== this.c.text) this.set(text);
  }

  /** The installed rules, canonical (upper case, no spaces). */
  get text(): string {
    return this.c.text;
  }

  get size(): number {
    return this.c.action.length;
  }

  /**
   * Decide for the sentence in bytes[start..end): bytes[start] is '$' or '!'. True:
   * pass it. Counts the deciding rule. Allocation-free.
   */
  pass(bytes: Uint8Array, start: number, end: number): boolean {
    const c = this.c;
    const n = c.action.length;
    if (n === 0) return true;
    const len = end - start;
    const tk = len >= 3 ? (bytes[start + 1] << 8) | bytes[start + 2] : -2;
    // No formatter for proprietary sentences ('P') or short addresses: -2 matches no rule key.
    const fk =
      len >= 6 && bytes[start + 1] !== 0x50
        ? (bytes[start + 3] << 16) | (bytes[start + 4] << 8) | bytes[start + 5]
        : -2;
    const talker = c.talker,
      formatter = c.formatter;
    for (let i = 0; i < n; i++) {
      const t = talker[i],
        f = formatter[i];
      if ((t === ANY || t === tk) && (f === ANY || f === fk)) return this.decide(i);
    }
    return true;
  }

  private decide(i: number): boolean {
    const a = this.c.action[i];
    let ok: boolean;
    if (a === PASS) ok = true;
    else if (a === BLOCK) ok = false;
    else if (a === EVERY) {
      const p = this.phase[i];
      ok = p === 0;
      this.phase[i] = p + 1 >= this.c.arg[i] ? 0 : p + 1;
    } else {
      // @S: due times advance by S from the previous due time, so the long-run rate is
      // at most 1/S; a sentence up to S/10 early still passes (arrival jitter: `GGA@1`
      // keeps every GGA of a 1 Hz stream), and the next is never due sooner than S
      // after this one is passed, minus that allowance.
      const s = this.c.arg[i];
      const now = this.clock.monotonic();
      const due = this.phase[i];
      ok = now >= due - s / 10;
      if (ok) this.phase[i] = due + s > now + s ? due + s : now + s;
    }
    if (ok) this.passedCount[i]++;
    else this.blockedCount[i]++;
    return ok;
  }

  /** Per-rule counters (a new array: for status, not for the hot path). */
  counts(): FilterRuleCount[] {
    const out: FilterRuleCount[] = [];
    for (let i = 0; i < this.c.labels.length; i++)
      out.push({ rule: this.c.labels[i], passed: this.passedCount[i], blocked: this.blockedCount[i] });
    return out;
  }

  resetCounters(): void {
    this.passedCount.fill(0);
    this.blockedCount.fill(0);
  }

  /** The installed rules, decoded (for the interface declaration). */
  rules(): FilterRuleInfo[] {
    return describeFilter(this.c.text);
  }
}

const ACTION_NAMES: FilterRuleInfo["action"][] = ["pass", "block", "every", "interval"];

function keyText(key: number, len: number): string {
  if (key === ANY) return "";
  let s = "";
  for (let k = len - 1; k >= 0; k--) s += String.fromCharCode((key >> (8 * k)) & 0xff);
  return s;
}

/** Decode a valid rule list (throws FilterError on an invalid one). */
export function describeFilter(text: string): FilterRuleInfo[] {
  const c = compile(text);
  const out: FilterRuleInfo[] = [];
  for (let i = 0; i < c.labels.length; i++) {
    const a = c.action[i];
    out.push({
      rule: c.labels[i],
      talker: keyText(c.talker[i], 2),
      formatter: keyText(c.formatter[i], 3),
      action: ACTION_NAMES[a],
      value: a === EVERY ? c.arg[i] : a === INTERVAL ? c.arg[i] / 1000 : 0,
    });
  }
  return out;
}
