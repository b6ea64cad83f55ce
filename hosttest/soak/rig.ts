// Parts shared by the soak and the fault runs. Everything here runs INSIDE a private
// network namespace (reexecInNetns): the simulated terminal on a socat pty, the real
// `bd450 gateway` process, an independent strict 450 listener on every group, a
// datagram flood, and memory sampling of the gateway process from /proc.
import { type ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GROUP_COUNT, GROUPS } from "../../src/core/groups";
import { leftovers } from "../../src/platform/node/leftovers";
import { SettingsFile } from "../../src/platform/node/settings-file";
import { NodeUDP } from "../../src/platform/node/udp";
import { BuiltinMix } from "../../src/sim/mix";
import { PacedWriter } from "../../src/sim/pacer";
import { openPtyPair, type PtyPair } from "../../src/sim/pty";
import { BIN } from "../lib/paths";
import { readDatagram, referenceSentences, type StrictLine, StrictStream, uartSentences } from "../lib/strict-reader";
import { sentence, tag } from "../lib/text";
import { boundFor, igmpUsers, waitFor } from "../lib/wait";

export const OWN_SFI = "BD0001";

/**
 * Re-run this script inside a new user + network namespace (loopback up, multicast
 * routed to it) unless already inside one. Resolves with the child's exit code, or
 * undefined when the caller is already inside and should do the work.
 */
