//! One-time-password rooms over GraphQL: the password reaches the candidate through the
//! configured notifier, opens the room once, and is refused when reused, expired or
//! guessed at too often. Only its argon2id hash is stored.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::catalog::application;
use crate::stub::Provider;
use crate::{assert_not_logged, jwt_claims, Cast, Opts, TestApp};

pub const AGENT_KEY: &str = "agent-key-for-tests-0123456789";

const CREATE: &str = "mutation($id: ID!) { createInterviewRoom(createRoomInput: {applicationId: $id}) { roomName message } }";
const TOKEN: &str = "mutation($id: ID!, $pw: String!) { getRoomToken(getRoomTokenInput: {applicationId: $id, password: $pw}) { token roomName } }";
const APPLICATION: &str = "query($id: ID!) { application(id: $id) { id candidate { name email phone } job { title description questions company { name } } } }";

/// Posts a GraphQL request; returns (HTTP status, body).
pub async fn gql(
    app: &TestApp,
    bearer: Option<&str>,
    api_key: Option<&str>,
    query: &str,
    variables: Value,
) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({"query": query, "variables": variables}));
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    if let Some(k) = api_key {
        req = req.header("x-api-key", k);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    assert!(status.as_u16() < 500, "/graphql answered {status}");
    (status, res.json().await.unwrap())
}

/// The error code of a GraphQL answer's first error.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

/// The 6-digit password in a message body.
pub fn pin_in(message: &str) -> String {
    let at = message.find("Password: ").expect("password line") + "Password: ".len();
    let pin = &message[at..at + 6];
    assert!(pin.bytes().all(|b| b.is_ascii_digit()), "{pin}");
    pin.to_owned()
}

fn wrong(pin: &str, n: u32) -> String {
    let guess = format!("{:06}", (pin.parse::<u32>().unwrap() + n) % 1_000_000);
    assert_ne!(guess, pin);
    guess
}

