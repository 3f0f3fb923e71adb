//! `briefing check --external` against a local HTTP server: dead links reported at every use,
//! HEAD then GET, redirects followed, timeouts and 503 not called dead, answers cached for a day,
//! a few requests at a time.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use briefing::diagnostics::SourceText;
use briefing::discover::SourceFile;
use briefing::external::{self, ExternalOptions, UrlUse, UseKind};

use crate::support::{Run, SiteTest};

/// A tiny HTTP server answering by path; it records every request and how many were under way
/// at once (shared by the servers of a test through `load`).
struct Server {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

#[derive(Default)]
struct Load {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Server {
    fn start(load: Arc<Load>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, load) = (log.clone(), load.clone());
                std::thread::spawn(move || answer(stream, &log, &load));
            }
        });
        Server { address, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Every request so far, as `METHOD /path`, and forgets them.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

fn answer(stream: TcpStream, log: &Mutex<Vec<String>>, load: &Load) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let mut words = line.split_whitespace();
    let (method, target) = (words.next().unwrap_or("").to_string(), words.next().unwrap_or("").to_string());
    log.lock().unwrap().push(format!("{method} {target}"));
    let now = load.now.fetch_add(1, Ordering::SeqCst) + 1;
    load.most.fetch_max(now, Ordering::SeqCst);
    let path = target.split('?').next().unwrap_or("");
    let (status, location) = match path {
        "/ok" => ("200 OK", None),
        "/gone" => ("404 Not Found", None),
        "/head-refused" if method == "HEAD" => ("405 Method Not Allowed", None),
        "/head-refused" => ("200 OK", None),
        "/redirect" => ("302 Found", Some("/gone")),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", None)
        }
        "/wait" => {
            std::thread::sleep(Duration::from_millis(300));
            ("200 OK", None)
        }
        "/flaky" => ("503 Service Unavailable", None),
        _ => ("404 Not Found", None),
    };
    load.now.fetch_sub(1, Ordering::SeqCst);
    let location = location.map(|l| format!("Location: {l}\r\n")).unwrap_or_default();
    let mut stream = reader.into_inner();
    let _ = write!(stream, "HTTP/1.1 {status}\r\n{location}Content-Length: 0\r\nConnection: close\r\n\r\n");
}

/// A port on which nothing listens: connections to it are refused.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `briefing check --external` with a short timeout, away from any proxy.
fn check_external(site: &SiteTest) -> Run {
    let mut command = site.command("check");
    command.args(["--external", "--external-timeout", "1"]);
    for proxy in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
        command.env_remove(proxy);
    }
    site.run_command(command)
}

