// The gateway's IEC 61162-450 interface declaration for a configuration: what VDR
// and ECDIS makers ask of each 450 device ("detailed specification of the 450
// interface"). One function builds the record from the settings; `specText` renders
// it for the console and `bd450 spec`, JSON is the record itself (`bd450 spec --json`).
// Nothing here measures traffic: it follows from the settings and the routing table.

import { asciiBytes } from "../nmea/checksum";
import type { GatewayConfig } from "./config";
import { MAX_SENTENCE } from "./encoder";
import { describeFilter, type FilterRuleInfo } from "./filter";
import { BAM1, CAM1, CAM2, GROUPS, groupIndex, MISC } from "./groups";
import { DEFAULT_ROUTES, Router } from "./router";
import { MAX_DATAGRAM } from "./tagblock";

/** The gateway's own alert sentences on BAM1 (alerts.ts). */
const ALERT_SENTENCES = ["ALF", "ALC", "ARC", "HBT"];
/** Commands per second per source (netside.ts default commandRate). */
const COMMAND_RATE = 5;

export interface SpecGroup {
  name: string;
  address: string;
  port: number;
  /** Formatters routed here by the default table and groupMap, with what the output filter does to each. */
  sentences: Array<{ sentence: string; filter?: string }>;
  /** groupMap talker / talker+formatter rules and the MISC catch-all, in words. */
  also: string[];
  /** maxRate for this group, sentences/s (null: no ceiling). */
  maxRate: number | null;
}

export interface InterfaceSpec {
  sfi: string;
  ttl: number;
  transmit: SpecGroup[];
  /** Largest datagram this configuration can send, bytes, and why. */
  maxDatagramBytes: number;
  maxDatagramReason: string;
  output: {
    /** Upper bound from the UART: bytes/s and sentences/s at the shortest valid sentence (11 bytes) and at 82 bytes. */
    uartBytesPerSecond: number;
    uartSentencesPerSecondShortest: number;
    uartSentencesPerSecond82: number;
    /** maxRate per group, or null when off. */
    maxRatePerGroup: number | null;
    /** The resulting ceiling of terminal data over all groups used, sentences/s (alerts and answers come on top). */
    maxSentencesPerSecond: number;
    outFilter: FilterRuleInfo[];
  };
  tagFields: Array<{ field: string; when: string }>;
  receive: {
    groups: Array<{ name: string; address: string; port: number; purpose: string }>;
    commands: {
      enabled: boolean;
      sentences: string[];
      from: string[];
      addressed: string;
      ratePerSource: number;
      inFilter: FilterRuleInfo[];
    };
    alertCommands: string;
  };
}

/** Filter effect on a formatter, when a formatter-only (or `*`) rule decides for it before any talker rule. */
function filterNote(rules: FilterRuleInfo[], formatter: string): string | undefined {
  for (const r of rules) {
    if (r.talker !== "") {
      if (r.formatter === "" || r.formatter === formatter) return "depends on talker (see outFilter)";
      continue;
    }
    if (r.formatter !== "" && r.formatter !== formatter) continue;
    return r.action === "block"
      ? "blocked"
      : r.action === "every"
        ? `1 in ${r.value}`
        : r.action === "interval"
          ? `at most 1 per ${r.value} s`
          : undefined;
  }
  return undefined;
}

function groupEntry(g: number, maxRate: number): SpecGroup {
  const grp = GROUPS[g];
  return {
    name: grp.name,
    address: grp.address,
    port: grp.port,
    sentences: [],
    also: [],
    maxRate: maxRate > 0 ? maxRate : null,
  };
}

/** What the device layer declares of the terminal (src/beidou/table.ts deviceSpec): the core names none of its sentences. */
export interface DeviceSpec {
  /** Default groups of the terminal's sentences (the router's `routes`). */
  routes?: ReadonlyArray<readonly [string, number]>;
  /** Formatters of the device commands the network may send (`$CC…`). */
  commands?: readonly string[];
  /** Formatters of the terminal's answers to those commands (sent with d:). */
  answers?: readonly string[];
  /** The terminal's sentences with no group of their own (they go to MISC). */
  ungrouped?: readonly string[];
}

