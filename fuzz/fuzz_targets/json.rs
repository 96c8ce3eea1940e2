//! JSON documents and arrays (streamed), and JSON Lines: the first byte picks which.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let name = if which % 2 == 0 { "records.jsonl" } else { "doc.json" };
    trove_fuzz::read_as(name, rest);
});
