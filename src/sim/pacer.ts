// Writes bytes to a pty at the real byte rate of a UART (a pty ignores the baud
// rate: without pacing, data flows at memory speed). 8N1 = 10 bit times per byte,
// so baud/10 bytes per second. Pacing is against elapsed time, not one timer per
// sentence, because Node timers have ~1 ms granularity.

import * as fs from "fs";

export interface PacedWriterOptions {
  fd: number;
  baud: number;
  /** Timer tick, ms. */
  tick?: number;
  /** Called after each unit (sentence) has been completely written: its running number and performance.now(). */
  onUnitWritten?(index: number, time: number): void;
}

export class PacedWriter {
  private units: Uint8Array[] = [];
  private unitIndex = 0;
  private offset = 0;
  private written = 0;
  private startTime = 0;
  private busy = false;
  private timer?: NodeJS.Timeout;
  private idle: Array<() => void> = [];
  unitsWritten = 0;
  bytesWritten = 0;
  error?: Error;

  constructor(private readonly options: PacedWriterOptions) {}

  /** Queue a unit (one sentence or frame, with its line end). */
  push(unit: Uint8Array): void {
    this.units.push(unit);
    this.kick();
  }

  get queued(): number {
    return this.units.length - this.unitIndex;
  }

  /** Resolves when everything queued has been written. */
  drained(): Promise<void> {
    if (this.queued === 0 && !this.busy) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private kick(): void {
    if (this.timer) return;
    if (this.startTime === 0 || this.queued === 1) {
      // Restart the budget after an idle period so a pause does not become a burst.
      this.startTime = performance.now();
      this.written = 0;
    }
    this.timer = setInterval(() => this.pump(), this.options.tick ?? 2);
    this.pump();
  }

  private pump(): void {
    if (this.busy) return;
    if (this.unitIndex >= this.units.length) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.units = [];
      this.unitIndex = 0;
      for (const r of this.idle.splice(0)) r();
      return;
    }
    const budget = Math.floor(((performance.now() - this.startTime) / 1000) * (this.options.baud / 10)) - this.written;
    if (budget <= 0) return;
    const u = this.units[this.unitIndex];
    const n = Math.min(budget, u.length - this.offset);
    this.busy = true;
    fs.write(this.options.fd, u, this.offset, n, null, (err, w) => {
      this.busy = false;
      if (err) {
        if ((err as NodeJS.ErrnoException).code === "EAGAIN") return;
        this.error = err;
        clearInterval(this.timer);
        this.timer = undefined;
        for (const r of this.idle.splice(0)) r();
        return;
      }
      this.written += w;
      this.bytesWritten += w;
      this.offset += w;
      if (this.offset >= u.length) {
        this.options.onUnitWritten?.(this.unitsWritten, performance.now());
        this.unitIndex++;
        this.unitsWritten++;
        this.offset = 0;
      }
      this.pump();
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
