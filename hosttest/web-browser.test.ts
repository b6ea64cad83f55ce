// The web page in a real browser: headless Chromium (Debian's `chromium`, installed by
// scripts/ensure-system-deps.sh) driven by puppeteer-core against the in-process
// gateway's web server on 127.0.0.1. Log in, watch a counter change, change a setting,
// see the error for a bad value, log out.
// BD450_SCREENSHOT=FILE also writes a screenshot of the status page (docs/web-status.png).
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { REPO_ROOT } from "./lib/paths";
import { ENGINES, PASSWORD, type WebRig, webRig } from "./lib/web-rig";

// Callbacks passed to page.evaluate/$eval run in the browser; the project compiles without
// the DOM library, so these names are declared loosely here, for this file only.
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

// Satellites in view, written out by hand: BDS 1..10 (08 not tracked: no C/N0), GPS 5 12 15 18 24 29.
const SKY_GSV = [
  "BDGSV,3,1,10,01,45,120,40,02,30,200,35,03,60,300,28,04,15,045,22",
  "BDGSV,3,2,10,05,75,010,48,06,20,260,31,07,50,170,44,08,10,330,",
  "BDGSV,3,3,10,09,35,090,38,10,65,220,46",
  "GPGSV,2,1,06,05,40,100,39,12,55,250,42,15,20,020,30,18,70,300,47",
  "GPGSV,2,2,06,24,25,150,33,29,10,200,20",
];
const SKY_MARKS = [
  "BDS 1",
  "BDS 2",
  "BDS 3",
  "BDS 4",
  "BDS 5",
  "BDS 6",
  "BDS 7",
  "BDS 8",
  "BDS 9",
  "BDS 10",
  "GPS 5",
  "GPS 12",
  "GPS 15",
  "GPS 18",
  "GPS 24",
  "GPS 29",
];

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
    let browser: any;

    before(async () => {
      rig = await webRig(undefined, engine);
      let t = 0;
      // The terminal keeps talking: one GGA every 100 ms moves the sentence counter.
      feeder = setInterval(() => {
        t++;
        // Once a second, the satellites in view (GSV groups of two systems).
        if (t % 10 === 1) for (const g of SKY_GSV) rig.feed(g);
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

      // Wrong password first: the page shows the API's error; Log in waits for the check.
      await page.type("#password", "not-the-password");
      await page.click("#login button");
      assert.equal(await page.$eval("#login button", (e: { disabled: boolean }) => e.disabled), true);
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

      // Unsaved until Save: marked on its row and overall; Save clears both.
      await page.waitForFunction(() => /unsaved: hbtInterval/.test(document.getElementById("unsaved")!.textContent!));
      const marked = () =>
        page.$$eval("#settings tr", (rows: Array<{ textContent: string }>) =>
          rows.filter((r) => r.textContent.includes("(unsaved)")).map((r) => r.textContent.split(" ")[0]),
        );
      assert.deepEqual(await marked(), ["hbtInterval"]);

      // A bad value: the rule is shown beside its field and in view, the field marked, nothing changed.
      await page.$eval("#settings input[name=ttl]", (e: Element) => ((e as HTMLInputElement).value = "300"));
      await page.evaluate(() => document.querySelector("#config button").scrollIntoView());
      await page.click("#config button");
      await page.waitForSelector("#settings .fielderr");
      const beside = await page.$eval(
        "#settings input[name=ttl]",
        (e: { nextSibling: Element; getBoundingClientRect(): { top: number; bottom: number } }) => {
          const r = e.nextSibling as unknown as { getBoundingClientRect(): { top: number; bottom: number } };
          const b = r.getBoundingClientRect();
          return {
            text: e.nextSibling.textContent,
            className: e.nextSibling.className,
            top: b.top,
            bottom: b.bottom,
            height: document.documentElement.clientHeight,
          };
        },
      );
      assert.equal(beside.className, "fielderr");
      assert.match(String(beside.text), /ttl 300 breaks rule: ttl 1\.\.255/);
      assert.ok(beside.top >= 0 && beside.bottom <= beside.height, `message in view: ${JSON.stringify(beside)}`);
      assert.equal(await page.$eval("#settings input[name=ttl]", (e: Element) => e.className), "bad");
      assert.equal(rig.host.getConfig().ttl, 1);

      await page.click("#save");
      await page.waitForFunction(() => document.getElementById("unsaved")!.textContent === "");
      assert.deepEqual(await marked(), []);

      // The log, newest first.
      await page.waitForSelector("#log li");
      const times = await page.$$eval("#log li", (l: Element[]) => l.map((e) => String(e.textContent).slice(0, 20)));
      assert.deepEqual(times, times.slice().sort().reverse());

      // The session cookie is invisible to scripts (HttpOnly).
      assert.ok(!(await page.evaluate(() => document.cookie)).includes("bd450s"));

      await page.click("#logout");
      await page.waitForSelector("#login:not([hidden])");
      const after = await page.evaluate(async () => (await fetch("/api/status")).status);
      assert.equal(after, 401);
      assert.deepEqual(errors, []);
    });

    it("draws the sky plot (one mark per satellite in view), signal bars, RDSS beams and datagram rates", async () => {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      const errors: string[] = [];
      page.on("pageerror", (e: Error) => errors.push(e.message));
      await page.goto(rig.url + "/", { waitUntil: "load" });
      await page.waitForSelector("#login:not([hidden])");
      await page.type("#password", PASSWORD);
      await page.click("#login button");
      await page.waitForFunction(
        (n: number) => document.querySelectorAll("#sky .sat").length === n,
        { timeout: 10000 },
        SKY_MARKS.length,
      );
      const marks = await page.$$eval("#sky .sat", (l: Array<{ getAttribute(a: string): string }>) =>
        l.map((g) => `${g.getAttribute("data-sys")} ${g.getAttribute("data-id")}`),
      );
      assert.deepEqual(marks.slice().sort(), SKY_MARKS.slice().sort());
      // Satellite 5 of BDS at elevation 75: near the centre; satellite 4 at 15: near the rim (radius 100).
      const radius = (sys: string, id: number) =>
        page.$eval(`#sky .sat[data-sys=${sys}][data-id="${id}"]`, (g: { getAttribute(a: string): string }) => {
          const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute("transform"))!;
          return Math.hypot(Number(m[1]), Number(m[2]));
        });
      assert.ok(Math.abs((await radius("BDS", 5)) - (100 * 15) / 90) < 0.2);
      assert.ok(Math.abs((await radius("BDS", 4)) - (100 * 75) / 90) < 0.2);
      // One bar per satellite (16) and one per beam (10).
      assert.equal(await page.$$eval("#bars rect", (l: unknown[]) => l.length), SKY_MARKS.length);
      assert.equal(await page.$$eval("#beams rect", (l: unknown[]) => l.length), 10);
      await page.waitForSelector("#rates polyline.rate", { timeout: 10000 });
      assert.match(await page.$eval("#fix-rnss", (e: Element) => e.textContent), /22\.6\d+ 114\.0\d+.* s ago/);
      if (process.env.BD450_SCREENSHOT_DIR && engine === "node") {
        // A few seconds of rate samples for the picture.
        await page.waitForFunction(
          () => document.querySelector("#rates polyline").getAttribute("points").split(" ").length >= 5,
          { timeout: 15000 },
        );
        await page.screenshot({
          path: `${process.env.BD450_SCREENSHOT_DIR}/web-pictures.png`,
          clip: { x: 0, y: 0, width: 1280, height: 560 },
        });
      }
      assert.deepEqual(errors, []);
    });

    it("the page set fits the board's 16 KB", () => {
      const dir = `${REPO_ROOT}/src/web/pages`;
      const total = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(`${dir}/${f}`).size, 0);
      assert.ok(total <= 16 * 1024, `${total} bytes`);
    });
  });
