//! What a build is asked to do (`BuildOptions`) and what it reads before anything else: the
//! site's folders, `site.yaml`, the theme and the identity of the binary (`Project`).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::config::{BaseUrl, SiteConfig};
use crate::diagnostics::{Code, Diagnostic, EnvError};
use crate::hash;
use crate::output;
use crate::site;
use crate::theme::Theme;

use super::BuildError;

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
