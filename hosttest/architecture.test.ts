// The rule of the house: the portable code (src/nmea, src/core, src/beidou,
// src/console, src/app) imports nothing from Node, Moddable, the platform adapters
// or the CLI, and uses no host-only global; and its layers point one way: a layer
// imports only itself and the layers before it in LAYERS (core never imports beidou:
// the terminal protocol comes in as options). Checked on the sources, so a
// violation fails here before it fails on the board. No import circle anywhere in src/
// (inside one layer either), and the simulator (src/sim) depends on no part of the gateway
// above beidou. Every folder of src/ (host side and C included) has its place in one order,
// and nothing in src/ reaches the tests, the benches or the scripts.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import {
  ANSWERS,
  DECODER_TABLE,
  defaultRoutes,
  NETWORK_COMMANDS,
  RDSS40_COMMANDS,
  UNDECODED_ROUTES,
} from "../src/beidou/table";
import { DEFAULT_ROUTES } from "../src/core/router";
import { REPO_ROOT } from "./lib/paths";

/** Lowest first: each may import itself and those before it. */
const LAYERS = ["src/nmea", "src/core", "src/beidou", "src/settings", "src/console", "src/web", "src/app"];
const PORTABLE = LAYERS;
const FORBIDDEN_GLOBALS =
  /\b(Buffer|process|require|setTimeout|setInterval|setImmediate|TextDecoder|TextEncoder|__dirname)\b/;

function files(dir: string): string[] {
  const abs = path.join(REPO_ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
    );
}

/** Source without comments and string literals, so prose cannot trip the check. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/`(?:\\.|[^`\\])*`/g, "``")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''");
}

describe("architecture: portable core", () => {
  const all = PORTABLE.flatMap(files);
  it("has files to check", () => assert.ok(all.length >= 8, all.join(",")));
  for (const f of all) {
    it(`${f} imports only portable modules and uses no host globals`, () => {
      const text = fs.readFileSync(path.join(REPO_ROOT, f), "utf8");
      for (const m of text.matchAll(
        /(?:import|export)[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g,
      )) {
        const spec = m[1] ?? m[2] ?? m[3];
        assert.ok(spec.startsWith("."), `${f} imports "${spec}" (only relative portable modules allowed)`);
        const target = path.normalize(path.join(path.dirname(f), spec));
        const to = LAYERS.findIndex((p) => target.startsWith(p + path.sep));
        assert.ok(to >= 0, `${f} imports ${target}, outside the portable code`);
        const from = LAYERS.findIndex((p) => f.startsWith(p + path.sep));
        assert.ok(
          to <= from,
          `${f} (${LAYERS[from]}) imports ${target} (${LAYERS[to]}): layers point the other way (${LAYERS.join(" <- ")})`,
        );
      }
      const body = code(text).replace(/\bimport\s+type\b[^;]*;/g, "");
      const hit = FORBIDDEN_GLOBALS.exec(body);
      assert.equal(hit, null, `${f} uses host-only "${hit?.[0]}"`);
    });
  }
});

/** Relative imports of a source file (type-only ones too: they tie files as much), as repo paths. */
function importsOf(f: string): string[] {
  const text = code2(fs.readFileSync(path.join(REPO_ROOT, f), "utf8"));
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    const base = path.normalize(path.join(path.dirname(f), spec));
    for (const c of [base + ".ts", path.join(base, "index.ts")])
      if (fs.existsSync(path.join(REPO_ROOT, c))) {
        out.push(c);
        break;
      }
  }
  return out;
}

