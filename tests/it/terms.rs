//! Term records (issue 14): one topic or actor with every name it goes by, one page, one count.

use crate::support::SiteTest;

fn brief(title: &str, front: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2025-01-01\n{front}---\n{body}\n")
}

fn usfk() -> &'static str {
    "---\ntitle: US Forces Korea\nnames: {ko: 주한미군}\naka: [USFK, U.S. Forces Korea]\ntype: organization\nwikidata: Q1145298\n---\nThe US forces stationed in Korea.\n"
}

#[test]
fn briefs_naming_a_record_by_id_title_name_or_aka_share_one_term() {
    let run = SiteTest::new()
        .config("base_url: https://example.org/\n")
        .brief("actors/usfk.md", usfk())
        .brief("a.md", &brief("A", "actors: [usfk]\n", "x"))
        .brief("b.md", &brief("B", "actors: [US Forces Korea]\n", "x"))
        .brief("c.md", &brief("C", "actors: [주한미군]\n", "x"))
        .brief("d.md", &brief("D", "actors: [U.S. Forces Korea, USFK]\n", "x"))
        .build_ok();
    let page = run.read("actors/usfk/index.html");
    for title in ["A", "B", "C", "D"] {
        assert!(page.contains(&format!(">{title}</a>")), "{title} is listed on the term page");
    }
    // One term, four briefs.
    let index = run.read("actors/index.html");
    let terms = index.matches("href=\"/actors/").filter(|_| true).count() - index.matches("href=\"/actors/\"").count();
    assert_eq!(terms, 1, "{index}");
    assert!(index.contains("US Forces Korea"));
    // Every other spelling used redirects to the record's page.
    for spelling in ["주한미군", "u-s-forces-korea", "us-forces-korea"] {
        let redirect = run.read(&format!("actors/{spelling}/index.html"));
        assert!(redirect.contains("/actors/usfk/"), "{spelling}: {redirect}");
    }
    assert!(!run.exists("actors/usfk-2/index.html"));
    assert!(!run.read("b/index.html").contains("/actors/us-forces-korea/\""), "links go to the record's page");
}

#[test]
fn a_name_claimed_by_two_records_is_an_error_at_both_places() {
    let run = SiteTest::new()
        .brief("actors/usfk.md", usfk())
        .brief("actors/usfj.md", "---\ntitle: US Forces Japan\naka: [USFJ, USFK]\n---\n")
        .build_err();
    assert!(run.stderr.contains("error[bad-record]: `USFK` names two actors records"), "{}", run.stderr);
    assert!(run.stderr.contains("content/actors/usfj.md:3:6"), "at the aka: {}", run.stderr);
    assert!(run.stderr.contains("content/actors/usfk.md:1:1"), "at the record whose id it is: {}", run.stderr);
    assert!(run.stderr.contains("the other record claims it here"), "{}", run.stderr);
}

