//! The files of the site that are not pages: the search index, the link graph, Atom feeds,
//! sitemaps, robots.txt and alias redirects. Each is a value that derives `Hash` from the data
//! it writes, so its signature, like a page's, is a hash of what it shows.

use crate::markdown;
use crate::routes::{Output, Routes};

use super::data::{Graph, JsonParts, TermsFile};
use super::feeds::{Feed, Sitemap};
use super::Render;

/// A generated file, before it is written.
#[derive(Hash)]
pub enum FileSpec<'a> {
    Search(super::search::SearchFile<'a>),
    Graph(Graph<'a>),
    Terms(TermsFile<'a>),
    Feed(Feed<'a>),
    Sitemap(Sitemap<'a>),
    Robots(Option<String>),
    Redirect(&'a str),
    /// A brief's `cite.bib` (`ris: false`) or `cite.ris`.
    Cite {
        work: crate::library::export::Work<'a>,
        ris: bool,
    },
    SourcesJson(super::data::SourcesFile<'a>),
    TimelineJson(super::calendar::TimelineJson<'a>),
    Calendar(super::calendar::Calendar<'a>),
}

impl FileSpec<'_> {
    pub fn write(&self, routes: &Routes, parts: Option<&JsonParts>) -> Vec<u8> {
        match self {
            FileSpec::Search(file) => file.write(),
            FileSpec::Graph(graph) => graph.write(parts.map(|p| &p.graph)),
            FileSpec::Terms(terms) => terms.write(),
            FileSpec::Feed(feed) => feed.write(routes),
            FileSpec::Sitemap(sitemap) => sitemap.write(routes),
            FileSpec::Robots(sitemap) => match sitemap {
                Some(url) => format!("User-agent: *\nAllow: /\nSitemap: {url}\n").into_bytes(),
                None => b"User-agent: *\nAllow: /\n".to_vec(),
            },
            FileSpec::Redirect(target) => redirect_page(target).into_bytes(),
            FileSpec::Cite { work, ris: false } => crate::library::export::biblatex(work).into_bytes(),
            FileSpec::Cite { work, ris: true } => crate::library::export::ris(work).into_bytes(),
            FileSpec::SourcesJson(file) => file.write(parts.map(|p| &p.sources)),
            FileSpec::TimelineJson(file) => file.write(),
            FileSpec::Calendar(file) => file.write(),
        }
    }
}

/// Escapes text for XML content and attribute values (as pages escape HTML).
pub fn xml_escape(text: &str) -> String {
    markdown::escape_html(text)
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
            Output::SearchIndex(_)
            | Output::SearchOrder(_)
            | Output::SearchShard { .. }
            | Output::SearchDocs { .. } => FileSpec::Search(self.search_file(output)?),
            Output::Graph => FileSpec::Graph(self.graph_file()),
            Output::Terms => FileSpec::Terms(TermsFile { site: self.site, routes }),
            Output::Feed { lang, term } => FileSpec::Feed(self.feed(lang, term)),
            Output::Sitemap(part) => FileSpec::Sitemap(self.sitemap(part)),
            Output::Robots => FileSpec::Robots(
                routes.files.iter().find(|r| r.output == Output::Sitemap(0)).and_then(|r| routes.absolute(r)),
            ),
            Output::Alias { brief, .. } => FileSpec::Redirect(routes.brief(brief).url()),
            Output::TermAlias { taxonomy, term, .. } => FileSpec::Redirect(routes.term(taxonomy, term, 1).url()),
            Output::CiteBib(b) | Output::CiteRis(b) => FileSpec::Cite {
                work: crate::build::brief_work(self.site, routes, self.config, b),
                ris: matches!(output, Output::CiteRis(_)),
            },
            Output::SourcesJson => FileSpec::SourcesJson(super::data::SourcesFile {
                site: self.site,
                routes,
                citations: &self.graph.citations,
                urls: &self.url_keys,
                identity: self.identity,
            }),
            Output::TimelineJson(lang) => FileSpec::TimelineJson(self.timeline_json(lang)),
            Output::TimelineIcs => FileSpec::Calendar(self.calendar()),
            _ => return None,
        })
    }
}
