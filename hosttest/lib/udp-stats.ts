// UDP figures of this network namespace from the kernel (Linux /proc/net/snmp).
import * as fs from "node:fs";

/** Datagrams the kernel dropped for a full socket receive buffer ("Udp: ... RcvbufErrors"). */
export function rcvbufErrors(): number {
  // A header line, then the values line.
  const lines = fs
    .readFileSync("/proc/net/snmp", "utf8")
    .split("\n")
    .filter((l) => l.startsWith("Udp:"));
  const keys = lines[0].split(/\s+/),
    vals = lines[1].split(/\s+/);
  return Number(vals[keys.indexOf("RcvbufErrors")]);
}
