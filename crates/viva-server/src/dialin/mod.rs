//! Phone dial-in (seed "Rooms App": `enable_sip_for_room`, `get_room_dial_in_info`). A room
//! with dial-in on has a LiveKit SIP dispatch rule that sends callers who enter its PIN
//! straight into the room; LiveKit's SIP bridge (a deployment component) answers the calls.
//!
//! The PIN is 6 digits from a CSPRNG, unique among live rooms (a keyed digest in
//! `room_dial_ins` decides), kept by LiveKit only, and never logged. Disabling dial-in or
//! ending the room deletes the rule; a failed deletion is retried by the maintenance pass.

mod config;

pub use config::SipConfig;

use std::time::Duration;

use livekit_api::services::sip::{
    CreateSIPDispatchRuleOptions, CreateSIPInboundTrunkOptions, ListSIPDispatchRuleFilter,
    ListSIPInboundTrunkFilter, SIPClient,
};
use livekit_api::services::{ServerError, ServerErrorCode, ServiceError};
use livekit_protocol as proto;

use crate::config::LiveKitConfig;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{DialInClaim, Room};
use crate::sweeper::room_ref;

/// The inbound trunk Viva creates for its numbers when no trunk id is configured.
const OWN_TRUNK: &str = "viva-inbound";

pub struct DialIn {
    config: SipConfig,
    client: Option<SIPClient>,
    trunk: tokio::sync::OnceCell<String>,
}

impl std::fmt::Debug for DialIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DialIn")
            .field("config", &self.config)
            .finish()
    }
}

/// What a caller needs to dial in.
#[derive(Debug, Clone)]
pub struct DialInInfo {
    pub numbers: Vec<(String, String)>,
    pub pin: String,
}

fn not_set_up() -> ApiError {
    ApiError::conflict(
        "Dial-in is not set up on this server (VIVA_SIP_ENABLED, VIVA_DIAL_IN_NUMBERS)",
    )
}

fn is_not_found(e: &ServiceError) -> bool {
    matches!(e, ServiceError::Twirp(ServerError::Twirp(c)) if c.code == ServerErrorCode::NOT_FOUND)
}

