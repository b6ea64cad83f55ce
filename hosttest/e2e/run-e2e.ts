// End-to-end run, executed INSIDE a private network namespace (see hosttest/lib/netns.ts):
// pty fixture (socat) -> `bd450 gateway` process -> UDP multicast on lo -> listener.
// A 4th argument `moddable:COUNT:PROGRAM` runs the Moddable-built firmware (Linux host)
// as the gateway instead, same input and listener; it prints no counters, so the run
// ends when the listener heard COUNT datagrams (the Node run's count) or its bound passed.
// Prints one JSON object: the bytes the terminal wrote, the datagrams in arrival
// order, and the gateway's final counters. The mocha test judges it.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startFirmware } from "../../src/cli/demo";
import { leftovers } from "../../src/platform/node/leftovers";
import { BuiltinMix } from "../../src/sim/mix";
import { SimSession } from "../../src/sim/session";
import { finalStats } from "../lib/final-stats";
import { BIN, NMEA_CORPUS } from "../lib/paths";
import { referenceSentences } from "../lib/strict-reader";
import { boundFor, waitFor } from "../lib/wait";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const epochs = Number(args[0] ?? 40);
  const extraLog = args[1] ?? path.join(NMEA_CORPUS, "ntpsec-gpsd__ublox-neo-m9n-nmea.log");
  const baud = Number(args[2] ?? 921600);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-e2e-"));
  // Input: the built-in RNSS + RDSS mix with line noise, then a real receiver log.
  const mix = new BuiltinMix({ noiseEvery: 7 });
  const parts: Uint8Array[] = [];
  for (let e = 0; e < epochs; e++) parts.push(...mix.next());
  if (extraLog !== "-") parts.push(fs.readFileSync(extraLog).filter(() => true));
  const input = Buffer.concat(parts);
  const inputFile = path.join(dir, "input.log");
  fs.writeFileSync(inputFile, input);

  // The listener runs in its own process (see lib/listener-child.ts).
  const listener = spawn(process.execPath, [path.join(__dirname, "..", "lib", "listener-child.js"), "127.0.0.1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let lout = "";
  let heardCount = 0;
  listener.stdout!.on("data", (d) => {
    lout += d;
    const m = /COUNT (\d+)\n(?![\s\S]*COUNT)/.exec(lout);
    if (m) heardCount = Number(m[1]);
  });
  await waitFor("listener joined every group", boundFor(1000), () => lout.startsWith("READY"));
  const listenerDone = new Promise<void>((r) => listener.on("exit", () => r()));
  const sim = new SimSession({ leftovers, log: inputFile, baud, waitHost: true, link: path.join(dir, "ttyBD") });
  await sim.open();
  const engine = args[3] ?? "node";
  const moddable = /^moddable:(\d+):(.+)$/.exec(engine);
  let gwErr = "";
  let stats: Record<string, number> = {};
  const gw = moddable
    ? startFirmware(
        moddable[2],
        { terminal: sim.gatewayPath, prefs: path.join(dir, "prefs"), baud, sfi: "BD0001" },
        (d) => (gwErr += d),
      )
    : spawn(
        process.execPath,
        [
          BIN,
          "gateway",
          "--serial",
          sim.gatewayPath,
          "--baud",
          String(baud),
          "--interface",
          "127.0.0.1",
          "--sfi",
          "BD0001",
          "--stats",
          "1",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
  if (!moddable)
    gw.stderr!.on("data", (d) => {
      gwErr += d;
      const lines = gwErr.split("\n").filter((l) => l.startsWith('{"bytesIn"'));
      if (lines.length)
        try {
          stats = JSON.parse(lines[lines.length - 1]);
        } catch {
          /* partial */
        }
    });
  const exited = new Promise<void>((r) => gw.on("exit", () => r()));
  let gone = false;
  void exited.then(() => (gone = true));
  sim.start();
  await Promise.race([sim.done, exited]);
  if (moddable) {
    const expected = Number(moddable[1]);
    await waitFor(
      "the listener heard as many datagrams as the Node engine sent",
      boundFor(1000),
      () => gone || heardCount >= expected,
    ).catch(() => undefined);
  } else {
    // The last datagrams in flight: wait until the gateway (its --stats 1 lines) has read
    // every valid sentence written and the listener has heard every datagram it counted sending.
    const valid = referenceSentences(input).length;
    const sent = await waitFor(
      "the gateway read every valid sentence written",
      boundFor(1000),
      () => gone || ((stats.sentencesIn ?? 0) >= valid ? (stats.datagrams ?? 0) : 0),
    );
    if (!gone)
      await waitFor(
        "the listener heard every datagram sent",
        boundFor(1000),
        () => heardCount >= (sent as number),
      ).catch(() => undefined);
  }
  gw.kill("SIGTERM");
  await exited;
  await sim.close();
  listener.kill("SIGTERM");
  await listenerDone;
  const heard = JSON.parse(lout.split("\n").find((l) => l.startsWith("{"))!);
  const datagrams: string[] = heard.datagrams;
  const final = finalStats(gwErr);
  process.stdout.write(
    JSON.stringify({
      input: input.toString("hex"),
      datagrams,
      rcvbufErrors: heard.rcvbufErrors,
      final,
      hostBytes: sim.hostBytes,
      gatewayLog: gwErr.split("\n").filter((l) => !l.startsWith("{")),
    }) + "\n",
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
