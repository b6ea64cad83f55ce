// The XS harness itself: loader, board-absent globals, and a core module on XS.

import * as assert from "node:assert/strict";
import { asciiBytes, withChecksum, xorRange } from "../../src/nmea/checksum";
import { BOARD_ABSENT_GLOBALS, bundle, moduleClosure, NODE_ONLY_GLOBALS, XsWorker } from "./xs-harness";

/** Evaluate `main` (a function body with `require` and `host`) in a fresh worker; it reports through host.issueCommand(JSON). */
async function onXs(entries: string[], main: string, extra: { id: string; source: string }[] = []): Promise<any> {
  const script = bundle(
    entries,
    `
    function report(v) {
      const s = JSON.stringify(v), b = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
      host.issueCommand(b.buffer);
    }
    try { report({ ok: (function () { ${main} })() }); }
    catch (e) { report({ error: String(e && e.name) + ": " + String(e && e.message) }); }`,
    extra,
  );
  const w = await XsWorker.start(script);
  const results = w.takeFlushed();
  await w.close();
  assert.equal(results.length, 1, "worker reported once");
  return JSON.parse(String.fromCharCode(...results[0]));
}

describe("XS harness (Moddable's engine via @agoric/xsnap)", function () {
  this.timeout(60000);

  it("bundles a module with its relative imports, dependencies first", () => {
    const mods = moduleClosure(["src/core/encoder"]).map((m) => m.id);
    assert.ok(
      mods.indexOf("src/nmea/checksum") >= 0 && mods.indexOf("src/nmea/checksum") < mods.indexOf("src/core/encoder"),
    );
    assert.equal(mods[mods.length - 1], "src/core/encoder");
  });

  it("runs the checksum module on XS with the same results as on Node", async () => {
    const sentence = "$BDGGA,074150.80,3907.1234,N,11710.5678,E,1,08,1.0,12.3,M,-4.5,M,,";
    const bytes = Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 255);
    const r = await onXs(
      ["src/nmea/checksum"],
      `
      const c = require("src/nmea/checksum");
      const b = new Uint8Array(${JSON.stringify(bytes)});
      return { sum: c.withChecksum(${JSON.stringify(sentence)}), xor: c.xorRange(b, 3, 290), hex: c.hexByte(c.asciiBytes("x7f"), 1) };`,
    );
    assert.deepEqual(r, {
      ok: { sum: withChecksum(sentence), xor: xorRange(new Uint8Array(bytes), 3, 290), hex: 0x7f },
    });
    assert.equal(r.ok.sum, withChecksum(sentence));
    assert.equal(asciiBytes(r.ok.sum).length, sentence.length + 3);
  });

  it("removes the globals a Moddable ESP32 firmware lacks, and Node's are absent", async () => {
    const names = [...BOARD_ABSENT_GLOBALS, ...NODE_ONLY_GLOBALS];
    const r = await onXs(
      [],
      `
      const present = [];
      for (const n of ${JSON.stringify(names)}) if (typeof globalThis[n] !== "undefined") present.push(n);
      return { present, trace: typeof trace };`,
    );
    assert.deepEqual(r, { ok: { present: [], trace: "function" } });
  });

  it("fails a module that uses TextDecoder (present in xsnap, absent on the board)", async () => {
    const mod = {
      id: "src/core/uses-textdecoder",
      source: `"use strict"; exports.decode = function (b) { return new TextDecoder().decode(b); };`,
    };
    // The same module works on Node, so this test can only pass because the harness removed the global.
    const onNode: any = {};
    new Function("exports", mod.source)(onNode);
    assert.equal(onNode.decode(new Uint8Array([0x24, 0x42])), "$B");
    const r = await onXs([], `return require("src/core/uses-textdecoder").decode(new Uint8Array([36, 66]));`, [mod]);
    assert.match(r.error, /ReferenceError/);
  });

  it("refuses to bundle a module that imports a Node or npm module", () => {
    assert.throws(
      () => bundle([], "", [{ id: "src/core/x", source: 'const fs = require("node:fs");' }]),
      /not a bd450 module/,
    );
    assert.throws(() => bundle([], "", [{ id: "src/core/y", source: 'require("./missing");' }]), /not found/);
  });
});
