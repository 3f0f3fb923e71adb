//! Front-matter: `split` then `parse` of any UTF-8 text must not panic, and every problem it
//! reports must point at a real slice of the text (codespan-reporting and `LineIndex` slice the
//! text with these spans). No URL it keeps runs script, and no text value it keeps holds a
//! character HTML or XML forbids (YAML escapes can write them: `"\uFFFE"`).
#![no_main]

use std::sync::OnceLock;

use briefing::config::SiteConfig;
use briefing::frontmatter::{self, FieldError};
use libfuzzer_sys::fuzz_target;

fn config() -> &'static SiteConfig {
    static CONFIG: OnceLock<SiteConfig> = OnceLock::new();
    CONFIG.get_or_init(|| SiteConfig {
        timezone: briefing::date::Zone::parse("Asia/Seoul").unwrap(),
        ..SiteConfig::default()
    })
}

fn check_span(text: &str, problem: &FieldError) {
    assert!(
        problem.span.start <= problem.span.end && text.get(problem.span.clone()).is_some(),
        "span {:?} of `{}` ({}) is not a slice of the {}-byte text {:?}",
        problem.span,
        problem.code,
        problem.message,
        text.len(),
        text,
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(problem) => {
            check_span(text, &problem);
            return;
        }
    };
    assert!(text.get(split.yaml.clone()).is_some(), "yaml {:?} of {text:?}", split.yaml);
    assert!(text.get(split.body.clone()).is_some(), "body {:?} of {text:?}", split.body);
    assert!(split.yaml.end <= split.body.start, "{split:?}");
    for kind in [frontmatter::FileKind::Brief, frontmatter::FileKind::Record] {
        let (front, problems) = frontmatter::parse(text, &split, config(), kind);
        for problem in &problems {
            check_span(text, problem);
        }
        if let Some(front) = &front {
            // Every text value kept with its place in the file: the spans are used for later
            // diagnostics (terms, slug, related, aliases, translations, events, supersession,
            // review dates).
            let spanned = || {
                front
                    .terms
                    .values()
                    .flatten()
                    .chain(&front.related)
                    .chain(&front.aliases)
                    .chain(&front.names)
                    .chain(&front.permalink)
                    .chain(&front.image)
                    .chain(&front.slug)
                    .chain(&front.translation_of)
                    .chain(&front.lifecycle.supersedes)
                    .chain(
                        front
                            .record
                            .iter()
                            .flat_map(|r| r.aka.iter().chain(&r.part_of).chain(r.names.iter().map(|(_, n)| n))),
                    )
            };
            let spans = spanned()
                .map(|s| &s.span)
                .chain(front.translated_from.as_ref().map(|s| &s.span))
                .chain(front.lifecycle.review_by.as_ref().map(|s| &s.span))
                .chain(front.lifecycle.review_every.as_ref().map(|s| &s.span))
                .chain(front.events.iter().map(|e| &e.span));
            for span in spans {
                assert!(text.get(span.clone()).is_some(), "value span {span:?} of {text:?}");
            }
            if let Some(slug) = &front.slug {
                assert!(!slug.value.is_empty());
                assert!(slug.value.len() <= 100, "slug {:?}", slug.value);
            }
            let urls = front
                .sources
                .iter()
                .flat_map(|s| [Some(&s.url), s.archived.as_ref()])
                .flatten()
                .chain(front.image.as_ref().map(|i| &i.value))
                .chain(front.events.iter().filter_map(|e| e.value.source.as_ref()))
                .map(String::as_str);
            for url in urls {
                assert!(!briefing::scheme::is_unsafe(url), "unsafe URL kept: {url:?}");
            }
            // Every text value kept (`yaml::clean_strings` cleans every string of the value).
            let sources = front.sources.iter().flat_map(|s| {
                [&s.title, &s.url]
                    .into_iter()
                    .chain(&s.key)
                    .chain(&s.authors)
                    .chain(&s.publisher)
                    .chain(&s.date)
                    .chain(&s.archived)
            });
            let spanned = spanned().map(|s| &s.value);
            let events = front.events.iter().flat_map(|e| {
                let e = &e.value;
                e.id.iter().chain(e.titles.iter().map(|(_, t)| t)).chain(&e.source).chain(e.terms.values().flatten())
            });
            let record = front.record.iter().flat_map(|r| r.kind.iter().chain(&r.wikidata).chain(&r.affiliation));
            let texts = [&front.title]
                .into_iter()
                .chain(&front.summary)
                .chain(&front.status)
                .chain(&front.authors)
                .chain(&front.lang)
                .chain(sources)
                .chain(spanned)
                .chain(events)
                .chain(record)
                .chain(front.lifecycle.changes.iter().map(|c| &c.note));
            for text in texts {
                assert!(!text.chars().any(briefing::text::is_forbidden), "forbidden character kept: {text:?}");
            }
            // The keys of a map that are kept name languages: each is a tag (a `lang` attribute).
            let names = front.record.iter().flat_map(|r| r.names.iter().map(|(lang, _)| lang));
            let titles = front.events.iter().flat_map(|e| e.value.titles.iter().filter_map(|(lang, _)| lang.as_ref()));
            for lang in names.chain(titles) {
                assert!(briefing::config::is_language_tag(lang.trim()), "language key kept: {lang:?}");
            }
        }
        // A brief with an error is left out; one without errors must parse.
        let has_error = problems.iter().any(|p| !p.warning);
        assert_eq!(front.is_some(), !has_error, "{problems:?}");
    }
});
