//! PDFs, printed by a Chromium (or Chrome, or Edge) the user has: the page as the site's print
//! stylesheet lays it out, with its text, fonts, links and a document outline from its
//! headings. The page and the files it needs are served from memory on a loopback port for the
//! one print, so nothing is read from or written to the output folder.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::EnvError;
use crate::serve::http::{self, Handler, Limits, Reply, Request, Response};

/// How long one print may take before Chromium is stopped.
const PRINT_TIMEOUT: Duration = Duration::from_secs(180);

/// Where `BRIEFING_CHROME` is not set, the names a Chromium goes by on `PATH`.
const PROGRAMS: &[&str] =
    &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "microsoft-edge", "msedge"];

/// Where browsers are installed outside `PATH` (macOS applications, Windows programs).
const INSTALLED: &[&str] = &[
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Chromium\Application\chrome.exe",
];

/// A browser that prints PDFs.
#[derive(Debug, Clone)]
pub struct Printer {
    pub program: PathBuf,
    /// The program's path, size and time: a new browser may lay pages out differently.
    pub identity: u64,
}

/// A file the print server answers with.
#[derive(Debug, Clone)]
pub enum Served {
    Bytes(Arc<[u8]>),
    File(PathBuf),
}

/// The files of the site a printed page may load, by their path in the output (`static/style.css`).
pub type PrintFiles = HashMap<String, Served>;

impl Printer {
    /// The browser named by `BRIEFING_CHROME`, else the first one found.
    pub fn find() -> Result<Printer, EnvError> {
        let named = std::env::var_os("BRIEFING_CHROME").filter(|v| !v.is_empty());
        let program = match named {
            Some(path) => {
                let path = PathBuf::from(path);
                let found = if path.components().count() > 1 { path.is_file().then_some(path.clone()) } else { on_path(&path) };
                found.ok_or_else(|| {
                    EnvError::new(format!("BRIEFING_CHROME names `{}`, which is not a program", path.display()))
                        .help("set BRIEFING_CHROME to the path of a Chromium, Chrome or Edge program, or unset it")
                })?
            }
            None => PROGRAMS
                .iter()
                .find_map(|name| on_path(Path::new(name)))
                .or_else(|| INSTALLED.iter().map(PathBuf::from).find(|p| p.is_file()))
                .ok_or_else(|| {
                    EnvError::new("PDFs are printed by Chromium, Chrome or Edge, and none was found").help(
                        "install one (Debian and Ubuntu: `apt install chromium`; macOS: `brew install --cask chromium`; \
                         Windows: Chrome or Edge), or set BRIEFING_CHROME to the path of one",
                    )
                })?,
        };
        let stamp = std::fs::metadata(&program).ok().map(|m| (m.len(), m.modified().ok()));
        let identity = crate::hash::of(&(&program, stamp));
        Ok(Printer { program, identity })
    }

    /// Prints the page at `page` (a path in the output, `reports/x/index.html`) to PDF bytes.
    /// `files` holds the page and what it loads; `base_path` is the site's (`/policy/`).
    pub fn print(&self, files: PrintFiles, base_path: &str, page: &str) -> Result<Vec<u8>, EnvError> {
        let headings = match files.get(page) {
            Some(Served::Bytes(html)) => headings_of(&String::from_utf8_lossy(html)),
            _ => Vec::new(),
        };
        let listener = TcpListener::bind("127.0.0.1:0")
            .map_err(|e| EnvError::new(format!("cannot open a local port to print from: {e}")))?;
        let stop = Arc::new(AtomicBool::new(false));
        let server = Arc::new(PrintServer { files, base_path: base_path.to_string() });
        let limits = Limits { timeout: Duration::from_secs(30), ..Limits::default() };
        let address = http::spawn_until(listener, server, limits, stop.clone())
            .map_err(|e| EnvError::new(format!("cannot serve the page to print: {e}")))?;
        let url = format!("http://{address}{base_path}{}", page.strip_suffix("index.html").unwrap_or(page));
        let result = self.run(&url);
        stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees `stop`.
        let _ = std::net::TcpStream::connect(address);
        result.map(|pdf| fix_outline(pdf, &headings))
    }

    fn run(&self, url: &str) -> Result<Vec<u8>, EnvError> {
        let work = TempDir::new()?;
        let pdf = work.0.join("print.pdf");
        let mut command = Command::new(&self.program);
        command
            .arg("--headless")
            .arg("--disable-gpu")
            .arg("--no-first-run")
            .arg("--no-default-browser-check")
            .arg("--disable-extensions")
            .arg("--disable-background-networking")
            .arg("--disable-sync")
            .arg("--hide-scrollbars")
            // (Scripts are not turned off: `--blink-settings=scriptEnabled=false` stops
            // Chromium's own printing, which then writes nothing.)
            .arg(format!("--user-data-dir={}", work.0.join("profile").display()))
            // Our own running footer (`@page` margin boxes), not the browser's.
            .arg("--no-pdf-header-footer")
            .arg("--generate-pdf-document-outline")
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        // Chromium refuses to run as root with its sandbox (containers, CI).
        if running_as_root() {
            command.arg("--no-sandbox");
        }
        let mut child = command.spawn().map_err(|e| {
            EnvError::new(format!("cannot start `{}` to print a PDF: {e}", self.program.display()))
                .help("check that the browser runs, or set BRIEFING_CHROME to another")
        })?;
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > PRINT_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(EnvError::new(format!(
                        "`{}` did not finish printing `{url}` in {} s",
                        self.program.display(),
                        PRINT_TIMEOUT.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(EnvError::new(format!("cannot wait for `{}`: {e}", self.program.display()))),
            }
        };
        let stderr = child.stderr.take().map(|mut e| {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut e, &mut text);
            text
        });
        match std::fs::read(&pdf) {
            Ok(bytes) if status.success() && bytes.starts_with(b"%PDF") => Ok(bytes),
            _ => {
                let said = stderr.unwrap_or_default();
                let last = said.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
                Err(EnvError::new(format!("`{}` did not print `{url}` ({status}): {last}", self.program.display()))
                    .help("check that the browser runs headless (`--headless --print-to-pdf`), or set BRIEFING_CHROME to another"))
            }
        }
    }
}

