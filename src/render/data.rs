//! The data files of the site: `graph.json` (a large array with an item per brief, written from
//! the JSON of its items, serialized in parallel and kept by `watch` between writings),
//! `terms.json`, `sources.json`; and what the search index (`search/`) shares with them.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::{Serialize, Serializer};

use crate::frontmatter::Date;
use crate::hash::{self, FastMap};
use crate::links::{BriefLinks, LinkGraph};
use crate::routes::Routes;
use crate::site::{BriefId, Site};

use super::Render;

/// The JSON of each item of the large arrays of the graph (a node, a brief's edges, a source's
/// node, who cites it, who is about a term), kept between writings by `watch`, by a hash of the
/// item: an item whose data is unchanged is not serialized again.
#[derive(Default)]
pub struct JsonParts {
    pub(super) graph: GraphParts,
    /// The entries of `sources.json`.
    pub(super) sources: Parts,
    edge_keys: Mutex<EdgeKeys>,
}

/// The parts of `graph.json`, by group.
#[derive(Default)]
pub struct GraphParts {
    briefs: Parts,
    sources: Parts,
    links: Parts,
    cites: Parts,
    about: Parts,
}

/// The key of each brief's edges, with the links and node keys it was made from.
#[derive(Default)]
struct EdgeKeys {
    links: Vec<Arc<BriefLinks>>,
    nodes: Vec<u64>,
    keys: Vec<u64>,
}

/// The key of a brief's edges: of its node and its targets' nodes (which hold their ids).
fn edge_key(graph: &LinkGraph, nodes: &[u64], b: BriefId) -> u64 {
    let targets = graph.outgoing(b);
    let mut h = hash::hasher();
    (nodes[b], targets.len()).hash(&mut h);
    targets.iter().for_each(|&t| nodes[t].hash(&mut h));
    h.finish()
}

impl EdgeKeys {
    /// The key of each brief's edges, made again for a brief whose links changed, or which
    /// links to a node that changed.
    fn update(&mut self, site: &Site, graph: &LinkGraph, nodes: &[u64]) -> Vec<u64> {
        let n = site.briefs.len();
        let key = |b: BriefId| edge_key(graph, nodes, b);
        if self.keys.len() != n || self.links.len() != n || self.nodes.len() != n {
            self.keys = (0..n).into_par_iter().map(key).collect();
            self.links = graph.briefs.clone();
            self.nodes = nodes.to_vec();
            return self.keys.clone();
        }
        let mut again: Vec<bool> = (0..n).map(|b| !Arc::ptr_eq(&self.links[b], &graph.briefs[b])).collect();
        for c in (0..n).filter(|&c| self.nodes[c] != nodes[c]) {
            again[c] = true;
            graph.backlinks[c].iter().for_each(|&b| again[b] = true);
        }
        for b in (0..n).filter(|&b| again[b]) {
            self.keys[b] = key(b);
            self.links[b] = graph.briefs[b].clone();
        }
        self.nodes.copy_from_slice(nodes);
        self.keys.clone()
    }
}

/// The items of a group as last written, by position, with their keys.
type Parts = Mutex<Vec<(u64, Arc<[u8]>)>>;

/// Writes items as members of the JSON array `out` is writing (a comma before each but the
/// array's first): item `i`, of key `keys[i]`, is taken from `memo` when an item of the same
/// key was written last time (looked for at the same position first), else made by `json(i)`
/// (in parallel). An empty item is no member.
fn json_items(out: &mut Vec<u8>, keys: &[u64], json: impl Fn(usize) -> Vec<u8> + Sync, memo: Option<&Parts>) {
    let last = memo.map(|m| std::mem::take(&mut *m.lock().unwrap_or_else(|e| e.into_inner()))).unwrap_or_default();
    let moved: OnceLock<FastMap<u64, &Arc<[u8]>>> = OnceLock::new();
    let find = |i: usize, key: u64| match last.get(i) {
        Some((k, part)) if *k == key => Some(part.clone()),
        _ => moved.get_or_init(|| last.iter().map(|(k, p)| (*k, p)).collect()).get(&key).map(|p| (*p).clone()),
    };
    let parts: Vec<(u64, Arc<[u8]>)> = keys
        .par_iter()
        .enumerate()
        .map(|(i, &key)| (key, find(i, key).unwrap_or_else(|| Arc::from(json(i)))))
        .collect();
    for (_, part) in parts.iter().filter(|(_, p)| !p.is_empty()) {
        if out.last() != Some(&b'[') {
            out.push(b',');
        }
        out.extend_from_slice(part);
    }
    if let Some(memo) = memo {
        *memo.lock().unwrap_or_else(|e| e.into_inner()) = parts;
    }
}

