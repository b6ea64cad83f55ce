// One truth per setting: the schema's `apply` (src/settings/settings.ts) decides, and
// the console's words after `set`, the `[restart]` mark of `show config` and what the
// running gateway does must all agree with it. Every key is walked through `set` on a
// console of the whole assembled gateway (src/app/assemble.ts) over fake IO; each live
// key has a behaviour probe written here (datagram text read with regular expressions,
// alert and counter state), and a restart key must leave the running gateway as it was.

import * as assert from "node:assert/strict";
import { App } from "../src/app/assemble";
import { loadSettings } from "../src/console/persist";
import { makeConfig } from "../src/core/config";
import type { Datagram, SerialOptions, UDPOptions } from "../src/core/io";
import { asciiBytes, latin1, withChecksum } from "../src/nmea/checksum";
import { nodeWebCrypto } from "../src/platform/node/web-crypto";
import { checkValue, SETTINGS, type SettingRow, type SettingValue, validateConfig } from "../src/settings/settings";
import { PasswordCheck, passwordHasher } from "../src/web/password";
import { MemoryStore } from "./lib/memory-store";
import { TestClock } from "./lib/test-clock";
import { tag } from "./lib/text";

/** webPass is stored (and may be typed) as its salted hash; this one is of WEB_PASS. */
const WEB_PASS = "probe-pass-1";
const WEB_HASH = passwordHasher(nodeWebCrypto, 1000)(WEB_PASS);

/** The clock these tests move by hand. */
function newClock(): TestClock {
  return new TestClock(Date.UTC(2026, 10, 30, 9, 0, 0), 5000);
}

class Timers {
  list: Array<{ due: number; every: number; repeat: boolean; fn: () => void; live: boolean }> = [];
  constructor(private clock: TestClock) {}
  set(fn: () => void, every: number, repeat: boolean) {
    const t = { due: this.clock.mono + every, every, repeat, fn, live: true };
    this.list.push(t);
    return t;
  }
  clear(h: unknown) {
    (h as { live: boolean }).live = false;
  }
  /** Advance by `ms` one second at a time, firing what is due. */
  advance(ms: number) {
    for (let done = 0; done < ms; done += 1000) {
      this.clock.mono += 1000;
      this.clock.wall += 1000;
      for (const t of this.list.slice())
        if (t.live && t.due <= this.clock.mono) {
          if (t.repeat) t.due += t.every;
          else t.live = false;
          t.fn();
        }
    }
  }
}

class Rig {
  static current: Rig;
  datagrams: Array<{ address: string; text: string }> = [];
  sockets: Array<{ o: UDPOptions; groups: string[]; queue: Datagram[] }> = [];
  serialOptions: SerialOptions[] = [];
  writable = true;
  console = "";
  /** What the gateway wrote to the terminal (latin-1). */
  uart = "";
}

class FakeSerial {
  constructor(o: SerialOptions) {
    Rig.current.serialOptions.push(o);
    if (Rig.current.writable) o.onWritable?.call(this as never, 1 << 20);
  }
  read() {
    return 0;
  }
  write(b: ArrayBuffer | Uint8Array) {
    Rig.current.uart += latin1(b instanceof Uint8Array ? b : new Uint8Array(b));
  }
  close() {
    /* nothing */
  }
}

class FakeUDP {
  readonly s: { o: UDPOptions; groups: string[]; queue: Datagram[] };
  constructor(o: UDPOptions) {
    this.s = { o, groups: [], queue: [] };
    Rig.current.sockets.push(this.s);
  }
  add(g: string) {
    this.s.groups.push(g);
  }
  read() {
    return this.s.queue.shift();
  }
  write(d: Uint8Array, address: string) {
    Rig.current.datagrams.push({ address, text: latin1(d) });
  }
  close() {
    /* nothing */
  }
}

function assemble(writable = true) {
  const rig = new Rig();
  rig.writable = writable;
  Rig.current = rig;
  const clock = newClock();
  const timers = new Timers(clock);
  const store = new MemoryStore();
  const loaded = loadSettings(store);
  // Commands from the network on (for the cmdFwd/cmdAllow probes), from IN0002 only.
  const config = makeConfig({ ...loaded.config, cmdFwd: true, cmdAllow: "IN0002", startupCmds: false });
  let input: (b: Uint8Array, s: number, e: number) => void = () => {};
  const app = new App({
    config,
    settings: { store, loaded },
    clock,
    timers,
    log: () => undefined,
    serial: { io: FakeSerial as never, baud: config.baud },
    udp: { io: FakeUDP as never },
    platform: { reboot: () => undefined },
    console: {
      banner: "test",
      channel: {
        write: (b) => {
          rig.console += latin1(b);
        },
        connect: (i) => {
          input = i;
        },
      },
    },
  });
  app.start();
  const type = (line: string) => {
    rig.console = "";
    const b = asciiBytes(line + "\r");
    input(b, 0, b.length);
    return rig.console;
  };
  const feed = (body: string) => app.gateway.feed(asciiBytes(withChecksum("$" + body) + "\r\n"));
  const command = (from: string, body: string) => {
    const sock = rig.sockets.find((s) => s.o.port === 60006)!; // RCOM (IEC 61162-450 Table 1)
    const d = asciiBytes("UdPbC\0" + tag(`s:${from},d:BD0001,n:1`) + withChecksum("$" + body) + "\r\n");
    const ab = d.slice().buffer as Datagram;
    ab.address = "172.16.1.9";
    ab.port = 40000;
    sock.queue.push(ab);
    sock.o.onReadable?.call(sock as never, 1);
  };
  const lastDatagram = () => rig.datagrams[rig.datagrams.length - 1]?.text ?? "";
  return { app, rig, clock, timers, type, feed, command, lastDatagram };
}
type Ctx = ReturnType<typeof assemble>;

