//! Notifiers: how a one-time password reaches a candidate's phone. One trait, three
//! implementations chosen by `VIVA_NOTIFIER`: `outbox` (the default; the database keeps
//! the message for an operator), the WhatsApp Cloud API, and a Twilio-style SMS API.
//!
//! Message bodies carry passwords: they are never logged and never in Debug output, and
//! provider errors are reduced to a status or a kind of failure (a provider may echo the
//! body back).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::config::NotifierConfig;
use crate::secret::Secret;
use crate::store::Store;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the provider answered HTTP {0}")]
    Rejected(u16),
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the outbox could not store the message: {0}")]
    Store(#[from] crate::store::StoreError),
}

pub trait Notifier: Send + Sync + std::fmt::Debug {
    /// `outbox`, `whatsapp` or `sms`.
    fn channel(&self) -> &'static str;
    /// Sends `body` to `to` (E.164).
    fn send<'a>(&'a self, to: &'a str, body: &'a Secret) -> BoxFuture<'a, Result<(), NotifyError>>;
}

/// The message of a one-time password, in the documented format.
pub fn password_message(pin: &str, ttl: Duration, room_name: &str) -> Secret {
    Secret::new(format!(
        "🎯 Your Interview Room Password: {pin}\n\n✅ Valid for {}\n📌 Room: {room_name}\n\nGood luck with your interview!",
        validity(ttl)
    ))
}

/// "15 minutes", or seconds when the validity is not a whole number of minutes.
pub fn validity(ttl: Duration) -> String {
    let secs = ttl.as_secs();
    if secs.is_multiple_of(60) {
        let m = secs / 60;
        format!("{m} minute{}", if m == 1 { "" } else { "s" })
    } else {
        format!("{secs} seconds")
    }
}

pub fn from_config(config: &NotifierConfig, store: &Store) -> Box<dyn Notifier> {
    match config.clone() {
        NotifierConfig::Outbox => Box::new(Outbox {
            store: store.clone(),
        }),
        NotifierConfig::WhatsApp {
            api_url,
            token,
            phone_number_id,
        } => Box::new(WhatsApp {
            http: http_client(),
            api_url,
            token,
            phone_number_id,
        }),
        NotifierConfig::Sms {
            api_url,
            account_sid,
            auth_token,
            from,
        } => Box::new(Sms {
            http: http_client(),
            api_url,
            account_sid,
            auth_token,
            from,
        }),
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("viva-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("reqwest client with static settings")
}

/// The failure without the URL (it names accounts) or anything the provider said.
fn unreachable(e: reqwest::Error) -> NotifyError {
    NotifyError::Unreachable(if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else {
        e.without_url().to_string()
    })
}

async fn check(res: Result<reqwest::Response, reqwest::Error>) -> Result<(), NotifyError> {
    let res = res.map_err(unreachable)?;
    let status = res.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(NotifyError::Rejected(status.as_u16()))
    }
}

#[derive(Debug)]
pub struct Outbox {
    store: Store,
}

impl Notifier for Outbox {
    fn channel(&self) -> &'static str {
        "outbox"
    }

    fn send<'a>(&'a self, to: &'a str, body: &'a Secret) -> BoxFuture<'a, Result<(), NotifyError>> {
        Box::pin(async move {
            self.store
                .insert_outbox("outbox", to, body.expose())
                .await?;
            Ok(())
        })
    }
}

#[derive(Debug)]
pub struct WhatsApp {
    http: reqwest::Client,
    api_url: String,
    token: Secret,
    phone_number_id: String,
}

impl Notifier for WhatsApp {
    fn channel(&self) -> &'static str {
        "whatsapp"
    }

    fn send<'a>(&'a self, to: &'a str, body: &'a Secret) -> BoxFuture<'a, Result<(), NotifyError>> {
        Box::pin(async move {
            let url = format!(
                "{}/{}/messages",
                self.api_url.trim_end_matches('/'),
                self.phone_number_id
            );
            // The Cloud API takes the number as digits, without the '+'.
            let payload = serde_json::json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to.trim_start_matches('+'),
                "type": "text",
                "text": { "preview_url": false, "body": body.expose() },
            });
            check(
                self.http
                    .post(url)
                    .bearer_auth(self.token.expose())
                    .json(&payload)
                    .send()
                    .await,
            )
            .await
        })
    }
}

#[derive(Debug)]
pub struct Sms {
    http: reqwest::Client,
    api_url: String,
    account_sid: String,
    auth_token: Secret,
    from: String,
}

impl Notifier for Sms {
    fn channel(&self) -> &'static str {
        "sms"
    }

    fn send<'a>(&'a self, to: &'a str, body: &'a Secret) -> BoxFuture<'a, Result<(), NotifyError>> {
        Box::pin(async move {
            let url = format!(
                "{}/2010-04-01/Accounts/{}/Messages.json",
                self.api_url.trim_end_matches('/'),
                self.account_sid
            );
            check(
                self.http
                    .post(url)
                    .basic_auth(&self.account_sid, Some(self.auth_token.expose()))
                    .form(&[("To", to), ("From", &self.from), ("Body", body.expose())])
                    .send()
                    .await,
            )
            .await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_follows_the_documented_format() {
        let m = password_message("847392", Duration::from_secs(900), "interview-abc-1");
        assert_eq!(
            m.expose(),
            "🎯 Your Interview Room Password: 847392\n\n✅ Valid for 15 minutes\n📌 Room: interview-abc-1\n\nGood luck with your interview!"
        );
        assert_eq!(format!("{m:?}"), "[redacted]");
        assert!(password_message("1", Duration::from_secs(90), "r")
            .expose()
            .contains("Valid for 90 seconds"));
    }
}