/// `content/PATH:LINE:COLUMN` of the first `needle` in `text`, as a diagnostic shows it.
fn place(path: &str, text: &str, needle: &str) -> String {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in {path}"));
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("content/{path}:{line}:{column}")
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn dead_links_are_reported_at_every_use_and_answers_kept_for_a_day() {
    let server = Server::start(Arc::default());
    let refused = format!("http://127.0.0.1:{}/x", closed_port());
    let (ok, gone, redirect) = (server.url("/ok"), server.url("/gone"), server.url("/redirect"));
    let a = format!(
        "---\ntitle: A\nsources:\n  - title: A gone report\n    url: {gone}\n  - title: Fine\n    url: {ok}\n---\n\
         See [the report]({gone}#part) and [a fine page]({ok}).\n\n\
         Also [moved]({redirect}) and [no HEAD]({}).\n",
        server.url("/head-refused")
    );
    let b = format!(
        "---\ntitle: B\n---\nAgain [gone]({gone}), [slow]({}), [flaky]({}) and [nobody]({refused}).\n",
        server.url("/slow"),
        server.url("/flaky")
    );
    let draft = format!("---\ntitle: D\ndraft: true\n---\nA draft links [this]({}).\n", server.url("/ok?draft"));
    let site = SiteTest::new().brief("briefs/a.md", &a).brief("briefs/b.md", &b).brief("briefs/d.md", &draft);

    let run = check_external(&site);
    let err = &run.stderr;
    assert_eq!(run.code, 0, "dead links are warnings:\n{err}");
    // One warning per place using a dead URL: /gone three times (a source, a link with a
    // fragment, a link in another brief), the redirect to it, the refused connection.
    assert_eq!(count(err, "warning[dead-link]"), 5, "{err}");
    assert_eq!(count(err, &format!("warning[dead-link]: `{gone}` answered 404 Not Found")), 2, "{err}");
    assert_eq!(count(err, &format!("warning[dead-link]: `{gone}#part` answered 404 Not Found")), 1, "{err}");
    for (path, text, needle) in [
        ("briefs/a.md", &a, gone.as_str()),
        ("briefs/a.md", &a, "[the report]"),
        ("briefs/a.md", &a, "[moved]"),
        ("briefs/b.md", &b, "[gone]"),
        ("briefs/b.md", &b, "[nobody]"),
    ] {
        let at = place(path, text, needle);
        assert_eq!(count(err, &format!("┌─ {at}\n")), 1, "one report at {at}:\n{err}");
    }
    assert!(err.contains(&format!("`{redirect}` redirects to `{gone}`, which answered 404 Not Found")), "{err}");
    assert!(err.contains(&format!("`{refused}` refused the connection")), "{err}");
    assert!(err.contains("add `archived:` with the URL of an archived copy"), "a source's advice:\n{err}");
    // Could not be checked: a note each, not dead.
    let slow = format!("note[unchecked-link]: `{}` could not be checked: no answer within 1 s", server.url("/slow"));
    assert!(err.contains(&slow), "{err}");
    let flaky = format!("`{}` could not be checked: answered 503 Service Unavailable", server.url("/flaky"));
    assert!(err.contains(&flaky), "{err}");
    assert!(!err.contains("head-refused`"), "a 405 to HEAD is asked again with GET:\n{err}");
    assert!(err.contains("checked 7 external URLs in "), "{err}");
    assert!(err.contains(": 2 alive, 3 dead, 2 not checkable (cached: 0)"), "{err}");

    let requests = server.take();
    let asked = |r: &str| requests.iter().filter(|x| *x == r).count();
    // Each distinct URL once, whatever its fragment and however many places use it.
    assert_eq!(asked("HEAD /gone"), 2, "once for itself, once after the redirect: {requests:?}");
    assert_eq!(asked("HEAD /ok"), 1, "{requests:?}");
    assert_eq!(asked("GET /ok"), 0, "an answered HEAD is enough: {requests:?}");
    assert_eq!((asked("HEAD /head-refused"), asked("GET /head-refused")), (1, 1), "{requests:?}");
    assert_eq!(asked("HEAD /slow") + asked("GET /slow"), 1, "a timeout is not waited for twice: {requests:?}");
    assert!(!requests.iter().any(|r| r.contains("draft")), "drafts are not published: {requests:?}");
    for r in &requests {
        assert!(!r.contains('#'), "fragments are not sent: {r}");
    }

    let cache = site.root().join(".output.briefing-external");
    let kept = std::fs::read_to_string(&cache).expect("the answers are kept beside the output folder");
    assert!(kept.contains(&gone) && kept.contains(&ok) && kept.contains(&refused), "{kept}");
    assert!(!kept.contains("/flaky") && !kept.contains("/slow"), "what could not be checked is asked again: {kept}");
    assert!(!site.root().join("output").exists(), "check writes no site");

    // Within the day, only what could not be checked is asked again; dead links are still
    // reported at every place.
    let again = check_external(&site);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let mut requests: Vec<String> =
        server.take().into_iter().map(|r| r.split_once(' ').unwrap().1.to_string()).collect();
    requests.sort();
    requests.dedup();
    assert_eq!(requests, ["/flaky", "/slow"], "{}", again.stderr);
    assert_eq!(count(&again.stderr, "warning[dead-link]"), 5, "{}", again.stderr);
    assert!(again.stderr.contains(": 2 alive, 3 dead, 2 not checkable (cached: 5)"), "{}", again.stderr);
}

#[test]
fn a_second_check_within_a_day_asks_nothing_and_a_day_later_asks_again() {
    let server = Server::start(Arc::default());
    let brief = format!(
        "---\ntitle: A\nsources:\n  - title: S\n    url: {}\n---\n[a]({}) [b]({}) ![map]({})\n",
        server.url("/ok"),
        server.url("/gone"),
        server.url("/redirect"),
        server.url("/head-refused?map.png")
    );
    let site = SiteTest::new().brief("a.md", &brief);
    let first = check_external(&site);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains(": 2 alive, 2 dead, 0 not checkable (cached: 0)"), "{}", first.stderr);
    assert!(!server.take().is_empty());

    let second = check_external(&site);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(server.take(), Vec::<String>::new(), "nothing is asked again within the day:\n{}", second.stderr);
    assert!(second.stderr.contains("(cached: 4)"), "{}", second.stderr);
    assert_eq!(count(&second.stderr, "warning[dead-link]"), 2, "{}", second.stderr);

    // The same answers, a day and a minute old: every URL is asked again.
    let cache = site.root().join(".output.briefing-external");
    let mut kept: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    for answer in kept["urls"].as_object_mut().unwrap().values_mut() {
        let at = answer["at"].as_u64().unwrap();
        answer["at"] = (at - 24 * 3600 - 60).into();
    }
    std::fs::write(&cache, kept.to_string()).unwrap();
    let third = check_external(&site);
    assert!(third.stderr.contains("(cached: 0)"), "{}", third.stderr);
    let requests = server.take();
    assert!(requests.contains(&"HEAD /ok".to_string()), "{requests:?}");
    assert!(requests.contains(&"HEAD /gone".to_string()), "{requests:?}");
}

