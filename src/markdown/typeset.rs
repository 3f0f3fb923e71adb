//! What a publication writes differently from pulldown-cmark's HTML: footnotes gathered at the
//! end under a heading, with links back to their references and ids no heading can take; an image
//! with a title, alone in its paragraph, as a figure with a caption; a task's checkbox labelled by
//! its text. An adapter over the events of both writers (`analyse` and `render_from_scratch`),
//! after links and citations are written, so both write the same HTML.

use std::collections::{HashMap, VecDeque};

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::sanitise::escape_html;

/// The id of note `n` and of its `k`-th reference (from 1). Heading ids are slugs (letters,
/// digits and `-`), so an id with a colon is never a heading's.
fn note_id(n: usize) -> String {
    format!("fn:{n}")
}

fn reference_id(n: usize, k: usize) -> String {
    if k == 1 {
        format!("fnref:{n}")
    } else {
        format!("fnref:{n}:{k}")
    }
}

/// The heading of a body's notes in the page's language (a BCP 47 tag: `ko`, `en-GB`).
pub fn notes_heading(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    match primary.as_str() {
        "ko" => "주",
        "ja" => "注",
        "zh" => "注释",
        "de" => "Anmerkungen",
        "es" => "Notas",
        "fr" | "it" => "Notes",
        "pt" => "Notas",
        _ => "Notes",
    }
}

/// Whether a body has anything `Typeset` changes: a footnote (`[^`), an image (`![`) or a task
/// (`[ ]`, `[x]`). Most bodies have none, and are written without it.
pub fn is_needed(body: &str) -> bool {
    body.contains("[^") || body.contains("![") || body.contains("[ ]") || body.contains("[x]") || body.contains("[X]")
}

/// The events of a body, written the way the default theme shows them. `heading` is the HTML of
/// the notes' heading (a marker in `analyse`, the text in `render_from_scratch`).
pub struct Typeset<'a, I: Iterator<Item = Event<'a>>> {
    inner: I,
    heading: String,
    /// Events read ahead (a paragraph that may hold a figure), not yet typeset.
    ahead: VecDeque<Event<'a>>,
    /// Events typeset, to hand out.
    out: VecDeque<Event<'a>>,
    /// Each note's number by its name (lower case, as pulldown-cmark matches them).
    numbers: HashMap<String, usize>,
    /// How many references each note has, by number.
    references: Vec<usize>,
    /// Each note's events by name, as written.
    notes: Vec<(String, Vec<Event<'a>>)>,
    /// The note whose events are being set aside.
    in_note: Option<(String, Vec<Event<'a>>)>,
    /// A task's label, open until its text ends.
    label_open: bool,
    finished: bool,
}

impl<'a, I: Iterator<Item = Event<'a>>> Typeset<'a, I> {
    pub fn new(inner: I, heading: String) -> Self {
        Typeset {
            inner,
            heading,
            ahead: VecDeque::new(),
            out: VecDeque::new(),
            numbers: HashMap::new(),
            references: Vec::new(),
            notes: Vec::new(),
            in_note: None,
            label_open: false,
            finished: false,
        }
    }

    fn pull(&mut self) -> Option<Event<'a>> {
        self.ahead.pop_front().or_else(|| self.inner.next())
    }

    fn emit(&mut self, event: Event<'a>) {
        match &mut self.in_note {
            Some((_, events)) => events.push(event),
            None => self.out.push_back(event),
        }
    }

    fn number(&mut self, name: &str) -> usize {
        let key = name.to_lowercase();
        let next = self.numbers.len() + 1;
        let n = *self.numbers.entry(key).or_insert(next);
        if self.references.len() < n {
            self.references.resize(n, 0);
        }
        n
    }

