// The gateway: wires the two data paths of the SNGF (serial-to-network gateway
// function, IEC 61162-450 §4.5).
//
//   UART bytes -> framer -> (decoders via onUnit) -> router -> 450 encoder -> UDP
//   sendToTerminal(sentence) -> bounded UART output queue -> UART
//
// It takes its IO classes as options (ECMA-419 client-class pattern, like
// Moddable's DNS resolver takes `socket: {io: UDP}`), so the same code runs on the
// board (embedded:io/serial, embedded:io/socket/udp), on Node (adapters over
// serialport and dgram) and in the XS test harness.

import { asciiBytes } from "../nmea/checksum";
import { formatterKeyOf } from "../nmea/keys";
import {
  A_ASK,
  A_FORWARD,
  A_JS,
  A_SENT,
  A_SENT_UNIT,
  A_UNIT,
  addTally,
  type ByteHelpers,
  COUNT_ACCESSORS,
  COUNTS,
  F_ASK,
  F_FORWARD,
  F_QUIET,
  F_UNIT,
  FC_DATAGRAMS,
  FC_FORWARDED,
  FC_HEARD,
  FC_PER_GROUP,
  FRAME_MORE,
  FRAME_OTHER,
  FW_COUNTS,
  FW_N,
  FW_PENDING,
  FW_TALLY,
  forwardBlock,
  tsBytes,
} from "./bytes";
import type { GatewayConfig } from "./config";
import { type DatagramViews, type EncoderCounters, Iec450Encoder } from "./encoder";
import { EventLog } from "./eventlog";
import { FilterError, filterError, SentenceFilter } from "./filter";
import { type FramerCounters, REJECT_REASONS, type RejectReason, SentenceFramer } from "./framer";
import { BAM1, GROUP_COUNT, GROUPS } from "./groups";
import type {
  Clock,
  LogSink,
  SerialClass,
  SerialInstance,
  SerialOptions,
  Timers,
  UDPClass,
  UDPInstance,
  UDPOptions,
} from "./io";
import { Router, type Routes } from "./router";

/** A framed unit handed to onUnit. Rejects are only counted (framer counters): a callback each cost the board. */
export type UnitKind = "sentence" | "frame";

// Unit kinds as module constants: on XS a string literal in evaluated bytecode is
// copied into a new chunk each time it runs (XS_CODE_STRING), so the per-unit calls
// pass these instead of literals.
export const UNIT_SENTENCE: UnitKind = "sentence",
  UNIT_FRAME: UnitKind = "frame";

export interface GatewayCounters {
  /** Sentences forwarded to the encoder (valid text + converted 4.0 frames). */
  forwarded: number;
  /** Of those, the gateway's own: alerts and answers to network commands (not the terminal's). */
  own: number;
  /** Datagrams handed to the UDP socket, and those whose send failed. */
  datagrams: number;
  sendErrors: number;
  /** Datagrams per transmission group index (1..20). */
  perGroup: number[];
  /** 4.0 frames without a text form (not forwarded, but decoded and counted). */
  framesNotConverted: number;
  /** UART output: sentences queued, written, dropped (queue full, oldest dropped), bytes written. */
  uartQueued: number;
  uartWritten: number;
  uartDropped: number;
  uartBytes: number;
  /** Receive overflows reported by the serial driver (bytes lost before JS read them; src/native/esp32/serial-ring), taken from the driver when read. */
  uartRxOverflows: number;
  /** Serial device lost and reopened (host: terminal unplugged). */
  serialErrors: number;
  serialReopens: number;
  /** Sentences the output filter (outFilter) held back. */
  filtered: number;
  /** Sentences dropped by the maxRate ceiling, total and per transmission group index. */
  rateDropped: number;
  rateDroppedPerGroup: number[];
}

