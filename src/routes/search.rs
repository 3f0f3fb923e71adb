//! The files of a language's search index besides its entry file: the documents' order (newest
//! first), shards of the sorted word list and files of the documents' texts (see
//! `render/search/`). How many of each follows from the number of the language's latest briefs
//! alone, so the table is planned before any text is read, and a body edit never changes it
//! (`watch` keeps the table while the model is the same).

use super::table::Table;
use super::{Output, Route, Routes};

/// Documents per file of texts: a result list of ten fetches at most ten such files.
pub const DOCS_PER_FILE: usize = 4;
/// Documents per shard of words: at 10,000 briefs of ~700 words, 417 shards planned, of which
/// the content-defined cut (`render/search/index.rs`) fills about two thirds, ~30 KB each.
pub const DOCS_PER_SHARD: usize = 24;

/// How many shards of words an index of `docs` documents has (at least one, maybe empty).
pub fn shard_count(docs: usize) -> usize {
    docs.div_ceil(DOCS_PER_SHARD).max(1)
}

/// Where a language's search files are in the table: consecutive routes from `first`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SearchFiles {
    order: usize,
    first: usize,
    shards: usize,
    docs: usize,
}

/// Registers the order, shards and document files of language `lang`, whose pages are under
/// `prefix`.
pub(super) fn plan(table: &mut Table, prefix: &str, lang: usize, docs: usize) -> SearchFiles {
    let order = table.file(format!("{prefix}search/order.json"), Output::SearchOrder(lang));
    let first = table.files.len();
    let shards = shard_count(docs);
    for shard in 0..shards {
        table.file(format!("{prefix}search/shards/{shard}.json"), Output::SearchShard { lang, shard });
    }
    let parts = docs.div_ceil(DOCS_PER_FILE);
    for part in 0..parts {
        table.file(format!("{prefix}search/docs/{part}.json"), Output::SearchDocs { lang, part });
    }
    SearchFiles { order, first, shards, docs: parts }
}

impl Routes {
    /// The file of a language's document numbers, newest first.
    pub fn search_order(&self, lang: usize) -> &Route {
        &self.files[self.langs[lang].search_files.order]
    }
    /// How many shards of words the search index of a language has.
    pub fn search_shards(&self, lang: usize) -> usize {
        self.langs[lang].search_files.shards
    }
    pub fn search_shard(&self, lang: usize, shard: usize) -> &Route {
        let files = self.langs[lang].search_files;
        assert!(shard < files.shards, "no search shard {shard}");
        &self.files[files.first + shard]
    }
    /// How many files of documents' texts the search index of a language has.
    pub fn search_doc_files(&self, lang: usize) -> usize {
        self.langs[lang].search_files.docs
    }
    pub fn search_docs(&self, lang: usize, part: usize) -> &Route {
        let files = self.langs[lang].search_files;
        assert!(part < files.docs, "no search file {part}");
        &self.files[files.first + files.shards + part]
    }
}
