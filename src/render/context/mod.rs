//! The theme's API: what templates receive. Every template gets `site`, `page` (a struct per page
//! kind) and `build`. Each type derives `Hash` as well as `Serialize`, so a page's signature is a
//! hash of exactly what its template receives: a field cannot be shown without being hashed.
//!
//! Contexts borrow and format late: making one costs no allocation, so `watch` can make the
//! context of every page on every change to compare signatures. A few types hash less than they
//! show, each by a rule stated where it is defined: `FromFile` (what a file's text alone
//! decides hashes as the file), `Body` (Markdown rendered from a file and its resolved links),
//! and `Shared`, `CardRef`, `TermRef` (values made once per build and listed by many pages hash
//! as the data they were made from, hashed once).
//!
//! Here what every page shares; a page kind's own types are in `brief`, `lists` (home, sections,
//! taxonomies, terms), `sources` and `timeline`.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::discover::SourceFile;
use crate::frontmatter::Date;
use crate::hash;
use crate::markdown::{self, LinkOutput};
use crate::parse::Parsed;
use crate::routes::{Route, Routes};

pub use super::cards::{BriefViews, Card, CardList, CardRef, Cards, RelatedList, ViewMemo};
use crate::site::Site;

mod brief;
mod lists;
mod sources;
mod timeline;

pub use brief::*;
pub use lists::*;
pub use sources::*;
pub use timeline::*;

/// A value made once and shared by every page that shows it (the links to every page of a list,
/// `site`). Listing it costs no copy: a Tera value is reference-counted. It hashes as the hash of
/// the data it was made from.
#[derive(Clone, Copy)]
pub struct Shared<'a> {
    pub value: &'a tera::Value,
    pub hash: u64,
}

impl Hash for Shared<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
    }
}

impl Serialize for Shared<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// What one source file's text decides on its own (with the configuration, which is part of
/// the build identity), for a page that shows the whole file anyway (a brief's own page): its
/// title, dates, summary, headings, sources… It hashes as the file's hash (of its path and
/// text), whatever its size; it serializes as the value.
pub struct FromFile<'a, T> {
    pub file: &'a SourceFile,
    pub value: T,
}

impl<T> Hash for FromFile<'_, T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The file's hash covers its path and its text.
        self.file.hash.hash(state);
    }
}

impl<T: Serialize> Serialize for FromFile<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Markdown rendered to HTML when the page is rendered, never before. What it shows is a function
/// of the file's text, the resolved links and `raw_html`; it hashes as those (`links_hash` is
/// the hash of `links`, made when they were resolved).
#[derive(Clone, Copy)]
pub struct Body<'a> {
    pub parsed: &'a Parsed,
    pub links: &'a [LinkOutput],
    pub links_hash: u64,
    /// The HTML of each citation of the body.
    pub citations: &'a [String],
    pub raw_html: bool,
    /// The heading of its footnotes, in the page's language (`markdown::notes_heading`).
    pub notes: &'static str,
}

impl Hash for Body<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.parsed.file.hash, self.parsed.body.start, self.links_hash, self.citations, self.raw_html, self.notes)
            .hash(state);
    }
}

impl Body<'_> {
    pub fn html(&self) -> String {
        let parsed = self.parsed;
        markdown::render(parsed.body_text(), &parsed.analysis, self.links, self.citations, self.raw_html, self.notes)
    }
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.html())
    }
}

#[derive(Serialize, Hash)]
pub struct Link<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

