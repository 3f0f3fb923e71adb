#!/usr/bin/env python3
"""Checks the structured data of a built site with independent tools: every brief page holds
one schema.org Report in JSON-LD (extruct) whose `url` is the page's, whose `about` and
`mentions` name term pages that exist, with a publisher and its cited works; Google Scholar's
`citation_*` tags agree with it; each brief's `cite.bib` is read by bibtexparser and `cite.ris` by
rispy, and say the same; `terms.json` lists every term page and `sources.json` every source page.

    python3 tests/structured-data.py OUTPUT_DIR BASE_URL
"""
import json
import pathlib
import sys
from urllib.parse import unquote

import bibtexparser
import extruct
import rispy
from html.parser import HTMLParser


class Meta(HTMLParser):
    """The `<meta name="citation_*">` tags of a page."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or "").startswith("citation_"):
            self.tags.append((attrs["name"], attrs.get("content")))


def main():
    output, base = pathlib.Path(sys.argv[1]), sys.argv[2].rstrip("/") + "/"
    terms = json.loads((output / "terms.json").read_text(encoding="utf-8"))
    term_urls = {unquote(t["url"]) for t in terms}
    for t in terms:
        assert t["url"].startswith(base), t
        page = output / unquote(t["url"])[len(base):] / "index.html"
        assert page.is_file(), f"terms.json lists {t['url']}, which has no page"
        for key in ("id", "taxonomy", "title", "names", "aka", "count"):
            assert key in t, (key, t)
    articles = 0
    for page in sorted(output.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        if "application/ld+json" not in html:
            continue
        url = base + str(page.parent.relative_to(output)) + "/"
        data = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]
        assert len(data) == 1, f"{page}: {len(data)} JSON-LD objects"
        article = data[0]
        assert article["@type"] == "Report", page
        assert unquote(article["url"]) == url, (page, article["url"])
        assert article.get("headline"), page
        assert article["publisher"]["name"], page
        for work in article.get("citation", []):
            assert work["@type"] == "CreativeWork" and work["name"], (page, work)
        meta = Meta()
        meta.feed(html)
        tags = dict(meta.tags)
        assert tags.get("citation_title") == article["headline"], (page, tags.get("citation_title"))
        authors = [v for k, v in meta.tags if k == "citation_author"]
        assert authors == [a["name"] for a in article.get("author", [])], (page, authors)
        references = [v for k, v in meta.tags if k == "citation_reference"]
        assert len(references) == len(article.get("citation", [])), page
        bib = page.parent / "cite.bib"
        library = bibtexparser.parse_string(bib.read_text(encoding="utf-8"))
        assert len(library.entries) == 1 and not library.failed_blocks, (bib, library.failed_blocks)
        entry = library.entries[0]
        assert entry.entry_type == "report", bib
        assert entry.fields_dict["title"].value == latex_plain(article["headline"]), (bib, entry.fields_dict["title"].value)
        assert entry.fields_dict["url"].value == article["url"], bib
        ris = rispy.loads((page.parent / "cite.ris").read_text(encoding="utf-8"))
        assert len(ris) == 1 and ris[0]["type_of_reference"] == "RPRT", page
        assert ris[0]["title"] == article["headline"], (page, ris[0]["title"])
        assert ris[0].get("authors", []) == authors, page
        for key in ("about", "mentions"):
            for thing in article.get(key, []):
                assert unquote(thing["url"]) in term_urls, f"{page}: {key} {thing['url']} is not a term page"
        articles += 1
    assert articles > 0, "no brief page holds structured data"
    sources = json.loads((output / "sources.json").read_text(encoding="utf-8")) if (output / "sources.json").exists() else []
    for s in sources:
        page = output / unquote(s["page"])[len(base):] / "index.html"
        assert page.is_file(), f"sources.json lists {s['page']}, which has no page"
        assert s["key"] and s["title"] and s["reference"], s
        for brief in s["cited_by"]:
            assert (output / unquote(brief)[len(base):] / "index.html").is_file(), (s["key"], brief)
    print(f"structured data: {articles} reports with citation files, {len(terms)} terms, {len(sources)} sources checked")


def latex_plain(text):
    """A title as BibTeX escapes it (`&` → `\\&`), to compare with the page's."""
    for c in "{}%&#$_":
        text = text.replace(c, "\\" + c)
    return text


if __name__ == "__main__":
    main()
