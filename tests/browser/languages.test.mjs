// Korean and English side by side on the built example site (served under /policy/), in
// headless Chromium: the language switcher of a brief, a term page and the home page lands on
// the counterpart and back; Korean search finds Korean briefs, in Korean words and dates.
// Run through ./run.sh, which sets SITE_DIR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { serveSite, launch } from "./site-server.mjs";

const SITE_DIR = process.env.SITE_DIR;
const BASE = "/policy/";
let server, browser, origin;

before(async () => {
  assert.ok(SITE_DIR && fs.existsSync(path.join(SITE_DIR, "ko/index.html")), "SITE_DIR must hold the built example site, with its Korean pages");
  ({ origin, server } = await serveSite(SITE_DIR, BASE));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/// Opens `from`, clicks the switcher's `lang` link, and returns where it landed and its <h1>.
async function switchTo(page, from, lang) {
  await page.goto(`${origin}${BASE}${from}`);
  await Promise.all([page.waitForNavigation(), page.click(`nav.languages a[hreflang="${lang}"]`)]);
  return { path: decodeURIComponent(new URL(page.url()).pathname), h1: await page.textContent("h1"), lang: await page.getAttribute("html", "lang") };
}

for (const [kind, english, korean, koreanTitle] of [
  ["a brief", "briefs/scm-2025-joint-statement/", "ko/briefs/scm-2025-joint-statement/", /한미안보협의회의/],
  ["a term page", "topics/opcon-transfer/", "ko/topics/opcon-transfer/", /^전시작전통제권 전환$/],
  ["the home page", "", "ko/", /한미동맹/],
]) {
  test(`the switcher on ${kind} lands on its counterpart and back`, async () => {
    const page = await browser.newPage();
    const there = await switchTo(page, english, "ko");
    assert.equal(there.path, `${BASE}${korean}`);
    assert.equal(there.lang, "ko");
    assert.match(there.h1.trim(), koreanTitle);
    const back = await switchTo(page, korean, "en");
    assert.equal(back.path, `${BASE}${english}`);
    assert.equal(back.lang, "en");
    await page.close();
  });
}

test("the switcher on a brief without a Korean version goes to the Korean home", async () => {
  const page = await browser.newPage();
  const there = await switchTo(page, "briefs/division-of-roles/", "ko");
  assert.equal(there.path, `${BASE}ko/`);
  await page.close();
});

test("Korean search finds Korean briefs, with Korean words and dates", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${origin}${BASE}ko/search/`);
  await page.waitForFunction(() => document.querySelector("#search-filter option[value]:not([value=''])") !== null);
  await page.fill("#search-input", "전작권");
  await page.waitForSelector("#search-results[aria-busy=false] li");
  const results = await page.$$eval("#search-results .card-title a", (as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
  assert.ok(results.length >= 1, JSON.stringify(results));
  for (const [title, href] of results) {
    assert.match(title, /[\uac00-\ud7a3]/, `a Korean title: ${title}`);
    assert.ok(decodeURIComponent(href).startsWith(`${BASE}ko/`), href);
  }
  const meta = await page.textContent("#search-results .meta");
  assert.match(meta, /\d{4}년 \d{1,2}월 \d{1,2}일/, meta);
  assert.match(await page.textContent("#search-status"), /브리프 \d+건/);
  // The English search does not list them.
  await page.goto(`${origin}${BASE}search/?q=${encodeURIComponent("전작권")}`);
  await page.waitForSelector("#search-results[aria-busy=false]");
  const english = await page.$$eval("#search-results .card-title a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(english.every((href) => !decodeURIComponent(href).startsWith(`${BASE}ko/`)), JSON.stringify(english));
  assert.deepEqual(errors, []);
  await page.close();
});
