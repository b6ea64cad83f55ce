// BAM alert source (ALF/ALC/ARC/HBT, ACN handling) and the RFC 5424 formatter.

import * as assert from "node:assert/strict";
import { BEIDOU_ALERTS } from "../src/beidou/alerts";
import { AlertManager, GATEWAY_ALERTS, utcTime } from "../src/core/alerts";

/** The alerts a whole gateway declares: the terminal's (src/beidou) and its own. */
const ALL_ALERTS = [...BEIDOU_ALERTS, ...GATEWAY_ALERTS];

import { utf8 } from "../src/core/helpers";
import { Iec450Receiver } from "../src/core/receiver";
import { formatSyslog, rfc3339, syslogBytes } from "../src/core/syslog";
import { asciiBytes, latin1, xorRange } from "../src/nmea/checksum";
import { TestClock } from "./lib/test-clock";

/** The clock these tests move by hand. */
function newClock(): TestClock {
  return new TestClock(Date.UTC(2026, 10, 25, 13, 5, 7, 250), 1000);
}

interface Sent {
  text: string;
  destination?: string;
}

function setup(extra: Partial<ConstructorParameters<typeof AlertManager>[0]> = {}) {
  const clock = newClock();
  const sent: Sent[] = [];
  const am = new AlertManager({
    clock,
    talker: "BD",
    manufacturer: "XBD",
    ownSfi: "BD0001",
    send: (b, n, destination) => sent.push({ text: latin1(b, 0, n), destination }),
    definitions: ALL_ALERTS,
    ...extra,
  });
  return { clock, sent, am };
}

function checksumOk(s: string): boolean {
  const star = s.lastIndexOf("*");
  return (
    star > 0 &&
    xorRange(asciiBytes(s), 1, star) === parseInt(s.slice(star + 1), 16) &&
    /^[0-9A-F]{2}$/.test(s.slice(star + 1))
  );
}

function fields(s: string): string[] {
  return s.slice(0, s.lastIndexOf("*")).split(",");
}

function acn(cmd: string, id = "10001", instance = "1", mfr = "XBD"): string {
  const body = `CMACN,130507.25,${mfr},${id},${instance},${cmd},C`;
  const x = xorRange(asciiBytes(body), 0, body.length);
  return "$" + body + "*" + x.toString(16).toUpperCase().padStart(2, "0");
}

