//! The one place that knows the order of the stages. `build` and `check` run it once; `watch`
//! runs it again on every change with a `Cache`, the memo of every stage, so a rebuild reads,
//! parses, resolves and renders only what the change touched, and its output is what a fresh
//! build would write.

use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::config::{BaseUrl, SiteConfig};
use crate::diagnostics::{self, Code, Diagnostic, EnvError};
use crate::discover::{self, Changes};
use crate::hash;
use crate::links;
use crate::output::{self, Staging, WriteStats};
use crate::parse;
use crate::render::{self, Previous, Templates};
use crate::routes::Routes;
use crate::site;
use crate::theme::Theme;
use crate::unchanged;

/// What the command line asked for, before anything is read.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Include briefs dated after today (`--future`).
    pub future: bool,
    /// The day review dates are compared with (`check --as-of`); today when `None`.
    pub as_of: Option<chrono::NaiveDate>,
    /// Briefs past their review date are errors (`--deny stale`).
    pub deny_stale: bool,
    pub allow_broken_links: bool,
    /// The user's home folder, never accepted as the output folder.
    pub home: Option<PathBuf>,
    /// Print every report to a PDF beside its page (`build --pdf`).
    pub pdf: bool,
    /// Print one report or brief to a PDF file instead of building (`briefing report`).
    pub print: Option<PrintJob>,
    /// Time each file the render stage makes, for `-v`'s time by kind of file (a clock read
    /// per file is a measurable part of a rebuild that keeps 30,000 files).
    pub timed: bool,
}

/// What `briefing report` prints, and where.
#[derive(Debug, Clone)]
pub struct PrintJob {
    pub target: PrintTarget,
    pub file: PathBuf,
}

#[derive(Debug, Clone)]
pub enum PrintTarget {
    /// A report, by its id.
    Report(String),
    /// A brief, by its id, file stem or slug.
    Brief(String),
}

/// The inputs of a build, resolved once: paths, configuration and theme.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub static_dir: PathBuf,
    pub themes_dir: PathBuf,
    pub output_dir: PathBuf,
    pub config: SiteConfig,
    pub theme: Arc<Theme>,
    pub drafts: bool,
    pub future: bool,
    pub as_of: Option<chrono::NaiveDate>,
    pub deny_stale: bool,
    pub home: Option<PathBuf>,
    /// The browser that prints PDFs, when the build prints any.
    pub pdf: Option<Arc<crate::pdf::Printer>>,
    pub print: Option<PrintJob>,
    /// See `BuildOptions::timed`.
    pub timed: bool,
    /// What makes one build differ from another with the same sources: the binary, the theme,
    /// the configuration and the options. Every file's signature includes it, so a new binary
    /// or theme renders every page again.
    pub identity: u64,
}

/// The running binary: a build by another binary may write other bytes. Its size and time of
/// modification tell binaries apart without reading tens of megabytes on every build.
fn binary_identity() -> u64 {
    static IDENTITY: OnceLock<u64> = OnceLock::new();
    *IDENTITY.get_or_init(|| {
        let exe = std::env::current_exe().and_then(std::fs::metadata);
        let stamp = exe.ok().map(|m| (m.len(), m.modified().ok()));
        hash::of(&(stamp, env!("CARGO_PKG_VERSION")))
    })
}

