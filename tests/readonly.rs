//! An index on read-only media (a mounted backup, a read-only NFS export) is searched
//! like any other: search, get, stats and export write nothing to the index folder.
//! Checked on a read-only bind mount in a private mount namespace, else as a user
//! without write permission, else skipped with a message.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::TestEnv;

/// How to run a shell command against a read-only view of `dir`.
enum ReadOnly {
    /// `unshare -m`: a read-only bind mount of the folder over itself.
    Mount,
    /// As `nobody`, with the folder's write permission taken away (setpriv).
    Nobody,
    /// Not root: the folder's write permission taken away.
    NoWrite,
}

fn shell(mode: &ReadOnly, dir: &str, script: &str) -> std::process::Output {
    match mode {
        ReadOnly::Mount => Command::new("unshare")
            .args(["-m", "sh", "-c"])
            .arg(format!("mount --bind -o ro '{dir}' '{dir}' && {script}"))
            .output(),
        ReadOnly::Nobody => Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "sh",
                "-c",
                script,
            ])
            .output(),
        ReadOnly::NoWrite => Command::new("sh").args(["-c", script]).output(),
    }
    .expect("run a shell")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The first way that really makes `dir` unwritable here.
fn read_only_mode(dir: &str) -> Option<ReadOnly> {
    let probe = |mode: &ReadOnly| {
        let out = shell(mode, dir, &format!("touch '{dir}/probe' 2>&1"));
        !out.status.success() && !std::path::Path::new(&format!("{dir}/probe")).exists()
    };
    if is_root() {
        for mode in [ReadOnly::Mount, ReadOnly::Nobody] {
            if probe(&mode) {
                return Some(mode);
            }
        }
        None
    } else {
        Some(ReadOnly::NoWrite).filter(probe)
    }
}

fn set_writable(path: &std::path::Path, writable: bool) {
    let mode = if writable { 0o755 } else { 0o555 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_index_is_searched() {
    let env = TestEnv::with_corpus();
    let out = env.index(&["corpus"]);
    assert!(out.status.success());
    let root = env.dir.path();
    let index = root.join("index");
    // Readable by anyone (the temp folder is private), writable by no one but root.
    set_writable(root, true);
    for entry in std::fs::read_dir(&index).unwrap() {
        let p = entry.unwrap().path();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    set_writable(&index, false);
    let dir = index.to_string_lossy().into_owned();
    let Some(mode) = read_only_mode(&dir) else {
        set_writable(&index, true);
        println!("skipped: neither a read-only bind mount nor a user without write permission is possible here");
        return;
    };
    let before: Vec<_> = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let trove = assert_cmd::cargo::cargo_bin("trove");
    let t = format!("'{}' --index '{dir}'", trove.display());
    let script = format!(
        "{t} search --count wikileaks && {t} get e3708e9c9947a7f7 >/dev/null && \
         {t} stats --json >/dev/null && {t} export | wc -l && {t} index '{}' ; echo \"index exit $?\"",
        root.join("corpus").display()
    );
    let out = shell(&mode, &dir, &script);
    set_writable(&index, true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"1"), "search: {stdout}\n{stderr}");
    assert_eq!(lines.get(1), Some(&"1"), "export: {stdout}\n{stderr}");
    // Indexing into it is refused with a message that says why.
    assert_eq!(lines.get(2), Some(&"index exit 2"), "{stdout}\n{stderr}");
    assert!(stderr.contains("cannot be written"), "{stderr}");
    let after: Vec<_> = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "nothing written to the index folder");
}
