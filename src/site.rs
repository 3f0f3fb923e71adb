//! Assembling the parsed files into the content model of one build: briefs, sections,
//! taxonomies, the date order. Paths and URLs are not made here: the route table
//! (`routes.rs`) makes every one of them from this model.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::config::{humanise, SiteConfig};
use crate::diagnostics::{Code, Diagnostic};
use crate::discover::{Asset, Sources};
use crate::frontmatter::FrontMatter;
use crate::hash::{self, FastMap};
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

/// The last assembly, for `watch`: reused while every input it read is the same.
#[derive(Debug, Default)]
pub struct Memo {
    /// What the kept site was assembled from.
    read: Read,
    site: Option<Site>,
    /// The terms as last drafted, by the key of what drafting read (`terms_key`).
    terms: Option<(u64, Arc<Drafted>)>,
    /// What the assembly of the build under way read, when it is to be kept (`remember`).
    pending: Option<Read>,
}

/// What assembling reads: the configuration and the folders and files found (`frame`), and
/// each file's facts (by the hash of each); `key` is the hash of both.
#[derive(Debug, Default)]
struct Read {
    key: u64,
    frame: u64,
    facts: Vec<u64>,
    /// The assembly reported warnings (a translation missing, a variant spelling): the next
    /// one, though its inputs be the same, makes them again (see `assemble`).
    warned: bool,
}

impl Read {
    fn of(config: &SiteConfig, sources: &Sources, parsed: &[Arc<Parsed>], include: Include) -> Read {
        let frame = hash::of(&(
            &config.title,
            &config.taxonomies,
            include,
            &sources.folders,
            &sources.assets,
            &sources.statics,
        ));
        let facts: Vec<u64> = parsed.iter().map(|p| p.facts_hash).collect();
        Read { key: hash::of(&(frame, &facts)), frame, facts, warned: false }
    }
}

/// Builds the content model from the parsed files (sorted by path). Drafts are left out unless
/// `include_drafts`. With a memo, an assembly whose inputs are all unchanged is reused, with the
/// current parse of every file (a body edit changes no fact).
pub fn assemble(
    config: &SiteConfig,
    sources: &Sources,
    parsed: &[Arc<Parsed>],
    include: Include,
    memo: Option<&mut Memo>,
) -> (Site, Vec<Diagnostic>) {
    let mut diagnostics: Vec<Diagnostic> = parsed.iter().flat_map(|p| p.diagnostics.iter().cloned()).collect();
    let Some(memo) = memo else {
        let (site, more) = assemble_all(config, sources, parsed, include, None, None);
        diagnostics.extend(more);
        return (site, diagnostics);
    };
    let read = Read::of(config, sources, parsed, include);
    // The site is handed back at the end of a build that went well (`remember`), not copied.
    memo.pending = None;
    // (Taken only when the key is the same: else the last site gives the orders to start from.)
    if let Some(mut site) = memo.site.take_if(|_| memo.read.key == read.key && !memo.read.warned) {
        // The build changed what it adds to the model (the library, the timeline, its key).
        site.key = read.key;
        with_parses(&mut site, parsed);
        refresh_first_uses(config, &site.briefs, &mut site.taxonomies);
        memo.pending = Some(read);
        return (site, diagnostics);
    }
    // A few briefs' dates, titles or terms changed (or none, after warnings): the last site with
    // them ordered and grouped again (a date edit at 10,000 briefs: ~5 ms less than assembling it
    // whole).
    let moved = memo.site.as_ref().and_then(|last| keeps_places(&memo.read, &read, last, parsed, include));
    let (mut site, more) = match (moved, memo.site.take()) {
        (Some(moved), Some(mut site)) => {
            with_parses(&mut site, parsed);
            // Their ids are the same: so is the id order.
            match moved.len() <= 64 {
                true => place_again(&site.briefs, &mut site.by_date, &moved),
                false => site.by_date = date_order(&site.briefs, Some(&site.by_date)),
            }
            let mut more = Vec::new();
            order_and_group(config, &mut site, Some(&mut memo.terms), &mut more);
            (site, more)
        }
        (_, last) => {
            memo.site = last;
            let last = memo.site.as_ref();
            assemble_all(config, sources, parsed, include, Some(&mut memo.terms), last)
        }
    };
    site.key = read.key;
    // An assembly that reported errors is made whole next time, so that its messages point
    // into the current text. One with warnings is kept: they all come from `order_and_group`,
    // which the next assembly goes through again (a site missing a translation would else
    // assemble every brief on every rebuild).
    let warned = !more.is_empty();
    memo.pending = (!more.iter().any(Diagnostic::is_error)).then_some(Read { warned, ..read });
    diagnostics.extend(more);
    (site, diagnostics)
}

/// Points a kept site at the current parse of its files (a body edit changes no fact).
fn with_parses(site: &mut Site, parsed: &[Arc<Parsed>]) {
    for brief in &mut site.briefs {
        brief.parsed = parsed[brief.source].clone();
        brief.file_hash = brief.parsed.file.hash;
    }
    for section in &mut site.sections {
        section.index = section.index_source.map(|i| parsed[i].clone());
        for (_, source, index) in &mut section.translated_index {
            *index = parsed[*source].clone();
        }
    }
    site.failed = site.failed_sources.iter().map(|&i| parsed[i].clone()).collect();
    for record in &mut site.records {
        record.parsed = parsed[record.source].clone();
    }
}

/// Whether the files whose facts changed since `last` was assembled (from `before`) are all
/// briefs of it still at their places: the same path, names, kind, folder and language, and
/// still published: then `last` holds every brief, section, record and left-out file as a fresh
/// assembly would; only the orders and what `order_and_group` makes can differ. Those briefs,
/// if so.
fn keeps_places(
    before: &Read,
    now: &Read,
    last: &Site,
    parsed: &[Arc<Parsed>],
    include: Include,
) -> Option<Vec<BriefId>> {
    if before.frame != now.frame || before.facts.len() != now.facts.len() {
        return None;
    }
    let future = |f: &Facts| include.until.zip(f.date).is_some_and(|(until, date)| date.day() > until);
    type Place<'f> = ([&'f String; 5], [&'f Option<String>; 2], [bool; 5]);
    fn place(f: &Facts) -> Place<'_> {
        let names = [&f.id, &f.folder, &f.stem_slug, &f.slug, &f.base_id];
        (names, [&f.record_of, &f.lang], [f.bundle, f.is_index, f.failed, f.draft, f.lang_root])
    }
    let changed = (0..now.facts.len()).filter(|&i| before.facts[i] != now.facts[i]);
    changed
        .map(|i| {
            // Briefs are in the order of their files.
            let b = last.briefs.binary_search_by_key(&i, |b| b.source).ok()?;
            let facts = &parsed[i].facts;
            (place(last.briefs[b].facts()) == place(facts) && !future(facts)).then_some(b)
        })
        .collect()
}

/// Keeps the model of a build that went well for the next (`watch`): what `assemble` made, with
/// what the build added to it. Returns what it replaces, for the caller to free.
pub fn remember(memo: &mut Memo, site: Site) -> Option<Site> {
    match memo.pending.take() {
        Some(read) => {
            memo.read = read;
            memo.site.replace(site)
        }
        None => Some(site),
    }
}

/// Positions are not facts: a term's first use may have moved within its file.
fn refresh_first_uses(config: &SiteConfig, briefs: &[Brief], taxonomies: &mut [Taxonomy]) {
    for (taxonomy, config) in taxonomies.iter_mut().zip(&config.taxonomies) {
        for term in &mut taxonomy.terms {
            let Some((b, span)) = &mut term.first_use else { continue };
            let uses = briefs[*b].facts().terms.get(&config.name);
            let slug = |u: &&crate::parse::TermUse| u.slug == term.slug || term.spellings.contains(&u.slug);
            if let Some(at) = uses.and_then(|u| u.iter().find(slug)) {
                *span = at.span.0.clone();
            }
        }
    }
}

