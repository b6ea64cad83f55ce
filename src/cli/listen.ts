// bd450 listen: join IEC 61162-450 transmission groups, judge every datagram with the
// strict receiver, print each sentence with its source SFI, line count and group,
// and the receiver counters (periodically and at exit). Optionally records every
// datagram received (accepted or not) into a pcap file Wireshark opens.

import * as fs from "node:fs";
import { CarrierReassembler } from "../core/encoder";
import { GROUP_COUNT, GROUPS, groupIndex, groupNames } from "../core/groups";
import { PcapWriter } from "../core/pcap";
import { Iec450Receiver, type ReceivedSentence, type Verdict } from "../core/receiver";
import { noteNames } from "../core/tagblock";
import { hexByte, latin1, xorRange } from "../nmea/checksum";
import { decodeGb2312 } from "../platform/node/gb2312";
import { NodeUDP } from "../platform/node/udp";
import { formatUsage, type OptionSpec, parseCommand, UsageError } from "./args";
import { stopTrigger } from "./common";

const SPEC: Record<string, OptionSpec> = {
  group: { type: "string", arg: "NAME[,NAME]|all", help: "transmission groups to join", default: "all" },
  interface: { type: "string", arg: "ADDR", help: "IPv4 address of the interface to join on (default: the OS choice)" },
  pcap: { type: "string", arg: "FILE", help: "also write every datagram received to FILE (pcap, Ethernet)" },
  count: { type: "number", arg: "N", help: "stop after N datagrams (0: no limit)", default: 0 },
  duration: { type: "number", arg: "S", help: "stop after S seconds (0: until Ctrl-C)", default: 0 },
  json: { type: "boolean", help: "one JSON object per line instead of text" },
  sfi: { type: "string", arg: "XX0000", help: "own SFI: hide sentences whose d: names another SFI" },
  stats: {
    type: "number",
    arg: "S",
    help: "print the counters every S seconds to stderr (0: only at exit)",
    default: 10,
  },
  syslog: {
    type: "number",
    arg: "PORT",
    help: "also receive the gateway's RFC 5424 syslog (its `syslog` setting) on UDP PORT and print it",
  },
  discards: {
    type: "boolean",
    help: "also print one line per discarded datagram (--no-discards to hide)",
    default: true,
  },
  "carrier-mfr": {
    type: "string",
    arg: "MFR",
    help: "manufacturer mnemonic of the gateway's overlong-sentence carrier ($P<MFR>S)",
    default: "XBD",
  },
  carriers: { type: "boolean", help: "also print the carrier lines of reassembled overlong sentences" },
};

export const usage = formatUsage(
  "bd450 listen [--group NAME|all] [--interface ADDR] [--pcap FILE] [--count N] [--duration S] [--json]",
  "Join IEC 61162-450 groups (239.192.0.N, UDP port 60000+N) and validate each datagram\n" +
    "with the strict receiver. Prints: GROUP s:SFI n:N [d:SFI] SENTENCE, one line per\n" +
    "sentence, and the receiver counters (stderr). Overlong sentences the gateway carried\n" +
    "in $P<MFR>S carrier groups (g:) are printed reassembled. Groups: " +
    groupNames().join(" ") +
    ".",
  SPEC,
);

/** Group indexes for a --group value ("all", or names separated by commas). */
export function parseGroups(spec: string): number[] {
  if (spec.trim().toLowerCase() === "all") return Array.from({ length: GROUP_COUNT }, (_, i) => i + 1);
  const out: number[] = [];
  for (const name of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const g = groupIndex(name);
    if (!g) throw new UsageError(`unknown group "${name}" (groups: ${groupNames().join(", ")}, or all)`);
    if (!out.includes(g)) out.push(g);
  }
  if (!out.length) throw new UsageError("--group needs at least one group name");
  return out;
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"));
}

/** The JSON fields a received sentence's line starts with. */
function sentenceJson(s: ReceivedSentence, group: number, from: string, text: string): Record<string, unknown> {
  return {
    group: GROUPS[group].name,
    from,
    source: s.source,
    n: s.n >= 0 ? s.n : null,
    destination: s.destination,
    sentence: text,
  };
}

