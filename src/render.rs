//! Rendering: the site and its link graph into bytes per output path, in memory and in a
//! deterministic order. Templates see typed contexts: `site`, `page` and `build`.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::{ErrorKind, Tera};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Location};
use crate::frontmatter::{Date, Source};
use crate::links::{LinkGraph, Urls};
use crate::markdown::{self, Heading};
use crate::output::Staging;
use crate::site::{BriefId, Site};
use crate::theme::Theme;
use crate::{publish, search};

/// Templates every theme must provide (the default theme embeds them all).
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "search.html",
    "base.html",
    "index.html",
    "section.html",
    "page.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "404.html",
];

/// The rendered site: generated files and files copied from disk, by output path.
#[derive(Debug, Default)]
pub struct SiteOutput {
    pub files: Vec<(String, Vec<u8>)>,
    pub copies: Vec<(String, PathBuf)>,
    /// Pages not rendered because their signature did not change (only with `previous`).
    pub kept: Vec<String>,
    /// Pages already written to the staging folder as they were rendered.
    pub streamed: Vec<String>,
    /// The signature of every page: a hash of everything it shows.
    pub signatures: HashMap<String, u64>,
}

pub struct Templates<'a> {
    tera: Tera,
    /// Where the templates came from, for locating errors.
    theme: &'a Theme,
}

impl<'a> Templates<'a> {
    /// Compiles the theme's templates once. Errors name the template file, with line and column.
    pub fn compile(theme: &'a Theme) -> Result<Templates<'a>, Vec<Diagnostic>> {
        let missing: Vec<Diagnostic> = REQUIRED_TEMPLATES
            .iter()
            .filter(|name| !theme.templates.contains_key(**name))
            .map(|name| Diagnostic::error("missing-template", format!("the theme has no template `{name}`")))
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        // Tera's default escaper would do, but feeds and pages must escape exactly alike.
        tera.set_escape_fn(markdown::write_escaped);
        let mut templates = Templates { tera, theme };
        if let Err(e) = templates.tera.add_raw_templates(&theme.templates) {
            let message = match e.kind() {
                ErrorKind::SyntaxError(report) => report.message().to_string(),
                // Unknown templates, filters and components come as ready-made reports.
                _ => e.to_string().trim_start_matches("error: ").to_string(),
            };
            let diagnostic = Diagnostic::error("template", format!("the templates do not compile: {message}"));
            return Err(vec![templates
                .locate(diagnostic, &e)
                .help("fix the template at the place shown; see https://keats.github.io/tera/docs/ for the syntax")]);
        }
        Ok(templates)
    }

    fn render<T: Serialize>(&self, template: &str, page_name: &str, context: &T) -> Result<Vec<u8>, Diagnostic> {
        let context = tera::Context::from_serialize(context).map_err(|e| {
            Diagnostic::error("template", format!("cannot pass the page `{page_name}` to templates: {e}"))
        })?;
        let mut bytes = Vec::with_capacity(16 * 1024);
        self.tera.render_to(template, &context, &mut bytes).map_err(|e| {
            let message = match e.kind() {
                ErrorKind::RenderingError(report) => report.message().to_string(),
                _ => e.to_string(),
            };
            let diagnostic = Diagnostic::error(
                "template",
                format!("template `{template}` failed while rendering `{page_name}`: {message}"),
            )
            .help("check the variables the template uses; every page gets `site`, `page` and `build`");
            self.locate(diagnostic, &e)
        })?;
        Ok(bytes)
    }

    /// Points a diagnostic at the place in a template that Tera reported.
    fn locate(&self, diagnostic: Diagnostic, error: &tera::Error) -> Diagnostic {
        let report = match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => report,
            _ => return diagnostic,
        };
        let name = report.filename();
        match (self.theme.templates.get(name), self.theme.template_files.get(name)) {
            (Some(text), Some(file)) => {
                diagnostic.at(Location::new(file.clone(), Arc::from(text.as_str()), report.span().range.clone()))
            }
            _ => diagnostic,
        }
    }
}

// ---- contexts: the theme's API ----

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct SiteContext {
    title: String,
    description: String,
    language: String,
    /// The root-relative URL of the home page (`/policy/`).
    url: String,
    /// The absolute base URL, when `base_url` is absolute.
    absolute_url: Option<String>,
    stylesheet: String,
    /// The search script, with a content hash in its URL.
    search_script: String,
    /// The search page and its index.
    search_url: String,
    /// The site's Atom feed, when `base_url` is absolute (feeds need absolute URLs).
    feed: Option<String>,

    sections: Vec<Link>,
    taxonomies: Vec<TaxonomyLink>,
}

#[derive(Serialize)]
struct TaxonomyLink {
    name: String,
    title: String,
    url: String,
}

#[derive(Serialize)]
struct BuildContext {
    version: &'static str,
    serving: bool,
}

#[derive(Serialize, Clone)]
struct DateContext {
    /// `2025-11-04` or the full RFC 3339 timestamp, for `<time datetime>`.
    iso: String,
    ymd: String,
    display: String,
}

