//! Mentions: where a brief's body names a term that has a record (its title, a name in another
//! language, or an `aka`), whether or not the brief is tagged with it. One multi-pattern pass per
//! body: Latin names at word boundaries (acronyms in capitals only), Hangul names also before a
//! particle (`주한미군은`, `주한미군의`).

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::hash;
use crate::site::{BriefId, ByLang, Site};

/// Particles that may follow a Hangul name in a mention.
const PARTICLES: &[&str] = &[
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "에서",
    "에게",
    "와",
    "과",
    "로",
    "으로",
    "도",
    "만",
    "까지",
    "부터",
    "보다",
    "처럼",
    "이나",
    "나",
    "이란",
    "란",
    "과의",
    "와의",
    "에서의",
    "으로서",
    "로서",
    "이다",
    "이며",
    "이고",
];

/// What the site's bodies mention.
#[derive(Debug, Default, Clone)]
pub struct Mentions {
    /// Per brief, each term it mentions without being tagged with it, and how often:
    /// `(taxonomy, term, count)`, in taxonomy and term order.
    pub by_brief: Vec<Vec<(usize, usize, u32)>>,
    /// Per taxonomy and term, the briefs that mention it without being tagged, newest first.
    pub by_term: Vec<Vec<ByLang>>,
}

impl Mentions {
    /// The briefs in language `lang` that mention a term without being tagged with it.
    pub fn of_term(&self, t: usize, term: usize, lang: usize) -> &[BriefId] {
        self.by_term.get(t).and_then(|terms| terms.get(term)).map_or(&[], |list| list.of(lang))
    }
}

/// One name looked for, and the terms it names (one per taxonomy: `China` may be a topic and an
/// actor).
#[derive(Debug, Clone, Hash)]
struct Pattern {
    text: String,
    terms: Vec<(usize, usize)>,
    /// Written in capitals (`USFK`): matched in capitals only.
    acronym: bool,
}

/// What `watch` keeps: the automaton of the last names, and what each body matched.
#[derive(Default)]
pub struct Memo {
    key: u64,
    automaton: Option<Arc<AhoCorasick>>,
    /// By the hash of a file's text: the patterns it matched and how often.
    found: HashMap<u64, Arc<Vec<(u32, u32)>>>,
}

/// Finds the mentions of every record's names in every brief's body.
pub fn find(site: &Site, config: &SiteConfig, memo: Option<&mut Memo>) -> Mentions {
    let patterns = patterns(site, config);
    let mut mentions = Mentions {
        by_brief: vec![Vec::new(); site.briefs.len()],
        by_term: site.taxonomies.iter().map(|t| vec![ByLang::default(); t.terms.len()]).collect(),
    };
    if patterns.is_empty() {
        return mentions;
    }
    let texts: Vec<&str> = patterns.iter().map(|p| p.text.as_str()).collect();
    let key = hash::of(&texts.iter().zip(&patterns).map(|(t, p)| (*t, p.acronym)).collect::<Vec<_>>());
    let mut scratch = Memo::default();
    let memo = memo.unwrap_or(&mut scratch);
    if memo.key != key || memo.automaton.is_none() {
        // A DFA: several times faster than the default NFA over the megabytes of a large site,
        // for a table of a few megabytes at most.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&texts)
            .expect("names are short texts");
        *memo = Memo { key, automaton: Some(Arc::new(automaton)), found: HashMap::new() };
    }
    let automaton = memo.automaton.clone().expect("made above");
    let found: Vec<Arc<Vec<(u32, u32)>>> = site
        .briefs
        .par_iter()
        .map(|brief| match memo.found.get(&brief.file_hash) {
            Some(found) => found.clone(),
            None => Arc::new(scan(&automaton, &patterns, brief.body_text())),
        })
        .collect();
    memo.found = site.briefs.iter().zip(&found).map(|(b, f)| (b.file_hash, f.clone())).collect();
    let mut by_term: Vec<Vec<Vec<BriefId>>> = site.taxonomies.iter().map(|t| vec![Vec::new(); t.terms.len()]).collect();
    for (b, found) in found.iter().enumerate() {
        let tagged = &site.briefs[b].terms;
        let mut terms: Vec<(usize, usize, u32)> = Vec::new();
        for &(p, count) in found.iter() {
            for &(taxonomy, term) in &patterns[p as usize].terms {
                if tagged.contains(&(taxonomy, term)) {
                    continue;
                }
                match terms.iter_mut().find(|(t, i, _)| (*t, *i) == (taxonomy, term)) {
                    Some(entry) => entry.2 += count,
                    None => terms.push((taxonomy, term, count)),
                }
            }
        }
        terms.sort_unstable();
        for &(t, i, _) in &terms {
            by_term[t][i].push(b);
        }
        mentions.by_brief[b] = terms;
    }
    for (lists, grouped) in by_term.into_iter().zip(&mut mentions.by_term) {
        for (mut list, grouped) in lists.into_iter().zip(grouped) {
            list.sort_unstable_by_key(|&b| site.rank[b]);
            *grouped = ByLang::group(list, &site.briefs, site.latest.languages());
        }
    }
    mentions
}

/// `check`'s advice: a brief that mentions a term twice or more may want to be tagged with it.
pub fn untagged_notes(site: &Site, mentions: &Mentions) -> Vec<crate::diagnostics::Diagnostic> {
    use crate::diagnostics::{Code, Diagnostic};
    let mut notes = Vec::new();
    for (b, terms) in mentions.by_brief.iter().enumerate() {
        for &(t, i, count) in terms.iter().filter(|(_, _, count)| *count >= 2) {
            let (taxonomy, term) = (&site.taxonomies[t], &site.taxonomies[t].terms[i]);
            let brief = &site.briefs[b];
            notes.push(
                Diagnostic::note(
                    Code::Untagged,
                    format!("mentions `{}` {count} times but is not tagged with it", term.label),
                )
                .at(brief.parsed.location(brief.parsed.body.start..brief.parsed.body.start))
                .help(format!("add `{}` to `{}:` if the brief is about it", term.label, taxonomy.name)),
            );
        }
    }
    notes
}

