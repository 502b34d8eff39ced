//! Small readers of loosely typed fields that every JSON format (ninjs, AP Media API, dpa
//! digitalwires) needs the same way: agencies send blanks for "none" and numbers as strings.

use serde_json::Value;

/// The trimmed text, or `None` when it is missing or blank.
pub(crate) fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A whole number sent as a JSON number or as a string of digits.
pub(crate) fn number(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_are_none_and_numbers_may_be_strings() {
        assert_eq!(non_empty(Some("  PTI ")), Some("PTI".into()));
        assert_eq!(non_empty(Some("   ")), None);
        assert_eq!(number(Some(&Value::from(3))), Some(3));
        assert_eq!(number(Some(&Value::from(" 4 "))), Some(4));
        assert_eq!(number(Some(&Value::from("four"))), None);
        assert_eq!(number(None), None);
    }
}
