// The ECMA-419 host of the XS harness, and its command protocol.
//
// This module is bundled into the xsnap worker together with the core, and it is
// also required directly by Node for the reference run, so it must be as portable
// as the core: no Node, no TextDecoder, no setTimeout. The parent drives it with
// byte messages (w.issueCommand on the XS side, a plain call on Node); identical
// messages must give identical replies on both engines.
//
// Serial models the ESP32 UART as Moddable exposes it: a 128-byte RX FIFO,
// onReadable(count) when the FIFO fills or the line goes idle, read(buffer)
// returning what is there; a 128-byte TX FIFO whose write() throws "output full"
// rather than writing part of the data. UDP models embedded:io/socket/udp: write
// (buffer, address, port) with a numeric address. Datagrams go into a
// preallocated outbox, so the host adds no per-datagram garbage to the figures.

import { App } from "../../src/app/assemble";
import type { FixApply } from "../../src/beidou/wiring";
import { loadSettings } from "../../src/console/persist";
import type { ByteHelpers } from "../../src/core/bytes";
import { type GatewayConfig, makeConfig } from "../../src/core/config";
import { Gateway } from "../../src/core/gateway";
import type {
  ByteBuffer,
  Clock,
  Datagram,
  SerialInstance,
  SerialOptions,
  SettingsStore,
  Timers,
  UDPInstance,
  UDPOptions,
} from "../../src/core/io";

export const OP_INIT = 1;
export const OP_LOAD = 2;
export const OP_FEED = 3;
export const OP_TICK = 4;
export const OP_STATS = 5;
export const OP_GC = 6;
export const OP_CLEAR = 7;
export const OP_FILL = 8;
export const OP_REALTIME = 9;

export const REC_DATAGRAM = 1;
export const REC_UART_OUT = 2;
export const REC_COUNTERS = 3;

export const FIFO_SIZE = 128;
const OUTBOX_SIZE = 64 * 1024;
const MAX_RECORD = 8 + 16 + 1500;
const EMPTY = new Uint8Array(0);

/** Things only the harness preamble can give (captured before globals are removed). */
export interface HostHooks {
  /** Hand a full outbox to the parent mid-command (XS: issueCommand). */
  flush(bytes: Uint8Array): void;
  /** Force a garbage collection (XS gc(); absent on Node). */
  gc?(): void;
  /** The hot path's byte loops (the XS test host passes its native ones); default TypeScript. */
  bytes?: ByteHelpers;
  /** The Beidou wiring's native sentence path (src/native/fixes.c); default the JS path alone. */
  fixes?: FixApply;
  /** Compute units used so far (the XS test host's meter): needed by the real-time model. */
  meter?(): number;
}

/**
 * The real-time receive model (OP_REALTIME, XS test host only). The terminal sends
 * the loaded input as epochs: epoch k's bytes start at k * epochMs and follow at
 * the line rate (baud / 10 bytes per second, 8N1). Bytes wait in the receive
 * buffer (`capacity`: 128 = Moddable's ESP32 hardware FIFO, or the ring's size);
 * what arrives while it is full is lost. JS runs only between arrivals: an
 * onReadable callback (with the timers due) takes its metered units divided by
 * `unitsPerSecond` of time, during which bytes keep arriving; `stalls` add JS
 * busy time (a collection, a console command, a flash write) at given moments.
 * Pessimistic in one way: bytes that arrive during a callback are read only by the
 * next one (the real drain loop may read some of them sooner).
 */
export interface RealtimeOptions {
  unitsPerSecond: number;
  capacity: number;
  /** Byte length of each epoch of the loaded input. */
  epochs: number[];
  epochMs: number;
  /** onReadable when this many bytes wait (ESP32 RX-full threshold: 120), or the line has been idle one byte time. */
  threshold?: number;
  stalls?: { atMs: number; ms: number }[];
}

export interface RealtimeResult {
  lostBytes: number;
  overflowEvents: number;
  callbacks: number;
  /** JS busy time (callbacks + stalls) and the longest single busy stretch, ms. */
  busyMs: number;
  longestBusyMs: number;
  /** Most bytes waiting in the receive buffer at once. */
  peakBacklog: number;
  forwarded: number;
  endMs: number;
}

