//! The inverted index of one language: every token of every document (`tokens.rs`) with the
//! documents holding it, sorted and cut into shards of about equal size. A document's tokens are
//! made from its own data alone (and kept by `watch` while that is unchanged); `watch` keeps the
//! sorted tokens too, and moves only the postings of the documents an edit changed.
//!
//! A shard is `[["token",[posting,…]],…]`, tokens sorted by code point. A posting is
//! `(d - previous d) * 128 + code`, `d` the document's number (from 0, in the order of the
//! briefs' ids; `order.json` lists them newest first) and `code` where the token is: `TITLE |
//! TERM | SUMMARY | SOURCE` and, in bits 4–6, how often the body holds it (at most 7). A term's
//! filter is the token `#` and the term's key (`#topics/opcon-transfer`; no word starts with `#`).

use std::sync::Arc;

use rayon::prelude::*;

use crate::hash::{self, FastMap};

use super::tokens;

pub const TITLE: u8 = 1;
/// A term's name in any language, or an author.
pub const TERM: u8 = 2;
pub const SUMMARY: u8 = 4;
/// The title of a source the brief cites or lists.
pub const SOURCE: u8 = 8;
const BODY_SHIFT: u8 = 4;
/// A term filter's token while it is made (not written: its code is 0).
const FILTER: u8 = 128;
const BODY_MAX: u8 = 7;

/// What a document is found by.
pub struct DocFields<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    /// In NFC, as `Analysis::text` is.
    pub body: &'a str,
    /// Its terms' names (in every language) and its authors.
    pub terms: Vec<&'a str>,
    pub sources: Vec<&'a str>,
    /// The keys of its terms (`taxonomy/slug`), for the filter.
    pub filters: Vec<&'a str>,
}

/// A document's distinct tokens, each with its code: the tokens joined by `\0` (which no token
/// holds), to keep one allocation per document.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DocWords {
    tokens: String,
    codes: Vec<u8>,
}

/// What `DocWords::make` reuses from one document to the next on a thread: the tokens found so
/// far, one after another in `text`, each with its span, hash and code, and a table of them by
/// hash (no allocation per token).
#[derive(Default)]
struct Scratch {
    text: String,
    /// `(start, end, hash, flags, body count)`.
    found: Vec<(u32, u32, u64, u8, u8)>,
    table: hashbrown::HashTable<u32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl Scratch {
    fn add(&mut self, token: &str, flag: u8) {
        let hash = hash::of(token);
        let Scratch { text, found, table } = self;
        let at = table.find(hash, |&i| {
            let (start, end, ..) = found[i as usize];
            &text[start as usize..end as usize] == token
        });
        match at {
            Some(&i) => {
                let entry = &mut found[i as usize];
                entry.3 |= flag;
                entry.4 = (entry.4 + u8::from(flag == 0)).min(BODY_MAX);
            }
            None => {
                let start = text.len() as u32;
                text.push_str(token);
                let i = found.len() as u32;
                found.push((start, text.len() as u32, hash, flag, u8::from(flag == 0)));
                table.insert_unique(hash, i, |&j| found[j as usize].2);
            }
        }
    }
}

impl DocWords {
    pub fn make(fields: &DocFields) -> DocWords {
        SCRATCH.with(|scratch| {
            let scratch = &mut *scratch.borrow_mut();
            scratch.text.clear();
            scratch.found.clear();
            scratch.table.clear();
            // Per token: where fields hold it, and how often the body does.
            tokens::each(fields.title, |t| scratch.add(t, TITLE));
            tokens::each(fields.summary, |t| scratch.add(t, SUMMARY));
            fields.terms.iter().for_each(|name| tokens::each(name, |t| scratch.add(t, TERM)));
            fields.sources.iter().for_each(|title| tokens::each(title, |t| scratch.add(t, SOURCE)));
            // The body's plain text is in NFC (`Analysis::text`).
            tokens::each_nfc(fields.body, |t| scratch.add(t, 0));
            for key in &fields.filters {
                scratch.add(&format!("#{key}"), FILTER);
            }
            let mut words = DocWords {
                tokens: String::with_capacity(scratch.text.len() + scratch.found.len()),
                codes: Vec::with_capacity(scratch.found.len()),
            };
            // In the order first found: equal documents have equal tokens, byte for byte.
            for &(start, end, _, flags, count) in &scratch.found {
                words.tokens.push_str(&scratch.text[start as usize..end as usize]);
                words.tokens.push('\0');
                words.codes.push((flags & !FILTER) | (count << BODY_SHIFT));
            }
            words
        })
    }

