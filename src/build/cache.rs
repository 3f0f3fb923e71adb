//! What `watch` keeps between builds (`Cache`, the memo of every stage), and how a stage whose
//! inputs are what they were hands back what it made last time.

use std::sync::Arc;

use super::Project;
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::hash;
use crate::output;
use crate::render::{self, Templates};
use crate::routes::Routes;
use crate::{discover, links, parse, site};

/// What `watch` keeps between builds: the memo of every stage, and what the output holds.
#[derive(Default)]
pub struct Cache {
    pub(super) discover: discover::Memo,
    pub(super) parse: parse::Memo,
    pub(super) site: site::Memo,
    /// The last route table, with the keys of the model it was planned for and of its inputs.
    pub(super) routes: Option<(u64, u64, Arc<Routes>)>,
    pub(super) links: links::Memo,
    pub(super) library: crate::library::Memo,
    pub(super) style: Option<Arc<crate::citations::Style>>,
    pub(super) citations: crate::citations::Memo,
    pub(super) mentions: crate::mentions::Memo,
    /// The last timeline and reports, with the key of the model and settings they were made
    /// from (kept only when they reported nothing: messages point into the current text).
    pub(super) timeline: Option<(u64, Arc<crate::timeline::Timeline>)>,
    pub(super) reports: Option<(u64, Arc<crate::report::Reports>)>,
    pub(super) templates: Option<(u64, Arc<Templates>)>,
    pub(super) render: render::Memo,
    /// The route table of the last commit and the signature of each of its files: what the
    /// output holds.
    pub(super) written: Option<(Arc<Routes>, Vec<u64>, Vec<u64>)>,
}

/// What `make` makes, kept in `slot` while `key` is the one it was made for (`watch`); a result
/// that reported problems is not kept (its messages point into the current text).
pub(super) fn kept<T>(
    key: Option<u64>,
    slot: &mut Option<(u64, Arc<T>)>,
    diagnostics: &mut Vec<Diagnostic>,
    make: impl FnOnce() -> (T, Vec<Diagnostic>),
) -> Arc<T> {
    if let (Some(key), Some((last, value))) = (key, &*slot) {
        if key == *last {
            return value.clone();
        }
    }
    let (value, more) = make();
    let value = Arc::new(value);
    *slot = key.filter(|_| more.is_empty()).map(|key| (key, value.clone()));
    diagnostics.extend(more);
    value
}

/// The route table for `site`. The same model and settings, the same table; else a table is
/// planned again only if a path changed. `Err`: the clashes (none is kept).
pub(super) fn routes(
    project: &Project,
    site: &site::Site,
    memo: &mut Option<(u64, u64, Arc<Routes>)>,
) -> Result<Arc<Routes>, Vec<Diagnostic>> {
    let config = &project.config;
    let settings = (project.theme.fingerprint(), &config.base_url, config.paginate_by);
    let model_key = hash::of(&(site.key, settings));
    if let Some((last, _, routes)) = &*memo {
        if site.key != 0 && *last == model_key {
            return Ok(routes.clone());
        }
    }
    let pdf = project.pdf.is_some() && project.print.is_none();
    let keys = Routes::key(config, site, &project.theme, pdf);
    let key = keys.all;
    match &*memo {
        Some((_, k, routes)) if *k == key => {
            let routes = routes.clone();
            *memo = Some((model_key, key, routes.clone()));
            Ok(routes)
        }
        _ => {
            let max_path = output::path_budget(&project.output_dir);
            let last = memo.as_ref().map(|(_, _, routes)| &**routes);
            let (routes, problems) = Routes::plan(config, site, &project.theme, max_path, pdf, keys, last);
            let routes = Arc::new(routes);
            *memo = problems.is_empty().then(|| (model_key, key, routes.clone()));
            match problems.is_empty() {
                true => Ok(routes),
                false => Err(problems),
            }
        }
    }
}

/// The citation style `site.yaml` names (`check` has made sure it is a bundled one).
pub(super) fn style(
    config: &SiteConfig,
    memo: &mut Option<Arc<crate::citations::Style>>,
) -> Arc<crate::citations::Style> {
    match memo {
        Some(style) if style.name == config.citation_style => style.clone(),
        _ => {
            let style = Arc::new(
                crate::citations::Style::bundled(&config.citation_style).expect("site.yaml names a bundled style"),
            );
            *memo = Some(style.clone());
            style
        }
    }
}

/// The theme's templates compiled for each language (with its words): the languages are part
/// of the key.
pub(super) fn templates(
    project: &Project,
    languages: &[String],
    memo: &mut Option<(u64, Arc<Templates>)>,
) -> Result<Arc<Templates>, Vec<Diagnostic>> {
    let fingerprint = hash::of(&(project.theme.fingerprint(), languages));
    match memo {
        Some((k, templates)) if *k == fingerprint => Ok(templates.clone()),
        _ => Templates::compile(&project.theme, languages).map(|t| {
            let t = Arc::new(t);
            *memo = Some((fingerprint, t.clone()));
            t
        }),
    }
}
