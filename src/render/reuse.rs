//! `watch` keeps the signature of every brief's page with what the page was made from, so that a
//! rebuild hashes again only the pages whose inputs changed. Hashing the context of all 10,000
//! pages of a large site to find the one that changed costs ~15 ms, nearly all of it cache
//! misses on each brief's data; telling whether a page's inputs changed costs a few pointer
//! compares over arrays.
//!
//! What a brief's page shows (`BriefPage`, `TemplateContext`) comes from, and is compared here:
//! - the same for every brief page (`Shared::key`): the build identity, `site`, `build`, the route
//!   table but the terms' pages (`Routes::key_without_terms`: every other URL), each section's
//!   title and URL;
//! - its own (`Inputs`): its parse (its file: every `BriefOwn` field and the body), its resolved
//!   links, its terms and the terms it mentions with their labels and URLs (a new term's pages
//!   change no other page), its section, its backlinks, related briefs and neighbours;
//! - the cards it lists, recorded while its context is hashed (`cards::recording`): a page is
//!   hashed again when one of them changed.
//!
//! A list page shows, besides its cards, what every page shows alike and what its key covers
//! (`keys.rs`): a section's pages their section (titles, introductions, briefs, pages and
//! subsections); a term's pages their term (names, briefs, pages, record, the terms near it,
//! mentions, reports; its events are in what every page shows alike); the home page, a
//! taxonomy's, the timeline and 404 the whole site model (every file's facts) with the sections'
//! introductions. While its key is the same, a
//! list page none of whose cards changed keeps its signature, by its route: a title edit hashes
//! again only the lists that show the brief. The pages of the sources show no fact of the model
//! but the library and who cites each source, where (`SourceKeys`): they are keyed by those, so
//! that a title or date edit hashes again only the pages of the sources the brief cites
//! (through its card).
//!
//! The signature of a page hashed again is what it always was, the hash of its whole context:
//! this only decides when that hash need not be made.

use std::hash::Hash;
use std::sync::Arc;

use crate::hash::{self, FastMap};
use crate::links::{BriefLinks, LinkGraph};
use crate::parse::Parsed;
use crate::routes::{Routes, SharedBase};
use crate::site::{BriefId, Site};

type Neighbours = Arc<(Vec<Option<BriefId>>, Vec<Option<BriefId>>)>;

/// The signature of each brief's page at the last rendering, with what it was made from.
#[derive(Default)]
pub struct PageMemo {
    /// What every brief page shows alike.
    shared: u64,
    /// Every term's links, by index (`Terms::key`): while it is the same, a page whose terms
    /// are the same indexes shows the same links.
    term_links: u64,
    /// The key the terms were drafted by (`Site::terms_key`).
    terms_key: u64,
    backlinks: Arc<Vec<Vec<BriefId>>>,
    related: Arc<crate::related::RelatedLists>,
    neighbours: Neighbours,
    /// The hash of each brief's card.
    cards: Vec<u64>,
    /// Per brief; `None` when its page was not hashed (a rendering stopped early).
    pages: Vec<Option<Page>>,
    /// Per route of the table of key `lists_table`, its list page as last hashed.
    lists: Vec<Option<List>>,
    lists_table: u64,
    /// That table's base: a table planned from it has those routes at the same places.
    lists_base: Option<SharedBase>,
    /// The key of who cites each source, and where (`Citations::cited_by_key`), with the key of
    /// each source's list and of how many cite each (see `SourceKeys`).
    sources: Option<(u64, Arc<SourceKeys>)>,
}

/// A list page as hashed: the key of what it shows besides its cards, its signature, its cards,
/// and its file (a new term's pages move the others in the route table).
struct List {
    key: u64,
    signature: u64,
    cards: Box<[u32]>,
    file: Box<str>,
}

/// What the pages of the sources show of the briefs besides their cards: for each source, who
/// cites it and the sentences around (a source's page); how many cite each (the list of sources).
pub struct SourceKeys {
    pub of_entry: Vec<u64>,
    pub counts: u64,
}