    /// Each token with its code.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        self.tokens.split_terminator('\0').zip(self.codes.iter().copied())
    }
}

/// A shard of the index: its first token, its JSON, and a hash of it (of its tokens' hashes).
pub struct Shard {
    pub first: Box<str>,
    pub json: Arc<[u8]>,
    pub hash: u64,
}

/// Token → postings (`doc << 7 | code`), documents in order.
type Postings = FastMap<Box<str>, Vec<u32>>;

/// A token of the index: its postings (`doc << 7 | code`, documents in order), its entry's JSON
/// and the hash of that, and the hash of its text, which decides where shards may start.
struct Token {
    text: Box<str>,
    postings: Vec<u32>,
    json: Vec<u8>,
    hash: u64,
    anchor: u64,
}

impl Token {
    fn new(text: Box<str>, postings: Vec<u32>) -> Token {
        let anchor = hash::bytes(text.as_bytes());
        let mut token = Token { text, postings, json: Vec::new(), hash: 0, anchor };
        token.write_json();
        token
    }

    fn write_json(&mut self) {
        self.json = entry_json(&self.text, &self.postings);
        self.hash = hash::bytes(&self.json);
    }
}

/// Every token of a language's documents, sorted by code point: the index before it is cut into
/// shards. `watch` keeps it, and moves the postings of the few documents an edit changed
/// (`replace`) rather than gathering every document's again.
pub struct Tokens(Vec<Token>);

impl Tokens {
    /// The tokens of `docs`, each document's number its position.
    pub fn make(docs: &[Arc<DocWords>]) -> Tokens {
        // A run of documents per task, two tasks per thread: each task's map holds most tokens
        // again, and joining maps copies postings, so fewer and longer runs cost less.
        let run_len = docs.len().div_ceil(rayon::current_num_threads() * 2).max(256);
        let postings = docs
            .par_chunks(run_len)
            .enumerate()
            .map(|(run, chunk)| {
                let mut map: Postings = hash::fast_map(4096);
                for (i, words) in chunk.iter().enumerate() {
                    let doc = ((run * run_len + i) as u32) << 7;
                    for (token, code) in words.iter() {
                        match map.get_mut(token) {
                            Some(list) => list.push(doc | u32::from(code)),
                            None => {
                                map.insert(token.into(), vec![doc | u32::from(code)]);
                            }
                        }
                    }
                }
                map
            })
            .reduce(
                || hash::fast_map(0),
                |mut left, right| {
                    if left.is_empty() {
                        return right;
                    }
                    for (token, list) in right {
                        left.entry(token).or_default().extend(list);
                    }
                    left
                },
            );
        let mut tokens: Vec<(Box<str>, Vec<u32>)> = postings.into_iter().collect();
        tokens.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Tokens(tokens.into_par_iter().map(|(text, postings)| Token::new(text, postings)).collect())
    }

