//! `briefing watch`: the first build, the server, and the loop that turns file events into
//! rebuilds and browser reloads. Prints one line per rebuild.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use briefing::build::BuildError;
use briefing::diagnostics;
use briefing::output;
use briefing::serve::{self, Event, Hub};
use briefing::watch::{self, Session, Signal};
use notify::{RecursiveMode, Watcher};

use crate::{print_diagnostics, use_color, WatchArgs};

pub fn run(args: WatchArgs) -> ExitCode {
    let color = use_color();
    let quiet = args.site.quiet;
    let verbose = args.site.verbose;
    let mut session = match Session::new(args.site.options()) {
        Ok(s) => s,
        Err(e) => return crate::report_error(e, quiet, verbose, color, None),
    };
    let hub = Arc::new(Hub::default());
    let mut shown: std::collections::HashSet<String> = std::collections::HashSet::new();
    match session.build() {
        Ok(report) => {
            print_diagnostics(&report.diagnostics, quiet, verbose, color);
            shown.extend(report.diagnostics.iter().map(|d| d.render(false)));
            eprintln!(
                "built {} ({}, {}) in {:.0} ms",
                crate::counted(report.pages, "page"),
                crate::counted(report.briefs, "brief"),
                crate::counted(report.terms, "term"),
                report.elapsed.as_secs_f64() * 1000.0
            );
            if verbose {
                for note in &report.notes {
                    eprintln!("note: {note}");
                }
            }
        }
        Err(BuildError::Content(report)) => {
            print_diagnostics(&report.diagnostics, quiet, verbose, color);
            eprintln!("error: {}; fix it and save: watching for changes", diagnostics::summary(&report.diagnostics));
            hub.send(Event::Errors(plain(&report.diagnostics)));
        }
        Err(e) => return crate::report_error(e, quiet, verbose, color, None),
    }

    let address = format!("{}:{}", args.bind, args.port);
    let base_path: serve::BasePath = Arc::new(std::sync::RwLock::new(session.base_path().to_string()));
    let output_dir = output::absolute(session.output_dir());
    let listening = std::net::TcpListener::bind(&address)
        .and_then(|listener| serve::serve(listener, output_dir.clone(), base_path.clone(), hub.clone()));
    let listening = match listening {
        Ok(address) => address,
        Err(e) => {
            eprintln!("error: cannot listen on {address}: {e}");
            eprintln!("  = help: another program uses the port; pick another with --port");
            return ExitCode::from(2);
        }
    };
    let host = if args.bind.contains(':') { format!("[{}]", args.bind) } else { args.bind.clone() };
    // With --port 0 the system picks a free port: print the one it picked.
    let port = listening.port();
    let url = format!("http://{host}:{port}{}", session.base_path());
    eprintln!("serving {url} (Ctrl-C to stop)");
    if args.open {
        let _ =
            std::process::Command::new(if cfg!(target_os = "macos") { "open" } else { "xdg-open" }).arg(&url).spawn();
    }

    let (events, receiver) = mpsc::channel::<Vec<(Signal, PathBuf)>>();
    let (stop, stopped) = mpsc::channel::<()>();
    let _ = ctrlc::set_handler(move || {
        // A rebuild under way stops rendering; a commit under way completes first.
        briefing::build::request_stop();
        let _ = stop.send(());
    });
    let root = output::absolute(&session.project.root);
    let handler = move |result: notify::Result<notify::Event>| {
        if let Ok(event) = result {
            // Reads (our own walks open folders and files) and metadata-only changes (touch,
            // chmod) are not edits: no signal.
            let signals = watch::signals(event);
            if !signals.is_empty() {
                let _ = events.send(signals);
            }
        }
    };
    let mut watcher = match Watching::start(args.poll, handler) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot start the file watcher: {e}");
            if !args.poll {
                eprintln!("  = help: try --poll");
            }
            return ExitCode::from(2);
        }
    };
    if let Err(e) = watcher.watch_sources(&root) {
        eprintln!("error: cannot watch {}: {e}", root.display());
        return ExitCode::from(2);
    }
    let mut extra = session.extra_sources();
    watcher.watch_files(&extra);
    let (mut last_was_rescan, mut warned_of_overflow) = (false, false);

    loop {
        if stopped.try_recv().is_ok() {
            break;
        }
        let first = match receiver.recv_timeout(Duration::from_millis(200)) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // One save is several events (written, closed; or a temporary file renamed over the
        // old one): they are gathered until none came for a moment, a shorter one once every
        // file is in place. Saves that arrived while the last rebuild ran are one more rebuild.
        let mut gathered = watch::Gathered::default();
        let add = |gathered: &mut watch::Gathered, signals: Vec<(Signal, PathBuf)>| {
            for (signal, path) in signals {
                if signal == Signal::Rescan || watch::is_relevant(&root, &output_dir, &extra, &path) {
                    gathered.add(signal, path);
                }
            }
        };
        add(&mut gathered, first);
        let gathering = Instant::now();
        while gathering.elapsed() < watch::GATHER_LIMIT {
            match receiver.recv_timeout(if gathered.is_empty() { Duration::ZERO } else { gathered.wait() }) {
                Ok(event) => add(&mut gathered, event),
                Err(_) => break,
            }
        }
        if gathered.is_empty() {
            continue;
        }
        let rescan = gathered.needs_rescan();
        let paths = gathered.into_paths();
        // A rescan reads every file, and each read is a file event: with a small queue those can
        // overflow it again. A second rescan in a row is made only for other events than that.
        if rescan && last_was_rescan && paths.is_empty() {
            if !warned_of_overflow {
                eprintln!("warning: the file watcher's event queue overflows while watch reads the site; edits made meanwhile may be missed");
                eprintln!("  = help: raise it (Linux: `sysctl fs.inotify.max_queued_events`), or save again");
                warned_of_overflow = true;
            }
            last_was_rescan = false;
            continue;
        }
        last_was_rescan = rescan;
        // A sources folder created after the start (themes/, static/) is watched from now on.
        if rescan || paths.iter().any(|p| p.parent() == Some(root.as_path()) && p.is_dir()) {
            let _ = watcher.watch_sources(&root);
        }
        let started = Instant::now();
        // The browser reloads as soon as the pages are written, before the files for other
        // programs (graph.json, the sitemap, …) are; the server follows a new `base_url` first.
        let mut pages_written = false;
        let mut reload = |pages: &briefing::build::PagesWritten| {
            pages_written = true;
            *base_path.write().unwrap_or_else(|e| e.into_inner()) = pages.base_path.to_string();
            // A save that undoes a broken one writes nothing, but the browsers' error overlay goes.
            if pages.write.written + pages.write.removed == 0 && pages.changed.is_empty() && !hub.has_error() {
                return;
            }
            let css_only = !pages.changed.is_empty() && pages.changed.iter().all(|c| c.ends_with(".css"));
            hub.send(if css_only { Event::Css } else { Event::Reload });
        };
        let result = match rescan {
            true => session.rescan_then(&mut reload),
            false => session.rebuild_then(&paths, &mut reload),
        };
        match result {
            Ok(report) => {
                // The watcher follows new bibliography files (the server followed a new
                // `base_url` when the pages were written).
                if session.extra_sources() != extra {
                    extra = session.extra_sources();
                    watcher.watch_files(&extra);
                }
                // Warnings already shown (an unknown key, say) are not repeated on every save.
                let fresh: Vec<_> =
                    report.diagnostics.iter().filter(|d| shown.insert(d.render(false))).cloned().collect();
                print_diagnostics(&fresh, quiet, verbose, color);
                let write = report.write.unwrap_or_default();
                if write.written + write.removed == 0 && report.changed.is_empty() {
                    continue;
                }
                eprintln!(
                    "{}: {} rendered, {} written, {} removed in {:.0} ms",
                    describe(&report.changed),
                    crate::counted(report.rendered, "page"),
                    crate::counted(write.written, "file"),
                    write.removed,
                    started.elapsed().as_secs_f64() * 1000.0
                );
                if args.site.verbose {
                    let stages: Vec<String> = report
                        .stages
                        .0
                        .iter()
                        .map(|(name, time)| format!("{name} {:.1} ms", time.as_secs_f64() * 1000.0))
                        .collect();
                    eprintln!("  {}", stages.join(", "));
                    let mut kinds: Vec<_> =
                        report.render_kinds.iter().filter(|(_, time, _)| time.as_micros() >= 1000).collect();
                    kinds.sort_by_key(|kind| std::cmp::Reverse(kind.1));
                    let kinds: Vec<String> = kinds
                        .iter()
                        .map(|(kind, time, n)| format!("{n} {kind} {:.1} ms", time.as_secs_f64() * 1000.0))
                        .collect();
                    eprintln!("  render (threads' time, files rendered): {}", kinds.join(", "));
                }
            }
            Err(BuildError::Content(report)) => {
                print_diagnostics(&report.diagnostics, quiet, verbose, color);
                eprintln!("error: {}; still serving the last good site", diagnostics::summary(&report.diagnostics));
                hub.send(Event::Errors(plain(&report.diagnostics)));
            }
            Err(BuildError::Config(list)) => {
                print_diagnostics(&list, quiet, verbose, color);
                eprintln!("error: {}; still serving the last good site", diagnostics::summary(&list));
                hub.send(Event::Errors(plain(&list)));
            }
            Err(BuildError::Environment(e)) if pages_written => {
                // The pages are new; the files for other programs follow with the next rebuild.
                eprintln!("error: {e}; the pages were written, the other files will be on the next save");
                hub.send(Event::Errors(e.to_string()));
            }
            Err(BuildError::Environment(e)) => {
                eprintln!("error: {e}; still serving the last good site");
                hub.send(Event::Errors(e.to_string()));
            }
        }
    }
    eprintln!("stopped");
    ExitCode::SUCCESS
}

