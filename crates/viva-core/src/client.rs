//! `Core`: everything the desktop app holds between two commands, behind one facade. The
//! shell's commands are adapters of at most three lines over it, so the rules that span
//! several pieces (sign-out order, one room at a time, one device user at a time) live
//! here, where tests can reach them without a window.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::audio_meter::Meter;
use crate::camera::{FrameOut, Preview};
use crate::drafts::SignedInDrafts;
use crate::room::{RoomController, RoomSink};
use crate::{CoreError, Entry, ErrorCode, SecretStore, Session, SessionInfo};

pub struct Core {
    session: Arc<Session>,
    drafts: SignedInDrafts,
    room: Mutex<Option<RoomController>>,
    /// Where an installed app keeps bundled resources (the LiveKit FFI library).
    resources: Option<PathBuf>,
    /// The pre-join microphone meter, while the pre-join screen shows it.
    meter: Mutex<Option<Meter>>,
    /// The pre-join camera preview, while the pre-join screen shows it.
    preview: Mutex<Option<Arc<Preview>>>,
    /// The `viva://` link the app was started with, until the UI takes it.
    join_link: Mutex<Option<String>>,
}

impl Core {
    /// `data_dir` holds the signed-in user's sealed drafts; `secrets` the session and keys.
    pub fn new(
        secrets: Arc<dyn SecretStore>,
        data_dir: PathBuf,
        resources: Option<PathBuf>,
        join_link: Option<String>,
    ) -> Self {
        let session = Arc::new(Session::new(secrets.clone()));
        Self {
            drafts: SignedInDrafts::new(data_dir, secrets, session.clone()),
            session,
            room: Mutex::new(None),
            resources,
            meter: Mutex::new(None),
            preview: Mutex::new(None),
            join_link: Mutex::new(join_link),
        }
    }

    pub fn session(&self) -> &Arc<Session> {
        &self.session
    }

    pub fn drafts(&self) -> &SignedInDrafts {
        &self.drafts
    }

    /// Loads the media engine (once), from the installation's resources when bundled.
    pub fn init_media(&self) -> Result<(), CoreError> {
        crate::init_media(self.resources.as_deref()).map(|_| ())
    }

    /// The current session; on start-up, the one remembered in the keyring.
    pub async fn session_info(&self) -> Result<Option<SessionInfo>, CoreError> {
        match self.session.current().await {
            Some(s) => Ok(Some(s)),
            None => self.session.restore().await,
        }
    }

    /// Signs out in the only safe order: leave the room (its token refreshes need the
    /// session), close the drafts (their sync engine stops; unsynced drafts stay on disk,
    /// sealed for this user), then forget the session and its keyring entry.
    pub async fn sign_out(&self) -> Result<(), CoreError> {
        self.leave().await;
        self.drafts.close().await;
        self.session.logout().await?;
        tracing::info!("signed out");
        Ok(())
    }

    /// Leaves any room we are in and joins the one `entry` leads to: one room at a time.
    /// The pre-join preview lets go of the camera first, because the room opens it.
    pub async fn enter(&self, entry: Entry, sink: Arc<dyn RoomSink>) -> Result<(), CoreError> {
        self.init_media()?;
        self.stop_preview().await?;
        let mut slot = self.room.lock().await;
        if let Some(old) = slot.take() {
            old.leave().await;
        }
        *slot = Some(RoomController::enter(entry, sink).await?);
        Ok(())
    }

    /// Leaves the room, if we are in one.
    pub async fn leave(&self) {
        let room = self.room.lock().await.take();
        if let Some(room) = room {
            room.leave().await;
        }
    }

    /// The room we are in.
    pub async fn room(&self) -> Result<RoomController, CoreError> {
        self.current_room()
            .await
            .ok_or_else(|| CoreError::new(ErrorCode::NotInRoom, "You are not in an interview room"))
    }

    /// The room we are in, if any: for the frame path, where no room is not an error.
    pub async fn current_room(&self) -> Option<RoomController> {
        self.room.lock().await.clone()
    }

