//! A brief as a citeable work: BibLaTeX (`cite.bib`) and RIS (`cite.ris`) beside its page, and
//! the CSL-JSON item its "Cite this brief" line is formatted from.

use std::collections::BTreeMap;

use hayagriva::citationberg::json::{DateValue, Item, LiteralName, NameValue, Value, VecDate, VecDateRange};

/// What a citation of a brief needs.
#[derive(Debug, Clone, Hash)]
pub struct Work<'a> {
    pub key: &'a str,
    pub title: &'a str,
    pub authors: &'a [String],
    /// `[year, month, day]` as far as known.
    pub date: Option<[i32; 3]>,
    /// The page's path, and its absolute URL when `base_url` has an origin.
    pub url: &'a str,
    pub absolute: Option<String>,
    /// The site: the publisher.
    pub publisher: &'a str,
    pub summary: &'a str,
    pub language: &'a str,
}

impl Work<'_> {
    /// The URL others should cite: the absolute one when known.
    pub fn link(&self) -> &str {
        self.absolute.as_deref().unwrap_or(self.url)
    }
}

/// The brief as CSL-JSON: a report by its authors (names kept whole: an analyst desk or a
/// Korean name is never split), published by the site.
pub fn item(work: &Work) -> Item {
    let mut item = BTreeMap::new();
    item.insert("id".to_string(), Value::String(work.key.to_string()));
    item.insert("type".to_string(), Value::String("report".into()));
    item.insert("title".to_string(), Value::String(work.title.to_string()));
    item.insert("publisher".to_string(), Value::String(work.publisher.to_string()));
    item.insert("URL".to_string(), Value::String(work.link().to_string()));
    let names: Vec<NameValue> =
        work.authors.iter().map(|a| NameValue::Literal(LiteralName { literal: a.clone() })).collect();
    if !names.is_empty() {
        item.insert("author".to_string(), Value::Names(names));
    }
    if let Some([y, m, d]) = work.date {
        item.insert(
            "issued".to_string(),
            Value::Date(DateValue::DateParts {
                date_parts: VecDateRange(vec![VecDate(vec![y as i16, m as i16, d as i16])]),
                literal: None,
                season: None,
                circa: false,
            }),
        );
    }
    Item(item)
}

/// BibLaTeX braces and specials escaped: `{`, `}`, `\`, `%`, `&`, `#`, `$`, `_`, `~`, `^`. A
/// name is wrapped in braces so BibTeX never splits it into given and family names.
fn bib_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '{' | '}' | '%' | '&' | '#' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn biblatex(work: &Work) -> String {
    let mut out = format!("@report{{{},\n", bib_key(work.key));
    let mut field = |name: &str, value: String| {
        if !value.trim().is_empty() {
            out.push_str(&format!("  {name:<11} = {{{value}}},\n"));
        }
    };
    field("title", bib_text(work.title));
    let authors: Vec<String> = work.authors.iter().map(|a| format!("{{{}}}", bib_text(a))).collect();
    field("author", authors.join(" and "));
    field("institution", bib_text(work.publisher));
    if let Some([y, m, d]) = work.date {
        field("date", format!("{y:04}-{m:02}-{d:02}"));
    }
    // A verbatim field in BibLaTeX: written as it is (a URL holds no braces or line breaks).
    field("url", work.link().replace(['{', '}', '\n', '\r'], ""));
    field("langid", bib_text(work.language));
    field("abstract", bib_text(work.summary));
    out.push_str("}\n");
    out
}

/// A BibTeX key: letters, digits and `-_:.` only.
fn bib_key(key: &str) -> String {
    let key: String =
        key.chars().map(|c| if c.is_ascii_alphanumeric() || "-_:.".contains(c) { c } else { '-' }).collect();
    if key.trim_matches('-').is_empty() {
        "brief".into()
    } else {
        key
    }
}

/// RIS, as reference managers import it (EndNote, Zotero, Mendeley): `TY  - RPRT` … `ER  - `.
pub fn ris(work: &Work) -> String {
    let mut out = String::from("TY  - RPRT\r\n");
    let mut tag = |tag: &str, value: &str| {
        let value = value.replace(['\r', '\n'], " ");
        if !value.trim().is_empty() {
            out.push_str(&format!("{tag}  - {}\r\n", value.trim()));
        }
    };
    tag("TI", work.title);
    for a in work.authors {
        tag("AU", a);
    }
    if let Some([y, m, d]) = work.date {
        tag("PY", &format!("{y:04}"));
        tag("DA", &format!("{y:04}/{m:02}/{d:02}"));
    }
    tag("PB", work.publisher);
    tag("UR", work.link());
    tag("LA", work.language);
    tag("AB", work.summary);
    out.push_str("ER  - \r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work<'a>(authors: &'a [String]) -> Work<'a> {
        Work {
            key: "briefs/scm-2025",
            title: "The 2025 SCM: {what} was agreed & 100% done",
            authors,
            date: Some([2025, 11, 5]),
            url: "/briefs/scm-2025/",
            absolute: Some("https://briefs.example.org/briefs/scm-2025/".into()),
            publisher: "Alliance Briefs",
            summary: "Two lines\nof summary",
            language: "en",
        }
    }

    #[test]
    fn biblatex_escapes_and_keeps_names_whole() {
        let authors = vec!["Policy Desk".to_string(), "김철수".to_string()];
        let bib = biblatex(&work(&authors));
        assert!(bib.starts_with("@report{briefs-scm-2025,\n"), "{bib}");
        assert!(bib.contains("title       = {The 2025 SCM: \\{what\\} was agreed \\& 100\\% done},"), "{bib}");
        assert!(bib.contains("author      = {{Policy Desk} and {김철수}},"), "{bib}");
        assert!(bib.contains("date        = {2025-11-05},"));
        assert!(bib.contains("abstract    = {Two lines of summary},"));
    }

    #[test]
    fn ris_has_one_tag_per_line_and_ends_with_er() {
        let authors = vec!["Policy Desk".to_string()];
        let ris = ris(&work(&authors));
        assert!(ris.starts_with("TY  - RPRT\r\n"));
        assert!(ris.contains("AU  - Policy Desk\r\n"));
        assert!(ris.contains("DA  - 2025/11/05\r\n"));
        assert!(ris.contains("AB  - Two lines of summary\r\n"));
        assert!(ris.ends_with("ER  - \r\n"));
    }
}
