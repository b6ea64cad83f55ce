// RDSS 4.0 binary frames: the real frames of beidou.md §5.4 through the real framer,
// decoded and converted to 2.1 text; every frame encoder round-trips.

import * as assert from "node:assert/strict";
import { SentenceDecoder, sentenceJson } from "../src/beidou/decoder";
import {
  encodeDWXX,
  encodeFKXX,
  encodeFrame,
  encodeGLZK,
  encodeICJC,
  encodeICXX,
  encodeSJXX,
  encodeTXSQ,
  encodeTXXX,
  encodeZJXX,
  FrameDecoder,
  hexToBytes,
} from "../src/beidou/rdss40";
import { RDSS40_COMMAND_KEYS } from "../src/beidou/table";
import { SentenceFramer } from "../src/core/framer";
import { decodeGb2312 } from "../src/platform/node/gb2312";

interface Out {
  frame?: Record<string, any>;
  text?: string;
  textJson?: Record<string, any>;
  sentence?: string;
  reject?: string;
}

function run(bytes: Uint8Array): Out[] {
  const out: Out[] = [];
  const fd = new FrameDecoder();
  const sd = new SentenceDecoder();
  const buf = new Uint8Array(512);
  const framer = new SentenceFramer({
    frameCommands: RDSS40_COMMAND_KEYS,
    onSentence: (b, n) => out.push({ sentence: Buffer.from(b.subarray(0, n)).toString("latin1") }),
    onFrame: (b, n) => {
      fd.decode(b, n);
      const o: Out = { frame: fd.json(b, n, { decodeText: decodeGb2312 }) };
      const t = fd.toText(buf);
      if (t) {
        o.text = Buffer.from(buf.subarray(0, t)).toString("latin1");
        o.textJson = sentenceJson(sd.decode(buf, t), { decodeText: decodeGb2312 });
      }
      out.push(o);
    },
    onReject: (r) => out.push({ reject: r }),
  });
  framer.feed(bytes);
  framer.flush();
  return out;
}

const REAL = {
  ICJC0: "24 49 43 4A 43 00 0C 00 00 00 00 2B",
  ICJC1: "24 49 43 4A 43 00 0C 00 00 00 01 2A",
  XTZJ: "24 58 54 5A 4A 00 0D 00 00 00 00 03 36",
  DWSQ: "24 44 57 53 51 00 16 00 00 00 04 00 00 00 00 00 00 00 00 00 00 27",
  DWXX: "24 44 57 58 58 00 1F 1F FA 66 08 00 00 00 0B 1C 32 47 76 05 2F 07 18 22 35 06 00 14 00 0A 8D",
  TXSQ1: "24 54 58 53 51 00 16 00 00 00 42 1F FA 66 00 20 00 31 32 33 20 CD",
  TXSQ2: "24 54 58 53 51 00 1B 00 00 00 46 1F FA 67 00 48 00 31 32 33 34 35 36 37 38 39 8C",
};

