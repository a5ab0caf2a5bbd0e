//! Rooms: connecting, the state the library tells us about, and its events (applied to
//! that state in `dispatch`).
//!
//! The dispatcher thread applies each room event to the room's state and then forwards the
//! typed event, so a receiver that sees `ParticipantConnected` already finds the participant
//! in `remote_participants()`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::engine::{engine, EventSink};
use crate::error::MediaError;
use crate::events::{ConnectionQuality, ConnectionState, DisconnectReason, RoomEvent};
use crate::handle::Handle;
use crate::orphan;
use crate::participant::{
    LocalParticipant, ParticipantKind, ParticipantPermission, RemoteParticipant,
    RemoteTrackPublication,
};
use crate::proto::{
    self, ffi_event::Message as Ev, ffi_request::Message as Req, room_event::Message as R,
};
use crate::track::RemoteTrack;

mod dispatch;

use dispatch::RoomSink;

const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Typed room events, in the order the library reported them. Ends after `Disconnected`.
pub type RoomEvents = mpsc::UnboundedReceiver<RoomEvent>;

#[derive(Debug, Clone)]
pub struct RoomOptions {
    pub auto_subscribe: bool,
    /// Lower remote video quality when nobody renders it (the app must report sizes).
    pub adaptive_stream: bool,
    /// Stop encoding simulcast layers nobody subscribes to.
    pub dynacast: bool,
    /// Bounds the whole connect, on the library's side and on ours.
    pub connect_timeout: Duration,
    /// End-to-end encryption with one key shared by every participant.
    pub e2ee_shared_key: Option<Vec<u8>>,
    /// How often the library retries the initial join before giving up.
    pub join_retries: Option<u32>,
}

impl Default for RoomOptions {
    fn default() -> Self {
        Self {
            auto_subscribe: true,
            adaptive_stream: false,
            dynacast: false,
            connect_timeout: Duration::from_secs(15),
            e2ee_shared_key: None,
            join_retries: None,
        }
    }
}

impl RoomOptions {
    fn to_proto(&self) -> proto::RoomOptions {
        let encryption = self.e2ee_shared_key.as_ref().map(|key| proto::E2eeOptions {
            encryption_type: proto::EncryptionType::Gcm as i32,
            // The values every LiveKit SDK uses, so we interoperate with web clients.
            key_provider_options: proto::KeyProviderOptions {
                shared_key: Some(key.clone()),
                ratchet_window_size: 16,
                ratchet_salt: b"LKFrameEncryptionKey".to_vec(),
                failure_tolerance: -1,
                key_ring_size: 16,
                key_derivation_function: proto::KeyDerivationFunction::Pbkdf2 as i32,
            },
        });
        proto::RoomOptions {
            auto_subscribe: Some(self.auto_subscribe),
            adaptive_stream: Some(self.adaptive_stream),
            dynacast: Some(self.dynacast),
            encryption,
            join_retries: self.join_retries,
            connect_timeout_ms: Some(self.connect_timeout.as_millis() as u64),
            ..Default::default()
        }
    }
}

/// A connected room. Clones share it; dropping the last one disconnects.
#[derive(Debug, Clone)]
pub struct Room {
    shared: Arc<RoomShared>,
}

#[derive(Debug)]
struct RoomShared {
    handle: Handle,
    name: String,
    local: LocalParticipant,
    state: Mutex<RoomState>,
}

#[derive(Debug)]
struct RoomState {
    sid: String,
    metadata: String,
    connection: ConnectionState,
    remotes: HashMap<String, RemoteEntry>,
    /// None once the room has said its last word.
    events: Option<mpsc::UnboundedSender<RoomEvent>>,
    /// Set when we asked to leave: whatever the library then reports (a Disconnected
    /// with reason unknown, or end of stream) racing our own request is our leave.
    leaving: bool,
}

#[derive(Debug)]
struct RemoteEntry {
    _handle: Handle,
    info: proto::ParticipantInfo,
    publications: HashMap<String, RemotePublication>,
}

#[derive(Debug)]
struct RemotePublication {
    handle: Handle,
    info: proto::TrackPublicationInfo,
    track: Option<RemoteTrack>,
}

