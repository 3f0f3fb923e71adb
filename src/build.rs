//! The one place that knows the order of the stages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{BaseUrl, SiteConfig};
use crate::diagnostics::{self, Diagnostic};
use crate::discover;
use crate::links;
use crate::output::{self, WriteStats};
use crate::render::{self, SiteOutput, Templates};
use crate::site;
use crate::theme::Theme;

/// What the command line asked for, before anything is read.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub allow_broken_links: bool,
    /// The user's home folder, never accepted as the output folder.
    pub home: Option<PathBuf>,
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
    pub theme: Theme,
    pub drafts: bool,
    pub home: Option<PathBuf>,
}

impl Project {
    /// Reads `site.yaml` and the theme. Errors here are configuration errors (exit code 2).
    pub fn resolve(options: &BuildOptions) -> Result<Project, String> {
        let root = options.root.clone();
        if !root.is_dir() {
            return Err(format!("the site root `{}` is not a folder", root.display()));
        }
        let mut config = SiteConfig::load(&root)?;
        if let Some(base) = &options.base_url {
            config.base_url = BaseUrl::parse(base).map_err(|e| format!("--base-url: {e}"))?;
        }
        if options.allow_broken_links {
            config.broken_links_warn = true;
        }
        let themes_dir = root.join("themes");
        let theme = Theme::load(&config.theme, &themes_dir.join(&config.theme))?;
        Ok(Project {
            content_dir: root.join("content"),
            static_dir: root.join("static"),
            output_dir: options.output.clone().unwrap_or_else(|| root.join("output")),
            themes_dir,
            root,
            config,
            theme,
            drafts: options.drafts,
            home: options.home.clone(),
        })
    }

    fn display_prefix(&self) -> String {
        "content/".to_string()
    }

