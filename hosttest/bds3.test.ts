// BDS-3 RSMC terminals (issue 22): hand-written sentences after the team's BDS-3 terminal notes (docs/protocol.md),
// their checksums computed here by a separate XOR, expected values written by hand; the device
// state, the family, command encoding and translation, the held-out stream
// (hosttest/fixtures/bds3-terminal.log), the BDS-3 simulator, and the console's `msg` to it.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CommandError } from "../src/beidou/command";
import { SentenceDecoder, sentenceJson } from "../src/beidou/decoder";
import { reencodeCommand } from "../src/beidou/reencode";
import { encodeEPQ } from "../src/beidou/sentences/epq";
import { encodeICR } from "../src/beidou/sentences/icr";
import { encodeQRQ } from "../src/beidou/sentences/qrq";
import { encodeTCQ } from "../src/beidou/sentences/tcq";
import { defaultRoutes, RDSS40_COMMAND_KEYS } from "../src/beidou/table";
import { BeidouWiring, startupCommandsFor } from "../src/beidou/wiring";
import { DecodeSession } from "../src/cli/decode";
import { Console } from "../src/console/console";
import { GatewayConsoleHost } from "../src/console/gateway-host";
import { loadSettings } from "../src/console/persist";
import { SentenceFramer } from "../src/core/framer";
import { Gateway } from "../src/core/gateway";
import type { SerialOptions, Timers } from "../src/core/io";
import { decodeGb2312 } from "../src/platform/node/gb2312";
import { longBds3Text } from "../src/sim/mix";
import { SimTerminal } from "../src/sim/terminal";
import { MemoryStore } from "./lib/memory-store";
import { TestClock } from "./lib/test-clock";

type Json = any;

/** The oracle's checksum: XOR of the body, two upper-case hex digits (not src/nmea). */
function xor(body: string | number[]): string {
  let x = 0;
  for (const c of typeof body === "string" ? Array.from(body, (ch) => ch.charCodeAt(0)) : body) x ^= c;
  return x.toString(16).toUpperCase().padStart(2, "0");
}
const line = (body: string) => `$${body}*${xor(body)}`;

/** Frame and decode one or more lines (maxLength 1024: BDS-3 messages run long). */
function decodeAll(text: string | Uint8Array): Array<Record<string, Json>> {
  const out: Array<Record<string, Json>> = [];
  const dec = new SentenceDecoder();
  const framer = new SentenceFramer({
    maxLength: 1024,
    onSentence: (b, n) => out.push(sentenceJson(dec.decode(b, n), { decodeText: decodeGb2312 })),
    onReject: (reason) => out.push({ reject: reason }),
  });
  framer.feed(typeof text === "string" ? new Uint8Array(Buffer.from(text + "\r\n", "latin1")) : text);
  framer.flush();
  return out;
}
function one(body: string): Record<string, Json> {
  const r = decodeAll(line(body));
  assert.equal(r.length, 1, JSON.stringify(r));
  assert.equal(r[0].reject, undefined);
  return r[0];
}