fn assemble_all(
    config: &SiteConfig,
    sources: &Sources,
    parsed: &[Arc<Parsed>],
    include: Include,
    terms_memo: Option<&mut Option<(u64, Arc<Drafted>)>>,
    last: Option<&Site>,
) -> (Site, Vec<Diagnostic>) {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut site = Site { assets: sources.assets.clone(), statics: sources.statics.clone(), ..Site::default() };
    site.languages =
        std::iter::once(&config.language).chain(config.languages.iter().map(|l| &l.code)).cloned().collect();

    // Sections: every folder that holds Markdown, at any depth, whether or not it has an
    // `_index.md`; not a folder of pictures, nor a page bundle or anything inside one.
    let bundles: Vec<&str> = parsed.iter().filter(|p| p.facts.bundle).map(|p| p.facts.folder.as_str()).collect();
    let in_bundle = |folder: &str| bundles.iter().any(|b| in_bundle_of(folder, b));
    let mut with_markdown: FastMap<&str, ()> = hash::fast_map(sources.folders.len() + 1);
    for p in parsed {
        let mut folder = Some(section_folder(&p.facts));
        while let Some(f) = folder {
            if with_markdown.insert(f, ()).is_some() {
                break;
            }
            folder = parent_folder(f);
        }
    }
    let mut section_of_folder: FastMap<&str, usize> = hash::fast_map(sources.folders.len() + 1);
    let root = [String::new()];
    let folders = if sources.folders.is_empty() { &root[..] } else { &sources.folders[..] };
    let is_taxonomy_folder =
        |folder: &str| config.taxonomies.iter().any(|t| folder.split('/').next() == Some(t.name.as_str()));
    // A folder named for another language (`content/ko/`) holds that language's versions of
    // the sections: `ko/briefs` is the section `briefs`.
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    fn unrooted<'f>(codes: &[&str], f: &'f str) -> &'f str {
        match f.split_once('/') {
            Some((first, rest)) if codes.contains(&first) => rest,
            None if codes.contains(&f) => "",
            _ => f,
        }
    }
    let folders = folders
        .iter()
        .map(|f| unrooted(&codes, f))
        .filter(|f| f.is_empty() || (with_markdown.contains_key(f) && !in_bundle(f) && !is_taxonomy_folder(f)));
    for folder in folders {
        if section_of_folder.contains_key(folder) {
            continue;
        }
        let parent = parent_folder(folder).and_then(|p| section_of_folder.get(p).copied());
        let name = folder.rsplit('/').next().unwrap_or("");
        let title = if folder.is_empty() { config.title.clone() } else { humanise(name) };
        let index = site.sections.len();
        if let Some(p) = parent {
            site.sections[p].children.push(index);
        }
        site.sections.push(Section {
            folder: folder.to_string(),
            title,
            index: None,
            index_source: None,
            translated_index: Vec::new(),
            parent,
            children: vec![],
            briefs: ByLang::default(),
        });
        section_of_folder.insert(folder, index);
    }

    for (source, p) in parsed.iter().enumerate() {
        let facts = &p.facts;
        // A file inside a bundle, or a bundle inside another one.
        let outer = bundles.iter().find(|b| in_bundle_of(&facts.folder, b) && !(facts.bundle && **b == facts.folder));
        if let Some(&bundle) = outer {
            diagnostics.push(
                Diagnostic::error(
                    Code::InBundle,
                    format!("this file is inside the page bundle `content/{bundle}/`, whose `index.md` makes the folder one page"),
                )
                .at(p.location(0..0))
                .help(format!(
                    "move it out of `content/{bundle}/`, or rename `content/{bundle}/index.md` to `_index.md` to make the folder a section"
                )),
            );
            continue;
        }
        if let Some(name) = &facts.record_of {
            if facts.failed {
                site.failed.push(p.clone());
                site.failed_sources.push(source);
            } else {
                let taxonomy = config.taxonomies.iter().position(|t| &t.name == name).unwrap_or(0);
                site.records.push(Record { parsed: p.clone(), source, taxonomy });
            }
            continue;
        }
        if is_taxonomy_folder(&facts.folder) {
            let folder = facts.folder.split('/').next().unwrap_or_default();
            diagnostics.push(
                Diagnostic::error(
                    Code::BadRecord,
                    format!("`content/{folder}/` holds the term records of the taxonomy `{folder}`, not briefs or folders"),
                )
                .at(p.location(0..0))
                .help(format!("move this file out of `content/{folder}/`; a record is a file directly in it, such as `content/{folder}/usfk.md`")),
            );
            continue;
        }
        let section = section_of_folder.get(section_folder(facts)).copied().unwrap_or(0);
        if facts.is_index && facts.lang.is_some() {
            // `_index.ko.md`: the section's introduction in another language.
            let lang = facts.lang.as_ref().and_then(|code| config.languages.iter().position(|l| &l.code == code));
            if let Some(l) = lang {
                site.sections[section].translated_index.push((l + 1, source, p.clone()));
            }
            continue;
        }
        if facts.is_index {
            if !facts.title.is_empty() {
                site.sections[section].title = facts.title.clone();
            }
            site.sections[section].index = Some(p.clone());
            site.sections[section].index_source = Some(source);
            continue;
        }
        if facts.failed {
            site.absent.push(Absent {
                id: facts.id.clone(),
                slugs: vec![facts.stem_slug.clone()],
                is_draft: false,
                future: None,
            });
            site.failed.push(p.clone());
            site.failed_sources.push(source);
            continue;
        }
        if facts.draft && !include.drafts {
            let slugs = vec![facts.stem_slug.clone(), facts.slug.clone()];
            site.absent.push(Absent { id: facts.id.clone(), slugs, is_draft: true, future: None });
            continue;
        }
        if let (Some(until), Some(date)) = (include.until, facts.date) {
            if date.day() > until {
                let slugs = vec![facts.stem_slug.clone(), facts.slug.clone()];
                site.absent.push(Absent { id: facts.id.clone(), slugs, is_draft: false, future: Some(date.ymd()) });
                site.future.push((source, date.ymd()));
                continue;
            }
        }
        if facts.slug.is_empty() {
            let stem = facts.id.rsplit('/').next().unwrap_or(&facts.id);
            diagnostics.push(
                Diagnostic::error(
                    Code::BadSlug,
                    format!("the file name `{stem}` has no letters or digits to make a URL from"),
                )
                .at(p.location(0..0))
                .help("rename the file, or set `slug:` in the front-matter"),
            );
            continue;
        }
        let lang = facts.lang.as_ref().and_then(|code| config.languages.iter().position(|l| &l.code == code));
        site.briefs.push(Brief {
            parsed: p.clone(),
            file_hash: p.file.hash,
            source,
            section,
            terms: Arc::from([]),
            terms_key: 0,
            lang: lang.map_or(0, |i| i + 1),
            versions: Arc::from([]),
            original: None,
            supersedes: Vec::new(),
            superseded_by: Vec::new(),
        });
    }
    site.by_date = date_order(&site.briefs, last.map(|l| &l.by_date[..]));
    site.by_id = id_order(&site.briefs, last.map(|l| &l.by_id[..]));
    order_and_group(config, &mut site, terms_memo, &mut diagnostics);
    (site, diagnostics)
}

