//! What keeps writing inside the output: the output folder refused where it would replace the
//! site's sources or a home folder, paths that cannot leave it, and files opened without
//! following a symbolic link.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::EnvError;

use super::{MARKER, STAGING};

/// Refuses output folders whose replacement would lose the user's files.
pub fn check_output_dir(output: &Path, protected: &[(&str, &Path)], home: Option<&Path>) -> Result<(), EnvError> {
    let output = absolute(output);
    if output.parent().is_none() {
        return Err(EnvError::new(format!(
            "refusing to write the site into `{}`: it is the root of the file system",
            output.display()
        )));
    }
    if home.map(absolute).as_deref() == Some(output.as_path()) {
        return Err(EnvError::new(format!(
            "refusing to write the site into `{}`: it is your home folder",
            output.display()
        )));
    }
    for (name, path) in protected {
        let path = absolute(path);
        if path.starts_with(&output) {
            return Err(EnvError::new(format!(
                "refusing to write the site into `{}`: it is or contains the {name} (`{}`), which the build replaces",
                output.display(),
                path.display()
            )));
        }
        if *name != "site root" && output.starts_with(&path) {
            return Err(EnvError::new(format!(
                "refusing to write the site into `{}`: it is inside the {name}",
                output.display()
            )));
        }
    }
    if output.is_dir() {
        let mut entries =
            fs::read_dir(&output).map_err(|e| EnvError::new(format!("cannot read `{}`: {e}", output.display())))?;
        let has_marker = output.join(MARKER).is_file();
        if !has_marker && entries.next().is_some() {
            return Err(EnvError::new(format!(
                "refusing to replace `{}`: it is not empty and was not created by briefing (no `{MARKER}` file in it)",
                output.display()
            ))
            .help("choose an empty or new folder with --output, or empty this one"));
        }
    } else if output.exists() {
        return Err(EnvError::new(format!("`{}` exists and is not a folder", output.display())));
    }
    Ok(())
}

/// The absolute, lexically normalised form of a path (symlinks resolved where the path exists).
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve the existing part, so `/tmp/x/out` and `/private/tmp/x/out` compare equal.
    match (out.parent().and_then(|p| p.canonicalize().ok()), out.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => out,
    }
}

/// The longest output path (relative, in bytes) that can be written into `output_dir`: Linux
/// refuses paths of 4,096 bytes or more, and a file is first staged at
/// `OUTPUT/.briefing-staging/files/PATH`; never more than `routes::MAX_PATH_BYTES`.
pub fn path_budget(output_dir: &Path) -> usize {
    let prefix = absolute(output_dir).as_os_str().len() + format!("/{STAGING}/files/").len();
    4095usize.saturating_sub(prefix).min(crate::routes::MAX_PATH_BYTES)
}

/// A relative output path with only normal segments and no control character: nothing the
/// content says can make the build write outside the output folder, or split a line of the
/// commit's journal or of the signatures record (one path per line).
pub fn is_safe_relative(path: &str) -> bool {
    is_inside(path) && !path.contains(char::is_control)
}

/// A relative path that stays inside the folder it is relative to.
pub(super) fn is_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains(['\\', '\0']))
}

pub(super) fn check_safe(path: &str) -> io::Result<()> {
    if is_safe_relative(path) && path.split('/').next() != Some(STAGING) {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write unsafe path `{path}`")))
    }
}

/// Opens `root/rel` for reading only if every folder on the way is a real folder inside `root`
/// and the file a regular file: never through a symbolic link.
fn open_inside(root: &Path, rel: &str) -> Option<File> {
    let mut path = root.to_path_buf();
    for segment in rel.split('/') {
        path.push(segment);
        let meta = fs::symlink_metadata(&path).ok()?;
        if meta.file_type().is_symlink() {
            return None;
        }
    }
    let meta = fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() {
        return None;
    }
    File::open(&path).ok()
}

/// Whether the file at `root/rel` holds exactly `bytes` (read safely, see `open_inside`).
pub(super) fn holds(root: &Path, rel: &str, bytes: &[u8]) -> bool {
    let Some(mut file) = open_inside(root, rel) else { return false };
    if file.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    let mut existing = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut existing).is_ok() && existing == bytes
}

/// Reads a source file that is copied into the site, refusing anything but a regular file.
pub(super) fn read_regular(source: &Path) -> io::Result<Vec<u8>> {
    let meta = fs::symlink_metadata(source)?;
    if !meta.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
    }
    fs::read(source)
}
