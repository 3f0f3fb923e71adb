//! Sources and citations: a site-wide library (bibliography files and briefs' `sources:`),
//! Pandoc citations formatted in the site's CSL style, reference lists, source pages, cite files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{broken_internal_links, files_under, SiteTest};

/// A CSL-JSON library, one entry a line: `kim2020` is written at line 2, its id at column 10.
const REFS_JSON: &str = r#"[
  {"id": "kim2020", "type": "report", "author": [{"family": "Kim", "given": "Chul-su"}], "title": "Wartime Control Revisited", "publisher": "Asan Institute", "issued": {"date-parts": [[2020, 3, 1]]}, "DOI": "10.5555/kim.2020"},
  {"id": "lee2019", "type": "article-journal", "author": [{"family": "Lee", "given": "Sung-min"}], "title": "Burden Sharing and the Alliance", "container-title": "Asian Policy Review", "volume": "8", "issue": "4", "page": "33-58", "issued": {"date-parts": [[2019]]}},
  {"id": "abe2021", "type": "book", "author": [{"family": "Abe", "given": "Hiro"}], "title": "Alliances in Asia", "publisher": "Example Press", "issued": {"date-parts": [[2021]]}}
]
"#;

/// A `sources:` entry with a URL and an archived copy; its derived key is
/// `us-department-of-defense-2025-joint`.
const COMMUNIQUE: &str = "  - title: Joint communiqué of the 57th SCM
    url: https://www.defense.gov/News/Releases/
    publisher: US Department of Defense
    date: 2025-11-04
    archived: https://web.archive.org/web/2025/https://www.defense.gov/News/Releases/
";

fn brief(title: &str, front: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2025-11-05\n{front}---\n{body}\n")
}

/// A site with `refs.json` as its bibliography and the default style.
fn site() -> SiteTest {
    SiteTest::new()
        .config("title: Alliance Briefs\nbase_url: https://example.org/\nbibliography: [refs.json]\n")
        .file("refs.json", REFS_JSON)
}

/// The text from the first `start` to the first `end` after it (both included).
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no `{start}` in:\n{html}"));
    let to = html[from..].find(end).map_or(html.len(), |e| from + e + end.len());
    &html[from..to]
}