describe("BAM alerts", () => {
  it("ALF on raise: fields in the §7.2 order, valid checksum, <= 82 characters", () => {
    const { sent, am } = setup();
    assert.equal(am.raise("terminalSilent"), true);
    assert.equal(sent.length, 1);
    const s = sent[0].text;
    assert.ok(checksumOk(s), s);
    assert.ok(s.length + 2 <= 82);
    assert.deepEqual(fields(s), [
      "$BDALF",
      "1",
      "1",
      "0",
      "130507.25",
      "B",
      "W",
      "V",
      "XBD",
      "10001",
      "1",
      "1",
      "0",
      "BDS TERMINAL SILENT",
    ]);
    assert.equal(am.raise("terminalSilent"), false, "raising an active alert is a no-op");
    assert.equal(sent.length, 1);
  });

  it("state transitions: V -silence-> S -ack-> A -clear-> N; revision and sequence count up", () => {
    const { sent, am } = setup();
    am.raise("noFix");
    assert.equal(am.silence("noFix"), null);
    assert.equal(am.state("noFix"), "S");
    assert.equal(am.acknowledge("noFix"), null);
    assert.equal(am.state("noFix"), "A");
    assert.equal(am.clear("noFix"), true);
    assert.equal(am.state("noFix"), "N");
    assert.equal(am.isActive("noFix"), false);
    const f = sent.map((x) => fields(x.text));
    assert.deepEqual(
      f.map((x) => x[7]),
      ["V", "S", "A", "N"],
    );
    assert.deepEqual(
      f.map((x) => x[11]),
      ["1", "2", "3", "4"],
      "revision counter",
    );
    assert.deepEqual(
      f.map((x) => x[3]),
      ["0", "1", "2", "3"],
      "sequential message id",
    );
    assert.equal(am.silence("noFix"), "alert not active");
  });

  it("alarm priority: clear while unacknowledged -> U (rectified-unacknowledged), ack -> N", () => {
    const { am } = setup({ definitions: [{ key: "x", id: 10100, priority: "A", category: "B", text: "TEST ALARM" }] });
    am.raise("x");
    am.clear("x");
    assert.equal(am.state("x"), "U");
    assert.equal(am.isActive("x"), true);
    assert.equal(am.acknowledge("x"), null);
    assert.equal(am.state("x"), "N");
  });

  it("cautions need no acknowledgement (configurable)", () => {
    let { am } = setup();
    am.raise("uartOverflow");
    assert.equal(am.state("uartOverflow"), "A");
    ({ am } = setup({ cautionsUnacknowledged: false }));
    am.raise("uartOverflow");
    assert.equal(am.state("uartOverflow"), "V");
  });

  it("sequence id wraps 9 -> 0; revision wraps 99 -> 1", () => {
    const { sent, am } = setup();
    for (let i = 0; i < 60; i++) {
      am.raise("noFix");
      am.clear("noFix");
    }
    const f = sent.map((x) => fields(x.text));
    assert.deepEqual(
      f.slice(8, 12).map((x) => x[3]),
      ["8", "9", "0", "1"],
    );
    assert.deepEqual(
      f.slice(97, 101).map((x) => x[11]),
      ["98", "99", "1", "2"],
    );
  });

  it("HBT: first one interval after start (or at once with hbtAtStart), then every interval; status A/V; sequence 0-9", () => {
    const late = setup({ hbtInterval: 5 });
    late.am.tick();
    late.clock.advance(4999);
    late.am.tick();
    assert.equal(late.sent.length, 0);
    late.clock.advance(1);
    late.am.tick();
    assert.equal(late.sent.length, 1);
    const { clock, sent, am } = setup({ hbtInterval: 5, hbtAtStart: true });
    am.tick();
    clock.advance(4999);
    am.tick();
    clock.advance(1);
    am.heartbeatStatus = "V";
    am.tick();
    assert.deepEqual(
      sent.map((s) => s.text.slice(0, s.text.indexOf("*"))),
      ["$BDHBT,5,A,0", "$BDHBT,5,V,1"],
    );
    assert.ok(sent.every((s) => checksumOk(s.text)));
    for (let i = 0; i < 10; i++) {
      clock.advance(5000);
      am.tick();
    }
    assert.equal(fields(sent[sent.length - 1].text)[3], "1", "11th heartbeat after the first wraps to 1");
    const none = setup({ hbtInterval: 0 });
    none.am.tick();
    assert.equal(none.sent.length, 0);
  });

  it("ALC: only while alerts are active, every alcInterval, entries split to fit 82 characters", () => {
    const { clock, sent, am } = setup({ hbtInterval: 0, alcInterval: 30 });
    am.tick();
    assert.equal(sent.length, 0, "no ALC without active alerts");
    for (const d of ALL_ALERTS) am.raise(d.key);
    sent.length = 0;
    am.tick();
    const alc = sent.filter((s) => s.text.startsWith("$BDALC"));
    assert.ok(alc.length >= 2, "6 entries need more than one sentence");
    const all = alc.flatMap((s) => {
      assert.ok(checksumOk(s.text) && s.text.length + 2 <= 82, s.text);
      const f = fields(s.text);
      assert.equal(f[1], String(alc.length).padStart(2, "0"));
      assert.equal(f[3], "00");
      const n = Number(f[4]);
      assert.equal(f.length, 5 + 4 * n);
      const e = [];
      for (let i = 0; i < n; i++) e.push(f.slice(5 + 4 * i, 9 + 4 * i).join(","));
      return e;
    });
    assert.deepEqual(
      all,
      ALL_ALERTS.map((d) => `XBD,${d.id},1,1`),
    );
    sent.length = 0;
    clock.advance(29000);
    am.tick();
    assert.equal(sent.length, 0);
    clock.advance(1000);
    am.tick();
    assert.ok(sent.length >= 2);
    assert.equal(fields(sent[0].text)[3], "01", "ALC sequential id counts up");
  });

  it("ACN addressed to us: A acknowledges, S silences, Q repeats the ALF", () => {
    const { sent, am } = setup();
    am.raise("cardAbsent");
    sent.length = 0;
    assert.equal(am.handleAcn(acn("S", "10003"), "BD0001", "CA0001"), "accepted");
    assert.equal(am.state("cardAbsent"), "S");
    assert.equal(am.handleAcn(acn("Q", "10003"), "BD0001", "CA0001"), "accepted");
    assert.equal(am.handleAcn(acn("A", "10003"), "BD0001", "CA0001"), "accepted");
    assert.equal(am.state("cardAbsent"), "A");
    assert.deepEqual(
      sent.map((s) => fields(s.text)[7]),
      ["S", "S", "A"],
    );
    assert.equal(am.counters.acnAccepted, 3);
    assert.equal(am.counters.arc, 0);
  });

  it("ACN not for us (no d:, other d:) or malformed is ignored, nothing sent", () => {
    const { sent, am } = setup();
    am.raise("cardAbsent");
    sent.length = 0;
    assert.equal(am.handleAcn(acn("A", "10003"), null, "CA0001"), "ignored");
    assert.equal(am.handleAcn(acn("A", "10003"), "EI0001", "CA0001"), "ignored");
    assert.equal(am.handleAcn(acn("A", "10003").replace(",C*", ",X*"), "BD0001", "CA0001"), "ignored");
    assert.equal(am.state("cardAbsent"), "V");
    assert.equal(sent.length, 0);
    assert.equal(am.counters.acnIgnored, 3);
  });

  it("refused commands answer ARC to the requesting SFI: unknown id, wrong mnemonic, inactive alert, silence of acknowledged", () => {
    const { sent, am } = setup();
    am.raise("noFix");
    am.acknowledge("noFix");
    sent.length = 0;
    assert.equal(am.handleAcn(acn("A", "99999"), "BD0001", "CA0001"), "refused");
    assert.equal(am.handleAcn(acn("A", "10002", "1", "ZZZ"), "BD0001", "CA0001"), "refused");
    assert.equal(am.handleAcn(acn("A", "10004"), "BD0001", "CA0001"), "refused");
    assert.equal(am.handleAcn(acn("S", "10002"), "BD0001", "CA0002"), "refused");
    assert.equal(sent.length, 4);
    for (const s of sent) assert.ok(checksumOk(s.text) && s.text.startsWith("$BDARC,"), s.text);
    assert.deepEqual(fields(sent[3].text), ["$BDARC", "130507.25", "XBD", "10002", "1", "S"]);
    assert.deepEqual(
      sent.map((s) => s.destination),
      ["CA0001", "CA0001", "CA0001", "CA0002"],
    );
    assert.equal(am.counters.acnRefused, 4);
  });

  it("category A alerts cannot be acknowledged remotely", () => {
    const { sent, am } = setup({ definitions: [{ key: "x", id: 10100, priority: "A", category: "A", text: "CAT A" }] });
    am.raise("x");
    assert.equal(am.handleAcn(acn("A", "10100"), "BD0001", "CA0001"), "refused");
    assert.equal(am.state("x"), "V");
    assert.ok(sent[sent.length - 1].text.startsWith("$BDARC"));
  });

  it("definitions are validated: text too long, reserved characters, bad mnemonic", () => {
    assert.throws(
      () => setup({ definitions: [{ key: "x", id: 10100, priority: "W", category: "B", text: "X".repeat(40) }] }),
      /shorten the text/,
    );
    assert.throws(
      () => setup({ definitions: [{ key: "x", id: 10100, priority: "W", category: "B", text: "A,B" }] }),
      /reserved/,
    );
    assert.throws(() => setup({ manufacturer: "xb" }), /manufacturer/);
    assert.throws(() => setup().am.raise("nope"), /unknown alert/);
  });

  it("every gateway alert sentence passes the strict 450 receiver once wrapped", () => {
    const { sent, am } = setup({ alfRepeat: 1 });
    for (const d of ALL_ALERTS) am.raise(d.key);
    am.tick();
    const r = new Iec450Receiver();
    for (const s of sent) {
      const tagp = "s:BD0001,n:1";
      const x = xorRange(asciiBytes(tagp), 0, tagp.length).toString(16).toUpperCase().padStart(2, "0");
      const v = r.receive(asciiBytes(`UdPbC\0\\${tagp}*${x}\\${s.text}\r\n`));
      assert.equal(v.verdict, "accept", s.text + " " + v.reason);
    }
  });

  it("utcTime formats hhmmss.ss", () => {
    assert.equal(utcTime(Date.UTC(2026, 0, 1, 0, 0, 0, 0)), "000000.00");
    assert.equal(utcTime(Date.UTC(2026, 0, 1, 23, 59, 59, 999)), "235959.99");
  });
});

