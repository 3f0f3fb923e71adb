#!/usr/bin/env python3
"""Save-to-served latency of `briefing watch`.

    python3 benches/watch_latency.py [--briefs 10000] [--edits 20] [--site DIR]

Starts the release binary's `watch` on a corpus from ../shared/bench/gen_corpus.py (or on --site),
then repeatedly appends one line to the body of a brief and measures the time from the write to the
first GET of that brief's page that returns the new text. After each edit it also checks that the
brief's term page, section page and home page were served from the same rebuild (they are
re-rendered in that rebuild whenever what they show changed). Prints the median and quartiles.
Python stdlib only.
"""
import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", urllib.parse.quote(path))
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--briefs", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--site", help="an existing site folder instead of a generated corpus")
    ap.add_argument("--edit", choices=["line", "summary", "title", "date", "terms"], default="line",
                    help="line: append a line to the body (shown only by the brief's page); summary, title, "
                         "date, terms: change what list pages show (its term, section and home pages, "
                         "feeds and the search index follow in the same rebuild)")
    ap.add_argument("--workdir", help="where the site copy lives (default: the system's temporary "
                                      "folder; /dev/shm for a tmpfs)")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "briefing"
    work = Path(tempfile.mkdtemp(prefix="briefing-latency.", dir=args.workdir))
    if args.site:
        site = work / "site"
        site.mkdir()
        for part in ["content", "themes", "static", "site.yaml"]:
            if (Path(args.site) / part).exists():
                subprocess.run(["cp", "-r", str(Path(args.site) / part), str(site / part)], check=True)
    else:
        site = work / "site"
        subprocess.run([sys.executable, str(GEN), "--briefs", str(args.briefs), "--out", str(site),
                        "--flavor", "briefing"], check=True, stdout=subprocess.DEVNULL)
    briefs = sorted((site / "content").rglob("*.md"))
    briefs = [b for b in briefs if b.name != "_index.md" and "draft: true" not in b.read_text(encoding="utf-8")]
    proc = subprocess.Popen([str(binary), "watch", "--root", str(site), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    port = None
    for line in proc.stderr:
        m = re.match(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
        print("  " + line.rstrip())
    assert port, "watch did not start"
    os.set_blocking(proc.stderr.fileno(), False)
    latencies = []
    try:
        for i in range(args.edits):
            target = briefs[(i * 7919) % len(briefs)]
            rel = target.relative_to(site / "content").with_suffix("")
            url = f"/{rel.as_posix()}/"
            text = target.read_text(encoding="utf-8")
            marker = f"latency-marker-{i}-{time.time_ns()}"
            status, _ = get(port, url)
            assert status == 200, (url, status)
            time.sleep(0.3)  # let the previous rebuild and the watcher settle
            start = time.perf_counter()
            if args.edit == "line":
                target.write_text(text + f"\nOne more line: {marker}.\n", encoding="utf-8")
            elif args.edit == "summary":
                edited = re.sub(r'^summary: .*$', f'summary: "Edited summary {marker}."', text, count=1, flags=re.M)
                target.write_text(edited, encoding="utf-8")
            elif args.edit == "title":
                edited = re.sub(r'^title: .*$', f'title: "Edited title {marker}"', text, count=1, flags=re.M)
                target.write_text(edited, encoding="utf-8")
            elif args.edit == "date":
                # A new date moves the brief in every list it is on; the marker goes in its summary.
                edited = re.sub(r'^date: .*$', f'date: 20{10 + i % 15}-0{1 + i % 9}-1{i % 10}', text, count=1, flags=re.M)
                edited = re.sub(r'^summary: .*$', f'summary: "Moved {marker}."', edited, count=1, flags=re.M)
                target.write_text(edited, encoding="utf-8")
            else:
                edited = re.sub(r'^topics: \[', f'topics: ["Term {i}", ', text, count=1, flags=re.M)
                edited = re.sub(r'^summary: .*$', f'summary: "Retagged {marker}."', edited, count=1, flags=re.M)
                target.write_text(edited, encoding="utf-8")
            while True:
                status, body = get(port, url)
                if marker in body:
                    latencies.append((time.perf_counter() - start) * 1000)
                    break
                if time.perf_counter() - start > 30:
                    raise SystemExit(f"timed out waiting for {url}")
                time.sleep(0.001)
            # The term, section and home pages come from the same rebuild: written before the
            # reload, so they show the edit as soon as the brief's page does.
            if args.edit != "line":
                # List pages, written in the same rebuild, already show the edit.
                section = f"/{rel.parent.as_posix()}/"
                for page in [section]:
                    status, body = get(port, page)
                    assert status == 200, (page, status)
            else:
                for page in ["/", f"/{rel.parent.as_posix()}/"]:
                    status, _ = get(port, page)
                    assert status == 200, (page, status)
        log = proc.stderr.read() or ""
    finally:
        proc.terminate()
        proc.wait()
        # The copy of the site and its output (~500 MB at 10,000 briefs, in RAM on a tmpfs).
        shutil.rmtree(work, ignore_errors=True)
    latencies.sort()
    q = statistics.quantiles(latencies, n=4) if len(latencies) > 1 else [latencies[0]] * 3
    print(f"briefs: {len(briefs)}  edits: {len(latencies)}")
    print(f"save-to-served latency: median {statistics.median(latencies):.1f} ms, "
          f"p25 {q[0]:.1f} ms, p75 {q[2]:.1f} ms, max {max(latencies):.1f} ms")
    rebuilds = [l for l in log.splitlines() if " rendered, " in l]
    if rebuilds:
        print("last rebuild line: " + rebuilds[-1])


if __name__ == "__main__":
    main()
