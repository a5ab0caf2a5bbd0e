//! Sign-in: argon2id passwords, short-lived JWT access tokens, rotating refresh tokens.

mod access;
mod password;

pub use access::{AccessClaims, AccessTokens};
pub use password::{hash_password, hash_pin, verify_password, PasswordError, MIN_PASSWORD_LEN};

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the OS CSPRNG, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 hex of a high-entropy token. Fit for random tokens only: low-entropy secrets
/// (passwords, PINs) get argon2id instead.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
        assert_eq!(token_hash("abc").len(), 64);
    }
}
