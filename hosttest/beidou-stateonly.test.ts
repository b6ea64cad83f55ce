// The wiring's state-only shortcuts (SentenceDecoder.applyTo, decode(..., true), kinds
// decoding only what apply reads, GSV details copied lazily) against the full decode:
// over the whole NMEA corpus, a DeviceState fed by BeidouWiring.onUnit and one fed by
// SentenceDecoder.decode(bytes, length) (every field, every kind) must agree on every
// snapshot, the sky view and every event.

import * as assert from "node:assert/strict";
import * as path from "node:path";
import { SYSTEM_NAMES } from "../src/beidou/kind";
import { againstFullDecode, nmeaCorpusFiles } from "./lib/full-decode";

describe("Beidou wiring: the state-only decode against the full decode", () => {
  it("gives the same device state, sky view and events over the whole NMEA corpus", () => {
    const files = nmeaCorpusFiles();
    assert.ok(files.length > 10, "corpus present");
    let sentences = 0,
      compared = 0;
    for (const file of files)
      sentences += againstFullDecode(file, 7, ({ wiring: w, full, now, sentences: n, events, fullEvents }) => {
        const where = `${path.basename(file)} after ${n} sentences`;
        assert.deepEqual(w.state.snapshot(now), full.snapshot(now), where);
        assert.deepEqual(w.state.sky.report(now, SYSTEM_NAMES, 1e12), full.sky.report(now, SYSTEM_NAMES, 1e12), where);
        assert.deepEqual(Array.from(w.state.satellitesInView), Array.from(full.satellitesInView), where);
        assert.deepEqual(events, fullEvents, where);
        compared++;
      });
    assert.ok(sentences > 5000, `${sentences} sentences`);
    assert.ok(compared > 700);
  });
});