    /// Starts the level meter of a microphone (None: the default), replacing a running
    /// one; `on_level` is called about 20 times a second until `stop_meter`.
    pub async fn start_meter(
        &self,
        microphone: Option<String>,
        on_level: impl Fn(f32) + Send + 'static,
    ) -> Result<(), CoreError> {
        self.init_media()?;
        let name = crate::audio::microphone_name(microphone.as_deref())?;
        let mut slot = self.meter.lock().await;
        // One meter at a time: the old one stops before the new one opens the device.
        release(slot.take()).await?;
        *slot = Some(blocking(move || Meter::start(name, on_level)).await?);
        Ok(())
    }

    pub async fn stop_meter(&self) -> Result<(), CoreError> {
        let meter = self.meter.lock().await.take();
        // Joining the meter's thread waits for its last read (at most 50 ms).
        release(meter).await
    }

    /// Starts the chosen camera's preview into `out`, replacing a running one; the
    /// camera's name.
    pub async fn start_preview(&self, out: FrameOut) -> Result<String, CoreError> {
        let mut slot = self.preview.lock().await;
        // One preview at a time: the old capture releases the device before the new one
        // opens it.
        release(slot.take()).await?;
        let preview = blocking(move || Preview::start(out)).await?;
        let name = preview.device_name().to_owned();
        *slot = Some(Arc::new(preview));
        Ok(name)
    }

    /// The running preview (frames acknowledged by the UI go to it).
    pub async fn preview(&self) -> Option<Arc<Preview>> {
        self.preview.lock().await.clone()
    }

    /// Stops the preview (the camera's light goes off).
    pub async fn stop_preview(&self) -> Result<(), CoreError> {
        let preview = self.preview.lock().await.take();
        release(preview).await
    }

    /// The room code of the `viva://join/...` link the app was opened with, once.
    pub async fn take_join_link(&self) -> Result<Option<String>, CoreError> {
        let link = self.join_link.lock().await.take();
        link.map(|l| crate::parse_join_link(&l)).transpose()
    }
}

/// Runs device work (opening a camera, probing devices) off the async runtime.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CoreError> + Send + 'static,
) -> Result<T, CoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CoreError::new(ErrorCode::Media, format!("device task failed: {e}")))?
}

/// Drops something holding a device off the async runtime: closing a device blocks.
async fn release<T: Send + 'static>(held: T) -> Result<(), CoreError> {
    blocking(move || {
        drop(held);
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySecrets;

    fn core(dir: &std::path::Path, link: Option<&str>) -> Core {
        Core::new(
            Arc::new(MemorySecrets::default()),
            dir.to_path_buf(),
            None,
            link.map(str::to_owned),
        )
    }

    #[tokio::test]
    async fn signing_out_with_no_session_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let core = core(dir.path(), None);
        core.sign_out().await.unwrap();
        assert!(core.session_info().await.unwrap().is_none());
        assert_eq!(core.room().await.err().unwrap().code, ErrorCode::NotInRoom);
        let drafts = core.drafts().get().await.err().unwrap();
        assert_eq!(drafts.code, ErrorCode::Unauthorized);
    }

    #[tokio::test]
    async fn the_start_up_link_is_taken_once() {
        let dir = tempfile::tempdir().unwrap();
        let core = core(dir.path(), Some("viva://join/ABCD2345"));
        assert_eq!(
            core.take_join_link().await.unwrap().as_deref(),
            Some("ABCD2345")
        );
        assert_eq!(core.take_join_link().await.unwrap(), None);
    }

    #[tokio::test]
    async fn without_a_room_there_is_nothing_to_control_or_leave() {
        let dir = tempfile::tempdir().unwrap();
        let core = core(dir.path(), None);
        core.leave().await;
        let e = core.room().await.err().unwrap();
        assert_eq!(e.code, ErrorCode::NotInRoom);
        assert_eq!(e.message, "You are not in an interview room");
        core.stop_meter().await.unwrap();
        core.stop_preview().await.unwrap();
    }
}
