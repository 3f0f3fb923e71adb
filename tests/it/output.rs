//! The output folder: replaced only on success, unchanged files kept, dangerous folders refused,
//! nothing written outside it.

use crate::support::{files_under, SiteTest};
use std::time::Duration;

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let test = SiteTest::new().brief("a.md", "---\ntitle: A\ntopics: [X]\n---\nText.\n");
    assert_eq!(test.run("build").code, 0);
    let output = test.root().join("output");
    let before: Vec<(String, Vec<u8>)> =
        files_under(&output).into_iter().map(|p| (p.clone(), std::fs::read(output.join(&p)).unwrap())).collect();
    let test = test.brief("a.md", "---\ntitle: A\ndate: 2025-13-45\n---\n");
    let run = test.run("build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("was left unchanged"), "{}", run.stderr);
    let after: Vec<(String, Vec<u8>)> =
        files_under(&output).into_iter().map(|p| (p.clone(), std::fs::read(output.join(&p)).unwrap())).collect();
    assert_eq!(before, after);
}

#[test]
fn unchanged_files_keep_their_modification_time() {
    // In two sections, so that neither page shows the other (no previous/next links).
    let test =
        SiteTest::new().brief("x/a.md", "---\ntitle: A\n---\nText.\n").brief("y/b.md", "---\ntitle: B\n---\nText.\n");
    assert_eq!(test.run("build").code, 0);
    let page = test.root().join("output/x/a/index.html");
    let before = std::fs::metadata(&page).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let test = test.brief("y/b.md", "---\ntitle: B2\n---\nText.\n");
    let run = test.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::metadata(&page).unwrap().modified().unwrap(), before);
    assert!(std::fs::read_to_string(test.root().join("output/y/b/index.html")).unwrap().contains("B2"));
}

#[test]
fn a_foreign_non_empty_output_folder_is_refused() {
    let test = SiteTest::new().brief("a.md", "---\ntitle: A\n---\n").file("output/precious.txt", "mine");
    let run = test.run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not empty and was not created by briefing"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(test.root().join("output/precious.txt")).unwrap(), "mine");
}

#[test]
fn the_site_root_and_content_folder_are_refused_as_output() {
    let test = SiteTest::new().brief("a.md", "---\ntitle: A\n---\n");
    for output in [test.root().to_path_buf(), test.root().join("content"), test.root().join("content/sub")] {
        let run = test.run_with_output(&output);
        assert_eq!(run.code, 2, "{}: {}", output.display(), run.stderr);
        assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    }
    assert!(test.root().join("content/a.md").is_file());
}

#[test]
fn slugs_aliases_and_symlinks_cannot_escape_the_output_folder() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: Secret\n---\n").unwrap();
    let test = SiteTest::new()
        .brief("a.md", "---\ntitle: A\naliases: [\"/../../escaped/\", \"/old/ok/\"]\n---\n")
        .brief("b.md", "---\ntitle: B\nslug: \"../../x\"\n---\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, test.root().join("content/linked.md")).unwrap();
    let run = test.run("build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("bad-slug") && run.stderr.contains("bad-alias"), "{}", run.stderr);
    let parent = test.root().parent().unwrap();
    assert!(!parent.join("escaped").exists() && !parent.join("x").exists());
    // with the bad entries fixed, the symlink is still skipped (with a warning)
    let test = test.brief("a.md", "---\ntitle: A\n---\n").brief("b.md", "---\ntitle: B\n---\n");
    let run = test.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(!test.root().join("output/linked").exists());
    let all = files_under(test.root());
    assert!(all.iter().all(|p| !p.contains("escaped")), "{all:?}");
}

#[test]
fn check_writes_nothing_and_fails_on_errors() {
    let test = SiteTest::new().brief("a.md", "---\ntitle: A\n---\n[[nope]]\n");
    let run = test.run("check");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!test.root().join("output").exists());
    let test = test.brief("a.md", "---\ntitle: A\n---\nfine\n");
    let run = test.run("check");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("nothing written"), "{}", run.stderr);
    assert!(!test.root().join("output").exists());
}

#[test]
fn summary_line_counts_pages_in_the_singular_for_one() {
    let test = SiteTest::new().brief("a.md", "---\ntitle: A\ntopics: [X]\n---\n");
    let run = test.run("build");
    assert!(run.stderr.contains("built ") && run.stderr.contains("(1 brief, 1 term)"), "{}", run.stderr);
    // One new file of static/: one file written, nothing else.
    std::fs::create_dir_all(test.root().join("static")).unwrap();
    std::fs::write(test.root().join("static/CNAME"), "briefs.example.org\n").unwrap();
    let run = test.run("build");
    assert!(run.stderr.contains(": 1 file written, "), "{}", run.stderr);
}

#[test]
fn a_rebuild_removes_the_pages_of_removed_briefs_and_rewrites_nothing_unchanged() {
    let test =
        SiteTest::new().brief("x/a.md", "---\ntitle: A\ntopics: [Gone]\n---\n").brief("y/b.md", "---\ntitle: B\n---\n");
    assert_eq!(test.run("build").code, 0);
    let output = test.root().join("output");
    assert!(output.join("x/a/index.html").is_file() && output.join("topics/gone/index.html").is_file());
    let run = test.run("build");
    assert!(run.stderr.contains(" 0 files written"), "an unchanged site rewrites nothing: {}", run.stderr);
    std::fs::remove_file(test.root().join("content/x/a.md")).unwrap();
    let run = test.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!output.join("x/a").exists(), "the removed brief's page and folder are gone");
    assert!(!output.join("topics/gone").exists(), "and its term's pages");
    assert!(output.join("y/b/index.html").is_file());
    assert!(output.join(".briefing-output").is_file());
}

#[test]
fn a_rebuild_renders_again_every_page_whose_content_changed() {
    // The second build keeps the pages whose signature is unchanged; what changed must show.
    let test = SiteTest::new()
        .brief("x/a.md", "---\ntitle: Alpha\ntopics: [T]\n---\nText.\n")
        .brief("y/b.md", "---\ntitle: Beta\n---\nSee [[a]].\n");
    assert_eq!(test.run("build").code, 0);
    let output = test.root().join("output");
    let read = |p: &str| std::fs::read_to_string(output.join(p)).unwrap();
    let test = test.brief("x/a.md", "---\ntitle: Alpha two\ntopics: [T]\n---\nText, *edited*: [[b]].\n");
    assert_eq!(test.run("build").code, 0);
    assert!(read("y/b/index.html").contains(">Alpha two</a>"), "the linking page shows the new title");
    // A rebuild parses without writing bodies; the changed page writes its own when it renders.
    assert!(read("x/a/index.html").contains("<p>Text, <em>edited</em>: <a href=\"/y/b/\">Beta</a>.</p>"));
    assert!(read("topics/t/index.html").contains("Alpha two"), "the term page too");
    let test = test.file(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Lost</h1>{% endblock main %}",
    );
    assert_eq!(test.run("build").code, 0);
    assert!(read("404.html").contains("<h1>Lost</h1>"), "a template change renders again");
    let test = test.config("title: Renamed site\n");
    assert_eq!(test.run("build").code, 0);
    assert!(read("y/b/index.html").contains("Renamed site"), "a site.yaml change renders every page again");
}

#[test]
fn check_on_the_example_site_exits_0_and_writes_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("never");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["check", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!target.exists());
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "nothing beside it either");
}
