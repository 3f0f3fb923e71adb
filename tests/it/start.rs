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
        stderr(&out).contains("error: the current folder is not empty: it holds `notes.md`; nothing was written"),
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

#[test]
fn new_writes_a_draft_from_the_built_in_archetype_and_prints_its_path() {
    let (_dir, site) = new_site();
    let out =
        briefing(&site, &["new", "briefs/usfk-role", "--topics", "Getting started, Alliance", "--actors", "USFK"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "content/briefs/usfk-role.md\n");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.join("content/briefs/usfk-role.md")).unwrap();
    let today = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).date_naive();
    let dates: Vec<String> = [-1, 0, 1].iter().map(|d| (today + chrono::Duration::days(*d)).to_string()).collect();
    assert!(dates.iter().any(|d| text.contains(&format!("\ndate: {d}\n"))), "{text}");
    assert!(text.starts_with("---\ntitle: usfk role\n"), "{text}");
    assert!(text.contains("\ndraft: true\n"), "{text}");
    assert!(text.contains("\ntopics: [Getting started, Alliance]\nactors: [USFK]\nauthors: []\n"), "{text}");
    // A draft: left out of a build, shown with --drafts, with no warning either way.
    let out = briefing(&site, &["build", "--drafts"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(site.join("output/briefs/usfk-role/index.html").is_file());
}

#[test]
fn new_uses_the_sites_archetype() {
    let (_dir, site) = new_site();
    std::fs::create_dir(site.join("archetypes")).unwrap();
    std::fs::write(
        site.join("archetypes/brief.md"),
        "---\ntitle: {{ title | yaml }}\ndate: {{ date }}\ndraft: true\ntopics: {{ terms.topics | yaml }}\n\
         status: analysis\n---\n\n## Key judgements\n\nIn {{ section }}, named {{ name }}.\n",
    )
    .unwrap();
    let out = briefing(&site, &["new", "analysis/scm-57", "--title", "The 57th SCM: what changed", "--topics", "SCM"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.join("content/analysis/scm-57.md")).unwrap();
    assert!(text.starts_with("---\ntitle: \"The 57th SCM: what changed\"\n"), "{text}");
    assert!(
        text.contains("\ntopics: [SCM]\nstatus: analysis\n---\n\n## Key judgements\n\nIn analysis, named scm-57.\n"),
        "{text}"
    );
    // A broken archetype is an error at its line, and nothing is written.
    std::fs::write(site.join("archetypes/brief.md"), "---\ntitle: {{ titel }}\n---\n").unwrap();
    let out = briefing(&site, &["new", "analysis/other"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("archetypes/brief.md:2:"), "{}", stderr(&out));
    assert!(!site.join("content/analysis/other.md").exists());
}

#[test]
fn new_never_overwrites() {
    let (_dir, site) = new_site();
    let before = std::fs::read_to_string(site.join("content/briefs/welcome.md")).unwrap();
    for name in ["briefs/welcome", "briefs/Welcome", "content/briefs/welcome.md"] {
        let out = briefing(&site, &["new", name, "--title", "Other"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("content/briefs/welcome.md` already exists")
                || stderr(&out).contains("would clash with `content/briefs/welcome.md`"),
            "{}",
            stderr(&out)
        );
        assert_eq!(stdout(&out), "");
    }
    assert_eq!(std::fs::read_to_string(site.join("content/briefs/welcome.md")).unwrap(), before);
    // A name the build would ignore, or outside content/, is refused.
    for name in ["../escape", "briefs/.hidden", "briefs/"] {
        let out = briefing(&site, &["new", name]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
    }
}

#[test]
fn new_writes_hangul_names_composed() {
    let (_dir, site) = new_site();
    let decomposed: String = "briefs/주한미군-역할".nfd().collect();
    assert_ne!(decomposed, "briefs/주한미군-역할");
    let out = briefing(&site, &["new", &decomposed]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "content/briefs/주한미군-역할.md\n");
    let names: Vec<String> = std::fs::read_dir(site.join("content/briefs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.contains(&"주한미군-역할.md".to_string()), "{names:?}");
    let text = std::fs::read_to_string(site.join("content/briefs/주한미군-역할.md")).unwrap();
    assert!(text.starts_with("---\ntitle: 주한미군 역할\n"), "{text}");
    // The composed spelling given again is the same file.
    let out = briefing(&site, &["new", "briefs/주한미군-역할"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn new_suggests_a_close_existing_term() {
    let (_dir, site) = new_site();
    let out = briefing(&site, &["new", "briefs/next", "--topics", "Getting startd,Extended deterrence"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("warning[term-variant]: the topics term `Getting startd` is used by no brief yet"), "{err}");
    assert!(err.contains("content/briefs/next.md:6:10"), "{err}");
    assert!(err.contains("help: did you mean `Getting started`?"), "{err}");
    assert!(!err.contains("term `Extended deterrence`"), "a new term far from the others is meant: {err}");
    // A taxonomy the site does not have is refused.
    let out = briefing(&site, &["new", "briefs/other", "--actors", "USFK"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(site.join("site.yaml"), "taxonomies: [topics]\n").unwrap();
    let out = briefing(&site, &["new", "briefs/third", "--actors", "USFK"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("the site has no taxonomy `actors`"), "{}", stderr(&out));
}

#[test]
fn new_open_runs_the_editor_on_the_file() {
    let (_dir, site) = new_site();
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["new", "briefs/opened", "--open"])
        .current_dir(&site)
        .env_remove("VISUAL")
        .env("EDITOR", "touch -c")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = briefing(&site, &["new", "briefs/unopened", "--open"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("neither $VISUAL nor $EDITOR is set"), "{}", stderr(&out));
    assert!(site.join("content/briefs/unopened.md").is_file(), "written all the same");
}
