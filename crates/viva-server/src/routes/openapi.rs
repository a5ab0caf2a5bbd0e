//! The OpenAPI document, built from one table of the routes. A test walks the table and
//! calls every entry, so the document cannot list a path the router does not serve.

use axum::response::Html;
use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::schema::Schema;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use viva_api::auth::{LoginRequest, Me, MessageResponse, RefreshRequest, TokenPair};
use viva_api::catalog::{Application, Company, CreateApplication, CreateCompany, CreateJob, Job};
use viva_api::feedback::{Draft, DraftConflict, PutDraft};
use viva_api::interviews::{CreateInterview, Interview};
use viva_api::livekit::{ConnectionInfo, Health, TokenRequest, TokenResponse};
use viva_api::public::{
    CreatePublicRoom, PublicEndResponse, PublicJoinRequest, PublicJoinResponse, PublicRoomCreated,
    PublicRoomInfo,
};
use viva_api::rooms::{
    ActiveRoom, ControlRequest, ControlResponse, EnsureResponse, JoinResponse, RoomInfo,
};

use crate::extract::Json;

pub struct RouteDoc {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub auth: bool,
    /// Request and response schemas, where the route documents them.
    pub io: Io,
}

/// A schema generated from a wire type (viva-api, `schemars`).
pub type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

/// What a route takes and answers.
pub struct Io {
    pub request: Option<SchemaOf>,
    /// The success status (200, 201, 204).
    pub status: u16,
    pub response: Option<SchemaOf>,
}

impl Io {
    pub const NONE: Io = Io {
        request: None,
        status: 200,
        response: None,
    };
}

/// The schema of `T`, as a reference into `components.schemas`.
pub fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// The schema of a JSON array of `T`.
pub fn array_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<Vec<T>>()
}

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
        },
        ..doc
    }
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

/// Every documented route: the table below and the rooms platform's.
pub fn routes() -> impl Iterator<Item = &'static RouteDoc> {
    ROUTES.iter().chain(super::openapi_platform::ROUTES)
}

/// The list endpoints: paged with `limit` and `cursor` (routes/paging.rs).
const LISTS: &[&str] = &[
    "/api/interviews/",
    "/api/companies/",
    "/api/jobs/",
    "/api/applications/",
    "/api/v1/rooms/",
];

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
        "Sign out: revoke the session's tokens",
        true,
    ),
        None,
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
    r(
        "get",
        "/api/interviews/{id}/calendar.ics",
        "interviews",
        "The interview as an iCalendar event (text/calendar), with a reminder 10 minutes before",
        true,
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
    r(
        "post",
        "/api/interviews/{id}/feedback/interviewer/",
        "feedback",
        "The interviewer's scorecard (mandatory)",
        true,
    ),
    r(
        "post",
        "/api/interviews/{id}/feedback/candidate/",
        "feedback",
        "The candidate's feedback (optional)",
        true,
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
    r(
        "post",
        "/graphql",
        "graphql",
        "GraphQL: createInterviewRoom, getRoomToken (one-time passwords), application (agents)",
        false,
    ),
    r("get", "/healthz", "ops", "Liveness", false),
    r("get", "/readyz", "ops", "Readiness (database)", false),
    r(
        "get",
        "/metrics",
        "ops",
        "Prometheus metrics (bearer VIVA_METRICS_TOKEN; without one, this machine only)",
        false,
    ),
    r(
        "post",
        "/webhooks/livekit/",
        "livekit",
        "LiveKit's webhooks: signed by LiveKit with the API secret (401 otherwise); each event id acted on once",
        false,
    ),
    r("get", "/api/openapi.json", "ops", "This document", false),
    r(
        "get",
        "/api/docs",
        "ops",
        "Human-readable API documentation",
        false,
    ),
];

pub fn spec() -> Value {
    let mut paths = Map::new();
    let mut schemas = SchemaSettings::openapi3().into_generator();
    for route in routes() {
        let mut op = json!({
            "tags": [route.tag],
            "summary": route.summary,
            "responses": {
                "200": { "description": "Success" },
                "4XX": {
                    "description": "Client error",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                }
            }
        });
        if route.auth {
            op["security"] = json!([{ "bearer": [] }]);
        }
        op["parameters"] = Value::Array(path_parameters(route.path));
        if route.method == "get" && LISTS.contains(&route.path) {
            let list = op["parameters"].as_array_mut().expect("an array");
            list.extend([
                json!({
                    "name": "limit", "in": "query", "required": false,
                    "description": "Items per page (default 50)",
                    "schema": { "type": "integer", "minimum": 1, "maximum": super::paging::MAX_LIMIT }
                }),
                json!({
                    "name": "cursor", "in": "query", "required": false,
                    "description": "The X-Next-Cursor of the previous page",
                    "schema": { "type": "string" }
                }),
            ]);
            op["responses"]["200"]["headers"] = json!({
                "X-Next-Cursor": {
                    "description": "Cursor of the next page; absent on the last page",
                    "schema": { "type": "string" }
                }
            });
        }
        document_io(&mut op, route, &mut schemas);
        if route.method == "put" && route.path.ends_with("/feedback/drafts/{kind}") {
            op["responses"]["409"] = json!({
                "description": "The draft changed since base_version: the current draft",
                "content": { "application/json": { "schema": schemas.subschema_for::<DraftConflict>() } }
            });
        }
        let entry = paths.entry(route.path).or_insert_with(|| json!({}));
        entry[route.method] = op;
    }
    let mut components: Map<String, Value> = schemas
        .take_definitions()
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or_default()))
        .collect();
    components.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["statusCode", "message", "error"],
            "properties": {
                "statusCode": { "type": "integer" },
                "message": { "type": "array", "items": { "type": "string" } },
                "error": { "type": "string" }
            }
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Viva API", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": components
        }
    })
}

