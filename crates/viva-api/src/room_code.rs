//! Public room codes, as people read them off an invitation and type them back: one
//! alphabet, one length and one normalisation for the server that issues and checks them
//! and for every client that takes them from a person or a `viva://join/` link.

/// Digits and capitals without the look-alikes 0/O and 1/I/L.
pub const ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Eight characters of 31: about 39.6 bits.
pub const LEN: usize = 8;

/// Why a text cannot be a room code (clients word it for people; the server answers 404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    Empty,
    /// Not `LEN` characters once spaces and dashes are gone.
    Length,
    /// A character the alphabet does not have (the first one found).
    Character(char),
}

/// A code as a person may have typed it (lower case, any whitespace, dashes) in canonical
/// form.
pub fn normalize(text: &str) -> Result<String, CodeProblem> {
    let code: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.is_empty() {
        return Err(CodeProblem::Empty);
    }
    if code.chars().count() != LEN {
        return Err(CodeProblem::Length);
    }
    match code.chars().find(|c| !ALPHABET.contains(*c)) {
        Some(bad) => Err(CodeProblem::Character(bad)),
        None => Ok(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_type_codes_loosely_and_get_one_form() {
        assert_eq!(normalize("93r2-qbeu").as_deref(), Ok("93R2QBEU"));
        assert_eq!(normalize(" 93R2 QBEU\t").as_deref(), Ok("93R2QBEU"));
        assert_eq!(normalize("93R2\u{a0}QBEU").as_deref(), Ok("93R2QBEU"));
        assert_eq!(normalize("  - "), Err(CodeProblem::Empty));
        assert_eq!(normalize("short"), Err(CodeProblem::Length));
        assert_eq!(normalize("93R1OBEU"), Err(CodeProblem::Character('1')));
        assert_eq!(normalize("ÄÄÄÄÄÄÄÄ"), Err(CodeProblem::Character('Ä')));
        for c in "0O1IL".chars() {
            assert!(!ALPHABET.contains(c), "{c}");
        }
    }
}
