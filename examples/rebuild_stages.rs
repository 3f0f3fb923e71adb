//! The stages of `watch`'s rebuilds after one kind of edit, timed in process:
//!
//!     cargo run --release --example rebuild_stages -- SITE [body|summary|title|date|terms] [ROUNDS]
//!
//! Builds SITE into `SITE/../bench-out` with a watch session, then makes ROUNDS edits of the
//! briefs of `content/briefs/` as `benches/watch_latency.py` makes them (the same briefs, the
//! same changes) and prints the time of each stage of each rebuild, and when its pages were
//! written (when `watch` reloads the browser). The briefs are restored at
//! the end. A profiler attached to it sees only rebuilds after the first few seconds.
use briefing::build::BuildOptions;
use briefing::watch::Session;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let kind = std::env::args().nth(2).unwrap_or("body".into());
    let rounds: usize = std::env::args().nth(3).map_or(10, |n| n.parse().unwrap());
    let output = root.join("../bench-out");
    let _ = std::fs::remove_dir_all(&output);
    let mut session =
        Session::new(BuildOptions { root: root.clone(), output: Some(output), timed: true, ..Default::default() })
            .unwrap();
    session.build().unwrap();
    // The briefs the latency script (benches/watch_latency.py) edits, with its edits.
    let mut briefs: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("content/briefs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    briefs.sort();
    let mut originals = Vec::new();
    for i in 0..rounds {
        let file = briefs[(i * 7919) % briefs.len()].clone();
        let original = std::fs::read_to_string(&file).unwrap();
        originals.push((file.clone(), original.clone()));
        let line = |key: &str, value: String| {
            let text = original.lines().map(|l| if l.starts_with(key) { value.clone() } else { l.to_string() });
            text.collect::<Vec<_>>().join("\n") + "\n"
        };
        let moved = |text: &str, word: &str| {
            let text = text.lines().map(|l| match l.starts_with("summary: ") {
                true => format!("summary: \"{word} {i}.\""),
                false => l.to_string(),
            });
            text.collect::<Vec<_>>().join("\n") + "\n"
        };
        let text = match kind.as_str() {
            "body" => format!("{original}\nMore {i}.\n"),
            "summary" => line("summary: ", format!("summary: \"Edited summary {i}.\"")),
            "title" => line("title: ", format!("title: \"Edited title {i}\"")),
            // A date or terms edit changes the summary too (the script's marker).
            "date" => moved(&line("date: ", format!("date: 20{}-0{}-1{}", 10 + i % 15, 1 + i % 9, i % 10)), "Moved"),
            "terms" => moved(&original.replacen("topics: [", &format!("topics: [\"Term {i}\", "), 1), "Retagged"),
            _ => panic!("kind"),
        };
        // As the script does: the last rebuild's threads (freeing, the files for programs) done.
        std::thread::sleep(std::time::Duration::from_millis(300));
        std::fs::write(&file, text).unwrap();
        let started = std::time::Instant::now();
        let mut pages = None;
        let report =
            session.rebuild_then(std::slice::from_ref(&file), &mut |_| pages = Some(started.elapsed())).unwrap();
        let stages: Vec<String> =
            report.stages.0.iter().map(|(n, t)| format!("{n} {:.1}", t.as_secs_f64() * 1000.0)).collect();
        eprintln!(
            "{kind} {:.1} ms, pages written at {:.1} ms: {} ({} rendered)",
            started.elapsed().as_secs_f64() * 1000.0,
            pages.unwrap_or_default().as_secs_f64() * 1000.0,
            stages.join(", "),
            report.rendered
        );
        let mut kinds = report.render_kinds.clone();
        kinds.sort_by_key(|(_, time, _)| std::cmp::Reverse(*time));
        let kinds: Vec<String> = kinds
            .iter()
            .take(16)
            .map(|(kind, time, n)| format!("{n} {kind} {:.1}", time.as_secs_f64() * 1000.0))
            .collect();
        eprintln!("    render (threads' time): {}", kinds.join(", "));
    }
    for (file, original) in originals.into_iter().rev() {
        std::fs::write(&file, original).unwrap();
    }
}
