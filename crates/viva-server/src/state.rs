//! Shared application state, cheap to clone into every handler.

use std::sync::Arc;

use crate::auth::AccessTokens;
use crate::config::Config;
use crate::livekit::LiveKit;
use crate::metrics::Metrics;
use crate::notify::Notifier;
use crate::store::Store;

#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub config: Config,
    pub store: Store,
    pub tokens: AccessTokens,
    pub livekit: LiveKit,
    /// Recording with consent: recorders, object storage, retention (`recording`).
    pub recordings: crate::recording::Recordings,
    /// Phone dial-in: LiveKit SIP dispatch rules (`dialin`).
    pub dial_in: crate::dialin::DialIn,
    pub metrics: Metrics,
    /// Where one-time passwords are sent (`VIVA_NOTIFIER`).
    pub notifier: Box<dyn Notifier>,
    /// This process's id in `room_endings`, to tell server nodes apart.
    pub node_id: String,
}

impl AppState {
    pub fn new(config: Config, store: Store) -> Self {
        Self(Arc::new(Inner {
            tokens: AccessTokens::new(&config.jwt_secret),
            livekit: LiveKit::new(config.livekit.clone()),
            dial_in: crate::dialin::DialIn::new(config.sip.clone(), &config.livekit),
            recordings: crate::recording::Recordings::new(
                config.recording.clone(),
                &config.livekit,
            ),
            metrics: Metrics::default(),
            notifier: crate::notify::from_config(&config.notifier, &store),
            node_id: uuid::Uuid::new_v4().to_string(),
            config,
            store,
        }))
    }
}

impl AppState {
    /// Mints a LiveKit join token and keeps the record of it (audit row and metric). The
    /// one way every endpoint issues join tokens; the role follows the grant.
    pub async fn issue_join_token(
        &self,
        grant: &crate::livekit::JoinGrant,
    ) -> Result<crate::livekit::IssuedToken, crate::error::ApiError> {
        let issued = self.livekit.join_token(grant)?;
        self.store
            .record_issued_token(crate::store::NewTokenRecord {
                jti: &issued.jti,
                room_name: &grant.room,
                identity: &grant.identity,
                role: grant.role,
                issued_by: grant.issued_by.clone(),
                expires_at_ms: issued.expires_at_ms,
            })
            .await?;
        self.metrics.tokens_issued.increment(1);
        Ok(issued)
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
