//! `watch` keeps the signatures of brief pages and list pages whose inputs did not change
//! (`render/reuse.rs`). Each edit here changes one input of a page that other pages show — a card,
//! an introduction, a neighbour, a related list — and the output must still equal a fresh build,
//! with the pages that show it rendered again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use briefing::build::{self, BuildOptions, Mode, Project};
use briefing::watch::Session;

use crate::support::files_under;

fn brief(title: &str, date: &str, topics: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\ntopics: [{topics}]\n---\n{body}\n")
}

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

fn options(root: &Path, output: &Path) -> BuildOptions {
    BuildOptions { root: root.to_path_buf(), output: Some(output.to_path_buf()), ..BuildOptions::default() }
}

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    output: PathBuf,
    session: Session,
}

const SETTINGS: &str = "title: Site\nbase_url: https://example.org/\npaginate_by: 2\n";

impl Site {
    fn new() -> Site {
        Site::with(&[
            ("site.yaml", SETTINGS.to_string()),
            ("content/briefs/_index.md", "---\ntitle: Briefs\n---\nThe briefs.\n".to_string()),
            ("content/briefs/a.md", brief("Alpha", "2025-01-01", "OPCON, SCM", "First of all.\n\nSee [[b]].")),
            ("content/briefs/b.md", brief("Beta", "2025-01-02", "OPCON", "Beta begins.\n\nSee [[c]].")),
            ("content/briefs/c.md", brief("Gamma", "2025-01-03", "SCM, OPCON", "Gamma begins.")),
            ("content/briefs/d.md", brief("Delta", "2025-01-04", "USFK", "Delta begins.")),
        ])
    }