/** Console text of a value. */
function typed(row: SettingRow, v: SettingValue): string {
  if (row.kind === "bool") return v ? "on" : "off";
  return v === "" ? '""' : String(v);
}

/** Valid values for text keys (their rules are too varied to derive one). */
const TEXT_EXAMPLES: Record<string, string> = {
  sfi: "GP0002",
  iface: "127.0.0.1",
  ipAddr: "172.16.9.9",
  ipMask: "255.255.255.0",
  ipGateway: "172.16.0.1",
  groupMap: "TXR=USR1",
  propMfr: "ABC",
  cmdAllow: "EI0001",
  cmdGroups: "MISC",
  legacyUdp: "127.0.0.1:10110",
  syslog: "127.0.0.1:5514",
  outFilter: "!GSV",
  inFilter: "!ICA",
  webPass: WEB_HASH,
};

/** Another value for `row` that passes its rule and the cross rules with the rest of `config`. */
function anotherValue(row: SettingRow, config: Record<string, SettingValue>): SettingValue {
  const cur = config[row.key];
  const tries: SettingValue[] =
    row.kind === "bool"
      ? [!cur]
      : row.kind === "enum"
        ? [...(row.choices ?? [])]
        : row.kind === "int"
          ? [row.min ?? 1, row.max ?? 1, 9600, 4800, (cur as number) + 1, (cur as number) - 1]
          : row.key in TEXT_EXAMPLES
            ? [TEXT_EXAMPLES[row.key]]
            : [];
  for (const v of tries) {
    if (v === cur || checkValue(row, v) !== undefined) continue;
    if (validateConfig({ ...config, [row.key]: v } as never).length === 0) return v;
  }
  throw new Error(`no test value for setting ${row.key}: add one to TEXT_EXAMPLES in hosttest/settings-live.test.ts`);
}

const CMD_ICA = "CCICA,0,00";

