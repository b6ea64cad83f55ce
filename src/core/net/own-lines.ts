// SFI collisions: our own SFI comes back through multicast loopback, which is fine
// when we sent that line count a moment ago; otherwise another device is using our
// SFI (recommendation of the 450 doc §6.4, UNCONFIRMED as a rule).

import type { Clock } from "../io";

/** An own-SFI line whose n we sent within this time is our own loopback. */
const SFI_RECENT_MS = 10000;

export class OwnLines {
  // When each line count was last sent by us (monotonic ms), from every datagram sent.
  private readonly sentAt = new Float64Array(1000).fill(-Infinity);

  constructor(private readonly clock: Clock) {}

  /**
   * Gateway hook (part of GatewayOptions.onDatagram): remember the line counts of a
   * datagram we sent. Runs for every datagram: the lines are our own encoder's (one
   * TAG block, checksum right), so n: is read directly instead of validating the block.
   */
  noteSent(bytes: Uint8Array, length: number): void {
    const now = this.clock.monotonic();
    let p = 6;
    while (p < length) {
      // TypedArray indexOf is native: one call per line, not interpreted work per byte (XS).
      let e = bytes.indexOf(0x0a, p);
      if (e < 0 || e > length) e = length;
      const n = bytes[p] === 0x5c ? tagLineCount(bytes, p, e) : -1;
      if (n >= 1) this.sentAt[n] = now;
      p = e + 1;
    }
  }

  /** True when a received own-SFI line with count `n` (-1: none) was sent by this gateway. */
  isOurs(n: number): boolean {
    return n >= 1 && this.clock.monotonic() - this.sentAt[n] <= SFI_RECENT_MS;
  }
}

/**
 * n: (1..999) of the TAG block starting at bytes[start] ('\\'), -1 when it has none.
 * For the gateway's own datagrams only (well-formed by construction).
 */
function tagLineCount(bytes: Uint8Array, start: number, lineEnd: number): number {
  let close = bytes.indexOf(0x5c, start + 1);
  if (close < 0 || close > lineEnd) return -1;
  if (close - 3 > start && bytes[close - 3] === 0x2a) close -= 3; // parameters end at *hh
  let k = start + 1;
  while (k < close) {
    if (bytes[k] === 0x6e && bytes[k + 1] === 0x3a) {
      let v = 0, digits = 0;
      for (let i = k + 2; i < close && bytes[i] >= 0x30 && bytes[i] <= 0x39; i++, digits++) v = v * 10 + bytes[i] - 0x30;
      return digits > 0 && v >= 1 && v <= 999 ? v : -1;
    }
    const comma = bytes.indexOf(0x2c, k);
    if (comma < 0 || comma >= close) break;
    k = comma + 1;
  }
  return -1;
}
