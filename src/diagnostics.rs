//! Diagnostics are data: every stage records them and keeps going; the binary prints them all at
//! the end, sorted by file and line. Environment failures (I/O, a lock, a refused folder) are a
//! small error type of their own (exit code 2).

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::{Arc, OnceLock};

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor, Config, Styles, StylesWriter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// Advice that `check` gives (a term mentioned but not tagged).
    Note,
}

/// The class of a problem: a stable name users can search for (`code()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// Front-matter that is not a map, or a block never closed.
    FrontMatter,
    Yaml,
    Toml,
    WrongType,
    BadDate,
    BadSlug,
    BadTerm,
    /// A term record that cannot be used, or a name two records claim.
    BadRecord,
    /// A term that looks like another one (a spelling variant).
    TermVariant,
    /// A brief that mentions a term it is not tagged with.
    Untagged,
    /// A taxonomy written as one text holding commas.
    TermList,
    BadAlias,
    /// A Markdown file inside a page bundle.
    InBundle,
    UnknownKey,
    NotUtf8,
    TooLarge,
    BrokenLink,
    /// A bibliography file or entry that cannot be read, or a source given twice differently.
    BadSource,
    /// A citation of a key no source has.
    UnknownCitation,
    /// A citation outside a brief (a section's introduction, a term record's text): shown as
    /// written, not formatted.
    CitationOutsideBrief,
    AmbiguousLink,
    LinkToDraft,
    MissingAnchor,
    /// An external URL that is gone (`check --external`).
    DeadLink,
    /// An external URL that could not be checked (a timeout, 429, 5xx).
    UncheckedLink,
    /// A table cell holding an unclosed `[[`.
    WikilinkInTable,
    UnsafeUrl,
    /// A translation whose original cannot be found, or a second version in one language.
    BadTranslation,
    /// A translation older than its original's last update.
    TranslationStale,
    /// A brief without a version in a language `translations: {required: […]}` lists.
    TranslationMissing,
    ForbiddenCharacter,
    /// An event that cannot be used, or one id stated differently in two places.
    BadEvent,
    /// A `supersedes:` that names no brief, or a cycle of them.
    BadSupersedes,
    /// A brief past its review date.
    Stale,
    /// A brief dated in the future, left out until then.
    Future,
    /// Two owners of one output path.
    DuplicateUrl,
    Template,
    MissingTemplate,
    Symlink,
    NotAFile,
    NoContent,
    Config,
    Io,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::FrontMatter => "front-matter",
            Code::Yaml => "yaml",
            Code::Toml => "toml",
            Code::WrongType => "wrong-type",
            Code::BadDate => "bad-date",
            Code::BadSlug => "bad-slug",
            Code::BadTerm => "bad-term",
            Code::BadRecord => "bad-record",
            Code::TermVariant => "term-variant",
            Code::Untagged => "untagged-mention",
            Code::TermList => "term-list",
            Code::BadAlias => "bad-alias",
            Code::InBundle => "in-bundle",
            Code::UnknownKey => "unknown-key",
            Code::NotUtf8 => "not-utf8",
            Code::TooLarge => "too-large",
            Code::BrokenLink => "broken-link",
            Code::BadSource => "bad-source",
            Code::UnknownCitation => "unknown-citation",
            Code::CitationOutsideBrief => "citation-outside-brief",
            Code::AmbiguousLink => "ambiguous-link",
            Code::LinkToDraft => "link-to-draft",
            Code::MissingAnchor => "missing-anchor",
            Code::DeadLink => "dead-link",
            Code::UncheckedLink => "unchecked-link",
            Code::WikilinkInTable => "wikilink-in-table",
            Code::UnsafeUrl => "unsafe-url",
            Code::BadTranslation => "bad-translation",
            Code::TranslationStale => "translation-stale",
            Code::TranslationMissing => "translation-missing",
            Code::ForbiddenCharacter => "forbidden-character",
            Code::BadEvent => "bad-event",
            Code::BadSupersedes => "bad-supersedes",
            Code::Stale => "stale",
            Code::Future => "future",
            Code::DuplicateUrl => "duplicate-url",
            Code::Template => "template",
            Code::MissingTemplate => "missing-template",
            Code::Symlink => "symlink",
            Code::NotAFile => "not-a-file",
            Code::NoContent => "no-content",
            Code::Config => "config",
            Code::Io => "io",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file's text, shared by the stages and by every diagnostic that points into it. Its line
