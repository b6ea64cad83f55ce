// bd450 command-line entry: one table maps each subcommand to its module. Each
// module exports `usage` (help text) and `run(argv)` resolving to an exit code.
// Adding a subcommand is one row.

import { leaveNothing } from "../platform/node/leftovers";
import { installHostPasswordHasher } from "../platform/node/web-crypto";
import { UsageError } from "./args";

interface CommandModule {
  usage: string;
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Record<string, { module: string; summary: string }> = {
  gateway: { module: "./gateway", summary: "run the gateway as a service on a real serial port" },
  sim: { module: "./sim", summary: "simulated Beidou terminal on a pseudo-terminal" },
  listen: { module: "./listen", summary: "join 450 groups, validate and print what arrives" },
  wrap: { module: "./wrap", summary: "offline: byte stream -> the datagrams the gateway would send" },
  decode: { module: "./decode", summary: "offline: byte stream -> one JSON record per framed unit" },
  check: { module: "./check", summary: "judge a pcap or hex datagrams with the strict 450 receiver" },
  demo: { module: "./demo", summary: "host simulation end to end in a private network namespace (npm start)" },
  config: { module: "./config", summary: "offline: show or change the settings file with the console's rules" },
  spec: { module: "./spec", summary: "the IEC 61162-450 interface declaration for the current settings" },
};

export function topUsage(): string {
  const rows = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(9)} ${c.summary}`);
  return `usage: bd450 <command> [options]   (bd450 <command> --help for details)\n\ncommands:\n${rows.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  installHostPasswordHasher();
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topUsage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`bd450: unknown command "${name}"\n\n${topUsage()}`);
    return 2;
  }
  let mod: CommandModule;
  try {
    mod = require(entry.module) as CommandModule;
  } catch (e) {
    process.stderr.write(`bd450 ${name}: not available in this build (${(e as Error).message.split("\n")[0]})\n`);
    return 2;
  }
  // A crash still removes the command's temporary folders and ends its children.
  leaveNothing(`bd450 ${name}`);
  try {
    return await mod.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bd450 ${name}: ${e.message}\n\n${mod.usage}`);
      return 2;
    }
    process.stderr.write(`bd450 ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // A failed command may still hold sockets or timers: end now (the exit sweep runs).
    if (code !== 0) process.exit(code);
  });
}
