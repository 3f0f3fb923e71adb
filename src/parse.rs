//! The per-file stage: each Markdown file split into front-matter and body, the front-matter
//! typed, the body analysed (headings, links, summary, words). Pure, so files parse in parallel
//! and `watch` reuses the parse of every file whose text did not change.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::discover::SourceFile;
use crate::frontmatter::{self, Date, FrontMatter, Spanned};
use crate::hash;
use crate::markdown::{self, Analysis, WriteHtml};
use crate::slug::slugify;

/// One Markdown file after the per-file stage.
#[derive(Debug)]
pub struct Parsed {
    pub file: Arc<SourceFile>,
    /// `None` when the front-matter has errors: the file is left out of the site.
    pub front: Option<FrontMatter>,
    pub body: Range<usize>,
    pub analysis: Analysis,
    pub diagnostics: Vec<Diagnostic>,
    /// The front-matter summary, or the start of the first paragraph.
    pub summary: String,
    /// What assembling the site reads of this file.
    pub facts: Facts,
    /// The hash of `facts`: assembling again is needed only when one of these changes.
    pub facts_hash: u64,
    /// A hash of what a link to this file shows of it: its title and heading ids.
    pub face: u64,
    /// The hash of its `sources:`, which the library reads (kept with the file, so that a
    /// rebuild need not hash every brief's sources again).
    pub sources_key: u64,
    /// The hash of `facts.terms` (positions aside), which drafting the taxonomies reads.
    pub terms_key: u64,
    /// Each use of `facts.terms`, in order, by hashes (`TermHash`).
    pub term_hashes: Box<[TermHash]>,
    /// The hash of what decides its page's path and how links find it: its id, folder, slugs,
    /// aliases, names, permalink and language (kept with the file, so that a rebuild need not
    /// hash every brief's again).
    pub place_key: u64,
}

/// What the file alone decides about its place in the site: everything `site::assemble` reads.
#[derive(Debug, Clone, Default, Hash)]
pub struct Facts {
    /// Source path without `.md` (`briefs/opcon-transfer`): its id in the graph.
    pub id: String,
    /// The folder against which relative links resolve: the file's (`briefs`), or for a page
    /// bundle (`briefs/x/index.md`) the bundle's (`briefs/x`).
    pub folder: String,
    /// A page bundle: `x/index.md` is the page of folder `x`, whose other files are its own.
    pub bundle: bool,
    pub stem_slug: String,
    /// `slug:` when set, else the stem's slug.
    pub slug: String,
    /// Where `slug:` was written, if it was.
    pub slug_span: Option<Position>,
    /// An `_index.md`: the introduction of its folder's section.
    pub is_index: bool,
    /// The front-matter has errors.
    pub failed: bool,
    pub draft: bool,
    pub title: String,
    pub date: Option<Date>,
    pub weight: Option<i64>,
    /// Per taxonomy name: each term written, in order.
    pub terms: BTreeMap<String, Vec<TermUse>>,
    /// Old URLs of the brief.
    pub aliases: Vec<Spanned<String>>,
    /// Other names of the brief, for wikilinks.
    pub names: Vec<Spanned<String>>,
    /// The page's whole path, when `permalink:` or `url:` sets it.
    pub permalink: Option<Spanned<String>>,
    /// For a term record (`content/topics/x.md`), its taxonomy's name.
    pub record_of: Option<String>,
    /// What a term record says of its term.
    pub record: Option<frontmatter::RecordFields>,
    /// The language of its name (`x.ko.md` → `ko`), when not the site's default.
    pub lang: Option<String>,
    /// The id of the file it is a version of, by its name (`briefs/x` for `briefs/x.ko.md`).
    /// Whether its file is under a folder named for its language (`content/ko/`): its section
    /// is the folder below that one.
    pub lang_root: bool,
    pub base_id: String,
    pub translation_of: Option<Spanned<String>>,
    pub translated_from: Option<Spanned<Date>>,
    pub updated: Option<Date>,
    /// The events it states (the timeline is assembled from every brief's).
    pub events: Vec<Spanned<frontmatter::EventEntry>>,
    /// What it supersedes, its review dates and corrections.
    pub lifecycle: frontmatter::Lifecycle,
}