/// index is made once, the first time a diagnostic needs a line number: a file with thousands of
/// problems is not scanned once per problem.
#[derive(Debug, Default)]
pub struct SourceText {
    text: Box<str>,
    lines: OnceLock<LineIndex>,
}

impl SourceText {
    pub fn shared(text: impl Into<Box<str>>) -> Arc<SourceText> {
        Arc::new(SourceText { text: text.into(), lines: OnceLock::new() })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }
}

impl Deref for SourceText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

/// Where a diagnostic points: a file (as shown to the user) and a byte span in its text.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: String,
    pub text: Arc<SourceText>,
    pub span: Range<usize>,
}

impl Location {
    pub fn new(file: impl Into<String>, text: Arc<SourceText>, span: Range<usize>) -> Location {
        let end = floor_char_boundary(&text, span.end.min(text.len()));
        let start = floor_char_boundary(&text, span.start.min(end));
        Location { file: file.into(), text, span: start..end }
    }

    /// 1-based line and column (in characters) of the span's start.
    pub fn line_col(&self) -> (usize, usize) {
        self.text.lines().line_col(&self.text, self.span.start)
    }

    /// `content/a.md:3:7`
    pub fn describe(&self) -> String {
        let (line, column) = self.line_col();
        format!("{}:{line}:{column}", self.file)
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub location: Option<Box<Location>>,
    /// Other places the problem involves (the other owner of a path), each with a label.
    pub related: Vec<(Location, String)>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    pub fn note(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(code, message) }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(Box::new(location));
        self
    }

    pub fn at_opt(self, location: Option<Location>) -> Diagnostic {
        match location {
            Some(l) => self.at(l),
            None => self,
        }
    }

    pub fn also(mut self, location: Location, label: impl Into<String>) -> Diagnostic {
        self.related.push((location, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The stable name of the problem's class (`broken-link`).
    pub fn code(&self) -> &'static str {
        self.code.as_str()
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
    /// caret under the span, the other places involved, and the hint. Control characters of the
    /// user's text are shown escaped, never sent to the terminal.
    pub fn render(&self, color: bool) -> String {
        let mut rendered = match self.severity {
            Severity::Error => Rendered::error(),
            Severity::Warning => Rendered::warning(),
            Severity::Note => Rendered::note(),
        }
        .with_code(self.code.as_str())
        .with_message(escape_controls(&self.message));
        if let Some(help) = &self.help {
            rendered = rendered.with_notes(vec![format!("help: {}", escape_controls(help))]);
        }
        let mut files = Snippets::default();
        let mut labels = Vec::new();
        if let Some(loc) = &self.location {
            let (id, span) = files.add(loc);
            labels.push(Label::primary(id, span));
        }
        for (loc, label) in &self.related {
            let (id, span) = files.add(loc);
            labels.push(Label::secondary(id, span).with_message(escape_controls(label)));
        }
        let rendered = rendered.with_labels(labels);
        let config = Config::default();
        emit(&files, &rendered, &config, color)
            .unwrap_or_else(|_| format!("{}: {}\n", self.code, escape_controls(&self.message)))
    }
}

/// The lines a diagnostic shows, cut out of their files: rendering one diagnostic costs the
/// length of its lines, not of its file.
#[derive(Default)]
struct Snippets {
    files: Vec<Snippet>,
}

struct Snippet {
    name: String,
    /// The lines covered by the span, made displayable.
    text: String,
    /// 0-based index of the snippet's first line in its file.
    first_line: usize,
    /// Offsets of line starts within `text`.
    starts: Vec<usize>,
}

impl Snippets {
    /// Adds the lines of a location; returns the file id and the span within the snippet.
    fn add(&mut self, loc: &Location) -> (usize, Range<usize>) {
        let text: &str = &loc.text;
        let lines = loc.text.lines();
        let (first, _) = lines.line_col(text, loc.span.start);
        let (last, _) = lines.line_col(text, loc.span.end);
        let start = lines.offset(text, first, 1);
        let end =
            text[lines.offset(text, last, 1)..].find('\n').map_or(text.len(), |i| lines.offset(text, last, 1) + i);
        let snippet = displayable(&text[start..end]);
        let mut starts = vec![0];
        starts.extend(snippet.match_indices('\n').map(|(i, _)| i + 1));
        self.files.push(Snippet { name: escape_controls(&loc.file), text: snippet, first_line: first - 1, starts });
        (self.files.len() - 1, loc.span.start - start..loc.span.end - start)
    }
}

impl<'a> Files<'a> for Snippets {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.files.get(id).map(|f| f.name.as_str()).ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.files.get(id).map(|f| f.text.as_str()).ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.files.get(id).ok_or(FilesError::FileMissing)?;
        Ok(file.first_line + file.starts.partition_point(|&s| s <= byte_index) - 1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.files.get(id).ok_or(FilesError::FileMissing)?;
        let len = file.text.len();
        let Some(relative) = line_index.checked_sub(file.first_line) else { return Ok(0..0) };
        let start = file.starts.get(relative).copied().unwrap_or(len);
        let end = file.starts.get(relative + 1).copied().unwrap_or(len);
        Ok(start..end)
    }
}

/// A file's text as it may be shown in a terminal: every control character (but tab and line
/// breaks) replaced by one of the same length in bytes, so that spans stay valid.
fn displayable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1f}' | '\u{7f}' => '?',
            '\u{80}'..='\u{9f}' => '\u{bf}',
            c => c,
        })
        .collect()
}

