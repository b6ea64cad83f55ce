// Beidou decoding plugged into the gateway: the `onUnit` and `convertFrame` hooks
// (src/core/gateway.ts) feed the sentence decoder, the 4.0 frame decoder and the
// device state; `attach()` connects the gateway's event log, its framer's reject
// counters and a 1 s state tick.
//
//   const w = new BeidouWiring({ clock });
//   const gw = new Gateway({ ..., onUnit: w.onUnit, convertFrame: w.convertFrame, frameCommands: RDSS40_COMMAND_KEYS });
//   w.attach({ events: gw.events, rejects: gw.framerCounters, timers });

import type { ByteHelpers } from "../core/bytes";
import { UNIT_SENTENCE, type UnitKind } from "../core/gateway";
import type { Clock, Timers } from "../core/io";
import { SentenceDecoder } from "./decoder";
import { FrameDecoder, type Rdss40Options } from "./rdss40";
import { isLaterGsv } from "./sentences/gsv";
import { encodeICA } from "./sentences/ica";
import { encodeICR } from "./sentences/icr";
import { encodeRMO } from "./sentences/rmo";
import { DeviceState, type DeviceStateOptions, type EventSink, type RejectCounts } from "./state";
import { answeredCommands, defaultRoutes, RDSS40_COMMAND_KEYS, TEXT_FIELD_LIMITS } from "./table";

/**
 * Sent to the terminal at start-up and after a replug (Gateway startupCommands): IC card
 * check (the answer ICI gives card number, service interval and level) and periodic beam
 * status output every 10 s (BSI). Written by the command encoders.
 */
/** Module-level copy: on XS an imported name is a property read of its module per use. */
const SENTENCE: UnitKind = UNIT_SENTENCE;

export const STARTUP_COMMANDS: ReadonlyArray<Uint8Array> = [encodeICA(0, 0), encodeRMO("BSI", 2, 10)];
/** A BDS-3 terminal: the card query ICR (its beams come as PWI every second unasked). */
const STARTUP_BDS3: ReadonlyArray<Uint8Array> = [encodeICR(0)];

/** Start-up commands for the terminal's family (DeviceState.family); not known yet: the BDS-2 pair. */
export function startupCommandsFor(family: string): ReadonlyArray<Uint8Array> {
  return family === "bds3" ? STARTUP_BDS3 : STARTUP_COMMANDS;
}

export interface BeidouWiringOptions extends DeviceStateOptions {
  clock?: Pick<Clock, "now">;
  /** RDSS 4.0 assumptions (hemispheres, FKXX result codes): UNCONFIRMED, so configurable. */
  rdss40?: Rdss40Options;
  /** The byte loops (native on the board, src/native/bytes.c); default TypeScript. */
  bytes?: ByteHelpers;
  /** The board's native sentence path (src/native/fixes.c); default none: the JS path alone. */
  fixes?: FixApply;
}

/**
 * The native sentence path (src/native/fixes.c, bound by src/native/fixes.js): counts a
 * sentence that only counts and decodes and applies the hot kinds (NATIVE_KINDS,
 * decoder.ts) state-only into DeviceState.cellBytes (the decoder's counters follow the
 * cells there: DeviceState tallyRoom), in one call; returns 0 then, or 1 having written nothing: the JS path (its twin and reference,
 * SentenceDecoder.applyTo and decode) takes the sentence. `clock`: the time in ms (the
 * UART read's, from the gateway), or a clock whose now() is called only when a value needs the time (fixAt, the sky view's 4 s); a unit counted there gets
 * its lastUnitAt at the state's next once-a-second look (DeviceState.syncRejects).
 */
export type FixApply = (
  bytes: Uint8Array,
  length: number,
  cells: Uint8Array,
  clock: Pick<Clock, "now"> | number,
) => number;

/** What hears the terminal's sentences besides the decoders (the console's terminal operations). */
export interface TerminalListener {
  /** Only while this is true does it get sentences. */
  readonly awaitingAnswer: boolean;
  terminalSentence(bytes: Uint8Array, length: number): void;
}

/** Forwards to the event log once attached (the gateway creates its log after its hooks). */
class LateEvents implements EventSink {
  sink?: EventSink;
  add(code: string, text: string): void {
    if (this.sink) this.sink.add(code, text);
  }
}

export class BeidouWiring {
  readonly sentences: SentenceDecoder;
  readonly frames: FrameDecoder;
  readonly state: DeviceState;
  private readonly clock: Pick<Clock, "now">;
  private readonly events = new LateEvents();
  /** Text form of the frame seen by onUnit, handed to convertFrame (same frame, same call sequence). */
  private readonly text = new Uint8Array(512);
  private textLength = 0;
  private textFor: Uint8Array | undefined;
  private timer: unknown;
  private timers?: Timers;
  /**
   * Hears the terminal's answers to console operations (FKI, ICI, DWR) while it awaits
   * one; a 4.0 terminal answers in frames, whose 2.1 text form it hears. Here rather
   * than in a wrapper around onUnit: one call fewer per sentence on the board.
   */
  listener: TerminalListener | undefined;

