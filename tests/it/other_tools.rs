//! Content written for other tools builds (issue 13): fixtures in the styles of an Obsidian
//! vault, a Jekyll site, a Dendron vault and a Hugo/Zola site, and one test per convention.

use crate::support::SiteTest;

/// The `<h1>` of a page.
fn h1(html: &str) -> &str {
    let start = html.find("<h1").and_then(|i| html[i..].find('>').map(|j| i + j + 1)).expect("an h1");
    &html[start..start + html[start..].find("</h1>").unwrap()]
}

/// The number of diagnostics of each severity printed.
fn printed(stderr: &str, prefix: &str) -> usize {
    stderr.lines().filter(|l| l.starts_with(prefix)).count()
}

#[test]
fn obsidian_vault_builds() {
    let mut test = SiteTest::new()
        // No front-matter, a leading heading: the heading is the title, shown once.
        .brief("Alliance Modernization.md", "# The alliance, *modernised*\n\nLinks to [[Local vault]] and ![[map.png]] and ![[Becoming Good At Things]].\n")
        // Front-matter without a title: the file name as written.
        .brief(
            "notes/Becoming Good At Things.md",
            "---\naliases: [Local vault, /old/becoming/]\ndraft:\ntopics:\nsummary: ~\n---\nNo title here.\n",
        )
        // Another note whose alias differs only in case: names, not URLs, so no clash.
        .brief("notes/other.md", "---\naliases: [local Vault2]\ndraft: \"false\"\n---\nOther.\n")
        .brief("notes/hidden.md", "---\ndraft: \"TRUE\"\n---\nHidden.\n")
        .brief("notes/.obsidian-like/ignored.md", "# ignored\n")
        .file("content/attachments/map.png", "PNG");
    // 40 distinct unknown keys over 100 notes: one warning per key.
    for n in 0..100 {
        let keys: String = (0..40).map(|k| format!("key{k}x: {n}\n")).collect();
        test = test.brief(&format!("daily/2024-01-{n:03}.md"), &format!("---\n{keys}---\nDay {n}.\n"));
    }
    let run = test.arg("--allow-broken-links").build_ok();

    let home = run.read("alliance-modernization/index.html");
    assert_eq!(h1(&home), "The alliance, modernised");
    assert_eq!(home.matches("The alliance, <em>modernised</em>").count(), 0, "the heading is not repeated in the body");
    assert!(home.contains("href=\"/notes/becoming-good-at-things/\">Becoming Good At Things</a>"), "alias link");
    assert!(home.contains("<img src=\"/attachments/map.png\""), "embedded image found by its name");
    assert_eq!(
        home.matches("href=\"/notes/becoming-good-at-things/\">Becoming Good At Things</a>").count(),
        2,
        "note embed is a link with its title"
    );
    let untitled = run.read("notes/becoming-good-at-things/index.html");
    assert_eq!(h1(&untitled), "Becoming Good At Things");
    // The alias that starts with `/` is an old URL.
    assert!(run.read("old/becoming/index.html").contains("/notes/becoming-good-at-things/"));
    assert!(run.exists("notes/other/index.html"), "draft: \"false\" is published");
    assert!(!run.exists("notes/hidden/index.html"), "draft: \"TRUE\" is a draft");
    // Every Markdown file that is not hidden or a draft became a page.
    assert_eq!((0..100).filter(|n| run.exists(&format!("daily/2024-01-{n:03}/index.html"))).count(), 100);
    // A folder of pictures is not a section.
    assert!(!run.exists("attachments/index.html"));
    assert!(run.exists("attachments/map.png"));

    let warnings = printed(&run.stderr, "warning[");
    assert!(warnings <= 45, "{warnings} warnings printed:\n{}", run.stderr);
    assert_eq!(printed(&run.stderr, "warning[unknown-key]"), 40, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown front-matter key `key7x` is ignored in 100 files (100 places)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("4,000 unknown-key"), "the summary counts by kind:\n{}", run.stderr);
}

