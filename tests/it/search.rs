//! Full-text search (issue 19): the index split into an entry file, shards of tokens and files
//! of texts, read here as the browser reads them.

use std::collections::BTreeMap;

use crate::support::{Run, SiteTest};

/// Where a token is found, as the index codes it (`src/render/search/index.rs`).
const TITLE: u64 = 1;
const TERM: u64 = 2;
const SUMMARY: u64 = 4;

/// A language's search index as written: the entry, every token with its postings
/// (`(document, code)`), and every document (`[title, path, date, summary, terms, text]`).
pub struct Index {
    pub meta: serde_json::Value,
    pub tokens: BTreeMap<String, Vec<(usize, u64)>>,
    pub docs: Vec<serde_json::Value>,
    /// The document numbers, newest first (`search/order.json`).
    pub order: Vec<usize>,
    /// Every file's text, for assertions on what the index holds anywhere.
    pub text: String,
}

/// The texts of `folder/0.json`, `folder/1.json`… up to the first missing one.
fn numbered<'a>(run: &'a Run, folder: &'a str) -> impl Iterator<Item = String> + 'a {
    (0..).map(move |n| format!("{folder}/{n}.json")).take_while(|path| run.exists(path)).map(|path| run.read(&path))
}

impl Index {
    /// The index of the language whose pages are under `prefix` (`""`, `"ko/"`).
    pub fn read(run: &Run, prefix: &str) -> Index {
        let entry = run.read(&format!("{prefix}search/index.json"));
        let meta: serde_json::Value = serde_json::from_str(&entry).unwrap();
        let mut text = entry.clone();
        let mut tokens = BTreeMap::new();
        let mut firsts = Vec::new();
        for (n, shard) in numbered(run, &format!("{prefix}search/shards")).enumerate() {
            text.push_str(&shard);
            let entries: Vec<(String, Vec<u64>)> = serde_json::from_str(&shard).unwrap();
            if let Some((first, _)) = entries.first() {
                assert_eq!(firsts.len(), n, "no empty shard before shard {n}");
                firsts.push(serde_json::Value::from(first.as_str()));
            }
            for (token, postings) in entries {
                let mut doc = 0;
                let list = postings
                    .iter()
                    .map(|&p| {
                        doc += (p / 128) as usize;
                        (doc, p % 128)
                    })
                    .collect();
                assert!(tokens.insert(token.clone(), list).is_none(), "`{token}` is in one shard only");
            }
        }
        assert_eq!(meta["shards"], serde_json::Value::from(firsts), "the entry lists each shard's first token");
        let keys: Vec<&String> = tokens.keys().collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "tokens are sorted across shards");
        let mut docs = Vec::new();
        for file in numbered(run, &format!("{prefix}search/docs")) {
            text.push_str(&file);
            docs.extend(serde_json::from_str::<Vec<serde_json::Value>>(&file).unwrap());
        }
        assert_eq!(meta["docs"], docs.len());
        let order: Vec<usize> = serde_json::from_str(&run.read(&format!("{prefix}search/order.json"))).unwrap();
        let mut numbers = order.clone();
        numbers.sort_unstable();
        assert!(numbers.iter().copied().eq(0..docs.len()), "the order holds every document once: {order:?}");
        let folder = meta["shard_url"].as_str().unwrap().strip_suffix("shards/").unwrap();
        assert_eq!(meta["order_url"], format!("{folder}order.json"), "beside the shards");
        Index { meta, tokens, docs, order, text }
    }

    /// The titles of the documents holding a token that starts with `prefix`, each once, in
    /// document order.
    pub fn find(&self, prefix: &str) -> Vec<String> {
        let mut found: Vec<usize> = self
            .tokens
            .range(prefix.to_string()..)
            .take_while(|(t, _)| t.starts_with(prefix))
            .flat_map(|(_, list)| list.iter().map(|&(d, _)| d))
            .collect();
        found.sort_unstable();
        found.dedup();
        found.iter().map(|&d| self.docs[d][0].as_str().unwrap().to_string()).collect()
    }

    /// The code of an exact token in a document, by its title.
    pub fn code(&self, token: &str, title: &str) -> Option<u64> {
        let d = self.docs.iter().position(|doc| doc[0] == title)?;
        self.tokens.get(token)?.iter().find(|&&(doc, _)| doc == d).map(|&(_, code)| code)
    }
}

fn brief(title: &str, front: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2025-11-05\n{front}---\n{body}\n")
}

fn site() -> SiteTest {
    SiteTest::new()
        .config("title: Briefs\nbase_url: https://example.org/policy/\nlanguages:\n  ko:\n    title: 브리프\n")
        .brief(
            "briefs/basing.md",
            &brief(
                "Basing after relocation",
                "summary: Where the forces moved.\ntopics: [Force posture]\nauthors: [Kim Min-ji]\n",
                "The headquarters moved to Camp Humphreys in 2018, beside the Washington Declaration's planners.",
            ),
        )
        .brief(
            "briefs/opcon.md",
            &brief(
                "OPCON",
                "topics: [OPCON transfer]\n",
                "Nothing about camps here.\n\n| Actor | 전시작전통제권 |\n|---|---|\n| USFK | 주한미군의 역할 |\n",
            ),
        )
        .brief("briefs/opcon.ko.md", &brief("전시작전통제권 전환", "", "주한미군은 남는다. 작전통제 이야기."))
        .brief("briefs/empty.md", &brief("An empty brief", "", ""))
}

