//! Citations: each brief's `[@key]`s resolved against the library and formatted with a CSL
//! style (hayagriva's processor), and the reference list each brief ends with. Runs after the
//! links stage, in parallel over briefs; `watch` keeps each brief's result while its citations,
//! its sources and the entries they name are the same. `format` drives the processor, `html`
//! writes what it formats, `shapes` formats many references at once by their shape, `syntax`
//! reads `[@key]` in a body.

mod format;
mod html;
mod shapes;
pub mod syntax;

use std::collections::BTreeSet;
use std::sync::Arc;

use hayagriva::citationberg::json::Item;
use hayagriva::citationberg::{IndependentStyle, Locale, StyleClass};
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::hash::{self, FastMap, Kept};
use crate::library::Library;
use crate::markdown::escape_html;
use crate::site::Site;
use format::{format_brief, format_library, format_raw, format_work, is_cjk, tidy_reference};
pub use html::{html_of, plain_of};

/// The CSL style of the site, parsed once.
pub struct Style {
    pub name: String,
    style: IndependentStyle,
    locales: Vec<Locale>,
    /// A notes style: citations are numbered notes, not text in parentheses.
    pub notes: bool,
}

impl std::fmt::Debug for Style {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Style({})", self.name)
    }
}

/// The styles `citation_style` may name.
pub fn style_names() -> impl Iterator<Item = &'static str> {
    hayagriva::archive::ArchivedStyle::all().iter().flat_map(|s| s.names().iter().copied())
}

impl Style {
    /// A style bundled with hayagriva, by name (`chicago-author-date`, `apa`, `chicago-notes`).
    pub fn bundled(name: &str) -> Option<Style> {
        let archived = hayagriva::archive::ArchivedStyle::by_name(name)?;
        let hayagriva::citationberg::Style::Independent(style) = archived.get() else { return None };
        let notes = style.settings.class == StyleClass::Note;
        // Only the locale the style falls back to: the processor searches every locale it is
        // given for each term, and hayagriva bundles sixty.
        let locales = hayagriva::archive::locales()
            .into_iter()
            .filter(|l| l.lang.as_ref().is_some_and(|code| code.0 == "en-US"))
            .collect();
        Some(Style { name: name.to_string(), style, locales, notes })
    }
}

/// What a brief's page shows of its citations.
#[derive(Debug, Clone, Default, PartialEq, Hash, Serialize)]
pub struct BriefCitations {
    /// The HTML of each citation of the body, in order (marker `\0kn\0`).
    pub inline: Vec<String>,
    /// For a notes style: each note's HTML, numbered from 1.
    pub notes: Vec<String>,
    /// The reference list: every source the brief cites or lists in `sources:`.
    pub references: Vec<Reference>,
}

#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct Reference {
    /// The library entry.
    #[serde(skip)]
    pub entry: usize,
    pub key: String,
    /// The formatted reference.
    pub html: String,
}

/// One brief citing a source, with the sentence around the citation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitedBy {
    pub brief: usize,
    pub sentences: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Citations {
    /// Per brief (`site.briefs` order); `None` for a brief that cites nothing and lists no source.
    pub of_brief: Vec<Option<Arc<BriefCitations>>>,
    /// Per library entry: the briefs that cite it or list it, in date order.
    pub cited_by: Arc<Vec<Vec<CitedBy>>>,
    /// A key of `cited_by`: what the sources' pages show of the briefs citing them.
    pub cited_by_key: u64,
    /// Per library entry: its reference as the site-wide bibliography formats it.
    pub references: Arc<Vec<String>>,
    /// Per brief: "Cite this brief", the brief formatted as a reference in the site's style.
    pub cite_this: Arc<Vec<Arc<str>>>,
    /// The citations of bodies that are not briefs' (a section's introduction, a term record's
    /// text), by file: each as written, escaped (see `as_written`).
    pub as_written: Arc<FastMap<String, Vec<String>>>,
}

/// Each brief's last result, by the hash of what it was made from.
#[derive(Debug, Default)]
pub struct Memo {
    /// Each brief's citations resolved, by the hash of its file, the library and the style.
    resolved: Kept<Arc<Resolved>>,
    /// Which briefs cite each source, with the key of what they cite (not of their date order).
    cited_by: Option<(u64, Arc<Vec<Vec<CitedBy>>>)>,
    /// Each brief's citations formatted (none when it cites nothing), by what they are made from.
    briefs: Kept<Option<Arc<BriefCitations>>>,
    references: Option<(u64, Arc<Vec<String>>)>,
    /// "Cite this" of every brief, with the quick key and the work's key of each (`cite_briefs`).
    cite_this: Option<CiteThis>,
}

