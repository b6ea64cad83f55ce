// Every long-running command ends clean (issue 23 point 2): on SIGINT, SIGTERM, SIGHUP,
// a closed output pipe and errors it exits promptly and leaves no child process and no
// temporary folder behind.
//
// How a leftover is seen, independently of the code under test: each command runs with
// its own empty TMPDIR (os.tmpdir() and mkdtemp follow it) and a marker in its
// environment, which every descendant inherits (unshare, sh, socat, the gateway).
// After the command's exit event, the TMPDIR must be empty and no process on the
// machine may carry the marker in /proc/PID/environ (re-parented orphans included).
import * as assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { BIN } from "./lib/paths";
import { waitFor } from "./lib/wait";

const NETNS_SETUP = 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$0" "$@"';

interface Run {
  child: ChildProcessWithoutNullStreams;
  tmp: string;
  mark: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `bd450 ARGS` (inside a private network namespace when `netns`), marked and with its own TMPDIR. */
function start(args: string[], o: { netns?: boolean; env?: NodeJS.ProcessEnv } = {}): Run {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-stoptest-"));
  const mark = crypto.randomBytes(8).toString("hex");
  const env = { ...process.env, TMPDIR: tmp, BD450_STOP_MARK: mark, ...o.env };
  const child = o.netns
    ? spawn("unshare", ["-rn", "sh", "-c", NETNS_SETUP, process.execPath, BIN, ...args], { env })
    : spawn(process.execPath, [BIN, ...args], { env });
  let out = "",
    err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal })),
  );
  return { child, tmp, mark, stdout: () => out, stderr: () => err, exited };
}

/** Pids (other than ours) whose environment carries the marker. */
function marked(mark: string): number[] {
  const needle = Buffer.from(`BD450_STOP_MARK=${mark}\0`);
  const found: number[] = [];
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readFileSync(`/proc/${e}/environ`).includes(needle)) found.push(Number(e));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

function describePids(pids: number[]): string {
  return pids
    .map((p) => {
      try {
        return `${p} ${fs.readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ")}`;
      } catch {
        return String(p);
      }
    })
    .join("; ");
}

/** After the exit: nothing in TMPDIR, no marked process (a child killed at exit gets 2 s to go). */
async function assertNothingLeft(r: Run): Promise<void> {
  const left = fs.readdirSync(r.tmp);
  assert.deepEqual(left, [], `temporary folders left: ${left.join(", ")}`);
  const pids = await waitFor("marked processes gone", 2000, () => marked(r.mark).length === 0).catch(() =>
    marked(r.mark),
  );
  if (pids !== true) assert.fail(`processes left: ${describePids(pids as number[])}`);
  fs.rmSync(r.tmp, { recursive: true, force: true });
}

function waitOutput(r: Run, re: RegExp, what: string, boundMs = 30000): Promise<RegExpExecArray> {
  return waitFor(what, boundMs, () => re.exec(r.stdout() + r.stderr()) ?? r.child.exitCode !== null).then((m) => {
    if (m === true) throw new Error(`${what}: exited first\n${r.stdout()}\n${r.stderr()}`);
    return m as RegExpExecArray;
  });
}

