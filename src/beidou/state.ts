// Device state of the Beidou terminal, fed by the decoders: the latest RNSS fix,
// RDSS fix, beams, IC card, self-check, feedback per command and received short
// messages, plus events for the gateway's system log (terminal silent, checksum
// error bursts, card absent, beams lost, refused commands, ...).
//
// Per-sentence updates write numbers into fixed fields (no allocation); events
// and received messages allocate, but they are rare by nature and bounded.

import { formatterKeyOf, formatterName } from "../nmea/keys";
import { beamsLostNow, cardAbsentNow, pastLimit } from "./alerts";
import type { DecodedSentence } from "./decoder";
import { KIND_UNKNOWN } from "./decoder";
import { addr7, FAMILY_BDS2, FAMILY_BDS3, hms, SYSTEM_NAMES } from "./kind";
import type { Frame40 } from "./rdss40";
import { BEAMS } from "./sentences/bsi";
import { contentText } from "./sentences/content";
import { PWI_BDS2_BEAMS, PWI_BDS3_BEAMS } from "./sentences/pwi";
import { SKY_BYTES, SkyView } from "./sky";
import type {
  Bds3CardReport,
  CardReport,
  DeviceTarget,
  FeedbackReport,
  MessageContent,
  PwiReport,
  TciReport,
} from "./targets";

const SWAPPED = "TCI sender and receiver the other way round";

/** A signal value as JSON: -1 (empty) -> null. */
function sv(v: number): number | null {
  return v < 0 ? null : v;
}

/** Framer reject reason counted as a checksum error (a constant: XS copies an evaluated literal every time). */
/** The framer's reject counters the state reads (src/core/framer.ts FramerCounters). */
export interface RejectCounts {
  readonly rejected: number;
  readonly badChecksum: number;
}

/** Commands an FKI answers, as formatter keys, and the names compared with pendingCommand. */
const P_TXA = formatterKeyOf("TXA"),
  P_DWA = formatterKeyOf("DWA"),
  P_WAA = formatterKeyOf("WAA"),
  P_TCQ = formatterKeyOf("TCQ");
const CMD_TXA = "TXA",
  NO_COMMAND = "";

/** The gateway's EventLog satisfies this. */
export interface EventSink {
  add(code: string, text: string): void;
}

export interface DeviceStateOptions {
  events?: EventSink;
  /** Host-only GB2312 decoder for Chinese-mode messages (injected; the board may have none). */
  decodeText?(bytes: Uint8Array): string | undefined;
  /** Seconds without any unit before "terminal silent" (config alSilentS). */
  silentAfter?: number;
  /** Seconds without a valid RNSS fix before "no fix" (config alNoFixS). */
  noFixAfter?: number;
  /** Checksum errors above this percentage of units over a minute raise an event (config alCsumPct). */
  checksumPercent?: number;
  /** Received messages kept (oldest dropped). */
  maxMessages?: number;
  /** Doubles after the state's cells for a sentence decoder's counters (DeviceState.tallyCells; the Beidou wiring's). */
  tallyRoom?: number;
}

/** Terminal family names (status, JSON): index = DeviceState.familySeen / familyOverride bits. */
export const FAMILY_NAMES = ["unknown", "bds2", "bds3", "bds3"];

export interface ReceivedMessage {
  at: number;
  from: string;
  /** Receiver (BDS-3 TCI only). */
  to?: string;
  /** The sentence family it came in: TXR "bds2", TCI "bds3". */
  family?: string;
  /** TXR information type (1 normal, 2 express, 3 broadcast, 4/5 query results). */
  infoType: number;
  mode: number;
  data: Uint8Array;
  /** Decoded text when the encoding allows. */
  text?: string;
}

export interface Feedback {
  at: number;
  accepted: boolean;
  /** Inhibit / reason code. */
  reason: number;
  /** Seconds to wait before the next transmission, as reported. */
  wait: number;
}

/**
 * The state's cells (DeviceState.cells), as src/native/fixes.c numbers them: doubles
 * first, then the 16-bit and 8-bit arrays at byte offsets B_*. Change both together.
 */
