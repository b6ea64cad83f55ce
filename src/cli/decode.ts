// bd450 decode: one JSON object per line for every framed unit of a byte stream
// (sentence, RDSS 4.0 binary frame or reject), in input order; per-type counts on
// stderr at the end. Fixed names integrators can script against: raw, valid, reason,
// talker, formatter, lat/lon (signed decimal degrees), card, beams, from, payload,
// command, accepted. The stream is decoded as it arrives (works on a live pty).

import * as fs from "node:fs";
import { SentenceDecoder, sentenceJson } from "../beidou/decoder";
import { FrameDecoder } from "../beidou/rdss40";
import { DeviceState } from "../beidou/state";
import { RDSS40_COMMAND_KEYS } from "../beidou/table";
import { DEFAULT_CONFIG } from "../core/config";
import { type RejectReason, SentenceFramer } from "../core/framer";
import { decodeGb2312 } from "../platform/node/gb2312";
import { formatUsage, type OptionSpec, parseCommand } from "./args";

const SPEC: Record<string, OptionSpec> = {
  "max-line": { type: "number", help: "longest text unit framed, bytes", default: DEFAULT_CONFIG.maxLine },
  rdss40: { type: "boolean", help: "recognise RDSS 4.0 binary frames (--no-rdss40 to disable)", default: true },
  state: { type: "boolean", help: "print the final device state and system-log events on stderr" },
};

export const usage = formatUsage(
  "bd450 decode [options] [FILE|-]",
  "Decode a Beidou terminal byte stream (UART log) into one JSON object per framed unit:\n" +
    "  raw        the unit as text (latin-1; hex for binary frames), rawHex when it has bytes >= 0x80\n" +
    "  valid      false for rejects, with reason (badChecksum, noChecksum, tooLong, ...)\n" +
    "  talker, formatter, kind and the decoded fields with units in their names (altitude_m, speed_kn, ...)\n" +
    "  lat/lon    signed decimal degrees; card (ICI, DWR), beams (BSI), from/payload (TXR), command/accepted (FKI)\n" +
    "  error      when a valid sentence's fields could not be decoded (it is still forwarded by the gateway)\n" +
    "RDSS 4.0 frames also show `text`, the 2.1 sentence the gateway forwards. Per-type counts go to stderr.",
  SPEC,
);

const HEX = "0123456789ABCDEF";

function hex(b: Uint8Array, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += (i ? " " : "") + HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

function latin1(b: Uint8Array, start: number, end: number): { text: string; high: boolean } {
  let s = "";
  let high = false;
  for (let i = start; i < end; i++) {
    if (b[i] >= 0x80) high = true;
    s += String.fromCharCode(b[i]);
  }
  return { text: s, high };
}

export class DecodeSession {
  readonly sentences = new SentenceDecoder();
  readonly frames = new FrameDecoder();
  readonly counts = new Map<string, number>();
  readonly events: Array<{ code: string; text: string }> = [];
  readonly state = new DeviceState({
    decodeText: decodeGb2312,
    events: { add: (code, text) => this.events.push({ code, text }) },
  });
  readonly framer: SentenceFramer;
  private readonly text = new Uint8Array(1024);
  private now = 0;
  private readonly ctx = { decodeText: decodeGb2312 };

  constructor(
    private readonly emit: (line: string) => void,
    options: { maxLength?: number; binaryFrames?: boolean } = {},
  ) {
    this.framer = new SentenceFramer({
      maxLength: options.maxLength ?? DEFAULT_CONFIG.maxLine,
      binaryFrames: options.binaryFrames ?? true,
      frameCommands: RDSS40_COMMAND_KEYS,
      onSentence: (b, n) => this.sentence(b, n),
      onFrame: (b, n) => this.frame(b, n),
      onReject: (reason, b, n) => this.reject(reason, b, n),
    });
    this.state.rejectsFrom(this.framer.counters);
  }

  private count(k: string): void {
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  private sentence(b: Uint8Array, n: number): void {
    const d = this.sentences.decode(b, n);
    this.state.onSentence(d, this.now);
    const raw = latin1(b, 0, n);
    const o: Record<string, unknown> = { raw: raw.text };
    if (raw.high) o.rawHex = hex(b, n);
    o.valid = true;
    const body = sentenceJson(d, this.ctx);
    for (const k in body) if (!(k in o)) o[k] = body[k]; // raw/valid are fixed names: never overwritten
    this.count(
      d.error
        ? `${d.kind} (field error)`
        : d.kind === "unknown" || d.kind === "proprietary"
          ? `${d.kind} ${String(o.talker ?? "")}${String(o.formatter ?? "")}`
          : d.kind,
    );
    this.emit(JSON.stringify(o));
  }

  private frame(b: Uint8Array, n: number): void {
    const f = this.frames.decode(b, n);
    const o: Record<string, unknown> = { raw: hex(b, n), valid: true, binary: true };
    const body = this.frames.json(b, n, this.ctx);
    for (const k in body) if (!(k in o)) o[k] = body[k];
    const t = this.frames.toText(this.text);
    this.state.onFrame(f, this.now, t > 0);
    if (t > 0) {
      o.text = latin1(this.text, 0, t).text;
      this.state.onSentence(this.sentences.decode(this.text, t), this.now);
    }
    this.count(`frame ${String(o.command)}` + (f.error ? " (field error)" : ""));
    this.emit(JSON.stringify(o));
  }

  private reject(reason: RejectReason, b: Uint8Array, n: number): void {
    let ctl = false;
    for (let i = 0; i < n; i++)
      if (b[i] < 0x20) {
        ctl = true;
        break;
      }
    const raw = latin1(b, 0, n);
    const o: Record<string, unknown> = {
      raw: ctl || reason === "binaryLength" || reason === "binaryChecksum" ? hex(b, n) : raw.text,
    };
    if (raw.high && !ctl) o.rawHex = hex(b, n);
    o.valid = false;
    o.reason = reason;
    this.count(`reject ${reason}`);
    this.emit(JSON.stringify(o));
  }

  feed(chunk: Uint8Array, now = 0): void {
    this.now = now;
    this.framer.feed(chunk);
  }

  finish(): void {
    this.framer.flush();
  }

  countsObject(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage);
  if (!parsed) return 0;
  const { options, positional } = parsed;
  if (positional.length > 1) throw new Error("decode takes one FILE (or - for standard input)");
  const file = positional[0];
  const input: NodeJS.ReadableStream = file && file !== "-" ? fs.createReadStream(file) : process.stdin;
  let out: string[] = [];
  const flush = () => {
    if (out.length) process.stdout.write(out.join("\n") + "\n");
    out = [];
  };
  const session = new DecodeSession((l) => out.push(l), {
    maxLength: Number(options["max-line"]),
    binaryFrames: Boolean(options.rdss40),
  });
  const start = Date.now();
  await new Promise<void>((resolve, reject) => {
    input.on("data", (c: Buffer) => {
      session.feed(new Uint8Array(c.buffer, c.byteOffset, c.length), Date.now());
      flush();
    });
    input.on("end", resolve);
    input.on("error", reject);
  });
  session.finish();
  flush();
  const c = session.framer.counters;
  // The terminal family detected from what it sent (PWI/ICP/TCI: bds3; BSI/ICI/TXR: bds2).
  process.stderr.write(
    JSON.stringify({ counts: session.countsObject(), family: session.state.family, framer: c }) + "\n",
  );
  if (options.state) {
    process.stderr.write(JSON.stringify({ state: session.state.snapshot(Date.now()), events: session.events }) + "\n");
  }
  void start;
  return 0;
}
