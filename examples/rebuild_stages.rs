//! The stages of `watch`'s rebuilds after one kind of edit, timed in process:
//!
//!     cargo run --release --example rebuild_stages -- SITE [body|summary|title|date|terms] [ROUNDS]
//!
//! Builds SITE into `SITE/../bench-out` with a watch session, then edits the first brief of
//! `content/briefs/` ROUNDS times and prints the time of each stage of each rebuild. The brief is
//! restored at the end. A profiler attached to it sees only rebuilds after the first few seconds.
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
    let file = std::fs::read_dir(root.join("content/briefs")).unwrap().next().unwrap().unwrap().path();
    let original = std::fs::read_to_string(&file).unwrap();
    for i in 0..rounds {
        let text = match kind.as_str() {
            "body" => format!("{original}\nMore {i}.\n"),
            "summary" => original.replacen("summary: \"", &format!("summary: \"S{i} "), 1),
            "title" => original.replacen("title: \"", &format!("title: \"T{i} "), 1),
            "date" => original
                .lines()
                .map(|l| if l.starts_with("date: ") { format!("date: {}-01-01", 2010 + i % 9) } else { l.to_string() })
                .collect::<Vec<_>>()
                .join("\n"),
            "terms" => original.replacen("topics: [", &format!("topics: [\"New term {i}\", "), 1),
            _ => panic!("kind"),
        };
        std::fs::write(&file, text).unwrap();
        let started = std::time::Instant::now();
        let report = session.rebuild(std::slice::from_ref(&file)).unwrap();
        let stages: Vec<String> =
            report.stages.0.iter().map(|(n, t)| format!("{n} {:.1}", t.as_secs_f64() * 1000.0)).collect();
        eprintln!(
            "{kind} {:.1} ms: {} ({} rendered)",
            started.elapsed().as_secs_f64() * 1000.0,
            stages.join(", "),
            report.rendered
        );
        let mut kinds = report.render_kinds.clone();
        kinds.sort_by_key(|(_, time, _)| std::cmp::Reverse(*time));
        let kinds: Vec<String> = kinds
            .iter()
            .take(6)
            .map(|(kind, time, n)| format!("{n} {kind} {:.1}", time.as_secs_f64() * 1000.0))
            .collect();
        eprintln!("    render (threads' time): {}", kinds.join(", "));
    }
    std::fs::write(&file, original).unwrap();
}
