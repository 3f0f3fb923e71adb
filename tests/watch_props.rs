//! `watch` is a memo over `build`: after any sequence of edits applied through the rebuild
//! function, the output folder equals a fresh build of the same sources, byte for byte.
//!
//! In-process and without sleeps: the test edits files, hands the changed paths to the session as
//! the file watcher would, and compares the output with a clean build into another folder. When an
//! edit breaks the build (bad YAML), a fresh build fails too, and the output must stay the last
//! good one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use briefing::build::{self, BuildOptions, Mode, Project};
use briefing::watch::Session;
use proptest::prelude::*;
use proptest::test_runner::Config;

const FOLDERS: &[&str] = &["briefs", "briefs/deep", "background"];
const TERMS: &[&str] = &["OPCON", "USFK", "SCM", "Extended deterrence", "확장억제"];

#[derive(Debug, Clone)]
struct Brief {
    folder: usize,
    stem: String,
    title: String,
    date: u32,
    terms: Vec<usize>,
    /// The first paragraph, then the rest of the body.
    lede: String,
    body: String,
    draft: bool,
    /// Front-matter lines of events (`events:`), or nothing.
    events: String,
}

#[derive(Debug, Clone)]
enum Edit {
    Create {
        folder: usize,
        title: u32,
        date: u32,
        terms: Vec<usize>,
        link: usize,
    },
    Body {
        brief: usize,
        text: u32,
        link: usize,
    },
    Title {
        brief: usize,
        title: u32,
    },
    Terms {
        brief: usize,
        terms: Vec<usize>,
    },
    Date {
        brief: usize,
        date: u32,
    },
    Rename {
        brief: usize,
        stem: u32,
    },
    Delete {
        brief: usize,
    },
    Move {
        brief: usize,
        folder: usize,
    },
    Template {
        variant: usize,
    },
    /// Bad YAML in a brief, fixed by the next edit.
    Break {
        brief: usize,
    },
    SiteTitle {
        title: u32,
    },
    /// A new first paragraph: the summary that cards show.
    Summary {
        brief: usize,
        text: u32,
    },
    /// The heading other briefs link to (`#part`) renamed.
    Heading {
        brief: usize,
        name: u32,
    },
    Draft {
        brief: usize,
    },
    /// A section's introduction (`_index.md`), written or removed.
    Intro {
        folder: usize,
        text: u32,
    },
    /// A file of `static/` written or removed.
    Static {
        variant: u32,
    },
    /// A file under `content/` (an asset) written or removed.
    Asset {
        folder: usize,
        variant: u32,
    },
    /// The output folder deleted (the watcher does not report it), then a body edited.
    DeleteOutput,
    /// `base_url` changed.
    BaseUrl {
        variant: u32,
    },
    /// A term record written (with a variant of its names and description) or removed: it
    /// merges the terms its names match and is mentioned in bodies.
    Record {
        term: usize,
        variant: u32,
    },
    /// A brief's Korean version (`x.ko.md`) written or removed: lists per language, the
    /// switcher and hreflang of both.
    Translate {
        brief: usize,
        text: u32,
    },
    /// A section's Korean introduction (`_index.ko.md`) written or removed.
    KoreanIntro {
        folder: usize,
        text: u32,
    },
    /// A brief's events: none, or one or two (planned or not, with their own terms or the
    /// brief's): the timeline, its files and the term pages' timelines.
    Events {
        brief: usize,
        variant: u32,
    },
    /// The bibliography rewritten (one entry's title or year changed): the references of the
    /// briefs citing it, its source page, `sources.json` and the graph.
    Bibliography {
        variant: u32,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    let terms = proptest::collection::vec(0..TERMS.len(), 0..3);
    prop_oneof![
        3 => (0..FOLDERS.len(), 0..50u32, 0..40u32, terms.clone(), 0..8usize)
            .prop_map(|(folder, title, date, terms, link)| Edit::Create { folder, title, date, terms, link }),
        4 => (0..8usize, 0..1000u32, 0..8usize).prop_map(|(brief, text, link)| Edit::Body { brief, text, link }),
        2 => (0..8usize, 0..50u32).prop_map(|(brief, title)| Edit::Title { brief, title }),
        2 => (0..8usize, terms).prop_map(|(brief, terms)| Edit::Terms { brief, terms }),
        2 => (0..8usize, 0..40u32).prop_map(|(brief, date)| Edit::Date { brief, date }),
        1 => (0..8usize, 0..50u32).prop_map(|(brief, stem)| Edit::Rename { brief, stem }),
        1 => (0..8usize).prop_map(|brief| Edit::Delete { brief }),
        1 => (0..8usize, 0..FOLDERS.len()).prop_map(|(brief, folder)| Edit::Move { brief, folder }),
        1 => (0..3usize).prop_map(|variant| Edit::Template { variant }),
        1 => (0..8usize).prop_map(|brief| Edit::Break { brief }),
        1 => (0..5u32).prop_map(|title| Edit::SiteTitle { title }),
        2 => (0..8usize, 0..100u32).prop_map(|(brief, text)| Edit::Summary { brief, text }),
        2 => (0..8usize, 0..4u32).prop_map(|(brief, name)| Edit::Heading { brief, name }),
        1 => (0..8usize).prop_map(|brief| Edit::Draft { brief }),
        1 => (0..FOLDERS.len(), 0..4u32).prop_map(|(folder, text)| Edit::Intro { folder, text }),
        1 => (0..4u32).prop_map(|variant| Edit::Static { variant }),
        1 => (0..FOLDERS.len(), 0..3u32).prop_map(|(folder, variant)| Edit::Asset { folder, variant }),
        1 => Just(Edit::DeleteOutput),
        1 => (0..3u32).prop_map(|variant| Edit::BaseUrl { variant }),
        2 => (0..TERMS.len(), 0..4u32).prop_map(|(term, variant)| Edit::Record { term, variant }),
        2 => (0..8usize, 0..4u32).prop_map(|(brief, text)| Edit::Translate { brief, text }),
        1 => (0..FOLDERS.len(), 0..3u32).prop_map(|(folder, text)| Edit::KoreanIntro { folder, text }),
        2 => (0..8usize, 0..6u32).prop_map(|(brief, variant)| Edit::Events { brief, variant }),
        1 => (0..6u32).prop_map(|variant| Edit::Bibliography { variant }),
    ]
}

/// The sources of the test site, written to disk as they change.
struct Model {
    root: PathBuf,
    briefs: Vec<Brief>,
    next: u32,
    /// The brief whose file holds bad YAML until the next edit.
    broken: Option<usize>,
    site_title: u32,
    base_url: u32,
    bibliography: u32,
}

impl Model {
    fn path(&self, b: &Brief) -> String {
        format!("content/{}/{}.md", FOLDERS[b.folder], b.stem)
    }

