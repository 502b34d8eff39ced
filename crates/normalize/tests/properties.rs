//! Properties that must hold for any input, however hostile: the normalizer runs on every
//! delivery unattended, so a panic or a leaked script is never acceptable.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use proptest::prelude::*;
use wiredesk_model::WireBody;
use wiredesk_model::text::html_to_text;
use wiredesk_normalize::{body_to_html, clean_abstract, find_dateline, summarize};

fn received() -> Timestamp {
    "2026-01-16T04:30:00Z".parse().unwrap()
}

/// Copy made of plain words, so "a word" is well defined: what the cut must not split.
fn words_copy() -> impl Strategy<Value = Vec<String>> {
    let word = "[a-z]{1,12}";
    let sentence = (
        prop::collection::vec(word, 1..15),
        prop::sample::select(vec![".", "!", "?", ",", ""]),
    )
        .prop_map(|(ws, end)| format!("{}{end}", ws.join(" ")));
    prop::collection::vec(
        prop::collection::vec(sentence, 1..5).prop_map(|s| s.join(" ")),
        1..4,
    )
}

/// Fragments of markup that sanitizers have historically mishandled, mixed with noise.
fn hostile_html() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<script>alert(1)</script>",
        "<scr<script>ipt>",
        "<SCRIPT SRC=x>",
        "</script>",
        "<svg onload=x>",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>",
        "<a href=\"jav&#x09;ascript:x\">",
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<br>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<style>",
        "<math>",
        "<noscript>",
        "<template>",
        "<iframe>",
        "<textarea>",
        "<title>",
        "<xmp>",
        "<plaintext>",
        "\"",
        "'",
        "<",
        ">",
        "&lt;script&gt;",
        "&",
        "text",
        " ",
        "\n",
        "<b>",
        "<table>",
        "<td>",
        "<select>",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_string), any::<String>()],
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn find_dateline_never_panics_and_stays_in_bounds(s in any::<String>()) {
        if let Some((d, len)) = find_dateline(&s, received(), TimeZone::UTC) {
            prop_assert!(len <= s.len());
            prop_assert!(s.is_char_boundary(len));
            prop_assert!(!d.text.is_empty());
        }
    }

    #[test]
    fn find_dateline_on_dateline_like_text(
        place in "[A-Z][a-zA-Z]{0,10}( [A-Z]{1,8})?",
        day in 0u8..40,
        month in prop::sample::select(vec!["Jan", "Feb.", "March", "Sept.", "Dec", "Foo"]),
        agency in "[A-Za-z]{1,8}",
        rest in any::<String>(),
    ) {
        let s = format!("{place}, {month} {day} ({agency}) - {rest}");
        if let Some((d, len)) = find_dateline(&s, received(), TimeZone::UTC) {
            prop_assert!(s.is_char_boundary(len));
            if let Some(date) = d.date {
                // Never in the future (one day of slack).
                prop_assert!(date <= jiff::civil::date(2026, 1, 17));
            }
        }
    }

    #[test]
    fn body_to_html_never_panics_or_leaks_script(s in hostile_html()) {
        // Text that merely reads "javascript:" is harmless once escaped; inside a tag it is not.
        let handler = regex::Regex::new(r"<[^>]*\son[a-z]+\s*=").unwrap();
        let js_url = regex::Regex::new(r"<[^>]*javascript:").unwrap();
        for body in [WireBody::Html(s.clone()), WireBody::Text(s.clone())] {
            let out = body_to_html(&body).to_lowercase();
            prop_assert!(!out.contains("<script"), "{out}");
            prop_assert!(!js_url.is_match(&out), "{out}");
            prop_assert!(!handler.is_match(&out), "event handler attribute in {out}");
        }
        let _ = html_to_text(&s);
    }

    #[test]
    fn body_to_html_on_arbitrary_unicode(s in any::<String>()) {
        let out = body_to_html(&WireBody::Html(s.clone()));
        prop_assert!(!out.to_lowercase().contains("<script"));
        let _ = body_to_html(&WireBody::Text(s));
    }

    #[test]
    fn summarize_never_panics_or_overruns(
        paras in prop::collection::vec(any::<String>(), 0..5),
        dateline_len in 0usize..64,
        max in 0usize..300,
    ) {
        let out = summarize(&paras, dateline_len, max);
        prop_assert!(out.chars().count() <= max + 1);
        let abs = clean_abstract(&paras.join("\n\n"), max);
        prop_assert!(abs.chars().count() <= max + 1);
    }

    #[test]
    fn summarize_never_ends_mid_word(paras in words_copy(), max in 1usize..200) {
        let out = summarize(&paras, 0, max);
        prop_assert!(out.chars().count() <= max + 1);
        let all = paras.join(" ");
        let longest_word = all.split_whitespace().map(|w| w.chars().count()).max().unwrap_or(0);
        let kept = out.strip_suffix('…').unwrap_or(&out);
        // A short unpunctuated leading paragraph is a kicker and may be passed over, so the
        // summary starts at some paragraph; from there it is verbatim.
        let joined = (0..paras.len())
            .map(|k| paras[k..].join(" "))
            .find(|j| j.starts_with(kept))
            .unwrap_or_default();
        prop_assert!(joined.starts_with(kept), "{kept:?} is not verbatim from {paras:?}");
        let next = joined[kept.len()..].chars().next();
        if longest_word <= max || !out.ends_with('…') {
            prop_assert!(
                next.is_none_or(|c| !c.is_alphanumeric()),
                "cut mid-word: {out:?} from {joined:?}"
            );
        }
    }
}

proptest! {
    /// Any opening lines, hostile or not: an embargo notice is read or ignored, never a panic,
    /// and a notice it reads is never more than a year and a day from the copy's arrival.
    #[test]
    fn embargo_notices_never_panic_and_stay_near_arrival(
        head in "(EMBARGO(ED)?( until| till|:)? )?[0-9: ]{0,8}(GMT|IST|ET|am|pm)? ?[A-Za-z0-9 ,]{0,30}",
        body in "\\PC{0,200}",
    ) {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        if let Some(at) = wiredesk_normalize::embargo_in_copy(&head, &body, received(), &tz) {
            let gap = (at - received()).as_secs().abs();
            prop_assert!(gap <= 367 * 86_400, "{head:?} -> {at}");
        }
        let _ = wiredesk_normalize::strip_resend_notes(&head);
    }
}
