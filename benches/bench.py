#!/usr/bin/env python3
"""Benchmark harness for `briefing` (issue 7): build time and peak memory, with Hugo alongside.

    python3 benches/bench.py [--sizes 1000,10000,50000] [--runs 5] [--hugo auto|off]
                             [--stress] [--keep DIR] [--timeout S] [--no-build] [--json PATH]

For every size it generates (once, cached) a synthetic corpus with ../shared/bench/gen_corpus.py,
builds `cargo build --release` once, and times `briefing build --root CORPUS --output OUT -q`:
one warm-up run that is not counted, then --runs measured runs, each a cold build (the output folder
is deleted first), then --runs "no-op rebuilds" (output present, content unchanged). When Hugo is
installed, `hugo --quiet -s HUGO_CORPUS -d OUT` runs on the hugo flavour of the same corpus, run for
run alternating with briefing, so that machine noise hits both tools alike.

Wall time comes from time.perf_counter, CPU time (user + sys) from os.wait4's rusage, peak RSS from
GNU `time -v` when installed (else os.wait4's ru_maxrss, which Linux floors at this script's own RSS:
see run_measured). Medians are reported; every sample is kept in the JSON.

--stress times builds of pathological inputs (a 5 MB brief, 10,000 links, 10,000 topics, 50 nested
folders, a 100,000-character line, 10,000 identical headings, 5,000 term records, a 20,000-entry
bibliography, a 1,000-brief report) and reports FAIL for a non-zero exit.

Results: a Markdown table on stdout and JSON in benches/results/latest.json. Stdlib only.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_GEN = (REPO / ".." / "shared" / "bench" / "gen_corpus.py").resolve()
SLOW_STRESS_S = 2.0  # a stress input whose build takes longer is marked SLOW
GROWTH_SLACK = 1.1  # growth target: at most 1.1x the size ratio (5.5x for 10k -> 50k)


class BenchError(Exception):
    """An error that ends the benchmark with a clear message (no traceback)."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def tail(data, lines=15):
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return "\n".join(text.rstrip().splitlines()[-lines:])


# ---------------------------------------------------------------- measuring one process


class Sample:
    def __init__(self, wall, user, sys_, rss_kib, rc, stdout, stderr, timed_out=False):
        self.wall, self.user, self.sys, self.cpu = wall, user, sys_, user + sys_
        self.rss_kib, self.rc = rss_kib, rc
        self.stdout, self.stderr, self.timed_out = stdout, stderr, timed_out

    @property
    def ok(self):
        return self.rc == 0 and not self.timed_out

    def as_dict(self):
        return {"wall_s": round(self.wall, 4), "cpu_s": round(self.cpu, 4),
                "user_s": round(self.user, 4), "sys_s": round(self.sys, 4),
                "peak_rss_mib": round(self.rss_kib / 1024, 2), "exit_code": self.rc,
                "timed_out": self.timed_out}


