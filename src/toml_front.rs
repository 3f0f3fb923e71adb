//! TOML front-matter, between `+++` lines as Zola and Hugo write it. It is read into the same
//! value tree as YAML, with the place of every key, so one set of rules types and positions both.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::yaml::{KeySpans, Mapping, Value};

/// A TOML syntax error: its message and where in the file.
pub struct TomlError {
    pub message: String,
    pub span: Range<usize>,
}

/// Parses the TOML at `block` of `text` into a mapping of its top-level keys, and where each was
/// written.
pub fn parse(text: &str, block: &Range<usize>) -> Result<(Mapping, KeySpans), TomlError> {
    let table = DeTable::parse(&text[block.clone()]).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        TomlError {
            message: e.message().trim().to_string(),
            span: block.start + span.start..block.start + span.end.max(span.start),
        }
    })?;
    let mut mapping = Mapping::new();
    let mut spans = Vec::new();
    for (key, value) in table.get_ref() {
        let at = |r: Range<usize>| block.start + r.start..block.start + r.end;
        spans.push((key.get_ref().to_string(), at(key.span()), at(value.span())));
        mapping.insert(Value::String(key.get_ref().to_string()), convert(value.get_ref()));
    }
    Ok((mapping, KeySpans::new(spans)))
}

/// A TOML value as the YAML value it would have been. Dates become their text, which
/// `date::Date::parse` reads like a YAML timestamp.
fn convert(value: &DeValue) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Number(n.into()),
            Err(_) => Value::String(i.to_string()),
        },
        DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) => Value::Number(x.into()),
            Err(_) => Value::String(f.to_string()),
        },
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Sequence(items.iter().map(|v| convert(v.get_ref())).collect()),
        DeValue::Table(table) => {
            let mut mapping = Mapping::new();
            for (k, v) in table {
                mapping.insert(Value::String(k.get_ref().to_string()), convert(v.get_ref()));
            }
            Value::Mapping(mapping)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_values_and_places() {
        let text = "+++\ntitle = \"OPCON\"\ndate = 2025-11-04T09:00:00+09:00\ntopics = [\"A\", \"B\"]\nweight = 0x10\n[extra]\nx = 1.5\n+++\n";
        let block = 4..text.len() - 4;
        let (mapping, spans) = parse(text, &block).map_err(|e| e.message).unwrap();
        assert_eq!(mapping.get("title").and_then(Value::as_str), Some("OPCON"));
        assert_eq!(mapping.get("date").and_then(Value::as_str), Some("2025-11-04T09:00:00+09:00"));
        assert_eq!(mapping.get("weight").and_then(Value::as_i64), Some(16));
        assert_eq!(mapping.get("topics").and_then(Value::as_sequence).map(Vec::len), Some(2));
        assert!(mapping.get("extra").is_some_and(Value::is_mapping));
        assert_eq!(&text[spans.value("title").unwrap()], "\"OPCON\"");
        assert_eq!(&text[spans.key("weight").unwrap()], "weight");
    }

    #[test]
    fn errors_are_placed_in_the_file() {
        let text = "+++\ntitle = \"A\"\ndate = \n+++\n";
        let e = parse(text, &(4..text.len() - 4)).err().unwrap();
        assert!(e.span.start >= 4 && e.span.start <= text.len(), "{:?}", e.span);
        assert!(text[e.span.start..].starts_with('\n') || text[..e.span.start].ends_with("date = "), "{:?}", e.span);
    }
}
