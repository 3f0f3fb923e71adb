//! "did you mean …?" for misspelt keys, slugs and anchors.

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
/// (ties go to the candidate first in byte order). Candidates whose length alone puts them too
/// far are skipped, and a distance is given up as soon as it exceeds the best so far: a broken
/// link in a site of 10,000 briefs compares against every slug.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let chars: Vec<char> = word.chars().collect();
    let limit = (chars.len() / 3).max(2);
    let pattern = (chars.len() <= 64).then(|| Pattern::new(&chars));
    let mut best: Option<(usize, &str)> = None;
    let mut row = Vec::new();
    for candidate in candidates {
        let bound = best.map_or(limit, |(d, _)| d);
        let len = if candidate.is_ascii() { candidate.len() } else { candidate.chars().count() };
        if len.abs_diff(chars.len()) > bound {
            continue;
        }
        let distance = match &pattern {
            Some(pattern) => Some(pattern.distance(candidate)).filter(|d| *d <= bound),
            None => distance_within(&chars, candidate, bound, &mut row),
        };
        if let Some(d) = distance {
            if best.is_none_or(|b| (d, candidate) < b) {
                best = Some((d, candidate));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// A word of at most 64 characters, ready for Myers' bit-parallel edit distance (Hyyrö's form
/// for whole strings): each character of a candidate costs a few word operations.
struct Pattern {
    len: usize,
    ascii: [u64; 128],
    other: Vec<(char, u64)>,
}

impl Pattern {
    fn new(chars: &[char]) -> Pattern {
        let mut pattern = Pattern { len: chars.len(), ascii: [0; 128], other: Vec::new() };
        for (i, &c) in chars.iter().enumerate() {
            match pattern.ascii.get_mut(c as usize) {
                Some(mask) => *mask |= 1 << i,
                None => match pattern.other.iter_mut().find(|(o, _)| *o == c) {
                    Some((_, mask)) => *mask |= 1 << i,
                    None => pattern.other.push((c, 1 << i)),
                },
            }
        }
        pattern
    }

    fn mask(&self, c: char) -> u64 {
        match self.ascii.get(c as usize) {
            Some(&mask) => mask,
            None => self.other.iter().find(|(o, _)| *o == c).map_or(0, |(_, mask)| *mask),
        }
    }

    fn distance(&self, text: &str) -> usize {
        if self.len == 0 {
            return text.chars().count();
        }
        if text.is_ascii() {
            self.distance_of(text.bytes().map(|b| self.ascii[b as usize]))
        } else {
            self.distance_of(text.chars().map(|c| self.mask(c)))
        }
    }

    /// The distance to a text given as the pattern's mask of each of its characters.
    fn distance_of(&self, masks: impl Iterator<Item = u64>) -> usize {
        let top = 1u64 << (self.len - 1);
        let (mut pv, mut mv, mut score) = (!0u64, 0u64, self.len);
        for eq in masks {
            let xv = eq | mv;
            let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
            let mut ph = mv | !(xh | pv);
            let mut mh = pv & xh;
            if ph & top != 0 {
                score += 1;
            } else if mh & top != 0 {
                score -= 1;
            }
            ph = (ph << 1) | 1;
            mh <<= 1;
            pv = mh | !(xv | ph);
            mv = ph & xv;
        }
        score
    }
}

/// The edit distance from `a` to `b` if it is at most `bound` (for words over 64 characters).
fn distance_within(a: &[char], b: &str, bound: usize, row: &mut Vec<usize>) -> Option<usize> {
    row.clear();
    row.extend(0..=b.chars().count());
    for (i, &ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, cb) in b.chars().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
            smallest = smallest.min(row[j + 1]);
        }
        if smallest > bound {
            return None;
        }
    }
    let d = row[row.len() - 1];
    (d <= bound).then_some(d)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest("topcs", ["title", "topics", "actors"]), Some("topics"));
        assert_eq!(closest("usfk-flexibilty", ["usfk-flexibility", "opcon"]), Some("usfk-flexibility"));
        assert_eq!(closest("zzzzzz", ["title"]), None);
        assert_eq!(closest("abc", ["abd", "abe"]), Some("abd"), "ties go to the first in byte order");
        assert_eq!(closest("abc", ["abe", "abd"]), Some("abd"));
    }

    #[test]
    fn the_bit_parallel_distance_agrees_with_the_table() {
        // Random words over a small alphabet (with Hangul), from a fixed linear congruential
        // sequence: many near misses.
        let alphabet: Vec<char> = "abcd-전시작".chars().collect();
        let mut seed = 12345u64;
        let mut word = |max: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (seed >> 33) % max;
            (0..len)
                .map(|i| alphabet[((seed >> (i % 40)) as usize + i as usize * 7) % alphabet.len()])
                .collect::<String>()
        };
        for _ in 0..3000 {
            let (a, b) = (word(70), word(70));
            let chars: Vec<char> = a.chars().collect();
            if chars.len() <= 64 {
                assert_eq!(Pattern::new(&chars).distance(&b), edit_distance(&a, &b), "{a:?} {b:?}");
            }
            let mut row = Vec::new();
            let full = edit_distance(&a, &b);
            assert_eq!(distance_within(&chars, &b, full, &mut row), Some(full));
            if full > 0 {
                assert_eq!(distance_within(&chars, &b, full - 1, &mut row), None);
            }
        }
    }

    #[test]
    fn the_bounded_search_agrees_with_the_full_distance() {
        let words = ["opcon-transfer", "usfk", "전시작전통제권", "extended-deterrence", "scm-57", "", "a"];
        let candidates = ["opcon-transfers", "usfk-role", "전시작전통제", "deterrence", "scm-56", "b", "opcon"];
        for word in words {
            let limit = (word.chars().count() / 3).max(2);
            let expected = candidates
                .iter()
                .map(|c| (edit_distance(word, c), *c))
                .filter(|(d, _)| *d <= limit)
                .min()
                .map(|(_, c)| c);
            assert_eq!(closest(word, candidates), expected, "{word}");
        }
    }
}
