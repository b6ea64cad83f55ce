// Network side of the gateway: command gate, answer routing with d:, ACN/alerts from
// gateway state, legacy plain output, syslog. Offline: a real Gateway with fake IO.

import * as assert from "node:assert/strict";
import { beidouAlerts, type DeviceAlertStatus } from "../src/beidou/alerts";
import { reencodeCommand } from "../src/beidou/reencode";
import { answeredCommands } from "../src/beidou/table";
import { type GatewayConfig, makeConfig } from "../src/core/config";
import { Gateway } from "../src/core/gateway";
import { BAM1, CAM1, RCOM } from "../src/core/groups";
import type { Datagram, SerialOptions, UDPOptions } from "../src/core/io";
import { NetworkSide, networkParts } from "../src/core/netside";
import { stripTagBlocks } from "../src/core/tagblock";
import { asciiBytes, latin1 } from "../src/nmea/checksum";
import { readDatagram } from "./lib/strict-reader";
import { TestClock } from "./lib/test-clock";
import { hex2, tag, sentence as withChecksum, xorText } from "./lib/text";

/** The clock these tests move by hand. */
function newClock(): TestClock {
  return new TestClock(Date.UTC(2026, 10, 25, 14, 0, 0), 5000);
}

let serialWrites: string[] = [];
class FakeSerial {
  constructor(o: SerialOptions) {
    o.onWritable?.call(this as never, 1 << 20);
  }
  read() {
    return 0;
  }
  write(d: Uint8Array) {
    serialWrites.push(latin1(d));
  }
  close() {
    /* nothing */
  }
}

const udpWrites: Array<{ address: string; port: number; text: string }> = [];
class FakeUDP {
  static instances: FakeUDP[] = [];
  groups: string[] = [];
  queue: Datagram[] = [];
  constructor(readonly o: UDPOptions) {
    FakeUDP.instances.push(this);
  }
  add(g: string) {
    this.groups.push(g);
  }
  read() {
    return this.queue.shift();
  }
  write(d: Uint8Array, address: string, port: number) {
    udpWrites.push({ address, port, text: latin1(d) });
  }
  close() {
    /* nothing */
  }
  deliver(bytes: Uint8Array) {
    const ab = bytes.slice().buffer as Datagram;
    ab.address = "172.16.1.9";
    ab.port = 40000;
    this.queue.push(ab);
    this.o.onReadable?.call(this as never, this.queue.length);
  }
}

function dgram(tagParams: string, sentence: string): Uint8Array {
  return asciiBytes("UdPbC\0" + tag(tagParams) + sentence + "\r\n");
}

interface Out {
  group: number;
  raw: Uint8Array;
  sentences: Array<{ text: string; d: string | null; s: string | null }>;
}

function setup(cfg: Partial<GatewayConfig> = {}, device?: DeviceAlertStatus) {
  serialWrites = [];
  udpWrites.length = 0;
  FakeUDP.instances = [];
  const clock = newClock();
  const config = makeConfig({ sfi: "BD0001", cmdFwd: true, cmdAllow: "EI0001,IN0002", startupCmds: false, ...cfg });
  const out: Out[] = [];
  // Built in the assembly's order (src/app/assemble.ts): the parts the gateway's hooks call first.
  const parts = networkParts({ clock, config, answered: answeredCommands });
  const gw = new Gateway({
    config,
    clock,
    log: (line: string) => parts.syslog.logLine(line),
    serial: { io: FakeSerial as never, baud: 115200 },
    onDatagram(b, n, g) {
      // Judged by the test's own strict reader with the sender limits (upper-case hex, TAG <= 80),
      // not by the core's receiver: it throws on anything a strict receiver would discard.
      const lines = readDatagram(b.slice(0, n), { sendLimits: true });
      out.push({
        group: g,
        raw: b.slice(0, n),
        sentences: lines.map((l) => ({ text: l.sentence, d: l.tags.d ?? null, s: l.source })),
      });
      parts.legacy.send(b, n);
    },
    answers: parts.answers,
  });
  gw.start();
  const net = new NetworkSide({
    gateway: gw,
    clock,
    udp: { io: FakeUDP as never, interface: "127.0.0.1" },
    deviceAlerts: beidouAlerts(device),
    encodeCommand: reencodeCommand,
    parts,
  });
  net.start();
  const terminal = (s: string) => gw.feed(asciiBytes(s + "\r\n"));
  return { clock, config, gw, net, out, terminal };
}

