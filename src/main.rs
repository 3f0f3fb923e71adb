//! The `briefing` command: parses flags, runs the library, prints what happened.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use briefing::build::{self, BuildError, BuildOptions, BuildReport, Mode, Project};
use briefing::diagnostics::{self, Diagnostic};
use briefing::external::{self, ExternalOptions};
use clap::{Args, Parser, Subcommand};

mod init_command;
mod new_command;
mod watch_command;

// Rendering allocates and frees many small strings and maps per page: mimalloc runs a build in
// ~16 % fewer instructions than the system allocator. Built with `no_thp`: with transparent huge
// pages its arenas cost ~40 MiB more peak memory at 10,000 briefs (benches/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "briefing",
    version,
    about = "Turns a folder of Markdown policy briefs into a cross-linked static website with topic indexes."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from content/ into the output folder.
    Build(BuildArgs),
    /// Do everything `build` does (parse, resolve links, render every template) but write nothing.
    Check(CheckArgs),
    /// Build, serve the site locally, and rebuild and reload the browser on every change.
    Watch(WatchArgs),
    /// Make a new site in DIR: site.yaml, an example brief, .gitignore and a GitHub Pages workflow.
    Init(init_command::InitArgs),
    /// Write a new brief, content/[SECTION/]NAME.md, from the site's archetype, and print its path.
    New(new_command::NewArgs),
    /// Print a report of site.yaml (`reports:`), or one brief, to a PDF with Chromium.
    Report(ReportArgs),
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Also print every report to a PDF beside its page (`reports/<id>/<id>.pdf`), with a
    /// Chromium, Chrome or Edge found on PATH or named by BRIEFING_CHROME.
    #[arg(long)]
    pdf: bool,
}

#[derive(Args)]
struct ReportArgs {
    /// The report's id, as `reports:` in site.yaml declares it.
    #[arg(value_name = "ID", required_unless_present = "brief", conflicts_with = "brief")]
    id: Option<String>,
    /// Print this brief (its path under content/ without `.md`, its file name or its slug)
    /// instead of a report.
    #[arg(long, value_name = "NAME")]
    brief: Option<String>,
    /// Write the PDF to FILE [default: ID.pdf, or the brief's slug, in the current folder].
    #[arg(long, value_name = "FILE", num_args = 0..=1, required = true)]
    #[allow(clippy::option_option)]
    pdf: Option<Option<PathBuf>>,
    #[command(flatten)]
    site: SiteArgs,
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder, holding content/, and optionally site.yaml, themes/ and static/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: ROOT/output].
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// The URL the site will be served from, e.g. https://example.org/policy/; overrides
    /// `base_url` in site.yaml. Internal links start with its path.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include briefs marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include briefs dated after today (left out until their date otherwise).
    #[arg(long)]
    future: bool,
    /// Report broken internal links as warnings instead of errors (the links render as plain text).
    #[arg(long)]
    allow_broken_links: bool,
    /// Print only errors.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more detail: every stage's counts and the files written.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Also ask every external (http, https) URL of the site whether it still exists: each once,
    /// answers kept for a day beside the output folder; dead ones are warnings at every use.
    #[arg(long)]
    external: bool,
    /// How long to wait for each external URL.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds, requires = "external")]
    external_timeout: std::time::Duration,
    /// List the briefs past their review date (`review_by:`, or `reviewed:` plus `review_every:`),
    /// by author, with how long overdue.
    #[arg(long)]
    stale: bool,
    /// The day to compare review dates with, instead of today: `2026-01-31`.
    #[arg(long, value_name = "DATE", value_parser = day)]
    as_of: Option<chrono::NaiveDate>,
    /// Make a kind of warning an error: `stale` (briefs past their review date), for CI.
    #[arg(long, value_name = "KIND", value_enum)]
    deny: Vec<Deny>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Deny {
    Stale,
}

fn day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date: write e.g. 2026-01-31"))
}

fn seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(std::time::Duration::from_secs_f64(s)),
        _ => Err(format!("`{text}` is not a number of seconds between 0 and 3600")),
    }
}

