//! The authorization matrix: every endpoint, called by anonymous, the candidate, the
//! interviewer, another interviewer, staff and a superuser. Each cell gets fresh state, so
//! a cell's answer never depends on another cell.

use reqwest::Method;
use serde_json::{json, Value};
use viva_server::domain::InterviewStatus;

use crate::{assert_error, Actor, Cast, TestApp};

/// Expected statuses for: anonymous, candidate, interviewer, other interviewer, staff,
/// superuser.
type Row = [u16; 6];

struct Endpoint {
    method: Method,
    /// `{id}` is replaced by a fresh interview's id.
    path: &'static str,
    body: fn(&Cast) -> Option<Value>,
    /// The interview's status for this row.
    status: InterviewStatus,
    /// Whether the interviewer ensures the room before the call.
    ensure_room: bool,
    expect: Row,
}

fn none(_: &Cast) -> Option<Value> {
    None
}
fn empty(_: &Cast) -> Option<Value> {
    Some(json!({}))
}

#[tokio::test]
async fn every_endpoint_for_every_kind_of_caller() {
    use InterviewStatus::{Accepted, Pending};
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let rows: Vec<Endpoint> = vec![
        Endpoint {
            method: Method::GET,
            path: "/api/auth/me",
            body: none,
            status: Accepted,
            ensure_room: false,
            expect: [401, 200, 200, 200, 200, 200],
        },
        Endpoint {
            method: Method::GET,
            path: "/api/interviews/",
            body: none,
            status: Accepted,
            ensure_room: false,
            expect: [401, 200, 200, 200, 200, 200],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/",
            body: |c| {
                Some(
                    json!({"receiver": c.interviewer.user.id, "topic": "t", "scheduled_time": "2030-01-01T10:00:00Z"}),
                )
            },
            status: Accepted,
            ensure_room: false,
            expect: [401, 201, 403, 403, 403, 403],
        },
        Endpoint {
            method: Method::GET,
            path: "/api/interviews/{id}/",
            body: none,
            status: Accepted,
            ensure_room: false,
            expect: [401, 200, 200, 403, 200, 200],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/accept/",
            body: empty,
            status: Pending,
            ensure_room: false,
            expect: [401, 403, 200, 403, 403, 403],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/decline/",
            body: empty,
            status: Pending,
            ensure_room: false,
            expect: [401, 403, 200, 403, 403, 403],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/cancel/",
            body: empty,
            status: Pending,
            ensure_room: false,
            expect: [401, 200, 200, 403, 200, 200],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/complete/",
            body: empty,
            status: Accepted,
            ensure_room: false,
            expect: [401, 403, 409, 403, 403, 403],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/join/",
            body: empty,
            status: Accepted,
            ensure_room: false,
            expect: [401, 200, 200, 403, 403, 403],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/room/ensure/",
            body: empty,
            status: Accepted,
            ensure_room: false,
            expect: [401, 200, 200, 403, 403, 403],
        },
        Endpoint {
            method: Method::GET,
            path: "/api/interviews/{id}/room/info/",
            body: none,
            status: Accepted,
            ensure_room: true,
            expect: [401, 200, 200, 403, 403, 403],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/room/controls/",
            body: |_| Some(json!({"action": "end"})),
            status: Accepted,
            ensure_room: true,
            expect: [401, 403, 200, 403, 403, 403],
        },
        Endpoint {
            method: Method::GET,
            path: "/api/interviews/rooms/active/",
            body: none,
            status: Accepted,
            ensure_room: false,
            expect: [401, 403, 403, 403, 403, 200],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/feedback/interviewer/",
            body: |_| {
                Some(
                    json!({"scorecard": {"Problem solving": 3, "Coding": 3, "System design": 3,
                    "Communication": 3}, "recommendation": "yes"}),
                )
            },
            status: Accepted,
            ensure_room: false,
            expect: [401, 403, 200, 403, 403, 403],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/interviews/{id}/feedback/candidate/",
            body: |_| Some(json!({"rating": 5, "comments": "Smooth"})),
            status: Accepted,
            ensure_room: false,
            expect: [401, 200, 403, 403, 403, 403],
        },
        Endpoint {
            method: Method::POST,
            path: "/api/livekit/token",
            body: |_| Some(json!({"roomId": "interview-{id}"})),
            status: Accepted,
            ensure_room: false,
            expect: [401, 200, 200, 403, 403, 403],
        },
        Endpoint {
            method: Method::GET,
            path: "/api/livekit/connection-info",
            body: none,
            status: Accepted,
            ensure_room: false,
            expect: [401, 200, 200, 200, 200, 200],
        },
        Endpoint {
            method: Method::GET,
            path: "/api/livekit/health",
            body: none,
            status: Accepted,
            ensure_room: false,
            expect: [200, 200, 200, 200, 200, 200],
        },
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
    for row in &rows {
        for (col, (who, actor)) in callers.iter().enumerate() {
            let interview = app
                .interview(&cast.candidate, &cast.interviewer, row.status)
                .await;
            let id = interview.id.to_string();
            if row.ensure_room {
                let (s, b) = app
                    .post(
                        &format!("/api/interviews/{id}/room/ensure/"),
                        Some(&cast.interviewer.token),
                        json!({}),
                    )
                    .await;
                assert_eq!(s, 200, "{b}");
            }
            let path = row.path.replace("{id}", &id);
            let body = (row.body)(&cast)
                .map(|b| serde_json::from_str(&b.to_string().replace("{id}", &id)).unwrap());
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
                    "{} {} as {who}: {status}, expected {expected}: {answer}",
                    row.method, row.path
                ));
            } else if expected >= 400 {
                assert_error(status, &answer, expected);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix mismatches:\n{}",
        failures.join("\n")
    );

    // Last: signing out, for every caller (it ends their sessions).
    for (who, actor) in callers {
        let (s, body) = app
            .request(
                Method::POST,
                "/api/auth/logout",
                actor.map(|a| a.token.as_str()),
                None,
            )
            .await;
        let expected = if actor.is_some() { 200 } else { 401 };
        assert_eq!(s, expected, "logout as {who}: {body}");
    }
}
