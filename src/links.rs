//! Links are a stage of their own: every link of every brief is resolved against the whole site,
//! giving the URLs the renderer writes, the diagnostics for broken ones, and the link graph
//! (outgoing links, backlinks), related briefs and previous/next.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Location};
use crate::discover::SourceFile;
use crate::markdown::{Analysis, LinkKind, LinkOutput, LinkRef};
use crate::site::{parent_folder, BriefId, Site};
use crate::slug::slugify;
use crate::suggest;

/// Makes every internal URL: the base path of `base_url` followed by a path from the site root.
#[derive(Debug, Clone)]
pub struct Urls {
    pub base_path: String,
    pub origin: Option<String>,
}

impl Urls {
    pub fn new(config: &SiteConfig) -> Urls {
        Urls { base_path: config.base_url.path.clone(), origin: config.base_url.origin.clone() }
    }

    /// Root-relative URL of a path from the site root (`briefs/x/` → `/policy/briefs/x/`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// Absolute URL, when `base_url` has an origin; non-ASCII characters percent-encoded, as
    /// XML consumers (feeds, sitemaps) expect.
    pub fn absolute(&self, path: &str) -> Option<String> {
        self.origin.as_ref().map(|o| format!("{o}{}", percent_encode_non_ascii(&self.href(path))))
    }
}

pub fn percent_encode_non_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Bytes, not `&str` slices: a `%` may be followed by a multi-byte character.
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// A brief that names another, for "Referenced by" and related lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub brief: BriefId,
    /// Labels of the shared terms, rarest first ("USFK, extended deterrence"); empty when the
    /// author listed it in `related:`.
    pub shared: Vec<String>,
}

#[derive(Debug, Default)]
pub struct LinkGraph {
    /// Per brief, what the renderer writes for each of its links, in order.
    pub outputs: Vec<Vec<LinkOutput>>,
    /// Per section, the same for the links of its `_index.md`.
    pub section_outputs: Vec<Vec<LinkOutput>>,
    /// Per brief, the distinct briefs it links to, in order of first link.
    pub outgoing: Vec<Vec<BriefId>>,
    /// Per brief, the distinct briefs that link to it, newest first.
    pub backlinks: Vec<Vec<BriefId>>,
    pub related: Vec<Vec<Related>>,

    /// Per brief, the previous (older) and next (newer) brief of its section by date.
    pub previous: Vec<Option<BriefId>>,
    pub next: Vec<Option<BriefId>>,
}

/// Where a link points, once resolved.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Brief(BriefId, Option<String>),
    Section(usize, Option<String>),
    Asset(String),
    /// A root-relative path or an anchor on the same page: written out with the base path.
    Path(String),
    External(String),
}

/// Everything a link can point at, indexed.
struct Index<'a> {
    site: &'a Site,
    by_slug: HashMap<&'a str, Vec<BriefId>>,
    by_id: HashMap<&'a str, BriefId>,
    section_by_folder: HashMap<&'a str, usize>,
    assets: HashSet<&'a str>,
    absent_by_key: HashMap<&'a str, (bool, &'a str)>,
}

