// Simulated terminal behaviour (src/sim/terminal.ts): answers to the host's commands,
// the service interval, loop-back messages, periodic outputs, 4.0 binary mode; and
// once end to end through `bd450 sim` on a real pty.

import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeFrame, encodeICJC, encodeTXSQ } from "../src/beidou/rdss40";
import { encodeBSS } from "../src/beidou/sentences/bss";
import { encodeDWA } from "../src/beidou/sentences/dwa";
import { encodeICA } from "../src/beidou/sentences/ica";
import { encodeRMO } from "../src/beidou/sentences/rmo";
import { encodeTXA } from "../src/beidou/sentences/txa";
import { encodeWAA } from "../src/beidou/sentences/waa";
import { DecodeSession } from "../src/cli/decode";
import { encodeGb2312 } from "../src/platform/node/gb2312";
import { SimTerminal, type TerminalOptions } from "../src/sim/terminal";

const repoRoot = path.resolve(__dirname, "../..");

function sim(o: Partial<TerminalOptions> = {}) {
  let now = Date.UTC(2026, 10, 25, 8, 30, 0);
  const records: Array<Record<string, any>> = [];
  const decode = new DecodeSession((l) => records.push(JSON.parse(l)));
  const t = new SimTerminal({ write: (u) => decode.feed(u), now: () => now, later: (fn) => fn(), ...o });
  const send = (s: Uint8Array, crlf = true) => {
    t.receive(crlf ? new Uint8Array([...s, 13, 10]) : s);
    const r = records.splice(0);
    return r;
  };
  return {
    t,
    send,
    advance: (s: number) => {
      now += s * 1000;
    },
    records,
    tick: () => {
      t.tick(now);
      return records.splice(0);
    },
  };
}

