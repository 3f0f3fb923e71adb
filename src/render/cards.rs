//! Cards: what list pages, related lists and the search index show of a brief. Each card is
//! made once as a Tera value shared by every page that lists it, and hashed once (by `watch`,
//! once per change of its brief, which also keeps the value while the hash is the same).

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::hash;
use crate::parse::Parsed;
use crate::related::Related;
use crate::routes::Routes;
use crate::site::{BriefId, Site};

use super::context::{date_context, DateContext};

/// What list pages show of a brief: never its HTML. (A small part of its file, so it hashes as
/// its fields: a body edit that leaves them as they were renders no list page again.)
#[derive(Serialize, Hash)]
pub struct Card<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub date: Option<DateContext<'a>>,
    pub summary: &'a str,
    pub status: Option<&'a str>,
    pub reading_minutes: usize,
    /// The reading time in the brief's language (`3 min read`, `3분 분량`).
    pub reading: Reading<'a>,
    pub section: &'a str,
    /// Its language's tag: a list marks a card in another language than the page's.
    pub lang: &'a str,
    /// A newer brief replaces it: lists mark it.
    pub superseded: bool,
}

/// A reading time as the theme writes it (its word `min_read`), formatted when serialized; it
/// hashes as the minutes and the word.
#[derive(Hash, Clone, Copy)]
pub struct Reading<'a> {
    pub minutes: usize,
    pub word: &'a str,
}

impl Serialize for Reading<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::templates::counted(self.word, self.minutes))
    }
}

/// The cards of every brief: each made the first time a page lists it (as a Tera value, then
/// shared by every page that lists it); their hashes are made up front (see `BriefViews`).
pub struct Cards<'a> {
    site: &'a Site,
    routes: &'a Routes,
    /// The theme's word for a reading time, per language.
    reading: Vec<&'a str>,
    values: Vec<OnceLock<tera::Value>>,
    hashes: Vec<u64>,
}

