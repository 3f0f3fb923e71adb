//! The one slug function: file stems, `slug:`, taxonomy terms and heading ids all go through it,
//! so a link written by hand and a URL made by the build always agree.

use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// NFC-normalise, lowercase, drop apostrophes, turn every run of characters that are not letters
/// or digits into one `-`, and trim dashes at both ends. Hangul and other letters are kept.
/// Returns an empty string when nothing is left; callers decide whether that is an error.
///
/// A slug longer than `MAX_SLUG_BYTES` keeps its first `KEPT_BYTES` (cut between characters),
/// then `-` and the first 8 hex digits of the SHA-256 of the whole slug: file systems allow 255
/// bytes in a name (85 Hangul syllables), and the URL stays the same from build to build.
pub fn slugify(text: &str) -> String {
    let slug = if text.is_ascii() {
        slug_ascii(text)
    } else {
        // Lower-casing can decompose (`İ` → `i` + U+0307) and dropping an apostrophe can bring
        // together jamo that NFC then composes: normalise again at the end, and keep only what
        // is still a letter or digit, so that the slug of a slug is itself.
        let once = slug_pass(text);
        let nfc_once: String = once.nfc().collect();
        if nfc_once == once {
            once
        } else {
            slug_pass(&nfc_once)
        }
    };
    if slug.len() > MAX_SLUG_BYTES {
        shorten(&slug)
    } else {
        slug
    }
}

pub const MAX_SLUG_BYTES: usize = 100;
const KEPT_BYTES: usize = 80;

/// The first `KEPT_BYTES` of a long slug, `-`, and 8 hex digits of its SHA-256.
fn shorten(slug: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut cut = KEPT_BYTES;
    while !slug.is_char_boundary(cut) {
        cut -= 1;
    }
    let digest = Sha256::digest(slug.as_bytes());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{hex}", slug[..cut].trim_end_matches('-'))
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
    fn long_slugs_are_cut_with_a_hash_of_the_whole() {
        let long = "a".repeat(300);
        let slug = slugify(&long);
        // The first 8 hex digits of sha256("a" * 300), from `sha256sum`.
        assert_eq!(slug, format!("{}-{}", "a".repeat(80), &sha256_hex(&long)[..8]));
        assert_eq!(slugify(&slug), slug, "a shortened slug is its own slug");
        // 90 Hangul syllables (270 bytes): cut between characters, at 78 bytes.
        let hangul = "전".repeat(90);
        let slug = slugify(&hangul);
        assert!(slug.starts_with(&"전".repeat(26)) && slug.len() == 78 + 9, "{slug}");
        // Two slugs that differ only after the cut stay apart; a slug of exactly 100 bytes is kept.
        assert_ne!(slugify(&format!("{}x", "b".repeat(120))), slugify(&format!("{}y", "b".repeat(120))));
        assert_eq!(slugify(&"c".repeat(100)), "c".repeat(100));
        // A cut that falls after a dash does not leave two dashes.
        let dashed = format!("{}-{}", "d".repeat(79), "e".repeat(40));
        assert!(!slugify(&dashed).contains("--"), "{}", slugify(&dashed));
    }

    fn sha256_hex(text: &str) -> String {
        let out = std::process::Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(text.as_bytes())?;
                child.wait_with_output()
            })
            .expect("sha256sum");
        String::from_utf8(out.stdout).unwrap()[..64].to_string()
    }

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
