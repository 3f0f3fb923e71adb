#!/usr/bin/env python3
"""Checks the structured data of a built site with an independent extractor (extruct):
every brief page holds one schema.org Article in JSON-LD whose `url` is the page's, whose
`about` and `mentions` name term pages that exist, and `terms.json` lists every term page.

    python3 tests/structured-data.py OUTPUT_DIR BASE_URL
"""
import json
import pathlib
import sys
from urllib.parse import unquote

import extruct


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
        assert article["@type"] == "Article", page
        assert unquote(article["url"]) == url, (page, article["url"])
        assert article.get("headline"), page
        for key in ("about", "mentions"):
            for thing in article.get(key, []):
                assert unquote(thing["url"]) in term_urls, f"{page}: {key} {thing['url']} is not a term page"
        articles += 1
    assert articles > 0, "no brief page holds structured data"
    print(f"structured data: {articles} articles, {len(terms)} terms checked")


if __name__ == "__main__":
    main()
