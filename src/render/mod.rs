//! Rendering: every route of the table into bytes, streamed to a sink. Each file's signature is
//! a hash of what it shows (its typed context, or the data of a generated file) and of the build
//! identity; a file whose signature is what the last build recorded is kept as it is.

mod cards;
pub mod context;
mod data;
mod feeds;
mod files;
mod pages;
mod reuse;
pub mod templates;

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, EnvError};
use crate::hash;
use crate::links::LinkGraph;
use crate::routes::{Output, Route, Routes};
use crate::site::Site;
use crate::theme::Theme;

pub use files::{redirect_page, xml_escape};
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
}

/// Where rendered files go: the staging folder of the output (`build`, `watch`), or nowhere
/// (`check`). Called from many threads at once.
pub trait Sink: Sync {
    /// A generated file. `last`: the hash of the bytes this process last handed over for the
    /// same path, if it knows it (then the file need not be read to compare).
    fn put(&self, path: &str, bytes: &[u8], last: Option<u64>) -> io::Result<()>;
    /// A file copied from the sources.
    fn copy(&self, path: &str, source: &Path) -> io::Result<()>;
    /// A file of the last build, unchanged.
    fn keep(&self, path: &str);
}

/// The signatures of the last build, to compare with: a file whose signature is unchanged shows
/// the same as then and is kept.
pub enum Previous<'a> {
    /// No last build: everything renders.
    None,
    /// The last build had the same route table: its signatures, and the hashes of the bytes it
    /// wrote (0: unknown), by position.
    Same { signatures: &'a [u64], contents: &'a [u64] },
    /// By output path (another route table, or the record `build` keeps beside the output).
    ByPath(hash::FastMap<&'a str, u64>),
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
            Previous::Same { signatures, contents } => {
                Last { signature: signatures.get(i).copied(), content: contents.get(i).copied().filter(|c| *c != 0) }
            }
            Previous::ByPath(map) => Last { signature: map.get(route.file()).copied(), content: None },
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
type Result_ = Option<(u64, Result<Done, Box<Diagnostic>>)>;

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
    site_value: (tera::Value, u64),
    build_value: (tera::Value, u64),
    cards: Cards<'a>,
    terms: Terms<'a>,
    /// Per section and per term, the links to every page of its list: the same on each of its
    /// pages, so made once (else a section of 500 pages makes 250,000 links).
    section_pages: Vec<context::ListCell>,
    term_pages: Vec<Vec<context::ListCell>>,
    search_index_url: OnceLock<String>,
    /// The JSON parts of the large files kept by `watch`.
    parts: Option<&'a data::JsonParts>,
    /// The hash of each brief's node in the link graph.
    node_keys: Vec<u64>,
    /// `watch`: the signature of each brief's page known unchanged since the last rendering…
    known: Vec<Option<u64>>,
    /// …and of those hashed in this one, with the cards each shows (see `reuse`).
    hashed: Vec<OnceLock<reuse::Hashed>>,
    /// The same for list pages, by route.
    known_lists: Vec<Option<u64>>,
    hashed_lists: Vec<OnceLock<reuse::Hashed>>,
}

impl<'a> Render<'a> {
    fn new(inputs: &Inputs<'a>, memo: Option<&context::ViewMemo>) -> (Render<'a>, context::BriefViews) {
        let Inputs { templates, theme, config, site, routes, graph, identity } = *inputs;
        let theme_files: Vec<&[u8]> = theme.static_files.values().map(Vec::as_slice).collect();
        let asset_url =
            |i: usize| format!("{}?v={:08x}", routes.theme_file(i).url(), hash::bytes(theme_files[i]) as u32);
        let named = |name: &str| theme.static_files.keys().position(|n| n == name).map(asset_url).unwrap_or_default();
        let site_context = SiteContext {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            url: routes.home().url(),
            absolute_url: routes.absolute(routes.home()),
            stylesheet: named("style.css"),
            favicon: favicon(site, routes, named("favicon.svg")),
            search_script: named("search.js"),
            sources_script: named("sources.js"),
            sources_url: routes.sources().map(|r| r.url()),
            search_url: routes.search().url(),
            feed: routes.site_feed().map(|r| r.url()),
            sections: site
                .sections
                .iter()
                .enumerate()
                .filter(|(_, s)| s.parent == Some(0))
                .map(|(i, s)| Link { title: &s.title, url: routes.section(i, 1).url() })
                .collect(),
            taxonomies: site
                .taxonomies
                .iter()
                .enumerate()
                .map(|(t, tax)| TaxonomyLink { name: &tax.name, title: &tax.title, url: routes.taxonomy(t).url() })
                .collect(),
        };
        let feed_style = named("feed.xsl");
        let build = BuildContext { version: env!("CARGO_PKG_VERSION"), serving: false };
        let views = context::BriefViews::make(site, routes, memo, |b| hash::of(&data::graph_node(site, routes, b)));
        let render = Render {
            templates,
            config,
            site,
            routes,
            graph,
            identity,
            site_value: (tera::Value::from_serializable(&site_context), hash::of(&site_context)),
            build_value: (tera::Value::from_serializable(&build), hash::of(&build)),
            theme_files,
            feed_style,
            cards: Cards::new(site, routes, views.cards.clone()),
            node_keys: views.nodes.clone(),
            terms: Terms::new(site, routes),
            section_pages: site.sections.iter().map(|_| Default::default()).collect(),
            term_pages: site.taxonomies.iter().map(|t| t.terms.iter().map(|_| Default::default()).collect()).collect(),
            search_index_url: OnceLock::new(),
            parts: None,
            known: Vec::new(),
            hashed: Vec::new(),
            known_lists: Vec::new(),
            hashed_lists: Vec::new(),
        };
        (render, views)
    }

