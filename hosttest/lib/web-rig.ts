// An in-process gateway (no serial port, no UDP: fed with bytes) behind the real web
// server on 127.0.0.1:<free port>, for the API, attack and browser tests.

import { RDSS40_COMMAND_KEYS } from "../../src/beidou/table";
import { BeidouWiring } from "../../src/beidou/wiring";
import { applySettings } from "../../src/console/apply";
import { GatewayConsoleHost } from "../../src/console/gateway-host";
import { loadSettings } from "../../src/console/persist";
import { Gateway } from "../../src/core/gateway";
import { nodeClock, nodeTimers } from "../../src/platform/node/host";
import { hostPages, startNodeWeb } from "../../src/platform/node/web";
import { installHostPasswordHasher, nodeWebCrypto } from "../../src/platform/node/web-crypto";
import { WebApp } from "../../src/web/app";
import { serveHttp } from "../../src/web/http";
import type { WebLimits } from "../../src/web/limits";
import { listenerPort, NodeListenerClass, NodeTcpClass } from "./tcp419";

export { MemoryStore } from "./memory-store";

import { MemoryStore } from "./memory-store";

/** node: the host's node:http adapter; board: the board's HTTP engine (src/web/http.ts) over ECMA-419-shaped node:net sockets. */
export type WebEngine = "node" | "board";
export const ENGINES: WebEngine[] = ["node", "board"];

export const PASSWORD = "harbour-pilot-7";

function checksummed(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return "$" + body + "*" + x.toString(16).toUpperCase().padStart(2, "0") + "\r\n";
}

export interface WebRig {
  url: string;
  port: number;
  app: WebApp;
  gw: Gateway;
  host: GatewayConsoleHost;
  store: MemoryStore;
  events(): Array<{ code: string; text: string }>;
  /** Feed one NMEA sentence body (checksum and CR LF added). */
  feed(body: string): void;
  reboots: number;
  close(): Promise<void>;
}

export async function webRig(limits?: Partial<WebLimits>, engine: WebEngine = "node"): Promise<WebRig> {
  installHostPasswordHasher();
  const store = new MemoryStore();
  const loaded = loadSettings(store);
  const wiring = new BeidouWiring({ clock: nodeClock });
  const gw = new Gateway({
    config: loaded.config,
    clock: nodeClock,
    onUnit: wiring.onUnit,
    convertFrame: wiring.convertFrame,
    frameCommands: RDSS40_COMMAND_KEYS,
  });
  wiring.attach({ events: gw.events, rejects: gw.framerCounters });
  const rig = { reboots: 0 } as WebRig;
  const host = new GatewayConsoleHost({
    gateway: gw,
    state: wiring.state,
    store,
    loaded,
    clock: nodeClock,
    reboot: () => rig.reboots++,
  });
  // The password goes in the way the console sets it: through the schema, hashed.
  const set = applySettings(host, [["webPass", PASSWORD]]);
  if ("errors" in set) throw new Error(set.errors.join("; "));
  const app = new WebApp({
    host,
    crypto: nodeWebCrypto,
    page: hostPages(),
    clock: nodeClock,
    timers: nodeTimers,
    log: (c, t) => gw.events.add(c, t),
    limits,
  });
  let port: number, stop: () => Promise<void>;
  if (engine === "node") {
    const server = await startNodeWeb(() => app, "127.0.0.1", 0);
    port = server.port;
    stop = () => server.close();
  } else {
    const server = serveHttp({
      app,
      io: { Listener: NodeListenerClass, TCP: NodeTcpClass },
      port: 0,
      address: "127.0.0.1",
      timers: nodeTimers,
    });
    port = await listenerPort(server.listener);
    stop = async () => server.close();
  }
  Object.assign(rig, {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    gw,
    host,
    store,
    events: () => gw.events.recent(500).map((e) => ({ code: e.code, text: e.text })),
    feed: (body: string) => gw.feed(Uint8Array.from(checksummed(body), (c) => c.charCodeAt(0))),
    close: async () => {
      app.stop();
      await stop();
    },
  });
  return rig;
}
