//! The route table: every file the build writes, registered once with what it holds, before
//! anything renders. Links, templates, feeds and the writer take every URL and path from here;
//! no other module formats a site path. Two owners of one path (compared the way static hosts
//! compare them: decoded, NFC, case-insensitive) are an error that names both.
//!
//! A new page kind is one more `Page` variant registered in `plan.rs`, and its context in
//! `render/pages.rs`.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

mod plan;
pub mod search;
mod table;
mod urls;

pub use plan::SharedBase;
pub use urls::{percent_decode, percent_encode_non_ascii, Urls};

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::site::{BriefId, Site};
use crate::slug::nfc;
use crate::theme::Theme;

/// The protocol's limit of URLs per sitemap file.
pub const SITEMAP_LIMIT: usize = 50_000;

/// Output paths longer than this are refused wherever the output folder is: hosts and archives
/// on other systems allow less than Linux's `PATH_MAX` (4,096 bytes, which the output
/// folder's own path shares; see `output::path_budget`).
pub const MAX_PATH_BYTES: usize = 3_000;
/// A longer file or folder name fails on every common file system (255 bytes).
const MAX_NAME_BYTES: usize = 255;

/// A page rendered with a template. `lang` is the language of a list page, as `Brief::lang`
/// (0: the site's default): each language has its own home, search, sections and terms, which
/// list the briefs of that language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    Home(usize),
    NotFound,
    Search(usize),
    Brief(BriefId),
    /// Page `page` (from 1) of a section's list.
    Section {
        section: usize,
        page: usize,
        lang: usize,
    },
    /// The list of a taxonomy's terms.
    Taxonomy {
        taxonomy: usize,
        lang: usize,
    },
    /// Page `page` (from 1) of a term's list.
    Term {
        taxonomy: usize,
        term: usize,
        page: usize,
        lang: usize,
    },
    /// Every source of the library (`/sources/`).
    Sources,
    /// One source, with the briefs that cite it (`/sources/<key>/`).
    Source(usize),
    /// Every event, oldest first, in a language (`/timeline/`).
    Timeline(usize),
    /// The list of reports (`/reports/`).
    Reports,
    /// One report, a dossier of briefs (`/reports/<id>/`), by its index in `site.reports`.
    Report(usize),
}

/// What one file of the output holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    Page(Page),
    /// A redirect from an old URL of a brief (its `aliases:` entry `alias`).
    Alias {
        brief: BriefId,
        alias: usize,
    },
    /// A redirect from another spelling of a record's term (`/topics/전시작전통제권/`).
    TermAlias {
        taxonomy: usize,
        term: usize,
        spelling: usize,
    },
    /// A language's search index: its entry file (`search/index.json`)…
    SearchIndex(usize),
    /// …its document numbers, newest first (`search/order.json`)…
    SearchOrder(usize),
    /// …a shard of its words (`search/shards/3.json`)…
    SearchShard {
        lang: usize,
        shard: usize,
    },
    /// …and a file of its documents' texts (`search/docs/12.json`). See `routes/search.rs`.
    SearchDocs {
        lang: usize,
        part: usize,
    },
    /// A language's timeline in TimelineJS3's JSON (`timeline/timeline.json`).
    TimelineJson(usize),
    /// The planned events as an iCalendar file (`timeline/timeline.ics`).
    TimelineIcs,
    /// A report printed to PDF (`reports/<id>/<id>.pdf`), with `build --pdf`.
    ReportPdf(usize),
    Graph,
    /// `terms.json`: every term, with its names and page.
    Terms,
    /// `sources.json`: every source, its reference and the briefs citing it.
    SourcesJson,
    /// A brief as a BibLaTeX entry (`cite.bib`) or as RIS (`cite.ris`), beside its page.
    CiteBib(BriefId),
    CiteRis(BriefId),
    /// The Atom feed of a language's briefs (`term: None`) or of a term's.
    Feed {
        lang: usize,
        term: Option<(usize, usize)>,
    },
    /// `sitemap.xml` (0), or part `n` of a sitemap index.
    Sitemap(usize),
    Robots,
    /// A file of the theme's `static/` folder, by its index in the theme.
    ThemeFile(usize),
    /// A file under `content/` copied as is.
    Asset(usize),
    /// A file of the site's `static/` folder, copied to the root.
    Static(usize),
}

