// Settings schema: one row per GatewayConfig key (src/core/config.ts) with its type,
// allowed values, help text and validator, plus the cross-field rules that only make
// sense over the whole record. Console `set`, the loader and the board's first-boot
// defaults all go through this one table, so a rule is written once.
//
// Errors name the rule that was broken ("rule: SFI format ccxxxx ..."), because the
// person at the serial terminal has no manual at hand.

import { DEFAULT_CONFIG, type GatewayConfig } from "../core/config";
import { filterError } from "../core/filter";
import { groupIndex, groupNames } from "../core/groups";
import { Router } from "../core/router";
import { sfiKeyOf } from "../core/tagblock";

export type SettingValue = string | number | boolean;
export type SettingKey = keyof GatewayConfig;
export type SettingKind = "int" | "bool" | "text" | "enum";

export interface SettingRow {
  readonly key: SettingKey;
  readonly kind: SettingKind;
  /** Allowed values as shown by `show config` and `help set`. */
  readonly range: string;
  readonly help: string;
  /**
   * "live": `set` puts it into use at once (the running components re-read it:
   * Gateway.retune, NetworkSide.retune, DeviceState.setThresholds, or read at each
   * use); "restart": read only at start-up, so the new value needs `save` + `reboot`.
   * The console's words, `show config`'s marks and the behaviour all follow this field
   * (hosttest/settings-live.test.ts walks every key).
   */
  readonly apply: "live" | "restart";
  /** enum rows: the allowed words (lower case). */
  readonly choices?: readonly string[];
  /** int rows: inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
  /** Canonical form of a typed text value (e.g. SFI upper case). */
  readonly normalize?: (text: string) => string;
  /** Extra check of a well-typed value; returns the broken rule or undefined. */
  readonly check?: (value: SettingValue) => string | undefined;
  /** Never shown (show config, GET /api/config): only whether it is set. */
  readonly secret?: boolean;
}

/** A rule over several keys, checked on the whole candidate record. */
export interface CrossRule {
  readonly name: string;
  readonly keys: readonly SettingKey[];
  readonly check: (c: GatewayConfig) => string | undefined;
}

// ---------------------------------------------------------------------------------
// Format helpers (exported for the CLI and tests).

/** Baud rates the UART driver and the Beidou terminals support (8N1). */
export const SUPPORTED_BAUDS: readonly number[] = [4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

/** `ccxxxx`: two talker letters and an instance 0001..9999 (IEC 61162-450 §4.4.3). */
export function sfiError(s: string): string | undefined {
  if (sfiKeyOf(s) < 0 || s !== s.toUpperCase())
    return `"${s}" breaks rule: SFI format ccxxxx (two letters, four digits, e.g. BD0001)`;
  if (s.endsWith("0000")) return `"${s}" breaks rule: SFI instance 0001..9999 (0000 is not an instance)`;
  return undefined;
}

/** Dotted-quad IPv4 as an unsigned 32-bit number, or -1. Leading zeros are refused (octal ambiguity). */
export function parseIPv4(s: string): number {
  const parts = s.split(".");
  if (parts.length !== 4) return -1;
  let v = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return -1;
    const n = Number(p);
    if (n > 255) return -1;
    v = v * 256 + n;
  }
  return v;
}

/** Prefix length of a contiguous netmask, or -1. */
export function maskPrefix(mask: number): number {
  if (mask < 0) return -1;
  let bits = 0;
  while (bits < 32 && Math.floor(mask / 2 ** (31 - bits)) % 2 === 1) bits++;
  // Contiguous when the remaining low bits are all zero.
  return mask % 2 ** (32 - bits) === 0 ? bits : -1;
}

// IEC 61162-450 Ed.1 §5.2 (doc iec61162-450.md §6.2): fixed address in
// 172.16.0.1..172.31.255.254. The network (172.16.0.0/12) is kept as one constant so
// that a narrower site rule is a one-line change.
const IP450_FIRST = parseIPv4("172.16.0.1");
const IP450_LAST = parseIPv4("172.31.255.254");
const IP450_RULE = "450 fixed address in 172.16.0.1..172.31.255.254 (172.16.0.0/12, IEC 61162-450 Ed.1 clause 5.2)";