fn date_context(date: &Option<Date>) -> Option<DateContext> {
    date.map(|d| {
        let ymd = d.ymd();
        DateContext { iso: if d.has_time { d.rfc3339() } else { ymd.clone() }, ymd, display: d.display() }
    })
}

#[derive(Serialize, Clone)]
struct TermLink {
    label: String,
    url: String,
}

/// What list pages show of a brief: never its HTML.
#[derive(Serialize)]
struct Card<'a> {
    title: &'a str,
    url: String,
    date: Option<DateContext>,
    summary: &'a str,
    status: Option<&'a str>,
    reading_minutes: usize,
    section: &'a str,
}

/// A card as templates see it: built once per brief, then shared by every page that lists it
/// (a Tera value is reference-counted, so listing it costs no copy).
type CardValue = tera::Value;

#[derive(Serialize)]
struct Page<'a, P: Serialize> {
    site: &'a tera::Value,
    build: &'a tera::Value,
    page: P,
}

#[derive(Serialize)]
struct Pager<'a> {
    current: usize,
    total: usize,
    previous: Option<String>,
    next: Option<String>,
    /// A link to every page of the list (`title` is the page number).
    pages: &'a tera::Value,
}

#[derive(Serialize)]
struct TermGroup {
    name: String,
    title: String,
    url: String,
    terms: Vec<TermLink>,
}

#[derive(Serialize)]
struct BriefPage<'a> {
    kind: &'static str,
    id: &'a str,
    title: &'a str,
    url: String,
    date: Option<DateContext>,
    updated: Option<DateContext>,
    summary: &'a str,
    content: String,
    toc: &'a [Heading],
    word_count: usize,
    reading_minutes: usize,
    authors: &'a [String],
    status: Option<&'a str>,
    taxonomies: Vec<TermGroup>,
    sources: &'a [Source],
    backlinks: Vec<&'a CardValue>,
    /// Cards with a `reason`: "shares USFK, extended deterrence", or empty for an author's
    /// `related:` entry.
    related: Vec<CardValue>,
    outgoing: Vec<&'a CardValue>,
    previous: Option<&'a CardValue>,
    next: Option<&'a CardValue>,
    section: Link,
    image: Option<String>,
    lang: Option<&'a str>,
    extra: Option<&'a serde_yaml::Value>,
}

#[derive(Serialize)]
struct SectionPage<'a> {
    kind: &'static str,
    title: &'a str,
    url: String,
    intro: String,
    briefs: Vec<&'a CardValue>,
    subsections: Vec<SectionLink>,
    pager: Pager<'a>,
}

#[derive(Serialize)]
struct SectionLink {
    title: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct HomePage<'a> {
    kind: &'static str,
    title: &'a str,
    url: String,
    intro: String,
    latest: Vec<&'a CardValue>,
    sections: Vec<SectionLink>,
    taxonomies: Vec<TaxonomySummary>,
}

#[derive(Serialize)]
struct TaxonomySummary {
    name: String,
    title: String,
    url: String,
    /// Sorted by label.
    terms: Vec<TermSummary>,
}

#[derive(Serialize, Clone)]
struct TermSummary {
    label: String,
    slug: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct TermPage<'a> {
    kind: &'static str,
    title: String,
    label: &'a str,
    url: String,
    taxonomy: TaxonomyLink,
    briefs: Vec<&'a CardValue>,
    count: usize,
    pager: Pager<'a>,
}

#[derive(Serialize)]
struct SearchPage {
    kind: &'static str,
    title: &'static str,
    url: String,
    /// `search/index.json` with a content hash, so browsers never use a stale index.
    index_url: String,
}

#[derive(Serialize)]
struct NotFoundPage {
    kind: &'static str,
    title: &'static str,
    url: String,
}

/// One page to render.
enum Job {
    Search,
    Brief(BriefId),
    Section(usize, usize),
    Home,
    TaxonomyList(usize),
    Term(usize, usize, usize),
    NotFound,
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

fn hash_link_outputs(h: &mut impl Hasher, outputs: &[markdown::LinkOutput]) {
    for output in outputs {
        match output {
            markdown::LinkOutput::Href { url, label } => (url, label).hash(h),
            markdown::LinkOutput::Broken => 0u8.hash(h),
        }
    }
}

/// A page's output path and bytes, or why its template failed.
type RenderedPage = Result<(String, Vec<u8>), Diagnostic>;

/// FNV-1a: a small, stable content hash for cache-busting asset URLs.
pub fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// `topics/x/` page 1 → `topics/x/`, page 3 → `topics/x/page/3/`.
fn paged_path(path: &str, page: usize) -> String {
    if page <= 1 {
        path.to_string()
    } else {
        format!("{path}page/{page}/")
    }
}

fn output_path(path: &str) -> String {
    format!("{path}index.html")
}

/// How one rendering runs: which part, compared with which previous signatures, streamed where.
#[derive(Clone, Copy)]
pub struct Pass<'a> {
    /// The signatures of the pages written before: pages whose signature is unchanged are not
    /// rendered again. `None` renders everything without computing signatures.
    pub previous: Option<&'a HashMap<String, u64>>,
    pub part: Part,
    /// Where pages are written as they are rendered (`build`); else they are kept in memory.
    pub sink: Option<&'a Staging>,
}