    fn with(files: &[(&str, String)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for (path, text) in files {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let output = dir.path().join("output");
        let mut session = Session::new(options(&root, &output)).unwrap();
        session.build().unwrap();
        Site { _dir: dir, root, output, session }
    }

    /// Writes `text` at `path`, rebuilds, and compares the output with a fresh build; returns
    /// how many files the rebuild rendered.
    fn edit(&mut self, path: &str, text: &str) -> usize {
        self.edit_all(&[(path, text)])
    }

    /// `edit` of several files saved at once (one rebuild).
    fn edit_all(&mut self, edits: &[(&str, &str)]) -> usize {
        let mut paths = Vec::new();
        for (path, text) in edits {
            let full = self.root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, text).unwrap();
            paths.push(full);
        }
        let path = edits.iter().map(|e| e.0).collect::<Vec<_>>().join(", ");
        self.rebuild_and_compare(&paths, &path)
    }

    /// The text of a file of the output.
    fn page(&self, path: &str) -> String {
        std::fs::read_to_string(self.output.join(path)).unwrap()
    }

    /// Renames a file (one save of both paths) and compares as `edit` does.
    fn rename(&mut self, from: &str, to: &str) -> usize {
        let paths = [self.root.join(from), self.root.join(to)];
        std::fs::rename(&paths[0], &paths[1]).unwrap();
        self.rebuild_and_compare(&paths, &format!("{from} renamed {to}"))
    }

    fn rebuild_and_compare(&mut self, paths: &[PathBuf], path: &str) -> usize {
        let report = self.session.rebuild(paths).unwrap();
        let fresh = self.root.parent().unwrap().join("fresh");
        let _ = std::fs::remove_dir_all(&fresh);
        build::run(&Project::resolve(&options(&self.root, &fresh)).unwrap(), Mode::Build).unwrap();
        let (watched, fresh) = (contents(&self.output), contents(&fresh));
        assert_eq!(watched.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>(), "after editing {path}");
        for (file, bytes) in &fresh {
            assert!(watched[file] == *bytes, "after editing {path}: {file} differs from a fresh build");
        }
        report.rendered
    }
}

#[test]
fn pages_showing_a_changed_input_render_again_and_equal_a_fresh_build() {
    let mut site = Site::new();
    // The lede of a linked brief is its summary: its card changes on the pages that list it
    // (section, term pages, the page linking to it, its neighbours, related briefs).
    let rendered = site.edit("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "A new lede.\n\nSee [[c]]."));
    assert!(rendered > 3, "the pages showing its card rendered again ({rendered})");
    // A body edit that changes no card renders its own page, and of the search index the file
    // of its text, the shard holding its new word, the entry (its version) and the search page
    // (which links the entry with its version).
    let rendered =
        site.edit("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "A new lede.\n\nSee [[c]]. More."));
    assert!(rendered <= 5, "its page and its search files ({rendered})");
    // A section's introduction: no fact of the site changes, its list pages do.
    site.edit("content/briefs/_index.md", "---\ntitle: Briefs\n---\nOther words.\n");
    // A link target's title: the linking page, its backlinks list and the graph.
    site.edit("content/briefs/c.md", &brief("Gamma 2", "2025-01-03", "SCM, OPCON", "Gamma begins."));
    // A new link: backlinks of the target, outgoing of the source.
    site.edit("content/briefs/d.md", &brief("Delta", "2025-01-04", "USFK", "Delta begins. See [[a]]."));
    // A date: neighbours and the order of every list.
    site.edit("content/briefs/a.md", &brief("Alpha", "2025-01-05", "OPCON, SCM", "First of all.\n\nSee [[b]]."));
    // Terms: related briefs, term pages, the route table.
    site.edit("content/briefs/d.md", &brief("Delta", "2025-01-04", "USFK, SCM", "Delta begins. See [[a]]."));
    site.edit("content/briefs/c.md", &brief("Gamma 2", "2025-01-03", "OPCON", "Gamma begins."));
    // Every URL: cards and pages show the new ones, though no brief's file changed.
    site.edit("site.yaml", "title: Site\nbase_url: https://example.org/policy/\npaginate_by: 2\n");
    // Back to where it started, step by step.
    site.edit("content/briefs/c.md", &brief("Gamma", "2025-01-03", "SCM, OPCON", "Gamma begins."));
    site.edit("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "Beta begins.\n\nSee [[c]]."));
}

#[test]
fn term_records_and_mentions_update_every_page_that_shows_them() {
    let mut site = Site::new();
    let record = |body: &str, aka: &str| {
        format!("---\ntitle: OPCON transfer\nnames: {{ko: 전시작전통제권}}\naka: [{aka}]\n---\n{body}\n")
    };
    // A new record: the term `OPCON` becomes the record's, with its title everywhere.
    site.edit("content/topics/opcon.md", &record("Wartime operational control.", "OPCON"));
    // Its description: the term page only.
    let rendered =
        site.edit("content/topics/opcon.md", &record("Wartime operational control, by the allies.", "OPCON"));
    assert!(rendered >= 1, "the term page rendered again");
    // A name a brief's body uses: the term page's "Mentioned in".
    site.edit("content/briefs/d.md", &brief("Delta", "2025-01-04", "USFK", "Delta begins. 전시작전통제권은 here."));
    // An aka that merges another term into it.
    site.edit("content/topics/opcon.md", &record("Wartime operational control, by the allies.", "OPCON, SCM"));
    // The record removed: the term is the briefs' again.
    let full = site.root.join("content/topics/opcon.md");
    std::fs::remove_file(&full).unwrap();
    site.session.rebuild(&[full]).unwrap();
    site.edit("content/briefs/d.md", &brief("Delta", "2025-01-04", "USFK", "Delta begins."));
}

#[test]
fn a_citation_added_or_moved_by_a_body_edit_updates_the_source_pages() {
    // Found by `watch_props`: a body edit that cites a source changes which briefs the source's
    // page lists ("cited by", with the sentence around), though no fact of the site changes.
    let mut site = Site::new();
    site.edit(
        "refs.json",
        r#"[{"id": "mnd2024", "type": "report", "title": "Defense White Paper", "author": [{"literal": "Ministry of National Defense"}], "issued": {"date-parts": [[2024]]}}]"#,
    );
    site.edit("site.yaml", "title: Site\nbase_url: https://example.org/\npaginate_by: 2\nbibliography: [refs.json]\n");
    let page = |site: &Site| site.page("sources/mnd2024/index.html");
    assert!(!page(&site).contains("Beta"), "no brief cites it yet");
    site.edit("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "Beta begins [@mnd2024].\n\nSee [[c]]."));
    assert!(page(&site).contains("Beta"), "its page lists the citing brief");
    site.edit(
        "content/briefs/b.md",
        &brief("Beta", "2025-01-02", "OPCON", "Beta begins.\n\nSee [[c]]. Later [@mnd2024]."),
    );
    assert!(page(&site).contains("Later"), "with the sentence around the citation");
    site.edit("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "Beta begins.\n\nSee [[c]]."));
    assert!(!page(&site).contains("Beta"), "and no longer once the citation is gone");
}

#[test]
fn the_source_pages_follow_a_citing_brief_s_title_and_date_and_keep_the_others() {
    // The pages of the sources are kept by who cites each source (and where) and the library,
    // not by every fact of the site: an edit of a citing brief's title or date must still reach
    // the pages of the sources it cites, and only those.
    let mut site = Site::new();
    site.edit(
        "refs.json",
        r#"[{"id": "mnd2024", "type": "report", "title": "Defense White Paper", "issued": {"date-parts": [[2024]]}},
            {"id": "scm2025", "type": "report", "title": "SCM Joint Communiqué", "issued": {"date-parts": [[2025]]}}]"#,
    );
    site.edit("site.yaml", "title: Site\nbase_url: https://example.org/\npaginate_by: 2\nbibliography: [refs.json]\n");
    site.edit("content/briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON, SCM", "First [@mnd2024].\n\nSee [[b]]."));
    site.edit("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON", "Beta [@mnd2024].\n\nSee [[c]]."));
    site.edit("content/briefs/c.md", &brief("Gamma", "2025-01-03", "SCM, OPCON", "Gamma [@mnd2024]."));
    site.edit("content/briefs/d.md", &brief("Delta", "2025-01-04", "USFK", "Delta [@scm2025]."));
    let page = |site: &Site, key: &str| std::fs::read_to_string(site.output.join(format!("sources/{key}/index.html")));
    let (mnd, scm) = (page(&site, "mnd2024").unwrap(), page(&site, "scm2025").unwrap());
    assert!(mnd.find("Beta").unwrap() < mnd.find("Alpha").unwrap(), "newest first");
    // A title: the page of the source it cites shows the new one; the other source's page is kept.
    let scm_written = std::fs::metadata(site.output.join("sources/scm2025/index.html")).unwrap().modified().unwrap();
    site.edit(
        "content/briefs/a.md",
        &brief("Alpha Prime", "2025-01-01", "OPCON, SCM", "First [@mnd2024].\n\nSee [[b]]."),
    );
    assert!(page(&site, "mnd2024").unwrap().contains("Alpha Prime"));
    assert_eq!(page(&site, "scm2025").unwrap(), scm);
    let scm_now = std::fs::metadata(site.output.join("sources/scm2025/index.html")).unwrap().modified().unwrap();
    assert_eq!(scm_written, scm_now, "a page that shows nothing of the edit is not written again");
    // A date that reorders the briefs citing one source (the lists are kept and sorted again).
    site.edit(
        "content/briefs/a.md",
        &brief("Alpha Prime", "2025-02-01", "OPCON, SCM", "First [@mnd2024].\n\nSee [[b]]."),
    );
    let mnd = page(&site, "mnd2024").unwrap();
    let at = |title: &str| mnd.find(title).unwrap();
    assert!(at("Alpha Prime") < at("Gamma") && at("Gamma") < at("Beta"), "newest first after the edit");
    // A brief that cites a second source: the list of sources counts it.
    site.edit(
        "content/briefs/b.md",
        &brief("Beta", "2025-01-02", "OPCON", "Beta [@mnd2024] [@scm2025].\n\nSee [[c]]."),
    );
    assert!(page(&site, "scm2025").unwrap().contains("Beta"));
}

#[test]
fn a_theme_word_on_the_cards_reaches_every_list_that_shows_them() {
    // `watch` keeps each card's value while its hash is the same; the hash holds the card's
    // fields, not the theme's words, so a changed word must still reach the lists.
    let mut site = Site::new();
    site.edit("themes/default/i18n/en.yaml", "min_read: \"{n} minutes to read\"\n");
    let section = site.page("briefs/index.html");
    assert!(section.contains("1 minutes to read"), "the section's cards show the new word");
    site.edit("themes/default/i18n/en.yaml", "min_read: \"{n} min\"\n");
}

#[test]
fn a_new_term_that_moves_every_other_term_keeps_the_pages_right() {
    // A term sorted first moves every other term's index and every later route; the pages kept
    // by their terms' links and the lists kept by their files must still equal a fresh build.
    let mut site = Site::new();
    let rendered = site.edit("content/briefs/d.md", &brief("Delta", "2025-01-04", "USFK, Alliance", "Delta begins."));
    assert!(rendered > 1, "the new term's pages ({rendered})");
    for page in ["topics/alliance/index.html", "topics/usfk/index.html", "topics/opcon/page/2/index.html"] {
        assert!(site.output.join(page).is_file(), "{page}");
    }
    // Then an edit of a page kept through it, and the term removed again.
    site.edit("content/briefs/a.md", &brief("Alpha", "2025-01-01", "OPCON, SCM", "First of all, again.\n\nSee [[b]]."));
    site.edit("content/briefs/d.md", &brief("Delta", "2025-01-04", "USFK", "Delta begins."));
    // A record's new title: the term's label on every page that shows it, at the same index
    // and URL, though no brief changed.
    // (USFK: only `d` holds it, so no related list names it.)
    let record = |title: &str| format!("---\ntitle: {title}\naka: [USFK]\n---\nThe command.\n");
    site.edit("content/topics/usfk.md", &record("US Forces Korea"));
    site.edit("content/topics/usfk.md", &record("United States Forces Korea"));
    let d = site.page("briefs/d/index.html");
    assert!(d.contains("United States Forces Korea"), "the brief's terms show the record's title");
}

#[test]
fn a_page_kept_through_its_terms_links_keeps_up_with_their_indexes() {
    // Found by a review: a page kept because its terms' links were the same, though their
    // indexes moved, must remember the new indexes; else a later edit that gives its term the
    // old index, with every link by index as it was, keeps the page showing the old term.
    let record = |title: &str, aka: &str| match aka {
        "" => format!("---\ntitle: {title}\n---\nAbout it.\n"),
        aka => format!("---\ntitle: {title}\naka: [{aka}]\n---\nAbout it.\n"),
    };
    let mut site = Site::with(&[
        ("site.yaml", SETTINGS.to_string()),
        ("content/briefs/p.md", brief("Pea", "2025-01-01", "xylo", "Plain words only.")),
        ("content/briefs/q.md", brief("Queue", "2025-01-02", "zz", "Other words.")),
        ("content/topics/c.md", record("Charlie", "")),
        ("content/topics/d.md", record("Delta", "")),
        ("content/topics/y.md", record("Yankee", "xylo")),
    ]);
    // Terms c, d, y, zz: p's term is y (index 2). Then aa, c, d, y: y is index 3, p's page kept.
    site.edit("content/briefs/q.md", &brief("Queue", "2025-01-02", "aa", "Other words."));
    // Every label and URL by index as before; p's term is now d, index 2.
    site.edit_all(&[("content/topics/y.md", &record("Yankee", "")), ("content/topics/d.md", &record("Delta", "xylo"))]);
    let p = site.page("briefs/p/index.html");
    assert!(p.contains("/topics/d/") && !p.contains("/topics/y/"), "p's page links its new term");
}

/// The errors of a build of `root` into a fresh folder, rendered.
fn fresh_errors(root: &Path) -> Vec<String> {
    let fresh = root.parent().unwrap().join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    match build::run(&Project::resolve(&options(root, &fresh)).unwrap(), Mode::Build) {
        Err(build::BuildError::Content(report)) => report.diagnostics.iter().map(|d| d.render(false)).collect(),
        other => panic!("a fresh build should fail: {other:?}"),
    }
}

#[test]
fn a_new_term_whose_url_a_file_takes_is_the_error_a_fresh_build_reports() {
    // A table after a terms edit starts from the last one's files that do not depend on terms
    // (`routes/plan.rs`); a new term's files must still be checked against them: the same path,
    // and a path that is a folder of another.
    let aliased = |aliases: &str| {
        format!("---\ntitle: Alpha\ndate: 2025-01-01\ntopics: [OPCON]\naliases: [{aliases}]\n---\nFirst.\n")
    };
    let mut site = Site::with(&[
        ("site.yaml", SETTINGS.to_string()),
        ("content/briefs/a.md", aliased("/topics/newer/, /topics/new/atom.xml/")),
        ("content/briefs/b.md", brief("Beta", "2025-01-02", "OPCON", "Beta.")),
    ]);
    for (term, expected) in [
        (
            "Newer",
            "the alias `/topics/newer/` of `content/briefs/a.md` and the topics term `Newer` both map to the URL",
        ),
        ("New", "the feed of the topics term `New` is written at `topics/new/atom.xml`, a folder that the alias"),
    ] {
        let b = site.root.join("content/briefs/b.md");
        std::fs::write(&b, brief("Beta", "2025-01-02", &format!("OPCON, {term}"), "Beta.")).unwrap();
        let watched = match site.session.rebuild(std::slice::from_ref(&b)) {
            Err(build::BuildError::Content(report)) => {
                report.diagnostics.iter().map(|d| d.render(false)).collect::<Vec<_>>()
            }
            other => panic!("the rebuild adding `{term}` should fail: {other:?}"),
        };
        assert!(watched.iter().any(|d| d.contains(expected)), "{expected}\n{watched:#?}");
        assert_eq!(watched, fresh_errors(&site.root), "as a fresh build reports it");
        if term == "Newer" {
            assert!(watched[0].contains("remove the alias"), "the alias is the one to change: {}", watched[0]);
        }
        // Mended: the rebuild equals a fresh build again.
        site.edit("content/briefs/b.md", &brief("Beta", "2025-01-02", "OPCON, Other", "Beta."));
    }
}

#[test]
fn two_briefs_of_two_languages_that_swap_terms_in_one_save_move_the_terms_pages() {
    // Each term keeps its number of briefs, but not in each language: the Korean pages of a term
    // follow its Korean briefs. (Found by a review: the route table's key counted all of a
    // term's briefs, and the last table was kept.)
    let settings =
        "title: Site\nbase_url: https://example.org/\npaginate_by: 1\nlanguages:\n  ko:\n    title: 브리프\n";
    let korean =
        |topics: &str| format!("---\ntitle: 케이\ndate: 2025-01-02\nlang: ko\ntopics: [{topics}]\n---\n본문.\n");
    let mut site = Site::with(&[
        ("site.yaml", settings.to_string()),
        ("content/briefs/a.md", brief("Alpha", "2025-01-01", "Xray", "A.")),
        ("content/briefs/e.md", brief("Echo", "2025-01-03", "Yank", "E.")),
        ("content/ko/k.md", korean("Yank")),
    ]);
    site.edit_all(&[
        ("content/briefs/a.md", &brief("Alpha", "2025-01-01", "Yank", "A.")),
        ("content/ko/k.md", &korean("Xray")),
    ]);
    assert!(site.output.join("ko/topics/xray/index.html").is_file(), "the Korean page of Xray");
    assert!(!site.output.join("ko/topics/yank/index.html").exists(), "Yank has no Korean brief now");
}

#[test]
fn a_new_date_reorders_equal_related_briefs_of_other_terms() {
    // `a` shares Alpha with `b` and Solo with `c`: they score alike, and the newer comes first.
    // `c`'s new date keeps its place in Solo's list but puts it after `b`.
    let mut site = Site::with(&[
        ("site.yaml", SETTINGS.to_string()),
        ("content/briefs/a.md", brief("Alpha", "2025-01-16", "Solo, Alpha", "A.")),
        ("content/briefs/b.md", brief("Beta", "2025-01-08", "Alpha", "B.")),
        ("content/briefs/c.md", brief("Gamma", "2025-01-12", "Solo", "C.")),
    ]);
    site.edit("content/briefs/c.md", &brief("Gamma", "2025-01-01", "Solo", "C."));
    // The same where the moved brief shares a long term (past the related window) with the brief
    // whose list it is on, far from it there: B's candidates X (via T2) and Y (via T3) tie.
    let day = |d: usize| format!("{}-{:02}-{:02}", 2000 + d / 336, 1 + (d / 28) % 12, 1 + d % 28);
    let dated = |title: &str, date: &str, topics: &str| {
        format!("---\ntitle: {title}\ndate: {date}\ntopics: [{topics}]\n---\nText.\n")
    };
    let mut files: Vec<(String, String)> = (0..298)
        .map(|i| (format!("content/briefs/f{i:03}.md"), dated(&format!("F{i:03}"), &day(2 * i), "T")))
        .collect();
    files.push(("content/briefs/bb.md".into(), dated("Bee", &day(2000), "T, T2, T3")));
    files.push(("content/briefs/xx.md".into(), dated("Ex", &day(121), "T, T2")));
    files.push(("content/briefs/yy.md".into(), dated("Why", &day(81), "T3")));
    files.push(("site.yaml".into(), SETTINGS.to_string()));
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let mut site = Site::with(&files);
    site.edit("content/briefs/xx.md", &dated("Ex", &day(41), "T, T2"));
}

#[test]
fn a_term_page_follows_the_pages_of_the_terms_near_it() {
    // A term's page links the terms it is part of and the terms part of it, each to its page in
    // the page's language if it has one: a Korean brief tagged with a narrower term gives that
    // term a Korean page, which the broader term's Korean page then links, though neither its
    // briefs nor any record changed.
    let settings = "title: Site\nbase_url: https://example.org/\nlanguages:\n  ko:\n    title: 브리프\n";
    let korean =
        |topics: &str| format!("---\ntitle: 케이\ndate: 2025-01-02\nlang: ko\ntopics: [{topics}]\n---\n본문.\n");
    let mut site = Site::with(&[
        ("site.yaml", settings.to_string()),
        ("content/topics/alliance.md", "---\ntitle: Alliance\n---\nThe alliance.\n".to_string()),
        ("content/topics/opcon.md", "---\ntitle: OPCON\npart_of: [alliance]\n---\nA record.\n".to_string()),
        ("content/briefs/a.md", brief("Alpha", "2025-01-01", "Alliance, OPCON", "A.")),
        ("content/ko/k.md", korean("Alliance")),
        ("content/ko/l.md", korean("USFK")),
    ]);
    site.edit("content/ko/l.md", &korean("OPCON"));
    let page = site.page("ko/topics/alliance/index.html");
    assert!(page.contains("/ko/topics/opcon/"), "the Korean page of Alliance links OPCON's Korean page");
}

#[test]
fn a_record_s_description_follows_the_briefs_it_links() {
    // A wikilink in a record's description shows the linked brief's title: a new title changes
    // the term's page, whose briefs and record did not change.
    let mut site = Site::with(&[
        ("site.yaml", SETTINGS.to_string()),
        ("content/topics/opcon.md", "---\ntitle: OPCON\n---\nSee [[b]].\n".to_string()),
        ("content/briefs/a.md", brief("Alpha", "2025-01-01", "OPCON", "A.")),
        ("content/briefs/b.md", brief("Beta", "2025-01-02", "USFK", "B.")),
    ]);
    site.edit("content/briefs/b.md", &brief("Beta renamed", "2025-01-02", "USFK", "B."));
    let page = site.page("topics/opcon/index.html");
    assert!(page.contains("Beta renamed"), "the record's description shows the new title");
}

#[test]
fn a_new_date_moves_the_pages_of_a_list_it_was_and_is_not_on() {
    // Six briefs of one term, two to a page: the oldest made the newest shifts page 2, which
    // shows it neither before nor after; every brief has the same terms.
    let files: Vec<(String, String)> = (1..=6)
        .map(|i| (format!("content/briefs/b{i}.md"), brief(&format!("B{i}"), &format!("2025-01-0{i}"), "T", "Text.")))
        .chain([("site.yaml".to_string(), SETTINGS.to_string())])
        .collect();
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let mut site = Site::with(&files);
    site.edit("content/briefs/b1.md", &brief("B1", "2025-01-09", "T", "Text."));
    let page = site.page("topics/t/page/2/index.html");
    assert!(page.contains("B5"), "page 2 of the term moved by one");
}

#[test]
fn a_renamed_record_moves_the_links_of_the_terms_related_to_it() {
    // A record's file names its term's URL: renamed, with the same title, the terms related to it
    // link the new URL, though no brief's terms or labels changed.
    let mut site = Site::with(&[
        ("site.yaml", SETTINGS.to_string()),
        ("content/topics/opcon.md", "---\ntitle: OPCON\n---\nA record.\n".to_string()),
        ("content/briefs/a.md", brief("Alpha", "2025-01-01", "OPCON, SCM", "A.")),
        // Page 1 of SCM shows these two, not `a`: no card on it changes.
        ("content/briefs/b.md", brief("Beta", "2025-01-02", "SCM", "B.")),
        ("content/briefs/c.md", brief("Gamma", "2025-01-03", "SCM", "C.")),
    ]);
    site.rename("content/topics/opcon.md", "content/topics/wartime-opcon.md");
    let page = site.page("topics/scm/index.html");
    assert!(page.contains("/topics/wartime-opcon/"), "SCM's page links OPCON's new URL");
}

#[test]
fn pairs_supersession_drafts_and_future_dates_follow_edits_of_the_briefs_they_join() {
    // Each edit changes facts of a brief that keeps its place (the last model is taken, with its
    // translations and supersession made again) or leaves it (the model is assembled whole).
    let settings = format!("{SETTINGS}languages:\n  ko:\n    title: 사이트\n");
    let korean =
        |title: &str, date: &str, extra: &str| format!("---\ntitle: {title}\ndate: {date}\n{extra}---\n본문.\n");
    let mut site = Site::with(&[
        ("site.yaml", settings),
        ("content/briefs/a.md", brief("Alpha", "2025-01-01", "T", "A.")),
        ("content/briefs/b.md", brief("Beta", "2025-01-02", "T", "B.")),
        ("content/briefs/b.ko.md", korean("베타", "2025-01-02", "translated_from: 2025-01-02\n")),
        ("content/briefs/k.ko.md", korean("카", "2025-01-03", "")),
    ]);
    let superseding = "---\ntitle: Beta\ndate: 2025-01-02\ntopics: [T]\nsupersedes: briefs/a\n---\nB.\n";
    site.edit("content/briefs/b.md", superseding);
    site.edit("content/briefs/b.md", &brief("Beta", "2025-01-02", "T", "B."));
    site.edit("content/briefs/k.ko.md", &korean("카", "2025-01-03", "translation_of: briefs/a\n"));
    site.edit("content/briefs/k.ko.md", &korean("카", "2025-01-04", ""));
    site.edit("content/briefs/a.md", "---\ntitle: Alpha\ndate: 2025-01-01\ndraft: true\n---\nA.\n");
    site.edit("content/briefs/a.md", &brief("Alpha", "2025-01-01", "T", "A."));
    site.edit("content/briefs/a.md", &brief("Alpha", "2999-01-01", "T", "A."));
    site.edit("content/briefs/a.md", &brief("Alpha", "2025-01-06", "T", "A."));
    // Newer than its translation says it was translated from: the translation says so.
    site.edit("content/briefs/b.md", &brief("Beta", "2025-01-05", "T", "B."));
}
