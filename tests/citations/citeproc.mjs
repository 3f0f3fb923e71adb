// Formats a CSL-JSON library with citeproc-js, the reference CSL processor (Zotero's, and
// Mendeley's), as briefing would show it on one brief's page: the bibliography entry of every item,
// and every Pandoc-style citation of a Markdown file, in document order. Prints JSON:
//
//   node citeproc.mjs --library library.json --style STYLE.csl --locale LOCALE.xml \
//       --markdown fixture/content/briefs/all.md > expected.json
//
// The style and locale are the XML that `cargo run --example csl_xml` dumps from hayagriva's
// bundled archive, so both processors format with the same style version.
//
// Citation forms, read from the Markdown as Pandoc reads them:
//   [@key]  [@key, p. 3]  [@a; @b]  [-@key] (suppress-author)  @key (narrative)
// A narrative citation is rendered as Pandoc does: the author part ("author-only") and the rest in
// parentheses ("suppress-author"), joined by a space — `Author (Year)`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const CSL = require("citeproc");

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || argv[i + 1] === undefined) usage();
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ["library", "style", "locale", "markdown"]) if (!out[k]) usage();
  return out;
}

function usage() {
  console.error("usage: node citeproc.mjs --library L.json --style S.csl --locale en-US.xml --markdown BRIEF.md");
  process.exit(2);
}

// Pandoc's citation keys: start with a letter, digit or _, may hold internal punctuation
// (:.#$%&-+?<>~/), end with a letter, digit or _.
const KEY = String.raw`[\p{L}\p{N}_](?:[\p{L}\p{N}_:.#$%&+?<>~/-]*[\p{L}\p{N}_])?`;
const BRACKETED = new RegExp(String.raw`\[([^\[\]]*?-?@${KEY}[^\[\]]*)\]`, "u");
const NARRATIVE = new RegExp(String.raw`(?<![\p{L}\p{N}_@\-\[])@(${KEY})`, "u");
const ITEM = new RegExp(String.raw`^\s*(-?)@(${KEY})(.*)$`, "su");

// Pandoc's locator labels that the fixture uses (Pandoc knows more; add them here when needed).
const LABELS = [
  [/^(?:p|pp|page|pages)\.?\s+/u, "page"],
  [/^(?:chap|chaps|chapter|chapters)\.?\s+/u, "chapter"],
  [/^(?:sec|secs|section|sections)\.?\s+/u, "section"],
  [/^(?:para|paras|paragraph|paragraphs)\.?\s+/u, "paragraph"],
];

function parseLocator(suffix, source) {
  let s = suffix.trim();
  if (s === "") return {};
  if (!s.startsWith(",")) throw new Error(`unsupported citation suffix ${JSON.stringify(suffix)} in ${source}`);
  s = s.slice(1).trim();
  for (const [re, label] of LABELS) {
    const m = s.match(re);
    if (m) return { label, locator: s.slice(m[0].length) };
  }
  if (/^[0-9ivxlcdm]/iu.test(s)) return { label: "page", locator: s };
  throw new Error(`unsupported locator ${JSON.stringify(s)} in ${source}`);
}

/** The citations of a Markdown text in document order: {source, form, items: [{id, ...}]}. */
export function parseCitations(markdown) {
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/u, "");
  const found = [];
  let rest = body;
  for (;;) {
    const b = rest.match(BRACKETED);
    const n = rest.match(NARRATIVE);
    const useB = b && (!n || b.index <= n.index);
    if (!useB && !n) break;
    if (useB) {
      const source = b[0];
      const parts = b[1].split(";");
      const items = parts.map((p) => {
        const m = p.match(ITEM);
        if (!m) throw new Error(`unsupported citation item ${JSON.stringify(p)} in ${source}`);
        const item = { id: m[2], ...parseLocator(m[3], source) };
        if (m[1] === "-") item["suppress-author"] = true;
        return item;
      });
      const form = items.length > 1 ? "multiple" : items[0]["suppress-author"] ? "suppress-author"
        : items[0].locator !== undefined ? "locator" : "plain";
      found.push({ source, form, items });
      rest = rest.slice(b.index + b[0].length);
    } else {
      found.push({ source: n[0], form: "narrative", items: [{ id: n[1] }] });
      rest = rest.slice(n.index + n[0].length);
    }
  }
  return found;
}

const a = args();
const library = JSON.parse(readFileSync(a.library, "utf8"));
const byId = new Map(library.map((item) => [item.id, item]));
const styleXml = readFileSync(a.style, "utf8");
const localeXml = readFileSync(a.locale, "utf8");
const markdown = readFileSync(a.markdown, "utf8");

const sys = {
  retrieveLocale: () => localeXml,
  retrieveItem: (id) => {
    const item = byId.get(id);
    if (!item) throw new Error(`citation of ${id}, which is not in the library`);
    return item;
  },
};
const engine = new CSL.Engine(sys, styleXml, "en-US", true);
engine.opt.development_extensions.wrap_url_and_doi = false;

const cited = parseCitations(markdown);
for (const c of cited) for (const item of c.items) sys.retrieveItem(item.id);

// Every cluster in document order, as one document: disambiguation (year suffixes, given names)
// sees every cited item, as in the site's reference list.
const clusters = cited.map((c, i) => ({
  citationID: `c${i}`,
  citationItems: c.items.map((item) => ({ ...item })),
  properties: { noteIndex: 0 },
}));
const rebuilt = engine.rebuildProcessorState(clusters, "html");
const htmlById = new Map(rebuilt.map(([id, , html]) => [id, html]));

const citations = cited.map((c, i) => {
  let html = htmlById.get(`c${i}`);
  if (c.form === "narrative") {
    // After the whole document is registered, so that the parts carry its disambiguation.
    const id = c.items[0].id;
    const author = engine.makeCitationCluster([{ id, "author-only": true }]);
    const rest = engine.makeCitationCluster([{ id, "suppress-author": true }]);
    html = `${author} ${rest}`;
  }
  return { index: i, source: c.source, form: c.form, keys: c.items.map((item) => item.id), html };
});

const [params, entries] = engine.makeBibliography();
const bibliography = params.entry_ids.map((ids, i) => ({
  id: ids[0],
  html: entries[i].trim().replace(/^<div class="csl-entry">([\s\S]*)<\/div>$/u, "$1"),
}));

const styleTitle = (styleXml.match(/<title>([^<]*)<\/title>/u) || [])[1] || null;
const styleUpdated = (styleXml.match(/<updated>([^<]*)<\/updated>/u) || [])[1] || null;
process.stdout.write(
  JSON.stringify(
    {
      processor: `citeproc-js ${CSL.PROCESSOR_VERSION}`,
      style: { title: styleTitle, updated: styleUpdated },
      citations,
      bibliography,
    },
    null,
    2,
  ) + "\n",
);
