// bd450 demo (npm start): the host simulation end to end.
//
//   simulated terminal (pty, socat) -> `bd450 gateway` process -> UDP multicast -> listener
//
// With --engine moddable the gateway is the firmware itself, built by Moddable's tools
// for Moddable's Linux host (npm run firmware: mcconfig -p x-cli-lin, same main and
// manifest as the boards), reading the pty and sending through the SDK's Linux UDP.
//
// Multicast never leaves the machine: the command re-runs itself inside a private
// network namespace it creates (`unshare -rn`, loopback up, 224.0.0.0/4 routed to
// lo), which disappears with its last process. Live counters every second; stops
// on Ctrl-C or after --duration.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { saveSettings } from "../console/persist";
import { GROUP_COUNT, GROUPS } from "../core/groups";
import { PcapWriter } from "../core/pcap";
import { Iec450Receiver } from "../core/receiver";
import { latin1 } from "../nmea/checksum";
import { leftovers, ownChild, removeDir, tempDir } from "../platform/node/leftovers";
import { SettingsFile } from "../platform/node/settings-file";
import { NodeUDP } from "../platform/node/udp";
import { parseWebAddress } from "../platform/node/web";
import { buildCandidate, defaultConfig } from "../settings/settings";
import { openPtyPair } from "../sim/pty";
import { SimSession } from "../sim/session";
import { formatUsage, type OptionSpec, parseCommand, UsageError } from "./args";
import { stopTrigger } from "./common";

const SPEC: Record<string, OptionSpec> = {
  duration: { type: "number", arg: "SECONDS", help: "stop after SECONDS (0: until Ctrl-C)", default: 0 },
  baud: { type: "number", help: "UART byte rate of the simulated terminal", default: 115200 },
  log: { type: "string", arg: "FILE", help: "replay this log instead of the built-in mix (looped)" },
  noise: { type: "number", arg: "N", help: "built-in mix: line noise every N epochs (0: none)", default: 20 },
  sfi: { type: "string", arg: "XX0000", help: "SFI of the gateway", default: "BD0001" },
  family: {
    type: "string",
    arg: "bds2|bds3",
    help: "built-in mix: the terminal's sentence family, bds2 (RDSS 2.1) or bds3 (BDS-3: PWI, ICP, TCI, EPI)",
    default: "bds2",
  },
  quiet: { type: "boolean", help: "counters only, no sample sentences" },
  engine: {
    type: "string",
    arg: "node|moddable",
    help: "gateway: the Node service (node) or the Moddable-built firmware on Moddable's Linux host (moddable)",
    default: "node",
  },
  pcap: { type: "string", arg: "OUT", help: "write every datagram the listener receives to OUT (pcap)" },
  web: {
    type: "string",
    arg: "ADDR:PORT",
    optionalValue: true,
    help: "also serve the gateway's web page on ADDR:PORT (alone: 127.0.0.1 and --web-port), with a fresh password printed here",
  },
  "web-port": {
    type: "number",
    arg: "PORT",
    help: "TCP port of the web page on 127.0.0.1 when --web names no address",
    default: 8450,
  },
};

export const usage = formatUsage(
  "bd450 demo [--engine node|moddable] [--duration S] [--baud N] [--log FILE] [--sfi XX0000] [--pcap OUT]",
  "Host simulation end to end, inside a private network namespace this command creates\n" +
    "(unshare -rn): simulated Beidou terminal on a pty -> bd450 gateway -> IEC 61162-450\n" +
    "multicast -> listener. Prints live counters; Ctrl-C stops it.",
  SPEC,
);

const ROOT = path.resolve(__dirname, "..", "..", "..");
const BIN = path.join(ROOT, "bin", "bd450.js");

/**
 * The web page from inside the namespace to this machine: TCP here -> a Unix socket
 * (file sockets cross network namespaces) -> TCP 127.0.0.1 inside. close() ends the
 * listener and every connection through it (a browser's open connection must not keep
 * the demo alive after it was told to stop).
 */
function bridge(listen: (s: net.Server) => void, connect: () => net.Socket): { close(): void } {
  const open = new Set<net.Socket>();
  const server = net.createServer((a) => {
    const b = connect();
    for (const s of [a, b]) {
      open.add(s);
      s.on("close", () => open.delete(s));
    }
    a.pipe(b).pipe(a);
    a.on("error", () => b.destroy());
    b.on("error", () => a.destroy());
  });
  listen(server);
  return {
    close() {
      server.close();
      for (const s of open) s.destroy();
    },
  };
}