export interface GatewayOptions {
  /** ECMA-419 Serial class + its options; omit for offline use (feed()). */
  serial?: { io: SerialClass } & Omit<SerialOptions, "onReadable" | "onWritable" | "onError">;
  /** ECMA-419 UDP class + options for the sending socket; omit to use onDatagram only. */
  udp?: { io: UDPClass } & Omit<UDPOptions, "onReadable" | "onError">;
  config: GatewayConfig;
  clock: Clock;
  timers?: Timers;
  log?: LogSink;
  /** The system log, when the caller makes it (then `log` is not used); default: a 64-event ring feeding `log`. */
  events?: EventLog;
  /**
   * Every framed sentence and 4.0 frame, before routing: decoders and device state plug
   * in here. Rejects are counted in framerCounters (by reason), with no call each.
   * `now`: unitClock's now() read once for the UART read the unit came in (the gateway's
   * common path gives it; else undefined: read the clock). Return false when the call only
   * decoded: nothing the gateway's plain case depends on (settings, answers awaited,
   * filters) can have changed, so it does not ask again before forwarding the unit.
   */
  onUnit?(kind: UnitKind, bytes: Uint8Array, length: number, now?: number): unknown;
  /**
   * The clock of onUnit's `now` when it is not the gateway's: the board's gateway runs on the
   * terminal-corrected wall clock (c:), the device state on one that never steps under the
   * ages it measures (src/platform/moddable/main.ts). Default: `clock`.
   */
  unitClock?: Pick<Clock, "now">;
  /** RDSS 4.0 commands that begin a binary frame (FramerOptions.frameCommands: the Beidou layer's set). */
  frameCommands?: ReadonlySet<number>;
  /** Each reject, for tools and tests that look at them one by one (the firmware passes none: a call each costs the board). */
  onReject?(reason: RejectReason, bytes: Uint8Array, length: number): void;
  /**
   * RDSS 4.0 frame -> equivalent 2.1 text sentence written into `out`; returns its
   * length, or 0 when the frame has no text form.
   */
  convertFrame?(frame: Uint8Array, length: number, out: Uint8Array): number;
  /** Every datagram sent (after the socket write), with its group: for wrap, tests, pcap. */
  onDatagram?(bytes: Uint8Array, length: number, group: number): void;
  /** d: for a sentence from the terminal: answers to a network command go to the requesting SFI (src/core/net/answers.ts). */
  answers?: AnswerSource;
  /** Field limits of free-text sentences (EncoderOptions.fieldLimits; the Beidou wiring gives them). */
  fieldLimits?: Readonly<Record<string, number>>;
  /**
   * Sentences for the terminal sent at start-up and after the port is reopened, when the
   * config's startupCmds is on (without CR LF; the Beidou wiring gives them: src/beidou/wiring.ts).
   */
  startupCommands?: ReadonlyArray<Uint8Array> | (() => ReadonlyArray<Uint8Array>);
  /** Default groups of the decoded sentences (src/beidou/table.ts defaultRoutes); see Router. */
  routes?: Routes;
  /** How datagrams are handed to the socket: see EncoderOptions.datagramViews ("cache" on Node). */
  datagramViews?: DatagramViews;
  /** Delay before reopening a failed serial device, ms. */
  reopenDelay?: number;
  /** The hot path's byte loops: the board passes its native helpers (src/native/bytes.js); default TypeScript. */
  bytes?: ByteHelpers;
}

/** Where answers to network commands go (src/core/net/answers.ts AnswerRoutes). */
export interface AnswerSource {
  /** A command awaits its answer: only then is destinationFor asked (no call per sentence otherwise). */
  readonly waiting: boolean;
  /** d: for this sentence from the terminal, or undefined. */
  destinationFor(bytes: Uint8Array, length: number): string | undefined;
}

const RX_CHUNK = 512;

export class Gateway {
  // The fields the per-sentence path reads come first: on XS a `this.` field is found by
  // a walk along the instance's property list.
  /** The 64-bit counts of the forward block (src/core/bytes.ts FC_*): units heard, forwarded, datagrams, perGroup. */
  private readonly counts: Uint32Array;
  /** The forward block (src/core/bytes.ts FW_*): forwardText's state, lengths and counts. */
  private readonly block: Uint32Array;
  private udp?: UDPInstance;
  /** Monotonic ms of the last send failure, -1 when sending works. */
  private lastSendError = -1;
  private currentGroup = 0;
  private readonly rx = new Uint8Array(RX_CHUNK);
  /** Frame and forward bytes[start..end) (the UART reads and feed): see the constructor. */
  private readonly take: (bytes: Uint8Array, start: number, end: number) => void;
  readonly framer: SentenceFramer;
  readonly config: GatewayConfig;
  readonly encoder: Iec450Encoder;
  readonly router: Router;
  readonly events: EventLog;
  readonly counters: GatewayCounters;
  /** outFilter (terminal -> network) and inFilter (network commands -> terminal, used by netside.ts); set() installs new rules live. */
  readonly outFilter: SentenceFilter;
  readonly inFilter: SentenceFilter;
  /**
   * Monotonic ms of the last valid unit from the terminal (0: none yet), to the
   * resolution of the looks: units are counted, and the clock is read when someone
   * looks after new ones came (the network side looks once a second), not per unit.
   */
  get lastUnitTime(): number {
    const heard = this.counts[2 * FC_HEARD] + this.counts[2 * FC_HEARD + 1] * 4294967296;
    if (heard !== this.heardSeen) {
      this.heardSeen = heard;
      this.lastHeardAt = this.clock.monotonic();
    }
    return this.lastHeardAt;
  }
  readonly startTime: number;
  /** Byte loops shared by the framer, the encoder and the network side. */
  readonly bytes: ByteHelpers;

