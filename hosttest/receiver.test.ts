// Strict IEC 61162-450 receiver: corpus captures, one test per discard reason,
// source/n/d rules, the §9.4/§9.5 vectors, and the pcap reader/writer.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { isPcap, PcapError, PcapWriter, pcapHeader, pcapRecord, readPcap, type UdpPacket } from "../src/core/pcap";
import { DISCARD_REASONS, Iec450Receiver, type ReceivedSentence, sentenceText, tagText } from "../src/core/receiver";
import {
  listTagParams,
  MAX_DATAGRAM,
  NOTE_C_MS,
  NOTE_LOWER_HEX_TAG,
  NOTE_TAG_OVER_80,
  NOTE_UNPADDED_CHECKSUM,
  noteNames,
} from "../src/core/tagblock";
import { asciiBytes, withChecksum, xorRange } from "../src/nmea/checksum";
import { IEC450_CORPUS } from "./lib/paths";
import { readDatagram, StrictReadError } from "./lib/strict-reader";

const corpus = IEC450_CORPUS;

/** `\params*HH\` with the correct checksum. */
function tag(params: string): string {
  const x = xorRange(asciiBytes(params), 0, params.length);
  return "\\" + params + "*" + x.toString(16).toUpperCase().padStart(2, "0") + "\\";
}

function dgram(body: string, token = "UdPbC"): Uint8Array {
  return asciiBytes(token + "\0" + body);
}

function pcapPackets(file: string): UdpPacket[] {
  const out: UdpPacket[] = [];
  readPcap(new Uint8Array(fs.readFileSync(path.join(corpus, file))), (p) => out.push(p));
  return out;
}

/** prefix + a 1- or 2-character alphanumeric suffix whose TAG checksum satisfies `want`. */
function withSuffix(prefix: string, want: (x: number) => boolean): string {
  const al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (const a of al)
    for (const b of ["", ...al]) {
      const p = prefix + a + b;
      if (want(xorRange(asciiBytes(p), 0, p.length))) return p;
    }
  throw new Error("no suffix for " + prefix);
}

function texts(ss: ReceivedSentence[]): string[] {
  return ss.map(sentenceText);
}

