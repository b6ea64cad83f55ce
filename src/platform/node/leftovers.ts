// What a host command must not leave behind when it ends, however it ends: its
// temporary folders (/tmp/bd450-*) and its child processes (socat, the gateway).
//
// Each command removes its own on its normal stop path; this registry is the net
// under that path: `process.exit`, an uncaught error (installed by `leaveNothing`)
// or a second Ctrl-C still remove the folders and SIGTERM the children, because a
// leftover socat keeps a pty and a leftover gateway keeps its web port.

import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const dirs = new Set<string>();
const children = new Set<ChildProcess>();
let installed = false;

function sweep(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
  children.clear();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", sweep);
}

/** A fresh folder under the system temp dir, removed by `removeDir` or at process exit. */
export function tempDir(prefix: string): string {
  install();
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.add(d);
  return d;
}

/** Remove a folder made by `tempDir` now (idempotent). */
export function removeDir(d: string): void {
  fs.rmSync(d, { recursive: true, force: true });
  dirs.delete(d);
}

/** Track a child process: SIGTERM at exit when it is still running. Returns it. */
export function ownChild<T extends ChildProcess>(child: T): T {
  install();
  children.add(child);
  child.once("exit", () => children.delete(child));
  child.once("error", () => children.delete(child));
  return child;
}

/**
 * For a CLI process: an uncaught error is printed as one line and the process exits 1
 * after the sweep (Node skips "exit" handlers' work for a crash otherwise: the
 * default handler aborts before them).
 */
export function leaveNothing(name: string): void {
  install();
  process.on("uncaughtException", (e) => {
    process.stderr.write(`${name}: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}

/** The registry as one object, for code that takes it as an option (src/sim/pty.ts Leftovers). */
export const leftovers = { tempDir, removeDir, ownChild };
