use super::*;
use crate::diagnostics::{Diagnostic, SourceText};
use crate::discover::{SourceFile, Sources};
use crate::hash;

fn file(rel: &str, text: &str) -> Arc<SourceFile> {
    Arc::new(SourceFile {
        rel_path: rel.into(),
        display: format!("content/{rel}"),
        text: SourceText::shared(text),
        hash: hash::of(&(rel, hash::bytes(text.as_bytes()))),
        replaced: None,
    })
}

fn site_of(files: &[(&str, &str)], folders: &[&str]) -> (Site, Vec<Diagnostic>) {
    let config = SiteConfig::default();
    let parsed: Vec<Arc<Parsed>> =
        files.iter().map(|(r, t)| Arc::new(crate::parse::parse_file(file(r, t), &config, true))).collect();
    let sources = Sources { folders: folders.iter().map(|s| s.to_string()).collect(), ..Sources::default() };
    assemble(&config, &sources, &parsed, Default::default(), None)
}

#[test]
fn sections_and_briefs() {
    let (site, d) = site_of(
        &[("briefs/a/b/x.md", "---\ntitle: X\nslug: y\n---\n"), ("briefs/opcon-transfer.md", "---\ntitle: O\n---\n")],
        &["", "briefs", "briefs/a", "briefs/a/b"],
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(site.briefs.iter().map(|b| b.slug()).collect::<Vec<_>>(), ["y", "opcon-transfer"]);
    assert_eq!(site.sections[3].briefs, [0]);
    assert_eq!(site.sections[1].children, [2]);
}

#[test]
fn term_label_is_the_most_common_spelling() {
    let (site, _) = site_of(
        &[
            ("a.md", "---\ntitle: A\ntopics: [Opcon Transfer]\n---\n"),
            ("b.md", "---\ntitle: B\ntopics: [OPCON transfer]\n---\n"),
            ("c.md", "---\ntitle: C\ntopics: [OPCON transfer]\n---\n"),
        ],
        &[""],
    );
    let term = &site.taxonomies[0].terms[0];
    assert_eq!((term.slug.as_str(), term.label.as_str(), term.briefs.len()), ("opcon-transfer", "OPCON transfer", 3));
    assert_eq!(term.first_use.as_ref().unwrap().0, 0, "first named by a.md");
}

#[test]
fn the_memo_is_reused_only_while_the_facts_are_the_same() {
    let config = SiteConfig::default();
    let sources = Sources { folders: vec![String::new()], ..Sources::default() };
    let parse = |text: &str| vec![Arc::new(crate::parse::parse_file(file("a.md", text), &config, true))];
    let mut memo = Memo::default();
    let first = parse("---\ntitle: A\ntopics: [X]\n---\nOne.\n");
    assemble(&config, &sources, &first, Default::default(), Some(&mut memo));
    // A body edit: the same facts, the new text.
    let second = parse("---\ntitle: A\ntopics: [X]\n---\nTwo.\n");
    let (site, _) = assemble(&config, &sources, &second, Default::default(), Some(&mut memo));
    assert_eq!(site.briefs[0].body_text(), "Two.\n");
    // A new term: assembled again.
    let third = parse("---\ntitle: A\ntopics: [X, Y]\n---\nTwo.\n");
    let (site, _) = assemble(&config, &sources, &third, Default::default(), Some(&mut memo));
    assert_eq!(site.taxonomies[0].terms.len(), 2);
}

#[test]
fn a_date_edit_places_the_brief_again_in_the_last_site() {
    let config = SiteConfig::default();
    let sources = Sources { folders: vec![String::new()], ..Sources::default() };
    let mut memo = Memo::default();
    let parse = |files: &[(&str, &str)]| -> Vec<Arc<Parsed>> {
        let parse = |(f, text): &(&str, &str)| crate::parse::parse_file(file(f, text), &config, true);
        files.iter().map(|f| Arc::new(parse(f))).collect()
    };
    let dated = |d: [&str; 3]| {
        let texts = d.map(|d| format!("---\ndate: {d}\ntopics: [x]\n---\n"));
        parse(&[("a.md", &texts[0]), ("b.md", &texts[1]), ("c.md", &texts[2])])
    };
    let fresh = |parsed: &[Arc<Parsed>]| assemble(&config, &sources, parsed, Default::default(), None).0;
    let first = dated(["2025-01-01", "2025-01-02", "2025-01-03"]);
    let (site, _) = assemble(&config, &sources, &first, Default::default(), Some(&mut memo));
    assert_eq!(site.by_date, [2, 1, 0]);
    remember(&mut memo, site);
    // A date edit: the last site, taken from the memo, with the brief placed again.
    let second = dated(["2025-01-04", "2025-01-02", "2025-01-03"]);
    let (site, _) = assemble(&config, &sources, &second, Default::default(), Some(&mut memo));
    assert!(memo.site.is_none(), "the last site was taken to be placed again");
    let expected = fresh(&second);
    assert_eq!((&site.by_date, &site.by_id, &site.rank), (&expected.by_date, &expected.by_id, &expected.rank));
    assert_eq!(site.by_date, [0, 2, 1]);
    assert_eq!(site.taxonomies[0].terms[0].briefs.of(0), [0, 2, 1]);
    assert!(Arc::ptr_eq(&site.briefs[0].parsed, &second[0]), "the brief shows its new facts");
    remember(&mut memo, site);
    // A new slug moves the brief: assembled whole, from the last site's orders.
    let mut third = second.clone();
    third[1] = parse(&[("b.md", "---\ndate: 2025-01-02\nslug: elsewhere\n---\n")]).remove(0);
    let (site, _) = assemble(&config, &sources, &third, Default::default(), Some(&mut memo));
    assert!(memo.site.is_some(), "the last site is kept while the new one is made");
    let expected = fresh(&third);
    assert_eq!((&site.by_date, &site.by_id), (&expected.by_date, &expected.by_id));
    assert_eq!(site.briefs[1].slug(), "elsewhere");
    assert_eq!(site.taxonomies[0].terms[0].briefs.of(0), [0, 2]);
}

/// A brief of the property test below, as its fields make its file.
#[derive(Debug, Clone)]
struct BriefSpec {
    date: usize,
    title: usize,
    terms: Vec<usize>,
    draft: bool,
    slug: bool,
    supersedes: Option<usize>,
    translation_of: Option<usize>,
}

/// The files of the property test: four briefs and two Korean ones, named by position.
const NAMES: [&str; 6] = ["a.md", "b.md", "c.md", "d.md", "a.ko.md", "k.ko.md"];

fn text_of(i: usize, d: &BriefSpec) -> String {
    // The last date is after the build's day: the brief is left out.
    let dates = ["2025-01-01", "2025-01-02", "2025-03-01", "2024-12-31", "2999-01-01"];
    let mut text = format!("---\ntitle: T{}\ndate: {}\n", d.title, dates[d.date]);
    let terms: Vec<String> = d.terms.iter().map(|t| format!("t{t}")).collect();
    text.push_str(&format!("topics: [{}]\n", terms.join(", ")));
    if d.draft {
        text.push_str("draft: true\n");
    }
    if d.slug {
        text.push_str(&format!("slug: moved-{i}\n"));
    }
    if let Some(o) = d.supersedes {
        text.push_str(&format!("supersedes: {}\n", NAMES[o].trim_end_matches(".md")));
    }
    if let (Some(o), true) = (d.translation_of, i >= 4) {
        text.push_str(&format!("translation_of: {}\n", NAMES[o].trim_end_matches(".md")));
    }
    text + "---\nText.\n"
}

fn brief_strategy() -> impl proptest::strategy::Strategy<Value = BriefSpec> {
    use proptest::prelude::*;
    let fields = (0..5usize, 0..3usize, proptest::collection::vec(0..4usize, 0..3), any::<bool>(), any::<bool>());
    (fields, proptest::option::weighted(0.15, 0..4usize), proptest::option::weighted(0.3, 0..4usize)).prop_map(
        |((date, title, terms, draft, slug), supersedes, translation_of)| BriefSpec {
            date,
            title,
            terms,
            // Seldom a draft or a new slug: those assemble the model whole.
            draft: draft && title == 0,
            slug: slug && title == 0 && date == 0,
            supersedes,
            translation_of,
        },
    )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
    /// Whatever a sequence of edits to dates, titles, terms, drafts, slugs, supersession and
    /// translations, assembling with the memo (the last model taken, or assembled whole from
    /// its orders) gives the model a fresh assembly gives. A build that fails after assembling
    /// does not hand its model back.
    #[test]
    fn an_assembly_with_the_memo_equals_a_fresh_one(
        start in proptest::collection::vec(brief_strategy(), 6),
        edits in proptest::collection::vec((0..6usize, brief_strategy(), proptest::bool::weighted(0.8)), 1..12),
    ) {
        let mut config = SiteConfig::default();
        config.languages.push(crate::config::LanguageConfig { code: "ko".into(), title: None, description: None });
        // A warning for every brief without a Korean version: the model is kept all the same.
        config.required_translations.push("ko".into());
        let sources = Sources { folders: vec![String::new()], ..Sources::default() };
        let include = Include { drafts: false, until: chrono::NaiveDate::from_ymd_opt(2026, 12, 1) };
        let mut briefs = start;
        let parse = |briefs: &[BriefSpec]| -> Vec<Arc<Parsed>> {
            let file = |i: usize| file(NAMES[i], &text_of(i, &briefs[i]));
            (0..NAMES.len()).map(|i| Arc::new(crate::parse::parse_file(file(i), &config, true))).collect()
        };
        // Everything a model holds but the keys, which only a memo makes.
        let shape = |site: &Site| {
            let mut site = site.clone();
            (site.key, site.terms_key) = (0, 0);
            for brief in &mut site.briefs {
                brief.terms_key = 0;
            }
            format!("{site:?}")
        };
        let mut memo = Memo::default();
        let parsed = parse(&briefs);
        let (site, _) = assemble(&config, &sources, &parsed, include, Some(&mut memo));
        remember(&mut memo, site);
        for (file, brief, went_well) in edits {
            briefs[file] = brief;
            let parsed = parse(&briefs);
            let (site, diagnostics) = assemble(&config, &sources, &parsed, include, Some(&mut memo));
            let (fresh, fresh_diagnostics) = assemble(&config, &sources, &parsed, include, None);
            proptest::prop_assert_eq!(shape(&site), shape(&fresh), "after an edit of {}", NAMES[file]);
            let codes = |d: &[Diagnostic]| d.iter().map(|d| (d.code(), d.message.clone())).collect::<Vec<_>>();
            proptest::prop_assert_eq!(codes(&diagnostics), codes(&fresh_diagnostics));
            if went_well {
                remember(&mut memo, site);
            }
        }
    }
}
