//! Markdown, parsed once per brief: the analysis (headings, links with their spans, summary,
//! word count) and the HTML come from the same pass. Link targets are only known once every
//! brief is, so the HTML keeps a marker where each link opens and closes, filled in when the
//! page is rendered. The n-th link of the analysis is the n-th link of the rendering.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, TextMergeWithOffset};
use unicode_normalization::IsNormalized;

use crate::citations::syntax;

use crate::slug::slugify;

mod typeset;
pub use typeset::notes_heading;
use typeset::Typeset;

/// Ids the default theme uses itself; a heading never takes one of them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "content",
    "timeline",
    "timeline-heading",
    "timeline-filters",
    "timeline-status",
    "timeline-all",
    "events",
    "events-heading",
    "changes",
    "changes-heading",
    "top",
    "toc",
    "site-header",
    "site-footer",
    "site-nav",
    "site-search-q",
    "backlinks",
    "backlinks-heading",
    "related",
    "related-heading",
    "sources",
    "sources-heading",
    "latest-heading",
    "sections-heading",
    "terms",
    "footnotes",
    "footnotes-heading",
    "search",
    "search-input",
    "search-more",
    "search-filter",
    "search-status",
    "search-hint",
    "search-results",
    "mentioned-heading",
    "briefing-errors",
    "pager",
    "skip",
    "references",
    "references-heading",
    "citation-notes",
    "citation-notes-heading",
    "cite",
    "cite-heading",
    "cited-by-heading",
    "sort-sources",
    "source-list",
    "report-cover",
    "report-contents",
    "report-contents-heading",
    "report-key-points",
    "report-key-points-heading",
    "report-timeline",
    "report-timeline-heading",
    "report-references",
    "report-references-heading",
    "report-glossary",
    "report-glossary-heading",
];

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[[target]]` (`has_label`: `[[target|label]]`)
    Wiki { has_label: bool },
    /// `[text](dest)`
    Markdown,
    /// `![alt](src)`
    Image,
    /// `![[map.png]]` (an image) or `![[note]]` (a link to the note), as Obsidian writes them.
    Embed,
}

/// One link or image of the body, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRef {
    pub kind: LinkKind,
    pub dest: String,
    /// The link's title (`[text](dest "title")`), or empty.
    pub title: String,
    /// Byte span of the whole link in the file (starts at its first `[` or `!`).
    pub span: Range<usize>,
    /// `<https://…>`: the link's text is its address (`class="url"`: print does not repeat it).
    pub text_is_url: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    /// Plain text of the first paragraph, for a summary when the front-matter has none.
    pub first_paragraph: Option<String>,
    pub word_count: usize,
    /// The body's HTML with link markers, when the parse could write it (see `analyse`).
    pub html: Option<MarkedHtml>,
    /// Table cells holding an unclosed `[[`: a wikilink whose `|` split the row.
    pub split_wikilinks: Vec<Range<usize>>,
    /// Every citation (`[@key]`, `@key`), in order: the n-th is marker `\0kn\0` of the HTML.
    pub citations: Vec<CitationRef>,
    /// The body as plain text in NFC, each run of white space and each break between blocks one
    /// space (for full-text search; citations as their plain text, no HTML).
    pub text: String,
}

/// A citation of the body, with its positions in the file and the sentence around it (for a
/// source's "cited by" list).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitationRef {
    pub citation: syntax::Citation,
    /// Where each item's `@key` is written in the file.
    pub key_spans: Vec<Range<usize>>,
    pub sentence: String,
}

/// A run of text's citations, each with where it stood in the plain text; the run as HTML with
/// markers; and the plain text.
type CitedText = (Vec<(syntax::Citation, usize)>, String, String);

/// The citations of one run of text outside code and links, and the run written as HTML with a
/// `\0kn\0` marker in place of each (numbered from `first`); `None` when it cites nothing.
fn cite_text(text: &str, first: usize) -> Option<CitedText> {
    if !text.contains('@') {
        return None;
    }
    let found = syntax::find(text);
    if found.is_empty() {
        return None;
    }
    let mut html = String::with_capacity(text.len() + 16);
    let mut plain = String::with_capacity(text.len());
    let mut last = 0;
    // Where each citation stood in `plain`.
    let mut at = Vec::with_capacity(found.len());
    for (n, c) in found.iter().enumerate() {
        html.push_str(&escape_html(&text[last..c.range.start]));
        plain.push_str(&text[last..c.range.start]);
        html.push_str(&format!("\0k{}\0", first + n));
        // In plain text (summaries, sentences) a narrative citation reads as its key, and a
        // bracketed one goes with the space before it: "delayed [@kim]." → "delayed.".
        match c.mode {
            syntax::Mode::Narrative => {
                plain.push('@');
                plain.push_str(&c.items[0].key);
            }
            syntax::Mode::Normal => {
                if text[c.range.end..].starts_with(|ch: char| ch.is_whitespace() || ch.is_ascii_punctuation()) {
                    plain.truncate(plain.trim_end().len());
                }
            }
        }
        last = c.range.end;
        at.push(plain.len());
    }
    html.push_str(&escape_html(&text[last..]));
    plain.push_str(&text[last..]);
    Some((found.into_iter().zip(at).collect(), html, plain))
}

/// The sentence of `block` around byte `at` (where a citation stood), trimmed.
fn sentence_at(block: &str, at: usize) -> String {
    let at = at.min(block.len());
    let is_end = |w: &[u8]| matches!(w, [b'.' | b'?' | b'!', b' ']);
    let bytes = block.as_bytes();
    let start = (1..at).rev().find(|&i| is_end(&bytes[i - 1..=i])).map_or(0, |i| i + 1);
    let end = (at..bytes.len().saturating_sub(1)).find(|&i| is_end(&bytes[i..i + 2])).map_or(block.len(), |i| i + 1);
    let sentence = block.get(start..end).unwrap_or(block).split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = sentence.replace(" .", ".").replace(" ,", ",");
    if sentence.chars().count() > 400 {
        sentence.chars().take(399).collect::<String>() + "…"
    } else {
        sentence
    }
}

