//! The theme's templates, compiled once (and kept by `watch` while the theme is unchanged).
//! Errors point at the template file, line and column that Tera reported.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tera::{ErrorKind, Tera};

use crate::diagnostics::{Code, Diagnostic, Location, SourceText};
use crate::markdown;
use crate::theme::Theme;

/// Templates every theme must provide (the default theme embeds them all).
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "search.html",
    "timeline.html",
    "report.html",
    "reports.html",
    "events.html",
    "event.html",
    "base.html",
    "index.html",
    "section.html",
    "page.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "404.html",
    "sources.html",
    "source.html",
];

/// No page is larger than this: a template that writes more is stopped (a runaway loop).
pub const MAX_PAGE_BYTES: usize = 256 * 1024 * 1024;
/// Nor does a page take longer than this to write.
pub const MAX_PAGE_TIME: Duration = Duration::from_secs(60);

pub struct Templates {
    tera: Tera,
    /// The same templates per language, each `{{ t.key }}` written as the word (see `with_words`).
    by_lang: Vec<Tera>,
    /// Template name → the file it came from (as messages show it) and its text.
    sources: BTreeMap<String, (String, Arc<SourceText>)>,
}

/// `{{ t.n_briefs | fill(n=3) }}`: a word of the theme (`i18n/`) with each `{key}` in it
/// replaced by the argument `key`; a word written `one | other` takes its first form when `n`
/// is 1, else its last.
fn fill(word: tera::StringInput, args: tera::Kwargs, _: &tera::State) -> String {
    let n = args.get::<tera::Value>("n").ok().flatten().and_then(|n| n.as_i128());
    let mut out = form(word.as_str(), n).to_string();
    for (key, value) in args.iter() {
        if let Some(key) = key.as_str() {
            out = out.replace(&format!("{{{key}}}"), &value.to_string());
        }
    }
    out
}

/// `{{ url | css_string | safe }}`: a text as a CSS string, quoted, for a `<style>` element (the
/// page's address in the printed footer). Quotes, backslashes, control characters and `<>&` are
/// written as CSS escapes, so the string can neither end early nor close the element.
fn css_string(text: tera::StringInput, _: tera::Kwargs, _: &tera::State) -> String {
    css_quoted(text.as_str())
}

fn css_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' | '\u{0}'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\{:x} ", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{{ page.permalink | readable_url }}`: a URL as a reader types it, its non-ASCII path
/// (`%EC%A0%84…`) written as the letters (`전작권…`): for printing, never for a link.
fn readable_url(url: tera::StringInput, _: tera::Kwargs, _: &tera::State) -> String {
    crate::routes::percent_decode(url.as_str()).unwrap_or_else(|| url.as_str().to_string())
}

fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.register_filter("fill", fill);
    tera.register_filter("css_string", css_string);
    tera.register_filter("readable_url", readable_url);
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    // Tera's default escaper would do, but feeds and pages must escape exactly alike.
    tera.set_escape_fn(markdown::write_escaped);
    tera
}

