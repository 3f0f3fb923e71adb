//! Parsing each file and assembling the parsed files into the content model of one build:
//! briefs with their URLs, sections and taxonomies. URLs of pages are made here and only here.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{humanise, SiteConfig};
use crate::diagnostics::{Diagnostic, Location};
use crate::discover::{Asset, SourceFile, Sources};
use crate::frontmatter::{self, FrontMatter};
use crate::markdown::{self, Analysis, WriteHtml};
use crate::slug::slugify;

pub type BriefId = usize;

/// One Markdown file after the per-file, pure stage.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub file: SourceFile,
    /// Shared, so that `watch` can keep parsed files and assemble a new site from them cheaply.
    pub front: Option<Arc<FrontMatter>>,
    pub body: Range<usize>,
    pub analysis: Arc<Analysis>,
    pub diagnostics: Vec<Diagnostic>,
    /// A hash of the file's text: what page signatures know of it.
    pub text_hash: u64,
    /// What the file alone decides, worked out here once rather than on every assembly.
    pub derived: Arc<Derived>,
}

/// Per-file facts that need only the file: its id, slugs, summary and term slugs.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    /// Source path without `.md` (`briefs/opcon-transfer`).
    pub id: String,
    pub folder: String,
    pub stem_slug: String,
    /// `slug:` when set, else the stem's slug.
    pub slug: String,
    pub summary: String,
    /// Per taxonomy name: `(slug, label)` of each term written, in order.
    pub terms: BTreeMap<String, Vec<(String, String)>>,
}

impl Parsed {
    pub fn is_section_index(&self) -> bool {
        self.file.rel_path == "_index.md" || self.file.rel_path.ends_with("/_index.md")
    }
}

/// Splits and parses one file; pure, so it can run in parallel and be cached by content.
/// `write_html`: also write the body's HTML, for a page that will render (see `markdown::analyse`).
pub fn parse_file(file: SourceFile, config: &SiteConfig, write_html: bool) -> Parsed {
    let text = file.text.clone();
    let location = |span: Range<usize>| Location::new(file.display.clone(), text.clone(), span);
    let mut diagnostics = Vec::new();
    let is_index = file.rel_path == "_index.md" || file.rel_path.ends_with("/_index.md");
    let (front, body) = match frontmatter::split(&text) {
        Ok(split) => {
            let (front, problems) = frontmatter::parse(&text, &split, &config.taxonomies, !is_index);
            for p in problems {
                let d = if p.warning {
                    Diagnostic::warning(p.code, p.message)
                } else {
                    Diagnostic::error(p.code, p.message)
                };
                let d = d.at(location(p.span));
                diagnostics.push(match p.help {
                    Some(h) => d.help(h),
                    None => d,
                });
            }
            (front, split.body)
        }
        Err(p) => {
            let mut d = Diagnostic::error(p.code, p.message).at(location(p.span));
            d.help = p.help;
            diagnostics.push(d);
            (None, text.len()..text.len())
        }
    };
    let write_html = if write_html { WriteHtml::Yes { raw_html: config.raw_html } } else { WriteHtml::No };
    let analysis = Arc::new(markdown::analyse(&text[body.clone()], body.start, write_html));
    let derived = Arc::new(derive(&file, front.as_ref(), &analysis));
    let text_hash = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        file.text.hash(&mut h);
        h.finish()
    };
    Parsed { file, front: front.map(Arc::new), body, analysis, diagnostics, text_hash, derived }
}

pub fn parse_all(markdown: Vec<SourceFile>, config: &SiteConfig, write_html: bool) -> Vec<Parsed> {
    markdown.into_par_iter().map(|file| parse_file(file, config, write_html)).collect()
}

#[derive(Debug, Clone)]
pub struct Brief {
    pub file: SourceFile,
    pub front: Arc<FrontMatter>,
    pub body: Range<usize>,
    pub analysis: Arc<Analysis>,
    pub text_hash: u64,
    /// Id, folder, slugs and summary: what the file alone decides.
    pub derived: Arc<Derived>,
    /// URL path from the site root, without the base path (`briefs/opcon-transfer/`).
    pub path: String,
    pub section: usize,
    /// `(taxonomy, term)` indexes of every term the brief names, deduplicated.
    pub terms: Vec<(usize, usize)>,
}

impl Brief {
    /// Source path under `content/` without `.md` (`briefs/opcon-transfer`): its id in the graph.
    pub fn id(&self) -> &str {
        &self.derived.id
    }

    /// The folder of its source file (`briefs`), against which relative links resolve.
    pub fn folder(&self) -> &str {
        &self.derived.folder
    }

    /// The effective slug (`slug:` when set, else the file stem's).
    pub fn slug(&self) -> &str {
        &self.derived.slug
    }

    pub fn stem_slug(&self) -> &str {
        &self.derived.stem_slug
    }

