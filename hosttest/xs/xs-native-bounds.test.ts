// Held bounds for the board's per-sentence cost (issue 16), deterministic (the XS
// meter counts bytecodes; no timing): the full firmware wiring with the native
// byte helpers on the XS test host (the SDK's xs/ built with metering), over the
// whole NMEA corpus, host cost subtracted.
//
// Measured 2026-11-30: 3,887 units per sentence (4,962 before the xs-diet steps:
// field numbers parsed in the field-index call, fewer calls per sentence; the
// TypeScript loops on the same build: 26,456; before issue 16, xsnap: 28,531),
// 0.3 B allocated per sentence. The target is 3,000 units: not reached
// (docs/board-performance.md says where the rest goes), so the bound holds today's
// figure with a ~10 % margin and the allocation bound is the board budget of 16 B
// per sentence.

import * as assert from "node:assert/strict";
import { corpusChunks } from "./xs-figures";
import { computeOnXsh, xshBinary } from "./xsh";

const COMPUTE_BOUND = 4300;
const ALLOCATION_BOUND_BYTES = 16;

describe("XS cost per sentence with the native helpers (firmware wiring, whole corpus)", function () {
  this.timeout(180000);

  before(function () {
    const bin = xshBinary();
    if (!bin.path) {
      process.stdout.write(`      pending: ${bin.reason}\n`);
      this.skip();
    }
  });

  it(`<= ${COMPUTE_BOUND} compute units and <= ${ALLOCATION_BOUND_BYTES} B allocated per forwarded sentence`, () => {
    const r = computeOnXsh(corpusChunks(), { native: true });
    process.stdout.write(
      `      ${r.sentences} sentences: ${r.computePerSentence.toFixed(0)} units, ${r.slotsPerSentence.toFixed(3)} slots + ${r.chunkBytesPerSentence.toFixed(1)} chunk B = ${r.bytesPerSentenceEsp32.toFixed(1)} B per sentence\n`,
    );
    assert.ok(r.sentences > 8000, `${r.sentences} sentences measured`);
    assert.ok(
      r.computePerSentence <= COMPUTE_BOUND,
      `${r.computePerSentence.toFixed(0)} units per sentence > ${COMPUTE_BOUND}`,
    );
    assert.ok(
      r.bytesPerSentenceEsp32 <= ALLOCATION_BOUND_BYTES,
      `${r.bytesPerSentenceEsp32.toFixed(1)} B per sentence > ${ALLOCATION_BOUND_BYTES}`,
    );
  });
});
