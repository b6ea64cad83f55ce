// The serial console: line editor + one command table. Each command is one row
// (name, arguments, help, handler); `help` is generated from the table.
//
// Portable: bytes in (receive), bytes out (options.write), the gateway behind the
// ConsoleHost interface. Output is ASCII with CR LF line ends, which every dumb
// terminal shows correctly.

import { deviceSpec } from "../beidou/table";
import type { Clock, Timers } from "../core/io";
import { interfaceSpec, specText } from "../core/spec";
import { formatterKeyOf } from "../nmea/keys";
import {
  configTable,
  defaultConfig,
  formatValue,
  pad,
  SETTINGS,
  type SettingKey,
  type SettingValue,
} from "../settings/settings";
import { type ApplyOutcome, applyRecord, applySettings, saveChecked } from "./apply";
import type { ConsoleHost, FixReport, StatusReport } from "./host";
import { LineEditor } from "./line-editor";
import { answerMatches, sentenceFormatter, TERMINAL_OPS, type TerminalOp } from "./terminal";

export interface ConsoleOptions {
  host: ConsoleHost;
  /** Bytes towards the terminal. */
  write(bytes: Uint8Array): void;
  clock: Clock;
  /** Needed for terminal-operation answer timeouts. */
  timers?: Timers;
  prompt?: string;
  maxLine?: number;
  /** How long a terminal operation waits for its answer, ms. */
  answerTimeoutMs?: number;
  /** First lines printed by start(). */
  banner?: string;
}

export interface CommandRow {
  /** One or two words, e.g. "status", "show config". */
  readonly name: string;
  readonly args: string;
  readonly summary: string;
  readonly help: string;
  /** `words`: arguments split on blanks; `rest`: the raw text after the command name. */
  run(c: Console, words: string[], rest: string): void;
}

interface Pending {
  op: TerminalOp;
  timer: unknown;
  answers: number;
  /** op.expect as packed formatters (3 letters -> number), for the per-sentence check. */
  keys: number[];
}

function formatterKeys(formatters: readonly string[]): number[] {
  return formatters.filter((f) => f.length === 3).map(formatterKeyOf);
}

function fmtAge(s: number | undefined): string {
  if (s === undefined || s !== s) return "never";
  if (s === Infinity) return "never";
  if (s < 120) return s.toFixed(1) + " s ago";
  if (s < 7200) return (s / 60).toFixed(1) + " min ago";
  return (s / 3600).toFixed(1) + " h ago";
}

function fmtDuration(s: number): string {
  const d = Math.floor(s / 86400),
    h = Math.floor((s % 86400) / 3600),
    m = Math.floor((s % 3600) / 60),
    sec = Math.floor(s % 60);
  return (d ? d + "d " : "") + h + "h " + m + "m " + sec + "s";
}

function fmtCounts(r: Record<string, number>): string {
  const parts: string[] = [];
  for (const k in r) if (r[k]) parts.push(k + " " + r[k]);
  return parts.length ? parts.join(", ") : "none";
}

function fmtCoord(v: number, pos: string, neg: string): string {
  return Math.abs(v).toFixed(6) + " " + (v < 0 ? neg : pos);
}

function fmtFix(f: FixReport | null | undefined): string {
  if (f === undefined) return "data source not connected";
  if (f === null) return "no fix yet";
  let s = fmtCoord(f.lat, "N", "S") + " " + fmtCoord(f.lon, "E", "W");
  if (f.heightM !== undefined) s += " h " + f.heightM + " m";
  if (f.time) s += " at " + f.time + " UTC";
  if (f.quality) s += ", " + f.quality;
  if (f.satellites !== undefined) s += ", " + f.satellites + " sats";
  if (f.hdop !== undefined) s += ", HDOP " + f.hdop;
  if (f.source) s += " (" + f.source + ")";
  return s + ", " + fmtAge(f.ageS);
}

