// The web page's JSON API over a real socket (127.0.0.1), an in-process gateway
// behind it, and the password hash against Node's own PBKDF2 as the oracle.
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { BEIDOU_ALERTS } from "../src/beidou/alerts";
import { Console } from "../src/console/console";
import { AlertManager, GATEWAY_ALERTS } from "../src/core/alerts";
import { nodeClock } from "../src/platform/node/host";
import { parseWebAddress } from "../src/platform/node/web";
import { nodeWebCrypto } from "../src/platform/node/web-crypto";
import {
  buildCandidate,
  defaultConfig,
  findSetting,
  formatValue,
  PASS_HASH_RE,
  setSecretHasher,
} from "../src/settings/settings";
import { PasswordCheck, passwordHasher } from "../src/web/password";
import { fromHex, Pbkdf2Job, pbkdf2Sha256, textBytes, toHex } from "../src/web/pbkdf2";
import { Client, request } from "./lib/web-client";
import { ENGINES, PASSWORD, type WebRig, webRig } from "./lib/web-rig";

describe("web: password hash (PBKDF2-HMAC-SHA256)", () => {
  it("matches RFC 7914's PBKDF2-HMAC-SHA-256 vector and node's crypto.pbkdf2Sync", () => {
    // RFC 7914 §11: P="passwd", S="salt", c=1 -> 55 ac 04 6e 56 e3 08 9f ec 16 91 c2 25 44 b6 05 ...
    const mac = nodeWebCrypto.hmacSha256(textBytes("passwd"));
    assert.equal(
      toHex(pbkdf2Sha256(mac, textBytes("salt"), 1)),
      "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
    );
    for (const [p, s, c] of [
      ["password", "NaCl-salt-1234", 1000],
      ["x", "y", 2],
      ["harbour-pilot-7", "0123456789abcdef", 4096],
    ] as const) {
      const want = crypto.pbkdf2Sync(p, s, c, 32, "sha256").toString("hex");
      assert.equal(toHex(pbkdf2Sha256(nodeWebCrypto.hmacSha256(textBytes(p)), textBytes(s), c)), want);
    }
  });

  it("runs in steps of a bounded number of iterations, with the same result", () => {
    const mac = nodeWebCrypto.hmacSha256(textBytes("pw-in-steps"));
    const job = new Pbkdf2Job(mac, textBytes("salt"), 100);
    let steps = 0;
    while (!job.step(7)) steps++;
    assert.equal(steps, Math.ceil(99 / 7) - 1);
    assert.equal(toHex(job.key()), crypto.pbkdf2Sync("pw-in-steps", "salt", 100, 32, "sha256").toString("hex"));
  });

  it("stores a salted hash that Node's PBKDF2 confirms, never the password, and checks it", () => {
    const stored = passwordHasher(nodeWebCrypto, 1000)("s3cret-pass");
    const m = PASS_HASH_RE.exec(stored)!;
    assert.ok(m, stored);
    assert.ok(!stored.includes("s3cret"));
    assert.equal(
      m[3],
      crypto.pbkdf2Sync("s3cret-pass", Buffer.from(fromHex(m[2])), 1000, 32, "sha256").toString("hex"),
    );
    assert.notEqual(passwordHasher(nodeWebCrypto, 1000)("s3cret-pass"), stored, "fresh salt each time");
    for (const [plain, ok] of [
      ["s3cret-pass", true],
      ["s3cret-pasS", false],
      ["", false],
    ] as const) {
      const c = new PasswordCheck(nodeWebCrypto, stored, plain);
      while (!c.step(64));
      assert.equal(c.matches(), ok, plain);
    }
    const none = new PasswordCheck(nodeWebCrypto, "", "anything");
    assert.equal(none.step(1), true);
    assert.equal(none.matches(), false, "no stored password: nothing matches");
  });

  it("the schema hashes a typed webPass, names the rule for a bad one, and shows only whether it is set", () => {
    setSecretHasher(passwordHasher(nodeWebCrypto, 1000));
    const c = buildCandidate(defaultConfig(), [["webPass", "good-password"]]);
    assert.ok("config" in c);
    assert.match(c.config.webPass, PASS_HASH_RE);
    const short = buildCandidate(defaultConfig(), [["webPass", "short"]]);
    assert.ok(
      "errors" in short && /webPass breaks rule: webPass is 8\.\.64 printable/.test(short.errors[0]),
      JSON.stringify(short),
    );
    assert.ok("errors" in short && !short.errors[0].includes('"short"'), "the rejected password is not echoed");
    const row = findSetting("webPass")!;
    assert.equal(formatValue(row, c.config.webPass), "(set)");
    assert.equal(formatValue(row, ""), '""');
    // The console's show config prints neither the password nor its hash.
    let out = "";
    const host = {
      getConfig: () => c.config,
      applyConfig: () => ({}),
      save: () => undefined,
      reboot() {},
      status: () => ({ uptimeS: 0 }),
      log: () => [],
      resetCounters() {},
    };
    const con = new Console({ host, write: (b) => (out += Buffer.from(b).toString("latin1")), clock: nodeClock });
    con.execute("show config");
    assert.match(out, /webPass +\(set\)/);
    assert.ok(!out.includes(c.config.webPass.slice(20, 40)));
    setSecretHasher(passwordHasher(nodeWebCrypto));
  });

  it("--web takes a unicast IPv4 address only", () => {
    assert.deepEqual(parseWebAddress("127.0.0.1:8450"), { address: "127.0.0.1", port: 8450 });
    for (const bad of [
      "239.192.0.4:60004",
      "224.0.0.1:80",
      "255.255.255.255:80",
      "localhost:80",
      "127.0.0.1",
      "1.2.3.4:70000",
    ])
      assert.ok("error" in parseWebAddress(bad), bad);
  });
});

