//! The one slug function: file stems, `slug:`, taxonomy terms and heading ids all go through it,
//! so a link written by hand and a URL made by the build always agree.

use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// NFC-normalise, lowercase, drop apostrophes, turn every run of characters that are not letters
/// or digits into one `-`, and trim dashes at both ends. Hangul and other letters are kept.
/// Returns an empty string when nothing is left; callers decide whether that is an error.
pub fn slugify(text: &str) -> String {
    if text.is_ascii() {
        return slug_ascii(text);
    }
    // Lower-casing can decompose (`İ` → `i` + U+0307) and dropping an apostrophe can bring
    // together jamo that NFC then composes: normalise again at the end, and keep only what is
    // still a letter or digit, so that the slug of a slug is itself.
    let once = slug_pass(text);
    let nfc_once: String = once.nfc().collect();
    if nfc_once == once {
        once
    } else {
        slug_pass(&nfc_once)
    }
}

/// The same rules for ASCII text, which needs no normalisation (most file names and terms).
fn slug_ascii(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for b in text.bytes() {
        if b == b'\'' {
            continue;
        }
        if b.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(b.to_ascii_lowercase() as char);
        } else {
            pending_dash = true;
        }
    }
    slug
}

fn slug_pass(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.nfc() {
        if is_apostrophe(c) {
            continue;
        }
        if !c.is_alphanumeric() {
            pending_dash = true;
            continue;
        }
        for lower in c.to_lowercase() {
            if lower.is_alphanumeric() {
                if pending_dash && !slug.is_empty() {
                    slug.push('-');
                }
                pending_dash = false;
                slug.push(lower);
            } else {
                pending_dash = true;
            }
        }
    }
    slug
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// NFC form of a path or text (macOS hands Hangul file names over decomposed).
pub fn nfc(text: &str) -> String {
    // Nearly every path and text is NFC already (ASCII always is): checking is cheaper than
    // recomposing.
    if text.is_ascii() || unicode_normalization::is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return text.to_string();
    }
    text.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_slugs() {
        let cases = [
            ("OPCON transfer", "opcon-transfer"),
            ("Opcon Transfer", "opcon-transfer"),
            ("  --OPCON -- transfer--  ", "opcon-transfer"),
            ("Korea's alliance", "koreas-alliance"),
            ("Korea\u{2019}s alliance", "koreas-alliance"),
            ("US–ROK (2025)", "us-rok-2025"),
            ("전시작전통제권", "전시작전통제권"),
            ("동맹 현대화", "동맹-현대화"),
            // decomposed Hangul (as macOS file names) normalises to the composed form
            ("\u{1100}\u{1161}", "가"),
            ("Ünïcödé Straße", "ünïcödé-straße"),
            ("snake_case_name", "snake-case-name"),
            ("a/b\\c..d", "a-b-c-d"),
            ("???", ""),
            ("", ""),
            ("2025", "2025"),
        ];
        for (input, expected) in cases {
            assert_eq!(slugify(input), expected, "slugify({input:?})");
        }
    }

    #[test]
    fn the_ascii_shortcut_agrees_with_the_general_rules() {
        // A small deterministic generator over ASCII, apostrophes and separators included.
        let mut seed = 0x2545_f491_u32;
        for _ in 0..5000 {
            let len = (seed % 24) as usize;
            let text: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (b' ' + ((seed >> 16) % 95) as u8) as char
                })
                .collect();
            assert_eq!(slug_ascii(&text), slug_pass(&text), "{text:?}");
        }
    }

    #[test]
    fn slugify_is_idempotent_on_examples() {
        for s in ["OPCON transfer", "동맹 현대화", "a--b", "Korea's"] {
            let once = slugify(s);
            assert_eq!(slugify(&once), once);
        }
    }
}
