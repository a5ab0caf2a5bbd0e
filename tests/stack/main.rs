//! Full-stack tests: the real viva-server binary, a real livekit-server, and viva-bot
//! participants joining through the backend.

mod controls;
mod dial_in;
mod multinode;
mod platform;
mod public_rooms;
mod recording;
mod revocation;

pub use viva_testkit::api::Api;
