// The rule of the house: the portable code (src/nmea, src/core, src/beidou,
// src/console, src/app) imports nothing from Node, Moddable, the platform adapters
// or the CLI, and uses no host-only global; and its layers point one way: a layer
// imports only itself and the layers before it in LAYERS (core never imports beidou:
// the terminal protocol comes in as options). Checked on the sources, so a
// violation fails here before it fails on the board.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
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
