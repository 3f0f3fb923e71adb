//! `briefing report`: one report or brief printed to a PDF file, nothing else rendered.

use super::{PrintJob, PrintTarget};
use crate::diagnostics::{Code, Diagnostic, EnvError};
use crate::render;
use crate::site;

/// Prints what `job` names to its file. `Ok(Err)`: the report or brief is not in the site.
pub(super) fn print_one(inputs: &render::Inputs, job: &PrintJob) -> Result<Result<(), Diagnostic>, EnvError> {
    let site = inputs.site;
    let page = match &job.target {
        PrintTarget::Report(id) => {
            let specs = &inputs.config.reports;
            let found = site.reports.reports.iter().position(|r| specs[r.spec].id == *id);
            match found {
                Some(r) => crate::routes::Page::Report(r),
                None => {
                    let help = match crate::suggest::closest(id, specs.iter().map(|s| s.id.as_str())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if specs.is_empty() => "declare reports in site.yaml: `reports: [{id: opcon, title: …, select: {topics: [opcon-transfer]}}]`".into(),
                        None => format!("the reports are {}", specs.iter().map(|s| format!("`{}`", s.id)).collect::<Vec<_>>().join(", ")),
                    };
                    return Ok(Err(Diagnostic::error(Code::Config, format!("there is no report `{id}`")).help(help)));
                }
            }
        }
        PrintTarget::Brief(name) => {
            let names = site::BriefNames::new(&site.briefs);
            match site::find_named(&names, name, |_| true) {
                Some(b) => crate::routes::Page::Brief(b),
                None => {
                    let help = match crate::suggest::closest(name, site.briefs.iter().map(|b| b.id())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => {
                            "name a brief by its path under content/ without `.md`, e.g. `briefs/opcon-transfer`".into()
                        }
                    };
                    return Ok(Err(Diagnostic::error(Code::Config, format!("there is no brief `{name}`")).help(help)));
                }
            }
        }
    };
    let bytes = match render::print_page(inputs, page)? {
        Ok(bytes) => bytes,
        Err(problem) => return Ok(Err(problem)),
    };
    crate::pdf::write_file(&job.file, &bytes)
        .map_err(|e| EnvError::new(format!("cannot write `{}`: {e}", job.file.display())))?;
    Ok(Ok(()))
}