/** `address:port` with a dotted-quad IPv4 address and port 1..65535; returns the broken rule. */
export function endpointError(s: string, what: string): string | undefined {
  const m = /^([0-9.]+):([0-9]{1,5})$/.exec(s);
  const rule = `${what} format address:port (e.g. 172.16.1.10:514), empty for off`;
  if (!m) return `"${s}" breaks rule: ${rule}`;
  const a = parseIPv4(m[1]);
  if (a < 0) return `"${m[1]}" breaks rule: ${rule} (not an IPv4 address)`;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `port ${m[2]} breaks rule: ${what} port 1..65535`;
  // 239.192.0.1..64 belongs to 450's own groups; plain NMEA there would be read as garbage
  // by every 450 listener.
  if (a >= parseIPv4("239.192.0.0") && a <= parseIPv4("239.192.0.64"))
    return `${m[1]} breaks rule: 239.192.0.0..239.192.0.64 is reserved for IEC 61162-450 groups`;
  if (a === 0 || a === 0xffffffff) return `${m[1]} breaks rule: ${what} address must be a host or group address`;
  return undefined;
}

function listItems(s: string): string[] {
  return s === "" ? [] : s.split(",");
}

/** Check of a comma list: each item passes `itemError` and stands once. */
function listCheck(
  key: string,
  item: string,
  itemError: (s: string) => string | undefined,
): (v: SettingValue) => string | undefined {
  return (v) => {
    const seen: string[] = [];
    for (const s of listItems(v as string)) {
      const e = itemError(s);
      if (e) return e;
      if (seen.indexOf(s) >= 0) return `${s} breaks rule: ${key} lists each ${item} once`;
      seen.push(s);
    }
    return undefined;
  };
}

/** Check of an IPv4 address setting (empty passes: off, or left to the cross rules). */
function ipv4Check(key: string, orEmpty: string): (v: SettingValue) => string | undefined {
  return (v) =>
    v !== "" && parseIPv4(v as string) < 0
      ? `"${v}" breaks rule: ${key} is a dotted-quad IPv4 address${orEmpty}`
      : undefined;
}

function filterCheck(v: SettingValue): string | undefined {
  const e = filterError(v as string);
  return e ? `breaks rule: ${e}` : undefined;
}

function upper(s: string): string {
  return s.toUpperCase();
}

/** Comma list canonical form: upper case, no spaces. */
function upperList(s: string): string {
  return s.replace(/\s+/g, "").toUpperCase();
}

// Web password: stored only as `pbkdf2-sha256$ITERATIONS$SALT$HASH` (hex; src/web/password.ts
// makes and checks it). Typing a password turns it into that form through the hasher the
// platform installs, because the HMAC primitive and the random salt are platform services.
export const PASS_HASH_RE = /^pbkdf2-sha256\$([0-9]{3,7})\$([0-9a-f]{32})\$([0-9a-f]{64})$/;
export const PASS_MIN = 8,
  PASS_MAX = 64;
let secretHasher: ((plain: string) => string) | undefined;

/** Install the password hasher (platform start-up: Node crypto on the host, the SDK's crypt modules on the board). */
export function setSecretHasher(hash: ((plain: string) => string) | undefined): void {
  secretHasher = hash;
}

function hashSecret(text: string): string {
  if (text === "" || PASS_HASH_RE.test(text) || !secretHasher) return text;
  // Out-of-rule passwords stay as typed so that the check names the rule (never echoing them).
  if (text.length < PASS_MIN || text.length > PASS_MAX || !/^[\x21-\x7e]+$/.test(text)) return text;
  return secretHasher(text);
}

// ---------------------------------------------------------------------------------
// The table. Adding a setting is one row here plus its key/default in config.ts.

