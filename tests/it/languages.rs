//! Korean and English side by side (issue 16, first part): languages in `site.yaml`, pairs by
//! name (`x.ko.md`) and by `translation_of:`, URLs under `/<code>/`, reciprocal hreflang links
//! and the sitemap's alternates, the language switcher, wikilinks that prefer the linking
//! brief's language, and the warning for a translation behind its original.

use crate::support::{broken_internal_links, SiteTest};

const CONFIG: &str =
    "title: Alliance Briefs\nbase_url: https://example.org/\nlanguages:\n  ko:\n    title: 한미동맹 브리프\n";

fn brief(title: &str, front: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2025-11-05\n{front}---\n{body}\n")
}

/// `(hreflang, href)` of every `<link rel="alternate" hreflang>` of a page.
fn alternates(html: &str) -> Vec<(String, String)> {
    html.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .map(|rest| {
            let (lang, rest) = rest.split_once('"').unwrap();
            let href = rest.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
            (lang.to_string(), href.to_string())
        })
        .collect()
}

fn pair() -> SiteTest {
    SiteTest::new()
        .config(CONFIG)
        .brief("briefs/opcon.md", &brief("OPCON transfer", "updated: 2025-11-20\n", "English text. See [[scm]]."))
        .brief(
            "briefs/opcon.ko.md",
            &brief("전시작전통제권 전환", "translated_from: 2025-11-20\n", "한국어 본문. [[scm]] 참조."),
        )
        .brief("briefs/scm.md", &brief("The 57th SCM", "", "English only."))
        .brief(
            "ko/scm-ko.md",
            &brief("제57차 한미안보협의회의", "lang: ko\nslug: 제57차-scm\ntranslation_of: briefs/scm\n", "한국어."),
        )
}

#[test]
fn a_name_suffix_and_translation_of_pair_versions_under_the_language_prefix() {
    let run = pair().build_ok();
    // By name: `x.ko.md` beside `x.md` is `/ko/<path>/`.
    assert!(run.exists("ko/briefs/opcon/index.html"));
    assert!(run.exists("briefs/opcon/index.html"));
    // By `translation_of:`, from a folder named for the language (not prefixed twice), with a
    // Hangul slug.
    assert!(run.exists("ko/제57차-scm/index.html"), "{:?}", crate::support::files_under(&run.root.join("output")));
    let ko = run.read("ko/briefs/opcon/index.html");
    assert!(ko.contains("<html lang=\"ko\""), "the page's language is the version's");
    let en = run.read("briefs/opcon/index.html");
    assert!(en.contains("<html lang=\"en\""));
    assert!(broken_internal_links(&run.root.join("output"), "/").is_empty());
}

#[test]
fn every_version_links_every_other_reciprocally_with_x_default() {
    let run = pair().build_ok();
    let expected = vec![
        ("en".to_string(), "https://example.org/briefs/opcon/".to_string()),
        ("ko".to_string(), "https://example.org/ko/briefs/opcon/".to_string()),
        ("x-default".to_string(), "https://example.org/briefs/opcon/".to_string()),
    ];
    assert_eq!(alternates(&run.read("briefs/opcon/index.html")), expected);
    assert_eq!(alternates(&run.read("ko/briefs/opcon/index.html")), expected);
    // A brief without versions has none.
    let single = SiteTest::new().config(CONFIG).brief("a.md", &brief("A", "", "x")).build_ok();
    assert!(alternates(&single.read("a/index.html")).is_empty());
}

