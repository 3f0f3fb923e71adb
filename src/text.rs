//! Characters a page or feed cannot hold. XML 1.0 forbids NUL, the C0 controls other than tab,
//! line feed and carriage return, and U+FFFE/U+FFFF (one in a title makes `atom.xml`
//! unreadable); HTML also calls DEL, the C1 controls and every noncharacter errors. Source text
//! is cleaned once, when read: each such character becomes U+FFFD, one character for one, so
//! lines and columns in messages stay those of the file.

/// Whether `c` may not appear in an HTML page or an XML feed.
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fdd0}'..='\u{fdef}')
        || (c as u32 & 0xfffe) == 0xfffe
}

/// What cleaning replaced: the first such character, where it now is (a byte offset into the
/// cleaned text), and how many there were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    pub first: char,
    pub at: usize,
    pub count: usize,
}

/// Replaces every forbidden character of `text` by U+FFFD.
pub fn clean(text: String) -> (String, Option<Replaced>) {
    if !may_hold_forbidden(text.as_bytes()) || !text.chars().any(is_forbidden) {
        return (text, None);
    }
    let mut cleaned = String::with_capacity(text.len() + 16);
    let mut replaced: Option<Replaced> = None;
    for c in text.chars() {
        if is_forbidden(c) {
            match &mut replaced {
                Some(r) => r.count += 1,
                None => replaced = Some(Replaced { first: c, at: cleaned.len(), count: 1 }),
            }
            cleaned.push('\u{fffd}');
        } else {
            cleaned.push(c);
        }
    }
    (cleaned, replaced)
}

/// A pass over the bytes that no clean text fails often: a control byte, DEL, or the lead byte
/// of a C1 control (0xC2), of U+FDD0…U+FFFF (0xEF) or of a 4-byte character. Without early exit
/// per block, so that it compiles to vector compares.
fn may_hold_forbidden(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|block| {
        block.iter().fold(false, |seen, &b| {
            seen | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
                | (b == 0x7f)
                | (b == 0xc2)
                | (b == 0xef)
                | (b >= 0xf0)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_become_replacement_characters() {
        let (text, replaced) = clean("a\u{0}b\u{fffe}c\u{ffff}\u{1b}[2J\u{1fffe}".to_string());
        assert_eq!(text, "a\u{fffd}b\u{fffd}c\u{fffd}\u{fffd}[2J\u{fffd}");
        assert_eq!(replaced, Some(Replaced { first: '\0', at: 1, count: 5 }));
    }

    #[test]
    fn ordinary_text_is_kept_as_is() {
        for ok in [
            "plain\ttext\r\n",
            "전시작전통제권 © 2025\u{a0}, “quotes” — ，",
            "emoji 🇰🇷 \u{10ffff}".trim_end_matches('\u{10ffff}'),
        ] {
            assert_eq!(clean(ok.to_string()), (ok.to_string(), None), "{ok:?}");
        }
        assert!(!is_forbidden('\u{fffd}'));
        assert!(is_forbidden('\u{10ffff}'));
        assert!(is_forbidden('\u{85}'));
    }
}
