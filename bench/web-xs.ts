// The web page's request handling on Moddable's XS engine (@agoric/xsnap), through the
// XS harness: the board's HTTP engine (src/web/http.ts) and WebApp over a real Gateway
// and GatewayConsoleHost, driven one step at a time (one onReadable or one timer
// callback per command), so the compute meter of each command is the cost of one turn
// of the board's event loop. Prints the longest step per request and the heap the web
// page holds, beside the receive path's stall tolerance from bench/results.json.
//
//   npm run build && node dist/bench/web-xs.js
//
// The HMAC inside the password check is a stand-in here (xsnap has no SDK crypt module)
// making the same calls as the SDK's hmac.js on a digest that does no hashing: on the
// board SHA-256 runs in C, which the XS meter does not see (estimated separately below).
// xsnap also lacks Moddable's native ArrayBuffer.fromString, so UTF-8 encoding of JSON
// slices runs the JavaScript fallback here: those steps are cheaper on the board.

import * as fs from "node:fs";
import * as path from "node:path";
import { bundle, repoRoot, XsWorker } from "../hosttest/xs/xs-harness";
import { ESP32_SLOWDOWN } from "./xs";

const PASSWORD = "harbour-pilot-7";
const FIFO = 128;

function script(pageSizes: Record<string, number>): string {
  return bundle(
    [
      "src/web/app",
      "src/web/http",
      "src/web/password",
      "src/core/gateway",
      "src/core/config",
      "src/console/gateway-host",
      "src/console/persist",
      "src/console/apply",
      "src/settings/settings",
      "src/beidou/wiring",
    ],
    `
  const { WebApp } = require("src/web/app");
  const { HttpConnection } = require("src/web/http");
  const { passwordHasher } = require("src/web/password");
  const { Gateway } = require("src/core/gateway");
  const { GatewayConsoleHost } = require("src/console/gateway-host");
  const { loadSettings } = require("src/console/persist");
  const { applySettings } = require("src/console/apply");
  const { setSecretHasher } = require("src/settings/settings");
  const { BeidouWiring } = require("src/beidou/wiring");
  let mono = 0;
  const clock = { now() { return 1700000000000 + mono; }, monotonic() { return mono; } };
  const queue = [];
  const timers = {
    set(cb, ms) { const t = { at: mono + ms, cb }; queue.push(t); return t; },
    clear(t) { const i = queue.indexOf(t); if (i >= 0) queue.splice(i, 1); },
  };
  // Stand-in for the SDK's HMAC over its C Digest: the same calls per HMAC as
  // crypt/etc/hmac.js process() (reset, one write per item, close = close, reset, write
  // opad, write digest, close) on a digest whose methods do no hashing: what the XS
  // meter would see on the board; the SHA-256 work itself is C there.
  const digest = { out: new ArrayBuffer(32), write(x) { this.last = x; }, reset() {}, close() { return this.out.slice(0); } };
  class StandInHmac {
    constructor(h, key) { this.h = h; this.opad = new Uint8Array(64).fill(0x5c); this.ipad = new Uint8Array(64).fill(0x36); this.key = key; }
    reset() { this.h.reset(); this.h.write(this.ipad.buffer); }
    close() { const h = this.h; const d = h.close(); h.reset(); h.write(this.opad.buffer); h.write(d); return h.close(); }
    process(...items) { this.reset(); items.forEach((item) => this.h.write(item)); return this.close(); }
  }
  const crypto = {
    hmacSha256(key) {
      const h = new StandInHmac(digest, key);
      const buf = (b) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      return (a, b) => new Uint8Array(b ? h.process(buf(a), buf(b)) : h.process(buf(a)));
    },
    randomBytes(n) { const o = new Uint8Array(n); for (let i = 0; i < n; i++) o[i] = (i * 73 + mono) & 255; return o; },
  };
  const values = new Map();
  const store = { get: (k) => values.get(k), set: (k, v) => values.set(k, v), delete: (k) => values.delete(k), keys: () => Array.from(values.keys()), commit() {} };
  const loaded = loadSettings(store);
  const wiring = new BeidouWiring({ clock });
  const gw = new Gateway({ config: loaded.config, clock, onUnit: wiring.onUnit, convertFrame: wiring.convertFrame });
  wiring.attach({ events: gw.events, rejects: gw.framerCounters });
  const consoleHost = new GatewayConsoleHost({ gateway: gw, state: wiring.state, store, loaded, clock, reboot() {} });
  setSecretHasher(passwordHasher(crypto));
  applySettings(consoleHost, [["webPass", ${JSON.stringify(PASSWORD)}]]);
  const bytes = (s) => { const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b; };
  function sentence(body) { let x = 0; for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i); return "$" + body + "*" + (x < 16 ? "0" : "") + x.toString(16).toUpperCase() + "\\r\\n"; }
  gw.feed(bytes(sentence("GNGGA,021549.00,2240.4051,N,11402.5601,E,1,12,0.8,47.0,M,-3.0,M,,")));
  gw.feed(bytes(sentence("BDICI,0242286,00242286,0000011,6,60,3,N,0")));
  gw.feed(bytes(sentence("BDBSI,02,08,0,3,0,0,0,0,0,3,0,0")));
  // Satellites in view (16, two systems): /api/status carries them as the sky list.
  for (const g of ["BDGSV,3,1,10,01,45,120,40,02,30,200,35,03,60,300,28,04,15,045,22", "BDGSV,3,2,10,05,75,010,48,06,20,260,31,07,50,170,44,08,10,330,",
    "BDGSV,3,3,10,09,35,090,38,10,65,220,46", "GPGSV,2,1,06,05,40,100,39,12,55,250,42,15,20,020,30,18,70,300,47", "GPGSV,2,2,06,24,25,150,33,29,10,200,20"])
    gw.feed(bytes(sentence(g)));
  const pages = ${JSON.stringify(pageSizes)};
  const pageBytes = {};
  for (const f in pages) pageBytes[f] = new Uint8Array(pages[f]).fill(32);
  const app = new WebApp({ host: consoleHost, crypto, page: (f) => pageBytes[f], clock, timers, log: (c, t) => gw.events.add(c, t) });
  let cookie = "", csrf = "", out = "", conn, closed = false;
  function request(i) {
    const body = i === 7 ? '{"webPass":"new-pass-4567"}' : i === 5 ? '{"hbtInterval":30}' : i === 2 ? '{"password":"${PASSWORD}"}' : "";
    const line = ["GET / ", "GET /app.js ", "POST /api/login ", "GET /api/status ", "GET /api/config ", "POST /api/config ", "GET /api/log?n=50 ", "POST /api/config "][i];
    return bytes(line + "HTTP/1.1\\r\\nHost: 172.16.1.45\\r\\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\\r\\n" +
      "Accept: */*\\r\\nAccept-Language: en-US,en;q=0.9\\r\\nOrigin: http://172.16.1.45\\r\\nCookie: " + cookie + "\\r\\nX-CSRF-Token: " + csrf + "\\r\\n" +
      (body ? "Content-Type: application/json\\r\\nContent-Length: " + body.length + "\\r\\n" : "") + "\\r\\n" + body);
  }
  let pending, next;
  const sock = {
    remoteAddress: "172.16.1.10",
    read(n) { const b = pending.slice(0, n); pending = pending.subarray(n); return b.buffer; },
    write(d) { for (let i = 0; i < d.length && out.length < 600; i++) out += String.fromCharCode(d[i]); return 5744; },
    close() { closed = true; },
  };
  const empty = new ArrayBuffer(0);
  globalThis.handleCommand = function (message) {
    const m = new Uint8Array(message);
    if (m[0] === 3) {
      next = request(m[1]);
    } else if (m[0] === 0) {
      pending = next;
      out = ""; closed = false;
      app.admit();
      conn = new HttpConnection(app, sock, timers, () => app.release());
      conn.writable(5744);
      conn.readable(pending.length);
    } else if (m[0] === 1) {
      queue.sort((a, b) => a.at - b.at);
      const t = queue.shift();
      if (t) { if (t.at > mono) mono = t.at; t.cb(); }
    } else if (m[0] === 2) {
      const c = /bd450s=([0-9a-f]+)/.exec(out);
      if (c) cookie = "bd450s=" + c[1];
      const k = /"csrf":"([0-9a-f]+)"/.exec(out);
      if (k) csrf = k[1];
    }
    // Reply: [closed, timers waiting, status code / 4]
    const s = /^HTTP\\/1\\.1 ([0-9]{3})/.exec(out);
    return new Uint8Array([closed ? 1 : 0, queue.length > 255 ? 255 : queue.length, s ? Number(s[1]) >> 2 : 0]).buffer;
  };
  globalThis.__keep = { app, gw, consoleHost };`,
  );
}

