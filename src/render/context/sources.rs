//! What the sources list and each source's page receive.

use serde::Serialize;

use crate::render::cards::CardRef;

/// `/sources/`: every source of the library.
#[derive(Serialize, Hash)]
pub struct SourcesPage<'a> {
    pub kind: &'static str,
    pub title: &'static str,
    pub url: &'a str,
    pub sources: Vec<SourceRow<'a>>,
}

#[derive(Serialize, Hash)]
pub struct SourceRow<'a> {
    pub key: &'a str,
    pub url: &'a str,
    pub title: &'a str,
    pub html: &'a str,
    pub year: Option<i32>,
    /// How many briefs cite or list it.
    pub cited_by: usize,
}

/// `/sources/<key>/`: one source and the briefs that cite it.
#[derive(Serialize, Hash)]
pub struct SourcePage<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub key: &'a str,
    pub url: &'a str,
    pub html: &'a str,
    pub link: Option<&'a str>,
    pub doi: Option<&'a str>,
    pub archived: Option<&'a str>,
    pub sources_url: &'a str,
    pub cited_by: Vec<CitedByView<'a>>,
}

#[derive(Serialize, Hash)]
pub struct CitedByView<'a> {
    pub brief: CardRef<'a>,
    /// The sentences around its citations (none for a source only listed in `sources:`).
    pub sentences: &'a [String],
}
