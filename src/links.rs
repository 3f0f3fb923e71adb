//! Links are a stage of their own: every link of every brief is resolved against the whole site,
//! giving the URLs the renderer writes, the diagnostics for broken ones, and the link graph
//! (outgoing links, backlinks), related briefs and previous/next. URLs come from the route table.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::hash;
use crate::markdown::{Analysis, LinkKind, LinkOutput, LinkRef};
use crate::parse::{parent_folder, Parsed};
use crate::routes::{percent_decode, Routes};
use crate::site::{BriefId, Site};
use crate::slug::slugify;
use crate::suggest;

/// A brief that names another, for "Referenced by" and related lists.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Related {
    pub brief: BriefId,
    /// Labels of the shared terms, rarest first ("USFK, extended deterrence"); empty when the
    /// author listed it in `related:`.
    pub shared: Vec<String>,
    /// The hash of `shared`, made with it (pages that list related briefs hash it).
    pub shared_hash: u64,
}

/// The links of one brief, resolved.
#[derive(Debug, Default)]
pub struct BriefLinks {
    /// What the renderer writes for each of its links, in order.
    pub outputs: Vec<LinkOutput>,
    /// The distinct briefs it links to, in order of first link.
    pub outgoing: Vec<BriefId>,
    explicit_related: Vec<BriefId>,
    diagnostics: Vec<Diagnostic>,
    /// Every brief whose title or headings the result depends on.
    consulted: Vec<BriefId>,
    /// A hash of `outputs`: what the brief's page shows of its links.
    pub hash: u64,
    /// The hash of the text they were resolved from.
    text: u64,
}

#[derive(Debug, Default)]
pub struct LinkGraph {
    /// Per brief, its resolved links.
    pub briefs: Vec<Arc<BriefLinks>>,
    /// Per section, what the renderer writes for the links of its `_index.md`, and its hash.
    pub section_outputs: Vec<(Vec<LinkOutput>, u64)>,
    /// Per brief, the distinct briefs that link to it, newest first.
    pub backlinks: Arc<Vec<Vec<BriefId>>>,
    pub related: Arc<Vec<Vec<Related>>>,
    /// Per brief, the previous (older) and next (newer) brief of its section by date.
    pub neighbours: Neighbours,
}

impl LinkGraph {
    pub fn outputs(&self, b: BriefId) -> &[LinkOutput] {
        &self.briefs[b].outputs
    }

    pub fn outgoing(&self, b: BriefId) -> &[BriefId] {
        &self.briefs[b].outgoing
    }

    pub fn previous(&self, b: BriefId) -> Option<BriefId> {
        self.neighbours.0[b]
    }

    pub fn next(&self, b: BriefId) -> Option<BriefId> {
        self.neighbours.1[b]
    }
}

/// Where a link points, once resolved.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Brief(BriefId, Option<String>),
    Section(usize, Option<String>),
    Asset(usize),
    /// A root-relative path or an anchor on the same page: written out with the base path.
    Path(String),
    External(String),
}

/// Why a link does not resolve: a problem to report, or one already reported elsewhere (a
/// link to a brief whose own front-matter failed).
#[derive(Debug)]
enum Failure {
    Report { code: Code, message: String, help: String },
    Reported,
}

fn problem(code: Code, message: String, help: String) -> Failure {
    Failure::Report { code, message, help }
}

/// Everything a link can point at, indexed. It owns its keys, so that `watch` keeps it while
/// nothing a link can resolve to changes.
#[derive(Debug, Default)]
struct Index {
    by_slug: HashMap<Box<str>, Vec<BriefId>>,
    by_id: HashMap<Box<str>, BriefId>,
    section_by_folder: HashMap<Box<str>, usize>,
    assets: HashMap<Box<str>, usize>,
    absent_by_key: HashMap<Box<str>, (bool, Box<str>)>,
}

