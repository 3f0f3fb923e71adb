//! Bad input: each class gets its own clear error with file, line and column.

use crate::support::SiteTest;

#[test]
fn yaml_syntax_error_is_positioned_in_the_file() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\ntopics: [a, b\ndate: 2025-01-01\n---\n").build_err();
    assert!(run.stderr.contains("error[yaml]: the front-matter is not valid YAML"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:"), "{}", run.stderr);
}

#[test]
fn unclosed_front_matter() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\nbody\n").build_err();
    assert!(
        run.stderr.contains("error[front-matter]: the front-matter block opened here is never closed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/a.md:1:1"), "{}", run.stderr);
}

#[test]
fn wrong_type_map_instead_of_list() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\ntopics: {a: b}\n---\n").build_err();
    assert!(
        run.stderr.contains("error[wrong-type]: `topics` must be a list of terms or a single term, not a map"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/a.md:3:9"), "{}", run.stderr);
}

#[test]
fn impossible_date() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\ndate: 2025-13-45\n---\n").build_err();
    assert!(run.stderr.contains("error[bad-date]: `2025-13-45` is not a valid date"), "{}", run.stderr);
    // The help lists the forms that are accepted.
    assert!(run.stderr.contains("`2025-11-04 09:30`") && run.stderr.contains("Unix time"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:3:7"), "{}", run.stderr);
}

#[test]
fn draft_not_a_boolean() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\ndraft: maybe\n---\n").build_err();
    assert!(run.stderr.contains("error[wrong-type]: `draft` must be true or false, not `maybe`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:3:8"), "{}", run.stderr);
}

#[test]
fn not_utf8() {
    let test = SiteTest::new();
    std::fs::create_dir_all(test.root().join("content")).unwrap();
    std::fs::write(test.root().join("content/bin.md"), b"---\ntitle: \xff\xfe\n---\n").unwrap();
    let run = test.build_err();
    assert!(run.stderr.contains("error[not-utf8]: `content/bin.md` is not UTF-8 text"), "{}", run.stderr);
}

#[test]
fn two_pages_with_the_same_url() {
    let run = SiteTest::new()
        .brief("a.md", "---\ntitle: A\n---\n")
        .brief("b.md", "---\ntitle: B\nslug: a\n---\n")
        .build_err();
    assert!(run.stderr.contains("`content/b.md` and `content/a.md` both map to the URL `/a/`"), "{}", run.stderr);
}

#[test]
fn slug_with_a_slash_or_dots() {
    for slug in ["a/b", "..", "a\\\\b"] {
        let run = SiteTest::new().brief("a.md", &format!("---\ntitle: A\nslug: \"{slug}\"\n---\n")).build_err();
        assert!(run.stderr.contains("error[bad-slug]"), "{slug}: {}", run.stderr);
        assert!(run.stderr.contains("content/a.md:3:7"), "{}", run.stderr);
    }
}

#[test]
fn unknown_key_is_a_warning_with_a_suggestion() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\ntopcs: [x]\n---\n").build_ok();
    assert!(run.stderr.contains("warning[unknown-key]: unknown front-matter key `topcs` is ignored"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:3:1"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `topics`?"), "{}", run.stderr);
}

#[test]
fn template_syntax_error_names_the_template() {
    let run = SiteTest::new()
        .brief("a.md", "---\ntitle: A\n---\n")
        .file(
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}{{ page.title {% endblock main %}",
        )
        .build_err();
    assert!(run.stderr.contains("error[template]"), "{}", run.stderr);
    // The site's own template file, where `{{ page.title` should have been closed.
    assert!(run.stderr.contains("themes/default/templates/page.html:1:56"), "{}", run.stderr);
}

#[test]
fn template_render_error_names_the_template_and_the_page() {
    let run = SiteTest::new()
        .brief("a.md", "---\ntitle: A\n---\n")
        .file(
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field }}{% endblock main %}",
        )
        .build_err();
    assert!(run.stderr.contains("template `page.html` failed while rendering `content/a.md`"), "{}", run.stderr);
    assert!(run.stderr.contains("Field `no_such_field` is not defined"), "{}", run.stderr);
    assert!(run.stderr.contains("themes/default/templates/page.html:1:50"), "{}", run.stderr);
}

#[test]
fn missing_template_is_an_error() {
    let run = SiteTest::new()
        .brief("a.md", "---\ntitle: A\n---\n")
        .file("themes/default/templates/page.html", "{% include \"nope.html\" %}")
        .build_err();
    assert!(run.stderr.contains("nope.html"), "{}", run.stderr);
}

#[test]
fn bad_site_yaml_is_a_configuration_error() {
    let run = SiteTest::new().config("paginate_by: many\n").brief("a.md", "---\ntitle: A\n---\n").run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
}

#[test]
fn errors_in_several_files_are_all_reported_sorted() {
    let run = SiteTest::new()
        .brief("b.md", "---\ntitle: B\ndate: 2025-99-01\n---\n")
        .brief("a.md", "---\ndraft: 3\n---\n")
        .build_err();
    let a = run.stderr.find("content/a.md").unwrap();
    let b = run.stderr.find("content/b.md").unwrap();
    assert!(a < b, "{}", run.stderr);
    assert!(run.stderr.contains("2 errors in 2 files"), "{}", run.stderr);
}

#[test]
fn a_bad_flag_exits_2() {
    let run = SiteTest::new().arg("--no-such-flag").run("build");
    assert_eq!(run.code, 2);
}

#[test]
fn links_of_a_brief_with_bad_front_matter_are_still_checked() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\ndraft: maybe\n---\nSee [[nope]].\n").build_err();
    assert!(run.stderr.contains("error[wrong-type]"), "{}", run.stderr);
    assert!(run.stderr.contains("error[broken-link]: no brief is named `nope`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:5:5"), "{}", run.stderr);
}

#[test]
fn unsafe_urls_are_neutralised_and_raw_html_escaped_unless_allowed() {
    let body = "[click](javascript:alert(1)) ![x](data:image/svg+xml;base64,PHN2Zz4=) [ok](https://example.org)\n\n<script>alert(2)</script>\n\n<b onclick=\"x()\">b</b>\n";
    let site = SiteTest::new().brief("a.md", &format!("---\ntitle: A\n---\n{body}")).build_ok();
    let page = site.main_of("a/index.html");
    assert!(!page.contains("javascript:"), "{page}");
    assert!(!page.contains("data:image"), "{page}");
    assert!(page.contains(r#"<a href="https://example.org">ok</a>"#), "{page}");
    assert!(!page.contains("<script>alert(2)"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), "{page}");
    assert!(!page.contains("<b onclick"), "{page}");

    let trusted =
        SiteTest::new().config("raw_html: true\n").brief("a.md", &format!("---\ntitle: A\n---\n{body}")).build_ok();
    let page = trusted.main_of("a/index.html");
    assert!(page.contains("<b onclick=\"x()\">b</b>"), "raw HTML passes with raw_html: true: {page}");
}
