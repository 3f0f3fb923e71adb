//! Reports: dossiers declared in `site.yaml` (`reports:`), each the briefs a selection matches,
//! in order, with the events, sources and terms they bring. `assemble` is a stage after the
//! timeline; the page is `render/report.rs`, the PDF `pdf.rs`.

pub mod scope;
pub mod spec;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::site::{BriefId, Site};

pub use spec::{Order, Parts, ReportSpec};

/// A report resolved against the site.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Report {
    /// Its declaration: `config.reports[spec]`.
    pub spec: usize,
    /// The language of its briefs (0: the site's default).
    pub lang: usize,
    pub briefs: Vec<BriefId>,
    /// The terms its selection names: their pages link to it.
    pub terms: Vec<(usize, usize)>,
    /// The events its briefs state, oldest first.
    pub events: Vec<usize>,
    /// The terms of its briefs that have a record (authors aside), by label: its glossary.
    pub glossary: Vec<(usize, usize)>,
}

/// Every report, and the reports of each term.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct Reports {
    pub reports: Vec<Report>,
    /// Per taxonomy, per term: the reports that select it.
    pub by_term: Vec<Vec<Vec<usize>>>,
}

impl Reports {
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    pub fn of_term(&self, t: usize, i: usize) -> &[usize] {
        self.by_term.get(t).and_then(|t| t.get(i)).map_or(&[], Vec::as_slice)
    }
}

