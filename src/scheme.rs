//! URL schemes: whether a link target names one, and which ones are never written from content.
//! Body links and front-matter URLs (`sources`, `image`) go through the same check.

/// Whether `dest` starts with a URL scheme (`https:`, `mailto:`), so it is not a path.
pub fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// Schemes a browser runs or renders as a document (`javascript:`, `vbscript:`, `data:`), in
/// any case and with the spaces and control characters browsers skip: never written from
/// untrusted content.
pub fn is_unsafe(dest: &str) -> bool {
    let lower: String =
        dest.trim().chars().filter(|c| !c.is_whitespace() && !c.is_control()).take(16).collect::<String>();
    let lower = lower.to_ascii_lowercase();
    lower.starts_with("javascript:") || lower.starts_with("data:") || lower.starts_with("vbscript:")
}

/// What an unsafe URL is written as.
pub const REPLACEMENT: &str = "#";

/// The warning for an unsafe URL in `place` ("this link", "`sources`"): what it is (cut short)
/// and what becomes of it.
pub fn unsafe_message(place: &str, url: &str, instead: &str) -> String {
    let url = url.trim();
    let shown: String = url.chars().take(40).collect();
    let more = if shown.len() < url.len() { "…" } else { "" };
    format!("{place} `{shown}{more}` would run as script in the reader's browser: {instead}")
}

pub const UNSAFE_HELP: &str = "use an `https:` address; `javascript:`, `vbscript:` and `data:` URLs are never written from front-matter, and from Markdown only with `raw_html: true`";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_schemes_in_any_spelling() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "java\u{0}script:x",
            "data:text/html,x",
            "VBScript:x",
        ] {
            assert!(is_unsafe(bad), "{bad:?}");
        }
        for good in ["https://example.org/javascript:", "mailto:a@b.org", "../a.md", "#x", "javascript.md"] {
            assert!(!is_unsafe(good), "{good:?}");
        }
    }

    #[test]
    fn schemes_are_told_from_paths() {
        assert!(has_scheme("https://example.org"));
        assert!(has_scheme("mailto:a@b.org"));
        assert!(!has_scheme("a/b:c.md"));
        assert!(!has_scheme(":x"));
        assert!(!has_scheme("plain.md"));
    }
}