impl Room {
    /// Joins the room at `url` with `token`. Fails with a typed error within
    /// `options.connect_timeout`.
    pub async fn connect(
        url: &str,
        token: &str,
        options: RoomOptions,
    ) -> Result<(Room, RoomEvents), MediaError> {
        let engine = engine()?;
        let event = engine
            .request_async("connect", options.connect_timeout, |async_id| {
                Req::Connect(proto::ConnectRequest {
                    url: url.to_owned(),
                    token: token.to_owned(),
                    options: options.to_proto(),
                    request_async_id: Some(async_id),
                })
            })
            .await?;
        let Ev::Connect(callback) = event else {
            return Err(MediaError::Protocol("Connect"));
        };
        match callback.message {
            Some(proto::connect_callback::Message::Result(result)) => Ok(Self::connected(result)),
            Some(proto::connect_callback::Message::Error(e)) => {
                Err(MediaError::from_connect_error(e, options.connect_timeout))
            }
            None => Err(MediaError::Protocol("Connect")),
        }
    }

    fn connected(result: proto::connect_callback::Result) -> (Room, RoomEvents) {
        let (tx, rx) = mpsc::unbounded_channel();
        let remotes = result
            .participants
            .into_iter()
            .map(|p| {
                let publications = p
                    .publications
                    .into_iter()
                    .map(|publication| {
                        let entry = RemotePublication {
                            handle: Handle::owned(&publication.handle),
                            info: publication.info,
                            track: None,
                        };
                        (entry.info.sid.clone(), entry)
                    })
                    .collect();
                let entry = RemoteEntry {
                    _handle: Handle::owned(&p.participant.handle),
                    info: p.participant.info,
                    publications,
                };
                (entry.info.identity.clone(), entry)
            })
            .collect();
        let shared = Arc::new(RoomShared {
            handle: Handle::owned(&result.room.handle),
            name: result.room.info.name.clone(),
            local: LocalParticipant::from_owned(&result.local_participant),
            state: Mutex::new(RoomState {
                sid: result.room.info.sid.clone().unwrap_or_default(),
                metadata: result.room.info.metadata.clone(),
                connection: ConnectionState::Connected,
                remotes,
                events: Some(tx),
                leaving: false,
            }),
        });
        if let Ok(engine) = engine() {
            let room_handle = shared.handle.id();
            engine.register_sink(room_handle, Arc::new(RoomSink(Arc::downgrade(&shared))));
            // The library holds room events until we say we are listening.
            if let Err(e) =
                engine.request(Req::ReadyForRoomEvent(proto::ReadyForRoomEventRequest {
                    room_handle,
                }))
            {
                tracing::error!("ReadyForRoomEvent failed, room events will not arrive: {e}");
            }
        }
        (Room { shared }, rx)
    }

    pub fn name(&self) -> &str {
        &self.shared.name
    }

    pub fn sid(&self) -> String {
        self.shared.lock().sid.clone()
    }

    pub fn metadata(&self) -> String {
        self.shared.lock().metadata.clone()
    }

    pub fn connection_state(&self) -> ConnectionState {
        self.shared.lock().connection
    }

    pub fn local_participant(&self) -> &LocalParticipant {
        &self.shared.local
    }

    pub fn remote_participants(&self) -> Vec<RemoteParticipant> {
        self.shared
            .lock()
            .remotes
            .values()
            .map(RemoteEntry::snapshot)
            .collect()
    }

    pub fn remote_participant(&self, identity: &str) -> Option<RemoteParticipant> {
        self.shared
            .lock()
            .remotes
            .get(identity)
            .map(RemoteEntry::snapshot)
    }

    /// The subscribed track of a remote publication, if it is subscribed.
    pub fn remote_track(&self, identity: &str, track_sid: &str) -> Option<RemoteTrack> {
        let state = self.shared.lock();
        state
            .remotes
            .get(identity)?
            .publications
            .get(track_sid)?
            .track
            .clone()
    }

