//! All YAML goes through this module, so swapping serde_yaml for a maintained fork is a
//! one-file change.

use std::ops::Range;

use serde::de::DeserializeOwned;

/// A YAML error with its position (1-based line and column) inside the YAML text, if known.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

pub type Value = serde_yaml::Value;
pub type Mapping = serde_yaml::Mapping;

/// Parses YAML text into `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| convert(&e))
}

/// Converts an already parsed value into `T` (no position is known at this point).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, YamlError> {
    serde_yaml::from_value(value).map_err(|e| convert(&e))
}

/// Replaces the characters no page can hold (see `text::clean`) in every string of `value`,
/// which YAML escapes (`"\uFFFE"`) can write though the file does not hold them. Returns the
/// first one replaced.
pub fn clean_strings(value: &mut Value) -> Option<char> {
    match value {
        Value::String(s) if s.chars().any(crate::text::is_forbidden) => {
            let (cleaned, replaced) = crate::text::clean(std::mem::take(s));
            *s = cleaned;
            replaced.map(|r| r.first)
        }
        Value::Sequence(items) => items.iter_mut().fold(None, |first, v| first.or(clean_strings(v))),
        Value::Mapping(map) => map.iter_mut().fold(None, |first, (_, v)| first.or(clean_strings(v))),
        Value::Tagged(tagged) => clean_strings(&mut tagged.value),
        _ => None,
    }
}

/// `text` as a YAML scalar that reads back as exactly `text`, also inside a flow list (`[a, b]`):
/// plain when it can be, else double-quoted (a JSON string is a YAML double-quoted scalar).
/// What YAML 1.1 readers (other tools) take for a date, number or boolean is quoted too.
pub fn scalar(text: &str) -> String {
    const YAML_11_WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off"];
    let plain = !text.is_empty()
        && !text.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
        && !YAML_11_WORDS.contains(&text.to_ascii_lowercase().as_str())
        && text.trim() == text
        && !text.contains(['\n', '#', '"', '\''])
        && parse::<Value>(text).is_ok_and(|v| v.as_str() == Some(text))
        && parse::<Value>(&format!("[{text}]"))
            .is_ok_and(|v| v.as_sequence().is_some_and(|s| s.len() == 1 && s[0].as_str() == Some(text)));
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("a string serializes")
    }
}

/// A list of texts as a YAML flow list: `[OPCON transfer, "a: b"]`.
pub fn flow_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|i| scalar(i.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

fn convert(e: &serde_yaml::Error) -> YamlError {
    let location = e.location();
    // serde_yaml appends " at line L column C" to its messages; the position is reported apart.
    let mut message = e.to_string();
    if let Some(cut) = message.find(" at line ") {
        message.truncate(cut);
    }
    YamlError { message, line: location.as_ref().map(|l| l.line()), column: location.as_ref().map(|l| l.column()) }
}

/// Where each top-level key of the YAML block was written, found by scanning its lines.
pub struct KeySpans {
    /// Each key with the span of the key and of its value, by key (the first, when a key is
    /// written twice): a block of 20,000 keys is looked up once per key.
    spans: std::collections::HashMap<String, (Range<usize>, Range<usize>)>,
}

impl KeySpans {
    pub fn scan(text: &str, yaml: &Range<usize>) -> KeySpans {
        let mut spans: Vec<(String, Range<usize>, Range<usize>)> = Vec::new();
        let mut offset = yaml.start;
        for line in text[yaml.clone()].split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            let first = line.chars().next().unwrap_or(' ');
            if first.is_whitespace() || first == '#' || first == '-' {
                if let Some(last) = spans.last_mut() {
                    if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                        last.2.end = line_start + line.trim_end().len();
                    }
                }
                continue;
            }
            let Some(colon) = line.find(": ").or_else(|| line.trim_end().strip_suffix(':').map(|s| s.len())) else {
                continue;
            };
            let key = line[..colon].trim().trim_matches(['"', '\'']).to_string();
            let value_start = line_start + colon + 1 + (line[colon + 1..].len() - line[colon + 1..].trim_start().len());
            let value_end = (line_start + line.trim_end().len()).max(value_start);
            spans.push((key, line_start..line_start + colon, value_start..value_end));
        }
        KeySpans::new(spans)
    }

    /// From each key with the spans of the key and of its value (the first of a key written
    /// twice is kept).
    pub fn new(spans: Vec<(String, Range<usize>, Range<usize>)>) -> KeySpans {
        let mut by_key = std::collections::HashMap::with_capacity(spans.len());
        for (key, k, v) in spans {
            by_key.entry(key).or_insert((k, v));
        }
        KeySpans { spans: by_key }
    }

    pub fn key(&self, name: &str) -> Option<Range<usize>> {
        self.spans.get(name).map(|(k, _)| k.clone())
    }

    /// The span of the value, or of the key when the value is empty.
    pub fn value(&self, name: &str) -> Option<Range<usize>> {
        self.spans.get(name).map(|(k, v)| if v.is_empty() { k.clone() } else { v.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_has_position() {
        let err = parse::<Value>("title: a\ntopics: [a, b\n").unwrap_err();
        assert!(err.line.is_some(), "{err:?}");
    }

    #[test]
    fn scalars_read_back_as_written() {
        let cases = [
            ("OPCON transfer", "OPCON transfer"),
            ("전시작전통제권", "전시작전통제권"),
            ("a: b", "\"a: b\""),
            ("true", "\"true\""),
            ("2025-11-04", "\"2025-11-04\""),
            ("a, b", "\"a, b\""),
            ("[x]", "\"[x]\""),
            ("#1", "\"#1\""),
            ("say \"no\"", "\"say \\\"no\\\"\""),
            ("", "\"\""),
            ("~", "\"~\""),
            ("Yes", "\"Yes\""),
            ("57th SCM", "\"57th SCM\""),
            ("- a", "\"- a\""),
        ];
        for (text, written) in cases {
            assert_eq!(scalar(text), written, "{text}");
            let back: Vec<String> = parse(&flow_list(&[text, "x"])).unwrap();
            assert_eq!(back, [text, "x"], "{text}");
            let back: std::collections::BTreeMap<String, String> = parse(&format!("k: {}", scalar(text))).unwrap();
            assert_eq!(back["k"], text, "{text}");
        }
    }
}
