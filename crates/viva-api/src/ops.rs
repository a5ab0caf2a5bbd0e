//! The operations endpoints' answers (`/healthz`, `/readyz`): what a load balancer's health
//! check and a deployment's readiness probe read.

use serde::{Deserialize, Serialize};

/// `GET /healthz`: the process answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Liveness {
    /// Always `ok`.
    pub status: String,
}

/// `GET /readyz`: 200 when the database answers, 503 when it does not.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Readiness {
    /// `ready` | `not ready`
    pub status: String,
    pub database: bool,
    /// LiveKit is reported, not required: rooms answer a clear 503 until it is configured.
    pub livekit_configured: bool,
}
