//! Time in the alliance (issue 17): events stated in briefs on `/timeline/`, term and brief pages,
//! `timeline.json` and `timeline.ics`; briefs that supersede others; review dates and
//! `check --stale`; corrections logs; briefs dated in the future.

use crate::support::{broken_internal_links, SiteTest};

const CONFIG: &str = "title: Alliance Briefs\nbase_url: https://example.org/\n";

fn brief(title: &str, date: &str, front: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{front}---\nText of {title}.\n")
}

/// The text of each event's title on a page, in order.
fn event_titles(html: &str) -> Vec<String> {
    html.split("class=\"event-title\"")
        .skip(1)
        .map(|rest| {
            let text = &rest[rest.find('>').unwrap() + 1..rest.find("</h3>").unwrap()];
            let text = text.split('>').filter_map(|p| p.split('<').next()).collect::<String>();
            text.trim().to_string()
        })
        .collect()
}

fn history() -> SiteTest {
    SiteTest::new()
        .config(CONFIG)
        .brief(
            "briefs/opcon.md",
            &brief(
                "OPCON history",
                "2025-11-05",
                "topics: [OPCON transfer]\nactors: [MND]\nevents:\n  - date: 2014-10-23\n    title: 46th SCM adopts conditions-based transfer\n    id: scm-2014\n  - date: 2014\n    title: A year of negotiation\n  - date: 2014-10\n    title: October talks\n  - date: 2007-02\n    title: Transfer date set for 2012\n    actors: [USFK]\n  - date: 2026-11\n    title: Next SCM, in Washington; date to be announced\n    planned: true\n",
            ),
        )
        .brief(
            "briefs/scm.md",
            &brief(
                "The SCM",
                "2025-11-06",
                "topics: [SCM]\nactors: [USFK]\nevents:\n  - date: 2014-10-23\n    title: 46th SCM adopts conditions-based transfer\n    id: scm-2014\n",
            ),
        )
}

#[test]
fn events_are_in_calendar_order_at_their_precision_grouped_by_year() {
    let run = history().build_ok();
    let html = run.main_of("timeline/index.html");
    assert_eq!(
        event_titles(&html),
        [
            "Transfer date set for 2012",
            "A year of negotiation",
            "October talks",
            "46th SCM adopts conditions-based transfer",
            "Next SCM, in Washington; date to be announced",
        ],
        "oldest first; a year before its months, a month before its days"
    );
    // Each date at its precision, in `<time datetime>`.
    for shown in [
        "<time datetime=\"2007-02\">February 2007</time>",
        "<time datetime=\"2014\">2014</time>",
        "<time datetime=\"2014-10\">October 2014</time>",
        "<time datetime=\"2014-10-23\">23 October 2014</time>",
    ] {
        assert!(html.contains(shown), "{shown} in\n{html}");
    }
    // Grouped by year: three groups.
    assert_eq!(html.matches("class=\"timeline-year\"").count(), 3);
    // A planned event is marked.
    assert_eq!(html.matches("planned-badge").count(), 1);
    // The event stated in two briefs is one event listing both.
    let scm = html.split("id=\"event-scm-2014\"").nth(1).unwrap().split("<li class=\"event").next().unwrap();
    assert!(scm.contains("OPCON history") && scm.contains("The SCM"), "{scm}");
    // Its terms: each brief's topics and actors (authors are not what it is about).
    assert!(scm.contains("/topics/opcon-transfer/") && scm.contains("/topics/scm/"), "{scm}");
    assert!(run.read("index.html").contains("href=\"/timeline/\""), "the navigation links the timeline");
    assert!(broken_internal_links(&run.root.join("output"), "/").is_empty());
}

#[test]
fn each_term_page_shows_the_timeline_of_its_events() {
    let run = history().build_ok();
    let usfk = run.main_of("actors/usfk/index.html");
    // Its own `actors: [USFK]` and the SCM brief's actors: that event's.
    assert_eq!(
        event_titles(&usfk),
        ["Transfer date set for 2012", "46th SCM adopts conditions-based transfer"],
        "{usfk}"
    );
    assert!(usfk.contains("href=\"/timeline/#event-scm-2014\""), "each event links its place on the timeline");
    let mnd = run.main_of("actors/mnd/index.html");
    assert!(
        !event_titles(&mnd).contains(&"Transfer date set for 2012".to_string()),
        "an event's own actors replace the brief's"
    );
    // Filtering without JavaScript: a chip per term, linking to its timeline.
    let timeline = run.read("timeline/index.html");
    assert!(timeline.contains("href=\"/actors/usfk/#timeline\" data-term=\"actors/usfk\""), "{timeline}");
}