/** Source without comments (module specifiers are string literals: they stay). */
function code2(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** One import circle of the graph (its files in order, the first repeated at the end), or null. */
function findCircle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 on the path, 2 done
  const pathStack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 1);
    pathStack.push(n);
    for (const m of graph.get(n) ?? []) {
      const s = state.get(m);
      if (s === 1) return [...pathStack.slice(pathStack.indexOf(m)), m];
      if (s === undefined) {
        const c = visit(m);
        if (c) return c;
      }
    }
    pathStack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of graph.keys()) {
    if (state.has(n)) continue;
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe("architecture: no import circle", () => {
  it("the circle finder finds a circle inside one folder and none in a tree (hand-made graphs)", () => {
    const circle = new Map([
      ["b/a.ts", ["b/k.ts"]],
      ["b/k.ts", ["b/s.ts"]],
      ["b/s.ts", ["b/a.ts", "n/x.ts"]],
      ["n/x.ts", []],
    ]);
    assert.deepEqual(findCircle(circle), ["b/a.ts", "b/k.ts", "b/s.ts", "b/a.ts"]);
    const tree = new Map([
      ["b/a.ts", ["b/k.ts", "b/s.ts"]],
      ["b/k.ts", ["n/x.ts"]],
      ["b/s.ts", ["b/k.ts"]],
      ["n/x.ts", []],
    ]);
    assert.equal(findCircle(tree), null);
  });

  it("src/ has no import circle, inside a layer or across layers", () => {
    const all = files("src");
    assert.ok(all.length > 50, `${all.length} files`);
    const graph = new Map(all.map((f) => [f, importsOf(f)]));
    const circle = findCircle(graph);
    assert.equal(circle, null, `import circle: ${circle?.join(" -> ")}`);
  });
});

describe("architecture: the simulator", () => {
  // The simulated terminal is a host tool: it uses Node and speaks the protocol through nmea,
  // core and beidou; it never depends on the gateway's assembly, console, web, settings,
  // platforms or CLI (a test that runs it judges the gateway, not itself). What the host's
  // process registry does for it (temp folders, socat) is handed in (sim/pty.ts Leftovers).
  const ALLOWED = ["src/sim", "src/nmea", "src/core", "src/beidou"];
  const sim = files("src/sim");
  it("has files to check", () => assert.ok(sim.length >= 4, sim.join(",")));
  for (const f of sim)
    it(`${f} imports only ${ALLOWED.join(", ")} and Node`, () => {
      const outside = importsOf(f).filter((target) => !ALLOWED.some((p) => target.startsWith(p + path.sep)));
      assert.deepEqual(outside, [], `${f} imports from outside ${ALLOWED.join(", ")}`);
    });
});

describe("architecture: every folder of src/ in one order", () => {
  // Lowest first, the portable LAYERS in their order inside it: the C helpers (native) stand
  // on nothing; the simulator on the protocol layers only; the platforms on the assembly;
  // the CLI on everything. A file imports (TypeScript, JavaScript) or includes (C, a quoted
  // path beside it) only its own folder and those before it, never a file outside src/.
  const ORDER = [
    "src/native",
    "src/nmea",
    "src/core",
    "src/beidou",
    "src/sim",
    "src/settings",
    "src/console",
    "src/web",
    "src/app",
    "src/platform",
    "src/cli",
  ];
  const SOURCE = /\.(ts|js|c|h)$/;
  const all = (function walk(dir: string): string[] {
    return fs
      .readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? walk(path.join(dir, e.name)) : SOURCE.test(e.name) ? [path.join(dir, e.name)] : [],
      );
  })("src");
  const layerOf = (f: string) => ORDER.findIndex((p) => f.startsWith(p + path.sep));

  it("keeps LAYERS' order", () =>
    assert.deepEqual(
      ORDER.filter((p) => LAYERS.includes(p)),
      LAYERS,
    ));
  it("places every source file of src/", () => {
    assert.ok(all.length > 80, `${all.length} files`);
    assert.deepEqual(
      all.filter((f) => layerOf(f) < 0),
      [],
    );
  });

  /** Relative module specifiers and quoted C includes of a file, resolved to repo paths (C: only those found beside it). */
  function targets(f: string): string[] {
    const text = code2(fs.readFileSync(path.join(REPO_ROOT, f), "utf8"));
    const out: string[] = [];
    if (/\.[ch]$/.test(f)) {
      for (const m of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
        const t = path.normalize(path.join(path.dirname(f), m[1]));
        // Not beside it: a header of the SDK's or the IDF's include path, unless it climbs out.
        if (fs.existsSync(path.join(REPO_ROOT, t)) || m[1].includes("..")) out.push(t);
      }
      return out;
    }
    for (const m of text.matchAll(
      /(?:import|export)[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)|^\s*import\s+["']([^"']+)["']/gm,
    )) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (spec.startsWith(".")) out.push(path.normalize(path.join(path.dirname(f), spec)));
    }
    return out;
  }

  /** What is wrong with file `f` reaching `to` (empty: nothing). */
  function backArrows(f: string, to: readonly string[]): string[] {
    const from = layerOf(f);
    return to.flatMap((t) => {
      const at = layerOf(t);
      if (at < 0) return [`${f} reaches ${t}, outside src/ or in no place of the order`];
      return at <= from ? [] : [`${f} (${ORDER[from]}) reaches ${t} (${ORDER[at]}): back up ${ORDER.join(" <- ")}`];
    });
  }

  it("the check reads C includes and fails on an arrow back up or out of src/ (hand-made arrows)", () => {
    assert.ok(targets("src/native/esp32/serial-ring.c").includes("src/native/esp32/serial-ring-core.h"));
    assert.deepEqual(backArrows("src/beidou/table.ts", ["src/core/groups.ts", "src/beidou/kind.ts"]), []);
    assert.equal(backArrows("src/sim/pty.ts", ["src/platform/node/leftovers.ts"]).length, 1);
    assert.equal(backArrows("src/core/net/answers.ts", ["src/beidou/table.ts"]).length, 1);
    assert.equal(
      backArrows("src/native/esp32/serial-ring-core.c", ["hosttest/native-esp32/fixtures/fake-idf.h"]).length,
      1,
    );
  });

  it("no file of src/ reaches back up the order or out of src/", () => {
    const wrong = all.flatMap((f) => backArrows(f, targets(f)));
    assert.deepEqual(wrong, []);
  });
});

