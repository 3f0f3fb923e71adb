//! `briefing new`: a new brief's file, made from the site's archetype (`archetypes/brief.md`, a
//! Tera template) or the built-in one, never over an existing file.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::diagnostics::{Code, Diagnostic, EnvError, Location, SourceText};
use crate::site::Site;
use crate::slug::slugify;

/// The archetype used when the site has none.
pub const BUILTIN_ARCHETYPE: &str = include_str!("brief.md");
/// Where a site keeps its own, relative to the site folder.
pub const ARCHETYPE_FILE: &str = "archetypes/brief.md";

/// `[SECTION/]NAME` as given on the command line, NFC: the brief is `content/SECTION/NAME.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The folder under `content/` (`briefs/2025`), `""` for `content/` itself.
    pub section: String,
    /// The file stem.
    pub name: String,
}

impl Target {
    /// Reads `briefs/opcon-transfer` (a leading `content/` and a trailing `.md` are allowed);
    /// refuses what the build would ignore or a file system could not hold.
    pub fn parse(text: &str) -> Result<Target, EnvError> {
        let text: String = text.trim().nfc().collect();
        let text = text.strip_prefix("content/").unwrap_or(&text);
        let text = crate::discover::markdown_stem(text).unwrap_or(text);
        let parts: Vec<&str> = text.split('/').collect();
        for part in &parts {
            let problem = if part.is_empty() {
                Some("an empty folder or file name")
            } else if *part == "." || *part == ".." {
                Some("`.` or `..`")
            } else if crate::discover::is_ignored_name(part) {
                Some("a name the build ignores (hidden, or an editor's temporary file)")
            } else if part.chars().any(|c| c.is_control() || r#"\:*?"<>|"#.contains(c)) {
                Some(r#"a character a file name cannot hold on every system (\ : * ? " < > |)"#)
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(EnvError::new(format!("`{text}` holds {problem}"))
                    .help("write [SECTION/]NAME, such as `briefs/opcon-transfer`"));
            }
        }
        let (name, section) = parts.split_last().expect("split gives one part at least");
        Ok(Target { section: section.join("/"), name: name.to_string() })
    }

    /// The file's path under `content/`.
    pub fn rel_path(&self) -> String {
        match self.section.as_str() {
            "" => format!("{}.md", self.name),
            section => format!("{section}/{}.md", self.name),
        }
    }
}

/// `opcon-transfer` → `opcon transfer`.
pub fn default_title(name: &str) -> String {
    name.replace('-', " ")
}

/// A file in the brief's folder that the new one would clash with: the same name in another
/// case, normalisation or Markdown extension, or a folder of that name (its section page).
pub fn clash(folder: &Path, name: &str) -> Option<String> {
    let wanted = name.to_lowercase();
    let entries = std::fs::read_dir(folder).ok()?;
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let file: String = e.file_name().to_string_lossy().nfc().collect();
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            let stem = if is_dir { Some(file.as_str()) } else { crate::discover::markdown_stem(&file) };
            (stem?.to_lowercase() == wanted).then(|| if is_dir { format!("{file}/") } else { file.clone() })
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// What an archetype sees.
#[derive(Debug, Serialize)]
pub struct ArchetypeContext<'a> {
    pub title: &'a str,
    /// Today, `2025-11-04`, in the site's `timezone`.
    pub date: &'a str,
    pub name: &'a str,
    pub section: &'a str,
    /// Every taxonomy of the site in order, with the terms given for it (maybe none).
    pub taxonomies: Vec<TaxonomyTerms<'a>>,
    /// The same by name: `terms.topics`.
    pub terms: BTreeMap<&'a str, &'a [String]>,
}

#[derive(Debug, Serialize)]
pub struct TaxonomyTerms<'a> {
    pub name: &'a str,
    pub terms: &'a [String],
}

impl<'a> ArchetypeContext<'a> {
    pub fn new(
        title: &'a str,
        date: &'a str,
        target: &'a Target,
        taxonomies: &'a [(String, Vec<String>)],
    ) -> ArchetypeContext<'a> {
        ArchetypeContext {
            title,
            date,
            name: &target.name,
            section: &target.section,
            taxonomies: taxonomies.iter().map(|(name, terms)| TaxonomyTerms { name, terms }).collect(),
            terms: taxonomies.iter().map(|(name, terms)| (name.as_str(), terms.as_slice())).collect(),
        }
    }
}

/// Renders an archetype (`file` names it in messages). Besides Tera's filters it has `yaml`,
/// which writes a text or a list of texts as YAML that reads back as it was.
pub fn render(file: &str, archetype: &str, context: &ArchetypeContext) -> Result<String, Diagnostic> {
    let source = SourceText::shared(archetype);
    let failed = |e: tera::Error| {
        let (message, span) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                (r.message().to_string(), r.span().range.clone())
            }
            _ => (e.to_string(), 0..0),
        };
        Diagnostic::error(Code::Template, format!("the archetype cannot be rendered: {message}"))
            .at(Location::new(file, source.clone(), span))
            .help("it is a Tera template that gets `title`, `date`, `name`, `section`, `taxonomies` and `terms`")
    };
    let mut tera = tera::Tera::new();
    tera.register_filter("yaml", yaml_filter);
    tera.add_raw_template("brief.md", archetype).map_err(failed)?;
    let context = tera::Context::from_serialize(context).map_err(failed)?;
    tera.render("brief.md", &context).map_err(failed)
}

