// Daemon against daemon, real IO, run INSIDE a private network namespace (bench/run.ts
// starts it with `unshare -rn`, loopback up, multicast routed to it):
//
//   bd450: corpus x K -> cat -> socat pty -> `bd450 gateway` -> UDP multicast on lo
//          -> bench/count-listener.js (counts sentence lines in the datagrams)
//   gpsd:  corpus x K -> cat -> socat pty -> `gpsd -N -n -b` (3.22, Debian) -> TCP on
//          127.0.0.1:<private port> -> `gpspipe -r` (raw NMEA) -> file (lines counted)
//
// `cat` writes as fast as the pty takes it, so each daemon runs flat out. The figure is
// what the daemon's client received per CPU second of the daemon: utime + stime of the
// daemon process (all its threads) from /proc/<pid>/stat, read before the writer starts
// and once the client has seen nothing new for QUIET_MS after the writer finished.
// gpsd listens on 127.0.0.1 only (no -G), no control socket (no -F, so no hotplug), and
// its D-Bus address points nowhere (it cannot reach the system bus); -b: never writes to
// the device. Both daemons in the same namespace, same pty plumbing, same bytes.
//
// `node dist/bench/daemons-child.js COPIES REPS`; prints one JSON object.
// BD450_BENCH_GATEWAY_FLAGS="--cpu-prof --cpu-prof-dir=DIR" profiles the gateway process.

import { type ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { finalStats } from "../hosttest/lib/final-stats";
import { leftovers } from "../src/platform/node/leftovers";
import { openPtyPair } from "../src/sim/pty";
import { forwardedSentences, loadCorpus, REPO_ROOT } from "./common";
import { type CpuProfile, DAEMON_PARTS, summarizeProfile } from "./profile";

const BIN = path.join(REPO_ROOT, "bin", "bd450.js");
const COUNTER = path.join(__dirname, "count-listener.js");
/** The run is over when the client has seen nothing new for this long after the writer finished. */
const QUIET_MS = 1000;
const GPSD_PORT = 29470;
/** Extra node flags for the gateway process, e.g. "--cpu-prof --cpu-prof-dir=DIR" to see where its time goes. */
const GATEWAY_NODE_FLAGS = (process.env.BD450_BENCH_GATEWAY_FLAGS ?? "").split(" ").filter(Boolean);

const HZ = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** utime and stime (seconds) from a /proc stat file. */
function statTimes(file: string): { user: number; system: number } {
  const s = fs.readFileSync(file, "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
  return { user: Number(f[11]) / HZ, system: Number(f[12]) / HZ };
}

/** utime + stime of a process, all threads, in seconds. */
function cpuSeconds(pid: number): number {
  const t = statTimes(`/proc/${pid}/stat`);
  return t.user + t.system;
}

/** CPU seconds per thread name (main thread, libuv pool, V8 GC/compiler workers...), user and system. */
function threadTimes(pid: number): Map<string, { user: number; system: number }> {
  const out = new Map<string, { user: number; system: number }>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      const t = statTimes(`/proc/${pid}/task/${tid}/stat`);
      const o = out.get(name) ?? { user: 0, system: 0 };
      out.set(name, { user: o.user + t.user, system: o.system + t.system });
    } catch {
      /* thread ended */
    }
  }
  return out;
}

function threadDelta(
  a: Map<string, { user: number; system: number }>,
  b: Map<string, { user: number; system: number }>,
) {
  const out: Record<string, { user: number; system: number }> = {};
  for (const [k, v] of b) {
    const o = a.get(k) ?? { user: 0, system: 0 };
    const d = { user: Math.round((v.user - o.user) * HZ) / HZ, system: Math.round((v.system - o.system) * HZ) / HZ };
    if (d.user || d.system) out[k] = d;
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `cond` every 20 ms until true; throw after `ms`. */
async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => p.once("exit", () => r()));
}

interface Run {
  /** Sentences the client received: bd450, datagrams (one per terminal sentence; an overlong one is carried as several lines of one datagram); gpsd, NMEA lines. */
  sentences: number;
  cpuSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  threads: Record<string, { user: number; system: number }>;
  wallSeconds: number;
  sentencesPerCpuSecond: number;
  daemon: Record<string, unknown>;
}

