// bd450 check: a passive IEC 61162-450 conformance checker for integrators.
// Reads a pcap capture of a ship's network, or hex datagrams one per line (also the
// output of `bd450 wrap`), judges every UDP datagram with the gateway's own strict
// receiver (no d: filtering; d: is reported), prints one JSON line per datagram and
// then a per-source summary with notes on faults common in the field.
// Exit 0 when the input was read (verdicts are data); 2 when it cannot be read.

import { isPcap, PcapError, readPcap } from "../core/pcap";
import {
  DISCARD_REASONS,
  Iec450Receiver,
  type ReceivedSentence,
  sentenceText,
  tagText,
  type Verdict,
} from "../core/receiver";
import {
  MAX_DATAGRAM,
  NOTE_C_MS,
  NOTE_LOWER_HEX_SENTENCE,
  NOTE_LOWER_HEX_TAG,
  NOTE_N_ZERO,
  NOTE_TAG_OVER_80,
  NOTE_UNPADDED_CHECKSUM,
  noteNames,
} from "../core/tagblock";
import { latin1 } from "../nmea/checksum";
import { formatUsage, type OptionSpec, parseCommand } from "./args";
import { readInput } from "./common";

const SPEC: Record<string, OptionSpec> = {
  summary: { type: "boolean", help: "print only the per-source summary (no line per datagram)" },
  tags: { type: "boolean", help: "include the raw TAG blocks of each sentence" },
  window: { type: "number", arg: "N", help: "duplicate-detection window in line counts", default: 32 },
};

export const usage = formatUsage(
  "bd450 check [--summary] [--tags] FILE.pcap|FILE.hex|-",
  "Judge every UDP datagram of a capture with the strict IEC 61162-450 receiver, as a\n" +
    "passive observer. Input: a pcap file (Ethernet, raw IP, Linux SLL), or text with one\n" +
    "datagram per line in hex (spaces and colons allowed; `bd450 wrap` output works too;\n" +
    "# starts a comment). Output: one JSON line per datagram\n" +
    '  {"verdict":"accept"|"discard","reason":...,"sentences":[{"source","n","sentence","destination",...}]}\n' +
    'then one {"summary":"source",...} line per source SFI and a {"summary":"total",...} line.\n' +
    "Discard reasons: " +
    DISCARD_REASONS.map((r) => r[0]).join(", ") +
    ".\n" +
    "Exit status 0 when the input was read, whatever the verdicts; 2 when it is unreadable.",
  SPEC,
);

export interface InputDatagram {
  index: number;
  payload: Uint8Array;
  time?: number;
  src?: string;
  dst?: string;
  /** Line number for hex input. */
  line?: number;
}

export class InputError extends Error {}

const HEXPAIRS = /^(?:[0-9a-fA-F]{2})+$/;

/** Parse hex text: one datagram per line. Throws InputError with the line number. */
export function parseHexLines(text: string): InputDatagram[] {
  const out: InputDatagram[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/#.*$/, "").trim();
    if (raw === "") continue;
    let hex = raw.replace(/[\s:]/g, "").replace(/^0x/i, "");
    let dst: string | undefined;
    if (!HEXPAIRS.test(hex)) {
      // `bd450 wrap` format: GROUP ADDRESS:PORT HEX
      const f = raw.split(/\s+/);
      if (f.length === 3 && /^\d+\.\d+\.\d+\.\d+:\d+$/.test(f[1]) && HEXPAIRS.test(f[2])) {
        hex = f[2];
        dst = f[1];
      } else {
        throw new InputError(
          `line ${i + 1}: not a hex datagram (expected hex digit pairs): ${JSON.stringify(raw.slice(0, 60))}`,
        );
      }
    }
    const b = new Uint8Array(hex.length / 2);
    for (let k = 0; k < b.length; k++) b[k] = parseInt(hex.substr(k * 2, 2), 16);
    out.push({ index: out.length, payload: b, line: i + 1, dst });
  }
  return out;
}