impl<'a> Index<'a> {
    fn new(site: &'a Site) -> Index<'a> {
        let mut by_slug: HashMap<&str, Vec<BriefId>> = HashMap::new();
        for (b, brief) in site.briefs.iter().enumerate() {
            by_slug.entry(brief.slug()).or_default().push(b);
            if brief.stem_slug() != brief.slug() {
                by_slug.entry(brief.stem_slug()).or_default().push(b);
            }
        }
        let mut absent_by_key = HashMap::new();
        for a in &site.absent {
            absent_by_key.insert(a.id.as_str(), (a.is_draft, a.id.as_str()));
            for s in &a.slugs {
                absent_by_key.insert(s.as_str(), (a.is_draft, a.id.as_str()));
            }
        }
        Index {
            site,
            by_slug,
            by_id: site.briefs.iter().enumerate().map(|(b, brief)| (brief.id(), b)).collect(),
            section_by_folder: site.sections.iter().enumerate().map(|(i, s)| (s.folder.as_str(), i)).collect(),
            assets: site.assets.iter().map(|a| a.rel_path.as_str()).collect(),
            absent_by_key,
        }
    }

    /// A wikilink or `related:` target: a slug anywhere in the site, or a path under `content/`
    /// with or without `.md`.
    fn by_name(&self, name: &str) -> Result<BriefId, Problem> {
        let name = name.trim().trim_start_matches('/');
        let without_md = name.strip_suffix(".md").unwrap_or(name);
        if let Some(&b) = self.by_id.get(without_md) {
            return Ok(b);
        }
        if !without_md.contains('/') {
            let slug = slugify(without_md);
            match self.by_slug.get(slug.as_str()).map(Vec::as_slice) {
                Some([b]) => return Ok(*b),
                Some(many) if many.len() > 1 => {
                    let files: Vec<String> =
                        many.iter().map(|&b| format!("`{}`", self.site.briefs[b].file.display)).collect();
                    return Err(Problem::new(
                        "ambiguous-link",
                        format!("`{name}` is ambiguous: {} all have the slug `{slug}`", files.join(" and ")),
                        "link by path instead, e.g. `[[briefs/name]]`, or give one brief another `slug:`".into(),
                    ));
                }
                _ => {}
            }
            if let Some(problem) = self.absent(&slug) {
                return Err(problem);
            }
        }
        if let Some(problem) = self.absent(without_md) {
            return Err(problem);
        }
        let suggestion = if without_md.contains('/') {
            suggest::closest(without_md, self.by_id.keys().copied())
        } else {
            suggest::closest(&slugify(without_md), self.by_slug.keys().copied())
        };
        Err(Problem::new(
            "broken-link",
            format!("no brief is named `{name}`"),
            match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "link to the file stem of a brief (`[[opcon-transfer]]`) or its path under content/".into(),
            },
        ))
    }

    fn absent(&self, key: &str) -> Option<Problem> {
        let &(is_draft, id) = self.absent_by_key.get(key)?;
        Some(if is_draft {
            Problem::new(
                "link-to-draft",
                format!("`{key}` is a draft (`content/{id}.md`), so this link would break once published"),
                "publish the target (remove `draft: true`), remove the link, or build with --drafts to preview".into(),
            )
        } else {
            Problem::silent()
        })
    }

    /// A relative Markdown link from a file in `folder`.
    fn by_relative_path(&self, folder: &str, path: &str) -> Result<Target, Problem> {
        let decoded = percent_decode(path);
        let joined = if let Some(rooted) = decoded.strip_prefix('/') {
            // A path from the site root as the author wrote it (`/briefs/x/`): keep it.
            return Ok(Target::Path(rooted.to_string()));
        } else {
            normalise(folder, &decoded).ok_or_else(|| {
                Problem::new(
                    "broken-link",
                    format!("`{path}` points outside content/"),
                    "link to a file under content/".into(),
                )
            })?
        };
        let joined = crate::slug::nfc(&joined);
        if let Some(stem) = joined.strip_suffix(".md") {
            if stem == "_index" || stem.ends_with("/_index") {
                let folder = parent_folder(stem).unwrap_or("");
                if let Some(&s) = self.section_by_folder.get(folder) {
                    return Ok(Target::Section(s, None));
                }
            }
            if let Some(&b) = self.by_id.get(stem) {
                return Ok(Target::Brief(b, None));
            }
            if let Some(problem) = self.absent(stem) {
                return Err(problem);
            }
            let suggestion = suggest::closest(stem, self.by_id.keys().copied());
            return Err(Problem::new(
                "broken-link",
                format!("no brief at `content/{joined}`"),
                match suggestion {
                    Some(s) => format!("did you mean `content/{s}.md`?"),
                    None => "check the file name; paths are relative to the folder of this brief".into(),
                },
            ));
        }
        if self.assets.contains(joined.as_str()) {
            return Ok(Target::Asset(joined));
        }
        let trimmed = joined.trim_end_matches('/');
        if let Some(&s) = self.section_by_folder.get(trimmed) {
            return Ok(Target::Section(s, None));
        }
        if let Some(&b) = self.by_id.get(trimmed) {
            return Ok(Target::Brief(b, None));
        }
        let suggestion = suggest::closest(&joined, self.assets.iter().copied());
        Err(Problem::new(
            "broken-link",
            format!("no file at `content/{joined}`"),
            match suggestion {
                Some(s) => format!("did you mean `content/{s}`?"),
                None => "check the file name; paths are relative to the folder of this brief".into(),
            },
        ))
    }
}

