// The bd450 XS test host (scripts/build-xs-host.sh): the Moddable SDK's xst built
// from the SDK's xs/ sources with metering on and linked with the project's native
// helpers (src/native/*.c). Unlike @agoric/xsnap it can run native code, and the
// meter is readable from JS (xsh.meter(): one unit per bytecode), so a run can be
// split by stage. Scripts run as one batch: input and output go through files.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { SentenceFramer } from "../../src/core/framer";
import { NMEA_CORPUS } from "../lib/paths";
import { bundle, commandPlan, concat, type Datagram, parseRecords, type RunOptions, repoRoot } from "./xs-harness";
import {
  type InitOptions,
  OP_INIT,
  OP_LOAD,
  OP_REALTIME,
  OP_STATS,
  OP_TICK,
  type RealtimeOptions,
  type RealtimeResult,
} from "./xs-host";

export const XSH_DIR = path.join(repoRoot, ".cache", "xs-host");
const BINARY = path.join(XSH_DIR, "bd450-xsh");
const SOURCES = () => [
  path.join(repoRoot, "scripts/build-xs-host.sh"),
  path.join(repoRoot, "hosttest/xs/native/bd450-xst.c"),
  path.join(repoRoot, "hosttest/xs/native/bd450-natives.h"),
  path.join(repoRoot, "hosttest/xs/native/xsh-write-file.h"),
  path.join(repoRoot, "src/native/bytes.c"),
  path.join(repoRoot, "src/native/fixes.c"),
  path.join(repoRoot, "src/native/bd450-parse.h"),
];

let built: { path?: string; reason?: string } | undefined;

/** Build the host once (cached in .cache/xs-host; rebuilt when a native source is newer). */
export function xshBinary(): { path?: string; reason?: string } {
  if (built) return built;
  const sdk = process.env.MODDABLE ?? path.resolve(repoRoot, "../shared/moddable-sdk");
  if (!fs.existsSync(path.join(sdk, "xs/makefiles/lin/xst.mk")))
    return (built = { reason: `no Moddable SDK (xs/ sources) at ${sdk}; set MODDABLE` });
  if (spawnSync("gcc", ["--version"]).status !== 0 || spawnSync("make", ["--version"]).status !== 0)
    return (built = { reason: "no gcc/make to build the XS test host" });
  const stale = !fs.existsSync(BINARY) || SOURCES().some((s) => fs.statSync(s).mtimeMs > fs.statSync(BINARY).mtimeMs);
  if (stale) {
    const r = spawnSync("sh", [path.join(repoRoot, "scripts/build-xs-host.sh"), XSH_DIR], {
      encoding: "utf8",
      timeout: 600000,
    });
    if (r.status !== 0) throw new Error(`building the XS test host failed:\n${r.stderr}`);
  }
  return (built = { path: BINARY });
}

/** The RV32 host (scripts/build-xs-rv32.sh): XS for bare-metal rv32imc, run under qemu-system-riscv32. */
export const RV32_DIR = path.join(repoRoot, ".cache", "xs-rv32");
const RV32_ELF = path.join(RV32_DIR, "bd450-rv32.elf");
const RV32_SOURCES = () => [
  path.join(repoRoot, "scripts/build-xs-rv32.sh"),
  path.join(repoRoot, "hosttest/xs/native/rv32/bd450-rv32.c"),
  path.join(repoRoot, "hosttest/xs/native/rv32/xs-rv32.h"),
  path.join(repoRoot, "hosttest/xs/native/bd450-natives.h"),
  path.join(repoRoot, "hosttest/xs/native/xsh-write-file.h"),
  path.join(repoRoot, "src/native/bytes.c"),
  path.join(repoRoot, "src/native/fixes.c"),
  path.join(repoRoot, "src/native/bd450-parse.h"),
];
const PICOLIBC_SPECS = "/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs";

let builtRv32: { path?: string; reason?: string } | undefined;

