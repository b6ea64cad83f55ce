// Every hemisphere in every sentence that carries a position (issue 26 point 1).
//
// Inputs are literal sentences whose checksums were computed apart from src (Python's XOR
// over the characters); the expected degrees are written out by hand from the minutes
// (ddmm.mmmm -> dd + mm.mmmm / 60, south and west negative). Each sentence is read once
// south/east and once north/west: a sign dropped on either axis, or the two hemisphere
// letters swapped between latitude and longitude, fails here by name rather than only
// by luck in decode-corpus.
//
// BDS-3 sentences with a position (EPI, …) belong here too: add their literal S/E and
// N/W cases to POSITIONS below when the bds3 decoders land.

import * as assert from "node:assert/strict";
import { SentenceDecoder, sentenceJson } from "../src/beidou/decoder";
import { FrameDecoder } from "../src/beidou/rdss40";
import { reencodeCommand } from "../src/beidou/reencode";
import { encodeWAA } from "../src/beidou/sentences/waa";
import { SentenceFramer } from "../src/core/framer";
import { rdss40Frame } from "./lib/text";

/** 33°51.5' S, 151°12.25' E and 40°42.768' N, 74°0.36' W, in signed degrees (by hand). */
const SOUTH_EAST = { lat: -(33 + 51.5 / 60), lon: 151 + 12.25 / 60 };
const NORTH_WEST = { lat: 40 + 42.768 / 60, lon: -(74 + 0.36 / 60) };

/** [what, sentence, expected position] — the sentence text is the only input. */
const POSITIONS: Array<[string, string, { lat: number; lon: number }]> = [
  ["GGA S/E", "$GNGGA,123519.00,3351.5000,S,15112.2500,E,1,08,0.9,12.0,M,20.1,M,,*53", SOUTH_EAST],
  ["GGA N/W", "$GNGGA,123519.00,4042.7680,N,07400.3600,W,1,08,0.9,12.0,M,20.1,M,,*51", NORTH_WEST],
  ["RMC S/E", "$GNRMC,123519.00,A,3351.5000,S,15112.2500,E,0.0,0.0,071226,,,A*50", SOUTH_EAST],
  ["RMC N/W", "$GNRMC,123519.00,A,4042.7680,N,07400.3600,W,0.0,0.0,071226,,,A*52", NORTH_WEST],
  ["GLL S/E", "$GNGLL,3351.5000,S,15112.2500,E,123519.00,A,A*67", SOUTH_EAST],
  ["GLL N/W", "$GNGLL,4042.7680,N,07400.3600,W,123519.00,A,A*65", NORTH_WEST],
  ["GNS S/E", "$GNGNS,123519.00,3351.5000,S,15112.2500,E,AA,08,0.9,12.0,20.1,,*79", SOUTH_EAST],
  ["GNS N/W", "$GNGNS,123519.00,4042.7680,N,07400.3600,W,AA,08,0.9,12.0,20.1,,*7B", NORTH_WEST],
  ["DWR S/E", "$BDDWR,1,0242286,123519.00,3351.5000,S,15112.2500,E,47,M,-3,M,1,V,V,L*07", SOUTH_EAST],
  ["DWR N/W", "$BDDWR,1,0242286,123519.00,4042.7680,N,07400.3600,W,47,M,-3,M,1,V,V,L*05", NORTH_WEST],
  ["WAA received S/E", "$BDWAA,0,,0242286,123519.00,3351.5000,S,15112.2500,E,61,M*16", SOUTH_EAST],
  ["WAA received N/W", "$BDWAA,0,,0242286,123519.00,4042.7680,N,07400.3600,W,61,M*14", NORTH_WEST],
  ["WAA command S/E", "$CCWAA,1,0,0242286,123519.00,3351.5000,S,15112.2500,E,61,M*21", SOUTH_EAST],
  ["WAA command N/W", "$CCWAA,1,0,0242286,123519.00,4042.7680,N,07400.3600,W,61,M*23", NORTH_WEST],
];

/** The sentence through the real framer and decoder, as JSON. */
function decode(text: string): Record<string, unknown> {
  const out: Array<Record<string, unknown>> = [];
  const dec = new SentenceDecoder();
  const framer = new SentenceFramer({
    onSentence: (b, n) => out.push(sentenceJson(dec.decode(b, n))),
    onReject: (reason) => out.push({ reject: reason }),
  });
  framer.feed(new Uint8Array(Buffer.from(text + "\r\n", "latin1")));
  framer.flush();
  assert.equal(out.length, 1, `one unit for ${text}: ${JSON.stringify(out)}`);
  assert.equal(out[0].reject, undefined, `framer rejected ${text}`);
  assert.equal(out[0].error, undefined, `decode error for ${text}: ${String(out[0].error)}`);
  return out[0];
}

