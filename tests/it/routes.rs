//! The route table: every file the site writes has one owner. Two owners of one path (compared
//! decoded, NFC and case-insensitively, as static hosts do) are an error naming both, found
//! before anything is written.

use crate::support::{files_under, SiteTest};

fn brief(title: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\n{extra}---\nText.\n")
}

/// Builds, expecting exit 1 and these texts in the messages.
fn clash(test: SiteTest, expected: &[&str]) {
    let run = test.build_err();
    assert!(run.stderr.contains("error[duplicate-url]"), "{}", run.stderr);
    for text in expected {
        assert!(run.stderr.contains(text), "missing `{text}` in:\n{}", run.stderr);
    }
}

#[test]
fn a_term_spelt_like_a_folder_clashes_with_its_section() {
    // `content/search/` is a section at `/search/`, where the search page is.
    let test = SiteTest::new().brief("search/x.md", &brief("X brief", "")).brief("briefs/a.md", &brief("A", ""));
    clash(test, &["the folder `content/search` and the search page both map to the URL `/search/`", "help:"]);
}

#[test]
fn an_alias_equal_to_another_brief_s_url_is_an_error_at_the_alias() {
    let test = SiteTest::new()
        .brief("briefs/a.md", &brief("A", ""))
        .brief("briefs/b.md", &brief("B", "aliases: [/briefs/a/]\n"));
    clash(test, &["the alias `/briefs/a/` of `content/briefs/b.md`", "`/briefs/a/`", "content/briefs/b.md:3:"]);
}

#[test]
fn an_alias_equal_to_a_generated_page_is_an_error() {
    for (alias, owner) in [("/search/", "the search page"), ("/topics/x/", "the topics term `x`"), ("/", "")] {
        let test = SiteTest::new().brief("a.md", &brief("A", &format!("topics: [x]\naliases: [\"{alias}\"]\n")));
        let run = test.build_err();
        if alias == "/" {
            assert!(run.stderr.contains("error[bad-alias]"), "{alias}: {}", run.stderr);
        } else {
            assert!(
                run.stderr.contains("error[duplicate-url]") && run.stderr.contains(owner),
                "{alias}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn an_alias_equal_to_its_own_brief_s_url_is_ignored() {
    let run =
        SiteTest::new().brief("briefs/a.md", &brief("A", "aliases: [/briefs/a/, /Briefs/A/index.html]\n")).build_ok();
    assert!(run.read("briefs/a/index.html").contains("<h1>A</h1>"), "the brief's page, not a redirect");
}

#[test]
fn a_brief_named_page_2_clashes_with_the_second_page_of_its_section() {
    let test = SiteTest::new()
        .config("paginate_by: 1\n")
        .brief("briefs/a.md", &brief("A", "date: 2025-01-01\n"))
        .brief("briefs/b.md", &brief("B", "date: 2025-01-02\n"))
        .brief("briefs/page/2.md", &brief("Two", "date: 2025-01-03\n"));
    clash(test, &["page 2 of the folder `content/briefs`", "`content/briefs/page/2.md`", "`/briefs/page/2/`"]);
}

#[test]
fn folders_that_make_the_same_url_clash() {
    let test = SiteTest::new().brief("Foo Bar/a.md", &brief("A", "")).brief("foo-bar/b.md", &brief("B", ""));
    clash(test, &["the folder `content/Foo Bar`", "the folder `content/foo-bar`", "`/foo-bar/`"]);
}

#[test]
fn paths_compare_as_hosts_compare_them() {
    // Case: macOS and Windows file systems fold it.
    let test = SiteTest::new().brief("a.md", &brief("A", "")).file("content/Map.png", "x").file("content/map.png", "y");
    clash(test, &["the file `content/Map.png`", "the file `content/map.png`"]);
    // Percent-encoding: an alias is the path a server decodes it to.
    let test = SiteTest::new()
        .brief("briefs/전.md", &brief("A", ""))
        .brief("b.md", &brief("B", "aliases: [/briefs/%EC%A0%84/]\n"));
    clash(test, &["`content/briefs/전.md`", "the alias `/briefs/%EC%A0%84/`", "`/briefs/전/`"]);
}

#[test]
fn a_content_file_at_a_generated_path_is_an_error() {
    let test = SiteTest::new().brief("a.md", &brief("A", "")).file("content/graph.json", "{}");
    clash(test, &["the file `content/graph.json`", "the link graph `graph.json`"]);
    let test = SiteTest::new().brief("a.md", &brief("A", "")).file("content/search/order.json", "[]");
    clash(test, &["the file `content/search/order.json`", "the search index's order", "`/search/order.json`"]);
    // A file where the build needs a folder.
    let test = SiteTest::new().brief("briefs/a.md", &brief("A", "")).file("static/briefs", "not a folder");
    let run = test.build_err();
    assert!(run.stderr.contains("a folder that `content/briefs/a.md` needs"), "{}", run.stderr);
}

#[test]
fn a_static_file_replaces_the_generated_file_at_its_path() {
    let run = SiteTest::new()
        .brief("a.md", &brief("A", ""))
        .file("static/index.html", "<!doctype html><title>Custom home</title>")
        .file("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n")
        .build_ok();
    assert_eq!(run.read("index.html"), "<!doctype html><title>Custom home</title>");
    assert_eq!(run.read("robots.txt"), "User-agent: *\nDisallow: /drafts/\n");
    assert!(!run.stderr.contains("static/"), "documented precedence, not a problem: {}", run.stderr);
}

#[test]
fn a_clash_writes_nothing_and_the_next_good_build_works() {
    let test = SiteTest::new().brief("briefs/a.md", &brief("A", ""));
    assert_eq!(test.run("build").code, 0);
    let output = test.root().join("output");
    let before: Vec<(String, Vec<u8>)> =
        files_under(&output).into_iter().map(|f| (f.clone(), std::fs::read(output.join(&f)).unwrap())).collect();
    let test = test.brief("briefs/b.md", &brief("B", "slug: a\n"));
    assert_eq!(test.run("build").code, 1);
    let after: Vec<(String, Vec<u8>)> =
        files_under(&output).into_iter().map(|f| (f.clone(), std::fs::read(output.join(&f)).unwrap())).collect();
    assert_eq!(before, after, "the output was left byte for byte as it was");
    let test = test.brief("briefs/b.md", &brief("B", "slug: b2\n"));
    let run = test.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(output.join("briefs/b2/index.html").is_file());
}
