// Hostile network input against the gateway's network side (strict receiver +
// command gate, src/core/netside.ts) in-process: each kind of attack is rejected,
// counted under its reason, and nothing reaches the UART. The same attacks at
// process level, under load, run in the soak (hosttest/soak.test.ts).
import * as assert from "node:assert/strict";
import { reencodeCommand } from "../src/beidou/reencode";
import { makeConfig } from "../src/core/config";
import { Gateway } from "../src/core/gateway";
import { RCOM } from "../src/core/groups";
import type { SerialInstance, SerialOptions } from "../src/core/io";
import { NetworkSide } from "../src/core/netside";
import { uartSentences } from "./lib/strict-reader";
import { sentence, tag } from "./lib/text";

class UartTap implements SerialInstance {
  static last: UartTap;
  bytes: number[] = [];
  constructor(readonly options: SerialOptions) {
    UartTap.last = this;
  }
  read(): number {
    return 0;
  }
  write(d: ArrayBuffer | Uint8Array): void {
    for (const b of d instanceof Uint8Array ? d : new Uint8Array(d)) this.bytes.push(b);
  }
  close(): void {
    /* nothing */
  }
}

function datagram(tags: string, s: string, token = "UdPbC"): Buffer {
  return Buffer.from(token + "\0" + tags + s + "\r\n", "latin1");
}

function rig(overrides: Record<string, unknown> = {}, drain = true) {
  let mono = 5000;
  const clock = { now: () => 1700000000000 + mono, monotonic: () => mono };
  const config = makeConfig({ startupCmds: false, cmdFwd: true, cmdAllow: "EI0001", uartQueue: 16, ...overrides });
  const gw = new Gateway({ config, clock, serial: { io: UartTap, device: "/dev/null", baud: 115200 } });
  gw.start();
  const tap = UartTap.last;
  if (drain) tap.options.onWritable!.call(tap, 1 << 30);
  const side = new NetworkSide({ gateway: gw, clock, encodeCommand: reencodeCommand });
  const send = (d: Buffer) => side.receive(d, d.length, RCOM);
  // The UART bytes judged by the independent reference extractor: whole valid
  // sentences with CR LF, anything else listed as "BAD ...".
  const uart = () => {
    const u = uartSentences(tap.bytes);
    return [...u.sentences, ...u.bad.map((b) => "BAD " + JSON.stringify(b))];
  };
  return { gw, side, send, tap, uartSentences: uart, advance: (ms: number) => (mono += ms) };
}

const GOOD = sentence("CCICA,0,00");

