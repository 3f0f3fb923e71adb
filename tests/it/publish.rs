//! Publishing: Atom feeds, sitemap, robots.txt, canonical URLs, Open Graph tags, search index.

use crate::support::SiteTest;

fn site_with_base(base: &str) -> SiteTest {
    SiteTest::new()
        .config("title: Alliance <Briefs> & more\nfeed_limit: 2\n")
        .brief("briefs/old.md", "---\ntitle: Old\ndate: 2024-01-01\ntopics: [OPCON]\n---\nOld text.\n")
        .brief(
            "briefs/mid.md",
            "---\ntitle: Mid & <more>\ndate: 2025-01-01\nupdated: 2025-06-01T09:00:00+09:00\ntopics: [OPCON]\nauthors: [Desk]\nsummary: A \"quoted\" summary.\n---\nMid text.\n",
        )
        .brief("briefs/new.md", "---\ntitle: New\ndate: 2025-03-01\ntopics: [전시작전통제권]\nimage: map.png\n---\nNew **text** [[mid]].\n")
        .file("content/briefs/map.png", "PNG")
        .arg("--base-url")
        .arg(base)
}

#[test]
fn the_site_feed_holds_the_newest_entries_with_absolute_urls_and_escaping() {
    let site = site_with_base("https://example.org/policy/").build_ok();
    let feed = site.read("atom.xml");
    // A browser shows the feed with the theme's stylesheet, a file of the route table.
    let style = "/policy/static/feed.xsl?v=";
    assert!(
        feed.starts_with(&format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"{style}"
        )),
        "{feed}"
    );
    assert!(feed.contains("\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""), "{feed}");
    let xsl = site.read("static/feed.xsl");
    assert!(xsl.contains("<xsl:stylesheet") && xsl.contains("feed reader"), "{xsl}");
    assert!(site.read("topics/opcon/atom.xml").contains(&format!("<?xml-stylesheet type=\"text/xsl\" href=\"{style}")));
    assert!(feed.contains("<title>Alliance &lt;Briefs&gt; &amp; more</title>"), "{feed}");
    assert!(feed.contains(r#"<link href="https://example.org/policy/atom.xml" rel="self""#), "{feed}");
    // feed_limit: 2 → the two newest, newest first
    let (new, mid) =
        (feed.find("<title>New</title>").unwrap(), feed.find("<title>Mid &amp; &lt;more&gt;</title>").unwrap());
    assert!(new < mid, "{feed}");
    assert!(!feed.contains("<title>Old</title>"), "{feed}");
    assert!(feed.contains("<id>https://example.org/policy/briefs/new/</id>"), "{feed}");
    assert!(feed.contains("<updated>2025-06-01T09:00:00+09:00</updated>"), "updated from `updated`: {feed}");
    assert!(feed.contains("<summary type=\"text\">A &quot;quoted&quot; summary.</summary>"), "{feed}");
    assert!(feed.contains("<author><name>Desk</name></author>"), "{feed}");
    assert!(!feed.contains("<content"), "summary only by default: {feed}");
}

#[test]
fn term_feeds_and_full_content() {
    let site = site_with_base("https://example.org/").config("feed_content: full\n").build_ok();
    let feed = site.read("topics/opcon/atom.xml");
    assert!(feed.contains("<title>Mid &amp; &lt;more&gt;</title>") && feed.contains("<title>Old</title>"), "{feed}");
    let korean = site.read("topics/전시작전통제권/atom.xml");
    assert!(
        korean.contains(
            "https://example.org/topics/%EC%A0%84%EC%8B%9C%EC%9E%91%EC%A0%84%ED%86%B5%EC%A0%9C%EA%B6%8C/atom.xml"
        ),
        "{korean}"
    );
    assert!(korean.contains("<content type=\"html\" xml:base=\"https://example.org/briefs/new/\">&lt;p&gt;New &lt;strong&gt;text&lt;/strong&gt;"), "{korean}");
}

#[test]
fn sitemap_lists_every_page_with_lastmod_and_robots_points_to_it() {
    let site = site_with_base("https://example.org/policy/").build_ok();
    let sitemap = site.read("sitemap.xml");
    for loc in [
        "https://example.org/policy/",
        "https://example.org/policy/briefs/",
        "https://example.org/policy/briefs/old/",
        "https://example.org/policy/topics/",
        "https://example.org/policy/topics/opcon/",
        "https://example.org/policy/topics/%EC%A0%84%EC%8B%9C%EC%9E%91%EC%A0%84%ED%86%B5%EC%A0%9C%EA%B6%8C/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{loc}</loc>")), "{loc} missing:\n{sitemap}");
    }
    assert!(
        sitemap.contains("<loc>https://example.org/policy/briefs/mid/</loc><lastmod>2025-06-01</lastmod>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("404"), "{sitemap}");
    let pages = site.read("sitemap.xml").matches("<url>").count();
    let html_pages = crate::support::files_under(&site.root.join("output"))
        .into_iter()
        .filter(|p| p.ends_with("index.html") && !p.starts_with("old/") && !p.starts_with("search/"))
        .count();
    assert_eq!(pages, html_pages, "{sitemap}");
    assert_eq!(site.read("robots.txt"), "User-agent: *\nAllow: /\nSitemap: https://example.org/policy/sitemap.xml\n");
}

#[test]
fn without_an_absolute_base_url_feeds_and_sitemap_are_not_written_and_only_verbose_says_why() {
    // The default `base_url: /` is a local preview: no warning, a note with `-v`.
    let site = SiteTest::new().brief("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\n").build_ok();
    assert!(!site.exists("atom.xml") && !site.exists("sitemap.xml"));
    assert!(site.exists("robots.txt"));
    assert!(!site.stderr.contains("warning"), "{}", site.stderr);
    assert!(!site.stderr.contains("feeds and sitemap"), "{}", site.stderr);
    assert!(site.stderr.contains("built 7 pages (1 brief, 0 terms)"), "{}", site.stderr);
    let verbose = SiteTest::new().brief("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\n").arg("-v").build_ok();
    assert_eq!(verbose.stderr.matches("note: feeds and sitemap were not written").count(), 1, "{}", verbose.stderr);
    assert!(verbose.stderr.contains("--base-url"), "{}", verbose.stderr);
}

#[test]
fn canonical_and_open_graph_tags() {
    let site = site_with_base("https://example.org/policy/").build_ok();
    let page = site.read("briefs/new/index.html");
    assert!(page.contains(r#"<link rel="canonical" href="https://example.org/policy/briefs/new/">"#), "{page}");
    assert!(page.contains(r#"<meta property="og:title" content="New">"#), "{page}");
    assert!(page.contains(r#"<meta property="og:type" content="article">"#), "{page}");
    assert!(
        page.contains(r#"<meta property="og:image" content="https://example.org/policy/briefs/map.png">"#),
        "{page}"
    );
    let mid = site.read("briefs/mid/index.html");
    assert!(mid.contains(r#"<meta property="og:description" content="A &quot;quoted&quot; summary.">"#), "{mid}");
    let term = site.read("topics/opcon/index.html");
    assert!(term.contains(r#"<link rel="canonical" href="https://example.org/policy/topics/opcon/">"#), "{term}");
    assert!(site.read("index.html").contains(r#"<link rel="alternate" type="application/atom+xml""#));
}

#[test]
fn search_index_holds_only_what_search_needs() {
    let site = site_with_base("https://example.org/policy/").build_ok();
    let index = crate::search::Index::read(&site, "");
    // Documents are numbered by id; the order lists them newest first.
    let docs: Vec<&serde_json::Value> = index.order.iter().map(|&d| &index.docs[d]).collect();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0][0], "New");
    assert_eq!(docs[0][1], "briefs/new/");
    assert_eq!(docs[0][2], "2025-03-01");
    // A document names its terms by key, which the entry's list of terms holds.
    let key = docs[0][4][0].as_str().unwrap();
    let term = index.meta["terms"].as_array().unwrap().iter().find(|t| t[4] == key).unwrap();
    assert_eq!(term[1], "전시작전통제권");
    let page = site.read("search/index.html");
    assert!(page.contains("data-base=\"/policy/\""), "{page}");
    assert!(page.contains("/policy/static/search.js?v="), "{page}");
}

#[test]
fn theme_assets_carry_a_content_hash() {
    let site = SiteTest::new().brief("a.md", "---\ntitle: A\n---\n").build_ok();
    let page = site.read("a/index.html");
    let start = page.find("/static/style.css?v=").expect("hashed stylesheet");
    let hash = &page[start + 20..start + 28];
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
    let site2 = SiteTest::new()
        .brief("a.md", "---\ntitle: A\n---\n")
        .file("themes/default/static/style.css", "body { color: red }")
        .build_ok();
    assert!(!site2.read("a/index.html").contains(&format!("style.css?v={hash}")), "hash changes with the content");
}
