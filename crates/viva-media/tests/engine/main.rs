//! The media engine against a real livekit-server on loopback; no mocks. Each test starts
//! its own server, so tests run in parallel without sharing rooms.

mod bad_input;
mod data;
mod lifecycle;
mod moderation;
mod mute;
mod server_restart;
mod support;
mod two_party;
