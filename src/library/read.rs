//! Bibliography files read into CSL-JSON items, the one form the rest of the build knows: CSL-JSON
//! as Zotero exports it, BibLaTeX (`.bib`) and Hayagriva YAML through hayagriva's own readers and
//! one conversion of its entries. Each entry keeps where it was written.

use std::collections::BTreeMap;
use std::ops::Range;

use hayagriva::citationberg::json::{DateValue, Item, LiteralName, NameItem, NameValue, Value, VecDate, VecDateRange};
use hayagriva::types::{EntryType, MaybeTyped, Person};

/// One entry of a bibliography file.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub key: String,
    pub item: Item,
    /// Where its key is written.
    pub span: Range<usize>,
}

/// A problem with a whole file or one entry, at a byte range of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadProblem {
    pub message: String,
    pub span: Range<usize>,
    pub help: &'static str,
}

/// The formats a bibliography may be written in, by file extension.
pub fn format_of(path: &str) -> Option<Format> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".bib") || lower.ends_with(".biblatex") || lower.ends_with(".bibtex") {
        Some(Format::Biblatex)
    } else if lower.ends_with(".json") {
        Some(Format::CslJson)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(Format::Hayagriva)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Biblatex,
    CslJson,
    Hayagriva,
}

pub fn read(format: Format, text: &str) -> (Vec<FileEntry>, Vec<ReadProblem>) {
    match format {
        Format::CslJson => read_csl_json(text),
        Format::Biblatex => read_biblatex(text),
        Format::Hayagriva => read_hayagriva(text),
    }
}

fn read_csl_json(text: &str) -> (Vec<FileEntry>, Vec<ReadProblem>) {
    let mut problems = Vec::new();
    let values: Vec<serde_json::Value> = match serde_json::from_str(text) {
        Ok(serde_json::Value::Array(values)) => values,
        Ok(serde_json::Value::Object(one)) => vec![serde_json::Value::Object(one)],
        Ok(_) => {
            problems.push(ReadProblem {
                message: "a CSL-JSON bibliography must be a list of entries".into(),
                span: 0..0,
                help: "export the library from Zotero as CSL JSON",
            });
            return (Vec::new(), problems);
        }
        Err(e) => {
            let at = offset_of(text, e.line(), e.column());
            problems.push(ReadProblem {
                message: format!("this CSL-JSON file is not valid JSON: {e}"),
                span: at..at,
                help: "export the library from Zotero again, or fix the JSON at this place",
            });
            return (Vec::new(), problems);
        }
    };
    let mut entries = Vec::new();
    let mut search_from = 0;
    for (n, value) in values.into_iter().enumerate() {
        let id = value.get("id").and_then(|id| match id {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let span = id
            .as_deref()
            .and_then(|id| find_after(text, &format!("\"{}\"", id.replace('"', "\\\"")), search_from))
            .unwrap_or(search_from..search_from);
        search_from = span.end;
        let Some(key) = id.filter(|k| !k.trim().is_empty()) else {
            problems.push(ReadProblem {
                message: format!("entry {} has no `id`: every source needs a key to be cited by", n + 1),
                span,
                help: "give it an `\"id\"`, e.g. `\"id\": \"mnd-2025-press\"`",
            });
            continue;
        };
        match serde_json::from_value::<Item>(normalise_csl(value)) {
            Ok(item) => entries.push(FileEntry { key, item: sanitise(item), span }),
            Err(e) => problems.push(ReadProblem {
                message: format!("the entry `{key}` is not valid CSL-JSON: {e}"),
                span,
                help: "check its dates (`\"issued\": {\"date-parts\": [[2025, 11, 4]]}`) and names",
            }),
        }
    }
    (entries, problems)
}

/// CSL-JSON as tools write it, made what the reader accepts: numbers and strings where either
/// may come, and values the processor has no use for (`null`, nested objects) left out.
fn normalise_csl(value: serde_json::Value) -> serde_json::Value {
    let serde_json::Value::Object(map) = value else { return value };
    let map = map
        .into_iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::Null => None,
            serde_json::Value::Bool(b) => Some((k, serde_json::Value::String(b.to_string()))),
            serde_json::Value::Number(n) if n.as_i64().is_none() => Some((k, serde_json::Value::String(n.to_string()))),
            serde_json::Value::Object(o) if !is_date_object(&o) => None,
            serde_json::Value::Object(o) => usable_date(serde_json::Value::Object(o)).map(|d| (k, d)),
            serde_json::Value::Array(a) if !a.iter().all(|n| n.is_object()) => None,
            v => Some((k, v)),
        })
        .collect();
    serde_json::Value::Object(map)
}

