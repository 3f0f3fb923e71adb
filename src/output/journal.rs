//! The commit's journal: the list of moves and removals written before any is made, and what
//! carries out or completes a commit from it (`recover`, after an interrupted build).

use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::guard::is_inside;
use super::{signatures_path, stamp, MARKER, STAGING};

/// In the staging folder: the journal whose presence means the commit has begun.
pub(super) const JOURNAL: &str = "commit";

/// A path as one line of the journal or the signatures record: `%` and control characters
/// (a newline in a file name left by someone else) percent-encoded.
pub(super) fn encode_line(path: &str) -> String {
    let mut line = String::with_capacity(path.len());
    for c in path.chars() {
        if c == '%' || c.is_control() {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                line.push_str(&format!("%{b:02X}"));
            }
        } else {
            line.push(c);
        }
    }
    line
}

pub(super) fn decode_line(line: &str) -> Option<String> {
    crate::routes::percent_decode(line)
}

/// Completes a commit whose journal exists, or removes a staging folder without one.
pub fn recover(output: &Path) -> io::Result<()> {
    let dir = output.join(STAGING);
    if !dir.exists() {
        return Ok(());
    }
    if dir.join(JOURNAL).is_file() {
        apply(output, usize::MAX)
    } else {
        fs::remove_dir_all(&dir)
    }
}

/// The commit after its journal is written: move the staged files in, remove the files listed,
/// record the signatures, remove the staging folder. Each step can be done again, so a commit
/// stopped anywhere is completed by running this again. `limit` stops it after so many steps.
pub(super) fn apply(output: &Path, limit: usize) -> io::Result<()> {
    let dir = output.join(STAGING);
    let mut steps = 0;
    let mut step = || {
        steps += 1;
        steps <= limit
    };
    let files = dir.join("files");
    if files.is_dir() && !merge(&files, output, &mut step)? {
        return Ok(());
    }
    let journal = fs::read_to_string(dir.join(JOURNAL))?;
    let mut parents = Vec::new();
    for rel in journal.lines().filter_map(decode_line).filter(|l| is_inside(l)) {
        let rel = rel.as_str();
        if !step() {
            return Ok(());
        }
        let path = output.join(rel);
        // A path listed because it was a file (or link) may be a folder of the new site by now.
        let is_folder = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if inside_real_folders(output, rel) && !is_folder {
            match fs::remove_file(&path) {
                Ok(()) => parents.push(path),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    for path in parents {
        remove_empty_parents(output, &path);
    }
    if !step() {
        return Ok(());
    }
    let signatures = dir.join("signatures");
    let record = signatures_path(output);
    if signatures.is_file() {
        // Each file's size and time go with its signature: a file changed or removed by hand
        // since is not taken as the build's own (see `read_signatures`).
        let text = fs::read_to_string(&signatures)?;
        let stamped: Vec<String> = text
            .par_lines()
            .filter_map(|line| {
                let (hash, encoded) = line.split_once(' ')?;
                let (len, modified) = stamp(&output.join(decode_line(encoded)?))?;
                Some(format!("{hash} {len} {modified} {encoded}\n"))
            })
            .collect();
        fs::write(&signatures, stamped.concat())?;
        fs::rename(&signatures, &record)?;
    } else {
        let _ = fs::remove_file(&record);
    }
    fs::remove_dir_all(&dir)
}

/// Whether every folder on the way to `root/rel` is a real folder (no symbolic link).
fn inside_real_folders(root: &Path, rel: &str) -> bool {
    let mut path = root.to_path_buf();
    let segments: Vec<&str> = rel.split('/').collect();
    for segment in &segments[..segments.len().saturating_sub(1)] {
        path.push(segment);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            _ => return false,
        }
    }
    true
}

/// Moves everything under `from` to the same place under `to`, replacing what is there: a
/// folder that does not exist yet is moved whole, in one rename. Never follows a symbolic link
/// in `to`: one found on the way is replaced. Returns false when `step` said to stop.
fn merge(from: &Path, to: &Path, step: &mut impl FnMut() -> bool) -> io::Result<bool> {
    let mut entries: Vec<_> = fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let source = entry.path();
        let target = to.join(entry.file_name());
        let is_dir = entry.file_type()?.is_dir();
        let existing = fs::symlink_metadata(&target).ok();
        match existing {
            Some(m) if is_dir && m.is_dir() => {
                if !merge(&source, &target, step)? {
                    return Ok(false);
                }
                continue;
            }
            Some(m) if m.is_dir() => fs::remove_dir_all(&target)?,
            Some(m) if is_dir || m.file_type().is_symlink() => fs::remove_file(&target)?,
            _ => {}
        }
        if !step() {
            return Ok(false);
        }
        fs::rename(&source, &target)?;
    }
    Ok(true)
}

/// Every file under the output folder (symbolic links included, not followed), relative, but
/// the staging folder and the marker.
pub(super) fn files_in(output: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(output)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == STAGING));
    for entry in walker {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(output).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        if rel != MARKER {
            files.push(rel);
        }
    }
    Ok(files)
}

/// Removes the folders left empty by a removed file, up to the output folder.
fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
