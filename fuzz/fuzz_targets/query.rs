//! The query language, against a small index: lenient and strict, with filters.
#![no_main]
use trove::search::{SearchOptions, Session};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let index = trove_fuzz::index();
    let session = Session::new(index).expect("session");
    // The text is the query; its first line doubles as a --since value.
    let mut opts = SearchOptions::new(text);
    let _ = session.search(&opts);
    opts.options.strict = true;
    let _ = session.search(&opts);
    opts.options.strict = false;
    opts.options.since = text.lines().next().map(str::to_string);
    opts.options.fuzzy = Some(2);
    let _ = session.search(&opts);
});
