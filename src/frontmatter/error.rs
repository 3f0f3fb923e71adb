//! `FieldError`, a front-matter problem positioned in the whole file, and the helpers that build
//! one.

use std::ops::Range;

use crate::diagnostics::Code;

/// A problem found in the front-matter, positioned as a byte span in the whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    pub span: Range<usize>,
    pub warning: bool,
}

/// The warning for an unsafe URL of a key's value: at the URL's text when it is written as is
/// inside the value (a source's `url:` line), else at the whole value.
pub(super) fn unsafe_url(text: &str, value: &Range<usize>, url: &str, message: String) -> FieldError {
    let written = text.get(value.clone()).unwrap_or("");
    let needle = url.trim();
    let span = match written.find(needle).filter(|_| !needle.is_empty()) {
        Some(i) => value.start + i..value.start + i + needle.len(),
        None => value.clone(),
    };
    FieldError { code: Code::UnsafeUrl, message, help: Some(crate::scheme::UNSAFE_HELP.into()), span, warning: true }
}

/// The span of the character at `at` (empty at the end of the text).
pub(super) fn first_char(text: &str, at: usize) -> Range<usize> {
    at..text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

pub(super) fn error(code: Code, message: &str, help: Option<&str>, span: Range<usize>) -> FieldError {
    FieldError { code, message: message.into(), help: help.map(Into::into), span, warning: false }
}
