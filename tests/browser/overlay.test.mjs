// `briefing watch` shows a save that breaks the build over the page: on a phone, the report's
// carets stay under the code they mark, and a close button hides it. Run through ./run.sh,
// which sets BRIEFING to the binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { launch, VIEWS } from "./site-server.mjs";

const BRIEFING = process.env.BRIEFING;
let root, watch, browser, url;

before(async () => {
  assert.ok(BRIEFING && fs.existsSync(BRIEFING), "BRIEFING must name the binary");
  root = fs.mkdtempSync(path.join(os.tmpdir(), "briefing-overlay-"));
  fs.mkdirSync(path.join(root, "content"));
  fs.writeFileSync(path.join(root, "content/a.md"), "---\ntitle: A\n---\nFine.\n");
  watch = spawn(BRIEFING, ["watch", "--root", root, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  url = await new Promise((resolve, reject) => {
    let log = "";
    watch.stderr.on("data", (d) => {
      log += d;
      const m = log.match(/serving (\S+)/);
      if (m) resolve(m[1]);
    });
    watch.on("exit", () => reject(new Error(`watch ended: ${log}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  watch?.kill();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test("the error overlay lines its carets up with the code on a phone and closes", async () => {
  const context = await browser.newContext(VIEWS[2]);
  const page = await context.newPage();
  await page.goto(`${url}a/`);
  await page.waitForFunction(() => document.body.textContent.includes("Fine."));
  // A broken link, far enough along a long line that a phone cannot show it unwrapped.
  const line = "A long line of text that goes on well past the width of a phone before it links [[nowhere-at-all]].";
  fs.writeFileSync(path.join(root, "content/a.md"), `---\ntitle: A\n---\n${line}\n`);
  await page.waitForSelector("#briefing-errors pre", { timeout: 20000 });
  const offset = await page.$eval("#briefing-errors pre", (pre) => {
    const text = pre.textContent;
    const lines = text.split("\n");
    const caretLine = lines.findIndex((l) => /\^\^\^/.test(l));
    const code = lines[caretLine - 1];
    const column = lines[caretLine].indexOf("^");
    // Where the marked code starts and where the carets start, on the screen.
    const at = (lineIndex, col) => {
      const start = lines.slice(0, lineIndex).reduce((n, l) => n + l.length + 1, 0) + col;
      const range = document.createRange();
      range.setStart(pre.firstChild, start);
      range.setEnd(pre.firstChild, start + 1);
      return range.getBoundingClientRect().left;
    };
    return { code: code.slice(column, column + 2), dx: Math.abs(at(caretLine, column) - at(caretLine - 1, column)) };
  });
  assert.equal(offset.code, "[[");
  assert.ok(offset.dx < 1, `the carets are ${offset.dx} px off the code`);
  await page.click("#briefing-errors button[aria-label='Close']");
  assert.equal(await page.$("#briefing-errors"), null);
  await context.close();
});
