//! Decoded items on to stories: datelines, sanitizing, summaries, filing notes and embargo
//! notices, with arbitrary copy.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiredesk_normalize::{NormalizeContext, to_story};

fuzz_target!(|bytes: &[u8]| {
    let Ok(decoded) = wiredesk_decode::decode(bytes) else {
        return;
    };
    let tz = jiff::tz::TimeZone::UTC;
    let agencies = wiredesk_model::Agencies::default();
    let ctx = NormalizeContext {
        received: jiff::Timestamp::from_second(1_795_845_600).unwrap(),
        time_zone: &tz,
        default_agency: "Wire",
        agencies: &agencies,
        summary_chars: 240,
    };
    for item in decoded.items {
        let _ = to_story(item, &ctx);
    }
});