/** Re-run this command inside a new user + network namespace with multicast on lo. */
function reexecInNamespace(argv: string[], web?: { address: string; port: number }): Promise<number> {
  const setup = 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$0" "$@"';
  let outside: { close(): void } | undefined;
  let bridgeDir: string | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, BD450_NETNS: "1" };
  if (web) {
    bridgeDir = tempDir("bd450-web-");
    const sock = (env.BD450_WEB_SOCK = path.join(bridgeDir, "web.sock"));
    outside = bridge(
      (server) => {
        server.on("error", (e) =>
          process.stderr.write(`bd450 demo: web page not reachable on ${web.address}:${web.port}: ${e.message}\n`),
        );
        server.listen(web.port, web.address);
      },
      () => net.connect(sock),
    );
  }
  // Every stop cause goes to the namespace's demo, which stops the gateway and the
  // terminal and removes its folder; this process ends when that one has.
  const trigger = stopTrigger();
  return new Promise((resolve) => {
    const child = ownChild(
      spawn("unshare", ["-rn", "sh", "-c", setup, process.execPath, BIN, "demo", ...argv], {
        stdio: "inherit",
        env,
      }),
    );
    void trigger.reason.then((why) => {
      if (child.exitCode === null) child.kill(why === "SIGINT" ? "SIGINT" : "SIGTERM");
    });
    const end = (code: number) => {
      trigger.dispose();
      outside?.close();
      if (bridgeDir) removeDir(bridgeDir);
      resolve(code);
    };
    child.on("error", (e) => {
      process.stderr.write(
        `bd450 demo: cannot create a private network namespace (unshare -rn): ${e.message}\n` +
          "The demo sends multicast only inside its own namespace and will not use the machine's interfaces.\n",
      );
      end(1);
    });
    child.on("exit", (code, sig) => end(code ?? (sig === "SIGINT" ? 0 : 1)));
  });
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage, 0);
  if (!parsed) return 0;
  const o = parsed.options;
  if (o.family !== "bds2" && o.family !== "bds3")
    throw new UsageError(`--family must be bds2 or bds3, not "${String(o.family)}"`);
  let webAt: { address: string; port: number } | undefined;
  if (o.web !== undefined) {
    const at = parseWebAddress(o.web === "" ? `127.0.0.1:${o["web-port"]}` : String(o.web));
    if ("error" in at) throw new UsageError(at.error);
    webAt = at;
  }
  const engine = String(o.engine);
  if (engine !== "node" && engine !== "moddable") throw new Error(`--engine must be node or moddable, not "${engine}"`);
  if (engine === "moddable" && webAt)
    throw new Error("--web serves the Node gateway's page; the Moddable Linux build has no web page");
  if (process.env.BD450_NETNS !== "1") {
    if (engine === "moddable") {
      // Build (or reuse) the Linux firmware before entering the namespace.
      const program = buildLinFirmware();
      if (!program) return 1;
      process.env.BD450_FIRMWARE_PROGRAM = program;
    }
    return reexecInNamespace(argv, webAt);
  }

  const out = (s: string) => process.stdout.write(s + "\n");
  // Listening from the first moment: a stop during start-up still cleans up.
  const trigger = stopTrigger(Number(o.duration));
  const dir = tempDir("bd450-demo-");
  const closers: Array<() => void | Promise<void>> = [];
  try {
    return await inside(o, engine, webAt, dir, trigger, closers, out);
  } finally {
    trigger.dispose();
    // Last opened, first closed: the gateway before its terminal's pty.
    for (const close of closers.reverse()) await close();
    removeDir(dir);
  }
}

/** Firmware counters as its console's `status` prints them (the Moddable engine has no stats line). */
interface FirmwareCounters {
  sentences: number;
  out: Record<string, number>;
  own: number;
}

