//! Links: the input is the Markdown body of a brief (and of a section's `_index.md` and of a term
//! record) in a small site with a bibliography. Parsing, assembling, planning routes, resolving
//! every link and citation and rendering must not panic; every link of the analysis must get
//! exactly one output, every citation one piece of HTML; every diagnostic must point at a real
//! slice of its file (codespan-reporting slices the text with it). With `raw_html` off, the HTML
//! has only the attributes the renderer writes (never an event handler, whatever a heading's
//! `{…}` holds), and no link or image to a `javascript:`, `vbscript:` or `data:` URL.
#![no_main]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use briefing::citations::{self, Style};
use briefing::config::SiteConfig;
use briefing::diagnostics::{self, Diagnostic, Location, SourceText};
use briefing::discover::{Asset, SourceFile, Sources};
use briefing::links::LinkGraph;
use briefing::markdown::{self, Analysis, LinkOutput, RESERVED_IDS};
use briefing::parse::{self, Parsed};
use briefing::routes::Routes;
use briefing::site::{self, Include};
use briefing::theme::Theme;
use briefing::{hash, library};
use libfuzzer_sys::fuzz_target;

fn config() -> &'static SiteConfig {
    static CONFIG: OnceLock<SiteConfig> = OnceLock::new();
    CONFIG.get_or_init(SiteConfig::default)
}

fn theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| Theme::load("default", std::path::Path::new("/nonexistent")).unwrap())
}

/// The site's citation style (`citation_style`, `chicago-author-date` by default), parsed once.
fn style() -> &'static Style {
    static STYLE: OnceLock<Style> = OnceLock::new();
    STYLE.get_or_init(|| Style::bundled(&config().citation_style).expect("the default style is bundled"))
}

/// A source file as `discover` makes it: hashed as read, its text cleaned of characters no page
/// can hold.
fn file(rel_path: &str, display: String, text: String) -> Arc<SourceFile> {
    let hash = hash::of(&(rel_path, hash::bytes(text.as_bytes())));
    let (text, replaced) = briefing::text::clean(text);
    Arc::new(SourceFile { rel_path: rel_path.into(), display, text: SourceText::shared(text), hash, replaced })
}

fn content(rel_path: &str, text: String) -> Arc<SourceFile> {
    file(rel_path, format!("content/{rel_path}"), text)
}

/// Fixed briefs around the fuzzed one: headings to link to by anchor, a slug override, a draft
/// (`link-to-draft`), a brief whose front-matter fails (links to it are silent), a Hangul file
/// name.
const FIXED: &[(&str, &str)] = &[
    (
        "briefs/b.md",
        "---\ntitle: B\ndate: 2025-11-04\ntopics: [OPCON transfer, USFK]\n---\n# Heading One\n\n## 전시 작전\n\nSee [[a]] and [c](../background/c.md#text).\n",
    ),
    (
        "background/c.md",
        "---\ntitle: C\nslug: cfc\nrelated: [a, b]\ntopics: [OPCON transfer]\n---\n## Text\n\n[[b#heading-one]] ![map](map.png)\n",
    ),
    ("briefs/draft.md", "---\ntitle: Draft\ndraft: true\n---\nDraft.\n"),
    ("briefs/broken.md", "---\ntitle: [\n---\nBroken.\n"),
    ("briefs/동맹 현대화.md", "---\ntitle: 동맹 현대화\nactors: [ROK]\n---\n# 개요\n"),
];

/// The bibliography `site.yaml` would name: citations of the fuzzed body resolve against it.
const BIBLIOGRAPHY: &str = "@report{dod2022,
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

