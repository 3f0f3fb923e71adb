//! Full-text search, as files a browser fetches a few of per query (Pagefind's design, made
//! from the parsed site rather than from the written HTML):
//!
//! - `search/index.json`, the entry: the first token of every shard, the taxonomies and terms
//!   (for the filter and its counts), the number of documents, and a version carried by the URLs
//!   of the other files (so no browser uses a stale one);
//! - `search/order.json`: the document numbers, newest first (how results that score alike are
//!   ordered), fetched with the first query;
//! - `search/shards/<n>.json`: the sorted tokens with their postings (`index.rs`); a query
//!   fetches the shards whose range holds its words;
//! - `search/docs/<n>.json`: what a result shows, `DOCS_PER_FILE` documents a file: title, path,
//!   date, summary, terms and the body's text (cut at `TEXT_LIMIT`), from which the browser makes
//!   the excerpt around the match; fetched only for the results shown.
//!
//! How many shards and document files a language has follows from its number of documents
//! (`routes/search.rs`); which tokens go in which shard follows from the text. Each language's
//! index holds its latest briefs (not superseded ones), numbered in the order of their ids
//! (`briefs/x`): a new title or date changes that brief's document file and the shards of its
//! changed words, and the order file, not the numbers of the briefs it moves past.

mod index;
pub mod tokens;

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::hash::{self, FastMap};
use crate::routes::search::DOCS_PER_FILE;
use crate::site::{BriefId, Site};

use super::data::{other_names, sources_of, Ymd};
use super::Render;

pub use index::{DocFields, DocWords};

/// Bytes of a body's text kept for excerpts: a match further on is shown with the summary.
pub const TEXT_LIMIT: usize = 16_000;

/// What `watch` keeps between renderings: per language, the last index (its documents' keys
/// and tokens in order, and every token sorted) and the last shards with the key of all of them.
#[derive(Default)]
pub struct Memo {
    /// The first eight languages.
    langs: [Mutex<LangMemo>; 8],
}

#[derive(Default)]
struct LangMemo {
    /// Each document's quick key and key (`make_search_index`), in document order.
    doc_keys: Vec<(u64, u64)>,
    index: Option<Kept>,
    shards: Option<(u64, Arc<Vec<index::Shard>>)>,
}

/// A language's index as the last rendering made it.
struct Kept {
    keys: Vec<u64>,
    words: Vec<Arc<DocWords>>,
    tokens: index::Tokens,
}

/// Documents changed in place (same number, new tokens) that are patched into a kept index
/// rather than making it again; more (a brief added or removed renumbers every later one) and
/// the index is made from every document's tokens.
const PATCH_LIMIT: usize = 64;

impl Kept {
    /// The index of the documents of `keys`, made from `fields`, reusing what `last` holds.
    fn make<'f>(last: Option<Kept>, keys: Vec<u64>, fields: impl Fn(usize) -> DocFields<'f> + Sync) -> Kept {
        let Some(mut kept) = last else { return Kept::gather(None, keys, fields) };
        let changed: Vec<usize> = match kept.keys.len() == keys.len() {
            true => (0..keys.len()).filter(|&d| kept.keys[d] != keys[d]).take(PATCH_LIMIT + 1).collect(),
            false => return Kept::gather(Some(kept), keys, fields),
        };
        if changed.len() > PATCH_LIMIT {
            return Kept::gather(Some(kept), keys, fields);
        }
        for d in changed {
            let words = Arc::new(DocWords::make(&fields(d)));
            kept.tokens.replace(d as u32, &kept.words[d], &words);
            kept.words[d] = words;
        }
        kept.keys = keys;
        kept
    }

    /// Every document's tokens (those of `last` reused by key), gathered into a new index.
    fn gather<'f>(last: Option<Kept>, keys: Vec<u64>, fields: impl Fn(usize) -> DocFields<'f> + Sync) -> Kept {
        let known: FastMap<u64, Arc<DocWords>> =
            last.map(|k| k.keys.into_iter().zip(k.words).collect()).unwrap_or_default();
        let words: Vec<Arc<DocWords>> = keys
            .par_iter()
            .enumerate()
            .map(|(d, key)| known.get(key).cloned().unwrap_or_else(|| Arc::new(DocWords::make(&fields(d)))))
            .collect();
        let tokens = index::Tokens::make(&words);
        Kept { keys, words, tokens }
    }
}

