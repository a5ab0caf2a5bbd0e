//! LiveKit FFI protocol types (package `livekit.proto`), generated at build time from the
//! descriptors embedded in the pinned wheel. See build.rs.
#![allow(clippy::all, missing_docs, rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/livekit.proto.rs"));
