//! The theme's API: what templates receive. Every template gets `site`, `page` (a struct per page
//! kind) and `build`. Each type derives `Hash` as well as `Serialize`, so a page's signature is a
//! hash of exactly what its template receives: a field cannot be shown without being hashed.
//! Three types hash less than they show, each by a rule stated where it is defined: `Shared`
//! and `CardRef` (values made once and listed by many pages) and `Body` (Markdown rendered to
//! HTML).

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::frontmatter::{Date, Source};
use crate::hash;
use crate::markdown::{self, Heading, LinkOutput};
use crate::parse::Parsed;
use crate::routes::Routes;
use crate::site::{BriefId, Site};

/// A value made once and shared by every page that shows it (a brief's card, the links to every
/// page of a list, `site`). Listing it costs no copy: a Tera value is reference-counted. It hashes
/// as the hash of the data it was made from.
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

/// Markdown rendered to HTML when the page is rendered, never before. What it shows is a function
/// of the file's text, the resolved links and `raw_html`; it hashes as those.
pub struct Body<'a> {
    pub parsed: &'a Parsed,
    pub links: &'a [LinkOutput],
    pub raw_html: bool,
}

impl Hash for Body<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.parsed.file.hash, self.parsed.body.start, self.links, self.raw_html).hash(state);
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

#[derive(Serialize, Hash, Clone)]
pub struct DateContext {
    /// `2025-11-04` or the full RFC 3339 timestamp, for `<time datetime>`.
    pub iso: String,
    pub ymd: String,
    pub display: String,
}

pub fn date_context(date: &Option<Date>) -> Option<DateContext> {
    date.map(|d| {
        let ymd = d.ymd();
        DateContext { iso: if d.has_time { d.rfc3339() } else { ymd.clone() }, ymd, display: d.display() }
    })
}

/// What list pages show of a brief: never its HTML.
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
/// shared by every page that lists it), and hashed the first time a signature needs it.
pub struct Cards<'a> {
    site: &'a Site,
    routes: &'a Routes,
    values: Vec<OnceLock<tera::Value>>,
    hashes: Vec<OnceLock<u64>>,
}

impl<'a> Cards<'a> {
    pub fn new(site: &'a Site, routes: &'a Routes) -> Cards<'a> {
        let n = site.briefs.len();
        Cards {
            site,
            routes,
            values: (0..n).map(|_| OnceLock::new()).collect(),
            hashes: (0..n).map(|_| OnceLock::new()).collect(),
        }
    }

    fn card(&self, b: BriefId) -> Card<'a> {
        let brief = &self.site.briefs[b];
        Card {
            title: brief.title(),
            url: self.routes.brief(b).url(),
            date: date_context(&brief.front().date),
            summary: brief.summary(),
            status: brief.front().status.as_deref(),
            reading_minutes: brief.parsed.analysis.reading_minutes(),
            section: &self.site.sections[brief.section].title,
        }
    }

    pub fn value(&self, b: BriefId) -> &tera::Value {
        self.values[b].get_or_init(|| {
            let card = self.card(b);
            // Made together: the card's fields are formatted once.
            let _ = self.hashes[b].set(hash::of(&card));
            tera::Value::from_serializable(&card)
        })
    }

    pub fn hash(&self, b: BriefId) -> u64 {
        *self.hashes[b].get_or_init(|| hash::of(&self.card(b)))
    }

    pub fn get(&'a self, brief: BriefId) -> CardRef<'a> {
        CardRef { cards: self, brief }
    }

    /// Frees the cards on another thread: a card per brief takes tens of milliseconds to free
    /// on a large site, and nothing waits for it.
    pub fn free_later(&mut self) {
        let values = std::mem::take(&mut self.values);
        std::thread::spawn(move || drop(values));
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

/// A related brief: its card and why it is related ("shares USFK, extended deterrence"; empty for
/// an author's `related:` entry). Templates see the card's fields and `reason`.
#[derive(Hash)]
pub struct RelatedCard<'a> {
    pub card: CardRef<'a>,
    pub reason: String,
}

impl Serialize for RelatedCard<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = self.card.cards.value(self.card.brief).as_map();
        let mut map = serializer.serialize_map(Some(fields.map_or(0, |m| m.len()) + 1))?;
        for (key, value) in fields.into_iter().flatten() {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("reason", &self.reason)?;
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
    pub pages: Shared<'a>,
}

#[derive(Serialize, Hash)]
pub struct TermLink<'a> {
    pub label: &'a str,
    pub url: &'a str,
}

#[derive(Serialize, Hash)]
pub struct TermGroup<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub terms: Vec<TermLink<'a>>,
}

#[derive(Serialize, Hash)]
pub struct BriefPage<'a> {
    pub kind: &'static str,
    pub id: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub date: Option<DateContext>,
    pub updated: Option<DateContext>,
    pub summary: &'a str,
    pub content: Body<'a>,
    pub toc: &'a [Heading],
    pub word_count: usize,
    pub reading_minutes: usize,
    pub authors: &'a [String],
    pub status: Option<&'a str>,
    pub taxonomies: Vec<TermGroup<'a>>,
    pub sources: &'a [Source],
    pub backlinks: Vec<CardRef<'a>>,
    pub related: Vec<RelatedCard<'a>>,
    pub outgoing: Vec<CardRef<'a>>,
    pub previous: Option<CardRef<'a>>,
    pub next: Option<CardRef<'a>>,
    pub section: Link<'a>,
    pub image: Option<String>,
    pub lang: Option<&'a str>,
    pub extra: Option<&'a serde_yaml::Value>,
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
    pub briefs: Vec<CardRef<'a>>,
    pub subsections: Vec<SectionLink<'a>>,
    pub pager: Pager<'a>,
}

#[derive(Serialize, Hash)]
pub struct HomePage<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: &'a str,
    pub intro: Option<Body<'a>>,
    pub latest: Vec<CardRef<'a>>,
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
    pub briefs: Vec<CardRef<'a>>,
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
pub enum PageContext<'a> {
    Brief(Box<BriefPage<'a>>),
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
    pub permalink: Option<String>,
}
