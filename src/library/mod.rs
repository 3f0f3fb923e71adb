//! The site's library: every source a brief may cite, under one key each. It joins the
//! bibliography files `site.yaml` names (CSL-JSON, BibLaTeX, Hayagriva YAML, read by `read.rs`)
//! and the `sources:` of every brief, in that order, and is the one place that decides what one
//! source is: the same key with the same fields is one source, with different fields an error at
//! both places; different keys with the same DOI or URL are one source, under the first key.

pub mod export;
pub mod read;

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use hayagriva::citationberg::json::{DateValue, Item, LiteralName, NameValue, Value, VecDate, VecDateRange};

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::discover::SourceFile;
use crate::frontmatter::Source;
use crate::hash::{self, FastMap};
use crate::site::Site;

/// One source of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    /// Its page's URL segment (`/sources/<slug>/`).
    pub slug: String,
    /// The source as CSL-JSON, what the citation processor formats.
    pub item: Item,
    /// Plain text, for lists, search and messages.
    pub title: String,
    pub url: Option<String>,
    pub doi: Option<String>,
    pub archived: Option<String>,
    pub origin: Origin,
}

impl Entry {
    /// The year it was issued, for sorting and display.
    pub fn year(&self) -> Option<i32> {
        match self.item.0.get("issued")? {
            Value::Date(DateValue::DateParts { date_parts, .. }) => date_parts.0.first()?.0.first().map(|&y| y as i32),
            Value::Date(DateValue::Raw { raw, .. }) => Some(raw.start.year as i32),
            _ => None,
        }
    }

    /// The issued date as `YYYY[-MM[-DD]]`.
    pub fn issued(&self) -> Option<String> {
        let parts: Vec<i16> = match self.item.0.get("issued")? {
            Value::Date(DateValue::DateParts { date_parts, .. }) => date_parts.0.first()?.0.clone(),
            Value::Date(DateValue::Raw { raw, .. }) => {
                let d = &raw.start;
                [Some(d.year), d.month.map(|m| m as i16 + 1), d.day.map(|d| d as i16 + 1)]
                    .into_iter()
                    .flatten()
                    .collect()
            }
            _ => return None,
        };
        let mut text = format!("{:04}", parts.first()?);
        for p in parts.iter().skip(1).take(2) {
            text.push_str(&format!("-{p:02}"));
        }
        Some(text)
    }

