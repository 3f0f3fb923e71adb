#!/usr/bin/env python3
"""Adds Korean versions to a generated corpus, for benchmarks of issue 16 (Korean and English).

    python3 benches/add_translations.py CORPUS [--share 0.3]

Lists `ko` in `site.yaml` (written when the corpus has none) and writes `x.ko.md` beside `--share`
of the briefs `x.md`: a Korean title and summary, the same terms (so Korean term pages, feeds and
search list them), `translated_from:` the original's date, and the original's body under a Korean
first paragraph. Deterministic: the same corpus gives the same translations.
"""
import argparse
import pathlib
import re
import zlib

TITLE_WORDS = ["동맹", "전작권", "전환", "주한미군", "확장억제", "안보협의회의", "연합방위", "전략적", "유연성", "분담"]


def korean_title(text):
    n = zlib.crc32(text.encode())
    words = [TITLE_WORDS[(n >> (3 * i)) % len(TITLE_WORDS)] for i in range(4)]
    return " ".join(words) + f" ({n % 997})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=pathlib.Path)
    ap.add_argument("--share", type=float, default=0.3)
    args = ap.parse_args()
    site = args.corpus / "site.yaml"
    config = site.read_text() if site.exists() else "title: Corpus\nbase_url: https://example.org/\n"
    if "languages:" not in config:
        config += "languages:\n  ko:\n    title: 한미동맹 브리프\n"
    site.write_text(config)
    originals = sorted(p for p in (args.corpus / "content").rglob("*.md")
                       if not p.name.startswith("_") and not p.name.endswith(".ko.md"))
    written = 0
    for path in originals:
        # `--share` of the briefs, chosen by a hash of their path.
        if zlib.crc32(str(path.relative_to(args.corpus)).encode()) % 1000 >= args.share * 1000:
            continue
        text = path.read_text()
        m = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
        if not m:
            continue
        front, body = m.groups()
        lines = []
        date = None
        for line in front.splitlines():
            if line.startswith("title:"):
                line = f'title: "{korean_title(line)}"'
            elif line.startswith("summary:"):
                line = 'summary: "한미동맹 현대화에 관한 분석의 한국어 요약."'
            elif line.startswith("date:"):
                date = line.split(":", 1)[1].strip()
            elif line.startswith("aliases:"):
                continue
            lines.append(line)
        if date:
            lines.append(f"translated_from: {date}")
        ko = "---\n" + "\n".join(lines) + "\n---\n\n이 브리프는 한국어 번역본이다. 동맹 현대화와 전시작전통제권 전환을 다룬다.\n\n" + body
        path.with_name(path.stem + ".ko.md").write_text(ko)
        written += 1
    print(f"wrote {written} Korean versions of {len(originals)} briefs")


if __name__ == "__main__":
    main()
