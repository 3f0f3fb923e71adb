//! `SiteTest`: a fixture site in a temp folder, built with the real binary.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SiteTest {
    dir: tempfile::TempDir,
    args: Vec<String>,
}

pub struct Run {
    pub code: i32,
    pub stderr: String,
    pub root: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl SiteTest {
    pub fn new() -> SiteTest {
        SiteTest { dir: tempfile::tempdir().unwrap(), args: vec![] }
    }

    /// A file at `path` under the site root.
    pub fn file(self, path: &str, text: &str) -> SiteTest {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
        self
    }

    /// A brief at `path` under `content/`.
    pub fn brief(self, path: &str, text: &str) -> SiteTest {
        self.file(&format!("content/{path}"), text)
    }

    pub fn config(self, yaml: &str) -> SiteTest {
        self.file("site.yaml", yaml)
    }

    pub fn arg(mut self, arg: &str) -> SiteTest {
        self.args.push(arg.to_string());
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `briefing <command> --root ROOT <args>`.
    pub fn run(&self, command: &str) -> Run {
        let mut args: Vec<std::ffi::OsString> = vec![command.into(), "--root".into(), self.dir.path().into()];
        args.extend(self.args.iter().map(Into::into));
        self.exec(&args)
    }

    /// The command `run` runs, for a test that sets more of it (limits, a user).
    pub fn command(&self, command: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_briefing"));
        c.arg(command).arg("--root").arg(self.dir.path()).args(&self.args).env_remove("NO_COLOR");
        c
    }

    /// Runs a command made by `command`.
    pub fn run_command(&self, mut command: Command) -> Run {
        let out = command.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            root: self.dir.path().to_path_buf(),
            _dir: None,
        }
    }

    fn exec(&self, args: &[std::ffi::OsString]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_briefing")).args(args).env_remove("NO_COLOR").output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            root: self.dir.path().to_path_buf(),
            _dir: None,
        }
    }

    pub fn build_ok(self) -> Run {
        let mut run = self.run("build");
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        run._dir = Some(self.dir);
        run
    }

    pub fn build_err(self) -> Run {
        let mut run = self.run("build");
        assert_eq!(run.code, 1, "build should fail with exit code 1:\n{}", run.stderr);
        run._dir = Some(self.dir);
        run
    }
}

impl Run {
    pub fn path(&self, path: &str) -> PathBuf {
        self.root.join("output").join(path)
    }

    pub fn exists(&self, path: &str) -> bool {
        self.path(path).exists()
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path(path))
            .unwrap_or_else(|e| panic!("cannot read output/{path}: {e}\n{}", self.stderr))
    }

    /// The `<main>` element of a page: what the page shows, without the site chrome.
    pub fn main_of(&self, path: &str) -> String {
        let html = self.read(path);
        let start = html.find("<main").unwrap_or(0);
        let end = html.find("</main>").map_or(html.len(), |e| e + 7);
        html[start..end].to_string()
    }
}

/// Every `href="…"` and `src="…"` value in an HTML text.
pub fn links_in(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            links.push(rest[..end].replace("&amp;", "&"));
        }
    }
    links
}

/// Every file under a folder, relative and `/`-separated.
pub fn files_under(dir: &Path) -> BTreeSet<String> {
    walk(dir).into_iter().map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/")).collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Resolves every internal `href`/`src` of every HTML file under `output/` (served under
/// `base_path`) to a file, and every `#fragment` to an `id` in the target; returns the failures.
pub fn broken_internal_links(output: &Path, base_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for rel in files_under(output) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(output.join(&rel)).unwrap();
        for link in links_in(&html) {
            if link.contains("://") || link.starts_with("mailto:") || link.starts_with("//") {
                continue;
            }
            let (path, fragment) = link.split_once('#').map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let path = percent_decode(path.split('?').next().unwrap());
            let path = path.as_str();
            let target = if path.is_empty() {
                output.join(&rel)
            } else if let Some(rooted) = path.strip_prefix(base_path) {
                let mut t = output.join(rooted);
                if path.ends_with('/') {
                    t = t.join("index.html");
                }
                t
            } else {
                broken.push(format!("{rel}: `{link}` is outside the base path {base_path}"));
                continue;
            };
            if !target.is_file() {
                broken.push(format!("{rel}: `{link}` has no file"));
                continue;
            }
            if let Some(fragment) = fragment {
                if target.extension().is_some_and(|e| e == "html") {
                    let text = std::fs::read_to_string(&target).unwrap();
                    if !text.contains(&format!("id=\"{fragment}\"")) {
                        broken.push(format!("{rel}: `{link}` has no element with that id"));
                    }
                }
            }
        }
    }
    broken
}

impl SiteTest {
    /// Runs `briefing build --root ROOT --output OUTPUT`.
    pub fn run_with_output(&self, output: &Path) -> Run {
        self.exec(&["build".into(), "--root".into(), self.dir.path().into(), "--output".into(), output.into()])
    }
}

/// Decodes `%XX` escapes, as a browser does before asking for a file.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}
