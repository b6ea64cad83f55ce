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

import { Gateway } from "../../src/core/gateway";
import { makeConfig, type GatewayConfig } from "../../src/core/config";
import type {
  ByteBuffer, Clock, Datagram, SerialInstance, SerialOptions, SettingsStore, Timers, UDPInstance, UDPOptions,
} from "../../src/core/io";
import { App } from "../../src/app/assemble";
import { loadSettings } from "../../src/console/persist";

export const OP_INIT = 1;
export const OP_LOAD = 2;
export const OP_FEED = 3;
export const OP_TICK = 4;
export const OP_STATS = 5;
export const OP_GC = 6;
export const OP_CLEAR = 7;
export const OP_FILL = 8;

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
}

/** Settings in memory (the console needs a store; nothing is persisted here). */
class MemorySettings implements SettingsStore {
  private readonly map = new Map<string, string | number | boolean>();
  get(key: string) { return this.map.get(key); }
  set(key: string, value: string | number | boolean) { this.map.set(key, value); }
  delete(key: string) { this.map.delete(key); }
  keys() { return [...this.map.keys()]; }
  commit() { /* in memory */ }
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
      out[o++] = 0x5c; out[o++] = 0x75;
      out[o++] = hex.charCodeAt((c >> 12) & 15); out[o++] = hex.charCodeAt((c >> 8) & 15);
      out[o++] = hex.charCodeAt((c >> 4) & 15); out[o++] = hex.charCodeAt(c & 15);
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
  constructor(private clock: ManualClock) {}
  set(callback: () => void, interval: number, repeat: boolean): unknown {
    const t: ManualTimer = { due: this.clock.elapsed + interval, interval, repeat, callback, live: true };
    this.list.push(t);
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
    let w = 0;
    for (let i = 0; i < list.length; i++) if (list[i].live) list[w++] = list[i];
    if (w !== list.length) list.length = w;
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
    b[at + 1] = n >> 8; b[at + 2] = n & 0xff;
    b[at + 3] = port >> 8; b[at + 4] = port & 0xff;
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

  readonly rx = new Uint8Array(FIFO_SIZE);
  rxCount = 0;
  rxOverflow = 0;
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

  read(buffer: Uint8Array): number | undefined {
    const n = this.rxCount < buffer.length ? this.rxCount : buffer.length;
    if (n === 0) return undefined;
    const rx = this.rx;
    for (let i = 0; i < n; i++) buffer[i] = rx[i];
    // Keep what did not fit at the front (rare: reader buffers are larger than the FIFO).
    for (let i = n; i < this.rxCount; i++) rx[i - n] = rx[i];
    this.rxCount -= n;
    return n;
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
    let i = start;
    while (i < end) {
      if (this.closed) return;
      while (i < end && this.rxCount < FIFO_SIZE) this.rx[this.rxCount++] = input[i++];
      if (i < end && this.rxCount === FIFO_SIZE) this.interrupt();
      // A reader that did not drain a full FIFO loses the rest, as the UART would.
      if (i < end && this.rxCount === FIFO_SIZE) {
        this.rxOverflow += end - i;
        i = end;
      }
    }
    if (this.rxCount > 0) this.interrupt();
  }

  private interrupt(): void {
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

  static reset(): void {
    portsInUse.length = 0;
    FifoSerial.current = undefined;
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
      port, receive: 3, transmit: 1, baud, format: "buffer",
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
    const clock = this.clock, timers = this.timers;
    const serial = { io: FifoSerial, port, receive: 3, transmit: 1, baud: this.baud };
    const log = (line: string) => {
      this.logLines++;
      this.logHash = fnv(this.logHash, line);
    };
    if (o.firmware === false) {
      // Core only: the calibration baseline, no decoders, network side or console.
      this.gateway = new Gateway({ serial, udp: { io: OutboxUDP }, config, clock, timers, log });
      this.gateway.start();
      return;
    }
    // The whole firmware, assembled as src/platform/moddable/main.ts does.
    const store = new MemorySettings();
    const app = new App({
      config, settings: { store, loaded: loadSettings(store) }, clock, timers, log, serial, udp: { io: OutboxUDP },
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
      r[0] = forwarded >>> 24; r[1] = (forwarded >> 16) & 0xff; r[2] = (forwarded >> 8) & 0xff; r[3] = forwarded & 0xff;
      const w = OutboxUDP.written;
      r[4] = w >>> 24; r[5] = (w >> 16) & 0xff; r[6] = (w >> 8) & 0xff; r[7] = w & 0xff;
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
