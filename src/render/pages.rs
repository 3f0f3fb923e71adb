//! The page list: for each page of the route table, its template and its typed context. A new
//! page kind is one more arm here (and its `Page` variant in `routes.rs`).

use crate::routes::Page;
use crate::site::BriefId;

use super::context::*;
use super::Render;

impl<'a> Render<'a> {
    /// The template and context of a page.
    pub(super) fn page_context(&'a self, page: Page) -> (&'static str, PageContext<'a>) {
        let (site, routes) = (self.site, self.routes);
        match page {
            Page::Brief(b) => ("page.html", PageContext::Brief(Box::new(self.brief_page(b)))),
            Page::Section { section, page } => {
                let sec = &site.sections[section];
                let context = SectionPage {
                    kind: "section",
                    title: &sec.title,
                    url: routes.section(section, page).url(),
                    intro: self.intro(section),
                    briefs: self.cards_of(&sec.briefs, page),
                    subsections: self.subsections(section),
                    pager: self.pager(
                        page,
                        routes.section_pages(section),
                        |p| routes.section(section, p).url(),
                        || &self.section_pages[section],
                    ),
                };
                ("section.html", PageContext::Section(context))
            }
            Page::Home => {
                let latest = site.by_date.iter().take(self.config.paginate_by).map(|&b| self.cards.get(b)).collect();
                let context = HomePage {
                    kind: "index",
                    title: &site.sections[0].title,
                    url: routes.home().url(),
                    intro: self.intro(0),
                    latest,
                    sections: self.subsections(0),
                    taxonomies: (0..site.taxonomies.len()).map(|t| self.taxonomy_summary(t)).collect(),
                };
                ("index.html", PageContext::Home(context))
            }
            Page::Taxonomy(t) => {
                let summary = self.taxonomy_summary(t);
                let context = TaxonomyListPage {
                    kind: "taxonomy_list",
                    name: summary.name,
                    title: summary.title,
                    url: summary.url,
                    terms: summary.terms,
                };
                ("taxonomy_list.html", PageContext::TaxonomyList(context))
            }
            Page::Term { taxonomy: t, term: i, page } => {
                let taxonomy = &site.taxonomies[t];
                let term = &taxonomy.terms[i];
                let context = TermPage {
                    kind: "taxonomy_term",
                    title: &term.label,
                    label: &term.label,
                    url: routes.term(t, i, page).url(),
                    taxonomy: self.taxonomy_link(t),
                    briefs: self.cards_of(&term.briefs, page),
                    count: term.briefs.len(),
                    pager: self.pager(
                        page,
                        routes.term_pages(t, i),
                        |p| routes.term(t, i, p).url(),
                        || &self.term_pages[t][i],
                    ),
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
            Page::Search => (
                "search.html",
                PageContext::Search(SearchPage {
                    kind: "search",
                    title: "Search",
                    url: routes.search().url(),
                    index_url: self.search_index_url(),
                }),
            ),
        }
    }

    fn brief_page(&'a self, b: BriefId) -> BriefPage<'a> {
        let (site, graph, routes) = (self.site, self.graph, self.routes);
        let brief = &site.briefs[b];
        let front = brief.front();
        let mut taxonomies: Vec<TermGroup> = site
            .taxonomies
            .iter()
            .enumerate()
            .map(|(t, tax)| TermGroup {
                name: &tax.name,
                title: &tax.title,
                url: routes.taxonomy(t).url(),
                terms: vec![],
            })
            .collect();
        for &(t, term) in &brief.terms {
            let label = &site.taxonomies[t].terms[term].label;
            taxonomies[t].terms.push(TermLink { label, url: routes.term(t, term, 1).url() });
        }
        taxonomies.retain(|g| !g.terms.is_empty());
        let section = &site.sections[brief.section];
        let analysis = &brief.parsed.analysis;
        BriefPage {
            kind: "page",
            id: brief.id(),
            title: brief.title(),
            url: routes.brief(b).url(),
            date: date_context(&front.date),
            updated: date_context(&front.updated),
            summary: brief.summary(),
            content: Body { parsed: &brief.parsed, links: graph.outputs(b), raw_html: self.config.raw_html },
            toc: &analysis.headings,
            word_count: analysis.word_count,
            reading_minutes: analysis.reading_minutes(),
            authors: &front.authors,
            status: front.status.as_deref(),
            taxonomies,
            sources: &front.sources,
            backlinks: graph.backlinks[b].iter().map(|&x| self.cards.get(x)).collect(),
            related: graph.related[b]
                .iter()
                .map(|r| RelatedCard {
                    card: self.cards.get(r.brief),
                    reason: if r.shared.is_empty() { String::new() } else { format!("shares {}", r.shared.join(", ")) },
                })
                .collect(),
            outgoing: graph.outgoing(b).iter().map(|&x| self.cards.get(x)).collect(),
            previous: graph.previous[b].map(|x| self.cards.get(x)),
            next: graph.next[b].map(|x| self.cards.get(x)),
            section: Link { title: &section.title, url: routes.section(brief.section, 1).url() },
            image: front.image.as_ref().map(|i| self.image_url(brief.folder(), i)),
            lang: front.lang.as_deref(),
            extra: front.extra.as_ref(),
        }
    }

    /// `image:` in front-matter: absolute URLs pass through; other paths are relative to the
    /// brief's folder, like images in its body.
    fn image_url(&self, folder: &str, image: &str) -> String {
        if image.contains("://") {
            return image.to_string();
        }
        let path = match image.strip_prefix('/') {
            Some(rooted) => rooted.to_string(),
            None if folder.is_empty() => image.to_string(),
            None => format!("{folder}/{image}"),
        };
        // Absolute when possible: Open Graph consumers need absolute image URLs.
        let href = self.routes.href(&path);
        self.routes.urls.absolute(&href).unwrap_or(href)
    }

    fn cards_of(&'a self, briefs: &[BriefId], page: usize) -> Vec<CardRef<'a>> {
        let per_page = self.config.paginate_by;
        briefs.iter().skip((page - 1) * per_page).take(per_page).map(|&b| self.cards.get(b)).collect()
    }

    fn intro(&'a self, s: usize) -> Option<Body<'a>> {
        self.site.sections[s].index.as_ref().map(|parsed| Body {
            parsed,
            links: &self.graph.section_outputs[s],
            raw_html: self.config.raw_html,
        })
    }

    fn subsections(&'a self, s: usize) -> Vec<SectionLink<'a>> {
        self.site.sections[s]
            .children
            .iter()
            .map(|&c| {
                let child = &self.site.sections[c];
                SectionLink { title: &child.title, url: self.routes.section(c, 1).url(), count: child.briefs.len() }
            })
            .collect()
    }

    fn taxonomy_link(&'a self, t: usize) -> TaxonomyLink<'a> {
        let taxonomy = &self.site.taxonomies[t];
        TaxonomyLink { name: &taxonomy.name, title: &taxonomy.title, url: self.routes.taxonomy(t).url() }
    }

    fn taxonomy_summary(&'a self, t: usize) -> TaxonomySummary<'a> {
        let taxonomy = &self.site.taxonomies[t];
        let mut terms: Vec<TermSummary> = taxonomy
            .terms
            .iter()
            .enumerate()
            .map(|(i, term)| TermSummary {
                label: &term.label,
                slug: &term.slug,
                url: self.routes.term(t, i, 1).url(),
                count: term.briefs.len(),
            })
            .collect();
        terms.sort_by_cached_key(|term| (term.label.to_lowercase(), term.slug));
        let TaxonomyLink { name, title, url } = self.taxonomy_link(t);
        TaxonomySummary { name, title, url, terms }
    }
}
