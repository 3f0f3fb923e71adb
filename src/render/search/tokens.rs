//! The words of a text as the search index holds them. `search.js` makes the words of a query
//! the same way (its `tokens`): the two must agree, character class for character class.
//!
//! - Text is taken in Unicode NFC, then lower-cased.
//! - A word is a run of letters and digits (Unicode `Alphabetic` or `Numeric`), at most
//!   `MAX_WORD` characters kept; the browser finds a word by any prefix of three letters or more.
//! - Korean, Chinese and Japanese are written without spaces between all words (Korean
//!   attaches particles: `주한미군의`), so a run of their letters is indexed as every suffix of
//!   it (at most `CJK_SPAN` characters each): a prefix of a suffix is any substring, so
//!   `작전통제` is found inside `전시작전통제권` and `주한미군` before a particle.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Characters kept of a word (a longer one is found by its first `MAX_WORD`).
pub const MAX_WORD: usize = 32;
/// Characters kept of each suffix of a run of CJK letters.
pub const CJK_SPAN: usize = 12;

/// Hangul (syllables and jamo), kana and CJK ideographs.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3130}'..='\u{318F}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FAFF}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Other,
    Word,
    Cjk,
}

fn class(c: char) -> Class {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Other
        }
    } else if !c.is_alphanumeric() {
        Class::Other
    } else if is_cjk(c) {
        Class::Cjk
    } else {
        Class::Word
    }
}

/// Calls `f` with every token of `text`, in order, repeats included: each word, lower-cased, and
/// each suffix of each run of CJK letters.
pub fn each(text: &str, f: impl FnMut(&str)) {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        each_nfc(text, f);
    } else {
        each_nfc(&text.nfc().collect::<String>(), f);
    }
}

/// `each` for a text known to be in NFC (a body's plain text is made so as it is read).
pub fn each_nfc(text: &str, mut f: impl FnMut(&str)) {
    // ASCII letters lower-cased once for the whole text: an ASCII word is then a slice of it.
    // Classes stay as they were (case changes no ASCII letter's), other letters are left as
    // they were, and a word holding one is lower-cased on its own.
    let lower: Cow<str> = match text.bytes().any(|b| b.is_ascii_uppercase()) {
        true => Cow::Owned(text.to_ascii_lowercase()),
        false => Cow::Borrowed(text),
    };
    let text = &*lower;
    if text.is_ascii() {
        // Most text: byte by byte.
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphanumeric() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                f(&text[start..i.min(start + MAX_WORD)]);
            }
            i += 1;
        }
        return;
    }
    let mut buffer = String::new();
    let mut bounds: Vec<usize> = Vec::new();
    let (mut start, mut current, mut ascii) = (0, Class::Other, true);
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let k = class(c);
        if k != current {
            let run = &text[start..i];
            match current {
                Class::Word if ascii => f(&run[..run.len().min(MAX_WORD)]),
                Class::Word => f(word(run, &mut buffer)),
                Class::Cjk => {
                    // Each suffix a slice of the run, from each character's start.
                    bounds.clear();
                    bounds.extend(run.char_indices().map(|(at, _)| at));
                    bounds.push(run.len());
                    let chars = bounds.len() - 1;
                    for from in 0..chars {
                        f(&run[bounds[from]..bounds[(from + CJK_SPAN).min(chars)]]);
                    }
                }
                Class::Other => {}
            }
            (start, current, ascii) = (i, k, true);
        }
        ascii &= c.is_ascii();
    }
}

/// A word lower-cased and cut to `MAX_WORD` characters (in `buffer` when it had to change).
fn word<'a>(run: &'a str, buffer: &'a mut String) -> &'a str {
    if run.is_ascii() {
        let run = &run[..run.len().min(MAX_WORD)];
        if !run.bytes().any(|b| b.is_ascii_uppercase()) {
            return run;
        }
        buffer.clear();
        buffer.push_str(run);
        buffer.make_ascii_lowercase();
        return buffer;
    }
    *buffer = run.to_lowercase();
    if let Some((cut, _)) = buffer.char_indices().nth(MAX_WORD) {
        buffer.truncate(cut);
    }
    buffer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        each(text, |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn words_are_lower_cased_runs_of_letters_and_digits() {
        assert_eq!(all("Camp Humphreys, 2025: U.S.-ROK"), ["camp", "humphreys", "2025", "u", "s", "rok"]);
        assert_eq!(all("Ünïcode ÉTÉ"), ["ünïcode", "été"]);
        assert_eq!(all("<script>alert(1)</script>"), ["script", "alert", "1", "script"]);
        assert!(all("!!! … 🙂 — ").is_empty());
        let long = "x".repeat(100);
        assert_eq!(all(&long), ["x".repeat(MAX_WORD)]);
    }

    #[test]
    fn text_with_other_letters_is_cut_and_lower_cased_as_ascii_text_is() {
        // An ASCII word in a text that is not all ASCII: lower-cased and cut as in ASCII text.
        let long = "X".repeat(40);
        assert_eq!(all(&format!("OPCON 전환 Über {long}")), ["opcon", "전환", "환", "über", &"x".repeat(MAX_WORD)]);
        assert_eq!(all(&format!("OPCON Uber {long}")), ["opcon", "uber", &"x".repeat(MAX_WORD)]);
        // A word mixing ASCII and other letters is lower-cased whole.
        assert_eq!(all("ROKÉ"), ["roké"]);
        // Lower-cased as a whole word (a final sigma stays final), as `toLowerCase` does.
        assert_eq!(all("ΣΟΦΟΣ"), ["σοφος"]);
    }

    #[test]
    fn cjk_runs_are_indexed_by_every_suffix() {
        assert_eq!(all("주한미군의 OPCON"), ["주한미군의", "한미군의", "미군의", "군의", "의", "opcon"]);
        // A Latin word then Hangul: two tokens.
        assert_eq!(all("USFK는"), ["usfk", "는"]);
        let suffixes = all("전시작전통제권");
        assert!(suffixes.iter().any(|s| s.starts_with("작전통제")), "{suffixes:?}");
        // Decomposed Hangul (as typed on a Mac) is composed first.
        assert_eq!(all("\u{1112}\u{1161}\u{11AB}"), ["한"]);
        let long: String = "가".repeat(20);
        assert!(all(&long).iter().all(|s| s.chars().count() <= CJK_SPAN));
    }
}