describe("RFC 5424 syslog formatter", () => {
  const t = Date.UTC(2026, 10, 25, 13, 5, 7, 9);

  it("header, structured data escaping, message", () => {
    const s = formatSyslog({
      time: t,
      severity: "warning",
      hostname: "bd450-gw",
      appName: "bd450",
      procId: "42",
      msgId: "net.discard",
      structuredData: { "counters@32473": { reason: 'tag"check]sum\\', count: "3" } },
      message: "discarded datagram from 172.16.1.9",
    });
    assert.equal(
      s,
      '<132>1 2026-11-25T13:05:07.009Z bd450-gw bd450 42 net.discard [counters@32473 reason="tag\\"check\\]sum\\\\" count="3"] discarded datagram from 172.16.1.9',
    );
  });

  it("NILVALUEs, facility, severity numbers, bad header characters replaced", () => {
    assert.equal(formatSyslog({ time: t, severity: 0, facility: 1 }), "<8>1 2026-11-25T13:05:07.009Z - - - - -");
    assert.equal(
      formatSyslog({ time: t, severity: "debug", hostname: "a b" }),
      "<135>1 2026-11-25T13:05:07.009Z a_b - - - -",
    );
    assert.throws(() => formatSyslog({ time: t, severity: 8 }), RangeError);
    assert.throws(() => formatSyslog({ time: t, severity: "info", structuredData: { "bad id": {} } }), RangeError);
    assert.equal(rfc3339(0), "1970-01-01T00:00:00.000Z");
  });

  it("bytes: UTF-8 with BOM for non-ASCII MSG, truncation at a character boundary", () => {
    const b = syslogBytes({ time: t, severity: "info", message: "北斗 ok" });
    const head = utf8(formatSyslog({ time: t, severity: "info" }));
    assert.deepEqual(Array.from(b.subarray(head.length, head.length + 4)), [0x20, 0xef, 0xbb, 0xbf]);
    assert.deepEqual(Array.from(b.subarray(head.length + 4)), Array.from(Buffer.from("北斗 ok", "utf8")));
    const plain = syslogBytes({ time: t, severity: "info", message: "ok" });
    assert.equal(Buffer.from(plain).toString("latin1"), formatSyslog({ time: t, severity: "info", message: "ok" }));
    const cut = syslogBytes({ time: t, severity: "info", message: "北".repeat(100) }, head.length + 1 + 3 + 7);
    // 7 bytes of room: two 3-byte characters fit, the third would be split and is dropped.
    assert.equal(cut.length, head.length + 1 + 3 + 6);
    assert.equal(Buffer.from(cut.subarray(head.length + 4)).toString("utf8"), "北北");
    assert.deepEqual(Array.from(utf8("\u{1F6A2}")), [0xf0, 0x9f, 0x9a, 0xa2]);
  });
});