#[test]
fn a_damaged_cache_is_replaced() {
    let server = Server::start(Arc::default());
    let site = SiteTest::new()
        .brief("a.md", &format!("[a]({})\n", server.url("/ok")))
        .file(".output.briefing-external", "{ not json");
    let run = check_external(&site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("1 alive, 0 dead, 0 not checkable (cached: 0)"), "{}", run.stderr);
    let kept = std::fs::read_to_string(site.root().join(".output.briefing-external")).unwrap();
    assert!(kept.contains(&server.url("/ok")), "{kept}");
}

#[test]
fn check_without_external_asks_nothing_and_a_failed_check_asks_nothing() {
    let server = Server::start(Arc::default());
    let site = SiteTest::new().brief("a.md", &format!("[a]({})\n", server.url("/gone")));
    let run = site.run("check");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("dead-link"), "{}", run.stderr);
    let broken = SiteTest::new().brief("a.md", &format!("[a]({}) [[nowhere]]\n", server.url("/gone")));
    let run = check_external(&broken);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[broken-link]"), "{}", run.stderr);
    assert_eq!(server.take(), Vec::<String>::new());
    assert!(!site.root().join(".output.briefing-external").exists());
}

#[test]
fn the_timeout_flag_wants_external_and_seconds() {
    let site = SiteTest::new().brief("a.md", "x\n");
    let mut command = site.command("check");
    command.args(["--external-timeout", "1"]);
    assert_eq!(site.run_command(command).code, 2, "--external-timeout without --external");
    let mut command = site.command("check");
    command.args(["--external", "--external-timeout", "0"]);
    let run = site.run_command(command);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not a number of seconds"), "{}", run.stderr);
}

fn file(text: &str) -> Arc<SourceFile> {
    Arc::new(SourceFile {
        rel_path: "a.md".into(),
        display: "content/a.md".into(),
        text: SourceText::shared(text),
        hash: 0,
        replaced: None,
    })
}

fn uses(urls: &[String]) -> Vec<UrlUse> {
    let f = file("x\n");
    urls.iter().map(|url| UrlUse { url: url.clone(), file: f.clone(), span: 0..1, kind: UseKind::Link }).collect()
}

fn check(urls: &[String]) -> external::ExternalReport {
    let dir = tempfile::tempdir().unwrap();
    external::check_urls(&uses(urls), &dir.path().join("cache"), &ExternalOptions::default())
}

#[test]
fn at_most_four_requests_at_once() {
    // Six servers (six hosts to the checker), two slow URLs each.
    let load = Arc::new(Load::default());
    let servers: Vec<Server> = (0..6).map(|_| Server::start(load.clone())).collect();
    let urls: Vec<String> = servers.iter().flat_map(|s| [s.url("/wait?1"), s.url("/wait?2")]).collect();
    let report = check(&urls);
    assert_eq!(report.alive, 12, "{:?}", report.diagnostics);
    assert_eq!(load.most.load(Ordering::SeqCst), 4, "four at once, never more");
}

#[test]
fn at_most_two_requests_at_once_to_one_host() {
    let load = Arc::new(Load::default());
    let server = Server::start(load.clone());
    let urls: Vec<String> = (0..6).map(|i| server.url(&format!("/wait?{i}"))).collect();
    let report = check(&urls);
    assert_eq!(report.alive, 6, "{:?}", report.diagnostics);
    assert_eq!(load.most.load(Ordering::SeqCst), 2, "two at once to one host, never more");
}

#[test]
fn the_user_agent_names_briefing() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let seen = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
        let _ = reader.get_mut().write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        head
    });
    let report = check(&[url]);
    assert_eq!(report.alive, 1, "{:?}", report.diagnostics);
    let head = seen.join().unwrap().to_ascii_lowercase();
    let agent = format!("user-agent: briefing/{} (+link check)", env!("CARGO_PKG_VERSION"));
    assert!(head.contains(&agent), "{head}");
}

#[test]
fn a_cache_that_cannot_be_written_is_a_warning() {
    let server = Server::start(Arc::default());
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("missing-folder").join("cache");
    let report = external::check_urls(&uses(&[server.url("/ok")]), &cache, &ExternalOptions::default());
    assert_eq!(report.alive, 1);
    let warning = report.diagnostics.iter().find(|d| d.code() == "io").expect("a warning");
    assert!(warning.message.contains("could not be kept"), "{}", warning.message);
    assert!(!Path::new(&cache).exists());
}