impl Output {
    /// What kind of file this is, for the render stage's breakdown (`build -v`).
    pub fn kind(&self) -> &'static str {
        match self {
            Output::Page(page) => match page {
                Page::Home(_) => "home",
                Page::NotFound => "404",
                Page::Search(_) => "search page",
                Page::Brief(_) => "brief",
                Page::Section { .. } => "section",
                Page::Taxonomy { .. } => "taxonomy",
                Page::Term { .. } => "term",
                Page::Sources => "sources",
                Page::Source(_) => "source",
                Page::Timeline(_) => "timeline",
                Page::Reports => "reports",
                Page::Report(_) => "report",
            },
            Output::Alias { .. } | Output::TermAlias { .. } => "redirect",
            Output::SearchIndex(_)
            | Output::SearchOrder(_)
            | Output::SearchShard { .. }
            | Output::SearchDocs { .. } => "search files",
            Output::TimelineJson(_) | Output::TimelineIcs => "timeline files",
            Output::ReportPdf(_) => "report pdf",
            Output::Graph => "graph.json",
            Output::Terms => "terms.json",
            Output::SourcesJson => "sources.json",
            Output::CiteBib(_) | Output::CiteRis(_) => "cite files",
            Output::Feed { .. } => "feed",
            Output::Sitemap(_) | Output::Robots => "sitemap",
            Output::ThemeFile(_) | Output::Asset(_) | Output::Static(_) => "copied",
        }
    }

    /// A file that other programs read and no page of the site loads: the graph, term and source
    /// data, the timeline's data and calendar, a brief's citation files, the sitemap and
    /// `robots.txt`. `watch` writes these after the browser reloads (feeds are not among them:
    /// browsers show them, with the theme's `feed.xsl`).
    pub fn is_for_programs(&self) -> bool {
        matches!(
            self,
            Output::Graph
                | Output::Terms
                | Output::SourcesJson
                | Output::TimelineJson(_)
                | Output::TimelineIcs
                | Output::CiteBib(_)
                | Output::CiteRis(_)
                | Output::Sitemap(_)
                | Output::Robots
        )
    }
}

/// One file of the output: its URL and its path, kept as one text (`/policy/briefs/x/index.html`)
/// of which both are slices (shared: a table after a terms edit takes most routes of the last).
#[derive(Debug, Clone)]
pub struct Route {
    text: Arc<str>,
    url_end: usize,
    file_start: usize,
    pub output: Output,
}

impl Route {
    /// Its root-relative URL, with the base path (`/policy/briefs/x/`).
    pub fn url(&self) -> &str {
        &self.text[..self.url_end]
    }

    /// The file's path in the output folder (`briefs/x/index.html`).
    pub fn file(&self) -> &str {
        &self.text[self.file_start..]
    }
}

/// The keys of a route table (`Routes::key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteKeys {
    /// Of everything the table is made from.
    pub all: u64,
    /// Of all but the terms' pages, feeds and other spellings: a new term's pages leave it as it
    /// was. A brief's page shows the URLs of its own terms only (compared page by page).
    pub without_terms: u64,
}

/// `topics/x/` page 1 → `topics/x/`, page 3 → `topics/x/page/3/`.
fn paged(path: &str, page: usize) -> String {
    if page <= 1 {
        path.to_string()
    } else {
        format!("{path}page/{page}/")
    }
}

pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// `briefs/a` → the URL segments of a folder: each one slugified, so folder names with spaces or
/// capitals still make clean URLs.
fn folder_path(folder: &str) -> String {
    if folder.is_empty() {
        return String::new();
    }
    let mut path = String::with_capacity(folder.len() + 1);
    for segment in folder.split('/') {
        let slug = crate::slug::slugify(segment);
        path.push_str(if slug.is_empty() { "_" } else { &slug });
        path.push('/');
    }
    path
}

/// `/old/scm-2025/` → `old/scm-2025/` (decoded and NFC, as a server maps it to a file); `None`
/// for paths that are empty or climb out.
fn alias_path(alias: &str) -> Option<String> {
    let alias = alias.trim();
    let alias = percent_decode(alias).unwrap_or_else(|| alias.to_string());
    let alias = nfc(alias.split(['?', '#']).next().unwrap_or(""));
    let alias = alias.trim_start_matches('/');
    let alias = alias.strip_suffix("index.html").unwrap_or(alias);
    let segments: Vec<&str> = alias.split('/').filter(|s| !s.is_empty()).collect();
    // A control character (a newline) or noncharacter cannot be in a URL, and would split the
    // one-path-per-line records of the output commit.
    let unusable = |c: char| c.is_control() || crate::text::is_forbidden(c);
    let bad = |s: &&str| {
        *s == "."
            || *s == ".."
            || s.contains(['\\', ':'])
            || s.contains(unusable)
            || s.starts_with('.')
            || s.len() > 200
    };
    if segments.is_empty() || segments.iter().any(bad) {
        return None;
    }
    Some(format!("{}/", segments.join("/")))
}

/// The path `permalink:` (or `url:`) sets: `/links/` → `links/`; `about.html` → `about.html`, a
/// file of that name (as Jekyll writes it).
fn permalink_path(permalink: &str) -> Option<String> {
    // Written as the path is: a query, a fragment or an escape would be dropped or misread.
    if permalink.contains(['?', '#', '%']) {
        return None;
    }
    let path = alias_path(permalink)?;
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let is_file = !permalink.trim_end().ends_with('/') && (last.ends_with(".html") || last.ends_with(".htm"));
    Some(if is_file { path.trim_end_matches('/').to_string() } else { path })
}

/// Every file of the site, and where each page, feed and file of it is.
#[derive(Debug, Clone)]
pub struct Routes {
    pub urls: Urls,
    /// A hash of what the table was made from (0 when it was not computed): equal keys, equal
    /// tables.
    pub key: u64,
    /// Every file the build writes, each once: the base first (`plan.rs`).
    pub files: Vec<Route>,
    /// The first files, which do not depend on the terms, by key.
    base: Arc<table::Base>,
    not_found: usize,
    brief: Vec<usize>,
    /// The lists of each language (the default's first).
    langs: Vec<LangRoutes>,
    theme_file: Vec<usize>,
    asset: Vec<usize>,
    sources: Option<usize>,
    source: Vec<usize>,
    cite: Vec<Option<(usize, usize)>>,
    timeline_ics: Option<usize>,
    reports: Option<usize>,
    /// Per report, its page and its PDF (with `build --pdf`).
    report: Vec<(usize, Option<usize>)>,
    /// A hash of every brief page's URL, made when first asked for.
    brief_urls_key: OnceLock<u64>,
}

/// The list pages and feeds of one language. Every language has a home, a search page and an
/// index; a section, taxonomy or term has pages in another language than the default only
/// when it lists briefs in it.
#[derive(Debug, Clone, Default)]
struct LangRoutes {
    home: usize,
    search: usize,
    search_index: usize,
    /// The first route of its search shards and document files, and how many of each.
    search_files: search::SearchFiles,
    feed: Option<usize>,
    /// The timeline page and its JSON, when the site has events.
    timeline: Option<(usize, usize)>,
    /// Per section, its first route and its number of pages (pages are consecutive).
    section: Vec<Option<(usize, usize)>>,
    taxonomy: Vec<Option<usize>>,
    term: Vec<Vec<Option<(usize, usize)>>>,
    term_feed: Vec<Vec<Option<usize>>>,
}

