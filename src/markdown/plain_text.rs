//! The body as plain text, for full-text search and the word count: runs of white space as one
//! space, a space between blocks, and words counted the same in English and Korean.

use pulldown_cmark::{Event, TagEnd};

/// Appends text to the body's plain text, each run of white space as one space.
pub(super) fn push_plain(plain: &mut String, text: &str) {
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
pub(super) fn ends_block(event: &Event<'_>) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_count_hangul_by_spaces() {
        assert_eq!(count_words("한미 동맹의 현대화\n전시작전통제권 전환"), 5);
        assert_eq!(count_words("OPCON — transfer"), 2);
    }
}
