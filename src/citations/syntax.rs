//! Citations as Pandoc writes them, found in a run of Markdown text: `[@key]`, `[@key, p. 3]`,
//! `[see @a; @b, chap. 2]`, `[-@key]` (the year only) and `@key` (narrative, optionally followed
//! by `[p. 3]`). Pure: text in, citations with their byte ranges out.

use std::ops::Range;

/// How a citation reads in the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `[@key]`: in parentheses (or a note).
    Normal,
    /// `@key`: the author is part of the sentence, "Kim (2020) argues".
    Narrative,
}

/// One source cited, with what the writer put around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Item {
    pub key: String,
    /// Where `@key` is in the text searched (the `@` included).
    pub key_range: Range<usize>,
    pub prefix: String,
    /// The locator's kind as CSL names it (`page`, `chapter`…) and its value (`33-35`).
    pub locator: Option<(&'static str, String)>,
    pub suffix: String,
    /// `[-@key]`: the author is named in the sentence already.
    pub suppress_author: bool,
}

/// One citation: one or more items, written at `range` of the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Citation {
    pub range: Range<usize>,
    pub mode: Mode,
    pub items: Vec<Item>,
}

/// Every citation in `text`, in order. Text in code never reaches here (the caller sees only
/// Markdown text events).
pub fn find(text: &str) -> Vec<Citation> {
    let mut found = Vec::new();
    if !text.contains('@') {
        return found;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => {
                if let Some(end) = bracket_end(text, i) {
                    if let Some(items) = bracketed_items(text, i + 1..end) {
                        found.push(Citation { range: i..end + 1, mode: Mode::Normal, items });
                        i = end + 1;
                        continue;
                    }
                    // `[@a](…)`, `[@a][ref]` or, starting a line, `[@a]:`: a link (or a link's
                    // definition), nothing in it is a citation.
                    if looks_like_link(text, i, end) {
                        i = end + 1;
                        continue;
                    }
                }
                i += 1;
            }
            b'@' if at_word_start(text, i) => match key_at(text, i) {
                Some((key, key_end)) => {
                    let mut item = Item {
                        key,
                        key_range: i..key_end,
                        prefix: String::new(),
                        locator: None,
                        suffix: String::new(),
                        suppress_author: false,
                    };
                    let mut end = key_end;
                    // `@key [p. 33]`: a locator in brackets right after, if it cites nothing.
                    let after = text[key_end..].strip_prefix(' ').map_or(key_end, |_| key_end + 1);
                    if text[after..].starts_with('[') {
                        if let Some(close) = bracket_end(text, after) {
                            let inner = &text[after + 1..close];
                            if !inner.contains('@') && !inner.trim().is_empty() && !text[close + 1..].starts_with('(') {
                                let (locator, suffix) = locator_and_suffix(inner);
                                item.locator = locator;
                                item.suffix = suffix;
                                end = close + 1;
                            }
                        }
                    }
                    found.push(Citation { range: i..end, mode: Mode::Narrative, items: vec![item] });
                    i = end;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    found
}

/// The `]` that closes the `[` at `open`, on the same run of text; nested brackets count.
fn bracket_end(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate().skip(open) {
        match b {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the bracket `[` at `open` … `]` at `close` is a link: followed by `(` or `[`, or by
/// `:` when it starts a line (a link reference definition; `… [@a]: text` mid-sentence is a
/// citation followed by a colon).
fn looks_like_link(text: &str, open: usize, close: usize) -> bool {
    let after = &text[close + 1..];
    if after.starts_with(['(', '[']) {
        return true;
    }
    let line_start = text[..open].rfind('\n').map_or(0, |n| n + 1);
    after.starts_with(':') && text[line_start..open].bytes().all(|b| b == b' ') && open - line_start < 4
}

/// The items of `[…]` when it is a citation: `;`-separated parts, each holding exactly one key.
/// A bracket followed by `(` or `:` is a link, not a citation (the caller never sees links, but
/// text like `[@x](…)` inside code spans of other tools may).
fn bracketed_items(text: &str, inner: Range<usize>) -> Option<Vec<Item>> {
    if looks_like_link(text, inner.start - 1, inner.end) {
        return None;
    }
    let mut items = Vec::new();
    let mut start = inner.start;
    for part in text[inner.clone()].split(';') {
        let range = start..start + part.len();
        start = range.end + 1;
        items.push(bracketed_item(text, range)?);
    }
    (!items.is_empty()).then_some(items)
}

fn bracketed_item(text: &str, range: Range<usize>) -> Option<Item> {
    let part = &text[range.clone()];
    let at = part.char_indices().find(|&(i, c)| c == '@' && at_word_start(part, i)).map(|(i, _)| i)?;
    let (key, key_end) = key_at(text, range.start + at)?;
    let mut prefix = part[..at].to_string();
    let suppress_author = prefix.ends_with('-') && (prefix.len() == 1 || prefix[..prefix.len() - 1].ends_with(' '));
    if suppress_author {
        prefix.pop();
    }
    let rest = &text[key_end..range.end];
    if rest.contains('@') && rest.split_whitespace().any(|w| w.starts_with('@')) {
        return None;
    }
    let (locator, suffix) = locator_and_suffix(rest);
    Some(Item {
        key,
        key_range: range.start + at..key_end,
        prefix: prefix.trim().to_string(),
        locator,
        suffix,
        suppress_author,
    })
}

/// Whether the `@` at `i` may start a citation: at the start, or after a space, `[`, `;`, `-`
/// or an opening parenthesis or quote (so `press@mnd.go.kr` is not one).
fn at_word_start(text: &str, i: usize) -> bool {
    match text[..i].chars().next_back() {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '[' | ';' | '-' | '(' | '"' | '\'' | '“' | '‘'),
    }
}

/// The key after the `@` at `at` and where it ends: `@{any key}`, or a letter, digit or `_`
/// followed by letters, digits, `_` and punctuation inside the key (`:.#$%&-+?<>~/`), never at
/// its end (`@kim2020.` ends a sentence).
fn key_at(text: &str, at: usize) -> Option<(String, usize)> {
    let rest = &text[at + 1..];
    if let Some(braced) = rest.strip_prefix('{') {
        let close = braced.find('}')?;
        let key = &braced[..close];
        return (!key.is_empty() && !key.contains(['{', '@'])).then(|| (key.to_string(), at + 2 + close + 1));
    }
    let mut chars = rest.char_indices().peekable();
    let (_, first) = *chars.peek()?;
    if !(first.is_alphanumeric() || first == '_') {
        return None;
    }
    let mut end = 0;
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            end = i + c.len_utf8();
        } else if ":.#$%&-+?<>~/".contains(c) {
            match chars.peek() {
                Some(&(_, next)) if next.is_alphanumeric() || next == '_' => {}
                _ => break,
            }
        } else {
            break;
        }
    }
    Some((rest[..end].to_string(), at + 1 + end))
}

/// Locator terms as writers abbreviate them, with the CSL locator each names.
const LOCATORS: &[(&str, &str)] = &[
    ("pp.", "page"),
    ("p.", "page"),
    ("pages", "page"),
    ("page", "page"),
    ("chaps.", "chapter"),
    ("chap.", "chapter"),
    ("ch.", "chapter"),
    ("chapter", "chapter"),
    ("chapters", "chapter"),
    ("secs.", "section"),
    ("sec.", "section"),
    ("section", "section"),
    ("sections", "section"),
    ("§§", "section"),
    ("§", "section"),
    ("paras.", "paragraph"),
    ("para.", "paragraph"),
    ("¶", "paragraph"),
    ("paragraph", "paragraph"),
    ("figs.", "figure"),
    ("fig.", "figure"),
    ("figure", "figure"),
    ("vols.", "volume"),
    ("vol.", "volume"),
    ("volume", "volume"),
    ("nn.", "note"),
    ("n.", "note"),
    ("note", "note"),
    ("notes", "note"),
    ("ll.", "line"),
    ("l.", "line"),
    ("line", "line"),
    ("lines", "line"),
    ("pt.", "part"),
    ("part", "part"),
    ("app.", "appendix"),
    ("appendix", "appendix"),
    ("art.", "article-locator"),
    ("article", "article-locator"),
    ("tbl.", "table"),
    ("table", "table"),
    ("no.", "issue"),
    ("col.", "column"),
];

/// What follows a key: `, p. 33, and passim` → (`page`, `33`), `and passim`. A suffix starting
/// with a number is a page (Pandoc's rule).
fn locator_and_suffix(rest: &str) -> (Option<(&'static str, String)>, String) {
    let trimmed = rest.trim_start().strip_prefix(',').unwrap_or(rest).trim();
    if trimmed.is_empty() {
        return (None, String::new());
    }
    let lower = trimmed.to_lowercase();
    let (kind, value) = match LOCATORS.iter().find(|(term, _)| {
        lower.starts_with(term) && lower[term.len()..].starts_with(|c: char| c.is_whitespace() || c.is_ascii_digit())
    }) {
        Some(&(term, kind)) => (kind, trimmed[term.len()..].trim_start()),
        None if trimmed.starts_with(|c: char| c.is_ascii_digit()) => ("page", trimmed),
        None => return (None, trimmed.to_string()),
    };
    // The value runs over numbers, ranges and lists (`33-35, 38`) up to the first word.
    let mut end = 0;
    let mut after_comma = false;
    for (i, c) in value.char_indices() {
        if c.is_alphanumeric() || c == '-' || c == '–' {
            end = i + c.len_utf8();
            after_comma = false;
        } else if c == ',' && value[i + 1..].trim_start().starts_with(|d: char| d.is_ascii_digit()) {
            after_comma = true;
        } else if !(c == ' ' && after_comma) {
            break;
        }
    }
    if end == 0 {
        return (None, trimmed.to_string());
    }
    let suffix = value[end..].trim_start_matches([',', ' ']).trim().to_string();
    (Some((kind, value[..end].to_string())), suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(Mode, Vec<String>)> {
        find(text).into_iter().map(|c| (c.mode, c.items.into_iter().map(|i| i.key).collect())).collect()
    }

    #[test]
    fn every_form_pandoc_writes() {
        assert_eq!(keys("as shown [@kim2020]."), vec![(Mode::Normal, vec!["kim2020".into()])]);
        assert_eq!(keys("[@a; @b]"), vec![(Mode::Normal, vec!["a".into(), "b".into()])]);
        assert_eq!(keys("@kim2020 says"), vec![(Mode::Narrative, vec!["kim2020".into()])]);
        let year = &find("Kim says [-@kim2020].")[0].items[0];
        assert!(year.suppress_author);
        assert_eq!(year.key, "kim2020");
        let page = &find("[@kim2020, p. 3]")[0].items[0];
        assert_eq!(page.locator, Some(("page", "3".to_string())));
        let both = &find("[see @doe99, pp. 33-35, 38 and *passim*; also @smith04, chap. 1]")[0];
        assert_eq!(both.items[0].prefix, "see");
        assert_eq!(both.items[0].locator, Some(("page", "33-35, 38".to_string())));
        assert_eq!(both.items[0].suffix, "and *passim*");
        assert_eq!(both.items[1].prefix, "also");
        assert_eq!(both.items[1].locator, Some(("chapter", "1".to_string())));
        let narrative = &find("@smith04 [p. 33] says")[0];
        assert_eq!(narrative.items[0].locator, Some(("page", "33".to_string())));
        assert_eq!(narrative.range, 0.."@smith04 [p. 33]".len());
        assert_eq!(find("[@{MND 2025}]")[0].items[0].key, "MND 2025");
        assert_eq!(find("[@a, 12]")[0].items[0].locator, Some(("page", "12".to_string())));
        assert_eq!(find("[@a, sec. 4]")[0].items[0].locator, Some(("section", "4".to_string())));
    }

    #[test]
    fn keys_stop_before_trailing_punctuation_and_take_internal_punctuation() {
        assert_eq!(keys("as @kim2020."), vec![(Mode::Narrative, vec!["kim2020".into()])]);
        assert_eq!(keys("[@mnd-2025:press.release]"), vec![(Mode::Normal, vec!["mnd-2025:press.release".into()])]);
        assert_eq!(keys("@국방부2025 발표"), vec![(Mode::Narrative, vec!["국방부2025".into()])]);
        let c = &find("See @kim, and more")[0];
        assert_eq!(c.items[0].key_range, 4..8);
    }

    #[test]
    fn not_citations() {
        assert!(find("write to press@mnd.go.kr or [press@mnd.go.kr]").is_empty());
        assert!(find("[a list] and [@ nothing] and [x @ y]").is_empty());
        assert!(find("[@a]: https://example.org/").is_empty());
        assert!(find("[@a](https://example.org/)").is_empty());
        assert!(find("[@a @b]").iter().all(|c| c.mode == Mode::Narrative), "two keys without `;` are not one item");
        assert!(find("@ alone, @-dash, @.dot").is_empty());
        assert!(find("no at sign at all").is_empty());
    }

    #[test]
    fn ranges_cover_the_citation_in_multibyte_text() {
        let text = "동맹은 [@국방부-2025, p. 7]에서";
        let c = &find(text)[0];
        assert_eq!(&text[c.range.clone()], "[@국방부-2025, p. 7]");
        assert_eq!(&text[c.items[0].key_range.clone()], "@국방부-2025");
    }

    #[test]
    fn a_citation_before_a_colon_is_a_citation_and_a_definition_is_not() {
        assert_eq!(
            keys("treated as conditions-based [@scm-2014]: it happens when"),
            [(Mode::Normal, vec!["scm-2014".to_string()])]
        );
        assert!(keys("[@scm-2014]: https://example.org/").is_empty());
        assert!(keys("text\n   [@scm-2014]: https://example.org/").is_empty());
        assert!(keys("[@scm-2014](https://example.org/)").is_empty());
    }
}
