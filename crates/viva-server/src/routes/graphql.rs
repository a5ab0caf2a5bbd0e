//! One-time-password rooms over GraphQL at `/graphql` (seed "Interview Room with SMS
//! Password"), and the `application` query interview agents read.
//!
//! Decisions:
//! - Who may call what: `createInterviewRoom` needs a staff access token (Bearer) or the
//!   agent API key; `application` the same; `getRoomToken` is public (the password is the
//!   credential) and rate limited per address and per application.
//! - Agents authenticate with `X-Api-Key: <VIVA_AGENT_API_KEY>` (a `Secret`, compared by
//!   hash). Without the variable set there is no agent access.
//! - The password: 6 digits from the OS CSPRNG, argon2id-hashed, valid for
//!   `VIVA_OTP_TTL_SECONDS` (900), single use unless `VIVA_OTP_SINGLE_USE=false`. Each
//!   check first claims an attempt with a conditional UPDATE; after 5 claimed attempts the
//!   password is void, even under concurrent guesses from several nodes. A new room for
//!   the same application voids the previous unused password.
//! - The candidate's identity in a password room is `candidate_{digits}` of the phone on
//!   the application (the one the password was sent to); clients cannot pick it. The staff
//!   member who created the room is its interviewer (token API, `roomAdmin`).
//! - Errors are GraphQL errors with `extensions: {code, statusCode}`; a rate-limited
//!   request answers HTTP 429 with Retry-After (and `extensions.retryAfter`).
//! - The password appears only in the message sent to the candidate: never in a response,
//!   a log line, or Debug output.

use std::sync::LazyLock;

use crate::extract::Body;
use async_graphql::{
    Context, EmptySubscription, ErrorExtensions, InputObject, Object, Schema, SimpleObject, ID,
};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::ClientIp;
use crate::auth::{hash_pin, token_hash, verify_password};
use crate::codes;
use crate::domain::{candidate_identity, now_ms, RoomRole};
use crate::error::ApiError;
use crate::livekit::JoinGrant;
use crate::notify::{password_message, validity};
use crate::policy::throttle::{throttle_ip, throttle_target};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::NewPasswordRoom;

/// Password rooms: an hour at most, counted from the candidate's first join.
const PASSWORD_ROOM_MAX_DURATION_S: i64 = 3600;

pub type VivaSchema = Schema<Query, Mutation, EmptySubscription>;

static SCHEMA: LazyLock<VivaSchema> = LazyLock::new(|| {
    Schema::build(Query, Mutation, EmptySubscription)
        .limit_depth(8)
        .limit_complexity(200)
        .finish()
});

/// The schema in SDL (documentation, tests).
pub fn sdl() -> String {
    SCHEMA.sdl()
}

/// Who is calling, established by the HTTP handler.
struct Caller {
    ip: String,
    user: Option<CurrentUser>,
    agent: bool,
}

fn gql_error(status: u16, code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| {
        e.set("code", code);
        e.set("statusCode", status as i32);
    })
}

fn from_api(e: ApiError) -> async_graphql::Error {
    let status = e.status().as_u16();
    let code = match status {
        400 => "BAD_USER_INPUT",
        401 => "UNAUTHENTICATED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        429 => "TOO_MANY_REQUESTS",
        502 => "BAD_GATEWAY",
        503 => "SERVICE_UNAVAILABLE",
        _ => "INTERNAL_SERVER_ERROR",
    };
    let retry = e.retry_after_secs();
    gql_error(status, code, e.messages().join("; ")).extend_with(move |_, ext| {
        if let Some(secs) = retry {
            ext.set("retryAfter", secs as i32);
        }
    })
}

fn parse_id(field: &str, value: &str) -> async_graphql::Result<Uuid> {
    Uuid::parse_str(value.trim())
        .map_err(|_| gql_error(400, "BAD_USER_INPUT", format!("{field} must be a UUID")))
}

fn require_staff_or_agent(caller: &Caller) -> async_graphql::Result<Option<Uuid>> {
    if caller.agent {
        return Ok(None);
    }
    match &caller.user {
        Some(u) if u.is_staff() => Ok(Some(u.id())),
        Some(_) => Err(gql_error(
            403,
            "FORBIDDEN",
            "Only staff or interview agents may do this",
        )),
        None => Err(gql_error(
            401,
            "UNAUTHENTICATED",
            "A staff access token or an agent API key is required",
        )),
    }
}