describe("BDS-3: sentences decode to the notes' fields (hand-written examples)", () => {
  it("the notes' examples carry the checksums this XOR computes", () => {
    assert.equal(xor("BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0"), "42");
    assert.equal(xor("CCICR,0,00"), "68");
    assert.equal(xor("BDFKI,000000,TCQ,Y,5,0"), "74");
  });

  it("PWI: BDS-3 beams with three signal values, BDS-2 beams with two, kept apart", () => {
    const p = one("BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0");
    assert.deepEqual([p.kind, p.time, p.bds2Beams, p.deviation], ["PWI", "02:36:28", [], undefined]);
    assert.deepEqual(p.bds3Beams, [
      { beam: 2, signal: [51, 44, 0] },
      { beam: 4, signal: [50, 43, 0] },
      { beam: 11, signal: [43, 36, 0] },
      { beam: 16, signal: [51, 44, 0] },
    ]);
    const m = one("BDPWI,012155.60,03,06,46,46,08,44,44,10,40,41,01,05,48,47,0");
    assert.deepEqual(m.bds2Beams, [
      { beam: 6, signal: [46, 46] },
      { beam: 8, signal: [44, 44] },
      { beam: 10, signal: [40, 41] },
    ]);
    assert.deepEqual([m.time, m.bds3Beams], ["01:21:55.6", [{ beam: 5, signal: [48, 47, 0] }]]);
    assert.equal(one("BDPWI,000000.00,00,00").time, null, "000000.00: no time yet");
  });

  it("PWI whose counts run past its fields: decoded as far as the fields go, marked, not rejected", () => {
    const p = one("BDPWI,012155.60,03,06,46");
    assert.deepEqual([p.error, p.bds2Beams, p.bds3Beams], [undefined, [], []]);
    assert.match(p.deviation, /runs past the fields/);
    const q = one("BDPWI,023628.00,00,03,2,51,44,0,4,50");
    assert.deepEqual([q.bds3Beams.length, q.error], [1, undefined]);
    assert.match(q.deviation, /runs past/);
  });

  it("ICP: the card from field 1, the rest kept raw; fewer fields marked; 0 = no card", () => {
    const full = one(`BDICP,4204990${",0".repeat(22)}`);
    assert.deepEqual(
      [full.card, full.cardPresent, full.fields.length, full.deviation],
      ["4204990", true, 22, undefined],
    );
    const short = one("BDICP,4204990,1,2");
    assert.deepEqual([short.card, short.fields, short.error], ["4204990", ["1", "2"], undefined]);
    assert.match(short.deviation, /fewer fields/);
    assert.equal(one(`BDICP,0${",0".repeat(22)}`).cardPresent, false);
  });

  it("TCI: code, Chinese (hex or raw GB2312), mixed; the same content model as TXR", () => {
    const h = one("BDTCI,4204986,4204990,2,142204,2,0,48656C6C6F");
    assert.deepEqual(
      [h.from, h.to, h.frequencyPoint, h.time, h.codeType, h.mode, h.text, h.data],
      ["4204986", "4204990", 2, "14:22:04", 2, 1, "Hello", "48656C6C6F"],
    );
    assert.deepEqual(
      [
        one("BDTCI,4204986,4204990,2,142204,1,0,B1B1B6B7").text,
        one("BDTCI,4204986,4204990,2,142204,1,0,B1B1B6B7").mode,
      ],
      ["北斗", 0],
    );
    const raw = [..."BDTCI,4204986,4204990,2,142204,1,0,"].map((c) => c.charCodeAt(0)).concat([0xb1, 0xb1, 0xb6, 0xb7]);
    const r = decodeAll(new Uint8Array([0x24, ...raw, 0x2a, ...Buffer.from(xor(raw) + "\r\n")]));
    assert.deepEqual([r[0].text, r[0].data], ["北斗", "B1B1B6B7"], "raw GB2312 bytes as sent");
    assert.deepEqual(
      [
        one("BDTCI,4204986,4204990,2,142204,3,0,A4414243").text,
        one("BDTCI,4204986,4204990,2,142204,3,0,A4414243").mode,
      ],
      ["ABC", 2],
    );
    assert.equal(one("BDTCI,4204986,4204990,2,142204,3,0,414243").text, "ABC", "mixed without A4: the bytes as hex");
    const c = one("BDTCI,4204986,4204990,2,142204,4,0,0A1B");
    assert.deepEqual([c.data, c.text], ["0A1B", null], "compressed: bytes kept, no text");
  });

  it("TCI whose addresses are not 7-digit: decoded, marked; missing fields or a bad code type: an error, still forwarded", () => {
    const t = one("BDTCI,42049,4204990,2,142204,2,0,31");
    assert.deepEqual([t.from, t.text, t.error], ["0042049", "1", undefined]);
    assert.match(t.deviation, /not 7-digit/);
    assert.match(one("BDTCI,4204986,4204990,2,142204,2,0").error, /needs 7 fields/);
    assert.match(one("BDTCI,4204986,4204990,2,142204,9,0,31").error, /code type not 1-5/);
  });

  it("EPI: the notes' 17-field list, and the template's shorter layout (time in field 4), longitude first", () => {
    const e = one("BDEPI,4204986,2,1,0,023628.00,11402.5601,E,2240.4051,N,47.0,M,-3.0,M,1,0,2,1");
    // 22°40.4051' = 22.673418333°, 114°02.5601' = 114.042668333°
    assert.deepEqual(
      [e.card, e.time, e.lat, e.lon, e.height_m, e.heightAnomaly_m, e.sosType, e.sosIndication, e.deviation],
      ["4204986", "02:36:28", 22.67341833, 114.04266833, 47, -3, 2, "1", undefined],
    );
    const t = one("BDEPI,4204986,2,1,023628.00,11402.5601,E,2240.4051,N,47.0,M,1,-3.0,A");
    assert.deepEqual([t.time, t.lat, t.lon, t.error], ["02:36:28", 22.67341833, 114.04266833, undefined]);
    assert.match(t.deviation, /other layout/);
    const l = one("BDEPI,4204986,2,1,0,023628.00,2240.4051,N,11402.5601,E,47.0,M,-3.0,M,1,0,2,1");
    assert.deepEqual([l.lat, l.lon], [22.67341833, 114.04266833]);
    assert.match(l.deviation, /latitude before longitude/);
  });

  it("QRI: up to 7 times; a count past the fields marked", () => {
    const q = one("BDQRI,4204986,1,2,010203.00,020304.00");
    assert.deepEqual([q.card, q.type, q.times], ["4204986", 1, ["01:02:03", "02:03:04"]]);
    assert.match(one("BDQRI,4204986,1,3,010203.00").deviation, /fewer times/);
  });

  it("host commands TCQ, ICR, EPQ, QRQ decode and reject bad values", () => {
    const t = one("CCTCQ,4314513,2,1,2,48656C6C6F,0");
    assert.deepEqual([t.to, t.frequencyPoint, t.inboundAck, t.codeType, t.text], ["4314513", 2, false, 2, "Hello"]);
    assert.match(one("CCTCQ,4314513,9,1,2,48,0").error, /frequency point not 1-5/);
    assert.match(one("CCTCQ,4314513,2,3,2,48,0").error, /inbound acknowledgement/);
    assert.match(one("CCTCQ,4314513,2,1,2,,0").error, /empty/);
    assert.equal(one("CCICR,0,00").type, 0);
    assert.match(one("CCICR,7,00").error, /not 0-3/);
    assert.deepEqual([one("CCEPQ,4204986,1,2,,,,,").card, one("CCEPQ,4204986,1,2,,,,,").frequency], ["4204986", 2]);
    assert.match(one("CCEPQ,4204986,x,2,,,,,").error, /not a number/);
    assert.deepEqual([one("CCQRQ,4204986,1").card, one("CCQRQ,4204986,1").type], ["4204986", 1]);
  });
});

