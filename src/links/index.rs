//! Everything a link can point at, indexed: briefs by slug and path, sections by folder, files,
//! and the briefs left out (drafts, or briefs whose front-matter failed), so that a link to one
//! gets a precise message.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::diagnostics::Code;
use crate::parse::parent_folder;
use crate::routes::percent_decode;
use crate::site::{BriefId, Site};
use crate::slug::slugify;
use crate::suggest;

/// Where a link points, once resolved.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target {
    Brief(BriefId, Option<String>),
    Section(usize, Option<String>),
    Asset(usize),
    /// A root-relative path or an anchor on the same page: written out with the base path.
    Path(String),
    External(String),
}

/// Why a link does not resolve: a problem to report, or one already reported elsewhere (a
/// link to a brief whose own front-matter failed).
#[derive(Debug)]
pub(super) enum Failure {
    Report { code: Code, message: String, help: String },
    Reported,
}

pub(super) fn problem(code: Code, message: String, help: String) -> Failure {
    Failure::Report { code, message, help }
}

/// Everything a link can point at, indexed. It owns its keys, so that `watch` keeps it while
/// nothing a link can resolve to changes.
#[derive(Debug, Default)]
pub(super) struct Index {
    by_slug: HashMap<Box<str>, Vec<BriefId>>,
    /// The other names of briefs (`aliases` entries that are not URLs), by slug.
    by_other_name: HashMap<Box<str>, Vec<BriefId>>,
    by_id: HashMap<Box<str>, BriefId>,
    section_by_folder: HashMap<Box<str>, usize>,
    assets: HashMap<Box<str>, usize>,
    /// Files by their name alone (`map.png`): Obsidian embeds name a file wherever it is.
    assets_by_name: HashMap<Box<str>, Vec<usize>>,
    asset_paths: Vec<Box<str>>,
    absent_by_key: HashMap<Box<str>, (bool, Box<str>)>,
    /// Suggestions made, by kind and misspelt name: a renamed brief leaves the same broken
    /// name in many briefs, and each suggestion compares it with every name of the site.
    suggestions: Mutex<Suggestions>,
}

type Suggestions = HashMap<(Kind, Box<str>), Option<Box<str>>>;

/// What a suggestion is looked for among.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Id,
    Slug,
    Asset,
}

impl Index {
    pub(super) fn new(site: &Site) -> Index {
        let mut by_slug: HashMap<Box<str>, Vec<BriefId>> = HashMap::with_capacity(site.briefs.len());
        for (b, brief) in site.briefs.iter().enumerate() {
            by_slug.entry(brief.slug().into()).or_default().push(b);
            if brief.stem_slug() != brief.slug() {
                by_slug.entry(brief.stem_slug().into()).or_default().push(b);
            }
        }
        let mut by_other_name: HashMap<Box<str>, Vec<BriefId>> = HashMap::new();
        for (b, brief) in site.briefs.iter().enumerate() {
            for name in &brief.facts().names {
                let list = by_other_name.entry(slugify(&name.value).into()).or_default();
                if !list.contains(&b) {
                    list.push(b);
                }
            }
        }
        let mut assets_by_name: HashMap<Box<str>, Vec<usize>> = HashMap::new();
        for (i, asset) in site.assets.iter().enumerate() {
            let name = asset.rel_path.rsplit('/').next().unwrap_or(&asset.rel_path);
            assets_by_name.entry(name.into()).or_default().push(i);
        }
        let mut absent_by_key = HashMap::new();
        for a in &site.absent {
            absent_by_key.insert(a.id.as_str().into(), (a.is_draft, a.id.as_str().into()));
            for s in &a.slugs {
                absent_by_key.insert(s.as_str().into(), (a.is_draft, a.id.as_str().into()));
            }
        }
        Index {
            by_slug,
            by_other_name,
            assets_by_name,
            asset_paths: site.assets.iter().map(|a| a.rel_path.as_str().into()).collect(),
            by_id: site.briefs.iter().enumerate().map(|(b, brief)| (brief.id().into(), b)).collect(),
            section_by_folder: site.sections.iter().enumerate().map(|(i, s)| (s.folder.as_str().into(), i)).collect(),
            assets: site.assets.iter().enumerate().map(|(i, a)| (a.rel_path.as_str().into(), i)).collect(),
            absent_by_key,
            suggestions: Mutex::default(),
        }
    }

