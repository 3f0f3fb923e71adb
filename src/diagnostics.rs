//! Diagnostics are data: every stage records them and keeps going; the binary prints them all at
//! the end, sorted by file and line.

use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor, Config, Styles, StylesWriter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a file (as shown to the user) and a byte span in its text.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: String,
    pub text: Arc<str>,
    pub span: Range<usize>,
}

impl Location {
    pub fn new(file: impl Into<String>, text: Arc<str>, span: Range<usize>) -> Location {
        let end = span.end.min(text.len());
        let start = span.start.min(end);
        Location { file: file.into(), text, span: start..end }
    }

    /// 1-based line and column (in characters) of the span's start.
    pub fn line_col(&self) -> (usize, usize) {
        LineIndex::new(&self.text).line_col(&self.text, self.span.start)
    }
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable name for the class of problem, e.g. `broken-link`.
    pub code: &'static str,
    pub message: String,
    pub location: Option<Box<Location>>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code, message: message.into(), location: None, help: None }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(Box::new(location));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (String, usize, usize, Severity, String) {
        let (file, line, col) = match &self.location {
            Some(loc) => {
                let (l, c) = loc.line_col();
                (loc.file.clone(), l, c)
            }
            None => (String::new(), 0, 0),
        };
        (file, line, col, self.severity, self.message.clone())
    }

    /// Renders this diagnostic like a compiler would: `file:line:column`, the source line with a
    /// caret under the span, and the hint.
    pub fn render(&self, color: bool) -> String {
        let mut rendered = match self.severity {
            Severity::Error => Rendered::error(),
            Severity::Warning => Rendered::warning(),
        }
        .with_code(self.code)
        .with_message(&self.message);
        if let Some(help) = &self.help {
            rendered = rendered.with_notes(vec![format!("help: {help}")]);
        }
        let config = Config::default();
        let output = match &self.location {
            Some(loc) => {
                let file = SimpleFile::new(loc.file.as_str(), &*loc.text);
                let rendered = rendered.with_labels(vec![Label::primary((), loc.span.clone())]);
                emit(&file, &rendered, &config, color)
            }
            None => emit(&SimpleFile::new("", ""), &rendered, &config, color),
        };
        output.unwrap_or_else(|_| format!("{}: {}\n", self.code, self.message))
    }
}

fn emit(
    file: &SimpleFile<&str, &str>,
    diagnostic: &Rendered<()>,
    config: &Config,
    color: bool,
) -> Result<String, codespan_reporting::files::Error> {
    if color {
        let mut buffer = termcolor::Buffer::ansi();
        let styles = Styles::default();
        let mut writer = StylesWriter::new(&mut buffer, &styles);
        term::emit_to_write_style(&mut writer, config, file, diagnostic)?;
        Ok(String::from_utf8_lossy(buffer.as_slice()).into_owned())
    } else {
        term::emit_into_string(config, file, diagnostic)
    }
}

/// Sorts diagnostics by file, line and column (those without a file first), dropping exact
/// duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    let mut keyed: Vec<_> = diagnostics.drain(..).map(|d| (d.sort_key(), d)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0 && a.1.code == b.1.code);
    diagnostics.extend(keyed.into_iter().map(|(_, d)| d));
}

/// The closing line of a run: "2 errors and 1 warning in 2 files".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let mut files: Vec<&str> =
        diagnostics.iter().filter_map(|d| d.location.as_ref().map(|l| l.file.as_str())).collect();
    files.sort_unstable();
    files.dedup();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut text = match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    };
    if !files.is_empty() {
        text.push_str(&format!(" in {}", plural(files.len(), "file")));
    }
    text
}

/// Line starts of a text, for turning byte offsets into 1-based lines and character columns.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// Byte offset of a 1-based line and column (in characters), clamped to the text.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let rest = &text[start..];
        let line_len = rest.find('\n').unwrap_or(rest.len());
        let within = rest[..line_len].char_indices().nth(column.saturating_sub(1)).map_or(line_len, |(i, _)| i);
        start + within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_on_first_line_and_multibyte_text() {
        let text = "abc\n전시 작전\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (1, 3));
        assert_eq!(index.line_col(text, 4), (2, 1));
        let jak = text.find('작').unwrap();
        assert_eq!(index.line_col(text, jak), (2, 4));
        assert_eq!(index.line_col(text, text.len() - 1), (3, 1));
        assert_eq!(index.offset(text, 2, 4), jak);
        assert_eq!(index.offset(text, 1, 1), 0);
    }

    #[test]
    fn rendered_diagnostic_shows_file_line_column_and_caret() {
        let text: Arc<str> = Arc::from("---\ntitle: x\n---\nSee [[nope]] here.\n");
        let start = text.find("[[").unwrap();
        let d = Diagnostic::error("broken-link", "no brief is named `nope`")
            .at(Location::new("content/a.md", text.clone(), start..start + 8))
            .help("did you mean `note`?");
        let out = d.render(false);
        assert!(out.contains("error[broken-link]: no brief is named `nope`"), "{out}");
        assert!(out.contains("content/a.md:4:5"), "{out}");
        assert!(out.contains("^^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `note`?"), "{out}");
    }

    #[test]
    fn summary_counts() {
        let d = vec![Diagnostic::error("x", "a"), Diagnostic::warning("y", "b")];
        assert_eq!(summary(&d), "1 error and 1 warning");
    }
}
