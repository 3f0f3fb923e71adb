#!/usr/bin/env python3
"""timeline/timeline.ics read by an independent iCalendar parser (the `icalendar` package), and
checked against RFC 5545 and against the site's /timeline/ page.

    python3 tests/ics_check.py BRIEFING SITE_DIR

BRIEFING is the built binary, SITE_DIR a built site (the example: it may have no planned event).
Every calendar checked here must: end every line with CRLF, keep lines to 75 octets and fold
them between characters, never inside one; parse without an error; have VERSION:2.0 and a
PRODID; give every VEVENT a unique UID, a DTSTAMP in UTC, an all-day DTSTART (VALUE=DATE), a
DTEND after it, a SUMMARY; hold exactly the planned events of /timeline/ (its `li.event.planned`),
each with the page's title, and the dates of its <time> elements (DTEND the day after the end of
the last one: a month event ends on the first of the next month).

Then two small sites are built in a temporary folder with BRIEFING and their calendars checked
for exact values: an English one (a month event whose title holds a comma and a semicolon, a
day event with a Korean title, a past event), and the same in Korean with a brief whose planned
event spans a new year and whose topics hold a comma and a semicolon, and a long Korean title
(folded between UTF-8 characters).
"""
import datetime as dt
import html.parser
import pathlib
import subprocess
import sys
import tempfile
from urllib.parse import unquote

import icalendar

problems = []


def fail(msg):
    problems.append(msg)


