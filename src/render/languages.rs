//! A page's language, the same page in the site's other languages, and the language switcher
//! that links them.

use super::context::{self, Permalink};
use super::Render;
use crate::routes::Route;

impl<'a> Render<'a> {
    /// The language of a page: a brief's own, a list's, else the site's default.
    pub(super) fn page_lang(&self, page: crate::routes::Page) -> usize {
        use crate::routes::Page;
        match page {
            Page::Brief(b) => self.site.briefs[b].lang,
            Page::Home(lang) | Page::Search(lang) | Page::Timeline(lang) => lang,
            Page::Section { lang, .. } | Page::Taxonomy { lang, .. } | Page::Term { lang, .. } => lang,
            Page::Report(r) => self.site.reports.reports[r].lang,
            Page::NotFound | Page::Sources | Page::Source(_) | Page::Reports => 0,
        }
    }

    /// The same page in every language that has it: a brief's versions; a list's pages of the
    /// same section, taxonomy or term (the first page of each: later pages hold other briefs).
    pub(super) fn counterparts(&self, page: crate::routes::Page) -> Vec<context::Counterpart<'a>> {
        use crate::routes::Page;
        let (site, routes) = (self.site, self.routes);
        let of = |lang: usize, route: Option<&'a Route>| {
            route.map(|route| context::Counterpart { lang, route, original: lang == 0 })
        };
        match page {
            Page::Brief(b) => site.briefs[b]
                .versions
                .iter()
                .map(|&v| context::Counterpart {
                    lang: site.briefs[v].lang,
                    route: routes.brief(v),
                    original: site.briefs[v].original.is_none(),
                })
                .collect(),
            Page::Home(_) => (0..routes.languages()).filter_map(|l| of(l, Some(routes.home_in(l)))).collect(),
            Page::Search(_) => (0..routes.languages()).filter_map(|l| of(l, Some(routes.search_in(l)))).collect(),
            Page::Timeline(_) => (0..routes.languages()).filter_map(|l| of(l, routes.timeline_in(l))).collect(),
            Page::Section { section, page: 1, .. } => {
                (0..routes.languages()).filter_map(|l| of(l, routes.section_in(l, section, 1))).collect()
            }
            Page::Taxonomy { taxonomy, .. } => {
                (0..routes.languages()).filter_map(|l| of(l, routes.taxonomy_in(l, taxonomy))).collect()
            }
            Page::Term { taxonomy, term, page: 1, .. } => {
                (0..routes.languages()).filter_map(|l| of(l, routes.term_in(l, taxonomy, term, 1))).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The language switcher of a page: every language of the site, each linked to this page's
    /// counterpart in it, else to its home. Empty on a site of one language.
    pub(super) fn languages(&'a self, page: crate::routes::Page) -> Vec<context::LanguageLink<'a>> {
        let routes = self.routes;
        if routes.languages() < 2 {
            return Vec::new();
        }
        let current = self.page_lang(page);
        let counterparts = self.counterparts(page);
        (0..routes.languages())
            .map(|lang| {
                let code = crate::site::language_code(self.config, lang);
                let found = counterparts.iter().find(|c| c.lang == lang);
                let route = found.map_or_else(|| routes.home_in(lang), |c| c.route);
                context::LanguageLink {
                    lang: code,
                    name: crate::site::language_name(code),
                    url: route.url(),
                    permalink: Permalink { routes, route },
                    current: lang == current,
                    counterpart: found.is_some() && counterparts.len() > 1,
                    original: found.is_some_and(|c| c.original) && counterparts.len() > 1,
                }
            })
            .collect()
    }
}
