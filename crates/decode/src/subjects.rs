//! Subjects as the newsroom keeps them, whatever the format: IPTC Media Topics and Subject Codes
//! in one canonical form (`medtop:20000002`, `subj:04001000`) with the vocabulary's English name
//! when the wire sent none, so that the site's topic rules and the API see one spelling; every
//! other scheme exactly as the agency sent it.
//!
//! Must not: guess a scheme: an alias is IPTC's only when the item's own catalog or the IPTC
//! catalog says so (`wiredesk_vocab::resolve`).

use wiredesk_model::Subject;
use wiredesk_vocab::Scheme;

/// A subject from `code` as sent (a QCode or a concept URI), `local_schemes` being the
/// (alias, scheme URI) pairs the item declares itself.
pub(crate) fn canonical(
    code: &str,
    name: Option<String>,
    local_schemes: &[(String, String)],
) -> Subject {
    match wiredesk_vocab::resolve(code, local_schemes) {
        Some(r) if matches!(r.scheme, Scheme::MediaTopic | Scheme::SubjectCode) => Subject {
            code: r.qcode(),
            name: name.or_else(|| r.name.map(str::to_string)),
        },
        _ => Subject {
            code: code.to_string(),
            name,
        },
    }
}

/// Adds `subject` unless its code is already there (a G2 item may send a code as a QCode and
/// again as a URI; both are one subject once canonical).
pub(crate) fn push_unique(list: &mut Vec<Subject>, subject: Subject) {
    if !subject.code.is_empty() && !list.iter().any(|s| s.code == subject.code) {
        list.push(subject);
    }
}

/// Bare eight digits that the Subject Code vocabulary knows: NITF `tobject.subject.refnum`,
/// NewsML 1 `FormalName` and Superdesk's ninjs send Subject Codes this way.
pub(crate) fn bare_subject_code(code: &str) -> Option<String> {
    let code = code.trim();
    (code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()))
        .then(|| wiredesk_vocab::subject_code(code))
        .flatten()
        .map(|s| format!("subj:{}", s.code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iptc_codes_become_canonical_and_named_others_stay_as_sent() {
        let s = canonical("medtop:20000371", None, &[]);
        assert_eq!(s.code, "medtop:20000371");
        assert_eq!(s.name.as_deref(), Some("interest rates"));
        let s = canonical(
            "http://cv.iptc.org/newscodes/subjectcode/15000000",
            Some("Sport".into()),
            &[],
        );
        assert_eq!(
            (s.code.as_str(), s.name.as_deref()),
            ("subj:15000000", Some("Sport"))
        );
        let s = canonical("N2:POL", None, &[]);
        assert_eq!((s.code.as_str(), s.name), ("N2:POL", None));
        assert_eq!(
            bare_subject_code("04001000").as_deref(),
            Some("subj:04001000")
        );
        assert_eq!(bare_subject_code("99999999"), None);
    }
}
