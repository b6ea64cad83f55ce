// The decoder table (gpsd style): sentence formatter -> sentence kind(s).
// Adding a sentence is one row. Two formatters carry two layouts under one name
// (`$BDZDA`, `$BDFKI`); their row has a `select` that reads field 1.

import { groupIndex } from "../core/groups";
import type { Fields } from "./fields";
import { kindFormatter, type SentenceKind } from "./kind";
import { BSI_KIND } from "./sentences/bsi";
import { BSS_KIND, DWA_KIND, ICA_KIND, RMO_KIND } from "./sentences/commands";
import { EPQ_KIND, ICR_KIND, QRQ_KIND } from "./sentences/commands3";
import { DWR_KIND } from "./sentences/dwr";
import { EPI_KIND } from "./sentences/epi";
import { FKI_KIND, FKI3_KIND, isBds3Fki } from "./sentences/fki";
import { GBS_KIND } from "./sentences/gbs";
import { GGA_KIND } from "./sentences/gga";
import { GLL_KIND } from "./sentences/gll";
import { GNS_KIND } from "./sentences/gns";
import { GSA_KIND } from "./sentences/gsa";
import { GST_KIND } from "./sentences/gst";
import { GSV_KIND } from "./sentences/gsv";
import { HZR_KIND } from "./sentences/hzr";
import { ICI_KIND } from "./sentences/ici";
import { ICP_KIND } from "./sentences/icp";
import { PWI_KIND } from "./sentences/pwi";
import { QRI_KIND } from "./sentences/qri";
import { RMC_KIND } from "./sentences/rmc";
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
  const out: Array<readonly [string, number]> = [];
  for (const row of table) {
    const g = row.kinds[0].group;
    if (g) out.push([row.formatter, groupIndex(g)]);
  }
  return out;
}

export interface TableRow {
  formatter: string;
  kinds: ReadonlyArray<SentenceKind<any>>;
  /** Index into kinds for this sentence (rows with one kind have none). */
  select?(f: Fields): number;
}

/** Rows of one kind each: the row's formatter is the kind's. */
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
