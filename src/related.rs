//! Related briefs, a stage of its own: for every brief, the briefs an author listed in
//! `related:`, then those sharing its rarest terms, found through an inverted index.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::hash;
use crate::site::{BriefId, Site};

/// A brief that names another, for "Referenced by" and related lists.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Related {
    pub brief: BriefId,
    /// Labels of the shared terms, rarest first ("USFK, extended deterrence"); empty when the
    /// author listed it in `related:`.
    pub shared: Vec<String>,
    /// The hash of `shared`, made with it (pages that list related briefs hash it).
    pub shared_hash: u64,
}

/// Each brief's related briefs, by brief. A list is shared (`Arc`): a rebuild keeps the lists a
/// change did not touch without copying them.
pub type RelatedLists = Vec<Arc<[Related]>>;

/// What related briefs are computed from, besides the `related:` lists: every brief's date rank
/// and terms, with their labels.
pub fn related_basis(site: &Site) -> u64 {
    let mut h = hash::hasher();
    site.rank.hash(&mut h);
    for brief in &site.briefs {
        (&brief.terms, brief.lang).hash(&mut h);
    }
    for taxonomy in &site.taxonomies {
        for term in &taxonomy.terms {
            term.label.hash(&mut h);
        }
    }
    h.finish()
}
/// Every brief's language: a change may change any related list. (The date order is compared
/// term by term: a brief's list reads the order of its terms' briefs only.)
fn languages(site: &Site) -> u64 {
    hash::of(&site.briefs.iter().map(|b| b.lang).collect::<Vec<_>>())
}

/// How many briefs of a term's list are looked at around a brief's own date: terms held by
/// more briefs than this add little, and scanning their whole list would make related briefs
/// quadratic in the size of the site.
const RELATED_SCAN: usize = 200;
const RELATED_COUNT: usize = 5;

/// Explicit `related:` first, then the briefs sharing the most informative terms: each shared
/// term weighs ln(N / df), so a rare shared term counts more than a common one. Candidates come
/// from an inverted index (term → briefs, newest first); a long posting list is scanned only in a
/// window of `RELATED_SCAN` briefs around the brief's own date, which keeps the cost linear.
///
/// Briefs are handled by their position in the date order (their rank), postings hold ranks,
/// and scores are kept by rank: the candidates of a brief are briefs of nearby dates, so the
/// scores it touches lie close together in memory.
pub fn related_briefs(site: &Site, explicit: &[&[BriefId]]) -> RelatedLists {
    related_with(site, explicit, &TermIndex::new(site)).0
}

/// Every brief's related list, with its cutoff (see `Found`).
fn related_with(site: &Site, explicit: &[&[BriefId]], index: &TermIndex) -> (RelatedLists, Vec<f64>) {
    let by_rank: Vec<Found> = site
        .by_date
        .par_iter()
        .map_init(|| Scratch::new(site.briefs.len()), |scratch, &b| index.related(site, explicit, b, scratch))
        .collect();
    // Back from date order to brief order.
    let mut related: RelatedLists = vec![Arc::from([]); site.briefs.len()];
    let mut cutoff = vec![0.0; site.briefs.len()];
    for (found, &b) in by_rank.into_iter().zip(&site.by_date) {
        related[b] = found.list.into();
        cutoff[b] = found.cutoff;
    }
    (related, cutoff)
}

/// A brief's related list, and the score a candidate needs to enter it: its last entry's when
/// it is full (a tie may enter by date), 0 when any candidate would, infinite when `related:`
/// fills it.
struct Found {
    list: Vec<Related>,
    cutoff: f64,
}

/// What the related briefs of the last build were computed from: enough to tell which briefs a
/// change can touch. A brief's related list is a function of its `related:` list and of its own
/// terms' labels and posting lists (with the number of briefs and the date order): a brief none
/// of whose terms changed keeps its list, whatever other briefs did.
#[derive(Debug, Default)]
pub struct Basis {
    languages: u64,
    /// Per taxonomy, by slug: the term's label and briefs, newest first (a brief that moves in
    /// it changes the windows and ties of the briefs near its old and new places).
    terms: Vec<hash::FastMap<String, (String, Vec<BriefId>)>>,
    explicit: Vec<Vec<BriefId>>,
    /// Every brief, newest first: ties between candidates go to the newer, across terms.
    order: Vec<BriefId>,
    /// Each brief's list's cutoff (`Found`), by brief.
    cutoff: Vec<f64>,
}

