//! Planning the route table, in three parts: the files that do not depend on the terms (the
//! base), then the terms' pages, redirects and feeds, then what is counted or copied last
//! (sitemaps, `robots.txt`, the theme's and the site's files). A table after an edit that changed
//! only terms starts from the last table's base: at 10,000 briefs that is ~45,000 of ~56,000
//! files not registered and checked again.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use super::table::{key_of, Table};
use super::*;

impl Routes {
    /// Registers every file the site writes. Clashes and unusable paths are errors.
    /// `max_path`: the longest output path, in bytes, that can be written where the output is.
    /// `pdf`: each report is printed to a PDF beside its page. `keys`: `Routes::key` of the same
    /// inputs. `last`: the last table (one without problems), whose base is taken when it was
    /// planned from the same inputs.
    pub fn plan(
        config: &SiteConfig,
        site: &Site,
        theme: &Theme,
        max_path: usize,
        pdf: bool,
        keys: RouteKeys,
        last: Option<&Routes>,
    ) -> (Routes, Vec<Diagnostic>) {
        if let Some(last) = last.filter(|last| last.base_fits(keys.without_terms, max_path)) {
            let files = last.files[..last.base.len].to_vec();
            let mut table = Table::resume(last.urls.clone(), site, config, last.base.clone(), files);
            let mut routes = last.base_routes();
            plan_terms(&mut table, &mut routes, config, site);
            plan_last(&mut table, &mut routes, site, theme);
            // A problem (most likely a new term's URL taken) is reported by a whole plan, as a
            // fresh build reports it.
            if table.diagnostics.is_empty() && table.new_files_fit() {
                return (routes.with(table, keys), Vec::new());
            }
        }
        let mut table = Table::new(Urls::new(config), site, config, max_path);
        let mut routes = plan_base(&mut table, config, site, pdf);
        table.seal_base(keys.without_terms);
        plan_terms(&mut table, &mut routes, config, site);
        plan_last(&mut table, &mut routes, site, theme);
        table.check_folders();
        let diagnostics = std::mem::take(&mut table.diagnostics);
        (routes.with(table, keys), diagnostics)
    }

    /// How many first files this table has as `last` has them: its base, when it started from
    /// `last`'s (or from the same base as `last`).
    pub fn shared_files(&self, last: &Routes) -> usize {
        if Arc::ptr_eq(&self.base, &last.base) {
            self.base.len
        } else {
            0
        }
    }

    /// This table's base, for what keeps something by route across tables (`SharedBase`).
    pub fn shared_base(&self) -> SharedBase {
        SharedBase(self.base.clone())
    }

    /// Whether a table of these inputs can start from this one's base: planned from the same
    /// inputs but the terms, for the same longest path, and no base file replaced by a file of
    /// `static/` (its generated owner would be lost).
    fn base_fits(&self, without_terms: u64, max_path: usize) -> bool {
        let base = &self.base;
        base.key == without_terms
            && base.max_path == max_path
            && base.len > 0
            && !self.files[..base.len].iter().any(|r| matches!(r.output, Output::Static(_)))
    }

    /// This table's routes of the base, without files: what `plan_terms` and `plan_last` add to.
    fn base_routes(&self) -> Routes {
        let langs = self
            .langs
            .iter()
            .map(|l| LangRoutes { taxonomy: Vec::new(), term: Vec::new(), term_feed: Vec::new(), ..l.clone() })
            .collect();
        Routes {
            urls: self.urls.clone(),
            key: 0,
            files: Vec::new(),
            base: Default::default(),
            not_found: self.not_found,
            brief: self.brief.clone(),
            langs,
            theme_file: Vec::new(),
            asset: Vec::new(),
            sources: self.sources,
            source: self.source.clone(),
            cite: self.cite.clone(),
            timeline_ics: self.timeline_ics,
            reports: self.reports,
            report: self.report.clone(),
            brief_urls_key: self.brief_urls_key.clone(),
        }
    }

    /// The routes with the table's files.
    fn with(mut self, table: Table, keys: RouteKeys) -> Routes {
        (self.files, self.base) = table.into_files();
        self.key = keys.all;
        self
    }
}

