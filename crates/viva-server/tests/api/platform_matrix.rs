//! The authorization matrix of the rooms platform: every `/api/v1/` endpoint, called by
//! anonymous, the candidate, the interviewer (the room's host), another interviewer, staff
//! and a superuser. Each cell gets a fresh room (and token, and template), so a cell's
//! answer never depends on another's.

use reqwest::Method;
use serde_json::{json, Value};
use viva_server::domain::InterviewStatus;

use crate::{assert_error, Actor, Cast, TestApp};

/// anonymous, candidate, interviewer (host), other interviewer, staff, superuser.
type Row = [u16; 6];

#[derive(Clone, Copy, PartialEq)]
enum Room {
    /// A group room staff made, hosted by the interviewer.
    Group,
    /// The room of an interview between the candidate and the interviewer.
    Interview,
}

struct Endpoint {
    method: Method,
    /// `{id}`: the room's id; `{jti}`: a token issued to the candidate; `{n}`: a number
    /// unique to the cell; `{template}`: a fresh template nobody uses.
    path: &'static str,
    body: Option<Value>,
    room: Room,
    expect: Row,
}

fn e(method: Method, path: &'static str, body: Option<Value>, room: Room, expect: Row) -> Endpoint {
    Endpoint {
        method,
        path,
        body,
        room,
        expect,
    }
}

async fn fresh_room(app: &TestApp, cast: &Cast, kind: Room) -> String {
    match kind {
        Room::Group => {
            let (s, b) = app
                .post(
                    "/api/v1/rooms/",
                    Some(&cast.staff.token),
                    json!({"room_type": "group", "host": cast.interviewer.user.id}),
                )
                .await;
            assert_eq!(s, 201, "{b}");
            b["id"].as_str().unwrap().to_owned()
        }
        Room::Interview => {
            let interview = app
                .interview(&cast.candidate, &cast.interviewer, InterviewStatus::Pending)
                .await;
            let (s, b) = app
                .post(
                    &format!("/api/interviews/{}/accept/", interview.id),
                    Some(&cast.interviewer.token),
                    json!({}),
                )
                .await;
            assert_eq!(s, 200, "{b}");
            app.store
                .room(&format!("interview-{}", interview.id))
                .await
                .unwrap()
                .expect("accepting made the room")
                .id
                .to_string()
        }
    }
}

