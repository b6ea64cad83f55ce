"use strict";
// One TypeScript program per firmware target instead of mcconfig's one `tsc` per module.
//
// mcconfig's makefile has, for every .ts module M, a rule
//   $(TMP_DIR)/tsc/<M>/<source path>.js : <source>.ts $(MODULES_DIR)/tsconfig-base.json
//       tsc -p $(MODULES_DIR)/<M>-tsconfig.json
// where <M>-tsconfig.json extends tsconfig-base.json with rootDir "/", outDir $(TMP_DIR)/tsc/<M>
// and files [<source>.ts]. Each such tsc loads and checks the module's whole import closure
// again: ~100 programs per target, 13 min cold for 4 targets on 2 cores.
//
// prebuild() runs one tsc over the sources of the modules make would rebuild (every one on a
// cold build) with the same base options (one tsconfig extending tsconfig-base.json, rootDir
// "/"), then writes each such rule's target .js and its .js.map
// where the rule puts them: the .js as emitted (tsc's emit of a file depends on that file and
// the options, not on the outDir), the map with its "sources" path made relative to the rule's
// location as tsc makes it. A file whose content is already there is left alone, so its mtime
// stays and make's xsc step is not redone. The targets are then newer than their prerequisites,
// so make finds them up to date and runs only xsc/xsl (and the C of x-cli-lin).
// hosttest/fw-tsc.test.ts compares both ways' outputs and the module list with the makefile's.

const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const RULE =
  /^\$\(TMP_DIR\)(\S+\.js) : (\S+\.ts) \$\(MODULES_DIR\)\/tsconfig-base\.json[^\n]*\n(?:\t@echo[^\n]*\n)?\t(\S+) -p \$\(MODULES_DIR\)\/(\S+-tsconfig\.json)/gm;
/^\$\(TMP_DIR\)(\S+\.js) : (\S+\.ts) \$\(MODULES_DIR\)\/tsconfig-base\.json\b.*\n\t(\S+) -p \$\(MODULES_DIR\)\/(\S+-tsconfig\.json)/gm;

/** The makefile's per-module tsc rules: [{ out, source, tsconfig }] (absolute paths). */
function tscRules(tmpDir) {
  const makefile = fs.readFileSync(path.join(tmpDir, "makefile"), "utf8");
  const modulesDir = /^MODULES_DIR = (.+)$/m.exec(makefile)?.[1].trim().replace("$(TMP_DIR)", tmpDir);
  const rules = [];
  for (const m of makefile.matchAll(RULE)) {
    rules.push({
      out: path.join(tmpDir, m[1]),
      source: m[2],
      tsconfig: path.join(modulesDir || path.join(tmpDir, "modules"), m[4]),
    });
  }
  return { rules, modulesDir: modulesDir || path.join(tmpDir, "modules") };
}

function stale(rule, base) {
  let out;
  try {
    out = fs.statSync(rule.out).mtimeMs;
  } catch {
    return true;
  }
  return out < fs.statSync(rule.source).mtimeMs || out < base;
}

function writeIfChanged(file, text) {
  try {
    if (fs.readFileSync(file, "utf8") === text) return false;
  } catch {
    /* not there yet */
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}

/**
 * Before make: emit every module's .js (+ map) of this target with one tsc program.
 * `env` has the TypeScript 6 `tsc` on its PATH (as for the makefile). Returns
 * { modules, written, skipped, ms } or throws with tsc's diagnostics.
 */
function prebuild(tmpDir, env) {
  const start = Date.now();
  const { rules, modulesDir } = tscRules(tmpDir);
  const base = path.join(modulesDir, "tsconfig-base.json");
  if (!rules.length) return { modules: 0, written: 0, skipped: true, ms: Date.now() - start };
  const baseTime = fs.statSync(base).mtimeMs;
  // As make would: only the modules whose target is older than their source or the base options
  // (on a cold build all of them); the program is their import closure.
  const todo = rules.filter((r) => stale(r, baseTime));
  if (!todo.length) return { modules: rules.length, written: 0, skipped: true, ms: Date.now() - start };
  for (const r of todo) {
    const own = JSON.parse(fs.readFileSync(r.tsconfig, "utf8"));
    const expected = path.join(own.compilerOptions.outDir, r.source.replace(/\.ts$/, ".js"));
    if (
      own.extends !== base ||
      own.compilerOptions.rootDir !== "/" ||
      own.files.length !== 1 ||
      own.files[0] !== r.source ||
      expected !== r.out
    )
      throw new Error(`fw-tsc: ${r.tsconfig} is not the per-module tsconfig this step reproduces`);
  }
  const allDir = path.join(tmpDir, "tsc-all");
  const allConfig = path.join(modulesDir, "bd450-all-tsconfig.json");
  fs.writeFileSync(
    allConfig,
    JSON.stringify(
      { extends: base, compilerOptions: { rootDir: "/", outDir: allDir }, files: todo.map((r) => r.source) },
      null,
      "\t",
    ),
  );
  const tsc = spawnSync("tsc", ["-p", allConfig], { env, encoding: "utf8", maxBuffer: 64 << 20 });
  if (tsc.status !== 0)
    throw new Error(
      `tsc (one program, ${todo.length} modules) failed:\n${(tsc.stdout || "") + (tsc.stderr || "") || tsc.error}`,
    );
  let written = 0;
  for (const r of todo) {
    const emitted = path.join(allDir, r.source.replace(/\.ts$/, ".js"));
    const js = fs.readFileSync(emitted, "utf8");
    const map = JSON.parse(fs.readFileSync(`${emitted}.map`, "utf8"));
    // tsc writes "sources" relative to the map's folder (sourceRoot ""), with forward slashes.
    map.sources = [path.relative(path.dirname(r.out), r.source).split(path.sep).join("/")];
    if (writeIfChanged(r.out, js)) written++;
    else {
      // Same output from a touched source: make must see it as up to date (not run its own tsc),
      // yet no newer than the module's .xsb, so xsc is not redone either.
      const t = (Math.max(fs.statSync(r.source).mtimeMs, baseTime) + 1) / 1000;
      fs.utimesSync(r.out, t, t);
    }
    if (writeIfChanged(`${r.out}.map`, JSON.stringify(map))) written++;
  }
  return { modules: rules.length, compiled: todo.length, written, skipped: false, ms: Date.now() - start };
}

module.exports = { prebuild, tscRules };
