//! The GitHub Actions workflow of docs/ci.md is valid YAML and runs the
//! four commands it promises, with options the commands take.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::seg;

/// The one ```yaml block of docs/ci.md.
fn workflow() -> String {
    let text = std::fs::read_to_string("docs/ci.md").unwrap();
    let start = text
        .find("```yaml\n")
        .expect("docs/ci.md has a ```yaml block")
        + 8;
    let end = start + text[start..].find("```").unwrap();
    text[start..end].to_string()
}

/// The workflow as JSON, parsed by PyYAML (a YAML parser in Rust would be
/// a new dependency of the crate); `.ci/run` installs python3-yaml.
fn parsed(yaml: &str) -> serde_json::Value {
    let script = "import sys, json, yaml\n\
                  d = yaml.safe_load(sys.stdin)\n\
                  d['on'] = d.pop(True, d.get('on'))  # YAML 1.1 reads `on` as true\n\
                  print(json.dumps(d))";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is installed (.ci/run installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the workflow is not valid YAML (or python3-yaml is missing: .ci/run installs it):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_ci_workflow_is_valid_yaml_and_runs_the_four_commands() {
    let workflow = parsed(&workflow());
    assert!(workflow["on"].get("pull_request").is_some(), "{workflow}");
    let steps = workflow["jobs"]["rules"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let step = |prefix: &str| -> Vec<String> {
        let line = runs
            .iter()
            .find(|r| r.starts_with(prefix))
            .unwrap_or_else(|| panic!("no step runs `{prefix}`: {runs:?}"));
        // The shell's and the workflow's variables, given values.
        let line = line
            .replace("$RULES", "rules")
            .replace("${{ github.base_ref }}", "main");
        line.split(" > ")
            .next()
            .unwrap()
            .split_whitespace()
            .skip(1)
            .map(|w| w.trim_matches('"').to_string())
            .collect()
    };
    // Each command line is one that seg accepts (`--help` after it: clap
    // checks every argument before it).
    let commands = [
        step("seg fmt --check"),
        step("seg lint"),
        step("seg test"),
        step("seg diff --base"),
    ];
    for args in commands {
        let output = seg().args(&args).arg("--help").output().unwrap();
        assert!(
            output.status.success(),
            "seg {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let diff = steps
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.starts_with("seg diff")))
        .unwrap();
    assert_eq!(diff["if"], "github.event_name == 'pull_request'");
    assert!(
        runs.iter()
            .any(|r| r.contains("gh pr comment") && r.contains("seg-diff.md")),
        "the diff is posted on the pull request: {runs:?}"
    );
    let checkout = &steps[0];
    assert_eq!(checkout["uses"], "actions/checkout@v4");
    assert_eq!(
        checkout["with"]["fetch-depth"], 0,
        "seg diff --base needs the history"
    );
}
