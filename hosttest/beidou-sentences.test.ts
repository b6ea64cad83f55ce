// Field-level tests of every sentence decoder against the reference examples in
// the team reference note "beidou.md" (not in this repo) (checksums verified there), fed through the real framer.

import * as assert from "node:assert/strict";
import { SentenceDecoder, sentenceJson } from "../src/beidou/decoder";
import { Fields } from "../src/beidou/fields";
import { SentenceFramer } from "../src/core/framer";
import { decodeGb2312 } from "../src/platform/node/gb2312";

/** Frame `text` (one or more lines) with the real framer and decode each sentence to JSON. */
function decodeAll(text: string | Uint8Array): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = [];
  const dec = new SentenceDecoder();
  const framer = new SentenceFramer({
    onSentence: (b, n) => out.push(sentenceJson(dec.decode(b, n), { decodeText: decodeGb2312 })),
    onReject: (reason, b, n) => out.push({ reject: reason, raw: Buffer.from(b.subarray(0, n)).toString("latin1") }),
  });
  framer.feed(
    typeof text === "string" ? new Uint8Array(Buffer.from(text.endsWith("\n") ? text : text + "\r\n", "latin1")) : text,
  );
  framer.flush();
  return out;
}

function one(s: string): Record<string, any> {
  const r = decodeAll(s);
  assert.equal(r.length, 1, `one unit for ${s}: ${JSON.stringify(r)}`);
  assert.equal(r[0].reject, undefined, `framer rejected ${s}`);
  assert.equal(r[0].error, undefined, `decode error for ${s}: ${r[0].error}`);
  return r[0];
}

const near = (a: number, b: number, eps = 1e-7) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

describe("beidou fields: in-place parsing", () => {
  const f = new Fields();
  const scan = (s: string) => {
    const b = new Uint8Array(Buffer.from(s, "latin1"));
    f.scan(b, b.length);
    return f;
  };
  it("parses decimals exactly like parseFloat", () => {
    scan("$XXABC,4210.472433,-8.600,+00,1.,.5,abc,,1e5*00");
    assert.equal(f.num(1), 4210.472433);
    assert.equal(f.num(2), -8.6);
    assert.equal(f.int(3), 0);
    assert.equal(f.num(4), 1);
    assert.equal(f.num(5), 0.5);
    assert.ok(Number.isNaN(f.num(6)));
    assert.ok(Number.isNaN(f.num(7)));
    assert.ok(Number.isNaN(f.num(8)), "exponents are not NMEA");
    assert.ok(Number.isNaN(f.num(9)), "absent field");
    for (let i = 0; i < 2000; i++) {
      const v = (Math.random() * 20000).toFixed(1 + (i % 8));
      scan(`$XXABC,${v}*00`);
      assert.equal(f.num(1), parseFloat(v));
    }
  });
  it("parses times and rejects impossible ones", () => {
    scan("$XXABC,235959.999,240000,1234,120060.5,0000*00");
    near(f.time(1), 86399.999, 1e-9);
    assert.ok(Number.isNaN(f.time(2)));
    assert.ok(Number.isNaN(f.time(3)));
    near(f.time(4), 12 * 3600 + 60.5);
  });
  it("parses coordinates with hemisphere, 2-8 decimals, and the UM981 negative-with-hemisphere defect", () => {
    scan("$XXABC,4210.47,N,02445.36288200,E,-0214.41467156,W,9100.0,N,4210.4,X*00");
    near(f.coord(1, false), 42 + 10.47 / 60);
    near(f.coord(3, true), 24 + 45.362882 / 60);
    near(f.coord(5, true), -(2 + 14.41467156 / 60));
    assert.ok(Number.isNaN(f.coord(7, false)), "latitude over 90");
    assert.ok(Number.isNaN(f.coord(9, false)), "bad hemisphere");
  });
  it("never reads past the last field", () => {
    scan("$XXABC*00");
    assert.equal(f.count, 0);
    assert.ok(f.empty(1));
    assert.ok(Number.isNaN(f.int(5)));
    assert.equal(f.char(3), 0);
  });
});

