// Answer routing: a sentence from the terminal that answers a command received
// from the network goes out with d: = the SFI that sent the command (IEC 61162-450
// §7.3.4), for `answerWindow` seconds after the command.

import { latin1 } from "../../nmea/checksum";
import { formatterKeyOf, sentenceFormatterKey } from "../../nmea/keys";
import type { Clock } from "../io";
import type { NetworkSideCounters } from "./counters";

/** Answer formatter -> command formatters it answers (FKI names its command in a field). */
const ANSWERS: Record<string, string[]> = {
  ICI: ["ICA"],
  DWR: ["DWA", "WBA"],
  TXR: ["TXA"],
  // BDS-3 RSMC answers (a translated command is noted under the name it was sent as).
  TCI: ["TCQ"],
  ICP: ["ICR"],
  EPI: ["EPQ"],
  QRI: ["QRQ"],
};

/** Formatter keys of the answers: FKI and the ANSWERS keys. */
const KEY_FKI = formatterKeyOf("FKI"),
  KEY_ICI = formatterKeyOf("ICI"),
  KEY_DWR = formatterKeyOf("DWR"),
  KEY_TXR = formatterKeyOf("TXR"),
  KEY_TCI = formatterKeyOf("TCI"),
  KEY_ICP = formatterKeyOf("ICP"),
  KEY_EPI = formatterKeyOf("EPI"),
  KEY_QRI = formatterKeyOf("QRI");
const FORMATTER = /^[A-Z]{3}$/;

interface Pending {
  sfi: string;
  at: number;
}

export class AnswerRoutes {
  private readonly pending = new Map<string, Pending>();
  private readonly windowMs: number;
  /** pending.size > 0, kept as a field the gateway reads per sentence (on XS `size` is a native call). Read-only outside. */
  waiting = false;

  constructor(private readonly o: { clock: Clock; counters: NetworkSideCounters; answerWindow?: number }) {
    this.windowMs = (o.answerWindow ?? 60) * 1000;
  }

  /** A command with formatter `formatter` (e.g. "ICA") from `sfi` went to the terminal. */
  note(formatter: string, sfi: string): void {
    this.pending.set(formatter, { sfi, at: this.o.clock.monotonic() });
    this.waiting = true;
  }

  /**
   * Gateway hook (GatewayOptions.destinationFor): the d: for a sentence from the
   * terminal, the SFI whose command it answers, within the answer window.
   */
  readonly destinationFor = (bytes: Uint8Array, length: number): string | undefined => {
    if (length < 7 || !this.waiting) return undefined; // the gateway checks waiting first; others may not
    // While a command awaits its answer every sentence comes here: rule out the
    // non-answers on the bytes, before any string is built (XS allocates each one).
    const key = sentenceFormatterKey(bytes);
    if (
      key !== KEY_FKI &&
      key !== KEY_ICI &&
      key !== KEY_DWR &&
      key !== KEY_TXR &&
      key !== KEY_TCI &&
      key !== KEY_ICP &&
      key !== KEY_EPI &&
      key !== KEY_QRI
    )
      return undefined;
    let cmds: string[] | undefined;
    if (key === KEY_FKI) {
      // 2.1: FKI,cmd,...; BDS-3: FKI,hhmmss,cmd,...
      const f = latin1(bytes, 0, Math.min(length, 40)).split(",");
      const c = FORMATTER.test(f[1] ?? "") ? f[1] : FORMATTER.test(f[2] ?? "") ? f[2] : "";
      cmds = c ? [c] : undefined;
    } else cmds = ANSWERS[latin1(bytes, 3, 6)];
    if (!cmds) return undefined;
    const now = this.o.clock.monotonic();
    let best: Pending | undefined;
    for (const c of cmds) {
      const p = this.pending.get(c);
      if (p && now - p.at <= this.windowMs && (!best || p.at > best.at)) best = p;
    }
    if (!best) return undefined;
    this.o.counters.answersAddressed++;
    return best.sfi;
  };

  /** Forget expired routes (once a second). */
  expire(): void {
    if (this.pending.size === 0) return;
    const now = this.o.clock.monotonic();
    for (const [k, p] of this.pending) if (now - p.at > this.windowMs) this.pending.delete(k);
    this.waiting = this.pending.size > 0;
  }
}
