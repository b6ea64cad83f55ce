// The terminal UART's receive path in real time (issue 16): bytes keep arriving
// while JavaScript runs. The XS test host runs the firmware wiring with the native
// helpers; each onReadable costs its metered units at an assumed ESP32 speed
// (esp32-speed.ts, the slow end), and the model (xs-host.ts RealtimeOptions)
// counts what the receive buffer cannot hold. With Moddable's 128-byte FIFO bytes
// are lost; with the 8 KB ring of src/native/esp32/serial-ring none, even with 100 ms
// JS stalls, at 115200 and 921600 baud. Also: the receive ring's own logic (the
// harness's TypeScript twin of the driver buffer) against a plain array model.

import * as assert from "node:assert/strict";
import { skipBecause } from "../lib/skip";
import { ESP32_UNITS_PER_SECOND, FIFO_BYTES, RING_BYTES } from "./esp32-speed";
import { FifoSerial } from "./xs-host";
import { epochStream, runRealtimeOnXsh, xshBinary } from "./xsh";

describe("terminal receive path in real time (XS test host, native helpers, ESP32 speed assumed)", function () {
  this.timeout(120000);
  const epochs = epochStream(20);
  const sentences = 20 * 16;
  const stalls = [
    { atMs: 5000, ms: 100 },
    { atMs: 12000, ms: 100 },
  ]; // each at the start of an epoch's burst

  before(function () {
    const bin = xshBinary();
    if (!bin.path) skipBecause(this, bin.reason ?? "no XS test host");
  });

  it("128-byte FIFO (Moddable's ESP32 serial): bytes lost, counted and reported by the gateway", () => {
    const { result, stats } = runRealtimeOnXsh(
      epochs,
      { unitsPerSecond: ESP32_UNITS_PER_SECOND.slow, capacity: FIFO_BYTES, epochMs: 1000, stalls },
      { native: true, baud: 115200 },
    );
    assert.ok(result.lostBytes > 0, JSON.stringify(result));
    assert.ok(result.forwarded < sentences, `forwarded ${result.forwarded}`);
    assert.equal(stats.gateway.uartRxOverflows, result.overflowEvents);
    assert.ok(stats.gateway.uartRxOverflows > 0);
  });

  for (const baud of [115200, 921600]) {
    it(`8 KB ring at ${baud} baud with 100 ms JS stalls: no byte lost, every sentence forwarded`, () => {
      const { result, stats } = runRealtimeOnXsh(
        epochs,
        { unitsPerSecond: ESP32_UNITS_PER_SECOND.slow, capacity: RING_BYTES, epochMs: 1000, stalls },
        { native: true, baud },
      );
      assert.equal(result.lostBytes, 0, JSON.stringify(result));
      assert.equal(result.forwarded, sentences);
      assert.equal(stats.gateway.uartRxOverflows, 0);
      assert.ok(result.longestBusyMs >= 100, "the stalls happened");
    });
  }

  it("receive ring logic: FIFO order, wrap-around, loss only when full, exact counts (against an array model)", () => {
    let seed = 99;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (const capacity of [1, 7, 128, 1000]) {
      FifoSerial.reset();
      FifoSerial.capacity = capacity;
      const s = new FifoSerial({ port: 0, receive: 3, baud: 115200 });
      const model: number[] = [];
      let lost = 0,
        events = 0,
        next = 0;
      for (let step = 0; step < 5000; step++) {
        if (rnd(2)) {
          const n = rnd(2 * capacity + 2);
          const input = new Uint8Array(n);
          for (let i = 0; i < n; i++) input[i] = (next + i) & 255;
          next += n;
          const fit = Math.min(n, capacity - model.length);
          for (let i = 0; i < fit; i++) model.push(input[i]);
          if (n > fit) {
            lost += n - fit;
            events++;
          }
          assert.equal(s.arrive(input, 0, n), n - fit);
        } else {
          const buf = new Uint8Array(1 + rnd(capacity + 3));
          const got = s.read(buf) ?? 0;
          const want = model.splice(0, buf.length);
          assert.deepEqual(Array.from(buf.subarray(0, got)), want);
        }
        assert.equal(s.rxCount, model.length);
      }
      assert.equal(s.rxOverflow, lost);
      assert.equal(s.overflow, events);
      s.close();
    }
    FifoSerial.reset();
  });
});
