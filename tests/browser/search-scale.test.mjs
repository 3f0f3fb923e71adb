// Search at scale: a site of 10,000 generated briefs (../shared/bench/gen_corpus.py), served
// gzip-compressed as static hosts serve JSON (GitHub Pages, Netlify, nginx with gzip on), in
// headless Chromium. Measures and prints, per query, the bytes fetched (compressed, as
// transferred, and their size unpacked) and the time from the keystroke to the results shown;
// and the same for loading the search page. Run through ./run.sh, which builds the corpus into
// SCALE_DIR when the generator is there; skipped without SCALE_DIR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { launch } from "./site-server.mjs";

const SCALE_DIR = process.env.SCALE_DIR;
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml" };
// The budgets of issue 19: a query answers in under 100 ms after the first load, and the page
// and a query fetch under 500 KB compressed in total. Time is asserted with room for a busy
// machine (CI shares its two cores); the figures printed are the measurement.
const BYTES_BUDGET = 500 * 1024;
const TIME_LIMIT = Number(process.env.SCALE_TIME_LIMIT || 300);
let server, browser, origin;
let unpacked = 0;
// Each file as a static host's cache holds it: read and compressed before the test (the
// search files) or on first use (the rest), so that what is measured is the page, not this server.
const cached = new Map();
function load(file) {
  if (!cached.has(file)) {
    const body = fs.readFileSync(file);
    cached.set(file, { body, gzip: zlib.gzipSync(body, { level: 6 }) });
  }
  return cached.get(file);
}
function preload(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) preload(file);
    else load(file);
  }
}

before(async () => {
  if (!SCALE_DIR) return;
  assert.ok(fs.existsSync(path.join(SCALE_DIR, "search/index.json")), "SCALE_DIR must hold a built site");
  server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (url.includes("..")) { res.writeHead(404); return res.end(); }
    let file = path.join(SCALE_DIR, url);
    if (url.endsWith("/")) file = path.join(file, "index.html");
    let found;
    try { found = load(file); } catch { res.writeHead(404); return res.end("not found"); }
    unpacked += found.body.length;
    const headers = { "content-type": TYPES[path.extname(file)] || "application/octet-stream" };
    const gzip = /\bgzip\b/.test(req.headers["accept-encoding"] || "");
    if (gzip) headers["content-encoding"] = "gzip";
    res.writeHead(200, headers);
    res.end(gzip ? found.gzip : found.body);
  });
  preload(path.join(SCALE_DIR, "search"));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

// Counts what the page fetches from now on: responses and their bytes on the wire.
function meter(page) {
  const seen = { requests: 0, bytes: 0, files: [] };
  page.on("requestfinished", async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (!sizes) return;
    seen.requests++;
    seen.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    seen.files.push(new URL(request.url()).pathname);
  });
  return { take() { const t = { ...seen, files: seen.files.slice() }; seen.requests = 0; seen.bytes = 0; seen.files = []; return t; } };
}

const kb = (n) => (n / 1024).toFixed(1) + " KB";

test("at 10,000 briefs a query fetches a few small files and answers at once", { skip: !SCALE_DIR && "SCALE_DIR is not set" }, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const net = meter(page);
  unpacked = 0;
  await page.goto(`${origin}/search/`);
  await page.waitForFunction(() => document.querySelector("#search-filter option[value]:not([value=''])") !== null);
  await page.waitForTimeout(100);
  const load = net.take();
  const loadUnpacked = unpacked;
  console.log(`# search page load: ${load.requests} files, ${kb(load.bytes)} transferred (${kb(loadUnpacked)} unpacked)`);
  const queries = ["humphreys", "seoul washington", "nuclear consultative group", "한미동맹", "방위비분담", "작전통제", "rotational deployments", "the"];
  const firsts = [], times = [];
  let worst = 0;
  for (const q of queries) {
    unpacked = 0;
    const result = await page.evaluate((q) => new Promise((resolve) => {
      const input = document.getElementById("search-input");
      const list = document.getElementById("search-results");
      const t0 = performance.now();
      let first = null;
      list.addEventListener("briefing:first", function drawn(e) {
        if (e.detail.query !== q) return;
        list.removeEventListener("briefing:first", drawn);
        first = performance.now() - t0;
      });
      list.addEventListener("briefing:results", function done(e) {
        if (e.detail.query !== q) return;
        list.removeEventListener("briefing:results", done);
        resolve({ first, ms: performance.now() - t0, found: e.detail.found, shown: e.detail.shown, excerpts: list.querySelectorAll(".excerpt mark").length });
      });
      input.value = q;
      input.dispatchEvent(new Event("input"));
    }), q);
    await page.waitForTimeout(50);
    const fetched = net.take();
    firsts.push(result.first);
    times.push(result.ms);
    worst = Math.max(worst, load.bytes + fetched.bytes);
    console.log(`# query ${JSON.stringify(q)}: ${result.found} briefs, first results in ${result.first.toFixed(1)} ms, ` +
      `all ${result.shown} in ${result.ms.toFixed(1)} ms, ` +
      `${fetched.requests} files, ${kb(fetched.bytes)} transferred (${kb(unpacked)} unpacked); page and query ${kb(load.bytes + fetched.bytes)}`);
    assert.ok(result.found > 0, q);
    assert.ok(load.bytes + fetched.bytes < BYTES_BUDGET, `${q}: ${kb(load.bytes + fetched.bytes)}`);
  }
  // The same query again: every file is in memory.
  const again = await page.evaluate(() => new Promise((resolve) => {
    const input = document.getElementById("search-input");
    const list = document.getElementById("search-results");
    const t0 = performance.now();
    list.addEventListener("briefing:results", () => resolve(performance.now() - t0), { once: true });
    input.value = "humphreys ";
    input.dispatchEvent(new Event("input"));
  }));
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const slowest = (xs) => Math.max(...xs);
  console.log(`# ${queries.length} queries: first results median ${median(firsts).toFixed(1)} ms (slowest ` +
    `${slowest(firsts).toFixed(1)} ms), all shown median ${median(times).toFixed(1)} ms (slowest ` +
    `${slowest(times).toFixed(1)} ms); a query repeated ${again.toFixed(1)} ms; the most fetched with the page ${kb(worst)}`);
  assert.ok(median(firsts) < TIME_LIMIT, `median ${median(firsts)} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});
