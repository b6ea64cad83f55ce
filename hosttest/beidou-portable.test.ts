// src/beidou is portable core: it runs unchanged on the board (XS), on Node and in
// the XS harness. It may import only relative bd450 core modules, and must not use
// Node or host-only globals (Buffer, process, TextDecoder, setTimeout, ...).

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const repoRoot = path.resolve(__dirname, "../..");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

describe("src/beidou is portable core", () => {
  const files = sources(path.join(repoRoot, "src/beidou"));

  it("imports only src/beidou, src/core and src/nmea modules", () => {
    assert.ok(files.length > 20);
    for (const f of files) {
      const src = fs.readFileSync(f, "utf8");
      for (const m of src.matchAll(/^\s*import\b[^"']*["']([^"']+)["']/gm)) {
        const spec = m[1];
        assert.ok(spec.startsWith("."), `${path.relative(repoRoot, f)} imports ${spec}`);
        const target = path.relative(path.join(repoRoot, "src"), path.resolve(path.dirname(f), spec));
        assert.ok(/^(beidou|core|nmea)\//.test(target), `${path.relative(repoRoot, f)} imports ${target}`);
      }
    }
  });

  it("uses no Node or host-only globals", () => {
    const banned =
      /\b(Buffer|process|require|TextDecoder|TextEncoder|setTimeout|setInterval|clearTimeout|console|structuredClone|performance)\b/;
    for (const f of files) {
      const code = fs
        .readFileSync(f, "utf8")
        .replace(/\/\/.*$/gm, "")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, '""');
      const m = banned.exec(code);
      assert.equal(m, null, `${path.relative(repoRoot, f)} uses ${m?.[0]}`);
    }
  });
});
