// Fault injection against the real gateway process, inside a private network
// namespace this script creates (unshare -rn), one scenario after the other:
//   link      `ip link set lo down` for a while, then up (gateway pinned to 127.0.0.1)
//   route     the multicast route removed, then restored (gateway on OS routing)
//   unplug    the terminal unplugged: socat killed (pty gone) mid-stream, a half
//             sentence on the wire; recreated at the same path seconds later
//   settings  the settings file truncated mid-write (last line cut)
// Prints one JSON object per scenario (and a summary) for hosttest/faults.test.ts.
// Usage: node dist/hosttest/soak/faults.js [link route unplug settings] [--outage MS]
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  Listener, Terminal, ip, reexecInNetns, sleep, startGateway, writeSettings, type GatewayProcess,
} from "./rig";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : def;
}

export interface FaultResult {
  scenario: string;
  ok: boolean;
  notes: string[];
  [k: string]: unknown;
}

/** Sentences the terminal wrote vs sentences the listener got: order, identity, and which were missing. */
function compare(term: Terminal, listener: Listener) {
  const expected = term.expectedTimes();
  const got = listener.delivered();
  let j = 0;
  const missing: Array<{ text: string; at: number }> = [];
  for (const e of expected) {
    if (j < got.sentences.length && got.sentences[j].text === e.text) j++;
    else missing.push(e);
  }
  const subsequence = j === got.sentences.length; // every delivered sentence matched, in order
  return { expected: expected.length, delivered: got.sentences.length, missing, subsequence, gaps: got.gaps, duplicates: got.duplicates, alerts: got.alerts };
}

/** Stop feeding, let the terminal drain and the datagrams land, stop everything, compare. */
async function finish(term: Terminal, listener: Listener, gw: GatewayProcess, feeder: NodeJS.Timeout, settleMs: number) {
  clearInterval(feeder);
  await term.drained();
  await sleep(settleMs);
  await gw.stop();
  listener.close();
  term.close();
  return compare(term, listener);
}

function statsBetween(gw: GatewayProcess, from: number, to: number) {
  const s = gw.stats.filter((x) => x.at >= from && x.at <= to);
  return s.length >= 2 ? { first: s[0], last: s[s.length - 1], samples: s.length } : undefined;
}

