//! The content model of one build: briefs, sections, taxonomies, the date order. Here its
//! types; `assemble` makes it from the parsed files (whole, or from the last model in `watch`),
//! `versions` pairs translations and resolves `supersedes:`, `terms` drafts the taxonomies'
//! terms. Paths and URLs are not made here: the route table (`routes/`) makes every one of them
//! from this model.

use std::hash::Hash;
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::discover::Asset;
use crate::frontmatter::FrontMatter;
use crate::parse::{parent_folder, Facts, Parsed};

pub type BriefId = usize;

#[derive(Debug, Clone)]
pub struct Brief {
    pub parsed: Arc<Parsed>,
    /// `parsed.file.hash`, kept here: `watch`'s memos key each brief by it on every rebuild,
    /// and reading it through two pointers per brief is a cache miss each.
    pub file_hash: u64,
    /// The position of its file in the list of parsed files.
    source: usize,
    pub section: usize,
    /// `(taxonomy, term)` indexes of every term the brief names, deduplicated. Shared: a
    /// site reused by `watch` is cloned on every rebuild.
    pub terms: Arc<[(usize, usize)]>,
    /// A hash of the brief's terms and their labels: pages that show its terms hash this.
    pub terms_key: u64,
    /// Its language: 0 for the site's default, `i + 1` for `config.languages[i]`.
    pub lang: usize,
    /// Every version of it, itself included, by language (empty when it has no other).
    pub versions: Arc<[BriefId]>,
    /// The brief it translates, when it is a translation.
    pub original: Option<BriefId>,
    /// The briefs it supersedes, and those that supersede it (in its language where they have
    /// a version in it).
    pub supersedes: Vec<BriefId>,
    pub superseded_by: Vec<BriefId>,
}

impl Brief {
    pub fn front(&self) -> &FrontMatter {
        self.parsed.front.as_ref().expect("a brief of the site has front-matter")
    }

    pub fn facts(&self) -> &Facts {
        &self.parsed.facts
    }

    /// Source path under `content/` without `.md` (`briefs/opcon-transfer`): its id in the graph.
    pub fn id(&self) -> &str {
        &self.parsed.facts.id
    }

    /// The folder of its source file (`briefs`), against which relative links resolve.
    pub fn folder(&self) -> &str {
        &self.parsed.facts.folder
    }

    /// The effective slug (`slug:` when set, else the file stem's).
    pub fn slug(&self) -> &str {
        &self.parsed.facts.slug
    }

    /// The folder of its section, where its page is: its source's folder, or a bundle's parent.
    pub fn section_folder(&self) -> &str {
        section_folder(&self.parsed.facts)
    }

    pub fn stem_slug(&self) -> &str {
        &self.parsed.facts.stem_slug
    }

    /// The front-matter summary, or the start of the first paragraph.
    pub fn summary(&self) -> &str {
        &self.parsed.summary
    }

    pub fn body_text(&self) -> &str {
        self.parsed.body_text()
    }

    pub fn title(&self) -> &str {
        &self.parsed.facts.title
    }

    pub fn display(&self) -> &str {
        &self.parsed.file.display
    }

    /// A translation that says it translates its original as of a date before the original's
    /// last update (`translated_from:` earlier than its `updated`, or `date`).
    pub fn is_stale(&self, briefs: &[Brief]) -> bool {
        let (Some(o), Some(from)) = (self.original, &self.facts().translated_from) else { return false };
        let original = briefs[o].facts();
        original.updated.or(original.date).is_some_and(|changed| changed > from.value)
    }
}

/// A language's name in itself, for a language switcher (`ko` → `한국어`); the tag when unknown.
pub fn language_name(tag: &str) -> &'static str {
    let primary = tag.split('-').next().unwrap_or(tag);
    match primary {
        "en" => "English",
        "ko" => "한국어",
        "ja" => "日本語",
        "zh" => "中文",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "ru" => "Русский",
        _ => "",
    }
}

/// A list of briefs in groups by language (the default's first), each group in the list's order.
/// It derefs to the whole list; `of(lang)` is one language's list, which that language's pages
/// show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ByLang {
    ids: Vec<BriefId>,
    /// Where each language's group ends in `ids`.
    ends: Vec<usize>,
}

impl ByLang {
    /// Groups `ids` (in their order) by each brief's language.
    pub fn group(mut ids: Vec<BriefId>, briefs: &[Brief], languages: usize) -> ByLang {
        if languages == 1 {
            // One language: one group, as it is. (Sorting by language reads every brief, which
            // are scattered: tens of thousands of cache misses for a site's terms.)
            let ends = vec![ids.len()];
            return ByLang { ids, ends };
        }
        ids.sort_by_key(|&b| briefs[b].lang);
        let ends = (0..languages).map(|l| ids.partition_point(|&b| briefs[b].lang <= l)).collect();
        ByLang { ids, ends }
    }