#[tokio::test]
async fn the_password_reaches_the_outbox_and_opens_the_room_once() {
    let lk = std::sync::Arc::new(
        tokio::task::spawn_blocking(viva_testkit::LiveKitServer::start)
            .await
            .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("otp.db").display());
    let app = TestApp::start_with(Opts {
        database_url: Some(db.clone()),
        livekit: Some(lk),
        env: vec![
            ("VIVA_AGENT_API_KEY", AGENT_KEY.into()),
            ("VIVA_OTP_TTL_SECONDS", "600".into()),
        ],
    })
    .await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, Some("+971509876543")).await;
    let app_id = a["id"].as_str().unwrap();
    let vars = json!({"id": app_id});

    // Creating needs staff or the agent key.
    let (_, b) = gql(&app, None, None, CREATE, vars.clone()).await;
    assert_eq!(error_code(&b), "UNAUTHENTICATED", "{b}");
    let (_, b) = gql(
        &app,
        Some(&cast.candidate.token),
        None,
        CREATE,
        vars.clone(),
    )
    .await;
    assert_eq!(error_code(&b), "FORBIDDEN", "{b}");
    let (_, b) = gql(
        &app,
        Some(&cast.staff.token),
        None,
        CREATE,
        json!({"id": "nope"}),
    )
    .await;
    assert_eq!(error_code(&b), "BAD_USER_INPUT", "{b}");
    let (_, b) = gql(
        &app,
        Some(&cast.staff.token),
        None,
        CREATE,
        json!({"id": uuid::Uuid::new_v4()}),
    )
    .await;
    assert_eq!(error_code(&b), "NOT_FOUND", "{b}");

    let before = chrono::Utc::now().timestamp_millis();
    let (s, b) = gql(&app, Some(&cast.staff.token), None, CREATE, vars.clone()).await;
    assert_eq!(s, 200, "{b}");
    let room1 = format!("interview-{app_id}-1");
    assert_eq!(
        b["data"]["createInterviewRoom"]["roomName"],
        room1.as_str(),
        "{b}"
    );
    let confirmation = b["data"]["createInterviewRoom"]["message"]
        .as_str()
        .unwrap();

    // The message is in the outbox (default notifier), in the documented format.
    let outbox = app.store.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].recipient, "+971509876543");
    let pin = pin_in(&outbox[0].body);
    assert_eq!(
        outbox[0].body,
        format!("🎯 Your Interview Room Password: {pin}\n\n✅ Valid for 10 minutes\n📌 Room: {room1}\n\nGood luck with your interview!")
    );
    assert!(
        !confirmation.contains(&pin),
        "the response never carries the password"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_viva-server"))
        .args(["outbox", "list", "--json"])
        .env("VIVA_DATABASE_URL", &db)
        .env("VIVA_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success());
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed[0]["body"], outbox[0].body.as_str());
    assert_eq!(listed[0]["recipient"], "+971509876543");

    // Stored: an argon2id hash with the configured expiry, not the password.
    let rows = app
        .store
        .passwords_for(uuid::Uuid::parse_str(app_id).unwrap())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].password_hash.starts_with("$argon2id$"),
        "{}",
        rows[0].password_hash
    );
    assert!(!rows[0].password_hash.contains(&pin));
    assert!(viva_server::auth::verify_password(
        &pin,
        &rows[0].password_hash
    ));
    let ttl_ms = rows[0].expires_at_ms - before;
    assert!(
        (599_000..=610_000).contains(&ttl_ms),
        "expires in 600 s: {ttl_ms}"
    );

    // A wrong password: no token. The right one: a token for the candidate, once.
    let (_, b) = gql(
        &app,
        None,
        None,
        TOKEN,
        json!({"id": app_id, "pw": wrong(&pin, 1)}),
    )
    .await;
    assert_eq!(error_code(&b), "UNAUTHENTICATED", "{b}");
    assert!(b["data"].is_null(), "{b}");
    let (_, b) = gql(&app, None, None, TOKEN, json!({"id": app_id, "pw": "12ab"})).await;
    assert_eq!(error_code(&b), "BAD_USER_INPUT", "{b}");
    let (s, b) = gql(&app, None, None, TOKEN, json!({"id": app_id, "pw": pin})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["data"]["getRoomToken"]["roomName"], room1.as_str());
    let claims = jwt_claims(b["data"]["getRoomToken"]["token"].as_str().unwrap());
    assert_eq!(
        claims["sub"], "candidate_971509876543",
        "identity derived from the application's phone"
    );
    assert_eq!(claims["video"]["room"], room1.as_str());
    assert!(claims["video"].get("roomAdmin").is_none());
    let (_, b) = gql(&app, None, None, TOKEN, json!({"id": app_id, "pw": pin})).await;
    assert_eq!(error_code(&b), "UNAUTHENTICATED", "reused: {b}");

    // The staff member who created the room is its interviewer.
    let (s, t) = app
        .post(
            "/api/livekit/token",
            Some(&cast.staff.token),
            json!({"roomId": room1}),
        )
        .await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(
        jwt_claims(t["token"].as_str().unwrap())["video"]["roomAdmin"],
        true
    );
    let (s, _) = app
        .post(
            "/api/livekit/token",
            Some(&cast.interviewer.token),
            json!({"roomId": room1}),
        )
        .await;
    assert_eq!(s, 403);

    // Five wrong attempts void the password: the sixth, right or not, is refused.
    let (_, b) = gql(&app, None, Some(AGENT_KEY), CREATE, vars.clone()).await;
    assert_eq!(
        b["data"]["createInterviewRoom"]["roomName"],
        format!("interview-{app_id}-2"),
        "{b}"
    );
    let pin2 = pin_in(&app.store.outbox().await.unwrap()[1].body);
    for n in 1..=5 {
        let (_, b) = gql(
            &app,
            None,
            None,
            TOKEN,
            json!({"id": app_id, "pw": wrong(&pin2, n)}),
        )
        .await;
        assert_eq!(error_code(&b), "UNAUTHENTICATED", "attempt {n}: {b}");
    }
    let (_, b) = gql(&app, None, None, TOKEN, json!({"id": app_id, "pw": pin2})).await;
    assert_eq!(error_code(&b), "UNAUTHENTICATED", "sixth attempt: {b}");
    assert!(b["data"].is_null());

    // An expired password is refused (its expiry moved into the past).
    let (_, b) = gql(&app, Some(&cast.staff.token), None, CREATE, vars.clone()).await;
    assert!(b["errors"].is_null(), "{b}");
    let pin3 = pin_in(&app.store.outbox().await.unwrap()[2].body);
    sqlx::query("UPDATE room_passwords SET expires_at = $1 WHERE room_name = $2")
        .bind(chrono::Utc::now().timestamp_millis() - 1)
        .bind(format!("interview-{app_id}-3"))
        .execute(app.store.pool())
        .await
        .unwrap();
    let (_, b) = gql(&app, None, None, TOKEN, json!({"id": app_id, "pw": pin3})).await;
    assert_eq!(error_code(&b), "UNAUTHENTICATED", "expired: {b}");

    // A new room voids the previous unused password.
    let (_, _) = gql(&app, Some(&cast.staff.token), None, CREATE, vars.clone()).await;
    let pin4 = pin_in(&app.store.outbox().await.unwrap()[3].body);
    let (_, _) = gql(&app, Some(&cast.staff.token), None, CREATE, vars.clone()).await;
    let pin5 = pin_in(&app.store.outbox().await.unwrap()[4].body);
    if pin4 != pin5 {
        let (_, b) = gql(&app, None, None, TOKEN, json!({"id": app_id, "pw": pin4})).await;
        assert_eq!(error_code(&b), "UNAUTHENTICATED", "superseded: {b}");
    }
    let (_, b) = gql(&app, None, None, TOKEN, json!({"id": app_id, "pw": pin5})).await;
    assert_eq!(
        b["data"]["getRoomToken"]["roomName"],
        format!("interview-{app_id}-5"),
        "{b}"
    );

    // The agents' query: the API key or staff.
    let (_, b) = gql(&app, None, Some(AGENT_KEY), APPLICATION, vars.clone()).await;
    assert_eq!(
        b["data"]["application"],
        json!({"id": app_id, "candidate": {"name": "Ahmed Hassan", "email": "ahmed@example.com", "phone": "+971509876543"},
               "job": {"title": "Senior Backend Developer - Fintech", "description": "Payments",
                       "questions": ["Why payments?", "Idempotency?"], "company": {"name": "MENA Bank"}}}),
        "{b}"
    );
    let (_, b) = gql(
        &app,
        Some(&cast.staff.token),
        None,
        APPLICATION,
        vars.clone(),
    )
    .await;
    assert!(b["errors"].is_null(), "{b}");
    let (_, b) = gql(
        &app,
        None,
        Some("wrong-key-wrong-key-wrong"),
        APPLICATION,
        vars.clone(),
    )
    .await;
    assert_eq!(error_code(&b), "UNAUTHENTICATED", "{b}");
    let (_, b) = gql(&app, Some(&cast.interviewer.token), None, APPLICATION, vars).await;
    assert_eq!(error_code(&b), "FORBIDDEN", "{b}");
    let (s, b) = app.post("/graphql", None, json!([1, 2])).await;
    crate::assert_error(s, &b, 400);

    assert_not_logged(&[&pin, &pin2, &pin3, &pin4, &pin5, AGENT_KEY]);
}

