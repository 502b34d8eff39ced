//! stub
use crate::{DecodeError, Decoded, Format};
pub(crate) fn decode(_text: &str) -> Result<Decoded, DecodeError> {
    Err(DecodeError::Refused {
        format: Format::Newsml1,
        reason: "not supported yet".into(),
    })
}
