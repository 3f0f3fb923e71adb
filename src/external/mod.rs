//! `briefing check --external`: every distinct external URL the site uses (links and images in
//! bodies, `image:`, the `url` of each source) is asked for once — `HEAD`, then `GET` when `HEAD`
//! is refused or fails — a few at a time and at most two at a time per host. A URL that is gone
//! (404, 410, an unknown host, a refused connection, a redirect to one of these) is a
//! `warning[dead-link]` at every place that uses it; one that could not be checked (429, 5xx, a
//! timeout, TLS) is a note, asked again next time. Answers are kept for a day in a JSON file
//! beside the output folder, so a second run within the day asks nothing again.
//!
//! The checker's only input is a list of `UrlUse`: whatever else names a URL (a bibliography)
//! adds its own uses. How hosts are asked, and what their answers mean, is `ask`'s.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::build::Project;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::discover::{self, SourceFile};
use crate::parse::Parsed;

mod ask;

use ask::ask_all;

/// One place where the site uses an external URL.
#[derive(Debug, Clone)]
pub struct UrlUse {
    /// The URL as written (`http://` or `https://`).
    pub url: String,
    pub file: Arc<SourceFile>,
    /// Byte span in the file's text (the whole link, or the line of a source's `url`).
    pub span: Range<usize>,
    pub kind: UseKind,
}

/// What uses a URL: it decides the advice a dead link gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UseKind {
    /// A link or an image in a body, or `image:`.
    Link,
    /// A source (front-matter `sources`, a bibliography entry), with the URL of its archived copy
    /// when it has one: then readers are shown the copy, and a dead original is only noted.
    Source { archived: Option<String> },
}

#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// How long one request (with its redirects) may take.
    pub timeout: Duration,
    /// Requests under way at once.
    pub concurrency: usize,
    /// Requests under way at once to one host (and port).
    pub per_host: usize,
    /// How long an answer is kept in the cache.
    pub max_age: Duration,
    pub user_agent: String,
}

