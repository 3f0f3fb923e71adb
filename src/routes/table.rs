//! The route table while it is filled: every file registered under a key compared as static
//! hosts compare paths, and a clash reported at both owners.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::hash::{self, fast_map, FastMap};
use crate::site::{BriefId, Site};

use super::{Output, Page, Route, Urls, MAX_NAME_BYTES};

/// The table while it is filled: files by a key compared as static hosts compare paths.
pub(super) struct Table<'a> {
    pub(super) urls: Urls,
    site: &'a Site,
    config: &'a crate::config::SiteConfig,
    pub(super) files: Vec<Route>,
    /// The files of the base, once it is sealed (`seal_base`).
    base: Arc<Base>,
    /// Each other file by the hash of its key (`key_of`): tens of thousands of keys are not kept
    /// as strings. A hit is a clash only if the keys are equal.
    by_key: FastMap<u64, usize>,
    pub(super) diagnostics: Vec<Diagnostic>,
    max_path: usize,
}

/// The first files of a table, which do not depend on the terms (see `plan.rs`), by key: a
/// table after a terms edit starts from them.
#[derive(Debug, Default)]
pub(super) struct Base {
    /// How many files.
    pub(super) len: usize,
    /// What they were planned from (`RouteKeys::without_terms`), and the longest path allowed.
    pub(super) key: u64,
    pub(super) max_path: usize,
    by_key: FastMap<u64, usize>,
    /// The hash of every folder of their paths (by key), made the first time a table starts
    /// from them.
    folders: OnceLock<HashSet<u64, foldhash::fast::FixedState>>,
}

/// How hosts compare paths: case-insensitive (macOS and Windows file systems fold case).
pub(super) fn key_of(file: &str) -> Cow<'_, str> {
    // Most paths are slugs, lower-case ASCII already.
    match file.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        true => Cow::Owned(file.to_lowercase()),
        false => Cow::Borrowed(file),
    }
}