export const SETTINGS: readonly SettingRow[] = [
  {
    key: "sfi",
    kind: "text",
    range: "ccxxxx, e.g. BD0001",
    apply: "live",
    normalize: upper,
    help: "System Function ID of this gateway: value of s: in every TAG block; unique on the network.",
    check: (v) => sfiError(v as string),
  },
  {
    key: "baud",
    kind: "int",
    range: SUPPORTED_BAUDS.join("|"),
    apply: "restart",
    help: "UART baud rate towards the Beidou terminal (8N1).",
    check: (v) =>
      SUPPORTED_BAUDS.indexOf(v as number) < 0
        ? `${v} breaks rule: baud not supported; supported rates: ${SUPPORTED_BAUDS.join(" ")}`
        : undefined,
  },
  {
    key: "tagTime",
    kind: "bool",
    range: "on|off",
    apply: "live",
    help: "Add c: (UNIX time, seconds) to every TAG block.",
  },
  {
    key: "ttl",
    kind: "int",
    range: "1..255",
    min: 1,
    max: 255,
    apply: "restart",
    help: "IPv4 multicast TTL; 1 keeps 450 traffic on the ship's segment.",
  },
  {
    key: "iface",
    kind: "text",
    range: "IPv4 address or empty",
    apply: "restart",
    help: "Host only: IPv4 address of the interface for multicast send and joins (empty: OS default).",
    check: ipv4Check("iface", " or empty"),
  },
  {
    key: "ipMode",
    kind: "enum",
    range: "static|dhcp",
    choices: ["static", "dhcp"],
    apply: "restart",
    help: "Board address mode; 450 expects a fixed address (static).",
  },
  {
    key: "ipAddr",
    kind: "text",
    range: "172.16.0.1..172.31.255.254 when static",
    apply: "restart",
    help: "Board static IPv4 address.",
    check: ipv4Check("ipAddr", ""),
  },
  {
    key: "ipMask",
    kind: "text",
    range: "contiguous netmask /8../30, e.g. 255.255.0.0",
    apply: "restart",
    help: "Board netmask (450: 255.255.0.0).",
    check: (v) => {
      const p = maskPrefix(parseIPv4(v as string));
      return p < 8 || p > 30
        ? `"${v}" breaks rule: ipMask is a contiguous netmask from 255.0.0.0 to 255.255.255.252`
        : undefined;
    },
  },
  {
    key: "ipGateway",
    kind: "text",
    range: "IPv4 in the ipAddr subnet, or empty",
    apply: "restart",
    help: "Board default gateway (empty: none; 450 traffic needs none).",
    check: ipv4Check("ipGateway", " or empty"),
  },
  {
    key: "groupMap",
    kind: "text",
    range: "KEY=GROUP;... (KEY: TXR | BDGSV | GP*)",
    apply: "live",
    help: "Transmission-group overrides. Groups: " + groupNames().join(" ") + ".",
    check: (v) => {
      try {
        new Router().apply(v as string);
        return undefined;
      } catch (e) {
        return `breaks rule: ${(e as Error).message} (groups: ${groupNames().join(" ")})`;
      }
    },
  },
  {
    key: "overlong",
    kind: "enum",
    range: "carry|verbatim|drop",
    choices: ["carry", "verbatim", "drop"],
    apply: "live",
    help: "Sentences over 82 chars: carry (proprietary multi-sentence form), verbatim (strict 450 receivers drop it), drop.",
  },
  {
    key: "propMfr",
    kind: "text",
    range: "3 letters A-Z",
    apply: "live",
    normalize: upper,
    help: "Manufacturer mnemonic of the proprietary carrier sentence for overlong sentences (UNCONFIRMED).",
    check: (v) =>
      !/^[A-Z]{3}$/.test(v as string)
        ? `"${v}" breaks rule: propMfr is three letters A-Z (NMEA manufacturer mnemonic)`
        : undefined,
  },
  {
    key: "maxLine",
    kind: "int",
    range: "82..1024",
    min: 82,
    max: 1024,
    apply: "restart",
    help: "Longest line the framer accepts (RDSS 2.1 allows 300; BDS-3 messages run longer).",
  },
  {
    key: "rdss40",
    kind: "bool",
    range: "on|off",
    apply: "restart",
    help: "Recognise RDSS 4.0 binary frames in the UART stream.",
  },
  {
    key: "terminalFamily",
    kind: "enum",
    range: "auto|bds2|bds3",
    choices: ["auto", "bds2", "bds3"],
    apply: "live",
    help:
      "Terminal sentence family: auto (detected: PWI/ICP/TCI = bds3, BSI/ICI/TXR = bds2), bds2 or bds3; " +
      "commands (send, card, network) go out in it.",
  },
  {
    key: "hbtInterval",
    kind: "int",
    range: "0 (off) or 1..3600 s",
    min: 0,
    max: 3600,
    apply: "live",
    help: "Heartbeat (HBT) interval on BAM1, seconds; 0 disables it.",
  },
  {
    key: "alSilentS",
    kind: "int",
    range: "1..3600 s",
    min: 1,
    max: 3600,
    apply: "live",
    help: "Alert when the terminal has been silent this many seconds.",
  },
  {
    key: "alNoFixS",
    kind: "int",
    range: "1..86400 s",
    min: 1,
    max: 86400,
    apply: "live",
    help: "Alert when there has been no position fix for this many seconds.",
  },
  {
    key: "alCsumPct",
    kind: "int",
    range: "1..100 %",
    min: 1,
    max: 100,
    apply: "live",
    help: "Alert when checksum errors exceed this percentage of sentences over one minute.",
  },
  {
    key: "cmdFwd",
    kind: "bool",
    range: "on|off (on needs cmdAllow)",
    apply: "live",
    help: "Accept $CC... terminal commands from the network (only from cmdAllow SFIs).",
  },
  {
    key: "cmdAllow",
    kind: "text",
    range: "SFI,SFI,... or empty",
    apply: "live",
    normalize: upperList,
    help: "Source SFIs allowed to send terminal commands, comma-separated.",
    check: listCheck("cmdAllow", "SFI", (s) => {
      const e = sfiError(s);
      return e ? `${e} in the cmdAllow allowlist` : undefined;
    }),
  },
  {
    key: "cmdGroups",
    kind: "text",
    range: "GROUP,GROUP,... e.g. RCOM",
    apply: "restart",
    normalize: upperList,
    help: "Groups joined to receive commands, comma-separated.",
    check: listCheck("cmdGroups", "group", (g) =>
      groupIndex(g) === 0 ? `"${g}" breaks rule: group unknown; groups: ${groupNames().join(" ")}` : undefined,
    ),
  },
  {
    key: "uartQueue",
    kind: "int",
    range: "1..256 sentences",
    min: 1,
    max: 256,
    apply: "live",
    help: "Bound of the UART output queue (oldest dropped beyond it).",
  },
  {
    key: "legacyUdp",
    kind: "text",
    range: "address:port or empty",
    apply: "restart",
    help: "Plain NMEA 0183 over UDP, TAG blocks stripped (empty: off).",
    check: (v) => (v === "" ? undefined : endpointError(v as string, "legacyUdp")),
  },
  {
    key: "syslog",
    kind: "text",
    range: "address:port or empty",
    apply: "restart",
    help: "RFC 5424 syslog over UDP (empty: off).",
    check: (v) => (v === "" ? undefined : endpointError(v as string, "syslog")),
  },
  {
    key: "startupCmds",
    kind: "bool",
    range: "on|off",
    apply: "restart",
    help: "Send ICA (card check) and RMO (enable BSI) to the terminal at start-up.",
  },
  {
    key: "outFilter",
    kind: "text",
    range: "[!]PATTERN[/N|@S],... e.g. !GSV,GGA@1,RMC/2",
    apply: "live",
    normalize: upperList,
    help: "Output filter, terminal -> network; first matching rule decides, no match passes (docs/filters.md).",
    check: filterCheck,
  },
  {
    key: "inFilter",
    kind: "text",
    range: "[!]PATTERN[/N|@S],... e.g. TXA@60,!*",
    apply: "live",
    normalize: upperList,
    help: "Input filter on network commands -> terminal, after cmdAllow and the rate limit (docs/filters.md).",
    check: filterCheck,
  },
  {
    key: "maxRate",
    kind: "int",
    range: "0 (off) or 1..10000 sentences/s",
    min: 0,
    max: 10000,
    apply: "live",
    help: "Rate ceiling per transmission group, sentences per second; the newest above it are dropped (alerts never).",
  },
  {
    key: "webPort",
    kind: "int",
    range: "0 (off) or 1..65535",
    min: 0,
    max: 65535,
    apply: "restart",
    help: "Board: TCP port of the web page (unicast; needs webPass). Host: bd450 gateway --web ADDR:PORT.",
  },
  {
    key: "webPass",
    kind: "text",
    range: `password ${PASS_MIN}..${PASS_MAX} printable characters, or empty (off)`,
    apply: "live",
    secret: true,
    normalize: hashSecret,
    help: "Web page password; stored only as a salted PBKDF2-SHA256 hash. Empty: no web server.",
    check: (v) =>
      v === "" || PASS_HASH_RE.test(v as string)
        ? undefined
        : secretHasher
          ? `breaks rule: webPass is ${PASS_MIN}..${PASS_MAX} printable ASCII characters without blanks (stored as a salted hash)`
          : "breaks rule: no password hasher on this platform; give the stored pbkdf2-sha256$... form",
  },
];

