//! Links are a stage of their own: every link of every brief is resolved against the whole site,
//! giving the URLs the renderer writes, the diagnostics for broken ones, and the link graph
//! (outgoing links, backlinks), related briefs and previous/next. URLs come from the route table.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::hash;
use crate::markdown::{Analysis, LinkKind, LinkOutput, LinkRef};
pub use crate::related::Related;

mod index;
mod paths;
use crate::parse::Parsed;
use crate::related::{related_basis, related_briefs, update_related, Basis};
use crate::routes::Routes;
use crate::site::{BriefId, Site};
use crate::suggest;
use index::{problem, Failure, Index, Target};

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
    /// Whether some link is written from the site root (see `is_rooted`).
    rooted: bool,
}

#[derive(Debug, Default)]
pub struct LinkGraph {
    /// Per brief, its resolved links.
    pub briefs: Vec<Arc<BriefLinks>>,
    /// Per section, what the renderer writes for the links of its `_index.md`, and its hash.
    pub section_outputs: Vec<(Vec<LinkOutput>, u64)>,
    /// The same for each `_index.<code>.md`, by its path.
    pub translated_outputs: std::collections::HashMap<String, (Vec<LinkOutput>, u64)>,
    /// Per term record, what the renderer writes for the links of its description, and its hash.
    pub record_outputs: Vec<(Vec<LinkOutput>, u64)>,
    /// Per brief, the distinct briefs that link to it, newest first.
    pub backlinks: Arc<Vec<Vec<BriefId>>>,
    pub related: Arc<crate::related::RelatedLists>,
    /// Per brief, the previous (older) and next (newer) brief of its section by date.
    pub neighbours: Neighbours,
    /// Where bodies name terms that have records (see `mentions.rs`).
    pub mentions: crate::mentions::Mentions,
    /// Each brief's citations formatted, and who cites each source (see `citations`).
    pub citations: Arc<crate::citations::Citations>,
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

/// What resolving links needs to know of the whole build.
struct Resolver<'a> {
    index: &'a Index,
    site: &'a Site,
    routes: &'a Routes,
    config: &'a SiteConfig,
    /// Every file by its path, made when a link from the site root first needs it.
    paths: std::sync::OnceLock<paths::Paths>,
}

impl Resolver<'_> {
    fn paths(&self) -> &paths::Paths {
        self.paths.get_or_init(|| paths::Paths::new(self.routes))
    }
}

