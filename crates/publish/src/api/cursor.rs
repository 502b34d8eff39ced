//! The API's opaque cursors, with check bytes: the list's keyset cursors (a live time and a
//! story id) and the search's page cursors (`SearchCursor`).
//! Must not: be treated as a secret or an authorization; the check only makes sure the API
//! reads back exactly what it gave out.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use wiredesk_index::MatchMode;
use wiredesk_model::StoryId;

/// Mixed into each cursor's check bytes. A cursor is not secret (it holds a time and a public
/// story id); the check only makes sure the API reads back exactly what it gave out.
pub(super) const CURSOR_CHECK_KEY: &[u8] = b"wiredesk /api/v1 cursor v1";
pub(super) const CURSOR_CHECK_LEN: usize = 8;

pub(super) fn cursor_check(payload: &[u8]) -> [u8; CURSOR_CHECK_LEN] {
    let digest = Sha256::new()
        .chain_update(CURSOR_CHECK_KEY)
        .chain_update(payload)
        .finalize();
    let mut check = [0u8; CURSOR_CHECK_LEN];
    check.copy_from_slice(&digest[..CURSOR_CHECK_LEN]);
    check
}

/// A payload made a cursor: base64url of it and its check bytes.
fn seal(mut bytes: Vec<u8>) -> String {
    let check = cursor_check(&bytes);
    bytes.extend_from_slice(&check);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The payload of a cursor this API gave out; `None` for any other string.
fn open(raw: &str) -> Option<String> {
    if raw.len() > 200 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let split = bytes.len().checked_sub(CURSOR_CHECK_LEN)?;
    let (payload, check) = bytes.split_at(split);
    if cursor_check(payload) != check {
        return None;
    }
    String::from_utf8(payload.to_vec()).ok()
}

/// The opaque cursor for "after this story": base64url of `<microseconds>.<story id>` and
/// check bytes.
pub(crate) fn encode_cursor(live: Timestamp, id: &StoryId) -> String {
    seal(format!("{}.{}", live.as_microsecond(), id).into_bytes())
}

pub(crate) fn decode_cursor(raw: &str) -> Option<(Timestamp, StoryId)> {
    parse_payload(&open(raw)?)
}

/// A `before` cursor of the HTML pages: the same cursor as the API's, or, so that links
/// given out before the pages used it keep working, its bare `<microseconds>.<story id>`.
pub(crate) fn decode_page_cursor(raw: &str) -> Option<(Timestamp, StoryId)> {
    decode_cursor(raw).or_else(|| parse_payload(raw))
}

fn parse_payload(payload: &str) -> Option<(Timestamp, StoryId)> {
    let (t, id) = payload.split_once('.')?;
    let t = Timestamp::from_microsecond(t.parse().ok()?).ok()?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| (t, StoryId(id.to_string())))
}

/// Where a later page of `/api/v1/search` starts, and what keeps it the same search: the
/// stage and the moment the first page was ranked in, and a fingerprint of the query and
/// filters it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SearchCursor {
    pub(crate) offset: usize,
    pub(crate) mode: MatchMode,
    pub(crate) ranked_at: Timestamp,
    pub(crate) query: u64,
}

fn mode_code(mode: MatchMode) -> char {
    match mode {
        MatchMode::Exact => 'e',
        MatchMode::Typos => 't',
        MatchMode::AnyWord => 'a',
        MatchMode::Browse => 'b',
    }
}

fn mode_of(code: &str) -> Option<MatchMode> {
    Some(match code {
        "e" => MatchMode::Exact,
        "t" => MatchMode::Typos,
        "a" => MatchMode::AnyWord,
        "b" => MatchMode::Browse,
        _ => return None,
    })
}

/// The opaque search cursor: base64url of `s1.<offset>.<stage>.<seconds>.<fingerprint>` and
/// check bytes. Never read as a list cursor (its payload does not start with a time).
pub(crate) fn encode_search_cursor(c: &SearchCursor) -> String {
    seal(
        format!(
            "s1.{}.{}.{}.{:016x}",
            c.offset,
            mode_code(c.mode),
            c.ranked_at.as_second(),
            c.query
        )
        .into_bytes(),
    )
}

pub(crate) fn decode_search_cursor(raw: &str) -> Option<SearchCursor> {
    let payload = open(raw)?;
    let mut parts = payload.split('.');
    if parts.next()? != "s1" {
        return None;
    }
    let offset = parts.next()?.parse().ok()?;
    let mode = mode_of(parts.next()?)?;
    let ranked_at = Timestamp::from_second(parts.next()?.parse().ok()?).ok()?;
    let query = u64::from_str_radix(parts.next()?, 16).ok()?;
    parts.next().is_none().then_some(SearchCursor {
        offset,
        mode,
        ranked_at,
        query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_cursor_reads_back_and_is_never_a_list_cursor() {
        let c = SearchCursor {
            offset: 40,
            mode: MatchMode::Typos,
            ranked_at: Timestamp::from_second(1_795_000_000).unwrap(),
            query: 0x0123_4567_89ab_cdef,
        };
        let raw = encode_search_cursor(&c);
        assert_eq!(decode_search_cursor(&raw), Some(c.clone()));
        assert_eq!(decode_cursor(&raw), None);
        assert_eq!(decode_page_cursor(&raw), None);
        let list = encode_cursor(c.ranked_at, &StoryId("0123456789abcdef".into()));
        assert_eq!(decode_search_cursor(&list), None);
        for i in 0..raw.len() {
            let mut bytes = raw.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).unwrap();
            assert_eq!(decode_search_cursor(&tampered), None, "{tampered}");
        }
        for mode in [MatchMode::Exact, MatchMode::AnyWord, MatchMode::Browse] {
            let c = SearchCursor { mode, ..c.clone() };
            assert_eq!(decode_search_cursor(&encode_search_cursor(&c)), Some(c));
        }
        assert_eq!(decode_search_cursor(""), None);
        assert_eq!(decode_search_cursor("not a cursor"), None);
    }

    #[test]
    fn a_cursor_reads_back_as_given_and_a_changed_one_does_not() {
        let t = Timestamp::from_microsecond(1_795_000_000_123_456).unwrap();
        let id = StoryId("0123456789abcdef".into());
        let cursor = encode_cursor(t, &id);
        assert_eq!(decode_cursor(&cursor), Some((t, id.clone())));
        assert!(
            cursor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        // Change one character anywhere: the check no longer matches.
        for i in 0..cursor.len() {
            let mut bytes = cursor.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).unwrap();
            assert_eq!(decode_cursor(&tampered), None, "{tampered}");
        }
        // The plain form the API used to give out is not a cursor any more.
        assert_eq!(decode_cursor("1795000000123456.0123456789abcdef"), None);
        assert_eq!(decode_cursor(""), None);
    }

    #[test]
    fn the_pages_read_their_cursor_and_the_old_bare_form() {
        let t = Timestamp::from_microsecond(1_795_000_000_123_456).unwrap();
        let id = StoryId("0123456789abcdef".into());
        let want = Some((t, id.clone()));
        assert_eq!(decode_page_cursor(&encode_cursor(t, &id)), want);
        assert_eq!(
            decode_page_cursor("1795000000123456.0123456789abcdef"),
            want
        );
        assert_eq!(decode_page_cursor("1795000000123456.xyz"), None);
        assert_eq!(decode_page_cursor("soon.0123"), None);
        assert_eq!(decode_page_cursor(""), None);
    }
}