/// HTML whose heading ids and link tags are `\0h3\0`, `\0o5\0` (link 5 opens) and `\0c5\0` (it
/// closes) markers, citations `\0k2\0` and the footnotes' heading `\0n0\0`. NUL never reaches
/// the HTML otherwise: pulldown-cmark replaces it in text, and bodies holding one are not
/// pre-rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkedHtml {
    pub html: String,
    /// Whether raw HTML was kept as is (else escaped) when this was written.
    pub raw_html: bool,
}

impl Analysis {
    pub fn reading_minutes(&self) -> usize {
        // ~220 words a minute for English; Korean, counted in space-separated eojeol, reads at a
        // similar rate of units.
        self.word_count.div_ceil(220).max(1)
    }
}

/// The text of the body's first block when it is a level-1 heading, and where the heading ends
/// in `body`: a note without `title:` takes it as its title, and the page does not repeat it.
pub fn leading_title(body: &str) -> Option<(String, usize)> {
    let mut events = Parser::new_ext(body, options()).into_offset_iter();
    let (Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }), range) = events.next()? else {
        return None;
    };
    let mut title = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => title.push_str(&clean(t)),
            Event::SoftBreak | Event::HardBreak => title.push(' '),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some((title, range.end))
}

/// Whether `analyse` also writes the body's HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteHtml {
    /// Analysis only: the page is not expected to render (a rebuild), `render` writes it if it does.
    No,
    /// Write it, keeping raw HTML as is (`raw_html`) or escaping it.
    Yes { raw_html: bool },
}

/// Analyses a Markdown body and, in the same pass, writes its HTML with link markers. `offset`
/// is where the body starts in its file, so spans are file positions. Bodies with images are
/// analysed only (an image's URL sits inside pulldown-cmark's `<img>`, where no marker fits);
/// `render` writes them whole once their links are resolved.
pub fn analyse(body: &str, offset: usize, write_html: WriteHtml) -> Analysis {
    let raw_html = write_html == WriteHtml::Yes { raw_html: true };
    let writing = write_html != WriteHtml::No && !body.contains('\0');
    // Markers only for HTML that is kept.
    let marker = |kind: char, n: usize| if writing { CowStr::from(format!("\0{kind}{n}\0")) } else { CowStr::from("") };
    let mut analysis = Analysis { text: String::with_capacity(body.len()), ..Analysis::default() };
    let mut used_ids = UsedIds::default();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    let mut paragraph: Option<String> = None;
    let mut open_links: Vec<usize> = Vec::new();
    let mut has_images = false;
    let mut cell: Option<(String, Range<usize>)> = None;
    let mut in_code = false;
    // The text of the block being read, and the citations in it waiting for their sentence.
    let mut block = String::new();
    let mut waiting: Vec<(usize, usize)> = Vec::new();
    let cites = body.contains('@');
    let references = body.contains("&#");
    let parser = TextMergeWithOffset::new(Parser::new_ext(body, options()).into_offset_iter());
    let parser = parser.map(|(event, range)| (if references { clean_event(event) } else { event }, range));
    let events = parser.map(|(event, range)| {
        if cites {
            match &event {
                Event::Start(Tag::CodeBlock(_) | Tag::Image { .. }) => in_code = true,
                Event::End(TagEnd::CodeBlock | TagEnd::Image) => in_code = false,
                Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::Heading { .. }) => block.clear(),
                Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_)) => {
                    for (n, at) in waiting.drain(..) {
                        analysis.citations[n].sentence = sentence_at(&block, at);
                    }
                    block.clear();
                }
                Event::Text(text) if !in_code && !text.contains('@') => block.push_str(text),
                Event::Code(text) => block.push_str(text),
                Event::SoftBreak | Event::HardBreak => block.push(' '),
                _ => {}
            }
        }
        if ends_block(&event) && !analysis.text.is_empty() && !analysis.text.ends_with(' ') {
            analysis.text.push(' ');
        }
        match event {
            Event::Text(ref text) if cites && !in_code && open_links.is_empty() && text.contains('@') => {
                let Some((found, html, plain)) = cite_text(text, analysis.citations.len()) else {
                    block.push_str(text);
                    count_text(
                        text,
                        &mut cell,
                        &mut heading,
                        &mut paragraph,
                        &mut analysis.word_count,
                        &mut analysis.text,
                    );
                    return event;
                };
                let source = &body[range.clone()];
                let mut search = 0;
                for (c, plain_at) in found {
                    let mut key_spans = Vec::new();
                    for item in &c.items {
                        let at =
                            source[search..].find(&format!("@{}", item.key)).or_else(|| source[search..].find('@'));
                        let start = offset + range.start + search + at.unwrap_or(0);
                        key_spans.push(start..start + 1 + item.key.len());
                        search += at.map_or(0, |a| a + 1);
                    }
                    waiting.push((analysis.citations.len(), block.len() + plain_at));
                    analysis.citations.push(CitationRef { citation: c, key_spans, sentence: String::new() });
                }
                block.push_str(&plain);
                count_text(
                    &plain,
                    &mut cell,
                    &mut heading,
                    &mut paragraph,
                    &mut analysis.word_count,
                    &mut analysis.text,
                );
                Event::Html(if writing { CowStr::from(html) } else { CowStr::from("") })
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                heading = Some((heading_level(level), id.map(|s| s.to_string()), String::new()));
                let (classes, attrs) = heading_attributes(classes, attrs, raw_html);
                Event::Start(Tag::Heading { level, id: Some(marker('h', analysis.headings.len())), classes, attrs })
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, title)) = heading.take() {
                    let title = title.trim().to_string();
                    let id = unique_id(explicit, &title, analysis.headings.len(), &mut used_ids);
                    analysis.headings.push(Heading { level, id, title });
                }
                event
            }
            Event::Start(Tag::Paragraph) if analysis.first_paragraph.is_none() && heading.is_none() => {
                paragraph = Some(String::new());
                event
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(p) = paragraph.take() {
                    if !p.trim().is_empty() {
                        analysis.first_paragraph = Some(p.trim().to_string());
                    }
                }
                event
            }
            Event::Start(Tag::Link { link_type, dest_url, title, .. }) => {
                let kind = match link_type {
                    LinkType::WikiLink { has_pothole } => LinkKind::Wiki { has_label: has_pothole },
                    _ => LinkKind::Markdown,
                };
                // `<press@example.org>` comes without its scheme.
                let dest = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                let n = analysis.links.len();
                let span = offset + range.start..offset + range.end;
                let text_is_url = link_type == LinkType::Autolink;
                analysis.links.push(LinkRef { kind, dest, title: title.to_string(), span, text_is_url });
                open_links.push(n);
                Event::Html(marker('o', n))
            }
            Event::End(TagEnd::Link) => Event::Html(marker('c', open_links.pop().unwrap_or(usize::MAX))),
            Event::Start(Tag::Image { ref dest_url, ref title, link_type, .. }) => {
                has_images = true;
                let span = offset + range.start..offset + range.end;
                let (dest, title) = (dest_url.to_string(), title.to_string());
                let kind =
                    if matches!(link_type, LinkType::WikiLink { .. }) { LinkKind::Embed } else { LinkKind::Image };
                analysis.links.push(LinkRef { kind, dest, title, span, text_is_url: false });
                event
            }
            Event::Start(Tag::TableCell) => {
                cell = Some((String::new(), offset + range.start..offset + range.end));
                event
            }
            Event::End(TagEnd::TableCell) => {
                // `[[x|label]]` in a table: the `|` ends the cell first, leaving `[[x` behind.
                if let Some((text, span)) = cell.take() {
                    let opened = text.rfind("[[");
                    if opened.is_some_and(|i| !text[i..].contains("]]")) {
                        analysis.split_wikilinks.push(span);
                    }
                }
                event
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                count_text(text, &mut cell, &mut heading, &mut paragraph, &mut analysis.word_count, &mut analysis.text);
                event
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(p) = paragraph.as_mut() {
                    p.push(' ');
                }
                event
            }
            Event::Html(text) | Event::InlineHtml(text) if !raw_html => Event::Text(text),
            other => other,
        }
    });
    let html = if !writing {
        events.for_each(drop);
        None
    } else {
        let mut html = String::with_capacity(body.len() * 3 / 2);
        if typeset::is_needed(body) {
            // The notes' heading is in the page's language, known when the page renders: a marker.
            pulldown_cmark::html::push_html(&mut html, Typeset::new(events, "\0n0\0".into()));
        } else {
            pulldown_cmark::html::push_html(&mut html, events);
        }
        // Kept until the page renders, for every brief at once: an exact-size copy, as the
        // allocator would not shrink the buffer in place.
        Some(html.as_str().to_owned())
    };
    if !has_images {
        analysis.html = html.map(|html| MarkedHtml { html, raw_html });
    }
    if analysis.text.ends_with(' ') {
        analysis.text.pop();
    }
    // In NFC, as the search index's tokens and the browser's queries are.
    if !analysis.text.is_ascii() && unicode_normalization::is_nfc_quick(analysis.text.chars()) != IsNormalized::Yes {
        analysis.text = unicode_normalization::UnicodeNormalization::nfc(analysis.text.as_str()).collect();
    }
    analysis
}

