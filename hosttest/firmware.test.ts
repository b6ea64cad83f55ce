// The firmware through Moddable's own tools (scripts/firmware.js = npm run firmware):
// every board target through mcconfig, tsc 6 against $MODDABLE/typings, xsc and xsl
// (the ESP-IDF compile is not done here), and the Linux target (x-cli-lin) as a program
// that then runs the demo: simulated terminal on a pty -> Moddable-built firmware ->
// multicast in a private namespace -> strict listener. Pending, with the reason, when no
// Moddable SDK is present. The host tools build once into .cache/moddable; make is
// incremental, so a second run only recompiles what changed.
// ESP-IDF (scripts/firmware-idf.js): per ESP32 target sdkconfig.h from the merged defaults,
// every C file compiled (Xtensa: type-checked; ESP32-C3: RV32 objects), the C3 image linked by
// idf.py build, its RAM budget; pending with the reason when no ESP-IDF v6.0 kit is beside the repo.

import * as assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tty from "node:tty";
import { readPcap } from "../src/core/pcap";
import { BOARD_LIMITS } from "../src/web/limits";
import { runInNetns } from "./lib/netns";
import { NMEA_CORPUS } from "./lib/paths";
import {
  budget,
  c3Static,
  esp32HeapRegions,
  fits,
  formatBudget,
  MARGIN_SHARE,
  readSdkconfig,
  runtimeItems,
  xsItems,
} from "./lib/ram-budget";
import { skipBecause } from "./lib/skip";

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, "scripts", "firmware.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TARGETS, sdkPath, idfKit } = require(script) as {
  TARGETS: Array<{ name: string; platform: string; chip?: "esp32" | "esp32c3"; w5500?: boolean }>;
  sdkPath(): { ok: boolean; path: string };
  idfKit(): { ok: boolean; reason?: string; idfPath?: string };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const idfScript = require(path.join(root, "scripts", "firmware-idf.js")) as {
  compileProjectFile(
    t: object,
    tmpDir: string,
    kit: object,
    cache: string,
    env: NodeJS.ProcessEnv,
    sourceName: string,
    copy: string,
  ): { ok: boolean; out: string };
};

interface IdfResult {
  pending?: string;
  ok?: boolean;
  sdkconfig?: { ok: boolean; good: string[] };
  c?: { files: number; errors: number; ours: string[]; mode: string };
  link?: {
    linked: boolean;
    why?: string;
    image?: number;
    wifi?: string[];
    elf?: string;
    memory?: { types: Record<string, { used: number; size: number }> };
    raw?: Parameters<typeof c3Static>[0];
  };
}

interface TargetResult {
  ok: boolean;
  step?: string;
  out?: string;
  program?: string;
  tmpDir?: string;
  figures?: Record<string, number>;
  idf?: IdfResult;
}

