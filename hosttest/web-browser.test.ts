// The web page in a real browser: headless Chromium (Debian's `chromium`, installed by
// scripts/ensure-system-deps.sh) driven by puppeteer-core against the in-process
// gateway's web server on 127.0.0.1. Log in, watch a counter change, change a setting,
// see the error for a bad value, log out.
// BD450_SCREENSHOT=FILE also writes a screenshot of the status page (docs/web-status.png).
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { ENGINES, PASSWORD, type WebRig, webRig } from "./lib/web-rig";

// Callbacks passed to page.evaluate/$eval run in the browser; the project compiles without
// the DOM library, so these names are declared loosely here, for this file only.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
type Element = { textContent: string | null; className: string };
type HTMLInputElement = Element & { value: string };

/** The Chromium binary: $CHROMIUM, else the first of Debian's and others' names on the PATH. */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM && fs.existsSync(process.env.CHROMIUM)) return process.env.CHROMIUM;
  for (const name of ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) {
    try {
      const p = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (p) return p;
    } catch {
      /* not on the PATH */
    }
  }
  return undefined;
}

const TITLE = "logs in, shows a live counter, applies a setting, shows a rule error, logs out";

for (const engine of ENGINES)
  describe(`web: the page in headless Chromium (${engine === "node" ? "host: node:http" : "board engine over ECMA-419 sockets"})`, function () {
    this.timeout(60000);
    const chromium = findChromium();
    if (!chromium) {
      // No function: mocha lists it as pending, with the reason in its title.
      it(`${TITLE} - PENDING: no chromium binary found (install Debian's chromium, or set CHROMIUM=/path)`);
      return;
    }
    let rig: WebRig;
    let feeder: NodeJS.Timeout | undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let browser: any;

    before(async () => {
      rig = await webRig(undefined, engine);
      let t = 0;
      // The terminal keeps talking: one GGA every 100 ms moves the sentence counter.
      feeder = setInterval(() => {
        t++;
        rig.feed(
          `GNGGA,0215${String(10 + (t % 50)).padStart(2, "0")}.00,2240.4051,N,11402.5601,E,1,12,0.8,47.0,M,-3.0,M,,`,
        );
      }, 100);
      rig.feed("BDICI,0242286,00242286,0000011,6,60,3,N,0");
      rig.feed("BDBSI,02,08,0,3,0,0,0,0,0,3,0,0");
      const puppeteer = await import("puppeteer-core");
      browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        // Root in CI containers: Chromium's sandbox needs user namespaces it may not get.
        args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
      });
    });

    after(async () => {
      if (feeder) clearInterval(feeder);
      if (browser) await browser.close();
      if (rig) await rig.close();
    });

    it(TITLE, async () => {
      const page = await browser.newPage();
      await page.setViewport({ width: 1100, height: 760 });
      const errors: string[] = [];
      page.on("pageerror", (e: Error) => errors.push(e.message));
      await page.goto(rig.url + "/", { waitUntil: "load" });
      await page.waitForSelector("#login:not([hidden])");

      // Wrong password first: the page shows the API's error.
      await page.type("#password", "not-the-password");
      await page.click("#login button");
      await page.waitForFunction(() => document.getElementById("login-error")!.textContent !== "");
      assert.match(await page.$eval("#login-error", (e: Element) => e.textContent), /wrong password/);

      await page.$eval("#password", (e: Element) => ((e as HTMLInputElement).value = ""));
      await page.type("#password", PASSWORD);
      await page.click("#login button");
      await page.waitForSelector("#st-sentences");
      const first = Number(await page.$eval("#st-sentences", (e: Element) => e.textContent));
      // Live status: the page refreshes every second while the gateway counts.
      await page.waitForFunction(
        (n: number) => Number(document.getElementById("st-sentences")!.textContent) > n,
        { timeout: 10000 },
        first,
      );
      const later = Number(await page.$eval("#st-sentences", (e: Element) => e.textContent));
      assert.ok(later > first, `${later} > ${first}`);
      assert.ok(later <= rig.gw.framer.counters.sentences, "the page shows the gateway's own count");

      await page.waitForSelector("#settings input[name=hbtInterval]");
      if (process.env.BD450_SCREENSHOT && engine === "node")
        await page.screenshot({ path: process.env.BD450_SCREENSHOT, clip: { x: 0, y: 0, width: 1100, height: 470 } });

      // A valid change goes through the schema and into the running configuration.
      await page.$eval("#settings input[name=hbtInterval]", (e: Element) => ((e as HTMLInputElement).value = "30"));
      await page.click("#config button");
      await page.waitForFunction(() => /applied hbtInterval/.test(document.getElementById("cfg-msg")!.textContent!));
      assert.equal(rig.host.getConfig().hbtInterval, 30);

      // A bad value: the rule is shown, the field marked, nothing changed.
      await page.$eval("#settings input[name=ttl]", (e: Element) => ((e as HTMLInputElement).value = "300"));
      await page.click("#config button");
      await page.waitForFunction(() => document.getElementById("cfg-error")!.textContent !== "");
      assert.match(await page.$eval("#cfg-error", (e: Element) => e.textContent), /ttl: 300 breaks rule: ttl 1\.\.255/);
      assert.equal(await page.$eval("#settings input[name=ttl]", (e: Element) => e.className), "bad");
      assert.equal(rig.host.getConfig().ttl, 1);

      // The session cookie is invisible to scripts (HttpOnly).
      assert.ok(!(await page.evaluate(() => document.cookie)).includes("bd450s"));

      await page.click("#logout");
      await page.waitForSelector("#login:not([hidden])");
      const after = await page.evaluate(async () => (await fetch("/api/status")).status);
      assert.equal(after, 401);
      assert.deepEqual(errors, []);
    });
  });