fn yaml_filter(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> String {
    match serde_json::to_value(&value).unwrap_or_default() {
        serde_json::Value::String(s) => crate::yaml::scalar(&s),
        serde_json::Value::Array(items) => {
            let texts: Vec<String> =
                items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string)).collect();
            crate::yaml::flow_list(&texts)
        }
        other => other.to_string(),
    }
}

/// Writes a new file, with its folders; never replaces one (`create_new`).
pub fn create(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    std::io::Write::write_all(&mut file, text.as_bytes())
}

/// A warning for each given term that no brief or record uses yet but that is close to one that
/// is: likely a misspelling. A term far from every other is taken as meant. `text` is the new
/// file (shown as `file`), where the warning points.
pub fn close_terms(site: &Site, given: &[(String, Vec<String>)], file: &str, text: &str) -> Vec<Diagnostic> {
    let source = SourceText::shared(text);
    let mut warnings = Vec::new();
    for (name, terms) in given {
        let Some(t) = site.taxonomies.iter().position(|t| &t.name == name) else { continue };
        let known = known_terms(site, t);
        for term in terms {
            let slug = slugify(term);
            if slug.is_empty() || known.contains_key(&slug) {
                continue;
            }
            let Some(close) = crate::suggest::closest(&slug, known.keys().map(String::as_str)) else { continue };
            let span = place_of(text, name, term);
            warnings.push(
                Diagnostic::warning(Code::TermVariant, format!("the {name} term `{term}` is used by no brief yet"))
                    .at_opt(span.map(|s| Location::new(file, Arc::clone(&source), s)))
                    .help(format!("did you mean `{}`? If so, correct it in the file", known[close])),
            );
        }
    }
    warnings
}

/// Every slug a term of taxonomy `t` goes by (its own, other spellings briefs used, its record's
/// names), with the label the site shows for it.
fn known_terms(site: &Site, t: usize) -> BTreeMap<String, String> {
    let mut known = BTreeMap::new();
    for term in &site.taxonomies[t].terms {
        known.insert(term.slug.clone(), term.label.clone());
        for spelling in &term.spellings {
            known.insert(spelling.clone(), term.label.clone());
        }
    }
    for record in site.records.iter().filter(|r| r.taxonomy == t) {
        let title = &record.parsed.facts.title;
        let fields = record.fields();
        let names = fields.names.iter().map(|(_, n)| &n.value).chain(fields.aka.iter().map(|a| &a.value));
        for name in names.chain([title]) {
            known.entry(slugify(name)).or_insert_with(|| title.clone());
        }
    }
    known.remove("");
    known
}

/// Where `term` is written in the new file: after the line of its taxonomy's key if it has one.
fn place_of(text: &str, taxonomy: &str, term: &str) -> Option<std::ops::Range<usize>> {
    let from = text.find(&format!("\n{taxonomy}:")).unwrap_or(0);
    let at = text[from..].find(term).map(|i| from + i).or_else(|| text.find(term))?;
    Some(at..at + term.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = |s: &str| Target::parse(s).map(|t| (t.section, t.name));
        assert_eq!(t("briefs/opcon-transfer").unwrap(), ("briefs".into(), "opcon-transfer".into()));
        assert_eq!(t("opcon").unwrap(), ("".into(), "opcon".into()));
        assert_eq!(t("content/briefs/2025/x.md").unwrap(), ("briefs/2025".into(), "x".into()));
        // Decomposed Hangul (as macOS writes names) is composed.
        let nfd: String = "주한미군".nfd().collect();
        assert_eq!(t(&format!("briefs/{nfd}")).unwrap().1, "주한미군");
        for bad in ["", "briefs/", "../x", "briefs/.x", "a//b", "x~", "a\\b", "a:b"] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Target::parse("briefs/x").unwrap().rel_path(), "briefs/x.md");
    }

    #[test]
    fn the_builtin_archetype_writes_front_matter_that_reads_back() {
        let target = Target::parse("briefs/usfk").unwrap();
        let taxonomies = vec![
            ("topics".to_string(), vec!["OPCON: transfer".to_string(), "전시작전통제권".into()]),
            ("actors".into(), vec![]),
        ];
        let context = ArchetypeContext::new("USFK's role, \"again\"", "2025-11-04", &target, &taxonomies);
        let text = render("built-in", BUILTIN_ARCHETYPE, &context).unwrap();
        let front = text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")).unwrap().0;
        let value: crate::yaml::Value = crate::yaml::parse(front).unwrap();
        assert_eq!(value["title"].as_str(), Some("USFK's role, \"again\""), "{text}");
        assert_eq!(value["draft"].as_bool(), Some(true), "{text}");
        assert_eq!(value["topics"][1].as_str(), Some("전시작전통제권"), "{text}");
        assert_eq!(value["topics"][0].as_str(), Some("OPCON: transfer"), "{text}");
        assert_eq!(value["actors"].as_sequence().map(Vec::len), Some(0), "{text}");
        assert!(text.contains("\ndate: 2025-11-04\n"), "{text}");
    }

    #[test]
    fn a_broken_archetype_is_an_error_at_its_place() {
        let target = Target::parse("x").unwrap();
        let context = ArchetypeContext::new("T", "2025-11-04", &target, &[]);
        let out = render("archetypes/brief.md", "---\ntitle: {{ titel }}\n---\n", &context).unwrap_err().render(false);
        assert!(out.contains("archetypes/brief.md:2:"), "{out}");
    }
}