/** The text line's head: group, s:, n: and d: (then two spaces before the sentence). */
function sentenceHead(s: ReceivedSentence, group: number): string {
  const n = s.n >= 0 ? String(s.n).padStart(3) : "  -";
  return `${GROUPS[group].name.padEnd(4)} s:${s.source} n:${n}${s.destination !== null ? " d:" + s.destination : ""}  `;
}

export function sentenceLine(s: ReceivedSentence, group: number, from: string, json: boolean): string {
  const text = latin1(s.bytes, s.start, s.end);
  if (json) {
    const o = sentenceJson(s, group, from, text);
    if (s.groupCode >= 0) o.g = [s.groupLine, s.groupTotal, s.groupCode];
    if (s.timeRaw === s.timeRaw) o.c = s.timeRaw;
    const notes = noteNames(s.notes);
    if (notes.length) o.notes = notes;
    return JSON.stringify(o);
  }
  return sentenceHead(s, group) + printable(text);
}

export function discardLine(v: Verdict, group: number, from: string, length: number, json: boolean): string {
  if (json)
    return JSON.stringify({
      group: GROUPS[group].name,
      from,
      verdict: "discard",
      reason: v.reason,
      token: v.token,
      length,
      errorLine: v.line || undefined,
    });
  return `${GROUPS[group].name.padEnd(4)} DISCARD ${v.reason}${v.token && v.token !== "UdPbC" ? " (" + v.token + ")" : ""}${v.line ? " line " + v.line : ""} from ${from}, ${length} bytes`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage, 0);
  if (!parsed) return 0;
  const o = parsed.options;
  const groups = parseGroups(String(o.group));
  const json = !!o.json;
  const count = Number(o.count);
  const duration = Number(o.duration);
  const statsEvery = Number(o.stats);
  if (count < 0 || duration < 0 || statsEvery < 0) throw new UsageError("--count, --duration and --stats must be >= 0");
  const iface = o.interface !== undefined ? String(o.interface) : undefined;

  let fd: number | undefined;
  let writer: PcapWriter | undefined;
  if (o.pcap !== undefined) {
    fd = fs.openSync(String(o.pcap), "w");
    const f = fd;
    writer = new PcapWriter((chunk) => fs.writeSync(f, chunk));
  }

  const out: string[] = [];
  // Carrier groups of overlong sentences, one reassembler per source SFI.
  const mfr = String(o["carrier-mfr"]);
  if (!/^[A-Z]{3}$/.test(mfr)) throw new UsageError("--carrier-mfr must be three upper-case letters");
  const carrierPrefix = "$P" + mfr + "S,";
  const reassemblers = new Map<string, CarrierReassembler>();
  let reassembled = 0,
    reassemblyErrors = 0;
  /** Feeds a carrier line; true when the line was a carrier (printed or held). */
  const carrier = (s: ReceivedSentence): boolean => {
    if (
      s.groupCode < 0 ||
      s.end - s.start < carrierPrefix.length ||
      latin1(s.bytes, s.start, s.start + carrierPrefix.length) !== carrierPrefix
    )
      return false;
    const key = String(s.source);
    let r = reassemblers.get(key);
    if (!r) reassemblers.set(key, (r = new CarrierReassembler()));
    const whole = r.add(s.bytes.subarray(s.start, s.end), s.end - s.start);
    if (o.carriers) out.push(sentenceLine(s, current, from, json));
    if (!whole) return true;
    // The reassembled bytes run from `$` to the original `*hh`: its own checksum verifies them.
    const n = whole.length;
    const ok = n >= 4 && whole[n - 3] === 0x2a && hexByte(whole, n - 2) === xorRange(whole, 1, n - 3);
    if (!ok) {
      reassemblyErrors++;
      out.push(
        json
          ? JSON.stringify({
              group: GROUPS[current].name,
              from,
              source: s.source,
              error: "reassembled sentence fails its checksum",
            })
          : `${GROUPS[current].name.padEnd(4)} s:${s.source} REASSEMBLY ERROR (checksum)`,
      );
      return true;
    }
    reassembled++;
    const text = latin1(whole);
    // Raw GB2312 (RDSS Chinese/raw-text messages): also shown as the text it is.
    const gb = /[\x80-\xff]/.test(text) ? decodeGb2312(whole) : undefined;
    if (json)
      out.push(JSON.stringify({ ...sentenceJson(s, current, from, text), text: gb, reassembled: s.groupTotal }));
    else
      out.push(
        sentenceHead(s, current) +
          `${gb !== undefined ? gb.replace(/[\x00-\x1f\x7f]/g, (c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0")) : printable(text)}   (reassembled from ${s.groupTotal} carrier lines${gb !== undefined ? ", GB2312" : ""})`,
      );
    return true;
  };
  const flush = () => {
    if (out.length) {
      process.stdout.write(out.join("\n") + "\n");
      out.length = 0;
    }
  };
  let current = 0;
  let from = "";
  let received = 0;
  const receiver = new Iec450Receiver({
    ownSfi: o.sfi !== undefined ? String(o.sfi) : undefined,
    // A listener shows its own traffic too; only d: filtering applies with --sfi.
    ignoreOwnSource: false,
    onSentence: (s) => {
      if (!carrier(s)) out.push(sentenceLine(s, current, from, json));
    },
    onVerdict: (v, _b, length) => {
      if (v.verdict === "discard" && o.discards) out.push(discardLine(v, current, from, length, json));
    },
  });

  const errors: string[] = [];
  // Ends on SIGINT/SIGTERM/SIGHUP, a closed output pipe, --duration or --count.
  const trigger = stopTrigger(duration);
  const done = trigger.stop;
  const sockets: NodeUDP[] = [];
  if (o.syslog !== undefined) {
    const port = Number(o.syslog);
    if (!(port >= 1 && port <= 65535 && Math.floor(port) === port))
      throw new UsageError("--syslog needs a UDP port 1..65535");
    const sock: NodeUDP = new NodeUDP({
      port,
      onReadable() {
        for (let d = sock.read(); d; d = sock.read()) {
          const line = Buffer.from(d)
            .toString("utf8")
            .replace(/^\uFEFF|(?<= )\uFEFF/, "");
          out.push(json ? JSON.stringify({ syslog: line, from: `${d.address}:${d.port}` }) : `LOG  ${printable(line)}`);
        }
        flush();
      },
      onError(e?: Error) {
        process.stderr.write(`bd450 listen: syslog port ${port}: ${e?.message ?? "socket error"}\n`);
      },
    });
    sockets.push(sock);
  }
  for (const g of groups) {
    const grp = GROUPS[g];
    const sock: NodeUDP = new NodeUDP({
      port: grp.port,
      reuseAddr: true,
      interface: iface,
      onReadable() {
        for (let d = sock.read(); d; d = sock.read()) {
          if (count > 0 && received >= count) break;
          received++;
          const bytes = new Uint8Array(d);
          current = g;
          from = `${d.address}:${d.port}`;
          writer?.write(
            { time: Date.now(), srcAddress: d.address, srcPort: d.port, dstAddress: grp.address, dstPort: grp.port },
            bytes,
          );
          receiver.receive(bytes, bytes.length, g);
          if (count > 0 && received >= count) done("count");
        }
        flush();
      },
      onError(e?: Error) {
        const msg = `${grp.name}: ${e?.message ?? "socket error"}`;
        if (errors.length < 20) errors.push(msg);
        process.stderr.write(`bd450 listen: ${msg}\n`);
      },
    });
    sock.add(grp.address);
    sockets.push(sock);
  }
  const counters = () => JSON.stringify({ received, ...receiver.counters, reassembled, reassemblyErrors });
  process.stderr.write(
    `bd450 listen: joined ${groups.map((g) => `${GROUPS[g].name} ${GROUPS[g].address}:${GROUPS[g].port}`).join(", ")}${iface ? " on " + iface : ""}\n`,
  );
  const ticker =
    statsEvery > 0 ? setInterval(() => process.stderr.write(counters() + "\n"), statsEvery * 1000) : undefined;
  await trigger.reason;
  trigger.dispose();
  if (ticker) clearInterval(ticker);
  flush();
  for (const s of sockets) s.close();
  if (fd !== undefined) fs.closeSync(fd);
  process.stderr.write(counters() + "\n");
  return 0;
}