export interface InitOptions {
  /** Gateway config overrides. */
  config?: Partial<GatewayConfig>;
  /** "gateway" runs the core; "discard" drains the UART and drops the bytes (host overhead baseline). */
  mode?: "gateway" | "discard";
  /** Wall-clock start, ms since the Unix epoch. */
  epoch?: number;
  baud?: number;
  port?: number;
  /**
   * false: measurement mode. Datagrams are counted, not copied, and FEED answers
   * with one preallocated 8-byte reply (forwarded, datagrams), so that the host
   * allocates nothing per command beyond the command itself.
   */
  capture?: boolean;
  /**
   * true (default): wire the gateway as the firmware entry does (Beidou decoders and
   * device state on every unit, the console fed every sentence); false: core only.
   */
  firmware?: boolean;
  /** Receive buffer of the terminal UART (default 128, the ESP32 FIFO; the real-time model sets the ring's size). */
  rxCapacity?: number;
}

/** Settings in memory (the console needs a store; nothing is persisted here). */
class MemorySettings implements SettingsStore {
  private readonly map = new Map<string, string | number | boolean>();
  get(key: string) {
    return this.map.get(key);
  }
  set(key: string, value: string | number | boolean) {
    this.map.set(key, value);
  }
  delete(key: string) {
    this.map.delete(key);
  }
  keys() {
    return [...this.map.keys()];
  }
  commit() {
    /* in memory */
  }
}

function asciiString(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** JSON text as bytes; non-ASCII characters escaped so the bytes are plain ASCII. */
function jsonBytes(value: unknown): Uint8Array {
  const s = JSON.stringify(value);
  let n = 0;
  for (let i = 0; i < s.length; i++) n += s.charCodeAt(i) < 0x80 ? 1 : 6;
  const out = new Uint8Array(n);
  let o = 0;
  const hex = "0123456789abcdef";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) out[o++] = c;
    else {
      out[o++] = 0x5c;
      out[o++] = 0x75;
      out[o++] = hex.charCodeAt((c >> 12) & 15);
      out[o++] = hex.charCodeAt((c >> 8) & 15);
      out[o++] = hex.charCodeAt((c >> 4) & 15);
      out[o++] = hex.charCodeAt(c & 15);
    }
  }
  return out;
}

function bytesOf(data: ByteBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** Clock that only moves when the parent says so (reproducible c: TAG parameters). */
export class ManualClock implements Clock {
  elapsed = 0;
  constructor(public epoch: number) {}
  now(): number {
    return this.epoch + Math.floor(this.elapsed);
  }
  monotonic(): number {
    return Math.floor(this.elapsed);
  }
}

interface ManualTimer {
  due: number;
  interval: number;
  repeat: boolean;
  callback: () => void;
  live: boolean;
}

export class ManualTimers implements Timers {
  private list: ManualTimer[] = [];
  /** Earliest due time of a live timer (a lower bound: cleared timers are dropped at the next run). */
  private nextDue = Infinity;
  constructor(private clock: ManualClock) {}
  set(callback: () => void, interval: number, repeat: boolean): unknown {
    const t: ManualTimer = { due: this.clock.elapsed + interval, interval, repeat, callback, live: true };
    this.list.push(t);
    if (t.due < this.nextDue) this.nextDue = t.due;
    return t;
  }
  clear(handle: unknown): void {
    const t = handle as ManualTimer | undefined;
    if (t) t.live = false;
  }
  /**
   * Fire every timer due at the current time, in due order. Runs after every UART
   * chunk, so it allocates nothing (no for...of iterator, no filtered copy): a
   * board's timers are native, and the host must not add garbage to the figures.
   */
  run(): void {
    // Nothing due: return at once (a board's timers are native and cost JS nothing
    // until they fire; this runs after every UART chunk).
    if (this.clock.elapsed < this.nextDue) return;
    const list = this.list;
    for (;;) {
      let next: ManualTimer | undefined;
      for (let i = 0; i < list.length; i++) {
        const t = list[i];
        if (t.live && t.due <= this.clock.elapsed && (!next || t.due < next.due)) next = t;
      }
      if (!next) break;
      if (next.repeat) next.due += Math.max(1, next.interval);
      else next.live = false;
      next.callback();
    }
    // Drop dead timers in place (a callback may have added timers to the same list).
    let w = 0,
      due = Infinity;
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (t.live) {
        list[w++] = t;
        if (t.due < due) due = t.due;
      }
    }
    if (w !== list.length) list.length = w;
    this.nextDue = due;
  }
}

