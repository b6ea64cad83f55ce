// Every real receiver log of hosttest/corpus/nmea through the gateway core:
// each checksum-valid sentence is forwarded byte-identical and in order (checked
// against an independent extractor), rejects are counted and add up, the verdicts
// agree with nmea-simple's checksum opinion except for its documented faults, and
// every datagram passes an independent strict 450 reader; framed quietly (as the
// firmware frames) the same sentences, datagrams and counts.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { makeConfig } from "../src/core/config";
import { FRAMER_COUNTERS, REJECT_REASONS } from "../src/core/framer";
import { Gateway } from "../src/core/gateway";
import { latin1 } from "../src/nmea/checksum";
import { fixedClock } from "../src/platform/node/host";
import { corpusLogs } from "./lib/paths";
import { readDatagram, referenceSentences, StrictStream } from "./lib/strict-reader";

// nmea-simple's own checksum test: the design's chosen parser, kept as the oracle.
const { validNmeaChecksum } = require("nmea-simple/dist/helpers") as { validNmeaChecksum(s: string): boolean };

interface Result {
  forwarded: string[];
  datagrams: Uint8Array[];
  units: Array<{ valid: boolean; reason?: string; text: string }>;
  gw: Gateway;
}

/** quiet: no onReject, as the firmware runs it (rejects only counted, in the byte helpers' loop). */
function runCore(bytes: Uint8Array, chunk: number | "random", quiet = false): Result {
  const r: Result = { forwarded: [], datagrams: [], units: [], gw: undefined as unknown as Gateway };
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 97) + 1;
  r.gw = new Gateway({
    config: makeConfig({ sfi: "BD0001" }),
    clock: fixedClock(1_700_000_000_000),
    onUnit(kind, b, n) {
      if (kind !== "sentence") return;
      const text = latin1(b, 0, n);
      r.forwarded.push(text);
      r.units.push({ valid: true, text });
    },
    onReject: quiet
      ? undefined
      : (reason, b, n) => {
          r.units.push({ valid: false, reason, text: latin1(b, 0, n) });
        },
    onDatagram(b, n) {
      r.datagrams.push(b.slice(0, n));
    },
  });
  for (let i = 0; i < bytes.length; ) {
    const n = chunk === "random" ? rnd() : chunk;
    r.gw.feed(bytes, i, Math.min(bytes.length, i + n));
    i += n;
  }
  r.gw.framer.flush();
  return r;
}

/** nmea-simple's opinion on a framed unit's checksum, or undefined when it has none. */
function nmeaSimpleOpinion(text: string): boolean | undefined {
  if (!text.includes("*")) return undefined;
  return validNmeaChecksum(text);
}

/** Documented nmea-simple checksum faults (docs/beidou.md §3 oracle notes). */
function knownNmeaSimpleFault(text: string): string | undefined {
  const star = text.lastIndexOf("*");
  const tail = text.slice(star + 1);
  if (!/^[0-9A-Fa-f]{2}$/.test(tail) && !Number.isNaN(parseInt(tail, 16)))
    return "parseInt accepts a non-hex checksum such as *3)";
  if (text.indexOf("*") !== star) return "splits at the first '*', so a '*' inside the fields changes the verdict";
  return undefined;
}

const summary: string[] = [];

describe("corpus: every real log through the gateway core", function () {
  this.timeout(120000);
  after(() => {
    if (process.env.BD450_VERBOSE) console.log(summary.join("\n"));
  });

  for (const file of corpusLogs()) {
    const name = path.basename(file);
    it(name, () => {
      const bytes = new Uint8Array(fs.readFileSync(file));
      const r = runCore(bytes, 4096);
      const expected = referenceSentences(bytes);

      // 1. Every checksum-valid sentence forwarded, byte-identical, in order.
      assert.deepEqual(r.forwarded, expected);

      // 2. The same at other chunkings (UART drivers split anywhere).
      for (const chunk of [1, 7, "random"] as const) {
        if (chunk === 1 && bytes.length > 200_000) continue;
        assert.deepEqual(runCore(bytes, chunk).forwarded, expected, `chunk ${chunk}`);
      }

      // 3. Counters add up: every unit is a sentence, a frame or a counted reject.
      const f = r.gw.framer.counters;
      assert.equal(f.units, f.sentences + f.frames + f.rejected);
      assert.equal(
        f.rejected,
        REJECT_REASONS.reduce((a, k) => a + f[k], 0),
      );
      assert.equal(r.units.filter((u) => !u.valid).length, f.rejected);
      assert.equal(r.gw.counters.forwarded, f.sentences + (f.frames - r.gw.counters.framesNotConverted));

      // 4. Agreement with nmea-simple's checksum verdicts where it has an opinion.
      let agree = 0,
        opinions = 0;
      const faults: string[] = [];
      for (const u of r.units) {
        // Not a complete line (cut by length, a new '$', or a control byte mid-line): nmea-simple never sees it.
        if (u.reason === "tooLong" || u.reason === "truncated") continue;
        if (u.reason === "badCharacter" && !/\*[0-9A-Fa-f]{2}$/.test(u.text)) continue;
        const ns = nmeaSimpleOpinion(u.text);
        if (ns === undefined) continue;
        opinions++;
        const ours = u.valid || (u.reason !== "badChecksum" && u.reason !== "noChecksum"); // address/character rejects: checksum was fine
        if (ours === ns) {
          agree++;
          continue;
        }
        const why = knownNmeaSimpleFault(u.text);
        assert.ok(
          why,
          `disagreement with nmea-simple not explained by its known faults: ${JSON.stringify(u.text)} (ours ${ours}, nmea-simple ${ns})`,
        );
        faults.push(why);
      }

      // 5. Every datagram passes the independent strict reader; n runs without gaps;
      //    carried overlong sentences reassemble to the original text.
      const stream = new StrictStream();
      const delivered: string[] = [];
      for (const d of r.datagrams)
        for (const line of readDatagram(d, { sendLimits: true })) {
          assert.equal(line.source, "BD0001");
          delivered.push(...stream.accept(line));
        }
      assert.equal(stream.gaps, 0);
      assert.deepEqual(delivered, expected);

      // 6. Framed quietly (no onReject: the firmware's way, where forwardText counts rejects
      //    itself, hands on a datagram and the next sentence from one call, and keeps "$$"
      //    lines native): the same sentences to onUnit, the same datagrams, the same counts.
      const q = runCore(bytes, "random", true);
      assert.deepEqual(q.forwarded, expected);
      assert.deepEqual(
        q.datagrams.map((d) => latin1(d, 0, d.length)),
        r.datagrams.map((d) => latin1(d, 0, d.length)),
      );
      const qf = q.gw.framer.counters;
      for (const k of FRAMER_COUNTERS) assert.equal(qf[k], f[k], `quiet framing: ${k}`);

      const rejects = REJECT_REASONS.filter((k) => f[k] > 0)
        .map((k) => `${k} ${f[k]}`)
        .join(", ");
      summary.push(
        `${name}: ${f.sentences} forwarded, ${f.rejected} rejected${rejects ? ` (${rejects})` : ""}, ` +
          `${r.datagrams.length} datagrams, nmea-simple agrees on ${agree}/${opinions}` +
          (faults.length ? `, ${faults.length} known nmea-simple faults` : ""),
      );
    });
  }
});
