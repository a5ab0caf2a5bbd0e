//! Everything viva-server asks of LiveKit: RoomService calls and join tokens. The API
//! secret lives here and nowhere else; clients only ever see tokens signed with it.

use std::time::Duration;

use livekit_api::access_token::{AccessToken, VideoGrants};
use livekit_api::services::room::{CreateRoomOptions, RoomClient};
use livekit_api::services::{ServerError, ServerErrorCode, ServiceError};
pub use livekit_api::webhooks::WebhookError;
use livekit_api::webhooks::WebhookReceiver;
use livekit_protocol as proto;

use crate::config::LiveKitConfig;
use crate::domain::RoomRole;
use crate::error::ApiError;
use crate::store::Room;

pub use proto::{DisconnectReason, ParticipantInfo, TrackSource, TrackType, WebhookEvent};

/// The longest a join token lives, whatever is asked or configured: a token handed out
/// before an eject or an end must stop working soon (connected clients stay in through
/// LiveKit's own refresh).
pub const MAX_JOIN_TOKEN_TTL: Duration = Duration::from_secs(600);

/// The participant attribute that carries a token's audit id, so that LiveKit's
/// participant_joined webhook tells which issued token was used.
pub const JTI_ATTRIBUTE: &str = "viva.jti";

/// What a join token allows. Built by the server from the caller's role, never from input.
#[derive(Debug, Clone)]
pub struct JoinGrant {
    pub room: String,
    pub identity: String,
    pub name: String,
    pub role: RoomRole,
    /// Whether media may be published: hosts always, participants unless the room lets only
    /// hosts publish, viewers never.
    pub can_publish: bool,
    pub ttl: Duration,
    /// The signed-in user who asked for the token, for the record.
    pub issued_by: Option<String>,
}

impl JoinGrant {
    /// The grant of `role` in `room`: the one place a role becomes permissions.
    pub fn new(room: &Room, identity: &str, name: &str, role: RoomRole, ttl: Duration) -> Self {
        let can_publish = match role {
            RoomRole::Host => true,
            RoomRole::Participant => !room.settings.hosts_only_publish,
            RoomRole::Viewer => false,
        };
        Self {
            room: room.name.clone(),
            identity: identity.to_owned(),
            name: name.to_owned(),
            role,
            can_publish,
            ttl,
            issued_by: None,
        }
    }

    /// Records who asked for the token.
    pub fn issued_by(mut self, user: uuid::Uuid) -> Self {
        self.issued_by = Some(user.to_string());
        self
    }

    /// Only hosts (an interview's interviewer) administer the room.
    pub fn room_admin(&self) -> bool {
        self.role == RoomRole::Host
    }

    /// Viewers only watch: no chat or other data either.
    pub fn can_publish_data(&self) -> bool {
        self.role != RoomRole::Viewer
    }
}

#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub jti: String,
    pub expires_at_ms: i64,
}

pub struct LiveKit {
    config: LiveKitConfig,
    client: Option<RoomClient>,
    /// The last health answer and when it was asked: monitors polling the public health
    /// endpoint must not turn into a RoomService call each.
    health: tokio::sync::Mutex<Option<(std::time::Instant, bool)>>,
    /// Rooms this node saw open in LiveKit, and when: joins within `OPEN_REUSE` of that skip
    /// the CreateRoom round trip.
    opened: std::sync::Mutex<std::collections::HashMap<String, Opened>>,
}

/// A room this node confirmed open in LiveKit.
#[derive(Debug, Clone, Copy)]
struct Opened {
    at: std::time::Instant,
    /// A join is confirming it again (`REFRESH_AFTER`); the others need not.
    refreshing: bool,
}

/// What a join must do about the LiveKit room before its token is any use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenNeed {
    /// Confirmed open moments ago.
    Nothing,
    /// Confirmed open within `OPEN_REUSE`, but past `REFRESH_AFTER`: this join confirms it
    /// again; a failure does not refuse it, the earlier confirmation still holds.
    Refresh,
    /// Unknown, or confirmed too long ago: this join must create (or find) it.
    Create,
}

