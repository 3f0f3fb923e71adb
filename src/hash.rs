//! The one hash of the crate: XXH3, fast on long texts (every file's content is hashed) and
//! stable across runs and Rust versions (asset URLs carry it for cache busting).

use std::hash::{Hash, Hasher};

use twox_hash::XxHash3_64;

/// The hash of a file's bytes or a text.
pub fn bytes(bytes: &[u8]) -> u64 {
    XxHash3_64::oneshot(bytes)
}

/// The hash of a value through its `Hash` implementation: page signatures and memo keys.
pub fn of(value: &(impl Hash + ?Sized)) -> u64 {
    let mut hasher = XxHash3_64::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hasher for values hashed field by field.
pub fn hasher() -> XxHash3_64 {
    XxHash3_64::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable() {
        // Asset URLs carry these values: they must not change between releases.
        assert_eq!(bytes(b""), 0x2d06800538d394c2);
        assert_eq!(bytes(b"briefing"), bytes(b"briefing"));
        assert_ne!(bytes(b"a"), bytes(b"b"));
        assert_eq!(of(&("a", 1u8)), of(&("a", 1u8)));
    }
}