describe("BDS-3: encoders and network commands in the terminal's family", () => {
  const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
  it("TCQ, ICR, EPQ, QRQ encode to the notes' layouts", () => {
    assert.equal(
      text(encodeTCQ({ to: 4314513, codeType: 3, text: "Hello" })),
      line("CCTCQ,4314513,2,1,3,48656C6C6F,0"),
    );
    assert.equal(
      text(encodeTCQ({ to: "42", codeType: 2, hex: "3a64", ack: true })),
      line("CCTCQ,0000042,2,2,2,3A64,0"),
    );
    assert.equal(text(encodeICR()), "$CCICR,0,00*68");
    assert.equal(text(encodeEPQ({ card: "4204986", urgency: 1 })), line("CCEPQ,4204986,,,,1,,,"));
    assert.equal(text(encodeQRQ("4204986", 1)), line("CCQRQ,4204986,1"));
    assert.throws(() => encodeTCQ({ to: 1, codeType: 2, hex: "xyz" }), /hex digits/);
    assert.throws(() => encodeTCQ({ to: 1, codeType: 3, data: new Uint8Array(1751) }), /at most 14000/);
    assert.deepEqual(startupCommandsFor("bds3").map(text), ["$CCICR,0,00*68"]);
    assert.deepEqual(startupCommandsFor("unknown").map(text), ["$CCICA,0,00*7B", "$CCRMO,BSI,2,10*17"]);
  });

  it("a command of the other family is translated where the meaning is the same", () => {
    const re = (s: string, fam: string) => text(reencodeCommand(line(s), fam));
    assert.equal(re("CCTXA,4314513,1,2,A448656C6C6F", "bds3"), line("CCTCQ,4314513,2,1,3,48656C6C6F,0"));
    assert.equal(re("CCTXA,4314513,1,1,3132", "bds3"), line("CCTCQ,4314513,2,1,2,3132,0"));
    assert.equal(re("CCTXA,4314513,1,0,^B1^B1", "bds3"), line("CCTCQ,4314513,2,1,1,B1B1,0"));
    assert.equal(re("CCICA,0,00", "bds3"), "$CCICR,0,00*68");
    assert.equal(re("CCICA,1,00", "bds3"), line("CCICR,2,00"));
    assert.equal(re("CCTCQ,4314513,2,1,3,48656C6C6F,0", "bds2"), line("CCTXA,4314513,1,2,A448656C6C6F"));
    assert.equal(re("CCICR,0,00", "bds2"), "$CCICA,0,00*7B");
    // Not known yet: each command as it came.
    assert.equal(re("CCTXA,4314513,1,1,3132", "unknown"), line("CCTXA,4314513,1,1,3132"));
    assert.equal(re("CCTCQ,4314513,2,1,2,3132,0", "unknown"), line("CCTCQ,4314513,2,1,2,3132,0"));
    // A BDS-3 command to a BDS-3 terminal goes on field for field.
    assert.equal(re("CCEPQ,4204986,1,2,,3,,5,", "bds3"), line("CCEPQ,4204986,1,2,,3,,5,"));
    assert.equal(re("CCQRQ,4204986,1", "bds3"), line("CCQRQ,4204986,1"));
  });

  it("else refused, marked as a family refusal (the gate counts it as `family`)", () => {
    const refused = (s: string, fam: string) =>
      assert.throws(
        () => reencodeCommand(line(s), fam),
        (e: unknown) => e instanceof CommandError && e.family === true,
      );
    refused("CCTXA,4314513,0,1,3132", "bds3"); // express has no TCQ counterpart
    refused("CCDWA,0000000,V,1,L,,0,,,0", "bds3");
    refused("CCBSS,01,02", "bds3");
    refused("CCEPQ,4204986,,,,,,,", "bds2");
    refused("CCQRQ,4204986,1", "bds2");
    refused("CCTCQ,4314513,2,2,2,3132,0", "bds2"); // inbound acknowledgement: no TXA counterpart
    refused("CCICR,3,00", "bds2");
  });
});