/// Decides for one join and marks the refresh taken, so of many concurrent joins at most one
/// waits for LiveKit while the room is busy. (Before, every join that arrived once the
/// confirmation had aged out called CreateRoom at once; those joins were the latency tail.)
fn open_need(opened: &mut std::collections::HashMap<String, Opened>, name: &str) -> OpenNeed {
    match opened.get_mut(name) {
        Some(o) if o.at.elapsed() < REFRESH_AFTER => OpenNeed::Nothing,
        Some(o) if o.at.elapsed() < OPEN_REUSE && o.refreshing => OpenNeed::Nothing,
        Some(o) if o.at.elapsed() < OPEN_REUSE => {
            o.refreshing = true;
            OpenNeed::Refresh
        }
        _ => OpenNeed::Create,
    }
}

/// How long a room confirmed open is taken to be open. Shorter than LiveKit's
/// `departure_timeout` (20 s by default): a room whose last participant left cannot have
/// been closed by LiveKit within this time of our confirmation. Ended rooms never get here
/// (admission refuses them first).
const OPEN_REUSE: Duration = Duration::from_secs(10);

/// When a busy room's confirmation is renewed, by one join, before it runs out.
const REFRESH_AFTER: Duration = Duration::from_secs(5);

/// How long a health answer is reused.
const HEALTH_CACHE: Duration = Duration::from_secs(5);

impl std::fmt::Debug for LiveKit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveKit")
            .field("config", &self.config)
            .finish()
    }
}

fn not_configured() -> ApiError {
    ApiError::unavailable("LiveKit service not configured properly")
}

fn is_not_found(e: &ServiceError) -> bool {
    matches!(e, ServiceError::Twirp(ServerError::Twirp(c)) if c.code == ServerErrorCode::NOT_FOUND)
}

impl LiveKit {
    pub fn new(config: LiveKitConfig) -> Self {
        let client = config.configured().then(|| {
            RoomClient::with_api_key(&config.api_url, &config.api_key, config.api_secret.expose())
                .with_request_timeout(Duration::from_secs(5))
        });
        Self {
            config,
            client,
            health: tokio::sync::Mutex::new(None),
            opened: Default::default(),
        }
    }

    pub fn config(&self) -> &LiveKitConfig {
        &self.config
    }

    fn client(&self) -> Result<&RoomClient, ApiError> {
        self.client.as_ref().ok_or_else(not_configured)
    }

    /// Creates the room, or finds it: LiveKit's CreateRoom returns the existing room.
    /// Skipped when this node confirmed the room open moments ago.
    pub async fn ensure_room(
        &self,
        name: &str,
        empty_timeout: u32,
        max_participants: u32,
    ) -> Result<(), ApiError> {
        let need = open_need(&mut self.opened.lock().expect("opened"), name);
        if need == OpenNeed::Nothing {
            return Ok(());
        }
        let created = self
            .client()?
            .create_room(
                name,
                CreateRoomOptions {
                    empty_timeout,
                    max_participants,
                    ..Default::default()
                },
            )
            .await;
        let mut opened = self.opened.lock().expect("opened");
        match created {
            Ok(_) => {
                opened.retain(|_, o| o.at.elapsed() < OPEN_REUSE);
                let at = std::time::Instant::now();
                opened.insert(
                    name.to_owned(),
                    Opened {
                        at,
                        refreshing: false,
                    },
                );
                Ok(())
            }
            Err(e) if need == OpenNeed::Refresh => {
                tracing::warn!(error = %e, "renewing a room's confirmation failed; next join retries");
                if let Some(o) = opened.get_mut(name) {
                    o.refreshing = false;
                }
                Ok(())
            }
            Err(e) => Err(ApiError::upstream(e)),
        }
    }

    /// Forgets that a room was open (it was deleted), so the next join asks LiveKit.
    fn forget_open(&self, name: &str) {
        self.opened.lock().expect("opened").remove(name);
    }

    /// The participants connected now; a room LiveKit does not know has none.
    pub async fn participants(&self, room: &str) -> Result<Vec<ParticipantInfo>, ApiError> {
        match self.client()?.list_participants(room).await {
            Ok(list) => Ok(list),
            Err(e) if is_not_found(&e) => Ok(Vec::new()),
            Err(e) => Err(ApiError::upstream(e)),
        }
    }