impl Default for ExternalOptions {
    fn default() -> ExternalOptions {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            concurrency: 4,
            per_host: 2,
            max_age: Duration::from_secs(24 * 60 * 60),
            user_agent: format!("briefing/{} (+link check)", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// What a run of the checker found.
#[derive(Debug, Default)]
pub struct ExternalReport {
    /// A warning per place using a dead URL; a note per URL that could not be checked; a warning
    /// when the cache could not be written. Sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Distinct URLs (without their `#fragment`).
    pub urls: usize,
    pub alive: usize,
    pub dead: usize,
    pub unchecked: usize,
    /// Of `urls`, those answered from the cache.
    pub cached: usize,
    /// Ctrl-C stopped the run: URLs not yet asked are left out of every count but `urls`.
    pub interrupted: bool,
}

static STOP: AtomicBool = AtomicBool::new(false);

/// Stops a run under way (Ctrl-C): no new request is sent, what was answered is reported and
/// cached.
pub fn request_stop() {
    STOP.store(true, Ordering::SeqCst);
}

/// Where the answers are kept: beside the output folder, like the build's signatures
/// (`.output.briefing-external` for `output/`), never published.
pub fn cache_path(output_dir: &Path) -> PathBuf {
    let signatures = crate::output::signatures_path(output_dir);
    let name = signatures.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = name.strip_suffix("signatures").map_or_else(|| format!("{name}.external"), |s| format!("{s}external"));
    signatures.with_file_name(name)
}

/// Every external URL the parsed files use: links and images of the bodies whose target starts
/// with `http://` or `https://`, `image:`, and each source's `url`. Pass the files the site
/// publishes (see `project_url_uses`, which leaves drafts out).
pub fn url_uses(parsed: &[Arc<Parsed>]) -> Vec<UrlUse> {
    let mut uses = Vec::new();
    for p in parsed {
        let link = |url: &str, span: Range<usize>| UrlUse {
            url: url.trim().to_string(),
            file: p.file.clone(),
            span,
            kind: UseKind::Link,
        };
        for l in &p.analysis.links {
            if is_external(&l.dest) {
                uses.push(link(&l.dest, l.span.clone()));
            }
        }
        let Some(front) = &p.front else { continue };
        if let Some(image) = front.image.as_ref().filter(|i| is_external(&i.value)) {
            uses.push(link(&image.value, image.span.clone()));
        }
        let mut places = SourcePlaces::new(&p.file.text);
        for source in front.sources.iter().filter(|s| is_external(&s.url)) {
            uses.push(UrlUse {
                url: source.url.trim().to_string(),
                file: p.file.clone(),
                span: places.find(source.url.trim()),
                kind: UseKind::Source { archived: source.archived.clone() },
            });
        }
    }
    uses
}

/// The URLs of the site of `project`: its files discovered and parsed again (drafts left out
/// unless the project includes them).
pub fn project_url_uses(project: &Project) -> Vec<UrlUse> {
    let folders = discover::Folders {
        root: &project.root,
        content: &project.content_dir,
        statics: &project.static_dir,
        bibliography: &project.config.bibliography,
    };
    let (sources, _) = discover::discover(&folders, &mut discover::Memo::default(), &discover::Changes::All);
    let parsed = crate::parse::parse_all(&sources.markdown, &project.config, false, None);
    let published: Vec<Arc<Parsed>> = parsed.into_iter().filter(|p| project.drafts || !p.facts.draft).collect();
    let mut uses = url_uses(&published);
    uses.extend(bibliography_url_uses(&sources.bibliography));
    uses
}

/// The `URL` of every entry of the bibliography files, at the entry's key.
pub fn bibliography_url_uses(files: &[Arc<crate::discover::SourceFile>]) -> Vec<UrlUse> {
    let mut uses = Vec::new();
    for file in files {
        let Some(format) = crate::library::read::format_of(&file.rel_path) else { continue };
        for entry in crate::library::read::read(format, &file.text).0 {
            let url = entry.item.0.get("URL").and_then(|v| v.to_str()).map(|u| u.trim().to_string());
            if let Some(url) = url.filter(|u| is_external(u)) {
                uses.push(UrlUse {
                    url,
                    file: file.clone(),
                    span: entry.span.clone(),
                    kind: UseKind::Source { archived: None },
                });
            }
        }
    }
    uses
}

/// Where each source's URL is written in the front-matter: found in the value of `sources`
/// (YAML) or in the block (TOML), one occurrence after the other for a URL listed twice; else
/// the `sources` key, else the file's start.
struct SourcePlaces<'a> {
    text: &'a str,
    region: Range<usize>,
    fallback: Range<usize>,
    /// Per URL, where the search for its next occurrence starts.
    next: HashMap<String, usize>,
}

impl<'a> SourcePlaces<'a> {
    fn new(text: &'a str) -> SourcePlaces<'a> {
        let Ok(split) = crate::frontmatter::split(text) else {
            return SourcePlaces { text, region: 0..0, fallback: 0..0, next: HashMap::new() };
        };
        let (region, fallback) = if split.toml {
            (split.yaml.clone(), split.yaml.start..split.yaml.start)
        } else {
            let keys = crate::yaml::KeySpans::scan(text, &split.yaml);
            match (keys.value("sources"), keys.key("sources")) {
                (Some(value), Some(key)) => (key.start..value.end, key),
                _ => (split.yaml.clone(), split.yaml.start..split.yaml.start),
            }
        };
        SourcePlaces { text, region, fallback, next: HashMap::new() }
    }

    fn find(&mut self, url: &str) -> Range<usize> {
        let from = *self.next.get(url).unwrap_or(&self.region.start);
        let found = self.text.get(from..self.region.end).and_then(|r| r.find(url)).map(|i| from + i);
        match found {
            Some(at) => {
                self.next.insert(url.to_string(), at + url.len());
                at..at + url.len()
            }
            None => self.fallback.clone(),
        }
    }
}

fn is_external(url: &str) -> bool {
    let url = url.trim_start();
    let scheme = |s: &str| url.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s));
    (scheme("http://") || scheme("https://")) && !host_of(url).is_empty()
}

/// The URL checked for a URL as written: without its `#fragment`, scheme and host in lower case.
pub fn normalize(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    // User information keeps its case; the host does not have one.
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => format!("{user}@{}", host.to_ascii_lowercase()),
        None => authority.to_ascii_lowercase(),
    };
    format!("{}://{authority}{path}", scheme.to_ascii_lowercase())
}