describe("network side: commands from the network", () => {
  it("joins cmdGroups plus CAM1/CAM2 on their ports; unknown names logged", () => {
    const { gw } = setup({ cmdGroups: "RCOM,MISC,NOPE" });
    assert.deepEqual(
      FakeUDP.instances.slice(0, 4).map((u) => `${u.groups[0]}:${u.o.port}`),
      ["239.192.0.6:60006", "239.192.0.1:60001", "239.192.0.19:60019", "239.192.0.20:60020"],
    );
    assert.ok(gw.events.recent().some((e) => /unknown group NOPE/.test(e.text)));
  });

  it("accepted: d: = own SFI, allowlisted source -> re-encoded bytes written to the UART", () => {
    const { net } = setup();
    net.receive(dgram("d:BD0001,s:EI0001,n:1", "$CCICA,0,00*7B"), 0x7fff, RCOM);
    net.receive(dgram("s:IN0002,d:BD0001,n:1", "$CCRMO,BSI,2,10.0*09"), 0x7fff, RCOM);
    // Literals with hand-checked checksums: the re-encoded RMO writes the interval as "10".
    assert.deepEqual(serialWrites, ["$CCICA,0,00*7B\r\n", "$CCRMO,BSI,2,10*17\r\n"]);
    assert.equal(net.counters.commandsAccepted, 2);
  });

  const rejects: Array<[string, Partial<GatewayConfig>, string, string]> = [
    ["disabled", { cmdFwd: false }, "d:BD0001,s:EI0001", "$CCICA,0,00*7B"],
    ["not-addressed", {}, "s:EI0001", "$CCICA,0,00*7B"],
    ["source-not-allowed", {}, "d:BD0001,s:XX0009", "$CCICA,0,00*7B"],
    ["unsupported", {}, "d:BD0001,s:EI0001", withChecksum("$CCXYZ,1")],
    ["invalid", {}, "d:BD0001,s:EI0001", withChecksum("$CCICA,7,00")],
  ];
  for (const [reason, cfg, tagp, sentence] of rejects) {
    it(`rejected (${reason}): counted, logged, nothing written to the UART`, () => {
      const { net, gw } = setup(cfg);
      net.receive(dgram(tagp, sentence), 0x7fff, RCOM);
      assert.deepEqual(serialWrites, []);
      assert.equal(net.counters.rejects[reason as keyof typeof net.counters.rejects], 1);
      assert.equal(net.counters.commandsRejected, 1);
      assert.ok(
        gw.events.recent().some((e) => e.code === "cmd.reject" && e.text.includes(reason)),
        JSON.stringify(gw.events.recent()),
      );
    });
  }

  it("d: for another SFI never reaches the gate (receiver filter); own-source loopback ignored", () => {
    const { net } = setup();
    net.receive(dgram("d:BD0002,s:EI0001", "$CCICA,0,00*7B"), 0x7fff, RCOM);
    net.receive(dgram("d:BD0001,s:BD0001", "$CCICA,0,00*7B"), 0x7fff, RCOM);
    assert.deepEqual(serialWrites, []);
    assert.equal(net.receiver.counters.otherDestination, 1);
    assert.equal(net.receiver.counters.ownSource, 1);
    assert.equal(net.counters.commandsRejected, 0);
  });

  it("rate limit per source per second", () => {
    const { net, clock } = setup();
    for (let i = 1; i <= 7; i++) net.receive(dgram(`d:BD0001,s:EI0001,n:${i}`, "$CCICA,0,00*7B"), 0x7fff, RCOM);
    assert.equal(serialWrites.length, 5);
    assert.equal(net.counters.rejects.rate, 2);
    clock.advance(1000);
    net.receive(dgram("d:BD0001,s:EI0001,n:8", "$CCICA,0,00*7B"), 0x7fff, RCOM);
    assert.equal(serialWrites.length, 6);
  });

  it("answers from the terminal go out with d: = requesting SFI; unsolicited ones without d:", () => {
    const { net, out, terminal, clock } = setup();
    terminal("$BDICI,0242286,00242286,0000011,6,60,3,N,0*38"); // before any request
    net.receive(dgram("d:BD0001,s:EI0001,n:1", "$CCICA,0,00*7B"), 0x7fff, RCOM);
    terminal("$BDICI,0242286,00242286,0000011,6,60,3,N,0*38");
    net.receive(dgram("d:BD0001,s:IN0002,n:1", "$CCTXA,0242286,1,1,3132*76"), 0x7fff, RCOM);
    terminal("$BDFKI,TXA,Y,Y,0,0040*17");
    terminal("$BDFKI,082920,TXA,Y,0,0*" + hex2(xorText("BDFKI,082920,TXA,Y,0,0")));
    terminal("$GNZDA,120000.00,01,01,2024,00,00*" + hex2(xorText("GNZDA,120000.00,01,01,2024,00,00")));
    clock.advance(61000);
    terminal("$BDFKI,TXA,Y,Y,0,0040*17"); // after the answer window
    const all = out.flatMap((o) => o.sentences);
    assert.deepEqual(
      all.map((s) => `${s.text.slice(0, 6)} ${s.d}`),
      ["$BDICI null", "$BDICI EI0001", "$BDFKI IN0002", "$BDFKI IN0002", "$GNZDA null", "$BDFKI null"],
    );
    assert.ok(all.every((s) => s.s === "BD0001"));
    assert.equal(net.counters.answersAddressed, 3);
  });

  it("answeredCommands (beidou registry): which terminal sentences answer which commands", () => {
    const of = (body: string) => answeredCommands(asciiBytes(withChecksum(body)), body.length + 4);
    // Expectations written here from the terminal protocol, not read from the table.
    assert.deepEqual(of("BDICI,0242286,00242286,0000011,6,60,3,N,0"), ["ICA"]);
    assert.deepEqual(of("BDDWR,1,0242286,120000.00,,,,,,,,,"), ["DWA", "WBA"]);
    assert.deepEqual(of("BDTXR,1,0179773,1,,A1"), ["TXA"]);
    for (const [answer, command] of [
      ["TCI", "TCQ"],
      ["ICP", "ICR"],
      ["EPI", "EPQ"],
      ["QRI", "QRQ"],
    ])
      assert.deepEqual(of(`BD${answer},1`), [command]);
    assert.deepEqual(of("BDFKI,TXA,Y,Y,0,0040"), ["TXA"]); // 2.1: the command in field 1
    assert.deepEqual(of("BDFKI,082920,TCQ,Y,0,0"), ["TCQ"]); // BDS-3: in field 2
    assert.equal(of("BDFKI,,,,"), undefined);
    for (const other of ["GPGGA,1", "BDBSI,1", "GNZDA,120000.00,01,01,2024,00,00", "BDICA,0,00"])
      assert.equal(of(other), undefined, other);
  });

  it("reencodeCommand: every supported command round-trips; bad values throw", () => {
    // Whole sentences as literals (checksums hand-checked): the output must be the same bytes.
    for (const s of [
      "$CCICA,0,00*7B",
      "$CCRMO,BSI,2,10*17",
      "$CCRMO,,3,0*7F",
      "$CCBSS,01,02*41",
      "$CCBSS,,*42",
      "$CCDWA,0000000,V,1,L,,0,,,0*65",
      "$CCWAA,1,0,0242286,120000.00,2240.4051,N,11402.5601,E,47,M*36",
      "$CCTXA,0242286,1,1,3132*76",
      "$CCTXA,0242286,0,2,A468656C6C6F*7F",
    ])
      assert.equal(latin1(reencodeCommand(s)), s, s);
    // Chinese mode: ^hh escapes become the raw GB2312 bytes for the terminal.
    assert.equal(latin1(reencodeCommand("$CCTXA,0242286,1,0,^B1^b1AB*57")), "$CCTXA,0242286,1,0,\xb1\xb1AB*77");
    assert.throws(
      () => reencodeCommand(withChecksum("$CCTXA,0242286,1,0,^2C")),
      /framing/,
      "an escaped comma is refused by the encoder",
    );
    assert.throws(() => reencodeCommand(withChecksum("$CCTXA,0242286,1,0,^G1")), /two hex digits/);
    for (const s of [
      "$CCICA,0",
      "$CCRMO,BSI,9,10",
      "$CCBSS,11,",
      "$CCTXA,0242286,1,2,B4AA",
      "$CCTXA,12345678,1,1,31",
      "$CCDWA,0000000,X,1,L,,0,,,0",
      "$CCICA,0x1,00",
    ]) {
      assert.throws(() => reencodeCommand(withChecksum(s)), /./, s);
    }
  });
});