describe("beidou RNSS sentences (reference examples)", () => {
  it("GGA: AeroRust and the BDS-3 form with an extra trailing field", () => {
    const g = one("$GNGGA,052345.77,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,*71");
    assert.equal(g.talker, "GN");
    assert.equal(g.formatter, "GGA");
    assert.equal(g.time, "05:23:45.77");
    near(g.lat, 42 + 10.472433 / 60, 1e-8);
    near(g.lon, 24 + 45.362882 / 60, 1e-8);
    assert.equal(g.quality, 1);
    assert.equal(g.satellitesUsed, 12);
    assert.equal(g.hdop, 0.7);
    assert.equal(g.altitude_m, 171.9);
    assert.equal(g.geoidSeparation_m, 36.9);
    assert.equal(g.dgpsAge_s, null);
    const b = one("$BDGGA,012155.00,3936.95331513,N,11646.82032465,E,1,09,1.1,31.408416,M,-8.600,M,,,1.4*62");
    assert.equal(b.talker, "BD");
    assert.equal(b.satellitesUsed, 9);
    assert.equal(b.geoidSeparation_m, -8.6);
    near(b.lat, 39 + 36.95331513 / 60, 1e-8);
    near(b.lon, 116 + 46.82032465 / 60, 1e-8);
  });
  it("RMC: GN with NMEA 4.1 nav status, and BDRMC", () => {
    const m = one("$GNRMC,052345.77,A,4210.472433,N,02445.362882,E,0.0,,130422,3.2,E,A,V*7D");
    assert.equal(m.positionValid, true);
    assert.equal(m.speed_kn, 0);
    assert.equal(m.course_deg, null);
    assert.equal(m.date, "2022-04-13");
    assert.equal(m.magneticVariation_deg, 3.2);
    assert.equal(m.mode, "A");
    assert.equal(m.navStatus, "V");
    const b = one("$BDRMC,012155.00,A,3936.95331513,N,11646.82032465,E,0.1383,0.0000,260324,0.0,E,A*23");
    assert.equal(b.date, "2024-03-26");
    assert.equal(b.speed_kn, 0.1383);
    assert.equal(b.course_deg, 0);
    assert.equal(b.navStatus, null);
  });
  it("GLL: west longitude, and the UM981 negative longitude with hemisphere", () => {
    const g = one("$GNGLL,4739.71754,N,12219.58177,W,071551.000,A,A*5E");
    near(g.lat, 47 + 39.71754 / 60, 1e-8);
    near(g.lon, -(122 + 19.58177 / 60), 1e-8);
    assert.equal(g.time, "07:15:51");
    assert.equal(g.positionValid, true);
    const u = one("$GNGLL,5327.03598945,N,-0214.41467156,W,130058.00,A,A*7E");
    near(u.lat, 53 + 27.03598945 / 60, 1e-8);
    near(u.lon, -(2 + 14.41467156 / 60), 1e-8);
  });
  it("GSA: system ID 4 = BDS, the SiRF 4th DOP, 16 slots plus system ID", () => {
    const a = one("$GNGSA,A,3,32,28,30,33,27,,,,,,,,0.99,0.54,0.83,4*03");
    assert.deepEqual(a.satellites, [32, 28, 30, 33, 27]);
    assert.equal(a.systemId, 4);
    assert.equal(a.system, "BDS");
    assert.equal(a.pdop, 0.99);
    assert.equal(a.hdop, 0.54);
    assert.equal(a.vdop, 0.83);
    const s = one("$BDGSA,A,3,02,03,04,,,,,,,,,,5.1,1.3,4.9,3.3*2F");
    assert.deepEqual(s.satellites, [2, 3, 4]);
    assert.equal(s.pdop, 5.1);
    assert.equal(s.vdop, 4.9);
    assert.equal(s.tdop, 3.3);
    assert.equal(s.systemId, null);
    const b = one("$BDGSA,A,3,21,26,29,35,36,39,40,42,45,,,,,,,,1.8,1.1,1.4,4*31");
    assert.deepEqual(b.satellites, [21, 26, 29, 35, 36, 39, 40, 42, 45]);
    assert.equal(b.pdop, 1.8);
    assert.equal(b.hdop, 1.1);
    assert.equal(b.vdop, 1.4);
    assert.equal(b.systemId, 4);
  });
  it("GSV: signal ID (decimal and hex), none, empty groups, 201+ BeiDou numbering", () => {
    const u = one("$GBGSV,2,1,07,04,01,262,,07,03,328,,27,78,059,44,28,29,115,34,1*79");
    assert.equal(u.satellitesInView, 7);
    assert.equal(u.signalId, 1);
    assert.equal(u.satellites.length, 4);
    assert.deepEqual(u.satellites[2], { id: 27, elevation_deg: 78, azimuth_deg: 59, snr_dBHz: 44 });
    assert.equal(u.satellites[0].snr_dBHz, null, "empty SNR is null, not 0 (nmea-simple gives 0)");
    const s = one("$BDGSV,2,1,07,01,00,000,45,02,01,090,35,03,00,000,38,04,00,000,42*6A");
    assert.equal(s.signalId, null);
    assert.equal(s.satellites.length, 4);
    assert.equal(s.satellites[3].snr_dBHz, 42);
    const c = one("$BDGSV,1,1,03,13,19,043,17,27,38,127,33,37,36,091,24,0*49");
    assert.equal(c.signalId, 0);
    assert.equal(c.satellites.length, 3, "no phantom satellite from the signal ID");
    const e = one("$GBGSV,1,1,00,1*76");
    assert.equal(e.satellitesInView, 0);
    assert.deepEqual(e.satellites, []);
    assert.equal(e.signalId, 1);
    const h = one("$GBGSV,1,1,01,05,45,120,30,B*" + cs("GBGSV,1,1,01,05,45,120,30,B"));
    assert.equal(h.signalId, 11, "hex signal ID B = B2I");
    const n = one("$GBGSV,2,2,05,209,07,033,*" + cs("GBGSV,2,2,05,209,07,033,"));
    assert.equal(n.satellites[0].id, 209);
  });
  it("VTG: with unit letters and the old form", () => {
    const v = one("$GNVTG,66.3,T,66.3,M,0.7,N,1.3,K,A*38");
    assert.equal(v.courseTrue_deg, 66.3);
    assert.equal(v.speed_kn, 0.7);
    assert.equal(v.speed_kmh, 1.3);
    assert.equal(v.mode, "A");
    assert.equal(v.legacyForm, false);
    const o = one("$GPVTG,54.7,34.4,5.5,10.2*" + cs("GPVTG,54.7,34.4,5.5,10.2"));
    assert.equal(o.legacyForm, true);
    assert.equal(o.courseMagnetic_deg, 34.4);
    assert.equal(o.speed_kmh, 10.2);
  });
  it("ZDA: zone with sign, empty zone", () => {
    const z = one("$GNZDA,071551.000,06,08,2026,00,00*47");
    assert.deepEqual([z.time, z.day, z.month, z.year, z.zoneHours], ["07:15:51", 6, 8, 2026, 0]);
    assert.equal(one("$GPZDA,120213.000,31,07,2022,+00,00*79").zoneHours, 0);
    const e = one("$GNZDA,170600.000,06,02,2026,,*4A");
    assert.equal(e.zoneHours, null);
    assert.equal(e.kind, "ZDA");
  });
  it("GNS, GBS, GST, TXT", () => {
    const g = one("$GNGNS,074150.799,,,,,NNNN,00,,,0.0,,0000*63");
    assert.equal(g.mode, "NNNN");
    assert.equal(g.bdsMode, "N");
    assert.equal(g.lat, null);
    assert.equal(g.satellitesUsed, 0);
    assert.equal(g.geoidSeparation_m, 0);
    const b = one("$GNGBS,135806.000,4.6,4.4,4.8,,,,,,*68");
    assert.deepEqual([b.errorLat_m, b.errorLon_m, b.errorAlt_m, b.failedSatellite], [4.6, 4.4, 4.8, null]);
    const s = one("$GNGST,135806.000,6.1,4.0,4.0,61.0,4.6,4.4,4.8*4E");
    assert.deepEqual([s.rms_m, s.semiMajor_m, s.orientation_deg, s.sigmaAlt_m], [6.1, 4, 61, 4.8]);
    const t = one("$GPTXT,01,01,01,ANTENNA OK*35");
    assert.deepEqual([t.totalSentences, t.textId, t.text], [1, 1, "ANTENNA OK"]);
    assert.equal(one("$GNTXT,01,01,00,txbuf alloc*61").text, "txbuf alloc");
    const bad = decodeAll("$GPTXT,DEFAULT PVT CONFIGURATION*2A")[0];
    assert.match(bad.error, /TXT needs 4 fields/);
    assert.deepEqual(bad.fields, ["DEFAULT PVT CONFIGURATION"]);
  });
  it("time and position: a malformed one is named (the first in field order), an empty one is no error", () => {
    const err = (body: string) => decodeAll(`$${body}*${cs(body)}`)[0].error ?? null;
    // Both malformed: the earlier field is named (GLL carries its position before its time).
    assert.equal(err("GNGGA,99x,22xx,N,11400.0,E,1,08,1.0,10.0,M,0.0,M,,"), "GGA time malformed");
    assert.equal(err("GNGLL,22xx,N,11400.0,E,99x,A,A"), "GLL position malformed");
    assert.equal(err("GNGLL,2230.0,N,11400.0,E,99x,A,A"), "GLL time malformed");
    assert.equal(err("GNRMC,120000.00,A,2230.0,N,114xx,E,0.0,0.0,251126,,,A"), "RMC position malformed");
    assert.equal(err("GNGNS,120000.00,2230.0,X,11400.0,E,AA,08,1.0,10.0,0.0,,"), "GNS position malformed");
    assert.equal(err("BDDWR,1,0242286,12x,2230.0,N,11400.0,E,10,M,0,M,0,V,V,L"), "DWR time malformed");
    assert.equal(err("BDWAA,0,,0242286,120000.00,2230.0,N,11400.0,W,10,M"), null);
    assert.equal(err("BDWAA,0,,0242286,120000.00,2230.0,N,1140x.0,W,10,M"), "WAA position malformed");
    // Empty time and position (no fix yet) decode without an error.
    assert.equal(err("GNGGA,,,,,,0,00,99.99,,,,,,"), null);
    assert.equal(err("GNGLL,,,,,,V,N"), null);
    assert.equal(err("GNRMC,,V,,,,,,,,,,N"), null);
  });
  it("any talker: GP, GL, GA, PQ quirk; unknown and proprietary are kept, not decoded", () => {
    assert.equal(one("$PQGSV,3,1,12,02,11,112,,05,28,135,,07,22,049,,09,02,118,,0*73").talker, "PQ");
    const q = one("$PQGSV,2,1,08,02,20,116,,03,,,,05,34,137,,07,06,045,,0,4*52");
    assert.equal(q.systemId, 4);
    assert.equal(q.signalId, 0);
    assert.equal(q.satellites.length, 4);
    const u = decodeAll("$GNFOO,1,2*" + cs("GNFOO,1,2"))[0];
    assert.deepEqual([u.kind, u.talker, u.formatter, u.fields], ["unknown", "GN", "FOO", ["1", "2"]]);
    const p = decodeAll("$PGLOR,1,STA*" + cs("PGLOR,1,STA"))[0];
    assert.deepEqual([p.kind, p.formatter], ["proprietary", "GLOR"]);
    assert.equal(decodeAll("$GNGGAH,1*" + cs("GNGGAH,1"))[0].kind, "unknown");
  });
});