    /// How many languages it has groups for.
    pub fn languages(&self) -> usize {
        self.ends.len()
    }

    /// The briefs of language `lang` (0: the site's default).
    pub fn of(&self, lang: usize) -> &[BriefId] {
        let start = if lang == 0 { 0 } else { self.ends.get(lang - 1).copied().unwrap_or(self.ids.len()) };
        let end = self.ends.get(lang).copied().unwrap_or(self.ids.len());
        &self.ids[start.min(end)..end]
    }
}

impl std::ops::Deref for ByLang {
    type Target = [BriefId];
    fn deref(&self) -> &[BriefId] {
        &self.ids
    }
}

impl<const N: usize> PartialEq<[BriefId; N]> for ByLang {
    fn eq(&self, other: &[BriefId; N]) -> bool {
        self.ids == other
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// Folder under `content/` (`""` for the root).
    pub folder: String,
    pub title: String,
    /// The `_index.md` of the folder, if any: its body is the section's intro.
    pub index: Option<Arc<Parsed>>,
    index_source: Option<usize>,
    /// Its `_index.<code>.md` files: the introduction in other languages, as (language, the
    /// file's position in the parsed files, the file).
    pub translated_index: Vec<(usize, usize, Arc<Parsed>)>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The briefs directly in this folder, per language: by weight when set, then newest first.
    pub briefs: ByLang,
}

impl Section {
    /// Its introduction in a language: `_index.md` in the default, `_index.<code>.md` in others.
    pub fn index_in(&self, lang: usize) -> Option<&Arc<Parsed>> {
        match lang {
            0 => self.index.as_ref(),
            l => self.translated_index.iter().find(|(il, _, _)| *il == l).map(|(_, _, p)| p),
        }
    }

