//! References formatted by shape. A CSL processor walks the whole style for every entry (about
//! a millisecond each with hayagriva and chicago-author-date), and a site of 10,000 briefs lists
//! some 30,000 sources. Most are alike: a title, a publisher, a date, a URL. Entries of one shape
//! (the same type and the same variables, names and date precision) format the same way but for
//! their values, so one probe entry whose values are placeholders is formatted, and every entry
//! of the shape is that text with its own values put in (the title cased as the style cases it).
//! The template is checked against a full formatting of the shape's first entry; a shape it does
//! not reproduce, or an entry with a variable outside the few handled here, is formatted whole.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};
use hayagriva::citationberg::json::{DateValue, Item, LiteralName, NameItem, NameValue, Value, VecDate, VecDateRange};
use hayagriva::citationberg::taxonomy::{OtherTerm, Term};
use hayagriva::citationberg::PageRangeFormat;
use hayagriva::citationberg::TermForm;
use hayagriva::lang::{Case, SentenceCase, TitleCase};
use rayon::prelude::*;

use super::Style;
use crate::hash::FastMap;
use crate::markdown::escape_html;

/// Variables whose value a template can take as it is.
const TEXT: &[&str] = &[
    "title",
    "container-title",
    "publisher",
    "publisher-place",
    "URL",
    "genre",
    "DOI",
    "volume",
    "issue",
    "number",
    "page",
];
/// Variables a style may change the case of; their probe has a text showing which case.
const CASED: &[&str] = &["title", "container-title"];
/// The date the probe is issued on: its year, month and day are marks too.
const PROBE_DATE: [i16; 3] = [1901, 2, 23];

/// The placeholder of the n-th value: a private-use character no style changes.
fn placeholder(n: usize) -> String {
    char::from_u32(0xE000 + n as u32).map(String::from).unwrap_or_default()
}

/// The placeholder of a given name: two characters, as a processor takes a one-letter given
/// name for an initial (`A.`).
fn given_mark(n: usize) -> String {
    placeholder(n) + "\u{F8FF}"
}

