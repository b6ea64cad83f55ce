#!/usr/bin/env node
"use strict";
// `npm run firmware`: build bd450's firmware with Moddable's own tools, for every
// board target, up to the step where ESP-IDF takes over.
//
//   SDK      $MODDABLE (Moddable's convention), else ../shared/moddable-sdk beside the repo
//   cache    $BD450_MODDABLE_CACHE, else .cache/moddable in the repo (gitignored): the SDK
//            host tools (xsc, xsl, mcconfig, ...) are built there once; the SDK folder is
//            only read.
//   tsc      mcconfig writes target/lib "es2025" into its tsconfigs, which needs TypeScript
//            >= 6; the project's own tsc stays 5.9, so a `tsc` of the typescript6 alias is put
//            on the PATH of mcconfig's makefile only.
//
// Per target: mcconfig (no -m) writes the makefile; the steps before ESP-IDF are run from
// that makefile — tsc (one per .ts, against $MODDABLE/typings), xsc, xsl — with the ESP32
// platform fragment (make.esp32.mk: idf.py, cmake, IDF version check) left out, so the IDF
// compile is NOT done here. The Linux target (x-cli-lin) runs its makefile entirely: gcc
// compiles XS, the SDK's lin modules and bd450's C glue into a program.
//
// Usage: node scripts/firmware.js [--json] [target ...]      (targets: see TARGETS)
// Exit: 0 all ok, 1 a target failed, 2 no SDK / no TypeScript 6.

const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const idf = require("./firmware-idf");
const fwTsc = require("./fw-tsc");

const repo = path.resolve(__dirname, "..");
const NAME = path.basename(repo);

/** The board targets: name printed, mcconfig -p value, and what is built. */
const TARGETS = [
  { name: "esp32/wt32_eth01", platform: "esp32/wt32_eth01", fragment: "esp32", chip: "esp32" },
  { name: "esp32/ethernet_kit", platform: "esp32/ethernet_kit", fragment: "esp32", chip: "esp32" },
  { name: "esp32_w5500", platform: "esp32", fragment: "esp32", chip: "esp32", w5500: true },
  { name: "esp32c3_w5500", platform: "esp32/esp32c3", fragment: "esp32", chip: "esp32c3", w5500: true },
  { name: "lin", platform: "x-cli-lin", fragment: null },
];

function sdkPath() {
  const env = process.env.MODDABLE;
  const p = env ? path.resolve(env) : path.resolve(repo, "..", "shared", "moddable-sdk");
  const ok =
    fs.existsSync(path.join(p, "tools", "mcconfig.js")) &&
    fs.existsSync(path.join(p, "xs", "makefiles", "lin", "xsl.mk"));
  return { path: p, ok, fromEnv: !!env };
}

function cachePath() {
  return path.resolve(process.env.BD450_MODDABLE_CACHE || path.join(repo, ".cache", "moddable"));
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20, ...opts });
  return { status: r.status === null ? 1 : r.status, out: (r.stdout || "") + (r.stderr || ""), error: r.error };
}

