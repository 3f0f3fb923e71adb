//! Citations: each brief's `[@key]`s resolved against the library and formatted with a CSL
//! style (hayagriva's processor), and the reference list each brief ends with. Runs after the
//! links stage, in parallel over briefs; `watch` keeps each brief's result while its citations,
//! its sources and the entries they name are the same.

mod shapes;
pub mod syntax;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

use hayagriva::citationberg::json::Item;
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{
    FontStyle, FontVariant, FontWeight, IndependentStyle, Locale, StyleClass, TextDecoration, VerticalAlign,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild, ElemChildren,
    ElemMeta, LocatorPayload, SpecificLocator,
};
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::hash::{self, FastMap, Kept};
use crate::library::Library;
use crate::markdown::escape_html;
use crate::site::Site;

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
            if entry.is_none() && !(c.citation.mode == syntax::Mode::Narrative && suggest(library, &item.key).is_none())
            {
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
    let problems: Vec<Diagnostic> = resolved.iter().flat_map(|r| r.problems.iter().cloned()).collect();
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
    let citations = Citations { of_brief, cited_by, cited_by_key, references, cite_this: Arc::default() };
    (citations, problems)
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

/// One item formatted as a reference, alone.
fn format_work(item: &Item, style: &Style) -> String {
    tidy_reference(format_raw(item, style), item)
}

/// One item formatted as a reference by the processor, as it comes.
fn format_raw(item: &Item, style: &Style) -> String {
    let mut driver: BibliographyDriver<Item> = BibliographyDriver::new();
    driver.citation(CitationRequest::new(
        vec![CitationItem::new(item, None, None, true, None)],
        &style.style,
        None,
        &style.locales,
        None,
    ));
    let rendered = driver.finish(BibliographyRequest::new(&style.style, None, &style.locales));
    let html = rendered.bibliography.and_then(|b| b.items.into_iter().next()).map(|i| html_of(&i.content));
    html.unwrap_or_default()
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

fn suggest<'a>(library: &'a Library, key: &str) -> Option<&'a str> {
    crate::suggest::closest(key, library.keys())
}

/// One brief's citations and reference list, formatted as one document (so "ibid." and the
/// disambiguation of two works of one author and year are the brief's own).
fn format_brief(
    library: &Library,
    style: &Style,
    citations: &[crate::markdown::CitationRef],
    resolved: &[Vec<Option<usize>>],
    listed: &[usize],
    references: &[String],
    templates: &shapes::Citations,
) -> BriefCitations {
    let cited: BTreeSet<usize> = resolved.iter().flatten().flatten().copied().collect();
    let uncited: Vec<usize> = listed.iter().copied().filter(|e| !cited.contains(e)).collect();
    let all: Vec<usize> = cited.iter().chain(&uncited).copied().collect();
    // Where nothing in the brief depends on the rest of it (no "ibid.", no 2019a beside 2019b),
    // its references are the library's, and each citation is formatted alone.
    let simple = citations
        .iter()
        .all(|c| c.citation.mode == syntax::Mode::Normal && c.citation.items.iter().all(|i| !i.suppress_author));
    if simple && !style.notes && !ambiguous(library, style, &all, templates) {
        return format_brief_alone(library, style, citations, resolved, &all, references, templates);
    }
    let mut driver: BibliographyDriver<Item> = BibliographyDriver::new();
    // Year suffixes (2019a, 2019b) follow the reference list's order, as the CSL specification
    // says; hayagriva gives them in citation order. Where two sources could take one, every
    // source is first cited unseen in the list's order.
    let mut requests = 0;
    if may_take_year_suffixes(library, &all) {
        for e in bibliography_order(library, style, &all) {
            let item = CitationItem::new(&library.entries[e].item, None, None, true, None);
            driver.citation(CitationRequest::new(vec![item], &style.style, None, &style.locales, None));
            requests += 1;
        }
    }
    let mut notes = 0;
    // Which request formats each citation, and which of its items are cited by year only;
    // citations naming no known source are left as written.
    let mut formatted_at = Vec::with_capacity(citations.len());
    for (c, entries) in citations.iter().zip(resolved) {
        let (items, suppressed) = citation_items(library, c, entries);
        if items.is_empty() {
            formatted_at.push(None);
            continue;
        }
        notes += 1;
        formatted_at.push(Some((requests, suppressed)));
        requests += 1;
        driver.citation(CitationRequest::new(items, &style.style, None, &style.locales, Some(notes)));
    }
    for &e in &uncited {
        let item = CitationItem::new(&library.entries[e].item, None, None, true, None);
        driver.citation(CitationRequest::new(vec![item], &style.style, None, &style.locales, None));
    }
    let rendered = driver.finish(BibliographyRequest::new(&style.style, None, &style.locales));
    let mut out = BriefCitations::default();
    for ((c, at), entries) in citations.iter().zip(&formatted_at).zip(resolved) {
        let keys: Vec<&str> = c.citation.items.iter().map(|i| i.key.as_str()).collect();
        let Some((at, suppressed)) = at else {
            out.inline.push(unknown_citation(c, &keys));
            continue;
        };
        let text = rendered
            .citations
            .get(*at)
            .map(|r| tidy_punctuation(html_without_names(&r.citation, suppressed)))
            .unwrap_or_default();
        if style.notes {
            let number = out.notes.len() + 1;
            let prefix = c.citation.items.first().map_or("", |i| i.prefix.as_str());
            let suffix = c.citation.items.last().map_or("", |i| i.suffix.as_str());
            out.notes.push(affixed(&text, prefix, suffix, "", ""));
            let data_cites = escape_html(&keys.join(" "));
            out.inline.push(format!(
                "<span class=\"citation\" data-cites=\"{data_cites}\"><sup><a href=\"#cite-note-{number}\" id=\"cite-ref-{number}\" class=\"citation-ref\">{number}</a></sup></span>"
            ));
        } else {
            let target = entries.first().copied().flatten().map(|e| library.entries[e].key.as_str());
            out.inline.push(inline_citation(style, c, &keys, target, &text));
        }
    }
    if let Some(bibliography) = rendered.bibliography {
        for item in bibliography.items {
            let Some(entry) = library.get(&item.key) else { continue };
            let mut html = String::new();
            if let Some(first) = &item.first_field {
                write_child(&mut html, first);
                html.push(' ');
            }
            html.push_str(&html_of(&item.content));
            let html = tidy_reference(html, &library.entries[entry].item);
            out.references.push(Reference { entry, key: library.entries[entry].key.clone(), html });
        }
    }
    out
}

