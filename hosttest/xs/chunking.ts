// Reproducible UART chunking for the XS runs: how a byte stream reaches the
// firmware in onReadable-sized pieces.

/** Split `data` into chunks of 1..maxChunk bytes from a seeded generator (LCG); now and then one long burst. */
export function chunkStream(data: Uint8Array, seed: number, maxChunk = 200): Uint8Array[] {
  const out: Uint8Array[] = [];
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; ) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const r = s >>> 8;
    // One chunk in 16 is a burst larger than the 128-byte FIFO.
    const n = (r & 15) === 0 ? 129 + (r % 400) : 1 + (r % maxChunk);
    out.push(data.subarray(i, Math.min(data.length, i + n)));
    i += n;
  }
  return out;
}