describe("BAM alerts: set() by level", () => {
  it("does what raise() when on and clear() when off do, through acknowledges, silences and instance 2 (random walk)", () => {
    // With an alarm: cleared, it waits in U for an acknowledge, and on again it is raised again.
    const definitions = [
      ...ALL_ALERTS,
      { key: "alarm", id: 10099, priority: "A", category: "B", text: "TEST ALARM" } as const,
    ];
    const a = setup({ definitions }),
      b = setup({ definitions });
    const keys = definitions.map((d) => d.key);
    let seed = 11;
    const random = (m: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % m;
    };
    for (let step = 0; step < 3000; step++) {
      const key = keys[random(keys.length)],
        r = random(10);
      if (r < 6) {
        const on = random(2) === 1;
        a.am.set(key, on);
        if (on) b.am.raise(key);
        else b.am.clear(key);
      } else if (r < 7) assert.equal(a.am.acknowledge(key), b.am.acknowledge(key));
      else if (r < 8) assert.equal(a.am.silence(key), b.am.silence(key));
      else if (r < 9) assert.equal(a.am.raise(key, 2), b.am.raise(key, 2));
      else assert.equal(a.am.clear(key, 2), b.am.clear(key, 2));
      for (const c of [a.clock, b.clock]) c.advance(700);
      a.am.tick();
      b.am.tick();
      assert.equal(a.am.state(key), b.am.state(key), `step ${step} ${key}`);
      assert.equal(a.am.isActive(key), a.am.state(key) !== "N", `step ${step} ${key} active`);
      assert.equal(a.am.isActive(key, 2), a.am.state(key, 2) !== "N", `step ${step} ${key} instance 2 active`);
    }
    assert.deepEqual(a.sent, b.sent);
    assert.deepEqual(a.am.counters, b.am.counters);
    assert.ok(a.am.counters.raised > 100 && a.am.counters.cleared > 50, JSON.stringify(a.am.counters));
    assert.throws(() => a.am.set("nosuch", false), /unknown alert/);
  });
});
