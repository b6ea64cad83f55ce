// Console command handling against a test ConsoleHost (failure paths, timeouts,
// "not connected" sections), and GatewayConsoleHost over a real Gateway fed with
// terminal sentences.

import { strict as assert } from "node:assert";
import { defaultRoutes, RDSS40_COMMAND_KEYS } from "../src/beidou/table";
import { BeidouWiring } from "../src/beidou/wiring";
import { Console } from "../src/console/console";
import { GatewayConsoleHost } from "../src/console/gateway-host";
import type { ApplyResult, ConsoleHost, StatusReport } from "../src/console/host";
import { loadSettings, saveSettings } from "../src/console/persist";
import type { GatewayConfig } from "../src/core/config";
import type { LogEvent } from "../src/core/eventlog";
import { Gateway } from "../src/core/gateway";
import type { Clock, Timers } from "../src/core/io";
import { defaultConfig } from "../src/settings/settings";
import { MemoryStore } from "./lib/memory-store";

function withChecksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return "$" + body + "*" + x.toString(16).toUpperCase().padStart(2, "0");
}

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Manual timers: advance(ms) fires what is due. */
class ManualTimers implements Timers {
  now = 0;
  list: Array<{ at: number; cb: () => void; id: number }> = [];
  private next = 1;
  set(cb: () => void, interval: number): unknown {
    const id = this.next++;
    this.list.push({ at: this.now + interval, cb, id });
    return id;
  }
  clear(h: unknown) {
    this.list = this.list.filter((t) => t.id !== h);
  }
  advance(ms: number) {
    this.now += ms;
    for (const t of this.list.filter((t) => t.at <= this.now)) {
      this.clear(t.id);
      t.cb();
    }
  }
}

