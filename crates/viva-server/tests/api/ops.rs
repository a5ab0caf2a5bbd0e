use crate::TestApp;
use viva_server::routes::openapi::routes;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::start().await;
    let (s, body) = app.get("/healthz", None).await;
    assert_eq!((s.as_u16(), body["status"].as_str()), (200, Some("ok")));
    let (s, body) = app.get("/readyz", None).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["database"], true);
    let (s, body) = app.get("/metrics", None).await;
    assert_eq!(s, 200);
    let text = body.as_str().expect("metrics are text");
    assert!(
        text.contains("viva_http_responses_total{class=\"2xx\"}"),
        "{text}"
    );
    // Each route has its latency histogram, under its template, not the path asked for.
    let healthz = "viva_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 1";
    assert!(text.contains(healthz), "{text}");
    app.get(&format!("/api/interviews/{}/", uuid::Uuid::new_v4()), None)
        .await;
    let (_, body) = app.get("/metrics", None).await;
    let text = body.as_str().expect("metrics are text");
    assert!(text.contains("route=\"/api/interviews/{id}/\""), "{text}");
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = TestApp::start().await;
    let (s, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for route in routes() {
        assert!(
            doc["paths"][route.path][route.method].is_object(),
            "{} {} missing from the document",
            route.method,
            route.path
        );
        let path = route
            .path
            .replace("{id}", "00000000-0000-4000-8000-000000000000")
            .replace("{jti}", "00000000-0000-4000-8000-000000000001")
            .replace("{name}", "group");
        let method = reqwest::Method::from_bytes(route.method.to_uppercase().as_bytes()).unwrap();
        let (status, body) = app.request(method, &path, None, None).await;
        // The router's fallback says "No such endpoint"; anything else means it is routed.
        assert!(
            !(status == 404 && body["message"][0] == "No such endpoint") && status != 405,
            "{} {} is documented but not served ({status})",
            route.method,
            route.path
        );
    }
    let (s, page) = app.get("/api/docs", None).await;
    assert_eq!(s, 200);
    assert!(page.as_str().unwrap().contains("/api/openapi.json"));
}

/// The other direction of `every_documented_route_is_served`: every route the router
/// declares (read from routes/mod.rs, where they all are) is in the document with each of its
/// methods, so a new endpoint cannot ship undocumented.
#[test]
fn every_served_route_is_documented() {
    let source = include_str!("../../src/routes/mod.rs");
    let doc = viva_server::routes::openapi::spec();
    let mut missing = Vec::new();
    let mut routes = 0;
    for (at, _) in source.match_indices(".route(") {
        // The call's text, up to its closing parenthesis.
        let rest = &source[at + ".route(".len()..];
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find_map(|(i, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                (depth == 0).then_some(i)
            })
            .expect("a .route( call closes");
        let call = &rest[..end];
        let path = call
            .split('"')
            .nth(1)
            .expect("a route's path is its first string");
        routes += 1;
        for method in ["get", "post", "put", "patch", "delete"] {
            let declared = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                i == 0
                    || !call.as_bytes()[i - 1].is_ascii_alphanumeric()
                        && call.as_bytes()[i - 1] != b'_'
            });
            if declared && !doc["paths"][path][method].is_object() {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(routes >= 60, "only {routes} routes read from routes/mod.rs");
    assert!(
        missing.is_empty(),
        "served but not documented: {missing:#?}"
    );
}

/// Every body is described: each success answer has a schema for its content (204s and the
/// webhook's empty 200 have none), and each write documents its request body, except the
/// ones listed here, which take none.
#[test]
fn every_body_has_a_schema() {
    const TAKE_NO_BODY: &[&str] = &[
        "post /api/interviews/{id}/accept/",
        "post /api/interviews/{id}/cancel/",
        "post /api/interviews/{id}/complete/",
        "post /api/interviews/{id}/decline/",
        "post /api/interviews/{id}/dial-in/",
        "post /api/interviews/{id}/join/",
        "post /api/interviews/{id}/recording/start/",
        "post /api/interviews/{id}/recording/stop/",
        "post /api/interviews/{id}/room/ensure/",
        "post /api/public/interview/room/{roomCode}/end",
        "post /api/v1/rooms/{id}/close/",
        "post /api/v1/rooms/{id}/dial-in/",
        "post /api/v1/rooms/{id}/recording/start/",
        "post /api/v1/rooms/{id}/recording/stop/",
        "post /api/v1/rooms/{id}/tokens/{jti}/revoke/",
    ];
    let doc = viva_server::routes::openapi::spec();
    let mut undocumented = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let name = format!("{method} {path}");
            let responses = op["responses"].as_object().unwrap();
            let (status, ok) = responses
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .unwrap_or_else(|| panic!("{name} has no success answer"));
            let answers_empty = status == "204" || name == "post /webhooks/livekit/";
            let schemas = |body: &serde_json::Value| {
                body["content"]
                    .as_object()
                    .is_some_and(|c| !c.is_empty() && c.values().all(|m| m["schema"].is_object()))
            };
            if !answers_empty && !schemas(ok) {
                undocumented.push(format!("{name}: the {status} answer"));
            }
            let writes = ["post", "put", "patch"].contains(&method.as_str());
            if writes && !TAKE_NO_BODY.contains(&name.as_str()) && !schemas(&op["requestBody"]) {
                undocumented.push(format!("{name}: the request"));
            }
        }
    }
    assert!(undocumented.is_empty(), "{undocumented:#?}");
}

