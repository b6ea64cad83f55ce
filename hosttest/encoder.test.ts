import * as assert from "node:assert/strict";
import { defaultRoutes } from "../src/beidou/table";
import { CarrierReassembler, Iec450Encoder } from "../src/core/encoder";
import { GROUPS, groupIndex } from "../src/core/groups";
import { RouteError, Router } from "../src/core/router";
import { MAX_DATAGRAM } from "../src/core/tagblock";
import { asciiBytes, latin1, withChecksum } from "../src/nmea/checksum";
import { fixedClock } from "../src/platform/node/host";
import { readDatagram, StrictStream } from "./lib/strict-reader";

function encoder(opts: Partial<ConstructorParameters<typeof Iec450Encoder>[0]> = {}) {
  const out: Uint8Array[] = [];
  const e = new Iec450Encoder({
    sfi: "GP0001",
    clock: fixedClock(1_700_000_000_000),
    tagTime: false,
    onDatagram: (b, n) => out.push(b.slice(0, n)),
    ...opts,
  });
  return { e, out };
}

const enc = (e: Iec450Encoder, s: string, d?: string) => {
  const b = asciiBytes(s);
  return e.encode(b, b.length, d);
};

describe("450 encoder", () => {
  it("writes the documented example byte for byte (450 doc §9.5)", () => {
    const { e, out } = encoder();
    enc(e, "$GPZDA,120000.00,01,01,2024,00,00*61");
    assert.equal(latin1(out[0]), "UdPbC\0\\s:GP0001,n:1*16\\$GPZDA,120000.00,01,01,2024,00,00*61\r\n");
  });

  it("adds c: in UNIX seconds and d: when asked, with an upper-case TAG checksum", () => {
    const { e, out } = encoder({ sfi: "HE0001", tagTime: true });
    for (let i = 0; i < 16; i++) enc(e, "$HEHDT,123.4,T*2B");
    enc(e, "$HEHDT,123.4,T*2B");
    assert.equal(latin1(out[16]), "UdPbC\0\\s:HE0001,n:17,c:1700000000*48\\$HEHDT,123.4,T*2B\r\n");
    enc(e, "$HEHDT,123.4,T*2B", "EI0001");
    const lines = readDatagram(out[17], { sendLimits: true });
    assert.equal(lines[0].tags.d, "EI0001");
    assert.equal(lines[0].n, 18);
  });

  it("c: follows the clock second by second, also when it steps back (the encoder renders each second once)", () => {
    const times = [
      1_699_999_999_999, 1_700_000_000_000, 1_700_000_000_999, 1_700_000_001_000, 999, 0, 1_700_000_001_500,
      9_999_999_999_000, 9_999_999_999_000,
    ];
    let k = 0;
    const { e, out } = encoder({ tagTime: true, clock: { now: () => times[k], monotonic: () => 0 } });
    for (k = 0; k < times.length; k++) enc(e, "$GPZDA,120000.00,01,01,2024,00,00*61");
    // Oracle: the strict reader's c: against integer division written out here.
    const expected = [
      "1699999999",
      "1700000000",
      "1700000000",
      "1700000001",
      "0",
      "0",
      "1700000001",
      "9999999999",
      "9999999999",
    ];
    assert.deepEqual(
      out.map((d) => String(readDatagram(d, { sendLimits: true })[0].tags.c)),
      expected,
    );
  });

  it("counts lines 1..999 per SFI and wraps to 1", () => {
    const { e, out } = encoder();
    for (let i = 0; i < 1001; i++) enc(e, "$GPZDA,120000.00,01,01,2024,00,00*61");
    const ns = out.map((d) => readDatagram(d)[0].n);
    assert.equal(ns[0], 1);
    assert.equal(ns[998], 999);
    assert.equal(ns[999], 1);
    assert.equal(ns[1000], 2);
    assert.ok(ns.every((n) => n! >= 1 && n! <= 999));
  });

  it("rejects a malformed SFI and manufacturer mnemonic with a clear error", () => {
    assert.throws(() => encoder({ sfi: "GP001" }), /ccxxxx/);
    assert.throws(() => encoder({ propMfr: "xb" }), /three upper-case/);
  });

  const longTxr = withChecksum("$BDTXR,1,0179773,2,,A4" + "48656C6C6F2C20776F726C6421".repeat(8));
  const gb = (() => {
    const body = [..."BDTXR,1,0179773,0,,"].map((c) => c.charCodeAt(0)).concat([0xb1, 0xb1, 0xb6, 0xb7, 0xc4, 0xe3]); // 北斗你 in GB2312
    let x = 0;
    for (const b of body) x ^= b;
    return latin1(Uint8Array.from([0x24, ...body])) + "*" + x.toString(16).toUpperCase().padStart(2, "0");
  })();

  it("carries an overlong sentence as a $PXBDS group a strict reader accepts, reassembling byte-identical", () => {
    assert.ok(longTxr.length > 200);
    const { e, out } = encoder({ overlong: "carry" });
    enc(e, longTxr);
    const stream = new StrictStream();
    const got: string[] = [];
    for (const d of out) {
      assert.ok(d.length <= MAX_DATAGRAM);
      for (const line of readDatagram(d, { sendLimits: true })) {
        assert.match(line.sentence, /^\$PXBDS,\d+,\d+,\d+,/);
        assert.ok(line.sentence.length <= 80);
        got.push(...stream.accept(line));
      }
    }
    assert.deepEqual(got, [longTxr]);
    assert.equal(e.counters.overlongCarried, 1);
    // The production reassembler agrees.
    const r = new CarrierReassembler();
    let whole: Uint8Array | undefined;
    for (const d of out)
      for (const line of readDatagram(d)) {
        const b = asciiBytes(line.sentence);
        whole = r.add(b, b.length) ?? whole;
      }
    assert.equal(latin1(whole!), longTxr);
    // A line claiming 0 lines (or a line number beyond its total) is not a carrier line.
    for (const bad of ["$PXBDS,0,0,5,*00", "$PXBDS,2,3,5,AB*00"])
      assert.equal(r.add(asciiBytes(bad), bad.length), undefined, bad);
  });

  it("carries raw GB2312 (not printable ASCII) even when short, escaping it as ^HH", () => {
    const { e, out } = encoder();
    const b = Uint8Array.from(gb, (c) => c.charCodeAt(0));
    e.encode(b, b.length);
    const lines = readDatagram(out[0], { sendLimits: true });
    assert.equal(lines.length, 1);
    assert.match(lines[0].sentence, /\^B1\^B1\^B6\^B7/);
    assert.deepEqual(new StrictStream().accept(lines[0]), [gb]);
  });

  it("spreads a group over several datagrams when it exceeds 1472 bytes", () => {
    const big = Uint8Array.from([0x24, ...asciiBytes("BDTXR,1,0179773,0,,"), ...new Array(270).fill(0xb1)]);
    let x = 0;
    for (let i = 1; i < big.length; i++) x ^= big[i];
    const s = new Uint8Array([...big, ...asciiBytes("*" + x.toString(16).toUpperCase().padStart(2, "0"))]);
    const { e, out } = encoder({ tagTime: true });
    e.encode(s, s.length);
    assert.ok(out.length >= 2, `${out.length} datagrams`);
    const stream = new StrictStream();
    const got: string[] = [];
    for (const d of out) {
      assert.ok(d.length <= MAX_DATAGRAM);
      for (const l of readDatagram(d, { sendLimits: true })) got.push(...stream.accept(l));
    }
    assert.deepEqual(got, [latin1(s)]);
    assert.equal(stream.gaps, 0);
  });

  it("hands out identical datagrams with resized buffers and with cached views", () => {
    const lines = [
      "$GPZDA,120000.00,01,01,2024,00,00*61",
      longTxr,
      "$HEHDT,123.4,T*2B",
      "$GPZDA,120000.00,01,01,2024,00,00*61",
    ];
    const got: Record<string, string[]> = {};
    for (const mode of ["resize", "cache"] as const) {
      const { e, out } = encoder({ datagramViews: mode, tagTime: true });
      const exact: boolean[] = [];
      const e2 = new Iec450Encoder({
        sfi: "GP0001",
        clock: fixedClock(1_700_000_000_000),
        datagramViews: mode,
        onDatagram: (b, n) => exact.push(b.length === n),
      });
      for (const l of lines) {
        enc(e, l);
        enc(e2, l);
      }
      assert.ok(
        exact.length === 4 && exact.every(Boolean),
        `${mode}: the view handed out has exactly the datagram's length`,
      );
      got[mode] = out.map((d) => latin1(d));
    }
    assert.deepEqual(got.cache, got.resize);
  });

  it("forwards verbatim or drops by policy, and counts each case", () => {
    const v = encoder({ overlong: "verbatim" });
    enc(v.e, longTxr);
    assert.equal(latin1(v.out[0]).split("\\")[2], longTxr + "\r\n");
    assert.throws(() => readDatagram(v.out[0]), /characters/); // what a strict receiver would do
    assert.equal(v.e.counters.overlongVerbatim, 1);
    const d = encoder({ overlong: "drop" });
    assert.equal(enc(d.e, longTxr), 0);
    assert.equal(d.out.length, 0);
    assert.equal(d.e.counters.overlongDropped, 1);
  });
});

