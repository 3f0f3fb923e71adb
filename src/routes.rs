//! The route table: every file the build writes, registered once with what it holds, before
//! anything renders. Links, templates, feeds and the writer take every URL and path from here;
//! no other module formats a site path. Two owners of one path (compared the way static hosts
//! compare them: decoded, NFC, case-insensitive) are an error that names both.
//!
//! A new page kind is one more `Page` variant registered in `plan`, and its context in
//! `render/pages.rs`.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::site::{BriefId, Site};
use crate::slug::nfc;
use crate::theme::Theme;

/// The protocol's limit of URLs per sitemap file.
pub const SITEMAP_LIMIT: usize = 50_000;

/// Output paths longer than this fail on common file systems (`PATH_MAX` is 4,096 bytes, and the
/// output folder's own path comes first).
const MAX_PATH_BYTES: usize = 3_000;

/// A page rendered with a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    Home,
    NotFound,
    Search,
    Brief(BriefId),
    /// Page `page` (from 1) of a section's list.
    Section {
        section: usize,
        page: usize,
    },
    /// The list of a taxonomy's terms.
    Taxonomy(usize),
    /// Page `page` (from 1) of a term's list.
    Term {
        taxonomy: usize,
        term: usize,
        page: usize,
    },
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
    SearchIndex,
    Graph,
    /// The Atom feed of the whole site (`None`) or of a term.
    Feed(Option<(usize, usize)>),
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

/// One file of the output: its URL and its path, kept as one text (`/policy/briefs/x/index.html`)
/// of which both are slices.
#[derive(Debug, Clone)]
pub struct Route {
    text: String,
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

/// Makes URLs: the base path of `base_url` followed by a path from the site root.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Urls {
    pub base_path: String,
    pub origin: Option<String>,
}

impl Urls {
    pub fn new(config: &SiteConfig) -> Urls {
        Urls { base_path: config.base_url.path.clone(), origin: config.base_url.origin.clone() }
    }

    /// Root-relative URL of a path from the site root (`briefs/x/` → `/policy/briefs/x/`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The absolute form of a root-relative URL, when `base_url` has an origin; non-ASCII
    /// characters percent-encoded, as XML consumers (feeds, sitemaps) expect.
    pub fn absolute(&self, href: &str) -> Option<String> {
        self.origin.as_ref().map(|o| format!("{o}{}", percent_encode_non_ascii(href)))
    }

    /// The path from the site root of a root-relative URL (`/policy/briefs/x/` → `briefs/x/`).
    pub fn path_of<'a>(&self, href: &'a str) -> &'a str {
        href.strip_prefix(self.base_path.as_str()).unwrap_or(href)
    }
}

pub fn percent_encode_non_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() && c != ' ' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The one percent-decoder: `None` when an escape is malformed or the bytes are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let digit = |b: u8| (b as char).to_digit(16);
            out.push((digit(hex[0])? * 16 + digit(hex[1])?) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
    let bad =
        |s: &&str| *s == "." || *s == ".." || s.contains(['\\', ':', '\0']) || s.starts_with('.') || s.len() > 200;
    if segments.is_empty() || segments.iter().any(bad) {
        return None;
    }
    Some(format!("{}/", segments.join("/")))
}

/// Every file of the site, and where each page, feed and file of it is.
#[derive(Debug, Clone)]
pub struct Routes {
    pub urls: Urls,
    /// A hash of what the table was made from (0 when it was not computed): equal keys, equal
    /// tables.
    pub key: u64,
    /// Every file the build writes, each once, pages first.
    pub files: Vec<Route>,
    home: usize,
    not_found: usize,
    search: usize,
    search_index: usize,
    site_feed: Option<usize>,
    brief: Vec<usize>,
    /// Per section, its first route and its number of pages (pages are consecutive).
    section: Vec<(usize, usize)>,
    taxonomy: Vec<usize>,
    term: Vec<Vec<(usize, usize)>>,
    term_feed: Vec<Vec<Option<usize>>>,
    theme_file: Vec<usize>,
    asset: Vec<usize>,
}