describe("beidou RDSS 2.1 sentences (reference examples)", () => {
  it("BSI: 10 beam powers", () => {
    const b = one("$BDBSI,02,08,0,3,0,0,0,0,0,3,0,0*54");
    assert.deepEqual([b.responseBeam, b.timeDifferenceBeam], [2, 8]);
    assert.deepEqual(b.beams, [0, 3, 0, 0, 0, 0, 0, 3, 0, 0]);
    assert.deepEqual(one("$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F").beams, [3, 2, 2, 0, 3, 0, 0, 3, 0, 0]);
    // Published with a wrong checksum: the framer must reject it.
    assert.equal(decodeAll("$BDBSI,00,00,1,3,2,4,0,3,1,4,2,1*5E")[0].reject, "badChecksum");
    assert.deepEqual(one("$BDBSI,00,00,1,3,2,4,0,3,1,4,2,1*5F").beams, [1, 3, 2, 4, 0, 3, 1, 4, 2, 1]);
  });
  it("ICI: card, serial, service interval, level; subordinate count 000; no card", () => {
    const c = one("$BDICI,0242286,00242286,0000011,6,60,3,N,0*38");
    assert.deepEqual(
      [c.card, c.serial, c.broadcastId, c.userFeature, c.serviceInterval_s, c.level, c.encrypted, c.cardPresent],
      ["0242286", "00242286", "0000011", 6, 60, 3, false, true],
    );
    const d = one("$BDICI,0166166,02097151,0000011,6,40,3,N,000*33");
    assert.deepEqual([d.card, d.serviceInterval_s, d.subordinates], ["0166166", 40, 0]);
    assert.equal(one("$BDICI,0241636,24000000,1933442,6,60,3,N,0*30").broadcastId, "1933442");
    const n = one("$BDICI,0000000,00000000,0000000,0,0,0,N,0*0B");
    assert.equal(n.cardPresent, false);
    assert.equal(n.card, "0000000");
  });
  it("FKI: 2.1 form (accepted, refused, mmss wait) and the BDS-3 time-first form", () => {
    const a = one("$BDFKI,TXA,Y,Y,0,0040*17");
    assert.deepEqual(
      [a.form, a.command, a.accepted, a.frequencyOk, a.reason, a.wait_s],
      ["2.1", "TXA", true, true, 0, 40],
    );
    const r = one("$BDFKI,TXA,N,Y,0,0000*04");
    assert.deepEqual([r.command, r.accepted, r.wait_s], ["TXA", false, 0]);
    const w = one("$BDFKI,TXA,N,N,0,0130*" + cs("BDFKI,TXA,N,N,0,0130"));
    assert.equal(w.wait_s, 90, "mmss 0130 = 90 s");
    const b = one("$BDFKI,082920,TCQ,Y,0,0*70");
    assert.deepEqual(
      [b.kind, b.form, b.time, b.command, b.accepted, b.reason],
      ["FKI-BDS3", "BDS-3", "08:29:20", "TCQ", true, 0],
    );
  });
  it("TXR: mixed, code, the BDS-3 filled time, odd nibble count, all information types", () => {
    const m = one("$BDTXR,1,0179773,2,,A468656C6C6F*43");
    assert.deepEqual(
      [m.infoType, m.from, m.mode, m.sendTime, m.payload, m.text],
      [1, "0179773", 2, null, "A468656C6C6F", "hello"],
    );
    const c = one("$BDTXR,1,0166166,1,,3132333433333335*46");
    assert.deepEqual([c.mode, c.payload, c.data, c.text], [1, "3132333433333335", "3132333433333335", "12343335"]);
    const x = one("$BDTXR,1,0195817,2,,A4FB113383315933313233343536*37");
    assert.equal(x.data, "FB113383315933313233343536");
    const t = one("$BDTXR,1,4207733,1,2337,90000000000065C1FAF4B2E2CAD4*3F");
    assert.deepEqual([t.from, t.sendTime, t.payload], ["4207733", "23:37", "90000000000065C1FAF4B2E2CAD4"]);
    const odd = one("$BDTXR,1,0166166,1,,31323*" + cs("BDTXR,1,0166166,1,,31323"));
    assert.deepEqual([odd.oddNibble, odd.data, odd.text], [true, "31323", null]);
    for (const type of [2, 3, 4, 5]) {
      const body = `BDTXR,${type},0166166,1,${type >= 4 ? "1205" : ""},3132`;
      const r = one(`$${body}*${cs(body)}`);
      assert.equal(r.infoType, type);
      assert.equal(r.sendTime, type >= 4 ? "12:05" : null);
    }
    assert.match(decodeAll("$BDTXR,6,0166166,1,,31*" + cs("BDTXR,6,0166166,1,,31"))[0].error, /information type/);
  });
  it("TXR Chinese mode: raw GB2312 bytes, checksum over bytes, decoded text on the host", () => {
    const body = Buffer.concat([
      Buffer.from("BDTXR,1,0242286,0,,"),
      Buffer.from([0xb1, 0xb1, 0xb6, 0xb7, 0xc4, 0xe3, 0xba, 0xc3]),
    ]);
    let x = 0;
    for (const v of body) x ^= v;
    const line = Buffer.concat([
      Buffer.from("$"),
      body,
      Buffer.from("*" + x.toString(16).toUpperCase().padStart(2, "0") + "\r\n"),
    ]);
    const r = decodeAll(new Uint8Array(line));
    assert.equal(r.length, 1);
    assert.deepEqual([r[0].mode, r[0].data, r[0].text], [0, "B1B1B6B7C4E3BAC3", "北斗你好"]);
  });
  it("DWR: RDSS position with negative height anomaly", () => {
    const d = one("$BDDWR,1,0242286,021549.65,2240.4051,N,11402.5601,E,47,M,-3,M,1,V,V,L*1F");
    assert.deepEqual(
      [
        d.positionType,
        d.card,
        d.time,
        d.height_m,
        d.heightAnomaly_m,
        d.precision,
        d.urgent,
        d.multiValue,
        d.heightType,
      ],
      [1, "0242286", "02:15:49.65", 47, -3, 1, false, false, "L"],
    );
    near(d.lat, 22 + 40.4051 / 60, 1e-8);
    near(d.lon, 114 + 2.5601 / 60, 1e-8);
    assert.equal(one("$BDDWR,1,0242407,084936.50,2302.2434,N,11323.6667,E,14,M,-6,M,1,V,V,L*1F").card, "0242407");
  });
  it("WAA: received position report", () => {
    const w = one("$BDWAA,0,,0312194,072236.37,3802.69000,N,11426.16000,E,61,M*05");
    assert.deepEqual(
      [w.received, w.interval_s, w.card, w.time, w.height_m],
      [true, null, "0312194", "07:22:36.37", 61],
    );
    near(w.lat, 38 + 2.69 / 60, 1e-8);
    near(w.lon, 114 + 26.16 / 60, 1e-8);
  });
  it("ZTI: the short real example (lenient field count)", () => {
    const z = one("$BDZTI,0,1,0,0,0,*70");
    assert.deepEqual([z.icState, z.hardwareState, z.batteryState, z.inboundState, z.beams], [0, 1, 0, 0, [0, null]]);
  });
  it("ZDA, RDSS form: told apart from the RNSS ZDA by field 1", () => {
    const z = one("$BDZDA,3,000329.00,01,01,2006,-08,00,00,00,00,N*0F");
    assert.deepEqual(
      [z.kind, z.mode, z.time, z.day, z.month, z.year, z.zoneHours, z.flag],
      ["ZDA-RDSS", 3, "00:03:29", 1, 1, 2006, -8, "N"],
    );
    assert.equal(one("$GNZDA,071551.000,06,08,2026,00,00*47").kind, "ZDA");
  });
  it("HZR: receipts", () => {
    const body = "BDHZR,0242286,2,1205,1206,1300,1302";
    const h = one(`$${body}*${cs(body)}`);
    assert.deepEqual(
      [h.card, h.count, h.receipts],
      [
        "0242286",
        2,
        [
          { sent: "12:05", receipt: "12:06" },
          { sent: "13:00", receipt: "13:02" },
        ],
      ],
    );
    assert.deepEqual(one(`$BDHZR,0242286,0*${cs("BDHZR,0242286,0")}`).receipts, []);
    assert.match(decodeAll(`$BDHZR,0242286,3,1205*${cs("BDHZR,0242286,3,1205")}`)[0].error, /fewer receipts/);
  });
  it("unknown $BD sentences keep formatter and fields", () => {
    const u = decodeAll("$BDDHV,012155.60,0.01,0.02*" + cs("BDDHV,012155.60,0.01,0.02"))[0];
    assert.deepEqual(
      [u.kind, u.talker, u.formatter, u.fields],
      ["unknown", "BD", "DHV", ["012155.60", "0.01", "0.02"]],
    );
  });
  it("host commands from the reference decode (ICA, RMO, BSS, TXA, DWA)", () => {
    assert.deepEqual([one("$CCICA,0,00*7B").type, one("$CCICA,1,00*7A").type], [0, 1]);
    const r = one("$CCRMO,BSI,2,10*17");
    assert.deepEqual([r.sentence, r.mode, r.interval_s], ["BSI", 2, 10]);
    assert.deepEqual([one("$CCRMO,,3,1*7E").sentence, one("$CCRMO,,3,1*7E").mode], [null, 3]);
    assert.deepEqual([one("$CCBSS,05,03*44").responseBeam, one("$CCBSS,,*42").responseBeam], [5, null]);
    const t = one("$CCTXA,0242286,1,2,A468656C6C6FB1B1B6B7*7F");
    assert.deepEqual([t.to, t.urgent, t.mode, t.text], ["0242286", false, 2, "hello北斗"]);
    assert.equal(one("$CCTXA,0242286,1,1,68656C6C6FB1B1B6B7*09").data, "68656C6C6FB1B1B6B7");
    assert.equal(one("$CCTXA,0179773,1,2,A468656C6C6F*7A").text, "hello");
    assert.equal(one("$CCTXA,0166166,1,1,3132333433333335*7F").to, "0166166");
    const d = one("$CCDWA,0000000,V,1,L,,0,,,0*65");
    assert.deepEqual(
      [d.card, d.urgent, d.heightMode, d.heightType, d.height_m, d.interval_s],
      ["0000000", false, 1, "L", null, 0],
    );
  });
});

/** Checksum of a sentence body (without $ and *). */
function cs(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, "0");
}
