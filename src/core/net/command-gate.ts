// The command gate: `$CC...` sentences received from the network reach the
// terminal only when cmdFwd is on, d: is this gateway's SFI, the source is in
// cmdAllow, the source keeps under commandRate per second, the input filter
// (inFilter, docs/filters.md) passes it, and the terminal's own
// command encoder (an option: the core knows no terminal protocol) accepts the
// fields. Every refusal is counted by reason and logged at most once a second.

import { asciiBytes } from "../../nmea/checksum";
import type { GatewayConfig } from "../config";
import type { SentenceFilter } from "../filter";
import type { Clock } from "../io";
import { sfiKeyOf } from "../tagblock";
import type { AnswerRoutes } from "./answers";
import type { CommandReject, NetworkSideCounters } from "./counters";

/**
 * Re-encodes a received command sentence (text with checksum) for the terminal's
 * UART, or throws an Error; `unsupported: true` on the error marks a formatter the
 * encoder does not know (counted apart from bad field values).
 */
export type CommandEncoder = (text: string) => Uint8Array;

export interface CommandGateOptions {
  /** The running configuration (cmdFwd, cmdAllow and sfi are read at every command). */
  config: GatewayConfig;
  clock: Clock;
  counters: NetworkSideCounters;
  answers: AnswerRoutes;
  encode?: CommandEncoder;
  /** Queue bytes for the terminal (Gateway.sendToTerminal). */
  toTerminal(bytes: Uint8Array): void;
  event(code: string, text: string): void;
  /** Commands accepted per source per second. Default 5. */
  commandRate?: number;
  /** inFilter (the gateway's; its rules change live). */
  inFilter?: SentenceFilter;
}

const NON_PRINTABLE = /[^\x20-\x7e]/g;

export class CommandGate {
  private readonly rate = new Map<string, { second: number; count: number }>();
  private readonly loggedAt: Record<string, number> = {};

  constructor(private readonly o: CommandGateOptions) {}

  /** One command sentence `text` from `source` (null: no s:) addressed to `destKey` (packed d:, null when absent). */
  command(text: string, source: string | null, destKey: number | null): void {
    const c = this.o.config;
    const from = source ?? "?";
    if (!c.cmdFwd) return this.reject("disabled", from, text);
    if (destKey === null || destKey !== sfiKeyOf(c.sfi)) return this.reject("not-addressed", from, text);
    const allow = c.cmdAllow.split(",").map((x) => x.trim().toUpperCase());
    if (allow.indexOf(from.toUpperCase()) < 0) return this.reject("source-not-allowed", from, text);
    const second = Math.floor(this.o.clock.monotonic() / 1000);
    const r = this.rate.get(from) ?? { second, count: 0 };
    if (r.second !== second) {
      r.second = second;
      r.count = 0;
    }
    this.rate.set(from, r);
    if (++r.count > (this.o.commandRate ?? 5)) return this.reject("rate", from, text);
    const f = this.o.inFilter;
    if (f && f.size > 0) {
      const b = asciiBytes(text); // commands are few (commandRate): a copy is fine here
      if (!f.pass(b, 0, b.length)) return this.reject("filtered", from, text);
    }
    if (!this.o.encode) return this.reject("unsupported", from, text, "no command encoder in this build");
    let bytes: Uint8Array;
    try {
      bytes = this.o.encode(text);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      const why = e as Error & { unsupported?: boolean; family?: boolean };
      return this.reject(why.unsupported ? "unsupported" : why.family ? "family" : "invalid", from, text, e.message);
    }
    // The command as sent: a translated one (TXA to a BDS-3 terminal goes as TCQ) is answered under its new name.
    this.o.answers.note(String.fromCharCode(bytes[3], bytes[4], bytes[5]), from);
    this.o.counters.commandsAccepted++;
    this.o.toTerminal(bytes);
  }

  private reject(reason: CommandReject, source: string, text: string, detail?: string): void {
    const k = this.o.counters;
    k.commandsRejected++;
    k.rejects[reason]++;
    // At most one log line per reason per second: a flood is counted, not logged line by line.
    const now = this.o.clock.monotonic();
    if (!(now - (this.loggedAt[reason] ?? -Infinity) < 1000)) {
      this.loggedAt[reason] = now;
      this.o.event(
        "cmd.reject",
        `command from ${source} rejected (${reason}${detail ? ": " + detail : ""}): ${text.replace(NON_PRINTABLE, "?").slice(0, 90)}`,
      );
    }
  }
}