def find_gnu_time():
    """GNU time, if installed: it reports the peak RSS of its child alone (see run_measured)."""
    path = shutil.which("time", path="/usr/bin:/bin:/usr/local/bin")
    if not path:
        return None
    try:
        r = subprocess.run([path, "--version"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if b"GNU" in r.stdout + r.stderr else None


GNU_TIME = None  # set in main() according to --rss


def parse_gnu_time(text):
    """Peak RSS (KiB) and exit code from the report of `time -v -o FILE`."""
    rss = rc = None
    for line in text.splitlines():
        key, _, value = line.strip().rpartition(": ")
        if key.startswith("Maximum resident set size"):
            rss = int(value)
        elif key == "Exit status":
            rc = int(value)
        elif line.strip().startswith("Command terminated by signal"):
            rc = -int(line.split()[-1])
    return rss, rc


def run_measured(cmd, timeout=None, cwd=None):
    """Run cmd; return its wall time, CPU time (user+sys), peak RSS and exit code.

    Wall time: time.perf_counter around the process. CPU time: the rusage that os.wait4 returns,
    which includes the children the process reaped. Peak RSS: NOT ru_maxrss from os.wait4 on a
    child of this Python process: Linux records the parent's RSS at exec time in the child's
    ru_maxrss (Python spawns with vfork; a `/bin/true` started from a Python holding 200 MB reports
    200 MB). So the command runs under GNU `time -v -o FILE` when it is installed: `time` is a
    small process that fork()s the command, and its report gives the command's own peak. Without
    GNU time ru_maxrss is used, and is only a floor-limited value: max(the command's peak, this
    script's RSS), the floor is recorded in the JSON.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="bench-time-", suffix=".txt") as report:
        full = [GNU_TIME, "-v", "-o", report.name, *cmd] if GNU_TIME else list(cmd)
        timed_out = threading.Event()
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd,
                                    start_new_session=True)
        except OSError as e:
            raise BenchError(f"cannot start `{full[0]}`: {e}") from e

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, 9)  # the whole session: `time` and the command
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            while True:
                try:
                    _, status, usage = os.wait4(proc.pid, 0)
                    break
                except InterruptedError:
                    continue
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = rc = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        rss = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KiB on Linux
        if GNU_TIME:
            t_rss, t_rc = parse_gnu_time(Path(report.name).read_text(errors="replace"))
            if t_rss is not None:
                rss = t_rss
            if t_rc is not None:
                rc = t_rc
        out.seek(0)
        err.seek(0)
        return Sample(wall, usage.ru_utime, usage.ru_stime, rss, rc,
                      out.read(), err.read(), timed_out.is_set())


def own_rss_kib():
    """This script's current RSS: the floor of ru_maxrss-based peaks when GNU time is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def rmtree(path):
    if path.exists():
        shutil.rmtree(path)


def median(samples, attr):
    return statistics.median(getattr(s, attr) for s in samples) if samples else float("nan")


def folder_stats(path):
    files = size = 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            files += 1
            try:
                size += os.path.getsize(os.path.join(dirpath, n))
            except OSError:
                pass
    return files, size


class Clearer:
    """Empties an output folder before a cold run.

    `delete` removes it right away. `trash` (the default) renames it into a trash folder, deleted
    after the measured runs: on ext4, creating thousands of inodes just after deleting thousands
    makes the kernel scan the recently deleted ones (`recently_deleted` in ext4 inode allocation),
    which here added seconds of system time to every build at 10,000 briefs, whichever tool ran.
    Falls back to `delete` when the disk is short of space for the trash.
    """

    def __init__(self, mode, trash):
        self.mode, self.trash, self.count = mode, trash, 0

    def budget(self, out_bytes, runs):
        """Switch to delete when keeping `runs` outputs of out_bytes would leave < 2 GiB free."""
        if self.mode == "trash":
            self.trash.mkdir(parents=True, exist_ok=True)
            free = shutil.disk_usage(self.trash).free
            if free - out_bytes * runs * 1.3 < 2 * 2**30:
                log(f"not enough free disk for --cold trash ({free / 2**30:.1f} GiB free): deleting instead")
                self.mode = "delete"

    def clear(self, out):
        if not out.exists():
            return
        if self.mode == "trash":
            self.trash.mkdir(parents=True, exist_ok=True)
            self.count += 1
            out.rename(self.trash / f"{out.name}.{os.getpid()}.{self.count}")
        else:
            rmtree(out)

    def empty_trash(self):
        rmtree(self.trash)


def disk_bytes(path):
    total = 0
    for dirpath, dirs, names in os.walk(path):
        for n in dirs + names:
            try:
                total += os.lstat(os.path.join(dirpath, n)).st_blocks * 512
            except OSError:
                pass
    return total


# ---------------------------------------------------------------- tools


def cargo_build(skip):
    try:
        meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO,
                              capture_output=True, check=True)
        target_dir = Path(json.loads(meta.stdout)["target_directory"])
    except (OSError, subprocess.CalledProcessError, ValueError, KeyError):
        target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = target_dir / "release" / ("briefing.exe" if os.name == "nt" else "briefing")
    if skip:
        if not binary.exists():
            raise BenchError(f"--no-build given but {binary} does not exist")
        return binary
    log("building: cargo build --release")
    try:
        r = subprocess.run(["cargo", "build", "--release"], cwd=REPO, capture_output=True)
    except OSError as e:
        raise BenchError(f"cannot run cargo: {e}") from e
    if r.returncode != 0:
        raise BenchError(f"`cargo build --release` failed (exit {r.returncode}):\n{tail(r.stderr, 30)}")
    if not binary.exists():
        raise BenchError(f"cargo build succeeded but {binary} is missing")
    return binary


def snapshot(binary, cache):
    """A private copy of the binary, so that a rebuild of target/ during the runs changes nothing."""
    digest = hashlib.sha256(binary.read_bytes()).hexdigest()[:12]
    copy = cache / "bin" / f"briefing-{digest}"
    if not copy.exists():
        copy.parent.mkdir(parents=True, exist_ok=True)
        tmp = copy.with_name(copy.name + f".{os.getpid()}")
        shutil.copy2(binary, tmp)
        tmp.rename(copy)
    return copy, digest


def tool_version(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return r.stdout.decode("utf-8", "replace").strip().splitlines()[0] if r.returncode == 0 and r.stdout else None


def find_hugo(mode):
    if mode == "off":
        return None, "Hugo comparison off (--hugo off)"
    version = tool_version(["hugo", "version"])
    if not version:
        return None, ("Hugo is not installed: comparison skipped. Install it with "
                      "`apt-get install -y hugo` (or see https://gohugo.io/installation/).")
    return version, None


# ---------------------------------------------------------------- corpora


def gen_digest(gen):
    return hashlib.sha256(gen.read_bytes()).hexdigest()[:10]


def corpus(gen, cache, flavor, n):
    """A generated corpus, cached by generator content, flavour and size."""
    path = cache / f"corpus-{flavor}-{n}-{gen_digest(gen)}"
    stamp = path / ".complete"
    if stamp.exists():
        return path
    partial = path.with_name(path.name + ".partial")
    rmtree(partial)
    rmtree(path)
    log(f"generating {n} {flavor} briefs into {path} ...")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, str(gen), "--briefs", str(n), "--out", str(partial),
                        "--flavor", flavor], capture_output=True)
    if r.returncode != 0:
        raise BenchError(f"gen_corpus.py failed for {n} {flavor} briefs (exit {r.returncode}):\n"
                         f"{tail(r.stderr)}")
    partial.rename(path)
    stamp.write_text(datetime.datetime.now().isoformat() + "\n")
    log(f"  generated in {time.perf_counter() - t0:.1f} s")
    return path


