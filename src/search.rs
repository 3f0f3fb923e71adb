//! The client-side search index: only what the search page shows and matches on, in a compact
//! array form. Korean has no spaces between all words, so the page matches substrings rather
//! than whole tokens, and the index needs no tokenisation at all.

use serde::Serialize;

use crate::site::Site;

#[derive(Serialize)]
struct Index<'a> {
    /// Bumped when the layout of `docs` changes.
    version: u32,
    taxonomies: Vec<[&'a str; 2]>,
    /// `[taxonomy index, label]`
    terms: Vec<(usize, &'a str)>,
    /// `[title, path from the site root, yyyy-mm-dd or "", summary, [term indexes]]`, newest first.
    docs: Vec<(&'a str, &'a str, String, &'a str, Vec<usize>)>,
}

/// `search/index.json`.
pub fn search_index(site: &Site) -> Vec<u8> {
    let mut term_base = Vec::with_capacity(site.taxonomies.len());
    let mut terms = Vec::new();
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        term_base.push(terms.len());
        terms.extend(taxonomy.terms.iter().map(|term| (t, term.label.as_str())));
    }
    let docs = site
        .by_date
        .iter()
        .map(|&b| {
            let brief = &site.briefs[b];
            let mut ids: Vec<usize> = brief.terms.iter().map(|&(t, term)| term_base[t] + term).collect();
            ids.sort_unstable();
            ids.dedup();
            let date = brief.front.date.map(|d| d.ymd()).unwrap_or_default();
            (brief.front.title.as_str(), brief.path.as_str(), date, brief.summary(), ids)
        })
        .collect();
    let index = Index {
        version: 1,
        taxonomies: site.taxonomies.iter().map(|t| [t.name.as_str(), t.title.as_str()]).collect(),
        terms,
        docs,
    };
    let mut bytes = serde_json::to_vec(&index).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