describe("hostile network input: rejected, counted, nothing reaches the UART", () => {
  it("a well-formed allowed command passes (the control case)", () => {
    const r = rig();
    r.send(datagram(tag("s:EI0001,n:1,d:BD0001"), GOOD));
    assert.equal(r.side.counters.commandsAccepted, 1);
    assert.deepEqual(r.uartSentences(), ["$CCICA,0,00*7B"]);
  });

  const cases: Array<[string, Buffer, string]> = [
    [
      "oversize datagram (1473 bytes and more)",
      Buffer.concat([datagram(tag("s:EI0001,n:1,d:BD0001"), GOOD), Buffer.alloc(1500, 0x41)]),
      "oversize",
    ],
    ["wrong token UdPbc", datagram(tag("s:EI0001,n:1,d:BD0001"), GOOD, "UdPbc"), "header"],
    ["other token RrUdP", datagram(tag("s:EI0001,n:1,d:BD0001"), GOOD, "RrUdP"), "otherToken"],
    [
      "TAG block with a bad checksum",
      datagram(tag("s:EI0001,n:1,d:BD0001").replace(/\*..\\$/, "*00\\"), GOOD),
      "tagChecksum",
    ],
    [
      "sentence with a bad checksum",
      datagram(tag("s:EI0001,n:1,d:BD0001"), GOOD.replace(/..$/, "00")),
      "sentenceChecksum",
    ],
    [
      "'*' injected in a field (checksum recomputed)",
      datagram(tag("s:EI0001,n:1,d:BD0001"), sentence("CCTXA,0179773,1,0,A*B")),
      "sentenceFormat",
    ],
    [
      "'\\' injected in a field",
      datagram(tag("s:EI0001,n:1,d:BD0001"), sentence("CCTXA,0179773,1,0,A\\B")),
      "sentenceFormat",
    ],
    [
      "'$' injected in a field",
      datagram(tag("s:EI0001,n:1,d:BD0001"), sentence("CCTXA,0179773,1,0,A$CCICA,0,00")),
      "sentenceFormat",
    ],
    [
      "CR LF injected in a field",
      datagram(tag("s:EI0001,n:1,d:BD0001"), sentence("CCTXA,0179773,1,0,A\r\n$CCICA,0,00")),
      "sentenceFormat",
    ],
  ];
  for (const [name, d, counter] of cases) {
    it(`${name}: datagram discarded (${counter})`, () => {
      const r = rig();
      r.send(d);
      const c = r.side.receiver.counters as unknown as Record<string, number>;
      assert.equal(c.discarded, 1);
      assert.equal(c[counter], 1, JSON.stringify(r.side.receiver.counters));
      assert.equal(r.side.counters.commandsAccepted, 0);
      assert.deepEqual(r.tap.bytes, []);
    });
  }

  const gated: Array<[string, string, string, Record<string, unknown>?]> = [
    ["d: spoofed to another SFI", tag("s:EI0001,n:1,d:BD0002"), "filtered"],
    ["no d: at all", tag("s:EI0001,n:1"), "not-addressed"],
    ["source not on the allowlist", tag("s:EI0009,n:1,d:BD0001"), "source-not-allowed"],
    ["our own SFI as source (loop-back / spoof)", tag("s:BD0001,n:1,d:BD0001"), "own"],
    ["command forwarding switched off", tag("s:EI0001,n:1,d:BD0001"), "disabled", { cmdFwd: false, cmdAllow: "" }],
  ];
  for (const [name, tags, reason, over] of gated) {
    it(`${name}: rejected (${reason}), nothing on the UART`, () => {
      const r = rig(over);
      r.send(datagram(tags, GOOD));
      const n = r.side.counters,
        rc = r.side.receiver.counters;
      if (reason === "filtered") assert.equal(rc.otherDestination, 1);
      else if (reason === "own") assert.equal(rc.ownSource, 1);
      else assert.equal(n.rejects[reason as keyof typeof n.rejects], 1, JSON.stringify(n));
      assert.equal(n.commandsAccepted, 0);
      assert.deepEqual(r.tap.bytes, []);
    });
  }

  it("unsupported and invalid commands are rejected by reason; 8-bit text is refused before the gate", () => {
    const r = rig();
    let n = 1;
    const sendCmd = (body: string) => {
      r.send(datagram(tag(`s:EI0001,n:${n++},d:BD0001`), sentence(body)));
      r.advance(1000);
    };
    sendCmd("CCXYZ,1");
    sendCmd("CCICA,0");
    sendCmd("CCTXA,0179773,1,1,ZZ");
    sendCmd("CCTXA,0179773,1,0,caf\xe9 ^2A ~");
    const c = r.side.counters;
    assert.equal(c.rejects.unsupported, 1);
    assert.equal(c.rejects.invalid, 2, JSON.stringify(c));
    assert.equal(c.commandsAccepted, 0);
    assert.equal(r.side.receiver.counters.discarded, 1, "the datagram with byte 0xE9 is discarded by the receiver");
    assert.deepEqual(r.tap.bytes, []);
  });

  it("a valid '^'-escaped Chinese TXA is accepted and reaches the UART byte-exact as raw GB2312", () => {
    const r = rig();
    // 你好 = C4E3 BAC3 in GB2312, sent escaped (the network side is printable ASCII);
    // checksums computed apart from src: *06 over the escaped text, *2A over the raw bytes.
    r.send(datagram(tag("s:EI0001,n:1,d:BD0001"), "$CCTXA,0242286,1,0,^C4^E3^BA^C3*06"));
    assert.equal(r.side.counters.commandsAccepted, 1, JSON.stringify(r.side.counters));
    assert.equal(Buffer.from(r.tap.bytes).toString("latin1"), "$CCTXA,0242286,1,0,\xc4\xe3\xba\xc3*2A\r\n");
    assert.deepEqual(r.uartSentences(), ["$CCTXA,0242286,1,0,\xc4\xe3\xba\xc3*2A"]);
  });

  it("a command flood: 5 per source per second pass, the rest are counted as 'rate'; the UART queue stays bounded", () => {
    // A UART that never becomes writable, so that the bound of the queue shows.
    const r = rig({}, false);
    let n = 1;
    for (let second = 0; second < 20; second++) {
      for (let i = 0; i < 500; i++) r.send(datagram(tag(`s:EI0001,n:${(n++ % 999) + 1},d:BD0001`), GOOD));
      r.advance(1000);
    }
    const c = r.side.counters;
    assert.equal(c.commandsAccepted, 100);
    assert.equal(c.rejects.rate + c.commandsAccepted + r.side.receiver.counters.duplicates, 10000);
    assert.ok(r.gw.queueLength <= 16, `queue ${r.gw.queueLength}`);
    assert.equal(r.gw.queueLength, 16);
    assert.equal(r.gw.counters.uartDropped, 100 - 16);
    assert.deepEqual(r.tap.bytes, []);
  });
});