const NAMES = [
  "GET / (index.html)",
  "GET /app.js",
  "POST /api/login (right password)",
  "GET /api/status",
  "GET /api/config",
  "POST /api/config",
  "GET /api/log?n=50",
  "POST /api/config (new webPass)",
];

async function main(): Promise<void> {
  const dir = path.join(repoRoot, "src/web/pages");
  const sizes: Record<string, number> = {};
  for (const f of fs.readdirSync(dir)) sizes[f] = fs.statSync(path.join(dir, f)).size;
  const w = await XsWorker.start(script(sizes));
  if (process.env.WEB_XS_DEBUG) console.log("started");
  const heap0 = await w.liveHeap();
  const results: Array<{ request: string; status: number; steps: number; maxStep: number; total: number }> = [];
  let during = 0;
  for (let i = 0; i < NAMES.length; i++) {
    await w.command(new Uint8Array([3, i]));
    let r = await w.command(new Uint8Array([0, i]));
    let steps = 1,
      max = r.meter.compute,
      total = r.meter.compute;
    const trail = [r.meter.compute];
    while (r.reply[0] === 0 && r.reply[1] > 0 && steps < 10000) {
      r = await w.command(new Uint8Array([1]));
      if (process.env.WEB_XS_DEBUG && steps % 50 === 0) console.log(i, steps, Array.from(r.reply), r.meter.compute);
      steps++;
      // Live heap while the config answer (the largest) is being written.
      if (i === 4 && steps === 6) {
        const h = await w.liveHeap();
        during = h.chunkBytes + h.slotBytes - heap0.chunkBytes - heap0.slotBytes;
      }
      if (trail.length < 12) trail.push(r.meter.compute);
      total += r.meter.compute;
      if (r.meter.compute > max) max = r.meter.compute;
    }
    // Drain leftover timers of this connection (none expected once closed).
    const status = r.reply[2] * 4;
    await w.command(new Uint8Array([2]));
    results.push({ request: NAMES[i], status, steps, maxStep: max, total });
    if (process.env.WEB_XS_DEBUG) console.log(NAMES[i], trail.join(" "));
  }
  const heap1 = await w.liveHeap();
  await w.close();
  const bench = JSON.parse(fs.readFileSync(path.join(repoRoot, "bench/results.json"), "utf8"));
  const nsPerUnit: number = bench.xs?.esp32?.hostNsPerComputeUnit ?? 2;
  const fifoMs: number = bench.xs?.esp32?.fifoFillMs ?? 11.1;
  const esp32Ms = (units: number) => (units * nsPerUnit * ESP32_SLOWDOWN.central) / 1e6;
  console.log(
    "request                            status  steps  longest step (XS units, ~ESP32 ms at 50x)  whole request",
  );
  for (const r of results)
    console.log(
      `${r.request.padEnd(34)} ${String(r.status).padStart(6)} ${String(r.steps).padStart(6)}  ${String(r.maxStep).padStart(9)} ~${esp32Ms(r.maxStep).toFixed(2).padStart(6)} ms                 ${String(r.total).padStart(9)} ~${esp32Ms(r.total).toFixed(1)} ms`,
    );
  const worst = results.reduce((a, b) => (b.maxStep > a.maxStep ? b : a));
  const perSentence: number = bench.xs?.computePerSentence ?? 0;
  if (perSentence)
    console.log(
      `\nlongest single step = the XS work of ${(worst.maxStep / perSentence).toFixed(2)} forwarded sentences (${perSentence} units each, bench/results.json); the 128-byte FIFO holds ${(FIFO / 82).toFixed(2)} sentences of 82 bytes`,
    );
  console.log(
    `\nlongest single step: ${worst.maxStep} units (${worst.request}) ~ ${esp32Ms(worst.maxStep).toFixed(2)} ms on an ESP32 at ${ESP32_SLOWDOWN.central}x (range ${esp32Ms((worst.maxStep * ESP32_SLOWDOWN.low) / ESP32_SLOWDOWN.central).toFixed(2)}-${esp32Ms((worst.maxStep * ESP32_SLOWDOWN.high) / ESP32_SLOWDOWN.central).toFixed(2)} ms); ` +
      `the terminal UART FIFO fills in ${fifoMs} ms at 115200 baud (bench/results.json)`,
  );
  console.log(
    `heap held after the requests (1 session, settings changed): ${heap1.chunkBytes - heap0.chunkBytes} chunk bytes, ${heap1.slotBytes - heap0.slotBytes} slot bytes`,
  );
  console.log(`live heap above the start while GET /api/config is being written: ${during} bytes (chunks + slots)`);
  console.log(
    `host ns per compute unit ${nsPerUnit}; password check: ${PASSWORD.length}-char password, 4096 iterations in steps of 16 (C SHA-256 not metered: 4 SHA-256 blocks per iteration)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