# What each `--with` variant adds to the plain corpus, in order (each script edits the copy in
# place; later ones see what earlier ones wrote, e.g. translations carry the citations).
VARIANTS = {
    # A 2,000-entry bibliography, citations in 30% of the briefs (issue 15).
    "citations": [["add_citations.py"]],
    # Every feature (issue 21): records for every topic and actor with Korean names and aka, the
    # bibliography and citations, Korean versions of 30% of the briefs, events, supersessions and
    # review dates, and two reports.
    # Records last but reports: the scripts before them take every `x.md` of content/ for a brief.
    "every": [["add_citations.py"], ["add_translations.py"], ["add_events.py"], ["add_records.py"],
              ["add_reports.py"]],
}


def variant_corpus(plain, cache, n, variant):
    """The plain corpus with `variant`'s scripts applied, cached beside it by their contents."""
    steps = VARIANTS[variant]
    digest = hashlib.sha256(b"".join((BENCH_DIR / step[0]).read_bytes() for step in steps)).hexdigest()[:10]
    path = cache / f"{plain.name}-{variant}-{digest}"
    if (path / ".complete").exists():
        return path
    partial = path.with_name(path.name + ".partial")
    rmtree(partial)
    rmtree(path)
    log(f"adding {variant} to {n} briefs in {path} ...")
    shutil.copytree(plain, partial)
    (partial / ".complete").unlink(missing_ok=True)
    for script, *args in steps:
        r = subprocess.run([sys.executable, str(BENCH_DIR / script), str(partial), *args], capture_output=True)
        if r.returncode != 0:
            raise BenchError(f"{script} failed (exit {r.returncode}):\n{tail(r.stderr)}")
    partial.rename(path)
    (path / ".complete").write_text(datetime.datetime.now().isoformat() + "\n")
    return path


# ---------------------------------------------------------------- size benchmarks


def check(sample, what, failures):
    if sample.ok:
        return True
    why = "timed out" if sample.timed_out else f"exit {sample.rc}"
    msg = f"FAIL: {what}: {why}\n{tail(sample.stderr) or tail(sample.stdout)}"
    log(msg)
    failures.append(msg)
    return False


