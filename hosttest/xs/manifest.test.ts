// The Moddable build description: manifest.json, boards/*.json and the firmware
// sources agree with each other (no Moddable SDK is needed to check this).

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./xs-harness";

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "manifest.json"), "utf8"));
const boardsDir = path.join(repoRoot, "boards");
const boards = fs
  .readdirSync(boardsDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, ...JSON.parse(fs.readFileSync(path.join(boardsDir, f), "utf8")) }));

function ipv4(s: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  assert.ok(m, `${s} is not a dotted IPv4 address`);
  return m.slice(1).reduce((a, x) => {
    assert.ok(Number(x) <= 255);
    return a * 256 + Number(x);
  }, 0);
}

/**
 * Module specifier -> source file, as mcconfig maps the manifest's "dir/*" keys (top
 * level and the board platforms'; .ts, or .js for native modules with a .c part).
 */
function moduleFile(spec: string): string | undefined {
  const blocks = [
    manifest.modules,
    ...Object.values(manifest.platforms as Record<string, { modules?: Record<string, unknown> }>).map(
      (p) => p.modules ?? {},
    ),
  ];
  for (const modules of blocks)
    for (const [key, value] of Object.entries(modules as Record<string, unknown>)) {
      if (!key.endsWith("/*") || typeof value !== "string") continue;
      const prefix = key.slice(0, -1);
      if (!spec.startsWith(prefix)) continue;
      const rest = spec.slice(prefix.length);
      if (rest.includes("/")) continue;
      for (const ext of [".ts", ".js"]) {
        const file = path.join(repoRoot, value.slice(0, -1), rest + ext);
        if (fs.existsSync(file)) return file;
      }
    }
  return undefined;
}