/** Build xsc, xsid, xsl and the mc* tools once into the cache (stamped by SDK path + version). */
function buildTools(sdk, cache, jobs) {
  const build = path.join(cache, "build");
  const bin = path.join(build, "bin", "lin", "release");
  const stampFile = path.join(build, "bd450-tools.stamp");
  const version = fs.readFileSync(path.join(sdk, "tools", "VERSION"), "utf8").trim();
  const stamp = `${sdk}\n${version}\n`;
  const tools = ["xsc", "xsid", "xsl", "mcconfig", "mcrez"];
  if (
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, "utf8") === stamp &&
    tools.every((t) => fs.existsSync(path.join(bin, t)))
  )
    return { bin, built: false };
  fs.mkdirSync(build, { recursive: true });
  const env = { ...process.env, MODDABLE: sdk, XS_DIR: path.join(sdk, "xs"), BUILD_DIR: build };
  const cwd = path.join(sdk, "build", "makefiles", "lin");
  const steps = [
    ["-f", path.join(sdk, "xs", "makefiles", "lin", "xsc.mk")],
    ["-f", path.join(sdk, "xs", "makefiles", "lin", "xsid.mk")],
    ["-f", path.join(sdk, "xs", "makefiles", "lin", "xsl.mk")],
    ["-f", "tools.mk"],
  ];
  // The first step of a cold build: say so before, and its time after (the demo shows stderr).
  process.stderr.write("firmware: SDK host tools (xsc, xsid, xsl, mcconfig, mcrez): building once into .cache\n");
  const start = Date.now();
  for (const s of steps) {
    const r = run("make", [`-j${jobs}`, "GOAL=release", ...s], { cwd, env });
    if (r.status !== 0)
      throw new Error(`building the SDK host tools failed (make ${s.join(" ")}):\n${r.out.slice(-4000)}`);
  }
  fs.writeFileSync(stampFile, stamp);
  process.stderr.write(`firmware: SDK host tools ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
  return { bin, built: true };
}

/** A directory holding only `tsc` = TypeScript 6 (the typescript6 npm alias). */
function tsc6Dir(cache) {
  let tscBin;
  try {
    tscBin = require.resolve("typescript6/bin/tsc", { paths: [repo] });
  } catch {
    return undefined;
  }
  const v = JSON.parse(fs.readFileSync(path.join(path.dirname(tscBin), "..", "package.json"), "utf8")).version;
  if (Number(v.split(".")[0]) < 6) return undefined;
  const dir = path.join(cache, "tsc6");
  fs.mkdirSync(dir, { recursive: true });
  const link = path.join(dir, "tsc");
  try {
    if (fs.readlinkSync(link) !== tscBin) fs.unlinkSync(link);
  } catch {
    /* absent */
  }
  if (!fs.existsSync(link)) fs.symlinkSync(tscBin, link);
  return { dir, version: v };
}

/** The generated makefile without the ESP32 platform fragment: its tsc/xsc rules plus an xsl goal. */
function preIdfMakefile(sdk, tmpDir, fragment) {
  const makefile = fs.readFileSync(path.join(tmpDir, "makefile"), "utf8");
  const text = fs.readFileSync(path.join(sdk, "tools", "mcconfig", `make.${fragment}.mk`), "utf8");
  if (!makefile.includes(text))
    throw new Error(`mcconfig's makefile does not embed make.${fragment}.mk verbatim; cannot stop before ESP-IDF`);
  // Same xsl command as make.esp32.mk's $(TMP_DIR)/mc.xs.c rule, without its sdkconfig.h prerequisite (IDF).
  const goal = [
    "",
    "bd450-xsl: $(TMP_DIR)/mc.xs.c",
    "$(TMP_DIR)/mc.xs.c: $(MODULES) $(MANIFEST)",
    '\t@echo "# xsl modules"',
    "\txsl -b $(MODULES_DIR) -o $(TMP_DIR) $(PRELOADS) $(STRIPS) $(CREATION) $(MODULES)",
    "",
  ].join("\n");
  const out = path.join(tmpDir, "bd450-pre-idf.mk");
  fs.writeFileSync(out, makefile.replace(text, goal));
  return out;
}

/** Figures xsl writes into mc.xs.c, plus the module archive sizes. */
function xslFigures(tmpDir) {
  const c = path.join(tmpDir, "mc.xs.c");
  const text = fs.readFileSync(c, "utf8");
  const def = (name) => {
    const m = new RegExp(`#define mx${name}Count (\\d+)`).exec(text);
    return m ? Number(m[1]) : undefined;
  };
  let modules = 0,
    bytes = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".xsb")) {
        modules++;
        bytes += fs.statSync(p).size;
      }
    }
  };
  walk(path.join(tmpDir, "modules"));
  return {
    modules,
    xsbBytes: bytes,
    heapSlots: def("Heap"),
    stackSlots: def("Stack"),
    keys: def("Keys"),
    mcXsC: fs.statSync(c).size,
  };
}