/// The entries a brief cites or lists, in library order.
pub(super) fn sources_of(citations: &crate::citations::Citations, b: BriefId) -> Vec<usize> {
    let mut entries: Vec<usize> = citations
        .of_brief
        .get(b)
        .and_then(|c| c.as_deref())
        .map_or_else(Vec::new, |c| c.references.iter().map(|r| r.entry).collect());
    entries.sort_unstable();
    entries
}

/// Every other name of a term with a record (its title and `names` other than its label in
/// `lang`, and `aka`), joined by ` · `.
pub(super) fn other_names(site: &Site, term: &crate::site::Term, lang: usize) -> String {
    let Some(record) = term.record.map(|r| &site.records[r]) else { return String::new() };
    let fields = record.fields();
    let label = term.label_in(lang);
    let title = std::iter::once(term.label.as_str()).filter(|t| *t != label);
    let names = fields.names.iter().map(|(_, n)| n.value.as_str()).filter(|n| *n != label);
    let names = title.chain(names).chain(fields.aka.iter().map(|a| a.value.as_str()));
    names.collect::<Vec<_>>().join(" \u{b7} ")
}

/// A date written `yyyy-mm-dd`, or `""`; it hashes as the date.
#[derive(Hash)]
pub struct Ymd(pub Option<Date>);

impl Serialize for Ymd {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.map(|d| d.ymd()).unwrap_or_default())
    }
}

/// A source or term in the link graph: `{"kind":"source","id":"sources/<key>",…}`.
#[derive(Serialize)]
struct SourceNode<'a> {
    kind: &'static str,
    id: &'a str,
    url: &'a str,
    title: &'a str,
    count: usize,
}

/// An edge of the graph: `{"source","target"}`, and its kind unless it is a link.
#[derive(Serialize)]
struct Edge<'a> {
    source: &'a str,
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
}

/// A brief in the link graph.
#[derive(Serialize, Hash)]
pub struct GraphNode<'a> {
    kind: &'static str,
    id: &'a str,
    url: &'a str,
    title: &'a str,
    section: &'a str,
    date: Option<Ymd>,
    terms: TermsByTaxonomy<'a>,
}

/// A brief's term labels grouped by taxonomy name (`{"actors": [...], "topics": [...]}`); it
/// hashes as the same names and labels, in the same order.
pub struct TermsByTaxonomy<'a> {
    site: &'a Site,
    terms: &'a [(usize, usize)],
}

impl TermsByTaxonomy<'_> {
    fn grouped(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for &(t, term) in self.terms {
            let taxonomy = &self.site.taxonomies[t];
            map.entry(taxonomy.name.as_str()).or_default().push(&taxonomy.terms[term].label);
        }
        map
    }
}

impl Hash for TermsByTaxonomy<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for &(t, term) in self.terms {
            (t, &self.site.taxonomies[t].terms[term].label).hash(state);
        }
    }
}

impl Serialize for TermsByTaxonomy<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.grouped().serialize(serializer)
    }
}

/// The links of the site as `{source, target}` ids, each brief's targets sorted: per brief (in
/// the order of the nodes), a key of its edges, made from the keys of its node and of its
/// targets' nodes (which hold their ids).
pub struct Edges(Vec<u64>);

/// Edges of `kind` (none: links), `(source, target)` each: several members of the `edges` array.
fn edges_json<'e>(edges: impl Iterator<Item = (&'e str, &'e str)>, kind: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (source, target)) in edges.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut out, &Edge { source, target, kind });
    }
    out
}

