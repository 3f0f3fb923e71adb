//! References formatted by shape. A CSL processor walks the whole style for every entry (about
//! a millisecond each with hayagriva and chicago-author-date), and a site of 10,000 briefs lists
//! some 30,000 sources. Most are alike: a title, a publisher, a date, a URL. Entries of one shape
//! (the same type and the same variables, names and date precision) format the same way but for
//! their values, so one probe entry whose values are placeholders is formatted, and every entry
//! of the shape is that text with its own values put in (the title cased as the style cases it).
//! The template is checked against a full formatting of the shape's first entry; a shape it does
//! not reproduce, or an entry with a variable outside the few handled here, is formatted whole.

use std::collections::BTreeMap;

use hayagriva::citationberg::json::{DateValue, Item, LiteralName, NameItem, NameValue, Value, VecDate, VecDateRange};
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
/// The date the probe is issued on: no other number in a probe.
const PROBE_DATE: [i16; 3] = [1901, 2, 23];

/// The placeholder of the n-th value: a private-use character no style changes.
fn placeholder(n: usize) -> String {
    char::from_u32(0xE000 + n as u32).map(String::from).unwrap_or_default()
}

/// What decides how an entry formats, when a template can format it: its type, its variables,
/// the kinds of its names and its date's precision. `None`: format it whole.
fn shape(item: &Item) -> Option<String> {
    let mut shape = String::new();
    for (key, value) in &item.0 {
        match (key.as_str(), value) {
            ("id", _) => continue,
            ("type", Value::String(t)) => shape.push_str(t),
            ("URL", Value::String(v)) if v.starts_with("http") => shape.push_str("URL-http"),
            // Numbers only: a style may label (`nos.`) or split what is not one.
            ("volume" | "issue" | "number", Value::String(v))
                if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) =>
            {
                shape.push_str(key)
            }
            ("page", Value::String(v)) => {
                let mut parts = v.split('-');
                let numbers = parts.by_ref().take(2).all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
                if !numbers || parts.next().is_some() {
                    return None;
                }
                shape.push_str(if v.contains('-') { "page-range" } else { "page" });
            }
            ("volume" | "issue" | "number", _) => return None,
            (k, Value::String(v)) if TEXT.contains(&k) && !v.trim().is_empty() => shape.push_str(k),
            ("author" | "editor", Value::Names(names)) if !names.is_empty() && names.len() <= 12 => {
                shape.push_str(key);
                for name in names {
                    match name {
                        NameValue::Literal(l) if !super::is_cjk(&l.literal) => shape.push('L'),
                        NameValue::Item(n)
                            if n.non_dropping_particle.is_none()
                                && n.dropping_particle.is_none()
                                && n.suffix.is_none()
                                && !super::is_cjk(&n.family)
                                && n.given.as_deref().is_some_and(|g| !g.is_empty() && !super::is_cjk(g)) =>
                        {
                            shape.push('P')
                        }
                        _ => return None,
                    }
                }
            }
            ("issued", Value::Date(DateValue::DateParts { date_parts, literal: None, season: None, circa: false })) => {
                let [one] = &date_parts.0[..] else { return None };
                shape.push_str(&format!("issued{}", one.0.len()));
            }
            _ => return None,
        }
        shape.push('|');
    }
    Some(shape)
}

/// The probe of a shape: `item` with placeholders for its values, and `cased` holding a text
/// that shows how the style cases a title.
fn probe(item: &Item, cased: bool) -> Item {
    probe_at(item, cased, 0, 0)
}

