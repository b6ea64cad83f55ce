// Runner for hosttest/netside-e2e.test.ts; runs INSIDE the private network namespace
// the test creates (unshare -rn). Real processes: `bd450 sim` (simulated terminal
// on a pty) and `bd450 gateway` (settings file with command forwarding on). This
// script plays a 450 node (SFI EI0001): it sends commands to the gateway on RCOM
// and records what arrives on RCOM and BAM1. It then stops the simulated terminal
// (SIGSTOP) and resumes it (SIGCONT) to make the "terminal silent" alert come and go.
// Every step waits for the event it needs (groups joined, answer seen, alert seen),
// read live with the independent strict reader; bounds come from the configured
// timings (hosttest/lib/wait.ts). Prints one JSON object on stdout.

import { type ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BAM1, GROUPS, RCOM } from "../src/core/groups";
import { asciiBytes } from "../src/nmea/checksum";
import { SettingsFile } from "../src/platform/node/settings-file";
import { NodeUDP } from "../src/platform/node/udp";
import { finalStats } from "./lib/final-stats";
import { readDatagram } from "./lib/strict-reader";
import { sentence, tag } from "./lib/text";
import { boundFor, igmpUsers, waitFor } from "./lib/wait";

const REPO = path.resolve(__dirname, "..", "..");
const BIN = path.join(REPO, "bin", "bd450.js");
/** Configured timings of the run (seconds): the waits below derive their bounds from them. */
const HBT_S = 2,
  SILENT_S = 2;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-netcmd-"));
  const settings = path.join(dir, "config");
  const store = new SettingsFile(settings);
  for (const [k, v] of Object.entries({
    sfi: "BD0001",
    cmdFwd: true,
    cmdAllow: "EI0001",
    cmdGroups: "RCOM",
    hbtInterval: HBT_S,
    alSilentS: SILENT_S,
    legacyUdp: "127.0.0.1:10110",
    syslog: "127.0.0.1:5514",
  }))
    store.set(k, v);
  store.commit();
  const events: string[] = [];
  const datagrams: string[] = [];
  // The gateway's lines as they arrive ("GROUP d:DEST sentence"), for the waits below.
  const seen: string[] = [];
  const saw = (re: RegExp) => seen.some((l) => re.test(l));
  const sockets: NodeUDP[] = [];
  for (const g of [RCOM, BAM1]) {
    const s: NodeUDP = new NodeUDP({
      port: GROUPS[g].port,
      reuseAddr: true,
      interface: "127.0.0.1",
      onReadable() {
        for (let d = s.read(); d; d = s.read()) {
          datagrams.push(GROUPS[g].name + " " + Buffer.from(d).toString("hex"));
          try {
            for (const l of readDatagram(new Uint8Array(d)))
              if (l.source === "BD0001") seen.push(`${GROUPS[g].name} d:${l.tags.d ?? ""} ${l.sentence}`);
          } catch {
            /* judged by the test */
          }
        }
      },
    });
    s.add(GROUPS[g].address);
    sockets.push(s);
  }
  // Legacy plain NMEA and syslog receivers (unicast on the namespace's loopback).
  const legacy: string[] = [];
  const syslog: string[] = [];
  for (const [port, list] of [
    [10110, legacy],
    [5514, syslog],
  ] as const) {
    const s: NodeUDP = new NodeUDP({
      port,
      address: "127.0.0.1",
      onReadable() {
        for (let d = s.read(); d; d = s.read()) list.push(Buffer.from(d).toString("latin1"));
      },
    });
    sockets.push(s);
  }
  const children: ChildProcess[] = [];
  const kill = () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  };
  try {
    const link = path.join(dir, "ttyBD");
    const sim = spawn(process.execPath, [BIN, "sim", "--link", link, "--epochs", "0", "--interval", "1"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(sim);
    let simErr = "";
    sim.stderr!.on("data", (d) => (simErr += d));
    await new Promise<void>((resolve, reject) => {
      let out = "";
      sim.stdout!.on("data", (d) => {
        out += d;
        if (/PTY /.test(out)) resolve();
      });
      sim.on("exit", (c) => reject(new Error(`sim exited ${c}: ${simErr}`)));
      setTimeout(() => reject(new Error("sim did not start: " + simErr)), 10000);
    });
    const gw = spawn(
      process.execPath,
      [BIN, "gateway", "--serial", link, "--config", settings, "--interface", "127.0.0.1"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    children.push(gw);
    let gwErr = "";
    gw.stderr!.on("data", (d) => (gwErr += d));
    // Joined: RCOM has two members on lo, this script's listener and the gateway's command socket.
    await waitFor(
      "gateway joined RCOM",
      boundFor(1000),
      () => igmpUsers(GROUPS[RCOM].address) >= 2 || gw.exitCode !== null,
    );
    if (gw.exitCode !== null) throw new Error("gateway exited: " + gwErr);
    // The 450 node's side: one accepted command, one from a source not on the allowlist,
    // one without d:. Sent from our own socket on the namespace's loopback.
    const tx: NodeUDP = new NodeUDP({ interface: "127.0.0.1" });
    const send = (tagp: string, sentence: string) =>
      tx.write(asciiBytes("UdPbC\0" + tag(tagp) + sentence + "\r\n"), GROUPS[RCOM].address, GROUPS[RCOM].port);
    const txa = sentence("CCTXA,0242286,1,1,3132");
    send("s:EI0001,d:BD0001,n:1", txa);
    send("s:XX0009,d:BD0001,n:1", txa);
    send("s:EI0001,n:2", txa);
    events.push("commands sent");
    // The terminal answers a TXA at once; the gateway heartbeats every HBT_S.
    await waitFor("FKI answer to EI0001 on RCOM", boundFor(1000), () => saw(/^RCOM d:EI0001 \$BDFKI,TXA,/));
    await waitFor("heartbeat A on BAM1", boundFor(HBT_S * 1000), () => saw(/^BAM1 d: \$BDHBT,\d+,A,/));
    await waitFor(
      "the plain copy and the syslog line of the reject",
      boundFor(1000),
      () => legacy.length > 10 && syslog.some((l) => /cmd\.reject/.test(l)),
    );
    // Terminal goes silent: alert V after SILENT_S, then a heartbeat V; then it comes back: alert N.
    sim.kill("SIGSTOP");
    events.push("terminal stopped");
    await waitFor(
      "terminal-silent alert V and heartbeat V",
      boundFor((SILENT_S + HBT_S) * 1000),
      () => saw(/^BAM1 .*ALF,.*,V,XBD,10001,/) && saw(/^BAM1 d: \$BDHBT,\d+,V,/),
    );
    sim.kill("SIGCONT");
    events.push("terminal resumed");
    await waitFor("terminal-silent alert back to N", boundFor((SILENT_S + HBT_S) * 1000), () =>
      saw(/^BAM1 .*ALF,.*,N,XBD,10001,/),
    );
    await waitFor("syslog line of the alert", boundFor(1000), () =>
      syslog.some((l) => /alert\.terminalSilent - 10001 BDS TERMINAL SILENT: N -> V/.test(l)),
    );
    gw.kill("SIGTERM");
    await new Promise((r) => gw.on("exit", r));
    // The sim owns a socat child: stop it with SIGTERM so it closes the pty pair itself.
    sim.kill("SIGTERM");
    await Promise.race([new Promise((r) => sim.on("exit", r)), new Promise((r) => setTimeout(r, boundFor(300)))]);
    tx.close();

    process.stdout.write(
      JSON.stringify({
        datagrams,
        legacy,
        syslog,
        events,
        final: finalStats(gwErr),
        gatewayLog: gwErr.split("\n").filter((l) => !l.startsWith("{")),
      }) + "\n",
    );
  } finally {
    for (const s of sockets) s.close();
    kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ? e.stack : e) + "\n");
  process.exit(1);
});
