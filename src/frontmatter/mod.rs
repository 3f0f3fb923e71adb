//! Splits a brief into its front-matter (YAML between `---` lines, or TOML between `+++` lines)
//! and Markdown body, and turns the front-matter into a typed `FrontMatter`. Every error is
//! positioned in the file, not just inside the block. Strict where a value is a mistake (a bad
//! date), forgiving where it is another tool's habit (no title, an empty key, `draft: "true"`).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::config::SiteConfig;
pub use crate::date::Date;
use crate::date::{PartialDate, Period};
use crate::diagnostics::Code;
use crate::yaml::{self, KeySpans, Mapping, Value};

/// A problem found in the front-matter, positioned as a byte span in the whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    pub span: Range<usize>,
    pub warning: bool,
}

/// The front-matter and body of one file, as byte ranges of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The text between the opening and closing lines (empty when the file has no front-matter).
    pub yaml: Range<usize>,
    pub body: Range<usize>,
    pub has_front_matter: bool,
    /// Whether the block is TOML (`+++`) rather than YAML (`---`).
    pub toml: bool,
}

/// Finds the front-matter block: the file's first line decides its language, `---` for YAML and
/// `+++` for TOML. A UTF-8 BOM and CRLF line endings are accepted.
pub fn split(text: &str) -> Result<Split, FieldError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let fence = rest[..first_line_end].trim_end();
    if fence != "---" && fence != "+++" {
        return Ok(Split { yaml: start..start, body: start..text.len(), has_front_matter: false, toml: false });
    }
    let toml = fence == "+++";
    let yaml_start = start + first_line_end;
    let mut line_start = yaml_start;
    while line_start < text.len() {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i + 1);
        let line = text[line_start..line_end].trim_end();
        if line == fence || (!toml && line == "...") {
            let (yaml, body) = (yaml_start..line_start, line_end..text.len());
            return Ok(Split { yaml, body, has_front_matter: true, toml });
        }
        line_start = line_end;
    }
    Err(FieldError {
        code: Code::FrontMatter,
        message: "the front-matter block opened here is never closed".into(),
        help: Some(format!("end the front-matter with a line holding only `{fence}`")),
        span: start..start + 3,
        warning: false,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The key citations use (`[@mnd-2025-press]`); derived from the other fields when absent.
    #[serde(default)]
    pub key: Option<String>,
    pub title: String,
    #[serde(default)]
    pub url: String,
    /// The people or institution who wrote it: one name or a list.
    #[serde(default, alias = "author", deserialize_with = "one_or_many")]
    pub authors: Vec<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default, deserialize_with = "text_or_date")]
    pub date: Option<String>,
    /// An archived copy's URL (the Wayback Machine's), shown beside the link.
    #[serde(default)]
    pub archived: Option<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar_text).collect(),
        Some(other) => scalar_text(&other).into_iter().collect(),
    })
}

fn text_or_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(value.and_then(|v| scalar_text(&v)))
}

/// A front-matter value together with where it was written. It hashes as its value: where it
/// was written matters to messages only, and a value moved by an edit above it is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct FrontMatter {
    /// Empty when not written: `parse::parse_file` then takes the body's first heading or the
    /// file name.
    pub title: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    /// `summary:`, else `description:` (Hugo, Jekyll).
    pub summary: Option<String>,
    /// Taxonomy name → the labels written, in order.
    pub terms: BTreeMap<String, Vec<Spanned<String>>>,
    pub authors: Vec<String>,
    pub status: Option<String>,
    pub draft: bool,
    pub slug: Option<Spanned<String>>,
    pub weight: Option<i64>,
    pub sources: Vec<Source>,
    pub related: Vec<Spanned<String>>,
    /// Old URLs of the brief: the `aliases` entries that start with `/`.
    pub aliases: Vec<Spanned<String>>,
    /// Other names of the brief, which wikilinks may use: the `aliases` entries that do not start
    /// with `/` (as Obsidian writes them).
    pub names: Vec<Spanned<String>>,
    /// The page's whole path under the base path: `permalink:` (Jekyll) or `url:` (Hugo).
    pub permalink: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub lang: Option<String>,
    /// The brief this one translates, named as a wikilink would (`translation_of: opcon-transfer`),
    /// for a translation whose file is not `x.<code>.md` beside `x.md`.
    pub translation_of: Option<Spanned<String>>,
    /// The original's `updated` (or `date`) when this translation was made.
    pub translated_from: Option<Spanned<Date>>,
    pub extra: Option<Value>,
    /// What happened, as this brief states it (`events:`).
    pub events: Vec<Spanned<EventEntry>>,
    /// Supersession, review and corrections.
    pub lifecycle: Lifecycle,
    /// What a term record (`content/<taxonomy>/<id>.md`) says of its term.
    pub record: Option<RecordFields>,
}

