// Searches the built example site, served under /policy/, in headless Chromium.
// Run through ./run.sh, which builds the site and sets SITE_DIR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const SITE_DIR = process.env.SITE_DIR;
const BASE = "/policy/";
// The results of a query, once all of them are drawn.
const SHOWN = "#search-results[aria-busy=false] li";
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml", ".png": "image/png" };
let server, browser, origin;

before(async () => {
  assert.ok(SITE_DIR && fs.existsSync(path.join(SITE_DIR, "index.html")), "SITE_DIR must hold a built site");
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

async function searchPage() {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${origin}${BASE}search/`);
  await page.waitForFunction(() => document.querySelector("#search-filter option[value]:not([value=''])") !== null);
  return { page, errors };
}

async function resultTitles(page) {
  return page.$$eval("#search-results .card-title a", (as) => as.map((a) => a.textContent));
}

test("an English word lists first the brief whose title holds it, highlighted", async () => {
  const { page, errors } = await searchPage();
  await page.fill("#search-input", "entrapment");
  await page.waitForSelector(SHOWN);
  const titles = await resultTitles(page);
  assert.match(titles[0], /entrapment/i);
  assert.ok(titles.length > 1, "topic and summary matches are listed too");
  assert.equal(await page.textContent("#search-results li:first-child .card-title mark"), "entrapment");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a Korean word lists first the brief whose title holds it", async () => {
  const { page } = await searchPage();
  await page.fill("#search-input", "현대화");
  await page.waitForSelector(SHOWN);
  const titles = await resultTitles(page);
  assert.match(titles[0], /현대화/);
  await page.close();
});

test("a term's name in another language finds the briefs tagged with the term", async () => {
  // 핵협의그룹 is the Korean name in the record of the Nuclear Consultative Group; the brief
  // below is tagged with it and holds no Hangul in its title or summary.
  const { page } = await searchPage();
  await page.fill("#search-input", "핵협의그룹");
  await page.waitForSelector(SHOWN);
  const titles = await resultTitles(page);
  assert.ok(titles.some((t) => /Extended deterrence after the 2025 SCM/.test(t)), titles.join(" | "));
  await page.close();
});

test("a Korean substring inside a longer word is found", async () => {
  const { page } = await searchPage();
  await page.fill("#search-input", "작전통제");
  await page.waitForSelector(SHOWN);
  assert.ok((await resultTitles(page)).length >= 1);
  await page.close();
});

// The excerpts of the results: each a text with its marked parts.
async function excerpts(page) {
  return page.$$eval("#search-results .excerpt", (ps) => ps.map((p) => ({
    text: p.textContent,
    marks: [...p.querySelectorAll("mark")].map((m) => m.textContent),
  })));
}

test("a word found only in the body finds its briefs, with the text around it highlighted", async () => {
  const { page, errors } = await searchPage();
  await page.fill("#search-input", "Humphreys");
  await page.waitForSelector(`${SHOWN} .excerpt mark`);
  const titles = await resultTitles(page);
  assert.ok(titles.some((t) => /China and the repurposing of US Forces Korea/.test(t)), titles.join(" | "));
  const found = await excerpts(page);
  assert.ok(found.length >= 2, JSON.stringify(found));
  for (const e of found) {
    assert.deepEqual([...new Set(e.marks)], ["Humphreys"], e.text);
    assert.ok(e.text.length < 300, "an excerpt, not the whole text");
  }
  // A prefix finds the word as well.
  await page.fill("#search-input", "humphr");
  await page.waitForFunction(() => [...document.querySelectorAll("#search-results .excerpt mark")].some((m) => m.textContent === "Humphr"));
  assert.deepEqual(errors, []);
  await page.close();
});

test("two words find the briefs holding both, each highlighted", async () => {
  const { page } = await searchPage();
  await page.fill("#search-input", "Washington Declaration");
  await page.waitForSelector(`${SHOWN} .excerpt mark`);
  const titles = await resultTitles(page);
  assert.ok(titles.some((t) => /Extended deterrence after the 2025 SCM/.test(t)), titles.join(" | "));
  const marks = (await excerpts(page)).flatMap((e) => e.marks);
  assert.ok(marks.includes("Washington") && marks.includes("Declaration"), marks.join(", "));
  await page.close();
});

test("a Korean word of a Korean body is found inside a longer word, highlighted", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}${BASE}ko/search/?q=${encodeURIComponent("평시작전")}`);
  await page.waitForSelector(`${SHOWN} .excerpt mark`);
  const found = await excerpts(page);
  assert.ok(found.some((e) => e.marks.includes("평시작전") && e.text.includes("평시작전통제권")), JSON.stringify(found));
  assert.ok((await page.$$eval("#search-results .card-title a", (as) => as.map((a) => a.getAttribute("href"))))
    .every((href) => href.startsWith(`${BASE}ko/`)), "only Korean briefs");
  await page.close();
});