fn is_date_object(o: &serde_json::Map<String, serde_json::Value>) -> bool {
    o.contains_key("date-parts") || o.contains_key("raw")
}

/// A date as the processor can take it: `date-parts` of whole numbers (numbers written as text
/// read), the first date of a range, at most year, month, day; `None` for a date it cannot
/// read (empty, a season, a literal "Spring 2020"), which is then left out.
fn usable_date(value: serde_json::Value) -> Option<serde_json::Value> {
    let serde_json::Value::Object(o) = &value else { return None };
    let Some(serde_json::Value::Array(parts)) = o.get("date-parts") else {
        return o
            .get("raw")
            .and_then(|r| r.as_str())
            .filter(|r| crate::library::date_parts(r).is_some())
            .map(|_| value.clone());
    };
    let first = parts.first()?.as_array()?;
    let numbers: Vec<i64> = first
        .iter()
        .take(3)
        .map(|p| p.as_i64().or_else(|| p.as_str().and_then(|s| s.trim().parse().ok())))
        .collect::<Option<_>>()?;
    let valid = match numbers[..] {
        [y] => (-9999..=9999).contains(&y),
        [y, m] => (-9999..=9999).contains(&y) && (1..=12).contains(&m),
        [y, m, d] => (-9999..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d),
        _ => false,
    };
    valid.then(|| serde_json::json!({"date-parts": [numbers]}))
}

/// What the processor cannot take: a date range (it formats the start), empty names.
fn sanitise(mut item: Item) -> Item {
    for value in item.0.values_mut() {
        if let Value::Date(date) = value {
            *date = match std::mem::replace(date, empty_date()) {
                DateValue::DateParts { date_parts, literal, season, circa } => {
                    let start = VecDateRange(date_parts.0.into_iter().take(1).collect());
                    DateValue::DateParts { date_parts: start, literal, season, circa }
                }
                DateValue::Raw { mut raw, literal, season } => {
                    raw.end = None;
                    DateValue::Raw { raw, literal, season }
                }
            };
        }
        if let Value::Names(names) = value {
            names.retain(|n| match n {
                NameValue::Literal(l) => !l.literal.trim().is_empty(),
                NameValue::Item(i) => {
                    !i.family.trim().is_empty() || i.given.as_deref().is_some_and(|g| !g.trim().is_empty())
                }
            });
        }
    }
    item.0.retain(|_, v| !matches!(v, Value::Date(DateValue::DateParts { date_parts, .. }) if date_parts.0.is_empty()));
    item
}

fn empty_date() -> DateValue {
    DateValue::DateParts { date_parts: VecDateRange(Vec::new()), literal: None, season: None, circa: false }
}

/// An entry whose `crossref` or `xdata` leads back to itself: the reader would recurse forever.
fn crossref_cycle(text: &str) -> Option<ReadProblem> {
    let raw = biblatex::RawBibliography::parse(text).ok()?;
    let mut parents: std::collections::HashMap<String, Vec<String>> = Default::default();
    for entry in &raw.entries {
        let targets =
            entry.v.fields.iter().filter(|p| matches!(p.key.v.to_ascii_lowercase().as_str(), "crossref" | "xdata"));
        let names = targets.flat_map(|p| {
            let value: String = p
                .value
                .v
                .iter()
                .map(|c| match c.v {
                    biblatex::RawChunk::Normal(s) | biblatex::RawChunk::Abbreviation(s) => s,
                })
                .collect();
            value.split(',').map(|s| s.trim().to_string()).collect::<Vec<_>>()
        });
        parents.entry(entry.v.key.v.to_string()).or_default().extend(names);
    }
    for entry in &raw.entries {
        let start = entry.v.key.v.to_string();
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![start.clone()];
        while let Some(key) = todo.pop() {
            for parent in parents.get(&key).into_iter().flatten() {
                if *parent == start {
                    return Some(ReadProblem {
                        message: format!("the entry `{start}` is its own `crossref` or `xdata` (through `{key}`)"),
                        span: entry.v.key.span.clone(),
                        help: "point `crossref` at the entry of the book or collection that holds this one",
                    });
                }
                if seen.insert(parent.clone()) {
                    todo.push(parent.clone());
                }
            }
        }
    }
    None
}

