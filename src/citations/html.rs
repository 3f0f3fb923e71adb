//! The processor's formatted output written as HTML (every text escaped), and read back as
//! plain text.

use std::fmt::Write as _;

use hayagriva::citationberg::{FontStyle, FontVariant, FontWeight, TextDecoration, VerticalAlign};
use hayagriva::{ElemChild, ElemChildren};

use crate::markdown::escape_html;

/// Formatted CSL output as HTML, every text escaped (hayagriva's own HTML writer does not
/// escape, so a title holding `<script>` would reach the page).
pub fn html_of(children: &ElemChildren) -> String {
    let mut html = String::new();
    for child in &children.0 {
        write_child(&mut html, child);
    }
    html
}

pub(super) fn write_child(html: &mut String, child: &ElemChild) {
    match child {
        ElemChild::Text(t) => write_formatted(html, &t.text, &t.formatting),
        ElemChild::Elem(e) => {
            for c in &e.children.0 {
                write_child(html, c);
            }
        }
        ElemChild::Markup(m) => html.push_str(&escape_html(m)),
        ElemChild::Link { text, url } => {
            let safe = (url.starts_with("https://") || url.starts_with("http://")) && !crate::scheme::is_unsafe(url);
            if safe {
                let _ = write!(html, "<a href=\"{}\">", escape_html(url));
            }
            write_formatted(html, &text.text, &text.formatting);
            if safe {
                html.push_str("</a>");
            }
        }
        ElemChild::Transparent { .. } => {}
    }
}

pub(super) fn write_formatted(html: &mut String, text: &str, f: &hayagriva::Formatting) {
    let mut close = Vec::new();
    let mut open = |tag: &'static str, end: &'static str| {
        html.push_str(tag);
        close.push(end);
    };
    if f.font_style == FontStyle::Italic {
        open("<i>", "</i>");
    }
    if f.font_weight == FontWeight::Bold {
        open("<b>", "</b>");
    }
    if f.font_variant == FontVariant::SmallCaps {
        open("<span class=\"small-caps\">", "</span>");
    }
    if f.text_decoration == TextDecoration::Underline {
        open("<u>", "</u>");
    }
    match f.vertical_align {
        VerticalAlign::Sup => open("<sup>", "</sup>"),
        VerticalAlign::Sub => open("<sub>", "</sub>"),
        _ => {}
    }
    // The en quad `library::protect_last_words` put after a title.
    html.push_str(&escape_html(&text.replace('\u{2000}', "")));
    for tag in close.into_iter().rev() {
        html.push_str(tag);
    }
}

/// Formatted text without tags, for search and plain listings.
pub fn plain_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}
