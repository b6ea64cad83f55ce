// time — Moddable's Time class. Only `ticks` is used: a millisecond counter that is
// unrelated to the wall clock (so an SNTP or console time change does not move it).
// Moddable ships no module typing for it that bd450 relies on; the firmware's
// TypeScript step gets this file through a triple-slash reference in
// src/platform/moddable/clock.ts.

declare module "time" {
  export default class Time {
    static readonly ticks: number;
  }
}