/** One progress line per stage and target, on stderr as the build goes (stdout stays the summary / --json). */
function stage(t, name, fn) {
  const start = Date.now();
  const r = fn();
  const note = r?.note ? ` (${r.note})` : "";
  process.stderr.write(`firmware: ${t.name} ${name} ${((Date.now() - start) / 1000).toFixed(1)} s${note}\n`);
  return r;
}

function buildTarget(t, sdk, cache, env, jobs, kit) {
  const out = path.join(cache, "out", t.name.replace(/\//g, "_"));
  fs.mkdirSync(out, { recursive: true });
  const mc = stage(t, "mcconfig", () =>
    run("mcconfig", ["-p", t.platform, "-o", out, path.join(repo, "manifest.json")], { cwd: repo, env }),
  );
  if (mc.status !== 0 || /### Error/.test(mc.out)) return { ok: false, step: "mcconfig", out: mc.out.trim() };
  const base = t.platform.startsWith("x-cli-")
    ? path.join(out, "tmp", t.platform.slice(6), "release")
    : path.join(out, "tmp", ...t.platform.split("/"), "release");
  // mcconfig names the build after the folder that holds manifest.json (mcmanifest.js: NAME = that folder's name).
  const tmpDir = path.join(base, NAME);
  let makefile, goal;
  if (t.fragment) {
    makefile = preIdfMakefile(sdk, tmpDir, t.fragment);
    goal = "bd450-xsl";
  } else {
    // x-cli-lin asks for unlimited parallel jobs; this machine has 2 cores shared with others.
    makefile = path.join(tmpDir, "bd450-lin.mk");
    fs.writeFileSync(
      makefile,
      fs.readFileSync(path.join(tmpDir, "makefile"), "utf8").replace(/^MAKEFLAGS \+= --jobs$/m, ""),
    );
    goal = "all";
  }
  // One TypeScript program for the target (scripts/fw-tsc.js) instead of the makefile's tsc per
  // module; BD450_FW_TSC=per-module leaves it to the makefile (to compare the two).
  if (process.env.BD450_FW_TSC !== "per-module") {
    try {
      stage(t, "tsc", () => {
        const r = fwTsc.prebuild(tmpDir, env);
        return {
          note: r.skipped
            ? `${r.modules} modules up to date`
            : `one program, ${r.compiled} of ${r.modules} modules, ${r.written} files written`,
        };
      });
    } catch (e) {
      return { ok: false, step: "tsc", out: e.message };
    }
  }
  const mk = stage(t, t.fragment ? "make (xsc, xsl)" : "make (xsc, xsl, cc)", () =>
    run("make", [`-j${jobs}`, "-f", makefile, goal], { cwd: tmpDir, env }),
  );
  if (mk.status !== 0) {
    // The tool's own error lines (tsc, xsc, xsl, cc), not make's chatter.
    const lines = mk.out.split("\n").filter((l) => l && !/^(tsc|xsc|xsl|cc) /.test(l) && !/^# (tsc|xsc|cc) /.test(l));
    return { ok: false, step: "make", out: lines.join("\n").trim() };
  }
  const figures = xslFigures(tmpDir);
  const result = { ok: true, figures, tmpDir };
  if (t.chip) {
    // ESP-IDF: sdkconfig.h, every C file, the link where a toolchain for the chip is here.
    if (!kit.ok) result.idf = { pending: kit.reason };
    else {
      const started = Date.now();
      const r = idf.idfSteps(t, tmpDir, kit, cache, env, jobs);
      r.seconds = Math.round((Date.now() - started) / 1000);
      result.idf = r;
      if (!r.ok) return { ...result, ok: false, step: `ESP-IDF ${r.step}`, out: r.out };
    }
  }
  if (!t.fragment) result.program = path.join(out, "bin", "lin", "release", NAME);
  if (!t.fragment && !fs.existsSync(result.program)) {
    const bins = path.join(out, "bin");
    result.program = findFile(bins, NAME);
  }
  return result;
}

/** The ESP-IDF part of a target's line. */
function idfLine(r) {
  if (!r) return "";
  if (r.pending) return `; ESP-IDF steps pending: ${r.pending}`;
  const parts = [
    `; sdkconfig.h: ${r.sdkconfig.good.join(" ")}`,
    `C: ${r.c.files} files, ${r.c.errors} errors (${r.c.mode}; ${r.c.ours.length} of bd450's with ${idf.STRICT.join(" ")})`,
  ];
  const l = r.link;
  if (l.linked) {
    const m = l.memory.types;
    const f = (k) => (m[k] ? `${k} ${m[k].used} of ${m[k].size} B` : `${k} ?`);
    parts.push(
      `linked by idf.py build: image ${l.image} B, ${f("IRAM")}, ${f("DRAM")} (idf.py size); esp_wifi_* symbols: ${l.wifi.length}`,
    );
  } else parts.push(l.why);
  parts.push(`${r.seconds} s`);
  return parts.join("; ");
}

function findFile(dir, name) {
  if (!fs.existsSync(dir)) return undefined;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const f = findFile(p, name);
      if (f) return f;
    } else if (e.name === name) return p;
  }
  return undefined;
}

function main(argv) {
  const json = argv.includes("--json");
  const wanted = argv.filter((a) => !a.startsWith("--"));
  for (const w of wanted)
    if (!TARGETS.some((t) => t.name === w)) {
      process.stderr.write(`firmware: unknown target "${w}"; targets: ${TARGETS.map((t) => t.name).join(", ")}\n`);
      return 2;
    }
  const targets = wanted.length ? TARGETS.filter((t) => wanted.includes(t.name)) : TARGETS;
  const sdk = sdkPath();
  if (!sdk.ok) {
    process.stderr.write(
      `firmware: no Moddable SDK at ${sdk.path}${sdk.fromEnv ? " ($MODDABLE)" : ""}; set MODDABLE to a Moddable SDK checkout (8.2.x) or place it at ../shared/moddable-sdk beside the repo\n`,
    );
    return 2;
  }
  const cache = cachePath();
  const ts = tsc6Dir(cache);
  if (!ts) {
    process.stderr.write(
      "firmware: TypeScript >= 6 not found (devDependency typescript6 = npm:typescript@6); run npm install\n",
    );
    return 2;
  }
  const jobs = Number(process.env.BD450_FIRMWARE_JOBS) || 2;
  let tools;
  try {
    tools = buildTools(sdk.path, cache, jobs);
  } catch (e) {
    process.stderr.write(`firmware: ${e.message}\n`);
    return 1;
  }
  if (tools.built && !json)
    process.stdout.write(`firmware: SDK host tools built into ${path.relative(repo, tools.bin) || tools.bin}\n`);
  const env = {
    ...process.env,
    MODDABLE: sdk.path,
    PATH: `${tools.bin}${path.delimiter}${ts.dir}${path.delimiter}${process.env.PATH}`,
  };
  delete env.MAKEFLAGS;
  delete env.MFLAGS;
  const kit = idf.idfKit(process.env, cache);
  const results = {};
  let failed = 0;
  for (const t of targets) {
    const r = buildTarget(t, sdk.path, cache, env, jobs, kit);
    results[t.name] = r;
    if (!r.ok) failed++;
    if (json) continue;
    if (r.ok) {
      const f = r.figures;
      process.stdout.write(
        `${t.name} ok  (mcconfig -p ${t.platform}; xsl: ${f.modules} modules, ${f.xsbBytes} B of XS bytecode, preloaded heap ${f.heapSlots} slots, stack ${f.stackSlots}, keys ${f.keys}${r.program ? "; program " + path.relative(repo, r.program) : ""}${idfLine(r.idf)})\n`,
      );
    } else process.stdout.write(`${t.name} FAILED at ${r.step}:\n${r.out}\n`);
  }
  if (json) process.stdout.write(JSON.stringify({ sdk: sdk.path, typescript: ts.version, results }) + "\n");
  return failed ? 1 : 0;
}

module.exports = { TARGETS, sdkPath, cachePath, idfKit: idf.idfKit };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
