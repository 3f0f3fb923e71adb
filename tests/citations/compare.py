#!/usr/bin/env python3
"""Compares briefing's formatted citations and reference list with citeproc-js's.

    compare.py --expected EXPECTED.json --binary target/release/briefing [--fixture DIR]
    compare.py --expected EXPECTED.json --html PAGE.html

EXPECTED.json is what citeproc.mjs prints for tests/citations/library.json and the citations of
fixture/content/briefs/all.md. With --binary, the fixture site is copied to a temporary folder with
library.json beside its site.yaml, built with `BINARY build --root … --output … -q`, and its page
briefs/all/index.html is read; with --html, that page is given (a hand-written mock, or a page kept
from an earlier build).

From the page it reads, in document order, every `<span class="citation" data-cites="…">` and, in
`<section class="references">`, every `<li class="csl-entry" id="ref-KEY">`'s
`<span class="csl-text">`. Both sides are normalised the same way (see `normalise`), then compared:
each citation with citeproc-js's citation of the same index (and its data-cites with the keys it
cites), each reference with citeproc-js's entry of the same key, and the order of the references.

A difference is accepted only when accepted.json lists it with the exact texts of both sides and a
reason: when either side changes, the difference is shown again. Exits 1 when a difference is not
accepted, 2 on a usage or build error. --suggest prints accepted.json entries for the differences
not yet accepted (each with a reason to write) — review them, never paste them blindly.

Standard library only.
"""

import argparse
import difflib
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

def die(message):
    """A usage, configuration or build error: exit 2 (a difference exits 1)."""
    print(f"compare.py: {message}", file=sys.stderr)
    sys.exit(2)


HERE = os.path.dirname(os.path.abspath(__file__))
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def style_markers(tag, attrs):
    """The (open, close) markers that stand for a formatting tag, or None for a tag ignored."""
    style = (dict(attrs).get("style") or "").replace(" ", "").lower()
    if tag in ("i", "em") or "font-style:italic" in style or "font-style:oblique" in style:
        return ("_", "_")
    if "font-style:normal" in style:
        # citeproc-js writes italics inside italics as normal: still a change of style.
        return ("_", "_")
    if tag in ("b", "strong") or "font-weight:bold" in style:
        return ("*", "*")
    if "font-variant:small-caps" in style:
        return ("^", "^")
    if tag == "sup" or "vertical-align:sup" in style:
        return ("^{", "}")
    if tag == "sub" or "vertical-align:sub" in style:
        return ("_{", "}")
    if "text-decoration:underline" in style or tag == "u":
        return ("+", "+")
    return None


def normalise(text):
    """Text with markers, as compared: NFC, white space collapsed, trimmed.

    - Tags are dropped, but italics become `_…_`, bold `*…*`, small caps `^…^`, superscript `^{…}`,
      subscript `_{…}`, underline `+…+` (a link, `<a>`, is dropped: citeproc-js links nothing,
      briefing links URLs and DOIs, and the URL is in the text on both sides).
    - NFC: briefing normalises the text it reads to NFC, citeproc-js keeps its input's form;
      canonically equivalent strings show the same.
    - Every run of white space, and a no-break space (U+00A0, U+202F), becomes one space: they only
      change where a line may break.
    - Quotation marks are NOT unified: straight and curly quotes look different, and both
      processors take them from the same locale.
    """
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\s\u00a0\u202f]+", " ", text)
    return text.strip()