/** True when `set` puts the key into use at once (its row says apply "live"). */
export function isLive(key: string): boolean {
  for (let i = 0; i < SETTINGS.length; i++) if (SETTINGS[i].key === key) return SETTINGS[i].apply === "live";
  return false;
}

/** Cross rule: command forwarding (cmdFwd on) needs `key` set. */
function forwardingNeeds(name: string, key: "cmdAllow" | "cmdGroups", what: string): CrossRule {
  return {
    name,
    keys: ["cmdFwd", key],
    check: (c) => (c.cmdFwd && c[key] === "" ? `cmdFwd on breaks rule: command forwarding needs ${what}` : undefined),
  };
}

export const CROSS_RULES: readonly CrossRule[] = [
  {
    name: "static address",
    keys: ["ipMode", "ipAddr"],
    check: (c) => {
      if (c.ipMode !== "static") return undefined;
      const a = parseIPv4(c.ipAddr);
      if (a < IP450_FIRST || a > IP450_LAST)
        return `ipAddr "${c.ipAddr}" breaks rule: ipMode static needs a ${IP450_RULE}`;
      return undefined;
    },
  },
  {
    name: "host part",
    keys: ["ipMode", "ipAddr", "ipMask"],
    check: (c) => {
      if (c.ipMode !== "static") return undefined;
      const a = parseIPv4(c.ipAddr),
        p = maskPrefix(parseIPv4(c.ipMask));
      if (a < 0 || p < 0) return undefined; // reported by the key rules
      const host = a % 2 ** (32 - p);
      if (host === 0 || host === 2 ** (32 - p) - 1)
        return `ipAddr ${c.ipAddr} breaks rule: with ipMask ${c.ipMask} it is the network or broadcast address, not a host`;
      return undefined;
    },
  },
  {
    name: "gateway subnet",
    keys: ["ipMode", "ipAddr", "ipMask", "ipGateway"],
    check: (c) => {
      if (c.ipMode !== "static" || c.ipGateway === "") return undefined;
      const a = parseIPv4(c.ipAddr),
        g = parseIPv4(c.ipGateway),
        p = maskPrefix(parseIPv4(c.ipMask));
      if (a < 0 || g < 0 || p < 0) return undefined;
      const size = 2 ** (32 - p);
      if (Math.floor(a / size) !== Math.floor(g / size))
        return `ipGateway ${c.ipGateway} breaks rule: the gateway must be in the ipAddr subnet ${c.ipAddr}/${p}`;
      if (g === a) return `ipGateway ${c.ipGateway} breaks rule: the gateway must not be this board's own address`;
      return undefined;
    },
  },
  forwardingNeeds("command allowlist", "cmdAllow", "a non-empty cmdAllow (set cmdAllow first)"),
  forwardingNeeds("command groups", "cmdGroups", "at least one group in cmdGroups"),
  {
    name: "own SFI",
    keys: ["sfi", "cmdAllow"],
    check: (c) =>
      listItems(c.cmdAllow).indexOf(c.sfi) >= 0
        ? `cmdAllow breaks rule: the gateway's own SFI ${c.sfi} cannot be a command source (loop)`
        : undefined,
  },
];