describe("beidou RDSS 4.0 frames (real frames of the reference)", () => {
  it("DWXX decodes to 11:28:50.71, 118°05'47.7\", 24°34'53.6\", 20 m, anomaly 10 m, and converts to a DWR", () => {
    const [o] = run(hexToBytes(REAL.DWXX));
    const f = o.frame!;
    assert.deepEqual(
      [f.command, f.user, f.time, f.lonDMS, f.latDMS, f.height_m, f.heightAnomaly_m, f.precision],
      ["DWXX", "2095718", "11:28:50.71", "118°05'47.7\"", "24°34'53.6\"", 20, 10, 1],
    );
    assert.equal(o.text, "$BDDWR,1,2095718,112850.71,2434.8933,N,11805.7950,E,20,M,10,M,1,V,V,L*0E");
    const t = o.textJson!;
    assert.deepEqual(
      [t.kind, t.card, t.time, t.height_m, t.heightAnomaly_m],
      ["DWR", "2095718", "11:28:50.71", 20, 10],
    );
    assert.ok(
      Math.abs(t.lat - (24 + 34 / 60 + 53.6 / 3600)) < 1e-6 && Math.abs(t.lon - (118 + 5 / 60 + 47.7 / 3600)) < 1e-6,
    );
  });
  it('TXSQ frames: urgent code message "123 " to 0x1FFA66, normal "123456789" to 0x1FFA67', () => {
    const [a] = run(hexToBytes(REAL.TXSQ1));
    assert.deepEqual(
      [a.frame!.to, a.frame!.urgent, a.frame!.bits, a.frame!.text],
      [String(0x1ffa66).padStart(7, "0"), true, 32, "123 "],
    );
    const [b] = run(hexToBytes(REAL.TXSQ2));
    assert.deepEqual(
      [b.frame!.to, b.frame!.urgent, b.frame!.bits, b.frame!.text],
      [String(0x1ffa67).padStart(7, "0"), false, 72, "123456789"],
    );
  });
  it("ICJC, XTZJ and DWSQ (host -> terminal) decode", () => {
    assert.equal(run(hexToBytes(REAL.ICJC0))[0].frame!.frameNumber, 0);
    assert.equal(run(hexToBytes(REAL.ICJC1))[0].frame!.frameNumber, 1);
    assert.equal(run(hexToBytes(REAL.XTZJ))[0].frame!.interval_s, 3);
    const d = run(hexToBytes(REAL.DWSQ))[0].frame!;
    assert.deepEqual([d.urgent, d.heightMode, d.interval_s], [false, 1, 0]);
  });
  it("frames interleaved with text: every unit in order, nothing lost", () => {
    const parts = [
      Buffer.from("$BDBSI,02,08,0,3,0,0,0,0,0,3,0,0*54\r\n"),
      Buffer.from(hexToBytes(REAL.DWXX)),
      Buffer.from("$GNZDA,071551.000,06,08,2026,00,00*47\r\n"),
      Buffer.from(hexToBytes(REAL.TXSQ2)),
    ];
    const out = run(new Uint8Array(Buffer.concat(parts)));
    assert.deepEqual(
      out.map((o) => (o.sentence ? "S" : o.frame ? "F:" + o.frame.command : "R")),
      ["S", "F:DWXX", "S", "F:TXSQ"],
    );
  });
  it("encodeFrame reproduces the real frames byte for byte", () => {
    assert.deepEqual(encodeICJC(0), hexToBytes(REAL.ICJC0));
    assert.deepEqual(encodeICJC(0, 1), hexToBytes(REAL.ICJC1));
    assert.deepEqual(encodeFrame("XTZJ", 0, [0, 3]), hexToBytes(REAL.XTZJ));
    assert.deepEqual(
      encodeTXSQ(0, { to: 0x1ffa66, urgent: true, mode: 1, data: [0x31, 0x32, 0x33, 0x20] }),
      hexToBytes(REAL.TXSQ1),
    );
    assert.deepEqual(
      encodeTXSQ(0, { to: 0x1ffa67, urgent: false, mode: 1, data: Array.from("123456789", (c) => c.charCodeAt(0)) }),
      hexToBytes(REAL.TXSQ2),
    );
    assert.deepEqual(
      encodeDWXX(0x1ffa66, {
        info: 0x08,
        time: 11 * 3600 + 28 * 60 + 50.71,
        longitude: 118 + 5 / 60 + 47.7 / 3600,
        latitude: 24 + 34 / 60 + 53.6 / 3600,
        height: 20,
        heightAnomaly: 10,
      }),
      hexToBytes(REAL.DWXX),
    );
  });
});