#[tokio::test]
async fn every_platform_endpoint_for_every_kind_of_caller() {
    use Method as M;
    use Room::{Group, Interview};
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let role = |r: &str| Some(json!({ "role": r }));
    let rows = vec![
        e(
            M::GET,
            "/api/v1/rooms/",
            None,
            Group,
            [401, 200, 200, 200, 200, 200],
        ),
        e(
            M::POST,
            "/api/v1/rooms/",
            Some(json!({"room_type": "webinar"})),
            Group,
            [401, 403, 403, 403, 201, 201],
        ),
        e(
            M::GET,
            "/api/v1/rooms/{id}/",
            None,
            Group,
            [401, 404, 200, 404, 200, 200],
        ),
        e(
            M::GET,
            "/api/v1/rooms/{id}/",
            None,
            Interview,
            [401, 404, 200, 404, 200, 200],
        ),
        e(
            M::PATCH,
            "/api/v1/rooms/{id}/",
            Some(json!({"title": "Renamed"})),
            Group,
            [401, 403, 403, 403, 200, 200],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/close/",
            Some(json!({})),
            Group,
            [401, 403, 403, 403, 200, 200],
        ),
        e(
            M::DELETE,
            "/api/v1/rooms/{id}/",
            None,
            Group,
            [401, 403, 403, 403, 204, 204],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/controls/",
            Some(json!({"action": "end"})),
            Group,
            [401, 404, 200, 404, 200, 200],
        ),
        e(
            M::GET,
            "/api/v1/rooms/{id}/participants/",
            None,
            Group,
            [401, 404, 200, 404, 200, 200],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/token/",
            role("host"),
            Group,
            [401, 403, 200, 403, 200, 403],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/token/",
            role("participant"),
            Group,
            [401, 200, 200, 200, 200, 403],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/token/",
            role("viewer"),
            Group,
            [401, 200, 200, 200, 200, 403],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/token/",
            role("host"),
            Interview,
            [401, 403, 200, 403, 200, 403],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/token/",
            role("participant"),
            Interview,
            [401, 200, 200, 403, 200, 403],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/token/",
            role("viewer"),
            Interview,
            [401, 403, 200, 403, 200, 403],
        ),
        e(
            M::GET,
            "/api/v1/rooms/{id}/tokens/",
            None,
            Group,
            [401, 403, 403, 403, 200, 200],
        ),
        e(
            M::POST,
            "/api/v1/rooms/{id}/tokens/{jti}/revoke/",
            Some(json!({})),
            Group,
            [401, 403, 403, 403, 200, 200],
        ),
        e(
            M::GET,
            "/api/v1/room-templates/",
            None,
            Group,
            [401, 200, 200, 200, 200, 200],
        ),
        e(
            M::GET,
            "/api/v1/room-templates/group/",
            None,
            Group,
            [401, 200, 200, 200, 200, 200],
        ),
        e(
            M::POST,
            "/api/v1/room-templates/",
            Some(json!({"name": "t-{n}", "room_type": "group"})),
            Group,
            [401, 403, 403, 403, 201, 201],
        ),
        e(
            M::PATCH,
            "/api/v1/room-templates/group/",
            Some(json!({"description": "Teams"})),
            Group,
            [401, 403, 403, 403, 200, 200],
        ),
        e(
            M::DELETE,
            "/api/v1/room-templates/{template}/",
            None,
            Group,
            [401, 403, 403, 403, 204, 204],
        ),
    ];
    let callers: [(&str, Option<&Actor>); 6] = [
        ("anonymous", None),
        ("candidate", Some(&cast.candidate)),
        ("interviewer", Some(&cast.interviewer)),
        ("other interviewer", Some(&cast.other_interviewer)),
        ("staff", Some(&cast.staff)),
        ("superuser", Some(&cast.superuser)),
    ];
    let mut failures = Vec::new();
    let mut n = 0;
    for row in &rows {
        for (col, (who, actor)) in callers.iter().enumerate() {
            n += 1;
            let id = fresh_room(&app, &cast, row.room).await;
            let (s, token) = app
                .post(
                    &format!("/api/v1/rooms/{id}/token/"),
                    Some(&cast.staff.token),
                    json!({"role": "participant", "user": cast.candidate.user.id}),
                )
                .await;
            assert_eq!(s, 200, "{token}");
            let template = format!("unused-{n}");
            let (s, b) = app
                .post(
                    "/api/v1/room-templates/",
                    Some(&cast.staff.token),
                    json!({"name": template, "room_type": "group"}),
                )
                .await;
            assert_eq!(s, 201, "{b}");
            let fill = |text: &str| {
                text.replace("{id}", &id)
                    .replace("{jti}", token["jti"].as_str().unwrap())
                    .replace("{n}", &n.to_string())
                    .replace("{template}", &template)
            };
            let path = fill(row.path);
            let body = row
                .body
                .as_ref()
                .map(|b| serde_json::from_str(&fill(&b.to_string())).unwrap());
            let (status, answer) = app
                .request(
                    row.method.clone(),
                    &path,
                    actor.map(|a| a.token.as_str()),
                    body,
                )
                .await;
            let expected = row.expect[col];
            if status.as_u16() != expected {
                failures.push(format!(
                    "{} {} ({}) as {who}: {status}, expected {expected}: {answer}",
                    row.method,
                    row.path,
                    if row.room == Group {
                        "group"
                    } else {
                        "interview"
                    },
                ));
            } else if expected >= 400 {
                assert_error(status, &answer, expected);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "platform authorization matrix mismatches:\n{}",
        failures.join("\n")
    );
}