const near = (got: unknown, want: number, what: string) =>
  assert.ok(typeof got === "number" && Math.abs(got - want) < 1e-7, `${what}: ${String(got)} != ${want}`);

describe("hemispheres: every position-carrying sentence, hand-written cases", () => {
  for (const [what, text, want] of POSITIONS)
    it(`${what} decodes to ${want.lat.toFixed(6)}, ${want.lon.toFixed(6)}`, () => {
      const j = decode(text);
      near(j.lat, want.lat, `${what} latitude`);
      near(j.lon, want.lon, `${what} longitude`);
    });

  it("the WAA encoder writes S/E and N/W from signed degrees", () => {
    const time = 12 * 3600 + 35 * 60 + 19;
    const text = (p: { lat: number; lon: number }) =>
      Buffer.from(encodeWAA({ interval: 0, to: 242286, time, latitude: p.lat, longitude: p.lon, height: 61 })).toString(
        "latin1",
      );
    assert.equal(text(SOUTH_EAST), "$CCWAA,1,0,0242286,123519.00,3351.5000,S,15112.2500,E,61,M*21");
    assert.equal(text(NORTH_WEST), "$CCWAA,1,0,0242286,123519.00,4042.7680,N,07400.3600,W,61,M*23");
  });

  it("a WAA command from the network is re-encoded for the terminal with its hemispheres", () => {
    for (const s of [
      "$CCWAA,1,0,0242286,123519.00,3351.5000,S,15112.2500,E,61,M*21",
      "$CCWAA,1,0,0242286,123519.00,4042.7680,N,07400.3600,W,61,M*23",
    ])
      assert.equal(Buffer.from(reencodeCommand(s)).toString("latin1"), s);
  });

  // RDSS 4.0 carries no hemisphere: the configured one (UNCONFIRMED, default N/E) applies,
  // to each axis on its own. DWXX written byte by byte: info 0, query address 0, 12:35:19.00,
  // longitude 151°12'15.0", latitude 33°51'30.0", height 47 m, anomaly 3 m.
  const dwxx = rdss40Frame("DWXX", 242286, [0, 0, 0, 0, 12, 35, 19, 0, 151, 12, 15, 0, 33, 51, 30, 0, 0, 47, 0, 3]);
  const cases: Array<["N" | "S" | undefined, "E" | "W" | undefined, string]> = [
    [undefined, undefined, "$BDDWR,1,0242286,123519.00,3351.5000,N,15112.2500,E,47,M,3,M,0,V,V,L*36"],
    ["S", "E", "$BDDWR,1,0242286,123519.00,3351.5000,S,15112.2500,E,47,M,3,M,0,V,V,L*2B"],
    ["N", "W", "$BDDWR,1,0242286,123519.00,3351.5000,N,15112.2500,W,47,M,3,M,0,V,V,L*24"],
    ["S", "W", "$BDDWR,1,0242286,123519.00,3351.5000,S,15112.2500,W,47,M,3,M,0,V,V,L*39"],
  ];
  for (const [ns, ew, text] of cases)
    it(`RDSS 4.0 DWXX with hemispheres ${ns ?? "default"}/${ew ?? "default"}: frame values and the DWR text`, () => {
      const fd = new FrameDecoder({ latitudeHemisphere: ns, longitudeHemisphere: ew });
      fd.decode(dwxx, dwxx.length);
      const j = fd.json(dwxx, dwxx.length);
      near(j.lat, (ns === "S" ? -1 : 1) * (33 + 51.5 / 60), "DWXX latitude");
      near(j.lon, (ew === "W" ? -1 : 1) * (151 + 12.25 / 60), "DWXX longitude");
      const out = new Uint8Array(128);
      const n = fd.toText(out);
      assert.equal(Buffer.from(out.subarray(0, n)).toString("latin1"), text);
      const back = decode(text);
      near(back.lat, j.lat as number, "DWR latitude from the converted text");
      near(back.lon, j.lon as number, "DWR longitude from the converted text");
    });
});