/** The 450 interface declaration for `config` (assumed valid: validateConfig). */
export function interfaceSpec(config: GatewayConfig, device: DeviceSpec = {}): InterfaceSpec {
  const routes = device.routes ?? [];
  const commands = device.commands ?? [];
  const answers = device.answers ?? [];
  const ungrouped = device.ungrouped ?? [];
  const router = new Router(config.groupMap, routes);
  const outRules = describeFilter(config.outFilter);
  const byGroup = new Map<number, SpecGroup>();
  const entry = (g: number) => {
    let e = byGroup.get(g);
    if (!e) byGroup.set(g, (e = groupEntry(g, config.maxRate)));
    return e;
  };
  // Formatters of the default table and of groupMap formatter rules, routed as the router
  // does for a talker with no talker rule (a sentence "$--FFF").
  const formatters: string[] = [...routes, ...DEFAULT_ROUTES].map((r) => r[0]);
  const rules = config.groupMap.split(/[;,\s]+/).filter((r) => r !== "");
  for (const r of rules) {
    const key = r.slice(0, r.indexOf("=")).toUpperCase();
    if (key.length === 3 && key[2] !== "*" && formatters.indexOf(key) < 0) formatters.push(key);
  }
  for (const f of formatters) {
    const g = router.route(asciiBytes("$--" + f + ","), 7);
    const note = g === BAM1 ? undefined : filterNote(outRules, f);
    entry(g).sentences.push(note ? { sentence: f, filter: note } : { sentence: f });
  }
  for (const r of rules) {
    const eq = r.indexOf("=");
    const key = r.slice(0, eq).toUpperCase();
    if (key.length === 3 && key[2] !== "*") continue;
    const g = groupIndex(r.slice(eq + 1));
    entry(g).also.push(
      key.length === 3 ? `every sentence of talker ${key.slice(0, 2)} (groupMap ${key})` : `${key} (groupMap)`,
    );
  }
  entry(MISC).also.push(
    `every other sentence: ${ungrouped.length ? `the terminal's ${ungrouped.join(" ")}, ` : ""}proprietary, unknown formatters`,
  );
  const bam = entry(BAM1);
  for (const a of ALERT_SENTENCES)
    if (!bam.sentences.some((s) => s.sentence === a)) bam.sentences.push({ sentence: a });
  bam.also.push("the gateway's own alerts (never filtered or rate-limited)");
  const transmit = Array.from(byGroup.keys())
    .sort((a, b) => a - b)
    .map((g) => byGroup.get(g)!);

  // Largest datagram: header + TAG block (s, n, c, d, g at their longest) + sentence + CR LF.
  const overlongPossible = config.maxLine > MAX_SENTENCE;
  // \g:99-99-99,s:ccxxxx,n:999,c:(10-11 digits),d:ccxxxx*hh\ (g: only on carried lines)
  const tagMax =
    1 + (overlongPossible && config.overlong === "carry" ? 11 : 0) + 8 + 6 + (config.tagTime ? 14 : 0) + 9 + 3 + 1;
  let maxDatagramBytes: number, maxDatagramReason: string;
  if (overlongPossible && config.overlong === "carry") {
    maxDatagramBytes = MAX_DATAGRAM;
    maxDatagramReason = "overlong sentences are carried as groups of lines that share datagrams up to the 450 limit";
  } else if (overlongPossible && config.overlong === "verbatim") {
    maxDatagramBytes = Math.min(MAX_DATAGRAM, 6 + tagMax + config.maxLine + 2);
    maxDatagramReason = `one sentence per datagram; overlong sentences verbatim up to maxLine ${config.maxLine}`;
  } else {
    maxDatagramBytes = 6 + tagMax + MAX_SENTENCE + 2;
    maxDatagramReason = "one sentence (<= 82 characters) and its TAG block per datagram";
  }

  const uartBytes = Math.floor(config.baud / 10);
  const uartShort = Math.floor(uartBytes / 11);
  const uart82 = Math.floor(uartBytes / 82);
  const dataGroups = transmit.filter((g) => g.name !== GROUPS[BAM1].name).length;
  const ceiling = config.maxRate > 0 ? Math.min(uartShort, config.maxRate * dataGroups) : uartShort;

  const tagFields = [
    { field: "s", when: `always: source SFI ${config.sfi}` },
    { field: "n", when: "always: line count 1..999 per SFI" },
  ];
  if (config.tagTime) tagFields.push({ field: "c", when: "always: UNIX time in seconds" });
  tagFields.push({
    field: "d",
    when: `${answers.length ? `answers to a network command (${answers.join(" ")}) and ` : ""}ARC: the requesting SFI`,
  });
  if (overlongPossible && config.overlong === "carry")
    tagFields.push({ field: "g", when: "overlong sentences carried as several lines" });

  const listen: number[] = [];
  for (const name of config.cmdGroups.split(",")) {
    const g = groupIndex(name.trim());
    if (g && listen.indexOf(g) < 0) listen.push(g);
  }
  for (const g of [CAM1, CAM2]) if (listen.indexOf(g) < 0) listen.push(g);
  const cmdGroupNames = config.cmdGroups.split(",").map((x) => x.trim().toUpperCase());
  const receiveGroups = listen.map((g) => ({
    name: GROUPS[g].name,
    address: GROUPS[g].address,
    port: GROUPS[g].port,
    purpose:
      cmdGroupNames.indexOf(GROUPS[g].name) >= 0
        ? g === CAM1 || g === CAM2
          ? "terminal commands, alert commands (ACN)"
          : "terminal commands (cmdGroups)"
        : "alert commands (ACN)",
  }));
  const allow = config.cmdAllow === "" ? [] : config.cmdAllow.split(",");
  return {
    sfi: config.sfi,
    ttl: config.ttl,
    transmit,
    maxDatagramBytes,
    maxDatagramReason,
    output: {
      uartBytesPerSecond: uartBytes,
      uartSentencesPerSecondShortest: uartShort,
      uartSentencesPerSecond82: uart82,
      maxRatePerGroup: config.maxRate > 0 ? config.maxRate : null,
      maxSentencesPerSecond: ceiling,
      outFilter: outRules,
    },
    tagFields,
    receive: {
      groups: receiveGroups,
      commands: {
        enabled: config.cmdFwd,
        sentences: commands.map((c) => "$CC" + c),
        from: allow,
        addressed: `d:${config.sfi}`,
        ratePerSource: COMMAND_RATE,
        inFilter: describeFilter(config.inFilter),
      },
      alertCommands: `ACN with d:${config.sfi} from any source (acknowledge, silence, responsibility transfer, repeat); refused ones answered with ARC`,
    },
  };
}

