//! Local tracks (made from our sources) and remote tracks (handed out on subscription).

use std::sync::Arc;

use crate::engine::engine;
use crate::error::MediaError;
use crate::handle::Handle;
use crate::proto::{self, ffi_request::Message as Req, ffi_response::Message as Res};
use crate::source::{AudioSource, VideoSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackKind {
    Audio,
    Video,
    Unknown,
}

impl TrackKind {
    pub(crate) fn from_proto(value: i32) -> Self {
        match proto::TrackKind::try_from(value) {
            Ok(proto::TrackKind::KindAudio) => Self::Audio,
            Ok(proto::TrackKind::KindVideo) => Self::Video,
            _ => Self::Unknown,
        }
    }
}

/// What a track carries, as the server and other clients see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackSource {
    Unknown,
    Camera,
    Microphone,
    ScreenShare,
    ScreenShareAudio,
}

impl TrackSource {
    pub(crate) fn from_proto(value: i32) -> Self {
        use proto::TrackSource as P;
        match P::try_from(value).unwrap_or(P::SourceUnknown) {
            P::SourceUnknown => Self::Unknown,
            P::SourceCamera => Self::Camera,
            P::SourceMicrophone => Self::Microphone,
            P::SourceScreenshare => Self::ScreenShare,
            P::SourceScreenshareAudio => Self::ScreenShareAudio,
        }
    }

    pub(crate) fn to_proto(self) -> proto::TrackSource {
        use proto::TrackSource as P;
        match self {
            Self::Unknown => P::SourceUnknown,
            Self::Camera => P::SourceCamera,
            Self::Microphone => P::SourceMicrophone,
            Self::ScreenShare => P::SourceScreenshare,
            Self::ScreenShareAudio => P::SourceScreenshareAudio,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoCodec {
    Vp8,
    H264,
    Vp9,
    Av1,
    H265,
}

impl VideoCodec {
    pub(crate) fn to_proto(self) -> proto::VideoCodec {
        match self {
            Self::Vp8 => proto::VideoCodec::Vp8,
            Self::H264 => proto::VideoCodec::H264,
            Self::Vp9 => proto::VideoCodec::Vp9,
            Self::Av1 => proto::VideoCodec::Av1,
            Self::H265 => proto::VideoCodec::H265,
        }
    }
}

/// A track fed by one of our sources. Cheap to clone; the library track lives until the
/// last clone (and any publication of it) is dropped.
#[derive(Debug, Clone)]
pub struct LocalTrack {
    pub(crate) handle: Arc<Handle>,
    name: String,
    kind: TrackKind,
}

impl LocalTrack {
    pub fn video(name: &str, source: &VideoSource) -> Result<Self, MediaError> {
        let response =
            engine()?.request(Req::CreateVideoTrack(proto::CreateVideoTrackRequest {
                name: name.to_owned(),
                source_handle: source.handle_id(),
            }))?;
        let Res::CreateVideoTrack(created) = response else {
            return Err(MediaError::Protocol("CreateVideoTrack"));
        };
        Ok(Self::from_owned(created.track, TrackKind::Video))
    }

    pub fn audio(name: &str, source: &AudioSource) -> Result<Self, MediaError> {
        let response =
            engine()?.request(Req::CreateAudioTrack(proto::CreateAudioTrackRequest {
                name: name.to_owned(),
                source_handle: source.handle_id(),
            }))?;
        let Res::CreateAudioTrack(created) = response else {
            return Err(MediaError::Protocol("CreateAudioTrack"));
        };
        Ok(Self::from_owned(created.track, TrackKind::Audio))
    }

    fn from_owned(owned: proto::OwnedTrack, kind: TrackKind) -> Self {
        Self {
            handle: Arc::new(Handle::owned(&owned.handle)),
            name: owned.info.name,
            kind,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> TrackKind {
        self.kind
    }

    /// Mutes or unmutes; other participants see TrackMuted / TrackUnmuted.
    pub fn set_muted(&self, muted: bool) -> Result<(), MediaError> {
        let response = engine()?.request(Req::LocalTrackMute(proto::LocalTrackMuteRequest {
            track_handle: self.handle.id(),
            mute: muted,
        }))?;
        match response {
            Res::LocalTrackMute(_) => Ok(()),
            _ => Err(MediaError::Protocol("LocalTrackMute")),
        }
    }
}

/// A subscribed remote track. Open a `VideoStream` or `AudioStream` on it to get media.
#[derive(Debug, Clone)]
pub struct RemoteTrack {
    pub(crate) handle: Arc<Handle>,
    sid: String,
    name: String,
    kind: TrackKind,
    participant_identity: String,
}

impl RemoteTrack {
    pub(crate) fn from_owned(owned: proto::OwnedTrack, participant_identity: String) -> Self {
        Self {
            handle: Arc::new(Handle::owned(&owned.handle)),
            kind: TrackKind::from_proto(owned.info.kind),
            sid: owned.info.sid,
            name: owned.info.name,
            participant_identity,
        }
    }

    pub fn sid(&self) -> &str {
        &self.sid
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> TrackKind {
        self.kind
    }

    pub fn participant_identity(&self) -> &str {
        &self.participant_identity
    }
}