/// Each language's folder: none for the default, its code for another (`ko/`).
fn prefixes(config: &SiteConfig) -> Vec<String> {
    (0..config.languages.len() + 1)
        .map(|lang| match lang {
            0 => String::new(),
            l => format!("{}/", crate::site::language_code(config, l)),
        })
        .collect()
}

/// The files that do not depend on the terms: the pages of briefs, sections, search, sources
/// and reports, the aliases, the citation and search files, the site's feeds.
fn plan_base(table: &mut Table, config: &SiteConfig, site: &Site, pdf: bool) -> Routes {
    let per_page = config.paginate_by;
    let prefixes = prefixes(config);
    let prefix = |lang: usize| prefixes[lang].as_str();
    let mut langs: Vec<LangRoutes> = (0..prefixes.len())
        .map(|lang| LangRoutes {
            home: table.page(prefix(lang).to_string(), Page::Home(lang)),
            ..LangRoutes::default()
        })
        .collect();
    let not_found = table.file("404.html".into(), Output::Page(Page::NotFound));
    for (lang, routes) in langs.iter_mut().enumerate() {
        routes.search = table.page(format!("{}search/", prefix(lang)), Page::Search(lang));
        if !site.timeline.is_empty() {
            let page = table.page(format!("{}timeline/", prefix(lang)), Page::Timeline(lang));
            let json = table.file(format!("{}timeline/timeline.json", prefix(lang)), Output::TimelineJson(lang));
            routes.timeline = Some((page, json));
        }
    }
    let timeline_ics =
        (!site.timeline.is_empty()).then(|| table.file("timeline/timeline.ics".into(), Output::TimelineIcs));
    let reports = (!site.reports.is_empty()).then(|| table.page("reports/".into(), Page::Reports));
    let report = site
        .reports
        .reports
        .iter()
        .enumerate()
        .map(|(r, report)| {
            let id = &config.reports[report.spec].id;
            let page = table.page(format!("reports/{id}/"), Page::Report(r));
            let pdf = pdf.then(|| table.file(format!("reports/{id}/{id}.pdf"), Output::ReportPdf(r)));
            (page, pdf)
        })
        .collect();
    // Each section's folder as a path, made once (a brief's is its section's but for bundles).
    let folders: crate::hash::FastMap<&str, String> =
        site.sections.iter().map(|s| (s.folder.as_str(), folder_path(&s.folder))).collect();
    let brief_routes: Vec<usize> = site
        .briefs
        .iter()
        .enumerate()
        .map(|(b, brief)| {
            // Another language's version lives under its code (`ko/briefs/x/`), also when its
            // file is in `content/ko/briefs/` (its section folder is `briefs`).
            let own = || {
                let folder = brief.section_folder();
                let folder = match folders.get(folder) {
                    Some(path) => Cow::Borrowed(path.as_str()),
                    None => Cow::Owned(folder_path(folder)),
                };
                [prefix(brief.lang), &folder, brief.slug(), "/"].concat()
            };
            let Some(permalink) = &brief.facts().permalink else {
                return table.page(own(), Page::Brief(b));
            };
            match permalink_path(&permalink.value) {
                Some(path) if path.ends_with('/') => table.page(path, Page::Brief(b)),
                Some(path) => table.file(path, Output::Page(Page::Brief(b))),
                None => {
                    table.diagnostics.push(
                        Diagnostic::error(
                            Code::BadSlug,
                            format!("the permalink `{}` is not a usable URL path", permalink.value),
                        )
                        .at(brief.parsed.location(permalink.span.clone()))
                        .help("write a path under the site's base path as it is, without `?`, `#` or `%` escapes, such as `/briefs/opcon-transfer/`"),
                    );
                    table.page(own(), Page::Brief(b))
                }
            }
        })
        .collect();
    for (lang, routes) in langs.iter_mut().enumerate() {
        let in_lang = sections_in(site, lang);
        for (s, sec) in site.sections.iter().enumerate() {
            if s == 0 {
                // The root folder's page is the home page, which lists the newest briefs.
                routes.section.push(Some((routes.home, 1)));
                continue;
            }
            if !in_lang[s] {
                routes.section.push(None);
                continue;
            }
            let path = format!("{}{}", prefix(lang), folder_path(&sec.folder));
            let pages = page_count(sec.briefs.of(lang).len(), per_page);
            let start = table.files.len();
            for page in 1..=pages {
                table.page(paged(&path, page), Page::Section { section: s, page, lang });
            }
            routes.section.push(Some((start, pages)));
        }
    }
    for (b, brief) in site.briefs.iter().enumerate() {
        for (a, alias) in brief.facts().aliases.iter().enumerate() {
            match alias_path(&alias.value) {
                // An alias equal to the brief's own URL redirects nowhere: ignored.
                Some(path) if key_of(&path) == key_of(table.urls.path_of(table.files[brief_routes[b]].url())) => {}
                Some(path) => {
                    table.page_like(&path, Output::Alias { brief: b, alias: a });
                }
                None => table.diagnostics.push(
                    Diagnostic::error(Code::BadAlias, format!("the alias `{}` is not a usable URL path", alias.value))
                        .at(brief.parsed.location(alias.span.clone()))
                        .help("write an old URL path such as `/old/opcon-transfer/`"),
                ),
            }
        }
    }
    // The library: a page per source, and each brief citeable from files beside its page.
    let mut sources = None;
    let mut source = Vec::with_capacity(site.library.entries.len());
    if !site.library.is_empty() {
        sources = Some(table.page("sources/".into(), Page::Sources));
        for (i, entry) in site.library.entries.iter().enumerate() {
            source.push(table.page(format!("sources/{}/", entry.slug), Page::Source(i)));
        }
        table.file("sources.json".into(), Output::SourcesJson);
    }
    let cite = (0..site.briefs.len())
        .map(|b| {
            let page = table.files[brief_routes[b]].file();
            let folder = page.strip_suffix("index.html")?.to_string();
            let bib = table.file(format!("{folder}cite.bib"), Output::CiteBib(b));
            let ris = table.file(format!("{folder}cite.ris"), Output::CiteRis(b));
            Some((bib, ris))
        })
        .collect();
    for (lang, routes) in langs.iter_mut().enumerate() {
        routes.search_index = table.file(format!("{}search/index.json", prefix(lang)), Output::SearchIndex(lang));
        routes.search_files = search::plan(table, prefix(lang), lang, site.latest.of(lang).len());
    }
    table.file("graph.json".into(), Output::Graph);
    table.file("terms.json".into(), Output::Terms);
    if table.urls.origin.is_some() {
        for (lang, routes) in langs.iter_mut().enumerate() {
            routes.feed = Some(table.file(format!("{}atom.xml", prefix(lang)), Output::Feed { lang, term: None }));
        }
    }
    Routes {
        urls: table.urls.clone(),
        key: 0,
        files: Vec::new(),
        base: Default::default(),
        not_found,
        brief: brief_routes,
        langs,
        theme_file: Vec::new(),
        asset: Vec::new(),
        sources,
        source,
        cite,
        timeline_ics,
        reports,
        report,
        brief_urls_key: OnceLock::new(),
    }
}