    /// Subscribes to or unsubscribes from a remote publication (for `auto_subscribe: false`).
    pub fn set_subscribed(
        &self,
        identity: &str,
        track_sid: &str,
        subscribe: bool,
    ) -> Result<(), MediaError> {
        let publication_handle = {
            let state = self.shared.lock();
            let publication = state
                .remotes
                .get(identity)
                .and_then(|r| r.publications.get(track_sid))
                .ok_or_else(|| {
                    MediaError::InvalidState(format!("no publication {track_sid} from {identity}"))
                })?;
            publication.handle.id()
        };
        engine()?.request(Req::SetSubscribed(proto::SetSubscribedRequest {
            subscribe,
            publication_handle,
        }))?;
        Ok(())
    }

    /// Tells the server how many pixels a remote video track is shown at, so that it forwards
    /// the simulcast layer that fits (a 600-pixel tile does not need the 1280x720 layer).
    pub fn set_video_dimensions(
        &self,
        track_sid: &str,
        width: u32,
        height: u32,
    ) -> Result<(), MediaError> {
        let track_publication_handle = {
            let state = self.shared.lock();
            state
                .remotes
                .values()
                .find_map(|r| r.publications.get(track_sid))
                .map(|p| p.handle.id())
                .ok_or_else(|| MediaError::InvalidState(format!("no publication {track_sid}")))?
        };
        engine()?.request(Req::UpdateRemoteTrackPublicationDimension(
            proto::UpdateRemoteTrackPublicationDimensionRequest {
                track_publication_handle,
                width,
                height,
            },
        ))?;
        Ok(())
    }

    /// Leaves the room. The event stream ends with `Disconnected { client_initiated }`.
    pub async fn disconnect(&self) -> Result<(), MediaError> {
        if self.shared.lock().events.is_none() {
            return Ok(());
        }
        self.shared.lock().leaving = true;
        let room_handle = self.shared.handle.id();
        let event = engine()?
            .request_async("disconnect", DISCONNECT_TIMEOUT, |async_id| {
                Req::Disconnect(proto::DisconnectRequest {
                    room_handle,
                    request_async_id: Some(async_id),
                    reason: Some(proto::DisconnectReason::ClientInitiated as i32),
                })
            })
            .await?;
        // The library may finish without a Disconnected event of its own.
        self.shared.finish(DisconnectReason::ClientInitiated);
        match event {
            Ev::Disconnect(_) => Ok(()),
            _ => Err(MediaError::Protocol("Disconnect")),
        }
    }

    /// Drives the library's fault scenarios; for tests of reconnect handling.
    pub async fn simulate(&self, scenario: SimulatedFault) -> Result<(), MediaError> {
        let room_handle = self.shared.handle.id();
        let event = engine()?
            .request_async("simulate scenario", DISCONNECT_TIMEOUT, |async_id| {
                Req::SimulateScenario(proto::SimulateScenarioRequest {
                    room_handle,
                    scenario: scenario.to_proto() as i32,
                    request_async_id: Some(async_id),
                })
            })
            .await?;
        match event {
            Ev::SimulateScenario(cb) => match cb.error {
                Some(e) if !e.is_empty() => Err(MediaError::InvalidState(e)),
                _ => Ok(()),
            },
            _ => Err(MediaError::Protocol("SimulateScenario")),
        }
    }
}

/// Faults the library can simulate on a live connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimulatedFault {
    /// Drop the signalling connection; the library resumes it.
    SignalReconnect,
    /// Tear down the whole session; the library rejoins and republishes.
    FullReconnect,
    /// The server announces it is leaving.
    ServerLeave,
}

impl SimulatedFault {
    fn to_proto(self) -> proto::SimulateScenarioKind {
        match self {
            Self::SignalReconnect => proto::SimulateScenarioKind::SimulateSignalReconnect,
            Self::FullReconnect => proto::SimulateScenarioKind::SimulateFullReconnect,
            Self::ServerLeave => proto::SimulateScenarioKind::SimulateServerLeave,
        }
    }
}

impl Drop for RoomShared {
    fn drop(&mut self) {
        let Ok(engine) = engine() else { return };
        let room_handle = self.handle.id();
        engine.unregister_sink(room_handle);
        if self.lock().events.is_some() {
            // Nobody can await this any more; its answer becomes an orphan and is ignored.
            let _ = engine.request(Req::Disconnect(proto::DisconnectRequest {
                room_handle,
                request_async_id: None,
                reason: Some(proto::DisconnectReason::ClientInitiated as i32),
            }));
        }
    }
}