/// "Cite this" of every brief as the last build made it, by brief.
#[derive(Debug)]
struct CiteThis {
    quick: Vec<u64>,
    works: Vec<u64>,
    strings: Arc<Vec<Arc<str>>>,
}

/// One brief's citations resolved against the library.
#[derive(Debug)]
struct Resolved {
    /// Per citation of its body, the library entry of each key (`None`: no source has it).
    entries: Vec<Vec<Option<usize>>>,
    /// The keys no source has.
    problems: Vec<Diagnostic>,
    /// What its formatted citations are made from (`Memo::briefs`).
    key: u64,
    /// What the sources' pages show of it: the entries it cites, with the sentences around.
    cites: u64,
}

fn resolve_brief(site: &Site, library: &Library, style_key: u64, b: usize) -> Resolved {
    let brief = &site.briefs[b];
    let citations = &brief.parsed.analysis.citations;
    let mut problems = Vec::new();
    let mut entries = Vec::with_capacity(citations.len());
    for c in citations {
        let mut of_citation = Vec::with_capacity(c.citation.items.len());
        for (item, span) in c.citation.items.iter().zip(&c.key_spans) {
            let entry = library.get(&item.key);
            if entry.is_none() && !is_handle_item(library, c, &item.key) {
                let help = match suggest(library, &item.key) {
                    Some(s) => format!("did you mean `@{s}`?"),
                    None if library.is_empty() => "add a bibliography to site.yaml (`bibliography: [references.bib]`) or the source to the brief's `sources:` with this `key:`".into(),
                    None => "add the source to the bibliography, or to the brief's `sources:` with this `key:`".into(),
                };
                problems.push(
                    Diagnostic::error(Code::UnknownCitation, format!("no source has the key `{}`", item.key))
                        .at(brief.parsed.location(span.clone()))
                        .help(help),
                );
            }
            of_citation.push(entry);
        }
        entries.push(of_citation);
    }
    let listed = library.of_brief.get(b).map_or(&[][..], |v| &v[..]);
    let all: BTreeSet<usize> = entries.iter().flatten().flatten().copied().chain(listed.iter().copied()).collect();
    let items: Vec<u64> = all.iter().map(|&e| library.item_keys[e]).collect();
    let cites: Vec<&syntax::Citation> = citations.iter().map(|c| &c.citation).collect();
    let key = hash::of(&(style_key, cites, &entries, listed, items));
    let sentences: Vec<&String> = citations.iter().map(|c| &c.sentence).collect();
    let cites = hash::of(&(&entries, sentences, listed));
    Resolved { entries, problems, key, cites }
}

/// Resolves and formats every brief's citations. Unknown keys are errors at the citation.
/// `watch` keeps each brief's resolution while its file and the library are the same, and
/// which briefs cite each source while none of that changed.
pub fn resolve(site: &Site, library: &Library, style: &Style, memo: Option<&mut Memo>) -> (Citations, Vec<Diagnostic>) {
    let mut fresh = Memo::default();
    let memo = memo.unwrap_or(&mut fresh);
    let style_key = hash::of(&style.name);
    let quick: Vec<u64> =
        site.briefs.par_iter().map(|brief| hash::of(&(brief.file_hash, library.key, style_key))).collect();
    let resolved: Vec<Arc<Resolved>> = {
        let last = memo.resolved.finder(site.briefs.len());
        (0..site.briefs.len())
            .into_par_iter()
            .map(|b| match last(b, quick[b]) {
                Some(kept) => kept.clone(),
                None => Arc::new(resolve_brief(site, library, style_key, b)),
            })
            .collect()
    };
    let mut problems: Vec<Diagnostic> = resolved.iter().flat_map(|r| r.problems.iter().cloned()).collect();
    // Which briefs cite each source: the same while every brief cites the same, in the same order.
    let cites: Vec<u64> = resolved.iter().map(|r| r.cites).collect();
    let cites_key = hash::of(&(library.key, cites));
    let cited_by_key = hash::of(&(cites_key, &site.rank));
    let in_order = |list: &Vec<CitedBy>| list.is_sorted_by_key(|c| site.rank[c.brief]);
    let cited_by = match &memo.cited_by {
        Some((k, cited_by)) if *k == cites_key && cited_by.iter().all(in_order) => cited_by.clone(),
        // A new date: the same lists, those the moved brief is on sorted again.
        Some((k, cited_by)) if *k == cites_key => {
            let mut cited_by = Vec::clone(cited_by);
            for list in cited_by.iter_mut().filter(|list| !in_order(list)) {
                list.sort_by_key(|c| site.rank[c.brief]);
            }
            Arc::new(cited_by)
        }
        _ => Arc::new(cited_by_of(site, library, &resolved)),
    };
    memo.cited_by = Some((cites_key, cited_by.clone()));
    let references_key = hash::of(&(style_key, library.key));
    let references = match &memo.references {
        Some((k, r)) if *k == references_key => r.clone(),
        _ => Arc::new(format_library(library, style)),
    };
    memo.references = Some((references_key, references.clone()));
    let templates = shapes::Citations::new(style);
    let last = memo.briefs.finder(site.briefs.len());
    let of_brief: Vec<Option<Arc<BriefCitations>>> = (0..site.briefs.len())
        .into_par_iter()
        .map(|b| {
            if resolved[b].entries.is_empty() && library.of_brief[b].is_empty() {
                return None;
            }
            if let Some(Some(kept)) = last(b, resolved[b].key) {
                return Some(kept.clone());
            }
            let citations = &site.briefs[b].parsed.analysis.citations;
            let listed = &library.of_brief[b];
            let entries = &resolved[b].entries;
            Some(Arc::new(format_brief(library, style, citations, entries, listed, &references, &templates)))
        })
        .collect();
    drop(last);
    memo.briefs = Kept::new(resolved.iter().map(|r| r.key).collect(), of_brief.clone());
    memo.resolved = Kept::new(quick, resolved);
    let (as_written, more) = as_written(site, library);
    problems.extend(more);
    let as_written = Arc::new(as_written);
    let citations = Citations { of_brief, cited_by, cited_by_key, references, cite_this: Arc::default(), as_written };
    (citations, problems)
}