#[derive(InputObject)]
struct CreateRoomInput {
    application_id: ID,
}

/// No Debug: it holds the password.
#[derive(InputObject)]
struct GetRoomTokenInput {
    application_id: ID,
    password: String,
}

#[derive(SimpleObject)]
struct CreateRoomResponse {
    /// `interview-{applicationId}-{n}`.
    room_name: String,
    message: String,
}

#[derive(SimpleObject)]
struct RoomTokenResponse {
    /// The LiveKit join token.
    token: String,
    room_name: String,
    /// Where clients connect (LiveKit); an addition to the seed's shape.
    server_url: String,
}

#[derive(SimpleObject)]
struct CandidateInfo {
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(SimpleObject)]
struct CompanyInfo {
    id: ID,
    name: String,
}

#[derive(SimpleObject)]
struct JobInfo {
    id: ID,
    title: String,
    description: String,
    questions: Vec<String>,
    company: CompanyInfo,
}

#[derive(SimpleObject)]
struct ApplicationInfo {
    id: ID,
    candidate: CandidateInfo,
    job: JobInfo,
}

pub struct Query;

#[Object]
impl Query {
    /// An application with its candidate and job, for interview agents.
    async fn application(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ApplicationInfo> {
        let state = ctx.data::<AppState>()?;
        require_staff_or_agent(ctx.data::<Caller>()?)?;
        let id = parse_id("id", &id)?;
        let not_found = || gql_error(404, "NOT_FOUND", format!("Application {id} not found"));
        let app = state
            .store
            .application(id)
            .await
            .map_err(|e| from_api(e.into()))?
            .ok_or_else(not_found)?;
        let job = state
            .store
            .job(app.job_id)
            .await
            .map_err(|e| from_api(e.into()))?
            .ok_or_else(not_found)?;
        let company = state
            .store
            .company(job.company_id)
            .await
            .map_err(|e| from_api(e.into()))?
            .ok_or_else(not_found)?;
        Ok(ApplicationInfo {
            id: ID(app.id.to_string()),
            candidate: CandidateInfo {
                name: app.candidate_name,
                email: app.candidate_email,
                phone: app.candidate_phone,
            },
            job: JobInfo {
                id: ID(job.id.to_string()),
                title: job.title,
                description: job.description,
                questions: job.questions,
                company: CompanyInfo {
                    id: ID(company.id.to_string()),
                    name: company.name,
                },
            },
        })
    }
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// Creates `interview-{applicationId}-{n}` and sends a one-time password to the
    /// candidate's phone.
    async fn create_interview_room(
        &self,
        ctx: &Context<'_>,
        create_room_input: CreateRoomInput,
    ) -> async_graphql::Result<CreateRoomResponse> {
        let state = ctx.data::<AppState>()?;
        let created_by = require_staff_or_agent(ctx.data::<Caller>()?)?;
        let application_id = parse_id("applicationId", &create_room_input.application_id)?;
        let app = state
            .store
            .application(application_id)
            .await
            .map_err(|e| from_api(e.into()))?
            .ok_or_else(|| {
                gql_error(
                    404,
                    "NOT_FOUND",
                    format!("Application {application_id} not found"),
                )
            })?;
        let phone = app.candidate_phone.clone().ok_or_else(|| {
            gql_error(
                400,
                "BAD_USER_INPUT",
                "The application has no candidate phone number to send the password to",
            )
        })?;
        let pin = codes::pin();
        let hash = {
            let pin = pin.clone();
            tokio::task::spawn_blocking(move || hash_pin(&pin))
                .await
                .map_err(|e| from_api(ApiError::internal(e)))?
                .map_err(|e| from_api(ApiError::internal(e)))?
        };
        let ttl = state.config.otp.ttl;
        let room_name = state
            .store
            .create_password_room(NewPasswordRoom {
                application_id,
                created_by,
                password_hash: hash,
                expires_at_ms: now_ms() + ttl.as_millis() as i64,
                max_duration: PASSWORD_ROOM_MAX_DURATION_S,
                max_participants: 4,
                empty_timeout: 600,
            })
            .await
            .map_err(|e| from_api(e.into()))?;
        let message = password_message(&pin, ttl, &room_name);
        if let Err(e) = state.notifier.send(&phone, &message).await {
            tracing::warn!(channel = state.notifier.channel(), error = %e, "password not sent");
            // A password nobody received must not stay live.
            if let Ok(Some(p)) = state
                .store
                .live_password(application_id, i64::MAX, now_ms())
                .await
            {
                let _ = state.store.void_password(p.id).await;
            }
            return Err(gql_error(
                502,
                "NOTIFICATION_FAILED",
                "The password could not be sent to the candidate; try again",
            ));
        }
        Ok(CreateRoomResponse {
            message: format!(
                "Interview room {room_name} created; a {}-digit password valid for {} was sent to the candidate ({})",
                codes::PIN_LEN,
                validity(ttl),
                state.notifier.channel()
            ),
            room_name,
        })
    }

    /// Exchanges the application's one-time password for a LiveKit join token.
    async fn get_room_token(
        &self,
        ctx: &Context<'_>,
        get_room_token_input: GetRoomTokenInput,
    ) -> async_graphql::Result<RoomTokenResponse> {
        let state = ctx.data::<AppState>()?;
        let caller = ctx.data::<Caller>()?;
        throttle_ip(state, &caller.ip).await.map_err(from_api)?;
        let application_id = parse_id("applicationId", &get_room_token_input.application_id)?;
        throttle_target(state, "otp", &application_id.to_string())
            .await
            .map_err(from_api)?;
        let password = get_room_token_input.password;
        let refused = || gql_error(401, "UNAUTHENTICATED", "Invalid or expired password");
        if !codes::is_pin_shaped(password.trim()) {
            return Err(gql_error(
                400,
                "BAD_USER_INPUT",
                "password must be 6 digits",
            ));
        }
        let max = state.config.otp.max_attempts;
        let store = &state.store;
        let db = |e: crate::store::StoreError| from_api(e.into());
        let live = store
            .live_password(application_id, max, now_ms())
            .await
            .map_err(db)?
            .ok_or_else(refused)?;
        // Claim the attempt before checking: concurrent guesses cannot exceed the limit.
        if !store
            .claim_password_attempt(live.id, max, now_ms())
            .await
            .map_err(db)?
        {
            return Err(refused());
        }
        let stored = live.password_hash.clone();
        let guess = password.trim().to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_password(&guess, &stored))
            .await
            .map_err(|e| from_api(ApiError::internal(e)))?;
        if !ok {
            return Err(refused());
        }
        if state.config.otp.single_use && !store.consume_password(live.id).await.map_err(db)? {
            return Err(refused());
        }
        let room = store
            .room(&live.room_name)
            .await
            .map_err(db)?
            .ok_or_else(|| from_api(ApiError::internal("password without a room")))?;
        let app = store
            .application(application_id)
            .await
            .map_err(db)?
            .ok_or_else(|| from_api(ApiError::internal("password without an application")))?;
        let phone = app
            .candidate_phone
            .ok_or_else(|| from_api(ApiError::internal("password room without a phone")))?;
        let identity = candidate_identity(&phone);
        crate::policy::admission::admit(state, &room, &identity)
            .await
            .map_err(from_api)?;
        let issued = state
            .issue_join_token(&JoinGrant::new(
                &room,
                &identity,
                &app.candidate_name,
                RoomRole::Participant,
                state.config.livekit.token_ttl,
            ))
            .await
            .map_err(from_api)?;
        store.mark_room_active(&room.name).await.map_err(db)?;
        Ok(RoomTokenResponse {
            token: issued.token,
            room_name: room.name,
            server_url: state.config.livekit.public_url.clone(),
        })
    }
}

/// Whether the request carries the agent API key.
fn is_agent(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(key) = &state.config.agent_api_key else {
        return false;
    };
    let Some(given) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    // Comparing digests keeps the comparison's timing independent of the key.
    token_hash(given.trim()) == token_hash(key.expose())
}

/// `POST /graphql`: one GraphQL request (no batches) as JSON.
pub async fn handler(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    user: Option<CurrentUser>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let request: async_graphql::Request = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Malformed GraphQL request: {e}")))?;
    let caller = Caller {
        ip,
        agent: is_agent(&state, &headers),
        user,
    };
    let response = SCHEMA
        .execute(request.data(caller).data(state.clone()))
        .await;
    let retry_after =
        response
            .errors
            .iter()
            .find_map(|e| match e.extensions.as_ref()?.get("retryAfter")? {
                async_graphql::Value::Number(n) => n.as_u64(),
                _ => None,
            });
    let mut res = axum::Json(&response).into_response();
    if let Some(secs) = retry_after {
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    }
    Ok(res)
}
