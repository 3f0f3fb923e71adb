//! Property tests for `briefing::slug::slugify`, the one function that makes file-stem slugs,
//! `slug:` values, taxonomy terms and heading ids.
//!
//! The inputs mix what briefs are written in (ASCII, Hangul syllables, accented Latin) with what
//! breaks naive slug code: conjoining Hangul jamo (macOS file names), combining marks, apostrophes,
//! Unicode whitespace, path separators, dots and characters whose lowercase is longer than one
//! character (`İ`, `ẞ`).
//!
//! `slugify_known_counterexamples` keeps the cases the properties first found (U+0130, lower-casing
//! that breaks NFC, an apostrophe between conjoining jamo).

use briefing::slug::slugify;
use proptest::prelude::*;
use proptest::test_runner::Config;
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// Characters drawn with weights towards the interesting classes; `any::<char>()` covers the rest.
fn any_text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('A', 'Z'),
        1 => proptest::char::range('0', '9'),
        3 => separator_char(),
        3 => proptest::char::range('\u{AC00}', '\u{D7A3}'), // Hangul syllables
        2 => proptest::char::range('\u{1100}', '\u{11FF}'), // conjoining jamo (NFD Hangul)
        1 => proptest::char::range('\u{3131}', '\u{318E}'), // compatibility jamo
        2 => proptest::char::range('\u{0300}', '\u{036F}'), // combining diacritics
        1 => proptest::char::range('\u{0370}', '\u{03FF}'), // Greek
        1 => proptest::char::range('\u{00C0}', '\u{024F}'), // Latin-1 supplement, Latin Extended
        1 => proptest::sample::select(vec![
            '\u{0130}', '\u{0345}', '\u{1E9E}', 'ß', 'ﬁ', 'Ω', '\u{2126}', '\u{212A}', 'Ή', 'Σ',
            'ǅ', '٣', 'Ⅻ', '²', '①', 'Ａ', '\u{0915}', '\u{093F}', '\u{0E31}',
        ]),
        2 => any::<char>(),
    ]
}

/// Punctuation, whitespace and apostrophes: everything that should become (at most) one `-`.
fn separator_char() -> impl Strategy<Value = char> {
    proptest::sample::select(vec![
        ' ', '\t', '\n', '\r', '\u{A0}', '\u{2003}', '\u{3000}', '\u{200B}', '\u{FEFF}', '\0', '-', '_', '.', '/',
        '\\', '\'', '\u{2019}', '\u{2018}', '\u{02BC}', '"', '(', ')', '–', '—', '?', '!', ',', ':', ';', '#', '%',
        '&', '~', '·', '…', '「', '」', '。',
    ])
}

/// Text as it is found in briefs, in NFC: ASCII, Latin-1 and Hangul letters, digits, separators,
/// apostrophes and non-alphabetic combining marks. `İ` (U+0130, which `I` + U+0307 composes to)
/// is left out: it is a known counter-example (see `slugify_known_counterexamples`).
fn composed_text() -> impl Strategy<Value = String> {
    text_of(composed_text_char())
        .prop_map(|s| s.nfc().collect::<String>())
        .prop_filter("U+0130 is a known counter-example", |s| !s.contains('\u{0130}'))
}

fn composed_text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('A', 'Z'),
        1 => proptest::char::range('0', '9'),
        3 => separator_char(),
        3 => proptest::char::range('\u{AC00}', '\u{D7A3}'),
        1 => proptest::char::range('\u{00C0}', '\u{00FF}'),
        // U+0300..=U+0344: combining marks that are not alphabetic (U+0345 is, see below).
        1 => proptest::char::range('\u{0300}', '\u{0344}'),
    ]
}

fn text_of(chars: impl Strategy<Value = char>) -> impl Strategy<Value = String> {
    proptest::collection::vec(chars, 0..24).prop_map(|v| v.into_iter().collect())
}

fn any_text() -> impl Strategy<Value = String> {
    text_of(any_text_char())
}

