// Command encoders: every encoder round-trips (encode -> real framer -> decoder ->
// same values), the reference sentences are reproduced byte for byte, and no field
// can inject framing characters into the UART stream.

import * as assert from "node:assert/strict";
import fc from "fast-check";
import { buildSentence, CommandError } from "../src/beidou/command";
import { SentenceDecoder, sentenceJson } from "../src/beidou/decoder";
import { encodeBSS } from "../src/beidou/sentences/bss";
import { encodeDWA } from "../src/beidou/sentences/dwa";
import { encodeICA } from "../src/beidou/sentences/ica";
import { encodeRMO } from "../src/beidou/sentences/rmo";
import { DEFAULT_LEVEL_BITS, encodeTXA, messageBits } from "../src/beidou/sentences/txa";
import { encodeWAA } from "../src/beidou/sentences/waa";
import { SentenceFramer } from "../src/core/framer";
import { decodeGb2312, encodeGb2312, gb2312Size } from "../src/platform/node/gb2312";

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/** Through the real framer (with CR LF, as the gateway sends it) and the decoder. */
function roundTrip(s: Uint8Array): Record<string, any> {
  const out: Array<Record<string, any>> = [];
  const dec = new SentenceDecoder();
  const framer = new SentenceFramer({
    onSentence: (b, n) => out.push(sentenceJson(dec.decode(b, n), { decodeText: decodeGb2312 })),
    onReject: (r) => out.push({ reject: r }),
  });
  framer.feed(new Uint8Array([...s, 0x0d, 0x0a]));
  assert.equal(out.length, 1, JSON.stringify(out));
  assert.equal(out[0].reject, undefined, `rejected: ${text(s)}`);
  assert.equal(out[0].error, undefined, `decode error ${out[0].error}: ${text(s)}`);
  return out[0];
}

