// The 450 line count n: wraps 999 -> 1 on every encoder path, and every checksum the
// gateway writes is upper-case hex (issue 26 point 1).
//
// Paths: a plain sentence (the one-pass writer), an answer with d: (the TAG block writer),
// an overlong sentence carried as a $PXBDS group, an overlong one forwarded verbatim, and
// alerts (ALF, and ARC to the requesting SFI) wired into the encoder as the network side
// does. Expected datagrams are literals; their checksums were computed apart from src
// (Python's XOR over the characters) and are checked again here with hosttest/lib/text.ts.

import * as assert from "node:assert/strict";
import { AlertManager, GATEWAY_ALERTS } from "../src/core/alerts";
import { makeConfig } from "../src/core/config";
import { Iec450Encoder } from "../src/core/encoder";
import { Gateway } from "../src/core/gateway";
import { readDatagram, StrictStream } from "./lib/strict-reader";
import { hex2, sentence, xorText } from "./lib/text";

const ZDA = "$GPZDA,120000.00,01,01,2024,00,00*61";

function encoder(overlong: "carry" | "verbatim" | "drop" = "carry") {
  const out: string[] = [];
  const e = new Iec450Encoder({
    sfi: "GP0001",
    clock: { now: () => Date.UTC(2026, 11, 7, 13, 5, 7, 250), monotonic: () => 0 },
    tagTime: false,
    overlong,
    onDatagram: (b, n) => out.push(Buffer.from(b.subarray(0, n)).toString("latin1")),
  });
  const send = (s: string, d?: string) => {
    const b = Buffer.from(s, "latin1");
    return e.encode(b, b.length, d);
  };
  return { e, out, send };
}

/** Send `count` plain sentences (the encoder's n: then stands at `count` mod 999). */
function prime(send: (s: string) => number, count: number): void {
  for (let i = 0; i < count; i++) send(ZDA);
}

/** The n: values of a datagram, read by the strict reader with the sender limits. */
const ns = (d: string) => readDatagram(Buffer.from(d, "latin1"), { sendLimits: true }).map((l) => l.n);

/** Every TAG block and sentence checksum in `d`: two upper-case hex digits that match (own XOR). */
function assertUpperCaseChecksums(d: string): void {
  let seen = 0;
  for (const m of d.matchAll(/\\([^\\*]*)\*([^\\]*)\\/g)) {
    assert.match(m[2], /^[0-9A-F]{2}$/, `TAG checksum "${m[2]}" in ${JSON.stringify(d)}`);
    assert.equal(m[2], hex2(xorText(m[1])));
    seen++;
  }
  for (const m of d.matchAll(/[$!]([^$!*\r\n\\]*)\*([^\r\n]*)\r\n/g)) {
    assert.match(m[2], /^[0-9A-F]{2}$/, `sentence checksum "${m[2]}" in ${JSON.stringify(d)}`);
    assert.equal(m[2], hex2(xorText(m[1])));
    seen++;
  }
  assert.ok(seen >= 2, `checksums found in ${JSON.stringify(d)}`);
}

// A TXR of 22 + 8 x 26 characters: longer than 82, so it is carried (or sent verbatim).
const LONG_TXR = sentence("$BDTXR,1,0179773,2,,A4" + "48656C6C6F2C20776F726C6421".repeat(8));

