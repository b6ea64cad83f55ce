// `npm run soak -- --minutes N [--burst S] [--flood R] [--old-space MB] [--json FILE] [--quiet]`
// Results: `npm run soak` writes hosttest/soak/results.json and results.md (docs/reliability.md links
// them); --json FILE writes FILE and its .md instead. Run directly without --json (as the
// short soak in `npm test` does), it only prints the JSON line.
//
// Soak and load of the real gateway process, inside a private network namespace this
// command creates itself (unshare -rn; multicast stays on its loopback):
//   simulated Beidou terminal (socat pty) writing the built-in RNSS + RDSS mix with line
//   noise at the full byte rate of 115200 baud, with 921600-baud bursts
//   -> `bd450 gateway` (network command gate on: cmdFwd, cmdAllow EI0001)
//   -> UDP multicast -> independent strict listener on all 20 groups
// while a flood of R datagrams/s (default 1000) hits the groups the gateway joins
// with junk, oversize, wrong tokens, bad TAG checksums, foreign sentences, commands
// from SFIs not allowed / for another SFI / spoofing the gateway's own SFI, field
// injection, and valid commands from the allowed SFI.
// Verdict: listener's sentences = the valid sentences the terminal wrote (independent
// extractor), byte-identical, in order, no n gaps; the gateway's memory from
// /proc/PID/status (VmRSS, VmHWM) sampled every second; the UART output queue
// bounded (and the live V8 heap after every full GC, from the gateway's --trace-gc); everything the gateway wrote to the terminal is whole valid sentences.
// Exit code 0 only when nothing was lost.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GROUPS, RCOM } from "../../src/core/groups";
import { REPO_ROOT } from "../lib/paths";
import { boundFor, igmpUsers, waitFor } from "../lib/wait";
import {
  Flood,
  heapSummary,
  Listener,
  memorySummary,
  percentile,
  reexecInNetns,
  sleep,
  startGateway,
  Terminal,
  writeSettings,
} from "./rig";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : def;
}

export interface SoakResult {
  minutes: number;
  baud: number;
  burstBaud: number;
  burstSeconds: number;
  floodPerSecond: number;
  bytesWritten: number;
  unitsWritten: number;
  validSentencesSent: number;
  delivered: number;
  lost: number;
  extra: number;
  inOrderIdentical: boolean;
  nGaps: number;
  nDuplicates: number;
  alertsSeen: number;
  gateway: Record<string, any> | null;
  latencyMs: { p50: number; p99: number; max: number } | null;
  memory: ReturnType<typeof memorySummary> | null;
  heapAfterGc: ReturnType<typeof heapSummary> | null;
  uart: { hostSentences: number; hostBad: number; maxQueueLength: number; queueBound: number };
  flood: { sent: number; kinds: Record<string, number> };
  listener: { datagrams: number; refused: number; foreign: number };
  ok: boolean;
}

/** The results as a short report (hosttest/soak/results.md), written from the same object as the JSON. */
function markdown(r: SoakResult & { date: string; command: string; machine: string }): string {
  const m = r.memory as Record<string, number> | null,
    h = r.heapAfterGc as Record<string, number> | null,
    g = r.gateway ?? {};
  const l = [
    "# Soak results",
    "",
    `Written by \`${r.command}\` on ${r.date} (${r.machine}). Raw: [results.json](results.json).`,
    "",
    `**${r.ok ? "PASSED" : "FAILED"}**: ${r.minutes} min at ${r.baud} baud (${r.burstSeconds} s at ${r.burstBaud}), flood of ${r.floodPerSecond} datagrams/s.`,
    "",
    "| figure | value |",
    "|---|---|",
    `| bytes written by the terminal | ${r.bytesWritten} |`,
    `| valid sentences sent / delivered / lost / extra | ${r.validSentencesSent} / ${r.delivered} / **${r.lost}** / ${r.extra} |`,
    `| in order and byte-identical; n gaps; duplicates | ${r.inOrderIdentical}; ${r.nGaps}; ${r.nDuplicates} |`,
    `| latency terminal -> listener p50 / p99 / max | ${r.latencyMs ? `${r.latencyMs.p50} / ${r.latencyMs.p99} / ${r.latencyMs.max} ms` : "n/a"} |`,
    `| gateway RSS start / end / peak; second-half slope | ${m ? `${m.startRssMB} / ${m.endRssMB} / ${m.peakRssMB} MB; ${m.secondHalfSlopeMBperMin} MB/min` : "n/a"} |`,
    `| V8 heap after full GC first / last / peak (full GCs) | ${h ? `${h.firstMB} / ${h.lastMB} / ${h.peakMB} MB (${h.fullGcs})` : "no full GC in the run"} |`,
    `| gateway forwarded / rejected / datagrams / send errors | ${g.forwarded} / ${g.rejected} / ${g.datagrams} / ${g.sendErrors} |`,
    `| UART: commands written, bad, max queue / bound | ${r.uart.hostSentences}, ${r.uart.hostBad}, ${r.uart.maxQueueLength} / ${r.uart.queueBound} |`,
    `| flood datagrams sent | ${r.flood.sent} ${JSON.stringify(r.flood.kinds)} |`,
    `| network side | ${JSON.stringify(g.network ?? {})} |`,
    "",
  ];
  return l.join("\n") + "\n";
}