    /// Mutes or unmutes the participant's published tracks of the given kinds. Returns how
    /// many tracks changed; `None` when the participant is not in the room.
    pub async fn set_muted(
        &self,
        room: &str,
        identity: &str,
        kinds: &[TrackType],
        muted: bool,
    ) -> Result<Option<usize>, ApiError> {
        let client = self.client()?;
        let participant = match client.get_participant(room, identity).await {
            Ok(p) => p,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(ApiError::upstream(e)),
        };
        let mut changed = 0;
        for track in participant.tracks {
            let kind = TrackType::try_from(track.r#type).unwrap_or(TrackType::Data);
            if !kinds.contains(&kind) || track.muted == muted {
                continue;
            }
            client
                .mute_published_track(room, identity, &track.sid, muted)
                .await
                .map_err(|e| {
                    if matches!(&e, ServiceError::Twirp(ServerError::Twirp(c)) if c.code == ServerErrorCode::PERMISSION_DENIED || c.code == ServerErrorCode::FAILED_PRECONDITION) {
                        ApiError::conflict(format!("LiveKit refused to change the track: {e}"))
                    } else {
                        ApiError::upstream(e)
                    }
                })?;
            changed += 1;
        }
        Ok(Some(changed))
    }

    /// Removes the participant. Returns false when it was not in the room.
    pub async fn remove(&self, room: &str, identity: &str) -> Result<bool, ApiError> {
        match self.client()?.remove_participant(room, identity).await {
            Ok(()) => Ok(true),
            Err(e) if is_not_found(&e) => Ok(false),
            Err(e) => Err(ApiError::upstream(e)),
        }
    }

    /// Deletes the room, disconnecting everyone. A room LiveKit does not know is fine.
    pub async fn delete_room(&self, room: &str) -> Result<(), ApiError> {
        self.forget_open(room);
        match self.client()?.delete_room(room).await {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(ApiError::upstream(e)),
        }
    }

    /// Replaces the room's metadata (LiveKit sends it to everyone in the room). A room
    /// LiveKit does not know (nobody joined yet) is not an error: there is nobody to tell.
    pub async fn set_room_metadata(&self, room: &str, metadata: &str) -> Result<(), ApiError> {
        match self.client()?.update_room_metadata(room, metadata).await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(ApiError::upstream(e)),
        }
    }

    pub async fn list_rooms(&self) -> Result<Vec<proto::Room>, ApiError> {
        self.client()?
            .list_rooms(Vec::new())
            .await
            .map_err(ApiError::upstream)
    }

    /// True when LiveKit answers an authenticated request; asked at most every few
    /// seconds (concurrent callers wait for one answer).
    pub async fn healthy(&self) -> bool {
        let Some(client) = &self.client else {
            return false;
        };
        let mut last = self.health.lock().await;
        if let Some((at, ok)) = *last {
            if at.elapsed() < HEALTH_CACHE {
                return ok;
            }
        }
        let ok = client.list_rooms(Vec::new()).await.is_ok();
        *last = Some((std::time::Instant::now(), ok));
        ok
    }

    /// Checks a webhook delivery's signature (a JWT signed with our API secret that carries
    /// the body's SHA-256) and decodes the event.
    pub fn verify_webhook(
        &self,
        body: &str,
        authorization: &str,
    ) -> Result<WebhookEvent, WebhookError> {
        let verifier = livekit_api::access_token::TokenVerifier::with_api_key(
            &self.config.api_key,
            self.config.api_secret.expose(),
        );
        WebhookReceiver::new(verifier).receive(body, authorization)
    }

    /// The recorder's token: it joins hidden (nobody sees it in the room), subscribes to
    /// everything, and may publish nothing.
    pub fn recorder_token(&self, room: &str, identity: &str) -> Result<String, ApiError> {
        if !self.config.configured() {
            return Err(not_configured());
        }
        AccessToken::with_api_key(&self.config.api_key, self.config.api_secret.expose())
            .with_identity(identity)
            .with_name("Recorder")
            .with_ttl(MAX_JOIN_TOKEN_TTL)
            .with_grants(VideoGrants {
                room_join: true,
                room: room.to_owned(),
                hidden: true,
                recorder: true,
                can_publish: Some(false),
                can_subscribe: Some(true),
                can_publish_data: Some(false),
                can_update_own_metadata: Some(false),
                ..Default::default()
            })
            .to_jwt()
            .map_err(ApiError::internal)
    }

