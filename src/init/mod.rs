//! `briefing init`: the files of a new site — `site.yaml` with every key explained, the home
//! page's introduction, one example brief, a `.gitignore` and the GitHub Pages workflow — written
//! only into a folder that holds nothing but hidden files.

use std::path::{Path, PathBuf};

use crate::config::{self, BaseUrl};
use crate::diagnostics::EnvError;
use crate::yaml;

const SITE_YAML: &str = include_str!("site.yaml");
const HOME_INDEX: &str = include_str!("_index.md");
const EXAMPLE_BRIEF: &str = include_str!("welcome.md");
const GITIGNORE: &str = include_str!("gitignore");
/// The workflow this repository offers to copy, so the two never drift apart.
const PAGES_WORKFLOW: &str = include_str!("../../.github/workflows/pages.yml");

/// What `init` was asked for.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    pub title: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
}

/// A file of the new site, relative to its folder (`/`-separated).
#[derive(Debug, Clone, PartialEq)]
pub struct NewFile {
    pub path: &'static str,
    pub text: String,
}

/// What happened to each file.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    Created(&'static str),
    /// A hidden file that was there already and got the lines it lacked (`.gitignore`).
    Extended(&'static str),
    /// A hidden file that was there already and was left alone (the workflow).
    Kept(&'static str),
}

/// The files of a new site in `dir` (whose name gives the default title), dated `today`.
/// Refuses a base URL or language `site.yaml` would refuse.
pub fn plan(dir: &Path, options: &InitOptions, today: &str) -> Result<Vec<NewFile>, EnvError> {
    let title = match &options.title {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        Some(_) => return Err(EnvError::new("--title is empty").help("write e.g. --title \"Alliance briefs\"")),
        None => default_title(dir),
    };
    let base_url = options.base_url.as_deref().unwrap_or("/").trim();
    BaseUrl::parse(base_url).map_err(|e| {
        EnvError::new(format!("--base-url: {e}")).help("write e.g. --base-url https://USER.github.io/REPOSITORY/")
    })?;
    let language = options.language.as_deref().unwrap_or("en").trim();
    if !config::is_language_tag(language) {
        return Err(EnvError::new(format!("--language: `{language}` is not a language tag"))
            .help("write a tag such as `en`, `ko` or `en-GB`"));
    }
    let site_yaml = SITE_YAML
        .replace("@title@", &yaml::scalar(&title))
        .replace("@base_url@", &yaml::scalar(base_url))
        .replace("@language@", &yaml::scalar(language));
    Ok(vec![
        NewFile { path: "site.yaml", text: site_yaml },
        NewFile { path: "content/_index.md", text: HOME_INDEX.replace("@title@", &yaml::scalar(&title)) },
        NewFile { path: "content/briefs/welcome.md", text: EXAMPLE_BRIEF.replace("@date@", today) },
        NewFile { path: ".gitignore", text: GITIGNORE.to_string() },
        NewFile { path: ".github/workflows/pages.yml", text: pages_workflow() },
    ])
}

/// `my-briefs` → `My briefs`; the current folder's own name for `.`.
fn default_title(dir: &Path) -> String {
    let named = std::path::absolute(dir).ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
    let title = config::humanise(named.as_deref().unwrap_or_default());
    if title.is_empty() {
        "Briefs".into()
    } else {
        title
    }
}

/// The workflow with a header for a site's own repository instead of the "copy this file" one.
fn pages_workflow() -> String {
    let body = PAGES_WORKFLOW.find("\nname:").map_or(PAGES_WORKFLOW, |i| &PAGES_WORKFLOW[i + 1..]);
    format!(
        "# Publishes the site to GitHub Pages on every push to main (Settings → Pages → Source: GitHub\n\
         # Actions). For a project site the address is https://USER.github.io/REPOSITORY/; for a user site\n\
         # or a custom domain, change the --base-url below.\n{body}"
    )
}

/// Refuses a folder that holds anything but hidden files (`.git`, `.DS_Store`), or a path that is
/// not a folder. A missing folder is fine: `write` creates it.
pub fn check_empty(dir: &Path) -> Result<(), EnvError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(_) if dir.exists() && !dir.is_dir() => {
            return Err(EnvError::new(format!("`{}` is a file, not a folder", dir.display()))
                .help("name a new folder: `briefing init my-briefs`"))
        }
        Err(e) => return Err(EnvError::new(format!("cannot read `{}`: {e}", dir.display()))),
    };
    let mut visible: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    if visible.is_empty() {
        return Ok(());
    }
    visible.sort();
    let shown: Vec<String> = visible.iter().take(3).map(|n| format!("`{n}`")).collect();
    let more = if visible.len() > 3 { format!(" and {} more", visible.len() - 3) } else { String::new() };
    let place = match dir.to_str() {
        Some(".") => "the current folder".to_string(),
        _ => format!("`{}`", dir.display()),
    };
    Err(EnvError::new(format!("{place} is not empty: it holds {}{more}; nothing was written", shown.join(", ")))
        .help("run `briefing init NEW-FOLDER` to make the site in a new folder"))
}

