//! IPC adapters, one module per domain. Each command takes state, calls viva-core and
//! returns its `{code, message}` error unchanged; nothing else.

pub mod app;
pub mod audio;
pub mod auth;
pub mod camera;
pub mod candidate;
pub mod feedback;
pub mod interviews;
pub mod room;
pub mod video;

pub use viva_core::client::blocking;
