// The one registry of what bd450 knows about the Beidou terminal's output (gpsd style):
// sentence formatter -> sentence kind(s) (DECODER_TABLE), the RDSS 4.0 frame kinds
// (FRAME_KINDS), and the default transmission group of each, written once: a kind's
// `group`, or UNDECODED_ROUTES for the Beidou sentences forwarded without a decoder.
// Adding a sentence or a frame is one module and one row (docs/protocol.md, "Adding a
// sentence"). Two formatters carry two layouts under one name (`$BDZDA`, `$BDFKI`);
// their row has a `select` that reads field 1.

import { groupIndex } from "../core/groups";
import type { DeviceSpec } from "../core/spec";
import { latin1 } from "../nmea/checksum";
import { formatterKeyOf, frameKeyOf, sentenceFormatterKey } from "../nmea/keys";
import type { Fields } from "./fields";
import { DWSQ_FRAME } from "./frames/dwsq";
import { DWXX_FRAME } from "./frames/dwxx";
import { FKXX_FRAME } from "./frames/fkxx";
import type { FrameKind } from "./frames/frame";
import { GLZK_FRAME } from "./frames/glzk";
import { ICJC_FRAME } from "./frames/icjc";
import { ICXX_FRAME } from "./frames/icxx";
import { SJXX_FRAME } from "./frames/sjxx";
import { TXSQ_FRAME } from "./frames/txsq";
import { TXXX_FRAME } from "./frames/txxx";
import { XTZJ_FRAME } from "./frames/xtzj";
import { ZJXX_FRAME } from "./frames/zjxx";
import { kindFormatter, type SentenceKind } from "./kind";
import { BSI_KIND } from "./sentences/bsi";
import { BSS_KIND } from "./sentences/bss";
import { DWA_KIND } from "./sentences/dwa";
import { DWR_KIND } from "./sentences/dwr";
import { EPI_KIND } from "./sentences/epi";
import { EPQ_KIND } from "./sentences/epq";
import { FKI_KIND, FKI3_KIND, isBds3Fki } from "./sentences/fki";
import { GBS_KIND } from "./sentences/gbs";
import { GGA_KIND } from "./sentences/gga";
import { GLL_KIND } from "./sentences/gll";
import { GNS_KIND } from "./sentences/gns";
import { GSA_KIND } from "./sentences/gsa";
import { GST_KIND } from "./sentences/gst";
import { GSV_KIND } from "./sentences/gsv";
import { HZR_KIND } from "./sentences/hzr";
import { ICA_KIND } from "./sentences/ica";
import { ICI_KIND } from "./sentences/ici";
import { ICP_KIND } from "./sentences/icp";
import { ICR_KIND } from "./sentences/icr";
import { PWI_KIND } from "./sentences/pwi";
import { QRI_KIND } from "./sentences/qri";
import { QRQ_KIND } from "./sentences/qrq";
import { RMC_KIND } from "./sentences/rmc";
import { RMO_KIND } from "./sentences/rmo";
import { TCI_KIND } from "./sentences/tci";
import { TCQ_KIND } from "./sentences/tcq";
import { TXA_KIND } from "./sentences/txa";
import { TXR_KIND } from "./sentences/txr";
import { TXT_KIND } from "./sentences/txt";
import { VTG_KIND } from "./sentences/vtg";
import { WAA_KIND } from "./sentences/waa";
import { ZDA_KIND } from "./sentences/zda";
import { isRdssZda, ZDA_RDSS_KIND } from "./sentences/zdardss";
import { ZTI_KIND } from "./sentences/zti";

/**
 * The default formatter -> group routes of the decoded sentences (each kind's `group`),
 * for the Gateway's router (GatewayOptions.routes) and the interface declaration.
 */
export function defaultRoutes(table: ReadonlyArray<TableRow> = DECODER_TABLE): Array<readonly [string, number]> {
  const out: Array<readonly [string, number]> = UNDECODED_ROUTES.map(([f, g]) => [f, groupIndex(g)] as const);
  for (const row of table) {
    const g = row.kinds[0].group;
    if (g) out.push([row.formatter, groupIndex(g)]);
  }
  return out;
}

/**
 * Beidou sentences forwarded without a decoder, and their default group: none today (TCI,
 * once here, has its module and its group there; a formatter's group is written once).
 */
