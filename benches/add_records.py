#!/usr/bin/env python3
"""Adds term records to a generated corpus, for benchmarks of issue 14 (terms as records).

    python3 benches/add_records.py CORPUS [--records 500] [--aka 3]

Every topic and actor the corpus's briefs use gets a record (so its names are looked for in
every body), then synthetic records make up the count. Each record has a Korean name and
`--aka` other spellings. Deterministic: the same corpus gives the same records.
"""
import argparse
import pathlib
import re


def slug(text):
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")


def used_terms(content):
    found = {"topics": set(), "actors": set()}
    for path in content.rglob("*.md"):
        with open(path, encoding="utf-8") as f:
            head = f.read(2048)
        for key in found:
            m = re.search(rf"^{key}: \[(.*)\]$", head, re.M)
            if m:
                found[key].update(t.strip().strip('"') for t in m.group(1).split(",") if t.strip())
    return {k: sorted(v) for k, v in found.items()}


def record(title, n, aka_count):
    aka = [f"{title} ({i})" for i in range(1, aka_count)]
    acronym = "".join(w[0] for w in title.split() if w[:1].isalpha()).upper()
    if len(acronym) >= 2:
        aka.insert(0, f"{acronym}{n}")
    aka = aka[:aka_count]
    quoted = ", ".join(f'"{a}"' for a in aka)
    return (
        f'---\ntitle: "{title}"\nnames: {{ko: "용어{n}"}}\naka: [{quoted}]\ntype: concept\n'
        f'summary: "A benchmark record."\n---\nThe record of {title}, for benchmarks.\n'
    )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", type=pathlib.Path)
    p.add_argument("--records", type=int, default=500)
    p.add_argument("--aka", type=int, default=3)
    args = p.parse_args()
    content = args.corpus / "content"
    used = used_terms(content)
    n = 0
    for taxonomy, terms in used.items():
        folder = content / taxonomy
        folder.mkdir(exist_ok=True)
        for title in terms:
            (folder / f"{slug(title)}.md").write_text(record(title, n, args.aka), encoding="utf-8")
            n += 1
    folder = content / "topics"
    while n < args.records:
        (folder / f"synthetic-{n}.md").write_text(record(f"Synthetic term {n}", n, args.aka), encoding="utf-8")
        n += 1
    print(f"{n} records in {content}")


if __name__ == "__main__":
    main()