export function reexecInNetns(script: string, args: string[]): Promise<number> | undefined {
  if (process.env.BD450_IN_NETNS === "1") return undefined;
  const setup = 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$0" "$@"';
  return new Promise((resolve) => {
    const child = spawn("unshare", ["-rn", "sh", "-c", setup, process.execPath, script, ...args], {
      stdio: "inherit",
      env: { ...process.env, BD450_IN_NETNS: "1" },
    });
    const fwd = (s: NodeJS.Signals) => child.kill(s);
    process.on("SIGINT", fwd);
    process.on("SIGTERM", fwd);
    child.on("error", (e) => {
      process.stderr.write(`cannot create a private network namespace (unshare -rn): ${e.message}\n`);
      resolve(1);
    });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

export function ip(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const c = spawn("ip", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (out += d));
    c.on("exit", (code) => resolve({ code: code ?? 1, out }));
  });
}

/** For durations a run is defined by (a soak of N minutes), never to wait for something to happen. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A line from the gateway as the listener saw it. */
export interface Seen {
  n: number;
  line: StrictLine;
  group: string;
  at: number;
}

/**
 * Independent strict listener on every transmission group: keeps the gateway's own
 * lines (s:BD0001, not the flood's spoofed `$CC` lines), counts everything else.
 */
export class Listener {
  readonly lines: Seen[] = [];
  datagrams = 0;
  /** Datagrams with at least one line of the gateway (its SFI). */
  ownDatagrams = 0;
  foreign = 0;
  refused = 0;
  lastAt = 0;
  private sockets: NodeUDP[] = [];

  constructor(readonly sfi = OWN_SFI) {
    for (let g = 1; g <= GROUP_COUNT; g++) {
      const grp = GROUPS[g];
      const s: NodeUDP = new NodeUDP({
        port: grp.port,
        reuseAddr: true,
        interface: "127.0.0.1",
        receiveBufferSize: 8 << 20,
        onReadable: () => {
          for (let d = s.read(); d; d = s.read()) this.datagram(new Uint8Array(d), grp.name);
        },
      });
      s.add(grp.address);
      this.sockets.push(s);
    }
  }

  /** Resolves once every group's socket has joined (/proc/net/igmp of the namespace lists it on lo). */
  ready(): Promise<unknown> {
    return waitFor("listener joined every group", boundFor(500), () =>
      GROUPS.slice(1, GROUP_COUNT + 1).every((g) => igmpUsers(g.address) > 0),
    );
  }

  /** How many times the gateway's sentence `text` arrived (as one line, or reassembled from carriers). */
  count(text: string): number {
    if (text.length <= 80 && /^[\x20-\x7e]*$/.test(text)) {
      let n = 0;
      for (const l of this.lines) if (l.line.sentence === text) n++;
      return n;
    }
    return this.delivered().sentences.filter((s) => s.text === text).length;
  }

  /**
   * Probe for "the gateway forwarded everything the terminal wrote": the terminal's last
   * valid sentence has arrived as many times as it was written. Texts repeat (the
   * terminal's FKI replies, fixed-position fixes): seeing one copy may be an earlier
   * one while the tail is still on its way through the pty and the gateway.
   */
  forwardedAll(term: Terminal): () => boolean {
    const all = term.expected();
    if (!all.length) return () => true;
    const last = all[all.length - 1];
    const times = all.filter((t) => t === last).length;
    return () => this.count(last) >= times;
  }

  /** Has an alert sentence of the gateway matching `re` arrived on BAM1? */
  sawAlert(re: RegExp): boolean {
    return this.lines.some((l) => l.group === "BAM1" && re.test(l.line.sentence));
  }

  private datagram(bytes: Uint8Array, group: string): void {
    this.datagrams++;
    let lines: StrictLine[];
    try {
      lines = readDatagram(bytes, { sendLimits: true });
    } catch {
      this.refused++;
      return;
    }
    const at = performance.now();
    let own = false;
    for (const line of lines) {
      if (line.source !== this.sfi || line.sentence.startsWith("$CC")) {
        this.foreign++;
        continue;
      }
      this.lines.push({ n: line.n!, line, group, at });
      this.lastAt = at;
      own = true;
    }
    if (own) this.ownDatagrams++;
  }

  /**
   * The gateway's lines in line-count order (n unwrapped over 999 -> 1), checked for
   * gaps and duplicates, carriers reassembled. Alert sentences (BAM1: ALF ALC ARC HBT)
   * are returned apart: they are the gateway's own, not the terminal's.
   */
  delivered(): {
    sentences: Array<{ text: string; at: number }>;
    alerts: string[];
    gaps: number;
    duplicates: number;
    lines: number;
  } {
    let last = 0;
    const ordered = this.lines.map((s) => {
      let v = s.n + 999 * Math.round((last - s.n) / 999);
      if (v < 1) v += 999;
      last = v;
      return { v, s };
    });
    ordered.sort((a, b) => a.v - b.v);
    let gaps = 0,
      duplicates = 0;
    for (let i = 1; i < ordered.length; i++) {
      const d = ordered[i].v - ordered[i - 1].v;
      if (d === 0) duplicates++;
      else if (d > 1) gaps += d - 1;
    }
    if (ordered.length && ordered[0].v !== 1) gaps += ordered[0].v - 1;
    const stream = new StrictStream();
    const sentences: Array<{ text: string; at: number }> = [];
    const alerts: string[] = [];
    for (const { s } of ordered) {
      for (const text of stream.accept(s.line)) {
        if (s.group === "BAM1" && /^\$..(ALF|ALC|ARC|HBT)/.test(text)) alerts.push(text);
        else sentences.push({ text, at: s.at });
      }
    }
    return { sentences, alerts, gaps, duplicates, lines: ordered.length };
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }
}

/** Memory of a process from /proc (kB): resident now and its high-water mark. */
export function procMemory(pid: number): { rssKB: number; hwmKB: number } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+)/.exec(s),
      hwm = /VmHWM:\s+(\d+)/.exec(s);
    return rss && hwm ? { rssKB: +rss[1], hwmKB: +hwm[1] } : undefined;
  } catch {
    return undefined;
  }
}

export interface GatewayProcess {
  child: ChildProcess;
  stats: Array<Record<string, any>>;
  final?: Record<string, any>;
  log: string[];
  mem: Array<{ t: number; rssKB: number; hwmKB: number }>;
  /** V8 heap after each full GC (Mark-Compact), MB, from --trace-gc: the live heap. */
  heapAfterGc: Array<{ t: number; mb: number }>;
  exited: Promise<number>;
  stop(): Promise<number>;
}

/** Settings file for the run (never the user's ~/.config). */
export function writeSettings(dir: string, values: Record<string, string | number | boolean>): string {
  const file = path.join(dir, "settings");
  const s = new SettingsFile(file);
  for (const [k, v] of Object.entries(values)) s.set(k, v);
  s.commit();
  return file;
}

