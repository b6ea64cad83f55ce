// The reference run the Beidou state tests share: one corpus file fed to a BeidouWiring
// (the path under test) and, beside it, to a DeviceState fed by SentenceDecoder.decode
// (every field, every kind: the oracle), 37 ms a sentence (so the sky view takes some GSV
// groups and skips others), both ticked every 101 sentences.

import * as fs from "node:fs";
import * as path from "node:path";
import { SentenceDecoder } from "../../src/beidou/decoder";
import { DeviceState } from "../../src/beidou/state";
import { BeidouWiring } from "../../src/beidou/wiring";
import { SentenceFramer } from "../../src/core/framer";
import { NMEA_CORPUS } from "./paths";

export interface FullDecodeRun {
  wiring: BeidouWiring;
  full: DeviceState;
  now: number;
  sentences: number;
  events: string[];
  fullEvents: string[];
}

/** The NMEA corpus files, sorted, as full paths. */
export function nmeaCorpusFiles(): string[] {
  return fs
    .readdirSync(NMEA_CORPUS)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => path.join(NMEA_CORPUS, f));
}

/** Feed `file`; `check` runs after every `every`-th sentence and at the end. Returns the sentences fed. */
export function againstFullDecode(file: string, every: number, check: (r: FullDecodeRun) => void): number {
  const r: FullDecodeRun = {
    wiring: new BeidouWiring({ clock: { now: () => r.now } }),
    full: new DeviceState({ events: { add: (c, t) => r.fullEvents.push(`${c} ${t}`) } }),
    now: Date.UTC(2026, 0, 1),
    sentences: 0,
    events: [],
    fullEvents: [],
  };
  r.wiring.attach({ events: { add: (c, t) => r.events.push(`${c} ${t}`) } });
  const decoder = new SentenceDecoder();
  const framer = new SentenceFramer({
    maxLength: 1024,
    onSentence: (b, n) => {
      r.now += 37;
      r.wiring.onUnit("sentence", b, n);
      r.full.onSentence(decoder.decode(b, n), r.now);
      if (++r.sentences % every === 0) check(r);
      if (r.sentences % 101 === 0) {
        r.wiring.state.tick(r.now);
        r.full.tick(r.now);
      }
    },
  });
  framer.feed(new Uint8Array(fs.readFileSync(file)));
  check(r);
  return r.sentences;
}
