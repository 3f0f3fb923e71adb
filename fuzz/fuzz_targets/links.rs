//! Links: the input is the Markdown body of a brief (and of a section's `_index.md`) in a small
//! site. Parsing, assembling, resolving every link and rendering must not panic; every link of
//! the analysis must get exactly one output; every diagnostic must point at a real slice of its
//! file (codespan-reporting slices the text with it). With `raw_html` off, the HTML has only the
//! attributes the renderer writes (never an event handler, whatever a heading's `{…}` holds), and
//! no link or image to a `javascript:`, `vbscript:` or `data:` URL.
#![no_main]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use briefing::config::SiteConfig;
use briefing::diagnostics::{self, Diagnostic, SourceText};
use briefing::discover::{Asset, SourceFile, Sources};
use briefing::markdown::{self, Analysis, RESERVED_IDS};
use briefing::parse::{self, Parsed};
use briefing::routes::Routes;
use briefing::theme::Theme;
use briefing::{hash, site};
use libfuzzer_sys::fuzz_target;

fn config() -> &'static SiteConfig {
    static CONFIG: OnceLock<SiteConfig> = OnceLock::new();
    CONFIG.get_or_init(SiteConfig::default)
}

fn theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| Theme::load("default", std::path::Path::new("/nonexistent")).unwrap())
}

/// A source file as `discover` makes it: text cleaned of characters no page can hold.
fn file(rel_path: &str, text: String) -> Arc<SourceFile> {
    let hash = hash::of(&(rel_path, hash::bytes(text.as_bytes())));
    let (text, replaced) = briefing::text::clean(text);
    Arc::new(SourceFile {
        rel_path: rel_path.into(),
        display: format!("content/{rel_path}"),
        text: SourceText::shared(text),
        hash,
        replaced,
    })
}

/// Fixed briefs around the fuzzed one: headings to link to by anchor, a slug override, a draft
/// (`link-to-draft`), a brief whose front-matter fails (links to it are silent), a section index.
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

fn check_diagnostic(d: &Diagnostic) {
    if let Some(location) = &d.location {
        assert!(
            location.text.get(location.span.clone()).is_some(),
            "diagnostic `{}` ({}) has span {:?}, not a slice of {:?}",
            d.code,
            d.message,
            location.span,
            location.text
        );
    }
    // Renders the source line with a caret under the span.
    let _ = d.render(false);
}

/// With `raw_html` off, every tag comes from the renderer: links and broken-link spans must close,
/// attributes are the renderer's own, and no URL runs script.
fn check_html(html: &str, resolved: bool) {
    assert_eq!(html.matches("<a ").count(), html.matches("</a>").count(), "unbalanced <a> in {html}");
    assert_eq!(html.matches("<span").count(), html.matches("</span>").count(), "unbalanced <span> in {html}");
    const ALLOWED: &[&str] =
        &["href", "src", "alt", "title", "id", "class", "start", "type", "checked", "disabled", "style"];
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').expect("every tag ends");
        let tag = &rest[..end];
        rest = &rest[end..];
        // `name attr="value" attr="value"`: values never hold a `"` (the renderer escapes it).
        let mut parts = tag.split('"');
        let mut names = parts.next().unwrap_or("").split_whitespace().skip(1).collect::<Vec<_>>();
        let mut values = Vec::new();
        while let (Some(value), Some(next)) = (parts.next(), parts.next()) {
            values.push(value);
            names.extend(next.split_whitespace());
        }
        for name in names {
            let name = name.trim_end_matches('=').trim_end_matches('/');
            assert!(name.is_empty() || ALLOWED.contains(&name), "attribute `{name}` in <{tag}> of {html}");
        }
        for value in values.into_iter().filter(|_| resolved) {
            assert!(!briefing::scheme::is_unsafe(&decode(value)), "unsafe URL `{value}` in <{tag}> of {html}");
        }
    }
}