for (const engine of ENGINES)
  describe(`web: JSON API on 127.0.0.1 (${engine === "node" ? "host: node:http" : "board engine over ECMA-419 sockets"})`, function () {
    this.timeout(20000);
    let rig: WebRig;
    let alerts: AlertManager;
    before(async () => {
      rig = await webRig({ loginDelayMs: 50, lockoutMs: 2000 }, engine);
      // A real alert manager behind the host's alert list and acknowledge.
      alerts = new AlertManager({
        clock: nodeClock,
        talker: "BD",
        manufacturer: "XBD",
        ownSfi: "BD0001",
        send: () => {},
        definitions: [...BEIDOU_ALERTS, ...GATEWAY_ALERTS],
      });
      const o = (rig.host as unknown as { o: Record<string, unknown> }).o;
      o.alerts = () => alerts.active().map((a) => ({ id: `${a.id} ${a.key}`, state: a.state, text: a.text }));
      o.acknowledge = (id: string) => {
        const a = alerts.active().find((x) => `${x.id} ${x.key}` === id);
        return a ? (alerts.acknowledge(a.key, a.instance) ?? undefined) : "no such active alert";
      };
    });
    after(() => rig.close());

    it("serves the page set without login, with a content security policy", async () => {
      const r = await request(rig.url, "GET", "/");
      assert.equal(r.status, 200);
      assert.match(String(r.headers["content-type"]), /^text\/html/);
      assert.match(String(r.headers["content-security-policy"]), /default-src 'self'/);
      assert.match(r.body, /<script src="\/app.js"/);
      assert.equal((await request(rig.url, "GET", "/app.js")).status, 200);
      assert.equal((await request(rig.url, "GET", "/app.css")).status, 200);
    });

    it("answers 401 on every /api/ path but login before login", async () => {
      for (const [m, p] of [
        ["GET", "/api/status"],
        ["GET", "/api/config"],
        ["POST", "/api/config"],
        ["GET", "/api/log"],
        ["POST", "/api/logout"],
        ["POST", "/api/save"],
        ["POST", "/api/reboot"],
        ["POST", "/api/counters/reset"],
        ["POST", "/api/message"],
        ["POST", "/api/locate"],
        ["POST", "/api/alerts/ack"],
        ["GET", "/api/nothing-here"],
        ["GET", "/api/logout"],
      ]) {
        const r = await request(rig.url, m, p, m === "POST" ? { body: "{}" } : {});
        assert.equal(r.status, 401, `${m} ${p}`);
      }
    });

    it("login: 401 on a wrong password, 200 + HttpOnly SameSite=Strict cookie + {csrf} on the right one", async () => {
      const c = new Client(rig.url);
      const bad = await c.login("wrong-password");
      assert.equal(bad.status, 401);
      assert.equal(bad.headers["set-cookie"], undefined);
      const ok = await c.login(PASSWORD);
      assert.equal(ok.status, 200);
      assert.match(ok.json.csrf, /^[0-9a-f]{32}$/);
      const cookie = ok.headers["set-cookie"]![0];
      assert.match(cookie, /^bd450s=[0-9a-f]{32};/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      assert.ok(rig.events().some((e) => e.code === "web.login" && /wrong password/.test(e.text)));
    });

    it("status follows the gateway counters and alerts; acknowledge changes the alert state", async () => {
      const c = new Client(rig.url);
      await c.login(PASSWORD);
      const before = (await c.get("/api/status")).json.terminal.sentences;
      rig.feed("GNGGA,021549.00,2240.4051,N,11402.5601,E,1,12,0.8,47.0,M,-3.0,M,,");
      rig.feed("BDICI,0242286,00242286,0000011,6,60,3,N,0");
      const s = (await c.get("/api/status")).json;
      assert.equal(s.terminal.sentences, before + 2);
      assert.equal(s.card.userId, "0242286");
      assert.ok(Math.abs(s.rnss.lat - 22.67342) < 1e-4);
      alerts.raise("terminalSilent");
      const listed = (await c.get("/api/status")).json.alerts;
      assert.deepEqual(
        listed.map((a: any) => a.id),
        ["10001 terminalSilent"],
      );
      assert.equal(listed[0].state, "V");
      assert.equal((await c.post("/api/alerts/ack", { id: "10001 terminalSilent" })).status, 200);
      assert.equal(alerts.state("terminalSilent"), "A");
      assert.equal((await c.post("/api/alerts/ack", { id: "10009 nothing" })).status, 409);
    });

    it("config: every schema setting, never the password or its hash; restart-only marked", async () => {
      const c = new Client(rig.url);
      await c.login(PASSWORD);
      const r = await c.get("/api/config");
      assert.equal(r.status, 200);
      const keys = r.json.settings.map((s: any) => s.key);
      assert.deepEqual(keys, Object.keys(defaultConfig()));
      const pass = r.json.settings.find((s: any) => s.key === "webPass");
      assert.deepEqual([pass.value, pass.set, pass.secret], ["", true, true]);
      const stored = rig.host.getConfig().webPass;
      assert.ok(
        !r.body.includes(stored.split("$")[3]) && !r.body.includes(stored.split("$")[2]) && !r.body.includes(PASSWORD),
      );
      assert.equal(r.json.settings.find((s: any) => s.key === "baud").apply, "restart");
    });

    it("POST /api/config: 400 naming the key and the broken rule, all or nothing; 200 applies", async () => {
      const c = new Client(rig.url);
      await c.login(PASSWORD);
      const ttl = rig.host.getConfig().ttl;
      const bad = await c.post("/api/config", { hbtInterval: 30, ttl: 300 });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.key, "ttl");
      assert.match(bad.json.error, /ttl 300 breaks rule: ttl 1\.\.255/);
      assert.equal(rig.host.getConfig().ttl, ttl);
      assert.equal(rig.host.getConfig().hbtInterval, 60, "the valid half was not applied either");
      const cross = await c.post("/api/config", { ipAddr: "10.0.0.1" });
      assert.equal(cross.status, 400);
      assert.equal(cross.json.key, "ipAddr");
      assert.match(cross.json.error, /breaks rule: ipMode static needs a 450 fixed address/);
      const typed = await c.post("/api/config", { tagTime: "maybe" });
      assert.equal(typed.json.key, "tagTime");
      const unknown = await c.post("/api/config", { noSuchKey: 1 });
      assert.equal(unknown.status, 400);
      assert.match(unknown.json.error, /unknown setting/);
      const ok = await c.post("/api/config", { hbtInterval: 30, tagTime: false, sfi: "bd0002" });
      assert.equal(ok.status, 200, ok.body);
      assert.deepEqual(ok.json.changed, ["hbtInterval", "tagTime", "sfi"]);
      const cfg = rig.host.getConfig();
      assert.deepEqual([cfg.hbtInterval, cfg.tagTime, cfg.sfi], [30, false, "BD0002"]);
      const restart = await c.post("/api/config", { baud: 9600 });
      assert.deepEqual(restart.json.restart, ["baud"]);
    });

    it("a new password set over the API is hashed and ends the old sessions", async () => {
      const c = new Client(rig.url);
      await c.login(PASSWORD);
      const next = "second-pass-99";
      assert.equal((await c.post("/api/config", { webPass: next })).status, 200);
      assert.match(rig.host.getConfig().webPass, PASS_HASH_RE);
      assert.equal((await c.get("/api/status")).status, 401, "session of the old password ended");
      assert.equal((await c.login(PASSWORD)).status, 401);
      assert.equal((await c.login(next)).status, 200);
      assert.equal((await c.post("/api/config", { webPass: PASSWORD })).status, 200);
    });

    it("log, message, position request, counters reset, save, reboot, logout", async () => {
      const c = new Client(rig.url);
      await c.login(PASSWORD);
      const log = await c.get("/api/log?n=200");
      assert.ok(log.json.events.some((e: any) => e.code === "web.login" && /logged in/.test(e.text)));
      const msg = await c.post("/api/message", { to: "0242286", text: "hello ship" });
      assert.equal(msg.status, 200, msg.body);
      assert.match(msg.json.sent, /^\$CCTXA,0242286,1,2,A468656C6C6F2073686970\*[0-9A-F]{2}$/);
      const inject = await c.post("/api/message", { to: "0242286", text: "x\r\n$CCICA,0,00*00" });
      assert.equal(inject.status, 400, inject.body);
      const loc = await c.post("/api/locate");
      assert.equal(loc.status, 200);
      assert.match(loc.json.sent, /^\$CCDWA,/);
      rig.feed("GNGGA,021550.00,2240.4051,N,11402.5601,E,1,12,0.8,47.0,M,-3.0,M,,");
      assert.ok((await c.get("/api/status")).json.terminal.sentences > 0);
      assert.equal((await c.post("/api/counters/reset")).status, 200);
      assert.equal((await c.get("/api/status")).json.terminal.sentences, 0);
      assert.equal((await c.post("/api/config", { alSilentS: 20 })).status, 200);
      assert.equal((await c.post("/api/save")).status, 200);
      assert.equal(rig.store.get("alSilentS"), 20);
      assert.match(String(rig.store.get("webPass")), PASS_HASH_RE);
      const rebooted = new Promise<void>((resolve) => {
        const o = (rig.host as unknown as { o: { reboot: () => void } }).o;
        const prev = o.reboot;
        o.reboot = () => {
          prev();
          resolve();
        };
      });
      assert.equal((await c.post("/api/reboot")).status, 200);
      await rebooted;
      assert.equal(rig.reboots, 1);
      const out = await c.post("/api/logout");
      assert.equal(out.status, 200);
      assert.match(out.headers["set-cookie"]![0], /Max-Age=0/);
      assert.equal((await c.get("/api/status")).status, 401);
    });
  });
