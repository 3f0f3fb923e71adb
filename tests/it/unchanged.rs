//! A `build` with nothing changed since the last one ends after comparing its inputs and output
//! with the last build's record (`src/unchanged.rs`), shows that build's messages again, and
//! otherwise builds as usual: every change to an input, an option or the output is noticed.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{files_under, Run, SiteTest};

const SKIPPED: &str = "nothing changed since the last build";

fn site() -> SiteTest {
    SiteTest::new()
        .config("title: Site\nbase_url: https://example.org/\n")
        .brief("briefs/a.md", "---\ntitle: Alpha\ndate: 2025-01-01\ntopics: [OPCON]\n---\nSee [[b]].\n")
        .brief("briefs/b.md", "---\ntitle: Beta\ndate: 2025-01-02\ntopics: [OPCON, SCM]\n---\nText.\n")
        .file("static/robots-extra.txt", "hello\n")
}

/// `build -v`, trusting inputs however young (the tests write them just before): `racy` keeps
/// the real guard.
fn build(test: &SiteTest, racy: bool, extra: &[&str]) -> Run {
    let mut command = test.command("build");
    command.arg("-v").args(extra);
    if !racy {
        command.env("BRIEFING_TEST_RACY_MS", "0");
    }
    let run = test.run_command(command);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

fn skipped(run: &Run) -> bool {
    run.stderr.contains(SKIPPED)
}

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

fn assert_equals_fresh_build(test: &SiteTest, what: &str) {
    let fresh = tempfile::tempdir().unwrap();
    let run = test.run_with_output(&fresh.path().join("out"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let output = test.root().join("output");
    assert!(contents(&output) == contents(&fresh.path().join("out")), "after {what}: not what a fresh build writes");
}

#[test]
fn a_second_build_with_nothing_changed_reads_nothing_and_says_the_same() {
    let test = site();
    let first = build(&test, false, &[]);
    assert!(!skipped(&first), "{}", first.stderr);
    let before = contents(&test.root().join("output"));
    let second = build(&test, false, &[]);
    assert!(skipped(&second), "{}", second.stderr);
    assert!(second.stderr.contains("0 files written"), "{}", second.stderr);
    let summary = |run: &Run| {
        run.stderr.lines().find(|l| l.starts_with("built ")).unwrap().split(" in ").next().unwrap().to_string()
    };
    assert_eq!(summary(&first), summary(&second), "the same pages, briefs and terms");
    assert!(contents(&test.root().join("output")) == before, "the output is left as it was");
}

#[test]
fn the_last_builds_warnings_are_shown_again() {
    let test = site().brief("briefs/c.md", "---\ntitle: Gamma\ndate: 2025-01-03\nreview_by: 2025-02-01\n---\nOld.\n");
    let first = build(&test, false, &[]);
    let second = build(&test, false, &[]);
    assert!(skipped(&second), "{}", second.stderr);
    let warnings = |run: &Run| {
        run.stderr
            .lines()
            .filter(|l| !l.starts_with("built ") && !l.starts_with("note:") && !l.starts_with("  "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert!(first.stderr.contains("warning"), "the fixture warns: {}", first.stderr);
    assert_eq!(warnings(&first), warnings(&second));
    assert!(second.stderr.contains(", 1 warning"), "{}", second.stderr);
    // Quiet prints no warning, as a full build does.
    let mut quiet = test.command("build");
    quiet.arg("-q").env("BRIEFING_TEST_RACY_MS", "0");
    let quiet = test.run_command(quiet);
    assert_eq!(quiet.code, 0);
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);
}

#[test]
fn every_change_to_an_input_builds_again() {
    let test = site();
    build(&test, false, &[]);
    type Change = Box<dyn Fn(&SiteTest)>;
    let write = |rel: &'static str, text: &'static str| -> Change {
        Box::new(move |t: &SiteTest| {
            let path = t.root().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap()
        })
    };
    let changes: Vec<(&str, Change)> = vec![
        (
            "a brief's body",
            write(
                "content/briefs/b.md",
                "---\ntitle: Beta\ndate: 2025-01-02\ntopics: [OPCON, SCM]\n---\nNew text here.\n",
            ),
        ),
        ("a new brief", write("content/briefs/c.md", "---\ntitle: Gamma\ndate: 2025-01-03\n---\nThird.\n")),
        ("a static file", write("static/robots-extra.txt", "hello again\n")),
        ("site.yaml", write("site.yaml", "title: Site two\nbase_url: https://example.org/\n")),
        (
            "a deleted brief",
            Box::new(|t: &SiteTest| std::fs::remove_file(t.root().join("content/briefs/c.md")).unwrap()),
        ),
        ("a new folder", write("content/notes/d.md", "---\ntitle: Delta\ndate: 2025-01-04\n---\nFourth.\n")),
    ];
    for (what, change) in changes {
        change(&test);
        let run = build(&test, false, &[]);
        assert!(!skipped(&run), "after {what}: {}", run.stderr);
        assert_equals_fresh_build(&test, what);
        assert!(skipped(&build(&test, false, &[])), "after {what}, then nothing");
    }
}

#[test]
fn a_file_rewritten_with_its_old_time_and_size_builds_again() {
    let test = site();
    build(&test, false, &[]);
    let path = test.root().join("content/briefs/b.md");
    let time = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Same length, other bytes, time put back: only the change time and inode tell.
    std::fs::write(&path, "---\ntitle: Bets\ndate: 2025-01-02\ntopics: [OPCON, SCM]\n---\nText.\n").unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(time).unwrap();
    let run = build(&test, false, &[]);
    assert!(!skipped(&run), "{}", run.stderr);
    assert!(std::fs::read_to_string(test.root().join("output/briefs/b/index.html")).unwrap().contains("Bets"));
}

#[test]
fn other_options_build_again() {
    let test = site();
    build(&test, false, &[]);
    let run = build(&test, false, &["--base-url", "https://example.com/policy/"]);
    assert!(!skipped(&run), "{}", run.stderr);
    assert!(skipped(&build(&test, false, &["--base-url", "https://example.com/policy/"])));
    let run = build(&test, false, &["--drafts"]);
    assert!(!skipped(&run), "{}", run.stderr);
}

#[test]
fn an_output_changed_by_hand_is_built_again() {
    let test = site();
    build(&test, false, &[]);
    let output = test.root().join("output");
    type Change = Box<dyn Fn(&Path)>;
    let changes: Vec<(&str, Change)> = vec![
        (
            "a page edited in place",
            Box::new(|o: &Path| std::fs::write(o.join("briefs/a/index.html"), "edited").unwrap()),
        ),
        ("a page deleted", Box::new(|o: &Path| std::fs::remove_file(o.join("briefs/b/index.html")).unwrap())),
        ("a stray file", Box::new(|o: &Path| std::fs::write(o.join("briefs/a/stray.txt"), "x").unwrap())),
        ("a stray folder", Box::new(|o: &Path| std::fs::create_dir(o.join("topics/stray")).unwrap())),
        // An empty folder the site does not own survives a build: a file put in it later.
        (
            "a file in a folder the site does not own",
            Box::new(|o: &Path| std::fs::write(o.join("topics/stray/x.txt"), "x").unwrap()),
        ),
        ("the output deleted", Box::new(|o: &Path| std::fs::remove_dir_all(o).unwrap())),
    ];
    for (what, change) in changes {
        change(&output);
        let run = build(&test, false, &[]);
        assert!(!skipped(&run), "after {what}: {}", run.stderr);
        assert_equals_fresh_build(&test, what);
    }
}

#[test]
fn inputs_younger_than_the_clock_can_tell_are_read_again() {
    // With the real guard, inputs written a moment ago are not trusted to show the next change.
    let test = site();
    build(&test, true, &[]);
    let run = build(&test, true, &[]);
    assert!(!skipped(&run), "{}", run.stderr);
}

#[test]
fn a_failed_build_leaves_no_record() {
    let test = site();
    build(&test, false, &[]);
    std::fs::write(test.root().join("content/briefs/b.md"), "---\ntitle: [broken\n---\n").unwrap();
    let mut failing = test.command("build");
    failing.env("BRIEFING_TEST_RACY_MS", "0");
    assert_eq!(test.run_command(failing).code, 1);
    std::fs::write(
        test.root().join("content/briefs/b.md"),
        "---\ntitle: Beta\ndate: 2025-01-02\ntopics: [OPCON, SCM]\n---\nText.\n",
    )
    .unwrap();
    let run = build(&test, false, &[]);
    assert!(!skipped(&run), "{}", run.stderr);
    assert_equals_fresh_build(&test, "a broken brief, mended");
}

#[test]
fn a_copied_file_rewritten_with_its_old_time_and_size_is_copied_again() {
    let test = site().file("content/briefs/chart.txt", "chart-v1\n");
    build(&test, false, &[]);
    let path = test.root().join("content/briefs/chart.txt");
    let time = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::write(&path, "chart-v2\n").unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(time).unwrap();
    build(&test, false, &[]);
    assert_eq!(std::fs::read_to_string(test.root().join("output/briefs/chart.txt")).unwrap(), "chart-v2\n");
}

#[test]
fn the_record_is_written_without_touching_other_files_beside_the_output() {
    let test = site();
    std::fs::write(test.root().join(".output.tmp"), "my notes").unwrap();
    build(&test, false, &[]);
    assert_eq!(std::fs::read_to_string(test.root().join(".output.tmp")).unwrap(), "my notes");
}
