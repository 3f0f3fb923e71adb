//! The timeline as files other tools read: `timeline.json` in TimelineJS3's format, and
//! `timeline.ics`, an iCalendar file of the planned events that a calendar can subscribe to.
//! Both are made from the same plain list of events (`CalendarEvent`), which they hash as.

use std::fmt::Write as _;

use crate::date::PartialDate;
use crate::markdown::escape_html;

use super::Render;

/// An event as these files write it: its text in one language, its links absolute where the
/// site has an origin.
#[derive(Hash)]
pub struct CalendarEvent {
    pub anchor: String,
    pub date: PartialDate,
    pub end: Option<PartialDate>,
    pub display: String,
    pub title: String,
    pub planned: bool,
    /// Its place on the timeline page.
    pub url: String,
    pub terms: Vec<String>,
    /// `(title, URL)` of each brief that states it.
    pub briefs: Vec<(String, String)>,
    pub source: Option<(String, String)>,
    /// The newest date among the briefs that state it (`DTSTAMP`), as `YYYYMMDD`.
    pub stamp: String,
}

/// `timeline/timeline.json`.
#[derive(Hash)]
pub struct TimelineJson<'a> {
    pub title: String,
    pub description: String,
    pub events: &'a [CalendarEvent],
}

/// `timeline/timeline.ics`.
#[derive(Hash)]
pub struct Calendar<'a> {
    pub name: String,
    /// The domain of `UID`s: the site's host and path, else its title's slug.
    pub domain: String,
    pub events: Vec<&'a CalendarEvent>,
}

