//! A second, lenient reading of a raw header for what mailers get wrong: raw 8-bit bytes
//! where RFC 2047 wants an encoded word (read as UTF-8 when they are, else windows-1252), and
//! encoded words with raw 8-bit bytes inside (`=?windows-1252?Q?TravTalk’s_Special?=`, the
//! `’` sent as UTF-8): the escapes are read in the word's charset, the raw bytes as themselves.

use std::borrow::Cow;

use encoding_rs::Encoding;

/// The header's value as text, folding undone and encoded words decoded where they can be.
pub(crate) fn header(raw: &[u8]) -> String {
    let unfolded: Vec<u8> = raw
        .iter()
        .copied()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect();
    let mut out = String::new();
    let mut rest = &unfolded[..];
    let mut space: &[u8] = &[];
    let mut after_word = false;
    while !rest.is_empty() {
        let blanks = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if blanks > 0 {
            (space, rest) = rest.split_at(blanks);
            continue;
        }
        match encoded_word(rest) {
            Some((text, len)) => {
                // Blanks between two encoded words are not part of the text (RFC 2047, 6.2).
                if !after_word {
                    out.push_str(&as_text(space));
                }
                out.push_str(&text);
                rest = &rest[len..];
                after_word = true;
            }
            None => {
                out.push_str(&as_text(space));
                let run = rest.iter().take_while(|b| !b.is_ascii_whitespace()).count();
                out.push_str(&as_text(&rest[..run]));
                rest = &rest[run..];
                after_word = false;
            }
        }
        space = &[];
    }
    out.push_str(&as_text(space));
    out
}

/// Bytes outside any encoded word: UTF-8 when they are, else windows-1252.
fn as_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// `=?charset?Q|B?text?=` at the start of `bytes`: its text and its length.
fn encoded_word(bytes: &[u8]) -> Option<(String, usize)> {
    let inner = bytes.strip_prefix(b"=?")?;
    let q1 = memchr::memchr(b'?', inner)?;
    let charset = std::str::from_utf8(&inner[..q1]).ok()?;
    // RFC 2231 adds a language after `*`.
    let charset = charset.split('*').next().unwrap_or(charset);
    let after = &inner[q1 + 1..];
    let (&enc, after) = after.split_first()?;
    let text = after.strip_prefix(b"?")?;
    let end = memchr::memmem::find(text, b"?=")?;
    let encoded = &text[..end];
    if encoded.contains(&b' ') {
        return None;
    }
    let encoding = Encoding::for_label(charset.trim().as_bytes()).unwrap_or(encoding_rs::UTF_8);
    let decoded = match enc.to_ascii_uppercase() {
        b'Q' => q_decode(encoded, encoding),
        b'B' => {
            let bytes = base64(encoded)?;
            encoding.decode_without_bom_handling(&bytes).0.into_owned()
        }
        _ => return None,
    };
    Some((decoded, 2 + q1 + 3 + end + 2))
}

/// Q encoding: `_` a space, `=XX` a byte in the word's charset; raw 8-bit bytes, which the
/// encoding forbids, are read as themselves (`as_text`) rather than in the charset.
fn q_decode(encoded: &[u8], encoding: &'static Encoding) -> String {
    let mut out = String::new();
    let mut escaped = Vec::new();
    let mut raw = Vec::new();
    let flush = |escaped: &mut Vec<u8>, raw: &mut Vec<u8>, out: &mut String| {
        if !escaped.is_empty() {
            out.push_str(&encoding.decode_without_bom_handling(escaped).0);
            escaped.clear();
        }
        if !raw.is_empty() {
            out.push_str(&as_text(raw));
            raw.clear();
        }
    };
    let mut i = 0;
    while i < encoded.len() {
        let b = encoded[i];
        match b {
            b'=' if hex_pair(&encoded[i + 1..]).is_some() => {
                if !raw.is_empty() {
                    flush(&mut escaped, &mut raw, &mut out);
                }
                escaped.extend(hex_pair(&encoded[i + 1..]));
                i += 3;
                continue;
            }
            b if b >= 0x80 => {
                if !escaped.is_empty() {
                    flush(&mut escaped, &mut raw, &mut out);
                }
                raw.push(b);
            }
            _ => {
                if !raw.is_empty() {
                    flush(&mut escaped, &mut raw, &mut out);
                }
                escaped.push(if b == b'_' { b' ' } else { b });
            }
        }
        i += 1;
    }
    flush(&mut escaped, &mut raw, &mut out);
    out
}

fn hex_pair(bytes: &[u8]) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    match bytes {
        [h, l, ..] => Some((digit(*h)? * 16 + digit(*l)?) as u8),
        _ => None,
    }
}

/// Standard base64, padding optional; anything else is not an encoded word.
fn base64(text: &[u8]) -> Option<Vec<u8>> {
    let value = |b: u8| -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text
        .strip_suffix(b"==")
        .or(text.strip_suffix(b"="))
        .unwrap_or(text);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            n |= value(*b)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&bytes[1..3]),
            2 => out.push(bytes[1]),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_utf8_inside_a_windows_1252_word_is_read_as_utf8() {
        assert_eq!(
            header(" =?windows-1252?Q?TravTalk’s_Special_for_TAAI_convention?=".as_bytes()),
            " TravTalk’s Special for TAAI convention"
        );
        assert_eq!(header(b"=?windows-1252?Q?caf=E9_=93ok=94?="), "café “ok”");
    }

    #[test]
    fn words_side_by_side_join_and_plain_text_keeps_its_spaces() {
        assert_eq!(
            header(b"=?utf-8?B?R29vZ2xl?= =?utf-8?Q?_Apps?= News"),
            "Google Apps News"
        );
        assert_eq!(header(b"Plain \xe9t\xe9 words"), "Plain été words");
        assert_eq!(header(b"=?unknown?Q?x?= y =?broken"), "x y =?broken");
        assert_eq!(base64(b"QQ"), Some(b"A".to_vec()));
        assert_eq!(base64(b"Q"), None);
    }
}
