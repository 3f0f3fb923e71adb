//! `watch` is `build` with a memo: the session keeps a `build::Cache` and hands `build::run_with`
//! the paths the file watcher reported. Nothing here knows the stages or patches the output; the
//! invariant, tested, is that after any sequence of changes the output folder equals a fresh
//! `build` byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind, RenameMode};
use notify::EventKind;

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

    /// `rebuild_then` after the file watcher lost events (its queue overflowed): every file is
    /// read again and compared with what the memo holds.
    pub fn rescan_then(&mut self, on_pages: &mut dyn FnMut(&PagesWritten)) -> Result<BuildReport, BuildError> {
        self.pending.clear();
        self.project = Project::resolve(&self.options)?;
        build::run_with(&self.project, Mode::Build, Some(&mut self.cache), &Changes::All, Some(on_pages))
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
    // Files beside the output (`.output.briefing-lock`, …) are the build's own; a brief may be
    // named `daily.briefing-notes.md`.
    let generated = rel.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c == ".git" || (c.starts_with('.') && c.contains(".briefing-"))
    });
    let leftover =
        if first == "static" { discover::is_editor_leftover(&name) } else { discover::is_ignored_name(&name) };
    !generated && !leftover
}

/// What a file event says about the save it is part of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Not an edit: a read, or a change of metadata only (touch, chmod).
    Ignore,
    /// The file is in place: written and closed, or renamed over the old one (how editors save).
    Complete,
    /// More may follow: a file created or still being written.
    Partial,
    /// The file is gone: removed or renamed away (an editor that saves by renaming may move the
    /// old file away before the new one takes its name).
    Gone,
    /// The system dropped events (its queue overflowed): any file may have changed.
    Rescan,
}

/// What a file event says of each of its paths (as `notify` reports inotify's, FSEvents' or a
/// poll's events).
pub fn signals(event: notify::Event) -> Vec<(Signal, PathBuf)> {
    let signal = match event.kind {
        _ if event.need_rescan() => Signal::Rescan,
        // A rename within the site, after its `From` and `To` events: one path gone, one in place.
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
            let signals = [Signal::Gone, Signal::Complete].into_iter().chain(std::iter::repeat(Signal::Partial));
            return signals.zip(event.paths).collect();
        }
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Signal::Complete,
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => Signal::Complete,
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) | EventKind::Remove(_) => Signal::Gone,
        // A poll reports a write as a new modification time.
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => Signal::Partial,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => Signal::Ignore,
        _ => Signal::Partial,
    };
    match signal {
        Signal::Rescan => vec![(Signal::Rescan, PathBuf::new())],
        Signal::Ignore => Vec::new(),
        _ => event.paths.into_iter().map(|p| (signal, p)).collect(),
    }
}

/// How long `watch` waits for the rest of a save whose files are all in place (a second file,
/// the editor's rename of its backup): a save's events come within microseconds of each other.
pub const SETTLE: Duration = Duration::from_millis(1);

/// How long it waits for more events while a file is not in place (being written, or removed and
/// perhaps about to be replaced); also all it has where no event says a file was closed (polling,
/// FSEvents). A save split in two is two rebuilds, each equal to a fresh build of what was on
/// disk, so the last one is right either way.
pub const DEBOUNCE: Duration = Duration::from_millis(5);

/// The longest `watch` gathers events before it rebuilds (a program writing for a long time).
pub const GATHER_LIMIT: Duration = Duration::from_millis(250);

/// File events gathered into one rebuild: the paths, and whether each one is settled (no more
/// events expected of its save).
#[derive(Debug, Default)]
pub struct Gathered {
    paths: BTreeMap<PathBuf, bool>,
    rescan: bool,
}

impl Gathered {
    /// Adds a path with its signal (the last signal of a path decides whether it is settled).
    pub fn add(&mut self, signal: Signal, path: PathBuf) {
        // A file of a source's extension may be replaced when it goes; one without is a temporary
        // file (`sed -i`, `perl -pi` and vim's `4913` write such names), about to be renamed
        // over a brief when it is closed, done when it goes.
        let source = has_source_extension(&path);
        let settled = match signal {
            Signal::Ignore => return,
            Signal::Rescan => {
                self.rescan = true;
                return;
            }
            Signal::Complete => source,
            Signal::Gone => !source,
            Signal::Partial => false,
        };
        self.paths.insert(path, settled);
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    /// Whether the watcher lost events: the rebuild must read everything.
    pub fn needs_rescan(&self) -> bool {
        self.rescan
    }

    /// How long to wait for another event before rebuilding.
    pub fn wait(&self) -> Duration {
        if self.paths.values().all(|&complete| complete) && !self.rescan {
            SETTLE
        } else {
            DEBOUNCE
        }
    }

    /// The paths gathered, sorted.
    pub fn into_paths(self) -> Vec<PathBuf> {
        self.paths.into_keys().collect()
    }
}

/// Whether a file's extension is one of the text files a site is made of (briefs, settings,
/// templates, styles, bibliographies).
fn has_source_extension(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    ["md", "markdown", "yaml", "yml", "toml", "html", "css", "js", "json", "bib", "ris", "csl", "svg"]
        .iter()
        .any(|known| extension.eq_ignore_ascii_case(known))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind};
    use notify::Event;

