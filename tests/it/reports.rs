//! Reports (issue 18): dossiers declared in `site.yaml`, each a page `/reports/<id>/` with a
//! cover, contents, key points, a chapter per brief, a timeline, merged references and a
//! glossary; selection, order and parts; in-report links; PDFs through a browser.

use std::collections::BTreeSet;

use crate::support::{broken_internal_links, SiteTest};

const REFS_JSON: &str = r#"[
  {"id": "kim2020", "type": "report", "author": [{"family": "Kim", "given": "Chul-su"}], "title": "Wartime Control Revisited", "publisher": "Asan Institute", "issued": {"date-parts": [[2020, 3, 1]]}},
  {"id": "lee2019", "type": "article-journal", "author": [{"family": "Lee", "given": "Sung-min"}], "title": "Burden Sharing and the Alliance", "container-title": "Asian Policy Review", "issued": {"date-parts": [[2019]]}}
]
"#;

fn brief(title: &str, date: &str, front: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\nsummary: Summary of {title}.\n{front}---\n{body}\n")
}

/// Four briefs: three on OPCON transfer (one in `background/`), one on cost sharing; a record
/// for OPCON transfer with a Korean name; two briefs citing the same source.
fn site(reports: &str) -> SiteTest {
    SiteTest::new()
        .config(&format!(
            "title: Alliance Briefs\nbase_url: https://example.org/\nbibliography: [refs.json]\nreports:\n{reports}"
        ))
        .file("refs.json", REFS_JSON)
        .brief(
            "topics/opcon-transfer.md",
            "---\ntitle: OPCON transfer\nnames: {ko: 전시작전통제권 전환}\naka: [wartime OPCON transfer]\n---\nThe transfer of wartime operational control.\n",
        )
        .brief(
            "briefs/acceleration.md",
            &brief(
                "Accelerating transfer",
                "2025-11-05",
                "topics: [OPCON transfer]\nactors: [MND]\nevents:\n  - date: 2025-11-04\n    title: The 57th SCM\n",
                "## Why now\n\nSee [the plan](../background/plan.md#the-conditions) and [cost](cost.md), as [@kim2020] argues.[^1]\n\n[^1]: A note.",
            ),
        )
        .brief(
            "background/plan.md",
            &brief(
                "The conditions-based plan",
                "2014-10-23",
                "topics: [wartime OPCON transfer]\nactors: [JCS]\n",
                "## The conditions\n\nThree conditions [@kim2020; @lee2019].[^1] Back to [acceleration](../briefs/acceleration.md#why-now).\n\n[^1]: Another note.",
            ),
        )
        .brief(
            "briefs/roles.md",
            &brief("Division of roles", "2025-12-01", "topics: [OPCON transfer]\nactors: [USFK]\n", "## Why now\n\nRoles."),
        )
        .brief("briefs/cost.md", &brief("Cost sharing", "2024-03-01", "topics: [cost sharing]\n", "Money."))
}

const OPCON: &str = "  - id: opcon\n    title: Wartime OPCON transfer\n    subtitle: Everything on it\n    select:\n      topics: [opcon-transfer]\n";

/// The chapter titles of a report page, in order.
fn chapters(html: &str) -> Vec<String> {
    html.split("<article class=\"report-chapter\"")
        .skip(1)
        .map(|rest| {
            let h2 = &rest[rest.find("<h2>").unwrap() + 4..];
            h2[..h2.find("</h2>").unwrap()].to_string()
        })
        .collect()
}

