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

use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::discover::SourceFile;
use crate::frontmatter::{Date, Source};
use crate::hash;
use crate::links::Related;
use crate::markdown::{self, Heading, LinkOutput};
use crate::parse::Parsed;
use crate::routes::{Route, Routes};
use crate::site::{BriefId, Site};

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
pub struct Body<'a> {
    pub parsed: &'a Parsed,
    pub links: &'a [LinkOutput],
    pub links_hash: u64,
    pub raw_html: bool,
}

impl Hash for Body<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.parsed.file.hash, self.parsed.body.start, self.links_hash, self.raw_html).hash(state);
    }
}

impl Body<'_> {
    pub fn html(&self) -> String {
        let parsed = self.parsed;
        markdown::render(parsed.body_text(), &parsed.analysis, self.links, self.raw_html)
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
    /// The search script, with a content hash in its URL.
    pub search_script: String,
    /// The search page.
    pub search_url: &'a str,
    /// The site's Atom feed, when `base_url` is absolute (feeds need absolute URLs).
    pub feed: Option<&'a str>,
    pub sections: Vec<Link<'a>>,
    pub taxonomies: Vec<TaxonomyLink<'a>>,
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
pub struct DateContext(pub Date);

impl Serialize for DateContext {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        let ymd = d.ymd();
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("iso", &if d.has_time { d.rfc3339() } else { ymd.clone() })?;
        map.serialize_entry("ymd", &ymd)?;
        map.serialize_entry("display", &d.display())?;
        map.end()
    }
}

pub fn date_context(date: &Option<Date>) -> Option<DateContext> {
    date.map(DateContext)
}

/// What list pages show of a brief: never its HTML. (A small part of its file, so it hashes as
/// its fields: a body edit that leaves them as they were renders no list page again.)
#[derive(Serialize, Hash)]
pub struct Card<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub date: Option<DateContext>,
    pub summary: &'a str,
    pub status: Option<&'a str>,
    pub reading_minutes: usize,
    pub section: &'a str,
}

/// The cards of every brief: each made the first time a page lists it (as a Tera value, then
/// shared by every page that lists it); their hashes are made up front (see `BriefViews`).
pub struct Cards<'a> {
    site: &'a Site,
    routes: &'a Routes,
    values: Vec<OnceLock<tera::Value>>,
    hashes: Vec<u64>,
}

impl<'a> Cards<'a> {
    pub fn new(site: &'a Site, routes: &'a Routes, hashes: Vec<u64>) -> Cards<'a> {
        Cards { site, routes, values: (0..site.briefs.len()).map(|_| OnceLock::new()).collect(), hashes }
    }

    pub fn card(site: &'a Site, routes: &'a Routes, b: BriefId) -> Card<'a> {
        let brief = &site.briefs[b];
        Card {
            title: brief.title(),
            url: routes.brief(b).url(),
            date: date_context(&brief.front().date),
            summary: brief.summary(),
            status: brief.front().status.as_deref(),
            reading_minutes: brief.parsed.analysis.reading_minutes(),
            section: &site.sections[brief.section].title,
        }
    }

    pub fn value(&self, b: BriefId) -> &tera::Value {
        self.values[b].get_or_init(|| tera::Value::from_serializable(&Cards::card(self.site, self.routes, b)))
    }

    pub fn hash(&self, b: BriefId) -> u64 {
        self.hashes[b]
    }

    pub fn get(&'a self, brief: BriefId) -> CardRef<'a> {
        CardRef { cards: self, brief }
    }

    pub fn list(&'a self, briefs: &'a [BriefId]) -> CardList<'a> {
        CardList { cards: self, briefs }
    }

    /// Frees the cards on another thread: a card per brief takes tens of milliseconds to free
    /// on a large site, and nothing waits for it.
    pub fn free_later(&mut self) {
        let values = std::mem::take(&mut self.values);
        std::thread::spawn(move || drop(values));
    }
}

/// What many files show of each brief, hashed once per rendering: its card, and its node in the
/// link graph. `watch` keeps them: a brief whose file was not parsed again, in the same section,
/// with the same terms and route table, shows the same card and node.
#[derive(Default)]
pub struct ViewMemo {
    routes: u64,
    briefs: Vec<ViewSource>,
}

/// What a brief's card and node are made from, besides the route table, and their hashes.
struct ViewSource {
    parsed: Arc<Parsed>,
    section: u64,
    terms: u64,
    card: u64,
    node: u64,
}