  private readonly options: GatewayOptions;
  private readonly answers: AnswerSource | undefined;
  private readonly clock: Clock;
  private serial?: SerialInstance;
  private readonly converted: Uint8Array;
  // maxRate: sentences counted per group in the current whole second of the clock
  // (made at the first use: maxRate is off by default, and each array costs heap slots).
  private rateSecond?: Float64Array;
  private rateCount?: Float64Array;
  private running = false;
  private heardSeen = 0;
  private lastHeardAt = 0;
  /** Serial port failed and not yet proven open again. */
  private serialDown = false;
  private reopenTimer: unknown;
  // UART output queue: ring of sentences, bounded by config.uartQueue.
  private readonly queue: Uint8Array[] = [];
  private writing?: Uint8Array;
  private writeOffset = 0;
  private writable = 0;
  /** The open serial instance's overflow count already added to counters.uartRxOverflows. */
  private rxOverflowSeen = 0;
  /** counters.uartRxOverflows (an accessor: see pollOverflow). */
  private rxOverflows = 0;

  constructor(options: GatewayOptions) {
    this.options = options;
    this.answers = options.answers;
    this.config = options.config;
    this.clock = options.clock;
    this.startTime = options.clock.monotonic();
    this.bytes = options.bytes ?? tsBytes;
    this.events =
      options.events ??
      new EventLog({ clock: options.clock, capacity: 64, onEvent: (e) => options.log?.(`${e.code}: ${e.text}`) });
    this.router = new Router(this.config.groupMap, options.routes);
    // The forward block: the state of the common path that bytes.forwardText runs in one
    // call per sentence (framer, route, encoder and the counts below).
    const limits = new Map<number, number>();
    for (const f of Object.keys(options.fieldLimits ?? {})) limits.set(formatterKeyOf(f), options.fieldLimits![f]);
    const block = (this.block = forwardBlock(this.router.defaults, limits)),
      blockBytes = new Uint8Array(block.buffer),
      counts = (this.counts = block.subarray(FW_COUNTS, FW_TALLY));
    // forwarded, datagrams and perGroup: accessors over the block's counts.
    const perGroup = new Array<number>(GROUP_COUNT + 1);
    Object.defineProperty(perGroup, COUNTS, { value: counts });
    for (let g = 0; g <= GROUP_COUNT; g++) Object.defineProperty(perGroup, g, COUNT_ACCESSORS[FC_PER_GROUP + g]);
    const counters = {} as GatewayCounters;
    Object.defineProperty(counters, COUNTS, { value: counts });
    Object.defineProperty(counters, "forwarded", COUNT_ACCESSORS[FC_FORWARDED]);
    counters.own = 0;
    Object.defineProperty(counters, "datagrams", COUNT_ACCESSORS[FC_DATAGRAMS]);
    this.counters = Object.assign(counters, {
      sendErrors: 0,
      perGroup,
      framesNotConverted: 0,
      uartQueued: 0,
      uartWritten: 0,
      uartDropped: 0,
      uartBytes: 0,
      serialErrors: 0,
      serialReopens: 0,
      filtered: 0,
      rateDropped: 0,
      rateDroppedPerGroup: new Array<number>(GROUP_COUNT + 1).fill(0),
    });
    Object.defineProperty(this.counters, "uartRxOverflows", {
      get: () => {
        this.pollOverflow();
        return this.rxOverflows;
      },
      set: (v: number) => {
        this.rxOverflows = v;
      },
      enumerable: true,
    });
    const onDatagram = options.onDatagram;
    this.send = (bytes, length) => {
      const group = this.currentGroup,
        g = GROUPS[group];
      addTally(counts, FC_DATAGRAMS, 1);
      addTally(counts, FC_PER_GROUP + group, 1);
      const udp = this.udp;
      if (udp !== undefined) {
        try {
          udp.write(bytes, g.address, g.port);
          if (this.lastSendError >= 0) this.sendRecovered();
        } catch (e) {
          this.sendFailed(e);
        }
      }
      if (onDatagram !== undefined) onDatagram(bytes, length, group);
    };
    this.outFilter = new SentenceFilter({ clock: this.clock, rules: this.config.outFilter });
    this.inFilter = new SentenceFilter({ clock: this.clock, rules: this.config.inFilter });
    this.converted = new Uint8Array(this.config.maxLine);
    this.encoder = new Iec450Encoder({
      ...this.config,
      clock: this.clock,
      datagramViews: options.datagramViews,
      bytes: this.bytes,
      fieldLimits: options.fieldLimits,
      onDatagram: this.send,
      block,
    });
    // What the per-sentence path reads, as closure variables (read by index on XS).
    const router = this.router,
      filter = this.outFilter,
      config = this.config,
      encoder = this.encoder,
      sized = encoder.sizedView,
      out = encoder.out,
      store = encoder.store,
      onUnit = options.onUnit,
      answers = options.answers;
    this.framer = new SentenceFramer({
      maxLength: this.config.maxLine,
      binaryFrames: this.config.rdss40,
      frameCommands: options.frameCommands,
      bytes: this.bytes,
      block,
      // Only the sentences the gateway's loop hands back to the framer come here (a start
      // character inside the line, a long line, flush): the common path is forwardText in
      // `take`, so these take forward() with no shortcut of their own.
      onSentence: (bytes, length) => {
        addTally(counts, FC_HEARD, 1);
        if (onUnit !== undefined) onUnit(UNIT_SENTENCE, bytes, length);
        this.forward(bytes, length, answers?.waiting ? answers.destinationFor(bytes, length) : undefined);
      },
      onFrame: (bytes, length) => {
        addTally(counts, FC_HEARD, 1);
        if (this.options.onUnit) this.options.onUnit(UNIT_FRAME, bytes, length);
        const c = this.converted;
        const n = this.options.convertFrame ? this.options.convertFrame(bytes, length, c) : 0;
        const a = this.answers;
        if (n > 0) this.forward(c, n, a?.waiting ? a.destinationFor(c, n) : undefined);
        else this.counters.framesNotConverted++;
      },
      onReject: options.onReject,
    });
    const framer = this.framer,
      buf = framer.buf,
      forwardText = this.bytes.forwardText,
      clock = this.clock,
      unitClock = options.unitClock ?? clock,
      onReject = options.onReject,
      // What forwardText does without asking: no onUnit to call first, no onReject per reject.
      fixedFlags = (onUnit !== undefined ? F_UNIT : 0) | (onReject === undefined ? F_QUIET : 0),
      addresses = GROUPS.map((g) => g.address),
      ports = GROUPS.map((g) => g.port);
    // The common path: one native call per sentence frames it and, in the plain case (no
    // answers awaited, override rules, output filter or maxRate: forward()'s checks), routes
    // it, writes its datagram and counts it; JS only hands the datagram to the socket, calls
    // onUnit, and takes the rest
    // (other paths of the framer, the router and the encoder: takeOther).
    // On XS the loop's cost is mostly its call: an arrow that uses `this` costs thousands
    // of RV32 instructions a call more than one that reads a variable (~5,600 here), and each
    // captured variable ~100 (so the actions it tests are local copies, not imports: an
    // import is a capture too, or in the test harness's CommonJS a property walk per use).
    const sent = A_SENT,
      sentUnit = A_SENT_UNIT,
      unit = A_UNIT,
      ask = A_ASK,
      more = FRAME_MORE;
    // biome-ignore lint/complexity/noUselessThisAlias: see above (`this` in the arrow below costs the board)
    const self = this;
    this.take = (bytes, start, end) => {
      // The clocks (c: and onUnit's `now`) and the plain case are asked at the read's first
      // sentence (A_ASK, or its A_UNIT), not per sentence nor per read (many reads end no
      // sentence): the clock costs ~2,700 RV32 instructions. The sentences of a read carry
      // the time of its first sentence (on the board within the read's processing; the
      // harness's clock moves per chunk, so there it is exact). What the plain case depends
      // on changes with settings, network commands and timers, not within a read, except in
      // an onUnit that did more than decode (it returns anything but false: asked again).
      let flags = fixedFlags | F_ASK,
        now = -1,
        seconds = -2,
        i = start;
      for (;;) {
        const r = forwardText(bytes, i, end, buf, blockBytes, out, store, seconds, flags);
        let a = r & 31;
        i += r >> 10;
        if (a === sent || a === sentUnit) {
          const g = (r >> 5) & 31,
            view = sized !== undefined ? sized : encoder.datagram(block[FW_N]),
            udp = self.udp;
          if (udp !== undefined) {
            try {
              udp.write(view, addresses[g], ports[g]);
              if (self.lastSendError >= 0) self.sendRecovered();
            } catch (e) {
              self.sendFailed(e);
            }
          }
          if (onDatagram !== undefined) onDatagram(view, block[FW_N], g);
          if (a === sent) {
            if (i >= end) return;
            continue;
          }
          a = unit; // A_SENT_UNIT: the call framed the next sentence too
        }
        if (a === unit || a === ask) {
          if (now < 0) {
            now = clock.now();
            seconds = encoder.tagTime ? now / 1000 : -1;
            if (unitClock !== clock) now = unitClock.now();
          }
          if (
            (a === unit ? onUnit!(UNIT_SENTENCE, buf, block[FW_PENDING], now) !== false : true) ||
            (flags & F_ASK) !== 0
          )
            flags =
              fixedFlags | (answers?.waiting || !router.plain || filter.active || config.maxRate > 0 ? 0 : F_FORWARD);
          continue; // the next call forwards it
        }
        if (a === more) return;
        i = self.takeOther(r, bytes, i, end);
        if (i >= end) return;
      }
    };
  }