def bench_size(n, binary, hugo, gen, cache, runs, timeout, failures, clearer, against=None, variant=None):
    b_root = corpus(gen, cache, "briefing", n)
    c_root = variant_corpus(b_root, cache, n, variant) if variant else None
    c_out = cache / f"out-{variant}-{n}"
    c_cmd = [str(binary), "build", "--root", str(c_root), "--output", str(c_out), "-q"] if variant else None
    label = f"briefing + {variant}"
    h_root = corpus(gen, cache, "hugo", n) if hugo else None
    b_out, h_out = cache / f"out-briefing-{n}", cache / f"out-hugo-{n}"
    b_cmd = [str(binary), "build", "--root", str(b_root), "--output", str(b_out), "-q"]
    h_cmd = ["hugo", "--quiet", "-s", str(h_root), "-d", str(h_out)] if hugo else None
    a_out = cache / f"out-against-{n}"
    a_cmd = [str(against), "build", "--root", str(b_root), "--output", str(a_out), "-q"] if against else None
    rows = {"briefing": [], "briefing (no-op rebuild)": []}
    if against:
        rows.update({"against": [], "against (no-op rebuild)": []})
    if variant:
        rows[label] = []
        rows[f"{label} (no-op rebuild)"] = []
    if hugo:
        rows.update({"hugo": [], "hugo (rebuild, output present)": []})

    def one(tool, cmd, out, cold, record):
        if cold:
            clearer.clear(out)
        s = run_measured(cmd, timeout)
        if check(s, f"{tool} at {n} briefs: {' '.join(cmd)}", failures) and record is not None:
            rows[record].append(s)
        return s

    log(f"[{n}] warm-up")
    if not one("briefing", b_cmd, b_out, True, None).ok:
        return rows, {}
    if hugo and not one("hugo", h_cmd, h_out, True, None).ok:
        hugo = h_cmd = None
    if against and not one("against", a_cmd, a_out, True, None).ok:
        against = a_cmd = None
    if variant and not one(label, c_cmd, c_out, True, None).ok:
        variant = c_cmd = None
    clearer.budget(disk_bytes(b_out) * (2 if against else 1) + (disk_bytes(h_out) if hugo else 0), runs)
    for i in range(runs):  # cold builds, alternating tools
        log(f"[{n}] cold run {i + 1}/{runs}")
        one("briefing", b_cmd, b_out, True, "briefing")
        if against:
            one("against", a_cmd, a_out, True, "against")
        if variant:
            one(label, c_cmd, c_out, True, label)
        if hugo:
            one("hugo", h_cmd, h_out, True, "hugo")
    extra = {"briefing_output": dict(zip(("files", "bytes"), folder_stats(b_out)))}
    if hugo:
        extra["hugo_output"] = dict(zip(("files", "bytes"), folder_stats(h_out)))
    for i in range(runs):  # rebuilds with the output of the previous build in place
        log(f"[{n}] no-op rebuild {i + 1}/{runs}")
        one("briefing", b_cmd, b_out, False, "briefing (no-op rebuild)")
        if against:
            one("against", a_cmd, a_out, False, "against (no-op rebuild)")
        if variant:
            one(label, c_cmd, c_out, False, f"{label} (no-op rebuild)")
        if hugo:
            one("hugo", h_cmd, h_out, False, "hugo (rebuild, output present)")
    # One untimed, non-quiet rebuild: its summary line shows how many files a no-op rewrote.
    s = run_measured(b_cmd[:-1], timeout)
    summary = [l for l in tail(s.stdout + s.stderr, 50).splitlines() if l.startswith("built ")]
    extra["noop_summary"] = summary[-1] if summary else tail(s.stdout + s.stderr, 3)
    # One untimed cold build with -v (of the corpus with features, if any): the time of each
    # stage and, under `render`, of each kind of file.
    cmd, out = (c_cmd, c_out) if variant else (b_cmd, b_out)
    clearer.clear(out)
    s = run_measured(cmd[:-1] + ["-v"], timeout)
    extra["stages_of"] = label if variant else "briefing"
    text = (s.stdout + s.stderr).decode("utf-8", "replace")
    extra["stages"] = [l for l in text.splitlines() if l.startswith("  ") and " ms" in l]
    clearer.empty_trash()
    return rows, extra


# ---------------------------------------------------------------- stress inputs


FM = "---\ntitle: {title}\ndate: 2025-01-01\ntopics: [{topics}]\n---\n"
WORDS = ("alliance deterrence command transfer posture readiness consultation basing exercise "
         "planning capability signal review budget doctrine").split()


def words(k, offset=0):
    return " ".join(WORDS[(offset + j) % len(WORDS)] for j in range(k))


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def stress_big(site):
    paras, size, i = [], 0, 0
    while size < 5 * 1024 * 1024:
        if i % 40 == 0:
            p = f"## Section {i // 40}"
        else:
            p = f"Paragraph {i}: " + words(90, i) + f" with *emphasis* and `code {i}`."
        paras.append(p)
        size += len(p) + 2
        i += 1
    write(site / "content/briefs/big.md", FM.format(title="Big", topics="a") + "\n\n".join(paras) + "\n")
    return "briefs/big/index.html", f"one brief of {size / 2**20:.1f} MB, {i} paragraphs/headings"