#[derive(Serialize, Hash)]
pub struct SiteContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    /// The root-relative URL of the home page (`/policy/`).
    pub url: &'a str,
    /// The absolute base URL, when `base_url` is absolute.
    pub absolute_url: Option<String>,
    pub stylesheet: String,
    /// The icon of the site's tabs and bookmarks.
    pub favicon: Favicon,
    /// The search script, with a content hash in its URL.
    pub search_script: String,
    /// The script that sorts the list of sources.
    pub sources_script: String,
    /// The list of sources, when the site has a library.
    pub sources_url: Option<&'a str>,
    /// The search page.
    pub search_url: &'a str,
    /// The site's Atom feed, when `base_url` is absolute (feeds need absolute URLs).
    pub feed: Option<&'a str>,
    /// The timeline, when briefs state events, and the script that filters it.
    pub timeline_url: Option<&'a str>,
    /// The list of reports, when `site.yaml` declares any.
    pub reports_url: Option<&'a str>,
    pub timeline_script: String,
    pub sections: Vec<Link<'a>>,
    pub taxonomies: Vec<TaxonomyLink<'a>>,
    /// The paper pages print on, as CSS names it (`A4`, `letter`): `paper` in `site.yaml`.
    pub paper: &'static str,
}

/// The site's icon: its own `static/favicon.*`, else the theme's.
#[derive(Serialize, Hash)]
pub struct Favicon {
    pub url: String,
    /// `image/svg+xml`, `image/png` or `image/x-icon`.
    #[serde(rename = "type")]
    pub media_type: &'static str,
}

#[derive(Serialize, Hash)]
pub struct TaxonomyLink<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub url: &'a str,
}

#[derive(Serialize, Hash)]
pub struct BuildContext {
    pub version: &'static str,
    pub serving: bool,
}

/// A date as templates see it: `iso` (`2025-11-04`, or the full RFC 3339 timestamp, for
/// `<time datetime>`), `ymd` and `display` (`4 November 2025`). Formatted only when a page is
/// rendered; it hashes as the date.
#[derive(Hash, Clone, Copy)]
pub struct DateContext<'a>(pub Date, pub &'a str);

impl Serialize for DateContext<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        let ymd = d.ymd();
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("iso", &if d.has_time { d.rfc3339() } else { ymd.clone() })?;
        map.serialize_entry("ymd", &ymd)?;
        map.serialize_entry("display", &d.display_in(self.1))?;
        map.end()
    }
}

/// A date written in language `lang`.
pub fn date_context<'a>(date: &Option<Date>, lang: &'a str) -> Option<DateContext<'a>> {
    date.map(|d| DateContext(d, lang))
}

#[derive(Serialize, Hash)]
pub struct Pager<'a> {
    pub current: usize,
    pub total: usize,
    pub previous: Option<&'a str>,
    pub next: Option<&'a str>,
    /// Its words in the list's language: the links' (`← Newer`, `Older →`), its name (`Pages`)
    /// and where the page is (`Page 2 of 5`).
    pub words: PagerWords<'a>,
    /// A link to every page of the list (`title` is the page number).
    pub pages: PageLinks<'a>,
}

#[derive(Serialize, Hash)]
pub struct PagerWords<'a> {
    pub label: &'a str,
    pub newer: &'a str,
    pub older: &'a str,
    pub position: String,
}

/// A paginated list of the route table, in a language.
#[derive(Clone, Copy, Hash)]
pub enum List {
    Section(usize, usize),
    Term(usize, usize, usize),
}

impl List {
    pub fn url(self, routes: &Routes, page: usize) -> &str {
        let route = match self {
            List::Section(lang, s) => routes.section_in(lang, s, page),
            List::Term(lang, t, i) => routes.term_in(lang, t, i, page),
        };
        route.map_or("", |r| r.url())
    }
}

/// The links to every page of a list: made once per list, the first time one of its pages
/// renders, then shared by all of them. They hash as their URLs, hashed once per list.
pub struct PageLinks<'a> {
    pub cell: &'a ListCell,
    pub routes: &'a Routes,
    pub list: List,
    pub total: usize,
}

/// What the pages of one list share: the links to all of them, and their hash.
#[derive(Default)]
pub struct ListCell {
    value: OnceLock<tera::Value>,
    hash: OnceLock<u64>,
}

impl<'a> PageLinks<'a> {
    fn url(&self, page: usize) -> &'a str {
        self.list.url(self.routes, page)
    }
}

