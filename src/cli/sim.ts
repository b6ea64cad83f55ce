// bd450 sim: a simulated Beidou terminal on a pseudo-terminal.
import { leftovers } from "../platform/node/leftovers";
import { SimSession } from "../sim/session";
import { SimTerminal } from "../sim/terminal";
import { formatUsage, type OptionSpec, parseCommand, UsageError } from "./args";
import { stopTrigger } from "./common";

const SPEC: Record<string, OptionSpec> = {
  log: { type: "string", arg: "FILE", help: "replay this log (default: built-in RNSS + RDSS 2.1 mix)" },
  baud: { type: "number", help: "byte rate to replay at (8N1: baud/10 bytes/s)", default: 115200 },
  loop: { type: "boolean", help: "repeat the log forever" },
  epochs: { type: "number", help: "built-in mix: number of one-second epochs (0: unlimited)", default: 0 },
  fast: { type: "boolean", help: "built-in mix: no one-second wait between epochs" },
  noise: { type: "number", arg: "N", help: "built-in mix: a little line noise every N epochs (0: none)", default: 0 },
  link: { type: "string", arg: "PATH", help: "symlink for the gateway side of the pty" },
  "wait-host": { type: "boolean", help: "start output when the host first writes (e.g. the gateway's ICA)" },
  card: {
    type: "string",
    arg: "NUMBER",
    help: "terminal: own card number, 7 digits (answers ICA/TXA/DWA)",
    default: "0242286",
  },
  "no-card": { type: "boolean", help: "terminal: no IC card inserted (ICI all zeros, transmissions refused)" },
  interval: {
    type: "number",
    arg: "S",
    help: "terminal: card service interval, seconds between transmissions",
    default: 60,
  },
  level: { type: "number", help: "terminal: card communication level 1-4", default: 3 },
  family: {
    type: "string",
    arg: "bds2|bds3",
    help: "terminal sentence family: bds2 (RDSS 2.1) or bds3 (BDS-3: PWI every second, ICR->ICP, TCQ->FKI+TCI, EPQ->EPI)",
    default: "bds2",
  },
  "terminal-rdss40": { type: "boolean", help: "terminal: answer in RDSS 4.0 binary frames instead of 2.1 text" },
  "echo-host": { type: "boolean", help: "print what the host writes on stderr" },
};

export const usage = formatUsage(
  "bd450 sim [--log FILE] [--baud N] [options]",
  "Create a pseudo-terminal pair (socat) that plays a Beidou terminal. Prints\n" +
    "'PTY <path>' — give that path to `bd450 gateway --serial`. Runs until the\n" +
    "replay ends (or forever with --loop / --epochs 0) or SIGINT.",
  SPEC,
);

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC, usage);
  if (!parsed) return 0;
  const { options: o } = parsed;
  const family = String(o.family);
  if (family !== "bds2" && family !== "bds3") throw new UsageError(`--family must be bds2 or bds3, not "${family}"`);
  const sim = new SimSession({
    leftovers,
    log: o.log as string | undefined,
    baud: Number(o.baud),
    loop: Boolean(o.loop),
    epochs: Number(o.epochs),
    fast: Boolean(o.fast),
    noiseEvery: Number(o.noise),
    family,
    link: o.link as string | undefined,
    waitHost: Boolean(o["wait-host"]),
    onHostBytes: (b) => {
      if (o["echo-host"]) process.stderr.write(`host -> terminal: ${JSON.stringify(b.toString("latin1"))}\n`);
      terminal.receive(new Uint8Array(b.buffer, b.byteOffset, b.length));
    },
  });
  // Terminal behaviour (src/sim/terminal.ts): answers the host's commands through the same paced writer.
  const terminal = new SimTerminal({
    card: o["no-card"] ? null : String(o.card),
    serviceInterval: Number(o.interval),
    level: Number(o.level),
    rdss40: Boolean(o["terminal-rdss40"]),
    family,
    loopbackDelay: 1000,
    write: (u) => sim.write(u),
  });
  // Listening for stop causes before socat starts: a Ctrl-C during start-up still cleans up.
  const trigger = stopTrigger();
  const ticker = setInterval(() => terminal.tick(), 200);
  let why: string;
  try {
    await sim.open();
    process.stdout.write(`PTY ${sim.gatewayPath}\n`);
    sim.start();
    why = await Promise.race([sim.done.then(() => "replay finished"), trigger.reason]);
    if (why === "replay finished") await new Promise((r) => setTimeout(r, 200)); // let the tty drain
  } finally {
    trigger.dispose();
    clearInterval(ticker);
    await sim.close();
  }
  process.stderr.write(
    JSON.stringify({
      stopped: why,
      unitsWritten: sim.writer.unitsWritten,
      bytesWritten: sim.writer.bytesWritten,
      hostBytes: sim.hostBytes,
    }) + "\n",
  );
  return 0;
}
