// The web page's request handling: page set, login + sessions + CSRF, and the JSON API,
// over the same ConsoleHost the serial console uses (status, settings through the one
// schema with all-or-nothing apply, log, alerts, terminal operations, counters, save,
// reboot). Portable: the adapters (node:http on the host, the SDK's http Server on the
// board) parse HTTP within RequestMeter's bounds and call handle() with a small request
// record; nothing here touches a socket, a file or a host global.

import { applySettings, saveChecked } from "../console/apply";
import type { ConsoleHost } from "../console/host";
import { TERMINAL_OPS } from "../console/terminal";
import type { Clock, Timers } from "../core/io";
import { PASS_HASH_RE, PASS_MAX, PASS_MIN, SETTINGS, type SettingKey, type SettingValue } from "../settings/settings";
import { DEFAULT_LIMITS, RequestMeter, type WebLimits } from "./limits";
import { PasswordCheck, PasswordHashJob } from "./password";
import { sameText, toHex, type WebCrypto } from "./pbkdf2";

export interface WebRequest {
  method: string;
  /** Request target as received ("/api/log?n=20"); never decoded or mapped to a file. */
  target: string;
  /** Lower-case names; only KEPT_HEADERS. */
  headers: Record<string, string>;
  body: string;
  /** Peer address, for the log. */
  remote: string;
}

export interface WebResponse {
  status: number;
  /** Flat name, value list (the SDK http Server's shape). */
  headers: string[];
  body: string | Uint8Array;
}

/** The page set: the only paths served outside /api/. Bytes come from the firmware's resources (board) or src/web/pages (host). */
export const PAGES: ReadonlyArray<{ path: string; file: string; type: string }> = [
  { path: "/", file: "index.html", type: "text/html; charset=utf-8" },
  { path: "/app.js", file: "app.js", type: "text/javascript; charset=utf-8" },
  { path: "/app.css", file: "app.css", type: "text/css; charset=utf-8" },
];

export interface WebAppOptions {
  host: ConsoleHost;
  crypto: WebCrypto;
  /** Page bytes by file name (PAGES[].file). */
  page(file: string): Uint8Array | undefined;
  clock: Clock;
  timers: Timers;
  /** System log (EventLog.add). */
  log(code: string, text: string): void;
  limits?: Partial<WebLimits>;
}

export interface WebCounters {
  requests: number;
  loginOk: number;
  loginFailed: number;
  lockouts: number;
  /** Requests answered 4xx/5xx, and connections refused at the limit. */
  refused: number;
  connectionsRefused: number;
}

interface Session {
  csrf: string;
  lastUsed: number;
  /** The stored password hash at login: a new password ends the session. */
  pass: string;
}

const COOKIE = "bd450s";
const SECURITY_HEADERS = [
  "cache-control",
  "no-store",
  "x-content-type-options",
  "nosniff",
  "x-frame-options",
  "DENY",
  "referrer-policy",
  "no-referrer",
];
const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

type Done = (res: WebResponse) => void;
type Handler = (app: WebApp, req: WebRequest, body: Record<string, unknown>, done: Done) => void;

interface Route {
  method: "GET" | "POST";
  path: string;
  run: Handler;
}

export function json(status: number, value: unknown, extra?: string[]): WebResponse {
  return {
    status,
    headers: ["content-type", "application/json", ...SECURITY_HEADERS, ...(extra ?? [])],
    body: JSON.stringify(value),
  };
}

function failure(status: number, error: string, more?: Record<string, unknown>): WebResponse {
  return json(status, { error, ...more });
}

/** Setting value from JSON as the console would type it, so the schema's parser and rules apply unchanged. */
function typedText(v: unknown): string | undefined {
  if (typeof v === "boolean") return v ? "on" : "off";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === "string") return v;
  return undefined;
}