#[test]
fn verbose_lists_every_place() {
    let mut test = SiteTest::new();
    for n in 0..5 {
        test = test.brief(&format!("n{n}.md"), "---\ncreated: 2020-01-01\n---\nx\n");
    }
    let run = test.arg("-v").build_ok();
    assert_eq!(printed(&run.stderr, "warning[unknown-key]"), 5, "{}", run.stderr);
    assert!(run.stderr.contains("another tool's key"), "{}", run.stderr);
}

#[test]
fn repeated_broken_links_are_one_warning_and_errors_are_never_grouped() {
    let mut test = SiteTest::new();
    for n in 0..30 {
        test = test.brief(&format!("n{n}.md"), &format!("---\ntitle: N{n}\n---\n[[missing-{n}]] [[gone-{n}]]\n"));
    }
    let run = test.arg("--allow-broken-links").build_ok();
    assert_eq!(printed(&run.stderr, "warning[broken-link]"), 1, "{}", run.stderr);
    assert!(run.stderr.contains("and 59 more `broken-link` warnings in 30 files"), "{}", run.stderr);

    let mut test = SiteTest::new();
    for n in 0..30 {
        test = test.brief(&format!("n{n}.md"), &format!("---\ntitle: N{n}\n---\n[[missing-{n}]]\n"));
    }
    let run = test.build_err();
    assert_eq!(printed(&run.stderr, "error[broken-link]"), 30, "{}", run.stderr);
}

#[test]
fn jekyll_site_builds() {
    let run = SiteTest::new()
        .config("base_url: https://example.org/\n")
        .brief(
            "_posts/2018-01-02-welcome-to-jekyll.markdown",
            "---\nlayout: post\ndescription: \"A Jekyll post\"\n---\nHello.\n",
        )
        .brief("_posts/2014-12-17-zoned.md", "---\ntitle: Zoned\ndate: 2014-12-17 11:16:21 -0800\n---\nx\n")
        .brief("_posts/2018-04-19-quoted.md", "---\ntitle: Quoted\ndate: \"2018-04-19 16:07:00 +0100\"\n---\nx\n")
        .brief("about.md", "---\ntitle: About\npermalink: /about.html\n---\nAbout us.\n")
        .brief("links.md", "---\ntitle: Links\npermalink: links\n---\nSee [about](/about.html) and [post](/posts/welcome-to-jekyll/).\n")
        .build_ok();
    // The date comes from the file name, which loses it in the URL.
    let post = run.read("posts/welcome-to-jekyll/index.html");
    assert!(post.contains("datetime=\"2018-01-02\""), "{post}");
    assert_eq!(h1(&post), "welcome to jekyll");
    assert!(post.contains("<meta name=\"description\" content=\"A Jekyll post\">"), "description is the summary");
    assert!(run.read("posts/zoned/index.html").contains("datetime=\"2014-12-17T11:16:21-08:00\""));
    assert!(run.read("posts/quoted/index.html").contains("datetime=\"2018-04-19T16:07:00+01:00\""));
    assert_eq!(h1(&run.read("about.html")), "About");
    assert!(run.read("links/index.html").contains("href=\"/posts/welcome-to-jekyll/\""));
    assert!(run.read("sitemap.xml").contains("https://example.org/about.html"));
}

#[test]
fn dendron_vault_builds() {
    let run = SiteTest::new()
        .brief(
            "root.alliance.opcon.md",
            "---\nid: 4x8\ntitle: OPCON\ndesc: ''\nupdated: 1653409628830\ncreated: 1653409628830\n---\nx\n",
        )
        .brief("root.alliance.md", "---\nid: 9z\ndesc: ''\ncreated: 1653409628\n---\nUntitled.\n")
        .build_ok();
    let page = run.read("root-alliance-opcon/index.html");
    assert!(page.contains("2022-05-24T16:27:08.830+00:00"), "milliseconds are Unix time");
    assert_eq!(h1(&run.read("root-alliance/index.html")), "root.alliance");
    assert_eq!(printed(&run.stderr, "warning[unknown-key]"), 3, "{}", run.stderr);
}