/// A term use by the hashes of its taxonomy's name, its slug and its label: drafting the
/// taxonomies reads these side by side, not the strings of 50,000 uses scattered in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermHash {
    pub taxonomy: u64,
    pub slug: u64,
    pub label: u64,
}

impl TermHash {
    /// The uses of `terms`, in order: by taxonomy name, then as written.
    fn of(terms: &BTreeMap<String, Vec<TermUse>>) -> Box<[TermHash]> {
        let uses = terms.iter().flat_map(|(name, uses)| uses.iter().map(move |u| (name, u)));
        uses.map(|(name, u)| TermHash {
            taxonomy: hash::of(name.as_str()),
            slug: hash::of(u.slug.as_str()),
            label: hash::of(u.label.as_str()),
        })
        .collect()
    }
}

/// One term as a brief wrote it.
#[derive(Debug, Clone, Hash)]
pub struct TermUse {
    pub slug: String,
    pub label: String,
    pub span: Position,
}

/// Where something was written in a file: for messages only. It hashes as nothing, so that an
/// edit that moves a value without changing it changes no fact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position(pub Range<usize>);

impl std::hash::Hash for Position {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl Parsed {
    pub fn body_text(&self) -> &str {
        &self.file.text[self.body.clone()]
    }

    /// Where a front-matter key is written (`sources:` or TOML's `sources =`, at a line's
    /// start), for messages about its value.
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        let head = &self.file.text[..self.body.start.min(self.file.text.len())];
        let mut at = 0;
        for line in head.split_inclusive('\n') {
            let rest = line.strip_prefix(key).map(str::trim_start);
            if rest.is_some_and(|r| r.starts_with(':') || r.starts_with('=') || r.starts_with(']'))
                || line.starts_with(&format!("[[{key}]]"))
            {
                return Some(at..at + line.trim_end().len());
            }
            at += line.len();
        }
        None
    }

    /// A position in this file, for a diagnostic.
    pub fn location(&self, span: Range<usize>) -> Location {
        Location::new(self.file.display.as_str(), self.file.text.clone(), span)
    }
}

