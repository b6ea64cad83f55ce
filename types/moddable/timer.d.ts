// timer — Moddable's Timer. A timer is an opaque handle: callbacks receive it,
// Timer.clear() frees it. No interval means "next turn"; repeat 0 (or absent)
// makes a one-shot timer that frees itself after firing.

declare module "timer" {
  type TimerCallback = (timer: Timer) => void;

  class Timer {
    private constructor();
    private readonly __timerBrand: never;
    static set(callback: TimerCallback, interval?: number, repeat?: number): Timer;
    static repeat(callback: TimerCallback, interval: number): Timer;
    static schedule(timer: Timer, interval?: number, repeat?: number): void;
    static clear(timer: Timer | undefined | null): void;
    /** Blocks the whole VM: never on the data path. */
    static delay(ms: number): void;
  }
  export default Timer;
}
