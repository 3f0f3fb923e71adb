//! Cross-linking: link syntaxes, checks, backlinks, related briefs, previous/next, graph.json.

use crate::support::SiteTest;

fn linking_site(body: &str) -> SiteTest {
    SiteTest::new()
        .brief(
            "briefs/opcon-transfer.md",
            "---\ntitle: OPCON transfer\ndate: 2025-11-04\n---\n## Conditions\n\nText.\n",
        )
        .brief("background/cfc.md", "---\ntitle: Combined Forces Command\ndate: 2024-01-01\n---\n## History\n\nText.\n")
        .brief("briefs/deep/inner.md", "---\ntitle: Inner\n---\nText.\n")
        .file("content/briefs/map.png", "PNG")
        .brief("briefs/source.md", &format!("---\ntitle: Source\ndate: 2025-11-05\n---\n{body}\n"))
}

fn source_main(body: &str) -> String {
    linking_site(body).build_ok().main_of("briefs/source/index.html")
}

#[test]
fn wikilinks_with_and_without_label_and_anchor() {
    let page = source_main("A [[opcon-transfer]] B [[opcon-transfer|the transfer]] C [[opcon-transfer#conditions]] D [[opcon-transfer#conditions|conditions]]");
    assert!(page.contains(r#"A <a href="/briefs/opcon-transfer/">OPCON transfer</a> B"#), "{page}");
    assert!(page.contains(r#"B <a href="/briefs/opcon-transfer/">the transfer</a> C"#), "{page}");
    assert!(page.contains(r##"C <a href="/briefs/opcon-transfer/#conditions">OPCON transfer</a> D"##), "{page}");
    assert!(page.contains(r##"D <a href="/briefs/opcon-transfer/#conditions">conditions</a>"##), "{page}");
}

#[test]
fn wikilinks_by_path_with_or_without_md() {
    let page = source_main("[[background/cfc]] and [[background/cfc.md|CFC]] and [[briefs/deep/inner]]");
    assert!(page.contains(r#"<a href="/background/cfc/">Combined Forces Command</a>"#), "{page}");
    assert!(page.contains(r#"<a href="/background/cfc/">CFC</a>"#), "{page}");
    assert!(page.contains(r#"<a href="/briefs/deep/inner/">Inner</a>"#), "{page}");
}

#[test]
fn relative_markdown_links_up_and_down_folders() {
    let page = source_main(
        "[same](opcon-transfer.md) [up](../background/cfc.md#history) [down](deep/inner.md) [img](map.png)",
    );
    assert!(page.contains(r#"<a href="/briefs/opcon-transfer/">same</a>"#), "{page}");
    assert!(page.contains(r##"<a href="/background/cfc/#history">up</a>"##), "{page}");
    assert!(page.contains(r#"<a href="/briefs/deep/inner/">down</a>"#), "{page}");
    assert!(page.contains(r#"<a href="/briefs/map.png">img</a>"#), "{page}");
}

#[test]
fn links_honour_a_subpath_base_url() {
    let site = linking_site("[[opcon-transfer]] [x](../background/cfc.md)")
        .arg("--base-url")
        .arg("https://example.org/policy/")
        .build_ok();
    let page = site.main_of("briefs/source/index.html");
    assert!(page.contains(r#"<a href="/policy/briefs/opcon-transfer/">"#), "{page}");
    assert!(page.contains(r#"<a href="/policy/background/cfc/">"#), "{page}");
}

#[test]
fn code_is_left_alone_and_external_links_pass_through() {
    let page = source_main("`[[opcon-transfer]]` and\n\n```\n[[nope]] [x](missing.md)\n```\n\n[site](https://example.org/a) [mail](mailto:a@example.org)");
    assert!(page.contains("<code>[[opcon-transfer]]</code>"), "{page}");
    assert!(page.contains("[[nope]] [x](missing.md)"), "{page}");
    assert!(page.contains(r#"<a href="https://example.org/a">site</a>"#), "{page}");
    assert!(page.contains(r#"<a href="mailto:a@example.org">mail</a>"#), "{page}");
}

#[test]
fn a_missing_page_is_an_error_at_the_link_with_a_suggestion() {
    let run = linking_site("Intro line.\n\nCompare [[opcon-transfr|the plan]] here.").build_err();
    assert!(run.stderr.contains("error[broken-link]: no brief is named `opcon-transfr`"), "{}", run.stderr);
    // line 7: four lines of front-matter, a blank line (the body starts on line 5), "Intro line.", blank
    assert!(run.stderr.contains("content/briefs/source.md:7:9"), "{}", run.stderr);
    assert!(run.stderr.contains("help: did you mean `opcon-transfer`?"), "{}", run.stderr);
    assert!(!run.root.join("output").exists(), "nothing written on failure");
}

#[test]
fn a_missing_relative_file_is_an_error() {
    let run = linking_site("See [the CFC](../background/cfcc.md).").build_err();
    assert!(run.stderr.contains("no brief at `content/background/cfcc.md`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/briefs/source.md:5:5"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `content/background/cfc.md`?"), "{}", run.stderr);
}

#[test]
fn an_ambiguous_slug_is_an_error_naming_both_files() {
    let run = linking_site("See [[cfc]].").brief("briefs/cfc.md", "---\ntitle: Other CFC\n---\n").build_err();
    assert!(run.stderr.contains("error[ambiguous-link]"), "{}", run.stderr);
    assert!(run.stderr.contains("`content/background/cfc.md` and `content/briefs/cfc.md`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/briefs/source.md:5:5"), "{}", run.stderr);
}

#[test]
fn a_missing_anchor_is_an_error_with_the_closest_heading() {
    let run = linking_site("See [[opcon-transfer#conditons]].").build_err();
    assert!(
        run.stderr.contains("error[missing-anchor]: `briefs/opcon-transfer` has no heading with the id `conditons`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `conditions`?"), "{}", run.stderr);
}

#[test]
fn a_link_to_a_draft_is_an_error() {
    let run = linking_site("See [[wip]].").brief("briefs/wip.md", "---\ntitle: WIP\ndraft: true\n---\n").build_err();
    assert!(run.stderr.contains("error[link-to-draft]"), "{}", run.stderr);
}

#[test]
fn all_broken_links_in_all_files_are_reported_in_one_run() {
    let run = linking_site("[[nope-one]] and [[nope-two]]")
        .brief("background/other.md", "---\ntitle: Other\n---\n[x](nope-three.md)\n")
        .build_err();
    for needle in
        ["nope-one", "nope-two", "nope-three", "content/background/other.md:4:1", "error: 3 errors in 2 files"]
    {
        assert!(run.stderr.contains(needle), "missing {needle}:\n{}", run.stderr);
    }
    // sorted by file: background/ before briefs/
    assert!(run.stderr.find("background/other.md").unwrap() < run.stderr.find("briefs/source.md").unwrap());
}

#[test]
fn broken_links_can_be_downgraded_to_warnings() {
    let site = linking_site("See [[nope|this]].").arg("--allow-broken-links").build_ok();
    assert!(site.stderr.contains("warning[broken-link]"), "{}", site.stderr);
    let page = site.main_of("briefs/source/index.html");
    assert!(page.contains(r#"<span class="broken-link" title="broken link: nope">this</span>"#), "{page}");
    let site = linking_site("See [[nope|this]].").config("broken_links: warn\n").build_ok();
    assert!(site.stderr.contains("warning[broken-link]"), "{}", site.stderr);
}

#[test]
fn backlinks_list_the_citing_briefs() {
    let site = linking_site("[[opcon-transfer]] twice [[opcon-transfer]]")
        .brief("briefs/third.md", "---\ntitle: Third\ndate: 2025-12-01\n---\n[x](opcon-transfer.md)\n")
        .build_ok();
    let page = site.main_of("briefs/opcon-transfer/index.html");
    let section = &page[page.find("Referenced by").expect("backlinks shown")..];
    let (third, source) = (section.find(">Third<").unwrap(), section.find(">Source<").unwrap());
    assert!(third < source, "newest first: {section}");
    assert_eq!(section.matches(">Source<").count(), 1, "one entry per citing brief");
    assert!(section.contains(r#"<time datetime="2025-11-05">5 November 2025</time>"#), "{section}");
}

#[test]
fn related_briefs_put_explicit_first_then_rare_shared_terms() {
    let site = SiteTest::new()
        .brief("a.md", "---\ntitle: A\ndate: 2025-01-01\ntopics: [Common, Rare]\nrelated: [e]\n---\n")
        .brief("b.md", "---\ntitle: B\ndate: 2025-01-02\ntopics: [Common]\n---\n")
        .brief("c.md", "---\ntitle: C\ndate: 2025-01-03\ntopics: [Rare]\n---\n")
        .brief("d.md", "---\ntitle: D\ndate: 2025-01-04\ntopics: [Common]\n---\n")
        .brief("e.md", "---\ntitle: E\ndate: 2025-01-05\ntopics: [Other]\n---\n")
        .build_ok();
    let page = site.main_of("a/index.html");
    let related = &page[page.find("Related briefs").expect("related shown")..];
    let pos = |t: &str| related.find(&format!(">{t}<")).unwrap_or_else(|| panic!("{t} missing: {related}"));
    assert!(pos("E") < pos("C") && pos("C") < pos("D") && pos("D") < pos("B"), "{related}");
    assert!(related.contains("shares Rare"), "{related}");
}

#[test]
fn previous_and_next_within_a_section_by_date() {
    let site = SiteTest::new()
        .brief("briefs/one.md", "---\ntitle: One\ndate: 2025-01-01\n---\n")
        .brief("briefs/two.md", "---\ntitle: Two\ndate: 2025-02-01\n---\n")
        .brief("briefs/three.md", "---\ntitle: Three\ndate: 2025-03-01\n---\n")
        .brief("other/x.md", "---\ntitle: X\ndate: 2025-02-15\n---\n")
        .build_ok();
    let two = site.main_of("briefs/two/index.html");
    assert!(two.contains(r#"<a rel="prev" href="/briefs/one/">"#), "{two}");
    assert!(two.contains(r#"<a rel="next" class="next" href="/briefs/three/">"#), "{two}");
    assert!(!site.main_of("briefs/one/index.html").contains("rel=\"prev\""));
}

#[test]
fn graph_json_matches_the_links_of_the_built_pages() {
    let site = linking_site("[[opcon-transfer]] [[opcon-transfer#conditions]] [c](../background/cfc.md)")
        .brief(
            "briefs/opcon-transfer.md",
            "---\ntitle: OPCON transfer\ndate: 2025-11-04\ntopics: [OPCON]\n---\n## Conditions\n\n[[source]]\n",
        )
        .build_ok();
    let graph: serde_json::Value = serde_json::from_str(&site.read("graph.json")).unwrap();
    let nodes = graph["nodes"].as_array().unwrap();
    let ids: Vec<&str> = nodes.iter().filter(|n| n["kind"] == "brief").map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["background/cfc", "briefs/deep/inner", "briefs/opcon-transfer", "briefs/source"]);
    let terms: Vec<&str> = nodes.iter().filter(|n| n["kind"] == "term").map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(terms, ["topics/opcon"], "a node per term");
    let opcon = &nodes[2];
    assert_eq!(opcon["url"], "/briefs/opcon-transfer/");
    assert_eq!(opcon["section"], "briefs");
    assert_eq!(opcon["date"], "2025-11-04");
    assert_eq!(opcon["terms"]["topics"][0], "OPCON");
    let edges: Vec<(String, String)> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] != "about")
        .map(|e| (e["source"].as_str().unwrap().to_string(), e["target"].as_str().unwrap().to_string()))
        .collect();
    // Each edge is a link that the source page really has; each distinct pair once.
    for (source, target) in &edges {
        let page = site.main_of(&format!("{source}/index.html"));
        assert!(page.contains(&format!("href=\"/{target}/")), "{source} → {target} not in page");
    }
    let expected = [
        ("briefs/opcon-transfer", "briefs/source"),
        ("briefs/source", "background/cfc"),
        ("briefs/source", "briefs/opcon-transfer"),
    ];
    assert_eq!(edges, expected.map(|(a, b)| (a.to_string(), b.to_string())));
}

#[test]
fn odd_link_targets_are_errors_not_crashes_and_email_autolinks_pass_through() {
    let run = linking_site("[the plan](%가.md)").build_err();
    assert!(run.stderr.contains("error[broken-link]"), "{}", run.stderr);
    let page = source_main("Write to <press@example.org>.");
    assert!(page.contains(r#"<a href="mailto:press@example.org">press@example.org</a>"#), "{page}");
}