/// The route's request body, success answer and path parameters beyond `{id}`.
fn document_io(op: &mut Value, route: &RouteDoc, schemas: &mut SchemaGenerator) {
    let io = &route.io;
    if let Some(request) = io.request {
        op["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": request(schemas) } }
        });
    }
    if io.status != 200 || io.response.is_some() {
        let mut ok = json!({ "description": "Success" });
        if let Some(response) = io.response {
            ok["content"] = json!({ "application/json": { "schema": response(schemas) } });
        }
        let responses = op["responses"].as_object_mut().expect("responses");
        responses.remove("200");
        responses.insert(io.status.to_string(), ok);
    }
    if route.method == "get" && route.path == "/api/v1/rooms/" {
        if let Some(params) = op["parameters"].as_array_mut() {
            params.push(json!({
                "name": "status", "in": "query", "required": false,
                "description": "Only rooms with this status",
                "schema": { "type": "string", "enum": ["created", "active", "ended"] }
            }));
        }
    }
}

/// The path parameters of `path`, each with its schema (one table: a route with a
/// parameter not in it fails the test that validates the document).
fn path_parameters(path: &str) -> Vec<Value> {
    let uuid = json!({ "type": "string", "format": "uuid" });
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let schema = match name {
                "id" | "rid" | "jti" => uuid.clone(),
                "name" => json!({ "type": "string", "pattern": "^[a-z0-9-]{1,40}$" }),
                "kind" => json!({ "type": "string", "enum": ["interviewer", "candidate"] }),
                "roomCode" => json!({ "type": "string", "pattern": "^[2-9A-HJKMNP-Z]{8}$" }),
                other => panic!("path parameter {{{other}}} of {path} has no schema"),
            };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect()
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

/// A self-contained page (no CDN: the server may run offline) that lists the endpoints.
pub async fn docs_page() -> Html<&'static str> {
    Html(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Viva API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}code{font-size:.95em}.m{text-transform:uppercase;font-weight:700}</style>
</head><body><h1>Viva API</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a>.
Errors always read <code>{"statusCode", "message": [...], "error"}</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>Auth</th><th>What it does</th></tr></thead><tbody id="rows"></tbody></table>
<script>
fetch('/api/openapi.json').then(r => r.json()).then(doc => {
  const rows = document.getElementById('rows');
  for (const [path, ops] of Object.entries(doc.paths)) for (const [m, op] of Object.entries(ops)) {
    const tr = document.createElement('tr');
    for (const [text, cls] of [[m, 'm'], [path, ''], [op.security ? 'bearer' : 'none', ''], [op.summary, '']]) {
      const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td);
    }
    rows.appendChild(tr);
  }
});
</script></body></html>"#,
    )
}
