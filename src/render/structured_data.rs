//! A brief's structured data: the schema.org JSON-LD its page carries for search engines (its
//! dates, publisher and the terms it is about, with their Wikidata items), and what it depends
//! on, for the page's signature.

use crate::site::BriefId;

use super::Render;

impl<'a> Render<'a> {
    /// What `structured_data` writes for brief `b` depends on: its file, its URL, and the label,
    /// page and Wikidata item of each term it names or mentions.
    /// Hashed into `state` as it goes: this runs for every brief page's signature.
    pub(super) fn hash_structured_data<H: std::hash::Hasher>(&'a self, b: BriefId, state: &mut H) {
        use std::hash::Hash;
        let (site, routes) = (self.site, self.routes);
        let brief = &site.briefs[b];
        (brief.parsed.file.hash, routes.brief(b).url(), &routes.urls.origin, &self.config.title).hash(state);
        self.graph.citations.of_brief.get(b).hash(state);
        let mentions = self.graph.mentions.by_brief.get(b).map_or(&[][..], Vec::as_slice);
        for (t, i) in brief.terms.iter().copied().chain(mentions.iter().map(|&(t, i, _)| (t, i))) {
            let term = &site.taxonomies[t].terms[i];
            let wikidata = term.record.and_then(|r| site.records[r].fields().wikidata.as_deref());
            (&term.label, routes.term(t, i, 1).url(), wikidata).hash(state);
        }
    }

    /// The brief as a schema.org `Article`: its terms `about`, the terms it mentions untagged
    /// `mentions`, each with its page and, for a record with one, its Wikidata item as `sameAs`.
    /// Written for a `<script>` element: `<` is escaped so no text can close it.
    pub(super) fn structured_data(&'a self, b: BriefId) -> String {
        let (site, routes) = (self.site, self.routes);
        let brief = &site.briefs[b];
        let front = brief.front();
        let url = |route| routes.absolute(route).unwrap_or_else(|| route.url().to_string());
        let thing = |&(t, i): &(usize, usize)| {
            let term = &site.taxonomies[t].terms[i];
            let mut thing = serde_json::json!({"@type": "Thing", "name": term.label, "url": url(routes.term(t, i, 1))});
            let record = term.record.map(|r| site.records[r].fields());
            if let Some(q) = record.and_then(|f| f.wikidata.as_ref()) {
                thing["sameAs"] = format!("https://www.wikidata.org/entity/{q}").into();
            }
            thing
        };
        let mentions: Vec<(usize, usize)> =
            self.graph.mentions.by_brief.get(b).map_or(Vec::new(), |m| m.iter().map(|&(t, i, _)| (t, i)).collect());
        let mut article = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Report",
            "headline": brief.title(),
            "name": brief.title(),
            "publisher": {"@type": "Organization", "name": self.config.title, "url": url(routes.home())},
            "url": url(routes.brief(b)),
            "inLanguage": site.language_of(b),
        });
        if let Some(date) = &front.date {
            article["datePublished"] = date.rfc3339().into();
        }
        if let Some(date) = &front.updated {
            article["dateModified"] = date.rfc3339().into();
        }
        if !front.authors.is_empty() {
            let authors = site.taxonomies.iter().position(|t| t.name == "authors");
            let page = |name: &str| {
                let t = authors?;
                let i = site.taxonomies[t].terms.iter().position(|term| term.label == name)?;
                Some(url(routes.term(t, i, 1)))
            };
            article["author"] = front
                .authors
                .iter()
                .map(|a| match page(a) {
                    Some(u) => serde_json::json!({"@type": "Organization", "name": a, "url": u}),
                    None => serde_json::json!({"@type": "Organization", "name": a}),
                })
                .collect();
        }
        if !brief.summary().is_empty() {
            article["description"] = brief.summary().into();
        }
        // Authors are the brief's `author`, not what it is about.
        let about: Vec<_> =
            brief.terms.iter().filter(|(t, _)| site.taxonomies[*t].name != "authors").map(thing).collect();
        if !about.is_empty() {
            article["about"] = about.into();
        }
        if !mentions.is_empty() {
            article["mentions"] = mentions.iter().map(thing).collect();
        }
        let cited = self.graph.citations.of_brief.get(b).and_then(|c| c.as_deref());
        let works: Vec<serde_json::Value> = cited
            .map_or(&[][..], |c| &c.references[..])
            .iter()
            .map(|r| {
                let entry = &site.library.entries[r.entry];
                let mut work = serde_json::json!({"@type": "CreativeWork", "name": entry.title, "citation": crate::citations::plain_of(&r.html)});
                if let Some(link) = &entry.url {
                    work["url"] = link.as_str().into();
                }
                if let Some(year) = entry.issued() {
                    work["datePublished"] = year.into();
                }
                work
            })
            .collect();
        if !works.is_empty() {
            article["citation"] = works.into();
        }
        article.to_string().replace('<', "\\u003c")
    }
}
