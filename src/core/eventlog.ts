// The system log: a bounded ring of timestamped events (terminal silent, checksum
// error bursts, card absent, send failures, ...). Fixed capacity so that a flood of
// events can never exhaust the board's heap; the oldest event is overwritten and
// the overwrite counted.

import type { Clock } from "./io";

export interface LogEvent {
  /** Wall-clock time, ms since the Unix epoch. */
  time: number;
  /** Short stable code, e.g. "serial.lost", "reject.burst". */
  code: string;
  text: string;
}

export class EventLog {
  readonly capacity: number;
  private ring: LogEvent[] = [];
  private next = 0;
  /** Events ever added, and events overwritten because the ring was full. */
  total = 0;
  overwritten = 0;
  private clock: Clock;
  private listener?: (e: LogEvent) => void;

  constructor(options: { clock: Clock; capacity?: number; onEvent?: (e: LogEvent) => void }) {
    this.clock = options.clock;
    this.capacity = options.capacity ?? 64;
    this.listener = options.onEvent;
  }

  add(code: string, text: string): void {
    const e: LogEvent = { time: this.clock.now(), code, text };
    if (this.ring.length < this.capacity) this.ring.push(e);
    else {
      this.ring[this.next] = e;
      this.overwritten++;
    }
    this.next = (this.next + 1) % this.capacity;
    this.total++;
    if (this.listener) this.listener(e);
  }

  /** The newest `count` events (all by default), oldest first. */
  recent(count?: number): LogEvent[] {
    const n = this.ring.length;
    const out: LogEvent[] = [];
    const start = n < this.capacity ? 0 : this.next;
    for (let i = 0; i < n; i++) out.push(this.ring[(start + i) % n]);
    return count === undefined || count >= out.length ? out : out.slice(out.length - count);
  }

  clear(): void {
    this.ring = [];
    this.next = 0;
  }
}