  /** take's rare actions (result r of forwardText): the JS paths of the router, encoder and framer, a reject. Returns where to go on. */
  private takeOther(r: number, bytes: Uint8Array, i: number, end: number): number {
    const a = r & 31,
      buf = this.framer.buf,
      n = this.block[FW_N];
    if (a === A_FORWARD) {
      const g = (r >> 5) & 31;
      if (g === 0) this.forward(buf, n, this.answers?.waiting ? this.answers.destinationFor(buf, n) : undefined);
      else {
        // Counted as forwarded on g; not strictly carriable: encode's other paths.
        this.currentGroup = g;
        this.encoder.encodeOther(buf, n, undefined, true);
      }
      return i;
    }
    if (a === FRAME_OTHER || a === A_JS) return this.framer.resume(bytes, i, end, a === FRAME_OTHER);
    const onReject = this.options.onReject;
    if (onReject !== undefined) onReject(REJECT_REASONS[a - 1], buf, n);
    return i;
  }

  /** Host sends fail asynchronously: call it recovered after 2 s without an error. */
  private sendRecovered(): void {
    if (this.clock.monotonic() - this.lastSendError > 2000) {
      this.lastSendError = -1;
      this.events.add("net.send", `sending again (${this.counters.sendErrors} send failures so far)`);
    }
  }

