//! Hostile and broken input: script in headings and front-matter URLs, characters no page can
//! hold, names too long for a file system, a full disk, an unreadable file, a build killed in
//! the middle of its commit, two builds at once.

use std::path::Path;

use crate::support::{files_under, SiteTest};

fn brief(front: &str, body: &str) -> String {
    format!("---\ntitle: A\ndate: 2025-01-01\n{front}---\n{body}\n")
}

/// Every file of the output with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir).into_iter().map(|rel| (rel.clone(), std::fs::read(dir.join(&rel)).unwrap())).collect()
}

#[test]
fn heading_attributes_other_than_id_and_plain_classes_are_dropped() {
    let body = "## Hi {onfocus=alert(1) tabindex=0 autofocus}\n\n## Two {.x\" onclick=\"alert(1)}\n\n\
                ## Three {#own-id .note data-x=1}\n\nText.";
    let run = SiteTest::new().brief("a.md", &brief("", body)).build_ok();
    let page = run.main_of("a/index.html");
    let headings: Vec<&str> = page.split("<h2").skip(1).map(|h| &h[..h.find('>').unwrap()]).collect();
    for bad in ["onfocus", "onclick", "autofocus", "tabindex", "data-x", "x&quot;"] {
        assert!(!headings.iter().any(|h| h.contains(bad)), "`{bad}` reached a heading: {headings:?}");
    }
    assert!(page.contains(r#"<h2 id="hi">"#), "{page}");
    assert!(page.contains(r#"<h2 id="two">"#), "{page}");
    assert!(page.contains(r#"<h2 id="own-id" class="note">"#), "{page}");

    // With `raw_html: true` the author writes HTML anyway: attributes pass.
    let trusted = SiteTest::new().config("raw_html: true\n").brief("a.md", &brief("", body)).build_ok();
    assert!(trusted.main_of("a/index.html").contains(r#"onfocus="alert(1)""#));
}

#[test]
fn unsafe_urls_from_front_matter_and_links_are_written_as_hash_with_a_positioned_warning() {
    let front = "image: \"javascript:alert(1)\"\nsources:\n  - title: one\n    url: \"javascript:alert(1)\"\n  \
                 - title: two\n    url: \" JaVaScRiPt:alert(2)\"\n  - title: three\n    url: \"vbscript:x\"\n  \
                 - title: four\n    url: \"data:text/html,<script>alert(4)</script>\"\n  \
                 - title: fine\n    url: https://example.org/fine\n";
    let run = SiteTest::new()
        .config("base_url: https://example.org/\n")
        .brief("a.md", &brief(front, "A [link](JavaScript:alert(5)) here."))
        .arg("-v")
        .build_ok();
    for (line, column) in [(4, 9), (7, 11), (9, 12), (11, 11), (13, 11)] {
        assert!(
            run.stderr.contains(&format!("content/a.md:{line}:{column}")),
            "no warning at {line}:{column}\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("content/a.md:17:3"), "the body link is positioned: {}", run.stderr);
    assert_eq!(run.stderr.matches("warning[unsafe-url]").count(), 6, "{}", run.stderr);
    let page = run.read("a/index.html");
    assert!(page.contains(r#"href="https://example.org/fine""#), "{page}");
    assert!(!page.contains("og:image"), "an unsafe image is left out: {page}");
    for (rel, bytes) in tree(&run.root.join("output")) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for scheme in ["javascript:", "vbscript:", "data:text"] {
            assert!(!text.contains(scheme), "`{scheme}` in {rel}");
        }
    }
}

#[test]
fn characters_no_page_or_feed_can_hold_are_replaced_and_reported() {
    let front = "summary: \"Bad \\uFFFE summary\"\n";
    let body = "Body with a NUL: [\u{0}] and U+FFFF: [\u{ffff}] and an escape: [\u{1b}[2J].";
    let run = SiteTest::new()
        .config("base_url: https://example.org/\ntitle: \"Site \\uFFFF\"\n")
        .brief("a.md", &brief(front, body))
        .arg("-v")
        .build_ok();
    assert!(run.stderr.contains("warning[forbidden-character]: U+0000"), "{}", run.stderr);
    assert!(run.stderr.contains("(and 2 more in this file)"), "{}", run.stderr);
    assert!(run.stderr.contains("`summary` holds U+FFFE"), "{}", run.stderr);
    let forbidden = |c: char| {
        matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}') || (c as u32 & 0xfffe) == 0xfffe
    };
    for (rel, bytes) in tree(&run.root.join("output")) {
        if let Ok(text) = String::from_utf8(bytes) {
            assert!(!text.chars().any(forbidden), "{rel} holds a character XML forbids");
        }
    }
    assert!(run.main_of("a/index.html").contains("[\u{fffd}]"));
}

#[test]
fn long_slugs_and_terms_are_cut_with_a_hash_and_check_agrees_with_build() {
    let topic = "전".repeat(90);
    let slug = "s".repeat(300);
    let site = SiteTest::new().brief("briefs/a.md", &brief(&format!("topics: [\"{topic}\"]\nslug: {slug}\n"), "Text."));
    assert_eq!(site.run("check").code, 0);
    let run = site.build_ok();
    let dirs: Vec<String> =
        files_under(&run.root.join("output")).into_iter().filter(|f| f.ends_with("/index.html")).collect();
    let brief_dir = dirs.iter().find(|d| d.starts_with("briefs/sss")).expect("the brief's page");
    let name = brief_dir.split('/').nth(1).unwrap();
    assert!(name.len() <= 100 && name.starts_with(&"s".repeat(80)) && name.as_bytes()[80] == b'-', "{name}");
    let term_dir = dirs.iter().find(|d| d.starts_with("topics/전")).expect("the term's page");
    let name = term_dir.split('/').nth(1).unwrap();
    assert!(name.len() <= 100 && name.starts_with(&"전".repeat(26)), "{name}");
    // The same slug in every build: its URL does not move.
    let again = SiteTest::new()
        .brief("briefs/a.md", &brief(&format!("topics: [\"{topic}\"]\nslug: {slug}\n"), "Text."))
        .build_ok();
    assert!(again.exists(brief_dir) && again.exists(term_dir));
}

#[test]
fn check_fails_where_build_would_on_an_output_path_too_long() {
    // 31 nested folders of 99 bytes: each name is fine, the path is not.
    let folders: Vec<String> = (0..31).map(|i| format!("{i:02}{}", "f".repeat(97))).collect();
    let path = format!("{}/deep.md", folders.join("/"));
    let site = SiteTest::new().brief(&path, &brief("", "Text."));
    let check = site.run("check");
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stderr.contains("error[too-large]") && check.stderr.contains("bytes long"), "{}", check.stderr);
    let build = site.run("build");
    assert_eq!(build.code, 1, "{}", build.stderr);
}

#[cfg(unix)]
#[test]
fn a_full_disk_is_one_environment_error() {
    use std::os::unix::process::CommandExt;
    let mut site = SiteTest::new();
    for i in 0..40 {
        site = site.brief(&format!("b{i}.md"), &brief("", &"Words of a brief. ".repeat(200)));
    }
    // A file size limit makes every write past 2 KiB fail, as a full disk would.
    let mut command = site.command("build");
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit { rlim_cur: 2048, rlim_max: 2048 };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let run = site.run_command(command);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().filter(|l| l.starts_with("error")).count(), 1, "one message: {}", run.stderr);
    assert!(run.stderr.contains("File too large") || run.stderr.contains("too large"), "{}", run.stderr);
    assert!(!run.root.join("output/index.html").exists(), "nothing was committed");
}

#[cfg(unix)]
#[test]
fn an_unreadable_asset_is_named() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let site = SiteTest::new().brief("a.md", &brief("", "![map](map.png)")).file("content/map.png", "PNG");
    let asset = site.root().join("content/map.png");
    std::fs::set_permissions(&asset, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut command = site.command("build");
    // Root reads every file: run as nobody, in a site nobody may write.
    if unsafe { libc::geteuid() } == 0 {
        for entry in walk_all(site.root()) {
            if entry != asset {
                let mode = if entry.is_dir() { 0o777 } else { 0o666 };
                std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
        let mut dir = site.root().to_path_buf();
        while dir.pop() {
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            if mode & 0o001 == 0 {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode | 0o001)).unwrap();
            }
        }
        command.uid(65534).gid(65534);
    }
    let run = site.run_command(command);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("map.png"), "the asset is named: {}", run.stderr);
    assert!(run.stderr.contains("Permission denied"), "{}", run.stderr);
}

fn walk_all(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_all(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Site A, then site B built over A's output, killed after `k` steps of its commit, for every
/// `k`: the next build of B leaves what a fresh build of B leaves.
#[test]
fn a_build_killed_at_any_step_of_its_commit_is_completed_by_the_next() {
    let a = SiteTest::new()
        .brief("briefs/one.md", &brief("topics: [OPCON]\n", "One."))
        .brief("briefs/two.md", &brief("topics: [OPCON, USFK]\n", "Two."))
        .brief("briefs/gone.md", &brief("topics: [Gone]\n", "Gone."))
        .brief("notes/n.md", &brief("", "Note."));
    let b = SiteTest::new()
        .brief("briefs/one.md", &brief("topics: [OPCON]\n", "One, edited."))
        .brief("briefs/two.md", "---\ntitle: Two, renamed\ndate: 2025-02-01\ntopics: [USFK]\n---\nTwo.\n")
        .brief("briefs/new.md", &brief("topics: [New]\n", "New."))
        .brief("notes/n.md", &brief("", "Note."));
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference");
    assert_eq!(b.run_with_output(&reference).code, 0);
    let expected = tree(&reference);
    let mut completed = false;
    for k in 0..200 {
        let output = dir.path().join(format!("out{k}"));
        assert_eq!(a.run_with_output(&output).code, 0);
        let mut killed = b.command("build");
        killed.arg("--output").arg(&output).env("BRIEFING_TEST_KILL_COMMIT_AFTER", k.to_string());
        let run = b.run_command(killed);
        match run.code {
            137 => {}
            0 => completed = true,
            code => panic!("exit {code}: {}", run.stderr),
        }
        let next = b.run_with_output(&output);
        assert_eq!(next.code, 0, "{}", next.stderr);
        assert_eq!(tree(&output), expected, "killed after {k} steps");
        assert!(!output.join(".briefing-staging").exists());
        if completed {
            assert!(k > 5, "the commit has steps to stop at");
            break;
        }
    }
    assert!(completed, "the commit ended within 200 steps");
}

#[test]
fn files_are_staged_inside_the_output_so_renames_stay_on_one_file_system() {
    let site = SiteTest::new().brief("a.md", &brief("", "Text."));
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("site");
    let mut killed = site.command("build");
    killed.arg("--output").arg(&output).env("BRIEFING_TEST_KILL_COMMIT_AFTER", "0");
    assert_eq!(site.run_command(killed).code, 137);
    // Stopped mid-commit: the staged files sit inside the output folder (a volume mounted there
    // is one file system), and beside it only the lock and the record of signatures.
    assert!(output.join(".briefing-staging").is_dir());
    let beside: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    for name in &beside {
        assert!(name == "site" || name.starts_with(".site.briefing-"), "`{name}` beside the output");
    }
}

#[test]
fn a_second_build_into_a_locked_output_exits_2_naming_the_holder() {
    let site = SiteTest::new().brief("a.md", &brief("", "Text."));
    let output = site.root().join("output");
    let _held = briefing::output::Lock::acquire(&output).unwrap();
    let run = site.run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("process {}", std::process::id())), "{}", run.stderr);
}

#[test]
fn character_references_cannot_write_forbidden_characters_either() {
    let body =
        "First paragraph &#xFFFE; and &#xFFFF; and &#x1FFFE; and &#xFDD0; and &#1; end.\n\n## Heading &#xFFFF;\n";
    let run = SiteTest::new()
        .config("base_url: https://example.org/\nfeed_content: full\n")
        .brief("a.md", &brief("", body))
        .build_ok();
    let forbidden = |c: char| (c as u32 & 0xfffe) == 0xfffe || ('\u{fdd0}'..='\u{fdef}').contains(&c) || c < '\u{9}';
    for rel in ["atom.xml", "a/index.html", "search/index.json", "search/shards/0.json", "search/docs/0.json"] {
        assert!(!run.read(rel).chars().any(forbidden), "{rel}");
    }
}

#[test]
fn files_and_folders_whose_names_no_url_can_hold_are_skipped_with_a_warning() {
    let run = SiteTest::new()
        .brief("a.md", &brief("", "Text."))
        .file("content/dir\u{7f}/b.md", &brief("", "Hidden."))
        .file("content/x\u{fffe}.pdf", "PDF")
        .file("content/Icon\r", "")
        .arg("-v")
        .build_ok();
    assert_eq!(run.stderr.matches("warning[forbidden-character]").count(), 3, "{}", run.stderr);
    assert!(run.stderr.contains("content/dir\\u{7f}"), "shown escaped: {}", run.stderr);
    let files = files_under(&run.root.join("output"));
    assert!(!files.iter().any(|f| f.contains(['\u{7f}', '\u{fffe}', '\r'])), "{files:?}");
}

#[test]
fn an_alias_with_a_newline_is_refused_and_cannot_remove_other_pages() {
    let run = SiteTest::new().brief("x.md", &brief("aliases: [\"/q\\nindex.html\\nz/\"]\n", "Text.")).build_err();
    assert!(run.stderr.contains("error[bad-alias]"), "{}", run.stderr);
    // A file with a newline in its name, left in the output by someone else, is removed as
    // itself: the commit's journal does not read it as the paths `index.html` and `z/…`.
    let site = SiteTest::new().brief("x.md", &brief("", "Text."));
    let first = site.run("build");
    assert_eq!(first.code, 0, "{}", first.stderr);
    let output = site.root().join("output");
    std::fs::create_dir_all(output.join("q\nindex.html\nz")).unwrap();
    std::fs::write(output.join("q\nindex.html\nz/index.html"), "left over").unwrap();
    for _ in 0..2 {
        let again = site.run("build");
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert!(output.join("index.html").is_file(), "the home page is still there");
        assert!(!output.join("q\nindex.html\nz/index.html").exists(), "the stray file is removed");
    }
}

#[test]
fn check_counts_the_output_folder_s_own_path() {
    // 20 nested folders of 99 bytes (about 2,000 bytes of path) fit in a short output folder,
    // not in one whose own path is 2,500 bytes long.
    let folders: Vec<String> = (0..20).map(|i| format!("{i:02}{}", "f".repeat(97))).collect();
    let site = SiteTest::new().brief(&format!("{}/deep.md", folders.join("/")), &brief("", "Text."));
    assert_eq!(site.run("check").code, 0);
    let long: std::path::PathBuf = (0..25).map(|i| format!("{i:02}{}", "o".repeat(97))).collect();
    let output = site.root().join(long);
    let mut check = site.command("check");
    check.arg("--output").arg(&output);
    let run = site.run_command(check);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("that fit in the output folder"), "{}", run.stderr);
}

/// Problems are reported in time proportional to their number: 20,000 unknown keys or broken
/// links in one file take about four times what 5,000 take (they took 16 times as long when
/// each diagnostic scanned its file, or each key was looked up in a list).
#[test]
fn many_problems_in_one_file_are_reported_in_linear_time() {
    let time = |n: usize, broken_links: bool| {
        let text = if broken_links {
            brief("", &(0..n).map(|i| format!("[[missing-{i}]]\n")).collect::<String>())
        } else {
            format!("---\ntitle: A\n{}---\nBody.\n", (0..n).map(|i| format!("u{i}: 1\n")).collect::<String>())
        };
        let site = SiteTest::new().brief("a.md", &text).arg("--allow-broken-links");
        (0..3)
            .map(|_| {
                let started = std::time::Instant::now();
                let run = site.run("check");
                assert_eq!(run.code, 0, "{}", &run.stderr[run.stderr.len().saturating_sub(500)..]);
                started.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    for broken_links in [false, true] {
        let (small, large) = (time(5_000, broken_links), time(20_000, broken_links));
        assert!(large / small < 8.0, "5,000: {small:.2} s, 20,000: {large:.2} s (broken links: {broken_links})");
    }
}