export const UNDECODED_ROUTES: ReadonlyArray<readonly [string, string]> = [];

export interface TableRow {
  formatter: string;
  // biome-ignore lint/suspicious/noExplicitAny: a row holds kinds of different record types; the decoder keeps each kind with its own record.
  kinds: ReadonlyArray<SentenceKind<any>>;
  /** Index into kinds for this sentence (rows with one kind have none). */
  select?(f: Fields): number;
}

/** Rows of one kind each: the row's formatter is the kind's. */
// biome-ignore lint/suspicious/noExplicitAny: as TableRow.kinds.
function single(...kinds: ReadonlyArray<SentenceKind<any>>): TableRow[] {
  return kinds.map((k) => ({ formatter: kindFormatter(k), kinds: [k] }));
}

export const DECODER_TABLE: ReadonlyArray<TableRow> = [
  // RNSS (any talker)
  ...single(GGA_KIND, RMC_KIND, GLL_KIND, GSA_KIND, GSV_KIND, VTG_KIND),
  { formatter: "ZDA", kinds: [ZDA_KIND, ZDA_RDSS_KIND], select: (f) => (isRdssZda(f) ? 1 : 0) },
  ...single(GNS_KIND, GST_KIND, GBS_KIND, TXT_KIND),
  // RDSS 2.1, terminal -> host
  ...single(BSI_KIND, ICI_KIND),
  { formatter: "FKI", kinds: [FKI_KIND, FKI3_KIND], select: (f) => (isBds3Fki(f) ? 1 : 0) },
  ...single(TXR_KIND, DWR_KIND, WAA_KIND, ZTI_KIND, HZR_KIND),
  // RDSS 2.1, host -> terminal
  ...single(ICA_KIND, RMO_KIND, TXA_KIND, DWA_KIND, BSS_KIND),
  // BDS-3 RSMC (GB/T 44086.2 as seen in open code; FKI's BDS-3 form is in the FKI row), terminal -> host
  ...single(PWI_KIND, ICP_KIND, TCI_KIND, EPI_KIND, QRI_KIND),
  // BDS-3 RSMC, host -> terminal
  ...single(TCQ_KIND, ICR_KIND, EPQ_KIND, QRQ_KIND),
];

/**
 * Every RDSS 4.0 command (both directions and vendor frames) from the reference, beidou.md §5.2:
 * the framer tells a binary frame from text by one of these after '$' (FRAME_KINDS below
 * decodes some of them; the others are framed, counted and not converted).
 */
export const RDSS40_COMMANDS: ReadonlyArray<string> = [
  "GLJC",
  "DWSQ",
  "TXSQ",
  "DSSQ",
  "ICJC",
  "XTZJ",
  "SJSC",
  "BBDQ",
  "XHDQ",
  "JSZL",
  "BSSZ",
  "GXZX",
  "GXZR",
  "GXDQ",
  "LZSZ",
  "LZDQ",
  "JJZH",
  "CKSC",
  "WMCS",
  "HXSZ",
  "DHSQ",
  "SCSC",
  "ZBZH",
  "GBXX",
  "GYXX",
  "GLZK",
  "DWXX",
  "TXXX",
  "TXHZ",
  "ICXX",
  "ZJXX",
  "SJXX",
  "BBXX",
  "XHXX",
  "GLXX",
  "FKXX",
  "KLSB",
  "DHSC",
  "DSJG",
  "SCSJ",
  "ZBSC",
  "GBSC",
  "GYSC",
  "ZHQR",
  "LZXX",
  "RZCW",
  "BJLZ",
  "DQGK",
  "BHXX",
  "SSXX",
  "KZXX",
  "DSXX",
  "SZXX",
  "DSLX",
  "BJWZ",
  "FPGA",
  "BDSZ",
  "GPSP",
  "GPSX",
];
/** frameKeyOf of each RDSS 4.0 command, built once at module load (in flash once preloaded on the board): the framer's frameCommands. */
export const RDSS40_COMMAND_KEYS: ReadonlySet<number> = new Set(RDSS40_COMMANDS.map(frameKeyOf));

/**
 * The RDSS 4.0 frame kinds (src/beidou/frames/*). A frame is not sent as itself: the
 * terminal -> host kinds convert to the 2.1 sentence above, which routes by its formatter.
 */
