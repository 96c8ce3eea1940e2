//! Every command in the README's `<!-- runs on corpus/ -->` blocks works as printed on
//! the bundled corpus: exit code 0 and something on stdout. They run from the repository
//! root, as a reader would, against an index of corpus/ built in a temp folder (named by
//! TROVE_INDEX, so the repository's own index/ is left alone).

mod common;

use std::process::Command;

use common::TestEnv;

fn runnable_examples() -> Vec<String> {
    let readme = include_str!("../README.md");
    let mut commands = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "<!-- runs on corpus/ -->" {
            continue;
        }
        assert_eq!(
            lines.next().map(str::trim),
            Some("```sh"),
            "a marked block is sh"
        );
        for code in lines.by_ref() {
            if code.trim() == "```" {
                break;
            }
            if !code.trim().is_empty() && !code.trim_start().starts_with('#') {
                commands.push(code.to_string());
            }
        }
    }
    commands
}

#[test]
fn readme_examples_work_as_printed() {
    let examples = runnable_examples();
    assert!(examples.len() >= 30, "found {} examples", examples.len());
    let env = TestEnv::with_corpus();
    let out = env.index(&["corpus"]);
    assert!(out.status.success());
    let bin = assert_cmd::cargo::cargo_bin("trove");
    let bin_dir = bin.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for example in &examples {
        let out = Command::new("sh")
            .arg("-c")
            .arg(example)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PATH", &path)
            .env("TROVE_INDEX", env.path("index"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || stdout.trim().is_empty() {
            failures.push(format!(
                "{example}\n  exit {:?}\n  stdout {:?}\n  stderr {:?}",
                out.status.code(),
                stdout,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "README examples failed:\n{}",
        failures.join("\n")
    );
}
