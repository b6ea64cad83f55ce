// bd450 listen inside a private network namespace (unshare -rn): joins groups,
// prints sentences with SFI/n/group, counts discards, writes a pcap that reads back.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseGroups } from "../src/cli/listen";
import { Iec450Encoder } from "../src/core/encoder";
import { readPcap, type UdpPacket } from "../src/core/pcap";
import { Iec450Receiver } from "../src/core/receiver";
import { asciiBytes, latin1 } from "../src/nmea/checksum";
import { runInNetns } from "./lib/netns";
import { sentence, tag } from "./lib/text";

const repoRoot = path.resolve(__dirname, "../..");
const BIN = path.join(repoRoot, "bin", "bd450.js");

const ZDA = "$GPZDA,120000.00,01,01,2024,00,00*61\r\n";

describe("bd450 listen", function () {
  this.timeout(30000);

  it("parseGroups: all, lists, unknown names", () => {
    assert.equal(parseGroups("all").length, 20);
    assert.deepEqual(parseGroups("navd, RCOM,NAVD"), [4, 6]);
    assert.throws(() => parseGroups("NAVX"), /unknown group "NAVX"/);
  });

  it("joins NAVD+RCOM in a namespace, prints sentences, counts a discard, writes a readable pcap", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-listen-"));
    const pcap = path.join(dir, "cap.pcap");
    const datagrams: Array<[string, number, string]> = [
      ["239.192.0.4", 60004, "UdPbC\0" + tag("s:GP0001,n:1") + ZDA],
      ["239.192.0.7", 60007, "UdPbC\0" + tag("s:ZA0001,n:1") + ZDA], // TIME: not joined
      ["239.192.0.4", 60004, "UdPbC\0" + tag("s:GP0001,n:2") + ZDA + tag("s:GP0001,n:3") + ZDA],
      ["239.192.0.4", 60004, "UdPbC\0" + "\\s:GP0001,n:4*00\\" + ZDA], // bad TAG checksum
      ["239.192.0.6", 60006, "UdPbC\0" + tag("d:BD0001,s:EI0001,n:9") + "$CCICA,0,00*7B\r\n"],
    ];
    // An overlong RDSS message with GB2312 bytes, carried by the gateway's own encoder.
    const long = sentence("BDTXR,1,0242286,0,,\xb1\xb1\xb6\xb7" + "ABCDEFGHIJ".repeat(9));
    const enc = new Iec450Encoder({
      sfi: "BD0001",
      clock: { now: () => 1700000000000, monotonic: () => 0 },
      tagTime: false,
      overlong: "carry",
      onDatagram: (b, n) => datagrams.push(["239.192.0.6", 60006, latin1(b, 0, n)]),
    });
    enc.encode(asciiBytes(long), long.length);
    assert.ok(datagrams.length >= 6, "carrier datagrams");
    // The sender waits on events, never on time: until bd450 listen has joined NAVD and
    // RCOM and bound the syslog port (/proc/net/igmp, /proc/net/udp of the namespace),
    // then sends the NAVD/TIME datagrams and the syslog line, waits until listen has
    // printed their 5 lines, then sends the RCOM ones (another socket of listen's: sent
    // at once, they could be printed before the NAVD ones).
    const firstRcom = datagrams.findIndex((d) => d[1] === 60006);
    const sender = `
      const dgram = require("dgram");
      const fs = require("fs");
      const { waitFor, igmpUsers, udpBound } = require(${JSON.stringify(path.join(__dirname, "lib", "wait.js"))});
      const list = ${JSON.stringify(datagrams)};
      const out = ${JSON.stringify(path.join(dir, "out"))};
      const lines = () => { try { return fs.readFileSync(out, "utf8").split("\\n").filter(Boolean).length; } catch { return 0; } };
      const s = dgram.createSocket("udp4");
      s.bind(async () => {
        s.setMulticastInterface("127.0.0.1");
        s.setMulticastTTL(1);
        const send = (a, p, t) => new Promise((r) => s.send(Buffer.from(t, "latin1"), p, a, r));
        await waitFor("listen joined NAVD and RCOM, syslog bound", 10000, () => igmpUsers("239.192.0.4") > 0 && igmpUsers("239.192.0.6") > 0 && udpBound(5514));
        await send("127.0.0.1", 5514, "<132>1 2026-11-25T13:05:07.009Z BD0001 bd450 - cmd.reject - command from XX0009 rejected");
        for (const [a, p, t] of list.slice(0, ${firstRcom})) await send(a, p, t);
        await waitFor("listen printed the NAVD results and the syslog line", 10000, () => lines() >= 5);
        for (const [a, p, t] of list.slice(${firstRcom})) await send(a, p, t);
        s.close();
      });`;
    try {
      const script = `"${process.execPath}" "${BIN}" listen --group NAVD,RCOM --interface 127.0.0.1 --count ${datagrams.length - 1} --duration 15 --json --stats 0 --syslog 5514 --pcap "${pcap}" > "${dir}/out" 2> "${dir}/err" &
        L=$!; "${process.execPath}" -e '${sender.replace(/'/g, "'\\''")}'; wait $L; echo "rc=$?"`;
      const r = await runInNetns("sh", ["-c", script], { timeoutMs: 25000 });
      const outText = fs.readFileSync(path.join(dir, "out"), "utf8");
      const errText = fs.readFileSync(path.join(dir, "err"), "utf8");
      assert.match(r.stdout, /rc=0/, r.stdout + r.stderr + errText);
      const lines = outText
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const sentences = lines.filter((l) => l.sentence);
      assert.deepEqual(
        sentences.filter((l) => !l.reassembled).map((l) => `${l.group} ${l.source} ${l.n}`),
        ["NAVD GP0001 1", "NAVD GP0001 2", "NAVD GP0001 3", "RCOM EI0001 9"],
      );
      const re = sentences.filter((l) => l.reassembled);
      assert.equal(re.length, 1, "the carried sentence is printed once, reassembled");
      assert.equal(re[0].sentence, long);
      assert.ok(re[0].reassembled >= 2);
      assert.equal(sentences[3].destination, "BD0001");
      assert.equal(sentences[0].from.split(":")[0], "127.0.0.1");
      assert.deepEqual(
        lines.filter((l) => l.syslog).map((l) => l.syslog),
        ["<132>1 2026-11-25T13:05:07.009Z BD0001 bd450 - cmd.reject - command from XX0009 rejected"],
      );
      const discards = lines.filter((l) => l.verdict === "discard");
      assert.deepEqual(
        discards.map((l) => l.reason),
        ["tag-checksum"],
      );
      const final = JSON.parse(errText.trim().split("\n").pop()!);
      const carried = datagrams.length - 5;
      assert.equal(final.received, 4 + carried);
      assert.equal(final.accepted, 3 + carried);
      assert.equal(final.tagChecksum, 1);
      assert.equal(final.reassembled, 1);
      assert.equal(final.reassemblyErrors, 0);
      // The pcap holds the 4 datagrams as received, and they judge the same offline.
      const pk: UdpPacket[] = [];
      readPcap(new Uint8Array(fs.readFileSync(pcap)), (p) => pk.push(p));
      assert.equal(pk.length, 4 + carried);
      assert.deepEqual(
        pk.slice(0, 4).map((p) => `${p.dstAddress}:${p.dstPort}`),
        ["239.192.0.4:60004", "239.192.0.4:60004", "239.192.0.4:60004", "239.192.0.6:60006"],
      );
      const rx = new Iec450Receiver();
      assert.deepEqual(
        pk.map((p) => rx.receive(p.payload).verdict),
        ["accept", "accept", "discard", "accept", ...new Array(carried).fill("accept")],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--help and bad options", async () => {
    const r = await runInNetns(process.execPath, [BIN, "listen", "--group", "NOPE"], { timeoutMs: 10000 });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown group "NOPE"/);
  });
});