/// The taxonomies' and terms' pages in each language, the redirects of other spellings of a
/// term, and the terms' feeds.
fn plan_terms(table: &mut Table, routes: &mut Routes, config: &SiteConfig, site: &Site) {
    let per_page = config.paginate_by;
    let prefixes = prefixes(config);
    for (lang, lang_routes) in routes.langs.iter_mut().enumerate() {
        let prefix = &prefixes[lang];
        for (t, tax) in site.taxonomies.iter().enumerate() {
            let terms: Vec<Option<(usize, usize)>> = tax
                .terms
                .iter()
                .enumerate()
                .map(|(i, tm)| {
                    let count = tm.briefs.of(lang).len();
                    if lang != 0 && count == 0 {
                        return None;
                    }
                    let path = format!("{prefix}{}/{}/", tax.name, tm.slug);
                    let pages = page_count(count, per_page);
                    let start = table.files.len();
                    for page in 1..=pages {
                        table.page(paged(&path, page), Page::Term { taxonomy: t, term: i, page, lang });
                    }
                    Some((start, pages))
                })
                .collect();
            let listed = lang == 0 || terms.iter().any(Option::is_some);
            lang_routes.taxonomy.push(
                listed.then(|| table.page(format!("{prefix}{}/", tax.name), Page::Taxonomy { taxonomy: t, lang })),
            );
            lang_routes.term.push(terms);
        }
    }
    // Other spellings of a record's term redirect to its page: published links keep working
    // when spellings merge.
    for (t, tax) in site.taxonomies.iter().enumerate() {
        for (i, tm) in tax.terms.iter().enumerate() {
            for (spelling, slug) in tm.spellings.iter().enumerate() {
                table.page_like(&format!("{}/{slug}/", tax.name), Output::TermAlias { taxonomy: t, term: i, spelling });
            }
        }
    }
    for (lang, lang_routes) in routes.langs.iter_mut().enumerate() {
        lang_routes.term_feed = site.taxonomies.iter().map(|t| vec![None; t.terms.len()]).collect();
        if table.urls.origin.is_none() {
            continue;
        }
        for (t, tax) in site.taxonomies.iter().enumerate() {
            for (i, tm) in tax.terms.iter().enumerate() {
                if lang_routes.term[t][i].is_some() {
                    let path = format!("{}{}/{}/atom.xml", prefixes[lang], tax.name, tm.slug);
                    lang_routes.term_feed[t][i] = Some(table.file(path, Output::Feed { lang, term: Some((t, i)) }));
                }
            }
        }
    }
}

