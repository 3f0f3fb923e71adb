//! The keys of what pages are made from, for `watch` to tell a page unchanged without hashing
//! its context (see `reuse`): what every brief page shows alike, and what each list page shows
//! besides its cards. A section's and a term's pages are keyed by their own list, so that an
//! edit keeps the pages of every other list (a title edit hashed ~5,000 term pages again when
//! they were keyed by the whole model).

use std::hash::Hash;

use rayon::prelude::*;

use crate::hash;
use crate::routes::{Output, Page, Route};

use super::{reuse, Render};

impl<'a> Render<'a> {
    /// What every brief page shows alike (see `reuse`).
    pub(super) fn shared_key(&self) -> u64 {
        let sections: Vec<(&str, &str)> = (0..self.site.sections.len())
            .map(|s| (self.site.sections[s].title.as_str(), self.routes.section(s, 1).url()))
            .collect();
        // A record's Wikidata item is in the structured data of every brief about it.
        let wikidata: Vec<Option<&String>> = self.site.records.iter().map(|r| r.fields().wikidata.as_ref()).collect();
        let lang_values: Vec<(u64, u64)> = self.site_values.iter().zip(&self.words).map(|(s, w)| (s.1, w.1)).collect();
        // Of the route table, a brief's page shows its own terms' URLs only: those are compared
        // page by page (`reuse::Shared::term_key`), so that a new term does not hash every brief page again.
        let parts =
            (self.identity, lang_values, self.build_value.1, self.routes.key_without_terms(), sections, wikidata);
        // A brief page links the briefs that supersede it or that it supersedes, its versions,
        // and shows the events it states: all decided by other files too.
        let mut supersession = hash::hasher();
        for (b, brief) in self.site.briefs.iter().enumerate() {
            if !(brief.supersedes.is_empty() && brief.superseded_by.is_empty()) {
                let titles = brief.superseded_by.iter().chain(&brief.supersedes).map(|&o| self.site.briefs[o].title());
                std::hash::Hash::hash(
                    &(b, &brief.superseded_by, &brief.supersedes, titles.collect::<Vec<_>>()),
                    &mut supersession,
                );
            }
        }
        let supersession = std::hash::Hasher::finish(&supersession);
        // Its versions in other languages (the language switcher) and, for a translation, whether
        // its original changed since (with the original's title): decided by the other versions.
        let mut translations = hash::hasher();
        for (b, brief) in self.site.briefs.iter().enumerate().filter(|(_, b)| b.versions.len() > 1) {
            let stale = brief.original.filter(|_| brief.is_stale(&self.site.briefs));
            let original = stale.map(|o| self.site.briefs[o].title());
            std::hash::Hash::hash(&(b, &brief.versions, brief.original, original), &mut translations);
        }
        let translations = std::hash::Hasher::finish(&translations);
        let events = hash::of(&self.site.timeline.events);
        reuse::Shared::key(&(parts, supersession, translations, events))
    }

    /// What the other list pages (the home page, a taxonomy's, the timeline, 404) show besides
    /// their cards and what every page shows alike: the site model and the sections'
    /// introductions (0: the model has no key).
    fn lists_key(&self, shared: u64) -> u64 {
        let intros: Vec<(Option<u64>, u64)> = (0..self.site.sections.len())
            .map(|s| (self.site.sections[s].index.as_ref().map(|p| p.file.hash), self.graph.section_outputs[s].1))
            .collect();
        // And the introductions in other languages (`_index.ko.md`), with their links.
        let translated: Vec<(u64, Option<u64>)> = self
            .site
            .sections
            .iter()
            .flat_map(|s| &s.translated_index)
            .map(|(_, _, p)| (p.file.hash, self.graph.translated_outputs.get(&p.file.rel_path).map(|o| o.1)))
            .collect();
        // The records and mentions (a taxonomy's page shows its records' other names), kept as
        // term pages had them when this key was theirs too.
        let records: Vec<(u64, u64)> =
            self.site.records.iter().zip(&self.graph.record_outputs).map(|(r, o)| (r.parsed.file.hash, o.1)).collect();
        if self.site.key == 0 {
            0
        } else {
            hash::of(&(shared, self.site.key, intros, translated, records, &self.graph.mentions.by_term))
        }
    }

