//! The taxonomies' terms, drafted from the briefs' and records' facts, and the warnings about them.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::hash::{self, FastMap};

use super::{Brief, BriefId, ByLang, Record, Site, Taxonomy, Term};

/// Positions are not facts: a term's first use may have moved within its file.
pub(super) fn refresh_first_uses(config: &SiteConfig, briefs: &[Brief], taxonomies: &mut [Taxonomy]) {
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
pub(super) struct Drafted {
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

pub(super) fn build_taxonomies(
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