/// One event as a brief states it.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct EventEntry {
    /// Names the event where several briefs state it.
    pub id: Option<String>,
    pub date: PartialDate,
    pub end: Option<PartialDate>,
    /// Its title per language; `None`: the brief's own language.
    pub titles: Vec<(Option<String>, String)>,
    /// Scheduled, not yet happened.
    pub planned: bool,
    /// Per taxonomy, the terms written; a taxonomy not written takes the brief's terms.
    pub terms: BTreeMap<String, Vec<String>>,
    /// A citation key or a URL.
    pub source: Option<String>,
}

/// What a brief says of its own life: what it replaces, when it was reviewed and is due again,
/// and what was corrected.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct Lifecycle {
    /// The briefs this one replaces, named as a wikilink names them.
    pub supersedes: Vec<Spanned<String>>,
    pub reviewed: Option<Date>,
    pub review_by: Option<Spanned<Date>>,
    pub review_every: Option<Spanned<Period>>,
    pub changes: Vec<Change>,
}

/// One entry of a corrections log.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Change {
    pub date: Date,
    pub note: String,
}

/// The keys of an event.
const EVENT_KEYS: &[&str] = &["date", "title", "id", "end", "planned", "source"];

/// The keys of a term record besides `title` and `summary`.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct RecordFields {
    /// The term's name per language (`{ko: 주한미군}`), in the order written.
    pub names: Vec<(String, Spanned<String>)>,
    /// Other spellings that mean this term.
    pub aka: Vec<Spanned<String>>,
    /// What it is: organization, person, agreement, concept, place…
    pub kind: Option<String>,
    /// A Wikidata item id (`Q…`).
    pub wikidata: Option<String>,
    /// Ids of broader terms of the same taxonomy.
    pub part_of: Vec<Spanned<String>>,
    /// A person's affiliation.
    pub affiliation: Option<String>,
}

/// What a Markdown file is, which decides the keys its front-matter may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Brief,
    /// A term record: `content/<taxonomy>/<id>.md`.
    Record,
}

const RECORD_KEYS: &[&str] = &[
    "title",
    "summary",
    "description",
    "names",
    "aka",
    "type",
    "wikidata",
    "part_of",
    "affiliation",
    "image",
    "extra",
];

const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "description",
    "authors",
    "status",
    "draft",
    "slug",
    "weight",
    "sources",
    "related",
    "aliases",
    "url",
    "permalink",
    "image",
    "lang",
    "translation_of",
    "translated_from",
    "extra",
    "events",
    "supersedes",
    "reviewed",
    "review_by",
    "review_every",
    "changes",
];

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

