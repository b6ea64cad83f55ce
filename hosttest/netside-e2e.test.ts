// A network command end to end, in a private network namespace created by the test:
// 450 node (EI0001) -> multicast RCOM -> `bd450 gateway` process -> pty -> simulated
// terminal -> FKI back on RCOM with d:EI0001; rejected commands counted; the
// "terminal silent" alert raised and cleared on BAM1 when the terminal stops and resumes.
// Every datagram is judged by the independent strict reader (hosttest/lib/strict-reader),
// not by the gateway's own receiver.

import * as assert from "node:assert/strict";
import * as path from "path";
import { runInNetns } from "./lib/netns";
import { readDatagram } from "./lib/strict-reader";

const REPO = path.resolve(__dirname, "..", "..");

describe("network command end to end (private namespace)", function () {
  // Only a bound: the runner waits on events (see netside-run.ts), each with its own bound.
  this.timeout(150000);

  it("command accepted and answered with d:, others rejected, silent alert raised and cleared", async () => {
    const res = await runInNetns(process.execPath, [path.join(REPO, "dist", "hosttest", "netside-run.js")], {
      timeoutMs: 140000,
    });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    const lines: Array<{ group: string; source: string | null; d: string | null; text: string }> = [];
    for (const entry of out.datagrams as string[]) {
      const [group, hex] = entry.split(" ");
      // Throws (with the reason) on anything a strict receiver would discard.
      for (const l of readDatagram(new Uint8Array(Buffer.from(hex, "hex"))))
        lines.push({ group, source: l.source, d: l.tags.d ?? null, text: l.sentence });
    }
    const fromGw = lines.filter((l) => l.source === "BD0001");
    // The answer to EI0001's TXA: FKI on RCOM addressed to EI0001.
    const fki = fromGw.filter((l) => l.text.startsWith("$BDFKI,TXA,"));
    assert.ok(
      fki.length >= 1,
      "FKI for the TXA: " + JSON.stringify(fromGw.filter((l) => l.group === "RCOM").slice(0, 5)),
    );
    assert.equal(fki[0].group, "RCOM");
    assert.equal(fki[0].d, "EI0001");
    assert.match(fki[0].text, /^\$BDFKI,TXA,Y,/);
    // Exactly one TXA reached the terminal: the gateway's counters agree.
    const net = out.final.network;
    assert.equal(net.commandsAccepted, 1);
    assert.equal(net.rejects["source-not-allowed"], 1);
    assert.equal(net.rejects["not-addressed"], 1);
    // The gateway hears its own RCOM/BAM1 traffic through multicast loopback: not a duplicate SFI.
    assert.ok(out.final.network.receiver.ownSource > 0, "own loopback seen");
    assert.equal(net.sfiCollisions, 0);
    assert.ok(
      out.gatewayLog.some((l: string) => /cmd\.reject: command from XX0009 rejected \(source-not-allowed\)/.test(l)),
      out.gatewayLog.join("\n"),
    );
    // Alerts on BAM1: HBT every 2 s; 10001 (terminal silent) V while stopped, N after resume.
    const bam = fromGw.filter((l) => l.group === "BAM1");
    assert.ok(
      bam.some((l) => /^\$BDHBT,2,A,\d\*/.test(l.text)),
      "HBT A",
    );
    assert.ok(
      bam.some((l) => /^\$BDHBT,2,V,\d\*/.test(l.text)),
      "HBT V while the terminal is silent",
    );
    const silent = bam
      .filter((l) => l.text.includes("ALF,") && l.text.includes(",10001,"))
      .map((l) => l.text.split(",")[7]);
    assert.deepEqual(silent, ["V", "N"]);
    // Legacy output: the same sentences as plain 0183 lines, no TAG blocks, CR LF kept.
    assert.ok(out.legacy.length > 10, "legacy datagrams");
    for (const d of out.legacy as string[]) assert.match(d, /^([$!][^\\\r\n]+\r\n)+$/, JSON.stringify(d));
    const plain = (out.legacy as string[]).join("");
    assert.ok(plain.includes(fki[0].text + "\r\n"), "the FKI answer is in the legacy stream too");
    // Syslog: RFC 5424 lines for the events (command rejects, alert changes).
    assert.ok(
      out.syslog.some((l: string) =>
        /^<\d+>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ bd450 - cmd\.reject - command from XX0009/.test(l),
      ),
      out.syslog.join("\n"),
    );
    assert.ok(
      out.syslog.some((l: string) => /alert\.terminalSilent - 10001 BDS TERMINAL SILENT: N -> V/.test(l)),
      out.syslog.join("\n"),
    );
  });
});