class Fragment(html.parser.HTMLParser):
    """Reads an HTML fragment (citeproc-js's output) into normalised text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        markers = style_markers(tag, attrs)
        self.stack.append((tag, markers))
        if markers:
            self.out.append(markers[0])

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, markers = self.stack.pop()
            if markers:
                self.out.append(markers[1])
            if open_tag == tag:
                break

    def handle_data(self, data):
        self.out.append(data)

    def text(self):
        self.close()
        while self.stack:
            self.handle_endtag(self.stack[-1][0])
        return normalise("".join(self.out))


def fragment_text(html_text):
    parser = Fragment()
    parser.feed(html_text)
    return parser.text()


def classes(attrs):
    return (dict(attrs).get("class") or "").split()


class Page(html.parser.HTMLParser):
    """Reads a brief page: its citations and its reference list, as normalised text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.citations = []  # (data-cites, text)
        self.references = []  # (key, text)
        self.problems = []
        self.depth = 0  # open elements
        self.in_references = None  # depth of <section class="references">
        self.entry = None  # (key, depth) of the open li.csl-entry
        self.capture = None  # {"kind", "depth", "parser", "cites"/"key"}

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if self.capture:
                self.capture["parser"].handle_starttag(tag, attrs)
            return
        self.depth += 1
        cls = classes(attrs)
        if self.capture:
            self.capture["parser"].handle_starttag(tag, attrs)
            if "citation" in cls or "csl-text" in cls:
                self.problems.append(f"a {tag}.{'.'.join(cls)} inside another citation or entry")
            return
        if tag == "section" and "references" in cls:
            if self.in_references is not None:
                self.problems.append("a references section inside another")
            self.in_references = self.depth
        elif tag == "li" and "csl-entry" in cls:
            key = dict(attrs).get("id") or ""
            if self.in_references is None:
                self.problems.append(f"li.csl-entry#{key} outside section.references")
            if not key.startswith("ref-"):
                self.problems.append(f"li.csl-entry with id {key!r}, not ref-KEY")
            self.entry = (key[len("ref-"):], self.depth, False)
        elif "csl-text" in cls:
            if self.entry is None:
                self.problems.append("a span.csl-text outside li.csl-entry")
                return
            key, depth, seen = self.entry
            if seen:
                self.problems.append(f"two span.csl-text in ref-{key}")
            self.entry = (key, depth, True)
            self.capture = {"kind": "reference", "depth": self.depth, "parser": Fragment(), "key": key}
        elif "citation" in cls and tag == "span":
            if self.in_references is not None:
                self.problems.append("a span.citation inside section.references")
            cites = dict(attrs).get("data-cites")
            if cites is None:
                self.problems.append("a span.citation without data-cites")
            self.capture = {"kind": "citation", "depth": self.depth, "parser": Fragment(), "cites": cites or ""}

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.capture and self.depth == self.capture["depth"]:
            text = self.capture["parser"].text()
            if self.capture["kind"] == "citation":
                self.citations.append((self.capture["cites"], text))
            else:
                self.references.append((self.capture["key"], text))
            self.capture = None
        elif self.capture:
            self.capture["parser"].handle_endtag(tag)
        if self.entry is not None and self.depth == self.entry[1]:
            if not self.entry[2]:
                self.problems.append(f"li#ref-{self.entry[0]} without span.csl-text")
            self.entry = None
        if self.in_references is not None and self.depth == self.in_references:
            self.in_references = None
        self.depth -= 1

    def handle_data(self, data):
        if self.capture:
            self.capture["parser"].handle_data(data)

    def finish(self):
        self.close()
        if self.capture:
            self.problems.append(f"an unclosed {self.capture['kind']} (unbalanced tags?)")
        if self.entry is not None or self.in_references is not None:
            self.problems.append("an unclosed li.csl-entry or section.references (unbalanced tags?)")


def read_page(path):
    page = Page()
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    page.finish()
    return page


def build(binary, fixture):
    """Builds a copy of the fixture (with library.json beside site.yaml); returns the brief page."""
    work = tempfile.mkdtemp(prefix="briefing-citations.")
    site = os.path.join(work, "site")
    shutil.copytree(fixture, site)
    shutil.copy(os.path.join(HERE, "library.json"), os.path.join(site, "library.json"))
    out = os.path.join(work, "output")
    run = subprocess.run([binary, "build", "--root", site, "--output", out, "-q"], capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stdout + run.stderr)
        die(f"building the fixture failed (exit {run.returncode})")
    if run.stderr.strip():
        sys.stderr.write("compare.py: the build warned:\n" + run.stderr)
    page = os.path.join(out, "briefs", "all", "index.html")
    if not os.path.exists(page):
        die(f"the build wrote no {page}")
    return page, work


def inline_diff(expected, actual):
    """One line: the common text, with [-citeproc-js only-] and {+briefing only+}."""
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    parts = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            parts.append(expected[a0:a1])
        if op in ("delete", "replace"):
            parts.append("[-" + expected[a0:a1] + "-]")
        if op in ("insert", "replace"):
            parts.append("{+" + actual[b0:b1] + "+}")
    return "".join(parts)


