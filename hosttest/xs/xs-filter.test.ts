// The output filter on XS with the full firmware wiring (issue 14): a 10-rule filter
// adds at most 10 % XS compute per sentence and allocates nothing per sentence.
// Deterministic XS meter figures (measureGatewayOnXs), on the first part of the corpus.
// The first six rules match nothing in the corpus and the last four pass what they
// match (/1, @0.001, plain), so nearly every sentence is compared with all ten rules
// and then sent as without a filter (the worst case), and the /N, @S and pass actions
// run. Figures per input sentence. bench/filter.ts gives them over the whole corpus.
//
// Measured 2026-11-30 (first 9000 chunks, 9963 sentences): 24 539 -> 25 106 compute units
// per sentence (+2.3 %); slots and bytes per sentence unchanged (0.0033 slots, 0.17 B).

import * as assert from "node:assert/strict";
import { corpusChunks } from "./xs-figures";
import { measureGatewayOnXs } from "./xs-harness";

const RULES = "!XDR,!MWV,!MDA,!DBT,!ZZ*,!YXXDR,TXT/1,ZDA@0.001,GBS,GST/1";

describe("XS: output filter cost with the firmware wiring", function () {
  this.timeout(300000);

  it("10 rules: compute per sentence +10 % at most, no allocation per sentence", async () => {
    const chunks = corpusChunks().slice(0, 9000);
    const none = await measureGatewayOnXs(chunks, { chunkBudgets: [65536, 16384] });
    const ten = await measureGatewayOnXs(chunks, { config: { outFilter: RULES }, chunkBudgets: [65536, 16384] });
    // Per input sentence: the figures are per forwarded sentence, and the filter holds a few back.
    const input = none.sentencesMeasured;
    const perInput = (f: typeof none) => (f.computePerSentence * f.sentencesMeasured) / input;
    const increase = (perInput(ten) - perInput(none)) / perInput(none);
    process.stdout.write(
      `      XS compute per input sentence (${input}): ${perInput(none).toFixed(0)} -> ${perInput(ten).toFixed(0)} (+${(increase * 100).toFixed(2)} %, ${ten.sentencesMeasured} forwarded); ` +
        `slots ${none.slotsPerSentence.toFixed(4)} -> ${ten.slotsPerSentence.toFixed(4)}, ESP32 bytes ${String(none.bytesPerSentenceEsp32)} -> ${String(ten.bytesPerSentenceEsp32)}\n`,
    );
    assert.ok(increase <= 0.1, `+${(increase * 100).toFixed(2)} %`);
    // The filter itself allocates nothing per sentence: the same slots and bytes per input
    // sentence as without it (one allocation per sentence would be >= 1 slot or >= 12 B).
    const slots = (f: typeof none) => (f.slotsPerSentence * f.sentencesMeasured) / input;
    assert.ok(slots(ten) <= slots(none) + 0.001, `${slots(ten)} vs ${slots(none)} slots per sentence`);
    assert.ok(
      none.bytesPerSentenceEsp32 !== null && ten.bytesPerSentenceEsp32 !== null,
      "collections happened (chunk bytes measured)",
    );
    const esp = (f: typeof none) => (f.bytesPerSentenceEsp32! * f.sentencesMeasured) / input;
    assert.ok(esp(ten) <= esp(none) + 0.5, `${esp(ten)} vs ${esp(none)} B per sentence`);
  });
});