/// Every `id="…"` of a page.
fn ids(html: &str) -> Vec<String> {
    html.split(" id=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect()
}

#[test]
fn a_report_collects_its_briefs_oldest_first_with_every_part() {
    let run = site(OPCON).build_ok();
    let html = run.main_of("reports/opcon/index.html");
    assert_eq!(
        chapters(&html),
        ["The conditions-based plan", "Accelerating transfer", "Division of roles"],
        "every brief on the term, by any of its names (`wartime OPCON transfer` is an aka), oldest first"
    );
    assert!(html.contains("<h1>Wartime OPCON transfer</h1>") && html.contains("Everything on it"), "cover");
    for part in ["report-contents", "report-key-points", "report-timeline", "report-references", "report-glossary"] {
        assert!(html.contains(&format!("id=\"{part}\"")), "part {part} in:\n{html}");
    }
    assert!(html.contains("Summary of Accelerating transfer."), "key points are the summaries");
    assert!(html.contains("The 57th SCM"), "the timeline holds the briefs' events");
    assert!(html.contains("전시작전통제권 전환"), "the glossary names the term in both languages");
    // The contents list the parts and chapters, each linked to its place.
    let page_ids: BTreeSet<String> = ids(&html).into_iter().collect();
    let contents = &html[html.find("id=\"report-contents\"").unwrap()..html.find("</nav>").unwrap()];
    for target in contents.split("href=\"#").skip(1).map(|r| &r[..r.find('"').unwrap()]) {
        assert!(page_ids.contains(target), "contents link #{target} has a target");
    }
    // Not the site's navigation, related lists or backlinks, inside the report.
    assert!(!html.contains("class=\"backlinks\"") && !html.contains("class=\"related\""));
    assert!(broken_internal_links(&run.root.join("output"), "/").is_empty());
}

#[test]
fn ids_are_unique_and_links_between_its_briefs_stay_in_the_report() {
    let run = site(OPCON).build_ok();
    let html = run.read("reports/opcon/index.html");
    let all = ids(&html);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(all.len(), unique.len(), "two briefs with `## Why now` and footnotes 1: ids {all:?}");
    let main = run.main_of("reports/opcon/index.html");
    // Acceleration links the plan's section: into the plan's chapter.
    assert!(main.contains("href=\"#background-plan:the-conditions\""), "in-report link to a heading:\n{main}");
    assert!(main.contains("href=\"#briefs-acceleration:why-now\""), "and back");
    // Cost sharing is not in the report: its address on the site, printed.
    assert!(main.contains("href=\"https://example.org/briefs/cost/\""), "a link out is absolute:\n{main}");
    // A footnote's reference and its note move together.
    assert!(main.contains("href=\"#briefs-acceleration:fn:1\"") && main.contains("id=\"briefs-acceleration:fn:1\""));
    // Body headings sit under the chapter's title.
    assert!(main.contains("<h3 id=\"briefs-acceleration:why-now\""), "h2 of a body becomes h3");
    // Every `#` link of the page has its target.
    let targets: BTreeSet<String> = all.into_iter().collect();
    for link in main.split("href=\"#").skip(1).map(|r| r[..r.find('"').unwrap()].to_string()) {
        let decoded = crate::support::percent_decode(&link);
        assert!(targets.contains(&decoded), "#{link} has no target");
    }
}

#[test]
fn references_are_merged_without_duplicates() {
    let run = site(OPCON).build_ok();
    let html = run.main_of("reports/opcon/index.html");
    let merged = &html[html.find("id=\"report-references\"").unwrap()..];
    let merged = &merged[..merged.find("</section>").unwrap()];
    assert_eq!(merged.matches("Wartime Control Revisited").count(), 1, "cited by two briefs, listed once:\n{merged}");
    assert_eq!(merged.matches("Burden Sharing").count(), 1);
    assert_eq!(merged.matches("<li class=\"csl-entry\"").count(), 2);
}

#[test]
fn each_select_key_narrows_and_keys_combine_with_and() {
    let reports = "  - id: by-actor\n    title: JCS\n    select: {actors: [JCS]}\n\
                   \x20 - id: by-section\n    title: Background\n    select: {sections: [background]}\n\
                   \x20 - id: by-name\n    title: Named\n    select: {briefs: [briefs/roles, cost]}\n\
                   \x20 - id: by-date\n    title: Since 2025\n    select: {from: 2025, to: 2025-11}\n\
                   \x20 - id: both\n    title: OPCON in briefs/\n    select: {topics: [OPCON transfer], sections: [briefs]}\n";
    let run = site(reports).build_ok();
    let of = |id: &str| chapters(&run.main_of(&format!("reports/{id}/index.html")));
    assert_eq!(of("by-actor"), ["The conditions-based plan"]);
    assert_eq!(of("by-section"), ["The conditions-based plan"]);
    assert_eq!(of("by-name"), ["Cost sharing", "Division of roles"], "by date unless `order: listed`");
    assert_eq!(of("by-date"), ["Accelerating transfer"], "from the start of 2025 to the end of November");
    assert_eq!(of("both"), ["Accelerating transfer", "Division of roles"], "topics AND section");
    let list = run.main_of("reports/index.html");
    for title in ["JCS", "Background", "Named", "Since 2025", "OPCON in briefs/"] {
        assert!(list.contains(title), "/reports/ lists {title}");
    }
}

#[test]
fn order_listed_follows_the_list() {
    let reports = "  - id: listed\n    title: Listed\n    order: listed\n    select: {briefs: [briefs/roles, background/plan, cost]}\n";
    let run = site(reports).build_ok();
    assert_eq!(
        chapters(&run.main_of("reports/listed/index.html")),
        ["Division of roles", "The conditions-based plan", "Cost sharing"]
    );
}

#[test]
fn include_picks_the_parts() {
    let reports = "  - id: bare\n    title: Bare\n    include: [briefs]\n    select: {topics: [opcon-transfer]}\n\
                   \x20 - id: points\n    title: Points\n    include: [cover, key-points]\n    select: {topics: [opcon-transfer]}\n";
    let run = site(reports).build_ok();
    let bare = run.main_of("reports/bare/index.html");
    assert_eq!(chapters(&bare).len(), 3);
    for part in ["report-contents", "report-key-points", "report-timeline", "report-references", "report-glossary"] {
        assert!(!bare.contains(&format!("id=\"{part}\"")), "{part} left out");
    }
    assert!(bare.contains("<h1>Bare</h1>"), "the title is always shown");
    // Without its own references, a citation links the chapter's list.
    assert!(bare.contains("id=\"briefs-acceleration:ref-kim2020\""), "{bare}");
    assert!(bare.contains("href=\"#briefs-acceleration:ref-kim2020\""));
    let points = run.main_of("reports/points/index.html");
    assert!(chapters(&points).is_empty() && points.contains("id=\"report-key-points\""));
    assert!(points.contains("href=\"https://example.org/briefs/acceleration/\""), "key points link the site");
    assert!(!points.contains("Why now"), "no body is rendered");
}

#[test]
fn term_pages_and_navigation_link_reports() {
    let run = site(OPCON).build_ok();
    let term = run.main_of("topics/opcon-transfer/index.html");
    assert!(term.contains("href=\"/reports/opcon/\""), "the term's page links its report:\n{term}");
    assert!(run.read("index.html").contains("href=\"/reports/\""), "a nav link to the reports");
    let sitemap = run.read("sitemap.xml");
    assert!(sitemap.contains("https://example.org/reports/opcon/"), "in the sitemap");
}

#[test]
fn a_selection_of_nothing_is_a_warning() {
    let reports = "  - id: none\n    title: Nothing\n    select: {topics: [opcon-transfer], from: 2030}\n";
    let run = site(reports).build_ok();
    assert!(run.stderr.contains("the report `none` selects no brief"), "{}", run.stderr);
    assert!(run.stderr.contains("site.yaml:"), "positioned in site.yaml: {}", run.stderr);
    assert!(run.exists("reports/none/index.html"));
}

#[test]
fn unknown_terms_sections_briefs_and_keys_are_errors_with_a_suggestion() {
    let reports = "  - id: bad\n    title: Bad\n    select:\n      topics: [opcon-transfr]\n      sections: [backgrund]\n      briefs: [briefs/role]\n      actor: [JCS]\n";
    let run = site(reports).build_err();
    for expected in [
        "the topics term `opcon-transfr`",
        "did you mean `OPCON transfer`?",
        "the section `backgrund`",
        "did you mean `background`?",
        "the brief `briefs/role`",
        "did you mean `briefs/roles`?",
        "`select: actor` is neither a taxonomy",
        "did you mean `actors`?",
    ] {
        assert!(run.stderr.contains(expected), "`{expected}` in:\n{}", run.stderr);
    }
    assert!(run.stderr.contains("site.yaml:8:16"), "the term where it is written: {}", run.stderr);
}

#[test]
fn malformed_reports_are_positioned_errors() {
    for (reports, expected) in [
        ("  - id: x\n    title: X\n    selct: {}\n", "did you mean `select`?"),
        ("  - id: Not A Slug\n    title: X\n", "is not a URL slug"),
        ("  - title: X\n", "a report has no `id`"),
        ("  - id: x\n", "has no `title`"),
        ("  - id: x\n    title: X\n  - id: x\n    title: Y\n", "two reports have the id `x`"),
        ("  - id: x\n    title: X\n    select: {from: 2025-13}\n", "is not a date"),
        ("  - id: x\n    title: X\n    include: [glosary]\n", "did you mean `glossary`?"),
        ("  - id: x\n    title: X\n    order: random\n", "`order: random` is not an order"),
        ("  - id: x\n    title: X\n    order: listed\n", "lists no `briefs`"),
        ("  - id: x\n    title: X\n    language: fr\n", "not a language of the site"),
        ("  x: 1\n", "must be a list of reports"),
    ] {
        let run = site(reports).run("build");
        assert!(run.code == 1 || run.code == 2, "fails: {reports}\n{}", run.stderr);
        assert!(run.stderr.contains(expected), "`{expected}` for {reports:?} in:\n{}", run.stderr);
        assert!(run.stderr.contains("site.yaml:"), "positioned: {}", run.stderr);
    }
}

#[test]
fn a_korean_report_collects_the_korean_versions() {
    let run = SiteTest::new()
        .config("title: T\nbase_url: https://example.org/\nlanguages: {ko: {title: 브리프}}\nreports:\n  - id: ko\n    title: 전작권\n    language: ko\n    select: {topics: [opcon]}\n")
        .brief("briefs/a.md", &brief("A", "2025-01-01", "topics: [opcon]\n", "English."))
        .brief("briefs/a.ko.md", &brief("가", "2025-01-02", "topics: [opcon]\n", "주한미군의 역할."))
        .build_ok();
    let html = run.read("reports/ko/index.html");
    assert!(html.contains("<html lang=\"ko\""), "the page is in Korean");
    assert_eq!(chapters(&run.main_of("reports/ko/index.html")), ["가"]);
}

#[test]
fn a_report_id_clashing_with_a_brief_is_an_error_naming_both() {
    let run = site(OPCON).brief("reports/opcon.md", &brief("Clash", "2025-01-01", "", "x")).build_err();
    assert!(run.stderr.contains("the report `opcon`"), "{}", run.stderr);
}

/// A stand-in for Chromium: writes a PDF-looking file where `--print-to-pdf=` says, after
/// fetching the page it is asked to print (so the print server is exercised), and counts its runs.
#[cfg(unix)]
fn fake_browser(dir: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("fake-chromium");
    let script = format!(
        "#!/bin/sh\nout=''\nurl=''\nfor a in \"$@\"; do case \"$a\" in --print-to-pdf=*) out=\"${{a#--print-to-pdf=}}\";; http*) url=\"$a\";; esac; done\n\
         echo run >> '{}'\n\
         page=$(python3 -c \"import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())\" \"$url\") || exit 3\n\
         printf '%%PDF-1.7\\n%%%% fake\\n%s\\n' \"$(echo \"$page\" | grep -o '<h1>[^<]*</h1>')\" > \"$out\"\n",
        dir.join("runs").display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[cfg(unix)]
#[test]
fn report_pdf_prints_the_page_through_the_browser_and_build_pdf_keeps_unchanged_ones() {
    let tools = tempfile::tempdir().unwrap();
    let chrome = fake_browser(tools.path());
    let test = site(OPCON);
    let out = tools.path().join("dossier.pdf");
    let mut command = test.command("report");
    command.arg("opcon").arg("--pdf").arg(&out).env("BRIEFING_CHROME", &chrome);
    let run = test.run_command(command);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = std::fs::read_to_string(&out).unwrap();
    assert!(
        pdf.starts_with("%PDF") && pdf.contains("<h1>Wartime OPCON transfer</h1>"),
        "the report page was printed: {pdf}"
    );
    assert!(!test.root().join("output").exists(), "`report` writes only the PDF");
    // `build --pdf`: each report's PDF beside its page, linked from it; printed again only
    // when the page changes.
    for _ in 0..2 {
        let mut command = test.command("build");
        command.arg("--pdf").env("BRIEFING_CHROME", &chrome);
        let run = test.run_command(command);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let output = test.root().join("output");
    assert!(std::fs::read_to_string(output.join("reports/opcon/opcon.pdf")).unwrap().starts_with("%PDF"));
    assert!(std::fs::read_to_string(output.join("reports/opcon/index.html"))
        .unwrap()
        .contains("href=\"/reports/opcon/opcon.pdf\""));
    let runs = std::fs::read_to_string(tools.path().join("runs")).unwrap().lines().count();
    assert_eq!(runs, 2, "one print for `report`, one for the first `build --pdf`; the second kept it");
    // A build without `--pdf` removes them: they would go stale.
    assert_eq!(test.run("build").code, 0);
    assert!(!output.join("reports/opcon/opcon.pdf").exists());
}

#[test]
fn without_a_browser_pdf_is_a_clear_error_and_nothing_is_written() {
    let test = site(OPCON);
    let mut command = test.command("report");
    command.arg("opcon").arg("--pdf").env("BRIEFING_CHROME", "/nonexistent/chromium").current_dir(test.root());
    let run = test.run_command(command);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("BRIEFING_CHROME names `/nonexistent/chromium`"), "{}", run.stderr);
    assert!(!test.root().join("opcon.pdf").exists());
    let mut command = test.command("report");
    command.arg("opcon").arg("--pdf").env("BRIEFING_CHROME", "").env("PATH", "/nonexistent");
    let run = test.run_command(command);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("none was found") && run.stderr.contains("apt install chromium"), "{}", run.stderr);
}

#[test]
fn an_unknown_report_or_brief_to_print_gets_a_suggestion() {
    let test = site(OPCON);
    let tools = tempfile::tempdir().unwrap();
    // Any program: the report is looked up before anything is printed.
    let mut command = test.command("report");
    command.arg("opcn").arg("--pdf").env("BRIEFING_CHROME", "/bin/sh").current_dir(tools.path());
    let run = test.run_command(command);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("there is no report `opcn`") && run.stderr.contains("did you mean `opcon`?"),
        "{}",
        run.stderr
    );
    let mut command = test.command("report");
    command.arg("--brief").arg("briefs/rolez").arg("--pdf").env("BRIEFING_CHROME", "/bin/sh");
    let run = test.run_command(command);
    assert!(run.stderr.contains("did you mean `briefs/roles`?"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_pdf_of_a_site_without_an_address_warns_that_its_links_out_will_not_open() {
    let tools = tempfile::tempdir().unwrap();
    let chrome = fake_browser(tools.path());
    let test = SiteTest::new()
        .config("title: T\nreports:\n  - {id: all, title: All}\n")
        .brief("briefs/a.md", &brief("A", "2025-01-01", "", "Text."));
    let mut command = test.command("report");
    command.arg("all").arg("--pdf").arg(tools.path().join("all.pdf")).env("BRIEFING_CHROME", &chrome);
    let run = test.run_command(command);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("links from the PDF to the site will not open"), "{}", run.stderr);
}

#[test]
fn null_empty_and_hostile_reports() {
    // `reports:` null or empty: no report pages, no nav link, no warning.
    for reports in ["", "  []\n"] {
        let run = site(&format!("reports:{reports}").replacen("reports:", "", 1)).build_ok();
        assert!(!run.exists("reports/index.html"), "{reports:?}");
        assert!(!run.read("index.html").contains("/reports/"));
        assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    }
    // Markup in a title or subtitle is text; a selection of 300 names, most unknown, is one
    // error each, in one run.
    let names: Vec<String> = (0..300).map(|i| format!("briefs/none-{i}")).collect();
    let reports = format!(
        "  - id: x\n    title: \"<script>alert(1)</script>\"\n    subtitle: \"<img src=x onerror=alert(1)>\"\n\
         \x20 - id: y\n    title: Y\n    select: {{briefs: [{}]}}\n",
        names.join(", ")
    );
    let run = site(&reports).build_err();
    assert_eq!(run.stderr.matches("which the site does not have (or is a draft)").count(), 300, "{}", run.stderr);
    let run =
        site("  - id: x\n    title: \"<script>alert(1)</script>\"\n    subtitle: \"<img src=x onerror=alert(1)>\"\n")
            .build_ok();
    let html = run.read("reports/x/index.html");
    assert!(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)"), "escaped");
    assert!(!html.contains("<img src=x"));
}