    /// The identity and name a join token for `room` carries, when LiveKit would take it
    /// (signed with our key, unexpired; tokens LiveKit refreshed count).
    pub fn verify_room_token(&self, token: &str, room: &str) -> Option<(String, String)> {
        let verifier = livekit_api::access_token::TokenVerifier::with_api_key(
            &self.config.api_key,
            self.config.api_secret.expose(),
        );
        let claims = verifier.verify(token).ok()?;
        (claims.video.room_join && claims.video.room == room && !claims.sub.is_empty())
            .then_some((claims.sub, claims.name))
    }

    /// Mints a join token for exactly one room with minimal grants: no room creation or
    /// listing, no recording, and no updating one's own metadata.
    pub fn join_token(&self, grant: &JoinGrant) -> Result<IssuedToken, ApiError> {
        if !self.config.configured() {
            return Err(not_configured());
        }
        // Our audit id for the issued_tokens table; the token itself is never stored.
        let jti = uuid::Uuid::new_v4().to_string();
        let now_ms = chrono::Utc::now().timestamp_millis();
        let ttl = grant.ttl.min(MAX_JOIN_TOKEN_TTL);
        let sources = if grant.can_publish {
            vec![
                "camera".to_owned(),
                "microphone".to_owned(),
                "screen_share".to_owned(),
                "screen_share_audio".to_owned(),
            ]
        } else {
            Vec::new()
        };
        let token =
            AccessToken::with_api_key(&self.config.api_key, self.config.api_secret.expose())
                .with_identity(&grant.identity)
                .with_name(&grant.name)
                .with_ttl(ttl)
                .with_attributes([(JTI_ATTRIBUTE, jti.as_str())])
                .with_grants(VideoGrants {
                    room_join: true,
                    room: grant.room.clone(),
                    room_admin: grant.room_admin(),
                    can_publish: Some(grant.can_publish),
                    can_subscribe: Some(true),
                    can_publish_data: Some(grant.can_publish_data()),
                    can_publish_sources: sources,
                    can_update_own_metadata: Some(false),
                    ..Default::default()
                })
                .to_jwt()
                .map_err(ApiError::internal)?;
        Ok(IssuedToken {
            token,
            jti,
            expires_at_ms: now_ms + ttl.as_millis() as i64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Instant;

    fn confirmed(ago: Duration) -> Opened {
        let at = Instant::now().checked_sub(ago).expect("the machine is up");
        Opened {
            at,
            refreshing: false,
        }
    }

    #[test]
    fn one_join_renews_a_busy_rooms_confirmation_and_the_others_pass() {
        let mut opened = HashMap::new();
        assert_eq!(open_need(&mut opened, "r"), OpenNeed::Create, "unknown");
        opened.insert("r".to_owned(), confirmed(Duration::from_secs(1)));
        assert_eq!(open_need(&mut opened, "r"), OpenNeed::Nothing);
        opened.insert(
            "r".to_owned(),
            confirmed(REFRESH_AFTER + Duration::from_secs(1)),
        );
        assert_eq!(open_need(&mut opened, "r"), OpenNeed::Refresh);
        for _ in 0..100 {
            assert_eq!(
                open_need(&mut opened, "r"),
                OpenNeed::Nothing,
                "the renewal is taken: concurrent joins do not wait for LiveKit"
            );
        }
        opened.insert(
            "r".to_owned(),
            confirmed(OPEN_REUSE + Duration::from_secs(1)),
        );
        assert_eq!(
            open_need(&mut opened, "r"),
            OpenNeed::Create,
            "too old to trust"
        );
        assert_eq!(
            open_need(&mut opened, "r"),
            OpenNeed::Create,
            "an unconfirmed room is asked for by every join until one confirms it"
        );
    }
}