    fn signal(kind: EventKind) -> Signal {
        let path = PathBuf::from("/site/content/a.md");
        match &signals(Event::new(kind).add_path(path.clone()))[..] {
            [] => Signal::Ignore,
            [(signal, p)] if *p == path => *signal,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_save_is_complete_when_its_file_is_closed_or_renamed_into_place() {
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert_eq!(signal(closed), Signal::Complete);
        assert_eq!(signal(EventKind::Modify(ModifyKind::Name(RenameMode::To))), Signal::Complete);
        assert_eq!(signal(EventKind::Modify(ModifyKind::Data(DataChange::Any))), Signal::Partial);
        assert_eq!(signal(EventKind::Create(CreateKind::File)), Signal::Partial);
        assert_eq!(signal(EventKind::Remove(RemoveKind::File)), Signal::Gone);
        assert_eq!(signal(EventKind::Modify(ModifyKind::Name(RenameMode::From))), Signal::Gone);
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        assert_eq!(signal(read), Signal::Ignore);
        assert_eq!(signal(EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any))), Signal::Ignore);
        // `--poll` sees a write as a new modification time.
        assert_eq!(signal(EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime))), Signal::Partial);
        let overflow = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert_eq!(signals(overflow)[0].0, Signal::Rescan);
        // vim moves the brief to its backup before it writes the new one: the brief is gone.
        let (brief, backup) = (PathBuf::from("/s/content/a.md"), PathBuf::from("/s/content/a.md~"));
        let both = Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(brief.clone())
            .add_path(backup.clone());
        assert_eq!(signals(both), vec![(Signal::Gone, brief), (Signal::Complete, backup)]);
    }

    #[test]
    fn gathering_waits_longer_while_a_file_is_not_in_place() {
        let (a, b) = (PathBuf::from("/s/content/a.md"), PathBuf::from("/s/content/b.md"));
        let mut gathered = Gathered::default();
        assert!(gathered.is_empty());
        // Truncated and written: the writer may not be done.
        gathered.add(Signal::Partial, a.clone());
        assert_eq!(gathered.wait(), DEBOUNCE);
        gathered.add(Signal::Complete, a.clone());
        assert_eq!(gathered.wait(), SETTLE);
        // An editor that renames the old file away first: b is gone until its new file arrives.
        gathered.add(Signal::Gone, b.clone());
        assert_eq!(gathered.wait(), DEBOUNCE);
        gathered.add(Signal::Complete, b.clone());
        assert_eq!(gathered.wait(), SETTLE);
        gathered.add(Signal::Ignore, PathBuf::from("/s/content/c.md"));
        // `sed -i`'s temporary file, closed: it is about to be renamed over a brief.
        let mut sed = Gathered::default();
        sed.add(Signal::Complete, PathBuf::from("/s/content/sedX1b2c3"));
        assert_eq!(sed.wait(), DEBOUNCE);
        sed.add(Signal::Gone, PathBuf::from("/s/content/sedX1b2c3"));
        sed.add(Signal::Complete, a.clone());
        assert_eq!(sed.wait(), SETTLE, "the temporary file is gone, the brief in place");
        assert_eq!(gathered.into_paths(), vec![a, b]);
        let mut lost = Gathered::default();
        lost.add(Signal::Rescan, PathBuf::new());
        assert!(!lost.is_empty() && lost.needs_rescan());
        assert_eq!(lost.wait(), DEBOUNCE);
    }

    #[test]
    fn a_brief_may_have_briefing_in_its_name() {
        let (root, output) = (Path::new("/s"), Path::new("/s/output"));
        let relevant = |p: &str| is_relevant(root, output, &[], Path::new(p));
        assert!(relevant("/s/content/briefs/daily.briefing-notes.md"));
        assert!(relevant("/s/content/briefs/a.md"));
        assert!(!relevant("/s/content/briefs/.a.md.briefing-tmp"));
        assert!(!relevant("/s/content/.output.briefing-lock"));
        assert!(!relevant("/s/output/briefs/a/index.html"));
        assert!(!relevant("/s/.git/index"));
        assert!(!relevant("/s/notes.md"), "not a folder the site reads");
    }
}
