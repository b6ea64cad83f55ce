// The whole corpus (hosttest/corpus/nmea) through `bd450 decode`'s
// session: no crash, one JSON record per framed unit, per-type counts; and agreement
// with nmea-simple (the oracle) on the types it covers, with its known faults
// (GSV phantom satellite from the signal ID, `*3)` accepted as a checksum, GGA time
// on today's date, empty fields read as 0) documented rather than copied.
// biome-ignore-all lint/suspicious/noExplicitAny: decoded records and nmea-simple's packets are compared field by field as JSON

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as nmea from "nmea-simple";
import { validNmeaChecksum } from "nmea-simple/dist/helpers";
import { DecodeSession } from "../src/cli/decode";
import { NMEA_CORPUS } from "./lib/paths";

const corpusDir = NMEA_CORPUS;
const files = fs
  .readdirSync(corpusDir)
  .filter((f) => f.endsWith(".log") || f.endsWith(".ubx"))
  .sort();

function decodeFile(file: string, chunk = 4096): { records: Array<Record<string, any>>; session: DecodeSession } {
  const records: Array<Record<string, any>> = [];
  const session = new DecodeSession((l) => records.push(JSON.parse(l)));
  const data = fs.readFileSync(path.join(corpusDir, file));
  for (let i = 0; i < data.length; i += chunk)
    session.feed(new Uint8Array(data.buffer, data.byteOffset + i, Math.min(chunk, data.length - i)));
  session.finish();
  return { records, session };
}

const iso = (d: Date | string) => (typeof d === "string" ? d : d.toISOString());
const tod = (iso: string) => iso.slice(11, 23); // "hh:mm:ss.sss" of nmea-simple's Date
function ourTod(h: string | null): string | null {
  if (!h) return null;
  const [hms, frac = ""] = h.split(".");
  return hms + "." + (frac + "000").slice(0, 3);
}
const same = (a: number | null | undefined, b: number | null | undefined, eps = 1e-9) =>
  // nmea-simple reads an empty field as 0 (or NaN); bd450 as null.
  a === null || a === undefined
    ? b === null || b === undefined || b === 0 || Number.isNaN(b)
    : typeof b === "number" && Math.abs(a - b) <= eps;

/** Compare one of our records with nmea-simple's packet; returns the names of the fields that differ. */
function compare(o: Record<string, any>, p: any): string[] {
  const d: string[] = [];
  const chk = (name: string, ok: boolean) => {
    if (!ok) d.push(name);
  };
  switch (o.kind) {
    case "GGA":
      if (o.time) chk("time", tod(iso(p.time)) === ourTod(o.time));
      chk("lat", same(o.lat, p.latitude, 1e-8));
      chk("lon", same(o.lon, p.longitude, 1e-8));
      chk("satellites", same(o.satellitesUsed, p.satellitesInView));
      chk("hdop", same(o.hdop, p.horizontalDilution));
      chk("altitude", same(o.altitude_m, p.altitudeMeters));
      chk("geoid", same(o.geoidSeparation_m, p.geoidalSeperation));
      break;
    case "RMC":
      if (o.date && o.time)
        chk("datetime", iso(p.datetime).slice(0, 10) === o.date && tod(iso(p.datetime)) === ourTod(o.time));
      chk("lat", same(o.lat, p.latitude, 1e-8));
      chk("lon", same(o.lon, p.longitude, 1e-8));
      chk("speed", same(o.speed_kn, p.speedKnots));
      chk("course", same(o.course_deg, p.trackTrue));
      chk("status", o.positionValid === (p.status === "valid"));
      break;
    case "GLL":
      chk("lat", same(o.lat, p.latitude, 1e-8));
      chk("lon", same(o.lon, p.longitude, 1e-8));
      if (o.time) chk("time", tod(iso(p.time)) === ourTod(o.time));
      break;
    case "GSA":
      chk("satellites", JSON.stringify(o.satellites) === JSON.stringify(p.satellites));
      chk("dop", same(o.pdop, p.PDOP) && same(o.hdop, p.HDOP) && same(o.vdop, p.VDOP));
      break;
    case "GSV": {
      chk(
        "numbers",
        o.totalSentences === p.numberOfMessages &&
          o.sentenceNumber === p.messageNumber &&
          o.satellitesInView === p.satellitesInView,
      );
      // nmea-simple's phantom: the signal ID read as a satellite, with NaN elevation, azimuth and SNR.
      const phantom = (s: any) =>
        o.signalId !== null &&
        !Number.isFinite(s.elevationDegrees) &&
        !Number.isFinite(s.azimuthTrue) &&
        !Number.isFinite(s.SNRdB);
      // Empty satellite groups: nmea-simple lists them (number 0 or NaN), bd450 skips them.
      const theirs = (p.satellites as any[]).filter(
        (s) => !phantom(s) && Number.isFinite(s.prnNumber) && s.prnNumber !== 0,
      );
      chk(
        "satellites",
        theirs.length === o.satellites.length &&
          o.satellites.every(
            (s: any, i: number) =>
              s.id === theirs[i].prnNumber &&
              same(s.elevation_deg, theirs[i].elevationDegrees) &&
              same(s.azimuth_deg, theirs[i].azimuthTrue) &&
              same(s.snr_dBHz, theirs[i].SNRdB),
          ),
      );
      break;
    }
    case "VTG":
      chk("course", same(o.courseTrue_deg, p.trackTrue));
      chk("speed", same(o.speed_kn, p.speedKnots) && same(o.speed_kmh, p.speedKmph));
      break;
    case "ZDA":
      if (o.time && o.year)
        chk(
          "datetime",
          iso(p.datetime).slice(0, 10) ===
            `${o.year}-${String(o.month).padStart(2, "0")}-${String(o.day).padStart(2, "0")}` &&
            tod(iso(p.datetime)) === ourTod(o.time),
        );
      break;
    case "GST":
      chk(
        "values",
        same(o.rms_m, p.totalRms) && same(o.semiMajor_m, p.semiMajorError) && same(o.sigmaAlt_m, p.altitudeError),
      );
      break;
    case "GNS":
      chk("lat", same(o.lat, p.latitude, 1e-8));
      chk("lon", same(o.lon, p.longitude, 1e-8));
      chk("mode", o.mode === p.modeIndicator);
      break;
  }
  return d;
}

