//! The OpenAPI document, built from one table of the routes. A test walks the table and
//! calls every entry, so the document cannot list a path the router does not serve.

use axum::response::Html;
use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::schema::Schema;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

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
    /// The media type of the bodies: JSON, unless the route takes or answers text, HTML,
    /// iCalendar or LiveKit's webhook JSON.
    pub media: &'static str,
}

impl Io {
    pub const NONE: Io = Io {
        request: None,
        status: 200,
        response: None,
        media: "application/json",
    };
}

/// The schema of a text body (plain text, HTML, iCalendar).
pub fn text(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<String>()
}

/// A schema written out as JSON Schema, for bodies no Rust type of ours describes (GraphQL's
/// envelope, LiveKit's webhook event, this document).
pub fn literal(schema: Value) -> Schema {
    serde_json::from_value(schema).expect("a literal schema is valid JSON Schema")
}

/// The schema of `T`, as a reference into `components.schemas`.
pub fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// The schema of a JSON array of `T`.
pub fn array_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<Vec<T>>()
}

/// GraphQL over HTTP: one operation per request.
pub fn graphql_request(_: &mut SchemaGenerator) -> Schema {
    literal(json!({
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": { "type": "string" },
            "operationName": { "type": ["string", "null"] },
            "variables": { "type": ["object", "null"] }
        }
    }))
}

/// GraphQL's answer: `data`, and `errors` when a field failed (with `extensions.code`).
pub fn graphql_response(_: &mut SchemaGenerator) -> Schema {
    literal(json!({
        "type": "object",
        "properties": {
            "data": {},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "message": { "type": "string" },
                        "path": { "type": "array" },
                        "extensions": { "type": "object" }
                    }
                }
            }
        }
    }))
}

/// LiveKit's `WebhookEvent` in its protobuf JSON form (LiveKit's schema, not ours: only
/// what a delivery always has is listed).
pub fn webhook_event(_: &mut SchemaGenerator) -> Schema {
    literal(json!({
        "type": "object",
        "required": ["event", "id"],
        "properties": {
            "event": { "type": "string", "examples": ["participant_joined", "room_finished"] },
            "id": { "type": "string" },
            "createdAt": { "type": ["string", "integer"] },
            "room": { "type": "object" },
            "participant": { "type": "object" },
            "track": { "type": "object" },
            "egressInfo": { "type": "object" }
        }
    }))
}

/// An OpenAPI 3.1 document.
pub fn openapi_document(_: &mut SchemaGenerator) -> Schema {
    literal(json!({
        "type": "object",
        "required": ["openapi", "info", "paths"],
        "properties": { "openapi": { "type": "string" } }
    }))
}

/// Every documented route: the seeds' and the rooms platform's.
pub fn routes() -> impl Iterator<Item = &'static RouteDoc> {
    super::openapi_seed::ROUTES
        .iter()
        .chain(super::openapi_platform::ROUTES)
}

/// The list endpoints: paged with `limit` and `cursor` (routes/paging.rs).
const LISTS: &[&str] = &[
    "/api/interviews/",
    "/api/companies/",
    "/api/jobs/",
    "/api/applications/",
    "/api/v1/rooms/",
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
                "content": { "application/json": { "schema": schemas.subschema_for::<viva_api::feedback::DraftConflict>() } }
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
        // Signing out works with or without the refresh token in the body.
        let required = route.path != "/api/auth/logout";
        op["requestBody"] = json!({
            "required": required,
            "content": { io.media: { "schema": request(schemas) } }
        });
    }
    if io.status != 200 || io.response.is_some() {
        let mut ok = json!({ "description": "Success" });
        if let Some(response) = io.response {
            ok["content"] = json!({ io.media: { "schema": response(schemas) } });
        }
        let responses = op["responses"].as_object_mut().expect("responses");
        responses.remove("200");
        if route.path == "/readyz" {
            let mut unready = ok.clone();
            unready["description"] = json!("The database does not answer");
            responses.insert("503".into(), unready);
        }
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