    /// Per route, the key of what its list page shows besides its cards (0: not a list page).
    /// The sources' pages show no fact of the model but the library and who cites each source,
    /// where: keyed by those, so that an edit of a brief's title or date does not hash twenty
    /// thousand of them again.
    pub(super) fn list_keys(&'a self, shared: u64, sources: &reuse::SourceKeys) -> Vec<u64> {
        if self.site.key == 0 {
            return vec![0; self.routes.files.len()];
        }
        let lists = self.lists_key(shared);
        let library = hash::of(&(shared, self.site.library.key));
        let sections: Vec<u64> = (0..self.site.sections.len()).into_par_iter().map(|s| self.section_key(s)).collect();
        // What a term's related terms are made from (`related_terms`): the terms of its briefs,
        // by labels (each brief's `terms_key`, side by side here), and the records, which name
        // and place some of those terms. (A related term has a page in the page's language: a
        // brief of that language has both.) Keyed by these, they need not be made for the key.
        let terms_keys: Vec<u64> = self.site.briefs.iter().map(|b| b.terms_key).collect();
        let records: Vec<(&str, u64)> =
            self.site.records.iter().map(|r| (r.parsed.facts.stem_slug.as_str(), r.parsed.file.hash)).collect();
        let records = hash::of(&records);
        let terms: Vec<Vec<u64>> = (0..self.site.taxonomies.len())
            .map(|t| {
                let taxonomy = hash::of(&(self.taxonomy_key(t), records));
                let terms = &self.site.taxonomies[t].terms;
                // The terms each term is broader than, made once rather than looked for per term.
                let mut narrower = vec![Vec::new(); terms.len()];
                for (j, term) in terms.iter().enumerate() {
                    for &b in &term.broader {
                        if narrower[b].last() != Some(&j) {
                            narrower[b].push(j);
                        }
                    }
                }
                let keys = (0..terms.len()).into_par_iter();
                keys.map(|i| hash::of(&(taxonomy, self.term_key(t, i, &narrower[i], &terms_keys)))).collect()
            })
            .collect();
        let key = |route: &Route| match route.output {
            Output::Page(Page::Sources) => hash::of(&(library, sources.counts)),
            Output::Page(Page::Source(i)) => sources.of_entry.get(i).map_or(0, |k| hash::of(&(library, k))),
            // Kept by brief (`PageMemo::known`), or hashed every time (see `route`).
            Output::Page(Page::Brief(_) | Page::Search(_) | Page::Report(_)) => 0,
            Output::Page(Page::Section { section, page, lang }) => hash::of(&(shared, sections[section], page, lang)),
            Output::Page(Page::Term { taxonomy, term, page, lang }) => {
                hash::of(&(shared, terms[taxonomy][term], page, lang))
            }
            Output::Page(_) => lists,
            _ => 0,
        };
        self.routes.files.par_iter().with_min_len(4096).map(key).collect()
    }

    /// What a section's pages show besides their cards and what every page shows alike: its
    /// titles, introductions, briefs and pages (with their URLs), and its subsections.
    fn section_key(&self, s: usize) -> u64 {
        let (site, routes) = (self.site, self.routes);
        let section = &site.sections[s];
        let mut h = hash::hasher();
        for lang in 0..routes.languages() {
            let intro = section.index_in(lang).map(|p| {
                let links = match lang {
                    0 => self.graph.section_outputs[s].1,
                    _ => self.graph.translated_outputs.get(&p.file.rel_path).map_or(0, |o| o.1),
                };
                (p.file.hash, links)
            });
            let pages: Vec<&str> = (1..=routes.section_pages(lang, s))
                .filter_map(|page| Some(routes.section_in(lang, s, page)?.url()))
                .collect();
            let children: Vec<(&str, Option<&str>, usize)> = section
                .children
                .iter()
                .map(|&c| {
                    let child = &site.sections[c];
                    (child.title_in(lang), routes.section_in(lang, c, 1).map(Route::url), child.briefs.of(lang).len())
                })
                .collect();
            (section.title_in(lang), intro, pages, children).hash(&mut h);
        }
        section.briefs.hash(&mut h);
        std::hash::Hasher::finish(&h)
    }

    /// What every term's page of taxonomy `t` shows of it: its names and its list's URL.
    fn taxonomy_key(&'a self, t: usize) -> u64 {
        let taxonomy = &self.site.taxonomies[t];
        let langs = 0..self.routes.languages();
        let shown: Vec<(&str, &str)> =
            langs.map(|lang| (taxonomy.title_in(lang), self.taxonomy_link(t, lang).url)).collect();
        hash::of(&(&taxonomy.name, shown))
    }

    /// What a term's pages show besides their cards, what every page shows alike and what its
    /// taxonomy's show (`taxonomy_key`): its names, briefs and pages (with their URLs, and its
    /// feed's), its record, the terms it is near (broader and narrower: their names and URLs;
    /// related: what they are made from), the briefs that mention it and its reports. (Its
    /// events are in what every page shows alike: `shared_key` hashes every event.)
    fn term_key(&'a self, t: usize, i: usize, narrower: &[usize], terms_keys: &[u64]) -> u64 {
        let (site, routes) = (self.site, self.routes);
        let terms = &site.taxonomies[t].terms;
        let term = &terms[i];
        let mut h = hash::hasher();
        let record = term.record.map(|r| (site.records[r].parsed.file.hash, self.graph.record_outputs[r].1));
        (&term.slug, &term.label, &term.labels, record, &term.briefs).hash(&mut h);
        term.briefs.iter().for_each(|&b| terms_keys[b].hash(&mut h));
        for lang in 0..routes.languages() {
            let pages = routes.term_pages(lang, t, i);
            if pages == 0 {
                0usize.hash(&mut h);
                continue;
            }
            let urls: Vec<&str> =
                (1..=pages).filter_map(|page| Some(routes.term_in(lang, t, i, page)?.url())).collect();
            let link = |j: usize| (terms[j].label_in(lang), routes.term_or_default(lang, t, j).url());
            let near = match term.record {
                Some(_) => {
                    let broader: Vec<_> = term.broader.iter().map(|&j| link(j)).collect();
                    let narrower: Vec<_> = narrower.iter().map(|&j| link(j)).collect();
                    (broader, narrower)
                }
                None => Default::default(),
            };
            let feed = routes.term_feed(lang, t, i).map(Route::url);
            (pages, urls, near, self.graph.mentions.of_term(t, i, lang), feed).hash(&mut h);
        }
        site.reports.of_term(t, i).hash(&mut h);
        std::hash::Hasher::finish(&h)
    }
}
