//! Plain text, including the seed article's layout (title, date, byline, source lines).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trove_fuzz::read_as("doc.txt", data));