describe("beidou command encoders", () => {
  it("reproduce the reference sentences byte for byte", () => {
    assert.equal(text(encodeICA()), "$CCICA,0,00*7B");
    assert.equal(text(encodeICA(1, 0)), "$CCICA,1,00*7A");
    assert.equal(text(encodeRMO("BSI", 2, 0)), "$CCRMO,BSI,2,0*26");
    assert.equal(text(encodeRMO("BSI", 2, 1)), "$CCRMO,BSI,2,1*27");
    assert.equal(text(encodeRMO("BSI", 2, 10)), "$CCRMO,BSI,2,10*17");
    assert.equal(text(encodeRMO("", 3, 1)), "$CCRMO,,3,1*7E", "the corrected checksum of the BAD-CS example");
    assert.equal(text(encodeBSS(5, 3)), "$CCBSS,05,03*44");
    assert.equal(text(encodeBSS()), "$CCBSS,,*42");
    assert.equal(text(encodeTXA({ to: "0179773", mode: 2, text: "hello" })), "$CCTXA,0179773,1,2,A468656C6C6F*7A");
    assert.equal(
      text(encodeTXA({ to: 242286, mode: 2, text: "hello北斗" }, { encodeText: encodeGb2312 })),
      "$CCTXA,0242286,1,2,A468656C6C6FB1B1B6B7*7F",
    );
    assert.equal(
      text(encodeTXA({ to: "0242286", mode: 1, hex: "68656C6C6FB1B1B6B7" })),
      "$CCTXA,0242286,1,1,68656C6C6FB1B1B6B7*09",
    );
    assert.equal(
      text(encodeTXA({ to: "0166166", mode: 1, hex: "3132333433333335" })),
      "$CCTXA,0166166,1,1,3132333433333335*7F",
    );
    assert.equal(text(encodeDWA({ heightMode: 1 })), "$CCDWA,0000000,V,1,L,,0,,,0*65");
  });

  it("round-trip: ICA, RMO, BSS", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 99 }), (t, f) => {
        const r = roundTrip(encodeICA(t, f));
        assert.deepEqual([r.type, r.frame], [t, f]);
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom("BSI", "ZTI", "ZDA", "DWR", "GGA"),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 3600 }),
        (n, m, i) => {
          const r = roundTrip(encodeRMO(n, m, i));
          assert.deepEqual([r.sentence, r.mode, r.interval_s], [n, m, i]);
        },
      ),
    );
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: 10 })), fc.option(fc.integer({ min: 0, max: 10 })), (a, b) => {
        const r = roundTrip(encodeBSS(a, b));
        assert.deepEqual([r.responseBeam, r.timeDifferenceBeam], [a, b]);
      }),
    );
  });

  it("round-trip: TXA in all three modes (Chinese via the host GB2312 encoder)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999999 }),
        fc.boolean(),
        fc.uint8Array({ minLength: 1, maxLength: 60 }),
        (to, urgent, data) => {
          const r = roundTrip(encodeTXA({ to, urgent, mode: 2, data }));
          assert.deepEqual(
            [r.to, r.urgent, r.mode, r.data],
            [String(to).padStart(7, "0"), urgent, 2, Buffer.from(data).toString("hex").toUpperCase()],
          );
        },
      ),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-F]{1,120}$/), (hex) => {
        const r = roundTrip(encodeTXA({ to: 1, mode: 1, hex }));
        assert.equal(r.payload, hex);
        assert.equal(r.oddNibble, hex.length % 2 === 1);
      }),
    );
    const zh = "北斗短报文测试，你好";
    const r = roundTrip(encodeTXA({ to: 242286, mode: 0, text: zh }, { encodeText: encodeGb2312 }));
    assert.deepEqual([r.mode, r.text], [0, zh]);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(..."北斗卫星导航系统短报文通信船舶位置你好世界"), { minLength: 1, maxLength: 40 }),
        (chars) => {
          const s = chars.join("");
          assert.equal(roundTrip(encodeTXA({ to: 5, mode: 0, text: s }, { encodeText: encodeGb2312 })).text, s);
        },
      ),
    );
  });

  it("round-trip: DWA and WAA", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999999 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.integer({ min: -500, max: 9000 }),
        fc.integer({ min: 0, max: 3600 }),
        (user, urgent, hm, high, h, iv) => {
          const r = roundTrip(
            encodeDWA({
              user,
              urgent,
              heightMode: hm,
              highAltitude: high,
              height: h,
              antennaHeight: 3.5,
              pressure: 101325,
              temperature: -4.5,
              interval: iv,
            }),
          );
          assert.deepEqual(
            [
              r.card,
              r.urgent,
              r.heightMode,
              r.heightType,
              r.height_m,
              r.antennaHeight_m,
              r.pressure_Pa,
              r.temperature_C,
              r.interval_s,
            ],
            [String(user).padStart(7, "0"), urgent, hm, high ? "H" : "L", h, 3.5, 101325, -4.5, iv],
          );
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.double({ min: -89.999, max: 89.999, noNaN: true }),
        fc.double({ min: -179.999, max: 179.999, noNaN: true }),
        fc.integer({ min: 0, max: 86399 }),
        (lat, lon, t) => {
          const r = roundTrip(
            encodeWAA({ interval: 60, to: 312194, time: t + 0.37, latitude: lat, longitude: lon, height: 61 }),
          );
          assert.equal(r.received, false);
          assert.equal(r.card, "0312194");
          assert.ok(Math.abs(r.lat - lat) < 1e-6 && Math.abs(r.lon - lon) < 1e-6, `${r.lat},${r.lon} vs ${lat},${lon}`);
        },
      ),
    );
  });

  it("no field can inject $ * , \\ ! ~ CR LF or control bytes", () => {
    for (const bad of ["$", "*", ",", "\\", "!", "~", "\r", "\n", "\x00", "\x1b", "\x7f"]) {
      assert.throws(() => encodeTXA({ to: 1, mode: 0, text: "ab" + bad + "cd" }), CommandError, JSON.stringify(bad));
      assert.throws(
        () => encodeTXA({ to: 1, mode: 0, data: new Uint8Array([0xb1, bad.charCodeAt(0), 0xb1]) }),
        CommandError,
      );
      assert.throws(() => buildSentence("CCTXA", ["1", "x" + bad]), CommandError);
    }
    assert.throws(() => encodeRMO("B,I", 2, 1), /3-letter/);
    assert.throws(() => encodeTXA({ to: "12,4", mode: 2, text: "x" }), /1-7 digits/);
    assert.throws(() => encodeTXA({ to: "1*", mode: 2, text: "x" }), /1-7 digits/);
    assert.throws(() => encodeTXA({ to: 1, mode: 1, hex: "12*4" }), /hex digits/);
    // Mixed mode carries any byte safely as hex.
    const s = encodeTXA({ to: 1, mode: 2, data: new Uint8Array([0x24, 0x2a, 0x2c, 0x0d, 0x0a, 0x5c, 0x21]) });
    for (let i = 1; i < s.length - 3; i++) assert.ok(![0x24, 0x2a, 0x0d, 0x0a, 0x5c, 0x21].includes(s[i]), `byte ${i}`);
    // Property: whatever the content, an encoded sentence is exactly one framed unit.
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom(0, 2) as fc.Arbitrary<0 | 2>, (t, mode) => {
        let enc: Uint8Array;
        try {
          enc = encodeTXA({ to: 7, mode, text: t }, { encodeText: encodeGb2312 });
        } catch (e) {
          assert.ok(e instanceof CommandError, String(e));
          return;
        }
        roundTrip(enc);
      }),
    );
  });

  it("validates values with clear errors", () => {
    assert.throws(() => encodeICA(2), /ICA type must be an integer 0-1/);
    assert.throws(() => encodeRMO("BSI", 5), /RMO mode/);
    assert.throws(() => encodeBSS(11), /beam/);
    assert.throws(() => encodeTXA({ to: 1, mode: 3 as 0, text: "x" }), /transfer mode/);
    assert.throws(() => encodeTXA({ to: 1, mode: 2, text: "" }), /empty/);
    assert.throws(() => encodeTXA({ to: 1, mode: 0, text: "北斗" }), /no GB2312 encoder/);
    assert.throws(() => encodeTXA({ to: 1, mode: 0, text: "😀" }, { encodeText: encodeGb2312 }), /not in GB2312/);
    assert.throws(() => encodeDWA({ heightMode: 0 }), /need a height/);
    assert.throws(() => encodeDWA({ heightMode: 4 }), /height mode/);
    assert.throws(() => encodeWAA({ interval: 0, to: 1, time: 90000, latitude: 0, longitude: 0, height: 0 }), /time/);
    assert.throws(() => encodeWAA({ interval: 0, to: 1, time: 0, latitude: 91, longitude: 0, height: 0 }), /latitude/);
  });

  it("checks payload capacity against the card level (limits configurable, UNCONFIRMED defaults)", () => {
    const hex = "A".repeat(35); // 140 bits
    encodeTXA({ to: 1, mode: 1, hex }, { level: 1 });
    assert.throws(
      () => encodeTXA({ to: 1, mode: 1, hex: hex + "B" }, { level: 1 }),
      /144 bits; the card's level 1 allows 140 bits/,
    );
    encodeTXA({ to: 1, mode: 1, hex: hex + "B" }, { level: 1, levelBits: [0, 200, 0, 0, 0] });
    assert.throws(() => encodeTXA({ to: 1, mode: 1, hex }, { level: 7 }), /no message capacity known/);
    assert.equal(messageBits(2, new Uint8Array(Buffer.from("A4414243"))), 32);
    assert.equal(messageBits(0, new Uint8Array([0xb1, 0xb1, 0xb6, 0xb7])), 28);
    assert.equal(DEFAULT_LEVEL_BITS[4], 1680);
    assert.throws(() => encodeTXA({ to: 1, mode: 2, data: new Uint8Array(200) }), /at most 300/);
  });

  it("the host GB2312 codec covers the GB2312 set and round-trips it", () => {
    assert.ok(gb2312Size() >= 7445, `size ${gb2312Size()}`);
    assert.deepEqual(Array.from(encodeGb2312("北斗")), [0xb1, 0xb1, 0xb6, 0xb7]);
    assert.equal(decodeGb2312(new Uint8Array([0xc4, 0xe3, 0xba, 0xc3])), "你好");
    assert.equal(decodeGb2312(new Uint8Array([0xff, 0xff])), undefined);
  });
});
