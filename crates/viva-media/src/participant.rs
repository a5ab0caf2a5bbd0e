//! The local participant (publishing, data) and snapshots of remote participants.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::engine::engine;
use crate::error::MediaError;
use crate::handle::Handle;
use crate::proto::{self, ffi_event::Message as Ev, ffi_request::Message as Req};
use crate::track::{LocalTrack, TrackKind, TrackSource, VideoCodec};

/// How long publishing may take before we call it failed: negotiation plus the server's
/// answer, generous for a loaded machine.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(20);
const DATA_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct PublishOptions {
    pub source: TrackSource,
    /// Send several resolutions so each subscriber gets what it can take (video only).
    pub simulcast: bool,
    /// None lets the library choose (VP8).
    pub video_codec: Option<VideoCodec>,
    pub max_bitrate: Option<u64>,
    pub max_framerate: Option<f64>,
    /// Audio: discontinuous transmission during silence.
    pub dtx: Option<bool>,
}

impl PublishOptions {
    pub fn camera() -> Self {
        Self::with_source(TrackSource::Camera)
    }

    pub fn microphone() -> Self {
        Self::with_source(TrackSource::Microphone)
    }

    pub fn screen_share() -> Self {
        Self::with_source(TrackSource::ScreenShare)
    }

    fn with_source(source: TrackSource) -> Self {
        Self {
            source,
            simulcast: source == TrackSource::Camera,
            video_codec: None,
            max_bitrate: None,
            max_framerate: None,
            dtx: None,
        }
    }

