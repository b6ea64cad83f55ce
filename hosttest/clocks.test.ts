// The board runs the gateway on the terminal-corrected wall clock (TAG c:, its events) and
// the device state on one that never steps under the ages it measures
// (src/platform/moddable/main.ts). The gateway's loop reads the time once per UART read and
// hands it to onUnit: it must be the state's clock's, not the gateway's.
import * as assert from "node:assert/strict";
import { App } from "../src/app/assemble";
import { loadSettings } from "../src/console/persist";
import { makeConfig } from "../src/core/config";
import { asciiBytes, latin1, withChecksum } from "../src/nmea/checksum";
import { fixedClock } from "../src/platform/node/host";
import { MemoryStore } from "./lib/memory-store";

const sent: string[] = [];

class RecordingUDP {
  add() {}
  remove() {}
  read() {
    return undefined;
  }
  write(d: Uint8Array) {
    sent.push(latin1(d));
  }
  close() {}
}

describe("two clocks: the gateway's (c:) and the device state's", () => {
  it("stamps a fix with the state's clock and the datagram's c: with the gateway's", () => {
    const ageMs = 1_700_000_000_000,
      utcMs = ageMs + 86_400_000; // a day apart: the terminal corrected the wall clock
    const store = new MemoryStore();
    const loaded = loadSettings(store);
    const app = new App({
      config: makeConfig({ ...loaded.config, startupCmds: false }),
      settings: { store, loaded },
      clock: fixedClock(ageMs),
      utcClock: fixedClock(utcMs),
      timers: { set: () => 0, clear: () => undefined },
      log: () => undefined,
      udp: { io: RecordingUDP as never },
      platform: { reboot: () => undefined },
    });
    app.start();
    sent.length = 0;
    const gga = asciiBytes(withChecksum("$GNGGA,120000.00,3959.9000,N,11623.5000,E,1,12,0.8,50.0,M,-8.0,M,,") + "\r\n");
    app.gateway.feed(gga);
    app.stop();
    assert.equal(app.beidou.state.lastValidFixAt, ageMs);
    assert.equal(sent.length, 1);
    assert.match(sent[0], new RegExp(`c:${utcMs / 1000}[,*]`));
  });
});