impl Project {
    /// Reads `site.yaml` and the theme. Errors here are configuration errors (exit code 2).
    pub fn resolve(options: &BuildOptions) -> Result<Project, BuildError> {
        let root = options.root.clone();
        if !root.is_dir() {
            return Err(BuildError::Environment(EnvError::new(format!(
                "the site root `{}` is not a folder",
                root.display()
            ))));
        }
        let mut config = SiteConfig::load(&root).map_err(BuildError::Config)?;
        if let Some(base) = &options.base_url {
            config.base_url = BaseUrl::parse(base)
                .map_err(|e| BuildError::Config(vec![Diagnostic::error(Code::Config, format!("--base-url: {e}"))]))?;
        }
        if options.allow_broken_links {
            config.broken_links_warn = true;
        }
        let themes_dir = root.join("themes");
        let theme = Theme::load(&config.theme, &themes_dir.join(&config.theme))
            .map_err(|e| BuildError::Config(vec![Diagnostic::error(Code::Config, e)]))?;
        let pdf = match options.pdf || options.print.is_some() {
            true => Some(Arc::new(crate::pdf::Printer::find().map_err(BuildError::Environment)?)),
            false => None,
        };
        let printing = pdf.as_ref().map(|p| p.identity);
        let identity =
            hash::of(&(binary_identity(), theme.fingerprint(), &config, options.drafts, options.future, printing));
        Ok(Project {
            content_dir: root.join("content"),
            static_dir: root.join("static"),
            output_dir: options.output.clone().unwrap_or_else(|| root.join("output")),
            themes_dir,
            root,
            config,
            theme: Arc::new(theme),
            drafts: options.drafts,
            future: options.future,
            as_of: options.as_of,
            deny_stale: options.deny_stale,
            home: options.home.clone(),
            pdf,
            print: options.print.clone(),
            timed: options.timed,
            identity,
        })
    }

    /// Which briefs the build takes: drafts with `--drafts`; briefs dated after today (in the
    /// site's time zone) only with `--future`.
    pub fn include(&self) -> site::Include {
        site::Include { drafts: self.drafts, until: (!self.future).then(|| self.config.timezone.today_date()) }
    }