/** Reads `status` answers from the firmware's console pty; asks again on each call of `ask`. */
function firmwareConsole(tty: string): { counters?: FirmwareCounters; ask(): void; close(): void } {
  const fd = fs.openSync(tty, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  const input = fs.createReadStream("", { fd, autoClose: false });
  const state: { counters?: FirmwareCounters; ask(): void; close(): void } = {
    ask() {
      fs.write(fd, "status\r", () => undefined);
    },
    close() {
      input.destroy();
      fs.closeSync(fd);
    },
  };
  let text = "";
  let sentences = -1;
  input.on("data", (d) => {
    text += d.toString("latin1");
    let nl: number;
    while ((nl = text.search(/[\r\n]/)) >= 0) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      const t = /^terminal\s+link .*?, (\d+) sentences/.exec(line);
      if (t) sentences = Number(t[1]);
      const m = /^\s+out\s+(.*?)(?: \(gateway's own sentences: (\d+)\))?$/.exec(line);
      if (m && sentences >= 0) {
        const perGroup: Record<string, number> = {};
        for (const part of m[1].split(", ")) {
          const [g, n] = part.split(" ");
          if (n !== undefined) perGroup[g] = Number(n);
        }
        state.counters = { sentences, out: perGroup, own: Number(m[2] ?? 0) };
      }
    }
  });
  input.on("error", () => undefined);
  return state;
}

async function inside(
  o: Record<string, string | number | boolean | undefined>,
  engine: string,
  webAt: { address: string; port: number } | undefined,
  dir: string,
  trigger: ReturnType<typeof stopTrigger>,
  closers: Array<() => void | Promise<void>>,
  out: (s: string) => void,
): Promise<number> {
  const sim = new SimSession({
    leftovers,
    log: o.log as string | undefined,
    loop: true,
    baud: Number(o.baud),
    noiseEvery: Number(o.noise),
    family: o.family === "bds3" ? "bds3" : "bds2",
    link: path.join(dir, "ttyBD"),
    waitHost: true,
  });
  closers.push(() => sim.close());
  await sim.open();
  out(
    `bd450 demo: private network namespace up (lo, 224.0.0.0/4 -> lo); simulated terminal on ${sim.gatewayPath} at ${o.baud} baud`,
  );

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
        out(
          `  ${GROUPS[s.group].name.padEnd(4)} s:${s.source} n:${String(s.n).padStart(3)}  ${latin1(s.bytes, s.start, s.end).replace(/[^\x20-\x7e]/g, "·")}`,
        );
      }
    },
  });
  const sockets: NodeUDP[] = [];
  closers.push(() => {
    for (const s of sockets) s.close();
  });
  let pcap: PcapWriter | undefined;
  if (o.pcap !== undefined) {
    const fd = fs.openSync(String(o.pcap), "w");
    closers.push(() => fs.closeSync(fd));
    pcap = new PcapWriter((chunk) => fs.writeSync(fd, chunk));
  }
  // Listener sockets: before the Node gateway; after the firmware has bound its own (Moddable's
  // Linux UDP binds without SO_REUSEADDR; bd450 sets it just after, see lin/mcast.c).
  const openListener = () => {
    for (let g = 1; g <= GROUP_COUNT; g++) {
      const grp = GROUPS[g];
      const sock: NodeUDP = new NodeUDP({
        port: grp.port,
        reuseAddr: true,
        interface: "127.0.0.1",
        receiveBufferSize: 4 << 20,
        onReadable() {
          for (let d = sock.read(); d; d = sock.read()) {
            const bytes = new Uint8Array(d);
            pcap?.write(
              { time: Date.now(), srcAddress: d.address, srcPort: d.port, dstAddress: grp.address, dstPort: grp.port },
              bytes,
            );
            receiver.receive(bytes, d.byteLength, g);
          }
        },
      });
      sock.add(grp.address);
      sockets.push(sock);
    }
  };
  if (engine === "node") openListener();

  // The configuration console on a second pty pair; its settings file lives in the
  // demo's temporary folder, so the demo never touches the user's own settings.
  const consolePty = await openPtyPair({
    leftovers,
    dir,
    gatewayLink: path.join(dir, "console-gw"),
    terminalLink: path.join(dir, "console"),
  });
  closers.push(() => consolePty.close());

  // Web page: a fresh password, stored as the gateway stores it (salted hash, through the
  // settings schema) in the demo's own settings file; the gateway serves 127.0.0.1 inside.
  const webArgs: string[] = [];
  let webNote = "";
  if (webAt) {
    const password = "demo-" + crypto.randomBytes(4).toString("hex");
    const cand = buildCandidate(defaultConfig(), [["webPass", password]]);
    if ("errors" in cand) throw new Error(cand.errors.join("; "));
    saveSettings(new SettingsFile(path.join(dir, "settings")), cand.config);
    const port = webAt.port;
    webArgs.push("--web", `127.0.0.1:${port}`);
    const sockPath = process.env.BD450_WEB_SOCK;
    if (sockPath) {
      const inner = bridge(
        (server) => server.listen(sockPath),
        () => net.connect(port, "127.0.0.1"),
      );
      closers.push(() => inner.close());
    }
    webNote = `The gateway's web page: http://${webAt.address}:${port}/  password: ${password}`;
  }

  // The gateway: the real service command, or the Moddable-built firmware, as a separate process.
  let gwStats: Record<string, unknown> = {};
  let gwErr = "";
  const onGatewayOutput = (d: Buffer) => {
    gwErr += d.toString();
    let nl: number;
    while ((nl = gwErr.indexOf("\n")) >= 0) {
      const line = gwErr.slice(0, nl);
      gwErr = gwErr.slice(nl + 1);
      if (line.startsWith("{")) {
        try {
          gwStats = JSON.parse(line);
        } catch {
          /* partial */
        }
      } else
        out(
          `  [${engine === "node" ? "gateway" : "firmware"}] ${line.replace(/^\S+Z /, "").replace(/^gateway: /, "")}`,
        );
    }
  };
  const gw =
    engine === "node"
      ? ownChild(
          spawn(
            process.execPath,
            [
              BIN,
              "gateway",
              "--serial",
              sim.gatewayPath,
              "--baud",
              String(o.baud),
              "--interface",
              "127.0.0.1",
              "--sfi",
              String(o.sfi),
              "--stats",
              "1",
              "--config",
              path.join(dir, "settings"),
              "--console",
              consolePty.gatewayPath,
              ...webArgs,
            ],
            { stdio: ["ignore", "inherit", "pipe"] },
          ),
        )
      : startFirmware(
          process.env.BD450_FIRMWARE_PROGRAM!,
          {
            terminal: sim.gatewayPath,
            console: consolePty.gatewayPath,
            prefs: path.join(dir, "prefs"),
            baud: Number(o.baud),
            sfi: String(o.sfi),
          },
          onGatewayOutput,
        );
  const gwExit = new Promise<number>((r) => gw.on("exit", (c) => r(c ?? 1)));
  // Stops the gateway once (its pty and folder go after it: closers run last first).
  closers.push(async () => {
    if (gw.exitCode === null) gw.kill("SIGTERM");
    await gwExit;
  });
  if (engine === "node") gw.stderr!.on("data", onGatewayOutput);
  else {
    // The firmware's last start-up line says its sockets are open.
    const ready = await Promise.race([
      trigger.reason.then(() => false),
      new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(true), 10000);
        const check = (d: Buffer) => {
          if (d.toString().includes("bd450 (lin):")) {
            clearTimeout(t);
            gw.off("output", check);
            resolve(true);
          }
        };
        gw.on("output", check);
      }),
    ]);
    if (ready) openListener();
  }
  // The firmware's counters come from its own console (`status`), as a user would read them.
  const fwConsole = engine === "moddable" ? firmwareConsole(consolePty.terminalPath) : undefined;
  if (fwConsole) closers.push(() => fwConsole.close());
  sim.start();

  const t0 = Date.now();
  const status = () => {
    const r = receiver.counters;
    const rejects = Object.entries((gwStats.rejects ?? {}) as Record<string, number>)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    const groups = perGroup
      .map((n, i) => (n ? `${GROUPS[i].name} ${n}` : ""))
      .filter(Boolean)
      .join(", ");
    let gwText: string;
    if (engine === "node")
      gwText =
        `gateway: ${gwStats.forwarded ?? 0} forwarded, ${gwStats.rejected ?? 0} rejected${rejects ? ` (${rejects})` : ""}, ` +
        `${gwStats.overlongCarried ?? 0} overlong carried, ${gwStats.datagrams ?? 0} datagrams | `;
    else {
      const c = fwConsole?.counters;
      const sent = c ? Object.values(c.out).reduce((a, b) => a + b, 0) : 0;
      gwText = c
        ? `firmware: ${c.sentences} sentences read, ${sent} datagrams sent (console status) | `
        : "firmware: counters not read from its console yet | ";
      fwConsole?.ask();
    }
    out(
      `[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] terminal: ${sim.writer.unitsWritten} units written | ` +
        gwText +
        `listener: ${r.accepted} datagrams accepted, ${r.discarded} discarded${groups ? ` (${groups})` : ""}`,
    );
  };
  const ticker = setInterval(status, 1000);
  closers.push(() => clearInterval(ticker));
  out(
    `Ctrl-C to stop. The gateway's serial console: picocom -b 115200 ${consolePty.terminalPath}  (or: screen ${consolePty.terminalPath} 115200), then 'help'.`,
  );
  if (webNote) out(webNote);

  const stop = await Promise.race([trigger.reason, gwExit.then((c) => `gateway exited with ${c}`)]);
  clearInterval(ticker);
  // Terminal falls silent first, the gateway drains and stops, then the pty goes.
  sim.halt();
  if (fwConsole) {
    // One last status from the firmware's console after the terminal fell silent.
    const before = fwConsole.counters;
    fwConsole.ask();
    await waitFor(() => fwConsole.counters !== before, 1000);
  } else await new Promise((r) => setTimeout(r, 300));
  if (gw.exitCode === null) gw.kill("SIGTERM");
  await gwExit;
  status();
  const accepted = perGroup.reduce((a, b) => a + b, 0);
  const listened = `listener received ${accepted} sentences (carrier lines included), discarded ${receiver.counters.discarded} datagrams.`;
  if (engine === "node") {
    const own = Number(gwStats.own ?? 0);
    const valid = Number(gwStats.sentencesIn ?? 0) + Number(gwStats.framesIn ?? 0);
    out(
      `bd450 demo stopped (${stop}): gateway forwarded ${Number(gwStats.forwarded ?? 0) - own} of the terminal's ${valid} valid sentences` +
        ` and ${own} of its own (alerts, answers); ${listened}`,
    );
  } else {
    const c = fwConsole?.counters;
    out(
      `bd450 demo stopped (${stop}): ` +
        (c
          ? `firmware read ${c.sentences} valid sentences from the terminal and sent ${c.own} of its own (alerts, answers); `
          : "") +
        listened,
    );
  }
  return 0;
}

