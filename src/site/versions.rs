//! How briefs name each other: translations paired with their originals, and `supersedes:`.

use std::sync::Arc;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::hash::FastMap;

use super::{language_code, Brief, BriefId, Site};

/// Pairs each translation with its original: `x.ko.md` with `x.md` beside it, or the brief its
/// `translation_of:` names. One brief per language in each group; a translation of a translation
/// joins its original's group.
pub(super) fn pair_translations(config: &SiteConfig, briefs: &mut [Brief], diagnostics: &mut Vec<Diagnostic>) {
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
pub(super) fn supersession(site: &mut Site, diagnostics: &mut Vec<Diagnostic>) {
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
