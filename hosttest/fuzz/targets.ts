// Property-based fuzz targets (fast-check), shared by the bounded mocha run
// (hosttest/fuzz.test.ts) and the long runner (`npm run fuzz -- --runs N`).
//
// Each target is one fast-check property over one component, judged by code that
// does not share its bugs: the reference sentence extractor and the strict 450
// reader of hosttest/lib/strict-reader.ts, and plain arithmetic on the counters.
// Every array/string arbitrary says `size: "max"`: fast-check's default size would
// cap them at about 10 elements whatever maxLength says.
// Properties never depend on luck: where random bytes could legitimately change
// the answer (a random RDSS 4.0 frame that happens to be valid) the property says
// so explicitly (e.g. "when no frame was recognised") instead of hoping.

import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SentenceDecoder } from "../../src/beidou/decoder";
import { encodeFrame, FrameDecoder } from "../../src/beidou/rdss40";
import { reencodeCommand } from "../../src/beidou/reencode";
import { DECODER_TABLE, FRAME_KINDS, RDSS40_COMMAND_KEYS, RDSS40_COMMANDS } from "../../src/beidou/table";
import { gatewayHooks } from "../../src/beidou/wiring";
import { Console } from "../../src/console/console";
import { GatewayConsoleHost } from "../../src/console/gateway-host";
import { LineEditor } from "../../src/console/line-editor";
import { loadSettings } from "../../src/console/persist";
import { DEFAULT_CONFIG, type GatewayConfig, makeConfig, type OverlongPolicy } from "../../src/core/config";
import { type FramerCounters, REJECT_REASONS, SentenceFramer } from "../../src/core/framer";
import { Gateway } from "../../src/core/gateway";
import { GROUP_COUNT, RCOM } from "../../src/core/groups";
import type { SerialInstance, SerialOptions, Timers } from "../../src/core/io";
import { NetworkSide } from "../../src/core/netside";
import { PcapError, pcapHeader, pcapRecord, readPcap } from "../../src/core/pcap";
import { DISCARD_REASONS, Iec450Receiver, type ReceiverCounters, sentenceText } from "../../src/core/receiver";
import { NOTE_N_INVALID, NOTE_N_ZERO } from "../../src/core/tagblock";
import { fixedClock } from "../../src/platform/node/host";
import { SettingsFile } from "../../src/platform/node/settings-file";
import { defaultConfig, SETTINGS, validateConfig } from "../../src/settings/settings";
import { MemoryStore } from "../lib/memory-store";
import { IEC450_CORPUS } from "../lib/paths";
import {
  readDatagram,
  referenceSentences,
  type StrictLine,
  StrictReadError,
  StrictStream,
  uartSentences,
} from "../lib/strict-reader";
import { hex2, tag as tagBlock, sentence as withSum, xorText } from "../lib/text";
import { material } from "./material";

export interface FuzzTarget {
  name: string;
  /** What the property asserts (printed by the runner and in the README). */
  claim: string;
  /** Cases per target in `npm test`. */
  testRuns: number;
  property(): fc.IProperty<any>;
  /** After a run: undefined when the inputs reached every outcome the claim needs, else what was missing. */
  coverage?(): string | undefined;
}

// ---------------------------------------------------------------------------------
// helpers

const CRLF = Uint8Array.of(0x0d, 0x0a);

function concat(parts: ReadonlyArray<Uint8Array>): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function latin1(b: Uint8Array, start = 0, end = b.length): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString("latin1");
}

function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(what);
}

/** Counters of the framer add up: every unit ends as exactly one sentence, frame or reject. */
function framerArithmetic(c: FramerCounters, fed: number): void {
  check(c.bytes === fed, `bytes counted ${c.bytes} != fed ${fed}`);
  check(
    c.units === c.sentences + c.frames + c.rejected,
    `units ${c.units} != sentences ${c.sentences} + frames ${c.frames} + rejected ${c.rejected}`,
  );
  let sum = 0;
  for (const r of REJECT_REASONS) sum += c[r];
  check(c.rejected === sum, `rejected ${c.rejected} != sum of reasons ${sum}`);
}

/** Feed `stream` in chunks whose sizes cycle through `splits` (a UART driver's arbitrary reads). */
function feedChunked(f: SentenceFramer, stream: Uint8Array, splits: number[]): void {
  let i = 0,
    k = 0;
  while (i < stream.length) {
    const n = splits.length ? splits[k++ % splits.length] : stream.length;
    const end = Math.min(stream.length, i + n);
    f.feed(stream, i, end);
    i = end;
  }
  f.flush();
}

/**
 * Is `sub` an ordered subsequence of `all`? An element of `sub` may also be found as
 * the tail of a longer element of `all`: a line holding a start character is one
 * sentence when it validates from its earlier start (raw-text messages, framer.ts),
 * which includes noise with no line end followed by a sentence when the joined
 * line happens to validate (1 in 256 for noise shaped like a sentence start).
 */
function isSubsequence(sub: string[], all: string[]): boolean {
  let j = 0;
  for (let i = 0; i < all.length && j < sub.length; i++) if (all[i] === sub[j] || all[i].endsWith(sub[j])) j++;
  return j === sub.length;
}

interface FramerRun {
  sentences: string[];
  frames: string[];
  trace: string[];
  counters: FramerCounters;
}

function runFramer(stream: Uint8Array, splits: number[], maxLength: number, binaryFrames: boolean): FramerRun {
  const sentences: string[] = [],
    frames: string[] = [],
    trace: string[] = [];
  const f = new SentenceFramer({
    maxLength,
    binaryFrames,
    frameCommands: RDSS40_COMMAND_KEYS,
    onSentence: (b, n) => {
      const s = latin1(b, 0, n);
      sentences.push(s);
      trace.push("S" + s);
    },
    onFrame: (b, n) => {
      const s = latin1(b, 0, n);
      frames.push(s);
      trace.push("F" + s);
    },
    onReject: (r, b, n) => trace.push("R" + r + ":" + latin1(b, 0, n)),
  });
  feedChunked(f, stream, splits);
  framerArithmetic(f.counters, stream.length);
  return { sentences, frames, trace, counters: f.counters };
}

// ---------------------------------------------------------------------------------
// arbitraries

/** Bytes biased towards the characters that matter to a framer. */
const interestingByte = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(0x24, 0x21, 0x2a, 0x5c, 0x2c, 0x0d, 0x0a, 0x00, 0x7f, 0x80, 0xb5, 0xff, 0x5e),
  },
  { weight: 4, arbitrary: fc.constantFrom(...Array.from("GPNBDTXRLJC0123456789ABCDEF.,", (c) => c.charCodeAt(0))) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
);