/// Joins a relative path to a folder, resolving `.` and `..`; `None` when it climbs out.
fn normalise(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[derive(Debug)]
struct Problem {
    code: &'static str,
    message: String,
    help: String,
}

impl Problem {
    fn new(code: &'static str, message: String, help: String) -> Problem {
        Problem { code, message, help }
    }

    fn silent() -> Problem {
        Problem::new("", String::new(), String::new())
    }
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

fn is_unsafe_scheme(dest: &str) -> bool {
    let lower: String =
        dest.trim().chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
    lower.starts_with("javascript:") || lower.starts_with("data:") || lower.starts_with("vbscript:")
}

/// What resolving links needs to know of the whole build.
struct Resolver<'a> {
    index: Index<'a>,
    urls: Urls,
    config: &'a SiteConfig,
}

/// The links of one brief, resolved.
#[derive(Debug, Clone)]
struct BriefLinks {
    outputs: Vec<LinkOutput>,
    outgoing: Vec<BriefId>,
    explicit_related: Vec<BriefId>,
    diagnostics: Vec<Diagnostic>,
}

/// Resolves the links of one document (a brief, or a section's `_index.md`).
fn resolve_document(
    resolver: &Resolver,
    file: &SourceFile,
    analysis: &Analysis,
    self_brief: Option<BriefId>,
    diagnostics: &mut Vec<Diagnostic>,
    outgoing: &mut Vec<BriefId>,
) -> Vec<LinkOutput> {
    let (index, urls, config) = (&resolver.index, &resolver.urls, resolver.config);
    let folder = parent_folder(&file.rel_path).unwrap_or("");
    let mut outputs = Vec::with_capacity(analysis.links.len());
    for link in &analysis.links {
        let target =
            resolve_link(index, folder, link).and_then(|target| check_anchor(index, analysis, self_brief, target));
        let output = match target {
            Ok(target) => {
                if let Target::Brief(b, _) = target {
                    if Some(b) != self_brief && !outgoing.contains(&b) {
                        outgoing.push(b);
                    }
                }
                let label = match (&link.kind, &target) {
                    (LinkKind::Wiki { has_label: false }, Target::Brief(b, _)) => {
                        Some(index.site.briefs[*b].front.title.clone())
                    }
                    (LinkKind::Wiki { has_label: false }, Target::Section(s, _)) => {
                        Some(index.site.sections[*s].title.clone())
                    }
                    _ => None,
                };
                let url = match target {
                    Target::Brief(b, anchor) => with_anchor(urls.href(&index.site.briefs[b].path), anchor),
                    Target::Section(s, anchor) => with_anchor(urls.href(&index.site.sections[s].path), anchor),
                    Target::Asset(path) => urls.href(&path),
                    Target::Path(path) => {
                        if let Some(anchor) = path.strip_prefix('#') {
                            format!("#{anchor}")
                        } else {
                            urls.href(&path)
                        }
                    }
                    Target::External(url) => {
                        if !config.raw_html && is_unsafe_scheme(&url) {
                            "#".to_string()
                        } else {
                            url
                        }
                    }
                };
                LinkOutput::Href { url, label }
            }
            Err(problem) => {
                if !problem.code.is_empty() {
                    let d = if config.broken_links_warn {
                        Diagnostic::warning(problem.code, problem.message)
                    } else {
                        Diagnostic::error(problem.code, problem.message)
                    };
                    diagnostics.push(
                        d.at(Location::new(file.display.clone(), file.text.clone(), link.span.clone()))
                            .help(problem.help),
                    );
                }
                LinkOutput::Broken
            }
        };
        outputs.push(output);
    }
    outputs
}

fn with_anchor(url: String, anchor: Option<String>) -> String {
    match anchor {
        Some(a) => format!("{url}#{a}"),
        None => url,
    }
}

fn resolve_link(index: &Index, folder: &str, link: &LinkRef) -> Result<Target, Problem> {
    let dest = link.dest.trim();
    match link.kind {
        LinkKind::Wiki { .. } => {
            let (name, anchor) = split_anchor(dest);
            if name.is_empty() {
                return Ok(Target::Path(format!("#{}", anchor.unwrap_or_default())));
            }
            index.by_name(name).map(|b| Target::Brief(b, anchor.map(str::to_owned)))
        }
        LinkKind::Markdown | LinkKind::Image => {
            if dest.is_empty() {
                return Ok(Target::External(String::new()));
            }
            if has_scheme(dest) || dest.starts_with("//") {
                return Ok(Target::External(dest.to_string()));
            }
            let (path, anchor) = split_anchor(dest);
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Ok(Target::Path(format!("#{}", anchor.unwrap_or_default())));
            }
            let target = index.by_relative_path(folder, path)?;
            Ok(match (target, anchor) {
                (Target::Brief(b, _), a) => Target::Brief(b, a.map(str::to_owned)),
                (Target::Section(s, _), a) => Target::Section(s, a.map(str::to_owned)),
                (Target::Path(p), Some(a)) => Target::Path(format!("{p}#{a}")),
                (other, _) => other,
            })
        }
    }
}