fn config() -> Config {
    Config {
        // More with e.g. `PROPTEST_CASES=100000`.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2048),
        // Integration tests have no `src/` beside them for regression files: keep none.
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// A slug is one safe path segment and one safe HTML id: no separators, no dots, no
    /// whitespace, never `.` or `..`, and dashes only between two non-dash characters.
    #[test]
    fn slug_is_a_safe_single_path_component(s in any_text()) {
        let slug = slugify(&s);
        prop_assert!(!slug.contains(['/', '\\', '.']), "{s:?} -> {slug:?}");
        prop_assert!(!slug.chars().any(char::is_whitespace), "{s:?} -> {slug:?}");
        prop_assert!(!slug.chars().any(char::is_control), "{s:?} -> {slug:?}");
        prop_assert!(slug != "." && slug != "..", "{s:?} -> {slug:?}");
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{s:?} -> {slug:?}");
        prop_assert!(!slug.contains("--"), "{s:?} -> {slug:?}");
        prop_assert!(!slug.contains(['\'', '\u{2019}', '\u{2018}', '\u{02BC}']), "{s:?} -> {slug:?}");
    }

    /// `slugify` returns "" exactly when there is no letter or digit to make a slug from; callers
    /// turn "" into an error (`bad-slug`, `bad-term`) or a fallback (`section-N`). U+02BC
    /// MODIFIER LETTER APOSTROPHE is a letter (Lm) but is dropped as an apostrophe, on purpose.
    #[test]
    fn slug_is_empty_exactly_when_input_has_no_letter_or_digit(s in any_text()) {
        let slug = slugify(&s);
        let has_letter = s.chars().any(|c| c.is_alphanumeric() && c != '\u{02BC}');
        prop_assert_eq!(slug.is_empty(), !has_letter, "{:?} -> {:?}", s, slug);
    }

    /// Only separators are lost: a text made of separators alone gives "".
    #[test]
    fn separators_alone_give_an_empty_slug(s in text_of(separator_char())) {
        prop_assert_eq!(slugify(&s), "");
    }

    /// Slugs are lower case.
    #[test]
    fn slug_is_lower_case(s in any_text()) {
        let slug = slugify(&s);
        prop_assert_eq!(slug.to_lowercase(), slug.clone(), "{:?}", s);
    }

    /// macOS hands file names over decomposed (NFD); they must give the slug of the composed
    /// name, or links by name miss the brief.
    #[test]
    fn decomposed_and_composed_input_give_the_same_slug(s in any_text()) {
        let nfd: String = s.nfd().collect();
        let nfc: String = s.nfc().collect();
        prop_assert_eq!(slugify(&nfd), slugify(&s), "{:?}", s);
        prop_assert_eq!(slugify(&nfc), slugify(&s), "{:?}", s);
    }

    /// Apostrophes inside a word are dropped, not turned into `-`: `Korea's` → `koreas`.
    #[test]
    fn apostrophes_inside_ascii_words_are_dropped(
        a in "[A-Za-z0-9]{1,8}",
        b in "[A-Za-z0-9]{1,8}",
        apostrophe in proptest::sample::select(vec!['\'', '\u{2019}', '\u{2018}', '\u{02BC}']),
    ) {
        prop_assert_eq!(slugify(&format!("{a}{apostrophe}{b}")), slugify(&format!("{a}{b}")));
    }

    /// Idempotence on the text briefs are written in (see `composed_text`): a slug written by
    /// hand (`[[opcon-transfer]]`, `slug: 동맹-현대화`) resolves to itself.
    #[test]
    fn idempotent_on_composed_text(s in composed_text()) {
        let once = slugify(&s);
        prop_assert_eq!(slugify(&once), once.clone(), "{:?}", s);
    }

    /// Over any text, a slug that is NFC and made of letters, digits and `-` only is a fixed
    /// point. (The ignored test below shows that slugs are not always of that form.)
    #[test]
    fn well_formed_slugs_are_fixed_points(s in any_text()) {
        let once = slugify(&s);
        if is_nfc(&once) && once.chars().all(|c| c.is_alphanumeric() || c == '-') {
            prop_assert_eq!(slugify(&once), once.clone(), "{:?}", s);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// KNOWN BUG: `slugify` is not idempotent over all text. Three causes, each with a minimal
    /// counter-example in `slugify_known_counterexamples`.
    #[test]
    fn idempotent_on_any_text(s in any_text()) {
        let once = slugify(&s);
        prop_assert_eq!(slugify(&once), once.clone(), "{:?}", s);
    }

    /// KNOWN BUG: the doc comment promises a slug of letters, digits and `-`, in NFC.
    #[test]
    fn slug_is_nfc_letters_digits_and_dashes(s in any_text()) {
        let slug = slugify(&s);
        prop_assert!(is_nfc(&slug), "{s:?} -> {slug:?} is not NFC");
        prop_assert!(slug.chars().all(|c| c.is_alphanumeric() || c == '-'), "{s:?} -> {slug:?}");
    }
}

/// Minimal counter-examples, found by the properties above. A fixed `slugify` may choose its
/// output for them, but it must be a fixed point, in NFC, of letters, digits and `-`.
#[test]
fn slugify_known_counterexamples() {
    let cases = [
        // 1. `İ` (U+0130) lowercases to `i` + U+0307 COMBINING DOT ABOVE, which is kept in the
        //    slug although it is not a letter; the second pass turns it into a `-`:
        //    "İstanbul" -> "i\u{307}stanbul" -> "i-stanbul".
        "\u{0130}",
        "\u{0130}stanbul",
        // 2. Lower-casing after NFC can leave a non-NFC slug: `Ή` + U+0345 has no composed
        //    capital form, but `ή` + U+0345 composes to `ῄ` (U+1FC4) on the second pass:
        //    "\u{389}\u{345}" -> "\u{3AE}\u{345}" -> "\u{1FC4}".
        "\u{0389}\u{0345}",
        // 3. Dropping an apostrophe joins conjoining jamo that NFC did not compose because the
        //    apostrophe stood between them: "ᄀ'ᅡ" -> "\u{1100}\u{1161}" (decomposed `가`) ->
        //    "\u{AC00}": two different URLs for what prints as the same text.
        "\u{1100}'\u{1161}",
        "\u{AC00}\u{2019}\u{11A8}",
    ];
    for input in cases {
        let once = slugify(input);
        assert_eq!(slugify(&once), once, "slugify is not idempotent on {input:?}");
        assert!(is_nfc(&once), "slugify({input:?}) = {once:?} is not NFC");
        assert!(
            once.chars().all(|c| c.is_alphanumeric() || c == '-'),
            "slugify({input:?}) = {once:?} holds a character that is not a letter, digit or `-`"
        );
    }
}
