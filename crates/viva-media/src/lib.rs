//! viva-media: the native LiveKit engine.
//!
//! Loads LiveKit's official FFI library (`liblivekit_ffi`, LiveKit's Rust SDK with libwebrtc
//! compiled as a C library, shipped in the pinned `livekit==1.2.0` wheel) and offers a safe
//! Rust API over it. It knows nothing of Viva: no backend, no interviews.

pub mod library;
pub mod proto;

pub use library::{FfiLibrary, LibraryError};