// ---------------------------------------------------------------------------------
// Lookups, parsing, validation.

/** Row for a key, matched case-insensitively (a dumb terminal user types TTL). */
export function findSetting(name: string): SettingRow | undefined {
  const l = name.toLowerCase();
  for (const r of SETTINGS) if (r.key.toLowerCase() === l) return r;
  return undefined;
}

function typeName(kind: SettingKind): string {
  return kind === "int" ? "integer" : kind === "bool" ? "on/off" : kind === "enum" ? "choice" : "text";
}

/** Check a typed value against its row (type, bounds, choices, format). */
export function checkValue(row: SettingRow, v: unknown): string | undefined {
  const expect = row.kind === "int" ? "number" : row.kind === "bool" ? "boolean" : "string";
  if (typeof v !== expect) return `${row.key} stored ${typeof v} breaks rule: ${row.key} is ${typeName(row.kind)}`;
  if (row.kind === "int") {
    const n = v as number;
    if (!Number.isInteger(n)) return `${row.key} ${n} breaks rule: ${row.key} is an integer`;
    if ((row.min !== undefined && n < row.min) || (row.max !== undefined && n > row.max))
      return `${row.key} ${n} breaks rule: ${row.key} ${row.range}`;
  }
  if (row.kind === "enum" && row.choices!.indexOf(v as string) < 0)
    return `${row.key} "${v}" breaks rule: ${row.key} is one of ${row.choices!.join("|")}`;
  if (row.kind === "text" && (v as string).length > 1000)
    return `${row.key} breaks rule: text settings are at most 1000 characters`;
  if (row.check) {
    const e = row.check(v as SettingValue);
    if (e) return `${row.key} ${e}`;
  }
  return undefined;
}

