#!/usr/bin/env node
// Mutation check: plants one-line bugs, one at a time, in a copy of the tree and runs only
// the unit test files aimed at them (not the corpus ones). Every bug must fail at least one
// test of the file written for it; the report names the tests that caught each bug.
//
//   node scripts/mutate.js [--only NAME] [--report FILE]
//
// The copy: the repository's files (git ls-files, tracked and new) in a temporary folder,
// node_modules linked, built once with tsc. Each mutant rewrites one source file, compiles
// just that file (TypeScript's transpileModule, the project's options) over its dist/ output,
// runs the mocha files listed, and restores it. An anchor is matched on code text: when it is
// missing or not unique (code moved by a refactor), the script fails and says so, so a
// mutant is never silently skipped. Exit status 0 only when every mutant was caught by its
// own test file.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const repo = path.resolve(__dirname, "..");

/**
 * The planted bugs. `anchor`: code text that must occur exactly once in `file`; `bug`: what
 * replaces it (one line changes); `tests`: the unit test files run; `aimed`: the file written
 * for this bug (it must catch it).
 */
const MUTANTS = [
  {
    name: "south read as north",
    file: "src/core/bytes.ts",
    anchor: "(h === 0x53 ? -deg : deg)",
    bug: "(h === 0x53 ? deg : deg)",
    tests: ["hemispheres", "beidou-sentences"],
    aimed: "hemispheres",
  },
  {
    name: "west read as east",
    file: "src/core/bytes.ts",
    anchor: "(h === 0x57 ? -deg : deg)",
    bug: "(h === 0x57 ? deg : deg)",
    tests: ["hemispheres", "beidou-sentences"],
    aimed: "hemispheres",
  },
  {
    name: "RDSS 4.0 configured south hemisphere ignored",
    file: "src/beidou/frames/dwxx.ts",
    anchor: "f.latitude = f.south ? -dms(b, 22) : dms(b, 22);",
    bug: "f.latitude = dms(b, 22);",
    tests: ["hemispheres", "beidou-rdss40"],
    aimed: "hemispheres",
  },
  {
    name: "WAA encoder writes N for a southern latitude",
    file: "src/beidou/command.ts",
    anchor: ': v < 0 ? "S" : "N"];',
    bug: ': v < 0 ? "N" : "N"];',
    tests: ["hemispheres", "beidou-encode"],
    aimed: "hemispheres",
  },
  {
    name: "n: wrap off by one on the TAG block path (d: answers, carried, verbatim)",
    file: "src/core/encoder.ts",
    anchor: "b[FW_LINE] = b[FW_LINE] >= 999 ? 1 : b[FW_LINE] + 1;",
    bug: "b[FW_LINE] = b[FW_LINE] > 999 ? 1 : b[FW_LINE] + 1;",
    tests: ["line-count", "encoder", "netside", "gateway"],
    aimed: "line-count",
  },
  {
    name: "n: wrap off by one on the plain path",
    file: "src/core/encoder.ts",
    anchor: "const next = block[FW_LINE] >= 999 ? 1 : block[FW_LINE] + 1;",
    bug: "const next = block[FW_LINE] > 999 ? 1 : block[FW_LINE] + 1;",
    tests: ["line-count", "encoder"],
    aimed: "line-count",
  },
  {
    name: "n: wrap off by one on the gateway's forward loop (bytes.forwardText)",
    file: "src/core/bytes.ts",
    anchor: "const line = w[FW_LINE] >= 999 ? 1 : w[FW_LINE] + 1;",
    bug: "const line = w[FW_LINE] > 999 ? 1 : w[FW_LINE] + 1;",
    tests: ["line-count", "gateway"],
    aimed: "line-count",
  },
  {
    name: "the next sentence framed after a datagram handed to onUnit a byte short (bytes.forwardText)",
    file: "src/core/bytes.ts",
    anchor: "w[FW_PENDING] = coreLen;",
    bug: "w[FW_PENDING] = coreLen - 1;",
    tests: ["corpus", "gateway"],
    aimed: "corpus",
  },
  {
    name: "a line's doubled start character counted as a bad character, not a truncated unit (bytes.frameCore)",
    file: "src/core/bytes.ts",
    anchor: "addTally(t, TALLY_REJECTED + CODE_TRUNCATED, 1);",
    bug: "addTally(t, TALLY_REJECTED + CODE_BAD_CHARACTER, 1);",
    tests: ["corpus", "framer"],
    aimed: "corpus",
  },
  {
    name: "checksums written in lower-case hex",
    file: "src/nmea/checksum.ts",
    anchor: 'const HEX = "0123456789ABCDEF";',
    bug: 'const HEX = "0123456789abcdef";',
    tests: ["line-count", "gateway", "netside", "encoder"],
    aimed: "line-count",
  },
  {
    name: "TAG checksum taken over the leading backslash",
    // The TAG block is written by one helper (native on the board; this TypeScript twin on
    // Node, held equal to the C by native-sameness): its checksum starts after the backslash.
    file: "src/core/bytes.ts",
    anchor: "const x = xor(out, start, p);",
    bug: "const x = xor(out, start - 1, p);",
    tests: ["line-count", "encoder", "netside"],
    aimed: "line-count",
  },
  {
    name: "command allowlist lets every source through",
    file: "src/core/net/command-gate.ts",
    anchor: "if (allow.indexOf(from.toUpperCase()) < 0)",
    bug: "if (allow.indexOf(from.toUpperCase()) < -1)",
    tests: ["netside", "hostile"],
    aimed: "hostile",
  },
  {
    name: "filter decimation ~N passes one in N+1",
    file: "src/core/filter.ts",
    anchor: "this.phase[i] = p + 1 >= this.c.arg[i] ? 0 : p + 1;",
    bug: "this.phase[i] = p + 1 > this.c.arg[i] ? 0 : p + 1;",
    tests: ["filters"],
    aimed: "filters",
  },
  {
    name: "rate ceiling lets maxRate + 1 through per second",
    file: "src/core/gateway.ts",
    anchor: "if (!exempt && rateCount[group] >= max) {",
    bug: "if (!exempt && rateCount[group] > max) {",
    tests: ["filters", "gateway"],
    aimed: "filters",
  },
  {
    name: "settings rule bound: ttl accepts 256",
    file: "src/settings/settings.ts",
    anchor: 'key: "ttl",\n    kind: "int",\n    range: "1..255",\n    min: 1,\n    max: 255,',
    bug: 'key: "ttl",\n    kind: "int",\n    range: "1..255",\n    min: 1,\n    max: 256,',
    tests: ["settings"],
    aimed: "settings",
  },
  {
    name: "CRC-32 polynomial off by one bit",
    file: "src/platform/node/settings-file.ts",
    anchor: "c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;",
    bug: "c = c & 1 ? 0xedb88321 ^ (c >>> 1) : c >>> 1;",
    tests: ["settings"],
    aimed: "settings",
  },
  {
    name: "a ^hh escape in a Chinese TXA from the network keeps one hex digit",
    file: "src/beidou/sentences/txa.ts",
    anchor: "data.push(h);\n      i += 2;",
    bug: "data.push(h);\n      i += 1;",
    tests: ["hostile", "netside"],
    aimed: "hostile",
  },
];