/// The sitemaps (which count every page), `robots.txt`, the theme's files and the files copied
/// from `content/` and `static/` (which may replace a generated file).
fn plan_last(table: &mut Table, routes: &mut Routes, site: &Site, theme: &Theme) {
    if table.urls.origin.is_some() {
        let listed = table.files.iter().filter(|r| matches!(r.output, Output::Page(p) if listed(p))).count();
        table.file("sitemap.xml".into(), Output::Sitemap(0));
        if listed > SITEMAP_LIMIT {
            for n in 1..=listed.div_ceil(SITEMAP_LIMIT) {
                table.file(Routes::sitemap_part_name(n), Output::Sitemap(n));
            }
        }
    }
    table.file("robots.txt".into(), Output::Robots);
    routes.theme_file = theme
        .static_files
        .keys()
        .enumerate()
        .map(|(i, name)| table.file(format!("static/{name}"), Output::ThemeFile(i)))
        .collect();
    routes.asset =
        site.assets.iter().enumerate().map(|(i, a)| table.file(a.rel_path.clone(), Output::Asset(i))).collect();
    for (i, file) in site.statics.iter().enumerate() {
        table.add_static(file.rel_path.clone(), i);
    }
}

/// Which sections have pages in a language: all in the default; in another, those with briefs
/// or an introduction in it, and their parents (which list them).
fn sections_in(site: &Site, lang: usize) -> Vec<bool> {
    let mut present: Vec<bool> = site
        .sections
        .iter()
        .map(|s| lang == 0 || !s.briefs.of(lang).is_empty() || s.index_in(lang).is_some())
        .collect();
    // Children come after their parents.
    for s in (1..site.sections.len()).rev() {
        if let (true, Some(parent)) = (present[s], site.sections[s].parent) {
            present[parent] = true;
        }
    }
    present
}

/// A table's base, held by what keeps something by route (the render memo's list pages): a
/// later table that started from it has its first files at the same places.
#[derive(Debug, Clone)]
pub struct SharedBase(Arc<table::Base>);

impl SharedBase {
    /// How many first files `routes` has as the table of this base had them.
    pub fn files_in(&self, routes: &Routes) -> usize {
        if Arc::ptr_eq(&self.0, &routes.base) {
            self.0.len
        } else {
            0
        }
    }
}