/** Datagrams of an input file (pcap or hex text). Throws InputError when unreadable. */
export function readDatagrams(bytes: Uint8Array): InputDatagram[] {
  if (isPcap(bytes)) {
    const out: InputDatagram[] = [];
    try {
      readPcap(bytes, (p) =>
        out.push({
          index: out.length,
          payload: p.payload,
          time: p.time,
          src: `${p.srcAddress}:${p.srcPort}`,
          dst: `${p.dstAddress}:${p.dstPort}`,
        }),
      );
    } catch (e) {
      if (e instanceof PcapError) throw new InputError(e.message);
      throw e;
    }
    return out;
  }
  // Text: refuse binary junk with a clear message instead of "not hex" on line 1.
  for (let i = 0; i < Math.min(bytes.length, 4096); i++) {
    const c = bytes[i];
    if (c === 0 || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c >= 0x80)
      throw new InputError(
        "input is neither a pcap file nor hex text (binary byte 0x" +
          c.toString(16).padStart(2, "0") +
          " at offset " +
          i +
          ")",
      );
  }
  return parseHexLines(latin1(bytes));
}

interface SourceSummary {
  sfi: string;
  datagrams: number;
  accepted: number;
  sentences: number;
  discards: Record<string, number>;
  notes: Record<string, number>;
}

const FAULT_NOTES: Array<[number, string]> = [
  [NOTE_LOWER_HEX_TAG, "lower-case TAG block checksum (61162-1 uses upper case)"],
  [NOTE_LOWER_HEX_SENTENCE, "lower-case sentence checksum"],
  [NOTE_UNPADDED_CHECKSUM, "checksum not zero-padded to two hex digits (datagram discarded)"],
  [NOTE_N_ZERO, "n:0 sent (line count runs 1..999; 0 is ignored)"],
  [NOTE_C_MS, "c: looks like milliseconds (61162-1: seconds since 1970)"],
  [NOTE_TAG_OVER_80, "TAG block over 80 characters (senders must send <= 80)"],
];

/** Best-effort attribution of a discarded datagram: the first conformant-looking s: in it. */
function guessSource(payload: Uint8Array): string | null {
  const m = /[\\,]s:([A-Za-z]{2}[0-9]{4})[,*]/.exec(latin1(payload, 0, Math.min(payload.length, 2048)));
  return m ? m[1] : null;
}

function sentenceJson(s: ReceivedSentence, withTags: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {
    source: s.source,
    n: s.n >= 0 ? s.n : null,
    sentence: sentenceText(s),
    destination: s.destination,
    status: s.status,
  };
  if (s.groupCode >= 0) o.g = { line: s.groupLine, total: s.groupTotal, code: s.groupCode };
  if (s.timeRaw === s.timeRaw) o.c = { raw: s.timeRaw, seconds: s.time, unit: s.timeInMs ? "ms" : "s" };
  const notes = noteNames(s.notes);
  if (notes.length) o.notes = notes;
  if (withTags) o.tags = tagText(s);
  return o;
}

export function verdictJson(d: InputDatagram, v: Verdict, withTags: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { index: d.index };
  if (d.line !== undefined) o.line = d.line;
  if (d.time !== undefined) o.time = new Date(d.time).toISOString();
  if (d.src) o.src = d.src;
  if (d.dst) o.dst = d.dst;
  o.length = d.payload.length;
  o.verdict = v.verdict;
  o.reason = v.reason;
  if (v.token) o.token = v.token;
  if (v.line) o.errorLine = v.line;
  const notes = noteNames(v.notes);
  if (notes.length) o.notes = notes;
  o.sentences = v.sentences.map((s) => sentenceJson(s, withTags));
  return o;
}

