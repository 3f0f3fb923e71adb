//! Finds the sources of a site: Markdown files, folders (sections) and other files (assets)
//! under `content/`, and the files of `static/`. With a memo (`watch`), a rebuild walks and reads
//! only what the changed paths may have touched.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Code, Diagnostic, SourceText};
use crate::hash;
use crate::slug::nfc;

/// One Markdown file, read.
#[derive(Debug)]
pub struct SourceFile {
    /// Path under `content/`, NFC-normalised, `/`-separated (`briefs/opcon-transfer.md`).
    pub rel_path: String,
    /// The path shown in messages (`content/briefs/opcon-transfer.md`).
    pub display: String,
    pub text: Arc<SourceText>,
    /// A hash of the path and the text: what the parse of the file depends on.
    pub hash: u64,
    /// Characters no page can hold, replaced in `text` (see `text::clean`).
    pub replaced: Option<crate::text::Replaced>,
}

/// A file copied as is: from `content/` (to the same path) or from `static/` (to the root).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Asset {
    /// The path under its folder, which is also its path in the output.
    pub rel_path: String,
    pub source: PathBuf,
}

/// Everything a build reads.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// Every Markdown file under `content/`, by path.
    pub markdown: Vec<Arc<SourceFile>>,
    /// Every folder under `content/` (`""` for `content/` itself, else `briefs`, `briefs/a`), sorted.
    pub folders: Vec<String>,
    pub assets: Vec<Asset>,
    /// The files of `static/`.
    pub statics: Vec<Asset>,
    /// The bibliography files `site.yaml` names, read.
    pub bibliography: Vec<Arc<SourceFile>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Editor leftovers: the temporary and backup files editors write beside the ones they save.
pub fn is_editor_leftover(name: &str) -> bool {
    name.starts_with('#')
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".briefing-tmp")
        // JetBrains' safe write: the new text, and the old file while the new takes its name.
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// Names under `content/` and `themes/` that are not part of the site: hidden files and editor
/// leftovers. (`static/` keeps hidden files such as `.nojekyll`.)
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.') || is_editor_leftover(name)
}

/// Whether a file is Markdown (a brief or a section's introduction): `.md` or `.markdown`.
pub fn is_markdown(rel_path: &str) -> bool {
    markdown_stem(rel_path).is_some()
}

/// A Markdown file's path without its extension.
pub fn markdown_stem(rel_path: &str) -> Option<&str> {
    rel_path.strip_suffix(".md").or_else(|| rel_path.strip_suffix(".markdown")).filter(|s| !s.ends_with('/'))
}

/// What a walk of `content/` finds, before any file is read.
#[derive(Debug, Default, Clone)]
struct Walk {
    markdown: Vec<(String, PathBuf)>,
    folders: Vec<String>,
    assets: Vec<Asset>,
    diagnostics: Vec<Diagnostic>,
}

