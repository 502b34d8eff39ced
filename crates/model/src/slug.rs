//! URL slugs for agencies and topics. Owns only the slug rule.

/// Lower-case ASCII letters and digits joined by single hyphens: "Yonhap News" → "yonhap-news".
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_lowercase_and_hyphenated() {
        assert_eq!(slugify("Yonhap News"), "yonhap-news");
        assert_eq!(slugify("  AFP "), "afp");
        assert_eq!(slugify("Science & Tech"), "science-tech");
        assert_eq!(slugify("---"), "");
    }
}
