// Fault injection against the real gateway process, inside a private network
// namespace this script creates (unshare -rn), one scenario after the other:
//   link      `ip link set lo down` for a while, then up (gateway pinned to 127.0.0.1)
//   route     the multicast route removed, then restored (gateway on OS routing)
//   unplug    the terminal unplugged: socat killed (pty gone) mid-stream, a half
//             sentence on the wire; recreated at the same path once the gateway noticed
//   settings  the settings file truncated mid-write (last line cut)
// Every step waits for the event it needs (listener joined, lines seen, send failures
// counted, alert seen, port reopened), never a fixed time; a wait's bound only says when
// to give up and comes from the configured timing it waits for (hosttest/lib/wait.ts).
// Prints one JSON object per scenario (and a summary) for hosttest/faults.test.ts.
// Usage: node dist/hosttest/soak/faults.js [link route unplug settings] [--outage-sends N]
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { boundFor, waitFor } from "../lib/wait";
import { type GatewayProcess, ip, Listener, reexecInNetns, startGateway, Terminal, writeSettings } from "./rig";

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

/** Configured timings the waits derive their bounds from (ms). */
const STATS_MS = 1000; // startGateway: --stats 1
const REOPEN_MS = 1000; // the gateway's reopenDelay (src/core/gateway.ts)
const NET_ALERT_CLEAR_MS = 5000; // alert 10008 clears after 5 s without a failed send (src/core/netside.ts)
const START_MS = 2000; // a node process starting up

/** Sentences the terminal wrote vs sentences the listener got: order, identity, and which were missing (with their index). */
function compare(term: Terminal, listener: Listener) {
  const expected = term.expectedTimes();
  const got = listener.delivered();
  let j = 0;
  const missing: Array<{ text: string; at: number; index: number }> = [];
  expected.forEach((e, index) => {
    if (j < got.sentences.length && got.sentences[j].text === e.text) j++;
    else missing.push({ ...e, index });
  });
  const subsequence = j === got.sentences.length; // every delivered sentence matched, in order
  // The missing ones are a single run of consecutive sentences (one outage, nothing lost around it).
  const contiguous = missing.every((m, i) => i === 0 || m.index === missing[i - 1].index + 1);
  return {
    expected: expected.length,
    delivered: got.sentences.length,
    missing,
    contiguous,
    subsequence,
    gaps: got.gaps,
    duplicates: got.duplicates,
    alerts: got.alerts,
  };
}

/** Stop feeding, let the terminal drain and the last sentence arrive, stop everything, compare. */
async function finish(
  term: Terminal,
  listener: Listener,
  gw: GatewayProcess,
  feeder: NodeJS.Timeout,
  hostSentences = 0,
) {
  clearInterval(feeder);
  await term.drained();
  // Both causal: the gateway's own byte counter (--stats, each second) reached what the
  // terminal wrote, and the last sentence arrived as often as it was written. A missing
  // byte is left for the comparison below to report, not turned into a timeout.
  const written = Buffer.concat(term.units).length;
  await waitFor("the gateway read every byte written", boundFor(STATS_MS), () => stat(gw, "bytesIn") >= written).catch(
    () => undefined,
  );
  await waitFor(
    "the last sentence written arrived at the listener (every copy of its text)",
    boundFor(STATS_MS),
    listener.forwardedAll(term),
  );
  if (hostSentences)
    await waitFor(
      `${hostSentences} commands read by the terminal`,
      boundFor(REOPEN_MS),
      () => term.hostSentences().sentences.length >= hostSentences,
    );
  await gw.stop();
  listener.close();
  term.close();
  return compare(term, listener);
}

/** The latest value of a counter from the gateway's --stats lines. */
function stat(gw: GatewayProcess, key: string): number {
  const s = gw.stats[gw.stats.length - 1];
  return s && typeof s[key] === "number" ? s[key] : 0;
}

/** Missing sentences as index@ms-after-t0, only where a run of consecutive indexes starts or ends. */
function missingRuns(missing: ReadonlyArray<{ index: number; at: number }>, t0: number): string[] {
  const at = missing.map((m) => `${m.index}@${Math.round(m.at - t0)}`);
  const index = (k: number) => +at[k].split("@")[0];
  return at.filter(
    (_, i) => i === 0 || i === at.length - 1 || index(i) !== index(i - 1) + 1 || index(i + 1) !== index(i) + 1,
  );
}