/// The `id="ref-…"` of each entry of a page's reference list, in order.
fn reference_ids(html: &str) -> Vec<String> {
    let list = between(html, "<section class=\"sources references\" id=\"references\"", "</section>");
    list.split("<li class=\"csl-entry\" id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// The `content` of every `<meta name="NAME">` of a page, in order.
fn metas(html: &str, name: &str) -> Vec<String> {
    let tag = format!("<meta name=\"{name}\" content=\"");
    html.split(tag.as_str()).skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect()
}

/// The JSON-LD of a page.
fn json_ld(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD script") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// The sub-folders of `output/sources/`.
fn source_pages(output: &Path) -> Vec<String> {
    let mut pages: Vec<String> = std::fs::read_dir(output.join("sources"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    pages
}

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

/// Builds the site as it is now into a fresh folder and compares it with `output`, file by file.
fn assert_equals_fresh_build(test: &SiteTest, output: &Path, what: &str) {
    let fresh = tempfile::tempdir().unwrap();
    let run = test.run_with_output(&fresh.path().join("out"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let is_own = |f: &String| f.starts_with(".briefing");
    let rebuilt: BTreeMap<_, _> = contents(output).into_iter().filter(|(f, _)| !is_own(f)).collect();
    let fresh: BTreeMap<_, _> = contents(&fresh.path().join("out")).into_iter().filter(|(f, _)| !is_own(f)).collect();
    assert_eq!(rebuilt.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>(), "after {what}: the same files");
    for (file, bytes) in &fresh {
        assert!(rebuilt[file] == *bytes, "after {what}: {file} differs from a fresh build");
    }
}

/// Every citation form of Pandoc in one brief, and the places where `@` is not a citation.
const FORMS: &str = "Plain [@kim2020]. Page [@kim2020, p. 3]. Two [@kim2020; @lee2019]. As @lee2019 argues, yes. \
Year only [-@kim2020]. Affixes [see @kim2020, p. 3, and passim].

Code `[@nokey]` and an email press@mnd.go.kr here.

```
[@alsonokey] @fenced
```";

#[test]
fn every_citation_form_is_formatted_in_chicago_author_date() {
    let run = site().brief("briefs/x.md", &brief("The Brief", "", FORMS)).build_ok();
    let page = run.main_of("briefs/x/index.html");
    let prose = between(&page, "<div class=\"prose\">", "</div>");
    let span = |keys: &str, text: &str| format!("<span class=\"citation\" data-cites=\"{keys}\">{text}</span>");
    let linked = |key: &str, text: &str| span(key, &format!("<a href=\"#ref-{key}\">{text}</a>"));
    for expected in [
        format!("Plain {}.", linked("kim2020", "(Kim 2020)")),
        format!("Page {}.", linked("kim2020", "(Kim 2020, 3)")),
        format!("Two {}.", span("kim2020 lee2019", "(Kim 2020; Lee 2019)")),
        format!("As {} argues, yes.", linked("lee2019", "Lee (2019)")),
        format!("Year only {}.", linked("kim2020", "(2020)")),
        format!("Affixes {}.", linked("kim2020", "(see Kim 2020, 3, and passim)")),
    ] {
        assert!(prose.contains(&expected), "expected `{expected}` in:\n{prose}");
    }
    assert_eq!(prose.matches("class=\"citation").count(), 6, "{prose}");
    // Code is left as written (an unknown key there is no error), and so is an email address.
    assert!(prose.contains("<code>[@nokey]</code>"), "{prose}");
    assert!(prose.contains("<pre><code>[@alsonokey] @fenced\n</code></pre>"), "{prose}");
    assert!(prose.contains("an email press@mnd.go.kr here."), "{prose}");
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    assert_eq!(broken_internal_links(&run.root.join("output"), "/"), Vec::<String>::new());
}

#[test]
fn the_reference_list_holds_cited_and_listed_sources_in_the_style_order() {
    let sources =
        format!("sources:\n{COMMUNIQUE}  - title: Alliance review\n    publisher: Asan Institute\n    date: 2024\n");
    let run =
        site().brief("briefs/x.md", &brief("The Brief", &sources, "Later [@lee2019]. Earlier [@kim2020].")).build_ok();
    let page = run.read("briefs/x/index.html");
    // Chicago author-date: by author, then year; the `sources:` entries cited nowhere are listed
    // too, and `abe2021`, in the bibliography but neither cited nor listed, is not.
    assert_eq!(
        reference_ids(&page),
        ["ref-asan-institute-2024-alliance", "ref-kim2020", "ref-lee2019", "ref-us-department-of-defense-2025-joint"]
    );
    let list = between(&page, "id=\"references\"", "</section>");
    assert!(
        list.contains(
            "<li class=\"csl-entry\" id=\"ref-lee2019\"><span class=\"csl-text\">Lee, Sung-min. 2019. \
             “Burden Sharing and the Alliance.” <i>Asian Policy Review</i> 8 (4): 33–58.</span>"
        ),
        "{list}"
    );
    assert!(
        list.contains(
            "<span class=\"csl-text\">Kim, Chul-su. 2020. <i>Wartime Control Revisited</i>. Asan Institute. \
             <a href=\"https://doi.org/10.5555/kim.2020\">https://doi.org/10.5555/kim.2020</a>.</span>"
        ),
        "{list}"
    );
    assert!(
        list.contains(
            "US Department of Defense. 2025. “Joint Communiqué of the 57th SCM.” US Department of Defense, November 4."
        ),
        "{list}"
    );
    // Each entry links to its source page, which exists.
    for slug in ["asan-institute-2024-alliance", "kim2020", "lee2019", "us-department-of-defense-2025-joint"] {
        assert!(list.contains(&format!("<a href=\"/sources/{slug}/\" class=\"source-page\">")), "{slug}: {list}");
        assert!(run.exists(&format!("sources/{slug}/index.html")), "{slug}");
    }
    assert!(!list.contains("abe2021"), "{list}");
    assert_eq!(broken_internal_links(&run.root.join("output"), "/"), Vec::<String>::new());
}

#[test]
fn an_unknown_key_is_an_error_at_the_citation_and_leaves_the_output_unchanged() {
    let test = site().brief("briefs/x.md", &brief("The Brief", "", "Fine [@kim2020]."));
    assert_eq!(test.run("build").code, 0);
    let output = test.root().join("output");
    let before = contents(&output);
    // Line 6, column 6: the `@` of the key.
    let test = test.brief("briefs/x.md", &brief("The Brief", "", "Fine [@kim2020].\nSee [@kim2012] here."));
    let run = test.run("build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[unknown-citation]: no source has the key `kim2012`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/briefs/x.md:6:6"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `@kim2020`?"), "{}", run.stderr);
    assert!(run.stderr.contains("output was left unchanged"), "{}", run.stderr);
    assert!(contents(&output) == before, "the output is as the last good build left it");
}

#[test]
fn a_narrative_handle_is_text_but_a_narrative_near_miss_is_an_error() {
    let run = site()
        .brief("briefs/x.md", &brief("The Brief", "", "Cited [@kim2020]. Follow @policydesk for updates."))
        .build_ok();
    assert!(!run.stderr.contains("unknown-citation"), "{}", run.stderr);
    let prose = between(&run.main_of("briefs/x/index.html"), "<div class=\"prose\">", "</div>").to_string();
    assert!(prose.contains("Follow @policydesk for updates."), "{prose}");
    assert!(!prose.contains("data-cites=\"policydesk\"><a"), "not linked as a citation: {prose}");

    let run = site().brief("briefs/x.md", &brief("The Brief", "", "And @kim202 said so.")).build_err();
    assert!(run.stderr.contains("no source has the key `kim202`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/briefs/x.md:5:5"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `@kim2020`?"), "{}", run.stderr);
}

#[test]
fn a_narrative_handle_keeps_its_at_sign_in_the_summary() {
    let run = site().brief("briefs/x.md", &brief("The Brief", "", "Follow @policydesk for updates.")).build_ok();
    let page = run.read("briefs/x/index.html");
    assert!(page.contains("<p class=\"lede\">Follow @policydesk for updates.</p>"), "{page}");
    assert_eq!(metas(&page, "description"), ["Follow @policydesk for updates."]);
    assert!(crate::search::Index::read(&run, "").text.contains("Follow @policydesk"));
}

#[test]
fn a_key_given_twice_with_different_fields_is_an_error_at_both_places() {
    let sources =
        "sources:\n  - key: kim2020\n    title: Something else\n    publisher: Asan Institute\n    date: 2020\n";
    let run = site().brief("briefs/y.md", &brief("Other", sources, "Cites [@kim2020].")).build_err();
    assert!(
        run.stderr.contains("error[bad-source]: the source key `kim2020` is given twice with different fields"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/briefs/y.md:4:1"), "at the brief's sources: {}", run.stderr);
    assert!(run.stderr.contains("refs.json:2:10"), "at the bibliography's entry: {}", run.stderr);
    assert!(run.stderr.contains("first given here"), "{}", run.stderr);
    assert!(run.stderr.contains("`title`"), "names the fields that differ: {}", run.stderr);
    assert!(!run.root.join("output").exists());
}

#[test]
fn the_same_key_with_the_same_fields_is_one_source() {
    // The same `key:` and fields in two briefs, and a bibliography entry equal to a brief's
    // `sources:` entry (a document published by its publisher, the author's name whole).
    let listed =
        "sources:\n  - key: mnd-press\n    title: Press release on the SCM\n    publisher: MND\n    date: 2025-11-04\n";
    let abe = "sources:\n  - key: abe2021\n    title: Alliances in Asia\n    author: Abe, Hiro\n    publisher: Example Press\n    date: 2021\n";
    let refs = REFS_JSON.replace(
        r#"{"id": "abe2021", "type": "book", "author": [{"family": "Abe", "given": "Hiro"}], "title": "Alliances in Asia", "publisher": "Example Press", "issued": {"date-parts": [[2021]]}}"#,
        r#"{"id": "abe2021", "type": "document", "author": [{"literal": "Abe, Hiro"}], "title": "Alliances in Asia", "publisher": "Example Press", "container-title": "Example Press", "issued": {"date-parts": [[2021]]}}"#,
    );
    assert_ne!(refs, REFS_JSON);
    let run = site()
        .file("refs.json", &refs)
        .brief("briefs/a.md", &brief("Alpha", listed, "Says [@mnd-press]."))
        .brief("briefs/b.md", &brief("Beta", listed, "Also [@mnd-press]."))
        .brief("briefs/c.md", &brief("Gamma", abe, "Cites [@abe2021]."))
        .build_ok();
    assert_eq!(source_pages(&run.root.join("output")), ["abe2021", "kim2020", "lee2019", "mnd-press"]);
    let page = run.main_of("sources/mnd-press/index.html");
    assert!(page.contains("Cited by 2 briefs"), "{page}");
    assert!(page.contains(">Alpha</a>") && page.contains(">Beta</a>"), "{page}");
    assert!(run.main_of("sources/abe2021/index.html").contains(">Gamma</a>"));
}

#[test]
fn briefs_listing_the_same_source_share_one_source_page() {
    let sources = format!("sources:\n{COMMUNIQUE}");
    let run = site()
        .brief("briefs/a.md", &brief("Alpha", &sources, "Text."))
        .brief("briefs/b.md", &brief("Beta", &sources, "Text."))
        .build_ok();
    let output = run.root.join("output");
    assert_eq!(source_pages(&output), ["abe2021", "kim2020", "lee2019", "us-department-of-defense-2025-joint"]);
    let page = run.main_of("sources/us-department-of-defense-2025-joint/index.html");
    let cited_by = between(&page, "<section class=\"cited-by\"", "</section>");
    assert!(cited_by.contains("Cited by 2 briefs"), "{cited_by}");
    assert!(cited_by.contains("<a href=\"/briefs/a/\">Alpha</a>"), "{cited_by}");
    assert!(cited_by.contains("<a href=\"/briefs/b/\">Beta</a>"), "{cited_by}");
    for b in ["a", "b"] {
        let ids = reference_ids(&run.read(&format!("briefs/{b}/index.html")));
        assert_eq!(ids, ["ref-us-department-of-defense-2025-joint"]);
    }
}

#[test]
fn briefs_listing_the_same_source_without_url_share_one_source_page() {
    let sources = "sources:\n  - title: Press one\n    publisher: MND\n    date: 2025\n";
    let run = site()
        .brief("briefs/a.md", &brief("Alpha", sources, "Text."))
        .brief("briefs/b.md", &brief("Beta", sources, "Text."))
        .build_ok();
    assert_eq!(source_pages(&run.root.join("output")), ["abe2021", "kim2020", "lee2019", "mnd-2025-press"]);
    assert!(run.main_of("sources/mnd-2025-press/index.html").contains("Cited by 2 briefs"));
}

#[test]
fn sources_with_one_doi_or_url_under_two_keys_are_one_source_under_the_first_key() {
    let refs = r#"[
  {"id": "first", "type": "article-journal", "title": "One Paper", "author": [{"family": "Doe", "given": "Jane"}], "DOI": "10.1234/abc", "issued": {"date-parts": [[2020]]}},
  {"id": "second", "type": "article-journal", "title": "One Paper, again", "author": [{"family": "Doe", "given": "Jane"}], "DOI": "10.1234/ABC", "issued": {"date-parts": [[2020]]}},
  {"id": "web1", "type": "webpage", "title": "A Page", "URL": "https://www.example.com/page/", "issued": {"date-parts": [[2021]]}},
  {"id": "web2", "type": "webpage", "title": "A Page, again", "URL": "http://example.com/page#top", "issued": {"date-parts": [[2021]]}}
]
"#;
    let run = site()
        .file("refs.json", refs)
        .brief("briefs/a.md", &brief("Alpha", "", "Cites [@first] and [@web1]."))
        .brief("briefs/b.md", &brief("Beta", "", "Cites [@second] and [@web2]."))
        .build_ok();
    let output = run.root.join("output");
    assert_eq!(source_pages(&output), ["first", "web1"]);
    let first = run.main_of("sources/first/index.html");
    assert!(first.contains("<h1>One Paper</h1>") && first.contains("Cited by 2 briefs"), "{first}");
    let web = run.main_of("sources/web1/index.html");
    assert!(web.contains("<h1>A Page</h1>") && web.contains("Cited by 2 briefs"), "{web}");
    // The second brief's reference list shows the first key's entry.
    let mut ids = reference_ids(&run.read("briefs/b/index.html"));
    ids.sort();
    assert_eq!(ids, ["ref-first", "ref-web1"]);
    let json: serde_json::Value = serde_json::from_str(&run.read("sources.json")).unwrap();
    let keys: Vec<&str> = json.as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["first", "web1"]);
}

#[test]
fn a_citation_of_a_merged_key_links_to_its_reference() {
    let refs = r#"[
  {"id": "first", "type": "article-journal", "title": "One Paper", "author": [{"family": "Doe", "given": "Jane"}], "DOI": "10.1234/abc", "issued": {"date-parts": [[2020]]}},
  {"id": "second", "type": "article-journal", "title": "One Paper, again", "author": [{"family": "Doe", "given": "Jane"}], "DOI": "10.1234/abc", "issued": {"date-parts": [[2020]]}}
]
"#;
    let run = site().file("refs.json", refs).brief("briefs/b.md", &brief("Beta", "", "Cites [@second].")).build_ok();
    let page = run.read("briefs/b/index.html");
    assert_eq!(reference_ids(&page), ["ref-first"]);
    assert_eq!(broken_internal_links(&run.root.join("output"), "/"), Vec::<String>::new());
}

#[test]
fn derived_keys_that_clash_take_a_number() {
    let sources = "sources:
  - title: Press releases on the SCM
    publisher: Ministry of National Defense
    date: 2025-11-04
  - title: Press conference transcript
    publisher: Ministry of National Defense
    date: 2025-11-05
  - title: Press briefing on OPCON
    publisher: Ministry of National Defense
    date: 2025-12-01
";
    let run = site().brief("briefs/a.md", &brief("Alpha", sources, "Text.")).build_ok();
    let base = "ministry-of-national-defense-2025-press";
    let pages = source_pages(&run.root.join("output"));
    assert_eq!(pages, ["abe2021", "kim2020", "lee2019", base, &format!("{base}-2"), &format!("{base}-3")]);
    assert!(run.main_of(&format!("sources/{base}/index.html")).contains("<h1>Press releases on the SCM</h1>"));
    assert!(run.main_of(&format!("sources/{base}-2/index.html")).contains("<h1>Press conference transcript</h1>"));
    assert!(run.main_of(&format!("sources/{base}-3/index.html")).contains("<h1>Press briefing on OPCON</h1>"));
}

#[test]
fn a_shared_source_does_not_use_up_the_number_of_a_derived_key() {
    let shared = "  - title: Press releases on the 57th SCM
    url: https://www.mnd.go.kr/press/1
    publisher: MND
    date: 2025-11-04
";
    let other = "  - title: Press conference transcript\n    publisher: MND\n    date: 2025-11-05\n";
    let run = site()
        .brief("briefs/a.md", &brief("Alpha", &format!("sources:\n{shared}"), "Text."))
        .brief("briefs/b.md", &brief("Beta", &format!("sources:\n{shared}{other}"), "Text."))
        .build_ok();
    let pages = source_pages(&run.root.join("output"));
    assert_eq!(pages, ["abe2021", "kim2020", "lee2019", "mnd-2025-press", "mnd-2025-press-2"]);
}

#[test]
fn a_source_page_shows_the_reference_its_links_and_the_sentences_citing_it() {
    let sources = format!("sources:\n{COMMUNIQUE}");
    let run = site()
        .brief(
            "briefs/a.md",
            &brief(
                "Alpha",
                &sources,
                "The allies agreed to accelerate the transfer [@kim2020, p. 4]. Nothing else happened.\n\n\
                 A second paragraph cites it again [@kim2020; @lee2019].",
            ),
        )
        .brief("briefs/b.md", &brief("Beta", "", "Kim doubts the timeline [-@kim2020]."))
        .build_ok();
    let page = run.main_of("sources/kim2020/index.html");
    assert!(page.contains("<h1>Wartime Control Revisited</h1>"), "{page}");
    assert!(
        page.contains("<span class=\"csl-text\">Kim, Chul-su. 2020. <i>Wartime Control Revisited</i>. Asan Institute."),
        "{page}"
    );
    assert!(page.contains("DOI <a href=\"https://doi.org/10.5555/kim.2020\">10.5555/kim.2020</a>"), "{page}");
    assert!(page.contains("Key <code>kim2020</code>"), "{page}");
    let cited_by = between(&page, "<section class=\"cited-by\"", "</section>");
    assert!(cited_by.contains("Cited by 2 briefs"), "{cited_by}");
    let alpha = between(cited_by, "<a href=\"/briefs/a/\">Alpha</a>", "</li>");
    assert!(
        alpha.contains("<blockquote class=\"context\">The allies agreed to accelerate the transfer.</blockquote>"),
        "{alpha}"
    );
    assert!(alpha.contains("<blockquote class=\"context\">A second paragraph cites it again.</blockquote>"), "{alpha}");
    assert!(!alpha.contains("Nothing else happened"), "only the citing sentence: {alpha}");
    let beta = between(cited_by, "<a href=\"/briefs/b/\">Beta</a>", "</li>");
    assert!(beta.contains("<blockquote class=\"context\">Kim doubts the timeline.</blockquote>"), "{beta}");

    // A `sources:` entry: its URL and its archived copy.
    let page = run.main_of("sources/us-department-of-defense-2025-joint/index.html");
    assert!(page.contains("<a href=\"https://www.defense.gov/News/Releases/\">Open the source</a>"), "{page}");
    assert!(
        page.contains(
            "<a href=\"https://web.archive.org/web/2025/https://www.defense.gov/News/Releases/\" class=\"archived\">Archived copy</a>"
        ),
        "{page}"
    );
    assert!(page.contains("Cited by 1 brief<") && page.contains(">Alpha</a>"), "{page}");
    // The brief's reference list links the archived copy too.
    let list = between(&run.read("briefs/a/index.html"), "id=\"references\"", "</section>").to_string();
    assert!(list.contains("class=\"archived\">Archived copy</a>"), "{list}");
}

#[test]
fn a_citing_sentence_spanning_lines_keeps_its_spaces() {
    let run = site()
        .brief("briefs/a.md", &brief("Alpha", "", "One sentence ends here.\nThe allies agreed\nto move [@kim2020]."))
        .build_ok();
    let page = run.main_of("sources/kim2020/index.html");
    assert!(page.contains("<blockquote class=\"context\">The allies agreed to move.</blockquote>"), "{page}");
}

#[test]
fn the_sources_index_and_sources_json_list_every_source() {
    let sources = format!("sources:\n{COMMUNIQUE}");
    let run = site()
        .brief("briefs/a.md", &brief("Alpha", &sources, "Cites [@kim2020] and [@lee2019]."))
        .brief("briefs/b.md", &brief("Beta", "", "Cites [@kim2020]."))
        .build_ok();
    let index = run.main_of("sources/index.html");
    assert!(index.contains("4 sources"), "{index}");
    let row = |key: &str| {
        let href = format!("href=\"/sources/{key}/\"");
        index
            .split("<li data-cited")
            .find(|li| li.contains(&href))
            .unwrap_or_else(|| panic!("{key}: {index}"))
            .to_string()
    };
    // Most cited first.
    assert!(index.find("/sources/kim2020/").unwrap() < index.find("/sources/lee2019/").unwrap(), "{index}");
    let kim = &index[index.find("<li data-cited=\"2\"").expect("kim2020 cited twice")..];
    assert!(
        kim.starts_with("<li data-cited=\"2\" data-year=\"2020\" data-title=\"wartime control revisited\">"),
        "{kim}"
    );
    assert!(between(kim, "<li", "</li>").contains("Cited by 2 briefs</a>"), "{kim}");
    let lee = row("lee2019");
    assert!(lee.contains("Lee, Sung-min. 2019.") && lee.contains("Cited by 1 brief</a>"), "{lee}");
    assert!(index.contains("<a class=\"source-page\" href=\"/sources/abe2021/\">Cited by 0 briefs</a>"), "{index}");

    let json: serde_json::Value = serde_json::from_str(&run.read("sources.json")).unwrap();
    let all = json.as_array().unwrap();
    assert_eq!(all.len(), 4);
    let get = |key: &str| all.iter().find(|s| s["key"] == key).unwrap_or_else(|| panic!("{key} in {json}"));
    let kim = get("kim2020");
    assert_eq!(kim["title"], "Wartime Control Revisited");
    assert_eq!(
        kim["reference"],
        "Kim, Chul-su. 2020. Wartime Control Revisited. Asan Institute. https://doi.org/10.5555/kim.2020."
    );
    assert_eq!(kim["page"], "https://example.org/sources/kim2020/");
    assert_eq!(kim["doi"], "10.5555/kim.2020");
    assert_eq!(kim["cited_by"], serde_json::json!(["https://example.org/briefs/a/", "https://example.org/briefs/b/"]));
    let communique = get("us-department-of-defense-2025-joint");
    assert_eq!(communique["url"], "https://www.defense.gov/News/Releases/");
    assert_eq!(communique["archived"], "https://web.archive.org/web/2025/https://www.defense.gov/News/Releases/");
    assert_eq!(communique["cited_by"], serde_json::json!(["https://example.org/briefs/a/"]));
    assert_eq!(get("abe2021")["cited_by"], serde_json::json!([]));
}

#[test]
fn cite_files_beside_each_brief_page() {
    let front = "authors: [Policy Desk, 김철수]\nsummary: What was agreed.\n";
    let run = SiteTest::new()
        .config("title: Alliance Briefs\nbase_url: https://example.org/policy/\n")
        .brief(
            "briefs/x.md",
            &format!("---\ntitle: \"Costs {{and}} 100% & more\"\ndate: 2025-11-05\n{front}---\nText.\n"),
        )
        .build_ok();
    let bib = run.read("briefs/x/cite.bib");
    assert!(bib.starts_with("@report{briefs-x,\n"), "{bib}");
    assert!(bib.contains("  title       = {Costs \\{and\\} 100\\% \\& more},\n"), "{bib}");
    assert!(bib.contains("  author      = {{Policy Desk} and {김철수}},\n"), "{bib}");
    assert!(bib.contains("  institution = {Alliance Briefs},\n"), "{bib}");
    assert!(bib.contains("  date        = {2025-11-05},\n"), "{bib}");
    assert!(bib.contains("  url         = {https://example.org/policy/briefs/x/},\n"), "{bib}");
    assert!(bib.ends_with("}\n"), "{bib}");
    let ris = run.read("briefs/x/cite.ris");
    assert!(ris.starts_with("TY  - RPRT\r\n"), "{ris}");
    for line in [
        "TI  - Costs {and} 100% & more\r\n",
        "AU  - Policy Desk\r\n",
        "AU  - 김철수\r\n",
        "PY  - 2025\r\n",
        "DA  - 2025/11/05\r\n",
        "PB  - Alliance Briefs\r\n",
        "UR  - https://example.org/policy/briefs/x/\r\n",
    ] {
        assert!(ris.contains(line), "{line:?} in {ris:?}");
    }
    assert!(ris.ends_with("ER  - \r\n"), "{ris:?}");
    let page = run.main_of("briefs/x/index.html");
    let cite = between(&page, "<section class=\"cite-this\"", "</section>");
    assert!(cite.contains("<a href=\"/policy/briefs/x/cite.bib\" download>BibLaTeX</a>"), "{cite}");
    assert!(cite.contains("<a href=\"/policy/briefs/x/cite.ris\" download>RIS</a>"), "{cite}");
    assert!(cite.contains("<p class=\"csl-entry\">Policy Desk, and 김철수. 2025. <i>Costs {"), "{cite}");
    assert!(
        cite.contains(
            " 100% &amp; More</i>. Alliance Briefs. \
             <a href=\"https://example.org/policy/briefs/x/\">https://example.org/policy/briefs/x/</a>.</p>"
        ),
        "{cite}"
    );
}

#[test]
fn scholar_tags_and_json_ld_carry_the_references() {
    let front = format!("authors: [Policy Desk, Kim Min-ji]\nsources:\n{COMMUNIQUE}");
    let run = site().brief("briefs/x.md", &brief("The Brief", &front, "Cites [@kim2020] and [@lee2019].")).build_ok();
    let page = run.read("briefs/x/index.html");
    assert_eq!(metas(&page, "citation_title"), ["The Brief"]);
    assert_eq!(metas(&page, "citation_author"), ["Policy Desk", "Kim Min-ji"]);
    assert_eq!(metas(&page, "citation_publication_date"), ["2025/11/05"]);
    assert_eq!(metas(&page, "citation_technical_report_institution"), ["Alliance Briefs"]);
    let references = metas(&page, "citation_reference");
    assert_eq!(references.len(), 3, "{references:?}");
    assert_eq!(
        references[0],
        "Kim, Chul-su. 2020. Wartime Control Revisited. Asan Institute. https://doi.org/10.5555/kim.2020."
    );
    assert!(references[1].starts_with("Lee, Sung-min. 2019. “Burden Sharing and the Alliance.”"), "{references:?}");
    assert!(references[2].starts_with("US Department of Defense. 2025."), "{references:?}");

    let json = json_ld(&page);
    assert_eq!(json["@type"], "Report");
    assert_eq!(json["publisher"]["@type"], "Organization");
    assert_eq!(json["publisher"]["name"], "Alliance Briefs");
    assert_eq!(json["publisher"]["url"], "https://example.org/");
    let citation = json["citation"].as_array().expect("a citation array");
    let names: Vec<&str> = citation.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["Wartime Control Revisited", "Burden Sharing and the Alliance", "Joint communiqué of the 57th SCM"]
    );
    assert_eq!(citation[0]["@type"], "CreativeWork");
    assert_eq!(citation[0]["datePublished"], "2020-03-01");
    assert_eq!(citation[2]["url"], "https://www.defense.gov/News/Releases/");
    // A brief that cites nothing has no `citation`.
    let run = site().brief("briefs/y.md", &brief("Plain", "", "Text.")).build_ok();
    let page = run.read("briefs/y/index.html");
    assert!(json_ld(&page).get("citation").is_none());
    assert!(metas(&page, "citation_reference").is_empty());
}

const BIB: &str = "@report{dod2022,
  author = {{US Department of Defense}},
  title = {Nuclear Posture Review},
  institution = {Department of Defense},
  date = {2022-10-27},
  url = {https://media.defense.gov/npr.pdf},
}
@book{kim2021,
  author = {김, 철수},
  title = {한미동맹의 미래},
  publisher = {서울대학교출판부},
  date = {2021},
}
";

const HAYAGRIVA: &str = "harrington2020:
  type: article
  title: Combined Command in Transition
  author: Harrington, Ellen
  date: 2020-06
  parent:
    type: periodical
    title: Journal of East Asian Security
    volume: 14
    issue: 2
  page-range: 115-142
";

#[test]
fn a_biblatex_bibliography_keeps_institutions_and_korean_names_whole() {
    let run = SiteTest::new()
        .config("bibliography: [refs.bib]\n")
        .file("refs.bib", BIB)
        .brief("briefs/x.md", &brief("X", "", "Posture [@dod2022]. Seoul [@kim2021]."))
        .build_ok();
    let page = run.read("briefs/x/index.html");
    assert!(page.contains("<a href=\"#ref-dod2022\">(US Department of Defense 2022)</a>"), "{page}");
    assert_eq!(reference_ids(&page), ["ref-dod2022", "ref-kim2021"]);
    let list = between(&page, "id=\"references\"", "</section>");
    assert!(
        list.contains(
            "<span class=\"csl-text\">US Department of Defense. 2022. <i>Nuclear Posture Review</i>. Department of Defense. \
             <a href=\"https://media.defense.gov/npr.pdf\">https://media.defense.gov/npr.pdf</a>.</span>"
        ),
        "{list}"
    );
    assert!(
        list.contains("<span class=\"csl-text\">김철수. 2021. <i>한미동맹의 미래</i>. 서울대학교출판부.</span>"),
        "{list}"
    );
    assert!(!list.contains("Defense, US") && !list.contains("김, 철수"), "{list}");
}

#[test]
fn a_hayagriva_bibliography_is_read() {
    let run = SiteTest::new()
        .config("bibliography: refs.yaml\n")
        .file("refs.yaml", HAYAGRIVA)
        .brief("briefs/x.md", &brief("X", "", "Command [@harrington2020, p. 120]."))
        .build_ok();
    let page = run.read("briefs/x/index.html");
    assert!(page.contains("<a href=\"#ref-harrington2020\">(Harrington 2020, 120)</a>"), "{page}");
    let list = between(&page, "id=\"references\"", "</section>");
    assert!(
        list.contains(
            "Harrington, Ellen. 2020. “Combined Command in Transition.” <i>Journal of East Asian Security</i> 14 (2): 115–42."
        ),
        "{list}"
    );
}

#[test]
fn three_formats_at_once() {
    let run = SiteTest::new()
        .config("bibliography: [a.bib, b.json, c.yaml]\n")
        .file("a.bib", BIB)
        .file("b.json", REFS_JSON)
        .file("c.yaml", HAYAGRIVA)
        .brief("briefs/x.md", &brief("X", "", "[@dod2022] [@kim2021] [@lee2019] [@harrington2020]."))
        .build_ok();
    let page = run.read("briefs/x/index.html");
    assert_eq!(reference_ids(&page), ["ref-harrington2020", "ref-lee2019", "ref-dod2022", "ref-kim2021"]);
    let pages = source_pages(&run.root.join("output"));
    assert_eq!(pages, ["abe2021", "dod2022", "harrington2020", "kim2020", "kim2021", "lee2019"]);
}

#[test]
fn a_biblatex_syntax_error_is_positioned_in_the_bib_file() {
    let bib = "@book{z,\n  title = {Z},\n}\n@book{a,\n  title = {X}\n  author = {Y},\n}\n";
    let run = SiteTest::new()
        .config("bibliography: [refs.bib]\n")
        .file("refs.bib", bib)
        .brief("a.md", "---\ntitle: A\n---\nText.\n")
        .build_err();
    assert!(run.stderr.contains("error[bad-source]: this BibLaTeX file cannot be read"), "{}", run.stderr);
    assert!(run.stderr.contains("refs.bib:6:3"), "{}", run.stderr);
}

#[test]
#[ignore = "bug: a `.bib` date that cannot be read is dropped without a word (the reference says `n.d.`)"]
fn a_biblatex_date_that_cannot_be_read_is_an_error() {
    let bib = "@book{a,\n  title = {X},\n  date = {last spring},\n}\n";
    let run = SiteTest::new()
        .config("bibliography: [refs.bib]\n")
        .file("refs.bib", bib)
        .brief("a.md", "---\ntitle: A\n---\nText [@a].\n")
        .build_err();
    assert!(run.stderr.contains("refs.bib:3:"), "{}", run.stderr);
}

#[test]
fn a_csl_json_file_that_is_not_json_is_an_error_at_its_line() {
    let run = SiteTest::new()
        .config("bibliography: [refs.json]\n")
        .file("refs.json", "[\n {\"id\": \"a\",\n  \"title\": \"X\",\n  oops\n]\n")
        .brief("a.md", "---\ntitle: A\n---\nText.\n")
        .build_err();
    assert!(run.stderr.contains("error[bad-source]: this CSL-JSON file is not valid JSON"), "{}", run.stderr);
    assert!(run.stderr.contains("line 4 column 3"), "{}", run.stderr);
    assert!(run.stderr.contains("refs.json:4:3"), "{}", run.stderr);
}

#[test]
fn a_csl_json_entry_without_id_is_an_error() {
    let run = SiteTest::new()
        .config("bibliography: [refs.json]\n")
        .file("refs.json", "[\n {\"id\": \"a\", \"title\": \"X\"},\n {\"title\": \"No id\"}\n]\n")
        .brief("a.md", "---\ntitle: A\n---\nText [@a].\n")
        .build_err();
    assert!(run.stderr.contains("error[bad-source]: entry 2 has no `id`"), "{}", run.stderr);
    assert!(run.stderr.contains("refs.json:"), "{}", run.stderr);
}

#[test]
#[ignore = "bug: an entry without `id` is shown at the end of the previous entry's id (refs.json:2:12), not at the entry"]
fn a_csl_json_entry_without_id_is_shown_at_the_entry() {
    let run = SiteTest::new()
        .config("bibliography: [refs.json]\n")
        .file("refs.json", "[\n {\"id\": \"a\", \"title\": \"X\"},\n {\"title\": \"No id\"}\n]\n")
        .brief("a.md", "---\ntitle: A\n---\nText [@a].\n")
        .build_err();
    assert!(run.stderr.contains("refs.json:3:"), "{}", run.stderr);
}

#[test]
fn a_missing_bibliography_file_is_a_clear_error() {
    let run = SiteTest::new()
        .config("bibliography: [missing.json]\n")
        .brief("a.md", "---\ntitle: A\n---\nText.\n")
        .run("build");
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("the bibliography file `missing.json` does not exist"), "{}", run.stderr);
    assert!(!run.root.join("output").exists());
}

#[test]
fn a_bibliography_of_an_unknown_format_is_a_configuration_error() {
    let run = SiteTest::new()
        .config("bibliography: [refs.txt]\n")
        .file("refs.txt", "kim2020: a book\n")
        .brief("a.md", "---\ntitle: A\n---\nText.\n")
        .run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[config]: `bibliography`: `refs.txt` is not a format briefing reads"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("site.yaml:1:15"), "{}", run.stderr);
}

#[test]
fn a_misspelt_citation_style_suggests_the_right_one() {
    let run = SiteTest::new()
        .config("title: T\ncitation_style: chicago-autor-date\n")
        .brief("a.md", "---\ntitle: A\n---\nText.\n")
        .run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`citation_style: chicago-autor-date` is not a style briefing knows"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("site.yaml:2:17"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `chicago-author-date`?"), "{}", run.stderr);
}

#[test]
fn a_date_range_markup_and_a_javascript_url_in_an_entry_are_harmless() {
    let refs = r#"[
  {"id": "range", "type": "book", "title": "Years <script>alert(1)</script> & more", "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020], [2021]]}, "URL": "javascript:alert(2)"}
]
"#;
    let run = site().file("refs.json", refs).brief("briefs/x.md", &brief("X", "", "Cites [@range].")).build_ok();
    let page = run.read("briefs/x/index.html");
    assert!(page.contains("<a href=\"#ref-range\">(Doe 2020)</a>"), "the start of the range: {page}");
    let list = between(&page, "id=\"references\"", "</section>");
    assert!(list.contains("Doe, Jane. 2020. <i>Years &lt;script&gt;alert(1)&lt;/script&gt; &amp; More</i>."), "{list}");
    let source = run.read("sources/range/index.html");
    assert!(source.contains("<h1>Years &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</h1>"), "{source}");
    let output = run.root.join("output");
    for file in files_under(&output) {
        let text = String::from_utf8_lossy(&std::fs::read(output.join(&file)).unwrap()).into_owned();
        // JSON data files may hold the title as text; no page or feed holds it as markup.
        if file.ends_with(".html") || file.ends_with(".xml") {
            assert!(!text.contains("<script>alert"), "{file} holds the title's markup unescaped");
        }
        assert!(!text.contains("javascript:"), "{file} holds the javascript: URL");
    }
}

#[test]
fn a_notes_style_numbers_citations_and_lists_notes() {
    let run = site()
        .config("title: Alliance Briefs\nbibliography: [refs.json]\ncitation_style: chicago-notes\n")
        .brief("briefs/x.md", &brief("X", "", "First [@kim2020]. Again [@kim2020, p. 3]. Both [@kim2020; @lee2019]."))
        .build_ok();
    let page = run.main_of("briefs/x/index.html");
    let prose = between(&page, "<div class=\"prose\">", "</div>");
    for n in 1..=3 {
        assert!(
            prose.contains(&format!(
                "<sup><a href=\"#cite-note-{n}\" id=\"cite-ref-{n}\" class=\"citation-ref\">{n}</a></sup></span>"
            )),
            "note {n}: {prose}"
        );
    }
    assert!(prose.contains("First <span class=\"citation\" data-cites=\"kim2020\"><sup>"), "{prose}");
    assert!(!prose.contains("(Kim"), "no author-date text: {prose}");
    let notes = between(&page, "<section class=\"citation-notes\" id=\"citation-notes\"", "</section>");
    assert!(notes.contains("<h2 id=\"citation-notes-heading\">Notes</h2>"), "{notes}");
    assert!(
        notes.contains(
            "<li id=\"cite-note-1\">Chul-su Kim, <i>Wartime Control Revisited</i> (Asan Institute, 2020), \
             <a href=\"https://doi.org/10.5555/kim.2020\">https://doi.org/10.5555/kim.2020</a>. \
             <a href=\"#cite-ref-1\" class=\"back\""
        ),
        "{notes}"
    );
    assert!(notes.contains("<li id=\"cite-note-2\">Kim, <i>Wartime Control Revisited</i>, 3. <a"), "{notes}");
    assert!(
        notes.contains("<li id=\"cite-note-3\">Kim, <i>Wartime Control Revisited</i>; Sung-min Lee, “Burden Sharing and the Alliance,”"),
        "{notes}"
    );
    // The bibliography in the notes style's form.
    assert_eq!(reference_ids(&page), ["ref-kim2020", "ref-lee2019"]);
    assert!(page.contains("Kim, Chul-su. <i>Wartime Control Revisited</i>. Asan Institute, 2020."), "{page}");
    assert_eq!(broken_internal_links(&run.root.join("output"), "/"), Vec::<String>::new());
}

#[test]
#[ignore = "bug: a narrative citation in a notes style drops the author from the sentence and writes a broken note (`Lee (“Title.”`)"]
fn a_narrative_citation_in_a_notes_style_keeps_the_author() {
    let run = site()
        .config("title: Alliance Briefs\nbibliography: [refs.json]\ncitation_style: chicago-notes\n")
        .brief("briefs/x.md", &brief("X", "", "As @lee2019 argues, costs rise."))
        .build_ok();
    let page = run.main_of("briefs/x/index.html");
    let prose = between(&page, "<div class=\"prose\">", "</div>");
    assert!(
        prose.contains("As Lee<span class=\"citation\"")
            || prose.contains("As <span class=\"citation\" data-cites=\"lee2019\">Lee<sup>"),
        "{prose}"
    );
    let note = between(&page, "<li id=\"cite-note-1\">", "</li>");
    assert_eq!(note.matches('(').count(), note.matches(')').count(), "{note}");
    assert!(
        note.contains("Sung-min Lee, “Burden Sharing and the Alliance,” <i>Asian Policy Review</i> 8, no. 4 (2019)"),
        "{note}"
    );
}

#[test]
#[ignore = "bug: in a notes style a citation's suffix is put after the note's full stop (`3., and passim`)"]
fn a_suffix_in_a_notes_style_goes_before_the_full_stop() {
    let run = site()
        .config("title: Alliance Briefs\nbibliography: [refs.json]\ncitation_style: chicago-notes\n")
        .brief("briefs/x.md", &brief("X", "", "Affixes [see @kim2020, p. 3, and passim]."))
        .build_ok();
    let note = between(&run.main_of("briefs/x/index.html"), "<li id=\"cite-note-1\">", "</li>").to_string();
    assert!(note.contains(", 3, and passim."), "{note}");
    assert!(!note.contains("3., and passim"), "{note}");
}

#[test]
fn apa_works_too() {
    let run = site()
        .config("title: Alliance Briefs\nbibliography: [refs.json]\ncitation_style: apa\n")
        .brief(
            "briefs/x.md",
            &brief("X", "", "One [@kim2020]. Page [@kim2020, p. 3]. As @lee2019 says. Two [@kim2020; @lee2019]."),
        )
        .build_ok();
    let page = run.read("briefs/x/index.html");
    for expected in [
        "<a href=\"#ref-kim2020\">(Kim, 2020)</a>",
        "<a href=\"#ref-kim2020\">(Kim, 2020, p. 3)</a>",
        "<a href=\"#ref-lee2019\">Lee (2019)</a>",
        ">(Kim, 2020; Lee, 2019)</span>",
    ] {
        assert!(page.contains(expected), "expected `{expected}` in:\n{page}");
    }
    assert_eq!(reference_ids(&page), ["ref-kim2020", "ref-lee2019"]);
    let list = between(&page, "id=\"references\"", "</section>");
    assert!(
        list.contains("(2019). Burden Sharing and the Alliance. <i>Asian Policy Review</i>, <i>8</i>(4), 33–58."),
        "{list}"
    );
}

#[test]
#[ignore = "bug: hyphenated given names are initialised only in their first part in APA (`Kim, C.-su.`, citeproc-js: `Kim, C.-S.`)"]
fn apa_initialises_both_parts_of_a_hyphenated_given_name() {
    let run = site()
        .config("title: Alliance Briefs\nbibliography: [refs.json]\ncitation_style: apa\n")
        .brief("briefs/x.md", &brief("X", "", "One [@kim2020]."))
        .build_ok();
    let list = between(&run.read("briefs/x/index.html"), "id=\"references\"", "</section>").to_string();
    assert!(list.contains("Kim, C.-S. (2020)."), "{list}");
}

#[test]
#[ignore = "bug: a journal article with a volume and no issue is written `8 : 33–58` (a space before the colon; Chicago: `8: 33–58`)"]
fn a_volume_without_issue_has_no_space_before_the_colon() {
    let refs = r#"[
  {"id": "lee2019", "type": "article-journal", "author": [{"family": "Lee", "given": "Sung-min"}], "title": "Burden Sharing", "container-title": "Asian Policy Review", "volume": "8", "page": "33-58", "issued": {"date-parts": [[2019]]}}
]
"#;
    let run = site().file("refs.json", refs).brief("briefs/x.md", &brief("X", "", "One [@lee2019].")).build_ok();
    let list = between(&run.read("briefs/x/index.html"), "id=\"references\"", "</section>").to_string();
    assert!(list.contains("<i>Asian Policy Review</i> 8: 33–58."), "{list}");
}

#[test]
fn a_rebuild_after_editing_the_bibliography_or_the_style_equals_a_fresh_build() {
    let test = SiteTest::new()
        .config("title: T\nbase_url: https://example.org/\nbibliography: [refs.bib]\n")
        .file("refs.bib", BIB)
        .brief("briefs/x.md", &brief("X", "", "Posture [@dod2022]."))
        .brief("briefs/y.md", &brief("Y", "", "Nothing cited."));
    let output = test.root().join("output");
    assert_eq!(test.run("build").code, 0);
    assert!(std::fs::read_to_string(output.join("briefs/x/index.html")).unwrap().contains("Nuclear Posture Review"));

    // A title changed in the .bib: the citing brief's page and the source page show it.
    let test = test.file("refs.bib", &BIB.replace("Nuclear Posture Review", "Revised Posture Review"));
    let run = test.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in ["briefs/x/index.html", "sources/dod2022/index.html", "sources/index.html", "sources.json"] {
        let text = run.read(page);
        assert!(text.contains("Revised Posture Review"), "{page}: {text}");
        assert!(!text.contains("Nuclear Posture Review"), "{page} kept the old title: {text}");
    }
    assert_equals_fresh_build(&test, &output, "a title edited in the .bib");

    // Another style: every citation, reference and source page is formatted again.
    let test = test.config("title: T\nbase_url: https://example.org/\nbibliography: [refs.bib]\ncitation_style: apa\n");
    let run = test.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = run.read("briefs/x/index.html");
    assert!(page.contains("<a href=\"#ref-dod2022\">(US Department of Defense, 2022)</a>"), "{page}");
    assert!(run.read("sources/dod2022/index.html").contains("US Department of Defense. (2022)."));
    assert_equals_fresh_build(&test, &output, "another citation style");

    // A citation added to another brief: the source page lists it.
    let test = test.brief("briefs/y.md", &brief("Y", "", "Now cites the review [@dod2022]."));
    let run = test.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let source = run.main_of("sources/dod2022/index.html");
    assert!(source.contains("Cited by 2 briefs") && source.contains("Now cites the review."), "{source}");
    assert_equals_fresh_build(&test, &output, "a citation added");
}

#[test]
fn a_citation_outside_a_brief_is_shown_as_written_and_warned_of() {
    // Before: a section's introduction and a term record's text dropped their citations silently.
    let run = site()
        .brief(
            "briefs/_index.md",
            "---\ntitle: Briefs\n---\nAs the SCM said [see @kim2020, p. 3], it moves. Follow @policydesk.\n",
        )
        .brief("topics/opcon.md", "---\ntitle: OPCON\n---\nThe transfer, per @lee2019, is conditions-based.\n")
        .brief("briefs/x.md", &brief("The Brief", "topics: [OPCON]\n", "Cited [@kim2020]."))
        .arg("-v")
        .build_ok();
    let intro = run.main_of("briefs/index.html");
    assert!(intro.contains("As the SCM said [see @kim2020, p. 3], it moves. Follow @policydesk."), "{intro}");
    // A handle is text, as in a brief: two warnings, not three.
    assert!(run.stderr.contains("2 warnings (2 citation-outside-brief)"), "{}", run.stderr);
    let record = run.main_of("topics/opcon/index.html");
    assert!(record.contains("The transfer, per @lee2019, is conditions-based."), "{record}");
    assert!(run.stderr.contains("warning[citation-outside-brief]: citations are formatted only in briefs: this one, in a section's introduction, is shown as written"), "{}", run.stderr);
    // Line 4, column 22: the `@` of the key.
    assert!(run.stderr.contains("content/briefs/_index.md:4:22"), "{}", run.stderr);
    assert!(run.stderr.contains("in a term record's text"), "{}", run.stderr);
    assert!(run.stderr.contains("content/topics/opcon.md:4:19"), "{}", run.stderr);
    // The brief's own citation is formatted as before.
    assert!(!run.main_of("briefs/x/index.html").contains("[@kim2020]"));
}