/// The file watcher: native file events, or polling (`--poll`).
struct Watching(Box<dyn Watcher + Send>);

impl Watching {
    fn start(poll: bool, handler: impl notify::EventHandler) -> notify::Result<Watching> {
        Ok(Watching(if poll {
            // Modification times are compared in whole seconds: the files' contents are compared
            // too, or a second save within the same second would be missed.
            let config =
                notify::Config::default().with_poll_interval(Duration::from_millis(300)).with_compare_contents(true);
            Box::new(notify::PollWatcher::new(handler, config)?)
        } else {
            Box::new(notify::recommended_watcher(handler)?)
        }))
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    /// Watches files outside the site's folders (bibliography files), through their folders:
    /// editors save by writing a new file and renaming it over the old one.
    fn watch_files(&mut self, files: &[PathBuf]) {
        let folders: std::collections::BTreeSet<&Path> = files.iter().filter_map(|f| f.parent()).collect();
        for folder in folders {
            let _ = self.watch(folder, RecursiveMode::NonRecursive);
        }
    }

    /// Watches the site's sources, never the output folder (a site of 10,000 briefs has as
    /// many output folders, and their writes must not wake the watcher): the root itself (for
    /// `site.yaml` and for `content/`, `themes/` or `static/` appearing), and those folders.
    fn watch_sources(&mut self, root: &Path) -> notify::Result<()> {
        self.watch(root, RecursiveMode::NonRecursive)?;
        for folder in ["content", "themes", "static"] {
            let path = root.join(folder);
            if path.is_dir() {
                self.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(())
    }
}

/// The diagnostics as plain text, for the browser overlay.
fn plain(list: &[diagnostics::Diagnostic]) -> String {
    let mut text: String = list.iter().filter(|d| d.is_error()).map(|d| d.render(false)).collect();
    text.push_str(&format!("error: {}\n", diagnostics::summary(list)));
    text
}

fn describe(changed: &[String]) -> String {
    match changed {
        [] => "changed".into(),
        [one] => format!("changed {one}"),
        [first, rest @ ..] => format!("changed {first} and {} more", rest.len()),
    }
}
