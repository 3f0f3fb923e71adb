//! A body's headings: the leading title, each heading's id (unique on the page, never one the
//! theme uses) and the attributes its `{…}` may give it.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::dialect::options;
use super::sanitise::clean;
use crate::slug::slugify;

/// Ids the default theme uses itself; a heading never takes one of them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "content",
    "timeline",
    "timeline-heading",
    "timeline-filters",
    "timeline-status",
    "timeline-all",
    "events",
    "events-heading",
    "changes",
    "changes-heading",
    "top",
    "toc",
    "site-header",
    "site-footer",
    "site-nav",
    "site-search-q",
    "backlinks",
    "backlinks-heading",
    "related",
    "related-heading",
    "sources",
    "sources-heading",
    "latest-heading",
    "sections-heading",
    "terms",
    "footnotes",
    "footnotes-heading",
    "search",
    "search-input",
    "search-more",
    "search-filter",
    "search-status",
    "search-hint",
    "search-results",
    "mentioned-heading",
    "briefing-errors",
    "pager",
    "skip",
    "references",
    "references-heading",
    "citation-notes",
    "citation-notes-heading",
    "cite",
    "cite-heading",
    "cited-by-heading",
    "sort-sources",
    "source-list",
    "report-cover",
    "report-contents",
    "report-contents-heading",
    "report-key-points",
    "report-key-points-heading",
    "report-timeline",
    "report-timeline-heading",
    "report-references",
    "report-references-heading",
    "report-glossary",
    "report-glossary-heading",
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// The text of the body's first block when it is a level-1 heading, and where the heading ends
/// in `body`: a note without `title:` takes it as its title, and the page does not repeat it.
pub fn leading_title(body: &str) -> Option<(String, usize)> {
    let mut events = Parser::new_ext(body, options()).into_offset_iter();
    let (Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }), range) = events.next()? else {
        return None;
    };
    let mut title = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => title.push_str(&clean(t)),
            Event::SoftBreak | Event::HardBreak => title.push(' '),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some((title, range.end))
}

/// The attributes a heading's `{…}` block may give it. Classes that are plain names
/// (`{.note}`) are kept; anything else (`{onfocus=alert(1) autofocus}`) is HTML, so it is kept
/// only with `raw_html` (the id, `{#id}`, is the heading's own and always made safe).
type HeadingAttrs<'a> = (Vec<CowStr<'a>>, Vec<(CowStr<'a>, Option<CowStr<'a>>)>);

pub(super) fn heading_attributes<'a>(
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    raw_html: bool,
) -> HeadingAttrs<'a> {
    if raw_html {
        return (classes, attrs);
    }
    let is_name = |c: &str| !c.is_empty() && c.chars().all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_');
    (classes.into_iter().filter(|c| is_name(c)).collect(), Vec::new())
}

pub(super) fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Ids given so far on a page, and for each base the next suffix to try, so that a page with
/// thousands of equal headings stays linear.
#[derive(Default)]
pub(super) struct UsedIds {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl UsedIds {
    /// Takes `id` if neither the theme nor an earlier heading has it.
    fn take(&mut self, id: &str) -> bool {
        !RESERVED_IDS.contains(&id) && self.taken.insert(id.to_string())
    }
}

pub(super) fn unique_id(explicit: Option<String>, title: &str, index: usize, used: &mut UsedIds) -> String {
    let base = match explicit.map(|e| slugify(&e)).filter(|e| !e.is_empty()) {
        Some(e) => e,
        None => {
            let s = slugify(title);
            if s.is_empty() {
                format!("section-{}", index + 1)
            } else {
                s
            }
        }
    };
    if used.take(&base) {
        return base;
    }
    let mut n = used.next_suffix.get(&base).copied().unwrap_or(1);
    loop {
        let id = format!("{base}-{n}");
        n += 1;
        if used.take(&id) {
            used.next_suffix.insert(base, n);
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_the_default_theme_uses_is_reserved() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split("id=\"").skip(1) {
                let id = &part[..part.find('"').unwrap()];
                if !id.contains("{{") {
                    assert!(RESERVED_IDS.contains(&id), "`{id}` is used by the theme but not reserved");
                }
            }
        }
    }
}
