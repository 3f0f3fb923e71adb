//! What a reader of the default theme gets: footnotes, figures, tasks, term chips, feeds a
//! browser can show, the site's icon.

use crate::support::SiteTest;

/// Every `id="…"` of an HTML text.
fn ids(html: &str) -> Vec<&str> {
    html.split(" id=\"").skip(1).map(|p| &p[..p.find('"').unwrap()]).collect()
}

#[test]
fn footnotes_and_headings_never_share_an_id_and_notes_come_last_under_a_heading() {
    let site = SiteTest::new()
        .brief(
            "a.md",
            "---\ntitle: A\n---\n## SF\n\nStrategic flexibility[^sf] and [^notes].\n\n## Notes\n\n[^sf]: The 2006 understanding.\n\n[^notes]: Another.\n",
        )
        .brief("b.md", "---\ntitle: B\nlang: ko\n---\n각주[^1].\n\n[^1]: 주석.\n")
        .build_ok();
    let page = site.read("a/index.html");
    let ids = ids(&page);
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "ids repeat on the page: {ids:?}");
    assert!(ids.contains(&"sf") && ids.contains(&"fn:1") && ids.contains(&"fnref:1"), "{ids:?}");
    let prose = &page[page.find("<div class=\"prose\">").unwrap()..];
    let notes = prose.find("<section class=\"footnotes\"").expect("a notes section");
    assert!(prose[..notes].contains("<h2 id=\"notes\">Notes</h2>"), "the author's heading keeps its id: {prose}");
    assert!(prose[notes..].contains("<h2 id=\"footnotes-heading\">Notes</h2>"), "{prose}");
    assert!(prose[notes..].contains("<a href=\"#fnref:1\" class=\"footnote-back\""), "{prose}");
    // The heading is in the page's language.
    let korean = site.read("b/index.html");
    assert!(korean.contains("<h2 id=\"footnotes-heading\">주</h2>"), "{korean}");
}

#[test]
fn a_titled_image_is_a_figure_and_tasks_are_labelled() {
    let site = SiteTest::new()
        .brief("a.md", "---\ntitle: A\n---\n![A map](map.png \"Bases in Korea\")\n\n- [x] Done\n- [ ] Open\n")
        .file("content/map.png", "PNG")
        .build_ok();
    let page = site.main_of("a/index.html");
    assert!(
        page.contains("<figure><img src=\"/map.png\" alt=\"A map\" /><figcaption>Bases in Korea</figcaption></figure>"),
        "{page}"
    );
    assert!(page.contains("<label class=\"task\"><input type=\"checkbox\" disabled checked> Done</label>"), "{page}");
    assert!(page.contains("<label class=\"task\"><input type=\"checkbox\" disabled> Open</label>"), "{page}");
}

#[test]
fn term_chips_with_equal_counts_are_sorted_by_name() {
    let site = SiteTest::new()
        .config("taxonomies: [topics]\n")
        .brief("a.md", "---\ntitle: A\ntopics: [Zeta, Alpha, Most]\n---\n")
        .brief("b.md", "---\ntitle: B\ntopics: [Most, Mid, beta]\n---\n")
        .brief("c.md", "---\ntitle: C\ntopics: [Most, Mid]\n---\n")
        .build_ok();
    let home = site.main_of("index.html");
    let aside = &home[home.find("<aside").unwrap()..];
    let order = ["Most", "Mid", "Alpha", "beta", "Zeta"];
    let at: Vec<usize> = order.iter().map(|t| aside.find(&format!(">{t} <span")).expect(t)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "chips not in the order {order:?}: {aside}");
}

#[test]
fn term_pages_link_their_feed_in_the_head_and_visibly() {
    let site = SiteTest::new()
        .config("taxonomies: [topics]\n")
        .brief("a.md", "---\ntitle: A\ntopics: [OPCON]\n---\n")
        .arg("--base-url")
        .arg("https://example.org/policy/")
        .build_ok();
    let page = site.read("topics/opcon/index.html");
    let head = &page[..page.find("</head>").unwrap()];
    assert!(
        head.contains(r#"<link rel="alternate" type="application/atom+xml" title="OPCON — Briefs" href="/policy/topics/opcon/atom.xml">"#),
        "{head}"
    );
    let main = site.main_of("topics/opcon/index.html");
    assert!(
        main.contains(
            r#"<a class="subscribe" href="/policy/topics/opcon/atom.xml" type="application/atom+xml">Subscribe to OPCON</a> (Atom feed)"#
        ),
        "{main}"
    );
    assert!(site.exists("topics/opcon/atom.xml"));
    // Every page says where to subscribe to the whole site.
    assert!(site.read("index.html").contains(r#"<a class="subscribe" href="/policy/atom.xml""#));
}

#[test]
fn pages_link_the_default_icon_and_a_sites_own_icon_wins() {
    let site = SiteTest::new().brief("a.md", "---\ntitle: A\n---\n").build_ok();
    let page = site.read("a/index.html");
    let link = page.lines().find(|l| l.starts_with("<link rel=\"icon\"")).expect("an icon link");
    assert!(link.contains("href=\"/static/favicon.svg?v=") && link.contains("type=\"image/svg+xml\""), "{link}");
    assert!(site.read("static/favicon.svg").starts_with("<svg"));
    let own = SiteTest::new()
        .brief("a.md", "---\ntitle: A\n---\n")
        .file("static/favicon.ico", "ICO")
        .arg("--base-url")
        .arg("/policy/")
        .build_ok();
    let page = own.read("a/index.html");
    assert!(page.contains(r#"<link rel="icon" href="/policy/favicon.ico" type="image/x-icon">"#), "{page}");
    assert_eq!(own.read("favicon.ico"), "ICO");
}
