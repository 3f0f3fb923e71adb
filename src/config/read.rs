//! Reading `site.yaml`: every key checked, unknown keys and bad values reported positioned in the
//! file with a did-you-mean, like problems of the content.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic, LineIndex, Location, SourceText};
use crate::yaml::{self, KeySpans, Value};

use super::{humanise, is_language_tag, BaseUrl, LanguageConfig, Paper, SiteConfig, TaxonomyConfig};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    title: Option<String>,
    description: Option<String>,
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
    Full {
        name: String,
        title: Option<String>,
        #[serde(default)]
        titles: std::collections::BTreeMap<String, String>,
        #[serde(default)]
        closed: bool,
        #[serde(default = "yes")]
        mentions: bool,
    },
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum BrokenLinks {
    Error,
    Warn,
}

/// Names a taxonomy may not take: they are URLs the build writes itself.
const RESERVED_NAMES: &[&str] = &["page", "search", "static", "tags-index", "404"];

/// The keys of `site.yaml`.
pub const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "taxonomies",
    "paginate_by",
    "raw_html",
    "broken_links",
    "feed_limit",
    "feed_content",
    "timezone",
    "bibliography",
    "citation_style",
    "languages",
    "translations",
    "review_every",
    "paper",
    "reports",
];

impl SiteConfig {
    /// Reads `site.yaml` from `root`; a missing file means all defaults. Problems are
    /// positioned in the file, like problems of the content.
    pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let path = root.join("site.yaml");
        match std::fs::read(&path) {
            Ok(bytes) => {
                match String::from_utf8(bytes) {
                    // Replaced silently: a title or description is shown in every page and feed.
                    Ok(text) => SiteConfig::parse(&crate::text::clean(text).0, "site.yaml"),
                    Err(_) => Err(vec![Diagnostic::error(Code::NotUtf8, "`site.yaml` is not UTF-8 text")
                        .help("save the file as UTF-8")]),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SiteConfig::default()),
            Err(e) => Err(vec![Diagnostic::error(Code::Io, format!("cannot read `{}`: {e}", path.display()))]),
        }
    }

