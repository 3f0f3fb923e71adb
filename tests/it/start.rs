//! Starting a site: `briefing init` and `briefing new`.

use std::path::Path;
use std::process::{Command, Output};

use unicode_normalization::UnicodeNormalization;

use crate::support::files_under;

fn briefing(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .current_dir(dir)
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new site made by `init` in a fresh folder: the folder and its site.
fn new_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = briefing(dir.path(), &["init", "site", "--title", "Alliance: briefs"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let site = dir.path().join("site");
    (dir, site)
}

#[test]
fn init_makes_a_site_that_builds_with_no_warning() {
    let (_dir, site) = new_site();
    let files = files_under(&site);
    for file in
        ["site.yaml", "content/_index.md", "content/briefs/welcome.md", ".gitignore", ".github/workflows/pages.yml"]
    {
        assert!(files.contains(file), "{file} missing: {files:?}");
    }
    // `init` checked it, and says what to run next.
    let out = briefing(&site, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("warning") && !err.contains("note"), "{err}");
    assert!(err.starts_with("built 9 pages (1 brief, 1 term)"), "{err}");
    let home = std::fs::read_to_string(site.join("output/index.html")).unwrap();
    assert!(home.contains("Alliance: briefs"), "{home}");
    // The example's wikilink and topic resolve.
    let brief = std::fs::read_to_string(site.join("output/briefs/welcome/index.html")).unwrap();
    assert!(brief.contains(r##"href="/briefs/welcome/#topics""##), "{brief}");
    assert!(site.join("output/topics/getting-started/index.html").is_file());
    // What the build writes beside the sources is ignored by git.
    let ignored = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(ignored.contains("/output/") && ignored.contains("/.output.briefing-*"), "{ignored}");
    assert!(site.join(".output.briefing-signatures").is_file());
    // And with every option and a build that checks as CI does.
    let out = briefing(&site, &["check", "--base-url", "https://example.org/briefs/"]);
    assert_eq!(stderr(&out).matches("warning").count(), 0, "{}", stderr(&out));
}

#[test]
fn init_prints_the_files_and_the_next_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = briefing(dir.path(), &["init", "new site", "--language", "ko", "--base-url", "https://u.github.io/r/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("made a new site in 'new site':\n  site.yaml\n"), "{text}");
    assert!(text.contains("cd 'new site'\n") && text.contains("briefing watch --open"), "{text}");
    assert!(stderr(&out).starts_with("checked 9 pages"), "{}", stderr(&out));
    let yaml = std::fs::read_to_string(dir.path().join("new site/site.yaml")).unwrap();
    assert!(yaml.contains("\nlanguage: ko\n") && yaml.contains("\nbase_url: https://u.github.io/r/\n"), "{yaml}");
    assert!(yaml.contains("\ntitle: New site\n"), "the folder's name is the default title:\n{yaml}");
}

#[test]
fn init_in_the_current_folder_accepts_hidden_files_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "/notes\n").unwrap();
    let out = briefing(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("made a new site in the current folder:"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("cd "), "{}", stdout(&out));
    let ignored = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(ignored.starts_with("/notes\n") && ignored.contains("/output/\n"), "{ignored}");
}

#[test]
fn init_refuses_a_folder_that_holds_files_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "mine").unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let before = files_under(dir.path());
    let out = briefing(dir.path(), &["init", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: `.` is not empty: it holds `notes.md`; nothing was written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(files_under(dir.path()), before);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    // A bad option is refused before anything is written too.
    let out = briefing(dir.path(), &["init", "fresh", "--language", "Korean"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!dir.path().join("fresh").exists());
}
