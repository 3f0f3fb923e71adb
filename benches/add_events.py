#!/usr/bin/env python3
"""Adds events, supersessions and review dates to a generated corpus, for benchmarks of issue 17.

    python3 benches/add_events.py CORPUS [--per-brief 2] [--superseded 0.02]

Each brief gets `--per-brief` events: the first shared by id with other briefs of its first
topic (a hundred events per topic, each with one date and title, as stated events of one
history are), the others its own, at a mix of precisions (year, month, day) and one in ten
planned; some with their own `topics:` taken from the brief's. `--superseded` of the briefs
supersede an older brief of the corpus. Every brief gets `reviewed:`, and `site.yaml`
`review_every: 12 months`. Deterministic: the same corpus gives the same events.
"""
import argparse
import pathlib
import re
import zlib


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=pathlib.Path)
    ap.add_argument("--per-brief", type=int, default=2)
    ap.add_argument("--superseded", type=float, default=0.02)
    args = ap.parse_args()
    site = args.corpus / "site.yaml"
    config = site.read_text() if site.exists() else "title: Corpus\nbase_url: https://example.org/\n"
    if "review_every:" not in config:
        config += "review_every: 12 months\n"
    site.write_text(config)
    briefs = sorted(p for p in (args.corpus / "content").rglob("*.md")
                    if not p.name.startswith("_") and ".ko." not in p.name)
    events = 0
    stems = [p.stem for p in briefs]
    for n, path in enumerate(briefs):
        text = path.read_text()
        m = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
        if not m:
            continue
        front, body = m.groups()
        h = zlib.crc32(str(path.relative_to(args.corpus)).encode())
        topics = re.search(r"^topics: \[(.*?)\]", front, re.M)
        first_topic = topics.group(1).split(",")[0].strip() if topics and topics.group(1).strip() else None
        lines = ["events:"]
        # Briefs on one topic state the same events: 100 shared events per topic.
        group = f"{zlib.crc32((first_topic or '').encode()) % 100000}-{h % 100}"
        g = zlib.crc32(group.encode())
        year = 1990 + g % 36
        lines.append(f"  - {{id: shared-{group}, date: {year}-{1 + g % 12:02d}, title: \"Shared event {group}\"}}")
        for i in range(1, args.per_brief):
            k = (h >> (4 * i)) & 0xFFFF
            y = 1990 + k % 40
            date = [f"{y}", f"{y}-{1 + k % 12:02d}", f"{y}-{1 + k % 12:02d}-{1 + k % 28:02d}"][k % 3]
            extra = ", planned: true" if k % 10 == 0 else ""
            if first_topic and k % 4 == 0:
                extra += f", topics: [{first_topic}]"
            lines.append(f"  - {{date: {date}, title: \"Event {n}.{i}\"{extra}}}")
        events += args.per_brief
        lines.append(f"reviewed: 2026-0{1 + h % 9}-1{h % 9}")
        if n > 0 and (h % 1000) < args.superseded * 1000:
            lines.append(f"supersedes: [{stems[h % n]}]")
        path.write_text(f"---\n{front}\n" + "\n".join(lines) + f"\n---\n{body}")
    print(f"{events} event statements in {len(briefs)} briefs")


if __name__ == "__main__":
    main()
