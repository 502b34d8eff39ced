//! stub
use crate::{DecodeError, Decoded, Format};
pub(crate) fn decode(_text: &str, _format: Format) -> Result<Decoded, DecodeError> {
    Err(DecodeError::Refused {
        format: Format::Iptc7901,
        reason: "not supported yet".into(),
    })
}
