// Run a command inside a private user + network namespace (unshare -rn) with
// loopback up and multicast routed to it. Nothing sent there can leave the
// machine, and the namespace disappears with its last process.
import { spawn } from "child_process";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runInNetns(
  command: string,
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const setup = 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$0" "$@"';
  return new Promise((resolve, reject) => {
    const child = spawn("unshare", ["-rn", "sh", "-c", setup, command, ...args], {
      env: { ...process.env, ...options.env },
    });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `timed out after ${options.timeoutMs} ms\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`,
        ),
      );
    }, options.timeoutMs ?? 60000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