#[test]
fn timeline_json_is_timelinejs3s_format_and_the_calendar_holds_the_planned_events() {
    let run = history().build_ok();
    let json: serde_json::Value = serde_json::from_str(&run.read("timeline/timeline.json")).unwrap();
    let events = json["events"].as_array().unwrap();
    assert_eq!(events.len(), 5);
    assert_eq!(events[0]["start_date"], serde_json::json!({"year": 2007, "month": 2, "display_date": "February 2007"}));
    assert_eq!(events[3]["start_date"]["day"], 23);
    assert!(json["title"]["text"]["headline"].as_str().unwrap().contains("Timeline"));
    assert!(events[3]["text"]["text"].as_str().unwrap().contains("https://example.org/briefs/scm/"));
    let ics = run.read("timeline/timeline.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "only planned events: {ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261101\r\nDTEND;VALUE=DATE:20261201\r\n"), "a month-long event: {ics}");
    assert!(ics.contains("SUMMARY:Next SCM\\, in Washington\\; date to be announced\r\n"), "{ics}");
    assert!(ics.contains("UID:event-2026-11-next-scm-in-washington-date-to-be-announced@example.org"), "{ics}");
    assert!(ics.lines().all(|l| l.len() <= 75));
}

#[test]
fn an_id_stated_with_other_dates_or_titles_is_an_error_at_both_places() {
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("a.md", &brief("A", "2025-01-01", "events:\n  - {date: 2014-10-23, title: The SCM, id: scm}\n"))
        .brief("b.md", &brief("B", "2025-01-02", "events:\n  - {date: 2014-10-24, title: The SCM, id: scm}\n"))
        .brief("c.md", &brief("C", "2025-01-03", "events:\n  - {date: 2014-10-23, title: Another title, id: scm}\n"))
        .build_err();
    assert!(
        run.stderr
            .contains("error[bad-event]: the event `scm` is stated differently: 2014-10-24 here, 2014-10-23 first"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("its `en` title is “Another title” here, “The SCM” first"), "{}", run.stderr);
    for file in ["content/a.md", "content/b.md", "content/c.md"] {
        assert!(run.stderr.contains(file), "{file} in\n{}", run.stderr);
    }
}

#[test]
fn bad_events_are_errors_with_their_place_and_a_fix() {
    let cases = [
        (
            "events:\n  - date: 2014-13\n    title: X\n",
            "error[bad-event]: the event's date `2014-13` is not a year, month or day",
            "a.md:5:3",
        ),
        ("events:\n  - title: X\n", "an event needs a `date`", "a.md:5:3"),
        ("events:\n  - date: 2014\n", "the event of 2014 has no `title`", "a.md:5:3"),
        ("events: 2014\n", "`events` must be a list of events, not a number", "a.md:4:"),
        ("events:\n  - date: 2015\n    end: 2014\n    title: X\n", "the event ends (2014) before it starts (2015)", ""),
        ("events:\n  - date: 2014\n    title: X\n    source: javascript:alert(1)\n", "javascript:", ""),
        (
            "events:\n  - date: 2014\n    title: X\n    source: no-such-key\n",
            "the event's `source: no-such-key` is neither a citation key nor a URL",
            "",
        ),
        (
            "topics: [OPCON transfer]\nevents:\n  - date: 2014\n    title: X\n    topics: [OPCON transfr]\n",
            "the event's topics term `OPCON transfr` is not a term of the site",
            "",
        ),
        (
            "events:\n  - date: 2014\n    title: X\n    planned: maybe\n",
            "`planned` must be true or false, not `maybe`",
            "",
        ),
    ];
    for (front, message, place) in cases {
        let run = SiteTest::new().config(CONFIG).brief("a.md", &brief("A", "2025-01-01", front)).build_err();
        assert!(run.stderr.contains(message), "{front:?}: want {message:?} in\n{}", run.stderr);
        assert!(run.stderr.contains(place), "{front:?}: want {place:?} in\n{}", run.stderr);
    }
    // A misspelt term gets a did-you-mean.
    let run = SiteTest::new()
        .config(CONFIG)
        .brief(
            "a.md",
            &brief(
                "A",
                "2025-01-01",
                "topics: [OPCON transfer]\nevents:\n  - {date: 2014, title: X, topics: [OPCON transfr]}\n",
            ),
        )
        .build_err();
    assert!(run.stderr.contains("did you mean `OPCON transfer`?"), "{}", run.stderr);
    // An unknown key of an event is a warning with a did-you-mean, as at the top level.
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("a.md", &brief("A", "2025-01-01", "events:\n  - {date: 2014, title: X, planed: true}\n"))
        .build_ok();
    assert!(
        run.stderr.contains("unknown event key `planed`") && run.stderr.contains("did you mean `planned`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_site_without_events_has_no_timeline() {
    let run = SiteTest::new().config(CONFIG).brief("a.md", &brief("A", "2025-01-01", "")).build_ok();
    assert!(!run.exists("timeline/index.html") && !run.exists("timeline/timeline.ics"));
    assert!(!run.read("index.html").contains("/timeline/"));
}

#[test]
fn korean_pages_show_korean_titles_and_fall_back_marked_with_their_language() {
    let run = SiteTest::new()
        .config("title: T\nbase_url: https://example.org/\nlanguages:\n  ko: {}\n")
        .brief(
            "a.md",
            &brief("A", "2025-01-01", "events:\n  - {date: 2014-10-23, id: scm, title: {en: The SCM, ko: 안보협의회의}}\n  - {date: 2015, title: English only}\n"),
        )
        .brief("a.ko.md", &brief("가", "2025-01-01", "events:\n  - {date: 2014-10-23, id: scm, title: {en: The SCM, ko: 안보협의회의}}\n"))
        .build_ok();
    let ko = run.main_of("ko/timeline/index.html");
    assert!(ko.contains("<time datetime=\"2014-10-23\">2014년 10월 23일</time>"), "{ko}");
    assert!(ko.contains(">안보협의회의</h3>"), "{ko}");
    assert!(ko.contains("<h3 class=\"event-title\" lang=\"en\">English only</h3>"), "{ko}");
    // The Korean page lists the Korean version of the brief.
    assert!(ko.contains("href=\"/ko/a/\""), "{ko}");
    assert_eq!(
        run.main_of("timeline/index.html").matches("class=\"event-title\"").count(),
        2,
        "one event, stated in both versions"
    );
}

fn superseding() -> SiteTest {
    SiteTest::new()
        .config(CONFIG)
        .brief("briefs/old.md", &brief("Old view", "2025-01-01", "topics: [OPCON transfer]\n"))
        .brief("briefs/old.ko.md", &brief("옛 견해", "2025-01-01", "lang: ko\n"))
        .brief("briefs/new.md", &brief("New view", "2025-06-01", "topics: [OPCON transfer]\nsupersedes: [old]\n"))
}

#[test]
fn a_superseded_brief_keeps_its_page_with_a_banner_and_leaves_latest_lists_and_feeds() {
    let run = superseding().build_ok();
    let old = run.read("briefs/old/index.html");
    assert!(old.contains("<link rel=\"successor-version\" href=\"/briefs/new/\">"), "{old}");
    assert!(old.contains("class=\"notice superseded\"") && old.contains("<a href=\"/briefs/new/\">New view</a>"));
    let new = run.read("briefs/new/index.html");
    assert!(new.contains("<link rel=\"predecessor-version\" href=\"/briefs/old/\">"));
    assert!(new.contains("Supersedes: <a href=\"/briefs/old/\">Old view</a>"));
    // Not among the latest, nor in feeds.
    assert!(!run.main_of("index.html").contains("/briefs/old/"));
    assert!(!run.read("atom.xml").contains("/briefs/old/"));
    assert!(!run.read("topics/opcon-transfer/atom.xml").contains("/briefs/old/"));
    // Still listed on its term's and section's pages, marked.
    for page in ["topics/opcon-transfer/index.html", "briefs/index.html"] {
        let html = run.main_of(page);
        let card = html.split("/briefs/old/").nth(1).unwrap().split("</li>").next().unwrap();
        assert!(card.contains("class=\"status superseded\">Superseded<"), "{page}: {card}");
    }
}

#[test]
fn supersession_cycles_and_unknown_names_are_errors() {
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("a.md", &brief("A", "2025-01-01", "supersedes: [b]\n"))
        .brief("b.md", &brief("B", "2025-01-02", "supersedes: [c]\n"))
        .brief("c.md", &brief("C", "2025-01-03", "supersedes: [a]\n"))
        .brief("d.md", &brief("D", "2025-01-04", "supersedes: [abc, d]\n"))
        .build_err();
    assert!(
        run.stderr.contains("these briefs supersede each other in a cycle: `a` → `b` → `c` → `a`"),
        "{}",
        run.stderr
    );
    for place in ["content/a.md:4:", "content/b.md:4:", "content/c.md:4:"] {
        assert!(run.stderr.contains(place), "{place} in\n{}", run.stderr);
    }
    assert!(run.stderr.contains("`supersedes: abc` names no brief"), "{}", run.stderr);
    assert!(run.stderr.contains("`supersedes: d` names this brief itself"), "{}", run.stderr);
}

/// `check --stale` with `--as-of`: what it prints on standard output, and its exit code.
fn stale(site: &SiteTest, extra: &[&str]) -> (i32, String, String) {
    let out = site.command("check").arg("--stale").arg("--as-of").arg("2026-07-01").args(extra).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn check_stale_lists_briefs_past_their_review_date_by_author() {
    let site = SiteTest::new()
        .config("title: T\nreview_every: 12 months\n")
        .brief("briefs/a.md", &brief("A", "2025-01-01", "authors: [Kim]\n"))
        .brief("briefs/b.md", &brief("B", "2025-01-01", "authors: [Lee, Kim]\nreviewed: 2025-12-01\n"))
        .brief("briefs/c.md", &brief("C", "2024-01-01", "authors: [Lee]\nreview_by: 2026-06-01\n"))
        .brief("briefs/d.md", &brief("D", "2025-01-01", "review_every: 2 years\n"))
        .brief("notes/_index.md", "---\ntitle: Notes\nreview_every: 3 months\n---\n")
        .brief("notes/e.md", &brief("E", "2026-03-01", ""));
    let (code, out, _) = stale(&site, &[]);
    assert_eq!(code, 0);
    assert!(out.starts_with("3 briefs past their review date as of 2026-07-01:"), "{out}");
    let kim = out.split("\nKim\n").nth(1).unwrap().split("\n\n").next().unwrap();
    assert_eq!(kim.trim(), "content/briefs/a.md  due 2026-01-01, 6 months overdue", "{out}");
    let lee = out.split("\nLee\n").nth(1).unwrap().split("\n\n").next().unwrap();
    assert_eq!(lee.trim(), "content/briefs/c.md  due 2026-06-01, 4 weeks overdue", "{out}");
    assert!(out.contains("(no author)\n  content/notes/e.md  due 2026-06-01"), "a section's period: {out}");
    assert!(!out.contains("b.md") && !out.contains("d.md"), "reviewed since, or a longer period of its own: {out}");
    // `--deny stale`: errors, exit 1.
    let (code, _, err) = stale(&site, &["--deny", "stale"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[stale]: this brief was due for review on 2026-06-01"), "{err}");
    // A build says how many, once.
    let build = site.run("build");
    assert!(build.stderr.matches("warning[stale]").count() == 1, "{}", build.stderr);
}

#[test]
fn a_corrections_log_is_shown_and_updates_the_feed_entry() {
    let run = SiteTest::new()
        .config(CONFIG)
        .brief(
            "a.md",
            &brief("A", "2025-01-01", "reviewed: 2025-03-01\nchanges:\n  - {date: 2025-02-01, note: Corrected the SCM's date.}\n  - {date: 2025-04-02, note: Added the Korean version.}\n"),
        )
        .build_ok();
    let html = run.main_of("a/index.html");
    let log = html.split("id=\"changes\"").nth(1).unwrap();
    let newest = log.find("Added the Korean version.").unwrap();
    assert!(
        newest < log.find("Corrected the SCM&#39;s date.").or(log.find("Corrected the SCM's date.")).unwrap(),
        "newest first: {log}"
    );
    assert!(html.contains("Reviewed <time datetime=\"2025-03-01\">1 March 2025</time>"), "{html}");
    assert!(run.read("atom.xml").contains("<updated>2025-04-02T00:00:00+00:00</updated>"));
}

#[test]
fn a_brief_dated_in_the_future_waits_unless_future() {
    let site = SiteTest::new()
        .config(CONFIG)
        .brief("a.md", &brief("Now", "2025-01-01", ""))
        .brief("later.md", &brief("Embargoed", "2999-01-01", ""))
        .brief("b.md", &brief("Links", "2025-01-02", ""));
    let run = site.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.root.join("output/later/index.html").exists());
    assert!(
        run.stderr.contains("warning[future]: this brief is dated 2999-01-01: it is left out until then"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/later.md:3:"), "{}", run.stderr);
    let run = site.arg("--future").build_ok();
    assert!(run.exists("later/index.html"));
}

#[test]
fn the_partial_date_order_is_the_same_whatever_the_file_order() {
    // Events spread over briefs in any file order sort the same (a property test of the order
    // itself is in `date.rs`).
    let dates = ["2014", "2014-10-23", "2014-10", "2013-12-31", "2014-01", "2015", "2014-01-01"];
    let mut site = SiteTest::new().config(CONFIG);
    for (i, d) in dates.iter().enumerate() {
        site = site.brief(
            &format!("{}.md", (b'z' - i as u8) as char),
            &brief(&format!("B{i}"), "2025-01-01", &format!("events:\n  - {{date: {d}, title: E {d}}}\n")),
        );
    }
    let run = site.build_ok();
    assert_eq!(
        event_titles(&run.main_of("timeline/index.html")),
        ["E 2013-12-31", "E 2014", "E 2014-01", "E 2014-01-01", "E 2014-10", "E 2014-10-23", "E 2015"]
    );
}

#[test]
fn odd_and_hostile_lifecycle_and_event_values() {
    // Empty and null are as if absent; many events in one brief build.
    let many: String = (0..3000)
        .map(|i| format!("  - {{date: {}-{:02}, title: \"E{i} <script>\"}}\n", 1900 + i % 120, 1 + i % 12))
        .collect();
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("a.md", &brief("A", "2025-01-01", "events: []\nsupersedes: ~\nchanges: []\nreviewed:\n"))
        .brief("b.md", &brief("B", "2025-01-02", &format!("events:\n{many}")))
        .build_ok();
    let timeline = run.read("timeline/index.html");
    assert_eq!(timeline.matches("class=\"event-title\"").count(), 3000);
    assert!(!timeline.contains("<script>\"") && timeline.contains("E0 &lt;script&gt;"), "titles are escaped");
    // Wrong shapes are positioned errors.
    for (front, message) in [
        ("review_every: soon\n", "`review_every: soon` is not a period"),
        ("reviewed: last week\n", "`reviewed: last week` is not a valid date"),
        ("changes:\n  - {date: 2025-01-01}\n", "each of `changes` needs a `note`"),
        ("changes: yesterday\n", "`changes` must be a list of `{date, note}` entries, not text"),
        ("supersedes: {a: b}\n", "`supersedes` must be a list of briefs, not a map"),
    ] {
        let run = SiteTest::new().config(CONFIG).brief("a.md", &brief("A", "2025-01-01", front)).build_err();
        assert!(run.stderr.contains(message) && run.stderr.contains("content/a.md:"), "{front:?}: {}", run.stderr);
    }
    // A bad site-wide period is a configuration error (exit 2), at its place in site.yaml.
    let run = SiteTest::new()
        .config("title: T\nreview_every: 12 monts\n")
        .brief("a.md", &brief("A", "2025-01-01", ""))
        .run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`review_every: 12 monts` is not a period") && run.stderr.contains("site.yaml:2:"),
        "{}",
        run.stderr
    );
    // A brief named `timeline` in the root clashes with the timeline page: an error naming both.
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("timeline.md", &brief("Timeline", "2025-01-01", "events:\n  - {date: 2014, title: X}\n"))
        .build_err();
    assert!(run.stderr.contains("duplicate-url") && run.stderr.contains("the timeline"), "{}", run.stderr);
}

#[test]
fn an_event_source_given_as_an_address_is_not_printed_twice() {
    // Printed, a link out of the site writes its address after its text, unless it is marked
    // `url` (its text is the address already).
    let front = "events:\n  - date: 2025-11-03\n    title: Meeting\n    source: https://www.jcs.mil/\n";
    let run = SiteTest::new().config(CONFIG).brief("briefs/a.md", &brief("A", "2025-11-05", front)).build_ok();
    for page in ["timeline/index.html", "briefs/a/index.html"] {
        let html = run.main_of(page);
        assert!(
            html.contains(r#"<a href="https://www.jcs.mil/" rel="external" class="url">https://www.jcs.mil/</a>"#),
            "{page}: {html}"
        );
    }
}

#[test]
fn an_event_title_in_a_language_that_is_not_a_tag_is_an_error() {
    let front = "events:\n  - date: 2014\n    title: {en: Agreed, Korean: 합의}\n";
    let run = SiteTest::new().config(CONFIG).brief("a.md", &brief("A", "2025-01-01", front)).build_err();
    assert!(run.stderr.contains("`Korean` in the event's `title` is not a language tag"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:"), "{}", run.stderr);
}