/// The date order: newest first (undated briefs last), then by title and id; every other list is
/// ordered by rank in it. From the last order when given (`watch`), which an edit changes little:
/// the keys are put in it, side by side (far fewer cache misses than comparing briefs), then a
/// stable sort takes about one pass. (Keys are unique: the order is the same either way.)
fn date_order(briefs: &[Brief], last: Option<&[BriefId]>) -> Vec<BriefId> {
    let mut keys: Vec<_> = match last.filter(|order| order.len() == briefs.len()) {
        Some(order) => order.iter().map(|&b| date_key(briefs, b)).collect(),
        None => (0..briefs.len()).map(|b| date_key(briefs, b)).collect(),
    };
    keys.sort();
    keys.into_iter().map(|k| k.3).collect()
}

/// The order of the briefs' ids; likewise from the last one when given.
fn id_order(briefs: &[Brief], last: Option<&[BriefId]>) -> Vec<BriefId> {
    let mut order = match last.filter(|order| order.len() == briefs.len()) {
        Some(order) => order.to_vec(),
        None => (0..briefs.len()).collect(),
    };
    order.sort_by(|&a, &b| briefs[a].id().cmp(briefs[b].id()).then(a.cmp(&b)));
    order
}

type DateKey<'a> = (std::cmp::Reverse<Option<crate::frontmatter::Date>>, &'a str, &'a str, BriefId);

fn date_key(briefs: &[Brief], b: BriefId) -> DateKey<'_> {
    (std::cmp::Reverse(briefs[b].facts().date), briefs[b].title(), briefs[b].id(), b)
}

/// The last date order with the briefs `moved` placed again by their keys (their ids, and so the
/// id order, are the same).
fn place_again(briefs: &[Brief], by_date: &mut Vec<BriefId>, moved: &[BriefId]) {
    by_date.retain(|b| !moved.contains(b));
    for &b in moved {
        let at = by_date.partition_point(|&other| date_key(briefs, other) < date_key(briefs, b));
        by_date.insert(at, b);
    }
}

/// What assembling makes of the briefs once each is placed and ordered (`by_date`, `by_id`):
/// translations paired, ranks, the taxonomies, each section's list, supersession and the latest
/// briefs. Made afresh: the briefs may come from the last model (`assemble`).
fn order_and_group(
    config: &SiteConfig,
    site: &mut Site,
    terms_memo: Option<&mut Option<(u64, Arc<Drafted>)>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let empty: Arc<[BriefId]> = Arc::from([]);
    for brief in &mut site.briefs {
        (brief.versions, brief.original) = (empty.clone(), None);
        brief.supersedes.clear();
        brief.superseded_by.clear();
    }
    pair_translations(config, &mut site.briefs, diagnostics);

    site.rank = vec![0; site.briefs.len()];
    for (r, &b) in site.by_date.iter().enumerate() {
        site.rank[b] = r;
    }
    build_taxonomies(config, site, diagnostics, terms_memo);

    let briefs = &site.briefs;
    let languages = config.languages.len() + 1;
    let mut in_section: Vec<Vec<BriefId>> = vec![Vec::new(); site.sections.len()];
    for &b in &site.by_date {
        in_section[briefs[b].section].push(b);
    }
    for (section, mut list) in site.sections.iter_mut().zip(in_section) {
        // Briefs with a `weight` first (lightest first), then by date (newest first, then title
        // and id, so the order never depends on the file system): a stable sort of a list in
        // date order, which takes one pass when no brief has a weight.
        list.sort_by_key(|&b| {
            let weight = briefs[b].facts().weight;
            (weight.is_none(), weight)
        });
        section.briefs = ByLang::group(list, briefs, languages);
    }
    supersession(site, diagnostics);
    let briefs = &site.briefs;
    // A superseded brief keeps its page and its place in its section and terms, not among the latest.
    let current: Vec<BriefId> = site.by_date.iter().copied().filter(|&b| briefs[b].superseded_by.is_empty()).collect();
    site.latest = ByLang::group(current, briefs, languages);
}

/// Pairs each translation with its original: `x.ko.md` with `x.md` beside it, or the brief its
/// `translation_of:` names. One brief per language in each group; a translation of a translation
/// joins its original's group.
fn pair_translations(config: &SiteConfig, briefs: &mut [Brief], diagnostics: &mut Vec<Diagnostic>) {
    if config.languages.is_empty() && briefs.iter().all(|b| b.facts().translation_of.is_none()) {
        return;
    }
    let names = BriefNames::new(briefs);
    let mut original = vec![None; briefs.len()];
    for (b, brief) in briefs.iter().enumerate() {
        let facts = brief.facts();
        if let Some(named) = &facts.translation_of {
            match find_original(briefs, &names, b, &named.value) {
                Ok(o) => original[b] = Some(o),
                Err(help) => diagnostics.push(
                    Diagnostic::error(
                        Code::BadTranslation,
                        format!("`translation_of: {}` names no other brief", named.value),
                    )
                    .at(brief.parsed.location(named.span.clone()))
                    .help(help),
                ),
            }
        } else if brief.lang != 0 {
            original[b] = names.by_id.get(facts.base_id.as_str()).copied().filter(|&o| briefs[o].lang == 0);
        }
    }
    // The root of each group: follow `original` to a brief that translates none. `None`: the
    // chain comes back on itself.
    let root = |start: BriefId| {
        let mut b = start;
        for _ in 0..=briefs.len() {
            match original[b] {
                Some(o) if o == start => return None,
                Some(o) => b = o,
                None => return Some(b),
            }
        }
        None
    };
    let mut groups: FastMap<BriefId, Vec<BriefId>> = FastMap::default();
    for b in 0..briefs.len() {
        if original[b].is_some() {
            let Some(r) = root(b) else {
                let at = briefs[b].facts().translation_of.as_ref().map_or(0..0, |t| t.span.clone());
                diagnostics.push(
                    Diagnostic::error(
                        Code::BadTranslation,
                        "this brief and its original name each other as their original",
                    )
                    .at(briefs[b].parsed.location(at))
                    .help("let one of them be the original: remove its `translation_of:`"),
                );
                continue;
            };
            groups.entry(r).or_insert_with(|| vec![r]).push(b);
        }
    }
    // Map order is not file order: the groups, and so the diagnostics, in a stable order.
    let mut groups: Vec<(BriefId, Vec<BriefId>)> = groups.into_iter().collect();
    groups.sort_unstable_by_key(|(r, _)| *r);
    for (r, mut members) in groups {
        members.sort_by_key(|&b| (briefs[b].lang, b != r, b));
        members.dedup();
        let mut kept: Vec<BriefId> = Vec::with_capacity(members.len());
        for b in members {
            if let Some(&first) = kept.iter().find(|&&k| briefs[k].lang == briefs[b].lang) {
                let code = language_code(config, briefs[b].lang);
                diagnostics.push(
                    Diagnostic::error(
                        Code::BadTranslation,
                        format!("`{}` is a second `{code}` version of `{}`", briefs[b].display(), briefs[r].display()),
                    )
                    .at(briefs[b].parsed.location(0..0))
                    .also(briefs[first].parsed.location(0..0), "the first")
                    .help(format!("a translation says its language in its name (`x.ko.md`) or with `lang:`; keep one version per language{}", if briefs[b].lang == 0 { format!(" (this one is in the default language, `{code}`)") } else { String::new() })),
                );
                continue;
            }
            kept.push(b);
        }
        let versions: Arc<[BriefId]> = Arc::from(kept.clone());
        for &b in &kept {
            briefs[b].versions = versions.clone();
            briefs[b].original = (b != r).then_some(r);
        }
    }
    // Each brief of the default language without a version in a required language.
    for code in &config.required_translations {
        let Some(lang) = config.languages.iter().position(|l| &l.code == code).map(|i| i + 1) else { continue };
        for brief in briefs.iter().filter(|b| b.lang == 0 && !b.versions.iter().any(|&v| briefs[v].lang == lang)) {
            diagnostics.push(
                Diagnostic::warning(Code::TranslationMissing, format!("`{}` has no `{code}` version", brief.display()))
                    .at(brief.parsed.location(0..0))
                    .help(format!(
                        "translate it into `{}` beside it (`translations: {{required: [{code}]}}` in site.yaml asks for one)",
                        brief.display().replace(".md", &format!(".{code}.md"))
                    )),
            );
        }
    }
    for brief in briefs.iter() {
        let (Some(o), Some(from)) = (brief.original, &brief.facts().translated_from) else { continue };
        let original = &briefs[o];
        let Some(changed) = original.facts().updated.or(original.facts().date) else { continue };
        if brief.is_stale(briefs) {
            diagnostics.push(
                Diagnostic::warning(
                    Code::TranslationStale,
                    format!(
                        "`{}` translates `{}` as of {}, which was updated on {}",
                        brief.display(),
                        original.display(),
                        from.value.ymd(),
                        changed.ymd()
                    ),
                )
                .at(brief.parsed.location(from.span.clone()))
                .also(original.parsed.location(0..0), "the original")
                .help("bring the translation up to date, then set `translated_from:` to the original's `updated` date"),
            );
        }
    }
}

