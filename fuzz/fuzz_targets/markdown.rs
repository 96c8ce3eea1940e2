//! Markdown with YAML or TOML front matter.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trove_fuzz::read_as("2019-07-08-post.md", data));
