//! URLs: the base path of `base_url` followed by a path from the site root, and the one
//! percent-decoder and -encoder of the crate.

use crate::config::SiteConfig;

/// Makes URLs: the base path of `base_url` followed by a path from the site root.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Urls {
    pub base_path: String,
    pub origin: Option<String>,
}

impl Urls {
    pub fn new(config: &SiteConfig) -> Urls {
        Urls { base_path: config.base_url.path.clone(), origin: config.base_url.origin.clone() }
    }

    /// Root-relative URL of a path from the site root (`briefs/x/` → `/policy/briefs/x/`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The absolute form of a root-relative URL, when `base_url` has an origin; non-ASCII
    /// characters percent-encoded, as XML consumers (feeds, sitemaps) expect.
    pub fn absolute(&self, href: &str) -> Option<String> {
        self.origin.as_ref().map(|o| format!("{o}{}", percent_encode_non_ascii(href)))
    }

    /// The path from the site root of a root-relative URL (`/policy/briefs/x/` → `briefs/x/`).
    pub fn path_of<'a>(&self, href: &'a str) -> &'a str {
        href.strip_prefix(self.base_path.as_str()).unwrap_or(href)
    }
}

pub fn percent_encode_non_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() && c != ' ' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The one percent-decoder: `None` when an escape is malformed or the bytes are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let digit = |b: u8| (b as char).to_digit(16);
            out.push((digit(hex[0])? * 16 + digit(hex[1])?) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
