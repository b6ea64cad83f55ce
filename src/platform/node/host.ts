// Clock and timers for the Node host (Moddable uses Date and Timer on the board).
import type { Clock, Timers } from "../../core/io";

export const nodeClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

export const nodeTimers: Timers = {
  set(callback, interval, repeat) {
    return repeat ? setInterval(callback, interval) : setTimeout(callback, interval);
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
    clearInterval(handle as NodeJS.Timeout);
  },
};

/** A clock that stands still (offline tools and reproducible tests). */
export function fixedClock(ms: number): Clock {
  return { now: () => ms, monotonic: () => 0 };
}
