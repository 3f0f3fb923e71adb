#!/usr/bin/env python3
"""Adds two reports to a generated corpus (benches/README.md): one on its most common topic (about
550 briefs at 10,000) and one on the second, from 2025 on, with every part. For measuring what
reports cost a build: compare a cold build of the corpus before and after.

Usage: add_reports.py CORPUS_DIR
"""
import collections
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
counts = collections.Counter()
for path in (root / "content").rglob("*.md"):
    head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    m = re.search(r"^topics:\s*\[(.*)\]", head, re.M)
    if m:
        counts.update(t.strip().strip('"') for t in m.group(1).split(",") if t.strip())
(first, n1), (second, n2) = counts.most_common(2)
config = root / "site.yaml"
text = config.read_text(encoding="utf-8")
if "\nreports:" in text:
    sys.exit(f"{config} has reports already")
config.write_text(
    text.rstrip("\n")
    + f'\nreports:\n  - id: first\n    title: "{first}"\n    select: {{topics: ["{first}"]}}\n'
    + f'  - id: second\n    title: "{second} since 2025"\n    select: {{topics: ["{second}"], from: 2025}}\n',
    encoding="utf-8",
)
print(f"{config}: reports on {first} ({n1} briefs) and {second} since 2025 (of {n2})")