#[test]
fn a_word_found_only_in_a_body_is_in_the_index_with_where_it_is() {
    let run = site().build_ok();
    let index = Index::read(&run, "");
    assert_eq!(index.find("humphreys"), ["Basing after relocation"]);
    assert_eq!(index.find("humph"), ["Basing after relocation"], "any prefix");
    assert_eq!(index.find("declaration"), ["Basing after relocation"]);
    let code = index.code("humphreys", "Basing after relocation").unwrap();
    assert_eq!(code & 15, 0, "in the body only");
    assert_eq!(code >> 4, 1, "once");
    assert_eq!(index.code("basing", "Basing after relocation"), Some(TITLE));
    assert_eq!(index.code("forces", "Basing after relocation"), Some(SUMMARY));
    // Term names and authors are found as terms.
    assert_eq!(index.code("posture", "Basing after relocation").unwrap() & TERM, TERM);
    assert_eq!(index.code("kim", "Basing after relocation").unwrap() & TERM, TERM);
    // The document shows its text for excerpts, and its path from the site root.
    let doc = index.docs.iter().find(|d| d[0] == "Basing after relocation").unwrap();
    assert_eq!(doc[1], "briefs/basing/");
    assert!(doc[5].as_str().unwrap().contains("Camp Humphreys in 2018"), "{doc}");
    // An empty body is a document all the same.
    assert!(index.docs.iter().any(|d| d[0] == "An empty brief" && d[5] == ""));
    // A term's filter is a token of its own.
    let term = index.meta["terms"].as_array().unwrap().iter().position(|t| t[1] == "Force posture").unwrap();
    assert_eq!(index.meta["terms"][term][4], "topics/force-posture", "its key");
    assert_eq!(index.find("#topics/force-posture"), ["Basing after relocation"]);
    assert_eq!(index.meta["terms"][term][3], 1, "its count");
    let doc = index.docs.iter().find(|d| d[0] == "Basing after relocation").unwrap();
    assert!(doc[4].as_array().unwrap().iter().any(|t| t == "topics/force-posture"), "{doc}");
    // The entry names the other files by their folder, under the base path.
    assert_eq!(index.meta["shard_url"], "/policy/search/shards/");
    assert_eq!(index.meta["docs_url"], "/policy/search/docs/");
}

#[test]
fn korean_is_found_inside_words_and_before_particles() {
    let run = site().build_ok();
    let en = Index::read(&run, "");
    // A table cell of an English brief: 작전통제 inside 전시작전통제권, 주한미군 before 의.
    assert_eq!(en.find("작전통제"), ["OPCON"]);
    assert_eq!(en.find("주한미군"), ["OPCON"]);
    let ko = Index::read(&run, "ko/");
    assert_eq!(ko.find("주한미군"), ["전시작전통제권 전환"]);
    assert_eq!(ko.find("작전통제"), ["전시작전통제권 전환"]);
}

