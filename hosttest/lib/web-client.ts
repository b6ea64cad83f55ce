// HTTP over real sockets for the web tests: node:http for well-formed requests, raw
// node:net for the malformed ones an attacker would send.
import * as http from "node:http";
import * as net from "node:net";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

export function request(
  base: string,
  method: string,
  path: string,
  o: { headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: {
          ...(o.body !== undefined
            ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(o.body)) }
            : {}),
          ...o.headers,
        },
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          let json: any;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on("error", reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

/** A logged-in client: cookie + CSRF token, as the page holds them. */
export class Client {
  cookie = "";
  csrf = "";
  constructor(readonly base: string) {}

  async login(password: string): Promise<Reply> {
    const r = await request(this.base, "POST", "/api/login", { body: JSON.stringify({ password }) });
    const set = r.headers["set-cookie"]?.[0];
    if (r.status === 200 && set) {
      this.cookie = set.split(";")[0];
      this.csrf = r.json.csrf;
    }
    return r;
  }

  get(path: string): Promise<Reply> {
    return request(this.base, "GET", path, { headers: { cookie: this.cookie } });
  }

  post(path: string, body?: unknown, withToken = true): Promise<Reply> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (withToken) headers["x-csrf-token"] = this.csrf;
    return request(this.base, "POST", path, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }
}

export interface RawResult {
  data: string;
  closed: boolean;
  ms: number;
}

/**
 * Send `chunks` on a raw TCP connection (each after `gapMs`, if given) and collect
 * what comes back until the server closes or `waitMs` passes.
 */
export function raw(
  port: number,
  chunks: Array<string | Buffer>,
  o: { gapMs?: number; waitMs?: number } = {},
): Promise<RawResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect(port, "127.0.0.1");
    let data = "";
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(sender);
      s.destroy();
      resolve({ data, closed, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), o.waitMs ?? 5000);
    s.on("data", (d) => (data += d.toString("latin1")));
    s.on("close", () => finish(true));
    s.on("error", () => finish(true));
    let i = 0;
    let sender: NodeJS.Timeout | undefined;
    s.on("connect", () => {
      if (!o.gapMs) {
        for (const c of chunks) s.write(c);
        return;
      }
      s.write(chunks[i++]);
      sender = setInterval(() => {
        if (i < chunks.length && !s.destroyed) s.write(chunks[i++]);
      }, o.gapMs);
    });
  });
}
