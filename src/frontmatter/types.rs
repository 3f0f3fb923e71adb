//! The typed front-matter: what a brief or term record says of itself once its keys are read,
//! and `Spanned`, which keeps where each value was written for messages.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::value::scalar_text;
use crate::date::{Date, PartialDate, Period};
use crate::yaml::Value;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The key citations use (`[@mnd-2025-press]`); derived from the other fields when absent.
    #[serde(default)]
    pub key: Option<String>,
    pub title: String,
    #[serde(default)]
    pub url: String,
    /// The people or institution who wrote it: one name or a list.
    #[serde(default, alias = "author", deserialize_with = "one_or_many")]
    pub authors: Vec<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default, deserialize_with = "text_or_date")]
    pub date: Option<String>,
    /// An archived copy's URL (the Wayback Machine's), shown beside the link.
    #[serde(default)]
    pub archived: Option<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar_text).collect(),
        Some(other) => scalar_text(&other).into_iter().collect(),
    })
}

fn text_or_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(value.and_then(|v| scalar_text(&v)))
}

/// A front-matter value together with where it was written. It hashes as its value: where it
/// was written matters to messages only, and a value moved by an edit above it is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct FrontMatter {
    /// Empty when not written: `parse::parse_file` then takes the body's first heading or the
    /// file name.
    pub title: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    /// `summary:`, else `description:` (Hugo, Jekyll).
    pub summary: Option<String>,
    /// Taxonomy name → the labels written, in order.
    pub terms: BTreeMap<String, Vec<Spanned<String>>>,
    pub authors: Vec<String>,
    pub status: Option<String>,
    pub draft: bool,
    pub slug: Option<Spanned<String>>,
    pub weight: Option<i64>,
    pub sources: Vec<Source>,
    pub related: Vec<Spanned<String>>,
    /// Old URLs of the brief: the `aliases` entries that start with `/`.
    pub aliases: Vec<Spanned<String>>,
    /// Other names of the brief, which wikilinks may use: the `aliases` entries that do not start
    /// with `/` (as Obsidian writes them).
    pub names: Vec<Spanned<String>>,
    /// The page's whole path under the base path: `permalink:` (Jekyll) or `url:` (Hugo).
    pub permalink: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub lang: Option<String>,
    /// The brief this one translates, named as a wikilink would (`translation_of: opcon-transfer`),
    /// for a translation whose file is not `x.<code>.md` beside `x.md`.
    pub translation_of: Option<Spanned<String>>,
    /// The original's `updated` (or `date`) when this translation was made.
    pub translated_from: Option<Spanned<Date>>,
    pub extra: Option<Value>,
    /// What happened, as this brief states it (`events:`).
    pub events: Vec<Spanned<EventEntry>>,
    /// Supersession, review and corrections.
    pub lifecycle: Lifecycle,
    /// What a term record (`content/<taxonomy>/<id>.md`) says of its term.
    pub record: Option<RecordFields>,
}

/// One event as a brief states it.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct EventEntry {
    /// Names the event where several briefs state it.
    pub id: Option<String>,
    pub date: PartialDate,
    pub end: Option<PartialDate>,
    /// Its title per language; `None`: the brief's own language.
    pub titles: Vec<(Option<String>, String)>,
    /// Scheduled, not yet happened.
    pub planned: bool,
    /// Per taxonomy, the terms written; a taxonomy not written takes the brief's terms.
    pub terms: BTreeMap<String, Vec<String>>,
    /// A citation key or a URL.
    pub source: Option<String>,
}

/// What a brief says of its own life: what it replaces, when it was reviewed and is due again,
/// and what was corrected.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct Lifecycle {
    /// The briefs this one replaces, named as a wikilink names them.
    pub supersedes: Vec<Spanned<String>>,
    pub reviewed: Option<Date>,
    pub review_by: Option<Spanned<Date>>,
    pub review_every: Option<Spanned<Period>>,
    pub changes: Vec<Change>,
}

/// One entry of a corrections log.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Change {
    pub date: Date,
    pub note: String,
}

/// The keys of a term record besides `title` and `summary`.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct RecordFields {
    /// The term's name per language (`{ko: 주한미군}`), in the order written.
    pub names: Vec<(String, Spanned<String>)>,
    /// Other spellings that mean this term.
    pub aka: Vec<Spanned<String>>,
    /// What it is: organization, person, agreement, concept, place…
    pub kind: Option<String>,
    /// A Wikidata item id (`Q…`).
    pub wikidata: Option<String>,
    /// Ids of broader terms of the same taxonomy.
    pub part_of: Vec<Spanned<String>>,
    /// A person's affiliation.
    pub affiliation: Option<String>,
}

/// What a Markdown file is, which decides the keys its front-matter may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Brief,
    /// A term record: `content/<taxonomy>/<id>.md`.
    Record,
}
