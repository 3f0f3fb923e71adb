//! The events briefs state (`events:`), assembled into one timeline: an event stated in several
//! briefs (by `id`, or by its date in the versions of one brief) is one event; what they say of it
//! must agree. Each event has its terms (its own, else its brief's) and its source (a citation
//! key of the library, or a URL). Oldest first.

use crate::config::SiteConfig;
use crate::date::PartialDate;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::hash::{self, FastMap};
use crate::library::Library;
use crate::site::{BriefId, Site};

#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Oldest first.
    pub events: Vec<Event>,
    /// Per taxonomy, per term: its events, oldest first (indexes into `events`).
    pub by_term: Vec<Vec<Vec<usize>>>,
    /// Per brief: the events it states, oldest first.
    pub by_brief: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Hash)]
pub struct Event {
    pub id: Option<String>,
    /// Its element id on the timeline page: its `id`'s slug, else its date and title.
    pub anchor: String,
    pub date: PartialDate,
    pub end: Option<PartialDate>,
    /// Its title per language tag, the first stated first.
    pub titles: Vec<(String, String)>,
    pub planned: bool,
    /// `(taxonomy, term)`, in taxonomy then term order.
    pub terms: Vec<(usize, usize)>,
    pub source: Option<EventSource>,
    /// The briefs that state it, in file order.
    pub briefs: Vec<BriefId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventSource {
    /// An entry of the library, by index.
    Cited(usize),
    Url(String),
}

impl Event {
    /// Its title in language `lang`, else in the site's default language, else the first stated;
    /// with the language it is in.
    pub fn title_in<'e>(&'e self, lang: &str, default: &str) -> (&'e str, &'e str) {
        let find = |code: &str| self.titles.iter().find(|(l, _)| l == code);
        let (l, t) = find(lang).or_else(|| find(default)).unwrap_or(&self.titles[0]);
        (t, l)
    }
}

impl Timeline {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The events a brief states, oldest first.
    pub fn of_brief(&self, b: BriefId) -> &[usize] {
        self.by_brief.get(b).map_or(&[], Vec::as_slice)
    }

    /// The events of a term, oldest first.
    pub fn of_term(&self, taxonomy: usize, term: usize) -> &[usize] {
        self.by_term.get(taxonomy).and_then(|t| t.get(term)).map_or(&[], Vec::as_slice)
    }
}

/// What makes two statements the same event: its `id`, else the brief (its versions share it),
/// the date, and which of the brief's events of that date it is.
#[derive(PartialEq, Eq, Hash)]
enum Identity<'a> {
    Id(&'a str),
    Unnamed(BriefId, PartialDate, usize),
}

