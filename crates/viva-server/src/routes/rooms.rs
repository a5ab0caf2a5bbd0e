//! The interview room endpoints, as the predecessor documented them: join, ensure, info,
//! controls, and the superuser's list of active rooms.

use axum::extract::State;
use uuid::Uuid;
use viva_api::rooms::{
    ActiveRoom, ControlRequest, ControlResponse, EnsureResponse, JoinInterview, JoinResponse,
    ParticipantState, Permissions, RoomInfo,
};

use crate::domain::{
    interview_room_name, ms_to_rfc3339, now_ms, user_identity, InterviewStatus, RoomRole,
    RoomStatus,
};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::livekit::{JoinGrant, ParticipantInfo, TrackType};
use crate::policy::admission;
use crate::policy::interview_room::{ensure_room_for, room_row_for};
use crate::policy::participants::{self, load, load_as_participant, sides, Side};
use crate::session::CurrentUser;
use crate::state::AppState;

/// Superusers see every room but never join one (privacy of the interview).
fn refuse_superuser(user: &CurrentUser) -> Result<(), ApiError> {
    if user.user.is_superuser {
        return Err(ApiError::forbidden(
            "Superusers cannot join interview rooms",
        ));
    }
    Ok(())
}

pub async fn join(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<JoinResponse>, ApiError> {
    refuse_superuser(&user)?;
    let identity = user_identity(user.id());
    // One statement for everything the join reads (the interview, its room, the ban, the
    // other side): the join's cost was the number of its statements.
    let view = state
        .store
        .join_view(id, &interview_room_name(id), user.id(), &identity)
        .await?
        .ok_or_else(|| participants::not_found(id))?;
    let side = participants::participant_side(&view.interview, &user)?;
    admission::require_joinable(&view.interview)?;
    let room = match view.room {
        Some(room) => room,
        None => room_row_for(&state, &view.interview).await?.0,
    };
    admission::admit_known(&state, &room, view.banned).await?;
    let interview = view.interview;
    let is_interviewer = side == Side::Interviewer;
    let issued = state
        .issue_join_token(
            &JoinGrant::new(
                &room,
                &identity,
                &user.user.display_name,
                if is_interviewer {
                    RoomRole::Host
                } else {
                    RoomRole::Participant
                },
                state.config.livekit.token_ttl,
            )
            .issued_by(user.id()),
        )
        .await?;
    // Writes only when something changes (the first join): SQLite has one writer.
    if room.status != RoomStatus::Active {
        state.store.mark_room_active(&room.name).await?;
    }
    let interview = if interview.status == InterviewStatus::Accepted {
        state
            .store
            .transition_interview(
                id,
                &[InterviewStatus::Accepted],
                InterviewStatus::InProgress,
            )
            .await?
            .unwrap_or(interview)
    } else {
        interview
    };
    let other = view
        .other
        .map(participants::party)
        .ok_or_else(|| ApiError::internal(format!("interview {id} refers to a missing user")))?;
    let (sender, receiver) = match side {
        Side::Candidate => (participants::summary(&user.user), other),
        Side::Interviewer => (other, participants::summary(&user.user)),
    };
    Ok(Json(JoinResponse {
        token: issued.token,
        room_name: room.name,
        livekit_url: state.config.livekit.public_url.clone(),
        identity,
        expires_at: ms_to_rfc3339(issued.expires_at_ms),
        is_interviewer,
        permissions: Permissions {
            can_publish: true,
            can_subscribe: true,
            can_screen_share: true,
            is_interviewer,
            is_room_admin: is_interviewer,
        },
        interview: JoinInterview {
            uuid_id: interview.id.to_string(),
            status: interview.status.to_string(),
            topic: interview.topic.clone(),
            scheduled_time: ms_to_rfc3339(interview.scheduled_time_ms),
            duration_minutes: interview.duration_minutes,
            sender,
            receiver,
        },
    }))
}

pub async fn ensure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<EnsureResponse>, ApiError> {
    refuse_superuser(&user)?;
    let (interview, _) = load_as_participant(&state, id, &user).await?;
    if !matches!(
        interview.status,
        InterviewStatus::Accepted | InterviewStatus::InProgress
    ) {
        return Err(ApiError::conflict(format!(
            "Interview is {}; rooms exist only for accepted interviews",
            interview.status
        )));
    }
    let (room, created) = ensure_room_for(&state, &interview).await?;
    if room.status == RoomStatus::Ended {
        return Err(ApiError::conflict("This interview room has ended"));
    }
    Ok(Json(EnsureResponse {
        room_name: room.name,
        created,
        status: room.status.to_string(),
        max_participants: room.settings.max_participants,
        empty_timeout: room.settings.empty_timeout,
    }))
}

fn participant_state(p: &ParticipantInfo, interviewer_identity: &str) -> ParticipantState {
    use livekit_protocol::participant_info::State as S;
    let state = match S::try_from(p.state) {
        Ok(S::Joining) => "joining",
        Ok(S::Joined) => "joined",
        Ok(S::Active) => "active",
        Ok(S::Disconnected) => "disconnected",
        Err(_) => "unknown",
    };
    let of_kind = |kind: TrackType| {
        p.tracks
            .iter()
            .filter(move |t| TrackType::try_from(t.r#type) == Ok(kind))
    };
    let has_audio = of_kind(TrackType::Audio).next().is_some();
    let has_video = of_kind(TrackType::Video).next().is_some();
    // LiveKit's SIP bridge names a caller by their number ("Phone +1555..."): others see
    // it masked. (The identity it picks, `sip_<number>`, is LiveKit's and stays as it is.)
    let phone = (p.kind == livekit_protocol::participant_info::Kind::Sip as i32).then(|| {
        viva_api::phone::mask(
            p.attributes
                .get(viva_api::phone::SIP_PHONE_ATTRIBUTE)
                .map(String::as_str)
                .unwrap_or_default(),
        )
    });
    ParticipantState {
        identity: p.identity.clone(),
        name: match &phone {
            Some(masked) => format!("Phone {masked}"),
            None => p.name.clone(),
        },
        state: state.into(),
        joined_at: (p.joined_at > 0).then(|| ms_to_rfc3339(p.joined_at * 1000)),
        is_speaking: None,
        // A participant with no track of a kind is, for the other side, muted in it.
        audio_muted: !has_audio || of_kind(TrackType::Audio).all(|t| t.muted),
        video_muted: !has_video || of_kind(TrackType::Video).all(|t| t.muted),
        has_audio,
        has_video,
        connection_quality: None,
        is_interviewer: p.identity == interviewer_identity,
        kind: crate::routes::webhooks::participant_kind(p.kind).to_string(),
        phone,
    }
}

pub async fn info(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<RoomInfo>, ApiError> {
    let (interview, _) = load_as_participant(&state, id, &user).await?;
    let name = interview_room_name(interview.id);
    let room = state.store.room(&name).await?;
    let status = room
        .as_ref()
        .map(|r| r.status.to_string())
        .unwrap_or_else(|| "not_created".into());
    let participants = match &room {
        Some(r) if r.status != RoomStatus::Ended => state.livekit.participants(&name).await?,
        _ => Vec::new(),
    };
    let interviewer = user_identity(interview.receiver_id);
    let participants: Vec<ParticipantState> = participants
        .iter()
        .filter(|p| {
            use livekit_protocol::participant_info::State as S;
            S::try_from(p.state) != Ok(S::Disconnected)
        })
        .map(|p| participant_state(p, &interviewer))
        .collect();
    Ok(Json(RoomInfo {
        room_name: name,
        status,
        num_participants: participants.len(),
        participants,
        limits: room.as_ref().map(super::platform::limits),
    }))
}

pub async fn controls(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(body): Json<ControlRequest>,
) -> Result<Json<ControlResponse>, ApiError> {
    let (interview, side) = load_as_participant(&state, id, &user).await?;
    if side != Side::Interviewer {
        return Err(ApiError::forbidden(
            "Only the interviewer can control this room",
        ));
    }
    let control = super::controls::parse(body)?;
    let room = state
        .store
        .room(&interview_room_name(interview.id))
        .await?
        .ok_or_else(|| ApiError::not_found("Room does not exist; call room/ensure/ first"))?;
    let me = user_identity(user.id());
    Ok(Json(
        super::controls::apply(&state, &room, &me, "interviewer", control).await?,
    ))
}

pub async fn active(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ActiveRoom>>, ApiError> {
    if !user.user.is_superuser {
        return Err(ApiError::forbidden("Only superusers can list active rooms"));
    }
    let live = state.livekit.list_rooms().await?;
    let mut out = Vec::new();
    for lk in live {
        let stored = state.store.room(&lk.name).await?;
        let interview = match stored.as_ref().and_then(|r| r.interview_id) {
            Some(iid) => Some(load(&state, iid).await?),
            None => None,
        };
        let (candidate, interviewer) = match &interview {
            Some(i) => {
                let (s, r) = sides(&state, i, None).await?;
                (Some(s), Some(r))
            }
            None => (None, None),
        };
        let participants = match &stored {
            Some(r) => {
                let now = now_ms();
                state
                    .store
                    .room_participants(&r.name)
                    .await?
                    .iter()
                    .map(|p| super::platform::participant_dto(p, now))
                    .collect()
            }
            None => Vec::new(),
        };
        let connected = participants.iter().filter(|p| p.connected).count() as u32;
        out.push(ActiveRoom {
            room_id: stored.as_ref().map(|r| r.id.to_string()),
            title: stored.as_ref().and_then(|r| r.title.clone()),
            limits: stored.as_ref().map(super::platform::limits),
            participants,
            room_name: lk.name.clone(),
            interview_id: interview.as_ref().map(|i| i.id.to_string()),
            topic: interview.as_ref().map(|i| i.topic.clone()),
            status: stored
                .as_ref()
                .map(|r| r.status.to_string())
                .unwrap_or_else(|| "unmanaged".into()),
            // LiveKit's count trails joins by seconds; our rooms count the webhooks' record.
            num_participants: if stored.is_some() {
                connected
            } else {
                lk.num_participants
            },
            created_at: ms_to_rfc3339(lk.creation_time * 1000),
            interviewer,
            candidate,
        });
    }
    Ok(Json(out))
}