/** The real `bd450 gateway` process; `args` replace the defaults (--interface 127.0.0.1 --sfi BD0001) when given. */
export function startGateway(
  serialPath: string,
  configFile: string,
  args: string[] = ["--interface", "127.0.0.1", "--sfi", OWN_SFI],
): GatewayProcess {
  // --trace-gc prints every GC on stdout; the size after a Mark-Compact is the live heap.
  // BD450_GATEWAY_OLD_SPACE_MB caps V8's old space: full GCs then run regularly (their
  // figures are the live heap) and a leak would end in an out-of-memory crash.
  const cap = Number(process.env.BD450_GATEWAY_OLD_SPACE_MB ?? 0);
  const child = spawn(
    process.execPath,
    [
      "--trace-gc",
      ...(cap > 0 ? [`--max-old-space-size=${cap}`] : []),
      BIN,
      "gateway",
      "--serial",
      serialPath,
      "--baud",
      "115200",
      "--stats",
      "1",
      "--config",
      configFile,
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const g: GatewayProcess = {
    child,
    stats: [],
    log: [],
    mem: [],
    heapAfterGc: [],
    exited: new Promise((r) => child.on("exit", (c) => r(c ?? 1))),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return g.exited;
    },
  };
  let buf = "";
  const t0 = performance.now();
  let gcBuf = "";
  child.stdout!.on("data", (d: Buffer) => {
    gcBuf += d.toString();
    let nl: number;
    while ((nl = gcBuf.indexOf("\n")) >= 0) {
      const line = gcBuf.slice(0, nl);
      gcBuf = gcBuf.slice(nl + 1);
      const m = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/.exec(line);
      if (m) g.heapAfterGc.push({ t: performance.now() - t0, mb: +m[1] });
    }
  });
  child.stderr!.on("data", (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith("{")) {
        try {
          const o = JSON.parse(line);
          if (o.final) g.final = o;
          else g.stats.push({ t: performance.now() - t0, at: performance.now(), ...o });
        } catch {
          /* partial */
        }
      } else g.log.push(line);
    }
  });
  const timer = setInterval(() => {
    const m = child.pid ? procMemory(child.pid) : undefined;
    if (m) g.mem.push({ t: performance.now() - t0, ...m });
  }, 1000);
  g.exited.then(() => clearInterval(timer));
  return g;
}

/**
 * The simulated terminal: a socat pty pair, a paced writer at the UART byte rate
 * (switchable, e.g. to a 921600 burst), the built-in RNSS + RDSS mix with line
 * noise, and a record of every byte written and when each unit was complete.
 */
export class Terminal {
  pty!: PtyPair;
  fd = -1;
  private writer?: PacedWriter;
  private reader?: fs.ReadStream;
  readonly mix = new BuiltinMix({ noiseEvery: 7 });
  readonly units: Uint8Array[] = [];
  readonly unitTimes: number[] = [];
  hostBytes: number[] = [];
  baud = 115200;
  bytesWritten = 0;
  private hostSeen!: Promise<void>;

  async open(link: string): Promise<void> {
    this.pty = await openPtyPair({ leftovers, gatewayLink: link });
    this.attach();
  }