    fn to_proto(&self, kind: TrackKind) -> proto::TrackPublishOptions {
        let video = kind == TrackKind::Video;
        let video_encoding = match (video, self.max_bitrate, self.max_framerate) {
            (true, Some(max_bitrate), framerate) => Some(proto::VideoEncoding {
                max_bitrate,
                max_framerate: framerate.unwrap_or(30.0),
            }),
            _ => None,
        };
        let audio_encoding = match (video, self.max_bitrate) {
            (false, Some(max_bitrate)) => Some(proto::AudioEncoding { max_bitrate }),
            _ => None,
        };
        proto::TrackPublishOptions {
            video_encoding,
            audio_encoding,
            video_codec: self.video_codec.map(|c| c.to_proto() as i32),
            dtx: self.dtx,
            simulcast: Some(video && self.simulcast),
            source: Some(self.source.to_proto() as i32),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DataOptions {
    /// Reliable (ordered, retransmitted) or lossy.
    pub reliable: bool,
    pub topic: Option<String>,
    /// Empty sends to everyone in the room.
    pub destination_identities: Vec<String>,
}

/// A track we published. Mute through it; unpublish through the local participant.
#[derive(Debug, Clone)]
pub struct LocalTrackPublication {
    // Held so the library keeps the publication object for as long as we refer to it.
    _handle: Arc<Handle>,
    sid: String,
    name: String,
    source: TrackSource,
    track: LocalTrack,
}

impl LocalTrackPublication {
    pub fn sid(&self) -> &str {
        &self.sid
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn source(&self) -> TrackSource {
        self.source
    }

    pub fn track(&self) -> &LocalTrack {
        &self.track
    }

    pub fn set_muted(&self, muted: bool) -> Result<(), MediaError> {
        self.track.set_muted(muted)
    }
}

#[derive(Debug)]
pub struct LocalParticipant {
    handle: Handle,
    identity: String,
    sid: String,
    name: String,
    publications: Mutex<HashMap<String, LocalTrackPublication>>,
    /// What the server lets us do, as it last said (None: not said).
    permission: Mutex<Option<ParticipantPermission>>,
}

impl LocalParticipant {
    pub(crate) fn from_owned(owned: &proto::OwnedParticipant) -> Self {
        Self {
            handle: Handle::owned(&owned.handle),
            identity: owned.info.identity.clone(),
            sid: owned.info.sid.clone(),
            name: owned.info.name.clone(),
            publications: Mutex::new(HashMap::new()),
            permission: Mutex::new(
                owned
                    .info
                    .permission
                    .as_ref()
                    .map(ParticipantPermission::from_proto),
            ),
        }
    }

    /// What the server lets this participant do, as it last said.
    pub fn permission(&self) -> Option<ParticipantPermission> {
        self.permission
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_permission(&self, permission: Option<ParticipantPermission>) {
        *self.permission.lock().unwrap_or_else(|e| e.into_inner()) = permission;
    }

    /// Refuses, with a clear error, what the grant does not allow: the server would drop
    /// the request silently and the library would time out after 10 s.
    fn check_may_publish(&self, source: TrackSource) -> Result<(), MediaError> {
        let Some(p) = self.permission() else {
            return Ok(());
        };
        if !p.can_publish {
            return Err(MediaError::PermissionDenied(
                "this participant may not publish (the token does not grant canPublish)".into(),
            ));
        }
        if !p.can_publish_sources.is_empty() && !p.can_publish_sources.contains(&source) {
            return Err(MediaError::PermissionDenied(format!(
                "this participant may not publish a {source:?} track"
            )));
        }
        Ok(())
    }

    pub fn identity(&self) -> &str {
        &self.identity
    }

    pub fn sid(&self) -> &str {
        &self.sid
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn publications(&self) -> Vec<LocalTrackPublication> {
        self.lock().values().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, LocalTrackPublication>> {
        self.publications.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn publish_track(
        &self,
        track: &LocalTrack,
        options: PublishOptions,
    ) -> Result<LocalTrackPublication, MediaError> {
        self.check_may_publish(options.source)?;
        let event = engine()?
            .request_async("publish track", PUBLISH_TIMEOUT, |async_id| {
                Req::PublishTrack(proto::PublishTrackRequest {
                    local_participant_handle: self.handle.id(),
                    track_handle: track.handle.id(),
                    options: options.to_proto(track.kind()),
                    request_async_id: Some(async_id),
                })
            })
            .await?;
        let Ev::PublishTrack(cb) = event else {
            return Err(MediaError::Protocol("PublishTrack"));
        };
        match cb.message {
            Some(proto::publish_track_callback::Message::Publication(owned)) => {
                let publication = LocalTrackPublication {
                    _handle: Arc::new(Handle::owned(&owned.handle)),
                    sid: owned.info.sid,
                    name: owned.info.name,
                    source: TrackSource::from_proto(owned.info.source),
                    track: track.clone(),
                };
                self.lock()
                    .insert(publication.sid.clone(), publication.clone());
                Ok(publication)
            }
            Some(proto::publish_track_callback::Message::Error(e)) => Err(MediaError::Publish(e)),
            None => Err(MediaError::Protocol("PublishTrack")),
        }
    }

    pub async fn unpublish_track(&self, sid: &str) -> Result<(), MediaError> {
        let event = engine()?
            .request_async("unpublish track", PUBLISH_TIMEOUT, |async_id| {
                Req::UnpublishTrack(proto::UnpublishTrackRequest {
                    local_participant_handle: self.handle.id(),
                    track_sid: sid.to_owned(),
                    stop_on_unpublish: true,
                    request_async_id: Some(async_id),
                })
            })
            .await?;
        self.lock().remove(sid);
        match event {
            Ev::UnpublishTrack(cb) => match cb.error {
                Some(e) if !e.is_empty() => Err(MediaError::Unpublish(e)),
                _ => Ok(()),
            },
            _ => Err(MediaError::Protocol("UnpublishTrack")),
        }
    }

    pub async fn publish_data(&self, data: &[u8], options: DataOptions) -> Result<(), MediaError> {
        // The library copies the payload before answering.
        let event = engine()?
            .request_async("publish data", DATA_TIMEOUT, |async_id| {
                #[allow(deprecated)]
                Req::PublishData(proto::PublishDataRequest {
                    local_participant_handle: self.handle.id(),
                    data_ptr: data.as_ptr() as u64,
                    data_len: data.len() as u64,
                    reliable: options.reliable,
                    destination_sids: Vec::new(),
                    topic: options.topic.clone(),
                    destination_identities: options.destination_identities.clone(),
                    request_async_id: Some(async_id),
                })
            })
            .await?;
        match event {
            Ev::PublishData(cb) => match cb.error {
                Some(e) if !e.is_empty() => Err(MediaError::Data(e)),
                _ => Ok(()),
            },
            _ => Err(MediaError::Protocol("PublishData")),
        }
    }

    /// Forgets a publication the server removed (LocalTrackUnpublished).
    pub(crate) fn forget_publication(&self, sid: &str) {
        self.lock().remove(sid);
    }

    /// Re-keys a publication the library republished after a full reconnect.
    pub(crate) fn republished(&self, previous_sid: &str, info: &proto::TrackPublicationInfo) {
        let mut publications = self.lock();
        if let Some(mut publication) = publications.remove(previous_sid) {
            publication.sid = info.sid.clone();
            publications.insert(info.sid.clone(), publication);
        }
    }
}

/// What a participant may do, as the server last said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantPermission {
    pub can_subscribe: bool,
    pub can_publish: bool,
    pub can_publish_data: bool,
    pub can_publish_sources: Vec<TrackSource>,
    pub hidden: bool,
    pub can_update_metadata: bool,
}

impl ParticipantPermission {
    pub(crate) fn from_proto(p: &proto::ParticipantPermission) -> Self {
        Self {
            can_subscribe: p.can_subscribe,
            can_publish: p.can_publish,
            can_publish_data: p.can_publish_data,
            can_publish_sources: p
                .can_publish_sources
                .iter()
                .map(|&s| TrackSource::from_proto(s))
                .collect(),
            hidden: p.hidden,
            can_update_metadata: p.can_update_metadata,
        }
    }
}

/// Who a participant is, as the server reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantKind {
    Standard,
    Ingress,
    Egress,
    /// A caller through LiveKit's SIP bridge (phone dial-in).
    Sip,
    Agent,
    Other,
}

impl ParticipantKind {
    /// The protocol's numbering (livekit_models.proto `ParticipantInfo.Kind`).
    pub(crate) fn from_proto(value: i32) -> Self {
        match value {
            0 => Self::Standard,
            1 => Self::Ingress,
            2 => Self::Egress,
            3 => Self::Sip,
            4 => Self::Agent,
            _ => Self::Other,
        }
    }
}

/// A snapshot of a remote participant.
#[derive(Debug, Clone)]
pub struct RemoteParticipant {
    pub identity: String,
    pub name: String,
    pub sid: String,
    pub metadata: String,
    pub kind: ParticipantKind,
    /// Key-value attributes (a SIP caller's `sip.phoneNumber`, ...).
    pub attributes: std::collections::HashMap<String, String>,
    pub permission: Option<ParticipantPermission>,
    pub publications: Vec<RemoteTrackPublication>,
}

/// A snapshot of a remote publication.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteTrackPublication {
    pub sid: String,
    pub name: String,
    pub kind: TrackKind,
    pub source: TrackSource,
    pub muted: bool,
    pub simulcasted: bool,
    pub width: u32,
    pub height: u32,
    pub mime_type: String,
    pub subscribed: bool,
}

impl RemoteTrackPublication {
    pub(crate) fn from_proto(info: &proto::TrackPublicationInfo, subscribed: bool) -> Self {
        Self {
            sid: info.sid.clone(),
            name: info.name.clone(),
            kind: TrackKind::from_proto(info.kind),
            source: TrackSource::from_proto(info.source),
            muted: info.muted,
            simulcasted: info.simulcasted,
            width: info.width,
            height: info.height,
            mime_type: info.mime_type.clone(),
            subscribed,
        }
    }
}