impl<'a> Table<'a> {
    pub(super) fn new(urls: Urls, site: &'a Site, config: &'a crate::config::SiteConfig, max_path: usize) -> Table<'a> {
        // A brief's page and citation files, and room for terms, sections and search files.
        let capacity = site.briefs.len() * 4 + 1024;
        Table {
            urls,
            site,
            config,
            files: Vec::with_capacity(capacity),
            base: Default::default(),
            by_key: fast_map(capacity),
            diagnostics: vec![],
            max_path,
        }
    }

    /// A table that starts from a base checked before, with its files.
    pub(super) fn resume(
        urls: Urls,
        site: &'a Site,
        config: &'a crate::config::SiteConfig,
        base: Arc<Base>,
        mut files: Vec<Route>,
    ) -> Table<'a> {
        let capacity = files.len() / 4 + 1024;
        files.reserve(capacity);
        let max_path = base.max_path;
        Table { urls, site, config, files, base, by_key: fast_map(capacity), diagnostics: vec![], max_path }
    }

    /// The files so far are the base, planned from `key`.
    pub(super) fn seal_base(&mut self, key: u64) {
        let by_key = std::mem::replace(&mut self.by_key, fast_map(self.files.len() / 4 + 1024));
        let len = self.files.len();
        self.base = Arc::new(Base { len, key, max_path: self.max_path, by_key, folders: OnceLock::new() });
    }

    /// The files, and the base they start with.
    pub(super) fn into_files(self) -> (Vec<Route>, Arc<Base>) {
        (self.files, self.base)
    }

    /// A page at `path` from the site root (`briefs/x/`), written as `path/index.html`.
    pub(super) fn page(&mut self, path: String, page: Page) -> usize {
        self.add(&path, "index.html", Output::Page(page))
    }

    /// A redirect page at `path` from the site root.
    pub(super) fn page_like(&mut self, path: &str, output: Output) -> usize {
        self.add(path, "index.html", output)
    }

    /// A file at `path` from the site root.
    pub(super) fn file(&mut self, path: String, output: Output) -> usize {
        self.add(&path, "", output)
    }

    /// A file at `path` + `file` (`briefs/x/` + `index.html`) whose URL is `path`.
    fn add(&mut self, path: &str, file: &str, output: Output) -> usize {
        let base = &self.urls.base_path;
        let mut text = String::with_capacity(base.len() + path.len() + file.len());
        text.extend([base.as_str(), path, file]);
        let route = Route { url_end: base.len() + path.len(), file_start: base.len(), text: text.into(), output };
        let index = self.files.len();
        let file = route.file();
        // Checked here, so that `check` fails where writing would.
        let long_name = file.split('/').find(|name| name.len() > MAX_NAME_BYTES);
        if file.len() > self.max_path || long_name.is_some() {
            let (what, location) = self.describe(output);
            let message = match long_name {
                Some(name) => format!("the output path of {what} has a name of {} bytes: `{name}`", name.len()),
                None => format!(
                    "the output path of {what} is {} bytes long, more than the {} that fit in the output folder",
                    file.len(),
                    self.max_path
                ),
            };
            self.diagnostics.push(
                Diagnostic::error(Code::TooLarge, message)
                    .at_opt(location)
                    .help("shorten the folder names, the file name, the alias or the slug"),
            );
        }
        match self.find(file) {
            Some(other) => self.clash(other, output, file),
            None => {
                self.by_key.insert(hash::of(&*key_of(file)), index);
            }
        }
        self.files.push(route);
        index
    }

    /// The file registered under the same key as `file` (as a path, or a folder path).
    fn find(&self, file: &str) -> Option<usize> {
        let key = key_of(file);
        let hash = hash::of(&*key);
        let &other = self.base.by_key.get(&hash).or_else(|| self.by_key.get(&hash))?;
        // Equal hashes of different keys are no clash (and so unlikely that the second file
        // is simply not registered).
        (key_of(self.files[other].file()) == key).then_some(other)
    }

    /// A file of `static/`: it replaces a generated file at the same path (the documented
    /// precedence), but clashes with another file of `static/`.
    pub(super) fn add_static(&mut self, file: String, i: usize) {
        let output = Output::Static(i);
        if let Some(other) = self.find(&file) {
            if !matches!(self.files[other].output, Output::Static(_)) {
                self.files[other].output = output;
                return;
            }
        }
        self.file(file, output);
    }

    fn clash(&mut self, first: usize, mut second: Output, file: &str) {
        let mut first = self.files[first].output;
        // Citation files sit beside their brief's page: two of them clash only where the two
        // pages did, which is reported already.
        let cite = |o: Output| matches!(o, Output::CiteBib(_) | Output::CiteRis(_));
        if cite(first) && cite(second) {
            return;
        }
        // A term's files come after the aliases (see `plan.rs`), but an alias that takes a
        // term's URL is the one to change.
        let of_term = |o: Output| {
            matches!(
                o,
                Output::Page(Page::Term { .. } | Page::Taxonomy { .. })
                    | Output::TermAlias { .. }
                    | Output::Feed { term: Some(_), .. }
            )
        };
        if of_term(second) && matches!(first, Output::Alias { .. }) {
            std::mem::swap(&mut first, &mut second);
        }
        let (first_what, first_at) = self.describe(first);
        let (second_what, second_at) = self.describe(second);
        let shown = format!("/{}", file.strip_suffix("index.html").unwrap_or(file));
        let mut d = Diagnostic::error(
            Code::DuplicateUrl,
            format!("{second_what} and {first_what} both map to the URL `{shown}`"),
        );
        d = match (second_at, first_at) {
            (Some(second), Some(first)) => d.at(second).also(first, format!("{first_what} is here")),
            (Some(at), None) | (None, Some(at)) => d.at(at),
            (None, None) => d,
        };
        let help = match (first, second) {
            (Output::Page(Page::Brief(b)), Output::Page(Page::Section { section, page: 1, .. }))
            | (Output::Page(Page::Section { section, page: 1, .. }), Output::Page(Page::Brief(b))) => {
                // `x.md` beside folder `x/`: most often meant as the folder's introduction.
                let folder = &self.site.sections[section].folder;
                format!(
                    "to make `{}` the introduction of `content/{folder}/`, move it to `content/{folder}/_index.md`; else give it another `slug:`",
                    self.site.briefs[b].display()
                )
            }
            _ => resolution(second).to_string(),
        };
        self.diagnostics.push(d.help(help));
    }

    /// A file whose path is a folder of another file's path (`static/briefs` against
    /// `briefs/x/index.html`) cannot be written either.
    pub(super) fn check_folders(&mut self) {
        let mut clashes = Vec::new();
        each_folder(&self.files, |i, folder| {
            if let Some(other) = self.find(folder) {
                clashes.push((other, i));
            }
        });
        clashes.sort_unstable();
        clashes.dedup_by_key(|c| c.0);
        for (file, inside) in clashes {
            let (what, at) = self.describe(self.files[file].output);
            let (other, other_at) = self.describe(self.files[inside].output);
            let mut d = Diagnostic::error(
                Code::DuplicateUrl,
                format!("{what} is written at `{}`, a folder that {other} needs", self.files[file].file()),
            )
            .at_opt(at)
            .help(resolution(self.files[file].output));
            if let Some(o) = other_at {
                d = d.also(o, format!("{other} is here"));
            }
            self.diagnostics.push(d);
        }
    }

    /// `check_folders` for a table that starts from a base checked before: whether no file after
    /// the base can clash (its folders against every file, its path against the base's folders).
    /// A clash is then named by a whole plan, as a fresh build names it.
    pub(super) fn new_files_fit(&self) -> bool {
        let base = &self.base;
        let folders = base.folders.get_or_init(|| {
            let mut folders = HashSet::with_capacity_and_hasher(base.len, Default::default());
            each_folder(&self.files[..base.len], |_, folder| {
                folders.insert(hash::of(folder));
            });
            folders
        });
        let new = &self.files[base.len..];
        if new.iter().any(|r| folders.contains(&hash::of(&*key_of(r.file())))) {
            return false;
        }
        let mut fit = true;
        each_folder(new, |_, folder| fit &= self.find(folder).is_none());
        fit
    }

    /// ` in `ko`` for a page of another language than the default.
    fn in_language(&self, lang: usize) -> String {
        match lang {
            0 => String::new(),
            l => format!(" in `{}`", self.site.languages.get(l).map_or("", String::as_str)),
        }
    }

    /// Who owns a file, in the user's terms, and the place in the sources that made it.
    fn describe(&self, output: Output) -> (String, Option<Location>) {
        let site = self.site;
        let brief_at = |b: BriefId| {
            let brief = &site.briefs[b];
            // Where its path was set: `permalink:`, else `slug:`, else the file itself.
            let facts = brief.facts();
            let span = match (&facts.permalink, &facts.slug_span) {
                (Some(p), _) => p.span.clone(),
                (None, Some(s)) => s.0.clone(),
                (None, None) => 0..0,
            };
            brief.parsed.location(span)
        };
        match output {
            Output::Page(Page::Brief(b)) => (format!("`{}`", site.briefs[b].display()), Some(brief_at(b))),
            Output::Page(Page::Section { section, page, lang }) => {
                let sec = &site.sections[section];
                let folder = format!("the folder `content/{}`{}", sec.folder, self.in_language(lang));
                let what = if page > 1 { format!("page {page} of {folder}") } else { folder };
                (what, sec.index.as_ref().map(|p| p.location(0..0)))
            }
            Output::Page(Page::Term { taxonomy, term, page, lang }) => {
                let tax = &site.taxonomies[taxonomy];
                let tm = &tax.terms[term];
                let what = format!("the {} term `{}`{}", tax.name, tm.label, self.in_language(lang));
                let what = if page > 1 { format!("page {page} of {what}") } else { what };
                (what, site.term_location(taxonomy, term))
            }
            Output::TermAlias { taxonomy, term, spelling } => {
                let tm = &site.taxonomies[taxonomy].terms[term];
                (
                    format!("the redirect from `{}` to the term `{}`", tm.spellings[spelling], tm.label),
                    site.term_location(taxonomy, term),
                )
            }
            Output::Page(Page::Taxonomy { taxonomy, lang }) => {
                (format!("the `{}` index{}", site.taxonomies[taxonomy].name, self.in_language(lang)), None)
            }
            Output::Page(Page::Home(lang)) => (format!("the home page{}", self.in_language(lang)), None),
            Output::Page(Page::NotFound) => ("the 404 page".into(), None),
            Output::Page(Page::Search(lang)) => (format!("the search page{}", self.in_language(lang)), None),
            Output::Alias { brief, alias } => {
                let b = &site.briefs[brief];
                let a = &b.facts().aliases[alias];
                (format!("the alias `{}` of `{}`", a.value, b.display()), Some(b.parsed.location(a.span.clone())))
            }
            Output::SearchIndex(lang) => (format!("the search index{}", self.in_language(lang)), None),
            Output::SearchOrder(lang) => (format!("the search index's order{}", self.in_language(lang)), None),
            Output::SearchShard { lang, shard } => {
                (format!("part {shard} of the search index's words{}", self.in_language(lang)), None)
            }
            Output::SearchDocs { lang, part } => {
                (format!("part {part} of the search index's texts{}", self.in_language(lang)), None)
            }
            Output::Page(Page::Timeline(lang)) => (format!("the timeline{}", self.in_language(lang)), None),
            Output::TimelineJson(lang) => (format!("the timeline's JSON{}", self.in_language(lang)), None),
            Output::TimelineIcs => ("the calendar of planned events".into(), None),
            Output::Page(Page::Reports) => ("the list of reports".into(), None),
            Output::Page(Page::Report(r)) | Output::ReportPdf(r) => {
                let spec = &self.config.reports[self.site.reports.reports[r].spec];
                (format!("the report `{}`", spec.id), Some(spec.place.of(&spec.id)))
            }
            Output::Graph => ("the link graph `graph.json`".into(), None),
            Output::Terms => ("the list of terms `terms.json`".into(), None),
            Output::Feed { lang, term: None } => (format!("the site's Atom feed{}", self.in_language(lang)), None),
            Output::Feed { lang, term: Some((t, term)) } => (
                format!(
                    "the feed of the {} term `{}`{}",
                    site.taxonomies[t].name,
                    site.taxonomies[t].terms[term].label,
                    self.in_language(lang)
                ),
                None,
            ),
            Output::Sitemap(_) => ("the sitemap".into(), None),
            Output::Robots => ("`robots.txt`".into(), None),
            Output::ThemeFile(_) => ("a file of the theme's `static/` folder".into(), None),
            Output::Asset(i) => (format!("the file `content/{}`", site.assets[i].rel_path), None),
            Output::Static(i) => (format!("the file `static/{}`", site.statics[i].rel_path), None),
            Output::Page(Page::Sources) => ("the list of sources".into(), None),
            Output::Page(Page::Source(i)) => {
                (format!("the page of the source `{}`", site.library.entries[i].key), site.library.location(site, i))
            }
            Output::SourcesJson => ("the list of sources `sources.json`".into(), None),
            Output::CiteBib(b) | Output::CiteRis(b) => {
                (format!("the citation file of `{}`", site.briefs[b].display()), Some(brief_at(b)))
            }
        }
    }
}

