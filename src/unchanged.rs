//! A `build` with nothing to do. After each build, a record beside the output keeps what the
//! build depended on (every file under `content/` and `static/` and the bibliography, by path,
//! size, times and inode; the build identity: binary, theme, `site.yaml`, options; today's date)
//! and what the output was (each folder's time, besides the files' stamps `read_signatures`
//! checks). When the next build finds both as recorded, it ends there and shows the last build's
//! messages again: reading and rendering 10,000 briefs to learn that nothing changed took 5.5 s.
//!
//! A file changed within the same tick of the file system's clock as the last build read it
//! could keep its stamp: when an input is younger than `RACY`, no record is written, so the next
//! build reads everything (what git calls the "racy" case).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::build::{BuildReport, Project};
use crate::diagnostics::{self, Diagnostic};
use crate::discover::{is_editor_leftover, is_ignored_name};
use crate::hash;
use crate::output;

/// How old the newest input must be for its stamp to be trusted (FAT keeps times to 2 s).
const RACY: Duration = Duration::from_secs(3);

/// The inputs of a build, as one key, or `None` when they cannot be trusted to tell a change
/// (an input too young, or a folder that cannot be read).
pub fn inputs_key(project: &Project) -> Option<u64> {
    let started = SystemTime::now();
    let mut sum = 0u64;
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut add = |folder: usize, path: &Path, meta: &fs::Metadata| {
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let changed = changed(meta);
        newest = newest.max(modified).max(changed.0);
        // Order-free: the walk's order is the file system's.
        sum = sum.wrapping_add(hash::of(&(folder, path, meta.is_dir(), meta.len(), modified, changed)));
    };
    // Skipped as `discover` skips them.
    let skips: [fn(&str) -> bool; 2] = [is_ignored_name, is_editor_leftover];
    let folders = [&project.content_dir, &project.static_dir].into_iter().zip(skips);
    for (index, (dir, skip)) in folders.into_iter().enumerate() {
        let walker = WalkDir::new(dir).follow_links(false).into_iter();
        for entry in walker.filter_entry(|e| e.depth() == 0 || !skip(&e.file_name().to_string_lossy())) {
            match entry {
                Ok(entry) => add(index, entry.path(), &entry.metadata().ok()?),
                // A folder that does not exist is an input as well (no `static/`).
                Err(e) if e.depth() == 0 && e.io_error().is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) => {}
                Err(_) => return None,
            }
        }
    }
    for rel in &project.config.bibliography {
        let meta = fs::metadata(project.root.join(rel)).ok()?;
        add(2, Path::new(rel), &meta);
    }
    if started.duration_since(newest).map_or(true, |age| age < racy()) {
        return None;
    }
    let today = project.config.timezone.today_date();
    // Where the site and its output are: the route table's path budget depends on the output's
    // path, and a moved site with `--root .` hashes the same relative paths.
    let places = (std::path::absolute(&project.root).ok()?, std::path::absolute(&project.output_dir).ok()?);
    Some(hash::of(&(project.identity, today, project.deny_stale, places, sum)))
}

/// When a file's metadata last changed, and its inode, where the system keeps them: a file put
/// back with its old modification time (`cp -p`, `rsync -t`) still counts as changed.
pub(crate) fn changed(meta: &fs::Metadata) -> (SystemTime, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let since = Duration::new(meta.ctime().max(0) as u64, meta.ctime_nsec().clamp(0, 999_999_999) as u32);
        (SystemTime::UNIX_EPOCH + since, meta.ino())
    }
    #[cfg(not(unix))]
    {
        (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), 0)
    }
}

/// How old the newest input must be; tests set it with `BRIEFING_TEST_RACY_MS`.
fn racy() -> Duration {
    let test = std::env::var("BRIEFING_TEST_RACY_MS").ok().and_then(|ms| ms.parse().ok());
    test.map_or(RACY, Duration::from_millis)
}

