//! Splits a brief into its front-matter (YAML between `---` lines, or TOML between `+++` lines)
//! and Markdown body, and turns the front-matter into a typed `FrontMatter`. Every error is
//! positioned in the file, not just inside the block. Strict where a value is a mistake (a bad
//! date), forgiving where it is another tool's habit (no title, an empty key, `draft: "true"`).
//!
//! `parse` here reads each top-level key; the submodules hold the rest: `types` the typed result,
//! `block` finding the block and reading its YAML, `keys` the keys each kind of file may hold,
//! `events` and `record` the keys with nested values, `value` lenient reading of a value, and
//! `error` the positioned problem.

mod block;
mod error;
mod events;
mod keys;
mod record;
mod types;
mod value;

pub use crate::date::Date;
pub use block::{split, Split, MAX_FRONT_MATTER_BYTES, MAX_NESTING};
pub use error::FieldError;
pub use types::{Change, EventEntry, FileKind, FrontMatter, Lifecycle, RecordFields, Source, Spanned};

use block::{check_limits, parse_yaml, unclosed_quote};
use error::{error, first_char, unsafe_url};
use events::{event_entry, item_starts};
use keys::{foreign_key_help, KNOWN_KEYS, RECORD_KEYS};
use record::record_key;
use value::{boolean, describe, kind, scalar_text, text_list};

use crate::config::SiteConfig;
use crate::date::Period;
use crate::diagnostics::Code;
use crate::yaml::{self, KeySpans, Value};