#[test]
fn each_language_indexes_its_own_briefs() {
    let run = site().build_ok();
    let en = Index::read(&run, "");
    let ko = Index::read(&run, "ko/");
    let titles = |index: &Index| index.docs.iter().map(|d| d[0].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(ko.meta["docs"], 1);
    assert_eq!(titles(&ko), ["전시작전통제권 전환"]);
    assert!(!titles(&en).contains(&"전시작전통제권 전환".to_string()));
    assert!(ko.find("남는다").len() == 1 && en.find("남는다").is_empty());
    assert_eq!(ko.meta["shard_url"], "/policy/ko/search/shards/");
}

#[test]
fn the_index_is_the_same_byte_for_byte_on_every_build() {
    // Enough briefs for several shards and document files.
    let mut test = SiteTest::new();
    for i in 0..60 {
        let body = format!("Word{i} appears here with alpha beta gamma and 한미동맹{i}의 현대화.");
        test = test.brief(&format!("briefs/b{i:02}.md"), &brief(&format!("Brief {i}"), "topics: [T]\n", &body));
    }
    let other = tempfile::tempdir().unwrap();
    let again = other.path().join("out");
    assert_eq!(test.run_with_output(&again).code, 0);
    let first = test.build_ok();
    let files = |dir: &std::path::Path| {
        crate::support::files_under(dir).into_iter().filter(|f| f.starts_with("search/")).collect::<Vec<_>>()
    };
    let a = files(&first.root.join("output"));
    assert_eq!(a, files(&again));
    assert!(a.contains(&"search/shards/2.json".to_string()), "60 briefs, 3 shards: {a:?}");
    assert!(a.contains(&"search/docs/14.json".to_string()) && !a.contains(&"search/docs/15.json".to_string()));
    for file in &a {
        assert!(std::fs::read(first.path(file)).unwrap() == std::fs::read(again.join(file)).unwrap(), "{file}");
    }
    let index = Index::read(&first, "");
    assert_eq!(index.find("word7").len(), 1);
    assert_eq!(index.find("한미동맹").len(), 60);
}

#[test]
fn a_huge_body_is_indexed_whole_and_its_text_cut_for_excerpts() {
    let mut body = "Opening words. ".repeat(20_000);
    body.push_str("Farewell zanzibar.");
    let run = SiteTest::new().brief("huge.md", &brief("Huge", "", &body)).build_ok();
    let index = Index::read(&run, "");
    assert_eq!(index.find("zanzibar"), ["Huge"], "a word at the end of 300 KB");
    let text = index.docs[0][5].as_str().unwrap();
    assert!(text.len() <= 16_000 && text.starts_with("Opening words."), "{}", text.len());
    assert_eq!(index.code("opening", "Huge").unwrap() >> 4, 7, "body counts stop at 7");
}

#[test]
fn a_new_term_changes_no_other_brief_s_document_file() {
    // Terms are named by key (`topics/x`) in the index, not by position in the list of every
    // term: a term that sorts first leaves every other document file as it was (and a
    // bookmarked `?term=` filter means the same term).
    let site = |first_terms: &str| {
        let mut test = SiteTest::new();
        for i in 0..20 {
            let terms = if i == 0 { first_terms.to_string() } else { format!("topics: [T{}, Zed]\n", i % 3) };
            test = test.brief(&format!("briefs/b{i:02}.md"), &brief(&format!("Brief {i}"), &terms, "Some words."));
        }
        test.build_ok()
    };
    let (before, after) = (site("topics: [T0]\n"), site("topics: [T0, Aardvark]\n"));
    let docs = |run: &crate::support::Run| {
        let dir = run.root.join("output");
        let files = crate::support::files_under(&dir).into_iter().filter(|f| f.starts_with("search/docs/"));
        files.map(|f| (std::fs::read(dir.join(&f)).unwrap(), f)).collect::<Vec<_>>()
    };
    let (a, b) = (docs(&before), docs(&after));
    assert_eq!(a.len(), 5);
    let changed: Vec<&String> = a.iter().zip(&b).filter(|(x, y)| x.0 != y.0).map(|(x, _)| &x.1).collect();
    assert_eq!(changed.len(), 1, "only the file of the brief given the term: {changed:?}");
    let index = Index::read(&after, "");
    assert_eq!(index.find("#topics/aardvark"), ["Brief 0"]);
    assert_eq!(index.find("#topics/zed").len(), 19);
}

#[test]
fn a_new_date_or_title_changes_one_document_file_and_the_order_not_the_briefs_it_moves_past() {
    // Documents are numbered by the briefs' ids, not by date: a brief moving from last to first
    // rewrites its own document file and the order, and leaves every other document file and
    // the shards of words it did not change as they were.
    let site = |date: &str, title: &str| {
        let mut test = SiteTest::new();
        for i in 0..40 {
            let (d, t) = if i == 0 {
                (date.to_string(), title.to_string())
            } else {
                (format!("2024-01-{:02}", 1 + i % 28), format!("Brief {i}"))
            };
            let text = format!("---\ntitle: {t}\ndate: {d}\n---\nAlpha beta word{i}.\n");
            test = test.brief(&format!("briefs/b{i:02}.md"), &text);
        }
        test.build_ok()
    };
    let files = |run: &crate::support::Run| {
        let dir = run.root.join("output");
        let files = crate::support::files_under(&dir).into_iter().filter(|f| f.starts_with("search/"));
        files.map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect::<BTreeMap<_, _>>()
    };
    let before = site("2020-01-01", "Brief 0");
    let a = files(&before);
    assert_eq!(Index::read(&before, "").order.last(), Some(&0), "the oldest last");
    for (date, title, words) in [("2025-06-01", "Brief 0", false), ("2020-01-01", "Zebra crossing", true)] {
        let after = site(date, title);
        let b = files(&after);
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        let changed: Vec<&String> = a.keys().filter(|f| a[*f] != b[*f]).collect();
        let shards = changed.iter().filter(|f| f.starts_with("search/shards/")).count();
        let rest: Vec<&&String> = changed.iter().filter(|f| !f.starts_with("search/shards/")).collect();
        // The search page links the entry by its version; the order changes with the date only.
        let mut expected = vec!["search/docs/0.json", "search/index.html", "search/index.json"];
        if !words {
            expected.push("search/order.json");
        }
        assert_eq!(rest, expected.iter().collect::<Vec<_>>(), "{date} {title}");
        assert!((shards > 0) == words, "{date} {title}: {shards} shards changed");
        let index = Index::read(&after, "");
        if date == "2025-06-01" {
            assert_eq!(index.order[0], 0, "the newest first");
        }
        assert_eq!(index.docs[0][0], title);
    }
}
