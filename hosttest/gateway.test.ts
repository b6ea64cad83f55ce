// Gateway core behaviour with in-memory ECMA-419 classes (unit level; the real
// serialport/dgram adapters are exercised by the end-to-end test).
import * as assert from "node:assert/strict";
import { defaultRoutes } from "../src/beidou/table";
import { STARTUP_COMMANDS } from "../src/beidou/wiring";
import { makeConfig } from "../src/core/config";
import { Gateway } from "../src/core/gateway";
import type { SerialOptions, Timers, UDPOptions } from "../src/core/io";
import { asciiBytes, latin1 } from "../src/nmea/checksum";
import { readDatagram } from "./lib/strict-reader";

/** The start-up commands as the terminal must receive them (literals, checksums checked by hand). */
const STARTUP_BYTES = "$CCICA,0,00*7B\r\n$CCRMO,BSI,2,10*17\r\n";

class FakeSerial {
  static last: FakeSerial;
  static instances = 0;
  written: number[] = [];
  writes: number[] = [];
  rx: number[] = [];
  closed = false;
  constructor(public options: SerialOptions) {
    FakeSerial.last = this;
    FakeSerial.instances++;
  }
  read(buffer: Uint8Array): number {
    const n = Math.min(buffer.length, this.rx.length);
    for (let i = 0; i < n; i++) buffer[i] = this.rx.shift()!;
    return n;
  }
  write(data: Uint8Array | ArrayBuffer): void {
    const b = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (b.length > 16) throw new Error("output full"); // like a small hardware FIFO
    this.writes.push(b.length);
    this.written.push(...b);
  }
  close(): void {
    this.closed = true;
  }
  // Test helpers: bytes arrive from the terminal; the FIFO reports free space.
  receive(s: string): void {
    this.rx.push(...asciiBytes(s));
    this.options.onReadable!.call(this, this.rx.length);
  }
  drain(free: number): void {
    this.options.onWritable!.call(this, free);
  }
  fail(msg: string): void {
    this.options.onError!.call(this, new Error(msg));
  }
}

class FakeUDP {
  static last: FakeUDP;
  sent: Array<[string, string, number]> = [];
  failing = false;
  constructor(public options: UDPOptions) {
    FakeUDP.last = this;
  }
  write(data: Uint8Array, address: string, port: number): void {
    if (this.failing) throw new Error("UDP send failed");
    this.sent.push([latin1(data), address, port]);
  }
  read() {
    return undefined;
  }
  close(): void {}
}

function manualTimers() {
  const pending: Array<() => void> = [];
  const timers: Timers = {
    set: (cb) => {
      pending.push(cb);
      return pending.length;
    },
    clear: () => {},
  };
  return {
    timers,
    fire: () => {
      const p = pending.splice(0);
      for (const f of p) f();
    },
    pending,
  };
}

function make(over: Partial<ReturnType<typeof makeConfig>> = {}, monotonic: () => number = () => 0) {
  const t = manualTimers();
  const gw = new Gateway({
    config: makeConfig({ sfi: "BD0001", tagTime: false, uartQueue: 3, ...over }),
    clock: { now: () => 1_700_000_000_000, monotonic },
    timers: t.timers,
    serial: { io: FakeSerial, port: 0, receive: 3, transmit: 1, baud: 115200 },
    udp: { io: FakeUDP, timeToLive: 1 },
    routes: defaultRoutes(),
    startupCommands: STARTUP_COMMANDS,
  });
  gw.start();
  return { gw, serial: FakeSerial.last, udp: FakeUDP.last, t };
}