  private attach(): void {
    this.fd = fs.openSync(this.pty.terminalPath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    this.reader = fs.createReadStream("", {
      fd: fs.openSync(this.pty.terminalPath, fs.constants.O_RDONLY | fs.constants.O_NOCTTY),
    });
    let seen!: () => void;
    this.hostSeen = new Promise((r) => (seen = r));
    this.reader.on("data", (d) => {
      for (const b of d as Buffer) this.hostBytes.push(b);
      seen();
    });
    this.reader.on("error", () => {
      /* pty gone */
    });
    this.newWriter(this.baud);
  }

  /** Resolves when the gateway has written to the terminal (its start-up commands): its serial port is open; false after `ms`. */
  waitHost(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.hostSeen.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private newWriter(baud: number): void {
    this.baud = baud;
    const base = this.units.length;
    this.writer = new PacedWriter({
      fd: this.fd,
      baud,
      onUnitWritten: (i, t) => {
        this.unitTimes[base + i] = t;
      },
    });
  }

  /** Change the byte rate after what is queued has been written. */
  async setBaud(baud: number): Promise<void> {
    await this.writer!.drained();
    this.bytesWritten += this.writer!.bytesWritten;
    this.writer!.stop();
    this.newWriter(baud);
  }

  get queued(): number {
    return this.writer ? this.writer.queued : 0;
  }
  get error(): Error | undefined {
    return this.writer?.error;
  }

  /** Keep about `ahead` units queued (the terminal always has data: full byte rate). */
  topUp(ahead = 200): void {
    while (this.writer && this.queued < ahead) {
      for (const u of this.mix.next()) {
        this.units.push(u);
        this.writer.push(u);
      }
    }
  }

  drained(): Promise<void> {
    return this.writer ? this.writer.drained() : Promise.resolve();
  }

  /** Valid sentences in everything written, by the independent extractor. */
  expected(): string[] {
    return referenceSentences(Buffer.concat(this.units));
  }

  /** Per unit: its valid sentence (or undefined) and when it was completely written. */
  expectedTimes(): Array<{ text: string; at: number }> {
    const out: Array<{ text: string; at: number }> = [];
    this.units.forEach((u, i) => {
      for (const s of referenceSentences(u)) out.push({ text: s, at: this.unitTimes[i] });
    });
    return out;
  }

  /** Unplug: kill socat (both pty ends vanish) without writing anything more. */
  unplug(): void {
    this.writer?.stop();
    if (this.writer) this.bytesWritten += this.writer.bytesWritten;
    this.writer = undefined;
    this.reader?.destroy();
    try {
      fs.closeSync(this.fd);
    } catch {
      /* closed */
    }
    this.pty.close();
  }

  /** Plug back in: a new pty pair at the same link path, a fresh writer. */
  async replug(link: string): Promise<void> {
    await waitFor("the old pty link removed", boundFor(200), () => !fs.existsSync(link)).catch(() => undefined);
    this.pty = await openPtyPair({ leftovers, gatewayLink: link });
    this.attach();
  }

  close(): void {
    this.writer?.stop();
    this.reader?.destroy();
    try {
      fs.closeSync(this.fd);
    } catch {
      /* closed */
    }
    this.pty?.close();
  }

  /**
   * What the gateway wrote to the terminal, judged by the independent reference
   * extractor: its sentences, and how many pieces were not whole valid sentences
   * ended by CR LF.
   */
  hostSentences(): { sentences: string[]; bad: number } {
    const u = uartSentences(this.hostBytes);
    return { sentences: u.sentences, bad: u.bad.length };
  }
}

/**
 * Floods the gateway's joined groups (cmdGroups RCOM, CAM1, CAM2) and NAVD with
 * datagrams it must ignore or reject: junk, oversize, wrong tokens, bad TAG
 * checksums, foreign sentences, commands from SFIs not on the allowlist, commands
 * for another SFI, spoofs of the gateway's own SFI, and a steady stream of valid
 * commands from the allowed SFI (the rate limit must hold them to 5 per second).
 */
export class Flood {
  sent = 0;
  kinds: Record<string, number> = {};
  private socket: NodeUDP;
  private timer?: NodeJS.Timeout;
  private n = 0;
  private k = 0;

  constructor(readonly perSecond: number) {
    this.socket = new NodeUDP({ interface: "127.0.0.1", timeToLive: 1 });
  }

  private next(): [string, Buffer, number] {
    const kinds = [
      "junk",
      "oversize",
      "token",
      "tagsum",
      "foreign",
      "not-allowed",
      "other-d",
      "own-spoof",
      "command",
      "injection",
    ];
    const kind = kinds[this.k % kinds.length];
    // Every kind goes to every target group in turn: RCOM, CAM1, CAM2 (joined by the gateway) and NAVD (not joined).
    const groups = [6, 18, 19, 4];
    const g = groups[Math.floor(this.k / kinds.length) % groups.length];
    this.k++;
    const n = (this.n++ % 999) + 1;
    let body: string;
    switch (kind) {
      case "junk": {
        const b = Buffer.alloc(1 + ((this.k * 37) % 300));
        for (let i = 0; i < b.length; i++) b[i] = (i * 131 + this.k) & 0xff;
        return [kind, b, g];
      }
      case "oversize":
        return [
          kind,
          Buffer.concat([
            Buffer.from("UdPbC\0" + tag(`s:EI0001,n:${n},d:BD0001`) + sentence("CCICA,0,00") + "\r\n", "latin1"),
            Buffer.alloc(1500, 0x41),
          ]),
          g,
        ];
      case "token":
        return [
          kind,
          Buffer.from("RrUdP\0" + tag(`s:EI0001,n:${n},d:BD0001`) + sentence("CCICA,0,00") + "\r\n", "latin1"),
          g,
        ];
      case "tagsum":
        body = tag(`s:EI0001,n:${n},d:BD0001`).replace(/\*..\\$/, "*00\\") + sentence("CCICA,0,00");
        break;
      case "foreign":
        body = tag(`s:EI0002,n:${n}`) + sentence("EIHDT,123.4,T");
        break;
      case "not-allowed":
        body = tag(`s:EI0009,n:${n},d:BD0001`) + sentence("CCICA,0,00");
        break;
      case "other-d":
        body = tag(`s:EI0001,n:${n},d:BD0002`) + sentence("CCICA,0,00");
        break;
      case "own-spoof":
        body = tag(`s:BD0001,n:${n},d:BD0001`) + sentence("CCICA,0,00");
        break;
      case "injection":
        body = tag(`s:EI0001,n:${n},d:BD0001`) + sentence("CCTXA,0179773,1,0,A*B$CCICA,0,00");
        break;
      default:
        body = tag(`s:EI0001,n:${n},d:BD0001`) + sentence("CCRMO,BSI,2,10");
        break;
    }
    return [kind, Buffer.from("UdPbC\0" + body + "\r\n", "latin1"), g];
  }

  start(): void {
    const perTick = Math.max(1, Math.round(this.perSecond / 100));
    this.timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        const [kind, bytes, g] = this.next();
        try {
          this.socket.write(bytes, GROUPS[g].address, GROUPS[g].port);
          this.sent++;
          this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
        } catch {
          /* counted by absence */
        }
      }
    }, 10);
  }

  stop(): void {
    clearInterval(this.timer);
    this.socket.close();
  }
}

