//! LiveKit FFI protocol types (package `livekit.proto`), generated at build time from the
//! descriptors embedded in the pinned wheel. See build.rs.
//! Private to this crate: callers see our own types, never protobuf. The whole protocol
//! is generated, so some messages go unused here (dead_code is allowed for them).
#![allow(clippy::all, missing_docs, rustdoc::all, dead_code)]

include!(concat!(env!("OUT_DIR"), "/livekit.proto.rs"));
