// Robustness: arbitrary fields under every known formatter and arbitrary 4.0 payloads
// under every known command never crash the decoders, the state or the JSON view; a
// frame's 2.1 text, when produced, is always a valid sentence that decodes cleanly.

import * as assert from "node:assert/strict";
import fc from "fast-check";
import { SentenceDecoder, sentenceJson } from "../src/beidou/decoder";
import { encodeFrame, FrameDecoder } from "../src/beidou/rdss40";
import { DeviceState } from "../src/beidou/state";
import { DECODER_TABLE, FRAME_KINDS } from "../src/beidou/table";
import { SentenceFramer } from "../src/core/framer";
import { decodeGb2312 } from "../src/platform/node/gb2312";

function checksummed(body: number[]): Uint8Array {
  let x = 0;
  for (const v of body) x ^= v;
  const h = x.toString(16).toUpperCase().padStart(2, "0");
  return new Uint8Array([0x24, ...body, 0x2a, h.charCodeAt(0), h.charCodeAt(1)]);
}

const fieldChar = fc.constantFrom(..."0123456789.-+ABCDEFNSEWMVYTKHLZ ", "\xb1", "\xa3");
const field = fc.array(fieldChar, { maxLength: 12 }).map((a) => a.join(""));

describe("beidou robustness", () => {
  const formatters = DECODER_TABLE.map((r) => r.formatter);
  const talkers = ["GN", "GP", "BD", "GB", "CC", "PQ", "GL"];

  it("arbitrary fields under every formatter: no throw, JSON serialisable, state updated safely", () => {
    const dec = new SentenceDecoder();
    const state = new DeviceState({ decodeText: decodeGb2312, events: { add: () => undefined } });
    let errors = 0,
      decoded = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...talkers),
        fc.constantFrom(...formatters),
        fc.array(field, { maxLength: 30 }),
        (t, f, fields) => {
          const body = Array.from(t + f + (fields.length ? "," + fields.join(",") : ""), (c) => c.charCodeAt(0) & 0xff);
          const s = checksummed(body);
          const d = dec.decode(s, s.length);
          if (d.error) errors++;
          else decoded++;
          JSON.stringify(sentenceJson(d, { decodeText: decodeGb2312 }));
          state.onSentence(d, 1000);
          state.tick(2000);
          JSON.stringify(state.snapshot(3000));
        },
      ),
      { numRuns: 5000 },
    );
    assert.ok(errors > 0 && decoded > 0, `errors ${errors}, decoded ${decoded}`);
  });

  it("arbitrary payloads under every 4.0 command: no throw; any 2.1 text is a valid, cleanly decoded sentence", () => {
    const fd = new FrameDecoder();
    const sd = new SentenceDecoder();
    const out = new Uint8Array(512);
    let converted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...FRAME_KINDS.map((k) => k.name)),
        fc.integer({ min: 0, max: 0xffffff }),
        fc.oneof(
          fc.uint8Array({ maxLength: 60 }),
          fc.uint8Array({ maxLength: 40, max: 4 }),
          fc.uint8Array({ maxLength: 40, max: 70 }),
          fc.uint8Array({ minLength: 11, maxLength: 14, max: 5 }).map((a) => {
            a[0] = 0;
            return a;
          }),
        ),
        (cmd, user, payload) => {
          const frame = encodeFrame(cmd, user, payload);
          fd.decode(frame, frame.length);
          JSON.stringify(fd.json(frame, frame.length, { decodeText: decodeGb2312 }));
          const n = fd.toText(out);
          if (n === 0) return;
          converted++;
          const units: string[] = [];
          const framer = new SentenceFramer({
            onSentence: () => units.push("s"),
            onReject: (r) => units.push(r),
            onFrame: () => units.push("f"),
          });
          framer.feed(new Uint8Array([...out.subarray(0, n), 13, 10]));
          assert.deepEqual(units, ["s"], Buffer.from(out.subarray(0, n)).toString("latin1"));
          const d = sd.decode(out, n);
          assert.equal(d.error, null, `${d.error}: ${Buffer.from(out.subarray(0, n)).toString("latin1")}`);
        },
      ),
      { numRuns: 5000 },
    );
    assert.ok(converted > 500, `converted ${converted}`);
  });
});
