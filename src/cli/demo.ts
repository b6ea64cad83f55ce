// bd450 demo (npm start): the host simulation end to end.
//
//   simulated terminal (pty, socat) -> `bd450 gateway` process -> UDP multicast -> listener
//
// Multicast never leaves the machine: the command re-runs itself inside a private
// network namespace it creates (`unshare -rn`, loopback up, 224.0.0.0/4 routed to
// lo), which disappears with its last process. Live counters every second; stops
// on Ctrl-C or after --duration.

import { spawn } from "child_process";
import * as crypto from "crypto";
import * as net from "net";
import * as path from "path";
import * as fs from "fs";
import * as os from "os";
import { Iec450Receiver } from "../core/receiver";
import { GROUPS, GROUP_COUNT } from "../core/groups";
import { latin1 } from "../nmea/checksum";
import { NodeUDP } from "../platform/node/udp";
import { SimSession } from "../sim/session";
import { openPtyPair } from "../sim/pty";
import { formatUsage, parseArgs, type OptionSpec } from "./args";
import { buildCandidate, defaultConfig } from "../console/settings";
import { saveSettings } from "../console/persist";
import { SettingsFile } from "../platform/node/settings-file";

const SPEC: Record<string, OptionSpec> = {
  duration: { type: "number", arg: "SECONDS", help: "stop after SECONDS (0: until Ctrl-C)", default: 0 },
  baud: { type: "number", help: "UART byte rate of the simulated terminal", default: 115200 },
  log: { type: "string", arg: "FILE", help: "replay this log instead of the built-in mix (looped)" },
  noise: { type: "number", arg: "N", help: "built-in mix: line noise every N epochs (0: none)", default: 20 },
  sfi: { type: "string", arg: "XX0000", help: "SFI of the gateway", default: "BD0001" },
  quiet: { type: "boolean", help: "counters only, no sample sentences" },
  web: { type: "boolean", help: "also serve the gateway's web page on 127.0.0.1 (--web-port), with a fresh password printed here" },
  "web-port": { type: "number", arg: "PORT", help: "TCP port of the web page on this machine's 127.0.0.1", default: 8450 },
};

export const usage = formatUsage(
  "bd450 demo [--duration S] [--baud N] [--log FILE]",
  "Host simulation end to end, inside a private network namespace this command creates\n" +
    "(unshare -rn): simulated Beidou terminal on a pty -> bd450 gateway -> IEC 61162-450\n" +
    "multicast -> listener. Prints live counters; Ctrl-C stops it.",
  SPEC,
);

const ROOT = path.resolve(__dirname, "..", "..", "..");
const BIN = path.join(ROOT, "bin", "bd450.js");

/**
 * The web page from inside the namespace to this machine's 127.0.0.1: TCP here -> a Unix
 * socket (file sockets cross network namespaces) -> TCP 127.0.0.1 inside. Both ends
 * only ever talk to 127.0.0.1.
 */
function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b).pipe(a);
  a.on("error", () => b.destroy());
  b.on("error", () => a.destroy());
}

function webBridgeOutside(port: number, sock: string): net.Server {
  const server = net.createServer((c) => pipeBoth(c, net.connect(sock)));
  server.on("error", (e) => process.stderr.write(`bd450 demo: web page not reachable on 127.0.0.1:${port}: ${e.message}\n`));
  server.listen(port, "127.0.0.1");
  return server;
}