impl Pass<'_> {
    /// Everything, in memory.
    pub fn all() -> Pass<'static> {
        Pass { previous: None, part: Part::All, sink: None }
    }
}

/// Which files to render: `watch` renders the pages first, reloads the browser, and only then
/// the files no page shows at once (search index, graph, feeds, sitemap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    All,
    Pages,
    Extras,
    /// Only the page of one brief (`watch`, when an edit changed nothing other pages show).
    Brief(BriefId),
}

/// Renders the pages (with `previous` signatures, only those that show something new), the
/// theme's static files, files copied from content/, and unless `part` is `Pages`, the search
/// index and page, the link graph, feeds, sitemap and robots.txt.
pub fn render_site(
    templates: &Templates<'_>,
    theme: &Theme,
    config: &SiteConfig,
    site: &Site,
    graph: &LinkGraph,
    pass: Pass,
) -> (SiteOutput, Vec<Diagnostic>) {
    let Pass { previous, part, sink } = pass;
    let urls = Urls::new(config);
    let hashed = |name: &str| {
        theme
            .static_files
            .get(name)
            .map(|bytes| format!("{}?v={:08x}", urls.href(&format!("static/{name}")), content_hash(bytes) as u32))
            .unwrap_or_default()
    };
    let site_context = SiteContext {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        url: urls.href(""),
        absolute_url: urls.absolute(""),
        stylesheet: hashed("style.css"),
        search_script: hashed("search.js"),
        search_url: urls.href("search/"),
        feed: urls.absolute("").map(|_| urls.href("atom.xml")),
        sections: site
            .sections
            .iter()
            .filter(|s| s.parent == Some(0))
            .map(|s| Link { title: s.title.clone(), url: urls.href(&s.path) })
            .collect(),
        taxonomies: site
            .taxonomies
            .iter()
            .map(|t| TaxonomyLink {
                name: t.name.clone(),
                title: t.title.clone(),
                url: urls.href(&format!("{}/", t.name)),
            })
            .collect(),
    };
    let build = BuildContext { version: env!("CARGO_PKG_VERSION"), serving: false };
    let with_extras = matches!(part, Part::All | Part::Extras);

    let per_page = config.paginate_by;
    let mut jobs = vec![Job::Home, Job::NotFound];
    jobs.extend((0..site.briefs.len()).map(Job::Brief));
    for (s, section) in site.sections.iter().enumerate().skip(1) {
        jobs.extend((1..=page_count(section.briefs.len(), per_page)).map(|p| Job::Section(s, p)));
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        for (term_index, term) in taxonomy.terms.iter().enumerate() {
            jobs.extend((1..=page_count(term.briefs.len(), per_page)).map(|p| Job::Term(t, term_index, p)));
        }
    }

    let global_hash = hash_of(&(
        &theme.templates,
        &theme.static_files,
        format!("{config:?}"),
        serde_json::to_string(&site_context).unwrap_or_default(),
        env!("CARGO_PKG_VERSION"),
    ));
    let mut context = RenderContext {
        search_index_url: OnceLock::new(),
        card_hashes: (0..site.briefs.len()).map(|_| OnceLock::new()).collect(),
        global_hash,
        templates,
        config,
        site,
        graph,
        urls: &urls,
        site_value: tera::Value::from_serializable(&site_context),
        build_value: tera::Value::from_serializable(&build),
        cards: (0..site.briefs.len()).map(|_| OnceLock::new()).collect(),
        section_pages: site.sections.iter().map(|_| OnceLock::new()).collect(),
        term_pages: site.taxonomies.iter().map(|t| t.terms.iter().map(|_| OnceLock::new()).collect()).collect(),
    };
    let mut output = SiteOutput::default();
    let mut diagnostics = Vec::new();
    if matches!(part, Part::All | Part::Pages) && previous.is_none_or(HashMap::is_empty) {
        // Every page renders: make the cards first, newest first in runs. List pages read them in
        // that order and find them side by side in memory rather than scattered over the heap.
        site.by_date.par_chunks(512).for_each(|run| {
            for &b in run {
                context.card(b);
            }
        });
    }
    if let Part::Brief(b) = part {
        let job = Job::Brief(b);
        match context.render_job(&job) {
            Ok(page) => output.files.push(page),
            Err(d) => diagnostics.push(d),
        }
        output.signatures.insert(context.job_path(&job), context.signature(&job));
        return (output, diagnostics);
    }
    // The search index, graph, feeds and sitemap are made while the pages render.
    let extras = || {
        let mut files = Vec::new();
        let mut diagnostics = Vec::new();
        let search_index = search::search_index(site);
        let index_url = format!("{}?v={:08x}", urls.href("search/index.json"), content_hash(&search_index) as u32);
        context.search_index_url.get_or_init(|| index_url);
        match context.render_job(&Job::Search) {
            Ok(page) => files.push(page),
            Err(d) => diagnostics.push(d),
        }
        files.push(("search/index.json".into(), search_index));
        files.push(("graph.json".into(), graph_json(site, graph, &urls)));
        let pages: Vec<(String, Option<String>)> = match urls.origin {
            Some(_) => jobs.iter().filter_map(|job| context.sitemap_entry(job)).collect(),
            None => Vec::new(),
        };
        let (published, warning) = publish::publish_files(config, site, graph, &pages);
        files.extend(published);
        diagnostics.extend(warning);
        (files, diagnostics)
    };
    let pages = |output: &mut SiteOutput, diagnostics: &mut Vec<Diagnostic>| {
        context.render_pages(&jobs, previous, sink, output, diagnostics);
        for brief in &site.briefs {
            for alias in &brief.front.aliases {
                match alias_path(&alias.value) {
                    Some(path) => {
                        output.files.push((output_path(&path), redirect_page(&urls.href(&brief.path)).into_bytes()))
                    }
                    None => diagnostics.push(
                        Diagnostic::error("bad-alias", format!("the alias `{}` is not a usable URL path", alias.value))
                            .at(crate::diagnostics::Location::new(
                                brief.file.display.clone(),
                                brief.file.text.clone(),
                                alias.span.clone(),
                            ))
                            .help("write an old URL path such as `/old/opcon-transfer/`"),
                    ),
                }
            }
        }
        for (name, bytes) in &theme.static_files {
            output.files.push((format!("static/{name}"), bytes.clone()));
        }
        for asset in &site.assets {
            output.copies.push((asset.rel_path.clone(), asset.source.clone()));
        }
    };
    let ((), (extra_files, extra_diagnostics)) = rayon::join(
        || {
            if part != Part::Extras {
                pages(&mut output, &mut diagnostics)
            }
        },
        || if with_extras { extras() } else { Default::default() },
    );
    output.files.extend(extra_files);
    diagnostics.extend(extra_diagnostics);
    output.files.sort_by(|a, b| a.0.cmp(&b.0));
    // Freeing a card per brief takes tens of milliseconds on a large site; nothing waits for it.
    let cards = std::mem::take(&mut context.cards);
    std::thread::spawn(move || drop(cards));
    (output, diagnostics)
}