const C_UNITS = 0,
  /** Units the native path counted since the state last took them (syncRejects: lastUnitAt). */
  C_NATIVE_UNITS = 1,
  C_NOTABLE = 2,
  C_NO_FIX_REPORTED = 3,
  C_FIX_TIME = 4,
  C_FIX_YEAR = 5,
  C_FIX_MONTH = 6,
  C_FIX_DAY = 7,
  C_LATITUDE = 8,
  C_LONGITUDE = 9,
  C_QUALITY = 10,
  C_HDOP = 11,
  C_ALTITUDE = 12,
  C_SPEED = 13,
  C_COURSE = 14,
  C_SATS_TOTAL = 15,
  C_FIX_AT = 16,
  C_LAST_VALID_FIX_AT = 17,
  /** TXT's antennaBad. */
  C_ANTENNA_BAD = 18,
  B_SATS_USED = 8 * 19,
  B_SATS_IN_VIEW = B_SATS_USED + 14,
  /** The sky view (sky.ts SKY_BYTES, its own layout). */
  B_SKY = 184;
export const FIX_BUFFER_BYTES = B_SKY + SKY_BYTES;

export class DeviceState implements DeviceTarget {
  /**
   * The per-sentence numbers in one buffer (FIX_CELLS: doubles, then 16-bit and 8-bit
   * cells): the board's native sentence path (src/native/fixes.c, wiring.ts) decodes the
   * hot kinds and writes them there in one call; every reader goes through the same
   * names below (accessors), so web, console, alerts, snapshots and tests see one value.
   */
  readonly cells: Float64Array;
  /** The same cells as bytes: what the native path writes (xsmc takes byte arrays only). */
  readonly cellBytes: Uint8Array;
  /** The tallyRoom doubles after the cells (undefined without): one buffer for the native path. */
  readonly tallyCells: Float64Array | undefined;
  get units(): number {
    return this.cells[C_UNITS];
  }
  set units(v: number) {
    this.cells[C_UNITS] = v;
  }
  lastUnitAt = NaN;
  /** The next unit is the first ever or ends a silence (resume() has work; the native path leaves it to JS). */
  private get notable(): boolean {
    return this.cells[C_NOTABLE] !== 0;
  }
  private set notable(v: boolean) {
    this.cells[C_NOTABLE] = v ? 1 : 0;
  }
  /** A "no fix" event is out: the next position() has an event to raise (the native path leaves it to JS). */
  private get noFixReported(): boolean {
    return this.cells[C_NO_FIX_REPORTED] !== 0;
  }
  private set noFixReported(v: boolean) {
    this.cells[C_NO_FIX_REPORTED] = v ? 1 : 0;
  }
  // ---- RNSS fix
  get fixTime(): number {
    return this.cells[C_FIX_TIME];
  }
  set fixTime(v: number) {
    this.cells[C_FIX_TIME] = v;
  }
  get fixYear(): number {
    return this.cells[C_FIX_YEAR];
  }
  set fixYear(v: number) {
    this.cells[C_FIX_YEAR] = v;
  }
  get fixMonth(): number {
    return this.cells[C_FIX_MONTH];
  }
  set fixMonth(v: number) {
    this.cells[C_FIX_MONTH] = v;
  }
  get fixDay(): number {
    return this.cells[C_FIX_DAY];
  }
  set fixDay(v: number) {
    this.cells[C_FIX_DAY] = v;
  }
  get latitude(): number {
    return this.cells[C_LATITUDE];
  }
  set latitude(v: number) {
    this.cells[C_LATITUDE] = v;
  }
  get longitude(): number {
    return this.cells[C_LONGITUDE];
  }
  set longitude(v: number) {
    this.cells[C_LONGITUDE] = v;
  }
  /** GGA quality (0 invalid). */
  get quality(): number {
    return this.cells[C_QUALITY];
  }
  set quality(v: number) {
    this.cells[C_QUALITY] = v;
  }
  get hdop(): number {
    return this.cells[C_HDOP];
  }
  set hdop(v: number) {
    this.cells[C_HDOP] = v;
  }
  get altitude(): number {
    return this.cells[C_ALTITUDE];
  }
  set altitude(v: number) {
    this.cells[C_ALTITUDE] = v;
  }
  get speedKnots(): number {
    return this.cells[C_SPEED];
  }
  set speedKnots(v: number) {
    this.cells[C_SPEED] = v;
  }
  get courseTrue(): number {
    return this.cells[C_COURSE];
  }
  set courseTrue(v: number) {
    this.cells[C_COURSE] = v;
  }
  get satellitesUsedTotal(): number {
    return this.cells[C_SATS_TOTAL];
  }
  set satellitesUsedTotal(v: number) {
    this.cells[C_SATS_TOTAL] = v;
  }
  /** Indexed by NMEA 4.11 system ID (0 unknown .. 6 NavIC). */
  readonly satellitesUsed: Int16Array;
  readonly satellitesInView: Int16Array;
  /** Satellites in view with elevation, azimuth and C/N0, from every GSV sentence (sky.ts). */
  readonly sky: SkyView;
  get fixAt(): number {
    return this.cells[C_FIX_AT];
  }
  set fixAt(v: number) {
    this.cells[C_FIX_AT] = v;
  }
  get lastValidFixAt(): number {
    return this.cells[C_LAST_VALID_FIX_AT];
  }
  set lastValidFixAt(v: number) {
    this.cells[C_LAST_VALID_FIX_AT] = v;
  }
  // ---- RDSS fix
  rdssUser = NaN;
  rdssTime = NaN;
  rdssLatitude = NaN;
  rdssLongitude = NaN;
  rdssHeight = NaN;
  rdssAt = NaN;
  /** BDS-3 EPI: SOS sub-type and indication (meanings UNCONFIRMED), NaN when not given. */
  rdssSosType = NaN;
  rdssSos = NaN;
  // ---- terminal family (BDS-2 RDSS 2.1 or BDS-3 RSMC)
  /** FAMILY_BDS2 / FAMILY_BDS3 bits: which family's sentences were seen (set by the target methods they call). */
  familySeen = 0;
  /** Setting terminalFamily: 0 auto (detected), FAMILY_BDS2 or FAMILY_BDS3. */
  familyOverride = 0;
  /** BDS-3 beams from PWI (kept apart from BSI's BDS-2 powers): ids and signal values, -1 empty. */
  pwiBeams2 = 0;
  readonly pwiId2 = new Int16Array(PWI_BDS2_BEAMS);
  readonly pwiSignal2 = new Int16Array(2 * PWI_BDS2_BEAMS);
  pwiBeams3 = 0;
  readonly pwiId3 = new Int16Array(PWI_BDS3_BEAMS);
  readonly pwiSignal3 = new Int16Array(3 * PWI_BDS3_BEAMS);
  pwiTime = NaN;
  pwiAt = NaN;
  /** BDS-3 sentences decoded with a layout other than the notes' (reason -> count, bounded). */
  readonly deviations = new Map<string, number>();
  // ---- beams
  readonly beams = new Int8Array(BEAMS).fill(-1);
  responseBeam = NaN;
  timeDifferenceBeam = NaN;
  beamsAt = NaN;
  // ---- card
  cardKnown = false;
  cardPresent = false;
  cardNumber = NaN;
  cardSerial = NaN;
  serviceInterval = NaN;
  level = NaN;
  encrypted = false;
  cardAt = NaN;
  // ---- self-check
  icState = NaN;
  hardwareState = NaN;
  batteryState = NaN;
  inboundState = NaN;
  selfCheckAt = NaN;
  // ---- feedback and traffic
  readonly feedback = new Map<string, Feedback>();
  /** When the terminal last accepted a transmission (TXA/DWA/WAA). */
  lastTransmitAt = NaN;
  readonly messages: ReceivedMessage[] = [];
  messagesReceived = 0;
  // ---- link health
  silent = false;
  checksumErrors = 0;
  readonly unknownFormatters = new Map<string, number>();