    /// The front-matter summary, or the start of the first paragraph.
    pub fn summary(&self) -> &str {
        &self.derived.summary
    }

    pub fn body_text(&self) -> &str {
        &self.file.text[self.body.clone()]
    }

    pub fn title(&self) -> &str {
        &self.front.title
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// Folder under `content/` (`""` for the root).
    pub folder: String,
    /// URL path from the site root (`briefs/`; `""` for the home page).
    pub path: String,
    pub title: String,
    /// The `_index.md` of the folder, if any: its body is the section's intro.
    pub index: Option<Parsed>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The briefs directly in this folder: by weight when set, then newest first.
    pub briefs: Vec<BriefId>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub title: String,
    /// Sorted by slug.
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub slug: String,
    /// The label authors wrote most often for this slug.
    pub label: String,
    /// Newest first.
    pub briefs: Vec<BriefId>,
}

/// A brief left out of the site (a draft, or one whose front-matter failed), kept so that links to
/// it get a precise message, or none at all when its own error was already reported.
#[derive(Debug, Clone)]
pub struct Absent {
    pub id: String,
    pub slugs: Vec<String>,
    pub is_draft: bool,
}

#[derive(Debug, Default)]
pub struct Site {
    pub briefs: Vec<Brief>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    pub assets: Vec<Asset>,
    pub absent: Vec<Absent>,
    /// Briefs whose front-matter failed: left out, but their links are still checked so that
    /// one run reports every problem.
    pub failed: Vec<Parsed>,
    /// Every brief, newest first.
    pub by_date: Vec<BriefId>,
    /// Each brief's position in `by_date`: ordering by it is an integer compare instead of
    /// comparing dates, titles and ids of briefs scattered in memory.
    pub rank: Vec<usize>,
}

/// Newest first; undated briefs last; then by title and id.
pub fn date_order(a: &Brief, b: &Brief) -> std::cmp::Ordering {
    b.front.date.cmp(&a.front.date).then_with(|| a.front.title.cmp(&b.front.title)).then_with(|| a.id().cmp(b.id()))
}

const SUMMARY_CHARS: usize = 280;

fn summary_of(front: &FrontMatter, analysis: &Analysis) -> String {
    if let Some(s) = &front.summary {
        return s.trim().to_string();
    }
    let Some(p) = &analysis.first_paragraph else {
        return String::new();
    };
    if p.chars().count() <= SUMMARY_CHARS {
        return p.clone();
    }
    let cut: String = p.chars().take(SUMMARY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

fn derive(file: &SourceFile, front: Option<&FrontMatter>, analysis: &Analysis) -> Derived {
    let id = file.rel_path.trim_end_matches(".md").to_string();
    let stem = id.rsplit('/').next().unwrap_or(&id);
    let stem_slug = slugify(stem);
    let folder = parent_folder(&file.rel_path).unwrap_or("").to_string();
    let Some(front) = front else {
        return Derived { slug: stem_slug.clone(), stem_slug, id, folder, ..Derived::default() };
    };
    let terms = front
        .terms
        .iter()
        .map(|(name, labels)| {
            let pairs = labels.iter().map(|l| (slugify(l.value.trim()), l.value.trim().to_string())).collect();
            (name.clone(), pairs)
        })
        .collect();
    Derived {
        slug: front.slug.as_ref().map_or(stem_slug.clone(), |s| s.value.clone()),
        summary: summary_of(front, analysis),
        stem_slug,
        id,
        folder,
        terms,
    }
}

/// Builds the content model from the parsed files. Drafts are left out unless `include_drafts`.
pub fn assemble(
    config: &SiteConfig,
    sources: Sources,
    parsed: Vec<Parsed>,
    include_drafts: bool,
) -> (Site, Vec<Diagnostic>) {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut site = Site { assets: sources.assets, ..Site::default() };

    // Sections: every folder, whether or not it has an `_index.md`.
    let mut section_of_folder: HashMap<String, usize> = HashMap::new();
    for folder in &sources.folders {
        let path = if folder.is_empty() { String::new() } else { format!("{}/", url_segments(folder)) };
        let parent = parent_folder(folder).and_then(|p| section_of_folder.get(p).copied());
        let name = folder.rsplit('/').next().unwrap_or("");
        let title = if folder.is_empty() { config.title.clone() } else { humanise(name) };
        let index = site.sections.len();
        if let Some(p) = parent {
            site.sections[p].children.push(index);
        }
        site.sections.push(Section {
            folder: folder.clone(),
            path,
            title,
            index: None,
            parent,
            children: vec![],
            briefs: vec![],
        });
        section_of_folder.insert(folder.clone(), index);
    }
    if site.sections.is_empty() {
        site.sections.push(Section {
            folder: String::new(),
            path: String::new(),
            title: config.title.clone(),
            index: None,
            parent: None,
            children: vec![],
            briefs: vec![],
        });
        section_of_folder.insert(String::new(), 0);
    }

    for p in parsed {
        diagnostics.extend(p.diagnostics.iter().cloned());
        let folder = parent_folder(&p.file.rel_path).unwrap_or("").to_string();
        let section = section_of_folder.get(&folder).copied().unwrap_or(0);
        if p.is_section_index() {
            if let Some(front) = &p.front {
                if !front.title.is_empty() {
                    site.sections[section].title = front.title.clone();
                }
            }
            site.sections[section].index = Some(p);
            continue;
        }
        let derived = p.derived.clone();
        let Derived { id, stem_slug, slug, .. } = &*derived;
        if p.front.is_none() {
            site.absent.push(Absent { id: id.clone(), slugs: vec![stem_slug.clone()], is_draft: false });
            site.failed.push(p);
            continue;
        }
        let Some(front) = p.front else { continue };
        if front.draft && !include_drafts {
            site.absent.push(Absent { id: id.clone(), slugs: vec![stem_slug.clone(), slug.clone()], is_draft: true });
            continue;
        }
        if slug.is_empty() {
            let stem = id.rsplit('/').next().unwrap_or(id);
            diagnostics.push(
                Diagnostic::error(
                    "bad-slug",
                    format!("the file name `{stem}` has no letters or digits to make a URL from"),
                )
                .at(Location::new(p.file.display.clone(), p.file.text.clone(), 0..0))
                .help("rename the file, or set `slug:` in the front-matter"),
            );
            continue;
        }
        let path = if folder.is_empty() { format!("{slug}/") } else { format!("{}/{slug}/", url_segments(&folder)) };
        site.briefs.push(Brief {
            file: p.file,
            front,
            body: p.body,
            analysis: p.analysis,
            path,
            section,
            terms: vec![],
            text_hash: p.text_hash,
            derived,
        });
    }

    check_url_collisions(config, &site, &mut diagnostics);
    // One sort by date; every other list is ordered by rank in it.
    let briefs = &site.briefs;
    site.by_date = (0..briefs.len()).collect();
    site.by_date.sort_by(|&a, &b| date_order(&briefs[a], &briefs[b]));
    site.rank = vec![0; briefs.len()];
    for (r, &b) in site.by_date.iter().enumerate() {
        site.rank[b] = r;
    }
    build_taxonomies(config, &mut site, &mut diagnostics);

    let briefs = &site.briefs;
    for (id, brief) in briefs.iter().enumerate() {
        site.sections[brief.section].briefs.push(id);
    }
    for section in &mut site.sections {
        // Briefs with a `weight` first (lightest first), then by date (newest first, then title
        // and id, so the order never depends on the file system).
        let rank = &site.rank;
        section.briefs.sort_unstable_by_key(|&b| (briefs[b].front.weight.is_none(), briefs[b].front.weight, rank[b]));
    }
    (site, diagnostics)
}

/// `briefs/a` → the URL segments of a folder: each one slugified, so folder names with spaces or
/// capitals still make clean URLs.
fn url_segments(folder: &str) -> String {
    folder
        .split('/')
        .map(|s| {
            let slug = slugify(s);
            if slug.is_empty() {
                "_".to_string()
            } else {
                slug
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

pub fn parent_folder(rel_path: &str) -> Option<&str> {
    if rel_path.is_empty() {
        return None;
    }
    Some(rel_path.rsplit_once('/').map_or("", |(head, _)| head))
}

/// Two sources that map to the same URL would overwrite each other: name both.
fn check_url_collisions(config: &SiteConfig, site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    // URL path → who owns it; described only when two collide.
    let mut owners: HashMap<String, String> = HashMap::new();
    for section in &site.sections {
        owners.insert(section.path.clone(), format!("the folder `content/{}`", section.folder));
    }
    for taxonomy in &config.taxonomies {
        owners.insert(format!("{}/", taxonomy.name), format!("the `{}` index", taxonomy.name));
    }
    owners.insert("search/".into(), "the search page".into());
    let mut brief_owner: HashMap<&str, BriefId> = HashMap::with_capacity(site.briefs.len());
    for (b, brief) in site.briefs.iter().enumerate() {
        let other = match (owners.get(&brief.path), brief_owner.get(brief.path.as_str())) {
            (Some(owner), _) => owner.clone(),
            (None, Some(&first)) => format!("`{}`", site.briefs[first].file.display),
            (None, None) => {
                brief_owner.insert(&brief.path, b);
                continue;
            }
        };
        diagnostics.push(
            Diagnostic::error(
                "duplicate-url",
                format!("`{}` and {other} both map to the URL `/{}`", brief.file.display, brief.path),
            )
            .at(Location::new(
                brief.file.display.clone(),
                brief.file.text.clone(),
                brief.front.slug.as_ref().map_or(0..0, |s| s.span.clone()),
            ))
            .help("rename one of the files, or give one of them another `slug:`"),
        );
    }
}

/// A term while it is being collected: each spelling with (times used, first use), and the
/// briefs that name it.
#[derive(Default)]
struct TermDraft {
    labels: HashMap<String, (usize, usize)>,
    briefs: Vec<BriefId>,
}

fn build_taxonomies(config: &SiteConfig, site: &mut Site, diagnostics: &mut Vec<Diagnostic>) {
    // Briefs are in file-path order here, so "first seen" is by file path.
    for (t, taxonomy) in config.taxonomies.iter().enumerate() {
        let mut terms: BTreeMap<String, TermDraft> = BTreeMap::new();
        let mut seen = 0;
        for (b, brief) in site.briefs.iter().enumerate() {
            let Some(labels) = brief.front.terms.get(&taxonomy.name) else {
                continue;
            };
            let slugs = &brief.derived.terms[&taxonomy.name];
            for (label, (slug, text)) in labels.iter().zip(slugs) {
                if slug.is_empty() {
                    diagnostics.push(
                        Diagnostic::error(
                            "bad-term",
                            format!("the {} term `{text}` has no letters or digits", taxonomy.name),
                        )
                        .at(Location::new(brief.file.display.clone(), brief.file.text.clone(), label.span.clone()))
                        .help("remove it, or write a term with letters, such as `OPCON transfer`"),
                    );
                    continue;
                }
                if !terms.contains_key(slug) {
                    terms.insert(slug.clone(), TermDraft::default());
                }
                let Some(draft) = terms.get_mut(slug) else { continue };
                seen += 1;
                match draft.labels.get_mut(text.as_str()) {
                    Some(used) => used.0 += 1,
                    None => {
                        draft.labels.insert(text.clone(), (1, seen));
                    }
                }
                if draft.briefs.last() != Some(&b) {
                    draft.briefs.push(b);
                }
            }
        }
        let mut list = Vec::with_capacity(terms.len());
        for (slug, TermDraft { labels, mut briefs }) in terms {
            let label = labels
                .into_iter()
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
                .map(|(l, _)| l)
                .unwrap_or_default();
            let term = list.len();
            for &b in &briefs {
                site.briefs[b].terms.push((t, term));
            }
            briefs.sort_unstable_by_key(|&b| site.rank[b]);
            list.push(Term { slug, label, briefs });
        }
        site.taxonomies.push(crate::site::Taxonomy {
            name: taxonomy.name.clone(),
            title: taxonomy.title.clone(),
            terms: list,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile { rel_path: rel.into(), display: format!("content/{rel}"), text: Arc::from(text) }
    }

    fn site_of(files: &[(&str, &str)], folders: &[&str]) -> (Site, Vec<Diagnostic>) {
        let config = SiteConfig::default();
        let parsed = files.iter().map(|(r, t)| parse_file(file(r, t), &config, true)).collect();
        let sources = Sources { folders: folders.iter().map(|s| s.to_string()).collect(), ..Sources::default() };
        assemble(&config, sources, parsed, false)
    }

    #[test]
    fn urls_and_slug_override() {
        let (site, d) = site_of(
            &[
                ("briefs/a/b/x.md", "---\ntitle: X\nslug: y\n---\n"),
                ("briefs/opcon-transfer.md", "---\ntitle: O\n---\n"),
            ],
            &["", "briefs", "briefs/a", "briefs/a/b"],
        );
        assert!(d.is_empty(), "{d:?}");
        let paths: Vec<&str> = site.briefs.iter().map(|b| b.path.as_str()).collect();
        assert_eq!(paths, ["briefs/a/b/y/", "briefs/opcon-transfer/"]);
    }

    #[test]
    fn term_label_is_the_most_common_spelling() {
        let (site, _) = site_of(
            &[
                ("a.md", "---\ntitle: A\ntopics: [Opcon Transfer]\n---\n"),
                ("b.md", "---\ntitle: B\ntopics: [OPCON transfer]\n---\n"),
                ("c.md", "---\ntitle: C\ntopics: [OPCON transfer]\n---\n"),
            ],
            &[""],
        );
        let term = &site.taxonomies[0].terms[0];
        assert_eq!(
            (term.slug.as_str(), term.label.as_str(), term.briefs.len()),
            ("opcon-transfer", "OPCON transfer", 3)
        );
    }

    #[test]
    fn duplicate_urls_name_both_files() {
        let (_, d) = site_of(&[("a.md", "---\ntitle: A\n---\n"), ("b.md", "---\ntitle: B\nslug: a\n---\n")], &[""]);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("content/a.md") && d[0].message.contains("content/b.md"), "{}", d[0].message);
    }
}
