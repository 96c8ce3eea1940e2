//! PDF, Word, OpenDocument and EPUB files made by real producers (pandoc, pdfTeX,
//! XeTeX, LibreOffice, qpdf: `scripts/make-doc-fixtures.sh`), and archives of them:
//! what was put in comes out; damaged and hostile files fail alone, named.

mod common;

use std::io::Write;
use std::path::Path;

use common::{stderr, stdout, TestEnv};
use serde_json::Value;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents")
}

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).expect("expected.json");
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

/// The words of `s`, one space apart, with TeX's and Word's typographic quotes as the
/// plain ones the articles have (`Trump's` is set as `Trump’s`).
fn words(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
}

/// The fixtures trove reads (all of them).
fn readable(name: &str) -> bool {
    [".docx", ".dotx", ".odt", ".ott", ".epub", ".pdf"]
        .iter()
        .any(|e| name.ends_with(e))
}

#[test]
fn each_document_gives_what_was_put_in() {
    let env = TestEnv::new();
    let mut checked = 0;
    for (name, want) in expected() {
        if !readable(&name) {
            continue;
        }
        let path = fixtures().join(&name);
        let (docs, code) = env.parse_json(&[path.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}");
        assert_eq!(docs.len(), 1, "{name}");
        let doc = &docs[0];
        assert_eq!(doc["title"], want["title"], "{name}: title");
        assert_eq!(doc["author"], want["author"], "{name}: author");
        let date = doc["date"].as_str().unwrap_or_default();
        assert_eq!(
            &date[..date.len().min(10)],
            want["date"].as_str().unwrap(),
            "{name}: date"
        );
        let body = words(doc["body"].as_str().unwrap());
        let first = words(want["first_words"].as_str().unwrap());
        assert!(
            body.starts_with(&first),
            "{name}: the body starts with the text put in, not the title block: {:?}",
            &body[..body.len().min(200)]
        );
        let format = doc["format"].as_str().unwrap();
        assert!(
            name.contains(&format!(".{format}"))
                || (format == "docx" && name.ends_with(".dotx"))
                || (format == "odt" && name.ends_with(".ott")),
            "{name}: {format}"
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} fixtures checked");
}

fn body_of(env: &TestEnv, name: &str) -> String {
    let path = fixtures().join(name);
    let (docs, code) = env.parse_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{name}");
    words(docs[0]["body"].as_str().unwrap())
}

#[test]
fn pdf_columns_are_read_in_order_and_running_lines_left_out() {
    let env = TestEnv::new();
    // Two columns: the left one whole, then the right one.
    let body = body_of(&env, "twocolumn.pdflatex.pdf");
    let at = |s: &str| {
        body.find(s)
            .unwrap_or_else(|| panic!("{s:?} not in {:?}", &body[..body.len().min(600)]))
    };
    assert!(
        at("Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn")
            < at("stake in AOL Europe as a loss on the value of that stake.")
    );
    assert!(
        at("stake in AOL Europe as a loss on the value of that stake.")
            < at("Microsoft is working on a new version of its Internet Explorer web browser.")
    );
    // Running heads ("BBC News digest <section>") and "Page N" footers are not text.
    let path = fixtures().join("headers.pdflatex.pdf");
    let (docs, _) = env.parse_json(&[path.to_str().unwrap()]);
    let raw = docs[0]["body"].as_str().unwrap();
    for line in raw.lines() {
        assert!(!line.contains("BBC News digest"), "{line:?}");
        assert!(!line.trim().starts_with("Page "), "{line:?}");
    }
    let body = words(raw);
    for story in [
        "Quarterly profits at US media giant",
        "Microsoft is working on a new version",
        "World and Commonwealth 100m champion",
    ] {
        assert!(body.contains(story), "{story}");
    }
}

#[test]
fn encrypted_scanned_and_hostile_pdfs() {
    let env = TestEnv::new();
    let hostile = fixtures().join("hostile");
    for name in [
        "user-password.pdf",
        "owner-aes128.pdf",
        "owner-rc4.pdf",
        "scan.pdf",
    ] {
        env.write(
            &format!("p/{name}"),
            std::fs::read(hostile.join(name)).unwrap(),
        );
    }
    let seed = std::fs::read(fixtures().join("seed.pdflatex.pdf")).unwrap();
    env.write("p/truncated.pdf", &seed[..seed.len() / 2]);
    env.write("p/not-really.pdf", "%PDF-1.7\nnothing else here\n");
    let mut broken_xref = seed.clone();
    let at = broken_xref
        .windows(9)
        .rposition(|w| w == b"startxref")
        .unwrap();
    broken_xref.truncate(at);
    broken_xref.extend_from_slice(b"startxref\n999999999\n%%EOF\n");
    env.write("p/broken-xref.pdf", broken_xref);
    // Objects nested 100,000 deep: a reader that recurses would overflow its stack.
    let deep = format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Nest {}1{} >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    env.write("p/deep.pdf", deep);
    env.write("p/fine.txt", "Fine text\n\nbody\n");

    let out = env.index(&["-v", "p"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    // Skipped with their reasons.
    assert!(
        err.contains("user-password.pdf") && err.contains("password"),
        "{err}"
    );
    assert!(
        err.contains("scan.pdf") && err.contains("text layer"),
        "{err}"
    );
    // Bad files, named; the rest of the batch indexed.
    for name in ["truncated.pdf", "not-really.pdf", "deep.pdf"] {
        assert!(err.contains(name), "{name}: {err}");
    }
    assert!(err.contains("nested more than"), "{err}");
    let (hits, _) = env.search_json(&["--fields", "title,path", "--limit", "100", "*"]);
    let titled = |file: &str, title: &str| {
        hits.iter()
            .any(|h| h["path"].as_str().unwrap().ends_with(file) && h["title"] == title)
    };
    let seed_title = "Data firm CEO: Reached out to WikiLeaks about Clinton emails";
    // Encrypted with an owner password only: read as any reader opens them.
    assert!(
        titled("owner-aes128.pdf", "Ad sales boost Time Warner profit"),
        "{hits:?}"
    );
    assert!(
        titled("owner-rc4.pdf", "Ad sales boost Time Warner profit"),
        "{hits:?}"
    );
    assert!(hits
        .iter()
        .any(|h| h["path"].as_str().unwrap().ends_with("fine.txt")));
    // A broken cross-reference table is rebuilt, or the file is named as bad.
    assert!(
        titled("broken-xref.pdf", seed_title) || err.contains("broken-xref.pdf"),
        "{err}"
    );
}

/// A PDF that runs over its time limit (made 1 ms by the debug builds' test hook) is a
/// bad file, named, and the batch goes on.
#[test]
fn a_pdf_over_its_time_limit_is_a_bad_file() {
    let env = TestEnv::new();
    env.write(
        "slow/long.pdf",
        std::fs::read(fixtures().join("headers.pdflatex.pdf")).unwrap(),
    );
    env.write("slow/fine.txt", "Fine text\n\nbody\n");
    let out = env
        .trove()
        .args(["index", "slow"])
        .env("TROVE_TEST_PDF_LIMIT_MS", "1")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("long.pdf") && err.contains("took longer than 1 ms"),
        "{err}"
    );
    assert_eq!(env.count_all(), 1);
}

/// LibreOffice's style templates (`share/template/common/styles/*.ott`) hold styles and
/// metadata and no content.xml: a document with a title and no text, not a bad file.
#[test]
fn a_styles_only_template_is_a_document_without_text() {
    let env = TestEnv::new();
    let meta = r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta><meta:creation-date>2020-05-02T19:07:06</meta:creation-date><dc:title>Schlicht – Vorlage</dc:title></office:meta></office:document-meta>"#;
    let part = |name: &str, text: &str| (name.to_string(), text.as_bytes().to_vec());
    let template = zip_of(&[
        part(
            "mimetype",
            "application/vnd.oasis.opendocument.text-template",
        ),
        part("meta.xml", meta),
        part("styles.xml", "<office:document-styles/>"),
    ]);
    let path = env.write("t/Simple.ott", template);
    let (docs, code) = env.parse_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(docs[0]["title"], "Schlicht – Vorlage");
    assert_eq!(docs[0]["body"], "");
    // Neither text nor styles: not an OpenDocument file, said so.
    let broken = zip_of(&[
        part("mimetype", "application/vnd.oasis.opendocument.text"),
        part("meta.xml", meta),
    ]);
    let path = env.write("t/broken.odt", broken);
    let out = env.run(&["parse", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no content.xml"), "{}", stderr(&out));
}

#[test]
fn a_damaged_document_is_a_bad_file_not_a_crash() {
    let env = TestEnv::new();
    let whole = std::fs::read(fixtures().join("seed.pandoc.docx")).unwrap();
    env.write("docs/truncated.docx", &whole[..whole.len() / 2]);
    env.write("docs/garbage.odt", "PK\u{3}\u{4} not really a zip at all");
    env.write("docs/ok.txt", "Fine text\n\nbody\n");
    let out = env.index(&["docs"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("truncated.docx"), "{err}");
    assert!(err.contains("garbage.odt"), "{err}");
    assert_eq!(env.count_all(), 1);
}

fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn tar_gz_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, &bytes[..]).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

/// (title, body) of every document in the index, sorted (the same article from two
/// producers is there twice).
fn contents(env: &TestEnv, index: &str) -> Vec<(String, String)> {
    let out = env.run(&["--index", index, "export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut all: Vec<(String, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["title"].as_str().unwrap().to_string(),
                words(v["body"].as_str().unwrap()),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn archives_index_what_their_loose_files_do_and_follow_their_changes() {
    let env = TestEnv::new();
    let names: Vec<String> = expected()
        .keys()
        .filter(|n| readable(n))
        .take(8)
        .cloned()
        .collect();
    let files: Vec<(String, Vec<u8>)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let inner = format!("dir{}/{n}", i % 2);
            (inner, std::fs::read(fixtures().join(n)).unwrap())
        })
        .collect();
    for (name, bytes) in &files {
        env.write(&format!("loose/{name}"), bytes);
    }
    env.write("a/docs.zip", zip_of(&files));
    env.write("t/docs.tar.gz", tar_gz_of(&files));
    for (index, path) in [("il", "loose"), ("iz", "a"), ("it", "t")] {
        let out = env.run(&["--index", index, "index", "-q", path]);
        assert_eq!(out.status.code(), Some(0), "{path}: {}", stderr(&out));
    }
    let loose = contents(&env, "il");
    assert_eq!(loose.len(), files.len());
    assert_eq!(
        contents(&env, "iz"),
        loose,
        "the zip gives the loose files' documents"
    );
    assert_eq!(
        contents(&env, "it"),
        loose,
        "the tar.gz gives the loose files' documents"
    );

    // Shown and searchable by their path inside the archive.
    let (hits, _) = env.search_json(&["--index", "iz", "--fields", "path", "--limit", "100", "*"]);
    let paths: Vec<&str> = hits.iter().map(|h| h["path"].as_str().unwrap()).collect();
    assert!(
        paths.iter().all(|p| p.contains("/a/docs.zip/dir")),
        "{paths:?}"
    );

    // Nothing changed: nothing read.
    let out = env.run(&["--index", "iz", "index", "--json", "a"]);
    let summary: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(summary["files"], 0);
    assert_eq!(summary["unchanged"], 1);

    // A member removed from the archive leaves the index.
    env.write("a/docs.zip", zip_of(&files[1..]));
    let out = env.run(&["--index", "iz", "index", "--json", "a"]);
    let summary: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(summary["deleted"], 1, "{summary}");
    assert_eq!(summary["total_documents"], files.len() - 1);
}

#[test]
fn hostile_archives_are_bounded_and_never_climb_out() {
    let env = TestEnv::new();
    // A bomb: 40 MB of zeros deflate to a few tens of kilobytes.
    let bomb = zip_of(&[
        ("zeros.txt".to_string(), vec![b'0'; 40 << 20]),
        (
            "fine.txt".to_string(),
            b"Fine member text\n\nbody\n".to_vec(),
        ),
    ]);
    env.write("b/bomb.zip", bomb);
    // A tar whose names climb out and whose links point out.
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_old();
    let body = b"Escaped name text\n\nbody\n";
    {
        let name = b"../../escape.txt";
        header.as_old_mut().name[..name.len()].copy_from_slice(name);
    }
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append(&header, &body[..]).unwrap();
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    link.set_link_name("/etc/passwd").unwrap();
    link.set_cksum();
    tar.append_data(&mut link, "passwd-link", &[][..]).unwrap();
    env.write("b/climb.tar", tar.into_inner().unwrap());
    // An archive nested four deep: read to the documented depth.
    let mut nested = zip_of(&[("deep.txt".to_string(), b"Deep text\n\nbody\n".to_vec())]);
    for level in 0..3 {
        nested = zip_of(&[(format!("level{level}.zip"), nested)]);
    }
    env.write("b/nested.zip", nested);

    let out = env.index(&["-v", "b"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("zeros.txt") && err.contains("bomb"), "{err}");
    assert!(err.contains("passwd-link") && err.contains("link"), "{err}");
    assert!(err.contains("nested more than"), "{err}");
    let (hits, _) = env.search_json(&["--fields", "title,path", "--limit", "100", "*"]);
    let paths: Vec<&str> = hits.iter().map(|h| h["path"].as_str().unwrap()).collect();
    assert!(
        paths.iter().any(|p| p.ends_with("b/bomb.zip/fine.txt")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.ends_with("b/climb.tar/escape.txt")),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.contains("..")), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("deep.txt")), "{paths:?}");
    assert!(!env.path("escape.txt").exists() && !env.path("b/escape.txt").exists());
}
