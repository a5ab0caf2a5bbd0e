use serde::{Deserialize, Serialize};

#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoginRequest {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

/// Shown in place of a secret in Debug output (logs, panics).
const REDACTED: &str = "<redacted>";

fn redacted(secret: &Option<String>) -> Option<&'static str> {
    secret.as_ref().map(|_| REDACTED)
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &redacted(&self.password))
            .finish()
    }
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RefreshRequest {
    #[serde(default)]
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshRequest")
            .field("refresh_token", &redacted(&self.refresh_token))
            .finish()
    }
}

/// `POST /api/auth/login` and `/refresh`: a bearer access token (15 minutes) and a
/// single-use refresh token.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token expires (RFC 3339).
    pub expires_at: String,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenPair")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// `GET /api/auth/me`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub is_staff: bool,
    pub is_superuser: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MessageResponse {
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_secrets() {
        let login = LoginRequest {
            username: Some("dana".into()),
            password: Some("hunter2-secret".into()),
        };
        let text = format!("{login:?}");
        assert!(text.contains("dana") && !text.contains("hunter2"), "{text}");
        let refresh = RefreshRequest {
            refresh_token: Some("rt-abcdef-secret".into()),
        };
        assert!(!format!("{refresh:?}").contains("rt-abcdef"));
        let pair = TokenPair {
            access_token: "at-secret".into(),
            refresh_token: "rt-secret".into(),
            expires_at: "2026-12-01T00:00:00Z".into(),
        };
        let text = format!("{pair:?}");
        assert!(
            !text.contains("at-secret") && !text.contains("rt-secret"),
            "{text}"
        );
    }
}
