//! The OpenAPI entries of the seeds' routes (sign-in, interviews and their rooms, feedback,
//! the LiveKit token API, the catalog, public rooms, operations), with request and response
//! schemas generated from the wire types in viva-api. The rooms platform's are in
//! openapi_platform.rs; openapi.rs builds the document from both.

use viva_api::auth::{LoginRequest, Me, MessageResponse, RefreshRequest, TokenPair};
use viva_api::catalog::{Application, Company, CreateApplication, CreateCompany, CreateJob, Job};
use viva_api::feedback::{Draft, PutDraft};
use viva_api::interviews::{
    CandidateFeedback, CreateInterview, FeedbackResponse, Interview, InterviewerFeedback,
};
use viva_api::livekit::{ConnectionInfo, Health, TokenRequest, TokenResponse};
use viva_api::ops::{Liveness, Readiness};
use viva_api::public::{
    CreatePublicRoom, PublicEndResponse, PublicJoinRequest, PublicJoinResponse, PublicRoomCreated,
    PublicRoomInfo,
};
use viva_api::rooms::{
    ActiveRoom, ControlRequest, ControlResponse, EnsureResponse, JoinResponse, RoomInfo,
};

use super::openapi::{
    array_of, graphql_request, graphql_response, openapi_document, schema, text, webhook_event, Io,
    RouteDoc, SchemaOf,
};

/// `doc` with its request and response schemas.
const fn with(
    doc: RouteDoc,
    request: Option<SchemaOf>,
    status: u16,
    response: Option<SchemaOf>,
) -> RouteDoc {
    RouteDoc {
        io: Io {
            request,
            status,
            response,
            media: doc.io.media,
        },
        ..doc
    }
}

/// `doc`, whose bodies are of media type `media` rather than JSON.
const fn media(mut doc: RouteDoc, media: &'static str) -> RouteDoc {
    doc.io.media = media;
    doc
}

const fn r(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    auth: bool,
) -> RouteDoc {
    RouteDoc {
        method,
        path,
        tag,
        summary,
        auth,
        io: Io::NONE,
    }
}

