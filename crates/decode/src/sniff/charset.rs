//! From bytes to text: the size limit, binary refusals, and the encoding a delivery declares
//! or, undeclared, the one legacy agency copy uses.
//! Must not: look at what the text says (that is `format`), only at how it is encoded.

use std::borrow::Cow;

use crate::{DecodeError, MAX_DELIVERY_BYTES};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// "7.2 MB" for a size, precise enough never to print the same figure as the limit it broke.
pub(crate) fn human_size(size: usize, limit: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let fmt = |n: usize| {
        let text = format!("{:.1}", n as f64 / MB);
        text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
    };
    if size != limit && fmt(size) == fmt(limit) {
        format!("{size} bytes")
    } else {
        format!("{} MB", fmt(size))
    }
}

/// The delivery as text, and a note when it had to be read in a way it did not declare.
///
/// UTF-8 (a BOM dropped); UTF-16 with a BOM, or XML in UTF-16 without one; an 8-bit encoding
/// the XML declaration or a `charset=` names (ISO-8859-1 is read as windows-1252, its superset,
/// as browsers do); and undeclared text that is not valid UTF-8 is read as windows-1252, the
/// usual encoding of legacy agency copy, with a note saying so.
pub(crate) fn to_text(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<String>), DecodeError> {
    check_size(bytes)?;
    let mut note = None;
    let text = match bytes {
        [0xFF, 0xFE, rest @ ..] => Cow::Owned(from_utf16(rest, u16::from_le_bytes)?),
        [0xFE, 0xFF, rest @ ..] => Cow::Owned(from_utf16(rest, u16::from_be_bytes)?),
        // XML in UTF-16 without a byte-order mark announces itself with `<?`.
        [b'<', 0, b'?', 0, ..] => Cow::Owned(from_utf16_at(bytes, 0, u16::from_le_bytes)?),
        [0, b'<', 0, b'?', ..] => Cow::Owned(from_utf16_at(bytes, 0, u16::from_be_bytes)?),
        _ => {
            let skip = if bytes.starts_with(UTF8_BOM) { 3 } else { 0 };
            let body = &bytes[skip..];
            if let Some(i) = memchr::memchr(0, body) {
                return Err(DecodeError::Binary {
                    offset: skip + i,
                    note: utf16_hint(body).into(),
                });
            }
            let utf8 = std::str::from_utf8(body);
            match (declared_encoding(body), utf8) {
                (Declared::Known(_), Ok(s)) if s.is_ascii() || skip == 3 => Cow::Borrowed(s),
                (Declared::Known(enc), Ok(s)) => {
                    // Declared 8-bit, but multi-byte UTF-8 sequences are what the bytes hold:
                    // the declaration is stale (a transcoding that forgot to update it).
                    note = Some(format!(
                        "the file declares {} but is valid UTF-8; read as UTF-8",
                        enc.name()
                    ));
                    Cow::Borrowed(s)
                }
                (Declared::Known(enc), Err(_)) => {
                    let (text, _) = enc.decode_without_bom_handling(body);
                    Cow::Owned(text.into_owned())
                }
                (Declared::Unknown(label), Ok(s)) => {
                    note = Some(format!(
                        "the file declares an unknown encoding {label}; read as UTF-8"
                    ));
                    Cow::Borrowed(s)
                }
                (declared, Err(e)) => {
                    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
                    note = Some(format!(
                        "not valid UTF-8 at byte {}{}; read as windows-1252",
                        skip + e.valid_up_to(),
                        match declared {
                            Declared::Unknown(label) =>
                                format!(" and the declared encoding {label} is unknown"),
                            _ => String::new(),
                        }
                    ));
                    Cow::Owned(text.into_owned())
                }
                (_, Ok(s)) => Cow::Borrowed(s),
            }
        }
    };
    if text.trim().is_empty() {
        return Err(DecodeError::Blank);
    }
    Ok((text, note))
}

/// The refusals every delivery gets before it is read at all: too large, or empty.
pub(crate) fn check_size(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.len() > MAX_DELIVERY_BYTES {
        return Err(DecodeError::TooLarge {
            size: bytes.len(),
            limit: MAX_DELIVERY_BYTES,
        });
    }
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(())
}

