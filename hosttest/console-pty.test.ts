// The serial console driven over a REAL pty, as a person at picocom would:
// socat pty pair (gateway side / user side) + `bd450 sim` (a simulated Beidou
// terminal on its own pty) + `bd450 gateway --console --config` inside a private
// network namespace (its multicast never leaves the test). Covers every command,
// every validation error, terminal operations answered by the simulated terminal,
// and persistence across a gateway process restart and a console reboot.

import { strict as assert } from "node:assert";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tty from "node:tty";
import { defaultConfig, formatValue, SETTINGS } from "../src/settings/settings";
import { REPO_ROOT } from "./lib/paths";
import { boundFor, waitFor } from "./lib/wait";
import { VALIDATION_CASES } from "./settings-cases";

/** End of `show config`: the table's last row, then the prompt (keys are added over time). */
const LAST_SETTING_ROW = new RegExp(SETTINGS[SETTINGS.length - 1].key + "[^\\n]*\\r\\nbd450> $");

const MAIN = path.join(REPO_ROOT, "dist", "src", "cli", "main.js");
const PROMPT = "bd450> ";
/** The simulated terminal's service interval (sim --interval 1): TXA/DWA closer together are refused. */
const INTERVAL_MS = 1000;

async function waitForPath(p: string): Promise<void> {
  await waitFor(`${p} to appear`, boundFor(500), () => fs.existsSync(p));
}

/** Resolves once a process has exited (at once if it already has). */
function exited(c: ChildProcess | undefined): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((r) => c.once("exit", () => r()));
}

/** The user's end of the console pty: write keystrokes, read what the terminal shows. */
class PtyUser {
  private fd: number;
  private rs: tty.ReadStream;
  /** Everything received since the last take(). */
  buf = "";
  private waiters: Array<() => void> = [];

