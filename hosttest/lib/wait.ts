// Waiting on events instead of sleeping: a test that sleeps a fixed time passes on a
// quiet machine and fails on a busy one. Every wait here ends as soon as its condition
// holds; its bound only decides when to give up, and is derived by the caller from
// the timing it waits for (a configured interval, a retry delay) with wide margins.
import * as fs from "fs";

/** Margin on a configured timing before a wait gives up: the machine may be busy (BD450_WAIT_FACTOR overrides). */
export const WAIT_FACTOR = Number(process.env.BD450_WAIT_FACTOR ?? 10);

/** Bound for a wait on something the configuration says happens within `ms`: `ms` x WAIT_FACTOR, at least `floorMs`. */
export function boundFor(ms: number, floorMs = 5000): number {
  return Math.max(floorMs, ms * WAIT_FACTOR);
}

/**
 * Resolves with the probe's first truthy value (the probe may be async); checks at once,
 * then every `everyMs`. Rejects with `what` once `boundMs` passed without it.
 */
export async function waitFor<T>(
  what: string,
  boundMs: number,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  everyMs = 20,
): Promise<T> {
  const t0 = performance.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (performance.now() - t0 > boundMs) throw new Error(`${what}: not within ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** "239.192.0.4" as /proc/net/igmp prints it (the network-order word in host order, hex). */
function igmpHex(group: string): string {
  const b = group.split(".").map(Number);
  return [b[3], b[2], b[1], b[0]].map((x) => x.toString(16).toUpperCase().padStart(2, "0")).join("");
}

/**
 * Sockets joined to `group` on `device` in this network namespace (the "Users" column
 * of /proc/net/igmp), 0 when nobody joined it.
 */
export function igmpUsers(group: string, device = "lo"): number {
  let text: string;
  try {
    text = fs.readFileSync("/proc/net/igmp", "utf8");
  } catch {
    return 0;
  }
  const want = igmpHex(group);
  let current = "";
  for (const line of text.split("\n").slice(1)) {
    const dev = /^\d+\s+(\S+)\s*:/.exec(line);
    if (dev) {
      current = dev[1];
      continue;
    }
    const g = /^\s+([0-9A-F]{8})\s+(\d+)/.exec(line);
    if (g && current === device && g[1] === want) return Number(g[2]);
  }
  return 0;
}

/** Is a UDP socket bound to local `port` in this network namespace (/proc/net/udp)? */
export function udpBound(port: number): boolean {
  let text: string;
  try {
    text = fs.readFileSync("/proc/net/udp", "utf8");
  } catch {
    return false;
  }
  const hex = ":" + port.toString(16).toUpperCase().padStart(4, "0");
  return text
    .split("\n")
    .slice(1)
    .some((l) => (l.trim().split(/\s+/)[1] ?? "").endsWith(hex));
}