fn split_anchor(dest: &str) -> (&str, Option<&str>) {
    match dest.split_once('#') {
        Some((name, anchor)) => (name.trim(), Some(anchor.trim())),
        None => (dest, None),
    }
}

/// An anchor must name a heading of the target (or of this page, for `#x` links).
fn check_anchor(index: &Index, own: &Analysis, self_brief: Option<BriefId>, target: Target) -> Result<Target, Problem> {
    let (headings, anchor, name) = match &target {
        Target::Brief(b, Some(anchor)) => {
            let brief = &index.site.briefs[*b];
            (&brief.analysis.headings, anchor.as_str(), brief.id())
        }
        Target::Path(p) if p.starts_with('#') && p.len() > 1 => {
            let name = self_brief.map_or("this page", |b| index.site.briefs[b].id());
            (&own.headings, &p[1..], name)
        }
        _ => return Ok(target),
    };
    if headings.iter().any(|h| h.id == anchor) || anchor.starts_with("fn-") || anchor.starts_with("fnref") {
        return Ok(target);
    }
    let suggestion = suggest::closest(anchor, headings.iter().map(|h| h.id.as_str()));
    let known: Vec<String> = headings.iter().take(8).map(|h| format!("`{}`", h.id)).collect();
    Err(Problem::new(
        "missing-anchor",
        format!("`{name}` has no heading with the id `{anchor}`"),
        match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => "the target has no headings".into(),
            None => format!("its headings are {}", known.join(", ")),
        },
    ))
}

/// Hashes what related briefs depend on: every brief's id, date, title, terms and `related:`.
fn related_key(site: &Site, explicit: &[Vec<BriefId>]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (brief, explicit) in site.briefs.iter().zip(explicit) {
        (&brief.id(), &brief.front.date, &brief.front.title, &brief.terms, explicit).hash(&mut h);
    }
    for taxonomy in &site.taxonomies {
        for term in &taxonomy.terms {
            term.label.hash(&mut h);
        }
    }
    h.finish()
}

/// How many briefs of a term's list are looked at around a brief's own date: terms held by
/// more briefs than this add little, and scanning their whole list would make related briefs
/// quadratic in the size of the site.
const RELATED_SCAN: usize = 200;
const RELATED_COUNT: usize = 5;