/// Walks a folder without following symbolic links (a link pointing outside the site could pull
/// any file into the output): `keep` says which names to skip. Only folders and regular files
/// count; a FIFO or device would hang a read.
fn walk_folder(dir: &Path, display_prefix: &str, skip: fn(&str) -> bool) -> Walk {
    let mut found = Walk::default();
    if !dir.is_dir() {
        return found;
    }
    // Unsorted: sorting the paths found, once, is cheaper than walkdir's sort of every folder.
    let mut walker = WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skip(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| p.display().to_string()).unwrap_or_default();
                found.diagnostics.push(Diagnostic::error(Code::Io, format!("cannot read `{path}`: {e}")));
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel_path = nfc(&rel.to_string_lossy().replace('\\', "/"));
        let file_type = entry.file_type();
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && name.chars().any(|c| c.is_control() || crate::text::is_forbidden(c)) {
            let shown = crate::diagnostics::escape_controls(&format!("{display_prefix}{rel_path}"));
            found.diagnostics.push(
                Diagnostic::warning(
                    Code::ForbiddenCharacter,
                    format!("`{shown}` has a control character or noncharacter in its name, which no URL can hold; it was skipped"),
                )
                .help("rename it (a file named `Icon\\r` is a macOS folder icon and can be deleted)"),
            );
            if file_type.is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if file_type.is_symlink() {
            found.diagnostics.push(
                Diagnostic::warning(
                    Code::Symlink,
                    format!("`{display_prefix}{rel_path}` is a symbolic link and was skipped"),
                )
                .help("copy the file into the folder instead of linking to it"),
            );
        } else if file_type.is_dir() {
            found.folders.push(rel_path);
        } else if !file_type.is_file() {
            found.diagnostics.push(
                Diagnostic::warning(
                    Code::NotAFile,
                    format!(
                        "`{display_prefix}{rel_path}` is not a regular file (a pipe, socket or device) and was skipped"
                    ),
                )
                .help("only regular files are part of a site"),
            );
        } else if display_prefix.starts_with("content") && is_markdown(&rel_path) {
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

/// Reads one Markdown file as UTF-8 text. Only a regular file is read: a FIFO or device put in
/// its place would block or never end.
pub fn read_source(rel_path: String, path: &Path, display_prefix: &str) -> Result<SourceFile, Diagnostic> {
    let display = format!("{display_prefix}{rel_path}");
    let io_error = |e: std::io::Error| Diagnostic::error(Code::Io, format!("cannot read `{display}`: {e}"));
    let meta = std::fs::symlink_metadata(path).map_err(io_error)?;
    if !meta.is_file() {
        return Err(Diagnostic::error(Code::NotAFile, format!("`{display}` is not a regular file"))
            .help("replace it with a regular Markdown file"));
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let hash = hash::of(&(&rel_path, hash::bytes(&bytes)));
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::error(Code::NotUtf8, format!("`{display}` is not UTF-8 text (invalid byte at offset {at})"))
            .help("save the file as UTF-8, or give it another extension than .md if it is not a brief")
    })?;
    let (text, replaced) = crate::text::clean(text);
    Ok(SourceFile { rel_path, display, text: SourceText::shared(text), hash, replaced })
}

/// Reads a bibliography file `site.yaml` names. Unlike content, it may be a symbolic link (to the
/// file a reference manager exports), but it must lead to a regular file.
fn read_bibliography(rel: &str, path: &Path) -> Result<SourceFile, Diagnostic> {
    let io_error =
        |e: std::io::Error| Diagnostic::error(Code::Io, format!("cannot read the bibliography `{rel}`: {e}"));
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if !meta.is_file() {
        return Err(Diagnostic::error(Code::NotAFile, format!("the bibliography `{rel}` is not a regular file"))
            .help("name the `.bib`, `.json` or `.yaml` file your reference manager exports in `bibliography:`"));
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let hash = hash::of(&(rel, hash::bytes(&bytes)));
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::error(
            Code::NotUtf8,
            format!("the bibliography `{rel}` is not UTF-8 text (invalid byte at offset {at})"),
        )
        .help("export it again as UTF-8 (Zotero and Better BibTeX do by default)")
    })?;
    let (text, replaced) = crate::text::clean(text);
    Ok(SourceFile {
        rel_path: rel.to_string(),
        display: rel.to_string(),
        text: SourceText::shared(text),
        hash,
        replaced,
    })
}

/// Which sources may have changed since the last discovery.
#[derive(Debug, Clone)]
pub enum Changes {
    /// Anything: walk and read everything.
    All,
    /// Only these paths (as the file watcher reports them: created, modified, removed or renamed).
    Paths(Vec<PathBuf>),
}

/// What discovery keeps between builds: the last walks and the last read of every file.
#[derive(Debug, Default)]
pub struct Memo {
    content: Option<Walk>,
    statics: Option<Walk>,
    files: BTreeMap<String, Result<Arc<SourceFile>, Diagnostic>>,
    /// The hash of each bibliography file last read.
    bibliography: BTreeMap<String, u64>,
}

/// The folders a site is read from.
#[derive(Debug, Clone)]
pub struct Folders<'a> {
    pub root: &'a Path,
    pub content: &'a Path,
    pub statics: &'a Path,
    /// The bibliography files, relative to `root`.
    pub bibliography: &'a [String],
}