  constructor(p: string) {
    execFileSync("stty", ["-F", p, "raw", "-echo"]);
    this.fd = fs.openSync(p, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    this.rs = new tty.ReadStream(this.fd);
    this.rs.setRawMode(true);
    this.rs.on("data", (d: Buffer) => {
      this.buf += d.toString("latin1");
      for (const w of this.waiters.slice()) w();
    });
  }

  send(bytes: string): void {
    fs.writeSync(this.fd, Buffer.from(bytes, "latin1"));
  }

  /** Wait until `re` matches the buffer; returns the buffer and empties it. */
  waitFor(re: RegExp, ms = 8000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (re.test(this.buf)) {
          done();
          const out = this.buf;
          this.buf = "";
          resolve(out);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${re}; got: ${JSON.stringify(this.buf.slice(-1500))}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  /** Type a command and Enter (CR, as screen/minicom send); return its output without the echo and prompt. */
  async cmd(line: string, until?: RegExp, ms?: number): Promise<string> {
    this.buf = "";
    this.send(line + "\r");
    const endRe = until ?? new RegExp("\\r\\n" + PROMPT.replace(/[>]/g, "\\$&") + "$");
    let out = await this.waitFor(until ? new RegExp(until.source + "[\\s\\S]*" + PROMPT + "$") : endRe, ms);
    assert.ok(
      out.startsWith(line + "\r\n"),
      `echo of ${JSON.stringify(line)} missing: ${JSON.stringify(out.slice(0, 200))}`,
    );
    out = out.slice(line.length + 2);
    return out.slice(0, out.length - PROMPT.length);
  }

  close(): void {
    this.rs.destroy();
  }
}

describe("console over a real pty (socat, bd450 sim, bd450 gateway --console)", function () {
  this.timeout(60000);
  let dir: string;
  let socat: ChildProcess | undefined;
  let sim: ChildProcess | undefined;
  let gw: ChildProcess | undefined;
  let gwErr = "";
  let user: PtyUser;
  let cfgFile: string;

  let terminal = "term";

  function startGateway(consolePath = path.join(dir, "con"), options: string[] = []): ChildProcess {
    gwErr = "";
    const setup = 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$0" "$@"';
    const child = spawn(
      "unshare",
      [
        "-rn",
        "sh",
        "-c",
        setup,
        process.execPath,
        MAIN,
        "gateway",
        "--serial",
        path.join(dir, terminal),
        "--console",
        consolePath,
        "--config",
        cfgFile,
        ...options,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr!.on("data", (d) => (gwErr += d));
    return child;
  }

  function stopGateway(): Promise<void> {
    const child = gw;
    gw = undefined;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.on("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }

  async function restartGateway(options: string[] = []): Promise<string> {
    await stopGateway();
    user.buf = "";
    gw = startGateway(undefined, options);
    return user.waitFor(/type help for commands\r\nbd450> $/, 15000);
  }

  /**
   * Run a transmission (TXA, DWA) until the terminal accepts it. The simulated terminal
   * refuses one within its service interval of the last ("frequency not reached"); each
   * it therefore asks again on a refusal, and the wait ends with the terminal's acceptance
   * (no fixed sleep, nothing remembered from an earlier test).
   */
  function transmission(line: string, until: RegExp): Promise<string> {
    const either = new RegExp(`(?:${until.source}|refused by the terminal[^\\r]*\\r\\n)`);
    return waitFor(
      `the terminal accepts "${line}"`,
      boundFor(INTERVAL_MS),
      async () => {
        const out = await user.cmd(line, either);
        return /refused by the terminal[^\r]*; wait \d+ s/.test(out) ? false : out;
      },
      100,
    );
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-console-"));
    cfgFile = path.join(dir, "cfg", "config");
    socat = spawn("socat", [`pty,raw,echo=0,link=${dir}/con`, `pty,raw,echo=0,link=${dir}/user`], { stdio: "ignore" });
    sim = spawn(process.execPath, [MAIN, "sim", "--link", path.join(dir, "term"), "--interval", "1"], {
      stdio: "ignore",
    });
    await waitForPath(path.join(dir, "con"));
    await waitForPath(path.join(dir, "user"));
    await waitForPath(path.join(dir, "term"));
    user = new PtyUser(path.join(dir, "user"));
    gw = startGateway();
    const banner = await user.waitFor(/type help for commands\r\nbd450> $/, 15000);
    assert.match(banner, /bd450 gateway BD0001 console/);
  });

  after(async () => {
    await stopGateway();
    user?.close();
    sim?.kill("SIGTERM");
    socat?.kill("SIGTERM");
    await Promise.race([Promise.all([exited(sim), exited(socat)]), new Promise((r) => setTimeout(r, boundFor(200)))]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") process.stderr.write(`gateway stderr (tail):\n${gwErr.slice(-3000)}\n`);
  });

  describe("help and dispatch", () => {
    it("help lists every command with its arguments", async () => {
      const out = await user.cmd("help");
      for (const c of [
        "help [COMMAND]",
        "show config",
        "set KEY VALUE",
        "save",
        "defaults",
        "reboot [now]",
        "status",
        "log [N]",
        "counters reset",
        "card",
        "msg DEST TEXT",
        "locate",
        "output SENTENCE on|off SECONDS",
      ])
        assert.ok(out.includes(c), `help lacks ${c}:\n${out}`);
      assert.ok(!out.includes("\n\n"), "lines end in CR LF");
    });

    it("help COMMAND and help set KEY explain one thing", async () => {
      assert.match(await user.cmd("help msg"), /^usage: msg DEST TEXT\r\n.*7 digit user address DEST/s);
      assert.match(await user.cmd("help counters reset"), /usage: counters reset/);
      assert.match(
        await user.cmd("help set baud"),
        /baud \(int, 4800\|9600\|.*after save \+ reboot\)\r\n.*default: 115200/s,
      );
      assert.match(await user.cmd("help nothing"), /error: no command "nothing"/);
      assert.match(await user.cmd("help set nokey"), /error: "nokey" is not a setting/);
    });

    it("unknown and incomplete commands are refused with a hint; commands are case-insensitive", async () => {
      assert.match(await user.cmd("frobnicate now"), /error: unknown command "frobnicate"; type help for the list/);
      assert.match(await user.cmd("show"), /error: incomplete command "show"; did you mean: show config/);
      assert.match(await user.cmd("counters"), /did you mean: counters reset/);
      assert.match(await user.cmd("SHOW CONFIG"), /^setting +value/);
    });

    it("an empty line just prompts again", async () => {
      assert.equal(await user.cmd(""), "");
    });
  });

  describe("line editing as dumb terminals send it", () => {
    it("CR LF (one command, no empty second command)", async () => {
      user.buf = "";
      user.send("log 1\r\n");
      await user.waitFor(/bd450> $/);
      // Not a pause and a look: a marker command after it. The console handles bytes in
      // order, so an empty command made of the LF would print its prompt before the marker's echo.
      user.send("help nothing\r");
      const after = await user.waitFor(/error: no command "nothing"[\s\S]*bd450> $/);
      assert.ok(
        after.startsWith("help nothing\r\n"),
        `an extra prompt appeared: ${JSON.stringify(after.slice(0, 120))}`,
      );
    });

    it("LF alone ends a line", async () => {
      user.buf = "";
      user.send("show config\n");
      const out = await user.waitFor(LAST_SETTING_ROW);
      assert.match(out, /^show config\r\nsetting/);
    });

    it("backspace 0x08 and delete 0x7F edit the line, echoed as BS SP BS", async () => {
      user.buf = "";
      user.send("stx\x08atuz\x7fs\r");
      const out = await user.waitFor(/heap[^\n]*\r\nbd450> $/);
      assert.ok(out.startsWith("stx\b \batuz\b \bs\r\nuptime"), JSON.stringify(out.slice(0, 60)));
    });

    it("arrow keys and other escape sequences are ignored", async () => {
      user.buf = "";
      user.send("\x1b[Ash\x1b[Dow \x1bOPconfig\x1b[3~\r");
      const out = await user.waitFor(LAST_SETTING_ROW);
      assert.ok(out.startsWith("show config\r\nsetting"), JSON.stringify(out.slice(0, 60)));
    });

    it("an overlong line is refused with BEL and discarded, the console goes on", async () => {
      user.buf = "";
      user.send("set groupMap " + "A".repeat(300) + "\r");
      const out = await user.waitFor(/discarded\r\nbd450> $/);
      assert.ok(out.includes("\x07"));
      assert.match(out, /error: line longer than 200 characters, discarded/);
      assert.match(await user.cmd("show config"), /groupMap +"" /);
    });
  });

  describe("show config and every validation error", () => {
    it("show config lists every setting with value, type and allowed range", async () => {
      const out = await user.cmd("show config");
      const d = defaultConfig() as unknown as Record<string, string | number | boolean>;
      for (const row of SETTINGS) {
        const line = out.split("\r\n").find((l) => l.startsWith(row.key + " "));
        assert.ok(line, `no line for ${row.key}`);
        const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        assert.match(
          line!,
          new RegExp(`^${row.key} +${esc(formatValue(row, d[row.key]))} +${row.kind} +${esc(row.range)}`),
        );
      }
    });

    for (const [name, changes, re] of VALIDATION_CASES) {
      it(`set refuses: ${name}`, async () => {
        const out = await user.cmd("set " + changes.map(([k, v]) => k + " " + v).join(" "));
        assert.match(out, /^error: /);
        assert.match(out, re);
        assert.match(out, /nothing changed\r\n$/);
      });
    }

    it("set without a value, or with a dangling key, shows the usage", async () => {
      assert.match(await user.cmd("set ttl"), /error: usage: set KEY VALUE/);
      assert.match(await user.cmd("set"), /error: usage: set KEY VALUE/);
    });

    it("nothing took effect half-way: the configuration is still the defaults", async () => {
      const out = await user.cmd("show config");
      assert.ok(!out.includes("(unsaved)"), out);
      assert.match(out, /^ttl +1 /m);
    });
  });

  describe("status, log, counters", () => {
    it("status shows the terminal link, fixes, beams, card, network, alerts, uptime, heap", async () => {
      // Until the simulated terminal's output shows: fixes (with the GGA's satellite count: an
      // RMC alone gives the position first), beams, and the card (ICA answered).
      let out = "";
      await waitFor(
        "status with link, fixes, beams and card",
        boundFor(1500),
        async () => {
          out = await user.cmd("status");
          return (
            /terminal +link receiving, [1-9]/.test(out) &&
            /^RNSS fix +\d.* sats/m.test(out) &&
            /^beams +response/m.test(out) &&
            /^IC card +user/m.test(out)
          );
        },
        100,
      );
      assert.match(out, /^uptime +\d+h \d+m \d+s/m);
      const m = /terminal +link receiving, (\d+) bytes, (\d+) sentences, last sentence [\d.]+ s ago/.exec(out);
      assert.ok(m && Number(m[1]) > 0 && Number(m[2]) > 0, out);
      assert.match(out, /^ {2}rejects +none/m);
      assert.match(out, /^RNSS fix +\d+\.\d+ [NS] \d+\.\d+ [EW] .* sats/m);
      assert.match(out, /^RDSS fix +/m);
      assert.match(out, /^beams +response \d+, time-difference \d+, power( \d)+/m);
      assert.match(out, /^IC card +user 0242286, serial 00242286, service interval 1 s, level 3, not encrypted/m);
      assert.match(out, /^network +link OS routing \(no interface pinned\), address OS default route/m);
      assert.match(out, /^ {2}out +.*NAVD \d+/m);
      assert.match(out, /^ {2}in +(none|([A-Z0-9]{4} \d+(, )?)+)\r?$/m); // per group; the network side's receiver is connected
      assert.match(out, /^ {2}errors +none/m);
      assert.match(out, /^alerts +none/m);
      assert.match(out, /^heap +used \d+ B/m);
    });

    it("log [N] shows the newest events; a bad N is refused", async () => {
      const out = await user.cmd("log 3");
      const lines = out.trim().split("\r\n");
      assert.ok(lines.length >= 1 && lines.length <= 3, out);
      for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ +\S/);
      assert.match(await user.cmd("log 64"), /card.present +IC card 0242286/);
      assert.match(await user.cmd("log many"), /error: "many" breaks rule: log N is a count/);
      assert.match(await user.cmd("log 0"), /error: "0" breaks rule/);
    });

    it("counters reset zeroes the link counters", async () => {
      const before = /(\d+) bytes/.exec(await user.cmd("status"))!;
      assert.equal(await user.cmd("counters reset"), "counters reset\r\n");
      const after = /(\d+) bytes/.exec(await user.cmd("status"))!;
      assert.ok(Number(after[1]) < Number(before[1]), `${after[1]} !< ${before[1]}`);
      // Among the newest events (the simulated terminal's own events may land right after it).
      assert.match(await user.cmd("log 5"), /console +counters reset from the console/);
    });
  });

  describe("terminal operations answered by the (simulated) terminal", () => {
    it("card sends ICA and shows the ICI answer", async () => {
      const out = await user.cmd("card", /terminal answer: \$BDICI,[^\r]*\r\n {2}IC card 0242286[^\r]*\r\n/);
      assert.match(out, /^sent \$CCICA,0,00\*7B\r\n/);
      assert.match(out, /IC card 0242286, serial 00242286, service interval 1 s, communication level 3, not encrypted/);
    });

    it("msg sends TXA (mixed mode) and shows the FKI answer", async () => {
      const out = await transmission("msg 0179773 hello world", /terminal answer: \$BDFKI,TXA[^\r]*\r\n[^\r]*\r\n/);
      assert.match(out, /^sent \$CCTXA,0179773,1,2,A468656C6C6F20776F726C64\*[0-9A-F]{2}\r\n/);
      assert.match(out, /TXA accepted by the terminal; next transmission allowed in 1 s/);
    });

    it("locate sends DWA and shows FKI and then the DWR position", async () => {
      const out = await transmission("locate", /RDSS position of 0242286: [^\r]*\r\n/);
      assert.match(out, /^sent \$CCDWA,0000000,V,1,L,,0,,,0\*65\r\n/);
      assert.match(out, /DWA accepted by the terminal.*waiting for the position \(DWR\)/);
      assert.match(out, /RDSS position of 0242286: \d+\.\d+[NS] \d+\.\d+[EW], height -?\d+ m at \d\d:\d\d:\d\d/);
      assert.match(await user.cmd("status"), /^RDSS fix +\d+\.\d+ [NS] \d+\.\d+ [EW]/m);
    });

    it("output switches a sentence with RMO and shows the FKI answer", async () => {
      let out = await user.cmd("output BSI on 5", /terminal answer: \$BDFKI,RMO[^\r]*\r\n[^\r]*\r\n/);
      assert.match(out, /^sent \$CCRMO,BSI,2,5\*23\r\n/);
      assert.match(out, /RMO accepted by the terminal/);
      out = await user.cmd("output bsi off", /terminal answer: \$BDFKI,RMO[^\r]*\r\n[^\r]*\r\n/);
      assert.match(out, /^sent \$CCRMO,BSI,1,0\*/);
    });

    it("bad arguments are refused before anything is sent", async () => {
      assert.match(
        await user.cmd("msg 12345678 hi"),
        /error: msg: TXA destination must be a user address of 1-7 digits/,
      );
      assert.match(await user.cmd("msg 0179773"), /error: msg: usage: msg DEST TEXT/);
      assert.match(
        await user.cmd("output BSI maybe 5"),
        /error: output: "maybe" breaks rule: output switch is on\|off/,
      );
      assert.match(
        await user.cmd("output B1 on 5"),
        /error: output: "B1" breaks rule: SENTENCE is a 3-letter sentence formatter/,
      );
      assert.match(await user.cmd("output BSI on"), /error: output: output SENTENCE on needs SECONDS/);
      assert.match(await user.cmd("output BSI on 70000"), /SECONDS is an integer 0\.\.65535/);
      assert.match(await user.cmd("card 1"), /error: card: card takes no arguments/);
      assert.match(await user.cmd("locate here"), /error: locate: locate takes no arguments/);
    });
  });

  describe("settings that persist", () => {
    it("set applies a valid change (unsaved until save)", async () => {
      const out = await user.cmd("set ttl 7 sfi bd0042 groupMap TXR=USR1");
      assert.match(
        out,
        /^ttl = 7 \(takes effect after save \+ reboot\)\r\nsfi = BD0042\r\ngroupMap = TXR=USR1\r\nnot saved yet: save to keep/,
      );
      const show = await user.cmd("show config");
      assert.match(show, /^ttl +7 +int .*\(unsaved\)/m);
      assert.match(show, /unsaved changes: ttl sfi groupMap \(save to keep\)/);
    });

    it("save writes the settings file atomically (JSON lines with CRC)", async () => {
      assert.equal(await user.cmd("save"), "saved\r\n");
      assert.ok(!(await user.cmd("show config")).includes("(unsaved)"));
      const lines = fs.readFileSync(cfgFile, "utf8").trim().split("\n");
      assert.equal(lines[0], '{"bd450":"settings","version":1}');
      assert.ok(lines.some((l) => l.startsWith('{"k":"ttl","v":7,"crc":"')));
      assert.deepEqual(fs.readdirSync(path.dirname(cfgFile)), ["config"], "no temp file left");
    });

    it("a gateway process restart loads the saved settings; a newer version's key is kept and written back", async () => {
      fs.appendFileSync(cfgFile, '{"k":"futureKey","v":"abc"}\n');
      const banner = await restartGateway();
      assert.match(banner, /bd450 gateway BD0042 console/);
      const show = await user.cmd("show config");
      assert.match(show, /^ttl +7 /m);
      assert.match(show, /^sfi +BD0042 /m);
      assert.match(show, /^groupMap +TXR=USR1 /m);
      assert.match(show, /kept from a newer version \(not used here\): futureKey=abc/);
      await user.cmd("set hbtInterval 30");
      assert.equal(await user.cmd("save"), "saved\r\n");
      const text = fs.readFileSync(cfgFile, "utf8");
      assert.match(text, /"k":"futureKey","v":"abc"/);
      assert.match(text, /"k":"hbtInterval","v":30/);
    });

    it("reboot refuses to lose unsaved changes; reboot now restarts with the stored settings", async () => {
      await user.cmd("set ttl 9");
      assert.match(await user.cmd("reboot"), /error: unsaved changes \(ttl\) would be lost: save first, or reboot now/);
      user.buf = "";
      user.send("reboot now\r");
      const out = await user.waitFor(/type help for commands\r\nbd450> $/, 15000);
      assert.match(out, /rebooting\.\.\.[\s\S]*bd450 gateway BD0042 console/);
      assert.match(await user.cmd("show config"), /^ttl +7 /m);
    });

    it("defaults resets every setting in memory; not kept without save", async () => {
      const out = await user.cmd("defaults");
      assert.match(out, /sfi = BD0001/);
      assert.match(out, /not saved yet/);
      assert.match(await user.cmd("show config"), /^sfi +BD0001 .*\(unsaved\)/m);
      assert.match(await user.cmd("reboot"), /error: unsaved changes/);
      await restartGateway();
      assert.match(await user.cmd("show config"), /^sfi +BD0042 /m);
    });

    it("save keeps this run's command-line options out of the file (issue 23.1)", async () => {
      await restartGateway(["--interface", "127.0.0.1", "--ttl", "9"]);
      const running = await user.cmd("show config");
      assert.match(running, /^iface +127\.0\.0\.1 /m);
      assert.match(running, /^ttl +9 /m);
      assert.match(await user.cmd("set hbtInterval 45"), /^hbtInterval = 45/);
      assert.equal(await user.cmd("save"), "saved\r\n");
      // Read back by hand: one JSON object per line after the header.
      const stored = new Map<string, unknown>();
      for (const l of fs.readFileSync(cfgFile, "utf8").trim().split("\n").slice(1)) {
        const o = JSON.parse(l) as { k: string; v: unknown };
        stored.set(o.k, o.v);
      }
      assert.equal(stored.get("hbtInterval"), 45, "the key set on the console is stored");
      assert.notEqual(stored.get("ttl"), 9, "--ttl 9 was this run's");
      assert.ok(!stored.has("iface"), `--interface was this run's: ${JSON.stringify(stored.get("iface"))}`);
      // The next start without the options: the stored values, the option values gone.
      await restartGateway();
      const after = await user.cmd("show config");
      assert.match(after, /^iface +"" /m);
      assert.doesNotMatch(after, /^ttl +9 /m);
      assert.match(after, /^hbtInterval +45 /m);
    });

    it("a settings file cut mid-line loads the intact keys, defaults the broken one, and logs it", async () => {
      const full = fs.readFileSync(cfgFile, "utf8");
      const cut = full.indexOf('{"k":"hbtInterval"') + 22; // after the key name, inside the value
      fs.writeFileSync(cfgFile, full.slice(0, cut));
      await restartGateway();
      const show = await user.cmd("show config");
      assert.match(show, /^ttl +7 /m, "a key before the cut survives");
      assert.match(show, /^hbtInterval +60 /m, "the cut key is its default");
      assert.match(
        await user.cmd("log 40"),
        /settings.file +config line \d+: damaged \(key hbtInterval\); ignored, default used/,
      );
    });

    it("a wrongly typed stored value loads as its default and is logged", async () => {
      const text = fs.readFileSync(cfgFile, "utf8").replace(/\{"k":"ttl"[^\n]*/, '{"k":"ttl","v":"seven"}');
      fs.writeFileSync(cfgFile, text);
      await restartGateway();
      assert.match(await user.cmd("show config"), /^ttl +1 /m);
      assert.match(
        await user.cmd("log 40"),
        /settings.bad +ttl stored string breaks rule: ttl is integer; default 1 used/,
      );
    });
  });

  describe("a console device that is missing at start", () => {
    it("is retried every second and serves the console once it appears", async () => {
      await stopGateway();
      const late = path.join(dir, "late-con");
      gw = startGateway(late);
      await waitFor("the console device failure logged", boundFor(1000), () =>
        /console device .*late-con failed: .*; retrying every second/.test(gwErr),
      );
      const pair = spawn("socat", [`pty,raw,echo=0,link=${late}`, `pty,raw,echo=0,link=${late}-user`], {
        stdio: "ignore",
      });
      try {
        await waitForPath(late + "-user");
        const u = new PtyUser(late + "-user");
        try {
          await u.waitFor(/type help for commands\r\nbd450> $/, 10000);
          assert.match(await u.cmd("show config"), /^sfi +BD0042 /m);
          assert.equal((gwErr.match(/late-con failed/g) ?? []).length, 1, "one log line for the whole retry run");
          assert.match(gwErr, /console device .*late-con open again/);
        } finally {
          u.close();
        }
      } finally {
        await stopGateway();
        pair.kill("SIGTERM");
      }
      await restartGateway();
    });
  });

  describe("filters and the 450 declaration in the running process (docs/filters.md)", () => {
    it("set outFilter applies at once: status counts the GSV it holds back; spec declares it", async () => {
      assert.match(
        await user.cmd("set outFilter !GSV maxRate 500"),
        /^outFilter = !GSV\r\nmaxRate = 500\r\nnot saved yet/,
      );
      let out = "";
      await waitFor(
        "the filter holding back GSV",
        boundFor(1500),
        async () => {
          out = await user.cmd("status");
          return /^out filter +!GSV passed 0 blocked [1-9]/m.test(out);
        },
        100,
      );
      assert.match(out, /^max rate +500\/s per group, dropped: none/m);
      assert.match(await user.cmd("spec"), /GSV \(blocked\)/);
    });
  });

  describe("a terminal answering in RDSS 4.0 binary frames", () => {
    it("the frames' 2.1 text form reaches the console (FKI, ICI, DWR)", async () => {
      await stopGateway();
      sim?.kill("SIGTERM");
      sim = spawn(
        process.execPath,
        [MAIN, "sim", "--link", path.join(dir, "term40"), "--interval", "1", "--terminal-rdss40"],
        { stdio: "ignore" },
      );
      await waitForPath(path.join(dir, "term40"));
      terminal = "term40";
      await restartGateway();
      assert.match(await user.cmd("card", /terminal answer: \$BDICI,[^\r]*\r\n[^\r]*\r\n/), /IC card 0242286/);
      assert.match(
        await transmission("msg 0179773 hi", /terminal answer: \$BDFKI,TXA[^\r]*\r\n[^\r]*\r\n/),
        /TXA accepted by the terminal/,
      );
      assert.match(await transmission("locate", /RDSS position of 0242286: [^\r]*\r\n/), /DWA accepted/);
    });
  });

  describe("--console stdio on a terminal", () => {
    it("runs the console on the process's own terminal; Ctrl-C stops the gateway", async () => {
      await stopGateway(); // one reader per terminal pty
      const script = path.join(dir, "gw-stdio.sh");
      const pidFile = path.join(dir, "gw-stdio.pid");
      // The gateway's stdin/stdout is a pty made by socat (as when run from a shell); its pid survives the execs.
      fs.writeFileSync(
        script,
        [
          "#!/bin/sh",
          `echo $$ > '${pidFile}'`,
          `exec unshare -rn sh -c 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$0" "$@"' ` +
            `'${process.execPath}' '${MAIN}' gateway --serial '${path.join(dir, terminal)}' --console stdio --config '${cfgFile}' 2>'${path.join(dir, "stdio.err")}'`,
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      const link = path.join(dir, "stdio-user");
      const sc = spawn("socat", [`pty,raw,echo=0,link=${link}`, `EXEC:${script},pty,raw,echo=0`], { stdio: "ignore" });
      try {
        await waitForPath(link);
        const term = new PtyUser(link);
        try {
          await term.waitFor(/type help for commands\r\nbd450> $/, 15000);
          assert.match(await term.cmd("show config"), /^sfi +BD0042 /m);
          assert.match(await term.cmd("status"), /^terminal +link /m);
          const pid = Number(fs.readFileSync(pidFile, "utf8"));
          term.send("\x03");
          const alive = () => {
            try {
              process.kill(pid, 0);
              return true;
            } catch {
              return false;
            }
          };
          await waitFor("gateway stopped on Ctrl-C", boundFor(1000), () => !alive(), 50);
          assert.match(fs.readFileSync(path.join(dir, "stdio.err"), "utf8"), /gateway stopped \(SIGINT\)/);
        } finally {
          term.close();
        }
      } finally {
        sc.kill("SIGTERM");
      }
    });
  });
});
