// Board wiring from the manifest's "config" (mc/config), one set per target in
// manifest.json, mirroring boards/<board>.json (a host test keeps the two equal).
// A value missing or of the wrong type falls back to the WT32-ETH01 wiring and is
// reported, rather than failing the boot.

import config from "mc/config";

export interface UartPins {
  port: number;
  receive: number;
  transmit: number;
  /** Moddable's Linux host opens a tty by path instead (mc/config termDevice / conDevice). */
  device?: string;
}

export interface BoardWiring {
  name: string;
  /** The Beidou terminal's UART; `terminalAlt` when UART0 is held by xsbug (-d) or the console module (-i). */
  terminal: UartPins;
  /** Terminal baud until the `baud` setting is saved. */
  terminalBaud: number;
  terminalAlt: UartPins;
  console: UartPins & { baud: number };
  /** Network defaults used until settings are saved. */
  ipMode: string;
  ipAddr: string;
  ipMask: string;
  ipGateway: string;
  problems: string[];
}

export function readBoard(): BoardWiring {
  const problems: string[] = [];
  const c = config as { readonly [key: string]: unknown };
  const num = (key: string, fallback: number): number => {
    const v = c[key];
    if (typeof v === "number" && (v | 0) === v) return v;
    if (typeof v === "string" && /^\d+$/.test(v)) return Number(v); // command-line overrides arrive as strings
    if (v !== undefined) problems.push(`mc/config ${key}: ${String(v)} is not an integer; using ${fallback}`);
    else problems.push(`mc/config ${key} missing; using ${fallback}`);
    return fallback;
  };
  const str = (key: string, fallback: string): string => {
    const v = c[key];
    if (typeof v === "string") return v;
    problems.push(`mc/config ${key} missing; using "${fallback}"`);
    return fallback;
  };
  const dev = (key: string): { device?: string } => (typeof c[key] === "string" ? { device: c[key] as string } : {});
  if (c.board === "lin") {
    // Linux: ttys by path, no pins.
    const tty = (key: string) => ({ port: 0, receive: 0, transmit: 0, ...dev(key) });
    return {
      name: "lin",
      terminal: tty("termDevice"),
      terminalBaud: num("termBaud", 4800),
      terminalAlt: tty("termDevice"),
      console: { ...tty("conDevice"), baud: num("conBaud", 115200) },
      ipMode: str("ipMode", "dhcp"),
      ipAddr: str("ipAddr", ""),
      ipMask: str("ipMask", ""),
      ipGateway: str("ipGateway", ""),
      problems,
    };
  }
  return {
    name: str("board", "wt32_eth01"),
    terminal: { port: num("termPort", 0), receive: num("termRx", 3), transmit: num("termTx", 1) },
    terminalBaud: num("termBaud", 115200),
    terminalAlt: { port: num("termAltPort", 2), receive: num("termAltRx", 35), transmit: num("termAltTx", 4) },
    console: {
      port: num("conPort", 1),
      receive: num("conRx", 5),
      transmit: num("conTx", 17),
      baud: num("conBaud", 115200),
    },
    ipMode: str("ipMode", "static"),
    ipAddr: str("ipAddr", "172.16.1.45"),
    ipMask: str("ipMask", "255.255.0.0"),
    ipGateway: str("ipGateway", ""),
    problems,
  };
}
