// What a sentence may tell the device: one narrow interface per concern (fix, beams,
// card, feedback, messages, self-check, status). A sentence module's `apply` takes only
// the interface it writes; DeviceState (state.ts) implements them all. Declared here,
// beside the kinds and importing nothing, so that no sentence module imports the state
// and the state may import the sentence modules (no import circle).
//
// Reports are the shapes of the records the modules already fill (ICI, FKI, Content):
// the record itself is passed, so an apply allocates nothing.

/** RNSS fix fields (GGA, RMC, GLL, GNS, VTG, ZDA, GSA, GSV). */
export interface FixTarget {
  fixTime: number;
  fixYear: number;
  fixMonth: number;
  fixDay: number;
  quality: number;
  hdop: number;
  altitude: number;
  speedKnots: number;
  courseTrue: number;
  satellitesUsedTotal: number;
  /** When the last fix sentence (valid or not) arrived. */
  fixAt: number;
  /** Indexed by NMEA 4.11 system ID (kind.ts SYS_*). */
  readonly satellitesUsed: Int16Array;
  readonly satellitesInView: Int16Array;
  /** A valid position (ends a "no fix" condition). */
  position(lat: number, lon: number, now: number): void;
  /** Satellites in view from GSV groups (SkyView, sky.ts): `filling` >= 0 while a group is copied. */
  readonly sky: {
    filling: number;
    begin(sys: number, g: SkySentence, now: number): boolean;
    more(g: SkySentence, now: number): void;
  };
}

/** One GSV sentence's satellites (the GSV record itself). */
export interface SkySentence {
  totalSentences: number;
  sentenceNumber: number;
  /** NMEA 4.10 signal ID, NaN when absent. */
  signalId: number;
  count: number;
  readonly id: ArrayLike<number>;
  readonly elevation: ArrayLike<number>;
  readonly azimuth: ArrayLike<number>;
  readonly snr: ArrayLike<number>;
}

/** RDSS fix (DWR). */
export interface RdssFixTarget {
  rdssUser: number;
  rdssTime: number;
  rdssLatitude: number;
  rdssLongitude: number;
  rdssHeight: number;
  rdssAt: number;
}

/** RDSS beams (BSI, ZTI). */
export interface BeamTarget {
  responseBeam: number;
  timeDifferenceBeam: number;
  setBeams(power: Int8Array, count: number, now: number): void;
}

/** An IC card report (ICI's record). */
export interface CardReport {
  readonly noCard: boolean;
  readonly userId: number;
  readonly serialNumber: number;
  readonly serviceInterval: number;
  readonly level: number;
  /** 'E' encrypted. */
  readonly encryption: number;
}

export interface CardTarget {
  card(c: CardReport, now: number): void;
}

/** Feedback on a command (FKI's record). */
export interface FeedbackReport {
  /** Command answered, 3 letters packed. */
  readonly command: number;
  readonly accepted: boolean;
  readonly reason: number;
  readonly wait: number;
}

export interface FeedbackTarget {
  fki(k: FeedbackReport, now: number): void;
}

/** Short-message content (sentences/content.ts Content). */
export interface MessageContent {
  readonly data: Uint8Array;
  readonly length: number;
  readonly oddNibble: boolean;
}

export interface MessageTarget {
  message(from: number, infoType: number, mode: number, c: MessageContent, now: number): void;
}

/** Terminal self-check (ZTI). */
export interface SelfCheckTarget extends BeamTarget, StatusTarget {
  icState: number;
  hardwareState: number;
  batteryState: number;
  inboundState: number;
  selfCheckAt: number;
}

/** Conditions reported as events (TXT antenna, WAA position reports). */
export interface StatusTarget {
  antennaBad: boolean;
  event(code: string, text: string): void;
}

// ---- BDS-3 RSMC (PWI, ICP, TCI, EPI, QRI). Each marks the terminal as BDS-3 (DeviceState.family)
// and counts a `deviation`: the layout decoded differs from the notes' (UNCONFIRMED), so
// the sentence was decoded as far as known instead of being rejected.

/** Beams of both families with their signal values (PWI's record). */
export interface PwiReport {
  /** Seconds since midnight, NaN when none. */
  readonly time: number;
  readonly count2: number;
  readonly count3: number;
  /** Beam ids; signal values flat, 2 per BDS-2 beam, 3 per BDS-3 beam; -1 empty. */
  readonly id2: Int16Array;
  readonly signal2: Int16Array;
  readonly id3: Int16Array;
  readonly signal3: Int16Array;
  readonly deviation: string | null;
}

/** A BDS-3 card report (ICP's record: the card number; the rest NaN). */
export interface Bds3CardReport extends CardReport {
  readonly deviation: string | null;
}

/** A received BDS-3 message (TCI's record). */
export interface TciReport {
  readonly senderId: number;
  readonly receiverId: number;
  /** The TXR transfer mode the content was read in (0 Chinese, 1 code, 2 mixed). */
  readonly mode: number;
  readonly content: MessageContent;
  readonly deviation: string | null;
}

export interface Bds3Target {
  setPwiBeams(p: PwiReport, now: number): void;
  cardBds3(c: Bds3CardReport, now: number): void;
  /** Sender and receiver checked against the own card (some terminals swap them). */
  tciMessage(t: TciReport, now: number): void;
  /** A BDS-3 sentence seen (family), with its deviation or null. */
  bds3(deviation: string | null): void;
}

/** BDS-3 EPI: the RDSS fix (as DWR) with its SOS fields (meanings UNCONFIRMED). */
export interface EmergencyTarget extends RdssFixTarget, Bds3Target {
  rdssSosType: number;
  rdssSos: number;
}

/** Everything a sentence may tell: what SentenceKind.apply receives (DeviceState implements it). */
export interface DeviceTarget
  extends FixTarget,
    RdssFixTarget,
    BeamTarget,
    CardTarget,
    FeedbackTarget,
    MessageTarget,
    SelfCheckTarget,
    StatusTarget,
    EmergencyTarget {}
