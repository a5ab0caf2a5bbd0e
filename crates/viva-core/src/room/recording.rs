//! Recording in the room: the state everyone sees comes from the room's metadata, which
//! only viva-server writes (`viva_api::recording`); answers to the consent question go to
//! the server with the join token, so candidates who joined by code or password (no
//! account) answer too; the interviewer starts and stops through their session.

use viva_api::recording::{RoomMetadata, RoomRecording};

use super::{lock, RoomController, RoomUpdate};
use crate::entry::Entry;
use crate::error::{CoreError, ErrorCode};

/// The update for the room's metadata: the recording, or none.
pub(super) fn update_of(metadata: &str) -> RoomUpdate {
    RoomUpdate::Recording {
        recording: RoomMetadata::recording_of(metadata),
    }
}

impl RoomController {
    /// Answers the consent question of `recording_id`: true to be recorded.
    pub async fn answer_recording(
        &self,
        room_id: &str,
        recording_id: &str,
        consent: bool,
    ) -> Result<RoomRecording, CoreError> {
        let token = lock(&self.0.latest_token).clone();
        let api = match &self.0.entry {
            Entry::Interview { session, .. } => session.access().await?.0,
            Entry::Code { api, .. } | Entry::Password { api, .. } => api.clone(),
        };
        Ok(api
            .recording_consent(&token, room_id, recording_id, consent)
            .await?)
    }

    /// The interviewer starts (`true`) or stops recording; everyone is asked first.
    pub async fn set_recording(&self, on: bool) -> Result<(), CoreError> {
        let (session, id) = self.interview()?;
        if !self.is_interviewer() {
            return Err(CoreError::new(
                ErrorCode::Forbidden,
                "Only the interviewer can record",
            ));
        }
        let (api, access) = session.access().await?;
        api.interview_recording(&access, id, on).await?;
        Ok(())
    }
}
