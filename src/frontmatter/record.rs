//! Reading the keys only a term record (`content/<taxonomy>/<id>.md`) has: its names per
//! language, other spellings, kind, Wikidata id, broader terms and affiliation.

use std::ops::Range;

use super::error::{error, FieldError};
use super::types::{RecordFields, Spanned};
use super::value::{kind, scalar_text, text_list};
use crate::diagnostics::Code;
use crate::yaml::Value;

/// Reads one of the keys only a term record has; false when its value is wrong.
pub(super) fn record_key(
    record: &mut RecordFields,
    key: &str,
    value: &Value,
    span: &Range<usize>,
    problems: &mut Vec<FieldError>,
) -> bool {
    let spanned = |list: Vec<String>| list.into_iter().map(|value| Spanned { value, span: span.clone() }).collect();
    let mut fail = |message: String, help: &str| {
        problems.push(error(Code::WrongType, &message, Some(help), span.clone()));
        false
    };
    match key {
        "names" => match value {
            Value::Mapping(map) => {
                for (lang, name) in map {
                    match (scalar_text(lang), scalar_text(name)) {
                        // The key is a page's `lang` attribute: a tag, not a language's name.
                        (Some(lang), Some(_)) if !crate::config::is_language_tag(lang.trim()) => {
                            return fail(
                                match lang.trim() {
                                    "" => "`names` has a name without a language".to_string(),
                                    tag => format!("`{}` in `names` is not a language tag", tag.escape_debug()),
                                },
                                "name the language by its tag, such as `ko` or `en`: `names: {ko: 주한미군}`",
                            )
                        }
                        (Some(lang), Some(name)) if !name.trim().is_empty() => {
                            record.names.push((lang, Spanned { value: name.trim().to_string(), span: span.clone() }))
                        }
                        _ => {
                            return fail(
                                "each of `names` must be `language: name`".into(),
                                "write `names: {ko: 주한미군}`",
                            )
                        }
                    }
                }
                true
            }
            _ => fail(
                format!("`names` must be a map of language to name, not {}", kind(value)),
                "write `names: {ko: 주한미군}`",
            ),
        },
        "aka" | "part_of" => match text_list(value) {
            Some(list) => {
                let list = list.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
                if key == "aka" {
                    record.aka = spanned(list)
                } else {
                    record.part_of = spanned(list)
                }
                true
            }
            None => fail(
                format!("`{key}` must be a list, not {}", kind(value)),
                &format!("write `{key}: [USFK, U.S. Forces Korea]`"),
            ),
        },
        _ => match scalar_text(value) {
            Some(t) if key == "wikidata" && !is_wikidata_id(t.trim()) => {
                fail(format!("`wikidata: {t}` is not a Wikidata item id"), "write the item's id, such as `Q1046394`")
            }
            Some(t) => {
                let t = Some(t.trim().to_string());
                match key {
                    "type" => record.kind = t,
                    "wikidata" => record.wikidata = t,
                    _ => record.affiliation = t,
                }
                true
            }
            None => fail(format!("`{key}` must be text, not {}", kind(value)), "write a single line of text"),
        },
    }
}

/// `Q` and digits.
fn is_wikidata_id(text: &str) -> bool {
    text.len() > 1 && text.starts_with('Q') && text[1..].bytes().all(|b| b.is_ascii_digit())
}