const noise = fc.array(interestingByte, { maxLength: 48, size: "max" }).map((a) => Uint8Array.from(a));
/** Noise without '$' or '!': cannot start a unit, so it cannot hide or form anything. */
const quietNoise = noise.map((b) => b.map((c) => (c === 0x24 || c === 0x21 ? 0x23 : c)));
const lineEnd = fc.constantFrom(CRLF, Uint8Array.of(0x0a), Uint8Array.of(0x0d), Uint8Array.of(0x0d, 0x0d, 0x0a));
const splits = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 0, maxLength: 6, size: "max" });

function validSentence() {
  const m = material();
  return fc.integer({ min: 0, max: m.valid.length - 1 }).map((i) => m.valid[i]);
}

function corpusLine() {
  const m = material();
  return fc.integer({ min: 0, max: m.lines.length - 1 }).map((i) => m.lines[i]);
}

type Mutation = { kind: "flip" | "set" | "insert" | "delete" | "truncate"; at: number; value: number; len: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom("flip", "set", "insert", "delete", "truncate") as fc.Arbitrary<Mutation["kind"]>,
  at: fc.nat(),
  value: interestingByte,
  len: fc.integer({ min: 1, max: 8 }),
});

/** The byte edits both mutators make (insert `value`, delete `len` bytes, truncate) at `at`; returns the edited array. */
function byteEdit(
  b: number[],
  kind: "insert" | "delete" | "truncate",
  at: number,
  value: number,
  len: number,
): number[] {
  if (kind === "insert") b.splice(at, 0, value);
  else if (kind === "delete") b.splice(at, len);
  else return b.slice(0, at);
  return b;
}

function mutate(src: Uint8Array, muts: Mutation[], allowStart = true): Uint8Array {
  let b = Array.from(src);
  for (const m of muts) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    let v = m.value;
    if (!allowStart && (v === 0x24 || v === 0x21)) v = 0x23;
    switch (m.kind) {
      case "flip": {
        const x = b[at] ^ (1 << (m.value & 7));
        b[at] = !allowStart && (x === 0x24 || x === 0x21) ? b[at] : x;
        break;
      }
      case "set":
        b[at] = v;
        break;
      default:
        b = byteEdit(b, m.kind, at, v, m.len);
    }
  }
  return Uint8Array.from(b);
}

/** A stream item: an intended valid sentence (recorded), a corrupted one, a corpus line, or noise. */
type Item = { bytes: Uint8Array; intended?: string };