describe("450 line count n: wraps 999 -> 1 on every path", () => {
  it("the gateway's forward loop (bytes.forwardText): n: 998, 999, then 1, 2 on the plain path", () => {
    const out: string[] = [];
    const gw = new Gateway({
      config: makeConfig({ tagTime: false }),
      clock: { now: () => 0, monotonic: () => 0 },
      onDatagram: (b, n) => out.push(Buffer.from(b.subarray(0, n)).toString("latin1")),
    });
    const line = Buffer.from(ZDA + "\r\n", "latin1");
    for (let i = 0; i < 1001; i++) gw.feed(line);
    assert.equal(out.length, 1001);
    assert.deepEqual(
      out.slice(997).map((d) => ns(d)[0]),
      [998, 999, 1, 2],
    );
    assert.equal(gw.encoder.lastLine, 2);
    assert.equal(gw.encoder.linesSent, 1001);
  });

  it("plain sentences: n:998, n:999 (TAG *1E, upper case), then n:1", () => {
    const { out, send } = encoder();
    prime(send, 997);
    prime(send, 3);
    assert.deepEqual(out.slice(-3), [
      `UdPbC\0\\s:GP0001,n:998*1F\\${ZDA}\r\n`,
      `UdPbC\0\\s:GP0001,n:999*1E\\${ZDA}\r\n`,
      `UdPbC\0\\s:GP0001,n:1*16\\${ZDA}\r\n`,
    ]);
    for (const d of out.slice(-3)) assertUpperCaseChecksums(d);
  });

  it("answers with d: after n:999 carry n:1, then n:2 (TAG *6A, upper case)", () => {
    const { e, out, send } = encoder();
    prime(send, 999);
    send(ZDA, "EI0001");
    send(ZDA, "EI0001");
    assert.deepEqual(out.slice(-2), [
      `UdPbC\0\\s:GP0001,n:1,d:EI0001*69\\${ZDA}\r\n`,
      `UdPbC\0\\s:GP0001,n:2,d:EI0001*6A\\${ZDA}\r\n`,
    ]);
    for (const d of out.slice(-2)) assertUpperCaseChecksums(d);
    assert.equal(e.lastLine, 2);
  });

  it("a carried group across the wrap: n:999, 1, 2, … with no gap, reassembled byte-identical", () => {
    const { out, send } = encoder("carry");
    prime(send, 998);
    const before = out.length;
    send(LONG_TXR);
    const stream = new StrictStream();
    stream.lastN = 998;
    const got: string[] = [];
    const lines: Array<number | undefined> = [];
    for (const d of out.slice(before)) {
      assertUpperCaseChecksums(d);
      for (const l of readDatagram(Buffer.from(d, "latin1"), { sendLimits: true })) {
        lines.push(l.n);
        got.push(...stream.accept(l));
      }
    }
    assert.ok(lines.length >= 3, `carried in ${lines.length} lines`);
    assert.deepEqual(
      lines,
      lines.map((_, i) => (i === 0 ? 999 : i)),
    );
    assert.equal(stream.gaps, 0);
    assert.deepEqual(got, [LONG_TXR]);
  });

  it("a carried answer (d:) across the wrap: n:1 follows n:999", () => {
    const { out, send } = encoder("carry");
    prime(send, 999);
    const before = out.length;
    send(LONG_TXR, "EI0001");
    const lines = out.slice(before).flatMap((d) => readDatagram(Buffer.from(d, "latin1"), { sendLimits: true }));
    assert.deepEqual(
      lines.map((l) => [l.n, l.tags.d]),
      lines.map((_, i) => [i + 1, "EI0001"]),
    );
  });

  it("an overlong sentence forwarded verbatim after n:999 carries n:1", () => {
    const { out, send } = encoder("verbatim");
    prime(send, 999);
    send(LONG_TXR);
    assert.equal(out[out.length - 1], `UdPbC\0\\s:GP0001,n:1*16\\${LONG_TXR}\r\n`);
    assertUpperCaseChecksums(out[out.length - 1]);
  });

  it("alerts: ALF after n:999 carries n:1; a refused ACN's ARC with d: after n:999 carries n:1", () => {
    const { out, send } = encoder();
    const am = new AlertManager({
      clock: { now: () => Date.UTC(2026, 11, 7, 13, 5, 7, 250), monotonic: () => 0 },
      talker: "BD",
      manufacturer: "XBD",
      ownSfi: "GP0001",
      // As the network side wires it: the alert source hands each sentence to the encoder.
      send: (b, n, destination) => send(Buffer.from(b.subarray(0, n)).toString("latin1"), destination),
    });
    prime(send, 999);
    // A core gateway alert (the Beidou ones are defined in src/beidou and passed in by the assembly).
    assert.equal(am.raise(GATEWAY_ALERTS[0].key), true);
    const alf = out[out.length - 1];
    assert.match(alf, /^UdPbC\0\\s:GP0001,n:1\*16\\\$BDALF,/);
    assert.deepEqual(ns(alf), [1]);
    assertUpperCaseChecksums(alf);
    prime(send, 998);
    const acn = sentence("$CMACN,130507.25,XBD,99999,1,A,C");
    assert.equal(am.handleAcn(acn, "GP0001", "CA0001"), "refused");
    const arc = out[out.length - 1];
    assert.match(arc, /^UdPbC\0\\s:GP0001,n:1,d:CA0001\*67\\\$BDARC,130507\.25,XBD,99999,1,A\*/);
    assertUpperCaseChecksums(arc);
  });
});