fn check_analysis(body: &str, offset: usize, file_text: &str, analysis: &Analysis) {
    for link in &analysis.links {
        let Some(written) = file_text.get(link.span.clone()) else {
            panic!("link span {:?} is not a slice of {file_text:?}", link.span);
        };
        assert!(link.span.start >= offset && link.span.end <= offset + body.len());
        assert!(!written.is_empty(), "empty link span {:?}", link.span);
    }
    let mut ids = HashSet::new();
    for heading in &analysis.headings {
        assert!(!heading.id.is_empty(), "{heading:?}");
        assert!(!RESERVED_IDS.contains(&heading.id.as_str()), "{heading:?}");
        assert!(ids.insert(heading.id.as_str()), "duplicate heading id {heading:?}");
    }
}

fn check_location(d: &Diagnostic, location: &Location) {
    assert!(
        location.text.get(location.span.clone()).is_some(),
        "diagnostic `{}` ({}) has span {:?}, not a slice of {:?}",
        d.code,
        d.message,
        location.span,
        location.text
    );
}

fn check_diagnostic(d: &Diagnostic) {
    if let Some(location) = &d.location {
        check_location(d, location);
    }
    for (location, _) in &d.related {
        check_location(d, location);
    }
    // Renders the source line with a caret under the span.
    let _ = d.render(false);
}

/// The attributes the renderer writes: pulldown-cmark's (`href`, `src`, `alt`, `title`, `id`,
/// `class`, `start`, `type`, `checked`, `disabled`, `style`), the link tags' (`hreflang`, `lang`),
/// scrollable tables' (`tabindex`), footnotes' (`aria-*`) and citations' (`data-cites`).
const ALLOWED: &[&str] = &[
    "href",
    "src",
    "alt",
    "title",
    "id",
    "class",
    "start",
    "type",
    "checked",
    "disabled",
    "style",
    "hreflang",
    "lang",
    "tabindex",
    "aria-describedby",
    "aria-label",
    "aria-labelledby",
    "data-cites",
];

/// With `raw_html` off, every tag comes from the renderer: links and broken-link spans must close,
/// attributes are the renderer's own, and (once resolved) no link or image URL runs script.
fn check_html(html: &str, resolved: bool) {
    assert_eq!(html.matches("<a ").count(), html.matches("</a>").count(), "unbalanced <a> in {html}");
    assert_eq!(html.matches("<span").count(), html.matches("</span>").count(), "unbalanced <span> in {html}");
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').expect("every tag ends");
        let tag = &rest[..end];
        rest = &rest[end..];
        // `name attr="value" attr attr="value"`: values never hold a `"` (the renderer escapes it).
        let mut parts = tag.split('"');
        let mut words = parts.next().unwrap_or("").split_whitespace().skip(1).collect::<Vec<_>>();
        let mut attributes: Vec<(&str, Option<&str>)> = Vec::new();
        loop {
            // The last word before a `"` is the name of the value that follows.
            let value = parts.next();
            let named = match value {
                Some(_) => words.pop(),
                None => None,
            };
            attributes.extend(words.drain(..).map(|w| (w, None)));
            let Some(value) = value else { break };
            attributes.push((named.unwrap_or(""), Some(value)));
            words = parts.next().unwrap_or("").split_whitespace().collect();
        }
        for (name, value) in attributes {
            let name = name.trim_end_matches('=').trim_end_matches('/');
            assert!(name.is_empty() || ALLOWED.contains(&name), "attribute `{name}` in <{tag}> of {html}");
            if let (true, "href" | "src", Some(value)) = (resolved, name, value) {
                assert!(!briefing::scheme::is_unsafe(&decode(value)), "unsafe URL `{value}` in <{tag}> of {html}");
            }
        }
    }
}