/// Appends text to the body's plain text, each run of white space as one space.
fn push_plain(plain: &mut String, text: &str) {
    let mut last = plain.as_bytes().last().copied();
    let messy = text.bytes().any(|b| {
        let bad = matches!(b, b'\n' | b'\t' | b'\r' | b'\x0c') || (b == b' ' && last == Some(b' '));
        last = Some(b);
        bad
    });
    if !messy {
        plain.push_str(text);
        return;
    }
    for c in text.chars() {
        if c.is_whitespace() {
            if !plain.is_empty() && !plain.ends_with(' ') {
                plain.push(' ');
            }
        } else {
            plain.push(c);
        }
    }
}

/// Whether plain text needs a space after this event: a line break, or the end of a block.
fn ends_block(event: &Event<'_>) -> bool {
    match event {
        Event::SoftBreak | Event::HardBreak => true,
        Event::End(end) => !matches!(
            end,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// Text read: into the table cell, heading title and first paragraph being collected, and the
/// word count.
fn count_text(
    text: &str,
    cell: &mut Option<(String, Range<usize>)>,
    heading: &mut Option<(u8, Option<String>, String)>,
    paragraph: &mut Option<String>,
    word_count: &mut usize,
    plain: &mut String,
) {
    push_plain(plain, text);
    if let Some((cell, _)) = cell.as_mut() {
        cell.push_str(text);
    }
    if let Some((_, _, title)) = heading.as_mut() {
        title.push_str(text);
    }
    if let Some(p) = paragraph.as_mut() {
        p.push_str(text);
    }
    *word_count += count_words(text);
}

/// The attributes a heading's `{…}` block may give it. Classes that are plain names
/// (`{.note}`) are kept; anything else (`{onfocus=alert(1) autofocus}`) is HTML, so it is kept
/// only with `raw_html` (the id, `{#id}`, is the heading's own and always made safe).
type HeadingAttrs<'a> = (Vec<CowStr<'a>>, Vec<(CowStr<'a>, Option<CowStr<'a>>)>);

fn heading_attributes<'a>(
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    raw_html: bool,
) -> HeadingAttrs<'a> {
    if raw_html {
        return (classes, attrs);
    }
    let is_name = |c: &str| !c.is_empty() && c.chars().all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_');
    (classes.into_iter().filter(|c| is_name(c)).collect(), Vec::new())
}