#[test]
fn hugo_and_zola_site_builds() {
    let run = SiteTest::new()
        .config("timezone: Asia/Seoul\n")
        .brief(
            "blog/zola.md",
            "+++\ntitle = \"Zola style\"\ndate = 2024-05-01T10:00:00\ntopics = [\"OPCON\"]\ndraft = false\n[extra]\nx = 1\n+++\nSee ![map](trip/map.png).\n",
        )
        .brief("blog/yaml.md", "---\ntitle: YAML style\ndate: 2024-05-02\n---\nx\n")
        .brief("blog/trip/index.md", "---\ntitle: Trip\nimage: map.png\n---\n![x](map.png)\n")
        .file("content/blog/trip/map.png", "PNG")
        .brief("blog/moved.md", "---\ntitle: Moved\nurl: /travel/moved/\n---\nx\n")
        .build_ok();
    let zola = run.read("blog/zola/index.html");
    assert!(zola.contains("datetime=\"2024-05-01T10:00:00+09:00\""), "a time without a zone is in the site's");
    assert!(run.exists("topics/opcon/index.html"));
    // The bundle is one page with its files; its folder is not a section.
    let trip = run.read("blog/trip/index.html");
    assert_eq!(h1(&trip), "Trip");
    assert!(trip.contains("<img src=\"/blog/trip/map.png\""), "{trip}");
    assert!(run.exists("blog/trip/map.png"));
    assert!(!run.read("blog/index.html").contains("/blog/trip/page"), "not a section");
    assert!(run.exists("travel/moved/index.html"));
    assert!(!run.exists("blog/moved/index.html"));
}

