// RDSS 4.0 binary frames: '$' + 4-letter command + 16-bit big-endian total length +
// 24-bit user address + payload + XOR of all preceding bytes (framed and checked by
// src/core/framer.ts). This file keeps the framing: the decoder that dispatches a frame
// to its kind. Each frame kind is one module (src/beidou/frames/*.ts: layout, decode,
// 2.1 text conversion, JSON, encoder), listed once in src/beidou/table.ts (FRAME_KINDS).
// Each terminal -> host frame is also converted to the equivalent RDSS 2.1 text sentence,
// so that IEC 61162-450 listeners see text.

import { hexValue } from "../nmea/checksum";
import { frameKey, frameKeyOf } from "../nmea/keys";
import { Frame40, type FrameKind, type Rdss40Options, u24 } from "./frames/frame";
import type { JsonContext } from "./kind";
import { addr7 } from "./kind";
import { FRAME_KINDS } from "./table";

export { encodeDWXX } from "./frames/dwxx";
export { encodeFKXX } from "./frames/fkxx";
export { encodeFrame, Frame40, type FrameKind, type Rdss40Options } from "./frames/frame";
export { encodeGLZK } from "./frames/glzk";
export { encodeICJC } from "./frames/icjc";
export { encodeICXX } from "./frames/icxx";
export { encodeSJXX } from "./frames/sjxx";
export { encodeTXSQ } from "./frames/txsq";
export { encodeTXXX } from "./frames/txxx";
export { encodeZJXX } from "./frames/zjxx";

export class FrameDecoder {
  readonly frame = new Frame40();
  private kinds = new Map<number, FrameKind>();
  private kind: FrameKind | undefined;
  readonly counts = new Map<string, number>();

  /** `kinds`: the frame kinds decoded (default: the registry's). */
  constructor(options: Rdss40Options = {}, kinds: ReadonlyArray<FrameKind> = FRAME_KINDS) {
    for (const k of kinds) this.kinds.set(frameKeyOf(k.name), k);
    const f = this.frame;
    f.south = options.latitudeHemisphere === "S";
    f.west = options.longitudeHemisphere === "W";
    f.fkxxAccepted = options.fkxxAccepted ?? 0;
    f.fkxxWait = options.fkxxWait ?? 4;
  }

  /** Decode a validated frame (length and XOR already checked by the framer). */
  decode(bytes: Uint8Array, length: number): Frame40 {
    const f = this.frame;
    f.command = frameKey(bytes[1], bytes[2], bytes[3], bytes[4]);
    f.userAddress = length >= 10 ? u24(bytes, 7) : 0;
    const k = this.kinds.get(f.command);
    this.kind = k;
    f.name = k ? k.name : "";
    f.error = k ? (length < 11 ? "frame too short" : k.decode(bytes, length, f)) : null;
    const name = k ? k.name : "other";
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    return f;
  }

  /** Known frame kind of the last decode (undefined: a frame without decoder). */
  get known(): boolean {
    return this.kind !== undefined;
  }

  /** 2.1 text sentence for the last decoded frame into out (with `*HH`, no CR LF); 0 when none. */
  toText(out: Uint8Array): number {
    const k = this.kind;
    if (!k?.toText || this.frame.error) return 0;
    return k.toText(this.frame, out);
  }

  /** JSON view of the last decoded frame (cold path). */
  json(bytes: Uint8Array, _length: number, ctx: JsonContext = {}): Record<string, unknown> {
    const f = this.frame;
    const o: Record<string, unknown> = {
      command: String.fromCharCode(bytes[1], bytes[2], bytes[3], bytes[4]),
      kind: this.kind ? this.kind.name : "unknown",
      user: addr7(f.userAddress),
    };
    if (f.error) o.error = f.error;
    else if (this.kind) {
      // Every decoded frame names the card it came from or goes to: the user address again.
      o.card = o.user;
      Object.assign(o, this.kind.json(f, ctx));
    }
    return o;
  }
}

/** Hex text ("24 49 43 ...") -> bytes, for tests and the CLI. */
export function hexToBytes(s: string): Uint8Array {
  const t = s.replace(/[^0-9A-Fa-f]/g, "");
  const b = new Uint8Array(t.length >> 1);
  for (let i = 0; i < b.length; i++) b[i] = (hexValue(t.charCodeAt(2 * i)) << 4) | hexValue(t.charCodeAt(2 * i + 1));
  return b;
}
