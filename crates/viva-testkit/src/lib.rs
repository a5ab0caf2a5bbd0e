//! Test-only helpers that start the real components on free loopback ports.
//!
//! Every service is a child process owned by a guard: dropping the guard stops it, and the
//! child is also told to die with the thread that started it (Linux `PR_SET_PDEATHSIG`), so a
//! test that panics or aborts leaves nothing running. Readiness is polled, never slept for.

pub mod api;
pub mod bot;
pub mod cache;
pub mod haproxy;
pub mod image;
pub mod livekit;
pub mod ports;
pub mod postgres;
pub mod process;
pub mod pulse;
pub mod redis;
pub mod s3;
pub mod viva_server;
pub mod webdriver;
pub mod xvfb;

pub use bot::Bot;
pub use haproxy::HaProxy;
pub use livekit::{LiveKitOptions, LiveKitServer};
pub use postgres::Postgres;
pub use pulse::PulseAudio;
pub use redis::Redis;
pub use s3::S3Server;
pub use viva_server::{workspace_bin, VivaServer};
pub use webdriver::{AppSession, Element, TauriDriver};
pub use xvfb::Xvfb;