function args() {
  const a = process.argv.slice(2);
  const o = { only: undefined, report: undefined };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "--only") o.only = a[++i];
    else if (a[i] === "--report") o.report = a[++i];
    else throw new Error(`unknown argument ${a[i]} (use --only NAME, --report FILE)`);
  }
  return o;
}

function run(cmd, argv, cwd) {
  return spawnSync(cmd, argv, { cwd, encoding: "utf8", maxBuffer: 256 << 20 });
}

/** Where mocha writes the failures: the JSON reporter into a file (tests may print to stdout). */
function mocha(copy, files) {
  const out = path.join(copy, ".mutate-report.json");
  fs.rmSync(out, { force: true });
  const r = run(
    process.execPath,
    [
      path.join(copy, "node_modules", "mocha", "bin", "mocha.js"),
      "--reporter",
      "json",
      "--reporter-option",
      `output=${out}`,
      ...files.map((f) => path.join("dist", "hosttest", f + ".test.js")),
    ],
    copy,
  );
  if (!fs.existsSync(out)) throw new Error(`mocha wrote no report (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  const rep = JSON.parse(fs.readFileSync(out, "utf8"));
  return {
    passes: rep.stats.passes,
    failures: rep.failures.map((f) => ({
      file: path.basename(f.file || "?").replace(/\.test\.js$/, ""),
      title: f.title,
    })),
  };
}

function main() {
  const o = args();
  const list = o.only ? MUTANTS.filter((m) => m.name.includes(o.only)) : MUTANTS;
  if (list.length === 0) throw new Error(`no mutant matches ${o.only}`);

  // Anchors first, on the real tree: a missing or repeated anchor fails the whole check.
  const problems = [];
  for (const m of list) {
    const where = path.join(repo, m.file);
    if (!fs.existsSync(where)) {
      problems.push(`${m.name}: anchor not found: no file ${m.file}`);
      continue;
    }
    const text = fs.readFileSync(where, "utf8");
    const count = text.split(m.anchor).length - 1;
    if (count !== 1)
      problems.push(
        `${m.name}: anchor ${count === 0 ? "not found" : `found ${count} times`} in ${m.file}: ${JSON.stringify(m.anchor)}`,
      );
    const changed = m.anchor.split("\n").filter((l, i) => l !== m.bug.split("\n")[i]).length;
    if (changed !== 1 || m.anchor.split("\n").length !== m.bug.split("\n").length)
      problems.push(`${m.name}: the bug must change exactly one line`);
    for (const t of [...m.tests, m.aimed])
      if (!fs.existsSync(path.join(repo, "hosttest", t + ".test.ts")))
        problems.push(`${m.name}: no test file hosttest/${t}.test.ts`);
    if (!m.tests.includes(m.aimed)) problems.push(`${m.name}: its aimed test file ${m.aimed} is not among those run`);
  }
  if (problems.length) {
    console.error("mutate: the mutants no longer fit the code:\n  " + problems.join("\n  "));
    process.exit(2);
  }

  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-mutate-"));
  // Interrupted: the copy goes too (children get the same signal from the terminal).
  for (const sig of ["SIGINT", "SIGTERM"])
    process.on(sig, () => {
      fs.rmSync(copy, { recursive: true, force: true });
      process.exit(130);
    });
  try {
    const files = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], repo)
      .stdout.split("\0")
      .filter(Boolean);
    for (const f of files) {
      const src = path.join(repo, f);
      if (!fs.existsSync(src)) continue; // deleted in the work tree
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(src, path.join(copy, f));
    }
    fs.symlinkSync(path.join(repo, "node_modules"), path.join(copy, "node_modules"), "dir");
    process.stdout.write(`copy in ${copy}; building with tsc ...\n`);
    const tsc = run(process.execPath, [path.join(copy, "node_modules", "typescript", "bin", "tsc"), "-p", "."], copy);
    if (tsc.status !== 0) throw new Error(`tsc failed in the copy:\n${tsc.stdout}${tsc.stderr}`);

    const ts = require(path.join(repo, "node_modules", "typescript"));
    const cfg = ts.getParsedCommandLineOfConfigFile(
      path.join(copy, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
      },
    );

    const allTests = [...new Set(list.flatMap((m) => m.tests))];
    const base = mocha(copy, allTests);
    if (base.failures.length)
      throw new Error(`the unmutated copy fails:\n  ${base.failures.map((f) => `${f.file}: ${f.title}`).join("\n  ")}`);
    process.stdout.write(`baseline: ${base.passes} tests pass in ${allTests.length} files\n`);

    const results = [];
    for (const m of list) {
      const tsFile = path.join(copy, m.file);
      const jsFile = path.join(copy, "dist", m.file.replace(/\.ts$/, ".js"));
      const tsText = fs.readFileSync(tsFile, "utf8");
      const jsText = fs.readFileSync(jsFile, "utf8");
      const mutated = tsText.replace(m.anchor, () => m.bug);
      fs.writeFileSync(tsFile, mutated);
      const js = ts.transpileModule(mutated, { compilerOptions: cfg.options, fileName: tsFile }).outputText;
      fs.writeFileSync(jsFile, js);
      let r;
      try {
        r = mocha(copy, m.tests);
      } finally {
        fs.writeFileSync(tsFile, tsText);
        fs.writeFileSync(jsFile, jsText);
      }
      const byAimed = r.failures.filter((f) => f.file === m.aimed);
      const verdict = byAimed.length ? "caught" : r.failures.length ? "NOT CAUGHT BY ITS OWN TEST" : "SURVIVED";
      results.push({ m, failures: r.failures, verdict });
      process.stdout.write(`${verdict.padEnd(26)} ${m.name} (${r.failures.length} failing)\n`);
    }

    const rows = results.map(({ m, failures, verdict }) => {
      const byFile = new Map();
      for (const f of failures) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f.title]);
      const caught = [...byFile]
        .map(([file, titles]) => `**${file}** (${titles.length}): “${titles[0]}”${titles.length > 1 ? " …" : ""}`)
        .join("<br>");
      const diff = m.anchor
        .split("\n")
        .find((l, i) => l !== m.bug.split("\n")[i])
        .trim();
      const to = m.bug
        .split("\n")
        .find((l, i) => l !== m.anchor.split("\n")[i])
        .trim();
      return `| ${m.name} | \`${m.file}\`: \`${diff}\` → \`${to}\` | ${m.tests.join(", ")} | ${verdict} | ${caught || "—"} |`;
    });
    const table = [
      "| planted bug | change | test files run | verdict (aimed file) | failing tests |",
      "|---|---|---|---|---|",
      ...rows,
    ].join("\n");
    if (o.report) fs.writeFileSync(o.report, table + "\n");
    else process.stdout.write("\n" + table + "\n");
    const bad = results.filter((r) => r.verdict !== "caught");
    if (bad.length) {
      console.error(`mutate: ${bad.length} of ${results.length} planted bugs not caught by the test written for them`);
      process.exit(1);
    }
    process.stdout.write(`mutate: all ${results.length} planted bugs caught\n`);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

main();
