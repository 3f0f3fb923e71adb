// Takes screenshots of a built site for docs/ and for looking at pages:
//   node screenshots.mjs SITE_DIR OUT_DIR [BASE] [page ...]
// A page is `name=path` (`brief=background/combined-forces-command/`); each is taken in every
// view of VIEWS (desktop and phone, light and dark), as OUT_DIR/name-view.png. `full:` before
// a name takes the whole page instead of the first screen; `name=path|selector` scrolls the page
// so that the first element matching `selector` is at the top of the screen.
import fs from "node:fs";
import path from "node:path";
import { serveSite, launch, VIEWS } from "./site-server.mjs";

const [dir, out, base = "/", ...pages] = process.argv.slice(2);
if (!dir || !out) {
  console.error("usage: node screenshots.mjs SITE_DIR OUT_DIR [BASE] [name=path ...]");
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const { origin, server } = await serveSite(dir, base);
const browser = await launch();
for (const spec of pages.length ? pages : ["home="]) {
  let [name, target] = spec.split(/=(.*)/s);
  const [rel, selector] = (target || "").split("|");
  const full = name.startsWith("full:");
  if (full) name = name.slice(5);
  for (const view of VIEWS) {
    const context = await browser.newContext(view);
    const page = await context.newPage();
    await page.goto(`${origin}${base}${rel}`);
    await page.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => {});
    if (selector) {
      await page.$eval(selector, (el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16));
    }
    const file = path.join(out, `${name}-${view.name}.png`);
    await page.screenshot({ path: file, fullPage: full });
    console.log(file);
    await context.close();
  }
}
await browser.close();
server.close();