/** Re-run this command inside a new user + network namespace with multicast on lo. */
function reexecInNamespace(argv: string[], webPort?: number): Promise<number> {
  const setup = "ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec \"$0\" \"$@\"";
  let bridge: net.Server | undefined;
  let bridgeDir: string | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, BD450_NETNS: "1" };
  if (webPort !== undefined) {
    bridgeDir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-web-"));
    env.BD450_WEB_SOCK = path.join(bridgeDir, "web.sock");
    bridge = webBridgeOutside(webPort, env.BD450_WEB_SOCK);
  }
  return new Promise((resolve) => {
    const child = spawn("unshare", ["-rn", "sh", "-c", setup, process.execPath, BIN, "demo", ...argv], {
      stdio: "inherit",
      env,
    });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", (e) => {
      process.stderr.write(`bd450 demo: cannot create a private network namespace (unshare -rn): ${e.message}\n` +
        "The demo sends multicast only inside its own namespace and will not use the machine's interfaces.\n");
      resolve(1);
    });
    child.on("exit", (code, sig) => {
      bridge?.close();
      if (bridgeDir) fs.rmSync(bridgeDir, { recursive: true, force: true });
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (sig === "SIGINT" ? 0 : 1));
    });
  });
}

export async function run(argv: string[]): Promise<number> {
  const { options: o, help } = parseArgs(argv, SPEC);
  if (help) { process.stdout.write(usage); return 0; }
  if (process.env.BD450_NETNS !== "1") return reexecInNamespace(argv, o.web ? Number(o["web-port"]) : undefined);

  const out = (s: string) => process.stdout.write(s + "\n");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-demo-"));
  let validSent = 0;
  const sim = new SimSession({
    log: o.log as string | undefined, loop: true, baud: Number(o.baud), noiseEvery: Number(o.noise),
    link: path.join(dir, "ttyBD"), waitHost: true,
  });
  await sim.open();
  out(`bd450 demo: private network namespace up (lo, 224.0.0.0/4 -> lo); simulated terminal on ${sim.gatewayPath} at ${o.baud} baud`);

  // Listener: join every sentence group on loopback, judge each datagram strictly.
  const perGroup = new Array<number>(GROUP_COUNT + 1).fill(0);
  let lastSample = 0;
  const receiver = new Iec450Receiver({
    onSentence(s) {
      perGroup[s.group]++;
      const now = Date.now();
      const rdss = s.bytes[s.start + 1] === 0x42 && s.bytes[s.start + 2] === 0x44; // $BD...
      const carrier = s.bytes[s.start + 1] === 0x50; // $P... carrier of an overlong sentence
      if (!o.quiet && (rdss || carrier || now - lastSample > 2000)) {
        lastSample = now;
        out(`  ${GROUPS[s.group].name.padEnd(4)} s:${s.source} n:${String(s.n).padStart(3)}  ${latin1(s.bytes, s.start, s.end).replace(/[^\x20-\x7e]/g, "·")}`);
      }
    },
  });
  const sockets: NodeUDP[] = [];
  for (let g = 1; g <= GROUP_COUNT; g++) {
    const grp = GROUPS[g];
    const sock: NodeUDP = new NodeUDP({
      port: grp.port, reuseAddr: true, interface: "127.0.0.1", receiveBufferSize: 4 << 20,
      onReadable() {
        for (let d = sock.read(); d; d = sock.read()) receiver.receive(new Uint8Array(d), d.byteLength, g);
      },
    });
    sock.add(grp.address);
    sockets.push(sock);
  }

  // The configuration console on a second pty pair; its settings file lives in the
  // demo's temporary folder, so the demo never touches the user's own settings.
  const consolePty = await openPtyPair({ dir, gatewayLink: path.join(dir, "console-gw"), terminalLink: path.join(dir, "console") });

  // Web page: a fresh password, stored as the gateway stores it (salted hash, through the
  // settings schema) in the demo's own settings file; the gateway serves 127.0.0.1 inside.
  const webArgs: string[] = [];
  let webNote = "";
  let webInside: net.Server | undefined;
  if (o.web) {
    const password = "demo-" + crypto.randomBytes(4).toString("hex");
    const cand = buildCandidate(defaultConfig(), [["webPass", password]]);
    if ("errors" in cand) throw new Error(cand.errors.join("; "));
    saveSettings(new SettingsFile(path.join(dir, "settings")), cand.config);
    const port = Number(o["web-port"]);
    webArgs.push("--web", `127.0.0.1:${port}`);
    const sockPath = process.env.BD450_WEB_SOCK;
    if (sockPath) {
      webInside = net.createServer((u) => pipeBoth(u, net.connect(port, "127.0.0.1")));
      webInside.listen(sockPath);
    }
    webNote = `The gateway's web page: http://127.0.0.1:${port}/  password: ${password}`;
  }

  // The gateway: the real service command, as a separate process.
  let gwStats: Record<string, unknown> = {};
  const gw = spawn(process.execPath, [BIN, "gateway", "--serial", sim.gatewayPath, "--baud", String(o.baud),
    "--interface", "127.0.0.1", "--sfi", String(o.sfi), "--stats", "1",
    "--config", path.join(dir, "settings"), "--console", consolePty.gatewayPath, ...webArgs], { stdio: ["ignore", "inherit", "pipe"] });
  let gwErr = "";
  gw.stderr!.on("data", (d: Buffer) => {
    gwErr += d.toString();
    let nl: number;
    while ((nl = gwErr.indexOf("\n")) >= 0) {
      const line = gwErr.slice(0, nl);
      gwErr = gwErr.slice(nl + 1);
      if (line.startsWith("{")) { try { gwStats = JSON.parse(line); } catch { /* partial */ } }
      else out(`  [gateway] ${line.replace(/^\S+Z /, "").replace(/^gateway: /, "")}`);
    }
  });
  const gwExit = new Promise<number>((r) => gw.on("exit", (c) => r(c ?? 1)));
  sim.start();

  const t0 = Date.now();
  const status = () => {
    const r = receiver.counters;
    const rejects = Object.entries((gwStats.rejects ?? {}) as Record<string, number>).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ");
    const groups = perGroup.map((n, i) => (n ? `${GROUPS[i].name} ${n}` : "")).filter(Boolean).join(", ");
    out(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] terminal: ${sim.writer.unitsWritten} units written | ` +
      `gateway: ${gwStats.forwarded ?? 0} forwarded, ${gwStats.rejected ?? 0} rejected${rejects ? ` (${rejects})` : ""}, ` +
      `${gwStats.overlongCarried ?? 0} overlong carried, ${gwStats.datagrams ?? 0} datagrams | ` +
      `listener: ${r.accepted} datagrams accepted, ${r.discarded} discarded${groups ? ` (${groups})` : ""}`);
  };
  const ticker = setInterval(status, 1000);
  out(`Ctrl-C to stop. The gateway's serial console: picocom -b 115200 ${consolePty.terminalPath}  (or: screen ${consolePty.terminalPath} 115200), then 'help'.`);
  if (webNote) out(webNote);

  const stop = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("Ctrl-C"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
    const d = Number(o.duration);
    if (d > 0) setTimeout(() => resolve("duration"), d * 1000);
    gwExit.then((c) => resolve(`gateway exited with ${c}`));
  });
  clearInterval(ticker);
  // Terminal falls silent first, the gateway drains and stops, then the pty goes.
  sim.halt();
  await new Promise((r) => setTimeout(r, 300));
  if (gw.exitCode === null) gw.kill("SIGTERM");
  await gwExit;
  await sim.close();
  consolePty.close();
  webInside?.close();
  status();
  for (const s of sockets) s.close();
  validSent = Number(gwStats.sentencesIn ?? 0);
  const accepted = perGroup.reduce((a, b) => a + b, 0);
  out(`bd450 demo stopped (${stop}): gateway forwarded ${gwStats.forwarded ?? 0} of ${validSent} valid sentences, ` +
    `listener received ${accepted} sentences (carrier lines included), discarded ${receiver.counters.discarded} datagrams.`);
  fs.rmSync(dir, { recursive: true, force: true });
  return 0;
}
