//! The one pass over a body that reads what the site needs of it (headings, links with their
//! spans, citations, first paragraph, plain text, word count) and, when it can, writes its HTML
//! with markers where links, heading ids and citations go.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd, TextMergeWithOffset};
use unicode_normalization::IsNormalized;

use super::cite::{cite_text, sentence_at, CitationRef};
use super::dialect::options;
use super::headings::{heading_attributes, heading_level, unique_id, Heading, UsedIds};
use super::plain_text::{count_words, ends_block, push_plain};
use super::sanitise::clean_event;
use super::typeset::{self, Typeset};

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
                    let written = text[c.range.clone()].to_string();
                    analysis.citations.push(CitationRef { citation: c, key_spans, sentence: String::new(), written });
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
