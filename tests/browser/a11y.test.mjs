// Every kind of page of the built example site, checked with axe-core in headless Chromium at
// desktop and phone size, in light and dark: no violation of WCAG 2.2 A/AA or axe's best
// practices. Also what axe does not measure: the footnote references' tap targets, the phone
// header's height, the search filter's width. Run through ./run.sh, which sets SITE_DIR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { serveSite, launch, VIEWS } from "./site-server.mjs";

const SITE_DIR = process.env.SITE_DIR;
const BASE = "/policy/";
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
// The brief with footnotes, a task list, a table and a figure.
const BRIEF = "background/combined-forces-command/";
const PAGES = {
  home: "",
  brief: BRIEF,
  section: "briefs/",
  "term list": "topics/",
  // A term page with its timeline (#timeline).
  term: "topics/opcon-transfer/",
  timeline: "timeline/",
  "timeline, filtered by a term": "timeline/?term=topics/opcon-transfer",
  "superseded brief": "briefs/jcs-military-committee-2025/",
  search: "search/?q=opcon",
  "search, nothing found": "search/?q=zzzzqq",
  "404": "no/such/page/",
  "Korean home": "ko/",
  "Korean brief": "ko/briefs/scm-2025-joint-statement/",
  "Korean term": "ko/topics/opcon-transfer/",
  "Korean timeline": "ko/timeline/",
  "Korean search": "ko/search/?q=%EC%A0%84%EC%9E%91%EA%B6%8C",
  // A table wider than a phone: it scrolls, and is focusable to scroll by keyboard.
  "brief with a wide table": "briefs/division-of-roles/",
  reports: "reports/",
  report: "reports/opcon/",
  "Korean report": "reports/opcon-ko/",
};
let server, browser, origin;

before(async () => {
  assert.ok(SITE_DIR && fs.existsSync(path.join(SITE_DIR, "index.html")), "SITE_DIR must hold a built site");
  ({ origin, server } = await serveSite(SITE_DIR, BASE));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(view, rel) {
  const context = await browser.newContext(view);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${origin}${BASE}${rel}`);
  // The status says "Loading the index…" (or "색인을 불러오는 중…") until the index is in.
  if (rel.includes("?term=")) await page.waitForFunction(() => !document.getElementById("timeline-status").hidden);
  if (rel.includes("search/")) await page.waitForFunction(() => !document.getElementById("search-status").textContent.endsWith("\u2026"));
  return { context, page, errors };
}

for (const view of VIEWS) {
  test(`axe finds no violation on any kind of page (${view.name})`, async () => {
    const found = [];
    for (const [name, rel] of Object.entries(PAGES)) {
      const { context, page, errors } = await open(view, rel);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
          rules: { "target-size": { enabled: true } },
          resultTypes: ["violations"],
        });
        return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
      });
      found.push(...violations.map((v) => `${name}: ${v}`));
      assert.deepEqual(errors, [], `script errors on ${name}`);
      await context.close();
    }
    assert.deepEqual(found, []);
  });
}

test("footnote references and their back links are targets of 24×24 px at least", async () => {
  for (const view of [VIEWS[0], VIEWS[2]]) {
    const { context, page } = await open(view, BRIEF);
    const boxes = await page.$$eval(".footnote-ref a, .footnote-back", (as) => as.map((a) => {
      const r = a.getBoundingClientRect();
      return [a.textContent, Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10];
    }));
    assert.ok(boxes.length >= 4, JSON.stringify(boxes));
    for (const [text, w, h] of boxes) assert.ok(w >= 24 && h >= 24, `${view.name}: "${text}" is ${w}×${h}`);
    await context.close();
  }
});

test("on a 390×844 phone the header takes at most 120 px, on every kind of page", async () => {
  for (const [name, rel] of Object.entries(PAGES)) {
    const { context, page } = await open(VIEWS[2], rel);
    const height = await page.$eval("#site-header", (h) => h.getBoundingClientRect().height);
    assert.ok(height <= 120, `${name}: the header is ${height} px high`);
    // Nothing of the page is wider than the screen.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), `${name} scrolls sideways`);
    await context.close();
  }
});

test("the search filter is as wide as the search box on a phone, and an empty search says what to do", async () => {
  const { context, page } = await open(VIEWS[2], "search/");
  const [input, select] = await page.$$eval("#search-input, #search-filter", (els) => els.map((e) => e.getBoundingClientRect().width));
  assert.equal(Math.round(select), Math.round(input));
  assert.ok(await page.isVisible("#search-hint"), "a hint before any query");
  await page.fill("#search-input", "opcon");
  await page.waitForSelector("#search-results[aria-busy=false] li");
  assert.ok(!(await page.isVisible("#search-hint")), "the hint gives way to results");
  await page.fill("#search-input", "zzzzqq");
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length === 0);
  assert.match(await page.textContent("#search-status"), /No brief matches “zzzzqq”; try fewer letters or another spelling/);
  assert.ok(await page.isVisible("#search-hint"), "the hint again when nothing matches");
  await context.close();
});

test("a feed opened in the browser reads as a page that says how to subscribe", async () => {
  const { context, page } = await open(VIEWS[0], "topics/opcon-transfer/atom.xml");
  await page.waitForSelector("h1");
  assert.match(await page.textContent("h1"), /OPCON transfer/);
  assert.match(await page.textContent("main"), /feed reader/);
  assert.equal(await page.textContent("code"), "https://example.org/policy/topics/opcon-transfer/atom.xml");
  assert.ok((await page.$$("main li h2 a")).length >= 1, "the feed's entries are listed");
  await context.close();
});

test("Korean inside a serif paragraph is set in a Korean serif, and Latin text in a Latin one", async () => {
  const { context, page } = await open(VIEWS[0], BRIEF);
  const client = await context.newCDPSession(page);
  await client.send("DOM.enable");
  await client.send("CSS.enable");
  const { root } = await client.send("DOM.getDocument");
  // The brief's first paragraph: "The ROK–US Combined Forces Command (CFC, 한미연합사령부) is …".
  const { nodeId } = await client.send("DOM.querySelector", { nodeId: root.nodeId, selector: ".prose p" });
  const { fonts } = await client.send("CSS.getPlatformFontsForNode", { nodeId });
  const korean = /Myeongjo|Myungjo|Serif CJK|Serif KR|Batang|Han Serif/i;
  const names = fonts.map((f) => `${f.familyName} (${f.glyphCount})`).join(", ");
  // Needs a Korean serif installed (.ci/run installs fonts-nanum).
  assert.ok(fonts.some((f) => korean.test(f.familyName) && f.glyphCount === 7), `Hangul not in a Korean serif: ${names}`);
  assert.ok(fonts.some((f) => !korean.test(f.familyName) && f.glyphCount > 100), `Latin in a Korean font: ${names}`);
  await context.close();
});
