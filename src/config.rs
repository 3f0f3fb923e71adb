//! `site.yaml`: optional; every key has a default.

use std::path::Path;

use serde::Deserialize;

use crate::yaml;

#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    pub base_url: BaseUrl,
    pub language: String,
    pub theme: String,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub paginate_by: usize,
    pub raw_html: bool,
    /// `broken_links: warn` downgrades broken internal links to warnings.
    pub broken_links_warn: bool,
    /// How many of the newest briefs each Atom feed holds.
    pub feed_limit: usize,
    /// Whether feed entries carry the whole brief or only its summary.
    pub feed_full_content: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaxonomyConfig {
    /// The front-matter key and the URL segment (`topics`).
    pub name: String,
    /// The display name (`Actors and institutions`).
    pub title: String,
}

/// `base_url` split into the origin (for absolute URLs in feeds) and the path every internal link
/// starts with (`/policy/`).
#[derive(Debug, Clone, PartialEq)]
pub struct BaseUrl {
    pub origin: Option<String>,
    pub path: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let text = text.trim();
        let (origin, path) = if let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))
        {
            let scheme_len = text.len() - rest.len();
            let host_end = rest.find('/').unwrap_or(rest.len());
            if host_end == 0 {
                return Err(format!("`{text}` has no host"));
            }
            (Some(text[..scheme_len + host_end].to_string()), &rest[host_end..])
        } else if text.starts_with('/') || text.is_empty() {
            (None, text)
        } else {
            return Err(format!(
                "`{text}` is neither an absolute URL (`https://example.org/policy/`) nor a path (`/policy/`)"
            ));
        };
        if path.contains(['?', '#', ' ']) || path.split('/').any(|s| s == "..") {
            return Err(format!("the path of `{text}` may not hold `?`, `#`, spaces or `..`"));
        }
        let mut path = format!("/{}", path.trim_matches('/'));
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(BaseUrl { origin, path })
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Briefs".into(),
            description: String::new(),
            base_url: BaseUrl { origin: None, path: "/".into() },
            language: "en".into(),
            theme: "default".into(),
            taxonomies: vec![
                TaxonomyConfig { name: "topics".into(), title: "Topics".into() },
                TaxonomyConfig { name: "actors".into(), title: "Actors".into() },
            ],
            paginate_by: 20,
            raw_html: false,
            broken_links_warn: false,
            feed_limit: 20,
            feed_full_content: false,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    taxonomies: Option<Vec<RawTaxonomy>>,
    paginate_by: Option<usize>,
    raw_html: Option<bool>,
    broken_links: Option<BrokenLinks>,
    feed_limit: Option<usize>,
    feed_content: Option<FeedContent>,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum FeedContent {
    Summary,
    Full,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawTaxonomy {
    Name(String),
    Full { name: String, title: Option<String> },
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum BrokenLinks {
    Error,
    Warn,
}

/// Names a taxonomy may not take: they are URLs the build writes itself.
const RESERVED_NAMES: &[&str] = &["page", "search", "static", "tags-index", "404"];

impl SiteConfig {
    /// Reads `site.yaml` from `root`; a missing file means all defaults.
    pub fn load(root: &Path) -> Result<SiteConfig, String> {
        let path = root.join("site.yaml");
        match std::fs::read_to_string(&path) {
            Ok(text) => SiteConfig::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SiteConfig::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    pub fn parse(text: &str) -> Result<SiteConfig, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Ok(SiteConfig::default());
        }
        let raw: RawConfig = yaml::parse(text).map_err(|e| match (e.line, e.column) {
            (Some(l), Some(c)) => format!("{l}:{c}: {}", e.message),
            _ => e.message,
        })?;
        let mut config = SiteConfig::default();
        if let Some(title) = raw.title {
            config.title = title;
        }
        config.description = raw.description.unwrap_or_default();
        if let Some(base) = raw.base_url {
            config.base_url = BaseUrl::parse(&base).map_err(|e| format!("base_url: {e}"))?;
        }
        if let Some(language) = raw.language {
            config.language = language;
        }
        if let Some(theme) = raw.theme {
            if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
                return Err(format!("theme: `{theme}` must be the name of a folder under themes/"));
            }
            config.theme = theme;
        }
        if let Some(list) = raw.taxonomies {
            config.taxonomies = Vec::new();
            for item in list {
                let (name, title) = match item {
                    RawTaxonomy::Name(name) => (name, None),
                    RawTaxonomy::Full { name, title } => (name, title),
                };
                if name.is_empty() || crate::slug::slugify(&name) != name || RESERVED_NAMES.contains(&name.as_str()) {
                    return Err(format!("taxonomies: `{name}` must be a lower-case slug such as `topics`, and not one of {RESERVED_NAMES:?}"));
                }
                if config.taxonomies.iter().any(|t| t.name == name) {
                    return Err(format!("taxonomies: `{name}` is listed twice"));
                }
                let title = title.unwrap_or_else(|| humanise(&name));
                config.taxonomies.push(TaxonomyConfig { name, title });
            }
        }
        if let Some(n) = raw.paginate_by {
            if n == 0 {
                return Err("paginate_by: must be at least 1".into());
            }
            config.paginate_by = n;
        }
        config.raw_html = raw.raw_html.unwrap_or(false);
        config.broken_links_warn = raw.broken_links == Some(BrokenLinks::Warn);
        if let Some(n) = raw.feed_limit {
            config.feed_limit = n;
        }
        config.feed_full_content = raw.feed_content == Some(FeedContent::Full);
        Ok(config)
    }
}

/// `cost-sharing` → `Cost sharing`: the title of a folder or taxonomy that has none of its own.
pub fn humanise(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_forms() {
        let cases = [
            ("/", None, "/"),
            ("", None, "/"),
            ("/policy", None, "/policy/"),
            ("https://example.org", Some("https://example.org"), "/"),
            ("https://example.org/policy/", Some("https://example.org"), "/policy/"),
            ("http://localhost:1111/a/b", Some("http://localhost:1111"), "/a/b/"),
        ];
        for (input, origin, path) in cases {
            let base = BaseUrl::parse(input).unwrap();
            assert_eq!(base.origin.as_deref(), origin, "{input}");
            assert_eq!(base.path, path, "{input}");
        }
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("/a/../b").is_err());
    }

    #[test]
    fn taxonomies_accept_names_and_maps() {
        let config =
            SiteConfig::parse("taxonomies:\n  - topics\n  - {name: actors, title: Actors and institutions}\n").unwrap();
        assert_eq!(config.taxonomies[0], TaxonomyConfig { name: "topics".into(), title: "Topics".into() });
        assert_eq!(config.taxonomies[1].title, "Actors and institutions");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(SiteConfig::parse("titel: x\n").unwrap_err().contains("titel"));
        assert!(SiteConfig::parse("paginate_by: 0\n").is_err());
        assert!(SiteConfig::parse("taxonomies: [Topics]\n").is_err());
        assert!(SiteConfig::parse("broken_links: warn\n").unwrap().broken_links_warn);
    }
}
