#!/usr/bin/env python3
"""Reports and briefs printed to PDF by `briefing report` (Chromium), read back with real tools:
pdftotext finds every chapter title and a Hangul phrase, pdffonts shows every font embedded, the
outline (pypdf) matches the report's contents, links work (internal destinations and URIs); a
brief printed alone has no line over about 80 characters and prints its sources' URLs.

Usage: pdf_check.py BRIEFING SITE_ROOT REPORT_ID HANGUL_PHRASE BRIEF_NAME
"""
import html
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdf

binary, root, report_id, hangul, brief_name = sys.argv[1:6]
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def squeeze(text):
    return re.sub(r"\s+", "", text).lower()


def text_of(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


with tempfile.TemporaryDirectory() as work:
    work = Path(work)
    out = work / "site"
    subprocess.run([binary, "build", "--root", root, "--output", str(out), "-q"], check=True)
    page = (out / "reports" / report_id / "index.html").read_text()
    chapters = [text_of(m) for m in re.findall(r'<article class="report-chapter"[^>]*>\s*<header[^>]*>\s*<h2>(.*?)</h2>', page, re.S)]
    contents_nav = re.search(r'<nav class="report-contents".*?</nav>', page, re.S).group(0)
    contents = [text_of(m) for m in re.findall(r"<li[^>]*><a [^>]*>(.*?)</a></li>", contents_nav, re.S)]
    check(len(chapters) >= 2, f"the report has chapters: {chapters}")

    pdf = work / f"{report_id}.pdf"
    subprocess.run([binary, "report", report_id, "--root", root, "--pdf", str(pdf), "-q"], check=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = squeeze(text)
    for title in chapters:
        check(squeeze(title) in flat, f"chapter title in the PDF's text: {title}")
    check(squeeze(hangul) in flat, f"the Hangul phrase {hangul} in the PDF's text")

    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    check(len(fonts) > 0, "the PDF has fonts")
    for line in fonts:
        # name type [type] encoding emb sub uni object-id gen: `emb` is the fifth field from the end.
        check(line.split()[-5] == "yes", f"embedded: {line}")

    reader = pypdf.PdfReader(str(pdf))
    outline = reader.outline
    check(len(outline) >= 1 and isinstance(outline[0], pypdf.generic.Destination), "an outline with the report's title")
    top = [item.title for item in (outline[1] if len(outline) > 1 and isinstance(outline[1], list) else [])
           if not isinstance(item, list)]
    expected = ["Contents"] + contents
    check([squeeze(t) for t in top] == [squeeze(t) for t in expected],
          f"the outline matches the contents:\n  outline  {top}\n  contents {expected}")
    internal = external = 0
    for p in reader.pages:
        for annotation in p.get("/Annots") or []:
            a = annotation.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            action = a.get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                external += 1
            elif a.get("/Dest") is not None or (action is not None and action.get_object().get("/S") == "/GoTo"):
                internal += 1
    check(internal > 0, "links inside the report (the contents) are PDF destinations")
    check(external > 0, "links out of the report are URIs")
    print(f"report {report_id}: {len(reader.pages)} pages, {len(chapters)} chapters, {len(fonts)} fonts embedded, "
          f"{len(top)} outline entries, {internal} internal and {external} external links")

    # One brief printed alone: the measure and the sources' addresses.
    single = work / "brief.pdf"
    subprocess.run([binary, "report", "--brief", brief_name, "--root", root, "--pdf", str(single), "-q"], check=True)
    # As laid out (pdftotext's reading order joins a hyphenated word's two lines); a table's row,
    # cells apart by runs of spaces, and printed addresses, which cannot break, aside.
    layout = subprocess.run(["pdftotext", "-layout", str(single), "-"], capture_output=True, text=True, check=True).stdout
    lines = [l.strip() for l in layout.splitlines()
             if l.strip() and "://" not in l and not re.search(r"\S {3,}\S", l.strip())]
    longest = max(lines, key=len)
    check(len(longest) <= 82, f"no line of the brief over about 80 characters: {len(longest)}: {longest!r}")
    pages = [p for p in out.rglob("index.html") if f"/{brief_name.rsplit('/', 1)[-1]}/" in str(p)]
    check(len(pages) == 1, f"the brief's page in the build: {pages}")
    if pages:
        refs = re.search(r'<section class="sources references".*?</section>', pages[0].read_text(), re.S)
        urls = set(re.findall(r'href="(https?://[^"]+)"', refs.group(0))) if refs else set()
        urls = {u for u in urls if "web.archive.org" not in u}
        flat_single = squeeze(subprocess.run(["pdftotext", str(single), "-"], capture_output=True, text=True).stdout)
        for url in urls:
            check(squeeze(html.unescape(url)).rstrip("/") in flat_single, f"the source URL {url} printed")
        print(f"brief {brief_name}: longest line {len(longest)} characters, {len(urls)} source URLs printed")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
