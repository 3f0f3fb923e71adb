//! `briefing watch`: rebuilds on edits, serves the result with live reload, survives errors, and
//! leaves the output equal to a fresh build.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::support::files_under;

struct Watch {
    child: Child,
    port: u16,
    root: PathBuf,
    _dir: tempfile::TempDir,
    stderr: Receiver<String>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn brief(title: &str, date: &str, topics: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\ntopics: [{topics}]\n---\n{body}\n")
}

impl Watch {
    fn start(files: &[(&str, &str)], extra_args: &[&str]) -> Watch {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        for (path, text) in files {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["watch", "--port", "0", "--root"])
            .arg(&root)
            .args(extra_args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let (send, stderr) = mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = String::new();
        let port = loop {
            let line = stderr
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no serving line:\n{seen}"));
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        Watch { child, port, root, _dir: dir, stderr }
    }

    fn write(&self, path: &str, text: &str) {
        let full = self.root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    /// Saves like vim or VS Code: write a temporary file beside the target, then rename it over.
    fn write_via_rename(&self, path: &str, text: &str) {
        let full = self.root.join(path);
        let temp = full.with_file_name(format!(".{}.swp", full.file_name().unwrap().to_string_lossy()));
        std::fs::write(&temp, text).unwrap();
        std::fs::rename(&temp, &full).unwrap();
    }

    fn get(&self, path: &str) -> (u16, String) {
        http_get(self.port, path)
    }

    /// Waits until `path` is served with a body for which `pred` holds.
    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(u16, &str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let (status, body) = self.get(path);
            if pred(status, &body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {path} to {what}; last {status}:\n{body}\nlog:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Reads the log until it is quiet (the lines of rebuilds already made).
    fn drain_log(&self) {
        while self.stderr.recv_timeout(Duration::from_millis(300)).is_ok() {}
    }

    /// The log up to the next line that contains `what` (the line of a rebuild is printed
    /// after the files for other programs are written, after the reload).
    fn wait_for_log(&self, what: &str) -> String {
        let mut log = String::new();
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_secs(15)) {
            log.push_str(&line);
            log.push('\n');
            if line.contains(what) {
                break;
            }
        }
        log
    }

    fn log(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    fn events(&self) -> Events {
        Events::connect(self.port)
    }
}

/// One GET request; the whole response as text.
fn http_request(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

fn http_get(port: u16, path: &str) -> (u16, String) {
    let text = http_request(port, path);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn http_head(port: u16, path: &str) -> String {
    let text = http_request(port, path);
    text.split_once("\r\n\r\n").map(|(h, _)| h.to_string()).unwrap_or(text)
}

/// A Server-Sent Events client: the names of the events received, in order.
struct Events {
    receiver: Receiver<(String, String)>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET /__briefing/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let (send, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ") {
                    if send.send((event.clone(), data.to_string())).is_err() {
                        break;
                    }
                }
            }
        });
        // Let the server register the client before the test changes anything.
        std::thread::sleep(Duration::from_millis(200));
        Events { receiver }
    }

    fn next(&self) -> (String, String) {
        self.receiver.recv_timeout(Duration::from_secs(15)).expect("an event within 15 s")
    }
}

#[test]
fn edits_creations_deletions_and_renames_are_served_with_a_reload_each() {
    let w = Watch::start(
        &[
            ("content/briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON", "First text.")),
            ("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "See [[a]].")),
        ],
        &[],
    );
    let (status, page) = w.get("/briefs/a/");
    assert_eq!(status, 200);
    assert!(page.contains("new EventSource(\"/__briefing/events\")"), "live reload injected: {page}");
    assert!(
        !std::fs::read_to_string(w.root.join("output/briefs/a/index.html")).unwrap().contains("EventSource"),
        "never in the files"
    );
    let events = w.events();

    // an edit
    w.write("content/briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON", "Second text."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/a/", "show the edit", |_, b| b.contains("Second text."));

    // an edit through a temporary file renamed over the brief (vim, VS Code, JetBrains)
    w.write_via_rename("content/briefs/a.md", &brief("Alpha renamed", "2025-01-01", "OPCON", "Third text."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/a/", "show the renamed save", |_, b| b.contains("Third text.") && b.contains("Alpha renamed"));
    // the term page and the backlinking page follow in the same rebuild
    assert!(w.get("/topics/opcon/").1.contains("Alpha renamed"));
    assert!(w.get("/briefs/b/").1.contains(">Alpha renamed</a>"));

    // JetBrains' safe write: the old file renamed away, the new text renamed into its place
    w.drain_log();
    let [brief_a, old, temp] =
        ["", "___jb_old___", "___jb_tmp___"].map(|s| w.root.join(format!("content/briefs/a.md{s}")));
    std::fs::write(&temp, brief("Alpha safe", "2025-01-01", "OPCON", "Fourth text.")).unwrap();
    std::fs::rename(&brief_a, &old).unwrap();
    std::fs::rename(&temp, &brief_a).unwrap();
    std::fs::remove_file(&old).unwrap();
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/a/", "show the safe write", |_, b| b.contains("Fourth text."));
    let log = w.wait_for_log("changed ");
    assert!(log.contains("changed content/briefs/a.md: "), "one edit of a.md, nothing else:\n{log}");

    // `sed -i` and `perl -pi`: a temporary file of a random name renamed over the brief
    w.drain_log();
    let sed_temp = w.root.join("content/briefs/sedX1b2c3");
    std::fs::write(&sed_temp, brief("Alpha sed", "2025-01-01", "OPCON", "Fifth text.")).unwrap();
    std::fs::rename(&sed_temp, w.root.join("content/briefs/a.md")).unwrap();
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/a/", "show the sed edit", |_, b| b.contains("Fifth text."));
    let log = w.wait_for_log("changed ");
    assert!(log.contains("changed content/briefs/a.md: "), "the temporary file is not a change:\n{log}");

    // a new brief
    w.write("content/briefs/c.md", &brief("Gamma", "2025-01-03", "SCM", "New."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/c/", "exist", |s, b| s == 200 && b.contains("Gamma"));
    assert!(w.get("/topics/scm/").1.contains("Gamma"));

    // a renamed file: the old URL goes away, the new one appears
    std::fs::rename(w.root.join("content/briefs/c.md"), w.root.join("content/briefs/d.md")).unwrap();
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/d/", "exist after the rename", |s, _| s == 200);
    w.wait_for("/briefs/c/", "be gone after the rename", |s, _| s == 404);

    // a deleted brief
    std::fs::remove_file(w.root.join("content/briefs/d.md")).unwrap();
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/d/", "be gone", |s, _| s == 404);
    w.wait_for("/topics/scm/", "be gone with its only brief", |s, _| s == 404);
}

#[test]
fn with_poll_an_edit_and_a_new_brief_are_served() {
    let w =
        Watch::start(&[("content/briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON", "First text."))], &["--poll"]);
    let events = w.events();
    // Polling sees a new modification time (no file event says what happened).
    std::thread::sleep(Duration::from_millis(20));
    w.write("content/briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON", "Polled text."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/a/", "show the edit", |_, b| b.contains("Polled text."));
    w.write("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "New."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/b/", "exist", |s, b| s == 200 && b.contains("Beta"));
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_reports_the_error_until_fixed() {
    let mut w = Watch::start(&[("content/a.md", &brief("Alpha", "2025-01-01", "X", "Good text."))], &[]);
    let events = w.events();
    w.write("content/a.md", "---\ntitle: Alpha\ntopics: [X\n---\nBroken text.\n");
    let (name, data) = events.next();
    assert_eq!(name, "errors");
    assert!(data.contains("content/a.md:3:"), "the overlay names file and line: {data}");
    let (status, page) = w.get("/a/");
    assert_eq!(status, 200);
    assert!(page.contains("Good text."), "the last good page is still served");
    // A page opened now gets the error at once.
    let late = w.events();
    assert_eq!(late.next().0, "errors");
    w.write("content/a.md", &brief("Alpha", "2025-01-01", "X", "Fixed text."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/a/", "show the fix", |_, b| b.contains("Fixed text."));
    assert!(!w.child_exited());
}

#[test]
fn undoing_a_broken_setting_clears_the_error_though_nothing_is_written() {
    let w = Watch::start(
        &[("site.yaml", "title: Policy notes\n"), ("content/a.md", &brief("Alpha", "2025-01-01", "X", "Text."))],
        &[],
    );
    let events = w.events();
    w.write("site.yaml", "title: [Policy notes\n");
    assert_eq!(events.next().0, "errors");
    // The last good text again: the same site, no file to write, but the overlay must go.
    w.write("site.yaml", "title: Policy notes\n");
    assert_eq!(events.next().0, "reload");
    let late = w.events();
    assert!(late.receiver.recv_timeout(Duration::from_millis(300)).is_err(), "a page opened now gets no error");
}

#[test]
fn a_brief_named_like_the_builds_own_files_is_watched() {
    let w = Watch::start(&[("content/briefs/a.md", &brief("Alpha", "2025-01-01", "X", "Text."))], &[]);
    let events = w.events();
    w.write("content/briefs/daily.briefing-notes.md", &brief("Daily notes", "2025-01-02", "X", "Notes."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/daily-briefing-notes/", "exist", |s, b| s == 200 && b.contains("Daily notes"));
}

impl Watch {
    fn child_exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }
}

#[test]
fn after_a_sequence_of_edits_the_output_equals_a_fresh_build() {
    let w = Watch::start(
        &[
            ("site.yaml", "title: Test\nbase_url: https://example.org/policy/\npaginate_by: 2\n"),
            ("content/_index.md", "---\ntitle: Home\n---\nSee [[a]].\n"),
            ("content/briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON, SCM", "First. [[b]]\n\n## x")),
            ("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "Second.")),
            ("content/briefs/c.md", &brief("Gamma", "2025-01-03", "OPCON", "Third. [[a#x]]\n\n## x")),
            ("content/background/d.md", &brief("Delta", "2024-06-01", "SCM", "Fourth. ![m](m.svg)")),
            ("content/background/m.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ],
        &[],
    );
    let events = w.events();
    type Step = Box<dyn Fn(&Watch)>;
    let steps: Vec<Step> = vec![
        Box::new(|w| {
            w.write("content/briefs/a.md", &brief("Alpha 2", "2025-01-05", "OPCON, New term", "Edited. [[c]]\n\n## x"))
        }),
        Box::new(|w| w.write("content/briefs/e.md", &brief("Epsilon", "2025-02-01", "SCM", "Added. [[d]]"))),
        // body-only edits: the short path renders only the brief's own page
        Box::new(|w| w.write("content/briefs/e.md", &brief("Epsilon", "2025-02-01", "SCM", "Added. [[d]]\n\nMore."))),
        Box::new(|w| {
            w.write("content/briefs/e.md", &brief("Epsilon", "2025-02-01", "SCM", "Added. [[d]]\n\nMore, edited."))
        }),
        Box::new(|w| {
            w.write(
                "content/briefs/a.md",
                &brief("Alpha 2", "2025-01-05", "OPCON, New term", "Edited again. [[c]]\n\n## x"),
            )
        }),
        Box::new(|w| std::fs::remove_file(w.root.join("content/briefs/b.md")).unwrap()),
        Box::new(|w| {
            w.write_via_rename("content/briefs/c.md", &brief("Gamma", "2023-01-01", "Other", "Moved back in time."))
        }),
        Box::new(|w| w.write("content/_index.md", "---\ntitle: Home page\n---\nNow [[e]].\n")),
        Box::new(|w| std::fs::rename(w.root.join("content/background"), w.root.join("content/context")).unwrap()),
        Box::new(|w| w.write("content/context/m.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\"/>")),
        Box::new(|w| {
            w.write(
                "themes/default/templates/404.html",
                "{% extends \"base.html\" %}{% block main %}<h1>Gone</h1>{% endblock main %}",
            )
        }),
    ];
    for step in &steps {
        step(&w);
        let (name, data) = events.next();
        assert_eq!(name, "reload", "{data}\n{}", w.log());
        // let the rebuild's writes settle before the next change
        std::thread::sleep(Duration::from_millis(100));
    }
    let fresh = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["build", "--root"])
        .arg(&w.root)
        .arg("--output")
        .arg(fresh.path().join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let watched = w.root.join("output");
    let built = fresh.path().join("out");
    // The search index, graph, feeds and sitemap are written just after the reload.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let (a, b) = (files_under(&watched), files_under(&built));
        if a == b && a.iter().all(|f| std::fs::read(watched.join(f)).ok() == std::fs::read(built.join(f)).ok()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let (a, b) = (files_under(&watched), files_under(&built));
    assert_eq!(a, b, "the same files");
    for file in &a {
        assert!(
            std::fs::read(watched.join(file)).unwrap() == std::fs::read(built.join(file)).unwrap(),
            "{file} differs"
        );
    }
}

#[test]
fn the_server_refuses_traversal_and_sends_content_types_and_redirects() {
    let w = Watch::start(
        &[
            ("site.yaml", "base_url: https://example.org/policy/\n"),
            ("content/briefs/a.md", &brief("Alpha", "2025-01-01", "X", "Text.")),
            ("content/briefs/map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ],
        &[],
    );
    let secret = w.root.join("secret.txt");
    std::fs::write(&secret, "secret").unwrap();
    for bad in [
        "/policy/../secret.txt",
        "/policy/%2e%2e/secret.txt",
        "/policy/..%2fsecret.txt",
        "/policy/briefs\\..\\..\\secret.txt",
    ] {
        let (status, body) = w.get(bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(!body.contains("secret"), "{bad}: {body}");
    }
    let head = http_head(w.port, "/policy/briefs/map.svg");
    assert!(head.contains("Content-Type: image/svg+xml"), "{head}");
    let head = http_head(w.port, "/policy/static/style.css");
    assert!(head.contains("Content-Type: text/css"), "{head}");
    let head = http_head(w.port, "/policy/atom.xml");
    assert!(head.contains("Content-Type: application/atom+xml"), "{head}");
    let head = http_head(w.port, "/policy/search/index.json");
    assert!(head.contains("Content-Type: application/json"), "{head}");
    let head = http_head(w.port, "/");
    assert!(head.starts_with("HTTP/1.1 301") && head.contains("Location: /policy/"), "{head}");
    let head = http_head(w.port, "/policy/briefs/a");
    assert!(head.starts_with("HTTP/1.1 301") && head.contains("Location: /policy/briefs/a/"), "{head}");
    let (status, body) = w.get("/policy/nope/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "the site's 404 page: {body}");
}

#[test]
fn a_port_in_use_is_an_environment_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content/a.md"), "---\ntitle: A\n---\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["watch", "--port", &port.to_string(), "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_body_edit_that_no_other_page_shows_renders_one_page() {
    let w = Watch::start(
        &[
            ("content/briefs/a.md", &brief("Alpha", "2025-01-01", "X", "Summary paragraph.\n\nFirst body.")),
            ("content/briefs/b.md", &brief("Beta", "2025-01-02", "X", "See [[a]].")),
        ],
        &[],
    );
    let events = w.events();
    w.write("content/briefs/a.md", &brief("Alpha", "2025-01-01", "X", "Summary paragraph.\n\nSecond body."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/briefs/a/", "show the edit", |_, b| b.contains("Second body."));
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut log = String::new();
    while !log.contains(" rendered, ") && Instant::now() < deadline {
        log.push_str(&w.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    // Its page, and of full-text search the file of its text, the shard of its new word, the
    // index's entry (its version) and the search page (which links the entry by its version).
    assert!(log.contains("changed content/briefs/a.md: 5 pages rendered, 5 files written"), "{log}");
    // A change to the summary paragraph shows on list pages: they follow.
    w.write("content/briefs/a.md", &brief("Alpha", "2025-01-01", "X", "New summary.\n\nSecond body."));
    assert_eq!(events.next().0, "reload");
    w.wait_for("/topics/x/", "show the new summary", |_, b| b.contains("New summary."));
}

#[test]
fn a_non_ascii_base_path_is_served_and_redirected_with_an_encoded_location() {
    let w = Watch::start(&[("content/a.md", &brief("Alpha", "2025-01-01", "X", "Text."))], &["--base-url", "/정책/"]);
    for _ in 0..10 {
        let head = http_head(w.port, "/");
        assert!(head.starts_with("HTTP/1.1 301"), "{head}");
        assert!(head.contains("Location: /%EC%A0%95%EC%B1%85/"), "{head}");
    }
    let (status, page) = w.get("/%EC%A0%95%EC%B1%85/a/");
    assert_eq!(status, 200, "the server keeps answering");
    assert!(page.contains("Alpha"));
}

#[test]
fn a_new_base_url_is_served_at_once() {
    let w = Watch::start(
        &[("site.yaml", "base_url: /one/\n"), ("content/a.md", &brief("Alpha", "2025-01-01", "X", "Text."))],
        &[],
    );
    assert_eq!(w.get("/one/a/").0, 200);
    let events = w.events();
    w.write("site.yaml", "base_url: /two/\n");
    assert_eq!(events.next().0, "reload");
    w.wait_for("/two/a/", "be served under the new path", |s, b| s == 200 && b.contains("href=\"/two/"));
    let (status, _) = w.get("/two/static/style.css");
    assert_eq!(status, 200, "and its stylesheet");
}

#[test]
fn clients_that_never_read_a_large_file_do_not_block_the_server() {
    let w = Watch::start(&[("content/a.md", &brief("Alpha", "2025-01-01", "X", "Text."))], &[]);
    std::fs::write(w.root.join("output/large.bin"), vec![1u8; 64 << 20]).unwrap();
    let stalled: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", w.port)).unwrap();
            write!(s, "GET /large.bin HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (done, result) = mpsc::channel();
    let port = w.port;
    std::thread::spawn(move || {
        let _ = done.send(http_get(port, "/a/"));
    });
    let (status, page) = result.recv_timeout(Duration::from_secs(5)).expect("the server answers while 8 clients stall");
    assert_eq!(status, 200);
    assert!(page.contains("Alpha"));
    drop(stalled);
}

#[test]
fn a_new_base_url_is_served_when_the_browser_reloads() {
    let w = Watch::start(
        &[
            ("site.yaml", "title: Briefs\nbase_url: https://example.org/\n"),
            ("content/briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON", "Text.")),
        ],
        &[],
    );
    assert_eq!(w.get("/briefs/a/").0, 200);
    let events = w.events();
    w.write("site.yaml", "title: Briefs\nbase_url: https://example.org/policy/\n");
    assert_eq!(events.next().0, "reload");
    // At once: the page a browser reloads is at its new address (it was a 404 while the
    // server followed the new path only after the files for other programs were written).
    let (status, page) = w.get("/policy/briefs/a/");
    assert_eq!(status, 200, "{page}\n{}", w.log());
}