/// Writes `bytes` to `path` through a file beside it, renamed into place: a reader never sees
/// half a PDF, and a failed print leaves the last one.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "print.pdf".into());
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// The text of every heading of a page we wrote (`<h2 id="x">Title <em>a</em></h2>`: `Title a`).
pub fn headings_of(html: &str) -> Vec<String> {
    let mut headings = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        rest = &rest[at + 2..];
        let b = rest.as_bytes();
        if !(b.first().is_some_and(|c| (b'1'..=b'6').contains(c)) && matches!(b.get(1), Some(b'>') | Some(b' '))) {
            continue;
        }
        let close = format!("</h{}>", char::from(b[0]));
        let Some(open_end) = rest.find('>') else { break };
        let Some(end) = rest.find(&close) else { break };
        if end < open_end {
            continue;
        }
        let inner = &rest[open_end + 1..end];
        let mut text = String::with_capacity(inner.len());
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&amp;", "&");
        headings.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        rest = &rest[end..];
    }
    headings
}

/// Chromium's outline takes a heading's text from its laid-out lines: the space at a line
/// break is lost, and a heading laid out twice (moved to the next sheet) has its first line
/// written twice.
/// Each title is replaced by the heading of the page it stands for, compared without spaces and
/// case (print styles may set a heading in capitals). Best effort: a PDF that cannot be read
/// back is returned as it is.
fn fix_outline(pdf: Vec<u8>, headings: &[String]) -> Vec<u8> {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect::<String>();
    let known: HashMap<String, &str> = headings.iter().rev().map(|h| (squeeze(h), h.as_str())).collect();
    let Ok(mut doc) = lopdf::Document::load_mem(&pdf) else { return pdf };
    let first = doc
        .catalog()
        .and_then(|c| c.get(b"Outlines"))
        .and_then(lopdf::Object::as_reference)
        .and_then(|outlines| doc.get_dictionary(outlines))
        .and_then(|o| o.get(b"First"))
        .and_then(lopdf::Object::as_reference);
    let Ok(first) = first else { return pdf };
    let mut stack = vec![first];
    let mut seen = std::collections::HashSet::new();
    let mut changed = false;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Ok(item) = doc.get_dictionary(id) else { continue };
        for key in [&b"First"[..], b"Next"] {
            if let Ok(next) = item.get(key).and_then(lopdf::Object::as_reference) {
                stack.push(next);
            }
        }
        let Some(title) = item.get(b"Title").ok().and_then(|t| lopdf::decode_text_string(t).ok()) else { continue };
        let squeezed = squeeze(&title);
        // Moved to the next sheet, a heading's first line is written twice: `AB` as `AAB`.
        let heading = known.get(&squeezed).or_else(|| {
            known.iter().find_map(|(k, h)| {
                let extra = squeezed.strip_suffix(k.as_str())?;
                (!extra.is_empty() && k.starts_with(extra)).then_some(h)
            })
        });
        if let Some(&heading) = heading.filter(|h| **h != title) {
            if let Ok(lopdf::Object::Dictionary(item)) = doc.get_object_mut(id) {
                item.set("Title", lopdf::text_string(heading));
                changed = true;
            }
        }
    }
    if !changed {
        return pdf;
    }
    let mut fixed = Vec::with_capacity(pdf.len());
    match doc.save_to(&mut fixed) {
        Ok(()) => fixed,
        Err(_) => pdf,
    }
}

/// `name` found on `PATH`.
fn on_path(name: &Path) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

/// A folder of the system's temporary folder for one print, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, EnvError> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("briefing-print-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| EnvError::new(format!("cannot make a temporary folder `{}`: {e}", dir.display())))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Answers the browser from memory: the page and what it loads, nothing else.
struct PrintServer {
    files: PrintFiles,
    base_path: String,
}

impl Handler for PrintServer {
    fn reply(&self, request: &Request) -> Reply {
        let path = request.target.split(['?', '#']).next().unwrap_or("");
        let decoded = crate::routes::percent_decode(path).unwrap_or_default();
        let rel = decoded.strip_prefix(&self.base_path).unwrap_or("");
        let file = if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() };
        let bytes = match self.files.get(&file) {
            Some(Served::Bytes(bytes)) => Some(bytes.to_vec()),
            Some(Served::File(source)) => std::fs::read(source).ok(),
            None => None,
        };
        Reply::Response(match bytes {
            Some(bytes) => {
                let kind = crate::serve::content_type(Path::new(&file));
                Response::new(200, if request.head_only { Vec::new() } else { bytes }).header("Content-Type", kind)
            }
            None => Response::new(404, "not found").header("Content-Type", "text/plain; charset=utf-8"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_read_as_text() {
        let html =
            "<h1>Wartime <em>OPCON</em> transfer</h1><p>x</p><h2 id=\"a\">A &amp; B\n  C</h2><hr><header><h6>Last</h6>";
        assert_eq!(headings_of(html), ["Wartime OPCON transfer", "A & B C", "Last"]);
    }
}
