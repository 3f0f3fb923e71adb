//! The page list: for each page of the route table, its template and its typed context. A new
//! page kind is one more arm here (and its `Page` variant in `routes/mod.rs`).

use std::sync::OnceLock;

use crate::markdown;
use crate::routes::Page;
use crate::site::BriefId;

use super::context::*;
use super::Render;

impl<'a> Render<'a> {
    /// The template and context of a page.
    pub(super) fn page_context(&'a self, page: Page) -> (&'static str, PageContext<'a>) {
        let (site, routes) = (self.site, self.routes);
        match page {
            Page::Brief(b) => ("page.html", PageContext::Brief(self.brief_page(b))),
            Page::Section { section, page, lang } => {
                let sec = &site.sections[section];
                let context = SectionPage {
                    kind: "section",
                    title: sec.title_in(lang),
                    url: routes.section_in(lang, section, page).map_or("", |r| r.url()),
                    intro: self.intro(section, lang),
                    briefs: self.cards_of(sec.briefs.of(lang), page),
                    subsections: self.subsections(section, lang),
                    pager: self.pager(page, List::Section(lang, section)),
                };
                ("section.html", PageContext::Section(context))
            }
            Page::Home(lang) => {
                let latest = site.latest.of(lang);
                let latest = self.cards.list(&latest[..latest.len().min(self.config.paginate_by)]);
                let home = &site.sections[0];
                let context = HomePage {
                    kind: "index",
                    title: if lang == 0 || home.index_in(lang).is_some() {
                        home.title_in(lang)
                    } else {
                        self.config.title_in(lang)
                    },
                    url: routes.home_in(lang).url(),
                    intro: self.intro(0, lang),
                    latest,
                    sections: self.subsections(0, lang),
                    taxonomies: (0..site.taxonomies.len())
                        .filter(|&t| routes.taxonomy_in(lang, t).is_some())
                        .map(|t| self.taxonomy_summary(t, lang))
                        .collect(),
                };
                ("index.html", PageContext::Home(context))
            }
            Page::Taxonomy { taxonomy: t, lang } => {
                let summary = self.taxonomy_summary(t, lang);
                let context = TaxonomyListPage {
                    kind: "taxonomy_list",
                    name: summary.name,
                    title: summary.title,
                    url: summary.url,
                    terms: summary.terms,
                };
                ("taxonomy_list.html", PageContext::TaxonomyList(context))
            }
            Page::Term { taxonomy: t, term: i, page, lang } => {
                let taxonomy = &site.taxonomies[t];
                let term = &taxonomy.terms[i];
                let mentioned = self.graph.mentions.of_term(t, i, lang);
                let context = TermPage {
                    kind: "taxonomy_term",
                    title: term.label_in(lang),
                    label: term.label_in(lang),
                    url: routes.term_in(lang, t, i, page).map_or("", |r| r.url()),
                    taxonomy: self.taxonomy_link(t, lang),
                    briefs: self.cards_of(term.briefs.of(lang), page),
                    count: term.briefs.of(lang).len(),
                    pager: self.pager(page, List::Term(lang, t, i)),
                    record: term.record.map(|r| self.record_view(t, i, r, lang)),
                    // On the first page only: later pages continue its list.
                    related_terms: if page == 1 { self.related_terms(t, i, lang) } else { Vec::new() },
                    mentioned: self.cards_of(if page == 1 { mentioned } else { &[] }, 1),
                    mentioned_count: mentioned.len(),
                    feed: routes.term_feed(lang, t, i).map(|r| r.url()),
                    events: EventItems {
                        render: self,
                        lang,
                        events: if page == 1 { site.timeline.of_term(t, i) } else { &[] },
                    },
                    reports: site
                        .reports
                        .of_term(t, i)
                        .iter()
                        .map(|&r| Link {
                            title: &self.config.reports[site.reports.reports[r].spec].title,
                            url: routes.report(r).url(),
                        })
                        .collect(),
                };
                ("taxonomy_term.html", PageContext::Term(context))
            }
            Page::NotFound => (
                "404.html",
                PageContext::NotFound(NotFoundPage {
                    kind: "404",
                    title: "Page not found",
                    url: routes.not_found().url(),
                }),
            ),
            Page::Sources => {
                let library = &site.library;
                let citations = &self.graph.citations;
                let mut sources: Vec<SourceRow> = library
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| SourceRow {
                        key: &e.key,
                        url: routes.source(i).url(),
                        title: &e.title,
                        html: citations.references.get(i).map_or("", String::as_str),
                        year: e.year(),
                        cited_by: citations.cited_by.get(i).map_or(0, Vec::len),
                    })
                    .collect();
                // Most cited first; the page can sort again by year or title.
                sources.sort_by(|a, b| b.cited_by.cmp(&a.cited_by).then_with(|| a.title.cmp(b.title)));
                let url = routes.sources().map_or("", |r| r.url());
                ("sources.html", PageContext::Sources(SourcesPage { kind: "sources", title: "Sources", url, sources }))
            }
            Page::Source(i) => {
                let entry = &site.library.entries[i];
                let citations = &self.graph.citations;
                let cited_by = citations.cited_by.get(i).map_or(&[][..], Vec::as_slice);
                let context = SourcePage {
                    kind: "source",
                    title: &entry.title,
                    key: &entry.key,
                    url: routes.source(i).url(),
                    html: citations.references.get(i).map_or("", String::as_str),
                    link: entry.url.as_deref(),
                    doi: entry.doi.as_deref(),
                    archived: entry.archived.as_deref(),
                    sources_url: routes.sources().map_or("", |r| r.url()),
                    cited_by: cited_by
                        .iter()
                        .map(|c| CitedByView { brief: self.cards.get(c.brief), sentences: &c.sentences })
                        .collect(),
                };
                ("source.html", PageContext::Source(context))
            }
            Page::Timeline(lang) => ("timeline.html", PageContext::Timeline(self.timeline_page(lang))),
            Page::Reports => ("reports.html", PageContext::Reports(self.reports_page())),
            Page::Report(r) => ("report.html", PageContext::Report(Box::new(self.report_page(r)))),
            Page::Search(lang) => (
                "search.html",
                PageContext::Search(SearchPage {
                    kind: "search",
                    title: self.word(lang, "search"),
                    url: routes.search_in(lang).url(),
                    index_url: self.search_index_url(lang),
                    search_words: self.search_words(lang),
                }),
            ),
        }
    }

    fn brief_page(&'a self, b: BriefId) -> BriefPage<'a> {
        let (site, graph, routes) = (self.site, self.graph, self.routes);
        let brief = &site.briefs[b];
        let front = brief.front();
        let section = &site.sections[brief.section];
        let analysis = &brief.parsed.analysis;
        let links = &graph.briefs[b];
        let cited = graph.citations.of_brief.get(b).and_then(|c| c.as_deref());
        BriefPage {
            kind: "page",
            own: FromFile {
                file: &brief.parsed.file,
                value: BriefOwn {
                    id: brief.id(),
                    title: brief.title(),
                    date: date_context(&front.date, site.language_of(b)),
                    updated: date_context(&front.updated, site.language_of(b)),
                    summary: brief.summary(),
                    toc: &analysis.headings,
                    word_count: analysis.word_count,
                    reading_minutes: analysis.reading_minutes(),
                    authors: &front.authors,
                    status: front.status.as_deref(),
                    sources: &front.sources,
                    image: front.image.as_ref().map(|image| ImageUrl {
                        routes,
                        folder: brief.folder(),
                        image: &image.value,
                    }),
                    lang: Some(site.language_of(b)),
                    extra: front.extra.as_ref(),
                    reviewed: date_context(&front.lifecycle.reviewed, site.language_of(b)),
                    changes: front
                        .lifecycle
                        .changes
                        .iter()
                        .map(|c| ChangeView { date: DateContext(c.date, site.language_of(b)), note: &c.note })
                        .collect(),
                },
            },
            url: routes.brief(b).url(),
            content: self.brief_body(b),
            taxonomies: self.terms.groups(&brief.terms, brief.lang),
            backlinks: self.cards.list(&graph.backlinks[b]),
            related: RelatedList { cards: &self.cards, related: &graph.related[b][..] },
            outgoing: self.cards.list(&links.outgoing),
            previous: graph.previous(b).map(|x| self.cards.get(x)),
            next: graph.next(b).map(|x| self.cards.get(x)),
            section: match routes.section_in(brief.lang, brief.section, 1) {
                Some(route) => Link { title: section.title_in(brief.lang), url: route.url() },
                None => Link { title: &section.title, url: routes.section(brief.section, 1).url() },
            },
            structured_data: StructuredData { render: self, brief: b },
            references: self.references(cited),
            citation_notes: cited.map_or(&[][..], |c| &c.notes[..]),
            cite: match (graph.citations.cite_this.get(b), routes.cite_files(b)) {
                (Some(html), Some((bib, ris))) => Some(CiteThis { html, bib: bib.url(), ris: ris.url() }),
                _ => None,
            },
            scholar: Scholar {
                title: brief.title(),
                authors: &front.authors,
                date: front.date.map(|d| d.ymd().replace('-', "/")),
                institution: &self.config.title,
                language: site.language_of(b),
                references: cited.map_or_else(Vec::new, |c| {
                    c.references.iter().map(|r| crate::citations::plain_of(&r.html)).collect()
                }),
            },
            stale: brief
                .original
                .filter(|_| brief.is_stale(&site.briefs))
                .map(|o| Link { title: site.briefs[o].title(), url: routes.brief(o).url() }),
            superseded_by: brief.superseded_by.iter().map(|&s| self.brief_link(s)).collect(),
            supersedes: brief.supersedes.iter().map(|&s| self.brief_link(s)).collect(),
            events: EventItems { render: self, lang: brief.lang, events: site.timeline.of_brief(b) },
        }
    }

    /// A brief's body as its page shows it: its links resolved, its citations formatted.
    pub(super) fn brief_body(&'a self, b: BriefId) -> Body<'a> {
        let (site, graph) = (self.site, self.graph);
        let links = &graph.briefs[b];
        let cited = graph.citations.of_brief.get(b).and_then(|c| c.as_deref());
        Body {
            parsed: &site.briefs[b].parsed,
            links: &links.outputs,
            links_hash: links.hash,
            citations: cited.map_or(&[][..], |c| &c.inline[..]),
            raw_html: self.config.raw_html,
            notes: markdown::notes_heading(site.language_of(b)),
        }
    }

    fn brief_link(&'a self, b: BriefId) -> Link<'a> {
        Link { title: self.site.briefs[b].title(), url: self.routes.brief(b).url() }
    }

    /// Events as a page in language `lang` shows them; `whole`: with their terms and briefs (the
    /// timeline's view; a term or brief page links each event there).
    pub(super) fn event_views(&'a self, events: &[usize], lang: usize, whole: bool) -> Vec<EventView<'a>> {
        let (site, routes) = (self.site, self.routes);
        let code = crate::site::language_code(self.config, lang);
        let default = &self.config.language;
        let timeline = routes.timeline_in(lang).or_else(|| routes.timeline_in(0)).map_or("", |r| r.url());
        let date =
            |d: crate::date::PartialDate| PartialDateView { iso: d.iso(), display: d.display_in(code), year: d.year };
        events
            .iter()
            .map(|&e| {
                let event = &site.timeline.events[e];
                let (title, title_lang) = event.title_in(code, default);
                let mut briefs: Vec<BriefId> =
                    if whole { event.briefs.iter().map(|&b| site.version_in(b, lang)).collect() } else { Vec::new() };
                briefs.sort_unstable_by_key(|&b| site.rank[b]);
                briefs.dedup();
                EventView {
                    anchor: &event.anchor,
                    url: format!("{timeline}#{}", event.anchor),
                    date: date(event.date),
                    end: event.end.map(date),
                    title,
                    lang: (title_lang != code).then_some(title_lang),
                    planned: event.planned,
                    terms: {
                        // A topic and an actor of the same name (CFC) are shown once.
                        let mut seen: Vec<&str> = Vec::new();
                        let shown = if whole { &event.terms[..] } else { &[] };
                        shown
                            .iter()
                            .filter(|&&(t, i)| {
                                let label = site.taxonomies[t].terms[i].label_in(lang);
                                let new = !seen.contains(&label);
                                seen.push(label);
                                new
                            })
                            .map(|&(t, i)| {
                                let term = &site.taxonomies[t].terms[i];
                                EventTerm {
                                    taxonomy: &site.taxonomies[t].name,
                                    slug: &term.slug,
                                    label: term.label_in(lang),
                                    url: routes.term_or_default(lang, t, i).url(),
                                }
                            })
                            .collect()
                    },
                    briefs: briefs.into_iter().map(|b| self.brief_link(b)).collect(),
                    source: event.source.as_ref().map(|source| match source {
                        crate::timeline::EventSource::Cited(entry) => EventSourceView {
                            title: &site.library.entries[*entry].title,
                            url: routes.source(*entry).url(),
                            external: false,
                        },
                        crate::timeline::EventSource::Url(url) => EventSourceView { title: url, url, external: true },
                    }),
                }
            })
            .collect()
    }

    fn timeline_page(&'a self, lang: usize) -> TimelinePage<'a> {
        let (site, routes) = (self.site, self.routes);
        let timeline = &site.timeline;
        let all: Vec<usize> = (0..timeline.events.len()).collect();
        let mut years: Vec<YearGroup> = Vec::new();
        for view in self.event_views(&all, lang, true) {
            match years.last_mut() {
                Some(group) if group.year == view.date.year => group.events.push(view),
                _ => years.push(YearGroup { year: view.date.year, events: vec![view] }),
            }
        }
        let filters = site
            .taxonomies
            .iter()
            .enumerate()
            .filter(|(_, tax)| tax.name != "authors")
            .map(|(t, tax)| {
                let mut terms: Vec<TimelineFilter> = (0..tax.terms.len())
                    .filter(|&i| !timeline.of_term(t, i).is_empty())
                    .map(|i| TimelineFilter {
                        key: tax.term_key(i),
                        label: tax.terms[i].label_in(lang),
                        url: format!("{}#timeline", routes.term_or_default(lang, t, i).url()),
                        count: timeline.of_term(t, i).len(),
                    })
                    .collect();
                terms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(b.label)));
                TimelineFilterGroup { name: &tax.name, title: tax.title_in(lang), terms }
            })
            .filter(|group| !group.terms.is_empty())
            .collect();
        TimelinePage {
            kind: "timeline",
            title: self.word(lang, "timeline"),
            url: routes.timeline_in(lang).map_or("", |r| r.url()),
            years,
            count: timeline.events.len(),
            planned: timeline.events.iter().filter(|e| e.planned).count(),
            filters,
            json_url: routes.timeline_json(lang).map(|r| r.url()),
            calendar_url: routes.timeline_ics().map(|r| r.url()),
            calendar_lang: &self.config.language,
        }
    }

    pub(super) fn references(&'a self, cited: Option<&'a crate::citations::BriefCitations>) -> Vec<ReferenceView<'a>> {
        cited.map_or_else(Vec::new, |cited| cited.references.iter().map(|r| self.reference_view(r)).collect())
    }

    /// A reference of a brief's list, linked to its source's page.
    pub(super) fn reference_view(&'a self, r: &'a crate::citations::Reference) -> ReferenceView<'a> {
        let entry = &self.site.library.entries[r.entry];
        ReferenceView {
            key: &entry.key,
            id: format!("ref-{}", crate::citations::anchor(&entry.key)),
            html: &r.html,
            url: self.routes.source(r.entry).url(),
            link: entry.url.as_deref(),
            archived: entry.archived.as_deref(),
        }
    }

    fn cards_of(&'a self, briefs: &'a [BriefId], page: usize) -> CardList<'a> {
        let per_page = self.config.paginate_by;
        let start = ((page - 1) * per_page).min(briefs.len());
        self.cards.list(&briefs[start..(start + per_page).min(briefs.len())])
    }

    /// The citations of a body that is not a brief's, as written (`citations::as_written`).
    fn as_written(&'a self, parsed: &crate::parse::Parsed) -> &'a [String] {
        self.graph.citations.as_written.get(&parsed.file.rel_path).map_or(&[], Vec::as_slice)
    }

    /// A section's introduction in a language (the default's `_index.md`, else `_index.<code>.md`).
    fn intro(&'a self, s: usize, lang: usize) -> Option<Body<'a>> {
        let section = &self.site.sections[s];
        let parsed = section.index_in(lang)?;
        let (links, links_hash) = match lang {
            0 => &self.graph.section_outputs[s],
            _ => self.graph.translated_outputs.get(&parsed.file.rel_path).unwrap_or(&self.graph.section_outputs[s]),
        };
        Some(Body {
            parsed,
            links,
            links_hash: *links_hash,
            citations: self.as_written(parsed),
            raw_html: self.config.raw_html,
            notes: markdown::notes_heading(crate::site::language_code(self.config, lang)),
        })
    }

    fn subsections(&'a self, s: usize, lang: usize) -> Vec<SectionLink<'a>> {
        self.site.sections[s]
            .children
            .iter()
            .filter_map(|&c| {
                let child = &self.site.sections[c];
                let url = self.routes.section_in(lang, c, 1)?.url();
                Some(SectionLink { title: child.title_in(lang), url, count: child.briefs.of(lang).len() })
            })
            .collect()
    }

    pub(super) fn taxonomy_link(&'a self, t: usize, lang: usize) -> TaxonomyLink<'a> {
        let taxonomy = &self.site.taxonomies[t];
        let route = self.routes.taxonomy_in(lang, t).unwrap_or_else(|| self.routes.taxonomy(t));
        TaxonomyLink { name: &taxonomy.name, title: taxonomy.title_in(lang), url: route.url() }
    }

    /// The words the search script shows, as JSON for its `data-words`.
    fn search_words(&'a self, lang: usize) -> String {
        let keys = [
            "search_loading",
            "search_failed",
            "search_none",
            "search_none_within",
            "search_found",
            "search_found_more",
        ];
        let words: std::collections::BTreeMap<&str, &str> = keys.iter().map(|&k| (k, self.word(lang, k))).collect();
        serde_json::to_string(&words).unwrap_or_default()
    }

    /// A word of the theme in a language (`t.search`), else its key.
    pub(super) fn word(&'a self, lang: usize, key: &'a str) -> &'a str {
        self.word_maps[lang].get(key).copied().unwrap_or(key)
    }

    /// A record's name in another language than the page's: its first name in another language
    /// on a page in the default language; its title on a page in another.
    fn other_name(&'a self, t: usize, i: usize, r: usize, lang: usize) -> Option<NameIn<'a>> {
        if lang != 0 {
            let term = &self.site.taxonomies[t].terms[i];
            return (term.label_in(lang) != term.label)
                .then_some(NameIn { lang: &self.config.language, name: &term.label });
        }
        let names = &self.site.records[r].fields().names;
        names.iter().find(|(lang, _)| *lang != self.config.language).map(|(lang, n)| NameIn { lang, name: &n.value })
    }

    fn record_view(&'a self, t: usize, i: usize, r: usize, lang: usize) -> RecordView<'a> {
        let (site, routes) = (self.site, self.routes);
        let record = &site.records[r];
        let fields = record.fields();
        let terms = &site.taxonomies[t].terms;
        let link =
            |j: usize| TermLink { label: terms[j].label_in(lang), url: routes.term_or_default(lang, t, j).url() };
        let (links, links_hash) = &self.graph.record_outputs[r];
        // Its names in the languages other than the page's: the title (in the site's default
        // language) among them on a page in another language.
        let code = crate::site::language_code(self.config, lang);
        let title = (lang != 0).then_some(NameIn { lang: &self.config.language, name: &terms[i].label });
        let names = fields.names.iter().filter(|(l, _)| l != code).map(|(l, n)| NameIn { lang: l, name: &n.value });
        RecordView {
            lang: &self.config.language,
            names: title.into_iter().chain(names).collect(),
            aka: fields.aka.iter().map(|a| a.value.as_str()).collect(),
            kind: fields.kind.as_deref(),
            // Not shown twice when the description opens with the same sentence.
            summary: record
                .parsed
                .front
                .as_ref()
                .and_then(|f| f.summary.as_deref())
                .filter(|s| record.parsed.analysis.first_paragraph.as_deref() != Some(s.trim())),
            affiliation: fields.affiliation.as_deref(),
            wikidata: fields.wikidata.as_ref().map(|q| format!("https://www.wikidata.org/wiki/{q}")),
            broader: terms[i].broader.iter().map(|&j| link(j)).collect(),
            narrower: (0..terms.len()).filter(|&j| terms[j].broader.contains(&i)).map(link).collect(),
            description: Body {
                parsed: &record.parsed,
                links,
                links_hash: *links_hash,
                citations: self.as_written(&record.parsed),
                raw_html: self.config.raw_html,
                notes: markdown::notes_heading(&self.config.language),
            },
        }
    }

    /// The terms (of any taxonomy) named most often by the briefs that name term `i`: eight at
    /// most, most often first, then by label.
    fn related_terms(&'a self, t: usize, i: usize, lang: usize) -> Vec<TermLink<'a>> {
        let site = self.site;
        let label = |(t, j): (usize, usize)| site.taxonomies[t].terms[j].label_in(lang);
        let related = self.related_terms.get(lang, t, i, || {
            let mut counts: crate::hash::FastMap<(usize, usize), usize> = crate::hash::fast_map(32);
            for &b in site.taxonomies[t].terms[i].briefs.of(lang) {
                for &other in site.briefs[b].terms.iter().filter(|&&o| o != (t, i)) {
                    *counts.entry(other).or_default() += 1;
                }
            }
            let mut counts: Vec<((usize, usize), usize)> = counts.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| label(a.0).cmp(label(b.0))));
            // A topic and an actor of the same name (CFC) are shown once, as the more frequent.
            let mut seen = std::collections::HashSet::new();
            counts.into_iter().filter(|&(term, _)| seen.insert(label(term))).take(8).map(|(term, _)| term).collect()
        });
        let link = |&(t, j): &(usize, usize)| TermLink {
            label: label((t, j)),
            url: self.routes.term_or_default(lang, t, j).url(),
        };
        related.iter().map(link).collect()
    }

    fn taxonomy_summary(&'a self, t: usize, lang: usize) -> TaxonomySummary<'a> {
        let taxonomy = &self.site.taxonomies[t];
        let mut terms: Vec<TermSummary> = taxonomy
            .terms
            .iter()
            .enumerate()
            .filter_map(|(i, term)| {
                Some(TermSummary {
                    label: term.label_in(lang),
                    slug: &term.slug,
                    url: self.routes.term_in(lang, t, i, 1)?.url(),
                    count: term.briefs.of(lang).len(),
                    other_name: term.record.and_then(|r| self.other_name(t, i, r, lang)),
                })
            })
            .collect();
        terms.sort_by_cached_key(|term| (term.label.to_lowercase(), term.slug));
        // A stable sort of the list by name: equal counts keep their A→Z order.
        let mut busiest = terms.clone();
        busiest.sort_by_key(|term| std::cmp::Reverse(term.count));
        let TaxonomyLink { name, title, url } = self.taxonomy_link(t, lang);
        TaxonomySummary { name, title, url, terms, busiest }
    }
}

/// Per language, taxonomy and term, the terms most often named with it (see `related_terms`),
/// made when a term's first page is first asked for. `watch` keeps them while the terms were
/// drafted from the same inputs with the same build identity (`Site::terms_key`).
pub struct RelatedTerms {
    lists: Vec<Vec<Vec<OnceLock<TermList>>>>,
}

/// Terms by taxonomy and index.
type TermList = Box<[(usize, usize)]>;

impl RelatedTerms {
    pub fn new(site: &crate::site::Site, languages: usize) -> RelatedTerms {
        let terms = || site.taxonomies.iter().map(|t| t.terms.iter().map(|_| OnceLock::new()).collect()).collect();
        RelatedTerms { lists: (0..languages).map(|_| terms()).collect() }
    }

    fn get(&self, lang: usize, t: usize, i: usize, make: impl FnOnce() -> Box<[(usize, usize)]>) -> &[(usize, usize)] {
        self.lists[lang][t][i].get_or_init(make)
    }
}