/** Resolves when `done()` holds (checked every 20 ms) or after `ms`. */
async function waitFor(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
}

/**
 * `npm run firmware lin`: the Linux firmware program's path, or undefined after printing
 * why not. The Moddable build's system packages first (npm start checks only the demo's).
 */
export function buildLinFirmware(): string | undefined {
  const deps = spawnSync("sh", [path.join(ROOT, "scripts", "ensure-system-deps.sh"), "moddable"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (deps.status !== 0) return undefined;
  process.stdout.write(
    "bd450 demo: building the firmware for Moddable's Linux host (npm run firmware lin; the SDK comes from $MODDABLE or ../shared/moddable-sdk; a first build takes minutes)\n",
  );
  // The build's own messages (errors, progress) go straight to this terminal.
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "firmware.js"), "--json", "lin"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status === 2 || !r.stdout) {
    process.stderr.write("bd450 demo --engine moddable: the firmware build did not run (reason above)\n");
    return undefined;
  }
  const res = JSON.parse(r.stdout).results.lin;
  if (!res.ok || !res.program) {
    process.stderr.write(`bd450 demo --engine moddable: the Linux firmware did not build (${res.step}):\n${res.out}\n`);
    return undefined;
  }
  return res.program as string;
}

export interface FirmwareRun {
  terminal: string;
  /** The configuration console's tty (none: the console is not opened). */
  console?: string;
  /** Folder of Moddable's Linux preference file (modpreferences.json). */
  prefs: string;
  baud: number;
  /** Written as the stored setting before the first start (an existing file is kept). */
  sfi?: string;
}