/// Where each item of a block list starts within `span` (`- ` at the list's indentation), for
/// messages about one item; empty when the list is not written as a block of `n` items.
fn item_starts(text: &str, span: &Range<usize>, n: usize) -> Vec<Range<usize>> {
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
fn event_entry(
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

/// Reads one of the keys only a term record has; false when its value is wrong.
fn record_key(
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

/// What to say of a key other tools write (Obsidian, Hugo, Jekyll, Zola, Dendron, Foam).
fn foreign_key_help(key: &str) -> Option<String> {
    Some(match key {
        "lastmod" | "modified" | "last_modified_at" | "last-modified" => format!("briefing calls `{key}` `updated`"),
        "author" => "briefing calls this `authors`, a list: `authors: [Name]`".into(),
        "tags" | "categories" | "category" | "keywords" | "series" => {
            format!("to group briefs by `{key}`, add `{key}` to `taxonomies:` in site.yaml")
        }
        "id" | "uid" | "created" | "desc" | "layout" | "cssclass" | "cssclasses" | "publish" | "type" | "toc"
        | "comments" | "menu" | "sitemap" | "math" | "excerpt" | "redirect_from" | "publishdate" | "expirydate"
        | "template" => format!("`{key}` is another tool's key; briefing does not use it"),
        _ => return None,
    })
}

/// Parses a YAML block into its mapping, or the positioned problem.
fn parse_yaml(text: &str, block: &Range<usize>) -> Result<Mapping, FieldError> {
    let yaml_text = &text[block.clone()];
    match yaml::parse::<Value>(yaml_text) {
        Ok(Value::Mapping(m)) => Ok(m),
        Ok(Value::Null) => Ok(Mapping::new()),
        Ok(_) => Err(error(
            Code::FrontMatter,
            "the front-matter must be a list of `key: value` lines",
            Some("write e.g. `title: Accelerating OPCON transfer`"),
            first_char(text, block.start),
        )),
        Err(e) => {
            let index = crate::diagnostics::LineIndex::new(yaml_text);
            let offset = match (e.line, e.column) {
                (Some(l), Some(c)) => index.offset(yaml_text, l, c),
                _ => 0,
            };
            // libyaml reports a construct left open (`[a, b`, `"text`) at the end of the block:
            // point at the quote that opened it, or the last character written.
            let written = yaml_text.trim_end().len();
            let offset = if offset >= written {
                unclosed_quote(yaml_text)
                    .unwrap_or_else(|| yaml_text[..written].char_indices().last().map_or(0, |(i, _)| i))
            } else {
                offset
            };
            let at = block.start + offset;
            let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i).max(at + 1).min(text.len());
            let at_quote = text[at..].starts_with(['"', '\'']);
            let help = if at_quote {
                "end it with the same quote on this line, or quote the whole value with the other kind of quote"
            } else {
                "check indentation, and quote values that hold `: ` or start with `[`, `{`, `*` or `&`"
            };
            let message = if at_quote {
                "the front-matter is not valid YAML: the quoted text opened here is never closed".to_string()
            } else {
                format!("the front-matter is not valid YAML: {}", e.message)
            };
            Err(error(Code::Yaml, &message, Some(help), at..end))
        }
    }
}

/// The offset of the first quote in `block` (YAML or TOML) that opens a value and is not closed
/// on its line: where to point when the parser only noticed at the end of the block.
fn unclosed_quote(block: &str) -> Option<usize> {
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        let mut open: Option<(usize, char)> = None;
        let mut previous = None;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match open {
                Some((_, '"')) if c == '\\' => {
                    chars.next();
                }
                Some((_, q)) if c == q => {
                    // YAML writes a single quote inside single quotes as two.
                    if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        open = None;
                    }
                }
                Some(_) => {}
                None if matches!(c, '"' | '\'')
                    && matches!(previous, None | Some(':' | '-' | '[' | ',' | '{' | '=')) =>
                {
                    open = Some((i, c))
                }
                None if c == '#' && previous.is_none_or(|p: char| p.is_whitespace()) => break,
                None => {}
            }
            if !c.is_whitespace() {
                previous = Some(c);
            }
        }
        if let Some((i, _)) = open {
            return Some(offset + i);
        }
        offset += line.len();
    }
    None
}

/// `true`/`false`, also written as text in any case (`"true"`, `False`).
fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Value::Tagged(t) => boolean(&t.value),
        _ => None,
    }
}

