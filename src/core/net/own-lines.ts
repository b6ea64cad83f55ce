// SFI collisions: our own SFI comes back through multicast loopback, which is fine
// when we sent that line count a moment ago; otherwise another device is using our
// SFI (recommendation of the 450 doc §6.4, UNCONFIRMED as a rule).

import { type ByteHelpers, tsBytes } from "../bytes";
import type { Clock } from "../io";

/** An own-SFI line whose n we sent within this time is our own loopback. */
const SFI_RECENT_MS = 10000;

export class OwnLines {
  // When each line count was last sent by us (monotonic ms), from every datagram sent.
  private readonly sentAt = new Float64Array(1000).fill(-Infinity);
  /** n: values of one datagram's lines (a datagram of 1472 bytes has far fewer than 128 lines). */
  private readonly lineCounts = new Uint8Array(256);
  private readonly bytes: ByteHelpers;

  /** `bytes`: the byte loops (native on the board, src/native/bytes.c); default TypeScript. */
  constructor(
    private readonly clock: Clock,
    bytes?: ByteHelpers,
  ) {
    this.bytes = bytes ?? tsBytes;
  }

  /**
   * Gateway hook (part of GatewayOptions.onDatagram): remember the line counts of a
   * datagram we sent. Runs for every datagram: the lines are our own encoder's (one
   * TAG block, checksum right), so n: is read directly instead of validating the block
   * (ByteHelpers.ownLines: one call per datagram).
   */
  noteSent(bytes: Uint8Array, length: number): void {
    const lines = this.lineCounts;
    const count = this.bytes.ownLines(bytes, length, lines);
    if (count === 0) return;
    const now = this.clock.monotonic();
    for (let k = 0; k < count; k++) this.sentAt[(lines[2 * k] << 8) | lines[2 * k + 1]] = now;
  }

  /** True when a received own-SFI line with count `n` (-1: none) was sent by this gateway. */
  isOurs(n: number): boolean {
    return n >= 1 && this.clock.monotonic() - this.sentAt[n] <= SFI_RECENT_MS;
  }
}
