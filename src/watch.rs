//! `watch` is `build` with a memo: the session keeps a `build::Cache` and hands `build::run_with`
//! the paths the file watcher reported. Nothing here knows the stages or patches the output; the
//! invariant, tested, is that after any sequence of changes the output folder equals a fresh
//! `build` byte for byte.

use std::path::{Path, PathBuf};

use crate::build::{self, BuildError, BuildOptions, BuildReport, Cache, Mode, PagesWritten, Project};
use crate::discover::{self, Changes};
use crate::output;

/// The memo kept between builds, and what it was built from.
pub struct Session {
    options: BuildOptions,
    pub project: Project,
    cache: Cache,
    /// Paths of a rebuild that failed before reading them, handed to the next one.
    pending: Vec<PathBuf>,
}

impl Session {
    /// Resolves the project; reads nothing yet.
    pub fn new(options: BuildOptions) -> Result<Session, BuildError> {
        let project = Project::resolve(&options)?;
        project.check_output_dir().map_err(BuildError::Environment)?;
        // Pages are written in place from now on: the signatures a `build` recorded would no
        // longer describe them.
        output::forget_signatures(&project.output_dir);
        Ok(Session { options, project, cache: Cache::default(), pending: Vec::new() })
    }

    /// Builds everything.
    pub fn build(&mut self) -> Result<BuildReport, BuildError> {
        build::run_with(&self.project, Mode::Build, Some(&mut self.cache), &Changes::All, None)
    }

    /// Builds again after the files at `paths` changed (as the watcher reported them: created,
    /// modified, removed or renamed).
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<BuildReport, BuildError> {
        self.rebuild_then(changed, &mut |_| {})
    }

    /// `rebuild`, telling `on_pages` when the pages are in the output: before the files for other
    /// programs (`graph.json`, …) are written after them, when a browser can reload.
    pub fn rebuild_then(
        &mut self,
        changed: &[PathBuf],
        on_pages: &mut dyn FnMut(&PagesWritten),
    ) -> Result<BuildReport, BuildError> {
        let mut paths = std::mem::take(&mut self.pending);
        paths.extend_from_slice(changed);
        let result = self.rebuild_paths(&paths, on_pages);
        if result.is_err() {
            // The next rebuild looks at these again (a failed build may not have read them).
            self.pending = paths;
        }
        result
    }

    fn rebuild_paths(
        &mut self,
        paths: &[PathBuf],
        on_pages: &mut dyn FnMut(&PagesWritten),
    ) -> Result<BuildReport, BuildError> {
        let root = output::absolute(&self.project.root);
        let settings_changed = paths.iter().any(|p| {
            let p = output::absolute(p);
            p == root.join("site.yaml") || p.starts_with(root.join("themes")) || p == root
        });
        if settings_changed {
            // A bad site.yaml or theme keeps the last good project until it is fixed.
            self.project = Project::resolve(&self.options)?;
        }
        let changes = Changes::Paths(paths.to_vec());
        build::run_with(&self.project, Mode::Build, Some(&mut self.cache), &changes, Some(on_pages))
    }

    /// The files the site reads besides its folders: the bibliography files `site.yaml` names
    /// (they may live anywhere, `../zotero/library.json`).
    pub fn extra_sources(&self) -> Vec<PathBuf> {
        let root = output::absolute(&self.project.root);
        self.project.config.bibliography.iter().map(|f| lexical(&root.join(f))).collect()
    }

    /// The output folder.
    pub fn output_dir(&self) -> &Path {
        &self.project.output_dir
    }

    /// The path every URL of the site starts with (`/policy/`), as the server must serve it.
    pub fn base_path(&self) -> &str {
        &self.project.config.base_url.path
    }
}

/// `a/b/../c` → `a/c`, as the watcher reports paths.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether a changed path can matter to the site: not the output folder, `.git`, or an editor's
/// temporary file; one of `extra` (the bibliography files) always. Used to drop watcher events
/// before they cause a rebuild (no rebuild loops).
pub fn is_relevant(root: &Path, output_dir: &Path, extra: &[PathBuf], path: &Path) -> bool {
    if extra.iter().any(|e| e == path) {
        return true;
    }
    if path.starts_with(output_dir) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut components = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let Some(first) = components.next() else { return false };
    if !matches!(first.as_str(), "content" | "themes" | "static" | "site.yaml") {
        return false;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Files beside the output (lock, signatures) are the build's own.
    let generated = rel.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c == ".git" || c.contains(".briefing-")
    });
    let leftover =
        if first == "static" { discover::is_editor_leftover(&name) } else { discover::is_ignored_name(&name) };
    !generated && !leftover
}