/** The command table. Adding a command is one row. */
export const COMMANDS: readonly CommandRow[] = [
  {
    name: "help",
    args: "[COMMAND]",
    summary: "list commands, or explain one",
    help: "help alone lists every command; help COMMAND shows its arguments and details.",
    run(c, words) {
      c.help(words.join(" "));
    },
  },
  {
    name: "show config",
    args: "",
    summary: "every setting: value, type, allowed values",
    help:
      "Lists every setting with its current value, type and allowed range. 'restart' marks settings\n" +
      "that take effect after save + reboot. (unsaved) marks values changed since the last save.",
    run(c) {
      c.showConfig();
    },
  },
  {
    name: "set",
    args: "KEY VALUE [KEY VALUE ...]",
    summary: "change settings (validated; save to keep)",
    help:
      "Validates the new values together with the rest of the configuration and applies them all or\n" +
      'none. Use "" for an empty value. Several pairs in one set change related settings together,\n' +
      "e.g. set ipMode static ipAddr 172.16.1.45. Keys are case-insensitive. help set KEY explains a key.",
    run(c, words) {
      c.set(words);
    },
  },
  {
    name: "save",
    args: "",
    summary: "store the running settings (atomic)",
    help: "Writes the running settings to persistent storage; they are loaded at the next start.",
    run(c) {
      c.save();
    },
  },
  {
    name: "defaults",
    args: "",
    summary: "reset every setting to its default (save to keep)",
    help: "Replaces the running settings with the defaults. Nothing is stored until save.",
    run(c) {
      c.defaults();
    },
  },
  {
    name: "reboot",
    args: "[now]",
    summary: "restart the gateway",
    help: "Restarts the gateway. With unsaved changes it refuses unless given 'now' (they would be lost).",
    run(c, words) {
      c.reboot(words[0] === "now");
    },
  },
  {
    name: "status",
    args: "",
    summary: "terminal link, fixes, beams, card, network, alerts, uptime",
    help:
      "Terminal link (bytes, sentences, rejects by reason, last sentence age), last RNSS and RDSS fix,\n" +
      "beams, IC card, network (link, address, datagrams per group, errors), alerts, uptime, heap.",
    run(c) {
      c.status();
    },
  },
  {
    name: "spec",
    args: "",
    summary: "the 450 interface declaration for the running settings",
    help:
      "SFI, transmission groups with address, port and sentences, maximum datagram size, maximum output rate\n" +
      "(maxRate, UART), TTL, TAG fields, commands accepted and from whom. Same as bd450 spec (docs/filters.md).",
    run(c) {
      for (const line of specText(interfaceSpec(c.host.getConfig(), deviceSpec()))) c.println(line);
    },
  },
  {
    name: "log",
    args: "[N]",
    summary: "the newest N system log events (default 20)",
    help: "Prints the newest N events of the system log ring, oldest first, with UTC time and code.",
    run(c, words) {
      c.log(words);
    },
  },
  {
    name: "counters reset",
    args: "",
    summary: "zero the link and network counters",
    help: "Sets the terminal-link and network counters to zero (the log and settings are kept).",
    run(c) {
      c.host.resetCounters();
      c.println("counters reset");
    },
  },
];

/** Commands + terminal operations (terminal.ts), for matching and help. */
function allRows(): CommandRow[] {
  const rows = COMMANDS.slice();
  for (const op of TERMINAL_OPS) {
    rows.push({
      name: op.name,
      args: op.args,
      summary: op.summary,
      help: op.help,
      run(c, words, rest) {
        c.terminalOp(op, words, rest);
      },
    });
  }
  return rows;
}

/**
 * Built once when the module loads: on the board that is at preload, so the rows (closures
 * included) sit in flash rather than in every Console's share of the XS heap.
 */
const ALL_ROWS: readonly CommandRow[] = Object.freeze(allRows());

