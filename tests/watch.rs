//! `trove index --watch`: files created, edited, renamed, saved by rename, deleted and
//! created by the ten thousand are indexed without another command; a watch killed with
//! kill -9 in the middle of a burst leaves an index the next run brings exactly level
//! with the folder.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::server::{cli, trove, Server};
use common::TestEnv;
use serde_json::Value;

/// A `trove index --watch` process, killed when dropped.
struct Watch {
    child: Child,
    /// Its summaries, one a run (the first run's first).
    runs: mpsc::Receiver<Value>,
}

impl Watch {
    fn start(index: &Path, root: &Path) -> Watch {
        Watch::start_with(index, root, &[])
    }

    fn start_with(index: &Path, root: &Path, extra: &[&str]) -> Watch {
        let mut child = trove()
            .args([
                "--index",
                index.to_str().unwrap(),
                "index",
                "--watch",
                "--json",
            ])
            .args(extra)
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the watch");
        let (said, runs) = mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if let Ok(summary) = serde_json::from_str(&line) {
                    let _ = said.send(summary);
                }
            }
        });
        // Ready once it says it watches (after the first run).
        let (ready, watching) = mpsc::channel();
        let stderr = BufReader::new(child.stderr.take().expect("stderr"));
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if line.contains("watching") {
                    let _ = ready.send(());
                }
            }
        });
        watching
            .recv_timeout(Duration::from_secs(60))
            .expect("the watch started");
        Watch { child, runs }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn total(index: &Path, query: &str) -> u64 {
    let out = cli(index, &["search", "--count", "--json", query]);
    let line: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    line["total"].as_u64().unwrap_or(u64::MAX)
}

fn documents(index: &Path) -> u64 {
    let out = cli(index, &["stats", "--json"]);
    let stats: Value = serde_json::from_slice(&out.stdout).expect("stats");
    stats["documents"].as_u64().expect("documents")
}

/// Waits until `f` holds, up to `limit`.
fn until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

const SOON: Duration = Duration::from_secs(30);

#[test]
fn a_watch_indexes_creates_edits_renames_saves_by_rename_and_deletes() {
    let env = TestEnv::new();
    let index = env.path("index");
    env.write("docs/a.txt", "Alpha lighthouse notes\n");
    let watch = Watch::start(&index, &env.path("docs"));
    assert_eq!(total(&index, "lighthouse"), 1);

    env.write("docs/b.txt", "Bravo harbour notes\n");
    until("a new file", SOON, || total(&index, "harbour") == 1);

    env.write("docs/b.txt", "Bravo marina notes\n");
    until("an edit", SOON, || {
        total(&index, "marina") == 1 && total(&index, "harbour") == 0
    });

    std::fs::rename(env.path("docs/b.txt"), env.path("docs/c.txt")).unwrap();
    until("a rename", SOON, || {
        let out = cli(&index, &["search", "-l", "marina"]);
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .ends_with("c.txt")
    });

    // An editor's save: a new file written beside, then renamed over the old one.
    env.write("docs/.a.txt.swp", "Alpha beacon notes\n");
    std::fs::rename(env.path("docs/.a.txt.swp"), env.path("docs/a.txt")).unwrap();
    until("a save by rename", SOON, || {
        total(&index, "beacon") == 1 && total(&index, "lighthouse") == 0
    });

    std::fs::remove_file(env.path("docs/c.txt")).unwrap();
    until("a delete", SOON, || total(&index, "marina") == 0);

    // A folder made and filled at once: its files arrive before its watch does.
    env.write("docs/new/deeper/d.txt", "Delta quay notes\n");
    until("a new folder", SOON, || total(&index, "quay") == 1);

    assert_eq!(documents(&index), 2, "a.txt and new/deeper/d.txt");
    // Every run said what it did.
    let runs: Vec<Value> = watch.runs.try_iter().collect();
    assert!(runs.len() >= 2, "{runs:?}");
    assert!(runs.iter().all(|r| r["failed"] == 0));
}

#[test]
fn a_burst_of_ten_thousand_files_is_indexed_and_a_kill_during_one_converges() {
    let env = TestEnv::new();
    let index = env.path("index");
    env.write("docs/seed.txt", "Seed file\n");
    let root = env.path("docs");
    let write_burst = |name: &str, count: usize| {
        for i in 0..count {
            env.write(
                &format!("docs/{name}/{:03}/f{i:05}.txt", i / 100),
                format!("Burst {name}word file number w{i:05}\n"),
            );
        }
    };
    {
        let _watch = Watch::start(&index, &root);
        write_burst("one", 10_000);
        until("ten thousand new files", Duration::from_secs(300), || {
            total(&index, "oneword") == 10_000
        });
        assert_eq!(documents(&index), 10_001);
    }

    // kill -9 while it indexes the next burst, committing every 500 documents: the
    // index then holds part of the burst, and the file state says which part.
    let mut watch = Watch::start_with(&index, &root, &["--commit-every", "500"]);
    write_burst("two", 3_000);
    let written = Instant::now();
    until("a commit of the burst", SOON, || {
        total(&index, "twoword") > 0
    });
    watch.child.kill().expect("kill -9");
    watch.child.wait().ok();
    drop(watch);
    let partial = total(&index, "twoword");
    println!(
        "killed {:?} after the burst, with {partial} of its 3,000 files committed",
        written.elapsed()
    );

    // The watch started again: its first run brings the index level with the folder.
    let watch = Watch::start(&index, &root);
    let first = watch
        .runs
        .recv_timeout(Duration::from_secs(60))
        .expect("the first run's summary");
    assert_eq!(first["failed"], 0, "{first}");
    assert_eq!(total(&index, "twoword"), 3_000);
    assert_eq!(total(&index, "oneword"), 10_000);
    assert_eq!(documents(&index), 13_001);
    let check = cli(&index, &["check", "--json"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn a_watch_needs_named_paths() {
    let env = TestEnv::new();
    let index = env.path("index");
    let out = cli(&index, &["index", "--watch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--watch"));
    let out = cli(&index, &["index", "--watch", "--merge", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_server_watching_a_folder_serves_what_arrives_there() {
    let env = TestEnv::new();
    let index = env.path("index");
    env.write("docs/a.txt", "Alpha lighthouse notes\n");
    let server = Server::start_with(&[
        "--index",
        index.to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--watch",
        env.path("docs").to_str().unwrap(),
    ]);
    let found = |word: &str| {
        let answer = server.get(&format!("/api/search?q={word}"));
        answer.status == 200 && answer.json()["total"] == 1
    };
    until("the first run", SOON, || found("lighthouse"));
    // The watch starts after the first run: the file is written again every 2 s until
    // it is served, so a first write before the watch was in place does not stall it.
    let mut tries = 0;
    until("a new file, served", SOON, || {
        if tries % 10 == 0 {
            env.write("docs/b.txt", "Bravo harbour notes\n");
        }
        tries += 1;
        found("harbour")
    });
}