def stress_links(site):
    for k in range(100):
        write(site / f"content/briefs/b-{k}.md",
              FM.format(title=f"B {k}", topics="a") + f"## Part\n\nTiny brief {k}.\n")
    lines = [f"## Anchor {h}\n" for h in range(100)]
    for j in range(10_000):
        k, kind = j % 100, j % 10
        if kind < 4:
            link = f"[[b-{k}]]"
        elif kind < 6:
            link = f"[[b-{k}|label {j}]]"
        elif kind < 8:
            link = f"[text {j}](b-{k}.md)"
        elif kind == 8:
            link = f"[[b-{k}#part]]"
        else:
            link = f"[jump {j}](#anchor-{j % 100})"
        lines.append(f"Link {j}: {link}.")
        if j % 100 == 99:
            lines.append("")
    write(site / "content/briefs/links.md", FM.format(title="Links", topics="a") + "\n".join(lines) + "\n")
    return "briefs/links/index.html", ("10,000 links (wikilinks, labelled, .md, cross-page and "
                                       "same-page anchors) to 100 tiny briefs")


def stress_topics(site):
    topics = ", ".join(f"t{k}" for k in range(10_000))
    write(site / "content/briefs/topics.md", FM.format(title="Topics", topics=topics) + "Many topics.\n")
    return "briefs/topics/index.html", "one brief with 10,000 topics"


def stress_nested(site):
    rel = "/".join(f"d{k:02d}" for k in range(50))
    write(site / "content" / rel / "deep.md", FM.format(title="Deep", topics="a") + "At the bottom.\n")
    return f"{rel}/deep/index.html", "50 nested folders, one brief at the bottom"


def stress_line(site):
    line, k = [], 0
    while sum(map(len, line)) + len(line) < 100_000:
        line.append(WORDS[k % len(WORDS)] + ("," if k % 7 == 0 else ""))
        k += 1
    text = " ".join(line)[:100_000]
    write(site / "content/briefs/line.md", FM.format(title="Line", topics="a") + text)
    return "briefs/line/index.html", "a 100,000-character single line (no trailing newline)"


def stress_headings(site):
    body = "".join(f"## Notes\n\nNote {k}.\n\n" for k in range(10_000))
    write(site / "content/briefs/headings.md", FM.format(title="Headings", topics="a") + body)
    return "briefs/headings/index.html", "10,000 identical `## Notes` headings (unique-id generation)"


def tiny_briefs(site, n, topics="a"):
    write(site / "site.yaml", "title: Stress\n")
    for k in range(n):
        write(site / f"content/briefs/b-{k:04d}.md",
              FM.format(title=f"Brief {k}", topics=topics) + f"Brief {k}: " + words(40, k) + ".\n")


def add(script, site, *args):
    r = subprocess.run([sys.executable, str(BENCH_DIR / script), str(site), *args], capture_output=True)
    if r.returncode != 0:
        raise BenchError(f"{script} failed (exit {r.returncode}):\n{tail(r.stderr)}")


def stress_records(site):
    tiny_briefs(site, 1000)
    add("add_records.py", site, "--records", "5000")
    return "topics/a/index.html", "5,000 term records (Korean names, 3 aka each) looked for in 1,000 briefs"


def stress_bibliography(site):
    tiny_briefs(site, 1000)
    add("add_citations.py", site, "--entries", "20000", "--share", "0.3")
    return "sources/index.html", "a 20,000-entry bibliography, citations in 300 of 1,000 briefs"


def stress_report(site):
    tiny_briefs(site, 1000, "a, b")
    add("add_reports.py", site)
    return "reports/first/index.html", "a report of 1,000 briefs (every brief of its topic)"


STRESS = [("a-5mb-brief", stress_big), ("b-10k-links", stress_links), ("c-10k-topics", stress_topics),
          ("d-50-nested", stress_nested), ("e-100k-line", stress_line),
          ("f-10k-same-headings", stress_headings), ("g-5k-records", stress_records),
          ("h-20k-bibliography", stress_bibliography), ("i-1k-brief-report", stress_report)]