/// The URL as a request may carry it: characters a URI cannot hold percent-encoded.
fn request_uri(url: &str) -> String {
    let encoded = crate::routes::percent_encode_non_ascii(url);
    let mut out = String::with_capacity(encoded.len());
    for c in encoded.chars() {
        match c {
            '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `host:port` of a URL, the unit of politeness.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    authority.rsplit_once('@').map_or(authority, |(_, h)| h).to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Alive,
    Dead,
    /// Could not be checked: asked again next time, never cached.
    Unchecked,
}

/// The answer for one URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Answer {
    status: Status,
    /// What happened, after the URL: "answered 404 Not Found".
    detail: String,
    /// When it was asked, in Unix seconds.
    at: u64,
    /// A failure to reach the host (unknown host, refused connection) rather than an answer: when
    /// no host answers, the network may be down rather than the links. Not kept.
    #[serde(skip)]
    unreachable: bool,
    /// The host answered with a status (any): the network works. Not kept.
    #[serde(skip)]
    responded: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    urls: BTreeMap<String, Answer>,
}

const CACHE_VERSION: u32 = 1;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn read_cache(path: &Path) -> BTreeMap<String, Answer> {
    let Ok(text) = std::fs::read_to_string(path) else { return BTreeMap::new() };
    match serde_json::from_str::<CacheFile>(&text) {
        Ok(file) if file.version == CACHE_VERSION => file.urls,
        // Another version's or a damaged file: every URL is asked again, and the file replaced.
        _ => BTreeMap::new(),
    }
}

fn write_cache(path: &Path, urls: BTreeMap<String, Answer>) -> std::io::Result<()> {
    let text =
        serde_json::to_string_pretty(&CacheFile { version: CACHE_VERSION, urls }).map_err(std::io::Error::other)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!("{name}.tmp"));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Checks every distinct URL of `uses` (each once; answers younger than `options.max_age` are
/// taken from the cache file `cache`, which is then written with this run's answers).
pub fn check_urls(uses: &[UrlUse], cache: &Path, options: &ExternalOptions) -> ExternalReport {
    // Each distinct URL with the places using it, in the order first used.
    let mut order: Vec<String> = Vec::new();
    let mut places: HashMap<String, Vec<&UrlUse>> = HashMap::new();
    for u in uses {
        let key = normalize(&u.url);
        let list = places.entry(key.clone()).or_default();
        if list.is_empty() {
            order.push(key);
        }
        list.push(u);
    }
    let started = now();
    let max_age = options.max_age.as_secs();
    let mut cached = read_cache(cache);
    // An entry from the future (a clock set back) is as old as can be.
    cached.retain(|_, a| a.status != Status::Unchecked && a.at <= started && started - a.at < max_age);
    let mut report = ExternalReport { urls: order.len(), ..ExternalReport::default() };
    let mut answers: HashMap<String, Answer> = HashMap::new();
    let mut to_ask = Vec::new();
    for url in &order {
        match cached.get(url) {
            Some(a) => {
                answers.insert(url.clone(), a.clone());
                report.cached += 1;
            }
            None => to_ask.push(url.clone()),
        }
    }
    let (mut asked, interrupted) = ask_all(to_ask, options);
    report.interrupted = interrupted;
    // An unknown host or a refused connection says the link is dead only if the network works:
    // when no host answered, two unreachable hosts are taken for an offline machine (nothing is
    // called dead), and one is reported but not kept.
    let some_answered = asked.values().any(|a| a.responded);
    let unreachable_hosts: std::collections::HashSet<String> =
        asked.iter().filter(|(_, a)| a.unreachable).map(|(u, _)| host_of(u)).collect();
    if !some_answered && unreachable_hosts.len() >= 2 {
        for a in asked.values_mut().filter(|a| a.unreachable) {
            a.status = Status::Unchecked;
            a.detail = format!("{} (no site could be reached: is this machine offline?)", a.detail);
        }
    }
    for (url, a) in asked {
        if a.status != Status::Unchecked && (some_answered || !a.unreachable) {
            cached.insert(url.clone(), a.clone());
        }
        answers.insert(url, a);
    }
    for url in &order {
        let Some(answer) = answers.get(url) else { continue };
        let uses = &places[url];
        match answer.status {
            Status::Alive => report.alive += 1,
            Status::Dead => {
                report.dead += 1;
                report.diagnostics.extend(uses.iter().map(|u| dead_link(u, answer)));
            }
            Status::Unchecked => {
                report.unchecked += 1;
                report.diagnostics.push(unchecked(uses, answer));
            }
        }
    }
    if let Err(e) = write_cache(cache, cached) {
        report.diagnostics.push(
            Diagnostic::warning(
                Code::Io,
                format!("the answers of the link check could not be kept in `{}`: {e}", cache.display()),
            )
            .help("every URL will be asked again next time"),
        );
    }
    crate::diagnostics::sort(&mut report.diagnostics);
    report
}

fn location(u: &UrlUse) -> Location {
    Location::new(u.file.display.as_str(), u.file.text.clone(), u.span.clone())
}

fn dead_link(u: &UrlUse, answer: &Answer) -> Diagnostic {
    let message = format!("`{}` {}", u.url, answer.detail);
    let d = match &u.kind {
        UseKind::Source { archived: Some(copy) } => Diagnostic::note(Code::DeadLink, message)
            .help(format!("readers are shown its archived copy `{copy}`; update `url:` if the page moved")),
        UseKind::Source { archived: None } => Diagnostic::warning(Code::DeadLink, message).help(
            "fix or remove the source's `url`, or add `archived:` with the URL of an archived copy (web.archive.org)",
        ),
        UseKind::Link => Diagnostic::warning(Code::DeadLink, message)
            .help("fix or remove the link, or link an archived copy instead (web.archive.org)"),
    };
    d.at(location(u))
}

fn unchecked(uses: &[&UrlUse], answer: &Answer) -> Diagnostic {
    let first = uses[0];
    let more = match uses.len() {
        1 => String::new(),
        n => format!(" (used in {n} places)"),
    };
    Diagnostic::note(Code::UncheckedLink, format!("`{}` could not be checked: {}{more}", first.url, answer.detail))
        .at(location(first))
        .help("it is not reported as dead; the next `check --external` asks again")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_compared_without_fragment_and_case_of_host() {
        assert_eq!(normalize("HTTPS://Example.ORG/A/b?x=1#part"), "https://example.org/A/b?x=1");
        assert_eq!(normalize(" https://example.org "), "https://example.org");
        assert_eq!(normalize("https://User@Example.org/P"), "https://User@example.org/P");
        assert_eq!(host_of("https://user@example.org:8080/x?y"), "example.org:8080");
        assert_eq!(host_of("http://example.org?q"), "example.org");
    }

    #[test]
    fn only_http_and_https_are_external() {
        assert!(is_external("https://example.org/"));
        assert!(is_external("HTTP://example.org"));
        assert!(!is_external("mailto:a@example.org"));
        assert!(!is_external("/briefs/x/"));
        assert!(!is_external("https://"));
        assert!(!is_external("ftp://example.org/"));
    }

    #[test]
    fn request_uris_encode_what_a_uri_cannot_hold() {
        assert_eq!(
            request_uri("https://ko.wikipedia.org/wiki/주한미군"),
            "https://ko.wikipedia.org/wiki/%EC%A3%BC%ED%95%9C%EB%AF%B8%EA%B5%B0"
        );
        assert_eq!(request_uri("https://example.org/a b|c"), "https://example.org/a%20b%7Cc");
    }

    #[test]
    fn the_cache_sits_beside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let path = cache_path(&dir.path().join("output"));
        assert_eq!(path.file_name().unwrap(), ".output.briefing-external");
        assert_eq!(path.parent().unwrap(), dir.path().canonicalize().unwrap());
    }

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            rel_path: "a.md".into(),
            display: "content/a.md".into(),
            text: crate::diagnostics::SourceText::shared(text),
            hash: 0,
            replaced: None,
        })
    }

    #[test]
    fn sources_are_found_at_their_line_one_after_the_other() {
        let text = "---\ntitle: A\nsources:\n  - title: X\n    url: https://a.example/x\n  - title: Y\n    url: https://a.example/x\n---\nBody\n";
        let mut places = SourcePlaces::new(text);
        let first = places.find("https://a.example/x");
        let second = places.find("https://a.example/x");
        assert_eq!(&text[first.clone()], "https://a.example/x");
        assert!(second.start > first.start, "{first:?} {second:?}");
        assert_eq!(&text[second], "https://a.example/x");
        // Not written as such (an escape): the `sources` key.
        assert_eq!(&text[places.find("https://b.example/")], "sources");
    }

    #[test]
    fn a_dead_source_with_an_archived_copy_is_only_noted() {
        let f = file("x");
        let answer = Answer {
            status: Status::Dead,
            detail: "answered 404 Not Found".into(),
            at: 0,
            unreachable: false,
            responded: true,
        };
        let with_copy = UrlUse {
            url: "https://a.example/".into(),
            file: f.clone(),
            span: 0..1,
            kind: UseKind::Source { archived: Some("https://web.archive.org/web/2020/https://a.example/".into()) },
        };
        let d = dead_link(&with_copy, &answer);
        assert_eq!(d.severity, crate::diagnostics::Severity::Note);
        assert!(d.help.unwrap().contains("web.archive.org/web/2020"));
        let without = UrlUse { kind: UseKind::Source { archived: None }, ..with_copy };
        let d = dead_link(&without, &answer);
        assert_eq!(d.severity, crate::diagnostics::Severity::Warning);
        assert_eq!(d.code(), "dead-link");
        assert!(d.help.unwrap().contains("archived:"));
    }

    #[test]
    fn when_no_host_can_be_reached_nothing_is_called_dead() {
        // Two ports on which nothing listens: refused, as when a machine is offline.
        let ports: Vec<u16> =
            (0..2).map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()).collect();
        let f = file("x");
        let uses: Vec<UrlUse> = ports
            .iter()
            .map(|p| UrlUse {
                url: format!("http://127.0.0.1:{p}/x"),
                file: f.clone(),
                span: 0..1,
                kind: UseKind::Link,
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let report = check_urls(&uses, &cache, &ExternalOptions::default());
        assert_eq!((report.dead, report.unchecked), (0, 2), "{:?}", report.diagnostics);
        assert!(report.diagnostics[0].message.contains("offline"), "{}", report.diagnostics[0].message);
        let kept = read_cache(&cache);
        assert!(kept.is_empty(), "nothing unchecked is cached: {kept:?}");
    }
}
