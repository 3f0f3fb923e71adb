//! Reading a front-matter value leniently (text, lists of text, booleans written as text) and
//! naming what was written, for messages.

use crate::yaml::Value;

/// `true`/`false`, also written as text in any case (`"true"`, `False`).
pub(super) fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Value::Tagged(t) => boolean(&t.value),
        _ => None,
    }
}

/// Text of a scalar (strings, numbers, booleans); `None` for maps, lists and null.
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

/// A list of texts, or a single text as a list of one; null is an empty list.
pub(super) fn text_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Sequence(items) => items.iter().map(scalar_text).collect(),
        other => scalar_text(other).map(|t| vec![t]),
    }
}

pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a map",
        Value::Tagged(_) => "a tagged value",
    }
}

pub(super) fn describe(value: &Value) -> String {
    match scalar_text(value) {
        Some(t) => format!("`{t}`"),
        None => kind(value).to_string(),
    }
}