/// The key of a library entry's item in a large file: `base` (what the file shows of the entry)
/// and the briefs citing it, by position.
fn citing_key(base: impl Hash, citing: &[crate::citations::CitedBy]) -> u64 {
    let mut h = hash::hasher();
    // The count first: foldhash does not tell `[2]` from `[2, 0]` without it.
    (base, citing.len()).hash(&mut h);
    citing.iter().for_each(|c| c.brief.hash(&mut h));
    h.finish()
}

impl Hash for Edges {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// `graph.json`: `{"nodes": [{id, url, title, section, date, terms}], "edges": [{source, target}]}`.
/// A view of the site, made when written: it hashes as the nodes and the links between them.
pub struct Graph<'a> {
    site: &'a Site,
    routes: &'a Routes,
    graph: &'a LinkGraph,
    edges: Edges,
    /// The hash of each brief's node.
    node_keys: &'a [u64],
    /// `watch`'s key of the model and route table (0: none): it stands for the sources' and
    /// terms' nodes and the terms' edges, which come from those alone.
    model_key: u64,
}

impl Hash for Graph<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for &b in &self.site.by_id {
            self.node_keys[b].hash(state);
        }
        self.edges.hash(state);
        // Which briefs cite a source comes from their text: its key, with which brief is which.
        (self.graph.citations.cited_by_key, &self.site.by_id).hash(state);
        if self.model_key != 0 {
            self.model_key.hash(state);
            return;
        }
        for (i, entry) in self.site.library.entries.iter().enumerate() {
            (&entry.key, &entry.title, self.routes.source(i).url()).hash(state);
        }
        for (t, taxonomy) in self.site.taxonomies.iter().enumerate() {
            for (i, term) in taxonomy.terms.iter().enumerate() {
                (&term.slug, &term.label, self.routes.term(t, i, 1).url()).hash(state);
                for &b in term.briefs.iter() {
                    self.site.briefs[b].id().hash(state);
                }
            }
        }
    }
}

/// A term in the link graph: `{"kind":"term","id":"topics/opcon-transfer",…}`.
#[derive(Serialize)]
struct TermNode<'a> {
    kind: &'static str,
    id: String,
    url: &'a str,
    title: &'a str,
    taxonomy: &'a str,
    count: usize,
}

/// A brief's node in the link graph.
pub fn graph_node<'a>(site: &'a Site, routes: &'a Routes, b: BriefId) -> GraphNode<'a> {
    let brief = &site.briefs[b];
    GraphNode {
        kind: "brief",
        id: brief.id(),
        url: routes.brief(b).url(),
        title: brief.title(),
        section: &site.sections[brief.section].folder,
        date: brief.front().date.map(|d| Ymd(Some(d))),
        terms: TermsByTaxonomy { site, terms: &brief.terms },
    }
}