    fn text(b: &Brief) -> String {
        let terms: Vec<&str> = b.terms.iter().map(|&t| TERMS[t]).collect();
        format!(
            "---\ntitle: {}\ndate: 2025-{:02}-{:02}\ntopics: [{}]\ndraft: {}\n{}---\n{}\n\n{}\n",
            b.title,
            1 + b.date % 12,
            1 + b.date % 28,
            terms.join(", "),
            b.draft,
            b.events,
            b.lede,
            b.body
        )
    }

    fn write_config(&self) -> PathBuf {
        let bases = ["https://example.org/policy/", "https://example.org/", "/local/"];
        let yaml = format!(
            "title: Site {}\nbase_url: {}\npaginate_by: 2\nbroken_links: warn\nfeed_content: full\nlanguages: {{ko: {{title: 사이트}}}}\n\
             bibliography: [refs.json]\n\
             reports:\n  - {{id: all, title: Every brief}}\n  - {{id: spring, title: Spring, select: {{from: 2025-03, to: 2025-06}}, include: [cover, key-points, briefs]}}\n",
            self.site_title,
            bases[self.base_url as usize % bases.len()]
        );
        self.write("site.yaml", &yaml)
    }

    /// Three CSL-JSON entries; `variant` changes one's title or year.
    fn write_bibliography(&self) -> PathBuf {
        let v = self.bibliography;
        let entry = |n: u32| {
            let (title, year) =
                if v % 3 == n { (format!("Report {n} revised {v}"), 2020 + v) } else { (format!("Report {n}"), 2020) };
            format!(
                r#"{{"id": "ref{n}", "type": "report", "title": "{title}", "author": [{{"literal": "Ministry {n}"}}], "issued": {{"date-parts": [[{year}]]}}}}"#
            )
        };
        self.write("refs.json", &format!("[{}, {}, {}]", entry(0), entry(1), entry(2)))
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let full = self.root.join(rel);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, text).unwrap();
        full
    }