async function soak(): Promise<number> {
  const minutes = Number(arg("minutes", "1"));
  const burstSeconds = Number(arg("burst", "5"));
  const floodRate = Number(arg("flood", "1000"));
  const quiet = process.argv.includes("--quiet");
  const jsonOut = arg(
    "json",
    process.env.npm_lifecycle_event === "soak" ? path.join(REPO_ROOT, "hosttest", "soak", "results.json") : "",
  );
  const say = (s: string) => {
    if (!quiet) process.stdout.write(s + "\n");
  };
  const durationMs = minutes * 60000;
  const startedAt = new Date().toISOString();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-soak-"));
  const queueBound = 16;
  const settings = writeSettings(dir, { cmdFwd: true, cmdAllow: "EI0001", uartQueue: queueBound, startupCmds: true });

  const listener = new Listener();
  await listener.ready();
  const term = new Terminal();
  await term.open(path.join(dir, "ttyBD"));
  const gw = startGateway(term.pty.gatewayPath, settings);
  if (!(await term.waitHost(boundFor(2000))))
    throw new Error("the gateway did not open the serial port: " + gw.log.join("\n"));
  // The flood starts once the gateway listens for commands: RCOM has its member besides the listener's.
  await waitFor("gateway joined RCOM", boundFor(1000), () => igmpUsers(GROUPS[RCOM].address) >= 2);
  const flood = new Flood(floodRate);
  if (floodRate > 0) flood.start();
  say(
    `soak: ${minutes} min at 115200 baud (+${burstSeconds} s bursts at 921600), flood ${floodRate} datagrams/s, private namespace`,
  );

  // Burst times: the middle of a short run; every 10 minutes in a long one.
  const bursts: number[] = [];
  if (burstSeconds > 0) {
    if (durationMs < 20 * 60000) bursts.push(durationMs / 2);
    else for (let t = 10 * 60000; t < durationMs; t += 10 * 60000) bursts.push(t);
  }
  const t0 = performance.now();
  let feeding = true;
  const feeder = setInterval(() => {
    if (feeding) term.topUp(150);
  }, 20);
  const progress = setInterval(
    () => {
      const st = gw.stats[gw.stats.length - 1] ?? {};
      const m = gw.mem[gw.mem.length - 1];
      say(
        `[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${term.baud} baud | terminal ${term.units.length} units | ` +
          `gateway ${st.forwarded ?? 0} forwarded, ${st.rejected ?? 0} rejected, ${st.network?.commandsAccepted ?? 0} cmds accepted, ` +
          `${st.network?.commandsRejected ?? 0} rejected | listener ${listener.lines.length} lines | flood ${flood.sent} | RSS ${m ? (m.rssKB / 1024).toFixed(1) : "?"} MB`,
      );
    },
    quiet ? 3600000 : 10000,
  );
  for (const b of bursts) {
    await sleep(Math.max(0, t0 + b - performance.now()));
    feeding = false;
    await term.setBaud(921600);
    feeding = true;
    say(`  burst at 921600 baud for ${burstSeconds} s`);
    await sleep(burstSeconds * 1000);
    feeding = false;
    await term.setBaud(115200);
    feeding = true;
  }
  await sleep(Math.max(0, t0 + durationMs - performance.now()));
  feeding = false;
  clearInterval(feeder);
  await term.drained();
  await waitFor(
    "the last sentence written arrived at the listener (every copy of its text)",
    boundFor(1000),
    listener.forwardedAll(term),
  );
  flood.stop();
  await gw.stop();
  clearInterval(progress);
  listener.close();
  // Everything the gateway wrote to the terminal read back before the pty goes (its final count says how much).
  const written = Number(gw.final?.uartWritten ?? 0);
  await waitFor(
    "the terminal read what the gateway wrote",
    boundFor(1000),
    () => term.hostSentences().sentences.length >= written,
  ).catch(() => undefined);
  term.close();

  // Verdict.
  const expected = term.expectedTimes();
  const global = term.expected();
  if (global.length !== expected.length || global.some((s, i) => s !== expected[i].text))
    throw new Error("unit-wise and stream-wise reference extraction disagree");
  const d = listener.delivered();
  const got = d.sentences;
  let identical = got.length === expected.length;
  for (let i = 0; identical && i < got.length; i++) if (got[i].text !== expected[i].text) identical = false;
  // Lost / extra as multisets (order checked separately above).
  const count = new Map<string, number>();
  for (const e of expected) count.set(e.text, (count.get(e.text) ?? 0) + 1);
  let extra = 0;
  for (const g of got) {
    const c = count.get(g.text) ?? 0;
    if (c > 0) count.set(g.text, c - 1);
    else extra++;
  }
  let lost = 0;
  for (const c of count.values()) lost += c;
  const lat: number[] = [];
  if (identical)
    for (let i = 0; i < got.length; i++) if (expected[i].at !== undefined) lat.push(got[i].at - expected[i].at);
  lat.sort((a, b) => a - b);
  let maxQueue = 0;
  for (const s of gw.stats)
    maxQueue = Math.max(maxQueue, (s.uartQueued ?? 0) - (s.uartWritten ?? 0) - (s.uartDropped ?? 0));
  const host = term.hostSentences();
  const f = gw.final ?? null;
  const result: SoakResult = {
    minutes,
    baud: 115200,
    burstBaud: 921600,
    burstSeconds: bursts.length ? burstSeconds * bursts.length : 0,
    floodPerSecond: floodRate,
    bytesWritten: Buffer.concat(term.units).length,
    unitsWritten: term.units.length,
    validSentencesSent: expected.length,
    delivered: got.length,
    lost,
    extra,
    inOrderIdentical: identical,
    nGaps: d.gaps,
    nDuplicates: d.duplicates,
    alertsSeen: d.alerts.length,
    gateway: f,
    latencyMs: lat.length
      ? {
          p50: +percentile(lat, 50).toFixed(1),
          p99: +percentile(lat, 99).toFixed(1),
          max: +lat[lat.length - 1].toFixed(1),
        }
      : null,
    memory: memorySummary(gw.mem, 5000) ?? null,
    heapAfterGc: heapSummary(gw.heapAfterGc, 5000) ?? null,
    uart: { hostSentences: host.sentences.length, hostBad: host.bad, maxQueueLength: maxQueue, queueBound },
    flood: { sent: flood.sent, kinds: flood.kinds },
    listener: { datagrams: listener.datagrams, refused: listener.refused, foreign: listener.foreign },
    ok: false,
  };
  result.ok =
    lost === 0 &&
    extra === 0 &&
    identical &&
    d.gaps === 0 &&
    d.duplicates === 0 &&
    !!f &&
    f.sentencesIn === expected.length &&
    f.sendErrors === 0 &&
    host.bad === 0 &&
    maxQueue <= queueBound &&
    host.sentences.length === f.uartWritten;
  process.stdout.write(JSON.stringify(result) + "\n");
  say(
    `\nsoak ${result.ok ? "PASSED" : "FAILED"}: ${minutes} min, ${result.bytesWritten} bytes, ${expected.length} valid sentences sent, ` +
      `${got.length} delivered, lost ${lost}, extra ${extra}, in order and byte-identical: ${identical}, n gaps ${d.gaps}, duplicates ${d.duplicates}`,
  );
  if (result.latencyMs)
    say(
      `  latency terminal->listener: p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`,
    );
  if (result.memory)
    say(
      `  gateway RSS: start ${result.memory.startRssMB} MB, end ${result.memory.endRssMB} MB, peak ${result.memory.peakRssMB} MB, second-half slope ${result.memory.secondHalfSlopeMBperMin} MB/min`,
    );
  if (result.heapAfterGc)
    say(
      `  gateway V8 heap after full GC (--trace-gc): first ${result.heapAfterGc.firstMB} MB, last ${result.heapAfterGc.lastMB} MB, peak ${result.heapAfterGc.peakMB} MB over ${result.heapAfterGc.fullGcs} full GCs; second half ${result.heapAfterGc.secondHalfMinMB}..${result.heapAfterGc.secondHalfMaxMB} MB`,
    );
  if (f)
    say(
      `  gateway: ${f.forwarded} forwarded, ${f.rejected} rejected ${JSON.stringify(f.rejects)}, ${f.datagrams} datagrams, UART queued ${f.uartQueued} written ${f.uartWritten} dropped ${f.uartDropped} (max queue ${maxQueue}/${queueBound})`,
    );
  if (f?.network) say(`  network side: ${JSON.stringify(f.network)}`);
  say(
    `  flood: ${flood.sent} datagrams ${JSON.stringify(flood.kinds)}; listener refused ${listener.refused} datagrams (the flood's junk), ${listener.foreign} foreign lines`,
  );
  if (jsonOut) {
    const command = ("npm run soak -- " + process.argv.slice(2).join(" ")).trim();
    const machine = `${os.cpus().length} cores, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" / ")}`;
    const record = { date: startedAt, command, machine, ...result };
    fs.writeFileSync(jsonOut, JSON.stringify(record, null, 2) + "\n");
    fs.writeFileSync(jsonOut.replace(/\.json$/, "") + ".md", markdown(record));
    say(`  wrote ${jsonOut} and .md`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return result.ok ? 0 : 1;
}

async function main(): Promise<number> {
  if (process.argv.includes("--help")) {
    process.stdout.write(
      "usage: npm run soak -- [--minutes N] [--burst SECONDS] [--flood DATAGRAMS_PER_S] [--old-space MB] [--json FILE] [--quiet]\n" +
        "  --old-space MB: run the gateway with V8's old space capped at MB (full GCs show the live heap; a leak crashes it)\n",
    );
    return 0;
  }
  const cap = arg("old-space", "");
  if (cap) process.env.BD450_GATEWAY_OLD_SPACE_MB = cap;
  const outer = reexecInNetns(__filename, process.argv.slice(2));
  if (outer) return outer;
  return soak();
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