    /// Parses the text of `site.yaml` (shown as `file` in messages).
    pub fn parse(text: &str, file: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let source = SourceText::shared(text);
        let at = |span: Range<usize>| Location::new(file, source.clone(), span);
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let offset = text.len() - body.len();
        let mut config = SiteConfig::default();
        if body.trim().is_empty() {
            return Ok(config);
        }
        let mapping = match yaml::parse::<Value>(body) {
            Ok(Value::Mapping(m)) => m,
            Ok(Value::Null) => return Ok(config),
            Ok(_) => {
                return Err(vec![Diagnostic::error(Code::Config, "`site.yaml` must be a list of `key: value` lines")
                    .at(at(offset..offset))
                    .help("write e.g. `title: Alliance briefs`")])
            }
            Err(e) => {
                let index = LineIndex::new(body);
                let start = match (e.line, e.column) {
                    (Some(l), Some(c)) => offset + index.offset(body, l, c),
                    _ => offset,
                };
                let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                return Err(vec![Diagnostic::error(
                    Code::Yaml,
                    format!("`site.yaml` is not valid YAML: {}", e.message),
                )
                .at(at(start..end))
                .help("check indentation, and quote values that hold `: `")]);
            }
        };
        let keys = KeySpans::scan(text, &(offset..text.len()));
        let mut problems = Vec::new();
        for (key, mut value) in mapping {
            let Some(key) = key.as_str().map(str::to_owned) else { continue };
            yaml::clean_strings(&mut value);
            let span = keys.value(&key).unwrap_or(offset..offset);
            let mut fail = |code: Code, message: String, help: &str| {
                problems.push(Diagnostic::error(code, message).at(at(span.clone())).help(help));
            };
            macro_rules! typed {
                ($t:ty, $help:expr) => {
                    match yaml::from_value::<$t>(value.clone()) {
                        Ok(v) => Some(v),
                        Err(e) => {
                            fail(Code::WrongType, format!("`{key}`: {}", e.message), $help);
                            None
                        }
                    }
                };
            }
            match key.as_str() {
                "title" => {
                    config.title = typed!(String, "write e.g. `title: Alliance briefs`").unwrap_or(config.title.clone())
                }
                "description" => {
                    config.description = typed!(Option<String>, "write one line of text").flatten().unwrap_or_default()
                }
                "language" => match typed!(String, "write a language tag such as `en` or `ko`") {
                    Some(tag) if is_language_tag(tag.trim()) => config.language = tag.trim().to_string(),
                    Some(tag) => fail(
                        Code::Config,
                        format!("`language: {tag}` is not a language tag"),
                        "write a language tag such as `en`, `ko` or `en-GB`",
                    ),
                    None => {}
                },
                "languages" => {
                    let help = "write e.g. `languages: {ko: {title: 한미동맹 브리프}}`";
                    let entries = match &value {
                        Value::Null => Vec::new(),
                        Value::Mapping(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                        _ => {
                            fail(Code::WrongType, "`languages` must be a map of language tags".into(), help);
                            Vec::new()
                        }
                    };
                    for (code, language) in entries {
                        let code = code.as_str().unwrap_or_default().trim().to_string();
                        let language = match yaml::from_value::<Option<RawLanguage>>(language) {
                            Ok(l) => l,
                            Err(e) => {
                                fail(Code::WrongType, format!("`languages: {code}`: {}", e.message), help);
                                continue;
                            }
                        };
                        if !is_language_tag(&code) {
                            fail(Code::Config, format!("`languages`: `{code}` is not a language tag"), help);
                        } else if config.languages.iter().any(|l| l.code == code) {
                            fail(Code::Config, format!("`languages`: `{code}` is listed twice"), "remove one of them");
                        } else {
                            let language = language.unwrap_or(RawLanguage { title: None, description: None });
                            let text = |t: Option<String>| t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
                            config.languages.push(LanguageConfig {
                                code,
                                title: text(language.title),
                                description: text(language.description),
                            });
                        }
                    }
                }
                "base_url" => {
                    if let Some(base) = typed!(String, "write e.g. `base_url: https://example.org/policy/`") {
                        match BaseUrl::parse(&base) {
                            Ok(b) => config.base_url = b,
                            Err(e) => fail(
                                Code::Config,
                                format!("`base_url`: {e}"),
                                "write e.g. `https://example.org/policy/` or `/policy/`",
                            ),
                        }
                    }
                }
                "theme" => {
                    if let Some(theme) = typed!(String, "write the name of a folder under themes/") {
                        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
                            fail(
                                Code::Config,
                                format!("`theme: {theme}` must be the name of a folder under themes/"),
                                "write e.g. `theme: default`",
                            );
                        } else {
                            config.theme = theme;
                        }
                    }
                }
                "taxonomies" => {
                    if let Some(list) =
                        typed!(Vec<RawTaxonomy>, "write e.g. `taxonomies: [topics, {name: actors, title: Actors, closed: true, mentions: false}]`")
                    {
                        config.taxonomies = Vec::new();
                        for item in list {
                            let (name, title, titles, closed, mentions) = match item {
                                RawTaxonomy::Name(name) => (name, None, Default::default(), false, true),
                                RawTaxonomy::Full { name, title, titles, closed, mentions } => {
                                    (name, title, titles, closed, mentions)
                                }
                            };
                            if name.is_empty()
                                || crate::slug::slugify(&name) != name
                                || RESERVED_NAMES.contains(&name.as_str())
                            {
                                fail(Code::Config, format!("the taxonomy `{name}` must be a lower-case slug such as `topics`, and not one of {}", RESERVED_NAMES.join(", ")), "rename it");
                            } else if config.taxonomies.iter().any(|t| t.name == name) {
                                fail(
                                    Code::Config,
                                    format!("the taxonomy `{name}` is listed twice"),
                                    "remove one of them",
                                );
                            } else {
                                let title = title.unwrap_or_else(|| humanise(&name));
                                // An empty title in a language is no title: the default's is shown.
                                let titles = titles.into_iter().filter(|(_, t)| !t.trim().is_empty()).collect();
                                config.taxonomies.push(TaxonomyConfig { name, title, titles, closed, mentions });
                            }
                        }
                    }
                }
                "paginate_by" => match typed!(usize, "write a whole number such as 20") {
                    Some(0) => {
                        fail(Code::Config, "`paginate_by` must be at least 1".into(), "write a whole number such as 20")
                    }
                    Some(n) => config.paginate_by = n,
                    None => {}
                },
                "raw_html" => {
                    config.raw_html = typed!(bool, "write `raw_html: true` or `raw_html: false`").unwrap_or(false)
                }
                "broken_links" => {
                    config.broken_links_warn =
                        typed!(BrokenLinks, "write `broken_links: error` or `broken_links: warn`")
                            == Some(BrokenLinks::Warn)
                }
                "feed_limit" => {
                    config.feed_limit = typed!(usize, "write a whole number such as 20").unwrap_or(config.feed_limit)
                }
                "feed_content" => {
                    config.feed_full_content =
                        typed!(FeedContent, "write `feed_content: summary` or `feed_content: full`")
                            == Some(FeedContent::Full)
                }
                "translations" => {
                    #[derive(Deserialize)]
                    #[serde(deny_unknown_fields)]
                    struct Translations {
                        #[serde(default)]
                        required: Vec<String>,
                    }
                    if let Some(t) = typed!(Translations, "write e.g. `translations: {required: [ko]}`") {
                        let mut required = t.required;
                        required.sort_unstable();
                        required.dedup();
                        config.required_translations = required;
                    }
                }
                "review_every" => {
                    if let Some(text) = typed!(String, crate::date::PERIOD_ACCEPTED) {
                        match crate::date::Period::parse(&text) {
                            Some(period) => config.review_every = Some(period),
                            None => fail(
                                Code::Config,
                                format!("`review_every: {text}` is not a period"),
                                crate::date::PERIOD_ACCEPTED,
                            ),
                        }
                    }
                }
                "timezone" => {
                    if let Some(name) = typed!(String, "write an IANA name such as `Asia/Seoul`, or `+09:00`") {
                        match crate::date::Zone::parse(&name) {
                            Some(zone) => config.timezone = zone,
                            None => fail(
                                Code::Config,
                                format!("`timezone: {name}` is neither an IANA time zone nor an offset"),
                                "write e.g. `timezone: Asia/Seoul`, `timezone: UTC` or `timezone: +09:00`",
                            ),
                        }
                    }
                }
                "bibliography" => {
                    let list = match &value {
                        Value::String(one) => Some(vec![one.clone()]),
                        _ => typed!(Option<Vec<String>>, "write e.g. `bibliography: [references.bib]`")
                            .map(Option::unwrap_or_default),
                    };
                    for file in list.unwrap_or_default() {
                        let file = file.trim().to_string();
                        if file.is_empty() || Path::new(&file).is_absolute() {
                            fail(
                                Code::Config,
                                format!("`bibliography`: `{file}` must be a file path relative to the site folder"),
                                "write e.g. `bibliography: [references.bib]`",
                            );
                        } else if crate::library::read::format_of(&file).is_none() {
                            fail(
                                Code::Config,
                                format!("`bibliography`: `{file}` is not a format briefing reads"),
                                "name a `.bib` (BibLaTeX), `.json` (CSL-JSON) or `.yaml` (Hayagriva) file",
                            );
                        } else {
                            config.bibliography.push(file);
                        }
                    }
                }
                "paper" => {
                    if let Some(name) = typed!(String, "write `paper: A4` or `paper: letter`") {
                        match Paper::parse(&name) {
                            Some(paper) => config.paper = paper,
                            None => {
                                let names: Vec<String> =
                                    Paper::ALL.iter().map(|p| p.css().to_ascii_lowercase()).collect();
                                let typed = name.trim().to_ascii_lowercase();
                                let help = match crate::suggest::closest(&typed, names.iter().map(String::as_str)) {
                                    Some(s) => {
                                        format!("did you mean `paper: {}`?", Paper::parse(s).map_or("A4", Paper::css))
                                    }
                                    None => format!("write one of {}", Paper::ALL.map(Paper::css).join(", ")),
                                };
                                fail(
                                    Code::Config,
                                    format!("`paper: {name}` is not a paper size briefing knows"),
                                    &help,
                                );
                            }
                        }
                    }
                }
                "reports" => {
                    let (reports, more) =
                        crate::report::spec::parse(&value, &source, file, span.clone(), config.timezone);
                    config.reports = reports;
                    problems.extend(more);
                }
                "citation_style" => {
                    if let Some(name) = typed!(String, "write e.g. `citation_style: chicago-author-date`") {
                        if crate::citations::Style::bundled(name.trim()).is_some() {
                            config.citation_style = name.trim().to_string();
                        } else {
                            let help = match crate::suggest::closest(&name, crate::citations::style_names()) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "name a style bundled with briefing, e.g. `chicago-author-date`, `chicago-notes`, `apa`, `ieee`, `harvard-cite-them-right`".into(),
                            };
                            fail(
                                Code::Config,
                                format!("`citation_style: {name}` is not a style briefing knows"),
                                &help,
                            );
                        }
                    }
                }
                _ => {
                    let help = match crate::suggest::closest(&key, KEYS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("the keys of site.yaml are {}", KEYS.join(", ")),
                    };
                    problems.push(
                        Diagnostic::error(Code::UnknownKey, format!("unknown key `{key}` in site.yaml"))
                            .at(at(keys.key(&key).unwrap_or(span.clone())))
                            .help(help),
                    );
                }
            }
        }
        // Listed as another language, the default would have two URLs for every page.
        if let Some(i) = config.languages.iter().position(|l| l.code == config.language) {
            let span = keys.value("languages").unwrap_or(offset..offset);
            problems.push(
                Diagnostic::error(
                    Code::Config,
                    format!("`languages` lists `{}`, the site's default `language`", config.languages[i].code),
                )
                .at(at(span))
                .help("list only the other languages; the default one has no URL prefix"),
            );
        }
        // A language's pages live under `/<code>/`: a taxonomy of that name would take it.
        for taxonomy in config.taxonomies.iter().filter(|t| config.languages.iter().any(|l| l.code == t.name)) {
            let span = keys.value("taxonomies").unwrap_or(offset..offset);
            problems.push(
                Diagnostic::error(
                    Code::Config,
                    format!("the taxonomy `{}` has the name of a language in `languages`", taxonomy.name),
                )
                .at(at(span))
                .help(format!("rename the taxonomy: the `{}` pages live under `/{}/`", taxonomy.name, taxonomy.name)),
            );
        }
        for code in &config.required_translations {
            if !config.languages.iter().any(|l| &l.code == code) {
                let span = keys.value("translations").unwrap_or(offset..offset);
                problems.push(
                    Diagnostic::error(
                        Code::Config,
                        format!("`translations: required` names `{code}`, which `languages` does not list"),
                    )
                    .at(at(span))
                    .help(format!("add `{code}` to `languages`, or remove it from `required`")),
                );
            }
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }
}
