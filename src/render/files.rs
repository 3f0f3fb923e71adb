//! The files of the site that are not pages: the search index, the link graph, Atom feeds,
//! sitemaps, robots.txt and alias redirects. Each is a value that derives `Hash` from the data
//! it writes, so its signature, like a page's, is a hash of what it shows.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};

use crate::frontmatter::Date;
use crate::links::LinkGraph;
use crate::markdown;
use crate::routes::{Output, Page, Routes, SITEMAP_LIMIT};
use crate::site::{BriefId, Site};

use super::context::{Body, Cards};
use super::Render;

/// A generated file, before it is written.
#[derive(Hash)]
pub enum FileSpec<'a> {
    SearchIndex(SearchIndex<'a>),
    Graph(Graph<'a>),
    Feed(Feed<'a>),
    Sitemap(Sitemap<'a>),
    Robots(Option<String>),
    Redirect(&'a str),
}

impl FileSpec<'_> {
    pub fn write(&self, routes: &Routes, parts: Option<&JsonParts>) -> Vec<u8> {
        match self {
            FileSpec::SearchIndex(index) => index.write(parts.map(|p| &p.search)),
            FileSpec::Graph(graph) => graph.write(parts.map(|p| &p.graph)),
            FileSpec::Feed(feed) => feed.write(routes),
            FileSpec::Sitemap(sitemap) => sitemap.write(routes),
            FileSpec::Robots(sitemap) => match sitemap {
                Some(url) => format!("User-agent: *\nAllow: /\nSitemap: {url}\n").into_bytes(),
                None => b"User-agent: *\nAllow: /\n".to_vec(),
            },
            FileSpec::Redirect(target) => redirect_page(target).into_bytes(),
        }
    }
}

/// The JSON of each item of the large arrays of the search index and graph (a document, a node,
/// a brief's edges), kept between writings by `watch`, by a hash of the item: an item whose data
/// is unchanged is not serialized again.
#[derive(Default)]
pub struct JsonParts {
    search: Parts,
    /// Nodes, and edges.
    graph: (Parts, Parts),
}

type Parts = Mutex<HashMap<u64, Arc<[u8]>>>;

/// Writes `items` as the members of a JSON array (without the brackets), each serialized in
/// parallel, or taken from `memo` when an item of the same key was written last time.
fn json_items<T: Sync>(
    out: &mut Vec<u8>,
    items: &[(u64, T)],
    json: impl Fn(&T) -> Vec<u8> + Sync,
    memo: Option<&Parts>,
) {
    let last = memo.map(|m| std::mem::take(&mut *m.lock().unwrap_or_else(|e| e.into_inner()))).unwrap_or_default();
    let parts: Vec<Arc<[u8]>> = items
        .par_iter()
        .map(|(key, item)| match last.get(key) {
            Some(part) => part.clone(),
            None => Arc::from(json(item)),
        })
        .collect();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part);
    }
    if let Some(memo) = memo {
        *memo.lock().unwrap_or_else(|e| e.into_inner()) = items.iter().map(|(key, _)| *key).zip(parts).collect();
    }
}

/// Escapes text for XML content and attribute values (as pages escape HTML).
pub fn xml_escape(text: &str) -> String {
    markdown::escape_html(text)
}

/// `search/index.json`: only what the search page shows and matches on, in a compact array
/// form. Korean has no spaces between all words, so the page matches substrings rather than
/// whole tokens, and the index needs no tokenisation at all. A view of the site, made when
/// written: it hashes as the taxonomies and term labels, and the card and terms of each brief
/// (the card holds its title, URL, date and summary; `terms_key` its terms).
pub struct SearchIndex<'a> {
    site: &'a Site,
    routes: &'a Routes,
    cards: &'a Cards<'a>,
}

impl Hash for SearchIndex<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let site = self.site;
        for taxonomy in &site.taxonomies {
            (&taxonomy.name, &taxonomy.title, taxonomy.terms.len()).hash(state);
            for term in &taxonomy.terms {
                term.label.hash(state);
            }
        }
        for &b in &site.by_date {
            (self.cards.hash(b), site.briefs[b].terms_key).hash(state);
        }
    }
}