/// How a change can touch a brief's related list (in rising order: a brief takes the most of
/// what its terms' changes say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Touch {
    Kept,
    /// A window of one of its terms holds the brief that moved in the date order, before or now:
    /// its list changes only if a candidate whose place in its windows changed can be in it
    /// (`Basis::near_changes`).
    Near,
    Made,
}

impl Basis {
    #[cfg(test)]
    fn of(site: &Site, explicit: &[&[BriefId]]) -> Basis {
        let index = TermIndex::new(site);
        let cutoff = related_with(site, explicit, &index).1;
        Basis::with_index(site, explicit, &index, cutoff)
    }

    fn with_index(site: &Site, explicit: &[&[BriefId]], index: &TermIndex, cutoff: Vec<f64>) -> Basis {
        let newest_first = |t: usize| index.postings[t].iter().map(|&r| site.by_date[r as usize]).collect();
        Basis {
            languages: languages(site),
            terms: site
                .taxonomies
                .iter()
                .zip(&index.term_base)
                .map(|(t, &base)| {
                    let terms = t.terms.iter().enumerate();
                    terms.map(|(i, term)| (term.slug.clone(), (term.label.clone(), newest_first(base + i)))).collect()
                })
                .collect(),
            explicit: explicit.iter().map(|e| e.to_vec()).collect(),
            order: site.by_date.clone(),
            cutoff,
        }
    }

    /// The briefs whose related list may differ from the last build's (`self`) now, with the
    /// brief that moved in the date order, or `None` when every brief's may (other briefs, or
    /// other languages).
    fn touched(&self, now: &Basis) -> Option<(Vec<Touch>, Option<BriefId>)> {
        let n = now.explicit.len();
        if self.explicit.len() != n || self.terms.len() != now.terms.len() || self.languages != now.languages {
            return None;
        }
        // A brief that moved in the date order (a new date) changes which of two equal candidates
        // comes first for every brief that has it as a candidate, in any term, also one whose
        // list it keeps its place in. One brief moved is followed; more, and every list is made.
        let moved = match self.order == now.order {
            true => None,
            false => {
                let (from, _) = moved_one(&self.order, &now.order)?;
                Some(self.order[from])
            }
        };
        // (Nearly every list is empty, and `memcmp` of two empty lists costs ~0.1 µs on CPUs
        // where glibc picks its AVX-512 version: a millisecond at 10,000 briefs.)
        let mut touched: Vec<Touch> = (self.explicit.iter().zip(&now.explicit))
            .map(|(a, b)| if a.len() != b.len() || (!a.is_empty() && a != b) { Touch::Made } else { Touch::Kept })
            .collect();
        if let Some(moved) = moved {
            // The briefs whose window of a term holds it, before and now; its own list is made.
            let lists = self.terms.iter().chain(&now.terms).flat_map(|t| t.values()).map(|(_, briefs)| briefs);
            for briefs in lists {
                if let Some(at) = briefs.iter().position(|&b| b == moved) {
                    for k in windows_holding(briefs.len(), at) {
                        touched[briefs[k]] = touched[briefs[k]].max(Touch::Near);
                    }
                }
            }
            touched[moved] = Touch::Made;
        }
        let mut mark = |briefs: &[BriefId]| briefs.iter().for_each(|&b| touched[b] = Touch::Made);
        for (last, taxonomy) in self.terms.iter().zip(&now.terms) {
            for (slug, (label, briefs)) in taxonomy {
                // Only the brief that moved in the date order moved in the list: the briefs
                // whose window holds it are marked above.
                let only_moved = |before: &[BriefId]| {
                    moved.is_some() && moved_one(before, briefs).map(|(from, _)| before[from]) == moved
                };
                match last.get(slug) {
                    Some((l, before)) if l == label && (before == briefs || only_moved(before)) => {}
                    Some((_, before)) => {
                        mark(before);
                        mark(briefs);
                    }
                    None => mark(briefs),
                }
            }
            // A term gone: its briefs lost it.
            for (slug, (_, briefs)) in last {
                if !taxonomy.contains_key(slug) {
                    mark(briefs);
                }
            }
        }
        Some((touched, moved))
    }