    pub fn check_output_dir(&self) -> Result<(), EnvError> {
        output::check_output_dir(
            &self.output_dir,
            &[
                ("site root", &self.root),
                ("content folder", &self.content_dir),
                ("themes folder", &self.themes_dir),
                ("static folder", &self.static_dir),
            ],
            self.home.as_deref(),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the site to the output folder.
    Build,
    /// Do everything but write (`briefing check`).
    Check,
}

#[derive(Debug, Default)]
pub struct BuildReport {
    /// Warnings (and errors, on failure), sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub briefs: usize,
    pub terms: usize,
    /// Files rendered (or copied) rather than kept from the last build.
    pub rendered: usize,
    pub write: Option<WriteStats>,
    /// The source files that changed since the last build of the same cache.
    pub changed: Vec<String>,
    pub elapsed: Duration,
    pub stages: Stages,
    /// The render stage by kind of file: time summed over threads, files rendered.
    pub render_kinds: Vec<(&'static str, Duration, usize)>,
    /// What is worth knowing about a build that went as configured (no feeds without an absolute
    /// `base_url`); `-v` prints it.
    pub notes: Vec<String>,
    /// Briefs past their review date (`check --stale` lists them).
    pub overdue: Vec<crate::lifecycle::Overdue>,
    /// Nothing changed since the last build: its record, with the messages to show again.
    pub unchanged: Option<crate::unchanged::Record>,
}

#[derive(Debug)]
pub enum BuildError {
    /// The content or templates have errors: exit code 1. Nothing was written.
    Content(Box<BuildReport>),
    /// `site.yaml`, the theme or a flag is wrong: exit code 2.
    Config(Vec<Diagnostic>),
    /// The environment failed (I/O, a refused output folder, a lock, an interruption): exit
    /// code 2.
    Environment(EnvError),
}

/// How long each stage took, in order.
#[derive(Debug, Default, Clone)]
pub struct Stages(pub Vec<(&'static str, Duration)>);

impl Stages {
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let value = f();
        self.0.push((stage, started.elapsed()));
        value
    }
}

static STOP: AtomicBool = AtomicBool::new(false);

/// Asks a running build to stop (Ctrl-C): it stops rendering and leaves the output as it was. A
/// commit already begun is completed first.
pub fn request_stop() {
    STOP.store(true, Ordering::SeqCst);
}

fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// What `watch` keeps between builds: the memo of every stage, and what the output holds.
#[derive(Default)]
pub struct Cache {
    discover: discover::Memo,
    parse: parse::Memo,
    site: site::Memo,
    /// The last route table, with the keys of the model it was planned for and of its inputs.
    routes: Option<(u64, u64, Arc<Routes>)>,
    links: links::Memo,
    library: crate::library::Memo,
    style: Option<Arc<crate::citations::Style>>,
    citations: crate::citations::Memo,
    mentions: crate::mentions::Memo,
    /// The last timeline and reports, with the key of the model and settings they were made
    /// from (kept only when they reported nothing: messages point into the current text).
    timeline: Option<(u64, Arc<crate::timeline::Timeline>)>,
    reports: Option<(u64, Arc<crate::report::Reports>)>,
    templates: Option<(u64, Arc<Templates>)>,
    render: render::Memo,
    /// The route table of the last commit and the signature of each of its files: what the
    /// output holds.
    written: Option<(Arc<Routes>, Vec<u64>, Vec<u64>)>,
}

/// Builds (or checks) the site once.
pub fn run(project: &Project, mode: Mode) -> Result<BuildReport, BuildError> {
    run_with(project, mode, None, &Changes::All, None)
}

/// What the first commit of a rebuild that writes its pages first wrote (see `run_with`).
pub struct PagesWritten<'a> {
    /// The source files that changed since the last build.
    pub changed: &'a [String],
    pub write: WriteStats,
    /// The path every URL of the pages starts with (`base_url`'s): the server must follow it
    /// before the browser reloads.
    pub base_path: &'a str,
}

/// Runs every stage; writes only when nothing failed. With a cache, every stage reuses what it
/// can of the last run and keeps what the next can reuse; `changes` says which sources may have
/// changed since. With `on_pages` (`watch`, which reloads the browser then), the pages are
/// committed first and `on_pages` told, and the files for other programs (`graph.json`, …) are
/// rendered and committed after.
pub fn run_with(
    project: &Project,
    mode: Mode,
    cache: Option<&mut Cache>,
    changes: &Changes,
    on_pages: Option<&mut dyn FnMut(&PagesWritten)>,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let mut stages = Stages::default();
    let config = &project.config;
    let mut fresh = Cache::default();
    let watching = cache.is_some();
    let memo = match cache {
        Some(cache) => cache,
        None => &mut fresh,
    };
    let writing = mode == Mode::Build;
    let _lock = if writing {
        project.check_output_dir().map_err(BuildError::Environment)?;
        let lock = output::Lock::acquire(&project.output_dir).map_err(BuildError::Environment)?;
        // What an interrupted build left is completed or discarded before anything is read.
        output::recover(&output::absolute(&project.output_dir)).map_err(|e| io_error(project, e))?;
        Some(lock)
    } else {
        None
    };
    // Files whose signature is what the last build recorded are kept as they are.
    let output_present = project.output_dir.join(output::MARKER).is_file();
    if !output_present {
        // The output is gone (deleted while watching): everything is written again.
        memo.written = None;
    }
    // `build` reads the signatures the last build recorded beside the output. One whose inputs
    // and output are as the last build recorded has nothing to do; the two are checked at once.
    let (inputs_key, (recorded, last)) = match (mode, watching, &project.print) {
        (Mode::Build, false, None) => stages.time("unchanged", || {
            rayon::join(
                || unchanged::inputs_key(project),
                || {
                    let recorded = output::read_signatures(&project.output_dir);
                    let last = unchanged::output_as_recorded(&project.output_dir, recorded.len());
                    (recorded, last)
                },
            )
        }),
        (Mode::Build, _, _) if memo.written.is_none() => (None, (output::read_signatures(&project.output_dir), None)),
        _ => (None, (Default::default(), None)),
    };
    if let Some(record) = last.filter(|record| record.matches(inputs_key)) {
        let mut notes = record.notes.clone();
        notes.push(
            "nothing changed since the last build (inputs, options and output as it recorded): nothing was read or \
             rendered again"
                .into(),
        );
        return Ok(BuildReport {
            pages: record.pages,
            briefs: record.briefs,
            terms: record.terms,
            write: Some(WriteStats { written: 0, unchanged: record.files, removed: 0 }),
            elapsed: started.elapsed(),
            stages,
            notes,
            unchanged: Some(record),
            ..BuildReport::default()
        });
    }

    let folders = discover::Folders {
        root: &project.root,
        content: &project.content_dir,
        statics: &project.static_dir,
        bibliography: &config.bibliography,
    };
    let (sources, changed) = stages.time("discover", || discover::discover(&folders, &mut memo.discover, changes));
    if !watching {
        // Nothing reads it again.
        memo.discover = discover::Memo::default();
    }
    let mut diagnostics = sources.diagnostics.clone();
    if !project.content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::warning(
                Code::NoContent,
                format!("there is no content folder at `{}`", project.content_dir.display()),
            )
            .help("write briefs as Markdown files under content/"),
        );
    }
    // A rebuild renders few pages: their bodies are written when they render, not while parsing.
    let write_html = mode == Mode::Check || (memo.written.is_none() && recorded.is_empty());
    let parse_memo = watching.then_some(&mut memo.parse);
    let parsed = stages.time("parse", || parse::parse_all(&sources.markdown, config, write_html, parse_memo));
    let site_memo = watching.then_some(&mut memo.site);
    let (mut site, more) =
        stages.time("assemble", || site::assemble(config, &sources, &parsed, project.include(), site_memo));
    diagnostics.extend(more);
    let library_memo = watching.then_some(&mut memo.library);
    let (library, more) =
        stages.time("library", || crate::library::assemble(&sources.bibliography, &site, library_memo));
    diagnostics.extend(more);
    if site.key != 0 {
        // The model is the site and its library: what is keyed by the one is keyed by both.
        site.key = hash::of(&(site.key, library.key));
    }
    // The timeline and reports read the model (its facts, its library), the settings and each
    // brief's language: `watch` keeps them while those are unchanged (a body edit).
    let model_key = (site.key != 0).then(|| {
        let languages: Vec<&str> = (0..site.briefs.len()).map(|b| site.language_of(b)).collect();
        hash::of(&(site.key, project.identity, languages))
    });
    site.timeline = stages.time("timeline", || {
        kept(model_key, &mut memo.timeline, &mut diagnostics, || crate::timeline::assemble(config, &site, &library))
    });
    site.library = library;
    site.reports = stages.time("reports", || {
        kept(model_key, &mut memo.reports, &mut diagnostics, || crate::report::assemble(config, &site))
    });
    let routes = stages.time("routes", || {
        // The same model and settings, the same table; else a table is planned again only if a
        // path changed.
        let settings = (project.theme.fingerprint(), &config.base_url, config.paginate_by);
        let model_key = hash::of(&(site.key, settings));
        if let Some((last, _, routes)) = &memo.routes {
            if site.key != 0 && *last == model_key {
                return Ok(routes.clone());
            }
        }
        let keys = Routes::key(config, &site, &project.theme, project.pdf.is_some() && project.print.is_none());
        let key = keys.all;
        match &memo.routes {
            Some((_, k, routes)) if *k == key => {
                let routes = routes.clone();
                memo.routes = Some((model_key, key, routes.clone()));
                Ok(routes)
            }
            _ => {
                let max_path = output::path_budget(&project.output_dir);
                let last = memo.routes.as_ref().map(|(_, _, routes)| &**routes);
                let pdf = project.pdf.is_some() && project.print.is_none();
                let (routes, problems) = Routes::plan(config, &site, &project.theme, max_path, pdf, keys, last);
                let routes = Arc::new(routes);
                memo.routes = problems.is_empty().then(|| (model_key, key, routes.clone()));
                if problems.is_empty() {
                    Ok(routes)
                } else {
                    Err(problems)
                }
            }
        }
    });
    let routes = match routes {
        Ok(routes) => routes,
        Err(problems) => {
            // Clashing routes would write over each other: nothing renders.
            diagnostics.extend(problems);
            return Err(failed(diagnostics, &site, changed, stages, started));
        }
    };
    let links_memo = watching.then_some(&mut memo.links);
    let (mut graph, more) = stages.time("links", || links::resolve(&site, &routes, config, links_memo));
    diagnostics.extend(more);
    let style = match &memo.style {
        Some(style) if style.name == config.citation_style => style.clone(),
        _ => {
            let style = Arc::new(
                crate::citations::Style::bundled(&config.citation_style).expect("site.yaml names a bundled style"),
            );
            memo.style = Some(style.clone());
            style
        }
    };
    let citations_memo = watching.then_some(&mut memo.citations);
    let (citations, more) =
        stages.time("citations", || crate::citations::resolve(&site, &site.library, &style, citations_memo));
    diagnostics.extend(more);
    let mut citations = citations;
    let cite_memo = watching.then_some(&mut memo.citations);
    // `watch`: what decides a brief's work (its file, its URL, the settings, its language), so
    // that a brief whose key is known is not made into a work again, nor its citation files
    // signed again. (The terms' pages are not its URL: a new term makes no work again.)
    let work_keys: Vec<u64> = match watching {
        true => {
            let routes_key = routes.key_without_terms();
            let key =
                |b: usize| hash::of(&(site.briefs[b].file_hash, routes_key, project.identity, site.briefs[b].lang));
            (0..site.briefs.len()).into_par_iter().map(key).collect()
        }
        false => Vec::new(),
    };
    citations.cite_this = stages.time("cite", || {
        let work = |b| brief_work(&site, &routes, config, b);
        let quick = watching.then_some(&work_keys[..]);
        crate::citations::cite_briefs(site.briefs.len(), work, quick, &style, cite_memo)
    });
    graph.citations = Arc::new(citations);
    let mentions_memo = watching.then_some(&mut memo.mentions);
    graph.mentions = stages.time("mentions", || crate::mentions::find(&site, config, mentions_memo));
    if mode == Mode::Check && project.print.is_none() {
        diagnostics.extend(crate::mentions::untagged_notes(&site, &graph.mentions));
    }
    let as_of = project.as_of.unwrap_or_else(|| config.timezone.today_date());
    let overdue = crate::lifecycle::overdue(config, &site, as_of);
    diagnostics.extend(crate::lifecycle::diagnostics(&site, &overdue, project.deny_stale));
    for (source, date) in &site.future {
        let p = &parsed[*source];
        diagnostics.push(
            Diagnostic::warning(Code::Future, format!("this brief is dated {date}: it is left out until then"))
                .at(p.location(p.key_span("date").unwrap_or(0..0)))
                .help("build with --future to include it now"),
        );
    }
    // A PDF is read away from the site: its links out need the site's address.
    if project.pdf.is_some() && config.base_url.origin.is_none() {
        diagnostics.push(
            Diagnostic::warning(
                Code::Config,
                format!(
                    "`base_url` (`{}`) has no address: links from the PDF to the site will not open",
                    config.base_url.path
                ),
            )
            .help("set `base_url: https://example.org/` in site.yaml, or pass --base-url"),
        );
    }
    // Without an origin (the default `/`, a local preview) there are no feeds and no sitemap: a
    // choice, not a mistake, so a note for `-v` rather than a warning on every build.
    let notes = match config.base_url.origin {
        Some(_) => Vec::new(),
        None => vec![format!(
            "feeds and sitemap were not written: `base_url` (`{}`) is not an absolute URL; to get them, \
             set `base_url: https://example.org/` in site.yaml or pass --base-url",
            config.base_url.path
        )],
    };
    // A set of templates per language, with its words: the languages are part of the key.
    let languages: Vec<String> =
        (0..=config.languages.len()).map(|l| site::language_code(config, l).to_string()).collect();
    let fingerprint = crate::hash::of(&(project.theme.fingerprint(), &languages));
    let templates = match &memo.templates {
        Some((k, templates)) if *k == fingerprint => Ok(templates.clone()),
        _ => Templates::compile(&project.theme, &languages).map(|t| {
            let t = Arc::new(t);
            memo.templates = Some((fingerprint, t.clone()));
            t
        }),
    };
    let templates = match templates {
        Ok(t) => t,
        Err(problems) => {
            diagnostics.extend(problems);
            return Err(failed(diagnostics, &site, changed, stages, started));
        }
    };
    let content_failed = diagnostics.iter().any(Diagnostic::is_error);
    // With errors already, pages are still rendered (without writing) so that template errors
    // are reported in the same run.
    let staging = match (writing, content_failed) {
        (true, false) => {
            // The output is about to change: until this build records it, the next reads everything.
            unchanged::forget(&project.output_dir);
            let mut staging = Staging::begin(&project.output_dir).map_err(|e| io_error(project, e))?;
            staging.make_folders(routes.files.iter().map(|r| r.file())).map_err(|e| io_error(project, e))?;
            Some(staging)
        }
        _ => None,
    };
    let inputs = render::Inputs {
        templates: &templates,
        theme: &project.theme,
        config,
        site: &site,
        routes: &routes,
        graph: &graph,
        identity: project.identity,
        timed: project.timed,
        printer: project.pdf.as_deref(),
        model_key: model_key.map_or(0, |key| hash::of(&(key, routes.key))),
        work_keys: &work_keys,
    };
    if let Some(job) = &project.print {
        // `briefing report`: one page printed, nothing else rendered or written.
        if content_failed {
            diagnostics::sort(&mut diagnostics);
            return Err(failed(diagnostics, &site, changed, stages, started));
        }
        let printed = stages.time("pdf", || print_one(&inputs, job));
        match printed {
            Ok(Ok(())) => {}
            Ok(Err(problem)) => {
                diagnostics.push(problem);
                diagnostics::sort(&mut diagnostics);
                return Err(failed(diagnostics, &site, changed, stages, started));
            }
            Err(e) => return Err(BuildError::Environment(e)),
        }
        diagnostics::sort(&mut diagnostics);
        return Ok(BuildReport {
            diagnostics,
            briefs: site.briefs.len(),
            changed,
            elapsed: started.elapsed(),
            stages,
            notes,
            ..BuildReport::default()
        });
    }
    // How many first files this table shares with the one of the last rebuild.
    let same = match &memo.written {
        Some((last, _, _)) if Arc::ptr_eq(last, &routes) => routes.files.len(),
        Some((last, _, _)) => routes.shared_files(last),
        None => 0,
    };
    let previous = match (&memo.written, mode) {
        (_, Mode::Check) => Previous::None,
        (Some((last, signatures, contents)), _) => {
            let by_path = last.files[same..].iter().map(|r| r.file()).zip(signatures[same..].iter().copied());
            Previous::Last { same, signatures, contents, by_path: by_path.collect() }
        }
        (None, _) if recorded.is_empty() => Previous::None,
        (None, _) => Previous::Last {
            same: 0,
            signatures: &[],
            contents: &[],
            by_path: recorded.iter().map(|(path, hash)| (path.as_str(), *hash)).collect(),
        },
    };
    // `watch` knows what the output holds and which of its files the site no longer has; `build`
    // walks it.
    let removals = staging.as_ref().map(|_| match &memo.written {
        Some((last, _, _)) if watching => {
            let now: HashSet<&str> = routes.files[same..].iter().map(|r| r.file()).collect();
            let gone = last.files[same..].iter().map(|r| r.file()).filter(|f| !now.contains(f));
            output::Removals::Listed(gone.map(str::to_string).collect())
        }
        _ => output::Removals::AllBut(routes.files.iter().map(|r| r.file()).collect()),
    });
    let mut staging = staging;
    let render_memo = watching.then_some(&mut memo.render);
    let rendering = stages.time("prepare", || render::Rendering::start(&inputs, &previous, render_memo));
    // Someone waits for the pages (`watch`, to reload the browser): they are committed first,
    // the files for other programs after.
    let pages_first = on_pages.is_some() && staging.is_some();
    let first = if pages_first { render::Pass::Pages } else { render::Pass::All };
    let sink = staging.as_ref().map(|s| s as &dyn render::Sink);
    let mut outcome = stages.time("render", || rendering.pass(first, sink, &stop_requested));
    let mut write_stats = WriteStats::default();
    let mut removals = removals;
    // Whether the pages were committed, and a failure to write after it.
    let mut committed_pages = false;
    let mut failed_write = None;
    if let (true, Some(on_pages), true) = (pages_first, on_pages, outcome.is_clean() && !stop_requested()) {
        let pages = staging.take().expect("pages are staged");
        let committed = stages.time("write pages", || pages.commit(removals.take().unwrap_or_default(), None));
        let later = committed.and_then(|stats| {
            committed_pages = true;
            write_stats = stats;
            on_pages(&PagesWritten { changed: &changed, write: stats, base_path: &config.base_url.path });
            Staging::begin(&project.output_dir)
        });
        match later {
            Ok(later) => {
                let more = stages.time("files for programs", || {
                    rendering.pass(render::Pass::Programs, Some(&later as &dyn render::Sink), &stop_requested)
                });
                outcome.add(more);
                staging = Some(later);
            }
            Err(e) => failed_write = Some(io_error(project, e)),
        }
    }
    rendering.finish(&outcome);
    drop(previous);
    if committed_pages && (failed_write.is_some() || !outcome.is_clean() || stop_requested()) {
        // Part of this rebuild is in the output: the next compares every file with it.
        memo.written = None;
    }
    if let Some(e) = failed_write {
        return Err(e);
    }
    if let Some(e) = outcome.io {
        return Err(BuildError::Environment(e));
    }
    diagnostics.extend(outcome.diagnostics);
    diagnostics::sort(&mut diagnostics);
    let terms = site.taxonomies.iter().map(|t| t.terms.len()).sum();
    let mut report = BuildReport {
        diagnostics,
        pages: outcome.pages,
        briefs: site.briefs.len(),
        terms,
        rendered: outcome.rendered,
        write: None,
        changed,
        elapsed: Duration::ZERO,
        stages,
        render_kinds: outcome.by_kind,
        notes,
        overdue,
        unchanged: None,
    };
    if report.diagnostics.iter().any(Diagnostic::is_error) {
        report.elapsed = started.elapsed();
        return Err(BuildError::Content(Box::new(report)));
    }
    if outcome.stopped || stop_requested() {
        let left = match committed_pages {
            true => "the pages were written, the files for other programs were left as they were",
            false => "the output was left as it was",
        };
        return Err(BuildError::Environment(EnvError::new(format!("interrupted: {left}"))));
    }
    if let Some(staging) = staging {
        let write_started = Instant::now();
        let record = (!watching).then(|| {
            let files = routes.files.iter().map(|r| r.file());
            output::signatures_text(files.zip(outcome.signatures.iter().copied()).filter(|(_, s)| *s != 0))
        });
        let removals = removals.take().unwrap_or_default();
        let stats = staging.commit(removals, record.as_deref()).map_err(|e| io_error(project, e))?;
        report.stages.0.push(("write", write_started.elapsed()));
        write_stats.written += stats.written;
        write_stats.unchanged += stats.unchanged;
        write_stats.removed += stats.removed;
        report.write = Some(write_stats);
        if !watching {
            let files = outcome.signatures.iter().filter(|s| **s != 0).count();
            unchanged::record(project, inputs_key, &report, files);
        }
        if watching {
            memo.written = Some((routes.clone(), outcome.signatures, outcome.contents));
        }
    }
    report.elapsed = started.elapsed();
    // `watch` keeps the model for the next rebuild. Freeing a large one takes tens of
    // milliseconds that the caller need not wait for.
    let free = match watching {
        true => site::remember(&mut memo.site, site),
        false => Some(site),
    };
    std::thread::spawn(move || drop((free, parsed, graph)));
    Ok(report)
}

/// What `make` makes, kept in `slot` while `key` is the one it was made for (`watch`); a result
/// that reported problems is not kept (its messages point into the current text).
fn kept<T>(
    key: Option<u64>,
    slot: &mut Option<(u64, Arc<T>)>,
    diagnostics: &mut Vec<Diagnostic>,
    make: impl FnOnce() -> (T, Vec<Diagnostic>),
) -> Arc<T> {
    if let (Some(key), Some((last, value))) = (key, &*slot) {
        if key == *last {
            return value.clone();
        }
    }
    let (value, more) = make();
    let value = Arc::new(value);
    *slot = key.filter(|_| more.is_empty()).map(|key| (key, value.clone()));
    diagnostics.extend(more);
    value
}

/// The content model alone — discover, parse, assemble — without links, rendering or writing:
/// what `new` asks of the site (its terms). Problems of the content are for `check` to report.
pub fn model(project: &Project) -> site::Site {
    let config = &project.config;
    let folders = discover::Folders {
        root: &project.root,
        content: &project.content_dir,
        statics: &project.static_dir,
        bibliography: &config.bibliography,
    };
    let (sources, _) = discover::discover(&folders, &mut discover::Memo::default(), &Changes::All);
    let parsed = parse::parse_all(&sources.markdown, config, false, None);
    site::assemble(config, &sources, &parsed, project.include(), None).0
}

/// A brief as a work others cite: its page's absolute URL (else its path), the site as publisher.
pub fn brief_work<'a>(
    site: &'a site::Site,
    routes: &'a Routes,
    config: &'a SiteConfig,
    b: usize,
) -> crate::library::export::Work<'a> {
    let brief = &site.briefs[b];
    let front = brief.front();
    let route = routes.brief(b);
    let date = front.date.map(|d| {
        use chrono::Datelike;
        let d = d.datetime.date_naive();
        [d.year(), d.month() as i32, d.day() as i32]
    });
    crate::library::export::Work {
        key: brief.id(),
        title: brief.title(),
        authors: &front.authors,
        date,
        url: route.url(),
        absolute: routes.absolute(route),
        publisher: &config.title,
        summary: brief.summary(),
        language: site.language_of(b),
    }
}

