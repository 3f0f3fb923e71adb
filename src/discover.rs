//! Finds the content of a site: Markdown files, folders (sections) and other files (assets).
//! The only stage besides writing that touches the disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::slug::nfc;

/// One Markdown file, read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path under `content/`, NFC-normalised, `/`-separated (`briefs/opcon-transfer.md`).
    pub rel_path: String,
    /// The path shown in messages (`content/briefs/opcon-transfer.md`).
    pub display: String,
    pub text: Arc<str>,
}

/// A file under `content/` that is copied as is.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub rel_path: String,
    pub source: PathBuf,
}

#[derive(Debug, Default)]
pub struct Sources {
    pub markdown: Vec<SourceFile>,
    /// Every folder under `content/` (`""` for `content/` itself, else `briefs`, `briefs/a`), sorted.
    pub folders: Vec<String>,
    pub assets: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Hidden files and the temporary files editors leave beside the ones they save.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

/// What a walk of `content/` finds, before any file is read.
#[derive(Debug, Default)]
pub struct Walk {
    /// Markdown files: path under `content/` and path on disk.
    pub markdown: Vec<(String, PathBuf)>,
    pub folders: Vec<String>,
    pub assets: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walks `content_dir`. Symlinks are not followed (a link pointing outside the site could
/// otherwise pull any file into the output); a missing folder is an empty site.
pub fn walk(content_dir: &Path, display_prefix: &str) -> Walk {
    let mut found = Walk::default();
    if !content_dir.is_dir() {
        return found;
    }
    // Unsorted: sorting the paths found, once, is cheaper than walkdir's sort of every folder.
    let walker = WalkDir::new(content_dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| p.display().to_string()).unwrap_or_default();
                found.diagnostics.push(Diagnostic::error("io", format!("cannot read `{path}`: {e}")));
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(content_dir) else {
            continue;
        };
        let rel_path = nfc(&rel.to_string_lossy().replace('\\', "/"));
        let file_type = entry.file_type();
        if file_type.is_symlink() {
            found.diagnostics.push(
                Diagnostic::warning(
                    "symlink",
                    format!("`{display_prefix}{rel_path}` is a symbolic link and was skipped"),
                )
                .help("copy the file into content/ instead of linking to it"),
            );
        } else if file_type.is_dir() {
            found.folders.push(rel_path);
        } else if rel_path.ends_with(".md") {
            found.markdown.push((rel_path, entry.into_path()));
        } else {
            found.assets.push(Asset { rel_path, source: entry.into_path() });
        }
    }
    found.folders.sort_unstable();
    found.markdown.sort_unstable();
    found.assets.sort_unstable_by(|a, b| a.rel_path.cmp(&b.rel_path));
    found
}

/// Reads one Markdown file as UTF-8 text.
pub fn read_source(rel_path: String, path: &Path, display_prefix: &str) -> Result<SourceFile, Diagnostic> {
    let display = format!("{display_prefix}{rel_path}");
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::error("io", format!("cannot read `{display}`: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::error("not-utf8", format!("`{display}` is not UTF-8 text (invalid byte at offset {at})"))
            .help("save the file as UTF-8, or give it another extension than .md if it is not a brief")
    })?;
    Ok(SourceFile { rel_path, display, text: Arc::from(text) })
}

/// Walks `content_dir` and reads every Markdown file (in parallel).
pub fn discover(content_dir: &Path, display_prefix: &str) -> Sources {
    let found = walk(content_dir, display_prefix);
    let mut sources =
        Sources { folders: found.folders, assets: found.assets, diagnostics: found.diagnostics, ..Sources::default() };
    let read: Vec<Result<SourceFile, Diagnostic>> =
        found.markdown.into_par_iter().map(|(rel_path, path)| read_source(rel_path, &path, display_prefix)).collect();
    for r in read {
        match r {
            Ok(file) => sources.markdown.push(file),
            Err(d) => sources.diagnostics.push(d),
        }
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [".#x.md", "x.md~", ".x.md.swp", ".hidden", "#x.md#"] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["x.md", "map.png", "_index.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