def bench_stress(binary, cache, runs, timeout, failures, clearer):
    results = []
    for name, make in STRESS:
        site = cache / "stress" / name
        rmtree(site)
        expect, desc = make(site)
        out = cache / "stress-out" / name
        cmd = [str(binary), "build", "--root", str(site), "--output", str(out), "-q"]
        samples, status = [], "ok"
        for i in range(runs + 1):  # first run is a warm-up
            clearer.clear(out)
            log(f"[stress {name}] run {i}/{runs}" + (" (warm-up)" if i == 0 else ""))
            s = run_measured(cmd, timeout)
            if not check(s, f"stress {name}: {' '.join(cmd)}", failures):
                status = "FAIL (timeout)" if s.timed_out else f"FAIL (exit {s.rc})"
                samples = [s]
                break
            if i:
                samples.append(s)
        if status == "ok" and samples and median(samples, "wall") > SLOW_STRESS_S:
            status = f"SLOW (> {SLOW_STRESS_S:g} s)"
        if status.startswith(("ok", "SLOW")) and not (out / expect).exists():
            status = f"FAIL (no {expect})"
            failures.append(f"FAIL: stress {name}: built but {out / expect} is missing")
        clearer.empty_trash()
        results.append({"case": name, "description": desc, "status": status,
                        "wall_median_s": median(samples, "wall"),
                        "cpu_median_s": median(samples, "cpu"),
                        "peak_rss_median_mib": median(samples, "rss_kib") / 1024,
                        "runs": [s.as_dict() for s in samples], "command": cmd})
    return results


# ---------------------------------------------------------------- reporting


def fmt(x, digits=3):
    return "n/a" if x != x else f"{x:.{digits}f}"


def summarize(rows):
    return {"wall_median_s": median(rows, "wall"), "cpu_median_s": median(rows, "cpu"),
            "sys_median_s": median(rows, "sys"),
            "peak_rss_median_mib": median(rows, "rss_kib") / 1024, "runs": len(rows),
            "samples": [s.as_dict() for s in rows]}


