// Held bounds for the board's per-sentence cost (issue 16), deterministic (the XS
// meter counts bytecodes; no timing): the full firmware wiring with the native
// byte helpers on the XS test host (the SDK's xs/ built with metering), over the
// whole NMEA corpus, host cost subtracted.
//
// The bound is the target, 3,000 units per forwarded sentence (28,531 before
// issue 16 on xsnap; 4,962 with the native helpers; 3,861 after the first diet; about
// 2,970 since rejects, own line counts and unit times stopped costing a call each and the
// framer's common path became one native call per line: docs/board-performance.md).
// Allocation: the board budget of 16 B per sentence (measured 0.3 B).

import * as assert from "node:assert/strict";
import { skipBecause } from "../lib/skip";
import { corpusChunks } from "./xs-figures";
import { computeOnXsh, xshBinary } from "./xsh";

const COMPUTE_BOUND = 3000;
const ALLOCATION_BOUND_BYTES = 16;

describe("XS cost per sentence with the native helpers (firmware wiring, whole corpus)", function () {
  this.timeout(180000);

  before(function () {
    const bin = xshBinary();
    if (!bin.path) skipBecause(this, bin.reason ?? "no XS test host");
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
