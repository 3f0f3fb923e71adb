//! `reports:` in `site.yaml`: each report as declared, checked for its shape. What it selects is
//! resolved against the site later (`report::assemble`), where the terms are known.

use std::ops::Range;
use std::sync::Arc;

use crate::date::{PartialDate, Zone};
use crate::diagnostics::{Code, Diagnostic, Location, SourceText};
use crate::yaml::Value;

/// A report as `site.yaml` declares it.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct ReportSpec {
    /// The URL segment (`/reports/<id>/`) and the PDF's name.
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub select: Selection,
    pub order: Order,
    pub parts: Parts,
    /// The language whose briefs it collects (`language: ko`); the site's default when absent.
    pub language: Option<String>,
    /// Where it is written, for messages about what it selects.
    pub place: Place,
}

/// What a report collects; every key given must match (AND). Within a key, any value (OR).
#[derive(Debug, Clone, PartialEq, Hash, Default)]
pub struct Selection {
    /// Per taxonomy named (`topics`, `actors`…), the terms as written.
    pub terms: Vec<(String, Vec<String>)>,
    pub sections: Vec<String>,
    pub briefs: Vec<String>,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Order {
    /// Oldest first.
    #[default]
    Date,
    /// The order of `briefs:`.
    Listed,
}

/// The parts a report shows, in this order on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Parts {
    pub cover: bool,
    pub contents: bool,
    pub key_points: bool,
    pub briefs: bool,
    pub timeline: bool,
    pub references: bool,
    pub glossary: bool,
}

impl Default for Parts {
    fn default() -> Parts {
        Parts {
            cover: true,
            contents: true,
            key_points: true,
            briefs: true,
            timeline: true,
            references: true,
            glossary: true,
        }
    }
}

/// The names of the parts, as `include:` takes them.
pub const PART_NAMES: &[&str] = &["cover", "contents", "key-points", "briefs", "timeline", "references", "glossary"];
const REPORT_KEYS: &[&str] = &["id", "title", "subtitle", "select", "order", "include", "language"];
/// The keys of `select` besides the taxonomies' names.
pub const SELECT_KEYS: &[&str] = &["sections", "briefs", "from", "to"];

/// `site.yaml`'s text and the span of a report's entry in it, to point messages at a value of
/// the entry. Compared and hashed as the text and span it holds.
#[derive(Debug, Clone)]
pub struct Place {
    pub text: Arc<SourceText>,
    pub file: String,
    pub span: Range<usize>,
}

impl PartialEq for Place {
    fn eq(&self, other: &Place) -> bool {
        self.span == other.span && self.text.as_str() == other.text.as_str()
    }
}

impl std::hash::Hash for Place {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.text.as_str(), &self.span).hash(state);
    }
}

impl Place {
    /// Where `needle` is first written in the entry (else the entry's first line).
    pub fn of(&self, needle: &str) -> Location {
        let entry = &self.text.as_str()[self.span.clone()];
        let span = match entry.find(needle).filter(|_| !needle.is_empty()) {
            Some(at) => self.span.start + at..self.span.start + at + needle.len(),
            None => self.span.start..self.span.start + entry.find('\n').unwrap_or(entry.len()),
        };
        Location::new(self.file.clone(), self.text.clone(), span)
    }
}

/// Splits the span of the `reports:` value into one span per entry (`- ` at the list's
/// indentation); flow lists (`[{…}, {…}]`) get the whole span each.
fn entry_spans(text: &str, span: &Range<usize>, count: usize) -> Vec<Range<usize>> {
    let value = &text[span.clone()];
    let mut starts = Vec::new();
    let mut indent = None;
    let mut offset = span.start;
    for line in value.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let depth = line.len() - trimmed.len();
        if trimmed.starts_with("- ") || trimmed.trim_end() == "-" {
            if indent.is_none() {
                indent = Some(depth);
            }
            if indent == Some(depth) {
                starts.push(offset + depth);
            }
        }
        offset += line.len();
    }
    // An empty list (`[]`) has no entry to split.
    match starts.last() {
        Some(&last) if starts.len() == count => {
            let mut spans: Vec<Range<usize>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
            spans.push(last..span.end);
            spans
        }
        _ => vec![span.clone(); count],
    }
}

/// Reads `reports:`. `span`: where its value is written in `text`.
pub fn parse(
    value: &Value,
    text: &Arc<SourceText>,
    file: &str,
    span: Range<usize>,
    zone: Zone,
) -> (Vec<ReportSpec>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let whole = Place { text: text.clone(), file: file.to_string(), span: span.clone() };
    let entries = match value {
        Value::Null => return (Vec::new(), problems),
        Value::Sequence(items) => items,
        _ => {
            problems.push(
                Diagnostic::error(Code::Config, "`reports` must be a list of reports")
                    .at(whole.of(""))
                    .help("write e.g. `reports: [{id: opcon, title: Wartime OPCON transfer, select: {topics: [opcon-transfer]}}]`"),
            );
            return (Vec::new(), problems);
        }
    };
    let spans = entry_spans(text.as_str(), &span, entries.len());
    let mut reports: Vec<ReportSpec> = Vec::new();
    for (entry, span) in entries.iter().zip(spans) {
        let place = Place { text: text.clone(), file: file.to_string(), span };
        if let Some(report) = parse_one(entry, place, zone, &mut problems) {
            if let Some(other) = reports.iter().find(|r| r.id == report.id) {
                problems.push(
                    Diagnostic::error(Code::Config, format!("two reports have the id `{}`", report.id))
                        .at(report.place.of(&report.id))
                        .also(other.place.of(&other.id), "the first")
                        .help("give each report its own id: it is the report's URL"),
                );
                continue;
            }
            reports.push(report);
        }
    }
    (reports, problems)
}