impl SearchIndex<'_> {
    /// `{"version":1,"taxonomies":[…],"terms":[…],"docs":[…]}`; `docs` are `[title, path from the
    /// site root, yyyy-mm-dd or "", summary, [term indexes]]`, newest first.
    fn write(&self, memo: Option<&Parts>) -> Vec<u8> {
        let site = self.site;
        let taxonomies: Vec<[&str; 2]> = site.taxonomies.iter().map(|t| [t.name.as_str(), t.title.as_str()]).collect();
        let mut terms: Vec<(usize, &str)> = Vec::new();
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            terms.extend(taxonomy.terms.iter().map(|term| (t, term.label.as_str())));
        }
        // A document's term indexes follow from its terms and where each taxonomy's terms start.
        let bases: Vec<usize> = site
            .taxonomies
            .iter()
            .scan(0, |next, t| {
                let base = *next;
                *next += t.terms.len();
                Some(base)
            })
            .collect();
        let docs: Vec<(u64, _)> = site
            .by_date
            .iter()
            .map(|&b| {
                let brief = &site.briefs[b];
                let path = self.routes.urls.path_of(self.routes.brief(b).url());
                let ids = TermIds { terms: &brief.terms, site };
                let key = crate::hash::of(&(self.cards.hash(b), &brief.terms, &bases));
                (key, (brief.title(), path, Ymd(brief.front().date), brief.summary(), ids))
            })
            .collect();
        let mut out = Vec::with_capacity(64 + docs.len() * 400);
        out.extend_from_slice(b"{\"version\":1,\"taxonomies\":");
        out.extend_from_slice(&serde_json::to_vec(&taxonomies).unwrap_or_default());
        out.extend_from_slice(b",\"terms\":");
        out.extend_from_slice(&serde_json::to_vec(&terms).unwrap_or_default());
        out.extend_from_slice(b",\"docs\":[");
        json_items(&mut out, &docs, |doc| serde_json::to_vec(doc).unwrap_or_default(), memo);
        out.extend_from_slice(b"]}\n");
        out
    }
}

/// A date written `yyyy-mm-dd`, or `""`; it hashes as the date.
#[derive(Hash)]
pub struct Ymd(Option<Date>);

impl Serialize for Ymd {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.map(|d| d.ymd()).unwrap_or_default())
    }
}

/// A brief's terms as indexes into the search index's list of every term; it hashes as the
/// brief's `(taxonomy, term)` pairs, which decide them.
pub struct TermIds<'a> {
    terms: &'a [(usize, usize)],
    site: &'a Site,
}

impl Hash for TermIds<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.terms.hash(state);
    }
}

impl Serialize for TermIds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let base = |t: usize| self.site.taxonomies[..t].iter().map(|tax| tax.terms.len()).sum::<usize>();
        let mut ids: Vec<usize> = self.terms.iter().map(|&(t, term)| base(t) + term).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.serialize(serializer)
    }
}

/// The links from one brief: several members of the `edges` array, a `{source, target}`
/// object each.
#[derive(Hash)]
struct BriefEdges<'a> {
    source: &'a str,
    targets: Vec<&'a str>,
}

impl BriefEdges<'_> {
    fn json(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Edge<'a> {
            source: &'a str,
            target: &'a str,
        }
        let mut out = Vec::new();
        for (i, target) in self.targets.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&serde_json::to_vec(&Edge { source: self.source, target }).unwrap_or_default());
        }
        out
    }
}

/// A brief in the link graph.
#[derive(Serialize, Hash)]
pub struct GraphNode<'a> {
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

/// The links of the site as `{source, target}` ids, each brief's targets sorted.
pub struct Edges<'a> {
    site: &'a Site,
    graph: &'a LinkGraph,
    order: &'a [BriefId],
}

impl Edges<'_> {
    fn each(&self, mut f: impl FnMut(&str, &str)) {
        let mut targets: Vec<&str> = Vec::new();
        for &b in self.order {
            targets.clear();
            targets.extend(self.graph.outgoing(b).iter().map(|&t| self.site.briefs[t].id()));
            targets.sort_unstable();
            for target in &targets {
                f(self.site.briefs[b].id(), target);
            }
        }
    }
}

/// The edges follow from each brief's outgoing links (as positions) and the ids of the nodes,
/// which the nodes hash.
impl Hash for Edges<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for &b in self.order {
            self.graph.outgoing(b).hash(state);
        }
    }
}

impl Serialize for Edges<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Edge<'a> {
            source: &'a str,
            target: &'a str,
        }
        let mut edges = Vec::new();
        self.each(|source, target| edges.push((source.to_string(), target.to_string())));
        let edges: Vec<Edge> = edges.iter().map(|(source, target)| Edge { source, target }).collect();
        edges.serialize(serializer)
    }
}