impl Routes {
    pub fn home(&self) -> &Route {
        &self.files[self.home]
    }
    pub fn not_found(&self) -> &Route {
        &self.files[self.not_found]
    }
    pub fn search(&self) -> &Route {
        &self.files[self.search]
    }
    pub fn search_index(&self) -> &Route {
        &self.files[self.search_index]
    }
    pub fn brief(&self, b: BriefId) -> &Route {
        &self.files[self.brief[b]]
    }
    /// Page `page` (from 1) of a section's list.
    pub fn section(&self, s: usize, page: usize) -> &Route {
        let (first, _) = self.section[s];
        &self.files[first + page.max(1) - 1]
    }
    pub fn section_pages(&self, s: usize) -> usize {
        self.section[s].1
    }
    pub fn taxonomy(&self, t: usize) -> &Route {
        &self.files[self.taxonomy[t]]
    }
    pub fn term(&self, t: usize, term: usize, page: usize) -> &Route {
        let (first, _) = self.term[t][term];
        &self.files[first + page.max(1) - 1]
    }
    pub fn term_pages(&self, t: usize, term: usize) -> usize {
        self.term[t][term].1
    }
    pub fn site_feed(&self) -> Option<&Route> {
        self.site_feed.map(|i| &self.files[i])
    }
    pub fn term_feed(&self, t: usize, term: usize) -> Option<&Route> {
        self.term_feed[t][term].map(|i| &self.files[i])
    }
    /// A file of the theme's `static/` folder, by its index in the theme.
    pub fn theme_file(&self, i: usize) -> &Route {
        &self.files[self.theme_file[i]]
    }
    pub fn asset(&self, i: usize) -> &Route {
        &self.files[self.asset[i]]
    }
    /// The absolute URL of a route, when `base_url` has an origin.
    pub fn absolute(&self, route: &Route) -> Option<String> {
        self.urls.absolute(route.url())
    }
    /// The URL of a path from the site root that the author wrote (`/briefs/x/`), kept as is.
    pub fn href(&self, path: &str) -> String {
        self.urls.href(path)
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

    /// A hash of everything `plan` reads: equal keys, equal tables. Cheap next to `plan`, so that
    /// `watch` plans again only when a path can have changed (not for a new title or date).
    pub fn key(config: &SiteConfig, site: &Site, theme: &Theme) -> u64 {
        let mut h = crate::hash::hasher();
        (&config.base_url, config.paginate_by, theme.static_files.keys().collect::<Vec<_>>()).hash(&mut h);
        for brief in &site.briefs {
            (brief.folder(), brief.slug(), &brief.facts().aliases).hash(&mut h);
        }
        for section in &site.sections {
            (&section.folder, section.briefs.len(), section.index.is_some()).hash(&mut h);
        }
        for taxonomy in &site.taxonomies {
            taxonomy.name.hash(&mut h);
            for term in &taxonomy.terms {
                (&term.slug, term.briefs.len()).hash(&mut h);
            }
        }
        (&site.assets, &site.statics).hash(&mut h);
        h.finish()
    }

    /// Registers every file the site writes. Clashes and unusable paths are errors.
    pub fn plan(config: &SiteConfig, site: &Site, theme: &Theme) -> (Routes, Vec<Diagnostic>) {
        let urls = Urls::new(config);
        let mut table = Table::new(urls.clone(), site);
        let per_page = config.paginate_by;

        let home = table.page(String::new(), Page::Home);
        let not_found = table.file("404.html".into(), Output::Page(Page::NotFound));
        let search = table.page("search/".into(), Page::Search);
        let brief_routes: Vec<usize> = site
            .briefs
            .iter()
            .enumerate()
            .map(|(b, brief)| table.page(format!("{}{}/", folder_path(brief.folder()), brief.slug()), Page::Brief(b)))
            .collect();
        let mut section = Vec::with_capacity(site.sections.len());
        for (s, sec) in site.sections.iter().enumerate() {
            if s == 0 {
                // The root folder's page is the home page, which lists the newest briefs.
                section.push((home, 1));
                continue;
            }
            let path = folder_path(&sec.folder);
            let pages = page_count(sec.briefs.len(), per_page);
            let start = table.files.len();
            for page in 1..=pages {
                table.page(paged(&path, page), Page::Section { section: s, page });
            }
            section.push((start, pages));
        }
        let mut taxonomy = Vec::new();
        let mut term = Vec::new();
        for (t, tax) in site.taxonomies.iter().enumerate() {
            taxonomy.push(table.page(format!("{}/", tax.name), Page::Taxonomy(t)));
            term.push(
                tax.terms
                    .iter()
                    .enumerate()
                    .map(|(i, tm)| {
                        let path = format!("{}/{}/", tax.name, tm.slug);
                        let pages = page_count(tm.briefs.len(), per_page);
                        let start = table.files.len();
                        for page in 1..=pages {
                            table.page(paged(&path, page), Page::Term { taxonomy: t, term: i, page });
                        }
                        (start, pages)
                    })
                    .collect(),
            );
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
                        Diagnostic::error(
                            Code::BadAlias,
                            format!("the alias `{}` is not a usable URL path", alias.value),
                        )
                        .at(brief.parsed.location(alias.span.clone()))
                        .help("write an old URL path such as `/old/opcon-transfer/`"),
                    ),
                }
            }
        }
        let search_index = table.file("search/index.json".into(), Output::SearchIndex);
        table.file("graph.json".into(), Output::Graph);
        let mut site_feed = None;
        let mut term_feed: Vec<Vec<Option<usize>>> =
            site.taxonomies.iter().map(|t| vec![None; t.terms.len()]).collect();
        if urls.origin.is_some() {
            site_feed = Some(table.file("atom.xml".into(), Output::Feed(None)));
            for (t, tax) in site.taxonomies.iter().enumerate() {
                for (i, tm) in tax.terms.iter().enumerate() {
                    let path = format!("{}/{}/atom.xml", tax.name, tm.slug);
                    term_feed[t][i] = Some(table.file(path, Output::Feed(Some((t, i)))));
                }
            }
            let listed = table.files.iter().filter(|r| matches!(r.output, Output::Page(p) if listed(p))).count();
            table.file("sitemap.xml".into(), Output::Sitemap(0));
            if listed > SITEMAP_LIMIT {
                for n in 1..=listed.div_ceil(SITEMAP_LIMIT) {
                    table.file(Routes::sitemap_part_name(n), Output::Sitemap(n));
                }
            }
        }
        table.file("robots.txt".into(), Output::Robots);
        let theme_file = theme
            .static_files
            .keys()
            .enumerate()
            .map(|(i, name)| table.file(format!("static/{name}"), Output::ThemeFile(i)))
            .collect();
        let asset =
            site.assets.iter().enumerate().map(|(i, a)| table.file(a.rel_path.clone(), Output::Asset(i))).collect();
        for (i, file) in site.statics.iter().enumerate() {
            table.add_static(file.rel_path.clone(), i);
        }
        table.check_folders();
        let Table { files, diagnostics, .. } = table;
        let routes = Routes {
            urls,
            key: 0,
            files,
            home,
            not_found,
            search,
            search_index,
            site_feed,
            brief: brief_routes,
            section,
            taxonomy,
            term,
            term_feed,
            theme_file,
            asset,
        };
        (routes, diagnostics)
    }
}

