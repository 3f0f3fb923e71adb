//! `briefing new [SECTION/]NAME`: writes a new brief from the site's archetype and prints its
//! path (on stdout alone, for `$EDITOR "$(briefing new x)"`); messages go to stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use briefing::build::{self, BuildOptions, Project};
use briefing::diagnostics::EnvError;
use briefing::new_brief::{self, ArchetypeContext, Target};
use clap::Args;
use unicode_normalization::UnicodeNormalization;

use crate::{print_diagnostics, use_color};

#[derive(Args)]
pub struct NewArgs {
    /// The brief's file under content/, without `.md`: `briefs/opcon-transfer` writes
    /// content/briefs/opcon-transfer.md.
    #[arg(value_name = "[SECTION/]NAME")]
    name: String,
    /// The brief's title [default: NAME with `-` written as spaces].
    #[arg(long)]
    title: Option<String>,
    /// Its topics, separated by commas: --topics "OPCON transfer,SCM".
    #[arg(long, value_name = "TERMS", value_delimiter = ',')]
    topics: Vec<String>,
    /// Its actors, separated by commas: --actors "USFK,South Korea".
    #[arg(long, value_name = "TERMS", value_delimiter = ',')]
    actors: Vec<String>,
    /// Open the new file in $VISUAL (else $EDITOR).
    #[arg(long)]
    open: bool,
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

fn refuse(error: EnvError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(2)
}

pub fn run(args: NewArgs) -> ExitCode {
    let color = use_color();
    let target = match Target::parse(&args.name) {
        Ok(t) => t,
        Err(e) => return refuse(e),
    };
    let options = BuildOptions {
        root: args.root.clone(),
        // A draft's terms are terms of the site as much as a published brief's.
        drafts: true,
        home: std::env::var_os("HOME").map(PathBuf::from),
        ..BuildOptions::default()
    };
    let project = match Project::resolve(&options) {
        Ok(p) => p,
        Err(e) => return crate::report_error(e, false, false, color, None),
    };
    let config = &project.config;
    let given = [("topics", &args.topics), ("actors", &args.actors)];
    for (name, terms) in given {
        if !terms.is_empty() && !config.taxonomies.iter().any(|t| t.name == name) {
            let names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
            return refuse(
                EnvError::new(format!("--{name}: the site has no taxonomy `{name}`")).help(format!(
                    "its taxonomies are {}; add `{name}` to `taxonomies` in site.yaml",
                    names.join(", ")
                )),
            );
        }
    }
    if let Some(t) = config.taxonomies.iter().find(|t| target.section.split('/').next() == Some(&t.name)) {
        return refuse(
            EnvError::new(format!("`content/{}/` holds the records of the {} taxonomy, not briefs", t.name, t.name))
                .help(format!("write the brief in another folder, such as `briefs/{}`", target.name)),
        );
    }
    // Every taxonomy in the site's order, with the terms given for it.
    let terms: Vec<(String, Vec<String>)> = config
        .taxonomies
        .iter()
        .map(|t| {
            let list = given.iter().find(|(name, _)| *name == t.name).map_or(&[][..], |(_, list)| list.as_slice());
            let cleaned = list.iter().map(|s| s.trim().nfc().collect::<String>()).filter(|s| !s.is_empty());
            (t.name.clone(), cleaned.collect())
        })
        .collect();

    let rel = target.rel_path();
    let path = project.content_dir.join(&rel);
    let shown = shown_path(&path);
    let folder = path.parent().unwrap_or(&project.content_dir);
    if let Some(existing) = new_brief::clash(folder, &target.name) {
        let existing = shown_path(&folder.join(&existing));
        let message = if existing == shown {
            format!("`{shown}` already exists; nothing was written")
        } else {
            format!("`{shown}` would clash with `{existing}`, which has the same address; nothing was written")
        };
        return refuse(EnvError::new(message).help("choose another NAME, or edit the brief that is there"));
    }

    let (archetype_file, archetype) = match std::fs::read_to_string(project.root.join(new_brief::ARCHETYPE_FILE)) {
        Ok(text) => (new_brief::ARCHETYPE_FILE, text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            ("the built-in archetype", new_brief::BUILTIN_ARCHETYPE.into())
        }
        Err(e) => return refuse(EnvError::new(format!("cannot read `{}`: {e}", new_brief::ARCHETYPE_FILE))),
    };
    let title: String = args.title.unwrap_or_else(|| new_brief::default_title(&target.name)).trim().nfc().collect();
    let today = config.timezone.today();
    let context = ArchetypeContext::new(&title, &today, &target, &terms);
    let text = match new_brief::render(archetype_file, &archetype, &context) {
        Ok(text) => text,
        Err(d) => {
            print_diagnostics(&[d], false, false, color);
            eprintln!("error: the archetype has an error; nothing was written");
            return ExitCode::from(1);
        }
    };
    // Misspelt terms are looked for only when terms were given: it reads the whole site.
    let warnings = match terms.iter().any(|(_, list)| !list.is_empty()) {
        true => new_brief::close_terms(&build::model(&project), &terms, &format!("content/{rel}"), &text),
        false => Vec::new(),
    };

    if let Err(e) = new_brief::create(&path, &text) {
        let error = match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                EnvError::new(format!("`{shown}` already exists; nothing was written"))
            }
            _ => EnvError::new(format!("cannot write `{shown}`: {e}")),
        };
        return refuse(error);
    }
    println!("{shown}");
    print_diagnostics(&warnings, false, false, color);
    if text.contains("\ndraft: true") {
        eprintln!("note: it is a draft: `briefing watch --drafts` shows it; remove `draft: true` to publish it");
    }
    if args.open {
        return open_in_editor(&path);
    }
    ExitCode::SUCCESS
}

/// `./content/x.md` → `content/x.md`.
fn shown_path(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    path.display().to_string()
}

/// Runs `$VISUAL` (else `$EDITOR`) on the file and waits for it: terminal editors need the
/// terminal until they quit. A value with arguments (`code --wait`) is split at spaces.
fn open_in_editor(path: &Path) -> ExitCode {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()).map(|v| (*name, v)));
    let Some((variable, editor)) = editor else {
        return refuse(
            EnvError::new("--open: neither $VISUAL nor $EDITOR is set")
                .help("set one, e.g. `export EDITOR=nano`; the brief was written all the same"),
        );
    };
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or_default();
    match std::process::Command::new(program).args(words).arg(path).status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => refuse(EnvError::new(format!("${variable} (`{editor}`) ended with {status}"))),
        Err(e) => refuse(
            EnvError::new(format!("--open: cannot run ${variable} (`{editor}`): {e}"))
                .help("the brief was written all the same"),
        ),
    }
}