describe("architecture: core names no Beidou sentence", () => {
  // The Beidou formatters are those of the beidou layer's one registry (src/beidou/table.ts),
  // less the standard IEC 61162-1 sentences any GNSS receiver sends (this list is the test's
  // own): core may use those as examples (a filter rule's error message names GSV).
  const STANDARD = ["GGA", "RMC", "GLL", "GSA", "GSV", "VTG", "ZDA", "GNS", "GST", "GBS", "TXT"];
  const registry = new Set<string>([
    ...DECODER_TABLE.map((r) => r.formatter),
    ...UNDECODED_ROUTES.map((r) => r[0]),
    ...NETWORK_COMMANDS,
    ...Object.keys(ANSWERS),
    ...Object.values(ANSWERS).flat(),
    // The RDSS 4.0 commands the framer tells frames by: the registry's too (core takes them as an option).
    ...RDSS40_COMMANDS,
  ]);
  const beidou = [...registry].filter((f) => !STANDARD.includes(f));
  /** Source without comments (strings stay: a message the core prints names what it names). */
  const uncommented = (t: string) => t.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  /** Beidou formatters named in a text, as whole words (`BDGSV` is not `GSV`). */
  const named = (text: string) => beidou.filter((f) => new RegExp(`\\b${f}\\b`).test(uncommented(text)));

  it("takes the list from the registry, and the check finds a name (hand-made text)", () => {
    for (const f of ["ICI", "DWR", "TXR", "TCI", "ICP", "EPI", "QRI", "FKI", "ICA", "TXA", "WBA", "DWXX", "TXSQ"])
      assert.ok(beidou.includes(f), `${f} in ${beidou.join(" ")}`);
    assert.deepEqual(named('const A = { ICI: ["ICA"] }; // TXR in a comment\nconst B = "BDGSV";'), ["ICI", "ICA"]);
  });

  it("no file of src/core names a Beidou formatter in its code or strings", () => {
    const hits = files("src/core").flatMap((f) =>
      named(fs.readFileSync(path.join(REPO_ROOT, f), "utf8")).map((n) => `${f}: ${n}`),
    );
    assert.deepEqual(hits, []);
  });

  it("each formatter's default group is written once (the registry's routes, none in core's table)", () => {
    const routed = defaultRoutes().map((r) => r[0]);
    assert.deepEqual(
      routed.filter((f, i) => routed.indexOf(f) !== i),
      [],
    );
    assert.deepEqual(
      DEFAULT_ROUTES.map((r) => r[0]).filter((f) => routed.includes(f)),
      [],
    );
  });
});