/// Resolves every `supersedes:` between briefs (a translation shares its original's: the
/// versions of a superseded brief are superseded by the successor's version in their language,
/// else by the successor); a cycle is an error naming every brief in it.
fn supersession(site: &mut Site, diagnostics: &mut Vec<Diagnostic>) {
    let briefs = &site.briefs;
    if briefs.iter().all(|b| b.facts().lifecycle.supersedes.is_empty()) {
        return;
    }
    let names = BriefNames::new(briefs);
    let root = |b: BriefId| briefs[b].original.unwrap_or(b);
    let is_draft = |name: &str| {
        let name = name.trim().trim_start_matches('/').trim_end_matches(".md");
        let slug = crate::slug::slugify(name);
        site.absent.iter().any(|a| a.id == name || a.slugs.contains(&slug))
    };
    // Between originals: which each supersedes, and where it says so.
    let mut edges: Vec<Vec<(BriefId, BriefId, std::ops::Range<usize>)>> = vec![Vec::new(); briefs.len()];
    for (b, brief) in briefs.iter().enumerate() {
        for named in &brief.facts().lifecycle.supersedes {
            let at = brief.parsed.location(named.span.clone());
            match find_named(&names, &named.value, |t| briefs[t].lang == 0) {
                Some(t) if root(t) == root(b) => diagnostics.push(
                    Diagnostic::error(Code::BadSupersedes, format!("`supersedes: {}` names this brief itself", named.value))
                        .at(at)
                        .help("name the older brief this one replaces"),
                ),
                Some(t) => {
                    if !edges[root(b)].iter().any(|e| e.0 == root(t)) {
                        edges[root(b)].push((root(t), b, named.span.clone()));
                    }
                }
                None if is_draft(&named.value) => {}
                None => diagnostics.push(
                    Diagnostic::error(Code::BadSupersedes, format!("`supersedes: {}` names no brief", named.value))
                        .at(at)
                        .help(match crate::suggest::closest(&named.value, briefs.iter().map(|b| b.id())) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "name the brief it replaces by its path under content/ without `.md`, e.g. `briefs/opcon-transfer`".into(),
                        }),
                ),
            }
        }
    }
    // Cycles: a depth-first walk; each cycle found is reported once, at every brief in it.
    let mut state = vec![0u8; briefs.len()]; // 0 new, 1 on the path, 2 done
    let mut cyclic = vec![false; briefs.len()];
    for start in 0..briefs.len() {
        if state[start] != 0 || edges[start].is_empty() {
            continue;
        }
        let mut path: Vec<(BriefId, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            if let Some(&(to, _, _)) = edges[node].get(*next) {
                *next += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        path.push((to, 0));
                    }
                    1 => {
                        let from = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let members: Vec<BriefId> = path[from..].iter().map(|(n, _)| *n).collect();
                        let names: Vec<String> = members.iter().map(|&m| format!("`{}`", briefs[m].id())).collect();
                        let mut d = Diagnostic::error(
                            Code::BadSupersedes,
                            format!(
                                "these briefs supersede each other in a cycle: {} → `{}`",
                                names.join(" → "),
                                briefs[to].id()
                            ),
                        );
                        for (k, &m) in members.iter().enumerate() {
                            let next = members.get(k + 1).copied().unwrap_or(to);
                            let Some((_, by, span)) = edges[m].iter().find(|e| e.0 == next) else { continue };
                            let location = briefs[*by].parsed.location(span.clone());
                            d = if k == 0 { d.at(location) } else { d.also(location, "in the cycle") };
                            cyclic[m] = true;
                        }
                        diagnostics.push(
                            d.help("a brief supersedes only older ones: remove the `supersedes:` that points back"),
                        );
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                path.pop();
            }
        }
    }
    // Which originals supersede each original.
    let mut successors: Vec<Vec<BriefId>> = vec![Vec::new(); briefs.len()];
    for (r, list) in edges.iter().enumerate().filter(|(r, _)| !cyclic[*r]) {
        for e in list {
            successors[e.0].push(r);
        }
    }
    let mut supersedes = vec![Vec::new(); briefs.len()];
    let mut superseded_by = vec![Vec::new(); briefs.len()];
    for (b, brief) in briefs.iter().enumerate() {
        let lang = brief.lang;
        let in_lang = |r: BriefId| briefs[r].versions.iter().copied().find(|&v| briefs[v].lang == lang).unwrap_or(r);
        if cyclic[root(b)] {
            continue;
        }
        supersedes[b] = edges[root(b)].iter().filter(|e| !cyclic[e.0]).map(|e| in_lang(e.0)).collect();
        superseded_by[b] = successors[root(b)].iter().map(|&r| in_lang(r)).collect();
    }
    for (b, brief) in site.briefs.iter_mut().enumerate() {
        brief.supersedes = std::mem::take(&mut supersedes[b]);
        brief.superseded_by = std::mem::take(&mut superseded_by[b]);
    }
}

/// The brief `name` means: its id (`briefs/x`), or the only brief that `candidate` accepts with
/// that file stem or slug.
pub(crate) fn find_named(names: &BriefNames, name: &str, candidate: impl Fn(BriefId) -> bool) -> Option<BriefId> {
    let name = name.trim().trim_start_matches('/').trim_end_matches(".md");
    names.by_id.get(name).copied().or_else(|| {
        let slug = crate::slug::slugify(name);
        let mut matches = names.by_slug.get(slug.as_str()).into_iter().flatten().copied().filter(|&b| candidate(b));
        let first = matches.next();
        first.filter(|_| matches.next().is_none())
    })
}

/// The briefs by id, and by file-stem slug and slug (a brief once under each it has): how
/// `supersedes:`, `translation_of:` and reports name briefs, found without a scan of every brief.
pub(crate) struct BriefNames<'a> {
    pub by_id: FastMap<&'a str, BriefId>,
    by_slug: FastMap<&'a str, Vec<BriefId>>,
}