    fn link_to(&self, n: usize) -> String {
        match self.briefs.get(n % self.briefs.len().max(1)) {
            Some(b) if n.is_multiple_of(4) => format!(" See [[{}]].", b.stem),
            Some(b) if n % 4 == 1 => format!(" See [[{}#part|part]].", b.stem),
            // A link from the site root to a term's page, which exists only while a brief
            // names the term: resolved against the route table.
            Some(_) if n % 4 == 2 => {
                let slugs = ["opcon", "usfk", "scm", "extended-deterrence", "확장억제"];
                format!(" See [the term](/topics/{}/).", slugs[n % slugs.len()])
            }
            _ => " See [[missing-brief]].".into(),
        }
    }

    /// Fixes the brief broken by the last edit, if any: a save of its own.
    fn fix_broken(&mut self) -> Option<Vec<PathBuf>> {
        let i = self.broken.take()?;
        Some(vec![self.write(&self.path(&self.briefs[i]), &Model::text(&self.briefs[i]))])
    }

    /// Applies an edit to the files; returns the changed paths, as a watcher reports them.
    fn apply(&mut self, edit: &Edit) -> Vec<Vec<PathBuf>> {
        self.apply_one(edit)
    }

    fn apply_one(&mut self, edit: &Edit) -> Vec<Vec<PathBuf>> {
        let count = self.briefs.len();
        let pick = |i: usize| if count == 0 { None } else { Some(i % count) };
        match edit.clone() {
            Edit::Create { folder, title, date, terms, link } => {
                self.next += 1;
                let lede = format!("Brief {}.{}", self.next, self.link_to(link));
                let body = "## Part\n\nText.".to_string();
                let stem = format!("b{}", self.next);
                let b = Brief {
                    folder,
                    stem,
                    title: format!("T{title}"),
                    date,
                    terms,
                    lede,
                    body,
                    draft: false,
                    events: String::new(),
                };
                let path = self.write(&self.path(&b), &Model::text(&b));
                self.briefs.push(b);
                vec![vec![path]]
            }
            Edit::Body { brief, text, link } => {
                let Some(i) = pick(brief) else { return vec![] };
                let extra = self.link_to(link);
                let b = &mut self.briefs[i];
                // Every other paragraph cites one of the bibliography's entries.
                let cite =
                    if text % 2 == 0 { format!(" As reported [@ref{}, p. {text}].", text % 3) } else { String::new() };
                b.body =
                    format!("{}\n\nParagraph {text} on {}.{extra}{cite}", b.body, TERMS[text as usize % TERMS.len()]);
                vec![vec![self.write(&self.path(&self.briefs[i]), &Model::text(&self.briefs[i]))]]
            }
            Edit::Title { brief, title } => self.change(pick(brief), |b| b.title = format!("T{title}")),
            Edit::Terms { brief, terms } => self.change(pick(brief), |b| b.terms = terms),
            Edit::Date { brief, date } => self.change(pick(brief), |b| b.date = date),
            Edit::Rename { brief, stem } => {
                let Some(i) = pick(brief) else { return vec![] };
                let stem = format!("r{stem}");
                if self.briefs.iter().any(|b| b.stem == stem) {
                    return vec![];
                }
                self.relocate(i, |b| b.stem = stem)
            }
            Edit::Move { brief, folder } => {
                let Some(i) = pick(brief) else { return vec![] };
                self.relocate(i, |b| b.folder = folder)
            }
            Edit::Delete { brief } => {
                let Some(i) = pick(brief) else { return vec![] };
                let b = self.briefs.remove(i);
                let path = self.root.join(self.path(&b));
                std::fs::remove_file(&path).unwrap();
                vec![vec![path]]
            }
            Edit::Template { variant } => {
                let rel = "themes/default/templates/section.html";
                let path = self.root.join(rel);
                match variant {
                    0 => {
                        let _ = std::fs::remove_file(&path);
                    }
                    v => {
                        let text = format!(
                            "{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ page.title }}}} {v}</h1>\
                             {{{{<card_list briefs={{page.briefs}} />}}}}{{% endblock main %}}"
                        );
                        self.write(rel, &text);
                    }
                }
                vec![vec![path]]
            }
            Edit::Break { brief } => {
                let Some(i) = pick(brief) else { return vec![] };
                self.broken = Some(i);
                vec![vec![self.write(&self.path(&self.briefs[i]), "---\ntitle: [unclosed\n---\nBroken.\n")]]
            }
            Edit::SiteTitle { title } => {
                self.site_title = title;
                vec![vec![self.write_config()]]
            }
            Edit::Bibliography { variant } => {
                self.bibliography = variant;
                vec![vec![self.write_bibliography()]]
            }
            Edit::BaseUrl { variant } => {
                self.base_url = variant;
                vec![vec![self.write_config()]]
            }
            Edit::Summary { brief, text } => {
                let Some(i) = pick(brief) else { return vec![] };
                let link = self.link_to(text as usize);
                self.change(Some(i), |b| b.lede = format!("New lede {text}.{link}"))
            }
            Edit::Heading { brief, name } => {
                let names = ["Part", "Parts", "Other part", "Part"];
                self.change(pick(brief), |b| b.body = format!("## {}\n\nText.", names[name as usize]))
            }
            Edit::Draft { brief } => self.change(pick(brief), |b| b.draft = !b.draft),
            Edit::Intro { folder, text } => {
                let rel = format!("content/{}/_index.md", FOLDERS[folder]);
                if text == 0 {
                    let path = self.root.join(&rel);
                    let _ = std::fs::remove_file(&path);
                    return vec![vec![path]];
                }
                let link = self.link_to(text as usize);
                vec![vec![self.write(&rel, &format!("---\ntitle: Section {text}\n---\nAbout this.{link}\n"))]]
            }
            Edit::Record { term, variant } => {
                let rel = format!("content/topics/record-{term}.md");
                if variant == 3 {
                    let path = self.root.join(&rel);
                    let _ = std::fs::remove_file(&path);
                    return vec![vec![path]];
                }
                // The record claims its term's name; variant 1 also the next term's, merging two
                // terms into one.
                let aka = match variant {
                    1 => format!("[{}, {}]", TERMS[term], TERMS[(term + 1) % TERMS.len()]),
                    _ => format!("[{}]", TERMS[term]),
                };
                let text = format!(
                    "---\ntitle: Record {term}\nnames: {{ko: 기록{term}}}\naka: {aka}\n---\nAbout it ({variant}).\n"
                );
                vec![vec![self.write(&rel, &text)]]
            }
            Edit::Static { variant } => {
                let rel = if variant.is_multiple_of(2) { "static/robots.txt" } else { "static/files/notes.txt" };
                if variant >= 2 {
                    let path = self.root.join(rel);
                    let _ = std::fs::remove_file(&path);
                    return vec![vec![path]];
                }
                vec![vec![self.write(rel, &format!("static {variant}\n"))]]
            }
            Edit::Asset { folder, variant } => {
                let rel = format!("content/{}/map.svg", FOLDERS[folder]);
                if variant == 2 {
                    let path = self.root.join(&rel);
                    let _ = std::fs::remove_file(&path);
                    return vec![vec![path]];
                }
                vec![
                    vec![self.write(&rel, &format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{variant}\"/>"))],
                ]
            }
            Edit::Translate { brief, text } => {
                let Some(i) = pick(brief) else { return vec![] };
                let b = &self.briefs[i];
                let rel = format!("content/{}/{}.ko.md", FOLDERS[b.folder], b.stem);
                if text == 0 {
                    let path = self.root.join(&rel);
                    let _ = std::fs::remove_file(&path);
                    return vec![vec![path]];
                }
                let terms: Vec<&str> = b.terms.iter().map(|&t| TERMS[t]).collect();
                let link = self.link_to(text as usize);
                let ko = format!(
                    "---\ntitle: 번역 {text}\ndate: 2025-{:02}-{:02}\ntopics: [{}]\n---\n한국어 본문 {text}.{link}\n",
                    1 + b.date % 12,
                    1 + b.date % 28,
                    terms.join(", ")
                );
                vec![vec![self.write(&rel, &ko)]]
            }
            Edit::KoreanIntro { folder, text } => {
                let rel = format!("content/{}/_index.ko.md", FOLDERS[folder]);
                if text == 0 {
                    let path = self.root.join(&rel);
                    let _ = std::fs::remove_file(&path);
                    return vec![vec![path]];
                }
                vec![vec![self.write(&rel, &format!("---\ntitle: 분류 {text}\n---\n소개 {text}.\n"))]]
            }
            Edit::Events { brief, variant } => {
                let term = TERMS[variant as usize % TERMS.len()];
                let events = match variant {
                    0 => String::new(),
                    1 => "events:\n  - {date: 2014-10, title: Talks}\n".to_string(),
                    2 => format!("events:\n  - {{date: 2014, title: Year {brief}}}\n  - {{date: 2026-11, title: Next meeting, planned: true, topics: [{term}]}}\n"),
                    3 => format!("events:\n  - {{date: 2007-02-23, end: 2007-03, title: {{en: Agreement, ko: 합의}}, topics: [{term}]}}\n"),
                    v => format!("events:\n  - {{date: 20{:02}-01-0{}, title: Event {v}, planned: {}}}\n", 10 + v, 1 + v % 9, v % 2 == 0),
                };
                self.change(pick(brief), |b| b.events = events)
            }
            Edit::DeleteOutput => {
                let _ = std::fs::remove_dir_all(self.root.parent().unwrap().join("output"));
                self.apply_one(&Edit::Body { brief: 0, text: 7, link: 0 })
            }
        }
    }

    fn change(&mut self, i: Option<usize>, f: impl FnOnce(&mut Brief)) -> Vec<Vec<PathBuf>> {
        let Some(i) = i else { return vec![] };
        f(&mut self.briefs[i]);
        vec![vec![self.write(&self.path(&self.briefs[i]), &Model::text(&self.briefs[i]))]]
    }

    fn relocate(&mut self, i: usize, f: impl FnOnce(&mut Brief)) -> Vec<Vec<PathBuf>> {
        let old = self.root.join(self.path(&self.briefs[i]));
        f(&mut self.briefs[i]);
        let new = self.root.join(self.path(&self.briefs[i]));
        std::fs::create_dir_all(new.parent().unwrap()).unwrap();
        std::fs::rename(&old, &new).unwrap();
        vec![vec![old, new]]
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn options(root: &Path, output: &Path) -> BuildOptions {
    BuildOptions { root: root.to_path_buf(), output: Some(output.to_path_buf()), ..BuildOptions::default() }
}

/// A clean build into an empty folder: its files, or `None` when the sources do not build.
fn fresh_build(root: &Path, scratch: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let out = scratch.join("fresh");
    let _ = std::fs::remove_dir_all(&out);
    let project = Project::resolve(&options(root, &out)).ok()?;
    build::run(&project, Mode::Build).ok()?;
    Some(files(&out))
}

fn differences(watched: &BTreeMap<String, Vec<u8>>, fresh: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut diff = Vec::new();
    for (path, bytes) in fresh {
        match watched.get(path) {
            None => diff.push(format!("missing {path}")),
            Some(b) if b != bytes => diff.push(format!(
                "differs {path}:\n--- watch\n{}\n--- fresh\n{}",
                String::from_utf8_lossy(b),
                String::from_utf8_lossy(bytes)
            )),
            _ => {}
        }
    }
    diff.extend(watched.keys().filter(|p| !fresh.contains_key(*p)).map(|p| format!("extra {p}")));
    diff
}

/// The site every test starts from, in `dir/site`: a title, a bibliography and `briefs` briefs
/// in two folders; with a scratch folder for fresh builds.
fn first_site(dir: &Path, briefs: u32) -> (Model, PathBuf) {
    let scratch = dir.join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let mut model = Model {
        root: dir.join("site"),
        briefs: vec![],
        next: 0,
        broken: None,
        site_title: 0,
        base_url: 0,
        bibliography: 0,
    };
    model.apply(&Edit::SiteTitle { title: 0 });
    model.write_bibliography();
    for title in 0..briefs {
        model.apply(&Edit::Create { folder: title as usize % 2, title, date: 3, terms: vec![0, 1], link: 0 });
    }
    (model, scratch)
}

fn run_sequence(edits: &[Edit]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let (mut model, scratch) = first_site(dir.path(), 2);
    let root = model.root.clone();
    let output = dir.path().join("output");
    let mut session = Session::new(options(&root, &output)).expect("the session starts");
    session.build().expect("the first build succeeds");
    let mut expected = fresh_build(&root, &scratch).expect("the first fresh build succeeds");
    for (step, edit) in edits.iter().enumerate() {
        let fix = model.fix_broken();
        // Each save is written only when the one before it was built.
        let saves = fix.into_iter().map(|paths| (paths, None)).chain(std::iter::once((Vec::new(), Some(edit))));
        for (paths, edit_now) in saves {
            let batches = match edit_now {
                Some(edit) => model.apply(edit),
                None => vec![paths],
            };
            if let Some(Edit::DeleteOutput) = edit_now {
                // What was built is gone: while the site cannot build (an error the model left
                // in it), there is nothing, as from a fresh build.
                expected.clear();
            }
            for paths in batches {
                step_once(&mut session, &paths, &root, &scratch, &output, &mut expected, step, edit, edits)?;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn step_once(
    session: &mut Session,
    paths: &[PathBuf],
    root: &Path,
    scratch: &Path,
    output: &Path,
    expected: &mut BTreeMap<String, Vec<u8>>,
    step: usize,
    edit: &Edit,
    edits: &[Edit],
) -> Result<(), TestCaseError> {
    // The fresh build first: when the rebuild says its pages are written, every file but the
    // files for other programs must already be what a fresh build writes.
    let fresh = fresh_build(root, scratch);
    let mut early = Vec::new();
    let mut told = false;
    let result = session.rebuild_then(paths, &mut |_| {
        told = true;
        if let Some(fresh) = &fresh {
            let pages = |files: BTreeMap<String, Vec<u8>>| {
                files.into_iter().filter(|(path, _)| !for_programs(path)).collect::<BTreeMap<_, _>>()
            };
            early = differences(&pages(files(output)), &pages(fresh.clone()));
        }
    });
    if std::env::var_os("WATCH_PROPS_DEBUG").is_some() {
        eprintln!(
            "{step} {edit:?} {paths:?}: {:?}",
            result
                .as_ref()
                .map(|r| (r.rendered, r.write, &r.changed))
                .map_err(|e| format!("{e:?}").chars().take(300).collect::<String>())
        );
    }
    // A rebuild that went well always says when its pages are written (`watch` reloads then).
    prop_assert!(told || result.is_err(), "after step {step} ({edit:?}): the pages were never said to be written");
    prop_assert!(
        early.is_empty(),
        "after step {step} ({edit:?}), when the pages were written, of {edits:#?}:\n{}",
        early.join("\n")
    );
    if let Some(fresh) = fresh {
        *expected = fresh;
    }
    let diff = differences(&files(output), expected);
    prop_assert!(diff.is_empty(), "after step {step} ({edit:?}), of {edits:#?}:\n{}", diff.join("\n"));
    Ok(())
}

/// The files `watch` writes after the reload (`Output::is_for_programs`), by their paths.
fn for_programs(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(name, "graph.json" | "terms.json" | "sources.json" | "robots.txt" | "cite.bib" | "cite.ris")
        || name.starts_with("sitemap")
        || (path.starts_with("timeline/") || path.contains("/timeline/"))
            && (name.ends_with(".json") || name.ends_with(".ics"))
}

proptest! {
    #![proptest_config(Config { cases: cases(), max_shrink_iters: 200, ..Config::default() })]
    #[test]
    fn after_any_sequence_of_edits_the_output_equals_a_fresh_build(edits in proptest::collection::vec(edit(), 1..12)) {
        run_sequence(&edits)?;
    }
}

/// 24 sequences by default (CI); `PROPTEST_CASES=500` for a longer search.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
}

/// When the file watcher loses events (its queue overflowed during a large checkout), `watch`
/// rescans: every file is read again, not only the ones a walk finds new, and the output equals a
/// fresh build.
#[test]
fn a_rescan_after_lost_events_equals_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let (mut model, scratch) = first_site(dir.path(), 3);
    let root = model.root.clone();
    let output = dir.path().join("output");
    let mut session = Session::new(options(&root, &output)).expect("the session starts");
    session.build().expect("the first build succeeds");
    // Changes no event reported: an edit in place, a new brief, a new site title.
    model.apply(&Edit::Title { brief: 0, title: 40 });
    model.apply(&Edit::Create { folder: 1, title: 41, date: 5, terms: vec![2], link: 1 });
    model.apply(&Edit::SiteTitle { title: 3 });
    let report = session.rescan_then(&mut |_| {}).expect("the rescan builds");
    assert_eq!(report.changed.len(), 2, "the edited and the new brief: {:?}", report.changed);
    let fresh = fresh_build(&root, &scratch).expect("the fresh build succeeds");
    let diff = differences(&files(&output), &fresh);
    assert!(diff.is_empty(), "{}", diff.join("\n"));
}