/// One brief page's own inputs and signature.
struct Page {
    parsed: Arc<Parsed>,
    links: Arc<BriefLinks>,
    terms: Arc<[(usize, usize)]>,
    /// The links of its terms and of the terms it mentions (`Shared::term_key`).
    term_key: u64,
    section: usize,
    /// The briefs whose cards it shows, sorted.
    cards: Box<[u32]>,
    /// The terms its body mentions untagged (its structured data lists them).
    mentions: Box<[(usize, usize, u32)]>,
    /// Its citations and references, and "Cite this brief".
    citations: Citations,
    signature: u64,
}

/// A page hashed in this rendering: its signature and the cards it showed.
pub type Hashed = (u64, Box<[u32]>);

/// What the current rendering shares with every brief page (see the module's comment).
pub struct Shared<'a> {
    pub key: u64,
    pub site: &'a Site,
    pub graph: &'a LinkGraph,
    pub cards: &'a [u64],
    pub terms: &'a super::context::Terms<'a>,
    /// `terms.key()`, made once.
    pub term_links: u64,
}

impl Shared<'_> {
    /// The key of what every brief page shows alike, from its parts.
    pub fn key(parts: &impl Hash) -> u64 {
        hash::of(parts)
    }

    /// The key of the links of brief `b`'s terms and of the terms it mentions.
    fn term_key(&self, b: BriefId) -> u64 {
        let brief = &self.site.briefs[b];
        let mentions = self.graph.mentions.by_brief.get(b).map_or(&[][..], Vec::as_slice);
        let terms = brief.terms.iter().copied().chain(mentions.iter().map(|&(t, i, _)| (t, i)));
        self.terms.key_of(terms, brief.lang)
    }
}

/// A brief's citations as its page showed them. The citations stage keeps what it formatted
/// (the same `Arc`) while it is the same: comparing pointers tells an unchanged brief without
/// hashing every brief's references on every rebuild (an `Arc` made again with the same text
/// only costs hashing that page again).
#[derive(Default)]
struct Citations(Option<Arc<crate::citations::BriefCitations>>, Option<Arc<str>>);

impl Citations {
    fn of(graph: &LinkGraph, b: BriefId) -> Citations {
        Citations(graph.citations.of_brief.get(b).cloned().flatten(), graph.citations.cite_this.get(b).cloned())
    }

    fn same(&self, graph: &LinkGraph, b: BriefId) -> bool {
        fn same<T: ?Sized>(kept: Option<&Arc<T>>, now: Option<&Arc<T>>) -> bool {
            match (kept, now) {
                (Some(kept), Some(now)) => Arc::ptr_eq(kept, now),
                (kept, now) => kept.is_none() && now.is_none(),
            }
        }
        same(self.0.as_ref(), graph.citations.of_brief.get(b).and_then(Option::as_ref))
            && same(self.1.as_ref(), graph.citations.cite_this.get(b))
    }
}

fn mentions_of(graph: &LinkGraph, b: BriefId) -> Box<[(usize, usize, u32)]> {
    graph.mentions.by_brief.get(b).map_or(Box::new([]), |m| m.as_slice().into())
}

impl PageMemo {
    /// Whether each brief's card changed since the last rendering.
    fn changed_cards(&self, now: &Shared) -> Option<Vec<bool>> {
        (self.cards.len() == now.cards.len()).then(|| self.cards.iter().zip(now.cards).map(|(a, b)| a != b).collect())
    }

    /// Puts the kept list pages at their routes' places in `routes` (another table: by file).
    fn move_lists(&mut self, routes: &Routes, keys: &[u64]) {
        if self.lists_table == routes.key && self.lists.len() == routes.files.len() {
            return;
        }
        let mut lists = std::mem::take(&mut self.lists);
        // The routes of a shared base stay where they were (a terms edit): only the others are
        // looked up by file.
        let same = self.lists_base.as_ref().map_or(0, |b| b.files_in(routes)).min(lists.len()).min(keys.len());
        let mut old = lists.split_off(same);
        let places: Vec<Option<usize>> = {
            let mut by_file: FastMap<&str, usize> = hash::fast_map(old.iter().flatten().count());
            by_file.extend(old.iter().enumerate().filter_map(|(i, l)| Some((&*l.as_ref()?.file, i))));
            let moved = routes.files[same..].iter().zip(&keys[same..]);
            moved.map(|(r, &k)| (k != 0).then(|| by_file.get(r.file()).copied())?).collect()
        };
        lists.extend(places.into_iter().map(|p| p.and_then(|i| old[i].take())));
        self.lists = lists;
        self.lists_table = routes.key;
        self.lists_base = Some(routes.shared_base());
    }