    /// Whether the list of `b`, a brief `Near` the moved one, differs from its last one (`last`,
    /// made from `self`). Only the candidates whose place in `b`'s windows changed have another
    /// score or order than before: the moved brief, and in a term past `RELATED_SCAN` a brief at
    /// an end of a window that slid by one. The list differs only if one of them is on it, or
    /// now scores at least as high as its last entry.
    fn near_changes(&self, at: &Now, b: BriefId, last: &[Related]) -> bool {
        let (site, index, moved) = (at.site, at.index, at.moved);
        let mut changed = vec![moved];
        for (t, &(taxonomy, term)) in index.terms_of(site, b).zip(site.briefs[b].terms.iter()) {
            let new = &index.postings[t];
            let Some((_, old)) = self.terms[taxonomy].get(&site.taxonomies[taxonomy].terms[term].slug) else {
                return true;
            };
            if new.len() <= RELATED_SCAN || new.binary_search(&(site.rank[moved] as u32)).is_err() {
                // One window holds the whole list; or the moved brief is not in it: the list is
                // the same, in the same order.
                continue;
            }
            let old_place = |brief: BriefId| old.binary_search_by_key(&at.old_rank[brief], |&o| at.old_rank[o]).ok();
            let new_place = |brief: BriefId| new.binary_search(&(site.rank[brief] as u32)).ok();
            let old_start = window_start(old.len(), old_place(b).unwrap_or(0));
            let new_start = window_start(new.len(), new_place(b).unwrap_or(0));
            let held =
                |place: Option<usize>, start: usize| place.is_some_and(|p| (start..start + RELATED_SCAN).contains(&p));
            // A brief other than the moved one moves by one place at most, and so does a window,
            // and both the same way when both move (the moved brief passed both): one that
            // enters or leaves the window is at one of its ends.
            let edges = |start: usize| [start, start + RELATED_SCAN - 1];
            for brief in edges(old_start).map(|p| old[p]) {
                if !held(new_place(brief), new_start) {
                    changed.push(brief);
                }
            }
            for brief in edges(new_start).map(|p| site.by_date[new[p] as usize]) {
                if !held(old_place(brief), old_start) {
                    changed.push(brief);
                }
            }
        }
        let cutoff = self.cutoff[b];
        changed.into_iter().any(|other| {
            last.iter().any(|r| r.brief == other)
                || (other != b
                    && site.briefs[other].lang == site.briefs[b].lang
                    && !at.explicit[b].contains(&other)
                    && index.score(site, b, other).is_some_and(|score| score >= cutoff))
        })
    }
}

/// The new site as `Basis::near_changes` reads it.
struct Now<'a> {
    site: &'a Site,
    index: &'a TermIndex<'a>,
    explicit: &'a [&'a [BriefId]],
    moved: BriefId,
    /// Each brief's place in the last date order.
    old_rank: Vec<usize>,
}

/// Where the one brief that moved in a list otherwise the same was and is (its positions), if
/// that is the only change.
fn moved_one(before: &[BriefId], now: &[BriefId]) -> Option<(usize, usize)> {
    if before.len() != now.len() {
        return None;
    }
    let lo = before.iter().zip(now).position(|(a, b)| a != b)?;
    let hi = before.len() - 1 - before.iter().rev().zip(now.iter().rev()).position(|(a, b)| a != b)?;
    if now[lo] == before[hi] && now[lo + 1..=hi] == before[lo..hi] {
        Some((hi, lo))
    } else if now[hi] == before[lo] && now[lo..hi] == before[lo + 1..=hi] {
        Some((lo, hi))
    } else {
        None
    }
}

/// Where the window of the brief at `at` in a list of `len` starts: `RELATED_SCAN` briefs
/// around it (the whole list when it is shorter).
fn window_start(len: usize, at: usize) -> usize {
    match len <= RELATED_SCAN {
        true => 0,
        false => at.saturating_sub(RELATED_SCAN / 2).min(len - RELATED_SCAN),
    }
}

