// Text builders for hand-made test inputs (latin-1 strings with their checksums).
//
// Written apart from src/nmea/checksum.ts on purpose: inputs built with the core's own
// checksum code would carry its bugs into the tests (a wrong XOR range or hex case
// would then look "valid" to both sides). Here: a plain loop over the characters and
// a digit table, nothing imported from src/.

const HEX = "0123456789ABCDEF";

/** XOR of the character codes of `text` (latin-1: one byte per character). */
export function xorText(text: string): number {
  let x = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`not a latin-1 character at ${i}: U+${c.toString(16)}`);
    x ^= c;
  }
  return x;
}

/** Two upper-case hex digits. */
export function hex2(x: number): string {
  return HEX[(x >> 4) & 15] + HEX[x & 15];
}

/** A TAG block "\params*HH\" with its checksum (over the characters between '\' and '*'). */
export function tag(params: string): string {
  return "\\" + params + "*" + hex2(xorText(params)) + "\\";
}

/** "$body*HH" (body without the leading '$'; a leading '$' or '!' is kept and not summed). */
export function sentence(body: string): string {
  const start = body[0] === "$" || body[0] === "!" ? body[0] : "$";
  const inner = body[0] === "$" || body[0] === "!" ? body.slice(1) : body;
  return start + inner + "*" + hex2(xorText(inner));
}

/** A UdPbC datagram: header, then each line (TAG blocks + sentence) with CR LF. */
export function datagram(lines: string[], token = "UdPbC"): Buffer {
  return Buffer.from(token + "\0" + lines.map((l) => l + "\r\n").join(""), "latin1");
}

/**
 * An RDSS 4.0 binary frame written from the layout (docs: '$', 4-letter command, total
 * length u16 big-endian, user address u24, payload, XOR of every byte before it).
 */
export function rdss40Frame(command: string, user: number, payload: number[]): Uint8Array {
  const head = Array.from("$" + command, (c) => c.charCodeAt(0));
  const total = head.length + 2 + 3 + payload.length + 1;
  const bytes = [
    ...head,
    (total >> 8) & 255,
    total & 255,
    (user >> 16) & 255,
    (user >> 8) & 255,
    user & 255,
    ...payload,
  ];
  return Uint8Array.from([...bytes, bytes.reduce((x, b) => x ^ b, 0)]);
}
