//! A JSON array of a million records is streamed, record by record, never loaded whole.
//! Alone in its test binary, so the process's peak memory is this test's.

use std::io::Write;

use trove::ingest::{self, FileOutcome, Item};

/// Peak resident memory of this process so far, in bytes (Linux), else `None`.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn a_million_record_json_array_is_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.json");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    out.write_all(b"[\n").unwrap();
    const N: usize = 1_000_000;
    for i in 0..N {
        let sep = if i + 1 == N { "" } else { "," };
        writeln!(
            out,
            "{{\"id\":\"r{i}\",\"title\":\"Record {i}\",\"text\":\"zebra number {i}\"}}{sep}"
        )
        .unwrap();
    }
    out.write_all(b"]\n").unwrap();
    drop(out);
    let file_bytes = std::fs::metadata(&path).unwrap().len();
    let before = peak_rss();
    let (mut docs, mut bad) = (0usize, 0usize);
    let outcome = ingest::read_file(&path, &mut |item| match item {
        Item::Doc { .. } => docs += 1,
        Item::Bad { .. } | Item::Skipped { .. } => bad += 1,
    })
    .unwrap();
    assert!(matches!(outcome, FileOutcome::Read { .. }));
    assert_eq!((docs, bad), (N, 0));
    if let (Some(before), Some(after)) = (before, peak_rss()) {
        let grew = after.saturating_sub(before);
        println!(
            "{N} records, {} MB file: peak memory grew by {} MB",
            file_bytes >> 20,
            grew >> 20
        );
        // Loaded whole, the records alone would take several times the file's size.
        assert!(
            grew < file_bytes / 2,
            "memory grew by {grew} bytes for a {file_bytes}-byte file"
        );
    }
}
