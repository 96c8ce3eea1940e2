//! Dates as documents give them, and periods as `--since`/`date:` take them.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(ts) = trove::date::parse_date(text) {
        // Whatever parses prints, and what prints parses back to the same day.
        let day = trove::date::format_day(ts);
        assert!(trove::date::parse_date(&day).is_some(), "{text:?} -> {day}");
    }
    let _ = trove::date::parse_period(text);
});