describe("router", () => {
  const r = (router: Router, s: string) => GROUPS[router.route(asciiBytes(s), s.length)].name;
  it("routes by formatter: navigation to NAVD, RDSS messages to RCOM, status to MISC", () => {
    const router = new Router("", defaultRoutes());
    assert.equal(r(router, "$GNGGA,1*00"), "NAVD");
    assert.equal(r(router, "$BDGSV,1*00"), "NAVD");
    assert.equal(r(router, "$GNZDA,1*00"), "NAVD");
    assert.equal(r(router, "$BDTXR,1*00"), "RCOM");
    assert.equal(r(router, "$BDFKI,1*00"), "RCOM");
    assert.equal(r(router, "$BDBSI,1*00"), "MISC");
    assert.equal(r(router, "$BDICI,1*00"), "MISC");
    assert.equal(r(router, "$PUBX,00*00"), "MISC");
    assert.equal(r(router, "$BDALF,1*00"), "BAM1");
  });
  it("applies overrides with precedence talker+formatter > talker > formatter > default", () => {
    const router = new Router("GSV=SATD; GP*=USR1; GBGSV=TIME", defaultRoutes());
    assert.equal(r(router, "$GBGSV,1*00"), "TIME");
    assert.equal(r(router, "$GPGSV,1*00"), "USR1");
    assert.equal(r(router, "$GPGGA,1*00"), "USR1");
    assert.equal(r(router, "$BDGSV,1*00"), "SATD");
    assert.equal(r(router, "$BDGGA,1*00"), "NAVD");
  });
  it("rejects bad rules with a message naming the rule, and changes nothing", () => {
    const router = new Router("GSV=SATD", defaultRoutes());
    assert.throws(
      () => router.apply("GSV=SATD;TXR=NOPE"),
      (e: Error) => e instanceof RouteError && /NOPE/.test(e.message),
    );
    assert.throws(() => router.apply("TXRX=RCOM"), /key must be/);
    assert.throws(() => router.apply("TXR"), /KEY=GROUP/);
    assert.equal(r(router, "$BDGSV,1*00"), "SATD");
  });
  it("maps group N to 239.192.0.N:60000+N", () => {
    assert.equal(GROUPS[groupIndex("NAVD")].address, "239.192.0.4");
    assert.equal(GROUPS[groupIndex("rcom")].port, 60006);
    assert.equal(GROUPS[groupIndex("BAM1")].address, "239.192.0.17");
    assert.equal(groupIndex("XXXX"), 0);
  });
});
