//! The local server of `watch`: serves the output folder under the path of `base_url`, injects
//! the live-reload script into HTML responses (never into the files), and pushes `reload` or
//! the build's errors to the browser over Server-Sent Events.

use std::net::{SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};

pub mod http;

use http::{Handler, Limits, Reply, Request, Response};

/// Where the live-reload events are served (outside any site path).
pub const EVENTS_PATH: &str = "/__briefing/events";

/// What the browser is told after a rebuild.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The site changed: reload the page.
    Reload,
    /// Only stylesheets changed: refresh them in place.
    Css,
    /// The last change broke the build: show these diagnostics over the page.
    Errors(String),
}

/// Fans events out to every connected browser and remembers the current error, so a page
/// opened while the build is broken shows it at once.
#[derive(Default)]
pub struct Hub {
    /// Each open event stream, which takes the events as the text it sends.
    clients: Mutex<Vec<Sender<String>>>,
    current_error: Mutex<Option<String>>,
}

impl Hub {
    /// Whether browsers are showing the errors of the last rebuild.
    pub fn has_error(&self) -> bool {
        self.current_error.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    pub fn send(&self, event: Event) {
        *self.current_error.lock().unwrap_or_else(|e| e.into_inner()) = match &event {
            Event::Errors(text) => Some(text.clone()),
            _ => None,
        };
        let text = event_text(&event);
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).retain(|client| client.send(text.clone()).is_ok());
    }

    /// The event streams open (as of the last event sent, which prunes closed ones).
    pub fn listeners(&self) -> usize {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn subscribe(&self) -> Receiver<String> {
        let (sender, receiver) = mpsc::channel();
        if let Some(error) = self.current_error.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            let _ = sender.send(event_text(&Event::Errors(error)));
        }
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).push(sender);
        receiver
    }
}

/// The script added before `</body>` of every HTML page `watch` serves.
const LIVE_RELOAD: &str = r#"<script>
(function () {
  var source = new EventSource("/__briefing/events");
  function overlay(text) {
    var box = document.getElementById("briefing-errors");
    if (!text) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "briefing-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;background:#1b1b1f;color:#f4f4f5;border-top:4px solid #e5484d;padding:0.75rem 1rem 1rem;box-sizing:border-box;text-align:left";
      var head = document.createElement("div");
      head.style.cssText = "display:flex;align-items:flex-start;gap:1rem";
      var says = document.createElement("p");
      says.style.cssText = "margin:0;flex:1;font:600 14px/1.4 system-ui,sans-serif";
      says.textContent = "briefing: the last change did not build; the page shows the last good version.";
      var close = document.createElement("button");
      close.type = "button";
      close.setAttribute("aria-label", "Close");
      close.textContent = "\u00d7";
      close.style.cssText = "flex:none;min-width:32px;min-height:32px;font:20px/1 system-ui,sans-serif;color:inherit;background:transparent;border:1px solid #71717a;border-radius:4px;cursor:pointer";
      close.addEventListener("click", function () { box.remove(); });
      head.appendChild(says);
      head.appendChild(close);
      // Not wrapped, in one monospace font: a caret stays under the code it marks, however
      // narrow the screen (long lines scroll sideways).
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0.75rem 0 0;white-space:pre;overflow-x:auto;font:13px/1.45 'DejaVu Sans Mono','Noto Sans Mono','Liberation Mono',Menlo,Consolas,monospace;font-variant-ligatures:none;tab-size:4";
      box.appendChild(head);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = text;
  }
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function () {
    overlay(null);
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("reload", Date.now());
      link.href = url.toString();
    });
  });
  source.addEventListener("errors", function (e) { overlay(JSON.parse(e.data)); });
})();
</script>
"#;

/// The path the site is served under (`/policy/`): it changes when `base_url` does.
pub type BasePath = Arc<RwLock<String>>;

/// Serves `output_dir` under `base_path` from `listener`, on threads of its own, until the
/// process ends; returns the address it listens on.
pub fn serve(
    listener: TcpListener,
    output_dir: PathBuf,
    base_path: BasePath,
    hub: Arc<Hub>,
) -> std::io::Result<SocketAddr> {
    serve_with(listener, Preview { output_dir, base_path, hub }, Limits::default())
}

/// `serve` with other limits (for tests).
pub fn serve_with(listener: TcpListener, preview: Preview, limits: Limits) -> std::io::Result<SocketAddr> {
    http::spawn(listener, Arc::new(preview), limits)
}

/// What the preview serves: the output folder under the base path, and the hub's events.
pub struct Preview {
    pub output_dir: PathBuf,
    pub base_path: BasePath,
    pub hub: Arc<Hub>,
}

impl Handler for Preview {
    fn reply(&self, request: &Request) -> Reply {
        let path = request.target.split(['?', '#']).next().unwrap_or("");
        if path == EVENTS_PATH {
            let hub = self.hub.clone();
            return Reply::Events { first: "retry: 500\n\n".into(), subscribe: Box::new(move || hub.subscribe()) };
        }
        let base = self.base_path.read().unwrap_or_else(|e| e.into_inner()).clone();
        let output_dir = &self.output_dir;
        Reply::Response(match resolve(output_dir, &base, path) {
            Resolved::File(file) => file_response(&file, 200),
            Resolved::Redirect(to) => {
                Response::new(301, "").header("Location", crate::routes::percent_encode_non_ascii(&to))
            }
            Resolved::BadRequest => Response::new(400, "bad request"),
            Resolved::NotFound => match output_dir.join("404.html") {
                page if page.is_file() => file_response(&page, 404),
                _ => Response::new(404, "not found"),
            },
        })
    }
}