/// The citations of the bodies that are not briefs': a section's introduction and a term
/// record's text have no reference list for a formatted citation to point into, so each is
/// shown as written (`[see @kim2020, p. 3]`) and warned of, rather than left out of the page. A handle
/// (`@policydesk`) is text there as in a brief, and not warned of.
fn as_written(site: &Site, library: &Library) -> (FastMap<String, Vec<String>>, Vec<Diagnostic>) {
    let mut texts = hash::fast_map(0);
    let mut problems = Vec::new();
    let intros = site.sections.iter().flat_map(|s| s.index.iter().chain(s.translated_index.iter().map(|(_, _, p)| p)));
    let intros = intros.map(|parsed| (parsed, "a section's introduction"));
    let records = site.records.iter().map(|r| (&r.parsed, "a term record's text"));
    for (parsed, what) in intros.chain(records) {
        let cited = &parsed.analysis.citations;
        if cited.is_empty() {
            continue;
        }
        for c in cited.iter().filter(|c| !is_handle(library, c)) {
            let at = c.key_spans.first().cloned().unwrap_or(0..0);
            problems.push(
                Diagnostic::warning(
                    Code::CitationOutsideBrief,
                    format!("citations are formatted only in briefs: this one, in {what}, is shown as written"),
                )
                .at(parsed.location(at))
                .help("cite the source in a brief, or name it in the text"),
            );
        }
        texts.insert(parsed.file.rel_path.clone(), cited.iter().map(|c| escape_html(&c.written)).collect());
    }
    (texts, problems)
}

/// Per library entry, the briefs that cite it (with the sentences around) or list it, in date
/// order.
fn cited_by_of(site: &Site, library: &Library, resolved: &[Arc<Resolved>]) -> Vec<Vec<CitedBy>> {
    let mut cited_by: Vec<Vec<CitedBy>> = vec![Vec::new(); library.entries.len()];
    for (b, brief) in site.briefs.iter().enumerate() {
        for (c, entries) in brief.parsed.analysis.citations.iter().zip(&resolved[b].entries) {
            for e in entries.iter().flatten() {
                push_cited(&mut cited_by[*e], b, Some(&c.sentence));
            }
        }
        for &e in library.of_brief.get(b).map_or(&[][..], |v| &v[..]) {
            push_cited(&mut cited_by[e], b, None);
        }
    }
    for list in &mut cited_by {
        list.sort_by_key(|c| site.rank[c.brief]);
    }
    cited_by
}

