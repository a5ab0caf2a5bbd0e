//! Shared application state, cheap to clone into every handler.

use std::sync::Arc;

use crate::auth::AccessTokens;
use crate::config::Config;
use crate::livekit::LiveKit;
use crate::metrics::Metrics;
use crate::store::Store;

#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub config: Config,
    pub store: Store,
    pub tokens: AccessTokens,
    pub livekit: LiveKit,
    pub metrics: Metrics,
}

impl AppState {
    pub fn new(config: Config, store: Store) -> Self {
        Self(Arc::new(Inner {
            tokens: AccessTokens::new(&config.jwt_secret),
            livekit: LiveKit::new(config.livekit.clone()),
            metrics: Metrics::default(),
            config,
            store,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
