// Network side, duplicate-SFI check: the gateway's own line counts come from the
// encoder's numbering (src/core/net/own-lines.ts), dated once a second. Every line of
// a multi-line datagram (an overlong sentence carried as a $PXBDS group) must count
// as ours, so that its loopback is not taken for another device using our SFI; the
// oracle here reads the line counts from the datagrams with the full TAG parser.

import * as assert from "node:assert/strict";
import { reencodeCommand } from "../src/beidou/reencode";
import { makeConfig } from "../src/core/config";
import { Gateway } from "../src/core/gateway";
import { OwnLines } from "../src/core/net/own-lines";
import { NetworkSide, networkParts } from "../src/core/netside";
import { newTagFields, parseTagBlock, TAG_OK } from "../src/core/tagblock";
import { asciiBytes, latin1, xorRange } from "../src/nmea/checksum";
import { TestClock } from "./lib/test-clock";

/** The clock these tests move by hand. */
function newClock(): TestClock {
  return new TestClock(Date.UTC(2026, 10, 25, 14, 0, 0), 5000);
}

function nmea(body: string): Uint8Array {
  const x = xorRange(asciiBytes(body), 0, body.length);
  return asciiBytes("$" + body + "*" + x.toString(16).toUpperCase().padStart(2, "0") + "\r\n");
}

/** Line counts of a datagram by the full TAG parser (the reference). */
function lineCounts(d: Uint8Array): number[] {
  const out: number[] = [];
  const text = latin1(d);
  let p = 6;
  for (const line of text.slice(6).split("\n")) {
    const f = newTagFields();
    f.n = -1;
    if (line.startsWith("\\") && parseTagBlock(d, p, p + line.length, f) === TAG_OK && f.n >= 1) out.push(f.n);
    p += line.length + 1;
  }
  return out;
}

/** A datagram as another device using our SFI would send it (the test's own TAG writer). */
function foreignDatagram(sfi: string, n: number): Uint8Array {
  const tag = `s:${sfi},n:${n}`;
  const sum = xorRange(asciiBytes(tag), 0, tag.length).toString(16).toUpperCase().padStart(2, "0");
  const line = latin1(nmea("GPZDA,120000.00,25,11,2026,00,00"));
  return asciiBytes(`UdPbC\0\\${tag}*${sum}\\${line}`);
}

describe("network side: own line counts (duplicate-SFI check)", () => {
  for (const stampedFirst of [false, true])
    it(`a carrier group's loopback is not a collision (${stampedFirst ? "lines dated by a tick before it" : "lines not yet dated"}); a replay 11 s later and a line count never sent are`, () => {
      const clock = newClock();
      const sent: Array<{ bytes: Uint8Array; group: number }> = [];
      // Built in the assembly's order: the parts the gateway's hooks call, then the gateway, then the side.
      const config = makeConfig({ sfi: "BD0001", startupCmds: false, overlong: "carry", alSilentS: 0 });
      const parts = networkParts({ clock, config });
      const gw = new Gateway({
        config,
        clock,
        onDatagram(b, n, g) {
          sent.push({ bytes: b.slice(0, n), group: g });
        },
      });
      const net = new NetworkSide({ gateway: gw, clock, encodeCommand: reencodeCommand, parts });
      // TXR with a 120-character payload: longer than 82, so carried as a group of lines.
      gw.feed(nmea("BDTXR,1,0179773,1,," + "A1".repeat(60)));
      gw.feed(nmea("GPZDA,120000.00,25,11,2026,00,00"));
      assert.ok(sent.length >= 2, `datagrams ${sent.length}`);
      const counts = sent.map((s) => lineCounts(s.bytes));
      assert.ok(counts[0].length >= 2, `carrier lines in the first datagram: ${counts[0].length}`);
      if (stampedFirst) net.ownLines.stamp();
      for (const s of sent) net.receive(s.bytes, s.bytes.length, s.group, "127.0.0.1");
      assert.equal(net.receiver.counters.ownSource, counts.flat().length);
      assert.equal(net.counters.sfiCollisions, 0, "own loopback, every line count noted");
      // Another device on our SFI with a line count we have not sent.
      const never = 500;
      assert.ok(!counts.flat().includes(never));
      const f = foreignDatagram("BD0001", never);
      net.receive(f, f.length, sent[1].group, "127.0.0.1");
      assert.equal(net.counters.sfiCollisions, 1, "a line count we never sent");
      // The once-a-second tick dates our lines; 11 s on they are no longer a moment ago.
      clock.mono += 500;
      net.ownLines.stamp();
      clock.mono += 10600;
      net.receive(sent[0].bytes, sent[0].bytes.length, sent[0].group, "127.0.0.1");
      assert.equal(net.counters.sfiCollisions, 1 + counts[0].length, "the same lines 11 s later are foreign");
    });
});

describe("network side: own line counts dated across the 999 wrap", () => {
  it("stamp() dates the same line counts as a line-by-line walk back from lastLine (random sends, wrap, a full 999)", () => {
    const clock = newClock();
    const src = { lastLine: 0, linesSent: 0 };
    const own = new OwnLines(clock, src);
    // The reference: each line count's date (tenths of a second, as OwnLines keeps them), walked line by line.
    const tenths = () => Math.floor((clock.mono - 5000) / 100);
    const sentAt = new Array<number>(1000).fill(-Infinity);
    let stamped = 0,
      seed = 7;
    const random = (m: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % m;
    };
    for (let round = 0; round < 400; round++) {
      const k = round === 200 ? 999 : round === 201 ? 1500 : random(round % 7 === 0 ? 900 : 80);
      for (let i = 0; i < k; i++) {
        src.lastLine = src.lastLine === 999 ? 1 : src.lastLine + 1;
        src.linesSent++;
      }
      clock.mono += 1000;
      own.stamp();
      let n = src.lastLine;
      for (let j = Math.min(src.linesSent - stamped, 999); j > 0; j--) {
        sentAt[n] = tenths();
        n = n === 1 ? 999 : n - 1;
      }
      stamped = src.linesSent;
      clock.mono += random(12000);
      for (let c = 1; c <= 999; c++)
        assert.equal(own.isOurs(c), tenths() - sentAt[c] <= 100, `round ${round}, line ${c}`);
    }
  });
});
