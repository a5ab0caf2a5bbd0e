//! viva-media: the native LiveKit engine.
//!
//! Loads LiveKit's official FFI library (`liblivekit_ffi`, LiveKit's Rust SDK with libwebrtc
//! compiled as a C library, shipped in the `livekit` wheel pinned in scripts/lib.sh) and
//! offers a safe async Rust API over it. It knows nothing of Viva: no backend, no interviews.
//!
//! Handles and protobuf stay inside: callers see `Room`, `LocalTrack`, `RemoteTrack`,
//! sources, streams and typed `RoomEvent`s. The library runs its own threads; this crate
//! needs a tokio runtime only for awaiting (timeouts), not to deliver events.

mod audio_device;
mod engine;
mod error;
mod events;
mod frame;
mod handle;
pub mod library;
mod orphan;
mod participant;
mod proto;
mod room;
mod source;
mod stream;
pub mod synthetic;
mod track;

/// The pinned `livekit` wheel the FFI library comes from (scripts/lib.sh, read at build).
pub const WHEEL_VERSION: &str = env!("VIVA_LIVEKIT_WHEEL_VERSION");
/// The directory under the cache where the bootstrap unpacks that wheel.
pub const FFI_DIR_NAME: &str = concat!("livekit-ffi-", env!("VIVA_LIVEKIT_WHEEL_VERSION"));

pub use audio_device::{AudioDevice, MicrophoneOptions, PlatformAudio};
pub use engine::{engine, init, Engine, EngineConfig};
pub use error::MediaError;
pub use events::{ConnectionQuality, ConnectionState, DisconnectReason, RoomEvent};
pub use frame::{AudioFrame, VideoFormat, VideoFrame};
pub use library::{FfiLibrary, LibraryError};
pub use participant::{
    DataOptions, LocalParticipant, LocalTrackPublication, ParticipantKind, ParticipantPermission,
    PublishOptions, RemoteParticipant, RemoteTrackPublication,
};
pub use room::{Room, RoomEvents, RoomOptions, SimulatedFault};
pub use source::{AudioSource, AudioSourceKind, VideoSource, VideoSourceOptions};
pub use stream::{AudioStream, VideoStream};
pub use track::{LocalTrack, RemoteTrack, TrackKind, TrackSource, VideoCodec};

#[cfg(test)]
mod tests {
    /// The app shares these across tokio tasks and threads.
    #[test]
    fn public_handles_are_send_and_sync() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::Room>();
        shareable::<super::LocalTrack>();
        shareable::<super::RemoteTrack>();
        shareable::<super::LocalTrackPublication>();
        shareable::<super::VideoSource>();
        shareable::<super::AudioSource>();
        shareable::<super::PlatformAudio>();
        shareable::<super::VideoStream>();
        shareable::<super::AudioStream>();
        shareable::<super::RoomEvent>();
        shareable::<super::MediaError>();
    }
}