fn read_biblatex(text: &str) -> (Vec<FileEntry>, Vec<ReadProblem>) {
    if let Some(problem) = crossref_cycle(text) {
        return (Vec::new(), vec![problem]);
    }
    let bibliography = match biblatex::Bibliography::parse(text) {
        Ok(b) => b,
        Err(e) => {
            return (
                Vec::new(),
                vec![ReadProblem {
                    message: format!("this BibLaTeX file cannot be read: {}", e.kind),
                    span: e.span.clone(),
                    help: "check the braces and commas of the entry around this place",
                }],
            )
        }
    };
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut search_from = 0;
    for entry in bibliography.iter() {
        let span = find_after(text, &entry.key, search_from).unwrap_or(search_from..search_from);
        search_from = span.end;
        match hayagriva::Entry::try_from(entry) {
            Ok(converted) => entries.push(FileEntry { key: entry.key.clone(), item: csl_of(&converted), span }),
            Err(e) => problems.push(ReadProblem {
                message: format!("the entry `{}` has a field that cannot be read: {}", entry.key, e.kind),
                span: e.span.clone(),
                help: "dates are written `2025-11-04` (or `2025`), page ranges `3--7`",
            }),
        }
    }
    (entries, problems)
}

fn read_hayagriva(text: &str) -> (Vec<FileEntry>, Vec<ReadProblem>) {
    match hayagriva::io::from_yaml_str(text) {
        Ok(library) => {
            let mut search_from = 0;
            let entries = library
                .iter()
                .map(|entry| {
                    let span = find_after(text, &format!("{}:", entry.key()), search_from)
                        .map(|s| s.start..s.end - 1)
                        .unwrap_or(search_from..search_from);
                    search_from = span.end;
                    FileEntry { key: entry.key().to_string(), item: csl_of(entry), span }
                })
                .collect();
            (entries, Vec::new())
        }
        Err(e) => {
            let at = e.location().map_or(0, |l| l.index());
            (
                Vec::new(),
                vec![ReadProblem {
                    message: format!("this Hayagriva YAML bibliography cannot be read: {e}"),
                    span: at..at,
                    help: "see https://github.com/typst/hayagriva/blob/main/docs/file-format.md",
                }],
            )
        }
    }
}

/// The byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

fn find_after(text: &str, needle: &str, from: usize) -> Option<Range<usize>> {
    text.get(from..)?.find(needle).map(|i| from + i..from + i + needle.len())
}

/// A hayagriva entry as CSL-JSON: its type with its parents (an article in a periodical is an
/// `article-journal`), names, dates and the variables styles print.
pub fn csl_of(entry: &hayagriva::Entry) -> Item {
    let mut item = BTreeMap::new();
    let text = |item: &mut BTreeMap<String, Value>, key: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            item.insert(key.to_string(), Value::String(v));
        }
    };
    let parent = entry.parents().first();
    text(&mut item, "id", Some(entry.key().to_string()));
    text(&mut item, "type", Some(csl_type(entry).to_string()));
    text(&mut item, "title", entry.title().map(|t| t.value.to_string()));
    text(&mut item, "container-title", parent.and_then(|p| p.title()).map(|t| t.value.to_string()));
    let publisher = entry.publisher().or_else(|| parent.and_then(|p| p.publisher()));
    text(&mut item, "publisher", publisher.and_then(|p| p.name()).map(|n| n.value.to_string()));
    text(
        &mut item,
        "publisher-place",
        publisher.and_then(|p| p.location()).or_else(|| entry.location()).map(|l| l.value.to_string()),
    );
    if !item.contains_key("publisher") {
        text(&mut item, "publisher", entry.organization().map(|o| o.value.to_string()));
    }
    let number = |m: Option<&MaybeTyped<hayagriva::types::Numeric>>| m.map(|n| n.to_string());
    text(&mut item, "volume", number(entry.volume().or_else(|| parent.and_then(|p| p.volume()))));
    text(&mut item, "issue", number(entry.issue().or_else(|| parent.and_then(|p| p.issue()))));
    text(&mut item, "edition", number(entry.edition()));
    text(&mut item, "page", entry.page_range().map(|p| p.to_string()));
    text(&mut item, "genre", entry.genre().map(|g| g.value.to_string()));
    text(&mut item, "note", entry.note().map(|n| n.value.to_string()));
    text(&mut item, "archive", entry.archive().map(|a| a.value.to_string()));
    text(&mut item, "archive_location", entry.archive_location().map(|a| a.value.to_string()));
    text(&mut item, "language", entry.language().map(|l| l.to_string()));
    if let Some(serial) = entry.serial_number().or_else(|| parent.and_then(|p| p.serial_number())) {
        for (k, v) in &serial.0 {
            let key = match k.as_str() {
                "doi" => "DOI",
                "isbn" => "ISBN",
                "issn" => "ISSN",
                "serial" | "number" => "number",
                _ => continue,
            };
            text(&mut item, key, Some(v.clone()));
        }
    }
    if let Some(url) = entry.url().or_else(|| parent.and_then(|p| p.url())) {
        text(&mut item, "URL", Some(url.value.to_string()));
        if let Some(date) = &url.visit_date {
            item.insert("accessed".into(), Value::Date(csl_date(date)));
        }
    }
    if let Some(date) = entry.date().or_else(|| parent.and_then(|p| p.date())) {
        item.insert("issued".into(), Value::Date(csl_date(date)));
    }
    if let Some(authors) = entry.authors().filter(|a| !a.is_empty()) {
        item.insert("author".into(), Value::Names(authors.iter().map(csl_name).collect()));
    }
    if let Some(editors) = entry.editors().or_else(|| parent.and_then(|p| p.editors())).filter(|e| !e.is_empty()) {
        item.insert("editor".into(), Value::Names(editors.iter().map(csl_name).collect()));
    }
    Item(item)
}

