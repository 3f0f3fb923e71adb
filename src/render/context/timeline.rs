//! What the timeline and event pages receive: events with their dates, terms and sources, by
//! year, and the filters.

use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};

use super::{Link, Shared};

/// A date known to a year, month or day: `iso` for `<time datetime>` (`2014-10`), `display` at
/// its precision in the page's language (`October 2014`, `2014년 10월`).
#[derive(Serialize, Hash)]
pub struct PartialDateView {
    pub iso: String,
    pub display: String,
    pub year: i32,
}

/// One event as a page shows it.
#[derive(Serialize, Hash)]
pub struct EventView<'a> {
    /// Its element id on the timeline (`event-scm-2014`), and its place there.
    pub anchor: &'a str,
    pub url: String,
    pub date: PartialDateView,
    pub end: Option<PartialDateView>,
    pub title: &'a str,
    /// The title's language, when it is not the page's.
    pub lang: Option<&'a str>,
    pub planned: bool,
    pub terms: Vec<EventTerm<'a>>,
    /// The briefs that state it, in the page's language where they have a version in it.
    pub briefs: Vec<Link<'a>>,
    pub source: Option<EventSourceView<'a>>,
}

#[derive(Serialize, Hash)]
pub struct EventTerm<'a> {
    pub taxonomy: &'a str,
    pub slug: &'a str,
    pub label: &'a str,
    pub url: &'a str,
}

/// Where an event is documented: a source of the library (its page here) or a URL.
#[derive(Serialize, Hash)]
pub struct EventSourceView<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// The URL is another site's.
    pub external: bool,
}

/// What `event.html` receives when an event is rendered once for every term and brief page
/// that lists it.
#[derive(Serialize)]
pub struct EventItem<'a> {
    pub site: Shared<'a>,
    pub t: Shared<'a>,
    pub build: Shared<'a>,
    pub e: EventView<'a>,
    pub on_timeline: bool,
    pub show_briefs: bool,
}

/// Events of a term or brief page: each event's item, rendered once (`Render::event_item`); it
/// serializes as their HTML and hashes as what they show.
pub struct EventItems<'a> {
    pub render: &'a crate::render::Render<'a>,
    pub lang: usize,
    pub events: &'a [usize],
}

impl Serialize for EventItems<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut html = String::new();
        for &e in self.events {
            html.push_str(&self.render.event_item(self.lang, e).0);
        }
        serializer.serialize_str(&html)
    }
}

impl Hash for EventItems<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.lang.hash(state);
        for &e in self.events {
            self.render.event_item(self.lang, e).1.hash(state);
        }
    }
}

/// The events of one year.
#[derive(Serialize, Hash)]
pub struct YearGroup<'a> {
    pub year: i32,
    pub events: Vec<EventView<'a>>,
}

/// A term to filter the timeline by, with its events' count.
#[derive(Serialize, Hash)]
pub struct TimelineFilter<'a> {
    /// `topics/opcon-transfer`: what each event's `data-terms` lists.
    pub key: String,
    pub label: &'a str,
    /// The term's page, at its timeline.
    pub url: String,
    pub count: usize,
}

/// The terms of one taxonomy to filter the timeline by.
#[derive(Serialize, Hash)]
pub struct TimelineFilterGroup<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub terms: Vec<TimelineFilter<'a>>,
}

/// `/timeline/`: every event, oldest first, by year.
#[derive(Serialize, Hash)]
pub struct TimelinePage<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: &'a str,
    pub years: Vec<YearGroup<'a>>,
    pub count: usize,
    pub planned: usize,
    pub filters: Vec<TimelineFilterGroup<'a>>,
    pub json_url: Option<&'a str>,
    /// The calendar of planned events, in the site's default language.
    pub calendar_url: Option<&'a str>,
    pub calendar_lang: &'a str,
}