def show(text):
    return "(missing)" if text is None else text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--expected", required=True, help="citeproc.mjs's JSON")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--html", help="a brief page to read")
    src.add_argument("--binary", help="briefing's binary, to build the fixture with")
    ap.add_argument("--fixture", default=os.path.join(HERE, "fixture"))
    ap.add_argument("--accepted", default=os.path.join(HERE, "accepted.json"))
    ap.add_argument("--suggest", action="store_true", help="print accepted.json entries for new differences")
    ap.add_argument("--keep", action="store_true", help="keep the built fixture (its folder is printed)")
    args = ap.parse_args()

    with open(args.expected, encoding="utf-8") as f:
        expected = json.load(f)
    accepted = []
    if os.path.exists(args.accepted):
        with open(args.accepted, encoding="utf-8") as f:
            accepted = json.load(f)["accepted"]
    for a in accepted:
        if not str(a.get("reason", "")).strip() or a["reason"].strip().upper().startswith("TODO"):
            die(f"accepted.json: {a.get('id')!r} has no reason")

    work = None
    if args.binary:
        page_path, work = build(args.binary, args.fixture)
    else:
        page_path = args.html
    try:
        page = read_page(page_path)
    finally:
        if work and args.keep:
            print(f"kept the built fixture in {work}")
        elif work:
            shutil.rmtree(work, ignore_errors=True)

    print(f"citeproc-js: {expected['processor']}; style: {expected['style']['title']} "
          f"(updated {expected['style']['updated']})")
    checks = []  # (id, what, citeproc-js text or None, briefing text or None)
    if not page.citations and not page.references:
        print(f"note: {page_path} has no span.citation and no li.csl-entry: is the citation feature built?")

    for problem in page.problems:
        checks.append(("page-structure", problem, "", problem))

    # Citations, in document order.
    seen_sources = {}
    exp_cits = expected["citations"]
    for i in range(max(len(exp_cits), len(page.citations))):
        exp = exp_cits[i] if i < len(exp_cits) else None
        got = page.citations[i] if i < len(page.citations) else None
        source = exp["source"] if exp else f"extra citation {i}"
        seen_sources[source] = seen_sources.get(source, 0) + 1
        cid = "citation " + source + ("" if seen_sources[source] == 1 else f" #{seen_sources[source]}")
        what = f"citation {i} ({exp['form']})" if exp else f"citation {i}"
        exp_text = fragment_text(exp["html"]) if exp else None
        got_text = got[1] if got else None
        checks.append((cid, what, exp_text, got_text))
        if exp and got and got[0].split() != exp["keys"]:
            checks.append((cid + " data-cites", what + " data-cites", " ".join(exp["keys"]), got[0]))

    # References, by key, and their order.
    got_refs = {}
    for key, text in page.references:
        if key in got_refs:
            checks.append((f"reference {key} twice", f"reference {key}", "", "listed twice"))
        got_refs[key] = text
    exp_keys = [e["id"] for e in expected["bibliography"]]
    for entry in expected["bibliography"]:
        checks.append((f"reference {entry['id']}", f"reference {entry['id']}", fragment_text(entry["html"]),
                       got_refs.get(entry["id"])))
    for key in got_refs:
        if key not in exp_keys:
            checks.append((f"reference {key}", f"reference {key} (not in citeproc-js's list)", None, got_refs[key]))
    got_keys = [key for key, _ in page.references]
    checks.append(("reference order", "order of the reference list", " ".join(exp_keys), " ".join(got_keys)))

    # Judge.
    used = set()
    failed, passed, accepted_count, suggestions = 0, 0, 0, []
    for cid, what, exp_text, got_text in checks:
        if exp_text == got_text:
            passed += 1
            continue
        match = next((n for n, a in enumerate(accepted) if a["id"] == cid and a.get("citeproc") == exp_text
                      and a.get("briefing") == got_text), None)
        if match is not None:
            used.add(match)
            accepted_count += 1
            passed += 1
            print(f"~ {what}: accepted difference ({accepted[match]['reason']})")
            continue
        failed += 1
        print(f"\n✗ {what}")
        print(f"    citeproc-js: {show(exp_text)}")
        print(f"    briefing:    {show(got_text)}")
        if exp_text is not None and got_text is not None:
            print(f"    diff:        {inline_diff(exp_text, got_text)}")
        suggestions.append({"id": cid, "citeproc": exp_text, "briefing": got_text, "reason": "TODO"})

    for n, a in enumerate(accepted):
        if n not in used:
            print(f"note: accepted.json entry {a['id']!r} matched no difference (fixed, or its texts changed)")
    if args.suggest and suggestions:
        print("\nEntries for accepted.json (write each reason; accept only what you have judged):")
        print(json.dumps(suggestions, ensure_ascii=False, indent=2))
    print(f"\n{len(exp_cits)} citations and {len(exp_keys)} references compared with citeproc-js; "
          f"{accepted_count} accepted differences")
    print(f"citations: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