/// Shows control characters as escapes (`\u{1b}`), so that a file name or link target cannot
/// move the cursor or clear the terminal of whoever reads the log.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars().map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

fn emit(
    files: &Snippets,
    diagnostic: &Rendered<usize>,
    config: &Config,
    color: bool,
) -> Result<String, codespan_reporting::files::Error> {
    if color {
        let mut buffer = termcolor::Buffer::ansi();
        let styles = Styles::default();
        let mut writer = StylesWriter::new(&mut buffer, &styles);
        term::emit_to_write_style(&mut writer, config, files, diagnostic)?;
        Ok(String::from_utf8_lossy(buffer.as_slice()).into_owned())
    } else {
        term::emit_into_string(config, files, diagnostic)
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

/// Warnings that repeat, folded for printing: each kind (each key, for unknown keys) is shown
/// once, at its first place, with how many more places in how many files have it. Errors are
/// never folded. `diagnostics` is sorted (see `sort`).
pub fn group(diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    type Key<'a> = (Code, &'a str);
    fn key(d: &Diagnostic) -> Key<'_> {
        (d.code, if d.code == Code::UnknownKey { &d.message } else { "" })
    }
    let mut groups: std::collections::HashMap<Key, (usize, Vec<&str>)> = std::collections::HashMap::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Warning) {
        let (count, files) = groups.entry(key(d)).or_default();
        *count += 1;
        if let Some(l) = &d.location {
            files.push(l.file.as_str());
        }
    }
    let mut shown = std::collections::HashSet::new();
    let mut out = Vec::new();
    for d in diagnostics {
        if d.severity != Severity::Warning {
            out.push(d.clone());
            continue;
        }
        if !shown.insert(key(d)) {
            continue;
        }
        let (count, files) = &groups[&key(d)];
        let mut d = d.clone();
        if *count > 1 {
            let mut files = files.clone();
            files.sort_unstable();
            files.dedup();
            let in_files =
                if files.is_empty() { String::new() } else { format!(" in {}", plural(files.len(), "file")) };
            d.message = if d.code == Code::UnknownKey {
                format!(
                    "{}{in_files} ({}); the first is shown, `-v` lists every one",
                    d.message,
                    plural(*count, "place")
                )
            } else {
                format!(
                    "{} (and {} more `{}` warnings{in_files}; `-v` lists every one)",
                    d.message,
                    thousands(*count - 1),
                    d.code
                )
            };
        }
        out.push(d);
    }
    out
}

