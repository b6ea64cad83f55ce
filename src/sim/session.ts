// A simulated Beidou terminal on a pseudo-terminal: replays a log file or the
// built-in mix at the real byte rate of the baud, and hands what the host writes
// (commands) to a terminal model when one is present (src/sim/terminal.ts).

import * as fs from "node:fs";
import { BuiltinMix } from "./mix";
import { PacedWriter } from "./pacer";
import { type Leftovers, openPtyPair, type PtyPair } from "./pty";

export interface SimOptions {
  /** Where the pty's folder and socat are registered (the host's leftovers registry). */
  leftovers: Leftovers;
  /** Log file to replay (gpsd-style '#' comment lines are stripped); default: built-in mix. */
  log?: string;
  baud?: number;
  /** Repeat the log / keep generating epochs. */
  loop?: boolean;
  /** Built-in mix: number of epochs (0 = unlimited); one epoch per second unless `fast`. */
  epochs?: number;
  /** Built-in mix: do not wait for the next second between epochs (byte rate only). */
  fast?: boolean;
  noiseEvery?: number;
  /** Built-in mix: the terminal's sentence family (src/sim/mix.ts). */
  family?: "bds2" | "bds3";
  /** Path for the gateway side of the pty (symlink); default in a temp dir. */
  link?: string;
  /** Start only after the host wrote something (e.g. the gateway's start-up ICA). */
  waitHost?: boolean;
  /** Called for every unit completely written (running number, performance.now()). */
  onUnitWritten?(index: number, time: number): void;
  /** Called with bytes the host wrote to the terminal. */
  onHostBytes?(bytes: Buffer): void;
}

/** Split a log into units at line ends (keeping them) so pacing and latency work per sentence; '#' lines dropped. */
export function logUnits(data: Buffer): Uint8Array[] {
  const units: Uint8Array[] = [];
  let s = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0x0a) continue;
    if (data[s] !== 0x23) units.push(data.subarray(s, i + 1)); // '#': gpsd test-harness comment
    s = i + 1;
  }
  if (s < data.length && data[s] !== 0x23) units.push(data.subarray(s));
  return units;
}

export class SimSession {
  pty!: PtyPair;
  writer!: PacedWriter;
  private fd = -1;
  private reader?: fs.ReadStream;
  private stopped = false;
  private hostSeen: Promise<void>;
  private hostSeenResolve!: () => void;
  /** Units queued so far (sentences or noise fragments). */
  unitsQueued = 0;
  hostBytes = 0;
  done!: Promise<void>;

  constructor(private readonly options: SimOptions) {
    this.hostSeen = new Promise((r) => (this.hostSeenResolve = r));
  }

  get gatewayPath(): string {
    return this.pty.gatewayPath;
  }

  async open(): Promise<void> {
    this.pty = await openPtyPair({ leftovers: this.options.leftovers, gatewayLink: this.options.link });
    this.fd = fs.openSync(this.pty.terminalPath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    this.writer = new PacedWriter({
      fd: this.fd,
      baud: this.options.baud ?? 115200,
      onUnitWritten: this.options.onUnitWritten,
    });
    this.reader = fs.createReadStream("", {
      fd: fs.openSync(this.pty.terminalPath, fs.constants.O_RDONLY | fs.constants.O_NOCTTY),
    });
    this.reader.on("data", (d) => {
      const b = d as Buffer;
      this.hostBytes += b.length;
      this.hostSeenResolve();
      this.options.onHostBytes?.(b);
    });
    this.reader.on("error", () => {
      /* pty closed */
    });
  }

  /** Queue one unit now (terminal answers use this too). */
  write(unit: Uint8Array): void {
    if (this.stopped) return;
    this.unitsQueued++;
    this.writer.push(unit);
  }

  /** Start the replay; `done` resolves when a finite replay has been written. */
  start(): void {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    if (this.options.waitHost) await this.hostSeen;
    if (this.options.log) {
      const units = logUnits(fs.readFileSync(this.options.log));
      do {
        for (let i = 0; i < units.length && !this.stopped; i += 64) {
          for (const u of units.slice(i, i + 64)) this.write(u);
          await this.writer.drained();
        }
      } while (this.options.loop && !this.stopped);
      return;
    }
    const mix = new BuiltinMix({ noiseEvery: this.options.noiseEvery, family: this.options.family });
    const epochs = this.options.epochs ?? 0;
    const t0 = performance.now();
    for (let e = 0; (epochs === 0 || e < epochs) && !this.stopped; e++) {
      for (const u of mix.next()) this.write(u);
      await this.writer.drained();
      if (!this.options.fast) {
        const wait = t0 + (e + 1) * 1000 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Stop writing (the terminal falls silent) but keep the pty open. */
  halt(): void {
    this.stopped = true;
    this.writer?.stop();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.writer?.stop();
    this.reader?.destroy();
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* closed */
      }
    }
    this.fd = -1;
    await this.pty?.close();
  }
}