    /// The signature of each list page (by route) known to be unchanged since it was kept:
    /// `keys[route]` is the key of what it shows besides its cards (0: none, never known).
    pub fn known_lists(&mut self, now: &Shared, routes: &Routes, keys: &[u64]) -> Vec<Option<u64>> {
        self.move_lists(routes, keys);
        let changed = match self.changed_cards(now) {
            Some(changed) if self.lists.len() == keys.len() => changed,
            _ => return vec![None; keys.len()],
        };
        let any_card = changed.contains(&true);
        self.lists
            .iter()
            .zip(keys)
            .map(|(list, &key)| {
                let list = list.as_ref().filter(|l| key != 0 && l.key == key)?;
                (!(any_card && list.cards.iter().any(|&c| changed[c as usize]))).then_some(list.signature)
            })
            .collect()
    }

    /// The keys of the sources' lists while who cites each is the same (`cited_by_key`), else
    /// made again.
    pub fn source_keys(&mut self, citations: &crate::citations::Citations) -> Arc<SourceKeys> {
        use rayon::prelude::*;
        if let Some((key, keys)) = &self.sources {
            if *key == citations.cited_by_key {
                return keys.clone();
            }
        }
        let cited_by = &citations.cited_by;
        let keys = Arc::new(SourceKeys {
            of_entry: cited_by.par_iter().map(hash::of).collect(),
            counts: hash::of(&cited_by.iter().map(Vec::len).collect::<Vec<_>>()),
        });
        self.sources = Some((citations.cited_by_key, keys.clone()));
        keys
    }

    /// Keeps the list pages this rendering knew and hashed (by route, with `keys`) for the next.
    pub fn remember_lists(
        &mut self,
        routes: &Routes,
        keys: &[u64],
        known: &[Option<u64>],
        hashed: Vec<Option<Hashed>>,
    ) {
        if self.lists.len() != hashed.len() || self.lists_table != routes.key {
            self.lists = (0..hashed.len()).map(|_| None).collect();
            self.lists_table = routes.key;
            self.lists_base = Some(routes.shared_base());
        }
        let entries = self.lists.iter_mut().zip(&routes.files).zip(hashed).zip(known).zip(keys);
        for ((((entry, route), hashed), known), &key) in entries {
            match hashed {
                Some((signature, cards)) => *entry = Some(List { key, signature, cards, file: route.file().into() }),
                None if known.is_some() => {}
                None => *entry = None,
            }
        }
    }

    /// The signature of each brief's page that is known to be unchanged since it was kept.
    pub fn known(&self, now: &Shared) -> Vec<Option<u64>> {
        use rayon::prelude::*;
        let (site, graph) = (now.site, now.graph);
        let n = site.briefs.len();
        let changed = match self.changed_cards(now) {
            Some(changed) if self.shared == now.key && self.pages.len() == n => changed,
            _ => return vec![None; n],
        };
        let any_card = changed.contains(&true);
        let same_links = self.term_links == now.term_links;
        let same_backlinks = Arc::ptr_eq(&self.backlinks, &graph.backlinks);
        let same_related = Arc::ptr_eq(&self.related, &graph.related);
        let same_neighbours = Arc::ptr_eq(&self.neighbours, &graph.neighbours);
        (0..n)
            .into_par_iter()
            .with_min_len(512)
            .map(|b| {
                let page = self.pages[b].as_ref()?;
                let brief = &site.briefs[b];
                let same = Arc::ptr_eq(&page.parsed, &brief.parsed)
                    && Arc::ptr_eq(&page.links, &graph.briefs[b])
                    && page.section == brief.section
                    && ((same_links && (Arc::ptr_eq(&page.terms, &brief.terms) || page.terms == brief.terms))
                        || page.term_key == now.term_key(b))
                    // (Most lists are empty, and `memcmp` of two empty lists costs ~0.1 µs on
                    // CPUs where glibc picks its AVX-512 version.)
                    && (same_backlinks
                        || (self.backlinks[b].len() == graph.backlinks[b].len()
                            && (self.backlinks[b].is_empty() || self.backlinks[b] == graph.backlinks[b])))
                    && (same_related
                        || Arc::ptr_eq(&self.related[b], &graph.related[b])
                        || self.related[b] == graph.related[b])
                    && (same_neighbours
                        || (self.neighbours.0[b], self.neighbours.1[b])
                            == (graph.neighbours.0[b], graph.neighbours.1[b]))
                    && *page.mentions == *graph.mentions.by_brief.get(b).map_or(&[][..], Vec::as_slice)
                    && page.citations.same(graph, b)
                    && !(any_card && page.cards.iter().any(|&c| changed[c as usize]));
                same.then_some(page.signature)
            })
            .collect()
    }