export class Console {
  readonly host: ConsoleHost;
  readonly editor: LineEditor;
  readonly rows: readonly CommandRow[] = ALL_ROWS;
  private readonly opts: ConsoleOptions;
  private readonly prompt: string;
  /** Keys changed since the last successful save. */
  private unsaved: SettingKey[] = [];
  private waiting?: Pending;
  /**
   * True while a terminal operation waits for its answer: the gateway hands sentences
   * to terminalSentence only then (a field read instead of a call per sentence on XS).
   */
  awaitingAnswer = false;
  private get pending(): Pending | undefined {
    return this.waiting;
  }
  private set pending(p: Pending | undefined) {
    this.waiting = p;
    this.awaitingAnswer = p !== undefined;
  }
  private closed = false;
  /** Commands run and commands refused (unknown, bad arguments), for tests and status. */
  commands = 0;
  errors = 0;

  constructor(options: ConsoleOptions) {
    this.opts = options;
    this.host = options.host;
    this.prompt = options.prompt ?? "bd450> ";
    this.editor = new LineEditor({
      maxLine: options.maxLine ?? 200,
      write: (t) => this.write(t),
      onLine: (line) => this.execute(line),
      onOverflow: (max) => {
        this.errors++;
        this.println(`error: line longer than ${max} characters, discarded`);
        this.write(this.prompt);
      },
      onCancel: () => this.write(this.prompt),
    });
  }

  /** Print the banner and the first prompt. */
  start(): void {
    if (this.opts.banner) this.println(this.opts.banner);
    this.println("type help for commands");
    this.write(this.prompt);
  }

  /** Bytes typed at the terminal. */
  receive(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.editor.receive(bytes, start, end);
  }

  // ---- output -----------------------------------------------------------------

  /** Stop: cancel a pending terminal operation and write nothing more (the host replaces the console, e.g. after reboot). */
  close(): void {
    const p = this.pending;
    this.pending = undefined;
    if (p && p.timer !== undefined && this.opts.timers) this.opts.timers.clear(p.timer);
    this.closed = true;
  }