async function networkFault(scenario: "link" | "route", outageMs: number): Promise<FaultResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fault-"));
  const settings = writeSettings(dir, { startupCmds: true });
  const listener = new Listener();
  await sleep(200);
  const term = new Terminal();
  await term.open(path.join(dir, "ttyBD"));
  // link: the gateway names its interface; route: it relies on the OS multicast route.
  const gw = startGateway(term.pty.gatewayPath, settings, scenario === "link" ? ["--interface", "127.0.0.1", "--sfi", "BD0001"] : ["--sfi", "BD0001"]);
  if (!(await term.waitHost(10000))) throw new Error("gateway did not open the serial port\n" + gw.log.join("\n"));
  const feeder = setInterval(() => term.topUp(100), 20);
  await sleep(2000);
  const down = scenario === "link" ? ["link", "set", "lo", "down"] : ["route", "del", "224.0.0.0/4", "dev", "lo"];
  const tDown0 = performance.now();
  const rd = await ip(down);
  const tDown = performance.now();
  await sleep(outageMs);
  const during = statsBetween(gw, tDown, performance.now());
  const tUp0 = performance.now();
  const ru = scenario === "link" ? await ip(["link", "set", "lo", "up"]) : { code: 0, out: "" };
  // Bringing lo down flushes its routes; restore the multicast route in both scenarios.
  const rr = await ip(["route", "replace", "224.0.0.0/4", "dev", "lo", "src", "127.0.0.1"]);
  const tUp = performance.now();
  // Long enough for alert 10008 to clear (5 s without a send failure) and its ALF to arrive.
  await sleep(6000);
  const c = await finish(term, listener, gw, feeder, 1000);
  const f = gw.final!;
  const duringOutage = listener.lines.filter((l) => l.at > tDown + 20 && l.at < tUp0).length;
  const firstAfter = listener.lines.find((l) => l.at >= tUp0);
  const resumeMs = firstAfter ? firstAfter.at - tUp : Infinity;
  // Missing sentences must all have been written around the outage (they went out while the link was down).
  const outside = c.missing.filter((m) => m.at === undefined || m.at < tDown0 - 500 || m.at > tUp + 1000);
  const uartRead = during ? during.last.sentencesIn - during.first.sentencesIn : 0;
  const logged = gw.log.filter((l) => / net\.send: /.test(l));
  const notes: string[] = [];
  const res: FaultResult = {
    scenario, ok: false, notes, outageMs: Math.round(tUp0 - tDown), ipDown: rd, ipUp: ru, ipRoute: rr,
    sendErrors: f.sendErrors, datagrams: f.datagrams, datagramsArrived: listener.ownDatagrams,
    sentencesReadDuringOutage: uartRead, datagramsArrivedDuringOutage: duringOutage,
    resumeMs: Math.round(resumeMs), lost: c.missing.length, lostOutsideOutage: outside.length,
    expected: c.expected, delivered: c.delivered, inOrder: c.subsequence, duplicates: c.duplicates,
    netSendLogLines: logged.length, netSendLog: logged.slice(0, 2),
    // The gateway's own alert datagrams (BAM1: the 10008 NETWORK SEND FAILING ALF) that
    // failed during the outage are send failures too, but not terminal sentences.
    ownAlertSendFailures: ((f.perGroup as Record<string, number> | undefined)?.BAM1 ?? 0) - c.alerts.length,
    netSendAlerts: c.alerts.filter((a) => /,10008,/.test(a)),
  };
  if (rd.code !== 0) notes.push(`ip ${down.join(" ")} failed: ${rd.out}`);
  if (!(f.sendErrors > 0)) notes.push("no send failure counted");
  if (!(uartRead > 0)) notes.push("the gateway did not keep reading the UART during the outage");
  if (!(resumeMs <= 1000)) notes.push(`resumed after ${resumeMs} ms`);
  if (outside.length) notes.push(`${outside.length} sentences lost outside the outage`);
  if (!c.subsequence || c.duplicates) notes.push("delivered sentences out of order or duplicated");
  if (listener.ownDatagrams + f.sendErrors !== f.datagrams) notes.push(`datagrams ${f.datagrams} != arrived ${listener.ownDatagrams} + failed ${f.sendErrors}`);
  if (!logged.length) notes.push("no net.send event logged");
  res.ok = notes.length === 0;
  fs.rmSync(dir, { recursive: true, force: true });
  return res;
}

async function unplug(outageMs: number): Promise<FaultResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fault-"));
  const link = path.join(dir, "ttyBD");
  const settings = writeSettings(dir, { startupCmds: true, alSilentS: 2 });
  const listener = new Listener();
  await sleep(200);
  const term = new Terminal();
  await term.open(link);
  const gw = startGateway(term.pty.gatewayPath, settings);
  if (!(await term.waitHost(10000))) throw new Error("gateway did not open the serial port\n" + gw.log.join("\n"));
  const hostBefore = term.hostBytes.length;
  let feeding = true;
  const feeder = setInterval(() => { if (feeding) term.topUp(100); }, 20);
  await sleep(2000);
  feeding = false;
  await term.drained();
  await sleep(300); // the gateway has read everything written
  const half = Buffer.from("$GNGGA,080000.00,2230.00", "latin1"); // cut by the unplug
  term.units.push(half);
  fs.writeSync(term.fd, half);
  term.unitTimes[term.units.length - 1] = performance.now();
  await sleep(100);
  const tUnplug = performance.now();
  term.unplug();
  await sleep(outageMs);
  const tReplug0 = performance.now();
  const wallReplug = Date.now();
  await term.replug(link);
  const reconnected = await term.waitHost(5000);
  feeding = true;
  await sleep(3000);
  const c = await finish(term, listener, gw, feeder, 1000);
  const f = gw.final!;
  const events = gw.log.filter((l) => /serial\.(lost|open)/.test(l));
  // Reconnect time: from the moment the pty was plugged back in to the gateway's last
  // (successful) "serial.open" event (wall-clock stamps of its log lines).
  const opens = gw.log.filter((l) => / serial\.open: /.test(l)).map((l) => Date.parse(l.slice(0, 24)));
  const reconnectMs = opens.length ? opens[opens.length - 1] - wallReplug : Infinity;
  const alf = c.alerts.filter((a) => /ALF/.test(a) && /10001/.test(a));
  const notes: string[] = [];
  const res: FaultResult = {
    scenario: "unplug", ok: false, notes, outageMs: Math.round(tReplug0 - tUnplug),
    reconnected, reconnectMs,
    serialErrors: f.serialErrors, serialReopens: f.serialReopens, truncated: f.rejects.truncated,
    lost: c.missing.length, expected: c.expected, delivered: c.delivered, inOrder: c.subsequence,
    startupCommandsResent: term.hostSentences().sentences.length, hostBytesBefore: hostBefore,
    serialEvents: events.length, serialEventSample: events.slice(0, 3), terminalSilentAlerts: alf,
  };
  if (!reconnected) notes.push("the gateway did not reopen the terminal's serial port");
  if (!(reconnectMs <= 1500)) notes.push(`reconnected after ${res.reconnectMs} ms (reopenDelay 1000 ms)`);
  if (c.missing.length) notes.push(`${c.missing.length} sentences lost: ${JSON.stringify(c.missing.slice(0, 3))}`);
  if (!c.subsequence || c.duplicates) notes.push("delivered sentences out of order or duplicated");
  if (!(f.serialErrors >= 1 && f.serialReopens >= 1)) notes.push("serial loss/reopen not counted");
  if (!(f.rejects.truncated >= 1)) notes.push("the sentence cut by the unplug was not counted as truncated");
  if (!events.some((l) => /serial\.lost/.test(l))) notes.push("no serial.lost event logged");
  if (!alf.length) notes.push("no BAM alert 10001 (terminal silent) while unplugged");
  res.ok = notes.length === 0;
  fs.rmSync(dir, { recursive: true, force: true });
  return res;
}