def report(sizes_results, stress_results, hugo_note):
    lines = []
    if sizes_results:
        lines += ["| size | tool | wall median (s) | CPU median (s) | peak RSS median (MiB) | runs |",
                  "|---:|---|---:|---:|---:|---:|"]
        for n, res in sizes_results.items():
            for tool, r in res["tools"].items():
                lines.append(f"| {n} | {tool} | {fmt(r['wall_median_s'])} | {fmt(r['cpu_median_s'])} | "
                             f"{fmt(r['peak_rss_median_mib'], 1)} | {r['runs']} |")
        lines.append("")
        def ratios(t, top, bottom):
            """Wall, CPU and peak RSS of tool `top` over tool `bottom`, when both ran."""
            if top not in t or bottom not in t or not (t[top]["runs"] and t[bottom]["runs"]):
                return None
            keys = ("wall_median_s", "cpu_median_s", "peak_rss_median_mib")
            return [t[top][k] / t[bottom][k] for k in keys]

        def ratio_lines(top, bottom, key, line):
            """One line per size where both tools ran; the ratios are kept in the results under `key`."""
            out = []
            for n, res in sizes_results.items():
                r = ratios(res["tools"], top, bottom)
                if r:
                    rw, rc, rm = r
                    res[key] = {"wall": rw, "cpu": rc, "peak_rss": rm}
                    out.append(line(n, rw, rc, rm))
            return out

        ratio_lines_hugo = ratio_lines("hugo", "briefing", "ratios_hugo_over_briefing",
                                       lambda n, rw, rc, rm: f"- {n} briefs: hugo/briefing wall **{rw:.2f}×**, "
                                                             f"CPU {rc:.2f}×, peak RSS **{rm:.2f}×**")
        if ratio_lines_hugo:
            lines += ["Ratios (hugo / briefing, > 1 means briefing is faster or smaller):"] + ratio_lines_hugo + [""]
        against_lines = ratio_lines("briefing", "against", "ratios_briefing_over_against",
                                    lambda n, rw, rc, rm: f"- {n} briefs: briefing/against wall **{rw:.3f}×**, "
                                                          f"CPU {rc:.3f}×, peak RSS **{rm:.3f}×**")
        variant_lines = []
        for variant in VARIANTS:
            lines_of = ratio_lines(f"briefing + {variant}", "briefing", f"ratios_{variant}_over_plain",
                                   lambda n, rw, rc, rm: f"- {n} briefs: with / without wall **{rw:.3f}×**, "
                                                         f"CPU {rc:.3f}×, peak RSS {rm:.3f}×")
            if lines_of:
                variant_lines += [f"The same corpus with `--with {variant}` (benches/README.md), over it "
                                  "without:"] + lines_of + [""]
        lines += variant_lines
        if against_lines:
            lines += ["Against the other binary (briefing / against, < 1 means this build is faster or "
                      "smaller):"] + against_lines + [""]
        for variant in VARIANTS:
            lines_of = ratio_lines("hugo", f"briefing + {variant}", f"ratios_hugo_over_{variant}",
                                   lambda n, rw, rc, rm: f"- {n} briefs: hugo/(briefing + {variant}) wall "
                                                         f"**{rw:.2f}×**, CPU {rc:.2f}×, peak RSS **{rm:.2f}×**")
            if lines_of:
                lines += [f"Ratios with `--with {variant}` (hugo / briefing + {variant}; issue 21's targets: "
                          "≥ 10× wall, ≥ 8.3× CPU, ≥ 10× peak RSS):"] + lines_of + [""]
        if hugo_note:
            lines += [hugo_note, ""]
        sizes = sorted(sizes_results)
        growth_lines = []
        for a, b in zip(sizes, sizes[1:]):
            target = GROWTH_SLACK * b / a
            for tool in sizes_results[b]["tools"]:
                ra, rb = sizes_results[a]["tools"].get(tool), sizes_results[b]["tools"][tool]
                if not ra or not ra["runs"] or not rb["runs"]:
                    continue
                gw = rb["wall_median_s"] / ra["wall_median_s"]
                gm = rb["peak_rss_median_mib"] / ra["peak_rss_median_mib"]
                verdict = "ok" if max(gw, gm) <= target else "OVER TARGET"
                sizes_results[b].setdefault("growth", {})[tool] = {
                    "from": a, "wall": gw, "peak_rss": gm, "target": target}
                growth_lines.append(f"- {tool}, {a} → {b}: time {gw:.2f}×, memory {gm:.2f}× "
                                    f"(target ≤ {target:.1f}×: {verdict})")
        if growth_lines:
            lines += ["Growth factors (median of larger size / median of smaller size; the 10k → 50k "
                      "target is ≤ 5.5×):"] + growth_lines + [""]
        if 10000 in sizes_results and 50000 not in sizes_results:
            lines += ["(50k/10k growth not measured: add 50000 to --sizes.)", ""]
        for n, res in sizes_results.items():
            if res.get("stages"):
                lines += [f"Stages of one cold `-v` build of {res['stages_of']} at {n} briefs (render: threads' "
                          "time by kind of file):", "```"] + res["stages"] + ["```", ""]
    if stress_results:
        lines += ["| stress input | status | wall median (s) | CPU median (s) | peak RSS median (MiB) | runs |",
                  "|---|---|---:|---:|---:|---:|"]
        for r in stress_results:
            lines.append(f"| {r['case']}: {r['description']} | {r['status']} | {fmt(r['wall_median_s'])} | "
                         f"{fmt(r['cpu_median_s'])} | {fmt(r['peak_rss_median_mib'], 1)} | {len(r['runs'])} |")
        lines.append("")
    return "\n".join(lines)


