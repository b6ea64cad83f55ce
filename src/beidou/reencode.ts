// A `$CC...` command received from the network, re-encoded for the terminal through
// the registry: the command's own module decodes it (the same `decode` that reads it
// anywhere else) and writes it again with its encoder (SentenceKind.reencode), so every
// field is parsed and checked again and nothing but a well-formed command reaches the
// UART. The network side's command gate (src/core/net/command-gate.ts) takes this as
// its CommandEncoder. Cold path (a command at a time): it allocates.

import { CommandError } from "./command";
import { SentenceDecoder } from "./decoder";
import type { Fields } from "./fields";
import { encodeICA } from "./sentences/ica";
import { encodeICR } from "./sentences/icr";
import { encodeTCQ, hexPairs, type TCQ } from "./sentences/tcq";
import { encodeTXA, escapedBytes, type TXA } from "./sentences/txa";
import { DECODER_TABLE } from "./table";

/** Talker of the commands the gateway forwards. */
const CC = 0x4343;

let decoder: SentenceDecoder | undefined;

/**
 * Re-encode a `$CC...` command received from the network, in the terminal's family
 * (`family`: DeviceState.family, "bds2", "bds3" or "unknown"): a command of the other
 * family is translated where the meaning is the same (a normal one-off TXA <-> TCQ,
 * ICA 0/1 <-> ICR 0/2), else refused (CommandError with `family` set: the gate counts
 * it as "family"). Returns the encoder's bytes (what goes to the UART), or throws
 * CommandError. Formatters that are not a command the gateway forwards throw with
 * `unsupported` set.
 */
export function reencodeCommand(text: string, family = "unknown"): Uint8Array {
  const star = text.lastIndexOf("*");
  const end = star < 0 ? text.length : star;
  const bytes = new Uint8Array(end);
  for (let i = 0; i < end; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  decoder ??= new SentenceDecoder(DECODER_TABLE);
  const d = decoder.decode(bytes, end);
  const kind = d.sentenceKind;
  if (d.talker !== CC || kind === undefined || kind.reencode === undefined) {
    const e = new CommandError(
      `${text.slice(1, text.indexOf(",") < 0 ? end : text.indexOf(","))} is not a command the gateway forwards`,
    );
    e.unsupported = true;
    throw e;
  }
  if (d.error) throw new CommandError(`CC${d.kind}: ${d.error}`);
  if (family === "bds3" || family === "bds2") {
    const other = translate(d.kind, d.record, d.fields, family);
    if (other !== undefined) return other;
  }
  return kind.reencode(d.record, d.fields);
}

/** Commands of one family only (their names per family). */
const BDS2_ONLY = ["TXA", "ICA", "DWA", "WAA", "BSS"],
  BDS3_ONLY = ["TCQ", "ICR", "EPQ", "QRQ"];

/** A command of the other family with no same-meaning counterpart: refused, counted as "family". */
function otherFamily(what: string, family: string): CommandError {
  const e = new CommandError(`${what} has no counterpart for this ${family === "bds3" ? "BDS-3" : "BDS-2"} terminal`);
  e.family = true;
  return e;
}

/** The command in the terminal's family, or undefined when it is already of that family (or of both: RMO). */
function translate(kind: string, record: unknown, f: Fields, family: string): Uint8Array | undefined {
  if (family === "bds3" && BDS2_ONLY.indexOf(kind) >= 0) {
    if (kind === "ICA") {
      // ICA 0 = own card, 1 = subordinate users; ICR 0 / 2 ask the same (frame numbers have no counterpart).
      const type = f.ints[1];
      if ((type === 0 || type === 1) && f.ints[2] === 0) return encodeICR(type === 0 ? 0 : 2);
      throw otherFamily(`ICA ${f.str(1)},${f.str(2)}`, family);
    }
    if (kind === "TXA") {
      const t = record as TXA;
      if (t.commType === 0) throw otherFamily("express (urgent) TXA", family);
      const to = f.str(1);
      const content = f.str(4);
      if (t.mode === 1) return encodeTCQ({ to, codeType: 2, hex: content });
      if (t.mode === 2) {
        if (!/^A4/.test(content))
          throw new CommandError("TXA mixed mode content must be A4 followed by hex byte pairs");
        return encodeTCQ({ to, codeType: 3, data: hexPairs(content.slice(2), "TXA mixed mode") });
      }
      return encodeTCQ({ to, codeType: 1, data: escapedBytes(content) });
    }
    throw otherFamily(kind, family);
  }
  if (family === "bds2" && BDS3_ONLY.indexOf(kind) >= 0) {
    if (kind === "ICR") {
      const type = f.ints[1];
      if (type === 0 || type === 2) return encodeICA(type === 0 ? 0 : 1, 0);
      throw otherFamily(`ICR type ${f.str(1)}`, family);
    }
    if (kind === "TCQ") {
      const t = record as TCQ;
      // A one-off normal message means the same as TXA; repeats and inbound acknowledgements do not exist there.
      if (t.sendFrequency !== 0 || t.inboundAck !== 1)
        throw otherFamily("TCQ with a send frequency or an inbound acknowledgement", family);
      const to = f.str(1);
      const data = f.str(5);
      if (t.codeType === 2) return encodeTXA({ to, mode: 1, hex: data });
      if (t.codeType !== 1 && t.codeType !== 3) throw otherFamily(`TCQ code type ${t.codeType}`, family);
      return encodeTXA({ to, mode: t.codeType === 1 ? 0 : 2, data: hexPairs(data, "TCQ") });
    }
    throw otherFamily(kind, family);
  }
  return undefined;
}