describe("receiver: corpus captures (verdicts of SOURCES.md)", () => {
  it("iec-61162-450-nmea.pcap: accept one sentence from HE0001", () => {
    const [p] = pcapPackets("iec-61162-450-nmea.pcap");
    const r = new Iec450Receiver();
    const v = r.receive(p.payload);
    assert.equal(v.verdict, "accept");
    assert.equal(v.sentences.length, 1);
    assert.equal(v.sentences[0].source, "HE0001");
    assert.equal(sentenceText(v.sentences[0]), "$HEROT,+000.05,A*35");
    assert.equal(r.counters.delivered, 1);
  });

  it("multitag: accept, source HE0001, destination HE0002", () => {
    const [p] = pcapPackets("iec-61162-450-nmea-multitag.pcap");
    const r = new Iec450Receiver();
    const v = r.receive(p.payload);
    assert.equal(v.verdict, "accept");
    assert.equal(v.sentences[0].source, "HE0001");
    assert.equal(v.sentences[0].destination, "HE0002");
    assert.equal(v.sentences[0].tagBlocks, 2);
    assert.equal(tagText(v.sentences[0]), "\\d:HE0002*51\\\\s:HE0001*45\\");
  });

  it("multisentence: accept all 8, n 881..888, c: noted as milliseconds", () => {
    const [p] = pcapPackets("iec-61162-450-nmea-multisentence.pcap");
    assert.equal(p.dstAddress, "239.192.0.4");
    assert.equal(p.dstPort, 60104);
    assert.equal(p.ttl, 1);
    assert.equal(p.payload.length, 568);
    const got: ReceivedSentence[] = [];
    const r = new Iec450Receiver({ onSentence: (s) => got.push({ ...s }) });
    const v = r.receive(p.payload);
    assert.equal(v.verdict, "accept");
    assert.equal(got.length, 8);
    assert.deepEqual(
      got.map((s) => s.n),
      [881, 882, 883, 884, 885, 886, 887, 888],
    );
    assert.ok(got.every((s) => s.source === "IN0001" && s.timeInMs && s.timeRaw === 1683881316755));
    assert.equal(got[0].time, 1683881316.755);
    assert.ok(v.notes & NOTE_C_MS);
    assert.equal(texts(v.sentences)[7], "$INOSD,110.9,A,9.0,P,0.0,P,,,N*52");
    assert.equal(r.counters.gaps, 0);
    assert.equal(r.counters.cMilliseconds, 8);
  });

  const discards: Array<[string, string, keyof Iec450Receiver["counters"]]> = [
    ["iec-61162-450-nmea-wrong-tag-chcksm.pcap", "tag-checksum", "tagChecksum"],
    ["iec-61162-450-nmea-tag-too-long.pcap", "tag-too-long", "tagTooLong"],
    ["iec-61162-450-nmea-sentence-too-long.pcap", "sentence-too-long", "sentenceTooLong"],
  ];
  for (const [file, reason, counter] of discards) {
    it(`${file}: discard (${reason}), counted`, () => {
      const [p] = pcapPackets(file);
      let delivered = 0;
      const r = new Iec450Receiver({ onSentence: () => delivered++ });
      const v = r.receive(p.payload);
      assert.equal(v.verdict, "discard");
      assert.equal(v.reason, reason);
      assert.equal(v.sentences.length, 0);
      assert.equal(delivered, 0);
      assert.equal(r.counters[counter], 1);
      assert.equal(r.counters.discarded, 1);
    });
  }

  for (const file of ["iec-61162-450-binary-type1.pcap", "iec-61162-450-binary-type2.pcap"]) {
    it(`${file}: RrUdP token recognised, not a sentence datagram`, () => {
      const r = new Iec450Receiver();
      const ps = pcapPackets(file);
      assert.ok(ps.length >= 1);
      for (const p of ps) {
        const v = r.receive(p.payload);
        assert.equal(v.token, "RrUdP");
        assert.equal(v.reason, "other-token");
        assert.equal(v.sentences.length, 0);
      }
      assert.equal(r.counters.tokenRrUdP, ps.length);
      assert.equal(r.counters.header, 0);
    });
  }
});