async function networkFault(scenario: "link" | "route", outageSends: number): Promise<FaultResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fault-"));
  const settings = writeSettings(dir, { startupCmds: true });
  const listener = new Listener();
  await listener.ready();
  const term = new Terminal();
  await term.open(path.join(dir, "ttyBD"));
  // link: the gateway names its interface; route: it relies on the OS multicast route.
  const gw = startGateway(
    term.pty.gatewayPath,
    settings,
    scenario === "link" ? ["--interface", "127.0.0.1", "--sfi", "BD0001"] : ["--sfi", "BD0001"],
  );
  if (!(await term.waitHost(boundFor(START_MS))))
    throw new Error("gateway did not open the serial port\n" + gw.log.join("\n"));
  const feeder = setInterval(() => term.topUp(100), 20);
  await waitFor("the gateway's lines arrive before the fault", boundFor(STATS_MS), () => listener.lines.length >= 200);
  const down = scenario === "link" ? ["link", "set", "lo", "down"] : ["route", "del", "224.0.0.0/4", "dev", "lo"];
  const tDown0 = performance.now();
  const rd = await ip(down);
  const tDown = performance.now();
  // The outage lasts until the gateway has counted `outageSends` failed sends (it read that many sentences meanwhile).
  await waitFor(
    `${outageSends} failed sends counted`,
    boundFor(STATS_MS + outageSends * 10),
    () => stat(gw, "sendErrors") >= outageSends,
  );
  const tUp0 = performance.now();
  const ru = scenario === "link" ? await ip(["link", "set", "lo", "up"]) : { code: 0, out: "" };
  // Bringing lo down flushes its routes; restore the multicast route in both scenarios.
  const rr = await ip(["route", "replace", "224.0.0.0/4", "dev", "lo", "src", "127.0.0.1"]);
  const tUp = performance.now();
  const linesAtUp = listener.lines.length;
  await waitFor(
    "datagrams arrive again after the restore",
    boundFor(STATS_MS),
    () => listener.lines.length > linesAtUp + 50,
  );
  const tResumed = performance.now();
  // Alert 10008 clears once sends have worked for a while; its ALF (N) must arrive.
  await waitFor("alert 10008 back to normal", boundFor(NET_ALERT_CLEAR_MS), () => listener.sawAlert(/,N,XBD,10008,/));
  const c = await finish(term, listener, gw, feeder);
  const f = gw.final!;
  const firstAfter = listener.lines.find((l) => l.at >= tUp0);
  const resumeMs = firstAfter ? firstAfter.at - tUp : Infinity;
  // Causal, not a time window: a sentence completely written after the listener saw the
  // gateway's datagrams flowing again cannot be lost. (Right at the restore the kernel may
  // still refuse a few sends: those are counted as failed sends, like the outage's.)
  const afterRestore = c.missing.filter((m) => m.at === undefined || m.at > tResumed);
  const logged = gw.log.filter((l) => / net\.send: /.test(l));
  const notes: string[] = [];
  const ownAlertSendFailures = ((f.perGroup as Record<string, number> | undefined)?.BAM1 ?? 0) - c.alerts.length;
  const res: FaultResult = {
    scenario,
    ok: false,
    notes,
    outageMs: Math.round(tUp0 - tDown),
    ipDown: rd,
    ipUp: ru,
    ipRoute: rr,
    sendErrors: f.sendErrors,
    datagrams: f.datagrams,
    datagramsArrived: listener.ownDatagrams,
    // Each failed send is a sentence the gateway read from the UART while the network was down.
    sentencesReadDuringOutage: c.missing.length,
    missingContiguous: c.contiguous,
    resumeMs: Math.round(resumeMs),
    lost: c.missing.length,
    lostAfterRestore: afterRestore.length,
    downAt: Math.round(tDown0),
    expected: c.expected,
    delivered: c.delivered,
    inOrder: c.subsequence,
    duplicates: c.duplicates,
    netSendLogLines: logged.length,
    netSendLog: logged.slice(0, 2),
    // The gateway's own alert datagrams (BAM1: the 10008 NETWORK SEND FAILING ALF) that
    // failed during the outage are send failures too, but not terminal sentences.
    ownAlertSendFailures,
    netSendAlerts: c.alerts.filter((a) => /,10008,/.test(a)),
    // Missing sentences as index@ms-after-restore, where a run starts or ends (the kernel may let a few through as the link goes down).
    missingRuns: missingRuns(c.missing, tUp),
  };
  if (rd.code !== 0) notes.push(`ip ${down.join(" ")} failed: ${rd.out}`);
  if (!(f.sendErrors > 0)) notes.push("no send failure counted");
  if (!(c.missing.length > 0)) notes.push("the gateway did not keep reading the UART during the outage");
  if (afterRestore.length) notes.push(`${afterRestore.length} sentences written after the network was back lost`);
  if (c.missing.length !== f.sendErrors - ownAlertSendFailures)
    notes.push(
      `${c.missing.length} sentences missing, ${f.sendErrors - ownAlertSendFailures} failed sends of sentences`,
    );
  if (!c.subsequence || c.duplicates) notes.push("delivered sentences out of order or duplicated");
  if (listener.ownDatagrams + f.sendErrors !== f.datagrams)
    notes.push(`datagrams ${f.datagrams} != arrived ${listener.ownDatagrams} + failed ${f.sendErrors}`);
  if (!logged.length) notes.push("no net.send event logged");
  res.ok = notes.length === 0;
  fs.rmSync(dir, { recursive: true, force: true });
  return res;
}

