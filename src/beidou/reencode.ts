// A `$CC...` command received from the network, re-encoded for the terminal by
// the Beidou command encoders: every field is parsed and checked again, so nothing
// but a well-formed command reaches the UART. The network side's command gate
// (src/core/net/command-gate.ts) takes this as its CommandEncoder.

import {
  CommandError,
  encodeBSS,
  encodeDWA,
  encodeEPQ,
  encodeICA,
  encodeICR,
  encodeQRQ,
  encodeRMO,
  encodeTCQ,
  encodeTXA,
  encodeWAA,
} from "./encode";

function num(s: string, what: string): number {
  if (!/^-?[0-9]+(\.[0-9]+)?$/.test(s)) throw new CommandError(`${what}: "${s}" is not a number`);
  return Number(s);
}

function optNum(s: string, what: string): number | undefined {
  return s === "" ? undefined : num(s, what);
}

/** ddmm.mmmm + hemisphere -> signed degrees. */
function coord(v: string, h: string, lon: boolean): number {
  if (!(lon ? /^[0-9]{5}\.[0-9]+$/ : /^[0-9]{4}\.[0-9]+$/).test(v))
    throw new CommandError(`bad ${lon ? "longitude" : "latitude"} "${v}"`);
  const d = Number(v.slice(0, lon ? 3 : 2));
  const m = Number(v.slice(lon ? 3 : 2));
  const deg = d + m / 60;
  if (lon ? h !== "E" && h !== "W" : h !== "N" && h !== "S") throw new CommandError(`bad hemisphere "${h}"`);
  return h === "W" || h === "S" ? -deg : deg;
}

function hhmmss(v: string): number {
  const m = /^([0-9]{2})([0-9]{2})([0-9]{2}(\.[0-9]+)?)$/.exec(v);
  if (!m) throw new CommandError(`bad time "${v}"`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/**
 * Chinese-mode TXA content: GB2312 bytes arrive as IEC 61162-1 ^hh escapes (a 450 sentence is
 * printable ASCII); the terminal gets the raw bytes, checked again by the encoder.
 */
function escapedBytes(content: string): Uint8Array {
  const data: number[] = [];
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c === 0x5e) {
      const h = /^[0-9A-Fa-f]{2}$/.test(content.substr(i + 1, 2)) ? parseInt(content.substr(i + 1, 2), 16) : -1;
      if (h < 0) throw new CommandError("TXA: '^' must be followed by two hex digits");
      data.push(h);
      i += 2;
    } else data.push(c & 0xff);
  }
  return Uint8Array.from(data);
}

/** Hex digits -> bytes (even count checked by the caller's pattern). */
function hexBytes(h: string): Uint8Array {
  const data = new Uint8Array(h.length >> 1);
  for (let i = 0; i < data.length; i++) data[i] = parseInt(h.substr(2 * i, 2), 16);
  return data;
}

/** A command of the other family with no same-meaning counterpart: refused, counted as "family". */
function otherFamily(what: string, family: string): CommandError {
  const e = new CommandError(`${what} has no counterpart for this ${family === "bds3" ? "BDS-3" : "BDS-2"} terminal`);
  e.family = true;
  return e;
}

/**
 * Re-encode a `$CC...` command received from the network with the Beidou command
 * encoders, in the terminal's family (`family`: DeviceState.family, "bds2", "bds3" or
 * "unknown"): a command of the other family is translated where the meaning is the same
 * (TXA <-> TCQ for a normal one-off message, ICA <-> ICR), else refused (CommandError with
 * `family` set). Returns the encoder's bytes (what goes to the UART), or throws
 * CommandError. Unknown formatters throw with `unsupported` set.
 */