/**
 * Run the Moddable-built firmware; exit status 75 is the console's `reboot` and starts it
 * again, as a board restarts. The returned process stands for the whole run: its "exit"
 * comes when the firmware ends for another reason or is killed.
 */
export function startFirmware(program: string, r: FirmwareRun, onOutput: (d: Buffer) => void): ChildProcess {
  fs.mkdirSync(r.prefs, { recursive: true });
  const file = path.join(r.prefs, "modpreferences.json");
  if (r.sfi !== undefined && !fs.existsSync(file)) fs.writeFileSync(file, JSON.stringify({ bd450: { sfi: r.sfi } }));
  const args = [
    "--terminal",
    r.terminal,
    ...(r.console ? ["--console", r.console] : []),
    "--prefs",
    r.prefs,
    "--baud",
    String(r.baud),
  ];
  const emitter = new EventEmitter() as ChildProcess;
  let child: ChildProcess;
  let stopped = false;
  const launch = () => {
    child = ownChild(spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] }));
    const tee = (d: Buffer) => {
      onOutput(d);
      emitter.emit("output", d);
    };
    child.stdout!.on("data", tee);
    child.stderr!.on("data", tee);
    child.on("exit", (code, sig) => {
      if (code === 75 && !stopped) {
        emitter.emit("restart");
        launch();
        return;
      }
      (emitter as { exitCode: number | null }).exitCode = code ?? 1;
      emitter.emit("exit", code, sig);
    });
  };
  (emitter as { exitCode: number | null }).exitCode = null;
  emitter.kill = (sig?: NodeJS.Signals | number) => {
    stopped = true;
    return child.kill(sig);
  };
  launch();
  return emitter;
}