/// `/old/scm-2025/` → `old/scm-2025/`; `None` for paths that are empty or climb out.
fn alias_path(alias: &str) -> Option<String> {
    let alias = alias.trim().trim_start_matches('/');
    let alias = alias.strip_suffix("index.html").unwrap_or(alias);
    let segments: Vec<&str> = alias.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty()
        || segments.iter().any(|s| *s == "." || *s == ".." || s.contains(['\\', ':', '?', '#']) || s.starts_with('.'))
    {
        return None;
    }
    Some(format!("{}/", segments.join("/")))
}

fn redirect_page(target: &str) -> String {
    let t = markdown::escape_html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved</title>\n\
         <link rel=\"canonical\" href=\"{t}\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n\
         <body>\n<p>This brief has moved to <a href=\"{t}\">{t}</a>.</p>\n</body>\n</html>\n"
    )
}

#[derive(Serialize)]
struct GraphNode<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    section: &'a str,
    date: Option<String>,
    terms: std::collections::BTreeMap<&'a str, Vec<&'a str>>,
}

#[derive(Serialize)]
struct GraphEdge<'a> {
    source: &'a str,
    target: &'a str,
}

fn graph_json(site: &Site, graph: &LinkGraph, urls: &Urls) -> Vec<u8> {
    let mut order: Vec<BriefId> = (0..site.briefs.len()).collect();
    order.sort_by(|&a, &b| site.briefs[a].id().cmp(site.briefs[b].id()));
    let nodes: Vec<GraphNode> = order
        .iter()
        .map(|&b| {
            let brief = &site.briefs[b];
            let mut terms: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
            for &(t, term) in &brief.terms {
                terms.entry(site.taxonomies[t].name.as_str()).or_default().push(&site.taxonomies[t].terms[term].label);
            }
            GraphNode {
                id: brief.id(),
                url: urls.href(&brief.path),
                title: &brief.front.title,
                section: &site.sections[brief.section].folder,
                date: brief.front.date.map(|d| d.ymd()),
                terms,
            }
        })
        .collect();
    let mut edges: Vec<GraphEdge> = Vec::new();
    for &b in &order {
        let mut targets: Vec<&str> = graph.outgoing[b].iter().map(|&t| site.briefs[t].id()).collect();
        targets.sort_unstable();
        edges.extend(targets.into_iter().map(|target| GraphEdge { source: site.briefs[b].id(), target }));
    }
    #[derive(Serialize)]
    struct Graph<'a> {
        nodes: Vec<GraphNode<'a>>,
        edges: Vec<GraphEdge<'a>>,
    }
    let mut bytes = serde_json::to_vec(&Graph { nodes, edges }).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