impl<'a> Render<'a> {
    /// Every event of the timeline in language `lang`, made once for both files.
    pub(super) fn calendar_events(&'a self, lang: usize) -> &'a [CalendarEvent] {
        self.calendar_events[lang].get_or_init(|| self.make_calendar_events(lang))
    }

    fn make_calendar_events(&'a self, lang: usize) -> Vec<CalendarEvent> {
        let routes = self.routes;
        let absolute = |url: &str| routes.urls.absolute(url).unwrap_or_else(|| url.to_string());
        let all: Vec<usize> = (0..self.site.timeline.events.len()).collect();
        self.event_views(&all, lang, true)
            .into_iter()
            .zip(&self.site.timeline.events)
            .map(|(view, event)| {
                let stamp = event
                    .briefs
                    .iter()
                    .filter_map(|&b| {
                        let front = self.site.briefs[b].front();
                        front.updated.or(front.date)
                    })
                    .max()
                    .map_or_else(|| "19700101".to_string(), |d| d.ymd().replace('-', ""));
                CalendarEvent {
                    anchor: view.anchor.to_string(),
                    date: event.date,
                    end: event.end,
                    display: match &view.end {
                        Some(end) => format!("{} – {}", view.date.display, end.display),
                        None => view.date.display.clone(),
                    },
                    title: view.title.to_string(),
                    planned: event.planned,
                    url: absolute(&view.url),
                    terms: view.terms.iter().map(|t| t.label.to_string()).collect(),
                    briefs: view.briefs.iter().map(|l| (l.title.to_string(), absolute(l.url))).collect(),
                    source: view.source.as_ref().map(|s| {
                        let url = if s.external { s.url.to_string() } else { absolute(s.url) };
                        (s.title.to_string(), url)
                    }),
                    stamp,
                }
            })
            .collect()
    }

    pub(super) fn timeline_json(&'a self, lang: usize) -> TimelineJson<'a> {
        TimelineJson {
            title: format!("{} — {}", self.word(lang, "timeline"), self.config.title_in(lang)),
            description: self.config.description_in(lang).to_string(),
            events: self.calendar_events(lang),
        }
    }

    pub(super) fn calendar(&'a self) -> Calendar<'a> {
        // The site's host and path: two sites on one host have their own ids.
        let domain = match self.routes.absolute(self.routes.home()) {
            Some(home) => home.split("://").nth(1).unwrap_or(&home).trim_end_matches('/').to_string(),
            None => format!("{}.briefing", crate::slug::slugify(&self.config.title)),
        };
        let events = self.calendar_events(0).iter().filter(|e| e.planned).collect();
        Calendar { name: format!("{} — {}", self.config.title, self.word(0, "timeline_planned")), domain, events }
    }
}

/// TimelineJS3's date: year, and month and day when known, with the text to show.
fn js_date(date: PartialDate, display: Option<&str>) -> serde_json::Value {
    let mut d = serde_json::json!({ "year": date.year });
    if let Some(m) = date.month {
        d["month"] = m.into();
    }
    if let Some(day) = date.day {
        d["day"] = day.into();
    }
    if let Some(text) = display {
        d["display_date"] = text.into();
    }
    d
}

impl TimelineJson<'_> {
    /// TimelineJS3's JSON: a title slide and one slide per event (its briefs and source as
    /// links in its text, its first term as its group).
    pub fn write(&self) -> Vec<u8> {
        let events: Vec<serde_json::Value> = self
            .events
            .iter()
            .map(|e| {
                let mut text = String::new();
                if !e.briefs.is_empty() {
                    let links: Vec<String> = e
                        .briefs
                        .iter()
                        .map(|(title, url)| format!("<a href=\"{}\">{}</a>", escape_html(url), escape_html(title)))
                        .collect();
                    let _ = write!(text, "<p>{}</p>", links.join(" · "));
                }
                if let Some((title, url)) = &e.source {
                    let _ = write!(text, "<p><a href=\"{}\">{}</a></p>", escape_html(url), escape_html(title));
                }
                let mut event = serde_json::json!({
                    "start_date": js_date(e.date, Some(&e.display)),
                    "text": { "headline": escape_html(&e.title), "text": text },
                    "unique_id": e.anchor,
                });
                if let Some(end) = e.end {
                    event["end_date"] = js_date(end, None);
                }
                if let Some(group) = e.terms.first() {
                    event["group"] = group.as_str().into();
                }
                event
            })
            .collect();
        let json = serde_json::json!({
            "title": { "text": { "headline": escape_html(&self.title), "text": escape_html(&self.description) } },
            "events": events,
        });
        let mut out = serde_json::to_vec(&json).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

impl Calendar<'_> {
    /// RFC 5545: an all-day event per planned event, covering its date at its precision (a
    /// month-long event for `2026-11`), lines folded at 75 octets, CRLF line ends.
    pub fn write(&self) -> Vec<u8> {
        let mut lines: Vec<String> = vec![
            "BEGIN:VCALENDAR".into(),
            "VERSION:2.0".into(),
            format!("PRODID:-//briefing//briefing {}//EN", env!("CARGO_PKG_VERSION")),
            "CALSCALE:GREGORIAN".into(),
            "METHOD:PUBLISH".into(),
            format!("X-WR-CALNAME:{}", text(&self.name)),
        ];
        for e in &self.events {
            let end = e.end.unwrap_or(e.date).end_exclusive();
            lines.push("BEGIN:VEVENT".into());
            lines.push(format!("UID:{}@{}", e.anchor, self.domain));
            lines.push(format!("DTSTAMP:{}T000000Z", e.stamp));
            lines.push(format!("DTSTART;VALUE=DATE:{}", e.date.start().format("%Y%m%d")));
            lines.push(format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")));
            lines.push(format!("SUMMARY:{}", text(&e.title)));
            let mut description = vec![e.display.clone()];
            description.extend(e.briefs.iter().map(|(title, url)| format!("{title}: {url}")));
            match &e.source {
                Some((title, url)) if title == url => description.push(url.clone()),
                Some((title, url)) => description.push(format!("{title}: {url}")),
                None => {}
            }
            lines.push(format!("DESCRIPTION:{}", text(&description.join("\n"))));
            if !e.terms.is_empty() {
                let terms: Vec<String> = e.terms.iter().map(|t| text(t)).collect();
                lines.push(format!("CATEGORIES:{}", terms.join(",")));
            }
            if e.url.starts_with("http") {
                lines.push(format!("URL:{}", e.url));
            }
            lines.push("TRANSP:TRANSPARENT".into());
            lines.push("END:VEVENT".into());
        }
        lines.push("END:VCALENDAR".into());
        let mut out = String::new();
        for line in lines {
            fold(&line, &mut out);
        }
        out.into_bytes()
    }
}

/// An iCalendar TEXT value: `\`, `;`, `,` and line breaks escaped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets (never inside a character), each part ended
/// with CRLF and continued after a space.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "전시작전통제권 전환 ".repeat(10)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), format!("SUMMARY:{}", "전시작전통제권 전환 ".repeat(10)).trim_end());
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
