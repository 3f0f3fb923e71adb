#!/usr/bin/env python3
"""Checks the language versions of a built site, independently of briefing's own code.

    python3 tests/hreflang.py OUTPUT BASE_URL [--expect N]

Parses every HTML page of OUTPUT with html.parser, collects its `<link rel="alternate"
hreflang>` elements and checks, as search engines read them (Google's hreflang rules):
- each href is absolute under BASE_URL and resolves to a file of OUTPUT;
- the page lists itself among its alternates, and every alternate lists the page back with the
  same set of languages (reciprocal);
- at most one `x-default`, present whenever there are alternates, and one of the versions;
- the page's `<html lang>` is the hreflang its versions give it.
The sitemap's `xhtml:link` alternates, when present, must equal each page's.
`--expect N`: at least N pages have alternates (so that a site without any cannot pass by accident).
Exit 1 with every problem listed; stdlib only.
"""
import html.parser
import pathlib
import sys
import urllib.parse
import xml.etree.ElementTree as ET


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.alternates = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            # Compared decoded: `/ko/%EC%95%88/` and `/ko/안/` are one URL.
            self.alternates.append((a["hreflang"], urllib.parse.unquote(a.get("href", ""))))


def file_of(output, base, url):
    """The output file a URL under the base serves, or None."""
    if not url.startswith(base):
        return None
    path = urllib.parse.unquote(url[len(base):])
    target = output / path
    if url.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def main():
    args = sys.argv[1:]
    expect = 0
    if "--expect" in args:
        i = args.index("--expect")
        expect = int(args[i + 1])
        del args[i:i + 2]
    output, base = pathlib.Path(args[0]), args[1]
    if not base.endswith("/"):
        base += "/"
    problems, pages = [], {}
    for f in sorted(output.rglob("*.html")):
        rel = f.relative_to(output).as_posix()
        url = base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        p = Page()
        p.feed(f.read_text(encoding="utf-8"))
        pages[url] = p
    with_alternates = {u: p for u, p in pages.items() if p.alternates}
    for url, p in with_alternates.items():
        langs = [l for l, _ in p.alternates]
        versions = {l: h for l, h in p.alternates if l != "x-default"}
        if len(langs) != len(set(langs)):
            problems.append(f"{url}: a language is listed twice: {langs}")
        if langs.count("x-default") != 1:
            problems.append(f"{url}: {langs.count('x-default')} x-default alternates, want 1")
        elif dict(p.alternates)["x-default"] not in versions.values():
            problems.append(f"{url}: x-default is not one of the versions")
        if url not in versions.values():
            problems.append(f"{url}: does not list itself among its alternates")
        elif p.lang != [l for l, h in versions.items() if h == url][0]:
            problems.append(f"{url}: <html lang={p.lang!r}> but its alternates call it "
                            f"{[l for l, h in versions.items() if h == url][0]!r}")
        for lang, href in p.alternates:
            if file_of(output, base, href) is None:
                problems.append(f"{url}: alternate {lang} {href} does not resolve to a file of the output")
                continue
            other = pages.get(href)
            if other is None or sorted(other.alternates) != sorted(p.alternates):
                problems.append(f"{url}: alternate {lang} {href} does not list the same versions back "
                                f"({sorted(other.alternates) if other else 'no page'} vs {sorted(p.alternates)})")
    sitemap = output / "sitemap.xml"
    if sitemap.is_file():
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
        for entry in ET.parse(sitemap).getroot().findall("s:url", ns):
            loc = entry.find("s:loc", ns).text
            links = sorted((l.get("hreflang"), urllib.parse.unquote(l.get("href"))) for l in entry.findall("x:link", ns))
            page = pages.get(urllib.parse.unquote(loc))
            if page is not None and links != sorted(page.alternates):
                problems.append(f"sitemap: {loc} has alternates {links}, its page {sorted(page.alternates)}")
    if len(with_alternates) < expect:
        problems.append(f"only {len(with_alternates)} pages have alternates, expected at least {expect}")
    for p in problems:
        print("hreflang:", p)
    print(f"hreflang: {len(pages)} pages, {len(with_alternates)} with alternates, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
