//! HTML pages: metadata (meta, Open Graph, JSON-LD), readability, charsets.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trove_fuzz::read_as("page.html", data));
