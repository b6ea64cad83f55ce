// The wiring's state-only shortcuts (SentenceDecoder.applyTo, decode(..., true), kinds
// decoding only what apply reads, GSV details copied lazily) against the full decode:
// over the whole NMEA corpus, a DeviceState fed by BeidouWiring.onUnit and one fed by
// SentenceDecoder.decode(bytes, length) (every field, every kind) must agree on every
// snapshot, the sky view and every event.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SentenceDecoder } from "../src/beidou/decoder";
import { SYSTEM_NAMES } from "../src/beidou/kind";
import { DeviceState } from "../src/beidou/state";
import { BeidouWiring } from "../src/beidou/wiring";
import { SentenceFramer } from "../src/core/framer";
import { NMEA_CORPUS } from "./lib/paths";

describe("Beidou wiring: the state-only decode against the full decode", () => {
  it("gives the same device state, sky view and events over the whole NMEA corpus", () => {
    const files = fs
      .readdirSync(NMEA_CORPUS)
      .filter((f) => f.endsWith(".log"))
      .sort();
    assert.ok(files.length > 10, "corpus present");
    let sentences = 0,
      compared = 0;
    for (const file of files) {
      let now = Date.UTC(2026, 0, 1);
      const shortEvents: string[] = [],
        fullEvents: string[] = [];
      const w = new BeidouWiring({ clock: { now: () => now } });
      w.attach({ events: { add: (c, t) => shortEvents.push(`${c} ${t}`) } });
      const full = new DeviceState({ events: { add: (c, t) => fullEvents.push(`${c} ${t}`) } });
      const decoder = new SentenceDecoder();
      const same = () => {
        const where = `${file} after ${sentences} sentences`;
        assert.deepEqual(w.state.snapshot(now), full.snapshot(now), where);
        assert.deepEqual(w.state.sky.report(now, SYSTEM_NAMES, 1e12), full.sky.report(now, SYSTEM_NAMES, 1e12), where);
        assert.deepEqual(Array.from(w.state.satellitesInView), Array.from(full.satellitesInView), where);
        assert.deepEqual(shortEvents, fullEvents, where);
        compared++;
      };
      const framer = new SentenceFramer({
        maxLength: 1024,
        onSentence: (b, n) => {
          // 37 ms a sentence: the sky view takes some GSV groups and skips others.
          now += 37;
          w.onUnit("sentence", b, n);
          full.onSentence(decoder.decode(b, n), now);
          if (++sentences % 7 === 0) same();
          if (sentences % 101 === 0) {
            w.state.tick(now);
            full.tick(now);
          }
        },
      });
      framer.feed(new Uint8Array(fs.readFileSync(path.join(NMEA_CORPUS, file))));
      same();
    }
    assert.ok(sentences > 5000, `${sentences} sentences`);
    assert.ok(compared > 700);
  });
});
