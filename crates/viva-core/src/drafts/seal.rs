//! Encryption at rest for drafts: every record is sealed with XChaCha20-Poly1305 under a
//! random 256-bit key per user, kept in the OS keyring (never on disk). The 192-bit nonce
//! is random per record, so rewriting a record never reuses one; the record's identity
//! (user, interview, kind) is the associated data, so a sealed record copied onto another
//! row fails to open instead of showing the wrong draft.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{CoreError, ErrorCode};
use crate::secrets::SecretStore;

const NONCE_LEN: usize = 24;

/// The keyring entry of a user's draft key. Kept on sign-out: the unsynced drafts of that
/// user stay readable by that user only.
pub fn key_entry(user_id: &str) -> String {
    format!("drafts-key:{user_id}")
}

pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// The user's key from the keyring, created on first use.
    pub fn for_user(secrets: &dyn SecretStore, user_id: &str) -> Result<Self, CoreError> {
        let entry = key_entry(user_id);
        let b64 = base64::engine::general_purpose::STANDARD;
        let key = match secrets.get(&entry)? {
            Some(text) => b64
                .decode(text.trim())
                .ok()
                .filter(|k| k.len() == 32)
                .ok_or_else(|| {
                    CoreError::new(
                        ErrorCode::Keyring,
                        "The drafts key in the keyring is damaged; drafts cannot be opened",
                    )
                })?,
            None => {
                let key = XChaCha20Poly1305::generate_key(&mut OsRng);
                secrets.set(&entry, &b64.encode(key))?;
                key.to_vec()
            }
        };
        let cipher = XChaCha20Poly1305::new_from_slice(&key)
            .map_err(|_| CoreError::new(ErrorCode::Keyring, "bad drafts key length"))?;
        Ok(Self { cipher })
    }

    pub fn seal(&self, aad: &str, plain: &[u8]) -> Result<Vec<u8>, CoreError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| super::error::DraftError::Seal)?;
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub fn open(&self, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, CoreError> {
        if sealed.len() < NONCE_LEN {
            return Err(damaged());
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| damaged())
    }
}

fn damaged() -> CoreError {
    CoreError::new(
        ErrorCode::Keyring,
        "A draft could not be decrypted (another user's, or damaged)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecrets;

    #[test]
    fn round_trips_and_binds_the_record_identity() {
        let secrets = MemorySecrets::default();
        let s = Sealer::for_user(&secrets, "u1").unwrap();
        let sealed = s.seal("u1/i/k", b"the notes").unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"the notes"));
        assert_eq!(s.open("u1/i/k", &sealed).unwrap(), b"the notes");
        assert!(
            s.open("u1/i/other", &sealed).is_err(),
            "moved records do not open"
        );
        let again = Sealer::for_user(&secrets, "u1").unwrap();
        assert_eq!(
            again.open("u1/i/k", &sealed).unwrap(),
            b"the notes",
            "same key"
        );
        let other = Sealer::for_user(&secrets, "u2").unwrap();
        assert!(
            other.open("u1/i/k", &sealed).is_err(),
            "another user's key does not open it"
        );
        assert_ne!(
            s.seal("a", b"x").unwrap(),
            s.seal("a", b"x").unwrap(),
            "fresh nonce"
        );
    }
}