/// Splits and parses one file. `write_html`: also write the body's HTML, for a page that will
/// render (see `markdown::analyse`).
pub fn parse_file(file: Arc<SourceFile>, config: &SiteConfig, write_html: bool) -> Parsed {
    let text: &str = &file.text;
    let location = |span: Range<usize>| Location::new(file.display.as_str(), file.text.clone(), span);
    let mut diagnostics = Vec::new();
    let name = FileName::in_languages(&file.rel_path, &config.languages);
    let record_of = name.record_of(config);
    let file_kind = if record_of.is_some() { frontmatter::FileKind::Record } else { frontmatter::FileKind::Brief };
    if let Some(r) = &file.replaced {
        let c = r.first;
        let others = match r.count {
            1 => String::new(),
            n => format!(" (and {} more in this file)", n - 1),
        };
        diagnostics.push(
            Diagnostic::warning(
                Code::ForbiddenCharacter,
                format!("U+{:04X} cannot appear in a web page or feed; it is shown as U+FFFD{others}", c as u32),
            )
            .at(location(r.at..r.at + '\u{fffd}'.len_utf8()))
            .help("delete it: such characters usually come from a damaged file or a copy from a PDF"),
        );
    }
    let (mut front, mut body) = match frontmatter::split(text) {
        Ok(split) => {
            let (front, problems) = frontmatter::parse(text, &split, config, file_kind);
            for p in problems {
                let d = if p.warning {
                    Diagnostic::warning(p.code, p.message)
                } else {
                    Diagnostic::error(p.code, p.message)
                };
                let d = d.at(location(p.span));
                diagnostics.push(match p.help {
                    Some(h) => d.help(h),
                    None => d,
                });
            }
            (front, split.body)
        }
        Err(p) => {
            let mut d = Diagnostic::error(p.code, p.message).at(location(p.span));
            d.help = p.help;
            diagnostics.push(d);
            (None, text.len()..text.len())
        }
    };
    if let Some(front) = front.as_mut() {
        // Without `title:`, a leading `# Heading` is the title (and is not shown twice), else the
        // file name; a section's introduction keeps its folder's name.
        if front.title.is_empty() {
            if let Some((title, end)) = markdown::leading_title(&text[body.clone()]) {
                front.title = title;
                body.start += end;
            } else if !name.is_index {
                front.title = name.title();
            }
        }
    }
    // A Jekyll post's date is its file name's, unless `date:` says otherwise.
    if let (Some(written), Some(fm)) = (name.post_date, front.as_mut().filter(|f| f.date.is_none())) {
        match Date::parse(written, config.timezone) {
            Some(date) => fm.date = Some(date),
            None => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::BadDate,
                        format!("`{written}`, at the start of the file name, is not a date"),
                    )
                    .at(location(0..0))
                    .help("rename the file with a real date (`2019-02-28-name.md`), or set `date:`"),
                );
                front = None;
            }
        }
    }
    let write_html = if write_html { WriteHtml::Yes { raw_html: config.raw_html } } else { WriteHtml::No };
    let analysis = markdown::analyse(&text[body.clone()], body.start, write_html);
    for span in &analysis.split_wikilinks {
        diagnostics.push(
            Diagnostic::warning(
                Code::WikilinkInTable,
                "a `[[` in this table cell is never closed: the `|` of `[[target|label]]` ends a table cell",
            )
            .at(location(span.clone()))
            .help("inside a table, write the pipe as `\\|`: `[[target\\|label]]` (as in Obsidian)"),
        );
    }
    let summary = front.as_ref().map(|f| summary_of(f, &analysis)).unwrap_or_default();
    let mut facts = facts_of(&name, front.as_ref(), config);
    facts.record_of = record_of.map(str::to_string);
    let facts_hash = hash::of(&facts);
    let face = hash::of(&(&facts.title, analysis.headings.iter().map(|h| &h.id).collect::<Vec<_>>()));
    let sources_key = hash::of(front.as_ref().map_or(&[][..], |f| &f.sources[..]));
    let terms_key = hash::of(&facts.terms);
    let term_hashes = TermHash::of(&facts.terms);
    let place_key = hash::of(&(
        (&facts.id, &facts.folder, facts.bundle, &facts.stem_slug, &facts.slug),
        (&facts.aliases, &facts.names, &facts.permalink, &facts.lang, facts.lang_root, &facts.base_id),
    ));
    Parsed {
        file,
        front,
        body,
        analysis,
        diagnostics,
        summary,
        facts,
        facts_hash,
        face,
        sources_key,
        terms_key,
        term_hashes,
        place_key,
    }
}

/// What the parse of a file depends on besides its text: which front-matter keys are terms.
fn config_key(config: &SiteConfig) -> u64 {
    hash::of(&(config.taxonomies.iter().map(|t| &t.name).collect::<Vec<_>>(), &config.languages, &config.timezone))
}

/// The parses `watch` keeps: a file whose text is unchanged is not parsed again.
#[derive(Debug, Default)]
pub struct Memo {
    config: u64,
    /// The last parse of every file, by path.
    files: Vec<Arc<Parsed>>,
}

/// Parses every file (in parallel), reusing the memo's parse of files whose text is unchanged.
/// `markdown` is sorted by path.
pub fn parse_all(
    markdown: &[Arc<SourceFile>],
    config: &SiteConfig,
    write_html: bool,
    memo: Option<&mut Memo>,
) -> Vec<Arc<Parsed>> {
    let parse = |file: &Arc<SourceFile>| Arc::new(parse_file(file.clone(), config, write_html));
    let Some(memo) = memo else {
        return markdown.par_iter().map(parse).collect();
    };
    let key = config_key(config);
    if memo.config != key {
        memo.files.clear();
        memo.config = key;
    }
    let last = &memo.files;
    // Both lists are sorted by path: the last parse of a file is at the same position while no
    // file was added or removed, else found by binary search.
    let parsed: Vec<Arc<Parsed>> = markdown
        .par_iter()
        .enumerate()
        .map(|(i, file)| {
            let same_place = last.get(i).filter(|p| p.file.rel_path == file.rel_path);
            let found = same_place
                .or_else(|| last.binary_search_by(|p| p.file.rel_path.cmp(&file.rel_path)).ok().map(|j| &last[j]));
            match found {
                Some(p) if Arc::ptr_eq(&p.file, file) || p.file.hash == file.hash => p.clone(),
                _ => parse(file),
            }
        })
        .collect();
    memo.files = parsed.clone();
    parsed
}