/// Walks `content/` and `static/` and reads every Markdown file (in parallel). With a memo and
/// a list of changed paths, walks again only when a path was created, removed or renamed, and
/// reads only the files that changed or are new. Returns the sources and the changed files, as
/// shown to the user.
pub fn discover(folders: &Folders, memo: &mut Memo, changes: &Changes) -> (Sources, Vec<String>) {
    let mut changed = Vec::new();
    let mut walk_content = memo.content.is_none();
    let mut walk_statics = memo.statics.is_none();
    let mut reread: HashSet<String> = HashSet::new();
    match changes {
        Changes::All => {
            walk_content = true;
            walk_statics = true;
            reread.extend(memo.files.keys().cloned());
        }
        Changes::Paths(paths) => {
            let root = crate::output::absolute(folders.root);
            let content = crate::output::absolute(folders.content);
            let statics = crate::output::absolute(folders.statics);
            for path in paths {
                let path = crate::output::absolute(path);
                if path.starts_with(&statics) || path == root {
                    walk_statics = true;
                    changed.push(display_of(&root, &path));
                }
                let Ok(rel) = path.strip_prefix(&content) else {
                    walk_content |= path == root;
                    continue;
                };
                let rel = nfc(&rel.to_string_lossy().replace('\\', "/"));
                if rel.split('/').any(is_ignored_name) {
                    continue;
                }
                let known_asset = memo.content.as_ref().is_some_and(|w| w.assets.iter().any(|a| a.rel_path == rel));
                let known = memo.files.contains_key(&rel) || known_asset;
                if !(known && path.is_file()) {
                    // Created, removed, renamed or a folder: walk again (files already read are
                    // not read again). A changed asset is copied again by its new size and time.
                    walk_content = true;
                }
                // (Not a temporary file that came and went: `sed -i` and `perl -pi` write one.)
                if !is_markdown(&rel) && (known || path.exists()) {
                    changed.push(format!("content/{rel}"));
                }
                reread.insert(rel);
            }
        }
    }
    if walk_content {
        let walk = walk_folder(folders.content, "content/", is_ignored_name);
        let present: HashSet<&str> = walk.markdown.iter().map(|(r, _)| r.as_str()).collect();
        for rel in memo.files.keys().filter(|r| !present.contains(r.as_str())) {
            changed.push(format!("content/{rel} (removed)"));
        }
        memo.files.retain(|rel, _| present.contains(rel.as_str()));
        memo.content = Some(walk);
    }
    if walk_statics {
        memo.statics = Some(walk_folder(folders.statics, "static/", is_editor_leftover));
    }
    let content = memo.content.as_ref().expect("walked above");
    // After a walk, every file not read yet; else only the changed ones.
    let to_read: Vec<&(String, PathBuf)> = if walk_content {
        content.markdown.iter().filter(|(rel, _)| !memo.files.contains_key(rel) || reread.contains(rel)).collect()
    } else {
        let find = |rel: &String| content.markdown.binary_search_by(|(r, _)| r.cmp(rel)).ok();
        reread.iter().filter_map(find).map(|i| &content.markdown[i]).collect()
    };
    let read: Vec<(String, Result<SourceFile, Diagnostic>)> =
        to_read.into_par_iter().map(|(rel, path)| (rel.clone(), read_source(rel.clone(), path, "content/"))).collect();
    for (rel, result) in read {
        let same = match (&result, memo.files.get(&rel)) {
            (Ok(new), Some(Ok(old))) => new.hash == old.hash,
            _ => false,
        };
        if same {
            continue;
        }
        changed.push(format!("content/{rel}"));
        memo.files.insert(rel, result.map(Arc::new));
    }
    let statics = memo.statics.as_ref().expect("walked above");
    let mut diagnostics = content.diagnostics.clone();
    diagnostics.extend(statics.diagnostics.iter().cloned());
    let mut markdown = Vec::with_capacity(memo.files.len());
    for file in memo.files.values() {
        match file {
            Ok(file) => markdown.push(file.clone()),
            Err(d) => diagnostics.push(d.clone()),
        }
    }
    // Bibliography files are few and small: read on every build, parsed again only when changed.
    let mut bibliography = Vec::with_capacity(folders.bibliography.len());
    for rel in folders.bibliography {
        match read_bibliography(rel, &folders.root.join(rel)) {
            Ok(file) => {
                if memo.bibliography.insert(rel.clone(), file.hash).is_some_and(|h| h != file.hash) {
                    changed.push(rel.clone());
                }
                bibliography.push(Arc::new(file));
            }
            Err(_) if !folders.root.join(rel).exists() => diagnostics.push(
                Diagnostic::error(Code::Io, format!("the bibliography file `{rel}` does not exist"))
                    .help("check the path in `bibliography:` of site.yaml: it is relative to the site folder"),
            ),
            Err(d) => diagnostics.push(d),
        }
    }
    let sources = Sources {
        markdown,
        folders: content.folders.clone(),
        assets: content.assets.clone(),
        statics: statics.assets.clone(),
        bibliography,
        diagnostics,
    };
    (sources, changed)
}

fn display_of(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [
            ".#x.md",
            "x.md~",
            ".x.md.swp",
            ".hidden",
            "#x.md#",
            "x.md.briefing-tmp",
            "x.md___jb_tmp___",
            "x.md___jb_old___",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["x.md", "map.png", "_index.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
        assert!(!is_editor_leftover(".nojekyll"), "static/ keeps dotfiles");
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_devices_are_skipped_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("a.md"), "---\ntitle: A\n---\n").unwrap();
        let fifo = content.join("x.md");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let folders =
            Folders { root: dir.path(), content: &content, statics: &dir.path().join("static"), bibliography: &[] };
        let (sources, _) = discover(&folders, &mut Memo::default(), &Changes::All);
        assert_eq!(sources.markdown.len(), 1);
        assert!(sources.diagnostics.iter().any(|d| d.code == Code::NotAFile && d.message.contains("x.md")));
        let read = read_source("x.md".into(), &fifo, "content/");
        assert_eq!(read.unwrap_err().code, Code::NotAFile);
    }
}
