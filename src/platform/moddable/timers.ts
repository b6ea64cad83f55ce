// Timers and Clock for the core, over Moddable's `timer` and `time` modules.

import type { Clock, Timers } from "core/io";
import Time from "time";
import Timer from "timer";

interface Handle {
  timer: Timer | undefined;
}

/**
 * Moddable frees a one-shot timer after its callback runs, and clearing a freed
 * timer is an error, so each handle remembers whether its timer is still alive.
 */
export class ModdableTimers implements Timers {
  set(callback: () => void, interval: number, repeat: boolean): unknown {
    const handle: Handle = { timer: undefined };
    if (repeat) {
      handle.timer = Timer.repeat(() => callback(), interval);
    } else {
      handle.timer = Timer.set(() => {
        handle.timer = undefined;
        callback();
      }, interval);
    }
    return handle;
  }

  clear(handle: unknown): void {
    const h = handle as Handle | undefined;
    if (!h || h.timer === undefined) return;
    Timer.clear(h.timer);
    h.timer = undefined;
  }
}

/** A wall-clock correction larger than this is applied (terminal time steps the clock). */
export const CLOCK_STEP_MS = 1000;

/**
 * Wall clock: Date.now() plus an offset learnt from the terminal's own time (a valid
 * RMC or ZDA while the fix is valid; the board has no RTC and no SNTP server unless one
 * is configured, so it starts at 1970). Monotonic clock from Time.ticks, accumulated so
 * that a wrap of the tick counter never makes time go backwards.
 */
export class ModdableClock implements Clock {
  private last = Time.ticks;
  private elapsed = 0;
  private offset = 0;
  /** "" until set; then where the time came from and when. */
  source = "";

  now(): number {
    return Date.now() + this.offset;
  }

  /** Set the wall clock to `utcMs` (from `source`) when it is off by more than CLOCK_STEP_MS. */
  setFrom(utcMs: number, source: string): boolean {
    if (!(utcMs === utcMs) || utcMs < 946684800000) return false; // NaN or before 2000: not a real fix
    const off = utcMs - Date.now();
    if (this.source !== "" && Math.abs(off - this.offset) <= CLOCK_STEP_MS) return false;
    this.offset = off;
    this.source = source;
    return true;
  }

  monotonic(): number {
    const t = Time.ticks;
    const d = t - this.last;
    if (d > 0) this.elapsed += d; // a wrap (d < 0) loses at most one polling interval
    this.last = t;
    return this.elapsed;
  }
}

/** UTC milliseconds of a date and a time of day in seconds, or NaN. */
export function utcOf(year: number, month: number, day: number, seconds: number): number {
  if (!(year === year && month >= 1 && month <= 12 && day >= 1 && day <= 31 && seconds >= 0 && seconds < 86401))
    return NaN;
  return Date.UTC(year, month - 1, day) + Math.round(seconds * 1000);
}
