// Hostile briefs (tests/browser/hostile/) built with raw_html off, loaded and clicked through in
// headless Chromium: no payload may run. Every payload calls alert(); a dialog fails the test.
// Run through ./run.sh, which builds the site and sets HOSTILE_DIR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const SITE_DIR = process.env.HOSTILE_DIR;
const BASE = "/policy/";
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml" };
let server, browser, origin;

before(async () => {
  assert.ok(SITE_DIR && fs.existsSync(path.join(SITE_DIR, "index.html")), "HOSTILE_DIR must hold a built site");
  server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!url.startsWith(BASE) || url.includes("..")) { res.writeHead(404); return res.end(); }
    let file = path.join(SITE_DIR, url.slice(BASE.length));
    if (url.endsWith("/")) file = path.join(file, "index.html");
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404); return res.end("not found"); }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Opens a page, records every dialog (alert) and script error, and lets autofocus happen. */
async function open(rel) {
  const page = await browser.newPage();
  const dialogs = [];
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const response = await page.goto(`${origin}${BASE}${rel}`);
  assert.equal(response.status(), 200, rel);
  await page.waitForTimeout(200);
  return { page, dialogs };
}

/** Every HTML page of the built site, relative to its root. */
function pages(dir, prefix = "") {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(prefix, e.name);
    if (e.isDirectory()) return pages(dir, rel);
    return e.name === "index.html" ? [prefix ? `${prefix}/` : ""] : [];
  });
}

test("no payload runs on any page of the site", async () => {
  const all = pages(SITE_DIR);
  assert.ok(all.length >= 8, `pages: ${all}`);
  for (const rel of all) {
    const { page, dialogs } = await open(rel);
    // Hover and focus everything that could carry a handler.
    for (const el of await page.$$("main h1, main h2, main h3, main a, main img")) {
      await el.hover({ timeout: 500 }).catch(() => {});
      await el.focus().catch(() => {});
    }
    assert.deepEqual(dialogs, [], `dialogs on /${rel}`);
    await page.close();
  }
});

test("headings keep only their id and plain classes", async () => {
  const { page, dialogs } = await open("briefs/headings/");
  const attrs = await page.$$eval(".prose h2", (hs) => hs.map((h) => h.getAttributeNames().sort().join(",")));
  for (const names of attrs) {
    assert.ok(names === "id" || names === "class,id", `heading attributes: ${names}`);
  }
  assert.equal(await page.getAttribute("#kept", "class"), "note");
  assert.equal(await page.evaluate(() => document.activeElement.tagName), "BODY", "no heading took focus");
  assert.deepEqual(dialogs, []);
  await page.close();
});

test("clicking every link of the hostile briefs runs nothing", async () => {
  for (const rel of ["briefs/headings/", "briefs/sources/"]) {
    const { page, dialogs } = await open(rel);
    const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")));
    for (const href of hrefs) {
      assert.doesNotMatch(href, /^\s*(javascript|vbscript|data):/i, `href ${href} on /${rel}`);
    }
    const count = await page.$$eval("main a[href]", (as) => as.length);
    for (let i = 0; i < count; i++) {
      const p2 = await browser.newPage();
      p2.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
      await p2.goto(`${origin}${BASE}${rel}`);
      const link = (await p2.$$("main a[href]"))[i];
      await link.click({ timeout: 1000, noWaitAfter: true }).catch(() => {});
      await p2.waitForTimeout(100);
      await p2.close();
    }
    const images = await page.$$eval("img[src]", (is) => is.map((i) => i.getAttribute("src")));
    for (const src of images) assert.doesNotMatch(src, /^\s*(javascript|vbscript|data):/i, src);
    const og = await page.$$eval('meta[property="og:image"]', (ms) => ms.map((m) => m.content));
    for (const url of og) assert.doesNotMatch(url, /javascript:/i, url);
    assert.deepEqual(dialogs, [], `dialogs after clicks on /${rel}`);
    await page.close();
  }
});

test("searching for a hostile title shows it as text", async () => {
  const { page, dialogs } = await open("search/");
  await page.waitForFunction(() => document.querySelector("#search-filter option[value]:not([value=''])") !== null);
  await page.fill("#search-input", "onerror");
  await page.waitForSelector("#search-results[aria-busy=false] li");
  const text = await page.textContent("#search-results");
  assert.match(text, /<img src=x onerror=alert\('title'\)>/);
  assert.equal(await page.$$eval("#search-results img", (is) => is.length), 0);
  assert.deepEqual(dialogs, []);
  await page.close();
});

test("a hostile or unknown ?term= filters nothing and runs nothing", async () => {
  // The filter names a term by key (`topics/opcon`): a value no term has, markup, an object's
  // own name or nothing at all selects no term, and the search still runs.
  for (const term of ["<img src=x onerror=alert('term')>", "__proto__", "constructor", "", "topics/", "0"]) {
    const { page, dialogs } = await open(`search/?q=onerror&term=${encodeURIComponent(term)}`);
    await page.waitForSelector("#search-results[aria-busy=false] li");
    assert.equal(await page.$eval("#search-filter", (s) => s.value), "", term);
    assert.equal(await page.$$eval("#search-results img", (is) => is.length), 0, term);
    assert.deepEqual(dialogs, [], term);
    await page.close();
  }
});