describe("sim terminal behaviour", () => {
  it("answers ICA with ICI (configured card), or the no-card form", () => {
    const a = sim({ card: "0242286", serviceInterval: 60, level: 3 }).send(encodeICA());
    assert.deepEqual(
      [a.length, a[0].kind, a[0].card, a[0].serviceInterval_s, a[0].level, a[0].cardPresent],
      [1, "ICI", "0242286", 60, 3, true],
    );
    const n = sim({ card: null }).send(encodeICA());
    assert.deepEqual([n[0].kind, n[0].cardPresent], ["ICI", false]);
  });

  it("TXA: accepted with FKI, refused while the service interval runs, TXR back to its own number", () => {
    const s = sim({ card: "0242286", serviceInterval: 60 });
    const r1 = s.send(encodeTXA({ to: 242286, mode: 0, text: "北斗你好" }, { encodeText: encodeGb2312 }));
    assert.deepEqual(
      r1.map((r) => r.kind),
      ["FKI", "TXR"],
    );
    assert.deepEqual([r1[0].command, r1[0].accepted, r1[0].wait_s], ["TXA", true, 60]);
    assert.deepEqual([r1[1].from, r1[1].mode, r1[1].text], ["0242286", 0, "北斗你好"]);
    s.advance(20);
    const r2 = s.send(encodeTXA({ to: 179773, mode: 2, text: "hello" }));
    assert.deepEqual([r2.length, r2[0].accepted, r2[0].frequencyOk, r2[0].wait_s], [1, false, false, 40]);
    s.advance(40);
    const r3 = s.send(encodeTXA({ to: 179773, mode: 2, text: "hello" }));
    assert.deepEqual([r3.length, r3[0].accepted], [1, true], "to another number: FKI only");
    const u = s.send(encodeTXA({ to: 1, urgent: true, mode: 1, hex: "31" }));
    assert.equal(u[0].accepted, false);
    const nc = sim({ card: null }).send(encodeTXA({ to: 1, mode: 1, hex: "31" }));
    assert.deepEqual([nc[0].accepted, nc.length], [false, 1]);
  });

  it("DWA: FKI and a DWR with the configured position", () => {
    const r = sim({
      card: "0242286",
      position: { latitude: 22.67341833, longitude: 114.04266833, height: 47, anomaly: -3 },
    }).send(encodeDWA({ heightMode: 1 }));
    assert.deepEqual(
      r.map((x) => x.kind),
      ["FKI", "DWR"],
    );
    assert.deepEqual([r[1].card, r[1].time, r[1].height_m, r[1].heightAnomaly_m], ["0242286", "08:30:00", 47, -3]);
    assert.ok(Math.abs(r[1].lat - 22.67341833) < 1e-5 && Math.abs(r[1].lon - 114.04266833) < 1e-5);
  });

  it("RMO switches the periodic BSI / ZTI output; BSS sets the beams", () => {
    const s = sim();
    assert.deepEqual(s.tick(), [], "nothing periodic before RMO");
    const on = s.send(encodeRMO("BSI", 2, 5));
    assert.deepEqual(
      on.map((x) => x.kind),
      ["FKI", "BSI"],
    );
    s.advance(2);
    assert.deepEqual(s.tick(), []);
    s.advance(3);
    assert.deepEqual(
      s.tick().map((x) => x.kind),
      ["BSI"],
    );
    s.send(encodeBSS(5, 3));
    s.advance(5);
    const b = s.tick()[0];
    assert.deepEqual([b.responseBeam, b.timeDifferenceBeam, b.beams.length], [5, 3, 10]);
    s.send(encodeRMO("ZTI", 2, 1));
    s.advance(5);
    assert.deepEqual(
      s
        .tick()
        .map((x) => x.kind)
        .sort(),
      ["BSI", "ZTI"],
    );
    s.send(encodeRMO("BSI", 1, 0));
    s.advance(5);
    assert.deepEqual(
      s.tick().map((x) => x.kind),
      ["ZTI"],
    );
    s.send(encodeRMO("", 3, 0));
    s.advance(5);
    assert.deepEqual(s.tick(), []);
    const all = s.send(encodeRMO("", 4, 1));
    assert.deepEqual(all.map((x) => x.kind).sort(), ["BSI", "FKI", "ZTI"]);
  });

  it("WAA follows the service interval; malformed commands get FKI N; terminal output is never a host command", () => {
    const s = sim({ serviceInterval: 30 });
    assert.equal(
      s.send(encodeWAA({ interval: 0, to: 1, time: 100, latitude: 22.5, longitude: 114, height: 3 }))[0].accepted,
      true,
    );
    assert.equal(
      s.send(encodeWAA({ interval: 0, to: 1, time: 100, latitude: 22.5, longitude: 114, height: 3 }))[0].accepted,
      false,
    );
    const bad = s.send(new Uint8Array(Buffer.from("$CCTXA,12x,1,1,31*" + "00")));
    assert.deepEqual(bad, [], "bad checksum: no answer");
    let x = 0;
    for (const c of "CCTXA,12x,1,1,31") x ^= c.charCodeAt(0);
    const m = s.send(new Uint8Array(Buffer.from(`$CCTXA,12x,1,1,31*${x.toString(16).toUpperCase().padStart(2, "0")}`)));
    assert.deepEqual([m[0].command, m[0].accepted], ["TXA", false]);
    assert.deepEqual(s.send(new Uint8Array(Buffer.from("$BDFKI,TXA,Y,Y,0,0040*17"))), []);
  });

  it("4.0 binary mode: ICJC -> ICXX, TXSQ -> FKXX (+ TXXX loop-back), early TXSQ -> FKXX wait, DWSQ -> DWXX", () => {
    const s = sim({ rdss40: true, card: "0242286", serviceInterval: 60 });
    const ic = s.send(encodeICJC(0), false);
    assert.deepEqual([ic[0].command, ic[0].text], ["ICXX", "$BDICI,0242286,,0000011,6,60,3,N,0*30"]);
    const tx = s.send(
      encodeTXSQ(0, { to: 242286, urgent: false, mode: 1, data: [0x31, 0x32, 0x33], nibbles: 5 }),
      false,
    );
    assert.deepEqual(
      tx.map((r) => r.command),
      ["FKXX", "TXXX"],
    );
    assert.equal(tx[0].accepted, true);
    assert.deepEqual([tx[1].from, tx[1].data, tx[1].bits], ["0242286", "31323", 20]);
    s.advance(10);
    const early = s.send(encodeTXSQ(0, { to: 1, urgent: false, mode: 2, data: [0x41] }), false);
    assert.deepEqual([early[0].command, early[0].result, early[0].wait_s], ["FKXX", 4, 50]);
    const dw = s.send(encodeFrame("DWSQ", 0, [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), false);
    assert.equal(dw[0].command, "DWXX");
    assert.match(dw[0].text, /^\$BDDWR,1,0242286,083010\.00,2434\.8933,N,11805\.7950,E,20,M,10,M,1,V,V,L\*/);
  });
});

describe("bd450 sim on a pty answers the host (end to end)", function () {
  this.timeout(30000);
  it("ICA -> ICI with the configured card, TXA to itself -> FKI + TXR", async () => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "dist/src/cli/main.js"), "sim", "--epochs", "0", "--card", "7654321", "--interval", "5"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const ptyPath = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", (d) => {
          buf += d;
          const m = /PTY (\S+)/.exec(buf);
          if (m) resolve(m[1]);
        });
        child.on("exit", (c) => reject(new Error(`sim exited ${c}`)));
        setTimeout(() => reject(new Error("no PTY line")), 10000);
      });
      const fd = fs.openSync(ptyPath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
      const records: Array<Record<string, any>> = [];
      const session = new DecodeSession((l) => records.push(JSON.parse(l)));
      const rs = fs.createReadStream("", { fd, autoClose: false });
      rs.on("data", (d) => session.feed(new Uint8Array(d as Buffer)));
      rs.on("error", () => undefined);
      const waitFor = (pred: (r: Record<string, any>) => boolean, ms = 8000) =>
        new Promise<Record<string, any>>((resolve, reject) => {
          const t0 = Date.now();
          const iv = setInterval(() => {
            const hit = records.find(pred);
            if (hit) {
              clearInterval(iv);
              resolve(hit);
            } else if (Date.now() - t0 > ms) {
              clearInterval(iv);
              reject(new Error("timeout; saw " + [...new Set(records.map((r) => r.kind))].join(",")));
            }
          }, 20);
        });
      fs.writeSync(fd, Buffer.from([...encodeICA(), 13, 10]));
      const ici = await waitFor((r) => r.kind === "ICI" && r.card === "7654321");
      assert.equal(ici.serviceInterval_s, 5);
      fs.writeSync(fd, Buffer.from([...encodeTXA({ to: 7654321, mode: 2, text: "ping" }), 13, 10]));
      const fki = await waitFor((r) => r.kind === "FKI" && r.command === "TXA");
      assert.equal(fki.accepted, true);
      const txr = await waitFor((r) => r.kind === "TXR" && r.from === "7654321");
      assert.equal(txr.text, "ping");
      rs.destroy();
      fs.closeSync(fd);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });
});
