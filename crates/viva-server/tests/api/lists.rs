//! List endpoints come in pages (`limit`, `cursor`; the next cursor in `X-Next-Cursor`),
//! each page one query; candidates can request only so many interviews a day.

use std::collections::HashSet;

use serde_json::{json, Value};
use viva_server::domain::InterviewStatus;

use crate::{assert_error, Cast, Opts, TestApp};

/// Every page of `path` at `limit`: (ids in order, pages).
async fn walk(
    app: &TestApp,
    path: &str,
    token: &str,
    limit: u32,
    id_key: &str,
) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = match &cursor {
            None => format!("{}{path}?limit={limit}", app.base),
            Some(c) => format!("{}{path}?limit={limit}&cursor={c}", app.base),
        };
        let res = app.client.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let next = res
            .headers()
            .get("x-next-cursor")
            .map(|v| v.to_str().unwrap().to_owned());
        let items: Vec<Value> = res.json().await.unwrap();
        assert!(items.len() <= limit as usize);
        ids.extend(items.iter().map(|i| i[id_key].as_str().unwrap().to_owned()));
        pages += 1;
        match next {
            Some(c) => cursor = Some(c),
            None => return (ids, pages),
        }
    }
}

#[tokio::test]
async fn lists_come_in_pages_that_cover_everything_once() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    for _ in 0..7 {
        app.interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    }
    let (all, one_page) = walk(
        &app,
        "/api/interviews/",
        &cast.candidate.token,
        200,
        "uuid_id",
    )
    .await;
    assert_eq!((all.len(), one_page), (7, 1));
    let (paged, pages) = walk(
        &app,
        "/api/interviews/",
        &cast.candidate.token,
        3,
        "uuid_id",
    )
    .await;
    assert_eq!(pages, 3);
    assert_eq!(paged, all, "the same interviews in the same order");
    assert_eq!(paged.iter().collect::<HashSet<_>>().len(), 7);

    // The entries carry both sides and the feedback flag, as before paging.
    let (_, list) = app
        .get("/api/interviews/?limit=1", Some(&cast.candidate.token))
        .await;
    let first = &list[0];
    assert_eq!(
        first["receiver"]["id"],
        cast.interviewer.user.id.to_string()
    );
    assert_eq!(
        first["sender"]["username"],
        cast.candidate.user.username.as_str()
    );
    assert_eq!(first["interviewer_feedback_submitted"], false);

    // Staff lists page the same way.
    for (path, body, key) in [("/api/companies/", json!({"name": "Acme"}), "id")] {
        for _ in 0..3 {
            let (s, b) = app.post(path, Some(&cast.staff.token), body.clone()).await;
            assert_eq!(s, 201, "{b}");
        }
        let (ids, pages) = walk(&app, path, &cast.staff.token, 2, key).await;
        assert_eq!((ids.len(), pages), (3, 2), "{path}");
    }

    // Bad paging input: clear 400s.
    for query in ["limit=0", "limit=1000", "limit=ten", "cursor=not-a-cursor"] {
        let (s, b) = app
            .get(
                &format!("/api/interviews/?{query}"),
                Some(&cast.candidate.token),
            )
            .await;
        assert_error(s, &b, 400);
    }
}

#[tokio::test]
async fn a_candidate_can_request_only_so_many_interviews_a_day() {
    let app = TestApp::start_with(Opts {
        env: vec![("VIVA_INTERVIEW_REQUESTS_PER_DAY", "2".into())],
        ..Opts::default()
    })
    .await;
    let cast = Cast::new(&app).await;
    let request = || {
        app.post(
            "/api/interviews/",
            Some(&cast.candidate.token),
            json!({"receiver": cast.interviewer.user.id, "topic": "Backend Engineer Interview",
                   "scheduled_time": "2026-12-10T14:00:00Z", "duration_minutes": 60,
                   "interview_type": "TECHNICAL"}),
        )
    };
    for _ in 0..2 {
        let (s, b) = request().await;
        assert_eq!(s, 201, "{b}");
    }
    let (s, b) = request().await;
    assert_error(s, &b, 429);
}