impl Routes {
    /// How many languages the site has (the default included).
    pub fn languages(&self) -> usize {
        self.langs.len()
    }
    pub fn home(&self) -> &Route {
        self.home_in(0)
    }
    /// A language's home page (`/ko/`).
    pub fn home_in(&self, lang: usize) -> &Route {
        &self.files[self.langs[lang].home]
    }
    pub fn not_found(&self) -> &Route {
        &self.files[self.not_found]
    }
    pub fn search(&self) -> &Route {
        self.search_in(0)
    }
    pub fn search_in(&self, lang: usize) -> &Route {
        &self.files[self.langs[lang].search]
    }
    pub fn search_index(&self, lang: usize) -> &Route {
        &self.files[self.langs[lang].search_index]
    }
    pub fn brief(&self, b: BriefId) -> &Route {
        &self.files[self.brief[b]]
    }

    /// A hash of what the table was made from but the terms (`RouteKeys::without_terms`): the
    /// key of its base.
    pub fn key_without_terms(&self) -> u64 {
        self.base.key
    }

    /// A hash of every brief page's URL, made once per table.
    pub fn brief_urls_key(&self) -> u64 {
        *self.brief_urls_key.get_or_init(|| {
            let mut h = crate::hash::hasher();
            self.brief.len().hash(&mut h);
            for &r in &self.brief {
                self.files[r].url().hash(&mut h);
            }
            h.finish()
        })
    }
    /// Page `page` (from 1) of a section's list.
    pub fn section(&self, s: usize, page: usize) -> &Route {
        self.section_in(0, s, page).expect("every section has a page in the default language")
    }
    /// Page `page` of a section's list in a language, if it has briefs in it.
    pub fn section_in(&self, lang: usize, s: usize, page: usize) -> Option<&Route> {
        let (first, _) = self.langs[lang].section[s]?;
        Some(&self.files[first + page.max(1) - 1])
    }
    pub fn section_pages(&self, lang: usize, s: usize) -> usize {
        self.langs[lang].section[s].map_or(0, |(_, pages)| pages)
    }
    pub fn taxonomy(&self, t: usize) -> &Route {
        self.taxonomy_in(0, t).expect("every taxonomy has a page in the default language")
    }
    pub fn taxonomy_in(&self, lang: usize, t: usize) -> Option<&Route> {
        self.langs[lang].taxonomy[t].map(|i| &self.files[i])
    }
    pub fn term(&self, t: usize, term: usize, page: usize) -> &Route {
        self.term_in(0, t, term, page).expect("every term has a page in the default language")
    }
    /// Page `page` of a term's list in a language, if it has briefs in it.
    pub fn term_in(&self, lang: usize, t: usize, term: usize, page: usize) -> Option<&Route> {
        let (first, _) = self.langs[lang].term[t][term]?;
        Some(&self.files[first + page.max(1) - 1])
    }
    /// A term's page in a language, else in the default one.
    pub fn term_or_default(&self, lang: usize, t: usize, term: usize) -> &Route {
        self.term_in(lang, t, term, 1).unwrap_or_else(|| self.term(t, term, 1))
    }
    pub fn term_pages(&self, lang: usize, t: usize, term: usize) -> usize {
        self.langs[lang].term[t][term].map_or(0, |(_, pages)| pages)
    }
    /// A language's timeline page, when the site has events.
    pub fn timeline_in(&self, lang: usize) -> Option<&Route> {
        self.langs[lang].timeline.map(|(page, _)| &self.files[page])
    }
    pub fn timeline_json(&self, lang: usize) -> Option<&Route> {
        self.langs[lang].timeline.map(|(_, json)| &self.files[json])
    }
    /// The calendar of planned events.
    pub fn timeline_ics(&self) -> Option<&Route> {
        self.timeline_ics.map(|i| &self.files[i])
    }
    /// The list of reports, when `site.yaml` declares any.
    pub fn reports(&self) -> Option<&Route> {
        self.reports.map(|i| &self.files[i])
    }
    pub fn report(&self, r: usize) -> &Route {
        &self.files[self.report[r].0]
    }
    /// A report's PDF, when the build prints them (`build --pdf`).
    pub fn report_pdf(&self, r: usize) -> Option<&Route> {
        self.report.get(r).and_then(|(_, pdf)| pdf.map(|i| &self.files[i]))
    }
    /// A language's feed of every brief.
    pub fn site_feed(&self, lang: usize) -> Option<&Route> {
        self.langs[lang].feed.map(|i| &self.files[i])
    }
    pub fn term_feed(&self, lang: usize, t: usize, term: usize) -> Option<&Route> {
        self.langs[lang].term_feed[t][term].map(|i| &self.files[i])
    }
    /// A file of the theme's `static/` folder, by its index in the theme.
    pub fn theme_file(&self, i: usize) -> &Route {
        &self.files[self.theme_file[i]]
    }
    pub fn asset(&self, i: usize) -> &Route {
        &self.files[self.asset[i]]
    }
    /// The list of sources, when the library has any.
    pub fn sources(&self) -> Option<&Route> {
        self.sources.map(|i| &self.files[i])
    }
    /// The page of a library entry.
    pub fn source(&self, entry: usize) -> &Route {
        &self.files[self.source[entry]]
    }
    /// A brief's `cite.bib` and `cite.ris` (none for a brief whose page is a file, `about.html`).
    pub fn cite_files(&self, b: BriefId) -> Option<(&Route, &Route)> {
        self.cite.get(b).copied().flatten().map(|(bib, ris)| (&self.files[bib], &self.files[ris]))
    }
    /// The absolute URL of a route, when `base_url` has an origin.
    pub fn absolute(&self, route: &Route) -> Option<String> {
        self.urls.absolute(route.url())
    }
    /// The URL of a path from the site root that the author wrote (`/briefs/x/`), kept as is.
    pub fn href(&self, path: &str) -> String {
        self.urls.href(path)
    }
    /// The URL of `image:` in a brief's front-matter: absolute URLs pass through; other paths are
    /// relative to the brief's folder, like images in its body; absolute when `base_url` has an
    /// origin (Open Graph consumers need absolute image URLs).
    pub fn image_url(&self, folder: &str, image: &str) -> String {
        if image.contains("://") {
            return image.to_string();
        }
        let path = match image.strip_prefix('/') {
            Some(rooted) => rooted.to_string(),
            None if folder.is_empty() => image.to_string(),
            None => format!("{folder}/{image}"),
        };
        let href = self.urls.href(&path);
        self.urls.absolute(&href).unwrap_or(href)
    }

