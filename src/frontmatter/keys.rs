//! Which top-level keys each kind of file may hold, and what to say of a key another tool
//! writes, so an unknown key gets a useful hint rather than only a warning.

pub(super) const RECORD_KEYS: &[&str] = &[
    "title",
    "summary",
    "description",
    "names",
    "aka",
    "type",
    "wikidata",
    "part_of",
    "affiliation",
    "image",
    "extra",
];

pub(super) const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "description",
    "authors",
    "status",
    "draft",
    "slug",
    "weight",
    "sources",
    "related",
    "aliases",
    "url",
    "permalink",
    "image",
    "lang",
    "translation_of",
    "translated_from",
    "extra",
    "events",
    "supersedes",
    "reviewed",
    "review_by",
    "review_every",
    "changes",
];

/// What to say of a key other tools write (Obsidian, Hugo, Jekyll, Zola, Dendron, Foam).
pub(super) fn foreign_key_help(key: &str) -> Option<String> {
    Some(match key {
        "lastmod" | "modified" | "last_modified_at" | "last-modified" => format!("briefing calls `{key}` `updated`"),
        "author" => "briefing calls this `authors`, a list: `authors: [Name]`".into(),
        "tags" | "categories" | "category" | "keywords" | "series" => {
            format!("to group briefs by `{key}`, add `{key}` to `taxonomies:` in site.yaml")
        }
        "id" | "uid" | "created" | "desc" | "layout" | "cssclass" | "cssclasses" | "publish" | "type" | "toc"
        | "comments" | "menu" | "sitemap" | "math" | "excerpt" | "redirect_from" | "publishdate" | "expirydate"
        | "template" => format!("`{key}` is another tool's key; briefing does not use it"),
        _ => return None,
    })
}
