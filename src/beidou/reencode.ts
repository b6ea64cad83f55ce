// A `$CC...` command received from the network, re-encoded for the terminal by
// the Beidou command encoders: every field is parsed and checked again, so nothing
// but a well-formed command reaches the UART. The network side's command gate
// (src/core/net/command-gate.ts) takes this as its CommandEncoder.

import { CommandError, encodeBSS, encodeDWA, encodeICA, encodeRMO, encodeTXA, encodeWAA } from "./encode";

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
 * Re-encode a `$CC...` command received from the network with the Beidou command
 * encoders. Returns the encoder's bytes (what goes to the UART), or throws
 * CommandError. Unknown formatters throw with `unsupported` set.
 */
export function reencodeCommand(text: string): Uint8Array {
  const star = text.lastIndexOf("*");
  const f = text.slice(1, star < 0 ? text.length : star).split(",");
  const address = f[0];
  const a = (i: number) => (i < f.length ? f[i] : "");
  const expect = (n: number) => {
    if (f.length !== n + 1) throw new CommandError(`${address} needs ${n} fields, got ${f.length - 1}`);
  };
  switch (address) {
    case "CCICA":
      expect(2);
      return encodeICA(num(a(1), "ICA type"), num(a(2), "ICA frame"));
    case "CCRMO":
      expect(3);
      return encodeRMO(a(1), num(a(2), "RMO mode"), a(3) === "" ? 0 : num(a(3), "RMO interval"));
    case "CCBSS":
      expect(2);
      return encodeBSS(
        a(1) === "" ? null : num(a(1), "BSS response beam"),
        a(2) === "" ? null : num(a(2), "BSS time-difference beam"),
      );
    case "CCDWA":
      expect(9);
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
      if (mode === 1) return encodeTXA({ to: a(1), urgent, mode: 1, hex: content });
      if (mode === 2) {
        if (!/^A4([0-9A-Fa-f]{2})+$/.test(content))
          throw new CommandError("TXA mixed mode content must be A4 followed by hex byte pairs");
        const data = new Uint8Array((content.length - 2) / 2);
        for (let i = 0; i < data.length; i++) data[i] = parseInt(content.substr(2 + 2 * i, 2), 16);
        return encodeTXA({ to: a(1), urgent, mode: 2, data });
      }
      if (mode === 0) {
        // Chinese mode: GB2312 bytes arrive as IEC 61162-1 ^hh escapes (a 450 sentence is
        // printable ASCII); the terminal gets the raw bytes, checked again by the encoder.
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
        return encodeTXA({ to: a(1), urgent, mode: 0, data: Uint8Array.from(data) });
      }
      throw new CommandError(`TXA mode must be 0, 1 or 2, not ${mode}`);
    }
  }
  const e = new CommandError(`${address} is not a command the gateway forwards`);
  e.unsupported = true;
  throw e;
}
