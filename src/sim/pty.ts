// A real pseudo-terminal pair for the simulated Beidou terminal, made by socat
// (Debian package `socat`): the gateway opens `gatewayPath` like a serial port,
// the simulator reads and writes `terminalPath`. Both sides raw, no echo.

import { type ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface PtyPair {
  gatewayPath: string;
  terminalPath: string;
  dir: string;
  close(): void;
}

export async function openPtyPair(
  options: { dir?: string; gatewayLink?: string; terminalLink?: string } = {},
): Promise<PtyPair> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "bd450-pty-"));
  const gatewayPath = options.gatewayLink ?? path.join(dir, "ttyGW");
  const terminalPath = options.terminalLink ?? path.join(dir, "ttyTERM");
  let child: ChildProcess;
  try {
    child = spawn(
      "socat",
      ["-d", "-d", `pty,raw,echo=0,perm=0666,link=${gatewayPath}`, `pty,raw,echo=0,perm=0666,link=${terminalPath}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (e) {
    throw new Error(`cannot start socat (apt-get install socat): ${(e as Error).message}`);
  }
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  child.on("error", () => {
    /* reported through the wait below */
  });
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(gatewayPath) && fs.existsSync(terminalPath)) break;
    const done = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
    if (done !== null)
      throw new Error(
        `socat exited (${done}) before the pty pair was ready: ${stderr.trim() || "is socat installed? apt-get install socat"}`,
      );
  }
  if (!fs.existsSync(gatewayPath)) {
    child.kill();
    throw new Error("socat did not create the pty pair within 5 s");
  }
  return {
    gatewayPath,
    terminalPath,
    dir,
    close() {
      if (child.exitCode === null) child.kill("SIGTERM");
    },
  };
}
