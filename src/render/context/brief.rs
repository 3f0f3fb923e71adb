//! What a brief's page receives: the brief itself, its changes, references, "Cite this" and
//! its structured data.

use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};

use crate::frontmatter::Source;
use crate::markdown::Heading;
use crate::render::cards::{CardList, CardRef, RelatedList};

use super::timeline::EventItems;
use super::{Body, DateContext, FromFile, ImageUrl, Link, TermGroups};

/// What a brief's page shows of its own file.
#[derive(Serialize)]
pub struct BriefOwn<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Option<DateContext<'a>>,
    pub updated: Option<DateContext<'a>>,
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
    /// When it was last reviewed (`reviewed:`).
    pub reviewed: Option<DateContext<'a>>,
    /// Its corrections log, newest first.
    pub changes: Vec<ChangeView<'a>>,
}

/// One entry of a corrections log.
#[derive(Serialize, Hash)]
pub struct ChangeView<'a> {
    pub date: DateContext<'a>,
    pub note: &'a str,
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
    /// A schema.org JSON-LD object for `<script type="application/ld+json">`: the brief as an
    /// article, `about` its terms, `mentions` the terms it names untagged.
    pub structured_data: StructuredData<'a>,
    /// The sources it cites or lists, formatted in the site's citation style.
    pub references: Vec<ReferenceView<'a>>,
    /// In a notes style, the citations' notes, numbered from 1.
    pub citation_notes: &'a [String],
    /// "Cite this brief": the brief formatted as a reference, and its citation files.
    pub cite: Option<CiteThis<'a>>,
    /// Google Scholar's `citation_*` meta tags.
    pub scholar: Scholar<'a>,
    /// Set when the translation is older than its original's last update: the original.
    pub stale: Option<Link<'a>>,
    /// The briefs that replace this one (`supersedes:` in theirs), and those it replaces.
    pub superseded_by: Vec<Link<'a>>,
    pub supersedes: Vec<Link<'a>>,
    /// The events it states, in order, each linked to its place on the timeline (their HTML).
    pub events: EventItems<'a>,
}

/// One reference of a brief's list, linked to its source's page.
#[derive(Serialize, Hash)]
pub struct ReferenceView<'a> {
    pub key: &'a str,
    /// The element id citations link to (`ref-<key>`).
    pub id: String,
    pub html: &'a str,
    /// The source's page on this site.
    pub url: &'a str,
    /// The source itself, and an archived copy of it.
    pub link: Option<&'a str>,
    pub archived: Option<&'a str>,
}

#[derive(Serialize, Hash)]
pub struct CiteThis<'a> {
    pub html: &'a str,
    pub bib: &'a str,
    pub ris: &'a str,
}

/// What Google Scholar reads of a brief (`<meta name="citation_title">` and kin).
#[derive(Serialize, Hash)]
pub struct Scholar<'a> {
    pub title: &'a str,
    pub authors: &'a [String],
    /// `2025/11/05`.
    pub date: Option<String>,
    pub institution: &'a str,
    pub language: &'a str,
    /// Each reference as plain text.
    pub references: Vec<String>,
}

/// A brief's JSON-LD, written only when its page renders (`Render::structured_data`); it hashes
/// as what it shows (`Render::hash_structured_data`).
pub struct StructuredData<'a> {
    pub render: &'a crate::render::Render<'a>,
    pub brief: crate::site::BriefId,
}

impl Hash for StructuredData<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.render.hash_structured_data(self.brief, state);
    }
}

impl Serialize for StructuredData<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.render.structured_data(self.brief))
    }
}
