//! A small test environment: a temp dir with files, and the real `trove` binary run in it.

#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

pub const SEED_NAME: &str = "ap-2017-11-11-data-firm-ceo-wikileaks-clinton-emails.txt";

pub struct TestEnv {
    pub dir: TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A temp dir holding a copy of the repo's corpus/ folder.
    pub fn with_corpus() -> TestEnv {
        let env = TestEnv::new();
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for entry in std::fs::read_dir(corpus).expect("corpus/") {
            let entry = entry.expect("entry");
            let bytes = std::fs::read(entry.path()).expect("read corpus file");
            env.write(
                &format!("corpus/{}", entry.file_name().to_string_lossy()),
                bytes,
            );
        }
        env
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write");
        path
    }

    /// The path of a file in tests/fixtures.
    pub fn fixture(name: &str) -> String {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
            .to_string_lossy()
            .into_owned()
    }

    /// Copies tests/fixtures/<from> into <to> inside the env.
    pub fn copy_fixture(&self, from: &str, to: &str) -> PathBuf {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(from);
        self.write(to, std::fs::read(&src).expect("fixture"))
    }

    /// `trove` run in the env's folder, with a clean environment for its settings.
    pub fn trove(&self) -> Command {
        let mut cmd = Command::cargo_bin("trove").expect("trove binary");
        cmd.current_dir(self.dir.path())
            .env_remove("TROVE_INDEX")
            .env_remove("NO_COLOR");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.trove().args(args).output().expect("run trove")
    }

    pub fn index(&self, args: &[&str]) -> Output {
        let mut all = vec!["index"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// `trove search --json ARGS...`: the hits, parsed, and the exit code.
    pub fn search_json(&self, args: &[&str]) -> (Vec<Value>, i32) {
        let mut all = vec!["search", "--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        let hits = String::from_utf8(out.stdout)
            .expect("utf-8 stdout")
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        (hits, out.status.code().expect("exit code"))
    }

    /// `trove parse --json PATHS...`: the documents, parsed, and the exit code.
    pub fn parse_json(&self, paths: &[&str]) -> (Vec<Value>, i32) {
        let mut all = vec!["parse", "--json"];
        all.extend_from_slice(paths);
        let out = self.run(&all);
        let docs = String::from_utf8(out.stdout)
            .expect("utf-8 stdout")
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        (docs, out.status.code().expect("exit code"))
    }

    /// How many documents the index holds, counted through search.
    pub fn count_all(&self) -> usize {
        let (hits, _) = self.search_json(&["--limit", "100000", "*"]);
        hits.len()
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