  /**
   * Take the live settings now in `config` (src/settings/settings.ts, apply "live"):
   * the encoder's SFI, c: and overlong policy, the router's group map and the two
   * filters (recompiled only when their rules changed, so their counters survive other
   * changes). Values the gateway reads at each use (uartQueue, startupCmds, maxRate)
   * need nothing here. Throws when a value cannot be used; nothing has changed then.
   */
  retune(): void {
    const c = this.config;
    const bad = filterError(c.outFilter) ?? filterError(c.inFilter);
    if (bad) throw new FilterError(bad);
    this.router.apply(c.groupMap); // checks everything before it changes anything
    this.encoder.retune(c);
    this.outFilter.update(c.outFilter);
    this.inFilter.update(c.inFilter);
  }

  get framerCounters(): FramerCounters {
    return this.framer.counters;
  }

  get encoderCounters(): EncoderCounters {
    return this.encoder.counters;
  }

  /** Open the serial port and the UDP socket; ask the terminal for its card and beam status. */
  start(): void {
    this.running = true;
    if (this.options.udp) this.openUdp();
    if (this.options.serial) this.openSerial();
    if (this.config.startupCmds) for (const c of this.startupCommands()) this.sendToTerminal(c);
  }

  /** The start-up commands now (a function: the terminal's family decides, asked at each use). */
  private startupCommands(): ReadonlyArray<Uint8Array> {
    const s = this.options.startupCommands;
    return s === undefined ? [] : typeof s === "function" ? s() : s;
  }

