// What the output filter costs on XS (issue 14: at most +10 % compute per sentence with
// a 10-rule filter). The core gateway runs in xsnap over the clean corpus stream (every
// forwarded sentence, CR LF) three times, with the deterministic XS compute meter:
//   none     no outFilter
//   worst10  10 rules of which none matches this stream: every sentence is compared
//            with all ten, then encoded and sent as without a filter (the upper bound)
//   mixed10  10 rules a user would write (blocks, /N, @S): less is encoded, so it may
//            cost less than none
// Compute is per input sentence (the filter's work happens for every one of them).
// Standalone: node dist/bench/filter.js

import { bundle, XsWorker } from "../hosttest/xs/xs-harness";
import { makeConfig } from "../src/core/config";
import { Gateway } from "../src/core/gateway";
import { EPOCH_MS, FEED_CHUNK, forwardedSentences, loadCorpus, round } from "./common";
import { sendInput } from "./xs";

export const FILTERS: Record<string, string> = {
  none: "",
  worst10: "!XDR,!MWV,!MDA,!DBT,!MTW,!VHW,!ZZ*,AIVDM/2,!YXXDR,TTM@1",
  mixed10: "!GSV,GGA/5,RMC@1,!GPGSA,BD*/2,!TXT,GNS/2,ZDA@10,VTG/3,GLL@5",
};

function script(): string {
  return bundle(
    ["src/core/gateway", "src/core/config"],
    `
  const { Gateway } = require("src/core/gateway");
  const { makeConfig } = require("src/core/config");
  let input, fill = 0;
  const empty = new ArrayBuffer(0);
  globalThis.handleCommand = function (message) {
    const m = new Uint8Array(message);
    if (m[0] === 0) { input = new Uint8Array(((m[1] << 24) | (m[2] << 16) | (m[3] << 8) | m[4]) >>> 0); fill = 0; }
    else { input.set(m.subarray(1), fill); fill += m.length - 1; }
    return empty;
  };
  // Monotonic time advances 50 ms per sentence, so @S rules see a stream of ~20 sentences/s.
  let t = 0;
  const clock = { now() { return ${EPOCH_MS}; }, monotonic() { return t; } };
  const sink = { datagrams: 0, check: 0 };
  const gateways = {};
  for (const [name, rules] of ${JSON.stringify(Object.entries(FILTERS))}) {
    gateways[name] = new Gateway({
      config: makeConfig({ outFilter: rules, startupCmds: false }), clock,
      onUnit(kind) { t += 50; },
      onDatagram(b, n) { sink.datagrams++; sink.check ^= b[n - 3]; },
    });
  }
  globalThis.bench = {
    run(name) {
      const gw = gateways[name];
      for (let i = 0; i < input.length; i += ${FEED_CHUNK}) gw.feed(input, i, i + ${FEED_CHUNK} < input.length ? i + ${FEED_CHUNK} : input.length);
      return gw.counters.forwarded;
    },
  };`,
  );
}

export interface FilterBench {
  sentences: number;
  filters: Record<string, string>;
  /** XS compute units per input sentence, per filter. */
  computePerSentence: Record<string, number>;
  /** Heap slots added per sentence over a pass (NaN when a collection ran during it). */
  slotsPerSentence: Record<string, number>;
  /** Sentences forwarded (after the filter) per pass. */
  forwardedPerPass: Record<string, number>;
  /** worst10 over none, in percent. */
  worstIncreasePercent: number;
  mixedChangePercent: number;
  target: string;
  met: boolean;
}

export async function runFilterBench(log: (s: string) => void): Promise<FilterBench> {
  const list = forwardedSentences(loadCorpus().bytes);
  const clean = new Uint8Array(Buffer.from(list.map((l) => l + "\r\n").join(""), "latin1"));
  log(`  XS: output filter cost over the clean corpus stream (${list.length} sentences)`);
  const w = await XsWorker.start(script());
  try {
    await sendInput(w, clean);
    const compute: Record<string, number> = {},
      slots: Record<string, number> = {};
    for (const name of Object.keys(FILTERS)) {
      await w.evaluate(`bench.run(${JSON.stringify(name)})`); // warm-up: first-use allocations
      const before = w.last.currentHeapCount;
      const m = await w.evaluate(`bench.run(${JSON.stringify(name)})`);
      compute[name] = round(m.compute / list.length, 1);
      // Heap slots in use after the pass minus before: a collection in between makes it meaningless (null).
      slots[name] = m.currentHeapCount >= before ? round((m.currentHeapCount - before) / list.length, 3) : NaN;
    }
    // Sentences forwarded per pass: the same core on Node (the XS tests hold both engines byte-identical).
    const forwarded: Record<string, number> = {};
    for (const [name, rules] of Object.entries(FILTERS)) {
      let t = 0;
      const gw = new Gateway({
        config: makeConfig({ outFilter: rules, startupCmds: false }),
        clock: { now: () => EPOCH_MS, monotonic: () => t },
        onUnit: () => {
          t += 50;
        },
        onDatagram: () => undefined,
      });
      for (let i = 0; i < clean.length; i += FEED_CHUNK) gw.feed(clean, i, Math.min(clean.length, i + FEED_CHUNK));
      forwarded[name] = gw.counters.forwarded;
    }
    const worst = round(((compute.worst10 - compute.none) / compute.none) * 100, 2);
    const mixed = round(((compute.mixed10 - compute.none) / compute.none) * 100, 2);
    return {
      sentences: list.length,
      filters: FILTERS,
      computePerSentence: compute,
      slotsPerSentence: slots,
      forwardedPerPass: forwarded,
      worstIncreasePercent: worst,
      mixedChangePercent: mixed,
      target: "<= +10 % compute per sentence with a 10-rule filter",
      met: worst <= 10,
    };
  } finally {
    await w.close();
  }
}

/** Lines for bench/results.md. */
export function filterMarkdown(f: FilterBench | undefined): string[] {
  if (!f) return [];
  const lines = [
    "## Output filter on XS (issue 14)",
    "",
    `The core gateway in xsnap over the clean corpus stream (${f.sentences} sentences), deterministic XS compute meter, per input sentence (\`bench/filter.ts\`):`,
    "",
    "| outFilter | rules | forwarded | compute per sentence | change | heap slots per sentence |",
    "|---|---|---|---|---|---|",
  ];
  for (const k of Object.keys(f.filters)) {
    const ch =
      k === "none"
        ? ""
        : `${f.computePerSentence[k] >= f.computePerSentence.none ? "+" : ""}${round(((f.computePerSentence[k] - f.computePerSentence.none) / f.computePerSentence.none) * 100, 1)} %`;
    lines.push(
      `| ${k} | \`${f.filters[k] || "(none)"}\` | ${f.forwardedPerPass[k]} | ${f.computePerSentence[k]} | ${ch} | ${f.slotsPerSentence[k]} |`,
    );
  }
  lines.push(
    "",
    `Target ${f.target}: worst case (no rule matches, all ten compared, everything sent) ${f.worstIncreasePercent >= 0 ? "+" : ""}${f.worstIncreasePercent} %: **${f.met ? "met" : "NOT met"}**.`,
    "",
  );
  return lines;
}

if (require.main === module) {
  runFilterBench((s) => process.stderr.write(s + "\n")).then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + "\n"),
    (e) => {
      process.stderr.write(String(e?.stack ?? e) + "\n");
      process.exitCode = 1;
    },
  );
}
