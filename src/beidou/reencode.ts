// A `$CC...` command received from the network, re-encoded for the terminal through
// the registry: the command's own module decodes it (the same `decode` that reads it
// anywhere else) and writes it again with its encoder (SentenceKind.reencode), so every
// field is parsed and checked again and nothing but a well-formed command reaches the
// UART. The network side's command gate (src/core/net/command-gate.ts) takes this as
// its CommandEncoder. Cold path (a command at a time): it allocates.

import { CommandError } from "./command";
import { SentenceDecoder } from "./decoder";
import { DECODER_TABLE } from "./table";

/** Talker of the commands the gateway forwards. */
const CC = 0x4343;

let decoder: SentenceDecoder | undefined;

/**
 * Re-encode a `$CC...` command received from the network. Returns the encoder's bytes
 * (what goes to the UART), or throws CommandError. Formatters that are not a command
 * the gateway forwards throw with `unsupported` set.
 */
export function reencodeCommand(text: string): Uint8Array {
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
  return kind.reencode(d.record, d.fields);
}
