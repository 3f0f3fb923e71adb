//! Rendering: every route of the table into bytes, streamed to a sink. Each file's signature is
//! a hash of what it shows (its typed context, or the data of a generated file) and of the build
//! identity; a file whose signature is what the last build recorded is kept as it is.

mod calendar;
mod cards;
pub mod context;
mod data;
mod feeds;
mod files;
mod keys;
mod languages;
mod pages;
mod rendering;
mod report;
mod reuse;
mod search;
mod structured_data;
pub mod templates;

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, EnvError};
use crate::hash;
use crate::links::LinkGraph;
use crate::routes::{Output, Route, Routes};
use crate::site::Site;
use crate::theme::Theme;

pub use files::{redirect_page, xml_escape};
pub use rendering::{Pass, Rendering};
pub use templates::{Templates, REQUIRED_TEMPLATES};

use context::{
    BuildContext, Cards, Link, Permalink, Shared, SiteContext, TaxonomyLink, TemplateContext, Terms, WithPermalink,
};

/// What `watch` keeps of a rendering for the next.
#[derive(Default)]
pub struct Memo {
    views: context::ViewMemo,
    parts: data::JsonParts,
    pages: reuse::PageMemo,
    search: search::Memo,
    /// Per route, for the files made from the model alone (`model_file_key`): the key they were
    /// made from and their signature.
    files: Vec<(u64, u64)>,
    /// The URL keys of the last route table, by its key.
    urls: Option<(u64, Arc<UrlKeys>)>,
    /// The related terms of every term, by the key they were made for.
    related_terms: Option<(u64, Arc<pages::RelatedTerms>)>,
}

/// Hashes of URLs that large generated files show (`sources.json`, the search documents), made
/// once per route table: signing those files by the route table's key instead would render them
/// again whenever any path changed (a new term's page), and hashing their URLs on every rebuild
/// costs milliseconds.
#[derive(Default)]
pub struct UrlKeys {
    /// Per brief, the hash of its page's URL.
    pub briefs: Vec<u64>,
    /// Of every brief's URL, and of every source page's.
    pub all_briefs: u64,
    pub sources: u64,
}

impl UrlKeys {
    fn of(site: &Site, routes: &Routes) -> UrlKeys {
        let briefs: Vec<u64> =
            (0..site.briefs.len()).into_par_iter().map(|b| hash::of(routes.brief(b).url())).collect();
        let sources: Vec<u64> =
            (0..site.library.entries.len()).into_par_iter().map(|i| hash::of(routes.source(i).url())).collect();
        UrlKeys { all_briefs: routes.brief_urls_key(), sources: hash::of(&sources), briefs }
    }

    /// The keys of `routes`: the last ones while the table is the same but for terms.
    fn kept(site: &Site, routes: &Routes, memo: Option<&mut Option<(u64, Arc<UrlKeys>)>>) -> Arc<UrlKeys> {
        match memo {
            Some(Some((key, urls))) if *key == routes.key_without_terms() => urls.clone(),
            Some(memo) => {
                let urls = Arc::new(UrlKeys::of(site, routes));
                *memo = Some((routes.key_without_terms(), urls.clone()));
                urls
            }
            None => Arc::new(UrlKeys::of(site, routes)),
        }
    }
}

/// Where rendered files go: the staging folder of the output (`build`, `watch`), or nowhere
/// (`check`). Called from many threads at once.
pub trait Sink: Sync {
    /// A generated file, and `content`, the hash of its bytes (`hash::bytes`). `last`: the hash
    /// of the bytes this process last handed over for the same path, if it knows it (then the
    /// file need not be read to compare).
    fn put(&self, path: &str, bytes: &[u8], content: u64, last: Option<u64>) -> io::Result<()>;
    /// A file copied from the sources.
    fn copy(&self, path: &str, source: &Path) -> io::Result<()>;
    /// `files` files of the last build are kept unchanged (counted once, at the end: a rebuild
    /// keeps tens of thousands).
    fn keep(&self, files: usize);
}

