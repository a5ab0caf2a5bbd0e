//! viva-recorder: the bundled recorder (issue "Recording with consent"). viva-server starts
//! one per recording with a hidden, subscribe-only token; it writes WebM files (VP8 + Opus)
//! into the recording's spool directory and lists them in `manifest.json`. Uploading the
//! spool to object storage is the server's job, so an outage of the storage loses nothing
//! and a crash of the recorder loses at most the file being written.
//!
//! Output: one JSON object per line on stdout (`connected`, `recording`, `file`, `error`,
//! `done`), as viva-bot prints them.

pub mod mux;
pub mod probe;
pub mod session;

pub use mux::{ParticipantFile, VideoSize};
pub use session::{run, Config, FileEntry, Manifest};

#[derive(Debug, thiserror::Error)]
pub enum RecorderError {
    #[error("cannot join the room: {0}")]
    Connect(String),
    #[error("media pipeline: {0}")]
    Pipeline(String),
    #[error("spool: {0}")]
    Io(String),
}

/// One JSON line on stdout, flushed at once so the server reads events as they happen.
pub fn emit(event: &str, mut fields: serde_json::Value) {
    use std::io::Write;
    if let Some(map) = fields.as_object_mut() {
        map.insert("event".into(), event.into());
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{fields}");
    let _ = out.flush();
}