impl<'a> Cards<'a> {
    /// `kept`: the values of the last rendering (`ViewMemo::take_values`), each of the card
    /// whose hash is in `hashes` (the others are empty).
    pub fn new(
        site: &'a Site,
        routes: &'a Routes,
        reading: Vec<&'a str>,
        hashes: Vec<u64>,
        kept: Option<Vec<OnceLock<tera::Value>>>,
    ) -> Cards<'a> {
        let values = kept
            .filter(|v| v.len() == site.briefs.len())
            .unwrap_or_else(|| (0..site.briefs.len()).map(|_| OnceLock::new()).collect());
        Cards { site, routes, reading, values, hashes }
    }

    /// `reading`: the theme's word for a reading time in each language.
    pub fn card(site: &'a Site, routes: &'a Routes, reading: &[&'a str], b: BriefId) -> Card<'a> {
        let brief = &site.briefs[b];
        let minutes = brief.parsed.analysis.reading_minutes();
        let lang = site.language_of(b);
        Card {
            title: brief.title(),
            url: routes.brief(b).url(),
            date: date_context(&brief.front().date, lang),
            summary: brief.summary(),
            status: brief.front().status.as_deref(),
            reading_minutes: minutes,
            reading: Reading { minutes, word: reading.get(brief.lang).copied().unwrap_or("{n} min") },
            section: site.sections[brief.section].title_in(brief.lang),
            lang,
            superseded: !brief.superseded_by.is_empty(),
        }
    }

    pub fn value(&self, b: BriefId) -> &tera::Value {
        self.values[b]
            .get_or_init(|| tera::Value::from_serializable(&Cards::card(self.site, self.routes, &self.reading, b)))
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

    /// Hands the values made so far to `memo`, for the next rendering.
    pub fn keep_in(&mut self, memo: &mut ViewMemo, identity: u64) {
        memo.values = std::mem::take(&mut self.values);
        memo.identity = identity;
    }
}

/// What many files show of each brief, hashed once per rendering: its card, and its node in the
/// link graph. `watch` keeps them: a brief whose file was not parsed again, in the same section,
/// with the same terms and URL, shows the same card and node.
#[derive(Default)]
pub struct ViewMemo {
    /// The build identity they were made in: the theme's words (a card's `reading`) and the
    /// settings are not in the hashes.
    identity: u64,
    routes: u64,
    briefs: Vec<ViewSource>,
    /// Each brief's card as a Tera value, of the hash in `briefs` (empty: not made). A date edit
    /// renders hundreds of list pages again whose cards, but one, are the same.
    values: Vec<OnceLock<tera::Value>>,
}

impl ViewMemo {
    /// The values of the cards whose hash is still `cards[b]` (the others emptied), taken for a
    /// rendering in build identity `identity`.
    pub fn take_values(&mut self, identity: u64, cards: &[u64]) -> Option<Vec<OnceLock<tera::Value>>> {
        let mut values = std::mem::take(&mut self.values);
        if self.identity != identity || values.len() != cards.len() || self.briefs.len() != cards.len() {
            std::thread::spawn(move || drop(values));
            return None;
        }
        for ((value, kept), &now) in values.iter_mut().zip(&self.briefs).zip(cards) {
            if kept.card != now {
                *value = OnceLock::new();
            }
        }
        Some(values)
    }
}

/// What a brief's card and node are made from, and their hashes.
struct ViewSource {
    parsed: Arc<Parsed>,
    section: u64,
    terms: u64,
    /// The hash of its URL: all they show of the route table.
    url: u64,
    /// Whether another brief supersedes it (its card says so).
    superseded: bool,
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
        identity: u64,
        reading: &[&str],
        node: impl Fn(BriefId) -> u64 + Sync,
    ) -> BriefViews {
        use rayon::prelude::*;
        let sections = section_keys(site, routes);
        let last = memo.filter(|m| m.briefs.len() == site.briefs.len() && m.identity == identity);
        // Another route table seldom moves a brief: its URL is compared.
        let same_routes = last.is_some_and(|m| m.routes == routes.key_without_terms());
        let pairs: Vec<(u64, u64)> = (0..site.briefs.len())
            .into_par_iter()
            .map(|b| {
                let brief = &site.briefs[b];
                if let Some(v) = last.map(|m| &m.briefs[b]) {
                    if Arc::ptr_eq(&v.parsed, &brief.parsed)
                        && v.section == sections[brief.section]
                        && v.terms == brief.terms_key
                        && v.superseded != brief.superseded_by.is_empty()
                        && (same_routes || v.url == hash::of(routes.brief(b).url()))
                    {
                        return (v.card, v.node);
                    }
                }
                (hash::of(&Cards::card(site, routes, reading, b)), node(b))
            })
            .collect();
        let (cards, nodes) = pairs.into_iter().unzip();
        BriefViews { cards, nodes }
    }

    /// Keeps these hashes for the next rendering. Entries of the same parse are updated in
    /// place: cloning an `Arc` of each brief is a cache miss per brief.
    pub fn remember(&self, site: &Site, routes: &Routes, memo: &mut ViewMemo) {
        use rayon::prelude::*;
        let sections = section_keys(site, routes);
        let same_routes = memo.routes == routes.key_without_terms();
        memo.routes = routes.key_without_terms();
        let url = |b: BriefId| hash::of(routes.brief(b).url());
        let source = |b: BriefId| {
            let brief = &site.briefs[b];
            ViewSource {
                parsed: brief.parsed.clone(),
                section: sections[brief.section],
                terms: brief.terms_key,
                url: url(b),
                superseded: !brief.superseded_by.is_empty(),
                card: self.cards[b],
                node: self.nodes[b],
            }
        };
        if memo.briefs.len() != site.briefs.len() {
            memo.briefs = (0..site.briefs.len()).map(source).collect();
            return;
        }
        memo.briefs.par_iter_mut().enumerate().with_min_len(512).for_each(|(b, kept)| {
            let brief = &site.briefs[b];
            if Arc::ptr_eq(&kept.parsed, &brief.parsed) {
                (kept.section, kept.terms) = (sections[brief.section], brief.terms_key);
                kept.superseded = !brief.superseded_by.is_empty();
                (kept.card, kept.node) = (self.cards[b], self.nodes[b]);
                if !same_routes {
                    kept.url = url(b);
                }
            } else {
                *kept = source(b);
            }
        });
    }
}

/// What a card shows of each section: its title in every language (a Korean brief's card shows
/// the title of `_index.ko.md`) and its folder.
fn section_keys(site: &Site, routes: &Routes) -> Vec<u64> {
    let languages = routes.languages();
    site.sections
        .iter()
        .map(|s| hash::of(&((0..languages).map(|l| s.title_in(l)).collect::<Vec<_>>(), &s.folder)))
        .collect()
}

/// A brief's card as one page lists it: hashed as the card's data, serialized as the shared value.
#[derive(Clone, Copy)]
pub struct CardRef<'a> {
    cards: &'a Cards<'a>,
    brief: BriefId,
}

impl Hash for CardRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        SHOWN.with_borrow_mut(|shown| {
            if let Some(shown) = shown {
                shown.push(self.brief as u32);
            }
        });
        self.cards.hash(self.brief).hash(state);
    }
}

thread_local! {
    /// While `recording` runs: the briefs whose cards were hashed. Every card a context shows
    /// is hashed through `CardRef`, so none can be shown without being recorded.
    static SHOWN: RefCell<Option<Vec<u32>>> = const { RefCell::new(None) };
}

/// Runs `f` (which hashes a context) and returns the briefs whose cards it hashed, sorted.
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Box<[u32]>) {
    SHOWN.set(Some(Vec::new()));
    let value = f();
    let mut shown = SHOWN.take().unwrap_or_default();
    shown.sort_unstable();
    shown.dedup();
    (value, shown.into_boxed_slice())
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