    /// The URL of a file of the sitemap index (`sitemap-2.xml`).
    pub fn sitemap_part_name(n: usize) -> String {
        format!("sitemap-{n}.xml")
    }
    /// Pages with a canonical URL, for the sitemap: every page but the 404 and search pages.
    pub fn listed_pages(&self) -> impl Iterator<Item = (&Route, Page)> {
        self.files.iter().filter_map(|r| match r.output {
            Output::Page(p) if listed(p) => Some((r, p)),
            _ => None,
        })
    }

    /// Hashes of everything `plan` reads: equal keys, equal tables. Cheap next to `plan`, so that
    /// `watch` plans again only when a path can have changed (not for a new title or date).
    pub fn key(config: &SiteConfig, site: &Site, theme: &Theme, pdf: bool) -> RouteKeys {
        let mut h = crate::hash::hasher();
        (pdf, config.reports.iter().map(|r| &r.id).collect::<Vec<_>>(), site.reports.reports.len()).hash(&mut h);
        (&config.base_url, config.paginate_by, theme.static_files.keys().collect::<Vec<_>>(), &config.languages)
            .hash(&mut h);
        for brief in &site.briefs {
            // Its section's folder, slug, aliases, permalink and language are in its place key.
            (brief.parsed.place_key, brief.lang).hash(&mut h);
        }
        for section in &site.sections {
            // A translated introduction gives a section a page in its language.
            let translated: Vec<usize> = section.translated_index.iter().map(|(lang, _, _)| *lang).collect();
            (&section.folder, section.briefs.len(), section.index.is_some(), translated).hash(&mut h);
        }
        (&site.assets, &site.statics, site.timeline.is_empty()).hash(&mut h);
        // The search files of a language are counted from its latest briefs.
        (0..site.latest.languages()).map(|l| site.latest.of(l).len()).for_each(|n| n.hash(&mut h));
        for entry in &site.library.entries {
            entry.slug.hash(&mut h);
        }
        let without_terms = h.finish();
        let mut h = crate::hash::hasher();
        without_terms.hash(&mut h);
        for taxonomy in &site.taxonomies {
            (&taxonomy.name, taxonomy.terms.len()).hash(&mut h);
            for term in &taxonomy.terms {
                // Its briefs in each language: a term has pages in a language it has briefs in.
                (&term.slug, &term.spellings).hash(&mut h);
                (0..term.briefs.languages()).for_each(|l| term.briefs.of(l).len().hash(&mut h));
            }
        }
        RouteKeys { all: h.finish(), without_terms }
    }
}

