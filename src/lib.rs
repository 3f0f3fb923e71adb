//! briefing: Markdown policy briefs with YAML front-matter into a cross-linked static site with
//! topic indexes. A pipeline of small stages; `build::run` is the only code that knows their
//! order.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod build;
pub mod citations;
pub mod config;
pub mod date;
pub mod diagnostics;
pub mod discover;
pub mod external;
pub mod frontmatter;
pub mod hash;
pub mod init;
pub mod library;
pub mod lifecycle;
pub mod links;
pub mod markdown;
pub mod mentions;
pub mod new_brief;
pub mod output;
pub mod parse;
pub mod pdf;
pub mod related;
pub mod render;
pub mod report;
pub mod routes;
pub mod scheme;
pub mod serve;
pub mod site;
pub mod slug;
pub mod suggest;
pub mod text;
pub mod theme;
pub mod timeline;
pub mod toml_front;
pub mod unchanged;
pub mod watch;
pub mod yaml;