    /// Keeps what this rendering knew (`known`, from `known`) and hashed (`hashed[b]`, for each
    /// page hashed again) for the next.
    pub fn remember(&mut self, now: &Shared, known: &[Option<u64>], hashed: Vec<Option<Hashed>>) {
        use rayon::prelude::*;
        let (site, graph) = (now.site, now.graph);
        if self.pages.len() != site.briefs.len() {
            self.pages = (0..site.briefs.len()).map(|_| None).collect();
        }
        // A page known by its terms' links (`term_key`) may have other term indexes than its
        // entry holds: those move only when the terms were drafted again.
        let drafted_again = site.terms_key == 0 || site.terms_key != self.terms_key;
        self.pages.par_iter_mut().zip(hashed).enumerate().with_min_len(512).for_each(|(b, (entry, hashed))| {
            let Some((signature, cards)) = hashed else {
                // Known: its entry holds the same inputs (but for the indexes of the same terms).
                // Neither (the rendering stopped before it): hashed next time.
                match (known.get(b).copied().flatten(), entry.as_mut()) {
                    (Some(_), Some(page)) if drafted_again && page.terms != site.briefs[b].terms => {
                        page.terms = site.briefs[b].terms.clone();
                    }
                    (Some(_), _) => {}
                    (None, _) => *entry = None,
                }
                return;
            };
            let brief = &site.briefs[b];
            let (parsed, links, terms) = (&brief.parsed, &graph.briefs[b], &brief.terms);
            match entry {
                // Arcs that are the same are not cloned: a reference count of each brief's
                // data is a cache miss.
                Some(page) => {
                    if !Arc::ptr_eq(&page.parsed, parsed) {
                        page.parsed = parsed.clone();
                    }
                    if !Arc::ptr_eq(&page.links, links) {
                        page.links = links.clone();
                    }
                    if !Arc::ptr_eq(&page.terms, terms) {
                        page.terms = terms.clone();
                    }
                    page.term_key = now.term_key(b);
                    (page.section, page.cards, page.signature) = (brief.section, cards, signature);
                    page.mentions = mentions_of(graph, b);
                    page.citations = Citations::of(graph, b);
                }
                None => {
                    *entry = Some(Page {
                        parsed: parsed.clone(),
                        links: links.clone(),
                        terms: terms.clone(),
                        term_key: now.term_key(b),
                        section: brief.section,
                        cards,
                        mentions: mentions_of(graph, b),
                        citations: Citations::of(graph, b),
                        signature,
                    })
                }
            }
        });
        self.shared = now.key;
        self.term_links = now.term_links;
        self.terms_key = site.terms_key;
        let last = (
            std::mem::replace(&mut self.backlinks, graph.backlinks.clone()),
            std::mem::replace(&mut self.related, graph.related.clone()),
            std::mem::replace(&mut self.neighbours, graph.neighbours.clone()),
        );
        // The last lists may be freed here, tens of thousands of vectors: not on the way.
        if !(Arc::ptr_eq(&last.0, &self.backlinks) && Arc::ptr_eq(&last.1, &self.related)) {
            std::thread::spawn(move || drop(last));
        }
        self.cards = now.cards.to_vec();
    }
}