/// What `watch` keeps of the last resolution: each brief's resolved links, reused while the
/// brief's text and everything links can point at are unchanged, and the related briefs,
/// reused while what they are computed from is unchanged (an edit to a brief's body changes no
/// one else's links or related list).
#[derive(Debug, Clone, Default)]
pub struct LinkMemo {
    related_key: u64,
    related: Vec<Vec<Related>>,
    index_key: u64,
    /// By brief position (stable while `index_key` matches): its text hash and links.
    briefs: Vec<(u64, BriefLinks)>,
}

impl LinkMemo {
    /// Records that brief `b` has new text that resolves to the same links.
    /// Whether brief `b`'s links reported anything (their positions would move with the text).
    pub fn has_diagnostics(&self, b: BriefId) -> bool {
        self.briefs.get(b).is_none_or(|entry| !entry.1.diagnostics.is_empty())
    }

    pub fn retext(&mut self, b: BriefId, text_hash: u64) {
        if let Some(entry) = self.briefs.get_mut(b) {
            entry.0 = text_hash;
        }
    }
}

/// What `resolve` may reuse of the last resolution, and whether it keeps its own for the next.
#[derive(Debug, Clone, Copy)]
pub enum Memo<'a> {
    /// `build` and `check`: resolve once, keep nothing.
    None,
    /// `watch`: reuse what still holds of the last resolution (if any), and keep this one.
    Keep(Option<&'a LinkMemo>),
}

/// Resolves every link of the site and computes the link graph.
pub fn resolve(site: &Site, config: &SiteConfig, memo: Memo) -> (LinkGraph, Vec<Diagnostic>, Option<LinkMemo>) {
    let resolver = Resolver { index: Index::new(site), urls: Urls::new(config), config };
    let (keep, last) = match memo {
        Memo::None => (false, None),
        Memo::Keep(last) => (true, last),
    };
    // The keys that tell what can be reused pass over every brief: only worth it for `watch`.
    let index_key = if keep { index_key(site, config) } else { 0 };
    let reusable = last.filter(|m| m.index_key == index_key && m.briefs.len() == site.briefs.len());
    let per_brief: Vec<BriefLinks> = site
        .briefs
        .par_iter()
        .enumerate()
        .map(|(b, brief)| {
            if let Some((hash, links)) = reusable.map(|m| &m.briefs[b]) {
                if *hash == brief.text_hash && brief.text_hash != 0 {
                    return links.clone();
                }
            }
            let mut diagnostics = Vec::new();
            let mut outgoing = Vec::new();
            let outputs =
                resolve_document(&resolver, &brief.file, &brief.analysis, Some(b), &mut diagnostics, &mut outgoing);
            let mut explicit_related = Vec::new();
            for name in &brief.front.related {
                match resolver.index.by_name(&name.value) {
                    Ok(target) if target != b && !explicit_related.contains(&target) => explicit_related.push(target),
                    Ok(_) => {}
                    Err(problem) if problem.code.is_empty() => {}
                    Err(problem) => diagnostics.push(
                        Diagnostic::error(problem.code, format!("in `related`: {}", problem.message))
                            .at(Location::new(brief.file.display.clone(), brief.file.text.clone(), name.span.clone()))
                            .help(problem.help),
                    ),
                }
            }
            BriefLinks { outputs, outgoing, explicit_related, diagnostics }
        })
        .collect();

    let mut graph = LinkGraph::default();
    let mut diagnostics = Vec::new();
    let mut explicit_related = Vec::with_capacity(site.briefs.len());
    let kept = keep.then(|| per_brief.clone());
    for links in per_brief {
        graph.outputs.push(links.outputs);
        graph.outgoing.push(links.outgoing);
        explicit_related.push(links.explicit_related);
        diagnostics.extend(links.diagnostics);
    }
    for parsed in &site.failed {
        let mut ignored = Vec::new();
        resolve_document(&resolver, &parsed.file, &parsed.analysis, None, &mut diagnostics, &mut ignored);
    }
    for section in &site.sections {
        let outputs = match &section.index {
            Some(parsed) => {
                let mut ignored = Vec::new();
                resolve_document(&resolver, &parsed.file, &parsed.analysis, None, &mut diagnostics, &mut ignored)
            }
            None => Vec::new(),
        };
        graph.section_outputs.push(outputs);
    }

    graph.backlinks = vec![Vec::new(); site.briefs.len()];
    for (source, targets) in graph.outgoing.iter().enumerate() {
        for &t in targets {
            graph.backlinks[t].push(source);
        }
    }
    for list in &mut graph.backlinks {
        list.sort_by(|&a, &b| crate::site::date_order(&site.briefs[a], &site.briefs[b]));
    }
    let related_key = if keep { related_key(site, &explicit_related) } else { 0 };
    graph.related = match last {
        Some(last) if last.related_key == related_key => last.related.clone(),
        _ => related_briefs(site, explicit_related),
    };
    (graph.previous, graph.next) = neighbours(site);
    let memo = kept.map(|per_brief| {
        let texts = site.briefs.iter().map(|b| b.text_hash);
        LinkMemo { related_key, related: graph.related.clone(), index_key, briefs: texts.zip(per_brief).collect() }
    });
    (graph, diagnostics, memo)
}

