// Terminal operations of the console: one row per operation (console name, RDSS 2.1
// command formatter, the answers awaited, an encoder and an answer reader). Sentences
// are built by the Beidou command encoders (src/beidou/encode.ts) and answers read by
// its sentence decoder, so the console and the network command path produce and
// understand the same bytes.

import { CommandError } from "../beidou/command";
import { SentenceDecoder } from "../beidou/decoder";
import { addr7, hms } from "../beidou/kind";
import { encodeDWA } from "../beidou/sentences/dwa";
import type { DWR } from "../beidou/sentences/dwr";
import type { FKI } from "../beidou/sentences/fki";
import { encodeICA } from "../beidou/sentences/ica";
import type { ICI } from "../beidou/sentences/ici";
import type { ICP } from "../beidou/sentences/icp";
import { encodeICR } from "../beidou/sentences/icr";
import { encodeRMO } from "../beidou/sentences/rmo";
import { encodeTCQ } from "../beidou/sentences/tcq";
import { encodeTXA } from "../beidou/sentences/txa";
import { formatterName } from "../nmea/keys";

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
  /** Command sentence formatter sent to a BDS-2 terminal (ICA, TXA, DWA, RMO); a BDS-3 one may get its counterpart. */
  readonly formatter: string;
  /** Formatters of the answers awaited (FKI, ICI/ICP, DWR), either family's. */
  readonly expect: readonly string[];
  /**
   * Build the sentence from the arguments in the terminal's family (`family`: "bds3" for a
   * BDS-3 terminal, else BDS-2 RDSS 2.1), or name the broken rule.
   */
  readonly encode: (
    words: string[],
    rest: string,
    family?: string,
  ) => { sentence: Uint8Array; text: string } | { error: string };
  /** Read one awaited answer; undefined when it is not about this operation. */
  readonly verdict: (formatter: string, bytes: Uint8Array, length: number) => OpVerdict | undefined;
}

/** One decoder for answers (cold path: a handful of sentences per operation). */
const answers = new SentenceDecoder();

function decodeAs<R>(bytes: Uint8Array, length: number, kind: string): R | undefined {
  const d = answers.decode(bytes, length);
  if (d.error || !d.record || (d.kind !== kind && !(kind === "FKI" && d.kind === "FKI-BDS3"))) return undefined;
  return d.record as R;
}

function waitText(s: number): string {
  return s === s && s > 0 ? `; next transmission allowed in ${s} s` : "";
}

/** FKI about `command` (BDS-3 terminals answer TXA with TCQ) -> accepted?, text; undefined when about another command. */
function fkiVerdict(
  bytes: Uint8Array,
  length: number,
  command: string,
): { accepted: boolean; text: string } | undefined {
  const k = decodeAs<FKI>(bytes, length, "FKI");
  if (!k) return undefined;
  const cmd = formatterName(k.command);
  if (cmd !== command && !(command === "TXA" && cmd === "TCQ") && !(command === "ICA" && cmd === "ICR"))
    return undefined;
  if (k.accepted) return { accepted: true, text: `${cmd} accepted by the terminal${waitText(k.wait)}` };
  const reason = k.reason === k.reason ? ` (${k.form === "2.1" ? "transmit-inhibit" : "reason"} ${k.reason})` : "";
  return { accepted: false, text: `${cmd} refused by the terminal${reason}${k.wait > 0 ? `; wait ${k.wait} s` : ""}` };
}

function cardText(c: ICI): string {
  if (c.noCard) return "no IC card in the terminal";
  return (
    `IC card ${addr7(c.userId)}, serial ${c.serialNumber === c.serialNumber ? String(c.serialNumber).padStart(8, "0") : "?"}, ` +
    `service interval ${c.serviceInterval} s, communication level ${c.level}, ${c.encryption === 0x45 ? "encrypted" : "not encrypted"}`
  );
}

function coord(v: number, pos: string, neg: string): string {
  return Math.abs(v).toFixed(5) + (v < 0 ? neg : pos);
}

function commandError(e: unknown): { error: string } {
  if (e instanceof CommandError) return { error: e.message };
  throw e;
}