    pub fn check_output_dir(&self) -> Result<(), String> {
        output::check_output_dir(
            &self.output_dir,
            &[("site root", &self.root), ("content folder", &self.content_dir), ("themes folder", &self.themes_dir)],
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

#[derive(Debug)]
pub struct BuildReport {
    /// Warnings (and errors, on failure), sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub briefs: usize,
    pub terms: usize,
    pub write: Option<WriteStats>,
    pub elapsed: Duration,
    pub stages: Stages,
}

#[derive(Debug)]
pub enum BuildError {
    /// The environment failed (I/O, a refused output folder): exit code 2.
    Environment(String),
    /// The content or templates have errors: exit code 1. Nothing was written.
    Content(BuildReport),
}

/// Runs every stage; writes only when nothing failed.
pub fn run(project: &Project, mode: Mode) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    if mode == Mode::Build {
        project.check_output_dir().map_err(BuildError::Environment)?;
    }
    let mut stages = Stages::default();
    let mut sources = stages.time("discover", || discover::discover(&project.content_dir, &project.display_prefix()));
    let markdown = std::mem::take(&mut sources.markdown);
    // Pages whose signature is what the last build recorded are kept as they are on disk.
    let previous = match mode {
        Mode::Build => output::read_signatures(&project.output_dir),
        Mode::Check => HashMap::new(),
    };
    // A rebuild renders few pages: their bodies are written when they render, not while parsing.
    let write_html = previous.is_empty();
    let parsed = stages.time("parse", || site::parse_all(markdown, &project.config, write_html));
    // `build` streams pages into the staging folder as they are rendered; `check` writes nothing.
    let staging = match mode {
        Mode::Build => Some(output::Staging::begin(&project.output_dir).map_err(|e| {
            BuildError::Environment(format!("cannot write beside `{}`: {e}", project.output_dir.display()))
        })?),
        Mode::Check => None,
    };
    let pass =
        render::Pass { sink: staging.as_ref(), previous: staging.as_ref().map(|_| &previous), part: render::Part::All };
    let rendered = render_parsed(project, sources, parsed, links::Memo::None, pass, &mut stages);
    let mut report = rendered.report(stages);
    if report.diagnostics.iter().any(Diagnostic::is_error) {
        report.elapsed = started.elapsed();
        return Err(BuildError::Content(report));
    }
    if let Some(staging) = staging {
        let write_started = Instant::now();
        let stats = staging
            .put_all(&rendered.output)
            .and_then(|()| staging.commit())
            .map_err(|e| BuildError::Environment(format!("cannot write `{}`: {e}", project.output_dir.display())))?;
        // A missing record only costs the next build its shortcut.
        let _ = output::write_signatures(&project.output_dir, &rendered.output.signatures);
        report.stages.0.push(("write", write_started.elapsed()));
        report.write = Some(stats);
    }
    report.elapsed = started.elapsed();
    // Freeing a large site takes tens of milliseconds that the caller need not wait for.
    std::thread::spawn(move || drop(rendered));
    Ok(report)
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

/// The site rendered in memory, with everything the stages reported.
pub struct Rendered {
    pub output: SiteOutput,
    /// The resolved links and related briefs, for the next build of `watch` to reuse.
    pub links: Option<links::LinkMemo>,
    pub site: site::Site,
    pub graph: links::LinkGraph,
    pub diagnostics: Vec<Diagnostic>,
    pub briefs: usize,
    pub terms: usize,
}

impl BuildReport {
    /// The report of a build that stopped at these diagnostics.
    pub fn failed(diagnostics: Vec<Diagnostic>, briefs: usize, stages: Stages) -> BuildReport {
        BuildReport { diagnostics, pages: 0, briefs, terms: 0, write: None, elapsed: Duration::ZERO, stages }
    }
}

impl Rendered {
    pub fn report(&self, stages: Stages) -> BuildReport {
        BuildReport {
            diagnostics: self.diagnostics.clone(),
            pages: self.output.signatures.len(),
            briefs: self.briefs,
            terms: self.terms,
            write: None,
            elapsed: Duration::ZERO,
            stages,
        }
    }
}

/// The stages after reading: assemble the site, resolve links, render. Shared by `build` and
/// `watch`; with `previous` signatures, pages that show nothing new are not rendered again.
pub fn render_parsed(
    project: &Project,
    sources: discover::Sources,
    parsed: Vec<site::Parsed>,
    link_memo: links::Memo,
    pass: render::Pass,
    stages: &mut Stages,
) -> Rendered {
    let config = &project.config;
    let mut diagnostics = sources.diagnostics.clone();
    if !project.content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::warning(
                "no-content",
                format!("there is no content folder at `{}`", project.content_dir.display()),
            )
            .help("write briefs as Markdown files under content/"),
        );
    }
    let (site, assemble_diagnostics) =
        stages.time("assemble", || site::assemble(config, sources, parsed, project.drafts));
    diagnostics.extend(assemble_diagnostics);
    let (graph, link_diagnostics, link_memo) = stages.time("links", || links::resolve(&site, config, link_memo));
    diagnostics.extend(link_diagnostics);
    let (mut output, render_diagnostics) = stages.time("render", || match Templates::compile(&project.theme) {
        Ok(templates) => render::render_site(&templates, &project.theme, config, &site, &graph, pass),
        Err(d) => (SiteOutput::default(), d),
    });
    diagnostics.extend(render_diagnostics);
    add_static_folder(&project.static_dir, &mut output, &mut diagnostics);
    diagnostics::sort(&mut diagnostics);
    let terms = site.taxonomies.iter().map(|t| t.terms.len()).sum();
    Rendered { output, diagnostics, briefs: site.briefs.len(), terms, links: link_memo, site, graph }
}

/// The page of one brief, for a site already assembled and resolved (`watch`'s short path).
pub fn render_brief(
    project: &Project,
    site: &site::Site,
    graph: &links::LinkGraph,
    brief: site::BriefId,
) -> (SiteOutput, Vec<Diagnostic>) {
    match Templates::compile(&project.theme) {
        Ok(templates) => {
            let pass = render::Pass { part: render::Part::Brief(brief), ..render::Pass::all() };
            render::render_site(&templates, &project.theme, &project.config, site, graph, pass)
        }
        Err(d) => (SiteOutput::default(), d),
    }
}

/// The files of `render::Part::Extras` for a site already assembled and resolved (`watch`
/// writes them after the pages).
pub fn render_extras(project: &Project, site: &site::Site, graph: &links::LinkGraph) -> (SiteOutput, Vec<Diagnostic>) {
    match Templates::compile(&project.theme) {
        Ok(templates) => {
            let pass = render::Pass { part: render::Part::Extras, ..render::Pass::all() };
            render::render_site(&templates, &project.theme, &project.config, site, graph, pass)
        }
        Err(d) => (SiteOutput::default(), d),
    }
}

/// The site's `static/` folder is copied as is to the output root (favicon, `CNAME`, `.nojekyll`).
fn add_static_folder(static_dir: &Path, output: &mut SiteOutput, diagnostics: &mut Vec<Diagnostic>) {
    if !static_dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(static_dir).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diagnostics.push(Diagnostic::error("io", format!("cannot read the static folder: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(static_dir) else {
            continue;
        };
        let rel = crate::slug::nfc(&rel.to_string_lossy().replace('\\', "/"));
        let name = rel.rsplit('/').next().unwrap_or("");
        // Dotfiles such as `.nojekyll` are wanted here; editor leftovers are not.
        if name.ends_with('~') || name.ends_with(".swp") || name.starts_with(".#") || rel == output::MARKER {
            continue;
        }
        if output.files.iter().any(|(p, _)| *p == rel) {
            diagnostics
                .push(Diagnostic::warning("static-overrides", format!("static/{rel} replaces a generated file")));
            output.files.retain(|(p, _)| *p != rel);
        }
        output.copies.push((rel, entry.into_path()));
    }
}