/// Hashes everything a link can resolve to: every brief's id, slugs, URL, title and heading
/// ids, the briefs left out, sections and files. While it is unchanged, a brief whose text is
/// unchanged resolves its links exactly as before.
fn index_key(site: &Site, config: &SiteConfig) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&config.base_url.path, &config.base_url.origin, config.raw_html, config.broken_links_warn).hash(&mut h);
    for brief in &site.briefs {
        (&brief.id(), &brief.slug(), &brief.stem_slug(), &brief.path, &brief.front.title).hash(&mut h);
        for heading in &brief.analysis.headings {
            heading.id.hash(&mut h);
        }
    }
    for absent in &site.absent {
        (&absent.id, &absent.slugs, absent.is_draft).hash(&mut h);
    }
    for section in &site.sections {
        (&section.folder, &section.path, &section.title).hash(&mut h);
    }
    for asset in &site.assets {
        asset.rel_path.hash(&mut h);
    }
    h.finish()
}

/// Previous (older) and next (newer) brief of each brief within its section, by date.
fn neighbours(site: &Site) -> (Vec<Option<BriefId>>, Vec<Option<BriefId>>) {
    let mut previous = vec![None; site.briefs.len()];
    let mut next = vec![None; site.briefs.len()];
    for section in &site.sections {
        let mut by_date = section.briefs.clone();
        by_date.sort_by(|&a, &b| crate::site::date_order(&site.briefs[a], &site.briefs[b]));
        for pair in by_date.windows(2) {
            // newest first: pair[0] is newer than pair[1]
            previous[pair[0]] = Some(pair[1]);
            next[pair[1]] = Some(pair[0]);
        }
    }
    (previous, next)
}

