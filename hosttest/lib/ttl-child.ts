// Inside a private network namespace: the Moddable-built Linux firmware with the stored
// setting ttl = TTL sends a sentence; an independent receiver (lib/recvttl.c, IP_RECVTTL)
// reports the IP TTL of each datagram. Prints one JSON line {ttls, log}.
//   node ttl-child.js PROGRAM RECVTTL TTL
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GROUPS, NAVD } from "../../src/core/groups";
import { withChecksum } from "../../src/nmea/checksum";
import { boundFor, waitFor } from "./wait";

async function main(): Promise<void> {
  const [program, recvttl, ttl] = process.argv.slice(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bd450-ttl-"));
  const socat = spawn("socat", [`pty,raw,echo=0,link=${dir}/term`, `pty,raw,echo=0,link=${dir}/sim`], {
    stdio: "ignore",
  });
  await waitFor("pty pair", boundFor(500), () => fs.existsSync(`${dir}/term`) && fs.existsSync(`${dir}/sim`));
  fs.mkdirSync(`${dir}/prefs`);
  fs.writeFileSync(`${dir}/prefs/modpreferences.json`, JSON.stringify({ bd450: { sfi: "BD0001", ttl: Number(ttl) } }));
  const grp = GROUPS[NAVD];
  const rx = spawn(recvttl, [grp.address, String(grp.port), "2"], { stdio: ["ignore", "pipe", "inherit"] });
  let rxOut = "";
  rx.stdout!.on("data", (d) => (rxOut += d));
  await waitFor("receiver joined", boundFor(500), () => rxOut.startsWith("READY"));
  const fw = spawn(program, ["--terminal", `${dir}/term`, "--prefs", `${dir}/prefs`, "--baud", "115200"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  fw.stderr!.on("data", (d) => (log += d));
  await waitFor("firmware started", boundFor(1000), () => log.includes("bd450 (lin):"));
  const line = Buffer.from(
    withChecksum("$GPGGA,080000.00,2230.0000,N,11400.0000,E,1,14,0.8,12.3,M,-3.2,M,,") + "\r\n",
    "latin1",
  );
  const sim = fs.openSync(`${dir}/sim`, "w");
  fs.writeSync(sim, line);
  fs.writeSync(sim, line);
  fs.closeSync(sim);
  await waitFor("two datagrams received", boundFor(1000), () => (rxOut.match(/^TTL /gm) ?? []).length >= 2);
  fw.kill("SIGTERM");
  socat.kill("SIGTERM");
  const ttls = [...rxOut.matchAll(/^TTL (-?\d+) /gm)].map((m) => Number(m[1]));
  process.stdout.write(JSON.stringify({ ttls, log }) + "\n");
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