describe("network side: alerts", () => {
  const alf = (out: Out[]) =>
    out
      .filter((o) => o.group === BAM1)
      .flatMap((o) => o.sentences)
      .filter((s) => s.text.includes("ALF,"));

  it("terminal silent raised after alSilentS, cleared when data comes back; HBT status follows", () => {
    const { net, out, terminal, clock } = setup({ alSilentS: 3, hbtInterval: 3 });
    net.tick();
    clock.advance(3500);
    net.tick();
    assert.equal(net.alerts.state("terminalSilent"), "V");
    terminal("$BDFKI,TXA,Y,Y,0,0040*17");
    net.tick();
    assert.equal(net.alerts.state("terminalSilent"), "N");
    const states = alf(out)
      .filter((s) => s.text.includes(",10001,"))
      .map((s) => s.text.split(",")[7]);
    assert.deepEqual(states, ["V", "N"]);
    const hbt = out
      .filter((o) => o.group === BAM1)
      .flatMap((o) => o.sentences)
      .filter((s) => s.text.includes("HBT"));
    assert.deepEqual(
      hbt.map((s) => s.text.slice(0, s.text.indexOf("*"))),
      ["$BDHBT,3,V,0"],
      "status V while the terminal is silent",
    );
    clock.advance(3000);
    net.tick();
    assert.match(out[out.length - 1].sentences[0].text, /^\$BDHBT,3,A,1\*/);
  });

  it("no fix, card absent, all beams lost from the device state", () => {
    const device = {
      lastValidFixAt: NaN,
      cardKnown: false,
      cardPresent: false,
      beamsLost: false,
    };
    const { net, clock } = setup({ alNoFixS: 5, alSilentS: 0 }, device);
    net.tick();
    assert.equal(net.alerts.isActive("noFix"), false);
    clock.advance(6000);
    net.tick();
    assert.equal(net.alerts.isActive("noFix"), true);
    device.lastValidFixAt = clock.now();
    device.cardKnown = true;
    device.beamsLost = true;
    net.tick();
    assert.equal(net.alerts.isActive("noFix"), false);
    assert.equal(net.alerts.isActive("cardAbsent"), true);
    assert.equal(net.alerts.isActive("beamsLost"), true);
    device.beamsLost = false;
    device.cardPresent = true;
    net.tick();
    assert.equal(net.alerts.isActive("beamsLost"), false);
    assert.equal(net.alerts.isActive("cardAbsent"), false);
  });

  it("checksum error rate over a minute and UART queue overflow", () => {
    const { net, gw, terminal, clock } = setup({ alCsumPct: 5, alSilentS: 0, uartQueue: 2 });
    net.tick();
    for (let i = 0; i < 18; i++) terminal("$BDFKI,TXA,Y,Y,0,0040*17");
    terminal("$BDFKI,TXA,Y,Y,0,0040*18"); // bad checksum: 1 of 19 > 5 %
    terminal("$BDFKI,TXA,Y,Y,0,0040*19");
    clock.advance(1000);
    net.tick();
    assert.equal(net.alerts.isActive("checksumRate"), true);
    for (let i = 0; i < 61; i++) {
      terminal("$BDFKI,TXA,Y,Y,0,0040*17");
      clock.advance(1000);
      net.tick();
    }
    assert.equal(net.alerts.isActive("checksumRate"), false, "errors older than a minute no longer count");
    // Queue overflow: the fake UART takes everything, so stop its pump by giving no writable room.
    (gw as unknown as { writable: number }).writable = 0;
    for (let i = 0; i < 4; i++) gw.sendToTerminal("$CCICA,0,00*7B");
    assert.equal(gw.counters.uartDropped, 2);
    net.tick();
    assert.equal(net.alerts.isActive("uartOverflow"), true);
    clock.advance(61000);
    net.tick();
    assert.equal(net.alerts.isActive("uartOverflow"), false);
  });

  it("ACN from CAM1 addressed to the gateway acknowledges; to another SFI it is ignored; refused -> ARC with d:", () => {
    const { net, out, clock } = setup({ alSilentS: 2 });
    clock.advance(2500);
    net.tick();
    const acn = (cmd: string, id = "10001") => withChecksum(`$CMACN,140002.50,XBD,${id},1,${cmd},C`);
    net.receive(dgram("d:BD0002,s:CM0001,n:1", acn("A")), 0x7fff, CAM1);
    assert.equal(net.alerts.state("terminalSilent"), "V");
    net.receive(dgram("d:BD0001,s:CM0001,n:2", acn("A")), 0x7fff, CAM1);
    assert.equal(net.alerts.state("terminalSilent"), "A");
    net.receive(dgram("d:BD0001,s:CM0001,n:3", acn("A", "10004")), 0x7fff, CAM1);
    const arc = out
      .filter((o) => o.group === BAM1)
      .flatMap((o) => o.sentences)
      .find((s) => s.text.includes("ARC,"));
    assert.ok(arc, "ARC sent");
    assert.equal(arc!.d, "CM0001");
    assert.equal(net.alerts.counters.acnAccepted, 1);
    assert.equal(net.alerts.counters.acnRefused, 1);
  });
});

