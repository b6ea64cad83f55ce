// Terminal operations of the console: one row per operation (console name, RDSS 2.1
// command formatter, the answers awaited, and an encoder). Sentences are built by
// the Beidou command encoders (src/beidou) and answers read by its decoders, so the
// console and the network command path produce the same bytes.
// An operation whose encoder is not in the build says so instead of sending anything.

export interface OpVerdict {
  /** This answer ends the operation. */
  done: boolean;
  /** Plain-language reading of the answer. */
  meaning: string;
}

export interface TerminalOp {
  readonly name: string;
  readonly args: string;
  readonly summary: string;
  readonly help: string;
  /** Command sentence formatter sent to the terminal (ICA, TXA, DWA, RMO). */
  readonly formatter: string;
  /** Formatters of the answers awaited (FKI, ICI, DWR). */
  readonly expect: readonly string[];
  /** Build the sentence from the arguments, or name the broken rule. Undefined: encoder not in this build. */
  readonly encode?: (words: string[], rest: string) => { sentence: Uint8Array; text: string } | { error: string };
  /** Read one awaited answer; undefined when it is not about this operation. */
  readonly verdict?: (formatter: string, bytes: Uint8Array, length: number) => OpVerdict | undefined;
}

export const TERMINAL_OPS: TerminalOp[] = [
  {
    name: "card", args: "", formatter: "ICA", expect: ["ICI", "FKI"],
    summary: "check the IC card (ICA); shows ICI/FKI",
    help: "Sends $CCICA,0,00 (check this terminal's IC card) and shows the terminal's ICI or FKI answer.",
  },
  {
    name: "msg", args: "DEST TEXT", formatter: "TXA", expect: ["FKI"],
    summary: "send a short message (TXA); shows FKI",
    help: "Sends TEXT (printable ASCII) to the 7-digit user address DEST as a normal message in mixed mode\n" +
      "(A4 + hex bytes) and shows the terminal's FKI answer (accepted, or refused with the wait time).",
  },
  {
    name: "locate", args: "", formatter: "DWA", expect: ["FKI", "DWR"],
    summary: "request an RDSS position (DWA); shows FKI/DWR",
    help: "Sends a single RDSS position request for this terminal ($CCDWA,0000000,V,1,L,,0,,,0) and shows\n" +
      "the FKI answer and the DWR position when it arrives.",
  },
  {
    name: "output", args: "SENTENCE on|off SECONDS", formatter: "RMO", expect: ["FKI"],
    summary: "switch periodic terminal output (RMO); shows FKI",
    help: "Enables (on, RMO mode 2) or disables (off, mode 1) the periodic output of a 3-letter sentence,\n" +
      "e.g. output BSI on 5, and shows the terminal's FKI answer.",
  },
];

/** Sentence formatter (3 characters after `$` + 2-character talker), or "" when absent. */
export function sentenceFormatter(bytes: Uint8Array, length: number): string {
  if (length < 7 || (bytes[0] !== 0x24 && bytes[0] !== 0x21)) return "";
  return String.fromCharCode(bytes[3], bytes[4], bytes[5]);
}

/** Verdict for an awaited answer of `op`, or undefined when the answer is about something else. */
export function answerMatches(op: TerminalOp, formatter: string, bytes: Uint8Array, length: number): OpVerdict | undefined {
  if (!op.verdict) return { done: true, meaning: "(answer decoder not in this build)" };
  return op.verdict(formatter, bytes, length);
}