async function truncatedSettings(): Promise<FaultResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fault-"));
  const file = writeSettings(dir, { sfi: "BD0042", uartQueue: 32, startupCmds: true, alSilentS: 77 });
  const text = fs.readFileSync(file, "utf8");
  const cut = text.length - 12; // inside the last line (alSilentS)
  fs.writeFileSync(file, text.slice(0, cut));
  const listener = new Listener("BD0042");
  await sleep(200);
  const term = new Terminal();
  await term.open(path.join(dir, "ttyBD"));
  const gw = startGateway(term.pty.gatewayPath, file, ["--interface", "127.0.0.1"]); // SFI from the file
  const opened = await term.waitHost(10000);
  const feeder = setInterval(() => term.topUp(50), 20);
  await sleep(1500);
  const c = await finish(term, listener, gw, feeder, 800);
  const problems = gw.log.filter((l) => /settings\.(file|bad)/.test(l));
  const notes: string[] = [];
  const res: FaultResult = {
    scenario: "settings", ok: false, notes, fileBytes: text.length, cutAt: cut, opened,
    delivered: c.delivered, expected: c.expected, lost: c.missing.length, settingsLog: problems,
  };
  if (!opened) notes.push("gateway did not start with the damaged settings file: " + gw.log.join(" | "));
  if (!(c.delivered > 0 && c.missing.length === 0)) notes.push(`delivered ${c.delivered} of ${c.expected} with the stored SFI BD0042`);
  if (!problems.some((l) => /alSilentS/.test(l))) notes.push("the cut line (alSilentS) was not reported");
  res.ok = notes.length === 0;
  fs.rmSync(dir, { recursive: true, force: true });
  return res;
}

async function faults(): Promise<number> {
  const all = ["link", "route", "unplug", "settings"];
  const chosen = process.argv.slice(2).filter((a) => all.includes(a));
  const outageMs = Number(arg("outage", "3000"));
  const results: FaultResult[] = [];
  for (const s of chosen.length ? chosen : all) {
    const r = s === "link" || s === "route" ? await networkFault(s, outageMs) : s === "unplug" ? await unplug(outageMs) : await truncatedSettings();
    results.push(r);
    process.stdout.write(JSON.stringify(r) + "\n");
  }
  process.stdout.write(JSON.stringify({ summary: true, ok: results.every((r) => r.ok), scenarios: results.map((r) => `${r.scenario}:${r.ok ? "ok" : "FAILED " + r.notes.join("; ")}`) }) + "\n");
  return results.every((r) => r.ok) ? 0 : 1;
}

async function main(): Promise<number> {
  const outer = reexecInNetns(__filename, process.argv.slice(2));
  if (outer) return outer;
  return faults();
}

main().then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(String(e?.stack ?? e) + "\n"); process.exitCode = 1; });