    /// The name of `kind` closest to `word`, if one is close enough.
    fn suggest(&self, kind: Kind, word: &str) -> Option<Box<str>> {
        let key = (kind, Box::from(word));
        if let Some(known) = self.suggestions.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return known.clone();
        }
        let found = match kind {
            Kind::Id => suggest::closest(word, self.by_id.keys().map(|k| &**k)),
            Kind::Slug => suggest::closest(word, self.by_slug.keys().map(|k| &**k)),
            Kind::Asset => suggest::closest(word, self.assets.keys().map(|k| &**k)),
        }
        .map(Box::from);
        self.suggestions.lock().unwrap_or_else(|e| e.into_inner()).insert(key, found.clone());
        found
    }

    /// A wikilink or `related:` target: a slug anywhere in the site, or a path under `content/`
    /// with or without `.md`.
    pub(super) fn by_name(&self, site: &Site, name: &str) -> Result<BriefId, Failure> {
        let name = name.trim().trim_start_matches('/');
        let without_md = name.strip_suffix(".md").unwrap_or(name);
        if let Some(&b) = self.by_id.get(without_md) {
            return Ok(b);
        }
        if !without_md.contains('/') {
            let slug = slugify(without_md);
            // Versions of one brief in other languages share its names: they are one target.
            let one = |many: &[BriefId]| {
                let root = |b: BriefId| site.briefs[b].original.unwrap_or(b);
                let first = many.first().map(|&b| root(b))?;
                many.iter().all(|&b| root(b) == first).then_some(first)
            };
            let by_slug = self.by_slug.get(slug.as_str()).map(Vec::as_slice);
            if let Some(b) = by_slug.and_then(one) {
                return Ok(b);
            }
            let by_other_name = self.by_other_name.get(slug.as_str()).map(Vec::as_slice);
            if let Some(b) = by_other_name.and_then(one) {
                return Ok(b);
            }
            match by_slug {
                Some([b]) => return Ok(*b),
                Some(many) if many.len() > 1 => {
                    let files: Vec<String> = many.iter().map(|&b| format!("`{}`", site.briefs[b].display())).collect();
                    return Err(problem(
                        Code::AmbiguousLink,
                        format!("`{name}` is ambiguous: {} have the slug `{slug}`", files.join(" and ")),
                        "link by path instead, e.g. `[[briefs/name]]`, or give one brief another `slug:`".into(),
                    ));
                }
                _ => {}
            }
            match by_other_name {
                Some([b]) => return Ok(*b),
                Some(many) if many.len() > 1 => {
                    let files: Vec<String> = many.iter().map(|&b| format!("`{}`", site.briefs[b].display())).collect();
                    return Err(problem(
                        Code::AmbiguousLink,
                        format!("`{name}` is ambiguous: {} have it among their `aliases`", files.join(" and ")),
                        "link by path instead, e.g. `[[briefs/name]]`, or remove the name from all but one".into(),
                    ));
                }
                _ => {}
            }
            if let Some(failure) = self.absent(&slug) {
                return Err(failure);
            }
        }
        if let Some(failure) = self.absent(without_md) {
            return Err(failure);
        }
        let suggestion = if without_md.contains('/') {
            self.suggest(Kind::Id, without_md)
        } else {
            self.suggest(Kind::Slug, &slugify(without_md))
        };
        Err(problem(
            Code::BrokenLink,
            format!("no brief is named `{name}`"),
            match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "link to the file stem of a brief (`[[opcon-transfer]]`) or its path under content/".into(),
            },
        ))
    }

    fn absent(&self, key: &str) -> Option<Failure> {
        let (is_draft, id) = self.absent_by_key.get(key)?;
        let (is_draft, id) = (*is_draft, &**id);
        Some(if is_draft {
            problem(
                Code::LinkToDraft,
                format!("`{key}` is a draft (`content/{id}.md`), so this link would break once published"),
                "publish the target (remove `draft: true`), remove the link, or build with --drafts to preview".into(),
            )
        } else {
            Failure::Reported
        })
    }

    /// A file named in an embed (`![[map.png]]`): beside the note, else the one file of that
    /// name anywhere under content/.
    pub(super) fn embedded_file(&self, folder: &str, name: &str) -> Result<Target, Failure> {
        let beside = self.by_relative_path(folder, name);
        if beside.is_ok() || name.contains('/') {
            return beside;
        }
        match self.assets_by_name.get(name).map(Vec::as_slice) {
            Some([i]) => Ok(Target::Asset(*i)),
            Some(many) if many.len() > 1 => {
                let files: Vec<String> = many.iter().map(|&i| format!("`content/{}`", self.asset_paths[i])).collect();
                Err(problem(
                    Code::AmbiguousLink,
                    format!("`{name}` is ambiguous: {} have that name", files.join(" and ")),
                    "write the file's path, e.g. `![[folder/name.png]]`".into(),
                ))
            }
            _ => beside,
        }
    }

    /// A relative Markdown link from a file in `folder` (not one from the site root).
    pub(super) fn by_relative_path(&self, folder: &str, path: &str) -> Result<Target, Failure> {
        let decoded = percent_decode(path).unwrap_or_else(|| path.to_string());
        let joined = normalise(folder, &decoded).ok_or_else(|| {
            problem(
                Code::BrokenLink,
                format!("`{path}` points outside content/"),
                "link to a file under content/".into(),
            )
        })?;
        let joined = crate::slug::nfc(&joined);
        if let Some(stem) = crate::discover::markdown_stem(&joined) {
            if stem == "_index" || stem.ends_with("/_index") {
                let folder = parent_folder(stem).unwrap_or("");
                if let Some(&s) = self.section_by_folder.get(folder) {
                    return Ok(Target::Section(s, None));
                }
            }
            if let Some(&b) = self.by_id.get(stem) {
                return Ok(Target::Brief(b, None));
            }
            if let Some(failure) = self.absent(stem) {
                return Err(failure);
            }
            let suggestion = self.suggest(Kind::Id, stem);
            return Err(problem(
                Code::BrokenLink,
                format!("no brief at `content/{joined}`"),
                match suggestion {
                    Some(s) => format!("did you mean `content/{s}.md`?"),
                    None => "check the file name; paths are relative to the folder of this brief".into(),
                },
            ));
        }
        if let Some(&i) = self.assets.get(joined.as_str()) {
            return Ok(Target::Asset(i));
        }
        let trimmed = joined.trim_end_matches('/');
        if let Some(&s) = self.section_by_folder.get(trimmed) {
            return Ok(Target::Section(s, None));
        }
        if let Some(&b) = self.by_id.get(trimmed) {
            return Ok(Target::Brief(b, None));
        }
        let suggestion = self.suggest(Kind::Asset, &joined);
        Err(problem(
            Code::BrokenLink,
            format!("no file at `content/{joined}`"),
            match suggestion {
                Some(s) => format!("did you mean `content/{s}`?"),
                None => "check the file name; paths are relative to the folder of this brief".into(),
            },
        ))
    }
}

/// Joins a relative path to a folder, resolving `.` and `..`; `None` when it climbs out.
fn normalise(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_paths() {
        assert_eq!(normalise("briefs", "../background/cfc.md").as_deref(), Some("background/cfc.md"));
        assert_eq!(normalise("briefs/a", "./x.md").as_deref(), Some("briefs/a/x.md"));
        assert_eq!(normalise("", "../x.md"), None);
    }
}