/** The setting a schema error is about: errors start with the key (`ttl: ...`, `ipAddr "..." breaks ...`). */
function errorKey(message: string, candidates: string[]): string | undefined {
  const m = /^"?([A-Za-z0-9]+)/.exec(message);
  if (m) for (const r of SETTINGS) if (r.key === m[1] || r.key.toLowerCase() === m[1].toLowerCase()) return r.key;
  return candidates.length === 1 ? candidates[0] : undefined;
}

function op(name: string) {
  for (const o of TERMINAL_OPS) if (o.name === name) return o;
  throw new Error(`no terminal operation ${name}`);
}

const ROUTES: Route[] = [
  { method: "POST", path: "/api/login", run: (app, req, body, done) => app.login(req, body, done) },
  {
    method: "POST",
    path: "/api/logout",
    run: (app, req, _b, done) => {
      app.logout(req);
      done(json(200, { ok: true }, ["set-cookie", `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`]));
    },
  },
  {
    method: "GET",
    path: "/api/status",
    run: (app, _r, _b, done) => done(json(200, { ...app.host.status(), web: app.counters })),
  },
  { method: "GET", path: "/api/config", run: (app, _r, _b, done) => done(json(200, app.configView())) },
  { method: "POST", path: "/api/config", run: (app, req, body, done) => app.setConfigInSteps(req, body, done) },
  {
    method: "GET",
    path: "/api/log",
    run: (app, req, _b, done) => {
      const m = /[?&]n=([0-9]{1,4})(&|$)/.exec(req.target);
      const n = m ? Math.max(1, Math.min(200, Number(m[1]))) : 50;
      done(json(200, { events: app.host.log(n).map((e) => ({ time: e.time, code: e.code, text: e.text })) }));
    },
  },
  {
    method: "POST",
    path: "/api/alerts/ack",
    run: (app, req, body, done) => {
      const id = body.id;
      if (typeof id !== "string" || id.length > 80)
        return done(failure(400, 'body breaks rule: {"id": "<alert id from /api/status>"}'));
      if (!app.host.acknowledgeAlert) return done(failure(501, "no alert manager in this build"));
      const why = app.host.acknowledgeAlert(id);
      if (why) return done(failure(409, `alert ${id}: ${why}`));
      app.note("web.alert", `alert ${id} acknowledged from the web page (${req.remote})`);
      done(json(200, { ok: true }));
    },
  },
  {
    method: "POST",
    path: "/api/message",
    run: (app, req, body, done) => {
      const to = body.to,
        text = body.text;
      if (typeof to !== "string" || typeof text !== "string")
        return done(failure(400, 'body breaks rule: {"to": "<user address>", "text": "<message>"}'));
      // As typed on the console: printable ASCII on one line.
      if (!/^[\x20-\x7e]+$/.test(text))
        return done(failure(400, "text breaks rule: printable ASCII characters on one line"));
      const words = text.split(/\s+/).filter((w) => w !== "");
      done(app.terminal("msg", [to, ...words], `${to} ${text}`, req));
    },
  },
  { method: "POST", path: "/api/locate", run: (app, req, _b, done) => done(app.terminal("locate", [], "", req)) },
  {
    method: "POST",
    path: "/api/counters/reset",
    run: (app, req, _b, done) => {
      app.host.resetCounters();
      app.note("web", `counters reset from the web page (${req.remote})`);
      done(json(200, { ok: true }));
    },
  },
  {
    method: "POST",
    path: "/api/save",
    run: (app, req, _b, done) => {
      const err = saveChecked(app.host);
      if (err) return done(failure(409, err));
      app.unsaved = [];
      app.note("web", `settings saved from the web page (${req.remote})`);
      done(json(200, { ok: true }));
    },
  },
  {
    method: "POST",
    path: "/api/reboot",
    run: (app, req, _b, done) => {
      app.note("web", `reboot requested from the web page (${req.remote})`);
      done(json(200, { ok: true, rebooting: true }));
      // After the answer has gone out.
      app.later(() => app.host.reboot(), 200);
    },
  },
];