/** A free TCP port on 127.0.0.1 (bound and released by the kernel's choice). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function connectable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, "127.0.0.1");
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
}

describe("CLI commands end clean (issue 23 point 2)", function () {
  this.timeout(90000);

  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`bd450 sim: ${sig} ends it with its socat and its pty folder`, async () => {
      const r = start(["sim", "--epochs", "0"]);
      await waitOutput(r, /PTY \S+/, "PTY line");
      r.child.kill(sig);
      const e = await r.exited;
      assert.equal(e.code, 0, r.stderr());
      assert.match(r.stderr(), new RegExp(`"stopped":"${sig}"`));
      await assertNothingLeft(r);
    });
  }

  it("bd450 sim without socat on the PATH names the package to install, at once", async () => {
    // Only node's own folder on the PATH: no socat anywhere.
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-nosocat-"));
    fs.symlinkSync(process.execPath, path.join(bare, "node"));
    const t0 = performance.now();
    const r = start(["sim", "--epochs", "0"], { env: { PATH: bare } });
    const e = await r.exited;
    const ms = performance.now() - t0;
    fs.rmSync(bare, { recursive: true, force: true });
    assert.equal(e.code, 1);
    assert.match(r.stderr(), /socat is not installed.*apt-get install socat/);
    // The old path polled for the pty pair 5 s before giving up; "at once" is well under that.
    assert.ok(ms < 4000, `took ${ms.toFixed(0)} ms`);
    await assertNothingLeft(r);
  });

  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    it(`bd450 listen: ${sig} ends it with its counters`, async () => {
      const r = start(["listen", "--group", "all"], { netns: true });
      await waitOutput(r, /bd450 listen: joined/, "joined line");
      r.child.kill(sig);
      const e = await r.exited;
      assert.equal(e.code, 0, r.stderr());
      assert.match(r.stderr(), /\{"received":0,/);
      await assertNothingLeft(r);
    });
  }

  it("bd450 gateway: SIGTERM ends it at once (its --duration notwithstanding)", async () => {
    // The terminal: a socat pty pair of a `bd450 sim` outside; the gateway inside its namespace.
    const sim = start(["sim", "--epochs", "0"]);
    const pty = (await waitOutput(sim, /PTY (\S+)/, "PTY line"))[1];
    const cfg = path.join(sim.tmp, "gw-config");
    try {
      const r = start(["gateway", "--serial", pty, "--interface", "127.0.0.1", "--config", cfg, "--duration", "600"], {
        netns: true,
      });
      await waitOutput(r, /gateway: .* -> 450 multicast/, "gateway start line");
      r.child.kill("SIGTERM");
      const e = await r.exited;
      assert.equal(e.code, 0, r.stderr());
      assert.match(r.stderr(), /gateway stopped \(SIGTERM\)/);
      await assertNothingLeft(r);
    } finally {
      // The terminal goes whatever happened above.
      sim.child.kill("SIGTERM");
      await sim.exited;
    }
    fs.rmSync(cfg, { force: true });
    await assertNothingLeft(sim);
  });

  it("bd450 demo --web: kill -TERM stops the gateway and frees the web port at once, leaving nothing", async () => {
    const port = await freePort();
    const r = start(["demo", "--quiet", "--duration", "600", "--web", `127.0.0.1:${port}`]);
    await waitOutput(r, /web page: http:\/\/127\.0\.0\.1:(\d+)\//, "web note");
    await waitOutput(r, /web: page at/, "gateway's web listener");
    // A browser's open connection through the bridge.
    const browser = net.connect(port, "127.0.0.1");
    await new Promise((res) => browser.once("connect", res));
    browser.on("error", () => undefined);
    r.child.kill("SIGTERM");
    const e = await r.exited;
    browser.destroy();
    assert.equal(e.code, 0, r.stderr());
    assert.match(r.stdout(), /bd450 demo stopped \(SIGTERM\)/);
    assert.equal(await connectable(port), false, "web port closed");
    await assertNothingLeft(r);
  });

  it("bd450 demo | head -2: the closed pipe stops it clean", async () => {
    const r = start(["demo", "--duration", "600"]);
    // Two lines read, then the reader goes (as head does): the demo's next write meets EPIPE.
    await waitFor("two lines", 30000, () => r.stdout().split("\n").length > 2 || r.child.exitCode !== null);
    r.child.stdout.destroy();
    const e = await r.exited;
    assert.equal(e.code, 0, r.stderr());
    assert.doesNotMatch(r.stderr(), /Unhandled|EPIPE.*\n\s+at /);
    await assertNothingLeft(r);
  });

  it("bd450 demo: SIGINT ends it with the end line", async () => {
    const r = start(["demo", "--quiet", "--duration", "600"]);
    await waitOutput(r, /Ctrl-C to stop/, "ready line");
    r.child.kill("SIGINT");
    const e = await r.exited;
    assert.equal(e.code, 0, r.stderr());
    assert.match(
      r.stdout(),
      /bd450 demo stopped \(SIGINT\): gateway forwarded \d+ of the terminal's \d+ valid sentences/,
    );
    await assertNothingLeft(r);
  });
});