  /** ASCII out; anything else becomes '?' (the console speaks ASCII only). */
  write(text: string): void {
    if (text === "" || this.closed) return;
    const b = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      b[i] = c < 0x80 ? c : 0x3f;
    }
    this.opts.write(b);
  }

  println(text = ""): void {
    this.write(text.split("\n").join("\r\n") + "\r\n");
  }

  /** Output that arrives while the user may be typing: own line, then prompt + typed text again. */
  private interject(text: string): void {
    this.write("\r\n");
    this.println(text);
    this.write(this.prompt + this.editor.current());
  }

  private fail(text: string): void {
    this.errors++;
    this.println("error: " + text);
  }

  // ---- dispatch ---------------------------------------------------------------

  /** Run one command line (also used by tests and by a telnet front end). */
  execute(line: string): void {
    const text = line.trim();
    if (text !== "") this.dispatch(text);
    this.write(this.prompt);
  }

  private dispatch(text: string): void {
    const words = text.split(/\s+/);
    const lower = words.map((w) => w.toLowerCase());
    let best: CommandRow | undefined;
    let bestLen = 0;
    for (const row of this.rows) {
      const nw = row.name.split(" ");
      if (nw.length > lower.length || nw.length <= bestLen) continue;
      let ok = true;
      for (let i = 0; i < nw.length; i++) if (nw[i] !== lower[i]) ok = false;
      if (ok) {
        best = row;
        bestLen = nw.length;
      }
    }
    if (!best) {
      const partial = this.rows.filter((r) => r.name.split(" ")[0] === lower[0]);
      if (partial.length)
        this.fail(`incomplete command "${text}"; did you mean: ${partial.map((r) => r.name).join(", ")}`);
      else this.fail(`unknown command "${words[0]}"; type help for the list`);
      return;
    }
    // Raw rest of the line after the command words (keeps spacing inside a message).
    let rest = text;
    for (let i = 0; i < bestLen; i++) rest = rest.slice(rest.indexOf(words[i]) + words[i].length);
    rest = rest.replace(/^\s+/, "");
    this.commands++;
    try {
      best.run(this, words.slice(bestLen), rest);
    } catch (e) {
      // A handler bug or a host failure must not take the console down.
      this.fail(`${best.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // ---- commands ---------------------------------------------------------------

  help(topic: string): void {
    if (topic === "") {
      this.println("commands:");
      for (const r of this.rows) this.println("  " + pad(r.name + (r.args ? " " + r.args : ""), 36) + " " + r.summary);
      this.println("help COMMAND for details; help set KEY for a setting");
      return;
    }
    const t = topic.toLowerCase().split(/\s+/);
    if (t[0] === "set" && t.length > 1) {
      const row = SETTINGS.find((s) => s.key.toLowerCase() === t[1]);
      if (!row) return this.fail(`"${t[1]}" is not a setting (show config lists them)`);
      this.println(`${row.key} (${row.kind}, ${row.range}${row.apply === "restart" ? ", after save + reboot" : ""})`);
      this.println("  " + row.help);
      this.println(
        "  default: " + formatValue(row, (defaultConfig() as unknown as Record<string, SettingValue>)[row.key]),
      );
      return;
    }
    const joined = t.join(" ");
    const row = this.rows.find((r) => r.name === joined) ?? this.rows.find((r) => r.name.split(" ")[0] === t[0]);
    if (!row) return this.fail(`no command "${topic}"; type help for the list`);
    this.println("usage: " + row.name + (row.args ? " " + row.args : ""));
    this.println(row.help);
  }

  showConfig(): void {
    const unknown = this.host.unknownSettings ? this.host.unknownSettings() : {};
    for (const line of configTable(this.host.getConfig(), unknown, this.unsaved)) this.println(line);
    if (this.unsaved.length) this.println(`unsaved changes: ${this.unsaved.join(" ")} (save to keep)`);
  }

  set(words: string[]): void {
    if (words.length === 0 || words.length % 2 !== 0)
      return this.fail('usage: set KEY VALUE [KEY VALUE ...] (use "" for an empty value)');
    const pairs: [string, string][] = [];
    for (let i = 0; i < words.length; i += 2) pairs.push([words[i], words[i + 1]]);
    this.report(applySettings(this.host, pairs));
  }

  private report(out: ApplyOutcome): void {
    if ("errors" in out) {
      for (const e of out.errors) this.fail(e);
      this.println("nothing changed");
      return;
    }
    const rec = out.config as unknown as Record<string, SettingValue>;
    for (const key of out.changed) {
      const row = SETTINGS.find((r) => r.key === key)!;
      if (this.unsaved.indexOf(key) < 0) this.unsaved.push(key);
      this.println(
        `${key} = ${formatValue(row, rec[key])}` +
          (out.restart.indexOf(key) >= 0 ? " (takes effect after save + reboot)" : ""),
      );
    }
    this.println("not saved yet: save to keep");
  }

  save(): void {
    const err = saveChecked(this.host);
    if (err) return this.fail(err);
    this.unsaved = [];
    this.println("saved");
  }

  defaults(): void {
    const cur = this.host.getConfig() as unknown as Record<string, SettingValue>;
    const def = defaultConfig();
    const d = def as unknown as Record<string, SettingValue>;
    const changed = SETTINGS.filter((r) => cur[r.key] !== d[r.key]).map((r) => r.key);
    if (changed.length === 0) return this.println("all settings already at their defaults");
    this.report(applyRecord(this.host, def, changed));
  }

  reboot(force: boolean): void {
    if (this.unsaved.length && !force)
      return this.fail(`unsaved changes (${this.unsaved.join(" ")}) would be lost: save first, or reboot now`);
    this.println("rebooting...");
    this.host.reboot();
  }

  status(): void {
    const s: StatusReport = this.host.status();
    this.println("uptime      " + fmtDuration(s.uptimeS));
    const t = s.terminal;
    if (!t) this.println("terminal    data source not connected");
    else {
      this.println(
        `terminal    link ${t.link}, ${t.bytes} bytes, ${t.sentences} sentences, last sentence ${fmtAge(t.lastSentenceAgeS)}`,
      );
      this.println("  rejects   " + fmtCounts(t.rejects));
      if (t.uartQueued !== undefined) this.println(`  commands  ${t.uartQueued} queued, ${t.uartDropped ?? 0} dropped`);
      if (t.rxOverflows) this.println(`  receive   ${t.rxOverflows} overflows (terminal bytes lost)`);
      if (t.family)
        this.println(
          `  family    ${familyName(t.family)}` +
            (t.familyDetected ? ` (set by terminalFamily; detected ${familyName(t.familyDetected)})` : ""),
        );
    }
    this.println("RNSS fix    " + fmtFix(s.rnss));
    this.println("RDSS fix    " + fmtFix(s.rdss));
    if (s.beams === undefined) this.println("beams       data source not connected");
    else if (s.beams === null) {
      if (!s.pwi) this.println("beams       no BSI or PWI received yet");
    } else
      this.println(
        `beams       response ${s.beams.response}, time-difference ${s.beams.timeDiff}, power ${s.beams.power.join(" ")}, ${fmtAge(s.beams.ageS)}`,
      );
    if (s.pwi) {
      const list = (b: ReadonlyArray<{ beam: number; signal: readonly number[] }>) =>
        b.length ? b.map((x) => `${x.beam}:${x.signal.join("/")}`).join(" ") : "none";
      this.println(
        `beams (PWI) BDS-3 ${list(s.pwi.bds3)}; BDS-2 ${list(s.pwi.bds2)} (beam:signal values), ${fmtAge(s.pwi.ageS)}`,
      );
    }
    const card = s.card;
    if (card === undefined) this.println("IC card     data source not connected");
    else if (card === null) this.println("IC card     no ICI/ICP received yet (card checks it)");
    else
      this.println(
        `IC card     user ${card.userId}` +
          (card.serial ? `, serial ${card.serial}` : "") +
          (card.frequencyS !== undefined ? `, service interval ${card.frequencyS} s` : "") +
          (card.level !== undefined ? `, level ${card.level}` : "") +
          (card.encrypted !== undefined ? (card.encrypted ? ", encrypted" : ", not encrypted") : "") +
          `, ${fmtAge(card.ageS)}`,
      );
    const n = s.network;
    if (!n) this.println("network     data source not connected");
    else {
      this.println(`network     link ${n.link}, address ${n.address}`);
      this.println(
        "  out       " + fmtCounts(n.out) + (n.own !== undefined ? ` (gateway's own sentences: ${n.own})` : ""),
      );
      this.println("  in        " + (n.in ? fmtCounts(n.in) : "network receiver not connected"));
      this.println("  errors    " + fmtCounts(n.errors));
    }
    const fl = s.filters;
    if (fl) {
      const rules = (list: ReadonlyArray<{ rule: string; passed: number; blocked: number }>) =>
        list.length ? list.map((r) => `${r.rule} passed ${r.passed} blocked ${r.blocked}`).join("; ") : "none";
      this.println("out filter  " + rules(fl.out));
      this.println("in filter   " + rules(fl.in));
      this.println(
        "max rate    " + (fl.maxRate > 0 ? `${fl.maxRate}/s per group, dropped: ${fmtCounts(fl.rateDropped)}` : "off"),
      );
    }
    if (!s.alerts) this.println("alerts      data source not connected");
    else if (s.alerts.length === 0) this.println("alerts      none");
    else for (const a of s.alerts) this.println(`alert       ${a.id} ${a.state}: ${a.text}`);
    if (s.clock !== undefined) this.println("clock       " + s.clock);
    const h = s.heap;
    if (!h || (h.used === undefined && h.free === undefined)) this.println("heap        not reported on this platform");
    else
      this.println(
        "heap        " +
          [
            h.used !== undefined ? `used ${h.used} B` : "",
            h.free !== undefined ? `free ${h.free} B` : "",
            h.peak !== undefined ? `peak ${h.peak} B` : "",
          ]
            .filter((x) => x)
            .join(", "),
      );
  }

  log(words: string[]): void {
    let n = 20;
    if (words.length > 1) return this.fail("usage: log [N]");
    if (words.length === 1) {
      if (!/^[0-9]{1,4}$/.test(words[0]) || Number(words[0]) < 1)
        return this.fail(`"${words[0]}" breaks rule: log N is a count 1..9999`);
      n = Number(words[0]);
    }
    const events = this.host.log(n);
    if (events.length === 0) return this.println("log is empty");
    // The console is 7-bit: non-ASCII in an event (a short message's Chinese text,
    // decoded on the host) is shown as \uXXXX instead of write()'s '?', so it stays readable.
    for (const e of events)
      this.println(new Date(e.time).toISOString().slice(0, 19) + "Z " + pad(e.code, 14) + " " + escapeNonAscii(e.text));
  }

  // ---- terminal operations ------------------------------------------------------

  terminalOp(op: TerminalOp, words: string[], rest: string): void {
    const send = this.host.sendCommand;
    if (!send) return this.fail(`${op.name}: terminal link not connected in this build`);
    if (this.pending)
      return this.fail(`${op.name}: busy, still waiting for the terminal's answer to ${this.pending.op.formatter}`);
    const built = op.encode(words, rest, this.host.terminalFamily?.());
    if ("error" in built) return this.fail(`${op.name}: ${built.error}`);
    const err = send.call(this.host, built.sentence);
    if (err) return this.fail(`${op.name}: the terminal queue refused ${op.formatter}: ${err}`);
    this.println(`sent ${built.text}`);
    const timers = this.opts.timers;
    if (!timers) {
      this.println("(no timers on this platform: answers are shown when they arrive)");
      this.pending = { op, timer: undefined, answers: 0, keys: formatterKeys(op.expect) };
      return;
    }
    const ms = this.opts.answerTimeoutMs ?? 10000;
    this.println(`waiting up to ${ms / 1000} s for the terminal's answer`);
    const pending: Pending = { op, answers: 0, timer: undefined, keys: formatterKeys(op.expect) };
    pending.timer = timers.set(
      () => {
        if (this.pending !== pending) return;
        this.pending = undefined;
        this.errors++;
        this.interject(`error: ${op.name}: no ${op.expect.join("/")} answer from the terminal within ${ms / 1000} s`);
      },
      ms,
      false,
    );
    this.pending = pending;
  }

  /**
   * Every sentence received from the terminal (the gateway calls this for each
   * checksum-valid unit). Cheap when no operation is waiting.
   */
  terminalSentence(bytes: Uint8Array, length: number): void {
    const p = this.pending;
    if (!p) return;
    // Compare the formatter bytes with the packed expected ones first: no string
    // for the many sentences that are not the answer (XS allocates every string).
    if (length < 7 || (bytes[0] !== 0x24 && bytes[0] !== 0x21)) return;
    const key = (bytes[3] << 16) | (bytes[4] << 8) | bytes[5];
    let expected = false;
    for (let i = 0; i < p.keys.length; i++)
      if (p.keys[i] === key) {
        expected = true;
        break;
      }
    if (!expected) return;
    const f = sentenceFormatter(bytes, length);
    const verdict = answerMatches(p.op, f, bytes, length);
    if (!verdict) return; // e.g. an FKI about another command
    p.answers++;
    let text = "";
    for (let i = 0; i < length && bytes[i] !== 0x0d && bytes[i] !== 0x0a; i++) text += String.fromCharCode(bytes[i]);
    if (verdict.done) {
      this.pending = undefined;
      if (p.timer !== undefined && this.opts.timers) this.opts.timers.clear(p.timer);
    }
    this.interject(`terminal answer: ${text}\n  ${verdict.meaning}`);
  }
}

/** Characters above 0x7E as \uXXXX (lossless on a 7-bit console). */
function escapeNonAscii(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c > 0x7e ? "\\u" + (c < 0x1000 ? (c < 0x100 ? "00" : "0") : "") + c.toString(16).toUpperCase() : text[i];
  }
  return out;
}

/** Family name as the console shows it. */
function familyName(f: string): string {
  return f === "bds3"
    ? "BDS-3 (PWI/ICP/TCI; commands TCQ, ICR)"
    : f === "bds2"
      ? "BDS-2 (RDSS 2.1: BSI/ICI/TXR; commands TXA, ICA)"
      : "not known yet";
}
