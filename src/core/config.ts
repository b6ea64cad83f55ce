// Gateway configuration: one flat record whose keys are also the persistent
// setting names. Keys are at most 15 characters because ESP32 NVS (Moddable
// `preference`) allows no more; values are strings, int32 numbers or booleans for
// the same reason. Validation rules (ranges, formats) live in the settings schema
// (src/settings/settings.ts); this file only fixes names, types and defaults.

export type OverlongPolicy = "carry" | "verbatim" | "drop";

export interface GatewayConfig {
  /** System Function ID of this gateway, `ccxxxx` (IEC 61162-450 §4.4). */
  sfi: string;
  /** UART baud rate towards the Beidou terminal. */
  baud: number;
  /** Add a `c:` (UNIX seconds) parameter to every TAG block. */
  tagTime: boolean;
  /** IPv4 multicast TTL (1 keeps traffic on the ship's segment; UNCONFIRMED as a rule). */
  ttl: number;
  /** Host: IPv4 address of the interface used for multicast (empty: the OS default route). */
  iface: string;
  /** Board: "static" (450 requires a fixed 172.16/12 address) or "dhcp". */
  ipMode: string;
  ipAddr: string;
  ipMask: string;
  ipGateway: string;
  /** Group overrides, `KEY=GROUP;...` where KEY is a formatter (TXR), talker+formatter (BDGSV) or talker+`*` (GP*). */
  groupMap: string;
  /** What to do with sentences longer than the 82 characters a strict 450 receiver accepts. */
  overlong: OverlongPolicy;
  /** Manufacturer mnemonic of the proprietary carrier sentence for overlong sentences (UNCONFIRMED, not registered). */
  propMfr: string;
  /** Longest line the framer accepts (RDSS 2.1 allows 300 bytes). */
  maxLine: number;
  /** Recognise RDSS 4.0 binary frames in the UART stream. */
  rdss40: boolean;
  /**
   * The terminal's sentence family: "auto" (detected from what it sends), "bds2" (RDSS 2.1:
   * BSI, ICI, TXR; commands TXA, ICA) or "bds3" (BDS-3 RSMC: PWI, ICP, TCI; commands TCQ, ICR).
   */
  terminalFamily: string;
  /** Heartbeat (HBT) interval in seconds on BAM1; 0 disables it. */
  hbtInterval: number;
  /** Alert: terminal silent for this many seconds. */
  alSilentS: number;
  /** Alert: no position fix for this many seconds. */
  alNoFixS: number;
  /** Alert: checksum errors above this percentage of sentences over one minute. */
  alCsumPct: number;
  /** Accept `$CC…` commands for the terminal from the network. */
  cmdFwd: boolean;
  /** Source SFIs allowed to send commands (comma-separated). */
  cmdAllow: string;
  /** Groups the gateway joins to receive commands (comma-separated group names). */
  cmdGroups: string;
  /** Bound of the UART output queue in sentences (drop-oldest beyond it). */
  uartQueue: number;
  /** Plain NMEA 0183 over UDP with TAG blocks stripped, `address:port` (empty: off). */
  legacyUdp: string;
  /** RFC 5424 syslog over UDP, `address:port` (empty: off). */
  syslog: string;
  /** Send ICA (card check) and RMO (enable BSI) to the terminal at start-up. */
  startupCmds: boolean;
  /** Output filter rules `[!]PATTERN[/N|@S],...` on terminal -> network (docs/filters.md; empty: all pass). */
  outFilter: string;
  /** Input filter rules, same grammar, on network commands -> terminal (after cmdAllow). */
  inFilter: string;
  /** Sentences per second per transmission group; above it the newest are dropped (0: off). */
  maxRate: number;
  /** Web page TCP port (board; the host serves only with `bd450 gateway --web ADDR:PORT`); 0: off. */
  webPort: number;
  /** Web page password as a salted PBKDF2-SHA256 hash (never the password); empty: no web server. */
  webPass: string;
}

export const DEFAULT_CONFIG: Readonly<GatewayConfig> = Object.freeze({
  sfi: "BD0001",
  baud: 115200,
  tagTime: true,
  ttl: 1,
  iface: "",
  ipMode: "static",
  ipAddr: "172.16.1.45",
  ipMask: "255.255.0.0",
  ipGateway: "",
  groupMap: "",
  overlong: "carry",
  propMfr: "XBD",
  // BDS-3 received messages (TCI) run past RDSS 2.1's 300 bytes; 1024 is the schema's top
  // (4 x maxLine bytes of framer buffers, allocated once at start).
  maxLine: 1024,
  rdss40: true,
  terminalFamily: "auto",
  hbtInterval: 60,
  alSilentS: 10,
  alNoFixS: 30,
  alCsumPct: 5,
  cmdFwd: false,
  cmdAllow: "",
  cmdGroups: "RCOM",
  uartQueue: 16,
  legacyUdp: "",
  syslog: "",
  startupCmds: true,
  outFilter: "",
  inFilter: "",
  maxRate: 0,
  webPort: 80,
  webPass: "",
} as GatewayConfig);

export function makeConfig(overrides?: Partial<GatewayConfig>): GatewayConfig {
  const c = {} as GatewayConfig;
  const d = DEFAULT_CONFIG as unknown as Record<string, unknown>;
  for (const k in d) (c as unknown as Record<string, unknown>)[k] = d[k];
  if (overrides)
    for (const k in overrides) (c as unknown as Record<string, unknown>)[k] = (overrides as Record<string, unknown>)[k];
  return c;
}
