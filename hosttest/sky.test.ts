// The sky view (src/beidou/sky.ts): satellites in view from GSV groups, as /api/status
// lists them. Fed through the framer and the Beidou wiring as the gateway feeds them; the
// expected lists are written out here from the sentences.
import * as assert from "node:assert/strict";
import { BeidouWiring } from "../src/beidou/wiring";
import { SentenceFramer } from "../src/core/framer";
import { withChecksum } from "../src/nmea/checksum";

const NAMES = ["unknown", "GPS", "GLONASS", "Galileo", "BDS", "QZSS", "NavIC"];

function rig() {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const w = new BeidouWiring({ clock: { now: () => now } });
  const framer = new SentenceFramer({ onSentence: (b, n) => w.onUnit("sentence", b, n) });
  w.attach({ rejects: framer.counters });
  return {
    feed: (...bodies: string[]) => {
      for (const b of bodies) framer.feed(new Uint8Array(Buffer.from(withChecksum("$" + b) + "\r\n", "latin1")));
    },
    advance: (ms: number) => {
      now += ms;
    },
    sky: () => w.state.sky.report(now, NAMES, 15000),
  };
}

describe("sky view from GSV (web page sky plot)", () => {
  it("a whole group becomes the list; empty fields are null", () => {
    const r = rig();
    r.feed("BDGSV,2,1,05,01,45,120,40,02,30,200,35,03,60,300,,04,15,045,22");
    assert.deepEqual(r.sky(), {}, "nothing shown before the group is complete");
    r.feed("BDGSV,2,2,05,05,,,48");
    assert.deepEqual(r.sky(), {
      BDS: [
        [1, 45, 120, 40],
        [2, 30, 200, 35],
        [3, 60, 300, null],
        [4, 15, 45, 22],
        [5, null, null, 48],
      ],
    });
  });

  it("values kept as whole degrees and dB-Hz (GSV's own form); out-of-range ones are null", () => {
    const r = rig();
    r.feed("GAGSV,1,1,03,11,45.6,120.4,40.5,12,91,360,35,13,-5,361,128");
    assert.deepEqual(r.sky(), {
      Galileo: [
        [11, 46, 120, 41],
        [12, null, 360, 35],
        [13, -5, null, null],
      ],
    });
  });

  it("one signal per system (NMEA 4.10 repeats the satellites per signal)", () => {
    const r = rig();
    r.feed("GPGSV,1,1,02,05,40,100,39,12,55,250,42,1", "GPGSV,1,1,02,05,40,100,31,12,55,250,33,8");
    assert.deepEqual(r.sky(), {
      GPS: [
        [5, 40, 100, 39],
        [12, 55, 250, 42],
      ],
    });
  });

  it("renewed every 4 s at most; a system silent for 15 s leaves the list", () => {
    const r = rig();
    r.feed("BDGSV,1,1,01,07,50,170,44");
    r.advance(1000);
    r.feed("BDGSV,1,1,01,07,51,171,45");
    assert.deepEqual(r.sky(), { BDS: [[7, 50, 170, 44]] }, "the second group came within 4 s");
    r.advance(3000);
    r.feed("BDGSV,1,1,01,07,52,172,46");
    assert.deepEqual(r.sky(), { BDS: [[7, 52, 172, 46]] });
    r.advance(15001);
    assert.deepEqual(r.sky(), {});
  });

  it("an unfinished group leaves the last complete list shown", () => {
    const r = rig();
    r.feed("BDGSV,1,1,01,07,50,170,44");
    r.advance(5000);
    r.feed("BDGSV,2,1,05,01,45,120,40,02,30,200,35,03,60,300,28,04,15,045,22");
    assert.deepEqual(r.sky(), { BDS: [[7, 50, 170, 44]] });
  });
});
