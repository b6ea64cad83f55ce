// Answer routing: a sentence from the terminal that answers a command received
// from the network goes out with d: = the SFI that sent the command (IEC 61162-450
// §7.3.4), for `answerWindow` seconds after the command. Which sentence answers which
// command is the terminal protocol's (an option: the core names no terminal sentence).

import type { Clock } from "../io";
import type { NetworkSideCounters } from "./counters";

/**
 * The commands (their formatters) a sentence from the terminal answers, or undefined
 * when it answers none (src/beidou/table.ts answeredCommands). Asked for every sentence
 * while a command awaits its answer: it rules out the non-answers on the bytes, before
 * any string is built (XS allocates each one).
 */
export type AnswerRule = (bytes: Uint8Array, length: number) => readonly string[] | undefined;

interface Pending {
  sfi: string;
  at: number;
}

export class AnswerRoutes {
  private readonly pending = new Map<string, Pending>();
  private readonly windowMs: number;
  /** pending.size > 0, kept as a field the gateway reads per sentence (on XS `size` is a native call). Read-only outside. */
  waiting = false;

  constructor(
    private readonly o: {
      clock: Clock;
      counters: NetworkSideCounters;
      answerWindow?: number;
      /** Without it no sentence is an answer (no d: is ever set). */
      answered?: AnswerRule;
    },
  ) {
    this.windowMs = (o.answerWindow ?? 60) * 1000;
  }

  /** A command with formatter `formatter` from `sfi` went to the terminal. */
  note(formatter: string, sfi: string): void {
    this.pending.set(formatter, { sfi, at: this.o.clock.monotonic() });
    this.waiting = true;
  }

  /**
   * Gateway hook (GatewayOptions.destinationFor): the d: for a sentence from the
   * terminal, the SFI whose command it answers, within the answer window.
   */
  readonly destinationFor = (bytes: Uint8Array, length: number): string | undefined => {
    const answered = this.o.answered;
    // The gateway checks waiting first; others may not.
    if (length < 7 || !this.waiting || answered === undefined) return undefined;
    const cmds = answered(bytes, length);
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