  constructor(options: BeidouWiringOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.frames = new FrameDecoder(options.rdss40);
    // The decoder's counters after the state's cells: one buffer for the native path.
    this.state = new DeviceState({
      ...options,
      events: options.events ?? this.events,
      tallyRoom: SentenceDecoder.tallyRoom(),
    });
    this.sentences = new SentenceDecoder(undefined, options.bytes, this.state.tallyCells);
    if (options.events) this.events.sink = options.events;
    // The hook as a closure over what it passes: on XS a captured variable costs less to
    // read than a property (each of these was a property read per sentence), and `self`
    // less than `this` in an arrow.
    const fixes = options.fixes,
      cells = this.state.cellBytes,
      clock = this.clock;
    // biome-ignore lint/complexity/noUselessThisAlias: see above (`this` in the arrow costs the board)
    const self = this;
    this.onUnit = (kind: UnitKind, bytes: Uint8Array, length: number, now?: number): boolean => {
      if (kind !== SENTENCE) {
        self.frame(bytes, length);
        return true;
      }
      // The board: the native path takes most sentences whole, with the read's time (or
      // the clock, read there only when a value needs it).
      let decodedOnly = true;
      if (fixes === undefined || fixes(bytes, length, cells, now ?? clock) !== 0) {
        self.sentence(bytes, length, now ?? clock.now());
        decodedOnly = false; // the JS path may raise events
      }
      const l = self.listener;
      if (l?.awaitingAnswer) {
        l.terminalSentence(bytes, length);
        decodedOnly = false;
      }
      return !decodedOnly;
    };
  }

  /**
   * Connect the gateway's event log and its framer's counters (rejects are counted
   * there; the state takes them once a second), and start the once-a-second state check.
   */
  attach(o: { events?: EventSink; timers?: Timers; rejects?: RejectCounts }): void {
    if (o.events) this.events.sink = o.events;
    if (o.rejects) this.state.rejectsFrom(o.rejects);
    if (o.timers && this.timer === undefined) {
      this.timers = o.timers;
      this.timer = o.timers.set(() => this.state.tick(this.clock.now()), 1000, true);
    }
  }

  detach(): void {
    if (this.timers && this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  /**
   * Gateway hook (GatewayOptions.onUnit): a framed sentence or 4.0 frame (rejects: the state
   * reads the framer's counters, see attach); `now`: the read's time, else the clock is read.
   * Returns false when the unit was only decoded by the native path.
   */
  readonly onUnit: (kind: UnitKind, bytes: Uint8Array, length: number, now?: number) => boolean;

  private frame(bytes: Uint8Array, length: number): void {
    const n = this.handleFrame(bytes, length, this.clock.now());
    this.textLength = n;
    this.textFor = bytes;
    const l = this.listener;
    if (n > 0 && l !== undefined && l.awaitingAnswer) l.terminalSentence(this.text, n);
  }

  /** A sentence on the JS path (the native path's twin and reference). */
  private sentence(bytes: Uint8Array, length: number, now: number): void {
    // Decode only what the state reads: a GSV after the first of its group matters only
    // while the sky view copies that group (isLaterGsv, gsv.ts); otherwise it is a unit.
    const st = this.state;
    // bytes[5] first: most sentences are no GSV, and the call costs more than the test.
    // A `P` talker other than Quectel's `PQ` (proprietary `$P...`, or no decodable address)
    // tells the state only that a unit came (SentenceDecoder.decode, state-only): a fifth
    // of a terminal's sentences, each a decode and onSentence call on the board for nothing.
    if (bytes[1] === 0x50 && bytes[2] !== 0x51) st.unit(now);
    else if (bytes[5] === 0x56 && st.sky.filling < 0 && isLaterGsv(bytes, length)) st.unit(now);
    else if (!this.sentences.applyTo(bytes, length, st, now))
      st.onSentence(this.sentences.decode(bytes, length, true), now);
  }

  readonly convertFrame = (frame: Uint8Array, length: number, out: Uint8Array): number => {
    let n: number;
    if (this.textFor === frame) {
      n = this.textLength;
      this.textFor = undefined;
    } else n = this.handleFrame(frame, length, this.clock.now());
    if (n === 0 || n > out.length) return 0;
    const t = this.text;
    for (let i = 0; i < n; i++) out[i] = t[i]; // no subarray view: allocation-free on XS
    return n;
  };

  private handleFrame(bytes: Uint8Array, length: number, now: number): number {
    const f = this.frames.decode(bytes, length);
    const n = this.frames.toText(this.text);
    this.state.onFrame(f, now, n > 0);
    if (n > 0) this.state.onSentence(this.sentences.decode(this.text, n, true), now);
    return n;
  }
}

/** Hooks for a Gateway wired by hand (bd450 wrap, tests; the whole gateway: src/app/assemble.ts). */
export function gatewayHooks(options: BeidouWiringOptions = {}) {
  const w = new BeidouWiring(options);
  return {
    onUnit: w.onUnit,
    convertFrame: w.convertFrame,
    frameCommands: RDSS40_COMMAND_KEYS,
    fieldLimits: TEXT_FIELD_LIMITS,
    routes: defaultRoutes(),
    startupCommands: STARTUP_COMMANDS,
    /** For networkParts / NetworkSide: which sentences answer which network commands. */
    answered: answeredCommands,
    attach: (o: { events?: EventSink; timers?: Timers; rejects?: RejectCounts }) => w.attach(o),
    wiring: w,
  };
}