describe("receiver: one test per discard reason", () => {
  const good = tag("s:GP0001,n:1") + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";
  const cases: Array<[string, Uint8Array]> = [
    [
      "oversize",
      (() => {
        // 1473 bytes made of valid lines: only the size is wrong.
        let body = "";
        let n = 1;
        while (6 + body.length < MAX_DATAGRAM + 1)
          body += tag("s:GP0001,n:" + n++) + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";
        return dgram(body).subarray(0, MAX_DATAGRAM + 1);
      })(),
    ],
    ["header", dgram(good, "UDPBC")],
    ["other-token", dgram("\x00\x02", "NkPgN")],
    ["empty", dgram("")],
    ["line-framing", dgram(good.slice(0, -2))],
    ["tag-framing", dgram("\\s:GP0001*00$GPZDA,120000.00,01,01,2024,00,00*61\r\n")],
    ["tag-too-long", dgram(tag("s:GP0001,t:" + "X".repeat(70)) + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n")],
    ["tag-format", dgram("\\s:GP0001,n:1\\$GPZDA,120000.00,01,01,2024,00,00*61\r\n")],
    ["tag-checksum", dgram("\\s:GP0001,n:1*17\\$GPZDA,120000.00,01,01,2024,00,00*61\r\n")],
    ["tag-syntax", dgram(tag("s:GP0001,n") + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n")],
    ["sentence-format", dgram(tag("s:GP0001") + "GPZDA,120000.00,01,01,2024,00,00*61\r\n")],
    ["sentence-too-long", dgram(tag("s:GP0001") + withChecksum("$GPTXT," + "A".repeat(73)) + "\r\n")],
    ["sentence-checksum", dgram(tag("s:GP0001") + "$GPZDA,120000.00,01,01,2024,00,00*62\r\n")],
  ];
  it("covers every documented reason", () => {
    assert.deepEqual(
      cases.map((c) => c[0]).sort(),
      DISCARD_REASONS.map((r) => r[0])
        .slice()
        .sort(),
    );
  });
  for (const [reason, bytes] of cases) {
    it(`discards: ${reason}`, () => {
      let delivered = 0;
      const r = new Iec450Receiver({ onSentence: () => delivered++ });
      const v = r.receive(bytes);
      assert.equal(v.verdict, "discard");
      assert.equal(v.reason, reason);
      assert.equal(delivered, 0);
      const counter = DISCARD_REASONS.find((x) => x[0] === reason)![1];
      assert.equal(r.counters[counter], 1);
      assert.equal(r.counters.discarded, 1);
      assert.equal(r.counters.accepted, 0);
    });
  }

  it("boundary: exactly 1472 bytes is accepted, 1473 is not", () => {
    const line = (n: number) => tag("s:GP0001,n:" + n) + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";
    let body = "";
    let n = 1;
    const base = tag("s:GP0001,n:999,t:X") + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";
    while (MAX_DATAGRAM - 6 - body.length - line(n).length >= base.length) body += line(n++);
    // Pad the last line's TAG block with a t: parameter to reach exactly 1472.
    const room = MAX_DATAGRAM - 6 - body.length;
    assert.ok(room >= base.length, "test construction");
    const last =
      tag("s:GP0001,n:999,t:" + "X".repeat(1 + room - base.length)) + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";
    const d = dgram(body + last);
    assert.equal(d.length, MAX_DATAGRAM);
    assert.equal(new Iec450Receiver().receive(d).verdict, "accept");
    const big = new Uint8Array(MAX_DATAGRAM + 1);
    big.set(d);
    assert.equal(new Iec450Receiver().receive(big).reason, "oversize");
  });

  it("header: the 6th byte must be NUL, and a short datagram is a header error", () => {
    const r = new Iec450Receiver();
    assert.equal(r.receive(asciiBytes("UdPbC " + good)).reason, "header");
    assert.equal(r.receive(asciiBytes("UdPbC")).reason, "header");
    assert.equal(r.receive(asciiBytes("xUdPbC\0" + good)).reason, "header");
  });

  it("all four non-sentence tokens counted separately", () => {
    const r = new Iec450Receiver();
    for (const t of ["RaUdP", "RrUdP", "NkPgN", "RrTcP", "RaUdP"])
      assert.equal(r.receive(dgram("binary", t)).reason, "other-token");
    assert.deepEqual(
      [
        r.counters.tokenRaUdP,
        r.counters.tokenRrUdP,
        r.counters.tokenNkPgN,
        r.counters.tokenRrTcP,
        r.counters.otherToken,
      ],
      [2, 1, 1, 1, 5],
    );
  });

  it("any bad line discards the COMPLETE datagram (good lines before it are not delivered)", () => {
    let delivered = 0;
    const r = new Iec450Receiver({ onSentence: () => delivered++ });
    const v = r.receive(
      dgram(
        good +
          tag("s:GP0001,n:2") +
          "$GPZDA,120000.00,01,01,2024,00,00*61\r\n" +
          tag("s:GP0001,n:3") +
          "$GPZDA,bad*00\r\n",
      ),
    );
    assert.equal(v.reason, "sentence-checksum");
    assert.equal(v.line, 3);
    assert.equal(delivered, 0);
  });

  it("line framing: bare LF, bare CR, empty line, text after the last CR LF", () => {
    const r = new Iec450Receiver();
    assert.equal(r.receive(dgram(good.replace("\r\n", "\n"))).reason, "line-framing");
    assert.equal(r.receive(dgram(good.replace("\r\n", "\r"))).reason, "line-framing");
    assert.equal(r.receive(dgram(good + "\r\n")).reason, "line-framing");
    assert.equal(r.receive(dgram(good + "\\s:")).reason, "line-framing");
    assert.equal(r.receive(dgram("\r\n" + good)).reason, "line-framing");
  });

  it("tag syntax: empty list, empty value, empty code, bad code char, trailing comma, control byte", () => {
    const r = new Iec450Receiver();
    const z = "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";
    for (const params of [
      "s:GP0001,n:",
      ":GP0001",
      "s-x:GP0001",
      "s:GP0001,",
      ",s:GP0001",
      "s:GP\x010001",
      "s:GP0001,t:\xe4",
      "s:GP0001,t:a*b",
    ]) {
      assert.equal(r.receive(dgram(tag(params) + z)).reason, "tag-syntax", JSON.stringify(params));
    }
    assert.equal(r.receive(dgram("\\*00\\" + z)).reason, "tag-syntax");
  });

  it("tag format: one-digit checksum is noted as unpadded; non-hex digits", () => {
    const r = new Iec450Receiver();
    // codekilo sends toString(16): "*c" for 0x0c.
    const params = withSuffix("s:SK0001,n:1,t:", (x) => x < 16);
    const x = xorRange(asciiBytes(params), 0, params.length);
    assert.ok(x < 16, "test construction: want a one-digit checksum, got " + x);
    const v = r.receive(dgram("\\" + params + "*" + x.toString(16) + "\\$GPZDA,120000.00,01,01,2024,00,00*61\r\n"));
    assert.equal(v.reason, "tag-format");
    assert.ok(v.notes & NOTE_UNPADDED_CHECKSUM);
    assert.equal(r.receive(dgram("\\s:GP0001*G1\\" + "$GPZDA,120000.00,01,01,2024,00,00*61\r\n")).reason, "tag-format");
  });

  it("sentence format: no *hh, text after *hh, bad address field, control/8-bit byte, backslash or start delimiter in body", () => {
    const r = new Iec450Receiver();
    const t = tag("s:GP0001");
    for (const s of [
      "$GPZDA,120000.00",
      "$GPZDA,1*61x",
      withChecksum("$G-ZDA,1"),
      withChecksum("$GPZDA,\t1"),
      withChecksum("$GPZDA,a\\b"),
      "x" + withChecksum("$GPZDA,1"),
      withChecksum("$BDTXR,1,0242286,0,,\xb1\xb1"),
      withChecksum("$GPZDA,a$b"),
      withChecksum("$GPZDA,a!b"),
      withChecksum("$GPZDA,\x7f"),
    ]) {
      assert.equal(r.receive(dgram(t + s + "\r\n")).reason, "sentence-format", JSON.stringify(s));
    }
  });

  it("limits: TAG block of 82 chars accepted (noted), sentence of 82 chars accepted", () => {
    const r = new Iec450Receiver();
    const t82 = tag("s:GP0001,t:" + "X".repeat(82 - 2 - 3 - 11));
    assert.equal(t82.length, 82);
    const s82 = withChecksum("$GPTXT," + "A".repeat(70));
    assert.equal(s82.length + 2, 82);
    const v = r.receive(dgram(t82 + s82 + "\r\n"));
    assert.equal(v.verdict, "accept");
    assert.ok(v.sentences[0].notes & NOTE_TAG_OVER_80);
    const t83 = tag("s:GP0001,t:" + "X".repeat(82 - 2 - 3 - 10));
    assert.equal(t83.length, 83);
    assert.equal(r.receive(dgram(t83 + s82 + "\r\n")).reason, "tag-too-long");
    const s83 = withChecksum("$GPTXT," + "A".repeat(71));
    assert.equal(r.receive(dgram(t82 + s83 + "\r\n")).reason, "sentence-too-long");
  });
});

describe("receiver: source, line count and destination rules", () => {
  const z = "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";

  it("§9.4: closest conformant s: wins; non-conformant s: skipped; none -> ignored", () => {
    const vdm = withChecksum("!BSVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0") + "\r\n";
    const r = new Iec450Receiver();
    let v = r.receive(dgram(tag("s:AC1000") + tag("s:AI0001") + vdm));
    assert.equal(v.sentences[0].source, "AI0001");
    v = r.receive(dgram(tag("d:AB0001,s:BC1000") + tag("s:002300000") + vdm));
    assert.equal(v.sentences[0].source, "BC1000");
    assert.equal(v.sentences[0].destination, "AB0001");
    assert.ok(noteNames(v.notes).includes("s-nonconformant"));
    v = r.receive(dgram(tag("s:002300000") + vdm));
    assert.equal(v.verdict, "accept");
    assert.equal(v.sentences[0].status, "no-source");
    assert.equal(r.counters.noSource, 1);
    // No TAG block at all: a valid line, but no source.
    v = r.receive(dgram(z));
    assert.equal(v.sentences[0].status, "no-source");
    assert.equal(r.counters.noSource, 2);
    assert.equal(r.counters.delivered, 2);
  });

  it("§9.4: the standard's example line (g: parsed, any parameter order)", () => {
    const r = new Iec450Receiver();
    const v = r.receive(dgram("\\g:1-2-34,s:TI0001,n:333*6B\\$TIROT,123.45*67\r\n"));
    assert.equal(v.verdict, "accept");
    const s = v.sentences[0];
    assert.deepEqual([s.source, s.n, s.groupLine, s.groupTotal, s.groupCode], ["TI0001", 333, 1, 2, 34]);
  });

  it("§9.5 constructed vectors", () => {
    const r = new Iec450Receiver({ ownSfi: "EI0001" });
    const got: string[] = [];
    const r2 = new Iec450Receiver({ onSentence: (s) => got.push(s.source + " " + s.n + " " + sentenceText(s)) });
    const vs = [
      "\\s:GP0001,n:1*16\\$GPZDA,120000.00,01,01,2024,00,00*61\r\n",
      "\\s:HE0001,n:17,c:1700000000*48\\$HEHDT,123.4,T*2B\r\n",
      "\\d:EI0001,s:SK0001,n:999*6E\\$SKXDR,C,21.5,C,AIRTEMP*18\r\n",
    ];
    for (const b of vs) {
      assert.equal(r.receive(dgram(b)).verdict, "accept");
      r2.receive(dgram(b));
    }
    assert.equal(r.counters.delivered, 3);
    assert.deepEqual(got, [
      "GP0001 1 $GPZDA,120000.00,01,01,2024,00,00*61",
      "HE0001 17 $HEHDT,123.4,T*2B",
      "SK0001 999 $SKXDR,C,21.5,C,AIRTEMP*18",
    ]);
    const v = r.receive(dgram(vs[1]));
    assert.equal(v.sentences[0].timeInMs, false);
    assert.equal(v.sentences[0].time, 1700000000);
  });

  it("n: duplicates dropped, gaps counted, wrap 999 -> 1 is not a gap, late arrivals are not gaps", () => {
    const ns: number[] = [];
    const r = new Iec450Receiver({ onSentence: (s) => ns.push(s.n) });
    const send = (n: number, sfi = "GP0001") => r.receive(dgram(tag(`s:${sfi},n:${n}`) + z));
    for (const n of [997, 998, 999, 1, 2, 2, 5, 4, 6, 1]) send(n);
    assert.deepEqual(ns, [997, 998, 999, 1, 2, 5, 4, 6]);
    assert.equal(r.counters.duplicates, 2); // 2 again, and 1 again (within the window)
    assert.equal(r.counters.gaps, 1); // 2 -> 5
    assert.equal(r.counters.gapLost, 2); // 3 and 4 missing at that moment
    assert.equal(r.counters.reordered, 1); // 4 arrived late
    // Another source has its own counter.
    send(2, "HE0001");
    assert.deepEqual(ns.slice(-1), [2]);
    const st = r.sourceStates().find((s) => s.sfi === "GP0001")!;
    assert.equal(st.duplicates, 2);
    assert.equal(st.firstN, 997);
  });

  it("n: sentences without n are never de-duplicated; n:0 noted, treated as absent", () => {
    let count = 0;
    const r = new Iec450Receiver({ onSentence: () => count++ });
    r.receive(dgram(tag("s:GP0001") + z));
    r.receive(dgram(tag("s:GP0001") + z));
    const v = r.receive(dgram(tag("s:GP0001,n:0") + z));
    assert.equal(count, 3);
    assert.equal(v.sentences[0].n, -1);
    assert.ok(noteNames(v.notes).includes("n-zero"));
  });

  it("d: other destination ignored with filtering on; reported with filtering off; own source ignored", () => {
    const got: string[] = [];
    const r = new Iec450Receiver({ ownSfi: "BD0001", onSentence: (s) => got.push(String(s.destination)) });
    r.receive(dgram(tag("d:EI0001,s:SK0001,n:1") + z));
    r.receive(dgram(tag("d:BD0001,s:SK0001,n:2") + z));
    r.receive(dgram(tag("s:SK0001,n:3") + z));
    r.receive(dgram(tag("s:BD0001,n:1") + z));
    assert.deepEqual(got, ["BD0001", "null"]);
    assert.equal(r.counters.otherDestination, 1);
    assert.equal(r.counters.ownSource, 1);
    r.setDestinationFilter(false);
    r.receive(dgram(tag("d:EI0001,s:SK0001,n:4") + z));
    assert.deepEqual(got, ["BD0001", "null", "EI0001"]);
    assert.equal(r.counters.gaps, 0, "other-destination lines still advance the line count");
  });

  it("lower-case hex accepted and noted; TAG-only lines accepted; unknown codes accepted", () => {
    const r = new Iec450Receiver();
    const params = withSuffix("s:GP0001,n:7,t:", (v) => v >= 0xa0 || (v & 15) >= 10);
    const x = xorRange(asciiBytes(params), 0, params.length);
    const lower = "\\" + params + "*" + x.toString(16).padStart(2, "0") + "\\";
    assert.ok(/[a-f]/.test(lower.slice(-3)), "test construction: want a letter digit " + lower);
    let v = r.receive(
      dgram(lower + "$gpzda,1*" + xorRange(asciiBytes("gpzda,1"), 0, 7).toString(16).padStart(2, "0") + "\r\n"),
    );
    assert.equal(v.verdict, "accept");
    assert.ok(v.notes & NOTE_LOWER_HEX_TAG);
    assert.equal(r.counters.lowerHex, 1);
    v = r.receive(dgram(tag("s:GP0001,g:2-2-5") + "\r\n" + tag("s:GP0001,q:7") + z));
    assert.equal(v.verdict, "accept");
    assert.deepEqual(
      v.sentences.map((s) => s.status),
      ["tag-only", "ok"],
    );
    assert.deepEqual(listTagParams(v.sentences[1].bytes, v.sentences[1].tagStart, v.sentences[1].tagEnd), [
      { code: "s", value: "GP0001" },
      { code: "q", value: "7" },
    ]);
  });

  it("per-source datagram count: once per datagram even when sources interleave", () => {
    const r = new Iec450Receiver();
    r.receive(dgram(tag("s:AA0001,n:1") + z + tag("s:BB0001,n:1") + z + tag("s:AA0001,n:2") + z));
    r.receive(dgram(tag("s:AA0001,n:3") + z));
    const st = Object.fromEntries(r.sourceStates().map((s) => [s.sfi, [s.datagrams, s.sentences]]));
    assert.deepEqual(st, { AA0001: [2, 3], BB0001: [1, 1] });
  });

  it("a source table bound evicts the least recently seen source", () => {
    const r = new Iec450Receiver({ maxSources: 2 });
    for (const s of ["AA0001", "AA0002", "AA0001", "AA0003"]) r.receive(dgram(tag(`s:${s},n:1`) + z));
    assert.equal(r.counters.sourcesEvicted, 1);
    assert.deepEqual(
      r
        .sourceStates()
        .map((s) => s.sfi)
        .sort(),
      ["AA0001", "AA0003"],
    );
  });

  it("rejects a malformed own SFI at construction", () => {
    assert.throws(() => new Iec450Receiver({ ownSfi: "BD001" }), RangeError);
  });

  it("random byte edits never throw; a datagram is accepted exactly when the strict reader (own checksums) accepts it", () => {
    const r = new Iec450Receiver();
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const base = dgram(tag("s:GP0001,n:" + ((i % 999) + 1)) + z);
      const b = base.slice();
      const k = 1 + Math.floor(rnd() * 3);
      for (let j = 0; j < k; j++) b[6 + Math.floor(rnd() * (b.length - 6))] = Math.floor(rnd() * 256);
      const v = r.receive(b);
      // The oracle: hosttest/lib/strict-reader.ts verifies both checksums with its own XOR.
      // An edit can leave a valid datagram (a byte rewritten with itself, two edits whose
      // XOR cancels); then, and only then, the receiver must accept it, with the same text.
      let strict: string[] | undefined;
      try {
        strict = readDatagram(b).map((l) => l.sentence);
      } catch (e) {
        if (!(e instanceof StrictReadError)) throw e;
      }
      assert.equal(v.verdict === "accept", strict !== undefined, JSON.stringify(Buffer.from(b).toString("latin1")));
      if (strict) {
        accepted++;
        assert.deepEqual(texts(v.sentences), strict);
      }
    }
    assert.equal(r.counters.datagrams, 3000);
    assert.ok(accepted < 30, `${accepted} of 3000 edited datagrams still valid`);
  });
});

describe("pcap reader/writer", () => {
  it("reads every corpus capture as Ethernet/IPv4/UDP", () => {
    for (const f of fs.readdirSync(corpus).filter((x) => x.endsWith(".pcap"))) {
      const b = new Uint8Array(fs.readFileSync(path.join(corpus, f)));
      assert.ok(isPcap(b), f);
      const s = readPcap(b, () => undefined);
      assert.equal(s.linkType, 1, f);
      assert.ok(s.udp >= 1, f);
      assert.equal(s.damaged, 0, f);
    }
  });

  it("round trip: writer output reads back with the same addresses, ports, time and payload", () => {
    const chunks: Uint8Array[] = [];
    const w = new PcapWriter((c) => chunks.push(c));
    const payload = dgram("\\s:GP0001,n:1*16\\$GPZDA,120000.00,01,01,2024,00,00*61\r\n");
    w.write(
      { time: 1700000000123.456, srcAddress: "172.16.1.45", srcPort: 40000, dstAddress: "239.192.0.4", dstPort: 60004 },
      payload,
    );
    w.write(
      { time: 1700000001000, srcAddress: "10.0.0.1", srcPort: 1, dstAddress: "10.0.0.2", dstPort: 2, ttl: 64 },
      payload.subarray(0, 7),
    );
    const all = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    const got: UdpPacket[] = [];
    readPcap(all, (p) => got.push(p));
    assert.equal(got.length, 2);
    assert.equal(got[0].srcAddress, "172.16.1.45");
    assert.equal(got[0].dstAddress, "239.192.0.4");
    assert.equal(got[0].dstPort, 60004);
    assert.equal(got[0].ttl, 1);
    assert.equal(Math.round(got[0].time * 1000), 1700000000123456);
    assert.deepEqual(Array.from(got[0].payload), Array.from(payload));
    assert.equal(got[1].ttl, 64);
    assert.equal(got[1].payload.length, 7);
    // Multicast MAC 01:00:5e:40:00:04 and valid IPv4 header checksum (sum folds to 0xffff).
    const rec = pcapRecord(
      { time: 0, srcAddress: "1.2.3.4", srcPort: 5, dstAddress: "239.192.0.4", dstPort: 60004 },
      payload,
    );
    assert.deepEqual(Array.from(rec.subarray(16, 22)), [1, 0, 0x5e, 0x40, 0, 4]);
    let sum = 0;
    for (let i = 30; i < 50; i += 2) sum += (rec[i] << 8) | rec[i + 1];
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    assert.equal(sum, 0xffff);
    // UDP checksum verifies too (pseudo-header + segment sums to 0xffff).
    let u = 17 + 8 + payload.length;
    for (let i = 42; i < 50; i += 2) u += (rec[i] << 8) | rec[i + 1];
    for (let i = 50; i < rec.length; i += 2) u += (rec[i] << 8) | (i + 1 < rec.length ? rec[i + 1] : 0);
    while (u > 0xffff) u = (u & 0xffff) + (u >>> 16);
    assert.equal(u, 0xffff);
  });

  it("clear errors: pcapng, bad magic, short file, unsupported link type; big-endian files read", () => {
    assert.throws(
      () => readPcap(new Uint8Array([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(28).fill(0)]), () => undefined),
      /pcapng/,
    );
    assert.throws(() => readPcap(asciiBytes("hello world, this is not a pcap file"), () => undefined), PcapError);
    assert.throws(() => readPcap(new Uint8Array(10), () => undefined), /shorter/);
    const h = pcapHeader();
    h[20] = 105; // IEEE 802.11
    assert.throws(() => readPcap(h, () => undefined), /unsupported pcap link type 105/);
    // Big-endian header and record around a corpus frame.
    const le = new Uint8Array(fs.readFileSync(path.join(corpus, "iec-61162-450-nmea.pcap")));
    const be = le.slice();
    for (const [o, n] of [
      [0, 4],
      [4, 2],
      [6, 2],
      [8, 4],
      [12, 4],
      [16, 4],
      [20, 4],
      [24, 4],
      [28, 4],
      [32, 4],
      [36, 4],
    ] as const) {
      be.subarray(o, o + n).reverse();
    }
    const got: UdpPacket[] = [];
    readPcap(be, (p) => got.push(p));
    assert.equal(got.length, 1);
    assert.equal(new Iec450Receiver().receive(got[0].payload).verdict, "accept");
  });

  it("libpcap (tcpdump, when installed) reads the writer's file and verifies the UDP checksums", function () {
    const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
    if (spawnSync("tcpdump", ["--version"]).error) {
      this.test!.title += " — SKIPPED: tcpdump not installed (scripts/ensure-system-deps.sh installs it)";
      this.skip();
    }
    const chunks: Uint8Array[] = [];
    const w = new PcapWriter((c) => chunks.push(c));
    const payload = dgram("\\s:GP0001,n:1*16\\$GPZDA,120000.00,01,01,2024,00,00*61\r\n");
    w.write(
      { time: 1700000000123.456, srcAddress: "172.16.1.45", srcPort: 40000, dstAddress: "239.192.0.4", dstPort: 60004 },
      payload,
    );
    w.write(
      { time: 1700000001000, srcAddress: "172.16.1.45", srcPort: 40001, dstAddress: "239.192.0.6", dstPort: 60006 },
      payload.subarray(0, 11),
    );
    const file = path.join(require("node:os").tmpdir(), `bd450-pcap-${process.pid}.pcap`);
    fs.writeFileSync(file, Buffer.concat(chunks));
    try {
      const r = spawnSync("tcpdump", ["-r", file, "-nn", "-vv"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /link-type EN10MB \(Ethernet\)/);
      assert.match(
        r.stdout,
        /ttl 1,.*proto UDP[\s\S]*172\.16\.1\.45\.40000 > 239\.192\.0\.4\.60004: \[udp sum ok\] UDP, length 61/,
      );
      assert.match(r.stdout, /172\.16\.1\.45\.40001 > 239\.192\.0\.6\.60006: \[udp sum ok\] UDP, length 11/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("a truncated last record is counted as damaged, earlier packets are kept", () => {
    const b = new Uint8Array(fs.readFileSync(path.join(corpus, "iec-61162-450-nmea.pcap")));
    const cut = b.subarray(0, b.length - 5);
    const s = readPcap(cut, () => undefined);
    assert.equal(s.damaged, 1);
    assert.equal(s.udp, 0);
  });
});