test("a Korean word with a particle finds the word before another particle", async () => {
  // `주한미군은` is written nowhere; `주한미군의`, `주한미군과` and `주한미군이` are.
  const page = await browser.newPage();
  await page.goto(`${origin}${BASE}ko/search/?q=${encodeURIComponent("주한미군은")}`);
  await page.waitForSelector(SHOWN);
  const titles = await resultTitles(page);
  assert.ok(titles.some((t) => /주한미군과 전략적 유연성/.test(t)), titles.join(" | "));
  const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent));
  assert.ok(marks.includes("주한미군"), marks.join(", "));
  await page.close();
});

test("hostile queries are text: markup, patterns, a long query, punctuation and emoji", async () => {
  const { page, errors } = await searchPage();
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  for (const query of ["<script>alert(1)</script>", "(.*+?[^$]{2}|\\", "opcon ".repeat(200), "!!! ??? ... ---", "🙂🚀", "\u200b\u00ad"]) {
    await page.fill("#search-input", query);
    await page.waitForFunction(() => !document.getElementById("search-status").textContent.endsWith("\u2026"));
    await page.waitForTimeout(50);
  }
  await page.fill("#search-input", "<img src=x onerror=alert(1)>");
  await page.waitForTimeout(200);
  assert.equal(await page.$$eval("#search-results img", (is) => is.length), 0);
  assert.equal(dialogs, 0);
  assert.deepEqual(errors, []);
  // Punctuation alone asks nothing: the hint says what to type.
  await page.fill("#search-input", "?!");
  await page.waitForFunction(() => document.getElementById("search-status").textContent === "");
  assert.ok(await page.isVisible("#search-hint"));
  await page.close();
});

test("more results than shown come with a button that shows more", async () => {
  const { page } = await searchPage();
  await page.fill("#search-input", "the");
  await page.waitForSelector(SHOWN);
  assert.ok(await page.isVisible("#search-more"));
  const first = (await resultTitles(page)).length;
  assert.equal(first, 10);
  await page.click("#search-more");
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 10);
  assert.match(await page.textContent("#search-status"), /briefs/);
  await page.close();
});

test("a topic filter narrows the list", async () => {
  const { page } = await searchPage();
  await page.fill("#search-input", "korea");
  await page.waitForSelector(SHOWN);
  const all = (await resultTitles(page)).length;
  const value = await page.$eval("#search-filter", (select) =>
    [...select.options].find((o) => o.textContent.startsWith("Entrapment")).value);
  await page.selectOption("#search-filter", value);
  const narrowed = await resultTitles(page);
  assert.ok(narrowed.length > 0 && narrowed.length < all, `${narrowed.length} of ${all}`);
  assert.match(page.url(), /term=/);
  await page.close();
});

test("briefs that score alike are listed newest first, as the term's page lists them", async () => {
  // A term alone scores every brief of it alike: the order comes from order.json (documents
  // are numbered by id, not date), and must be the term page's.
  const { page, errors } = await searchPage();
  await page.goto(`${origin}${BASE}search/?term=topics/opcon-transfer`);
  await page.waitForSelector(SHOWN);
  const found = await resultTitles(page);
  await page.goto(`${origin}${BASE}topics/opcon-transfer/`);
  const listed = await page.$$eval("main .card-title a", (as) => as.map((a) => a.textContent));
  // The term page also lists superseded briefs (search holds the latest only) and, below,
  // briefs that mention the term: the briefs on both are in the same order.
  const both = found.filter((t) => listed.includes(t));
  assert.ok(both.length >= 5, found.join(" | "));
  assert.deepEqual(both, listed.filter((t) => both.includes(t)));
  assert.deepEqual(errors, []);
  await page.close();
});

test("an order from another build (numbers past the index's documents) is not counted or shown", async () => {
  // A host that ignores `?v=`, or a page left open across a deploy, can pair an entry with
  // another build's order.json.
  const plain = await searchPage();
  await plain.page.fill("#search-input", "opcon");
  await plain.page.waitForSelector(SHOWN);
  const status = await plain.page.textContent("#search-status");
  const titles = await resultTitles(plain.page);
  await plain.page.close();
  const { page, errors } = await searchPage();
  await page.route("**/search/order.json*", async (route) => {
    const order = await (await route.fetch()).json();
    await route.fulfill({ json: [order.length + 3, order.length, ...order, order.length + 1] });
  });
  await page.fill("#search-input", "opcon");
  await page.waitForSelector(SHOWN);
  assert.equal(await page.textContent("#search-status"), status);
  assert.deepEqual(await resultTitles(page), titles);
  assert.deepEqual(errors, []);
  await page.close();
});

test("clicking a result opens the brief, and the header box searches from any page", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}${BASE}`);
  await page.fill("#site-search-q", "entrapment");
  await page.press("#site-search-q", "Enter");
  await page.waitForSelector(SHOWN);
  const title = (await resultTitles(page))[0];
  await Promise.all([page.waitForNavigation(), page.click("#search-results li:first-child .card-title a")]);
  assert.ok(page.url().startsWith(`${origin}${BASE}briefs/`), page.url());
  assert.equal((await page.textContent("h1")).trim(), title);
  await page.close();
});
