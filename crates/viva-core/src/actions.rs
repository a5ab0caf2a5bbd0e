//! One-shot actions on the backend for the signed-in user. Each takes a fresh access
//! token from the session (refreshing it when due).

use viva_api::interviews::Interview;
use viva_api::platform::DialInInfo;
use viva_api::questions::InterviewQuestion;
use viva_api::rooms::{ActiveRoom, ControlRequest, ControlResponse, RoomInfo};

use crate::error::{CoreError, ErrorCode};
use crate::session::Session;

pub async fn interviews(session: &Session) -> Result<Vec<Interview>, CoreError> {
    let (api, access) = session.access().await?;
    Ok(api.interviews(&access).await?)
}

pub async fn room_info(session: &Session, interview_id: &str) -> Result<RoomInfo, CoreError> {
    let (api, access) = session.access().await?;
    Ok(api.room_info(&access, interview_id).await?)
}

/// How to join the interview by phone. `enable`: the interviewer turns dial-in on first.
pub async fn dial_in(
    session: &Session,
    interview_id: &str,
    region: &str,
    enable: bool,
) -> Result<DialInInfo, CoreError> {
    let (api, access) = session.access().await?;
    Ok(api.dial_in(&access, interview_id, region, enable).await?)
}

/// Saves the interview's calendar event (`.ics`) into `dir` (the downloads folder; the home
/// folder when there is none) and returns the file's path, for the person to open.
pub async fn save_calendar(
    session: &Session,
    interview_id: &str,
    dir: Option<std::path::PathBuf>,
) -> Result<String, CoreError> {
    let (api, access) = session.access().await?;
    let ics = api.interview_calendar(&access, interview_id).await?;
    let dir = dir
        .or_else(|| std::env::var_os("HOME").map(std::path::PathBuf::from))
        .unwrap_or_else(std::env::temp_dir);
    let safe: String = interview_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let path = dir.join(format!("interview-{safe}.ics"));
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&path, ics).await
    };
    written.await.map_err(|e| {
        tracing::warn!(error = %e, dir = %dir.display(), "saving the calendar file failed");
        CoreError::new(
            ErrorCode::Storage,
            format!("Could not save the calendar file in {}: {e}", dir.display()),
        )
    })?;
    Ok(path.display().to_string())
}

pub async fn interview_questions(
    session: &Session,
    interview_id: &str,
) -> Result<Vec<InterviewQuestion>, CoreError> {
    let (api, access) = session.access().await?;
    Ok(api.interview_questions(&access, interview_id).await?)
}

pub async fn active_rooms(session: &Session) -> Result<Vec<ActiveRoom>, CoreError> {
    let (api, access) = session.access().await?;
    Ok(api.active_rooms(&access).await?)
}

/// What a room control applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Audio,
    Video,
    All,
}

pub async fn mute(
    session: &Session,
    interview_id: &str,
    identity: &str,
    kind: MediaKind,
    muted: bool,
) -> Result<ControlResponse, CoreError> {
    control(
        session,
        interview_id,
        ControlRequest {
            action: Some(if muted { "mute" } else { "unmute" }.into()),
            identity: Some(identity.to_owned()),
            audio_only: kind == MediaKind::Audio,
            video_only: kind == MediaKind::Video,
        },
    )
    .await
}

pub async fn eject(
    session: &Session,
    interview_id: &str,
    identity: &str,
) -> Result<ControlResponse, CoreError> {
    if identity.trim().is_empty() {
        return Err(CoreError::new(
            ErrorCode::InvalidInput,
            "Choose whom to remove",
        ));
    }
    control(
        session,
        interview_id,
        ControlRequest {
            action: Some("eject".into()),
            identity: Some(identity.to_owned()),
            ..Default::default()
        },
    )
    .await
}

pub async fn end(session: &Session, interview_id: &str) -> Result<ControlResponse, CoreError> {
    control(
        session,
        interview_id,
        ControlRequest {
            action: Some("end".into()),
            ..Default::default()
        },
    )
    .await
}

async fn control(
    session: &Session,
    interview_id: &str,
    request: ControlRequest,
) -> Result<ControlResponse, CoreError> {
    let (api, access) = session.access().await?;
    Ok(api.room_control(&access, interview_id, &request).await?)
}
