// A clock the test moves by hand: wall time (now) and monotonic time (monotonic) as
// public fields, so a test can also step one without the other.

export class TestClock {
  constructor(
    public wall: number,
    public mono: number,
  ) {}
  now(): number {
    return this.wall;
  }
  monotonic(): number {
    return this.mono;
  }
  /** Both clocks on by `ms`. */
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
}