/** Length-prefixed records in one preallocated buffer. */
export class Outbox {
  /** Allocated on first use, so that the live heap of the loaded modules excludes it. */
  buffer = EMPTY;
  length = 0;
  records = 0;
  constructor(private hooks: HostHooks) {}

  private reserve(n: number): number {
    if (this.buffer === EMPTY) this.buffer = new Uint8Array(OUTBOX_SIZE);
    if (this.length + n > this.buffer.length) {
      this.hooks.flush(this.buffer.subarray(0, this.length));
      this.length = 0;
    }
    const at = this.length;
    this.length += n;
    this.records++;
    return at;
  }

  /** [type][len u16][port u16][alen u8][address][data] */
  add(type: number, data: Uint8Array, address: string, port: number): void {
    const n = data.length;
    if (n > MAX_RECORD) throw new RangeError("record too long");
    const at = this.reserve(6 + address.length + n);
    const b = this.buffer;
    b[at] = type;
    b[at + 1] = n >> 8;
    b[at + 2] = n & 0xff;
    b[at + 3] = port >> 8;
    b[at + 4] = port & 0xff;
    b[at + 5] = address.length;
    let o = at + 6;
    for (let i = 0; i < address.length; i++) b[o++] = address.charCodeAt(i);
    for (let i = 0; i < n; i++) b[o++] = data[i];
  }

  take(): Uint8Array {
    const out = this.buffer.slice(0, this.length);
    this.length = 0;
    this.records = 0;
    return out;
  }
}

const portsInUse: boolean[] = [];

/** ESP32 UART as embedded:io/serial presents it (buffer format only). */
export class FifoSerial implements SerialInstance {
  static outbox: Outbox | undefined;
  /** The instance the parent feeds (the last one opened). */
  static current: FifoSerial | undefined;
  /** Receive buffer of the next instance: 128 (the ESP32 FIFO), or a ring's size in the real-time model. */
  static capacity = FIFO_SIZE;
  /** Units the host's own read() copies cost (excluded from the gateway's time in the real-time model). */
  static meter: (() => number) | undefined;
  static readUnits = 0;

  /** Receive buffer as a ring: rxHead is the oldest byte. */
  readonly rx = new Uint8Array(FifoSerial.capacity);
  private rxHead = 0;
  rxCount = 0;
  rxOverflow = 0;
  /** Times bytes were lost (the driver's overflow counter the gateway reports). */
  overflowEvents = 0;
  txFree = FIFO_SIZE;
  private readonly tx = new Uint8Array(FIFO_SIZE);
  private txCount = 0;
  private readonly port: number;
  private closed = false;
  private readonly options: SerialOptions;

  constructor(options: SerialOptions) {
    const port = options.port ?? 0;
    if ((port | 0) !== port || port < 0 || port > 2) throw new RangeError("invalid port");
    if (!(options.baud >= 1 && options.baud <= 20000000)) throw new RangeError("invalid baud");
    if (options.receive === undefined && options.transmit === undefined) throw new Error("invalid");
    if (options.format !== undefined && options.format !== "buffer") throw new RangeError("invalid format");
    if (portsInUse[port]) throw new RangeError("port in use");
    portsInUse[port] = true;
    this.port = port;
    this.options = options;
    FifoSerial.current = this;
  }

  /** Receive overflows so far: on the board, the ring driver's counter (src/native/esp32/serial-ring). */
  get overflow(): number {
    return this.overflowEvents;
  }

  read(buffer: Uint8Array): number | undefined {
    const n = this.rxCount < buffer.length ? this.rxCount : buffer.length;
    if (n === 0) return undefined;
    const m = FifoSerial.meter,
      u0 = m ? m() : 0;
    const rx = this.rx,
      size = rx.length;
    let h = this.rxHead;
    for (let i = 0; i < n; i++) {
      buffer[i] = rx[h];
      h = h + 1 === size ? 0 : h + 1;
    }
    this.rxHead = h;
    this.rxCount -= n;
    if (m) FifoSerial.readUnits += m() - u0;
    return n;
  }

