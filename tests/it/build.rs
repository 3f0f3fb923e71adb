//! `briefing build`: URLs, sections, home, topic indexes, pagination, drafts, themes, input forms.

use crate::support::{broken_internal_links, SiteTest};

fn brief(title: &str, date: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{extra}---\nBody of {title}.\n")
}

#[test]
fn pretty_urls_nested_folders_and_slug_override() {
    let site = SiteTest::new()
        .brief("briefs/opcon-transfer.md", &brief("OPCON", "2025-11-04", ""))
        .brief("briefs/a/b/x.md", &brief("Nested", "2025-11-04", ""))
        .brief("briefs/a/b/z.md", &brief("Renamed", "2025-11-04", "slug: y\n"))
        .build_ok();
    assert!(site.exists("briefs/opcon-transfer/index.html"));
    assert!(site.exists("briefs/a/b/x/index.html"));
    assert!(site.exists("briefs/a/b/y/index.html"));
    assert!(!site.exists("briefs/a/b/z/index.html"));
    assert!(site.main_of("briefs/a/b/y/index.html").contains("<h1>Renamed</h1>"));
}

#[test]
fn section_pages_list_briefs_newest_first_with_weight_first_and_subsections() {
    let site = SiteTest::new()
        .brief("briefs/_index.md", "---\ntitle: All briefs\n---\nThe *intro*.\n")
        .brief("briefs/old.md", &brief("Old", "2020-01-01", ""))
        .brief("briefs/new.md", &brief("New", "2025-01-01", ""))
        .brief("briefs/pinned.md", &brief("Pinned", "2019-01-01", "weight: 1\n"))
        .brief("briefs/second.md", &brief("Second", "2024-06-01", "weight: 2\n"))
        .brief("briefs/also-second.md", &brief("Also second", "2018-01-01", "weight: 2\n"))
        .brief("briefs/cost-sharing/sma.md", &brief("SMA", "2024-01-01", ""))
        .build_ok();
    let page = site.main_of("briefs/index.html");
    assert!(page.contains("<h1>All briefs</h1>"), "{page}");
    assert!(page.contains("The <em>intro</em>."), "{page}");
    // Lightest first, briefs of equal weight newest first, then the rest newest first.
    let at = |title: &str| page.find(&format!(">{title}<")).unwrap();
    let order = [at("Pinned"), at("Second"), at("Also second"), at("New"), at("Old")];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{page}");
    // A folder without _index.md is a section too, titled from its name.
    assert!(page.contains(r#"href="/briefs/cost-sharing/""#), "{page}");
    let sub = site.main_of("briefs/cost-sharing/index.html");
    assert!(sub.contains("<h1>Cost sharing</h1>"), "{sub}");
    assert!(sub.contains(r#"href="/briefs/cost-sharing/sma/""#), "{sub}");
}

#[test]
fn home_page_has_intro_latest_briefs_and_topics() {
    let site = SiteTest::new()
        .brief("_index.md", "---\ntitle: Alliance briefs\n---\nWelcome to the **briefs**.\n")
        .brief("briefs/a.md", &brief("Alpha", "2025-01-01", "topics: [OPCON transfer]\n"))
        .build_ok();
    let home = site.main_of("index.html");
    assert!(home.contains("<h1>Alliance briefs</h1>"), "{home}");
    assert!(home.contains("Welcome to the <strong>briefs</strong>."), "{home}");
    assert!(home.contains(r#"href="/briefs/a/""#), "{home}");
    assert!(home.contains(r#"href="/topics/opcon-transfer/""#), "{home}");
}

#[test]
fn term_pages_and_counts_merge_spellings_under_the_most_common_label() {
    let site = SiteTest::new()
        .brief("briefs/a.md", &brief("A", "2025-01-01", "topics: [Opcon Transfer, SCM]\nactors: USFK\n"))
        .brief("briefs/b.md", &brief("B", "2025-02-01", "topics: [OPCON transfer]\n"))
        .brief("briefs/c.md", &brief("C", "2025-03-01", "topics: [OPCON transfer]\n"))
        .build_ok();
    let list = site.main_of("topics/index.html");
    assert!(
        list.contains(
            r#"<a href="/topics/opcon-transfer/">OPCON transfer</a></span> <span class="count">3<span class="visually-hidden"> briefs</span></span>"#
        ),
        "{list}"
    );
    assert!(
        list.contains(
            r#"<a href="/topics/scm/">SCM</a></span> <span class="count">1<span class="visually-hidden"> brief</span></span>"#
        ),
        "{list}"
    );
    let term = site.main_of("topics/opcon-transfer/index.html");
    let (c, b, a) =
        (term.find("/briefs/c/").unwrap(), term.find("/briefs/b/").unwrap(), term.find("/briefs/a/").unwrap());
    assert!(c < b && b < a, "newest first: {term}");
    assert!(site.exists("actors/usfk/index.html"));
    assert!(site.main_of("actors/index.html").contains("USFK"));
    // every brief page links its terms
    assert!(site.main_of("briefs/a/index.html").contains(r#"href="/topics/opcon-transfer/""#));
}

#[test]
fn term_pages_are_paginated() {
    let mut test = SiteTest::new().config("paginate_by: 2\n");
    for i in 1..=5 {
        test = test
            .brief(&format!("briefs/b{i}.md"), &brief(&format!("B{i}"), &format!("2025-01-0{i}"), "topics: [SCM]\n"));
    }
    let site = test.build_ok();
    let first = site.main_of("topics/scm/index.html");
    assert!(
        first.contains("/briefs/b5/") && first.contains("/briefs/b4/") && !first.contains("/briefs/b3/"),
        "{first}"
    );
    assert!(first.contains(r#"href="/topics/scm/page/2/""#), "{first}");
    let third = site.main_of("topics/scm/page/3/index.html");
    assert!(third.contains("/briefs/b1/") && !third.contains("/briefs/b2/"), "{third}");
    assert!(!site.exists("topics/scm/page/4/index.html"));
    assert!(site.exists("briefs/page/3/index.html"));
}

#[test]
fn every_page_of_a_list_links_to_all_its_pages() {
    // `page.pager.pages` is made once per list and shared by its pages: each must still show
    // every page, with the current one known from `page.pager.current`.
    let mut test = SiteTest::new().config("paginate_by: 2\n").file(
        "themes/default/templates/section.html",
        "{% extends \"base.html\" %}{% block main %}<ol class=\"pages\">{% for p in page.pager.pages %}\
         <li><a href=\"{{ p.url }}\"{% if p.title == page.pager.current | str %} aria-current=\"page\"{% endif %}>\
         {{ p.title }}</a></li>{% endfor %}</ol>{% endblock main %}",
    );
    for i in 1..=5 {
        test = test.brief(&format!("briefs/b{i}.md"), &brief(&format!("B{i}"), &format!("2025-01-0{i}"), ""));
    }
    let site = test.build_ok();
    for (path, current) in
        [("briefs/index.html", "1"), ("briefs/page/2/index.html", "2"), ("briefs/page/3/index.html", "3")]
    {
        let main = site.main_of(path);
        for link in [r#"href="/briefs/""#, r#"href="/briefs/page/2/""#, r#"href="/briefs/page/3/""#] {
            assert!(main.contains(link), "{path}: {main}");
        }
        assert!(main.contains(&format!(r#"aria-current="page">{current}</a>"#)), "{path}: {main}");
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let files = |t: SiteTest| {
        t.brief("briefs/done.md", &brief("Done", "2025-01-01", "topics: [SCM]\n"))
            .brief("briefs/wip.md", &brief("Work in progress", "2025-01-02", "draft: true\ntopics: [Drafting]\n"))
    };
    let site = files(SiteTest::new()).build_ok();
    assert!(!site.exists("briefs/wip/index.html"));
    assert!(!site.exists("topics/drafting/index.html"));
    assert!(!site.read("briefs/index.html").contains("Work in progress"));
    let site = files(SiteTest::new().arg("--drafts")).build_ok();
    assert!(site.exists("briefs/wip/index.html"));
    assert!(site.exists("topics/drafting/index.html"));
}

#[test]
fn a_site_template_overrides_the_embedded_one_file_by_file() {
    let site = SiteTest::new()
        .brief("briefs/a.md", &brief("A", "2025-01-01", ""))
        .file(
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}<p class=\"custom\">{{ page.title }}</p>{% endblock main %}",
        )
        .file("themes/default/static/extra.css", "p { color: red }")
        .build_ok();
    let page = site.read("briefs/a/index.html");
    assert!(page.contains(r#"<p class="custom">A</p>"#), "{page}");
    assert!(page.contains("<header class=\"site-header\""), "base.html still embedded: {page}");
    assert!(site.exists("static/extra.css"));
    assert!(site.exists("static/style.css"));
}

#[test]
fn korean_terms_and_file_names_get_working_pages() {
    // The file name is written decomposed, as macOS hands it over.
    let decomposed = "\u{1103}\u{1169}\u{11bc}\u{1106}\u{1162}\u{11bc}";
    let site = SiteTest::new()
        .brief(&format!("briefs/{decomposed}.md"), &brief("동맹", "2025-01-01", "topics: [전시작전통제권]\n"))
        .build_ok();
    assert!(site.exists("topics/전시작전통제권/index.html"));
    assert!(site.exists("briefs/동맹/index.html"));
    assert!(site.main_of("topics/index.html").contains(r#"href="/topics/전시작전통제권/""#));
    assert!(broken_internal_links(&site.root.join("output"), "/").is_empty());
}

#[test]
fn crlf_and_bom_files_parse() {
    let site = SiteTest::new()
        .brief(
            "briefs/win.md",
            "\u{feff}---\r\ntitle: Windows\r\ndate: 2025-01-01\r\ntopics: [SCM]\r\n---\r\n## Head\r\n\r\nText.\r\n",
        )
        .build_ok();
    let page = site.main_of("briefs/win/index.html");
    assert!(page.contains("<h1>Windows</h1>"), "{page}");
    assert!(page.contains(r#"<h2 id="head">Head</h2>"#), "{page}");
    assert!(site.exists("topics/scm/index.html"));
}

#[test]
fn a_site_without_site_yaml_builds_with_defaults() {
    let site = SiteTest::new().brief("a.md", &brief("A", "2025-01-01", "topics: [X]\nactors: [Y]\n")).build_ok();
    assert!(site.exists("index.html"));
    assert!(site.exists("a/index.html"));
    assert!(site.exists("topics/x/index.html"));
    assert!(site.exists("actors/y/index.html"));
    assert!(site.read("index.html").contains("<html lang=\"en\">"));
}

#[test]
fn assets_and_static_are_copied_and_relative_images_rewritten() {
    let site = SiteTest::new()
        .brief("briefs/x.md", "---\ntitle: X\n---\n![Map of the DMZ](map.png) and [the PDF](docs/plan.pdf).\n")
        .file("content/briefs/map.png", "PNG")
        .file("content/briefs/docs/plan.pdf", "PDF")
        .file("content/briefs/.hidden.png", "no")
        .file("content/briefs/x.md~", "no")
        .file("static/CNAME", "example.org")
        .file("static/.nojekyll", "")
        .arg("--base-url")
        .arg("https://example.org/policy/")
        .build_ok();
    assert_eq!(std::fs::read_to_string(site.path("briefs/map.png")).unwrap(), "PNG");
    assert!(site.exists("briefs/docs/plan.pdf"));
    assert!(!site.exists("briefs/.hidden.png"));
    assert!(site.exists("CNAME") && site.exists(".nojekyll"));
    let page = site.main_of("briefs/x/index.html");
    assert!(page.contains(r#"<img src="/policy/briefs/map.png" alt="Map of the DMZ""#), "{page}");
    assert!(page.contains(r#"<a href="/policy/briefs/docs/plan.pdf">"#), "{page}");
}

#[test]
fn aliases_get_redirect_pages() {
    let site =
        SiteTest::new().brief("briefs/new.md", &brief("New", "2025-01-01", "aliases: [/old/name/]\n")).build_ok();
    let redirect = site.read("old/name/index.html");
    assert!(redirect.contains(r#"<meta http-equiv="refresh" content="0; url=/briefs/new/">"#), "{redirect}");
}

#[test]
fn toc_word_count_and_summary_reach_the_page() {
    let body = "First paragraph is the summary.\n\n## One\n\nText here.\n\n### Two\n\nMore.\n";
    let site = SiteTest::new().brief("a.md", &format!("---\ntitle: A\n---\n{body}")).build_ok();
    let page = site.read("a/index.html");
    assert!(page.contains(r##"<a href="#one">One</a>"##), "{page}");
    assert!(page.contains(r##"<a href="#two">Two</a>"##), "{page}");
    assert!(page.contains(r#"<p class="lede">First paragraph is the summary.</p>"#), "{page}");
    assert!(page.contains("1 min read"), "{page}");
}

#[test]
fn front_matter_values_are_escaped() {
    let site = SiteTest::new()
        .brief("a.md", "---\ntitle: \"<script>alert(1)</script>\"\nsummary: \"a & b\"\n---\nText <b>bold</b>.\n")
        .build_ok();
    let page = site.read("a/index.html");
    assert!(!page.contains("<script>alert(1)</script>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt;"), "raw HTML is escaped by default: {page}");
}

#[test]
fn every_internal_link_resolves_at_the_root_and_under_a_subpath() {
    for (base, path) in [(None, "/"), (Some("https://example.org/policy/"), "/policy/")] {
        let mut test = SiteTest::new()
            .brief("_index.md", "---\ntitle: Home\n---\nSee [[a]].\n")
            .brief("briefs/_index.md", "---\ntitle: Briefs\n---\n")
            .brief("briefs/a.md", "---\ntitle: A\ndate: 2025-01-01\ntopics: [OPCON, 확장억제]\nactors: [USFK]\naliases: [/old/a/]\n---\n## x\n")
            .brief("briefs/b.md", "---\ntitle: B\ndate: 2025-02-01\ntopics: [OPCON]\n---\n## Part\n\nSee [[a]], [A](a.md#x) and [[b#part]].\n\n## x\n")
            .brief("background/c.md", "---\ntitle: C\ntopics: [OPCON]\n---\n![d](d.svg) [B](../briefs/b.md)\n")
            .file("content/background/d.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
            .config("paginate_by: 1\n");
        if let Some(base) = base {
            test = test.arg("--base-url").arg(base);
        }
        let site = test.build_ok();
        let broken = broken_internal_links(&site.root.join("output"), path);
        assert!(broken.is_empty(), "base {path}: {broken:#?}");
    }
}

#[test]
fn example_site_builds_and_has_no_broken_links() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["build", "--base-url", "https://example.org/policy/", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let broken = broken_internal_links(&output, "/policy/");
    assert!(broken.is_empty(), "{broken:#?}");
    // every brief has its page
    for entry in walkdir_md(&root.join("content")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        // Introductions, and Korean versions (under `ko/`, some with a Hangul slug: below).
        if name.starts_with("_index") || name.ends_with(".ko.md") || text.contains("draft: true") {
            continue;
        }
        let rel = entry.strip_prefix(root.join("content")).unwrap().with_extension("");
        assert!(output.join(&rel).join("index.html").is_file(), "no page for {}", rel.display());
    }
    assert!(output.join("topics/index.html").is_file() && output.join("actors/index.html").is_file());
    // The Korean site: its home, and a page for each Korean version.
    let korean = walkdir_md(&root.join("content")).iter().filter(|p| p.to_string_lossy().ends_with(".ko.md")).count();
    let pages = crate::support::files_under(&output.join("ko/briefs"));
    let pages = pages.iter().filter(|p| p.ends_with("/index.html") && p.matches('/').count() == 1).count();
    assert!(korean >= 5 && pages >= 4, "{korean} Korean files, {pages} pages under ko/briefs");
    assert!(output.join("ko/index.html").is_file() && output.join("ko/topics/opcon-transfer/index.html").is_file());
}

fn walkdir_md(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    crate::support::files_under(dir).into_iter().filter(|p| p.ends_with(".md")).map(|p| dir.join(p)).collect()
}