export const TERMINAL_OPS: TerminalOp[] = [
  {
    name: "card",
    args: "",
    formatter: "ICA",
    expect: ["ICI", "ICP", "FKI"],
    summary: "check the IC card (ICA, or ICR to a BDS-3 terminal); shows ICI/ICP/FKI",
    help:
      "Sends $CCICA,0,00 (check this terminal's IC card), or $CCICR,0,00 to a BDS-3 terminal, and shows\n" +
      "the terminal's ICI / ICP or FKI answer.",
    encode(words, _rest, family) {
      if (words.length) return { error: "card takes no arguments" };
      return sentence(family === "bds3" ? encodeICR(0) : encodeICA(0, 0));
    },
    verdict(f, bytes, length) {
      if (f === "ICP") {
        const c = decodeAs<ICP>(bytes, length, "ICP");
        if (!c) return { done: true, meaning: "ICP answer with malformed fields" };
        return { done: true, meaning: c.noCard ? "no IC card in the terminal" : `IC card ${addr7(c.userId)} (BDS-3)` };
      }
      if (f === "ICI") {
        const c = decodeAs<ICI>(bytes, length, "ICI");
        return c ? { done: true, meaning: cardText(c) } : { done: true, meaning: "ICI answer with malformed fields" };
      }
      const v = fkiVerdict(bytes, length, "ICA");
      return v && { done: true, meaning: v.text };
    },
  },
  {
    name: "msg",
    args: "DEST TEXT",
    formatter: "TXA",
    expect: ["FKI"],
    summary: "send a short message (TXA, or TCQ to a BDS-3 terminal); shows FKI",
    help:
      "Sends TEXT (printable ASCII) to the 1-7 digit user address DEST as a normal message in mixed\n" +
      "mode (TXA: A4 + hex bytes; a BDS-3 terminal gets TCQ code type 3, the bytes as hex) and shows\n" +
      "the terminal's FKI answer (accepted, or refused with the wait time).",
    encode(words, rest, family) {
      if (words.length < 2) return { error: "usage: msg DEST TEXT" };
      const text = rest.slice(rest.indexOf(words[0]) + words[0].length).replace(/^\s+/, "");
      try {
        if (family === "bds3") return sentence(encodeTCQ({ to: words[0], codeType: 3, text }));
        return sentence(encodeTXA({ to: words[0], mode: 2, text }));
      } catch (e) {
        return commandError(e);
      }
    },
    verdict(_f, bytes, length) {
      const v = fkiVerdict(bytes, length, "TXA");
      return v && { done: true, meaning: v.text };
    },
  },
  {
    name: "locate",
    args: "",
    formatter: "DWA",
    expect: ["FKI", "DWR"],
    summary: "request an RDSS position (DWA); shows FKI/DWR",
    help:
      "Sends a single RDSS position request for this terminal without height ($CCDWA,0000000,V,1,L,,0,,,0)\n" +
      "and shows the FKI answer and the DWR position when it arrives.",
    encode(words) {
      if (words.length) return { error: "locate takes no arguments" };
      try {
        return sentence(encodeDWA({ heightMode: 1 }));
      } catch (e) {
        return commandError(e);
      }
    },
    verdict(f, bytes, length) {
      if (f === "DWR") {
        const d = decodeAs<DWR>(bytes, length, "DWR");
        if (!d) return { done: true, meaning: "DWR answer with malformed fields" };
        return {
          done: true,
          meaning:
            `RDSS position of ${addr7(d.userId)}: ${coord(d.latitude, "N", "S")} ${coord(d.longitude, "E", "W")}, ` +
            `height ${d.height} m at ${hms(d.time)} UTC`,
        };
      }
      const v = fkiVerdict(bytes, length, "DWA");
      if (!v) return undefined;
      return v.accepted
        ? { done: false, meaning: v.text + "; waiting for the position (DWR)" }
        : { done: true, meaning: v.text };
    },
  },
  {
    name: "output",
    args: "SENTENCE on|off SECONDS",
    formatter: "RMO",
    expect: ["FKI"],
    summary: "switch periodic terminal output (RMO); shows FKI",
    help:
      "Enables (on, RMO mode 2) or disables (off, mode 1) the periodic output of a 3-letter sentence\n" +
      "every SECONDS (0..65535; may be left out with off), e.g. output BSI on 5, and shows the FKI answer.",
    encode(words) {
      if (words.length < 2 || words.length > 3) return { error: "usage: output SENTENCE on|off SECONDS" };
      const name = words[0].toUpperCase();
      if (!/^[A-Z]{3}$/.test(name))
        return { error: `"${words[0]}" breaks rule: SENTENCE is a 3-letter sentence formatter, e.g. BSI` };
      const sw = words[1].toLowerCase();
      if (sw !== "on" && sw !== "off") return { error: `"${words[1]}" breaks rule: output switch is on|off` };
      if (words.length === 2 && sw === "on") return { error: "output SENTENCE on needs SECONDS (the output interval)" };
      const secs = words.length === 3 ? words[2] : "0";
      if (!/^[0-9]{1,5}$/.test(secs) || Number(secs) > 65535)
        return { error: `"${secs}" breaks rule: SECONDS is an integer 0..65535` };
      try {
        return sentence(encodeRMO(name, sw === "on" ? 2 : 1, Number(secs)));
      } catch (e) {
        return commandError(e);
      }
    },
    verdict(_f, bytes, length) {
      const v = fkiVerdict(bytes, length, "RMO");
      return v && { done: true, meaning: v.text };
    },
  },
];

function sentence(bytes: Uint8Array): { sentence: Uint8Array; text: string } {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return { sentence: bytes, text };
}

/** Sentence formatter (3 characters after `$` + 2-character talker), or "" when absent. */
export function sentenceFormatter(bytes: Uint8Array, length: number): string {
  if (length < 7 || (bytes[0] !== 0x24 && bytes[0] !== 0x21)) return "";
  return String.fromCharCode(bytes[3], bytes[4], bytes[5]);
}

/** Verdict for an awaited answer of `op`, or undefined when the answer is about something else. */
export function answerMatches(
  op: TerminalOp,
  formatter: string,
  bytes: Uint8Array,
  length: number,
): OpVerdict | undefined {
  return op.verdict(formatter, bytes, length);
}