/** Build the RV32 host once (cached in .cache/xs-rv32; rebuilt when a source is newer). */
export function rv32Binary(): { path?: string; reason?: string } {
  if (builtRv32) return builtRv32;
  const sdk = process.env.MODDABLE ?? path.resolve(repoRoot, "../shared/moddable-sdk");
  if (!fs.existsSync(path.join(sdk, "xs/sources/xsAll.h")))
    return (builtRv32 = { reason: `no Moddable SDK (xs/ sources) at ${sdk}; set MODDABLE` });
  const missing = [
    ["riscv64-unknown-elf-gcc", "gcc-riscv64-unknown-elf"],
    ["qemu-system-riscv32", "qemu-system-misc"],
    ["make", "make"],
  ].filter(([cmd]) => spawnSync(cmd, ["--version"]).status !== 0);
  if (!fs.existsSync(PICOLIBC_SPECS)) missing.push(["picolibc", "picolibc-riscv64-unknown-elf"]);
  if (missing.length)
    return (builtRv32 = {
      reason: `no ${missing.map(([c, p]) => `${c} (package ${p})`).join(", ")}: scripts/ensure-system-deps.sh installs them with root`,
    });
  const stale =
    !fs.existsSync(RV32_ELF) || RV32_SOURCES().some((s) => fs.statSync(s).mtimeMs > fs.statSync(RV32_ELF).mtimeMs);
  if (stale) {
    const r = spawnSync("nice", ["sh", path.join(repoRoot, "scripts/build-xs-rv32.sh"), RV32_DIR], {
      encoding: "utf8",
      timeout: 1200000,
    });
    if (r.status !== 0) throw new Error(`building the RV32 test host failed:\n${r.stderr}`);
  }
  return (builtRv32 = { path: RV32_ELF });
}

/**
 * The command line that runs the RV32 host on a script. -icount shift=0: QEMU
 * retires one guest instruction per virtual nanosecond and the minstret counter
 * reads the exact retired count (xsh.sanity checks it on a loop of known length);
 * semihosting carries the files and the output.
 */
export function rv32Command(elf: string, script: string): string[] {
  return [
    "qemu-system-riscv32",
    "-M",
    "virt",
    "-m",
    "256M",
    "-bios",
    "none",
    "-nographic",
    "-monitor",
    "none",
    "-serial",
    "none",
    "-icount",
    "shift=0",
    "-semihosting-config",
    `enable=on,target=native,arg=${script}`,
    "-kernel",
    elf,
  ];
}

let runs = 0;

/** Run a script on the host; returns what it printed. `wrap`: a command to run the host under (valgrind ...). */
export function runXsh(script: string, wrap: string[] = [], rv32 = false): string {
  const bin = rv32 ? rv32Binary() : xshBinary();
  if (!bin.path) throw new Error(bin.reason);
  const dir = rv32 ? RV32_DIR : XSH_DIR;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `run-${process.pid}-${runs++}.js`);
  fs.writeFileSync(file, script);
  try {
    const argv = rv32 ? rv32Command(bin.path, file) : [...wrap, bin.path, "-s", file];
    const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 1800000 });
    // QEMU writes the guest's semihosting console (its stdout and stderr) to its own stderr.
    if (rv32) {
      if (r.status !== 0) throw new Error(`XS host (RV32): exit ${r.status}\n${r.stderr.slice(-4000)}`);
      return r.stderr;
    }
    if (r.status !== 0 || (!wrap.length && /Error/.test(r.stderr)))
      throw new Error(`XS host: exit ${r.status}\n${r.stderr}\n${r.stdout.slice(-2000)}`);
    return r.stdout;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * A bundle for the host: the host's globals are captured into XSH (meter, files,
 * native helpers, gc, print) and removed, then bundle() removes what a board lacks.
 */
export function xshBundle(entries: string[], main: string): string {
  return (
    `const XSH = Object.freeze({ meter: xsh.meter, nativeMeter: xsh.nativeMeter, sanity: xsh.sanity, slots: xsh.slots, chunks: xsh.chunks, readFile: xsh.readFile, writeFile: xsh.writeFile, native: xsh.native, gc: $262.gc, print: print });
for (const name of ["xsh", "$262", "runScript", "unicodeCompare", "lockdown", "clearInterval", "clearTimeout", "setInterval", "setTimeout"]) delete globalThis[name];
` + bundle(entries, main)
  );
}

