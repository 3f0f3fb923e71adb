//! Citations written in a body's text (`[@key]`, `@key`): a run of text written with a marker in
//! place of each, its plain text, and the sentence around each citation.

use std::ops::Range;

use super::sanitise::escape_html;
use crate::citations::syntax;

/// A citation of the body, with its positions in the file and the sentence around it (for a
/// source's "cited by" list).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitationRef {
    pub citation: syntax::Citation,
    /// Where each item's `@key` is written in the file.
    pub key_spans: Vec<Range<usize>>,
    pub sentence: String,
    /// The citation's text as written (`[see @kim2020, p. 3]`), for a page that does not format
    /// it (`citations::as_written`).
    pub written: String,
}

/// A run of text's citations, each with where it stood in the plain text; the run as HTML with
/// markers; and the plain text.
type CitedText = (Vec<(syntax::Citation, usize)>, String, String);

/// The citations of one run of text outside code and links, and the run written as HTML with a
/// `\0kn\0` marker in place of each (numbered from `first`); `None` when it cites nothing.
pub(super) fn cite_text(text: &str, first: usize) -> Option<CitedText> {
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
pub(super) fn sentence_at(block: &str, at: usize) -> String {
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