  stop(): void {
    this.running = false;
    if (this.reopenTimer !== undefined && this.options.timers) this.options.timers.clear(this.reopenTimer);
    this.reopenTimer = undefined;
    try {
      this.serial?.close();
    } catch {
      /* already closed */
    }
    try {
      this.udp?.close();
    } catch {
      /* already closed */
    }
    this.serial = undefined;
    this.udp = undefined;
  }

  /** Frame bytes from the terminal (the serial path calls this; offline tools call it directly). */
  feed(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.take(bytes, start, end);
  }

  /**
   * Encode and send one checksum-valid sentence; `destination` adds d:. The output
   * filter and the rate ceiling apply, except to answers to network commands (they
   * have a destination) and to alerts on BAM1.
   */
  forward(bytes: Uint8Array, length: number, destination?: string): void {
    const group = this.router.route(bytes, length);
    const exempt = destination !== undefined || group === BAM1;
    const filter = this.outFilter;
    if (!exempt && filter.active && !filter.pass(bytes, 0, length)) {
      this.counters.filtered++;
      return;
    }
    // maxRate off (the default): no call (rateAllows reads it again when on).
    if (this.config.maxRate > 0 && !this.rateAllows(group, exempt)) return;
    addTally(this.counts, FC_FORWARDED, 1);
    if (destination !== undefined) this.counters.own++;
    this.currentGroup = group;
    this.encoder.encode(bytes, length, destination);
  }

  /** Send a sentence on an explicit group (alerts on BAM1, answers), bypassing the router, the filter and the rate ceiling. */
  forwardTo(group: number, bytes: Uint8Array, length: number, destination?: string): void {
    this.rateAllows(group, true);
    addTally(this.counts, FC_FORWARDED, 1);
    this.counters.own++;
    this.currentGroup = group;
    this.encoder.encode(bytes, length, destination);
  }

  /**
   * maxRate: at most maxRate sentences per group in each whole second of the clock;
   * beyond it the newest are dropped and counted. Exempt sentences are counted in the
   * second but never dropped. Read from config at each use, so a change applies at once.
   */
  private rateAllows(group: number, exempt: boolean): boolean {
    const max = this.config.maxRate;
    if (!(max > 0)) return true;
    const second = Math.floor(this.clock.monotonic() / 1000);
    const rateSecond = (this.rateSecond ??= new Float64Array(GROUP_COUNT + 1).fill(-1)),
      rateCount = (this.rateCount ??= new Float64Array(GROUP_COUNT + 1));
    if (rateSecond[group] !== second) {
      rateSecond[group] = second;
      rateCount[group] = 0;
    }
    if (!exempt && rateCount[group] >= max) {
      const c = this.counters;
      c.rateDropped++;
      c.rateDroppedPerGroup[group]++;
      // First drop, then every 1000th: a steady overload cannot flood the log (the BAM alert says it lasts).
      if (c.rateDropped === 1 || c.rateDropped % 1000 === 0)
        this.events.add(
          "net.rate",
          `maxRate ${max}/s reached on ${GROUPS[group].name}: newest sentences dropped (${c.rateDropped} so far)`,
        );
      return false;
    }
    rateCount[group]++;
    return true;
  }

  /**
   * Send a datagram (bytes: exactly the datagram) on currentGroup: the encoder's
   * onDatagram, and the per-sentence path's send (a closure over the counters: no
   * method or field lookups).
   */
  private readonly send: (bytes: Uint8Array, length: number) => void;

  private sendFailed(e: unknown): void {
    this.counters.sendErrors++;
    this.lastSendError = this.clock.monotonic();
    // Log the first failure and then every 100th, so a dead link cannot flood the log.
    if (this.counters.sendErrors === 1 || this.counters.sendErrors % 100 === 0)
      this.events.add(
        "net.send",
        `UDP send failed (${this.counters.sendErrors} so far): ${e instanceof Error ? e.message : String(e)}`,
      );
  }