/** The native helpers as a ByteHelpers object (the names the board's src/native/bytes.js binds). */
export const NATIVE_BYTES_JS = `Object.freeze({
  scanText: XSH.native.xs_bd450_scan_text,
  frameText: XSH.native.xs_bd450_frame_text,
  chunkEnd: XSH.native.xs_bd450_chunk_end,
  escape: XSH.native.xs_bd450_escape,
  checkSentence: XSH.native.xs_bd450_check_sentence,
  xor: XSH.native.xs_bd450_xor,
  fieldIndex: XSH.native.xs_bd450_field_index,
  fieldIds: XSH.native.xs_bd450_field_ids,
  wholes: XSH.native.xs_bd450_wholes,
  decimal: XSH.native.xs_bd450_decimal,
  integer: XSH.native.xs_bd450_integer,
  writeLine: XSH.native.xs_bd450_write_line,
  tagBlock: XSH.native.xs_bd450_tag_block,
  forwardText: XSH.native.xs_bd450_forward_text,
  carrierLine: XSH.native.xs_bd450_carrier_line,
})`;

/** Length-prefixed records (u32 big-endian length + bytes). */
export function packRecords(list: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(list.reduce((n, m) => n + 4 + m.length, 0));
  let o = 0;
  for (const m of list) {
    out[o] = m.length >>> 24;
    out[o + 1] = (m.length >> 16) & 255;
    out[o + 2] = (m.length >> 8) & 255;
    out[o + 3] = m.length & 255;
    out.set(m, o + 4);
    o += 4 + m.length;
  }
  return out;
}

