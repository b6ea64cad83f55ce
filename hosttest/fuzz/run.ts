// `npm run fuzz -- --runs N [--target NAME] [--seed S] [--json FILE]`: runs every fuzz
// target (hosttest/fuzz/targets.ts) for N cases (default 100000 each), in batches with
// fresh seeds, and reports cases, failures and time per target. `npm run fuzz` writes
// hosttest/fuzz/results.json and results.md (docs/reliability.md links them); --json FILE writes FILE
// and its .md instead. A failing batch
// prints its shrunk counterexample and the seed/path to replay it; the run goes on
// with the next batch, so one bug does not hide the others. Exit code 1 on any failure.

import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../lib/paths";
import { material } from "./material";
import { cleanupFuzz, netsideStats, TARGETS } from "./targets";

interface Row {
  target: string;
  cases: number;
  failures: number;
  seconds: number;
  casesPerSecond: number;
  examples: string[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The results as a table (hosttest/fuzz/results.md), written from the same object as the JSON. */
function markdown(r: {
  date: string;
  command: string;
  runsPerTarget: number;
  total: number;
  failed: number;
  seconds: number;
  machine: string;
  netsideCommandsAccepted: number;
  rows: Row[];
}): string {
  const l = [
    "# Fuzz results",
    "",
    `Written by \`${r.command}\` on ${r.date} (${r.machine}): ${r.runsPerTarget} cases per target, **${r.total} cases, ${r.failed} failing batches**, ${r.seconds} s. Raw: [results.json](results.json).`,
    "",
    "| target | cases | failing batches | s | cases/s |",
    "|---|---|---|---|---|",
    ...r.rows.map((x) => `| ${x.target} | ${x.cases} | ${x.failures} | ${x.seconds} | ${x.casesPerSecond} |`),
    "",
  ];
  if (r.netsideCommandsAccepted)
    l.push(`netside.commands: ${r.netsideCommandsAccepted} commands passed the gate to the UART.`, "");
  for (const x of r.rows) for (const e of x.examples) l.push(`- ${x.target}: ${e.replace(/\n\s*/g, " ")}`);
  return l.join("\n") + "\n";
}

function main(): number {
  if (process.argv.includes("--help")) {
    process.stdout.write(
      "usage: npm run fuzz -- [--runs N] [--target NAME[,NAME]] [--seed S] [--batch B] [--json FILE]\n" +
        "targets: " +
        TARGETS.map((t) => t.name).join(" ") +
        "\n",
    );
    return 0;
  }
  const runs = Number(arg("runs") ?? 100000);
  const batch = Number(arg("batch") ?? 20000);
  const only = arg("target");
  let seed = Number(arg("seed") ?? Date.now() % 2147483647);
  if (!(runs > 0) || !(batch > 0)) {
    process.stderr.write("--runs and --batch must be positive\n");
    return 2;
  }
  const t0 = Date.now();
  material();
  process.stdout.write(
    `material loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${runs} cases per target, first seed ${seed}\n`,
  );
  const rows: Row[] = [];
  for (const t of TARGETS) {
    // --target NAME[,NAME...]: substrings of target names; a leading '!' excludes.
    if (only) {
      const f = only.split(","),
        pos = f.filter((o) => !o.startsWith("!")),
        neg = f.filter((o) => o.startsWith("!")).map((o) => o.slice(1));
      if ((pos.length && !pos.some((o) => t.name.includes(o))) || neg.some((o) => t.name.includes(o))) continue;
    }
    const prop = t.property();
    const start = Date.now();
    let done = 0,
      failures = 0;
    const examples: string[] = [];
    while (done < runs) {
      const n = Math.min(batch, runs - done);
      const s = seed++;
      const r = fc.check(prop, { numRuns: n, seed: s });
      done += r.numRuns;
      if (r.failed) {
        failures++;
        const ex = `seed ${s} path ${r.counterexamplePath}: ${String((r.errorInstance as Error | undefined)?.message ?? r.errorInstance).slice(0, 600)}\n    counterexample: ${fc.stringify(r.counterexample).slice(0, 800)}`;
        if (examples.length < 3) {
          examples.push(ex);
          process.stdout.write(`  FAIL ${t.name} ${ex}\n`);
        }
        if (r.numRuns === 0) done += 1;
      }
    }
    const seconds = (Date.now() - start) / 1000;
    const row = {
      target: t.name,
      cases: done,
      failures,
      seconds: +seconds.toFixed(1),
      casesPerSecond: Math.round(done / Math.max(seconds, 0.001)),
      examples,
    };
    rows.push(row);
    process.stdout.write(
      `${t.name.padEnd(28)} ${String(done).padStart(10)} cases  ${String(failures).padStart(3)} failing batches  ${seconds.toFixed(1).padStart(7)} s  (${row.casesPerSecond}/s)\n`,
    );
  }
  cleanupFuzz();
  if (netsideStats.cases)
    process.stdout.write(
      `netside.commands: ${netsideStats.accepted} commands passed the gate to the UART, ${netsideStats.refused} refused, in ${netsideStats.cases} cases\n`,
    );
  const total = rows.reduce((a, r) => a + r.cases, 0);
  const failed = rows.reduce((a, r) => a + r.failures, 0);
  const secs = (Date.now() - t0) / 1000;
  process.stdout.write(`total: ${total} cases, ${failed} failing batches, ${secs.toFixed(1)} s\n`);
  const out =
    arg("json") ??
    (process.env.npm_lifecycle_event === "fuzz" ? path.join(REPO_ROOT, "hosttest", "fuzz", "results.json") : undefined);
  if (!out) return failed ? 1 : 0;
  const command = "npm run fuzz -- " + process.argv.slice(2).join(" ");
  const result = {
    date: new Date(t0).toISOString(),
    command: command.trim(),
    runsPerTarget: runs,
    batch,
    total,
    failed,
    seconds: +secs.toFixed(1),
    machine: `${os.cpus().length} cores, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" / ")}`,
    netsideCommandsAccepted: netsideStats.accepted,
    rows,
  };
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  fs.writeFileSync(out.replace(/\.json$/, "") + ".md", markdown(result));
  process.stdout.write(`wrote ${out} and .md\n`);
  return failed ? 1 : 0;
}

process.exitCode = main();
