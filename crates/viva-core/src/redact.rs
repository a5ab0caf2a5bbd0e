//! Secrets out of log lines. Every line the app writes (the terminal and the log file a user
//! attaches to a bug report) passes through `redact` first, so a token, password, one-time
//! code or phone number that reaches a log message by mistake (an error that quotes a URL or
//! a response body) is not written out. The core never logs secrets on purpose; this is the
//! net under that rule, not the rule itself.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What a removed secret reads as.
pub const REDACTED: &str = "[redacted]";

/// JSON Web Tokens (our access tokens, LiveKit's room tokens): three base64url parts, the
/// first of which always starts `eyJ` (`{"` encoded).
static JWT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*").unwrap());

/// `Authorization: Bearer <anything>` as headers and errors print it.
static BEARER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+").unwrap());

/// A secret-named key with its value, in the forms logs show them: query strings
/// (`access_token=...`), JSON (`"password":"..."`) and Debug output (`refresh_token: "..."`).
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?i)("?\b(?:access_token|refresh_token|token|password|passcode|otp|pin|secret|api_secret|signature)"?)"#,
        r#"(\s*[:=]\s*)("[^"]*"|[^\s&,;}"]+)"#,
    ))
    .unwrap()
});

/// Phone numbers in international form, as we store them (E.164) and people type them.
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\+\d[\d ()-]{6,18}\d").unwrap());

/// The line with every secret it carries replaced; borrowed when there was none.
pub fn redact(line: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(line);
    if let Cow::Owned(s) = JWT.replace_all(&out, REDACTED) {
        out = Cow::Owned(s);
    }
    if let Cow::Owned(s) = BEARER.replace_all(&out, format!("$1 {REDACTED}")) {
        out = Cow::Owned(s);
    }
    let named = NAMED.replace_all(&out, |c: &Captures| format!("{}{}{REDACTED}", &c[1], &c[2]));
    if let Cow::Owned(s) = named {
        out = Cow::Owned(s);
    }
    // A phone number keeps its last four digits, as rooms show callers: enough to tell two
    // reports apart, useless to anyone else.
    let phones = PHONE.replace_all(&out, |c: &Captures| viva_api::phone::mask(&c[0]));
    if let Cow::Owned(s) = phones {
        out = Cow::Owned(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT_TOKEN: &str =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEiLCJleHAiOjE3MDB9.c2lnbmF0dXJlX2J5dGVz";

    #[test]
    fn lines_without_secrets_are_untouched_and_not_copied() {
        let line = "joined room interview-42 as u-7 (2 participants)";
        assert!(matches!(redact(line), Cow::Borrowed(l) if l == line));
    }

    #[test]
    fn tokens_in_urls_headers_and_bodies_are_removed() {
        let url =
            format!("connecting to wss://lk.example/rtc?access_token={JWT_TOKEN}&auto_subscribe=1");
        let out = redact(&url);
        assert!(!out.contains("eyJ"), "{out}");
        assert!(
            out.contains("access_token=[redacted]&auto_subscribe=1"),
            "{out}"
        );

        let header = "request failed: authorization: Bearer r3fr3sh-0p4qu3.t0k3n";
        assert_eq!(
            redact(header),
            "request failed: authorization: Bearer [redacted]"
        );

        let body = r#"body {"access_token":"abc.def","refresh_token":"opaque-refresh-1","expires_in":900}"#;
        let out = redact(body);
        assert!(
            !out.contains("abc.def") && !out.contains("opaque-refresh-1"),
            "{out}"
        );
        assert!(out.contains(r#""expires_in":900"#), "{out}");
    }

    #[test]
    fn passwords_codes_and_pins_are_removed_in_debug_output() {
        let debug =
            r#"LoginRequest { email: "ada@example.com", password: "hunter2!", otp: 493021 }"#;
        let out = redact(debug);
        assert!(!out.contains("hunter2") && !out.contains("493021"), "{out}");
        assert!(out.contains("ada@example.com"), "{out}");
    }

    #[test]
    fn phone_numbers_keep_only_their_last_four_digits() {
        assert_eq!(
            redact("otp sent to +15551234567"),
            "otp sent to +•••••••4567"
        );
        assert_eq!(
            redact("caller +44 20 7183 8750 joined"),
            "caller +••••••••8750 joined"
        );
        // Short numbers that are not phones (counts, offsets) stay.
        assert_eq!(redact("delta +12 frames"), "delta +12 frames");
    }
}
