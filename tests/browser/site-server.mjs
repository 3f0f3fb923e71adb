// Serves a built site under a base path, as a static host would (index.html for folders, the
// site's 404.html for missing files), and launches Debian's Chromium: shared by the accessibility
// test and the screenshot tool.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
  ".xml": "application/xml", ".xsl": "application/xml", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
};

/** Serves `dir` under `base` (`/policy/`); resolves to the origin (`http://127.0.0.1:PORT`) and the server. */
export async function serveSite(dir, base) {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const send = (status, file) => fs.readFile(file, (err, body) => {
      if (err) {
        if (status === 200) return send(404, path.join(dir, "404.html"));
        res.writeHead(404);
        return res.end("not found");
      }
      res.writeHead(status, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    });
    if (!url.startsWith(base) || url.includes("..")) return send(404, path.join(dir, "404.html"));
    let file = path.join(dir, url.slice(base.length));
    if (url.endsWith("/")) file = path.join(file, "index.html");
    send(200, file);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, server };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The viewports and colour schemes every page is looked at in. */
export const VIEWS = [
  { name: "desktop-light", viewport: { width: 1280, height: 900 }, colorScheme: "light" },
  { name: "desktop-dark", viewport: { width: 1280, height: 900 }, colorScheme: "dark" },
  { name: "phone-light", viewport: { width: 390, height: 844 }, colorScheme: "light", isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
  { name: "phone-dark", viewport: { width: 390, height: 844 }, colorScheme: "dark", isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
];