/** Judge all datagrams; `emit` gets each output line (without newline). */
export function check(
  datagrams: InputDatagram[],
  emit: (line: string) => void,
  opts: { summaryOnly?: boolean; tags?: boolean; window?: number } = {},
): void {
  const r = new Iec450Receiver({ destinationFilter: false, dedupWindow: opts.window ?? 32 });
  const sums = new Map<string, SourceSummary>();
  const sum = (key: string): SourceSummary => {
    let s = sums.get(key);
    if (!s) sums.set(key, (s = { sfi: key, datagrams: 0, accepted: 0, sentences: 0, discards: {}, notes: {} }));
    return s;
  };
  const note = (s: SourceSummary, mask: number) => {
    for (const [bit, text] of FAULT_NOTES) if (mask & bit) s.notes[text] = (s.notes[text] ?? 0) + 1;
  };
  for (const d of datagrams) {
    const v = r.receive(d.payload, d.payload.length);
    if (!opts.summaryOnly) emit(JSON.stringify(verdictJson(d, v, !!opts.tags)));
    if (v.verdict === "accept") {
      const seen = new Set<SourceSummary>();
      for (const s of v.sentences) {
        const ss = sum(s.source ?? "(no source)");
        if (!seen.has(ss)) {
          seen.add(ss);
          ss.datagrams++;
          ss.accepted++;
        }
        if (s.status !== "tag-only") ss.sentences++;
        note(ss, s.notes);
      }
    } else {
      const key = v.reason === "other-token" ? `(${v.token} datagrams)` : (guessSource(d.payload) ?? "(unattributed)");
      const ss = sum(key);
      ss.datagrams++;
      ss.discards[v.reason!] = (ss.discards[v.reason!] ?? 0) + 1;
      note(ss, v.notes);
      if (v.reason === "oversize")
        ss.notes[`oversize datagram (> ${MAX_DATAGRAM} bytes)`] =
          (ss.notes[`oversize datagram (> ${MAX_DATAGRAM} bytes)`] ?? 0) + 1;
    }
  }
  const states = new Map(r.sourceStates().map((s) => [s.sfi, s]));
  for (const s of Array.from(sums.values()).sort((a, b) => (a.sfi < b.sfi ? -1 : a.sfi > b.sfi ? 1 : 0))) {
    const st = states.get(s.sfi);
    const notes = Object.entries(s.notes).map(([k, n]) => `${k}: ${n}`);
    if (st && st.firstN < 0 && s.sentences > 0) notes.push("no n: line count (loss and duplicates cannot be detected)");
    if (st?.restarts)
      notes.push(
        `line count restarted at 1 ${st.restarts} time(s): the sender restarted (counted in nRestarts, not as loss)`,
      );
    emit(
      JSON.stringify({
        summary: "source",
        sfi: s.sfi,
        datagrams: s.datagrams,
        accepted: s.accepted,
        sentences: s.sentences,
        discards: s.discards,
        nFirst: st && st.firstN >= 0 ? st.firstN : null,
        nLast: st && st.lastN >= 0 ? st.lastN : null,
        nGaps: st ? st.gaps : 0,
        nLost: st ? st.gapLost : 0,
        duplicates: st ? st.duplicates : 0,
        reordered: st ? st.reordered : 0,
        nRestarts: st ? st.restarts : 0,
        notes,
      }),
    );
  }
  emit(JSON.stringify({ summary: "total", ...r.counters }));
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage);
  if (!parsed) return 0;
  const { options, positional } = parsed;
  if (positional.length > 1) {
    process.stderr.write("bd450 check: one input at a time\n\n" + usage);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readInput(positional[0]));
  } catch (e) {
    process.stderr.write(`bd450 check: cannot read ${positional[0] ?? "standard input"}: ${(e as Error).message}\n`);
    return 2;
  }
  let datagrams: InputDatagram[];
  try {
    datagrams = readDatagrams(bytes);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`bd450 check: ${positional[0] ?? "standard input"}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const w = Number(options.window);
  if (!(w >= 1 && w <= 500)) {
    process.stderr.write("bd450 check: --window must be 1..500\n");
    return 2;
  }
  const out: string[] = [];
  check(
    datagrams,
    (l) => {
      out.push(l);
      if (out.length >= 256) {
        process.stdout.write(out.join("\n") + "\n");
        out.length = 0;
      }
    },
    { summaryOnly: !!options.summary, tags: !!options.tags, window: w },
  );
  if (out.length) process.stdout.write(out.join("\n") + "\n");
  return 0;
}