/// Explicit `related:` first, then the briefs sharing the most informative terms: each shared
/// term weighs ln(N / df), so a rare shared term counts more than a common one. Candidates come
/// from an inverted index (term → briefs, newest first); a long posting list is scanned only in a
/// window of `RELATED_SCAN` briefs around the brief's own date, which keeps the cost linear.
pub fn related_briefs(site: &Site, explicit: Vec<Vec<BriefId>>) -> Vec<Vec<Related>> {
    let n = site.briefs.len().max(1) as f64;
    // Global term ids, their weight and postings (newest first, as assembled).
    let mut term_base = Vec::with_capacity(site.taxonomies.len());
    let mut postings: Vec<&[BriefId]> = Vec::new();
    let mut labels: Vec<&str> = Vec::new();
    for taxonomy in &site.taxonomies {
        term_base.push(postings.len());
        for term in &taxonomy.terms {
            postings.push(&term.briefs);
            labels.push(&term.label);
        }
    }
    let weight: Vec<f64> = postings.iter().map(|p| (n / p.len() as f64).ln()).collect();
    // Postings are in date order too: a brief is found in one by binary search on its rank.
    let rank = &site.rank;
    let terms_of: Vec<Vec<usize>> = site
        .briefs
        .iter()
        .map(|brief| {
            let mut t: Vec<usize> = brief.terms.iter().map(|&(tax, term)| term_base[tax] + term).collect();
            t.sort_unstable();
            t.dedup();
            t
        })
        .collect();

    explicit
        .into_par_iter()
        .enumerate()
        .map_init(
            // Per thread: a score per brief, and the briefs whose score was touched.
            || (vec![0f64; site.briefs.len()], Vec::<BriefId>::new()),
            |(scores, touched), (b, explicit)| {
                for &t in &terms_of[b] {
                    let list = postings[t];
                    let window = if list.len() <= RELATED_SCAN {
                        list
                    } else {
                        let at = list.partition_point(|&x| rank[x] < rank[b]);
                        let start = at.saturating_sub(RELATED_SCAN / 2).min(list.len() - RELATED_SCAN);
                        &list[start..start + RELATED_SCAN]
                    };
                    for &other in window {
                        if scores[other] == 0.0 {
                            touched.push(other);
                        }
                        scores[other] += weight[t];
                    }
                }
                // The best few by score, then newest first (a lower date rank is newer): a
                // small sorted list, not a sort of every candidate.
                let wanted = RELATED_COUNT.saturating_sub(explicit.len());
                let mut best: Vec<(f64, usize, BriefId)> = Vec::with_capacity(wanted + 1);
                for &other in touched.iter() {
                    let score = scores[other];
                    scores[other] = 0.0;
                    if other == b || score <= 0.0 || explicit.contains(&other) || wanted == 0 {
                        continue;
                    }
                    let key = (score, rank[other], other);
                    let better = |x: &(f64, usize, BriefId)| x.0 > key.0 || (x.0 == key.0 && x.1 < key.1);
                    let at = best.iter().take_while(|x| better(x)).count();
                    if at < wanted {
                        best.insert(at, key);
                        best.truncate(wanted);
                    }
                }
                touched.clear();
                let mut related: Vec<Related> =
                    explicit.into_iter().map(|brief| Related { brief, shared: vec![] }).collect();
                for (_, _, other) in best {
                    let mut shared: Vec<usize> =
                        terms_of[b].iter().copied().filter(|t| terms_of[other].binary_search(t).is_ok()).collect();
                    shared.sort_by(|x, y| weight[*y].total_cmp(&weight[*x]).then(x.cmp(y)));
                    // The same label can name a term of two taxonomies (an actor and a topic).
                    let mut names: Vec<String> = Vec::new();
                    for &t in &shared {
                        if names.len() < 3 && !names.iter().any(|n| n == labels[t]) {
                            names.push(labels[t].to_string());
                        }
                    }
                    related.push(Related { brief: other, shared: names });
                }
                related
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_paths() {
        assert_eq!(normalise("briefs", "../background/cfc.md").as_deref(), Some("background/cfc.md"));
        assert_eq!(normalise("briefs/a", "./x.md").as_deref(), Some("briefs/a/x.md"));
        assert_eq!(normalise("", "../x.md"), None);
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://example.org"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("other.md"));
        assert!(!has_scheme("a/b:c.md"));
        assert!(is_unsafe_scheme(" JavaScript:alert(1)"));
        assert!(is_unsafe_scheme("data:text/html,x"));
    }

    #[test]
    fn absolute_urls_percent_encode_hangul() {
        let urls = Urls { base_path: "/policy/".into(), origin: Some("https://example.org".into()) };
        assert_eq!(urls.href("topics/x/"), "/policy/topics/x/");
        assert_eq!(urls.absolute("topics/가/").unwrap(), "https://example.org/policy/topics/%EA%B0%80/");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%가.md"), "%가.md");
        assert_eq!(percent_decode("%EA%B0%80"), "가");
    }
}
