// The web page on the board: the portable WebApp and HTTP engine (src/web) over the
// SDK's ECMA-419 sockets (embedded:io/socket/listener + tcp, already in the build
// through modules/io), pages from the firmware's resources, the password hash over the
// SDK's crypt modules (C SHA-256 Digest, HMAC, hardware-seeded RNG).

/// <reference path="../../../types/moddable/crypt.d.ts" />

import Resource from "Resource";
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import type { App, AppService } from "app/assemble";
import type { ConsoleHost } from "console/host";
import type { Clock, Timers } from "core/io";
import { Digest } from "crypt";
import HMAC from "hmac";
import RNG from "rng";
import { PAGES, WebApp } from "web/app";
import { type ListenerClass, serveHttp, type TcpClass } from "web/http";
import { BOARD_LIMITS } from "web/limits";
import type { WebCrypto } from "web/pbkdf2";

/** An exact ArrayBuffer of the bytes (the SDK's Digest writes ArrayBuffers). */
function buffer(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
    ? (b.buffer as ArrayBuffer)
    : (b.buffer as ArrayBuffer).slice(b.byteOffset, b.byteOffset + b.byteLength);
}

export const moddableWebCrypto: WebCrypto = {
  hmacSha256(key) {
    const h = new HMAC(new Digest("SHA256"), buffer(key));
    return (a, b) => new Uint8Array(b ? h.process(buffer(a), buffer(b)) : h.process(buffer(a)));
  },
  randomBytes: (n) => new Uint8Array(RNG.get(n)),
};

/** Page bytes straight from flash (no copy in RAM); undefined when the build lacks one. */
function page(file: string): Uint8Array | undefined {
  for (const p of PAGES)
    if (p.file === file) return Resource.exists(file) ? new Uint8Array(new Resource(file)) : undefined;
  return undefined;
}

export interface BoardWebOptions {
  host: ConsoleHost;
  clock: Clock;
  timers: Timers;
  port: number;
  log(code: string, text: string): void;
}

/** Start the web page on `port` (all unicast addresses of the board). Throws when the port cannot be bound. */
export function startBoardWeb(o: BoardWebOptions): { app: WebApp; close(): void } {
  const app = new WebApp({
    host: o.host,
    crypto: moddableWebCrypto,
    page,
    clock: o.clock,
    timers: o.timers,
    log: o.log,
    limits: BOARD_LIMITS,
  });
  const server = serveHttp({
    app,
    io: { Listener: Listener as unknown as ListenerClass, TCP: TCP as unknown as TcpClass },
    port: o.port,
    timers: o.timers,
  });
  return {
    app,
    close: () => {
      server.close();
      app.stop();
    },
  };
}

/**
 * The web page as a service of the assembly: started with the gateway when webPort and
 * webPass are set. lwIP refuses a listener while no interface is up ("no network"), so
 * a failed start is retried every 5 s (the first failure is logged) until the link is up.
 */
export function boardWebService(a: App, clock: Clock, timers: Timers): AppService {
  let web: { close(): void } | undefined;
  let retry: unknown;
  let failures = 0;
  const attempt = (port: number) => {
    retry = undefined;
    try {
      web = startBoardWeb({ host: a.host, clock, timers, port, log: (code, text) => a.events.add(code, text) });
      a.events.add("web", `web page on TCP port ${port}`);
    } catch (e) {
      if (failures++ === 0)
        a.events.add(
          "web.listen",
          `web page on TCP port ${port} not open yet (${(e as Error).message}); retrying every 5 s`,
        );
      retry = timers.set(() => attempt(port), 5000, false);
    }
  };
  return {
    start() {
      const c = a.host.getConfig();
      if (c.webPort <= 0 || c.webPass === "") {
        a.events.add("web.off", c.webPass === "" ? "web page off: no webPass set" : "web page off: webPort 0");
        return;
      }
      attempt(c.webPort);
    },
    stop() {
      if (retry !== undefined) timers.clear(retry);
      retry = undefined;
      web?.close();
      web = undefined;
    },
  };
}