/**
 * Feed the stream to the daemon's pty; `count()` is the client's running total. Measures
 * from the writer's start until the count stays put for QUIET_MS after the writer ended
 * (the same rule for both daemons: a carried overlong sentence is several lines, so the
 * gateway's forwarded count is no exact target for the listener's).
 */
async function feed(streamFile: string, terminalPath: string, pid: number, count: () => number) {
  const fd = fs.openSync(terminalPath, fs.constants.O_WRONLY | fs.constants.O_NOCTTY);
  const c0 = cpuSeconds(pid),
    s0 = statTimes(`/proc/${pid}/stat`),
    th0 = threadTimes(pid);
  const n0 = count();
  const t0 = performance.now();
  const writer = spawn("cat", [streamFile], { stdio: ["ignore", fd, "inherit"] });
  const writerDone = exited(writer);
  let done = false;
  void writerDone.then(() => (done = true));
  let last = count(),
    lastChange = performance.now();
  for (;;) {
    await sleep(20);
    const n = count();
    if (n !== last) {
      last = n;
      lastChange = performance.now();
    }
    if (done && performance.now() - lastChange >= QUIET_MS) break;
    if (performance.now() - t0 > 300000) throw new Error("daemon run took more than 5 minutes");
  }
  await writerDone;
  fs.closeSync(fd);
  const cpu = cpuSeconds(pid) - c0,
    s1 = statTimes(`/proc/${pid}/stat`);
  const sentences = count() - n0;
  return {
    sentences,
    cpuSeconds: cpu,
    wallSeconds: (lastChange - t0) / 1000,
    sentencesPerCpuSecond: sentences / cpu,
    userSeconds: s1.user - s0.user,
    systemSeconds: s1.system - s0.system,
    threads: threadDelta(th0, threadTimes(pid)),
  };
}

