//! Atom feeds and sitemaps: what feed readers and search engines read. Both need absolute URLs,
//! so they are written only when `base_url` has an origin.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use crate::frontmatter::Date;
use crate::routes::{Output, Page, Routes, SITEMAP_LIMIT};
use crate::site::BriefId;

use super::context::Body;
use super::files::xml_escape;
use super::Render;

/// An Atom feed of the newest `feed_limit` briefs of a list.
#[derive(Hash)]
pub struct Feed<'a> {
    /// The XSL stylesheet a browser shows the feed with (the theme's `feed.xsl`).
    stylesheet: &'a str,
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
    pub(super) fn write(&self, routes: &Routes) -> Vec<u8> {
        let abs = |href: &str| xml_escape(&routes.urls.absolute(href).unwrap_or_default());
        let mut xml = String::with_capacity(1024 + self.entries.len() * 1024);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        // A reader who opens the feed in a browser sees a page that says how to subscribe.
        if !self.stylesheet.is_empty() {
            let _ = writeln!(xml, "<?xml-stylesheet type=\"text/xsl\" href=\"{}\"?>", xml_escape(self.stylesheet));
        }
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
    /// `(URL, last change, versions in other languages as (language, URL))` of each page.
    Urls {
        routes: u64,
        part: usize,
        pages: Vec<(&'a str, Option<Date>, Versions<'a>)>,
    },
    Index(Vec<&'a str>),
}

/// A page's versions in other languages, as `(language, URL)`.
type Versions<'a> = Vec<(&'a str, &'a str)>;

impl Hash for Sitemap<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Sitemap::Urls { routes, part, pages } => {
                (routes, part).hash(state);
                for (_, lastmod, versions) in pages {
                    (lastmod, versions).hash(state);
                }
            }
            Sitemap::Index(parts) => parts.hash(state),
        }
    }
}

impl Sitemap<'_> {
    pub(super) fn write(&self, routes: &Routes) -> Vec<u8> {
        let abs = |href: &str| xml_escape(&routes.urls.absolute(href).unwrap_or_default());
        let mut xml = String::new();
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        match self {
            Sitemap::Urls { pages, .. } => {
                xml.reserve(pages.len() * 120);
                let languages = pages.iter().any(|(_, _, versions)| !versions.is_empty());
                xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
                if languages {
                    xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
                }
                xml.push_str(">\n");
                for (url, lastmod, versions) in pages {
                    let _ = write!(xml, "  <url><loc>{}</loc>", abs(url));
                    if let Some(d) = lastmod {
                        let _ = write!(xml, "<lastmod>{}</lastmod>", d.ymd());
                    }
                    // Every version of the page, itself included, as Google reads them.
                    for (lang, href) in versions {
                        let _ = write!(
                            xml,
                            "\n    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                            xml_escape(lang),
                            abs(href)
                        );
                    }
                    xml.push_str(if versions.is_empty() { "</url>\n" } else { "\n  </url>\n" });
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

impl<'a> Render<'a> {
    /// The last change of a brief: `updated`, else `date`, or its corrections log's newest
    /// entry when later.
    fn last_change(&self, b: BriefId) -> Option<String> {
        let front = self.site.briefs[b].front();
        let corrected = front.lifecycle.changes.iter().map(|c| c.date).max();
        front.updated.or(front.date).max(corrected).map(|d| d.rfc3339())
    }

    pub(super) fn feed(&'a self, lang: usize, term: Option<(usize, usize)>) -> Feed<'a> {
        let (site, routes, config) = (self.site, self.routes, self.config);
        let (title, self_url, alternate, briefs) = match term {
            None => {
                (config.title_in(lang).to_string(), routes.site_feed(lang), routes.home_in(lang), site.latest.of(lang))
            }
            Some((t, i)) => {
                let term = &site.taxonomies[t].terms[i];
                (
                    format!("{} — {}", term.label_in(lang), config.title_in(lang)),
                    routes.term_feed(lang, t, i),
                    routes.term_or_default(lang, t, i),
                    term.briefs.of(lang),
                )
            }
        };
        // A superseded brief is listed on its term's page, not announced in its feed.
        let current = |b: &BriefId| site.briefs[*b].superseded_by.is_empty();
        let entries: Vec<BriefId> = briefs.iter().copied().filter(current).take(config.feed_limit).collect();
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
                            let taxonomy = routes.taxonomy_in(lang, t).unwrap_or_else(|| routes.taxonomy(t));
                            (term_ref.slug.as_str(), term_ref.label_in(lang), taxonomy.url())
                        })
                        .collect(),
                    summary: brief.summary(),
                    content: config.feed_full_content.then(|| Body {
                        parsed: &brief.parsed,
                        links: self.graph.outputs(b),
                        links_hash: self.graph.briefs[b].hash,
                        citations: self
                            .graph
                            .citations
                            .of_brief
                            .get(b)
                            .and_then(|c| c.as_deref())
                            .map_or(&[][..], |c| &c.inline[..]),
                        raw_html: config.raw_html,
                        notes: crate::markdown::notes_heading(site.language_of(b)),
                    }),
                }
            })
            .collect();
        Feed {
            stylesheet: &self.feed_style,
            language: crate::site::language_code(config, lang),
            title,
            subtitle: config.description_in(lang),
            self_url: self_url.map_or("", |r| r.url()),
            alternate: alternate.url(),
            author: &config.title,
            updated,
            entries,
        }
    }

    pub(super) fn sitemap(&'a self, part: usize) -> Sitemap<'a> {
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
            pages: pages.map(|(route, page)| (route.url(), self.lastmod(page), self.versions(page))).collect(),
        }
    }

    /// A page's versions in every language as `(language, URL)`, then `x-default` (the
    /// original); empty for a page without versions.
    fn versions(&self, page: Page) -> Versions<'a> {
        let counterparts = self.counterparts(page);
        if counterparts.len() < 2 {
            return Vec::new();
        }
        let mut out: Vec<(&str, &str)> =
            counterparts.iter().map(|c| (crate::site::language_code(self.config, c.lang), c.route.url())).collect();
        if let Some(o) = counterparts.iter().find(|c| c.original) {
            out.push(("x-default", o.route.url()));
        }
        out
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
            Page::Section { section, page, lang } => newest(site.sections[section].briefs.of(lang), page),
            Page::Home(lang) | Page::Taxonomy { lang, .. } => newest(site.latest.of(lang), 1),
            Page::Term { taxonomy, term, page, lang } => {
                newest(site.taxonomies[taxonomy].terms[term].briefs.of(lang), page)
            }
            Page::Source(i) => {
                let citing = self.graph.citations.cited_by.get(i).map_or(&[][..], Vec::as_slice);
                citing
                    .iter()
                    .filter_map(|c| site.briefs[c.brief].front().updated.or(site.briefs[c.brief].front().date))
                    .max()
            }
            Page::Timeline(_) => site
                .timeline
                .events
                .iter()
                .flat_map(|e| &e.briefs)
                .filter_map(|&b| site.briefs[b].front().updated.or(site.briefs[b].front().date))
                .max(),
            Page::Report(r) => {
                let briefs = &site.reports.reports[r].briefs;
                briefs.iter().filter_map(|&b| site.briefs[b].front().updated.or(site.briefs[b].front().date)).max()
            }
            Page::Reports => site
                .reports
                .reports
                .iter()
                .flat_map(|r| &r.briefs)
                .filter_map(|&b| site.briefs[b].front().updated.or(site.briefs[b].front().date))
                .max(),
            Page::NotFound | Page::Search(_) | Page::Sources => None,
        }
    }
}