/// A language's index, made once per rendering when a search file asks for it.
pub struct LangIndex {
    /// The briefs it holds, by document number (`search_docs`).
    docs: Vec<BriefId>,
    /// Each document's key (`doc_key`), in document order.
    doc_keys: Vec<u64>,
    /// `search/order.json` and its hash.
    order: Vec<u8>,
    order_hash: u64,
    shards: Arc<Vec<index::Shard>>,
    meta: Vec<u8>,
    meta_hash: u64,
}

/// The search index of one language: its entry file, a shard, or a file of documents.
pub enum SearchFile<'a> {
    Meta(&'a LangIndex),
    Order(&'a LangIndex),
    Shard(&'a index::Shard),
    Docs(DocsFile<'a>),
}

impl Hash for SearchFile<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            SearchFile::Meta(index) => index.meta_hash.hash(state),
            SearchFile::Order(index) => index.order_hash.hash(state),
            SearchFile::Shard(shard) => shard.hash.hash(state),
            SearchFile::Docs(docs) => docs.hash(state),
        }
    }
}

impl SearchFile<'_> {
    pub fn write(&self) -> Vec<u8> {
        match self {
            SearchFile::Meta(index) => index.meta.clone(),
            SearchFile::Order(index) => index.order.clone(),
            SearchFile::Shard(shard) => shard.json.to_vec(),
            SearchFile::Docs(docs) => docs.write(),
        }
    }
}

/// Where each taxonomy's terms start in the list of every term (a term's index is its
/// taxonomy's base plus its position).
fn term_bases(site: &Site) -> Vec<usize> {
    site.taxonomies
        .iter()
        .scan(0, |next, t| {
            let base = *next;
            *next += t.terms.len();
            Some(base)
        })
        .collect()
}

/// A brief's terms as indexes into the list of every term, sorted.
fn term_ids(site: &Site, bases: &[usize], b: BriefId) -> Vec<usize> {
    let mut ids: Vec<usize> = site.briefs[b].terms.iter().map(|&(t, term)| bases[t] + term).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Every term's names as the index holds them (its label in each language, its record's names
/// and `aka`), by index into the list of every term, with a key of each.
struct TermNames<'a> {
    names: Vec<Vec<&'a str>>,
    keys: Vec<u64>,
}

impl<'a> TermNames<'a> {
    fn of(site: &'a Site, lang: usize, term_keys: &[String]) -> TermNames<'a> {
        let names: Vec<Vec<&'a str>> = site
            .taxonomies
            .iter()
            .flat_map(|t| &t.terms)
            .map(|term| {
                let mut names = vec![term.label_in(lang), &term.label];
                names.extend(term.labels.iter().map(String::as_str));
                if let Some(record) = term.record.map(|r| &site.records[r]) {
                    let fields = record.fields();
                    names.extend(fields.names.iter().map(|(_, n)| n.value.as_str()));
                    names.extend(fields.aka.iter().map(|a| a.value.as_str()));
                }
                names
            })
            .collect();
        let keys = names.iter().zip(term_keys).map(|(names, key)| hash::of(&(key, names))).collect();
        TermNames { names, keys }
    }
}

impl<'a> Render<'a> {
    /// What brief `b` is found by in a language's index.
    fn doc_fields(&'a self, names: &TermNames<'a>, bases: &[usize], b: BriefId) -> DocFields<'a> {
        let site = self.site;
        let brief = &site.briefs[b];
        let ids = term_ids(site, bases, b);
        let mut terms: Vec<&'a str> = ids.iter().flat_map(|&id| names.names[id].iter().copied()).collect();
        let keys = self.search_terms();
        let filters = ids.iter().map(|&id| keys[id].as_str()).collect();
        terms.extend(brief.front().authors.iter().map(String::as_str));
        terms.sort_unstable();
        terms.dedup();
        DocFields {
            title: brief.title(),
            summary: brief.summary(),
            body: &brief.parsed.analysis.text,
            terms,
            sources: self.source_titles(b),
            filters,
        }
    }