/// Resolves every report's selection. Problems: an unknown taxonomy, term, section, brief or
/// language is an error (with a did-you-mean); a selection that matches nothing a warning.
pub fn assemble(config: &SiteConfig, site: &Site) -> (Reports, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    if config.reports.is_empty() {
        return (Reports::default(), diagnostics);
    }
    let lookup = crate::timeline::term_lookup(config, site);
    let names = crate::site::BriefNames::new(&site.briefs);
    let mut reports = Vec::new();
    for (r, spec) in config.reports.iter().enumerate() {
        let place = &spec.place;
        let error = |needle: &str, message: String, help: String| {
            Diagnostic::error(Code::Config, message).at(place.of(needle)).help(help)
        };
        let lang = match &spec.language {
            None => 0,
            Some(code) => match site.languages.iter().position(|l| l == code) {
                Some(lang) => lang,
                None => {
                    diagnostics.push(error(
                        code,
                        format!("the report `{}` is in `{code}`, which is not a language of the site", spec.id),
                        format!("write one of {}, or add `{code}` to `languages`", site.languages.join(", ")),
                    ));
                    continue;
                }
            },
        };
        // Each key given narrows the briefs: `None` is "any".
        let mut allowed: Vec<bool> = site.briefs.iter().map(|b| b.lang == lang).collect();
        let mut terms = Vec::new();
        let mut failed = false;
        for (name, labels) in &spec.select.terms {
            let Some(t) = site.taxonomies.iter().position(|tax| &tax.name == name) else {
                let known: Vec<&str> =
                    site.taxonomies.iter().map(|t| t.name.as_str()).chain(spec::SELECT_KEYS.iter().copied()).collect();
                let help = match crate::suggest::closest(name, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("select by {}", known.join(", ")),
                };
                diagnostics.push(error(
                    name,
                    format!("`select: {name}` is neither a taxonomy of the site nor a key of `select`"),
                    help,
                ));
                failed = true;
                continue;
            };
            let mut wanted = Vec::new();
            for label in labels {
                match lookup[t].get(crate::slug::slugify(label).as_str()) {
                    Some(&i) => wanted.push(i),
                    None => {
                        // Compared as slugs, shown as labels: `opcon-transfr` → `OPCON transfer`.
                        let terms = &site.taxonomies[t].terms;
                        let slug = crate::slug::slugify(label);
                        let closest = crate::suggest::closest(&slug, terms.iter().map(|term| term.slug.as_str()))
                            .and_then(|s| terms.iter().find(|term| term.slug == s));
                        let help = match closest {
                            Some(term) => format!("did you mean `{}`?", term.label),
                            None => format!("name a term the briefs use in `{name}:`, or one of its records' names"),
                        };
                        diagnostics.push(error(
                            label,
                            format!(
                                "the report `{}` selects the {name} term `{label}`, which the site does not have",
                                spec.id
                            ),
                            help,
                        ));
                        failed = true;
                    }
                }
            }
            for (b, brief) in site.briefs.iter().enumerate() {
                allowed[b] &= brief.terms.iter().any(|&(bt, bi)| bt == t && wanted.contains(&bi));
            }
            terms.extend(wanted.into_iter().map(|i| (t, i)));
        }
        if !spec.select.sections.is_empty() {
            let mut wanted = Vec::new();
            for name in &spec.select.sections {
                let folder = name.trim().trim_matches('/');
                let slug = crate::slug::slugify(folder);
                let found = site.sections.iter().position(|s| {
                    !s.folder.is_empty()
                        && (s.folder == folder
                            || crate::slug::slugify(&s.folder) == slug
                            || s.title.eq_ignore_ascii_case(folder))
                });
                match found {
                    Some(s) => wanted.push(s),
                    None => {
                        let known = site.sections.iter().filter(|s| !s.folder.is_empty()).map(|s| s.folder.as_str());
                        let help = match crate::suggest::closest(folder, known) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "name a folder under content/ that holds briefs, e.g. `briefs`".into(),
                        };
                        diagnostics.push(error(
                            name,
                            format!(
                                "the report `{}` selects the section `{name}`, which the site does not have",
                                spec.id
                            ),
                            help,
                        ));
                        failed = true;
                    }
                }
            }
            // A section holds the briefs of its subsections.
            let within = |mut s: usize| loop {
                if wanted.contains(&s) {
                    return true;
                }
                match site.sections[s].parent {
                    Some(p) if p != s => s = p,
                    _ => return false,
                }
            };
            for (b, brief) in site.briefs.iter().enumerate() {
                allowed[b] &= within(brief.section);
            }
        }
        let mut listed = Vec::new();
        if !spec.select.briefs.is_empty() {
            for name in &spec.select.briefs {
                match crate::site::find_named(&names, name, |_| true) {
                    Some(b) => {
                        let b = site.version_in(b, lang);
                        if !listed.contains(&b) {
                            listed.push(b);
                        }
                    }
                    None => {
                        let help = match crate::suggest::closest(name, site.briefs.iter().map(|b| b.id())) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => {
                                "name a brief by its path under content/ without `.md`, e.g. `briefs/opcon-transfer`"
                                    .into()
                            }
                        };
                        diagnostics.push(error(name, format!("the report `{}` lists the brief `{name}`, which the site does not have (or is a draft)", spec.id), help));
                        failed = true;
                    }
                }
            }
            for (b, a) in allowed.iter_mut().enumerate() {
                *a &= listed.contains(&b);
            }
        }
        if spec.select.from.is_some() || spec.select.to.is_some() {
            let from = spec.select.from.map(|d| d.start());
            let until = spec.select.to.map(|d| d.end_exclusive());
            for (b, brief) in site.briefs.iter().enumerate() {
                let day = brief.front().date.map(|d| d.datetime.date_naive());
                allowed[b] &= day.is_some_and(|day| from.is_none_or(|f| day >= f) && until.is_none_or(|u| day < u));
            }
        }
        if failed {
            continue;
        }
        // A superseded brief is in a report only when it is named.
        let briefs: Vec<BriefId> = match spec.order {
            Order::Listed => listed.iter().copied().filter(|&b| allowed[b]).collect(),
            Order::Date => {
                let mut briefs: Vec<BriefId> = site
                    .by_date
                    .iter()
                    .rev()
                    .copied()
                    .filter(|&b| allowed[b] && (site.briefs[b].superseded_by.is_empty() || listed.contains(&b)))
                    .collect();
                // Undated briefs sort last in `by_date`: in a report, after the dated ones still.
                let (dated, undated): (Vec<BriefId>, Vec<BriefId>) =
                    briefs.drain(..).partition(|&b| site.briefs[b].front().date.is_some());
                dated.into_iter().chain(undated.into_iter().rev()).collect()
            }
        };
        if briefs.is_empty() {
            diagnostics.push(
                Diagnostic::warning(Code::Config, format!("the report `{}` selects no brief", spec.id))
                    .at(place.of(&spec.id))
                    .help("check its `select:`: every key given must match (topics AND sections AND dates…)"),
            );
        }
        let mut events: Vec<usize> = briefs.iter().flat_map(|&b| site.timeline.of_brief(b).iter().copied()).collect();
        events.sort_unstable();
        events.dedup();
        let mut glossary: Vec<(usize, usize)> = briefs
            .iter()
            .flat_map(|&b| site.briefs[b].terms.iter().copied())
            .filter(|&(t, i)| site.taxonomies[t].name != "authors" && site.taxonomies[t].terms[i].record.is_some())
            .collect();
        glossary.sort_unstable();
        glossary.dedup();
        glossary.sort_by_cached_key(|&(t, i)| site.taxonomies[t].terms[i].label_in(lang).to_lowercase());
        reports.push(Report { spec: r, lang, briefs, terms, events, glossary });
    }
    let mut by_term: Vec<Vec<Vec<usize>>> = site.taxonomies.iter().map(|t| vec![Vec::new(); t.terms.len()]).collect();
    for (r, report) in reports.iter().enumerate() {
        for &(t, i) in &report.terms {
            if !by_term[t][i].contains(&r) {
                by_term[t][i].push(r);
            }
        }
    }
    (Reports { reports, by_term }, diagnostics)
}