describe("Moddable manifest and board files", () => {
  it("has one board file per platform block, and each platform block has a board file", () => {
    // Board blocks only: "esp32/*" and "..." refuse other targets; x-cli-lin is Moddable's Linux host.
    const platforms = Object.keys(manifest.platforms).filter(
      (p) => p !== "..." && !p.endsWith("/*") && p !== "x-cli-lin",
    );
    assert.ok(manifest.platforms["esp32/*"].error, "an ESP32 board without a board file is refused");
    assert.deepEqual(boards.map((b) => b.platform).sort(), platforms.sort());
    assert.ok(manifest.platforms["..."].error, "other platforms fail with a message");
  });

  for (const b of boards) {
    it(`${b.file}: manifest config equals the board file`, () => {
      const c = manifest.platforms[b.platform].config;
      assert.deepEqual(
        {
          termPort: c.termPort,
          termRx: c.termRx,
          termTx: c.termTx,
          termBaud: c.termBaud,
          termAltPort: c.termAltPort,
          termAltRx: c.termAltRx,
          termAltTx: c.termAltTx,
          conPort: c.conPort,
          conRx: c.conRx,
          conTx: c.conTx,
          conBaud: c.conBaud,
          ipMode: c.ipMode,
          ipAddr: c.ipAddr,
          ipMask: c.ipMask,
          ipGateway: c.ipGateway,
        },
        {
          termPort: b.terminal.uart,
          termRx: b.terminal.receive,
          termTx: b.terminal.transmit,
          termBaud: b.terminal.baud,
          termAltPort: b.terminalDebug.uart,
          termAltRx: b.terminalDebug.receive,
          termAltTx: b.terminalDebug.transmit,
          conPort: b.console.uart,
          conRx: b.console.receive,
          conTx: b.console.transmit,
          conBaud: b.console.baud,
          ipMode: b.network.mode,
          ipAddr: b.network.address,
          ipMask: b.network.mask,
          ipGateway: b.network.gateway,
        },
      );
      assert.equal(c.board, b.file.replace(/\.json$/, ""));
    });

    const twoUarts = b.platform === "esp32/esp32c3"; // the ESP32-C3 has UART0 and UART1 only
    it(`${b.file}: ${twoUarts ? "two" : "three"} UARTs, no pin used twice or taken from Ethernet, static address in 172.16.0.0/12`, () => {
      const uarts = [b.terminal, b.terminalDebug, b.console];
      if (twoUarts) {
        // The terminal is off UART0 (xsbug's in a -d build), so its debug place is the same UART.
        assert.notEqual(b.terminal.uart, 0, "the terminal is not on xsbug's UART0");
        const at = (u: { uart: number; receive: number; transmit: number }) => [u.uart, u.receive, u.transmit];
        assert.deepEqual(at(b.terminalDebug), at(b.terminal));
        assert.notEqual(b.console.uart, b.terminal.uart, "terminal and console use different UARTs");
        for (const u of uarts) assert.ok(u.uart >= 0 && u.uart <= 1);
      } else {
        assert.deepEqual(
          new Set(uarts.map((u) => u.uart)).size,
          3,
          "terminal, its debug alternative and the console use different UARTs",
        );
        for (const u of uarts) assert.ok(u.uart >= 0 && u.uart <= 2);
      }
      const pins = twoUarts
        ? [b.console.receive, b.console.transmit]
        : [b.terminalDebug.receive, b.terminalDebug.transmit, b.console.receive, b.console.transmit];
      assert.equal(
        new Set([...pins, b.terminal.receive, b.terminal.transmit]).size,
        pins.length + 2,
        "UART pins are distinct",
      );
      for (const p of [...pins, b.terminal.receive, b.terminal.transmit])
        assert.ok(!b.reservedPins.includes(p), `pin ${p} is reserved for Ethernet`);
      for (const u of uarts) assert.ok(![34, 35, 36, 39].includes(u.transmit), `GPIO${u.transmit} is input-only`);
      const flash = twoUarts ? [12, 17] : [6, 11]; // the SPI flash bus (C3: GPIO12-17)
      const onFlash = (p: number) => p >= flash[0] && p <= flash[1];
      for (const u of uarts)
        assert.ok(!onFlash(u.receive) && !onFlash(u.transmit), `GPIO${flash.join("-")} are the flash bus`);
      if (b.network.mode === "static") {
        const a = ipv4(b.network.address);
        assert.equal(a >>> 20, ipv4("172.16.0.0") >>> 20, "IEC 61162-450 wants an address in 172.16.0.0/12");
        const mask = ipv4(b.network.mask);
        assert.ok(/^1*0*$/.test(mask.toString(2).padStart(32, "0")), "contiguous mask");
      } else assert.equal(b.network.mode, "dhcp");
    });
  }

  it("lists modules that exist, preloads main, and runs it", () => {
    for (const [key, value] of Object.entries(manifest.modules as Record<string, string>)) {
      assert.ok(key.endsWith("/*") && value.endsWith("/*"));
      assert.ok(fs.existsSync(path.join(repoRoot, value.slice(0, -1))), `${value} exists`);
    }
    assert.ok(moduleFile(manifest.creation.main), `creation.main ${manifest.creation.main} is a listed module`);
    for (const b of Object.keys(manifest.platforms).filter((p) => p.startsWith("esp32") && !p.endsWith("/*")))
      for (const p of manifest.platforms[b].preload) assert.ok(moduleFile(p), `${b}: preload ${p} is a listed module`);
    assert.ok(manifest.creation.heap.initial > 0 && manifest.creation.chunk.initial > 0);
    assert.equal(manifest.typescript.tsconfig.compilerOptions.strict, true);
  });

  it("every import of the firmware resolves the way XS on the board resolves it", () => {
    // XS (xs/platforms/mc) resolves "./x" and a single leading "../x" against the
    // importing module's name; anything else must be a module name the manifest lists
    // or a Moddable module ($MODDABLE/typings) or a per-target platform/* module of the manifest.
    const moddable =
      /^(embedded:|mc\/config$|timer$|time$|preference$|instrumentation$|Resource$|crypt$|hmac$|rng$|platform\/(host|mcast|lin\/args)$)/;
    const seen = new Set<string>();
    const visit = (spec: string, from: string) => {
      const file = moduleFile(spec);
      assert.ok(file, `${from} imports ${spec}, which the manifest does not list`);
      if (seen.has(spec)) return;
      seen.add(spec);
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(
        /^(?:import|export)\s+(?!type\b)[^"';]*?from\s+["']([^"']+)["']|^import\s+["']([^"']+)["']/gm,
      )) {
        const s = m[1] ?? m[2];
        if (moddable.test(s)) continue;
        if (!s.startsWith(".")) {
          visit(s, spec);
          continue;
        }
        // As fxFindModule resolves it on the board and in the linker (xs/platforms/mc/xsHosts.c,
        // xs/tools/xsl.c): "./" or any number of leading "../" against the importer's module
        // name; going above the top of the module names finds nothing.
        assert.ok(s.startsWith("./") || s.startsWith("../"), `${spec} imports "${s}"`);
        const parts = spec.split("/");
        parts.pop();
        let rest = s.startsWith("./") ? s.slice(2) : s;
        while (rest.startsWith("../")) {
          assert.ok(parts.length > 0, `${spec} imports "${s}": above the top of the module names`);
          parts.pop();
          rest = rest.slice(3);
        }
        assert.ok(!rest.startsWith("./") && !rest.startsWith("../"), `${spec} imports "${s}"`);
        visit([...parts, rest].join("/"), spec);
      }
    };
    visit(manifest.creation.main, "manifest");
    assert.ok(seen.size > 20, `firmware closure has ${seen.size} modules`);
  });

  it("gives the XS machine fixed sizes (the XS figures test checks them against the measurements)", () => {
    assert.equal(manifest.creation.heap.incremental, 0);
    assert.equal(manifest.creation.chunk.incremental, 0);
    // Whether they fit the chip is the RAM budget's job (firmware.test.ts, sourced figures from the
    // ESP-IDF link), which replaced a fixed 192 KB guess.
    assert.ok(manifest.creation.heap.initial > 0 && manifest.creation.chunk.initial > 0);
  });
});