/// Parses the front-matter block of `text` (found by `split`) into `FrontMatter`. Problems come
/// back as a list: errors make the brief unusable; warnings (`warning: true`) do not. A file
/// without front-matter has an empty one.
pub fn parse(
    text: &str,
    split: &Split,
    config: &SiteConfig,
    file_kind: FileKind,
) -> (Option<FrontMatter>, Vec<FieldError>) {
    let mut problems = Vec::new();
    let block = &text[split.yaml.clone()];
    let empty =
        FrontMatter { record: (file_kind == FileKind::Record).then(RecordFields::default), ..FrontMatter::default() };
    if !split.has_front_matter || block.trim().is_empty() {
        return (Some(empty), problems);
    }
    if let Some(problem) = check_limits(text, &split.yaml) {
        problems.push(problem);
        return (None, problems);
    }
    let (mapping, keys) = if split.toml {
        match crate::toml_front::parse(text, &split.yaml) {
            Ok(parsed) => parsed,
            Err(e) => {
                let quote =
                    unclosed_quote(block).map(|i| split.yaml.start + i).filter(|_| e.message.contains("string"));
                let span = match quote {
                    Some(at) => first_char(text, at),
                    None if e.span.is_empty() => first_char(text, e.span.start.min(text.len())),
                    None => e.span,
                };
                let message = match quote {
                    Some(_) => "the front-matter is not valid TOML: the quoted text opened here is never closed".into(),
                    None => format!("the front-matter is not valid TOML: {}", e.message),
                };
                let help = "write `key = \"text\"` lines; quote text, and write lists as `[\"a\", \"b\"]`";
                problems.push(error(Code::Toml, &message, Some(help), span));
                return (None, problems);
            }
        }
    } else {
        match parse_yaml(text, &split.yaml) {
            Ok(mapping) => (mapping, KeySpans::scan(text, &split.yaml)),
            Err(problem) => {
                problems.push(problem);
                return (None, problems);
            }
        }
    };
    let mut fm = empty;
    let mut ok = true;
    let span_of = |key: &str| keys.value(key).unwrap_or(split.yaml.start..split.yaml.start);
    let mut description = None;

    for (key, mut value) in mapping {
        let Some(key) = key.as_str().map(str::to_owned) else {
            continue;
        };
        let span = span_of(&key);
        if let Some(c) = yaml::clean_strings(&mut value) {
            problems.push(FieldError {
                code: Code::ForbiddenCharacter,
                message: format!(
                    "`{key}` holds U+{:04X}, which cannot appear in a web page or feed; it is shown as U+FFFD",
                    c as u32
                ),
                help: Some("remove the escape sequence that writes it".into()),
                span: span.clone(),
                warning: true,
            });
        }
        let known = match file_kind {
            FileKind::Brief => KNOWN_KEYS.contains(&key.as_str()) || config.taxonomies.iter().any(|t| t.name == key),
            FileKind::Record => RECORD_KEYS.contains(&key.as_str()),
        };
        // A key written with no value is as if it were absent: other tools leave `draft:` or
        // `topics:` empty in their templates.
        let blank = matches!(&value, Value::String(s) if s.trim().is_empty());
        if (value.is_null() || blank) && known {
            continue;
        }
        let mut fail = |code: Code, message: String, help: &str| {
            problems.push(error(code, &message, Some(help), span.clone()));
            false
        };
        let record = fm.record.as_mut();
        match if known { key.as_str() } else { "" } {
            "names" | "aka" | "type" | "wikidata" | "part_of" | "affiliation" => {
                let Some(record) = record else { continue };
                ok &= record_key(record, &key, &value, &span, &mut problems);
            }
            "title" => match scalar_text(&value) {
                Some(t) => fm.title = t.trim().to_string(),
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`title` must be text, not {}", kind(&value)),
                        "write `title: Your title`",
                    )
                }
            },
            "events" => match value {
                Value::Sequence(items) => {
                    let starts = item_starts(text, &span, items.len());
                    for (i, item) in items.iter().enumerate() {
                        let at = starts.get(i).cloned().unwrap_or(span.clone());
                        match event_entry(item, config, &at, &mut problems) {
                            Some(event) => fm.events.push(Spanned { value: event, span: at }),
                            None => ok = false,
                        }
                    }
                }
                _ => {
                    ok = fail(
                        Code::BadEvent,
                        format!("`events` must be a list of events, not {}", kind(&value)),
                        "write each event as `- date: 2014-10-23` with `title: ...` beneath it",
                    )
                }
            },
            "supersedes" => match text_list(&value) {
                Some(list) => {
                    let list = list.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
                    fm.lifecycle.supersedes = list.map(|value| Spanned { value, span: span.clone() }).collect();
                }
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`supersedes` must be a list of briefs, not {}", kind(&value)),
                        "name the briefs this one replaces, e.g. `supersedes: [opcon-transfer-2019]`",
                    )
                }
            },
            "reviewed" | "review_by" => match scalar_text(&value).and_then(|t| Date::parse(&t, config.timezone)) {
                Some(d) if key == "reviewed" => fm.lifecycle.reviewed = Some(d),
                Some(d) => fm.lifecycle.review_by = Some(Spanned { value: d, span: span.clone() }),
                None => {
                    ok = fail(
                        Code::BadDate,
                        format!("`{key}: {}` is not a valid date", describe(&value).trim_matches('`')),
                        crate::date::ACCEPTED,
                    )
                }
            },
            "review_every" => match scalar_text(&value).and_then(|t| Period::parse(&t)) {
                Some(p) => fm.lifecycle.review_every = Some(Spanned { value: p, span: span.clone() }),
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`review_every: {}` is not a period", describe(&value).trim_matches('`')),
                        crate::date::PERIOD_ACCEPTED,
                    )
                }
            },
            "changes" => match changes(&value, config) {
                Ok(list) => fm.lifecycle.changes = list,
                Err(message) => {
                    ok = fail(
                        Code::WrongType,
                        message,
                        "write each change as `- date: 2025-11-20` with `note: What changed` beneath it",
                    )
                }
            },
            "date" | "updated" | "translated_from" => match scalar_text(&value) {
                Some(t) => match Date::parse(&t, config.timezone) {
                    Some(d) if key == "date" => fm.date = Some(d),
                    Some(d) if key == "updated" => fm.updated = Some(d),
                    Some(d) => fm.translated_from = Some(Spanned { value: d, span: span.clone() }),
                    None => ok = fail(Code::BadDate, format!("`{t}` is not a valid date"), crate::date::ACCEPTED),
                },
                None => ok = fail(Code::BadDate, format!("`{key}` must be a date"), crate::date::ACCEPTED),
            },
            "translation_of" => match scalar_text(&value).map(|t| t.trim().to_string()) {
                Some(t) if !t.is_empty() => fm.translation_of = Some(Spanned { value: t, span: span.clone() }),
                _ => {
                    ok = fail(
                        Code::WrongType,
                        format!("`translation_of` must name a brief, not {}", kind(&value)),
                        "write the original's name as in a wikilink, e.g. `translation_of: opcon-transfer`",
                    )
                }
            },
            "summary" | "description" | "status" | "image" | "lang" => match scalar_text(&value) {
                Some(t) => match key.as_str() {
                    "summary" => fm.summary = Some(t),
                    "description" => description = Some(t),
                    "status" => fm.status = Some(t),
                    "image" if t.contains(['#', '?']) || t.ends_with(".md") || t.ends_with(".markdown") => {
                        ok = fail(
                            Code::WrongType,
                            format!("`image: {t}` is not the path or URL of an image file"),
                            "write the path of an image, relative to the brief (`map.png`), or its URL",
                        )
                    }
                    "image" if crate::scheme::is_unsafe(&t) => {
                        let message = crate::scheme::unsafe_message("`image`", &t, "it is left out");
                        problems.push(unsafe_url(text, &span, &t, message));
                    }
                    "image" => fm.image = Some(Spanned { value: t, span: span.clone() }),
                    _ => fm.lang = Some(t),
                },
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`{key}` must be text, not {}", kind(&value)),
                        "write a single line of text",
                    )
                }
            },
            "authors" => match text_list(&value) {
                Some(list) => {
                    // Authors are also a taxonomy, when the site has one of that name.
                    if config.taxonomies.iter().any(|t| t.name == "authors") {
                        let terms = list.iter().map(|value| Spanned { value: value.clone(), span: span.clone() });
                        fm.terms.insert(key.clone(), terms.collect());
                    }
                    fm.authors = list
                }
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`authors` must be a list of names, not {}", kind(&value)),
                        "write `authors: [Name One, Name Two]`",
                    )
                }
            },
            "draft" => match boolean(&value) {
                Some(b) => fm.draft = b,
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`draft` must be true or false, not {}", describe(&value)),
                        "write `draft: true` or `draft: false`",
                    )
                }
            },
            "slug" => match scalar_text(&value) {
                Some(s) if s.contains(['/', '\\']) || s.contains("..") => {
                    ok = fail(
                        Code::BadSlug,
                        format!("`slug: {s}` may not hold `/`, `\\` or `..`"),
                        "a slug replaces only the last segment of the URL; set `permalink:` for a whole path",
                    )
                }
                Some(s) if crate::slug::slugify(&s).is_empty() => {
                    ok = fail(
                        Code::BadSlug,
                        format!("`slug: {s}` has no letters or digits"),
                        "use a slug such as `opcon-transfer`",
                    )
                }
                Some(s) => fm.slug = Some(Spanned { value: crate::slug::slugify(&s), span: span.clone() }),
                None => ok = fail(Code::WrongType, "`slug` must be text".into(), "write `slug: opcon-transfer`"),
            },
            "url" | "permalink" => match scalar_text(&value) {
                Some(p) if !p.trim().is_empty() => {
                    fm.permalink = Some(Spanned { value: p.trim().to_string(), span: span.clone() })
                }
                _ => {
                    ok = fail(
                        Code::WrongType,
                        format!("`{key}` must be a URL path, not {}", describe(&value)),
                        &format!("write e.g. `{key}: /briefs/opcon-transfer/`"),
                    )
                }
            },
            "weight" => match value.as_i64() {
                Some(w) => fm.weight = Some(w),
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`weight` must be a whole number, not {}", describe(&value)),
                        "write e.g. `weight: 10`",
                    )
                }
            },
            "sources" => match yaml::from_value::<Option<Vec<Source>>>(value.clone()) {
                Ok(list) => {
                    fm.sources = list.unwrap_or_default();
                    for source in fm.sources.iter_mut() {
                        if crate::scheme::is_unsafe(&source.url) {
                            let message =
                                crate::scheme::unsafe_message("the source URL", &source.url, "it is written as `#`");
                            problems.push(unsafe_url(text, &span, &source.url, message));
                            source.url = crate::scheme::REPLACEMENT.to_string();
                        }
                        if let Some(archived) = source.archived.as_mut().filter(|a| crate::scheme::is_unsafe(a)) {
                            let message =
                                crate::scheme::unsafe_message("the archived copy's URL", archived, "it is left out");
                            problems.push(unsafe_url(text, &span, archived, message));
                            source.archived = None;
                        }
                    }
                }
                Err(e) => {
                    ok = fail(
                        Code::WrongType,
                        format!(
                            "`sources` must be a list of `{{title, url, author, publisher, date, key, archived}}` entries: {}",
                            e.message
                        ),
                        "write each source as `- title: ...` with `url: ...` beneath it",
                    )
                }
            },
            "related" | "aliases" => match text_list(&value) {
                Some(list) => {
                    let list = list.into_iter().map(|value| Spanned { value, span: span.clone() });
                    if key == "related" {
                        fm.related = list.collect()
                    } else {
                        // `/old/url/` is an old URL; any other entry is another name.
                        (fm.aliases, fm.names) = list.partition(|a| a.value.trim_start().starts_with('/'));
                    }
                }
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`{key}` must be a list, not {}", kind(&value)),
                        "write e.g. `[opcon-transfer, usfk-role]`",
                    )
                }
            },
            "extra" => fm.extra = Some(value),
            name if config.taxonomies.iter().any(|t| t.name == name) => match text_list(&value) {
                Some(mut list) => {
                    // `topics: "A, B"` is one string: read as the terms it lists, with the fix.
                    if let (Value::String(one), [_]) = (&value, &list[..]) {
                        if one.contains(',') {
                            list = one.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect();
                            problems.push(FieldError {
                                code: Code::TermList,
                                message: format!(
                                    "`{key}: {one}` is one text holding commas; it is read as {} terms",
                                    list.len()
                                ),
                                help: Some(format!(
                                    "write a list, `{key}: [{}]` (or `{key}: [\"{one}\"]` for one term with a comma)",
                                    list.join(", ")
                                )),
                                span: span.clone(),
                                warning: true,
                            });
                        }
                    }
                    let list = list.into_iter().map(|value| Spanned { value, span: span.clone() }).collect();
                    fm.terms.insert(key.clone(), list);
                }
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`{key}` must be a list of terms or a single term, not {}", kind(&value)),
                        &format!("write `{key}: [OPCON transfer, USFK]`"),
                    )
                }
            },
            _ => {
                let known: Vec<&str> = match file_kind {
                    FileKind::Brief => {
                        KNOWN_KEYS.iter().copied().chain(config.taxonomies.iter().map(|t| t.name.as_str())).collect()
                    }
                    FileKind::Record => RECORD_KEYS.to_vec(),
                };
                let help = match (foreign_key_help(&key), crate::suggest::closest(&key, known.iter().copied())) {
                    (Some(help), _) => help,
                    (None, Some(s)) => format!("did you mean `{s}`?"),
                    (None, None) => "it is kept out of the page; `extra:` holds data for templates".to_string(),
                };
                let key_span = keys.key(&key).unwrap_or(span.clone());
                problems.push(FieldError {
                    code: Code::UnknownKey,
                    message: format!("unknown front-matter key `{key}` is ignored"),
                    help: Some(help),
                    span: key_span,
                    warning: true,
                });
            }
        }
    }
    if fm.summary.is_none() {
        fm.summary = description;
    }
    (ok.then_some(fm), problems)
}

