//! Every decoder, through the one entry point deliveries take: sniffing, character sets, and
//! each format's parser and adapter. A panic, a hang or runaway memory is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = wiredesk_decode::decode(bytes);
});