#[test]
fn the_switcher_goes_to_the_counterpart() {
    let run = pair().build_ok();
    let en = run.read("briefs/opcon/index.html");
    assert!(en.contains(r#"<a href="/ko/briefs/opcon/" hreflang="ko" lang="ko">한국어</a>"#), "{en}");
    assert!(en.contains(r#"<span aria-current="true" lang="en">English</span>"#), "{en}");
    let ko = run.read("ko/briefs/opcon/index.html");
    assert!(ko.contains(r#"<a href="/briefs/opcon/" hreflang="en" lang="en">English</a>"#), "{ko}");
}

#[test]
fn the_sitemap_carries_the_alternates() {
    let run = pair().build_ok();
    let sitemap = run.read("sitemap.xml");
    assert!(sitemap.contains(r#"xmlns:xhtml="http://www.w3.org/1999/xhtml""#), "{sitemap}");
    let entry = sitemap
        .split("<url>")
        .find(|u| u.contains("<loc>https://example.org/ko/briefs/opcon/</loc>"))
        .expect("the Korean page is in the sitemap");
    for (lang, href) in [("en", "/briefs/opcon/"), ("ko", "/ko/briefs/opcon/"), ("x-default", "/briefs/opcon/")] {
        let link = format!(r#"<xhtml:link rel="alternate" hreflang="{lang}" href="https://example.org{href}"/>"#);
        assert!(entry.contains(&link), "{link} missing in {entry}");
    }
}

#[test]
fn a_wikilink_prefers_the_linking_briefs_language() {
    let run = pair().build_ok();
    let ko = run.main_of("ko/briefs/opcon/index.html");
    assert!(ko.contains(r#"<a href="/ko/제57차-scm/">제57차 한미안보협의회의</a>"#), "{ko}");
    let en = run.main_of("briefs/opcon/index.html");
    assert!(en.contains(r#"<a href="/briefs/scm/">The 57th SCM</a>"#), "{en}");
    // Where the target has no version in the linking brief's language, the link says the
    // target's language.
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("a.md", &brief("A", "", "See [[b]]."))
        .brief("b.ko.md", &brief("비", "", "한국어만."))
        .build_ok();
    let a = run.main_of("a/index.html");
    assert!(a.contains(r#"<a href="/ko/b/" hreflang="ko" lang="ko">비</a>"#), "{a}");
}

#[test]
fn a_translation_behind_its_original_is_a_warning_and_a_notice() {
    let run = pair()
        .brief("briefs/opcon.md", &brief("OPCON transfer", "updated: 2025-12-01\n", "Updated English text."))
        .build_ok();
    assert!(run.stderr.contains("warning[translation-stale]"), "{}", run.stderr);
    assert!(run.stderr.contains("content/briefs/opcon.ko.md") && run.stderr.contains("content/briefs/opcon.md"));
    let ko = run.main_of("ko/briefs/opcon/index.html");
    assert!(ko.contains(r#"class="notice stale""#) && ko.contains(r#"<a href="/briefs/opcon/">"#), "{ko}");
    // Up to date: neither.
    let run = pair().build_ok();
    assert!(!run.stderr.contains("translation-stale"), "{}", run.stderr);
    assert!(!run.main_of("ko/briefs/opcon/index.html").contains("notice stale"));
}

#[test]
fn a_suffix_is_a_language_only_when_the_site_lists_it() {
    let run = SiteTest::new().config("title: T\n").brief("briefs/x.ko.md", &brief("X", "", "x")).build_ok();
    assert!(run.exists("briefs/x-ko/index.html"), "without `languages`, `x.ko.md` is a brief named `x.ko`");
}

#[test]
fn bad_translations_are_errors() {
    // `translation_of:` naming nothing, with a did-you-mean.
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("briefs/opcon.md", &brief("O", "", "x"))
        .brief("k.md", &brief("K", "lang: ko\ntranslation_of: briefs/opcom\n", "x"))
        .build_err();
    assert!(run.stderr.contains("error[bad-translation]") && run.stderr.contains("k.md:5:17"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `briefs/opcon`?"), "{}", run.stderr);
    // Two versions in one language: both places named.
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("briefs/opcon.md", &brief("O", "", "x"))
        .brief("briefs/opcon.ko.md", &brief("K1", "", "x"))
        .brief("k2.md", &brief("K2", "lang: ko\ntranslation_of: briefs/opcon\n", "x"))
        .build_err();
    assert!(run.stderr.contains("is a second `ko` version"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/k2.md") && run.stderr.contains("content/briefs/opcon.ko.md"),
        "{}",
        run.stderr
    );
    // Two briefs naming each other, and a brief naming itself.
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("a.md", &brief("A", "lang: ko\ntranslation_of: b\n", "x"))
        .brief("b.md", &brief("B", "translation_of: a\n", "y"))
        .brief("c.md", &brief("C", "translation_of: c\n", "z"))
        .build_err();
    assert_eq!(run.stderr.matches("name each other as their original").count(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("a brief cannot translate itself"), "{}", run.stderr);
    // The reverse: an English translation of a Korean original, whose x-default is the original.
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("d.ko.md", &brief("디", "", "원문."))
        .brief("e.md", &brief("E", "translation_of: d.ko\n", "Translation."))
        .build_ok();
    let alternates = alternates(&run.read("e/index.html"));
    assert!(alternates.contains(&("x-default".into(), "https://example.org/ko/d/".into())), "{alternates:?}");
    // A language listed twice, or the default listed again.
    let run = SiteTest::new().config("language: en\nlanguages: {en: {}}\n").brief("a.md", "x").run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("the site's default `language`"), "{}", run.stderr);
    let run = SiteTest::new().config("languages: {Korean: {}}\n").brief("a.md", "x").run("build");
    assert!(run.code == 2 && run.stderr.contains("`Korean` is not a language tag"), "{}", run.stderr);
}

#[test]
fn related_briefs_are_in_the_briefs_language() {
    let run = pair()
        .brief("briefs/opcon.md", &brief("OPCON transfer", "topics: [opcon-transfer]\n", "English."))
        .brief("briefs/opcon.ko.md", &brief("전시작전통제권 전환", "topics: [opcon-transfer]\n", "한국어."))
        .brief("briefs/ncg.md", &brief("The NCG", "topics: [opcon-transfer]\n", "English."))
        .brief("briefs/ncg.ko.md", &brief("핵협의그룹", "topics: [opcon-transfer]\n", "한국어."))
        .build_ok();
    let ko = run.main_of("ko/briefs/opcon/index.html");
    let related = &ko[ko.find("id=\"related\"").unwrap_or_else(|| panic!("no related list: {ko}"))..];
    let related = &related[..related.find("</section>").unwrap()];
    assert!(related.contains("/ko/briefs/ncg/"), "{related}");
    assert!(!related.contains("href=\"/briefs/"), "an English brief among a Korean brief's related: {related}");
}

/// A site with Korean versions of two of three briefs, a Korean introduction and term records
/// with Korean names.
fn lists() -> SiteTest {
    SiteTest::new()
        .config(&format!("{CONFIG}taxonomies:\n  - name: topics\n    title: Topics\n    titles: {{ko: 주제}}\n"))
        .brief("_index.md", "---\ntitle: Alliance Briefs\n---\nWelcome.\n")
        .brief("_index.ko.md", "---\ntitle: 한미동맹 브리프\n---\n환영합니다.\n")
        .brief(
            "topics/opcon-transfer.md",
            "---\ntitle: OPCON transfer\nnames: {ko: 전시작전통제권 전환}\n---\nThe transfer.\n",
        )
        .brief("topics/scm.md", "---\ntitle: SCM\n---\nThe meeting.\n")
        .brief("briefs/a.md", &brief("A", "topics: [OPCON transfer, SCM]\n", "English A."))
        .brief("briefs/a.ko.md", &brief("가", "topics: [OPCON transfer, SCM]\n", "한국어 가."))
        .brief("briefs/b.md", &brief("B", "topics: [OPCON transfer]\n", "English B."))
        .brief("briefs/b.ko.md", &brief("나", "topics: [전시작전통제권 전환]\n", "한국어 나."))
        .brief("background/c.md", &brief("C", "topics: [SCM]\n", "English only."))
}

#[test]
fn each_language_lists_its_own_briefs_on_its_home_sections_terms_and_feeds() {
    let run = lists().build_ok();
    // Homes: each lists its language's briefs, with its introduction and title.
    let home = run.main_of("index.html");
    assert!(home.contains(">A</a>") && home.contains(">C</a>") && !home.contains(">가</a>"), "{home}");
    let ko = run.main_of("ko/index.html");
    assert!(ko.contains(">가</a>") && ko.contains(">나</a>") && !ko.contains(">A</a>"), "{ko}");
    assert!(ko.contains("<h1>한미동맹 브리프</h1>") && ko.contains("환영합니다."), "{ko}");
    // Sections: `background` has no Korean brief, so no Korean page.
    assert!(run.main_of("ko/briefs/index.html").contains(">나</a>"));
    assert!(!run.exists("ko/background/index.html"));
    // Term pages in Korean take the record's Korean name, and count Korean briefs only, with the
    // record's Korean name, as a Korean brief writes it, merged into its term.
    let term = run.main_of("ko/topics/opcon-transfer/index.html");
    assert!(term.contains("<h1>전시작전통제권 전환</h1>"), "{term}");
    assert!(term.contains("브리프 2건"), "{term}");
    let en_term = run.main_of("topics/opcon-transfer/index.html");
    assert!(en_term.contains("<h1>OPCON transfer</h1>") && en_term.contains("2 briefs"), "{en_term}");
    // A term without a Korean name keeps its title; the taxonomy takes its Korean title.
    assert!(run.main_of("ko/topics/scm/index.html").contains("<h1>SCM</h1>"));
    assert!(run.main_of("ko/topics/index.html").contains("<h1>주제</h1>"));
    // Feeds per language and per term.
    let feed = run.read("ko/atom.xml");
    assert!(
        feed.contains("xml:lang=\"ko\"") && feed.contains("<title>가</title>") && !feed.contains("<title>A</title>"),
        "{feed}"
    );
    assert!(run.read("ko/topics/opcon-transfer/atom.xml").contains("<title>나</title>"));
    assert!(!run.read("atom.xml").contains("<title>가</title>"));
    // Search indexes per language.
    let index = crate::search::Index::read(&run, "ko/").text;
    assert!(index.contains("\"가\"") && !index.contains("\"A\""), "{index}");
    assert!(index.contains("전시작전통제권 전환"), "the term's Korean label: {index}");
    assert!(!crate::search::Index::read(&run, "").text.contains("\"가\""));
    // The sitemap lists every language's pages, lists with their alternates.
    let sitemap = run.read("sitemap.xml");
    let home_entry = sitemap.split("<url>").find(|u| u.contains("<loc>https://example.org/ko/</loc>")).unwrap();
    assert!(home_entry.contains(r#"hreflang="en" href="https://example.org/""#), "{home_entry}");
    assert!(broken_internal_links(&run.root.join("output"), "/").is_empty());
}

#[test]
fn the_interface_speaks_the_pages_language_and_marks_what_is_in_another() {
    let run = lists().build_ok();
    let ko = run.read("ko/briefs/a/index.html");
    // Theme words and dates in Korean; the switcher and hreflang in the header of every page.
    assert!(ko.contains("2025년 11월 5일") && ko.contains("분 분량") && ko.contains("본문 바로가기"), "{ko}");
    let en = run.read("briefs/a/index.html");
    assert!(en.contains("5 November 2025") && en.contains("min read") && en.contains("Skip to content"), "{en}");
    // A term page in Korean shows the record's English text marked as English.
    let term = run.read("ko/topics/opcon-transfer/index.html");
    assert!(term.contains(r#"<div class="prose" lang="en">"#), "{term}");
    assert!(term.contains(r#"<p class="term-name" lang="en">OPCON transfer</p>"#), "{term}");
    // A list page with counterparts has alternates; the switcher on a page without one goes to
    // the language's home.
    assert_eq!(
        alternates(&run.read("topics/opcon-transfer/index.html")),
        [
            ("en".to_string(), "https://example.org/topics/opcon-transfer/".to_string()),
            ("ko".to_string(), "https://example.org/ko/topics/opcon-transfer/".to_string()),
            ("x-default".to_string(), "https://example.org/topics/opcon-transfer/".to_string()),
        ]
    );
    let lone = run.read("background/c/index.html");
    assert!(alternates(&lone).is_empty());
    assert!(lone.contains(r#"<a href="/ko/" hreflang="ko" lang="ko""#), "{lone}");
    // The home pages switch to each other.
    assert!(run.read("ko/index.html").contains(r#"<a href="/" hreflang="en" lang="en">English</a>"#));
}

#[test]
fn a_site_can_override_the_theme_words() {
    let run = lists().file("themes/default/i18n/ko.yaml", "min_read: \"{n}분\"\n").build_ok();
    let ko = run.read("ko/briefs/a/index.html");
    assert!(ko.contains("· 1분") && ko.contains("본문 바로가기"), "the rest still from the theme: {ko}");
}

#[test]
fn required_translations_warn_for_each_brief_without_one() {
    let run = lists().config(&format!("{CONFIG}translations: {{required: [ko]}}\n")).run("check");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("translation-missing") && run.stderr.contains("background/c.md"), "{}", run.stderr);
    assert!(!run.stderr.contains("briefs/a.md` has no"), "{}", run.stderr);
    let bad = lists().config(&format!("{CONFIG}translations: {{required: [ja]}}\n")).run("build");
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("`translations: required` names `ja`"), "{}", bad.stderr);
}

#[test]
fn a_folder_named_for_a_language_holds_that_languages_sections() {
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("briefs/x.md", &brief("X", "", "English."))
        .brief("ko/briefs/x.md", &brief("엑스", "", "한국어."))
        .brief("ko/_index.md", "---\ntitle: 한국어 첫 화면\n---\n안녕하세요.\n")
        .build_ok();
    // `content/ko/briefs/x.md` is the Korean version of `briefs/x`, in the section `briefs`.
    assert!(run.main_of("ko/briefs/x/index.html").contains("<h1>엑스</h1>"));
    assert!(run.main_of("ko/briefs/index.html").contains(">엑스</a>"));
    assert!(run.read("briefs/x/index.html").contains(r#"hreflang="ko" href="https://example.org/ko/briefs/x/""#));
    assert!(run.main_of("ko/index.html").contains("안녕하세요."));
}

#[test]
fn odd_language_settings_are_refused_or_fall_back() {
    // A taxonomy named like a language would take its pages' URL.
    let run = lists().config(&format!("{CONFIG}taxonomies: [topics, ko]\n")).run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("the taxonomy `ko` has the name of a language"), "{}", run.stderr);
    // An empty title in a language is the default's; a language listed twice as required warns once.
    let config = format!("{CONFIG}taxonomies:\n  - {{name: topics, title: Topics, titles: {{ko: \"\"}}}}\ntranslations: {{required: [ko, ko]}}\n");
    let run = lists().config(&config).build_ok();
    assert!(run.main_of("ko/topics/index.html").contains("<h1>Topics</h1>"));
    assert_eq!(run.stderr.matches("background/c.md` has no `ko` version").count(), 1, "{}", run.stderr);
    // A theme's words that are not `key: text` are refused, naming the file.
    let run = lists().file("themes/default/i18n/ko.yaml", "- a\n- b\n").run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("i18n/ko.yaml") && run.stderr.contains("`key: text`"), "{}", run.stderr);
}

#[test]
fn a_second_version_in_one_language_is_reported_once_per_kind() {
    let run = SiteTest::new()
        .config(CONFIG)
        .brief("briefs/a.md", &brief("A", "", "English."))
        .brief("briefs/a.ko.md", &brief("가", "", "한국어."))
        .brief("ko/briefs/a.md", &brief("가 또", "", "한국어 또."))
        .run("build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is a second `ko` version"), "{}", run.stderr);
    // The two pages clash once; their citation files beside them are not a second report.
    assert_eq!(run.stderr.matches("duplicate-url").count(), 1, "{}", run.stderr);
}

#[test]
fn a_theme_written_before_the_words_still_calls_the_components_as_it_did() {
    // A template of a site's own theme, as written before `t`: cards and pagers carry their
    // words, in the list's language.
    let section = "{% extends \"base.html\" %}{% block main %}{{<card_list briefs={page.briefs} />}}{{<pager pager={page.pager} />}}{% endblock main %}";
    let run = lists().file("themes/default/templates/section.html", section).build_ok();
    assert!(run.main_of("ko/briefs/index.html").contains("1분 분량"), "{}", run.main_of("ko/briefs/index.html"));
    assert!(run.main_of("briefs/index.html").contains("1 min read"));
}