  /** Bytes arrive in the receive buffer; what does not fit is lost. Returns the bytes lost. */
  arrive(input: Uint8Array, start: number, end: number): number {
    const rx = this.rx,
      size = rx.length;
    let i = start,
      t = this.rxHead + this.rxCount;
    if (t >= size) t -= size;
    while (i < end && this.rxCount < size) {
      rx[t] = input[i++];
      t = t + 1 === size ? 0 : t + 1;
      this.rxCount++;
    }
    const lost = end - i;
    if (lost > 0) {
      this.rxOverflow += lost;
      this.overflowEvents++;
    }
    return lost;
  }

  write(data: ByteBuffer): void {
    if (this.closed) throw new Error("closed");
    const b = bytesOf(data);
    if (b.length > this.txFree) throw new Error("output full");
    for (let i = 0; i < b.length; i++) this.tx[this.txCount++] = b[i];
    this.txFree -= b.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    portsInUse[this.port] = false;
    if (FifoSerial.current === this) FifoSerial.current = undefined;
  }

  /** Line bytes arrive: fill the FIFO, interrupt when full and at the end (idle timeout). */
  receive(input: Uint8Array, start: number, end: number): void {
    const size = this.rx.length;
    let i = start;
    while (i < end) {
      if (this.closed) return;
      const room = size - this.rxCount;
      const n = end - i < room ? end - i : room;
      this.arrive(input, i, i + n);
      i += n;
      if (i < end && this.rxCount === size) this.interrupt();
      // A reader that did not drain a full FIFO loses the rest, as the UART would.
      if (i < end && this.rxCount === size) {
        this.arrive(input, i, end);
        i = end;
      }
    }
    if (this.rxCount > 0) this.interrupt();
  }

  interrupt(): void {
    const cb = this.options.onReadable;
    if (cb && !this.closed) cb.call(this, this.rxCount);
  }