/// The signatures of the last build, to compare with: a file whose signature is unchanged shows
/// the same as then and is kept.
pub enum Previous<'a> {
    /// No last build: everything renders.
    None,
    /// The last build's signatures, and the hashes of the bytes it wrote (0: unknown): of the
    /// files the two tables share by position (the first `same`: every file when the table is
    /// the same, the base when it started from the last one's), of the others by output path
    /// (or those of the record `build` keeps beside the output).
    Last { same: usize, signatures: &'a [u64], contents: &'a [u64], by_path: hash::FastMap<&'a str, u64> },
}

/// What the last build left of one file.
#[derive(Clone, Copy, Default)]
struct Last {
    signature: Option<u64>,
    /// The hash of its bytes.
    content: Option<u64>,
}

impl Previous<'_> {
    fn get(&self, i: usize, route: &Route) -> Last {
        match self {
            Previous::None => Last::default(),
            Previous::Last { same, signatures, contents, .. } if i < *same => {
                Last { signature: signatures.get(i).copied(), content: contents.get(i).copied().filter(|c| *c != 0) }
            }
            Previous::Last { by_path, .. } => Last { signature: by_path.get(route.file()).copied(), content: None },
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Previous::None)
    }
}

/// What rendering needs: the model of the build and what it is rendered with.
pub struct Inputs<'a> {
    pub templates: &'a Templates,
    pub theme: &'a Theme,
    pub config: &'a SiteConfig,
    pub site: &'a Site,
    pub routes: &'a Routes,
    pub graph: &'a LinkGraph,
    /// The build identity: binary, theme and configuration. Part of every signature.
    pub identity: u64,
    /// Time each file (`Outcome::by_kind`).
    pub timed: bool,
    /// The browser that prints reports to PDF (`build --pdf`, `briefing report`).
    pub printer: Option<&'a crate::pdf::Printer>,
    /// `watch`: a key of the model's facts, the settings, each brief's language and the route
    /// table (0: none). Files made from those alone keep their signature while it holds.
    pub model_key: u64,
    /// `watch`'s key of each brief's work (`build::brief_work`: its file, the route table, the
    /// settings, its language), which decides its citation files; empty otherwise.
    pub work_keys: &'a [u64],
}

/// What a rendering did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The signature of every route, by position (0 for a route that failed).
    pub signatures: Vec<u64>,
    /// The hash of the bytes of every generated file, by position (0: unknown).
    pub contents: Vec<u64>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files rendered (or copied) and files kept from the last build.
    pub rendered: usize,
    pub kept: usize,
    /// Pages of the site (files rendered with a template).
    pub pages: usize,
    /// Whether `stop` said to stop before every file was done.
    pub stopped: bool,
    /// The first failure to write or copy a file: it stops the rendering.
    pub io: Option<EnvError>,
    /// Time spent on each kind of file (summed over threads) and how many were rendered, for
    /// `build -v`: where the render stage goes.
    pub by_kind: Vec<(&'static str, Duration, usize)>,
}

/// Why a file was not rendered: its template failed (a problem of the content or theme), or
/// writing it failed (a problem of the environment).
enum Failure {
    Content(Diagnostic),
    Io(EnvError),
}

/// What became of a file: kept as the last build wrote it, or rendered (with the hash of its
/// bytes, when generated).
#[derive(Clone, Copy)]
enum Done {
    Kept,
    Rendered(u64),
}

type Rendered = (u64, Result<Done, Failure>);

/// A route's signature and what became of it, or its problem; `None` when skipped.
type Result_ = Option<(u64, Result<Done, Box<Diagnostic>>, Duration)>;