describe("beidou RDSS 4.0 -> 2.1 conversion (terminal -> host frames)", () => {
  it("ICXX frame 0 -> ICI with the card, interval and level", () => {
    const [o] = run(
      encodeICXX(242286, {
        broadcastId: 11,
        userType: 6,
        serviceInterval: 60,
        level: 3,
        encrypted: false,
        subordinates: 0,
      }),
    );
    assert.equal(o.text, "$BDICI,0242286,,0000011,6,60,3,N,0*30");
    assert.deepEqual(
      [o.textJson!.card, o.textJson!.serviceInterval_s, o.textJson!.level, o.textJson!.cardPresent],
      ["0242286", 60, 3, true],
    );
  });
  it("ICXX of a terminal without card -> ICI no-card form", () => {
    const [o] = run(
      encodeICXX(0, { broadcastId: 0, userType: 0, serviceInterval: 0, level: 0, encrypted: false, subordinates: 0 }),
    );
    assert.equal(o.textJson!.cardPresent, false);
    assert.equal(o.textJson!.error, undefined);
  });
  it("ZJXX -> ZTI with 6 beams; GLZK -> BSI with 6 of 10 beams", () => {
    const [z] = run(encodeZJXX(5, 0, 1, 0, 0, [1, 2, 3, 4, 0, 0]));
    assert.deepEqual(
      [z.textJson!.kind, z.textJson!.hardwareState, z.textJson!.beams],
      ["ZTI", 1, [1, 2, 3, 4, 0, 0, null, null, null, null]],
    );
    const [g] = run(encodeGLZK(5, [4, 0, 0, 1, 0, 2]));
    assert.deepEqual(
      [g.textJson!.kind, g.textJson!.beams, g.textJson!.responseBeam],
      ["BSI", [4, 0, 0, 1, 0, 2, null, null, null, null], null],
    );
  });
  it("TXXX -> TXR in every mode: code (odd nibbles), mixed, Chinese raw, Chinese with a comma (sent as mixed)", () => {
    const code = run(
      encodeTXXX(1, { from: 242286, hour: 9, minute: 5, mode: 1, data: [0x31, 0x32, 0x30], nibbles: 5 }),
    )[0];
    assert.equal(code.text, "$BDTXR,1,0242286,1,0905,31323*70");
    assert.deepEqual([code.textJson!.oddNibble, code.textJson!.data], [true, "31323"]);
    const mixed = run(
      encodeTXXX(1, { from: 179773, hour: 12, minute: 0, mode: 2, data: Array.from("hello", (c) => c.charCodeAt(0)) }),
    )[0];
    assert.deepEqual(
      [mixed.textJson!.mode, mixed.textJson!.payload, mixed.textJson!.text],
      [2, "A468656C6C6F", "hello"],
    );
    const zh = run(
      encodeTXXX(1, { from: 2, hour: 1, minute: 2, mode: 0, data: [0xb1, 0xb1, 0xb6, 0xb7], express: true }),
    )[0];
    assert.deepEqual([zh.textJson!.infoType, zh.textJson!.mode, zh.textJson!.text], [2, 0, "北斗"]);
    const comma = run(encodeTXXX(1, { from: 2, hour: 1, minute: 2, mode: 0, data: [0xb1, 0xb1, 0x2c, 0x2a] }))[0];
    assert.equal(comma.text, "$BDTXR,1,0000002,2,0102,A4B1B12C2A*" + comma.text!.slice(-2));
    assert.equal(comma.textJson!.error, undefined);
    assert.equal(comma.textJson!.data, "B1B12C2A");
  });
  it("FKXX -> FKI: accepted (command named), frequency not reached (wait)", () => {
    const ok = run(encodeFKXX(1, 0, "TXSQ"))[0];
    assert.deepEqual([ok.textJson!.command, ok.textJson!.accepted, ok.textJson!.wait_s], ["TXA", true, 0]);
    const wait = run(encodeFKXX(1, 4, "", 95))[0];
    assert.deepEqual(
      [wait.textJson!.command, wait.textJson!.accepted, wait.textJson!.frequencyOk, wait.textJson!.wait_s],
      ["TXA", false, false, 95],
    );
    const dw = run(encodeFKXX(1, 0, "DWSQ"))[0];
    assert.equal(dw.textJson!.command, "DWA");
  });
  it("SJXX -> RDSS ZDA (told apart from RNSS ZDA)", () => {
    const [s] = run(encodeSJXX(5, { year: 2026, month: 11, day: 25, hour: 13, minute: 2, second: 7 }));
    assert.deepEqual(
      [s.textJson!.kind, s.textJson!.time, s.textJson!.day, s.textJson!.month, s.textJson!.year],
      ["ZDA-RDSS", "13:02:07", 25, 11, 2026],
    );
  });
  it("malformed payloads are reported, not converted; unknown commands are framed but have no text", () => {
    const bad = run(encodeFrame("DWXX", 1, new Array(20).fill(0x63)))[0];
    assert.match(bad.frame!.error, /out of range/);
    assert.equal(bad.text, undefined);
    const short = run(encodeFrame("ICXX", 1, [0, 1]))[0];
    assert.match(short.frame!.error, /too short/);
    const other = run(encodeFrame("BBXX", 1, [1, 2, 3]))[0];
    assert.deepEqual([other.frame!.kind, other.text], ["unknown", undefined]);
  });
  it("a frame whose XOR is wrong is rejected and the text after it still arrives", () => {
    const f = hexToBytes(REAL.DWXX);
    f[f.length - 1] ^= 0xff;
    const out = run(new Uint8Array(Buffer.concat([Buffer.from(f), Buffer.from("$BDFKI,TXA,Y,Y,0,0040*17\r\n")])));
    assert.equal(out[0].reject, "binaryChecksum");
    assert.equal(out[out.length - 1].sentence, "$BDFKI,TXA,Y,Y,0,0040*17");
  });

  it("the UNCONFIRMED 4.0 assumptions are configurable: hemispheres, FKXX result codes", () => {
    const fd = new FrameDecoder({ latitudeHemisphere: "S", longitudeHemisphere: "W", fkxxAccepted: 1, fkxxWait: 2 });
    const out = new Uint8Array(300);
    const d = hexToBytes(REAL.DWXX);
    fd.decode(d, d.length);
    const t = Buffer.from(out.subarray(0, fd.toText(out))).toString("latin1");
    assert.match(t, /^\$BDDWR,1,2095718,112850\.71,2434\.8933,S,11805\.7950,W,/);
    assert.ok((fd.json(d, d.length).lat as number) < 0 && (fd.json(d, d.length).lon as number) < 0);
    const ok = encodeFKXX(1, 1, "TXSQ");
    fd.decode(ok, ok.length);
    assert.equal(fd.json(ok, ok.length).accepted, true);
    const wait = encodeFrame("FKXX", 1, [2, 30, 0, 0, 0]);
    fd.decode(wait, wait.length);
    assert.deepEqual([fd.json(wait, wait.length).accepted, fd.json(wait, wait.length).wait_s], [false, 30]);
  });
});
