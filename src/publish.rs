//! What static hosts and their readers' tools read besides pages: Atom feeds, the sitemap and
//! robots.txt. Feeds and sitemaps need absolute URLs, so they are written only when `base_url`
//! has an origin.

use std::fmt::Write as _;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::links::{LinkGraph, Urls};
use crate::markdown;
use crate::site::{BriefId, Site};

/// The protocol's limit of URLs per sitemap file.
pub const SITEMAP_LIMIT: usize = 50_000;

/// Feeds, sitemap and robots.txt, by output path; a warning when they cannot be written.
pub fn publish_files(
    config: &SiteConfig,
    site: &Site,
    graph: &LinkGraph,
    page_paths: &[(String, Option<String>)],
) -> (Vec<(String, Vec<u8>)>, Option<Diagnostic>) {
    let urls = Urls::new(config);
    let mut files = Vec::new();
    if urls.origin.is_none() {
        files.push(("robots.txt".to_string(), b"User-agent: *\nAllow: /\n".to_vec()));
        let warning = Diagnostic::warning(
            "no-absolute-url",
            format!(
                "feeds and sitemap were not written: `base_url` (`{}`) is not an absolute URL",
                config.base_url.path
            ),
        )
        .help("set `base_url: https://example.org/` in site.yaml, or pass --base-url");
        return (files, Some(warning));
    }
    let feed = Feed { config, site, graph, urls: &urls };
    files.push(("atom.xml".into(), feed.atom("atom.xml", &config.title, "", &site.by_date)));
    for taxonomy in &site.taxonomies {
        for term in &taxonomy.terms {
            let dir = format!("{}/{}/", taxonomy.name, term.slug);
            let title = format!("{} — {}", term.label, config.title);
            let path = format!("{dir}atom.xml");
            let bytes = feed.atom(&path, &title, &dir, &term.briefs);
            files.push((path, bytes));
        }
    }
    files.extend(sitemaps(&urls, page_paths));
    let robots = format!("User-agent: *\nAllow: /\nSitemap: {}\n", urls.absolute("sitemap.xml").unwrap_or_default());
    files.push(("robots.txt".into(), robots.into_bytes()));
    (files, None)
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    markdown::escape_html(text)
}

struct Feed<'a> {
    config: &'a SiteConfig,
    site: &'a Site,
    graph: &'a LinkGraph,
    urls: &'a Urls,
}