/// `format_brief` for a brief whose citations depend on nothing but themselves.
fn format_brief_alone(
    library: &Library,
    style: &Style,
    citations: &[crate::markdown::CitationRef],
    resolved: &[Vec<Option<usize>>],
    all: &[usize],
    references: &[String],
    templates: &shapes::Citations,
) -> BriefCitations {
    let mut out = BriefCitations::default();
    let full = |items: &[(&Item, Option<(&'static str, String)>)]| citation_whole(style, items);
    for (c, entries) in citations.iter().zip(resolved) {
        let (items, suppressed) = citation_items(library, c, entries);
        let keys: Vec<&str> = c.citation.items.iter().map(|i| i.key.as_str()).collect();
        if items.is_empty() {
            out.inline.push(unknown_citation(c, &keys));
            continue;
        }
        let shaped: Vec<(&Item, Option<(&'static str, &str)>)> = c
            .citation
            .items
            .iter()
            .zip(entries)
            .filter_map(|(i, e)| {
                Some((&library.entries[(*e)?].item, i.locator.as_ref().map(|(k, v)| (*k, v.as_str()))))
            })
            .collect();
        let text = match templates.citation(&shaped, full) {
            Some(text) => text,
            None => {
                let request = CitationRequest::new(items, &style.style, None, &style.locales, None);
                tidy_punctuation(html_without_names(&hayagriva::standalone_citation(request), &suppressed))
            }
        };
        let target = entries.first().copied().flatten().map(|e| library.entries[e].key.as_str());
        out.inline.push(inline_citation(style, c, &keys, target, &text));
    }
    // Sorted as the style sorts (author, date, title), quotes and marks not counted.
    let sort_key = |e: usize| {
        let text = plain_of(&references[e]).to_lowercase();
        text.chars().filter(|c| c.is_alphanumeric() || c.is_whitespace()).collect::<String>()
    };
    let mut listed: Vec<(String, usize)> = all.iter().map(|&e| (sort_key(e), e)).collect();
    // The style's reference list is sorted (by author, date, title): its text sorts the same.
    if style.style.bibliography.as_ref().is_some_and(|b| b.sort.is_some()) {
        listed.sort();
    }
    for (_, e) in listed {
        out.references.push(Reference { entry: e, key: library.entries[e].key.clone(), html: references[e].clone() });
    }
    out
}

/// The processor's items of a citation, and which are cited by year only.
/// A citation of the given items and locators, formatted whole.
fn citation_whole(style: &Style, items: &[(&Item, Option<(&'static str, String)>)]) -> String {
    let items = items
        .iter()
        .map(|(item, locator)| {
            let locator = locator.as_ref().map(|(kind, value)| {
                SpecificLocator(kind.parse::<Locator>().unwrap_or(Locator::Page), LocatorPayload::Str(value.as_str()))
            });
            CitationItem::new(*item, locator, None, false, None)
        })
        .collect();
    let request = CitationRequest::new(items, &style.style, None, &style.locales, None);
    tidy_punctuation(html_of(&hayagriva::standalone_citation(request)))
}

fn citation_items<'a>(
    library: &'a Library,
    c: &'a crate::markdown::CitationRef,
    entries: &[Option<usize>],
) -> (Vec<CitationItem<'a, Item>>, Vec<bool>) {
    let mut suppressed = Vec::new();
    let items = c
        .citation
        .items
        .iter()
        .zip(entries)
        .filter_map(|(item, entry)| {
            let entry = &library.entries[(*entry)?].item;
            let locator = item.locator.as_ref().map(|(kind, value)| {
                SpecificLocator(kind.parse::<Locator>().unwrap_or(Locator::Page), LocatorPayload::Str(value.as_str()))
            });
            // `[-@key]` is formatted whole and its names taken out (`html_without_names`):
            // hayagriva's year-only form drops the parentheses and the year suffix.
            let purpose = match (c.citation.mode, item.suppress_author) {
                (syntax::Mode::Narrative, false) => Some(CitePurpose::Prose),
                _ => None,
            };
            suppressed.push(item.suppress_author);
            Some(CitationItem::new(entry, locator, None, false, purpose))
        })
        .collect();
    (items, suppressed)
}

fn unknown_citation(c: &crate::markdown::CitationRef, keys: &[&str]) -> String {
    if c.citation.mode == syntax::Mode::Narrative {
        // A handle (`@policydesk`), not a citation: its text as written.
        return escape_html(&citation_source(c));
    }
    let data_cites = escape_html(&keys.join(" "));
    format!("<span class=\"citation unknown\" data-cites=\"{data_cites}\">{}</span>", escape_html(&citation_source(c)))
}

/// A citation in the text: in a span naming its keys, linked to the reference when it cites one
/// source, with the writer's prefix and suffix.
fn inline_citation(
    style: &Style,
    c: &crate::markdown::CitationRef,
    keys: &[&str],
    target: Option<&str>,
    text: &str,
) -> String {
    let data_cites = escape_html(&keys.join(" "));
    let prefix = c.citation.items.first().map_or("", |i| i.prefix.as_str());
    let suffix = c.citation.items.last().map_or("", |i| i.suffix.as_str());
    let layout = &style.style.citation.layout;
    let open = layout.prefix.as_deref().unwrap_or("");
    let close = layout.suffix.as_deref().unwrap_or("");
    let text = affixed(text, prefix, suffix, open, close);
    // The reference's id is its entry's key: a key merged into another (same DOI) links there.
    let text = match target {
        Some(key) if keys.len() == 1 => format!("<a href=\"#ref-{}\">{text}</a>", escape_html(&anchor(key))),
        _ => text,
    };
    format!("<span class=\"citation\" data-cites=\"{data_cites}\">{text}</span>")
}

/// Whether two of these sources could be told apart by a year suffix: the same first author's
/// family name (or title) and the same year.
/// Whether two of the sources would be cited alike (`Kim 2019`), which the style tells apart
/// (`Kim 2019a`, `H. Kim 2019`) only in a brief formatted as a whole.
fn ambiguous(library: &Library, style: &Style, entries: &[usize], templates: &shapes::Citations) -> bool {
    if !may_take_year_suffixes(library, entries) {
        return false;
    }
    let mut seen = BTreeSet::new();
    entries.iter().any(|&e| {
        let item = &library.entries[e].item;
        let text = templates
            .citation(&[(item, None)], |items| citation_whole(style, items))
            .unwrap_or_else(|| citation_whole(style, &[(item, None)]));
        !seen.insert(text)
    })
}

fn may_take_year_suffixes(library: &Library, entries: &[usize]) -> bool {
    let mut seen = BTreeSet::new();
    entries.iter().any(|&e| {
        let entry = &library.entries[e];
        let who = entry.names("author").first().or(entry.names("editor").first()).map(|n| n.family.clone());
        !seen.insert((who.unwrap_or_else(|| entry.title.clone()), entry.year()))
    })
}

/// The order of the reference list these sources make.
fn bibliography_order(library: &Library, style: &Style, entries: &[usize]) -> Vec<usize> {
    let mut driver: BibliographyDriver<Item> = BibliographyDriver::new();
    for &e in entries {
        let item = CitationItem::new(&library.entries[e].item, None, None, true, None);
        driver.citation(CitationRequest::new(vec![item], &style.style, None, &style.locales, None));
    }
    let rendered = driver.finish(BibliographyRequest::new(&style.style, None, &style.locales));
    let mut order: Vec<usize> =
        rendered.bibliography.map(|b| b.items).unwrap_or_default().iter().filter_map(|i| library.get(&i.key)).collect();
    order.extend(entries.iter().filter(|e| !order.contains(e)).copied().collect::<Vec<_>>());
    order
}

/// A citation's HTML with the names of the items cited by year only (`[-@key]`) taken out,
/// with the space that followed them.
fn html_without_names(children: &ElemChildren, suppressed: &[bool]) -> String {
    if !suppressed.contains(&true) {
        return html_of(children);
    }
    fn walk(children: &ElemChildren, suppressed: &[bool], current: bool, trim: &mut bool, html: &mut String) {
        for child in &children.0 {
            match child {
                ElemChild::Elem(e) => {
                    let current = match e.meta {
                        Some(ElemMeta::Entry(i)) => suppressed.get(i).copied().unwrap_or(false),
                        _ => current,
                    };
                    if current && matches!(e.meta, Some(ElemMeta::Names(..))) {
                        *trim = true;
                        continue;
                    }
                    walk(&e.children, suppressed, current, trim, html);
                }
                ElemChild::Text(t) if *trim => {
                    *trim = false;
                    let text = t.text.trim_start_matches([' ', ',']);
                    write_formatted(html, text, &t.formatting);
                }
                other => {
                    *trim = false;
                    write_child(html, other);
                }
            }
        }
    }
    let mut html = String::new();
    walk(children, suppressed, false, &mut false, &mut html);
    html.replace("( ", "(")
}

/// The citation's text as written, for one whose sources are all unknown (an error is reported).
fn citation_source(c: &crate::markdown::CitationRef) -> String {
    let keys: Vec<String> = c.citation.items.iter().map(|i| format!("@{}", i.key)).collect();
    match c.citation.mode {
        syntax::Mode::Narrative => keys.join("; "),
        syntax::Mode::Normal => format!("[{}]", keys.join("; ")),
    }
}

/// A citation with the writer's prefix and suffix inside the style's parentheses:
/// `(see Kim 2020, 3, and passim)`.
fn affixed(text: &str, prefix: &str, suffix: &str, open: &str, close: &str) -> String {
    let (open, close) = (escape_html(open), escape_html(close));
    let inner = text.strip_prefix(open.as_str()).and_then(|t| t.strip_suffix(close.as_str()));
    let (open, inner, close) = match inner {
        Some(inner) if !open.is_empty() => (open.as_str(), inner, close.as_str()),
        _ => ("", text, ""),
    };
    let mut out = String::with_capacity(text.len() + prefix.len() + suffix.len() + 2);
    out.push_str(open);
    if !prefix.is_empty() {
        out.push_str(&escape_html(prefix));
        out.push(' ');
    }
    out.push_str(inner);
    if !suffix.is_empty() {
        if !suffix.starts_with([',', ';', '.']) {
            out.push(',');
        }
        out.push(' ');
        out.push_str(&escape_html(suffix.trim_start_matches([',', ' '])));
    }
    out.push_str(close);
    out
}

/// The id of a reference on a brief page: `ref-<key>`, the key made safe for an id.
pub fn anchor(key: &str) -> String {
    key.chars().map(|c| if c.is_alphanumeric() || "-_.:".contains(c) { c } else { '-' }).collect()
}

/// Every entry of the library formatted as a reference, alone (the text of its source page).
fn format_library(library: &Library, style: &Style) -> Vec<String> {
    let items: Vec<&Item> = library.entries.iter().map(|e| &e.item).collect();
    shapes::references(&items, style)
}

/// A formatted reference made as citeproc-js writes it, where hayagriva 0.10 differs: a Korean,
/// Chinese or Japanese name whole and family name first (`김철수`, not `김, 철수` or `철수 김`),
/// and no full stop doubled after a closing quote (`?.”`, `.”.`).
fn tidy_reference(mut html: String, item: &Item) -> String {
    for variable in ["author", "editor", "translator"] {
        let Some(hayagriva::citationberg::json::Value::Names(names)) = item.0.get(variable) else { continue };
        for name in names {
            let hayagriva::citationberg::json::NameValue::Item(n) = name else { continue };
            let Some(given) = n.given.as_deref() else { continue };
            if !(is_cjk(&n.family) || is_cjk(given)) {
                continue;
            }
            let (family, given) = (escape_html(&n.family), escape_html(given));
            let whole = format!("{family}{given}");
            html = html.replace(&format!("{family}, {given}"), &whole).replace(&format!("{given} {family}"), &whole);
        }
    }
    tidy_punctuation(html)
}

fn is_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c as u32, 0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
    })
}

fn tidy_punctuation(html: String) -> String {
    if !html.contains(".”") {
        return html;
    }
    html.replace("?.”", "?”").replace("!.”", "!”").replace(".”.", ".”")
}

/// Formatted CSL output as HTML, every text escaped (hayagriva's own HTML writer does not
/// escape, so a title holding `<script>` would reach the page).
pub fn html_of(children: &ElemChildren) -> String {
    let mut html = String::new();
    for child in &children.0 {
        write_child(&mut html, child);
    }
    html
}

fn write_child(html: &mut String, child: &ElemChild) {
    match child {
        ElemChild::Text(t) => write_formatted(html, &t.text, &t.formatting),
        ElemChild::Elem(e) => {
            for c in &e.children.0 {
                write_child(html, c);
            }
        }
        ElemChild::Markup(m) => html.push_str(&escape_html(m)),
        ElemChild::Link { text, url } => {
            let safe = (url.starts_with("https://") || url.starts_with("http://")) && !crate::scheme::is_unsafe(url);
            if safe {
                let _ = write!(html, "<a href=\"{}\">", escape_html(url));
            }
            write_formatted(html, &text.text, &text.formatting);
            if safe {
                html.push_str("</a>");
            }
        }
        ElemChild::Transparent { .. } => {}
    }
}

fn write_formatted(html: &mut String, text: &str, f: &hayagriva::Formatting) {
    let mut close = Vec::new();
    let mut open = |tag: &'static str, end: &'static str| {
        html.push_str(tag);
        close.push(end);
    };
    if f.font_style == FontStyle::Italic {
        open("<i>", "</i>");
    }
    if f.font_weight == FontWeight::Bold {
        open("<b>", "</b>");
    }
    if f.font_variant == FontVariant::SmallCaps {
        open("<span class=\"small-caps\">", "</span>");
    }
    if f.text_decoration == TextDecoration::Underline {
        open("<u>", "</u>");
    }
    match f.vertical_align {
        VerticalAlign::Sup => open("<sup>", "</sup>"),
        VerticalAlign::Sub => open("<sub>", "</sub>"),
        _ => {}
    }
    // The en quad `library::protect_last_words` put after a title.
    html.push_str(&escape_html(&text.replace('\u{2000}', "")));
    for tag in close.into_iter().rev() {
        html.push_str(tag);
    }
}

/// Formatted text without tags, for search and plain listings.
pub fn plain_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affixes_go_inside_the_parentheses() {
        assert_eq!(affixed("(Kim 2020, 3)", "see", "and passim", "(", ")"), "(see Kim 2020, 3, and passim)");
        assert_eq!(affixed("Kim (2020)", "", "", "(", ")"), "Kim (2020)");
        assert_eq!(affixed("Kim 2020.", "See", "", "", ""), "See Kim 2020.");
    }

    #[test]
    fn every_bundled_style_name_loads_and_the_default_is_author_date() {
        let style = Style::bundled("chicago-author-date").unwrap();
        assert!(!style.notes);
        assert!(Style::bundled("chicago-notes").unwrap().notes);
        assert!(Style::bundled("no-such-style").is_none());
        assert!(style_names().any(|n| n == "apa"));
    }
}
