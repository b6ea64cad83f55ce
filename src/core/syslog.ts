// RFC 5424 syslog message formatting (portable: no Node, no TextEncoder).
// Used for the optional error log export over UDP (RFC 5426: one message per
// datagram, no framing). Syslog as a 450 requirement is UNCONFIRMED (doc §6.4), so
// the format follows RFC 5424 strictly and nothing else depends on it.
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID name="value"...] MSG

import { utf8 } from "./helpers";

export const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"] as const;
export type SeverityName = (typeof SEVERITIES)[number];

/** Facility local0 (16): the conventional choice for an appliance's own log. */
export const FACILITY_LOCAL0 = 16;

export interface SyslogMessage {
  /** Wall-clock ms since the Unix epoch. */
  time: number;
  /** 0..7 or a name (emerg .. debug). */
  severity: number | SeverityName;
  /** 0..23; default local0. */
  facility?: number;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** SD-ID -> parameters. Names and IDs are checked; values are escaped. */
  structuredData?: Record<string, Record<string, string>>;
  message?: string;
}

const NIL = "-";

/** PRINTUSASCII (33..126) only, bounded, or NILVALUE when empty. */
function headerField(v: string | undefined, max: number): string {
  if (v === undefined || v === "") return NIL;
  let s = "";
  for (let i = 0; i < v.length && s.length < max; i++) {
    const c = v.charCodeAt(i);
    s += c >= 33 && c <= 126 ? v[i] : "_";
  }
  return s;
}

/** SD-NAME: PRINTUSASCII except '=', SP, ']', '"'; 1..32 characters. */
function sdName(v: string): string {
  if (v.length < 1 || v.length > 32) throw new RangeError(`syslog SD name length 1..32: "${v}"`);
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 33 || c > 126 || c === 0x3d || c === 0x5d || c === 0x22)
      throw new RangeError(`syslog SD name has an invalid character: "${v}"`);
  }
  return v;
}

function pad(v: number, n: number): string {
  let s = String(v);
  while (s.length < n) s = "0" + s;
  return s;
}

/** RFC 3339 timestamp in UTC with milliseconds, e.g. 2026-11-25T13:17:17.123Z. */
export function rfc3339(ms: number): string {
  if (!Number.isFinite(ms)) return NIL;
  const d = new Date(Math.floor(ms));
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`
  );
}

function severityNumber(s: number | SeverityName): number {
  if (typeof s === "number") {
    if (!(s >= 0 && s <= 7 && (s | 0) === s)) throw new RangeError("syslog severity must be 0..7");
    return s;
  }
  const i = SEVERITIES.indexOf(s);
  if (i < 0) throw new RangeError("unknown syslog severity " + s);
  return i;
}

/** The message as a string (UTF-16; use syslogBytes for the wire). */
export function formatSyslog(m: SyslogMessage): string {
  const facility = m.facility ?? FACILITY_LOCAL0;
  if (!(facility >= 0 && facility <= 23 && (facility | 0) === facility))
    throw new RangeError("syslog facility must be 0..23");
  const pri = facility * 8 + severityNumber(m.severity);
  let sd = "";
  if (m.structuredData) {
    for (const id of Object.keys(m.structuredData)) {
      sd += "[" + sdName(id);
      const params = m.structuredData[id];
      for (const name of Object.keys(params))
        sd += " " + sdName(name) + '="' + params[name].replace(/["\\\]]/g, "\\$&") + '"';
      sd += "]";
    }
  }
  if (sd === "") sd = NIL;
  const head =
    `<${pri}>1 ${rfc3339(m.time)} ${headerField(m.hostname, 255)} ${headerField(m.appName, 48)} ` +
    `${headerField(m.procId, 128)} ${headerField(m.msgId, 32)} ${sd}`;
  return m.message !== undefined && m.message !== "" ? head + " " + m.message : head;
}

/**
 * The message as the bytes of one UDP datagram: UTF-8, with the BOM before MSG when
 * MSG is not plain ASCII (RFC 5424 §6.4), truncated to `maxBytes` at a character
 * boundary (RFC 5426: receivers must accept 480 bytes and should accept 2048).
 */
export function syslogBytes(m: SyslogMessage, maxBytes = 1024): Uint8Array {
  const msg = m.message ?? "";
  let ascii = true;
  for (let i = 0; i < msg.length; i++)
    if (msg.charCodeAt(i) > 0x7e || msg.charCodeAt(i) < 0x20) {
      ascii = false;
      break;
    }
  const head = utf8(formatSyslog({ ...m, message: undefined }));
  const body = msg === "" ? new Uint8Array(0) : utf8(msg);
  const bom = !ascii && msg !== "" ? 3 : 0;
  let total = head.length + (msg === "" ? 0 : 1 + bom + body.length);
  let bodyLen = body.length;
  if (total > maxBytes) {
    bodyLen = Math.max(0, maxBytes - head.length - 1 - bom);
    while (bodyLen > 0 && bodyLen < body.length && (body[bodyLen] & 0xc0) === 0x80) bodyLen--;
    total = head.length + (bodyLen > 0 ? 1 + bom + bodyLen : 0);
  }
  const out = new Uint8Array(Math.min(total, Math.max(maxBytes, head.length)));
  out.set(head.subarray(0, out.length));
  if (bodyLen > 0 && head.length < out.length) {
    let o = head.length;
    out[o++] = 0x20;
    if (bom) {
      out[o++] = 0xef;
      out[o++] = 0xbb;
      out[o++] = 0xbf;
    }
    out.set(body.subarray(0, bodyLen), o);
  }
  return out;
}
