use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// The only password rule (NIST 800-63B): a minimum length, no composition rules.
pub const MIN_PASSWORD_LEN: usize = 8;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("password must be at least {MIN_PASSWORD_LEN} characters")]
    TooShort,
    #[error("password must be at most 1024 characters")]
    TooLong,
    #[error("password hashing failed")]
    Hash,
}

/// argon2id with the crate's defaults (OWASP's recommended parameters).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(PasswordError::TooShort);
    }
    if password.len() > 1024 {
        return Err(PasswordError::TooLong);
    }
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| PasswordError::Hash)
}

/// argon2id of a short numeric one-time password. No length rule: PINs are short by
/// design; they are protected by their expiry and attempt limit, and hashed so that a
/// database dump does not hand out live passwords.
pub fn hash_pin(pin: &str) -> Result<String, PasswordError> {
    if pin.is_empty() {
        return Err(PasswordError::TooShort);
    }
    if pin.len() > 64 {
        return Err(PasswordError::TooLong);
    }
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| PasswordError::Hash)
}

/// Constant-time check against a stored PHC string. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    if password.len() > 1024 {
        return false;
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct hors", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn pins_hash_without_the_length_rule() {
        let h = hash_pin("042137").unwrap();
        assert!(h.starts_with("$argon2id$") && !h.contains("042137"), "{h}");
        assert!(verify_password("042137", &h));
        assert!(!verify_password("042138", &h));
    }

    #[test]
    fn length_is_the_only_rule() {
        assert_eq!(hash_password("short"), Err(PasswordError::TooShort));
        assert!(hash_password("aaaaaaaa").is_ok(), "no composition rules");
    }
}