enum Declared {
    None,
    /// An 8-bit (or other non-UTF) encoding encoding_rs knows.
    Known(&'static encoding_rs::Encoding),
    Unknown(String),
}

/// The encoding the file names for itself: an XML declaration's `encoding`, else a `charset=`
/// near the top (an HTML meta tag, a MIME header). UTF-8 and UTF-16 labels count as none: UTF-8
/// is the default, and UTF-16 without a byte-order mark or NULs is a stale label.
fn declared_encoding(bytes: &[u8]) -> Declared {
    let head = &bytes[..bytes.len().min(1024)];
    let label = xml_declared_encoding(head).or_else(|| charset_parameter(head));
    let Some(label) = label.filter(|l| !l.is_empty()) else {
        return Declared::None;
    };
    match encoding_rs::Encoding::for_label(label.trim_ascii()) {
        Some(enc)
            if enc == encoding_rs::UTF_8
                || enc == encoding_rs::UTF_16LE
                || enc == encoding_rs::UTF_16BE =>
        {
            Declared::None
        }
        Some(enc) => Declared::Known(enc),
        None => Declared::Unknown(
            String::from_utf8_lossy(label)
                .trim()
                .chars()
                .take(40)
                .collect(),
        ),
    }
}

/// `encoding="…"` of an XML declaration that opens `head`. Works on bytes: this runs on every
/// delivery, and the head may not be valid UTF-8.
fn xml_declared_encoding(head: &[u8]) -> Option<&[u8]> {
    let decl = head.trim_ascii_start().strip_prefix(b"<?xml")?;
    let end = memchr::memmem::find(decl, b"?>")?;
    pseudo_attribute(&decl[..end], b"encoding")
}

/// The label after a `charset=` near the top (an HTML meta tag, a MIME header), any case.
fn charset_parameter(head: &[u8]) -> Option<&[u8]> {
    const KEY: &[u8] = b"charset=";
    // Anchored on the `=`, which is rarer than a `c` in English, JSON and markup alike; the
    // first `=` with "charset" before it ends the leftmost match.
    let after = memchr::memchr_iter(b'=', head)
        .map(|i| i + 1)
        .find(|&end| end >= KEY.len() && head[end - KEY.len()..end].eq_ignore_ascii_case(KEY))?;
    let rest = &head[after..];
    let start = rest
        .iter()
        .position(|b| !matches!(b, b'"' | b'\'' | b' '))
        .unwrap_or(rest.len());
    let rest = &rest[start..];
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

fn pseudo_attribute<'a>(decl: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = memchr::memmem::find(decl, name)?;
    let rest = decl[at + name.len()..]
        .trim_ascii_start()
        .strip_prefix(b"=")?;
    let rest = rest.trim_ascii_start();
    let quote = *rest.first().filter(|c| **c == b'"' || **c == b'\'')?;
    let rest = &rest[1..];
    memchr::memchr(quote, rest).map(|end| &rest[..end])
}

fn from_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    from_utf16_at(bytes, 2, unit)
}

/// `bom` is the number of bytes before `bytes` in the file (2 after a byte-order mark), so
/// offsets in messages count from the start of the file.
fn from_utf16_at(
    bytes: &[u8],
    bom: usize,
    unit: fn([u8; 2]) -> u16,
) -> Result<String, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError::InvalidUtf16 {
            reason: format!(
                "odd number of bytes ({}) after the byte-order mark; the file looks truncated",
                bytes.len() + bom
            ),
        });
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| unit([pair[0], pair[1]]))
        .collect();
    if let Some(i) = units.iter().position(|&u| u == 0) {
        return Err(DecodeError::Binary {
            offset: bom + 2 * i,
            note: String::new(),
        });
    }
    let mut out = String::with_capacity(units.len());
    let mut offset = bom;
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => {
                offset += 2 * c.len_utf16();
                out.push(c);
            }
            Err(e) => {
                return Err(DecodeError::InvalidUtf16 {
                    reason: format!(
                        "unpaired surrogate 0x{:04X} at byte {offset}",
                        e.unpaired_surrogate()
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// UTF-16 without a BOM shows as ASCII with a NUL beside every letter; say so, as that is
/// fixable at the sender, where "binary" alone would send the desk looking for an image.
fn utf16_hint(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(64)];
    let (even, odd) = head.iter().enumerate().fold((0, 0), |(e, o), (i, &b)| {
        if b == 0 {
            if i % 2 == 0 { (e + 1, o) } else { (e, o + 1) }
        } else {
            (e, o)
        }
    });
    if head.len() >= 8 && (even * 2 >= head.len() - 2 || odd * 2 >= head.len() - 2) {
        "; it looks like UTF-16 without a byte-order mark"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_shown_so_that_they_differ_from_the_limit() {
        assert_eq!(
            human_size(MAX_DELIVERY_BYTES * 36 / 25, MAX_DELIVERY_BYTES),
            "7.2 MB"
        );
        assert_eq!(
            human_size(MAX_DELIVERY_BYTES + 1, MAX_DELIVERY_BYTES),
            "5242881 bytes"
        );
        assert_eq!(human_size(MAX_DELIVERY_BYTES, MAX_DELIVERY_BYTES), "5 MB");
    }

    #[test]
    fn a_delivery_of_exactly_the_limit_is_read_and_one_byte_more_is_not() {
        let mut bytes = b"Headline\n\n".to_vec();
        bytes.resize(MAX_DELIVERY_BYTES, b'a');
        assert!(to_text(&bytes).is_ok());
        bytes.push(b'a');
        assert_eq!(
            to_text(&bytes).unwrap_err().to_string(),
            "file is 5242881 bytes; the limit is 5 MB"
        );
    }
}
