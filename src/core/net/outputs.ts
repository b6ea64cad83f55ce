// The two optional UDP outputs of the network side, each set by one `ADDRESS:PORT`
// setting: plain NMEA 0183 over UDP for legacy listeners (legacyUdp: every datagram
// the gateway sends, TAG blocks stripped) and RFC 5424 syslog (syslog: every event).

import type { Clock, UDPClass, UDPInstance } from "../io";
import { type SeverityName, syslogBytes } from "../syslog";
import { stripTagBlocks } from "../tagblock";
import type { NetworkSideCounters } from "./counters";

export interface OutputSocket {
  io: UDPClass;
  interface?: string;
}

const HOST_PORT = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})$/;

function parseHostPort(v: string): { address: string; port: number } | null {
  const m = HOST_PORT.exec(v.trim());
  if (!m) return null;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { address: m[1], port } : null;
}

/** One socket towards one ADDRESS:PORT. */
class UdpTarget {
  socket?: UDPInstance;
  address = "";
  port = 0;
  protected onError: (e?: Error) => void = () => {};

  /** Open for `setting` (empty: off); returns a problem text when the setting is not ADDRESS:PORT. */
  open(udp: OutputSocket, setting: string, name: string, onError: (e?: Error) => void): string | undefined {
    this.close();
    const t = parseHostPort(setting);
    if (!t) return setting ? `${name} "${setting}" is not ADDRESS:PORT; ${name} off` : undefined;
    this.onError = onError;
    this.socket = new udp.io({ interface: udp.interface, onError });
    this.address = t.address;
    this.port = t.port;
    return undefined;
  }

  close(): void {
    if (this.socket)
      try {
        this.socket.close();
      } catch {
        /* closed */
      }
    this.socket = undefined;
  }
}

export class LegacyOutput extends UdpTarget {
  private readonly buf = new Uint8Array(1472);

  constructor(private readonly counters: NetworkSideCounters) {
    super();
  }

  /** Gateway hook (GatewayOptions.onDatagram, bound: no wrapper call per datagram): the plain copy of a datagram sent. */
  readonly send = (bytes: Uint8Array, length: number): void => {
    const s = this.socket;
    if (!s) return;
    const n = stripTagBlocks(bytes, length, this.buf);
    if (n === 0) return;
    try {
      s.write(this.buf.subarray(0, n), this.address, this.port);
      this.counters.legacyDatagrams++;
    } catch (e) {
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  };
}

const SEVERITY_BY_PREFIX: Array<[string, SeverityName]> = [
  ["serial.", "err"],
  ["net.", "err"],
  ["uart.", "warning"],
  ["alert.", "warning"],
  ["terminal.", "warning"],
  ["cmd.", "notice"],
  ["reject.", "notice"],
];
const LOG_LINE = /^([A-Za-z0-9_.-]{1,32}): ([\s\S]*)$/;

export class SyslogOutput extends UdpTarget {
  constructor(private readonly o: { clock: Clock; counters: NetworkSideCounters; hostname: () => string }) {
    super();
  }

  /**
   * A line of the gateway's log sink ("code: text", as GatewayOptions.log receives
   * events): the platform's log goes here too, so every event also goes to syslog.
   */
  logLine(line: string): void {
    if (!this.socket) return; // no syslog configured: nothing to split (a match allocates)
    const m = LOG_LINE.exec(line);
    if (m) this.send(m[1], m[2]);
    else this.send("log", line);
  }

  /** Send one event when configured. */
  send(code: string, text: string): void {
    const s = this.socket;
    if (!s) return;
    let severity: SeverityName = "info";
    for (const [p, sev] of SEVERITY_BY_PREFIX)
      if (code.startsWith(p)) {
        severity = sev;
        break;
      }
    try {
      s.write(
        syslogBytes({
          time: this.o.clock.now(),
          severity,
          hostname: this.o.hostname(),
          appName: "bd450",
          msgId: code,
          message: text,
        }),
        this.address,
        this.port,
      );
      this.o.counters.syslogMessages++;
    } catch {
      // Not logged: the log line would come back here.
      this.o.counters.sendErrors++;
    }
  }
}
