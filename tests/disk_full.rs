//! The disk fills up while indexing: trove stops with a clear error, and the index still
//! opens at its last commit. Staged on a small tmpfs; skips (passes, saying so) where
//! mounting one is not allowed.

mod common;

use std::process::Command;

use common::{stderr, stdout, TestEnv};

struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_an_error_and_the_last_commit_survives() {
    let env = TestEnv::new();
    let small = env.path("small-disk");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
        .arg(&small)
        .output();
    match mounted {
        Ok(out) if out.status.success() => {}
        _ => {
            println!("skipped: cannot mount a tmpfs here");
            return;
        }
    }
    let _unmount = Mount(small.clone());
    // About 12 MB of varied text: far more index than 3 MB holds.
    for i in 0..3000 {
        let words: String = (0..600)
            .map(|j| format!("w{}x{} ", (i * 7919 + j * 104_729) % 100_003, j % 97))
            .collect();
        env.write(
            &format!("docs/{:02}/{i:04}.txt", i % 30),
            format!("Document {i}\n\n{words}\n"),
        );
    }
    let index = small.join("index");
    let index_arg = index.to_string_lossy().into_owned();
    let out = env.run(&[
        "--index",
        &index_arg,
        "index",
        "--commit-every",
        "300",
        "--threads",
        "1",
        "docs",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("the disk holding the index at") && err.contains("is full"),
        "the cause is not named: {err}"
    );
    assert!(err.contains("small-disk"), "the index is not named: {err}");
    // The index opens at its last commit and answers.
    let out = env.run(&["--index", &index_arg, "search", "-c", "*"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "the index does not open: {}",
        stderr(&out)
    );
    let committed: usize = stdout(&out).trim().parse().unwrap();
    assert!(committed < 3000, "{committed}");
    println!("disk full: {committed} documents committed before the disk filled");
    // Room again: the same run finishes and holds everything.
    let _ = Command::new("mount")
        .args(["-o", "remount,size=200m"])
        .arg(&small)
        .status();
    let out = env.run(&["--index", &index_arg, "index", "docs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.run(&["--index", &index_arg, "search", "-c", "*"]);
    assert_eq!(stdout(&out).trim(), "3000");
}
