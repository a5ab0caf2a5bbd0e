//! Access tokens: HS256 JWTs signed with `VIVA_JWT_SECRET`, 15 minutes. They carry the
//! refresh family so that sign-out or detected reuse ends them at once.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::secret::Secret;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub sub: String,
    /// The refresh-token family this access token belongs to.
    pub fam: String,
    pub iat: i64,
    pub exp: i64,
    /// Audience: keeps these tokens apart from any other HS256 token signed elsewhere.
    pub aud: String,
}

const AUDIENCE: &str = "viva-api";

#[derive(Clone)]
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessTokens([redacted])")
    }
}

impl AccessTokens {
    pub fn new(secret: &Secret) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
        }
    }

    pub fn issue(&self, user_id: Uuid, family_id: Uuid, now_s: i64, ttl_s: i64) -> String {
        let claims = AccessClaims {
            sub: user_id.to_string(),
            fam: family_id.to_string(),
            iat: now_s,
            exp: now_s + ttl_s,
            aud: AUDIENCE.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding of plain claims cannot fail")
    }

    /// Verifies signature, algorithm, audience and expiry (no leeway).
    pub fn verify(&self, token: &str) -> Option<AccessClaims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 0;
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(secret: &str) -> AccessTokens {
        AccessTokens::new(&Secret::new(secret))
    }

    #[test]
    fn issued_tokens_verify_and_others_do_not() {
        let t = tokens("a-secret-that-is-long-enough-000000");
        let now = chrono::Utc::now().timestamp();
        let user = Uuid::new_v4();
        let token = t.issue(user, Uuid::new_v4(), now, 900);
        assert_eq!(t.verify(&token).unwrap().sub, user.to_string());
        let other = tokens("another-secret-that-is-long-enough-0");
        assert!(other.verify(&token).is_none(), "wrong secret");
        let expired = t.issue(user, Uuid::new_v4(), now - 1000, 900);
        assert!(t.verify(&expired).is_none(), "expired");
        assert!(t.verify("garbage").is_none());
    }
}