/// Everything a page's context is made from, shared by every page of one rendering.
pub struct Render<'a> {
    templates: &'a Templates,
    config: &'a SiteConfig,
    site: &'a Site,
    routes: &'a Routes,
    graph: &'a LinkGraph,
    theme_files: Vec<&'a [u8]>,
    /// The URL of the feeds' XSL stylesheet (the theme's `feed.xsl`), which browsers show them with.
    feed_style: String,
    identity: u64,
    printer: Option<&'a crate::pdf::Printer>,
    /// `site` in each language, and its hash.
    site_values: Vec<(tera::Value, u64)>,
    /// `t`, the theme's words in each language, and its hash.
    words: Vec<(tera::Value, u64)>,
    word_maps: Vec<std::collections::BTreeMap<&'a str, &'a str>>,
    build_value: (tera::Value, u64),
    cards: Cards<'a>,
    terms: Terms<'a>,
    /// Per section and per term, the links to every page of its list: the same on each of its
    /// pages, so made once (else a section of 500 pages makes 250,000 links).
    section_pages: Vec<Vec<context::ListCell>>,
    term_pages: Vec<Vec<Vec<context::ListCell>>>,
    /// Each language's search index, made when first asked for.
    search: Vec<OnceLock<search::LangIndex>>,
    /// Every term's key in the search index (`taxonomy/slug`), by its index in the list of
    /// every term; made on first use.
    search_terms: OnceLock<Vec<String>>,
    search_memo: Option<&'a search::Memo>,
    /// The JSON parts of the large files kept by `watch`.
    parts: Option<&'a data::JsonParts>,
    related_terms: Arc<pages::RelatedTerms>,
    /// The hash of each brief's node in the link graph.
    node_keys: Vec<u64>,
    /// `watch`: the signature of each brief's page known unchanged since the last rendering…
    known: Vec<Option<u64>>,
    /// …and of those hashed in this one, with the cards each shows (see `reuse`).
    hashed: Vec<OnceLock<reuse::Hashed>>,
    /// The same for list pages, by route.
    known_lists: Vec<Option<u64>>,
    hashed_lists: Vec<OnceLock<reuse::Hashed>>,
    /// Per language, per event: its item as term and brief pages show it (`event.html`,
    /// rendered once and listed by every page that shows the event), and the hash of what it
    /// shows.
    event_items: Vec<Vec<OnceLock<(String, u64)>>>,
    /// Per language, the events as `timeline.json` and `timeline.ics` write them.
    calendar_events: Vec<OnceLock<Vec<calendar::CalendarEvent>>>,
    model_key: u64,
    /// See `UrlKeys`.
    url_keys: Arc<UrlKeys>,
    /// `watch`: per brief, the key of its citation files (`model_file_key`), made once for
    /// both files and for remembering them.
    cite_keys: &'a [u64],
    /// `watch`: per route, the model key and signature of the last rendering (see `Memo`).
    known_files: Vec<(u64, u64)>,
}

