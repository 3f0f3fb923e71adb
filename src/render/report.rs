//! The pages of reports: `/reports/`, and each report as one page — cover, contents, key
//! points, a chapter per brief, the timeline of their events, their references merged and a
//! glossary of their terms — laid out for reading on screen and for print (and so for PDF).

use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};

use crate::hash::{self, FastMap};
use crate::markdown::LinkOutput;
use crate::report::{scope, Parts, Report};

use super::context::{date_context, Body, DateContext, EventView, NameIn, ReferenceView};
use super::Render;

/// `/reports/`: every report.
#[derive(Serialize, Hash)]
pub struct ReportsPage<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: &'a str,
    pub reports: Vec<ReportSummary<'a>>,
}

#[derive(Serialize, Hash)]
pub struct ReportSummary<'a> {
    pub title: &'a str,
    /// The language of its briefs.
    pub lang: &'a str,
    pub subtitle: Option<&'a str>,
    pub url: &'a str,
    pub pdf: Option<&'a str>,
    pub count: usize,
    pub first: Option<DateContext<'a>>,
    pub last: Option<DateContext<'a>>,
}

/// `/reports/<id>/`.
#[derive(Serialize, Hash)]
pub struct ReportPage<'a> {
    pub kind: &'static str,
    pub id: &'a str,
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
    pub url: &'a str,
    /// The language of its briefs.
    pub lang: &'a str,
    pub parts: Parts,
    pub count: usize,
    /// The dates of its oldest and newest briefs.
    pub first: Option<DateContext<'a>>,
    pub last: Option<DateContext<'a>>,
    /// The site's address, printed on the cover.
    pub site_url: String,
    pub pdf: Option<&'a str>,
    /// The parts and chapters, as the contents list shows them.
    pub contents: Vec<ContentsEntry>,
    pub chapters: Vec<Chapter<'a>>,
    pub events: Vec<EventView<'a>>,
    /// The sources of every chapter, once each.
    pub references: Vec<ReferenceView<'a>>,
    pub glossary: Vec<GlossaryEntry<'a>>,
}

#[derive(Serialize, Hash)]
pub struct ContentsEntry {
    pub title: String,
    pub anchor: String,
    /// A chapter (else a part: key points, timeline…).
    pub chapter: bool,
}

/// A brief as a chapter of a report.
#[derive(Serialize, Hash)]
pub struct Chapter<'a> {
    /// Its element id, and the prefix of every id of its body.
    pub anchor: String,
    pub title: &'a str,
    pub summary: &'a str,
    /// Its page on the site (absolute when `base_url` has an origin): printed under its title.
    pub url: String,
    pub date: Option<DateContext<'a>>,
    pub authors: &'a [String],
    pub lang: &'a str,
    pub body: ChapterBody<'a>,
    /// In a notes style, its citations' notes.
    pub notes: &'a [String],
    /// Its own sources (the merged list holds their ids).
    pub sources: Vec<ReferenceView<'a>>,
}

/// A body with its links pointed into the report and its ids scoped (`report::scope`). It
/// hashes as the body and the report's anchors.
pub struct ChapterBody<'a> {
    pub body: Body<'a>,
    pub links: Vec<LinkOutput>,
    pub anchor: String,
    pub extra_ids: Vec<String>,
    pub anchors_key: u64,
    /// Whether the page shows it (`include` without `briefs` lists only their key points).
    pub shown: bool,
}

impl Hash for ChapterBody<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.body, &self.anchor, self.anchors_key, self.shown).hash(state);
    }
}

impl Serialize for ChapterBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.shown {
            return serializer.serialize_str("");
        }
        let body = Body { links: &self.links, ..self.body };
        serializer.serialize_str(&scope::scope(&body.html(), &self.anchor, &self.extra_ids))
    }
}

#[derive(Serialize, Hash)]
pub struct GlossaryEntry<'a> {
    pub label: &'a str,
    /// Its page on the site (absolute when `base_url` has an origin).
    pub url: String,
    /// Its names in the site's languages, the label's aside.
    pub names: Vec<NameIn<'a>>,
    pub aka: Vec<&'a str>,
    pub kind: Option<&'a str>,
    pub summary: Option<&'a str>,
}

/// The ids of the report's own parts: no chapter anchor takes them.
const PART_IDS: &[&str] = &[
    "report-cover",
    "report-contents",
    "report-key-points",
    "report-timeline",
    "report-references",
    "report-glossary",
];