/** Lines per kind that must agree with nmea-simple (the corpus gives GSA 2878, VTG 1409, RMC 1430, GGA 1560, GSV 6452, GNS 104, GLL 1190, ZDA 556, GST 262). */
const MIN_AGREE: Record<string, number> = {
  GSA: 2800,
  VTG: 1400,
  RMC: 1400,
  GGA: 1500,
  GSV: 6400,
  GNS: 100,
  GLL: 1150,
  ZDA: 550,
  GST: 260,
};

describe("decode: the whole NMEA corpus, in place", function () {
  this.timeout(120000);
  const totals = new Map<string, number>();
  const oracle = new Map<
    string,
    { agree: number; differ: number; phantom: number; samples: string[]; faults: Map<string, number> }
  >();

  it(`decodes all ${files.length} files without a crash, one record per framed unit, nothing lost`, () => {
    assert.ok(files.length >= 34, `corpus files: ${files.length}`);
    for (const f of files) {
      const { records, session } = decodeFile(f);
      const c = session.framer.counters;
      assert.equal(c.units, c.sentences + c.frames + c.rejected, f);
      assert.equal(records.length, c.sentences + c.frames + c.rejected, `${f}: one JSON record per unit`);
      assert.equal(
        records.filter((r) => r.valid).length,
        c.sentences + c.frames,
        `${f}: every valid sentence has a record`,
      );
      for (const r of records) {
        assert.equal(typeof r.raw, "string");
        if (!r.valid) assert.equal(typeof r.reason, "string");
        const k = !r.valid
          ? `reject ${r.reason}`
          : r.error
            ? `${r.kind} (field error)`
            : r.kind === "unknown" || r.kind === "proprietary"
              ? r.kind
              : r.kind;
        totals.set(k, (totals.get(k) ?? 0) + 1);
      }
    }
    const rows = [...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
    process.stdout.write("      per-type counts over the corpus: " + rows.join(", ") + "\n");
    for (const k of ["GGA", "RMC", "GLL", "GSA", "GSV", "VTG", "ZDA", "GNS", "GST", "GBS", "TXT"])
      assert.ok((totals.get(k) ?? 0) > 0, `corpus has ${k}`);
    // The only field errors in the corpus are the ST `$GPTXT,DEFAULT PVT CONFIGURATION` lines (no total/number/id fields).
    for (const [k, v] of totals) if (k.endsWith("(field error)")) assert.equal(k, "TXT (field error)", `${k}: ${v}`);
  });

  it("agrees with nmea-simple on the types it covers (its known faults excluded and counted)", () => {
    const thrown = new Map<string, number>();
    for (const f of files) {
      const { records } = decodeFile(f);
      for (const o of records) {
        if (
          !o.valid ||
          o.binary ||
          o.error ||
          !["GGA", "RMC", "GLL", "GSA", "GSV", "VTG", "ZDA", "GST", "GNS"].includes(o.kind)
        )
          continue;
        let p: any;
        try {
          p = nmea.parseNmeaSentence(o.raw);
        } catch {
          // nmea-simple throws on some valid sentences (e.g. truncated fields): counted, bounded below.
          thrown.set(o.kind, (thrown.get(o.kind) ?? 0) + 1);
          continue;
        }
        const e = oracle.get(o.kind) ?? {
          agree: 0,
          differ: 0,
          phantom: 0,
          samples: [],
          faults: new Map<string, number>(),
        };
        oracle.set(o.kind, e);
        if (o.kind === "GSV" && o.signalId !== null && p.satellites.length > o.satellites.length) e.phantom++;
        const diff = compare(o, p);
        const fault = oracleFault(o, p);
        if (fault) {
          e.faults.set(fault, (e.faults.get(fault) ?? 0) + 1);
          continue;
        }
        if (diff.length === 0) e.agree++;
        else {
          e.differ++;
          if (e.samples.length < 3) e.samples.push(`${diff.join("+")}: ${o.raw}`);
        }
      }
    }
    const rows = [...oracle].map(
      ([k, v]) =>
        `${k} ${v.agree} agree/${v.differ} differ` +
        (v.phantom ? ` (${v.phantom} with nmea-simple's phantom satellite, excluded)` : "") +
        [...v.faults].map(([f, c]) => ` (${c} nmea-simple fault: ${f})`).join(""),
    );
    process.stdout.write("      nmea-simple agreement: " + rows.join(", ") + "\n");
    process.stdout.write("      nmea-simple threw on: " + JSON.stringify(Object.fromEntries(thrown)) + "\n");
    // A minimum agreed count per kind (a little under what the corpus gives), not just "some":
    // a decoder that silently stopped decoding most lines of a kind fails here.
    for (const [k, min] of Object.entries(MIN_AGREE)) {
      const agree = oracle.get(k)?.agree ?? 0;
      assert.ok(agree >= min, `${k}: ${agree} lines agree with nmea-simple, at least ${min} expected`);
      assert.ok((thrown.get(k) ?? 0) <= agree / 10, `${k}: nmea-simple threw on ${thrown.get(k)} lines`);
    }
    for (const [k, v] of oracle) {
      assert.equal(v.differ, 0, `${k} differs from nmea-simple:\n${v.samples.join("\n")}`);
    }
    assert.ok((oracle.get("GSV")?.phantom ?? 0) > 0, "the corpus shows nmea-simple's phantom GSV satellite");
  });

  it("nmea-simple's known faults do not leak into bd450", () => {
    // `*3)` (pynmeagps nmeabadck2): nmea-simple reads the checksum with parseInt, so "3)" counts as 0x03.
    const line = fs
      .readFileSync(path.join(corpusDir, "semuconsulting-pynmeagps__pygpsdata-nmeabadck2.log"), "latin1")
      .split(/\r?\n/)
      .find((l) => /\*3\)$/.test(l));
    assert.ok(line, "corpus line with *3)");
    const crafted = "$GNVTG,,T,,M,0.145,N,0.269,K,r*3)"; // body XOR = 0x03
    assert.equal(xor(crafted.slice(1, -3)), "03");
    assert.equal(validNmeaChecksum(crafted), true, "nmea-simple accepts *3) as checksum 03");
    for (const l of [line!, crafted]) {
      const r: any[] = [];
      const s = new DecodeSession((x) => r.push(JSON.parse(x)));
      s.feed(new Uint8Array(Buffer.from(l + "\r\n", "latin1")));
      s.finish();
      assert.deepEqual([r.length, r[0].valid, r[0].reason], [1, false, "badChecksum"], l);
    }
    // GGA time: nmea-simple puts today's date on it; bd450 keeps the time of day only.
    const g = nmea.parseNmeaSentence(
      "$GNGGA,235959.00,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,*" +
        "00".replace("00", xor("GNGGA,235959.00,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,")),
    ) as any;
    assert.equal(g.time.toISOString().slice(0, 10), new Date().toISOString().slice(0, 10));
    // GSV with a signal ID: nmea-simple adds a phantom satellite; bd450 does not.
    const gsv = "$BDGSV,1,1,03,13,19,043,17,27,38,127,33,37,36,091,24,0*49";
    assert.equal((nmea.parseNmeaSentence(gsv) as any).satellites.length, 4);
    const r: any[] = [];
    const s = new DecodeSession((x) => r.push(JSON.parse(x)));
    s.feed(new Uint8Array(Buffer.from(gsv + "\r\n")));
    assert.equal(r[0].satellites.length, 3);
  });
});

/** nmea-simple faults seen on the corpus (its results are wrong, not ours); null when none applies. */
function oracleFault(o: Record<string, any>, p: any): string | null {
  // Unicore UM981 `-0214.41467156,W`: nmea-simple computes +1.76°, the position is 2.24° W.
  if (
    (o.kind === "GLL" || o.kind === "GGA" || o.kind === "RMC") &&
    /,-\d/.test(o.raw) &&
    o.lon !== null &&
    Math.sign(p.longitude) !== Math.sign(o.lon)
  )
    return "negative coordinate with hemisphere letter";
  // RMC with 3 decimals of seconds: nmea-simple's datetime drops the fraction.
  if (
    o.kind === "RMC" &&
    /^\$..RMC,\d{6}\.\d{3},/.test(o.raw) &&
    iso(p.datetime).slice(19, 23) === ".000" &&
    ourTod(o.time)!.slice(8) !== ".000"
  )
    return "RMC milliseconds dropped (3-decimal time)";
  return null;
}

function xor(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, "0");
}