  private o: Required<Omit<DeviceStateOptions, "events" | "decodeText" | "tallyRoom">>;
  private readonly events?: EventSink;
  private readonly decodeText?: (b: Uint8Array) => string | undefined;
  private windowStart = NaN;
  /** `units` when the checksum window began. */
  private windowBase = 0;
  private windowErrors = 0;
  /** Set by TXT (sentences/txt.ts). */
  get antennaBad(): boolean {
    return this.cells[C_ANTENNA_BAD] !== 0;
  }
  set antennaBad(v: boolean) {
    this.cells[C_ANTENNA_BAD] = v ? 1 : 0;
  }

  constructor(options: DeviceStateOptions = {}) {
    const room = options.tallyRoom ?? 0,
      buffer = new ArrayBuffer(FIX_BUFFER_BYTES + 8 * room);
    const c = new Float64Array(buffer, 0, FIX_BUFFER_BYTES / 8);
    this.cells = c;
    this.cellBytes = new Uint8Array(buffer);
    this.tallyCells = room > 0 ? new Float64Array(buffer, FIX_BUFFER_BYTES, room) : undefined;
    this.satellitesUsed = new Int16Array(buffer, B_SATS_USED, 7);
    this.satellitesInView = new Int16Array(buffer, B_SATS_IN_VIEW, 7);
    this.sky = new SkyView(buffer, B_SKY);
    c.fill(NaN, C_FIX_TIME, C_ANTENNA_BAD);
    c[C_UNITS] = c[C_NATIVE_UNITS] = c[C_NO_FIX_REPORTED] = c[C_ANTENNA_BAD] = 0;
    c[C_NOTABLE] = 1;
    this.events = options.events;
    this.decodeText = options.decodeText;
    this.o = {
      silentAfter: options.silentAfter ?? 10,
      noFixAfter: options.noFixAfter ?? 30,
      checksumPercent: options.checksumPercent ?? 5,
      maxMessages: options.maxMessages ?? 8,
    };
  }

