//! Feedback drafts and idempotent submissions, on SQLite and on PostgreSQL: versions only
//! move forward, a stale write is a 409 carrying the server's draft, a retried write under
//! the same Idempotency-Key lands once, and an incomplete scorecard is refused.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use viva_server::domain::{FeedbackKind, InterviewStatus};
use viva_testkit::Postgres;

use crate::{assert_error, Cast, Opts, TestApp};

impl TestApp {
    /// A request with an Idempotency-Key header.
    async fn keyed(
        &self,
        method: Method,
        path: &str,
        token: &str,
        key: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let res = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = res.status();
        assert!(status.as_u16() < 500, "{path} answered {status}");
        (status, res.json().await.expect("JSON answer"))
    }
}

fn full_scorecard() -> Value {
    json!({"Problem solving": {"rating": 4, "notes": "clean decomposition"}, "Coding": 3,
           "System design": 2, "Communication": {"rating": 3, "notes": ""}})
}

async fn drafts_scenario(app: TestApp) {
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    let path = format!("/api/interviews/{}/feedback/drafts/interviewer", i.id);
    let me = Some(cast.interviewer.token.as_str());

    let (s, empty) = app.get(&path, me).await;
    assert_eq!(s, 200, "{empty}");
    assert_eq!(
        (empty["version"].clone(), empty["content"].clone()),
        (json!(0), json!({}))
    );

    let (s, v1) = app
        .request(
            Method::PUT,
            &path,
            me,
            Some(json!({"base_version": 0, "content": {"notes": "first"}})),
        )
        .await;
    assert_eq!((s.as_u16(), v1["version"].clone()), (200, json!(1)), "{v1}");
    let (s, v2) = app
        .request(
            Method::PUT,
            &path,
            me,
            Some(json!({"base_version": 1, "content": {"notes": "second"}})),
        )
        .await;
    assert_eq!((s.as_u16(), v2["version"].clone()), (200, json!(2)), "{v2}");

    // Another machine still on version 1: refused, and told what the server has.
    for base in [0, 1, 7] {
        let (s, conflict) = app
            .request(
                Method::PUT,
                &path,
                me,
                Some(json!({"base_version": base, "content": {"notes": "stale"}})),
            )
            .await;
        assert_error(s, &conflict, 409);
        assert_eq!(conflict["current"]["version"], 2, "{conflict}");
        assert_eq!(
            conflict["current"]["content"],
            json!({"notes": "second"}),
            "{conflict}"
        );
    }
    let (_, now) = app.get(&path, me).await;
    assert_eq!(
        now["content"]["notes"], "second",
        "a stale write never lands"
    );

    // Only that side's participant reads or writes it.
    for who in [&cast.candidate, &cast.other_interviewer, &cast.staff] {
        let (s, body) = app.get(&path, Some(&who.token)).await;
        assert_error(s, &body, 403);
    }
    let cand_path = format!("/api/interviews/{}/feedback/drafts/candidate", i.id);
    let (s, body) = app
        .request(
            Method::PUT,
            &cand_path,
            me,
            Some(json!({"base_version": 0, "content": {}})),
        )
        .await;
    assert_error(s, &body, 403);
    let (s, body) = app
        .request(
            Method::PUT,
            &cand_path,
            Some(&cast.candidate.token),
            Some(json!({"base_version": 0, "content": {"comments": "nice"}})),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = app
        .get(&format!("/api/interviews/{}/feedback/drafts/hr", i.id), me)
        .await;
    assert_error(s, &body, 404);

    // Bad bodies get the error shape, every problem listed.
    let (s, body) = app
        .request(
            Method::PUT,
            &path,
            me,
            Some(json!({"base_version": -1, "content": "text"})),
        )
        .await;
    assert_error(s, &body, 400);
    assert_eq!(body["message"].as_array().unwrap().len(), 2, "{body}");
    let (s, body) = app
        .request(
            Method::PUT,
            &path,
            me,
            Some(json!({"base_version": 2, "content": {"notes": "x".repeat(50_000)}})),
        )
        .await;
    assert_error(s, &body, 400);

    // The same key replays the same answer and writes once.
    let put = json!({"base_version": 2, "content": {"notes": "third"}});
    let (s, first) = app
        .keyed(
            Method::PUT,
            &path,
            &cast.interviewer.token,
            "draft-key-0001",
            put.clone(),
        )
        .await;
    assert_eq!(
        (s.as_u16(), first["version"].clone()),
        (200, json!(3)),
        "{first}"
    );
    let (s, again) = app
        .keyed(
            Method::PUT,
            &path,
            &cast.interviewer.token,
            "draft-key-0001",
            put.clone(),
        )
        .await;
    assert_eq!(
        (s.as_u16(), &again),
        (200, &first),
        "a retry replays the first answer"
    );
    assert_eq!(
        app.store
            .draft(i.id, FeedbackKind::Interviewer)
            .await
            .unwrap()
            .unwrap()
            .version,
        3,
        "the retry did not write again"
    );
    let (s, body) = app
        .keyed(
            Method::PUT,
            &path,
            &cast.interviewer.token,
            "draft-key-0001",
            json!({"base_version": 3, "content": {"notes": "other"}}),
        )
        .await;
    assert_error(s, &body, 422);
    let (s, body) = app
        .keyed(Method::PUT, &path, &cast.interviewer.token, "short", put)
        .await;
    assert_error(s, &body, 400);

    // Submissions: required fields first, then exactly once per key.
    let submit = format!("/api/interviews/{}/feedback/interviewer/", i.id);
    let (s, body) = app
        .keyed(
            Method::POST,
            &submit,
            &cast.interviewer.token,
            "submit-key-0001",
            json!({"scorecard": {"Coding": 3, "Charm": 4}, "recommendation": null}),
        )
        .await;
    assert_error(s, &body, 400);
    let messages = body["message"].to_string();
    for missing in [
        "Problem solving",
        "System design",
        "Communication",
        "Charm",
        "recommendation",
    ] {
        assert!(messages.contains(missing), "{missing} is named: {messages}");
    }
    let good = json!({"scorecard": full_scorecard(), "recommendation": "yes", "notes": "solid"});
    let (s, first) = app
        .keyed(
            Method::POST,
            &submit,
            &cast.interviewer.token,
            "submit-key-0001",
            good.clone(),
        )
        .await;
    assert_eq!(s, 200, "a refused request does not burn its key: {first}");
    for _ in 0..3 {
        let (s, again) = app
            .keyed(
                Method::POST,
                &submit,
                &cast.interviewer.token,
                "submit-key-0001",
                good.clone(),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            (&again["id"], &again["version"]),
            (&first["id"], &json!(1)),
            "{again}"
        );
    }
    let stored = app
        .store
        .feedback(i.id, FeedbackKind::Interviewer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 1, "three retries, one submission");
    assert_eq!(
        stored.scorecard["Problem solving"]["notes"],
        "clean decomposition"
    );

    let cand_submit = format!("/api/interviews/{}/feedback/candidate/", i.id);
    let (s, body) = app
        .post(
            &cand_submit,
            Some(&cast.candidate.token),
            json!({"rating": 9}),
        )
        .await;
    assert_error(s, &body, 400);
    let (s, body) = app
        .post(&cand_submit, Some(&cast.candidate.token), json!({}))
        .await;
    assert_error(s, &body, 400);
    let (s, body) = app
        .keyed(
            Method::POST,
            &cand_submit,
            &cast.candidate.token,
            "cand-submit-1",
            json!({"rating": 4, "comments": "Friendly"}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
}

#[tokio::test]
async fn drafts_and_idempotent_submissions_on_sqlite() {
    drafts_scenario(TestApp::start().await).await;
}

#[tokio::test]
async fn drafts_and_idempotent_submissions_on_postgres() {
    let pg = tokio::task::spawn_blocking(Postgres::start).await.unwrap();
    let url = pg.fresh_database();
    drafts_scenario(
        TestApp::start_with(Opts {
            database_url: Some(url),
            ..Opts::default()
        })
        .await,
    )
    .await;
}

/// Concurrent retries of one key (a client that timed out and resent while the first
/// request was still running) still write once.
#[tokio::test]
async fn concurrent_retries_of_one_key_submit_once_on_postgres() {
    let pg = tokio::task::spawn_blocking(Postgres::start).await.unwrap();
    let app = TestApp::start_with(Opts {
        database_url: Some(pg.fresh_database()),
        ..Opts::default()
    })
    .await;
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    let submit = format!("/api/interviews/{}/feedback/interviewer/", i.id);
    let good = json!({"scorecard": full_scorecard(), "recommendation": "strong_yes"});
    let answers = futures::future::join_all((0..8).map(|_| {
        app.keyed(
            Method::POST,
            &submit,
            &cast.interviewer.token,
            "same-key-000001",
            good.clone(),
        )
    }))
    .await;
    for (s, body) in &answers {
        assert_eq!(*s, 200, "{body}");
        assert_eq!(body["id"], answers[0].1["id"]);
    }
    let stored = app
        .store
        .feedback(i.id, FeedbackKind::Interviewer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.version, 1,
        "eight concurrent retries, one submission"
    );
}
