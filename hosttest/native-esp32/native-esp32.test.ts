// The ESP32 C on this host (issue 25): src/native/esp32/serial-ring-core.c and the W5500 start
// path (src/platform/moddable/esp32/w5500/w5500-start.c) compiled with host gcc against a fake
// of the IDF v6.0 calls they make (fixtures/: 128-byte FIFOs, the driver's receive ring and event
// queue, flash-write stalls, FreeRTOS tasks on a deterministic scheduler, the W5500's ID check),
// each scenario run under valgrind (no leak, no invalid access). The oracles: the terminal's byte
// pattern, the fake's counters and the numbers written here.

import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../lib/paths";

const HERE = path.join(REPO_ROOT, "hosttest", "native-esp32");
const SOURCES = [
  path.join(HERE, "esp32-c-test.c"),
  path.join(REPO_ROOT, "src", "native", "esp32", "serial-ring-core.c"),
  path.join(REPO_ROOT, "src", "platform", "moddable", "esp32", "w5500", "w5500-start.c"),
  path.join(HERE, "fixtures", "fake-idf.c"),
  path.join(HERE, "fixtures", "fake-eth.c"),
];
/** What Espressif's GCC 14/15 make errors anyway (issue 25). */
const STRICT = [
  "-Wall",
  "-Werror=implicit-function-declaration",
  "-Werror=incompatible-pointer-types",
  "-Werror=int-conversion",
];

function missingTools(): string | undefined {
  for (const tool of ["gcc", "valgrind"]) {
    if (spawnSync(tool, ["--version"], { stdio: "ignore" }).status !== 0)
      return `${tool} is not installed (scripts/ensure-system-deps.sh installs it)`;
  }
  return undefined;
}

type Json = Record<string, unknown> & { [k: string]: number };

