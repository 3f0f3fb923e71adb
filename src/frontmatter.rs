//! Splits a brief into its YAML front-matter and Markdown body, and turns the YAML into a typed
//! `FrontMatter`. Every error is positioned in the file, not just inside the YAML block.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::config::TaxonomyConfig;
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
    /// The YAML between the `---` lines (empty when the file has no front-matter).
    pub yaml: Range<usize>,
    pub body: Range<usize>,
    pub has_front_matter: bool,
}

/// Finds the front-matter block. A UTF-8 BOM and CRLF line endings are accepted.
pub fn split(text: &str) -> Result<Split, FieldError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "---" {
        return Ok(Split { yaml: start..start, body: start..text.len(), has_front_matter: false });
    }
    let yaml_start = start + first_line_end;
    let mut line_start = yaml_start;
    while line_start < text.len() {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i + 1);
        let line = text[line_start..line_end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split { yaml: yaml_start..line_start, body: line_end..text.len(), has_front_matter: true });
        }
        line_start = line_end;
    }
    Err(FieldError {
        code: Code::FrontMatter,
        message: "the front-matter block opened here is never closed".into(),
        help: Some("end the front-matter with a line holding only `---`".into()),
        span: start..start + 3,
        warning: false,
    })
}

/// A date as written: `2025-11-04` or an RFC 3339 timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub datetime: DateTime<FixedOffset>,
    pub has_time: bool,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            let datetime = d.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset();
            return Some(Date { datetime, has_time: false });
        }
        DateTime::parse_from_rfc3339(text).ok().map(|datetime| Date { datetime, has_time: true })
    }

    /// `2025-11-04`
    pub fn ymd(&self) -> String {
        let d = self.datetime;
        // Written by hand: chrono's format strings are parsed on every call, once per card and page.
        if (0..=9999).contains(&d.year()) {
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    }

    /// RFC 3339, for `<time datetime>`, feeds and sitemaps.
    pub fn rfc3339(&self) -> String {
        self.datetime.to_rfc3339()
    }

    /// `4 November 2025`
    pub fn display(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let d = self.datetime;
        if (0..=9999).contains(&d.year()) {
            format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
        } else {
            d.format("%-d %B %Y").to_string()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default, deserialize_with = "text_or_date")]
    pub date: Option<String>,
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
    pub title: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
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
    pub aliases: Vec<Spanned<String>>,
    pub image: Option<String>,
    pub lang: Option<String>,
    pub extra: Option<Value>,
}

const KNOWN_KEYS: &[&str] = &[
    "title", "date", "updated", "summary", "authors", "status", "draft", "slug", "weight", "sources", "related",
    "aliases", "image", "lang", "extra",
];

