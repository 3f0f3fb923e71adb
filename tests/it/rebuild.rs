//! A build into an output folder that holds an earlier build renders only what changed, and still
//! writes exactly what a fresh build writes: for every kind of change.

use std::collections::BTreeMap;
use std::path::Path;

use briefing::build::{self, BuildOptions, Mode, Project};

use crate::support::{files_under, SiteTest};

fn brief(title: &str, date: &str, topics: &str, summary: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\ntopics: [{topics}]\nsummary: {summary}\n---\n{body}\n")
}

fn site() -> SiteTest {
    SiteTest::new()
        .config("title: Site\nbase_url: https://example.org/\npaginate_by: 2\n")
        .brief("briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON, SCM", "First.", "See [[b]].\n\n## Part"))
        .brief("briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "Second.", "See [[a#part]]."))
        .brief("briefs/c.md", &brief("Gamma", "2025-01-03", "SCM", "Third.", "Text."))
        .brief("background/d.md", &brief("Delta", "2024-06-01", "USFK", "Fourth.", "Text."))
}

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

/// Builds the site as it is now into a fresh folder and compares it with `output`.
fn assert_equals_fresh_build(test: &SiteTest, output: &Path, what: &str) {
    let fresh = tempfile::tempdir().unwrap();
    let run = test.run_with_output(&fresh.path().join("out"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (rebuilt, fresh) = (contents(output), contents(&fresh.path().join("out")));
    assert_eq!(rebuilt.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>(), "after {what}: the same files");
    for (file, bytes) in &fresh {
        assert!(rebuilt[file] == *bytes, "after {what}: {file} differs from a fresh build");
    }
}

#[test]
fn every_kind_of_change_rebuilds_to_what_a_fresh_build_writes() {
    let test = site();
    let output = test.root().join("output");
    assert_eq!(test.run("build").code, 0);
    type Change = Box<dyn Fn(SiteTest) -> SiteTest>;
    let changes: Vec<(&str, Change)> = vec![
        ("a body", Box::new(|t| t.brief("briefs/c.md", &brief("Gamma", "2025-01-03", "SCM", "Third.", "New text.")))),
        (
            "a title",
            Box::new(|t| t.brief("briefs/b.md", &brief("Beta 2", "2025-01-02", "OPCON", "Second.", "See [[a#part]]."))),
        ),
        (
            "a summary",
            Box::new(|t| {
                t.brief("briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON, SCM", "Lede.", "See [[b]].\n\n## Part"))
            }),
        ),
        (
            "terms",
            Box::new(|t| t.brief("briefs/c.md", &brief("Gamma", "2025-01-03", "SCM, USFK", "Third.", "New text."))),
        ),
        ("a date", Box::new(|t| t.brief("background/d.md", &brief("Delta", "2026-01-01", "USFK", "Fourth.", "Text.")))),
        (
            "a heading",
            Box::new(|t| {
                t.brief("briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON, SCM", "Lede.", "See [[b]].\n\n## Other"))
            }),
        ),
        (
            "a template",
            Box::new(|t| {
                t.file(
                    "themes/default/templates/taxonomy_term.html",
                    "{% extends \"base.html\" %}{% block main %}<h1>Term {{ page.label }}</h1>{% endblock main %}",
                )
            }),
        ),
        (
            "site.yaml",
            Box::new(|t| t.config("title: Renamed\nbase_url: https://example.org/policy/\npaginate_by: 1\n")),
        ),
    ];
    let mut test = test;
    for (what, change) in changes {
        test = change(test);
        let run = test.run("build");
        // A heading a link points at is gone: that is an error, and the output stays as it was.
        if what == "a heading" {
            assert_eq!(run.code, 1, "{}", run.stderr);
            test = test.brief("briefs/b.md", &brief("Beta 2", "2025-01-02", "OPCON", "Second.", "See [[a#other]]."));
            assert_eq!(test.run("build").code, 0);
        } else {
            assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        }
        assert_equals_fresh_build(&test, &output, what);
    }
}

#[test]
fn an_unchanged_site_renders_nothing_and_writes_nothing() {
    let test = site();
    assert_eq!(test.run("build").code, 0);
    let run = test.run("build");
    assert!(run.stderr.contains(": 0 files written"), "{}", run.stderr);
}

#[test]
fn a_new_build_identity_renders_every_page_again() {
    // Another binary (or theme or configuration) may write other bytes for the same content. A
    // page the last build wrote stays only while the identity is the same: here a page is
    // altered by hand, as an older binary would have written it.
    let test = site();
    let output = test.root().join("output");
    let options = BuildOptions { root: test.root().to_path_buf(), ..BuildOptions::default() };
    let mut project = Project::resolve(&options).unwrap();
    build::run(&project, Mode::Build).unwrap();
    let page = output.join("briefs/a/index.html");
    let written = std::fs::read_to_string(&page).unwrap();
    // Altered as the build left it: the same size and time of modification.
    let modified = std::fs::metadata(&page).unwrap().modified().unwrap();
    std::fs::write(&page, written.replace("<h1>Alpha</h1>", "<h1>Older</h1>")).unwrap();
    std::fs::File::options().write(true).open(&page).unwrap().set_modified(modified).unwrap();
    // The same identity trusts what it wrote.
    build::run(&project, Mode::Build).unwrap();
    assert!(std::fs::read_to_string(&page).unwrap().contains("<h1>Older</h1>"));
    // Another identity renders it again.
    project.identity ^= 1;
    build::run(&project, Mode::Build).unwrap();
    assert_eq!(std::fs::read_to_string(&page).unwrap(), written);
    assert_equals_fresh_build(&test, &output, "a new build identity");
}