#[tokio::test]
async fn the_password_reaches_whatsapp_and_sms_providers() {
    // WhatsApp Cloud API.
    let whatsapp = Provider::start(StatusCode::OK).await;
    let app = TestApp::start_with(Opts {
        env: vec![
            ("VIVA_NOTIFIER", "whatsapp".into()),
            ("VIVA_WHATSAPP_API_URL", format!("{}/v18.0", whatsapp.url)),
            ("VIVA_WHATSAPP_TOKEN", "wa-token-secret".into()),
            ("VIVA_WHATSAPP_PHONE_NUMBER_ID", "1234567890".into()),
        ],
        ..Opts::default()
    })
    .await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, Some("+971509876543")).await;
    let (_, b) = gql(
        &app,
        Some(&cast.staff.token),
        None,
        CREATE,
        json!({"id": a["id"]}),
    )
    .await;
    assert!(b["errors"].is_null(), "{b}");
    let sent = whatsapp.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].path, "/v18.0/1234567890/messages");
    assert_eq!(sent[0].headers["authorization"], "Bearer wa-token-secret");
    let payload: Value = serde_json::from_str(&sent[0].body).unwrap();
    let body = payload["text"]["body"].as_str().unwrap();
    let pin = pin_in(body);
    assert_eq!(
        payload,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual",
               "to": "971509876543", "type": "text",
               "text": {"preview_url": false, "body": body}})
    );
    assert!(body.contains(&format!("Room: interview-{}-1", a["id"].as_str().unwrap())));
    assert!(
        app.store.outbox().await.unwrap().is_empty(),
        "not in the outbox"
    );

    // A Twilio-style SMS API.
    let sms = Provider::start(StatusCode::CREATED).await;
    let app = TestApp::start_with(Opts {
        env: vec![
            ("VIVA_NOTIFIER", "sms".into()),
            ("VIVA_SMS_API_URL", sms.url.clone()),
            ("VIVA_SMS_ACCOUNT_SID", "AC0001".into()),
            ("VIVA_SMS_AUTH_TOKEN", "sms-auth-secret".into()),
            ("VIVA_SMS_FROM", "+15550001111".into()),
        ],
        ..Opts::default()
    })
    .await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, Some("+971509876543")).await;
    let (_, b) = gql(
        &app,
        Some(&cast.staff.token),
        None,
        CREATE,
        json!({"id": a["id"]}),
    )
    .await;
    assert!(b["errors"].is_null(), "{b}");
    let sent = sms.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/2010-04-01/Accounts/AC0001/Messages.json");
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode("AC0001:sms-auth-secret");
    assert_eq!(
        sent[0].headers["authorization"],
        format!("Basic {basic}").as_str()
    );
    assert_eq!(
        sent[0].headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    let form: std::collections::HashMap<String, String> =
        url_form(&sent[0].body).into_iter().collect();
    assert_eq!(form["To"], "+971509876543");
    assert_eq!(form["From"], "+15550001111");
    let sms_pin = pin_in(&form["Body"]);
    assert!(form["Body"].starts_with("🎯 Your Interview Room Password: "));

    // A provider that refuses: the caller learns it, and the password is void.
    let down = Provider::start(StatusCode::SERVICE_UNAVAILABLE).await;
    let app = TestApp::start_with(Opts {
        env: vec![
            ("VIVA_NOTIFIER", "sms".into()),
            ("VIVA_SMS_API_URL", down.url.clone()),
            ("VIVA_SMS_ACCOUNT_SID", "AC0001".into()),
            ("VIVA_SMS_AUTH_TOKEN", "sms-auth-secret".into()),
            ("VIVA_SMS_FROM", "+15550001111".into()),
        ],
        ..Opts::default()
    })
    .await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, Some("+971509876543")).await;
    let (_, b) = gql(
        &app,
        Some(&cast.staff.token),
        None,
        CREATE,
        json!({"id": a["id"]}),
    )
    .await;
    assert_eq!(error_code(&b), "NOTIFICATION_FAILED", "{b}");
    let rows = app
        .store
        .passwords_for(uuid::Uuid::parse_str(a["id"].as_str().unwrap()).unwrap())
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r.voided), "{rows:?}");
    let down_pin = pin_in(
        &url_form(&down.requests()[0].body)
            .into_iter()
            .find(|(k, _)| k == "Body")
            .unwrap()
            .1,
    );

    assert_not_logged(&[
        &pin,
        &sms_pin,
        &down_pin,
        "wa-token-secret",
        "sms-auth-secret",
    ]);
}

fn url_form(body: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{body}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn single_use_can_be_turned_off() {
    let lk = std::sync::Arc::new(
        tokio::task::spawn_blocking(viva_testkit::LiveKitServer::start)
            .await
            .unwrap(),
    );
    let app = TestApp::start_with(Opts {
        livekit: Some(lk),
        env: vec![("VIVA_OTP_SINGLE_USE", "false".into())],
        ..Opts::default()
    })
    .await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, Some("+971509876543")).await;
    let (_, b) = gql(
        &app,
        Some(&cast.staff.token),
        None,
        CREATE,
        json!({"id": a["id"]}),
    )
    .await;
    assert!(b["errors"].is_null(), "{b}");
    let pin = pin_in(&app.store.outbox().await.unwrap()[0].body);
    for n in 0..2 {
        let (_, b) = gql(&app, None, None, TOKEN, json!({"id": a["id"], "pw": pin})).await;
        assert!(
            b["data"]["getRoomToken"]["token"].is_string(),
            "use {n}: {b}"
        );
    }
    assert_not_logged(&[&pin]);
}
