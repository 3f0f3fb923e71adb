//! `briefing init [DIR]`: writes a new site, checks it once, and says what to run next.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use briefing::build::{self, BuildOptions, Mode, Project};
use briefing::date::Zone;
use briefing::init::{self, InitOptions, Written};
use clap::Args;

use crate::{print_diagnostics, use_color};

#[derive(Args)]
pub struct InitArgs {
    /// The folder of the new site: created when missing, refused when it holds anything but
    /// hidden files (such as .git).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// The site's title [default: the folder's name].
    #[arg(long)]
    title: Option<String>,
    /// Where the site will be served, e.g. https://USER.github.io/REPOSITORY/ [default: /, for a
    /// local preview; the GitHub Pages workflow passes its own].
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The language of the pages, a tag such as en or ko [default: en].
    #[arg(long, value_name = "TAG")]
    language: Option<String>,
}

pub fn run(args: InitArgs) -> ExitCode {
    let options = InitOptions { title: args.title, base_url: args.base_url, language: args.language };
    // The site has no timezone yet: the example brief is dated in UTC, like its `site.yaml`.
    let files = init::plan(&args.dir, &options, &Zone::Utc.today()).and_then(|files| {
        init::check_empty(&args.dir)?;
        Ok(files)
    });
    let written = match files.and_then(|files| init::write(&args.dir, &files)) {
        Ok(written) => written,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let shown = shown_dir(&args.dir);
    let place = if args.dir == Path::new(".") { "the current folder".to_string() } else { shown.clone() };
    println!("made a new site in {place}:");
    for file in &written {
        match file {
            Written::Created(path) => println!("  {path}"),
            Written::Extended(path) => println!("  {path} (added the lines of the build's own files)"),
            Written::Kept(path) => println!("  {path} (it was there already: kept as it was)"),
        }
    }
    let _ = std::io::stdout().flush();

    // The new site, checked as `briefing check` would: it must pass with no warning.
    let color = use_color();
    let build_options = BuildOptions {
        root: args.dir.clone(),
        home: std::env::var_os("HOME").map(PathBuf::from),
        ..BuildOptions::default()
    };
    let project = match Project::resolve(&build_options) {
        Ok(project) => project,
        Err(e) => return crate::report_error(e, false, false, color, None),
    };
    match build::run(&project, Mode::Check) {
        Ok(report) => {
            print_diagnostics(&report.diagnostics, false, false, color);
            eprintln!("{}", crate::summary_line(&project, &report, Mode::Check));
        }
        Err(e) => return crate::report_error(e, false, false, color, None),
    }

    println!("\nnext:");
    if args.dir != Path::new(".") {
        println!("  cd {shown}");
    }
    println!("  briefing watch --open       preview the site, rebuilt on every save");
    println!("  briefing new briefs/NAME    write a brief: content/briefs/NAME.md, a draft (watch --drafts shows it)");
    println!("  briefing build              write the site into output/, ready to publish");
    ExitCode::SUCCESS
}

/// The folder as a shell would take it: quoted when it holds anything but plain characters.
fn shown_dir(dir: &Path) -> String {
    let text = dir.display().to_string();
    let plain = text.chars().all(|c| c.is_alphanumeric() || "-_./~".contains(c));
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
