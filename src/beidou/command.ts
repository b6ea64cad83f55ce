// Host -> terminal RDSS 2.1 commands, the parts every command module shares: the error,
// the value checks and the sentence writer. Each command is one module in sentences/
// (ica.ts, rmo.ts, bss.ts, dwa.ts, waa.ts, txa.ts: decode, encode, reencode).
//
// Every value is checked before a byte is written, and the finished sentence is
// scanned once more: no field can inject `$ * , \ ! ~`, CR, LF or any other
// control byte into the UART stream. Results are sentence bytes with `*HH` and
// without CR LF (Gateway.sendToTerminal adds it).

import { writeHex2, xorRange } from "../nmea/checksum";
import type { Fields } from "./fields";

export class CommandError extends Error {
  /** Set when the formatter is not a command the gateway forwards (counted apart from bad field values). */
  unsupported?: boolean;
  /** Set when the command belongs to the other terminal family and has no same-meaning counterpart. */
  family?: boolean;
}

/** Bytes the UART stream must never carry inside a field. */
export function forbiddenByte(c: number): boolean {
  return c < 0x20 || c === 0x24 || c === 0x2a || c === 0x2c || c === 0x5c || c === 0x21 || c === 0x7e || c === 0x7f;
}

export function describe(c: number): string {
  if (c === 0x0d) return "CR";
  if (c === 0x0a) return "LF";
  if (c < 0x20 || c === 0x7f) return "control byte 0x" + (c < 16 ? "0" : "") + c.toString(16);
  return "'" + String.fromCharCode(c) + "'";
}

export function userAddress(v: number | string, what: string): string {
  const s = typeof v === "number" ? String(v) : v;
  if (!/^[0-9]{1,7}$/.test(s))
    throw new CommandError(`${what} must be a user address of 1-7 digits, not "${String(v)}"`);
  return s.padStart(7, "0");
}

export function intIn(v: number, lo: number, hi: number, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
    throw new CommandError(`${what} must be an integer ${lo}-${hi}, not ${String(v)}`);
  return v;
}

export function numberField(v: number | undefined, what: string, lo: number, hi: number, decimals: number): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi)
    throw new CommandError(`${what} must be a number ${lo}..${hi}, not ${String(v)}`);
  const s = decimals > 0 ? v.toFixed(decimals).replace(/\.?0+$/, "") : String(Math.round(v));
  return s === "-0" ? "0" : s;
}

/** Assemble `$` + fields joined by ',' + `*HH` from byte fields, re-checking every byte. */
export function buildSentence(address: string, fields: ReadonlyArray<string | Uint8Array>): Uint8Array {
  if (!/^[A-Z]{2}[A-Z]{3}$/.test(address)) throw new CommandError(`bad sentence address "${address}"`);
  let n = 1 + address.length;
  for (const f of fields) n += 1 + f.length;
  const out = new Uint8Array(n + 3);
  let k = 0;
  out[k++] = 0x24;
  for (let i = 0; i < address.length; i++) out[k++] = address.charCodeAt(i);
  fields.forEach((f, idx) => {
    out[k++] = 0x2c;
    for (let i = 0; i < f.length; i++) {
      const c = typeof f === "string" ? f.charCodeAt(i) : f[i];
      if (c > 0xff || forbiddenByte(c))
        throw new CommandError(
          `field ${idx + 1} of ${address} contains ${describe(c & 0xffff)}, which would break the sentence framing`,
        );
      out[k++] = c;
    }
  });
  const x = xorRange(out, 1, k);
  out[k++] = 0x2a;
  writeHex2(out, k, x);
  return out;
}

export function coordField(v: number, lon: boolean): [string, string] {
  const lim = lon ? 180 : 90;
  if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > lim)
    throw new CommandError(`${lon ? "longitude" : "latitude"} must be within ±${lim}°, not ${String(v)}`);
  const a = Math.abs(v);
  let d = Math.floor(a);
  let m = Math.round((a - d) * 600000) / 10000;
  if (m >= 60) {
    d++;
    m -= 60;
  }
  const s = String(d).padStart(lon ? 3 : 2, "0") + m.toFixed(4).padStart(7, "0");
  return [s, lon ? (v < 0 ? "W" : "E") : v < 0 ? "S" : "N"];
}

export function timeField(t: number): string {
  if (typeof t !== "number" || !(t >= 0 && t < 86400))
    throw new CommandError(`time must be 0-86399.99 seconds since midnight, not ${String(t)}`);
  const cs = Math.round(t * 100);
  const h = Math.floor(cs / 360000),
    m = Math.floor(cs / 6000) % 60,
    s = Math.floor(cs / 100) % 60;
  return (
    String(h).padStart(2, "0") +
    String(m).padStart(2, "0") +
    String(s).padStart(2, "0") +
    "." +
    String(cs % 100).padStart(2, "0")
  );
}

/** A command from the network must have exactly its fields (a decoder accepts more). */
export function exactFields(f: Fields, count: number, name: string): void {
  if (f.count !== count) throw new CommandError(`CC${name} needs ${count} fields, got ${f.count}`);
}

/** A decoded number, or undefined for an empty field (optional command values). */
export function optional(v: number): number | undefined {
  return v === v ? v : undefined;
}