fn csl_type(entry: &hayagriva::Entry) -> &'static str {
    let parent = entry.parents().first().map(|p| p.entry_type());
    match (entry.entry_type(), parent) {
        (EntryType::Article, Some(EntryType::Periodical)) => "article-journal",
        (EntryType::Article, Some(EntryType::Newspaper)) => "article-newspaper",
        (EntryType::Article, Some(EntryType::Proceedings)) => "paper-conference",
        (EntryType::Article, Some(EntryType::Blog)) => "post-weblog",
        (EntryType::Article, _) => "article",
        (EntryType::Chapter | EntryType::Anthos, _) => "chapter",
        (EntryType::Report, _) | (_, Some(EntryType::Report)) => "report",
        (EntryType::Thesis, _) => "thesis",
        (EntryType::Book, _) => "book",
        (EntryType::Anthology, _) => "collection",
        (EntryType::Periodical, _) => "periodical",
        (EntryType::Web | EntryType::Blog, _) | (_, Some(EntryType::Web)) => "webpage",
        (EntryType::Legislation, _) => "legislation",
        (EntryType::Case, _) => "legal_case",
        (EntryType::Manuscript, _) => "manuscript",
        (EntryType::Entry, _) => "entry",
        (EntryType::Patent, _) => "patent",
        (EntryType::Thread | EntryType::Post, _) => "post",
        (EntryType::Video, _) => "motion_picture",
        (EntryType::Audio, _) => "song",
        (EntryType::Repository, _) => "software",
        (EntryType::Misc, _) if entry.url().is_some() => "webpage",
        _ => "document",
    }
}

/// A person as CSL-JSON: a name without a given name (an institution, `{{US Department of
/// Defense}}`, or a Korean name written whole, `{김철수}`) is a literal, never split.
fn csl_name(person: &Person) -> NameValue {
    let given = person.given_name.clone().filter(|g| !g.trim().is_empty());
    if given.is_none() && person.prefix.is_none() && person.suffix.is_none() {
        return NameValue::Literal(LiteralName { literal: person.name.clone() });
    }
    NameValue::Item(NameItem {
        family: person.name.clone(),
        given,
        non_dropping_particle: person.prefix.clone(),
        dropping_particle: None,
        suffix: person.suffix.clone(),
        comma_suffix: person.comma_suffix.then_some(true),
    })
}

fn csl_date(date: &hayagriva::types::Date) -> DateValue {
    let mut parts = vec![date.year.clamp(i16::MIN.into(), i16::MAX.into()) as i16];
    if let Some(month) = date.month {
        parts.push(month as i16 + 1);
        if let Some(day) = date.day {
            parts.push(day as i16 + 1);
        }
    }
    DateValue::DateParts {
        date_parts: VecDateRange(vec![VecDate(parts)]),
        literal: None,
        season: None,
        circa: date.approximate,
    }
}
