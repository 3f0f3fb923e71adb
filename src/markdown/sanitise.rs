//! Keeping what a body writes safe for a page: text escaped for HTML and XML, and characters no
//! page or feed may hold cleaned out of what pulldown-cmark decodes.

use pulldown_cmark::{CowStr, Event, Tag};

/// Numeric character references (`&#xFFFE;`) can write characters no page or feed may hold,
/// though the file, cleaned when read, holds none: their text is cleaned the same way.
pub(super) fn clean_event(event: Event<'_>) -> Event<'_> {
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

pub(super) fn clean(text: CowStr<'_>) -> CowStr<'_> {
    if text.chars().any(crate::text::is_forbidden) {
        CowStr::from(crate::text::clean(text.into_string()).0)
    } else {
        text
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
