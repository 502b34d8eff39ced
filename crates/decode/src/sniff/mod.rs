//! From bytes to text, and from text to a format.
//!
//! Owns: the refusals that apply to every format (size, binary, encoding, blank), the XML
//! prolog checks (entity declarations are refused here, before any XML parser sees the file),
//! and picking the decoder by content.
//! Must not: decode items, or look at anything but the bytes (no file names, no MIME types).
//!
//! Layout: `charset` turns bytes into text (size, binary and encoding refusals); `format`
//! tells the text's format apart (the XML prolog checks among them).

mod charset;
mod format;

pub(crate) use charset::{check_size, human_size, to_text};
pub(crate) use format::{Sniffed, is_email, sniff_text};
