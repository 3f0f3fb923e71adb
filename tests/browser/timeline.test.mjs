// The timeline of the built example site (served under /policy/) in headless Chromium:
// - timeline/timeline.json (and the Korean one) rendered by TimelineJS3 itself (the npm package
//   @knight-lab/timelinejs, served from node_modules; no network): no script or console error, no
//   error message from TimelineJS, one slide per event and the title slide, headlines shown as text;
// - the filter of /timeline/: a term's chip hides the other events, says how many are left, puts
//   ?term= in the address and marks the chip; "All events" undoes it; ?term= filters on load; the
//   events left are those of the term page's own timeline. Without JavaScript the chips are links
//   to the term pages' #timeline.
// Run through ./run.sh, which sets SITE_DIR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { serveSite, launch } from "./site-server.mjs";

const SITE_DIR = process.env.SITE_DIR;
const BASE = "/policy/";
// dist/ of the TimelineJS3 package: js/timeline.js, js/locale/*.json, css/timeline.css.
const TL_DIST = path.dirname(path.dirname(createRequire(import.meta.url).resolve("@knight-lab/timelinejs/dist/js/timeline.js")));
const TL_PREFIX = "/timelinejs/";
const TERM = "topics/opcon-transfer";
let server, browser, origin;

before(async () => {
  assert.ok(SITE_DIR && fs.existsSync(path.join(SITE_DIR, "timeline/timeline.json")), "SITE_DIR must hold the built example site, with its timeline");
  ({ origin, server } = await serveSite(SITE_DIR, BASE));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(SITE_DIR, rel), "utf8"));