struct RenderContext<'a> {
    /// The search index with a content hash, once the index is made (with the extras).
    search_index_url: OnceLock<String>,
    /// Per brief, a hash of its card: what list pages show of it.
    card_hashes: Vec<OnceLock<u64>>,
    /// A hash of everything every page shows: theme, configuration, site navigation.
    global_hash: u64,
    templates: &'a Templates<'a>,
    config: &'a SiteConfig,
    site: &'a Site,
    graph: &'a LinkGraph,
    urls: &'a Urls,
    /// `site` and `build` as templates see them, made once for all pages.
    site_value: tera::Value,
    build_value: tera::Value,
    cards: Vec<OnceLock<CardValue>>,
    /// Per section and per term, the links to every page of its list: the same on each of its
    /// pages, so made once (else a section of 500 pages makes 250,000 links).
    section_pages: Vec<OnceLock<tera::Value>>,
    term_pages: Vec<Vec<OnceLock<tera::Value>>>,
}

impl RenderContext<'_> {
    /// The path of a page from the site root and its last change, for the sitemap.
    fn sitemap_entry(&self, job: &Job) -> Option<(String, Option<String>)> {
        let site = self.site;
        // The last change of a list page is the newest change among its briefs. Lists are
        // newest first (sections by weight first), so only a page's own slice is looked at.
        let newest = |briefs: &[BriefId]| {
            briefs
                .iter()
                .filter_map(|&b| site.briefs[b].front.updated.or(site.briefs[b].front.date))
                .max()
                .map(|d| d.ymd())
        };
        let per_page = self.config.paginate_by;
        let slice = |briefs: &'_ [BriefId], page: usize| -> Vec<BriefId> {
            briefs.iter().skip((page - 1) * per_page).take(per_page).copied().collect()
        };
        Some(match *job {
            Job::Brief(b) => (site.briefs[b].path.clone(), newest(&[b])),
            Job::Section(s, page) => {
                (paged_path(&site.sections[s].path, page), newest(&slice(&site.sections[s].briefs, page)))
            }
            Job::Home => (String::new(), newest(&slice(&site.by_date, 1))),
            Job::TaxonomyList(t) => (format!("{}/", site.taxonomies[t].name), newest(&slice(&site.by_date, 1))),
            Job::Term(t, term, page) => {
                let taxonomy = &site.taxonomies[t];
                let term = &taxonomy.terms[term];
                (paged_path(&format!("{}/{}/", taxonomy.name, term.slug), page), newest(&slice(&term.briefs, page)))
            }
            Job::NotFound | Job::Search => return None,
        })
    }

    fn page<P: Serialize>(
        &self,
        template: &str,
        path: String,
        name: &str,
        page: P,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        // Every page gets its absolute URL (canonical link, Open Graph) when `base_url` has one.
        let url_path = path.strip_suffix("index.html").filter(|_| path != "404.html");
        let permalink = url_path.and_then(|p| self.urls.absolute(p));
        let page = WithPermalink { page, permalink };
        let bytes =
            self.templates.render(template, name, &Page { site: &self.site_value, build: &self.build_value, page })?;
        Ok((path, bytes))
    }

    fn render_job(&self, job: &Job) -> Result<(String, Vec<u8>), Diagnostic> {
        let (site, urls) = (self.site, self.urls);
        match *job {
            Job::Brief(b) => self.brief_page(b),
            Job::Section(s, page) => {
                let section = &site.sections[s];
                let total = page_count(section.briefs.len(), self.config.paginate_by);
                let path = paged_path(&section.path, page);
                let intro = self.intro(s);
                let context = SectionPage {
                    kind: "section",
                    title: &section.title,
                    url: urls.href(&path),
                    intro,
                    briefs: self.cards_of(&section.briefs, page),
                    subsections: self.subsections(s),
                    pager: self.pager(&self.section_pages[s], &section.path, page, total),
                };
                self.page("section.html", output_path(&path), &format!("/{path}"), context)
            }
            Job::Home => {
                let latest = site.by_date.iter().take(self.config.paginate_by).map(|&b| self.card(b)).collect();
                let context = HomePage {
                    kind: "index",
                    title: &site.sections[0].title,
                    url: urls.href(""),
                    intro: self.intro(0),
                    latest,
                    sections: self.subsections(0),
                    taxonomies: (0..site.taxonomies.len()).map(|t| self.taxonomy_summary(t)).collect(),
                };
                self.page("index.html", "index.html".into(), "/", context)
            }
            Job::TaxonomyList(t) => {
                let summary = self.taxonomy_summary(t);
                let path = format!("{}/", summary.name);
                self.page(
                    "taxonomy_list.html",
                    output_path(&path),
                    &format!("/{path}"),
                    summary_page(summary, urls.href(&path)),
                )
            }
            Job::Term(t, term_index, page) => {
                let taxonomy = &site.taxonomies[t];
                let term = &taxonomy.terms[term_index];
                let base = format!("{}/{}/", taxonomy.name, term.slug);
                let path = paged_path(&base, page);
                let total = page_count(term.briefs.len(), self.config.paginate_by);
                let context = TermPage {
                    kind: "taxonomy_term",
                    title: term.label.clone(),
                    label: &term.label,
                    url: urls.href(&path),
                    taxonomy: TaxonomyLink {
                        name: taxonomy.name.clone(),
                        title: taxonomy.title.clone(),
                        url: urls.href(&format!("{}/", taxonomy.name)),
                    },
                    briefs: self.cards_of(&term.briefs, page),
                    count: term.briefs.len(),
                    pager: self.pager(&self.term_pages[t][term_index], &base, page, total),
                };
                self.page("taxonomy_term.html", output_path(&path), &format!("/{path}"), context)
            }
            Job::NotFound => {
                let context = NotFoundPage { kind: "404", title: "Page not found", url: urls.href("404.html") };
                self.page("404.html", "404.html".into(), "/404.html", context)
            }
            Job::Search => {
                let context = SearchPage {
                    kind: "search",
                    title: "Search",
                    url: urls.href("search/"),
                    index_url: self.search_index_url.get().cloned().unwrap_or_default(),
                };
                self.page("search.html", "search/index.html".into(), "/search/", context)
            }
        }
    }

    /// Renders the page jobs; with `previous`, a page whose signature is unchanged shows the
    /// same things as then and is not rendered again (watch keeps the file it wrote before).
    fn render_pages(
        &self,
        jobs: &[Job],
        previous: Option<&HashMap<String, u64>>,
        sink: Option<&Staging>,
        output: &mut SiteOutput,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        // Signatures are only worth their cost when there is a previous build to compare with.
        let signatures: Vec<(String, u64)> = match previous {
            Some(_) => jobs.par_iter().map(|job| (self.job_path(job), self.signature(job))).collect(),
            None => jobs.iter().map(|job| (self.job_path(job), 0)).collect(),
        };
        let results: Vec<Option<RenderedPage>> = jobs
            .par_iter()
            .zip(&signatures)
            .map(|(job, (path, signature))| {
                if previous.is_some_and(|p| p.get(path) == Some(signature)) {
                    return None;
                }
                let page = self.render_job(job);
                // Streamed into the staging folder as rendered: a large site is never held in
                // memory whole.
                match (sink, page) {
                    (Some(sink), Ok((path, bytes))) => Some(match sink.put(&path, &bytes) {
                        Ok(()) => Ok((path, Vec::new())),
                        Err(e) => Err(Diagnostic::error("io", format!("cannot write `{path}`: {e}"))),
                    }),
                    (_, page) => Some(page),
                }
            })
            .collect();
        for (r, (path, _)) in results.into_iter().zip(&signatures) {
            match r {
                Some(Ok(file)) if sink.is_some() => output.streamed.push(file.0),
                Some(Ok(file)) => output.files.push(file),
                Some(Err(d)) => diagnostics.push(d),
                None => {
                    if let Some(sink) = sink {
                        sink.keep(path);
                    }
                    output.kept.push(path.clone())
                }
            }
        }
        output.signatures = signatures.into_iter().collect();
    }

    /// A hash of what list pages show of a brief, computed the first time a signature needs it.
    fn card_hash(&self, b: BriefId) -> u64 {
        *self.card_hashes[b].get_or_init(|| {
            let brief = &self.site.briefs[b];
            let section = &self.site.sections[brief.section].title;
            let minutes = brief.analysis.reading_minutes();
            let front = &brief.front;
            hash_of(&(&front.title, &brief.path, front.date, &brief.summary(), &front.status, minutes, section))
        })
    }

    /// What list pages show of a brief, made the first time a page needs it.
    fn card(&self, b: BriefId) -> &CardValue {
        self.cards[b].get_or_init(|| {
            let brief = &self.site.briefs[b];
            tera::Value::from_serializable(&Card {
                title: &brief.front.title,
                url: self.urls.href(&brief.path),
                date: date_context(&brief.front.date),
                summary: brief.summary(),
                status: brief.front.status.as_deref(),
                reading_minutes: brief.analysis.reading_minutes(),
                section: &self.site.sections[brief.section].title,
            })
        })
    }

    /// The output path of a page.
    fn job_path(&self, job: &Job) -> String {
        let site = self.site;
        match *job {
            Job::Brief(b) => output_path(&site.briefs[b].path),
            Job::Section(s, page) => output_path(&paged_path(&site.sections[s].path, page)),
            Job::Home => "index.html".into(),
            Job::TaxonomyList(t) => output_path(&format!("{}/", site.taxonomies[t].name)),
            Job::Term(t, term, page) => {
                let taxonomy = &site.taxonomies[t];
                output_path(&paged_path(&format!("{}/{}/", taxonomy.name, taxonomy.terms[term].slug), page))
            }
            Job::NotFound => "404.html".into(),
            Job::Search => "search/index.html".into(),
        }
    }

    /// A hash of everything a page shows, computed from what went into its context without
    /// rendering it: two builds that give a page the same signature render it to the same bytes.
    fn signature(&self, job: &Job) -> u64 {
        let site = self.site;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.global_hash.hash(&mut h);
        self.job_path(job).hash(&mut h);
        let cards = |h: &mut std::collections::hash_map::DefaultHasher, briefs: &[BriefId]| {
            for &b in briefs {
                self.card_hash(b).hash(h);
            }
            0xffu8.hash(h);
        };
        let page_slice = |briefs: &[BriefId], page: usize| -> Vec<BriefId> {
            let per_page = self.config.paginate_by;
            briefs.iter().skip((page - 1) * per_page).take(per_page).copied().collect()
        };
        match *job {
            Job::Brief(b) => {
                let brief = &site.briefs[b];
                let graph = self.graph;
                // `text_hash` is kept by `watch`, which is what asks for signatures.
                (brief.text_hash, &brief.path, &brief.id(), &brief.summary()).hash(&mut h);
                hash_link_outputs(&mut h, &graph.outputs[b]);
                for &(t, term) in &brief.terms {
                    let term = &site.taxonomies[t].terms[term];
                    (t, &term.label, &term.slug).hash(&mut h);
                }
                let section = &site.sections[brief.section];
                (&section.title, &section.path).hash(&mut h);
                cards(&mut h, &graph.backlinks[b]);
                cards(&mut h, &graph.outgoing[b]);
                for r in &graph.related[b] {
                    (self.card_hash(r.brief), &r.shared).hash(&mut h);
                }
                cards(&mut h, &graph.previous[b].into_iter().collect::<Vec<_>>());
                cards(&mut h, &graph.next[b].into_iter().collect::<Vec<_>>());
            }
            Job::Section(s, page) => {
                let section = &site.sections[s];
                (&section.title, &section.path, section.briefs.len()).hash(&mut h);
                self.hash_intro(&mut h, s);
                cards(&mut h, &page_slice(&section.briefs, page));
                self.hash_subsections(&mut h, s);
            }
            Job::Home => {
                site.sections[0].title.hash(&mut h);
                self.hash_intro(&mut h, 0);
                cards(&mut h, &site.by_date.iter().take(self.config.paginate_by).copied().collect::<Vec<_>>());
                self.hash_subsections(&mut h, 0);
                for t in 0..site.taxonomies.len() {
                    self.hash_terms(&mut h, t);
                }
            }
            Job::TaxonomyList(t) => self.hash_terms(&mut h, t),
            Job::Term(t, term, page) => {
                let term = &site.taxonomies[t].terms[term];
                (&term.label, &term.slug, term.briefs.len()).hash(&mut h);
                cards(&mut h, &page_slice(&term.briefs, page));
            }
            Job::NotFound => {}
            Job::Search => self.search_index_url.get().hash(&mut h),
        }
        h.finish()
    }

    fn hash_intro(&self, h: &mut impl Hasher, s: usize) {
        if let Some(parsed) = &self.site.sections[s].index {
            parsed.file.text.hash(h);
            hash_link_outputs(h, &self.graph.section_outputs[s]);
        }
    }

    fn hash_subsections(&self, h: &mut impl Hasher, s: usize) {
        for &c in &self.site.sections[s].children {
            let child = &self.site.sections[c];
            (&child.title, &child.path, child.briefs.len()).hash(h);
        }
    }

    fn hash_terms(&self, h: &mut impl Hasher, t: usize) {
        let taxonomy = &self.site.taxonomies[t];
        (&taxonomy.name, &taxonomy.title).hash(h);
        for term in &taxonomy.terms {
            (&term.label, &term.slug, term.briefs.len()).hash(h);
        }
    }

    /// Page `current` of `total` of the list at `path`; `pages` keeps its links to every page.
    fn pager<'a>(&self, pages: &'a OnceLock<tera::Value>, path: &str, current: usize, total: usize) -> Pager<'a> {
        let urls = self.urls;
        Pager {
            current,
            total,
            previous: (current > 1).then(|| urls.href(&paged_path(path, current - 1))),
            next: (current < total).then(|| urls.href(&paged_path(path, current + 1))),
            pages: pages.get_or_init(|| {
                let links: Vec<Link> =
                    (1..=total).map(|n| Link { title: n.to_string(), url: urls.href(&paged_path(path, n)) }).collect();
                tera::Value::from_serializable(&links)
            }),
        }
    }

    fn cards_of(&self, briefs: &[BriefId], page: usize) -> Vec<&CardValue> {
        let per_page = self.config.paginate_by;
        briefs.iter().skip((page - 1) * per_page).take(per_page).map(|&b| self.card(b)).collect()
    }

    fn intro(&self, s: usize) -> String {
        match &self.site.sections[s].index {
            Some(parsed) => markdown::render(
                &parsed.file.text[parsed.body.clone()],
                &parsed.analysis,
                &self.graph.section_outputs[s],
                self.config.raw_html,
            ),
            None => String::new(),
        }
    }

    fn subsections(&self, s: usize) -> Vec<SectionLink> {
        self.site.sections[s]
            .children
            .iter()
            .map(|&c| {
                let child = &self.site.sections[c];
                SectionLink { title: child.title.clone(), url: self.urls.href(&child.path), count: child.briefs.len() }
            })
            .collect()
    }

    fn taxonomy_summary(&self, t: usize) -> TaxonomySummary {
        let taxonomy = &self.site.taxonomies[t];
        let mut terms: Vec<TermSummary> = taxonomy
            .terms
            .iter()
            .map(|term| TermSummary {
                label: term.label.clone(),
                slug: term.slug.clone(),
                url: self.urls.href(&format!("{}/{}/", taxonomy.name, term.slug)),
                count: term.briefs.len(),
            })
            .collect();
        terms.sort_by(|a, b| a.label.to_lowercase().cmp(&b.label.to_lowercase()).then(a.slug.cmp(&b.slug)));
        TaxonomySummary {
            name: taxonomy.name.clone(),
            title: taxonomy.title.clone(),
            url: self.urls.href(&format!("{}/", taxonomy.name)),
            terms,
        }
    }

    fn brief_page(&self, b: BriefId) -> Result<(String, Vec<u8>), Diagnostic> {
        let (site, graph, urls) = (self.site, self.graph, self.urls);
        let brief = &site.briefs[b];
        let content = markdown::render(brief.body_text(), &brief.analysis, &graph.outputs[b], self.config.raw_html);
        let mut taxonomies: Vec<TermGroup> = site
            .taxonomies
            .iter()
            .map(|t| TermGroup {
                name: t.name.clone(),
                title: t.title.clone(),
                url: urls.href(&format!("{}/", t.name)),
                terms: vec![],
            })
            .collect();
        for &(t, term) in &brief.terms {
            let term = &site.taxonomies[t].terms[term];
            taxonomies[t].terms.push(TermLink {
                label: term.label.clone(),
                url: urls.href(&format!("{}/{}/", site.taxonomies[t].name, term.slug)),
            });
        }
        taxonomies.retain(|g| !g.terms.is_empty());
        let section = &site.sections[brief.section];
        let image = brief.front.image.as_ref().map(|i| self.image_url(brief.folder(), i));
        let context = BriefPage {
            kind: "page",
            id: brief.id(),
            title: &brief.front.title,
            url: urls.href(&brief.path),

            date: date_context(&brief.front.date),
            updated: date_context(&brief.front.updated),
            summary: brief.summary(),
            content,
            toc: &brief.analysis.headings,
            word_count: brief.analysis.word_count,
            reading_minutes: brief.analysis.reading_minutes(),
            authors: &brief.front.authors,
            status: brief.front.status.as_deref(),
            taxonomies,
            sources: &brief.front.sources,
            backlinks: graph.backlinks[b].iter().map(|&x| self.card(x)).collect(),
            related: graph.related[b]
                .iter()
                .map(|r| {
                    let reason =
                        if r.shared.is_empty() { String::new() } else { format!("shares {}", r.shared.join(", ")) };
                    with_field(self.card(r.brief), "reason", reason.into())
                })
                .collect(),
            outgoing: graph.outgoing[b].iter().map(|&x| self.card(x)).collect(),
            previous: graph.previous[b].map(|x| self.card(x)),
            next: graph.next[b].map(|x| self.card(x)),
            section: Link { title: section.title.clone(), url: urls.href(&section.path) },
            image,
            lang: brief.front.lang.as_deref(),
            extra: brief.front.extra.as_ref(),
        };
        self.page("page.html", output_path(&brief.path), &brief.file.display, context)
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
        self.urls.absolute(&path).unwrap_or_else(|| self.urls.href(&path))
    }
}

