// A multicast listener in its own process (its own event loop, so a busy test
// process cannot make the kernel drop datagrams). Joins every 450 sentence group
// on the given interface, prints "READY" once every group is joined (/proc/net/igmp),
// then "COUNT n" whenever the number of datagrams received changed (checked every
// 50 ms), and on SIGTERM one JSON line: the datagrams ("GROUP hex", arrival order) and
// the kernel's UDP receive buffer error count of this network namespace before/after.
import { GROUP_COUNT, GROUPS } from "../../src/core/groups";
import { NodeUDP } from "../../src/platform/node/udp";
import { rcvbufErrors } from "./udp-stats";
import { boundFor, igmpUsers, waitFor } from "./wait";

const iface = process.argv[2] ?? "127.0.0.1";
const before = rcvbufErrors();
const datagrams: string[] = [];
const sockets: NodeUDP[] = [];
for (let g = 1; g <= GROUP_COUNT; g++) {
  const s: NodeUDP = new NodeUDP({
    port: GROUPS[g].port,
    reuseAddr: true,
    interface: iface,
    receiveBufferSize: 4 << 20,
    onReadable() {
      for (let d = s.read(); d; d = s.read()) datagrams.push(GROUPS[g].name + " " + Buffer.from(d).toString("hex"));
    },
  });
  s.add(GROUPS[g].address);
  sockets.push(s);
}
let reported = 0;
const counter = setInterval(() => {
  if (datagrams.length !== reported) process.stdout.write(`COUNT ${(reported = datagrams.length)}\n`);
}, 50);
const device = iface === "127.0.0.1" ? "lo" : iface;
waitFor("listener joined every group", boundFor(500), () =>
  GROUPS.slice(1, GROUP_COUNT + 1).every((g) => igmpUsers(g.address, device) > 0),
).then(
  () => process.stdout.write("READY\n"),
  (e) => {
    process.stderr.write(String(e) + "\n");
    process.exit(1);
  },
);
process.on("SIGTERM", () => {
  clearInterval(counter);
  for (const s of sockets) s.close();
  process.stdout.write(JSON.stringify({ datagrams, rcvbufErrors: rcvbufErrors() - before }) + "\n", () =>
    process.exit(0),
  );
});
