// Device state and system-log events, fed through the gateway wiring (onUnit /
// convertFrame hooks) exactly as the gateway calls them.

import * as assert from "node:assert/strict";
import { beidouAlerts } from "../src/beidou/alerts";
import { RDSS40_COMMAND_KEYS } from "../src/beidou/table";
import { BeidouWiring } from "../src/beidou/wiring";
import type { GatewayConfig } from "../src/core/config";
import { SentenceFramer } from "../src/core/framer";
import { decodeGb2312 } from "../src/platform/node/gb2312";
import { rdss40Frame } from "./lib/text";

function cs(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, "0");
}

function harness() {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const events: Array<{ code: string; text: string }> = [];
  const w = new BeidouWiring({ clock: { now: () => now }, decodeText: decodeGb2312, silentAfter: 10, noFixAfter: 30 });
  w.attach({ events: { add: (code, text) => events.push({ code, text }) } });
  const out = new Uint8Array(300);
  const converted: string[] = [];
  const framer = new SentenceFramer({
    frameCommands: RDSS40_COMMAND_KEYS,
    onSentence: (b, n) => w.onUnit("sentence", b, n),
    onFrame: (b, n) => {
      w.onUnit("frame", b, n);
      const t = w.convertFrame(b, n, out);
      if (t) converted.push(Buffer.from(out.subarray(0, t)).toString("latin1"));
    },
  });
  w.attach({ rejects: framer.counters });
  const feed = (x: string | Uint8Array) =>
    framer.feed(
      typeof x === "string"
        ? new Uint8Array(
            Buffer.from(
              x
                .split("\n")
                .map((l) => l + "\r\n")
                .join(""),
              "latin1",
            ),
          )
        : x,
    );
  return {
    w,
    s: w.state,
    events,
    feed,
    converted,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    codes: () => events.map((e) => e.code),
  };
}