function rulesText(rules: FilterRuleInfo[]): string {
  return rules.length ? rules.map((r) => r.rule).join(",") : "none (everything passes)";
}

/** The declaration as text lines (console `spec`, `bd450 spec`). */
export function specText(s: InterfaceSpec): string[] {
  const out: string[] = [];
  out.push(`IEC 61162-450 interface of bd450 ${s.sfi}`);
  out.push(`SFI               ${s.sfi}`);
  out.push(`multicast TTL     ${s.ttl}`);
  out.push(`max datagram      ${s.maxDatagramBytes} bytes (${s.maxDatagramReason})`);
  const o = s.output;
  out.push(
    `max output rate   ${o.maxSentencesPerSecond} sentences/s of terminal data` +
      (o.maxRatePerGroup !== null
        ? ` (maxRate ${o.maxRatePerGroup}/s per group)`
        : " (maxRate off: bounded by the UART)") +
      ", plus alerts and answers",
  );
  out.push(
    `  UART bound      ${o.uartBytesPerSecond} bytes/s: ${o.uartSentencesPerSecondShortest} sentences/s of 11 bytes, ${o.uartSentencesPerSecond82}/s of 82 bytes`,
  );
  out.push(`output filter     ${rulesText(o.outFilter)}`);
  out.push(`TAG fields        ${s.tagFields.map((t) => t.field).join(" ")}`);
  for (const t of s.tagFields) out.push(`  ${t.field}:              `.slice(0, 18) + t.when);
  out.push("transmission groups (sent):");
  for (const g of s.transmit) {
    out.push(
      `  ${g.name} ${g.address}:${g.port}` +
        (g.maxRate !== null && g.name !== "BAM1" ? `, at most ${g.maxRate} sentences/s` : ""),
    );
    if (g.sentences.length)
      out.push("    " + g.sentences.map((x) => x.sentence + (x.filter ? ` (${x.filter})` : "")).join(" "));
    for (const a of g.also) out.push("    + " + a);
  }
  out.push("received:");
  for (const g of s.receive.groups) out.push(`  ${g.name} ${g.address}:${g.port}: ${g.purpose}`);
  const c = s.receive.commands;
  if (!c.enabled) out.push("  terminal commands: not accepted (cmdFwd off)");
  else {
    out.push(`  terminal commands: ${c.sentences.join(" ")}`);
    out.push(
      `    from ${c.from.join(" ")}, addressed ${c.addressed}, at most ${c.ratePerSource}/s per source, inFilter ${rulesText(c.inFilter)}`,
    );
  }
  out.push(`  alerts: ${s.receive.alertCommands}`);
  return out;
}