  /** New alert thresholds (live settings alSilentS, alNoFixS, alCsumPct): the next check uses them. */
  setThresholds(t: { silentAfter: number; noFixAfter: number; checksumPercent: number }): void {
    this.o = { ...this.o, ...t };
  }

  event(code: string, text: string): void {
    if (this.events) this.events.add(code, text);
  }

  /**
   * A unit arrived (the checksum window counts units - windowBase); also a sentence
   * the wiring leaves undecoded because it would tell the state nothing (wiring.ts).
   */
  unit(now: number): void {
    this.units++;
    this.lastUnitAt = now;
    if (this.notable) this.resume(now);
  }

  /** The first unit ever, or the first after a silence. */
  private resume(now: number): void {
    this.notable = false;
    if (this.firstAt !== this.firstAt) this.firstAt = now;
    if (this.silent) {
      this.silent = false;
      this.event("terminal.back", "terminal output resumed");
    }
  }

  /**
   * Count the framer's rejects from its counters (the gateway's framer, or an offline
   * tool's): the state takes them at each tick and on request (syncRejects), not by
   * a callback per reject, which cost the board ~200 XS units per forwarded sentence
   * on a noisy line. The framer is the one place rejects are counted.
   */
  rejectsFrom(counters: RejectCounts): void {
    this.rejectCounts = counters;
    this.rejectsSeen = counters.rejected;
    this.badChecksumsSeen = counters.badChecksum;
  }

  /** Take the rejects counted since the last look (a unit each; checksum errors feed the burst detector). */
  syncRejects(now: number): void {
    // Units the native path counted (wiring.ts): it reads no clock for them, so their
    // time is this look's, to the tick's resolution as for the rejects below.
    const cells = this.cells;
    if (cells[C_NATIVE_UNITS] !== 0) {
      cells[C_NATIVE_UNITS] = 0;
      this.lastUnitAt = now;
    }
    const c = this.rejectCounts;
    if (c === undefined) return;
    // Each counter read once: they are accessors over the framer's 64-bit tally.
    const rejected = c.rejected,
      badChecksum = c.badChecksum;
    // A console `reset` zeroes the framer's counters: count from there.
    if (rejected < this.rejectsSeen) this.rejectsSeen = 0;
    if (badChecksum < this.badChecksumsSeen) this.badChecksumsSeen = 0;
    const rejects = rejected - this.rejectsSeen,
      bad = badChecksum - this.badChecksumsSeen;
    if (rejects === 0) return;
    this.rejectsSeen = rejected;
    this.badChecksumsSeen = badChecksum;
    // unit(now), then the other rejects, on the cells directly: the accessors' calls cost
    // the board ~700 RV32 instructions per forwarded sentence at one look a second.
    cells[C_UNITS]++;
    this.lastUnitAt = now;
    if (cells[C_NOTABLE] !== 0) this.resume(now);
    cells[C_UNITS] += rejects - 1;
    this.checksumErrors += bad;
    this.windowErrors += bad;
  }

  private rejectCounts: RejectCounts | undefined;
  private rejectsSeen = 0;
  private badChecksumsSeen = 0;