pub const ROUTES: &[RouteDoc] = &[
    with(
        r(
            "post",
            "/api/auth/login",
            "auth",
            "Sign in; returns an access token (15 min) and a refresh token",
            false,
        ),
        Some(schema::<LoginRequest>),
        200,
        Some(schema::<TokenPair>),
    ),
    with(
        r(
            "post",
            "/api/auth/refresh",
            "auth",
            "Rotate a refresh token; reuse of an old one revokes the session",
            false,
        ),
        Some(schema::<RefreshRequest>),
        200,
        Some(schema::<TokenPair>),
    ),
    with(
        r(
            "post",
            "/api/auth/logout",
            "auth",
            "Sign out: revoke the session's tokens (the body, optional, names the refresh token)",
            true,
        ),
        Some(schema::<RefreshRequest>),
        200,
        Some(schema::<MessageResponse>),
    ),
    with(
        r("get", "/api/auth/me", "auth", "The signed-in user", true),
        None,
        200,
        Some(schema::<Me>),
    ),
    with(
        r(
            "get",
            "/api/interviews/",
            "interviews",
            "Interviews you take part in (staff: all)",
            true,
        ),
        None,
        200,
        Some(array_of::<Interview>),
    ),
    with(
        r(
            "post",
            "/api/interviews/",
            "interviews",
            "Request an interview (candidates)",
            true,
        ),
        Some(schema::<CreateInterview>),
        201,
        Some(schema::<Interview>),
    ),
    with(
        r(
            "get",
            "/api/interviews/{id}/",
            "interviews",
            "One interview",
            true,
        ),
        None,
        200,
        Some(schema::<Interview>),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/accept/",
            "interviews",
            "Accept (the interviewer)",
            true,
        ),
        None,
        200,
        Some(schema::<Interview>),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/decline/",
            "interviews",
            "Decline (the interviewer)",
            true,
        ),
        None,
        200,
        Some(schema::<Interview>),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/cancel/",
            "interviews",
            "Cancel (either side, or staff)",
            true,
        ),
        None,
        200,
        Some(schema::<Interview>),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/complete/",
            "interviews",
            "Complete; requires the interviewer's feedback",
            true,
        ),
        None,
        200,
        Some(schema::<Interview>),
    ),
    with(
        media(
            r(
                "get",
                "/api/interviews/{id}/calendar.ics",
                "interviews",
                "The interview as an iCalendar event, with a reminder 10 minutes before",
                true,
            ),
            "text/calendar",
        ),
        None,
        200,
        Some(text),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/join/",
            "rooms",
            "A LiveKit join token for the interview room",
            true,
        ),
        None,
        200,
        Some(schema::<JoinResponse>),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/room/ensure/",
            "rooms",
            "Create the room if missing (idempotent)",
            true,
        ),
        None,
        200,
        Some(schema::<EnsureResponse>),
    ),
    with(
        r(
            "get",
            "/api/interviews/{id}/room/info/",
            "rooms",
            "Live participants from LiveKit",
            true,
        ),
        None,
        200,
        Some(schema::<RoomInfo>),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/room/controls/",
            "rooms",
            "mute | unmute | eject | end (the interviewer)",
            true,
        ),
        Some(schema::<ControlRequest>),
        200,
        Some(schema::<ControlResponse>),
    ),
    with(
        r(
            "get",
            "/api/interviews/rooms/active/",
            "rooms",
            "Every active room (superusers)",
            true,
        ),
        None,
        200,
        Some(array_of::<ActiveRoom>),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/feedback/interviewer/",
            "feedback",
            "The interviewer's scorecard (mandatory)",
            true,
        ),
        Some(schema::<InterviewerFeedback>),
        200,
        Some(schema::<FeedbackResponse>),
    ),
    with(
        r(
            "post",
            "/api/interviews/{id}/feedback/candidate/",
            "feedback",
            "The candidate's feedback (optional)",
            true,
        ),
        Some(schema::<CandidateFeedback>),
        200,
        Some(schema::<FeedbackResponse>),
    ),
    with(
        r(
            "get",
            "/api/interviews/{id}/feedback/drafts/{kind}",
            "feedback",
            "The versioned feedback draft of one side (interviewer | candidate)",
            true,
        ),
        None,
        200,
        Some(schema::<Draft>),
    ),
    with(
        r(
            "put",
            "/api/interviews/{id}/feedback/drafts/{kind}",
            "feedback",
            "Save a draft on top of base_version; 409 with the current draft when stale",
            true,
        ),
        Some(schema::<PutDraft>),
        200,
        Some(schema::<Draft>),
    ),
    with(
        r(
            "post",
            "/api/livekit/token",
            "livekit",
            "A LiveKit token for a room you may join",
            true,
        ),
        Some(schema::<TokenRequest>),
        200,
        Some(schema::<TokenResponse>),
    ),
    with(
        r(
            "get",
            "/api/livekit/connection-info",
            "livekit",
            "Where clients connect",
            true,
        ),
        None,
        200,
        Some(schema::<ConnectionInfo>),
    ),
    with(
        r(
            "get",
            "/api/livekit/health",
            "livekit",
            "Whether LiveKit is configured and answering",
            false,
        ),
        None,
        200,
        Some(schema::<Health>),
    ),
    with(
        r(
            "get",
            "/api/companies/",
            "catalog",
            "Companies (staff)",
            true,
        ),
        None,
        200,
        Some(array_of::<Company>),
    ),
    with(
        r(
            "post",
            "/api/companies/",
            "catalog",
            "Create a company {name} (staff)",
            true,
        ),
        Some(schema::<CreateCompany>),
        201,
        Some(schema::<Company>),
    ),
    with(
        r(
            "get",
            "/api/companies/{id}/",
            "catalog",
            "One company (staff)",
            true,
        ),
        None,
        200,
        Some(schema::<Company>),
    ),
    with(
        r("get", "/api/jobs/", "catalog", "Jobs (staff)", true),
        None,
        200,
        Some(array_of::<Job>),
    ),
    with(
        r(
            "post",
            "/api/jobs/",
            "catalog",
            "Create a job {companyId, title, description, questions} (staff)",
            true,
        ),
        Some(schema::<CreateJob>),
        201,
        Some(schema::<Job>),
    ),
    with(
        r("get", "/api/jobs/{id}/", "catalog", "One job (staff)", true),
        None,
        200,
        Some(schema::<Job>),
    ),
    with(
        r(
            "get",
            "/api/applications/",
            "catalog",
            "Applications (staff)",
            true,
        ),
        None,
        200,
        Some(array_of::<Application>),
    ),
    with(
        r(
            "post",
            "/api/applications/",
            "catalog",
            "Create an application {jobId, candidateName, candidateEmail, candidatePhone} (staff)",
            true,
        ),
        Some(schema::<CreateApplication>),
        201,
        Some(schema::<Application>),
    ),
    with(
        r(
            "get",
            "/api/applications/{id}/",
            "catalog",
            "One application (staff)",
            true,
        ),
        None,
        200,
        Some(schema::<Application>),
    ),
    with(
        r(
            "post",
            "/api/public/interview/room/create",
            "public",
            "Create a public room code for an application (staff)",
            true,
        ),
        Some(schema::<CreatePublicRoom>),
        201,
        Some(schema::<PublicRoomCreated>),
    ),
    with(
        r(
            "get",
            "/api/public/interview/room/{roomCode}",
            "public",
            "A public room's job, company, instructions and status",
            false,
        ),
        None,
        200,
        Some(schema::<PublicRoomInfo>),
    ),
    with(
        r(
            "post",
            "/api/public/interview/join/{roomCode}",
            "public",
            "Join with the application's phone number; returns a LiveKit token and a participant token",
            false,
        ),
        Some(schema::<PublicJoinRequest>),
        200,
        Some(schema::<PublicJoinResponse>),
    ),
    with(
        r(
            "post",
            "/api/public/interview/room/{roomCode}/end",
            "public",
            "End the session (Bearer: the participant token, or a staff access token)",
            true,
        ),
        None,
        200,
        Some(schema::<PublicEndResponse>),
    ),
    with(
        r(
            "post",
            "/graphql",
            "graphql",
            "GraphQL: createInterviewRoom, getRoomToken (one-time passwords), application (agents)",
            false,
        ),
        Some(graphql_request),
        200,
        Some(graphql_response),
    ),
    with(
        r("get", "/healthz", "ops", "Liveness", false),
        None,
        200,
        Some(schema::<Liveness>),
    ),
    with(
        r("get", "/readyz", "ops", "Readiness (database)", false),
        None,
        200,
        Some(schema::<Readiness>),
    ),
    with(
        media(
            r(
                "get",
                "/metrics",
                "ops",
                "Prometheus metrics (bearer VIVA_METRICS_TOKEN; without one, this machine only)",
                false,
            ),
            "text/plain",
        ),
        None,
        200,
        Some(text),
    ),
    with(
        media(
            r(
                "post",
                "/webhooks/livekit/",
                "livekit",
                "LiveKit's webhooks: signed by LiveKit with the API secret (401 otherwise); each event id acted on once",
                false,
            ),
            "application/webhook+json",
        ),
        Some(webhook_event),
        200,
        None,
    ),
    with(
        r("get", "/api/openapi.json", "ops", "This document", false),
        None,
        200,
        Some(openapi_document),
    ),
    with(
        media(
            r(
                "get",
                "/api/docs",
                "ops",
                "Human-readable API documentation",
                false,
            ),
            "text/html",
        ),
        None,
        200,
        Some(text),
    ),
];
