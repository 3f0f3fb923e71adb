//! Related briefs, a stage of its own: for every brief, the briefs an author listed in
//! `related:`, then those sharing its rarest terms, found through an inverted index.

use std::hash::{Hash, Hasher};

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

/// What related briefs are computed from, besides the `related:` lists: every brief's date rank
/// and terms, with their labels.
pub fn related_basis(site: &Site) -> u64 {
    let mut h = hash::hasher();
    site.rank.hash(&mut h);
    for brief in &site.briefs {
        brief.terms.hash(&mut h);
    }
    for taxonomy in &site.taxonomies {
        for term in &taxonomy.terms {
            term.label.hash(&mut h);
        }
    }
    h.finish()
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
pub fn related_briefs(site: &Site, explicit: &[&[BriefId]]) -> Vec<Vec<Related>> {
    let n = site.briefs.len();
    let total = n.max(1) as f64;
    let rank = &site.rank;
    // Global term ids, their weight, label, and postings as ranks (ascending: newest first).
    let mut term_base = Vec::with_capacity(site.taxonomies.len());
    let mut postings: Vec<Vec<u32>> = Vec::new();
    let mut labels: Vec<&str> = Vec::new();
    for taxonomy in &site.taxonomies {
        term_base.push(postings.len());
        for term in &taxonomy.terms {
            postings.push(term.briefs.iter().map(|&b| rank[b] as u32).collect());
            labels.push(&term.label);
        }
    }
    let weight: Vec<f64> = postings.iter().map(|p| (total / p.len() as f64).ln()).collect();
    // A brief's terms are sorted by (taxonomy, term): their global ids are sorted too.
    let terms_of = |b: BriefId| site.briefs[b].terms.iter().map(|&(t, term)| term_base[t] + term);
    let by_rank: Vec<Vec<Related>> = site
        .by_date
        .par_iter()
        .map_init(
            // Per thread: a score per rank, and the ranks whose score was touched.
            || (vec![0f64; n], Vec::<u32>::new()),
            |(scores, touched), &b| {
                let own = rank[b] as u32;
                for t in terms_of(b) {
                    let list = &postings[t];
                    let window = if list.len() <= RELATED_SCAN {
                        &list[..]
                    } else {
                        let at = list.partition_point(|&r| r < own);
                        let start = at.saturating_sub(RELATED_SCAN / 2).min(list.len() - RELATED_SCAN);
                        &list[start..start + RELATED_SCAN]
                    };
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
                    if explicit.contains(&site.by_date[other as usize]) {
                        continue;
                    }
                    let at = best.iter().take_while(|x| better(x)).count();
                    best.insert(at, (score, other));
                    best.truncate(wanted);
                }
                touched.clear();
                let mut related: Vec<Related> =
                    explicit.iter().map(|&brief| Related { brief, shared: vec![], shared_hash: 0 }).collect();
                for (_, other) in best {
                    let other = site.by_date[other as usize];
                    let theirs: Vec<usize> = terms_of(other).collect();
                    let mut shared: Vec<usize> = terms_of(b).filter(|t| theirs.binary_search(t).is_ok()).collect();
                    shared.sort_by(|x, y| weight[*y].total_cmp(&weight[*x]).then(x.cmp(y)));
                    // The same label can name a term of two taxonomies (an actor and a topic).
                    let mut names: Vec<String> = Vec::new();
                    for &t in &shared {
                        if names.len() < 3 && !names.iter().any(|n| n == labels[t]) {
                            names.push(labels[t].to_string());
                        }
                    }
                    let shared_hash = hash::of(&names);
                    related.push(Related { brief: other, shared: names, shared_hash });
                }
                related
            },
        )
        .collect();
    // Back from date order to brief order.
    let mut related: Vec<Vec<Related>> = vec![Vec::new(); n];
    for (list, &b) in by_rank.into_iter().zip(&site.by_date) {
        related[b] = list;
    }
    related
}