impl<'a> Render<'a> {
    pub(super) fn reports_page(&'a self) -> ReportsPage<'a> {
        let (site, routes) = (self.site, self.routes);
        let reports = site
            .reports
            .reports
            .iter()
            .enumerate()
            .map(|(r, report)| {
                let spec = &self.config.reports[report.spec];
                let (first, last) = self.span_of(report);
                ReportSummary {
                    title: &spec.title,
                    lang: crate::site::language_code(self.config, report.lang),
                    subtitle: spec.subtitle.as_deref(),
                    url: routes.report(r).url(),
                    pdf: routes.report_pdf(r).map(|p| p.url()),
                    count: report.briefs.len(),
                    first,
                    last,
                }
            })
            .collect();
        ReportsPage {
            kind: "reports",
            title: self.word(0, "reports"),
            url: routes.reports().map_or("", |r| r.url()),
            reports,
        }
    }

    /// The dates of a report's oldest and newest briefs.
    fn span_of(&'a self, report: &Report) -> (Option<DateContext<'a>>, Option<DateContext<'a>>) {
        let site = self.site;
        let dates = report.briefs.iter().filter_map(|&b| site.briefs[b].front().date.map(|d| (d, b)));
        let first = dates.clone().min_by_key(|(d, _)| d.datetime).map(|(d, b)| DateContext(d, site.language_of(b)));
        let last = dates.max_by_key(|(d, _)| d.datetime).map(|(d, b)| DateContext(d, site.language_of(b)));
        (first, last)
    }

    pub(super) fn report_page(&'a self, r: usize) -> ReportPage<'a> {
        let (site, routes, graph) = (self.site, self.routes, self.graph);
        let report = &site.reports.reports[r];
        let spec = &self.config.reports[report.spec];
        let lang = report.lang;
        let code = crate::site::language_code(self.config, lang);
        // Each chapter's anchor, unique on the page, and the URL of its brief's page.
        let mut anchors: Vec<String> = Vec::with_capacity(report.briefs.len());
        let mut taken: std::collections::HashSet<String> = PART_IDS.iter().map(|p| p.to_string()).collect();
        for &b in &report.briefs {
            let base = crate::slug::slugify(&site.briefs[b].id().replace('/', "-"));
            let mut anchor = if base.is_empty() { "chapter".to_string() } else { base };
            let mut n = 1;
            while taken.contains(&anchor) {
                n += 1;
                anchor = format!("{}-{n}", anchor.trim_end_matches(char::is_numeric).trim_end_matches('-'));
            }
            taken.insert(anchor.clone());
            anchors.push(anchor);
        }
        let by_url: FastMap<&str, &str> =
            report.briefs.iter().zip(&anchors).map(|(&b, anchor)| (routes.brief(b).url(), anchor.as_str())).collect();
        let anchors_key = hash::of(&(
            &anchors,
            report.briefs.iter().map(|&b| routes.brief(b).url()).collect::<Vec<_>>(),
            &routes.urls.origin,
        ));
        let absolute = |url: &str| routes.urls.absolute(url).unwrap_or_else(|| url.to_string());
        let into_report = |link: &LinkOutput| match link {
            LinkOutput::Href { url, label, hreflang } => {
                let (path, fragment) = match url.split_once('#') {
                    Some((path, fragment)) => (path, Some(fragment)),
                    None => (url.as_str(), None),
                };
                let url = match (by_url.get(path), fragment) {
                    _ if path.is_empty() => url.clone(),
                    (Some(anchor), Some(fragment)) if !fragment.is_empty() => format!("#{anchor}:{fragment}"),
                    (Some(anchor), _) => format!("#{anchor}"),
                    (None, _) if path.starts_with('/') => absolute(url),
                    (None, _) => url.clone(),
                };
                LinkOutput::Href { url, label: label.clone(), hreflang: hreflang.clone() }
            }
            other => other.clone(),
        };
        let chapters: Vec<Chapter> = report
            .briefs
            .iter()
            .zip(&anchors)
            .map(|(&b, anchor)| {
                let brief = &site.briefs[b];
                let links = &graph.briefs[b];
                let cited = graph.citations.of_brief.get(b).and_then(|c| c.as_deref());
                let notes = cited.map_or(&[][..], |c| &c.notes[..]);
                Chapter {
                    anchor: anchor.clone(),
                    title: brief.title(),
                    summary: brief.summary(),
                    url: absolute(routes.brief(b).url()),
                    date: date_context(&brief.front().date, site.language_of(b)),
                    authors: &brief.front().authors,
                    lang: site.language_of(b),
                    body: ChapterBody {
                        body: self.brief_body(b),
                        links: links.outputs.iter().map(into_report).collect(),
                        anchor: anchor.clone(),
                        // Citations link their notes, and their references where the report
                        // lists no references of its own (else the merged list holds the ids).
                        extra_ids: (1..=notes.len())
                            .map(|n| format!("cite-note-{n}"))
                            .chain(cited.filter(|_| !spec.parts.references).into_iter().flat_map(|c| {
                                c.references.iter().map(|r| {
                                    format!("ref-{}", crate::citations::anchor(&site.library.entries[r.entry].key))
                                })
                            }))
                            .collect(),
                        anchors_key,
                        shown: spec.parts.briefs,
                    },
                    notes,
                    sources: self.references(cited),
                }
            })
            .collect();
        let mut references: Vec<ReferenceView> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for &b in &report.briefs {
            let Some(cited) = graph.citations.of_brief.get(b).and_then(|c| c.as_deref()) else { continue };
            for reference in &cited.references {
                if !seen.contains(&reference.entry) {
                    seen.push(reference.entry);
                    references.push(self.reference_view(reference));
                }
            }
        }
        references.sort_by_cached_key(|r| crate::citations::plain_of(r.html).to_lowercase());
        let glossary: Vec<GlossaryEntry> = report
            .glossary
            .iter()
            .map(|&(t, i)| {
                let term = &site.taxonomies[t].terms[i];
                let record = &site.records[term.record.expect("glossary terms have records")];
                let fields = record.fields();
                let label = term.label_in(lang);
                let default_name =
                    (term.label != label).then_some(NameIn { lang: &self.config.language, name: &term.label });
                GlossaryEntry {
                    label,
                    url: absolute(routes.term_or_default(lang, t, i).url()),
                    names: default_name
                        .into_iter()
                        .chain(
                            fields
                                .names
                                .iter()
                                .filter(|(l, n)| l != code && n.value != label)
                                .map(|(l, n)| NameIn { lang: l, name: &n.value }),
                        )
                        .collect(),
                    aka: fields.aka.iter().map(|a| a.value.as_str()).collect(),
                    kind: fields.kind.as_deref(),
                    summary: record.parsed.front.as_ref().and_then(|f| f.summary.as_deref()).or(record
                        .parsed
                        .analysis
                        .first_paragraph
                        .as_deref()),
                }
            })
            .collect();
        let parts = spec.parts;
        let events = if parts.timeline { self.event_views(&report.events, lang, false) } else { Vec::new() };
        let mut contents = Vec::new();
        let part = |on: bool, word: &'static str, anchor: &str, contents: &mut Vec<ContentsEntry>| {
            if on {
                contents.push(ContentsEntry {
                    title: self.word(lang, word).to_string(),
                    anchor: anchor.into(),
                    chapter: false,
                });
            }
        };
        part(parts.key_points && !chapters.is_empty(), "key_points", "report-key-points", &mut contents);
        if parts.briefs {
            contents.extend(chapters.iter().map(|c| ContentsEntry {
                title: c.title.to_string(),
                anchor: c.anchor.clone(),
                chapter: true,
            }));
        }
        part(!events.is_empty(), "timeline", "report-timeline", &mut contents);
        part(parts.references && !references.is_empty(), "references", "report-references", &mut contents);
        part(parts.glossary && !glossary.is_empty(), "glossary", "report-glossary", &mut contents);
        let (first, last) = self.span_of(report);
        ReportPage {
            kind: "report",
            id: &spec.id,
            title: &spec.title,
            subtitle: spec.subtitle.as_deref(),
            url: routes.report(r).url(),
            lang: code,
            parts,
            count: report.briefs.len(),
            first,
            last,
            site_url: absolute(routes.home_in(lang).url()),
            pdf: routes.report_pdf(r).map(|p| p.url()),
            contents,
            chapters,
            events,
            references: if parts.references { references } else { Vec::new() },
            glossary: if parts.glossary { glossary } else { Vec::new() },
        }
    }
}
