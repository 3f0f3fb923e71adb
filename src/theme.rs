//! The default theme, embedded in the binary so a site without `themes/` builds. A site's
//! `themes/<name>/` overrides it file by file.

use std::collections::BTreeMap;
use std::path::Path;

/// Every file of `themes/default/`, by path inside the theme folder.
pub const DEFAULT_THEME: &[(&str, &[u8])] = &[
    ("i18n/en.yaml", include_bytes!("../themes/default/i18n/en.yaml")),
    ("i18n/ko.yaml", include_bytes!("../themes/default/i18n/ko.yaml")),
    ("static/favicon.svg", include_bytes!("../themes/default/static/favicon.svg")),
    ("static/feed.xsl", include_bytes!("../themes/default/static/feed.xsl")),
    ("static/search.js", include_bytes!("../themes/default/static/search.js")),
    ("static/sources.js", include_bytes!("../themes/default/static/sources.js")),
    ("static/style.css", include_bytes!("../themes/default/static/style.css")),
    ("static/timeline.js", include_bytes!("../themes/default/static/timeline.js")),
    ("templates/404.html", include_bytes!("../themes/default/templates/404.html")),
    ("templates/base.html", include_bytes!("../themes/default/templates/base.html")),
    ("templates/components.html", include_bytes!("../themes/default/templates/components.html")),
    ("templates/event.html", include_bytes!("../themes/default/templates/event.html")),
    ("templates/events.html", include_bytes!("../themes/default/templates/events.html")),
    ("templates/index.html", include_bytes!("../themes/default/templates/index.html")),
    ("templates/page.html", include_bytes!("../themes/default/templates/page.html")),
    ("templates/report.html", include_bytes!("../themes/default/templates/report.html")),
    ("templates/reports.html", include_bytes!("../themes/default/templates/reports.html")),
    ("templates/search.html", include_bytes!("../themes/default/templates/search.html")),
    ("templates/section.html", include_bytes!("../themes/default/templates/section.html")),
    ("templates/source.html", include_bytes!("../themes/default/templates/source.html")),
    ("templates/sources.html", include_bytes!("../themes/default/templates/sources.html")),
    ("templates/taxonomy_list.html", include_bytes!("../themes/default/templates/taxonomy_list.html")),
    ("templates/taxonomy_term.html", include_bytes!("../themes/default/templates/taxonomy_term.html")),
    ("templates/timeline.html", include_bytes!("../themes/default/templates/timeline.html")),
];

/// The theme of one site: the embedded default files overlaid with the site's own.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`page.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Template name → the file it came from, as messages show it.
    pub template_files: BTreeMap<String, String>,
    /// Path under `static/` (`style.css`) → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// The words of the theme's interface per language (`i18n/ko.yaml`): language → key → text.
    /// A site's file replaces the keys it lists.
    pub words: BTreeMap<String, BTreeMap<String, String>>,
    fingerprint: std::sync::OnceLock<u64>,
}

impl Theme {
    /// Loads the theme `name`: the default theme, then `site_theme_dir` (if it exists) on top.
    pub fn load(name: &str, site_theme_dir: &Path) -> Result<Theme, String> {
        let mut theme = Theme::default();
        for (path, bytes) in DEFAULT_THEME {
            theme.add(path, bytes.to_vec(), format!("themes/default/{path} (built in)"))?;
        }
        if !site_theme_dir.is_dir() {
            if name != "default" {
                return Err(format!("theme `{name}` not found: there is no folder {}", site_theme_dir.display()));
            }
            return Ok(theme);
        }
        for entry in walkdir::WalkDir::new(site_theme_dir).follow_links(false).sort_by_file_name() {
            let entry = entry.map_err(|e| format!("cannot read theme {}: {e}", site_theme_dir.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(site_theme_dir).unwrap_or(entry.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.split('/').any(crate::discover::is_ignored_name) {
                continue;
            }
            let bytes =
                std::fs::read(entry.path()).map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
            theme.add(&rel, bytes, format!("themes/{name}/{rel}"))?;
        }
        Ok(theme)
    }

    /// A hash of every file of the theme: a new theme renders every page again.
    pub fn fingerprint(&self) -> u64 {
        *self.fingerprint.get_or_init(|| crate::hash::of(&(&self.templates, &self.static_files, &self.words)))
    }

    fn add(&mut self, path: &str, bytes: Vec<u8>, shown: String) -> Result<(), String> {
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8(bytes).map_err(|_| format!("template `{name}` is not UTF-8"))?;
            self.templates.insert(name.to_string(), text);
            self.template_files.insert(name.to_string(), shown);
        } else if let Some(name) = path.strip_prefix("static/") {
            self.static_files.insert(name.to_string(), bytes);
        } else if let Some(lang) = path.strip_prefix("i18n/").and_then(|n| n.strip_suffix(".yaml")) {
            let words: BTreeMap<String, String> = serde_yaml::from_slice(&bytes).map_err(|e| {
                format!("{shown}: {e}; write one `key: text` per line, as in the default theme's i18n/en.yaml")
            })?;
            self.words.entry(lang.to_string()).or_default().extend(words);
        }
        Ok(())
    }

    /// The theme's words in a language (`ko`, else its primary tag `ko` of `ko-KR`), each key
    /// missing there taken from English.
    pub fn words(&self, lang: &str) -> BTreeMap<&str, &str> {
        let primary = lang.split('-').next().unwrap_or(lang);
        let own = self.words.get(lang).or_else(|| self.words.get(primary));
        let mut words: BTreeMap<&str, &str> = BTreeMap::new();
        for table in self.words.get("en").into_iter().chain(own) {
            words.extend(table.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_lists_exactly_the_files_of_the_default_theme() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = DEFAULT_THEME.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn the_serif_stack_takes_hangul_from_a_korean_serif_before_latin_fallbacks_and_korean_sans() {
        let css = DEFAULT_THEME.iter().find(|(p, _)| *p == "static/style.css").unwrap().1;
        let css = std::str::from_utf8(css).unwrap();
        let stack = css.lines().find_map(|l| l.trim().strip_prefix("--serif:")).expect("a --serif stack");
        let fonts: Vec<&str> = stack.trim_end_matches(';').split(',').map(|f| f.trim().trim_matches('"')).collect();
        let at =
            |name: &str| fonts.iter().position(|f| *f == name).unwrap_or_else(|| panic!("{name} not in {fonts:?}"));
        // Hangul takes the first font that has it: the Korean serif comes before Georgia (a Latin
        // fallback, without Hangul) and before each system's Korean sans…
        for later in ["Georgia", "Apple SD Gothic Neo", "Malgun Gothic"] {
            assert!(at("Hangul Serif") < at(later), "{fonts:?}");
        }
        assert!(at("AppleMyungjo") < at("Apple SD Gothic Neo") && at("Batang") < at("Malgun Gothic"), "{fonts:?}");
        // …and is each system's myeongjo, for Hangul only (Latin text keeps its serif).
        let faces: Vec<&str> = css.lines().filter(|l| l.contains("font-family: \"Hangul Serif\"")).collect();
        assert_eq!(faces.len(), 2, "a regular and a bold face");
        for face in faces {
            for font in ["AppleMyungjo", "NotoSerifCJKkr-", "NanumMyeongjo", "Batang"] {
                assert!(face.contains(&format!("local(\"{font}")), "{font} missing: {face}");
            }
            assert!(face.contains("unicode-range: U+1100-11FF, U+3130-318F, U+A960-A97F, U+AC00-D7A3"), "{face}");
        }
    }
}
