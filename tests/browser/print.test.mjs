// Print, for real: example briefs of the built site (served under /policy/) printed to PDF by
// headless Chromium — through playwright's page.pdf() as a print dialog would, and through
// `chromium --print-to-pdf` as a user might — then read back with poppler's pdfinfo and
// pdftotext: the paper is A4 (the default of `paper` in site.yaml), the sources' URLs and the
// addresses of links out are printed, no navigation, search or screen-only control is, the foot
// of every sheet holds the page's address and number, and lines are about 70 characters.
// Run through ./run.sh, which sets SITE_DIR; needs pdfinfo and pdftotext (poppler-utils).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { serveSite, launch } from "./site-server.mjs";

const SITE_DIR = process.env.SITE_DIR;
const BASE = "/policy/";
const SITE = "https://example.org/policy/";
let server, browser, origin, dir;

before(async () => {
  assert.ok(SITE_DIR && fs.existsSync(path.join(SITE_DIR, "index.html")), "SITE_DIR must hold the built example site");
  ({ origin, server } = await serveSite(SITE_DIR, BASE));
  browser = await launch();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "briefing-print-"));
});

after(async () => {
  await browser?.close();
  server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const run = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8" });
/** The PDF's pages and their size in points. */
function info(pdf) {
  const out = run("pdfinfo", [pdf]);
  const [, w, h] = out.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
  return { pages: Number(out.match(/Pages:\s+(\d+)/)[1]), width: Math.round(Number(w)), height: Math.round(Number(h)) };
}
const text = (pdf, ...args) => run("pdftotext", [...args, pdf, "-"]);
/** Text with every space and line break taken out: a URL broken over two lines reads whole. */
const squeezed = (s) => s.replace(/\s+/g, "");

/** Checks every printed brief shares; returns the text of its pages. */
function checkPrinted(pdf, address) {
  const { pages, width, height } = info(pdf);
  assert.deepEqual([width, height], [595, 842], "A4 paper, the default of `paper`");
  assert.ok(pages >= 1);
  // The foot of every sheet: the page's address, and its number of all.
  for (let i = 1; i <= pages; i++) {
    const sheet = text(pdf, "-f", String(i), "-l", String(i));
    assert.ok(squeezed(sheet).includes(squeezed(address)), `sheet ${i} lacks the address ${address}:\n${sheet}`);
    assert.match(sheet, new RegExp(`(^|\\s)${i} ?/ ?${pages}\\s`), `sheet ${i} lacks its number`);
  }
  // Lines: the column's, without the foot of the sheets and the rows of tables (columns set apart
  // by runs of spaces in pdftotext's layout).
  const lines = text(pdf, "-layout")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !squeezed(l).startsWith(squeezed(address).slice(0, 20)) && !/\d+ ?\/ ?\d+$/.test(l) && !/\S {3,}\S/.test(l));
  const lengths = lines.map((l) => [...l].length);
  const longest = Math.max(...lengths);
  assert.ok(longest <= 80, `a line of ${longest} characters: ${lines[lengths.indexOf(longest)]}`);
  return { pages, all: text(pdf), lengths };
}

test("a brief prints on A4 in one column of about 70 characters, with its sources' URLs and the address at every foot", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}${BASE}briefs/opcon-transfer-acceleration/`);
  // Two links out as the Markdown writes them (`[text](url)`, `<url>`): the first prints its
  // address after its text, the second is its address and does not print it twice.
  await page.evaluate(() => {
    document.querySelector(".prose p").insertAdjacentHTML(
      "beforeend",
      ' See <a href="https://www.defense.gov/News/Releases/">the releases</a> and <a href="https://www.state.gov/" class="url">https://www.state.gov/</a>.',
    );
  });
  const pdf = path.join(dir, "brief.pdf");
  await page.pdf({ path: pdf, preferCSSPageSize: true });
  await page.close();
  const address = `${SITE}briefs/opcon-transfer-acceleration/`;
  const { all, lengths } = checkPrinted(pdf, address);
  const flat = squeezed(all);
  // The sources, with their URLs; a link out with its address, an autolink once.
  for (const url of ["https://www.mnd.go.kr/", "https://www.usfk.mil/"]) assert.ok(flat.includes(url), `${url} not printed`);
  assert.ok(flat.includes("thereleases<https://www.defense.gov/News/Releases/>"), "a link out prints its address");
  assert.ok(flat.includes("https://www.state.gov/") && !flat.includes("<https://www.state.gov/>"), "an autolink prints once");
  assert.ok(flat.includes("5November2025"), "the date");
  // Nothing of the site's navigation, search, switcher, contents, lists of other briefs,
  // downloads or footer.
  for (const word of ["Skip to content", "한국어", "Contents", "Referenced by", "Related briefs", "BibLaTeX", "Built with briefing", "Older", "Newer", "Subscribe"]) {
    assert.ok(!all.includes(word), `"${word}" printed`);
  }
  // About 70 characters a line: most full lines of the body are between 55 and 80.
  const full = lengths.filter((n) => n >= 50).sort((a, b) => a - b);
  const median = full[Math.floor(full.length / 2)];
  assert.ok(median >= 60 && median <= 76, `median line ${median} characters`);
});

test("a Korean brief printed with `chromium --print-to-pdf` has its Korean address at every foot", async () => {
  const pdf = path.join(dir, "ko.pdf");
  const url = `${origin}${BASE}ko/briefs/${encodeURIComponent("전작권-전환-가속")}/`;
  // Not execFileSync: the site is served by this process, which must go on answering.
  await promisify(execFile)(process.env.CHROMIUM || "/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", `--print-to-pdf=${pdf}`, url], { timeout: 60000 });
  const { all } = checkPrinted(pdf, `${SITE}ko/briefs/전작권-전환-가속/`);
  assert.ok(all.includes("전시작전통제권 전환 가속화"), "the title, in Hangul");
  assert.ok(squeezed(all).includes("https://www.mnd.go.kr/"), "the sources' URLs");
  for (const word of ["English", "본문 바로가기", "BibLaTeX"]) assert.ok(!all.includes(word), `"${word}" printed`);
});