  /** A decoded text sentence (also the 2.1 text converted from a 4.0 frame). */
  onSentence(d: DecodedSentence, now: number): void {
    // unit(now), inlined: a call fewer per sentence on XS.
    this.units++;
    this.lastUnitAt = now;
    if (this.notable) this.resume(now);
    if (d.kind === KIND_UNKNOWN) {
      if (d.talker === 0x4244 && d.formatter) this.unknownRdss(this.nameOf(d.formatter), d);
      return;
    }
    if (d.error || !d.record) return;
    // Each sentence module says what its sentence tells the state (SentenceKind.apply):
    // one property read and a call instead of a switch over every formatter.
    const k = d.sentenceKind;
    if (k !== undefined && k.apply !== undefined) k.apply(this, d.record, d.talker, now);
  }

  /** A decoded 4.0 frame. Frames with a 2.1 text form reach onSentence through their conversion; only the rest matter here. */
  onFrame(f: Frame40, now: number, converted: boolean): void {
    if (!converted) this.unit(now);
    if (f.error) this.event("rdss40.error", `${f.name || "frame"}: ${f.error}`);
  }

  /** The gateway sent a command (TXA, DWA, ...) to the terminal: expect an FKI within `answerWithin` s. */
  noteSent(command: string, now: number): void {
    this.pendingCommand = command;
    this.pendingSince = now;
  }
  /** Command awaiting its FKI ("" when none) and since when. */
  pendingCommand = "";
  pendingSince = NaN;
  answerWithin = 10;

  /** Seconds to wait before the next transmission may be accepted (card interval and last FKI). */
  transmitWait(now: number): number {
    let w = 0;
    const fb = this.feedback.get("TXA");
    if (fb && fb.wait === fb.wait) w = Math.max(w, fb.wait - (now - fb.at) / 1000);
    if (this.serviceInterval > 0 && this.lastTransmitAt === this.lastTransmitAt)
      w = Math.max(w, this.serviceInterval - (now - this.lastTransmitAt) / 1000);
    return w > 0 ? Math.ceil(w) : 0;
  }

  /** Remaining wait for one command from its last feedback. */
  remainingWait(command: string, now: number): number {
    const fb = this.feedback.get(command);
    if (!fb || fb.wait !== fb.wait) return 0;
    const w = fb.wait - (now - fb.at) / 1000;
    return w > 0 ? Math.ceil(w) : 0;
  }

  /** Periodic check (about once a second): silence, lost fix, checksum bursts. */
  tick(now: number): void {
    this.syncRejects(now);
    if (this.startAt !== this.startAt) this.startAt = now;
    // Silence counts from the last unit, or from the first check when the terminal never spoke.
    const heard = this.lastUnitAt === this.lastUnitAt ? this.lastUnitAt : this.startAt;
    // The limits and conditions are the alerts' rule (alerts.ts): these events are its edges.
    if (!this.silent && pastLimit(now - heard, this.o.silentAfter)) {
      this.silent = true;
      this.notable = true;
      this.event(
        "terminal.silent",
        this.units
          ? `no output from the terminal for ${this.o.silentAfter} s`
          : `no output from the terminal since start-up (${this.o.silentAfter} s)`,
      );
    }
    if (this.units > 0) {
      const last = this.lastValidFixAt;
      const lost = pastLimit(last !== last ? now - this.firstAt : now - last, this.o.noFixAfter);
      if (lost && !this.noFixReported) {
        this.noFixReported = true;
        this.event("rnss.nofix", `no valid RNSS position for ${this.o.noFixAfter} s`);
      }
    }
    if (this.pendingCommand && now - this.pendingSince > this.answerWithin * 1000) {
      this.event(
        "command.noanswer",
        `no feedback (FKI) from the terminal for ${this.pendingCommand} within ${this.answerWithin} s`,
      );
      this.pendingCommand = "";
    }
    if (this.windowStart !== this.windowStart) this.windowStart = now;
    if (now - this.windowStart >= 60000) {
      const windowUnits = this.units - this.windowBase;
      if (windowUnits >= 10 && (this.windowErrors * 100) / windowUnits > this.o.checksumPercent) {
        this.event(
          "checksum.burst",
          `${this.windowErrors} checksum errors in ${windowUnits} units over the last minute`,
        );
      }
      this.windowStart = now;
      this.windowBase = this.units;
      this.windowErrors = 0;
    }
  }
  /** First unit ever, and first tick (silence before any unit). */
  private firstAt = NaN;
  private startAt = NaN;