async function runBd450(streamFile: string, dir: string, nodeFlags: string[] = GATEWAY_NODE_FLAGS): Promise<Run> {
  const pty = await openPtyPair({ leftovers, dir: fs.mkdtempSync(path.join(dir, "bd450-")) });
  const listener = spawn(process.execPath, [COUNTER], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "",
    sentences = 0;
  listener.stdout!.on("data", (d) => {
    out += d;
    const m = /COUNT (\d+) \d+\n[^\n]*$/.exec(out);
    if (m) sentences = Number(m[1]);
    if (out.length > 4096 && !out.includes("{")) out = out.slice(-256);
  });
  await until("the listener", () => out.includes("READY"), 10000);
  const gw = spawn(
    process.execPath,
    [
      ...nodeFlags,
      BIN,
      "gateway",
      "--serial",
      pty.gatewayPath,
      "--interface",
      "127.0.0.1",
      "--sfi",
      "BD0001",
      "--config",
      path.join(dir, "no-settings-file"),
      "--no-startup-cmds",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let err = "";
  gw.stderr!.on("data", (d) => (err += d));
  try {
    await until("the gateway to start", () => err.includes("gateway: "), 20000);
    const r = await feed(streamFile, pty.terminalPath, gw.pid!, () => sentences);
    gw.kill("SIGTERM");
    await exited(gw);
    listener.kill("SIGTERM");
    await exited(listener);
    const final = finalStats(err);
    const totals = JSON.parse(
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .pop() ?? "{}",
    );
    return {
      ...r,
      daemon: {
        forwarded: final?.forwarded,
        datagramsSent: final?.datagrams,
        rejected: final?.rejected,
        sendErrors: final?.sendErrors,
        clientDatagrams: totals.datagrams,
        clientLines: totals.sentences,
        clientReceiveBufferDrops: totals.rcvbufErrors,
      },
    };
  } finally {
    if (gw.exitCode === null) gw.kill("SIGKILL");
    if (listener.exitCode === null) listener.kill("SIGKILL");
    pty.close();
  }
}

async function runGpsd(streamFile: string, dir: string): Promise<Run> {
  const pty = await openPtyPair({ leftovers, dir: fs.mkdtempSync(path.join(dir, "gpsd-")) });
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${path.join(dir, "no-dbus")}` };
  const gpsd = spawn("gpsd", ["-N", "-n", "-b", "-D0", "-S", String(GPSD_PORT), pty.gatewayPath], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  gpsd.stderr!.on("data", (d) => (err = (err + d).slice(-4000)));
  const outFile = path.join(dir, "gpspipe.out");
  const outFd = fs.openSync(outFile, "w");
  let pipe: ChildProcess | undefined;
  try {
    // gpsd binds its port at start; gpspipe may need a retry while it does.
    const t0 = Date.now();
    for (;;) {
      pipe = spawn("gpspipe", ["-r", `127.0.0.1:${GPSD_PORT}`], { stdio: ["ignore", outFd, "ignore"] });
      await sleep(200);
      if (pipe.exitCode === null) break;
      if (gpsd.exitCode !== null) throw new Error(`gpsd exited (${gpsd.exitCode}): ${err}`);
      if (Date.now() - t0 > 10000) throw new Error("gpspipe could not connect to gpsd");
    }
    await until("gpsd's WATCH answer", () => fs.readFileSync(outFile, "latin1").includes('"WATCH"'), 10000);
    // Client total: NMEA lines in gpspipe's output so far (read incrementally).
    let counted = 0,
      offset = 0,
      carry = "";
    const count = () => {
      const size = fs.fstatSync(outFd).size;
      if (size > offset) {
        const fd = fs.openSync(outFile, "r");
        const buf = Buffer.alloc(size - offset);
        fs.readSync(fd, buf, 0, buf.length, offset);
        fs.closeSync(fd);
        offset = size;
        const lines = (carry + buf.toString("latin1")).split("\n");
        carry = lines.pop()!;
        for (const l of lines) if (l[0] === "$" || l[0] === "!") counted++;
      }
      return counted;
    };
    const r = await feed(streamFile, pty.terminalPath, gpsd.pid!, count);
    return { ...r, daemon: { version: spawnSync("gpsd", ["-V"], { encoding: "utf8" }).stdout.trim() } };
  } finally {
    if (pipe && pipe.exitCode === null) pipe.kill("SIGTERM");
    if (gpsd.exitCode === null) gpsd.kill("SIGTERM");
    await exited(gpsd);
    fs.closeSync(outFd);
    pty.close();
  }
}

async function main(): Promise<void> {
  const copies = Number(process.argv[2] ?? 5);
  const reps = Number(process.argv[3] ?? 3);
  const corpus = loadCorpus().bytes;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-daemons-"));
  try {
    const streamFile = path.join(dir, "stream");
    const fd = fs.openSync(streamFile, "w");
    for (let i = 0; i < copies; i++) fs.writeSync(fd, corpus);
    fs.closeSync(fd);
    const expected = forwardedSentences(corpus).length * copies;
    const bd450: Run[] = [],
      gpsd: Run[] = [];
    for (let r = 0; r < reps; r++) {
      // Alternate, so that a change in the machine's load falls on both.
      bd450.push(await runBd450(streamFile, dir));
      gpsd.push(await runGpsd(streamFile, dir));
    }
    // Where the gateway process's time goes: one more run under V8's CPU profiler (main
    // thread, wall-clock samples; not part of the figures above, the profiler costs time).
    const profDir = path.join(dir, "prof");
    const profiled = await runBd450(streamFile, dir, [`--cpu-prof`, `--cpu-prof-dir=${profDir}`]);
    const file = fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    const summary = file
      ? summarizeProfile(
          JSON.parse(fs.readFileSync(path.join(profDir, file), "utf8")) as CpuProfile,
          DAEMON_PARTS,
          "other",
        )
      : null;
    const bd450Profile = summary
      ? {
          sentences: profiled.sentences,
          busySeconds: summary.seconds,
          groups: summary.groups.map((g) => ({
            ...g,
            microsecondsPerSentence: (g.share * summary.seconds * 1e6) / Math.max(1, profiled.sentences),
          })),
        }
      : null;
    process.stdout.write(
      JSON.stringify({
        copies,
        bytes: corpus.length * copies,
        expectedSentences: expected,
        clockTicksPerSecond: HZ,
        bd450,
        gpsd,
        bd450Profile,
      }) + "\n",
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
