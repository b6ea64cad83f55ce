// Shared pieces of the host CLI: input reading, config from options, hooks.
import * as fs from "node:fs";
import { type GatewayConfig, makeConfig } from "../core/config";
import { findSetting, parseValue } from "../settings/settings";
import type { OptionSpec } from "./args";

/** Read a whole file, or standard input for "-" / no file. */
export function readInput(file: string | undefined): Promise<Buffer> {
  if (file && file !== "-") return fs.promises.readFile(file);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (c: Buffer) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks)));
    process.stdin.on("error", reject);
  });
}

/** `--config FILE`: the settings file (gateway, spec, config). */
export const CONFIG_FILE_OPTION: OptionSpec = {
  type: "string",
  arg: "FILE",
  help: "settings file (default: $XDG_CONFIG_HOME/bd450/config or ~/.config/bd450/config)",
};

/** Options that map straight onto gateway config keys (shared by gateway and wrap). */
export const CONFIG_OPTIONS: Record<string, OptionSpec> = {
  sfi: { type: "string", arg: "XX0000", help: "source SFI of this gateway (s: in every TAG block)" },
  "group-map": { type: "string", arg: "RULES", help: "group overrides, e.g. 'TXR=RCOM;GP*=USR1;BDGSV=SATD'" },
  overlong: { type: "string", arg: "POLICY", help: "sentences over 82 chars: carry | verbatim | drop" },
  time: { type: "boolean", help: "add c: (UNIX seconds) to TAG blocks (--no-time to omit)" },
  "max-line": { type: "number", help: "longest line framed, bytes" },
  rdss40: { type: "boolean", help: "recognise RDSS 4.0 binary frames (--no-rdss40 to disable)" },
  // Same names as the settings (docs/filters.md).
  outFilter: { type: "string", arg: "RULES", help: "output filter, e.g. '!GSV,GGA/5,RMC@2' (docs/filters.md)" },
  inFilter: { type: "string", arg: "RULES", help: "input filter on network commands, e.g. 'TXA@60'" },
  maxRate: { type: "string", arg: "N", help: "sentences/s per transmission group, newest dropped above it (0: off)" },
};

/** Option text -> typed value through the settings schema: the console's rules and errors. */
function schemaValue(key: string, text: string): string | number | boolean {
  const p = parseValue(findSetting(key)!, text);
  if ("error" in p) throw new Error(p.error);
  return p.value;
}

export function configFromOptions(o: Record<string, unknown>, base?: GatewayConfig): GatewayConfig {
  const c = base ?? makeConfig();
  if (o.sfi !== undefined) c.sfi = String(o.sfi);
  if (o["group-map"] !== undefined) c.groupMap = String(o["group-map"]);
  if (o.overlong !== undefined) {
    const p = String(o.overlong);
    if (p !== "carry" && p !== "verbatim" && p !== "drop")
      throw new Error(`--overlong must be carry, verbatim or drop, not "${p}"`);
    c.overlong = p;
  }
  if (o.time !== undefined) c.tagTime = Boolean(o.time);
  if (o["max-line"] !== undefined) c.maxLine = Number(o["max-line"]);
  if (o.rdss40 !== undefined) c.rdss40 = Boolean(o.rdss40);
  if (o.baud !== undefined) c.baud = Number(o.baud);
  if (o.interface !== undefined) c.iface = String(o.interface);
  if (o.ttl !== undefined) c.ttl = Number(o.ttl);
  if (o.outFilter !== undefined) c.outFilter = schemaValue("outFilter", String(o.outFilter)) as string;
  if (o.inFilter !== undefined) c.inFilter = schemaValue("inFilter", String(o.inFilter)) as string;
  if (o.maxRate !== undefined) c.maxRate = schemaValue("maxRate", String(o.maxRate)) as number;
  return c;
}

/**
 * The one way a long-running command learns it must stop: SIGINT, SIGTERM, SIGHUP,
 * its output pipe closed (EPIPE on stdout/stderr: `bd450 demo | head -2`), or after
 * `durationS` seconds (0: never). `reason` resolves with the first of them, once;
 * `dispose()` removes every listener and the timer, so nothing keeps the process alive
 * after the command's own clean-up. A later stop cause is ignored.
 */
export function stopTrigger(durationS = 0): {
  reason: Promise<string>;
  stop(why: string): void;
  dispose(): void;
} {
  let fire!: (why: string) => void;
  const reason = new Promise<string>((r) => (fire = r));
  let done = false;
  const stop = (why: string) => {
    if (done) return;
    done = true;
    fire(why);
  };
  const onInt = () => stop("SIGINT");
  const onTerm = () => stop("SIGTERM");
  const onHup = () => stop("SIGHUP");
  // A closed reader: no more output can go anywhere, so stop (and write nothing more there).
  const onPipe = (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") stop("output closed");
  };
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  process.on("SIGHUP", onHup);
  process.stdout.on("error", onPipe);
  process.stderr.on("error", onPipe);
  const timer = durationS > 0 ? setTimeout(() => stop("duration"), durationS * 1000) : undefined;
  return {
    reason,
    stop,
    dispose() {
      if (timer) clearTimeout(timer);
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      process.off("SIGHUP", onHup);
      // The error listeners stay: a write after the reader left must not crash the clean-up.
    },
  };
}