/// Every name of every record of a taxonomy that looks for mentions. Names shorter than two
/// characters are left out: they would match everywhere.
fn patterns(site: &Site, config: &SiteConfig) -> Vec<Pattern> {
    let mut patterns: Vec<Pattern> = Vec::new();
    let mut by_text: HashMap<String, usize> = HashMap::new();
    for (t, (taxonomy, settings)) in site.taxonomies.iter().zip(&config.taxonomies).enumerate() {
        if !settings.mentions {
            continue;
        }
        for (i, term) in taxonomy.terms.iter().enumerate() {
            let Some(record) = term.record.map(|r| &site.records[r]) else { continue };
            let fields = record.fields();
            let names = std::iter::once(term.label.as_str())
                .chain(fields.names.iter().map(|(_, n)| n.value.as_str()))
                .chain(fields.aka.iter().map(|a| a.value.as_str()));
            for name in names {
                let name = name.trim();
                if name.chars().count() < 2 {
                    continue;
                }
                if let Some(&p) = by_text.get(name) {
                    let terms: &mut Vec<(usize, usize)> = &mut patterns[p].terms;
                    if !terms.contains(&(t, i)) {
                        terms.push((t, i));
                    }
                    continue;
                }
                let acronym = name.chars().filter(char::is_ascii_uppercase).count() >= 2
                    && !name.chars().any(|c| c.is_lowercase());
                by_text.insert(name.to_string(), patterns.len());
                patterns.push(Pattern { text: name.to_string(), terms: vec![(t, i)], acronym });
            }
        }
    }
    patterns
}

/// The patterns a body mentions, and how often.
fn scan(automaton: &AhoCorasick, patterns: &[Pattern], body: &str) -> Vec<(u32, u32)> {
    let mut found: Vec<(u32, u32)> = Vec::new();
    for m in automaton.find_iter(body) {
        let pattern = &patterns[m.pattern().as_usize()];
        let written = &body[m.start()..m.end()];
        if pattern.acronym && written != pattern.text {
            continue;
        }
        if !at_boundaries(body, m.start(), m.end(), &pattern.text) {
            continue;
        }
        let id = m.pattern().as_u32();
        match found.iter_mut().find(|(p, _)| *p == id) {
            Some(entry) => entry.1 += 1,
            None => found.push((id, 1)),
        }
    }
    found
}

fn is_hangul(c: char) -> bool {
    ('\u{ac00}'..='\u{d7a3}').contains(&c)
        || ('\u{1100}'..='\u{11ff}').contains(&c)
        || ('\u{3130}'..='\u{318f}').contains(&c)
}

/// Whether a match stands as a word: no letter or digit just before it, and none just after it
/// except a Korean particle followed by the end of the word (`주한미군의`, and `SCM이` in
/// Korean text).
fn at_boundaries(body: &str, start: usize, end: usize, name: &str) -> bool {
    if body[..start].chars().next_back().is_some_and(char::is_alphanumeric) {
        return false;
    }
    let after = &body[end..];
    match after.chars().next() {
        None => true,
        Some(c) if !c.is_alphanumeric() => true,
        Some(c) if is_hangul(c) || name.chars().next_back().is_some_and(is_hangul) => PARTICLES
            .iter()
            .any(|p| after.strip_prefix(p).is_some_and(|rest| !rest.chars().next().is_some_and(char::is_alphanumeric))),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latin_name_takes_a_korean_particle() {
        assert_eq!(found(&["SCM"], "제57차 SCM이 열렸다").len(), 1);
        assert_eq!(found(&["SCM"], "SCM의 결과").len(), 1);
        assert!(found(&["SCM"], "SCM한국").is_empty(), "not a particle");
        assert!(found(&["SCM"], "SCMs").is_empty());
    }

    fn found(names: &[&str], body: &str) -> Vec<(u32, u32)> {
        let patterns: Vec<Pattern> = names
            .iter()
            .map(|n| Pattern {
                text: n.to_string(),
                terms: vec![(0, 0)],
                acronym: n.chars().filter(char::is_ascii_uppercase).count() >= 2
                    && !n.chars().any(|c| c.is_lowercase()),
            })
            .collect();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(names)
            .unwrap();
        scan(&automaton, &patterns, body)
    }

    #[test]
    fn latin_names_at_word_boundaries_and_acronyms_in_capitals() {
        assert_eq!(found(&["USFK"], "USFK and USFK."), [(0, 2)]);
        assert_eq!(found(&["USFK"], "USFKX, xUSFK, usfk"), []);
        assert_eq!(found(&["Extended deterrence"], "On extended deterrence, the"), [(0, 1)]);
        assert_eq!(found(&["Extended deterrence"], "extended deterrences"), []);
        // The longest name wins where two start together.
        assert_eq!(found(&["US", "US Forces Korea"], "The US Forces Korea"), [(1, 1)]);
    }

    #[test]
    fn hangul_names_before_particles() {
        for body in ["주한미군은", "주한미군의 역할", "주한미군", "(주한미군)", "주한미군에서의"]
        {
            assert_eq!(found(&["주한미군"], body), [(0, 1)], "{body}");
        }
        for body in ["주한미군사령부", "재주한미군", "주한미군들"] {
            assert_eq!(found(&["주한미군"], body), [], "{body}");
        }
    }
}