export const FRAME_KINDS: ReadonlyArray<FrameKind> = [
  ICXX_FRAME,
  ZJXX_FRAME,
  GLZK_FRAME,
  DWXX_FRAME,
  TXXX_FRAME,
  FKXX_FRAME,
  SJXX_FRAME,
  ICJC_FRAME,
  XTZJ_FRAME,
  DWSQ_FRAME,
  TXSQ_FRAME,
];

/**
 * Formatter -> number of data fields, for the kinds whose last field is free text
 * (textField): the encoder carries such a sentence when it has more fields (a raw-text
 * message with commas, docs/framing.md).
 */
export const TEXT_FIELD_LIMITS: Readonly<Record<string, number>> = (() => {
  const out: Record<string, number> = {};
  for (const row of DECODER_TABLE)
    for (const k of row.kinds) if (k.textField !== undefined) out[row.formatter] = k.textField;
  return out;
})();

/** Commands the network may send to the terminal (core/netside's command gate, reencodeCommand). */
export const NETWORK_COMMANDS: readonly string[] = [
  "ICA",
  "RMO",
  "BSS",
  "DWA",
  "WAA",
  "TXA",
  // BDS-3 RSMC; a command of the other family is translated or refused (reencode.ts)
  "TCQ",
  "ICR",
  "EPQ",
  "QRQ",
];

/**
 * Answers: formatter of a sentence from the terminal -> the commands it answers; the
 * gateway sends it with d: = the SFI that sent the command (core/net/answers.ts, through
 * answeredCommands). FKI names its command in a field instead (2.1: field 1; BDS-3: field 2).
 */
export const ANSWERS: Readonly<Record<string, readonly string[]>> = {
  ICI: ["ICA"],
  DWR: ["DWA", "WBA"],
  TXR: ["TXA"],
  // BDS-3 RSMC answers (a translated command is noted under the name it was sent as).
  TCI: ["TCQ"],
  ICP: ["ICR"],
  EPI: ["EPQ"],
  QRI: ["QRQ"],
};

// ANSWERS by formatter key, in two arrays: a lookup per sentence compares numbers, no string is built.
const ANSWER_KEYS: number[] = [];
const ANSWER_COMMANDS: Array<readonly string[]> = [];
for (const f of Object.keys(ANSWERS)) {
  ANSWER_KEYS.push(formatterKeyOf(f));
  ANSWER_COMMANDS.push(ANSWERS[f]);
}
const KEY_FKI = formatterKeyOf("FKI");
const FORMATTER = /^[A-Z]{3}$/;

/**
 * The commands a sentence from the terminal answers, or undefined (core's AnswerRule, handed
 * in by the assembly and gatewayHooks). Asked per sentence while a command awaits its answer:
 * a non-answer is ruled out on its formatter key, before any string is built.
 */
export function answeredCommands(bytes: Uint8Array, length: number): readonly string[] | undefined {
  const key = sentenceFormatterKey(bytes);
  if (key === KEY_FKI) {
    // 2.1: FKI,cmd,...; BDS-3: FKI,hhmmss,cmd,...
    const f = latin1(bytes, 0, Math.min(length, 40)).split(",");
    const c = FORMATTER.test(f[1] ?? "") ? f[1] : FORMATTER.test(f[2] ?? "") ? f[2] : "";
    return c ? [c] : undefined;
  }
  for (let i = 0; i < ANSWER_KEYS.length; i++) if (ANSWER_KEYS[i] === key) return ANSWER_COMMANDS[i];
  return undefined;
}

/**
 * The terminal as the gateway's interface declaration states it (core/spec.ts
 * interfaceSpec): routes, the commands the network may send, the answers to them, and
 * the terminal's sentences with no group of their own. All read from the tables above,
 * when asked (not at load: the board's heap).
 */
export function deviceSpec(): DeviceSpec {
  return {
    routes: defaultRoutes(),
    commands: NETWORK_COMMANDS,
    answers: ["FKI", ...Object.keys(ANSWERS)],
    ungrouped: DECODER_TABLE.filter((r) => !r.kinds[0].group && NETWORK_COMMANDS.indexOf(r.formatter) < 0).map(
      (r) => r.formatter,
    ),
  };
}