describe("beidou device state", () => {
  it("keeps the last RNSS fix with satellites per system", () => {
    const h = harness();
    h.feed(
      [
        "$GNGGA,052345.77,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,*71",
        "$GNRMC,052345.77,A,4210.472433,N,02445.362882,E,0.0,,130422,3.2,E,A,V*7D",
        "$GNVTG,66.3,T,66.3,M,0.7,N,1.3,K,A*38",
        "$GNGSA,A,3,32,28,30,33,27,,,,,,,,0.99,0.54,0.83,4*03",
        "$GNGSA,A,3,29,20,18,16,51,13,44,26,,,,,0.99,0.54,0.83,1*0E",
        "$GBGSV,2,1,07,04,01,262,,07,03,328,,27,78,059,44,28,29,115,34,1*79",
        "$PQGSV,3,1,12,02,11,112,,05,28,135,,07,22,049,,09,02,118,,0*73",
      ].join("\n"),
    );
    const s = h.s;
    assert.ok(Math.abs(s.latitude - (42 + 10.472433 / 60)) < 1e-9);
    assert.deepEqual(
      [s.quality, s.hdop, s.satellitesUsedTotal, s.speedKnots, s.courseTrue, s.fixYear, s.fixMonth, s.fixDay],
      [1, 0.7, 12, 0.7, 66.3, 2022, 4, 13],
    );
    assert.equal(s.satellitesUsed[4], 5, "BDS used from GSA system ID 4");
    assert.equal(s.satellitesUsed[1], 8, "GPS used");
    assert.equal(s.satellitesInView[4], 12, "BDS in view: last GSV page 1 (PQ quirk counts as BDS)");
    const snap = h.s.snapshot(h.now()) as { rnss: { satellitesUsed: unknown } };
    assert.deepEqual(snap.rnss.satellitesUsed, { GPS: 8, BDS: 5 });
  });

  it("tracks card, beams, self-check, RDSS fix, messages (GB2312 decoded) and logs the events", () => {
    const h = harness();
    const zh = Buffer.concat([Buffer.from("BDTXR,2,0166166,0,,"), Buffer.from([0xb1, 0xb1, 0xb6, 0xb7])]);
    let x = 0;
    for (const v of zh) x ^= v;
    h.feed(
      [
        "$BDICI,0000000,00000000,0000000,0,0,0,N,0*0B",
        "$BDICI,0242286,00242286,0000011,6,60,3,N,0*38",
        "$BDBSI,02,08,0,3,0,0,0,0,0,3,0,0*54",
        "$BDBSI,02,08,0,0,0,0,0,0,0,0,0,0*" + cs("BDBSI,02,08,0,0,0,0,0,0,0,0,0,0"),
        "$BDZTI,0,1,0,0,0,*70",
        "$BDDWR,1,0242286,021549.65,2240.4051,N,11402.5601,E,47,M,-3,M,1,V,V,L*1F",
        "$BDTXR,1,0179773,2,,A468656C6C6F*43",
        "$BDDHV,012155.60,0.01,0.02*" + cs("BDDHV,012155.60,0.01,0.02"),
        "$BDDHV,012155.70,0.01,0.02*" + cs("BDDHV,012155.70,0.01,0.02"),
      ].join("\n"),
    );
    h.feed(
      new Uint8Array(
        Buffer.concat([
          Buffer.from("$"),
          zh,
          Buffer.from("*" + x.toString(16).toUpperCase().padStart(2, "0") + "\r\n"),
        ]),
      ),
    );
    const s = h.s;
    assert.deepEqual([s.cardPresent, s.cardNumber, s.serviceInterval, s.level], [true, 242286, 60, 3]);
    assert.deepEqual(Array.from(s.beams), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([s.hardwareState, s.rdssUser, s.rdssHeight], [1, 242286, 47]);
    assert.deepEqual(
      s.messages.map((m) => [m.from, m.text]),
      [
        ["0179773", "hello"],
        ["0166166", "北斗"],
      ],
    );
    assert.deepEqual(h.codes(), [
      "card.absent",
      "card.present",
      "beams.lost",
      "selfcheck",
      "message.received",
      "rdss.unknown",
      "message.received",
    ]);
    assert.equal(s.unknownFormatters.get("DHV"), 2, "unknown sentence counted, logged once");
  });

  it("tracks FKI answers and the wait before the next transmission", () => {
    const h = harness();
    h.feed("$BDICI,0242286,00242286,0000011,6,60,3,N,0*38");
    h.w.state.noteSent("TXA", h.now());
    h.feed("$BDFKI,TXA,Y,Y,0,0040*17");
    assert.equal(h.s.pendingCommand, "", "FKI answered the pending TXA");
    assert.equal(h.s.remainingWait("TXA", h.now()), 40);
    assert.equal(h.s.transmitWait(h.now()), 60, "card interval 60 s dominates the FKI's 40 s");
    h.advance(45000);
    assert.deepEqual([h.s.remainingWait("TXA", h.now()), h.s.transmitWait(h.now())], [0, 15]);
    h.feed("$BDFKI,TXA,N,N,0,0015*" + cs("BDFKI,TXA,N,N,0,0015"));
    assert.equal(h.s.feedback.get("TXA")!.accepted, false);
    assert.match(h.events[h.events.length - 1].text, /refused TXA .*wait 15 s/);
    h.s.noteSent("DWA", h.now());
    h.advance(11000);
    h.s.tick(h.now());
    assert.ok(h.codes().includes("command.noanswer"));
  });

  it("logs terminal silence, return, lost fix and checksum error bursts", () => {
    const h = harness();
    h.feed("$GNGGA,052345.77,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,*71");
    h.s.tick(h.now());
    h.advance(11000);
    h.s.tick(h.now());
    assert.ok(h.codes().includes("terminal.silent"));
    for (let i = 0; i < 20; i++)
      h.feed("$GNGGA,052345.77,,,,,0,00,,,M,,M,,*" + cs("GNGGA,052345.77,,,,,0,00,,,M,,M,,"));
    assert.ok(h.codes().includes("terminal.back"));
    for (let i = 0; i < 5; i++) h.feed("$GNZDA,071551.000,06,08,2026,00,00*00");
    h.advance(25000);
    h.s.tick(h.now());
    assert.ok(h.codes().includes("rnss.nofix"), h.codes().join());
    h.advance(40000);
    h.s.tick(h.now());
    assert.ok(h.codes().includes("checksum.burst"), h.codes().join());
    assert.equal(h.s.checksumErrors, 5);
  });

  it("beam and limit events follow the alerts' rule: a first all-zero BSI is lost, empty powers are not, limit 0 is off", () => {
    const h = harness();
    const bsi = (p: string) => "$BDBSI,02,08," + p + "*" + cs("BDBSI,02,08," + p);
    h.feed(bsi(",,,,,,,,,"));
    assert.equal(h.s.beamsLost, false, "no beam reported: not lost");
    h.feed(bsi("0,0,0,0,0,0,0,0,0,0"));
    assert.equal(h.s.beamsLost, true);
    h.feed(bsi("0,0,0,0,0,0,0,0,0,0"));
    h.feed(bsi("0,0,2,0,0,0,0,0,0,0"));
    assert.equal(h.s.beamsLost, false);
    assert.deepEqual(h.codes(), ["beams.lost", "beams.ok"], "one event per edge, none before any report");
    const alerts = beidouAlerts(h.s);
    const raised: string[] = [];
    const input = { wall: h.now(), uptime: 1, silence: 0, config: { alSilentS: 0, alNoFixS: 0 } as GatewayConfig };
    h.feed(bsi("0,0,0,0,0,0,0,0,0,0"));
    alerts.check(input, (k, on) => on && raised.push(k));
    assert.deepEqual(raised, ["beamsLost"], "the alert reads the same level; limits 0 raise nothing");
    h.s.setThresholds({ silentAfter: 0, noFixAfter: 0, checksumPercent: 5 });
    h.advance(3600000);
    h.s.tick(h.now());
    assert.deepEqual(h.codes(), ["beams.lost", "beams.ok", "beams.lost"], "silence and no-fix off at limit 0");
  });

  it("reports a terminal that never speaks, and a missing fix counted from the first unit", () => {
    const h = harness();
    h.s.tick(h.now());
    h.advance(5000);
    h.s.tick(h.now());
    assert.deepEqual(h.codes(), []);
    h.advance(6000);
    h.s.tick(h.now());
    assert.deepEqual(h.codes(), ["terminal.silent"]);
    assert.match(h.events[0].text, /since start-up/);
    for (let i = 0; i < 6; i++) {
      h.feed("$GNZDA,071551.000,06,08,2026,00,00*47");
      h.advance(i < 5 ? 5000 : 4000);
      h.s.tick(h.now());
    }
    assert.deepEqual(h.codes(), ["terminal.silent", "terminal.back"], "no-fix not yet: 29 s since the first unit");
    h.feed("$GNZDA,071552.000,06,08,2026,00,00*44");
    h.advance(2000);
    h.s.tick(h.now());
    assert.deepEqual(h.codes(), ["terminal.silent", "terminal.back", "rnss.nofix"]);
  });

  it("4.0 frames reach the state through their 2.1 conversion (once each)", () => {
    const h = harness();
    // Frames written from the layout (beidou.md §5.3) byte by byte, not by src's frame encoders.
    const user = 242286;
    // ICXX frame 0: broadcast ID 11 (u24), user type 6, service interval 30 s (u16), level 2, not encrypted, 0 subordinates (u16).
    h.feed(rdss40Frame("ICXX", user, [0, 0, 0, 11, 6, 0, 30, 2, 0, 0, 0]));
    // GLZK: six beam powers, beam 2 at power 2.
    h.feed(rdss40Frame("GLZK", user, [0, 2, 0, 0, 0, 0]));
    // TXXX: info 0x60 (message, mixed), from 179773 = 0x02BE3D, 01:02, 24 bits, A4 'h' 'i', CRC flag 0.
    h.feed(rdss40Frame("TXXX", user, [0x60, 0x02, 0xbe, 0x3d, 1, 2, 0, 24, 0xa4, 0x68, 0x69, 0]));
    // FKXX result 4 (frequency not reached), wait 20 s as a little-endian u32.
    h.feed(rdss40Frame("FKXX", user, [4, 20, 0, 0, 0]));
    assert.deepEqual([h.s.serviceInterval, h.s.level, h.s.beams[1]], [30, 2, 2]);
    assert.deepEqual(
      h.s.messages.map((m) => m.text),
      ["hi"],
    );
    assert.equal(h.s.feedback.get("TXA")!.wait, 20);
    assert.equal(h.s.units, 4);
    assert.equal(h.converted.length, 4);
    assert.ok(h.converted[0].startsWith("$BDICI,0242286,,0000011,6,30,2,N,0*"));
  });
});