impl<'a> BriefNames<'a> {
    pub(crate) fn new(briefs: &'a [Brief]) -> BriefNames<'a> {
        let by_id = briefs.iter().enumerate().map(|(b, brief)| (brief.id(), b)).collect();
        let mut by_slug: FastMap<&str, Vec<BriefId>> = FastMap::default();
        for (b, brief) in briefs.iter().enumerate() {
            by_slug.entry(brief.stem_slug()).or_default().push(b);
            if brief.slug() != brief.stem_slug() {
                by_slug.entry(brief.slug()).or_default().push(b);
            }
        }
        BriefNames { by_id, by_slug }
    }
}

/// The brief `name` means, for `translation_of:` in brief `of`: its id (`briefs/x`), file stem
/// or slug. `Err`: a help line.
fn find_original(briefs: &[Brief], names: &BriefNames, of: BriefId, name: &str) -> Result<BriefId, String> {
    let name = name.trim().trim_start_matches('/').trim_end_matches(".md");
    match find_named(names, name, |b| b != of) {
        Some(b) if b != of => Ok(b),
        Some(_) => Err("a brief cannot translate itself: name its original".into()),
        None => Err(match crate::suggest::closest(name, briefs.iter().map(|b| b.id())) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "name the original by its path under content/ without `.md`, e.g. `briefs/opcon-transfer`".into(),
        }),
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

/// Whether `folder` is `bundle` or inside it.
fn in_bundle_of(folder: &str, bundle: &str) -> bool {
    folder == bundle || (folder.starts_with(bundle) && folder.as_bytes().get(bundle.len()) == Some(&b'/'))
}

/// A term while it is being collected: each spelling with (times used, first use), the briefs
/// that name it, and the other slugs written for a record's term.
struct TermDraft<'a> {
    /// Its key: its record's id, else the slug of its uses.
    slug: &'a str,
    /// Each label written, by its hash, with how often and when it was first seen (a term has
    /// one or two: a list, not a map).
    labels: Vec<(u64, &'a str, usize, usize)>,
    briefs: Vec<BriefId>,
    first_use: Option<(BriefId, std::ops::Range<usize>)>,
    record: Option<usize>,
    /// The other slugs its uses were written with (a record's names), by hash.
    spellings: Vec<(u64, &'a str)>,
}

impl<'a> TermDraft<'a> {
    fn new(slug: &'a str, record: Option<usize>) -> Self {
        TermDraft { slug, labels: Vec::new(), briefs: Vec::new(), first_use: None, record, spellings: Vec::new() }
    }
}

/// Every name a record goes by, with where it is written: its id, title, `names` and `aka`.
fn record_names(record: &Record) -> Vec<(String, &str, std::ops::Range<usize>)> {
    let facts = &record.parsed.facts;
    let fields = record.fields();
    let mut names = vec![(facts.stem_slug.clone(), facts.stem_slug.as_str(), 0..0)];
    names.push((crate::slug::slugify(&facts.title), facts.title.as_str(), 0..0));
    for (_, name) in &fields.names {
        names.push((crate::slug::slugify(&name.value), name.value.as_str(), name.span.clone()));
    }
    for aka in &fields.aka {
        names.push((crate::slug::slugify(&aka.value), aka.value.as_str(), aka.span.clone()));
    }
    names.retain(|(slug, _, _)| !slug.is_empty());
    names
}

/// The terms as the briefs' and records' facts decide them, each term's briefs in file order:
/// `watch` keeps them while those facts are the same (an edit of a title or a date), and only
/// puts them in date order again.
#[derive(Debug, Clone)]
struct Drafted {
    taxonomies: Vec<Taxonomy>,
    per_brief: Vec<Arc<[(usize, usize)]>>,
    terms_keys: Vec<u64>,
}

/// What drafting the terms reads: the taxonomies, the records' files and each brief's terms and
/// language, in order.
fn terms_key(config: &SiteConfig, site: &Site) -> u64 {
    let mut h = hash::hasher();
    // Counts first: foldhash does not tell a sequence from one with a zero more without them.
    (&config.taxonomies, &config.languages.len(), site.briefs.len(), site.records.len()).hash(&mut h);
    for r in &site.records {
        (r.source, r.taxonomy, r.parsed.file.hash).hash(&mut h);
    }
    for b in &site.briefs {
        (b.parsed.terms_key, b.lang).hash(&mut h);
    }
    h.finish()
}

fn build_taxonomies(
    config: &SiteConfig,
    site: &mut Site,
    diagnostics: &mut Vec<Diagnostic>,
    memo: Option<&mut Option<(u64, Arc<Drafted>)>>,
) {
    let key = memo.as_ref().map(|_| terms_key(config, site));
    site.terms_key = key.unwrap_or(0);
    let kept = memo.as_ref().and_then(|m| m.as_ref()).filter(|(k, _)| Some(*k) == key);
    let mut drafted = match kept {
        Some((_, drafted)) => {
            let mut drafted = Drafted::clone(drafted);
            refresh_first_uses(config, &site.briefs, &mut drafted.taxonomies);
            drafted
        }
        None => {
            let mut problems = Vec::new();
            let drafted = draft_taxonomies(config, site, &mut problems);
            // Drafts that reported problems are made again, so that messages point into the
            // current text.
            if let (Some(memo), Some(key)) = (memo, key) {
                *memo = problems.is_empty().then(|| (key, Arc::new(drafted.clone())));
            }
            diagnostics.extend(problems);
            drafted
        }
    };
    // Each term's briefs in date order: gathered by walking the briefs in that order rather than
    // sorted term by term, which costs milliseconds on every rebuild.
    let mut lists: Vec<Vec<Vec<BriefId>>> = drafted
        .taxonomies
        .iter()
        .map(|t| t.terms.iter().map(|term| Vec::with_capacity(term.briefs.len())).collect())
        .collect();
    for &b in &site.by_date {
        for &(t, i) in drafted.per_brief[b].iter() {
            lists[t][i].push(b);
        }
    }
    let languages = config.languages.len() + 1;
    for (taxonomy, lists) in drafted.taxonomies.iter_mut().zip(lists) {
        for (term, list) in taxonomy.terms.iter_mut().zip(lists) {
            term.briefs = ByLang::group(list, &site.briefs, languages);
        }
    }
    site.taxonomies = drafted.taxonomies;
    for ((brief, terms), key) in site.briefs.iter_mut().zip(drafted.per_brief).zip(drafted.terms_keys) {
        brief.terms = terms;
        brief.terms_key = key;
    }
}

fn draft_taxonomies(config: &SiteConfig, site: &Site, diagnostics: &mut Vec<Diagnostic>) -> Drafted {
    let languages = config.languages.len() + 1;
    // Per taxonomy: its drafts by key, the slugs its records claim (and which record), and the
    // messages of each step, joined in the order of the steps.
    struct Draft<'a> {
        /// By the hash of their key.
        terms: FastMap<u64, TermDraft<'a>>,
        claims: FastMap<String, (usize, String, std::ops::Range<usize>)>,
        /// The claims by the hash of the slug, each with the hash of its record's id.
        claimed: FastMap<u64, (usize, u64)>,
        records: Vec<Diagnostic>,
        uses: Vec<Diagnostic>,
        seen: usize,
    }
    let site_ref = site;
    let mut drafts: Vec<Draft> = Vec::with_capacity(config.taxonomies.len());
    for (t, taxonomy) in config.taxonomies.iter().enumerate() {
        let mut draft = Draft {
            terms: hash::fast_map(256),
            claims: hash::fast_map(64),
            claimed: hash::fast_map(64),
            records: Vec::new(),
            uses: Vec::new(),
            seen: 0,
        };
        // Every slug a record claims, and which record: two records claiming one is an error.
        let mut clashed: Vec<(usize, usize)> = Vec::new();
        for (r, record) in site_ref.records.iter().enumerate().filter(|(_, r)| r.taxonomy == t) {
            let id = record.parsed.facts.stem_slug.as_str();
            if id.is_empty() {
                draft.records.push(
                    Diagnostic::error(
                        Code::BadRecord,
                        "the record's file name has no letters or digits to make its id",
                    )
                    .at(record.parsed.location(0..0))
                    .help(format!("rename it, such as `content/{}/usfk.md`", taxonomy.name)),
                );
                continue;
            }
            for (slug, written, span) in record_names(record) {
                match draft.claims.get(&slug) {
                    Some((other, _, _)) if *other == r => {}
                    Some((other, other_written, other_span)) => {
                        if clashed.contains(&(*other, r)) {
                            continue;
                        }
                        clashed.push((*other, r));
                        let other_record = &site_ref.records[*other];
                        // Shown as written in an `aka` or `names` rather than as a file name.
                        let shown = if span.is_empty() { other_written.as_str() } else { written };
                        draft.records.push(
                            Diagnostic::error(
                                Code::BadRecord,
                                format!(
                                    "`{shown}` names two {} records: `{}` and `{}`",
                                    taxonomy.name, other_record.parsed.file.display, record.parsed.file.display
                                ),
                            )
                            .at(record.parsed.location(span))
                            .also(other_record.parsed.location(other_span.clone()), "the other record claims it here")
                            .help("keep the name in one record; if both mean one thing, merge the records"),
                        );
                    }
                    None => {
                        draft.claims.insert(slug, (r, written.to_string(), span));
                    }
                }
            }
            draft.terms.insert(hash::of(id), TermDraft::new(id, Some(r)));
        }
        draft.claimed = draft
            .claims
            .iter()
            .map(|(slug, (r, _, _))| {
                (hash::of(slug.as_str()), (*r, hash::of(site_ref.records[*r].parsed.facts.stem_slug.as_str())))
            })
            .collect();
        drafts.push(draft);
    }
    // Briefs are in file-path order here, so "first seen" is by file path. One pass over the
    // briefs for every taxonomy, by the hashes of their uses: a use's strings are read only to
    // start a term, a label or a spelling, or for a message.
    let taxonomy_hashes: Vec<u64> = config.taxonomies.iter().map(|t| hash::of(t.name.as_str())).collect();
    let no_slug = hash::of("");
    for (b, brief) in site_ref.briefs.iter().enumerate() {
        for (k, used) in brief.parsed.term_hashes.iter().enumerate() {
            let Some(t) = taxonomy_hashes.iter().position(|&h| h == used.taxonomy) else { continue };
            let (taxonomy, draft) = (&config.taxonomies[t], &mut drafts[t]);
            let term = || brief.facts().terms.values().flatten().nth(k).expect("a hash for each use");
            if used.slug == no_slug {
                let term = term();
                draft.uses.push(
                    Diagnostic::error(
                        Code::BadTerm,
                        format!("the {} term `{}` has no letters or digits", taxonomy.name, term.label),
                    )
                    .at(brief.parsed.location(term.span.0.clone()))
                    .help("remove it, or write a term with letters, such as `OPCON transfer`"),
                );
                continue;
            }
            // A record's id, title, names or aka: that record's term.
            let record = match draft.claimed.is_empty() {
                true => None,
                false => draft.claimed.get(&used.slug).copied(),
            };
            let key = match record {
                Some((_, id)) => id,
                None if taxonomy.closed => {
                    let term = term();
                    let names = site_ref.records.iter().filter(|r| r.taxonomy == t).flat_map(record_names);
                    let written: Vec<&str> = names.map(|(_, w, _)| w).collect::<Vec<_>>();
                    let help = match crate::suggest::closest(&term.label, written.iter().copied()) {
                        Some(s) => format!(
                            "did you mean `{s}`? Else add a record `content/{}/{}.md`",
                            taxonomy.name, term.slug
                        ),
                        None => format!(
                            "add a record `content/{}/{}.md`, or use a term that has one",
                            taxonomy.name, term.slug
                        ),
                    };
                    draft.uses.push(
                        Diagnostic::error(
                            Code::BadTerm,
                            format!(
                                "the {} term `{}` has no record, and `{}` is closed",
                                taxonomy.name, term.label, taxonomy.name
                            ),
                        )
                        .at(brief.parsed.location(term.span.0.clone()))
                        .help(help),
                    );
                    continue;
                }
                None => used.slug,
            };
            let term_draft = draft.terms.entry(key).or_insert_with(|| TermDraft::new(&term().slug, None));
            if term_draft.first_use.is_none() {
                term_draft.first_use = Some((b, term().span.0.clone()));
            }
            if used.slug != key && !term_draft.spellings.iter().any(|(h, _)| *h == used.slug) {
                term_draft.spellings.push((used.slug, &term().slug));
            }
            draft.seen += 1;
            match term_draft.labels.iter_mut().find(|(label, _, _, _)| *label == used.label) {
                Some((_, _, count, _)) => *count += 1,
                None => term_draft.labels.push((used.label, &term().label, 1, draft.seen)),
            }
            if term_draft.briefs.last() != Some(&b) {
                term_draft.briefs.push(b);
            }
        }
    }
    let mut taxonomies = Vec::with_capacity(drafts.len());
    for (taxonomy, draft) in config.taxonomies.iter().zip(drafts) {
        diagnostics.extend(draft.records);
        diagnostics.extend(draft.uses);
        let mut drafts: Vec<TermDraft> = draft.terms.into_values().collect();
        drafts.sort_unstable_by(|a, b| a.slug.cmp(b.slug));
        let mut list = Vec::with_capacity(drafts.len());
        for TermDraft { slug, labels, briefs, first_use, record, spellings } in drafts {
            // A record's title; else the most used spelling, among equals the first written.
            let label = match record {
                Some(r) => site_ref.records[r].parsed.facts.title.clone(),
                None => labels
                    .into_iter()
                    .max_by(|a, b| a.2.cmp(&b.2).then(b.3.cmp(&a.3)))
                    .map(|(_, l, _, _)| l.to_string())
                    .unwrap_or_default(),
            };
            // In file order here (as gathered); in date order once put in order
            // (`build_taxonomies`).
            let briefs = ByLang::group(briefs, &site_ref.briefs, languages);
            let mut spellings: Vec<String> = spellings.into_iter().map(|(_, s)| s.to_string()).collect();
            spellings.sort_unstable();
            // A record's name in each other language, else its title.
            let names = &record.map(|r| site_ref.records[r].fields().names.as_slice()).unwrap_or_default();
            let labels = config
                .languages
                .iter()
                .map(|l| names.iter().find(|(code, _)| *code == l.code).map_or(&label, |(_, n)| &n.value).clone())
                .collect();
            let slug = slug.to_string();
            list.push(Term { slug, label, labels, briefs, first_use, record, spellings, broader: Vec::new() });
        }
        broader_terms(site_ref, taxonomy, &mut list, diagnostics);
        warn_variants(taxonomy, site_ref, &list, diagnostics);
        let titles = config
            .languages
            .iter()
            .map(|l| {
                taxonomy.titles.iter().find(|(code, _)| *code == l.code).map_or(&taxonomy.title, |(_, t)| t).clone()
            })
            .collect();
        taxonomies.push(Taxonomy { name: taxonomy.name.clone(), title: taxonomy.title.clone(), titles, terms: list });
    }
    // Each brief's terms, in taxonomy then term order: counted first, then placed side by side
    // (not 10,000 lists grown one term at a time).
    let n = site_ref.briefs.len();
    let mut starts = vec![0usize; n + 1];
    let every_term = || {
        taxonomies.iter().enumerate().flat_map(|(t, x)| x.terms.iter().enumerate().map(move |(i, term)| (t, i, term)))
    };
    for (_, _, term) in every_term() {
        for &b in term.briefs.iter() {
            starts[b + 1] += 1;
        }
    }
    for b in 0..n {
        starts[b + 1] += starts[b];
    }
    let mut placed = starts.clone();
    let mut flat = vec![(0, 0); starts[n]];
    for (t, i, term) in every_term() {
        for &b in term.briefs.iter() {
            flat[placed[b]] = (t, i);
            placed[b] += 1;
        }
    }
    // Each label hashed once, not once for each brief that has it.
    let labels: Vec<Vec<u64>> =
        taxonomies.iter().map(|t| t.terms.iter().map(|term| hash::of(&term.label)).collect()).collect();
    let terms_of = |b: usize| &flat[starts[b]..starts[b + 1]];
    let terms_keys = (0..n)
        .map(|b| {
            let terms = terms_of(b);
            let mut h = hash::hasher();
            for &(t, i) in terms {
                (t, labels[t][i]).hash(&mut h);
            }
            terms.len().hash(&mut h);
            h.finish()
        })
        .collect();
    let per_brief = (0..n).map(|b| Arc::from(terms_of(b))).collect();
    Drafted { taxonomies, per_brief, terms_keys }
}

/// Resolves each record's `part_of` ids to terms of the same taxonomy.
fn broader_terms(
    site: &Site,
    taxonomy: &crate::config::TaxonomyConfig,
    terms: &mut [Term],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let by_slug: FastMap<&str, usize> = terms.iter().enumerate().map(|(i, term)| (term.slug.as_str(), i)).collect();
    let mut broader = vec![Vec::new(); terms.len()];
    for (i, term) in terms.iter().enumerate() {
        let Some(record) = term.record.map(|r| &site.records[r]) else { continue };
        for id in &record.fields().part_of {
            let slug = crate::slug::slugify(&id.value);
            match by_slug.get(slug.as_str()) {
                Some(&j) if j != i && terms[j].record.is_some() => {
                    if !broader[i].contains(&j) {
                        broader[i].push(j)
                    }
                }
                _ => {
                    let ids = terms.iter().filter(|t| t.record.is_some()).map(|t| t.slug.as_str());
                    let help = match crate::suggest::closest(&slug, ids) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("`part_of` lists ids of other records of `{}`", taxonomy.name),
                    };
                    diagnostics.push(
                        Diagnostic::error(
                            Code::BadRecord,
                            format!("`part_of`: no other record has the id `{}`", id.value),
                        )
                        .at(record.parsed.location(id.span.clone()))
                        .help(help),
                    );
                }
            }
        }
    }
    for (term, list) in terms.iter_mut().zip(broader) {
        term.broader = list;
    }
}

/// A term without a record that looks like another term of its taxonomy (a spelling variant,
/// a plural, British and American spelling) is probably meant as it: warned, with the fix.
fn warn_variants(
    taxonomy: &crate::config::TaxonomyConfig,
    site: &Site,
    terms: &[Term],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_skeleton: FastMap<String, Vec<usize>> = hash::fast_map(terms.len());
    for (i, term) in terms.iter().enumerate() {
        by_skeleton.entry(skeleton(&term.slug)).or_default().push(i);
    }
    let mut groups: Vec<&Vec<usize>> = by_skeleton.values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for group in groups {
        // The term most used is taken as meant; each other one without a record is warned.
        let main =
            *group.iter().max_by_key(|&&i| (terms[i].record.is_some(), terms[i].briefs.len())).unwrap_or(&group[0]);
        for &i in group.iter().filter(|&&i| i != main && terms[i].record.is_none()) {
            let (term, other) = (&terms[i], &terms[main]);
            let Some((b, span)) = &term.first_use else { continue };
            let fix = match other.record {
                Some(r) => format!("add `{}` to the `aka` of `{}`", term.label, site.records[r].parsed.file.display),
                None => format!(
                    "write one spelling, or add a record `content/{}/{}.md` with `aka: [{}]`",
                    taxonomy.name, other.slug, term.label
                ),
            };
            diagnostics.push(
                Diagnostic::warning(
                    Code::TermVariant,
                    format!(
                        "the {} term `{}` looks like `{}`: they are two terms now",
                        taxonomy.name, term.label, other.label
                    ),
                )
                .at(site.briefs[*b].parsed.location(span.clone()))
                .help(fix),
            );
        }
    }
}

/// What stays of a slug when spelling habits are set aside: hyphens, British `-ise`/`-isation`
/// and `-our`, `-ence`, and a plural `s`. Acronyms differ in letters, so `usfk` and `usfj` stay apart.
fn skeleton(slug: &str) -> String {
    let mut s = slug.replace('-', "");
    for (british, american) in [("isation", "ization"), ("ise", "ize"), ("our", "or"), ("ence", "ense"), ("tre", "ter")]
    {
        s = s.replace(british, american);
    }
    if s.len() > 4 && s.ends_with('s') && !s.ends_with("ss") {
        s.pop();
        if s.ends_with("ie") {
            s.truncate(s.len() - 2);
            s.push('y');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceText;
    use crate::discover::SourceFile;

    fn file(rel: &str, text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            rel_path: rel.into(),
            display: format!("content/{rel}"),
            text: SourceText::shared(text),
            hash: hash::of(&(rel, hash::bytes(text.as_bytes()))),
            replaced: None,
        })
    }

    fn site_of(files: &[(&str, &str)], folders: &[&str]) -> (Site, Vec<Diagnostic>) {
        let config = SiteConfig::default();
        let parsed: Vec<Arc<Parsed>> =
            files.iter().map(|(r, t)| Arc::new(crate::parse::parse_file(file(r, t), &config, true))).collect();
        let sources = Sources { folders: folders.iter().map(|s| s.to_string()).collect(), ..Sources::default() };
        assemble(&config, &sources, &parsed, Default::default(), None)
    }

    #[test]
    fn sections_and_briefs() {
        let (site, d) = site_of(
            &[
                ("briefs/a/b/x.md", "---\ntitle: X\nslug: y\n---\n"),
                ("briefs/opcon-transfer.md", "---\ntitle: O\n---\n"),
            ],
            &["", "briefs", "briefs/a", "briefs/a/b"],
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(site.briefs.iter().map(|b| b.slug()).collect::<Vec<_>>(), ["y", "opcon-transfer"]);
        assert_eq!(site.sections[3].briefs, [0]);
        assert_eq!(site.sections[1].children, [2]);
    }

    #[test]
    fn term_label_is_the_most_common_spelling() {
        let (site, _) = site_of(
            &[
                ("a.md", "---\ntitle: A\ntopics: [Opcon Transfer]\n---\n"),
                ("b.md", "---\ntitle: B\ntopics: [OPCON transfer]\n---\n"),
                ("c.md", "---\ntitle: C\ntopics: [OPCON transfer]\n---\n"),
            ],
            &[""],
        );
        let term = &site.taxonomies[0].terms[0];
        assert_eq!(
            (term.slug.as_str(), term.label.as_str(), term.briefs.len()),
            ("opcon-transfer", "OPCON transfer", 3)
        );
        assert_eq!(term.first_use.as_ref().unwrap().0, 0, "first named by a.md");
    }

    #[test]
    fn the_memo_is_reused_only_while_the_facts_are_the_same() {
        let config = SiteConfig::default();
        let sources = Sources { folders: vec![String::new()], ..Sources::default() };
        let parse = |text: &str| vec![Arc::new(crate::parse::parse_file(file("a.md", text), &config, true))];
        let mut memo = Memo::default();
        let first = parse("---\ntitle: A\ntopics: [X]\n---\nOne.\n");
        assemble(&config, &sources, &first, Default::default(), Some(&mut memo));
        // A body edit: the same facts, the new text.
        let second = parse("---\ntitle: A\ntopics: [X]\n---\nTwo.\n");
        let (site, _) = assemble(&config, &sources, &second, Default::default(), Some(&mut memo));
        assert_eq!(site.briefs[0].body_text(), "Two.\n");
        // A new term: assembled again.
        let third = parse("---\ntitle: A\ntopics: [X, Y]\n---\nTwo.\n");
        let (site, _) = assemble(&config, &sources, &third, Default::default(), Some(&mut memo));
        assert_eq!(site.taxonomies[0].terms.len(), 2);
    }

    #[test]
    fn a_date_edit_places_the_brief_again_in_the_last_site() {
        let config = SiteConfig::default();
        let sources = Sources { folders: vec![String::new()], ..Sources::default() };
        let mut memo = Memo::default();
        let parse = |files: &[(&str, &str)]| -> Vec<Arc<Parsed>> {
            let parse = |(f, text): &(&str, &str)| crate::parse::parse_file(file(f, text), &config, true);
            files.iter().map(|f| Arc::new(parse(f))).collect()
        };
        let dated = |d: [&str; 3]| {
            let texts = d.map(|d| format!("---\ndate: {d}\ntopics: [x]\n---\n"));
            parse(&[("a.md", &texts[0]), ("b.md", &texts[1]), ("c.md", &texts[2])])
        };
        let fresh = |parsed: &[Arc<Parsed>]| assemble(&config, &sources, parsed, Default::default(), None).0;
        let first = dated(["2025-01-01", "2025-01-02", "2025-01-03"]);
        let (site, _) = assemble(&config, &sources, &first, Default::default(), Some(&mut memo));
        assert_eq!(site.by_date, [2, 1, 0]);
        remember(&mut memo, site);
        // A date edit: the last site, taken from the memo, with the brief placed again.
        let second = dated(["2025-01-04", "2025-01-02", "2025-01-03"]);
        let (site, _) = assemble(&config, &sources, &second, Default::default(), Some(&mut memo));
        assert!(memo.site.is_none(), "the last site was taken to be placed again");
        let expected = fresh(&second);
        assert_eq!((&site.by_date, &site.by_id, &site.rank), (&expected.by_date, &expected.by_id, &expected.rank));
        assert_eq!(site.by_date, [0, 2, 1]);
        assert_eq!(site.taxonomies[0].terms[0].briefs.of(0), [0, 2, 1]);
        assert!(Arc::ptr_eq(&site.briefs[0].parsed, &second[0]), "the brief shows its new facts");
        remember(&mut memo, site);
        // A new slug moves the brief: assembled whole, from the last site's orders.
        let mut third = second.clone();
        third[1] = parse(&[("b.md", "---\ndate: 2025-01-02\nslug: elsewhere\n---\n")]).remove(0);
        let (site, _) = assemble(&config, &sources, &third, Default::default(), Some(&mut memo));
        assert!(memo.site.is_some(), "the last site is kept while the new one is made");
        let expected = fresh(&third);
        assert_eq!((&site.by_date, &site.by_id), (&expected.by_date, &expected.by_id));
        assert_eq!(site.briefs[1].slug(), "elsewhere");
        assert_eq!(site.taxonomies[0].terms[0].briefs.of(0), [0, 2]);
    }

    /// A brief of the property test below, as its fields make its file.
    #[derive(Debug, Clone)]
    struct BriefSpec {
        date: usize,
        title: usize,
        terms: Vec<usize>,
        draft: bool,
        slug: bool,
        supersedes: Option<usize>,
        translation_of: Option<usize>,
    }

    /// The files of the property test: four briefs and two Korean ones, named by position.
    const NAMES: [&str; 6] = ["a.md", "b.md", "c.md", "d.md", "a.ko.md", "k.ko.md"];

    fn text_of(i: usize, d: &BriefSpec) -> String {
        // The last date is after the build's day: the brief is left out.
        let dates = ["2025-01-01", "2025-01-02", "2025-03-01", "2024-12-31", "2999-01-01"];
        let mut text = format!("---\ntitle: T{}\ndate: {}\n", d.title, dates[d.date]);
        let terms: Vec<String> = d.terms.iter().map(|t| format!("t{t}")).collect();
        text.push_str(&format!("topics: [{}]\n", terms.join(", ")));
        if d.draft {
            text.push_str("draft: true\n");
        }
        if d.slug {
            text.push_str(&format!("slug: moved-{i}\n"));
        }
        if let Some(o) = d.supersedes {
            text.push_str(&format!("supersedes: {}\n", NAMES[o].trim_end_matches(".md")));
        }
        if let (Some(o), true) = (d.translation_of, i >= 4) {
            text.push_str(&format!("translation_of: {}\n", NAMES[o].trim_end_matches(".md")));
        }
        text + "---\nText.\n"
    }

    fn brief_strategy() -> impl proptest::strategy::Strategy<Value = BriefSpec> {
        use proptest::prelude::*;
        let fields = (0..5usize, 0..3usize, proptest::collection::vec(0..4usize, 0..3), any::<bool>(), any::<bool>());
        (fields, proptest::option::weighted(0.15, 0..4usize), proptest::option::weighted(0.3, 0..4usize)).prop_map(
            |((date, title, terms, draft, slug), supersedes, translation_of)| BriefSpec {
                date,
                title,
                terms,
                // Seldom a draft or a new slug: those assemble the model whole.
                draft: draft && title == 0,
                slug: slug && title == 0 && date == 0,
                supersedes,
                translation_of,
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// Whatever a sequence of edits to dates, titles, terms, drafts, slugs, supersession and
        /// translations, assembling with the memo (the last model taken, or assembled whole from
        /// its orders) gives the model a fresh assembly gives. A build that fails after assembling
        /// does not hand its model back.
        #[test]
        fn an_assembly_with_the_memo_equals_a_fresh_one(
            start in proptest::collection::vec(brief_strategy(), 6),
            edits in proptest::collection::vec((0..6usize, brief_strategy(), proptest::bool::weighted(0.8)), 1..12),
        ) {
            let mut config = SiteConfig::default();
            config.languages.push(crate::config::LanguageConfig { code: "ko".into(), title: None, description: None });
            // A warning for every brief without a Korean version: the model is kept all the same.
            config.required_translations.push("ko".into());
            let sources = Sources { folders: vec![String::new()], ..Sources::default() };
            let include = Include { drafts: false, until: chrono::NaiveDate::from_ymd_opt(2026, 12, 1) };
            let mut briefs = start;
            let parse = |briefs: &[BriefSpec]| -> Vec<Arc<Parsed>> {
                let file = |i: usize| file(NAMES[i], &text_of(i, &briefs[i]));
                (0..NAMES.len()).map(|i| Arc::new(crate::parse::parse_file(file(i), &config, true))).collect()
            };
            // Everything a model holds but the keys, which only a memo makes.
            let shape = |site: &Site| {
                let mut site = site.clone();
                (site.key, site.terms_key) = (0, 0);
                for brief in &mut site.briefs {
                    brief.terms_key = 0;
                }
                format!("{site:?}")
            };
            let mut memo = Memo::default();
            let parsed = parse(&briefs);
            let (site, _) = assemble(&config, &sources, &parsed, include, Some(&mut memo));
            remember(&mut memo, site);
            for (file, brief, went_well) in edits {
                briefs[file] = brief;
                let parsed = parse(&briefs);
                let (site, diagnostics) = assemble(&config, &sources, &parsed, include, Some(&mut memo));
                let (fresh, fresh_diagnostics) = assemble(&config, &sources, &parsed, include, None);
                proptest::prop_assert_eq!(shape(&site), shape(&fresh), "after an edit of {}", NAMES[file]);
                let codes = |d: &[Diagnostic]| d.iter().map(|d| (d.code(), d.message.clone())).collect::<Vec<_>>();
                proptest::prop_assert_eq!(codes(&diagnostics), codes(&fresh_diagnostics));
                if went_well {
                    remember(&mut memo, site);
                }
            }
        }
    }
}
