//! What can go wrong on this computer while keeping drafts: the database file, its folder,
//! a record that no longer reads back, encryption. One conversion turns each into the
//! `storage` code the UI acts on ("the disk", not "the server"), and logs the cause.

use std::path::PathBuf;

use crate::error::{CoreError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("the local draft store failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot create {}: {source}", path.display())]
    Directory {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a stored draft is damaged: {0}")]
    Damaged(#[from] serde_json::Error),
    #[error("a draft could not be encrypted")]
    Seal,
}

impl From<DraftError> for CoreError {
    fn from(e: DraftError) -> Self {
        // The whole chain for the log; the person sees the sentence.
        tracing::warn!(error = ?e, "local draft storage failed");
        CoreError::new(ErrorCode::Storage, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_reads_as_storage_not_server() {
        let e = CoreError::from(DraftError::Directory {
            path: "/data/viva".into(),
            source: std::io::Error::from_raw_os_error(28), // ENOSPC
        });
        assert_eq!(e.code, ErrorCode::Storage);
        assert!(e.message.starts_with("cannot create /data/viva: "), "{e}");
        assert!(e.message.contains("No space left on device"), "{e}");
    }
}