impl Feed<'_> {
    /// An Atom feed of the newest `feed_limit` of `briefs` (given newest first).
    fn atom(&self, path: &str, title: &str, alternate: &str, briefs: &[BriefId]) -> Vec<u8> {
        let abs = |p: &str| xml_escape(&self.urls.absolute(p).unwrap_or_default());
        let entries: Vec<BriefId> = briefs.iter().copied().take(self.config.feed_limit).collect();
        // The feed changes when its newest entry does; undated sites fall back to a fixed
        // instant so the output stays reproducible.
        let updated = entries
            .iter()
            .filter_map(|&b| self.last_change(b))
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
        let mut xml = String::with_capacity(1024 + entries.len() * 1024);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        let _ = writeln!(
            xml,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
            xml_escape(&self.config.language)
        );
        let _ = writeln!(xml, "  <title>{}</title>", xml_escape(title));
        if !self.config.description.is_empty() {
            let _ = writeln!(xml, "  <subtitle>{}</subtitle>", xml_escape(&self.config.description));
        }
        let _ = writeln!(xml, "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>", abs(path));
        let _ = writeln!(xml, "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>", abs(alternate));
        let _ = writeln!(xml, "  <id>{}</id>", abs(path));
        let _ = writeln!(xml, "  <updated>{updated}</updated>");
        let _ = writeln!(xml, "  <author><name>{}</name></author>", xml_escape(&self.config.title));
        let _ = writeln!(xml, "  <generator version=\"{}\">briefing</generator>", env!("CARGO_PKG_VERSION"));
        for b in entries {
            self.entry(&mut xml, b, &updated);
        }
        xml.push_str("</feed>\n");
        xml.into_bytes()
    }

    fn last_change(&self, b: BriefId) -> Option<String> {
        let front = &self.site.briefs[b].front;
        front.updated.or(front.date).map(|d| d.rfc3339())
    }

    fn entry(&self, xml: &mut String, b: BriefId, feed_updated: &str) {
        let brief = &self.site.briefs[b];
        let url = xml_escape(&self.urls.absolute(&brief.path).unwrap_or_default());
        xml.push_str("  <entry>\n");
        let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&brief.front.title));
        let _ = writeln!(xml, "    <link href=\"{url}\" rel=\"alternate\" type=\"text/html\"/>");
        let _ = writeln!(xml, "    <id>{url}</id>");
        if let Some(date) = brief.front.date {
            let _ = writeln!(xml, "    <published>{}</published>", date.rfc3339());
        }
        let updated = self.last_change(b).unwrap_or_else(|| feed_updated.to_string());
        let _ = writeln!(xml, "    <updated>{updated}</updated>");
        for author in &brief.front.authors {
            let _ = writeln!(xml, "    <author><name>{}</name></author>", xml_escape(author));
        }
        for &(t, term) in &brief.terms {
            let taxonomy = &self.site.taxonomies[t];
            let term = &taxonomy.terms[term];
            let _ = writeln!(
                xml,
                "    <category term=\"{}\" label=\"{}\" scheme=\"{}\"/>",
                xml_escape(&term.slug),
                xml_escape(&term.label),
                xml_escape(&self.urls.absolute(&format!("{}/", taxonomy.name)).unwrap_or_default())
            );
        }
        if !brief.summary().is_empty() {
            let _ = writeln!(xml, "    <summary type=\"text\">{}</summary>", xml_escape(brief.summary()));
        }
        if self.config.feed_full_content {
            let html =
                markdown::render(brief.body_text(), &brief.analysis, &self.graph.outputs[b], self.config.raw_html);
            let _ = writeln!(xml, "    <content type=\"html\" xml:base=\"{url}\">{}</content>", xml_escape(&html));
        }
        xml.push_str("  </entry>\n");
    }
}

/// `sitemap.xml`, or past `SITEMAP_LIMIT` URLs a sitemap index with numbered sitemaps.
fn sitemaps(urls: &Urls, pages: &[(String, Option<String>)]) -> Vec<(String, Vec<u8>)> {
    let chunk = |entries: &[(String, Option<String>)]| {
        let mut xml = String::with_capacity(64 + entries.len() * 120);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (path, lastmod) in entries {
            let loc = xml_escape(&urls.absolute(path).unwrap_or_default());
            match lastmod {
                Some(d) => {
                    let _ = writeln!(xml, "  <url><loc>{loc}</loc><lastmod>{d}</lastmod></url>");
                }
                None => {
                    let _ = writeln!(xml, "  <url><loc>{loc}</loc></url>");
                }
            }
        }
        xml.push_str("</urlset>\n");
        xml.into_bytes()
    };
    if pages.len() <= SITEMAP_LIMIT {
        return vec![("sitemap.xml".into(), chunk(pages))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, part) in pages.chunks(SITEMAP_LIMIT).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        let _ = writeln!(
            index,
            "  <sitemap><loc>{}</loc></sitemap>",
            xml_escape(&urls.absolute(&name).unwrap_or_default())
        );
        files.push((name, chunk(part)));
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".into(), index.into_bytes()));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping() {
        assert_eq!(xml_escape("a & <b> \"c\" 'd'\u{1}"), "a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39;");
    }

    #[test]
    fn sitemap_index_past_the_limit() {
        let urls = Urls { base_path: "/".into(), origin: Some("https://example.org".into()) };
        let pages: Vec<(String, Option<String>)> = (0..SITEMAP_LIMIT + 1).map(|i| (format!("p{i}/"), None)).collect();
        let files = sitemaps(&urls, &pages);
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]);
        let index = String::from_utf8(files[2].1.clone()).unwrap();
        assert!(index.contains("<loc>https://example.org/sitemap-2.xml</loc>"), "{index}");
        let second = String::from_utf8(files[1].1.clone()).unwrap();
        assert_eq!(second.matches("<url>").count(), 1);
    }
}