/// The positions in a list of `len` whose window holds position `p`.
fn windows_holding(len: usize, p: usize) -> impl Iterator<Item = usize> {
    let near = p.saturating_sub(RELATED_SCAN)..(p + RELATED_SCAN + 1).min(len);
    near.filter(move |&k| (window_start(len, k)..window_start(len, k) + RELATED_SCAN).contains(&p))
}

/// Related briefs again after a change: computed only for the briefs whose list it can touch
/// (see `Basis`), the others taken from `last`; with the basis of the new lists.
pub fn update_related(
    site: &Site,
    explicit: &[&[BriefId]],
    basis: &Basis,
    last: &[Arc<[Related]>],
) -> (RelatedLists, Basis) {
    let index = TermIndex::new(site);
    let mut now = Basis::with_index(site, explicit, &index, Vec::new());
    let (touched, moved) = match basis.touched(&now) {
        Some(touched) if last.len() == site.briefs.len() && basis.cutoff.len() == last.len() => touched,
        _ => {
            let (related, cutoff) = related_with(site, explicit, &index);
            now.cutoff = cutoff;
            return (related, now);
        }
    };
    let at = moved.map(|moved| {
        let mut old_rank = vec![0; site.briefs.len()];
        for (rank, &brief) in basis.order.iter().enumerate() {
            old_rank[brief] = rank;
        }
        Now { site, index: &index, explicit, moved, old_rank }
    });
    let (related, cutoff): (RelatedLists, Vec<f64>) = (0..site.briefs.len())
        .into_par_iter()
        .map_init(
            || None,
            |scratch: &mut Option<Scratch>, b| {
                let made = match (touched[b], &at) {
                    (Touch::Kept, _) => false,
                    (Touch::Near, Some(at)) => basis.near_changes(at, b, &last[b]),
                    _ => true,
                };
                if !made {
                    return (last[b].clone(), basis.cutoff[b]);
                }
                let scratch = scratch.get_or_insert_with(|| Scratch::new(site.briefs.len()));
                let found = index.related(site, explicit, b, scratch);
                (found.list.into(), found.cutoff)
            },
        )
        .unzip();
    now.cutoff = cutoff;
    (related, now)
}

/// The inverted index: global term ids, their weight, label, and postings as ranks (ascending:
/// newest first).
struct TermIndex<'a> {
    term_base: Vec<usize>,
    postings: Vec<Vec<u32>>,
    labels: Vec<&'a str>,
    weight: Vec<f64>,
}

/// Per thread: a score per rank, and the ranks whose score was touched.
struct Scratch {
    scores: Vec<f64>,
    touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch { scores: vec![0f64; n], touched: Vec::new() }
    }
}

