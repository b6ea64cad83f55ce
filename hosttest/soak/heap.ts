// Heap of the portable core under sustained load, measured exactly: run with
//   node --expose-gc dist/hosttest/soak/heap.js [--sentences N]
// The whole core runs in this process, without IO: UART bytes (the built-in RNSS + RDSS
// mix with noise, and 4.0 frames) -> framer -> Beidou decoders + device state -> router
// -> encoder; and hostile datagrams (spoofed sources from thousands of SFIs, commands
// from allowed and foreign SFIs, junk) -> strict receiver -> command gate -> bounded
// UART queue (no UART: it never drains, so the bound is exercised). After every batch
// a full GC, then V8's heapUsed. RSS of the real process is the soak's job; this
// pins down whether the core itself keeps anything per sentence or per datagram.

import { beidouAlerts } from "../../src/beidou/alerts";
import { reencodeCommand } from "../../src/beidou/reencode";
import { gatewayHooks } from "../../src/beidou/wiring";
import { makeConfig } from "../../src/core/config";
import { Gateway } from "../../src/core/gateway";
import { RCOM } from "../../src/core/groups";
import { NetworkSide } from "../../src/core/netside";
import { BuiltinMix } from "../../src/sim/mix";
import { rdss40Frame, sentence, tag } from "../lib/text";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : def;
}

function main(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  const total = Number(arg("sentences", "1000000"));
  const batches = 20;
  let mono = 1000;
  const clock = { now: () => 1700000000000 + mono, monotonic: () => mono };
  const hooks = gatewayHooks({ clock });
  let datagrams = 0;
  const gw = new Gateway({
    config: makeConfig({ cmdFwd: true, cmdAllow: "EI0001", startupCmds: true }),
    clock,
    onUnit: hooks.onUnit,
    convertFrame: hooks.convertFrame,
    frameCommands: hooks.frameCommands,
    onDatagram: () => {
      datagrams++;
    },
  });
  const side = new NetworkSide({
    gateway: gw,
    clock,
    deviceAlerts: beidouAlerts(hooks.wiring.state),
    encodeCommand: reencodeCommand,
  });
  hooks.attach({ events: gw.events, rejects: gw.framerCounters });
  const mix = new BuiltinMix({ noiseEvery: 5 });
  // 4.0 frames written here, not by the core's encoders: a TXXX (code message "12" from
  // 0179773 at 08:01: info 0x60, 16 bits) and the DWXX position example of docs/beidou.md.
  const frames = [
    rdss40Frame("TXXX", 242286, [0x60, 0x02, 0xbe, 0x3d, 8, 1, 0x00, 0x10, 0x31, 0x32, 0]),
    Uint8Array.from(Buffer.from("2444575858001F1FFA66080000000B1C324776052F07182235060014000A8D", "hex")),
  ];
  // Hostile datagrams, prebuilt (their allocation is not the core's).
  const flood: Buffer[] = [];
  for (let i = 0; i < 4096; i++) {
    const src = "X" + String.fromCharCode(65 + (i % 26)) + String(1000 + i).slice(-4);
    const n = (i % 999) + 1;
    const kinds = [
      tag(`s:${src},n:${n},d:BD0001`) + sentence("CCICA,0,00"),
      tag(`s:EI0001,n:${n},d:BD0001`) + sentence("CCRMO,BSI,2,10"),
      tag(`s:${src},n:${n}`) + sentence("EIHDT,123.4,T"),
      tag(`s:EI0001,n:${n},d:BD0002`) + sentence("CCICA,0,00"),
    ];
    flood.push(Buffer.from("UdPbC\0" + kinds[i % kinds.length] + "\r\n", "latin1"));
    flood.push(Buffer.from("UdPbC\0" + "\\s:" + src + ",n:1*00\\" + "junk\r\n", "latin1"));
  }
  const heap: number[] = [];
  let sentences = 0,
    epoch = 0,
    f = 0;
  for (let b = 0; b <= batches; b++) {
    const until = (total / batches) * b;
    while (sentences < until) {
      for (const u of mix.next()) {
        gw.feed(u);
        sentences++;
      }
      const fr = frames[epoch % frames.length];
      gw.feed(fr);
      for (let k = 0; k < 40; k++, f++) side.receive(flood[f % flood.length], flood[f % flood.length].length, RCOM);
      mono += 1000 / 8; // 8 epochs per second of the 115200-baud byte rate
      if (++epoch % 8 === 0) {
        hooks.wiring.state.tick(clock.now());
        side.tick();
      }
    }
    gc();
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }
  const warm = heap[2]; // after 10% of the run: pools, tables and rings filled
  const end = heap[heap.length - 1];
  const peak = Math.max(...heap.slice(2));
  const c = gw.framer.counters;
  process.stdout.write(
    JSON.stringify({
      sentences: c.sentences,
      frames: c.frames,
      rejected: c.rejected,
      datagramsOut: datagrams,
      datagramsIn: side.receiver.counters.datagrams,
      commandsAccepted: side.counters.commandsAccepted,
      commandsRejected: side.counters.commandsRejected,
      uartQueue: gw.queueLength,
      uartDropped: gw.counters.uartDropped,
      sourcesEvicted: side.receiver.counters.sourcesEvicted,
      events: gw.events.total,
      heapAfterWarmupKB: Math.round(warm / 1024),
      heapEndKB: Math.round(end / 1024),
      heapPeakKB: Math.round(peak / 1024),
      growthKB: Math.round((end - warm) / 1024),
      heapSeriesKB: heap.map((h) => Math.round(h / 1024)),
    }) + "\n",
  );
}

main();