fn file_response(file: &Path, status: u16) -> Response {
    let Ok(bytes) = std::fs::read(file) else { return Response::new(404, "not found") };
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") { inject_live_reload(bytes) } else { bytes };
    Response::new(status, body).header("Content-Type", content_type).header("Cache-Control", "no-store")
}

/// Adds the live-reload script before `</body>` (or at the end).
pub fn inject_live_reload(html: Vec<u8>) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + LIVE_RELOAD.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(LIVE_RELOAD.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[derive(Debug, PartialEq)]
pub enum Resolved {
    File(PathBuf),
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a request path to a file of the output folder. Anything that could climb out of it
/// (`..`, encoded or not, backslashes, NUL) is a bad request.
pub fn resolve(output_dir: &Path, base_path: &str, path: &str) -> Resolved {
    let Some(decoded) = crate::routes::percent_decode(path) else { return Resolved::BadRequest };
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return Resolved::BadRequest;
    }
    if decoded.split('/').any(|s| s == ".." || s == ".") {
        return Resolved::BadRequest;
    }
    if decoded == "/" && base_path != "/" {
        return Resolved::Redirect(base_path.to_string());
    }
    let Some(rel) = decoded.strip_prefix(base_path).or_else(|| (decoded.clone() + "/" == base_path).then_some(""))
    else {
        return Resolved::NotFound;
    };
    if decoded.len() + 1 == base_path.len() {
        return Resolved::Redirect(base_path.to_string());
    }
    let rel_path = Path::new(rel);
    if rel_path.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Resolved::BadRequest;
    }
    // The build's own files are not part of the site, and a symbolic link inside the output
    // folder is never followed out of it.
    if rel.split('/').any(|s| s.starts_with(".briefing")) || through_symlink(output_dir, rel) {
        return Resolved::NotFound;
    }
    let full = output_dir.join(rel_path);
    if full.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{path}/"));
        }
        let index = full.join("index.html");
        let is_file = std::fs::symlink_metadata(&index).is_ok_and(|m| m.is_file());
        return if is_file { Resolved::File(index) } else { Resolved::NotFound };
    }
    if full.is_file() {
        Resolved::File(full)
    } else {
        Resolved::NotFound
    }
}

/// Whether any part of `rel` under `root` is a symbolic link.
fn through_symlink(root: &Path, rel: &str) -> bool {
    let mut path = root.to_path_buf();
    for segment in rel.split('/').filter(|s| !s.is_empty()) {
        path.push(segment);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

pub fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => {
            if path.file_name().is_some_and(|n| n == "atom.xml") {
                "application/atom+xml"
            } else {
                "application/xml"
            }
        }
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn event_text(event: &Event) -> String {
    match event {
        Event::Reload => "event: reload\ndata: {}\n\n".to_string(),
        Event::Css => "event: css\ndata: {}\n\n".to_string(),
        Event::Errors(text) => format!("event: errors\ndata: {}\n\n", serde_json::to_string(text).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_map_to_files_or_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("briefs/x")).unwrap();
        std::fs::write(out.join("briefs/x/index.html"), "x").unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        assert_eq!(resolve(out, "/", "/"), Resolved::File(out.join("index.html")));
        assert_eq!(resolve(out, "/", "/briefs/x/"), Resolved::File(out.join("briefs/x/index.html")));
        assert_eq!(resolve(out, "/", "/briefs/x"), Resolved::Redirect("/briefs/x/".into()));
        assert_eq!(resolve(out, "/", "/nope/"), Resolved::NotFound);
        for bad in ["/../etc/passwd", "/%2e%2e/etc/passwd", "/briefs/..%2f..%2fetc", "/a\\b", "/%00", "/%zz", "/./x"] {
            assert_eq!(resolve(out, "/", bad), Resolved::BadRequest, "{bad}");
        }
        assert_eq!(resolve(out, "/policy/", "/"), Resolved::Redirect("/policy/".into()));
        assert_eq!(resolve(out, "/policy/", "/policy"), Resolved::Redirect("/policy/".into()));
        assert_eq!(resolve(out, "/policy/", "/policy/briefs/x/"), Resolved::File(out.join("briefs/x/index.html")));
        assert_eq!(resolve(out, "/policy/", "/briefs/x/"), Resolved::NotFound);
        for hidden in ["/.briefing-staging/files/index.html", "/x/.briefing-output"] {
            assert_eq!(resolve(out, "/", hidden), Resolved::NotFound, "{hidden}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_never_followed_out_of_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let (out, secret) = (dir.path().join("out"), dir.path().join("secret"));
        std::fs::create_dir_all(out.join("page")).unwrap();
        std::fs::create_dir_all(&secret).unwrap();
        std::fs::write(secret.join("index.html"), "secret").unwrap();
        std::os::unix::fs::symlink(&secret, out.join("linked")).unwrap();
        std::os::unix::fs::symlink(secret.join("index.html"), out.join("page/index.html")).unwrap();
        std::os::unix::fs::symlink(secret.join("index.html"), out.join("file.html")).unwrap();
        for path in ["/linked/", "/linked/index.html", "/page/", "/file.html"] {
            assert_eq!(resolve(&out, "/", path), Resolved::NotFound, "{path}");
        }
    }

    #[test]
    fn content_types() {
        for (name, expected) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.json", "application/json"),
            ("atom.xml", "application/atom+xml"),
            ("sitemap.xml", "application/xml"),
            ("a.png", "image/png"),
            ("a.woff2", "font/woff2"),
        ] {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }

    #[test]
    fn live_reload_goes_before_the_body_end() {
        let html = inject_live_reload(b"<html><body><p>x</p></body></html>".to_vec());
        let text = String::from_utf8(html).unwrap();
        assert!(text.contains("<p>x</p><script>"), "{text}");
        assert!(text.ends_with("</script>\n</body></html>"), "{text}");
    }
}