    /// The names of a CSL name variable (`author`, `editor`), as written: `Kim, Chul-su` or an
    /// institution's whole name.
    pub fn names(&self, variable: &str) -> Vec<Name> {
        match self.item.0.get(variable) {
            Some(Value::Names(names)) => names
                .iter()
                .map(|n| match n {
                    NameValue::Literal(l) => Name { family: l.literal.clone(), given: None },
                    NameValue::Item(i) => {
                        let family = match &i.non_dropping_particle {
                            Some(p) => format!("{p} {}", i.family),
                            None => i.family.clone(),
                        };
                        Name { family, given: i.given.clone() }
                    }
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn text(&self, variable: &str) -> Option<String> {
        self.item.0.get(variable).and_then(|v| v.to_str()).map(|s| s.into_owned())
    }
}

/// A person's or an institution's name (`given` is `None` for an institution).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub family: String,
    pub given: Option<String>,
}

/// Where a source was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// The n-th bibliography file, at the entry's key.
    File { file: usize, span: Range<usize> },
    /// A brief's `sources:`, the n-th entry.
    Brief { brief: usize, n: usize },
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    pub entries: Vec<Entry>,
    /// Every key a citation may use, merged ones included, to its entry.
    by_key: FastMap<String, usize>,
    /// Each brief's `sources:`, as entries, in order.
    pub of_brief: Vec<Vec<usize>>,
    /// The bibliography files read, for messages.
    pub files: Vec<Arc<SourceFile>>,
    /// A hash of everything it was made from.
    pub key: u64,
    /// A hash of each entry's item, by entry: what a brief's references are formatted from.
    pub item_keys: Vec<u64>,
}

impl Library {
    pub fn get(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.by_key.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where an entry was written, for messages.
    pub fn location(&self, site: &Site, entry: usize) -> Option<Location> {
        match &self.entries[entry].origin {
            Origin::File { file, span } => {
                let f = &self.files[*file];
                Some(Location::new(f.display.clone(), f.text.clone(), span.clone()))
            }
            Origin::Brief { brief, .. } => {
                let parsed = &site.briefs[*brief].parsed;
                let span = parsed.key_span("sources").unwrap_or(0..0);
                Some(parsed.location(span))
            }
        }
    }
}

/// The bibliography files as discovery read them (an unreadable file is a diagnostic there).
pub type Files = [Arc<SourceFile>];

/// What assembling reads: the files' hashes and every brief's sources.
pub fn key(files: &Files, site: &Site) -> u64 {
    let files: Vec<u64> = files.iter().map(|f| f.hash).collect();
    let sources: Vec<u64> = site.briefs.iter().map(|b| b.parsed.sources_key).collect();
    hash::of(&(files, sources))
}

/// Reading each bibliography file is kept while its hash is the same.
/// What reading one bibliography file gave.
type Read = Arc<(Vec<read::FileEntry>, Vec<read::ReadProblem>)>;

#[derive(Debug, Default)]
pub struct Memo {
    files: FastMap<u64, Read>,
    last: Option<Arc<Library>>,
    problems: Vec<Diagnostic>,
}

pub fn assemble(files: &Files, site: &Site, memo: Option<&mut Memo>) -> (Arc<Library>, Vec<Diagnostic>) {
    let mut fresh = Memo::default();
    let memo = memo.unwrap_or(&mut fresh);
    let key = key(files, site);
    if let Some(last) = &memo.last {
        if last.key == key {
            return (last.clone(), memo.problems.clone());
        }
    }
    let mut library = Library { files: files.to_vec(), key, ..Library::default() };
    let mut problems = Vec::new();
    let mut by_identity: FastMap<String, usize> = hash::fast_map(64);
    let mut read_now = FastMap::default();
    for (f, file) in files.iter().enumerate() {
        let at = |span: Range<usize>| Location::new(file.display.clone(), file.text.clone(), span);
        let Some(format) = read::format_of(&file.rel_path) else {
            problems.push(
                Diagnostic::error(Code::BadSource, format!("`{}` is not a bibliography format briefing reads", file.display))
                    .help("give the file the extension of its format: `.bib` (BibLaTeX), `.json` (CSL-JSON) or `.yaml` (Hayagriva)"),
            );
            continue;
        };
        let read = memo.files.get(&file.hash).cloned().unwrap_or_else(|| Arc::new(read::read(format, &file.text)));
        read_now.insert(file.hash, read.clone());
        for p in &read.1 {
            problems.push(Diagnostic::error(Code::BadSource, p.message.clone()).at(at(p.span.clone())).help(p.help));
        }
        for e in &read.0 {
            let entry = entry_of(e.key.clone(), e.item.clone(), None, Origin::File { file: f, span: e.span.clone() });
            add(&mut library, &mut by_identity, entry, site, &mut problems);
        }
    }
    memo.files = read_now;
    // Derived keys: the first source in brief order with a base owns it, later ones with other
    // fields number on.
    let mut derived: FastMap<(String, u64), String> = FastMap::default();
    let mut derived_count: FastMap<String, usize> = FastMap::default();
    for (b, brief) in site.briefs.iter().enumerate() {
        let mut mine = Vec::new();
        for (n, source) in brief.front().sources.iter().enumerate() {
            let origin = Origin::Brief { brief: b, n };
            let item = item_of_source(source);
            let entry = match &source.key {
                Some(key) => entry_of(key.trim().to_string(), item, source.archived.clone(), origin),
                None => {
                    // `-2`, `-3` for a derived key another source holds with other fields; the
                    // same fields under one base are one source.
                    let base = derived_key(source);
                    let fields = hash::of(&item);
                    let key = match derived.get(&(base.clone(), fields)) {
                        Some(key) => key.clone(),
                        None => {
                            let n = derived_count.entry(base.clone()).or_insert(0);
                            let mut key = base.clone();
                            loop {
                                *n += 1;
                                if *n > 1 {
                                    key = format!("{base}-{n}");
                                }
                                if !library.by_key.contains_key(&key) {
                                    break;
                                }
                            }
                            derived.insert((base, fields), key.clone());
                            key
                        }
                    };
                    entry_of(key, item, source.archived.clone(), origin)
                }
            };
            if let Some(i) = add(&mut library, &mut by_identity, entry, site, &mut problems) {
                mine.push(i);
            }
        }
        library.of_brief.push(mine);
    }
    library.item_keys = library.entries.par_iter().map(|e| hash::of(&e.item)).collect();
    let library = Arc::new(library);
    memo.last = Some(library.clone());
    memo.problems = problems.clone();
    (library, problems)
}

/// Adds an entry, or finds it already there; `None` when it clashes (reported).
fn add(
    library: &mut Library,
    by_identity: &mut FastMap<String, usize>,
    entry: Entry,
    site: &Site,
    problems: &mut Vec<Diagnostic>,
) -> Option<usize> {
    if entry.key.is_empty() {
        return None;
    }
    if let Some(&i) = library.by_key.get(&entry.key) {
        let old = &library.entries[i];
        // A key merged into another source (one DOI or URL) names that source from then on.
        if old.key != entry.key || same_fields(&old.item, &entry.item) {
            return Some(i);
        }
        let here = location_of(library, site, &entry.origin);
        let there = library.location(site, i);
        let mut d = Diagnostic::error(
            Code::BadSource,
            format!("the source key `{}` is given twice with different fields", entry.key),
        )
        .help(format!(
            "make both entries the same, or give one another key (they differ in {})",
            differing(&old.item, &entry.item)
        ));
        if let Some(here) = here {
            d = d.at(here);
        }
        if let Some(there) = there {
            d = d.also(there, "first given here");
        }
        problems.push(d);
        return None;
    }
    // Different keys, one DOI or URL: one source, under the first key.
    let identities: Vec<String> = [
        entry.doi.as_ref().map(|d| format!("doi:{}", d.to_lowercase())),
        entry.url.as_ref().map(|u| format!("url:{}", normal_url(u))),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(&i) = identities.iter().find_map(|id| by_identity.get(id)) {
        library.by_key.insert(entry.key, i);
        return Some(i);
    }
    let i = library.entries.len();
    for id in identities {
        by_identity.insert(id, i);
    }
    library.by_key.insert(entry.key.clone(), i);
    library.entries.push(entry);
    Some(i)
}

fn location_of(library: &Library, site: &Site, origin: &Origin) -> Option<Location> {
    match origin {
        Origin::File { file, span } => {
            let f = &library.files[*file];
            Some(Location::new(f.display.clone(), f.text.clone(), span.clone()))
        }
        Origin::Brief { brief, .. } => {
            let parsed = &site.briefs[*brief].parsed;
            Some(parsed.location(parsed.key_span("sources").unwrap_or(0..0)))
        }
    }
}

/// A URL compared as the same document: without its fragment, a trailing slash or `www.`.
fn normal_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url).trim();
    let url = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    let url = url.strip_prefix("www.").unwrap_or(url);
    url.trim_end_matches('/').to_lowercase()
}

fn same_fields(a: &Item, b: &Item) -> bool {
    let strip = |i: &Item| {
        i.0.iter().filter(|(k, _)| k.as_str() != "id").map(|(k, v)| (k.clone(), v.clone())).collect::<BTreeMap<_, _>>()
    };
    strip(a) == strip(b)
}

fn differing(a: &Item, b: &Item) -> String {
    let keys: std::collections::BTreeSet<&String> =
        a.0.keys().chain(b.0.keys()).filter(|k| k.as_str() != "id").collect();
    let differ: Vec<String> =
        keys.into_iter().filter(|k| a.0.get(*k) != b.0.get(*k)).map(|k| format!("`{k}`")).collect();
    differ.join(", ")
}

fn entry_of(key: String, mut item: Item, archived: Option<String>, origin: Origin) -> Entry {
    item.0.insert("id".into(), Value::String(key.clone()));
    let text = |k: &str| item.0.get(k).and_then(|v| v.to_str()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let title = text("title").unwrap_or_else(|| key.clone());
    let url = text("URL").filter(|u| !crate::scheme::is_unsafe(u));
    let doi = text("DOI").map(|d| d.trim_start_matches("https://doi.org/").to_string());
    let archived = archived.or_else(|| text("archive_url")).filter(|u| !crate::scheme::is_unsafe(u));
    if url.is_none() {
        item.0.remove("URL");
    }
    protect_last_words(&mut item);
    let slug = crate::slug::slugify(&key);
    let slug = if slug.is_empty() { format!("source-{:x}", hash::of(&key) & 0xffff_ffff) } else { slug };
    Entry { key, slug, title, url, doi, archived, origin, item }
}

/// An en quad (a space no title uses) after a title ending in a capital: hayagriva's title case lowercases an all-capitals word
/// (`SCM`) when it ends the title, as it never sees the word end (hayagriva 0.10.1). The space
/// ends the word; `citations::html_of` drops it from what is written.
fn protect_last_words(item: &mut Item) {
    for key in ["title", "container-title", "collection-title", "title-short"] {
        if let Some(Value::String(title)) = item.0.get_mut(key) {
            if title.ends_with(|c: char| c.is_uppercase()) {
                title.push('\u{2000}');
            }
        }
    }
}

/// A brief's `sources:` entry as CSL-JSON: a document by its authors (an institution's name is
/// kept whole), or by its publisher when it names none.
pub fn item_of_source(source: &Source) -> Item {
    let mut item = BTreeMap::new();
    let kind = if source.url.is_empty() { "document" } else { "webpage" };
    item.insert("type".to_string(), Value::String(kind.into()));
    item.insert("title".to_string(), Value::String(source.title.trim().to_string()));
    if !source.url.trim().is_empty() {
        item.insert("URL".to_string(), Value::String(source.url.trim().to_string()));
    }
    let publisher = source.publisher.as_deref().map(str::trim).filter(|p| !p.is_empty());
    if let Some(publisher) = publisher {
        item.insert("publisher".to_string(), Value::String(publisher.to_string()));
        item.insert("container-title".to_string(), Value::String(publisher.to_string()));
    }
    let names: Vec<NameValue> = source
        .authors
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .map(|a| NameValue::Literal(LiteralName { literal: a.to_string() }))
        .collect();
    if !names.is_empty() {
        item.insert("author".to_string(), Value::Names(names));
    }
    if let Some(date) = source.date.as_deref().and_then(date_parts) {
        item.insert(
            "issued".to_string(),
            Value::Date(DateValue::DateParts {
                date_parts: VecDateRange(vec![VecDate(date)]),
                literal: None,
                season: None,
                circa: false,
            }),
        );
    }
    Item(item)
}

/// `2025-11-04`, `2025-11` or `2025` (a time after the day is ignored).
pub(crate) fn date_parts(text: &str) -> Option<Vec<i16>> {
    let day = text.trim().split(['T', ' ']).next()?;
    let parts: Vec<i16> = day.split('-').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let valid = match parts[..] {
        [_] => true,
        [_, m] => (1..=12).contains(&m),
        [_, m, d] => (1..=12).contains(&m) && (1..=31).contains(&d),
        _ => false,
    };
    valid.then_some(parts)
}

/// The key of a source written without one: the slug of its first author or publisher, its year
/// and the first significant word of its title (`mnd-2025-press`).
pub fn derived_key(source: &Source) -> String {
    let who = source.authors.first().map(String::as_str).or(source.publisher.as_deref()).unwrap_or("");
    let year = source.date.as_deref().and_then(date_parts).map(|p| p[0].to_string()).unwrap_or_else(|| "nd".into());
    let word = source
        .title
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty() && !STOP_WORDS.contains(&w.to_lowercase().as_str()))
        .unwrap_or("");
    let parts: Vec<String> =
        [who, &year, word].iter().map(|p| crate::slug::slugify(p)).filter(|p| !p.is_empty()).collect();
    parts.join("-")
}

/// Words a derived key skips: they begin many titles and tell one apart from none.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "on", "and", "for", "in", "to", "at", "by", "with", "from", "about", "its", "this", "that",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn source(title: &str, publisher: Option<&str>, date: Option<&str>) -> Source {
        Source {
            key: None,
            title: title.into(),
            url: String::new(),
            authors: Vec::new(),
            publisher: publisher.map(Into::into),
            date: date.map(Into::into),
            archived: None,
        }
    }