/// Calls `f(i, folder)` for each folder (by key: `briefs/x`) of each file's path, in the
/// table's order, but the folders the file before had already (`briefs` once, not for every
/// brief): so the first file inside a folder is found.
fn each_folder<'r>(files: &'r [Route], mut f: impl FnMut(usize, &str)) {
    let mut last = Cow::Borrowed("");
    for (i, route) in files.iter().enumerate() {
        let key: Cow<'r, str> = key_of(route.file());
        // The length of the folders this key shares with the last one.
        let shared = key
            .match_indices('/')
            .map(|(at, _)| at)
            .take_while(|&at| last.as_bytes().get(at) == Some(&b'/') && key[..at] == last[..at])
            .last()
            .unwrap_or(0);
        for (at, _) in key.match_indices('/').filter(|&(at, _)| at > shared) {
            f(i, &key[..at]);
        }
        last = key;
    }
}

/// How to resolve a clash, from the side of the file registered second.
fn resolution(output: Output) -> &'static str {
    match output {
        Output::Page(Page::Brief(_)) => "give the brief another `slug:`, or move or rename its file",
        Output::Page(Page::Section { .. }) => "rename one of the folders, or the brief whose URL takes the page",
        Output::Page(Page::Term { .. }) | Output::Feed { term: Some(_), .. } => {
            "rename the brief or folder that takes the term's URL (a folder named after a taxonomy holds briefs at the term pages' URLs)"
        }
        Output::Alias { .. } => "remove the alias, or change it to the old URL it should redirect from",
        Output::Page(Page::Source(_)) => "give one of the sources another key: keys that differ only in case or punctuation make the same URL",
        Output::Asset(_) | Output::Static(_) => "rename or move the file: the build writes a file of its own at that path",
        _ => "rename the folder or file under content/ that takes this URL: the build writes it itself",
    }
}
