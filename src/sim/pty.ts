// A real pseudo-terminal pair for the simulated Beidou terminal, made by socat
// (Debian package `socat`): the gateway opens `gatewayPath` like a serial port,
// the simulator reads and writes `terminalPath`. Both sides raw, no echo.

import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** What to tell a user without socat (the message names the package). */
export const SOCAT_MISSING =
  "socat is not installed: install the Debian/Ubuntu package socat (sudo apt-get install socat)";

/**
 * The host's registry of what must not outlive the process (the CLI's: its folders and
 * child processes go at exit however it ends). Handed in by the caller, so the simulator
 * depends on no platform code.
 */
export interface Leftovers {
  /** A fresh temporary folder, registered. */
  tempDir(prefix: string): string;
  /** Remove a folder made by tempDir now. */
  removeDir(dir: string): void;
  /** Register a child process (ended at exit when still running); returns it. */
  ownChild<T extends ChildProcess>(child: T): T;
}

export interface PtyPair {
  gatewayPath: string;
  terminalPath: string;
  dir: string;
  /** Ends socat (resolves when it has exited) and removes the folder when this pair made it. */
  close(): Promise<void>;
}

export async function openPtyPair(options: {
  leftovers: Leftovers;
  dir?: string;
  gatewayLink?: string;
  terminalLink?: string;
}): Promise<PtyPair> {
  const { ownChild, removeDir, tempDir } = options.leftovers;
  // A folder this call makes is this pair's own: close() removes it.
  const own = options.dir === undefined;
  const dir = options.dir ?? tempDir("bd450-pty-");
  const gatewayPath = options.gatewayLink ?? path.join(dir, "ttyGW");
  const terminalPath = options.terminalLink ?? path.join(dir, "ttyTERM");
  const child: ChildProcess = ownChild(
    spawn(
      "socat",
      ["-d", "-d", `pty,raw,echo=0,perm=0666,link=${gatewayPath}`, `pty,raw,echo=0,perm=0666,link=${terminalPath}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    ),
  );
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  // Resolves with a reason when socat cannot start (not on the PATH: ENOENT at once) or ends early.
  const exited = new Promise<void>((resolve) => {
    child.on("exit", () => resolve());
    child.on("error", () => resolve());
  });
  const failed = new Promise<string>((resolve) => {
    child.on("exit", (code) => resolve(`socat exited (${code ?? -1}) before the pty pair was ready: ${stderr.trim()}`));
    child.on("error", (e: NodeJS.ErrnoException) =>
      resolve(e.code === "ENOENT" ? SOCAT_MISSING : `cannot start socat: ${e.message}`),
    );
  });
  const giveUp = (why: string): never => {
    if (child.exitCode === null) child.kill("SIGTERM");
    if (own) removeDir(dir);
    throw new Error(why);
  };
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(gatewayPath) && fs.existsSync(terminalPath)) break;
    const why = await Promise.race([failed, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
    if (why !== null) giveUp(why);
  }
  if (!fs.existsSync(gatewayPath)) giveUp("socat did not create the pty pair within 5 s");
  return {
    gatewayPath,
    terminalPath,
    dir,
    close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      if (own) removeDir(dir);
      return exited;
    },
  };
}