/// The placeholder of a number (volume, issue, report number, page): a number itself, as a style
/// may label or format only what is numeric (`No. 12`). Digits 4 to 9 only, five of them, so it
/// cannot be read in the probe's date (1901, 23) nor in another number mark.
fn number_mark(n: usize) -> String {
    let mut mark = String::from("9");
    let mut rest = n;
    for _ in 0..4 {
        mark.push(char::from(b'4' + (rest % 6) as u8));
        rest /= 6;
    }
    mark
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// What decides how an entry formats, when a template can format it: its type, its variables,
/// the kinds of its names and its date's precision. `None`: format it whole.
fn shape(item: &Item) -> Option<String> {
    let mut shape = String::new();
    for (key, value) in &item.0 {
        if matches!(value, Value::String(v) if v.chars().any(is_private_use)) {
            return None;
        }
        match (key.as_str(), value) {
            ("id", _) => continue,
            ("type", Value::String(t)) => shape.push_str(t),
            ("URL", Value::String(v)) if v.starts_with("http") => shape.push_str("URL-http"),
            // Numbers only: a style may label (`nos.`) or split what is not one.
            ("volume" | "issue" | "number", Value::String(v)) if is_number(v) => shape.push_str(key),
            ("page", Value::String(v)) => match v.split_once('-') {
                // A range from a smaller page to a larger: a style may shorten it (`321–28`).
                Some((a, b)) if is_number(a) && is_number(b) && a.parse::<u64>().ok()? < b.parse::<u64>().ok()? => {
                    shape.push_str("page-range")
                }
                None if is_number(v) => shape.push_str("page"),
                _ => return None,
            },
            ("volume" | "issue" | "number", _) => return None,
            (k, Value::String(v)) if TEXT.contains(&k) && !v.trim().is_empty() => shape.push_str(k),
            ("author" | "editor", Value::Names(names)) if !names.is_empty() && names.len() <= 12 => {
                shape.push_str(key);
                for name in names {
                    match name {
                        NameValue::Literal(l)
                            if !super::is_cjk(&l.literal) && !l.literal.chars().any(is_private_use) =>
                        {
                            shape.push('L')
                        }
                        // A given name of one letter or with a full stop is an initial, which a
                        // style writes otherwise.
                        NameValue::Item(n)
                            if n.non_dropping_particle.is_none()
                                && n.dropping_particle.is_none()
                                && n.suffix.is_none()
                                && !super::is_cjk(&n.family)
                                && !n.family.chars().any(is_private_use)
                                && n.given.as_deref().is_some_and(|g| {
                                    g.chars().count() > 1
                                        && !g.contains('.')
                                        && !super::is_cjk(g)
                                        && !g.chars().any(is_private_use)
                                }) =>
                        {
                            shape.push('P')
                        }
                        _ => return None,
                    }
                }
            }
            ("issued", Value::Date(DateValue::DateParts { date_parts, literal: None, season: None, circa: false })) => {
                let [one] = &date_parts.0[..] else { return None };
                let parts = &one.0;
                let valid = parts.first().is_some_and(|y| (1000..=9999).contains(y))
                    && parts.get(1).is_none_or(|m| (1..=12).contains(m))
                    && parts.get(2).is_none_or(|d| (1..=31).contains(d));
                if !valid || parts.len() > 3 {
                    return None;
                }
                shape.push_str(&format!("issued{}", parts.len()));
            }
            _ => return None,
        }
        shape.push('|');
    }
    Some(shape)
}

fn is_number(v: &str) -> bool {
    !v.is_empty() && v.len() <= 12 && v.bytes().all(|b| b.is_ascii_digit())
}

/// How the style writes what a template puts in besides values: month names and page ranges.
pub struct Writing {
    months: Vec<String>,
    short_months: Vec<String>,
    page_range: PageRangeFormat,
    range_delimiter: String,
}

impl Writing {
    pub fn of(style: &Style) -> Writing {
        // The style's own terms first, then its locale's, as the processor looks them up.
        let term = |term: Term, form: TermForm| -> Option<String> {
            let own = style.style.locale.iter().filter(|l| l.lang.as_ref().is_none_or(|c| c.0.starts_with("en")));
            own.chain(&style.locales).find_map(|l| l.term(term, form)?.single().map(str::to_string))
        };
        let month = |i: usize, form| OtherTerm::month(i as u8).and_then(|m| term(m.into(), form)).unwrap_or_default();
        Writing {
            months: (0..12).map(|i| month(i, TermForm::Long)).collect(),
            short_months: (0..12).map(|i| month(i, TermForm::Short)).collect(),
            page_range: style.style.settings.page_range_format.unwrap_or_default(),
            range_delimiter: term(OtherTerm::PageRangeDelimiter.into(), TermForm::Long).unwrap_or_else(|| "–".into()),
        }
    }

    /// A page range as the style writes it (`321–28`).
    fn pages(&self, start: &str, end: &str) -> String {
        let mut out = String::new();
        let _ = self.page_range.format(&mut out, start, end, Some(&self.range_delimiter));
        out
    }
}

/// The probe of a shape: `item` with marks for its values, and `cased` holding a text that shows
/// how the style cases a title.
fn probe(item: &Item, cased: bool) -> Item {
    probe_at(item, cased, 0, 0)
}

/// `probe` with marks numbered from `base` and the year moved by `year` (to tell the items of one
/// citation apart).
fn probe_at(item: &Item, cased: bool, base: usize, year: i16) -> Item {
    let mut n = base;
    let mut next = || {
        n += 1;
        n
    };
    let mut probe = BTreeMap::new();
    for (key, value) in &item.0 {
        let value = match (key.as_str(), value) {
            ("id" | "type", v) => v.clone(),
            (k, Value::String(_)) if cased && CASED.contains(&k) => Value::String(format!("xq{k} yq")),
            // A web address is written as a link, anything else as text: the probe's is alike.
            ("URL", Value::String(u)) if u.starts_with("http") => {
                Value::String(format!("https://u.invalid/{}", placeholder(next())))
            }
            ("page", Value::String(v)) if v.contains('-') => {
                let start = number_mark(next());
                Value::String(format!("{start}-{}", number_mark(next())))
            }
            ("volume" | "issue" | "number" | "page", Value::String(_)) => Value::String(number_mark(next())),
            (_, Value::String(_)) => Value::String(placeholder(next())),
            (_, Value::Names(names)) => Value::Names(
                names
                    .iter()
                    .map(|name| match name {
                        NameValue::Literal(_) => NameValue::Literal(LiteralName { literal: placeholder(next()) }),
                        NameValue::Item(_) => NameValue::Item(NameItem {
                            family: placeholder(next()),
                            given: Some(given_mark(next())),
                            non_dropping_particle: None,
                            dropping_particle: None,
                            suffix: None,
                            comma_suffix: None,
                        }),
                    })
                    .collect(),
            ),
            (_, Value::Date(DateValue::DateParts { date_parts, .. })) => {
                let len = date_parts.0.first().map_or(1, |d| d.0.len());
                Value::Date(DateValue::DateParts {
                    date_parts: VecDateRange(vec![VecDate(
                        PROBE_DATE[..len].iter().enumerate().map(|(i, &p)| if i == 0 { p + year } else { p }).collect(),
                    )]),
                    literal: None,
                    season: None,
                    circa: false,
                })
            }
            (_, v) => v.clone(),
        };
        probe.insert(key.clone(), value);
    }
    Item(probe)
}

/// Each mark of `item`'s probe (numbered from `base`) as the formatted probe shows it, with the
/// text `item` puts in its place, escaped as the formatter escapes it. The date is not among
/// them: a reference and a citation write it differently.
fn marks(item: &Item, base: usize, cases: &[(&'static str, Case)], writing: &Writing) -> Vec<(String, String)> {
    let mut n = base;
    let mut next = || {
        n += 1;
        n
    };
    let text = |v: &str| escape_html(&v.replace('\u{2000}', ""));
    let mut marks = Vec::new();
    for (key, value) in &item.0 {
        match (key.as_str(), value) {
            ("id" | "type", _) => {}
            ("URL", Value::String(v)) if v.starts_with("http") => {
                marks.push((format!("https://u.invalid/{}", placeholder(next())), escape_html(v)));
            }
            ("page", Value::String(v)) if v.contains('-') => {
                let (start, end) = (number_mark(next()), number_mark(next()));
                let (a, b) = v.split_once('-').unwrap_or((v, v));
                marks.push((writing.pages(&start, &end), writing.pages(a, b)));
            }
            ("volume" | "issue" | "number" | "page", Value::String(v)) => marks.push((number_mark(next()), text(v))),
            (k, Value::String(v)) => {
                let v = match cases.iter().find(|(c, _)| *c == k) {
                    Some((_, case)) => case.transform(v),
                    None => v.clone(),
                };
                marks.push((placeholder(next()), text(&v)));
            }
            (_, Value::Names(names)) => {
                for name in names {
                    match name {
                        NameValue::Literal(l) => marks.push((placeholder(next()), text(&l.literal))),
                        NameValue::Item(i) => {
                            marks.push((placeholder(next()), text(&i.family)));
                            marks.push((given_mark(next()), text(i.given.as_deref().unwrap_or(""))));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    marks
}

/// `item`'s date marks: the probe's year (moved by `year`), month names and day, with `item`'s.
fn date_marks(item: &Item, year: i16, writing: &Writing) -> Vec<(String, String)> {
    let Some(Value::Date(DateValue::DateParts { date_parts, .. })) = item.0.get("issued") else { return Vec::new() };
    let Some(date) = date_parts.0.first().map(|d| &d.0[..]) else { return Vec::new() };
    let mut marks = vec![((PROBE_DATE[0] + year).to_string(), date[0].to_string())];
    if let Some(&month) = date.get(1) {
        let m = (month as usize).wrapping_sub(1);
        let long = |i: usize| writing.months.get(i).cloned().unwrap_or_default();
        let short = |i: usize| writing.short_months.get(i).cloned().unwrap_or_default();
        marks.push((long(1), long(m)));
        marks.push((short(1), short(m)));
    }
    if let Some(&day) = date.get(2) {
        marks.push((PROBE_DATE[2].to_string(), day.to_string()));
    }
    marks
}

/// A formatted probe cut at its marks: text, and the index of the mark in each gap.
#[derive(Debug, Clone)]
struct Pieces(Vec<Piece>);

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Mark(usize),
}

impl Pieces {
    /// `html` cut at every mark of `marks`, found all at once (a mark's text never holds another
    /// mark). `None` when a number mark runs into letters (`23rd`, `9444th`): an ordinal, which a
    /// template cannot write.
    fn cut(html: &str, marks: &[(String, String)]) -> Option<Pieces> {
        let patterns: Vec<&str> = marks.iter().map(|(m, _)| m.as_str()).filter(|m| !m.is_empty()).collect();
        let index: Vec<usize> = marks.iter().enumerate().filter(|(_, (m, _))| !m.is_empty()).map(|(i, _)| i).collect();
        let finder = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&patterns).ok()?;
        let mut pieces = Vec::new();
        let mut at = 0;
        for found in finder.find_iter(html) {
            let mark = &patterns[found.pattern().as_usize()];
            let numeric = mark.bytes().last().is_some_and(|b| b.is_ascii_digit());
            if numeric && html[found.end()..].chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
                return None;
            }
            pieces.push(Piece::Text(html[at..found.start()].to_string()));
            pieces.push(Piece::Mark(index[found.pattern().as_usize()]));
            at = found.end();
        }
        pieces.push(Piece::Text(html[at..].to_string()));
        Some(Pieces(pieces))
    }

    /// The text with each mark's value (`marks[i].1`) in its place.
    fn fill(&self, marks: &[(String, String)]) -> String {
        let mut html = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => html.push_str(t),
                Piece::Mark(i) => html.push_str(&marks[*i].1),
            }
        }
        html
    }
}

/// A shape's formatted probe, and how the style cased each cased variable.
#[derive(Debug, Clone)]
struct Template {
    pieces: Pieces,
    cases: Vec<(&'static str, Case)>,
}

impl Template {
    fn fill(&self, item: &Item, writing: &Writing) -> String {
        let mut all = date_marks(item, 0, writing);
        all.extend(marks(item, 0, &self.cases, writing));
        self.pieces.fill(&all)
    }
}

/// In-text citations of one shape (the shapes of their items, and their locators' kinds) share a
/// template too: `(Family Year, locator)`. Made once per build, shared by every brief.
pub struct Citations {
    templates: std::sync::Mutex<FastMap<String, Option<Pieces>>>,
    writing: Writing,
}

/// Where the n-th item's placeholders start, and its locator's placeholder.
const ITEM_STRIDE: usize = 64;
fn locator_mark(i: usize) -> String {
    placeholder(0x700 + i)
}

impl Citations {
    pub fn new(style: &Style) -> Citations {
        Citations { templates: Default::default(), writing: Writing::of(style) }
    }

    /// A citation of `items` (each with its locator), by template; `None` when it cannot be made
    /// so (the caller formats it whole). `full` formats a citation of the given items.
    pub fn citation(
        &self,
        items: &[(&Item, Option<(&'static str, &str)>)],
        full: impl Fn(&[(&Item, Option<(&'static str, String)>)]) -> String,
    ) -> Option<String> {
        if items.len() > 8 {
            return None;
        }
        let mut key = String::new();
        for (item, locator) in items {
            key.push_str(&shape(item)?);
            key.push_str(&format!("@{:?};", locator.map(|(k, v)| (k, v.contains('-')))));
        }
        let marks = self.citation_marks(items);
        let cached = self.templates.lock().ok()?.get(&key).cloned();
        let template = match cached {
            Some(t) => t?,
            None => {
                let probes: Vec<(Item, Option<(&'static str, String)>)> = items
                    .iter()
                    .enumerate()
                    .map(|(i, (item, locator))| {
                        (probe_at(item, false, i * ITEM_STRIDE, i as i16), locator.map(|(k, _)| (k, locator_mark(i))))
                    })
                    .collect();
                let probe_refs: Vec<(&Item, Option<(&'static str, String)>)> =
                    probes.iter().map(|(i, l)| (i, l.clone())).collect();
                let html = full(&probe_refs);
                let real: Vec<(&Item, Option<(&'static str, String)>)> =
                    items.iter().map(|(i, l)| (*i, l.map(|(k, v)| (k, v.to_string())))).collect();
                let template = Pieces::cut(&html, &marks).filter(|t| t.fill(&marks) == full(&real));
                self.templates.lock().ok()?.insert(key, template.clone());
                template?
            }
        };
        Some(template.fill(&marks))
    }

    /// The marks of a citation's probe, with the citation's values: each item's year and
    /// values, and its locator (a range written with an en dash, as the processor writes one).
    fn citation_marks(&self, items: &[(&Item, Option<(&'static str, &str)>)]) -> Vec<(String, String)> {
        let mut all = Vec::new();
        for (i, (item, locator)) in items.iter().enumerate() {
            let year = date_marks(item, i as i16, &self.writing).into_iter().next();
            all.extend(year);
            all.extend(marks(item, i * ITEM_STRIDE, &[], &self.writing));
            if let Some((_, value)) = locator {
                all.push((locator_mark(i), escape_html(&value.replace('-', "\u{2013}"))));
            }
        }
        all
    }
}

/// The case the style gave `xq<var> yq`, as found in the cased probe's text.
fn case_of(html: &str, variable: &'static str) -> Option<Case> {
    let written = format!("xq{variable} yq");
    let cased = [
        (written.clone(), Case::NoTransform),
        (Case::Title(TitleCase::default()).transform(&written), Case::Title(TitleCase::default())),
        (Case::Sentence(SentenceCase::default()).transform(&written), Case::Sentence(SentenceCase::default())),
        (Case::FirstUpper.transform(&written), Case::FirstUpper),
        (written.to_uppercase(), Case::Uppercase),
    ];
    cased.into_iter().find(|(text, _)| html.contains(text.as_str())).map(|(_, case)| case)
}

/// Each item formatted as a reference in `style`, alone: by its shape's template where the
/// template reproduces the shape's first entry, else whole.
pub fn references(items: &[&Item], style: &Style) -> Vec<String> {
    let writing = Writing::of(style);
    let shapes: Vec<Option<String>> = items.par_iter().map(|item| shape(item)).collect();
    // Each shape's first entry and how many entries have it. A template costs a few runs of the
    // style: only a shape shared by several entries is worth one (a rebuild formats one).
    let mut first: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, s) in shapes.iter().enumerate() {
        if let Some(s) = s {
            first.entry(s.as_str()).or_insert((i, 0)).1 += 1;
        }
    }
    let templates: FastMap<&str, Option<Template>> = first
        .into_iter()
        .filter(|(_, (_, count))| *count > 1)
        .map(|(shape, (i, _))| (shape, i))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(shape, i)| {
            let item = items[i];
            let template = make_template(item, style, &writing);
            let full = super::format_work(item, style);
            let template = template.filter(|t| super::tidy_reference(t.fill(item, &writing), item) == full);
            (shape, template)
        })
        .collect();
    items
        .par_iter()
        .zip(&shapes)
        .map(|(item, shape)| match shape.as_deref().and_then(|s| templates.get(s)).and_then(Option::as_ref) {
            Some(template) => super::tidy_reference(template.fill(item, &writing), item),
            None => super::format_work(item, style),
        })
        .collect()
}

fn make_template(item: &Item, style: &Style, writing: &Writing) -> Option<Template> {
    let html = super::format_raw(&probe(item, false), style);
    let cased = super::format_raw(&probe(item, true), style);
    let mut cases = Vec::new();
    for &variable in CASED {
        if item.0.contains_key(variable) {
            cases.push((variable, case_of(&cased, variable)?));
        }
    }
    let probe = probe(item, false);
    let mut all = date_marks(&probe, 0, writing);
    all.extend(marks(&probe, 0, &[], writing));
    Some(Template { pieces: Pieces::cut(&html, &all)?, cases })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> Item {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn templates_reproduce_full_formatting() {
        let style = Style::bundled("chicago-author-date").unwrap();
        let items = [
            item(
                r#"{"id":"a","type":"webpage","title":"Press releases on the alliance","URL":"https://example.org/a","publisher":"Ministry of National Defense","container-title":"Ministry of National Defense","issued":{"date-parts":[[2025,11,4]]}}"#,
            ),
            item(
                r#"{"id":"b","type":"webpage","title":"Statement after the meeting in Seoul","URL":"https://example.org/b?x=1&y=2","publisher":"U.S. Department of Defense","container-title":"U.S. Department of Defense","issued":{"date-parts":[[2023,9,30]]}}"#,
            ),
            item(
                r#"{"id":"c","type":"report","title":"Alliance <modernization> and command","author":[{"family":"Lee","given":"Hannah"},{"literal":"Policy Desk"}],"publisher":"Briefs","issued":{"date-parts":[[2024,5]]}}"#,
            ),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        let fast = references(&refs, &style);
        for (item, fast) in items.iter().zip(&fast) {
            assert_eq!(fast, &super::super::tidy_reference(super::super::format_work(item, &style), item));
        }
        assert!(fast[1].contains("September 30") && fast[1].contains("2023"), "{}", fast[1]);
        assert!(fast[2].contains("&lt;modernization&gt;"), "{}", fast[2]);
        assert_eq!(shape(&items[0]), shape(&items[1]));
    }

    /// Journal articles, reports and web pages of one, two and three authors, with values unlike
    /// their shape's first entry: a page range a style shortens, a report number a style labels,
    /// a day or number that is also a probe's (23, 1901).
    fn varied_entries() -> Vec<Item> {
        let mut items = Vec::new();
        for (n, pages) in ["1-60", "112-118", "1499-1512", "321-328", "100-104", "7-9"].iter().enumerate() {
            items.push(item(&format!(
                r#"{{"id":"j{n}","type":"article-journal","title":"Burden sharing and the {n} alliance","author":[{{"family":"Kim","given":"Min-jun"}},{{"family":"Smith","given":"Anna"}}],"container-title":"Journal of Alliance Studies","volume":"{v}","issue":"{i}","page":"{pages}","DOI":"10.5555/jas.{n}","issued":{{"date-parts":[[{y},{m},{d}]]}}}}"#,
                v = 1 + n * 7,
                i = 1 + n % 4,
                y = 1990 + n,
                m = 1 + n * 2,
                d = 3 + n * 4,
            )));
        }
        let authors = [
            "",
            r#""author":[{"family":"Lee","given":"Hannah"}],"#,
            r#""author":[{"family":"Park","given":"Ji-ho"},{"family":"Brown","given":"James"},{"family":"Jung","given":"Sofia"}],"#,
        ];
        for (n, authors) in authors.iter().enumerate() {
            for (k, number) in ["1", "23", "1901"].iter().enumerate() {
                items.push(item(&format!(
                    r#"{{"id":"r{n}{number}","type":"report","title":"Posture and readiness",{authors}"publisher":"Institute for Alliance Research","number":"{number}","issued":{{"date-parts":[[2001,{m},23]]}}}}"#,
                    m = 1 + n * 4 + k,
                )));
                items.push(item(&format!(
                    r#"{{"id":"w{n}{number}","type":"webpage","title":"Analysis {number}",{authors}"container-title":"Alliance Watch","URL":"https://example.org/analysis/{number}","issued":{{"date-parts":[[2019,{m},{d}]]}}}}"#,
                    m = 9 + k,
                    d = 1 + k * 11,
                )));
            }
        }
        items
    }

    /// Every entry of a shape formats as the processor formats it whole, whatever its values:
    /// a template is checked on its shape's first entry only.
    #[test]
    fn every_entry_of_a_shape_matches_full_formatting() {
        let items = varied_entries();
        let refs: Vec<&Item> = items.iter().collect();
        for name in ["chicago-author-date", "apa", "modern-language-association", "ieee", "harvard-cite-them-right"] {
            let style = Style::bundled(name).unwrap();
            let fast = references(&refs, &style);
            for (item, fast) in items.iter().zip(&fast) {
                let full = super::super::tidy_reference(super::super::format_work(item, &style), item);
                assert_eq!(fast, &full, "{name}: {:?}", item.0.get("id"));
            }
        }
    }

    /// The common shapes have a template in the default style: without one, each entry costs a
    /// full formatting (about a millisecond).
    #[test]
    fn common_shapes_have_templates_in_the_default_style() {
        let style = Style::bundled("chicago-author-date").unwrap();
        let writing = Writing::of(&style);
        for item in varied_entries() {
            let template = make_template(&item, &style, &writing).expect("a template");
            let full = super::super::tidy_reference(super::super::format_work(&item, &style), &item);
            assert_eq!(super::super::tidy_reference(template.fill(&item, &writing), &item), full);
        }
    }

    #[test]
    fn unusual_entries_have_no_shape() {
        assert!(shape(&item(r#"{"id":"a","type":"book","title":"T","page":"iv-x"}"#)).is_none());
        assert!(shape(&item(r#"{"id":"a","type":"report","title":"T","number":"RR-2231-1"}"#)).is_none());
        assert!(shape(&item(r#"{"id":"a","type":"book","author":[{"family":"김","given":"철수"}]}"#)).is_none());
        assert!(shape(&item(
            r#"{"id":"a","type":"book","author":[{"family":"Berg","given":"P.","non-dropping-particle":"van der"}]}"#
        ))
        .is_none());
    }
}
