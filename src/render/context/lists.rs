//! What the list pages receive: the home page, sections, taxonomies and their terms (with a
//! term's record).

use serde::Serialize;

use crate::render::cards::CardList;

use super::timeline::EventItems;
use super::{Body, Link, Pager, TaxonomyLink, TermLink};

#[derive(Serialize, Hash)]
pub struct SectionLink<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub count: usize,
}

#[derive(Serialize, Hash)]
pub struct SectionPage<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: &'a str,
    pub intro: Option<Body<'a>>,
    pub briefs: CardList<'a>,
    pub subsections: Vec<SectionLink<'a>>,
    pub pager: Pager<'a>,
}

#[derive(Serialize, Hash)]
pub struct HomePage<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: &'a str,
    pub intro: Option<Body<'a>>,
    pub latest: CardList<'a>,
    pub sections: Vec<SectionLink<'a>>,
    pub taxonomies: Vec<TaxonomySummary<'a>>,
}

#[derive(Serialize, Hash)]
pub struct TaxonomySummary<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    /// Sorted by label.
    pub terms: Vec<TermSummary<'a>>,
    /// The same terms, those with the most briefs first; equal counts sorted by label, A→Z.
    pub busiest: Vec<TermSummary<'a>>,
}

#[derive(Serialize, Hash, Clone)]
pub struct TermSummary<'a> {
    pub label: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub count: usize,
    /// Its record's first name in another language than the site's (`주한미군`).
    pub other_name: Option<NameIn<'a>>,
}

#[derive(Serialize, Hash)]
pub struct TaxonomyListPage<'a> {
    pub kind: &'static str,
    pub name: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub terms: Vec<TermSummary<'a>>,
}

#[derive(Serialize, Hash)]
pub struct TermPage<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub label: &'a str,
    pub url: &'a str,
    pub taxonomy: TaxonomyLink<'a>,
    pub briefs: CardList<'a>,
    pub count: usize,
    pub pager: Pager<'a>,
    /// What its record says, when it has one.
    pub record: Option<RecordView<'a>>,
    /// The terms most often named together with it, most often first.
    pub related_terms: Vec<TermLink<'a>>,
    /// Briefs that mention it without being tagged (on its first page), newest first, and how
    /// many there are.
    pub mentioned: CardList<'a>,
    pub mentioned_count: usize,
    /// The term's Atom feed, if the site writes feeds.
    pub feed: Option<&'a str>,
    /// Its events, oldest first (on its first page), as HTML.
    pub events: EventItems<'a>,
    /// The reports that select it.
    pub reports: Vec<Link<'a>>,
}

/// A term record as its page shows it.
#[derive(Serialize, Hash)]
pub struct RecordView<'a> {
    /// The language its file is written in (the site's default).
    pub lang: &'a str,
    /// Its name in other languages than the page's: `[{lang: ko, name: 주한미군}]`.
    pub names: Vec<NameIn<'a>>,
    pub aka: Vec<&'a str>,
    #[serde(rename = "type")]
    pub kind: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub affiliation: Option<&'a str>,
    /// The Wikidata item's page.
    pub wikidata: Option<String>,
    pub broader: Vec<TermLink<'a>>,
    pub narrower: Vec<TermLink<'a>>,
    /// The record's body, as HTML.
    pub description: Body<'a>,
}

#[derive(Serialize, Hash, Clone, Copy)]
pub struct NameIn<'a> {
    pub lang: &'a str,
    pub name: &'a str,
}