const TRUE_WORDS = ["on", "true", "yes", "1"];
const FALSE_WORDS = ["off", "false", "no", "0"];

/** Typed value from console text, or an error naming the rule. Surrounding double quotes are dropped: `""` is the empty string. */
export function parseValue(row: SettingRow, text: string): { value: SettingValue } | { error: string } {
  let t =
    text.length >= 2 && text.charCodeAt(0) === 0x22 && text.charCodeAt(text.length - 1) === 0x22
      ? text.slice(1, -1)
      : text;
  let value: SettingValue;
  switch (row.kind) {
    case "int":
      if (!/^-?[0-9]{1,10}$/.test(t))
        return { error: `${row.key} "${text}" breaks rule: ${row.key} is an integer (${row.range})` };
      value = Number(t);
      break;
    case "bool": {
      const l = t.toLowerCase();
      if (TRUE_WORDS.indexOf(l) >= 0) value = true;
      else if (FALSE_WORDS.indexOf(l) >= 0) value = false;
      else return { error: `${row.key} "${text}" breaks rule: ${row.key} is on|off` };
      break;
    }
    case "enum":
      value = t.toLowerCase();
      break;
    default:
      if (row.normalize) t = row.normalize(t);
      value = t;
  }
  const e = checkValue(row, value);
  return e ? { error: e } : { value };
}