  position(lat: number, lon: number, now: number): void {
    this.latitude = lat;
    this.longitude = lon;
    this.fixAt = now;
    this.lastValidFixAt = now;
    if (this.noFixReported) {
      this.noFixReported = false;
      this.event("rnss.fix", "valid RNSS position again");
    }
  }

  /** BDS-2 BSI (and ZTI's beam powers). */
  setBeams(power: Int8Array, count: number, now: number): void {
    this.familySeen |= FAMILY_BDS2;
    let up = false,
      reported = false;
    for (let k = 0; k < BEAMS; k++) {
      const p = k < count ? power[k] : -1;
      this.beams[k] = p;
      if (p >= 0) reported = true;
      if (p > 0) up = true;
    }
    this.beamsAt = now;
    this.beamsUp(reported, up);
  }

  /** Every reported beam at 0, either family (alerts.ts beamsLostNow; the beamsLost alert reads it). */
  beamsLost = false;

  /** The beam events of either family: the edges of beamsLost. */
  private beamsUp(reported: boolean, up: boolean): void {
    const lost = beamsLostNow(reported, up);
    if (lost && !this.beamsLost) this.event("beams.lost", "all RDSS beams at power 0");
    else if (up && this.beamsLost) this.event("beams.ok", "RDSS beam received again");
    this.beamsLost = lost;
  }

  /** BDS-3 PWI: both families' beams with their signal values; a beam is up when a signal value is above 0. */
  setPwiBeams(p: PwiReport, now: number): void {
    this.familySeen |= FAMILY_BDS3;
    let up = false;
    const n2 = p.count2,
      n3 = p.count3;
    for (let k = 0; k < n2; k++) {
      this.pwiId2[k] = p.id2[k];
      const a = p.signal2[2 * k],
        b = p.signal2[2 * k + 1];
      this.pwiSignal2[2 * k] = a;
      this.pwiSignal2[2 * k + 1] = b;
      if (a > 0 || b > 0) up = true;
    }
    for (let k = 0; k < n3; k++) {
      this.pwiId3[k] = p.id3[k];
      const a = p.signal3[3 * k],
        b = p.signal3[3 * k + 1],
        c = p.signal3[3 * k + 2];
      this.pwiSignal3[3 * k] = a;
      this.pwiSignal3[3 * k + 1] = b;
      this.pwiSignal3[3 * k + 2] = c;
      if (a > 0 || b > 0 || c > 0) up = true;
    }
    this.pwiBeams2 = n2;
    this.pwiBeams3 = n3;
    this.pwiTime = p.time;
    this.pwiAt = now;
    this.beamsAt = now;
    if (p.deviation !== null) this.deviation(p.deviation);
    this.beamsUp(n2 + n3 > 0, up);
  }

  /** The terminal family in force: the setting, else what was seen ("unknown" before either). */
  get family(): string {
    return FAMILY_NAMES[this.familyOverride || this.familySeen];
  }

  /** Setting terminalFamily: "auto", "bds2" or "bds3". */
  setFamily(setting: string): void {
    this.familyOverride = setting === "bds2" ? FAMILY_BDS2 : setting === "bds3" ? FAMILY_BDS3 : 0;
  }

  /** The detected family alone (status shows both when the setting overrides). */
  get detectedFamily(): string {
    return FAMILY_NAMES[this.familySeen];
  }

  /** A BDS-3 sentence decoded with another layout than the notes': counted, logged once per reason. */
  deviation(reason: string): void {
    const n = this.deviations.get(reason);
    if (n !== undefined) {
      this.deviations.set(reason, n + 1);
      return;
    }
    if (this.deviations.size >= 16) return;
    this.deviations.set(reason, 1);
    this.event("bds3.deviation", `${reason}: decoded as far as known (layout UNCONFIRMED)`);
  }

  /** BDS-3 TCI: sender and receiver the other way round when the receiver is not the own card but the sender is. */
  tciMessage(t: TciReport, now: number): void {
    let from = t.senderId,
      to = t.receiverId;
    if (this.cardKnown && this.cardPresent && to !== this.cardNumber && from === this.cardNumber) {
      from = t.receiverId;
      to = t.senderId;
      this.deviation(SWAPPED);
    }
    this.familySeen |= FAMILY_BDS3;
    if (t.deviation !== null) this.deviation(t.deviation);
    this.received(from, 1, t.mode, t.content, now, to);
  }

