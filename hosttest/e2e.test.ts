// End to end on real parts: a socat pseudo-terminal plays the Beidou terminal, the
// real `bd450 gateway` process reads it, real UDP multicast crosses the loopback of
// a private network namespace created by this test, and a listener collects it.
import * as assert from "node:assert/strict";
import * as path from "path";
import { runInNetns } from "./lib/netns";
import { REPO_ROOT } from "./lib/paths";
import { readDatagram, referenceSentences, type StrictLine, StrictStream } from "./lib/strict-reader";

describe("end to end: pty -> gateway process -> multicast in a private namespace -> listener", function () {
  this.timeout(90000);

  it("delivers every valid sentence exactly once, in order, and counts the noise", async () => {
    const script = path.join(REPO_ROOT, "dist", "hosttest", "e2e", "run-e2e.js");
    const res = await runInNetns(process.execPath, [script, "40"], { timeoutMs: 80000 });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    const input = Buffer.from(out.input, "hex");
    const expected = referenceSentences(input);
    assert.ok(expected.length > 1500, `${expected.length} valid sentences in the input`);

    // Strict read of every datagram; order by line count (datagrams of different groups
    // arrive on different sockets, so arrival order across groups may interleave).
    const lines: Array<{ v: number; line: StrictLine; group: string }> = [];
    let last = 0;
    for (const entry of out.datagrams as string[]) {
      const [group, hex] = entry.split(" ");
      for (const line of readDatagram(Buffer.from(hex, "hex"), { sendLimits: true })) {
        assert.equal(line.source, "BD0001");
        const n = line.n!;
        let v = n + 999 * Math.round((last - n) / 999);
        if (v < 1) v += 999;
        last = v;
        lines.push({ v, line, group });
      }
    }
    lines.sort((a, b) => a.v - b.v);
    for (let i = 0; i < lines.length; i++)
      assert.equal(lines[i].v, i + 1, "line counts 1..N without gaps or duplicates");
    // The gateway's own alert sentences (HBT/ALF/ALC on BAM1) share the SFI's line
    // count, so they count for the n: check above but are not terminal sentences.
    const stream = new StrictStream();
    const delivered: string[] = [];
    for (const l of lines) if (l.group !== "BAM1") delivered.push(...stream.accept(l.line));
    // Datagrams the kernel dropped because the listener's buffer was full are a fixture
    // overload, not a gateway loss: say so plainly if it happens.
    assert.equal(
      out.rcvbufErrors,
      0,
      `the listener's kernel buffer overflowed (${out.rcvbufErrors} datagrams dropped by the kernel): the machine was too busy for this test`,
    );
    assert.equal(delivered.length, expected.length, "every valid sentence arrived once");
    assert.deepEqual(delivered, expected, "byte-identical and in order");

    // Groups: RDSS messages on RCOM, navigation on NAVD, status on MISC.
    const byGroup = (g: string) => lines.filter((l) => l.group === g).length;
    assert.ok(byGroup("NAVD") > 1000 && byGroup("RCOM") > 0 && byGroup("MISC") > 0);

    // The gateway counted what it rejected, and the counts add up.
    const f = out.final;
    assert.ok(f, "gateway printed its final counters");
    assert.equal(f.sentencesIn, expected.length);
    assert.ok(f.rejected >= 5, "line noise was rejected and counted");
    assert.equal(f.unitsIn, f.sentencesIn + f.framesIn + f.rejected);
    assert.equal(f.sendErrors, 0);
    assert.ok(out.hostBytes > 0, "the gateway wrote its start-up commands to the terminal");
    // The terminal family as `status` shows it, told here from the input's sentence names:
    // any BDS-3 RSMC sentence makes it bds3, else BSI/ICI/TXR bds2; the setting is the default auto.
    const text = input.toString("latin1");
    const family = /\$BD(PWI|ICP|TCI|EPI|QRI),/.test(text)
      ? "bds3"
      : /\$BD(BSI|ICI|TXR),/.test(text)
        ? "bds2"
        : "unknown";
    assert.notEqual(family, "unknown", "the input has RDSS status sentences");
    assert.deepEqual(f.terminal, { family, familyDetected: family, familySetting: "auto" });
    if (process.env.BD450_VERBOSE)
      console.log(
        `      e2e: ${expected.length} valid sentences sent, ${delivered.length} delivered, ${lines.length} lines in ${out.datagrams.length} datagrams, ${f.rejected} rejects, ${f.overlongCarried} overlong carried`,
      );
  });
});
