// Settings schema, validation, loader and the host JSON-lines store.

import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadSettings, saveSettings } from "../src/console/persist";
import { DEFAULT_CONFIG, type GatewayConfig } from "../src/core/config";
import type { SettingsStore } from "../src/core/io";
import { checkPreferenceRules, crc32Hex, defaultSettingsPath, SettingsFile } from "../src/platform/node/settings-file";
import {
  buildCandidate,
  CROSS_RULES,
  defaultConfig,
  findSetting,
  maskPrefix,
  parseIPv4,
  parseValue,
  SETTINGS,
  SUPPORTED_BAUDS,
  validateConfig,
} from "../src/settings/settings";
import { VALIDATION_CASES } from "./settings-cases";

/** In-memory store with the board's preference rules (the Moddable adapter's behaviour). */
class MemoryStore implements SettingsStore {
  values = new Map<string, string | number | boolean>();
  commits = 0;
  sets = 0;
  get(k: string) {
    return this.values.get(k);
  }
  set(k: string, v: string | number | boolean) {
    checkPreferenceRules(k, v);
    this.sets++;
    this.values.set(k, v);
  }
  delete(k: string) {
    this.values.delete(k);
  }
  keys() {
    return Array.from(this.values.keys());
  }
  commit() {
    this.commits++;
  }
}

function setErr(changes: [string, string][], base: GatewayConfig = defaultConfig()): string {
  const r = buildCandidate(base, changes);
  assert.ok("errors" in r, `expected an error for ${JSON.stringify(changes)}`);
  return (r as { errors: string[] }).errors.join(" | ");
}

function setOk(changes: [string, string][], base: GatewayConfig = defaultConfig()): GatewayConfig {
  const r = buildCandidate(base, changes);
  assert.ok("config" in r, `expected success for ${JSON.stringify(changes)}: ${JSON.stringify(r)}`);
  return (r as { config: GatewayConfig }).config;
}

/**
 * CRC-32 (IEEE 802.3, reflected, init and final XOR 0xFFFFFFFF) of the UTF-8 bytes, bit by bit:
 * a separate small model of what the settings file stores, sharing nothing with src's table.
 */