fn listed(page: Page) -> bool {
    !matches!(page, Page::NotFound | Page::Search(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths_are_decoded_and_confined() {
        assert_eq!(alias_path("/old/scm-2025/").as_deref(), Some("old/scm-2025/"));
        assert_eq!(alias_path("old/x/index.html").as_deref(), Some("old/x/"));
        assert_eq!(alias_path("/old%20url/").as_deref(), Some("old url/"));
        assert_eq!(permalink_path("links").as_deref(), Some("links/"));
        assert_eq!(permalink_path("/about.html").as_deref(), Some("about.html"));
        assert_eq!(permalink_path("/a/b/index.html").as_deref(), Some("a/b/"));
        assert_eq!(permalink_path("/x.html/").as_deref(), Some("x.html/"));
        assert_eq!(permalink_path("../up"), None);
        assert_eq!(permalink_path("/100%25/"), None);
        assert_eq!(permalink_path("/q?x=1"), None);
        assert_eq!(permalink_path("/h#frag"), None);
        assert_eq!(alias_path("/%EC%A0%84/").as_deref(), Some("전/"));
        assert_eq!(alias_path("/../../etc"), None);
        assert_eq!(alias_path("/%2e%2e/etc"), None);
        assert_eq!(alias_path("/"), None);
    }

    #[test]
    fn paged_paths() {
        assert_eq!(paged("topics/x/", 1), "topics/x/");
        assert_eq!(paged("topics/x/", 3), "topics/x/page/3/");
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
        assert_eq!(folder_path("Foo Bar/Ünï"), "foo-bar/ünï/");
    }

    #[test]
    fn urls_and_percent_coding() {
        let urls = Urls { base_path: "/policy/".into(), origin: Some("https://example.org".into()) };
        assert_eq!(urls.href("topics/x/"), "/policy/topics/x/");
        assert_eq!(urls.absolute("/policy/topics/가/").unwrap(), "https://example.org/policy/topics/%EA%B0%80/");
        assert_eq!(urls.path_of("/policy/topics/x/"), "topics/x/");
        assert_eq!(percent_decode("a%20b.md").as_deref(), Some("a b.md"));
        assert_eq!(percent_decode("100%"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%EA%B0%80").as_deref(), Some("가"));
        assert_eq!(percent_decode("%FF"), None, "not UTF-8");
    }
}