impl<'a> Graph<'a> {
    pub(super) fn write(&self, memo: Option<&GraphParts>) -> Vec<u8> {
        let (site, routes, citations) = (self.site, self.routes, &self.graph.citations);
        let entries = &site.library.entries;
        let id = |b: BriefId| site.briefs[b].id();
        let citing = |i: usize| citations.cited_by.get(i).map_or(&[][..], Vec::as_slice);
        let terms: Vec<(&crate::site::Taxonomy, usize)> =
            site.taxonomies.iter().flat_map(|t| (0..t.terms.len()).map(move |i| (t, i))).collect();
        // The keys of the groups whose items are not kept elsewhere: what each item writes,
        // with briefs by position and every brief's id hashed once.
        let ids = {
            let mut h = hash::hasher();
            site.briefs.iter().for_each(|b| b.id().hash(&mut h));
            h.finish()
        };
        let source_keys: Vec<u64> = (0..entries.len())
            .into_par_iter()
            .map(|i| citing_key((&entries[i].key, &entries[i].title, routes.source(i).url(), ids), citing(i)))
            .collect();
        let about_keys: Vec<u64> = terms
            .iter()
            .map(|&(taxonomy, i)| {
                hash::of(&(&taxonomy.name, &taxonomy.terms[i].slug, &taxonomy.terms[i].briefs[..], ids))
            })
            .collect();
        let node_keys: Vec<u64> = site.by_id.iter().map(|&b| self.node_keys[b]).collect();
        let node = |i: usize| serde_json::to_vec(&graph_node(site, routes, site.by_id[i])).unwrap_or_default();
        let links = |i: usize| {
            let b = site.by_id[i];
            let mut targets: Vec<&str> = self.graph.outgoing(b).iter().map(|&t| id(t)).collect();
            targets.sort_unstable();
            edges_json(targets.iter().map(|&target| (id(b), target)), None)
        };
        // `{"kind":"source","id":"sources/<key>",…}`.
        let source = |i: usize| {
            let id = format!("sources/{}", entries[i].key);
            let (url, count) = (routes.source(i).url(), citing(i).len());
            let node = SourceNode { kind: "source", id: &id, url, title: &entries[i].title, count };
            serde_json::to_vec(&node).unwrap_or_default()
        };
        let cites = |i: usize| {
            let mut sources: Vec<&str> = citing(i).iter().map(|c| id(c.brief)).collect();
            sources.sort_unstable();
            let target = format!("sources/{}", entries[i].key);
            edges_json(sources.iter().map(|&source| (source, target.as_str())), Some("cites"))
        };
        let about = |i: usize| {
            let (taxonomy, t) = terms[i];
            let mut sources: Vec<&str> = taxonomy.terms[t].briefs.iter().map(|&b| id(b)).collect();
            sources.sort_unstable();
            let target = taxonomy.term_key(t);
            edges_json(sources.iter().map(|&source| (source, target.as_str())), Some("about"))
        };
        let mut out = Vec::with_capacity(node_keys.len() * 2400);
        out.extend_from_slice(b"{\"nodes\":[");
        json_items(&mut out, &node_keys, node, memo.map(|m| &m.briefs));
        // Terms after briefs, and edges from each brief to its terms after the links.
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            for (i, term) in taxonomy.terms.iter().enumerate() {
                let node = TermNode {
                    kind: "term",
                    id: taxonomy.term_key(i),
                    url: routes.term(t, i, 1).url(),
                    title: &term.label,
                    taxonomy: &taxonomy.name,
                    count: term.briefs.len(),
                };
                if out.last() != Some(&b'[') {
                    out.push(b',');
                }
                out.extend_from_slice(&serde_json::to_vec(&node).unwrap_or_default());
            }
        }
        // Sources after terms.
        json_items(&mut out, &source_keys, source, memo.map(|m| &m.sources));
        out.extend_from_slice(b"],\"edges\":[");
        json_items(&mut out, &self.edges.0, links, memo.map(|m| &m.links));
        json_items(&mut out, &source_keys, cites, memo.map(|m| &m.cites));
        json_items(&mut out, &about_keys, about, memo.map(|m| &m.about));
        out.extend_from_slice(b"]}\n");
        out
    }
}

impl<'a> Render<'a> {
    pub(super) fn graph_file(&'a self) -> Graph<'a> {
        let site = self.site;
        let nodes = &self.node_keys;
        let by_brief = match self.parts {
            Some(parts) => parts.edge_keys.lock().unwrap_or_else(|e| e.into_inner()).update(site, self.graph, nodes),
            None => (0..site.briefs.len()).into_par_iter().map(|b| edge_key(self.graph, nodes, b)).collect(),
        };
        let edges = Edges(site.by_id.iter().map(|&b| by_brief[b]).collect());
        Graph { site, routes: self.routes, graph: self.graph, edges, node_keys: nodes, model_key: self.model_key }
    }
}

/// `terms.json`: every term of every taxonomy, `[{id, taxonomy, title, names, aka, url, count,
/// wikidata}]`, for other tools (`url` is absolute when `base_url` has an origin).
pub struct TermsFile<'a> {
    pub site: &'a Site,
    pub routes: &'a Routes,
}