function crc32Model(s: string): string {
  let c = 0xffffffff;
  for (const byte of Buffer.from(s, "utf8")) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (c & 1 ? 0xedb88320 : 0);
  }
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-settings-"));
  tmpDirs.push(d);
  return d;
}
after(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("settings schema", () => {
  it("has exactly one row per GatewayConfig key, keys <= 15 characters", () => {
    const keys = Object.keys(DEFAULT_CONFIG).sort();
    assert.deepEqual(SETTINGS.map((r) => r.key).sort(), keys);
    for (const r of SETTINGS) assert.ok(r.key.length <= 15, r.key);
    for (const r of CROSS_RULES) for (const k of r.keys) assert.ok(keys.indexOf(k) >= 0, k);
  });

  it("row kinds match the default value types", () => {
    const d = DEFAULT_CONFIG as unknown as Record<string, unknown>;
    for (const r of SETTINGS) {
      const t = typeof d[r.key];
      assert.equal(t, r.kind === "int" ? "number" : r.kind === "bool" ? "boolean" : "string", r.key);
    }
  });

  it("the defaults pass every rule", () => {
    assert.deepEqual(validateConfig(defaultConfig()), []);
  });

  it("finds keys case-insensitively", () => {
    assert.equal(findSetting("TTL")!.key, "ttl");
    assert.equal(findSetting("ipaddr")!.key, "ipAddr");
    assert.equal(findSetting("nope"), undefined);
  });

  it("parses IPv4 and netmasks strictly", () => {
    assert.equal(parseIPv4("172.16.1.45"), 0xac10012d);
    for (const bad of ["172.16.1", "172.16.1.256", "172.016.1.1", "a.b.c.d", "1.2.3.4.5", "", " 1.2.3.4"])
      assert.equal(parseIPv4(bad), -1, bad);
    assert.equal(maskPrefix(parseIPv4("255.255.0.0")), 16);
    assert.equal(maskPrefix(parseIPv4("255.255.255.252")), 30);
    assert.equal(maskPrefix(parseIPv4("255.0.255.0")), -1);
    assert.equal(maskPrefix(parseIPv4("0.0.0.0")), 0);
  });
});

describe("settings validation: every rule names itself", () => {
  const cases = VALIDATION_CASES;
  for (const [name, changes, re] of cases) {
    it(name, () => {
      assert.match(setErr(changes), re);
    });
  }

  it("dhcp accepts an address outside the 450 range (only static is bound to it)", () => {
    const c = setOk([
      ["ipMode", "dhcp"],
      ["ipAddr", "10.0.0.5"],
    ]);
    assert.equal(c.ipAddr, "10.0.0.5");
    // ...and going back to static with that address is refused as a whole.
    assert.match(setErr([["ipMode", "static"]], c), /ipMode static needs a 450 fixed address/);
  });

  it("accepts every supported baud and the 450 address range edges", () => {
    for (const b of SUPPORTED_BAUDS) assert.equal(setOk([["baud", String(b)]]).baud, b);
    assert.equal(
      setOk([
        ["ipAddr", "172.31.255.254"],
        ["ipMask", "255.255.0.0"],
      ]).ipAddr,
      "172.31.255.254",
    );
    assert.equal(setOk([["ipAddr", "172.16.0.1"]]).ipAddr, "172.16.0.1");
  });

  it("normalizes: SFI upper case, lists without blanks, booleans, enums, empty text", () => {
    const c = setOk([
      ["sfi", "bd0002"],
      ["cmdAllow", "ei0001,vr0001"],
      ["tagTime", "OFF"],
      ["overlong", "DROP"],
      ["syslog", '""'],
      ["cmdGroups", "rcom,misc"],
    ]);
    assert.equal(c.sfi, "BD0002");
    assert.equal(c.cmdAllow, "EI0001,VR0001");
    assert.equal(c.tagTime, false);
    assert.equal(c.overlong, "drop");
    assert.equal(c.syslog, "");
    assert.equal(c.cmdGroups, "RCOM,MISC");
    assert.equal(setOk([["sfi", '"BD0007"']]).sfi, "BD0007", "quotes around a value are dropped");
  });

  it("a set with one bad value changes nothing (no half-way change)", () => {
    const base = defaultConfig();
    const r = buildCandidate(base, [
      ["ttl", "5"],
      ["sfi", "bad"],
    ]);
    assert.ok("errors" in r);
    assert.deepEqual(base, defaultConfig());
  });

  it("related settings change together in one set", () => {
    // A move to another subnet: gateway and address must change at once.
    const base = setOk([["ipGateway", "172.16.0.1"]]);
    assert.match(setErr([["ipAddr", "172.20.0.10"]], base), /gateway must be in the ipAddr subnet/);
    const c = setOk(
      [
        ["ipAddr", "172.20.0.10"],
        ["ipGateway", "172.20.0.1"],
      ],
      base,
    );
    assert.equal(c.ipGateway, "172.20.0.1");
    // Command forwarding: allowlist and switch in one set.
    const f = setOk([
      ["cmdAllow", "EI0001"],
      ["cmdFwd", "on"],
    ]);
    assert.equal(f.cmdFwd, true);
    assert.match(setErr([["cmdAllow", '""']], f), /needs a non-empty cmdAllow/);
  });

  it("parseValue refuses over-long text", () => {
    const r = parseValue(findSetting("groupMap")!, "TXR=RCOM;".repeat(120));
    assert.ok("error" in r && /at most 1000 characters/.test(r.error));
  });
});

describe("settings loader over a SettingsStore", () => {
  it("an empty store loads the defaults with no problems", () => {
    const events: string[] = [];
    const l = loadSettings(new MemoryStore(), (c, t) => events.push(c + " " + t));
    assert.deepEqual(l.config, defaultConfig());
    assert.deepEqual(l.problems, []);
    assert.deepEqual(events, []);
  });

  it("stored values override defaults; save writes only changed keys and commits once", () => {
    const s = new MemoryStore();
    const cfg = setOk([
      ["ttl", "3"],
      ["sfi", "BD0042"],
    ]);
    const n1 = saveSettings(s, cfg);
    assert.equal(n1, SETTINGS.length, "first save writes every key");
    assert.equal(s.commits, 1);
    const l = loadSettings(s);
    assert.equal(l.config.ttl, 3);
    assert.equal(l.config.sfi, "BD0042");
    const before = s.sets;
    const n2 = saveSettings(s, setOk([["ttl", "4"]], l.config));
    assert.equal(n2, 1);
    assert.equal(s.sets - before, 1, "flash wear: only the changed key is rewritten");
  });

  it("wrongly typed and out-of-rule values load as defaults and are logged", () => {
    const s = new MemoryStore();
    s.values.set("ttl", "3"); // string where an int32 belongs
    s.values.set("baud", 12345); // not a supported rate
    s.values.set("tagTime", 1); // int where a boolean belongs
    s.values.set("sfi", "garbage");
    s.values.set("alNoFixS", 45); // valid: kept
    const events: string[] = [];
    const l = loadSettings(s, (c, t) => events.push(c + ": " + t));
    assert.equal(l.config.ttl, DEFAULT_CONFIG.ttl);
    assert.equal(l.config.baud, DEFAULT_CONFIG.baud);
    assert.equal(l.config.tagTime, DEFAULT_CONFIG.tagTime);
    assert.equal(l.config.sfi, DEFAULT_CONFIG.sfi);
    assert.equal(l.config.alNoFixS, 45);
    assert.equal(l.problems.length, 4);
    assert.equal(events.filter((e) => e.startsWith("settings.bad")).length, 4);
    assert.ok(
      events.some((e) => /ttl stored string breaks rule: ttl is integer; default 1 used/.test(e)),
      events.join("\n"),
    );
    assert.ok(events.some((e) => /baud not supported/.test(e)));
  });

  it("a stored combination breaking a cross-field rule resets that rule's keys", () => {
    const s = new MemoryStore();
    s.values.set("cmdFwd", true); // forwarding on with an empty allowlist
    s.values.set("ttl", 7);
    const l = loadSettings(s);
    assert.equal(l.config.cmdFwd, false);
    assert.equal(l.config.ttl, 7);
    assert.match(l.problems.join("\n"), /cmdFwd, cmdAllow reset to defaults/);
    assert.deepEqual(validateConfig(l.config), []);
  });

  it("keys from a newer version are kept and survive a save", () => {
    const s = new MemoryStore();
    s.values.set("futureKey", "abc");
    s.values.set("ttl", 2);
    const events: string[] = [];
    const l = loadSettings(s, (c, t) => events.push(c + ": " + t));
    assert.deepEqual({ ...l.unknown }, { futureKey: "abc" });
    assert.match(events.join("\n"), /settings.unknown: kept 1 setting\(s\) unknown to this version: futureKey/);
    saveSettings(s, setOk([["ttl", "9"]], l.config));
    assert.equal(s.get("futureKey"), "abc");
    // Key names match exactly: "TTL" is not ttl, it is someone else's key.
    s.values.set("TTL", 5);
    assert.deepEqual({ ...loadSettings(s).unknown }, { futureKey: "abc", TTL: 5 });
  });

  it("refuses a line whose crc field name is damaged, instead of reading it unchecked", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-crcname-"));
    try {
      const f = path.join(dir, "config");
      const w = new SettingsFile(f);
      w.set("cmdAllow", "EI0001,EI0002");
      w.commit();
      // Two byte errors in one line: the name of the "crc" field, and the value.
      fs.writeFileSync(
        f,
        fs.readFileSync(f, "latin1").replace('"crc"', '"cRc"').replace("EI0001,EI0002", "GI0001,EI0002"),
        "latin1",
      );
      const r = new SettingsFile(f);
      assert.equal(r.get("cmdAllow"), undefined);
      assert.match(r.problems.join("\n"), /cmdAllow has unexpected field\(s\) "cRc"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps keys named like Object.prototype members as plain entries", () => {
    const s = new MemoryStore();
    s.values.set("__proto__", "x");
    s.values.set("hasOwnProperty", 3);
    s.values.set("constructor", true);
    const l = loadSettings(s);
    assert.equal(Object.getPrototypeOf(l.unknown), null);
    assert.deepEqual(Object.keys(l.unknown).sort(), ["__proto__", "constructor", "hasOwnProperty"]);
    assert.equal(Object.getOwnPropertyDescriptor(l.unknown, "__proto__")?.value, "x", "an own key, not the prototype");
    assert.deepEqual(validateConfig(l.config), []);
  });

  it("a store that throws loads defaults and logs", () => {
    const broken: SettingsStore = {
      get() {
        throw new Error("nvs read fail");
      },
      set() {},
      delete() {},
      keys: () => ["ttl"],
      commit() {},
    };
    const l = loadSettings(broken);
    assert.deepEqual(l.config, defaultConfig());
    assert.match(l.problems[0], /ttl: unreadable \(nvs read fail\)/);
  });
});

describe("host settings file (JSON lines, atomic)", () => {
  it('CRC-32 gives the standard check value: "123456789" -> cbf43926 (src and the test\'s model)', () => {
    assert.equal(crc32Hex("123456789"), "cbf43926");
    assert.equal(crc32Model("123456789"), "cbf43926");
    assert.equal(crc32Hex(""), "00000000");
    assert.equal(crc32Hex("The quick brown fox jumps over the lazy dog"), "414fa339");
  });
  it("round-trips through an atomic replace and leaves no temp file", () => {
    const dir = tmpDir();
    const file = path.join(dir, "sub", "config");
    const a = new SettingsFile(file);
    saveSettings(
      a,
      setOk([
        ["ttl", "4"],
        ["groupMap", "TXR=USR1;GP*=NAVD"],
        ["tagTime", "off"],
      ]),
    );
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["config"]);
    const text = fs.readFileSync(file, "utf8");
    const lines = text.trim().split("\n");
    assert.equal(lines[0], '{"bd450":"settings","version":1}');
    assert.equal(lines.length, SETTINGS.length + 1);
    for (const line of lines.slice(1)) {
      assert.match(line, /^\{"k":"[A-Za-z0-9]+","v":.*,"crc":"[0-9a-f]{8}"\}$/);
      const { k, v, crc } = JSON.parse(line);
      assert.equal(crc, crc32Model(JSON.stringify([k, v])), line);
    }
    const l = loadSettings(new SettingsFile(file));
    assert.equal(l.config.ttl, 4);
    assert.equal(l.config.tagTime, false);
    assert.equal(l.config.groupMap, "TXR=USR1;GP*=NAVD");
    assert.deepEqual(l.problems, []);
  });

  it("a file cut in the middle of a line keeps every intact key and logs the broken one", () => {
    const dir = tmpDir();
    const file = path.join(dir, "config");
    saveSettings(
      new SettingsFile(file),
      setOk([
        ["ttl", "4"],
        ["sfi", "BD0777"],
        ["syslog", "172.16.0.9:514"],
      ]),
    );
    const full = fs.readFileSync(file, "utf8");
    const cut = full.indexOf('"k":"syslog"') + 20; // cut inside the syslog line: the rest of the file is lost
    fs.writeFileSync(file, full.slice(0, cut));
    const fileEvents: string[] = [];
    const store = new SettingsFile(file, { log: (c, t) => fileEvents.push(c + ": " + t) });
    const l = loadSettings(store);
    assert.equal(l.config.ttl, 4, "keys before the cut survive");
    assert.equal(l.config.sfi, "BD0777");
    assert.equal(l.config.syslog, "", "the cut key is the default");
    assert.match(
      fileEvents.join("\n"),
      /settings.file: config line \d+: damaged \(key syslog\); ignored, default used/,
    );
  });

  it("every truncation point of a saved file loads without throwing, only intact lines count", function () {
    this.timeout(30000); // ~900 file writes and loads
    const dir = tmpDir();
    const file = path.join(dir, "config");
    const cfg = setOk([
      ["ttl", "4"],
      ["sfi", "BD0777"],
      ["cmdAllow", "EI0001"],
      ["cmdFwd", "on"],
      ["hbtInterval", "30"],
    ]);
    saveSettings(new SettingsFile(file), cfg);
    const full = fs.readFileSync(file, "utf8");
    for (let cut = 0; cut <= full.length; cut++) {
      fs.writeFileSync(file, full.slice(0, cut));
      const l = loadSettings(new SettingsFile(file));
      assert.deepEqual(validateConfig(l.config), [], `cut ${cut}`);
      const rec = l.config as unknown as Record<string, unknown>;
      const want = cfg as unknown as Record<string, unknown>;
      const def = DEFAULT_CONFIG as unknown as Record<string, unknown>;
      for (const r of SETTINGS)
        assert.ok(rec[r.key] === want[r.key] || rec[r.key] === def[r.key], `cut ${cut} key ${r.key}`);
    }
  });

  it("a flipped byte that still parses is caught by the line CRC", () => {
    const dir = tmpDir();
    const file = path.join(dir, "config");
    saveSettings(new SettingsFile(file), setOk([["ttl", "4"]]));
    const text = fs.readFileSync(file, "utf8").replace('"k":"ttl","v":4', '"k":"ttl","v":6');
    fs.writeFileSync(file, text);
    const store = new SettingsFile(file);
    assert.equal(loadSettings(store).config.ttl, DEFAULT_CONFIG.ttl);
    assert.match(store.problems.join("\n"), /key ttl fails its CRC/);
  });

  it("hand-edited lines without a CRC are accepted; garbage lines are refused", () => {
    const dir = tmpDir();
    const file = path.join(dir, "config");
    fs.writeFileSync(file, '{"k":"ttl","v":9}\nnot json\n[1,2]\n{"k":"baud"}\n{"k":"sfi","v":"BD0003"}\n');
    const store = new SettingsFile(file);
    const l = loadSettings(store);
    assert.equal(l.config.ttl, 9);
    assert.equal(l.config.sfi, "BD0003");
    assert.equal(store.problems.length, 3);
  });

  it("wrongly typed values in the file load as defaults, unknown keys are written back", () => {
    const dir = tmpDir();
    const file = path.join(dir, "config");
    const line = (k: string, v: unknown) => JSON.stringify({ k, v, crc: crc32Model(JSON.stringify([k, v])) });
    fs.writeFileSync(file, [line("ttl", "two"), line("newerKey", 17), line("sfi", "BD0009"), ""].join("\n"));
    const events: string[] = [];
    const store = new SettingsFile(file);
    const l = loadSettings(store, (c, t) => events.push(c + ": " + t));
    assert.equal(l.config.ttl, DEFAULT_CONFIG.ttl);
    assert.equal(l.config.sfi, "BD0009");
    assert.deepEqual({ ...l.unknown }, { newerKey: 17 });
    assert.match(events.join("\n"), /ttl stored string breaks rule/);
    saveSettings(store, setOk([["ttl", "3"]], l.config));
    const again = loadSettings(new SettingsFile(file));
    assert.equal(again.config.ttl, 3);
    assert.deepEqual({ ...again.unknown }, { newerKey: 17 });
  });

  it("enforces the board's preference limits", () => {
    const store = new SettingsFile(path.join(tmpDir(), "config"));
    assert.throws(() => store.set("aKeyLongerThan15", 1), /nvs set fail/);
    assert.throws(() => store.set("ttl", 1.5), /float unsupported/);
    assert.throws(() => store.set("ttl", 2 ** 31), /int32/);
    assert.throws(() => store.set("groupMap", "x".repeat(4001)), /4000 bytes/);
  });

  it("an unreadable path loads defaults and logs; the default path follows XDG", () => {
    const dir = tmpDir();
    const store = new SettingsFile(dir); // a directory, not a file
    assert.match(store.problems[0], /unreadable/);
    assert.deepEqual(loadSettings(store).config, defaultConfig());
    assert.equal(defaultSettingsPath({ XDG_CONFIG_HOME: "/x/cfg" }), "/x/cfg/bd450/config");
    assert.equal(defaultSettingsPath({ HOME: "/home/u" }), "/home/u/.config/bd450/config");
    assert.equal(defaultSettingsPath({ XDG_CONFIG_HOME: "relative", HOME: "/home/u" }), "/home/u/.config/bd450/config");
  });
});
