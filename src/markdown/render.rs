//! Writing a body's HTML once its links and citations are resolved: the markers of `analyse`'s
//! HTML filled in, or the body written again from its events when `analyse` wrote none (images,
//! NUL bytes, analysis only) or wrote it with another `raw_html`.

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use super::analyse::Analysis;
use super::cite::cite_text;
use super::dialect::options;
use super::headings::heading_attributes;
use super::sanitise::{clean_event, escape_html};
use super::typeset::{self, Typeset};

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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::markdown::analyse::{analyse, WriteHtml};

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
