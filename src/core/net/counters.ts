// The network side's counters: one record shared by its parts (command gate,
// answer routes, own-line check, legacy and syslog outputs), so that `status`,
// `--stats` and the tests read one object whatever part counted.

/** Command rejection reasons (stable names; counters and log). */
export const COMMAND_REJECTS = [
  ["disabled", "command forwarding is off (cmdFwd)"],
  ["not-addressed", "d: missing or not the gateway's own SFI"],
  ["source-not-allowed", "source SFI not in cmdAllow"],
  ["unsupported", "not a command the terminal's encoders know"],
  ["invalid", "rejected by the terminal's command encoder (field values)"],
  ["rate", "more than commandRate commands per second from one source"],
  ["filtered", "held back by the input filter (inFilter, docs/filters.md)"],
  ["family", "a command of the other terminal family (BDS-2 / BDS-3) with no same-meaning counterpart"],
] as const;
export type CommandReject = (typeof COMMAND_REJECTS)[number][0];

export interface NetworkSideCounters {
  commandsAccepted: number;
  commandsRejected: number;
  rejects: Record<CommandReject, number>;
  /** Sentences received that are neither commands nor ACN (ignored). */
  otherSentences: number;
  answersAddressed: number;
  legacyDatagrams: number;
  /** Sentences carrying our own SFI that this gateway did not send (another device uses our SFI). */
  sfiCollisions: number;
  syslogMessages: number;
  sendErrors: number;
}

export function networkCounters(): NetworkSideCounters {
  return {
    commandsAccepted: 0,
    commandsRejected: 0,
    rejects: {
      disabled: 0,
      "not-addressed": 0,
      "source-not-allowed": 0,
      unsupported: 0,
      invalid: 0,
      rate: 0,
      filtered: 0,
      family: 0,
    },
    otherSentences: 0,
    answersAddressed: 0,
    legacyDatagrams: 0,
    sfiCollisions: 0,
    syslogMessages: 0,
    sendErrors: 0,
  };
}
