//! The hashes of the crate. File contents are hashed with XXH3: fast on long texts, and stable
//! across releases (asset URLs carry it for cache busting). Values are hashed through their
//! `Hash` implementation with foldhash, fast on the many small writes a page's context makes;
//! those hashes (page signatures, memo keys) are only ever compared with hashes made by the
//! same binary (the build identity includes it).

use std::hash::{BuildHasher, Hash};

use foldhash::quality::{FixedState, FoldHasher};
use twox_hash::XxHash3_64;

/// The hash of a file's bytes or a text.
pub fn bytes(bytes: &[u8]) -> u64 {
    XxHash3_64::oneshot(bytes)
}

/// The hash of a value through its `Hash` implementation: page signatures and memo keys.
pub fn of(value: &(impl Hash + ?Sized)) -> u64 {
    FixedState::with_seed(0).hash_one(value)
}

/// A `HashMap` with foldhash: for maps of the build's own keys (paths, slugs, terms), where
/// SipHash's resistance to crafted keys buys nothing and costs time.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// An empty `FastMap` with room for `capacity` entries.
pub fn fast_map<K, V>(capacity: usize) -> FastMap<K, V> {
    FastMap::with_capacity_and_hasher(capacity, foldhash::fast::FixedState::with_seed(0))
}

/// A hasher for values hashed field by field. Hash a sequence's length before its items:
/// foldhash folds small integers into a buffer whose fill it does not mix in, so `[2]` and
/// `[2, 0]` written item by item hash alike (a slice's `Hash` writes its length first).
pub fn hasher() -> FoldHasher<'static> {
    FixedState::with_seed(0).build_hasher()
}

/// What `watch` kept of the last build per brief, each value with the key it was made for.
/// A rebuild after an edit has the same briefs at the same places: a value is found by its
/// place, without a map of ten thousand keys made and dropped on every rebuild. Only when
/// briefs were added or removed (places moved) is it found by key.
#[derive(Debug)]
pub struct Kept<V> {
    keys: Vec<u64>,
    values: Vec<V>,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Kept { keys: Vec::new(), values: Vec::new() }
    }
}

impl<V> Kept<V> {
    pub fn new(keys: Vec<u64>, values: Vec<V>) -> Kept<V> {
        debug_assert_eq!(keys.len(), values.len());
        Kept { keys, values }
    }

    /// A finder for a build of `count` briefs: `find(at, key)` is the value kept for `key`, at
    /// the same place when the count is the same.
    pub fn finder<'a>(&'a self, count: usize) -> impl Fn(usize, u64) -> Option<&'a V> + Sync + 'a
    where
        V: Sync,
    {
        let moved: Option<FastMap<u64, usize>> =
            (self.keys.len() != count).then(|| self.keys.iter().enumerate().map(|(i, &k)| (k, i)).collect());
        move |at, key| match &moved {
            None => (self.keys.get(at) == Some(&key)).then(|| &self.values[at]),
            Some(places) => places.get(&key).map(|&i| &self.values[i]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_values_are_found_by_place_and_after_a_move_by_key() {
        let kept = Kept::new(vec![10, 20, 30], vec!["a", "b", "c"]);
        let same = kept.finder(3);
        assert_eq!(same(1, 20), Some(&"b"));
        // Same count: a changed key is a new value, not searched elsewhere.
        assert_eq!(same(1, 30), None);
        let moved = kept.finder(2);
        assert_eq!(moved(0, 30), Some(&"c"));
        assert_eq!(moved(1, 99), None);
    }

    #[test]
    fn hashes_are_stable() {
        // Asset URLs carry these values: they must not change between releases.
        assert_eq!(bytes(b""), 0x2d06800538d394c2);
        assert_ne!(bytes(b"a"), bytes(b"b"));
        assert_eq!(of(&("a", 1u8)), of(&("a", 1u8)));
        assert_ne!(of(&("a", 1u8)), of(&("a", 2u8)));
    }
}
