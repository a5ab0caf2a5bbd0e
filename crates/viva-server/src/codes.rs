//! Secrets people type: public room codes and one-time passwords. Both come from the OS
//! CSPRNG; neither is ever logged (the request log records route templates only).

use rand::rngs::OsRng;
use rand::Rng;

use viva_api::room_code;

/// The room code alphabet (viva_api::room_code: one home for server and clients).
pub const CODE_ALPHABET: &[u8] = room_code::ALPHABET.as_bytes();
pub const PIN_LEN: usize = 6;

/// A new room code: `room_code::LEN` characters of `room_code::ALPHABET`.
pub fn room_code() -> String {
    (0..room_code::LEN)
        .map(|_| CODE_ALPHABET[OsRng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// A code as a person may have typed it, in canonical form; `None` when it cannot be a
/// code at all.
pub fn normalize_code(text: &str) -> Option<String> {
    room_code::normalize(text).ok()
}

/// A new one-time password: 6 decimal digits, uniform (leading zeros kept).
pub fn pin() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// Whether `text` has the shape of a one-time password.
pub fn is_pin_shaped(text: &str) -> bool {
    text.len() == PIN_LEN && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        for c in b"0O1IL" {
            assert!(!CODE_ALPHABET.contains(c), "{}", *c as char);
        }
        let codes: HashSet<String> = (0..2000).map(|_| room_code()).collect();
        assert_eq!(codes.len(), 2000, "no repeats in 2000 draws");
        for c in &codes {
            assert_eq!(normalize_code(c).as_deref(), Some(c.as_str()));
        }
        assert_eq!(normalize_code("93r2-qbeu").as_deref(), Some("93R2QBEU"));
        assert_eq!(normalize_code("93R1OBEU"), None, "1 and O are not in codes");
    }

    #[test]
    fn pins_are_six_digits() {
        let pins: Vec<String> = (0..500).map(|_| pin()).collect();
        assert!(pins.iter().all(|p| is_pin_shaped(p)));
        assert!(pins.iter().collect::<HashSet<_>>().len() > 450);
        assert!(!is_pin_shaped("12345a") && !is_pin_shaped("1234567"));
    }
}