/// Parses the YAML block of `text` (found by `split`) into `FrontMatter`. Problems come back as
/// a list: errors make the brief unusable; warnings (`warning: true`) do not.
pub fn parse(
    text: &str,
    split: &Split,
    taxonomies: &[TaxonomyConfig],
    require_title: bool,
) -> (Option<FrontMatter>, Vec<FieldError>) {
    let mut problems = Vec::new();
    let yaml_text = &text[split.yaml.clone()];
    if !split.has_front_matter || yaml_text.trim().is_empty() {
        if require_title {
            let (message, help) = if split.has_front_matter {
                (
                    "the front-matter is empty: `title` is required",
                    "add a line `title: Your title` between the `---` lines",
                )
            } else {
                (
                    "this brief has no front-matter: `title` is required",
                    "start the file with `---`, a line `title: Your title`, and `---`",
                )
            };
            problems.push(error(Code::MissingTitle, message, Some(help), split.body.start..split.body.start));
            return (None, problems);
        }
        return (Some(FrontMatter::default()), problems);
    }
    if let Some(problem) = check_limits(text, &split.yaml) {
        problems.push(problem);
        return (None, problems);
    }
    let mapping: Mapping = match yaml::parse::<Value>(yaml_text) {
        Ok(Value::Mapping(m)) => m,
        Ok(Value::Null) => Mapping::new(),
        Ok(_) => {
            problems.push(error(
                Code::FrontMatter,
                "the front-matter must be a list of `key: value` lines",
                Some("write e.g. `title: Accelerating OPCON transfer`"),
                first_char(text, split.yaml.start),
            ));
            return (None, problems);
        }
        Err(e) => {
            let index = crate::diagnostics::LineIndex::new(yaml_text);
            let offset = match (e.line, e.column) {
                (Some(l), Some(c)) => index.offset(yaml_text, l, c),
                _ => 0,
            };
            // libyaml reports a construct left open (`[a, b`) at the end of the block: point at
            // the last character written instead of the closing `---`.
            let written = yaml_text.trim_end().len();
            let offset = if offset >= written {
                yaml_text[..written].char_indices().last().map_or(0, |(i, _)| i)
            } else {
                offset
            };
            let at = split.yaml.start + offset;
            let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i).max(at + 1).min(text.len());
            problems.push(error(
                Code::Yaml,
                &format!("the front-matter is not valid YAML: {}", e.message),
                Some("check indentation, and quote values that hold `: ` or start with `[`, `{`, `*` or `&`"),
                at..end,
            ));
            return (None, problems);
        }
    };
    let keys = KeySpans::scan(text, &split.yaml);
    let mut fm = FrontMatter::default();
    let mut ok = true;
    let span_of = |key: &str| keys.value(key).unwrap_or(split.yaml.start..split.yaml.start);

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
        let mut fail = |code: Code, message: String, help: &str| {
            problems.push(error(code, &message, Some(help), span.clone()));
            false
        };
        match key.as_str() {
            "title" => match scalar_text(&value) {
                Some(t) if !t.trim().is_empty() => fm.title = t,
                _ => ok = fail(Code::WrongType, "`title` must be non-empty text".into(), "write `title: Your title`"),
            },
            "date" | "updated" => match scalar_text(&value) {
                Some(t) => match Date::parse(&t) {
                    Some(d) if key == "date" => fm.date = Some(d),
                    Some(d) => fm.updated = Some(d),
                    None => {
                        ok = fail(
                            Code::BadDate,
                            format!("`{t}` is not a valid date"),
                            "write the date as YYYY-MM-DD (`2025-11-04`) or RFC 3339 (`2025-11-04T09:00:00+09:00`)",
                        )
                    }
                },
                None => {
                    ok = fail(
                        Code::BadDate,
                        format!("`{key}` must be a date"),
                        "write the date as YYYY-MM-DD (`2025-11-04`)",
                    )
                }
            },
            "summary" | "status" | "image" | "lang" => match scalar_text(&value) {
                Some(t) => match key.as_str() {
                    "summary" => fm.summary = Some(t),
                    "status" => fm.status = Some(t),
                    "image" if crate::scheme::is_unsafe(&t) => {
                        let message = crate::scheme::unsafe_message("`image`", &t, "it is left out");
                        problems.push(unsafe_url(text, &span, &t, message));
                    }
                    "image" => fm.image = Some(t),
                    _ => fm.lang = Some(t),
                },
                None if value.is_null() => {}
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`{key}` must be text, not {}", kind(&value)),
                        "write a single line of text",
                    )
                }
            },
            "authors" => match text_list(&value) {
                Some(list) => fm.authors = list,
                None => {
                    ok = fail(
                        Code::WrongType,
                        format!("`authors` must be a list of names, not {}", kind(&value)),
                        "write `authors: [Name One, Name Two]`",
                    )
                }
            },
            "draft" => match value {
                Value::Bool(b) => fm.draft = b,
                _ => {
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
                        "a slug replaces only the last segment of the URL; move the file to change its folder",
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
                    for source in fm.sources.iter_mut().filter(|s| crate::scheme::is_unsafe(&s.url)) {
                        let message =
                            crate::scheme::unsafe_message("the source URL", &source.url, "it is written as `#`");
                        problems.push(unsafe_url(text, &span, &source.url, message));
                        source.url = crate::scheme::REPLACEMENT.to_string();
                    }
                }
                Err(e) => {
                    ok = fail(
                        Code::WrongType,
                        format!("`sources` must be a list of `{{title, url, publisher, date}}` entries: {}", e.message),
                        "write each source as `- title: ...` with `url: ...` beneath it",
                    )
                }
            },
            "related" | "aliases" => match text_list(&value) {
                Some(list) => {
                    let list = list.into_iter().map(|value| Spanned { value, span: span.clone() }).collect();
                    if key == "related" {
                        fm.related = list
                    } else {
                        fm.aliases = list
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
            name if taxonomies.iter().any(|t| t.name == name) => match text_list(&value) {
                Some(list) => {
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
                let known: Vec<&str> =
                    KNOWN_KEYS.iter().copied().chain(taxonomies.iter().map(|t| t.name.as_str())).collect();
                let help = match crate::suggest::closest(&key, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known keys are {}", known.join(", ")),
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
    if fm.title.is_empty() && ok && require_title {
        problems.push(error(
            Code::MissingTitle,
            "`title` is missing from the front-matter",
            Some("add a line `title: Your title` between the `---` lines"),
            opening_line(text),
        ));
        ok = false;
    }
    (ok.then_some(fm), problems)
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

/// The span of the opening `---` (after a byte-order mark, if any).
fn opening_line(text: &str) -> Range<usize> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    start..(start + 3).min(text.len())
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

    #[test]
    fn dates_are_written_as_chrono_would() {
        let mut day = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        while day.year() < 2031 {
            let date = Date::parse(&day.format("%Y-%m-%d").to_string()).unwrap();
            assert_eq!(date.ymd(), date.datetime.format("%Y-%m-%d").to_string());
            assert_eq!(date.display(), date.datetime.format("%-d %B %Y").to_string());
            day = day.succ_opt().unwrap();
        }
        let far = Date::parse("+10000-01-05T00:00:00Z").or(Date::parse("9999-12-31")).unwrap();
        assert_eq!(far.display(), far.datetime.format("%-d %B %Y").to_string());
    }

    fn taxonomies() -> Vec<TaxonomyConfig> {
        crate::config::SiteConfig::default().taxonomies
    }

    fn parse_text(text: &str) -> (Option<FrontMatter>, Vec<FieldError>) {
        let split = split(text).unwrap();
        parse(text, &split, &taxonomies(), true)
    }

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n";
        let s = split(text).unwrap();
        assert_eq!(&text[s.yaml.clone()], "title: A\r\n");
        assert_eq!(&text[s.body.clone()], "Body\r\n");
        let (fm, problems) = parse(text, &s, &taxonomies(), true);
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
    fn dates_in_both_forms() {
        assert_eq!(Date::parse("2025-11-04").unwrap().ymd(), "2025-11-04");
        assert_eq!(Date::parse("2025-11-04T09:00:00+09:00").unwrap().ymd(), "2025-11-04");
        assert!(Date::parse("2025-13-45").is_none());
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
            let (_, problems) = parse(text, &split, &taxonomies(), true);
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
    fn unknown_key_is_a_warning_with_a_suggestion() {
        let text = "---\ntitle: A\ntopcs: [x]\n---\n";
        let (fm, problems) = parse_text(text);
        assert!(fm.is_some());
        assert!(problems[0].warning);
        assert_eq!(problems[0].help.as_deref(), Some("did you mean `topics`?"));
        assert_eq!(&text[problems[0].span.clone()], "topcs");
    }
}