    fn source_titles(&'a self, b: BriefId) -> Vec<&'a str> {
        let entries = &self.site.library.entries;
        sources_of(&self.graph.citations, b).into_iter().map(|e| entries[e].title.as_str()).collect()
    }

    /// A key of what `doc_fields` gives for brief `b`, made without it: the brief's file (its
    /// title, summary, body and authors), its terms' names and its sources' titles.
    fn doc_key(&'a self, names: &TermNames<'a>, bases: &[usize], b: BriefId) -> u64 {
        let terms: Vec<u64> = term_ids(self.site, bases, b).into_iter().map(|id| names.keys[id]).collect();
        hash::of(&(self.site.briefs[b].parsed.file.hash, terms, self.source_titles(b)))
    }

    /// Every term's key in the index (`taxonomy/slug`, as the timeline's filters name terms),
    /// by its index in the list of every term: a term's filter token is `#` and its key, so
    /// that a new term changes no other term's token, document or bookmarked `?term=`.
    fn search_terms(&'a self) -> &'a [String] {
        self.search_terms.get_or_init(|| {
            self.site.taxonomies.iter().flat_map(|t| (0..t.terms.len()).map(|i| t.term_key(i))).collect()
        })
    }

    /// The index of language `lang`, made on first use.
    pub(super) fn search_index(&'a self, lang: usize) -> &'a LangIndex {
        self.search[lang].get_or_init(|| self.make_search_index(lang))
    }

    fn make_search_index(&'a self, lang: usize) -> LangIndex {
        let (site, routes) = (self.site, self.routes);
        let (doc_list, order) = search_docs(site, lang);
        let docs = &doc_list[..];
        let bases = term_bases(site);
        let names = TermNames::of(site, lang, self.search_terms());
        let fields = |d: usize| self.doc_fields(&names, &bases, docs[d]);
        let mut memo =
            self.search_memo.and_then(|m| m.langs.get(lang)).map(|m| m.lock().unwrap_or_else(|e| e.into_inner()));
        let mut lang_memo = memo.as_mut().map(|m| std::mem::take(&mut **m));
        // In `watch`, a document's key is the last one while its file, its terms (by labels,
        // `terms_key`), the records' terms' names and the library are: most are found without
        // hashing their terms' names and sources' titles. A term without a record is named by
        // its label alone: a new one changes no other document's key.
        let keys: Vec<u64> = match lang_memo.as_mut() {
            Some(m) => {
                let all_terms = site.taxonomies.iter().flat_map(|t| &t.terms);
                let recorded = all_terms.zip(&names.keys).filter(|(term, _)| term.record.is_some());
                let recorded: Vec<u64> = recorded.map(|(_, key)| *key).collect();
                let context = hash::of(&(recorded, site.library.key));
                let quick = |b: BriefId| hash::of(&(context, site.briefs[b].file_hash, site.briefs[b].terms_key));
                let quick: Vec<u64> = docs.par_iter().map(|&b| quick(b)).collect();
                // Mostly where it was (a body edit); else (a brief added, or moved by its date)
                // found by its quick key: among the last ones when few moved, else in a map.
                let last = &m.doc_keys;
                let here = |d: usize| last.get(d).filter(|(q, _)| *q == quick[d]).map(|(_, key)| *key);
                let missed = (0..docs.len()).filter(|&d| here(d).is_none()).take(9).count();
                let moved: FastMap<u64, u64> =
                    if missed > 8 { last.iter().copied().collect() } else { FastMap::default() };
                let elsewhere = |q: u64| match missed > 8 {
                    true => moved.get(&q).copied(),
                    false => last.iter().find(|(lq, _)| *lq == q).map(|(_, key)| *key),
                };
                let now: Vec<(u64, u64)> = (0..docs.len())
                    .into_par_iter()
                    .map(|d| {
                        let q = quick[d];
                        let known = here(d).or_else(|| elsewhere(q));
                        (q, known.unwrap_or_else(|| self.doc_key(&names, &bases, docs[d])))
                    })
                    .collect();
                let keys = now.iter().map(|(_, key)| *key).collect();
                m.doc_keys = now;
                keys
            }
            None => docs.par_iter().map(|&b| self.doc_key(&names, &bases, b)).collect(),
        };
        let count = routes.search_shards(lang);
        let all_key = hash::of(&(&keys, count));
        let doc_keys = keys.clone();
        let shards = match lang_memo.as_ref().and_then(|m| m.shards.as_ref()) {
            Some((key, shards)) if *key == all_key => shards.clone(),
            _ => match lang_memo.as_mut() {
                Some(m) => {
                    let kept = Kept::make(m.index.take(), keys, fields);
                    let last = m.shards.take().map(|(_, shards)| shards);
                    let shards = Arc::new(kept.tokens.shards(count, last.as_deref().map_or(&[], |s| &s[..])));
                    m.index = Some(kept);
                    shards
                }
                None => Arc::new(Kept::gather(None, keys, fields).tokens.shards(count, &[])),
            },
        };
        if let (Some(memo), Some(mut m)) = (memo.as_mut(), lang_memo) {
            m.shards = Some((all_key, shards.clone()));
            **memo = m;
        }
        drop(memo);
        let mut order_json = serde_json::to_vec(&order).unwrap_or_default();
        order_json.push(b'\n');
        let order_hash = hash::bytes(&order_json);
        let version = hash::of(&(all_key, order_hash, shards.iter().map(|s| s.hash).collect::<Vec<_>>()));
        let meta = self.search_meta(lang, docs, &shards, version, &bases);
        let meta_hash = hash::bytes(&meta);
        LangIndex { docs: doc_list, doc_keys, order: order_json, order_hash, shards, meta, meta_hash }
    }

    /// `search/index.json`: `{"version":3,"v":…,"docs":n,"per_file":k,"shards":[first token…],
    /// "order_url":…,"shard_url":…,"docs_url":…,"taxonomies":[[name,title]…],"terms":[[taxonomy,
    /// label,other names,briefs,key]…]}`; a numbered file's URL is its `…_url`, its number,
    /// `.json?v=` and `v`; the order's is `order_url`, `?v=` and `v`.
    fn search_meta(
        &self,
        lang: usize,
        docs: &[BriefId],
        shards: &[index::Shard],
        version: u64,
        bases: &[usize],
    ) -> Vec<u8> {
        let (site, routes) = (self.site, self.routes);
        let mut counts =
            vec![0usize; bases.last().map_or(0, |b| b + site.taxonomies.last().map_or(0, |t| t.terms.len()))];
        // A brief's terms are deduplicated already: counted without sorting them.
        for &b in docs {
            site.briefs[b].terms.iter().for_each(|&(t, term)| counts[bases[t] + term] += 1);
        }
        let taxonomies: Vec<[&str; 2]> = site.taxonomies.iter().map(|t| [t.name.as_str(), t.title_in(lang)]).collect();
        let keys = self.search_terms();
        let mut terms: Vec<(usize, &str, String, usize, &str)> = Vec::new();
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            for (i, term) in taxonomy.terms.iter().enumerate() {
                let id = bases[t] + i;
                terms.push((t, term.label_in(lang), other_names(site, term, lang), counts[id], &keys[id]));
            }
        }
        // The folder of the numbered files, from the route of the first.
        fn folder(url: &str) -> &str {
            url.strip_suffix("0.json").unwrap_or(url)
        }
        let docs_url = (routes.search_doc_files(lang) > 0).then(|| folder(routes.search_docs(lang, 0).url()));
        let firsts: Vec<&str> = shards.iter().map(|s| &*s.first).filter(|f| !f.is_empty()).collect();
        let meta = serde_json::json!({
            "version": 3,
            "v": format!("{:08x}", version as u32),
            "docs": docs.len(),
            "per_file": DOCS_PER_FILE,
            "shards": firsts,
            "order_url": routes.search_order(lang).url(),
            "shard_url": folder(routes.search_shard(lang, 0).url()),
            "docs_url": docs_url,
            "taxonomies": taxonomies,
            "terms": terms,
        });
        let mut out = serde_json::to_vec(&meta).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// The search file of a route.
    pub(super) fn search_file(&'a self, output: crate::routes::Output) -> Option<SearchFile<'a>> {
        use crate::routes::Output;
        Some(match output {
            Output::SearchIndex(lang) => SearchFile::Meta(self.search_index(lang)),
            Output::SearchOrder(lang) => SearchFile::Order(self.search_index(lang)),
            Output::SearchShard { lang, shard } => SearchFile::Shard(&self.search_index(lang).shards[shard]),
            Output::SearchDocs { lang, part } => {
                let index = self.search_index(lang);
                let docs = &index.docs;
                let range = (part * DOCS_PER_FILE).min(docs.len())..((part + 1) * DOCS_PER_FILE).min(docs.len());
                let keys = &index.doc_keys[range.clone()];
                SearchFile::Docs(DocsFile { render: self, docs: &docs[range], keys, bases: term_bases(self.site) })
            }
            _ => return None,
        })
    }

    /// `search/index.json` with the hash of its data, so browsers never use a stale index.
    pub(super) fn search_index_url(&'a self, lang: usize) -> String {
        format!("{}?v={:08x}", self.routes.search_index(lang).url(), self.search_index(lang).meta_hash as u32)
    }
}

/// The briefs of language `lang`'s index by document number: its latest briefs in the order of
/// their ids, which no title or date changes; and their document numbers, newest first.
fn search_docs(site: &Site, lang: usize) -> (Vec<BriefId>, Vec<u32>) {
    let latest = site.latest.of(lang);
    let mut in_index = vec![false; site.briefs.len()];
    latest.iter().for_each(|&b| in_index[b] = true);
    let docs: Vec<BriefId> = site.by_id.iter().copied().filter(|&b| in_index[b]).collect();
    let mut number = vec![0u32; site.briefs.len()];
    for (d, &b) in docs.iter().enumerate() {
        number[b] = d as u32;
    }
    (docs, latest.iter().map(|&b| number[b]).collect())
}

/// A file of documents: `[[title, path from the site root, yyyy-mm-dd or "", summary, [term
/// keys], text]…]`. It hashes as its documents' keys (each brief's file and terms, with every
/// term's key) and URLs, which decide it.
pub struct DocsFile<'a> {
    render: &'a Render<'a>,
    docs: &'a [BriefId],
    keys: &'a [u64],
    bases: Vec<usize>,
}

impl Hash for DocsFile<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.keys.hash(state);
        for &b in self.docs {
            self.render.url_keys.briefs.get(b).hash(state);
        }
    }
}

impl DocsFile<'_> {
    fn write(&self) -> Vec<u8> {
        let (site, routes) = (self.render.site, self.render.routes);
        let docs: Vec<_> = self
            .docs
            .iter()
            .map(|&b| {
                let brief = &site.briefs[b];
                let path = routes.urls.path_of(routes.brief(b).url());
                let text = excerpt_text(&brief.parsed.analysis.text);
                let keys = self.render.search_terms();
                let terms: Vec<&str> = term_ids(site, &self.bases, b).into_iter().map(|id| keys[id].as_str()).collect();
                (brief.title(), path, Ymd(brief.front().date), brief.summary(), terms, text)
            })
            .collect();
        let mut out = serde_json::to_vec(&docs).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// A body's text for excerpts (`Analysis::text`: white space collapsed, in NFC), cut at
/// `TEXT_LIMIT` bytes.
fn excerpt_text(text: &str) -> &str {
    if text.len() <= TEXT_LIMIT {
        return text;
    }
    let cut = (0..=TEXT_LIMIT).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    &text[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_text_stops_at_the_limit() {
        assert_eq!(excerpt_text("a b c"), "a b c");
        let long = "가나다 ".repeat(10_000);
        let text = excerpt_text(&long);
        assert!(text.len() <= TEXT_LIMIT && text.len() > TEXT_LIMIT - 20, "{}", text.len());
    }
}