impl Hash for PageLinks<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let urls = || (1..=self.total).map(|page| self.url(page));
        self.cell.hash.get_or_init(|| hash::of(&urls().collect::<Vec<_>>())).hash(state);
    }
}

impl Serialize for PageLinks<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.cell.value.get_or_init(|| {
            let numbers: Vec<String> = (1..=self.total).map(|n| n.to_string()).collect();
            let links: Vec<Link> =
                numbers.iter().zip(1..).map(|(n, page)| Link { title: n, url: self.url(page) }).collect();
            tera::Value::from_serializable(&links)
        });
        value.serialize(serializer)
    }
}

#[derive(Serialize, Hash)]
pub struct TermLink<'a> {
    pub label: &'a str,
    pub url: &'a str,
}

/// The links to the terms of every taxonomy in each language: made once per build, hashed once.
pub struct Terms<'a> {
    pub site: &'a Site,
    pub routes: &'a Routes,
    /// Per language, taxonomy and term.
    hashes: Vec<Vec<Vec<u64>>>,
}

impl<'a> Terms<'a> {
    pub fn new(site: &'a Site, routes: &'a Routes) -> Terms<'a> {
        let hashes = (0..routes.languages())
            .map(|lang| {
                site.taxonomies
                    .iter()
                    .enumerate()
                    .map(|(t, taxonomy)| {
                        (0..taxonomy.terms.len()).map(|i| hash::of(&Terms::link(site, routes, t, i, lang))).collect()
                    })
                    .collect()
            })
            .collect();
        Terms { site, routes, hashes }
    }

    /// A term's label and page in a language (its page in the default language when it has
    /// none in that one).
    fn link(site: &'a Site, routes: &'a Routes, t: usize, i: usize, lang: usize) -> TermLink<'a> {
        TermLink { label: site.taxonomies[t].terms[i].label_in(lang), url: routes.term_or_default(lang, t, i).url() }
    }

    /// A hash of every term's link, by index.
    pub fn key(&self) -> u64 {
        hash::of(&self.hashes)
    }

    /// A hash of the links of `terms` in language `lang` and in the default language (a brief's
    /// structured data names its terms' pages in the default language).
    pub fn key_of(&self, terms: impl Iterator<Item = (usize, usize)>, lang: usize) -> u64 {
        let mut h = hash::hasher();
        for (t, i) in terms {
            (t, self.hashes[lang][t][i], self.hashes[0][t][i]).hash(&mut h);
        }
        h.finish()
    }

    /// The terms of a brief in language `lang`, grouped by taxonomy.
    pub fn groups(&'a self, terms: &'a [(usize, usize)], lang: usize) -> TermGroups<'a> {
        TermGroups { terms: self, of: terms, lang }
    }
}

/// A brief's terms as templates see them: a group per taxonomy that has any
/// (`{name, title, url, terms: [{label, url}]}`), in the order of the taxonomies. It hashes as
/// the terms' links; the taxonomies' names, titles and URLs are in `site`.
pub struct TermGroups<'a> {
    terms: &'a Terms<'a>,
    of: &'a [(usize, usize)],
    lang: usize,
}

#[derive(Serialize)]
struct TermGroup<'a> {
    name: &'a str,
    title: &'a str,
    url: &'a str,
    terms: Vec<TermLink<'a>>,
}

impl Hash for TermGroups<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.of.len());
        for &(t, i) in self.of {
            (t, self.terms.hashes[self.lang][t][i]).hash(state);
        }
    }
}