function textItems(allowStartInNoise: boolean): fc.Arbitrary<Item> {
  const n = allowStartInNoise ? noise : quietNoise;
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.tuple(validSentence(), lineEnd).map(([s, e]) => ({ bytes: concat([s, e]), intended: latin1(s) })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(validSentence(), fc.array(mutation, { minLength: 1, maxLength: 3, size: "max" }), lineEnd)
        .map(([s, ms, e]) => ({ bytes: concat([mutate(s, ms, allowStartInNoise), e]) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(corpusLine(), lineEnd)
        .map(([s, e]) => ({ bytes: allowStartInNoise ? concat([s, e]) : concat([mutate(s, [], false), e]) })),
    },
    { weight: 2, arbitrary: n.map((b) => ({ bytes: b })) },
  );
}

/** A genuine RDSS 4.0 frame of one of the framer's commands (length fits maxLength 300). */
const frameArb = fc
  .record({
    command: fc.constantFrom(...RDSS40_COMMANDS),
    user: fc.integer({ min: 0, max: 0xffffff }),
    payload: fc.uint8Array({ maxLength: 120, size: "max" }),
  })
  .map((r) => encodeFrame(r.command, r.user, r.payload));

/** Frames the Beidou decoders know (FRAME_KINDS), with random payloads. */
const knownFrameArb = fc
  .record({
    kind: fc.integer({ min: 0, max: FRAME_KINDS.length - 1 }),
    user: fc.integer({ min: 0, max: 0xffffff }),
    payload: fc.uint8Array({ maxLength: 100, size: "max" }),
  })
  .map((r) => encodeFrame(FRAME_KINDS[r.kind].name, r.user, r.payload));

// ---------------------------------------------------------------------------------
// framer

const framerRandomBytes: FuzzTarget = {
  name: "framer.random-bytes",
  claim:
    "random bytes at random chunk splits: no exception; units = sentences + frames + rejected and rejected = sum of reasons; " +
    "the same trace for every chunking; the sentences are exactly the reference extractor's (whenever no 4.0 frame was recognised)",
  testRuns: 2500,
  property: () =>
    fc.property(
      fc.array(interestingByte, { maxLength: 700, size: "max" }),
      splits,
      fc.constantFrom(82, 300, 1024),
      fc.boolean(),
      (arr, sp, maxLength, binary) => {
        const stream = Uint8Array.from(arr);
        const a = runFramer(stream, sp, maxLength, binary);
        const whole = runFramer(stream, [], maxLength, binary);
        check(JSON.stringify(a.trace) === JSON.stringify(whole.trace), "trace depends on the chunking");
        if (!binary || a.counters.frames === 0) {
          const ref = referenceSentences(stream, maxLength);
          check(
            JSON.stringify(a.sentences) === JSON.stringify(ref),
            `sentences ${JSON.stringify(a.sentences)} != reference ${JSON.stringify(ref)}`,
          );
        }
      },
    ),
};

const framerCorpus: FuzzTarget = {
  name: "framer.corpus-corrupted",
  claim:
    "real corpus and RDSS sentences, corrupted ones (bit flips, inserted/deleted bytes, truncation), real invalid lines and noise, " +
    "at random chunk splits: every valid sentence comes out exactly once, byte-identical and in order (= reference extractor), " +
    "every intended sentence among them (or as the tail of a longer line that validates from an earlier start); counters add up",
  testRuns: 2500,
  property: () =>
    fc.property(
      fc.array(textItems(true), { maxLength: 24, size: "max" }),
      splits,
      fc.boolean(),
      (items, sp, binary) => {
        const stream = concat(items.map((i) => i.bytes));
        const r = runFramer(stream, sp, 300, binary);
        const intended = items.filter((i) => i.intended !== undefined).map((i) => i.intended!);
        if (!binary || r.counters.frames === 0) {
          const ref = referenceSentences(stream, 300);
          check(
            JSON.stringify(r.sentences) === JSON.stringify(ref),
            `sentences != reference\n got ${JSON.stringify(r.sentences)}\n ref ${JSON.stringify(ref)}`,
          );
          check(isSubsequence(intended, r.sentences), "an intended valid sentence is missing or out of order");
        }
      },
    ),
};

const framerFrames: FuzzTarget = {
  name: "framer.rdss40-frames",
  claim:
    "genuine RDSS 4.0 frames (payloads with $, CR, LF) between valid, corrupted sentences and noise: every frame comes out once, " +
    "byte-identical, in order; every valid sentence too (reference extractor with each frame cut out)",
  testRuns: 2000,
  property: () =>
    fc.property(
      fc.array(
        fc.oneof(
          { weight: 3, arbitrary: textItems(false) },
          { weight: 1, arbitrary: frameArb.map((f) => ({ bytes: f, frame: true }) as Item & { frame?: boolean }) },
        ),
        { maxLength: 20, size: "max" },
      ),
      splits,
      (items, sp) => {
        const stream = concat(items.map((i) => i.bytes));
        const r = runFramer(stream, sp, 300, true);
        const wantFrames = items.filter((i) => (i as { frame?: boolean }).frame).map((i) => latin1(i.bytes));
        check(
          JSON.stringify(r.frames) === JSON.stringify(wantFrames),
          `frames ${r.frames.length} != ${wantFrames.length} intended`,
        );
        // A frame's '$' ends the unit before it; the text after it starts fresh: "$\n" models both.
        const cut = concat(items.map((i) => ((i as { frame?: boolean }).frame ? Uint8Array.of(0x24, 0x0a) : i.bytes)));
        const ref = referenceSentences(cut, 300);
        check(
          JSON.stringify(r.sentences) === JSON.stringify(ref),
          `sentences != reference\n got ${JSON.stringify(r.sentences)}\n ref ${JSON.stringify(ref)}`,
        );
        const intended = items.filter((i) => i.intended !== undefined).map((i) => i.intended!);
        check(isSubsequence(intended, r.sentences), "an intended valid sentence is missing or out of order");
      },
    ),
};

// ---------------------------------------------------------------------------------
// gateway: framer -> decoders -> router -> encoder -> datagrams

const gatewayPipeline: FuzzTarget = {
  name: "gateway.pipeline",
  claim:
    "UART stream (valid/corrupted sentences, decodable 4.0 frames, noise) through the whole gateway core with the Beidou wiring: " +
    "every datagram passes the independent strict 450 reader with the sender limits; reassembled, the datagrams are exactly the " +
    "forwarded sentences in order; n runs without gaps; forwarded = sentences + converted frames; counters add up",
  testRuns: 1500,
  property: () =>
    fc.property(
      fc.array(
        fc.oneof(
          { weight: 4, arbitrary: textItems(true) },
          { weight: 1, arbitrary: knownFrameArb.map((f) => ({ bytes: f })) },
        ),
        { maxLength: 20, size: "max" },
      ),
      splits,
      fc.record({
        sfi: fc.constantFrom("BD0001", "GP0042", "ZZ9999"),
        tagTime: fc.boolean(),
        overlong: fc.constantFrom("carry", "drop") as fc.Arbitrary<OverlongPolicy>,
        maxLine: fc.constantFrom(82, 300, 1024),
        groupMap: fc.constantFrom("", "ZDA=TIME;GP*=USR1", "BDGSV=SATD;TXR=MISC"),
      }),
      (items, sp, cfg) => {
        const stream = concat(items.map((i) => i.bytes));
        const hooks = gatewayHooks({ clock: { now: () => 1700000000000 } });
        const expected: string[] = [];
        let converted = 0;
        const datagrams: Array<[Uint8Array, number]> = [];
        const gw = new Gateway({
          config: makeConfig(cfg),
          clock: fixedClock(1700000000000),
          fieldLimits: hooks.fieldLimits,
          onUnit: (kind, b, n) => {
            hooks.onUnit(kind, b, n);
            if (kind === "sentence") expected.push(latin1(b, 0, n));
          },
          convertFrame: (frame, n, out) => {
            const k = hooks.convertFrame(frame, n, out);
            if (k > 0) {
              expected.push(latin1(out, 0, k));
              converted++;
            }
            return k;
          },
          onDatagram: (b, n, g) => datagrams.push([b.slice(0, n), g]),
        });
        let i = 0,
          k = 0;
        while (i < stream.length) {
          const end = Math.min(stream.length, i + (sp.length ? sp[k++ % sp.length] : stream.length));
          gw.feed(stream, i, end);
          i = end;
        }
        gw.framer.flush();
        const f = gw.framer.counters;
        framerArithmetic(f, stream.length);
        check(gw.counters.forwarded === f.sentences + converted, "forwarded != sentences + converted frames");
        check(gw.counters.framesNotConverted + converted === f.frames, "frames != converted + not converted");
        check(gw.counters.datagrams === datagrams.length, "datagram counter != datagrams emitted");
        const e = gw.encoder.counters;
        check(e.sentences === gw.counters.forwarded, "encoder sentences != forwarded");
        // 61162-1: printable ASCII, and no reserved character in the fields ('^' only as "^HH").
        // Free-text TXR (5 fields) / TXA (4): more commas means commas inside the text.
        const fieldsOk = (s: string) => {
          const body = s.slice(1, -3),
            fields = body.split(",").length - 1,
            address = body.split(",")[0];
          return !(address.endsWith("TXR") && fields > 5) && !(address.endsWith("TXA") && fields > 4);
        };
        const strictlyOk = (s: string) =>
          s.length <= 80 &&
          /^[\x20-\x7e]*$/.test(s.slice(1)) &&
          !/[$!*\\~]|\^(?![0-9A-Fa-f]{2})/.test(s.slice(1, -3)) &&
          fieldsOk(s);
        const want = cfg.overlong === "drop" ? expected.filter(strictlyOk) : expected;
        check(
          e.overlongDropped === expected.length - want.length,
          "overlongDropped != sentences that a strict receiver would refuse",
        );
        const stream450 = new StrictStream();
        const got: string[] = [];
        for (const [d, g] of datagrams) {
          check(g >= 1 && g <= GROUP_COUNT, `group index ${g}`);
          let lines: StrictLine[];
          try {
            lines = readDatagram(d, { sendLimits: true });
          } catch (err) {
            throw new Error(
              `datagram refused by the strict reader (${(err as Error).message}): ${JSON.stringify(latin1(d))}`,
            );
          }
          for (const l of lines) {
            check(l.source === cfg.sfi, "s: is not the gateway's SFI");
            got.push(...stream450.accept(l));
          }
        }
        check(stream450.gaps === 0, "line count n has gaps");
        check(
          JSON.stringify(got) === JSON.stringify(want),
          `datagrams carry ${got.length} sentences, expected ${want.length}`,
        );
      },
    ),
};

// ---------------------------------------------------------------------------------
// 450 receiver

function receiverArithmetic(c: ReceiverCounters): void {
  check(c.datagrams === c.accepted + c.discarded, "datagrams != accepted + discarded");
  let sum = 0;
  for (const r of DISCARD_REASONS) sum += c[r[1]] as number;
  check(c.discarded === sum, `discarded ${c.discarded} != sum of reasons ${sum}`);
  check(
    c.sentences === c.delivered + c.noSource + c.ownSource + c.duplicates + c.otherDestination,
    "sentences != delivered + noSource + ownSource + duplicates + otherDestination",
  );
}

type DMut = {
  kind: "flip" | "set" | "insert" | "delete" | "truncate" | "splice" | "pad";
  at: number;
  value: number;
  len: number;
  other: number;
};
const dmutation: fc.Arbitrary<DMut> = fc.record({
  kind: fc.constantFrom("flip", "set", "insert", "delete", "truncate", "splice", "pad") as fc.Arbitrary<DMut["kind"]>,
  at: fc.nat(),
  value: interestingByte,
  len: fc.integer({ min: 1, max: 12 }),
  other: fc.nat(),
});

function mutateDatagram(src: Uint8Array, muts: DMut[], pool: Uint8Array[]): Uint8Array {
  let b = Array.from(src);
  for (const m of muts) {
    const at = b.length ? m.at % b.length : 0;
    switch (m.kind) {
      case "flip":
        if (b.length) b[at] ^= 1 << (m.value & 7);
        break;
      case "set":
        if (b.length) b[at] = m.value;
        break;
      case "insert":
      case "delete":
      case "truncate":
        b = byteEdit(b, m.kind, at, m.value, m.len);
        break;
      case "splice": {
        const o = pool[m.other % pool.length];
        b = b.concat(Array.from(o.subarray(6)));
        break;
      }
      case "pad":
        b = b.concat(new Array(Math.max(0, 1472 - b.length) + (m.len % 3)).fill(0x41));
        break;
    }
  }
  return Uint8Array.from(b);
}

const receiverMutated: FuzzTarget = {
  name: "receiver.mutated",
  claim:
    "captures of the iec450 corpus and encoder output, mutated (bit flips, bytes set/inserted/deleted, truncation, lines of " +
    "another datagram appended, padding past 1472): no exception; datagrams = accepted + discarded, discarded = sum of reasons, " +
    "sentences = delivered + ignored by status; unmutated encoder output is accepted whole; whatever the receiver accepts " +
    "(8-bit bytes, n:0/invalid and source-less lines aside) the independent strict reader accepts too, with the same sentences",
  testRuns: 2500,
  property: () => {
    const m = material();
    const pool = [...m.captures, ...m.encoded];
    return fc.property(
      fc.integer({ min: 0, max: pool.length - 1 }),
      fc.array(dmutation, { maxLength: 4, size: "max" }),
      (idx, muts) => {
        const src = pool[idx];
        const d = mutateDatagram(src, muts, pool);
        const rx = new Iec450Receiver({ dedupWindow: 500 });
        const v = rx.receive(d, d.length, 4);
        receiverArithmetic(rx.counters);
        if (muts.length === 0 && idx >= m.captures.length)
          check(v.verdict === "accept", `encoder output discarded: ${v.reason}`);
        if (v.verdict !== "accept") {
          check(v.sentences.length === 0 && rx.counters.delivered === 0, "a discarded datagram delivered sentences");
          return;
        }
        const lax = v.notes & (NOTE_N_ZERO | NOTE_N_INVALID);
        if (lax || v.sentences.some((s) => s.status === "no-source")) return;
        let lines: StrictLine[];
        try {
          lines = readDatagram(d);
        } catch (err) {
          if (err instanceof StrictReadError)
            throw new Error(
              `receiver accepted what the strict reader refuses (${err.message}): ${JSON.stringify(latin1(d))}`,
            );
          throw err;
        }
        const mine = v.sentences.filter((s) => s.status !== "tag-only").map((s) => sentenceText(s));
        check(
          JSON.stringify(mine) === JSON.stringify(lines.map((l) => l.sentence)),
          "receiver and strict reader disagree on the sentences",
        );
      },
    );
  },
};

/** Capture files for `bd450 check`: the corpus pcaps read in place, plus one written by our pcap writer. */
function pcapFiles(): Uint8Array[] {
  const dir = IEC450_CORPUS;
  const files: Uint8Array[] = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".pcap"))
    .sort()
    .map((f) => new Uint8Array(fs.readFileSync(path.join(dir, f))));
  const m = material();
  const parts: Uint8Array[] = [pcapHeader()];
  m.encoded.slice(0, 20).forEach((d, i) => {
    parts.push(
      pcapRecord(
        {
          time: 1700000000000 + i,
          srcAddress: "172.16.1.45",
          srcPort: 50000,
          dstAddress: "239.192.0.4",
          dstPort: 60004,
        },
        d,
        i,
      ),
    );
  });
  files.push(concat(parts));
  return files;
}

