//! Rendering the route table, in passes. `build` renders every route in one; `watch` first
//! renders what a browser loads with the pages, commits it and reloads, then the files for other
//! programs (`Output::is_for_programs`: `graph.json` alone is tens of megabytes at 10,000 briefs).
//! What `watch` keeps for the next rendering is remembered once, when every pass is done.

use super::*;

/// Which routes a pass renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    All,
    /// Pages, feeds, the search index, redirects and copied files: what a browser reloads.
    Pages,
    /// The files for other programs.
    Programs,
}

impl Pass {
    fn takes(self, route: &Route) -> bool {
        match self {
            Pass::All => true,
            Pass::Pages => !route.output.is_for_programs(),
            Pass::Programs => route.output.is_for_programs(),
        }
    }
}

/// A rendering under way: what every pass shares, and the memo it updates at the end.
pub struct Rendering<'a> {
    inputs: &'a Inputs<'a>,
    previous: &'a Previous<'a>,
    render: Render<'a>,
    views: context::BriefViews,
    /// `watch`: the key of what every brief page shows alike and of every term's links, and each
    /// route's list key.
    shared_key: Option<(u64, u64)>,
    list_keys: Vec<u64>,
    views_memo: Option<&'a mut context::ViewMemo>,
    files_memo: Option<&'a mut Vec<(u64, u64)>>,
    pages_memo: Option<&'a mut reuse::PageMemo>,
}