impl<'a> TermIndex<'a> {
    fn new(site: &'a Site) -> TermIndex<'a> {
        let total = site.briefs.len().max(1) as f64;
        let mut term_base = Vec::with_capacity(site.taxonomies.len());
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut labels: Vec<&str> = Vec::new();
        for taxonomy in &site.taxonomies {
            term_base.push(postings.len());
            for term in &taxonomy.terms {
                // In date order: the list is grouped by language.
                let mut posting: Vec<u32> = term.briefs.iter().map(|&b| site.rank[b] as u32).collect();
                posting.sort_unstable();
                postings.push(posting);
                labels.push(&term.label);
            }
        }
        let weight: Vec<f64> = postings.iter().map(|p| (total / p.len() as f64).ln()).collect();
        TermIndex { term_base, postings, labels, weight }
    }

    /// A brief's terms are sorted by (taxonomy, term): their global ids are sorted too.
    fn terms_of<'s>(&'s self, site: &'s Site, b: BriefId) -> impl Iterator<Item = usize> + 's {
        site.briefs[b].terms.iter().map(|&(t, term)| self.term_base[t] + term)
    }

    /// The related briefs of `b`.
    fn related(&self, site: &Site, explicit: &[&[BriefId]], b: BriefId, scratch: &mut Scratch) -> Found {
        let Scratch { scores, touched } = scratch;
        let (postings, weight) = (&self.postings, &self.weight);
        let own = site.rank[b] as u32;
        for t in self.terms_of(site, b) {
            let list = &postings[t];
            let start = window_start(list.len(), list.partition_point(|&r| r < own));
            let window = &list[start..(start + RELATED_SCAN).min(list.len())];
            for &other in window {
                let score = &mut scores[other as usize];
                if *score == 0.0 {
                    touched.push(other);
                }
                *score += weight[t];
            }
        }
        let explicit = explicit[b];
        // The best few by score, then newest first (a lower rank is newer): a small
        // sorted list, not a sort of every candidate.
        let wanted = RELATED_COUNT.saturating_sub(explicit.len());
        let mut best: Vec<(f64, u32)> = Vec::with_capacity(wanted + 1);
        for &other in touched.iter() {
            let score = std::mem::take(&mut scores[other as usize]);
            if other == own || score <= 0.0 || wanted == 0 {
                continue;
            }
            let better = |x: &(f64, u32)| x.0 > score || (x.0 == score && x.1 < other);
            // Most candidates do not beat the last of a full list: one comparison.
            if best.len() == wanted && best.last().is_some_and(better) {
                continue;
            }
            // Related briefs are in the brief's own language (its versions are not "related").
            let candidate = site.by_date[other as usize];
            if explicit.contains(&candidate) || site.briefs[candidate].lang != site.briefs[b].lang {
                continue;
            }
            let at = best.iter().take_while(|x| better(x)).count();
            best.insert(at, (score, other));
            best.truncate(wanted);
        }
        touched.clear();
        let cutoff = match best.last() {
            _ if wanted == 0 => f64::INFINITY,
            Some(&(score, _)) if best.len() == wanted => score,
            _ => 0.0,
        };
        let mut related: Vec<Related> =
            explicit.iter().map(|&brief| Related { brief, shared: vec![], shared_hash: 0 }).collect();
        for (_, other) in best {
            let other = site.by_date[other as usize];
            let theirs: Vec<usize> = self.terms_of(site, other).collect();
            let mut shared: Vec<usize> = self.terms_of(site, b).filter(|t| theirs.binary_search(t).is_ok()).collect();
            shared.sort_by(|x, y| weight[*y].total_cmp(&weight[*x]).then(x.cmp(y)));
            // The same label can name a term of two taxonomies (an actor and a topic).
            let mut names: Vec<String> = Vec::new();
            for &t in &shared {
                if names.len() < 3 && !names.iter().any(|n| n == self.labels[t]) {
                    names.push(self.labels[t].to_string());
                }
            }
            let shared_hash = hash::of(&names);
            related.push(Related { brief: other, shared: names, shared_hash });
        }
        Found { list: related, cutoff }
    }

    /// The score of `other` as a candidate of `b` (`None` when it is none): the weights of the
    /// terms in whose window of `b` it is, added in the order `related` adds them.
    fn score(&self, site: &Site, b: BriefId, other: BriefId) -> Option<f64> {
        let (own, theirs) = (site.rank[b] as u32, site.rank[other] as u32);
        let mut score = 0f64;
        for t in self.terms_of(site, b) {
            let list = &self.postings[t];
            let start = window_start(list.len(), list.partition_point(|&r| r < own));
            if list.binary_search(&theirs).is_ok_and(|p| (start..start + RELATED_SCAN).contains(&p)) {
                score += self.weight[t];
            }
        }
        (score > 0.0).then_some(score)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::SiteConfig;
    use crate::diagnostics::SourceText;
    use crate::discover::{SourceFile, Sources};
    use crate::parse::{parse_file, Parsed};

    /// A site of `n` briefs, brief `i` with the topics `terms(i)`.
    fn site(n: usize, terms: impl Fn(usize) -> Vec<String>) -> Site {
        site_dated(n, terms, |i| format!("B{i}"), |i| format!("2025-01-{:02}", 1 + i % 28))
    }

    /// The same, with the titles and dates of `title(i)` and `date(i)`.
    fn site_dated(
        n: usize,
        terms: impl Fn(usize) -> Vec<String>,
        title: impl Fn(usize) -> String,
        date: impl Fn(usize) -> String,
    ) -> Site {
        let config = SiteConfig::default();
        let parsed: Vec<Arc<Parsed>> = (0..n)
            .map(|i| {
                let rel = format!("b{i:03}.md");
                let text = format!(
                    "---\ntitle: {}\ndate: {}\ntopics: [{}]\n---\nText.\n",
                    title(i),
                    date(i),
                    terms(i).join(", ")
                );
                let file = SourceFile {
                    hash: hash::of(&(&rel, hash::bytes(text.as_bytes()))),
                    display: format!("content/{rel}"),
                    rel_path: rel,
                    text: SourceText::shared(text.as_str()),
                    replaced: None,
                };
                Arc::new(parse_file(Arc::new(file), &config, false))
            })
            .collect();
        let sources = Sources { folders: vec![String::new()], ..Sources::default() };
        crate::site::assemble(&config, &sources, &parsed, Default::default(), None).0
    }

    fn terms(i: usize) -> Vec<String> {
        // Terms of several sizes, some past `RELATED_SCAN`.
        vec![format!("T{}", i % 3), format!("U{}", i % 17), format!("V{}", i % 41), "W".into()]
    }

    #[test]
    fn an_update_equals_a_computation_from_scratch() {
        let n = 450;
        let before = site(n, terms);
        let none: Vec<&[BriefId]> = vec![&[]; n];
        let last = related_briefs(&before, &none);
        let basis = Basis::of(&before, &none);
        let edits: Vec<Box<dyn Fn(usize) -> Vec<String>>> = vec![
            // A new term, a term dropped, a term moved from one brief to another.
            Box::new(|i| if i == 7 { [terms(i), vec!["New".into()]].concat() } else { terms(i) }),
            Box::new(|i| if i == 7 { terms(i)[1..].to_vec() } else { terms(i) }),
            Box::new(|i| match i {
                7 => vec!["T1".into(), "U3".into(), "V7".into(), "W".into()],
                8 => [terms(i), vec!["V7".into()]].concat(),
                _ => terms(i),
            }),
        ];
        for edit in edits {
            let after = site(n, edit);
            let (touched, _) = basis.touched(&Basis::of(&after, &none)).expect("the same briefs in the same order");
            assert!(
                touched.iter().filter(|t| **t != Touch::Kept).count() < n / 2,
                "only the briefs of the changed terms"
            );
            assert_eq!(update_related(&after, &none, &basis, &last).0, related_briefs(&after, &none));
        }
        // A brief moved in the date order, by its date or by its title among its date's: only
        // the briefs of its terms are made again, and the lists equal a computation from scratch.
        let by_term = |i: usize| vec![format!("T{}", i % 2), format!("U{}", i % 17), format!("V{}", i % 41)];
        let day = |i: usize| format!("2025-01-{:02}", 1 + i % 28);
        let before = site(n, by_term);
        let last = related_briefs(&before, &none);
        let basis = Basis::of(&before, &none);
        let moved: Vec<Site> = vec![
            site_dated(n, by_term, |i| format!("B{i}"), |i| if i == 7 { "2024-06-01".into() } else { day(i) }),
            site_dated(n, by_term, |i| format!("B{i}"), |i| if i == 200 { "2025-02-01".into() } else { day(i) }),
            site_dated(n, by_term, |i| if i == 35 { "A first".into() } else { format!("B{i}") }, day),
        ];
        for after in moved {
            assert_ne!(after.rank, before.rank, "the brief moved");
            let (touched, _) = basis.touched(&Basis::of(&after, &none)).expect("the same briefs");
            assert!(touched.iter().filter(|t| **t != Touch::Kept).count() < n, "not every brief");
            assert_eq!(update_related(&after, &none, &basis, &last).0, related_briefs(&after, &none));
        }
        // A `related:` list changed.
        let before = site(n, terms);
        let last = related_briefs(&before, &none);
        let basis = Basis::of(&before, &none);
        let mut explicit = none.clone();
        let first: &[BriefId] = &[3];
        explicit[5] = first;
        assert_eq!(update_related(&before, &explicit, &basis, &last).0, related_briefs(&before, &explicit));
    }
    #[test]
    fn a_brief_moved_in_long_terms_remakes_the_lists_of_the_briefs_near_its_places_alone() {
        // Two terms of 1,000 briefs each, past `RELATED_SCAN`: a new date touches the briefs whose
        // window held the moved brief before or holds it now, at the ends of a list, inside it,
        // by a few places or by most of it; the lists equal a computation from scratch.
        let n = 2000;
        let none: Vec<&[BriefId]> = vec![&[]; n];
        let by_term = |i: usize| vec![format!("T{}", i % 2), format!("V{}", i % 41)];
        let day = |i: usize| format!("20{:02}-{:02}-{:02}", 10 + i % 9, 1 + i % 12, 1 + i % 28);
        let before = site_dated(n, by_term, |i| format!("B{i}"), day);
        let last = related_briefs(&before, &none);
        let basis = Basis::of(&before, &none);
        for (moved, date) in [(7, "2030-01-01"), (8, "2001-01-01"), (300, "2014-06-15"), (1451, "2018-12-28")] {
            let after = site_dated(n, by_term, |i| format!("B{i}"), |i| if i == moved { date.into() } else { day(i) });
            assert_ne!(after.rank, before.rank, "brief {moved} moved");
            let (touched, _) = basis.touched(&Basis::of(&after, &none)).expect("the same briefs");
            let count = touched.iter().filter(|t| **t != Touch::Kept).count();
            // Around two places in its long term, and every brief of its short one (~49).
            assert!(count <= 2 * (RELATED_SCAN + 1) + n / 41 + 1, "{count}, not the 1,000 briefs of its term");
            assert_eq!(touched[moved], Touch::Made, "its own list");
            assert_eq!(update_related(&after, &none, &basis, &last).0, related_briefs(&after, &none), "{moved}");
        }
    }

    /// Terms of four sizes, two of them past `RELATED_SCAN`; many briefs hold the same terms, so
    /// ties between candidates (settled by date) are everywhere.
    fn tied_terms(i: usize) -> Vec<String> {
        let mut terms = vec![format!("L{}", i % 2), format!("S{}", i % 7), format!("R{}", i % 53)];
        if i % 10 != 3 {
            terms.push("W".into());
        }
        terms
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Whatever sequence of new dates (one brief at a time, or two at once), the lists an
        /// update keeps or makes again equal a computation from scratch, at every step: the
        /// briefs near a moved one keep their list only when no candidate that changed can
        /// enter it.
        #[test]
        fn updates_after_new_dates_equal_a_computation_from_scratch(
            days in proptest::collection::vec(0..30usize, 420),
            moves in proptest::collection::vec((0..420usize, 0..30usize, proptest::option::weighted(0.15, (0..420usize, 0..30usize))), 1..6),
            explicit_at in proptest::collection::vec((0..420usize, 0..420usize), 0..4),
        ) {
            let n = days.len();
            let mut days = days;
            let date = |days: &[usize]| {
                let days = days.to_vec();
                move |i: usize| format!("2025-01-{:02}", 1 + days[i])
            };
            let mut explicit: Vec<&[BriefId]> = vec![&[]; n];
            let named: Vec<[BriefId; 1]> = explicit_at.iter().map(|&(_, to)| [to]).collect();
            for ((from, _), to) in explicit_at.iter().zip(&named) {
                explicit[*from] = to;
            }
            let site = site_dated(n, tied_terms, |i| format!("B{i:03}"), date(&days));
            let (mut last, cutoff) = related_with(&site, &explicit, &TermIndex::new(&site));
            let mut basis = Basis::with_index(&site, &explicit, &TermIndex::new(&site), cutoff);
            for (brief, day, also) in moves {
                days[brief] = day;
                if let Some((other, day)) = also {
                    days[other] = day;
                }
                let site = site_dated(n, tied_terms, |i| format!("B{i:03}"), date(&days));
                let (related, now) = update_related(&site, &explicit, &basis, &last);
                proptest::prop_assert_eq!(&related, &related_briefs(&site, &explicit));
                (last, basis) = (related, now);
            }
        }
    }
}