/** A page that loads TimelineJS from node_modules and renders `jsonRel` of the site with it. */
function harness(jsonRel, language) {
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><title>TimelineJS harness</title>
<link rel="stylesheet" href="${TL_PREFIX}css/timeline.css">
<script src="${TL_PREFIX}js/timeline.js"></script>
<!-- font: null: TimelineJS's default font sheet would fetch its fonts from Google. -->
</head><body>
<div id="tl" style="width: 1100px; height: 650px"></div>
<script>
window.rendered = fetch(${JSON.stringify(BASE + jsonRel)})
  .then((r) => { if (!r.ok) throw new Error("timeline.json: HTTP " + r.status); return r.json(); })
  .then((data) => new Promise((resolve, reject) => {
    const tl = new TL.Timeline("tl", data, { language: ${JSON.stringify(language)}, script_path: location.origin + ${JSON.stringify(TL_PREFIX + "js/")}, hash_bookmark: false, font: null });
    window.tl = tl;
    tl.on("ready", () => resolve("ready"));
    setTimeout(() => reject(new Error("TimelineJS never got ready: " + document.getElementById("tl").innerText.slice(0, 500))), 15000);
  }));
</script>
</body></html>`;
}

/** Opens the harness for `jsonRel`; records page errors, console errors and any request off this server. */
async function renderTimeline(jsonRel, language) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const foreign = [], served = [];
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== origin) {
      foreign.push(url.href);
      return route.abort();
    }
    if (url.pathname === "/harness.html") {
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: harness(jsonRel, language) });
    }
    if (url.pathname.startsWith(TL_PREFIX)) {
      const file = path.join(TL_DIST, path.normalize(url.pathname.slice(TL_PREFIX.length)));
      if (!file.startsWith(TL_DIST) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: "not found" });
      served.push(url.pathname.slice(TL_PREFIX.length));
      return route.fulfill({ status: 200, path: file });
    }
    return route.continue();
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  page.on("requestfailed", (r) => { if (new URL(r.url()).origin === origin) errors.push(`request failed: ${r.url()}`); });
  await page.goto(`${origin}/harness.html`);
  const outcome = await page.evaluate(() => window.rendered.then((x) => x, (e) => `error: ${e.message}`));
  return { context, page, errors, foreign, served, outcome };
}

for (const [jsonRel, language, knownHeadline] of [
  ["timeline/timeline.json", "en", "46th SCM adopts a conditions-based approach to wartime OPCON transition"],
  ["ko/timeline/timeline.json", "ko", "제46차 SCM, 조건에 기초한 전시작전통제권 전환에 합의"],
]) {
  test(`TimelineJS3 renders ${jsonRel} (${language}) without an error`, async () => {
    const data = readJson(jsonRel);
    assert.ok(data.events.length >= 10, `${jsonRel} has ${data.events.length} events`);
    const { context, page, errors, foreign, served, outcome } = await renderTimeline(jsonRel, language);
    assert.equal(outcome, "ready", errors.join("\n"));
    if (language !== "en") assert.ok(served.includes(`js/locale/${language}.json`), `TimelineJS's ${language} locale was used: ${served}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, [], "TimelineJS asked for nothing off the test server");
    const state = await page.evaluate(() => ({
      valid: window.tl.config.isValid(),
      configErrors: window.tl.config.getErrors(),
      events: window.tl.config.events.length,
      slides: document.querySelectorAll("#tl .tl-slide").length,
      markers: document.querySelectorAll("#tl .tl-timemarker").length,
      message: [...document.querySelectorAll("#tl .tl-message-content")].map((m) => m.textContent.trim()).filter(Boolean),
      text: document.getElementById("tl").textContent,
      html: document.getElementById("tl").innerHTML,
    }));
    assert.ok(state.valid, `TimelineJS finds the data invalid: ${state.configErrors.join("; ")}`);
    assert.deepEqual(state.message, [], "TimelineJS shows no message (errors are shown as one)");
    assert.equal(state.events, data.events.length, "TimelineJS kept every event");
    assert.equal(state.slides, data.events.length + 1, "one slide per event and the title slide");
    assert.equal(state.markers, data.events.length, "one marker per event on the time navigation");
    assert.ok(state.text.includes(knownHeadline), `"${knownHeadline}" is on a slide`);
    assert.ok(state.text.includes(data.title.text.headline.replace(/&#39;/g, "'")), "the title slide");
    // Headlines are HTML to TimelineJS: an apostrophe escaped once reads as an apostrophe, never as "&#39;".
    assert.ok(!/&(amp;)?#39;|&amp;(amp|lt|gt|quot);/.test(state.text), "no entity shown as text");
    if (language === "en") assert.ok(state.text.includes("The Joint Chiefs' Military Committee Meeting"), "the apostrophe in a headline");
    // The links of the events' text go to the built site's briefs.
    assert.ok(/<a href="https:\/\/example\.org\/policy\/[^"]+"/.test(state.html), "links to the briefs in the slides");
    // Going to the next slide works (the first event after the title).
    await page.evaluate(() => window.tl.goToNext());
    await page.waitForFunction(() => window.tl.current_id && window.tl.current_id !== window.tl.config.title?.unique_id);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

/** Visible events of the open page's #timeline, as ids. */
const visibleEvents = (page) => page.$$eval("#timeline li.event", (els) => els.filter((e) => e.checkVisibility()).map((e) => e.id));

test("the timeline filter: a chip shows its term's events, All events shows all, ?term= filters on load", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${origin}${BASE}timeline/`);
  const all = await page.$$eval("#timeline li.event", (els) => els.map((e) => ({ id: e.id, terms: e.dataset.terms.split(" ").filter(Boolean) })));
  const expected = all.filter((e) => e.terms.includes(TERM)).map((e) => e.id);
  assert.equal(all.length, readJson("timeline/timeline.json").events.length, "the page lists every event of timeline.json");
  assert.ok(expected.length > 0 && expected.length < all.length, `${expected.length} of ${all.length} events are about ${TERM}`);
  assert.deepEqual(await visibleEvents(page), all.map((e) => e.id), "every event shown at first");
  assert.ok(!(await page.isVisible("#timeline-status")), "no status before a filter");

  const chip = `#timeline-filters a[data-term="${TERM}"]`;
  assert.equal(Number(await page.textContent(`${chip} .count`)), expected.length, "the chip counts the term's events");
  await page.click(chip);
  assert.deepEqual(await visibleEvents(page), expected, "only the term's events after its chip");
  assert.equal(new URL(page.url()).pathname, `${BASE}timeline/`, "the chip did not navigate");
  assert.equal(new URL(page.url()).searchParams.get("term"), TERM);
  assert.equal(await page.getAttribute(chip, "aria-current"), "true");
  assert.ok(await page.isVisible("#timeline-status"), "a status line");
  assert.equal((await page.textContent("#timeline-status span")).trim(), `${expected.length} events about OPCON transfer.`);
  // A year with none of the term's events is hidden with its heading.
  const years = await page.$$eval("#timeline .timeline-year", (ys) => ys.map((y) => [y.querySelector("h2").textContent.trim(), y.checkVisibility(), y.querySelectorAll("li.event:not([hidden])").length]));
  for (const [year, visible, shown] of years) assert.equal(visible, shown > 0, `year ${year}: shown ${visible}, with ${shown} events`);
  // The same events as the term page's own timeline.
  const termPage = await context.newPage();
  await termPage.goto(`${origin}${BASE}${TERM}/`);
  const onTermPage = await termPage.$$eval("#timeline li.event .event-title a", (as) => as.map((a) => new URL(a.href).hash.slice(1)));
  assert.deepEqual(onTermPage, expected, "the term page's timeline has the filtered events, in the same order");
  await termPage.close();

  await page.click("#timeline-all");
  assert.equal((await visibleEvents(page)).length, all.length, "All events shows them all again");
  assert.equal(new URL(page.url()).searchParams.get("term"), null, "and drops ?term=");
  assert.equal(await page.getAttribute(chip, "aria-current"), null);
  assert.ok(!(await page.isVisible("#timeline-status")), "and hides the status");

  // Another term, then its chip again: the chip toggles its filter off.
  const actor = `#timeline-filters a[data-term="actors/usfk"]`;
  await page.click(actor);
  const usfk = all.filter((e) => e.terms.includes("actors/usfk")).map((e) => e.id);
  assert.deepEqual(await visibleEvents(page), usfk);
  await page.click(actor);
  assert.equal((await visibleEvents(page)).length, all.length, "a chip clicked twice shows every event");

  const loaded = await context.newPage();
  loaded.on("pageerror", (e) => errors.push(e.message));
  await loaded.goto(`${origin}${BASE}timeline/?term=${TERM}`);
  await loaded.waitForFunction(() => !document.getElementById("timeline-status").hidden);
  assert.deepEqual(await visibleEvents(loaded), expected, "?term= filters on load");
  assert.equal(await loaded.getAttribute(chip, "aria-current"), "true");
  // An unknown term in the address filters nothing.
  await loaded.goto(`${origin}${BASE}timeline/?term=topics/no-such-term`);
  assert.equal((await visibleEvents(loaded)).length, all.length, "an unknown ?term= leaves every event shown");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the Korean timeline filter says how many events are left, in Korean", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${origin}${BASE}ko/timeline/`);
  const chip = `#timeline-filters a[data-term="${TERM}"]`;
  const count = Number(await page.textContent(`${chip} .count`));
  await page.tap(chip);
  assert.equal((await visibleEvents(page)).length, count);
  assert.equal((await page.textContent("#timeline-status span")).trim(), `전시작전통제권 전환 관련 사건 ${count}건.`);
  assert.equal(new URL(page.url()).pathname, `${BASE}ko/timeline/`);
  await page.tap("#timeline-all");
  assert.ok(!(await page.isVisible("#timeline-status")));
  await context.close();
});

test("without JavaScript the filter chips are links to the term pages' timelines", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${origin}${BASE}timeline/`);
  const chips = await page.$$eval("#timeline-filters a[data-term]", (as) => as.map((a) => [a.dataset.term, a.getAttribute("href")]));
  assert.ok(chips.length >= 2);
  for (const [term, href] of chips) assert.equal(href, `${BASE}${term}/#timeline`);
  assert.ok(!(await page.isVisible("#timeline-status")), "no status line (nor its button) without the script");
  const count = Number(await page.textContent(`#timeline-filters a[data-term="${TERM}"] .count`));
  await Promise.all([page.waitForNavigation(), page.click(`#timeline-filters a[data-term="${TERM}"]`)]);
  const url = new URL(page.url());
  assert.equal(url.pathname, `${BASE}${TERM}/`);
  assert.equal(url.hash, "#timeline");
  assert.equal(await page.$$eval("#timeline li.event", (els) => els.length), count, "the term page's timeline has the chip's count of events");
  await context.close();
});