/// `probe` with placeholders numbered from `base` and the year moved by `year` (to tell the items
/// of one citation apart).
fn probe_at(item: &Item, cased: bool, base: usize, year: i16) -> Item {
    let mut n = base;
    let mut next = || {
        n += 1;
        placeholder(n)
    };
    let mut probe = BTreeMap::new();
    for (key, value) in &item.0 {
        let value = match (key.as_str(), value) {
            ("id" | "type", v) => v.clone(),
            (k, Value::String(_)) if cased && CASED.contains(&k) => Value::String(format!("xq{k} yq")),
            // A web address is written as a link, anything else as text: the probe's is alike.
            ("URL", Value::String(u)) if u.starts_with("http") => {
                Value::String(format!("https://u.invalid/{}", next()))
            }
            (_, Value::String(_)) => Value::String(next()),
            (_, Value::Names(names)) => Value::Names(
                names
                    .iter()
                    .map(|name| match name {
                        NameValue::Literal(_) => NameValue::Literal(LiteralName { literal: next() }),
                        NameValue::Item(_) => NameValue::Item(NameItem {
                            family: next(),
                            given: Some(next()),
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

/// A shape's formatted probe, and how the style cased each cased variable.
#[derive(Debug, Clone)]
struct Template {
    html: String,
    cases: Vec<(&'static str, Case)>,
}

impl Template {
    /// The probe's text with `item`'s values in place of the placeholders (escaped as the
    /// formatter escapes them).
    fn fill(&self, item: &Item) -> String {
        let mut n = 0;
        let mut values: Vec<(String, String)> = Vec::new();
        let mut date: Option<&[i16]> = None;
        for (key, value) in &item.0 {
            match (key.as_str(), value) {
                ("id" | "type", _) => {}
                ("URL", Value::String(v)) if v.starts_with("http") => {
                    n += 1;
                    values.push((format!("https://u.invalid/{}", placeholder(n)), v.clone()));
                }
                (k, Value::String(v)) => {
                    n += 1;
                    let v = match self.cases.iter().find(|(c, _)| *c == k) {
                        Some((_, case)) => case.transform(v),
                        // A page range is written with an en dash.
                        None if k == "page" => v.replace('-', "\u{2013}"),
                        None => v.clone(),
                    };
                    values.push((placeholder(n), v));
                }
                (_, Value::Names(names)) => {
                    for name in names {
                        match name {
                            NameValue::Literal(l) => {
                                n += 1;
                                values.push((placeholder(n), l.literal.clone()));
                            }
                            NameValue::Item(i) => {
                                n += 1;
                                values.push((placeholder(n), i.family.clone()));
                                n += 1;
                                values.push((placeholder(n), i.given.clone().unwrap_or_default()));
                            }
                        }
                    }
                }
                (_, Value::Date(DateValue::DateParts { date_parts, .. })) => {
                    date = date_parts.0.first().map(|d| &d.0[..]);
                }
                _ => {}
            }
        }
        // The date first: a value may hold `23` or `1901`, the probe's values do not.
        let mut html = self.html.clone();
        if let Some(date) = date {
            if let Some(&day) = date.get(2) {
                html = html.replace("23", &day.to_string());
            }
            if let Some(&month) = date.get(1) {
                let name = crate::date::MONTHS.get((month as usize).wrapping_sub(1)).copied().unwrap_or("");
                html = html.replace("February", name).replace("Feb.", &abbreviated(name));
            }
            html = html.replace("1901", &date[0].to_string());
        }
        for (mark, value) in values {
            html = html.replace(&mark, &escape_html(&value.replace('\u{2000}', "")));
        }
        html
    }
}

/// In-text citations of one shape (the shapes of their items, and their locators' kinds) share a
/// template too: `(Family Year, locator)`. Made once per build, shared by every brief.
#[derive(Default)]
pub struct Citations(std::sync::Mutex<FastMap<String, Option<String>>>);

/// Where the n-th item's placeholders start, and its locator's placeholder.
const ITEM_STRIDE: usize = 64;
fn locator_mark(i: usize) -> String {
    placeholder(0x700 + i)
}

impl Citations {
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
        let cached = self.0.lock().ok()?.get(&key).cloned();
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
                let usable = !html.contains("February") && !html.contains("Feb.") && !html.contains("23");
                let real: Vec<(&Item, Option<(&'static str, String)>)> =
                    items.iter().map(|(i, l)| (*i, l.map(|(k, v)| (k, v.to_string())))).collect();
                let template = (usable && fill_citation(&html, items) == full(&real)).then_some(html);
                self.0.lock().ok()?.insert(key, template.clone());
                template?
            }
        };
        Some(fill_citation(&template, items))
    }
}

fn fill_citation(template: &str, items: &[(&Item, Option<(&'static str, &str)>)]) -> String {
    let mut html = template.to_string();
    for (i, (item, _)) in items.iter().enumerate() {
        if let Some(Value::Date(DateValue::DateParts { date_parts, .. })) = item.0.get("issued") {
            if let Some(year) = date_parts.0.first().and_then(|d| d.0.first()) {
                html = html.replace(&(PROBE_DATE[0] + i as i16).to_string(), &year.to_string());
            }
        }
    }
    for (i, (item, locator)) in items.iter().enumerate() {
        let mut n = i * ITEM_STRIDE;
        for (key, value) in &item.0 {
            match (key.as_str(), value) {
                ("id" | "type", _) => {}
                ("URL", Value::String(v)) if v.starts_with("http") => {
                    n += 1;
                    html = html.replace(&format!("https://u.invalid/{}", placeholder(n)), &escape_html(v));
                }
                (_, Value::String(v)) => {
                    n += 1;
                    html = html.replace(&placeholder(n), &escape_html(&v.replace('\u{2000}', "")));
                }
                (_, Value::Names(names)) => {
                    for name in names {
                        match name {
                            NameValue::Literal(l) => {
                                n += 1;
                                html = html.replace(&placeholder(n), &escape_html(&l.literal));
                            }
                            NameValue::Item(p) => {
                                n += 1;
                                html = html.replace(&placeholder(n), &escape_html(&p.family));
                                n += 1;
                                html = html.replace(&placeholder(n), &escape_html(p.given.as_deref().unwrap_or("")));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some((_, value)) = locator {
            html = html.replace(&locator_mark(i), &escape_html(&value.replace('-', "\u{2013}")));
        }
    }
    html
}

/// `September` → `Sept.`, `May` → `May`: the short month names of the en-US locale.
fn abbreviated(month: &str) -> String {
    match month {
        "May" | "June" | "July" => month.to_string(),
        "September" => "Sept.".into(),
        m => format!("{}.", &m[..3.min(m.len())]),
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

/// Every item formatted as a reference, by template where its shape allows.
pub fn references(items: &[&Item], style: &Style) -> Vec<String> {
    let shapes: Vec<Option<String>> = items.par_iter().map(|item| shape(item)).collect();
    // Each shape's first entry, for its template.
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in shapes.iter().enumerate() {
        if let Some(s) = s {
            first.entry(s.as_str()).or_insert(i);
        }
    }
    let templates: FastMap<&str, Option<Template>> = first
        .into_par_iter()
        .map(|(shape, i)| {
            let item = items[i];
            let template = make_template(item, style);
            let full = super::format_work(item, style);
            let template = template.filter(|t| super::tidy_reference(t.fill(item), item) == full);
            (shape, template)
        })
        .collect();
    items
        .par_iter()
        .zip(&shapes)
        .map(|(item, shape)| match shape.as_deref().and_then(|s| templates.get(s)).and_then(Option::as_ref) {
            Some(template) => super::tidy_reference(template.fill(item), item),
            None => super::format_work(item, style),
        })
        .collect()
}

fn make_template(item: &Item, style: &Style) -> Option<Template> {
    let html = super::format_raw(&probe(item, false), style);
    let cased = super::format_raw(&probe(item, true), style);
    let mut cases = Vec::new();
    for &variable in CASED {
        if item.0.contains_key(variable) {
            cases.push((variable, case_of(&cased, variable)?));
        }
    }
    Some(Template { html, cases })
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
