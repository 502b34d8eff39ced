//! stub
use crate::{DecodeError, Decoded, Format};
pub(crate) fn decode(_value: serde_json::Value) -> Result<Decoded, DecodeError> {
    Err(DecodeError::Refused {
        format: Format::DigitalWires,
        reason: "not supported yet".into(),
    })
}
