//! E-mail: one message (.eml, Usenet posts sniffed without an extension) or an mbox.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let name = match which % 3 {
        0 => "message.eml",
        1 => "archive.mbox",
        _ => "12345",
    };
    trove_fuzz::read_as(name, rest);
});
