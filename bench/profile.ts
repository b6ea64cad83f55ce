// "Where the time goes" for the bench report: a V8 CPU profile (the sampler behind
// node --cpu-prof, started after warm-up) of the gateway assembly over the corpus
// (node-child.js profile-gateway), self time summed by part of the data path.

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Parts of the data path, matched on the source file (first match wins). */
const PARTS: Array<[string, (url: string, fn: string) => boolean]> = [
  [
    "framing (src/core/framer, checksum; bench feed loop, where V8 inlines framer.feed)",
    (u) => /\/core\/(framer|checksum)\.js$|\/bench\/common\.js$/.test(u),
  ],
  ["Beidou decoders and device state (src/beidou)", (u) => /\/src\/beidou\//.test(u)],
  ["IEC 61162-450 encoder (src/core/encoder)", (u) => /\/core\/encoder\.js$/.test(u)],
  [
    "network-side hooks (src/core/net, netside: own line counts for the SFI check, d: for answers, legacy copy)",
    (u) => /\/core\/netside\.js$|\/core\/net\//.test(u),
  ],
  [
    "gateway glue and router (src/core/gateway, router; the assembly's hooks, src/app)",
    (u) => /\/core\/(gateway|router)\.js$|\/app\//.test(u),
  ],
  [
    "host clock (Date.now, performance.now)",
    (u, f) => /\/platform\/node\/host\.js$|perf_hooks|performance/.test(u) || (u === "" && f === "now"),
  ],
  ["garbage collector", (_u, f) => f === "(garbage collector)"],
];

export interface ProfileSummary {
  seconds: number;
  groups: Array<{ name: string; share: number; files: string[] }>;
}

type Part = [string, (url: string, fn: string) => boolean];

/** Self time of a V8 CPU profile by part (first match wins), idle and (program) left out. */
export function summarizeProfile(prof: CpuProfile, parts: ReadonlyArray<Part>, otherName: string): ProfileSummary {
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++)
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const byPart = new Map<string, { us: number; files: Set<string> }>();
  let total = 0;
  for (const n of prof.nodes) {
    const us = self.get(n.id) ?? 0;
    const { functionName: fn, url } = n.callFrame;
    if (us === 0 || fn === "(idle)" || fn === "(program)") continue;
    total += us;
    const part = parts.find(([, m]) => m(url, fn))?.[0] ?? otherName;
    const g = byPart.get(part) ?? { us: 0, files: new Set<string>() };
    g.us += us;
    const short = url.replace(/^.*\/dist\//, "").replace(/^file:\/\//, "");
    if (/^(src|bench)\//.test(short)) g.files.add(short.replace(/\.js$/, ".ts"));
    byPart.set(part, g);
  }
  const groups = [...byPart]
    .map(([name, g]) => ({ name, share: g.us / total, files: [...g.files].sort() }))
    .sort((a, b) => b.share - a.share);
  return { seconds: total / 1e6, groups };
}

/** Parts of the `bd450 gateway` process's time in the daemon run (bench/daemons-child.ts). */
export const DAEMON_PARTS: ReadonlyArray<Part> = [
  [
    "UDP send: Node's dgram (JavaScript, C++) and the sendmsg system call, one per datagram",
    (u, f) => f === "doSend" || /^node:(dgram|dns|net)$|internal\/(dgram|dns|net)|\/platform\/node\/udp\.js$/.test(u),
  ],
  [
    "serial read: serialport stream and bindings, fs.read, the read system call",
    (u, f) =>
      (u === "" && f === "read") ||
      /@serialport|serialport|node:fs$|internal\/fs|internal\/streams|\/platform\/node\/serial\.js$|node_modules\/debug/.test(
        u,
      ),
  ],
  [
    "bd450 data path: framing, decoders, device state, encoder, network side (src/)",
    (u) => /\/dist\/src\/(beidou|core|app)\//.test(u),
  ],
  ["garbage collector", (_u, f) => f === "(garbage collector)"],
  [
    "start-up: module loading",
    (u, f) =>
      /internal\/modules|bootstrap|node:path$|^node:internal\/main/.test(u) ||
      f === "wrapSafe" ||
      f === "compileFunction",
  ],
  ["event loop: ticks, promises, async hooks", (u) => /task_queues|async_hooks|timers|promise/.test(u)],
];

export async function profileGateway(child: string, ms: number): Promise<ProfileSummary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-prof-"));
  try {
    await new Promise<void>((resolve, reject) => {
      const p = spawn(
        process.execPath,
        ["--expose-gc", child, "profile-gateway", String(ms), path.join(dir, "gateway.cpuprofile")],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      let err = "";
      p.stderr.on("data", (d) => (err += d));
      p.on("error", reject);
      p.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`profile run exited ${code}: ${err.slice(-1000)}`)),
      );
    });
    const prof = JSON.parse(fs.readFileSync(path.join(dir, "gateway.cpuprofile"), "utf8")) as CpuProfile;
    return summarizeProfile(prof, PARTS, "other (Node internals, the profiling loop)");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