  private openUdp(): void {
    const { io, ...rest } = this.options.udp!;
    const self = this;
    this.udp = new io({
      ...rest,
      timeToLive: rest.timeToLive ?? this.config.ttl,
      onError(err?: Error) {
        self.sendFailed(err ?? new Error("socket error"));
      },
    });
  }

  private openSerial(): void {
    const { io, ...rest } = this.options.serial!;
    const self = this,
      rx = this.rx,
      take = this.take;
    this.rxOverflowSeen = 0;
    try {
      this.serial = new io({
        ...rest,
        format: "buffer",
        onReadable() {
          if (self.serialDown) self.serialAlive(); // tested here: a call fewer per UART read
          // Read until the driver is empty (the ESP32 FIFO is only 128 bytes deep); inline,
          // with the buffer and the forward loop in closure variables: this runs per UART read.
          for (;;) {
            const n = this.read(rx);
            if (!n) break;
            take(rx, 0, n);
          }
        },
        onWritable(bytes: number) {
          self.serialAlive();
          self.writable = bytes;
          self.pump();
        },
        onError(err: Error) {
          self.serialLost(err);
        },
      });
    } catch (e) {
      this.serialLost(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * Add what the serial driver's overflow count grew by, when someone looks
   * (counters.uartRxOverflows: the network side once a second, status, a lost port), not
   * per UART read: a getter call each cost the board.
   */
  private pollOverflow(): void {
    const lost = this.serial === undefined ? undefined : this.serial.overflow;
    if (lost === undefined || !(lost > this.rxOverflowSeen)) return;
    const before = this.rxOverflows;
    this.rxOverflows += lost - this.rxOverflowSeen;
    this.rxOverflowSeen = lost;
    const c = this.rxOverflows;
    // The first, then one in every hundred (a look may see several at once).
    if (before === 0 || Math.floor(c / 100) > Math.floor(before / 100))
      this.events.add("uart.rxoverflow", `terminal bytes lost before they were read (${c} receive overflows so far)`);
  }

  /** The first callback of a reopened port proves it open (a host open is asynchronous). */
  private serialAlive(): void {
    if (!this.serialDown) return;
    this.serialDown = false;
    this.counters.serialReopens++;
    this.events.add("serial.open", "terminal serial port reopened");
  }

  private serialLost(err: Error): void {
    this.pollOverflow(); // the lost instance's count, before it goes
    this.counters.serialErrors++;
    // Logged once per outage: while the terminal stays unplugged, each reopen attempt
    // fails again every reopenDelay and is only counted.
    if (!this.serialDown) this.events.add("serial.lost", `terminal serial port failed: ${err.message}`);
    this.serialDown = true;
    try {
      this.serial?.close();
    } catch {
      /* ignore */
    }
    this.serial = undefined;
    // A sentence cut mid-write is sent again whole (the terminal drops the partial line
    // when the next '$' arrives).
    if (this.writing) this.queue.unshift(this.writing);
    this.writing = undefined;
    this.writable = 0;
    this.framer.flush();
    const timers = this.options.timers;
    if (!this.running || !timers || this.reopenTimer !== undefined) return;
    this.reopenTimer = timers.set(
      () => {
        this.reopenTimer = undefined;
        if (!this.running) return;
        this.openSerial();
        // A replugged terminal may hold another card: ask again (sent once the port is writable).
        if (this.serial && this.config.startupCmds)
          for (const c of this.startupCommands()) if (!this.isQueued(c)) this.sendToTerminal(c);
      },
      this.options.reopenDelay ?? 1000,
      false,
    );
  }

  /**
   * Queue a sentence for the terminal (host -> terminal commands). Accepts text
   * without or with CR LF. Returns false when it had to drop the oldest queued
   * sentence to make room (the serial line is far slower than the network, so
   * the queue is bounded rather than building up latency).
   */
  sendToTerminal(sentence: string | Uint8Array): boolean {
    let bytes: Uint8Array;
    if (typeof sentence === "string") {
      const s = sentence.endsWith("\r\n") ? sentence : sentence + "\r\n";
      bytes = asciiBytes(s);
    } else {
      const n = sentence.length;
      const crlf = n >= 2 && sentence[n - 2] === 0x0d && sentence[n - 1] === 0x0a;
      bytes = new Uint8Array(crlf ? n : n + 2);
      bytes.set(sentence);
      if (!crlf) {
        bytes[n] = 0x0d;
        bytes[n + 1] = 0x0a;
      }
    }
    let kept = true;
    // A loop: uartQueue is live, and may have been lowered below the queue's length.
    while (this.queue.length >= this.config.uartQueue) {
      this.queue.shift();
      this.counters.uartDropped++;
      kept = false;
      if (this.counters.uartDropped === 1 || this.counters.uartDropped % 100 === 0)
        this.events.add(
          "uart.overflow",
          `UART output queue full, dropped oldest (${this.counters.uartDropped} so far)`,
        );
    }
    this.queue.push(bytes);
    this.counters.uartQueued++;
    this.pump();
    return kept;
  }

  /** True when `sentence` (bytes without CR LF) is already waiting for the UART. */
  private isQueued(sentence: Uint8Array): boolean {
    return this.queue.some((q) => {
      if (q.length !== sentence.length + 2) return false;
      for (let i = 0; i < sentence.length; i++) if (q[i] !== sentence[i]) return false;
      return true;
    });
  }

  /** Sentences waiting for the UART (not counting the one being written). */
  get queueLength(): number {
    return this.queue.length;
  }

  private pump(): void {
    const serial = this.serial;
    if (!serial) return;
    while (this.writable > 0) {
      if (!this.writing) {
        const next = this.queue.shift();
        if (!next) return;
        this.writing = next;
        this.writeOffset = 0;
      }
      const w = this.writing;
      const n = Math.min(this.writable, w.length - this.writeOffset);
      try {
        serial.write(w.subarray(this.writeOffset, this.writeOffset + n));
      } catch {
        // "output full": wait for the next onWritable.
        this.writable = 0;
        return;
      }
      this.writable -= n;
      this.writeOffset += n;
      this.counters.uartBytes += n;
      if (this.writeOffset >= w.length) {
        this.writing = undefined;
        this.counters.uartWritten++;
      }
    }
  }

  /** Seconds since the last valid unit from the terminal (Infinity when none yet). */
  silenceSeconds(): number {
    return this.lastUnitTime === 0 ? Infinity : (this.clock.monotonic() - this.lastUnitTime) / 1000;
  }

  /** All counters as one plain object (for status, --stats and wrap). */
  snapshot(): Record<string, unknown> {
    const f = this.framer.counters,
      e = this.encoder.counters,
      c = this.counters;
    const rejects: Record<string, number> = {};
    for (const k of REJECT_REASONS) rejects[k] = f[k];
    const perGroup: Record<string, number> = {};
    for (let i = 1; i < c.perGroup.length; i++) if (c.perGroup[i]) perGroup[GROUPS[i].name] = c.perGroup[i];
    const rateDroppedPerGroup: Record<string, number> = {};
    for (let i = 1; i < c.rateDroppedPerGroup.length; i++)
      if (c.rateDroppedPerGroup[i]) rateDroppedPerGroup[GROUPS[i].name] = c.rateDroppedPerGroup[i];
    return {
      bytesIn: f.bytes,
      noiseBytes: f.noiseBytes,
      unitsIn: f.units,
      sentencesIn: f.sentences,
      framesIn: f.frames,
      rejected: f.rejected,
      rejects,
      forwarded: c.forwarded,
      own: c.own,
      datagrams: c.datagrams,
      perGroup,
      sendErrors: c.sendErrors,
      overlongCarried: e.overlongCarried,
      overlongVerbatim: e.overlongVerbatim,
      overlongDropped: e.overlongDropped,
      carrierLines: e.carrierLines,
      framesNotConverted: c.framesNotConverted,
      uartQueued: c.uartQueued,
      uartWritten: c.uartWritten,
      uartDropped: c.uartDropped,
      uartBytes: c.uartBytes,
      serialErrors: c.serialErrors,
      serialReopens: c.serialReopens,
      uartRxOverflows: c.uartRxOverflows,
      filtered: c.filtered,
      outFilter: this.outFilter.counts(),
      rateDropped: c.rateDropped,
      rateDroppedPerGroup,
    };
  }
}