impl Index {
    fn new(site: &Site) -> Index {
        let mut by_slug: HashMap<Box<str>, Vec<BriefId>> = HashMap::with_capacity(site.briefs.len());
        for (b, brief) in site.briefs.iter().enumerate() {
            by_slug.entry(brief.slug().into()).or_default().push(b);
            if brief.stem_slug() != brief.slug() {
                by_slug.entry(brief.stem_slug().into()).or_default().push(b);
            }
        }
        let mut absent_by_key = HashMap::new();
        for a in &site.absent {
            absent_by_key.insert(a.id.as_str().into(), (a.is_draft, a.id.as_str().into()));
            for s in &a.slugs {
                absent_by_key.insert(s.as_str().into(), (a.is_draft, a.id.as_str().into()));
            }
        }
        Index {
            by_slug,
            by_id: site.briefs.iter().enumerate().map(|(b, brief)| (brief.id().into(), b)).collect(),
            section_by_folder: site.sections.iter().enumerate().map(|(i, s)| (s.folder.as_str().into(), i)).collect(),
            assets: site.assets.iter().enumerate().map(|(i, a)| (a.rel_path.as_str().into(), i)).collect(),
            absent_by_key,
        }
    }

    /// A wikilink or `related:` target: a slug anywhere in the site, or a path under `content/`
    /// with or without `.md`.
    fn by_name(&self, site: &Site, name: &str) -> Result<BriefId, Failure> {
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
                    let files: Vec<String> = many.iter().map(|&b| format!("`{}`", site.briefs[b].display())).collect();
                    return Err(problem(
                        Code::AmbiguousLink,
                        format!("`{name}` is ambiguous: {} all have the slug `{slug}`", files.join(" and ")),
                        "link by path instead, e.g. `[[briefs/name]]`, or give one brief another `slug:`".into(),
                    ));
                }
                _ => {}
            }
            if let Some(failure) = self.absent(&slug) {
                return Err(failure);
            }
        }
        if let Some(failure) = self.absent(without_md) {
            return Err(failure);
        }
        let suggestion = if without_md.contains('/') {
            suggest::closest(without_md, self.by_id.keys().map(|k| &**k))
        } else {
            suggest::closest(&slugify(without_md), self.by_slug.keys().map(|k| &**k))
        };
        Err(problem(
            Code::BrokenLink,
            format!("no brief is named `{name}`"),
            match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "link to the file stem of a brief (`[[opcon-transfer]]`) or its path under content/".into(),
            },
        ))
    }

    fn absent(&self, key: &str) -> Option<Failure> {
        let (is_draft, id) = self.absent_by_key.get(key)?;
        let (is_draft, id) = (*is_draft, &**id);
        Some(if is_draft {
            problem(
                Code::LinkToDraft,
                format!("`{key}` is a draft (`content/{id}.md`), so this link would break once published"),
                "publish the target (remove `draft: true`), remove the link, or build with --drafts to preview".into(),
            )
        } else {
            Failure::Reported
        })
    }

    /// A relative Markdown link from a file in `folder`.
    fn by_relative_path(&self, folder: &str, path: &str) -> Result<Target, Failure> {
        let decoded = percent_decode(path).unwrap_or_else(|| path.to_string());
        if let Some(rooted) = decoded.strip_prefix('/') {
            // A path from the site root as the author wrote it (`/briefs/x/`): keep it.
            return Ok(Target::Path(rooted.to_string()));
        }
        let joined = normalise(folder, &decoded).ok_or_else(|| {
            problem(
                Code::BrokenLink,
                format!("`{path}` points outside content/"),
                "link to a file under content/".into(),
            )
        })?;
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
            if let Some(failure) = self.absent(stem) {
                return Err(failure);
            }
            let suggestion = suggest::closest(stem, self.by_id.keys().map(|k| &**k));
            return Err(problem(
                Code::BrokenLink,
                format!("no brief at `content/{joined}`"),
                match suggestion {
                    Some(s) => format!("did you mean `content/{s}.md`?"),
                    None => "check the file name; paths are relative to the folder of this brief".into(),
                },
            ));
        }
        if let Some(&i) = self.assets.get(joined.as_str()) {
            return Ok(Target::Asset(i));
        }
        let trimmed = joined.trim_end_matches('/');
        if let Some(&s) = self.section_by_folder.get(trimmed) {
            return Ok(Target::Section(s, None));
        }
        if let Some(&b) = self.by_id.get(trimmed) {
            return Ok(Target::Brief(b, None));
        }
        let suggestion = suggest::closest(&joined, self.assets.keys().map(|k| &**k));
        Err(problem(
            Code::BrokenLink,
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

/// Schemes a browser runs or renders as a document: never written from untrusted content.
pub fn is_unsafe_scheme(dest: &str) -> bool {
    let lower: String =
        dest.trim().chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
    lower.starts_with("javascript:") || lower.starts_with("data:") || lower.starts_with("vbscript:")
}

/// What resolving links needs to know of the whole build.
struct Resolver<'a> {
    index: &'a Index,
    site: &'a Site,
    routes: &'a Routes,
    config: &'a SiteConfig,
}

/// Resolves the links of one document (a brief, a section's `_index.md`, or a brief whose
/// front-matter failed, whose links are checked all the same).
fn resolve_document(resolver: &Resolver, parsed: &Parsed, self_brief: Option<BriefId>) -> BriefLinks {
    let (index, site, routes, config) = (resolver.index, resolver.site, resolver.routes, resolver.config);
    let analysis = &parsed.analysis;
    let folder = parsed.facts.folder.as_str();
    let mut links = BriefLinks {
        outputs: Vec::with_capacity(analysis.links.len()),
        text: parsed.file.hash,
        ..BriefLinks::default()
    };
    for link in &analysis.links {
        let target = resolve_link(index, site, folder, link);
        if let Ok(Target::Brief(b, _)) = &target {
            if !links.consulted.contains(b) {
                links.consulted.push(*b);
            }
        }
        let target = target.and_then(|target| check_anchor(site, analysis, self_brief, target));
        let output = match target {
            Ok(target) => {
                if let Target::Brief(b, _) = target {
                    if Some(b) != self_brief && !links.outgoing.contains(&b) {
                        links.outgoing.push(b);
                    }
                }
                let label = match (&link.kind, &target) {
                    (LinkKind::Wiki { has_label: false }, Target::Brief(b, _)) => {
                        Some(site.briefs[*b].title().to_string())
                    }
                    _ => None,
                };
                let url = match target {
                    Target::Brief(b, anchor) => with_anchor(routes.brief(b).url(), anchor),
                    Target::Section(s, anchor) => with_anchor(routes.section(s, 1).url(), anchor),
                    Target::Asset(i) => routes.asset(i).url().to_string(),
                    Target::Path(path) => match path.strip_prefix('#') {
                        Some(anchor) => format!("#{anchor}"),
                        None => routes.href(&path),
                    },
                    Target::External(url) if !config.raw_html && is_unsafe_scheme(&url) => "#".to_string(),
                    Target::External(url) => url,
                };
                LinkOutput::Href { url, label }
            }
            Err(Failure::Reported) => LinkOutput::Broken,
            Err(Failure::Report { code, message, help }) => {
                let d = if config.broken_links_warn {
                    Diagnostic::warning(code, message)
                } else {
                    Diagnostic::error(code, message)
                };
                links.diagnostics.push(d.at(parsed.location(link.span.clone())).help(help));
                LinkOutput::Broken
            }
        };
        links.outputs.push(output);
    }
    links.hash = hash::of(&links.outputs);
    if let (Some(b), Some(front)) = (self_brief, &parsed.front) {
        for name in &front.related {
            match index.by_name(site, &name.value) {
                Ok(target) if target != b && !links.explicit_related.contains(&target) => {
                    links.explicit_related.push(target)
                }
                Ok(_) | Err(Failure::Reported) => {}
                Err(Failure::Report { code, message, help }) => links.diagnostics.push(
                    Diagnostic::error(code, format!("in `related`: {message}"))
                        .at(parsed.location(name.span.clone()))
                        .help(help),
                ),
            }
        }
    }
    links
}

fn with_anchor(url: &str, anchor: Option<String>) -> String {
    match anchor {
        Some(a) => format!("{url}#{a}"),
        None => url.to_string(),
    }
}

fn resolve_link(index: &Index, site: &Site, folder: &str, link: &LinkRef) -> Result<Target, Failure> {
    let dest = link.dest.trim();
    match link.kind {
        LinkKind::Wiki { .. } => {
            let (name, anchor) = split_anchor(dest);
            if name.is_empty() {
                return Ok(Target::Path(format!("#{}", anchor.unwrap_or_default())));
            }
            index.by_name(site, name).map(|b| Target::Brief(b, anchor.map(str::to_owned)))
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
fn check_anchor(site: &Site, own: &Analysis, self_brief: Option<BriefId>, target: Target) -> Result<Target, Failure> {
    let (headings, anchor, name) = match &target {
        Target::Brief(b, Some(anchor)) => {
            let brief = &site.briefs[*b];
            (&brief.parsed.analysis.headings, anchor.as_str(), brief.id())
        }
        Target::Path(p) if p.starts_with('#') && p.len() > 1 => {
            let name = self_brief.map_or("this page", |b| site.briefs[b].id());
            (&own.headings, &p[1..], name)
        }
        _ => return Ok(target),
    };
    if headings.iter().any(|h| h.id == anchor) || anchor.starts_with("fn-") || anchor.starts_with("fnref") {
        return Ok(target);
    }
    let suggestion = suggest::closest(anchor, headings.iter().map(|h| h.id.as_str()));
    let known: Vec<String> = headings.iter().take(8).map(|h| format!("`{}`", h.id)).collect();
    Err(problem(
        Code::MissingAnchor,
        format!("`{name}` has no heading with the id `{anchor}`"),
        match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => "the target has no headings".into(),
            None => format!("its headings are {}", known.join(", ")),
        },
    ))
}

/// What `watch` keeps of the last resolution. A brief's links are resolved again only when its
/// text changed, when anything a link can resolve to changed (`structure`), or when a brief it
/// consulted changed its title or headings. Backlinks, neighbours and related briefs are made
/// again only when what they are made from changed.
#[derive(Debug, Default)]
pub struct Memo {
    /// The keys of the model and route table last resolved against.
    model: (u64, u64),
    /// A hash of the date order.
    rank: u64,
    structure: u64,
    index: Option<Arc<Index>>,
    faces: Vec<u64>,
    briefs: Vec<Arc<BriefLinks>>,
    backlinks: Arc<Vec<Vec<BriefId>>>,
    neighbours: Option<(u64, Neighbours)>,
    /// What related briefs are computed from besides the `related:` lists (see `related_basis`).
    related_basis: u64,
    related_key: u64,
    related: Arc<Vec<Vec<Related>>>,
}

type Neighbours = Arc<(Vec<Option<BriefId>>, Vec<Option<BriefId>>)>;

/// Everything a link can resolve to, and how it is written: ids, slugs and URLs of briefs, the
/// briefs left out, sections and files with their URLs, and the settings that change what a link
/// becomes. (Not the whole route table: a new term changes no link.)
fn structure_key(site: &Site, routes: &Routes, config: &SiteConfig) -> u64 {
    let mut h = hash::hasher();
    (&routes.urls, config.raw_html, config.broken_links_warn).hash(&mut h);
    for (b, brief) in site.briefs.iter().enumerate() {
        (brief.id(), brief.slug(), brief.stem_slug(), routes.brief(b).url()).hash(&mut h);
    }
    for absent in &site.absent {
        (&absent.id, &absent.slugs, absent.is_draft).hash(&mut h);
    }
    for (s, section) in site.sections.iter().enumerate() {
        (&section.folder, routes.section(s, 1).url()).hash(&mut h);
    }
    for (i, asset) in site.assets.iter().enumerate() {
        (&asset.rel_path, routes.asset(i).url()).hash(&mut h);
    }
    h.finish()
}

/// Resolves every link of the site and computes the link graph. With a memo (`watch`), reuses
/// what the change left valid.
pub fn resolve(
    site: &Site,
    routes: &Routes,
    config: &SiteConfig,
    memo: Option<&mut Memo>,
) -> (LinkGraph, Vec<Diagnostic>) {
    let mut scratch = Memo::default();
    let keep = memo.is_some();
    let memo = memo.unwrap_or(&mut scratch);
    // The keys that tell what can be reused pass over every brief: made again only when the
    // model or the route table is another one than last time.
    let same_model = keep && memo.model == (site.key, routes.key);
    let structure = match (keep, same_model) {
        (false, _) => 0,
        (true, true) => memo.structure,
        (true, false) => structure_key(site, routes, config),
    };
    let reusable = keep && memo.structure == structure && memo.briefs.len() == site.briefs.len();
    let index = match &memo.index {
        Some(index) if reusable => index.clone(),
        _ => Arc::new(Index::new(site)),
    };
    let resolver = Resolver { index: &index, site, routes, config };
    let faces: Vec<u64> = site.briefs.iter().map(|b| b.parsed.face).collect();
    let changed_face: Vec<bool> =
        if reusable { faces.iter().zip(&memo.faces).map(|(a, b)| a != b).collect() } else { Vec::new() };
    let per_brief: Vec<Arc<BriefLinks>> = site
        .briefs
        .par_iter()
        .enumerate()
        .map(|(b, brief)| {
            if reusable {
                let links = &memo.briefs[b];
                if links.text == brief.parsed.file.hash && !links.consulted.iter().any(|&c| changed_face[c]) {
                    return links.clone();
                }
            }
            Arc::new(resolve_document(&resolver, &brief.parsed, Some(b)))
        })
        .collect();

    let mut graph = LinkGraph::default();
    let mut diagnostics = Vec::new();
    for links in &per_brief {
        diagnostics.extend(links.diagnostics.iter().cloned());
    }
    for parsed in &site.failed {
        diagnostics.extend(resolve_document(&resolver, parsed, None).diagnostics);
    }
    for section in &site.sections {
        let outputs = match &section.index {
            Some(parsed) => {
                let links = resolve_document(&resolver, parsed, None);
                diagnostics.extend(links.diagnostics);
                (links.outputs, links.hash)
            }
            None => (Vec::new(), 0),
        };
        graph.section_outputs.push(outputs);
    }

    // Backlinks change only when some brief's outgoing links do, or the date order (they are
    // newest first).
    let rank = match (keep, same_model) {
        (true, true) => memo.rank,
        (true, false) => hash::of(&site.rank),
        (false, _) => 0,
    };
    let same_outgoing = reusable
        && rank == memo.rank
        && per_brief.iter().zip(&memo.briefs).all(|(new, old)| Arc::ptr_eq(new, old) || new.outgoing == old.outgoing);
    graph.backlinks = if same_outgoing {
        memo.backlinks.clone()
    } else {
        let mut backlinks = vec![Vec::new(); site.briefs.len()];
        for (source, links) in per_brief.iter().enumerate() {
            for &t in &links.outgoing {
                backlinks[t].push(source);
            }
        }
        for list in &mut backlinks {
            list.sort_unstable_by_key(|&b| site.rank[b]);
        }
        Arc::new(backlinks)
    };
    let explicit: Vec<&[BriefId]> = per_brief.iter().map(|l| l.explicit_related.as_slice()).collect();
    let related_key = match (keep, same_model) {
        (false, _) => 0,
        (true, true) => hash::of(&(memo.related_basis, &explicit)),
        (true, false) => hash::of(&(related_basis(site), &explicit)),
    };
    graph.related = if keep && memo.related_key == related_key && memo.related.len() == site.briefs.len() {
        memo.related.clone()
    } else {
        Arc::new(related_briefs(site, &explicit))
    };
    // Neighbours follow from the sections' lists and the date order.
    let neighbours_key = match (keep, same_model) {
        (false, _) => 0,
        (true, true) => memo.neighbours.as_ref().map_or(0, |(key, _)| *key),
        (true, false) => hash::of(&(&site.rank, site.sections.iter().map(|s| &s.briefs).collect::<Vec<_>>())),
    };
    let neighbours = match &memo.neighbours {
        Some((key, neighbours)) if keep && *key == neighbours_key => neighbours.clone(),
        _ => Arc::new(neighbours(site)),
    };
    graph.neighbours = neighbours.clone();
    if keep {
        if !same_model {
            memo.related_basis = related_basis(site);
        }
        memo.model = (site.key, routes.key);
        memo.rank = rank;
        memo.structure = structure;
        memo.index = Some(index);
        memo.faces = faces;
        memo.briefs = per_brief.clone();
        memo.backlinks = graph.backlinks.clone();
        memo.neighbours = Some((neighbours_key, neighbours));
        memo.related_key = related_key;
        memo.related = graph.related.clone();
    }
    graph.briefs = per_brief;
    (graph, diagnostics)
}

/// What related briefs are computed from, besides the `related:` lists: every brief's date rank
/// and terms, with their labels.
fn related_basis(site: &Site) -> u64 {
    let mut h = hash::hasher();
    site.rank.hash(&mut h);
    for brief in &site.briefs {
        brief.terms.hash(&mut h);
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

/// Previous (older) and next (newer) brief of each brief within its section, by date.
fn neighbours(site: &Site) -> (Vec<Option<BriefId>>, Vec<Option<BriefId>>) {
    let mut previous = vec![None; site.briefs.len()];
    let mut next = vec![None; site.briefs.len()];
    for section in &site.sections {
        let mut by_date = section.briefs.clone();
        by_date.sort_unstable_by_key(|&b| site.rank[b]);
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
///
/// Briefs are handled by their position in the date order (their rank), postings hold ranks,
/// and scores are kept by rank: the candidates of a brief are briefs of nearby dates, so the
/// scores it touches lie close together in memory.
pub fn related_briefs(site: &Site, explicit: &[&[BriefId]]) -> Vec<Vec<Related>> {
    let n = site.briefs.len();
    let total = n.max(1) as f64;
    let rank = &site.rank;
    // Global term ids, their weight, label, and postings as ranks (ascending: newest first).
    let mut term_base = Vec::with_capacity(site.taxonomies.len());
    let mut postings: Vec<Vec<u32>> = Vec::new();
    let mut labels: Vec<&str> = Vec::new();
    for taxonomy in &site.taxonomies {
        term_base.push(postings.len());
        for term in &taxonomy.terms {
            postings.push(term.briefs.iter().map(|&b| rank[b] as u32).collect());
            labels.push(&term.label);
        }
    }
    let weight: Vec<f64> = postings.iter().map(|p| (total / p.len() as f64).ln()).collect();
    // A brief's terms are sorted by (taxonomy, term): their global ids are sorted too.
    let terms_of = |b: BriefId| site.briefs[b].terms.iter().map(|&(t, term)| term_base[t] + term);
    let by_rank: Vec<Vec<Related>> = site
        .by_date
        .par_iter()
        .map_init(
            // Per thread: a score per rank, and the ranks whose score was touched.
            || (vec![0f64; n], Vec::<u32>::new()),
            |(scores, touched), &b| {
                let own = rank[b] as u32;
                for t in terms_of(b) {
                    let list = &postings[t];
                    let window = if list.len() <= RELATED_SCAN {
                        &list[..]
                    } else {
                        let at = list.partition_point(|&r| r < own);
                        let start = at.saturating_sub(RELATED_SCAN / 2).min(list.len() - RELATED_SCAN);
                        &list[start..start + RELATED_SCAN]
                    };
                    for &other in window {
                        let score = &mut scores[other as usize];
                        if *score == 0.0 {
                            touched.push(other);
                        }
                        *score += weight[t];
                    }
                }
                let explicit = explicit[b];
                // The best few by score, then newest first (a lower rank is newer): a small
                // sorted list, not a sort of every candidate.
                let wanted = RELATED_COUNT.saturating_sub(explicit.len());
                let mut best: Vec<(f64, u32)> = Vec::with_capacity(wanted + 1);
                for &other in touched.iter() {
                    let score = std::mem::take(&mut scores[other as usize]);
                    if other == own || score <= 0.0 || wanted == 0 {
                        continue;
                    }
                    let better = |x: &(f64, u32)| x.0 > score || (x.0 == score && x.1 < other);
                    // Most candidates do not beat the last of a full list: one comparison.
                    if best.len() == wanted && best.last().is_some_and(better) {
                        continue;
                    }
                    if explicit.contains(&site.by_date[other as usize]) {
                        continue;
                    }
                    let at = best.iter().take_while(|x| better(x)).count();
                    best.insert(at, (score, other));
                    best.truncate(wanted);
                }
                touched.clear();
                let mut related: Vec<Related> =
                    explicit.iter().map(|&brief| Related { brief, shared: vec![], shared_hash: 0 }).collect();
                for (_, other) in best {
                    let other = site.by_date[other as usize];
                    let theirs: Vec<usize> = terms_of(other).collect();
                    let mut shared: Vec<usize> = terms_of(b).filter(|t| theirs.binary_search(t).is_ok()).collect();
                    shared.sort_by(|x, y| weight[*y].total_cmp(&weight[*x]).then(x.cmp(y)));
                    // The same label can name a term of two taxonomies (an actor and a topic).
                    let mut names: Vec<String> = Vec::new();
                    for &t in &shared {
                        if names.len() < 3 && !names.iter().any(|n| n == labels[t]) {
                            names.push(labels[t].to_string());
                        }
                    }
                    let shared_hash = hash::of(&names);
                    related.push(Related { brief: other, shared: names, shared_hash });
                }
                related
            },
        )
        .collect();
    // Back from date order to brief order.
    let mut related: Vec<Vec<Related>> = vec![Vec::new(); n];
    for (list, &b) in by_rank.into_iter().zip(&site.by_date) {
        related[b] = list;
    }
    related
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
        assert!(is_unsafe_scheme("java\tscript:alert(1)"));
        assert!(is_unsafe_scheme("data:text/html,x"));
        assert!(is_unsafe_scheme("VBScript:x"));
        assert!(!is_unsafe_scheme("https://example.org/javascript:"));
    }
}
