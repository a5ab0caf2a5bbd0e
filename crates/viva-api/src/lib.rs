//! Wire types shared by viva-server and its clients. Serde only: no I/O, no runtime.
//!
//! The JSON shapes are those our predecessor systems documented (see shared/seeds); a
//! change here is a change to a public API. Request types keep fields optional where the
//! server validates them itself, so a missing field gets a readable message in the error
//! shape instead of a deserializer's complaint.

pub mod auth;
pub mod catalog;
pub mod error;
pub mod feedback;
pub mod interviews;
pub mod livekit;
pub mod ops;
pub mod phone;
pub mod platform;
pub mod public;
pub mod questions;
pub mod recording;
pub mod room_code;
pub mod rooms;

pub use error::ErrorBody;