describe("gateway core", () => {
  it("reads the UART, sends each sentence to its group, with TTL from the config", () => {
    const { gw, serial, udp } = make({ startupCmds: false });
    serial.receive(
      "$GNGGA,052345.77,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,*71\r\n$BDTXR,1,0179773,2,,A468656C6C6F*43\r\n",
    );
    assert.equal(udp.options.timeToLive, 1);
    assert.deepEqual(
      udp.sent.map(([, a, p]) => `${a}:${p}`),
      ["239.192.0.4:60004", "239.192.0.6:60006"],
    );
    // Whole datagrams as literals, and each passes the strict reader with the sender limits.
    assert.deepEqual(
      udp.sent.map(([d]) => d),
      [
        "UdPbC\0\\s:BD0001,n:1*07\\$GNGGA,052345.77,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,*71\r\n",
        "UdPbC\0\\s:BD0001,n:2*04\\$BDTXR,1,0179773,2,,A468656C6C6F*43\r\n",
      ],
    );
    for (const [d] of udp.sent) assert.equal(readDatagram(Buffer.from(d, "latin1"), { sendLimits: true }).length, 1);
    assert.equal(gw.counters.perGroup[4], 1);
  });

  it("dates the last valid unit (serial and feed), not by noise, rejects or half a sentence", () => {
    let mono = 1000;
    const { gw, serial } = make({ startupCmds: false }, () => mono);
    assert.equal(gw.silenceSeconds(), Infinity);
    serial.receive("$GNGGA,052345.77,4210.472433,N,02445.362882,E,1,12,0.7,171.9,M,36.9,M,,*71\r\n");
    assert.equal(gw.lastUnitTime, 1000);
    mono = 3500;
    serial.receive("noise \x01\x02 $GNGGA,bad*00\r\n"); // a reject and noise: no unit
    assert.equal(gw.lastUnitTime, 1000);
    assert.equal(gw.silenceSeconds(), 2.5);
    mono = 4000;
    gw.feed(asciiBytes("$BDTXR,1,0179773,2,,A468656C6C6F*43\r\n"));
    assert.equal(gw.lastUnitTime, 4000);
    mono = 4200;
    gw.feed(asciiBytes("$BDTXR,1,0179773,2,,A4686")); // half a sentence: not a unit yet
    assert.equal(gw.lastUnitTime, 4000);
    mono = 4300;
    gw.feed(asciiBytes("56C6C6F*43\r\n"));
    assert.equal(gw.lastUnitTime, 4300);
    assert.equal(gw.silenceSeconds(), 0);
  });

  it("sends the start-up commands (ICA, RMO) to the terminal, in FIFO-sized pieces", () => {
    const { serial } = make();
    assert.equal(serial.written.length, 0, "nothing before the driver reports space");
    serial.drain(16);
    serial.drain(16);
    serial.drain(16);
    assert.ok(serial.writes.every((n) => n <= 16));
    assert.equal(latin1(Uint8Array.from(serial.written)), STARTUP_BYTES);
  });

  it("bounds the UART output queue, dropping the oldest and counting it", () => {
    const { gw, serial } = make({ startupCmds: false });
    for (let i = 0; i < 10; i++) gw.sendToTerminal(`$CCICA,0,0${i}`);
    assert.equal(gw.queueLength, 3);
    assert.equal(gw.counters.uartDropped, 7);
    for (let i = 0; i < 20; i++) serial.drain(16);
    assert.equal(latin1(Uint8Array.from(serial.written)), "$CCICA,0,07\r\n$CCICA,0,08\r\n$CCICA,0,09\r\n");
    assert.ok(gw.events.recent().some((e) => e.code === "uart.overflow"));
  });

  it("counts send failures and keeps reading the UART", () => {
    let now = 0;
    const { gw, serial, udp } = make({ startupCmds: false }, () => now);
    udp.failing = true;
    for (let i = 0; i < 150; i++) serial.receive("$GPZDA,120000.00,01,01,2024,00,00*61\r\n");
    assert.equal(gw.counters.sendErrors, 150);
    assert.equal(gw.framer.counters.sentences, 150);
    assert.equal(
      gw.events.recent().filter((e) => e.code === "net.send").length,
      2,
      "first failure and the 100th logged, not all",
    );
    udp.failing = false;
    serial.receive("$GPZDA,120000.00,01,01,2024,00,00*61\r\n");
    assert.equal(udp.sent.length, 1);
    assert.ok(!gw.events.recent().some((e) => /sending again/.test(e.text)), "not yet: host send errors arrive late");
    now = 2500;
    serial.receive("$GPZDA,120000.00,01,01,2024,00,00*61\r\n");
    assert.ok(
      gw.events.recent().some((e) => e.code === "net.send" && /sending again \(150 send failures/.test(e.text)),
    );
  });

  it("reopens a failed serial port after the delay and asks the terminal again", () => {
    const { gw, serial, t } = make();
    const before = FakeSerial.instances;
    serial.drain(5); // the first command is cut after 5 bytes by the unplug
    serial.fail("device disconnected");
    assert.ok(serial.closed);
    assert.equal(gw.counters.serialErrors, 1);
    assert.equal(t.pending.length, 1);
    t.fire();
    assert.equal(FakeSerial.instances, before + 1);
    assert.equal(gw.counters.serialReopens, 0, "not reopened until the port answers");
    // Still unplugged: the attempt fails again; it is counted, not logged again.
    FakeSerial.last.fail("no such device");
    t.fire();
    assert.equal(gw.counters.serialErrors, 2);
    assert.deepEqual(
      gw.events
        .recent()
        .map((e) => e.code)
        .filter((c) => c.startsWith("serial")),
      ["serial.lost"],
    );
    FakeSerial.last.receive("$GPZDA,120000.00,01,01,2024,00,00*61\r\n");
    assert.equal(gw.counters.serialReopens, 1);
    assert.deepEqual(
      gw.events
        .recent()
        .map((e) => e.code)
        .filter((c) => c.startsWith("serial")),
      ["serial.lost", "serial.open"],
    );
    assert.equal(gw.framer.counters.sentences, 1);
    // The cut command is sent again whole; the start-up commands are not queued twice.
    for (let i = 0; i < 10; i++) FakeSerial.last.drain(16);
    assert.equal(latin1(Uint8Array.from(FakeSerial.last.written)), STARTUP_BYTES);
    assert.equal(gw.counters.uartDropped, 0);
  });
});