/// The hashes of every brief's card and graph node.
pub struct BriefViews {
    pub cards: Vec<u64>,
    pub nodes: Vec<u64>,
}

impl BriefViews {
    /// Hashes the views of every brief, taking those of `memo` that are still valid (in
    /// parallel); `node` hashes a brief's graph node.
    pub fn make(
        site: &Site,
        routes: &Routes,
        memo: Option<&ViewMemo>,
        node: impl Fn(BriefId) -> u64 + Sync,
    ) -> BriefViews {
        use rayon::prelude::*;
        let sections: Vec<u64> = site.sections.iter().map(|s| hash::of(&(&s.title, &s.folder))).collect();
        let last = memo.filter(|m| m.routes == routes.key && m.briefs.len() == site.briefs.len());
        let pairs: Vec<(u64, u64)> = (0..site.briefs.len())
            .into_par_iter()
            .map(|b| {
                let brief = &site.briefs[b];
                if let Some(v) = last.map(|m| &m.briefs[b]) {
                    if Arc::ptr_eq(&v.parsed, &brief.parsed)
                        && v.section == sections[brief.section]
                        && v.terms == brief.terms_key
                    {
                        return (v.card, v.node);
                    }
                }
                (hash::of(&Cards::card(site, routes, b)), node(b))
            })
            .collect();
        let (cards, nodes) = pairs.into_iter().unzip();
        BriefViews { cards, nodes }
    }

    /// Keeps these hashes for the next rendering.
    pub fn remember(&self, site: &Site, routes: &Routes, memo: &mut ViewMemo) {
        let sections: Vec<u64> = site.sections.iter().map(|s| hash::of(&(&s.title, &s.folder))).collect();
        memo.routes = routes.key;
        memo.briefs = site
            .briefs
            .iter()
            .enumerate()
            .map(|(b, brief)| ViewSource {
                parsed: brief.parsed.clone(),
                section: sections[brief.section],
                terms: brief.terms_key,
                card: self.cards[b],
                node: self.nodes[b],
            })
            .collect();
    }
}

/// A brief's card as one page lists it: hashed as the card's data, serialized as the shared value.
#[derive(Clone, Copy)]
pub struct CardRef<'a> {
    cards: &'a Cards<'a>,
    brief: BriefId,
}

impl Hash for CardRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.cards.hash(self.brief).hash(state);
    }
}

impl Serialize for CardRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.cards.value(self.brief).serialize(serializer)
    }
}

/// The cards of a list of briefs.
pub struct CardList<'a> {
    cards: &'a Cards<'a>,
    briefs: &'a [BriefId],
}

impl Hash for CardList<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.briefs.len());
        for &b in self.briefs {
            self.cards.get(b).hash(state);
        }
    }
}

impl Serialize for CardList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.briefs.iter().map(|&b| self.cards.get(b)))
    }
}

/// The related briefs of a page: each card with `reason`, why it is related ("shares USFK,
/// extended deterrence"; empty for an author's `related:` entry).
pub struct RelatedList<'a> {
    pub cards: &'a Cards<'a>,
    pub related: &'a [Related],
}

impl Hash for RelatedList<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.related.len());
        for r in self.related {
            (self.cards.get(r.brief), r.shared_hash).hash(state);
        }
    }
}

impl Serialize for RelatedList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.related.len()))?;
        for r in self.related {
            seq.serialize_element(&RelatedCard { card: self.cards.value(r.brief), shared: &r.shared })?;
        }
        seq.end()
    }
}

/// A card's fields and `reason`.
struct RelatedCard<'a> {
    card: &'a tera::Value,
    shared: &'a [String],
}

impl Serialize for RelatedCard<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = self.card.as_map();
        let mut map = serializer.serialize_map(Some(fields.map_or(0, |m| m.len()) + 1))?;
        for (key, value) in fields.into_iter().flatten() {
            map.serialize_entry(key, value)?;
        }
        let reason = if self.shared.is_empty() { String::new() } else { format!("shares {}", self.shared.join(", ")) };
        map.serialize_entry("reason", &reason)?;
        map.end()
    }
}

#[derive(Serialize, Hash)]
pub struct Pager<'a> {
    pub current: usize,
    pub total: usize,
    pub previous: Option<&'a str>,
    pub next: Option<&'a str>,
    /// A link to every page of the list (`title` is the page number).
    pub pages: PageLinks<'a>,
}