/// `graph.json`: `{"nodes": [{id, url, title, section, date, terms}], "edges": [{source, target}]}`.
/// A view of the site, made when written: it hashes as the nodes and the links between them.
pub struct Graph<'a> {
    site: &'a Site,
    routes: &'a Routes,
    edges: Edges<'a>,
    /// The hash of each brief's node.
    node_keys: &'a [u64],
}

impl Hash for Graph<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for &b in &self.site.by_id {
            self.node_keys[b].hash(state);
        }
        self.edges.hash(state);
    }
}

/// A brief's node in the link graph.
pub fn graph_node<'a>(site: &'a Site, routes: &'a Routes, b: BriefId) -> GraphNode<'a> {
    let brief = &site.briefs[b];
    GraphNode {
        id: brief.id(),
        url: routes.brief(b).url(),
        title: brief.title(),
        section: &site.sections[brief.section].folder,
        date: brief.front().date.map(|d| Ymd(Some(d))),
        terms: TermsByTaxonomy { site, terms: &brief.terms },
    }
}

impl<'a> Graph<'a> {
    fn write(&self, memo: Option<&(Parts, Parts)>) -> Vec<u8> {
        let site = self.site;
        let nodes: Vec<(u64, GraphNode)> =
            site.by_id.iter().map(|&b| (self.node_keys[b], graph_node(site, self.routes, b))).collect();
        let mut edges = Vec::new();
        for &b in &site.by_id {
            let mut targets: Vec<&str> = self.edges.graph.outgoing(b).iter().map(|&t| site.briefs[t].id()).collect();
            if targets.is_empty() {
                continue;
            }
            targets.sort_unstable();
            let from = BriefEdges { source: site.briefs[b].id(), targets };
            edges.push((crate::hash::of(&from), from));
        }
        let mut out = Vec::with_capacity(nodes.len() * 400);
        out.extend_from_slice(b"{\"nodes\":[");
        json_items(&mut out, &nodes, |node| serde_json::to_vec(node).unwrap_or_default(), memo.map(|m| &m.0));
        out.extend_from_slice(b"],\"edges\":[");
        json_items(&mut out, &edges, BriefEdges::json, memo.map(|m| &m.1));
        out.extend_from_slice(b"]}\n");
        out
    }
}

/// An Atom feed of the newest `feed_limit` briefs of a list.
#[derive(Hash)]
pub struct Feed<'a> {
    language: &'a str,
    title: String,
    subtitle: &'a str,
    self_url: &'a str,
    alternate: &'a str,
    author: &'a str,
    updated: String,
    entries: Vec<FeedEntry<'a>>,
}

/// An entry of a feed.
#[derive(Hash)]
struct FeedEntry<'a> {
    title: &'a str,
    url: &'a str,
    published: Option<String>,
    updated: String,
    authors: &'a [String],
    /// `(term slug, label, URL of the taxonomy)`
    categories: Vec<(&'a str, &'a str, &'a str)>,
    summary: &'a str,
    content: Option<Body<'a>>,
}

