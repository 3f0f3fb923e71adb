//! Markdown, parsed once per brief: the analysis (headings, links with their spans, summary,
//! word count) and the HTML come from the same pass. Link targets are only known once every
//! brief is, so the HTML keeps a marker where each link opens and closes, filled in when the
//! page is rendered. The n-th link of the analysis is the n-th link of the rendering.
//!
//! By step: `analyse` reads a body (with `headings`, `cite` and `plain_text`), `render` writes
//! its HTML once links are resolved, `typeset` shapes what both write, and `sanitise` keeps what
//! they write safe for a page. `dialect` is the Markdown every pass reads.

mod analyse;
mod cite;
mod dialect;
mod headings;
mod plain_text;
mod render;
mod sanitise;
mod typeset;

pub use analyse::{analyse, Analysis, LinkKind, LinkRef, MarkedHtml, WriteHtml};
pub use cite::CitationRef;
pub use headings::{leading_title, Heading, RESERVED_IDS};
pub use plain_text::count_words;
pub use render::{render, LinkOutput};
pub use sanitise::{escape_html, write_escaped};
pub use typeset::notes_heading;