class TestHost implements ConsoleHost {
  config: GatewayConfig = defaultConfig();
  store = new MemoryStore();
  applied: string[][] = [];
  applyError?: string;
  report: StatusReport = { uptimeS: 3723 };
  events: LogEvent[] = [];
  sent: string[] = [];
  sendError?: string;
  rebooted = 0;
  resets = 0;
  statusThrows = false;
  getConfig() {
    return { ...this.config };
  }
  applyConfig(c: GatewayConfig, changed: readonly string[]): ApplyResult | undefined {
    if (this.applyError) return { error: this.applyError };
    this.applied.push(changed.slice());
    this.config = { ...c };
    return undefined;
  }
  save() {
    try {
      saveSettings(this.store, this.config);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }
  reboot() {
    this.rebooted++;
  }
  status() {
    if (this.statusThrows) throw new Error("boom");
    return this.report;
  }
  log(n: number) {
    return this.events.slice(-n);
  }
  resetCounters() {
    this.resets++;
  }
  sendCommand(s: Uint8Array) {
    if (this.sendError) return this.sendError;
    this.sent.push(String.fromCharCode(...s));
    return undefined;
  }
}

const clock: Clock = { now: () => Date.UTC(2026, 10, 25, 12, 0, 0), monotonic: () => 0 };

function rig(host: ConsoleHost = new TestHost(), timers: ManualTimers | undefined = new ManualTimers()) {
  let out = "";
  const con = new Console({
    host,
    write: (b) => (out += String.fromCharCode(...b)),
    clock,
    timers,
    answerTimeoutMs: 10000,
  });
  const run = (line: string) => {
    out = "";
    con.execute(line);
    return out;
  };
  const answer = (body: string) => {
    out = "";
    const b = bytes(withChecksum(body));
    con.terminalSentence(b, b.length);
    return out;
  };
  return {
    con,
    run,
    answer,
    timers: timers!,
    get out() {
      return out;
    },
  };
}

describe("console commands (test host)", () => {
  it("start prints the banner and the prompt", () => {
    let out = "";
    const con = new Console({
      host: new TestHost(),
      write: (b) => (out += String.fromCharCode(...b)),
      clock,
      banner: "bd450 test",
    });
    con.start();
    assert.equal(out, "bd450 test\r\ntype help for commands\r\nbd450> ");
  });

  it("set applies through applyConfig with the changed keys; restart keys are marked", () => {
    const host = new TestHost();
    const r = rig(host);
    const out = r.run("set TTL 5 groupMap TXR=RCOM");
    assert.deepEqual(host.applied, [["ttl", "groupMap"]]);
    assert.equal(host.config.ttl, 5);
    assert.match(out, /^ttl = 5 \(takes effect after save \+ reboot\)\r\ngroupMap = TXR=RCOM\r\nnot saved yet/);
  });

  it("a refusal by the gateway changes nothing and leaves nothing unsaved", () => {
    const host = new TestHost();
    host.applyError = "router rebuild failed";
    const r = rig(host);
    assert.match(r.run("set ttl 5"), /error: the gateway refused the change: router rebuild failed\r\nnothing changed/);
    assert.equal(host.config.ttl, 1);
    assert.doesNotMatch(r.run("show config"), /unsaved/);
  });

  it("a failed save reports it and keeps the changes marked unsaved", () => {
    const host = new TestHost();
    host.store.failCommit = true;
    const r = rig(host);
    r.run("set ttl 5");
    assert.match(r.run("save"), /error: save failed, stored settings unchanged: disk full/);
    assert.match(r.run("show config"), /unsaved changes: ttl/);
    host.store.failCommit = false;
    assert.match(r.run("save"), /^saved/);
    assert.equal(host.store.get("ttl"), 5);
    assert.equal(loadSettings(host.store).config.ttl, 5);
  });

  it("defaults when nothing differs says so; reboot goes to the host", () => {
    const host = new TestHost();
    const r = rig(host);
    assert.match(r.run("defaults"), /all settings already at their defaults/);
    r.run("reboot");
    assert.equal(host.rebooted, 1);
    r.run("set ttl 2");
    assert.match(r.run("reboot"), /error: unsaved changes \(ttl\)/);
    assert.equal(host.rebooted, 1);
    assert.match(r.run("defaults"), /^ttl = 1/);
  });

  it("status says which data sources are not connected", () => {
    const out = rig().run("status");
    assert.match(out, /^uptime +1h 2m 3s/m);
    for (const s of ["terminal", "RNSS fix", "RDSS fix", "beams", "IC card", "network", "alerts"])
      assert.match(out, new RegExp(`^${s} +data source not connected`, "m"));
    assert.match(out, /^heap +not reported on this platform/m);
  });

  it("status distinguishes connected-but-empty from not connected", () => {
    const host = new TestHost();
    host.report = {
      uptimeS: 90061,
      rnss: null,
      rdss: null,
      beams: null,
      card: null,
      alerts: [],
      terminal: { link: "no data yet", bytes: 0, sentences: 0, rejects: { badChecksum: 0 } },
      network: { link: "up", address: "172.16.1.45", out: {}, errors: { sendErrors: 2 } },
      heap: { free: 1000 },
    };
    const out = rig(host).run("status");
    assert.match(out, /^uptime +1d 1h 1m 1s/m);
    assert.match(out, /^terminal +link no data yet, 0 bytes, 0 sentences, last sentence never/m);
    assert.match(out, /^RNSS fix +no fix yet/m);
    assert.match(out, /^beams +no BSI or PWI received yet/m);
    assert.match(out, /^IC card +no ICI\/ICP received yet/m);
    assert.match(out, /^ {2}in +network receiver not connected/m);
    assert.match(out, /^ {2}errors +sendErrors 2/m);
    assert.match(out, /^alerts +none/m);
    assert.match(out, /^heap +free 1000 B/m);
  });

  it("status shows alerts and fixes with their age", () => {
    const host = new TestHost();
    host.report = {
      uptimeS: 5,
      rnss: { lat: -33.5, lon: -70.25, time: "12:00:01", quality: "GNSS fix", satellites: 9, hdop: 0.9, ageS: 200 },
      alerts: [{ id: "terminal.silent", state: "active", text: "no output" }],
    };
    const out = rig(host).run("status");
    assert.match(
      out,
      /^RNSS fix +33\.500000 S 70\.250000 W at 12:00:01 UTC, GNSS fix, 9 sats, HDOP 0\.9, 3\.3 min ago/m,
    );
    assert.match(out, /^alert +terminal.silent active: no output/m);
  });

  it("a failing handler is reported and the console keeps working", () => {
    const host = new TestHost();
    host.statusThrows = true;
    const r = rig(host);
    assert.match(r.run("status"), /error: status failed: boom/);
    assert.match(r.run("counters reset"), /counters reset/);
    assert.equal(host.resets, 1);
  });

  it("log prints events with UTC time and code; an empty log says so", () => {
    const host = new TestHost();
    const r = rig(host);
    assert.match(r.run("log"), /log is empty/);
    host.events = [{ time: Date.UTC(2026, 0, 2, 3, 4, 5), code: "serial.lost", text: "gone" }];
    assert.match(r.run("log 5"), /^2026-01-02T03:04:05Z serial.lost +gone\r\n/);
    assert.match(r.run("log 1 2"), /error: usage: log \[N\]/);
  });

  it("terminal operations without a terminal link say so", () => {
    const host = new TestHost();
    (host as { sendCommand?: unknown }).sendCommand = undefined;
    assert.match(rig(host).run("card"), /error: card: terminal link not connected in this build/);
  });

  it("a refused queue is reported", () => {
    const host = new TestHost();
    host.sendError = "queue full";
    assert.match(rig(host).run("card"), /error: card: the terminal queue refused ICA: queue full/);
  });

  it("no answer within the timeout is an error; the next operation may then run", () => {
    const host = new TestHost();
    const r = rig(host);
    r.run("card");
    assert.match(r.run("locate"), /error: locate: busy, still waiting for the terminal's answer to ICA/);
    r.timers.advance(10000);
    assert.match(r.out, /error: card: no ICI\/ICP\/FKI answer from the terminal within 10 s/);
    assert.match(r.run("locate"), /^sent \$CCDWA/);
    assert.equal(host.sent.length, 2);
  });

  it("answers about other commands are ignored; the matching one ends the operation", () => {
    const r = rig();
    r.run("card");
    assert.equal(r.answer("BDFKI,TXA,Y,Y,0,0040"), "");
    assert.equal(r.answer("GNGGA,120000,,,,,0,00,,,M,,M,,"), "");
    assert.match(
      r.answer("BDICI,0000000,00000000,0000000,0,0,0,N,0"),
      /terminal answer: \$BDICI.*\r\n {2}no IC card in the terminal/,
    );
    assert.equal(r.timers.list.length, 0, "timeout cleared");
    assert.equal(r.answer("BDICI,0242286,00242286,0000011,6,60,3,N,0"), "", "nothing pending any more");
  });

  it("TXA refused (2.1 FKI) and accepted (BDS-3 FKI, TCQ) are read by the Beidou decoder", () => {
    const r = rig();
    r.run("msg 179773 hi");
    assert.match(r.answer("BDFKI,TXA,N,Y,2,0040"), /TXA refused by the terminal \(transmit-inhibit 2\); wait 40 s/);
    r.run("msg 179773 hi again");
    assert.match(r.answer("BDFKI,082920,TCQ,Y,0,0"), /TCQ accepted by the terminal/);
  });

  it("msg keeps the spacing of the text and pads the address", () => {
    const host = new TestHost();
    const r = rig(host);
    r.run("msg 42  two  spaces");
    // The text starts after the blanks that follow DEST and keeps inner blanks.
    assert.ok(host.sent[0].includes("A474776F2020737061636573"), host.sent[0]);
  });

  it("DWA: an accepted FKI keeps waiting for DWR", () => {
    const r = rig();
    r.run("locate");
    assert.match(r.answer("BDFKI,DWA,Y,Y,0,0060"), /waiting for the position \(DWR\)/);
    assert.equal(r.timers.list.length, 1);
    assert.match(
      r.answer("BDDWR,1,0242286,021549.65,2240.4051,N,11402.5601,E,47,M,-3,M,1,V,V,L"),
      /RDSS position of 0242286: 22\.67342N 114\.04267E, height 47 m at 02:15:49\.65 UTC/,
    );
    assert.equal(r.timers.list.length, 0);
  });

  it("close() cancels a pending operation and silences the console", () => {
    const r = rig();
    r.run("card");
    assert.equal(r.timers.list.length, 1);
    r.con.close();
    assert.equal(r.timers.list.length, 0);
    assert.equal(r.run("help"), "");
  });

  it("an answer arriving while the user types re-draws the prompt and the typed text", () => {
    const r = rig();
    r.run("output BSI on 5");
    r.con.receive(bytes("sta"));
    const out = r.answer("BDFKI,RMO,Y,Y,0,0000");
    assert.ok(out.endsWith("RMO accepted by the terminal\r\nbd450> sta"), JSON.stringify(out));
  });
});

describe("GatewayConsoleHost over a real Gateway", () => {
  function setup() {
    const store = new MemoryStore();
    const loaded = loadSettings(store);
    const wiring = new BeidouWiring({ clock });
    const gw = new Gateway({
      config: loaded.config,
      clock,
      onUnit: wiring.onUnit,
      convertFrame: wiring.convertFrame,
      frameCommands: RDSS40_COMMAND_KEYS,
      routes: defaultRoutes(),
    });
    wiring.attach({ events: gw.events, rejects: gw.framerCounters });
    let reboots = 0;
    const net = { resets: 0 };
    const host = new GatewayConsoleHost({
      gateway: gw,
      state: wiring.state,
      store,
      loaded,
      clock,
      reboot: () => reboots++,
      resetNetwork: () => net.resets++,
    });
    const feed = (body: string) => gw.feed(bytes(withChecksum(body) + "\r\n"));
    return { store, gw, wiring, host, feed, net, reboots: () => reboots };
  }

  it("status reads the gateway counters and the device state", () => {
    const { host, feed, gw } = setup();
    assert.equal(host.status().rnss, null);
    feed("GNGGA,021549.00,2240.4051,N,11402.5601,E,1,12,0.8,47.0,M,-3.0,M,,");
    feed("BDICI,0242286,00242286,0000011,6,60,3,N,0");
    feed("BDBSI,02,08,0,3,0,0,0,0,0,3,0,0");
    feed("BDDWR,1,0242286,021549.65,2240.4051,N,11402.5601,E,47,M,-3,M,1,V,V,L");
    feed("BDTXR,1,0179773,2,,A468656C6C6F");
    gw.feed(bytes("$GNGGA,bad*00\r\n"));
    const s = host.status();
    assert.equal(s.terminal!.sentences, 5);
    assert.equal(s.terminal!.rejects.badChecksum, 1);
    assert.equal(s.rnss!.satellites, 12);
    assert.ok(Math.abs(s.rnss!.lat - 22.67342) < 1e-4);
    assert.equal(s.card!.userId, "0242286");
    assert.equal(s.card!.frequencyS, 60);
    assert.deepEqual(s.beams!.power, [0, 3, 0, 0, 0, 0, 0, 3, 0, 0]);
    assert.equal(s.beams!.response, 2);
    assert.ok(Math.abs(s.rdss!.lat - 22.67342) < 1e-4);
    assert.deepEqual(s.network!.out, { NAVD: 2, MISC: 2, RCOM: 1 });
    assert.equal(s.network!.in, undefined);
    assert.equal(s.alerts, undefined, "no alert manager behind this host: no alert list");
  });

  it("groupMap applies live (router), other keys wait for a restart; save goes to the store", () => {
    const { host, feed, gw, store } = setup();
    const next = { ...host.getConfig(), groupMap: "TXR=USR1", ttl: 9 };
    const res = host.applyConfig(next, ["groupMap", "ttl"]);
    assert.deepEqual(res, {});
    feed("BDTXR,1,0179773,2,,A468656C6C6F");
    assert.deepEqual(host.status().network!.out, { USR1: 1 });
    assert.equal(gw.config.ttl, 1, "the running gateway keeps its TTL until restart");
    assert.equal(host.getConfig().ttl, 9);
    assert.equal(host.save(), undefined);
    assert.equal(store.get("ttl"), 9);
    assert.equal(store.get("groupMap"), "TXR=USR1");
    // The command gate reads gateway.config at every command: live too.
    host.applyConfig({ ...host.getConfig(), cmdAllow: "EI0001", cmdFwd: true }, ["cmdAllow", "cmdFwd"]);
    assert.equal(gw.config.cmdFwd, true);
    assert.equal(gw.config.cmdAllow, "EI0001");
    assert.equal(gw.config.ttl, 1);
  });

  it("counters reset zeroes link and network counters and logs it", () => {
    const { host, feed, gw, net } = setup();
    feed("BDTXR,1,0179773,2,,A468656C6C6F");
    host.resetCounters();
    assert.equal(net.resets, 1, "the network side is reset too");
    const s = host.status();
    assert.equal(s.terminal!.bytes, 0);
    assert.equal(s.terminal!.sentences, 0);
    assert.deepEqual(s.network!.out, {});
    assert.equal(gw.events.recent(1)[0].code, "console");
  });

  it("sendCommand queues for the UART and tells the device state an answer is due", () => {
    const { host, gw, wiring } = setup();
    assert.equal(host.sendCommand(bytes("$CCICA,0,00*7B")), undefined);
    assert.equal(gw.counters.uartQueued, 1);
    assert.equal(wiring.state.pendingCommand, "ICA");
  });

  it("a console over this host runs a terminal operation end to end with the gateway's own decoding", () => {
    const { host } = setup();
    const timers = new ManualTimers();
    let out = "";
    const con = new Console({ host, write: (b) => (out += String.fromCharCode(...b)), clock, timers });
    con.execute("card");
    const b = bytes(withChecksum("BDICI,0242286,00242286,0000011,6,60,3,N,0"));
    // The CLI's onUnit hook hands every framed terminal sentence to the console like this.
    con.terminalSentence(b, b.length);
    assert.match(out, /IC card 0242286, serial 00242286, service interval 60 s, communication level 3, not encrypted/);
  });
});