/// A template with each plain `{{ t.key }}` (no filter) written as the word itself, escaped as
/// the value would be, with braces as character references (so no word reads as template
/// syntax, and no line moves): a page looks up no word while it renders. `t` stays in the context for words with a
/// filter (`{{ t.n_briefs | fill(n=3) }}`). A key the table lacks is left for Tera to report.
fn with_words(text: &str, words: &BTreeMap<&str, &str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{ t.") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 5..];
        let key_len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        let (key, tail) = after.split_at(key_len);
        match (tail.strip_prefix(" }}"), words.get(key)) {
            (Some(tail), Some(word)) if !key.is_empty() => {
                let mut escaped = Vec::new();
                let _ = markdown::write_escaped(word, &mut escaped);
                let escaped = String::from_utf8_lossy(&escaped);
                // A newline as a reference too: the template keeps its lines, so a rendering
                // error still points at the right line.
                out.push_str(&escaped.replace('{', "&#123;").replace('}', "&#125;").replace('\n', "&#10;"));
                rest = tail;
            }
            _ => {
                out.push_str("{{ t.");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The form of a word for the number `n`: `one | other` gives `one` for 1, else `other`.
fn form(word: &str, n: Option<i128>) -> &str {
    match (n, word.split_once(" | ")) {
        (Some(1), Some((one, _))) => one,
        (_, Some((_, other))) => other.rsplit(" | ").next().unwrap_or(other),
        (_, None) => word,
    }
}

/// A word of the theme for the number `n`, with `{n}` filled: `{n} min read` → `3 min read`.
pub fn counted(word: &str, n: usize) -> String {
    form(word, Some(n as i128)).replace("{n}", &n.to_string())
}

impl Templates {
    /// Compiles the theme's templates. Errors name the template file, with line and column.
    /// `languages`: the site's language tags, the default's first: a set of templates is made for
    /// each, with the theme's words in it.
    pub fn compile(theme: &Theme, languages: &[String]) -> Result<Templates, Vec<Diagnostic>> {
        let missing: Vec<Diagnostic> = REQUIRED_TEMPLATES
            .iter()
            .filter(|name| !theme.templates.contains_key(**name))
            .map(|name| Diagnostic::error(Code::MissingTemplate, format!("the theme has no template `{name}`")))
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let sources = theme
            .templates
            .iter()
            .map(|(name, text)| {
                let file = theme.template_files.get(name).cloned().unwrap_or_else(|| name.clone());
                (name.clone(), (file, SourceText::shared(text.as_str())))
            })
            .collect();
        let mut templates = Templates { tera: new_tera(), by_lang: Vec::new(), sources };
        // Compiled as written first, so that errors point at the template's own text.
        if let Err(e) = templates.tera.add_raw_templates(&theme.templates) {
            let message = match e.kind() {
                ErrorKind::SyntaxError(report) => report.message().to_string(),
                // Unknown templates, filters and components come as ready-made reports.
                _ => e.to_string().trim_start_matches("error: ").to_string(),
            };
            let diagnostic = Diagnostic::error(Code::Template, format!("the templates do not compile: {message}"));
            return Err(vec![templates
                .locate(diagnostic, &e, None)
                .help("fix the template at the place shown; see https://keats.github.io/tera/docs/ for the syntax")]);
        }
        for lang in languages {
            let words = theme.words(lang);
            let sources = theme.templates.iter().map(|(name, text)| (name.clone(), with_words(text, &words)));
            let mut tera = new_tera();
            // The words cannot make a template fail: they are written as text without braces.
            tera.add_raw_templates(sources.collect::<Vec<_>>()).map_err(|e| {
                vec![Diagnostic::error(
                    Code::Template,
                    format!("the templates do not compile with the `{lang}` words: {e}"),
                )]
            })?;
            templates.by_lang.push(tera);
        }
        Ok(templates)
    }

    /// Renders `template` in language `lang` with `context` for the page `page_name` (as
    /// messages show it).
    pub fn render<T: Serialize>(
        &self,
        lang: usize,
        template: &str,
        page_name: &str,
        context: &T,
    ) -> Result<Vec<u8>, Diagnostic> {
        let tera = self.by_lang.get(lang).unwrap_or(&self.tera);
        let context = tera::Context::from_serialize(context).map_err(|e| {
            Diagnostic::error(Code::Template, format!("cannot pass the page `{page_name}` to templates: {e}"))
        })?;
        let mut out = Bounded { bytes: Vec::with_capacity(16 * 1024), started: Instant::now(), over: None };
        match tera.render_to(template, &context, &mut out) {
            Ok(()) => Ok(out.bytes),
            Err(e) => {
                let message = match (out.over, e.kind()) {
                    (Some(limit), _) => limit.to_string(),
                    (None, ErrorKind::RenderingError(report)) => report.message().to_string(),
                    (None, _) => e.to_string(),
                };
                let diagnostic = Diagnostic::error(
                    Code::Template,
                    format!("template `{template}` failed while rendering `{page_name}`: {message}"),
                )
                .help(match out.over {
                    Some(_) => "look for a loop in the template that writes without end",
                    None => "check the variables the template uses; every page gets `site`, `page`, `t`, `languages` and `build`",
                });
                Err(self.locate(diagnostic, &e, Some(template)))
            }
        }
    }

    /// Points a diagnostic at the place in a template that Tera reported, else at the start of
    /// `fallback`.
    fn locate(&self, diagnostic: Diagnostic, error: &tera::Error, fallback: Option<&str>) -> Diagnostic {
        let (name, span) = match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                (report.filename(), report.span().range.clone())
            }
            _ => match fallback {
                Some(name) => (name, 0..0),
                None => return diagnostic,
            },
        };
        match self.sources.get(name) {
            Some((file, text)) => diagnostic.at(Location::new(file.as_str(), text.clone(), span)),
            None => diagnostic,
        }
    }
}

/// A page's bytes, refusing to grow past `MAX_PAGE_BYTES` or to write after `MAX_PAGE_TIME`.
struct Bounded {
    bytes: Vec<u8>,
    started: Instant,
    over: Option<&'static str>,
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let before = self.bytes.len();
        // The clock is read once per MiB written: pages write in many small pieces.
        if before + buf.len() > MAX_PAGE_BYTES {
            self.over = Some("the page grew past 256 MiB");
        } else if (before + buf.len()) >> 20 != before >> 20 && self.started.elapsed() > MAX_PAGE_TIME {
            self.over = Some("the page took more than 60 seconds");
        }
        if let Some(limit) = self.over {
            return Err(io::Error::other(limit));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_end_early_or_close_the_style_element() {
        assert_eq!(css_quoted("https://example.org/ko/briefs/전작권/"), "\"https://example.org/ko/briefs/전작권/\"");
        assert_eq!(css_quoted("a\"b\\c</style>\n&"), "\"a\\22 b\\5c c\\3c /style\\3e \\a \\26 \"");
    }

    #[test]
    fn plain_words_are_written_into_the_template_and_the_rest_is_left_to_tera() {
        let words: BTreeMap<&str, &str> =
            [("search", "검색"), ("odd", "<a> & {{ x }}\n"), ("n_briefs", "{n} briefs")].into_iter().collect();
        let text = "<p>{{ t.search }}</p><i title=\"{{ t.odd }}\">{{ t.n_briefs | fill(n=2) }} {{ t.missing }} {{t.search}}</i>";
        assert_eq!(
            with_words(text, &words),
            "<p>검색</p><i title=\"&lt;a&gt; &amp; &#123;&#123; x &#125;&#125;&#10;\">{{ t.n_briefs | fill(n=2) }} {{ t.missing }} {{t.search}}</i>"
        );
        assert_eq!(counted("{n} brief | {n} briefs", 1), "1 brief");
        assert_eq!(counted("{n} brief | {n} briefs", 3), "3 briefs");
        assert_eq!(counted("브리프 {n}건", 1), "브리프 1건");
    }
}