/// Resolves the links of one document (a brief, a section's `_index.md`, or a brief whose
/// front-matter failed, whose links are checked all the same).
/// `lang`: the document's language (a brief's, or a translated introduction's).
fn resolve_document(resolver: &Resolver, parsed: &Parsed, self_brief: Option<BriefId>, lang: usize) -> BriefLinks {
    let (index, site, routes, config) = (resolver.index, resolver.site, resolver.routes, resolver.config);
    let analysis = &parsed.analysis;
    let folder = parsed.facts.folder.as_str();
    let mut links = BriefLinks {
        outputs: Vec::with_capacity(analysis.links.len()),
        text: parsed.file.hash,
        ..BriefLinks::default()
    };
    for link in &analysis.links {
        links.rooted |= is_rooted(link);
        let mut target = resolve_link(resolver, folder, link);
        // A wikilink goes to the version of its target in the linking brief's language.
        if let Ok(Target::Brief(b, None)) = &mut target {
            if matches!(link.kind, LinkKind::Wiki { .. } | LinkKind::Embed) {
                *b = site.version_in(*b, lang);
            }
        }
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
                    (LinkKind::Wiki { has_label: false } | LinkKind::Embed, Target::Brief(b, _)) => {
                        Some(site.briefs[*b].title().to_string())
                    }
                    _ => None,
                };
                let target_brief = match &target {
                    Target::Brief(b, _) => Some(*b),
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
                    Target::External(url) if !config.raw_html && crate::scheme::is_unsafe(&url) => {
                        links.diagnostics.push(
                            Diagnostic::warning(
                                Code::UnsafeUrl,
                                crate::scheme::unsafe_message("the link", &url, "it is written as `#`"),
                            )
                            .at(parsed.location(link.span.clone()))
                            .help(crate::scheme::UNSAFE_HELP),
                        );
                        crate::scheme::REPLACEMENT.to_string()
                    }
                    Target::External(url) => url,
                };
                // A brief in another language than the linking one says so.
                let hreflang = match target_brief {
                    Some(t) if lang != site.briefs[t].lang => {
                        Some(crate::site::language_code(config, site.briefs[t].lang).to_string())
                    }
                    _ => None,
                };
                LinkOutput::Href { url, label, hreflang }
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
    // `image:` is checked like a Markdown image: a file of the site.
    let image = parsed.front.as_ref().and_then(|f| f.image.as_ref()).filter(|i| !i.value.starts_with("//"));
    if let Some(image) = image {
        let link = LinkRef {
            kind: LinkKind::Image,
            dest: image.value.clone(),
            title: String::new(),
            span: image.span.clone(),
            text_is_url: false,
        };
        links.rooted |= is_rooted(&link);
        if let Err(Failure::Report { code, message, help }) = resolve_link(resolver, folder, &link) {
            let message = format!("`image`: {message}");
            let d = if config.broken_links_warn {
                Diagnostic::warning(code, message)
            } else {
                Diagnostic::error(code, message)
            };
            links.diagnostics.push(d.at(parsed.location(image.span.clone())).help(help));
        }
    }
    if let (Some(b), Some(front)) = (self_brief, &parsed.front) {
        for name in &front.related {
            // The version of the named brief in this brief's language, when it has one.
            match index.by_name(site, &name.value).map(|target| site.version_in(target, lang)) {
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

/// Whether a link is written from the site root (`/briefs/x/`): it resolves against the route
/// table, so it is resolved again whenever the table changes.
fn is_rooted(link: &LinkRef) -> bool {
    matches!(link.kind, LinkKind::Markdown | LinkKind::Image) && link.dest.trim_start().starts_with('/')
}

fn resolve_link(resolver: &Resolver, folder: &str, link: &LinkRef) -> Result<Target, Failure> {
    let (index, site) = (resolver.index, resolver.site);
    let dest = link.dest.trim();
    match link.kind {
        LinkKind::Wiki { .. } => {
            let (name, anchor) = split_anchor(dest);
            if name.is_empty() {
                return Ok(Target::Path(format!("#{}", anchor.unwrap_or_default())));
            }
            index.by_name(site, name).map(|b| Target::Brief(b, anchor.map(str::to_owned)))
        }
        LinkKind::Embed => {
            // `![[map.png]]` shows a file; `![[note]]` links to a note.
            let (name, anchor) = split_anchor(dest);
            let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            match extension.as_deref() {
                Some(e) if e != "md" && e != "markdown" && !e.contains(['/', ' ']) => index.embedded_file(folder, name),
                _ => index.by_name(site, name).map(|b| Target::Brief(b, anchor.map(str::to_owned))),
            }
        }
        LinkKind::Markdown | LinkKind::Image => {
            if dest.is_empty() {
                return Ok(Target::External(String::new()));
            }
            if crate::scheme::has_scheme(dest) || dest.starts_with("//") {
                return Ok(Target::External(dest.to_string()));
            }
            let (path, anchor) = split_anchor(dest);
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Ok(Target::Path(format!("#{}", anchor.unwrap_or_default())));
            }
            let target = match path.strip_prefix('/') {
                Some(rooted) => {
                    let decoded = crate::routes::percent_decode(rooted).unwrap_or_else(|| rooted.to_string());
                    resolver.paths().resolve(&decoded)?
                }
                None => index.by_relative_path(folder, path)?,
            };
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
    related: Arc<crate::related::RelatedLists>,
    /// What they were computed from, to compute again only the lists a change touched.
    related_from: Basis,
}

type Neighbours = Arc<(Vec<Option<BriefId>>, Vec<Option<BriefId>>)>;

/// Everything a link can resolve to, and how it is written: ids, slugs and URLs of briefs, the
/// briefs left out, sections and files with their URLs, and the settings that change what a link
/// becomes. (Not the whole route table: a new term changes no link.)
fn structure_key(site: &Site, routes: &Routes, config: &SiteConfig) -> u64 {
    let mut h = hash::hasher();
    (&routes.urls, config.raw_html, config.broken_links_warn).hash(&mut h);
    // Each brief's id, slugs and names are in its place key; the table keeps a key of their URLs.
    for brief in &site.briefs {
        brief.parsed.place_key.hash(&mut h);
    }
    routes.brief_urls_key().hash(&mut h);
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
    let resolver = Resolver { index: &index, site, routes, config, paths: Default::default() };
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
                let same_table = !links.rooted || memo.model.1 == routes.key;
                if links.text == brief.file_hash && same_table && !links.consulted.iter().any(|&c| changed_face[c]) {
                    return links.clone();
                }
            }
            Arc::new(resolve_document(&resolver, &brief.parsed, Some(b), brief.lang))
        })
        .collect();

    let mut graph = LinkGraph::default();
    let mut diagnostics = Vec::new();
    for links in &per_brief {
        diagnostics.extend(links.diagnostics.iter().cloned());
    }
    for parsed in &site.failed {
        diagnostics.extend(resolve_document(&resolver, parsed, None, 0).diagnostics);
    }
    for section in &site.sections {
        let outputs = match &section.index {
            Some(parsed) => {
                let links = resolve_document(&resolver, parsed, None, 0);
                diagnostics.extend(links.diagnostics);
                (links.outputs, links.hash)
            }
            None => (Vec::new(), 0),
        };
        graph.section_outputs.push(outputs);
        for (lang, _, parsed) in &section.translated_index {
            let links = resolve_document(&resolver, parsed, None, *lang);
            diagnostics.extend(links.diagnostics);
            graph.translated_outputs.insert(parsed.file.rel_path.clone(), (links.outputs, links.hash));
        }
    }
    for record in &site.records {
        let links = resolve_document(&resolver, &record.parsed, None, 0);
        diagnostics.extend(links.diagnostics);
        graph.record_outputs.push((links.outputs, links.hash));
    }

    // Backlinks change only when some brief's outgoing links do, or the date order (they are
    // newest first).
    let rank = match (keep, same_model) {
        (true, true) => memo.rank,
        (true, false) => hash::of(&site.rank),
        (false, _) => 0,
    };
    let same_outgoing = reusable
        && per_brief.iter().zip(&memo.briefs).all(|(new, old)| Arc::ptr_eq(new, old) || new.outgoing == old.outgoing);
    let by_rank = |list: &Vec<BriefId>| list.is_sorted_by_key(|&b| site.rank[b]);
    graph.backlinks = if same_outgoing && (rank == memo.rank || memo.backlinks.iter().all(by_rank)) {
        memo.backlinks.clone()
    } else if same_outgoing {
        // A new date: the same lists, the few the moved brief is on sorted again.
        let mut backlinks = Vec::clone(&memo.backlinks);
        for list in backlinks.iter_mut().filter(|list| !by_rank(list)) {
            list.sort_unstable_by_key(|&b| site.rank[b]);
        }
        Arc::new(backlinks)
    } else {
        let mut backlinks = vec![Vec::new(); site.briefs.len()];
        for (source, links) in per_brief.iter().enumerate() {
            // A page lists the briefs of its own language that link to it.
            for &t in links.outgoing.iter().filter(|&&t| site.briefs[t].lang == site.briefs[source].lang) {
                backlinks[t].push(source);
            }
        }
        for list in &mut backlinks {
            list.sort_unstable_by_key(|&b| site.rank[b]);
        }
        Arc::new(backlinks)
    };
    let explicit: Vec<&[BriefId]> = per_brief.iter().map(|l| l.explicit_related.as_slice()).collect();
    let basis = match (keep, same_model) {
        (false, _) => 0,
        (true, true) => memo.related_basis,
        (true, false) => related_basis(site),
    };
    let related_key = if keep { hash::of(&(basis, &explicit)) } else { 0 };
    graph.related = if keep && memo.related_key == related_key && memo.related.len() == site.briefs.len() {
        memo.related.clone()
    } else if keep {
        let (related, basis) = update_related(site, &explicit, &memo.related_from, &memo.related);
        memo.related_from = basis;
        Arc::new(related)
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
        memo.related_basis = basis;
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

/// Previous (older) and next (newer) brief of each brief within its section, by date.
fn neighbours(site: &Site) -> (Vec<Option<BriefId>>, Vec<Option<BriefId>>) {
    let mut previous = vec![None; site.briefs.len()];
    let mut next = vec![None; site.briefs.len()];
    // Within one language: a Korean brief's neighbours are Korean briefs.
    for list in site.sections.iter().flat_map(|s| (0..s.briefs.languages()).map(|l| s.briefs.of(l))) {
        let mut by_date = list.to_vec();
        by_date.sort_unstable_by_key(|&b| site.rank[b]);
        for pair in by_date.windows(2) {
            // newest first: pair[0] is newer than pair[1]
            previous[pair[0]] = Some(pair[1]);
            next[pair[1]] = Some(pair[0]);
        }
    }
    (previous, next)
}
