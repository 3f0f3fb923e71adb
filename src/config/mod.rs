//! `site.yaml`: optional; every key has a default. Here the settings; `read` reads the file.

mod read;

pub use read::KEYS;

#[derive(Debug, Clone, PartialEq, Hash)]
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
    /// Where a time written without a zone happened (`timezone: Asia/Seoul`).
    pub timezone: crate::date::Zone,
    /// Bibliography files, relative to the site root (`references.bib`, `zotero.json`).
    pub bibliography: Vec<String>,
    /// A CSL style bundled with hayagriva (`chicago-author-date`, `apa`, `chicago-notes`…).
    pub citation_style: String,
    /// The site's other languages (`languages: {ko: {title: …}}`), in the order written; the
    /// default `language` is not among them. Their pages live under `/<code>/`.
    pub languages: Vec<LanguageConfig>,
    /// The languages every brief of the default language should have a version in
    /// (`translations: {required: [ko]}`): a missing one is a warning.
    pub required_translations: Vec<String>,
    /// How long a brief stays current after its review (`review_every: 12 months`); a section's
    /// `_index.md` or the brief may say otherwise. None: briefs are not reviewed.
    pub review_every: Option<crate::date::Period>,
    /// The paper pages are printed on (`paper: A4`): the `@page` size of every page.
    pub paper: Paper,
    /// Dossiers of the site's briefs (`reports:`), each a page `/reports/<id>/` and a PDF.
    pub reports: Vec<crate::report::ReportSpec>,
}

/// A paper size a browser knows by name in CSS `@page { size: … }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    #[default]
    A4,
    A5,
    A3,
    Letter,
    Legal,
}

impl Paper {
    /// Every size, as written in `site.yaml` and in CSS.
    pub const ALL: [Paper; 5] = [Paper::A4, Paper::A5, Paper::A3, Paper::Letter, Paper::Legal];

    /// The size's name in CSS (`A4`, `letter`).
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A5 => "A5",
            Paper::A3 => "A3",
            Paper::Letter => "letter",
            Paper::Legal => "legal",
        }
    }

    /// `A4`, `a4`, `Letter`…: the name in any case.
    pub fn parse(name: &str) -> Option<Paper> {
        Paper::ALL.into_iter().find(|p| p.css().eq_ignore_ascii_case(name.trim()))
    }
}

#[derive(Debug, Clone, PartialEq, Hash)]
pub struct LanguageConfig {
    /// The language tag (`ko`): the URL prefix and the file-name suffix (`x.ko.md`).
    pub code: String,
    /// The site's title and description in this language; the default's when absent.
    pub title: Option<String>,
    pub description: Option<String>,
}

impl SiteConfig {
    /// The site's title in language `lang` (0: the default).
    pub fn title_in(&self, lang: usize) -> &str {
        self.other_language(lang).and_then(|l| l.title.as_deref()).unwrap_or(&self.title)
    }

    pub fn description_in(&self, lang: usize) -> &str {
        self.other_language(lang).and_then(|l| l.description.as_deref()).unwrap_or(&self.description)
    }

    fn other_language(&self, lang: usize) -> Option<&LanguageConfig> {
        self.languages.get(lang.checked_sub(1)?)
    }
}

/// `ko`, `en-US`, `zh-Hant`: a BCP 47 tag as far as a URL segment and a file suffix need.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[derive(Debug, Clone, PartialEq, Hash)]
pub struct TaxonomyConfig {
    /// The front-matter key and the URL segment (`topics`).
    pub name: String,
    /// The display name (`Actors and institutions`).
    pub title: String,
    /// Its name in the site's other languages (`titles: {ko: 행위자와 기관}`).
    pub titles: Vec<(String, String)>,
    /// Every term must have a record (`content/<name>/<id>.md`).
    pub closed: bool,
    /// Whether the names of its records are looked for in brief bodies.
    pub mentions: bool,
}

impl TaxonomyConfig {
    pub fn new(name: &str, title: &str) -> TaxonomyConfig {
        TaxonomyConfig { name: name.into(), title: title.into(), titles: Vec::new(), closed: false, mentions: true }
    }
}

/// `base_url` split into the origin (for absolute URLs in feeds) and the path every internal link
/// starts with (`/policy/`).
#[derive(Debug, Clone, PartialEq, Hash)]
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
                TaxonomyConfig::new("topics", "Topics"),
                TaxonomyConfig::new("actors", "Actors"),
                TaxonomyConfig::new("authors", "Authors"),
            ],
            paginate_by: 20,
            raw_html: false,
            broken_links_warn: false,
            feed_limit: 20,
            feed_full_content: false,
            timezone: crate::date::Zone::Utc,
            bibliography: Vec::new(),
            citation_style: "chicago-author-date".into(),
            languages: Vec::new(),
            required_translations: Vec::new(),
            review_every: None,
            paper: Paper::A4,
            reports: Vec::new(),
        }
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
        let config = SiteConfig::parse(
            "taxonomies:\n  - topics\n  - {name: actors, title: Actors and institutions}\n",
            "site.yaml",
        )
        .unwrap();
        assert_eq!(config.taxonomies[0], TaxonomyConfig::new("topics", "Topics"));
        assert_eq!(config.taxonomies[1].title, "Actors and institutions");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_positioned_errors() {
        let parse = |text: &str| SiteConfig::parse(text, "site.yaml");
        let errors = parse("title: T\ntitel: x\n").unwrap_err();
        let out = errors[0].render(false);
        assert!(out.contains("unknown key `titel`") && out.contains("site.yaml:2:1"), "{out}");
        assert!(out.contains("did you mean `title`?"), "{out}");
        let out = parse("paginate_by: 0\n").unwrap_err()[0].render(false);
        assert!(out.contains("site.yaml:1:14"), "{out}");
        let out = parse("title: A\npaginate_by: many\n").unwrap_err()[0].render(false);
        assert!(out.contains("site.yaml:2:14") && out.contains("wrong-type"), "{out}");
        assert!(parse("taxonomies: [Topics]\n").is_err());
        let out = parse("title: [a\n").unwrap_err()[0].render(false);
        assert!(out.contains("error[yaml]") && out.contains("site.yaml:"), "{out}");
        assert!(parse("broken_links: warn\n").unwrap().broken_links_warn);
    }

    #[test]
    fn paper_is_a_size_css_names_in_any_case() {
        let parse = |text: &str| SiteConfig::parse(text, "site.yaml");
        assert_eq!(parse("title: T\n").unwrap().paper, Paper::A4);
        assert_eq!(parse("paper: letter\n").unwrap().paper.css(), "letter");
        assert_eq!(parse("paper: Letter\n").unwrap().paper, Paper::Letter);
        assert_eq!(parse("paper: a4\n").unwrap().paper.css(), "A4");
        let out = parse("title: T\npaper: leter\n").unwrap_err()[0].render(false);
        assert!(out.contains("`paper: leter` is not a paper size") && out.contains("site.yaml:2:8"), "{out}");
        assert!(out.contains("did you mean `paper: letter`?"), "{out}");
        let out = parse("paper: tabloid\n").unwrap_err()[0].render(false);
        assert!(out.contains("write one of A4, A5, A3, letter, legal"), "{out}");
        let out = parse("paper: [A4]\n").unwrap_err()[0].render(false);
        assert!(out.contains("wrong-type") && out.contains("site.yaml:1:8"), "{out}");
    }
}
