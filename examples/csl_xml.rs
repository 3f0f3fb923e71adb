//! Writes one of hayagriva's bundled CSL styles, and its bundled en-US locale, as XML files, so that
//! another CSL processor (citeproc-js in `tests/citations/`) formats with exactly the style version
//! that `briefing` uses:
//!
//!     cargo run --example csl_xml -- chicago-author-date OUT.csl OUT-locale-en-US.xml [LANG]
//!
//! LANG picks another bundled locale (default `en-US`). The style is the one that
//! `hayagriva::archive::ArchivedStyle::by_name` returns, serialised with citationberg's `to_xml`.
//! citationberg writes every attribute with its default value spelt out (`quotes="false"` on each of
//! hundreds of `<text>`s); those are dropped again, as the published style leaves them out and
//! citeproc-js reads an explicit `quotes="false"` differently from an absent one (it then no longer
//! turns quotation marks inside a quoted title into single ones). Checked for chicago-author-date
//! (CSL styles repository, updated 2025-02-09): what remains differs from the published file only in
//! the order of its elements, a few attributes still spelt out with their default value
//! (`entry-spacing="1"`, `near-note-distance="5"`, `form="numeric"` …), and two term names that
//! citationberg spells its own way (`editortranslator`, `sub-verbo`); citeproc-js formats the test
//! library of `tests/citations/` identically with both. Exits 2 on a bad usage or an unknown style
//! or locale.
use hayagriva::archive::{locales, ArchivedStyle};
use hayagriva::citationberg::{LocaleFile, Style};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 || args.len() > 4 {
        eprintln!("usage: csl_xml STYLE-NAME OUT.csl OUT-LOCALE.xml [LANG]");
        std::process::exit(2);
    }
    let lang = args.get(3).map_or("en-US", String::as_str);
    let Some(archived) = ArchivedStyle::by_name(&args[0]) else {
        eprintln!("csl_xml: no bundled style named {:?}", args[0]);
        std::process::exit(2);
    };
    let style = archived.get();
    if let Style::Dependent(dependent) = &style {
        // citeproc-js would need the parent too; hayagriva's archive holds independent styles.
        eprintln!("csl_xml: {:?} is a dependent style (parent {})", args[0], dependent.parent_link.href);
        std::process::exit(2);
    }
    let xml = without_defaults(&style.to_xml().expect("serialising the style"));
    std::fs::write(&args[1], with_declaration(&xml)).expect("writing the style");

    let Some(locale) = locales().into_iter().find(|l| l.lang.as_ref().is_some_and(|code| code.0 == lang)) else {
        eprintln!("csl_xml: no bundled locale {lang:?}");
        std::process::exit(2);
    };
    let file = LocaleFile::try_from(locale).expect("a bundled locale has a language");
    let xml = file.to_xml().expect("serialising the locale");
    // citationberg 0.7 writes a locale file under a root named `style`; CSL calls it `locale`.
    let xml = without_defaults(&rename_root(&xml, "style", "locale"));
    std::fs::write(&args[2], with_declaration(&xml)).expect("writing the locale");
}

/// Attributes that citationberg writes although they hold CSL's default value for every element it
/// writes them on (`<text>`, `<label>`, `<name>`, `<term>`, `<date-part>`, `<key>`, `<if>`). Matched
/// as plain strings: no term or affix of a CSL style spells out an XML attribute.
const DEFAULT_ATTRIBUTES: [&str; 7] = [
    " quotes=\"false\"",
    " strip-periods=\"false\"",
    " plural=\"contextual\"",
    " plural=\"false\"",
    " form=\"long\"",
    " match=\"all\"",
    " sort=\"ascending\"",
];

fn without_defaults(xml: &str) -> String {
    DEFAULT_ATTRIBUTES.iter().fold(xml.to_string(), |xml, attribute| xml.replace(attribute, ""))
}

/// Adds the XML declaration and, when the root lacks one, the CSL namespace.
fn with_declaration(xml: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let end_of_root = xml.find('>').unwrap_or(xml.len());
    if xml[..end_of_root].contains("xmlns=") {
        out.push_str(xml);
    } else {
        let name_end = xml[1..].find([' ', '>', '/']).map_or(end_of_root, |i| i + 1);
        out.push_str(&xml[..name_end]);
        out.push_str(" xmlns=\"http://purl.org/net/xbiblio/csl\"");
        out.push_str(&xml[name_end..]);
    }
    out.push('\n');
    out
}

/// Renames the root element `<from …>…</from>` to `to`.
fn rename_root(xml: &str, from: &str, to: &str) -> String {
    let open = format!("<{from}");
    let close = format!("</{from}>");
    match (xml.strip_prefix(&open), xml.trim_end().strip_suffix(&close)) {
        (Some(_), Some(_)) => {
            let inner = &xml[open.len()..xml.trim_end().len() - close.len()];
            format!("<{to}{inner}</{to}>")
        }
        _ => xml.to_string(),
    }
}