#[derive(Args)]
struct WatchArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The port of the local server.
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address the server listens on; keep the default (loopback) unless you mean to share
    /// the site on your network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Open the site in the default browser once it is served.
    #[arg(long)]
    open: bool,
    /// Poll for changes instead of relying on file events (network drives, VM shares).
    #[arg(long)]
    poll: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let mut review = (None, false, false);
    let mut pdf = false;
    let mut print = None;
    let (args, mode, external) = match cli.command {
        Command::Build(args) => {
            pdf = args.pdf;
            (args.site, Mode::Build, None)
        }
        Command::Report(args) => {
            let (target, name) = match (&args.id, &args.brief) {
                (_, Some(brief)) => {
                    let stem = brief.trim_end_matches(".md").rsplit('/').next().unwrap_or("brief").to_string();
                    (build::PrintTarget::Brief(brief.clone()), stem)
                }
                (Some(id), None) => (build::PrintTarget::Report(id.clone()), id.clone()),
                (None, None) => unreachable!("clap requires an id or --brief"),
            };
            let file = match args.pdf.flatten() {
                Some(path) => path,
                None => PathBuf::from(format!("{name}.pdf")),
            };
            print = Some(build::PrintJob { target, file });
            (args.site, Mode::Check, None)
        }
        Command::Check(args) => {
            let external =
                args.external.then(|| ExternalOptions { timeout: args.external_timeout, ..Default::default() });
            review = (args.as_of, args.deny.contains(&Deny::Stale), args.stale);
            (args.site, Mode::Check, external)
        }
        Command::Watch(args) => return watch_command::run(args),
        Command::Init(args) => return init_command::run(args),
        Command::New(args) => return new_command::run(args),
    };
    let (as_of, deny_stale, list_stale) = review;
    let printed = print.as_ref().map(|job| job.file.clone());
    let options = BuildOptions { as_of, deny_stale, pdf, print, ..args.options() };
    let color = use_color();
    let project = match Project::resolve(&options) {
        Ok(p) => p,
        Err(e) => return report_error(e, args.quiet, args.verbose, color, None),
    };
    // Ctrl-C stops the rendering and leaves the output as it was; a commit under way completes.
    // A link check (`check --external`) stops asking and reports what was answered.
    let _ = ctrlc::set_handler(|| {
        build::request_stop();
        external::request_stop();
    });
    match build::run(&project, mode) {
        Ok(report) => {
            match &report.unchanged {
                Some(record) => record.messages(args.quiet, args.verbose, color).for_each(|m| eprint!("{m}")),
                None => print_diagnostics(&report.diagnostics, args.quiet, args.verbose, color),
            }
            if !args.quiet {
                match &printed {
                    Some(file) => eprintln!("printed {} in {:.1} s", file.display(), report.elapsed.as_secs_f64()),
                    None => eprintln!("{}", summary_line(&project, &report, mode)),
                }
            }
            if list_stale {
                print_overdue(&report.overdue, as_of.unwrap_or_else(|| project.config.timezone.today_date()));
            }
            if args.verbose {
                for note in &report.notes {
                    eprintln!("note: {note}");
                }
                for (stage, time) in &report.stages.0 {
                    eprintln!("  {stage:<9} {:>8.1} ms", time.as_secs_f64() * 1000.0);
                    if *stage == "render" {
                        let mut kinds = report.render_kinds.clone();
                        kinds.sort_by_key(|kind| std::cmp::Reverse(kind.1));
                        for (kind, time, rendered) in kinds {
                            let ms = time.as_secs_f64() * 1000.0;
                            eprintln!("    {kind:<15} {ms:>8.1} ms of threads' time, {rendered} rendered");
                        }
                    }
                }
            }
            match external {
                Some(options) => check_external(&project, &options, &args, color),
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => report_error(e, args.quiet, args.verbose, color, (mode == Mode::Build).then_some(&project)),
    }
}

/// `check --stale`: the briefs past their review date, by author (a brief of several authors
/// under each), each with its file, due date and how long overdue.
fn print_overdue(list: &[briefing::lifecycle::Overdue], day: chrono::NaiveDate) {
    if list.is_empty() {
        println!("No brief is past its review date as of {day}.");
        return;
    }
    println!(
        "{} past {} review date as of {day}:",
        counted(list.len(), "brief"),
        if list.len() == 1 { "its" } else { "their" }
    );
    let mut authors: Vec<&str> = list.iter().flat_map(|o| o.authors.iter().map(String::as_str)).collect();
    authors.sort_unstable();
    authors.dedup();
    let mut groups: Vec<(&str, Vec<&briefing::lifecycle::Overdue>)> =
        authors.iter().map(|&a| (a, list.iter().filter(|o| o.authors.iter().any(|x| x == a)).collect())).collect();
    let unsigned: Vec<_> = list.iter().filter(|o| o.authors.is_empty()).collect();
    if !unsigned.is_empty() {
        groups.push(("(no author)", unsigned));
    }
    for (author, briefs) in groups {
        println!("\n{author}");
        for o in briefs {
            println!("  {}  due {}, {} overdue", o.file, o.due, briefing::lifecycle::overdue_text(o.days));
        }
    }
}

/// `check --external`, after a check that passed: asks every external URL, reports the dead
/// ones at every place that uses them (never folded), and prints one summary line.
fn check_external(project: &Project, options: &ExternalOptions, args: &SiteArgs, color: bool) -> ExitCode {
    let started = std::time::Instant::now();
    let uses = external::project_url_uses(project);
    let report = external::check_urls(&uses, &external::cache_path(&project.output_dir), options);
    print_diagnostics(&report.diagnostics, args.quiet, true, color);
    if report.interrupted {
        eprintln!("error: interrupted: the answers so far were kept for the next check");
        return ExitCode::from(2);
    }
    if !args.quiet {
        eprintln!(
            "checked {} in {:.1} s: {} alive, {} dead, {} not checkable (cached: {})",
            counted(report.urls, "external URL"),
            started.elapsed().as_secs_f64(),
            report.alive,
            report.dead,
            report.unchecked,
            report.cached
        );
    }
    ExitCode::SUCCESS
}

/// Prints why a build failed; the exit code says whose fault it is (1: the content, 2: the
/// configuration or the environment).
pub(crate) fn report_error(
    error: BuildError,
    quiet: bool,
    verbose: bool,
    color: bool,
    wrote_to: Option<&Project>,
) -> ExitCode {
    match error {
        BuildError::Content(report) => {
            print_diagnostics(&report.diagnostics, quiet, verbose, color);
            let what = match wrote_to {
                Some(project) => format!("; {} was left unchanged", project.output_dir.display()),
                None => String::new(),
            };
            eprintln!("error: {}{what}", diagnostics::summary(&report.diagnostics));
            ExitCode::from(1)
        }
        BuildError::Config(list) => {
            print_diagnostics(&list, false, verbose, color);
            eprintln!("error: {}; nothing was built", diagnostics::summary(&list));
            ExitCode::from(2)
        }
        BuildError::Environment(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

impl SiteArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            output: self.output.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            future: self.future,
            as_of: None,
            deny_stale: false,
            allow_broken_links: self.allow_broken_links,
            home: std::env::var_os("HOME").map(PathBuf::from),
            pdf: false,
            print: None,
            timed: self.verbose,
        }
    }
}

pub(crate) fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints diagnostics; warnings that repeat are folded into one each, unless `verbose`.
pub(crate) fn print_diagnostics(list: &[Diagnostic], quiet: bool, verbose: bool, color: bool) {
    let grouped;
    let list = if verbose {
        list
    } else {
        grouped = diagnostics::group(list);
        &grouped
    };
    for d in list {
        if quiet && !d.is_error() {
            continue;
        }
        eprint!("{}", d.render(color));
    }
}

/// `1 brief`, `2 briefs`.
pub(crate) fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub(crate) fn summary_line(project: &Project, report: &BuildReport, mode: Mode) -> String {
    let ms = report.elapsed.as_secs_f64() * 1000.0;
    let warnings = match &report.unchanged {
        Some(record) if !record.summary.is_empty() => format!(", {}", record.summary),
        _ if report.diagnostics.is_empty() => String::new(),
        _ => format!(", {}", diagnostics::summary(&report.diagnostics)),
    };
    match (mode, report.write) {
        (Mode::Build, Some(w)) => format!(
            "built {} ({}, {}) into {} in {ms:.0} ms: {} written, {} unchanged, {} removed{warnings}",
            counted(report.pages, "page"),
            counted(report.briefs, "brief"),
            counted(report.terms, "term"),
            project.output_dir.display(),
            counted(w.written, "file"),
            w.unchanged,
            w.removed
        ),
        _ => format!(
            "checked {} ({}, {}) in {ms:.0} ms; nothing written{warnings}",
            counted(report.pages, "page"),
            counted(report.briefs, "brief"),
            counted(report.terms, "term")
        ),
    }
}