describe("ESP32 C on the host against a fake ESP-IDF v6.0 (serial ring, W5500 start), under valgrind", function () {
  this.timeout(120000);
  let bin = "";

  before(function () {
    const missing = missingTools();
    if (missing) {
      process.stdout.write(`      pending: ${missing}\n`);
      this.skip();
    }
    bin = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bd450-esp32c-")), "esp32-c-test");
    const cc = spawnSync(
      "gcc",
      [
        "-std=gnu11",
        "-g",
        "-O1",
        ...STRICT,
        "-Werror",
        "-Wno-unused-parameter",
        `-I${path.join(HERE, "fixtures", "include")}`,
        `-I${path.join(REPO_ROOT, "src", "native", "esp32")}`,
        `-I${path.join(REPO_ROOT, "src", "platform", "moddable", "esp32", "w5500")}`,
        "-o",
        bin,
        ...SOURCES,
      ],
      { encoding: "utf8" },
    );
    assert.equal(cc.status, 0, cc.stderr);
  });

  after(() => {
    if (bin) fs.rmSync(path.dirname(bin), { recursive: true, force: true });
  });

  function run(...args: string[]): { out: Json; log: string } {
    const r = spawnSync(
      "valgrind",
      ["-q", "--leak-check=full", "--errors-for-leak-kinds=definite", "--error-exitcode=99", bin, ...args],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, `${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
    const line = r.stdout.trim().split("\n").pop() ?? "";
    return { out: JSON.parse(line) as Json, log: r.stderr };
  }

  for (const baud of [115200, 921600]) {
    it(`no byte lost across a 100 ms flash write at ${baud} baud (CONFIG_UART_ISR_IN_IRAM=y)`, () => {
      const { out } = run("stall", String(baud), "1");
      assert.equal(out.sent, baud / 20); // half a second of bytes, back to back
      assert.equal(out.received, out.sent, JSON.stringify(out));
      assert.equal(out.lost, 0);
      assert.equal(out.firstMismatch, -1);
      assert.equal(out.overflow, 0);
      assert.equal(out.isrDeferredUs, 0);
    });

    it(`the model bites: without the UART ISR in IRAM the same stall at ${baud} loses bytes, counted`, () => {
      const { out } = run("stall", String(baud), "0");
      assert.ok(out.isrDeferredUs > 90000, JSON.stringify(out)); // the interrupt waited for the flash write
      assert.ok(out.lost > 0 && out.received + out.lost === out.sent, JSON.stringify(out));
      // 100 ms of line minus the FIFO's 128 bytes and what came before the interrupt was due
      assert.ok(out.lost > (baud / 10) * 0.1 - 128 - 130 && out.lost <= (baud / 10) * 0.1, JSON.stringify(out));
      assert.equal(out.overflow, out.fifoOvfEvents);
      assert.ok(out.overflow >= 1);
    });
  }

  it("onWritable comes as the transmit ring drains with a silent terminal; a writer sends 3,000 bytes through it", () => {
    const { out } = run("writable");
    assert.equal(out.terminalGot, 3000);
    assert.ok(out.refusals > 0, "the writer was refused at least once (the ring is 512 bytes)");
    assert.ok(out.onWritable > out.refusals, JSON.stringify(out));
    // the line stays busy: done within 2 % of 3,000 bytes at 115200 8N1 (260,416 us)
    assert.ok(out.tookUs >= 260416 && out.tookUs < 260416 * 1.02, JSON.stringify(out));
    assert.equal(out.xsBlockedUs, 0);
  });

  it("a write at, just under and just over the room is taken or refused at once, never waits", () => {
    const { out } = run("nearlimit");
    assert.equal(out.xsBlockedUs, 0);
    assert.equal(out.refused, 600); // "room + 1" twice in each of the 300 rounds
    assert.equal(out.terminalGot, out.accepted);
  });

  it("close with bytes queued both ways and messages posted frees everything (valgrind clean)", () => {
    const { out } = run("close");
    assert.ok(out.rxBuffered > 0 && out.txQueued > 0 && out.postedAtClose > 0, JSON.stringify(out));
    assert.equal(out.freedAtClose, 0); // the last posted message frees the record
    assert.ok(out.closeBlockedUs < 1000, JSON.stringify(out)); // the task stops within its next pass
  });

  it("overflow counts FIFO overflows only: a full ring the FIFO still covers is no loss", () => {
    const { out } = run("overflow");
    const a = out.a as unknown as Json;
    const b = out.b as unknown as Json;
    assert.ok(a.bufferFullEvents >= 1, JSON.stringify(out));
    assert.equal(a.overflow, 0);
    assert.equal(a.lost, 0);
    assert.equal(a.received, 1150);
    assert.ok(b.fifoOvfEvents >= 1 && b.lost > 0, JSON.stringify(out));
    assert.equal(b.overflow, b.fifoOvfEvents);
    assert.equal(b.received + b.lost, b.sent);
  });

  it("a W5500 that never answers: every attempt fails with a log line, frees what it made, never aborts", () => {
    const { out, log } = run("w5500-never");
    assert.equal(out.started, 0);
    assert.equal(out.failed, 8);
    assert.equal(out.aborts, 0);
    assert.equal(out.spiBusInits, 1); // the bus once, not again on each retry
    assert.equal(out.leftAfterFailure, 0);
    assert.equal(out.logLines, 8);
    assert.match(log, /start failed at driver install \(chip not answering\?\): ESP_ERR_INVALID_VERSION/);
  });

  it("a W5500 that answers from the fourth attempt brings the link up", () => {
    const { out } = run("w5500-later");
    assert.deepEqual([out.failed, out.started, out.connected, out.aborts, out.leftAtEnd], [3, 1, 1, 0, 0]);
  });

  it("no memory for the W5500 MAC (NULL) is a failed attempt, not mac->del(NULL)", () => {
    const { out, log } = run("w5500-nomem");
    assert.deepEqual([out.failed, out.started, out.aborts, out.leftAfterFailure], [2, 1, 0, 0]);
    assert.match(log, /start failed at mac: ESP_ERR_NO_MEM/);
  });
});
