#!/usr/bin/env python3
"""Adds a bibliography and citations to a generated corpus, for benchmarks of issue 15 (sources
and citations).

    python3 benches/add_citations.py CORPUS [--entries 2000] [--share 0.3]

Writes `references.json` (CSL-JSON: `--entries` journal articles, reports and web pages by
synthetic authors) beside `content/`, names it in `site.yaml`, and puts two or three citations
(`[@key]`, `[@key, p. 3]`, `[@a; @b]`) into the first paragraph of `--share` of the briefs.
Deterministic: the same corpus gives the same bibliography and citations.
"""
import argparse
import json
import pathlib
import random

FAMILIES = ["Kim", "Lee", "Park", "Choi", "Smith", "Johnson", "Tanaka", "Nguyen", "Brown", "Garcia", "Jung", "Kang"]
GIVEN = ["Min-jun", "Seo-yeon", "Ji-ho", "Anna", "David", "Maria", "Hiroshi", "Linh", "James", "Sofia"]
WORDS = ["alliance", "deterrence", "command", "transition", "posture", "flexibility", "consultation", "burden",
         "sharing", "readiness", "exercises", "nuclear", "planning", "modernization", "security", "cooperation"]


def entry(n, rng):
    kind = ["article-journal", "report", "webpage"][n % 3]
    title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
    item = {"id": f"ref{n:05d}", "type": kind, "title": title,
            "author": [{"family": rng.choice(FAMILIES), "given": rng.choice(GIVEN)} for _ in range(1 + n % 3)],
            "issued": {"date-parts": [[1990 + n % 35, 1 + n % 12, 1 + n % 28]]}}
    if kind == "article-journal":
        item.update({"container-title": "Journal of Alliance Studies", "volume": str(1 + n % 40),
                     "issue": str(1 + n % 4), "page": f"{1 + n % 50}-{60 + n % 50}", "DOI": f"10.5555/jas.{n}"})
    elif kind == "report":
        item.update({"publisher": "Institute for Alliance Research", "number": str(n)})
    else:
        item.update({"URL": f"https://example.org/analysis/{n}", "container-title": "Alliance Watch"})
    return item


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=pathlib.Path)
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--share", type=float, default=0.3)
    args = ap.parse_args()
    rng = random.Random(15)
    entries = [entry(n, rng) for n in range(args.entries)]
    (args.corpus / "references.json").write_text(json.dumps(entries, indent=1), encoding="utf-8")
    site = args.corpus / "site.yaml"
    text = site.read_text(encoding="utf-8") if site.exists() else ""
    if "bibliography:" not in text:
        site.write_text(text + "bibliography: [references.json]\n", encoding="utf-8")
    briefs = sorted((args.corpus / "content").rglob("*.md"))
    cited = 0
    for i, path in enumerate(briefs):
        if path.name.startswith("_") or rng.random() >= args.share:
            continue
        body = path.read_text(encoding="utf-8")
        head, sep, rest = body.partition("\n---\n")
        keys = [entries[rng.randrange(len(entries))]["id"] for _ in range(3)]
        cites = f" [@{keys[0]}]. See [@{keys[1]}, p. {1 + i % 40}] and [@{keys[1]}; @{keys[2]}]."
        # After the first paragraph's first sentence.
        at = rest.find(". ", rest.find("\n\n", rest.find("## ")) if "## " in rest else 0)
        if at < 0:
            rest = rest + cites + "\n"
        else:
            rest = rest[:at] + cites + rest[at + 1:]
        path.write_text(head + sep + rest, encoding="utf-8")
        cited += 1
    print(f"{len(entries)} entries in references.json; citations in {cited} of {len(briefs)} briefs")


if __name__ == "__main__":
    main()