impl<'a> Render<'a> {
    fn new(inputs: &Inputs<'a>, memo: Option<&mut context::ViewMemo>) -> (Render<'a>, context::BriefViews) {
        let Inputs { templates, theme, config, site, routes, graph, identity, printer, .. } = *inputs;
        let theme_files: Vec<&[u8]> = theme.static_files.values().map(Vec::as_slice).collect();
        let asset_url =
            |i: usize| format!("{}?v={:08x}", routes.theme_file(i).url(), hash::bytes(theme_files[i]) as u32);
        let named = |name: &str| theme.static_files.keys().position(|n| n == name).map(asset_url).unwrap_or_default();
        let site_context = |lang: usize| SiteContext {
            title: config.title_in(lang),
            description: config.description_in(lang),
            language: crate::site::language_code(config, lang),
            url: routes.home_in(lang).url(),
            absolute_url: routes.absolute(routes.home_in(lang)),
            stylesheet: named("style.css"),
            favicon: favicon(site, routes, named("favicon.svg")),
            search_script: named("search.js"),
            sources_script: named("sources.js"),
            sources_url: routes.sources().map(|r| r.url()),
            search_url: routes.search_in(lang).url(),
            feed: routes.site_feed(lang).map(|r| r.url()),
            timeline_url: routes.timeline_in(lang).map(|r| r.url()),
            reports_url: routes.reports().map(|r| r.url()),
            timeline_script: named("timeline.js"),
            sections: site
                .sections
                .iter()
                .enumerate()
                .filter(|(_, s)| s.parent == Some(0))
                .filter_map(|(i, s)| Some(Link { title: s.title_in(lang), url: routes.section_in(lang, i, 1)?.url() }))
                .collect(),
            taxonomies: site
                .taxonomies
                .iter()
                .enumerate()
                .filter_map(|(t, tax)| {
                    Some(TaxonomyLink {
                        name: &tax.name,
                        title: tax.title_in(lang),
                        url: routes.taxonomy_in(lang, t)?.url(),
                    })
                })
                .collect(),
            paper: config.paper.css(),
        };
        let site_values = (0..routes.languages())
            .map(|lang| {
                let context = site_context(lang);
                (tera::Value::from_serializable(&context), hash::of(&context))
            })
            .collect();
        let word_maps: Vec<_> =
            (0..routes.languages()).map(|lang| theme.words(crate::site::language_code(config, lang))).collect();
        let words = word_maps.iter().map(|words| (tera::Value::from_serializable(words), hash::of(words))).collect();
        let feed_style = named("feed.xsl");
        let build = BuildContext { version: env!("CARGO_PKG_VERSION"), serving: false };
        let reading: Vec<&'a str> = word_maps.iter().map(|w| w.get("min_read").copied().unwrap_or("{n} min")).collect();
        let node = |b| hash::of(&data::graph_node(site, routes, b));
        let views = context::BriefViews::make(site, routes, memo.as_deref(), identity, &reading, node);
        let kept_cards = memo.and_then(|m| m.take_values(identity, &views.cards));
        let render = Render {
            templates,
            config,
            site,
            routes,
            graph,
            identity,
            printer,
            site_values,
            words,
            word_maps,
            build_value: (tera::Value::from_serializable(&build), hash::of(&build)),
            theme_files,
            feed_style,
            cards: Cards::new(site, routes, reading, views.cards.clone(), kept_cards),
            node_keys: views.nodes.clone(),
            terms: Terms::new(site, routes),
            section_pages: (0..routes.languages())
                .map(|_| site.sections.iter().map(|_| Default::default()).collect())
                .collect(),
            term_pages: (0..routes.languages())
                .map(|_| site.taxonomies.iter().map(|t| t.terms.iter().map(|_| Default::default()).collect()).collect())
                .collect(),
            search: (0..routes.languages()).map(|_| OnceLock::new()).collect(),
            search_terms: OnceLock::new(),
            search_memo: None,
            parts: None,
            related_terms: Arc::new(pages::RelatedTerms::new(site, routes.languages())),
            known: Vec::new(),
            hashed: Vec::new(),
            known_lists: Vec::new(),
            hashed_lists: Vec::new(),
            event_items: (0..routes.languages())
                .map(|_| site.timeline.events.iter().map(|_| OnceLock::new()).collect())
                .collect(),
            calendar_events: (0..routes.languages()).map(|_| OnceLock::new()).collect(),
            model_key: inputs.model_key,
            url_keys: Arc::default(),
            cite_keys: inputs.work_keys,
            known_files: Vec::new(),
        };
        (render, views)
    }

