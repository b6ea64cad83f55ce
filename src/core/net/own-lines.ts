// SFI collisions: our own SFI comes back through multicast loopback, which is fine
// when we sent that line count a moment ago; otherwise another device is using our
// SFI (recommendation of the 450 doc §6.4, UNCONFIRMED as a rule).
//
// The encoder numbers its lines 1..999 in order, so the lines sent are known from its
// last n: and its running total, without looking at each datagram: once a second
// stamp() dates the lines sent since the last stamp, and the lines sent since then
// count as sent just now. A line's date is thus up to a second late, so the window
// is 10-11 s. (Reading each datagram's TAG blocks instead cost the board ~120 XS
// units per sentence.)

import type { Clock } from "../io";

/** An own-SFI line whose n we sent within this time is our own loopback. */
const SFI_RECENT_MS = 10000;
const LINE_COUNTS = 999;
/**
 * Dates are kept in tenths of a second since the OwnLines was made, as 32-bit integers
 * (4 KB for the 999 counts instead of 8 KB of doubles: heap on the board; 6.8 years of
 * range). The window gains at most 0.1 s.
 */
const TICK_MS = 100;
const NEVER = -0x80000000;

/** The encoder's line numbering (src/core/encoder.ts Iec450Encoder). */
export interface LineSource {
  /** n: of the last line sent (1..999, 0 before the first). */
  readonly lastLine: number;
  /** Lines sent in all. */
  readonly linesSent: number;
}

export class OwnLines {
  /** When each line count was last dated as sent (TICK_MS since `origin`; NEVER: not yet). */
  private readonly sentAt = new Int32Array(LINE_COUNTS + 1).fill(NEVER);
  /** Monotonic ms the dates count from. */
  private readonly origin: number;
  /** source.linesSent at the last stamp. */
  private stamped: number;

  constructor(
    private readonly clock: Clock,
    private readonly source: LineSource,
  ) {
    this.stamped = source.linesSent;
    this.origin = clock.monotonic();
  }

  private tick(): number {
    return Math.floor((this.clock.monotonic() - this.origin) / TICK_MS);
  }

  /** Date the lines sent since the last stamp (once a second, the network side's tick). */
  stamp(): void {
    const src = this.source,
      total = src.linesSent;
    const now = this.tick();
    // The k lines back from lastLine (1..999, wrapping after 1 to 999), in one or two
    // native fills: a JS loop over ~70 lines a second cost the board ~3,200 RV32
    // instructions per forwarded sentence.
    const k = Math.min(total - this.stamped, LINE_COUNTS),
      n = src.lastLine,
      first = n - k + 1;
    if (k > 0) {
      if (first >= 1) this.sentAt.fill(now, first, n + 1);
      else {
        this.sentAt.fill(now, 1, n + 1);
        this.sentAt.fill(now, first + LINE_COUNTS, LINE_COUNTS + 1);
      }
    }
    this.stamped = total;
  }

  /** True when a received own-SFI line with count `n` (-1: none) was sent by this gateway. */
  isOurs(n: number): boolean {
    if (!(n >= 1 && n <= LINE_COUNTS)) return false;
    const src = this.source;
    // Sent since the last stamp: the newest `fresh` line counts, back from lastLine.
    const fresh = src.linesSent - this.stamped;
    if (fresh >= LINE_COUNTS) return true;
    if (fresh > 0 && (src.lastLine - n + LINE_COUNTS) % LINE_COUNTS < fresh) return true;
    const at = this.sentAt[n];
    return at !== NEVER && this.tick() - at <= SFI_RECENT_MS / TICK_MS;
  }
}
