// End-to-end latency, run INSIDE a private network namespace (bench/run.ts starts it
// with `unshare -rn`, loopback up, multicast routed to it):
//   this process writes sentences to a socat pty at the byte rate of the baud
//   -> the real `bd450 gateway` process reads the other end
//   -> UDP multicast on lo -> listener sockets in this process.
// Latency = arrival of the datagram (listener's onReadable, performance.now()) minus
// the moment the write() that carried the sentence's last byte - its CR, on which the
// framer completes it - returned (same process, same clock). Datagrams are mapped to sentences by the n: line count, and
// each mapped datagram's sentence is checked against the one written.
//
// The writer is its own small pacer with synchronous writes, so the time stamp is
// taken right after the kernel has the bytes (PacedWriter's onUnitWritten comes from
// an asynchronous fs.write callback, up to a thread-pool round trip later, which
// would understate the latency).
//
// `node dist/bench/latency-child.js BAUD COUNT`; prints one JSON object.

import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { finalStats } from "../hosttest/lib/final-stats";
import { GROUP_COUNT, GROUPS } from "../src/core/groups";
import { leftovers } from "../src/platform/node/leftovers";
import { NodeUDP } from "../src/platform/node/udp";
import { openPtyPair } from "../src/sim/pty";
import { forwardedSentences, loadCorpus, REPO_ROOT } from "./common";

const BIN = path.join(REPO_ROOT, "bin", "bd450.js");

/** Valid sentences that go out as exactly one datagram each (<= 80 characters, printable ASCII). */
function units(count: number): Buffer[] {
  const list = forwardedSentences(loadCorpus().bytes).filter((s) => s.length <= 80 && /^[\x20-\x7e]+$/.test(s));
  const out: Buffer[] = [];
  for (let i = 0; out.length < count; i++) out.push(Buffer.from(list[i % list.length] + "\r\n", "latin1"));
  return out;
}

interface Arrival {
  time: number;
  n: number;
  sentence: string;
}

function parseDatagram(d: Uint8Array, time: number): Arrival | undefined {
  const s = Buffer.from(d).toString("latin1");
  const m = /^UdPbC\0\\([^\\]*)\\([^\r]*)\r\n/.exec(s);
  if (!m) return undefined;
  const n = /(?:^|,)n:(\d+)/.exec(m[1]);
  if (!n) return undefined;
  return { time, n: Number(n[1]), sentence: m[2] };
}

async function main(): Promise<void> {
  const baud = Number(process.argv[2] ?? 115200);
  const count = Number(process.argv[3] ?? 1000);
  const list = units(count);
  const arrivals: Arrival[] = [];
  const sockets: NodeUDP[] = [];
  let unparsed = 0;
  for (let g = 1; g <= GROUP_COUNT; g++) {
    const s: NodeUDP = new NodeUDP({
      port: GROUPS[g].port,
      reuseAddr: true,
      interface: "127.0.0.1",
      receiveBufferSize: 4 << 20,
      onReadable() {
        const t = performance.now();
        for (let d = s.read(); d; d = s.read()) {
          const a = parseDatagram(new Uint8Array(d), t);
          if (a) arrivals.push(a);
          else unparsed++;
        }
      },
    });
    s.add(GROUPS[g].address);
    sockets.push(s);
  }
  const pty = await openPtyPair({ leftovers });
  const fd = fs.openSync(pty.terminalPath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  // The gateway writes its start-up commands to the terminal once its port is open: start then.
  const hostSeen = new Promise<void>((resolve) => {
    const r = fs.createReadStream("", {
      fd: fs.openSync(pty.terminalPath, fs.constants.O_RDONLY | fs.constants.O_NOCTTY),
    });
    r.once("data", () => resolve());
    r.on("error", () => undefined);
    setTimeout(resolve, 5000);
  });
  const gw = spawn(
    process.execPath,
    [
      BIN,
      "gateway",
      "--serial",
      pty.gatewayPath,
      "--baud",
      String(baud),
      "--interface",
      "127.0.0.1",
      "--sfi",
      "BD0001",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let gwErr = "";
  gw.stderr!.on("data", (d) => (gwErr += d));
  const exited = new Promise<void>((r) => gw.on("exit", () => r()));
  await hostSeen;
  await new Promise((r) => setTimeout(r, 300));

  // Paced writer: bytes written <= elapsed x baud/10, checked every millisecond.
  const written = new Float64Array(list.length);
  const data = Buffer.concat(list);
  const ends: number[] = [];
  let acc = 0;
  for (const u of list) ends.push((acc += u.length));
  const rate = baud / 10 / 1000; // bytes per ms
  const t0 = performance.now();
  let off = 0,
    unit = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const allowed = Math.min(data.length, Math.floor((performance.now() - t0) * rate));
      while (off < allowed) {
        // A write never crosses a sentence's CR: the framer completes the sentence on the CR
        // (its LF only closes the line), so the time stamp is taken when the CR is in the pty.
        const cr = unit < ends.length ? ends[unit] - 1 : data.length;
        const to =
          off < cr
            ? Math.min(allowed, cr)
            : Math.min(allowed, unit + 1 < ends.length ? ends[unit + 1] - 1 : data.length);
        off += fs.writeSync(fd, data, off, to - off);
        while (unit < ends.length && off >= ends[unit] - 1) written[unit++] = performance.now();
      }
      if (off >= data.length) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const writeSeconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 500)); // the last datagrams in flight
  gw.kill("SIGTERM");
  await exited;
  for (const s of sockets) s.close();
  fs.closeSync(fd);
  pty.close();

  // Map datagrams to sentences: order by unwrapped line count, then walk the written sentences.
  let last = 0;
  const seq = arrivals
    .map((a) => {
      let v = a.n + 999 * Math.round((last - a.n) / 999);
      if (v < 1) v += 999;
      last = v;
      return { v, a };
    })
    .sort((x, y) => x.v - y.v);
  const latencies: number[] = [];
  let k = 0,
    extra = 0,
    mismatched = 0;
  const first = seq.length ? seq[0].v : 1;
  for (const { v, a } of seq) {
    const idx = v - first; // the first datagram carries the first sentence written
    if (idx >= list.length || idx < k) {
      extra++;
      continue;
    }
    k = idx;
    if (list[idx].toString("latin1").slice(0, -2) !== a.sentence) {
      mismatched++;
      continue;
    }
    latencies.push(a.time - written[idx]);
    k++;
  }
  const final = finalStats(gwErr);
  process.stdout.write(
    JSON.stringify({
      baud,
      sentences: list.length,
      bytes: data.length,
      writeSeconds,
      sentencesPerSecond: list.length / writeSeconds,
      datagrams: arrivals.length,
      matched: latencies.length,
      extra,
      mismatched,
      unparsed,
      latenciesMs: latencies,
      gateway: final
        ? {
            forwarded: final.forwarded,
            datagrams: final.datagrams,
            rejected: final.rejected,
            sendErrors: final.sendErrors,
          }
        : null,
    }) + "\n",
  );
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