/// Numeric character references (`&#xFFFE;`) can write characters no page or feed may hold,
/// though the file, cleaned when read, holds none: their text is cleaned the same way.
fn clean_event(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Text(text) => Event::Text(clean(text)),
        Event::Code(text) => Event::Code(clean(text)),
        Event::Html(text) => Event::Html(clean(text)),
        Event::InlineHtml(text) => Event::InlineHtml(clean(text)),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: clean(dest_url), title: clean(title), id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: clean(dest_url), title: clean(title), id })
        }
        other => other,
    }
}

fn clean(text: CowStr<'_>) -> CowStr<'_> {
    if text.chars().any(crate::text::is_forbidden) {
        CowStr::from(crate::text::clean(text.into_string()).0)
    } else {
        text
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Ids given so far on a page, and for each base the next suffix to try, so that a page with
/// thousands of equal headings stays linear.
#[derive(Default)]
struct UsedIds {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl UsedIds {
    /// Takes `id` if neither the theme nor an earlier heading has it.
    fn take(&mut self, id: &str) -> bool {
        !RESERVED_IDS.contains(&id) && self.taken.insert(id.to_string())
    }
}

fn unique_id(explicit: Option<String>, title: &str, index: usize, used: &mut UsedIds) -> String {
    let base = match explicit.map(|e| slugify(&e)).filter(|e| !e.is_empty()) {
        Some(e) => e,
        None => {
            let s = slugify(title);
            if s.is_empty() {
                format!("section-{}", index + 1)
            } else {
                s
            }
        }
    };
    if used.take(&base) {
        return base;
    }
    let mut n = used.next_suffix.get(&base).copied().unwrap_or(1);
    loop {
        let id = format!("{base}-{n}");
        n += 1;
        if used.take(&id) {
            used.next_suffix.insert(base, n);
            return id;
        }
    }
}

const OTHER: u8 = 0;
const SPACE: u8 = 1;
const ALPHANUMERIC: u8 = 2;

/// What `count_words` needs to know of an ASCII byte.
const BYTE_CLASS: [u8; 128] = {
    let mut table = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' => SPACE,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALPHANUMERIC,
            _ => OTHER,
        };
        b += 1;
    }
    table
};

/// Words are runs of non-space characters holding a letter or digit; Korean text is written
/// with spaces between words (eojeol), so it counts the same way, whatever the line breaks.
pub fn count_words(text: &str) -> usize {
    let mut count = 0;
    let mut counted = false;
    if text.is_ascii() {
        // Most text: classified byte by byte, without branches.
        for &b in text.as_bytes() {
            let class = BYTE_CLASS[b as usize];
            count += usize::from(class == ALPHANUMERIC && !counted);
            counted = (counted || class == ALPHANUMERIC) && class != SPACE;
        }
        return count;
    }
    for c in text.chars() {
        if c.is_whitespace() {
            counted = false;
        } else if c.is_alphanumeric() && !counted {
            count += 1;
            counted = true;
        }
    }
    count
}

/// What the renderer does with the n-th link or image of the body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkOutput {
    /// Write the link to this URL; `label` replaces the text of a label-less wikilink.
    /// `hreflang`: the target's language, when it is not the linking page's.
    Href { url: String, label: Option<String>, hreflang: Option<String> },
    /// A broken link kept as plain text with a marker class (`broken_links: warn`).
    Broken,
}

/// Renders a Markdown body to HTML, using the analysis for heading ids and `links` for every link
/// and image, in order.
/// `citations` holds the HTML of each citation, in order.
/// `notes` is the heading of its footnotes (`notes_heading` of the page's language).
pub fn render(
    body: &str,
    analysis: &Analysis,
    links: &[LinkOutput],
    citations: &[String],
    raw_html: bool,
    notes: &str,
) -> String {
    let html = match &analysis.html {
        Some(marked) if marked.raw_html == raw_html => fill(&marked.html, analysis, links, citations, notes),
        _ => render_from_scratch(body, analysis, links, citations, raw_html, notes),
    };
    focusable_tables(html)
}

/// A table wider than the column scrolls (whole words, never broken mid-word): keyboard users
/// reach it to scroll it (WCAG 2.1.1; axe's `scrollable-region-focusable`).
fn focusable_tables(html: String) -> String {
    if html.contains("<table>") {
        html.replace("<table>", "<table tabindex=\"0\">")
    } else {
        html
    }
}

/// Replaces the markers of `analyse`'s HTML with heading ids and link tags. A label-less
/// wikilink to a brief shows the brief's title instead of its own text.
fn fill(marked: &str, analysis: &Analysis, links: &[LinkOutput], citations: &[String], notes: &str) -> String {
    let mut html = String::with_capacity(marked.len() + 64 * links.len());
    // The link whose text is being replaced by a label: everything up to its end is skipped.
    let mut replaced: Option<usize> = None;
    let mut rest = marked;
    while let Some(start) = rest.find('\0') {
        if replaced.is_none() {
            html.push_str(&rest[..start]);
        }
        let end = start + 1 + rest[start + 1..].find('\0').unwrap_or(rest.len() - start - 1);
        let marker = &rest[start + 1..end];
        rest = rest.get(end + 1..).unwrap_or("");
        let (kind, n) = marker.split_at(marker.len().min(1));
        let n: usize = n.parse().unwrap_or(usize::MAX);
        match kind {
            "h" if replaced.is_none() => {
                html.push_str(&escape_html(analysis.headings.get(n).map_or("", |h| h.id.as_str())))
            }
            "o" if replaced.is_none() => {
                let (open, label) = link_open(n, analysis, links);
                html.push_str(&open);
                if let Some(label) = label {
                    html.push_str(&escape_html(label));
                    replaced = Some(n);
                }
            }
            "c" if replaced.is_none() || replaced == Some(n) => {
                replaced = None;
                html.push_str(link_close(n, links));
            }
            "k" if replaced.is_none() => html.push_str(citations.get(n).map_or("", String::as_str)),
            "n" if replaced.is_none() => html.push_str(&escape_html(notes)),
            _ => {}
        }
    }
    if replaced.is_none() {
        html.push_str(rest);
    }
    html
}

/// Renders a body in one go, for bodies `analyse` could not write (images, NUL bytes) or wrote
/// with another `raw_html`.
fn render_from_scratch(
    body: &str,
    analysis: &Analysis,
    links: &[LinkOutput],
    citations: &[String],
    raw_html: bool,
    notes: &str,
) -> String {
    let mut html = String::with_capacity(body.len() * 3 / 2);
    let mut headings = analysis.headings.iter();
    // Links and images are numbered in order, like the analysis's.
    let mut next_link = 0..;
    // The open links, innermost last: what closes each, and whether its own text is replaced
    // (a label-less wikilink shows its target's title). A stack, because pulldown-cmark nests an
    // autolink inside a link (`[<a@b>](x.md)`).
    let mut open_links: Vec<(&'static str, bool)> = Vec::new();
    let mut in_note_embed = false;
    let (mut in_code, mut next_citation) = (false, 0);
    let cites = body.contains('@');
    let references = body.contains("&#");
    let parser = pulldown_cmark::TextMergeStream::new(Parser::new_ext(body, options()));
    let parser = parser.map(|event| if references { clean_event(event) } else { event });
    let events = parser.filter_map(|event| match event {
        Event::Start(Tag::CodeBlock(_)) => {
            in_code = true;
            Some(event)
        }
        Event::End(TagEnd::CodeBlock) => {
            in_code = false;
            Some(event)
        }
        Event::End(TagEnd::Image) if !in_note_embed => {
            in_code = false;
            Some(event)
        }
        // The same texts `analyse` looked for citations in, so the n-th is the same.
        Event::Text(ref text) if cites && !in_code && open_links.is_empty() && !in_note_embed && text.contains('@') => {
            match cite_text(text, next_citation) {
                Some((found, marked, _)) => {
                    next_citation += found.len();
                    Some(Event::Html(CowStr::from(fill(&marked, analysis, links, citations, notes))))
                }
                None => Some(event),
            }
        }
        Event::Start(Tag::Heading { level, classes, attrs, .. }) => {
            let id = headings.next().map(|h| CowStr::from(h.id.clone()));
            let (classes, attrs) = heading_attributes(classes, attrs, raw_html);
            Some(Event::Start(Tag::Heading { level, id, classes, attrs }))
        }
        Event::Start(Tag::Link { .. }) => {
            let n = next_link.next().unwrap_or(usize::MAX);
            let (open, label) = link_open(n, analysis, links);
            open_links.push((link_close(n, links), label.is_some()));
            Some(Event::Html(CowStr::from(match label {
                Some(label) => format!("{open}{}", escape_html(label)),
                None => open,
            })))
        }
        Event::End(TagEnd::Link) => Some(Event::Html(open_links.pop().map_or("</a>", |(close, _)| close).into())),
        Event::Text(_) | Event::Code(_) if open_links.iter().any(|(_, replaced)| *replaced) => None,
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            // An image's alt text is an attribute: no citation there (as in `analyse`).
            in_code = true;
            let n = next_link.next().unwrap_or(usize::MAX);
            let dest_url = match links.get(n) {
                // An embedded note is a link to it, with its title.
                Some(LinkOutput::Href { url, label: Some(label), .. }) => {
                    in_note_embed = true;
                    let open = format!("<a href=\"{}\"{}>", escape_html(url), title_attr(&title));
                    return Some(Event::Html(CowStr::from(format!("{open}{}", escape_html(label)))));
                }
                Some(LinkOutput::Href { url, .. }) => url.clone().into(),
                Some(LinkOutput::Broken) => "".into(),
                None => dest_url,
            };
            Some(Event::Start(Tag::Image { link_type, dest_url, title, id }))
        }
        Event::End(TagEnd::Image) if in_note_embed => {
            in_note_embed = false;
            in_code = false;
            Some(Event::Html("</a>".into()))
        }
        _ if in_note_embed => None,
        Event::Html(text) | Event::InlineHtml(text) if !raw_html => Some(Event::Text(text)),
        other => Some(other),
    });
    if typeset::is_needed(body) {
        pulldown_cmark::html::push_html(&mut html, Typeset::new(events, escape_html(notes)));
    } else {
        pulldown_cmark::html::push_html(&mut html, events);
    }
    html
}

/// The tag that opens link `n` and, for a label-less wikilink to a brief, the label that
/// replaces its own text. Written here rather than by pulldown-cmark, which would
/// percent-encode Hangul in URLs that the templates write as they are.
fn link_open<'a>(n: usize, analysis: &Analysis, links: &'a [LinkOutput]) -> (String, Option<&'a str>) {
    let (dest, title) = analysis.links.get(n).map_or(("", ""), |l| (l.dest.as_str(), l.title.as_str()));
    let class = if analysis.links.get(n).is_some_and(|l| l.text_is_url) { " class=\"url\"" } else { "" };
    match links.get(n) {
        Some(LinkOutput::Href { url, label, hreflang }) => {
            // A target's title as the link's text is in the target's language: marked as such.
            let hreflang = match (hreflang, label) {
                (Some(l), Some(_)) => format!(" hreflang=\"{0}\" lang=\"{0}\"", escape_html(l)),
                (Some(l), None) => format!(" hreflang=\"{}\"", escape_html(l)),
                (None, _) => String::new(),
            };
            (format!("<a href=\"{}\"{class}{}{hreflang}>", escape_html(url), title_attr(title)), label.as_deref())
        }
        Some(LinkOutput::Broken) => {
            (format!("<span class=\"broken-link\" title=\"broken link: {}\">", escape_html(dest)), None)
        }
        None => (format!("<a href=\"{}\"{class}{}>", escape_html(dest), title_attr(title)), None),
    }
}