    /// `search/index.json` with a hash of its data, so browsers never use a stale index.
    fn search_index_url(&'a self) -> String {
        self.search_index_url
            .get_or_init(|| {
                format!("{}?v={:08x}", self.routes.search_index().url(), hash::of(&self.search_index()) as u32)
            })
            .clone()
    }

    /// Page `current` of `total` of a list; `cache` keeps its links to every page.
    /// Page `current` of a list.
    fn pager(&'a self, current: usize, list: context::List) -> context::Pager<'a> {
        let routes = self.routes;
        let (total, cell, url_of): (usize, _, &dyn Fn(usize) -> &'a str) = match list {
            context::List::Section(s) => {
                (routes.section_pages(s), &self.section_pages[s], &move |p| routes.section(s, p).url())
            }
            context::List::Term(t, i) => {
                (routes.term_pages(t, i), &self.term_pages[t][i], &move |p| routes.term(t, i, p).url())
            }
        };
        context::Pager {
            current,
            total,
            previous: (current > 1).then(|| url_of(current - 1)),
            next: (current < total).then(|| url_of(current + 1)),
            pages: context::PageLinks { cell, routes, list, total },
        }
    }

    /// What every brief page shows alike (see `reuse`).
    fn shared_key(&self) -> u64 {
        let sections: Vec<(&str, &str)> = (0..self.site.sections.len())
            .map(|s| (self.site.sections[s].title.as_str(), self.routes.section(s, 1).url()))
            .collect();
        // A record's Wikidata item is in the structured data of every brief about it.
        let wikidata: Vec<Option<&String>> = self.site.records.iter().map(|r| r.fields().wikidata.as_ref()).collect();
        let parts = (self.identity, self.site_value.1, self.build_value.1, self.routes.key, sections, wikidata);
        reuse::Shared::key(&(parts, self.terms.key()))
    }

    /// What list pages show besides their cards and what every page shows alike: the site
    /// model and the sections' introductions (0: the model has no key).
    fn lists_key(&self, shared: u64) -> u64 {
        let intros: Vec<(Option<u64>, u64)> = (0..self.site.sections.len())
            .map(|s| (self.site.sections[s].index.as_ref().map(|p| p.file.hash), self.graph.section_outputs[s].1))
            .collect();
        // Term pages show their record's description and the briefs that mention them.
        let records: Vec<(u64, u64)> =
            self.site.records.iter().zip(&self.graph.record_outputs).map(|(r, o)| (r.parsed.file.hash, o.1)).collect();
        if self.site.key == 0 {
            0
        } else {
            hash::of(&(shared, self.site.key, intros, records, &self.graph.mentions.by_term))
        }
    }

    /// Renders (or keeps) one route: its signature, and whether it rendered, or why it failed.
    fn route(&'a self, i: usize, route: &Route, last: Last, sink: Option<&dyn Sink>) -> Rendered {
        use crate::routes::Page;
        let unchanged = |signature: u64| last.signature == Some(signature);
        match route.output {
            Output::Page(page_kind) => {
                // Where `watch` keeps the signature of this page, if it does (see `reuse`).
                let (known, hashed, at) = match page_kind {
                    Page::Brief(b) => (&self.known, &self.hashed, b),
                    // Its link to the search index carries the index's hash: hashed every time.
                    Page::Search => (&self.known, &self.hashed, usize::MAX),
                    _ => (&self.known_lists, &self.hashed_lists, i),
                };
                let (known, hashed) = (known.get(at).copied().flatten(), hashed.get(at));
                if let Some(signature) = known.filter(|s| unchanged(*s)) {
                    return (signature, Ok(Done::Kept));
                }
                let (template, page) = self.page_context(page_kind);
                let listed = route.output != Output::Page(crate::routes::Page::NotFound);
                let permalink =
                    (listed && self.routes.urls.origin.is_some()).then_some(Permalink { routes: self.routes, route });
                let context = TemplateContext {
                    site: Shared { value: &self.site_value.0, hash: self.site_value.1 },
                    build: Shared { value: &self.build_value.0, hash: self.build_value.1 },
                    page: WithPermalink { page, permalink },
                };
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
                let result = match self.templates.render(template, shown, &context) {
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
            Output::Asset(i) => self.copy(route, &self.site.assets[i].source, last, sink),
            Output::Static(i) => self.copy(route, &self.site.statics[i].source, last, sink),
            output => {
                let spec = self.file_spec(output).expect("every other output is a generated file");
                let signature = hash::of(&(self.identity, route.file(), &spec));
                self.write(route, signature, last, sink, || spec.write(self.routes, self.parts))
            }
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
        let stamp = std::fs::symlink_metadata(source).ok().map(|m| (m.len(), m.modified().ok()));
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
    let own = ["favicon.svg", "favicon.png", "favicon.ico"].into_iter().find_map(|name| {
        routes.files.iter().find(|r| matches!(r.output, Output::Static(i) if site.statics[i].rel_path == name))
    });
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
        Some(sink) => sink.put(route.file(), bytes, last.content).map(|()| Done::Rendered(content)).map_err(|e| {
            Failure::Io(EnvError::new(format!("cannot write `{}`: {e}", route.file())).help(
                "check the free space and the permissions of the output folder; nothing of this build was published",
            ))
        }),
        None => Ok(Done::Rendered(content)),
    }
}

/// Renders every route: a page or file whose signature is the one in `previous` is kept as the
/// last build wrote it, every other one is rendered and handed to `sink`. `stop` is asked now and
/// then whether to give up (Ctrl-C).
pub fn render(
    inputs: &Inputs,
    previous: &Previous,
    sink: Option<&dyn Sink>,
    stop: &(dyn Fn() -> bool + Sync),
    memo: Option<&mut Memo>,
) -> Outcome {
    let site = inputs.site;
    let (views_memo, parts, pages_memo) = match memo {
        Some(Memo { views, parts, pages }) => (Some(views), Some(&*parts), Some(pages)),
        None => (None, None, None),
    };
    let (mut render, views) = Render::new(inputs, views_memo.as_deref());
    render.parts = parts;
    let mut lists_key = 0;
    let shared = pages_memo.as_ref().map(|_| reuse::Shared {
        key: render.shared_key(),
        site,
        graph: inputs.graph,
        cards: &views.cards,
    });
    if let (Some(memo), Some(shared)) = (&pages_memo, &shared) {
        render.known = memo.known(shared);
        render.hashed = (0..site.briefs.len()).map(|_| OnceLock::new()).collect();
        let routes = inputs.routes.files.len();
        lists_key = render.lists_key(shared.key);
        render.known_lists = memo.known_lists(shared, lists_key, routes);
        render.hashed_lists = (0..routes).map(|_| OnceLock::new()).collect();
    }
    if previous.is_none() {
        // Every page renders: make the cards first, newest first in runs. List pages read them in
        // that order and find them side by side in memory rather than scattered over the heap.
        site.by_date.par_chunks(512).for_each(|run| {
            for &b in run {
                render.cards.value(b);
            }
        });
    }
    // The first failure to write stops the rendering: a full disk is one message, not one per page.
    let io_failed = AtomicBool::new(false);
    let first_io: Mutex<Option<EnvError>> = Mutex::new(None);
    let results: Vec<Result_> = inputs
        .routes
        .files
        .par_iter()
        .enumerate()
        .map(|(i, route)| {
            if stop() || io_failed.load(Ordering::Relaxed) {
                return None;
            }
            let (signature, result) = render.route(i, route, previous.get(i, route), sink);
            Some((
                signature,
                match result {
                    Ok(rendered) => Ok(rendered),
                    Err(Failure::Content(d)) => Err(Box::new(d)),
                    Err(Failure::Io(e)) => {
                        io_failed.store(true, Ordering::Relaxed);
                        first_io.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                        return None;
                    }
                },
            ))
        })
        .collect();
    let mut outcome = Outcome {
        io: first_io.into_inner().unwrap_or_else(|e| e.into_inner()),
        signatures: vec![0; results.len()],
        contents: vec![0; results.len()],
        ..Outcome::default()
    };
    for (i, (route, result)) in inputs.routes.files.iter().zip(results).enumerate() {
        let Some((signature, result)) = result else {
            outcome.stopped = true;
            continue;
        };
        if matches!(route.output, Output::Page(_)) {
            outcome.pages += 1;
        }
        match result {
            Ok(Done::Rendered(content)) => {
                outcome.rendered += 1;
                outcome.contents[i] = content;
            }
            Ok(Done::Kept) => {
                outcome.kept += 1;
                outcome.contents[i] = previous.get(i, route).content.unwrap_or(0);
                if let Some(sink) = sink {
                    sink.keep(route.file());
                }
            }
            Err(d) => {
                outcome.diagnostics.push(*d);
                continue;
            }
        }
        outcome.signatures[i] = signature;
    }
    if let Some(memo) = views_memo {
        views.remember(site, inputs.routes, memo);
    }
    if let (Some(memo), Some(shared)) = (pages_memo, &shared) {
        let hashed = std::mem::take(&mut render.hashed).into_iter().map(OnceLock::into_inner).collect();
        memo.remember(shared, &render.known, hashed);
        let hashed = std::mem::take(&mut render.hashed_lists).into_iter().map(OnceLock::into_inner).collect();
        memo.remember_lists(lists_key, &render.known_lists, hashed);
    }
    render.cards.free_later();
    outcome
}