/** The gateway's Beidou wiring fed through the real framer (maxLength 1024), with its events. */
function wired() {
  let now = Date.UTC(2026, 11, 7, 3, 15, 0);
  const events: string[] = [];
  const w = new BeidouWiring({ clock: { now: () => now }, decodeText: decodeGb2312 });
  w.attach({ events: { add: (code) => events.push(code) } });
  const framer = new SentenceFramer({ maxLength: 1024, onSentence: (b, n) => w.onUnit("sentence", b, n) });
  return {
    s: w.state,
    events,
    feed: (...bodies: string[]) => {
      for (const b of bodies) framer.feed(new Uint8Array(Buffer.from(line(b) + "\r\n", "latin1")));
    },
    bytes: (b: Uint8Array) => framer.feed(b),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("BDS-3: device state, alerts and family", () => {
  it("PWI beams beside BSI's; beams lost and back from PWI", () => {
    const h = wired();
    h.feed("BDBSI,02,08,0,3,0,0,0,0,0,3,0,0", "BDPWI,023628.00,00,02,2,51,44,0,4,50,43,0");
    assert.deepEqual(Array.from(h.s.beams), [0, 3, 0, 0, 0, 0, 0, 3, 0, 0], "BSI's powers untouched by PWI");
    const snap = h.s.snapshot(0) as Record<string, Json>;
    assert.deepEqual(snap.bds3Beams.bds3, [
      { beam: 2, signal: [51, 44, 0] },
      { beam: 4, signal: [50, 43, 0] },
    ]);
    h.feed("BDPWI,023629.00,00,02,2,0,0,0,4,0,0,0");
    h.feed("BDPWI,023630.00,00,02,2,0,0,0,4,40,0,0");
    assert.deepEqual(
      h.events.filter((e) => e.startsWith("beams.")),
      ["beams.lost", "beams.ok"],
    );
  });

  it("card from ICP (absent, present); TCI messages; swapped addresses detected by the own card", () => {
    const h = wired();
    h.feed(`BDICP,0${",0".repeat(22)}`, `BDICP,4204990${",0".repeat(22)}`);
    assert.deepEqual([h.s.cardPresent, h.s.cardNumber], [true, 4204990]);
    h.feed("BDTCI,4204986,4204990,2,142204,2,0,3132");
    h.feed("BDTCI,4204990,4204975,2,142205,3,0,A44142"); // own card first: the other way round
    assert.deepEqual(
      h.s.messages.map((m) => [m.from, m.to, m.family, m.text]),
      [
        ["4204986", "4204990", "bds3", "12"],
        ["4204975", "4204990", "bds3", "AB"],
      ],
    );
    assert.equal(h.s.deviations.get("TCI sender and receiver the other way round"), 1);
    assert.deepEqual(
      h.events.filter((e) => e !== "terminal.back"),
      ["card.absent", "card.present", "message.received", "bds3.deviation", "message.received"],
    );
  });

  it("EPI is the RDSS fix, as DWR", () => {
    const h = wired();
    h.feed("BDEPI,4204986,2,1,0,023628.00,11402.5601,E,2240.4051,N,47.0,M,-3.0,M,1,0,2,1");
    assert.deepEqual(
      [
        h.s.rdssUser,
        h.s.rdssTime,
        h.s.rdssLatitude.toFixed(8),
        h.s.rdssLongitude.toFixed(8),
        h.s.rdssHeight,
        h.s.rdssSosType,
      ],
      [4204986, 2 * 3600 + 36 * 60 + 28, "22.67341833", "114.04266833", 47, 2],
    );
  });

  it("family: unknown, then BDS-2 from BSI, BDS-3 once a BDS-3 sentence comes; the setting overrides", () => {
    const h = wired();
    assert.equal(h.s.family, "unknown");
    h.feed("BDBSI,02,08,0,3,0,0,0,0,0,3,0,0");
    assert.equal(h.s.family, "bds2");
    h.feed("BDTCI,4204986,4204990,2,142204,2,0,3132");
    assert.equal(h.s.family, "bds3");
    h.feed("BDTXR,1,4204986,1,,3132"); // BDS-2 output switched on by RMO: still a BDS-3 terminal
    assert.equal(h.s.family, "bds3");
    h.s.setFamily("bds2");
    assert.deepEqual([h.s.family, h.s.detectedFamily], ["bds2", "bds3"]);
    h.s.setFamily("auto");
    assert.equal(h.s.family, "bds3");
  });
});

describe("BDS-3: the held-out stream (hosttest/fixtures/bds3-terminal.log)", () => {
  const file = path.join(__dirname, "..", "..", "hosttest", "fixtures", "bds3-terminal.log");
  it("decodes to the right beams, card, message texts and EPI positions", () => {
    const records: Array<Record<string, Json>> = [];
    const d = new DecodeSession((l) => records.push(JSON.parse(l)), { maxLength: 1024 });
    d.feed(new Uint8Array(fs.readFileSync(file)));
    d.finish();
    const sentences = records.filter((r) => r.valid);
    assert.deepEqual([sentences.length, records.length], [14, 14], "every sentence framed and valid, no reject");
    assert.equal(sentences.filter((r) => r.error).length, 0, "none rejected by its decoder");
    const s = d.state;
    assert.equal(s.family, "bds3");
    assert.deepEqual([s.cardPresent, s.cardNumber], [true, 4204990]);
    const pwi = records.filter((r) => r.kind === "PWI");
    assert.deepEqual(pwi[1].bds2Beams, [
      { beam: 3, signal: [40, 38] },
      { beam: 7, signal: [41, 39] },
    ]);
    assert.deepEqual(pwi[1].bds3Beams, [
      { beam: 2, signal: [49, 45, 0] },
      { beam: 5, signal: [47, 44, 1] },
    ]);
    assert.deepEqual(Array.from(s.pwiId3.subarray(0, s.pwiBeams3)), [2, 4], "the last PWI");
    assert.deepEqual(
      s.messages.map((m) => [m.from, m.family, m.text]),
      [
        ["4204986", "bds3", "12345"],
        ["4204975", "bds3", "Meet at 0800 UTC"],
        ["4204986", "bds2", "12345"],
        ["4204986", "bds3", "北斗你好"],
        [
          "4204986",
          "bds3",
          "Ship position noon report: 30-12.3N 121-30.1E, course 090, speed 8.5 kn, wind NE 4, sea 3, " +
            "swell low, visibility good, all crew well. Fuel remaining 312 t, fresh water 140 t. ETA pilot " +
            "station 08:00 UTC on the 9th. Cargo holds dry, no damage. Next report at 12:00 UTC tomorrow.  " +
            "Ship position noon report: 30-12.3N 121-3",
        ],
      ],
    );
    const epi = records.filter((r) => r.kind === "EPI");
    // 30°12.3456' = 30.20576°, 121°30.1234' = 121.50205667°; 30°13.5' = 30.225°, 121°31' = 121.51666667°
    assert.deepEqual(
      epi.map((e) => [e.time, e.lat, e.lon]),
      [
        ["03:15:05", 30.20576, 121.50205667],
        ["03:15:06", 30.225, 121.51666667],
      ],
    );
    assert.deepEqual([s.rdssLatitude, s.rdssLongitude.toFixed(8)], [30.225, "121.51666667"]);
    assert.deepEqual(Object.fromEntries(s.deviations), {
      "ICP fewer fields than the notes' 23": 1,
      "TCI sender and receiver the other way round": 1,
      "EPI time not in field 5 (other layout)": 1,
    });
  });
});

describe("BDS-3: the simulator plays a BDS-3 terminal", () => {
  function sim(card: string | null = "0242286") {
    let now = Date.UTC(2026, 11, 7, 8, 30, 0);
    const records: Array<Record<string, Json>> = [];
    const decode = new DecodeSession((l) => records.push(JSON.parse(l)), { maxLength: 1024 });
    const t = new SimTerminal({
      family: "bds3",
      card,
      serviceInterval: 60,
      write: (u) => decode.feed(u),
      now: () => now,
      later: (fn) => fn(),
    });
    return {
      t,
      send: (s: Uint8Array) => {
        t.receive(new Uint8Array([...s, 13, 10]));
        return records.splice(0);
      },
      tick: () => {
        t.tick(now);
        return records.splice(0);
      },
      advance: (sec: number) => {
        now += sec * 1000;
      },
    };
  }

  it("PWI every second, ICP on ICR, FKI + TCI on TCQ, EPI on EPQ; no BDS-2 sentence until RMO switches it on", () => {
    const s = sim();
    assert.deepEqual(
      s.tick().map((r) => r.kind),
      ["PWI"],
    );
    s.advance(0.5);
    assert.deepEqual(s.tick(), [], "not twice a second");
    s.advance(0.5);
    assert.deepEqual(
      s.tick().map((r) => [r.kind, r.bds3Beams.length]),
      [["PWI", 4]],
    );
    const icp = s.send(encodeICR());
    assert.deepEqual([icp.length, icp[0].kind, icp[0].card], [1, "ICP", "0242286"]);
    const long = longBds3Text(7);
    const m = s.send(encodeTCQ({ to: "0242286", codeType: 3, text: long }));
    assert.deepEqual(
      m.map((r) => [r.kind, r.command ?? r.text]),
      [
        ["FKI-BDS3", "TCQ"],
        ["TCI", long],
      ],
    );
    assert.equal(m[0].accepted, true);
    s.advance(20);
    const again = s.send(encodeTCQ({ to: "1", codeType: 2, hex: "31" }));
    assert.deepEqual([again[0].accepted, again[0].reason, again[0].wait_s], [false, 1, 40]);
    s.advance(60);
    const e = s.send(encodeEPQ());
    assert.deepEqual(
      e.map((r) => r.kind),
      ["FKI-BDS3", "EPI"],
    );
    assert.equal(e[1].lat, 24.581555, "24°34.8933' as the simulator writes it");
    const ica = s.send(Buffer.from(line("CCICA,0,00")));
    assert.deepEqual(ica, [], "ICA unanswered without BDS-2 output");
    const rmo = s.send(Buffer.from(line("CCRMO,ICI,2,1")));
    assert.deepEqual([rmo[0].kind, rmo[0].accepted], ["FKI-BDS3", true]);
    assert.deepEqual(
      s.send(Buffer.from(line("CCICA,0,00"))).map((r) => r.kind),
      ["ICI"],
    );
    assert.equal(sim(null).send(encodeTCQ({ to: "1", codeType: 2, hex: "31" }))[0].reason, 5, "no card: reason 5");
  });
});

describe("BDS-3: console `msg` to a BDS-3 simulator", () => {
  it("sends a valid TCQ and shows the simulator's FKI", () => {
    const clock = new TestClock(Date.UTC(2026, 11, 7, 8, 30, 0), 0);
    const store = new MemoryStore();
    const loaded = loadSettings(store);
    loaded.config.maxLine = 1024;
    const wiring = new BeidouWiring({ clock });
    let serial: { options: SerialOptions; rx: number[] } | undefined;
    const fromHost: string[] = [];
    const terminal = new SimTerminal({
      family: "bds3",
      card: "0242286",
      now: () => clock.now(),
      later: (fn) => fn(),
      // Bytes reach the host a turn later, as from a real UART (never inside the host's write).
      write: (u) =>
        setImmediate(() => {
          serial!.rx.push(...u);
          serial!.options.onReadable!.call(serial as never, serial!.rx.length);
        }),
    });
    class PipeSerial {
      rx: number[] = [];
      constructor(public options: SerialOptions) {
        serial = this;
        queueMicrotask(() => options.onWritable?.call(this as never, 1 << 16));
      }
      read(b: Uint8Array): number {
        const n = Math.min(b.length, this.rx.length);
        for (let i = 0; i < n; i++) b[i] = this.rx.shift()!;
        return n;
      }
      write(d: Uint8Array | ArrayBuffer): void {
        const b = d instanceof Uint8Array ? d : new Uint8Array(d);
        fromHost.push(Buffer.from(b).toString("latin1"));
        terminal.receive(b);
      }
      close(): void {}
    }
    const timers: Timers = { set: () => 0, clear: () => undefined };
    const gw = new Gateway({
      config: { ...loaded.config, startupCmds: false },
      clock,
      timers,
      serial: { io: PipeSerial as never, baud: 115200 },
      onUnit: wiring.onUnit,
      convertFrame: wiring.convertFrame,
      frameCommands: RDSS40_COMMAND_KEYS,
      routes: defaultRoutes(),
    });
    wiring.attach({ events: gw.events, rejects: gw.framerCounters });
    const host = new GatewayConsoleHost({ gateway: gw, state: wiring.state, store, loaded, clock, reboot: () => 0 });
    let out = "";
    const con = new Console({ host, write: (b) => (out += Buffer.from(b).toString("utf8")), clock, timers });
    wiring.listener = con;
    gw.start();
    /** Wait for a condition the rig's turns bring about (bounded: no fixed sleep). */
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setImmediate(r));
      assert.ok(ok(), `waited for ${what}`);
    };
    return (async () => {
      await until("the port to be writable", () => serial !== undefined);
      terminal.tick(clock.now()); // a PWI: the gateway learns the terminal is BDS-3
      await until("the PWI", () => wiring.state.family === "bds3");
      con.execute("status");
      assert.match(out, /family {4}BDS-3/);
      con.execute("msg 0242286 hello BDS-3");
      const sent = fromHost.join("");
      // The oracle: a TCQ checked field by field here, its checksum by this file's XOR.
      const m = /^\$(CCTCQ,0242286,2,1,3,68656C6C6F204244532D33,0)\*([0-9A-F]{2})\r\n$/.exec(sent);
      assert.ok(m, `sent ${JSON.stringify(sent)}`);
      assert.equal(m[2], xor(m[1]));
      await until("the FKI", () => /TCQ accepted by the terminal/.test(out));
      await until("the TCI back to its own number", () => wiring.state.messages.length === 1);
      assert.equal(wiring.state.messages[0].text, "hello BDS-3");
      gw.stop();
    })();
  });
});