const pcapMutated: FuzzTarget = {
  name: "pcap.mutated",
  claim:
    "capture files (the iec450 corpus, read in place, and one written by the pcap writer), mutated: the reader either reads " +
    "them or refuses with a PcapError naming the reason; never another exception; every packet handed on is a view inside the file",
  testRuns: 2000,
  property: () => {
    const files = pcapFiles();
    return fc.property(
      fc.integer({ min: 0, max: files.length - 1 }),
      fc.array(dmutation, { maxLength: 4, size: "max" }),
      (idx, muts) => {
        const b = mutateDatagram(
          files[idx],
          muts.filter((m) => m.kind !== "splice" && m.kind !== "pad"),
          material().encoded,
        );
        let packets = 0;
        try {
          readPcap(b, (p) => {
            packets++;
            check(
              p.payload.buffer === b.buffer &&
                p.payload.byteOffset >= 0 &&
                p.payload.byteOffset + p.payload.length <= b.byteLength,
              "payload outside the file",
            );
            const rx = new Iec450Receiver();
            rx.receive(p.payload, p.payload.length, 0);
            receiverArithmetic(rx.counters);
          });
        } catch (e) {
          if (!(e instanceof PcapError))
            throw new Error(`readPcap threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        }
        void packets;
      },
    );
  },
};

type Hostile = { kind: string; bytes: Uint8Array; mayDeliver: boolean };

const OWN = "BD0001";

/** Hostile datagrams for a gateway whose SFI is BD0001. */
const hostileArb: fc.Arbitrary<Hostile> = fc
  .record({
    kind: fc.constantFrom(
      "spoof-d-other",
      "d-own",
      "no-d",
      "own-source",
      "bad-tag-checksum",
      "wrong-token",
      "oversize",
      "injection",
      "nonconformant-d",
      "no-tag",
    ),
    src: fc.constantFrom("EI0001", "EI0002", "XX1234", "BD0002"),
    other: fc.constantFrom("BD0002", "EI0001", "ZZ9999"),
    n: fc.integer({ min: 1, max: 999 }),
    field: fc
      .array(fc.constantFrom(..."ABC123,.$*\\\r\n!^~ ".split("")), { maxLength: 12, size: "max" })
      .map((a) => a.join("")),
    token: fc.constantFrom("UdPbc", "RaUdP", "RrUdP", "NkPgN", "RrTcP", "UDPBC", "XXXXX", "UdPb"),
  })
  .map((r) => {
    const sentence = withSum("CCTXA,0179773,1,2,48656C6C6F");
    const line = (tags: string, s = sentence) => tags + s + "\r\n";
    let body: string,
      token = "UdPbC",
      mayDeliver = false;
    switch (r.kind) {
      case "spoof-d-other":
        body = line(tagBlock(`s:${r.src},n:${r.n},d:${r.other}`));
        break;
      case "d-own":
        body = line(tagBlock(`s:${r.src},n:${r.n},d:${OWN}`));
        mayDeliver = true;
        break;
      case "no-d":
        body = line(tagBlock(`s:${r.src},n:${r.n}`));
        mayDeliver = true;
        break;
      case "own-source":
        body = line(tagBlock(`s:${OWN},n:${r.n}`));
        break;
      case "bad-tag-checksum": {
        const t = tagBlock(`s:${r.src},n:${r.n},d:${OWN}`);
        const wrong = ((parseInt(t.slice(-3, -1), 16) + 1 + (r.n % 200)) & 0xff)
          .toString(16)
          .toUpperCase()
          .padStart(2, "0");
        body = line(t.slice(0, -3) + wrong + "\\");
        break;
      }
      case "wrong-token":
        body = line(tagBlock(`s:${r.src},n:${r.n},d:${OWN}`));
        token = r.token;
        break;
      case "oversize":
        body = line(tagBlock(`s:${r.src},n:${r.n},d:${OWN}`)).repeat(40);
        break;
      case "injection": {
        // Reserved characters in a field: the sender computed a "valid" checksum over them anyway.
        const s = withSum(`CCTXA,0179773,1,2,${r.field}`);
        body = line(tagBlock(`s:${r.src},n:${r.n},d:${OWN}`), s);
        mayDeliver = !/[$*\\\r\n!]/.test(r.field);
        break;
      }
      case "nonconformant-d":
        body = line(tagBlock(`s:${r.src},n:${r.n},d:${r.field.replace(/[\\*,:\r\n]/g, "") || "X"}`));
        break;
      default:
        body = line("");
        break; // no TAG block at all: no source
    }
    return { kind: r.kind, bytes: Uint8Array.from(Buffer.from(token + "\0" + body, "latin1")), mayDeliver };
  });

const receiverHostile: FuzzTarget = {
  name: "receiver.hostile",
  claim:
    "sequences of hostile datagrams for own SFI BD0001 (d: spoofed to another SFI, non-conformant d:, our own s: looped back, bad TAG " +
    "checksums, wrong/other tokens, > 1472 bytes, `$ * \\ CR LF !` inside fields, no TAG block): none of them is ever delivered; " +
    "delivered sentences carry a conformant foreign s: and no d: or d:BD0001, and contain no reserved character; counters add up",
  testRuns: 1500,
  property: () =>
    fc.property(fc.array(hostileArb, { minLength: 1, maxLength: 30, size: "max" }), (list) => {
      const rx = new Iec450Receiver({ ownSfi: OWN });
      for (const h of list) {
        const before = rx.counters.delivered;
        const v = rx.receive(h.bytes, h.bytes.length, 6);
        const delivered = rx.counters.delivered - before;
        if (!h.mayDeliver) check(delivered === 0, `hostile ${h.kind} delivered: ${JSON.stringify(latin1(h.bytes))}`);
        for (const s of v.sentences) {
          if (s.status !== "ok") continue;
          check(s.source !== null && s.source !== OWN, "delivered without a foreign source");
          check(s.destination === null || s.destination === OWN, `delivered with d:${s.destination}`);
          const t = sentenceText(s);
          check(
            !/[\r\n\\*]/.test(t.slice(0, -3)) && !/[$!]/.test(t.slice(1)),
            `delivered sentence with a reserved character: ${JSON.stringify(t)}`,
          );
        }
      }
      receiverArithmetic(rx.counters);
    }),
};

// ---------------------------------------------------------------------------------
// network commands -> UART (the gateway's command gate, src/core/netside.ts)

const CMD_FIELD_CHARS = Array.from("0123456789ABCDEFNSEWHLAVM.-", (c) => c.charCodeAt(0)).concat([
  0x20, 0x5e, 0x7e, 0x2c, 0xb1, 0xb6, 0x24, 0x2a, 0x5c, 0x21, 0x0d, 0x0a,
]);
const cmdField = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...CMD_FIELD_CHARS), { maxLength: 10, size: "max" })
      .map((a) => Buffer.from(a).toString("latin1")),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      "0",
      "1",
      "2",
      "0179773",
      "0242286",
      "10",
      "BSI",
      "A4",
      "A448656C6C6F",
      "48656C6C6F",
      "2230.1234",
      "11400.5678",
      "N",
      "E",
      "M",
      "H",
      "L",
      "A",
      "V",
      "080000.00",
    ),
  },
);
/** Well-formed commands (beidou.md examples); fields are then replaced at random. */
const CMD_TEMPLATES: string[][] = [
  ["CCICA", "0", "00"],
  ["CCRMO", "BSI", "2", "10"],
  ["CCBSS", "01", "02"],
  ["CCTXA", "0179773", "1", "2", "A448656C6C6F"],
  ["CCTXA", "0179773", "1", "1", "48656C6C6F"],
  ["CCTXA", "0179773", "0", "0", "Hello"],
  ["CCDWA", "0242286", "V", "1", "L", "", "", "", "", ""],
  ["CCWAA", "1", "10", "0179773", "080000.00", "2230.1234", "N", "11400.5678", "E", "12.5", "M"],
  ["CCXYZ", "1"],
  ["GPGGA", "1"],
];
const commandArb = fc
  .record({
    src: fc.constantFrom("EI0001", "EI0002", "EI0009", "BD0001"),
    dest: fc.constantFrom("BD0001", "BD0001", "BD0002", "", "bd0001"),
    template: fc.integer({ min: 0, max: CMD_TEMPLATES.length - 1 }),
    changes: fc.array(fc.tuple(fc.nat(), cmdField), { maxLength: 3, size: "max" }),
    extra: fc.array(cmdField, { maxLength: 2, size: "max" }),
    n: fc.integer({ min: 1, max: 999 }),
    dt: fc.integer({ min: 0, max: 400 }),
  })
  .map((r) => {
    const t = CMD_TEMPLATES[r.template];
    const fields = t.slice(1);
    for (const [at, v] of r.changes) if (fields.length) fields[at % fields.length] = v;
    return { ...r, formatter: t[0], fields: fields.concat(r.extra) };
  });

/** How many commands the netside target got through the gate and how many it refused (inputs that never pass, or never fail, prove little). */
export const netsideStats = { cases: 0, accepted: 0, refused: 0 };

const netsideCommands: FuzzTarget = {
  name: "netside.commands",
  claim:
    "command datagrams from allowed, foreign and own SFIs, addressed to us, to others or to nobody, with random fields (" +
    "`$ * \\ ! CR LF ^ ~ ,` and 8-bit bytes, signed with a valid checksum), in floods: no exception; the UART gets only whole " +
    "valid sentences with CR LF (judged by the reference extractor), only from an allowed SFI with d: = own SFI, at most 5 per source per " +
    "second; every delivered command is accepted or rejected by a counted reason; over the run both happen",
  testRuns: 1500,
  coverage: () =>
    netsideStats.accepted > 0 && netsideStats.refused > 0
      ? undefined
      : `${netsideStats.accepted} commands accepted and ${netsideStats.refused} refused in ${netsideStats.cases} cases: both must happen`,
  property: () => {
    netsideStats.cases = netsideStats.accepted = netsideStats.refused = 0;
    return fc.property(fc.array(commandArb, { minLength: 1, maxLength: 40, size: "max" }), (list) => {
      let mono = 1000;
      const clock = { now: () => 1700000000000 + mono, monotonic: () => mono };
      const config = makeConfig({ startupCmds: false, cmdFwd: true, cmdAllow: "EI0001,EI0002", uartQueue: 256 });
      const gw = new Gateway({ config, clock, serial: { io: RecordingSerial, device: "/dev/null", baud: 115200 } });
      gw.start();
      const serial = RecordingSerial.last!;
      serial.options.onWritable!.call(serial, 1 << 30);
      const side = new NetworkSide({ gateway: gw, clock, encodeCommand: reencodeCommand });
      let eligible = 0;
      const perSecond = new Map<string, number>();
      for (const c of list) {
        mono += c.dt;
        const body = c.formatter + (c.fields.length ? "," + c.fields.join(",") : "");
        const sentence = withSum(body);
        const tags = tagBlock(`s:${c.src},n:${c.n}${c.dest ? ",d:" + c.dest : ""}`);
        const d = Buffer.from("UdPbC\0" + tags + sentence + "\r\n", "latin1");
        if (c.src.startsWith("EI000") && c.src !== "EI0009" && c.dest === "BD0001" && c.formatter.startsWith("CC")) {
          const key = c.src + Math.floor(mono / 1000);
          const k = (perSecond.get(key) ?? 0) + 1;
          perSecond.set(key, k);
          if (k <= 5) eligible++;
        }
        side.receive(d, d.length, RCOM);
      }
      netsideStats.cases++;
      netsideStats.accepted += side.counters.commandsAccepted;
      netsideStats.refused += side.counters.commandsRejected;
      serial.options.onWritable!.call(serial, 1 << 30);
      gw.stop();
      const nc = side.counters;
      const rc = side.receiver.counters;
      receiverArithmetic(rc);
      let reasons = 0;
      for (const k in nc.rejects) reasons += nc.rejects[k as keyof typeof nc.rejects];
      check(nc.commandsRejected === reasons, "command rejects != sum of reasons");
      check(
        rc.delivered === nc.commandsAccepted + nc.commandsRejected + nc.otherSentences,
        "delivered sentences not all accounted for",
      );
      check(
        nc.commandsAccepted <= eligible,
        `${nc.commandsAccepted} commands accepted, only ${eligible} were allowed, addressed and within the rate`,
      );
      // The UART judged by the independent reference extractor, not the core's framer.
      const u = uartSentences(serial.written);
      check(u.bad.length === 0, `UART bytes that are not whole valid sentences: ${JSON.stringify(u.bad)}`);
      check(
        u.sentences.length === nc.commandsAccepted,
        `UART sentences ${u.sentences.length} != commands accepted ${nc.commandsAccepted}`,
      );
      for (const s of u.sentences)
        check(/^\$CC(ICA|RMO|BSS|DWA|WAA|TXA),/.test(s), `unexpected sentence on the UART: ${JSON.stringify(s)}`);
    });
  },
};

// ---------------------------------------------------------------------------------
// Beidou decoders

const FIELD_CHARS = Array.from("0123456789.-+ABCDEFNSEWMTVKYZabcdef", (c) => c.charCodeAt(0)).concat([
  0x20, 0x5e, 0x7e, 0xb1, 0xb6, 0xff, 0x80,
]);
const fieldArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant("") },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.constantFrom(...FIELD_CHARS), { maxLength: 14, size: "max" })
      .map((a) => Buffer.from(a).toString("latin1")),
  },
  { weight: 2, arbitrary: fc.double({ noNaN: true, min: -1e7, max: 1e7 }).map((d) => d.toFixed(4)) },
  { weight: 2, arbitrary: fc.integer({ min: -99999, max: 9999999 }).map(String) },
);

const decoderSentenceArb = fc
  .record({
    talker: fc.constantFrom("BD", "GB", "GN", "GP", "GL", "GA", "PQ", "CC", "BS"),
    formatter: fc.constantFrom(...DECODER_TABLE.map((r) => r.formatter)),
    fields: fc.array(fieldArb, { maxLength: 40, size: "max" }),
  })
  .map((r) => {
    const body = r.talker + r.formatter + (r.fields.length ? "," + r.fields.join(",") : "");
    return Uint8Array.from(Buffer.from("$" + body + "*" + hex2(xorText(body)), "latin1"));
  });

const decodersSentences: FuzzTarget = {
  name: "decoders.sentences",
  claim:
    "every decoder-table formatter (RNSS and RDSS 2.1) with random talkers and random field contents (empty, numbers, " +
    "letters, 8-bit bytes, too many or too few fields) and real corpus sentences, through the decoder and the device state: " +
    "no exception escapes; the decoder reports a field error instead",
  testRuns: 2500,
  property: () =>
    fc.property(
      fc.array(fc.oneof(decoderSentenceArb, validSentence()), { minLength: 1, maxLength: 8, size: "max" }),
      (list) => {
        const hooks = gatewayHooks({ clock: { now: () => 1700000000000 } });
        const dec = new SentenceDecoder();
        for (const s of list) {
          const r = dec.decode(s, s.length);
          check(r.error === null || typeof r.error === "string", "decoder error is not text");
          if (
            r.sentenceKind &&
            r.record !== undefined &&
            r.error === null &&
            typeof (r.sentenceKind as { json?: unknown }).json === "function"
          )
            (r.sentenceKind as unknown as { json(rec: unknown, ctx: object): unknown }).json(r.record, {});
          hooks.onUnit("sentence", s, s.length);
        }
        hooks.wiring.state.tick(1700000060000);
      },
    ),
};

const decodersFrames: FuzzTarget = {
  name: "decoders.rdss40-frames",
  claim:
    "every RDSS 4.0 frame kind of the decoder table with random payloads (short, long, garbage) and random other commands: no " +
    "exception; a frame converted to 2.1 text gives exactly one sentence that the reference extractor accepts byte-identical (never a cut or " +
    "checksum-broken line on the network)",
  testRuns: 2500,
  property: () =>
    fc.property(fc.oneof({ weight: 3, arbitrary: knownFrameArb }, { weight: 1, arbitrary: frameArb }), (frame) => {
      const dec = new FrameDecoder();
      dec.decode(frame, frame.length);
      dec.json(frame, frame.length);
      const out = new Uint8Array(512);
      const n = dec.toText(out);
      check(n >= 0 && n <= out.length, `toText length ${n}`);
      if (n === 0) return;
      const hooks = gatewayHooks({ clock: { now: () => 1700000000000 } });
      const out2 = new Uint8Array(300);
      const m = hooks.convertFrame(frame, frame.length, out2);
      check(m === 0 || m === n, "wiring conversion differs from the decoder's");
      // Judged by the independent reference extractor, not the core's framer.
      const got = uartSentences(concat([out.subarray(0, n), CRLF]));
      check(
        got.bad.length === 0 && got.sentences.length === 1 && got.sentences[0] === latin1(out, 0, n),
        `converted text is not one valid sentence: ${JSON.stringify(latin1(out, 0, n))}`,
      );
    }),
};

// ---------------------------------------------------------------------------------
// console

const consoleByte = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 3, arbitrary: fc.constantFrom(0x0d, 0x0a, 0x08, 0x7f, 0x1b, 0x5b, 0x4f, 0x03, 0x15, 0x41, 0x7e) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);

const consoleLineEditor: FuzzTarget = {
  name: "console.line-editor",
  claim:
    "random terminal bytes (escape sequences, erase keys, Ctrl-C/U, CR/LF mixes, 8-bit) at random splits: no exception; every " +
    "line handed on is printable ASCII and at most maxLine long; the echo is 7-bit",
  testRuns: 2500,
  property: () =>
    fc.property(
      fc.array(consoleByte, { maxLength: 400, size: "max" }),
      splits,
      fc.integer({ min: 1, max: 60 }),
      (arr, sp, maxLine) => {
        const lines: string[] = [];
        let echo = "";
        const ed = new LineEditor({ maxLine, write: (t) => (echo += t), onLine: (l) => lines.push(l) });
        const b = Uint8Array.from(arr);
        let i = 0,
          k = 0;
        while (i < b.length) {
          const end = Math.min(b.length, i + (sp.length ? sp[k++ % sp.length] : b.length));
          ed.receive(b, i, end);
          i = end;
        }
        for (const l of lines) check(l.length <= maxLine && /^[\x20-\x7e]*$/.test(l), `bad line ${JSON.stringify(l)}`);
        check(/^[\x00-\x7f]*$/.test(echo), "8-bit echo");
      },
    ),
};

/** Serial stand-in that accepts everything and records it (what would reach the terminal UART). */
class RecordingSerial implements SerialInstance {
  static last: RecordingSerial | undefined;
  written: number[] = [];
  constructor(readonly options: SerialOptions) {
    RecordingSerial.last = this;
  }
  read(): number {
    return 0;
  }
  write(data: ArrayBuffer | Uint8Array): void {
    const b = data instanceof Uint8Array ? data : new Uint8Array(data);
    for (let i = 0; i < b.length; i++) this.written.push(b[i]);
  }
  close(): void {
    /* nothing */
  }
}

const idleTimers: Timers = { set: () => 0, clear: () => undefined };

const WORDS = [
  "status",
  "show",
  "config",
  "set",
  "save",
  "help",
  "log",
  "reset",
  "counters",
  "fix",
  "card",
  "beams",
  "send",
  "sms",
  "position",
  "txa",
  "ica",
  "dwa",
  "rmo",
  "reboot",
  "defaults",
  "sfi",
  "baud",
  "ttl",
  "groupMap",
  "cmdAllow",
  "uartQueue",
  "overlong",
  "BD0002",
  "0179773",
  "115200",
  "on",
  "off",
  '""',
  "ZDA=TIME",
  "-1",
  "99999999999",
  "$CCTXA,1*00",
  "*",
  "\\",
  "$",
  "!",
  ",",
  "^2A",
  "北斗",
  "a b",
  "\t",
];

const consoleCommands: FuzzTarget = {
  name: "console.commands",
  claim:
    "random command lines (command words, setting names, values, `$ * \\ ! ,` and non-ASCII in arguments) typed at the console " +
    "of an offline gateway: no exception escapes; console output is 7-bit; every byte that reaches the terminal UART is " +
    "whole valid sentences with CR LF (reference extractor: no injected or broken sentence)",
  testRuns: 1000,
  property: () =>
    fc.property(
      fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5, size: "max" }), {
        minLength: 1,
        maxLength: 6,
        size: "max",
      }),
      (cmds) => {
        const config = makeConfig({ startupCmds: false });
        const gw = new Gateway({
          config,
          clock: fixedClock(1700000000000),
          serial: { io: RecordingSerial, device: "/dev/null", baud: 115200 },
        });
        gw.start();
        const serial = RecordingSerial.last!;
        serial.options.onWritable!.call(serial, 1 << 30);
        const hooks = gatewayHooks({ clock: { now: () => 1700000000000 } });
        const store = new MemoryStore();
        const host = new GatewayConsoleHost({
          gateway: gw,
          state: hooks.wiring.state,
          store,
          loaded: loadSettings(store),
          clock: fixedClock(1700000000000),
          reboot: () => undefined,
        });
        const out: number[] = [];
        const con = new Console({
          host,
          write: (b) => {
            for (const x of b) out.push(x);
          },
          clock: fixedClock(1700000000000),
          timers: idleTimers,
        });
        con.start();
        for (const words of cmds) con.receive(Uint8Array.from(Buffer.from(words.join(" ") + "\r", "utf8")));
        serial.options.onWritable!.call(serial, 1 << 30);
        gw.stop();
        check(
          out.every((x) => x < 0x80),
          "console wrote 8-bit bytes",
        );
        // The UART judged by the independent reference extractor, not the core's framer.
        const u = uartSentences(serial.written);
        check(u.bad.length === 0, `UART bytes that are not whole valid sentences: ${JSON.stringify(u.bad)}`);
        // (Not compared with gw.counters.uartWritten: the console's "reset counters" zeroes it.)
        for (const s of u.sentences)
          check(/^\$CC[A-Z]{3},/.test(s), `not a terminal command on the UART: ${JSON.stringify(s)}`);
      },
    ),
};

// ---------------------------------------------------------------------------------
// settings

type Cfg = Partial<GatewayConfig>;
const CONFIG_VARIANTS: Cfg[] = [
  {},
  { sfi: "BD0042" },
  { baud: 9600 },
  { ttl: 5 },
  { groupMap: "ZDA=TIME;GP*=USR1" },
  { overlong: "drop" },
  { maxLine: 1024 },
  { cmdAllow: "EI0001,EI0002", cmdFwd: true },
  { uartQueue: 64 },
  { tagTime: false },
  { propMfr: "ABC" },
  { hbtInterval: 0 },
  { legacyUdp: "127.0.0.1:10110" },
  { alSilentS: 120 },
  { ipAddr: "172.20.3.4", ipMask: "255.255.255.0", ipGateway: "172.20.3.1" },
];

let tmpDir: string | undefined;
function settingsPath(): string {
  if (!tmpDir) tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fuzz-settings-"));
  return path.join(tmpDir, "config");
}

export function cleanupFuzz(): void {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
}

/** The file the host store writes for a record (written once per variant set, then reused: commit() fsyncs). */
const cleanStores = new Map<string, Buffer>();
function cleanStore(variants: number[], stored: GatewayConfig, file: string): Buffer {
  const key = variants.join(",");
  let b = cleanStores.get(key);
  if (!b) {
    try {
      fs.unlinkSync(file);
    } catch {
      /* first */
    }
    const w = new SettingsFile(file);
    for (const row of SETTINGS)
      w.set(row.key, (stored as unknown as Record<string, string | number | boolean>)[row.key]);
    w.commit();
    b = fs.readFileSync(file);
    if (cleanStores.size < 4096) cleanStores.set(key, b);
  }
  return b;
}

const settingsCorrupted: FuzzTarget = {
  name: "settings.corrupted-store",
  claim:
    "a settings file written by the host store, then truncated mid-write, bytes flipped/deleted/inserted, lines duplicated: " +
    "loading never throws; the record passes every schema rule; each key whose line survived intact keeps its stored value " +
    "(unless a cross-field rule reset it, which is reported), every other key is either its stored value or its default",
  testRuns: 1500,
  property: () =>
    fc.property(
      fc.subarray(CONFIG_VARIANTS.map((_, i) => i)),
      fc.array(mutation, { maxLength: 4, size: "max" }),
      fc.boolean(),
      (variants, muts, truncateOnly) => {
        let want: Cfg = {};
        for (const v of variants) want = { ...want, ...CONFIG_VARIANTS[v] };
        const stored = makeConfig(want);
        if (validateConfig(stored).length) return; // a combination the schema refuses is not a store anyone wrote
        const file = settingsPath();
        const clean = cleanStore(variants, stored, file);
        const bad = truncateOnly
          ? clean.subarray(0, muts.length ? muts[0].at % (clean.length + 1) : clean.length)
          : Buffer.from(mutate(clean, muts));
        fs.writeFileSync(file, bad);
        const store = new SettingsFile(file);
        const loaded = loadSettings(store);
        const errs = validateConfig(loaded.config);
        check(errs.length === 0, `loaded record breaks rules: ${errs.join("; ")}`);
        const text = bad.toString("latin1");
        const intact = new Set(
          clean
            .toString("latin1")
            .split("\n")
            .filter((l) => text.split("\n").includes(l)),
        );
        const got = loaded.config as unknown as Record<string, unknown>;
        const st = stored as unknown as Record<string, unknown>;
        const def = DEFAULT_CONFIG as unknown as Record<string, unknown>;
        for (const row of SETTINGS) {
          const k = row.key;
          check(
            got[k] === st[k] || got[k] === def[k],
            `${k} = ${JSON.stringify(got[k])}: neither stored ${JSON.stringify(st[k])} nor default`,
          );
          const line = clean
            .toString("latin1")
            .split("\n")
            .find((l) => l.startsWith(`{"k":"${k}",`));
          if (line && intact.has(line) && got[k] !== st[k])
            check(
              loaded.problems.some((p) => p.includes(k)),
              `${k}: intact line but value lost without a reported reason`,
            );
        }
      },
    ),
};

const settingsValues: FuzzTarget = {
  name: "settings.loader-values",
  claim:
    "a store holding arbitrary keys and values of any type (the board's NVS after a downgrade or damage): loading never throws, " +
    "the record passes every schema rule, unknown keys are kept aside",
  testRuns: 2500,
  property: () =>
    fc.property(
      fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...SETTINGS.map((r) => r.key)), fc.string({ maxLength: 15, size: "max" })),
          fc.oneof(
            fc.string({ maxLength: 40, size: "max" }),
            fc.integer(),
            fc.boolean(),
            fc.double(),
            fc.constantFrom("BD0002", "on", "carry", "RCOM", "172.16.1.1"),
          ),
        ),
        { maxLength: 30, size: "max" },
      ),
      (pairs) => {
        const store = new MemoryStore();
        for (const [k, v] of pairs) store.set(k, v);
        const loaded = loadSettings(store);
        const errs = validateConfig(loaded.config);
        check(errs.length === 0, `loaded record breaks rules: ${errs.join("; ")}`);
        for (const k of Object.keys(loaded.unknown))
          check(!SETTINGS.some((r) => r.key === k), `known key ${k} reported unknown`);
        void defaultConfig;
      },
    ),
};

export const TARGETS: FuzzTarget[] = [
  framerRandomBytes,
  framerCorpus,
  framerFrames,
  gatewayPipeline,
  receiverMutated,
  pcapMutated,
  receiverHostile,
  netsideCommands,
  decodersSentences,
  decodersFrames,
  consoleLineEditor,
  consoleCommands,
  settingsCorrupted,
  settingsValues,
];