    /// Document `doc`'s tokens are now `new` instead of `old`: its postings leave the tokens of
    /// `old` and join those of `new`; a token left without postings goes. What `make` would give
    /// for the documents as they are now.
    pub fn replace(&mut self, doc: u32, old: &DocWords, new: &DocWords) {
        let tokens = &mut self.0;
        let find = |tokens: &[Token], text: &str| tokens.binary_search_by(|t| (*t.text).cmp(text));
        // Only the tokens whose posting changes: most of an edited document's stay as they were.
        let mut gone: FastMap<&str, u8> = hash::fast_map(old.codes.len());
        gone.extend(old.iter());
        let mut touched = Vec::new();
        let mut added = Vec::new();
        for (text, code) in new.iter() {
            let posting = doc << 7 | u32::from(code);
            let before = gone.remove(text);
            if before == Some(code) {
                continue;
            }
            match find(tokens, text) {
                Ok(i) => {
                    let list = &mut tokens[i].postings;
                    match list.binary_search_by_key(&doc, |p| p >> 7) {
                        Ok(at) => list[at] = posting,
                        Err(at) => list.insert(at, posting),
                    }
                    touched.push(i);
                }
                Err(_) => added.push(Token::new(text.into(), vec![posting])),
            }
        }
        for text in gone.into_keys() {
            if let Ok(i) = find(tokens, text) {
                let list = &mut tokens[i].postings;
                if let Ok(at) = list.binary_search_by_key(&doc, |p| p >> 7) {
                    list.remove(at);
                    touched.push(i);
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let mut emptied = false;
        for &i in &touched {
            let token = &mut tokens[i];
            emptied |= token.postings.is_empty();
            token.write_json();
        }
        if added.is_empty() && !emptied {
            return;
        }
        // One pass that drops the emptied tokens and puts the new ones in their places.
        added.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        let mut added = added.into_iter().peekable();
        let mut merged = Vec::with_capacity(tokens.len() + added.len());
        for token in std::mem::take(tokens).into_iter().filter(|t| !t.postings.is_empty()) {
            while let Some(new) = added.next_if(|new| new.text < token.text) {
                merged.push(new);
            }
            merged.push(token);
        }
        merged.extend(added);
        *tokens = merged;
    }

    /// The index cut into at most `count` shards (the rest are empty): each token whole in one
    /// shard, each shard about an equal share of the bytes. A shard of `last` with the same
    /// hash lends its JSON.
    ///
    /// Where shards start follows from the tokens there, not from where an equal share would
    /// end (content-defined chunking, as backup tools cut files; see `starts`): an edit that
    /// grows a few tokens' postings moves the bytes after them, but not which tokens are
    /// anchors, so the other shards stay the same files.
    pub fn shards(&self, count: usize, last: &[Shard]) -> Vec<Shard> {
        let starts = self.starts(count.max(1));
        let tokens = &self.0;
        let last: FastMap<u64, &Shard> = last.iter().map(|s| (s.hash, s)).collect();
        starts
            .par_windows(2)
            .map(|w| {
                let part = &tokens[w[0]..w[1]];
                let hash = hash::of(&part.iter().map(|t| t.hash).collect::<Vec<u64>>());
                let json = match last.get(&hash) {
                    Some(shard) => shard.json.clone(),
                    None => {
                        let mut json = Vec::with_capacity(part.iter().map(|t| t.json.len() + 1).sum::<usize>() + 2);
                        json.push(b'[');
                        for (i, token) in part.iter().enumerate() {
                            if i > 0 {
                                json.push(b',');
                            }
                            json.extend_from_slice(&token.json);
                        }
                        json.extend_from_slice(b"]\n");
                        json.into()
                    }
                };
                Shard { first: part.first().map(|t| t.text.clone()).unwrap_or_default(), json, hash }
            })
            .collect()
    }

    /// Where each of `count` shards starts, and the end. A shard holds at least half a share of
    /// the bytes (a share rounded up to 64 bytes, so that most edits leave it as it was), then
    /// ends before the next anchor token, or once it holds two shares. A token is an anchor with
    /// a chance of its size in a share (by its text's hash): anchors come about every share
    /// however sizes are spread, and a token that large always is one. So a shard holds about
    /// 1.5 shares on average, two thirds of the shards are used, and more than `count` (after
    /// which the last one would take the rest) would take far more luck than an index has.
    fn starts(&self, count: usize) -> Vec<usize> {
        let tokens = &self.0;
        let offsets: Vec<usize> = tokens
            .iter()
            .scan(0, |at, t| {
                let start = *at;
                *at += t.json.len() + 1;
                Some(start)
            })
            .collect();
        let total = offsets.last().zip(tokens.last()).map_or(0, |(at, t)| at + t.json.len() + 1);
        let share = total.div_ceil(count).next_multiple_of(64);
        let anchor = |t: &Token| u128::from(t.anchor) * (share as u128).max(1) < (t.json.len() as u128 + 1) << 64;
        let mut starts = vec![tokens.len(); count + 1];
        starts[0] = 0;
        let mut shard = 0;
        for (i, token) in tokens.iter().enumerate().skip(1) {
            if shard + 1 == count {
                break;
            }
            let held = offsets[i] - offsets[starts[shard]];
            if held >= 2 * share || held >= share / 2 && anchor(token) {
                shard += 1;
                starts[shard] = i;
            }
        }
        starts
    }
}

/// The index of `docs` (in their order) cut into `count` shards.
#[cfg(test)]
pub fn shards(docs: &[Arc<DocWords>], count: usize) -> Vec<Shard> {
    Tokens::make(docs).shards(count, &[])
}

/// `["token",[postings]]`.
fn entry_json(token: &str, postings: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(token.len() + 8 + postings.len() * 5);
    out.push(b'[');
    serde_json::to_writer(&mut out, token).unwrap_or_default();
    out.extend_from_slice(b",[");
    let mut previous = 0u64;
    for (i, &p) in postings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let doc = u64::from(p >> 7);
        push_number(&mut out, (doc - previous) * 128 + u64::from(p & 127));
        previous = doc;
    }
    out.extend_from_slice(b"]]");
    out
}

/// Writes `n` in decimal.
pub fn push_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of the given title, body and terms (by index: `topics/t<i>`).
    fn doc(title: &str, body: &str, filters: Vec<usize>) -> Arc<DocWords> {
        const KEYS: [&str; 8] =
            ["topics/t0", "topics/t1", "topics/t2", "topics/t3", "topics/t4", "topics/t5", "topics/t6", "topics/t7"];
        let filters: Vec<&str> = filters.into_iter().map(|i| KEYS[i]).collect();
        Arc::new(DocWords::make(&DocFields {
            title,
            summary: "",
            body,
            terms: vec!["Nuclear Consultative Group", "핵협의그룹"],
            sources: vec![],
            filters,
        }))
    }

    #[test]
    fn tokens_carry_their_fields_and_body_counts() {
        let words = doc("Camp Humphreys", "Humphreys humphreys Humphreys and more", vec![3]);
        let found: Vec<(&str, u8)> = words.iter().collect();
        assert!(found.contains(&("humphreys", TITLE | (3 << BODY_SHIFT))), "{found:?}");
        assert!(found.contains(&("camp", TITLE)), "{found:?}");
        assert!(found.contains(&("nuclear", TERM)), "{found:?}");
        assert!(found.contains(&("협의그룹", TERM)), "{found:?}");
        assert!(found.contains(&("#topics/t3", 0)), "{found:?}");
    }

    #[test]
    fn shards_split_the_sorted_tokens_and_are_deterministic() {
        let docs: Vec<Arc<DocWords>> =
            (0..50).map(|i| doc(&format!("Brief {i}"), &format!("alpha beta gamma word{i}"), vec![i % 3])).collect();
        let shards = shards(&docs, 4);
        assert_eq!(shards.len(), 4);
        let again = super::shards(&docs, 4);
        assert!(shards.iter().zip(&again).all(|(a, b)| a.json == b.json && a.first == b.first));
        let mut firsts: Vec<&str> = shards.iter().map(|s| &*s.first).filter(|f| !f.is_empty()).collect();
        let sorted = {
            let mut s = firsts.clone();
            s.sort_unstable();
            s
        };
        assert_eq!(firsts, sorted);
        firsts.dedup();
        // A token far larger than a shard's share leaves no empty shard behind it.
        let mut skewed: Vec<Arc<DocWords>> = (0..200).map(|i| doc("Same", "common", vec![i % 2])).collect();
        skewed.push(doc("Other", "rare", vec![]));
        let cut = super::shards(&skewed, 20);
        let empty = cut.iter().position(|s| s.first.is_empty()).unwrap_or(cut.len());
        assert!(cut[empty..].iter().all(|s| s.first.is_empty()), "only trailing shards are empty");
        let all: Vec<serde_json::Value> =
            shards.iter().flat_map(|s| serde_json::from_slice::<Vec<serde_json::Value>>(&s.json).unwrap()).collect();
        let alpha = all.iter().find(|e| e[0] == "alpha").unwrap();
        // Every document, each one after the last: deltas of 1, body count 1.
        let postings = alpha[1].as_array().unwrap();
        assert_eq!(postings.len(), 50);
        assert_eq!(postings[0], 16);
        assert!(postings[1..].iter().all(|p| *p == 128 + 16));
    }

    #[test]
    fn a_document_replaced_in_a_kept_index_gives_the_index_made_afresh() {
        let mut docs: Vec<Arc<DocWords>> = (0..300)
            .map(|i| doc(&format!("Brief {i}"), &format!("alpha beta word{} 주한미군의", i % 7), vec![i % 5]))
            .collect();
        let mut kept = Tokens::make(&docs);
        // A new word, a word gone everywhere, a word moved to the title, the first and last documents.
        let edits = [
            (0, doc("Brief 0", "alpha brandnew", vec![1])),
            (299, doc("Other", "beta", vec![])),
            (150, doc("Alpha", "word3 word3 word3", vec![4])),
            (7, doc("Brief 7", "", vec![])),
            (7, doc("Brief 7", "alpha beta word0 주한미군의", vec![2])),
            // New tokens all over the order at once, and one emptied as others are added.
            (42, doc("Aardvark zulu", "mmm nnn 가나 word9", vec![3])),
            (0, doc("Brief 0", "aardvark2 zz", vec![1])),
        ];
        for (d, words) in edits {
            kept.replace(d as u32, &docs[d], &words);
            docs[d] = words;
            let fresh = Tokens::make(&docs);
            let (a, b) = (kept.shards(9, &[]), fresh.shards(9, &[]));
            assert!(a.iter().zip(&b).all(|(a, b)| a.json == b.json && a.first == b.first), "after an edit of {d}");
        }
    }

    #[test]
    fn an_edit_of_one_document_changes_only_the_shards_of_its_changed_tokens() {
        let body = |i: usize| format!("alpha beta word{} term{} other{} 주한미군의", i % 97, i % 13, i);
        let mut docs: Vec<Arc<DocWords>> =
            (0..2000).map(|i| doc(&format!("Brief {i}"), &body(i), vec![i % 5])).collect();
        let mut kept = Tokens::make(&docs);
        let before = kept.shards(80, &[]);
        // One more word, and one more of a word it has: two or three tokens' postings change.
        let edited = doc("Brief 1000", &format!("{} word3 zebra", body(1000)), vec![0]);
        kept.replace(1000, &docs[1000], &edited);
        docs[1000] = edited;
        let after = kept.shards(80, &before);
        let fresh = Tokens::make(&docs).shards(80, &[]);
        assert!(after.iter().zip(&fresh).all(|(a, b)| a.json == b.json && a.hash == b.hash), "as made afresh");
        let changed = before.iter().zip(&after).filter(|(a, b)| a.hash != b.hash).count();
        // Those holding `word3` and `zebra`, and seldom one whose start moved with the bytes
        // before it (cut where equal shares would end, 14 of them changed).
        assert!((1..=5).contains(&changed), "{changed} of 80 shards changed");
        // The sizes stay about equal: none is over twice a share but for its last token.
        let share = after.iter().map(|s| s.json.len()).sum::<usize>() / 80;
        for shard in &after {
            let entries: Vec<serde_json::Value> = serde_json::from_slice(&shard.json).unwrap();
            let largest = entries.iter().map(|e| e.to_string().len()).max().unwrap_or(0);
            assert!(shard.json.len() - largest < 2 * share + 128, "shards of about equal size");
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        let mut out = Vec::new();
        for n in [0, 7, 10, 128, 4_294_967_295] {
            push_number(&mut out, n);
            out.push(b' ');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "0 7 10 128 4294967295 ");
    }
}