impl<'a> Rendering<'a> {
    /// Prepares a rendering against `previous`, the signatures of what the output holds: a page
    /// or file whose signature is unchanged is kept as it is. With a memo (`watch`), reuses what
    /// the last rendering knew.
    pub fn start(inputs: &'a Inputs<'a>, previous: &'a Previous<'a>, memo: Option<&'a mut Memo>) -> Rendering<'a> {
        let site = inputs.site;
        let (mut views_memo, parts, mut pages_memo, search_memo, files_memo, urls_memo, related_memo) = match memo {
            Some(Memo { views, parts, pages, search, files, urls, related_terms }) => {
                (Some(views), Some(&*parts), Some(pages), Some(&*search), Some(files), Some(urls), Some(related_terms))
            }
            None => (None, None, None, None, None, None, None),
        };
        let (mut render, views) = Render::new(inputs, views_memo.as_deref_mut());
        if let (Some(memo), true) = (related_memo, site.terms_key != 0) {
            let key = hash::of(&(site.terms_key, inputs.identity));
            match memo {
                Some((k, related)) if *k == key => render.related_terms = related.clone(),
                _ => *memo = Some((key, render.related_terms.clone())),
            }
        }
        render.url_keys = UrlKeys::kept(site, inputs.routes, urls_memo);
        render.parts = parts;
        render.search_memo = search_memo;
        if let Some(files) = files_memo.as_deref() {
            render.known_files = files.clone();
        }
        let mut list_keys = Vec::new();
        let shared_key = pages_memo.as_ref().map(|_| (render.shared_key(), render.terms.key()));
        if let (Some(memo), Some((key, term_links))) = (pages_memo.as_deref_mut(), shared_key) {
            let shared =
                reuse::Shared { key, site, graph: inputs.graph, cards: &views.cards, terms: &render.terms, term_links };
            render.known = memo.known(&shared);
            render.hashed = (0..site.briefs.len()).map(|_| OnceLock::new()).collect();
            list_keys = render.list_keys(key, &memo.source_keys(&inputs.graph.citations));
            render.known_lists = memo.known_lists(&shared, inputs.routes, &list_keys);
            render.hashed_lists = (0..inputs.routes.files.len()).map(|_| OnceLock::new()).collect();
        }
        if previous.is_none() {
            // Every page renders: make the cards first, newest first in runs. List pages read
            // them in that order and find them side by side in memory rather than scattered over
            // the heap.
            site.by_date.par_chunks(512).for_each(|run| {
                for &b in run {
                    render.cards.value(b);
                }
            });
        }
        Rendering { inputs, previous, render, views, shared_key, list_keys, views_memo, files_memo, pages_memo }
    }

    /// Renders (or keeps) the routes `pass` takes and hands the rendered ones to `sink`; the
    /// outcome has the signatures of those routes only (0 for the others). `stop` is asked now
    /// and then whether to give up (Ctrl-C).
    pub fn pass(&self, pass: Pass, sink: Option<&dyn Sink>, stop: &(dyn Fn() -> bool + Sync)) -> Outcome {
        let (inputs, previous, render) = (self.inputs, self.previous, &self.render);
        // The first failure to write stops the rendering: a full disk is one message, not one
        // per page.
        let io_failed = AtomicBool::new(false);
        let first_io: Mutex<Option<EnvError>> = Mutex::new(None);
        let results: Vec<Option<Result_>> = inputs
            .routes
            .files
            .par_iter()
            .enumerate()
            .map(|(i, route)| {
                if !pass.takes(route) {
                    return None;
                }
                if stop() || io_failed.load(Ordering::Relaxed) {
                    return Some(None);
                }
                let started = inputs.timed.then(Instant::now);
                let (signature, result) = render.route(i, route, previous.get(i, route), sink);
                let took = started.map(|s| s.elapsed()).unwrap_or_default();
                Some(Some((
                    signature,
                    match result {
                        Ok(rendered) => Ok(rendered),
                        Err(Failure::Content(d)) => Err(Box::new(d)),
                        Err(Failure::Io(e)) => {
                            io_failed.store(true, Ordering::Relaxed);
                            first_io.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                            return Some(None);
                        }
                    },
                    took,
                )))
            })
            .collect();
        let mut outcome = Outcome {
            io: first_io.into_inner().unwrap_or_else(|e| e.into_inner()),
            signatures: vec![0; results.len()],
            contents: vec![0; results.len()],
            ..Outcome::default()
        };
        for (i, (route, result)) in inputs.routes.files.iter().zip(results).enumerate() {
            let Some(result) = result else { continue };
            let Some((signature, result, took)) = result else {
                outcome.stopped = true;
                continue;
            };
            if inputs.timed {
                let kind = route.output.kind();
                let rendered = matches!(result, Ok(Done::Rendered(_))) as usize;
                match outcome.by_kind.iter_mut().find(|(k, ..)| *k == kind) {
                    Some((_, time, count)) => {
                        *time += took;
                        *count += rendered;
                    }
                    None => outcome.by_kind.push((kind, took, rendered)),
                }
            }
            if matches!(route.output, Output::Page(_)) {
                outcome.pages += 1;
            }
            match result {
                Ok(Done::Rendered(content)) => {
                    outcome.rendered += 1;
                    outcome.contents[i] = content;
                }
                Ok(Done::Kept) => {
                    outcome.kept += 1;
                    outcome.contents[i] = previous.get(i, route).content.unwrap_or(0);
                }
                Err(d) => {
                    outcome.diagnostics.push(*d);
                    continue;
                }
            }
            outcome.signatures[i] = signature;
        }
        if let Some(sink) = sink {
            sink.keep(outcome.kept);
        }
        outcome
    }

    /// Remembers what the next rendering can reuse (`watch`), given what every pass did.
    pub fn finish(mut self, outcome: &Outcome) {
        let (inputs, site, render) = (self.inputs, self.inputs.site, &mut self.render);
        match self.views_memo {
            Some(memo) => {
                self.views.remember(site, inputs.routes, memo);
                render.cards.keep_in(memo, inputs.identity);
            }
            None => render.cards.free_later(),
        }
        if let Some(files) = self.files_memo {
            *files = inputs
                .routes
                .files
                .iter()
                .zip(&outcome.signatures)
                .map(|(route, &signature)| (render.model_file_key(route.output).unwrap_or(0), signature))
                .collect();
        }
        if let (Some(memo), Some((key, term_links))) = (self.pages_memo, self.shared_key) {
            let terms = &render.terms;
            let shared = reuse::Shared { key, site, graph: inputs.graph, cards: &self.views.cards, terms, term_links };
            let hashed = std::mem::take(&mut render.hashed).into_iter().map(OnceLock::into_inner).collect();
            memo.remember(&shared, &render.known, hashed);
            let hashed = std::mem::take(&mut render.hashed_lists).into_iter().map(OnceLock::into_inner).collect();
            memo.remember_lists(inputs.routes, &self.list_keys, &render.known_lists, hashed);
        }
    }
}

impl Outcome {
    /// Adds what a later pass did (over other routes of the same table).
    pub fn add(&mut self, later: Outcome) {
        for (i, (&signature, &content)) in later.signatures.iter().zip(&later.contents).enumerate() {
            if signature != 0 {
                self.signatures[i] = signature;
                self.contents[i] = content;
            }
        }
        self.diagnostics.extend(later.diagnostics);
        self.rendered += later.rendered;
        self.kept += later.kept;
        self.pages += later.pages;
        self.stopped |= later.stopped;
        self.io = self.io.take().or(later.io);
        for (kind, time, count) in later.by_kind {
            match self.by_kind.iter_mut().find(|(k, ..)| *k == kind) {
                Some((_, t, n)) => {
                    *t += time;
                    *n += count;
                }
                None => self.by_kind.push((kind, time, count)),
            }
        }
    }

    /// Whether every route of the pass was rendered or kept, without a problem.
    pub fn is_clean(&self) -> bool {
        self.io.is_none() && !self.stopped && !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}