/// A paginated list of the route table.
#[derive(Clone, Copy, Hash)]
pub enum List {
    Section(usize),
    Term(usize, usize),
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
        match self.list {
            List::Section(s) => self.routes.section(s, page).url(),
            List::Term(t, i) => self.routes.term(t, i, page).url(),
        }
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

/// The links to the terms of every taxonomy: made once per build, hashed once.
pub struct Terms<'a> {
    pub site: &'a Site,
    pub routes: &'a Routes,
    hashes: Vec<Vec<u64>>,
}

impl<'a> Terms<'a> {
    pub fn new(site: &'a Site, routes: &'a Routes) -> Terms<'a> {
        let hashes = site
            .taxonomies
            .iter()
            .enumerate()
            .map(|(t, taxonomy)| {
                (0..taxonomy.terms.len()).map(|i| hash::of(&Terms::link(site, routes, t, i))).collect()
            })
            .collect();
        Terms { site, routes, hashes }
    }

    fn link(site: &'a Site, routes: &'a Routes, t: usize, i: usize) -> TermLink<'a> {
        TermLink { label: &site.taxonomies[t].terms[i].label, url: routes.term(t, i, 1).url() }
    }

    /// The terms of a brief, grouped by taxonomy.
    pub fn groups(&'a self, terms: &'a [(usize, usize)]) -> TermGroups<'a> {
        TermGroups { terms: self, of: terms }
    }
}

/// A brief's terms as templates see them: a group per taxonomy that has any
/// (`{name, title, url, terms: [{label, url}]}`), in the order of the taxonomies. It hashes as
/// the terms' links; the taxonomies' names, titles and URLs are in `site`.
pub struct TermGroups<'a> {
    terms: &'a Terms<'a>,
    of: &'a [(usize, usize)],
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
            (t, self.terms.hashes[t][i]).hash(state);
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
                let terms: Vec<TermLink> =
                    self.of.iter().filter(|(tt, _)| *tt == t).map(|&(_, i)| Terms::link(site, routes, t, i)).collect();
                (!terms.is_empty()).then(|| TermGroup {
                    name: &taxonomy.name,
                    title: &taxonomy.title,
                    url: routes.taxonomy(t).url(),
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
        if self.image.contains("://") {
            return serializer.serialize_str(self.image);
        }
        let path = match self.image.strip_prefix('/') {
            Some(rooted) => rooted.to_string(),
            None if self.folder.is_empty() => self.image.to_string(),
            None => format!("{}/{}", self.folder, self.image),
        };
        let href = self.routes.href(&path);
        serializer.serialize_str(&self.routes.urls.absolute(&href).unwrap_or(href))
    }
}

/// What a brief's page shows of its own file.
#[derive(Serialize)]
pub struct BriefOwn<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Option<DateContext>,
    pub updated: Option<DateContext>,
    pub summary: &'a str,
    pub toc: &'a [Heading],
    pub word_count: usize,
    pub reading_minutes: usize,
    pub authors: &'a [String],
    pub status: Option<&'a str>,
    pub sources: &'a [Source],
    pub image: Option<ImageUrl<'a>>,
    pub lang: Option<&'a str>,
    pub extra: Option<&'a serde_yaml::Value>,
}

#[derive(Serialize, Hash)]
pub struct BriefPage<'a> {
    pub kind: &'static str,
    #[serde(flatten)]
    pub own: FromFile<'a, BriefOwn<'a>>,
    pub url: &'a str,
    pub content: Body<'a>,
    pub taxonomies: TermGroups<'a>,
    pub backlinks: CardList<'a>,
    pub related: RelatedList<'a>,
    pub outgoing: CardList<'a>,
    pub previous: Option<CardRef<'a>>,
    pub next: Option<CardRef<'a>>,
    pub section: Link<'a>,
}

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
}

#[derive(Serialize, Hash)]
pub struct TermSummary<'a> {
    pub label: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub count: usize,
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
}

#[derive(Serialize, Hash)]
pub struct SearchPage<'a> {
    pub kind: &'static str,
    pub title: &'static str,
    pub url: &'a str,
    /// `search/index.json` with a content hash, so browsers never use a stale index.
    pub index_url: String,
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
}

/// What a template receives.
#[derive(Serialize, Hash)]
pub struct TemplateContext<'a> {
    pub site: Shared<'a>,
    pub build: Shared<'a>,
    pub page: WithPermalink<'a>,
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