/** What each live key changes at once, seen from outside (after `set`). */
const LIVE_PROBES: Record<string, (c: Ctx, v: SettingValue) => void> = {
  sfi: (c, v) => {
    c.feed("GNGGA,021549.00,2240.4051,N,11402.5601,E,1,12,0.8,47.0,M,-3.0,M,,");
    assert.match(c.lastDatagram(), new RegExp(`s:${v}[,*]`));
  },
  tagTime: (c, v) => {
    c.feed("GNZDA,021549.00,30,11,2026,00,00");
    assert.equal(/[\\,]c:\d+/.test(c.lastDatagram()), v);
  },
  overlong: (c, v) => {
    c.feed("BDTXT,01,01,01," + "X".repeat(90));
    const d = c.rig.datagrams.map((x) => x.text).join("");
    if (v === "drop") assert.doesNotMatch(d, /TXT/);
    else if (v === "verbatim") assert.match(d, /\$BDTXT,01,01,01,X{90}\*/);
    else assert.match(d, /\$P[A-Z]{3}/);
  },
  propMfr: (c, v) => {
    c.feed("BDTXT,01,01,01," + "X".repeat(90));
    assert.match(c.rig.datagrams.map((x) => x.text).join(""), new RegExp(`\\$P${v}`));
  },
  groupMap: (c) => {
    c.feed("BDTXR,1,0179773,2,,A468656C6C6F");
    assert.equal((c.app.gateway.snapshot().perGroup as Record<string, number>).USR1, 1);
  },
  hbtInterval: (c, v) => {
    c.timers.advance(130000);
    const hbts = c.rig.datagrams.filter((d) => /HBT,/.test(d.text)).length;
    if (v === 0) assert.equal(hbts, 0);
    else assert.ok(hbts >= Math.floor(130 / (v as number)) - 1, `${hbts} HBT in 130 s at ${v} s`);
  },
  alSilentS: (c, v) => {
    c.timers.advance(((v as number) + 2) * 1000);
    assert.ok(c.app.network.alerts.isActive("terminalSilent"), `silent alert after ${v} + 2 s`);
    assert.ok(c.app.beidou.state.silent, "device state silent too");
  },
  alNoFixS: (c, v) => {
    c.timers.advance(((v as number) + 1) * 1000);
    assert.ok(c.app.network.alerts.isActive("noFix"), `no-fix alert after ${v} + 1 s`);
  },
  alCsumPct: (c, v) => {
    // 2 bad in 100: over 1 %, under the default 5 % (the rate is over samples since the first tick).
    c.timers.advance(1000);
    for (let i = 0; i < 98; i++) c.feed("GNZDA,021549.00,30,11,2026,00,00");
    for (let i = 0; i < 2; i++) c.app.gateway.feed(asciiBytes("$GNZDA,021549.00,30,11,2026,00,00*00\r\n"));
    c.timers.advance(1000);
    assert.equal(c.app.network.alerts.isActive("checksumRate"), (v as number) < 2);
  },
  cmdFwd: (c, v) => {
    c.command("IN0002", CMD_ICA);
    assert.equal(c.app.network.counters.commandsAccepted, v ? 1 : 0);
  },
  cmdAllow: (c, v) => {
    c.command(v as string, CMD_ICA);
    assert.equal(c.app.network.counters.commandsAccepted, 1);
  },
  outFilter: (c) => {
    c.feed("GPGSV,1,1,00");
    c.feed("GNZDA,021549.00,30,11,2026,00,00");
    assert.doesNotMatch(c.rig.datagrams.map((x) => x.text).join(""), /GSV,/);
    assert.match(c.lastDatagram(), /\$GNZDA,/);
  },
  inFilter: (c) => {
    c.command("IN0002", CMD_ICA);
    assert.equal(c.app.network.counters.commandsAccepted, 0);
    assert.equal(c.app.network.counters.rejects.filtered, 1);
  },
  maxRate: (c, v) => {
    // One second of the clock: v pass on NAVD, the 3 newest beyond it are dropped.
    for (let i = 0; i < (v as number) + 3; i++) c.feed("GNZDA,021549.00,30,11,2026,00,00");
    assert.equal(c.app.gateway.counters.rateDropped, 3);
  },
  webPass: (c) => {
    // The web page's next login checks against the new hash at once.
    const check = new PasswordCheck(nodeWebCrypto, c.app.host.getConfig().webPass, WEB_PASS);
    while (!check.step(256));
    assert.ok(check.matches());
  },
  terminalFamily: (c, v) => {
    // Nothing heard yet: auto is unknown; a network TXA goes out as TCQ only to a BDS-3 terminal.
    assert.equal(c.app.beidou.state.family, v === "auto" ? "unknown" : v);
    c.command("IN0002", "CCTXA,0242286,1,1,3132");
    assert.equal(c.app.network.counters.commandsAccepted, 1);
    // Literal oracles: TXA 1 (code) is TCQ code type 2 with the same digits.
    assert.match(
      c.rig.uart,
      v === "bds3" ? /\$CCTCQ,0242286,2,1,2,3132,0\*[0-9A-F]{2}\r\n$/ : /\$CCTXA,0242286,1,1,3132\*/,
    );
  },
  uartQueue: (c, v) => {
    for (let i = 0; i < 5; i++) c.app.gateway.sendToTerminal(withChecksum("$" + CMD_ICA));
    assert.equal(c.app.gateway.queueLength, Math.min(5, v as number));
  },
};

describe("settings: live or restart, one truth (schema = console words = show config = behaviour)", () => {
  it("every live key has a behaviour probe here", () => {
    for (const row of SETTINGS)
      if (row.apply === "live") assert.ok(LIVE_PROBES[row.key], `live setting ${row.key}: add a probe to LIVE_PROBES`);
  });

  for (const row of SETTINGS) {
    it(`${row.key} (${row.apply})`, () => {
      const c = assemble(row.key !== "uartQueue");
      const running = c.app.gateway.config as unknown as Record<string, SettingValue>;
      const before = running[row.key];
      const v = anotherValue(row, { ...running });
      const said = c.type(`set ${row.key} ${typed(row, v)}`);
      const line = said.split("\r\n").find((l) => l.startsWith(`${row.key} = `));
      assert.ok(line, `set answered: ${JSON.stringify(said)}`);
      assert.equal(
        /\(takes effect after save \+ reboot\)/.test(line),
        row.apply === "restart",
        `console said: ${line}`,
      );
      const show = c
        .type("show config")
        .split("\r\n")
        .find((l) => new RegExp(`^\\s*${row.key}\\b`).test(l));
      assert.ok(show, `show config has ${row.key}`);
      assert.equal(show.includes("[restart]"), row.apply === "restart", `show config: ${show}`);
      if (row.apply === "live") {
        assert.equal(running[row.key], v, "the running config took it");
        LIVE_PROBES[row.key](c, v);
      } else {
        assert.equal(running[row.key], before, "the running gateway keeps the old value until reboot");
        assert.equal(c.rig.serialOptions.length, 1, "the terminal port was not reopened");
      }
      c.app.stop();
    });
  }
});