/// `1234` → `1,234`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{} {word}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// The closing line of a run: "2 errors and 1,045 warnings (1,000 unknown-key, 45 broken-link)
/// in 312 files".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let notes = diagnostics.iter().filter(|d| d.severity == Severity::Note).count();
    let warnings = diagnostics.len() - errors - notes;
    let mut files: Vec<&str> =
        diagnostics.iter().filter_map(|d| d.location.as_ref().map(|l| l.file.as_str())).collect();
    files.sort_unstable();
    files.dedup();
    let mut kinds: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Warning) {
        *kinds.entry(d.code()).or_default() += 1;
    }
    let mut kinds: Vec<(&str, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let by_kind = match &kinds[..] {
        [] | [_] if warnings < 2 => String::new(),
        _ => {
            format!(" ({})", kinds.iter().map(|(k, n)| format!("{} {k}", thousands(*n))).collect::<Vec<_>>().join(", "))
        }
    };
    let mut text = match (errors, warnings) {
        (0, 0) if notes > 0 => String::new(),
        (0, w) => format!("{}{by_kind}", plural(w, "warning")),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{} and {}{by_kind}", plural(e, "error"), plural(w, "warning")),
    };
    if notes > 0 {
        let sep = if text.is_empty() { "" } else { " and " };
        text.push_str(&format!("{sep}{}", plural(notes, "note")));
    }
    if !files.is_empty() {
        text.push_str(&format!(" in {}", plural(files.len(), "file")));
    }
    text
}

/// A failure of the environment rather than of the content: a file that cannot be written, a
/// folder refused as output, a lock held by another process. Exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvError {
    pub message: String,
    pub help: Option<String>,
}

impl EnvError {
    pub fn new(message: impl Into<String>) -> EnvError {
        EnvError { message: escape_controls(&message.into()), help: None }
    }

    pub fn help(mut self, help: impl Into<String>) -> EnvError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Line starts of a text, for turning byte offsets into 1-based lines and character columns.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
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
        let text = SourceText::shared("---\ntitle: x\n---\nSee [[nope]] here.\n");
        let start = text.find("[[").unwrap();
        let d = Diagnostic::error(Code::BrokenLink, "no brief is named `nope`")
            .at(Location::new("content/a.md", text.clone(), start..start + 8))
            .help("did you mean `note`?");
        let out = d.render(false);
        assert!(out.contains("error[broken-link]: no brief is named `nope`"), "{out}");
        assert!(out.contains("content/a.md:4:5"), "{out}");
        assert!(out.contains("^^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `note`?"), "{out}");
    }

    #[test]
    fn a_second_place_in_another_file_is_shown_with_its_label() {
        let a = SourceText::shared("---\ntitle: A\nslug: x\n---\n");
        let b = SourceText::shared("---\ntitle: B\ntopics: [X]\n---\n");
        let d = Diagnostic::error(Code::DuplicateUrl, "two owners")
            .at(Location::new("content/a.md", a, 19..20))
            .also(Location::new("content/b.md", b.clone(), 22..23), "the topic `X` is first used here");
        let out = d.render(false);
        assert!(out.contains("content/a.md:3:7"), "{out}");
        assert!(out.contains("content/b.md:3:10"), "{out}");
        assert!(out.contains("the topic `X` is first used here"), "{out}");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let text = SourceText::shared("a\u{1b}[2J b\u{9b}x\n");
        let d = Diagnostic::error(Code::BrokenLink, "no file at `gone\u{1b}[2J.md`").at(Location::new(
            "content/a\u{7}.md",
            text,
            0..4,
        ));
        let out = d.render(false);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("gone\\u{1b}[2J.md"), "{out}");
    }

    #[test]
    fn summary_counts() {
        let d = vec![Diagnostic::error(Code::Io, "a"), Diagnostic::warning(Code::Symlink, "b")];
        assert_eq!(summary(&d), "1 error and 1 warning");
    }
}
