// Text builders for hand-made test datagrams (latin-1 strings, checksums computed).
import { withChecksum, xorRange, asciiBytes } from "../../src/nmea/checksum";

/** A TAG block "\params*HH\" with its checksum. */
export function tag(params: string): string {
  const x = xorRange(asciiBytes(params), 0, params.length);
  return "\\" + params + "*" + x.toString(16).toUpperCase().padStart(2, "0") + "\\";
}

/** "$body*HH" with its checksum. */
export function sentence(body: string): string {
  return withChecksum("$" + body);
}
