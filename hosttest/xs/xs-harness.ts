// XS harness: the firmware's JavaScript on Moddable's XS engine (@agoric/xsnap).
//
// The core modules are the ones the manifest lists, compiled from the same
// TypeScript (tsc -> dist/, CommonJS). bundle() joins them with a small CommonJS
// loader into one script; the preamble first removes the globals an ESP32
// firmware does not have, so a core that uses them fails here. The worker gets a
// small ECMA-419 host (hosttest/xs/xs-host.ts: UART FIFO, UDP outbox, clock,
// timers) and is driven through issueCommand/handleCommand. The same host module
// runs on Node for the reference run, fed the same messages.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  createHostDriver,
  type InitOptions,
  OP_CLEAR,
  OP_FEED,
  OP_FILL,
  OP_GC,
  OP_INIT,
  OP_LOAD,
  OP_STATS,
  OP_TICK,
  REC_DATAGRAM,
  REC_UART_OUT,
} from "./xs-host";

/** Repository root (dist/hosttest/xs -> ../../..). */
export const repoRoot = path.resolve(__dirname, "../../..");
export const distRoot = path.join(repoRoot, "dist");

/**
 * Globals that xsnap's XS has and a Moddable ESP32 firmware does not (TextDecoder
 * and TextEncoder are separate Moddable modules, not globals; print, gc, harden,
 * performance, setImmediate, Base64 and the metering hooks are xsnap's own).
 * Compartment and ModuleSource exist in XS but may be stripped from a firmware.
 * Buffer, process, setTimeout, console and structuredClone are absent already;
 * `trace` stays (Moddable has it).
 */
export const BOARD_ABSENT_GLOBALS = [
  "TextDecoder",
  "TextEncoder",
  "Base64",
  "performance",
  "print",
  "setImmediate",
  "harden",
  "gc",
  "currentMeterLimit",
  "resetMeter",
  "issueCommand",
  "global",
  "Compartment",
  "ModuleSource",
];
/** Globals checked to be absent after the preamble (the test asserts it). */
export const NODE_ONLY_GLOBALS = [
  "Buffer",
  "process",
  "setTimeout",
  "setInterval",
  "clearTimeout",
  "console",
  "require",
  "structuredClone",
];

const dynamicImport = new Function("specifier", "return import(specifier)") as (s: string) => Promise<any>;

/** Module id (repo-relative path without extension) of a file under dist/. */
export function moduleId(distFile: string): string {
  return path.relative(distRoot, distFile).replace(/\\/g, "/").replace(/\.js$/, "");
}

