//! Who takes part in an interview, and on which side: the interviewer (the receiver, who
//! runs the room) or the candidate (the sender). Every route that acts for a participant
//! loads the interview through here, so "not found" and "not yours" read the same
//! everywhere.

use uuid::Uuid;
use viva_api::interviews::UserSummary;

use crate::error::ApiError;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{Interview, Party, User};

/// The two sides of an interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The receiver: runs the room.
    Interviewer,
    /// The sender: asked for the interview.
    Candidate,
}

pub fn side_of(interview: &Interview, user_id: Uuid) -> Option<Side> {
    if interview.receiver_id == user_id {
        Some(Side::Interviewer)
    } else if interview.sender_id == user_id {
        Some(Side::Candidate)
    } else {
        None
    }
}

/// Loads the interview; 404 when it does not exist.
pub async fn load(state: &AppState, id: Uuid) -> Result<Interview, ApiError> {
    state
        .store
        .interview(id)
        .await?
        .ok_or_else(|| not_found(id))
}

pub fn not_found(id: Uuid) -> ApiError {
    ApiError::not_found(format!("Interview {id} not found"))
}

/// Loads the interview and requires the caller to take part in it.
pub async fn load_as_participant(
    state: &AppState,
    id: Uuid,
    user: &CurrentUser,
) -> Result<(Interview, Side), ApiError> {
    let interview = load(state, id).await?;
    let side = participant_side(&interview, user)?;
    Ok((interview, side))
}

/// The caller's side of the interview; 403 when they take part in it on neither.
pub fn participant_side(interview: &Interview, user: &CurrentUser) -> Result<Side, ApiError> {
    side_of(interview, user.id())
        .ok_or_else(|| ApiError::forbidden("You are not a participant of this interview"))
}

pub fn summary(user: &User) -> UserSummary {
    UserSummary {
        id: user.id.to_string(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role.to_string(),
    }
}

/// Both sides of an interview as summaries. `known` is a user the caller already holds
/// (usually the caller), who is then not read again.
pub async fn sides(
    state: &AppState,
    i: &Interview,
    known: Option<&User>,
) -> Result<(UserSummary, UserSummary), ApiError> {
    let get = |id| async move {
        if let Some(u) = known.filter(|u| u.id == id) {
            return Ok(summary(u));
        }
        state
            .store
            .user_by_id(id)
            .await?
            .map(|u| summary(&u))
            .ok_or_else(|| {
                ApiError::internal(format!("interview {} refers to missing user {id}", i.id))
            })
    };
    Ok((get(i.sender_id).await?, get(i.receiver_id).await?))
}

/// A side of an interview as a join's answer shows it.
pub fn party(p: Party) -> UserSummary {
    UserSummary {
        id: p.id.to_string(),
        username: p.username,
        display_name: p.display_name,
        role: p.role,
    }
}