#[test]
fn toml_errors_are_positioned() {
    let run = SiteTest::new().brief("a.md", "+++\ntitle = \"A\"\ndate = \"not a date\"\n+++\n").build_err();
    assert!(run.stderr.contains("error[bad-date]: `not a date` is not a valid date"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:3:8"), "{}", run.stderr);
    let run = SiteTest::new().brief("a.md", "+++\ntitle = A\n+++\n").build_err();
    assert!(run.stderr.contains("error[toml]: the front-matter is not valid TOML"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:2:9"), "{}", run.stderr);
}

#[test]
fn a_markdown_file_inside_a_bundle_is_an_error() {
    let run = SiteTest::new()
        .brief("trip/index.md", "---\ntitle: Trip\n---\nx\n")
        .brief("trip/notes.md", "---\ntitle: Notes\n---\nx\n")
        .build_err();
    assert!(run.stderr.contains("error[in-bundle]"), "{}", run.stderr);
    assert!(run.stderr.contains("content/trip/notes.md"), "{}", run.stderr);
    assert!(run.stderr.contains("rename `content/trip/index.md` to `_index.md`"), "{}", run.stderr);
}

#[test]
fn a_file_beside_its_folder_says_how_to_make_it_the_introduction() {
    let run = SiteTest::new().brief("x.md", "---\ntitle: X\n---\n").brief("x/y.md", "---\ntitle: Y\n---\n").build_err();
    assert!(run.stderr.contains("error[duplicate-url]"), "{}", run.stderr);
    assert!(run.stderr.contains("move it to `content/x/_index.md`"), "{}", run.stderr);
    // A folder of pictures beside a note is not a section: no clash.
    SiteTest::new().brief("x.md", "---\ntitle: X\n---\n").file("content/x/map.png", "PNG").build_ok();
}

#[test]
fn root_relative_links_are_checked() {
    let site = |link: &str| {
        SiteTest::new()
            .config("base_url: https://example.org/policy/\n")
            .brief("briefs/opcon-transfer.md", "---\ntitle: OPCON\n---\n")
            .brief("a.md", &format!("---\ntitle: A\n---\n[x]({link})\n"))
    };
    for good in ["/briefs/opcon-transfer/", "/policy/briefs/opcon-transfer/", "/briefs/opcon-transfer", "/topics/"] {
        let run = site(good).build_ok();
        assert!(run.read("a/index.html").contains("href=\"/policy/"), "{good}");
    }
    let run = site("/briefs/opcon-transfre/").build_err();
    assert!(
        run.stderr.contains("error[broken-link]: no page or file of the site is at `/briefs/opcon-transfre/`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `/briefs/opcon-transfer/`?"), "{}", run.stderr);
}

#[test]
fn front_matter_image_is_checked() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\nimage: missing.png\n---\n").build_err();
    assert!(run.stderr.contains("error[broken-link]: `image`: no file at `content/missing.png`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:3:8"), "{}", run.stderr);
    SiteTest::new().brief("a.md", "---\ntitle: A\nimage: https://example.org/x.png\n---\n").build_ok();
}

#[test]
fn topics_in_one_string_are_split_with_a_warning() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\ntopics: \"OPCON, USFK\"\n---\n").build_ok();
    assert!(run.stderr.contains("warning[term-list]"), "{}", run.stderr);
    assert!(run.stderr.contains("`topics: [OPCON, USFK]`"), "{}", run.stderr);
    assert!(run.exists("topics/opcon/index.html") && run.exists("topics/usfk/index.html"));
}

#[test]
fn wikilink_split_by_a_table_is_a_warning() {
    let run = SiteTest::new()
        .brief("b.md", "---\ntitle: B\n---\n")
        .brief("a.md", "---\ntitle: A\n---\n| x | y |\n|---|---|\n| [[b\\|label]] | [[b|oops]] |\n")
        .arg("--allow-broken-links")
        .build_ok();
    assert_eq!(printed(&run.stderr, "warning[wikilink-in-table]"), 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:6:"), "{}", run.stderr);
    assert!(run.read("a/index.html").contains("href=\"/b/\">label</a>"), "the escaped pipe works");
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opens() {
    let run =
        SiteTest::new().brief("a.md", "---\ntitle: \"Unclosed\ndate: 2025-01-01\nsummary: x\n---\nBody\n").build_err();
    assert!(run.stderr.contains("the quoted text opened here is never closed"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:2:8"), "{}", run.stderr);
}

#[test]
fn empty_keys_are_unset_and_bad_values_still_errors() {
    let run = SiteTest::new()
        .brief(
            "a.md",
            "---\ntitle:\ndate:\nupdated: ~\nslug:\nweight:\nauthors:\nrelated:\nimage:\n---\n# From the body\n",
        )
        .build_ok();
    assert_eq!(h1(&run.read("a/index.html")), "From the body");
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\ndraft: maybe\n---\n").build_err();
    assert!(run.stderr.contains("`draft` must be true or false, not `maybe`"), "{}", run.stderr);
}

#[test]
fn site_timezone_must_be_known() {
    let run = SiteTest::new().config("timezone: Mars/Olympus\n").brief("a.md", "# A\n").run("build");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`timezone: Mars/Olympus` is neither an IANA time zone nor an offset"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_and_build_agree_on_other_tools_content() {
    let make = || {
        SiteTest::new()
            .brief("a.md", "# A\n[[b]]\n")
            .brief("b.md", "+++\ndate = 2025-13-01\n+++\n")
            .brief("c.md", "---\ntitle: C\nupdated: 12345678\n---\n")
    };
    let check = make().run("check");
    let build = make().run("build");
    assert_eq!((check.code, build.code), (1, 1), "{}\n{}", check.stderr, build.stderr);
    let errors = |s: &str| {
        s.lines().filter(|l| l.starts_with("error[") || l.contains("┌─")).map(String::from).collect::<Vec<_>>()
    };
    assert_eq!(errors(&check.stderr), errors(&build.stderr));
    assert!(check.stderr.contains("content/c.md:3:10"), "{}", check.stderr);
}

/// A link from the site root resolves against the route table: when a term page appears, a
/// `watch` rebuild resolves it again though the linking brief did not change.
#[test]
fn a_watch_rebuild_resolves_root_links_again_when_the_route_table_changes() {
    use briefing::build::BuildOptions;
    use briefing::watch::Session;
    let test = SiteTest::new()
        .config("broken_links: warn\n")
        .brief("a.md", "---\ntitle: A\n---\nSee [the term](/topics/usfk/).\n")
        .brief("b.md", "---\ntitle: B\ntopics: [OPCON]\n---\nx\n");
    let output = test.root().join("output");
    let options = BuildOptions { root: test.root().to_path_buf(), output: Some(output.clone()), ..Default::default() };
    let mut session = Session::new(options).unwrap();
    session.build().unwrap();
    assert!(std::fs::read_to_string(output.join("a/index.html")).unwrap().contains("broken-link"));
    let test = test.brief("b.md", "---\ntitle: B\ntopics: [OPCON, USFK]\n---\nx\n");
    if let Err(e) = session.rebuild(&[test.root().join("content/b.md")]) {
        panic!("{e:?}");
    }
    let page = std::fs::read_to_string(output.join("a/index.html")).unwrap();
    assert!(page.contains("href=\"/topics/usfk/\""), "{page}");
}

/// Found by an attack on this first round.
#[test]
fn hostile_shapes_of_the_new_keys_are_errors_at_their_place() {
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\npermalink: /100%25/\n---\n").build_err();
    assert!(run.stderr.contains("the permalink `/100%25/` is not a usable URL path"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:3:12"), "{}", run.stderr);
    let run = SiteTest::new()
        .brief("a.md", "---\ntitle: A\npermalink: /same/\n---\n")
        .brief("b.md", "---\ntitle: B\nurl: same\n---\n")
        .build_err();
    assert!(run.stderr.contains("error[duplicate-url]"), "{}", run.stderr);
    assert!(run.stderr.contains("content/b.md:3:6"), "the clash points at the permalink: {}", run.stderr);
    let run = SiteTest::new().brief("a.md", "---\ntitle: A\nimage: other.md\n---\n").build_err();
    assert!(run.stderr.contains("`image: other.md` is not the path or URL of an image file"), "{}", run.stderr);
    let ok = SiteTest::new()
        .config("base_url: https://example.org/\n")
        .brief("a.md", "---\ntitle: A\nimage: \"  \"\nsummary: \"\"\n---\nFirst paragraph.\n")
        .brief("b.md", "---\ntitle: B\nimage: //cdn.example.org/x.png\n---\n")
        .build_ok();
    let a = ok.read("a/index.html");
    assert!(!a.contains("og:image") && a.contains("First paragraph."), "blank is unset: {a}");
    let run = SiteTest::new()
        .brief("e.md", "---\ntitle: E\n---\n![[a.png]]\n")
        .file("content/f1/a.png", "1")
        .file("content/f2/a.png", "2")
        .build_err();
    assert!(run.stderr.contains("error[ambiguous-link]: `a.png` is ambiguous"), "{}", run.stderr);
    let run = SiteTest::new().brief("_posts/2019-02-30-bad.md", "x\n").build_err();
    assert!(run.stderr.contains("`2019-02-30`, at the start of the file name, is not a date"), "{}", run.stderr);
    let run = SiteTest::new().brief("x/index.md", "x\n").brief("x/y/index.md", "y\n").build_err();
    assert!(run.stderr.contains("error[in-bundle]"), "{}", run.stderr);
    assert!(run.stderr.contains("content/x/y/index.md"), "{}", run.stderr);
    let test = SiteTest::new().brief("a.md", "x\n");
    let statics = test.root().join("static");
    let run = test.arg("--output").arg(statics.to_str().unwrap()).run("build");
    assert_eq!(run.code, 2, "the static folder is refused as output: {}", run.stderr);
}

#[test]
fn a_build_writes_again_what_was_deleted_edited_or_linked_in_the_output() {
    let test = SiteTest::new().config("base_url: https://example.org/\n").brief("a.md", "---\ntitle: A\n---\nx\n");
    assert_eq!(test.run("build").code, 0);
    let output = test.root().join("output");
    let fresh: Vec<(String, Vec<u8>)> = ["index.html", "a/index.html", "404.html", "robots.txt"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(output.join(f)).unwrap()))
        .collect();
    std::fs::remove_file(output.join("index.html")).unwrap();
    std::fs::remove_file(output.join("a/index.html")).unwrap();
    std::fs::write(output.join("404.html"), "junk").unwrap();
    std::fs::remove_file(output.join("robots.txt")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", output.join("robots.txt")).unwrap();
    let run = test.run("build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (file, bytes) in fresh {
        let meta = std::fs::symlink_metadata(output.join(&file)).unwrap();
        assert!(meta.is_file(), "{file} is a regular file again");
        assert_eq!(std::fs::read(output.join(&file)).unwrap(), bytes, "{file} is written again");
    }
}
