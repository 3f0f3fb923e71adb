//! Finding the front-matter block in a file and reading its YAML into a mapping, refusing a block
//! too large or too deeply nested to parse quickly. Syntax errors are positioned in the file;
//! `unclosed_quote` serves TOML's errors too, as parsers notice an open quote only at the end.

use std::ops::Range;

use super::error::{error, first_char, FieldError};
use crate::diagnostics::Code;
use crate::yaml::{self, Mapping, Value};

/// The front-matter and body of one file, as byte ranges of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The text between the opening and closing lines (empty when the file has no front-matter).
    pub yaml: Range<usize>,
    pub body: Range<usize>,
    pub has_front_matter: bool,
    /// Whether the block is TOML (`+++`) rather than YAML (`---`).
    pub toml: bool,
}

/// Finds the front-matter block: the file's first line decides its language, `---` for YAML and
/// `+++` for TOML. A UTF-8 BOM and CRLF line endings are accepted.
pub fn split(text: &str) -> Result<Split, FieldError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let fence = rest[..first_line_end].trim_end();
    if fence != "---" && fence != "+++" {
        return Ok(Split { yaml: start..start, body: start..text.len(), has_front_matter: false, toml: false });
    }
    let toml = fence == "+++";
    let yaml_start = start + first_line_end;
    let mut line_start = yaml_start;
    while line_start < text.len() {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i + 1);
        let line = text[line_start..line_end].trim_end();
        if line == fence || (!toml && line == "...") {
            let (yaml, body) = (yaml_start..line_start, line_end..text.len());
            return Ok(Split { yaml, body, has_front_matter: true, toml });
        }
        line_start = line_end;
    }
    Err(FieldError {
        code: Code::FrontMatter,
        message: "the front-matter block opened here is never closed".into(),
        help: Some(format!("end the front-matter with a line holding only `{fence}`")),
        span: start..start + 3,
        warning: false,
    })
}

/// Parses a YAML block into its mapping, or the positioned problem.
pub(super) fn parse_yaml(text: &str, block: &Range<usize>) -> Result<Mapping, FieldError> {
    let yaml_text = &text[block.clone()];
    match yaml::parse::<Value>(yaml_text) {
        Ok(Value::Mapping(m)) => Ok(m),
        Ok(Value::Null) => Ok(Mapping::new()),
        Ok(_) => Err(error(
            Code::FrontMatter,
            "the front-matter must be a list of `key: value` lines",
            Some("write e.g. `title: Accelerating OPCON transfer`"),
            first_char(text, block.start),
        )),
        Err(e) => {
            let index = crate::diagnostics::LineIndex::new(yaml_text);
            let offset = match (e.line, e.column) {
                (Some(l), Some(c)) => index.offset(yaml_text, l, c),
                _ => 0,
            };
            // libyaml reports a construct left open (`[a, b`, `"text`) at the end of the block:
            // point at the quote that opened it, or the last character written.
            let written = yaml_text.trim_end().len();
            let offset = if offset >= written {
                unclosed_quote(yaml_text)
                    .unwrap_or_else(|| yaml_text[..written].char_indices().last().map_or(0, |(i, _)| i))
            } else {
                offset
            };
            let at = block.start + offset;
            let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i).max(at + 1).min(text.len());
            let at_quote = text[at..].starts_with(['"', '\'']);
            let help = if at_quote {
                "end it with the same quote on this line, or quote the whole value with the other kind of quote"
            } else {
                "check indentation, and quote values that hold `: ` or start with `[`, `{`, `*` or `&`"
            };
            let message = if at_quote {
                "the front-matter is not valid YAML: the quoted text opened here is never closed".to_string()
            } else {
                format!("the front-matter is not valid YAML: {}", e.message)
            };
            Err(error(Code::Yaml, &message, Some(help), at..end))
        }
    }
}

/// The offset of the first quote in `block` (YAML or TOML) that opens a value and is not closed
/// on its line: where to point when the parser only noticed at the end of the block.
pub(super) fn unclosed_quote(block: &str) -> Option<usize> {
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        let mut open: Option<(usize, char)> = None;
        let mut previous = None;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match open {
                Some((_, '"')) if c == '\\' => {
                    chars.next();
                }
                Some((_, q)) if c == q => {
                    // YAML writes a single quote inside single quotes as two.
                    if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        open = None;
                    }
                }
                Some(_) => {}
                None if matches!(c, '"' | '\'')
                    && matches!(previous, None | Some(':' | '-' | '[' | ',' | '{' | '=')) =>
                {
                    open = Some((i, c))
                }
                None if c == '#' && previous.is_none_or(|p: char| p.is_whitespace()) => break,
                None => {}
            }
            if !c.is_whitespace() {
                previous = Some(c);
            }
        }
        if let Some((i, _)) = open {
            return Some(offset + i);
        }
        offset += line.len();
    }
    None
}

/// Front-matter larger than this is not parsed: no brief's metadata comes near it.
pub const MAX_FRONT_MATTER_BYTES: usize = 256 * 1024;
/// Deeper `[` / `{` nesting is not parsed: the YAML scanner's time grows with the square of it.
pub const MAX_NESTING: usize = 32;

/// Refuses front-matter whose size or flow nesting would make parsing slow, before parsing it.
pub(super) fn check_limits(text: &str, yaml: &Range<usize>) -> Option<FieldError> {
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        return Some(error(
            Code::TooLarge,
            &format!(
                "the front-matter is {} KiB; at most {} KiB is read",
                yaml.len() / 1024,
                MAX_FRONT_MATTER_BYTES / 1024
            ),
            Some("move long text into the body of the brief"),
            first_char(text, yaml.start),
        ));
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (i, b) in text.as_bytes()[yaml.clone()].iter().enumerate() {
        match (quote, *b) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(*b),
            (None, b'\n') => quote = None,
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    let at = yaml.start + i;
                    return Some(error(
                        Code::TooLarge,
                        &format!("the front-matter nests lists or maps more than {MAX_NESTING} deep"),
                        Some("flatten the value; front-matter values are text, lists and small maps"),
                        at..at + 1,
                    ));
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;
    use crate::frontmatter::{parse, FileKind};

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n";
        let s = split(text).unwrap();
        assert_eq!(&text[s.yaml.clone()], "title: A\r\n");
        assert_eq!(&text[s.body.clone()], "Body\r\n");
        let (fm, problems) = parse(text, &s, &SiteConfig::default(), FileKind::Brief);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fm.unwrap().title, "A");
    }

    #[test]
    fn unclosed_block_is_an_error() {
        let err = split("---\ntitle: A\nbody\n").unwrap_err();
        assert!(err.message.contains("never closed"));
        assert_eq!(err.span, 0..3);
    }

    #[test]
    fn unclosed_quotes_are_found_where_they_open() {
        assert_eq!(unclosed_quote("a: b\ntitle: \"x\nc: d\n"), Some(12));
        assert_eq!(unclosed_quote("title: \"a \\\" b\"\nd: 'it''s'\n"), None);
        assert_eq!(unclosed_quote("list:\n  - 'open\n"), Some(10));
        assert_eq!(unclosed_quote("topics: [\"a, b]\n"), Some(9));
        assert_eq!(unclosed_quote("title = \"x\ndate = 2025-01-01\n"), Some(8));
        assert_eq!(unclosed_quote("title: it's fine # 'not a quote\n"), None);
    }
}
