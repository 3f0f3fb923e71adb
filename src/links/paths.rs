//! Links written from the site root (`/briefs/x/`, with or without the base path), checked
//! against every file the route table declares, like links to `.md` files are.

use std::collections::HashMap;

use super::index::{problem, Failure, Target};
use crate::diagnostics::Code;
use crate::routes::{Output, Page, Routes};

/// Every file of the site by its path under the base path (`briefs/x/` for
/// `briefs/x/index.html`), and what a link to it points at.
pub(super) struct Paths {
    base: String,
    by_path: HashMap<Box<str>, Target>,
}

impl Paths {
    pub(super) fn new(routes: &Routes) -> Paths {
        let by_path = routes
            .files
            .iter()
            .map(|route| {
                let file = route.file();
                let path = file.strip_suffix("index.html").unwrap_or(file);
                let target = match route.output {
                    Output::Page(Page::Brief(b)) => Target::Brief(b, None),
                    Output::Page(Page::Section { section, page: 1, lang: 0 }) => Target::Section(section, None),
                    Output::Asset(i) => Target::Asset(i),
                    _ => Target::Path(path.to_string()),
                };
                (Box::from(path), target)
            })
            .collect();
        Paths { base: routes.urls.base_path.trim_start_matches('/').to_string(), by_path }
    }

    /// The file `rooted` (decoded, without its leading `/`) names.
    pub(super) fn resolve(&self, rooted: &str) -> Result<Target, Failure> {
        let path = crate::slug::nfc(rooted);
        let path = match path.strip_prefix(self.base.as_str()) {
            Some(rest) if !self.base.is_empty() => rest,
            _ => path.as_str(),
        };
        let path = path.strip_suffix("index.html").unwrap_or(path);
        let with_slash = format!("{path}/");
        let found =
            self.by_path.get(path).or_else(|| (!path.ends_with('/')).then(|| self.by_path.get(&*with_slash))?);
        if let Some(target) = found {
            return Ok(target.clone());
        }
        let suggestion = crate::suggest::closest(path, self.by_path.keys().map(|k| &**k));
        Err(problem(
            Code::BrokenLink,
            format!("no page or file of the site is at `/{path}`"),
            match suggestion {
                Some(s) => format!("did you mean `/{s}`?"),
                None => "link to a page by its URL under the base path, or to its `.md` file".into(),
            },
        ))
    }
}