/// Front-matter larger than this is not parsed: no brief's metadata comes near it.
pub const MAX_FRONT_MATTER_BYTES: usize = 256 * 1024;
/// Deeper `[` / `{` nesting is not parsed: the YAML scanner's time grows with the square of it.
pub const MAX_NESTING: usize = 32;

/// Refuses front-matter whose size or flow nesting would make parsing slow, before parsing it.
fn check_limits(text: &str, yaml: &Range<usize>) -> Option<FieldError> {
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        return Some(error(
            Code::TooLarge,
            &format!(
                "the front-matter is {} KiB; at most {} KiB is read",
                yaml.len() / 1024,
                MAX_FRONT_MATTER_BYTES / 1024
            ),
            Some("move long text into the body of the brief"),
            first_char(text, yaml.start),
        ));
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (i, b) in text.as_bytes()[yaml.clone()].iter().enumerate() {
        match (quote, *b) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(*b),
            (None, b'\n') => quote = None,
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    let at = yaml.start + i;
                    return Some(error(
                        Code::TooLarge,
                        &format!("the front-matter nests lists or maps more than {MAX_NESTING} deep"),
                        Some("flatten the value; front-matter values are text, lists and small maps"),
                        at..at + 1,
                    ));
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The span of the character at `at` (empty at the end of the text).
/// The warning for an unsafe URL of a key's value: at the URL's text when it is written as is
/// inside the value (a source's `url:` line), else at the whole value.
fn unsafe_url(text: &str, value: &Range<usize>, url: &str, message: String) -> FieldError {
    let written = text.get(value.clone()).unwrap_or("");
    let needle = url.trim();
    let span = match written.find(needle).filter(|_| !needle.is_empty()) {
        Some(i) => value.start + i..value.start + i + needle.len(),
        None => value.clone(),
    };
    FieldError { code: Code::UnsafeUrl, message, help: Some(crate::scheme::UNSAFE_HELP.into()), span, warning: true }
}

fn first_char(text: &str, at: usize) -> Range<usize> {
    at..text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

fn error(code: Code, message: &str, help: Option<&str>, span: Range<usize>) -> FieldError {
    FieldError { code, message: message.into(), help: help.map(Into::into), span, warning: false }
}

/// Text of a scalar (strings, numbers, booleans); `None` for maps, lists and null.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

/// A list of texts, or a single text as a list of one; null is an empty list.
fn text_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Sequence(items) => items.iter().map(scalar_text).collect(),
        other => scalar_text(other).map(|t| vec![t]),
    }
}

fn kind(value: &Value) -> &'static str {
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

fn describe(value: &Value) -> String {
    match scalar_text(value) {
        Some(t) => format!("`{t}`"),
        None => kind(value).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Option<FrontMatter>, Vec<FieldError>) {
        let split = split(text).unwrap();
        parse(text, &split, &SiteConfig::default(), FileKind::Brief)
    }

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n";
        let s = split(text).unwrap();
        assert_eq!(&text[s.yaml.clone()], "title: A\r\n");
        assert_eq!(&text[s.body.clone()], "Body\r\n");
        let (fm, problems) = parse(text, &s, &SiteConfig::default(), FileKind::Brief);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fm.unwrap().title, "A");
    }

    #[test]
    fn unclosed_block_is_an_error() {
        let err = split("---\ntitle: A\nbody\n").unwrap_err();
        assert!(err.message.contains("never closed"));
        assert_eq!(err.span, 0..3);
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
    fn unclosed_quotes_are_found_where_they_open() {
        assert_eq!(unclosed_quote("a: b\ntitle: \"x\nc: d\n"), Some(12));
        assert_eq!(unclosed_quote("title: \"a \\\" b\"\nd: 'it''s'\n"), None);
        assert_eq!(unclosed_quote("list:\n  - 'open\n"), Some(10));
        assert_eq!(unclosed_quote("topics: [\"a, b]\n"), Some(9));
        assert_eq!(unclosed_quote("title = \"x\ndate = 2025-01-01\n"), Some(8));
        assert_eq!(unclosed_quote("title: it's fine # 'not a quote\n"), None);
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
