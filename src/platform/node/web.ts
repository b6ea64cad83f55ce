// The web page on the host: node:http in front of the portable WebApp (src/web/app.ts).
// Node parses HTTP; the bounds are the WebApp's (RequestMeter, connection count, time
// per request), applied here and through node's own limits (maxHeaderSize, timeouts).

import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import type { App, AppService } from "../../app/assemble";
import { PAGES, WebApp } from "../../web/app";
import { KEPT_HEADERS } from "../../web/limits";
import { nodeClock, nodeTimers } from "./host";
import { nodeWebCrypto } from "./web-crypto";

/** The page set's files (src/web/pages, next to the sources; dist/ holds only compiled code). */
export function hostPages(): (file: string) => Uint8Array | undefined {
  const dir = path.resolve(__dirname, "..", "..", "..", "..", "src", "web", "pages");
  const files = new Map<string, Uint8Array>();
  for (const p of PAGES) files.set(p.file, new Uint8Array(fs.readFileSync(path.join(dir, p.file))));
  return (file) => files.get(file);
}

/** `ADDR:PORT` for --web: a unicast IPv4 address (never a multicast group) and a port. */
export function parseWebAddress(s: string): { address: string; port: number } | { error: string } {
  const m = /^([0-9.]+):([0-9]{1,5})$/.exec(s);
  if (!m || !net.isIPv4(m[1]))
    return { error: `--web "${s}" breaks rule: ADDR:PORT with an IPv4 address, e.g. 127.0.0.1:8450` };
  const first = Number(m[1].split(".")[0]);
  if (first >= 224)
    return { error: `--web ${m[1]} breaks rule: the web page serves unicast only (not multicast or broadcast)` };
  const port = Number(m[2]);
  if (port > 65535) return { error: `--web port ${m[2]} breaks rule: 0..65535 (0: any free port)` };
  return { address: m[1], port };
}

function send(res: http.ServerResponse, r: { status: number; headers: string[]; body: string | Uint8Array }): void {
  if (res.headersSent || res.destroyed) return;
  const body =
    typeof r.body === "string"
      ? Buffer.from(r.body, "utf8")
      : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  const headers: http.OutgoingHttpHeaders = { "content-length": body.length, connection: "close" };
  for (let i = 0; i < r.headers.length; i += 2) headers[r.headers[i]] = r.headers[i + 1];
  res.writeHead(r.status, headers);
  res.end(body);
}

export interface NodeWebServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serve `app()` (the current boot's WebApp; the server outlives an in-process reboot)
 * on address:port. Resolves once listening.
 */
export function startNodeWeb(app: () => WebApp | undefined, address: string, port: number): Promise<NodeWebServer> {
  const limits = () => app()?.limits;
  const l0 = limits()!;
  const server = http.createServer({
    maxHeaderSize: l0.maxHeaderBytes + l0.maxTarget + 32,
    headersTimeout: l0.requestMs,
    requestTimeout: l0.requestMs,
    keepAlive: false,
    connectionsCheckingInterval: 250,
  });
  const sockets = new Set<net.Socket>();
  server.on("connection", (sock: net.Socket) => {
    const a = app();
    sockets.add(sock);
    sock.once("close", () => sockets.delete(sock));
    if (!a?.admit()) {
      sock.end("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      sock.destroySoon();
      return;
    }
    sock.once("close", () => a.release());
    // A connection that never completes a request (or keeps one open) goes after twice the request time.
    sock.setTimeout(2 * a.limits.requestMs, () => sock.destroy());
  });
  server.on("clientError", (err: NodeJS.ErrnoException, sock: net.Socket) => {
    const code = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    app()?.refused(code, `${err.code ?? "bad request"}`, sock.remoteAddress ?? "?");
    if (sock.writable)
      sock.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    sock.destroySoon();
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const a = app();
    const remote = req.socket.remoteAddress ?? "?";
    if (!a) return send(res, { status: 503, headers: [], body: "" });
    const refuse = (status: number, reason: string) => {
      send(res, a.refused(status, reason, remote));
      req.socket.destroySoon();
    };
    const meter = a.meter();
    let r = meter.start(req.method ?? "", req.url ?? "");
    const headers: Record<string, string> = {};
    for (let i = 0; !r && i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase(),
        value = req.rawHeaders[i + 1];
      r = meter.header(name, value);
      if (KEPT_HEADERS.indexOf(name) >= 0 && headers[name] === undefined) headers[name] = value;
    }
    if (r) return refuse(r.status, r.reason);
    const deadline = setTimeout(
      () => refuse(408, `request not complete within ${a.limits.requestMs} ms`),
      a.limits.requestMs,
    );
    const chunks: Buffer[] = [];
    let failed = false;
    req.on("data", (d: Buffer) => {
      if (failed) return;
      const over = meter.body(d.length);
      if (over) {
        failed = true;
        clearTimeout(deadline);
        return refuse(over.status, over.reason);
      }
      chunks.push(d);
    });
    req.on("error", () => clearTimeout(deadline));
    req.on("end", () => {
      // Received in time: what follows (a password check, its delay) is the server's own time.
      clearTimeout(deadline);
      if (failed) return;
      a.handle(
        { method: req.method!, target: req.url!, headers, body: Buffer.concat(chunks).toString("utf8"), remote },
        (out) => send(res, out),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => {
      server.off("error", reject);
      const bound = server.address() as net.AddressInfo;
      resolve({
        address: bound.address,
        port: bound.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * `bd450 gateway --web ADDR:PORT`: one listener for the process (it outlives an
 * in-process reboot), a WebApp per boot as a service of the assembly. No password,
 * no web server: it listens only while webPass is set (checked at each boot).
 */
export class HostWeb {
  private app: WebApp | undefined;
  private server: NodeWebServer | undefined;
  private opening = false;
  private readonly pages = hostPages();

  constructor(
    readonly address: string,
    readonly port: number,
    private readonly log: (line: string) => void,
  ) {}

  service(a: App): AppService {
    return {
      start: () => {
        this.app = new WebApp({
          host: a.host,
          crypto: nodeWebCrypto,
          page: this.pages,
          clock: nodeClock,
          timers: nodeTimers,
          log: (code, text) => a.events.add(code, text),
        });
        if (this.app.enabled) this.open(a);
        else {
          if (this.server) {
            void this.server.close();
            this.server = undefined;
          }
          a.events.add("web.off", "web page off: no webPass set (set webPass on the console or with bd450 config set)");
        }
      },
      stop: () => {
        this.app?.stop();
        this.app = undefined;
      },
    };
  }

  private open(a: App): void {
    if (this.server || this.opening) return;
    this.opening = true;
    startNodeWeb(() => this.app, this.address, this.port).then(
      (srv) => {
        this.opening = false;
        this.server = srv;
        this.log(`web: page at http://${srv.address}:${srv.port}/`);
      },
      (e: Error) => {
        this.opening = false;
        a.events.add("web.listen", `web page on ${this.address}:${this.port} failed: ${e.message}`);
      },
    );
  }

  close(): Promise<void> {
    this.app?.stop();
    const s = this.server;
    this.server = undefined;
    return s ? s.close() : Promise.resolve();
  }
}