async function unplug(): Promise<FaultResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fault-"));
  const link = path.join(dir, "ttyBD");
  const silentS = 2;
  const settings = writeSettings(dir, { startupCmds: true, alSilentS: silentS });
  const listener = new Listener();
  await listener.ready();
  const term = new Terminal();
  await term.open(link);
  const gw = startGateway(term.pty.gatewayPath, settings);
  if (!(await term.waitHost(boundFor(START_MS))))
    throw new Error("gateway did not open the serial port\n" + gw.log.join("\n"));
  const hostBefore = term.hostBytes.length;
  let feeding = true;
  const feeder = setInterval(() => {
    if (feeding) term.topUp(100);
  }, 20);
  await waitFor("the gateway's lines arrive before the unplug", boundFor(STATS_MS), () => listener.lines.length >= 200);
  feeding = false;
  await term.drained();
  await waitFor("the gateway forwarded everything written", boundFor(STATS_MS), listener.forwardedAll(term));
  const half = Buffer.from("$GNGGA,080000.00,2230.00", "latin1"); // cut by the unplug
  term.units.push(half);
  fs.writeSync(term.fd, half);
  term.unitTimes[term.units.length - 1] = performance.now();
  const written = Buffer.concat(term.units).length;
  await waitFor("the gateway read the half sentence", boundFor(STATS_MS), () => stat(gw, "bytesIn") >= written);
  const tUnplug = performance.now();
  term.unplug();
  // Unplugged until the gateway noticed and raised alert 10001 (terminal silent after alSilentS).
  await waitFor(
    "serial.lost logged and alert 10001 raised",
    boundFor(silentS * 1000 + STATS_MS),
    () => gw.log.some((l) => / serial\.lost: /.test(l)) && listener.sawAlert(/,V,XBD,10001,/),
  );
  const tReplug0 = performance.now();
  await term.replug(link);
  const wallReplug = Date.now(); // the pty is back: the gateway's next retry (every reopenDelay) opens it
  const reconnected = await term.waitHost(boundFor(REOPEN_MS));
  const linesAtReplug = listener.lines.length;
  feeding = true;
  await waitFor(
    "alert 10001 back to normal and lines flowing again",
    boundFor(silentS * 1000 + STATS_MS),
    () => listener.sawAlert(/,N,XBD,10001,/) && listener.lines.length > linesAtReplug + 100,
  );
  const c = await finish(term, listener, gw, feeder, 4);
  const f = gw.final!;
  const events = gw.log.filter((l) => /serial\.(lost|open)/.test(l));
  // Reconnect time: from the moment the pty was back to the gateway's last (successful)
  // "serial.open" event (wall-clock stamps of its log lines).
  const opens = gw.log.filter((l) => / serial\.open: /.test(l)).map((l) => Date.parse(l.slice(0, 24)));
  const reconnectMs = opens.length ? opens[opens.length - 1] - wallReplug : Infinity;
  const alf = c.alerts.filter((a) => /ALF/.test(a) && /10001/.test(a));
  const notes: string[] = [];
  const res: FaultResult = {
    scenario: "unplug",
    ok: false,
    notes,
    outageMs: Math.round(tReplug0 - tUnplug),
    reconnected,
    reconnectMs,
    reopenDelayMs: REOPEN_MS,
    serialErrors: f.serialErrors,
    serialReopens: f.serialReopens,
    truncated: f.rejects.truncated,
    lost: c.missing.length,
    expected: c.expected,
    delivered: c.delivered,
    inOrder: c.subsequence,
    startupCommandsResent: term.hostSentences().sentences.length,
    hostBytesBefore: hostBefore,
    serialEvents: events.length,
    serialEventSample: events.slice(0, 3),
    terminalSilentAlerts: alf,
    // Missing sentences as index@ms-after-the-replug (where a run starts or ends), and the gateway's serial log.
    missingRuns: missingRuns(c.missing, tReplug0),
    // Bytes the gateway read against bytes the terminal wrote: tells a loss below the framer from one in it.
    serialLog: events.slice(-6),
    rejects: f.rejects,
    bytesIn: f.bytesIn,
    bytesWritten: Buffer.concat(term.units).length,
  };
  if (!reconnected) notes.push("the gateway did not reopen the terminal's serial port");
  if (!(reconnectMs <= 2 * REOPEN_MS))
    notes.push(
      `reconnected after ${res.reconnectMs} ms (reopenDelay ${REOPEN_MS} ms: the next retry should have opened it)`,
    );
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
  await listener.ready();
  const term = new Terminal();
  await term.open(path.join(dir, "ttyBD"));
  const gw = startGateway(term.pty.gatewayPath, file, ["--interface", "127.0.0.1"]); // SFI from the file
  const opened = await term.waitHost(boundFor(START_MS));
  const feeder = setInterval(() => term.topUp(50), 20);
  if (opened) await waitFor("lines with the stored SFI arrive", boundFor(STATS_MS), () => listener.lines.length >= 150);
  const c = await finish(term, listener, gw, feeder);
  const problems = gw.log.filter((l) => /settings\.(file|bad)/.test(l));
  const notes: string[] = [];
  const res: FaultResult = {
    scenario: "settings",
    ok: false,
    notes,
    fileBytes: text.length,
    cutAt: cut,
    opened,
    delivered: c.delivered,
    expected: c.expected,
    lost: c.missing.length,
    settingsLog: problems,
  };
  if (!opened) notes.push("gateway did not start with the damaged settings file: " + gw.log.join(" | "));
  if (!(c.delivered > 0 && c.missing.length === 0))
    notes.push(`delivered ${c.delivered} of ${c.expected} with the stored SFI BD0042`);
  if (!problems.some((l) => /alSilentS/.test(l))) notes.push("the cut line (alSilentS) was not reported");
  res.ok = notes.length === 0;
  fs.rmSync(dir, { recursive: true, force: true });
  return res;
}

async function faults(): Promise<number> {
  const all = ["link", "route", "unplug", "settings"];
  const chosen = process.argv.slice(2).filter((a) => all.includes(a));
  const outageSends = Number(arg("outage-sends", "200"));
  const results: FaultResult[] = [];
  for (const s of chosen.length ? chosen : all) {
    const r =
      s === "link" || s === "route"
        ? await networkFault(s, outageSends)
        : s === "unplug"
          ? await unplug()
          : await truncatedSettings();
    results.push(r);
    process.stdout.write(JSON.stringify(r) + "\n");
  }
  process.stdout.write(
    JSON.stringify({
      summary: true,
      ok: results.every((r) => r.ok),
      scenarios: results.map((r) => `${r.scenario}:${r.ok ? "ok" : "FAILED " + r.notes.join("; ")}`),
    }) + "\n",
  );
  return results.every((r) => r.ok) ? 0 : 1;
}

async function main(): Promise<number> {
  const outer = reexecInNetns(__filename, process.argv.slice(2));
  if (outer) return outer;
  return faults();
}

main().then(
  (c) => {
    process.exitCode = c;
  },
  (e) => {
    process.stderr.write(String(e?.stack ?? e) + "\n");
    process.exitCode = 1;
  },
);