/// Assembles the timeline from every brief's events. Problems: an id stated with different
/// dates or titles (at both places), an unknown term, an unknown citation key.
pub fn assemble(config: &SiteConfig, site: &Site, library: &Library) -> (Timeline, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    if site.briefs.iter().all(|b| b.facts().events.is_empty()) {
        return (Timeline::default(), diagnostics);
    }
    let lookup = term_lookup(config, site);
    let mut events: Vec<Event> = Vec::new();
    // Where each event was first stated, for messages.
    let mut first: Vec<Location> = Vec::new();
    let mut by_identity: FastMap<Identity, usize> = FastMap::default();
    for (b, brief) in site.briefs.iter().enumerate() {
        let lang = site.language_of(b).to_string();
        let family = brief.original.unwrap_or(b);
        let mut seen_dates: Vec<PartialDate> = Vec::new();
        for stated in &brief.facts().events {
            let entry = &stated.value;
            let here = brief.parsed.location(stated.span.clone());
            let nth = seen_dates.iter().filter(|d| **d == entry.date).count();
            seen_dates.push(entry.date);
            let identity = match &entry.id {
                Some(id) => Identity::Id(id.as_str()),
                None => Identity::Unnamed(family, entry.date, nth),
            };
            let titles: Vec<(String, String)> =
                entry.titles.iter().map(|(l, t)| (l.clone().unwrap_or_else(|| lang.clone()), t.clone())).collect();
            let mut terms = Vec::new();
            for (t, taxonomy) in config.taxonomies.iter().enumerate() {
                match entry.terms.get(&taxonomy.name) {
                    Some(labels) => {
                        for label in labels {
                            match lookup[t].get(crate::slug::slugify(label).as_str()) {
                                Some(&i) => terms.push((t, i)),
                                None => {
                                    let known = site.taxonomies[t].terms.iter().map(|term| term.label.as_str());
                                    let help = match crate::suggest::closest(label, known) {
                                        Some(s) => format!("did you mean `{s}`?"),
                                        None => format!(
                                            "an event's {0} are terms the site has: name it in a brief's `{0}:`, or add a record `content/{0}/{1}.md`",
                                            taxonomy.name,
                                            crate::slug::slugify(label)
                                        ),
                                    };
                                    diagnostics.push(
                                        Diagnostic::error(
                                            Code::BadEvent,
                                            format!(
                                                "the event's {} term `{label}` is not a term of the site",
                                                taxonomy.name
                                            ),
                                        )
                                        .at(here.clone())
                                        .help(help),
                                    );
                                }
                            }
                        }
                    }
                    // Who wrote the brief is not what the event is about.
                    None if taxonomy.name == "authors" => {}
                    None => terms.extend(brief.terms.iter().copied().filter(|&(bt, _)| bt == t)),
                }
            }
            let source = match entry.source.as_deref() {
                None => None,
                Some(url) if is_url(url) => Some(EventSource::Url(url.to_string())),
                Some(key) => {
                    let key = key.trim_start_matches('@');
                    match library.get(key) {
                        Some(entry) => Some(EventSource::Cited(entry)),
                        None => {
                            let help = match crate::suggest::closest(key, library.keys()) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "give a key of the bibliography or of a brief's `sources:`, or the source's URL (https://…)".into(),
                            };
                            diagnostics.push(
                                Diagnostic::error(
                                    Code::UnknownCitation,
                                    format!("the event's `source: {key}` is neither a citation key nor a URL"),
                                )
                                .at(here.clone())
                                .help(help),
                            );
                            None
                        }
                    }
                }
            };
            match by_identity.get(&identity) {
                None => {
                    by_identity.insert(identity, events.len());
                    first.push(here);
                    events.push(Event {
                        id: entry.id.clone(),
                        anchor: String::new(),
                        date: entry.date,
                        end: entry.end,
                        titles,
                        planned: entry.planned,
                        terms,
                        source,
                        briefs: vec![b],
                    });
                }
                Some(&e) => {
                    let event = &mut events[e];
                    let name =
                        entry.id.as_deref().map_or_else(|| format!("of {}", entry.date.iso()), |id| format!("`{id}`"));
                    let mut conflict = |what: String| {
                        diagnostics.push(
                            Diagnostic::error(Code::BadEvent, format!("the event {name} is stated differently: {what}"))
                                .at(here.clone())
                                .also(first[e].clone(), "stated here first")
                                .help("an event stated in several briefs has one date, end and title in each language; make them agree, or give them different ids"),
                        );
                    };
                    if (event.date, event.end) != (entry.date, entry.end) {
                        let shown = |d: PartialDate, end: Option<PartialDate>| match end {
                            Some(end) => format!("{} to {}", d.iso(), end.iso()),
                            None => d.iso(),
                        };
                        conflict(format!(
                            "{} here, {} first",
                            shown(entry.date, entry.end),
                            shown(event.date, event.end)
                        ));
                        continue;
                    }
                    for (l, t) in titles {
                        match event.titles.iter().find(|(el, _)| *el == l) {
                            Some((_, et)) if *et != t => {
                                conflict(format!("its `{l}` title is “{t}” here, “{et}” first"))
                            }
                            Some(_) => {}
                            None => event.titles.push((l, t)),
                        }
                    }
                    event.planned |= entry.planned;
                    for term in terms {
                        if !event.terms.contains(&term) {
                            event.terms.push(term);
                        }
                    }
                    if event.source.is_none() {
                        event.source = source;
                    }
                    if !event.briefs.contains(&b) {
                        event.briefs.push(b);
                    }
                }
            }
        }
    }
    for event in &mut events {
        event.terms.sort_unstable();
    }
    // Anchors: unique, stable across builds (from what the event says, not its position).
    let default = &config.language;
    events.sort_by(|a, b| {
        (a.date, a.end, a.title_in(default, default).0).cmp(&(b.date, b.end, b.title_in(default, default).0))
    });
    let mut used: FastMap<String, usize> = FastMap::default();
    for event in &mut events {
        let base = match &event.id {
            Some(id) => crate::slug::slugify(id),
            None => {
                let title: String = crate::slug::slugify(event.title_in(default, default).0).chars().take(48).collect();
                format!("{}-{}", event.date.iso(), title.trim_end_matches('-'))
            }
        };
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        event.anchor = if *n == 1 { format!("event-{base}") } else { format!("event-{base}-{n}") };
    }
    let mut by_term: Vec<Vec<Vec<usize>>> = site.taxonomies.iter().map(|t| vec![Vec::new(); t.terms.len()]).collect();
    let mut by_brief: Vec<Vec<usize>> = vec![Vec::new(); site.briefs.len()];
    for (e, event) in events.iter().enumerate() {
        for &(t, i) in &event.terms {
            by_term[t][i].push(e);
        }
        for &b in &event.briefs {
            by_brief[b].push(e);
        }
    }
    (Timeline { events, by_term, by_brief }, diagnostics)
}

fn is_url(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Per taxonomy: every slug that names a term (its slug, the spellings briefs wrote, its
/// record's names and aka) to the term.
pub(crate) fn term_lookup(config: &SiteConfig, site: &Site) -> Vec<FastMap<String, usize>> {
    config
        .taxonomies
        .iter()
        .enumerate()
        .map(|(t, _)| {
            let mut map: FastMap<String, usize> = hash::fast_map(64);
            let Some(taxonomy) = site.taxonomies.get(t) else { return map };
            for (i, term) in taxonomy.terms.iter().enumerate() {
                map.insert(term.slug.clone(), i);
                map.insert(crate::slug::slugify(&term.label), i);
                for spelling in &term.spellings {
                    map.insert(spelling.clone(), i);
                }
                for label in &term.labels {
                    map.entry(crate::slug::slugify(label)).or_insert(i);
                }
                if let Some(r) = term.record {
                    let fields = site.records[r].fields();
                    for aka in &fields.aka {
                        map.entry(crate::slug::slugify(&aka.value)).or_insert(i);
                    }
                    for (_, name) in &fields.names {
                        map.entry(crate::slug::slugify(&name.value)).or_insert(i);
                    }
                }
            }
            map
        })
        .collect()
}
