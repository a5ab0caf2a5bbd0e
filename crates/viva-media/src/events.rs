//! Room events as Rust types. Protobuf stays inside the crate: these enums are what the
//! rest of the application matches on.

use crate::participant::{ParticipantPermission, RemoteParticipant, RemoteTrackPublication};
use crate::track::RemoteTrack;

#[derive(Debug, Clone)]
pub enum RoomEvent {
    ParticipantConnected(RemoteParticipant),
    ParticipantDisconnected {
        identity: String,
        reason: DisconnectReason,
    },
    TrackPublished {
        participant_identity: String,
        publication: RemoteTrackPublication,
    },
    TrackUnpublished {
        participant_identity: String,
        publication_sid: String,
    },
    /// A remote track is ready: open a `VideoStream` or `AudioStream` on it.
    TrackSubscribed {
        participant_identity: String,
        track: RemoteTrack,
    },
    TrackUnsubscribed {
        participant_identity: String,
        track_sid: String,
    },
    TrackSubscriptionFailed {
        participant_identity: String,
        track_sid: String,
        error: String,
    },
    /// A track was muted, remote or local (the identity says whose).
    TrackMuted {
        participant_identity: String,
        track_sid: String,
    },
    TrackUnmuted {
        participant_identity: String,
        track_sid: String,
    },
    LocalTrackPublished {
        track_sid: String,
    },
    LocalTrackUnpublished {
        track_sid: String,
    },
    /// A remote participant subscribed to one of our tracks for the first time.
    LocalTrackSubscribed {
        track_sid: String,
    },
    ActiveSpeakersChanged {
        identities: Vec<String>,
    },
    ConnectionQualityChanged {
        participant_identity: String,
        quality: ConnectionQuality,
    },
    ConnectionStateChanged(ConnectionState),
    Reconnecting,
    Reconnected,
    /// The server refreshed our token; reconnects must use this one.
    TokenRefreshed {
        token: String,
    },
    RoomMetadataChanged {
        metadata: String,
    },
    ParticipantMetadataChanged {
        identity: String,
        metadata: String,
    },
    ParticipantNameChanged {
        identity: String,
        name: String,
    },
    ParticipantPermissionChanged {
        identity: String,
        permission: Option<ParticipantPermission>,
    },
    DataReceived {
        /// Empty when the server itself sent the packet.
        participant_identity: String,
        data: Vec<u8>,
        topic: Option<String>,
        reliable: bool,
    },
    /// The last event of a room: after it the event stream ends.
    Disconnected {
        reason: DisconnectReason,
    },
}

/// Why a participant or the local client left the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisconnectReason {
    Unknown,
    ClientInitiated,
    DuplicateIdentity,
    ServerShutdown,
    ParticipantRemoved,
    RoomDeleted,
    StateMismatch,
    JoinFailure,
    Migration,
    SignalClose,
    RoomClosed,
    UserUnavailable,
    UserRejected,
    SipTrunkFailure,
    ConnectionTimeout,
    MediaFailure,
    AgentError,
}

impl DisconnectReason {
    /// The stable snake_case name, e.g. for IPC and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::ClientInitiated => "client_initiated",
            Self::DuplicateIdentity => "duplicate_identity",
            Self::ServerShutdown => "server_shutdown",
            Self::ParticipantRemoved => "participant_removed",
            Self::RoomDeleted => "room_deleted",
            Self::StateMismatch => "state_mismatch",
            Self::JoinFailure => "join_failure",
            Self::Migration => "migration",
            Self::SignalClose => "signal_close",
            Self::RoomClosed => "room_closed",
            Self::UserUnavailable => "user_unavailable",
            Self::UserRejected => "user_rejected",
            Self::SipTrunkFailure => "sip_trunk_failure",
            Self::ConnectionTimeout => "connection_timeout",
            Self::MediaFailure => "media_failure",
            Self::AgentError => "agent_error",
        }
    }

    pub(crate) fn from_proto(value: i32) -> Self {
        use crate::proto::DisconnectReason as P;
        match P::try_from(value).unwrap_or(P::UnknownReason) {
            P::UnknownReason => Self::Unknown,
            P::ClientInitiated => Self::ClientInitiated,
            P::DuplicateIdentity => Self::DuplicateIdentity,
            P::ServerShutdown => Self::ServerShutdown,
            P::ParticipantRemoved => Self::ParticipantRemoved,
            P::RoomDeleted => Self::RoomDeleted,
            P::StateMismatch => Self::StateMismatch,
            P::JoinFailure => Self::JoinFailure,
            P::Migration => Self::Migration,
            P::SignalClose => Self::SignalClose,
            P::RoomClosed => Self::RoomClosed,
            P::UserUnavailable => Self::UserUnavailable,
            P::UserRejected => Self::UserRejected,
            P::SipTrunkFailure => Self::SipTrunkFailure,
            P::ConnectionTimeout => Self::ConnectionTimeout,
            P::MediaFailure => Self::MediaFailure,
            P::AgentError => Self::AgentError,
        }
    }
}

impl std::fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionState {
    Disconnected,
    Connected,
    Reconnecting,
}

impl ConnectionState {
    pub(crate) fn from_proto(value: i32) -> Self {
        use crate::proto::ConnectionState as P;
        match P::try_from(value).unwrap_or(P::ConnDisconnected) {
            P::ConnDisconnected => Self::Disconnected,
            P::ConnConnected => Self::Connected,
            P::ConnReconnecting => Self::Reconnecting,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionQuality {
    Excellent,
    Good,
    Poor,
    Lost,
}

impl ConnectionQuality {
    pub(crate) fn from_proto(value: i32) -> Self {
        use crate::proto::ConnectionQuality as P;
        match P::try_from(value).unwrap_or(P::QualityPoor) {
            P::QualityExcellent => Self::Excellent,
            P::QualityGood => Self::Good,
            P::QualityPoor => Self::Poor,
            P::QualityLost => Self::Lost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_protocol_disconnect_reason_has_a_distinct_snake_case_name() {
        let names: std::collections::HashSet<_> = (0..17)
            .map(|v| DisconnectReason::from_proto(v).as_str())
            .collect();
        assert_eq!(
            names.len(),
            17,
            "17 protocol reasons map to 17 names: {names:?}"
        );
        assert_eq!(
            DisconnectReason::from_proto(4).as_str(),
            "participant_removed"
        );
        assert_eq!(DisconnectReason::from_proto(5).as_str(), "room_deleted");
        assert_eq!(
            DisconnectReason::from_proto(99),
            DisconnectReason::Unknown,
            "future values"
        );
    }
}
