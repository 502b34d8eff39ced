//! The differences between two versions of an agency item, word by word, for the desk's
//! history view. Pieces are plain text; the template escapes them.

use similar::{ChangeTag, TextDiff};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    Removed,
    Added,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub change: Change,
    pub text: String,
}

impl Piece {
    /// The CSS class and element the template wraps the piece in.
    pub fn tag(&self) -> &'static str {
        match self.change {
            Change::Same => "span",
            Change::Removed => "del",
            Change::Added => "ins",
        }
    }
}

/// Word-level differences from `old` to `new`, neighbouring pieces of one kind merged.
pub fn words(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => Change::Same,
            ChangeTag::Delete => Change::Removed,
            ChangeTag::Insert => Change::Added,
        };
        match out.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(change.value()),
            _ => out.push(Piece {
                change: kind,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

/// Whether two texts differ at all (so the view can say "copy unchanged").
pub fn changed(pieces: &[Piece]) -> bool {
    pieces.iter().any(|p| p.change != Change::Same)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_figure_shows_as_one_removal_and_one_addition() {
        let pieces = words(
            "The storm cut power to 20,000 homes.",
            "The storm cut power to 45,000 homes on Friday.",
        );
        let removed: String = pieces
            .iter()
            .filter(|p| p.change == Change::Removed)
            .map(|p| p.text.as_str())
            .collect();
        let added: String = pieces
            .iter()
            .filter(|p| p.change == Change::Added)
            .map(|p| p.text.as_str())
            .collect();
        assert!(
            removed.contains("20,000") && !removed.contains("storm"),
            "{removed}"
        );
        assert!(
            added.contains("45,000") && added.contains("Friday"),
            "{added}"
        );
        let rebuilt_new: String = pieces
            .iter()
            .filter(|p| p.change != Change::Removed)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(
            rebuilt_new,
            "The storm cut power to 45,000 homes on Friday."
        );
        assert!(changed(&pieces));
        assert!(!changed(&words("same text", "same text")));
    }
}