/// A copy of a map value with one more field.
fn with_field(value: &tera::Value, key: &'static str, field: tera::Value) -> tera::Value {
    let mut map = value.as_map().cloned().unwrap_or_default();
    map.insert(key.into(), field);
    tera::Value::from(map)
}

#[derive(Serialize)]
struct WithPermalink<P: Serialize> {
    #[serde(flatten)]
    page: P,
    permalink: Option<String>,
}

#[derive(Serialize)]
struct TaxonomyListPage {
    kind: &'static str,
    name: String,
    title: String,
    url: String,
    terms: Vec<TermSummary>,
}

fn summary_page(summary: TaxonomySummary, url: String) -> TaxonomyListPage {
    TaxonomyListPage { kind: "taxonomy_list", name: summary.name, title: summary.title, url, terms: summary.terms }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths_are_confined() {
        assert_eq!(alias_path("/old/scm-2025/").as_deref(), Some("old/scm-2025/"));
        assert_eq!(alias_path("old/x/index.html").as_deref(), Some("old/x/"));
        assert_eq!(alias_path("/../../etc"), None);
        assert_eq!(alias_path("/"), None);
    }

    #[test]
    fn paged_paths() {
        assert_eq!(paged_path("topics/x/", 1), "topics/x/");
        assert_eq!(paged_path("topics/x/", 3), "topics/x/page/3/");
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
    }
}