def parse_sizes(text):
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes wants numbers separated by commas, got `{text}`")
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--sizes wants positive numbers")
    return sorted(set(sizes))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1000,10000,50000"),
                    help="corpus sizes in briefs, comma-separated (default 1000,10000,50000)")
    ap.add_argument("--runs", type=int, default=5, help="measured runs per size, after one warm-up (default 5)")
    ap.add_argument("--hugo", choices=["auto", "off"], default="auto",
                    help="compare with Hugo when installed (default auto)")
    ap.add_argument("--stress", action="store_true",
                    help="time the stress inputs; with --stress, sizes run only if --sizes is given")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep corpora and outputs in DIR (default: a cache folder in the temp dir)")
    ap.add_argument("--gen", type=Path, default=DEFAULT_GEN, help=f"corpus generator (default {DEFAULT_GEN})")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before a run is killed (default 900)")
    ap.add_argument("--cold", choices=["trash", "delete"], default="trash",
                    help="before a cold run, move the output folder to a trash folder emptied after the size's "
                         "runs (default), or delete it right away (see Clearer in the source)")
    ap.add_argument("--rss", choices=["auto", "time", "wait4"], default="auto",
                    help="peak RSS from GNU `time -v` (auto: when installed) or from os.wait4's ru_maxrss, "
                         "which cannot go below this script's own RSS")
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--binary", type=Path, help="benchmark this briefing binary (no cargo build), e.g. an "
                                                 "older copy from the cache's bin/ folder")
    ap.add_argument("--against", type=Path, help="also measure this briefing binary (e.g. the build before a "
                                                  "change), run for run alternating with the benchmarked one")
    ap.add_argument("--with", dest="variant", choices=sorted(VARIANTS),
                    help="also build the corpus with these features added (citations: a bibliography and "
                         "citations; every: every feature, see benches/README.md), alternating with the plain "
                         "one, and print the ratio")
    ap.add_argument("--citations", dest="variant", action="store_const", const="citations",
                    help="the same as --with citations")
    ap.add_argument("--json", type=Path, default=BENCH_DIR / "results" / "latest.json",
                    help="where to write the JSON results (default benches/results/latest.json)")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    sizes = args.sizes
    if args.stress and "--sizes" not in " ".join(sys.argv):
        sizes = []  # `--stress` alone runs only the stress inputs

    global GNU_TIME
    GNU_TIME = None if args.rss == "wait4" else find_gnu_time()
    if args.rss == "time" and not GNU_TIME:
        ap.error("--rss time: GNU time is not installed (apt-get install -y time)")
    if not GNU_TIME:
        log("peak RSS from os.wait4: values cannot go below this script's RSS "
            f"(~{(own_rss_kib() or 0) / 1024:.0f} MiB); install GNU time (apt-get install -y time) for exact peaks")
    try:
        if sizes and not args.gen.is_file():
            raise BenchError(f"corpus generator not found: {args.gen}\n(expected ../shared/bench/gen_corpus.py "
                             f"next to the repository, i.e. {DEFAULT_GEN}; pass --gen PATH)")
        cache = (args.keep or Path(tempfile.gettempdir()) / "briefing-bench").resolve()
        cache.mkdir(parents=True, exist_ok=True)
        log(f"corpora and outputs in {cache}")
        if args.binary and not args.binary.is_file():
            raise BenchError(f"--binary: no such file: {args.binary}")
        built = args.binary.resolve() if args.binary else cargo_build(args.no_build)
        binary, digest = snapshot(built, cache)
        log(f"benchmarking {built} (sha256 {digest}), copied to {binary}")
        hugo_version, hugo_note = find_hugo(args.hugo) if sizes else (None, None)
        if hugo_note and args.hugo != "off":
            log(hugo_note)
        failures, sizes_results = [], {}
        clearer = Clearer(args.cold, cache / "trash")
        clearer.empty_trash()  # left over by an interrupted run
        for n in sizes:
            against = snapshot(args.against.resolve(), cache)[0] if args.against else None
            rows, extra = bench_size(n, binary, bool(hugo_version), args.gen, cache, args.runs,
                                     args.timeout, failures, clearer, against, args.variant)
            sizes_results[n] = {"tools": {t: summarize(r) for t, r in rows.items()}, **extra}
        stress_results = bench_stress(binary, cache, args.runs, args.timeout, failures, clearer) if args.stress else []
    except BenchError as e:
        log(f"error: {e}")
        return 2
    except KeyboardInterrupt:
        log("interrupted")
        return 130

    table = report(sizes_results, stress_results, hugo_note)
    header = (f"briefing benchmark, {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs, "
              f"{platform.system()} {platform.machine()}, runs={args.runs} (+1 warm-up), --cold {args.cold}, peak RSS from "
              + ("GNU time -v" if GNU_TIME else "os.wait4 (floored at this script's RSS)"))
    print(header + "\n\n" + table)
    for n, res in sizes_results.items():
        if res.get("noop_summary"):
            print(f"no-op rebuild at {n} briefs, summary line: {res['noop_summary']}")
    if failures:
        print(f"\n{len(failures)} failure(s):\n" + "\n\n".join(failures))

    rev = tool_version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = tool_version(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"])
    data = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "platform": platform.platform(), "python": platform.python_version(), "git_rev": rev, "git_dirty": bool(dirty),
            "briefing_binary": str(built), "briefing_sha256": digest, "hugo": hugo_version, "runs": args.runs,
            "cold_runs": f"output folder removed before each cold run ({args.cold})",
            "rss_source": "GNU time -v" if GNU_TIME else "os.wait4 ru_maxrss (floored at the script's RSS)",
            "script_rss_mib_at_end": round((own_rss_kib() or 0) / 1024, 1),
            "sizes": {str(n): r for n, r in sizes_results.items()}, "stress": stress_results,
            "failures": failures}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON results written to {args.json}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
