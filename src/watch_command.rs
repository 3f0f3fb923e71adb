//! `briefing watch`: the first build, the server, and the loop that turns file events into
//! rebuilds and browser reloads. Prints one line per rebuild.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use briefing::build::BuildError;
use briefing::diagnostics;
use briefing::output;
use briefing::serve::{self, Event, Hub};
use briefing::watch::{self, Session};
use notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, new_debouncer_opt, Config, DebounceEventResult};

use crate::{print_diagnostics, use_color, WatchArgs};

/// How long the debouncer waits for more events of the same save (editors write a save as
/// several events: temp file, rename, metadata).
const DEBOUNCE: Duration = Duration::from_millis(10);

pub fn run(args: WatchArgs) -> ExitCode {
    let color = use_color();
    let quiet = args.site.quiet;
    let mut session = match Session::new(args.site.options()) {
        Ok(s) => s,
        Err(BuildError::Environment(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        Err(BuildError::Content(report)) => {
            print_diagnostics(&report.diagnostics, quiet, color);
            return ExitCode::from(1);
        }
    };
    let hub = Arc::new(Hub::default());
    match session.build_all() {
        Ok(report) => {
            print_diagnostics(&report.diagnostics, quiet, color);
            eprintln!(
                "built {} pages ({} briefs, {} terms) in {:.0} ms",
                report.pages,
                report.briefs,
                report.terms,
                report.elapsed.as_secs_f64() * 1000.0
            );
        }
        Err(BuildError::Environment(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        Err(BuildError::Content(report)) => {
            print_diagnostics(&report.diagnostics, quiet, color);
            eprintln!("error: {}; fix it and save: watching for changes", diagnostics::summary(&report.diagnostics));
            hub.send(Event::Errors(plain(&report.diagnostics)));
        }
    }

    let address = format!("{}:{}", args.bind, args.port);
    let server = match tiny_http::Server::http(&address) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: cannot listen on {address}: {e}");
            eprintln!("  = help: another program uses the port; pick another with --port");
            return ExitCode::from(2);
        }
    };
    let base_path = session.project.config.base_url.path.clone();
    let output_dir = output::absolute(session.output_dir());
    serve::serve(server.clone(), output_dir.clone(), base_path.clone(), hub.clone(), 4);
    let host = if args.bind.contains(':') { format!("[{}]", args.bind) } else { args.bind.clone() };
    // With --port 0 the system picks a free port: print the one it picked.
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    let url = format!("http://{host}:{port}{base_path}");
    eprintln!("serving {url} (Ctrl-C to stop)");
    if args.open {
        let _ =
            std::process::Command::new(if cfg!(target_os = "macos") { "open" } else { "xdg-open" }).arg(&url).spawn();
    }

    let (events, receiver) = mpsc::channel::<Vec<PathBuf>>();
    let (stop, stopped) = mpsc::channel::<()>();
    let _ = ctrlc::set_handler(move || {
        let _ = stop.send(());
    });
    let root = output::absolute(&session.project.root);
    let handler = {
        let events = events.clone();
        move |result: DebounceEventResult| {
            if let Ok(list) = result {
                let _ = events.send(list.into_iter().map(|e| e.path).collect());
            }
        }
    };
    // Both watcher kinds are kept alive until the loop ends.
    let _watcher: Box<dyn std::any::Any> = if args.poll {
        let config = Config::default()
            .with_timeout(DEBOUNCE)
            .with_notify_config(notify::Config::default().with_poll_interval(Duration::from_millis(300)));
        match new_debouncer_opt::<_, notify::PollWatcher>(config, handler) {
            Ok(mut d) => {
                if let Err(e) = d.watcher().watch(&root, RecursiveMode::Recursive) {
                    eprintln!("error: cannot watch {}: {e}", root.display());
                    return ExitCode::from(2);
                }
                Box::new(d)
            }
            Err(e) => {
                eprintln!("error: cannot start the polling watcher: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        match new_debouncer(DEBOUNCE, handler) {
            Ok(mut d) => {
                if let Err(e) = d.watcher().watch(&root, RecursiveMode::Recursive) {
                    eprintln!("error: cannot watch {}: {e}", root.display());
                    eprintln!("  = help: try --poll");
                    return ExitCode::from(2);
                }
                Box::new(d)
            }
            Err(e) => {
                eprintln!("error: cannot start the file watcher: {e}; try --poll");
                return ExitCode::from(2);
            }
        }
    };

    loop {
        if stopped.try_recv().is_ok() {
            break;
        }
        let first = match receiver.recv_timeout(Duration::from_millis(200)) {
            Ok(paths) => paths,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Saves that arrived while the last rebuild ran are one more rebuild, not one each.
        let mut paths: Vec<PathBuf> = first;
        while let Ok(more) = receiver.try_recv() {
            paths.extend(more);
        }
        paths.retain(|p| watch::is_relevant(&root, &output_dir, p));
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            continue;
        }
        let started = Instant::now();
        match session.rebuild(&paths) {
            Ok(None) => {}
            Ok(Some(rebuild)) => {
                print_diagnostics(&rebuild.diagnostics, quiet, color);
                hub.send(if rebuild.css_only { Event::Css } else { Event::Reload });
                eprintln!(
                    "{}: {} pages rendered, {} files written, {} removed in {:.0} ms",
                    describe(&rebuild.changed),
                    rebuild.pages_rendered,
                    rebuild.files_written,
                    rebuild.files_removed,
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            Err(BuildError::Content(report)) => {
                print_diagnostics(&report.diagnostics, quiet, color);
                eprintln!("error: {}; still serving the last good site", diagnostics::summary(&report.diagnostics));
                hub.send(Event::Errors(plain(&report.diagnostics)));
            }
            Err(BuildError::Environment(e)) => {
                eprintln!("error: {e}; still serving the last good site");
                hub.send(Event::Errors(e));
            }
        }
    }
    eprintln!("stopped");
    ExitCode::SUCCESS
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