function resolveId(from: string, spec: string): string {
  if (!spec.startsWith("."))
    throw new Error(
      `${from}: imports "${spec}", which is not a bd450 module (no Node or npm module may reach the board)`,
    );
  const parts = from.split("/");
  parts.pop();
  for (const seg of spec.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

const REQUIRE = /\brequire\("([^"]+)"\)/g;

/** The transitive closure of the given module ids, dependencies first. */
export function moduleClosure(
  entries: string[],
  virtual: { id: string; source: string }[] = [],
): { id: string; source: string }[] {
  const out: { id: string; source: string }[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const v = virtual.find((m) => m.id === id);
    const file = path.join(distRoot, id + ".js");
    if (!v && !fs.existsSync(file)) throw new Error(`module ${id}: ${file} not found (run npx tsc -p . first)`);
    const source = v ? v.source : fs.readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
    // A bare specifier is allowed only for a module given in `virtual` (a stand-in
    // for a Moddable module in adapter tests); anything else must be relative.
    for (const m of source.matchAll(REQUIRE))
      visit(!m[1].startsWith(".") && virtual.some((v) => v.id === m[1]) ? m[1] : resolveId(id, m[1]));
    out.push({ id, source });
  };
  for (const e of entries) visit(e);
  return out;
}

/**
 * One script: preamble (capture the harness channel, remove board-absent globals),
 * a CommonJS loader, the modules, and `main` (a function body that receives
 * `require` and the captured `host` {issueCommand, gc}).
 */
export function bundle(entries: string[], main: string, extra: { id: string; source: string }[] = []): string {
  const mods = moduleClosure([...extra.map((m) => m.id), ...entries], extra);
  const parts: string[] = [];
  parts.push(`(function (g) {
  "use strict";
  const host = { issueCommand: g.issueCommand, gc: g.gc };
  for (const name of ${JSON.stringify(BOARD_ABSENT_GLOBALS)}) delete g[name];
  const defs = Object.create(null), cache = Object.create(null);
  function resolve(from, spec) {
    if (spec.charCodeAt(0) !== 46) {
      if (defs[spec]) return spec;
      throw new Error(from + ": cannot import " + spec);
    }
    const parts = from.split("/"); parts.pop();
    for (const seg of spec.split("/")) { if (seg === "..") parts.pop(); else if (seg !== ".") parts.push(seg); }
    return parts.join("/");
  }
  function load(id) {
    const hit = cache[id];
    if (hit) return hit.exports;
    const def = defs[id];
    if (!def) throw new Error("module not found: " + id);
    const module = { exports: {} };
    cache[id] = module;
    def.call(module.exports, module.exports, function (spec) { return load(resolve(id, spec)); }, module);
    return module.exports;
  }
`);
  for (const m of mods) {
    parts.push(`  defs[${JSON.stringify(m.id)}] = function (exports, require, module) {\n${m.source}\n};\n`);
  }
  parts.push(`  (function (require, host) {\n${main}\n})(load, host);\n})(globalThis);\n`);
  return parts.join("");
}

export interface Meter {
  compute: number;
  allocate: number;
  currentHeapCount: number;
}

/** An xsnap worker with a byte command channel. */
export class XsWorker {
  private worker: any;
  private flushed: Uint8Array[] = [];
  last: Meter = { compute: 0, allocate: 0, currentHeapCount: 0 };

  static async start(script: string): Promise<XsWorker> {
    await dynamicImport("@endo/init");
    const { xsnap } = await dynamicImport("@agoric/xsnap");
    const w = new XsWorker();
    w.worker = await xsnap({
      os: os.type(),
      spawn,
      fs: { ...fs, ...fs.promises },
      name: "bd450-xs",
      meteringLimit: 0,
      stderr: "inherit",
      handleCommand: async (msg: Uint8Array) => {
        w.flushed.push(new Uint8Array(msg));
        return new Uint8Array(0);
      },
    });
    const r = await w.worker.evaluate(script);
    w.last = meterOf(r.meterUsage);
    return w;
  }

  /** Messages the worker sent with issueCommand outside a command (e.g. while evaluating). */
  takeFlushed(): Uint8Array[] {
    const f = this.flushed;
    this.flushed = [];
    return f;
  }

  async evaluate(code: string): Promise<Meter> {
    const r = await this.worker.evaluate(code);
    return (this.last = meterOf(r.meterUsage));
  }

  /** Send one command; the reply includes anything the worker flushed while handling it. */
  async command(message: Uint8Array): Promise<{ reply: Uint8Array; meter: Meter }> {
    const r = await this.worker.issueCommand(message);
    this.last = meterOf(r.meterUsage);
    let reply: Uint8Array = r.reply;
    if (this.flushed.length) {
      reply = concat([...this.flushed, reply]);
      this.flushed = [];
    }
    return { reply, meter: this.last };
  }

  /** Live heap: a snapshot is written after a full collection, so its atoms give live chunk and slot bytes. */
  async liveHeap(): Promise<{ chunkBytes: number; slotBytes: number; slotSize: number }> {
    const bufs: Uint8Array[] = [];
    for await (const b of this.worker.makeSnapshotStream("bd450")) bufs.push(b);
    return parseSnapshotAtoms(concat(bufs));
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}

function meterOf(m: any): Meter {
  return { compute: m.compute ?? 0, allocate: m.allocate ?? 0, currentHeapCount: m.currentHeapCount ?? 0 };
}

export function concat(list: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const b of list) n += b.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const b of list) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** XS snapshot: "XS_M" atom holding VERS, SIGN, CREA, BLOC (chunks), HEAP (slots), STAC, KEYS... */
export function parseSnapshotAtoms(s: Uint8Array): { chunkBytes: number; slotBytes: number; slotSize: number } {
  const dv = new DataView(s.buffer, s.byteOffset, s.byteLength);
  const tag = (at: number) => String.fromCharCode(s[at], s[at + 1], s[at + 2], s[at + 3]);
  let chunkBytes = -1,
    slotBytes = -1,
    slotSize = 0;
  let at = 8; // inside the outer XS_M atom
  while (at + 8 <= s.length) {
    const size = dv.getUint32(at);
    const t = tag(at + 4);
    if (t === "VERS") slotSize = s[at + 8 + 5] || 0;
    if (t === "BLOC") chunkBytes = size - 8;
    if (t === "HEAP") slotBytes = size - 8;
    if (size < 8) break;
    at += size;
  }
  if (chunkBytes < 0 || slotBytes < 0) throw new Error("snapshot: BLOC/HEAP atoms not found");
  return { chunkBytes, slotBytes, slotSize };
}

// ---------------------------------------------------------------------------
// The gateway on both engines.

export interface Datagram {
  address: string;
  port: number;
  bytes: Uint8Array;
}

export interface RunOptions extends InitOptions {
  /** UART chunks per FEED command (default 64). */
  chunksPerCommand?: number;
  /** Bytes loaded into the worker per LOAD command (default 48 KiB). */
  loadBytes?: number;
}

export interface RunResult {
  datagrams: Datagram[];
  uartOut: Uint8Array[];
  stats: Record<string, any>;
}

const HOST_MODULE = "hosttest/xs/xs-host";

/** The worker script: core + host, handleCommand bound to the driver. */
export function gatewayScript(): string {
  return bundle(
    [HOST_MODULE],
    `
  const driver = require("hosttest/xs/xs-host").createHostDriver({
    flush(bytes) { host.issueCommand(bytes.slice(0).buffer); },
    gc: host.gc,
  });
  globalThis.handleCommand = function (message) {
    const reply = driver.handle(new Uint8Array(message));
    return reply.byteOffset === 0 && reply.byteLength === reply.buffer.byteLength ? reply.buffer : reply.slice(0).buffer;
  };`,
  );
}

function u32(op: number, v: number): Uint8Array {
  return new Uint8Array([op, v >>> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255]);
}

function initMessage(o: InitOptions): Uint8Array {
  const s = JSON.stringify(o);
  const m = new Uint8Array(1 + s.length);
  m[0] = OP_INIT;
  for (let i = 0; i < s.length; i++) m[1 + i] = s.charCodeAt(i);
  return m;
}

/** Plan the command sequence for `chunks`: LOAD a batch, FEED it in commands of n chunks, CLEAR. */
export function* commandPlan(
  chunks: Uint8Array[],
  o: RunOptions,
): Generator<{ kind: "load" | "feed" | "clear"; message: Uint8Array; chunks: number }> {
  const per = o.chunksPerCommand ?? 64;
  const loadBytes = o.loadBytes ?? 48 * 1024;
  let i = 0;
  while (i < chunks.length) {
    // One batch: as many whole chunks as fit loadBytes (at least one).
    let j = i,
      bytes = 0;
    while (j < chunks.length && (j === i || bytes + chunks[j].length <= loadBytes)) bytes += chunks[j++].length;
    const load = new Uint8Array(1 + bytes);
    load[0] = OP_LOAD;
    let o2 = 1;
    for (let k = i; k < j; k++) {
      load.set(chunks[k], o2);
      o2 += chunks[k].length;
    }
    yield { kind: "load", message: load, chunks: 0 };
    for (let k = i; k < j; k += per) {
      const n = Math.min(per, j - k);
      const feed = new Uint8Array(3 + 2 * n);
      feed[0] = OP_FEED;
      feed[1] = n >> 8;
      feed[2] = n & 255;
      for (let q = 0; q < n; q++) {
        const size = chunks[k + q].length;
        if (size > 0xffff) throw new RangeError("chunk larger than 65535 bytes");
        feed[3 + 2 * q] = size >> 8;
        feed[4 + 2 * q] = size & 255;
      }
      yield { kind: "feed", message: feed, chunks: n };
    }
    yield { kind: "clear", message: new Uint8Array([OP_CLEAR]), chunks: 0 };
    i = j;
  }
}

/** Parse outbox records. */
export function parseRecords(reply: Uint8Array, datagrams: Datagram[], uartOut: Uint8Array[]): void {
  let at = 0;
  while (at < reply.length) {
    const type = reply[at];
    const n = (reply[at + 1] << 8) | reply[at + 2];
    const port = (reply[at + 3] << 8) | reply[at + 4];
    const alen = reply[at + 5];
    const address = String.fromCharCode(...reply.subarray(at + 6, at + 6 + alen));
    const bytes = reply.slice(at + 6 + alen, at + 6 + alen + n);
    if (type === REC_DATAGRAM) datagrams.push({ address, port, bytes });
    else if (type === REC_UART_OUT) uartOut.push(bytes);
    else throw new Error(`outbox: unknown record type ${type} at ${at}`);
    at += 6 + alen + n;
  }
}

function parseJson(reply: Uint8Array): Record<string, any> {
  let s = "";
  for (const b of reply) s += String.fromCharCode(b);
  return JSON.parse(s);
}

/** A command channel: XS worker or the same host module on Node. */
interface Channel {
  command(m: Uint8Array): Promise<{ reply: Uint8Array; meter?: Meter }>;
}

type StepKind = "init" | "load" | "feed" | "clear" | "tick" | "stats";

async function drive(
  ch: Channel,
  chunks: Uint8Array[],
  o: RunOptions,
  onStep?: (kind: StepKind, meter: Meter | undefined, reply: Uint8Array) => void,
): Promise<RunResult> {
  const datagrams: Datagram[] = [];
  const uartOut: Uint8Array[] = [];
  const step = async (kind: StepKind, message: Uint8Array) => {
    const { reply, meter } = await ch.command(message);
    if (onStep) onStep(kind, meter, reply);
    if (o.capture !== false && (kind === "feed" || kind === "tick")) parseRecords(reply, datagrams, uartOut);
    return reply;
  };
  await step("init", initMessage(stripRunOptions(o)));
  for (const s of commandPlan(chunks, o)) await step(s.kind, s.message);
  await step("tick", u32(OP_TICK, 1000));
  const stats = parseJson(await step("stats", new Uint8Array([OP_STATS])));
  return { datagrams, uartOut, stats };
}

function stripRunOptions(o: RunOptions): InitOptions {
  const { chunksPerCommand: _a, loadBytes: _b, ...init } = o;
  return init;
}

/** The reference run: the same host module and messages on Node. */
export async function runGatewayOnNode(chunks: Uint8Array[], options: RunOptions = {}): Promise<RunResult> {
  const flushed: Uint8Array[] = [];
  const driver = createHostDriver({ flush: (b) => flushed.push(b.slice()) });
  const ch: Channel = {
    async command(m) {
      let reply: Uint8Array = driver.handle(m).slice();
      if (flushed.length) {
        reply = concat([...flushed, reply]);
        flushed.length = 0;
      }
      return { reply };
    },
  };
  return drive(ch, chunks, options);
}

/** One XS worker running the gateway, reusable for several runs (each run starts with INIT). */
export class XsGatewaySession {
  private constructor(private readonly worker: XsWorker) {}
  static async start(): Promise<XsGatewaySession> {
    return new XsGatewaySession(await XsWorker.start(gatewayScript()));
  }
  async run(chunks: Uint8Array[], options: RunOptions = {}): Promise<RunResult & { meter: Meter }> {
    const r = await drive(this.worker, chunks, options);
    return { ...r, meter: this.worker.last };
  }
  close(): Promise<void> {
    return this.worker.close();
  }
}

/** The gateway on XS; one worker per call. */
export async function runGatewayOnXs(
  chunks: Uint8Array[],
  options: RunOptions = {},
): Promise<RunResult & { meter: Meter }> {
  const w = await XsWorker.start(gatewayScript());
  try {
    const r = await drive(w, chunks, options);
    return { ...r, meter: w.last };
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------------------
// Figures: compute and allocation per forwarded sentence, and the heap.

function forwardedOf(reply: Uint8Array): number {
  return ((reply[0] << 24) | (reply[1] << 16) | (reply[2] << 8) | reply[3]) >>> 0;
}

interface FeedSample {
  compute: number;
  /** Slot count change over this command; NaN when a collection happened. */
  slots: number;
  forwarded: number;
}

/** Live heap of the worker now: slots after a collection, chunk bytes from a snapshot. */
async function liveNow(w: XsWorker): Promise<{ slots: number; chunkBytes: number; slotSize: number }> {
  const slots = (await w.command(new Uint8Array([OP_GC]))).meter.currentHeapCount;
  const h = await w.liveHeap();
  return { slots, chunkBytes: h.chunkBytes, slotSize: h.slotSize };
}

/** One measurement-mode run: per-FEED samples, and the live heap sampled every `liveEvery` FEEDs. */
async function sampleRun(chunks: Uint8Array[], options: RunOptions, mode: "gateway" | "discard", liveEvery = 0) {
  const w = await XsWorker.start(gatewayScript());
  try {
    const loaded = await liveNow(w);
    const samples: FeedSample[] = [];
    let prev = w.last.currentHeapCount,
      lastForwarded = 0,
      peakCount = 0;
    const peakLive = { slots: 0, chunkBytes: 0 };
    await w.command(initMessage({ ...stripRunOptions(options), mode, capture: false }));
    // The live heap right after start: the growth while running is peakLive - started.
    const started = liveEvery ? await liveNow(w) : loaded;
    prev = w.last.currentHeapCount;
    let feeds = 0;
    for (const step of commandPlan(chunks, options)) {
      const { reply, meter: m } = await w.command(step.message);
      if (step.kind === "feed") {
        const forwarded = forwardedOf(reply);
        samples.push({
          compute: m.compute,
          slots: m.currentHeapCount >= prev ? m.currentHeapCount - prev : NaN,
          forwarded: forwarded - lastForwarded,
        });
        lastForwarded = forwarded;
        feeds++;
      }
      if (m.currentHeapCount > peakCount) peakCount = m.currentHeapCount;
      prev = m.currentHeapCount;
      // Live heap while the input batch is still loaded is the host's, so sample right after CLEAR.
      if (liveEvery && step.kind === "clear" && feeds >= liveEvery) {
        feeds = 0;
        const live = await liveNow(w);
        if (live.slots > peakLive.slots) peakLive.slots = live.slots;
        if (live.chunkBytes > peakLive.chunkBytes) peakLive.chunkBytes = live.chunkBytes;
        prev = w.last.currentHeapCount;
      }
    }
    const end = await liveNow(w);
    if (end.slots > peakLive.slots) peakLive.slots = end.slots;
    if (end.chunkBytes > peakLive.chunkBytes) peakLive.chunkBytes = end.chunkBytes;
    return { samples, peakCount, loaded, started, end, peakLive };
  } finally {
    await w.close();
  }
}

export interface HeapFigure {
  slots: number;
  chunkBytes: number;
}

export interface XsFigures {
  engine: string;
  sentencesMeasured: number;
  feedCommandsMeasured: number;
  /** XS meter compute units per forwarded sentence, host overhead subtracted. */
  computePerSentence: number;
  /** Slots allocated per forwarded sentence (commands without a collection), host overhead subtracted. */
  slotsPerSentence: number;
  /**
   * The same with each command's difference (gateway run - host run) taken as at least 0:
   * a collection inside a command that the slot count does not show can only lower the
   * gateway's side, so it can neither make this negative nor hide another command's slots.
   */
  slotsPerSentenceAtLeastZero: number;
  /** Chunk bytes allocated per forwarded sentence (calibrated-filler method), or null when no collection happened. */
  chunkBytesPerSentence: number | null;
  /** Bytes per sentence on ESP32 (16-byte slots) and on this host (32-byte slots): slots x size + chunk bytes. */
  bytesPerSentenceEsp32: number | null;
  bytesPerSentenceHost: number | null;
  /** xsnap's `allocate` meter (total reserved heap) before and after the gateway run. */
  allocateMeter: { before: number; after: number };
  /**
   * Live heap after a collection. empty: a fresh XS machine; modules: bd450 modules and harness loaded;
   * gatewayPeak: highest live heap sampled while the gateway ran; hostOnly: the same run with the UART bytes dropped.
   */
  live: { empty: HeapFigure; modules: HeapFigure; gatewayPeak: HeapFigure; hostOnly: HeapFigure };
  /** The running gateway's own live heap: gatewayPeak - hostOnly. */
  gatewayOwn: HeapFigure;
  /** Growth of the live heap over the run: gatewayPeak - the live heap right after start (0 when none). */
  gatewayGrowth: HeapFigure;
  /** The gateway's own live heap on 32-bit XS (the board's sizes), when the RV32 host ran (xs-figures.ts measureLive32). */
  live32?: HeapFigure;
  /** Modules' live heap above an empty machine (on the board bytecode and preloaded objects sit in flash, so this is an upper bound). */
  modulesOwn: HeapFigure;
  /** Highest slot count seen (includes garbage not yet collected; bounded by xsnap's 256 Ki-slot heap). */
  peakHeapCount: number;
  hostSlotSize: number;
  notes: string[];
}

function minus(a: HeapFigure, b: HeapFigure): HeapFigure {
  return { slots: a.slots - b.slots, chunkBytes: a.chunkBytes - b.chunkBytes };
}

/**
 * Figures for the gateway on XS over `chunks` (best: the whole corpus). Each
 * per-sentence figure is the gateway run minus a run of the same commands where
 * the UART bytes are drained and dropped (the host's own cost: command decoding,
 * FIFO copies). The first `warmup` fraction of FEED commands is left out.
 */
export async function measureGatewayOnXs(
  chunks: Uint8Array[],
  options: RunOptions & { warmup?: number; chunkBudgets?: number[] } = {},
): Promise<XsFigures> {
  const notes: string[] = [];
  const { warmup = 0.2, chunkBudgets, ...runOptions } = options;
  const emptyWorker = await XsWorker.start("globalThis.__empty = 1;");
  let empty: HeapFigure;
  try {
    const e = await liveNow(emptyWorkerAsGc(emptyWorker));
    empty = { slots: e.slots, chunkBytes: e.chunkBytes };
  } finally {
    await emptyWorker.close();
  }
  const gw = await sampleRun(chunks, runOptions, "gateway", 40);
  const base = await sampleRun(chunks, runOptions, "discard");
  const n = gw.samples.length;
  const from = Math.floor(n * warmup);
  let compute = 0,
    sentences = 0,
    slots = 0,
    slotsAtLeastZero = 0,
    slotSentences = 0,
    skipped = 0;
  for (let i = from; i < n; i++) {
    const a = gw.samples[i],
      b = base.samples[i];
    compute += a.compute - b.compute;
    sentences += a.forwarded;
    if (a.slots === a.slots && b.slots === b.slots) {
      slots += a.slots - b.slots;
      slotsAtLeastZero += Math.max(0, a.slots - b.slots);
      slotSentences += a.forwarded;
    } else skipped++;
  }
  if (skipped)
    notes.push(
      `${skipped} of ${n - from} FEED commands had a collection in one of the runs and are left out of the slot figure`,
    );
  const chunk = await measureChunkBytes(chunks, runOptions, from, chunkBudgets);
  notes.push(chunk.note);
  const slotsPer = slotSentences ? slots / slotSentences : 0;
  const hostSlot = gw.loaded.slotSize || 32;
  const hostOnly = { slots: base.end.slots, chunkBytes: base.end.chunkBytes };
  const modules = { slots: gw.loaded.slots, chunkBytes: gw.loaded.chunkBytes };
  return {
    engine: "XS (@agoric/xsnap 0.15.0)",
    sentencesMeasured: sentences,
    feedCommandsMeasured: n - from,
    computePerSentence: sentences ? compute / sentences : 0,
    slotsPerSentence: slotsPer,
    slotsPerSentenceAtLeastZero: slotSentences ? slotsAtLeastZero / slotSentences : 0,
    chunkBytesPerSentence: chunk.perSentence,
    bytesPerSentenceEsp32: chunk.perSentence === null ? null : slotsPer * 16 + chunk.perSentence,
    bytesPerSentenceHost: chunk.perSentence === null ? null : slotsPer * hostSlot + chunk.perSentence,
    allocateMeter: chunk.allocate,
    live: { empty, modules, gatewayPeak: gw.peakLive, hostOnly },
    gatewayOwn: minus(gw.peakLive, hostOnly),
    gatewayGrowth: {
      slots: Math.max(0, gw.peakLive.slots - gw.started.slots),
      chunkBytes: Math.max(0, gw.peakLive.chunkBytes - gw.started.chunkBytes),
    },
    modulesOwn: minus(modules, empty),
    peakHeapCount: gw.peakCount,
    hostSlotSize: hostSlot,
    notes,
  };
}

/** A bare worker has no harness: give liveNow a gc() through evaluate. */
function emptyWorkerAsGc(w: XsWorker): XsWorker {
  return Object.assign(Object.create(w), {
    command: async () => ({ reply: new Uint8Array(0), meter: await w.evaluate("(globalThis.__bd450gc || gc)();") }),
  });
}

/** The portable modules the firmware entry imports (src/platform/moddable/*.ts, relative imports that leave that folder), as module ids. */
export function firmwareModules(): string[] {
  const dir = path.join(repoRoot, "src/platform/moddable");
  const ids = new Set<string>();
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    for (const m of text.matchAll(/^import\s+(?!type\b)[^"']*["'](\.[^"']+)["']/gm)) {
      const id = path.relative(repoRoot, path.resolve(dir, m[1])).replace(/\\/g, "/");
      if (!id.startsWith("src/platform/moddable/")) ids.add(id);
    }
  }
  return [...ids].sort();
}

/**
 * Live heap of a module set on XS: `code` is the heap after the bundle is parsed
 * (bytecode and function objects: flash on the board), `data` what running the
 * module bodies adds (tables, closures: RAM on the board unless preloaded).
 */
export async function measureModulesOnXs(
  ids: string[],
): Promise<{ modules: number; code: HeapFigure; data: HeapFigure }> {
  const live = async (script: string) => {
    const w = await XsWorker.start(script);
    try {
      const e = await liveNow(emptyWorkerAsGc(w));
      return { slots: e.slots, chunkBytes: e.chunkBytes };
    } finally {
      await w.close();
    }
  };
  const empty = await live("globalThis.__empty = 1;");
  // The bundle preamble removes gc(); keep a handle for the measurement. Keep the
  // loader reachable too, or the whole bundle (code included) is garbage.
  const keepGc = "globalThis.__bd450gc = host.gc; globalThis.__bd450require = require;\n";
  const parsed = await live(bundle(ids, keepGc));
  const run = await live(bundle(ids, keepGc + ids.map((id) => `require(${JSON.stringify(id)});`).join("\n")));
  return { modules: moduleClosure(ids).length, code: minus(parsed, empty), data: minus(run, parsed) };
}

/**
 * Chunk budgets tried in turn until one runs out before the input does. The small
 * last ones resolve a fraction of a byte per sentence over the corpus (the firmware
 * wiring allocates almost nothing per sentence, so the larger ones usually last;
 * 16 KiB always runs out, on the host's own ~150 B per command if nothing else).
 */
export const CHUNK_BUDGETS = [1024 * 1024, 256 * 1024, 64 * 1024, 16 * 1024];

function fillMessage(size: number, garbage: number): Uint8Array {
  const m = new Uint8Array(9);
  m[0] = OP_FILL;
  const dv = new DataView(m.buffer);
  dv.setUint32(1, size);
  dv.setUint32(5, garbage);
  return m;
}

/**
 * Chunk bytes per sentence. XS allocates chunks by moving a pointer through its
 * chunk block and collects only when the block is full, and xsnap reports no chunk
 * counter. So: after a warm-up, find the free chunk space F (binary search over
 * filler sizes, with X unreachable bytes allocated before each filler so that a
 * filler between F-X and F forces a collection instead of growing the heap; a
 * collection shows as the fall of the slot count by the probe's 1000 unreachable
 * objects); hold a filler that leaves `budget` bytes free; feed commands until a
 * collection happens. Bytes per sentence = (budget - host bytes) / sentences,
 * where the host's bytes per command come from the same measurement in discard
 * mode with a smaller budget.
 */
async function measureChunkBytes(
  chunks: Uint8Array[],
  options: RunOptions,
  skipFeeds: number,
  budgets = CHUNK_BUDGETS,
): Promise<{ perSentence: number | null; note: string; allocate: { before: number; after: number } }> {
  const X = 16 * 1024 * 1024;
  const run = async (mode: "gateway" | "discard", budget: number) => {
    const w = await XsWorker.start(gatewayScript());
    try {
      await w.command(initMessage({ ...stripRunOptions(options), mode, capture: false }));
      const allocateBefore = w.last.allocate;
      // All input loaded up front, so that only FEED commands run while the budget is consumed.
      const plan = [...commandPlan(chunks, { ...options, loadBytes: Number.MAX_SAFE_INTEGER })];
      let k = 0,
        feeds = 0;
      for (; k < plan.length && feeds < skipFeeds; k++) {
        if (plan[k].kind === "feed") feeds++;
        await w.command(plan[k].message);
      }
      const probe = async (size: number, garbage: number) => (await w.command(fillMessage(size, garbage))).meter;
      const ref = (await probe(0, X)).currentHeapCount;
      const allocate0 = w.last.allocate;
      let lo = 0,
        hi = X; // the initial 32 MiB block minus a live heap of a few MiB leaves F - X inside [0, X]
      while (hi - lo > 16) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await probe(mid, X)).currentHeapCount < ref - 500) hi = mid;
        else lo = mid;
      }
      if (w.last.allocate !== allocate0) throw new Error("chunk heap grew during calibration");
      // Largest filler with no collection is lo + X (+ header rounding); leave `budget` free.
      const fill = await probe(lo + X - budget, 0);
      let prev = fill.currentHeapCount,
        sentences = 0,
        commands = 0,
        last = -1,
        hit = false;
      for (; k < plan.length; k++) {
        const step = plan[k];
        const { reply, meter } = await w.command(step.message);
        if (meter.currentHeapCount < prev) {
          hit = true;
          break;
        }
        prev = meter.currentHeapCount;
        if (step.kind !== "feed") continue;
        const f = forwardedOf(reply);
        if (last >= 0) sentences += f - last;
        last = f;
        commands++;
      }
      return { hit, sentences, commands, free: lo + X, allocate: { before: allocateBefore, after: w.last.allocate } };
    } finally {
      await w.close();
    }
  };
  // A large budget spreads the "which command collected" quantization over more
  // sentences; a gateway that allocates little may not use it up, then retry smaller.
  let budget = budgets[0];
  let gw = await run("gateway", budget);
  for (let i = 1; i < budgets.length && !gw.hit; i++) {
    budget = budgets[i];
    gw = await run("gateway", budget);
  }
  if (!gw.hit)
    return {
      allocate: gw.allocate,
      perSentence: null,
      note: `chunk heap: ${budget} bytes free lasted the rest of the input (${gw.sentences} sentences): under ${(budget / Math.max(1, gw.sentences)).toFixed(1)} bytes/sentence`,
    };
  // The host's own bytes per command (the FEED message itself: ~150 B) must use up
  // its budget for the subtraction to happen: no larger than the gateway's budget.
  const hostBudget = Math.min(256 * 1024, budget);
  const base = await run("discard", hostBudget);
  const hostPerCommand = base.hit && base.commands > 0 ? hostBudget / base.commands : 0;
  const per = (budget - hostPerCommand * gw.commands) / Math.max(1, gw.sentences);
  return {
    allocate: gw.allocate,
    perSentence: per,
    note:
      `chunk heap: free space after collection ${gw.free} bytes; ${budget} bytes lasted ${gw.sentences} sentences in ${gw.commands} commands; ` +
      `host alone: ${hostBudget} bytes lasted ${base.hit ? base.commands + " commands (" + hostPerCommand.toFixed(0) + " bytes/command)" : "the whole run (taken as 0)"}`,
  };
}
