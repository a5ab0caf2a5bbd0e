//! Public interview access (seed "Public Interview Access"): staff create a room code;
//! candidates read the room's info and join with their phone number, no account needed.
//!
//! Decisions:
//! - The *interviewer* of a public room is the staff member who created it. They join
//!   `interview_{code}` through the token API (`POST /api/livekit/token` with
//!   `roomId: "interview_{code}"`) as `user-{uuid}` with `roomAdmin`; nobody else but the
//!   candidate gets a token for it.
//! - `sessionId` is the id of the code's session row (`public_sessions.id`): one per code,
//!   holding the application, type, instructions, creator, and the joins made with it.
//!   Its status is its room's status: SCHEDULED (created), IN_PROGRESS (active), COMPLETED
//!   (ended).
//! - The candidate's identity is `candidate_{digits}` of the E.164 phone the server parsed
//!   (default region `VIVA_DEFAULT_REGION`, AE), which must equal the application's phone
//!   when one is on file.
//! - `participantToken` is a random 256-bit credential, stored as a SHA-256 hash with the
//!   join: with it (as a Bearer token) the candidate may end the session. Knowing the code
//!   is not enough to end it; staff may end it with their own access token.
//! - The maximum duration counts from the candidate's first join; the background sweeper
//!   ends the room when it has passed (see `crate::sweeper`).
//! - Every public endpoint is rate limited per client address, and joins per code, with
//!   counters in the database (`VIVA_PUBLIC_RATE_LIMIT_PER_IP`, `..._PER_CODE`). Codes never
//!   reach the log: the request log records route templates, and rate-limit buckets hold a
//!   hash of the code.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use uuid::Uuid;
use viva_api::public::{
    CreatePublicRoom, PublicEndResponse, PublicJoinRequest, PublicJoinResponse, PublicRoomCreated,
    PublicRoomInfo,
};

use super::ClientIp;
use crate::auth::{random_token, token_hash};
use crate::codes;
use crate::domain::{candidate_identity, InterviewType, RoomRole, RoomStatus};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::livekit::JoinGrant;
use crate::policy::admission;
use crate::policy::throttle::{throttle_ip, throttle_target};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{Application, Job, NewPublicJoin, NewPublicSession, PublicSession, Room};

/// Interviewer, candidate, and room for an observer or an agent.
const MAX_PARTICIPANTS: i64 = 4;
const EMPTY_TIMEOUT_S: i64 = 600;
const DEFAULT_MAX_DURATION_S: i64 = 1800;
/// Shortest allowed maximum duration: long enough to be meaningful, short enough for a
/// test to watch the server end a room.
pub const MIN_MAX_DURATION_S: i64 = 10;
const MAX_MAX_DURATION_S: i64 = 24 * 3600;

/// Counts one request in `bucket` and refuses it with 429 and Retry-After when the
fn room_not_found() -> ApiError {
    ApiError::not_found("Interview room not found")
}

/// The session, its room, application and job for a code as typed; 404 for anything that
/// is not a live code (malformed ones included: they cannot exist).
async fn load(
    state: &AppState,
    code: &str,
) -> Result<(PublicSession, Room, Application, Job), ApiError> {
    let code = codes::normalize_code(code).ok_or_else(room_not_found)?;
    let session = state
        .store
        .public_session_by_code(&code)
        .await?
        .ok_or_else(room_not_found)?;
    let room = state
        .store
        .room(&session.room_name)
        .await?
        .ok_or_else(|| ApiError::internal("public session without a room"))?;
    let app = state
        .store
        .application(session.application_id)
        .await?
        .ok_or_else(|| ApiError::internal("public session without an application"))?;
    let job = state
        .store
        .job(app.job_id)
        .await?
        .ok_or_else(|| ApiError::internal("application without a job"))?;
    Ok((session, room, app, job))
}

