//! A brief's body as a chapter of a report: many bodies share one page, so each one's ids (its
//! headings, footnotes, citation marks) take a prefix, the links to them likewise, and its
//! headings go one level down, under the chapter's title.

use std::collections::HashSet;

/// Rewrites body HTML written by `markdown/` (where `"` in text is always escaped, so ` id="`
/// and ` href="` are attributes): every `id` becomes `<prefix>:<id>` (no chapter's prefix holds
/// a colon, so no scoped id can equal another chapter's), every `href="#x"` whose
/// target is one of them (or of `extra_ids`, ids the chapter writes around the body) follows,
/// and `<h1>`…`<h5>` become `<h2>`…`<h6>`.
pub fn scope(html: &str, prefix: &str, extra_ids: &[String]) -> String {
    let ids: HashSet<&str> = attributes(html, " id=\"").chain(extra_ids.iter().map(String::as_str)).collect();
    let mut out = String::with_capacity(html.len() + 16 * ids.len());
    let mut rest = html;
    while let Some(at) = rest.find(['<', ' ']) {
        let (before, tail) = rest.split_at(at);
        out.push_str(before);
        if let Some(level) = heading_level(tail) {
            // `<h2` or `</h2`: the digit is one byte further for a closing tag.
            let digit = if tail.as_bytes()[1] == b'/' { 3 } else { 2 };
            out.push_str(&tail[..digit]);
            out.push(char::from(b'0' + (level + 1).min(6)));
            rest = &tail[digit + 1..];
        } else if let Some(value) = tail.strip_prefix(" id=\"") {
            let end = value.find('"').unwrap_or(value.len());
            out.push_str(" id=\"");
            out.push_str(prefix);
            out.push(':');
            out.push_str(&value[..end]);
            rest = &value[end..];
        } else if let Some(value) = tail.strip_prefix(" href=\"#") {
            let end = value.find('"').unwrap_or(value.len());
            let target = &value[..end];
            let decoded = crate::routes::percent_decode(target);
            out.push_str(" href=\"#");
            if ids.contains(target) || decoded.as_deref().is_some_and(|d| ids.contains(d)) {
                out.push_str(prefix);
                out.push(':');
            }
            out.push_str(target);
            rest = &value[end..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The values of every attribute written `<marker>value"`.
fn attributes<'a>(html: &'a str, marker: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    html.match_indices(marker).map(move |(at, _)| {
        let value = &html[at + marker.len()..];
        &value[..value.find('"').unwrap_or(value.len())]
    })
}

/// `<h3 ` / `<h3>` / `</h3>` at the start of `tail`: 3.
fn heading_level(tail: &str) -> Option<u8> {
    let b = tail.as_bytes();
    let at = if b.get(1) == Some(&b'/') { 2 } else { 1 };
    let level = *b.get(at + 1)?;
    let after = *b.get(at + 2)?;
    let is_heading = b.first() == Some(&b'<')
        && matches!(b.get(at), Some(b'h') | Some(b'H'))
        && (b'1'..=b'6').contains(&level)
        && (after == b'>' || after == b' ');
    is_heading.then(|| level - b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_links_and_levels_are_scoped() {
        let html = "<h2 id=\"why\">Why</h2>\n<p>See <a href=\"#why\">above</a>, <a href=\"#elsewhere\">there</a> \
                    and <a href=\"/briefs/x/#why\">x</a><sup id=\"fnref:1\"><a href=\"#fn:1\">1</a></sup>.</p>\
                    <h6>Deep</h6><p>id=&quot;no&quot; &lt;h2&gt;</p><hr><header>";
        let scoped = scope(html, "c1", &[]);
        assert_eq!(
            scoped,
            "<h3 id=\"c1:why\">Why</h3>\n<p>See <a href=\"#c1:why\">above</a>, <a href=\"#elsewhere\">there</a> \
             and <a href=\"/briefs/x/#why\">x</a><sup id=\"c1:fnref:1\"><a href=\"#fn:1\">1</a></sup>.</p>\
             <h6>Deep</h6><p>id=&quot;no&quot; &lt;h2&gt;</p><hr><header>"
        );
        // A footnote's target is written after the body: named as an extra id.
        let scoped = scope("<a href=\"#fn:1\">1</a>", "c1", &["fn:1".into()]);
        assert_eq!(scoped, "<a href=\"#c1:fn:1\">1</a>");
    }

    #[test]
    fn korean_ids_match_their_encoded_links() {
        let scoped = scope("<h2 id=\"배경\">배경</h2><a href=\"#%EB%B0%B0%EA%B2%BD\">↑</a>", "k", &[]);
        assert_eq!(scoped, "<h3 id=\"k:배경\">배경</h3><a href=\"#k:%EB%B0%B0%EA%B2%BD\">↑</a>");
    }
}