  /** The TX FIFO empties onto the line; tell the writer how much room there is. */
  drainTx(outbox: Outbox): void {
    if (this.txCount > 0) {
      outbox.add(REC_UART_OUT, this.tx.subarray(0, this.txCount), "", this.port);
      this.txCount = 0;
    }
    this.txFree = FIFO_SIZE;
    const cb = this.options.onWritable;
    if (cb && !this.closed) cb.call(this, this.txFree);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  static reset(): void {
    portsInUse.length = 0;
    FifoSerial.current = undefined;
    FifoSerial.capacity = FIFO_SIZE;
    FifoSerial.readUnits = 0;
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** embedded:io/socket/udp with its datagrams captured in the outbox. */
export class OutboxUDP implements UDPInstance {
  static outbox: Outbox | undefined;
  /** Measurement mode: count only (the board's native send costs no JS work). */
  static capture = true;
  static written = 0;
  readonly groups: string[] = [];
  private closed = false;

  constructor(options: UDPOptions) {
    const port = options.port ?? 0;
    if ((port | 0) !== port || port < 0 || port > 65535) throw new RangeError("invalid port");
    const ttl = options.timeToLive;
    if (ttl !== undefined && ((ttl | 0) !== ttl || ttl < 1 || ttl > 255)) throw new RangeError("invalid timeToLive");
  }

  write(data: ByteBuffer, address: string, port: number): void {
    if (this.closed) throw new Error("closed");
    OutboxUDP.written++;
    if (!OutboxUDP.capture) return;
    if (!IPV4.test(address)) throw new RangeError("invalid IP address");
    if ((port | 0) !== port || port < 1 || port > 65535) throw new RangeError("invalid port");
    OutboxUDP.outbox!.add(REC_DATAGRAM, bytesOf(data), address, port);
  }

  read(): Datagram | undefined {
    return undefined;
  }

  add(group: string): void {
    if (!IPV4.test(group)) throw new RangeError("invalid IP address");
    if (this.groups.indexOf(group) < 0) this.groups.push(group);
  }

  remove(group: string): void {
    const i = this.groups.indexOf(group);
    if (i >= 0) this.groups.splice(i, 1);
  }

  close(): void {
    this.closed = true;
  }
}

/** Drains the UART into a scratch buffer and drops the bytes: the host's own cost. */
class DiscardReader {
  private readonly rx = new Uint8Array(512);
  bytes = 0;
  constructor(serial: typeof FifoSerial, baud: number, port: number) {
    const self = this;
    new serial({
      port,
      receive: 3,
      transmit: 1,
      baud,
      format: "buffer",
      onReadable() {
        for (;;) {
          const n = this.read(self.rx);
          if (!n) break;
          self.bytes += n;
        }
      },
    });
  }
}

function readU32(m: Uint8Array, at: number): number {
  return ((m[at] << 24) | (m[at + 1] << 16) | (m[at + 2] << 8) | m[at + 3]) >>> 0;
}

/** Allocations that are unreachable as soon as these return. */
function dropBuffer(n: number): void {
  new ArrayBuffer(n);
}
function dropObjects(n: number): void {
  let o: unknown;
  for (let i = 0; i < n; i++) o = { i };
  void o;
}

const charCodeAt = String.prototype.charCodeAt;

/** FNV-1a over a string; charCodeAt.call: on XS s.charCodeAt/s.length make a wrapper object each. */
function fnv(h: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    h ^= charCodeAt.call(s, i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

export class HostDriver {
  private readonly hooks: HostHooks;
  private outbox: Outbox;
  private input = new Uint8Array(0);
  private inputLength = 0;
  private inputPos = 0;
  private clock = new ManualClock(0);
  private timers = new ManualTimers(this.clock);
  private baud = 115200;
  private gateway: Gateway | undefined;
  private discard: DiscardReader | undefined;
  private logLines = 0;
  private logHash = 2166136261;
  private consoleBytes = 0;
  private consoleHash = 2166136261;
  private detach: (() => void) | undefined;
  private capture = true;
  private readonly counterReply = new Uint8Array(8);
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: only holds heap for the chunk probe (fill)
  private filler: ArrayBuffer | undefined;

  constructor(hooks: HostHooks) {
    this.hooks = hooks;
    this.outbox = new Outbox(hooks);
    FifoSerial.outbox = this.outbox;
    OutboxUDP.outbox = this.outbox;
  }

  handle(message: Uint8Array): Uint8Array {
    switch (message[0]) {
      case OP_INIT:
        this.init(JSON.parse(asciiString(message, 1, message.length)) as InitOptions);
        return EMPTY;
      case OP_LOAD:
        this.load(message, 1);
        return EMPTY;
      case OP_CLEAR:
        this.input = new Uint8Array(0);
        this.inputLength = this.inputPos = 0;
        return EMPTY;
      case OP_FEED:
        return this.feed(message);
      case OP_TICK:
        return this.tick(readU32(message, 1));
      case OP_STATS:
        return jsonBytes(this.stats());
      case OP_GC:
        if (this.hooks.gc) this.hooks.gc();
        return EMPTY;
      case OP_FILL:
        this.fill(readU32(message, 1), readU32(message, 5));
        return EMPTY;
      case OP_REALTIME:
        return jsonBytes(this.realtime(JSON.parse(asciiString(message, 1, message.length)) as RealtimeOptions));
      default:
        throw new RangeError("unknown harness command " + message[0]);
    }
  }

  private init(o: InitOptions): void {
    if (this.detach) this.detach();
    else if (this.gateway) this.gateway.stop();
    this.detach = undefined;
    this.consoleBytes = 0;
    this.consoleHash = 2166136261;
    FifoSerial.reset();
    if (o.rxCapacity) FifoSerial.capacity = o.rxCapacity;
    FifoSerial.meter = this.hooks.meter;
    this.clock = new ManualClock(o.epoch ?? 1767225600000);
    this.timers = new ManualTimers(this.clock);
    this.baud = o.baud ?? 115200;
    this.logLines = 0;
    this.logHash = 2166136261;
    this.gateway = undefined;
    this.discard = undefined;
    this.capture = o.capture !== false;
    OutboxUDP.capture = this.capture;
    OutboxUDP.written = 0;
    const port = o.port ?? 0;
    if (o.mode === "discard") {
      this.discard = new DiscardReader(FifoSerial, this.baud, port);
      return;
    }
    const config = makeConfig(o.config);
    const clock = this.clock,
      timers = this.timers;
    const serial = { io: FifoSerial, port, receive: 3, transmit: 1, baud: this.baud };
    const log = (line: string) => {
      this.logLines++;
      this.logHash = fnv(this.logHash, line);
    };
    if (o.firmware === false) {
      // Core only: the calibration baseline, no decoders, network side or console.
      this.gateway = new Gateway({
        serial,
        udp: { io: OutboxUDP },
        config,
        clock,
        timers,
        log,
        bytes: this.hooks.bytes,
      });
      this.gateway.start();
      return;
    }
    // The whole firmware, assembled as src/platform/moddable/main.ts does: the gateway on
    // the (there terminal-corrected) wall clock, the rest on a clock of its own (here the
    // same time through another object, so that each is read as often as on the board).
    const store = new MemorySettings();
    const ageClock = { now: () => clock.now(), monotonic: () => clock.monotonic() };
    const app = new App({
      config,
      settings: { store, loaded: loadSettings(store) },
      clock: ageClock,
      utcClock: clock,
      timers,
      log,
      serial,
      udp: { io: OutboxUDP },
      bytes: this.hooks.bytes,
      beidou: { fixes: this.hooks.fixes },
      platform: { reboot: () => undefined },
      console: {
        banner: "bd450 console",
        channel: {
          connect: () => undefined, // the harness types nothing at the console
          write: (b) => {
            this.consoleBytes += b.length;
            for (let i = 0; i < b.length; i++) this.consoleHash = Math.imul(this.consoleHash ^ b[i], 16777619) >>> 0;
          },
        },
      },
    });
    this.gateway = app.gateway;
    this.detach = () => app.stop();
    app.start();
  }

  private load(message: Uint8Array, start: number): void {
    const n = message.length - start;
    if (this.inputLength + n > this.input.length) {
      const grown = new Uint8Array(Math.max(this.inputLength + n, this.input.length * 2));
      grown.set(this.input.subarray(0, this.inputLength));
      this.input = grown;
    }
    this.input.set(message.subarray(start), this.inputLength);
    this.inputLength += n;
  }

  /** [op][count u16][size u16]*count: deliver the next chunks of the loaded input. */
  private feed(m: Uint8Array): Uint8Array {
    const count = (m[1] << 8) | m[2];
    const serial = FifoSerial.current;
    for (let k = 0; k < count; k++) {
      const size = (m[3 + 2 * k] << 8) | m[4 + 2 * k];
      const end = this.inputPos + size > this.inputLength ? this.inputLength : this.inputPos + size;
      // The line takes 10 bit times per byte (8N1) to deliver the chunk.
      this.clock.elapsed += ((end - this.inputPos) * 10000) / this.baud;
      if (serial) serial.receive(this.input, this.inputPos, end);
      this.inputPos = end;
      this.timers.run();
    }
    const forwarded = this.gateway ? this.gateway.counters.forwarded : 0;
    if (!this.capture) {
      this.outbox.length = 0;
      const r = this.counterReply;
      r[0] = forwarded >>> 24;
      r[1] = (forwarded >> 16) & 0xff;
      r[2] = (forwarded >> 8) & 0xff;
      r[3] = forwarded & 0xff;
      const w = OutboxUDP.written;
      r[4] = w >>> 24;
      r[5] = (w >> 16) & 0xff;
      r[6] = (w >> 8) & 0xff;
      r[7] = w & 0xff;
      return r;
    }
    return this.outbox.take();
  }

  /**
   * Chunk-heap probe for the harness: drop the previous filler, collect, leave
   * `garbage` unreachable chunk bytes and 1000 unreachable objects (so that a
   * later collection shows as a fall of the slot count), then hold `size` bytes.
   * A filler that does not fit the free chunk space forces a collection.
   */
  private fill(size: number, garbage: number): void {
    this.filler = undefined;
    if (this.hooks.gc) this.hooks.gc();
    if (garbage > 0) dropBuffer(garbage);
    dropObjects(1000);
    this.filler = size > 0 ? new ArrayBuffer(size) : undefined;
  }

  /** Deliver the loaded input in real time (see RealtimeOptions). */
  private realtime(o: RealtimeOptions): RealtimeResult {
    const serial = FifoSerial.current;
    const meter = this.hooks.meter;
    if (!serial || !meter) throw new Error("real-time model: needs an open serial port and the host meter");
    if (serial.rx.length !== o.capacity) throw new RangeError("real-time model: INIT rxCapacity must equal capacity");
    const rate = this.baud / 10 / 1000; // bytes per ms
    const threshold = o.threshold ?? 120;
    const stalls = o.stalls ?? [];
    const r: RealtimeResult = {
      lostBytes: 0,
      overflowEvents: 0,
      callbacks: 0,
      busyMs: 0,
      longestBusyMs: 0,
      peakBacklog: 0,
      forwarded: 0,
      endMs: 0,
    };
    const epochs = o.epochs;
    // Byte i of epoch k (starting at input offset start[k]) arrives at k * epochMs + (i + 1) / rate.
    let k = 0,
      inEpoch = 0,
      pos = 0,
      stall = 0;
    let t = 0;
    const start0 = this.inputPos;
    const arrivedBy = (now: number): void => {
      while (k < epochs.length) {
        const due = Math.floor((now - k * o.epochMs) * rate);
        const upTo = due < epochs[k] ? due : epochs[k];
        if (upTo > inEpoch) {
          r.lostBytes += serial.arrive(this.input, start0 + pos, start0 + pos + upTo - inEpoch);
          pos += upTo - inEpoch;
          inEpoch = upTo;
        }
        if (inEpoch < epochs[k]) return;
        k++;
        inEpoch = 0;
      }
    };
    for (;;) {
      arrivedBy(t);
      if (serial.rxCount > r.peakBacklog) r.peakBacklog = serial.rxCount;
      if (stall < stalls.length && stalls[stall].atMs <= t) {
        const ms = stalls[stall++].ms;
        t += ms;
        r.busyMs += ms;
        if (ms > r.longestBusyMs) r.longestBusyMs = ms;
        continue;
      }
      if (serial.rxCount === 0 || (serial.rxCount < threshold && k < epochs.length && inEpoch > 0)) {
        // JS idle: wake at the threshold, the idle timeout after an epoch's last byte, the next epoch or stall.
        if (k >= epochs.length) break;
        let wake: number;
        if (inEpoch > 0 || k * o.epochMs <= t) {
          const need = threshold - serial.rxCount;
          const left = epochs[k] - inEpoch;
          wake = k * o.epochMs + (inEpoch + (need < left ? need : left)) / rate + (need < left ? 0 : 1 / rate);
        } else wake = k * o.epochMs + 1 / rate;
        if (stall < stalls.length && stalls[stall].atMs < wake) wake = stalls[stall].atMs;
        t = wake > t ? wake : t + 1 / rate;
        continue;
      }
      // onReadable and the timers due, at the metered cost (the host's read copies excluded).
      this.clock.elapsed = t;
      const u0 = meter(),
        read0 = FifoSerial.readUnits;
      if (!serial.isClosed) serial.interrupt();
      this.timers.run();
      const units = meter() - u0 - (FifoSerial.readUnits - read0);
      const ms = (units / o.unitsPerSecond) * 1000;
      t += ms;
      r.busyMs += ms;
      if (ms > r.longestBusyMs) r.longestBusyMs = ms;
      r.callbacks++;
    }
    this.inputPos = start0 + pos;
    r.overflowEvents = serial.overflowEvents;
    r.forwarded = this.gateway ? this.gateway.counters.forwarded : 0;
    r.endMs = t;
    return r;
  }

  private tick(ms: number): Uint8Array {
    this.clock.elapsed += ms;
    this.timers.run();
    const serial = FifoSerial.current;
    if (serial) serial.drainTx(this.outbox);
    return this.outbox.take();
  }

  private stats(): Record<string, unknown> {
    const serial = FifoSerial.current;
    return {
      gateway: this.gateway ? this.gateway.snapshot() : undefined,
      discardBytes: this.discard ? this.discard.bytes : undefined,
      rxOverflow: serial ? serial.rxOverflow : 0,
      inputPos: this.inputPos,
      inputLength: this.inputLength,
      logLines: this.logLines,
      logHash: this.logHash,
      consoleBytes: this.consoleBytes,
      consoleHash: this.consoleHash,
      now: this.clock.now(),
    };
  }
}

/** Entry point used by both engines. */
export function createHostDriver(hooks: HostHooks): HostDriver {
  return new HostDriver(hooks);
}