export function unpackRecords(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < b.length; ) {
    const n = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
    out.push(b.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return out;
}

export interface XshRunOptions extends RunOptions {
  /** Run the hot path's byte loops natively (src/native/bytes.c). */
  native?: boolean;
  /** Split the meter by stage (approximate: the wrappers cost units too). */
  profile?: boolean;
  /** Run the host under this command (e.g. valgrind). */
  wrap?: string[];
  /** Run on the RV32 host under QEMU: the meter counts RV32 instructions, not bytecodes. */
  rv32?: boolean;
}

/** Stages of the profile: [module id, class, method, stage]. */
const PROFILED: ReadonlyArray<readonly [string, string, string, string]> = [
  ["src/core/framer", "SentenceFramer", "feed", "framer"],
  ["src/core/router", "Router", "route", "router"],
  ["src/core/framer", "SentenceFramer", "endText", "framer: line end + sentence callbacks"],
  ["src/core/framer", "SentenceFramer", "reject", "framer: rejects"],
  ["src/core/gateway", "Gateway", "forward", "gateway forward"],
  ["src/beidou/fields", "Fields", "scan", "fields scan"],
  ["hosttest/xs/xs-host", "FifoSerial", "receive", "host UART"],
  ["src/core/encoder", "Iec450Encoder", "encode", "encoder"],
  ["src/core/encoder", "Iec450Encoder", "emit", "datagram out (encoder emit, gateway send, legacy copy)"],
  ["src/beidou/decoder", "SentenceDecoder", "decode", "decoders"],
  ["src/beidou/rdss40", "FrameDecoder", "decode", "decoders"],
  ["src/beidou/state", "DeviceState", "onSentence", "device state"],
  ["src/beidou/state", "DeviceState", "onFrame", "device state"],
  ["src/console/console", "Console", "terminalSentence", "console"],
];

function mainScript(messagesFile: string, repliesFile: string, o: XshRunOptions): string {
  return `
  const driver = require("hosttest/xs/xs-host").createHostDriver({
    flush(b) { flushed.push(b.slice(0)); },
    gc: XSH.gc,
    meter: XSH.meter,
    bytes: ${o.native ? NATIVE_BYTES_JS : "undefined"},
    fixes: ${o.native ? "XSH.native.xs_bd450_fix_apply" : "undefined"},
  });
  const flushed = [];
  const meter = XSH.meter;
  const acc = Object.create(null);
  let cur = "other", last = 0;
  const stack = [];
  ${
    o.profile
      ? `for (const [id, cls, name, stage] of ${JSON.stringify(PROFILED)}) {
    const C = require(id)[cls], f = C && C.prototype[name];
    if (typeof f !== "function") throw new Error("profile: no " + cls + ".prototype." + name);
    acc[stage] = 0;
    C.prototype[name] = function (a, b, c, d, e) {
      let t = meter(); acc[cur] = (acc[cur] || 0) + t - last; stack.push(cur); cur = stage; last = t;
      try { return f.call(this, a, b, c, d, e); }
      finally { t = meter(); acc[cur] += t - last; cur = stack.pop(); last = t; }
    };
  }`
      : ""
  }
  const input = new Uint8Array(XSH.readFile(${JSON.stringify(messagesFile)}));
  const replies = [], meters = [], natives = [], profiles = [], slots = [], chunks = [];
  const nativeMeter = XSH.nativeMeter || (() => 0);
  let size = 0;
  for (let at = 0; at < input.length;) {
    const n = ((input[at] << 24) | (input[at + 1] << 16) | (input[at + 2] << 8) | input[at + 3]) >>> 0;
    const m = input.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    for (const k in acc) acc[k] = 0;
    const s0 = XSH.slots(), c0 = XSH.chunks();
    const n0 = nativeMeter();
    const t0 = meter();
    last = t0; cur = "other";
    let reply = driver.handle(m);
    const t1 = meter();
    natives.push(nativeMeter() - n0);
    slots.push(XSH.slots() - s0);
    chunks.push(XSH.chunks() - c0);
    acc[cur] += t1 - last;
    meters.push(t1 - t0);
    ${o.profile ? "profiles.push(JSON.stringify(acc));" : ""}
    if (flushed.length) {
      let total = reply.length;
      for (const f of flushed) total += f.length;
      const all = new Uint8Array(total);
      let p = 0;
      for (const f of flushed) { all.set(f, p); p += f.length; }
      all.set(reply, p);
      reply = all;
      flushed.length = 0;
    }
    replies.push(reply.slice(0));
    size += 4 + reply.length;
  }
  const out = new Uint8Array(size);
  let p = 0;
  for (const r of replies) {
    out[p] = r.length >>> 24; out[p + 1] = (r.length >> 16) & 255; out[p + 2] = (r.length >> 8) & 255; out[p + 3] = r.length & 255;
    out.set(r, p + 4);
    p += 4 + r.length;
  }
  XSH.writeFile(${JSON.stringify(repliesFile)}, out.buffer);
  XSH.print(JSON.stringify({ meters, natives, slots, chunks, profiles: profiles.map((s) => JSON.parse(s)) }));`;
}

function initMessage(o: InitOptions): Uint8Array {
  const s = JSON.stringify(o);
  const m = new Uint8Array(1 + s.length);
  m[0] = OP_INIT;
  for (let i = 0; i < s.length; i++) m[1 + i] = s.charCodeAt(i);
  return m;
}

export interface XshRun {
  kinds: string[];
  replies: Uint8Array[];
  meters: number[];
  /** RV32 host: instructions inside the native helpers per command (0 elsewhere). */
  natives: number[];
  /** Slots and chunk bytes allocated per command (negative: a collection happened). */
  slots: number[];
  chunks: number[];
  profiles: Record<string, number>[];
}

/** The harness command sequence of drive() (xs-harness.ts), run in one go on the host. */
export function runCommandsOnXsh(chunks: Uint8Array[], o: XshRunOptions): XshRun {
  const { native: _n, profile: _p, chunksPerCommand: _c, loadBytes: _l, wrap: _w, rv32: _r, ...init } = o;
  const kinds: string[] = ["init"];
  const messages: Uint8Array[] = [initMessage(init)];
  for (const s of commandPlan(chunks, o)) {
    kinds.push(s.kind);
    messages.push(s.message);
  }
  kinds.push("tick", "stats");
  messages.push(new Uint8Array([OP_TICK, 0, 0, 3, 232]), new Uint8Array([OP_STATS]));
  return runMessagesOnXsh(kinds, messages, o);
}

/** Any command sequence for the host driver, in one run of the XS test host. */
export function runMessagesOnXsh(kinds: string[], messages: Uint8Array[], o: XshRunOptions): XshRun {
  const dir = o.rv32 ? RV32_DIR : XSH_DIR;
  fs.mkdirSync(dir, { recursive: true });
  const tag = `${process.pid}-${runs++}`;
  const inFile = path.join(dir, `in-${tag}.bin`),
    outFile = path.join(dir, `out-${tag}.bin`);
  fs.writeFileSync(inFile, packRecords(messages));
  try {
    const printed = runXsh(xshBundle(["hosttest/xs/xs-host"], mainScript(inFile, outFile, o)), o.wrap, o.rv32);
    const { meters, natives, slots, chunks, profiles } = JSON.parse(printed.trim().split("\n").pop()!);
    return {
      kinds,
      replies: unpackRecords(new Uint8Array(fs.readFileSync(outFile))),
      meters,
      natives,
      slots,
      chunks,
      profiles,
    };
  } finally {
    fs.rmSync(inFile, { force: true });
    fs.rmSync(outFile, { force: true });
  }
}

function jsonMessage(op: number, value: unknown): Uint8Array {
  const s = JSON.stringify(value);
  const m = new Uint8Array(1 + s.length);
  m[0] = op;
  for (let i = 0; i < s.length; i++) m[1 + i] = s.charCodeAt(i);
  return m;
}

/**
 * The firmware wiring fed in real time (xs-host.ts RealtimeOptions): `epochs` are
 * the terminal's bursts (one per epochMs), the receive buffer holds `capacity`
 * bytes. Returns the model's result and the gateway's stats.
 */
export function runRealtimeOnXsh(
  epochs: Uint8Array[],
  rt: Omit<RealtimeOptions, "epochs">,
  o: XshRunOptions = {},
): { result: RealtimeResult; stats: Record<string, any> } {
  const { native: _n, profile: _p, chunksPerCommand: _c, loadBytes: _l, wrap: _w, rv32: _r, ...init } = o;
  const all = concat(epochs);
  const load = new Uint8Array(1 + all.length);
  load[0] = OP_LOAD;
  load.set(all, 1);
  const r = runMessagesOnXsh(
    ["init", "load", "realtime", "stats"],
    [
      initMessage({ ...init, rxCapacity: rt.capacity, capture: false }),
      load,
      jsonMessage(OP_REALTIME, { ...rt, epochs: epochs.map((e) => e.length) }),
      new Uint8Array([OP_STATS]),
    ],
    o,
  );
  const text = (b: Uint8Array) => String.fromCharCode(...b);
  return { result: JSON.parse(text(r.replies[2])), stats: JSON.parse(text(r.replies[3])) };
}

/** The gateway on the XS test host: datagrams, UART output and stats, as runGatewayOnXs gives them. */
export function runGatewayOnXsh(
  chunks: Uint8Array[],
  o: XshRunOptions = {},
): { datagrams: Datagram[]; uartOut: Uint8Array[]; stats: Record<string, any> } {
  const r = runCommandsOnXsh(chunks, o);
  const datagrams: Datagram[] = [],
    uartOut: Uint8Array[] = [];
  r.kinds.forEach((k, i) => {
    if (o.capture !== false && (k === "feed" || k === "tick")) parseRecords(r.replies[i], datagrams, uartOut);
  });
  const statsBytes = r.replies[r.replies.length - 1];
  return { datagrams, uartOut, stats: JSON.parse(String.fromCharCode(...statsBytes)) };
}

function forwardedOf(reply: Uint8Array): number {
  return ((reply[0] << 24) | (reply[1] << 16) | (reply[2] << 8) | reply[3]) >>> 0;
}

export interface XshCompute {
  sentences: number;
  computePerSentence: number;
  /** RV32 host: of computePerSentence, the instructions inside the native helpers. */
  nativePerSentence: number;
  /** Allocation per sentence, host baseline subtracted (commands with a collection left out): slots, chunk bytes, ESP32 bytes (16-byte slots). */
  slotsPerSentence: number;
  chunkBytesPerSentence: number;
  bytesPerSentenceEsp32: number;
  /** Per-stage units per sentence (profile runs only; the wrappers' own cost spread over the stages). */
  stages?: Record<string, number>;
}

/**
 * Compute units per forwarded sentence on the host, as measureGatewayOnXs takes
 * them: FEED commands after a 20 % warm-up, minus the same commands in discard
 * mode (the host draining and dropping the bytes).
 */
export function computeOnXsh(chunks: Uint8Array[], o: XshRunOptions = {}): XshCompute {
  const gw = runCommandsOnXsh(chunks, { ...o, capture: false, mode: "gateway" });
  const base = runCommandsOnXsh(chunks, { ...o, profile: false, capture: false, mode: "discard" });
  const feeds = gw.kinds.map((k, i) => (k === "feed" ? i : -1)).filter((i) => i >= 0);
  const from = Math.floor(feeds.length * 0.2);
  let compute = 0,
    native = 0,
    sentences = 0,
    slots = 0,
    chunkBytes = 0,
    allocSentences = 0;
  const stages: Record<string, number> = {};
  let prevForwarded = forwardedOf(gw.replies[feeds[from - 1] ?? feeds[0]]);
  for (let j = from; j < feeds.length; j++) {
    const i = feeds[j];
    compute += gw.meters[i] - base.meters[i];
    native += gw.natives[i] - base.natives[i];
    const f = forwardedOf(gw.replies[i]);
    sentences += f - prevForwarded;
    if (gw.slots[i] >= 0 && base.slots[i] >= 0 && gw.chunks[i] >= 0 && base.chunks[i] >= 0) {
      slots += gw.slots[i] - base.slots[i];
      chunkBytes += gw.chunks[i] - base.chunks[i];
      allocSentences += f - prevForwarded;
    }
    prevForwarded = f;
    if (o.profile) {
      for (const [k, v] of Object.entries(gw.profiles[i])) stages[k] = (stages[k] ?? 0) + v;
      stages.other = (stages.other ?? 0) - base.meters[i];
    }
  }
  const sp = allocSentences ? slots / allocSentences : 0,
    cp = allocSentences ? chunkBytes / allocSentences : 0;
  const out: XshCompute = {
    sentences,
    computePerSentence: sentences ? compute / sentences : 0,
    nativePerSentence: sentences ? native / sentences : 0,
    slotsPerSentence: sp,
    chunkBytesPerSentence: cp,
    bytesPerSentenceEsp32: sp * 16 + cp,
  };
  if (o.profile)
    out.stages = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(v / sentences)]));
  return out;
}

/** A terminal's 1 Hz output: `perEpoch` checksum-valid corpus sentences (<= 80 bytes) per epoch, sent back to back. */
export function epochStream(epochs: number, perEpoch = 16): Uint8Array[] {
  const dir = NMEA_CORPUS;
  const sentences: string[] = [];
  const framer = new SentenceFramer({
    onSentence(b, n) {
      if (n <= 80) sentences.push(Buffer.from(b.subarray(0, n)).toString("latin1"));
    },
  });
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .sort())
    framer.feed(new Uint8Array(fs.readFileSync(path.join(dir, f))));
  const out: Uint8Array[] = [];
  for (let e = 0; e < epochs; e++)
    out.push(
      new Uint8Array(
        Buffer.from(
          sentences
            .slice(e * perEpoch, (e + 1) * perEpoch)
            .map((s) => s + "\r\n")
            .join(""),
          "latin1",
        ),
      ),
    );
  return out;
}
