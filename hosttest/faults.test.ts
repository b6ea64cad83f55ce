// Faults injected into the real gateway process inside a private network namespace
// (hosttest/soak/faults.ts): link down/up, multicast route removed, terminal unplugged
// (pty killed and recreated at the same path), settings file truncated mid-write.
// The run waits on events (see soak/faults.ts); the timers here are only a last resort.
import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "./lib/paths";
import type { FaultResult } from "./soak/faults";

function runFaults(args: string[]): Promise<FaultResult[]> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "hosttest", "soak", "faults.js"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "",
      err = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => {
      c.kill("SIGKILL");
      reject(new Error("faults run timed out\n" + err));
    }, 570000);
    c.on("exit", () => {
      clearTimeout(timer);
      const rows = out
        .split("\n")
        .filter((l) => l.startsWith('{"scenario"'))
        .map((l) => JSON.parse(l) as FaultResult);
      if (!rows.length) return reject(new Error(`no results\n${out}\n${err}`));
      resolve(rows);
    });
  });
}

describe("faults: the gateway keeps reading, counts, alerts, and resumes", function () {
  this.timeout(600000);
  const by: Record<string, FaultResult> = {};
  before(async () => {
    for (const r of await runFaults(["link", "route", "unplug", "settings", "--outage-sends", "200"]))
      by[r.scenario] = r;
    if (process.env.BD450_VERBOSE) console.log(JSON.stringify(by, null, 1));
  });

  for (const s of ["link", "route"] as const) {
    it(`${s === "link" ? "link down (ip link set lo down) and up" : "multicast route removed and restored"}: UART read on, send failures counted and logged, resumed, nothing lost outside the outage`, () => {
      const r = by[s] as Record<string, any>;
      assert.ok(r, "scenario ran");
      assert.equal(r.ipDown.code, 0, r.ipDown.out);
      assert.ok(r.sendErrors > 0, "send failures counted");
      assert.ok(
        r.sentencesReadDuringOutage >= 100,
        `the UART was read during the outage (${r.sentencesReadDuringOutage} sentences read and not sent)`,
      );
      // Nothing lost outside the outage: every missing sentence is a failed send the gateway
      // counted (below), and none written after the datagrams flowed again is missing.
      assert.equal(
        r.lostAfterRestore,
        0,
        `a sentence written after the network was back was lost: ${JSON.stringify(r.missingRuns)}`,
      );
      assert.equal(
        r.datagrams,
        r.datagramsArrived + r.sendErrors,
        "every datagram arrived or was counted as a failed send",
      );
      assert.equal(
        r.lost,
        r.sendErrors - r.ownAlertSendFailures,
        "exactly the sentences of the failed sends are missing (own alert datagrams apart)",
      );
      assert.ok(
        r.ownAlertSendFailures > 0 || r.netSendAlerts.some((a: string) => /,V,XBD,10008,/.test(a)),
        "alert 10008 raised during the outage (its ALF could not get out)",
      );
      assert.ok(
        r.netSendAlerts.some((a: string) => /,N,XBD,10008,/.test(a)),
        "alert 10008 back to normal once sends work again",
      );
      assert.ok(r.inOrder);
      assert.ok(r.netSendLogLines >= 1, "net.send event logged");
      assert.deepEqual(r.notes, []);
    });
  }

  it("terminal unplugged (pty killed, recreated at the same path): counted, logged, BAM alert 10001 raised and cleared, reopened by the next retry, nothing lost", () => {
    const r = by.unplug as Record<string, any>;
    assert.ok(r, "scenario ran");
    assert.ok(r.reconnected);
    // The gateway retries every reopenDelay: the first retry after the replug opens the port (one period of slack for a busy machine).
    assert.ok(
      r.reconnectMs <= 2 * r.reopenDelayMs,
      `reconnected ${r.reconnectMs} ms after the replug (reopenDelay ${r.reopenDelayMs} ms)`,
    );
    assert.ok(r.serialErrors >= 1 && r.serialReopens >= 1);
    assert.ok(r.truncated >= 1, "the sentence cut by the unplug was counted as truncated");
    assert.equal(
      r.lost,
      0,
      JSON.stringify({
        notes: r.notes,
        missingRuns: r.missingRuns,
        serialLog: r.serialLog,
        serialErrors: r.serialErrors,
        serialReopens: r.serialReopens,
        bytesIn: r.bytesIn,
        bytesWritten: r.bytesWritten,
        reconnectMs: r.reconnectMs,
      }),
    );
    assert.equal(r.delivered, r.expected);
    assert.ok(r.inOrder);
    assert.ok(
      r.terminalSilentAlerts.some((a: string) => /,V,XBD,10001,/.test(a)),
      "alert raised (V)",
    );
    assert.ok(
      r.terminalSilentAlerts.some((a: string) => /,N,XBD,10001,/.test(a)),
      "alert back to normal (N) once the terminal talks again",
    );
    assert.equal(r.startupCommandsResent, 4, "ICA + RMO at start, and again after the reopen");
  });

  it("settings file truncated mid-write: the gateway starts, the cut key is reported and takes its default, the intact keys apply", () => {
    const r = by.settings as Record<string, any>;
    assert.ok(r, "scenario ran");
    assert.ok(r.opened);
    assert.ok(r.delivered > 100 && r.lost === 0, `delivered ${r.delivered} of ${r.expected} with the stored SFI`);
    assert.ok(
      r.settingsLog.some((l: string) => /alSilentS/.test(l) && /default used/.test(l)),
      JSON.stringify(r.settingsLog),
    );
  });
});
