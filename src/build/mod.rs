//! The one place that knows the order of the stages. `build` and `check` run it once; `watch`
//! runs it again on every change with a `Cache`, the memo of every stage, so a rebuild reads,
//! parses, resolves and renders only what the change touched, and its output is what a fresh
//! build would write.

use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::diagnostics::{self, Code, Diagnostic, EnvError};
use crate::discover::{self, Changes};
use crate::hash;
use crate::links;
use crate::output::{self, Staging, WriteStats};
use crate::parse;
use crate::render::{self, Previous};
use crate::routes::Routes;
use crate::site;
use crate::unchanged;

mod cache;
mod print;
mod project;

pub use cache::Cache;
pub use project::{BuildOptions, PrintJob, PrintTarget, Project};

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
        cache::kept(model_key, &mut memo.timeline, &mut diagnostics, || {
            crate::timeline::assemble(config, &site, &library)
        })
    });
    site.library = library;
    site.reports = stages.time("reports", || {
        cache::kept(model_key, &mut memo.reports, &mut diagnostics, || crate::report::assemble(config, &site))
    });
    let routes = stages.time("routes", || cache::routes(project, &site, &mut memo.routes));
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
    let style = cache::style(config, &mut memo.style);
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
    let templates = cache::templates(project, &languages, &mut memo.templates);
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
        let printed = stages.time("pdf", || print::print_one(&inputs, job));
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