    #[test]
    fn derived_keys_take_publisher_year_and_first_significant_word() {
        let s = source("Press releases on the 57th SCM", Some("MND"), Some("2025-11-04"));
        assert_eq!(derived_key(&s), "mnd-2025-press");
        let s = source("The Washington Declaration", Some("The White House"), Some("2023"));
        assert_eq!(derived_key(&s), "the-white-house-2023-washington");
        let s = source("국방부 보도자료", Some("국방부"), None);
        assert_eq!(derived_key(&s), "국방부-nd-국방부");
    }

    #[test]
    fn urls_compare_without_scheme_www_slash_and_fragment() {
        assert_eq!(normal_url("https://www.Defense.gov/News/#top"), normal_url("http://defense.gov/news"));
        assert_ne!(normal_url("https://defense.gov/a"), normal_url("https://defense.gov/b"));
    }

    #[test]
    fn dates_of_sources() {
        assert_eq!(date_parts("2025-11-04"), Some(vec![2025, 11, 4]));
        assert_eq!(date_parts("2025-11-04T10:00:00+09:00"), Some(vec![2025, 11, 4]));
        assert_eq!(date_parts("2025"), Some(vec![2025]));
        assert_eq!(date_parts("2025-13"), None);
        assert_eq!(date_parts("soon"), None);
    }
}
