// Held bound for the board's per-sentence cost in RV32 instructions (issue 24),
// deterministic: the firmware wiring with the native helpers on XS built for bare-metal
// rv32imc (scripts/build-xs-rv32.sh, cached in .cache/xs-rv32) under
// qemu-system-riscv32 -icount shift=0, where minstret counts retired instructions
// exactly (checked first on a loop of known length). A slice of the corpus keeps the
// test cheap (~20-40 s); the whole corpus is bench/rv32.ts's (npm run bench).
//
// Bound: the level after issue 24's cuts on this slice (docs/board-performance.md):
// on the first 300 chunks 203,042 instructions per forwarded sentence before them (43,727
// in the native helpers), 178,632 (19,317) after the integer mantissa; on this slice
// 178,095 (19,739) then, 173,097 (14,741) with the NaN fill as word stores; 172,253
// (15,308) with the framer's common rejects and counts in frameText (branch corecut);
// 143,933 (11,914) after the Beidou side's second cut (branch decodecut: state-only
// decode fused with the state's update, kinds decoding only what apply reads);
// 137,698 (12,555) after its third (GSA's slots and GSV's groups in one native fieldIds
// call, the sky view's columns in native wholes calls: more in C, less in XS);
// 119,591 (11,077) on the core branch alone with the forward chain in one function and
// the datagram sized by writeLine (core alone 86,226 -> 62,306); 113,244 (11,717) with both merged;
// 82,539 (11,659) with the core's common path in one native call per sentence (branch
// coreA: bytes.forwardText, carrier lines in bytes.carrierLine).
// 78,007 (9,414) with the Beidou side's hot kinds decoded and applied in one native call
// (src/native/fixes.c, branch beidouB); 76,059 (9,414) with the once-a-second work cut
// (own line counts dated by native fills, alert levels by one lookup, counters read once);
// 45,210 (9,356) with the core and Beidou branches merged; 33,954 (8,237) after the forward
// loop's per-read and per-sentence JS was cut (no `this` in its arrow, onUnit given the read's
// time, a datagram and the next unit from one call, "$$" lines native); 27,369 (7,984) with
// the board's word-copying memcpy in the RV32 host (picolibc's release build, not the byte loop);
// 28,973 (7,984) with the harness on two clocks as the board (the gateway's and the state's).
// A planted 40-turn JS loop per forwarded sentence (in the gateway's forward loop) adds
// ~16,400 (43,805 on this slice with one clock): the test fails.

import * as assert from "node:assert/strict";
import { corpusChunks } from "./xs-figures";
import { computeOnXsh, runXsh, rv32Binary, xshBundle } from "./xsh";

/** The first chunks of the corpus (as the firmware's UART hands them over). */
const RV32_SLICE_CHUNKS = 600;
const RV32_INSTRUCTIONS_BOUND = 30500;
const RV32_NATIVE_BOUND = 9000;

describe("RV32 instructions per sentence (XS on rv32imc under QEMU, firmware wiring, corpus slice)", function () {
  this.timeout(600000);

  before(function () {
    const bin = rv32Binary();
    if (!bin.path) {
      process.stdout.write(`      pending: ${bin.reason}\n`);
      this.skip();
    }
  });

  it("the instruction counter is exact: a 2-instruction loop of 2n turns counts exactly 2n more than n turns", () => {
    for (const n of [1000, 54321]) {
      const printed = runXsh(xshBundle([], `XSH.print(JSON.stringify(XSH.sanity(${n})));`), [], true);
      assert.equal(Number(printed.trim().split("\n").pop()), 2 * n);
    }
  });

  it(`<= ${RV32_INSTRUCTIONS_BOUND} instructions (native helpers <= ${RV32_NATIVE_BOUND}) per forwarded sentence`, () => {
    const r = computeOnXsh(corpusChunks().slice(0, RV32_SLICE_CHUNKS), { native: true, rv32: true });
    process.stdout.write(
      `      ${r.sentences} sentences: ${r.computePerSentence.toFixed(0)} RV32 instructions (native ${r.nativePerSentence.toFixed(0)}), ${r.bytesPerSentenceEsp32.toFixed(1)} B allocated per sentence\n`,
    );
    assert.ok(r.sentences > 500, `${r.sentences} sentences measured`);
    assert.ok(r.nativePerSentence > 0, "the native helpers ran");
    assert.ok(
      r.computePerSentence <= RV32_INSTRUCTIONS_BOUND,
      `${r.computePerSentence.toFixed(0)} instructions per sentence > ${RV32_INSTRUCTIONS_BOUND}`,
    );
    assert.ok(
      r.nativePerSentence <= RV32_NATIVE_BOUND,
      `${r.nativePerSentence.toFixed(0)} native instructions per sentence > ${RV32_NATIVE_BOUND}`,
    );
    assert.ok(r.bytesPerSentenceEsp32 <= 16, `${r.bytesPerSentenceEsp32.toFixed(1)} B per sentence > 16`);
  });
});
