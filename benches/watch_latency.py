#!/usr/bin/env python3
"""Save-to-served latency of `briefing watch`.

    python3 benches/watch_latency.py [--briefs 10000] [--edits 20] [--site DIR] [--binary PATH]

Starts the release binary's `watch` on a corpus from ../shared/bench/gen_corpus.py (or on --site),
then repeatedly edits the site and measures the time from the write to the first GET of the page
that shows the edit. --edit says what is edited: a brief's body (line), its summary, title, date or
terms; a term record (record: its summary, on its term page); a bibliography entry (bibliography:
its title, on its source page); a Korean version's body (korean); a template (template: a comment
in page.html of a copy of the default theme, on a brief's page); `all` runs each kind the site has
(the record, bibliography and Korean kinds need a corpus made with `bench.py --with every`, e.g.
`--site CACHE/corpus-briefing-10000-…-every-…`) and prints one line per kind. After each edit it also checks that the
brief's term page, section page and home page were served from the same rebuild (they are
re-rendered in that rebuild whenever what they show changed). Prints the median and quartiles.

Two ways to see the edit served: `--until served` (the default) polls the page every millisecond
until it shows the marker; `--until reload` listens to the live-reload event stream as a browser
does, and takes the time of the `reload` event, then loads the page once and checks that it shows
the marker (it must be written before the browser is told to reload). On a machine of two cores
the polling takes CPU from the rebuild it waits for; the event does not.
Python stdlib only.
"""
import argparse
import http.client
import json
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
KINDS = ["line", "summary", "title", "date", "terms", "record", "bibliography", "korean", "template"]


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", urllib.parse.quote(path))
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def records(site):
    """The term records of a site (topics and actors)."""
    return sorted(p for t in ("topics", "actors") for p in (site / "content" / t).glob("*.md"))


def available(site, kind):
    """Whether the site has what an edit kind changes."""
    if kind == "record":
        return bool(records(site))
    if kind == "bibliography":
        return (site / "references.json").is_file()
    if kind == "korean":
        return any((site / "content").rglob("*.ko.md"))
    return True


def edit(site, briefs, kind, i, marker):
    """Makes edit `i` of `kind` and returns the URL of the page that shows `marker` once served."""
    def sub(pattern, repl, text):
        return re.sub(pattern, repl, text, count=1, flags=re.M)

    def brief_url(path):
        rel = path.relative_to(site / "content").with_suffix("")
        if rel.suffix == ".ko":
            return f"/ko/{rel.with_suffix('').as_posix()}/"
        return f"/{rel.as_posix()}/"

    target = briefs[(i * 7919) % len(briefs)]
    if kind == "record":
        found = records(site)
        target = found[(i * 31) % len(found)]
        target.write_text(sub(r"^summary: .*$", f'summary: "Record {marker}."', target.read_text("utf-8")), "utf-8")
        return f"/{target.parent.name}/{target.stem}/"
    if kind == "bibliography":
        bib = site / "references.json"
        entries = json.loads(bib.read_text("utf-8"))
        entry = entries[(i * 37) % len(entries)]
        entry["title"] = f"Edited {marker}"
        bib.write_text(json.dumps(entries, indent=1, ensure_ascii=False), "utf-8")
        return f"/sources/{entry['id']}/"
    if kind == "korean":
        versions = sorted((site / "content").rglob("*.ko.md"))
        target = versions[(i * 7919) % len(versions)]
        target.write_text(target.read_text("utf-8") + f"\n한 줄 더: {marker}.\n", "utf-8")
        return brief_url(target)
    if kind == "template":
        template = site / "themes" / "default" / "templates" / "page.html"
        text = template.read_text("utf-8")
        template.write_text(text.replace("{% block main %}", f"{{% block main %}}<!-- {marker} -->", 1), "utf-8")
        return brief_url(target)
    text = target.read_text(encoding="utf-8")
    if kind == "line":
        edited = text + f"\nOne more line: {marker}.\n"
    elif kind == "summary":
        edited = sub(r'^summary: .*$', f'summary: "Edited summary {marker}."', text)
    elif kind == "title":
        edited = sub(r'^title: .*$', f'title: "Edited title {marker}"', text)
    elif kind == "date":
        # A new date moves the brief in every list it is on; the marker goes in its summary.
        edited = sub(r'^date: .*$', f'date: 20{10 + i % 15}-0{1 + i % 9}-1{i % 10}', text)
        edited = sub(r'^summary: .*$', f'summary: "Moved {marker}."', edited)
    else:
        edited = sub(r'^topics: \[', f'topics: ["Term {i}", ', text)
        edited = sub(r'^summary: .*$', f'summary: "Retagged {marker}."', edited)
    target.write_text(edited, encoding="utf-8")
    return brief_url(target)


