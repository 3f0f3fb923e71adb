//! Integration tests: build small fixture sites with the real binary and look at the output.

mod build;
mod citations;
mod errors;
mod external;
mod hardening;
mod languages;
mod links;
mod other_tools;
mod output;
mod print;
mod publish;
mod reading;
mod rebuild;
mod reports;
mod reuse;
mod routes;
mod search;
mod serve;
mod start;
mod support;
mod terms;
mod timeline;
mod unchanged;
mod watch;
mod workflows;
