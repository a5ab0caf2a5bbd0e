//! HTTP-level tests of viva-server against real SQLite/PostgreSQL and a real livekit-server,
//! one module per surface; linked once.

mod auth;
mod bruteforce;
mod calendar;
mod catalog;
mod dial_in_matrix;
mod drafts;
mod fuzz;
mod harness;
mod interviews;
mod lists;
mod livekit_api;
mod matrix;
mod ops;
mod otp;
mod platform;
mod platform_matrix;
mod public;
mod questions;
mod rooms;
mod sessions;
mod store;
mod store_platform;
mod store_recordings;
mod stub;
mod sweeper;
mod validation;
mod webhooks;

pub use harness::*;