#[test]
fn a_closed_taxonomy_refuses_terms_without_a_record_with_a_suggestion() {
    let run = SiteTest::new()
        .config("taxonomies: [topics, {name: actors, closed: true}]\n")
        .brief("actors/usfk.md", usfk())
        .brief("a.md", &brief("A", "actors: [US Forces Koreaa]\n", "x"))
        .build_err();
    assert!(
        run.stderr.contains("the actors term `US Forces Koreaa` has no record, and `actors` is closed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `US Forces Korea`?"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:4:9"), "{}", run.stderr);
}

#[test]
fn spelling_variants_are_warned_and_different_acronyms_are_not() {
    let run = SiteTest::new()
        .brief("a.md", &brief("A", "topics: [Alliance modernization, USFK]\n", "x"))
        .brief("b.md", &brief("B", "topics: [Alliance modernization, USFJ]\n", "x"))
        .brief("c.md", &brief("C", "topics: [Alliance modernisation, Force postures]\n", "x"))
        .brief("d.md", &brief("D", "topics: [Force posture]\n", "x"))
        .arg("-v")
        .build_ok();
    assert_eq!(run.stderr.matches("warning[term-variant]").count(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("`Alliance modernisation` looks like `Alliance modernization`"), "{}", run.stderr);
    assert!(!run.stderr.contains("USFJ"), "{}", run.stderr);
}

#[test]
fn part_of_names_broader_records() {
    let run = SiteTest::new()
        .brief("topics/deterrence.md", "---\ntitle: Deterrence\n---\n")
        .brief("topics/extended-deterrence.md", "---\ntitle: Extended deterrence\npart_of: [deterence]\n---\n")
        .build_err();
    assert!(run.stderr.contains("`part_of`: no other record has the id `deterence`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `deterrence`?"), "{}", run.stderr);
}

#[test]
fn part_of_an_id_like_no_record_names_the_taxonomy_in_its_help() {
    let run = SiteTest::new()
        .brief("topics/deterrence.md", "---\ntitle: Deterrence\n---\n")
        .brief("topics/extended-deterrence.md", "---\ntitle: Extended deterrence\npart_of: [zzqx]\n---\n")
        .build_err();
    assert!(run.stderr.contains("`part_of` lists ids of other records of `topics`"), "{}", run.stderr);
}

#[test]
fn a_folder_named_after_a_taxonomy_holds_records_only() {
    let run = SiteTest::new().brief("topics/deep/x.md", "---\ntitle: X\n---\n").build_err();
    assert!(run.stderr.contains("error[bad-record]"), "{}", run.stderr);
    assert!(run.stderr.contains("content/topics/deep/x.md"), "{}", run.stderr);
}

#[test]
fn check_notes_briefs_that_mention_a_term_without_tagging_it() {
    let run = SiteTest::new()
        .brief("actors/usfk.md", usfk())
        .brief("a.md", &brief("A", "", "USFK and 주한미군은 and USFKX."))
        .brief("b.md", &brief("B", "", "Only USFK once."))
        .brief("c.md", &brief("C", "actors: [USFK]\n", "USFK, USFK, USFK."))
        .run("check");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("note[untagged-mention]").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("mentions `US Forces Korea` 2 times but is not tagged with it"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md"), "{}", run.stderr);
    // Turned off per taxonomy.
    let run = SiteTest::new()
        .config("taxonomies: [topics, {name: actors, mentions: false}]\n")
        .brief("actors/usfk.md", usfk())
        .brief("a.md", &brief("A", "", "USFK and USFK."))
        .run("check");
    assert!(!run.stderr.contains("untagged-mention"), "{}", run.stderr);
}

#[test]
fn authors_are_a_taxonomy_by_default() {
    let run = SiteTest::new()
        .brief(
            "authors/policy-desk.md",
            "---\ntitle: Policy Desk\ntype: team\naffiliation: Example Institute\n---\nThe desk.\n",
        )
        .brief("a.md", &brief("A", "authors: [Policy Desk, Kim Min-ji]\n", "x"))
        .build_ok();
    assert!(run.read("authors/policy-desk/index.html").contains(">A</a>"));
    assert!(run.exists("authors/kim-min-ji/index.html"));
}

#[test]
fn terms_json_graph_structured_data_and_search_carry_the_records() {
    let run = SiteTest::new()
        .config("base_url: https://example.org/\n")
        .brief("actors/usfk.md", usfk())
        .brief(
            "a.md",
            &brief(
                "A",
                "actors: [주한미군]\nauthors: [Policy Desk]\n",
                "The 주한미군의 role; </script><script>alert(1)</script>",
            ),
        )
        .brief("b.md", &brief("B", "", "USFK twice: USFK."))
        .build_ok();
    let terms: serde_json::Value = serde_json::from_str(&run.read("terms.json")).unwrap();
    let usfk = terms.as_array().unwrap().iter().find(|t| t["id"] == "usfk").expect("usfk in terms.json");
    assert_eq!(usfk["names"]["ko"], "주한미군");
    assert_eq!(usfk["count"], 1);
    assert_eq!(usfk["wikidata"], "Q1145298");
    assert_eq!(usfk["url"], "https://example.org/actors/usfk/");
    let graph: serde_json::Value = serde_json::from_str(&run.read("graph.json")).unwrap();
    assert!(graph["nodes"].as_array().unwrap().iter().any(|n| n["kind"] == "term" && n["id"] == "actors/usfk"));
    assert!(graph["nodes"].as_array().unwrap().iter().any(|n| n["kind"] == "brief" && n["id"] == "a"));
    assert!(graph["edges"].as_array().unwrap().iter().any(|e| e["source"] == "a" && e["target"] == "actors/usfk"));
    // JSON-LD: `about` the tagged term with its Wikidata item, `mentions` the untagged one.
    let page = run.read("b/index.html");
    let start = page.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let json: serde_json::Value =
        serde_json::from_str(&page[start..start + page[start..].find("</script>").unwrap()]).unwrap();
    assert_eq!(json["@type"], "Report");
    assert_eq!(json["mentions"][0]["sameAs"], "https://www.wikidata.org/entity/Q1145298");
    let a = run.read("a/index.html");
    let start = a.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let json: serde_json::Value =
        serde_json::from_str(&a[start..start + a[start..].find("</script>").unwrap()]).unwrap();
    assert_eq!(json["about"][0]["url"], "https://example.org/actors/usfk/");
    assert_eq!(json["author"][0]["url"], "https://example.org/authors/policy-desk/");
    assert!(!a[start..].split("</script>").next().unwrap().contains('<'), "nothing in it can close the script");
    // The search index carries every name of a term.
    assert!(run.read("search/index.json").contains("주한미군"));
    // The term page shows the record and who mentions it.
    let term = run.main_of("actors/usfk/index.html");
    assert!(term.contains("lang=\"ko\">주한미군</p>"), "{term}");
    assert!(term.contains("The US forces stationed in Korea."), "{term}");
    assert!(term.contains("https://www.wikidata.org/wiki/Q1145298"), "{term}");
    let mentioned = &term[term.find("Mentioned in").expect("a Mentioned in section")..];
    assert!(mentioned.contains(">B</a>") && !mentioned.contains(">A</a>"), "{mentioned}");
    assert!(run.read("actors/usfk/index.html").contains("application/atom+xml"), "the term's feed in <head>");
}

#[test]
fn a_record_name_in_a_language_that_is_not_a_tag_is_an_error() {
    // The key becomes a `lang` attribute: a language's name or a stray character is not one.
    for (names, shown) in [("{Korean: 주한미군}", "`Korean`"), ("{\"\\uFFFE\": X}", "`\\u{fffe}`")] {
        let run = SiteTest::new()
            .brief("actors/usfk.md", &format!("---\ntitle: US Forces Korea\nnames: {names}\n---\n"))
            .build_err();
        assert!(run.stderr.contains(&format!("{shown} in `names` is not a language tag")), "{}", run.stderr);
        assert!(run.stderr.contains("content/actors/usfk.md:3:"), "{}", run.stderr);
        assert!(run.stderr.contains("such as `ko` or `en`"), "{}", run.stderr);
    }
    let run = SiteTest::new().brief("actors/usfk.md", "---\ntitle: USFK\nnames: {\"\": X}\n---\n").build_err();
    assert!(run.stderr.contains("`names` has a name without a language"), "{}", run.stderr);
}