    /// Event `e` as an item of a term or brief page in language `lang`: its HTML and the hash of
    /// what it shows. A template error leaves it empty: the timeline, which renders the same
    /// template, reports it.
    pub(crate) fn event_item(&'a self, lang: usize, e: usize) -> &'a (String, u64) {
        self.event_items[lang][e].get_or_init(|| {
            let view = self.event_views(&[e], lang, false).pop().expect("one view per event");
            let hash = hash::of(&(&view, self.site_values[lang].1));
            let (site, words) = (&self.site_values[lang], &self.words[lang]);
            let context = context::EventItem {
                site: context::Shared { value: &site.0, hash: site.1 },
                t: context::Shared { value: &words.0, hash: words.1 },
                build: context::Shared { value: &self.build_value.0, hash: self.build_value.1 },
                e: view,
                on_timeline: false,
                show_briefs: false,
            };
            let html = self.templates.render(lang, "event.html", "an event", &context).unwrap_or_default();
            (String::from_utf8(html).unwrap_or_default(), hash)
        })
    }

    /// Page `current` of a list; the list's cell keeps its links to every page.
    fn pager(&'a self, current: usize, list: context::List) -> context::Pager<'a> {
        let routes = self.routes;
        let url_of = |page: usize| list.url(routes, page);
        let (lang, total, cell) = match list {
            context::List::Section(lang, s) => (lang, routes.section_pages(lang, s), &self.section_pages[lang][s]),
            context::List::Term(lang, t, i) => (lang, routes.term_pages(lang, t, i), &self.term_pages[lang][t][i]),
        };
        let position =
            self.word(lang, "page_of").replace("{n}", &current.to_string()).replace("{total}", &total.to_string());
        let words = context::PagerWords {
            label: self.word(lang, "pages"),
            newer: self.word(lang, "newer"),
            older: self.word(lang, "older"),
            position,
        };
        context::Pager {
            current,
            total,
            previous: (current > 1).then(|| url_of(current - 1)),
            next: (current < total).then(|| url_of(current + 1)),
            words,
            pages: context::PageLinks { cell, routes, list, total },
        }
    }

    /// A page's template, language and everything its template receives.
    fn template_context(
        &'a self,
        page_kind: crate::routes::Page,
        route: &'a Route,
    ) -> (&'static str, usize, TemplateContext<'a>) {
        let (template, page) = self.page_context(page_kind);
        let listed = route.output != Output::Page(crate::routes::Page::NotFound);
        let permalink =
            (listed && self.routes.urls.origin.is_some()).then_some(Permalink { routes: self.routes, route });
        let lang = self.page_lang(page_kind);
        let (site, words) = (&self.site_values[lang], &self.words[lang]);
        let context = TemplateContext {
            site: Shared { value: &site.0, hash: site.1 },
            t: Shared { value: &words.0, hash: words.1 },
            build: Shared { value: &self.build_value.0, hash: self.build_value.1 },
            languages: self.languages(page_kind),
            page: WithPermalink { page, permalink },
        };
        (template, lang, context)
    }

    /// A page printed to PDF: rendered, then printed with what it loads (the theme's files, the
    /// site's images), served from memory.
    fn print(&'a self, page_kind: crate::routes::Page, route: &'a Route) -> Result<Vec<u8>, Failure> {
        let printer = self.printer.ok_or_else(|| Failure::Io(EnvError::new("no browser to print PDFs with")))?;
        let (template, lang, context) = self.template_context(page_kind, route);
        let html = self.templates.render(lang, template, route.url(), &context).map_err(Failure::Content)?;
        let mut files = crate::pdf::PrintFiles::new();
        for r in &self.routes.files {
            let served = match r.output {
                Output::ThemeFile(i) => crate::pdf::Served::Bytes(self.theme_files[i].into()),
                Output::Asset(i) => crate::pdf::Served::File(self.site.assets[i].source.clone()),
                Output::Static(i) => crate::pdf::Served::File(self.site.statics[i].source.clone()),
                _ => continue,
            };
            files.insert(r.file().to_string(), served);
        }
        files.insert(route.file().to_string(), crate::pdf::Served::Bytes(html.into()));
        printer.print(files, &self.routes.urls.base_path, route.file()).map_err(Failure::Io)
    }

    /// Renders (or keeps) one route: its signature, and whether it rendered, or why it failed.
    fn route(&'a self, i: usize, route: &'a Route, last: Last, sink: Option<&dyn Sink>) -> Rendered {
        use crate::routes::Page;
        let unchanged = |signature: u64| last.signature == Some(signature);
        match route.output {
            Output::Page(page_kind) => {
                // Where `watch` keeps the signature of this page, if it does (see `reuse`).
                let (known, hashed, at) = match page_kind {
                    Page::Brief(b) => (&self.known, &self.hashed, b),
                    // Its link to the search index carries the index's hash; a report shows its
                    // briefs' bodies, which a list's key does not cover: hashed every time.
                    Page::Search(_) | Page::Report(_) => (&self.known, &self.hashed, usize::MAX),
                    _ => (&self.known_lists, &self.hashed_lists, i),
                };
                let (known, hashed) = (known.get(at).copied().flatten(), hashed.get(at));
                if let Some(signature) = known.filter(|s| unchanged(*s)) {
                    return (signature, Ok(Done::Kept));
                }
                let (template, lang, context) = self.template_context(page_kind, route);
                // Compared with the signature of the same route: its path need not be hashed.
                let signature = match (known, hashed) {
                    (Some(signature), _) => signature,
                    (None, Some(cell)) => {
                        let (signature, cards) = cards::recording(|| hash::of(&(self.identity, template, &context)));
                        let _ = cell.set((signature, cards));
                        signature
                    }
                    (None, None) => hash::of(&(self.identity, template, &context)),
                };
                if unchanged(signature) {
                    return (signature, Ok(Done::Kept));
                }
                // A brief's page is named by its source file, other pages by their URL.
                let shown = match page_kind {
                    Page::Brief(b) => self.site.briefs[b].display(),
                    _ => route.url(),
                };
                let result = match self.templates.render(lang, template, shown, &context) {
                    Ok(bytes) => put(sink, route, &bytes, last),
                    Err(d) => Err(Failure::Content(d)),
                };
                (signature, result)
            }
            Output::ThemeFile(i) => {
                let bytes = self.theme_files[i];
                self.write(route, hash::of(&(self.identity, route.file(), hash::bytes(bytes))), last, sink, || {
                    bytes.to_vec()
                })
            }
            Output::ReportPdf(r) => {
                let page_kind = crate::routes::Page::Report(r);
                let page_route = self.routes.report(r);
                let (template, _, context) = self.template_context(page_kind, page_route);
                let printer = self.printer.map(|p| p.identity);
                let signature = hash::of(&(self.identity, route.file(), template, &context, printer));
                if unchanged(signature) {
                    return (signature, Ok(Done::Kept));
                }
                let result = self.print(page_kind, page_route).and_then(|bytes| put(sink, route, &bytes, last));
                (signature, result)
            }
            Output::Asset(i) => self.copy(route, &self.site.assets[i].source, last, sink),
            Output::Static(i) => self.copy(route, &self.site.statics[i].source, last, sink),
            output => {
                let known = self
                    .model_file_key(output)
                    .zip(self.known_files.get(i))
                    .filter(|(k, known)| known.0 == *k && known.1 != 0);
                if let (Some((_, &(_, signature))), Some(last_signature)) = (known, last.signature) {
                    if signature == last_signature {
                        return (signature, Ok(Done::Kept));
                    }
                }
                let spec = self.file_spec(output).expect("every other output is a generated file");
                let signature = hash::of(&(self.identity, route.file(), &spec));
                self.write(route, signature, last, sink, || spec.write(self.routes, self.parts))
            }
        }
    }

    /// For a file made from the model alone (what it shows comes from the facts of the briefs,
    /// the settings and the route table, and for a brief's citation files from its file), the
    /// key of its inputs; `None` for the others (a body edit can change them).
    fn model_file_key(&self, output: Output) -> Option<u64> {
        if self.model_key == 0 {
            return None;
        }
        match output {
            Output::TimelineJson(_) | Output::TimelineIcs | Output::Terms => Some(self.model_key),
            Output::CiteBib(b) | Output::CiteRis(b) => self.cite_keys.get(b).copied(),
            _ => None,
        }
    }

    fn write(
        &self,
        route: &Route,
        signature: u64,
        last: Last,
        sink: Option<&dyn Sink>,
        bytes: impl FnOnce() -> Vec<u8>,
    ) -> Rendered {
        if last.signature == Some(signature) {
            return (signature, Ok(Done::Kept));
        }
        (signature, put(sink, route, &bytes(), last))
    }

    /// A file copied as is; its signature is its size and modification time.
    fn copy(&self, route: &Route, source: &Path, last: Last, sink: Option<&dyn Sink>) -> Rendered {
        // Its change time and inode too: a file rewritten with its old size and time is new.
        let stamp =
            std::fs::symlink_metadata(source).ok().map(|m| (m.len(), m.modified().ok(), crate::unchanged::changed(&m)));
        let signature = hash::of(&(self.identity, route.file(), source, stamp));
        if stamp.is_some() && last.signature == Some(signature) {
            return (signature, Ok(Done::Kept));
        }
        let result = match sink {
            Some(sink) => sink.copy(route.file(), source).map(|()| Done::Rendered(0)).map_err(|e| {
                Failure::Io(
                    EnvError::new(format!("cannot copy `{}` to `{}`: {e}", source.display(), route.file()))
                        .help("check that the file is readable"),
                )
            }),
            None => Ok(Done::Rendered(0)),
        };
        (signature, result)
    }
}

/// Hands a rendered file to the sink.
/// The site's own icon, `static/favicon.svg`, `.png` or `.ico` (in that order), else the theme's.
fn favicon(site: &Site, routes: &Routes, theme_icon: String) -> context::Favicon {
    // The static files first: few, where the route table has tens of thousands of routes.
    let own = ["favicon.svg", "favicon.png", "favicon.ico"]
        .into_iter()
        .find_map(|name| site.statics.iter().position(|s| s.rel_path == name))
        .and_then(|i| routes.files.iter().find(|r| r.output == Output::Static(i)));
    let (url, name) = match own {
        Some(route) => (route.url().to_string(), route.file().to_string()),
        None => (theme_icon, "favicon.svg".to_string()),
    };
    let media_type = match name.rsplit('.').next() {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "image/x-icon",
    };
    context::Favicon { url, media_type }
}

fn put(sink: Option<&dyn Sink>, route: &Route, bytes: &[u8], last: Last) -> Result<Done, Failure> {
    let content = hash::bytes(bytes);
    match sink {
        Some(sink) => {
            sink.put(route.file(), bytes, content, last.content).map(|()| Done::Rendered(content)).map_err(|e| {
                Failure::Io(EnvError::new(format!("cannot write `{}`: {e}", route.file())).help(
                "check the free space and the permissions of the output folder; nothing of this build was published",
            ))
            })
        }
        None => Ok(Done::Rendered(content)),
    }
}

/// Prints one page to PDF bytes (`briefing report`). `Ok(Err)`: its template failed.
pub fn print_page(inputs: &Inputs, page: crate::routes::Page) -> Result<Result<Vec<u8>, Diagnostic>, EnvError> {
    let (render, _) = Render::new(inputs, None);
    let route =
        inputs.routes.files.iter().find(|r| r.output == Output::Page(page)).expect("every page is in the route table");
    match render.print(page, route) {
        Ok(bytes) => Ok(Ok(bytes)),
        Err(Failure::Content(d)) => Ok(Err(d)),
        Err(Failure::Io(e)) => Err(e),
    }
}
