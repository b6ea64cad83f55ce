// The bd450 daemon's client in the daemon benchmark (bench/daemons-child.ts): a
// multicast listener in its own process that joins every 450 sentence group on
// 127.0.0.1 and only counts — datagrams, and sentence lines (CR LF) in them — so that
// it keeps up with the gateway. Prints "READY" once bound, then "COUNT datagrams
// lines" whenever the count changed (every 50 ms at most), and on SIGTERM one JSON
// line with the totals and the namespace's UDP receive-buffer drops.
import * as dgram from "dgram";
import { rcvbufErrors } from "../hosttest/lib/udp-stats";
import { GROUP_COUNT, GROUPS } from "../src/core/groups";

const before = rcvbufErrors();
let datagrams = 0,
  sentences = 0,
  reported = -1; // sentences: CR LF lines in the datagrams
// Plain dgram sockets rather than the gateway's NodeUDP adapter: that one copies each
// datagram into a new ArrayBuffer, and a slower client drops datagrams under load.
const sockets: dgram.Socket[] = [];
let bound = 0;
for (let g = 1; g <= GROUP_COUNT; g++) {
  const s = dgram.createSocket({ type: "udp4", reuseAddr: true });
  s.on("message", (b) => {
    datagrams++;
    for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) sentences++;
  });
  s.bind(GROUPS[g].port, () => {
    s.setRecvBufferSize(8 << 20); // capped by net.core.rmem_max
    s.addMembership(GROUPS[g].address, "127.0.0.1");
    if (++bound === GROUP_COUNT) process.stdout.write("READY\n");
  });
  sockets.push(s);
}
setInterval(() => {
  if (datagrams !== reported) process.stdout.write(`COUNT ${(reported = datagrams)} ${sentences}\n`);
}, 50);
process.on("SIGTERM", () => {
  for (const s of sockets) s.close();
  process.stdout.write(JSON.stringify({ datagrams, sentences, rcvbufErrors: rcvbufErrors() - before }) + "\n", () =>
    process.exit(0),
  );
});