  /** A BDS-3 sentence with nothing else for the state (QRI, EPI's part past the RDSS fix): family and deviation. */
  bds3(deviation: string | null): void {
    this.familySeen |= FAMILY_BDS3;
    if (deviation !== null) this.deviation(deviation);
  }

  /** BDS-3 ICP: the card number only (the rest of ICP is UNCONFIRMED). */
  cardBds3(c: Bds3CardReport, now: number): void {
    this.familySeen |= FAMILY_BDS3;
    this.cardUpdate(c, now);
    if (c.deviation !== null) this.deviation(c.deviation);
  }

  /** BDS-2 ICI. */
  card(c: CardReport, now: number): void {
    this.familySeen |= FAMILY_BDS2;
    this.cardUpdate(c, now);
  }

  private cardUpdate(c: CardReport, now: number): void {
    const was = this.cardKnown ? (this.cardPresent ? this.cardNumber : 0) : -1;
    const wasAbsent = cardAbsentNow(this.cardKnown, this.cardPresent);
    this.cardKnown = true;
    this.cardPresent = !c.noCard;
    this.cardNumber = c.userId;
    this.cardSerial = c.serialNumber;
    this.serviceInterval = c.serviceInterval;
    this.level = c.level;
    this.encrypted = c.encryption === 0x45;
    this.cardAt = now;
    if (cardAbsentNow(this.cardKnown, this.cardPresent)) {
      if (!wasAbsent) this.event("card.absent", "no IC card in the terminal");
    } else if (was !== c.userId)
      this.event(
        "card.present",
        `IC card ${addr7(c.userId)}, service interval ${c.serviceInterval} s, level ${c.level}`,
      );
  }

  fki(k: FeedbackReport, now: number): void {
    // The command's name is built once per command seen (every FKI would build it
    // again otherwise), and the checks below compare packed numbers, not literals.
    const c = k.command;
    const cmd = this.nameOf(c);
    if (cmd === this.pendingCommand || (c === P_TCQ && this.pendingCommand === CMD_TXA))
      this.pendingCommand = NO_COMMAND;
    let fb = this.feedback.get(cmd);
    if (!fb) {
      if (this.feedback.size >= 16) return; // bounded: a terminal has a handful of commands
      fb = { at: now, accepted: false, reason: NaN, wait: NaN };
      this.feedback.set(cmd, fb);
    }
    fb.at = now;
    fb.accepted = k.accepted;
    fb.reason = k.reason;
    fb.wait = k.wait;
    if (k.accepted && (c === P_TXA || c === P_DWA || c === P_WAA || c === P_TCQ)) this.lastTransmitAt = now;
    if (!k.accepted) {
      const why = k.wait > 0 ? `, wait ${k.wait} s` : "";
      this.event("command.refused", `terminal refused ${cmd} (reason ${k.reason === k.reason ? k.reason : "?"}${why})`);
    }
  }

  /** Packed formatter/command -> its name (FKI commands, unknown $BD formatters), bounded. */
  private readonly names = new Map<number, string>();

  /** Name of a packed formatter or command, built once per name (not per sentence). */
  private nameOf(packed: number): string {
    let name = this.names.get(packed);
    if (name === undefined) {
      name = formatterName(packed);
      if (this.names.size < 64) this.names.set(packed, name);
    }
    return name;
  }

  /** BDS-2 TXR. */
  message(from: number, infoType: number, mode: number, c: MessageContent, now: number): void {
    this.familySeen |= FAMILY_BDS2;
    this.received(from, infoType, mode, c, now, NaN);
  }

  /** A received message: TXR (BDS-2) or TCI (BDS-3, with its receiver `to`). */
  private received(from: number, infoType: number, mode: number, c: MessageContent, now: number, to: number): void {
    const data = c.data.slice(0, c.length);
    const m: ReceivedMessage = { at: now, from: addr7(from) ?? "", infoType, mode, data };
    if (to === to) {
      m.to = addr7(to) ?? "";
      m.family = "bds3";
    } else m.family = "bds2";
    const text = contentText(c, this.decodeText);
    if (text !== undefined) m.text = text;
    this.messages.push(m);
    if (this.messages.length > this.o.maxMessages) this.messages.shift();
    this.messagesReceived++;
    this.event(
      "message.received",
      `short message from ${m.from}` +
        (text !== undefined ? `: ${text.length > 60 ? text.slice(0, 60) + "…" : text}` : ` (${data.length} bytes)`),
    );
  }