fn listed(page: Page) -> bool {
    !matches!(page, Page::NotFound | Page::Search)
}

/// The table while it is filled: files by a key compared as static hosts compare paths.
struct Table<'a> {
    urls: Urls,
    site: &'a Site,
    files: Vec<Route>,
    by_key: HashMap<String, usize>,
    diagnostics: Vec<Diagnostic>,
}

/// How hosts compare paths: case-insensitive (macOS and Windows file systems fold case).
fn key_of(file: &str) -> String {
    file.to_lowercase()
}

impl<'a> Table<'a> {
    fn new(urls: Urls, site: &'a Site) -> Table<'a> {
        let capacity = site.briefs.len() * 2 + 64;
        Table {
            urls,
            site,
            files: Vec::with_capacity(capacity),
            by_key: HashMap::with_capacity(capacity),
            diagnostics: vec![],
        }
    }

    /// A page at `path` from the site root (`briefs/x/`), written as `path/index.html`.
    fn page(&mut self, path: String, page: Page) -> usize {
        self.add(&path, "index.html", Output::Page(page))
    }

    /// A redirect page at `path` from the site root.
    fn page_like(&mut self, path: &str, output: Output) -> usize {
        self.add(path, "index.html", output)
    }

    /// A file at `path` from the site root.
    fn file(&mut self, path: String, output: Output) -> usize {
        self.add(&path, "", output)
    }

    /// A file at `path` + `file` (`briefs/x/` + `index.html`) whose URL is `path`.
    fn add(&mut self, path: &str, file: &str, output: Output) -> usize {
        let base = &self.urls.base_path;
        let text = format!("{base}{path}{file}");
        let route = Route { url_end: base.len() + path.len(), file_start: base.len(), text, output };
        let index = self.files.len();
        let file = route.file();
        if file.len() > MAX_PATH_BYTES {
            let (what, location) = self.describe(output);
            let len = file.len();
            self.diagnostics.push(
                Diagnostic::error(Code::TooLarge, format!("the output path of {what} is {len} bytes long"))
                    .at_opt(location)
                    .help("shorten the folder names or the slug"),
            );
        }
        let key = key_of(file);
        match self.by_key.get(&key) {
            Some(&other) => self.clash(other, output, route.file()),
            None => {
                self.by_key.insert(key, index);
            }
        }
        self.files.push(route);
        index
    }

    /// A file of `static/`: it replaces a generated file at the same path (the documented
    /// precedence), but clashes with another file of `static/`.
    fn add_static(&mut self, file: String, i: usize) {
        let output = Output::Static(i);
        if let Some(&other) = self.by_key.get(&key_of(&file)) {
            if !matches!(self.files[other].output, Output::Static(_)) {
                self.files[other].output = output;
                return;
            }
        }
        self.file(file, output);
    }

    fn clash(&mut self, first: usize, second: Output, file: &str) {
        let (first_what, first_at) = self.describe(self.files[first].output);
        let (second_what, second_at) = self.describe(second);
        let shown = format!("/{}", file.strip_suffix("index.html").unwrap_or(file));
        let mut d = Diagnostic::error(
            Code::DuplicateUrl,
            format!("{second_what} and {first_what} both map to the URL `{shown}`"),
        );
        d = match (second_at, first_at) {
            (Some(second), Some(first)) => d.at(second).also(first, format!("{first_what} is here")),
            (Some(at), None) | (None, Some(at)) => d.at(at),
            (None, None) => d,
        };
        self.diagnostics.push(d.help(resolution(second)));
    }

    /// A file whose path is a folder of another file's path (`static/briefs` against
    /// `briefs/x/index.html`) cannot be written either.
    fn check_folders(&mut self) {
        let mut clashes = Vec::new();
        for (i, route) in self.files.iter().enumerate() {
            let key = key_of(route.file());
            for (at, _) in key.match_indices('/') {
                if let Some(&other) = self.by_key.get(&key[..at]) {
                    clashes.push((other, i));
                }
            }
        }
        clashes.sort_unstable();
        clashes.dedup_by_key(|c| c.0);
        for (file, inside) in clashes {
            let (what, at) = self.describe(self.files[file].output);
            let (other, other_at) = self.describe(self.files[inside].output);
            let mut d = Diagnostic::error(
                Code::DuplicateUrl,
                format!("{what} is written at `{}`, a folder that {other} needs", self.files[file].file()),
            )
            .at_opt(at)
            .help(resolution(self.files[file].output));
            if let Some(o) = other_at {
                d = d.also(o, format!("{other} is here"));
            }
            self.diagnostics.push(d);
        }
    }

    /// Who owns a file, in the user's terms, and the place in the sources that made it.
    fn describe(&self, output: Output) -> (String, Option<Location>) {
        let site = self.site;
        let brief_at = |b: BriefId| {
            let brief = &site.briefs[b];
            brief.parsed.location(brief.facts().slug_span.as_ref().map_or(0..0, |p| p.0.clone()))
        };
        match output {
            Output::Page(Page::Brief(b)) => (format!("`{}`", site.briefs[b].display()), Some(brief_at(b))),
            Output::Page(Page::Section { section, page }) => {
                let sec = &site.sections[section];
                let folder = format!("the folder `content/{}`", sec.folder);
                let what = if page > 1 { format!("page {page} of {folder}") } else { folder };
                (what, sec.index.as_ref().map(|p| p.location(0..0)))
            }
            Output::Page(Page::Term { taxonomy, term, page }) => {
                let tax = &site.taxonomies[taxonomy];
                let tm = &tax.terms[term];
                let what = format!("the {} term `{}`", tax.name, tm.label);
                let what = if page > 1 { format!("page {page} of {what}") } else { what };
                let (b, span) = &tm.first_use;
                (what, Some(site.briefs[*b].parsed.location(span.clone())))
            }
            Output::Page(Page::Taxonomy(t)) => (format!("the `{}` index", site.taxonomies[t].name), None),
            Output::Page(Page::Home) => ("the home page".into(), None),
            Output::Page(Page::NotFound) => ("the 404 page".into(), None),
            Output::Page(Page::Search) => ("the search page".into(), None),
            Output::Alias { brief, alias } => {
                let b = &site.briefs[brief];
                let a = &b.facts().aliases[alias];
                (format!("the alias `{}` of `{}`", a.value, b.display()), Some(b.parsed.location(a.span.clone())))
            }
            Output::SearchIndex => ("the search index".into(), None),
            Output::Graph => ("the link graph `graph.json`".into(), None),
            Output::Feed(None) => ("the site's Atom feed".into(), None),
            Output::Feed(Some((t, term))) => (
                format!("the feed of the {} term `{}`", site.taxonomies[t].name, site.taxonomies[t].terms[term].label),
                None,
            ),
            Output::Sitemap(_) => ("the sitemap".into(), None),
            Output::Robots => ("`robots.txt`".into(), None),
            Output::ThemeFile(_) => ("a file of the theme's `static/` folder".into(), None),
            Output::Asset(i) => (format!("the file `content/{}`", site.assets[i].rel_path), None),
            Output::Static(i) => (format!("the file `static/{}`", site.statics[i].rel_path), None),
        }
    }
}

/// How to resolve a clash, from the side of the file registered second.
fn resolution(output: Output) -> &'static str {
    match output {
        Output::Page(Page::Brief(_)) => "give the brief another `slug:`, or move or rename its file",
        Output::Page(Page::Section { .. }) => "rename one of the folders, or the brief whose URL takes the page",
        Output::Page(Page::Term { .. }) | Output::Feed(Some(_)) => {
            "rename the brief or folder that takes the term's URL (a folder named after a taxonomy holds briefs at the term pages' URLs)"
        }
        Output::Alias { .. } => "remove the alias, or change it to the old URL it should redirect from",
        Output::Asset(_) | Output::Static(_) => "rename or move the file: the build writes a file of its own at that path",
        _ => "rename the folder or file under content/ that takes this URL: the build writes it itself",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths_are_decoded_and_confined() {
        assert_eq!(alias_path("/old/scm-2025/").as_deref(), Some("old/scm-2025/"));
        assert_eq!(alias_path("old/x/index.html").as_deref(), Some("old/x/"));
        assert_eq!(alias_path("/old%20url/").as_deref(), Some("old url/"));
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