/// A corrections log: `- {date, note}` entries.
fn changes(value: &Value, config: &SiteConfig) -> Result<Vec<Change>, String> {
    let Value::Sequence(items) = value else {
        return Err(format!("`changes` must be a list of `{{date, note}}` entries, not {}", kind(value)));
    };
    let mut list = Vec::new();
    for item in items {
        let Value::Mapping(map) = item else {
            return Err(format!("each of `changes` must be a `{{date, note}}` entry, not {}", kind(item)));
        };
        let date = map.get("date").and_then(scalar_text).and_then(|t| Date::parse(&t, config.timezone));
        let note = map.get("note").and_then(scalar_text).map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        match (date, note) {
            (Some(date), Some(note)) => list.push(Change { date, note }),
            (None, _) => return Err("each of `changes` needs a `date` (e.g. `2025-11-20`)".into()),
            (_, None) => return Err("each of `changes` needs a `note` saying what changed".into()),
        }
    }
    list.sort_by_key(|c| std::cmp::Reverse(c.date));
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Option<FrontMatter>, Vec<FieldError>) {
        let split = split(text).unwrap();
        parse(text, &split, &SiteConfig::default(), FileKind::Brief)
    }

    #[test]
    fn terms_accept_a_list_or_a_single_string() {
        let (fm, _) = parse_text("---\ntitle: A\ntopics: OPCON\nactors: [USFK, ROK]\n---\n");
        let fm = fm.unwrap();
        assert_eq!(fm.terms["topics"].iter().map(|s| s.value.as_str()).collect::<Vec<_>>(), ["OPCON"]);
        assert_eq!(fm.terms["actors"].len(), 2);
    }

    #[test]
    fn bad_values_are_positioned_at_the_value() {
        let text = "---\ntitle: A\ndate: 2025-13-45\ndraft: maybe\n---\n";
        let (fm, problems) = parse_text(text);
        assert!(fm.is_none());
        assert_eq!(&text[problems[0].span.clone()], "2025-13-45");
        assert_eq!(&text[problems[1].span.clone()], "maybe");
    }

    #[test]
    fn spans_never_cut_a_character() {
        for text in ["---\n전\n---\n", "---\u{a0}\u{a0}\nfoo: bar\n---\n", "\u{feff}---\nfoo: 1\n---\n"] {
            let split = split(text).unwrap();
            let (_, problems) = parse(text, &split, &SiteConfig::default(), FileKind::Brief);
            assert!(!problems.is_empty(), "{text:?}");
            for p in problems {
                assert!(text.get(p.span.clone()).is_some(), "{text:?}: {:?}", p.span);
            }
        }
    }

    #[test]
    fn deep_nesting_and_huge_front_matter_are_refused_before_parsing() {
        let deep = format!("---\ntitle: A\nextra: {}1{}\n---\n", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let (fm, problems) = parse_text(&deep);
        assert!(fm.is_none());
        assert_eq!(problems[0].code, Code::TooLarge);
        assert_eq!(&deep[problems[0].span.clone()], "[");
        assert!(started.elapsed().as_secs() < 2, "refused without parsing");
        // Brackets inside quotes are text.
        let quoted = format!("---\ntitle: \"{}\"\n---\n", "[".repeat(100));
        assert!(parse_text(&quoted).0.is_some());
        let huge = format!("---\ntitle: A\nsummary: {}\n---\n", "x".repeat(MAX_FRONT_MATTER_BYTES));
        let (fm, problems) = parse_text(&huge);
        assert!(fm.is_none());
        assert!(problems[0].message.contains("KiB"), "{:?}", problems[0]);
    }

    #[test]
    fn other_tools_habits_are_accepted() {
        let text = "---\ntitle:\ndraft: \"True\"\ntopics:\nsummary: ~\ndescription: From Hugo\naliases: [Other name, /old/]\nurl: /x/\n---\n";
        let (fm, problems) = parse_text(text);
        assert!(problems.is_empty(), "{problems:?}");
        let fm = fm.unwrap();
        assert_eq!((fm.title.as_str(), fm.draft), ("", true));
        assert_eq!(fm.summary.as_deref(), Some("From Hugo"));
        assert_eq!(fm.names.iter().map(|n| n.value.as_str()).collect::<Vec<_>>(), ["Other name"]);
        assert_eq!(fm.aliases.iter().map(|n| n.value.as_str()).collect::<Vec<_>>(), ["/old/"]);
        assert_eq!(fm.permalink.map(|p| p.value).as_deref(), Some("/x/"));
        let (fm, problems) = parse_text("+++\ntitle = \"T\"\ndraft = true\ndate = 2025-11-04\n+++\nbody\n");
        assert!(problems.is_empty(), "{problems:?}");
        let fm = fm.unwrap();
        assert_eq!((fm.title.as_str(), fm.draft, fm.date.unwrap().ymd()), ("T", true, "2025-11-04".to_string()));
    }

    #[test]
    fn a_list_in_one_string_is_split_with_a_warning() {
        let (fm, problems) = parse_text("---\ntopics: \"A, B,\"\nactors: [\"Korea, Republic of\"]\n---\n");
        let fm = fm.unwrap();
        assert_eq!(fm.terms["topics"].iter().map(|t| t.value.as_str()).collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(fm.terms["actors"].len(), 1, "a list holding a comma is one term");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, Code::TermList);
    }

    #[test]
    fn unknown_key_is_a_warning_with_a_suggestion() {
        let text = "---\ntitle: A\ntopcs: [x]\n---\n";
        let (fm, problems) = parse_text(text);
        assert!(fm.is_some());
        assert!(problems[0].warning);
        assert_eq!(problems[0].help.as_deref(), Some("did you mean `topics`?"));
        assert_eq!(&text[problems[0].span.clone()], "topcs");
    }
}