  private unknownRdss(formatter: string, d: DecodedSentence): void {
    const n = this.unknownFormatters.get(formatter);
    if (n !== undefined) {
      this.unknownFormatters.set(formatter, n + 1);
      return;
    }
    if (this.unknownFormatters.size >= 32) return; // bounded: logged once per formatter
    this.unknownFormatters.set(formatter, 1);
    this.event(
      "rdss.unknown",
      `unknown $BD${formatter} sentence forwarded undecoded: ${d.fields.strings().join(",").slice(0, 80)}`,
    );
  }

  /** Plain-object view for status pages and tests (cold path). */
  snapshot(now: number): Record<string, unknown> {
    this.syncRejects(now);
    const per = (a: Int16Array) => {
      const o: Record<string, number> = {};
      for (let s = 0; s < 7; s++) if (a[s]) o[SYSTEM_NAMES[s]] = a[s];
      return o;
    };
    const nn = (v: number) => (v === v ? v : null);
    return {
      rnss: {
        time: hms(this.fixTime),
        date:
          this.fixYear === this.fixYear
            ? `${this.fixYear}-${String(this.fixMonth).padStart(2, "0")}-${String(this.fixDay).padStart(2, "0")}`
            : null,
        lat: nn(this.latitude),
        lon: nn(this.longitude),
        quality: nn(this.quality),
        hdop: nn(this.hdop),
        altitude_m: nn(this.altitude),
        speed_kn: nn(this.speedKnots),
        course_deg: nn(this.courseTrue),
        satellitesUsed: per(this.satellitesUsed),
        satellitesInView: per(this.satellitesInView),
        age_s: this.fixAt === this.fixAt ? (now - this.fixAt) / 1000 : null,
      },
      rdss: {
        card: addr7(this.rdssUser),
        time: hms(this.rdssTime),
        lat: nn(this.rdssLatitude),
        lon: nn(this.rdssLongitude),
        height_m: nn(this.rdssHeight),
        sosType: nn(this.rdssSosType),
        sos: nn(this.rdssSos),
      },
      family: this.family,
      familyDetected: this.detectedFamily,
      beams: Array.from(this.beams, (p) => (p < 0 ? null : p)),
      bds3Beams:
        this.pwiAt === this.pwiAt
          ? {
              time: hms(this.pwiTime),
              bds2: Array.from(this.pwiId2.subarray(0, this.pwiBeams2), (id, k) => ({
                beam: id < 0 ? null : id,
                signal: [sv(this.pwiSignal2[2 * k]), sv(this.pwiSignal2[2 * k + 1])],
              })),
              bds3: Array.from(this.pwiId3.subarray(0, this.pwiBeams3), (id, k) => ({
                beam: id < 0 ? null : id,
                signal: [sv(this.pwiSignal3[3 * k]), sv(this.pwiSignal3[3 * k + 1]), sv(this.pwiSignal3[3 * k + 2])],
              })),
            }
          : null,
      deviations: Object.fromEntries(this.deviations),
      responseBeam: nn(this.responseBeam),
      card: this.cardKnown
        ? {
            present: this.cardPresent,
            card: addr7(this.cardNumber),
            serviceInterval_s: nn(this.serviceInterval),
            level: nn(this.level),
            encrypted: this.encrypted,
          }
        : null,
      selfCheck:
        this.selfCheckAt === this.selfCheckAt
          ? { ic: this.icState, hardware: this.hardwareState, battery: this.batteryState, inbound: this.inboundState }
          : null,
      feedback: Object.fromEntries(
        Array.from(this.feedback, ([k, f]) => [
          k,
          { accepted: f.accepted, reason: nn(f.reason), wait_s: nn(f.wait), remaining_s: this.remainingWait(k, now) },
        ]),
      ),
      transmitWait_s: this.transmitWait(now),
      messages: this.messages.map((m) => ({
        from: m.from,
        to: m.to,
        family: m.family,
        infoType: m.infoType,
        mode: m.mode,
        text: m.text ?? null,
        bytes: m.data.length,
      })),
      silent: this.silent,
      checksumErrors: this.checksumErrors,
    };
  }
}