impl Feed<'_> {
    fn write(&self, routes: &Routes) -> Vec<u8> {
        let abs = |href: &str| xml_escape(&routes.urls.absolute(href).unwrap_or_default());
        let mut xml = String::with_capacity(1024 + self.entries.len() * 1024);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        let _ =
            writeln!(xml, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", xml_escape(self.language));
        let _ = writeln!(xml, "  <title>{}</title>", xml_escape(&self.title));
        if !self.subtitle.is_empty() {
            let _ = writeln!(xml, "  <subtitle>{}</subtitle>", xml_escape(self.subtitle));
        }
        let _ = writeln!(xml, "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>", abs(self.self_url));
        let _ = writeln!(xml, "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>", abs(self.alternate));
        let _ = writeln!(xml, "  <id>{}</id>", abs(self.self_url));
        let _ = writeln!(xml, "  <updated>{}</updated>", self.updated);
        let _ = writeln!(xml, "  <author><name>{}</name></author>", xml_escape(self.author));
        let _ = writeln!(xml, "  <generator version=\"{}\">briefing</generator>", env!("CARGO_PKG_VERSION"));
        for entry in &self.entries {
            let url = abs(entry.url);
            xml.push_str("  <entry>\n");
            let _ = writeln!(xml, "    <title>{}</title>", xml_escape(entry.title));
            let _ = writeln!(xml, "    <link href=\"{url}\" rel=\"alternate\" type=\"text/html\"/>");
            let _ = writeln!(xml, "    <id>{url}</id>");
            if let Some(published) = &entry.published {
                let _ = writeln!(xml, "    <published>{published}</published>");
            }
            let _ = writeln!(xml, "    <updated>{}</updated>", entry.updated);
            for author in entry.authors {
                let _ = writeln!(xml, "    <author><name>{}</name></author>", xml_escape(author));
            }
            for (slug, label, scheme) in &entry.categories {
                let _ = writeln!(
                    xml,
                    "    <category term=\"{}\" label=\"{}\" scheme=\"{}\"/>",
                    xml_escape(slug),
                    xml_escape(label),
                    abs(scheme)
                );
            }
            if !entry.summary.is_empty() {
                let _ = writeln!(xml, "    <summary type=\"text\">{}</summary>", xml_escape(entry.summary));
            }
            if let Some(content) = &entry.content {
                let html = content.html();
                let _ = writeln!(xml, "    <content type=\"html\" xml:base=\"{url}\">{}</content>", xml_escape(&html));
            }
            xml.push_str("  </entry>\n");
        }
        xml.push_str("</feed>\n");
        xml.into_bytes()
    }
}

/// `sitemap.xml` (every listed page, or past `SITEMAP_LIMIT` URLs an index of the parts), or a
/// part of the index. Its URLs are those of the route table: it hashes as the table's key, the
/// part, and the last change of each page.
pub enum Sitemap<'a> {
    /// `(URL, last change)` of each page.
    Urls {
        routes: u64,
        part: usize,
        pages: Vec<(&'a str, Option<Date>)>,
    },
    Index(Vec<&'a str>),
}

impl Hash for Sitemap<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Sitemap::Urls { routes, part, pages } => {
                (routes, part).hash(state);
                for (_, lastmod) in pages {
                    lastmod.hash(state);
                }
            }
            Sitemap::Index(parts) => parts.hash(state),
        }
    }
}

impl Sitemap<'_> {
    fn write(&self, routes: &Routes) -> Vec<u8> {
        let abs = |href: &str| xml_escape(&routes.urls.absolute(href).unwrap_or_default());
        let mut xml = String::new();
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        match self {
            Sitemap::Urls { pages, .. } => {
                xml.reserve(pages.len() * 120);
                xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
                for (url, lastmod) in pages {
                    match lastmod {
                        Some(d) => {
                            let d = d.ymd();
                            let _ = writeln!(xml, "  <url><loc>{}</loc><lastmod>{d}</lastmod></url>", abs(url));
                        }
                        None => {
                            let _ = writeln!(xml, "  <url><loc>{}</loc></url>", abs(url));
                        }
                    }
                }
                xml.push_str("</urlset>\n");
            }
            Sitemap::Index(parts) => {
                xml.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
                for part in parts {
                    let _ = writeln!(xml, "  <sitemap><loc>{}</loc></sitemap>", abs(part));
                }
                xml.push_str("</sitemapindex>\n");
            }
        }
        xml.into_bytes()
    }
}

/// The page written at an old URL of a brief.
pub fn redirect_page(target: &str) -> String {
    let t = markdown::escape_html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved</title>\n\
         <link rel=\"canonical\" href=\"{t}\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n\
         <body>\n<p>This brief has moved to <a href=\"{t}\">{t}</a>.</p>\n</body>\n</html>\n"
    )
}

