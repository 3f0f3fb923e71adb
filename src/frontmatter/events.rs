//! Reading `events:`, the events a brief states: each item's date, end, titles, id, source and
//! terms, with problems positioned at the item they are about.

use std::collections::BTreeMap;
use std::ops::Range;

use super::error::FieldError;
use super::types::EventEntry;
use super::value::{boolean, describe, kind, scalar_text, text_list};
use crate::config::SiteConfig;
use crate::date::PartialDate;
use crate::diagnostics::Code;
use crate::yaml::Value;

/// The keys of an event.
const EVENT_KEYS: &[&str] = &["date", "title", "id", "end", "planned", "source"];

/// Where each item of a block list starts within `span` (`- ` at the list's indentation), for
/// messages about one item; empty when the list is not written as a block of `n` items.
pub(super) fn item_starts(text: &str, span: &Range<usize>, n: usize) -> Vec<Range<usize>> {
    let block = &text[span.clone()];
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if line[indent..].starts_with("- ") || line[indent..].trim_end() == "-" {
            items.push((indent, span.start + offset + indent));
        }
        offset += line.len();
    }
    let Some(outer) = items.iter().map(|(indent, _)| *indent).min() else { return Vec::new() };
    let starts: Vec<usize> = items.iter().filter(|(i, _)| *i == outer).map(|(_, at)| *at).collect();
    if starts.len() != n {
        return Vec::new();
    }
    starts.iter().map(|&at| at..at + 1).collect()
}

/// Reads one event; `None` when it cannot be used (the problems say why).
pub(super) fn event_entry(
    item: &Value,
    config: &SiteConfig,
    span: &Range<usize>,
    problems: &mut Vec<FieldError>,
) -> Option<EventEntry> {
    let help = "write an event as `- date: 2014-10-23` with `title: What happened` beneath it";
    let mut fail = |message: String, help: &str| {
        problems.push(FieldError {
            code: Code::BadEvent,
            message,
            help: Some(help.into()),
            span: span.clone(),
            warning: false,
        });
        None
    };
    let Value::Mapping(map) = item else {
        return fail(format!("an event must be a map of `date`, `title` and more, not {}", kind(item)), help);
    };
    let field = |name: &str| map.get(name).filter(|v| !v.is_null());
    let partial =
        |name: &str| field(name).map(|v| scalar_text(v).and_then(|t| PartialDate::parse(&t, config.timezone)));
    let date = match partial("date") {
        Some(Some(d)) => d,
        Some(None) => {
            let written = describe(field("date").unwrap_or(&Value::Null));
            return fail(
                format!("the event's date {written} is not a year, month or day"),
                crate::date::PARTIAL_ACCEPTED,
            );
        }
        None => return fail("an event needs a `date`".into(), help),
    };
    let end = match partial("end") {
        Some(Some(end)) if end.end_exclusive() <= date.start() => {
            return fail(
                format!("the event ends ({}) before it starts ({})", end.iso(), date.iso()),
                "write an `end` after the `date`",
            )
        }
        Some(Some(end)) => Some(end),
        Some(None) => {
            return fail("the event's `end` is not a year, month or day".into(), crate::date::PARTIAL_ACCEPTED)
        }
        None => None,
    };
    let titles: Vec<(Option<String>, String)> = match field("title") {
        Some(Value::Mapping(per_lang)) => {
            let mut titles = Vec::new();
            for (lang, title) in per_lang {
                match (scalar_text(lang), scalar_text(title).map(|t| t.trim().to_string())) {
                    (Some(lang), Some(_)) if !crate::config::is_language_tag(lang.trim()) => {
                        return fail(
                            match lang.trim() {
                                "" => "the event's `title` has a title without a language".to_string(),
                                tag => format!("`{}` in the event's `title` is not a language tag", tag.escape_debug()),
                            },
                            "name the language by its tag, such as `ko` or `en`: `title: {en: ..., ko: ...}`",
                        )
                    }
                    (Some(lang), Some(title)) if !title.is_empty() => {
                        titles.push((Some(lang.trim().to_string()), title))
                    }
                    _ => {
                        return fail(
                            "each title of an event must be `language: title`".into(),
                            "write `title: {en: ..., ko: ...}`",
                        )
                    }
                }
            }
            titles
        }
        Some(value) => match scalar_text(value).map(|t| t.trim().to_string()) {
            Some(title) if !title.is_empty() => vec![(None, title)],
            _ => return fail(format!("the event's `title` must be text, not {}", kind(value)), help),
        },
        None => Vec::new(),
    };
    if titles.is_empty() {
        return fail(format!("the event of {} has no `title`", date.iso()), help);
    }
    let id = match field("id").map(scalar_text) {
        Some(Some(id)) if !crate::slug::slugify(&id).is_empty() => Some(id.trim().to_string()),
        Some(_) => {
            return fail("an event's `id` must be text with letters or digits".into(), "write e.g. `id: scm-2014`")
        }
        None => None,
    };
    let planned = match field("planned") {
        None => false,
        Some(v) => match boolean(v) {
            Some(b) => b,
            None => {
                return fail(format!("`planned` must be true or false, not {}", describe(v)), "write `planned: true`")
            }
        },
    };
    let source = match field("source").map(scalar_text) {
        Some(Some(s)) if crate::scheme::is_unsafe(s.trim()) => {
            return fail(
                crate::scheme::unsafe_message("the event's `source`", s.trim(), "the event is left out"),
                "give a citation key or an https URL",
            )
        }
        Some(Some(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(_) => {
            return fail("an event's `source` must be a citation key or a URL".into(), "write e.g. `source: mnd-2025`")
        }
        None => None,
    };
    let mut terms = BTreeMap::new();
    let mut unknown = Vec::new();
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        if EVENT_KEYS.contains(&key) {
            continue;
        }
        if config.taxonomies.iter().any(|t| t.name == key) {
            match text_list(value) {
                Some(list) => {
                    terms.insert(
                        key.to_string(),
                        list.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
                    );
                }
                None => {
                    return fail(
                        format!("the event's `{key}` must be a list of terms, not {}", kind(value)),
                        &format!("write `{key}: [OPCON transfer]`"),
                    )
                }
            }
            continue;
        }
        let known = EVENT_KEYS.iter().copied().chain(config.taxonomies.iter().map(|t| t.name.as_str()));
        let help = match crate::suggest::closest(key, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("an event has {} and the taxonomies' names", EVENT_KEYS.join(", ")),
        };
        unknown.push(FieldError {
            code: Code::UnknownKey,
            message: format!("unknown event key `{key}` is ignored"),
            help: Some(help),
            span: span.clone(),
            warning: true,
        });
    }
    problems.extend(unknown);
    Some(EventEntry { id, date, end, titles, planned, terms, source })
}
