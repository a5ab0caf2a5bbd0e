//! The rooms platform's entries of the OpenAPI document (seed "Rooms App"), with request
//! and response schemas generated from the wire types in viva-api.

use viva_api::platform::{
    CreateRoom, DialInInfo, PlatformRoom, RoomParticipant, RoomTemplate, RoomTokenResponse,
    TemplateInput, TokenRecord, TokenRequest, UpdateRoom,
};
use viva_api::questions::{BankQuestion, CreateBankQuestion, InterviewQuestion};
use viva_api::rooms::{ControlRequest, ControlResponse};

use super::openapi::{array_of, schema, Io, RouteDoc, SchemaOf};

/// The question bank's and an interview's questions (tag "questions").
const fn q(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<SchemaOf>,
    status: u16,
    response: Option<SchemaOf>,
) -> RouteDoc {
    RouteDoc {
        tag: "questions",
        ..p(method, path, summary, request, status, response)
    }
}

const fn p(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<SchemaOf>,
    status: u16,
    response: Option<SchemaOf>,
) -> RouteDoc {
    RouteDoc {
        method,
        path,
        tag: "rooms platform",
        summary,
        auth: true,
        io: Io {
            request,
            status,
            response,
        },
    }
}

pub const ROUTES: &[RouteDoc] = &[
    q(
        "get",
        "/api/question-bank/",
        "The question bank (staff); ?interview_type= filters",
        None,
        200,
        Some(array_of::<BankQuestion>),
    ),
    q(
        "post",
        "/api/question-bank/",
        "Add a question for an interview type (staff)",
        Some(schema::<CreateBankQuestion>),
        201,
        Some(schema::<BankQuestion>),
    ),
    q(
        "delete",
        "/api/question-bank/{id}/",
        "Remove a question (staff)",
        None,
        204,
        None,
    ),
    q(
        "get",
        "/api/interviews/{id}/questions/",
        "The interview's questions: the job's, then the bank's for its type (the interviewer, staff)",
        None,
        200,
        Some(array_of::<InterviewQuestion>),
    ),
    p(
        "get",
        "/api/v1/rooms/",
        "Rooms: staff see all, others the rooms they host",
        None,
        200,
        Some(array_of::<PlatformRoom>),
    ),
    p(
        "post",
        "/api/v1/rooms/",
        "Create a room from a template (staff); settings not given come from the template",
        Some(schema::<CreateRoom>),
        201,
        Some(schema::<PlatformRoom>),
    ),
    p(
        "get",
        "/api/v1/rooms/{id}/",
        "One room (staff or its host)",
        None,
        200,
        Some(schema::<PlatformRoom>),
    ),
    p(
        "patch",
        "/api/v1/rooms/{id}/",
        "Change a room that has not ended (staff)",
        Some(schema::<UpdateRoom>),
        200,
        Some(schema::<PlatformRoom>),
    ),
    p(
        "delete",
        "/api/v1/rooms/{id}/",
        "Close the room (staff): LiveKit deletes it and no token is issued for it again",
        None,
        204,
        None,
    ),
    p(
        "post",
        "/api/v1/rooms/{id}/close/",
        "Close the room (staff); answers the closed room",
        None,
        200,
        Some(schema::<PlatformRoom>),
    ),
    p(
        "post",
        "/api/v1/rooms/{id}/controls/",
        "mute | unmute | eject | end (staff or the host)",
        Some(schema::<ControlRequest>),
        200,
        Some(schema::<ControlResponse>),
    ),
    p(
        "get",
        "/api/v1/rooms/{id}/participants/",
        "Everyone who joined, from LiveKit's webhooks, with time in the room and time publishing audio and video",
        None,
        200,
        Some(array_of::<RoomParticipant>),
    ),
    p(
        "post",
        "/api/v1/rooms/{id}/token/",
        "A join token: host (room admin, publish, subscribe), participant (publish, subscribe) or viewer (subscribe only); ttl capped at 600 s",
        Some(schema::<TokenRequest>),
        200,
        Some(schema::<RoomTokenResponse>),
    ),
    p(
        "get",
        "/api/v1/rooms/{id}/dial-in/",
        "Dial-in numbers, the room's PIN and instructions (participants of the room); ?region=US picks the number",
        None,
        200,
        Some(schema::<DialInInfo>),
    ),
    p(
        "post",
        "/api/v1/rooms/{id}/dial-in/",
        "Turn dial-in on (staff or the host): a LiveKit SIP dispatch rule with a unique 6-digit PIN",
        None,
        200,
        Some(schema::<DialInInfo>),
    ),
    p(
        "delete",
        "/api/v1/rooms/{id}/dial-in/",
        "Turn dial-in off (staff or the host): the dispatch rule is deleted",
        None,
        204,
        None,
    ),
    p(
        "get",
        "/api/interviews/{id}/dial-in/",
        "The interview room's dial-in (interviewer and candidate)",
        None,
        200,
        Some(schema::<DialInInfo>),
    ),
    p(
        "post",
        "/api/interviews/{id}/dial-in/",
        "Turn dial-in on for the interview's room (the interviewer)",
        None,
        200,
        Some(schema::<DialInInfo>),
    ),
    p(
        "get",
        "/api/v1/rooms/{id}/tokens/",
        "The tokens issued for the room, newest first (staff); never the token itself",
        None,
        200,
        Some(array_of::<TokenRecord>),
    ),
    p(
        "post",
        "/api/v1/rooms/{id}/tokens/{jti}/revoke/",
        "Revoke a token (staff): its holder is removed from the room and cannot rejoin",
        None,
        200,
        Some(schema::<TokenRecord>),
    ),
    p(
        "get",
        "/api/v1/room-templates/",
        "Room templates",
        None,
        200,
        Some(array_of::<RoomTemplate>),
    ),
    p(
        "post",
        "/api/v1/room-templates/",
        "Create a template (staff); settings not given come from its type's default",
        Some(schema::<TemplateInput>),
        201,
        Some(schema::<RoomTemplate>),
    ),
    p(
        "get",
        "/api/v1/room-templates/{name}/",
        "One template",
        None,
        200,
        Some(schema::<RoomTemplate>),
    ),
    p(
        "patch",
        "/api/v1/room-templates/{name}/",
        "Change a template (staff); rooms made from it keep their settings",
        Some(schema::<TemplateInput>),
        200,
        Some(schema::<RoomTemplate>),
    ),
    p(
        "delete",
        "/api/v1/room-templates/{name}/",
        "Delete a template no room was made from and that is not a default (staff)",
        None,
        204,
        None,
    ),
];