impl<'a> Render<'a> {
    /// The generated file of a route that is not a page.
    pub(super) fn file_spec(&'a self, output: Output) -> Option<FileSpec<'a>> {
        let routes = self.routes;
        Some(match output {
            Output::SearchIndex => FileSpec::SearchIndex(self.search_index()),
            Output::Graph => FileSpec::Graph(self.graph_file()),
            Output::Feed(term) => FileSpec::Feed(self.feed(term)),
            Output::Sitemap(part) => FileSpec::Sitemap(self.sitemap(part)),
            Output::Robots => FileSpec::Robots(
                routes.files.iter().find(|r| r.output == Output::Sitemap(0)).and_then(|r| routes.absolute(r)),
            ),
            Output::Alias { brief, .. } => FileSpec::Redirect(routes.brief(brief).url()),
            _ => return None,
        })
    }

    pub(super) fn search_index(&'a self) -> SearchIndex<'a> {
        SearchIndex { site: self.site, routes: self.routes, cards: &self.cards }
    }

    fn graph_file(&'a self) -> Graph<'a> {
        let site = self.site;
        Graph {
            site,
            routes: self.routes,
            edges: Edges { site, graph: self.graph, order: &site.by_id },
            node_keys: &self.node_keys,
        }
    }

    /// The last change of a brief: `updated`, else `date`.
    fn last_change(&self, b: BriefId) -> Option<String> {
        let front = self.site.briefs[b].front();
        front.updated.or(front.date).map(|d| d.rfc3339())
    }

    fn feed(&'a self, term: Option<(usize, usize)>) -> Feed<'a> {
        let (site, routes, config) = (self.site, self.routes, self.config);
        let (title, self_url, alternate, briefs) = match term {
            None => (config.title.clone(), routes.site_feed(), routes.home(), &site.by_date),
            Some((t, i)) => {
                let term = &site.taxonomies[t].terms[i];
                (
                    format!("{} — {}", term.label, config.title),
                    routes.term_feed(t, i),
                    routes.term(t, i, 1),
                    &term.briefs,
                )
            }
        };
        let entries: Vec<BriefId> = briefs.iter().copied().take(config.feed_limit).collect();
        // The feed changes when its newest entry does; undated sites fall back to a fixed
        // instant so the output stays reproducible.
        let updated = entries
            .iter()
            .filter_map(|&b| self.last_change(b))
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
        let entries = entries
            .into_iter()
            .map(|b| {
                let brief = &site.briefs[b];
                let front = brief.front();
                FeedEntry {
                    title: brief.title(),
                    url: routes.brief(b).url(),
                    published: front.date.map(|d| d.rfc3339()),
                    updated: self.last_change(b).unwrap_or_else(|| updated.clone()),
                    authors: &front.authors,
                    categories: brief
                        .terms
                        .iter()
                        .map(|&(t, term)| {
                            let term_ref = &site.taxonomies[t].terms[term];
                            (term_ref.slug.as_str(), term_ref.label.as_str(), routes.taxonomy(t).url())
                        })
                        .collect(),
                    summary: brief.summary(),
                    content: config.feed_full_content.then(|| Body {
                        parsed: &brief.parsed,
                        links: self.graph.outputs(b),
                        links_hash: self.graph.briefs[b].hash,
                        raw_html: config.raw_html,
                    }),
                }
            })
            .collect();
        Feed {
            language: &config.language,
            title,
            subtitle: &config.description,
            self_url: self_url.map_or("", |r| r.url()),
            alternate: alternate.url(),
            author: &config.title,
            updated,
            entries,
        }
    }

    fn sitemap(&'a self, part: usize) -> Sitemap<'a> {
        let routes = self.routes;
        let parts: Vec<&str> =
            routes.files.iter().filter(|r| matches!(r.output, Output::Sitemap(n) if n > 0)).map(|r| r.url()).collect();
        if part == 0 && !parts.is_empty() {
            return Sitemap::Index(parts);
        }
        let skip = part.saturating_sub(1) * SITEMAP_LIMIT;
        let take = if part == 0 { usize::MAX } else { SITEMAP_LIMIT };
        let pages = routes.listed_pages().skip(skip).take(take);
        Sitemap::Urls {
            routes: routes.key,
            part,
            pages: pages.map(|(route, page)| (route.url(), self.lastmod(page))).collect(),
        }
    }

    /// The last change of a page: for a list, the newest change among the briefs it shows.
    /// Lists are newest first (sections by weight first), so only a page's own slice is looked at.
    fn lastmod(&self, page: Page) -> Option<Date> {
        let site = self.site;
        let per_page = self.config.paginate_by;
        let newest = |briefs: &[BriefId], page: usize| {
            briefs
                .iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .filter_map(|&b| site.briefs[b].front().updated.or(site.briefs[b].front().date))
                .max()
        };
        match page {
            Page::Brief(b) => newest(&[b], 1),
            Page::Section { section, page } => newest(&site.sections[section].briefs, page),
            Page::Home | Page::Taxonomy(_) => newest(&site.by_date, 1),
            Page::Term { taxonomy, term, page } => newest(&site.taxonomies[taxonomy].terms[term].briefs, page),
            Page::NotFound | Page::Search => None,
        }
    }
}
