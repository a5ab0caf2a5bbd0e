//! An interview's room: made from the default individual template the first time anyone
//! needs it, named after the interview.

use crate::domain::{interview_room_name, RoomStatus, RoomType};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Interview, NewRoom, Room, RoomSettings};

use super::admission;

/// Creates the room in our database and in LiveKit if needed. Idempotent and safe to call
/// concurrently: the database's primary key picks one creator, and LiveKit's CreateRoom
/// returns the existing room.
pub async fn ensure_room_for(
    state: &AppState,
    interview: &Interview,
) -> Result<(Room, bool), ApiError> {
    let (room, created) = room_row_for(state, interview).await?;
    if room.status == RoomStatus::Ended {
        return Ok((room, false));
    }
    admission::open_in_livekit(state, &room).await?;
    Ok((room, created))
}

/// The interview's room in our database, made from the default individual template when
/// the interview is accepted (or on first use, for interviews accepted before rooms had
/// templates). LiveKit is not asked; `admission::admit` does that for joins. The room
/// lasts as long as the interview was booked for, and its interviewer hosts it.
pub async fn room_row_for(
    state: &AppState,
    interview: &Interview,
) -> Result<(Room, bool), ApiError> {
    let name = interview_room_name(interview.id);
    if let Some(room) = state.store.room(&name).await? {
        return Ok((room, false));
    }
    let template = state.store.default_template(RoomType::Individual).await?;
    let settings = RoomSettings {
        max_duration: interview.duration_minutes * 60,
        ..template.settings
    };
    Ok(state
        .store
        .ensure_room(NewRoom {
            name,
            interview_id: Some(interview.id),
            room_code: None,
            template: template.name,
            settings,
            title: Some(interview.topic.clone()),
            host_id: Some(interview.receiver_id),
            created_by: None,
        })
        .await?)
}