class TimelinePage(html.parser.HTMLParser):
    """The events of a /timeline/ page: id, classes, title text and the datetime of each <time>
    in its date line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events = []
        self.where = None  # "date" or "title" inside the current event

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "li" and "event" in classes:
            self.events.append({"id": a.get("id"), "classes": classes, "title": "", "times": []})
        elif not self.events:
            return
        elif tag == "p" and "event-date" in classes:
            self.where = "date"
        elif tag == "h3" and "event-title" in classes:
            self.where = "title"
        elif tag == "time" and self.where == "date":
            self.events[-1]["times"].append(a.get("datetime"))

    def handle_endtag(self, tag):
        if tag in ("p", "h3"):
            self.where = None

    def handle_data(self, data):
        if self.where == "title":
            self.events[-1]["title"] += data


def period(value):
    """A <time datetime> of a year, month or day: its first day and the day after its last."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0] + 1, 1, 1)
    if len(parts) == 2:
        y, m = parts
        return dt.date(y, m, 1), dt.date(y + m // 12, m % 12 + 1, 1)
    day = dt.date(*parts)
    return day, day + dt.timedelta(days=1)


def check_lines(name, raw):
    """CRLF line ends, 75 octets at most, folds between UTF-8 characters."""
    if not raw.endswith(b"\r\n"):
        fail(f"{name}: the last line does not end with CRLF")
    lines = raw.split(b"\r\n")[:-1]
    for n, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            fail(f"{name}:{n}: a bare LF or CR (every line must end with CRLF)")
        if len(line) > 75:
            fail(f"{name}:{n}: {len(line)} octets, over 75: {line[:80]!r}")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as e:
            fail(f"{name}:{n}: not UTF-8 on its own (folded inside a character?): {e}")
        if not line:
            fail(f"{name}:{n}: an empty line")
    return lines


def check_calendar(path, page=None):
    """Checks the calendar at `path`; returns its VEVENTs. `page`: the site's /timeline/ HTML."""
    name = str(path)
    raw = path.read_bytes()
    check_lines(name, raw)
    try:
        cal = icalendar.Calendar.from_ical(raw)
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        fail(f"{name}: icalendar cannot parse it: {e}")
        return []
    for component in cal.walk():
        for error in getattr(component, "errors", []):
            fail(f"{name}: {component.name}: parse error {error}")
    if cal.name != "VCALENDAR":
        fail(f"{name}: the top component is {cal.name}")
    if str(cal.get("VERSION")) != "2.0":
        fail(f"{name}: VERSION is {cal.get('VERSION')!r}, not 2.0")
    if not str(cal.get("PRODID") or "").strip():
        fail(f"{name}: no PRODID")
    others = [c.name for c in cal.subcomponents if c.name != "VEVENT"]
    if others:
        fail(f"{name}: components other than VEVENT: {others}")
    events = cal.walk("VEVENT")
    uids = set()
    for ev in events:
        uid = str(ev.get("UID") or "")
        label = f"{name}: VEVENT {uid or '(no UID)'}"
        if not uid:
            fail(f"{label}: no UID")
        elif uid in uids:
            fail(f"{label}: UID not unique")
        uids.add(uid)
        stamp = ev.decoded("DTSTAMP") if "DTSTAMP" in ev else None
        if not isinstance(stamp, dt.datetime):
            fail(f"{label}: DTSTAMP missing or not a date-time: {stamp!r}")
        elif stamp.tzinfo is None or stamp.utcoffset() != dt.timedelta(0):
            fail(f"{label}: DTSTAMP not in UTC: {ev['DTSTAMP'].to_ical()!r}")
        start = ev.decoded("DTSTART") if "DTSTART" in ev else None
        end = ev.decoded("DTEND") if "DTEND" in ev else None
        dates = True
        for prop, value in (("DTSTART", start), ("DTEND", end)):
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                fail(f"{label}: {prop} missing or not a DATE: {value!r}")
                dates = False
            elif ev[prop].params.get("VALUE") != "DATE":
                fail(f"{label}: {prop} without VALUE=DATE")
        if dates and not end > start:
            fail(f"{label}: DTEND {end} is not after DTSTART {start}")
        if not str(ev.get("SUMMARY") or "").strip():
            fail(f"{label}: no SUMMARY")
    if page is not None:
        check_against_page(name, events, page)
    return events


def check_against_page(name, events, page):
    """The calendar holds the page's planned events, with their titles and dates."""
    parser = TimelinePage()
    parser.feed(page.read_text(encoding="utf-8"))
    planned = {e["id"]: e for e in parser.events if "planned" in e["classes"]}
    if not parser.events:
        fail(f"{page}: no li.event found")
    seen = set()
    for ev in events:
        url = str(ev.get("URL") or "")
        anchor = unquote(url.partition("#")[2])
        label = f"{name}: {ev.get('SUMMARY')!s}"
        if anchor not in planned:
            fail(f"{label}: URL {url!r} names no planned event of {page}")
            continue
        seen.add(anchor)
        e = planned[anchor]
        if str(ev.get("SUMMARY")) != " ".join(e["title"].split()):
            fail(f"{label}: SUMMARY differs from the page's title {e['title']!r}")
        if e["times"]:
            first, _ = period(e["times"][0])
            _, last = period(e["times"][-1])
            if ev.get("DTSTART") is None or ev.get("DTEND") is None or (ev.decoded("DTSTART"), ev.decoded("DTEND")) != (first, last):
                fail(f"{label}: {ev.get('DTSTART') and ev.decoded('DTSTART')}..{ev.get('DTEND') and ev.decoded('DTEND')}, the page says {e['times']} ({first}..{last})")
    for missing in sorted(set(planned) - seen):
        fail(f"{name}: the planned event {missing} of {page} is not in the calendar")


def build(briefing, root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    out = root / "output"
    run = subprocess.run([briefing, "build", "--root", str(root), "--output", str(out), "-q"], capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"building {root} failed ({run.returncode}): {run.stderr}")
        return None
    return out


BRIEF_A = """---
title: A brief with events
date: 2025-11-04
topics: [OPCON transfer]
events:
  - date: 2026-11
    title: "Next SCM, in Washington; date TBC"
    planned: true
  - date: 2026-10-01
    title: {en: "Armed Forces Day", ko: "국군의 날"}
    planned: true
  - date: 2025-11-04
    title: "57th SCM in Seoul"
---
Two planned events and a past one.
"""

LONG_KO = "미래연합사령부 완전임무수행능력(FOC) 검증을 위한 연합연습과 평가, 그리고 그 이후의 전시작전통제권 전환 일정에 관한 협의"
BRIEF_B = f"""---
title: B
date: 2025-11-05
topics: [OPCON transfer, "Command, control; and communications"]
events:
  - date: 2026-12-30
    end: 2027-01
    title: {{en: "Exercise across the new year", ko: "{LONG_KO}"}}
    planned: true
---
A planned event over the new year.
"""


def by_start(events):
    return sorted(events, key=lambda e: e.decoded("DTSTART"))


def check_fixtures(briefing):
    with tempfile.TemporaryDirectory(prefix="briefing-ics.") as tmp:
        tmp = pathlib.Path(tmp)
        # English: the planned month and day events, the past one left out.
        en = build(briefing, tmp / "en", {"site.yaml": "title: Fixture\nbase_url: https://example.org/\n", "content/briefs/a.md": BRIEF_A})
        if en:
            events = by_start(check_calendar(en / "timeline/timeline.ics", en / "timeline/index.html"))
            got = [(e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"])) for e in events]
            want = [
                (dt.date(2026, 10, 1), dt.date(2026, 10, 2), "Armed Forces Day"),
                (dt.date(2026, 11, 1), dt.date(2026, 12, 1), "Next SCM, in Washington; date TBC"),
            ]
            if got != want:
                fail(f"English fixture: the events are {got}, not {want}")
            raw = (en / "timeline/timeline.ics").read_bytes()
            if b"SUMMARY:Next SCM\\, in Washington\\; date TBC\r\n" not in raw:
                fail("English fixture: the comma and semicolon of a SUMMARY are not escaped as \\, and \\;")
            for e in events:
                if "OPCON transfer" not in [str(c) for c in e.get("CATEGORIES").cats]:
                    fail(f"English fixture: {e['SUMMARY']!s} lacks its brief's topic in CATEGORIES")
            print(f"English fixture: {len(events)} VEVENTs: " + "; ".join(f"{s} {a:%Y%m%d}..{b:%Y%m%d}" for a, b, s in got))
        # Korean: titles in Korean, a long one folded between characters, a range over a new year,
        # a topic with a comma and a semicolon kept whole in CATEGORIES.
        ko = build(
            briefing,
            tmp / "ko",
            {"site.yaml": "title: Fixture\nbase_url: https://example.org/\nlanguage: ko\n", "content/briefs/a.md": BRIEF_A, "content/briefs/b.md": BRIEF_B},
        )
        if ko:
            events = by_start(check_calendar(ko / "timeline/timeline.ics", ko / "timeline/index.html"))
            got = [(e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"])) for e in events]
            want = [
                (dt.date(2026, 10, 1), dt.date(2026, 10, 2), "국군의 날"),
                (dt.date(2026, 11, 1), dt.date(2026, 12, 1), "Next SCM, in Washington; date TBC"),
                (dt.date(2026, 12, 30), dt.date(2027, 2, 1), LONG_KO),
            ]
            if got != want:
                fail(f"Korean fixture: the events are {got}, not {want}")
            if len(events) == 3:
                cats = sorted(str(c) for c in events[2].get("CATEGORIES").cats)
                if "Command, control; and communications" not in cats:
                    fail(f"Korean fixture: a topic with a comma and a semicolon is not one category: {cats}")
            raw = (ko / "timeline/timeline.ics").read_bytes()
            if not any(line.startswith(b" ") for line in raw.split(b"\r\n")):
                fail("Korean fixture: no folded line (the long Korean title should be folded)")
            print(f"Korean fixture: {len(events)} VEVENTs, the long Korean title folded between characters")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    briefing, site = sys.argv[1], pathlib.Path(sys.argv[2])
    ics = site / "timeline/timeline.ics"
    if not ics.is_file():
        fail(f"{ics} is missing")
    else:
        events = check_calendar(ics, site / "timeline/index.html")
        print(f"{ics}: {len(events)} VEVENTs (the planned events of /timeline/)")
    check_fixtures(briefing)
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    print(f"{len(problems)} problems" if problems else "timeline.ics: every check passed")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