impl DialIn {
    pub fn new(config: SipConfig, livekit: &LiveKitConfig) -> Self {
        let client = (config.enabled && livekit.configured()).then(|| {
            SIPClient::with_api_key(
                &livekit.api_url,
                &livekit.api_key,
                livekit.api_secret.expose(),
            )
            .with_request_timeout(Duration::from_secs(5))
        });
        Self {
            config,
            client,
            trunk: tokio::sync::OnceCell::new(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.client.is_some()
    }

    pub fn numbers(&self) -> &[(String, String)] {
        &self.config.numbers
    }

    fn client(&self) -> Result<&SIPClient, ApiError> {
        self.client.as_ref().ok_or_else(not_set_up)
    }

    /// The configured trunk, or Viva's own inbound trunk for its numbers (found by name,
    /// created when missing).
    async fn trunk(&self) -> Result<String, ApiError> {
        if let Some(id) = &self.config.trunk_id {
            return Ok(id.clone());
        }
        let client = self.client()?;
        self.trunk
            .get_or_try_init(|| async {
                let trunks = client
                    .list_sip_inbound_trunk(ListSIPInboundTrunkFilter::All)
                    .await
                    .map_err(ApiError::upstream)?;
                if let Some(t) = trunks.into_iter().find(|t| t.name == OWN_TRUNK) {
                    return Ok(t.sip_trunk_id);
                }
                let numbers = self.config.numbers.iter().map(|(_, n)| n.clone()).collect();
                let trunk = client
                    .create_sip_inbound_trunk(
                        OWN_TRUNK.into(),
                        numbers,
                        CreateSIPInboundTrunkOptions::default(),
                    )
                    .await
                    .map_err(ApiError::upstream)?;
                Ok(trunk.sip_trunk_id)
            })
            .await
            .cloned()
    }

    async fn create_rule(&self, room: &str, pin: &str) -> Result<String, ApiError> {
        let trunk = self.trunk().await?;
        let rule = self
            .client()?
            .create_sip_dispatch_rule(
                proto::sip_dispatch_rule::Rule::DispatchRuleDirect(proto::SipDispatchRuleDirect {
                    room_name: room.to_owned(),
                    pin: pin.to_owned(),
                }),
                CreateSIPDispatchRuleOptions {
                    name: format!("viva {}", room_ref(room)),
                    trunk_ids: vec![trunk],
                    ..Default::default()
                },
            )
            .await
            .map_err(ApiError::upstream)?;
        Ok(rule.sip_dispatch_rule_id)
    }

    async fn delete_rule(&self, id: &str) -> Result<(), ApiError> {
        match self.client()?.delete_sip_dispatch_rule(id).await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(ApiError::upstream(e)),
        }
    }

    /// The PIN of a rule, as LiveKit keeps it.
    async fn pin_of(&self, rule_id: &str) -> Result<Option<String>, ApiError> {
        let rules = self
            .client()?
            .list_sip_dispatch_rule(ListSIPDispatchRuleFilter::All)
            .await
            .map_err(ApiError::upstream)?;
        Ok(rules
            .into_iter()
            .find(|r| r.sip_dispatch_rule_id == rule_id)
            .and_then(|r| match r.rule.and_then(|r| r.rule) {
                Some(proto::sip_dispatch_rule::Rule::DispatchRuleDirect(d)) => Some(d.pin),
                _ => None,
            }))
    }
}

/// A PIN's digest, keyed with the server's secret: unique per PIN, useless without the key.
fn pin_digest(state: &AppState, pin: &str) -> String {
    crate::auth::token_hash(&format!(
        "{}:dial-in:{pin}",
        state.config.jwt_secret.expose()
    ))
}

/// Turns dial-in on for the room (idempotent): a fresh PIN unique among live rooms, and
/// its dispatch rule in LiveKit.
pub async fn enable(state: &AppState, room: &Room) -> Result<(), ApiError> {
    if !state.dial_in.enabled() {
        return Err(not_set_up());
    }
    if room.status == crate::domain::RoomStatus::Ended {
        return Err(ApiError::conflict("This room has ended"));
    }
    for _ in 0..20 {
        let pin = crate::codes::pin();
        match state
            .store
            .claim_dial_in(&room.name, &pin_digest(state, &pin))
            .await?
        {
            DialInClaim::PinTaken => continue,
            DialInClaim::Exists(Some(_)) => return Ok(()),
            DialInClaim::Exists(None) => {
                return Err(ApiError::conflict(
                    "Dial-in is being set up for this room; try again",
                ))
            }
            DialInClaim::Claimed => {
                let rule = match state.dial_in.create_rule(&room.name, &pin).await {
                    Ok(rule) => rule,
                    Err(e) => {
                        state.store.delete_dial_in(&room.name).await?;
                        return Err(e);
                    }
                };
                state.store.set_dial_in_rule(&room.name, &rule).await?;
                state.store.set_room_sip(&room.name, true).await?;
                tracing::info!(room_ref = %room_ref(&room.name), "dial-in enabled");
                return Ok(());
            }
        }
    }
    Err(ApiError::unavailable("No free dial-in PIN; try again"))
}

/// Turns dial-in off (idempotent): the rule goes first, then our record of it.
pub async fn disable(state: &AppState, room_name: &str) -> Result<(), ApiError> {
    if let Some(rule) = state.store.dial_in(room_name).await? {
        if let Some(rule) = rule {
            state.dial_in.delete_rule(&rule).await?;
        }
        state.store.delete_dial_in(room_name).await?;
        tracing::info!(room_ref = %room_ref(room_name), "dial-in disabled");
    }
    state.store.set_room_sip(room_name, false).await?;
    Ok(())
}

/// The numbers and PIN of a room with dial-in on; None when it is off.
pub async fn info(state: &AppState, room: &Room) -> Result<Option<DialInInfo>, ApiError> {
    if !state.dial_in.enabled() {
        return Err(not_set_up());
    }
    let Some(Some(rule)) = state.store.dial_in(&room.name).await? else {
        return Ok(None);
    };
    let pin = state
        .dial_in
        .pin_of(&rule)
        .await?
        .ok_or_else(|| ApiError::upstream("the room's dispatch rule is gone from LiveKit"))?;
    Ok(Some(DialInInfo {
        numbers: state.dial_in.numbers().to_vec(),
        pin,
    }))
}

/// Deletes the rules of rooms that ended while LiveKit could not be reached.
pub async fn retry_deletions(state: &AppState) -> Result<(), ApiError> {
    if !state.dial_in.enabled() {
        return Ok(());
    }
    for (room, _) in state.store.dial_ins_of_ended_rooms().await? {
        disable(state, &room).await?;
    }
    Ok(())
}
