//! Assembling: the model made from the parsed files, whole or from the last one (`watch`).

use std::sync::Arc;

use crate::config::{humanise, SiteConfig};
use crate::diagnostics::{Code, Diagnostic};
use crate::discover::Sources;
use crate::hash::{self, FastMap};
use crate::parse::{parent_folder, Facts, Parsed};

use super::terms::{build_taxonomies, refresh_first_uses, Drafted};
use super::versions::{pair_translations, supersession};
use super::{section_folder, Absent, Brief, BriefId, ByLang, Include, Record, Section, Site};

/// The last assembly, for `watch`: reused while every input it read is the same.
#[derive(Debug, Default)]
pub struct Memo {
    /// What the kept site was assembled from.
    read: Read,
    pub(super) site: Option<Site>,
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

/// Whether `folder` is `bundle` or inside it.
fn in_bundle_of(folder: &str, bundle: &str) -> bool {
    folder == bundle || (folder.starts_with(bundle) && folder.as_bytes().get(bundle.len()) == Some(&b'/'))
}