/// What the last build recorded.
#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    key: u64,
    pub pages: usize,
    pub briefs: usize,
    pub terms: usize,
    /// Files of the output, each of which `read_signatures` must find as written.
    pub files: usize,
    /// `1 warning`: the summary of its messages.
    pub summary: String,
    /// Its notes (`-v`).
    pub notes: Vec<String>,
    /// Its messages as printed: grouped (the default) and one by one (`-v`).
    grouped: Vec<Shown>,
    all: Vec<Shown>,
    /// Every folder of the output and its time of modification: a file added anywhere changes
    /// one (a file edited or removed is found by its own stamp).
    folders: Vec<(String, u128)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Shown {
    plain: String,
    color: String,
}

impl Record {
    /// The last build's messages, as `print_diagnostics` would print them (none are errors: a
    /// build with errors records nothing).
    pub fn messages(&self, quiet: bool, verbose: bool, color: bool) -> impl Iterator<Item = &str> {
        let list = if verbose { &self.all } else { &self.grouped };
        let shown = if quiet { &list[..0] } else { &list[..] };
        shown.iter().map(move |s| if color { s.color.as_str() } else { s.plain.as_str() })
    }
}

fn record_path(output_dir: &Path) -> PathBuf {
    output::beside(output_dir, "unchanged")
}

/// The last build's record, when the output is as that build left it: `intact` of its files as
/// written (`read_signatures`), its folders with the same times (a file added changes one).
/// The caller compares the record's inputs with its own (`matches`).
pub fn output_as_recorded(output_dir: &Path, intact: usize) -> Option<Record> {
    let text = fs::read(record_path(output_dir)).ok()?;
    let record: Record = serde_json::from_slice(&text).ok()?;
    if record.files != intact {
        return None;
    }
    let same = record.folders.par_iter().all(|(rel, time)| folder_time(&output_dir.join(rel)) == Some(*time));
    same.then_some(record)
}

impl Record {
    /// Whether the record was made from inputs with this key.
    pub fn matches(&self, key: Option<u64>) -> bool {
        key == Some(self.key)
    }
}

/// Removes the record: the next build reads everything.
pub fn forget(output_dir: &Path) {
    let _ = fs::remove_file(record_path(output_dir));
}

/// Records a build that wrote `files` files (with a signature) into the output, for
/// the next build to find nothing changed. No record when `key` is `None`.
pub fn record(project: &Project, key: Option<u64>, report: &BuildReport, files: usize) {
    let Some(key) = key else {
        forget(&project.output_dir);
        return;
    };
    // Every folder of the output, the site's and any other (a folder the site does not own
    // survives a build when empty; a file put in it later must be found).
    let output = &project.output_dir;
    let mut folders = Vec::new();
    let walker = WalkDir::new(output).follow_links(false).into_iter().filter_entry(|e| e.file_type().is_dir());
    for entry in walker {
        let time = entry.ok().and_then(|e| {
            let rel = e.path().strip_prefix(output).ok()?.to_string_lossy().replace('\\', "/");
            Some((rel, folder_time(e.path())?))
        });
        match time {
            Some(folder) => folders.push(folder),
            None => {
                forget(output);
                return;
            }
        }
    }
    let shown = |list: &[Diagnostic]| {
        list.iter().map(|d| Shown { plain: d.render(false), color: d.render(true) }).collect::<Vec<_>>()
    };
    let diagnostics = &report.diagnostics;
    let record = Record {
        key,
        pages: report.pages,
        briefs: report.briefs,
        terms: report.terms,
        files,
        summary: if diagnostics.is_empty() { String::new() } else { diagnostics::summary(diagnostics) },
        grouped: shown(&diagnostics::group(diagnostics)),
        all: shown(diagnostics),
        notes: report.notes.clone(),
        folders,
    };
    let path = record_path(output);
    let temp = output::beside(output, "unchanged.tmp");
    let written = serde_json::to_vec(&record).ok().is_some_and(|bytes| fs::write(&temp, bytes).is_ok());
    if !(written && fs::rename(&temp, &path).is_ok()) {
        let _ = fs::remove_file(&temp);
        forget(output);
    }
}

fn folder_time(path: &Path) -> Option<u128> {
    let meta = fs::symlink_metadata(path).ok().filter(fs::Metadata::is_dir)?;
    Some(meta.modified().ok()?.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_nanos())
}
