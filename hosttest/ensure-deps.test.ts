// scripts/ensure-system-deps.sh decides what to install by use (issue 23 point 3):
// `npm start` (prestart) asks only for the demo's packages, `npm test` (pretest) for the
// tests' set; as root it installs through apt-get, waiting for a held dpkg lock.
//
// Run against a fake PATH that holds only the tools a case gives it: each is a stub
// script; `id` prints the uid the case plays, and `apt-get` records its arguments in
// a file instead of installing. The expected lists below are written out by hand.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./lib/paths";

const SCRIPT = path.join(REPO_ROOT, "scripts", "ensure-system-deps.sh");
const PKG = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

interface Case {
  uid: number;
  /** Commands present on the PATH. */
  tools: string[];
  /** pkg-config answers yes for gio-2.0. */
  gio?: boolean;
}

function fakePath(c: Case): { bin: string; aptLog: string } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fakepath-"));
  const aptLog = path.join(bin, "apt.log");
  const stub = (name: string, body: string) => {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  };
  // The shell itself (the script runs under it) and nothing else of the machine.
  fs.symlinkSync("/bin/sh", path.join(bin, "sh"));
  stub("id", `[ "$1" = "-u" ] && echo ${c.uid}`);
  for (const t of c.tools) {
    if (t === "apt-get") stub(t, `echo "$*" >> "${aptLog}"`);
    else if (t === "pkg-config") stub(t, c.gio ? "exit 0" : "exit 1");
    else stub(t, "exit 0");
  }
  return { bin, aptLog };
}

/** Run a shell command line with the fake PATH (as npm runs a script: sh -c). */
function run(c: Case, line: string) {
  const { bin, aptLog } = fakePath(c);
  const r = spawnSync(path.join(bin, "sh"), ["-c", line], {
    cwd: REPO_ROOT,
    env: { PATH: bin, HOME: os.tmpdir() },
    encoding: "utf8",
  });
  const apt = fs.existsSync(aptLog) ? fs.readFileSync(aptLog, "utf8").trim().split("\n") : [];
  fs.rmSync(bin, { recursive: true, force: true });
  return { code: r.status, stderr: r.stderr, apt };
}

const DEMO_TOOLS = ["socat", "ip", "unshare"];
const PICOLIBC = "picolibc-riscv64-unknown-elf";

describe("ensure-system-deps.sh: what npm start and npm test ask for (issue 23 point 3)", () => {
  it("npm start's prestart, as non-root with only socat, iproute2 and util-linux: nothing missing", () => {
    const r = run({ uid: 1000, tools: DEMO_TOOLS }, PKG.scripts.prestart);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
  });

  it("npm test's pretest on the same machine names the tests' packages, not the demo's", () => {
    const r = run({ uid: 1000, tools: DEMO_TOOLS }, PKG.scripts.pretest);
    assert.equal(r.code, 1);
    const m = /missing system packages: (.*) — install/.exec(r.stderr);
    assert.ok(m, r.stderr);
    // picolibc is found by a file of the real machine, not on the PATH: left out of the comparison.
    const named = m[1].split(" ").filter((p) => p !== PICOLIBC);
    assert.deepEqual(named.sort(), [
      "gcc",
      "gcc-riscv64-unknown-elf",
      "libglib2.0-dev",
      "make",
      "pkg-config",
      "qemu-system-misc",
      "tcpdump",
      "valgrind",
    ]);
  });

  it("npm start without socat, as non-root: names socat only", () => {
    const r = run({ uid: 1000, tools: ["ip", "unshare", "gcc", "make"] }, PKG.scripts.prestart);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing system packages: socat — install them \(e\.g\. sudo apt-get install socat\)/);
  });

  it("npm start as root installs the demo's missing packages only, waiting for a held dpkg lock", () => {
    const r = run({ uid: 0, tools: ["apt-get", "unshare"] }, PKG.scripts.prestart);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.apt, [
      "-o DPkg::Lock::Timeout=600 update -qq",
      "-o DPkg::Lock::Timeout=600 install -y -qq socat iproute2",
    ]);
  });

  it("the Moddable engine's set adds the build's tools, not the tests' (no chromium, valgrind, tcpdump)", () => {
    const r = run({ uid: 0, tools: ["apt-get", ...DEMO_TOOLS, "gcc", "pkg-config"] }, `sh ${SCRIPT} moddable`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.apt, [
      "-o DPkg::Lock::Timeout=600 update -qq",
      "-o DPkg::Lock::Timeout=600 install -y -qq make libglib2.0-dev",
    ]);
  });

  it("the tests' set as root also tries chromium (optional), with the lock wait", () => {
    const tools = [
      "apt-get",
      ...DEMO_TOOLS,
      "gcc",
      "make",
      "pkg-config",
      "tcpdump",
      "valgrind",
      "riscv64-unknown-elf-gcc",
      "qemu-system-riscv32",
    ];
    const r = run({ uid: 0, tools, gio: true }, PKG.scripts.pretest);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.apt.slice(0, 2), [
      "-o DPkg::Lock::Timeout=600 update -qq",
      "-o DPkg::Lock::Timeout=600 install -y -qq chromium",
    ]);
    // Then at most picolibc (a file check on the real machine), with the same lock wait.
    assert.deepEqual(
      r.apt.slice(2).filter((l) => !l.endsWith(`install -y -qq ${PICOLIBC}`) && !l.endsWith("update -qq")),
      [],
    );
  });

  it("refuses an unknown set by name", () => {
    const r = run({ uid: 1000, tools: DEMO_TOOLS }, `sh ${SCRIPT} everything`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown package set "everything"/);
  });
});
