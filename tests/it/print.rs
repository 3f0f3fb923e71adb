//! Print: every page carries what the print stylesheet needs — the paper of `site.yaml`, and the
//! page's address and date for the foot of each sheet — and the stylesheet the rules. How a
//! printed page looks is checked in Chromium (`tests/browser/print.test.mjs`).

use crate::support::SiteTest;

const BRIEF: &str = "---\ntitle: Accelerating OPCON transfer\ndate: 2025-11-05\nupdated: 2025-11-07\n\
sources:\n  - title: Defense White Papers\n    url: https://www.mnd.go.kr/\n---\n\
See <https://www.usfk.mil/> and [the ministry](https://www.mnd.go.kr/eng/).\n";

/// The `<style media="print">` of a page.
fn print_style(html: &str) -> &str {
    let start = html.find("<style media=\"print\">").expect("a print style in the page");
    let end = start + html[start..].find("</style>").unwrap();
    &html[start..end]
}

#[test]
fn pages_print_on_a4_with_their_address_and_date_at_the_foot() {
    let run = SiteTest::new()
        .config("title: Briefs\nbase_url: https://example.org/policy/\nlanguages: {ko: {}}\n")
        .brief("briefs/opcon.md", BRIEF)
        .brief("briefs/전작권.ko.md", "---\ntitle: 전작권 전환\ndate: 2025-11-05\n---\n본문.\n")
        .build_ok();
    let style = print_style(&run.read("briefs/opcon/index.html")).to_string();
    assert!(style.contains("@page { size: A4; }"), "{style}");
    assert!(style.contains(r#"--print-url: "https://example.org/policy/briefs/opcon/";"#), "{style}");
    assert!(style.contains(r#"--print-date: "5 November 2025 · Updated 7 November 2025";"#), "{style}");
    // A Korean address is printed as it reads, and the date in Korean.
    let style = print_style(&run.read("ko/briefs/전작권/index.html")).to_string();
    assert!(style.contains(r#"--print-url: "https://example.org/policy/ko/briefs/전작권/";"#), "{style}");
    assert!(style.contains(r#"--print-date: "2025년 11월 5일";"#), "{style}");
    // A list page has an address and no date.
    let style = print_style(&run.read("index.html")).to_string();
    assert!(style.contains(r#"--print-url: "https://example.org/policy/"; --print-date: "";"#), "{style}");
    // An autolink is its own address: print does not write it twice.
    let main = run.main_of("briefs/opcon/index.html");
    assert!(main.contains(r#"<a href="https://www.usfk.mil/" class="url">https://www.usfk.mil/</a>"#), "{main}");
    assert!(main.contains(r#"<a href="https://www.mnd.go.kr/eng/">the ministry</a>"#), "{main}");
    // The stylesheet: the foot of each sheet, addresses after links, no navigation.
    let css = std::fs::read_to_string(run.path("static/style.css")).unwrap();
    let print = &css[css.find("@media print").expect("a print block")..];
    for rule in [
        "@bottom-left { content: var(--print-url",
        r#"main a[href^="http"]:not(.url)::after"#,
        ".site-header",
        "break-after: avoid",
    ] {
        assert!(css.contains(rule), "style.css lacks {rule}");
    }
    assert!(print.contains("font: 10.5pt/1.45"), "the body in points");
}

#[test]
fn the_paper_follows_site_yaml() {
    let run = SiteTest::new()
        .config("title: Briefs\npaper: letter\n")
        .brief("a.md", "---\ntitle: A\ndate: 2025-11-05\n---\nText.\n")
        .build_ok();
    for page in ["a/index.html", "index.html", "404.html", "search/index.html"] {
        let html = run.read(page);
        assert!(print_style(&html).contains("@page { size: letter; }"), "{page}: {}", print_style(&html));
    }
    // Without an absolute base_url, the address is the page's path.
    assert!(print_style(&run.read("a/index.html")).contains(r#"--print-url: "/a/";"#));
}

#[test]
fn an_unknown_paper_is_an_error_at_its_place_with_a_suggestion() {
    let test = SiteTest::new().config("title: Briefs\npaper: leter\n").brief("a.md", "---\ntitle: A\n---\nText.\n");
    let run = test.run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("`paper: leter` is not a paper size briefing knows"), "{}", run.stderr);
    assert!(run.stderr.contains("site.yaml:2:8"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `paper: letter`?"), "{}", run.stderr);
    assert!(!test.root().join("output").exists());
}