describe("network side: duplicate SFI", () => {
  it("own datagrams looping back are not a collision; a foreign one with our SFI is (alert 10007, logged), cleared after a minute", () => {
    const { net, gw, out, terminal, clock } = setup({ alSilentS: 0 });
    terminal("$BDFKI,TXA,Y,Y,0,0040*17");
    terminal("$BDFKI,TXA,Y,Y,0,0040*17");
    const mine = out.slice();
    assert.equal(mine.length, 2);
    for (const o of mine) net.receive(o.raw, o.raw.length, RCOM, "127.0.0.1");
    net.tick();
    assert.equal(net.receiver.counters.ownSource, 2);
    assert.equal(net.counters.sfiCollisions, 0);
    assert.equal(net.alerts.isActive("sfiCollision"), false);
    net.receive(dgram("s:BD0001,n:500", "$CCICA,0,00*7B"), 0x7fff, RCOM, "172.16.9.9");
    net.receive(dgram("s:BD0001", "$CCICA,0,00*7B"), 0x7fff, RCOM, "172.16.9.9");
    assert.equal(net.counters.sfiCollisions, 2);
    assert.equal(net.alerts.state("sfiCollision"), "V");
    const ev = gw.events.recent().filter((e) => e.code === "net.sfi");
    assert.equal(ev.length, 1, "logged once a minute, not per datagram");
    assert.match(ev[0].text, /SFI BD0001 .* from 172\.16\.9\.9 \(n:500\)/);
    clock.advance(11000);
    for (const o of mine) net.receive(o.raw, o.raw.length, RCOM, "127.0.0.1");
    assert.equal(net.counters.sfiCollisions, 4, "our own lines replayed after 10 s count as foreign");
    clock.advance(61000);
    net.tick();
    assert.equal(net.alerts.isActive("sfiCollision"), false);
  });
});

