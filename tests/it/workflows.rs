//! The GitHub Actions workflows: valid YAML of the shape Actions reads.

use std::path::Path;

#[test]
fn the_workflows_are_valid_github_actions_yaml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    for name in ["release.yml", "pages.yml"] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(workflow["name"].is_string() && !workflow["on"].is_null(), "{name}");
        let jobs = workflow["jobs"].as_mapping().unwrap_or_else(|| panic!("{name}: no jobs"));
        for (job, body) in jobs {
            assert!(body["runs-on"].is_string(), "{name}: {job:?} has no runs-on");
            for step in body["steps"].as_sequence().unwrap_or_else(|| panic!("{name}: {job:?} has no steps")) {
                assert!(step["uses"].is_string() ^ step["run"].is_string(), "{name}: {job:?}: {step:?}");
            }
        }
    }
    let release: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("release.yml")).unwrap()).unwrap();
    let targets: Vec<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    for os in ["linux", "apple-darwin", "windows"] {
        assert!(targets.iter().any(|t| t.contains(os)), "no {os} binary: {targets:?}");
    }
}