export class WebApp {
  readonly host: ConsoleHost;
  readonly limits: WebLimits;
  readonly counters: WebCounters = {
    requests: 0,
    loginOk: 0,
    loginFailed: 0,
    lockouts: 0,
    refused: 0,
    connectionsRefused: 0,
  };
  /** Keys changed from the web page since its last save. */
  unsaved: SettingKey[] = [];
  private readonly o: WebAppOptions;
  private readonly sessions = new Map<string, Session>();
  private connections = 0;
  private consecutiveFailures = 0;
  private lockedUntil = 0;
  /** One password check at a time (each costs thousands of HMACs). */
  private checking = false;
  private stopped = false;
  private readonly timers = new Set<unknown>();

  constructor(options: WebAppOptions) {
    this.o = options;
    this.host = options.host;
    const l: WebLimits = { ...DEFAULT_LIMITS };
    if (options.limits)
      for (const k in options.limits)
        (l as unknown as Record<string, number>)[k] = (options.limits as Record<string, number>)[k];
    this.limits = l;
  }

  /** Web server wanted: a password is set. */
  get enabled(): boolean {
    return this.host.getConfig().webPass !== "";
  }

  meter(): RequestMeter {
    return new RequestMeter(this.limits);
  }

  /** A new connection: false when at the limit (answer 503 and close). */
  admit(): boolean {
    if (this.connections >= this.limits.maxConnections) {
      this.counters.connectionsRefused++;
      return false;
    }
    this.connections++;
    return true;
  }

  release(): void {
    if (this.connections > 0) this.connections--;
  }

  /** A request refused by the adapter or the meter (408, 413, 431, ...): counted, and logged when it looks like an attack. */
  refused(status: number, reason: string, remote: string): WebResponse {
    this.counters.refused++;
    this.note("web.refused", `${status} to ${remote}: ${reason}`);
    return failure(status, reason);
  }

  note(code: string, text: string): void {
    this.o.log(code, text);
  }