fn strings(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::String(s) => Some(vec![s.trim().to_string()]),
        Value::Number(n) => Some(vec![n.to_string()]),
        Value::Sequence(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn unknown(key: &str, known: &[&str], what: &str) -> String {
    match crate::suggest::closest(key, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("the keys of {what} are {}", known.join(", ")),
    }
}

fn parse_one(entry: &Value, place: Place, zone: Zone, problems: &mut Vec<Diagnostic>) -> Option<ReportSpec> {
    let help =
        "write each report as `- {id: opcon, title: Wartime OPCON transfer, select: {topics: [opcon-transfer]}}`";
    let Value::Mapping(map) = entry else {
        problems.push(Diagnostic::error(Code::Config, "a report must be a map of keys").at(place.of("")).help(help));
        return None;
    };
    let mut fail = |needle: &str, message: String, help: String| {
        problems.push(Diagnostic::error(Code::Config, message).at(place.of(needle)).help(help));
    };
    let get = |key: &str| map.get(key);
    for key in map.keys().filter_map(Value::as_str) {
        if !REPORT_KEYS.contains(&key) {
            fail(key, format!("unknown key `{key}` in a report"), unknown(key, REPORT_KEYS, "a report"));
        }
    }
    let id = match get("id").and_then(text_of) {
        Some(id) if !id.is_empty() && crate::slug::slugify(&id) == id && id != "page" => id,
        Some(id) => {
            let slug = crate::slug::slugify(&id);
            fail(
                &id,
                format!("the report id `{id}` is not a URL slug"),
                format!("write e.g. `id: {}`", if slug.is_empty() { "opcon" } else { &slug }),
            );
            return None;
        }
        None => {
            fail(
                "",
                "a report has no `id`".into(),
                "add e.g. `id: opcon`: the report is published at `/reports/opcon/`".into(),
            );
            return None;
        }
    };
    let title = match get("title").and_then(text_of) {
        Some(t) if !t.is_empty() => t,
        _ => {
            fail(&id, format!("the report `{id}` has no `title`"), "add e.g. `title: Wartime OPCON transfer`".into());
            return None;
        }
    };
    let subtitle = get("subtitle").and_then(text_of).filter(|s| !s.is_empty());
    let order = match get("order").map(text_of) {
        None => Order::Date,
        Some(Some(o)) if o == "date" => Order::Date,
        Some(Some(o)) if o == "listed" => Order::Listed,
        Some(o) => {
            let o = o.unwrap_or_default();
            fail(
                &format!("order: {o}"),
                format!("`order: {o}` is not an order"),
                "write `order: date` (oldest first) or `order: listed` (the order of `briefs:`)".into(),
            );
            Order::Date
        }
    };
    let parts = match get("include") {
        None => Parts::default(),
        Some(value) => {
            let mut parts = Parts {
                cover: false,
                contents: false,
                key_points: false,
                briefs: false,
                timeline: false,
                references: false,
                glossary: false,
            };
            for name in strings(value).unwrap_or_default() {
                match name.replace('_', "-").to_ascii_lowercase().as_str() {
                    "cover" => parts.cover = true,
                    "contents" => parts.contents = true,
                    "key-points" | "keypoints" => parts.key_points = true,
                    "briefs" => parts.briefs = true,
                    "timeline" => parts.timeline = true,
                    "references" => parts.references = true,
                    "glossary" => parts.glossary = true,
                    _ => fail(
                        &name,
                        format!("`include`: `{name}` is not a part of a report"),
                        match crate::suggest::closest(&name, PART_NAMES.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("the parts are {}", PART_NAMES.join(", ")),
                        },
                    ),
                }
            }
            parts
        }
    };
    let language = get("language").and_then(text_of).filter(|l| !l.is_empty());
    let mut select = Selection::default();
    match get("select") {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(keys)) => {
            for (key, value) in keys {
                let Some(key) = key.as_str() else { continue };
                let Some(list) = strings(value) else {
                    fail(
                        key,
                        format!("`select: {key}` must be a name or a list of names"),
                        format!("write e.g. `{key}: [a, b]`"),
                    );
                    continue;
                };
                match key {
                    "sections" => select.sections = list,
                    "briefs" => select.briefs = list,
                    "from" | "to" => {
                        let text = list.first().cloned().unwrap_or_default();
                        match PartialDate::parse(&text, zone) {
                            Some(date) if list.len() == 1 => {
                                if key == "from" {
                                    select.from = Some(date)
                                } else {
                                    select.to = Some(date)
                                }
                            }
                            _ => fail(
                                &text,
                                format!("`select: {key}: {text}` is not a date"),
                                crate::date::PARTIAL_ACCEPTED.into(),
                            ),
                        }
                    }
                    // A taxonomy: checked against the site's, with the terms, when assembling.
                    taxonomy => select.terms.push((taxonomy.to_string(), list)),
                }
            }
        }
        Some(_) => fail(
            "select",
            "`select` must be a map such as `{topics: [opcon-transfer]}`".into(),
            "select by taxonomy (`topics`, `actors`…), `sections`, `briefs`, `from` and `to`".into(),
        ),
    }
    if let (Some(from), Some(to)) = (select.from, select.to) {
        if to.end_exclusive() <= from.start() {
            fail(
                "to",
                format!("the report `{id}` selects from {} to {}: no day is in between", from.iso(), to.iso()),
                "swap `from` and `to`".into(),
            );
        }
    }
    if order == Order::Listed && select.briefs.is_empty() {
        fail(
            "listed",
            format!("the report `{id}` is in `order: listed` but lists no `briefs`"),
            "name the briefs in `select: {briefs: [...]}`, or use `order: date`".into(),
        );
    }
    Some(ReportSpec { id, title, subtitle, select, order, parts, language, place })
}