/// The tag that closes link `n`.
fn link_close(n: usize, links: &[LinkOutput]) -> &'static str {
    match links.get(n) {
        Some(LinkOutput::Broken) => "</span>",
        _ => "</a>",
    }
}

fn title_attr(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape_html(title))
    }
}

/// Escapes text for HTML and XML, in content and in quoted attributes alike. Control
/// characters that XML 1.0 forbids are dropped rather than breaking a feed.
pub fn escape_html(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + 8);
    write_escaped(text, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("escaping replaces only ASCII bytes")
}

/// The bytes `write_escaped` replaces or drops (and tab and line breaks, which it keeps).
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || matches!(b as u8, b'&' | b'<' | b'>' | b'"' | b'\'');
        b += 1;
    }
    table
};

/// `escape_html` into a writer: the escape function of the templates.
pub fn write_escaped(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = text.as_bytes();
    // Most text has nothing to escape: find the first special byte with a cheap test, then copy
    // the runs between special bytes in one go.
    let Some(first) = bytes.iter().position(|&b| ESCAPED[b as usize]) else {
        return out.write_all(bytes);
    };
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b'\t' | b'\n' | b'\r' => continue,
            0..0x20 => "",
            _ => continue,
        };
        out.write_all(&bytes[run_start..i])?;
        out.write_all(replacement.as_bytes())?;
        run_start = i + 1;
    }
    out.write_all(&bytes[run_start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_the_default_theme_uses_is_reserved() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split("id=\"").skip(1) {
                let id = &part[..part.find('"').unwrap()];
                if !id.contains("{{") {
                    assert!(RESERVED_IDS.contains(&id), "`{id}` is used by the theme but not reserved");
                }
            }
        }
    }

    /// Every kind of link, heading and markup that the markers must survive.
    const RICH_BODY: &str = "# Intro\n\n## Intro {#custom .wide}\n\nSee [[opcon]], [[scm|the SCM]], \
        [the *plan*](a.md \"Plan & \\\"title\\\"\"), [missing](gone.md) and <press@example.org>.\n\n\
        [<nested@example.org>](b.md) then `[[in code]]`.[^n]\n\n\
        <div class=\"raw\">raw & html</div>\n\n| a | [[opcon]] |\n|---|---|\n| 1 | 2 |\n\n\
        [^n]: A note with [[scm]].\n";

    fn rich_outputs() -> Vec<LinkOutput> {
        let href = |url: &str, label: Option<&str>| LinkOutput::Href {
            url: url.into(),
            label: label.map(Into::into),
            hreflang: None,
        };
        vec![
            href("/briefs/opcon/?a=1&b=2", Some("OPCON <transfer>")),
            href("/briefs/scm/", None),
            href("/briefs/a/", None),
            LinkOutput::Broken,
            href("mailto:press@example.org", None),
            href("/briefs/b/", None),
            LinkOutput::Broken,
            href("/briefs/opcon/", Some("OPCON")),
            LinkOutput::Broken,
        ]
    }

    #[test]
    fn html_written_while_analysing_equals_html_written_from_scratch() {
        for raw_html in [false, true] {
            let analysis = analyse(RICH_BODY, 0, WriteHtml::Yes { raw_html });
            assert!(analysis.html.is_some(), "this body is written while analysing");
            assert_eq!(analysis.links.len(), 9);
            let links = rich_outputs();
            let filled = render(RICH_BODY, &analysis, &links, &[], raw_html, "Notes");
            let scratch = focusable_tables(render_from_scratch(RICH_BODY, &analysis, &links, &[], raw_html, "Notes"));
            assert_eq!(filled, scratch);
            assert!(filled.contains("<table tabindex=\"0\">"), "a table is focusable, to scroll: {filled}");
            assert!(!filled.contains('\0'));
            assert!(filled.contains("<h2 id=\"custom\" class=\"wide\">"), "{filled}");
            assert!(filled.contains("<a href=\"/briefs/opcon/?a=1&amp;b=2\">OPCON &lt;transfer&gt;</a>"), "{filled}");
            assert!(
                filled.contains("<a href=\"/briefs/a/\" title=\"Plan &amp; &quot;title&quot;\">the <em>plan</em></a>")
            );
            assert!(filled.contains("<span class=\"broken-link\" title=\"broken link: gone.md\">missing</span>"));
            assert!(filled.contains("<th><a href=\"/briefs/opcon/\">OPCON</a></th>"), "{filled}");
        }
    }

    #[test]
    fn bodies_with_images_or_nul_are_written_at_render_time() {
        let with_image = analyse("An ![map](map.png \"Map\") and [[x]].\n", 0, WriteHtml::Yes { raw_html: false });
        assert!(with_image.html.is_none());
        let links = [LinkOutput::Href { url: "/map.png".into(), label: None, hreflang: None }, LinkOutput::Broken];
        let html = render("An ![map](map.png \"Map\") and [[x]].\n", &with_image, &links, &[], false, "Notes");
        assert_eq!(html, "<p>An <img src=\"/map.png\" alt=\"map\" title=\"Map\" /> and <span class=\"broken-link\" title=\"broken link: x\">x</span>.</p>\n");
        assert!(analyse("a\0b [[x]]\n", 0, WriteHtml::Yes { raw_html: false }).html.is_none());
        // Analysis only (a rebuild): the same analysis, and the page is still rendered in full.
        let analysed = analyse(RICH_BODY, 0, WriteHtml::No);
        let written = analyse(RICH_BODY, 0, WriteHtml::Yes { raw_html: false });
        assert!(analysed.html.is_none());
        assert_eq!(Analysis { html: None, ..written.clone() }, analysed);
        let links = rich_outputs();
        assert_eq!(
            render(RICH_BODY, &analysed, &links, &[], false, "Notes"),
            render(RICH_BODY, &written, &links, &[], false, "Notes")
        );
        // Written for one `raw_html`, rendered with the other: written again.
        let analysis = analyse("<b>x</b>\n", 0, WriteHtml::Yes { raw_html: false });
        assert_eq!(render("<b>x</b>\n", &analysis, &[], &[], true, "Notes"), "<p><b>x</b></p>\n");
        assert_eq!(render("<b>x</b>\n", &analysis, &[], &[], false, "Notes"), "<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
    }

    #[test]
    fn citations_are_found_outside_code_and_links_and_filled_in_order() {
        let body = "Delayed [@kim, p. 3]. As @lee argues.\n\n`[@code]` and [a @link](x.md) and ![@alt](m.png).\n\n```\n[@block]\n```\n\n- a list [@a; @b]\n";
        let written = analyse(body, 10, WriteHtml::Yes { raw_html: false });
        let keys: Vec<Vec<&str>> =
            written.citations.iter().map(|c| c.citation.items.iter().map(|i| i.key.as_str()).collect()).collect();
        assert_eq!(keys, vec![vec!["kim"], vec!["lee"], vec!["a", "b"]]);
        assert_eq!(&body[written.citations[0].key_spans[0].start - 10..][..4], "@kim");
        assert_eq!(written.citations[1].sentence, "As @lee argues.");
        assert_eq!(written.citations[0].sentence, "Delayed.");
        assert_eq!(written.first_paragraph.as_deref(), Some("Delayed. As @lee argues."));
        let cites = ["(Kim 2020, 3)".to_string(), "Lee (2021)".to_string(), "(A 1; B 2)".to_string()];
        let links = [
            LinkOutput::Href { url: "/x/".into(), label: None, hreflang: None },
            LinkOutput::Href { url: "/m.png".into(), label: None, hreflang: None },
        ];
        let html = render(body, &written, &links, &cites, false, "Notes");
        assert!(html.contains("<p>Delayed (Kim 2020, 3). As Lee (2021) argues.</p>"), "{html}");
        assert!(
            html.contains("<code>[@code]</code>") && html.contains("[@block]") && html.contains("a @link"),
            "{html}"
        );
        assert!(html.contains("alt=\"@alt\""), "{html}");
        assert!(html.contains("a list (A 1; B 2)"), "{html}");
        let analysed = analyse(body, 10, WriteHtml::No);
        assert_eq!(analysed.citations, written.citations);
        assert_eq!(render_from_scratch(body, &analysed, &links, &cites, false, "Notes"), html);
    }

    /// Writes a body both ways (while analysing, and from scratch), checks they agree, and
    /// returns the HTML.
    fn written(body: &str, links: &[LinkOutput], notes: &str) -> String {
        let analysis = analyse(body, 0, WriteHtml::Yes { raw_html: false });
        let html = render(body, &analysis, links, &[], false, notes);
        assert_eq!(html, render_from_scratch(body, &analysis, links, &[], false, notes));
        html
    }

    #[test]
    fn footnotes_gather_under_a_heading_with_ids_no_heading_takes_and_links_back() {
        let body = "## SF\n\nText[^sf] and again[^sf], then[^b].\n\n[^b]: Second, with [[x]].\n\n[^sf]: First.\n";
        let html =
            written(body, &[LinkOutput::Href { url: "/x/".into(), label: Some("X".into()), hreflang: None }], "주");
        assert!(html.contains("<h2 id=\"sf\">SF</h2>"), "{html}");
        let ids: Vec<&str> = html.split(" id=\"").skip(1).map(|p| &p[..p.find('"').unwrap()]).collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "ids repeat: {ids:?}");
        assert!(!ids.iter().any(|id| id.starts_with("fn") && !id.contains(':')), "{ids:?}");
        assert!(html.contains("<a href=\"#fn:1\" id=\"fnref:1\""), "{html}");
        assert!(html.contains("<a href=\"#fn:1\" id=\"fnref:1:2\""), "{html}");
        assert!(html.contains("<a href=\"#fn:2\" id=\"fnref:2\""), "{html}");
        // At the end, in the order of their first reference, under the heading given.
        let notes = &html[html.find("<section class=\"footnotes\"").expect("a notes section")..];
        assert!(html.trim_end().ends_with("</section>"), "{html}");
        assert!(notes.contains("<h2 id=\"footnotes-heading\">주</h2>"), "{notes}");
        let first = notes.find("<li id=\"fn:1\">").unwrap();
        let second = notes.find("<li id=\"fn:2\">").unwrap();
        assert!(first < second && notes[first..second].contains("First."), "{notes}");
        assert!(notes.contains("href=\"#fnref:1\" class=\"footnote-back\""), "{notes}");
        assert!(notes.contains("href=\"#fnref:1:2\" class=\"footnote-back\""), "{notes}");
        assert!(notes.contains("Second, with <a href=\"/x/\">X</a>. <a href=\"#fnref:2\""), "{notes}");
        assert!(!html.contains("footnote-definition"), "{html}");
        // A body without notes has no section.
        assert!(!written("No notes.\n", &[], "Notes").contains("footnotes"));
    }

    #[test]
    fn an_image_with_a_title_alone_in_its_paragraph_is_a_figure() {
        let body =
            "![Map of bases](map.png \"Bases & ranges\")\n\nInline ![a](a.png \"t\") here.\n\n![No title](b.png)\n";
        let links = [
            LinkOutput::Href { url: "/map.png".into(), label: None, hreflang: None },
            LinkOutput::Href { url: "/a.png".into(), label: None, hreflang: None },
            LinkOutput::Href { url: "/b.png".into(), label: None, hreflang: None },
        ];
        let html = written(body, &links, "Notes");
        assert!(
            html.contains("<figure><img src=\"/map.png\" alt=\"Map of bases\" /><figcaption>Bases &amp; ranges</figcaption></figure>"),
            "{html}"
        );
        assert!(html.contains("<p>Inline <img src=\"/a.png\" alt=\"a\" title=\"t\" /> here.</p>"), "{html}");
        assert!(html.contains("<p><img src=\"/b.png\" alt=\"No title\" /></p>"), "{html}");
        assert_eq!(html.matches("<figure>").count(), 1, "{html}");
    }

    #[test]
    fn a_tasks_checkbox_is_labelled_by_its_text() {
        let html = written("- [x] Done *well*\n- [ ] To do\n  - [ ] nested\n\n1. plain\n", &[], "Notes");
        assert!(
            html.contains(
                "<label class=\"task\"><input type=\"checkbox\" disabled checked> Done <em>well</em></label>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<label class=\"task\"><input type=\"checkbox\" disabled> To do</label>\n<ul>"),
            "{html}"
        );
        assert!(html.contains("disabled> nested</label>"), "{html}");
        assert_eq!(html.matches("<label").count(), html.matches("</label>").count(), "{html}");
        // Loose items: the label stays inside the paragraph.
        let loose = written("- [ ] one\n\n- [x] two\n", &[], "Notes");
        assert!(
            loose.contains("<p><label class=\"task\"><input type=\"checkbox\" disabled> one</label></p>"),
            "{loose}"
        );
    }

    #[test]
    fn heading_ids_are_unique_and_avoid_theme_ids() {
        let a = analyse(
            "# Intro\n\n## Intro\n\n## Related\n\n## ???\n\n## Custom {#my-id}\n",
            0,
            WriteHtml::Yes { raw_html: false },
        );
        let ids: Vec<&str> = a.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["intro", "intro-1", "related-1", "section-4", "my-id"]);
    }

    #[test]
    fn links_are_found_with_file_spans_but_not_in_code() {
        let body = "See [[opcon|OPCON]] and [x](a.md).\n\n`[[not]]`\n\n```\n[[nor]]\n```\n![map](map.png)\n";
        let a = analyse(body, 10, WriteHtml::Yes { raw_html: false });
        let dests: Vec<&str> = a.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["opcon", "a.md", "map.png"]);
        assert_eq!(a.links[0].kind, LinkKind::Wiki { has_label: true });
        assert_eq!(a.links[0].span.start, 10 + body.find("[[").unwrap());
        assert_eq!(a.links[1].span.start, 10 + body.find("[x]").unwrap());
    }

    #[test]
    fn words_count_hangul_by_spaces() {
        assert_eq!(count_words("한미 동맹의 현대화\n전시작전통제권 전환"), 5);
        assert_eq!(count_words("OPCON — transfer"), 2);
    }

    #[test]
    fn nested_links_close_in_order_and_emails_are_mailto() {
        let body = "[<a@b.c>](d.md) and <press@example.org>\n";
        let a = analyse(body, 0, WriteHtml::Yes { raw_html: false });
        assert_eq!(a.links.len(), 3);
        assert_eq!(a.links[2].dest, "mailto:press@example.org");
        let links = [
            LinkOutput::Broken,
            LinkOutput::Href { url: "mailto:a@b.c".into(), label: None, hreflang: None },
            LinkOutput::Href { url: "mailto:press@example.org".into(), label: None, hreflang: None },
        ];
        let html = render(body, &a, &links, &[], false, "Notes");
        assert!(
            html.contains(
                "<span class=\"broken-link\" title=\"broken link: d.md\"><a href=\"mailto:a@b.c\">a@b.c</a></span>"
            ),
            "{html}"
        );
        assert!(html.contains("<a href=\"mailto:press@example.org\">press@example.org</a>"), "{html}");
    }

    #[test]
    fn an_autolink_is_marked_as_its_own_address_for_print() {
        let href = |url: &str| LinkOutput::Href { url: url.into(), label: None, hreflang: None };
        // Written in one pass, and from scratch (a body with an image).
        for body in [
            "<https://www.mnd.go.kr/> and [the ministry](https://www.mnd.go.kr/)\n",
            "<https://www.mnd.go.kr/> and [the ministry](https://www.mnd.go.kr/) ![m](m.png)\n",
        ] {
            let a = analyse(body, 0, WriteHtml::Yes { raw_html: false });
            assert!(a.links[0].text_is_url && !a.links[1].text_is_url);
            let links = [href("https://www.mnd.go.kr/"), href("https://www.mnd.go.kr/"), href("m.png")];
            let html = render(body, &a, &links, &[], false, "Notes");
            assert!(
                html.contains(r#"<a href="https://www.mnd.go.kr/" class="url">https://www.mnd.go.kr/</a>"#),
                "{html}"
            );
            assert!(html.contains(r#"<a href="https://www.mnd.go.kr/">the ministry</a>"#), "{html}");
        }
    }

    #[test]
    fn render_rewrites_links_and_escapes_raw_html() {
        let body = "## Title\n\n[[opcon]] and [b](b.md) <b>x</b>\n";
        let a = analyse(body, 0, WriteHtml::Yes { raw_html: false });
        let links = [
            LinkOutput::Href { url: "/briefs/opcon/".into(), label: Some("OPCON & more".into()), hreflang: None },
            LinkOutput::Href { url: "/briefs/b/".into(), label: None, hreflang: None },
        ];
        let html = render(body, &a, &links, &[], false, "Notes");
        assert!(html.contains(r#"<h2 id="title">Title</h2>"#), "{html}");
        assert!(html.contains(r#"<a href="/briefs/opcon/">OPCON &amp; more</a>"#), "{html}");
        assert!(html.contains(r#"<a href="/briefs/b/">b</a>"#), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }
}