  later(fn: () => void, ms: number): void {
    if (this.stopped) return;
    const h = this.o.timers.set(
      () => {
        this.timers.delete(h);
        if (!this.stopped) fn();
      },
      ms,
      false,
    );
    this.timers.add(h);
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.timers) this.o.timers.clear(h);
    this.timers.clear();
    this.sessions.clear();
  }

  handle(req: WebRequest, done: Done): void {
    this.counters.requests++;
    const finish: Done = (res) => {
      if (res.status >= 400) this.counters.refused++;
      done(res);
    };
    try {
      this.dispatch(req, finish);
    } catch (e) {
      // A handler or host failure answers 500; it never takes the gateway down.
      this.note("web.error", `${req.method} ${req.target.slice(0, 60)}: ${(e as Error).message}`);
      finish(failure(500, "internal error"));
    }
  }

  private dispatch(req: WebRequest, done: Done): void {
    const q = req.target.indexOf("?");
    const path = q < 0 ? req.target : req.target.slice(0, q);
    if (!path.startsWith("/api/")) {
      for (const p of PAGES) {
        if (p.path !== path) continue;
        if (req.method !== "GET") return done(failure(405, "pages are read with GET", undefined));
        const bytes = this.o.page(p.file);
        if (!bytes) return done(failure(404, "page missing from this build"));
        return done({
          status: 200,
          headers: ["content-type", p.type, "content-security-policy", PAGE_CSP, ...SECURITY_HEADERS],
          body: bytes,
        });
      }
      return done(failure(404, "not found"));
    }
    // Before login every API path but login answers 401, known or not, whatever the method.
    const s = path === "/api/login" ? undefined : this.session(req);
    if (path !== "/api/login" && !s) return done(failure(401, "log in first (POST /api/login)"));
    let route: Route | undefined;
    let otherMethod = false;
    for (const r of ROUTES) {
      if (r.path !== path) continue;
      if (r.method === req.method) route = r;
      else otherMethod = true;
    }
    if (!route)
      return done(otherMethod ? failure(405, `${path} does not take ${req.method}`) : failure(404, "no such API path"));
    if (route.method === "POST") {
      // Same-origin only: browsers send Origin on every cross-site POST.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== "http://" + req.headers.host)
        return done(failure(403, "cross-origin request refused"));
      if (s) {
        const token = req.headers["x-csrf-token"];
        if (token === undefined || !sameText(token, s.csrf)) return done(failure(403, "missing or wrong X-CSRF-Token"));
      }
    }
    let body: Record<string, unknown> = {};
    if (route.method === "POST" && req.body !== "") {
      if (!/^application\/json\b/.test(req.headers["content-type"] ?? ""))
        return done(failure(415, "send the body as application/json"));
      try {
        const v = JSON.parse(req.body);
        if (v === null || typeof v !== "object" || Array.isArray(v))
          return done(failure(400, "body breaks rule: a JSON object"));
        body = v as Record<string, unknown>;
      } catch {
        return done(failure(400, "body is not valid JSON"));
      }
    }
    route.run(this, req, body, done);
  }

  // ---- sessions ---------------------------------------------------------------

  private token(req: WebRequest): string | undefined {
    const c = req.headers.cookie;
    if (!c) return undefined;
    const m = /(?:^|;\s*)bd450s=([0-9a-f]{32})(?:;|$)/.exec(c);
    return m ? m[1] : undefined;
  }

  private session(req: WebRequest): Session | undefined {
    const t = this.token(req);
    if (!t) return undefined;
    const s = this.sessions.get(t);
    if (!s) return undefined;
    const now = this.o.clock.monotonic();
    if (now - s.lastUsed > this.limits.sessionIdleMs || s.pass !== this.host.getConfig().webPass) {
      this.sessions.delete(t);
      return undefined;
    }
    s.lastUsed = now;
    return s;
  }

  logout(req: WebRequest): void {
    const t = this.token(req);
    if (t) this.sessions.delete(t);
    this.note("web.logout", `logged out (${req.remote})`);
  }

  login(req: WebRequest, body: Record<string, unknown>, done: Done): void {
    const now = this.o.clock.monotonic();
    if (now < this.lockedUntil) {
      const s = Math.ceil((this.lockedUntil - now) / 1000);
      return done(
        json(429, { error: `too many wrong passwords: logins locked for ${s} s` }, ["retry-after", String(s)]),
      );
    }
    if (this.checking)
      return done(json(429, { error: "another login is being checked; retry in a second" }, ["retry-after", "1"]));
    const password = body.password;
    if (typeof password !== "string") return done(failure(400, 'body breaks rule: {"password": "..."}'));
    const stored = this.host.getConfig().webPass;
    const check = new PasswordCheck(this.o.crypto, stored, password);
    this.checking = true;
    const step = () => {
      if (!check.step(this.limits.hashStep)) return this.later(step, 0);
      if (check.matches()) {
        this.checking = false;
        this.consecutiveFailures = 0;
        this.counters.loginOk++;
        done(this.open(stored, req));
        return;
      }
      this.counters.loginFailed++;
      const n = ++this.consecutiveFailures;
      let text = `wrong password from ${req.remote} (${n} in a row, ${this.counters.loginFailed} in all)`;
      if (n >= this.limits.lockoutAfter) {
        this.lockedUntil = this.o.clock.monotonic() + this.limits.lockoutMs;
        this.consecutiveFailures = 0;
        this.counters.lockouts++;
        text += `; logins locked for ${this.limits.lockoutMs / 1000} s`;
      }
      this.note("web.login", text);
      // The delay holds `checking`, so no other guess is checked meanwhile.
      this.later(() => {
        this.checking = false;
        done(failure(401, "wrong password"));
      }, this.limits.loginDelayMs * Math.min(n, 4));
    };
    this.later(step, 0);
  }

  private open(pass: string, req: WebRequest): WebResponse {
    if (this.sessions.size >= this.limits.maxSessions) {
      // Drop the least recently used session.
      let oldest: string | undefined,
        at = Infinity;
      for (const [t, s] of this.sessions)
        if (s.lastUsed < at) {
          at = s.lastUsed;
          oldest = t;
        }
      if (oldest) this.sessions.delete(oldest);
    }
    const token = toHex(this.o.crypto.randomBytes(16));
    const csrf = toHex(this.o.crypto.randomBytes(16));
    this.sessions.set(token, { csrf, lastUsed: this.o.clock.monotonic(), pass });
    this.note("web.login", `logged in from ${req.remote}`);
    return json(200, { csrf }, ["set-cookie", `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`]);
  }

  // ---- API bodies ---------------------------------------------------------------

  configView(): unknown {
    const cfg = this.host.getConfig() as unknown as Record<string, SettingValue>;
    return {
      settings: SETTINGS.map((r) => ({
        key: r.key,
        kind: r.kind,
        range: r.range,
        apply: r.apply,
        help: r.help,
        choices: r.choices,
        // The password and its hash never leave the gateway: only whether one is set.
        value: r.secret ? "" : cfg[r.key],
        ...(r.secret ? { secret: true, set: cfg[r.key] !== "" } : {}),
      })),
      unsaved: this.unsaved,
    };
  }

  /**
   * POST /api/config. A new webPass is hashed first, in steps (the schema would hash it
   * in one go, which on the board holds the event loop for the whole derivation);
   * the schema then takes the stored form and checks everything together.
   */
  setConfigInSteps(req: WebRequest, body: Record<string, unknown>, done: Done): void {
    let key = "";
    for (const k in body) if (k.toLowerCase() === "webpass") key = k;
    const plain = key ? body[key] : undefined;
    if (
      typeof plain !== "string" ||
      plain === "" ||
      PASS_HASH_RE.test(plain) ||
      plain.length < PASS_MIN ||
      plain.length > PASS_MAX ||
      !/^[\x21-\x7e]+$/.test(plain)
    )
      return done(this.setConfig(req, body));
    const job = new PasswordHashJob(this.o.crypto, plain);
    const step = () => {
      if (!job.step(this.limits.hashStep)) return this.later(step, 0);
      done(this.setConfig(req, { ...body, [key]: job.stored() }));
    };
    this.later(step, 0);
  }

  setConfig(req: WebRequest, body: Record<string, unknown>): WebResponse {
    const pairs: [string, string][] = [];
    const keys = Object.keys(body);
    if (keys.length === 0) return failure(400, 'body breaks rule: {"key": value, ...} with at least one setting');
    for (const k of keys) {
      const t = typedText(body[k]);
      if (t === undefined)
        return failure(400, `${k} breaks rule: a value is a string, number or boolean`, {
          key: k,
          errors: [`${k} breaks rule: a value is a string, number or boolean`],
        });
      pairs.push([k, t]);
    }
    const out = applySettings(this.host, pairs, "GET /api/config");
    if ("errors" in out) return failure(400, out.errors[0], { key: errorKey(out.errors[0], keys), errors: out.errors });
    for (const k of out.changed) if (this.unsaved.indexOf(k) < 0) this.unsaved.push(k);
    this.note("web.config", `set ${out.changed.join(" ")} from the web page (${req.remote})`);
    return json(200, { changed: out.changed, restart: out.restart, unsaved: this.unsaved });
  }

  terminal(name: string, words: string[], rest: string, req: WebRequest): WebResponse {
    const o = op(name);
    if (!this.host.sendCommand) return failure(501, "terminal link not connected in this build");
    const built = o.encode(words, rest, this.host.terminalFamily?.());
    if ("error" in built) return failure(400, `${o.name}: ${built.error}`);
    const err = this.host.sendCommand(built.sentence);
    if (err) return failure(503, `the terminal queue refused ${o.formatter}: ${err}`);
    this.note("web.terminal", `${built.text.replace(/[\r\n]+$/, "")} sent from the web page (${req.remote})`);
    return json(200, { sent: built.text.replace(/[\r\n]+$/, ""), awaiting: o.expect });
  }
}