export function reencodeCommand(text: string, family = "unknown"): Uint8Array {
  const star = text.lastIndexOf("*");
  const f = text.slice(1, star < 0 ? text.length : star).split(",");
  const address = f[0];
  const a = (i: number) => (i < f.length ? f[i] : "");
  const expect = (n: number) => {
    if (f.length !== n + 1) throw new CommandError(`${address} needs ${n} fields, got ${f.length - 1}`);
  };
  switch (address) {
    case "CCICA": {
      expect(2);
      const type = num(a(1), "ICA type");
      const frame = num(a(2), "ICA frame");
      if (family !== "bds3") return encodeICA(type, frame);
      // ICA 0 = own card, 1 = subordinate users; ICR 0 / 2 ask the same (frame numbers have no counterpart).
      if ((type === 0 || type === 1) && frame === 0) return encodeICR(type === 0 ? 0 : 2);
      throw otherFamily(`ICA ${type},${frame}`, family);
    }
    case "CCICR": {
      expect(2);
      const type = num(a(1), "ICR query type");
      if (family !== "bds2") return encodeICR(type);
      if (type === 0 || type === 2) return encodeICA(type === 0 ? 0 : 1, 0);
      throw otherFamily(`ICR type ${type}`, family);
    }
    case "CCEPQ":
      expect(8);
      if (family === "bds2") throw otherFamily("EPQ", family);
      return encodeEPQ({
        card: a(1),
        model: optNum(a(2), "EPQ model"),
        frequency: optNum(a(3), "EPQ frequency"),
        speed: optNum(a(4), "EPQ speed"),
        urgency: optNum(a(5), "EPQ urgency"),
        elevation: optNum(a(6), "EPQ elevation"),
        sosType: optNum(a(7), "EPQ SOS type"),
        times: optNum(a(8), "EPQ times"),
      });
    case "CCQRQ":
      expect(2);
      if (family === "bds2") throw otherFamily("QRQ", family);
      return encodeQRQ(a(1), num(a(2), "QRQ type"));
    case "CCTCQ": {
      expect(6);
      const to = a(1);
      const fp = num(a(2), "TCQ frequency point");
      const ack = a(3);
      if (ack !== "1" && ack !== "2")
        throw new CommandError(`TCQ inbound acknowledgement must be 1 or 2, not "${ack}"`);
      const codeType = num(a(4), "TCQ code type");
      const data = a(5);
      const freq = num(a(6), "TCQ send frequency");
      if (codeType !== 1 && codeType !== 2 && codeType !== 3)
        throw new CommandError(`TCQ code type must be 1, 2 or 3 (4/5 compressed are not forwarded), not ${codeType}`);
      if (codeType !== 2 && !/^([0-9A-Fa-f]{2})+$/.test(data))
        throw new CommandError(`TCQ code type ${codeType} data must be hex byte pairs`);
      if (family === "bds2") {
        // A one-off normal message means the same as TXA; repeats and inbound acknowledgements do not exist there.
        if (freq !== 0 || ack !== "1")
          throw otherFamily("TCQ with a send frequency or an inbound acknowledgement", family);
        if (codeType === 2) return encodeTXA({ to, mode: 1, hex: data });
        return encodeTXA({ to, mode: codeType === 1 ? 0 : 2, data: hexBytes(data) });
      }
      const q = { to, frequencyPoint: fp, ack: ack === "2", sendFrequency: freq };
      if (codeType === 2) return encodeTCQ({ ...q, codeType: 2, hex: data });
      return encodeTCQ({ ...q, codeType, data: hexBytes(data) });
    }
    case "CCRMO":
      expect(3);
      return encodeRMO(a(1), num(a(2), "RMO mode"), a(3) === "" ? 0 : num(a(3), "RMO interval"));
    case "CCBSS":
      expect(2);
      if (family === "bds3") throw otherFamily("BSS (BDS-2 beam selection)", family);
      return encodeBSS(
        a(1) === "" ? null : num(a(1), "BSS response beam"),
        a(2) === "" ? null : num(a(2), "BSS time-difference beam"),
      );
    case "CCDWA":
      expect(9);
      if (family === "bds3") throw otherFamily("DWA (RDSS position request)", family);
      if (a(2) !== "A" && a(2) !== "V") throw new CommandError(`DWA urgent flag must be A or V, not "${a(2)}"`);
      if (a(4) !== "H" && a(4) !== "L") throw new CommandError(`DWA height type must be H or L, not "${a(4)}"`);
      return encodeDWA({
        user: a(1),
        urgent: a(2) === "A",
        heightMode: num(a(3), "DWA height mode"),
        highAltitude: a(4) === "H",
        height: optNum(a(5), "DWA height"),
        antennaHeight: optNum(a(6), "DWA antenna height"),
        pressure: optNum(a(7), "DWA pressure"),
        temperature: optNum(a(8), "DWA temperature"),
        interval: optNum(a(9), "DWA interval"),
      });
    case "CCWAA":
      expect(10);
      if (family === "bds3") throw otherFamily("WAA", family);
      if (a(1) !== "1" || a(10) !== "M")
        throw new CommandError("WAA: only position report type 1 in metres is supported");
      return encodeWAA({
        interval: num(a(2), "WAA interval"),
        to: a(3),
        time: hhmmss(a(4)),
        latitude: coord(a(5), a(6), false),
        longitude: coord(a(7), a(8), true),
        height: num(a(9), "WAA height"),
      });
    case "CCTXA": {
      expect(4);
      if (a(2) !== "0" && a(2) !== "1") throw new CommandError(`TXA communication type must be 0 or 1, not "${a(2)}"`);
      const mode = num(a(3), "TXA mode");
      const content = a(4);
      const urgent = a(2) === "0";
      if (family === "bds3") return txaAsTcq(a(1), urgent, mode, content);
      if (mode === 1) return encodeTXA({ to: a(1), urgent, mode: 1, hex: content });
      if (mode === 2) {
        if (!/^A4([0-9A-Fa-f]{2})+$/.test(content))
          throw new CommandError("TXA mixed mode content must be A4 followed by hex byte pairs");
        return encodeTXA({ to: a(1), urgent, mode: 2, data: hexBytes(content.slice(2)) });
      }
      if (mode === 0) return encodeTXA({ to: a(1), urgent, mode: 0, data: escapedBytes(content) });
      throw new CommandError(`TXA mode must be 0, 1 or 2, not ${mode}`);
    }
  }
  const e = new CommandError(`${address} is not a command the gateway forwards`);
  e.unsupported = true;
  throw e;
}

/** TXA for a BDS-3 terminal: the same message as TCQ (normal only: express has no TCQ counterpart). */
function txaAsTcq(to: string, urgent: boolean, mode: number, content: string): Uint8Array {
  if (urgent) throw otherFamily("express (urgent) TXA", "bds3");
  if (mode === 1) return encodeTCQ({ to, codeType: 2, hex: content });
  if (mode === 2) {
    if (!/^A4([0-9A-Fa-f]{2})+$/.test(content))
      throw new CommandError("TXA mixed mode content must be A4 followed by hex byte pairs");
    return encodeTCQ({ to, codeType: 3, data: hexBytes(content.slice(2)) });
  }
  if (mode === 0) return encodeTCQ({ to, codeType: 1, data: escapedBytes(content) });
  throw new CommandError(`TXA mode must be 0, 1 or 2, not ${mode}`);
}