/// Each brief formatted as a reference ("Cite this brief"), in parallel; kept while the work and
/// the style are the same. `work` makes brief `b`'s work. `quick`: a key per brief of what
/// decides its work (`watch`: its file, the route table, the build identity, its language): a
/// brief whose quick key is known is kept without making its work at all, so a rebuild after one
/// edit makes one work rather than ten thousand.
pub fn cite_briefs<'a>(
    count: usize,
    work: impl Fn(usize) -> crate::library::export::Work<'a> + Sync,
    quick: Option<&[u64]>,
    style: &Style,
    memo: Option<&mut Memo>,
) -> Arc<Vec<Arc<str>>> {
    let style_key = hash::of(&style.name);
    let mut fresh = Memo::default();
    let memo = memo.unwrap_or(&mut fresh);
    let last = memo.cite_this.take();
    // The same briefs as last time (a rebuild after an edit): only those whose quick key
    // changed are looked at, and the list is patched in place.
    let (mut kept, last) = match (last, quick) {
        (Some(last), Some(quick)) if last.quick.len() == quick.len() && quick.len() == count => (Some(last), None),
        (last, _) => (None, last),
    };
    let unknown: Vec<usize> = match (&kept, quick) {
        (Some(kept), Some(quick)) => (0..count).filter(|&b| kept.quick[b] != quick[b]).collect(),
        _ => (0..count).collect(),
    };
    let works: Vec<_> = unknown.par_iter().map(|&b| work(b)).collect();
    let keys: Vec<u64> = works.par_iter().map(|w| hash::of(&(style_key, w))).collect();
    // A brief whose file changed but not its work (an edit of its body) is not formatted again.
    let by_work: FastMap<u64, &Arc<str>> = match &last {
        Some(last) if !unknown.is_empty() => last.works.iter().copied().zip(last.strings.iter()).collect(),
        _ => FastMap::default(),
    };
    let known = |i: usize| match &kept {
        Some(kept) => (kept.works[unknown[i]] == keys[i]).then(|| kept.strings[unknown[i]].clone()),
        None => by_work.get(&keys[i]).map(|s| (*s).clone()),
    };
    let known: Vec<Option<Arc<str>>> = (0..unknown.len()).map(known).collect();
    let missing: Vec<usize> = (0..unknown.len()).filter(|&i| known[i].is_none()).collect();
    let items: Vec<Item> = missing.par_iter().map(|&i| crate::library::export::item(&works[i])).collect();
    let mut formatted = shapes::references(&items.iter().collect::<Vec<_>>(), style).into_iter();
    let made: Vec<Arc<str>> =
        known.into_iter().map(|k| k.unwrap_or_else(|| formatted.next().map(Arc::from).unwrap_or_default())).collect();
    let result = match kept.take() {
        Some(mut kept) => {
            let strings = Arc::make_mut(&mut kept.strings);
            for ((&b, key), string) in unknown.iter().zip(keys).zip(made) {
                (strings[b], kept.works[b]) = (string, key);
            }
            kept.quick = quick.map(<[u64]>::to_vec).unwrap_or_default();
            kept
        }
        None => {
            CiteThis { quick: quick.map(<[u64]>::to_vec).unwrap_or_default(), works: keys, strings: Arc::new(made) }
        }
    };
    let strings = result.strings.clone();
    if quick.is_some() {
        memo.cite_this = Some(result);
    }
    strings
}

fn push_cited(list: &mut Vec<CitedBy>, brief: usize, sentence: Option<&String>) {
    let i = match list.iter().position(|c| c.brief == brief) {
        Some(i) => i,
        None => {
            list.push(CitedBy { brief, sentences: Vec::new() });
            list.len() - 1
        }
    };
    if let Some(s) = sentence.filter(|s| !s.is_empty()) {
        if !list[i].sentences.contains(s) {
            list[i].sentences.push(s.clone());
        }
    }
}

/// Whether `key`, written in citation `c` and naming no source, is text rather than a mistake:
/// a narrative `@name` close to no key is a handle (`@policydesk`), not a citation.
fn is_handle_item(library: &Library, c: &crate::markdown::CitationRef, key: &str) -> bool {
    c.citation.mode == syntax::Mode::Narrative && library.get(key).is_none() && suggest(library, key).is_none()
}

/// Whether every key of citation `c` is a handle (`is_handle_item`).
fn is_handle(library: &Library, c: &crate::markdown::CitationRef) -> bool {
    c.citation.items.iter().all(|i| is_handle_item(library, c, &i.key))
}

fn suggest<'a>(library: &'a Library, key: &str) -> Option<&'a str> {
    crate::suggest::closest(key, library.keys())
}

/// The id of a reference on a brief page: `ref-<key>`, the key made safe for an id.
pub fn anchor(key: &str) -> String {
    key.chars().map(|c| if c.is_alphanumeric() || "-_.:".contains(c) { c } else { '-' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_style_name_loads_and_the_default_is_author_date() {
        let style = Style::bundled("chicago-author-date").unwrap();
        assert!(!style.notes);
        assert!(Style::bundled("chicago-notes").unwrap().notes);
        assert!(Style::bundled("no-such-style").is_none());
        assert!(style_names().any(|n| n == "apa"));
    }
}