/// Writes the files into `dir` (created when missing), never replacing a file: an existing
/// `.gitignore` gets the lines it lacks, an existing workflow is kept.
pub fn write(dir: &Path, files: &[NewFile]) -> Result<Vec<Written>, EnvError> {
    let fail = |path: &PathBuf, e: std::io::Error| EnvError::new(format!("cannot write `{}`: {e}", path.display()));
    let mut written = Vec::new();
    for file in files {
        let path = dir.join(file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail(&parent.to_path_buf(), e))?;
        }
        match std::fs::read_to_string(&path) {
            Ok(old) if file.path == ".gitignore" => {
                let missing: Vec<&str> =
                    file.text.lines().filter(|l| !l.starts_with('#') && !old.lines().any(|o| o.trim() == *l)).collect();
                if missing.is_empty() {
                    written.push(Written::Kept(file.path));
                } else {
                    let separator = if old.is_empty() || old.ends_with('\n') { "" } else { "\n" };
                    let text = format!("{old}{separator}{}", file.text);
                    std::fs::write(&path, text).map_err(|e| fail(&path, e))?;
                    written.push(Written::Extended(file.path));
                }
            }
            Ok(_) => written.push(Written::Kept(file.path)),
            Err(_) => {
                // `create_new`: a file that appeared meanwhile is not replaced.
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .and_then(|mut f| std::io::Write::write_all(&mut f, file.text.as_bytes()))
                    .map_err(|e| fail(&path, e))?;
                written.push(Written::Created(file.path));
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;

    fn files(options: &InitOptions) -> Vec<NewFile> {
        plan(Path::new("/tmp/alliance-briefs"), options, "2025-11-04").unwrap()
    }

    #[test]
    fn site_yaml_names_every_key_and_parses_with_every_line_uncommented() {
        let text = &files(&InitOptions::default())[0].text;
        for key in config::KEYS {
            let written = text
                .lines()
                .any(|l| l.strip_prefix("# ").unwrap_or(l).strip_prefix(key).is_some_and(|rest| rest.starts_with(':')));
            assert!(written, "site.yaml lacks `{key}`:\n{text}");
        }
        let config = SiteConfig::parse(text, "site.yaml").unwrap();
        assert_eq!(config.title, "Alliance briefs");
        assert_eq!(config, SiteConfig { title: "Alliance briefs".into(), ..SiteConfig::default() });
        // Each commented key, uncommented, is a value the reader accepts.
        let all: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if config::KEYS.iter().any(|k| rest.starts_with(&format!("{k}:"))) => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        SiteConfig::parse(&all, "site.yaml").unwrap_or_else(|e| panic!("{}\n{all}", e[0].render(false)));
    }

    #[test]
    fn options_are_written_as_yaml_and_checked() {
        let options = InitOptions {
            title: Some("Alliance: the briefs".into()),
            base_url: Some("https://example.org/policy/".into()),
            language: Some("ko".into()),
        };
        let config = SiteConfig::parse(&files(&options)[0].text, "site.yaml").unwrap();
        assert_eq!(config.title, "Alliance: the briefs");
        assert_eq!(config.base_url.origin.as_deref(), Some("https://example.org"));
        assert_eq!(config.language, "ko");
        let dir = Path::new("x");
        let bad = |o: InitOptions| plan(dir, &o, "2025-11-04").unwrap_err().message;
        assert!(bad(InitOptions { language: Some("Korean".into()), ..Default::default() }).contains("--language"));
        assert!(bad(InitOptions { base_url: Some("example.org".into()), ..Default::default() }).contains("--base-url"));
    }

    #[test]
    fn the_workflow_is_the_repository_one_with_its_own_header() {
        let workflow = &files(&InitOptions::default())[4].text;
        assert!(workflow.starts_with("# Publishes the site"), "{workflow}");
        assert!(workflow.contains("\nname: Publish briefs\n") && workflow.contains("briefing check"), "{workflow}");
        assert!(!workflow.contains("Copy this file"), "{workflow}");
    }
}