describe("firmware built by Moddable's tools (npm run firmware)", function () {
  this.timeout(30 * 60 * 1000);
  const sdk = sdkPath();
  const NO_SDK = `no Moddable SDK at ${sdk.path} (set MODDABLE)`;
  const NO_LIN = "the Linux firmware (lin target) did not build";
  let results: Record<string, TargetResult> = {};

  before(function () {
    if (!sdk.ok) skipBecause(this, NO_SDK);
    const r = spawnSync(process.execPath, [script, "--json"], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.ok(r.stdout, `firmware.js printed nothing: ${r.stderr}`);
    results = JSON.parse(r.stdout).results;
  });

  for (const t of TARGETS) {
    it(`${t.name}: mcconfig, tsc, xsc and xsl succeed`, () => {
      const r = results[t.name];
      assert.ok(r, "target was built");
      assert.ok(r.ok, `${t.name} failed at ${r.step}:\n${r.out}`);
      assert.ok(r.figures!.modules > 20 && r.figures!.xsbBytes > 0, "xsl linked the modules");
    });
  }

  const kit = idfKit();
  const espTargets = TARGETS.filter((t) => t.chip);
  const sdkconfigH = (t: (typeof TARGETS)[number]) =>
    path.join(results[t.name].tmpDir!, `xsProj-${t.chip}`, "build", "config", "sdkconfig.h");

  for (const t of espTargets) {
    it(`${t.name}: ESP-IDF v6.0: sdkconfig.h from the merged defaults keeps the UART ISR in IRAM, and every C file compiles (C: N files, 0 errors)`, function () {
      if (!sdk.ok || !kit.ok) skipBecause(this, sdk.ok ? kit.reason! : NO_SDK);
      const r = results[t.name];
      assert.ok(r?.ok, `${t.name} failed at ${r?.step}:\n${r?.out}`);
      const idf = r.idf!;
      assert.equal(idf.pending, undefined);
      // Read back here, independently of the script's own check.
      const defs = readSdkconfig(sdkconfigH(t));
      assert.equal(defs.get("CONFIG_UART_ISR_IN_IRAM"), "1");
      assert.equal(defs.get("CONFIG_RINGBUF_PLACE_ISR_FUNCTIONS_INTO_FLASH"), undefined);
      assert.equal(defs.get(t.w5500 ? "CONFIG_ETH_USE_SPI_ETHERNET" : "CONFIG_ETH_USE_ESP32_EMAC"), "1");
      assert.equal(defs.get("CONFIG_ETH_SPI_ETHERNET_W5500"), undefined, "gone in IDF v6.0");
      assert.ok(idf.c!.files > 80, `C files: ${idf.c!.files}`);
      assert.equal(idf.c!.errors, 0);
      const ours = idf.c!.ours.map((f) => path.basename(f)).sort();
      for (const f of ["mcast.c", "serial-ring.c"]) assert.ok(ours.includes(f), `${f} among bd450's C: ${ours}`);
      if (t.w5500) assert.ok(ours.includes("w5500-start.c"), `w5500-start.c among bd450's C: ${ours}`);
      if (t.chip === "esp32") assert.match(idf.link!.why!, /no Xtensa toolchain|not linked/);
    });
  }

  it(`esp32c3_w5500: idf.py build links the image; no esp_wifi_* symbol in it; image, IRAM and DRAM sizes from idf.py size`, function () {
    if (!sdk.ok || !kit.ok) skipBecause(this, sdk.ok ? kit.reason! : NO_SDK);
    const r = results.esp32c3_w5500;
    assert.ok(r?.ok, `esp32c3_w5500 failed at ${r?.step}:\n${r?.out}`);
    const l = r.idf!.link!;
    assert.equal(l.linked, true);
    assert.ok(l.image! > 200_000 && l.image! < 4 * 1024 * 1024, `image ${l.image} B`);
    assert.equal(fs.statSync(l.elf!.replace(/\.elf$/, ".bin")).size, l.image);
    // Independently of the script: the linked ELF's symbol table.
    const nm = spawnSync("riscv64-unknown-elf-nm", [l.elf!], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(nm.status, 0, nm.stderr);
    assert.ok(/ xs_udp_write$/m.test(nm.stdout), "the image holds the SDK's UDP socket");
    assert.deepEqual(
      nm.stdout.split("\n").filter((x) => / esp_wifi_\w+$/.test(x)),
      [],
      "no esp_wifi_* symbol",
    );
    assert.ok(/ esp_eth_mac_new_w5500$/m.test(nm.stdout), "the W5500 driver is linked");
  });

  it(`planted misuses in a copy of bd450's C fail the check, the unchanged copy passes (Xtensa type check and RV32)`, function () {
    if (!sdk.ok || !kit.ok) skipBecause(this, sdk.ok ? kit.reason! : NO_SDK);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-plant-"));
    const original = fs.readFileSync(path.join(root, "src", "platform", "moddable", "esp32", "mcast.c"), "utf8");
    const env = {
      ...process.env,
      MODDABLE: sdk.path,
      PATH: `${path.join(root, ".cache", "moddable", "build", "bin", "lin", "release")}${path.delimiter}${process.env.PATH}`,
    };
    const fullKit = idfKit();
    try {
      for (const name of ["esp32_w5500", "esp32c3_w5500"]) {
        const t = TARGETS.find((x) => x.name === name)!;
        const check = (label: string, text: string) => {
          const copy = path.join(dir, `${label}.c`);
          fs.writeFileSync(copy, text);
          return idfScript.compileProjectFile(
            t,
            results[name].tmpDir!,
            fullKit,
            path.join(root, ".cache", "moddable"),
            env,
            "mcast.c",
            copy,
          );
        };
        const clean = check(`${name.replace(/\W/g, "_")}-clean`, original);
        assert.ok(clean.ok, `${name}: the unchanged copy compiles:\n${clean.out}`);
        // Each misuse is one the headers reject: a misspelt lwIP call (implicit declaration),
        // a wrong pointer type, a pointer where an int goes.
        const plants: Array<[string, string, RegExp]> = [
          [
            "udp_set_multicast_ttl(",
            "udp_set_multicast_tll(",
            /implicit declaration of function .udp_set_multicast_tll./,
          ],
          [
            "#include",
            "struct bd450_x { int a; };\nstatic void bd450_p(void) { struct bd450_x *p = (void *)0; int *q = p; (void)q; }\n#include",
            /incompatible pointer type|incompatible-pointer-types/,
          ],
          [
            "#include",
            'static int bd450_i(void) { int v = "text"; return v; }\n#include',
            /makes integer from pointer|int-conversion/,
          ],
        ];
        for (const [from, to, want] of plants) {
          assert.ok(original.includes(from), `mcast.c holds ${from}`);
          const r = check(`${name.replace(/\W/g, "_")}-plant`, original.replace(from, to));
          assert.equal(r.ok, false, `${name}: planted ${to.slice(0, 40)} was accepted`);
          assert.match(r.out, want);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the internal-EMAC boards' sdkconfig keeps every line of the SDK target's own (bd450's file replaces it)", function () {
    if (!sdk.ok) skipBecause(this, NO_SDK);
    for (const b of ["wt32_eth01", "ethernet_kit"]) {
      const sdkLines = fs
        .readFileSync(
          path.join(sdk.path, "build", "devices", "esp32", "targets", b, "sdkconfig", "sdkconfig.defaults"),
          "utf8",
        )
        .split("\n")
        .filter((l) => l && !l.startsWith("#"));
      const ours = fs.readFileSync(path.join(root, "boards", "sdkconfig", b, "sdkconfig.defaults"), "utf8").split("\n");
      for (const l of sdkLines) assert.ok(ours.includes(l), `${b}: ${l}`);
      assert.ok(ours.includes("CONFIG_UART_ISR_IN_IRAM=y"));
    }
  });

  /**
   * The XS creation before issue 25's cut (manifest.json until 2026-12-07: the 1.5 margin over
   * xsnap's 64-bit figures): the planted check, the same budget with it must not hold.
   */
  const OLD_CREATION = { chunk: { initial: 110592 }, heap: { initial: 6656 }, stack: 512 };
  for (const t of espTargets) {
    it(`${t.name}: RAM budget: XS creation + ESP-IDF run-time needs leave at least ${MARGIN_SHARE * 100} % of the heap at boot (and would not with the old creation)`, function () {
      if (!sdk.ok || !kit.ok) skipBecause(this, sdk.ok ? kit.reason! : NO_SDK);
      const c3 = results.esp32c3_w5500;
      assert.ok(c3?.ok && c3.idf?.link?.linked, "the C3 link gives the static DRAM");
      const st = c3Static(c3.idf!.link!.raw!);
      const manifest = JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8"));
      const base = JSON.parse(fs.readFileSync(path.join(sdk.path, "examples", "manifest_base.json"), "utf8"));
      const creation = { ...manifest.creation, ...(manifest.platforms[t.platform].creation ?? {}) };
      const heap =
        t.chip === "esp32c3"
          ? {
              name: "heap at boot",
              bytes: st.regionSize - st.used,
              source: "idf.py size: D/IRAM region - static use (C3 link)",
            }
          : (() => {
              const h = esp32HeapRegions(kit.idfPath!);
              return {
                name: "heap at boot",
                bytes: h.bytes - st.dram,
                source: `${h.source} - static DRAM ${st.dram} B (.dram0.data + .bss of the C3 link: no Xtensa link here)`,
              };
            })();
      const runtime = runtimeItems(
        t.chip!,
        readSdkconfig(sdkconfigH(t)),
        {
          moddableMainC: path.join(sdk.path, "build", "devices", "esp32", "lib", "main", "main.c"),
          serialRingC: path.join(root, "src", "native", "esp32", "serial-ring-core.c"),
          ethMacH: path.join(kit.idfPath!, "components", "esp_eth", "include", "esp_eth_mac.h"),
          webLimitsMaxConnections: BOARD_LIMITS.maxConnections,
        },
        !!t.w5500,
      );
      const b = budget(t.name, heap, xsItems(creation, base.creation), runtime);
      console.log(formatBudget(b));
      assert.ok(
        fits(b),
        `left ${b.left} B, below ${MARGIN_SHARE * 100} % of the heap at boot (${Math.ceil(MARGIN_SHARE * heap.bytes)} B):\n${formatBudget(b)}`,
      );
      const old = budget(t.name, heap, xsItems(OLD_CREATION, base.creation), runtime);
      assert.equal(fits(old), false, `the old creation would fit too: left ${old.left} B`);
    });
  }

  it("an ESP32 board without a board file is refused with the manifest's message", function () {
    if (!sdk.ok) skipBecause(this, NO_SDK);
    const mcconfig = path.join(root, ".cache", "moddable", "build", "bin", "lin", "release", "mcconfig");
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-mc-"));
    const r = spawnSync(mcconfig, ["-p", "esp32/nodemcu", "-o", out, path.join(root, "manifest.json")], {
      encoding: "utf8",
      env: { ...process.env, MODDABLE: sdk.path },
    });
    fs.rmSync(out, { recursive: true, force: true });
    assert.match(r.stdout + r.stderr, /bd450: no board file for this ESP32 target/);
  });

  it("bd450 demo --engine moddable: the Moddable-built firmware forwards the simulated terminal's sentences to the strict listener", async function () {
    if (!sdk.ok) skipBecause(this, NO_SDK);
    const lin = results.lin;
    if (!lin?.ok) skipBecause(this, NO_LIN);
    const pcap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fw-")), "demo.pcap");
    const r = await runInNetns(
      process.execPath,
      [
        path.join(root, "bin", "bd450.js"),
        "demo",
        "--engine",
        "moddable",
        "--duration",
        "6",
        "--quiet",
        "--pcap",
        pcap,
      ],
      { timeoutMs: 120000, env: { BD450_NETNS: "1", BD450_FIRMWARE_PROGRAM: lin.program } },
    );
    assert.equal(r.code, 0, r.stderr);
    const m = /listener received (\d+) sentences \(carrier lines included\), discarded (\d+) datagrams/.exec(r.stdout);
    assert.ok(m, r.stdout.slice(-2000));
    assert.ok(Number(m[1]) >= 20, `datagrams flowed: ${m[1]}`);
    assert.equal(Number(m[2]), 0, "the strict listener discarded none");
    // The firmware's own counters beside the listener's, read from its console (issue 23.5).
    assert.match(r.stdout, /firmware: \d+ sentences read, \d+ datagrams sent \(console status\) \| listener/);
    const fw = /firmware read (\d+) valid sentences from the terminal and sent (\d+) of its own/.exec(r.stdout);
    assert.ok(fw && Number(fw[1]) >= 20, r.stdout.slice(-1500));
    // The capture holds what the listener received, each a UdPbC datagram from SFI BD0001.
    let packets = 0;
    readPcap(new Uint8Array(fs.readFileSync(pcap)), (p) => {
      packets++;
      assert.equal(Buffer.from(p.payload.subarray(0, 6)).toString("latin1"), "UdPbC\0");
      assert.match(Buffer.from(p.payload).toString("latin1"), /s:BD0001/);
    });
    assert.ok(packets >= 20);
  });

  it("the same input through both engines gives the same datagrams, byte for byte and in order (TAG c: aside)", async function () {
    if (!sdk.ok || !results.lin?.ok) skipBecause(this, sdk.ok ? NO_LIN : NO_SDK);
    const run = async (engine: string) => {
      const r = await runInNetns(
        process.execPath,
        [
          path.join(root, "dist", "hosttest", "e2e", "run-e2e.js"),
          "40",
          path.join(NMEA_CORPUS, "ntpsec-gpsd__ublox-neo-m9n-nmea.log"),
          "921600",
          engine,
        ],
        { timeoutMs: 120000 },
      );
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { input: string; datagrams: string[] };
    };
    const node = await run("node");
    const mod = await run(`moddable:${node.datagrams.length}:${results.lin.program}`);
    assert.equal(mod.input, node.input, "same input");
    // Judged here, not by the gateway's code: the TAG block's c: field and its checksum
    // (which covers c:) are removed; every other byte must match.
    const strip = (d: string) => {
      const [group, hex] = d.split(" ");
      const text = Buffer.from(hex, "hex").toString("latin1");
      const n = Number(/[\\,]n:(\d+)/.exec(text)?.[1]);
      return { group, n, text: text.replace(/c:\d+,?/g, "").replace(/\*[0-9A-F]{2}\\/g, "*\\") };
    };
    const a = node.datagrams.map(strip),
      b = mod.datagrams.map(strip);
    assert.ok(a.length > 1000, `datagrams: ${a.length}`);
    assert.equal(b.length, a.length, "same number of datagrams");
    // In order: the n: line counter is each engine's own send order; within a group the listener's arrival order too.
    const bySend = (x: typeof a) =>
      x
        .slice()
        .sort((p, q) => p.n - q.n)
        .map((d) => d.group + " " + d.text);
    assert.deepEqual(bySend(b), bySend(a));
    for (const g of new Set(a.map((d) => d.group)))
      assert.deepEqual(
        b.filter((d) => d.group === g).map((d) => d.text),
        a.filter((d) => d.group === g).map((d) => d.text),
        `group ${g} in arrival order`,
      );
  });

  it("multicast datagrams leave with the configured ttl (3, not Linux's default 1), as an independent IP_RECVTTL receiver sees them", async function () {
    if (!sdk.ok || !results.lin?.ok) skipBecause(this, sdk.ok ? NO_LIN : NO_SDK);
    const bin = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bd450-recvttl-")), "recvttl");
    const cc = spawnSync("gcc", ["-O1", "-o", bin, path.join(root, "hosttest", "lib", "recvttl.c")], {
      encoding: "utf8",
    });
    assert.equal(cc.status, 0, cc.stderr);
    const r = await runInNetns(
      process.execPath,
      [path.join(root, "dist", "hosttest", "lib", "ttl-child.js"), results.lin.program!, bin, "3"],
      { timeoutMs: 60000 },
    );
    fs.rmSync(path.dirname(bin), { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).ttls, [3, 3]);
  });

  describe("the console on a second pty, on the Moddable build", () => {
    let dir = "";
    const procs: ChildProcess[] = [];
    let fwOut = "";
    let fwErr: NodeJS.ReadableStream | undefined;
    let user: { fd: number; rs: tty.ReadStream; buf: string } | undefined;
    const PROMPT = "bd450> ";

    const waitFor = (re: RegExp, ms = 15000) =>
      new Promise<string>((resolve, reject) => {
        const u = user!;
        const timer = setTimeout(() => {
          u.rs.off("data", check);
          reject(
            new Error(
              `timed out waiting for ${re}; got ${JSON.stringify(u.buf.slice(-800))}; firmware: ${fwOut.slice(-800)}`,
            ),
          );
        }, ms);
        function check() {
          if (!re.test(u.buf)) return;
          clearTimeout(timer);
          u.rs.off("data", check);
          const out = u.buf;
          u.buf = "";
          resolve(out);
        }
        u.rs.on("data", check);
        check();
      });
    const cmd = (line: string) => {
      user!.buf = "";
      fs.writeSync(user!.fd, line + "\r");
      return waitFor(new RegExp("\\r\\n" + PROMPT + "$"));
    };
    const waitPath = async (p: string) => {
      for (let i = 0; i < 500 && !fs.existsSync(p); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(fs.existsSync(p), `${p} appeared`);
    };

    before(async function () {
      if (!sdk.ok || !results.lin?.ok) skipBecause(this, sdk.ok ? NO_LIN : NO_SDK);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-fwcon-"));
      procs.push(
        spawn("socat", [`pty,raw,echo=0,link=${dir}/con`, `pty,raw,echo=0,link=${dir}/user`], { stdio: "ignore" }),
      );
      procs.push(
        spawn(
          process.execPath,
          [
            path.join(root, "dist", "src", "cli", "main.js"),
            "sim",
            "--link",
            path.join(dir, "term"),
            "--interval",
            "1",
          ],
          { stdio: "ignore" },
        ),
      );
      for (const p of ["con", "user", "term"]) await waitPath(path.join(dir, p));
      spawnSync("stty", ["-F", path.join(dir, "user"), "raw", "-echo"]);
      const fd = fs.openSync(path.join(dir, "user"), fs.constants.O_RDWR | fs.constants.O_NOCTTY);
      const rs = new tty.ReadStream(fd);
      rs.setRawMode(true);
      user = { fd, rs, buf: "" };
      rs.on("data", (d: Buffer) => (user!.buf += d.toString("latin1")));
      const setup = 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$0" "$@"';
      const fw = spawn(
        "unshare",
        [
          "-rn",
          "sh",
          "-c",
          setup,
          process.execPath,
          path.join(root, "dist", "hosttest", "lib", "firmware-child.js"),
          results.lin.program!,
          path.join(dir, "term"),
          path.join(dir, "con"),
          path.join(dir, "prefs"),
          "115200",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      fw.stderr!.on("data", (d) => (fwOut += d));
      fwErr = fw.stderr!;
      procs.push(fw);
    });

    after(async () => {
      for (const p of procs.reverse()) if (p.exitCode === null) p.kill("SIGTERM");
      user?.rs.destroy();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("show / set / save / reboot: the saved setting survives the restart; status shows the clock's source", async () => {
      assert.match(await waitFor(/type help for commands\r\nbd450> $/), /bd450 BD0001 on lin console/);
      assert.match(await cmd("show config"), /^ttl +1 /m);
      assert.match(await cmd("set ttl 7"), /ttl = 7 \(takes effect after save \+ reboot\)/);
      assert.match(await cmd("save"), /saved/);
      assert.match(
        JSON.parse(fs.readFileSync(path.join(dir, "prefs", "modpreferences.json"), "utf8")).bd450.ttl.toString(),
        /^7$/,
      );
      user!.buf = "";
      const rebootAt = fwOut.length;
      fs.writeSync(user!.fd, "reboot now\r");
      assert.match(
        await waitFor(/type help for commands\r\nbd450> $/, 20000),
        /rebooting[\s\S]*bd450 BD0001 on lin console/,
      );
      assert.match(await cmd("show config"), /^ttl +7 +int(?![^\n]*unsaved)/m);
      // The simulated terminal sends RMC/ZDA with a valid fix once a second: wait for the firmware's clock.set event.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no clock.set after the reboot: ${fwOut.slice(-800)}`)), 15000);
        const check = () => {
          if (fwOut.indexOf("clock.set", rebootAt) >= 0) {
            clearTimeout(timer);
            fwErr!.off("data", check);
            resolve();
          }
        };
        fwErr!.on("data", check);
        check();
      });
      const status = await cmd("status");
      assert.match(status, /clock +set from the terminal's RMC\/ZDA, now 20\d\d-/);
    });
  });
});