/// The character references the renderer writes in attribute values.
fn decode(value: &str) -> String {
    value.replace("&amp;", "&").replace("&quot;", "\"").replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">")
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let config = config();

    // The body alone, at offset 0 and at an offset.
    let alone = markdown::analyse(body, 0, markdown::WriteHtml::Yes { raw_html: false });
    check_analysis(body, 0, body, &alone);
    // Unresolved (no link outputs), links keep what was written: only the tags are checked.
    check_html(&markdown::render(body, &alone, &[], false), false);

    let front = "---\ntitle: A\ntopics: [USFK]\n---\n";
    let mut files = vec![file("briefs/a.md", format!("{front}{body}")), file("background/_index.md", body.to_string())];
    files.extend(FIXED.iter().map(|(rel, text)| file(rel, text.to_string())));

    let parsed: Vec<Arc<Parsed>> = files.iter().map(|f| Arc::new(parse::parse_file(f.clone(), config, true))).collect();
    for p in &parsed {
        let text: &str = &p.file.text;
        check_analysis(&text[p.body.clone()], p.body.start, text, &p.analysis);
        p.diagnostics.iter().for_each(check_diagnostic);
    }

    let sources = Sources {
        markdown: files,
        folders: vec!["".into(), "background".into(), "briefs".into()],
        assets: vec![Asset {
            rel_path: "background/map.png".into(),
            source: PathBuf::from("content/background/map.png"),
        }],
        ..Default::default()
    };
    let (site, mut diagnostics) = site::assemble(config, &sources, &parsed, false, None);
    let (routes, route_diagnostics) = Routes::plan(config, &site, theme(), briefing::routes::MAX_PATH_BYTES);
    diagnostics.extend(route_diagnostics);
    let mut memo = briefing::links::Memo::default();
    let (graph, link_diagnostics) = briefing::links::resolve(&site, &routes, config, Some(&mut memo));
    // `watch` resolves again with the memo of the last run: on an unchanged site it must give
    // what a fresh resolution gives.
    let (again, again_diagnostics) = briefing::links::resolve(&site, &routes, config, Some(&mut memo));
    for b in 0..site.briefs.len() {
        assert_eq!(again.outputs(b), graph.outputs(b));
        assert_eq!(again.outgoing(b), graph.outgoing(b));
    }
    assert_eq!(again.section_outputs, graph.section_outputs);
    assert_eq!(again.backlinks, graph.backlinks);
    let key = |d: &Diagnostic| (d.code, d.message.clone(), d.location.as_ref().map(|l| l.span.clone()));
    assert_eq!(
        again_diagnostics.iter().map(key).collect::<Vec<_>>(),
        link_diagnostics.iter().map(key).collect::<Vec<_>>()
    );
    diagnostics.extend(link_diagnostics);

    assert_eq!(graph.briefs.len(), site.briefs.len());
    for (i, brief) in site.briefs.iter().enumerate() {
        let analysis = &brief.parsed.analysis;
        assert_eq!(graph.outputs(i).len(), analysis.links.len(), "links of {}", brief.id());
        let html = markdown::render(brief.body_text(), analysis, graph.outputs(i), false);
        check_html(&html, true);
        // Written while analysing and filled in, or written from scratch (as in a rebuild): the same.
        let analysed = markdown::analyse(brief.body_text(), brief.parsed.body.start, markdown::WriteHtml::No);
        assert_eq!(markdown::render(brief.body_text(), &analysed, graph.outputs(i), false), html);
    }
    assert_eq!(graph.section_outputs.len(), site.sections.len());
    for (section, (outputs, _)) in site.sections.iter().zip(&graph.section_outputs) {
        if let Some(index) = &section.index {
            assert_eq!(outputs.len(), index.analysis.links.len(), "links of {}", section.folder);
            check_html(&markdown::render(index.body_text(), &index.analysis, outputs, false), true);
        }
    }
    diagnostics.iter().for_each(check_diagnostic);
    diagnostics::sort(&mut diagnostics);
});