/** Summary of a memory series (kB): start (after warm-up), end, peak, growth per minute over the second half. */
export function memorySummary(mem: Array<{ t: number; rssKB: number; hwmKB: number }>, warmupMs: number) {
  const s = mem.filter((m) => m.t >= warmupMs);
  if (s.length < 2) return undefined;
  const half = s.slice(Math.floor(s.length / 2));
  const n = half.length;
  const mt = half.reduce((a, m) => a + m.t, 0) / n,
    mr = half.reduce((a, m) => a + m.rssKB, 0) / n;
  let num = 0,
    den = 0;
  for (const m of half) {
    num += (m.t - mt) * (m.rssKB - mr);
    den += (m.t - mt) ** 2;
  }
  const slope = den > 0 ? (num / den) * 60000 : 0;
  return {
    startRssMB: +(s[0].rssKB / 1024).toFixed(1),
    endRssMB: +(s[s.length - 1].rssKB / 1024).toFixed(1),
    peakRssMB: +(Math.max(...s.map((m) => m.hwmKB)) / 1024).toFixed(1),
    minRssMB: +(Math.min(...s.map((m) => m.rssKB)) / 1024).toFixed(1),
    secondHalfSlopeMBperMin: +(slope / 1024).toFixed(2),
    samples: s.length,
  };
}

/** Live heap after full GCs: first after warm-up, last, peak, and the second-half trend. */
export function heapSummary(h: Array<{ t: number; mb: number }>, warmupMs: number) {
  const s = h.filter((x) => x.t >= warmupMs);
  if (!s.length) return undefined;
  const half = s.slice(Math.floor(s.length / 2));
  return {
    fullGcs: s.length,
    firstMB: s[0].mb,
    lastMB: s[s.length - 1].mb,
    peakMB: Math.max(...s.map((x) => x.mb)),
    minMB: Math.min(...s.map((x) => x.mb)),
    secondHalfMinMB: Math.min(...half.map((x) => x.mb)),
    secondHalfMaxMB: Math.max(...half.map((x) => x.mb)),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