describe("network side: legacy output and syslog", () => {
  it("stripTagBlocks: plain lines, TAG-only lines dropped", () => {
    const d = asciiBytes(
      "UdPbC\0" +
        tag("s:BD0001,n:1") +
        "$GPZDA,1*00\r\n" +
        tag("g:1-2-3") +
        "\r\n" +
        tag("s:A") +
        tag("s:BD0001") +
        "$GPXXX,2*00\r\n",
    );
    const out = new Uint8Array(d.length);
    assert.equal(latin1(out, 0, stripTagBlocks(d, d.length, out)), "$GPZDA,1*00\r\n$GPXXX,2*00\r\n");
    assert.equal(stripTagBlocks(asciiBytes("RaUdP\0xx"), 8, out), 0);
  });

  it("legacy UDP gets every sentence without TAG blocks; syslog gets RFC 5424 events", () => {
    const { gw, net, terminal } = setup({ legacyUdp: "127.0.0.1:10110", syslog: "127.0.0.1:5514" });
    terminal("$BDFKI,TXA,Y,Y,0,0040*17");
    const legacy = udpWrites.filter((w) => w.port === 10110);
    assert.deepEqual(
      legacy.map((w) => w.text),
      ["$BDFKI,TXA,Y,Y,0,0040*17\r\n"],
    );
    net.receive(dgram("s:EI0001", "$CCICA,0,00*7B"), 0x7fff, RCOM);
    const sys = udpWrites.filter((w) => w.port === 5514);
    assert.equal(sys.length, 1);
    assert.match(
      sys[0].text,
      /^<133>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z BD0001 bd450 - cmd\.reject - command from EI0001 rejected \(not-addressed\)/,
    );
    assert.equal(net.counters.legacyDatagrams, 1);
    assert.equal(gw.events.recent().length, 1);
  });

  it("bad legacyUdp / syslog values are logged, not fatal", () => {
    const { gw } = setup({ legacyUdp: "nowhere", syslog: "1.2.3.4" });
    const codes = gw.events.recent().map((e) => e.text);
    assert.ok(codes.some((t) => /legacyUdp "nowhere"/.test(t)));
    assert.ok(codes.some((t) => /syslog "1.2.3.4"/.test(t)));
  });
});
