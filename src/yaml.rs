//! All YAML goes through this module, so swapping serde_yaml for a maintained fork is a
//! one-file change.

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

fn convert(e: &serde_yaml::Error) -> YamlError {
    let location = e.location();
    // serde_yaml appends " at line L column C" to its messages; the position is reported apart.
    let mut message = e.to_string();
    if let Some(cut) = message.find(" at line ") {
        message.truncate(cut);
    }
    YamlError { message, line: location.as_ref().map(|l| l.line()), column: location.as_ref().map(|l| l.column()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_has_position() {
        let err = parse::<Value>("title: a\ntopics: [a, b\n").unwrap_err();
        assert!(err.line.is_some(), "{err:?}");
    }
}