class Reloads:
    """The live-reload event stream (`/__briefing/events`), read in a thread: the time of each
    `reload` event."""

    def __init__(self, port):
        import queue
        import threading
        self.events = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.conn.request("GET", "/__briefing/events")
        self.response = self.conn.getresponse()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.response:
            if line.startswith(b"event: reload"):
                self.events.put(time.perf_counter())

    def drain(self):
        while not self.events.empty():
            self.events.get_nowait()

    def next(self, timeout=60):
        return self.events.get(timeout=timeout)


def measure(site, port, briefs, kind, edits, reloads=None):
    """Save-to-served latency of `edits` edits of one kind, in ms: until the page shows the edit
    (polled), or until the reload event, with the page showing the edit by then."""
    latencies = []
    for i in range(edits):
        marker = f"latency-marker-{kind}-{i}-{time.time_ns()}"
        time.sleep(0.3)  # let the previous rebuild and the watcher settle
        if reloads:
            reloads.drain()
        start = time.perf_counter()
        url = edit(site, briefs, kind, i, marker)
        if reloads:
            at = reloads.next()
            status, body = get(port, url)
            assert status == 200 and marker in body, f"{url} did not show the edit when the reload was sent ({kind})"
            latencies.append((at - start) * 1000)
        while not reloads:
            status, body = get(port, url)
            if marker in body:
                latencies.append((time.perf_counter() - start) * 1000)
                break
            if time.perf_counter() - start > 60:
                raise SystemExit(f"timed out waiting for {url} ({kind})")
            time.sleep(0.001)
        # The pages that list the brief come from the same rebuild (written before the reload).
        for page in ["/", url.rsplit("/", 2)[0] + "/"]:
            status, _ = get(port, page)
            assert status == 200, (page, status)
    return latencies


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--briefs", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--site", help="an existing site folder instead of a generated corpus")
    ap.add_argument("--edit", choices=KINDS + ["all"], default="line",
                    help="line: append a line to the body (shown only by the brief's page); summary, title, "
                         "date, terms: change what list pages show (its term, section and home pages, "
                         "feeds and the search index follow in the same rebuild); record, bibliography, "
                         "korean, template: see above; all: every kind the site has")
    ap.add_argument("--binary", help="the briefing binary to run (default: target/release/briefing), "
                    "e.g. an earlier build to compare with in the same session")
    ap.add_argument("--until", choices=["served", "reload"], default="served",
                    help="served: poll the page until it shows the edit; reload: the time of the live-reload "
                         "event, the page checked then (see above)")
    ap.add_argument("--workdir", help="where the site copy lives (default: the system's temporary "
                                      "folder; /dev/shm for a tmpfs)")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = Path(args.binary) if args.binary else ROOT / "target" / "release" / "briefing"
    work = Path(tempfile.mkdtemp(prefix="briefing-latency.", dir=args.workdir))
    if args.site:
        site = work / "site"
        site.mkdir()
        # Everything but an output: content, themes, static, site.yaml, bibliography files.
        for part in Path(args.site).iterdir():
            if part.name not in ("output", ".complete"):
                subprocess.run(["cp", "-r", str(part), str(site / part.name)], check=True)
    else:
        site = work / "site"
        subprocess.run([sys.executable, str(GEN), "--briefs", str(args.briefs), "--out", str(site),
                        "--flavor", "briefing"], check=True, stdout=subprocess.DEVNULL)
    if args.edit in ("template", "all") and not (site / "themes" / "default").exists():
        # A copy of the default theme, the one the binary embeds, to edit.
        shutil.copytree(ROOT / "themes" / "default", site / "themes" / "default")
    briefs = sorted((site / "content").rglob("*.md"))
    briefs = [b for b in briefs if b.parent.name not in ("topics", "actors") and not b.name.endswith(".ko.md")]
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
    kinds = [k for k in KINDS if available(site, k)] if args.edit == "all" else [args.edit]
    reloads = Reloads(port) if args.until == "reload" else None
    results = {}
    try:
        for kind in kinds:
            results[kind] = measure(site, port, briefs, kind, args.edits, reloads)
            print(f"{kind:>12}: median {statistics.median(results[kind]):7.1f} ms  "
                  f"(min {min(results[kind]):.1f}, max {max(results[kind]):.1f}, {len(results[kind])} edits)",
                  flush=True)
        log = proc.stderr.read() or ""
    finally:
        proc.terminate()
        proc.wait()
        # The copy of the site and its output (~500 MB at 10,000 briefs, in RAM on a tmpfs).
        shutil.rmtree(work, ignore_errors=True)
    latencies = results[kinds[-1]]
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