    /// Typesets one event read from the writer.
    fn typeset(&mut self, event: Event<'a>) {
        if self.label_open && closes_label(&event) {
            self.label_open = false;
            self.emit(Event::Html("</label>".into()));
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(name)) => self.in_note = Some((name.to_string(), Vec::new())),
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(note) = self.in_note.take() {
                    self.notes.push(note);
                }
            }
            Event::FootnoteReference(name) => {
                let n = self.number(&name);
                self.references[n - 1] += 1;
                let k = self.references[n - 1];
                self.emit(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-ref\"><a href=\"#{}\" id=\"{}\" aria-describedby=\"footnotes-heading\">{n}</a></sup>",
                    note_id(n),
                    reference_id(n, k)
                ))));
            }
            Event::TaskListMarker(checked) => {
                self.label_open = true;
                let checked = if checked { " checked" } else { "" };
                self.emit(Event::Html(CowStr::from(format!(
                    "<label class=\"task\"><input type=\"checkbox\" disabled{checked}> "
                ))));
            }
            Event::Start(Tag::Paragraph) => self.paragraph(),
            other => self.emit(other),
        }
    }

    /// A paragraph that holds only an image with a title is a figure; any other is written as is.
    fn paragraph(&mut self) {
        let first = self.pull();
        let Some(Event::Start(Tag::Image { title, .. })) = &first else {
            self.emit(Event::Start(Tag::Paragraph));
            self.ahead.extend(first);
            return;
        };
        if title.is_empty() {
            self.emit(Event::Start(Tag::Paragraph));
            self.ahead.extend(first);
            return;
        }
        let mut image = vec![first.expect("matched above")];
        loop {
            match self.pull() {
                Some(end @ Event::End(TagEnd::Image)) => {
                    image.push(end);
                    break;
                }
                Some(event) => image.push(event),
                None => break,
            }
        }
        let after = self.pull();
        if !matches!(after, Some(Event::End(TagEnd::Paragraph))) {
            self.emit(Event::Start(Tag::Paragraph));
            // Read again, after the image, so that what follows is typeset too.
            for event in image.into_iter().chain(after).rev() {
                self.ahead.push_front(event);
            }
            // The image's own start is not a paragraph: it goes straight out.
            if let Some(start) = self.ahead.pop_front() {
                self.emit(start);
            }
            return;
        }
        let Some(Event::Start(Tag::Image { link_type, dest_url, title, id })) = image.first().cloned() else {
            unreachable!("the first event is the image's start");
        };
        self.emit(Event::Html("<figure>".into()));
        // The title is the caption: not repeated as a tooltip.
        self.emit(Event::Start(Tag::Image { link_type, dest_url, title: "".into(), id }));
        for event in image.into_iter().skip(1) {
            self.emit(event);
        }
        self.emit(Event::Html(CowStr::from(format!("<figcaption>{}</figcaption></figure>\n", escape_html(&title)))));
    }

    /// The notes, in the order of their first reference (notes never referenced last), each with
    /// links back to its references.
    fn notes_section(&mut self) -> Option<String> {
        if self.notes.is_empty() {
            return None;
        }
        let mut notes = std::mem::take(&mut self.notes);
        for (name, _) in &notes {
            let key = name.to_lowercase();
            let next = self.numbers.len() + 1;
            self.numbers.entry(key).or_insert(next);
        }
        notes.sort_by_key(|(name, _)| self.numbers[&name.to_lowercase()]);
        let mut html = String::from(
            "<section class=\"footnotes\" id=\"footnotes\" aria-labelledby=\"footnotes-heading\">\n<h2 id=\"footnotes-heading\">",
        );
        html.push_str(&self.heading);
        html.push_str("</h2>\n<ol>\n");
        for (name, events) in notes {
            let n = self.numbers[&name.to_lowercase()];
            let mut body = String::new();
            pulldown_cmark::html::push_html(&mut body, events.into_iter());
            let count = self.references.get(n - 1).copied().unwrap_or(0);
            let back: Vec<String> = (1..=count)
                .map(|k| {
                    let mark = if k == 1 { "↩".to_string() } else { format!("↩<sup>{k}</sup>") };
                    let label =
                        if count == 1 { "Back to the text".to_string() } else { format!("Back to the text ({k})") };
                    format!(
                        "<a href=\"#{}\" class=\"footnote-back\" aria-label=\"{label}\">{mark}</a>",
                        reference_id(n, k)
                    )
                })
                .collect();
            let back = back.join(" ");
            let body = body.trim_end();
            let body = match body.strip_suffix("</p>") {
                Some(open) if !back.is_empty() => format!("{open} {back}</p>"),
                _ if !back.is_empty() => format!("{body}\n<p>{back}</p>"),
                _ => body.to_string(),
            };
            html.push_str(&format!("<li id=\"{}\">\n{body}\n</li>\n", note_id(n)));
        }
        html.push_str("</ol>\n</section>\n");
        Some(html)
    }
}

/// Whether an event ends the text of a task (its label): any block boundary.
fn closes_label(event: &Event<'_>) -> bool {
    let inline_start = |t: &Tag<'_>| {
        matches!(t, Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. })
    };
    let inline_end = |t: &TagEnd| {
        matches!(t, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image)
    };
    match event {
        Event::Start(t) => !inline_start(t),
        Event::End(t) => !inline_end(t),
        Event::Rule => true,
        _ => false,
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Typeset<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.out.pop_front() {
                return Some(event);
            }
            match self.pull() {
                Some(event) => self.typeset(event),
                None if !self.finished => {
                    self.finished = true;
                    if self.label_open {
                        self.label_open = false;
                        self.out.push_back(Event::Html("</label>".into()));
                    }
                    if let Some(html) = self.notes_section() {
                        self.out.push_back(Event::Html(CowStr::from(html)));
                    }
                }
                None => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_without_notes_images_or_tasks_are_written_as_pulldown_cmark_writes_them() {
        let write = |body: &str, typeset: bool| {
            let parser = pulldown_cmark::Parser::new_ext(body, super::super::dialect::options());
            let mut html = String::new();
            match typeset {
                true => pulldown_cmark::html::push_html(&mut html, Typeset::new(parser, "Notes".into())),
                false => pulldown_cmark::html::push_html(&mut html, parser),
            }
            html
        };
        // What the adapter would leave as it is needs no adapter…
        let plain = "# A\n\nText with [a link](x.md \"t\") and a [y] or [ x].\n\n- item\n\n| a |\n|---|\n| b |\n";
        assert!(!is_needed(plain));
        assert_eq!(write(plain, true), write(plain, false));
        // …and everything it changes is found.
        for body in ["- [ ] task\n", "![a](b.png \"t\")\n", "x[^1]\n\n[^1]: n\n", "* [X] done\n"] {
            assert!(is_needed(body) && write(body, true) != write(body, false), "{body}");
        }
    }

    #[test]
    fn notes_headings_follow_the_language() {
        assert_eq!(notes_heading("en"), "Notes");
        assert_eq!(notes_heading("ko"), "주");
        assert_eq!(notes_heading("ko-KR"), "주");
        assert_eq!(notes_heading("de_AT"), "Anmerkungen");
        assert_eq!(notes_heading(""), "Notes");
    }
}