/** All broken cross-field rules of a record whose single keys are valid. */
export function crossErrors(c: GatewayConfig): string[] {
  const out: string[] = [];
  for (const r of CROSS_RULES) {
    const e = r.check(c);
    if (e) out.push(e);
  }
  return out;
}

/** Every broken rule of a whole record (per key, then cross-field). */
export function validateConfig(c: GatewayConfig): string[] {
  const out: string[] = [];
  const rec = c as unknown as Record<string, unknown>;
  for (const row of SETTINGS) {
    const e = checkValue(row, rec[row.key]);
    if (e) out.push(e);
  }
  return out.length ? out : crossErrors(c);
}

/**
 * Candidate record: `base` with the typed-text `changes` applied, validated as a
 * whole. Returns the new record only when every rule holds, so a rejected `set`
 * changes nothing.
 */
export function buildCandidate(
  base: GatewayConfig,
  changes: ReadonlyArray<readonly [string, string]>,
  /** Where the asker finds the list of settings (the console's command by default). */
  listedBy = "show config",
): { config: GatewayConfig; changed: SettingRow[] } | { errors: string[] } {
  const c = { ...base };
  const rec = c as unknown as Record<string, SettingValue>;
  const errors: string[] = [];
  const changed: SettingRow[] = [];
  for (const [name, text] of changes) {
    const row = findSetting(name);
    if (!row) {
      errors.push(`"${name}" breaks rule: unknown setting (${listedBy} lists them)`);
      continue;
    }
    if (changed.indexOf(row) >= 0) {
      errors.push(`${row.key} breaks rule: one value per setting in a single set`);
      continue;
    }
    const p = parseValue(row, text);
    if ("error" in p) errors.push(p.error);
    else {
      rec[row.key] = p.value;
      changed.push(row);
    }
  }
  if (errors.length) return { errors };
  const cross = validateConfig(c);
  if (cross.length) return { errors: cross };
  return { config: c, changed };
}

/** `s` padded with spaces to `n` characters (text tables of the console and the CLI). */
export function pad(s: string, n: number): string {
  while (s.length < n) s += " ";
  return s;
}

/**
 * The settings table of the console's `show config` and `bd450 config show`: a header,
 * one line per setting (`[restart]` where a change waits for a reboot, `(unsaved)` for the
 * keys in `unsaved`), then the keys kept from a newer version, if any.
 */
export function configTable(
  config: GatewayConfig,
  unknown: Record<string, unknown>,
  unsaved: ReadonlyArray<string> = [],
): string[] {
  const cfg = config as unknown as Record<string, SettingValue>;
  const out = [pad("setting", 12) + " " + pad("value", 20) + " " + pad("type", 5) + " allowed"];
  for (const row of SETTINGS)
    out.push(
      pad(row.key, 12) +
        " " +
        pad(formatValue(row, cfg[row.key]), 20) +
        " " +
        pad(row.kind, 5) +
        " " +
        row.range +
        (row.apply === "restart" ? " [restart]" : "") +
        (unsaved.indexOf(row.key) >= 0 ? " (unsaved)" : ""),
    );
  const names = Object.keys(unknown);
  if (names.length)
    out.push(`kept from a newer version (not used here): ${names.map((k) => k + "=" + String(unknown[k])).join(" ")}`);
  return out;
}

/** Value as the console shows it and `set` accepts it back. */
export function formatValue(row: SettingRow, v: SettingValue): string {
  if (row.secret) return v === "" ? '""' : "(set)";
  if (row.kind === "bool") return v ? "on" : "off";
  if (row.kind === "text" && v === "") return '""';
  return String(v);
}

/** Defaults are part of the contract: they must pass every rule (checked by a test). */
export function defaultConfig(): GatewayConfig {
  return { ...(DEFAULT_CONFIG as GatewayConfig) };
}
