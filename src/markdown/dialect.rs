//! The Markdown briefs are written in: pulldown-cmark's extensions, one set for every pass over a
//! body, so that analysing, rendering and reading a leading title all see the same events.

use pulldown_cmark::Options;

pub(super) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}