    /// Its title in a language: its introduction's title there, else its title.
    pub fn title_in(&self, lang: usize) -> &str {
        match self.index_in(lang).map(|p| p.facts.title.as_str()) {
            Some(title) if lang != 0 && !title.is_empty() => title,
            _ => &self.title,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub title: String,
    /// Its title in each of the site's other languages (`titles:` in `site.yaml`, else `title`).
    pub titles: Vec<String>,
    /// Sorted by slug.
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Term {
    /// Its URL segment: a record's id, else the slug of what briefs wrote.
    pub slug: String,
    /// A record's title, else the label authors wrote most often for this slug.
    pub label: String,
    /// Its label in each of the site's other languages: a record's name in it, else `label`.
    pub labels: Vec<String>,
    /// Newest first, per language.
    pub briefs: ByLang,
    /// The first brief (in file order) that names it, and where: the term's place in messages.
    /// `None` for a record no brief names.
    pub first_use: Option<(BriefId, std::ops::Range<usize>)>,
    /// Its record (an index into `Site::records`), if it has one.
    pub record: Option<usize>,
    /// Other slugs briefs wrote for this record's term (`전시작전통제권`): each gets a
    /// redirect from its URL. Sorted.
    pub spellings: Vec<String>,
    /// Broader terms of the same taxonomy (a record's `part_of`), by index.
    pub broader: Vec<usize>,
}

impl Taxonomy {
    /// The key of its term `i`, `<taxonomy>/<slug>` (`topics/opcon-transfer`): how the graph,
    /// the timeline's filters and the search index name a term.
    pub fn term_key(&self, i: usize) -> String {
        format!("{}/{}", self.name, self.terms[i].slug)
    }

    pub fn title_in(&self, lang: usize) -> &str {
        match lang {
            0 => &self.title,
            l => self.titles.get(l - 1).unwrap_or(&self.title),
        }
    }
}

impl Term {
    /// Its label in language `lang` (0: the site's default).
    pub fn label_in(&self, lang: usize) -> &str {
        match lang {
            0 => &self.label,
            l => self.labels.get(l - 1).unwrap_or(&self.label),
        }
    }
}

/// A term record: `content/<taxonomy>/<id>.md`, one topic or actor with every name it goes by.
#[derive(Debug, Clone)]
pub struct Record {
    pub parsed: Arc<Parsed>,
    source: usize,
    pub taxonomy: usize,
}

impl Record {
    pub fn fields(&self) -> &crate::frontmatter::RecordFields {
        self.parsed.facts.record.as_ref().expect("a record has record fields")
    }
}

/// A brief left out of the site (a draft, or one whose front-matter failed), kept so that links to
/// it get a precise message, or none at all when its own error was already reported.
#[derive(Debug, Clone)]
pub struct Absent {
    pub id: String,
    pub slugs: Vec<String>,
    pub is_draft: bool,
    /// A brief dated after the build's day: the day it appears.
    pub future: Option<String>,
}

/// Which briefs a build takes besides the published ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Include {
    /// Briefs marked `draft: true` (`--drafts`).
    pub drafts: bool,
    /// The build's day: briefs dated after it are left out (`None`: every date, `--future`).
    pub until: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct Site {
    pub briefs: Vec<Brief>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Files under `content/` copied as they are.
    pub assets: Vec<Asset>,
    /// Files of `static/`, copied to the output root.
    pub statics: Vec<Asset>,
    pub absent: Vec<Absent>,
    /// Term records, by path.
    pub records: Vec<Record>,
    /// Every source briefs may cite: the bibliography files and the briefs' `sources:`.
    pub library: Arc<crate::library::Library>,
    /// Briefs whose front-matter failed: left out, but their links are still checked so that
    /// one run reports every problem.
    pub failed: Vec<Arc<Parsed>>,
    failed_sources: Vec<usize>,
    /// Every brief, newest first.
    pub by_date: Vec<BriefId>,
    /// The same per language: each language's home and feed.
    pub latest: ByLang,
    /// Each brief's position in `by_date`: ordering by it is an integer compare instead of
    /// comparing dates, titles and ids of briefs scattered in memory.
    pub rank: Vec<usize>,
    /// The tag of each language (the default's first).
    pub languages: Vec<String>,
    /// Every brief, by id (its path): the order of the link graph.
    pub by_id: Vec<BriefId>,
    /// Briefs left out because they are dated after the build's day: their file (an index
    /// into the parsed files) and date.
    pub future: Vec<(usize, String)>,
    /// Every event the briefs state, in order (`timeline.rs`).
    pub timeline: Arc<crate::timeline::Timeline>,
    /// The reports of `site.yaml`, resolved (`report::assemble`).
    pub reports: Arc<crate::report::Reports>,
    /// A hash of everything this model was assembled from (0 when it was not computed): equal
    /// keys, equal models.
    pub key: u64,
    /// A hash of what its terms were drafted from: the taxonomies, the records and each brief's
    /// terms and language (0 when it was not computed: without a memo).
    pub terms_key: u64,
}

impl Site {
    /// Brief `b`'s version in language `lang`, else `b`.
    pub fn version_in(&self, b: BriefId, lang: usize) -> BriefId {
        self.briefs[b].versions.iter().copied().find(|&v| self.briefs[v].lang == lang).unwrap_or(b)
    }

    /// A brief's language tag: its `lang:` when set, else its file's language (`x.ko.md`), else
    /// the site's.
    pub fn language_of(&self, b: BriefId) -> &str {
        let brief = &self.briefs[b];
        match brief.front().lang.as_deref() {
            Some(lang) => lang,
            None => self.languages.get(brief.lang).map_or("", String::as_str),
        }
    }

    /// Where a term is written: its record, else its first use in a brief.
    pub fn term_location(&self, t: usize, i: usize) -> Option<crate::diagnostics::Location> {
        let term = &self.taxonomies[t].terms[i];
        match (term.record, &term.first_use) {
            (Some(r), _) => Some(self.records[r].parsed.location(0..0)),
            (None, Some((b, span))) => Some(self.briefs[*b].parsed.location(span.clone())),
            (None, None) => None,
        }
    }
}

/// The tag of language `lang` (0: the site's default).
pub fn language_code(config: &SiteConfig, lang: usize) -> &str {
    match lang {
        0 => &config.language,
        i => config.languages.get(i - 1).map_or(&config.language, |l| &l.code),
    }
}

/// The folder whose section a file belongs to: a bundle's parent, else the file's folder.
fn section_folder(facts: &Facts) -> &str {
    let folder = if facts.bundle { parent_folder(&facts.folder).unwrap_or("") } else { &facts.folder };
    if facts.lang_root {
        // `ko/briefs` → `briefs`; `ko` → the root.
        folder.split_once('/').map_or("", |(_, rest)| rest)
    } else {
        folder
    }
}

mod assemble;
mod terms;
mod versions;

pub use assemble::{assemble, remember, Memo};
pub(crate) use versions::{find_named, BriefNames};
#[cfg(test)]
mod tests;
