//! When a brief is due for review: its `review_by:`, else its last review (`reviewed:`, else its
//! `updated`, else its `date`) plus a period — the brief's `review_every:`, else its section's
//! (`_index.md`), else the site's (`site.yaml`). A brief with neither is never due.

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::site::{BriefId, Site};

/// A brief past its review date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    pub brief: BriefId,
    /// Its file, as messages show it (`content/briefs/x.md`).
    pub file: String,
    pub authors: Vec<String>,
    pub due: NaiveDate,
    pub days: i64,
}

/// The day brief `b` is due for review, if it is ever.
pub fn review_due(config: &SiteConfig, site: &Site, b: BriefId) -> Option<NaiveDate> {
    let brief = &site.briefs[b];
    let life = &brief.facts().lifecycle;
    if let Some(by) = &life.review_by {
        return Some(by.value.day());
    }
    let section = &site.sections[brief.section];
    let period = life
        .review_every
        .as_ref()
        .map(|p| p.value)
        .or_else(|| {
            section
                .index
                .as_ref()
                .and_then(|i| i.front.as_ref())
                .and_then(|f| f.lifecycle.review_every.as_ref())
                .map(|p| p.value)
        })
        .or(config.review_every)?;
    let facts = brief.facts();
    let last = life.reviewed.or(facts.updated).or(facts.date)?;
    Some(period.after(last.day()))
}

/// Every brief past its review date on `as_of`, by file path.
pub fn overdue(config: &SiteConfig, site: &Site, as_of: NaiveDate) -> Vec<Overdue> {
    let mut list: Vec<Overdue> = (0..site.briefs.len())
        .filter_map(|b| {
            let due = review_due(config, site, b).filter(|due| *due < as_of)?;
            let brief = &site.briefs[b];
            Some(Overdue {
                brief: b,
                file: brief.display().to_string(),
                authors: brief.front().authors.clone(),
                due,
                days: (as_of - due).num_days(),
            })
        })
        .collect();
    list.sort_by(|a, b| a.file.cmp(&b.file));
    list
}

/// What a build says of overdue briefs: one warning with the count, or with `deny`, an error
/// at each.
pub fn diagnostics(site: &Site, list: &[Overdue], deny: bool) -> Vec<Diagnostic> {
    if deny {
        return list
            .iter()
            .map(|o| {
                let brief = &site.briefs[o.brief];
                let life = &brief.facts().lifecycle;
                let at = life.review_by.as_ref().map(|r| r.span.clone());
                let location = match at {
                    Some(span) => brief.parsed.location(span),
                    None => brief.parsed.location(brief.parsed.key_span("reviewed").unwrap_or(0..0)),
                };
                Diagnostic::error(
                    Code::Stale,
                    format!("this brief was due for review on {} ({} overdue)", o.due, overdue_text(o.days)),
                )
                .at(location)
                .help("review it and set `reviewed:` to today's date (or a later `review_by:`)")
            })
            .collect();
    }
    match list.len() {
        0 => Vec::new(),
        n => vec![Diagnostic::warning(
            Code::Stale,
            format!(
                "{n} brief{} past {} review date",
                if n == 1 { " is" } else { "s are" },
                if n == 1 { "its" } else { "their" }
            ),
        )
        .help("`briefing check --stale` lists them by author")],
    }
}

/// `3 days`, `5 weeks`, `4 months`, `2 years`: how long, roughly, as people say it.
pub fn overdue_text(days: i64) -> String {
    let (n, unit) = match days {
        d if d < 14 => (d, "day"),
        d if d < 61 => (d / 7, "week"),
        d if d < 730 => (d / 30, "month"),
        d => (d / 365, "year"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_is_said_as_people_say_it() {
        assert_eq!(overdue_text(1), "1 day");
        assert_eq!(overdue_text(13), "13 days");
        assert_eq!(overdue_text(14), "2 weeks");
        assert_eq!(overdue_text(95), "3 months");
        assert_eq!(overdue_text(800), "2 years");
    }
}