impl Serialize for TermGroups<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (site, routes) = (self.terms.site, self.terms.routes);
        let groups: Vec<TermGroup> = site
            .taxonomies
            .iter()
            .enumerate()
            .filter_map(|(t, taxonomy)| {
                let terms: Vec<TermLink> = self
                    .of
                    .iter()
                    .filter(|(tt, _)| *tt == t)
                    .map(|&(_, i)| Terms::link(site, routes, t, i, self.lang))
                    .collect();
                (!terms.is_empty()).then(|| TermGroup {
                    name: &taxonomy.name,
                    title: taxonomy.title_in(self.lang),
                    url: routes.taxonomy_in(self.lang, t).unwrap_or_else(|| routes.taxonomy(t)).url(),
                    terms,
                })
            })
            .collect();
        groups.serialize(serializer)
    }
}

/// The URL of `image:` in front-matter: absolute URLs pass through; other paths are relative
/// to the brief's folder, like images in its body; absolute when `base_url` has an origin (Open
/// Graph consumers need absolute image URLs).
pub struct ImageUrl<'a> {
    pub routes: &'a Routes,
    pub folder: &'a str,
    pub image: &'a str,
}

impl Serialize for ImageUrl<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.routes.image_url(self.folder, self.image))
    }
}

#[derive(Serialize, Hash)]
pub struct SearchPage<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: &'a str,
    /// `search/index.json` with a content hash, so browsers never use a stale index.
    pub index_url: String,
    /// The words of the search script, as JSON (`data-words`).
    pub search_words: String,
}

#[derive(Serialize, Hash)]
pub struct NotFoundPage<'a> {
    pub kind: &'static str,
    pub title: &'static str,
    pub url: &'a str,
}

/// The `page` of one page kind.
#[derive(Serialize, Hash)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // made and dropped on the stack, once per page
pub enum PageContext<'a> {
    Brief(BriefPage<'a>),
    Section(SectionPage<'a>),
    Home(HomePage<'a>),
    TaxonomyList(TaxonomyListPage<'a>),
    Term(TermPage<'a>),
    Search(SearchPage<'a>),
    NotFound(NotFoundPage<'a>),
    Sources(SourcesPage<'a>),
    Source(SourcePage<'a>),
    Timeline(TimelinePage<'a>),
    Reports(super::report::ReportsPage<'a>),
    Report(Box<super::report::ReportPage<'a>>),
}

/// What a template receives.
#[derive(Serialize, Hash)]
pub struct TemplateContext<'a> {
    /// The site in the page's language.
    pub site: Shared<'a>,
    /// The theme's words in the page's language (`t.search`).
    pub t: Shared<'a>,
    pub build: Shared<'a>,
    /// The language switcher (empty on a site of one language).
    pub languages: Vec<LanguageLink<'a>>,
    pub page: WithPermalink<'a>,
}

/// A page's counterpart in one language.
pub struct Counterpart<'a> {
    pub lang: usize,
    pub route: &'a Route,
    /// The version the others translate (`x-default`).
    pub original: bool,
}

/// One language of the switcher.
#[derive(Serialize, Hash)]
pub struct LanguageLink<'a> {
    /// Its tag (`ko`) and name in itself (`한국어`).
    pub lang: &'a str,
    pub name: &'static str,
    /// This page in that language, else that language's home.
    pub url: &'a str,
    pub permalink: Permalink<'a>,
    /// The language of this page.
    pub current: bool,
    /// `url` is this page in that language: `<link rel="alternate" hreflang>`.
    pub counterpart: bool,
    /// That version is the one the others translate: `hreflang="x-default"`.
    pub original: bool,
}

/// Every page gets its absolute URL (canonical link, Open Graph) when `base_url` has one.
#[derive(Serialize, Hash)]
pub struct WithPermalink<'a> {
    #[serde(flatten)]
    pub page: PageContext<'a>,
    pub permalink: Option<Permalink<'a>>,
}

/// A page's absolute URL, formatted when the page is rendered. It hashes as the page's URL
/// (the origin is part of the configuration, in the build identity).
pub struct Permalink<'a> {
    pub routes: &'a Routes,
    pub route: &'a Route,
}

impl Hash for Permalink<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.route.url().hash(state);
    }
}

impl Serialize for Permalink<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.routes.absolute(self.route).unwrap_or_default())
    }
}
