// Timers and Clock for the core, over Moddable's `timer` and `time` modules.

import Timer from "timer";
import Time from "time";
import type { Clock, Timers } from "core/io";

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

/**
 * Wall clock from Date (set by SNTP or the console; 1970 until then) and a
 * monotonic clock from Time.ticks, accumulated so that a wrap of the tick counter
 * never makes time go backwards.
 */
export class ModdableClock implements Clock {
  private last = Time.ticks;
  private elapsed = 0;

  now(): number {
    return Date.now();
  }

  monotonic(): number {
    const t = Time.ticks;
    const d = t - this.last;
    if (d > 0) this.elapsed += d; // a wrap (d < 0) loses at most one polling interval
    this.last = t;
    return this.elapsed;
  }
}