/// The character references the renderer writes in attribute values.
fn decode(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `watch` resolves again with the memo of the last run: on an unchanged site it must give what
/// a fresh resolution gives.
fn assert_same_graph(a: &LinkGraph, b: &LinkGraph, what: &str) {
    assert_eq!(a.briefs.len(), b.briefs.len(), "{what}");
    for i in 0..a.briefs.len() {
        assert_eq!(a.outputs(i), b.outputs(i), "{what}: outputs of brief {i}");
        assert_eq!(a.outgoing(i), b.outgoing(i), "{what}: outgoing links of brief {i}");
        assert_eq!(a.briefs[i].hash, b.briefs[i].hash, "{what}: hash of brief {i}");
    }
    assert_eq!(a.section_outputs, b.section_outputs, "{what}");
    assert_eq!(a.translated_outputs, b.translated_outputs, "{what}");
    assert_eq!(a.record_outputs, b.record_outputs, "{what}");
    assert_eq!(a.backlinks, b.backlinks, "{what}");
    assert_eq!(a.related, b.related, "{what}");
    assert_eq!(a.neighbours, b.neighbours, "{what}");
}

type DiagnosticKey = (diagnostics::Code, String, Option<std::ops::Range<usize>>);

fn keys(diagnostics: &[Diagnostic]) -> Vec<DiagnosticKey> {
    diagnostics.iter().map(|d| (d.code, d.message.clone(), d.location.as_ref().map(|l| l.span.clone()))).collect()
}

/// A body rendered for its page, checked; returns the HTML.
fn render(parsed: &Parsed, links: &[LinkOutput], citations: &[String], notes: &str) -> String {
    let analysis = &parsed.analysis;
    assert_eq!(links.len(), analysis.links.len(), "links of {}", parsed.file.rel_path);
    let raw_html = config().raw_html;
    let html = markdown::render(parsed.body_text(), analysis, links, citations, raw_html, notes);
    check_html(&html, true);
    // Written while analysing and filled in, or written from scratch (as in a rebuild): the same.
    let analysed = markdown::analyse(parsed.body_text(), parsed.body.start, markdown::WriteHtml::No);
    assert_eq!(analysed.links, analysis.links, "{}", parsed.file.rel_path);
    assert_eq!(analysed.citations, analysis.citations, "{}", parsed.file.rel_path);
    assert_eq!(
        markdown::render(parsed.body_text(), &analysed, links, citations, raw_html, notes),
        html,
        "{} written from scratch",
        parsed.file.rel_path
    );
    html
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let config = config();

    // The body alone, at offset 0. Unresolved (no link outputs), links keep what was written:
    // only the tags are checked.
    let alone = markdown::analyse(body, 0, markdown::WriteHtml::Yes { raw_html: false });
    check_analysis(body, 0, body, &alone);
    check_html(&markdown::render(body, &alone, &[], &[], false, "Notes"), false);

    let front = "---\ntitle: A\ntopics: [USFK]\n---\n";
    let record = "---\ntitle: USFK\naka: [주한미군]\n---\n";
    let mut files = vec![
        content("briefs/a.md", format!("{front}{body}")),
        content("background/_index.md", body.to_string()),
        content("topics/usfk.md", format!("{record}{body}")),
    ];
    files.extend(FIXED.iter().map(|(rel, text)| content(rel, text.to_string())));
    // Sorted by path, as `discover` gives them.
    files.sort_unstable_by(|a, b| a.rel_path.cmp(&b.rel_path));

    let parsed: Vec<Arc<Parsed>> = files.iter().map(|f| Arc::new(parse::parse_file(f.clone(), config, true))).collect();
    for p in &parsed {
        let text: &str = &p.file.text;
        check_analysis(&text[p.body.clone()], p.body.start, text, &p.analysis);
        p.diagnostics.iter().for_each(check_diagnostic);
    }

    let sources = Sources {
        markdown: files,
        folders: vec!["".into(), "background".into(), "briefs".into(), "topics".into()],
        assets: vec![Asset {
            rel_path: "background/map.png".into(),
            source: PathBuf::from("content/background/map.png"),
        }],
        bibliography: vec![file("refs.bib", "refs.bib".into(), BIBLIOGRAPHY.into())],
        ..Default::default()
    };
    // Every date (`--future`), so that what is checked does not depend on the day.
    let include = Include { drafts: false, until: None };
    // `assemble` hands back the parse diagnostics with its own.
    let (mut site, mut diagnostics) = site::assemble(config, &sources, &parsed, include, None);
    let (library, library_diagnostics) = library::assemble(&sources.bibliography, &site, None);
    diagnostics.extend(library_diagnostics);
    site.library = library;
    let keys_of_routes = Routes::key(config, &site, theme(), false);
    let (routes, route_diagnostics) =
        Routes::plan(config, &site, theme(), briefing::routes::MAX_PATH_BYTES, false, keys_of_routes, None);
    diagnostics.extend(route_diagnostics);

    // As `build` resolves (no memo), and as `watch` does: a first run that fills the memo, and a
    // run on the unchanged site that reuses it.
    let (graph, link_diagnostics) = briefing::links::resolve(&site, &routes, config, None);
    let mut memo = briefing::links::Memo::default();
    let (first, first_diagnostics) = briefing::links::resolve(&site, &routes, config, Some(&mut memo));
    let (again, again_diagnostics) = briefing::links::resolve(&site, &routes, config, Some(&mut memo));
    assert_same_graph(&first, &graph, "watch's first resolution");
    assert_same_graph(&again, &graph, "resolution with the memo");
    assert_eq!(keys(&first_diagnostics), keys(&link_diagnostics));
    assert_eq!(keys(&again_diagnostics), keys(&link_diagnostics));
    diagnostics.extend(link_diagnostics);

    // Citations are found only in bodies that hold an `@` (`analyse`), and only the fuzzed ones
    // may: without one, every brief's citations are none, as `citations::resolve` would find
    // (its formatting of the bibliography, the same on every run, would take most of the time).
    let cited = match body.contains('@') {
        true => {
            let (cited, citation_diagnostics) = citations::resolve(&site, &site.library, style(), None);
            diagnostics.extend(citation_diagnostics);
            assert_eq!(cited.of_brief.len(), site.briefs.len());
            Some(cited)
        }
        false => {
            assert!(site.briefs.iter().all(|b| b.parsed.analysis.citations.is_empty()));
            None
        }
    };

    assert_eq!(graph.briefs.len(), site.briefs.len());
    for (b, brief) in site.briefs.iter().enumerate() {
        let analysis = &brief.parsed.analysis;
        // The n-th citation of the body is the n-th piece of HTML.
        let inline = cited.as_ref().and_then(|c| c.of_brief[b].as_deref()).map_or(&[][..], |c| &c.inline[..]);
        assert_eq!(inline.len(), analysis.citations.len(), "citations of {}", brief.id());
        render(&brief.parsed, graph.outputs(b), inline, markdown::notes_heading(site.language_of(b)));
    }
    // Introductions and records are rendered with their citations as written, as their pages
    // render them: one piece of text per analysed citation.
    let notes = markdown::notes_heading(site::language_code(config, 0));
    let as_written = |parsed: &Parsed| {
        let texts = cited.as_ref().and_then(|c| c.as_written.get(&parsed.file.rel_path));
        let texts = texts.map_or(&[][..], |t| &t[..]);
        assert_eq!(texts.len(), parsed.analysis.citations.len(), "citations of {}", parsed.file.rel_path);
        texts
    };
    assert_eq!(graph.section_outputs.len(), site.sections.len());
    for (section, (outputs, _)) in site.sections.iter().zip(&graph.section_outputs) {
        match &section.index {
            Some(index) => {
                render(index, outputs, as_written(index), notes);
            }
            None => assert!(outputs.is_empty(), "{}", section.folder),
        }
    }
    assert_eq!(graph.record_outputs.len(), site.records.len());
    for (record, (outputs, _)) in site.records.iter().zip(&graph.record_outputs) {
        render(&record.parsed, outputs, as_written(&record.parsed), markdown::notes_heading(&config.language));
    }
    diagnostics.iter().for_each(check_diagnostic);
    diagnostics::sort(&mut diagnostics);
});