/// Prints what `job` names to its file. `Ok(Err)`: the report or brief is not in the site.
fn print_one(inputs: &render::Inputs, job: &PrintJob) -> Result<Result<(), Diagnostic>, EnvError> {
    let site = inputs.site;
    let page = match &job.target {
        PrintTarget::Report(id) => {
            let specs = &inputs.config.reports;
            let found = site.reports.reports.iter().position(|r| specs[r.spec].id == *id);
            match found {
                Some(r) => crate::routes::Page::Report(r),
                None => {
                    let help = match crate::suggest::closest(id, specs.iter().map(|s| s.id.as_str())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if specs.is_empty() => "declare reports in site.yaml: `reports: [{id: opcon, title: …, select: {topics: [opcon-transfer]}}]`".into(),
                        None => format!("the reports are {}", specs.iter().map(|s| format!("`{}`", s.id)).collect::<Vec<_>>().join(", ")),
                    };
                    return Ok(Err(Diagnostic::error(Code::Config, format!("there is no report `{id}`")).help(help)));
                }
            }
        }
        PrintTarget::Brief(name) => {
            let names = site::BriefNames::new(&site.briefs);
            match site::find_named(&names, name, |_| true) {
                Some(b) => crate::routes::Page::Brief(b),
                None => {
                    let help = match crate::suggest::closest(name, site.briefs.iter().map(|b| b.id())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => {
                            "name a brief by its path under content/ without `.md`, e.g. `briefs/opcon-transfer`".into()
                        }
                    };
                    return Ok(Err(Diagnostic::error(Code::Config, format!("there is no brief `{name}`")).help(help)));
                }
            }
        }
    };
    let bytes = match render::print_page(inputs, page)? {
        Ok(bytes) => bytes,
        Err(problem) => return Ok(Err(problem)),
    };
    crate::pdf::write_file(&job.file, &bytes)
        .map_err(|e| EnvError::new(format!("cannot write `{}`: {e}", job.file.display())))?;
    Ok(Ok(()))
}

fn io_error(project: &Project, e: std::io::Error) -> BuildError {
    let full = e.raw_os_error() == Some(28);
    let error = EnvError::new(format!("cannot write `{}`: {e}", project.output_dir.display()));
    BuildError::Environment(if full { error.help("free some disk space and build again") } else { error })
}

fn failed(
    mut diagnostics: Vec<Diagnostic>,
    site: &site::Site,
    changed: Vec<String>,
    stages: Stages,
    started: Instant,
) -> BuildError {
    diagnostics::sort(&mut diagnostics);
    BuildError::Content(Box::new(BuildReport {
        diagnostics,
        briefs: site.briefs.len(),
        changed,
        elapsed: started.elapsed(),
        stages,
        ..BuildReport::default()
    }))
}
