//! Formatting with hayagriva's CSL processor: a brief's citations and reference list as one
//! document, one work alone, the whole library; and where its output differs from citeproc-js,
//! made as citeproc-js writes it.

use std::collections::BTreeSet;

use hayagriva::citationberg::json::Item;
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild, ElemChildren,
    ElemMeta, LocatorPayload, SpecificLocator,
};

use crate::library::Library;
use crate::markdown::escape_html;

use super::html::{html_of, plain_of, write_child, write_formatted};
use super::{anchor, shapes, syntax, BriefCitations, Reference, Style};

/// One item formatted as a reference, alone.
pub(super) fn format_work(item: &Item, style: &Style) -> String {
    tidy_reference(format_raw(item, style), item)
}

/// One item formatted as a reference by the processor, as it comes.
pub(super) fn format_raw(item: &Item, style: &Style) -> String {
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

/// One brief's citations and reference list, formatted as one document (so "ibid." and the
/// disambiguation of two works of one author and year are the brief's own).
pub(super) fn format_brief(
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

/// Every entry of the library formatted as a reference, alone (the text of its source page).
pub(super) fn format_library(library: &Library, style: &Style) -> Vec<String> {
    let items: Vec<&Item> = library.entries.iter().map(|e| &e.item).collect();
    shapes::references(&items, style)
}

/// A formatted reference made as citeproc-js writes it, where hayagriva 0.10 differs: a Korean,
/// Chinese or Japanese name whole and family name first (`김철수`, not `김, 철수` or `철수 김`),
/// and no full stop doubled after a closing quote (`?.”`, `.”.`).
pub(super) fn tidy_reference(mut html: String, item: &Item) -> String {
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

pub(super) fn is_cjk(text: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affixes_go_inside_the_parentheses() {
        assert_eq!(affixed("(Kim 2020, 3)", "see", "and passim", "(", ")"), "(see Kim 2020, 3, and passim)");
        assert_eq!(affixed("Kim (2020)", "", "", "(", ")"), "Kim (2020)");
        assert_eq!(affixed("Kim 2020.", "See", "", "", ""), "See Kim 2020.");
    }
}