impl Hash for TermsFile<'_> {
    /// As what `write` reads: each term, its page and its record.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (site, routes) = (self.site, self.routes);
        routes.urls.origin.hash(state);
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            for (i, term) in taxonomy.terms.iter().enumerate() {
                let fields = term.record.map(|r| site.records[r].fields());
                (&taxonomy.name, &term.slug, &term.label, term.briefs.len(), routes.term(t, i, 1).url(), fields)
                    .hash(state);
            }
        }
    }
}

impl TermsFile<'_> {
    pub(super) fn write(&self) -> Vec<u8> {
        let (site, routes) = (self.site, self.routes);
        let mut terms = Vec::new();
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            for (i, term) in taxonomy.terms.iter().enumerate() {
                let route = routes.term(t, i, 1);
                let fields = term.record.map(|r| site.records[r].fields());
                let names: BTreeMap<&str, &str> = fields
                    .map_or(BTreeMap::new(), |f| f.names.iter().map(|(l, n)| (l.as_str(), n.value.as_str())).collect());
                let aka: Vec<&str> = fields.map_or(Vec::new(), |f| f.aka.iter().map(|a| a.value.as_str()).collect());
                terms.push(serde_json::json!({
                    "id": term.slug,
                    "taxonomy": taxonomy.name,
                    "title": term.label,
                    "names": names,
                    "aka": aka,
                    "url": routes.absolute(route).unwrap_or_else(|| route.url().to_string()),
                    "count": term.briefs.len(),
                    "wikidata": fields.and_then(|f| f.wikidata.as_deref()),
                }));
            }
        }
        let mut out = serde_json::to_vec(&terms).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// `sources.json`: every source of the library, `[{key, title, reference, url, page, doi,
/// archived, cited_by: [brief URLs]}]`, for other tools (URLs absolute when `base_url` has an
/// origin).
pub struct SourcesFile<'a> {
    pub site: &'a Site,
    pub routes: &'a Routes,
    pub citations: &'a crate::citations::Citations,
    pub urls: &'a super::UrlKeys,
    /// The build identity (it covers the citation style the references are formatted in).
    pub identity: u64,
}

impl Hash for SourcesFile<'_> {
    /// As what `write` reads: each entry and its reference (the library, and the style, which
    /// the build identity covers), its page and the pages citing it (their URLs), and who cites
    /// it.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let urls = (self.urls.all_briefs, self.urls.sources);
        (self.site.library.key, urls, &self.routes.urls.origin, self.citations.cited_by_key).hash(state);
    }
}

impl SourcesFile<'_> {
    /// Written from the JSON of each entry, kept by `watch` (`memo`) while its key is the same:
    /// the library, the URLs, the style and which briefs cite it.
    pub(super) fn write(&self, memo: Option<&Parts>) -> Vec<u8> {
        let (site, routes) = (self.site, self.routes);
        let absolute = |route| routes.absolute(route).unwrap_or_else(|| route.url().to_string());
        let citing = |i: usize| self.citations.cited_by.get(i).map_or(&[][..], Vec::as_slice);
        let base = (self.site.library.key, self.urls.all_briefs, self.urls.sources, &routes.urls.origin, self.identity);
        let base = hash::of(&base);
        let keys: Vec<u64> =
            (0..site.library.entries.len()).into_par_iter().map(|i| citing_key((base, i), citing(i))).collect();
        let entry = |i: usize| {
            let entry = &site.library.entries[i];
            let reference = self.citations.references.get(i).map_or("", String::as_str);
            let cited_by: Vec<String> = citing(i).iter().map(|c| absolute(routes.brief(c.brief))).collect();
            let value = serde_json::json!({
                "key": entry.key,
                "title": entry.title,
                "reference": crate::citations::plain_of(reference),
                "url": entry.url,
                "doi": entry.doi,
                "archived": entry.archived,
                "issued": entry.issued(),
                "page": absolute(routes.source(i)),
                "cited_by": cited_by,
            });
            serde_json::to_vec(&value).unwrap_or_default()
        };
        let mut out = Vec::with_capacity(keys.len() * 400);
        out.push(b'[');
        json_items(&mut out, &keys, entry, memo);
        out.extend_from_slice(b"]\n");
        out
    }
}
