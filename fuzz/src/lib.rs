//! What the fuzz targets share: reading fuzzer bytes as a file of a given name through
//! trove's own ingest path (sniffing, decoding, parsing), and a small index to query.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use trove::ingest::{self, Item};
use trove::{index_paths, IndexOptions, TroveIndex};

fn scratch() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

/// Reads `data` as a file called `name`, the way `trove index` would, and checks what
/// comes out: every document has an id.
pub fn read_as(name: &str, data: &[u8]) {
    let path: PathBuf = scratch().path().join(name);
    let mut file = std::fs::File::create(&path).expect("scratch file");
    file.write_all(data).expect("write scratch file");
    drop(file);
    let _ = ingest::read_file(&path, &mut |item| {
        if let Item::Doc { article, .. } = item {
            assert!(!article.id.is_empty(), "a document without an id");
        }
    });
}

/// An index of a few real-looking documents, built once per fuzzing process.
pub fn index() -> &'static TroveIndex {
    static INDEX: OnceLock<TroveIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = scratch().path().join("corpus");
        std::fs::create_dir_all(&dir).expect("corpus dir");
        let docs = [
            ("a.txt", "Data firm CEO: Reached out to WikiLeaks\n\nNovember 11, 2017\n\nby Chad Day\n\nCambridge Analytica said the approach was in early June 2016."),
            ("b.md", "---\ntitle: Oil prices fall\ndate: 1987-03-02\ntags: [oil, markets]\n---\nOil prices fell sharply on Monday in New York."),
            ("c.jsonl", "{\"id\":\"r1\",\"title\":\"Stem cells\",\"text\":\"Stem cells and gene expression.\",\"date\":\"2004-05-06\",\"author\":\"Jane Roe\"}\n{\"id\":\"r2\",\"title\":\"Prime minister\",\"text\":\"The prime minister spoke about interest rates.\",\"url\":\"https://example.com/pm\"}"),
        ];
        for (name, text) in docs {
            std::fs::write(dir.join(name), text).expect("corpus file");
        }
        let index_dir = scratch().path().join("index");
        let mut opts = IndexOptions::new(index_dir.clone(), vec![dir]);
        opts.threads = 1;
        opts.writer_threads = 1;
        opts.memory = 32 * 1024 * 1024;
        index_paths(&opts, &mut |_| {}).expect("index the fuzz corpus");
        TroveIndex::open(&index_dir).expect("open the fuzz index")
    })
}