const SUMMARY_CHARS: usize = 280;

fn summary_of(front: &FrontMatter, analysis: &Analysis) -> String {
    if let Some(s) = &front.summary {
        return s.trim().to_string();
    }
    let Some(p) = &analysis.first_paragraph else {
        return String::new();
    };
    if p.chars().count() <= SUMMARY_CHARS {
        return p.clone();
    }
    let cut: String = p.chars().take(SUMMARY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// `briefs/a/x.md` → `briefs/a`; `x.md` → `""`.
pub fn parent_folder(rel_path: &str) -> Option<&str> {
    if rel_path.is_empty() {
        return None;
    }
    Some(rel_path.rsplit_once('/').map_or("", |(head, _)| head))
}

/// What a file's path says of it.
struct FileName<'a> {
    /// The path without its extension.
    id: &'a str,
    /// The name its title and slug come from: the file's stem, a bundle's folder name, a
    /// Jekyll post's name after its date.
    name: &'a str,
    folder: &'a str,
    is_index: bool,
    bundle: bool,
    /// The date a Jekyll post's name starts with (`_posts/2018-01-02-title.md`).
    post_date: Option<&'a str>,
    /// The language its name ends with (`x.ko.md`), when the site lists that language.
    lang: Option<&'a str>,
    /// The id without that language (`briefs/x` for `briefs/x.ko.md`, and for
    /// `ko/briefs/x.md`): its original's id.
    base_id: &'a str,
    /// Whether it is under a folder named for its language (`content/ko/`), which holds that
    /// language's sections.
    lang_root: bool,
}

impl<'a> FileName<'a> {
    #[cfg(test)]
    fn of(rel_path: &'a str) -> FileName<'a> {
        FileName::in_languages(rel_path, &[])
    }

    /// What the path says, where a name ending in one of `languages` (`x.ko.md`) is that
    /// language's version of the name without it.
    fn in_languages(rel_path: &'a str, languages: &[crate::config::LanguageConfig]) -> FileName<'a> {
        let id = crate::discover::markdown_stem(rel_path).unwrap_or(rel_path);
        let (_, full_stem) = id.rsplit_once('/').unwrap_or(("", id));
        let lang = full_stem
            .rsplit_once('.')
            .map(|(_, code)| code)
            .filter(|code| !code.is_empty() && languages.iter().any(|l| l.code == *code));
        let unsuffixed = lang.map_or(id, |code| &id[..id.len() - code.len() - 1]);
        let (parent, stem) = unsuffixed.rsplit_once('/').unwrap_or(("", unsuffixed));
        // `content/ko/briefs/x.md`: the Korean version of `briefs/x`, in the section `briefs`.
        let root = parent.split('/').next().filter(|first| languages.iter().any(|l| l.code == *first));
        let lang_root = root.is_some_and(|code| lang.is_none_or(|l| l == code));
        let lang = lang.or(root);
        let base_id = match (lang_root, root) {
            (true, Some(code)) => &unsuffixed[code.len() + 1..],
            _ => unsuffixed,
        };
        let is_index = stem == "_index";
        let bundle = stem == "index" && !parent.is_empty();
        let in_posts = parent.split('/').any(|f| f == "_posts");
        let post_date = stem
            .get(..11)
            .filter(|d| in_posts && d.ends_with('-') && stem.len() > 11 && d.as_bytes()[4] == b'-')
            .map(|d| &d[..10]);
        let name = match (bundle, post_date) {
            (true, _) => parent.rsplit('/').next().unwrap_or(parent),
            (false, Some(_)) => &stem[11..],
            _ => stem,
        };
        let folder = if bundle { parent } else { parent_folder(rel_path).unwrap_or("") };
        FileName { id, name, folder, is_index, bundle, post_date, lang, base_id, lang_root }
    }

    /// The taxonomy whose record this file is: a file directly in a folder named after one.
    fn record_of<'c>(&self, config: &'c SiteConfig) -> Option<&'c str> {
        let (folder, _) = self.id.split_once('/')?;
        let direct = !self.id[folder.len() + 1..].contains('/') && !self.is_index;
        config.taxonomies.iter().map(|t| t.name.as_str()).find(|t| *t == folder).filter(|_| direct)
    }

    /// The title of a note that has none: its name as written (`Becoming Good At Things`), or
    /// with `-` and `_` as spaces when it has no spaces (`opcon-transfer` → `opcon transfer`).
    fn title(&self) -> String {
        if self.name.contains(' ') {
            self.name.trim().to_string()
        } else {
            self.name.replace(['-', '_'], " ").trim().to_string()
        }
    }
}

fn facts_of(name: &FileName, front: Option<&FrontMatter>, config: &SiteConfig) -> Facts {
    let stem_slug = slugify(name.name);
    let (id, folder) = (name.id.to_string(), name.folder.to_string());
    let (is_index, bundle) = (name.is_index, name.bundle);
    // The name's language (`x.ko.md`), else `lang:` when it is one of the site's other languages.
    let front_lang = front.and_then(|f| f.lang.as_deref()).filter(|l| config.languages.iter().any(|c| c.code == *l));
    let (lang, base_id) = (name.lang.or(front_lang).map(str::to_string), name.base_id.to_string());
    let lang_root = name.lang_root;
    let Some(front) = front else {
        return Facts {
            slug: stem_slug.clone(),
            stem_slug,
            id,
            folder,
            bundle,
            is_index,
            failed: true,
            lang,
            base_id,
            lang_root,
            ..Facts::default()
        };
    };
    let terms = front
        .terms
        .iter()
        .map(|(name, labels)| {
            let uses = labels
                .iter()
                .map(|l| TermUse {
                    slug: slugify(l.value.trim()),
                    label: l.value.trim().to_string(),
                    span: Position(l.span.clone()),
                })
                .collect();
            (name.clone(), uses)
        })
        .collect();
    Facts {
        slug: front.slug.as_ref().map_or(stem_slug.clone(), |s| s.value.clone()),
        slug_span: front.slug.as_ref().map(|s| Position(s.span.clone())),
        stem_slug,
        id,
        folder,
        bundle,
        is_index,
        failed: false,
        draft: front.draft,
        title: front.title.clone(),
        date: front.date,
        weight: front.weight,
        terms,
        aliases: front.aliases.clone(),
        names: front.names.clone(),
        permalink: front.permalink.clone(),
        record_of: None,
        record: front.record.clone(),
        lang,
        base_id,
        lang_root,
        translation_of: front.translation_of.clone(),
        translated_from: front.translated_from.clone(),
        updated: front.updated,
        events: front.events.clone(),
        lifecycle: front.lifecycle.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_say_bundles_posts_and_titles() {
        let n = FileName::of("notes/Becoming Good At Things.md");
        assert_eq!((n.title(), n.folder, n.bundle), ("Becoming Good At Things".to_string(), "notes", false));
        assert_eq!(FileName::of("a/opcon_transfer-plan.markdown").title(), "opcon transfer plan");
        let b = FileName::of("blog/trip/index.md");
        assert_eq!((b.bundle, b.folder, b.name, b.id), (true, "blog/trip", "trip", "blog/trip/index"));
        assert!(!FileName::of("index.md").bundle, "a root index.md is a brief named index");
        let p = FileName::of("_posts/2018-01-02-welcome.md");
        assert_eq!((p.post_date, p.name), (Some("2018-01-02"), "welcome"));
        assert_eq!(FileName::of("notes/2018-01-02-welcome.md").post_date, None, "only under _posts");
        assert_eq!(FileName::of("_posts/2018-01-02-.md").post_date, None);
        assert!(FileName::of("_index.md").is_index);
    }
}