/// The document is valid OpenAPI 3.1 by a real validator (openapi-spec-validator, pinned in
/// scripts/python-tools.txt): every path parameter declared, every schema well-formed.
#[tokio::test]
async fn the_document_passes_an_openapi_validator() {
    let app = TestApp::start().await;
    let (s, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, 200);
    let validator = viva_testkit::cache::cache_dir().join("pytools/bin/openapi-spec-validator");
    assert!(
        validator.is_file(),
        "{} is missing: run scripts/bootstrap",
        validator.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = std::process::Command::new(&validator)
        .arg(&file)
        .output()
        .expect("run openapi-spec-validator");
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.contains(": OK"), "{said}");
}

#[tokio::test]
async fn metrics_need_the_metrics_token_when_one_is_set() {
    let token = "metrics-token-metrics-token";
    let app = crate::TestApp::start_with(crate::Opts {
        env: vec![("VIVA_METRICS_TOKEN", token.into())],
        ..crate::Opts::default()
    })
    .await;
    let (s, body) = app.get("/metrics", None).await;
    crate::assert_error(s, &body, 401);
    let (s, body) = app.get("/metrics", Some("not-the-token")).await;
    crate::assert_error(s, &body, 401);
    let (s, body) = app.get("/metrics", Some(token)).await;
    assert_eq!(s, 200, "{body}");
    assert!(body.as_str().unwrap().contains("viva_http_responses_total"));
}

#[tokio::test]
async fn livekit_health_is_asked_at_most_every_few_seconds() {
    let livekit = crate::stub::Provider::start(reqwest::StatusCode::OK).await;
    let app = crate::TestApp::start_with(crate::Opts {
        env: vec![
            ("VIVA_LIVEKIT_URL", livekit.url.clone()),
            ("VIVA_LIVEKIT_API_KEY", "key".into()),
            ("VIVA_LIVEKIT_API_SECRET", "s".repeat(32)),
        ],
        ..crate::Opts::default()
    })
    .await;
    let polls = (0..20).map(|_| app.get("/api/livekit/health", None));
    for (s, body) in futures::future::join_all(polls).await {
        assert_eq!(s, 200, "{body}");
    }
    assert_eq!(
        livekit.requests().len(),
        1,
        "twenty polls, one RoomService call"
    );
}

/// Every `$ref` in `value`.
fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => out.push(r.to_owned()),
                    _ => refs(v, out),
                }
            }
        }
        serde_json::Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_rooms_platform_documents_its_requests_and_answers() {
    let app = TestApp::start().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let mut platform = 0;
    for route in routes().filter(|r| r.path.starts_with("/api/v1/")) {
        platform += 1;
        let op = &doc["paths"][route.path][route.method];
        let status = route.io.status.to_string();
        assert!(
            op["responses"][&status].is_object(),
            "{} {}: {op}",
            route.method,
            route.path
        );
        if route.io.response.is_some() {
            assert!(
                op["responses"][&status]["content"]["application/json"]["schema"].is_object(),
                "{} {} has no response schema",
                route.method,
                route.path
            );
        }
        if matches!(route.method, "post" | "patch") && route.io.request.is_some() {
            assert!(op["requestBody"]["content"]["application/json"]["schema"].is_object());
        }
    }
    assert_eq!(platform, 24, "every /api/v1/ route is documented");
    let room = &doc["components"]["schemas"]["PlatformRoom"]["properties"];
    for field in [
        "room_type",
        "template",
        "max_participants",
        "empty_timeout",
        "recording_enabled",
        "sip_enabled",
        "status",
    ] {
        assert!(room[field].is_object(), "PlatformRoom.{field}: {room}");
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} resolves"
        );
    }
}