/// The seed's session statuses, from the room's.
pub fn session_status(room: &Room) -> &'static str {
    match room.status {
        RoomStatus::Created => "SCHEDULED",
        RoomStatus::Active => "IN_PROGRESS",
        RoomStatus::Ended => "COMPLETED",
    }
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreatePublicRoom>,
) -> Result<(StatusCode, Json<PublicRoomCreated>), ApiError> {
    if !user.is_staff() {
        return Err(ApiError::forbidden("Only staff can create interview rooms"));
    }
    let mut problems = Vec::new();
    let application_id = match body.application_id.as_deref().map(str::trim) {
        None | Some("") => {
            problems.push("applicationId should not be empty".to_owned());
            None
        }
        Some(v) => Uuid::parse_str(v).ok().or_else(|| {
            problems.push("applicationId must be a UUID".into());
            None
        }),
    };
    let kind = match body.interview_type.as_deref() {
        None => Some(InterviewType::Technical),
        Some(k) => InterviewType::parse(k).or_else(|| {
            problems.push(
                "interviewType must be one of TECHNICAL, BEHAVIORAL, AI_SCREENING, FINAL, CUSTOM"
                    .into(),
            );
            None
        }),
    };
    let max_duration = body.max_duration.unwrap_or(DEFAULT_MAX_DURATION_S);
    if !(MIN_MAX_DURATION_S..=MAX_MAX_DURATION_S).contains(&max_duration) {
        problems.push(format!(
            "maxDuration must be between {MIN_MAX_DURATION_S} and {MAX_MAX_DURATION_S} seconds"
        ));
    }
    let instructions = body.instructions.unwrap_or_default().trim().to_owned();
    if instructions.chars().count() > 2000 {
        problems.push("instructions must be at most 2000 characters".into());
    }
    let (Some(application_id), Some(kind), true) = (application_id, kind, problems.is_empty())
    else {
        return Err(ApiError::validation(problems));
    };
    let app = state
        .store
        .application(application_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Application {application_id} not found")))?;
    let job = state
        .store
        .job(app.job_id)
        .await?
        .ok_or_else(|| ApiError::internal("application without a job"))?;
    // A collision among 31^8 codes is rare; the unique constraint catches it and we draw
    // again.
    let mut session = None;
    for _ in 0..5 {
        session = state
            .store
            .create_public_session(NewPublicSession {
                room_code: codes::room_code(),
                application_id,
                created_by: user.id(),
                interview_type: kind,
                instructions: instructions.clone(),
                max_duration,
                max_participants: MAX_PARTICIPANTS,
                empty_timeout: EMPTY_TIMEOUT_S,
            })
            .await?;
        if session.is_some() {
            break;
        }
    }
    let session = session.ok_or_else(|| ApiError::internal("no free room code in 5 draws"))?;
    let code = session.room_code.clone();
    Ok((
        StatusCode::CREATED,
        Json(PublicRoomCreated {
            join_url: format!("/interview/join/{code}"),
            deep_link: format!("viva://join/{code}"),
            room_name: session.room_name,
            room_code: code,
            instructions: session.instructions,
            max_duration,
            session_id: session.id.to_string(),
            candidate_name: app.candidate_name,
            job_title: job.title,
        }),
    ))
}

pub async fn info(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Result<Json<PublicRoomInfo>, ApiError> {
    throttle_ip(&state, &ip).await?;
    let (session, room, _app, job) = load(&state, &code).await?;
    let company = state
        .store
        .company(job.company_id)
        .await?
        .ok_or_else(|| ApiError::internal("job without a company"))?;
    Ok(Json(PublicRoomInfo {
        room_code: session.room_code,
        job_title: job.title,
        company_name: company.name,
        instructions: session.instructions,
        max_duration: room.settings.max_duration,
        status: session_status(&room).into(),
        interview_type: session.interview_type.to_string(),
    }))
}

pub async fn join(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    Json(body): Json<PublicJoinRequest>,
) -> Result<Json<PublicJoinResponse>, ApiError> {
    throttle_ip(&state, &ip).await?;
    let mut problems = Vec::new();
    let name_part = |problems: &mut Vec<String>, field: &str, v: Option<String>| {
        let v = v.unwrap_or_default().trim().to_owned();
        if v.is_empty() {
            problems.push(format!("{field} should not be empty"));
        } else if v.chars().count() > 100 {
            problems.push(format!("{field} must be at most 100 characters"));
        }
        v
    };
    let first_name = name_part(&mut problems, "firstName", body.first_name);
    let last_name = name_part(&mut problems, "lastName", body.last_name);
    let phone = match body.phone_number.as_deref().map(str::trim) {
        None | Some("") => {
            problems.push("phoneNumber should not be empty".into());
            None
        }
        Some(p) => match crate::phone::to_e164(p, state.config.default_region) {
            Ok(e164) => Some(e164),
            Err(e) => {
                problems.push(format!("phoneNumber {e}"));
                None
            }
        },
    };
    let (Some(phone), true) = (phone, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    if let Some(c) = codes::normalize_code(&code) {
        throttle_target(&state, "code", &c).await?;
    }
    let (session, room, app, job) = load(&state, &code).await?;
    if room.status == RoomStatus::Ended {
        return Err(ApiError::forbidden("This interview session has ended"));
    }
    match &app.candidate_phone {
        Some(expected) if *expected != phone => {
            return Err(ApiError::forbidden(
                "This phone number is not the one on the application",
            ));
        }
        Some(_) => {}
        // No phone on file: the first phone to join owns the room from then on, so
        // nobody else who learns the code can pick an identity in it.
        None => {
            if state.store.bind_session_phone(session.id, &phone).await? != phone {
                return Err(ApiError::forbidden(
                    "This room was joined with another phone number",
                ));
            }
        }
    }
    let identity = candidate_identity(&phone);
    admission::admit(&state, &room, &identity).await?;
    let participant_name = format!("{first_name} {last_name}");
    let issued = state
        .issue_join_token(&JoinGrant::new(
            &room,
            &identity,
            &participant_name,
            RoomRole::Participant,
            state.config.livekit.token_ttl,
        ))
        .await?;
    let credential = random_token(32);
    state
        .store
        .record_public_join(NewPublicJoin {
            session_id: session.id,
            phone,
            first_name,
            last_name,
            identity: identity.clone(),
            credential_hash: token_hash(&credential),
        })
        .await?;
    // The maximum duration starts with the candidate's first join.
    if room.status != RoomStatus::Active {
        state.store.mark_room_active(&room.name).await?;
    }
    Ok(Json(PublicJoinResponse {
        token: issued.token,
        server_url: state.config.livekit.public_url.clone(),
        participant_token: credential,
        room_name: room.name,
        identity,
        room_code: session.room_code,
        participant_name,
        job_title: job.title,
        instructions: session.instructions,
        max_duration: room.settings.max_duration,
    }))
}

pub async fn end(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> Result<Json<PublicEndResponse>, ApiError> {
    throttle_ip(&state, &ip).await?;
    let (session, room, _, _) = load(&state, &code).await?;
    let token = crate::extract::bearer(&headers).ok_or_else(|| {
        ApiError::unauthorized("The participant token or a staff access token is required")
    })?;
    let who = match state
        .store
        .session_for_credential(&token_hash(token))
        .await?
    {
        Some(id) if id == session.id => "candidate".to_owned(),
        Some(_) => {
            return Err(ApiError::forbidden(
                "This participant token belongs to another session",
            ))
        }
        None => match user {
            Some(u) if u.is_staff() => format!("staff:{}", u.id()),
            Some(_) => {
                return Err(ApiError::forbidden(
                    "Only the candidate or staff can end this session",
                ))
            }
            None => return Err(ApiError::unauthorized("Invalid or expired credentials")),
        },
    };
    if room.status == RoomStatus::Ended {
        return Ok(Json(PublicEndResponse {
            message: "Interview session already ended".into(),
        }));
    }
    if crate::sweeper::end_room(&state, &room.name, &who).await? {
        state.store.set_session_ended_by(session.id, &who).await?;
    }
    Ok(Json(PublicEndResponse {
        message: "Interview session ended successfully".into(),
    }))
}
